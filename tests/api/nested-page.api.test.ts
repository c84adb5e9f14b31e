import { createAccount, createCustomer, createPartner, createPurchase, createTransactions, enrolMobile } from '../factories/bank.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const NESTED_PAGE = `
  query Page($first: Int!) {
    customers(first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        id fullName age city homeBranch { code }
        accounts(first: 10) { edges { node {
          id productType balance
          transactions(first: 10) { edges { node { id amount bookedAt channel } } }
        } } }
        partnerPurchases(first: 5) { edges { node { amount partner { code } } } }
        mobileBanking { enrolledAt activated lastLoginAt }
      } }
    }
  }`;

describe('nested customer page: SQL statements do not grow with page size', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The resolver path: its batching serves every query the compiled reads decline (compiled-reads.api.test.ts
    // covers the one-statement path).
    t = await createTestApp({ compiledReads: false });
    const ds = t.db.dataSource;
    const partner = await createPartner(ds, 'shopmall');
    for (let i = 0; i < 60; i++) {
      const c = await createCustomer(ds, { fullName: `Customer ${i}` });
      for (let a = 0; a < 2; a++) {
        const account = await createAccount(ds, c, { productType: a === 0 ? 'CURRENT' : 'SAVINGS' });
        if (i % 3 === 0) await createTransactions(ds, c, account, 12);
      }
      if (i % 2 === 0) await createPurchase(ds, c, partner, '2024-03-01T10:00:00Z');
      if (i % 4 === 0) await enrolMobile(ds, c, '2023-01-01T00:00:00Z', null);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  async function statementsFor(first: number) {
    const { result, statements } = await t.db.queryCounter.record(() => t.gql(NESTED_PAGE, { first }));
    expect(result.body.errors).toBeUndefined();
    return { body: result.body, statements };
  }

  it('answers a 50-customer page with one statement per nesting level', async () => {
    const { body, statements } = await statementsFor(50);
    const edges = body.data!.customers.edges;
    expect(edges).toHaveLength(50);
    expect(body.data!.customers.totalCount).toBe(60);
    // customers, totalCount, accounts, transactions, purchases, partners, enrolments: 7.
    expect(statements).toHaveLength(7);
    const withTx = edges.find((e: any) => e.node.accounts.edges[0].node.transactions.edges.length > 0).node;
    expect(withTx.accounts.edges[0].node.transactions.edges).toHaveLength(10);
  });

  it('issues the same number of statements for 5 customers as for 50', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large.statements.length).toBe(small.statements.length);
  });

  it('gives each account its own newest-first page of transactions', async () => {
    const { body } = await statementsFor(3);
    const tx = body.data!.customers.edges[0].node.accounts.edges[0].node.transactions.edges.map((e: any) => e.node.bookedAt);
    expect(tx).toEqual([...tx].sort().reverse());
  });
});
