import { createAccount, createCustomer, createPartner, createPurchase, enrolMobile } from '../factories/bank.factory';
import { createInteraction, createLoan } from '../factories/service-history.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const PAGE = `
  query Page($first: Int!) {
    customers(first: $first) {
      edges { node {
        id
        serviceHistory(first: 10) {
          totalCount
          edges { node {
            __typename occurredAt kind summary
            ... on InteractionEvent { interaction { kind branch { code } } }
            ... on AccountOpenedEvent { account { id balance } }
            ... on LoanGrantedEvent { principal }
            ... on FirstPartnerPurchaseEvent { partner { code } }
          } }
        }
        followUps(first: 5) { totalCount edges { node { dueAt status owner branch { code } } } }
        contactPressure { marketingContacts30d daysSinceLastContact overContacted canContact(channel: SMS) { allowed reason } }
      } }
    }
  }`;

describe('service history on a customer page: SQL statements do not grow with the page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const [branch] = await ds.query(`INSERT INTO branch (code, name) VALUES ('SH01', 'Shanghai Pudong') RETURNING id`);
    const partner = await createPartner(ds, 'shopmall');
    const now = Date.now();
    for (let i = 0; i < 24; i++) {
      const c = await createCustomer(ds, { fullName: `Customer ${i}`, homeBranchId: branch.id });
      await createAccount(ds, c, { productType: 'CURRENT', openedAt: '2021-01-01T00:00:00Z' });
      if (i % 3 === 0) {
        const loan = await createAccount(ds, c, { productType: 'LOAN', openedAt: '2022-01-01T00:00:00Z' });
        await createLoan(ds, c, loan, { grantedAt: '2022-01-01T00:00:00Z' });
      }
      if (i % 2 === 0) await createPurchase(ds, c, partner, '2023-03-01T10:00:00Z');
      if (i % 4 === 0) await enrolMobile(ds, c, '2022-06-01T00:00:00Z', '2022-06-02T00:00:00Z');
      for (let k = 0; k < i % 5; k++) {
        const at = new Date(now - (k + 1) * 5 * 86_400_000).toISOString();
        await createInteraction(ds, c, { occurredAt: at, channel: k % 2 ? 'SMS' : 'BRANCH', kind: k % 2 ? 'MARKETING_CONTACT' : 'SERVICE_REQUEST', branchId: branch.id });
      }
      if (i % 6 === 0) {
        await ds.query(`INSERT INTO follow_up (customer_id, due_at, reason, owner, branch_id) VALUES ($1, now() - interval '1 day', 'Call back', 'RM-1', $2)`, [c, branch.id]);
      }
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  async function statementsFor(first: number) {
    const { result, statements } = await t.db.queryCounter.record(() => t.gql(PAGE, { first }));
    expect(result.body.errors).toBeUndefined();
    return { body: result.body, statements };
  }

  it('answers a 20-customer page with a fixed number of statements', async () => {
    const { body, statements } = await statementsFor(20);
    const edges = body.data!.customers.edges;
    expect(edges).toHaveLength(20);
    // customers; timeline page + count; accounts and partners of the events; contact histories;
    // follow-up page + count; branches (of interactions and follow-ups alike, one loader): 9.
    const timeline = statements.filter((s) => s.includes('UNION ALL'));
    expect(timeline).toHaveLength(2); // one page, one count: for all 20 customers
    expect(statements).toHaveLength(9);
    const loanCustomer = edges[0].node;
    expect(loanCustomer.serviceHistory.edges.map((e: any) => e.node.kind)).toEqual(['FIRST_PARTNER_PURCHASE', 'MOBILE_ACTIVATED', 'MOBILE_ENROLLED', 'LOAN_GRANTED', 'ACCOUNT_OPENED', 'ACCOUNT_OPENED']);
    expect(loanCustomer.followUps.edges[0].node).toMatchObject({ status: 'OVERDUE', owner: 'RM-1', branch: { code: 'SH01' } });
  });

  it('issues the same number of statements for 5 customers as for 20', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(20);
    expect(large.statements.length).toBe(small.statements.length);
  });
});
