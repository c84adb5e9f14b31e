import { DataSource } from 'typeorm';
import { inKeyOrder } from '../../common/grouped-loader';
import { SqlParams } from '../../database/sql';
import { LifetimeValueConfig } from './lifetime-value.config';
import { RealisedPeriod, realisedValueSql, RealisedValueRow } from './realised-value';

export const ACTIVITIES = ['TRANSACTIONS', 'PARTNER_PURCHASES', 'ALL'] as const;
export type Activity = (typeof ACTIVITIES)[number];
export const UNITS = ['DAY', 'WEEK', 'MONTH'] as const;
export type Unit = (typeof UNITS)[number];

/** Per customer: repeat days, days from the first purchase to the last repeat and to the end of calibration. */
export interface RfmSqlRow {
  customerId: string;
  x: number;
  txDays: number;
  tDays: number;
  /** Summed value of the repeat days in calibration, exact. */
  repeatValue: string;
  /** Purchase days after calibration, up to the holdout end (0 without one). */
  holdoutX: number;
}

export interface ModelParamsJson {
  bgnbd: { r: number; alpha: number; a: number; b: number };
  gammaGamma: { p: number; q: number; gamma: number };
}

export interface ModelCovarianceJson {
  bgnbd: number[][];
  gammaGamma: number[][];
}

export interface HoldoutJson {
  customers: number;
  periods: number;
  predicted: number;
  actual: number;
  errorPct: number;
}

export interface NewModel {
  activity: Activity;
  partnerId: string | null;
  calibrationEnd: string;
  holdoutEnd: string | null;
  unit: Unit;
  params: ModelParamsJson;
  covariance: ModelCovarianceJson;
  bgnbdLogLikelihood: number;
  ggLogLikelihood: number;
  customers: number;
  repeatCustomers: number;
  uniqueTriples: number;
  horizonMonths: number;
  annualDiscountRate: number;
  holdout: HoldoutJson | null;
  fitMs: number;
}

export interface ModelRow extends Omit<NewModel, 'annualDiscountRate'> {
  id: string;
  partnerCode: string | null;
  scoredCustomers: number;
  annualDiscountRate: string;
  createdAt: Date;
}

export interface NewScore {
  customerId: string;
  x: number;
  tx: number;
  t: number;
  zbar: number;
  probabilityAlive: number;
  expectedTransactions12m: number;
  /** Decimal strings (2 dp) or null. */
  expectedAverageSpend: string | null;
  predictedValue12m: string | null;
  predictedValueLow: string | null;
  predictedValueHigh: string | null;
}

export interface ScoreRow extends NewScore {
  modelId: string;
}

export interface SegmentValueRow {
  members: number;
  scoredMembers: number;
  total: string;
  mean: string | null;
  p10: string | null;
  p50: string | null;
  p90: string | null;
}

const MODEL_COLUMNS = `m.id, m.activity, m.partner_id AS "partnerId", p.code AS "partnerCode", m.calibration_end AS "calibrationEnd",
  m.holdout_end AS "holdoutEnd", m.unit, m.params, m.covariance, m.bgnbd_log_likelihood AS "bgnbdLogLikelihood",
  m.gg_log_likelihood AS "ggLogLikelihood", m.customers, m.repeat_customers AS "repeatCustomers", m.unique_triples AS "uniqueTriples",
  m.scored_customers AS "scoredCustomers", m.horizon_months AS "horizonMonths", m.annual_discount_rate::text AS "annualDiscountRate",
  m.holdout, m.fit_ms AS "fitMs", m.created_at AS "createdAt"`;

const SCORE_COLUMNS = `s.customer_id AS "customerId", s.model_id AS "modelId", s.x, s.tx, s.t, s.zbar, s.probability_alive AS "probabilityAlive",
  s.expected_transactions_12m AS "expectedTransactions12m", s.expected_average_spend AS "expectedAverageSpend",
  s.predicted_value_12m AS "predictedValue12m", s.predicted_value_low AS "predictedValueLow", s.predicted_value_high AS "predictedValueHigh"`;

/** Scores are written in statements of this many rows: set-wise, with bounded message sizes. */
const SCORE_CHUNK = 10_000;

/**
 * The activity streams a model can be fitted on, as (customer_id, at, value). Transactions: the customer's
 * own spending, i.e. debits to merchants and payment platforms (transfers, cash, fees and loan repayments
 * are not purchases). Partner purchases: one partner's, or every partner's in ALL; refunds (negative
 * amounts) are not purchases.
 */
function streamSql(activity: Activity, partnerParam: string | null, before: string): string {
  const transactions = `SELECT t.customer_id, t.booked_at AS at, -t.amount AS value FROM bank_transaction t
     WHERE t.amount < 0 AND t.counterparty_kind IN ('MERCHANT', 'THIRD_PARTY_PLATFORM') AND t.booked_at < ${before}`;
  const purchases = `SELECT pp.customer_id, pp.purchased_at AS at, pp.amount AS value FROM partner_purchase pp
     WHERE pp.amount >= 0 AND pp.purchased_at < ${before}${partnerParam ? ` AND pp.partner_id = ${partnerParam}` : ''}`;
  switch (activity) {
    case 'TRANSACTIONS':
      return transactions;
    case 'PARTNER_PURCHASES':
      return purchases;
    case 'ALL':
      return `${transactions} UNION ALL ${purchases}`;
  }
}

/** SQL for realised value, model fits and their stored scores. Batch methods answer in key order. */
export class LifetimeValueRepository {
  constructor(private readonly dataSource: DataSource) {}

  async realisedValues(customerIds: readonly string[], period: RealisedPeriod, now: Date, config: LifetimeValueConfig): Promise<RealisedValueRow[]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const window = {
      from: params.add(period.from.toISOString(), 'timestamptz'),
      to: params.add(period.to.toISOString(), 'timestamptz'),
      now: params.add(now.toISOString(), 'timestamptz'),
    };
    const sql = realisedValueSql('k.customer_id', window, config, params);
    return this.dataSource.query(
      `SELECT ${sql.columns}
         FROM unnest(${ids}) WITH ORDINALITY AS k(customer_id, i)
         ${sql.joins}
        ORDER BY k.i`,
      params.values,
    );
  }

  async partnerIdByCode(code: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM partner WHERE code = $1`, [code]);
    return rows[0]?.id ?? null;
  }

  /**
   * x, t_x (in days), T (in days) and the repeat value of every customer whose first event falls on or
   * before the calibration end, in one statement: events are grouped by UTC calendar day (same-day events
   * count once, values summed) and the first day is not a repeat, as in Fader, Hardie & Lee (2005).
   */
  async rfmSummaries(activity: Activity, partnerId: string | null, calibrationEnd: string, holdoutEnd: string | null): Promise<RfmSqlRow[]> {
    const params = new SqlParams();
    const cal = params.add(calibrationEnd, 'date');
    const last = params.add(holdoutEnd ?? calibrationEnd, 'date');
    const before = `((${last} + 1)::timestamp AT TIME ZONE 'UTC')`;
    const partner = partnerId === null ? null : params.add(partnerId, 'bigint');
    const rows: RfmSqlRow[] = await this.dataSource.query(
      `WITH ev AS (
         SELECT e.customer_id, (e.at AT TIME ZONE 'UTC')::date AS day, sum(e.value) AS value
           FROM (${streamSql(activity, partner, before)}) e
          GROUP BY 1, 2
       ), f AS (
         SELECT ev.customer_id, ev.day, ev.value, min(ev.day) OVER (PARTITION BY ev.customer_id) AS first_day FROM ev
       )
       SELECT f.customer_id AS "customerId",
              (count(*) FILTER (WHERE f.day > f.first_day AND f.day <= ${cal}))::int AS x,
              COALESCE(max(f.day) FILTER (WHERE f.day > f.first_day AND f.day <= ${cal}), f.first_day) - f.first_day AS "txDays",
              ${cal} - f.first_day AS "tDays",
              COALESCE(sum(f.value) FILTER (WHERE f.day > f.first_day AND f.day <= ${cal}), 0)::text AS "repeatValue",
              (count(*) FILTER (WHERE f.day > ${cal}))::int AS "holdoutX"
         FROM f
        GROUP BY f.customer_id, f.first_day
       HAVING f.first_day <= ${cal}
        ORDER BY f.customer_id`,
      params.values,
    );
    return rows;
  }

  /**
   * Stores a fitted model and the scores of every customer it saw in one transaction, replacing the scores
   * of earlier models (only the current model's scores are kept; older models stay as a record). An advisory
   * lock keeps two concurrent fits from interleaving their replacements.
   */
  async saveModel(model: NewModel, scores: readonly NewScore[]): Promise<string> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('fattail.lifetime_value_fit'))`);
      const [{ id }]: { id: string }[] = await m.query(
        `INSERT INTO lifetime_value_model (activity, partner_id, calibration_end, holdout_end, unit, params, covariance, bgnbd_log_likelihood,
           gg_log_likelihood, customers, repeat_customers, unique_triples, scored_customers, horizon_months, annual_discount_rate, holdout, fit_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
        [
          model.activity,
          model.partnerId,
          model.calibrationEnd,
          model.holdoutEnd,
          model.unit,
          JSON.stringify(model.params),
          JSON.stringify(model.covariance),
          model.bgnbdLogLikelihood,
          model.ggLogLikelihood,
          model.customers,
          model.repeatCustomers,
          model.uniqueTriples,
          scores.length,
          model.horizonMonths,
          String(model.annualDiscountRate),
          model.holdout === null ? null : JSON.stringify(model.holdout),
          Math.round(model.fitMs),
        ],
      );
      await m.query(`DELETE FROM customer_lifetime_value WHERE model_id <> $1`, [id]);
      for (let start = 0; start < scores.length; start += SCORE_CHUNK) {
        const chunk = scores.slice(start, start + SCORE_CHUNK);
        const col = <K extends keyof NewScore>(key: K) => chunk.map((s) => s[key]);
        await m.query(
          `INSERT INTO customer_lifetime_value (customer_id, model_id, x, tx, t, zbar, probability_alive, expected_transactions_12m,
             expected_average_spend, predicted_value_12m, predicted_value_low, predicted_value_high)
           SELECT u.customer_id, $1, u.x, u.tx, u.t, u.zbar, u.pa, u.et, u.spend, u.pv, u.low, u.high
             FROM unnest($2::bigint[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
                         $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[])
               AS u(customer_id, x, tx, t, zbar, pa, et, spend, pv, low, high)`,
          [
            id,
            col('customerId'),
            col('x'),
            col('tx'),
            col('t'),
            col('zbar'),
            col('probabilityAlive'),
            col('expectedTransactions12m'),
            col('expectedAverageSpend'),
            col('predictedValue12m'),
            col('predictedValueLow'),
            col('predictedValueHigh'),
          ],
        );
      }
      return id;
    });
  }

  async modelsByIds(ids: readonly string[]): Promise<(ModelRow | null)[]> {
    const rows: ModelRow[] = await this.dataSource.query(
      `SELECT ${MODEL_COLUMNS} FROM lifetime_value_model m LEFT JOIN partner p ON p.id = m.partner_id WHERE m.id = ANY($1::bigint[])`,
      [ids],
    );
    return inKeyOrder(ids, rows, (r) => r.id);
  }

  async currentModel(): Promise<ModelRow | null> {
    const rows: ModelRow[] = await this.dataSource.query(
      `SELECT ${MODEL_COLUMNS} FROM lifetime_value_model m LEFT JOIN partner p ON p.id = m.partner_id ORDER BY m.id DESC LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  async listModels(limit: number): Promise<ModelRow[]> {
    return this.dataSource.query(
      `SELECT ${MODEL_COLUMNS} FROM lifetime_value_model m LEFT JOIN partner p ON p.id = m.partner_id ORDER BY m.id DESC LIMIT $1`,
      [limit],
    );
  }

  /** The stored scores of these customers (only the current model's are kept); null for the unscored. */
  async scoresByCustomerIds(customerIds: readonly string[]): Promise<(ScoreRow | null)[]> {
    const rows: ScoreRow[] = await this.dataSource.query(
      `SELECT ${SCORE_COLUMNS} FROM customer_lifetime_value s WHERE s.customer_id = ANY($1::bigint[])`,
      [customerIds],
    );
    return inKeyOrder(customerIds, rows, (r) => r.customerId);
  }

  /** Predicted 12-month value of each segment's members as of its last refresh: sum, mean and deciles. */
  async segmentValues(segmentIds: readonly string[]): Promise<SegmentValueRow[]> {
    return this.dataSource.query(
      `SELECT count(m.customer_id)::int AS members,
              count(s.predicted_value_12m)::int AS "scoredMembers",
              COALESCE(sum(s.predicted_value_12m), 0)::text AS total,
              round(avg(s.predicted_value_12m), 2)::text AS mean,
              round((percentile_cont(0.1) WITHIN GROUP (ORDER BY s.predicted_value_12m))::numeric, 2)::text AS p10,
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY s.predicted_value_12m))::numeric, 2)::text AS p50,
              round((percentile_cont(0.9) WITHIN GROUP (ORDER BY s.predicted_value_12m))::numeric, 2)::text AS p90
         FROM unnest($1::bigint[]) WITH ORDINALITY AS k(segment_id, i)
         LEFT JOIN segment_membership m ON m.segment_id = k.segment_id
         LEFT JOIN customer_lifetime_value s ON s.customer_id = m.customer_id
        GROUP BY k.i
        ORDER BY k.i`,
      [segmentIds],
    );
  }
}
