// Gamma-Gamma model of spend per transaction: Fader & Hardie (2013), note 025. A customer's
// transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers; the model is fit
// on the mean repeat value zbar of customers with x > 0 and assumes spend is independent of the
// purchase process (check that before trusting it on new data).

import { nelderMead, NelderMeadOptions, parameterCovariance } from './optimize';
import { lgamma } from './special-functions';

// Local aliases: in jest's vm sandbox every lookup of the global `Math` goes through the context's
// interceptor, which made the likelihood loops several times slower under test; in plain Node the
// aliases change nothing.
const { exp, log } = Math;

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers the fit used: x > 0 and zbar > 0. */
  customers: number;
  evaluations: number;
  converged: boolean;
}

export interface SpendObservation {
  x: number;
  zbar: number;
  count?: number;
}

export function gammaGammaToLogVector(g: GammaGammaParams): number[] {
  return [log(g.p), log(g.q), log(g.gamma)];
}

export function gammaGammaFromLogVector(v: readonly number[]): GammaGammaParams {
  return { p: exp(v[0]), q: exp(v[1]), gamma: exp(v[2]) };
}

/**
 * log of the density of the mean zbar of x transactions (note 025, eq. 5 expressed for zbar):
 * Gamma(px+q)/(Gamma(px)Gamma(q)) gamma^q x^(px) zbar^(px-1) / (gamma + x zbar)^(px+q).
 */
export function gammaGammaCustomerLogLikelihood({ p, q, gamma }: GammaGammaParams, x: number, zbar: number): number {
  const px = p * x;
  return (
    lgamma(px + q) -
    lgamma(px) -
    lgamma(q) +
    q * log(gamma) +
    px * log(x) +
    (px - 1) * log(zbar) -
    (px + q) * log(gamma + x * zbar)
  );
}

/** Customers the model can use; a zero mean spend has zero density under any Gamma. */
function usable(data: readonly SpendObservation[]): SpendObservation[] {
  return data.filter((d) => d.x > 0 && d.zbar > 0);
}

interface PreparedSpend {
  /** Grouped by x so the lgamma terms are computed once per x; log zbar is precomputed. */
  groups: { x: number; total: number; zbar: Float64Array; logZbar: Float64Array; count: Float64Array }[];
}

function prepare(data: readonly SpendObservation[]): PreparedSpend {
  const byX = new Map<number, SpendObservation[]>();
  for (const d of usable(data)) {
    const list = byX.get(d.x);
    if (list) list.push(d);
    else byX.set(d.x, [d]);
  }
  return {
    groups: [...byX].map(([x, rows]) => ({
      x,
      total: rows.reduce((s, d) => s + (d.count ?? 1), 0),
      zbar: Float64Array.from(rows, (d) => d.zbar),
      logZbar: Float64Array.from(rows, (d) => log(d.zbar)),
      count: Float64Array.from(rows, (d) => d.count ?? 1),
    })),
  };
}

function preparedLogLikelihood({ p, q, gamma }: GammaGammaParams, data: PreparedSpend): number {
  const logGamma = log(gamma);
  let total = 0;
  for (const g of data.groups) {
    const px = p * g.x;
    const perCustomer = lgamma(px + q) - lgamma(px) - lgamma(q) + q * logGamma + px * log(g.x);
    let sum = 0;
    for (let i = 0; i < g.zbar.length; i++) {
      sum += g.count[i] * ((px - 1) * g.logZbar[i] - (px + q) * log(gamma + g.x * g.zbar[i]));
    }
    total += g.total * perCustomer + sum;
  }
  return total;
}

/** Total log-likelihood over customers with x > 0 and zbar > 0 (others carry no spend information). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly SpendObservation[]): number {
  return preparedLogLikelihood(params, prepare(data));
}

export function fitGammaGamma(
  data: readonly SpendObservation[],
  options: NelderMeadOptions & { start?: GammaGammaParams } = {},
): GammaGammaFit {
  const prepared = prepare(data);
  const customers = prepared.groups.reduce((s, g) => s + g.total, 0);
  if (customers === 0) throw new RangeError('no repeat customers with positive spend to fit the Gamma-Gamma model on');
  const start = options.start ?? { p: 1, q: 1, gamma: 1 };
  const result = nelderMead(
    (v) => -preparedLogLikelihood(gammaGammaFromLogVector(v), prepared),
    gammaGammaToLogVector(start),
    options,
  );
  return {
    params: gammaGammaFromLogVector(result.x),
    logLikelihood: -result.value,
    customers,
    evaluations: result.evaluations,
    converged: result.converged,
  };
}

/** Covariance of (log p, log q, log gamma) at the fitted parameters. */
export function gammaGammaLogParamCovariance(params: GammaGammaParams, data: readonly SpendObservation[]): number[][] {
  const prepared = prepare(data);
  return parameterCovariance(
    (v) => -preparedLogLikelihood(gammaGammaFromLogVector(v), prepared),
    gammaGammaToLogVector(params),
  );
}

/**
 * E[spend per transaction | x, zbar] = (gamma + x zbar) p / (p x + q - 1); for x = 0 this is the
 * population mean p gamma / (q - 1). The mean does not exist when p x + q <= 1 (Infinity then).
 */
export function expectedAverageSpend({ p, q, gamma }: GammaGammaParams, x: number, zbar: number): number {
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) return Infinity;
  return ((gamma + x * zbar) * p) / denominator;
}
