import { DataSource } from 'typeorm';

export interface ChannelWindow {
  /** End of the current window (exclusive). */
  asOf: string;
  days: number;
}

/** One counterparty kind (platforms: one per platform name) with both windows' figures. Money and shares as text. */
export interface ChannelRow {
  kind: string;
  platform: string | null;
  amount: string;
  transactions: number;
  share: string;
  previousAmount: string;
  previousTransactions: number;
  previousShare: string;
  total: string;
  previousTotal: string;
  platformShare: string;
  previousPlatformShare: string;
}

export interface GroupChannelRow extends ChannelRow {
  key: string | null;
  customers: number;
  platformCustomers: number;
}

/**
 * Groupings for analysts: the SQL key of a customer's group and the joins it needs. SEGMENT uses today's
 * memberships; a customer in several segments counts in each, one in none in no group.
 */
export const PAYMENT_GROUPINGS = {
  REGION: { joins: '', key: 'c.region' },
  BRANCH: { joins: 'LEFT JOIN branch b ON b.id = c.home_branch_id', key: 'b.code' },
  SEGMENT: { joins: 'JOIN segment_membership sm ON sm.customer_id = c.id JOIN segment s ON s.id = sm.segment_id', key: 's.key' },
} as const;
export type PaymentGrouping = keyof typeof PAYMENT_GROUPINGS;

const OUTGOING = `t.amount < 0 AND t.counterparty_kind IN ('OWN_BANK', 'OTHER_BANK', 'THIRD_PARTY_PLATFORM', 'MERCHANT')`;
const windowSql = (asOf: string, days: string) =>
  `SELECT ${asOf}::timestamptz AS to_at, ${asOf}::timestamptz - make_interval(hours => 24 * ${days}::int) AS from_at,
          ${asOf}::timestamptz - make_interval(hours => 48 * ${days}::int) AS prev_from`;
// Per counterparty kind, platforms split by name; both windows in one pass over the two windows' rows.
const MEASURES = `t.counterparty_kind AS kind,
       CASE WHEN t.counterparty_kind = 'THIRD_PARTY_PLATFORM' THEN coalesce(t.counterparty_name, '') END AS platform,
       coalesce(-sum(t.amount) FILTER (WHERE t.booked_at >= w.from_at), 0) AS amount,
       count(*) FILTER (WHERE t.booked_at >= w.from_at)::int AS transactions,
       coalesce(-sum(t.amount) FILTER (WHERE t.booked_at < w.from_at), 0) AS prev_amount,
       count(*) FILTER (WHERE t.booked_at < w.from_at)::int AS prev_transactions`;
const IN_WINDOWS = `t.booked_at >= w.prev_from AND t.booked_at < w.to_at AND ${OUTGOING}`;

/** Shares of each row within its partition (a customer, or a group), plus the partition's totals. */
function withShares(partition: string): string {
  const share = (part: string, whole: string) => `coalesce(round(${part} / nullif(${whole}, 0), 4), 0)::numeric(6, 4)::text`;
  const total = `sum(g.amount) OVER (PARTITION BY ${partition})`;
  const prevTotal = `sum(g.prev_amount) OVER (PARTITION BY ${partition})`;
  const platform = (col: string) => `coalesce(sum(g.${col}) FILTER (WHERE g.kind = 'THIRD_PARTY_PLATFORM') OVER (PARTITION BY ${partition}), 0)`;
  return `g.kind, g.platform, g.amount::numeric(18, 2)::text AS amount, g.transactions,
          ${share('g.amount', total)} AS share,
          g.prev_amount::numeric(18, 2)::text AS "previousAmount", g.prev_transactions AS "previousTransactions",
          ${share('g.prev_amount', prevTotal)} AS "previousShare",
          ${total}::numeric(18, 2)::text AS total, ${prevTotal}::numeric(18, 2)::text AS "previousTotal",
          ${share(platform('amount'), total)} AS "platformShare", ${share(platform('prev_amount'), prevTotal)} AS "previousPlatformShare"`;
}

/** Outgoing payments by counterparty kind over a window and the window before it: per customer, or per group. */
export class PaymentChannelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Rows of every customer, in key order; a customer without outgoing payments has none. */
  async channelsOfCustomers(customerIds: readonly string[], window: ChannelWindow): Promise<(ChannelRow & { i: number })[]> {
    return this.dataSource.query(
      `WITH w AS (${windowSql('$2', '$3')}),
       g AS (
         SELECT k.i, ${MEASURES}
           FROM unnest($1::bigint[]) WITH ORDINALITY AS k(customer_id, i)
          CROSS JOIN w
           JOIN bank_transaction t ON t.customer_id = k.customer_id
          WHERE ${IN_WINDOWS}
          GROUP BY k.i, 2, 3
       )
       SELECT g.i::int AS i, ${withShares('g.i')}
         FROM g
        ORDER BY g.i, g.amount DESC, g.prev_amount DESC, g.kind, g.platform`,
      [customerIds, window.asOf, window.days],
    );
  }

  /**
   * The same figures for analysts, per group of customers, set-based over all customers (one statement a
   * distributed planner can push down). customers / platformCustomers count payers in the current window.
   */
  async channelsByGroup(grouping: PaymentGrouping, window: ChannelWindow): Promise<GroupChannelRow[]> {
    const { joins, key } = PAYMENT_GROUPINGS[grouping];
    return this.dataSource.query(
      `WITH w AS (${windowSql('$1', '$2')}),
       g AS (
         SELECT ${key} AS key, ${MEASURES}
           FROM bank_transaction t
          CROSS JOIN w
           JOIN customer c ON c.id = t.customer_id
           ${joins}
          WHERE ${IN_WINDOWS}
          GROUP BY 1, 2, 3
       ),
       payers AS (
         SELECT ${key} AS key,
                count(DISTINCT t.customer_id)::int AS customers,
                count(DISTINCT t.customer_id) FILTER (WHERE t.counterparty_kind = 'THIRD_PARTY_PLATFORM')::int AS "platformCustomers"
           FROM bank_transaction t
          CROSS JOIN w
           JOIN customer c ON c.id = t.customer_id
           ${joins}
          WHERE t.booked_at >= w.from_at AND t.booked_at < w.to_at AND ${OUTGOING}
          GROUP BY 1
       )
       SELECT g.key, coalesce(p.customers, 0) AS customers, coalesce(p."platformCustomers", 0) AS "platformCustomers", ${withShares('g.key')}
         FROM g LEFT JOIN payers p ON p.key IS NOT DISTINCT FROM g.key
        ORDER BY sum(g.amount) OVER (PARTITION BY g.key) DESC, g.key NULLS LAST, g.amount DESC, g.prev_amount DESC, g.kind, g.platform`,
      [window.asOf, window.days],
    );
  }
}
