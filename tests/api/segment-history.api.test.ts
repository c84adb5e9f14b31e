import { createAccount, createCustomer, createTransactions } from '../factories/bank.factory';
import { daysBefore } from '../factories/segment.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

/**
 * Tracking over time: refreshes at a moving clock record entries and exits; an interrupted refresh leaves
 * the previous memberships, history and refresh times exactly as they were.
 */
const NOW = new Date('2025-06-30T12:00:00.000Z');
const at = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

describe('segment history across refreshes', () => {
  let t: TestApp;
  let quiet: string;
  let quietAccount: string;
  const gid = (id: string) => Buffer.from(`Customer:${id}`).toString('base64url');

  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    // Last payment 100 days before NOW: dormant from NOW + 80 days (180 days without activity).
    quiet = await createCustomer(ds, { fullName: 'Quiet' });
    quietAccount = await createAccount(ds, quiet, { balance: '300.00' });
    await createTransactions(ds, quiet, quietAccount, 1, () => ({ bookedAt: daysBefore(NOW, 100) }));
    const busy = await createCustomer(ds, { fullName: 'Busy' });
    const busyAccount = await createAccount(ds, busy, { balance: '900.00' });
    await createTransactions(ds, busy, busyAccount, 40, (i) => ({ bookedAt: daysBefore(NOW, -i * 7) }));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function ok(query: string, variables?: Record<string, unknown>) {
    const res = await t.gql(query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!;
  }

  const REFRESH = `mutation ($now: DateTime) { refreshSegments(now: $now) { refreshId asOf entered exited segments { key size entered exited } } }`;
  const refresh = async (now: string) => (await ok(REFRESH, { now })).refreshSegments;
  const dormantCount = (r: any) => r.segments.find((s: any) => s.key === 'dormant');

  it('moves a customer in and out of a relative-date segment when only the clock moves', async () => {
    const first = await refresh(NOW.toISOString());
    expect(dormantCount(first)).toEqual({ key: 'dormant', size: 0, entered: 0, exited: 0 });
    expect(first.asOf).toBe(NOW.toISOString());

    // Same data, clock almost 80 days on: a minute short of 180 days of silence.
    expect(dormantCount(await refresh(new Date(Date.parse(at(80)) - 60_000).toISOString()))).toMatchObject({ size: 0, entered: 0 });
    // 80 days on: the payment is exactly 180 days old and has left the window (now - 180 days, now].
    expect(dormantCount(await refresh(at(80)))).toEqual({ key: 'dormant', size: 1, entered: 1, exited: 0 });
    // Nothing changes: no new transitions.
    expect(dormantCount(await refresh(at(150)))).toEqual({ key: 'dormant', size: 1, entered: 0, exited: 0 });
    // The customer pays again; the next refresh sees it.
    await createTransactions(t.db.dataSource, quiet, quietAccount, 1, () => ({ bookedAt: at(190) }));
    expect(dormantCount(await refresh(at(200)))).toEqual({ key: 'dormant', size: 0, entered: 0, exited: 1 });
  });

  it('shows the customer’s history newest first and the segment’s transitions in a time range', async () => {
    const { customer } = await ok(
      `query ($id: ID!) { customer(id: $id) { segmentHistory(first: 50) { totalCount edges { node { kind at segment { key } customer { fullName } } } } } }`,
      { id: gid(quiet) },
    );
    const dormant = customer.segmentHistory.edges.map((e: any) => e.node).filter((n: any) => n.segment.key === 'dormant');
    expect(dormant).toEqual([
      { kind: 'EXIT', at: at(200), segment: { key: 'dormant' }, customer: { fullName: 'Quiet' } },
      { kind: 'ENTER', at: at(80), segment: { key: 'dormant' }, customer: { fullName: 'Quiet' } },
    ]);
    expect(customer.segmentHistory.totalCount).toBe(customer.segmentHistory.edges.length);

    const transitions = `query ($from: DateTime, $to: DateTime) { segment(key: "dormant") { transitions(from: $from, to: $to, first: 10) { totalCount edges { node { kind at customer { fullName } } } } } }`;
    const all = (await ok(transitions)).segment.transitions;
    expect(all.edges.map((e: any) => [e.node.kind, e.node.at])).toEqual([
      ['ENTER', at(80)],
      ['EXIT', at(200)],
    ]);
    const window = (await ok(transitions, { from: at(80), to: at(200) })).segment.transitions;
    expect(window.totalCount).toBe(1);
    expect(window.edges[0].node).toEqual({ kind: 'ENTER', at: at(80), customer: { fullName: 'Quiet' } });
    const bad = await t.gql(transitions, { from: at(200), to: at(80) });
    expect(bad.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('keeps the current membership’s since at the refresh that let the customer in', async () => {
    await refresh(at(400));
    const { customer } = await ok(`query ($id: ID!) { customer(id: $id) { segments { since segment { key } } } }`, { id: gid(quiet) });
    const dormant = customer.segments.find((m: any) => m.segment.key === 'dormant');
    expect(dormant.since).toBe(at(400));
  });

  it('leaves everything as it was when a refresh fails half-way', async () => {
    const ds = t.db.dataSource;
    // A segment refreshed after the built-ins, and a newcomer every segment of "everyone" would take in.
    const created = await ok(`mutation { createSegment(input: { key: "everyone", name: "Everyone", filter: {} }) { size } }`);
    expect(created.createSegment.size).toBe(2);
    await createCustomer(ds, { fullName: 'Newcomer' });
    // The database refuses the newcomer's row for "everyone" only, after the built-ins were recomputed
    // (long-tail and not-mobile-enrolled take the newcomer in before it).
    await ds.query(`CREATE FUNCTION refuse_everyone() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.segment_id = (SELECT id FROM segment WHERE key = 'everyone') THEN RAISE EXCEPTION 'refused for the test'; END IF;
        RETURN NEW;
      END $$`);
    await ds.query(`CREATE TRIGGER refuse_everyone BEFORE INSERT ON segment_membership FOR EACH ROW EXECUTE FUNCTION refuse_everyone()`);

    const snapshot = async () => ({
      memberships: await ds.query(`SELECT customer_id, segment_id, since, refresh_id FROM segment_membership ORDER BY 1, 2`),
      transitions: await ds.query(`SELECT count(*)::int AS n, max(id) AS last FROM segment_transition`),
      refreshes: await ds.query(`SELECT id, as_of, finished_at FROM segment_refresh ORDER BY id`),
      segments: await ds.query(`SELECT key, refreshed_at FROM segment ORDER BY key`),
    });
    const before = await snapshot();
    const res = await t.gql(REFRESH, { now: at(500) });
    expect(res.body.errors![0].extensions!.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await snapshot()).toEqual(before);

    // Once the cause is gone the same refresh goes through and takes the newcomer in everywhere.
    await ds.query(`DROP TRIGGER refuse_everyone ON segment_membership`);
    const done = await refresh(at(500));
    expect(done.segments.find((s: any) => s.key === 'everyone')).toMatchObject({ size: 3, entered: 1 });
    expect(done.segments.find((s: any) => s.key === 'not-mobile-enrolled')).toMatchObject({ size: 3, entered: 1 });
  });

  it('refuses to refresh at all when a stored definition no longer validates', async () => {
    const ds = t.db.dataSource;
    await ds.query(`UPDATE segment SET definition = '{"activity": {"withinDays": 0}}' WHERE key = 'everyone'`);
    const before = await ds.query(`SELECT count(*)::int AS n FROM segment_refresh`);
    const res = await t.gql(REFRESH, { now: at(600) });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'CONFLICT', segment: 'everyone', field: 'definition.activity.withinDays' });
    expect(await ds.query(`SELECT count(*)::int AS n FROM segment_refresh`)).toEqual(before);
  });
});
