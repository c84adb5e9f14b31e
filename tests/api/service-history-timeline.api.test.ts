import { createAccount, createCustomer, createPartner, createPurchase, enrolMobile } from '../factories/bank.factory';
import { closeAccount, createInteraction, createLoan } from '../factories/service-history.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const TIMELINE = `
  query Timeline($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $from: DateTime, $to: DateTime,
                 $kinds: [TimelineEventKind!], $channels: [InteractionChannel!], $order: SortDirection) {
    customer(id: $id) {
      serviceHistory(first: $first, after: $after, last: $last, before: $before, from: $from, to: $to, kinds: $kinds,
                     channels: $channels, order: $order) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node {
          __typename id occurredAt kind channel summary
          ... on InteractionEvent { interaction { id kind channel outcome note staffRef branch { code } } }
          ... on AccountOpenedEvent { productType account { id productType } }
          ... on AccountClosedEvent { productType openedAt }
          ... on LoanGrantedEvent { principal termMonths status account { productType } }
          ... on MobileEnrolledEvent { devices }
          ... on MobileActivatedEvent { daysToActivate }
          ... on FirstPartnerPurchaseEvent { amount category partner { code } }
        } }
      }
    }
  }`;

type Node = { __typename: string; id: string; occurredAt: string; kind: string; channel: string | null; summary: string; [k: string]: any };
const label = (n: Node) => `${n.occurredAt} ${n.kind}`;

describe('Customer.serviceHistory: one merged, typed, stably paginated timeline', () => {
  let t: TestApp;
  let customerId: string;
  let localId: string;
  // Newest first: what the fixture below must produce, worked out by hand.
  const EXPECTED = [
    '2024-03-01T09:00:00.000Z COMPLAINT',
    '2024-02-01T10:00:00.000Z MARKETING_CONTACT', // two at the same instant: the higher interaction id first
    '2024-02-01T10:00:00.000Z MARKETING_CONTACT',
    '2024-01-02T08:00:00.000Z SERVICE_REQUEST',
    '2023-06-30T00:00:00.000Z ACCOUNT_CLOSED',
    '2023-01-01T12:00:00.000Z FIRST_PARTNER_PURCHASE',
    '2022-05-01T10:00:00.000Z LOAN_GRANTED', // same instant as the loan account opening: kind breaks the tie (byte order, descending)
    '2022-05-01T10:00:00.000Z ACCOUNT_OPENED',
    '2022-01-01T12:00:00.000Z FIRST_PARTNER_PURCHASE',
    '2021-03-01T00:00:00.000Z ACCOUNT_OPENED',
    '2021-01-08T09:00:00.000Z MOBILE_ACTIVATED',
    '2021-01-05T09:00:00.000Z MOBILE_ENROLLED',
    '2020-01-10T00:00:00.000Z ACCOUNT_OPENED',
  ];

  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const [branch] = await ds.query(`INSERT INTO branch (code, name, region) VALUES ('CD01', 'Chengdu Jinjiang', 'Sichuan') RETURNING id`);
    localId = await createCustomer(ds, { fullName: 'Li Na', homeBranchId: branch.id });
    customerId = Buffer.from(`Customer:${localId}`).toString('base64url');
    await createAccount(ds, localId, { productType: 'CURRENT', openedAt: '2020-01-10T00:00:00Z' });
    const savings = await createAccount(ds, localId, { productType: 'SAVINGS', openedAt: '2021-03-01T00:00:00Z' });
    await closeAccount(ds, localId, savings, '2023-06-30T00:00:00Z');
    const loanAccount = await createAccount(ds, localId, { productType: 'LOAN', openedAt: '2022-05-01T10:00:00Z', balance: '-50000.00' });
    await createLoan(ds, localId, loanAccount, { grantedAt: '2022-05-01T10:00:00Z', principal: '50000.00', termMonths: 36 });
    await enrolMobile(ds, localId, '2021-01-05T09:00:00Z', '2021-01-08T09:00:00Z');
    const mall = await createPartner(ds, 'shopmall');
    const air = await createPartner(ds, 'skyair', 'travel');
    await createPurchase(ds, localId, mall, '2022-01-01T12:00:00Z', '120.50');
    await createPurchase(ds, localId, mall, '2022-02-01T12:00:00Z', '80.00'); // not a first purchase: no event
    await createPurchase(ds, localId, air, '2023-01-01T12:00:00Z', '1500.00');
    await createInteraction(ds, localId, { occurredAt: '2024-01-02T08:00:00Z', channel: 'BRANCH', kind: 'SERVICE_REQUEST', outcome: 'RESOLVED', branchId: branch.id, staffRef: 'E100' });
    await createInteraction(ds, localId, { occurredAt: '2024-02-01T10:00:00Z', channel: 'SMS', kind: 'MARKETING_CONTACT' });
    await createInteraction(ds, localId, { occurredAt: '2024-02-01T10:00:00Z', channel: 'EMAIL', kind: 'MARKETING_CONTACT' });
    await createInteraction(ds, localId, { occurredAt: '2024-03-01T09:00:00Z', channel: 'CALL_CENTRE', kind: 'COMPLAINT', note: 'Card blocked abroad' });
    // Another customer's events never leak in.
    const other = await createCustomer(ds, { fullName: 'Someone Else' });
    await createInteraction(ds, other, { occurredAt: '2024-02-15T10:00:00Z', channel: 'SMS', kind: 'MARKETING_CONTACT' });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function timeline(variables: Record<string, unknown>) {
    const { body } = await t.gql(TIMELINE, { id: customerId, ...variables });
    expect(body.errors).toBeUndefined();
    return body.data!.customer.serviceHistory as { totalCount: number; pageInfo: any; edges: { cursor: string; node: Node }[] };
  }

  it('merges every source into one newest-first timeline with typed nodes', async () => {
    const history = await timeline({ first: 50 });
    expect(history.edges.map((e) => label(e.node))).toEqual(EXPECTED);
    expect(history.totalCount).toBe(13);
    expect(history.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const nodes = history.edges.map((e) => e.node);
    // The two marketing contacts at the same instant: SMS was inserted first (lower id), so it comes second.
    expect(nodes[1].interaction.channel).toBe('EMAIL');
    expect(nodes[2].interaction.channel).toBe('SMS');
    expect(nodes[0]).toMatchObject({ __typename: 'InteractionEvent', channel: 'CALL_CENTRE', summary: 'Complaint via call centre' });
    expect(nodes[0].interaction).toMatchObject({ kind: 'COMPLAINT', note: 'Card blocked abroad' });
    expect(nodes[3].interaction).toMatchObject({ outcome: 'RESOLVED', staffRef: 'E100', branch: { code: 'CD01' } });
    expect(nodes[3].summary).toBe('Service request via branch (resolved)');
    expect(nodes[4]).toMatchObject({ __typename: 'AccountClosedEvent', productType: 'SAVINGS', openedAt: '2021-03-01T00:00:00.000Z', channel: null });
    expect(nodes[5]).toMatchObject({ __typename: 'FirstPartnerPurchaseEvent', amount: '1500.00', channel: 'PARTNER', partner: { code: 'skyair' } });
    expect(nodes[6]).toMatchObject({ __typename: 'LoanGrantedEvent', principal: '50000.00', termMonths: 36, status: 'ACTIVE', account: { productType: 'LOAN' } });
    expect(nodes[6].summary).toBe('Loan of 50000.00 granted over 36 months');
    expect(nodes[7]).toMatchObject({ __typename: 'AccountOpenedEvent', productType: 'LOAN', summary: 'Opened a loan account' });
    expect(nodes[8]).toMatchObject({ amount: '120.50', category: 'books', partner: { code: 'shopmall' } });
    expect(nodes[10]).toMatchObject({ __typename: 'MobileActivatedEvent', channel: 'MOBILE_APP', daysToActivate: 3 });
    expect(nodes[11]).toMatchObject({ __typename: 'MobileEnrolledEvent', devices: ['ios'] });
    expect(nodes[12].summary).toBe('Opened a current account');
    expect(new Set(nodes.map((n) => n.id)).size).toBe(13);
  });

  it('reads the same timeline oldest first with order: ASC', async () => {
    const history = await timeline({ first: 50, order: 'ASC' });
    expect(history.edges.map((e) => label(e.node))).toEqual([...EXPECTED].reverse());
  });

  it('pages forward and backward through exactly the same events', async () => {
    const forward: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await timeline({ first: 4, after });
      forward.push(...page.edges.map((e) => e.node.id));
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(4); // 4 + 4 + 4 + 1
    const all = (await timeline({ first: 50 })).edges.map((e) => e.node.id);
    expect(forward).toEqual(all);

    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const page = await timeline({ last: 5, before });
      backward.unshift(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(backward).toEqual(all);
  });

  it('filters by time, kind and channel; events without a channel drop out under a channel filter', async () => {
    const opened = await timeline({ first: 50, kinds: ['ACCOUNT_OPENED', 'ACCOUNT_CLOSED'] });
    expect(opened.edges.map((e) => label(e.node))).toEqual([
      '2023-06-30T00:00:00.000Z ACCOUNT_CLOSED',
      '2022-05-01T10:00:00.000Z ACCOUNT_OPENED',
      '2021-03-01T00:00:00.000Z ACCOUNT_OPENED',
      '2020-01-10T00:00:00.000Z ACCOUNT_OPENED',
    ]);
    expect(opened.totalCount).toBe(4);

    const mobile = await timeline({ first: 50, channels: ['MOBILE_APP'] });
    expect(mobile.edges.map((e) => e.node.kind)).toEqual(['MOBILE_ACTIVATED', 'MOBILE_ENROLLED']);

    const sms = await timeline({ first: 50, channels: ['SMS', 'PARTNER'], kinds: ['MARKETING_CONTACT', 'FIRST_PARTNER_PURCHASE', 'LOAN_GRANTED'] });
    expect(sms.edges.map((e) => `${e.node.kind}/${e.node.channel}`)).toEqual(['MARKETING_CONTACT/SMS', 'FIRST_PARTNER_PURCHASE/PARTNER', 'FIRST_PARTNER_PURCHASE/PARTNER']);

    // [from, to): an event exactly at `to` is left out, one exactly at `from` is kept.
    const window = await timeline({ first: 50, from: '2022-05-01T10:00:00Z', to: '2023-06-30T00:00:00Z' });
    expect(window.edges.map((e) => label(e.node))).toEqual([
      '2023-01-01T12:00:00.000Z FIRST_PARTNER_PURCHASE',
      '2022-05-01T10:00:00.000Z LOAN_GRANTED',
      '2022-05-01T10:00:00.000Z ACCOUNT_OPENED',
    ]);
    expect(window.totalCount).toBe(3);

    // Branch-only channels with kinds that never happen there: nothing, without a query.
    const none = await timeline({ first: 50, kinds: ['LOAN_GRANTED'], channels: ['SMS'] });
    expect(none.edges).toEqual([]);
    expect(none.totalCount).toBe(0);
  });

  it('refuses a forged cursor and an empty time window with BAD_USER_INPUT naming the argument', async () => {
    const forged = Buffer.from(JSON.stringify(['yesterday|ACCOUNT_OPENED', '1'])).toString('base64url');
    const bad = await t.gql(TIMELINE, { id: customerId, first: 5, after: forged });
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const foreign = Buffer.from(JSON.stringify(['2024-01-01 00:00:00+00', '1'])).toString('base64url');
    const other = await t.gql(TIMELINE, { id: customerId, first: 5, after: foreign });
    expect(other.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const empty = await t.gql(TIMELINE, { id: customerId, first: 5, from: '2024-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' });
    expect(empty.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('keeps pagination stable when events arrive between pages: no duplicates, no skips', async () => {
    const ds = t.db.dataSource;
    const first = await timeline({ first: 4 });
    expect(first.edges.map((e) => label(e.node))).toEqual(EXPECTED.slice(0, 4));
    const cursorAt = first.edges[3].node.occurredAt; // 2024-01-02T08:00 SERVICE_REQUEST, the end of page 1

    // Ahead of the cursor (must not show up later): newer than everything, and the same instant and kind
    // with a higher id. Behind it (must show up once, in place): the same instant with a kind that sorts
    // lower ('SALE' < 'SERVICE_REQUEST'), one in the middle of the unread part, one older than everything.
    await createInteraction(ds, localId, { occurredAt: '2025-01-01T00:00:00Z', channel: 'SMS', kind: 'MARKETING_CONTACT' });
    await createInteraction(ds, localId, { occurredAt: cursorAt, channel: 'BRANCH', kind: 'SERVICE_REQUEST' });
    await createInteraction(ds, localId, { occurredAt: cursorAt, channel: 'BRANCH', kind: 'SALE' });
    await createInteraction(ds, localId, { occurredAt: '2022-03-15T00:00:00Z', channel: 'CALL_CENTRE', kind: 'SERVICE_REQUEST' });
    const afterFirstPage: string[] = [];
    let after: string | null = first.pageInfo.endCursor;
    for (let page = 0; ; page++) {
      const next = await timeline({ first: 3, after });
      afterFirstPage.push(...next.edges.map((e) => label(e.node)));
      // More arrive while the client is still paging.
      if (page === 0) await createInteraction(ds, localId, { occurredAt: '2019-01-01T00:00:00Z', channel: 'BRANCH', kind: 'SALE' });
      if (!next.pageInfo.hasNextPage) break;
      after = next.pageInfo.endCursor;
    }
    const all = [...EXPECTED.slice(0, 4), ...afterFirstPage];
    expect(all).toEqual([
      ...EXPECTED.slice(0, 4),
      '2024-01-02T08:00:00.000Z SALE',
      ...EXPECTED.slice(4, 8),
      '2022-03-15T00:00:00.000Z SERVICE_REQUEST',
      ...EXPECTED.slice(8),
      '2019-01-01T00:00:00.000Z SALE',
    ]);
    // A fresh read sees everything, the two events ahead of the old cursor included.
    const fresh = await timeline({ first: 50 });
    expect(fresh.totalCount).toBe(18);
    expect(fresh.edges[0].node.occurredAt).toBe('2025-01-01T00:00:00.000Z');
  });
});
