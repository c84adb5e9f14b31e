import { createPartner } from '../factories/bank.factory';
import { seedSimulatedCohort } from '../factories/lifetime-value.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

describe('Segment.lifetimeValue', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    const partner = await createPartner(t.db.dataSource, 'simshop');
    await seedSimulatedCohort(t.db.dataSource, partner, { customers: 200, seed: 13 });
    const res = await t.gql(`mutation { fitLifetimeValueModel(input: { activity: PARTNER_PURCHASES, partner: "simshop", calibrationEnd: "1997-09-30" }) { version } }`);
    expect(res.body.errors).toBeUndefined();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('gives a segment the sum and deciles of its members’ predicted values', async () => {
    const created = await t.gql(
      `mutation($input: CreateSegmentInput!) { createSegment(input: $input) { key lifetimeValue { members scoredMembers total mean p10 p50 p90 } } }`,
      { input: { key: 'likely-buyers', name: 'Likely buyers', filter: { lifetimeValue: { probabilityAlive: { _gte: 0.5 } } } } },
    );
    expect(created.body.errors).toBeUndefined();
    const value = created.body.data!.createSegment.lifetimeValue;
    const [expected] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n, sum(predicted_value_12m)::text AS total,
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY predicted_value_12m))::numeric, 2)::text AS p50
         FROM customer_lifetime_value WHERE probability_alive >= 0.5`,
    );
    expect(value).toMatchObject({ members: expected.n, scoredMembers: expected.n, total: expected.total, p50: expected.p50 });
    expect(Number(value.p10)).toBeLessThanOrEqual(Number(value.p50));
    expect(Number(value.p50)).toBeLessThanOrEqual(Number(value.p90));

    const { result, statements } = await t.db.queryCounter.record(() => t.gql(`{ segments { key lifetimeValue { total p90 } } }`));
    expect(result.body.errors).toBeUndefined();
    // segments, then one statement for every segment's distribution.
    expect(statements.filter((s) => s.includes('percentile_cont'))).toHaveLength(1);
  });
});
