import { DataSource, EntityManager } from 'typeorm';
import { groupInKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { keyset, lateralPages, Paged, pageRowNumber, SqlParams } from '../../database/sql';
import { compileCustomerFilter, ExplainNode, FilterInput } from '../customer/filter/customer-filter.compiler';
import type { BuiltInSegment } from './built-in-segments';

export interface SegmentRow {
  id: string;
  key: string;
  name: string;
  description: string;
  definition: Record<string, unknown>;
  builtIn: boolean;
  refreshedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MembershipRow {
  customerId: string;
  since: Date;
  segment: SegmentRow;
}

export type TransitionKind = 'ENTER' | 'EXIT';

export interface TransitionRow {
  id: string;
  customerId: string;
  segmentId: string;
  kind: TransitionKind;
  at: Date;
  refreshId: string;
  __sort?: string | null;
}

export interface MemberRow {
  /** The customer's id: members are keyed and paged by it. */
  id: string;
  since: Date;
  __sort?: string | null;
}

export interface TimeRange {
  from: Date | null;
  to: Date | null;
}

export interface SegmentRefreshCounts {
  size: number;
  entered: number;
  exited: number;
}

export interface SegmentWrite {
  key: string;
  name: string;
  description: string;
  definition: Record<string, unknown>;
}

export interface ExplainResult {
  held: boolean[];
  actual: unknown[];
  since: Date | null;
}

const SEGMENT_COLUMNS = `s.id, s.key, s.name, s.description, s.definition, s.built_in AS "builtIn", s.refreshed_at AS "refreshedAt",
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

const TRANSITION_COLUMNS = `t.id, t.customer_id AS "customerId", t.segment_id AS "segmentId", t.kind, t.at, t.refresh_id AS "refreshId"`;

// One lock for everything that writes memberships, so refreshes (API, CLI schedule) never interleave.
const REFRESH_LOCK = `SELECT pg_advisory_xact_lock(hashtext('fattail:segment-refresh'))`;

function rangeConditions(range: TimeRange, params: SqlParams): string {
  const conds = ['TRUE'];
  if (range.from) conds.push(`t.at >= ${params.add(range.from.toISOString(), 'timestamptz')}`);
  if (range.to) conds.push(`t.at < ${params.add(range.to.toISOString(), 'timestamptz')}`);
  return conds.join(' AND ');
}

/**
 * Writes that must commit or roll back together: a whole refresh, or a definition change with the refresh
 * of its segment. Every statement runs on the transaction's connection.
 */
export class SegmentTransaction {
  constructor(private readonly m: EntityManager) {}

  /** Inserts new built-ins and brings existing ones in line with the code; never touches analysts' segments. */
  async syncBuiltIns(segments: readonly BuiltInSegment[]): Promise<void> {
    if (segments.length === 0) return;
    await this.m.query(
      `INSERT INTO segment (key, name, description, definition, built_in)
       SELECT b.key, b.name, b.description, b.definition, true
         FROM jsonb_to_recordset($1::jsonb) AS b(key text, name text, description text, definition jsonb)
       ON CONFLICT (key) DO UPDATE
          SET name = EXCLUDED.name, description = EXCLUDED.description, definition = EXCLUDED.definition, updated_at = now()
        WHERE segment.built_in
          AND (segment.name, segment.description, segment.definition) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.description, EXCLUDED.definition)`,
      [JSON.stringify(segments)],
    );
  }

  async listAll(): Promise<SegmentRow[]> {
    return this.m.query(`SELECT ${SEGMENT_COLUMNS} FROM segment s ORDER BY s.id`);
  }

  async insert(s: SegmentWrite): Promise<SegmentRow | null> {
    const rows = await this.m.query(
      `INSERT INTO segment AS s (key, name, description, definition) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (key) DO NOTHING RETURNING ${SEGMENT_COLUMNS}`,
      [s.key, s.name, s.description, JSON.stringify(s.definition)],
    );
    return rows[0] ?? null;
  }

  async update(id: string, s: Omit<SegmentWrite, 'key'>): Promise<SegmentRow> {
    const [rows] = await this.m.query(
      `UPDATE segment s SET name = $2, description = $3, definition = $4::jsonb, updated_at = now() WHERE s.id = $1 RETURNING ${SEGMENT_COLUMNS}`,
      [id, s.name, s.description, JSON.stringify(s.definition)],
    );
    return rows[0];
  }

  async startRefresh(asOf: Date): Promise<string> {
    const [row] = await this.m.query(`INSERT INTO segment_refresh (as_of) VALUES ($1) RETURNING id`, [asOf.toISOString()]);
    return row.id;
  }

  /**
   * Recomputes one segment set-wise in one statement: the customers the compiled filter selects now,
   * minus the current members (entries), and the members it no longer selects (exits); both are logged
   * as transitions at the refresh's clock. Segments read by this one were refreshed earlier in the same
   * transaction, so it sees their new memberships.
   */
  async refreshSegment(segment: Pick<SegmentRow, 'id' | 'definition'>, asOf: Date, refreshId: string): Promise<SegmentRefreshCounts> {
    const params = new SqlParams();
    const where = compileCustomerFilter(segment.definition as FilterInput, params, { now: asOf, path: 'definition' });
    const seg = params.add(segment.id, 'bigint');
    const at = params.add(asOf.toISOString(), 'timestamptz');
    const refresh = params.add(refreshId, 'bigint');
    const [row] = await this.m.query(
      `WITH target AS MATERIALIZED (SELECT c.id FROM customer c WHERE ${where}),
       exited AS (
         DELETE FROM segment_membership m
          WHERE m.segment_id = ${seg} AND NOT EXISTS (SELECT 1 FROM target t WHERE t.id = m.customer_id)
         RETURNING m.customer_id),
       entered AS (
         INSERT INTO segment_membership (customer_id, segment_id, since, refresh_id)
         SELECT t.id, ${seg}, ${at}, ${refresh} FROM target t
          WHERE NOT EXISTS (SELECT 1 FROM segment_membership m WHERE m.segment_id = ${seg} AND m.customer_id = t.id)
         RETURNING customer_id),
       logged AS (
         INSERT INTO segment_transition (customer_id, segment_id, kind, at, refresh_id)
         SELECT customer_id, ${seg}, 'EXIT', ${at}, ${refresh} FROM exited
         UNION ALL
         SELECT customer_id, ${seg}, 'ENTER', ${at}, ${refresh} FROM entered),
       touched AS (UPDATE segment SET refreshed_at = ${at} WHERE id = ${seg})
       SELECT (SELECT count(*)::int FROM target) AS size,
              (SELECT count(*)::int FROM entered) AS entered,
              (SELECT count(*)::int FROM exited) AS exited`,
      params.values,
    );
    return row;
  }

  async finishRefresh(refreshId: string, totals: { segments: number; entered: number; exited: number }): Promise<void> {
    await this.m.query(
      `UPDATE segment_refresh SET finished_at = clock_timestamp(), segments = $2, entered = $3, exited = $4 WHERE id = $1`,
      [refreshId, totals.segments, totals.entered, totals.exited],
    );
  }
}

/** SQL for segments, memberships and transitions. Batch reads take arrays of keys and answer in key order. */
export class SegmentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs fn in one transaction holding the refresh lock; any error rolls everything back. */
  async inTransaction<T>(fn: (tx: SegmentTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(REFRESH_LOCK);
      return fn(new SegmentTransaction(manager));
    });
  }

  async list(): Promise<SegmentRow[]> {
    return this.dataSource.query(`SELECT ${SEGMENT_COLUMNS} FROM segment s ORDER BY s.built_in DESC, s.key`);
  }

  async byKeys(keys: readonly string[]): Promise<SegmentRow[]> {
    return this.dataSource.query(`SELECT ${SEGMENT_COLUMNS} FROM segment s WHERE s.key = ANY($1::text[])`, [keys]);
  }

  async byIds(ids: readonly string[]): Promise<SegmentRow[]> {
    return this.dataSource.query(`SELECT ${SEGMENT_COLUMNS} FROM segment s WHERE s.id = ANY($1::bigint[])`, [ids]);
  }

  async delete(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM segment WHERE id = $1 AND NOT built_in`, [id]);
  }

  async sizes(segmentIds: readonly string[]): Promise<number[]> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM segment_membership m WHERE m.segment_id = k.id) AS n
         FROM unnest($1::bigint[]) WITH ORDINALITY AS k(id, i) ORDER BY k.i`,
      [segmentIds],
    );
    return rows.map((r) => r.n);
  }

  /** Members of many segments, one keyset page each (by customer id), in one statement. */
  async memberPages(segmentIds: string[], page: Page): Promise<MemberRow[][]> {
    const params = new SqlParams();
    const ids = params.add(segmentIds, 'bigint[]');
    const ks = keyset({ column: null, cast: 'bigint', idColumn: 'm.customer_id', descending: false }, page, params);
    const inner = `SELECT m.customer_id AS id, m.since, ${ks.sortSelect}, ${pageRowNumber(ks.orderBy)}
                     FROM segment_membership m
                    WHERE m.segment_id = k.segment_id AND ${ks.where}
                    ORDER BY ${ks.orderBy} LIMIT ${ks.limit}`;
    const rows: Paged<MemberRow>[] = await this.dataSource.query(
      lateralPages(`unnest(${ids}) WITH ORDINALITY AS k(segment_id, i)`, inner),
      params.values,
    );
    return groupInKeyOrder(segmentIds.length, rows, (r) => r.__i - 1);
  }

  async membershipsByCustomerIds(customerIds: readonly string[]): Promise<MembershipRow[]> {
    const rows: (SegmentRow & { customerId: string; since: Date })[] = await this.dataSource.query(
      `SELECT m.customer_id AS "customerId", m.since, ${SEGMENT_COLUMNS}
         FROM segment_membership m JOIN segment s ON s.id = m.segment_id
        WHERE m.customer_id = ANY($1::bigint[])
        ORDER BY m.customer_id, s.key`,
      [customerIds],
    );
    return rows.map(({ customerId, since, ...segment }) => ({ customerId, since, segment }));
  }

  /** Transitions of many segments in a time range, oldest first, one page each. */
  async transitionPages(segmentIds: string[], range: TimeRange, page: Page): Promise<TransitionRow[][]> {
    const params = new SqlParams();
    const ids = params.add(segmentIds, 'bigint[]');
    const ks = keyset({ column: 't.at', cast: 'timestamptz', idColumn: 't.id', descending: false }, page, params);
    const inner = `SELECT ${TRANSITION_COLUMNS}, ${ks.sortSelect}, ${pageRowNumber(ks.orderBy)}
                     FROM segment_transition t
                    WHERE t.segment_id = k.segment_id AND ${rangeConditions(range, params)} AND ${ks.where}
                    ORDER BY ${ks.orderBy} LIMIT ${ks.limit}`;
    const rows: Paged<TransitionRow>[] = await this.dataSource.query(
      lateralPages(`unnest(${ids}) WITH ORDINALITY AS k(segment_id, i)`, inner),
      params.values,
    );
    return groupInKeyOrder(segmentIds.length, rows, (r) => r.__i - 1);
  }

  async transitionCounts(segmentIds: string[], range: TimeRange): Promise<number[]> {
    const params = new SqlParams();
    const ids = params.add(segmentIds, 'bigint[]');
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM segment_transition t WHERE t.segment_id = k.segment_id AND ${rangeConditions(range, params)}) AS n
         FROM unnest(${ids}) WITH ORDINALITY AS k(segment_id, i) ORDER BY k.i`,
      params.values,
    );
    return rows.map((r) => r.n);
  }

  /** Each customer's entries and exits, newest first, one page per customer. */
  async historyPages(customerIds: string[], page: Page): Promise<TransitionRow[][]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const ks = keyset({ column: 't.at', cast: 'timestamptz', idColumn: 't.id', descending: true }, page, params);
    const inner = `SELECT ${TRANSITION_COLUMNS}, ${ks.sortSelect}, ${pageRowNumber(ks.orderBy)}
                     FROM segment_transition t
                    WHERE t.customer_id = k.customer_id AND ${ks.where}
                    ORDER BY ${ks.orderBy} LIMIT ${ks.limit}`;
    const rows: Paged<TransitionRow>[] = await this.dataSource.query(
      lateralPages(`unnest(${ids}) WITH ORDINALITY AS k(customer_id, i)`, inner),
      params.values,
    );
    return groupInKeyOrder(customerIds.length, rows, (r) => r.__i - 1);
  }

  async historyCounts(customerIds: readonly string[]): Promise<number[]> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM segment_transition t WHERE t.customer_id = k.customer_id) AS n
         FROM unnest($1::bigint[]) WITH ORDINALITY AS k(customer_id, i) ORDER BY k.i`,
      [customerIds],
    );
    return rows.map((r) => r.n);
  }

  /**
   * Evaluates every node of an explained filter for one customer in one statement, with the customer's
   * current membership. Null when there is no such customer.
   */
  async explain(customerId: string, segmentId: string, nodes: ExplainNode[], params: SqlParams): Promise<ExplainResult | null> {
    const cust = params.add(customerId, 'bigint');
    const seg = params.add(segmentId, 'bigint');
    const columns = nodes.flatMap((n, i) => [`COALESCE(${n.heldSql}, false) AS h${i}`, `${n.actualSql ?? 'NULL::jsonb'} AS a${i}`]);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${columns.join(', ')},
              (SELECT m.since FROM segment_membership m WHERE m.customer_id = c.id AND m.segment_id = ${seg}) AS since
         FROM customer c WHERE c.id = ${cust}`,
      params.values,
    );
    const row = rows[0];
    if (!row) return null;
    return {
      held: nodes.map((_, i) => row[`h${i}`] as boolean),
      actual: nodes.map((_, i) => row[`a${i}`]),
      since: (row.since as Date | null) ?? null,
    };
  }
}
