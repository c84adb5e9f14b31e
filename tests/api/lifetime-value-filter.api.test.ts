import { createAccount, createCustomer, createPartner } from '../factories/bank.factory';
import { seedSimulatedCohort } from '../factories/lifetime-value.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const FIT = `mutation($input: FitLifetimeValueModelInput!) { fitLifetimeValueModel(input: $input) { version customers } }`;
const LIST = `query($filter: CustomerFilter) { customers(first: 100, filter: $filter) { totalCount edges { node { id fullName } } } }`;

describe('lifetime value in the filter language', () => {
  let t: TestApp;
  let scoredIds: Set<string>;

  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const partner = await createPartner(ds, 'simshop');
    await seedSimulatedCohort(ds, partner, { customers: 150, seed: 11, periodDays: 300 });
    // A big saver with no purchases: no score, but a large realised margin.
    const saver = await createCustomer(ds, { fullName: 'Big Saver' });
    await createAccount(ds, saver, { productType: 'SAVINGS', balance: '1000000.00', openedAt: '2015-01-01T00:00:00Z' });
    const res = await t.gql(FIT, { input: { activity: 'PARTNER_PURCHASES', partner: 'simshop', calibrationEnd: '1997-09-30' } });
    expect(res.body.errors).toBeUndefined();
    scoredIds = new Set((await ds.query(`SELECT customer_id FROM customer_lifetime_value`)).map((r: { customer_id: string }) => r.customer_id));
    expect(scoredIds.size).toBe(res.body.data!.fitLifetimeValueModel.customers);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const names = async (filter: unknown) => {
    const res = await t.gql(LIST, { filter });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.customers;
  };

  it('selects on the stored scores exactly as SQL over customer_lifetime_value does', async () => {
    const expected: { n: number }[] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM customer_lifetime_value WHERE probability_alive >= 0.5 AND predicted_value_12m > 20`,
    );
    const got = await names({ lifetimeValue: { probabilityAlive: { _gte: 0.5 }, predictedValue: { _gt: '20' } } });
    expect(got.totalCount).toBe(expected[0].n);
    expect(got.totalCount).toBeGreaterThan(0);
    const few: { n: number }[] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM customer_lifetime_value WHERE expected_transactions_12m < 0.5`);
    expect((await names({ lifetimeValue: { expectedTransactions: { _lt: 0.5 } } })).totalCount).toBe(few[0].n);
  });

  it('finds the customers the model did not score', async () => {
    const got = await names({ lifetimeValue: { probabilityAlive: { _is_null: true } } });
    expect(got.edges.map((e: { node: { fullName: string } }) => e.node.fullName)).toEqual(['Big Saver']);
  });

  it('compares realised value over a window up to now', async () => {
    // 1 000 000 at 1.5% for ten years: far above 10 000; the simulated shoppers earn 2% of a few hundred dollars.
    const got = await names({ lifetimeValue: { realised: { _gt: '10000' }, realisedWithinDays: 3660 } });
    expect(got.edges.map((e: { node: { fullName: string } }) => e.node.fullName)).toEqual(['Big Saver']);
  });

  it('names the offending field of a bad lifetime-value filter', async () => {
    const res = await t.gql(LIST, { filter: { lifetimeValue: { realisedWithinDays: 0, realised: { _gt: '1' } } } });
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.lifetimeValue.realisedWithinDays' });
  });
});
