import { createAccount, createCustomer, createTransactions } from '../factories/bank.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

describe('customer API smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads a customer with accounts and transactions', async () => {
    const ds = t.db.dataSource;
    const c = await createCustomer(ds, { fullName: 'Li Wei' });
    const a = await createAccount(ds, c, { balance: '1234.56' });
    await createTransactions(ds, c, a, 3);
    const res = await t.gql(`{ customers(first: 5) { totalCount edges { node { id fullName accounts { edges { node { balance transactions(first: 2) { totalCount edges { node { amount bookedAt } } } } } } } } } }`);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.customers.totalCount).toBe(1);
    const node = res.body.data!.customers.edges[0].node;
    expect(node.fullName).toBe('Li Wei');
    expect(node.accounts.edges[0].node.balance).toBe('1234.56');
    expect(node.accounts.edges[0].node.transactions.totalCount).toBe(3);
    expect(node.accounts.edges[0].node.transactions.edges).toHaveLength(2);
  });
});
