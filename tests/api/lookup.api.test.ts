import { toGlobalId } from '../../src/common/global-id';
import { createAccount, createBranch, createCustomer, createPartner, createPurchase, createSession, createTransactions, enrolMobile } from '../factories/bank.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

describe('customer lookups and the customer 360', () => {
  let t: TestApp;
  let customerId: string;
  let accountId: string;
  let txIds: string[];
  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const branch = await createBranch(ds, 'CD-01', 'Chengdu Tianfu');
    customerId = await createCustomer(ds, {
      fullName: 'Wang Fang',
      birthDate: '1995-06-15',
      gender: 'FEMALE',
      occupation: 'teacher',
      incomeBand: 'LOWER_MIDDLE',
      city: 'Chengdu',
      region: 'Sichuan',
      interests: ['travel', 'cooking'],
      homeBranchId: branch,
      email: 'wang.fang@example.cn',
      phone: '+8613812345678',
      source: { system: 'core-banking', key: 'CIF-42' },
    });
    accountId = await createAccount(ds, customerId, { productType: 'SAVINGS', balance: '98765.43' });
    txIds = await createTransactions(ds, customerId, accountId, 2, (i) => ({ counterpartyKind: 'THIRD_PARTY_PLATFORM', counterpartyName: i ? 'Alipay' : 'WeChat Pay' }));
    await enrolMobile(ds, customerId, '2023-05-01T08:00:00Z', '2023-05-02T08:00:00Z');
    await createSession(ds, customerId, '2024-02-01T09:00:00Z', ['transfer']);
    await createSession(ds, customerId, '2024-03-01T09:00:00Z', ['balance', 'bill-pay']);
    const partner = await createPartner(ds, 'streamly', 'streaming');
    await createPurchase(ds, customerId, partner, '2024-01-05T12:00:00Z', '15.00');
  });
  afterAll(async () => {
    await t?.close();
  });

  const CUSTOMER_360 = `
    query ($id: ID!) { customer(id: $id) {
      id fullName birthDate age gender occupation incomeBand city region interests email phone
      homeBranch { code name }
      sources { system key matchRule firstSeenAt }
      accounts { totalCount edges { node { id productType balance currency status transactions(first: 5) { totalCount edges { node { id counterpartyKind counterpartyName } } } } } }
      mobileBanking { enrolledAt activatedAt activated transferLimit devices lastLoginAt sessions(first: 1) { totalCount edges { node { featuresUsed } } } }
      partnerPurchases(first: 5, partner: "streamly") { totalCount edges { node { amount partner { code industry } } } }
    } }`;

  it('returns everything a customer page shows', async () => {
    const id = toGlobalId('Customer', customerId);
    const res = await t.gql(CUSTOMER_360, { id });
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data!.customer;
    expect(c).toMatchObject({
      id,
      fullName: 'Wang Fang',
      birthDate: '1995-06-15',
      gender: 'FEMALE',
      incomeBand: 'LOWER_MIDDLE',
      interests: ['travel', 'cooking'],
      email: 'wang.fang@example.cn',
      phone: '+8613812345678',
      homeBranch: { code: 'CD-01', name: 'Chengdu Tianfu' },
      sources: [{ system: 'core-banking', key: 'CIF-42', matchRule: 'NEW_CUSTOMER' }],
    });
    const today = new Date();
    const expectedAge = today.getUTCFullYear() - 1995 - (today.getUTCMonth() + 1 < 6 || (today.getUTCMonth() + 1 === 6 && today.getUTCDate() < 15) ? 1 : 0);
    expect(c.age).toBe(expectedAge);
    expect(c.accounts.edges[0].node).toMatchObject({ productType: 'SAVINGS', balance: '98765.43', currency: 'CNY', status: 'OPEN' });
    expect(c.accounts.edges[0].node.transactions.totalCount).toBe(2);
    expect(c.mobileBanking).toMatchObject({ activated: true, transferLimit: '5000.00', devices: ['ios'], lastLoginAt: '2024-03-01T09:00:00.000Z' });
    expect(c.mobileBanking.sessions).toMatchObject({ totalCount: 2, edges: [{ node: { featuresUsed: ['balance', 'bill-pay'] } }] });
    expect(c.partnerPurchases).toMatchObject({ totalCount: 1, edges: [{ node: { amount: '15.00', partner: { code: 'streamly', industry: 'streaming' } } }] });
  });

  it('finds a customer by source system and key, and null for an unknown key', async () => {
    const found = await t.gql(`{ customerBySource(system: "core-banking", key: "CIF-42") { fullName } }`);
    expect(found.body.data!.customerBySource).toEqual({ fullName: 'Wang Fang' });
    const missing = await t.gql(`{ customerBySource(system: "core-banking", key: "CIF-404") { fullName } }`);
    expect(missing.body.data!.customerBySource).toBeNull();
  });

  it('resolves node(id) for each type back to the same object', async () => {
    const res = await t.gql(CUSTOMER_360, { id: toGlobalId('Customer', customerId) });
    const account = res.body.data!.customer.accounts.edges[0].node;
    const tx = account.transactions.edges[0].node;
    const nodes = await t.gql(
      `query ($c: ID!, $a: ID!, $t: ID!) {
        c: node(id: $c) { __typename id ... on Customer { fullName } }
        a: node(id: $a) { __typename id ... on Account { balance } }
        t: node(id: $t) { __typename id ... on Transaction { counterpartyName account { id } } }
      }`,
      { c: toGlobalId('Customer', customerId), a: account.id, t: tx.id },
    );
    expect(nodes.body.errors).toBeUndefined();
    expect(nodes.body.data).toEqual({
      c: { __typename: 'Customer', id: toGlobalId('Customer', customerId), fullName: 'Wang Fang' },
      a: { __typename: 'Account', id: account.id, balance: '98765.43' },
      t: { __typename: 'Transaction', id: tx.id, counterpartyName: tx.counterpartyName, account: { id: account.id } },
    });
    expect(txIds).toHaveLength(2);
  });

  it('answers null for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const unknown = await t.gql(`query ($id: ID!) { customer(id: $id) { fullName } }`, { id: toGlobalId('Customer', '999999') });
    expect(unknown.body).toEqual({ data: { customer: null } });
    const malformed = await t.gql(`{ customer(id: "garbage!") { fullName } }`);
    expect(malformed.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const wrongType = await t.gql(`query ($id: ID!) { customer(id: $id) { fullName } }`, { id: toGlobalId('Account', `${customerId}.${accountId}`) });
    expect(wrongType.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('node(id) for service-history records', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('resolves interactions and follow-ups by their global ids', async () => {
    const customer = toGlobalId('Customer', await createCustomer(t.db.dataSource, { fullName: 'Node Ni' }));
    const recorded = await t.gql(
      `mutation ($c: ID!) { recordInteraction(input: { customerId: $c, occurredAt: "2024-05-01T10:00:00Z", channel: BRANCH, kind: ADVICE }) { id } }`,
      { c: customer },
    );
    expect(recorded.body.errors).toBeUndefined();
    const followUp = await t.gql(
      `mutation ($c: ID!) { createFollowUp(customerId: $c, dueAt: "2030-01-01T00:00:00Z", reason: "call back", owner: "rm-1") { id } }`,
      { c: customer },
    );
    expect(followUp.body.errors).toBeUndefined();
    const ids = { i: recorded.body.data!.recordInteraction.id, f: followUp.body.data!.createFollowUp.id };
    const nodes = await t.gql(`query ($i: ID!, $f: ID!) { i: node(id: $i) { __typename id } f: node(id: $f) { __typename id } }`, ids);
    expect(nodes.body.data).toEqual({ i: { __typename: 'Interaction', id: ids.i }, f: { __typename: 'FollowUp', id: ids.f } });
  });
});
