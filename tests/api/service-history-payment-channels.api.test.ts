import { createAccount, createCustomer } from '../factories/bank.factory';
import { createTransaction } from '../factories/service-history.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const CHANNELS = `
  query($id: ID!, $days: Int!, $asOf: DateTime) { customer(id: $id) { paymentChannels(withinDays: $days, asOf: $asOf) {
    withinDays from to previousFrom totalOutgoing previousTotalOutgoing thirdPartyShare previousThirdPartyShare thirdPartyTrend
    channels { counterpartyKind platform label amount transactions share previousAmount previousTransactions previousShare shareChange trend }
  } } }`;

const STATS = `
  query($groupBy: PaymentGroupBy!, $asOf: DateTime) { paymentChannelStats(groupBy: $groupBy, withinDays: 30, asOf: $asOf) {
    groupBy key customers platformCustomers
    channels { totalOutgoing previousTotalOutgoing thirdPartyShare previousThirdPartyShare channels { label amount share previousShare trend } }
  } }`;

const gid = (id: string) => Buffer.from(`Customer:${id}`).toString('base64url');
// 30-day windows ending 30 June: current [31 May, 30 June), previous [1 May, 31 May).
const AS_OF = '2024-06-30T00:00:00.000Z';

describe('payment leakage: Customer.paymentChannels and paymentChannelStats', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const [sz] = await ds.query(`INSERT INTO branch (code, name, region) VALUES ('SZ01', 'Shenzhen Futian', 'Guangdong') RETURNING id`);
    const [cd] = await ds.query(`INSERT INTO branch (code, name, region) VALUES ('CD01', 'Chengdu Jinjiang', 'Sichuan') RETURNING id`);
    ids.a = await createCustomer(ds, { fullName: 'A', region: 'Guangdong', homeBranchId: sz.id });
    ids.b = await createCustomer(ds, { fullName: 'B', region: 'Guangdong', homeBranchId: sz.id });
    ids.c = await createCustomer(ds, { fullName: 'C', region: 'Sichuan', homeBranchId: cd.id });
    ids.d = await createCustomer(ds, { fullName: 'D', region: null, homeBranchId: null });
    ids.e = await createCustomer(ds, { fullName: 'E', region: 'Sichuan', homeBranchId: cd.id });
    const pay = async (c: string, bookedAt: string, amount: string, counterpartyKind: string, counterpartyName: string | null = null) => {
      const [account] = await ds.query(`SELECT id FROM account WHERE customer_id = $1 LIMIT 1`, [c]);
      const id = account?.id ?? (await createAccount(ds, c, { openedAt: '2020-01-01T00:00:00Z' }));
      await createTransaction(ds, c, id, { bookedAt, amount, counterpartyKind, counterpartyName });
    };
    // A, previous window: 1000 own bank (exactly at its start), 500 other banks, 300 merchants, 200 Alipay = 2000.
    await pay(ids.a, '2024-05-01T00:00:00Z', '-1000.00', 'OWN_BANK');
    await pay(ids.a, '2024-05-10T00:00:00Z', '-500.00', 'OTHER_BANK');
    await pay(ids.a, '2024-05-15T00:00:00Z', '-300.00', 'MERCHANT', 'Sunrise Mart');
    await pay(ids.a, '2024-05-20T00:00:00Z', '-200.00', 'THIRD_PARTY_PLATFORM', 'Alipay');
    await pay(ids.a, '2024-05-21T00:00:00Z', '-400.00', 'CASH'); // cash: not a payment channel
    await pay(ids.a, '2024-05-22T00:00:00Z', '5000.00', 'OTHER_BANK', 'Employer payroll'); // incoming
    await pay(ids.a, '2024-04-30T23:59:59Z', '-777.00', 'OWN_BANK'); // before both windows
    // A, current window: 600 + 500 + 300 (exactly at its start) + 400 Alipay + 200 WeChat Pay = 2000.
    await pay(ids.a, '2024-06-02T00:00:00Z', '-600.00', 'OWN_BANK');
    await pay(ids.a, '2024-06-05T00:00:00Z', '-500.00', 'OTHER_BANK');
    await pay(ids.a, '2024-05-31T00:00:00Z', '-300.00', 'MERCHANT', 'Sunrise Mart');
    await pay(ids.a, '2024-06-12T00:00:00Z', '-400.00', 'THIRD_PARTY_PLATFORM', 'Alipay');
    await pay(ids.a, '2024-06-20T00:00:00Z', '-200.00', 'THIRD_PARTY_PLATFORM', 'WeChat Pay');
    await pay(ids.a, '2024-06-21T00:00:00Z', '-5.00', 'BANK_FEE');
    await pay(ids.a, AS_OF, '-999.00', 'OWN_BANK'); // the window's end is exclusive
    await pay(ids.b, '2024-06-15T00:00:00Z', '-100.00', 'THIRD_PARTY_PLATFORM', 'Alipay');
    await pay(ids.c, '2024-05-15T00:00:00Z', '-50.00', 'OTHER_BANK');
    await pay(ids.d, '2024-06-15T00:00:00Z', '-10.00', 'OWN_BANK');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function channels(name: string, days = 30) {
    const { body } = await t.gql(CHANNELS, { id: gid(ids[name]), days, asOf: AS_OF });
    expect(body.errors).toBeUndefined();
    return body.data!.customer.paymentChannels;
  }

  it('splits outgoing payments by counterparty kind and platform, with shares and trends against the previous window', async () => {
    const a = await channels('a');
    expect(a).toMatchObject({
      withinDays: 30,
      from: '2024-05-31T00:00:00.000Z',
      to: AS_OF,
      previousFrom: '2024-05-01T00:00:00.000Z',
      totalOutgoing: '2000.00',
      previousTotalOutgoing: '2000.00',
      thirdPartyShare: '0.3000', // (400 + 200) / 2000
      previousThirdPartyShare: '0.1000', // 200 / 2000
      thirdPartyTrend: 'UP',
    });
    expect(a.channels).toEqual([
      { counterpartyKind: 'OWN_BANK', platform: null, label: 'Own bank', amount: '600.00', transactions: 1, share: '0.3000', previousAmount: '1000.00', previousTransactions: 1, previousShare: '0.5000', shareChange: '-0.2000', trend: 'DOWN' },
      { counterpartyKind: 'OTHER_BANK', platform: null, label: 'Other banks', amount: '500.00', transactions: 1, share: '0.2500', previousAmount: '500.00', previousTransactions: 1, previousShare: '0.2500', shareChange: '0.0000', trend: 'FLAT' },
      { counterpartyKind: 'THIRD_PARTY_PLATFORM', platform: 'Alipay', label: 'Alipay', amount: '400.00', transactions: 1, share: '0.2000', previousAmount: '200.00', previousTransactions: 1, previousShare: '0.1000', shareChange: '0.1000', trend: 'UP' },
      { counterpartyKind: 'MERCHANT', platform: null, label: 'Merchants (card and direct)', amount: '300.00', transactions: 1, share: '0.1500', previousAmount: '300.00', previousTransactions: 1, previousShare: '0.1500', shareChange: '0.0000', trend: 'FLAT' },
      { counterpartyKind: 'THIRD_PARTY_PLATFORM', platform: 'WeChat Pay', label: 'WeChat Pay', amount: '200.00', transactions: 1, share: '0.1000', previousAmount: '0.00', previousTransactions: 0, previousShare: '0.0000', shareChange: '0.1000', trend: 'NEW' },
    ]);
  });

  it('marks channels that appear or disappear, and answers zeros for a customer without payments', async () => {
    const b = await channels('b');
    expect(b).toMatchObject({ totalOutgoing: '100.00', previousTotalOutgoing: '0.00', thirdPartyShare: '1.0000', previousThirdPartyShare: '0.0000', thirdPartyTrend: 'NEW' });
    expect(b.channels.map((c: any) => `${c.label}:${c.share}:${c.trend}`)).toEqual(['Alipay:1.0000:NEW']);
    const c = await channels('c');
    expect(c).toMatchObject({ totalOutgoing: '0.00', previousTotalOutgoing: '50.00', thirdPartyTrend: 'FLAT' });
    expect(c.channels.map((x: any) => `${x.label}:${x.share}:${x.previousShare}:${x.shareChange}:${x.trend}`)).toEqual(['Other banks:0.0000:1.0000:-1.0000:GONE']);
    expect(await channels('e')).toMatchObject({ totalOutgoing: '0.00', previousTotalOutgoing: '0.00', thirdPartyShare: '0.0000', previousThirdPartyShare: '0.0000', thirdPartyTrend: 'FLAT', channels: [] });
  });

  it('refuses a window outside 1 to 730 days with BAD_USER_INPUT on withinDays', async () => {
    const { body } = await t.gql(CHANNELS, { id: gid(ids.a), days: 0, asOf: AS_OF });
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'withinDays' });
  });

  it('aggregates by region for analysts, biggest group first', async () => {
    const { body } = await t.gql(STATS, { groupBy: 'REGION', asOf: AS_OF });
    expect(body.errors).toBeUndefined();
    const groups = body.data!.paymentChannelStats;
    expect(groups.map((g: any) => `${g.key}:${g.customers}:${g.platformCustomers}:${g.channels.totalOutgoing}`)).toEqual([
      'Guangdong:2:2:2100.00', // A 2000 + B 100
      'null:1:0:10.00',
      'Sichuan:0:0:0.00', // C paid only in the previous window; E never
    ]);
    // Guangdong: own 600, other 500, Alipay 400 + 100, merchants 300, WeChat Pay 200, of 2100.
    expect(groups[0].channels).toMatchObject({ previousTotalOutgoing: '2000.00', thirdPartyShare: '0.3333', previousThirdPartyShare: '0.1000' });
    expect(groups[0].channels.channels).toEqual([
      { label: 'Own bank', amount: '600.00', share: '0.2857', previousShare: '0.5000', trend: 'DOWN' },
      { label: 'Other banks', amount: '500.00', share: '0.2381', previousShare: '0.2500', trend: 'DOWN' },
      { label: 'Alipay', amount: '500.00', share: '0.2381', previousShare: '0.1000', trend: 'UP' },
      { label: 'Merchants (card and direct)', amount: '300.00', share: '0.1429', previousShare: '0.1500', trend: 'FLAT' },
      { label: 'WeChat Pay', amount: '200.00', share: '0.0952', previousShare: '0.0000', trend: 'NEW' },
    ]);
  });

  it('aggregates by home branch', async () => {
    const { body } = await t.gql(STATS, { groupBy: 'BRANCH', asOf: AS_OF });
    expect(body.data!.paymentChannelStats.map((g: any) => `${g.groupBy}:${g.key}:${g.channels.totalOutgoing}:${g.channels.previousTotalOutgoing}`)).toEqual([
      'BRANCH:SZ01:2100.00:2000.00',
      'BRANCH:null:10.00:0.00',
      'BRANCH:CD01:0.00:50.00',
    ]);
  });

  it('computes a page of customers’ channels in one statement', async () => {
    const query = `query($asOf: DateTime) { customers(first: 10) { edges { node { paymentChannels(withinDays: 30, asOf: $asOf) { totalOutgoing channels { label } } } } } }`;
    const { result, statements } = await t.db.queryCounter.record(() => t.gql(query, { asOf: AS_OF }));
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data!.customers.edges.map((e: any) => e.node.paymentChannels.totalOutgoing)).toEqual(['2000.00', '100.00', '0.00', '10.00', '0.00']);
    expect(statements).toHaveLength(2); // customers, channels
  });
});
