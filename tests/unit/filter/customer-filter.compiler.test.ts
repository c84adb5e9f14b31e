import { DomainException } from '../../../src/common/errors';
import { SqlParams } from '../../../src/database/sql';
import { countShape } from '../../../src/modules/customer/filter/comparisons';
import {
  compileCustomerFilter,
  explainCustomerFilter,
  MAX_CONDITIONS,
  segmentReferences,
  toStoredFilter,
  validateCustomerFilter,
} from '../../../src/modules/customer/filter/customer-filter.compiler';

const NOW = new Date('2025-06-30T12:00:00.000Z');

function compile(filter: object) {
  const params = new SqlParams();
  const sql = compileCustomerFilter(filter, params, { now: NOW });
  return { sql, values: params.values };
}

function rejection(filter: unknown, path = 'filter'): { field?: unknown; message: string; code: string } {
  try {
    validateCustomerFilter(filter as object, path);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainException);
    const e = error as DomainException;
    return { field: e.details.field, message: e.message, code: e.code };
  }
  throw new Error('expected a rejection');
}

describe('compileCustomerFilter', () => {
  it('matches everyone with an empty filter, no one with an empty _or', () => {
    expect(compile({}).sql).toBe('TRUE');
    expect(compile({ _and: [] }).sql).toBe('TRUE');
    expect(compile({ _or: [] }).sql).toBe('FALSE');
  });

  it('keeps every value out of the SQL text and adds the clock once', () => {
    const { sql, values } = compile({
      city: { _eq: "O'Brien; DROP TABLE customer" },
      activity: { kind: 'ANY', withinDays: 77, count: { _gte: 13 } },
      daysSinceLastActivity: { _lt: 5 },
      totalBalance: { _gt: '1234.56' },
    });
    expect(sql).not.toMatch(/O'Brien|DROP|77|13|1234/);
    expect(values).toEqual(expect.arrayContaining(["O'Brien; DROP TABLE customer", 77, 13, '1234.56']));
    expect(values.filter((v) => v === NOW.toISOString())).toHaveLength(1);
  });

  it('is pure: the same filter and clock give the same statement', () => {
    const filter = { _or: [{ age: { _gte: 30 } }, { activityTrend: { withinDays: 30, ratio: { _lt: 0.5 } } }] };
    expect(compile(filter)).toEqual(compile(filter));
  });

  it('compiles "at least one" and "none" to EXISTS / NOT EXISTS and other counts to an aggregate', () => {
    expect(compile({ activity: { kind: 'TRANSACTION', withinDays: 30 } }).sql).toMatch(/^EXISTS \(SELECT 1 FROM bank_transaction/);
    expect(compile({ activity: { kind: 'TRANSACTION', withinDays: 30, count: { _eq: 0 } } }).sql).toMatch(/^NOT EXISTS \(SELECT 1 FROM bank_transaction/);
    expect(compile({ activity: { kind: 'TRANSACTION', withinDays: 30, count: { _gte: 3 } } }).sql).toMatch(/HAVING count\(\*\) >= \$\d+::int/);
    expect(compile({ accountCount: { _gt: 0 } }).sql).toMatch(/^EXISTS/);
  });

  it('reads every activity kind through its (customer_id, time) columns', () => {
    const { sql } = compile({ activity: { kind: 'ANY', withinDays: 30, count: { _gte: 2 } } });
    for (const column of ['ft.customer_id = c.id AND ft.booked_at >', 'fs.customer_id = c.id AND fs.started_at >', 'fp.customer_id = c.id AND fp.purchased_at >']) {
      expect(sql).toContain(column);
    }
  });

  it('accepts a single value where a list is expected, as GraphQL does', () => {
    expect(() => validateCustomerFilter({ activity: { kind: 'TRANSACTION', withinDays: 10, channel: 'ATM' } })).not.toThrow();
  });
});

describe('validating stored definitions (plain JSON)', () => {
  it.each([
    [{ nope: { _eq: 1 } }, 'filter.nope', /unknown filter field/],
    [{ _and: { city: { _eq: 'x' } } }, 'filter._and', /list of filters/],
    [{ _or: ['city'] }, 'filter._or[0]', /object/],
    [{ city: 'Beijing' }, 'filter.city', /object/],
    [{ city: { _like: 'x' } }, 'filter.city._like', /does not apply/],
    [{ city: { _eq: 7 } }, 'filter.city._eq', /string/],
    [{ age: { _gt: '30' } }, 'filter.age._gt', /whole number/],
    [{ gender: { _eq: 'ROBOT' } }, 'filter.gender._eq', /one of/],
    [{ customerSince: { _gt: 'yesterday' } }, 'filter.customerSince._gt', /ISO-8601/],
    [{ interests: { _contains: 'golf', _bogus: true } }, 'filter.interests._bogus', /does not apply/],
    [{ totalBalance: { _gt: 1e30 } }, 'filter.totalBalance._gt', /decimal/],
    [{ totalBalance: { _in: ['1'] } }, 'filter.totalBalance._in', /does not apply/],
    [{ hasProductType: { _eq: 'YACHT' } }, 'filter.hasProductType._eq', /one of/],
    [{ activity: { withinDays: 30, colour: 'red' } }, 'filter.activity.colour', /not a field of ActivityFilter/],
    [{ activity: { kind: 'TRANSACTION' } }, 'filter.activity.withinDays', /required/],
    [{ activity: { kind: 'EVERYTHING', withinDays: 3 } }, 'filter.activity.kind', /one of/],
    [{ activity: { withinDays: 3, count: { _is_null: true } } }, 'filter.activity.count._is_null', /does not apply/],
    [{ activityTrend: { withinDays: 30 } }, 'filter.activityTrend.ratio', /required/],
    [{ activityTrend: { withinDays: 30, ratio: { _lt: 'half' } } }, 'filter.activityTrend.ratio._lt', /finite number/],
    [{ outgoingShare: { withinDays: 30, share: { _gt: 0.3 } } }, 'filter.outgoingShare.counterpartyKind', /required/],
    [{ outgoingShare: { counterpartyKind: ['CASH'], withinDays: 30, share: { _gt: 0.3 }, measure: 'WEIGHT' } }, 'filter.outgoingShare.measure', /one of/],
    [{ mobileEnrolled: 'yes' }, 'filter.mobileEnrolled', /true or false/],
    [{ segment: { _contains: 'x' } }, 'filter.segment._contains', /does not apply/],
    [{ contact: { kind: ['GOSSIP'], withinDays: 5 } }, 'filter.contact.kind[0]', /one of/],
  ])('%j is refused at %s', (filter, field, message) => {
    const e = rejection(filter);
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
  });

  it('names the path under the root it is given', () => {
    expect(rejection({ _not: { age: { _gt: -1 } } }, 'input.filter').field).toBe('input.filter._not.age._gt');
  });

  it('caps depth and size', () => {
    let deep: object = { city: { _eq: 'x' } };
    for (let i = 0; i < 11; i++) deep = { _not: deep };
    expect(rejection(deep).message).toMatch(/nest at most/);
    const wide = { _or: Array.from({ length: MAX_CONDITIONS + 1 }, () => ({ city: { _eq: 'x' } })) };
    expect(rejection(wide).message).toMatch(/at most 200 conditions/);
  });
});

describe('stored form', () => {
  it('drops nulls, keeps dates as ISO strings and compiles to the same statement', () => {
    const input = { city: { _eq: 'Chengdu', _neq: null }, customerSince: { _gte: new Date('2020-01-01T00:00:00Z') }, _or: null, activity: { withinDays: 30, kind: 'ANY', count: undefined } };
    const stored = toStoredFilter(input);
    expect(stored).toEqual({ city: { _eq: 'Chengdu' }, customerSince: { _gte: '2020-01-01T00:00:00.000Z' }, activity: { withinDays: 30, kind: 'ANY' } });
    expect(compile(JSON.parse(JSON.stringify(stored)))).toEqual(compile(input));
  });
});

describe('segmentReferences', () => {
  it('finds every segment key with where it is written', () => {
    expect(segmentReferences({ segment: { _eq: 'a' }, _or: [{ _not: { segment: { _in: ['b', 'c'] } } }] }, 'definition')).toEqual([
      { key: 'a', path: 'definition.segment' },
      { key: 'b', path: 'definition._or[0]._not.segment' },
      { key: 'c', path: 'definition._or[0]._not.segment' },
    ]);
  });
});

describe('explainCustomerFilter', () => {
  it('gives every node its own condition and every field its actual value', () => {
    const params = new SqlParams();
    const nodes = explainCustomerFilter({ age: { _gte: 18 }, _or: [{ mobileEnrolled: true }, { _not: { accountCount: { _gt: 2 } } }] }, params, { now: NOW, path: 'definition' });
    expect(nodes.map((n) => [n.path, n.kind, n.field, n.actualSql !== null])).toEqual([
      ['definition', 'ALL_OF', null, false],
      ['definition.age', 'CONDITION', 'age', true],
      ['definition._or', 'ANY_OF', '_or', false],
      ['definition._or[0]', 'ALL_OF', null, false],
      ['definition._or[0].mobileEnrolled', 'CONDITION', 'mobileEnrolled', true],
      ['definition._or[1]', 'ALL_OF', null, false],
      ['definition._or[1]._not', 'NOT', '_not', false],
      ['definition._or[1]._not.accountCount', 'CONDITION', 'accountCount', true],
    ]);
    expect(nodes[1].condition).toEqual({ _gte: 18 });
  });
});

describe('countShape', () => {
  it.each([
    [{ _gt: 0 }, 'ANY'],
    [{ _gte: 1 }, 'ANY'],
    [{ _neq: 0 }, 'ANY'],
    [{ _eq: 0 }, 'NONE'],
    [{ _lt: 1 }, 'NONE'],
    [{ _lte: 0 }, 'NONE'],
    [{ _in: [0] }, 'NONE'],
    [{ _gte: 2 }, null],
    [{ _gt: 0, _lt: 5 }, null],
    [{ _eq: 0, _neq: null }, 'NONE'],
  ])('%j is %s', (value, shape) => {
    expect(countShape(value)).toBe(shape);
  });
});
