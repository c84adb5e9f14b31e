import { DomainException } from '../../../src/common/errors';
import { BUILT_IN_SEGMENTS } from '../../../src/modules/segment/built-in-segments';
import { findCycle, refreshOrder } from '../../../src/modules/segment/segment-dependencies';

const seg = (id: string, key: string, definition: Record<string, unknown> = {}) => ({ id, key, definition });

describe('segment refresh order', () => {
  it('refreshes a segment after the segments it reads, otherwise in the given order', () => {
    const order = refreshOrder([
      seg('1', 'vip-dormant', { segment: { _eq: 'dormant' }, _or: [{ segment: { _in: ['head'] } }] }),
      seg('2', 'dormant'),
      seg('3', 'head'),
      seg('4', 'other', { segment: { _eq: 'no-such-segment' } }),
    ]);
    expect(order.map((s) => s.key)).toEqual(['dormant', 'head', 'vip-dormant', 'other']);
  });

  it('finds cycles, self-references included', () => {
    expect(findCycle([seg('1', 'a', { segment: { _eq: 'b' } }), seg('2', 'b', { _not: { segment: { _eq: 'a' } } })])).toBe('a -> b -> a');
    expect(findCycle([seg('1', 'a', { segment: { _eq: 'a' } })])).toBe('a -> a');
    expect(findCycle([seg('1', 'a', { segment: { _eq: 'b' } }), seg('2', 'b')])).toBeNull();
    expect(() => refreshOrder([seg('1', 'a', { segment: { _eq: 'b' } }), seg('2', 'b', { segment: { _eq: 'a' } })])).toThrow(/depend on each other/);
  });

  it('refuses a stored definition that no longer validates, naming the segment and the path', () => {
    try {
      refreshOrder([seg('1', 'ok'), seg('2', 'broken', { activity: { withinDays: 0 } })]);
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainException);
      expect((error as DomainException).code).toBe('CONFLICT');
      expect((error as DomainException).details).toMatchObject({ segment: 'broken', field: 'definition.activity.withinDays' });
    }
  });

  it('every built-in is valid in the language', () => {
    expect(() => refreshOrder(BUILT_IN_SEGMENTS.map((s, i) => seg(String(i), s.key, s.definition)))).not.toThrow();
  });
});
