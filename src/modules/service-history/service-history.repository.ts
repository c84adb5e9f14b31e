import { DataSource, EntityManager } from 'typeorm';
import { groupInKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { lateralPages, Paged, SqlParams } from '../../database/sql';
import { FollowUpStatus } from './follow-up.entity';
import { INTERACTION_KINDS, InteractionChannel } from './interaction.entity';
import { TimelineEventKind, TimelineKey } from './timeline';

export interface OwnedKey {
  customerId: string;
  id: string;
}

export interface InteractionRow {
  customerId: string;
  id: string;
  occurredAt: Date;
  channel: string;
  kind: string;
  outcome: string | null;
  branchId: string | null;
  staffRef: string | null;
  productType: string | null;
  note: string | null;
  sourceSystem: string;
  sourceKey: string;
  recordedAt: Date;
}

/** One interaction to write. The customer is named by local id, or by a source record (system + key) merged into it. */
export interface InteractionWrite {
  sourceSystem: string;
  sourceKey: string;
  customerId: string | null;
  customerSystem: string | null;
  customerKey: string | null;
  occurredAt: string;
  channel: string;
  kind: string;
  outcome: string | null;
  branchId: string | null;
  branchCode: string | null;
  staffRef: string | null;
  productType: string | null;
  note: string | null;
}

export type WriteStatus = 'INSERTED' | 'UPDATED' | 'UNCHANGED' | 'UNKNOWN_CUSTOMER' | 'UNKNOWN_BRANCH' | 'KEY_OF_OTHER_CUSTOMER';

export interface WriteOutcome {
  status: WriteStatus;
  customerId: string | null;
  id: string | null;
}

export interface TimelineOptions {
  from: string | null;
  to: string | null;
  kinds: TimelineEventKind[] | null;
  channels: InteractionChannel[] | null;
  descending: boolean;
}

export interface TimelineRow {
  customerId: string;
  /** The source row's id (interaction, account, loan, enrolment, purchase). */
  id: string;
  occurredAt: Date;
  kind: TimelineEventKind;
  channel: InteractionChannel | null;
  detail: Record<string, unknown>;
  __sort: string;
}

export interface ContactHistoryRow {
  marketing30d: number;
  marketing90d: number;
  lastContactAt: Date | null;
  lastComplaintAt: Date | null;
  /** Marketing contacts within the policy's longest window, newest first; `at` as an ISO string. */
  recentMarketing: { at: string; channel: InteractionChannel }[];
}

export interface FollowUpRow {
  customerId: string;
  id: string;
  dueAt: Date;
  reason: string;
  owner: string;
  branchId: string | null;
  createdAt: Date;
  completedAt: Date | null;
  outcome: string | null;
  __sort?: string | null;
}

export interface FollowUpListOptions {
  statuses: FollowUpStatus[] | null;
  owner?: string | null;
  branchId?: string | null;
  dueBefore?: string | null;
  /** The clock that tells OPEN from OVERDUE; passed in so a request sees one consistent "now". */
  now: string;
}

export interface BranchFollowUpCountRow {
  branchId: string | null;
  open: number;
  overdue: number;
}

type Query = (sql: string, params?: unknown[]) => Promise<any>;

const INTERACTION_COLUMNS = `i.customer_id AS "customerId", i.id, i.occurred_at AS "occurredAt", i.channel, i.kind, i.outcome,
  i.branch_id AS "branchId", i.staff_ref AS "staffRef", i.product_type AS "productType", i.note,
  i.source_system AS "sourceSystem", i.source_key AS "sourceKey", i.recorded_at AS "recordedAt"`;

const FOLLOW_UP_COLUMNS = `f.customer_id AS "customerId", f.id, f.due_at AS "dueAt", f.reason, f.owner, f.branch_id AS "branchId",
  f.created_at AS "createdAt", f.completed_at AS "completedAt", f.outcome`;

/**
 * One source of timeline events. `from` selects one customer's rows (k.customer_id) as
 * (occurred_at, kind, source_id, channel, detail); money goes into detail as text so it stays exact.
 */
interface TimelineSource {
  kinds: readonly TimelineEventKind[];
  /** The channel of every event of this source, null when it has none, 'row' when each row has its own. */
  channel: InteractionChannel | null | 'row';
  from: string;
}

const TIMELINE_SOURCES: readonly TimelineSource[] = [
  {
    kinds: INTERACTION_KINDS,
    channel: 'row',
    from: `SELECT i.occurred_at, i.kind, i.id AS source_id, i.channel,
                  jsonb_build_object('outcome', i.outcome, 'branchId', i.branch_id::text, 'staffRef', i.staff_ref,
                    'productType', i.product_type, 'note', i.note, 'sourceSystem', i.source_system, 'sourceKey', i.source_key,
                    'recordedAt', i.recorded_at) AS detail
             FROM interaction i WHERE i.customer_id = k.customer_id`,
  },
  {
    kinds: ['ACCOUNT_OPENED'],
    channel: null,
    from: `SELECT a.opened_at AS occurred_at, 'ACCOUNT_OPENED'::text AS kind, a.id AS source_id, NULL::text AS channel,
                  jsonb_build_object('productType', a.product_type, 'accountNumber', a.account_number, 'currency', a.currency) AS detail
             FROM account a WHERE a.customer_id = k.customer_id`,
  },
  {
    kinds: ['ACCOUNT_CLOSED'],
    channel: null,
    from: `SELECT a.closed_at AS occurred_at, 'ACCOUNT_CLOSED'::text AS kind, a.id AS source_id, NULL::text AS channel,
                  jsonb_build_object('productType', a.product_type, 'accountNumber', a.account_number, 'currency', a.currency,
                    'openedAt', a.opened_at) AS detail
             FROM account a WHERE a.customer_id = k.customer_id AND a.closed_at IS NOT NULL`,
  },
  {
    kinds: ['LOAN_GRANTED'],
    channel: null,
    from: `SELECT l.granted_at AS occurred_at, 'LOAN_GRANTED'::text AS kind, l.id AS source_id, NULL::text AS channel,
                  jsonb_build_object('accountId', l.account_id::text, 'principal', l.principal::text, 'termMonths', l.term_months,
                    'monthlyPayment', l.monthly_payment::text, 'status', l.status) AS detail
             FROM loan l WHERE l.customer_id = k.customer_id`,
  },
  {
    kinds: ['MOBILE_ENROLLED'],
    channel: 'MOBILE_APP',
    from: `SELECT e.enrolled_at AS occurred_at, 'MOBILE_ENROLLED'::text AS kind, e.id AS source_id, 'MOBILE_APP'::text AS channel,
                  jsonb_build_object('devices', e.devices) AS detail
             FROM mobile_enrolment e WHERE e.customer_id = k.customer_id`,
  },
  {
    kinds: ['MOBILE_ACTIVATED'],
    channel: 'MOBILE_APP',
    from: `SELECT e.activated_at AS occurred_at, 'MOBILE_ACTIVATED'::text AS kind, e.id AS source_id, 'MOBILE_APP'::text AS channel,
                  jsonb_build_object('enrolledAt', e.enrolled_at) AS detail
             FROM mobile_enrolment e WHERE e.customer_id = k.customer_id AND e.activated_at IS NOT NULL`,
  },
  {
    // DISTINCT ON keeps each partner's first purchase; outer conditions cannot move below it, which is right.
    kinds: ['FIRST_PARTNER_PURCHASE'],
    channel: 'PARTNER',
    from: `SELECT DISTINCT ON (pp.partner_id) pp.purchased_at AS occurred_at, 'FIRST_PARTNER_PURCHASE'::text AS kind,
                  pp.id AS source_id, 'PARTNER'::text AS channel,
                  jsonb_build_object('partnerId', pp.partner_id::text, 'partnerName', p.name, 'amount', pp.amount::text,
                    'currency', pp.currency, 'category', pp.category) AS detail
             FROM partner_purchase pp JOIN partner p ON p.id = pp.partner_id WHERE pp.customer_id = k.customer_id
            ORDER BY pp.partner_id, pp.purchased_at, pp.id`,
  },
  {
    // Written by segment refreshes: one row per entry into or exit from a segment.
    kinds: ['SEGMENT_ENTERED', 'SEGMENT_EXITED'],
    channel: null,
    from: `SELECT st.at AS occurred_at, CASE st.kind WHEN 'ENTER' THEN 'SEGMENT_ENTERED' ELSE 'SEGMENT_EXITED' END AS kind,
                  st.id AS source_id, NULL::text AS channel,
                  jsonb_build_object('segmentId', s.id::text, 'segmentKey', s.key, 'segmentName', s.name) AS detail
             FROM segment_transition st JOIN segment s ON s.id = st.segment_id WHERE st.customer_id = k.customer_id`,
  },
];

/**
 * Every event of one customer (the SQL expression `customerId`) as (customer_id, occurred_at, kind, source_id,
 * channel, detail): the timeline for the compiled read path, which pages it itself.
 */
export function timelineEventsSql(customerId: string): string {
  return TIMELINE_SOURCES.map(
    (source) => `SELECT ${customerId} AS customer_id, b.occurred_at, b.kind, b.source_id, b.channel, b.detail
                   FROM (${source.from.replace(/k\.customer_id/g, customerId)}) b`,
  ).join('\n UNION ALL ');
}

function timelineOrder(alias: string, descending: boolean): string {
  const dir = descending ? 'DESC' : 'ASC';
  return `${alias}.occurred_at ${dir}, ${alias}.kind COLLATE "C" ${dir}, ${alias}.source_id ${dir}`;
}

/** The sources that can yield events under the kind and channel filters, each with its own conditions. */
function timelineBranches(options: TimelineOptions, params: SqlParams, extra: string[]): { source: TimelineSource; where: string }[] {
  const kinds = options.kinds?.length ? options.kinds : null;
  const channels = options.channels?.length ? options.channels : null;
  const common = [...extra];
  if (options.from) common.push(`b.occurred_at >= ${params.add(options.from, 'timestamptz')}`);
  if (options.to) common.push(`b.occurred_at < ${params.add(options.to, 'timestamptz')}`);
  // Added on first use only: PostgreSQL refuses a statement with a parameter it never sees.
  let kindList: string | undefined;
  let channelList: string | undefined;
  const branches: { source: TimelineSource; where: string }[] = [];
  for (const source of TIMELINE_SOURCES) {
    if (kinds && !source.kinds.some((k) => kinds.includes(k))) continue;
    // A channel filter keeps only events that have one of those channels; events without a channel drop out.
    if (channels && (source.channel === null || (source.channel !== 'row' && !channels.includes(source.channel)))) continue;
    const conds = [...common];
    if (kinds && source.kinds.length > 1) conds.push(`b.kind = ANY(${(kindList ??= params.add(kinds, 'text[]'))})`);
    if (channels && source.channel === 'row') conds.push(`b.channel = ANY(${(channelList ??= params.add(channels, 'text[]'))})`);
    branches.push({ source, where: conds.length ? conds.join(' AND ') : 'TRUE' });
  }
  return branches;
}

/** Interactions, follow-ups, the merged timeline and contact history. Batch methods answer in key order. */
export class ServiceHistoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Set-based upsert keyed by (source_system, source_key): an identical re-send changes nothing, a changed one
   * updates the row, a key already used for another customer is refused. Callers de-duplicate keys first.
   */
  async upsertInteractions(rows: readonly InteractionWrite[], manager?: EntityManager): Promise<WriteOutcome[]> {
    if (rows.length === 0) return [];
    const query: Query = (sql, params) => (manager ?? this.dataSource).query(sql, params);
    const input = rows.map((r, idx) => ({
      idx,
      source_system: r.sourceSystem,
      source_key: r.sourceKey,
      customer_id: r.customerId,
      customer_system: r.customerSystem,
      customer_key: r.customerKey,
      occurred_at: r.occurredAt,
      channel: r.channel,
      kind: r.kind,
      outcome: r.outcome,
      branch_id: r.branchId,
      branch_code: r.branchCode,
      staff_ref: r.staffRef,
      product_type: r.productType,
      note: r.note,
    }));
    // The final SELECT sees the table as it was before this statement, so `e` is the row a conflict met.
    const result: { idx: number; customerId: string | null; branchOk: boolean; existingCustomerId: string | null; id: string | null; inserted: boolean | null }[] =
      await query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
             idx int, source_system text, source_key text, customer_id bigint, customer_system text, customer_key text,
             occurred_at timestamptz, channel text, kind text, outcome text, branch_id bigint, branch_code text,
             staff_ref text, product_type text, note text)
         ), resolved AS (
           SELECT x.*, coalesce(c.id, cs.customer_id) AS cid, coalesce(b.id, bc.id) AS bid,
                  (x.branch_id IS NULL AND x.branch_code IS NULL) OR coalesce(b.id, bc.id) IS NOT NULL AS branch_ok
             FROM input x
             LEFT JOIN customer c ON c.id = x.customer_id
             LEFT JOIN customer_source cs ON x.customer_id IS NULL AND cs.source_system = x.customer_system AND cs.source_key = x.customer_key
             LEFT JOIN branch b ON b.id = x.branch_id
             LEFT JOIN branch bc ON x.branch_id IS NULL AND bc.code = x.branch_code
         ), written AS (
           INSERT INTO interaction AS t (customer_id, occurred_at, channel, kind, outcome, branch_id, staff_ref, product_type, note, source_system, source_key)
           SELECT r.cid, r.occurred_at, r.channel, r.kind, r.outcome, r.bid, r.staff_ref, r.product_type, r.note, r.source_system, r.source_key
             FROM resolved r WHERE r.cid IS NOT NULL AND r.branch_ok
           ON CONFLICT (source_system, source_key) DO UPDATE SET
             occurred_at = EXCLUDED.occurred_at, channel = EXCLUDED.channel, kind = EXCLUDED.kind, outcome = EXCLUDED.outcome,
             branch_id = EXCLUDED.branch_id, staff_ref = EXCLUDED.staff_ref, product_type = EXCLUDED.product_type,
             note = EXCLUDED.note, recorded_at = now()
           WHERE t.customer_id = EXCLUDED.customer_id
             AND (t.occurred_at, t.channel, t.kind, t.outcome, t.branch_id, t.staff_ref, t.product_type, t.note)
                 IS DISTINCT FROM
                 (EXCLUDED.occurred_at, EXCLUDED.channel, EXCLUDED.kind, EXCLUDED.outcome, EXCLUDED.branch_id, EXCLUDED.staff_ref,
                  EXCLUDED.product_type, EXCLUDED.note)
           RETURNING t.source_system, t.source_key, t.id, (t.xmax = 0) AS inserted
         )
         SELECT r.idx, r.cid AS "customerId", r.branch_ok AS "branchOk", e.customer_id AS "existingCustomerId",
                coalesce(w.id, e.id) AS id, w.inserted
           FROM resolved r
           LEFT JOIN written w ON w.source_system = r.source_system AND w.source_key = r.source_key
           LEFT JOIN interaction e ON e.source_system = r.source_system AND e.source_key = r.source_key
          ORDER BY r.idx`,
        [JSON.stringify(input)],
      );
    return result.map((r) => {
      if (r.customerId === null) return { status: 'UNKNOWN_CUSTOMER', customerId: null, id: null };
      if (!r.branchOk) return { status: 'UNKNOWN_BRANCH', customerId: r.customerId, id: null };
      if (r.existingCustomerId !== null && r.existingCustomerId !== r.customerId) {
        return { status: 'KEY_OF_OTHER_CUSTOMER', customerId: r.existingCustomerId, id: null };
      }
      const status: WriteStatus = r.inserted === null ? 'UNCHANGED' : r.inserted ? 'INSERTED' : 'UPDATED';
      return { status, customerId: r.customerId, id: r.id };
    });
  }

  async interactionsByKeys(keys: readonly OwnedKey[]): Promise<InteractionRow[]> {
    return this.dataSource.query(
      `SELECT ${INTERACTION_COLUMNS}
         FROM unnest($1::bigint[], $2::bigint[]) AS k(customer_id, id)
         JOIN interaction i ON i.customer_id = k.customer_id AND i.id = k.id`,
      [keys.map((k) => k.customerId), keys.map((k) => k.id)],
    );
  }

  /** Home branch of each existing customer (absent ids are missing from the answer). */
  async customerHomeBranches(customerIds: readonly string[]): Promise<{ id: string; homeBranchId: string | null }[]> {
    return this.dataSource.query(`SELECT c.id, c.home_branch_id AS "homeBranchId" FROM customer c WHERE c.id = ANY($1::bigint[])`, [customerIds]);
  }

  async branchExists(branchId: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM branch WHERE id = $1`, [branchId]);
    return rows.length > 0;
  }

  /**
   * One page of the merged timeline for each customer, in ONE statement: per customer (LATERAL) a UNION ALL of
   * every event source, each already cut to the page by the keyset and its own ORDER BY ... LIMIT, then merged.
   * The keyset is (occurred_at, kind, source_id), unique per customer, so pages stay stable when events arrive.
   */
  async timelinePages(customerIds: string[], options: TimelineOptions, page: Page, after: TimelineKey | null): Promise<TimelineRow[][]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const descending = options.descending !== page.backward;
    const extra: string[] = [];
    if (after) {
      const cmp = descending ? '<' : '>';
      const at = params.add(after.occurredAt, 'timestamptz');
      // The row comparison is exact; the plain bound on occurred_at is implied by it and lets each source's
      // (customer_id, time) index start at the cursor instead of reading down to it.
      extra.push(`b.occurred_at ${cmp}= ${at}`);
      extra.push(`(b.occurred_at, b.kind COLLATE "C", b.source_id) ${cmp} (${at}, ${params.add(after.kind, 'text')}, ${params.add(after.sourceId, 'bigint')})`);
    }
    const branches = timelineBranches(options, params, extra);
    if (branches.length === 0) return customerIds.map(() => []);
    const limit = params.add(page.limit + 1, 'int');
    const union = branches
      .map(({ source, where }) => `(SELECT b.* FROM (${source.from}) b WHERE ${where} ORDER BY ${timelineOrder('b', descending)} LIMIT ${limit})`)
      .join('\n UNION ALL ');
    const inner = `SELECT k.customer_id AS "customerId", e.source_id AS id, e.occurred_at AS "occurredAt", e.kind, e.channel, e.detail,
                          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || e.kind AS "__sort",
                          row_number() OVER (ORDER BY ${timelineOrder('e', descending)}) AS "__n"
                     FROM (${union}) e
                    ORDER BY ${timelineOrder('e', descending)} LIMIT ${limit}`;
    const rows: Paged<TimelineRow>[] = await this.dataSource.query(
      lateralPages(`unnest(${ids}) WITH ORDINALITY AS k(customer_id, i)`, inner),
      params.values,
    );
    return groupInKeyOrder(customerIds.length, rows, (r) => r.__i - 1);
  }

  async timelineCounts(customerIds: string[], options: TimelineOptions): Promise<number[]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const branches = timelineBranches(options, params, []);
    if (branches.length === 0) return customerIds.map(() => 0);
    const union = branches.map(({ source, where }) => `SELECT 1 FROM (${source.from}) b WHERE ${where}`).join('\n UNION ALL ');
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM (${union}) e) AS n FROM unnest(${ids}) WITH ORDINALITY AS k(customer_id, i) ORDER BY k.i`,
      params.values,
    );
    return rows.map((r) => r.n);
  }

  /** Contact counts and the marketing history the policy needs, for many customers in one statement. */
  async contactHistories(customerIds: readonly string[], now: string, historyDays: number): Promise<ContactHistoryRow[]> {
    const rows: (ContactHistoryRow & { i: number })[] = await this.dataSource.query(
      `SELECT k.i::int AS i,
              count(*) FILTER (WHERE i.kind = 'MARKETING_CONTACT' AND i.occurred_at > $2::timestamptz - interval '720 hours')::int AS "marketing30d",
              count(*) FILTER (WHERE i.kind = 'MARKETING_CONTACT' AND i.occurred_at > $2::timestamptz - interval '2160 hours')::int AS "marketing90d",
              max(i.occurred_at) AS "lastContactAt",
              max(i.occurred_at) FILTER (WHERE i.kind = 'COMPLAINT') AS "lastComplaintAt",
              coalesce(jsonb_agg(jsonb_build_object('at', i.occurred_at, 'channel', i.channel) ORDER BY i.occurred_at DESC)
                         FILTER (WHERE i.kind = 'MARKETING_CONTACT' AND i.occurred_at > $2::timestamptz - make_interval(hours => 24 * $3::int)),
                       '[]'::jsonb) AS "recentMarketing"
         FROM unnest($1::bigint[]) WITH ORDINALITY AS k(customer_id, i)
         LEFT JOIN interaction i ON i.customer_id = k.customer_id AND i.occurred_at <= $2::timestamptz
        GROUP BY k.i
        ORDER BY k.i`,
      [customerIds, now, historyDays],
    );
    return rows;
  }

  async createFollowUp(input: { customerId: string; dueAt: string; reason: string; owner: string; branchId: string | null }): Promise<FollowUpRow> {
    const [row] = await this.dataSource.query(
      `INSERT INTO follow_up AS f (customer_id, due_at, reason, owner, branch_id)
       VALUES ($1, $2, $3, $4, $5)
       RETURNING ${FOLLOW_UP_COLUMNS}`,
      [input.customerId, input.dueAt, input.reason, input.owner, input.branchId],
    );
    return row;
  }

  async followUpByKey(key: OwnedKey): Promise<FollowUpRow | null> {
    const rows = await this.dataSource.query(`SELECT ${FOLLOW_UP_COLUMNS} FROM follow_up f WHERE f.customer_id = $1 AND f.id = $2`, [key.customerId, key.id]);
    return rows[0] ?? null;
  }

  async followUpsByKeys(keys: readonly OwnedKey[]): Promise<FollowUpRow[]> {
    return this.dataSource.query(
      `SELECT ${FOLLOW_UP_COLUMNS}
         FROM unnest($1::bigint[], $2::bigint[]) AS k(customer_id, id)
         JOIN follow_up f ON f.customer_id = k.customer_id AND f.id = k.id`,
      [keys.map((k) => k.customerId), keys.map((k) => k.id)],
    );
  }

  /**
   * Completes an open follow-up and, when given, records the contact that completed it, in one transaction.
   * Returns null when there is no open follow-up with that key (missing, or completed already).
   */
  async completeFollowUp(key: OwnedKey, outcome: string, completedAt: string, contact: InteractionWrite | null): Promise<FollowUpRow | null> {
    return this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
      const [updated]: [FollowUpRow[], number] = await manager.query(
        `UPDATE follow_up f SET completed_at = $3, outcome = $4
          WHERE f.customer_id = $1 AND f.id = $2 AND f.completed_at IS NULL
          RETURNING ${FOLLOW_UP_COLUMNS}`,
        [key.customerId, key.id, completedAt, outcome],
      );
      if (updated.length === 0) return null;
      if (contact) await this.upsertInteractions([contact], manager);
      return updated[0];
    });
  }

  async followUpPages(customerIds: string[], options: FollowUpListOptions, page: Page): Promise<FollowUpRow[][]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const where = followUpConditions(options, params);
    const ks = followUpKeyset(page, params);
    const inner = `SELECT ${FOLLOW_UP_COLUMNS}, ${ks.sortSelect}, row_number() OVER (ORDER BY ${ks.orderBy}) AS "__n"
                     FROM follow_up f
                    WHERE f.customer_id = k.customer_id AND ${where} AND ${ks.where}
                    ORDER BY ${ks.orderBy} LIMIT ${ks.limit}`;
    const rows: Paged<FollowUpRow>[] = await this.dataSource.query(
      lateralPages(`unnest(${ids}) WITH ORDINALITY AS k(customer_id, i)`, inner),
      params.values,
    );
    return groupInKeyOrder(customerIds.length, rows, (r) => r.__i - 1);
  }

  async followUpCounts(customerIds: string[], options: FollowUpListOptions): Promise<number[]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const where = followUpConditions(options, params);
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM follow_up f WHERE f.customer_id = k.customer_id AND ${where}) AS n
         FROM unnest(${ids}) WITH ORDINALITY AS k(customer_id, i) ORDER BY k.i`,
      params.values,
    );
    return rows.map((r) => r.n);
  }

  /** A work list across customers (by owner, branch, status, due date), earliest due first. */
  async followUpWorkList(options: FollowUpListOptions, page: Page): Promise<FollowUpRow[]> {
    const params = new SqlParams();
    const where = followUpConditions(options, params);
    const ks = followUpKeyset(page, params);
    return this.dataSource.query(
      `SELECT ${FOLLOW_UP_COLUMNS}, ${ks.sortSelect} FROM follow_up f WHERE ${where} AND ${ks.where} ORDER BY ${ks.orderBy} LIMIT ${ks.limit}`,
      params.values,
    );
  }

  async followUpWorkListCount(options: FollowUpListOptions): Promise<number> {
    const params = new SqlParams();
    const where = followUpConditions(options, params);
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM follow_up f WHERE ${where}`, params.values);
    return row.n;
  }

  /** Open and overdue follow-ups per branch (null: follow-ups without a branch), busiest first. */
  async followUpCountsByBranch(now: string, owner: string | null): Promise<BranchFollowUpCountRow[]> {
    return this.dataSource.query(
      `SELECT f.branch_id AS "branchId",
              count(*)::int AS open,
              count(*) FILTER (WHERE f.due_at < $1::timestamptz)::int AS overdue
         FROM follow_up f
        WHERE f.completed_at IS NULL AND ($2::text IS NULL OR f.owner = $2::text)
        GROUP BY f.branch_id
        ORDER BY overdue DESC, open DESC, f.branch_id NULLS LAST`,
      [now, owner],
    );
  }
}

/** OPEN: not completed and not yet due; OVERDUE: not completed and past due; COMPLETED. Same rule as followUpStatus(). */
function followUpConditions(options: FollowUpListOptions, params: SqlParams): string {
  const conds: string[] = [];
  if (options.statuses?.length) {
    let now: string | undefined; // added on first use: an unused parameter fails the statement
    const at = () => (now ??= params.add(options.now, 'timestamptz'));
    const parts = [...new Set(options.statuses)].map((s) =>
      s === 'COMPLETED'
        ? 'f.completed_at IS NOT NULL'
        : s === 'OVERDUE'
          ? `(f.completed_at IS NULL AND f.due_at < ${at()})`
          : `(f.completed_at IS NULL AND f.due_at >= ${at()})`,
    );
    conds.push(`(${parts.join(' OR ')})`);
  }
  if (options.owner != null) conds.push(`f.owner = ${params.add(options.owner, 'text')}`);
  if (options.branchId != null) conds.push(`f.branch_id = ${params.add(options.branchId, 'bigint')}`);
  if (options.dueBefore != null) conds.push(`f.due_at < ${params.add(options.dueBefore, 'timestamptz')}`);
  return conds.length ? conds.join(' AND ') : 'TRUE';
}

/** Follow-ups page by (due_at, id), earliest due first; ids are unique across customers (one identity). */
function followUpKeyset(page: Page, params: SqlParams) {
  const dir = page.backward ? 'DESC' : 'ASC';
  const cmp = page.backward ? '<' : '>';
  let where = 'TRUE';
  if (page.cursor) {
    const [due, id] = page.cursor;
    where = `(f.due_at, f.id) ${cmp} (${params.add(due, 'timestamptz')}, ${params.add(id, 'bigint')})`;
  }
  return {
    where,
    orderBy: `f.due_at ${dir}, f.id ${dir}`,
    sortSelect: `to_char(f.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "__sort"`,
    limit: params.add(page.limit + 1, 'int'),
  };
}
