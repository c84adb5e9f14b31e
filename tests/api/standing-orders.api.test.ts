import { createPartner } from '../factories/bank.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const INGEST = `mutation ($input: IngestRecordsInput!) { ingestRecords(input: $input) {
  read inserted updated unchanged rejected rejections { line type key field reason } } }`;

const ORDERS = `query ($system: String!, $key: String!) { customerBySource(system: $system, key: $key) {
  id accounts { edges { node { id standingOrders { id amount currency purpose recipientBank recipientAccount } } } } } }`;

/** Standing orders end to end: ingested, read on their account and by node(id), refused to partners. */
describe('standing orders', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ authMode: 'required' });
    admin = await t.createKey('ADMIN');
  });
  afterAll(async () => {
    await t?.close();
  });

  const ingest = (records: unknown[]) => t.gql(INGEST, { input: { source: 'CORE_BANKING', records } }, admin);

  it('loads standing orders on their account, rejects a bad one by record and field, and changes nothing the second time', async () => {
    const records = [
      { type: 'customer', key: 'C-SO', fullName: 'Sun Li', birthDate: '1988-08-08' },
      { type: 'account', key: 'A-SO', customerKey: 'C-SO', productType: 'CURRENT', currency: 'CNY', openedAt: '2021-01-01' },
      {
        type: 'standing_order',
        key: 'O-2',
        accountKey: 'A-SO',
        amount: '420.00',
        purpose: 'insurance',
        recipientBank: 'ICBC',
        recipientAccount: '6222000011112222',
      },
      { type: 'standing_order', key: 'O-1', accountKey: 'A-SO', amount: '268.5', purpose: 'HOUSEHOLD_BILLS' },
      { type: 'standing_order', key: 'O-neg', accountKey: 'A-SO', amount: '-10.00', purpose: 'OTHER' },
      { type: 'standing_order', key: 'O-what', accountKey: 'A-SO', amount: '10.00', purpose: 'GIFTS' },
    ];
    const first = await ingest(records);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data!.ingestRecords).toMatchObject({ read: 6, inserted: 4, rejected: 2 });
    expect(first.body.data!.ingestRecords.rejections).toEqual([
      expect.objectContaining({ line: 5, type: 'standing_order', key: 'O-neg', field: 'amount', reason: expect.stringContaining('above zero') }),
      expect.objectContaining({ line: 6, type: 'standing_order', key: 'O-what', field: 'purpose' }),
    ]);
    const again = await ingest(records.slice(0, 4));
    expect(again.body.data!.ingestRecords).toMatchObject({ read: 4, inserted: 0, updated: 0, unchanged: 4 });

    const res = await t.gql(ORDERS, { system: 'core-banking', key: 'C-SO' }, admin);
    expect(res.body.errors).toBeUndefined();
    const [account] = res.body.data!.customerBySource.accounts.edges;
    // In the order they were written: the file's order within a batch.
    expect(account.node.standingOrders).toEqual([
      {
        id: expect.any(String),
        amount: '420.00',
        currency: 'CNY',
        purpose: 'INSURANCE',
        recipientBank: 'ICBC',
        recipientAccount: '6222000011112222',
      },
      { id: expect.any(String), amount: '268.50', currency: 'CNY', purpose: 'HOUSEHOLD_BILLS', recipientBank: null, recipientAccount: null },
    ]);

    const id = account.node.standingOrders[0].id;
    const node = await t.gql(`query ($id: ID!) { node(id: $id) { __typename ... on StandingOrder { amount purpose } } }`, { id }, admin);
    expect(node.body).toEqual({ data: { node: { __typename: 'StandingOrder', amount: '420.00', purpose: 'INSURANCE' } } });
  });

  it('updates an order that changes, in place', async () => {
    const changed = await ingest([{ type: 'standing_order', key: 'O-1', accountKey: 'A-SO', amount: '300.00', purpose: 'HOUSEHOLD_BILLS' }]);
    expect(changed.body.data!.ingestRecords).toMatchObject({ read: 1, inserted: 0, updated: 1 });
    const res = await t.gql(ORDERS, { system: 'core-banking', key: 'C-SO' }, admin);
    const orders = res.body.data!.customerBySource.accounts.edges[0].node.standingOrders;
    expect(orders.map((o: { amount: string }) => o.amount)).toEqual(['420.00', '300.00']);
  });

  it('is not part of what a partner may read, even with ACCOUNT_SUMMARY consent', async () => {
    const customer = (await t.gql(ORDERS, { system: 'core-banking', key: 'C-SO' }, admin)).body.data!.customerBySource.id;
    await createPartner(t.db.dataSource, 'shopmall');
    const partnerKey = await t.createKey('PARTNER', { partnerCode: 'shopmall' });
    const granted = await t.gql(
      `mutation ($id: ID!) { grantConsent(input: { customerId: $id, partnerCode: "shopmall", purpose: "card offers", scopes: [ACCOUNT_SUMMARY] }) { id } }`,
      { id: customer },
      admin,
    );
    expect(granted.body.errors).toBeUndefined();
    const document = `query PartnerOrders($id: ID!) { customer(id: $id) { accounts { edges { node { balance standingOrders { amount } } } } } }`;
    const reg = await t.gql(
      `mutation ($n: String!, $d: String!) { registerPersistedOperation(name: $n, document: $d) { id } }`,
      { n: 'orders', d: document },
      admin,
    );
    const res = await t.post({ documentId: reg.body.data!.registerPersistedOperation.id, variables: { id: customer } }, partnerKey);
    expect(res.body.errors!.map((e) => [e.extensions!.code, e.extensions!.field])).toEqual([['FORBIDDEN', 'standingOrders']]);
    expect(JSON.stringify(res.body)).not.toContain('420.00');
    // The same consent still shows the balance: only the standing orders are refused.
    const balanceOnly = `query PartnerBalance($id: ID!) { customer(id: $id) { accounts { edges { node { balance } } } } }`;
    const regBalance = await t.gql(
      `mutation ($n: String!, $d: String!) { registerPersistedOperation(name: $n, document: $d) { id } }`,
      { n: 'balance', d: balanceOnly },
      admin,
    );
    const balance = await t.post({ documentId: regBalance.body.data!.registerPersistedOperation.id, variables: { id: customer } }, partnerKey);
    expect(balance.body).toEqual({ data: { customer: { accounts: { edges: [{ node: { balance: '0.00' } }] } } } });
  });
});
