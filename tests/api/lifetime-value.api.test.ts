import { toGlobalId } from '../../src/common/global-id';
import { summariseRfm } from '../../src/modules/lifetime-value/model';
import { createAccount, createCustomer, createPartner, createPurchase, createTransactions } from '../factories/bank.factory';
import { seedSimulatedCohort, SimulatedCohort } from '../factories/lifetime-value.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const REALISED = `
  query Realised($id: ID!, $from: DateTime, $to: DateTime) {
    customer(id: $id) { lifetimeValue { realised(from: $from, to: $to) { from to total components { kind amount basis } } } }
  }`;

const FIT = `
  mutation Fit($input: FitLifetimeValueModelInput!) {
    fitLifetimeValueModel(input: $input) {
      version activity partner calibrationEnd unit customers repeatCustomers scoredCustomers horizonMonths annualDiscountRate
      bgnbd { r alpha a b logLikelihood } gammaGamma { p q gamma logLikelihood }
      holdout { customers periods predicted actual errorPct }
    }
  }`;

const PAGE = `
  query Page($first: Int!) {
    customers(first: $first) { edges { node {
      id
      lifetimeValue {
        realised(from: "2024-01-01T00:00:00Z", to: "2024-07-01T00:00:00Z") { total components { kind amount } }
        probabilityAlive expectedTransactions expectedAverageSpend modelVersion
        predictedValue { amount interval { low high } }
      }
    } } }
  }`;

const customerId = (localId: string) => toGlobalId('Customer', localId);

describe('lifetime value through the API', () => {
  let t: TestApp;
  let rich: string;
  let idle: string;
  const previousRates = process.env.FATTAIL_CLV_PARTNER_COMMISSION_RATES;

  beforeAll(async () => {
    process.env.FATTAIL_CLV_PARTNER_COMMISSION_RATES = 'shopmall=0.03';
    t = await createTestApp();
    const ds = t.db.dataSource;
    const shopmall = await createPartner(ds, 'shopmall');
    const other = await createPartner(ds, 'bookshop');

    rich = await createCustomer(ds, { fullName: 'Rich Realised' });
    await createAccount(ds, rich, { productType: 'SAVINGS', balance: '10000.00', openedAt: '2020-01-01T00:00:00Z' });
    const current = await createAccount(ds, rich, { productType: 'CURRENT', balance: '2000.00', openedAt: '2024-04-01T00:00:00Z' });
    await createAccount(ds, rich, { productType: 'LOAN', balance: '-50000.00', openedAt: '2023-06-01T00:00:00Z' });
    const card = await createAccount(ds, rich, { productType: 'CREDIT_CARD', balance: '-1000.00', openedAt: '2022-01-01T00:00:00Z' });
    // Closed before the period: earns nothing.
    await createAccount(ds, rich, { productType: 'SAVINGS', balance: '0.00', openedAt: '2020-01-01T00:00:00Z', status: 'CLOSED' });
    await ds.query(`UPDATE account SET closed_at = '2023-01-01T00:00:00Z' WHERE customer_id = $1 AND status = 'CLOSED'`, [rich]);
    await createTransactions(ds, rich, current, 6, (i) =>
      [
        { bookedAt: '2024-05-01T10:00:00Z', amount: '-15.00', channel: 'ONLINE', counterpartyKind: 'BANK_FEE' },
        { bookedAt: '2024-06-01T10:00:00Z', amount: '-5.00', channel: 'BRANCH', counterpartyKind: 'BANK_FEE' },
        { bookedAt: '2023-12-31T23:59:59Z', amount: '-10.00', channel: 'ONLINE', counterpartyKind: 'BANK_FEE' },
        { bookedAt: '2024-05-02T10:00:00Z', amount: '-100.00', channel: 'POS', counterpartyKind: 'MERCHANT' },
        { bookedAt: '2024-05-03T10:00:00Z', amount: '-50.00', channel: 'ONLINE', counterpartyKind: 'MERCHANT' },
        { bookedAt: '2024-05-04T10:00:00Z', amount: '20.00', channel: 'POS', counterpartyKind: 'MERCHANT' },
      ][i],
    );
    await createTransactions(ds, rich, card, 1, () => ({ bookedAt: '2024-05-05T10:00:00Z', amount: '-200.00', channel: 'ONLINE', counterpartyKind: 'MERCHANT' }));
    await createPurchase(ds, rich, shopmall, '2024-02-01T12:00:00Z', '100.00');
    await createPurchase(ds, rich, other, '2024-03-01T12:00:00Z', '50.00');
    await createPurchase(ds, rich, other, '2024-07-01T00:00:00Z', '999.00'); // `to` is exclusive

    idle = await createCustomer(ds, { fullName: 'Idle Customer' });
  }, 120_000);

  afterAll(async () => {
    if (previousRates === undefined) delete process.env.FATTAIL_CLV_PARTNER_COMMISSION_RATES;
    else process.env.FATTAIL_CLV_PARTNER_COMMISSION_RATES = previousRates;
    await t?.close();
  });

  describe('realised value', () => {
    it('matches the hand-computed components and adds up', async () => {
      const res = await t.gql(REALISED, { id: customerId(rich), from: '2024-01-01T00:00:00Z', to: '2024-07-01T00:00:00Z' });
      expect(res.body.errors).toBeUndefined();
      const realised = res.body.data!.customer.lifetimeValue.realised;
      // 182 days. Savings 10000 * 1.5% * 182/365 = 74.7945; current 2000 * 2% * 91/365 = 9.9726 (opened 1 April).
      // Loan 50000 * 2.5% * 182/365 = 623.2877; card 1000 * 8% * 182/365 = 39.8904.
      // Card spend: POS 100 + credit-card online 200 = 300 * 0.45% = 1.35 (online debit-account spend and the refund do not count).
      // Partners: shopmall 100 * 3% + bookshop 50 * 2% (default) = 4.00.
      expect(realised.components).toEqual([
        { kind: 'DEPOSIT_MARGIN', amount: '84.77', basis: '11000.00' },
        { kind: 'LENDING_MARGIN', amount: '663.18', basis: '51000.00' },
        { kind: 'FEES', amount: '20.00', basis: '20.00' },
        { kind: 'CARD_INTERCHANGE', amount: '1.35', basis: '300.00' },
        { kind: 'PARTNER_COMMISSION', amount: '4.00', basis: '150.00' },
      ]);
      expect(realised.total).toBe('773.30');
      expect(realised).toMatchObject({ from: '2024-01-01T00:00:00.000Z', to: '2024-07-01T00:00:00.000Z' });
    });

    it('is zero in every component for a customer with no activity', async () => {
      const res = await t.gql(REALISED, { id: customerId(idle), from: '2024-01-01T00:00:00Z', to: '2024-07-01T00:00:00Z' });
      expect(res.body.errors).toBeUndefined();
      const realised = res.body.data!.customer.lifetimeValue.realised;
      expect(realised.total).toBe('0.00');
      expect(realised.components.map((c: { amount: string; basis: string }) => [c.amount, c.basis])).toEqual(Array(5).fill(['0.00', '0.00']));
    });

    it('defaults to the year up to now and earns balances only up to now', async () => {
      const res = await t.gql(REALISED, { id: customerId(rich), from: null, to: '2999-01-01T00:00:00Z' });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.customer.lifetimeValue.realised.from).toBe('2998-01-01T00:00:00.000Z');
      expect(res.body.data!.customer.lifetimeValue.realised.total).toBe('0.00');
    });

    it('refuses a period that ends before it starts, naming the field', async () => {
      const res = await t.gql(REALISED, { id: customerId(rich), from: '2024-07-01T00:00:00Z', to: '2024-01-01T00:00:00Z' });
      expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    });
  });

  describe('model fit and scores', () => {
    let cohort: SimulatedCohort;
    let fit: Record<string, any>;

    beforeAll(async () => {
      const sim = await createPartner(t.db.dataSource, 'sim');
      cohort = await seedSimulatedCohort(t.db.dataSource, sim, { customers: 400, seed: 7 });
      const res = await t.gql(FIT, { input: { activity: 'PARTNER_PURCHASES', partner: 'sim', calibrationEnd: '1997-09-30', unit: 'WEEK', holdoutEnd: '1998-02-04' } });
      expect(res.body.errors).toBeUndefined();
      fit = res.body.data!.fitLifetimeValueModel;
    }, 120_000);

    it('fits on SQL summaries that equal the pure summariseRfm, and stores a score for each customer', async () => {
      const expected = summariseRfm(cohort.events, '1997-09-30', 'week');
      expect(fit).toMatchObject({
        activity: 'PARTNER_PURCHASES',
        partner: 'sim',
        calibrationEnd: '1997-09-30',
        unit: 'WEEK',
        customers: expected.length,
        repeatCustomers: expected.filter((r) => r.x > 0).length,
        scoredCustomers: expected.length,
        horizonMonths: 12,
        annualDiscountRate: 0.1,
      });
      const stored: { customer_id: string; x: number; tx: number; t: number; zbar: number }[] = await t.db.dataSource.query(
        `SELECT customer_id, x, tx, t, zbar FROM customer_lifetime_value WHERE model_id = $1`,
        [fit.version],
      );
      const byId = new Map(stored.map((s) => [s.customer_id, s]));
      for (const r of expected) {
        const s = byId.get(cohort.idOf(r.customerKey))!;
        expect([s.x, s.tx, s.t]).toEqual([r.x, r.tx, r.T]);
        expect(s.zbar).toBeCloseTo(r.zbar, 9);
      }
      expect(fit.bgnbd.r).toBeGreaterThan(0);
      const withHoldout = summariseRfm(cohort.events, '1997-09-30', 'week', { holdoutEnd: '1998-02-04' });
      expect(fit.holdout).toMatchObject({ customers: expected.length, actual: withHoldout.reduce((n, r) => n + r.holdoutX!, 0) });
      expect(fit.holdout.actual).toBeGreaterThan(0);
      expect(fit.holdout.periods).toBeCloseTo(127 / 7, 10);
    });

    it('answers a 50-customer page with a constant number of statements', async () => {
      const run = async (first: number) => {
        const { result, statements } = await t.db.queryCounter.record(() => t.gql(PAGE, { first }));
        expect(result.body.errors).toBeUndefined();
        return { edges: result.body.data!.customers.edges, statements };
      };
      const small = await run(5);
      const large = await run(50);
      expect(large.edges).toHaveLength(50);
      // customers, realised value, scores, model.
      expect(large.statements).toHaveLength(4);
      expect(small.statements).toHaveLength(large.statements.length);
      const scored = large.edges.map((e: any) => e.node.lifetimeValue).filter((v: any) => v.modelVersion !== null);
      expect(scored.length).toBeGreaterThan(0);
      for (const v of scored) {
        expect(v.modelVersion).toBe(fit.version);
        expect(Number(v.predictedValue.interval.low)).toBeLessThanOrEqual(Number(v.predictedValue.amount));
        expect(Number(v.predictedValue.interval.high)).toBeGreaterThanOrEqual(Number(v.predictedValue.amount));
        expect(v.probabilityAlive).toBeGreaterThan(0);
        expect(v.probabilityAlive).toBeLessThanOrEqual(1);
      }
    });

    it('recomputes predictions for other horizons and rates from the stored summary', async () => {
      const id = customerId(cohort.idOf('c1'));
      const res = await t.gql(
        `query($id: ID!) { customer(id: $id) { lifetimeValue {
           twelve: predictedValue { amount interval { low high } horizonMonths annualDiscountRate level }
           same: predictedValue(horizonMonths: 12, annualDiscountRate: 0.1) { amount }
           undiscounted: predictedValue(horizonMonths: 12, annualDiscountRate: 0) { amount }
           long: predictedValue(horizonMonths: 36) { amount interval { low high } }
           expectedTransactions week: expectedTransactions(periods: 1) year: expectedTransactions(periods: 52.17857142857143)
        } } }`,
        { id },
      );
      expect(res.body.errors).toBeUndefined();
      const v = res.body.data!.customer.lifetimeValue;
      expect(v.twelve).toMatchObject({ horizonMonths: 12, annualDiscountRate: 0.1, level: 0.8 });
      expect(v.same.amount).toBe(v.twelve.amount);
      expect(Number(v.undiscounted.amount)).toBeGreaterThanOrEqual(Number(v.twelve.amount));
      expect(Number(v.long.amount)).toBeGreaterThanOrEqual(Number(v.twelve.amount));
      expect(v.week).toBeLessThanOrEqual(v.expectedTransactions);
      expect(v.year).toBeCloseTo(v.expectedTransactions, 9);
    });

    it('lists models newest first and returns the current one', async () => {
      const res = await t.gql(`{ lifetimeValueModels { version } lifetimeValueModel { version customers } }`);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.lifetimeValueModels[0].version).toBe(fit.version);
      expect(res.body.data!.lifetimeValueModel).toEqual({ version: fit.version, customers: fit.customers });
    });

    it('leaves customers without activity unscored', async () => {
      const res = await t.gql(`query($id: ID!) { customer(id: $id) { lifetimeValue { probabilityAlive modelVersion predictedValue { amount } } } }`, {
        id: customerId(idle),
      });
      expect(res.body.data!.customer.lifetimeValue).toEqual({ probabilityAlive: null, modelVersion: null, predictedValue: null });
    });
  });

  describe('input validation', () => {
    const fitError = async (input: Record<string, unknown>) => (await t.gql(FIT, { input })).body.errors?.[0].extensions;

    it('names the field of a bad fit input', async () => {
      expect(await fitError({ activity: 'PARTNER_PURCHASES', calibrationEnd: '1997-09-30' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.partner' });
      expect(await fitError({ activity: 'TRANSACTIONS', partner: 'sim', calibrationEnd: '1997-09-30' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.partner' });
      expect(await fitError({ activity: 'PARTNER_PURCHASES', partner: 'nobody', calibrationEnd: '1997-09-30' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.partner' });
      expect(await fitError({ activity: 'ALL', calibrationEnd: '2999-01-01' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.calibrationEnd' });
      expect(await fitError({ activity: 'ALL', calibrationEnd: '1997-09-30', holdoutEnd: '1997-09-30' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.holdoutEnd' });
      expect(await fitError({ activity: 'ALL', calibrationEnd: '1997-09-30', annualDiscountRate: 2 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'annualDiscountRate' });
    });

    it('refuses a fit with no data, or no repeat customers, as bad input rather than a server error', async () => {
      expect(await fitError({ activity: 'TRANSACTIONS', calibrationEnd: '1990-01-01' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.calibrationEnd' });
      // Only `rich` has merchant spend by mid-2024: one customer, no repeat days before 2024-05-02.
      expect(await fitError({ activity: 'TRANSACTIONS', calibrationEnd: '2024-05-02' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.calibrationEnd' });
    });

    it('names the argument of a bad prediction request', async () => {
      const q = (args: string) => t.gql(`query($id: ID!) { customer(id: $id) { lifetimeValue { ${args} } } }`, { id: customerId(rich) });
      expect((await q('predictedValue(horizonMonths: 0) { amount }')).body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'horizonMonths' });
      expect((await q('predictedValue(annualDiscountRate: 1.5) { amount }')).body.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'annualDiscountRate',
      });
      expect((await q('expectedTransactions(periods: -1)')).body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'periods' });
    });
  });
});
