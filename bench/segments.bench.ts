// Times the filter language and the segment refresh against the same queries written by hand, on an
// already-seeded database (`fattail seed --customers 100000`). It rewrites segment memberships and their
// history (every round starts from none), so point it at a bench database. Standalone:
//   npm run build && DATABASE_URL=postgresql://... node dist/bench/segments.bench.js [--rounds 3]
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { toPage } from '../src/common/pagination';
import { migrate, openDatabase } from '../src/database/database';
import { SqlParams } from '../src/database/sql';
import { CustomerRepository } from '../src/modules/customer/customer.repository';
import { compileCustomerFilter } from '../src/modules/customer/filter/customer-filter.compiler';
import { BUILT_IN_SEGMENTS } from '../src/modules/segment/built-in-segments';
import { SegmentRefreshService } from '../src/modules/segment/segment-refresh.service';
import { SegmentRepository } from '../src/modules/segment/segment.repository';

export interface SegmentBenchOptions {
  /** Timed runs of each side; the median is reported. Default 3. */
  rounds?: number;
  /** The clock for relative windows. Default: now. */
  now?: Date;
}

export interface TimedPair {
  serviceMs: number;
  handMs: number;
  /** serviceMs / handMs: the target is at most 1.5. */
  ratio: number;
}

export interface SegmentBenchResult {
  customers: number;
  rounds: number;
  now: string;
  filter: {
    definition: unknown;
    matched: number;
    count: TimedPair;
    firstPage: TimedPair;
  };
  /** Every built-in recomputed from no memberships (all entries written), one transaction per refresh. */
  refresh: TimedPair & { segments: number; memberships: number; perSegmentHandMs: Record<string, number> };
  /** The same refresh again at the same clock: nothing changes, as in most scheduled runs. */
  steadyRefresh: TimedPair;
  /** Selecting each built-in's members without writing (SELECT count(*)), compiled against hand-written. */
  compute: TimedPair & { perSegment: Record<string, TimedPair> };
  /** Flat copies for harness tables. */
  filterCountRatio: number;
  filterPageRatio: number;
  refreshRatio: number;
  steadyRefreshRatio: number;
  computeRatio: number;
  /** Segments whose hand-written and compiled members differ (should be empty). */
  mismatches: string[];
}

/** Three conditions, one of them a behavioural window. */
export const BENCH_FILTER = {
  age: { _gte: 25, _lt: 45 },
  incomeBand: { _in: ['MIDDLE', 'UPPER_MIDDLE', 'HIGH'] },
  activity: { kind: 'TRANSACTION', withinDays: 90, count: { _gte: 5 } },
};

/** The same filter as a DBA would write it: grouped transactions joined to the customers. */
function handFilterSql(select: string, tail: string): string {
  return `SELECT ${select}
            FROM customer c
            JOIN (SELECT t.customer_id FROM bank_transaction t
                   WHERE t.booked_at > $1::timestamptz - interval '90 days' AND t.booked_at <= $1::timestamptz
                   GROUP BY t.customer_id HAVING count(*) >= 5) busy ON busy.customer_id = c.id
           WHERE c.income_band IN ('MIDDLE', 'UPPER_MIDDLE', 'HIGH')
             AND c.birth_date <= ($1::timestamptz)::date - interval '25 years'
             AND c.birth_date > ($1::timestamptz)::date - interval '45 years'
           ${tail}`;
}

/** Each built-in written by hand, set-wise: $1 is now. */
export const HAND_BUILT_INS: Record<string, string> = {
  head: `SELECT id FROM (
           SELECT c.id, rank() OVER (ORDER BY COALESCE(b.total, 0)) - 1 AS below, count(*) OVER () AS n
             FROM customer c
             LEFT JOIN (SELECT customer_id, sum(balance) AS total FROM account WHERE status <> 'CLOSED' GROUP BY customer_id) b ON b.customer_id = c.id) r
          WHERE below >= 0.95 * n`,
  'long-tail': `SELECT id FROM (
           SELECT c.id, rank() OVER (ORDER BY COALESCE(b.total, 0)) - 1 AS below, count(*) OVER () AS n
             FROM customer c
             LEFT JOIN (SELECT customer_id, sum(balance) AS total FROM account WHERE status <> 'CLOSED' GROUP BY customer_id) b ON b.customer_id = c.id) r
          WHERE below < 0.95 * n`,
  dormant: `SELECT c.id FROM customer c
             WHERE EXISTS (SELECT 1 FROM account a WHERE a.customer_id = c.id AND a.status <> 'CLOSED')
               AND NOT EXISTS (SELECT 1 FROM bank_transaction t WHERE t.customer_id = c.id AND t.booked_at > $1::timestamptz - interval '180 days' AND t.booked_at <= $1)
               AND NOT EXISTS (SELECT 1 FROM mobile_session s WHERE s.customer_id = c.id AND s.started_at > $1::timestamptz - interval '180 days' AND s.started_at <= $1)
               AND NOT EXISTS (SELECT 1 FROM partner_purchase p WHERE p.customer_id = c.id AND p.purchased_at > $1::timestamptz - interval '180 days' AND p.purchased_at <= $1)`,
  'churn-risk': `SELECT customer_id FROM (
             SELECT customer_id, booked_at AS at FROM bank_transaction WHERE booked_at > $1::timestamptz - interval '180 days' AND booked_at <= $1
             UNION ALL SELECT customer_id, started_at FROM mobile_session WHERE started_at > $1::timestamptz - interval '180 days' AND started_at <= $1
             UNION ALL SELECT customer_id, purchased_at FROM partner_purchase WHERE purchased_at > $1::timestamptz - interval '180 days' AND purchased_at <= $1) e
           GROUP BY customer_id
          HAVING count(*) FILTER (WHERE at <= $1::timestamptz - interval '90 days') > 0
             AND count(*) FILTER (WHERE at > $1::timestamptz - interval '90 days') < 0.5 * count(*) FILTER (WHERE at <= $1::timestamptz - interval '90 days')`,
  'mobile-inactive': `SELECT customer_id FROM mobile_enrolment WHERE enrolled_at <= $1 AND (activated_at IS NULL OR activated_at > $1)`,
  'not-mobile-enrolled': `SELECT c.id FROM customer c WHERE NOT EXISTS (SELECT 1 FROM mobile_enrolment e WHERE e.customer_id = c.id AND e.enrolled_at <= $1)`,
  'third-party-leakage': `SELECT customer_id FROM bank_transaction
           WHERE amount < 0 AND booked_at > $1::timestamptz - interval '90 days' AND booked_at <= $1
           GROUP BY customer_id HAVING count(*) FILTER (WHERE counterparty_kind = 'THIRD_PARTY_PLATFORM') > 0.3 * count(*)`,
  'micro-loan-candidate': `SELECT customer_id FROM bank_transaction
           WHERE amount > 0 AND counterparty_kind IN ('OTHER_BANK', 'OWN_BANK', 'GOVERNMENT', 'CASH')
             AND booked_at > $1::timestamptz - interval '90 days' AND booked_at <= $1
           GROUP BY customer_id HAVING count(DISTINCT floor(extract(epoch FROM ($1::timestamptz - booked_at)) / 2592000)) >= 3
          EXCEPT SELECT customer_id FROM account WHERE product_type = 'LOAN' AND status <> 'CLOSED'
          EXCEPT SELECT customer_id FROM loan WHERE status IN ('ACTIVE', 'IN_ARREARS', 'DEFAULTED')`,
  'young-co-brand-prospect': `SELECT c.id FROM customer c
           WHERE c.birth_date <= ($1::timestamptz)::date - interval '18 years' AND c.birth_date > ($1::timestamptz)::date - interval '31 years'
             AND EXISTS (SELECT 1 FROM partner_purchase p WHERE p.customer_id = c.id AND p.purchased_at > $1::timestamptz - interval '365 days' AND p.purchased_at <= $1)`,
  'no-contact-90d': `SELECT c.id FROM customer c
           WHERE NOT EXISTS (SELECT 1 FROM interaction i WHERE i.customer_id = c.id AND i.occurred_at > $1::timestamptz - interval '90 days' AND i.occurred_at <= $1)`,
  'over-contacted': `SELECT customer_id FROM interaction
           WHERE kind = 'MARKETING_CONTACT' AND occurred_at > $1::timestamptz - interval '30 days' AND occurred_at <= $1
           GROUP BY customer_id HAVING count(*) > 2`,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** The hand-written refresh: the same writes as the service (diff, transitions, one transaction). */
async function handRefresh(ds: DataSource, now: Date, perSegment: Record<string, number[]>): Promise<void> {
  await ds.transaction(async (m) => {
    const [{ id: refreshId }] = await m.query(`INSERT INTO segment_refresh (as_of) VALUES ($1) RETURNING id`, [now.toISOString()]);
    const ids: { id: string; key: string }[] = await m.query(`SELECT id, key FROM segment WHERE built_in ORDER BY id`);
    for (const { id, key } of ids) {
      const started = performance.now();
      await m.query(
        `WITH target(id) AS MATERIALIZED (${HAND_BUILT_INS[key]}),
         exited AS (DELETE FROM segment_membership m
                     WHERE m.segment_id = $2 AND NOT EXISTS (SELECT 1 FROM target t WHERE t.id = m.customer_id) RETURNING m.customer_id),
         entered AS (INSERT INTO segment_membership (customer_id, segment_id, since, refresh_id)
                     SELECT t.id, $2, $1, $3 FROM target t
                      WHERE NOT EXISTS (SELECT 1 FROM segment_membership m WHERE m.segment_id = $2 AND m.customer_id = t.id) RETURNING customer_id),
         logged AS (INSERT INTO segment_transition (customer_id, segment_id, kind, at, refresh_id)
                    SELECT customer_id, $2, 'EXIT', $1, $3 FROM exited UNION ALL SELECT customer_id, $2, 'ENTER', $1, $3 FROM entered)
         UPDATE segment SET refreshed_at = $1 WHERE id = $2`,
        [now.toISOString(), id, refreshId],
      );
      (perSegment[key] ??= []).push(performance.now() - started);
    }
  });
}

async function resetMemberships(ds: DataSource): Promise<void> {
  await ds.query(`TRUNCATE segment_membership, segment_transition`);
  await ds.query(`DELETE FROM segment_refresh`);
  await ds.query(`VACUUM ANALYZE segment_membership`);
}

async function benchOn(ds: DataSource, options: SegmentBenchOptions): Promise<SegmentBenchResult> {
  const rounds = options.rounds ?? 3;
  const now = options.now ?? new Date();
  const [{ n: customers }] = await ds.query(`SELECT count(*)::int AS n FROM customer`);
  if (customers === 0) throw new Error('the database has no customers; seed it first (fattail seed --customers 100000)');
  await ds.query('ANALYZE');

  // The filter: the statements CustomerService.list issues (it adds no SQL of its own), against the hand query.
  const customerRepo = new CustomerRepository(ds);
  const page = toPage({ first: 20 });
  const serviceCount: number[] = [];
  const handCount: number[] = [];
  const servicePage: number[] = [];
  const handPage: number[] = [];
  let matched = 0;
  for (let round = -1; round < rounds; round++) {
    // Round -1 warms the caches and is not counted; the sides alternate so neither always runs cold.
    const c1 = await time(() => customerRepo.count(BENCH_FILTER, now));
    const c2 = await time(() => ds.query(handFilterSql('count(*)::int AS n', ''), [now.toISOString()]));
    const p1 = await time(() => customerRepo.findPage(BENCH_FILTER, now, 'ID', false, page));
    const p2 = await time(() => ds.query(handFilterSql('c.*', 'ORDER BY c.id LIMIT 21'), [now.toISOString()]));
    if (c1.value !== c2.value[0].n) throw new Error(`the filter counts disagree: compiled ${c1.value}, hand-written ${c2.value[0].n}`);
    matched = c1.value;
    if (round < 0) continue;
    serviceCount.push(c1.ms);
    handCount.push(c2.ms);
    servicePage.push(p1.ms);
    handPage.push(p2.ms);
  }

  // The refresh of every built-in, from no memberships each time, service and hand-written in turn.
  const userSegments: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM segment WHERE NOT built_in`);
  if (userSegments[0].n > 0) throw new Error('the bench refreshes built-ins only; the database has analysts’ segments');
  const refresher = new SegmentRefreshService(new SegmentRepository(ds));
  const serviceRefresh: number[] = [];
  const handRefreshMs: number[] = [];
  const perSegmentWrite: Record<string, number[]> = {};
  const mismatches = new Set<string>();
  let memberships = 0;
  for (let round = 0; round < rounds; round++) {
    await resetMemberships(ds);
    const s = await time(() => refresher.refreshAll({ now }));
    serviceRefresh.push(s.ms);
    const compiled: { key: string; ids: string[] }[] = await ds.query(
      `SELECT s.key, array_agg(m.customer_id ORDER BY m.customer_id)::text[] AS ids FROM segment_membership m JOIN segment s ON s.id = m.segment_id GROUP BY s.key`,
    );
    memberships = compiled.reduce((n, r) => n + r.ids.length, 0);
    await resetMemberships(ds);
    const h = await time(() => handRefresh(ds, now, perSegmentWrite));
    handRefreshMs.push(h.ms);
    const hand: { key: string; ids: string[] }[] = await ds.query(
      `SELECT s.key, array_agg(m.customer_id ORDER BY m.customer_id)::text[] AS ids FROM segment_membership m JOIN segment s ON s.id = m.segment_id GROUP BY s.key`,
    );
    const byKey = new Map(hand.map((r) => [r.key, r.ids.join(',')] as const));
    for (const r of compiled) if (byKey.get(r.key) !== r.ids.join(',')) mismatches.add(r.key);
    for (const r of hand) if (!compiled.some((c) => c.key === r.key)) mismatches.add(r.key);
  }
  // Steady state: refresh again with nothing to change, hand-written and service in turn.
  const steadyService: number[] = [];
  const steadyHand: number[] = [];
  for (let round = 0; round < rounds; round++) {
    steadyHand.push((await time(() => handRefresh(ds, now, {}))).ms);
    steadyService.push((await time(() => refresher.refreshAll({ now }))).ms);
  }

  // Selecting the members only, built-in by built-in.
  const perSegmentCompute: Record<string, { service: number[]; hand: number[] }> = {};
  for (let round = 0; round < rounds; round++) {
    for (const segment of BUILT_IN_SEGMENTS) {
      const params = new SqlParams();
      const where = compileCustomerFilter(segment.definition, params, { now });
      const hand = HAND_BUILT_INS[segment.key];
      const h = await time(() => ds.query(`SELECT count(*)::int AS n FROM (${hand}) x`, hand.includes('$1') ? [now.toISOString()] : []));
      const c = await time(() => ds.query(`SELECT count(*)::int AS n FROM customer c WHERE ${where}`, params.values));
      if (c.value[0].n !== h.value[0].n) mismatches.add(segment.key);
      const entry = (perSegmentCompute[segment.key] ??= { service: [], hand: [] });
      entry.service.push(c.ms);
      entry.hand.push(h.ms);
    }
  }

  const pair = (service: number[], hand: number[]): TimedPair => {
    const serviceMs = median(service);
    const handMs = median(hand);
    return { serviceMs: Math.round(serviceMs * 10) / 10, handMs: Math.round(handMs * 10) / 10, ratio: Math.round((serviceMs / handMs) * 100) / 100 };
  };
  const count = pair(serviceCount, handCount);
  const firstPage = pair(servicePage, handPage);
  const refresh = pair(serviceRefresh, handRefreshMs);
  const steadyRefresh = pair(steadyService, steadyHand);
  const perSegment = Object.fromEntries(Object.entries(perSegmentCompute).map(([key, v]) => [key, pair(v.service, v.hand)]));
  const computeTotals = pair(
    [Object.values(perSegment).reduce((n, p) => n + p.serviceMs, 0)],
    [Object.values(perSegment).reduce((n, p) => n + p.handMs, 0)],
  );
  return {
    customers,
    rounds,
    now: now.toISOString(),
    filter: { definition: BENCH_FILTER, matched, count, firstPage },
    refresh: {
      ...refresh,
      segments: BUILT_IN_SEGMENTS.length,
      memberships,
      perSegmentHandMs: Object.fromEntries(Object.entries(perSegmentWrite).map(([k, v]) => [k, Math.round(median(v))])),
    },
    steadyRefresh,
    compute: { ...computeTotals, perSegment },
    filterCountRatio: count.ratio,
    filterPageRatio: firstPage.ratio,
    refreshRatio: refresh.ratio,
    steadyRefreshRatio: steadyRefresh.ratio,
    computeRatio: computeTotals.ratio,
    mismatches: [...mismatches].sort(),
  };
}

/** On the PostgreSQL at databaseUrl (migrated and seeded). */
export async function runSegmentBench(databaseUrl: string, options: SegmentBenchOptions = {}): Promise<SegmentBenchResult> {
  const db = await openDatabase({ databaseUrl, poolSize: 2, applicationName: 'fattail-bench-segments' });
  try {
    await migrate(db.dataSource);
    return await benchOn(db.dataSource, options);
  } finally {
    await db.close();
  }
}

/** The bench harness's entry (bench/others.ts). */
export function runSegmentsBench(ctx: { databaseUrl: string; quick?: boolean }): Promise<SegmentBenchResult> {
  return runSegmentBench(ctx.databaseUrl, { rounds: ctx.quick ? 1 : 3 });
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : undefined;
  if (!url) {
    process.stderr.write('segments bench: set DATABASE_URL to a seeded PostgreSQL database\n');
    process.exit(1);
  }
  runSegmentBench(url, { rounds })
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`segments bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
