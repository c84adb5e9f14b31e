// BG/NBD model of repeat purchasing: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
// Way". While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each repeat
// purchase they drop out with probability p ~ Beta(a, b). Times are in the unit of the RFM data.

import { nelderMead, NelderMeadOptions, parameterCovariance } from './optimize';
import { betaVariate, exponentialVariate, gammaVariate, Rng } from './random';
import { RfmTriple } from './rfm';
import { hyp2f1Scaled, lgamma, logistic, logSumExp } from './special-functions';

// Local aliases: in jest's vm sandbox every lookup of the global `Math` goes through the context's
// interceptor, which made the likelihood loops several times slower under test; in plain Node the
// aliases change nothing.
const { abs, exp, log, log1p, max } = Math;

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgnbdFit {
  params: BgnbdParams;
  logLikelihood: number;
  evaluations: number;
  converged: boolean;
}

const PARAM_ORDER = ['r', 'alpha', 'a', 'b'] as const;

export function bgnbdToLogVector(p: BgnbdParams): number[] {
  return PARAM_ORDER.map((k) => log(p[k]));
}

export function bgnbdFromLogVector(v: readonly number[]): BgnbdParams {
  return { r: exp(v[0]), alpha: exp(v[1]), a: exp(v[2]), b: exp(v[3]) };
}

/** Terms of the log-likelihood that depend on x only (shared by every customer with that x). */
function logCommon({ r, alpha, a, b }: BgnbdParams, x: number): number {
  return lgamma(r + x) - lgamma(r) + r * log(alpha) + lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
}

/**
 * log of the bracket in FHL (2005) eq. 6: the "still alive at T" term plus, for x > 0, the
 * "dropped out right after the last purchase" term, added in log space so neither underflows.
 */
function logBranches({ r, alpha, a, b }: BgnbdParams, x: number, tx: number, T: number): number {
  const alive = -(r + x) * log(alpha + T);
  if (x === 0) return alive;
  const droppedOut = log(a) - log(b + x - 1) - (r + x) * log(alpha + tx);
  return logSumExp(alive, droppedOut);
}

/** log L(r, alpha, a, b | x, t_x, T) for one customer. */
export function bgnbdCustomerLogLikelihood(params: BgnbdParams, x: number, tx: number, T: number): number {
  return logCommon(params, x) + logBranches(params, x, tx, T);
}

interface PreparedTriples {
  /** One group per distinct x, so the lgamma terms are computed once per x. */
  groups: { x: number; total: number; tx: Float64Array; T: Float64Array; count: Float64Array }[];
}

function prepare(data: readonly RfmTriple[]): PreparedTriples {
  const byX = new Map<number, RfmTriple[]>();
  for (const row of data) {
    if (!(row.x >= 0) || !(row.tx >= 0) || !(row.T >= row.tx)) {
      throw new RangeError(`invalid RFM triple x=${row.x} tx=${row.tx} T=${row.T}`);
    }
    const list = byX.get(row.x);
    if (list) list.push(row);
    else byX.set(row.x, [row]);
  }
  const groups = [...byX].map(([x, rows]) => ({
    x,
    total: rows.reduce((s, row) => s + (row.count ?? 1), 0),
    tx: Float64Array.from(rows, (row) => row.tx),
    T: Float64Array.from(rows, (row) => row.T),
    count: Float64Array.from(rows, (row) => row.count ?? 1),
  }));
  return { groups };
}

function preparedLogLikelihood(params: BgnbdParams, data: PreparedTriples): number {
  let total = 0;
  for (const g of data.groups) {
    let sum = 0;
    for (let i = 0; i < g.tx.length; i++) sum += g.count[i] * logBranches(params, g.x, g.tx[i], g.T[i]);
    total += g.total * logCommon(params, g.x) + sum;
  }
  return total;
}

/** Total log-likelihood over (optionally compressed) RFM triples; `count` weights each triple. */
export function bgnbdLogLikelihood(params: BgnbdParams, data: readonly RfmTriple[]): number {
  return preparedLogLikelihood(params, prepare(data));
}

/**
 * Maximum-likelihood fit. The search runs over log-parameters, which keeps every parameter
 * positive without constraints and makes the surface closer to quadratic.
 */
export function fitBgnbd(
  data: readonly RfmTriple[],
  options: NelderMeadOptions & { start?: BgnbdParams } = {},
): BgnbdFit {
  const prepared = prepare(data);
  const start = options.start ?? { r: 1, alpha: 1, a: 1, b: 1 };
  const result = nelderMead(
    (v) => -preparedLogLikelihood(bgnbdFromLogVector(v), prepared),
    bgnbdToLogVector(start),
    options,
  );
  return {
    params: bgnbdFromLogVector(result.x),
    logLikelihood: -result.value,
    evaluations: result.evaluations,
    converged: result.converged,
  };
}

/** Covariance of (log r, log alpha, log a, log b) at the fitted parameters. */
export function bgnbdLogParamCovariance(params: BgnbdParams, data: readonly RfmTriple[]): number[][] {
  const prepared = prepare(data);
  return parameterCovariance((v) => -preparedLogLikelihood(bgnbdFromLogVector(v), prepared), bgnbdToLogVector(params));
}

/** P(customer still alive at T | x, t_x, T). For x = 0 it is 1: BG/NBD drops customers only after a repeat purchase. */
export function probabilityAlive({ r, alpha, a, b }: BgnbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  // log of (dropped-out branch / alive branch) of the likelihood
  const logOdds = log(a) - log(b + x - 1) + (r + x) * log1p((T - tx) / (alpha + tx));
  return logistic(logOdds);
}

/** Width of the band around a removable singularity where the formula is bridged, not evaluated. */
const SINGULAR_BAND = 1e-5;

/**
 * E[number of purchases in (0, t]] for a customer known to be alive at time 0 with shape r', scale
 * alpha' and b'; with (r, alpha, b) it is FHL eq. 7, with (r+x, alpha+T, b+x) the numerator of eq. 10:
 *   c/(a-1) * [1 - (alpha'/(alpha'+t))^r' 2F1(r', b'; c; t/(alpha'+t))],  c = a + b' - 1.
 */
function expectedPurchases(rr: number, al: number, a: number, bb: number, t: number): number {
  if (!(t > 0)) return 0;
  // a = 1 and c = 0 are removable singularities (0/0 and 0 * pole); near them the closed form
  // loses digits, so bridge linearly between points just outside the band.
  if (abs(a - 1) < SINGULAR_BAND) return bridge(a, 1, (v) => expectedPurchasesFormula(rr, al, v, bb, t));
  if (abs(a + bb - 1) < SINGULAR_BAND) {
    return bridge(a, 1 - bb, (v) => expectedPurchasesFormula(rr, al, v, bb, t));
  }
  return expectedPurchasesFormula(rr, al, a, bb, t);
}

function expectedPurchasesFormula(rr: number, al: number, a: number, bb: number, t: number): number {
  const c = a + bb - 1;
  const z = t / (al + t);
  const w = al / (al + t); // 1 - z, computed without cancellation
  const logPrefactor = -rr * log1p(t / al);
  const scaledHyp = hyp2f1Scaled(rr, bb, c, z, w, logPrefactor);
  // Tiny t can round the bracket to slightly below zero; an expected count is never negative.
  return max(0, (c / (a - 1)) * (1 - scaledHyp));
}

function bridge(v: number, singular: number, f: (v: number) => number): number {
  const lo = f(singular - SINGULAR_BAND);
  const hi = f(singular + SINGULAR_BAND);
  return lo + ((hi - lo) * (v - (singular - SINGULAR_BAND))) / (2 * SINGULAR_BAND);
}

/** E[X(t)]: expected repeat purchases in (0, t] for a randomly chosen new customer (FHL eq. 7). */
export function expectedTransactions(params: BgnbdParams, t: number): number {
  return expectedPurchases(params.r, params.alpha, params.a, params.b, t);
}

/** E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] for a customer with this history (FHL eq. 10). */
export function conditionalExpectedTransactions(
  params: BgnbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, a, b } = params;
  return probabilityAlive(params, x, tx, T) * expectedPurchases(r + x, alpha + T, a, b + x, t);
}

export interface SimulatedCustomer {
  /** Purchase times from the first purchase (time 0), in model units, up to the horizon. */
  purchaseTimes: number[];
}

/**
 * Draws one customer's purchases on [0, horizon] from the BG/NBD generative process: the first
 * purchase at 0, then Poisson(lambda) purchases, each repeat purchase followed by dropout with prob p.
 */
export function simulateBgnbdCustomer(params: BgnbdParams, horizon: number, rng: Rng): SimulatedCustomer {
  const lambda = gammaVariate(rng, params.r, params.alpha);
  const p = betaVariate(rng, params.a, params.b);
  const purchaseTimes = [0];
  let t = 0;
  for (;;) {
    t += exponentialVariate(rng, lambda);
    if (t > horizon) break;
    purchaseTimes.push(t);
    if (rng() < p) break;
  }
  return { purchaseTimes };
}
