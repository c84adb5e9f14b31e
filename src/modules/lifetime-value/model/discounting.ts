// Discounted customer lifetime value from a BG/NBD purchase model and a Gamma-Gamma spend model.

import { BgnbdParams, bgnbdFromLogVector, bgnbdToLogVector, conditionalExpectedTransactions } from './bgnbd.model';
import {
  expectedAverageSpend,
  GammaGammaParams,
  gammaGammaFromLogVector,
  gammaGammaToLogVector,
} from './gamma-gamma.model';
import { cholesky } from './optimize';
import { createRng, multivariateNormal, quantileSorted } from './random';
import { DAYS_PER_MONTH, daysPerUnit, RfmUnit } from './rfm';

export interface PredictedValueInput {
  bgnbd: BgnbdParams;
  gg: GammaGammaParams;
  x: number;
  tx: number;
  T: number;
  zbar: number;
  horizonMonths: number;
  /** e.g. 0.1 for 10% a year; 0 for no discounting. */
  annualDiscountRate: number;
  /** The time unit the BG/NBD parameters were fitted in. */
  unit: RfmUnit;
}

/** Present value factor of money received `months` from now. */
export function discountFactor(annualRate: number, months: number): number {
  return Math.pow(1 + annualRate, -months / 12);
}

function validate(input: PredictedValueInput): void {
  if (!(input.horizonMonths >= 0) || !Number.isFinite(input.horizonMonths)) {
    throw new RangeError('horizonMonths must be a finite number >= 0');
  }
  if (!(input.annualDiscountRate > -1) || !Number.isFinite(input.annualDiscountRate)) {
    throw new RangeError('annualDiscountRate must be finite and greater than -1');
  }
}

/**
 * Expected discounted value over the horizon. The horizon is cut into monthly steps (the last one
 * partial): the expected purchases within each step times the expected spend per purchase, with
 * the step's cash discounted from its end. Monthly steps are the usual compromise between the
 * continuous-time integral and the monthly reporting the bank uses.
 */
export function predictedValue(input: PredictedValueInput): number {
  validate(input);
  const { bgnbd, gg, x, tx, T, zbar, horizonMonths, annualDiscountRate, unit } = input;
  const spend = expectedAverageSpend(gg, x, zbar);
  const unitsPerMonth = DAYS_PER_MONTH / daysPerUnit(unit);
  let total = 0;
  let previous = 0;
  const steps = Math.ceil(horizonMonths);
  for (let m = 1; m <= steps; m++) {
    const monthsElapsed = Math.min(m, horizonMonths);
    const cumulative = conditionalExpectedTransactions(bgnbd, monthsElapsed * unitsPerMonth, x, tx, T);
    total += (cumulative - previous) * discountFactor(annualDiscountRate, monthsElapsed);
    previous = cumulative;
  }
  return total * spend;
}

/** A maximum-likelihood estimate with the covariance of its log-parameters. */
export interface Estimate<P> {
  params: P;
  logParamCovariance: number[][];
}

export interface PredictedValueIntervalInput extends Omit<PredictedValueInput, 'bgnbd' | 'gg'> {
  bgnbd: Estimate<BgnbdParams>;
  gg: Estimate<GammaGammaParams>;
  /** Parameter draws; 200 by default. */
  draws?: number;
  seed?: number;
  /** Central coverage of the interval; 0.8 (10th to 90th percentile) by default. */
  level?: number;
}

export interface PredictedValueInterval {
  point: number;
  lower: number;
  upper: number;
  draws: number;
}

/**
 * Interval for the predicted value that reflects how well the parameters are known: parameter
 * vectors are drawn from the asymptotic normal distribution of the log-parameters (so every draw
 * is positive) and the value is recomputed for each. It is not a prediction interval for what the
 * customer will actually spend, which is far wider. The two models are fitted on separate parts of
 * the likelihood and are drawn independently. A fixed seed makes the interval reproducible, and
 * customers scored with the same seed share draws, so their intervals are comparable.
 */
export function predictedValueInterval(input: PredictedValueIntervalInput): PredictedValueInterval {
  const draws = input.draws ?? 200;
  const level = input.level ?? 0.8;
  if (!(Number.isInteger(draws) && draws >= 2)) throw new RangeError('draws must be an integer >= 2');
  if (!(level > 0 && level < 1)) throw new RangeError('level must be in (0, 1)');
  const base = { ...input, bgnbd: input.bgnbd.params, gg: input.gg.params };
  validate(base);

  const bgnbdFactor = cholesky(input.bgnbd.logParamCovariance);
  const ggFactor = cholesky(input.gg.logParamCovariance);
  if (!bgnbdFactor || !ggFactor) throw new RangeError('parameter covariance is not positive definite');
  const rng = createRng(input.seed ?? 20_050_101);
  const bgnbdMean = bgnbdToLogVector(input.bgnbd.params);
  const ggMean = gammaGammaToLogVector(input.gg.params);

  const values: number[] = [];
  for (let i = 0; i < draws; i++) {
    const bgnbd = bgnbdFromLogVector(multivariateNormal(rng, bgnbdMean, bgnbdFactor));
    const gg = gammaGammaFromLogVector(multivariateNormal(rng, ggMean, ggFactor));
    values.push(predictedValue({ ...base, bgnbd, gg }));
  }
  values.sort((p, q) => p - q);
  const tail = (1 - level) / 2;
  return {
    point: predictedValue(base),
    lower: quantileSorted(values, tail),
    upper: quantileSorted(values, 1 - tail),
    draws,
  };
}
