import { createAccount, createBranch, createCustomer, enrolMobile } from '../factories/bank.factory';
import { bornYearsBefore } from '../factories/segment.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const NOW = new Date('2025-06-30T12:00:00.000Z');

describe('customerStats: grouped counts and balances computed in SQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const bj = await createBranch(ds, 'BJ-01');
    const people: [string, string, string, string[], number | null, string | null][] = [
      // name, gender, city, balances, age, branch
      ['Ann', 'FEMALE', 'Beijing', ['100.00', '200.50'], 24, bj],
      ['Bea', 'FEMALE', 'Beijing', ['1000.00'], 40, bj],
      ['Cat', 'FEMALE', 'Chengdu', [], 67, null],
      ['Dan', 'MALE', 'Beijing', ['-500.00', '50.00'], 30, null],
      ['Eli', 'MALE', 'Chengdu', ['10.00'], null, null],
    ];
    for (const [name, gender, city, balances, age, branch] of people) {
      const id = await createCustomer(ds, {
        fullName: name,
        gender,
        city,
        birthDate: age === null ? null : bornYearsBefore(NOW, age, -5),
        homeBranchId: branch,
        createdAt: name === 'Eli' ? '2019-05-01T00:00:00Z' : '2021-03-01T00:00:00Z',
      });
      for (const balance of balances) await createAccount(ds, id, { balance });
      if (name === 'Ann') await enrolMobile(ds, id, '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z');
      if (name === 'Dan') await enrolMobile(ds, id, '2024-01-01T00:00:00Z', null);
    }
    // A closed account is not held: it counts in no balance.
    const [{ id: bea }] = await ds.query(`SELECT id FROM customer WHERE full_name = 'Bea'`);
    await createAccount(ds, bea, { balance: '99999.00', status: 'CLOSED' });
    await t.gql(`mutation ($now: DateTime) { refreshSegments(now: $now) { entered } }`, { now: NOW.toISOString() });
  });
  afterAll(async () => {
    await t?.close();
  });

  const QUERY = `query ($filter: CustomerFilter, $groupBy: [CustomerStatsDimension!], $metrics: [CustomerStatsMetric!], $limit: Int, $now: DateTime) {
    customerStats(filter: $filter, groupBy: $groupBy, metrics: $metrics, limit: $limit, now: $now) {
      groupBy truncated
      rows { group { dimension value } count sumBalance avgBalance minBalance maxBalance medianBalance avgAccountCount avgAge }
    } }`;

  async function stats(variables: Record<string, unknown>) {
    const { result, statements } = await t.db.queryCounter.record(() => t.gql(QUERY, { now: NOW.toISOString(), ...variables }));
    expect(result.body.errors).toBeUndefined();
    expect(statements).toHaveLength(1);
    return result.body.data!.customerStats;
  }

  const values = (rows: any[]) => rows.map((r: any) => r.group.map((g: any) => g.value));

  it('counts everyone with no grouping, COUNT by default', async () => {
    const s = await stats({});
    expect(s.rows).toEqual([
      { group: [], count: 5, sumBalance: null, avgBalance: null, minBalance: null, maxBalance: null, medianBalance: null, avgAccountCount: null, avgAge: null },
    ]);
  });

  it('groups by gender and city with balance metrics of held accounts', async () => {
    const s = await stats({ groupBy: ['GENDER', 'CITY'], metrics: ['COUNT', 'SUM_BALANCE', 'AVG_BALANCE', 'MIN_BALANCE', 'MAX_BALANCE', 'MEDIAN_BALANCE', 'AVG_ACCOUNT_COUNT', 'AVG_AGE'] });
    expect(s.groupBy).toEqual(['GENDER', 'CITY']);
    expect(s.truncated).toBe(false);
    expect(values(s.rows)).toEqual([
      ['FEMALE', 'Beijing'],
      ['FEMALE', 'Chengdu'],
      ['MALE', 'Beijing'],
      ['MALE', 'Chengdu'],
    ]);
    // Ann 300.50 and Bea 1000.00 (her closed 99 999.00 does not count).
    expect(s.rows[0]).toMatchObject({ count: 2, sumBalance: '1300.50', avgBalance: '650.25', minBalance: '300.50', maxBalance: '1000.00', medianBalance: '300.50', avgAccountCount: 1.5, avgAge: 32 });
    expect(s.rows[1]).toMatchObject({ count: 1, sumBalance: '0', avgBalance: '0.00', avgAccountCount: 0, avgAge: 67 });
    expect(s.rows[2]).toMatchObject({ count: 1, sumBalance: '-450.00', avgAge: 30 });
    expect(s.rows[3]).toMatchObject({ count: 1, sumBalance: '10.00', avgAge: null });
    expect(s.rows[0].group).toEqual([
      { dimension: 'GENDER', value: 'FEMALE' },
      { dimension: 'CITY', value: 'Beijing' },
    ]);
  });

  it('applies the filter language before grouping', async () => {
    const s = await stats({ filter: { totalBalance: { _gt: '100' }, _not: { city: { _eq: 'Chengdu' } } }, groupBy: ['GENDER'], metrics: ['COUNT', 'SUM_BALANCE'] });
    expect(s.rows).toEqual([expect.objectContaining({ group: [{ dimension: 'GENDER', value: 'FEMALE' }], count: 2, sumBalance: '1300.50' })]);
  });

  it.each([
    ['AGE_BAND', [['18_24', 1], ['25_34', 1], ['35_44', 1], ['65_PLUS', 1], [null, 1]]],
    ['HOME_BRANCH', [['BJ-01', 2], [null, 3]]],
    ['CUSTOMER_SINCE_YEAR', [['2019', 1], ['2021', 4]]],
    ['MOBILE_STATUS', [['ACTIVATED', 1], ['ENROLLED_NOT_ACTIVATED', 1], ['NOT_ENROLLED', 3]]],
  ])('groups by %s', async (dimension, expected) => {
    const s = await stats({ groupBy: [dimension] });
    expect(s.rows.map((r: any) => [r.group[0].value, r.count])).toEqual(expected);
  });

  it('groups by segment: a customer counts in every segment they are in', async () => {
    const s = await stats({ groupBy: ['SEGMENT'], filter: { gender: { _eq: 'MALE' } } });
    const counts = Object.fromEntries(s.rows.map((r: any) => [r.group[0].value, r.count]));
    // Dan enrolled without activating; Eli never enrolled; both long tail; both dormant (accounts, no activity).
    expect(counts).toMatchObject({ 'long-tail': 2, 'mobile-inactive': 1, 'not-mobile-enrolled': 1, dormant: 2 });
  });

  it('cuts the list at limit and says so', async () => {
    const s = await stats({ groupBy: ['CITY', 'GENDER'], limit: 2 });
    expect(s.rows).toHaveLength(2);
    expect(s.truncated).toBe(true);
  });

  it.each([
    [{ groupBy: ['CITY', 'CITY'] }, 'groupBy'],
    [{ groupBy: ['CITY', 'GENDER', 'REGION', 'OCCUPATION', 'AGE_BAND'] }, 'groupBy'],
    [{ limit: 0 }, 'limit'],
    [{ filter: { activity: { withinDays: 0 } } }, 'filter.activity.withinDays'],
  ])('rejects %j', async (variables, field) => {
    const res = await t.gql(QUERY, variables);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});
