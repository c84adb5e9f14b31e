import { createAccount, createCustomer, createTransactions } from '../factories/bank.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

describe('Relay pagination', () => {
  let t: TestApp;
  let names: string[];
  beforeAll(async () => {
    t = await createTestApp();
    names = [];
    for (let i = 0; i < 25; i++) {
      const name = `Person ${String(i).padStart(2, '0')}`;
      names.push(name);
      await createCustomer(t.db.dataSource, { fullName: name, createdAt: new Date(Date.UTC(2020, 0, 1 + (i % 5))).toISOString() });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const page = (args: string) =>
    t.gql(`{ customers(${args}) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { fullName } } } }`);

  it('walks forward through every customer exactly once, with ties broken by id', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res = await page(`first: 7, orderBy: { field: CREATED_AT, direction: DESC }${after ? `, after: "${after}"` : ''}`);
      expect(res.body.errors).toBeUndefined();
      const c = res.body.data!.customers;
      seen.push(...c.edges.map((e: any) => e.node.fullName));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('walks backward with last/before and agrees with the forward order', async () => {
    const forward = await page('first: 25, orderBy: { field: FULL_NAME, direction: ASC }');
    const all = forward.body.data!.customers.edges.map((e: any) => e.node.fullName);
    expect(all).toEqual([...names].sort());
    const lastPage = await page('last: 10, orderBy: { field: FULL_NAME, direction: ASC }');
    const lp = lastPage.body.data!.customers;
    expect(lp.edges.map((e: any) => e.node.fullName)).toEqual(all.slice(15));
    expect(lp.pageInfo.hasPreviousPage).toBe(true);
    const before = await page(`last: 10, before: "${lp.pageInfo.startCursor}", orderBy: { field: FULL_NAME, direction: ASC }`);
    expect(before.body.data!.customers.edges.map((e: any) => e.node.fullName)).toEqual(all.slice(5, 15));
  });

  it('rejects pages over 100 with BAD_USER_INPUT naming the argument', async () => {
    const res = await page('first: 1000');
    expect(res.status).toBe(200);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(res.body.data).toBeNull();
  });

  it('rejects a forged cursor and a negative page size', async () => {
    const bad = await page('first: 5, after: "not-a-cursor"');
    expect(bad.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const forged = await page(`first: 5, after: "${Buffer.from('["x", "1; DROP TABLE customer"]').toString('base64url')}"`);
    expect(forged.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const negative = await page('first: -1');
    expect(negative.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const both = await page('first: 1, last: 1');
    expect(both.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('answers a variable of the wrong type with BAD_USER_INPUT, not a 500', async () => {
    const res = await t.gql('query ($n: Int) { customers(first: $n) { totalCount } }', { n: 'ten' });
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('pages a nested transaction list with after and filters', async () => {
    const ds = t.db.dataSource;
    const c = await createCustomer(ds, { fullName: 'Zed Nested' });
    const a = await createAccount(ds, c);
    await createTransactions(ds, c, a, 15, (i) => ({
      channel: i % 3 === 0 ? 'ATM' : 'POS',
      amount: i % 2 === 0 ? '-5.00' : '50.00',
      bookedAt: new Date(Date.UTC(2024, 1, 1, i)).toISOString(),
    }));
    const q = `query ($id: ID!, $after: String) { customer(id: $id) { transactions(first: 3, after: $after, filter: { channel: [ATM] }) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { channel bookedAt } } } } }`;
    const { body: listBody } = await t.gql(`{ customers(filter: { fullName: { _eq: "Zed Nested" } }) { edges { node { id } } } }`);
    const id = listBody.data!.customers.edges[0].node.id;
    const first = await t.gql(q, { id });
    const conn = first.body.data!.customer.transactions;
    expect(conn.totalCount).toBe(5);
    expect(conn.edges.map((e: any) => e.node.channel)).toEqual(['ATM', 'ATM', 'ATM']);
    const second = await t.gql(q, { id, after: conn.pageInfo.endCursor });
    const rest = second.body.data!.customer.transactions;
    expect(rest.edges).toHaveLength(2);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(rest.edges[0].node.bookedAt < conn.edges[2].node.bookedAt).toBe(true);
  });
});
