import { parse } from 'graphql';
import { DocumentCache, variantKey } from '../../../src/graphql/document-cache';

describe('DocumentCache', () => {
  it('computes once per document and variant, and stops storing new variants past its bound', () => {
    const cache = new DocumentCache<number>(2);
    const document = parse('query Q($n: Int) { customers(first: $n) { totalCount } }');
    let computed = 0;
    const cost = (n: number) => cache.get(document, variantKey('Q', { n }), () => (computed += 1, n * 10));
    expect([cost(1), cost(1), cost(2), cost(2)]).toEqual([10, 10, 20, 20]);
    expect(computed).toBe(2);
    // Full: a third variant is computed every time, never stored.
    expect([cost(3), cost(3)]).toEqual([30, 30]);
    expect(computed).toBe(4);
    // Another document (another query text) has its own entries.
    expect(cache.get(parse('{ customers { totalCount } }'), variantKey(null, undefined), () => 7)).toBe(7);
  });

  it('tells apart what the value depends on', () => {
    expect(variantKey('A', { id: 1 })).not.toBe(variantKey('B', { id: 1 }));
    expect(variantKey('A', { id: 1 })).not.toBe(variantKey('A', { id: 2 }));
    expect(variantKey('A', {}, 'ADMIN', 'true')).not.toBe(variantKey('A', {}, 'FRONTEND', 'false'));
    expect(variantKey(null, undefined)).toBe(variantKey(undefined, {}));
  });
});
