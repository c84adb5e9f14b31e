import { createAccount, createCustomer, createPartner, createPurchase, createSession, enrolMobile } from '../factories/bank.factory';
import { closeAccount, createLoan, createTransaction } from '../factories/service-history.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const STATEMENT = `
  query($id: ID!, $year: Int!) { customer(id: $id) { annualStatement(year: $year) {
    year from to timeZone moneyIn moneyOut net repayments transactionCount spending
    topSpendingCategories { code label amount transactions share }
    topMerchants { name amount transactions }
    partnerBenefits { totalSpent totalCashback partners { partner { code } amount purchases cashbackRate cashback } }
    mobile { enrolledAt activatedAt firstLoginAt firstLoginThisYear sessions mostUsedFeature mostUsedFeatureSessions busiestMonth busiestMonthSessions }
    savings { accounts openingBalance closingBalance netFlow interestEarned }
    moments { largestPurchase { amount bookedAt counterpartyName merchantCategoryCode } firstLoanRepaid { principal grantedAt repaidAt } accountsOpened newPartners }
  } } }`;

const gid = (id: string) => Buffer.from(`Customer:${id}`).toString('base64url');

/**
 * The 2023 statement of a customer with a bit of everything, in the bank's calendar (Asia/Shanghai, UTC+8):
 * 2023 runs from 2022-12-31T16:00Z to 2023-12-31T16:00Z. Every expected figure is worked out in the comments.
 */
describe('Customer.annualStatement', () => {
  let t: TestApp;
  let rich: string;
  let empty: string;
  const saved = process.env.FATTAIL_PARTNER_CASHBACK_RATES;

  beforeAll(async () => {
    process.env.FATTAIL_PARTNER_CASHBACK_RATES = 'shopmall=0.02'; // others: the default 0.01
    t = await createTestApp();
    const ds = t.db.dataSource;
    rich = await createCustomer(ds, { fullName: 'Zhang Wei' });
    empty = await createCustomer(ds, { fullName: 'Nobody Yet' });

    const current = await createAccount(ds, rich, { productType: 'CURRENT', openedAt: '2020-01-01T00:00:00Z', balance: '5000.00' });
    const savings = await createAccount(ds, rich, { productType: 'SAVINGS', openedAt: '2021-06-01T00:00:00Z', balance: '12000.00' });
    const card = await createAccount(ds, rich, { productType: 'CREDIT_CARD', openedAt: '2022-01-01T00:00:00Z', balance: '-300.00' });
    const loanAccount = await createAccount(ds, rich, { productType: 'LOAN', openedAt: '2021-01-01T00:00:00Z', balance: '0.00' });
    await createLoan(ds, rich, loanAccount, { grantedAt: '2021-01-01T00:00:00Z', principal: '20000.00', status: 'REPAID' });
    await closeAccount(ds, rich, loanAccount, '2023-09-15T04:00:00Z');
    const savings2 = await createAccount(ds, rich, { productType: 'SAVINGS', openedAt: '2023-03-01T00:00:00Z', balance: '1000.00' });
    // 01:00 on 1 January 2024 in Shanghai: not opened in 2023.
    await createAccount(ds, rich, { productType: 'CURRENT', openedAt: '2023-12-31T17:00:00Z', balance: '0.00' });

    const tx = (account: string, bookedAt: string, amount: string, counterpartyKind: string, counterpartyName: string | null = null, mcc: string | null = null) =>
      createTransaction(ds, rich, account, { bookedAt, amount, counterpartyKind, counterpartyName, mcc });
    await tx(current, '2023-01-15T02:00:00Z', '8000.00', 'OTHER_BANK', 'Employer payroll');
    await tx(current, '2023-02-15T02:00:00Z', '8000.00', 'OTHER_BANK', 'Employer payroll');
    await tx(current, '2023-03-10T04:00:00Z', '-350.00', 'MERCHANT', 'Golden Harvest Supermarket', '5411');
    await tx(current, '2023-04-02T11:00:00Z', '-1200.00', 'MERCHANT', 'Bright Electronics', '5732');
    await tx(current, '2023-05-05T03:00:00Z', '-150.00', 'MERCHANT', 'Golden Harvest Supermarket', '5411');
    await tx(current, '2023-06-06T03:00:00Z', '-400.00', 'THIRD_PARTY_PLATFORM', 'Alipay');
    await tx(current, '2023-07-07T03:00:00Z', '-2000.00', 'OTHER_BANK', 'Li Qiang (ICBC)');
    await tx(current, '2023-08-08T03:00:00Z', '-500.00', 'CASH');
    await tx(current, '2022-12-31T15:59:59Z', '-999.00', 'MERCHANT', 'Old Street Noodles', '5812'); // 23:59:59 on 31 Dec 2022 local
    await tx(current, '2023-12-31T15:59:59Z', '-88.00', 'MERCHANT', 'Old Street Noodles', '5812'); // 23:59:59 on 31 Dec 2023 local
    await tx(current, '2024-02-01T03:00:00Z', '3000.00', 'OTHER_BANK', 'Employer payroll');
    await tx(card, '2023-09-09T10:00:00Z', '-2500.00', 'MERCHANT', 'Oriental Plaza', '5311');
    await tx(card, '2023-10-10T10:00:00Z', '2500.00', 'OWN_BANK');
    await tx(card, '2023-11-11T10:00:00Z', '-60.00', 'THIRD_PARTY_PLATFORM', 'WeChat Pay');
    await tx(savings, '2023-03-01T02:00:00Z', '3000.00', 'OWN_BANK');
    await tx(savings, '2023-06-30T16:00:00Z', '45.67', 'INTEREST');
    await tx(savings, '2023-09-01T02:00:00Z', '-1000.00', 'OWN_BANK');
    await tx(savings, '2024-01-10T02:00:00Z', '500.00', 'OWN_BANK');
    await tx(savings2, '2023-03-01T05:00:00Z', '1000.00', 'OWN_BANK');
    await tx(loanAccount, '2023-09-15T03:00:00Z', '1500.00', 'OWN_BANK');

    const mall = await createPartner(ds, 'shopmall');
    const air = await createPartner(ds, 'skyair', 'travel');
    await createPurchase(ds, rich, mall, '2022-05-01T04:00:00Z', '100.00');
    await createPurchase(ds, rich, mall, '2023-04-01T04:00:00Z', '250.50');
    await createPurchase(ds, rich, mall, '2023-08-01T04:00:00Z', '99.99');
    await createPurchase(ds, rich, air, '2023-07-01T04:00:00Z', '1800.00');
    await createPurchase(ds, rich, air, '2024-01-05T04:00:00Z', '500.00');

    await enrolMobile(ds, rich, '2022-11-01T02:00:00Z', '2022-11-02T02:00:00Z');
    await createSession(ds, rich, '2022-11-02T02:00:00Z', ['balance']);
    await createSession(ds, rich, '2023-02-10T02:00:00Z', ['balance', 'transfer']);
    await createSession(ds, rich, '2023-02-20T02:00:00Z', ['transfer']);
    await createSession(ds, rich, '2023-05-05T02:00:00Z', ['transfer', 'bill-pay']);
    await createSession(ds, rich, '2023-05-06T02:00:00Z', ['balance']);
    await createSession(ds, rich, '2023-05-31T17:00:00Z', ['balance']); // 1 June, 01:00 local
    await createSession(ds, rich, '2023-12-31T17:00:00Z', ['balance']); // 2024 local
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.FATTAIL_PARTNER_CASHBACK_RATES;
    else process.env.FATTAIL_PARTNER_CASHBACK_RATES = saved;
    await t?.close();
  });

  async function statement(id: string, year: number) {
    const { body } = await t.gql(STATEMENT, { id: gid(id), year });
    expect(body.errors).toBeUndefined();
    return body.data!.customer.annualStatement;
  }

  it('adds up a rich customer’s year exactly', async () => {
    const s = await statement(rich, 2023);
    expect(s).toMatchObject({
      year: 2023,
      from: '2022-12-31T16:00:00.000Z',
      to: '2023-12-31T16:00:00.000Z',
      timeZone: 'Asia/Shanghai',
      // 17 bookings in the year (the 2022 noodles, the 2024 salary and the 2024 savings top-up are outside).
      transactionCount: 17,
      // Deposit-account credits: 8000 + 8000 + 3000 + 45.67 + 1000.
      moneyIn: '20045.67',
      // Every debit: 350 + 1200 + 150 + 400 + 2000 + 500 + 88 + 2500 + 60 + 1000.
      moneyOut: '8248.00',
      net: '11797.67',
      // Card repayment 2500 + loan instalment 1500.
      repayments: '4000.00',
      // Merchants and platforms only: 350 + 1200 + 150 + 400 + 88 + 2500 + 60.
      spending: '4748.00',
    });
    expect(s.topSpendingCategories).toEqual([
      { code: '5311', label: 'Department stores', amount: '2500.00', transactions: 1, share: '0.5265' }, // 2500 / 4748
      { code: '5732', label: 'Electronics', amount: '1200.00', transactions: 1, share: '0.2527' },
      { code: '5411', label: 'Groceries and supermarkets', amount: '500.00', transactions: 2, share: '0.1053' },
      { code: 'THIRD_PARTY_PLATFORM', label: 'Payment platforms (Alipay, WeChat Pay ...)', amount: '460.00', transactions: 2, share: '0.0969' },
      { code: '5812', label: 'Restaurants', amount: '88.00', transactions: 1, share: '0.0185' },
    ]);
    expect(s.topMerchants).toEqual([
      { name: 'Oriental Plaza', amount: '2500.00', transactions: 1 },
      { name: 'Bright Electronics', amount: '1200.00', transactions: 1 },
      { name: 'Golden Harvest Supermarket', amount: '500.00', transactions: 2 },
      { name: 'Old Street Noodles', amount: '88.00', transactions: 1 },
    ]);
    // shopmall: 250.50 + 99.99 = 350.49 at 2% = 7.0098 -> 7.01; skyair: 1800.00 at the default 1% = 18.00.
    expect(s.partnerBenefits).toEqual({
      totalSpent: '2150.49',
      totalCashback: '25.01',
      partners: [
        { partner: { code: 'skyair' }, amount: '1800.00', purchases: 1, cashbackRate: '0.01', cashback: '18.00' },
        { partner: { code: 'shopmall' }, amount: '350.49', purchases: 2, cashbackRate: '0.02', cashback: '7.01' },
      ],
    });
    // Five sessions in the local year; balance and transfer tie at 3 (alphabetical first wins); February and
    // May tie at 2 sessions (the 31 May 17:00Z session is June locally; in UTC May would have won with 3).
    expect(s.mobile).toEqual({
      enrolledAt: '2022-11-01T02:00:00.000Z',
      activatedAt: '2022-11-02T02:00:00.000Z',
      firstLoginAt: '2022-11-02T02:00:00.000Z',
      firstLoginThisYear: false,
      sessions: 5,
      mostUsedFeature: 'balance',
      mostUsedFeatureSessions: 3,
      busiestMonth: 2,
      busiestMonthSessions: 2,
    });
    // Savings: flows 3000 + 45.67 - 1000 + 1000 = 3045.67; closing = (12000 - 500 booked in 2024) + 1000 = 12500.
    expect(s.savings).toEqual({ accounts: 2, openingBalance: '9454.33', closingBalance: '12500.00', netFlow: '3045.67', interestEarned: '45.67' });
    expect(s.moments).toEqual({
      largestPurchase: { amount: '2500.00', bookedAt: '2023-09-09T10:00:00.000Z', counterpartyName: 'Oriental Plaza', merchantCategoryCode: '5311' },
      firstLoanRepaid: { principal: '20000.00', grantedAt: '2021-01-01T00:00:00.000Z', repaidAt: '2023-09-15T04:00:00.000Z' },
      accountsOpened: 1,
      newPartners: 1,
    });
  });

  it('shows the first loan repaid only in the year it was repaid', async () => {
    expect((await statement(rich, 2022)).moments.firstLoanRepaid).toBeNull();
    const s2022 = await statement(rich, 2022);
    // 2022 holds the last-day noodles (999.00) and the first shopmall purchase; skyair had not started.
    expect(s2022).toMatchObject({ transactionCount: 1, moneyOut: '999.00', spending: '999.00', moments: { newPartners: 1, accountsOpened: 1 } });
    expect(s2022.mobile).toMatchObject({ firstLoginThisYear: true, sessions: 1, busiestMonth: 11 });
  });

  it('gives an empty but complete statement for a customer with no activity', async () => {
    expect(await statement(empty, 2023)).toEqual({
      year: 2023,
      from: '2022-12-31T16:00:00.000Z',
      to: '2023-12-31T16:00:00.000Z',
      timeZone: 'Asia/Shanghai',
      moneyIn: '0.00',
      moneyOut: '0.00',
      net: '0.00',
      repayments: '0.00',
      transactionCount: 0,
      spending: '0.00',
      topSpendingCategories: [],
      topMerchants: [],
      partnerBenefits: { totalSpent: '0.00', totalCashback: '0.00', partners: [] },
      mobile: {
        enrolledAt: null,
        activatedAt: null,
        firstLoginAt: null,
        firstLoginThisYear: false,
        sessions: 0,
        mostUsedFeature: null,
        mostUsedFeatureSessions: null,
        busiestMonth: null,
        busiestMonthSessions: null,
      },
      savings: { accounts: 0, openingBalance: '0.00', closingBalance: '0.00', netFlow: '0.00', interestEarned: '0.00' },
      moments: { largestPurchase: null, firstLoanRepaid: null, accountsOpened: 0, newPartners: 0 },
    });
  });

  it('refuses a year that has not begun with BAD_USER_INPUT on year', async () => {
    const { body } = await t.gql(STATEMENT, { id: gid(rich), year: new Date().getUTCFullYear() + 2 });
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
  });

  it('computes a page of statements in one statement', async () => {
    const query = `{ customers(first: 10) { edges { node { annualStatement(year: 2023) { moneyIn partnerBenefits { partners { partner { code } } } } } } } }`;
    const { result, statements } = await t.db.queryCounter.record(() => t.gql(query));
    expect(result.body.errors).toBeUndefined();
    // customers, statements (both customers at once), partners
    expect(statements).toHaveLength(3);
  });
});
