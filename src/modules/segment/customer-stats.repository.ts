import { DataSource } from 'typeorm';
import { SqlParams } from '../../database/sql';
import { compileCustomerFilter, FilterInput } from '../customer/filter/customer-filter.compiler';

export const STATS_DIMENSIONS = [
  'GENDER',
  'INCOME_BAND',
  'OCCUPATION',
  'CITY',
  'REGION',
  'HOME_BRANCH',
  'AGE_BAND',
  'CUSTOMER_SINCE_YEAR',
  'MOBILE_STATUS',
  'SEGMENT',
] as const;
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

export const STATS_METRICS = ['COUNT', 'SUM_BALANCE', 'AVG_BALANCE', 'MIN_BALANCE', 'MAX_BALANCE', 'MEDIAN_BALANCE', 'AVG_ACCOUNT_COUNT', 'AVG_AGE'] as const;
export type StatsMetric = (typeof STATS_METRICS)[number];

export interface StatsQuery {
  filter: FilterInput | null | undefined;
  groupBy: StatsDimension[];
  metrics: StatsMetric[];
  now: Date;
  /** Rows wanted; one more is read to know whether the list was cut. */
  limit: number;
  /**
   * A partner's view: only customers with a live consent for the partner covering these scopes, and no
   * group smaller than minGroupSize (k-anonymity), so an aggregate never singles anyone out.
   */
  partner?: { partnerId: string; scopes: string[]; minGroupSize: number } | null;
}

export interface StatsRow {
  group: (string | null)[];
  values: Partial<Record<StatsMetric, string | number | null>>;
}

type Join = 'holdings' | 'branch' | 'mobile' | 'segment';

const AGE = (today: string) => `date_part('year', age(${today}, c.birth_date))`;
type Clock = () => string;

function dimension(d: StatsDimension, today: Clock): { expr: string; join?: Join } {
  switch (d) {
    case 'GENDER': return { expr: 'c.gender' };
    case 'INCOME_BAND': return { expr: 'c.income_band' };
    case 'OCCUPATION': return { expr: 'c.occupation' };
    case 'CITY': return { expr: 'c.city' };
    case 'REGION': return { expr: 'c.region' };
    case 'HOME_BRANCH': return { expr: 'sb.code', join: 'branch' };
    case 'CUSTOMER_SINCE_YEAR': return { expr: `date_part('year', c.created_at)::int::text` };
    case 'MOBILE_STATUS':
      return {
        expr: `CASE WHEN sme.customer_id IS NULL THEN 'NOT_ENROLLED' WHEN sme.activated_at IS NULL OR sme.activated_at > ${today()} THEN 'ENROLLED_NOT_ACTIVATED' ELSE 'ACTIVATED' END`,
        join: 'mobile',
      };
    case 'SEGMENT': return { expr: 'ssg.key', join: 'segment' };
    case 'AGE_BAND': {
      const age = AGE(`(${today()})::date`);
      return {
        expr: `CASE WHEN c.birth_date IS NULL THEN NULL WHEN ${age} < 18 THEN 'UNDER_18' WHEN ${age} < 25 THEN '18_24'
                    WHEN ${age} < 35 THEN '25_34' WHEN ${age} < 45 THEN '35_44' WHEN ${age} < 55 THEN '45_54'
                    WHEN ${age} < 65 THEN '55_64' ELSE '65_PLUS' END`,
      };
    }
  }
}

function metric(m: StatsMetric, today: Clock): { expr: string; join?: Join } {
  switch (m) {
    case 'COUNT': return { expr: 'count(*)::int' };
    case 'SUM_BALANCE': return { expr: 'sum(sh.total)::text', join: 'holdings' };
    case 'AVG_BALANCE': return { expr: 'round(avg(sh.total), 2)::text', join: 'holdings' };
    case 'MIN_BALANCE': return { expr: 'min(sh.total)::text', join: 'holdings' };
    case 'MAX_BALANCE': return { expr: 'max(sh.total)::text', join: 'holdings' };
    // percentile_disc picks a real balance, so it stays an exact decimal.
    case 'MEDIAN_BALANCE': return { expr: 'percentile_disc(0.5) WITHIN GROUP (ORDER BY sh.total)::text', join: 'holdings' };
    case 'AVG_ACCOUNT_COUNT': return { expr: 'round(avg(sh.accounts), 2)::float8', join: 'holdings' };
    case 'AVG_AGE': return { expr: `round(avg(${AGE(`(${today()})::date`)})::numeric, 1)::float8` };
  }
}

/** Grouped counts and balances over the customers a filter selects: one GROUP BY statement. */
export class CustomerStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async stats(q: StatsQuery): Promise<StatsRow[]> {
    const params = new SqlParams();
    const where = compileCustomerFilter(q.filter, params, { now: q.now });
    // The clock is a parameter only when a dimension or metric reads it (an unused one has no type).
    let todayRef: string | undefined;
    const today = () => (todayRef ??= params.add(q.now.toISOString(), 'timestamptz'));
    const dims = q.groupBy.map((d) => dimension(d, today));
    const mets = q.metrics.map((m) => metric(m, today));
    const joins = new Set([...dims, ...mets].flatMap((x) => (x.join ? [x.join] : [])));
    const from = ['customer c'];
    if (joins.has('holdings')) {
      from.push(`LEFT JOIN LATERAL (SELECT COALESCE(sum(a.balance), 0) AS total, count(*)::int AS accounts
                   FROM account a WHERE a.customer_id = c.id AND a.status <> 'CLOSED') sh ON TRUE`);
    }
    if (joins.has('branch')) from.push('LEFT JOIN branch sb ON sb.id = c.home_branch_id');
    if (joins.has('mobile')) from.push(`LEFT JOIN mobile_enrolment sme ON sme.customer_id = c.id AND sme.enrolled_at <= ${today()}`);
    // A customer counts once in each segment they are in, and once in the null group when in none.
    if (joins.has('segment')) from.push('LEFT JOIN segment_membership ssm ON ssm.customer_id = c.id LEFT JOIN segment ssg ON ssg.id = ssm.segment_id');
    const select = [...dims.map((d, i) => `${d.expr} AS g${i}`), ...mets.map((m, i) => `${m.expr} AS m${i}`)];
    const groupBy = dims.length ? `GROUP BY ${dims.map((_, i) => i + 1).join(', ')}` : '';
    let visible = 'TRUE';
    let having = '';
    if (q.partner) {
      visible = `EXISTS (SELECT 1 FROM consent cs WHERE cs.customer_id = c.id AND cs.partner_id = ${params.add(q.partner.partnerId, 'bigint')}
                   AND cs.revoked_at IS NULL AND cs.granted_at <= now() AND (cs.expires_at IS NULL OR cs.expires_at > now())
                   AND cs.scopes @> ${params.add(q.partner.scopes, 'text[]')})`;
      having = `HAVING count(DISTINCT c.id) >= ${params.add(q.partner.minGroupSize, 'int')}`;
    }
    const orderBy = dims.length ? `ORDER BY ${dims.map((_, i) => `${i + 1} NULLS LAST`).join(', ')}` : '';
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${select.join(', ')} FROM ${from.join(' ')} WHERE ${where} AND ${visible} ${groupBy} ${having} ${orderBy} LIMIT ${params.add(q.limit + 1, 'int')}`,
      params.values,
    );
    return rows.map((row) => ({
      group: dims.map((_, i) => (row[`g${i}`] as string | null) ?? null),
      values: Object.fromEntries(q.metrics.map((m, i) => [m, (row[`m${i}`] as string | number | null) ?? null])),
    }));
  }
}
