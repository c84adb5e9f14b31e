import { toGlobalId } from '../../../src/common/global-id';
import { operationId } from '../../../src/graphql/http/persisted-operations';
import { createAccount, createCustomer, createPartner, createPurchase } from '../../factories/bank.factory';
import { createTestApp, TestApp } from '../../helpers/test-app';

/** A partner reaches only consenting customers, only the fields their consent covers, only its own purchases. */
describe('partner isolation', () => {
  let t: TestApp;
  let admin: string;
  let partnerKey: string;
  let consenting: string; // global ids
  let other: string;
  let consentingLocal: string;
  let accountId: string;
  let foreignPurchase: string;
  const ops: Record<string, string> = {};

  const DOCS = {
    customer: `query PartnerCustomer($id: ID!) { customer(id: $id) { id fullName age city email phone } }`,
    customerAccounts: `query PartnerAccounts($id: ID!) { customer(id: $id) { id accounts { edges { node { id balance } } } } }`,
    customerSources: `query PartnerSources($id: ID!) { customer(id: $id) { id sources { key } } }`,
    purchases: `query PartnerPurchases($id: ID!, $partner: String) { customer(id: $id) { partnerPurchases(first: 10, partner: $partner) { totalCount edges { node { id amount partner { code } } } } } }`,
    list: `query PartnerList($filter: CustomerFilter) { customers(first: 50, filter: $filter) { totalCount edges { node { id fullName } } } }`,
    node: `query PartnerNode($id: ID!) { node(id: $id) { __typename id } }`,
    bySource: `query PartnerBySource($system: String!, $key: String!) { customerBySource(system: $system, key: $key) { id } }`,
    introspection: `query PartnerIntrospection { __schema { types { name } } }`,
    branches: `query PartnerBranches { branches { code } }`,
    internal: `query PartnerInternal($id: ID!) { customer(id: $id) { id fullName contactPressure { marketingContacts30d } annualStatement(year: 2024) { year }
      serviceHistory(first: 1) { totalCount } followUps { totalCount } paymentChannels(withinDays: 90) { withinDays } segmentHistory { totalCount } } }`,
  };

  beforeAll(async () => {
    t = await createTestApp({ authMode: 'required' });
    const ds = t.db.dataSource;
    const mine = await createPartner(ds, 'shopmall');
    const theirs = await createPartner(ds, 'dinewell', 'dining');
    consentingLocal = await createCustomer(ds, { fullName: 'Consenting Chen', city: 'Hangzhou', email: 'chen@example.cn', phone: '+8613912345678', source: { system: 'core-banking', key: 'CIF-C' } });
    const otherLocal = await createCustomer(ds, { fullName: 'Private Pan', city: 'Hangzhou', source: { system: 'core-banking', key: 'CIF-P' } });
    consenting = toGlobalId('Customer', consentingLocal);
    other = toGlobalId('Customer', otherLocal);
    const account = await createAccount(ds, consentingLocal, { balance: '500.00' });
    accountId = toGlobalId('Account', `${consentingLocal}.${account}`);
    await createPurchase(ds, consentingLocal, mine, '2024-01-01T00:00:00Z', '10.00');
    const foreign = await createPurchase(ds, consentingLocal, theirs, '2024-01-02T00:00:00Z', '99.00');
    foreignPurchase = toGlobalId('PartnerPurchase', `${consentingLocal}.${foreign}`);
    await createPurchase(ds, otherLocal, mine, '2024-01-03T00:00:00Z', '20.00');

    admin = await t.createKey('ADMIN');
    partnerKey = await t.createKey('PARTNER', { partnerCode: 'shopmall' });
    const granted = await t.gql(
      `mutation ($id: ID!) { grantConsent(input: { customerId: $id, partnerCode: "shopmall", purpose: "co-branded card offers", scopes: [PROFILE, PARTNER_PURCHASES] }) { id scopes } }`,
      { id: consenting },
      admin,
    );
    expect(granted.body.errors).toBeUndefined();
    for (const [name, document] of Object.entries(DOCS)) {
      const reg = await t.gql(`mutation ($n: String!, $d: String!) { registerPersistedOperation(name: $n, document: $d) { id } }`, { n: name, d: document }, admin);
      expect(reg.body.errors).toBeUndefined();
      ops[name] = reg.body.data!.registerPersistedOperation.id;
      expect(ops[name]).toBe(operationId(document));
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const run = (name: keyof typeof DOCS, variables: Record<string, unknown> = {}) => t.post({ documentId: ops[name], variables }, partnerKey);

  it('sees the consenting customer’s profile, and the uncovered fields as null with FORBIDDEN naming the field, never the value', async () => {
    const res = await run('customer', { id: consenting });
    expect(res.body.data!.customer).toEqual({ id: consenting, fullName: 'Consenting Chen', age: expect.any(Number), city: 'Hangzhou', email: null, phone: null });
    const forbidden = res.body.errors!.map((e) => [e.extensions!.code, e.extensions!.field]);
    expect(forbidden).toEqual(expect.arrayContaining([['FORBIDDEN', 'email'], ['FORBIDDEN', 'phone']]));
    expect(JSON.stringify(res.body)).not.toMatch(/chen@example|13912345678/);
  });

  it('gets the bank-internal fields as null with FORBIDDEN each, and the rest of the customer intact', async () => {
    const res = await run('internal', { id: consenting });
    expect(res.body.data!.customer).toEqual({
      id: consenting,
      fullName: 'Consenting Chen',
      contactPressure: null,
      annualStatement: null,
      serviceHistory: null,
      followUps: null,
      paymentChannels: null,
      segmentHistory: null,
    });
    const fields = res.body.errors!.map((e) => (e.extensions!.code === 'FORBIDDEN' ? e.extensions!.field : `${e.extensions!.code}`)).sort();
    expect(fields).toEqual(['annualStatement', 'contactPressure', 'followUps', 'paymentChannels', 'segmentHistory', 'serviceHistory']);
  });

  it('cannot read accounts or provenance without the matching scope', async () => {
    const accounts = await run('customerAccounts', { id: consenting });
    expect(accounts.body.data!.customer.accounts).toBeNull();
    expect(accounts.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'accounts' });
    const sources = await run('customerSources', { id: consenting });
    expect(sources.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'sources' });
  });

  it('never reaches a customer without consent: by id, by source key, in lists, through filters or node()', async () => {
    expect((await run('customer', { id: other })).body).toEqual({ data: { customer: null } });
    expect((await run('bySource', { system: 'core-banking', key: 'CIF-P' })).body).toEqual({ data: { customerBySource: null } });
    const list = await run('list');
    expect(list.body.data!.customers).toEqual({ totalCount: 1, edges: [{ node: { id: consenting, fullName: 'Consenting Chen' } }] });
    const filtered = await run('list', { filter: { fullName: { _eq: 'Private Pan' } } });
    expect(filtered.body.data!.customers).toEqual({ totalCount: 0, edges: [] });
    expect((await run('node', { id: other })).body).toEqual({ data: { node: null } });
  });

  it('refuses filters on fields outside the profile', async () => {
    const res = await run('list', { filter: { _or: [{ city: { _eq: 'Hangzhou' } }, { homeBranch: { _eq: 'X' } }] } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'filter._or[1].homeBranch' });
  });

  it('sees only its own purchases, whatever partner it asks for', async () => {
    const own = await run('purchases', { id: consenting });
    expect(own.body.data!.customer.partnerPurchases).toEqual({ totalCount: 1, edges: [{ node: { id: expect.any(String), amount: '10.00', partner: { code: 'shopmall' } } }] });
    const foreign = await run('purchases', { id: consenting, partner: 'dinewell' });
    expect(foreign.body.data!.customer.partnerPurchases.edges).toEqual([]);
    expect((await run('node', { id: foreignPurchase })).body).toEqual({ data: { node: null } });
    expect((await run('node', { id: accountId })).body).toEqual({ data: { node: null } });
  });

  it('runs registered operations only: no free-form documents, no introspection, no GraphiQL, no staff queries', async () => {
    const free = await t.gql('{ customers(first: 5) { totalCount } }', undefined, partnerKey);
    expect(free.status).toBe(400);
    expect(free.body.errors![0].extensions!.code).toBe('PERSISTED_OPERATION_REQUIRED');
    const unknown = await t.post({ documentId: 'f'.repeat(64) }, partnerKey);
    expect(unknown.body.errors![0].extensions!.code).toBe('PERSISTED_OPERATION_NOT_FOUND');
    const intro = await run('introspection');
    expect(intro.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(intro.body.data).toBeUndefined();
    expect((await run('branches')).body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'branches' });
    const { default: request } = await import('supertest');
    const page = await request(t.app.app).get('/graphql').set('accept', 'text/html').set('authorization', `Bearer ${partnerKey}`);
    expect(page.status).toBe(403);
  });

  it('loses the customer on the very next request after consent is revoked, and after it expires', async () => {
    expect((await run('customer', { id: consenting })).body.data!.customer).not.toBeNull();
    const revoked = await t.gql(`mutation ($id: ID!) { revokeConsent(customerId: $id, partnerCode: "shopmall") }`, { id: consenting }, admin);
    expect(revoked.body.data!.revokeConsent).toBe(1);
    expect((await run('customer', { id: consenting })).body).toEqual({ data: { customer: null } });
    expect((await run('list')).body.data!.customers.totalCount).toBe(0);

    await t.db.dataSource.query(
      `INSERT INTO consent (customer_id, partner_id, purpose, scopes, granted_at, expires_at)
       SELECT $1, id, 'expired offer', '{PROFILE}', now() - interval '2 days', now() - interval '1 day' FROM partner WHERE code = 'shopmall'`,
      [consentingLocal],
    );
    expect((await run('customer', { id: consenting })).body).toEqual({ data: { customer: null } });
  });
});

describe('partner aggregates', () => {
  let t: TestApp;
  let partnerKey: string;
  let statsOp: string;
  beforeAll(async () => {
    t = await createTestApp({ authMode: 'required' });
    const ds = t.db.dataSource;
    await createPartner(ds, 'shopmall');
    const admin = await t.createKey('ADMIN');
    partnerKey = await t.createKey('PARTNER', { partnerCode: 'shopmall' });
    const consent = async (city: string, n: number, scopes = "'{PROFILE}'") => {
      for (let i = 0; i < n; i++) {
        const id = await createCustomer(ds, { city });
        await ds.query(`INSERT INTO consent (customer_id, partner_id, purpose, scopes) SELECT $1, id, 'offers', ${scopes} FROM partner WHERE code = 'shopmall'`, [id]);
      }
    };
    await consent('Beijing', 12);
    await consent('Shanghai', 3);
    for (let i = 0; i < 20; i++) await createCustomer(ds, { city: 'Shanghai' }); // no consent: must not count
    const doc = `query PartnerStats($groupBy: [CustomerStatsDimension!]!, $metrics: [CustomerStatsMetric!]) {
      customerStats(groupBy: $groupBy, metrics: $metrics) { rows { group { value } count sumBalance } } }`;
    const reg = await t.gql(`mutation ($d: String!) { registerPersistedOperation(name: "stats", document: $d) { id } }`, { d: doc }, admin);
    statsOp = reg.body.data!.registerPersistedOperation.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const stats = (variables: Record<string, unknown>) => t.post({ documentId: statsOp, variables }, partnerKey);

  it('counts consenting customers only and suppresses groups under 10', async () => {
    const res = await stats({ groupBy: ['CITY'] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.customerStats.rows).toEqual([{ group: [{ value: 'Beijing' }], count: 12, sumBalance: null }]);
  });

  it('needs ACCOUNT_SUMMARY consent for balances and refuses bank-internal dimensions', async () => {
    const balances = await stats({ groupBy: ['CITY'], metrics: ['COUNT', 'SUM_BALANCE'] });
    expect(balances.body.data!.customerStats.rows).toEqual([]);
    const branch = await stats({ groupBy: ['HOME_BRANCH'] });
    expect(branch.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'groupBy' });
  });
});
