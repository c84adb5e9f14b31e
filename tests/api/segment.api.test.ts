import { createAccount, createCustomer, createTransactions, enrolMobile } from '../factories/bank.factory';
import { createStandingOrder, daysBefore } from '../factories/segment.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const NOW = new Date('2025-06-30T12:00:00.000Z');
const at = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

const SEGMENT_FIELDS = `key name description definition builtIn refreshedAt size`;

describe('segments: definitions, members, explanations', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const globalId = (name: string) => Buffer.from(`Customer:${ids[name]}`).toString('base64url');

  beforeAll(async () => {
    // The resolver path: its batching serves every query the compiled reads decline (compiled-reads.api.test.ts
    // covers the one-statement path).
    t = await createTestApp({ compiledReads: false });
    const ds = t.db.dataSource;
    // Rich: 50 000.00 and busy. Quiet: an open account, last payment 100 days ago. Saver: 2 000.00, busy, mobile.
    ids.Rich = await createCustomer(ds, { fullName: 'Rich', city: 'Beijing' });
    const rich = await createAccount(ds, ids.Rich, { balance: '50000.00' });
    await createTransactions(ds, ids.Rich, rich, 3, (i) => ({ bookedAt: daysBefore(NOW, i + 1) }));
    ids.Quiet = await createCustomer(ds, { fullName: 'Quiet', city: 'Chengdu' });
    const quiet = await createAccount(ds, ids.Quiet, { balance: '300.00' });
    await createTransactions(ds, ids.Quiet, quiet, 1, () => ({ bookedAt: daysBefore(NOW, 100) }));
    ids.Saver = await createCustomer(ds, { fullName: 'Saver', city: 'Chengdu' });
    const saver = await createAccount(ds, ids.Saver, { balance: '2000.00' });
    await createTransactions(ds, ids.Saver, saver, 2, (i) => ({ bookedAt: daysBefore(NOW, i + 3) }));
    await enrolMobile(ds, ids.Saver, '2024-01-01T00:00:00Z', null);
    await createStandingOrder(ds, ids.Saver, saver, 'LOAN_REPAYMENT'); // a loan at another bank
    const refreshed = await t.gql(`mutation ($now: DateTime) { refreshSegments(now: $now) { entered } }`, { now: NOW.toISOString() });
    expect(refreshed.body.errors).toBeUndefined();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function ok(query: string, variables?: Record<string, unknown>) {
    const res = await t.gql(query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!;
  }

  async function error(query: string, variables?: Record<string, unknown>) {
    const res = await t.gql(query, variables);
    expect(res.body.errors).toBeDefined();
    return res.body.errors![0];
  }

  const CREATE = `mutation ($input: CreateSegmentInput!, $now: DateTime) { createSegment(input: $input, now: $now) { ${SEGMENT_FIELDS} } }`;
  const UPDATE = `mutation ($key: String!, $input: UpdateSegmentInput!, $now: DateTime) { updateSegment(key: $key, input: $input, now: $now) { ${SEGMENT_FIELDS} } }`;
  const DELETE = `mutation ($key: String!) { deleteSegment(key: $key) }`;

  it('lists the built-ins, refreshed, with their definitions', async () => {
    const { segments } = await ok(`{ segments { ${SEGMENT_FIELDS} } }`);
    const keys = segments.filter((s: any) => s.builtIn).map((s: any) => s.key);
    expect(keys).toEqual(
      expect.arrayContaining(['head', 'long-tail', 'dormant', 'churn-risk', 'mobile-inactive', 'not-mobile-enrolled', 'third-party-leakage', 'micro-loan-candidate', 'young-co-brand-prospect', 'no-contact-90d', 'over-contacted', 'loan-elsewhere']),
    );
    const dormant = segments.find((s: any) => s.key === 'dormant');
    expect(dormant.definition).toEqual({ accountCount: { _gt: 0 }, activity: { kind: 'ANY', withinDays: 180, count: { _eq: 0 } } });
    expect(dormant.refreshedAt).toBe(NOW.toISOString());
    const byKey = Object.fromEntries(segments.map((s: any) => [s.key, s.size]));
    expect(byKey['not-mobile-enrolled']).toBe(2);
    expect(byKey['mobile-inactive']).toBe(1);
  });

  it('creates a segment, computes its members at once and pages them', async () => {
    const { createSegment } = await ok(CREATE, {
      input: { key: 'chengdu-active', name: 'Active in Chengdu', description: 'Chengdu, active in 180 days', filter: { city: { _eq: 'Chengdu' }, activity: { withinDays: 180 } } },
      now: NOW.toISOString(),
    });
    expect(createSegment).toMatchObject({ key: 'chengdu-active', builtIn: false, size: 2, refreshedAt: NOW.toISOString() });
    expect(createSegment.definition).toEqual({ city: { _eq: 'Chengdu' }, activity: { kind: 'ANY', withinDays: 180 } });

    const page = `query ($after: String) { segment(key: "chengdu-active") { members(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { since node { fullName } } } } }`;
    const first = (await ok(page)).segment.members;
    expect(first.totalCount).toBe(2);
    expect(first.edges).toEqual([{ since: NOW.toISOString(), node: { fullName: 'Quiet' } }]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await ok(page, { after: first.pageInfo.endCursor })).segment.members;
    expect(second.edges.map((e: any) => e.node.fullName)).toEqual(['Saver']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('filters customers by segment membership, also inside other segments', async () => {
    const { customers } = await ok(`{ customers(filter: { segment: { _in: ["chengdu-active"] }, _not: { segment: { _eq: "not-mobile-enrolled" } } }) { edges { node { fullName } } } }`);
    expect(customers.edges.map((e: any) => e.node.fullName)).toEqual(['Saver']);
    const names = async (filter: unknown) =>
      (await ok(`query ($f: CustomerFilter) { customers(filter: $f) { edges { node { fullName } } } }`, { f: filter })).customers.edges.map((e: any) => e.node.fullName);
    expect(await names({ segment: { _nin: ['chengdu-active'] } })).toEqual(['Rich']);
    expect(await names({ segment: { _neq: 'not-mobile-enrolled' } })).toEqual(['Saver']);
    expect(await names({ segment: { _eq: 'no-such-segment' } })).toEqual([]);
    const { createSegment } = await ok(CREATE, {
      input: { key: 'chengdu-rich', name: 'Chengdu, 1000+', filter: { segment: { _eq: 'chengdu-active' }, totalBalance: { _gt: '1000' } } },
      now: NOW.toISOString(),
    });
    expect(createSegment.size).toBe(1);
  });

  it('updates a definition and recomputes members; a rename keeps them', async () => {
    const { updateSegment } = await ok(UPDATE, { key: 'chengdu-rich', input: { filter: { segment: { _eq: 'chengdu-active' }, totalBalance: { _gt: '100' } } }, now: NOW.toISOString() });
    expect(updateSegment.size).toBe(2);
    const renamed = (await ok(UPDATE, { key: 'chengdu-rich', input: { name: 'Chengdu, 100+' } })).updateSegment;
    expect(renamed).toMatchObject({ name: 'Chengdu, 100+', size: 2 });
  });

  it.each([
    [{ key: 'Bad Key', name: 'x', filter: {} }, 'BAD_USER_INPUT', 'input.key'],
    [{ key: 'x', name: ' ', filter: {} }, 'BAD_USER_INPUT', 'input.name'],
    [{ key: 'x', name: 'x', filter: { _and: [{}, { activity: { withinDays: -3 } }] } }, 'BAD_USER_INPUT', 'input.filter._and[1].activity.withinDays'],
    [{ key: 'x', name: 'x', filter: { _or: [{ segment: { _eq: 'no-such-segment' } }] } }, 'BAD_USER_INPUT', 'input.filter._or[0].segment'],
    [{ key: 'x', name: 'x', filter: { segment: { _eq: 'x' } } }, 'BAD_USER_INPUT', 'input.filter.segment'],
    [{ key: 'dormant', name: 'mine', filter: {} }, 'CONFLICT', 'input.key'],
    [{ key: 'chengdu-active', name: 'again', filter: {} }, 'CONFLICT', 'input.key'],
  ])('refuses to create %j', async (input, code, field) => {
    const e = await error(CREATE, { input });
    expect(e.extensions).toMatchObject({ code, field });
  });

  it('refuses a definition that would make segments depend on each other', async () => {
    const e = await error(UPDATE, { key: 'chengdu-active', input: { filter: { segment: { _eq: 'chengdu-rich' } } } });
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.filter.segment' });
    expect(e.message).toMatch(/chengdu-active -> chengdu-rich -> chengdu-active|chengdu-rich -> chengdu-active -> chengdu-rich/);
  });

  it('protects built-ins and segments others depend on', async () => {
    const del = await error(DELETE, { key: 'dormant' });
    expect(del.extensions!.code).toBe('FORBIDDEN');
    expect(del.message).toMatch(/built-in/);
    const upd = await error(UPDATE, { key: 'head', input: { name: 'mine' } });
    expect(upd.extensions!.code).toBe('FORBIDDEN');
    const used = await error(DELETE, { key: 'chengdu-active' });
    expect(used.extensions).toMatchObject({ code: 'CONFLICT', usedBy: ['chengdu-rich'] });
    expect((await error(DELETE, { key: 'nope' })).extensions!.code).toBe('NOT_FOUND');
    expect(await ok(DELETE, { key: 'chengdu-rich' })).toEqual({ deleteSegment: true });
    expect((await ok(`{ segment(key: "chengdu-rich") { key } }`)).segment).toBeNull();
  });

  it('lists a customer’s segments with one statement for any number of customers', async () => {
    const query = `query ($first: Int) { customers(first: $first) { edges { node { fullName segments { since segment { key name } } } } } }`;
    const run = async (first: number) => {
      const { result, statements } = await t.db.queryCounter.record(() => t.gql(query, { first }));
      expect(result.body.errors).toBeUndefined();
      return { data: result.body.data!, statements };
    };
    const one = await run(1);
    const all = await run(50);
    expect(all.statements.length).toBe(one.statements.length);
    expect(all.statements).toHaveLength(2);
    const quiet = all.data.customers.edges.find((e: any) => e.node.fullName === 'Quiet').node;

    // With each customer's history and its segments: one more statement per level, still constant.
    const withHistory = `query ($first: Int) { customers(first: $first) { edges { node {
      segments { segment { key } } segmentHistory(first: 5) { totalCount edges { node { kind at segment { key } } } } } } } }`;
    const few = await t.db.queryCounter.record(() => t.gql(withHistory, { first: 1 }));
    const many = await t.db.queryCounter.record(() => t.gql(withHistory, { first: 50 }));
    expect(many.result.body.errors).toBeUndefined();
    // customers, memberships, history pages, history counts, segments of the transitions
    expect(many.statements).toHaveLength(5);
    expect(few.statements.length).toBe(many.statements.length);
    const history = many.result.body.data!.customers.edges.find((e: any) => e.node.segments.length > 0).node.segmentHistory;
    expect(history.totalCount).toBeGreaterThan(0);
    expect(history.edges[0].node.kind).toBe('ENTER');
    expect(quiet.segments.map((m: any) => m.segment.key)).toEqual(['chengdu-active', 'churn-risk', 'long-tail', 'no-contact-90d', 'not-mobile-enrolled']);
    expect(quiet.segments[0].since).toBe(NOW.toISOString());
  });

  it('explains which conditions held, with the customer’s values', async () => {
    const query = `query ($id: ID!, $key: String!, $now: DateTime) { explainMembership(customerId: $id, segmentKey: $key, now: $now) {
      matches member since asOf customer { fullName } segment { key } conditions { path kind field condition held actual } } }`;
    const later = at(81);
    const { explainMembership: e } = await ok(query, { id: globalId('Quiet'), key: 'dormant', now: later });
    expect(e).toMatchObject({ matches: true, member: false, since: null, asOf: later, customer: { fullName: 'Quiet' }, segment: { key: 'dormant' } });
    // In the stored definition's order (jsonb keeps keys by length, then alphabetically).
    expect(e.conditions).toEqual([
      { path: 'definition', kind: 'ALL_OF', field: null, condition: null, held: true, actual: null },
      { path: 'definition.activity', kind: 'CONDITION', field: 'activity', condition: { kind: 'ANY', withinDays: 180, count: { _eq: 0 } }, held: true, actual: { count: 0 } },
      { path: 'definition.accountCount', kind: 'CONDITION', field: 'accountCount', condition: { _gt: 0 }, held: true, actual: 1 },
    ]);
    const now = (await ok(query, { id: globalId('Quiet'), key: 'dormant', now: NOW.toISOString() })).explainMembership;
    expect(now.matches).toBe(false);
    expect(now.conditions[1]).toMatchObject({ held: false, actual: { count: 1 } });

    const nested = (await ok(query, { id: globalId('Saver'), key: 'micro-loan-candidate', now: NOW.toISOString() })).explainMembership;
    expect(nested.conditions.map((c: any) => [c.path, c.kind, c.held])).toEqual([
      ['definition', 'ALL_OF', false],
      ['definition._not', 'NOT', true],
      ['definition._not._or', 'ANY_OF', false],
      ['definition._not._or[0]', 'ALL_OF', false],
      ['definition._not._or[0].hasProductType', 'CONDITION', false],
      ['definition._not._or[1]', 'ALL_OF', false],
      ['definition._not._or[1].hasLoanStatus', 'CONDITION', false],
      ['definition.activity', 'CONDITION', false],
    ]);
    expect(nested.conditions[7].actual).toEqual({ count: 0, amount: '0', activePeriods: 0 });
    expect(nested.conditions[4].actual).toEqual(['CURRENT']);
    expect(nested.conditions[6].actual).toEqual([]);
  });

  it('explains loan-elsewhere with the purposes of the customer\'s running standing orders', async () => {
    const query = `query ($id: ID!) { explainMembership(customerId: $id, segmentKey: "loan-elsewhere") { matches member conditions { path held actual } } }`;
    const { explainMembership: e } = await ok(query, { id: globalId('Saver') });
    expect(e).toMatchObject({ matches: true, member: true });
    expect(e.conditions.find((c: any) => c.path === 'definition.hasStandingOrderPurpose')).toEqual({
      path: 'definition.hasStandingOrderPurpose',
      held: true,
      actual: ['LOAN_REPAYMENT'],
    });
    const quiet = (await ok(query, { id: globalId('Quiet') })).explainMembership;
    expect(quiet.matches).toBe(false);
    expect(quiet.conditions.find((c: any) => c.path === 'definition.hasStandingOrderPurpose')).toMatchObject({ held: false, actual: [] });
  });

  it('says since when the customer is a member', async () => {
    const { explainMembership } = await ok(
      `query ($id: ID!) { explainMembership(customerId: $id, segmentKey: "chengdu-active", now: "${NOW.toISOString()}") { matches member since conditions { path held actual } } }`,
      { id: globalId('Quiet') },
    );
    expect(explainMembership).toMatchObject({ matches: true, member: true, since: NOW.toISOString() });
    expect(explainMembership.conditions.find((c: any) => c.path === 'definition.city')).toEqual({ path: 'definition.city', held: true, actual: 'Chengdu' });
  });

  it('answers explainMembership errors with codes', async () => {
    const query = `query ($id: ID!, $key: String!) { explainMembership(customerId: $id, segmentKey: $key) { matches } }`;
    expect((await error(query, { id: globalId('Quiet'), key: 'nope' })).extensions!.code).toBe('NOT_FOUND');
    expect((await error(query, { id: 'garbage', key: 'dormant' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerId' });
    const missing = Buffer.from('Customer:999999').toString('base64url');
    expect((await error(query, { id: missing, key: 'dormant' })).extensions!.code).toBe('NOT_FOUND');
  });
});
