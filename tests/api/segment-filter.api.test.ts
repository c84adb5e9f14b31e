import { createAccount, createCustomer, createPartner, createPurchase, createSession, createTransactions, enrolMobile } from '../factories/bank.factory';
import { bornYearsBefore, createInteraction, createLoan, createStandingOrder, daysBefore } from '../factories/segment.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

/**
 * The filter language's holdings, behaviour, mobile and trend fields through customers(filter:, now:), on
 * four hand-made customers and a fixed clock. Every expectation follows from the data written below.
 */
const NOW = new Date('2025-06-30T12:00:00.000Z');
const ago = (days: number) => daysBefore(NOW, days);

describe('customers(filter:) holdings, behaviour and mobile fields', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const shopmall = await createPartner(ds, 'shopmall');

    // Ann, 25: 6000.00 in two accounts; busy: 5 platform payments in the last 5 days, salary every month.
    const ann = await createCustomer(ds, { fullName: 'Ann', birthDate: bornYearsBefore(NOW, 25, -10) });
    const annCurrent = await createAccount(ds, ann, { productType: 'CURRENT', balance: '1000.00' });
    await createStandingOrder(ds, ann, annCurrent, 'LOAN_REPAYMENT'); // repays a loan held at another bank
    await createStandingOrder(ds, ann, annCurrent, 'HOUSEHOLD_BILLS');
    await createAccount(ds, ann, { productType: 'SAVINGS', balance: '5000.00' });
    await createTransactions(ds, ann, annCurrent, 5, (i) => ({ bookedAt: ago(i + 1), amount: '-20.00', channel: 'MOBILE', counterpartyKind: 'THIRD_PARTY_PLATFORM' }));
    await createTransactions(ds, ann, annCurrent, 3, (i) => ({ bookedAt: ago(10 + 30 * i), amount: '3000.00', channel: 'ONLINE', counterpartyKind: 'OTHER_BANK' }));
    await enrolMobile(ds, ann, '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z');
    await createSession(ds, ann, ago(2));
    await createPurchase(ds, ann, shopmall, ago(10), '50.00');
    await createInteraction(ds, ann, ago(5), 'MARKETING_CONTACT', 'SMS');
    await createInteraction(ds, ann, ago(40), 'COMPLAINT', 'CALL_CENTRE');

    // Bo, 45: owes on a loan in arrears; 4 card payments 100-130 days ago, 1 sixty days ago; never activated the app.
    const bo = await createCustomer(ds, { fullName: 'Bo', birthDate: bornYearsBefore(NOW, 45, -30) });
    const boCurrent = await createAccount(ds, bo, { productType: 'CURRENT', balance: '200.00' });
    const boLoan = await createAccount(ds, bo, { productType: 'LOAN', balance: '-5000.00' });
    await createLoan(ds, bo, boLoan, 'IN_ARREARS');
    await createTransactions(ds, bo, boCurrent, 4, (i) => ({ bookedAt: ago(100 + 10 * i), amount: '-50.00', channel: 'POS', counterpartyKind: 'MERCHANT' }));
    await createTransactions(ds, bo, boCurrent, 1, () => ({ bookedAt: ago(60), amount: '-50.00', channel: 'POS', counterpartyKind: 'MERCHANT' }));
    await enrolMobile(ds, bo, '2024-05-01T00:00:00Z', null);

    // Cai: only a closed account, never did anything, never enrolled, birth date unknown.
    const cai = await createCustomer(ds, { fullName: 'Cai', birthDate: null });
    const caiClosed = await createAccount(ds, cai, { productType: 'SAVINGS', balance: '9999.00', status: 'CLOSED' });
    await createStandingOrder(ds, cai, caiClosed, 'INSURANCE'); // on a closed account: no longer runs

    // Dee: turns 18 the day after NOW; no accounts; one mobile session 200 days ago, one purchase 400 days ago.
    const dee = await createCustomer(ds, { fullName: 'Dee', birthDate: bornYearsBefore(NOW, 18, 1) });
    await enrolMobile(ds, dee, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');
    await createSession(ds, dee, ago(200));
    await createPurchase(ds, dee, shopmall, ago(400));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function names(filter: unknown, now: Date = NOW): Promise<string[]> {
    const res = await t.gql(
      `query ($f: CustomerFilter, $now: DateTime) { customers(first: 100, filter: $f, now: $now, orderBy: { field: FULL_NAME }) { totalCount edges { node { fullName } } } }`,
      { f: filter, now: now.toISOString() },
    );
    expect(res.body.errors).toBeUndefined();
    const list = res.body.data!.customers.edges.map((e: any) => e.node.fullName);
    expect(res.body.data!.customers.totalCount).toBe(list.length);
    return list;
  }

  it.each([
    // holdings
    [{ hasProductType: { _eq: 'LOAN' } }, ['Bo']],
    [{ hasProductType: { _in: ['SAVINGS', 'LOAN'] } }, ['Ann', 'Bo']],
    [{ hasProductType: { _eq: 'SAVINGS', _in: ['LOAN'] } }, []],
    [{ hasLoanStatus: { _eq: 'IN_ARREARS' } }, ['Bo']],
    [{ hasLoanStatus: { _in: ['ACTIVE', 'REPAID'] } }, []],
    [{ hasStandingOrderPurpose: { _eq: 'LOAN_REPAYMENT' } }, ['Ann']],
    [{ hasStandingOrderPurpose: { _in: ['INSURANCE', 'LEASING'] } }, []],
    [{ _not: { hasStandingOrderPurpose: { _in: ['HOUSEHOLD_BILLS'] } } }, ['Bo', 'Cai', 'Dee']],
    [{ totalBalance: { _gt: '5999.99' } }, ['Ann']],
    [{ totalBalance: { _gte: '6000' } }, ['Ann']],
    [{ totalBalance: { _gt: '6000.00' } }, []],
    [{ totalBalance: { _lt: '0' } }, ['Bo']],
    [{ totalBalance: { _lte: '-4800.00' } }, ['Bo']],
    [{ totalBalance: { _eq: '0' } }, ['Cai', 'Dee']],
    [{ totalBalance: { _neq: '0.00' } }, ['Ann', 'Bo']],
    [{ accountCount: { _eq: 0 } }, ['Cai', 'Dee']],
    [{ accountCount: { _gt: 0 } }, ['Ann', 'Bo']],
    [{ accountCount: { _eq: 2 } }, ['Ann', 'Bo']],
    [{ accountCount: { _in: [1, 3] } }, []],
    [{ accountCount: { _nin: [0] } }, ['Ann', 'Bo']],
    [{ accountCount: { _neq: 2 } }, ['Cai', 'Dee']],
    [{ accountCount: { _lt: 1 } }, ['Cai', 'Dee']],
    [{ accountCount: { _lte: 2, _gte: 2 } }, ['Ann', 'Bo']],
    // totals -4800 (Bo), 0 (Cai, Dee), 6000 (Ann): shares strictly below are 0, 1/4, 1/4, 3/4
    [{ balancePercentile: { _gte: 0.75 } }, ['Ann']],
    [{ balancePercentile: { _gt: 0.25 } }, ['Ann']],
    [{ balancePercentile: { _eq: 0.25 } }, ['Cai', 'Dee']],
    [{ balancePercentile: { _neq: 0.25 } }, ['Ann', 'Bo']],
    [{ balancePercentile: { _lt: 0.25 } }, ['Bo']],
    [{ balancePercentile: { _lte: 0.25 } }, ['Bo', 'Cai', 'Dee']],
    // activity
    [{ activity: { withinDays: 30 } }, ['Ann']],
    [{ activity: { kind: 'ANY', withinDays: 90 } }, ['Ann', 'Bo']],
    [{ activity: { kind: 'MOBILE_SESSION', withinDays: 365 } }, ['Ann', 'Dee']],
    [{ activity: { kind: 'PARTNER_PURCHASE', withinDays: 365 } }, ['Ann']],
    [{ activity: { kind: 'PARTNER_PURCHASE', withinDays: 401 } }, ['Ann', 'Dee']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 30, count: { _gte: 6 } } }, ['Ann']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 30, count: { _gt: 6 } } }, []],
    [{ activity: { kind: 'TRANSACTION', withinDays: 30, count: { _lt: 6 } } }, ['Bo', 'Cai', 'Dee']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 30, count: { _in: [0, 6] } } }, ['Ann', 'Bo', 'Cai', 'Dee']],
    [{ activity: { kind: 'ANY', withinDays: 180, count: { _eq: 0 } } }, ['Cai', 'Dee']],
    [{ activity: { kind: 'ANY', withinDays: 30, count: { _eq: 8 } } }, ['Ann']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 30, channel: ['MOBILE'], count: { _eq: 5 } } }, ['Ann']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 30, channel: ['ATM', 'BRANCH'] } }, []],
    [{ activity: { kind: 'TRANSACTION', withinDays: 90, counterpartyKind: ['OTHER_BANK'], count: { _eq: 3 } } }, ['Ann']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 90, direction: 'IN', count: { _eq: 3 } } }, ['Ann']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 90, direction: 'OUT' } }, ['Ann', 'Bo']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 30, amount: { _gte: '3100.00' } } }, ['Ann']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 30, amount: { _gt: '3100.00' } } }, []],
    [{ activity: { kind: 'TRANSACTION', withinDays: 90, amount: { _eq: '50.00' } } }, ['Bo']],
    [{ activity: { kind: 'PARTNER_PURCHASE', withinDays: 30, partner: ['shopmall'], amount: { _eq: '50' } } }, ['Ann']],
    [{ activity: { kind: 'PARTNER_PURCHASE', withinDays: 30, partner: ['elsewhere'] } }, []],
    [{ activity: { kind: 'TRANSACTION', direction: 'IN', withinDays: 90, periodDays: 30, activePeriods: { _gte: 3 } } }, ['Ann']],
    [{ activity: { kind: 'TRANSACTION', direction: 'IN', withinDays: 60, periodDays: 30, activePeriods: { _eq: 2 } } }, ['Ann']],
    [{ activity: { kind: 'TRANSACTION', withinDays: 90, periodDays: 30, activePeriods: { _eq: 0 } } }, ['Cai', 'Dee']],
    [{ daysSinceLastActivity: { _is_null: true } }, ['Cai']],
    [{ daysSinceLastActivity: { _is_null: false } }, ['Ann', 'Bo', 'Dee']],
    [{ daysSinceLastActivity: { _eq: 60 } }, ['Bo']],
    [{ daysSinceLastActivity: { _gt: 59 } }, ['Bo', 'Dee']],
    [{ daysSinceLastActivity: { _gte: 200 } }, ['Dee']],
    [{ daysSinceLastActivity: { _lt: 60 } }, ['Ann']],
    [{ daysSinceLastActivity: { _lte: 1 } }, ['Ann']],
    [{ daysSinceLastActivity: { _in: [1, 200] } }, ['Ann', 'Dee']],
    // trend: Bo had 4 events in (90, 180] days and 1 in the last 90: ratio 0.25; the others had none before
    [{ activityTrend: { withinDays: 90, ratio: { _lt: 0.5 } } }, ['Bo']],
    [{ activityTrend: { kind: 'TRANSACTION', withinDays: 90, ratio: { _eq: 0.25 } } }, ['Bo']],
    [{ activityTrend: { withinDays: 90, ratio: { _gt: 0.25 } } }, []],
    [{ activityTrend: { withinDays: 90, ratio: { _is_null: true } } }, ['Ann', 'Cai', 'Dee']],
    [{ activityTrend: { kind: 'MOBILE_SESSION', withinDays: 150, ratio: { _lte: 0 } } }, ['Dee']],
    // share of outgoing payments: Ann's 5 debits all went to a platform, Bo's to a merchant
    [{ outgoingShare: { counterpartyKind: ['THIRD_PARTY_PLATFORM'], withinDays: 90, share: { _gt: 0.3 } } }, ['Ann']],
    [{ outgoingShare: { counterpartyKind: ['THIRD_PARTY_PLATFORM'], withinDays: 90, share: { _lt: 0.3 } } }, ['Bo']],
    [{ outgoingShare: { counterpartyKind: ['THIRD_PARTY_PLATFORM'], withinDays: 90, share: { _is_null: true } } }, ['Cai', 'Dee']],
    [{ outgoingShare: { counterpartyKind: ['MERCHANT', 'THIRD_PARTY_PLATFORM'], withinDays: 90, share: { _eq: 1 }, measure: 'AMOUNT' } }, ['Ann', 'Bo']],
    [{ outgoingShare: { counterpartyKind: ['MERCHANT'], withinDays: 90, share: { _gte: 0.5, _neq: 1 } } }, []],
    // mobile
    [{ mobileEnrolled: true }, ['Ann', 'Bo', 'Dee']],
    [{ mobileEnrolled: false }, ['Cai']],
    [{ mobileActivated: true }, ['Ann', 'Dee']],
    [{ mobileActivated: false }, ['Bo', 'Cai']],
    [{ mobileEnrolled: true, mobileActivated: false }, ['Bo']],
    // service history: Ann got a marketing SMS 5 days ago and complained 40 days ago
    [{ contact: { withinDays: 30 } }, ['Ann']],
    [{ contact: { kind: ['COMPLAINT'], withinDays: 60 } }, ['Ann']],
    [{ contact: { kind: ['COMPLAINT'], withinDays: 30 } }, []],
    [{ contact: { channel: ['SMS'], withinDays: 10, count: { _eq: 1 } } }, ['Ann']],
    [{ contact: { withinDays: 30, count: { _eq: 0 } } }, ['Bo', 'Cai', 'Dee']],
    [{ contact: { withinDays: 60, count: { _gte: 2 } } }, ['Ann']],
    [{ daysSinceLastContact: { _eq: 5 } }, ['Ann']],
    [{ daysSinceLastContact: { _is_null: true } }, ['Bo', 'Cai', 'Dee']],
    // nesting and combinations with the profile fields
    [{ _or: [{ hasProductType: { _eq: 'LOAN' } }, { _not: { mobileEnrolled: true } }] }, ['Bo', 'Cai']],
    [{ _and: [{ activity: { withinDays: 365 } }, { _not: { activity: { withinDays: 90 } } }] }, ['Dee']],
    [{ age: { _lt: 30 }, activity: { kind: 'PARTNER_PURCHASE', withinDays: 365 } }, ['Ann']],
    [{ _not: { _or: [{ totalBalance: { _gt: '0' } }, { age: { _is_null: true } }] } }, ['Bo', 'Dee']],
    [{ _and: [{ _or: [{ accountCount: { _eq: 0 } }, { mobileActivated: false }] }, { _not: { daysSinceLastActivity: { _is_null: true } } }] }, ['Bo', 'Dee']],
  ])('%j', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it('reads relative fields at the clock it is given', async () => {
    // Dee turns 18 the day after NOW.
    expect(await names({ age: { _eq: 17 } })).toEqual(['Dee']);
    expect(await names({ age: { _eq: 18 } }, new Date(NOW.getTime() + 86_400_000))).toEqual(['Dee']);
    // 100 days earlier Ann's recent events had not happened yet; Bo's payment at exactly that instant counts.
    const earlier = new Date(NOW.getTime() - 100 * 86_400_000);
    expect(await names({ activity: { kind: 'TRANSACTION', withinDays: 30 } }, earlier)).toEqual(['Bo']);
    expect(await names({ daysSinceLastActivity: { _eq: 0 } }, earlier)).toEqual(['Bo']);
    expect(await names({ mobileEnrolled: true }, new Date('2024-03-01T00:00:00Z'))).toEqual(['Ann', 'Dee']);
  });

  it.each([
    [{ _and: [{ city: { _eq: 'x' } }, { activity: { withinDays: 0 } }] }, 'filter._and[1].activity.withinDays'],
    [{ activity: { withinDays: 4000 } }, 'filter.activity.withinDays'],
    [{ activity: { kind: 'MOBILE_SESSION', withinDays: 10, amount: { _gt: '1' } } }, 'filter.activity.amount'],
    [{ activity: { kind: 'ANY', withinDays: 10, channel: ['ATM'] } }, 'filter.activity.channel'],
    [{ activity: { kind: 'TRANSACTION', withinDays: 10, partner: ['x'] } }, 'filter.activity.partner'],
    [{ activity: { kind: 'PARTNER_PURCHASE', withinDays: 10, direction: 'IN' } }, 'filter.activity.direction'],
    [{ activity: { withinDays: 30, periodDays: 7, activePeriods: { _gte: 1 } } }, 'filter.activity.periodDays'],
    [{ activity: { withinDays: 30, periodDays: 10 } }, 'filter.activity.activePeriods'],
    [{ activity: { withinDays: 30, count: { _gte: -1 } } }, 'filter.activity.count._gte'],
    [{ _or: [{ balancePercentile: { _gte: 1.5 } }] }, 'filter._or[0].balancePercentile._gte'],
    [{ activityTrend: { withinDays: 2000, ratio: { _lt: 1 } } }, 'filter.activityTrend.withinDays'],
    [{ outgoingShare: { counterpartyKind: [], withinDays: 30, share: { _gt: 0.1 } } }, 'filter.outgoingShare.counterpartyKind'],
    [{ _not: { segment: { _eq: 'Not A Key' } } }, 'filter._not.segment._eq'],
    [{ contact: { withinDays: 0 } }, 'filter.contact.withinDays'],
    [{ daysSinceLastActivity: { _gt: 1.5 } }, null],
  ])('rejects %j at its path', async (filter, field) => {
    const res = await t.gql(`query ($f: CustomerFilter) { customers(filter: $f) { totalCount } }`, { f: filter });
    expect(res.body.errors).toBeDefined();
    expect(res.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    if (field) expect(res.body.errors![0].extensions!.field).toBe(field);
  });

  it('rejects filters nested too deep', async () => {
    let f: Record<string, unknown> = { city: { _eq: 'x' } };
    for (let i = 0; i < 12; i++) f = { _not: f };
    const res = await t.gql(`query ($f: CustomerFilter) { customers(filter: $f) { totalCount } }`, { f });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(res.body.errors![0].message).toMatch(/nest at most/);
  });

  it('answers a filter with one statement for the page and one for the count', async () => {
    const filter = { _and: [{ age: { _gte: 18 } }, { activity: { kind: 'ANY', withinDays: 90, count: { _gte: 2 } } }, { _not: { hasLoanStatus: { _eq: 'DEFAULTED' } } }] };
    const { result, statements } = await t.db.queryCounter.record(() =>
      t.gql(`query ($f: CustomerFilter, $now: DateTime) { customers(first: 10, filter: $f, now: $now) { totalCount edges { node { fullName } } } }`, {
        f: filter,
        now: NOW.toISOString(),
      }),
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data!.customers.edges.map((e: any) => e.node.fullName)).toEqual(['Ann']);
    expect(statements).toHaveLength(2);
    // Values travel as parameters, never inside the SQL text.
    expect(statements.join('\n')).not.toMatch(/DEFAULTED|'90'/);
  });
});
