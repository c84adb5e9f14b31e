import { performance } from 'node:perf_hooks';
import { badInput } from '../../common/errors';
import { compareHoldout, conditionalExpectedTransactions, fitLifetimeModels, LifetimeModelsFit } from './model';
import { dayNumber, daysPerUnit, RfmUnit } from './model/rfm';
import { LifetimeValueConfig } from './lifetime-value.config';
import { LifetimeValueLoaders } from './lifetime-value.loaders';
import {
  ACTIVITIES,
  Activity,
  HoldoutJson,
  LifetimeValueRepository,
  ModelRow,
  NewScore,
  RfmSqlRow,
  ScoreRow,
  SegmentValueRow,
  Unit,
  UNITS,
} from './lifetime-value.repository';
import { RealisedValue, resolveRealisedPeriod, toRealisedValue } from './realised-value';
import { CustomerScorer, ModelEstimate, RfmRow, scoreCustomers } from './scoring';

export interface FitInput {
  activity: Activity;
  partner?: string | null;
  /** YYYY-MM-DD: the last day of the calibration period (UTC calendar day). */
  calibrationEnd: string;
  unit?: Unit | null;
  /** YYYY-MM-DD: when given, purchases in (calibrationEnd, holdoutEnd] are compared with the forecast. */
  holdoutEnd?: string | null;
  annualDiscountRate?: number | null;
}

export interface ModelView {
  version: number;
  activity: Activity;
  partner: string | null;
  calibrationEnd: string;
  holdoutEnd: string | null;
  unit: Unit;
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
  gammaGamma: { p: number; q: number; gamma: number; logLikelihood: number };
  customers: number;
  repeatCustomers: number;
  uniqueTriples: number;
  scoredCustomers: number;
  horizonMonths: number;
  annualDiscountRate: number;
  holdout: HoldoutJson | null;
  fitMs: number;
  createdAt: Date;
}

export interface FitResult extends ModelView {
  /** Time to extract, fit, score and store, for the bench and the CLI. */
  timings: { extractMs: number; fitMs: number; scoreMs: number; writeMs: number };
}

export interface PredictedValueView {
  amount: string;
  interval: { low: string; high: string };
  horizonMonths: number;
  annualDiscountRate: number;
  level: number;
}

export interface SegmentValueView {
  members: number;
  scoredMembers: number;
  total: string;
  mean: string | null;
  p10: string | null;
  p50: string | null;
  p90: string | null;
}

const MAX_HORIZON_MONTHS = 120;
const MAX_PERIODS = 100_000;
const MAX_MODELS = 100;
const DEFAULT_HORIZON_MONTHS = 12;
const INTERVAL_LEVEL = 0.8;

const toRfmUnit = (unit: Unit): RfmUnit => unit.toLowerCase() as RfmUnit;
const money = (value: number | null): string | null => (value === null || !Number.isFinite(value) ? null : value.toFixed(2));

function toModelView(row: ModelRow): ModelView {
  return {
    version: Number(row.id),
    activity: row.activity,
    partner: row.partnerCode,
    calibrationEnd: row.calibrationEnd,
    holdoutEnd: row.holdoutEnd,
    unit: row.unit,
    bgnbd: { ...row.params.bgnbd, logLikelihood: row.bgnbdLogLikelihood },
    gammaGamma: { ...row.params.gammaGamma, logLikelihood: row.ggLogLikelihood },
    customers: row.customers,
    repeatCustomers: row.repeatCustomers,
    uniqueTriples: row.uniqueTriples,
    scoredCustomers: row.scoredCustomers,
    horizonMonths: row.horizonMonths,
    annualDiscountRate: Number(row.annualDiscountRate),
    holdout: row.holdout,
    fitMs: row.fitMs,
    createdAt: row.createdAt,
  };
}

function estimateOf(model: ModelRow): ModelEstimate {
  return {
    unit: toRfmUnit(model.unit),
    bgnbd: { params: model.params.bgnbd, logParamCovariance: model.covariance.bgnbd },
    gg: { params: model.params.gammaGamma, logParamCovariance: model.covariance.gammaGamma },
  };
}

function isoDay(value: string, field: string): number {
  try {
    return dayNumber(value);
  } catch {
    throw badInput(field, `${field.split('.').pop()} must be a calendar date YYYY-MM-DD; got "${value}"`);
  }
}

/**
 * Realised value, the lifetime-value model fit and per-customer predictions. Reads go through per-request
 * loaders; the pure math lives in ./model and ./scoring; the model's RangeErrors become BAD_USER_INPUT here.
 */
export class LifetimeValueService {
  constructor(
    private readonly repo: LifetimeValueRepository,
    private readonly loaders: LifetimeValueLoaders,
    private readonly config: LifetimeValueConfig,
  ) {}

  async realised(customerLocalId: string, from: Date | null | undefined, to: Date | null | undefined): Promise<RealisedValue> {
    const period = resolveRealisedPeriod(from, to, this.loaders.now);
    const row = await this.loaders.realisedByCustomerLoader.load({
      parent: customerLocalId,
      args: { from: period.from.toISOString(), to: period.to.toISOString() },
    });
    return toRealisedValue(period, row);
  }

  private async scored(customerLocalId: string): Promise<{ score: ScoreRow; model: ModelRow } | null> {
    const score = await this.loaders.scoreByCustomerLoader.load(customerLocalId);
    if (!score) return null;
    const model = await this.loaders.modelByIdLoader.load(score.modelId);
    return model ? { score, model } : null;
  }

  async modelVersion(customerLocalId: string): Promise<number | null> {
    const s = await this.scored(customerLocalId);
    return s ? Number(s.model.id) : null;
  }

  async probabilityAlive(customerLocalId: string): Promise<number | null> {
    return (await this.scored(customerLocalId))?.score.probabilityAlive ?? null;
  }

  async repeatTransactions(customerLocalId: string): Promise<number | null> {
    return (await this.scored(customerLocalId))?.score.x ?? null;
  }

  /** `periods` in the model's unit; omitted: the next 12 months (stored at fit time). */
  async expectedTransactions(customerLocalId: string, periods: number | null | undefined): Promise<number | null> {
    if (periods != null && !(Number.isFinite(periods) && periods > 0 && periods <= MAX_PERIODS)) {
      throw badInput('periods', `periods must be greater than 0 and at most ${MAX_PERIODS}`);
    }
    const s = await this.scored(customerLocalId);
    if (!s) return null;
    if (periods == null) return s.score.expectedTransactions12m;
    const { x, tx, t } = s.score;
    return conditionalExpectedTransactions(s.model.params.bgnbd, periods, x, tx, t);
  }

  async expectedAverageSpend(customerLocalId: string): Promise<string | null> {
    return (await this.scored(customerLocalId))?.score.expectedAverageSpend ?? null;
  }

  /**
   * Discounted value of the customer's expected purchases over the horizon, with an 80% interval from the
   * parameters' uncertainty. The stored score answers the fit's horizon and rate; other arguments are
   * computed from the stored calibration summary.
   */
  async predictedValue(
    customerLocalId: string,
    horizonMonths: number | null | undefined,
    annualDiscountRate: number | null | undefined,
  ): Promise<PredictedValueView | null> {
    if (horizonMonths != null && !(Number.isInteger(horizonMonths) && horizonMonths >= 1 && horizonMonths <= MAX_HORIZON_MONTHS)) {
      throw badInput('horizonMonths', `horizonMonths must be a whole number of months from 1 to ${MAX_HORIZON_MONTHS}`);
    }
    if (annualDiscountRate != null && !(Number.isFinite(annualDiscountRate) && annualDiscountRate >= 0 && annualDiscountRate <= 1)) {
      throw badInput('annualDiscountRate', 'annualDiscountRate must be between 0 and 1 (0.1 is 10% a year)');
    }
    const s = await this.scored(customerLocalId);
    if (!s) return null;
    const horizon = horizonMonths ?? s.model.horizonMonths;
    const rate = annualDiscountRate ?? Number(s.model.annualDiscountRate);
    const view = (amount: string | null, low: string | null, high: string | null): PredictedValueView | null =>
      amount === null || low === null || high === null ? null : { amount, interval: { low, high }, horizonMonths: horizon, annualDiscountRate: rate, level: INTERVAL_LEVEL };
    if (horizon === s.model.horizonMonths && rate === Number(s.model.annualDiscountRate)) {
      return view(s.score.predictedValue12m, s.score.predictedValueLow, s.score.predictedValueHigh);
    }
    const value = new CustomerScorer(estimateOf(s.model), { horizonMonths: horizon, annualDiscountRate: rate }).predictedValue({ ...s.score, T: s.score.t });
    return value ? view(money(value.value), money(value.low), money(value.high)) : null;
  }

  async models(limit: number | null | undefined): Promise<ModelView[]> {
    const n = limit ?? 20;
    if (!(Number.isInteger(n) && n >= 1 && n <= MAX_MODELS)) throw badInput('first', `first must be from 1 to ${MAX_MODELS}`);
    return (await this.repo.listModels(n)).map(toModelView);
  }

  /** One model by version; without a version, the current (latest) one. */
  async model(version: number | null | undefined): Promise<ModelView | null> {
    if (version == null) {
      const row = await this.loaders.currentModelLoader.load('current');
      return row ? toModelView(row) : null;
    }
    if (!(Number.isSafeInteger(version) && version >= 1)) throw badInput('version', 'version must be a positive whole number');
    const row = await this.loaders.modelByIdLoader.load(String(version));
    return row ? toModelView(row) : null;
  }

  async segmentValue(segmentId: string): Promise<SegmentValueView> {
    const row: SegmentValueRow = await this.loaders.segmentValueBySegmentIdLoader.load(segmentId);
    return row;
  }

  /**
   * Extracts each customer's calibration summary in SQL, fits BG/NBD and Gamma-Gamma, scores every customer
   * that had activity by the calibration end and stores model and scores (replacing the previous scores).
   */
  async fit(input: FitInput): Promise<FitResult> {
    const activity = input.activity;
    if (!ACTIVITIES.includes(activity)) throw badInput('input.activity', `activity must be one of ${ACTIVITIES.join(', ')}`);
    const unit = input.unit ?? 'WEEK';
    if (!UNITS.includes(unit)) throw badInput('input.unit', `unit must be one of ${UNITS.join(', ')}`);
    const partnerCode = input.partner?.trim() || null;
    if (activity === 'PARTNER_PURCHASES' && !partnerCode) throw badInput('input.partner', 'PARTNER_PURCHASES needs the partner code');
    if (activity !== 'PARTNER_PURCHASES' && partnerCode) throw badInput('input.partner', 'partner applies only to PARTNER_PURCHASES');
    const today = dayNumber(this.loaders.now);
    const calDay = isoDay(input.calibrationEnd, 'input.calibrationEnd');
    if (calDay > today) throw badInput('input.calibrationEnd', 'calibrationEnd must not be in the future');
    const holdoutEnd = input.holdoutEnd ?? null;
    if (holdoutEnd !== null) {
      const holdoutDay = isoDay(holdoutEnd, 'input.holdoutEnd');
      if (holdoutDay <= calDay) throw badInput('input.holdoutEnd', 'holdoutEnd must be after calibrationEnd');
      if (holdoutDay > today) throw badInput('input.holdoutEnd', 'holdoutEnd must not be in the future');
    }
    const annualDiscountRate = input.annualDiscountRate ?? this.config.annualDiscountRate;
    if (!(Number.isFinite(annualDiscountRate) && annualDiscountRate >= 0 && annualDiscountRate <= 1)) {
      throw badInput('input.annualDiscountRate', 'annualDiscountRate must be between 0 and 1 (0.1 is 10% a year)');
    }
    let partnerId: string | null = null;
    if (partnerCode) {
      partnerId = await this.repo.partnerIdByCode(partnerCode);
      if (!partnerId) throw badInput('input.partner', `no partner with code "${partnerCode}"`);
    }

    const t0 = performance.now();
    const sqlRows = await this.repo.rfmSummaries(activity, partnerId, input.calibrationEnd, holdoutEnd);
    const t1 = performance.now();
    if (sqlRows.length === 0) {
      throw badInput('input.calibrationEnd', `no customer has ${activity} activity on or before ${input.calibrationEnd}`);
    }
    const rfmUnit = toRfmUnit(unit);
    const rows = toRfmRows(sqlRows, daysPerUnit(rfmUnit));

    let fit: LifetimeModelsFit;
    try {
      fit = fitLifetimeModels(rows);
    } catch (error) {
      if (error instanceof RangeError) {
        throw badInput('input.calibrationEnd', `the ${activity} data up to ${input.calibrationEnd} cannot support a fit: ${error.message}`);
      }
      throw error;
    }
    const t2 = performance.now();

    const estimate: ModelEstimate = {
      unit: rfmUnit,
      bgnbd: { params: fit.bgnbd.params, logParamCovariance: fit.bgnbd.logParamCovariance! },
      gg: { params: fit.gammaGamma.params, logParamCovariance: fit.gammaGamma.logParamCovariance! },
    };
    const scores = scoreCustomers(rows, estimate, { horizonMonths: DEFAULT_HORIZON_MONTHS, annualDiscountRate });
    const newScores: NewScore[] = rows.map((row, i) => ({
      customerId: sqlRows[i].customerId,
      x: row.x,
      tx: row.tx,
      t: row.T,
      zbar: row.zbar,
      probabilityAlive: scores[i].probabilityAlive,
      expectedTransactions12m: scores[i].expectedTransactions12m,
      expectedAverageSpend: money(scores[i].expectedAverageSpend),
      predictedValue12m: money(scores[i].predictedValue?.value ?? null),
      predictedValueLow: money(scores[i].predictedValue?.low ?? null),
      predictedValueHigh: money(scores[i].predictedValue?.high ?? null),
    }));
    let holdout: HoldoutJson | null = null;
    if (holdoutEnd !== null) {
      const periods = (dayNumber(holdoutEnd) - calDay) / daysPerUnit(rfmUnit);
      const h = compareHoldout(fit.bgnbd.params, rows.map((r, i) => ({ ...r, holdoutX: sqlRows[i].holdoutX })), periods);
      holdout = { customers: h.customers, periods, predicted: h.predicted, actual: h.actual, errorPct: h.errorPct };
    }
    const t3 = performance.now();

    const id = await this.repo.saveModel(
      {
        activity,
        partnerId,
        calibrationEnd: input.calibrationEnd,
        holdoutEnd,
        unit,
        params: { bgnbd: fit.bgnbd.params, gammaGamma: fit.gammaGamma.params },
        covariance: { bgnbd: estimate.bgnbd.logParamCovariance, gammaGamma: estimate.gg.logParamCovariance },
        bgnbdLogLikelihood: fit.bgnbd.logLikelihood,
        ggLogLikelihood: fit.gammaGamma.logLikelihood,
        customers: fit.customers,
        repeatCustomers: fit.gammaGamma.customers,
        uniqueTriples: fit.uniqueTriples,
        horizonMonths: DEFAULT_HORIZON_MONTHS,
        annualDiscountRate,
        holdout,
        fitMs: t2 - t1,
      },
      newScores,
    );
    const t4 = performance.now();
    const [saved] = await this.repo.modelsByIds([id]);
    return { ...toModelView(saved!), timings: { extractMs: t1 - t0, fitMs: t2 - t1, scoreMs: t3 - t2, writeMs: t4 - t3 } };
  }
}

/** Calibration summaries in the model's unit, from whole days (so they equal summariseRfm's). */
export function toRfmRows(rows: readonly RfmSqlRow[], daysPerPeriod: number): RfmRow[] {
  return rows.map((r) => ({
    x: r.x,
    tx: r.txDays / daysPerPeriod,
    T: r.tDays / daysPerPeriod,
    zbar: r.x > 0 ? Number(r.repeatValue) / r.x : 0,
  }));
}

