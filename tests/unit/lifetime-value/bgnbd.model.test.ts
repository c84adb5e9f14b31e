import {
  BgnbdParams,
  bgnbdCustomerLogLikelihood,
  bgnbdLogLikelihood,
  bgnbdLogParamCovariance,
  bgnbdToLogVector,
  compressRfm,
  conditionalExpectedTransactions,
  createRng,
  expectedTransactions,
  fitBgnbd,
  lbeta,
  probabilityAlive,
  simulateBgnbdCustomer,
} from '../../../src/modules/lifetime-value/model';
import { integrate, mahalanobis } from './numeric-helpers';

const CDNOW_LIKE: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/**
 * E[X(t)] from its definition: E over p ~ Beta(a, b) of (1 - (alpha/(alpha + p t))^r) / p
 * (FHL 2005 eq. 6 integrated over lambda). Split at p = 1/2 and substituted (p = u^(1/a),
 * 1 - p = v^(1/b)) so the Beta density's endpoint singularities disappear.
 */
function expectedTransactionsByIntegration({ r, alpha, a, b }: BgnbdParams, t: number): number {
  const g = (p: number): number => (p === 0 ? (r * t) / alpha : -Math.expm1(-r * Math.log1p((p * t) / alpha)) / p);
  const lowerHalf = integrate(
    (u) => g(Math.pow(u, 1 / a)) * Math.pow(1 - Math.pow(u, 1 / a), b - 1),
    0,
    Math.pow(0.5, a),
  );
  const upperHalf = integrate(
    (v) => g(1 - Math.pow(v, 1 / b)) * Math.pow(1 - Math.pow(v, 1 / b), a - 1),
    0,
    Math.pow(0.5, b),
  );
  return (lowerHalf / a + upperHalf / b) / Math.exp(lbeta(a, b));
}

describe('BG/NBD log-likelihood', () => {
  it('for x = 0 is r log(alpha / (alpha + T)) (computed by hand)', () => {
    // L = (alpha/(alpha+T))^r: with r = 1/2, alpha = 2, T = 14 that is (1/8)^(1/2).
    expect(bgnbdCustomerLogLikelihood({ r: 0.5, alpha: 2, a: 0.7, b: 3 }, 0, 0, 14)).toBeCloseTo(
      -0.5 * Math.log(8),
      13,
    );
  });

  it('for x = 1 adds the dropped-out branch (computed by hand)', () => {
    // r = alpha = a = b = 1, x = 1, t_x = 1, T = 3:
    // B(1,2)/B(1,1) * 1/(1+3)^2 + B(2,1)/B(1,1) * 1/(1+1)^2 = 1/32 + 1/8 = 5/32.
    expect(bgnbdCustomerLogLikelihood({ r: 1, alpha: 1, a: 1, b: 1 }, 1, 1, 3)).toBeCloseTo(Math.log(5 / 32), 13);
  });

  it('weights compressed triples by their count', () => {
    const rows = [
      { x: 0, tx: 0, T: 30 },
      { x: 0, tx: 0, T: 30 },
      { x: 2, tx: 10, T: 30 },
      { x: 2, tx: 10, T: 30 },
      { x: 5, tx: 28.5, T: 38 },
    ];
    const perCustomer = rows.reduce((s, row) => s + bgnbdCustomerLogLikelihood(CDNOW_LIKE, row.x, row.tx, row.T), 0);
    expect(bgnbdLogLikelihood(CDNOW_LIKE, rows)).toBeCloseTo(perCustomer, 10);
    expect(bgnbdLogLikelihood(CDNOW_LIKE, compressRfm(rows))).toBeCloseTo(perCustomer, 10);
  });

  it('stays finite for extreme parameters and histories', () => {
    const extremes = [1e-8, 1e-3, 1, 1e3, 1e8];
    for (const r of extremes) {
      for (const alpha of extremes) {
        for (const a of extremes) {
          for (const b of extremes) {
            for (const [x, tx, T] of [
              [0, 0, 0],
              [0, 0, 1e4],
              [1, 1e-6, 39],
              [300, 38.9, 39],
            ]) {
              const ll = bgnbdCustomerLogLikelihood({ r, alpha, a, b }, x, tx, T);
              expect(Number.isFinite(ll)).toBe(true);
            }
          }
        }
      }
    }
  });

  it('rejects impossible histories', () => {
    expect(() => bgnbdLogLikelihood(CDNOW_LIKE, [{ x: 1, tx: 5, T: 4 }])).toThrow(RangeError);
  });
});

describe('probabilityAlive', () => {
  it('is 1 for x = 0: BG/NBD only lets customers drop out after a repeat purchase', () => {
    for (const T of [0, 1, 39, 1e4]) expect(probabilityAlive(CDNOW_LIKE, 0, 0, T)).toBe(1);
  });

  it('falls as time since the last purchase grows', () => {
    let previous = 1;
    for (const T of [10, 20, 40, 80, 160]) {
      const p = probabilityAlive(CDNOW_LIKE, 3, 10, T);
      expect(p).toBeLessThan(previous);
      previous = p;
    }
    // At T = t_x the recency factor is 1, leaving 1 / (1 + a / (b + x - 1)).
    expect(probabilityAlive(CDNOW_LIKE, 3, 10, 10)).toBeCloseTo(1 / (1 + CDNOW_LIKE.a / (CDNOW_LIKE.b + 2)), 14);
    // A more recent last purchase means more likely alive.
    expect(probabilityAlive(CDNOW_LIKE, 3, 35, 39)).toBeGreaterThan(probabilityAlive(CDNOW_LIKE, 3, 10, 39));
  });

  it('stays within [0, 1] for extreme inputs', () => {
    for (const alpha of [1e-8, 1, 1e8]) {
      for (const [x, tx, T] of [
        [1, 0, 1e6],
        [500, 1, 1e6],
        [1, 39, 39],
      ]) {
        const p = probabilityAlive({ ...CDNOW_LIKE, alpha }, x, tx, T);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('expected transactions', () => {
  it('E[X(0)] = 0 and E[X(t)] increases with t', () => {
    expect(expectedTransactions(CDNOW_LIKE, 0)).toBe(0);
    let previous = 0;
    for (const t of [0.01, 1, 5, 20, 39, 78, 200, 1000, 1e5]) {
      const e = expectedTransactions(CDNOW_LIKE, t);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
  });

  it('matches the defining integral over p for a < 1, a > 1, and at the a = 1 singularity', () => {
    const cases: [BgnbdParams, number][] = [
      [CDNOW_LIKE, 39],
      [CDNOW_LIKE, 500],
      [{ r: 2.5, alpha: 0.3, a: 3.2, b: 0.6 }, 12],
      [{ r: 0.8, alpha: 10, a: 1, b: 1.7 }, 52],
      [{ r: 0.8, alpha: 10, a: 1 + 3e-6, b: 1.7 }, 52],
      [{ r: 0.4, alpha: 2, a: 0.3, b: 0.7 + 1e-7 }, 30], // a + b - 1 = c ~ 0: the other removable singularity
    ];
    for (const [params, t] of cases) {
      const expected = expectedTransactionsByIntegration(params, t);
      expect(Math.abs(expectedTransactions(params, t) - expected) / expected).toBeLessThan(1e-7);
    }
  });

  it('matches a Monte Carlo run of the generative process', () => {
    const rng = createRng(7);
    const t = 20;
    const n = 100_000;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < n; i++) {
      const repeats = simulateBgnbdCustomer(CDNOW_LIKE, t, rng).purchaseTimes.length - 1;
      sum += repeats;
      sumSquares += repeats * repeats;
    }
    const mean = sum / n;
    const standardError = Math.sqrt((sumSquares / n - mean * mean) / n);
    expect(Math.abs(mean - expectedTransactions(CDNOW_LIKE, t))).toBeLessThan(4 * standardError);
  });

  it('conditional expectation for a customer seen only at time 0 equals the unconditional one', () => {
    for (const t of [1, 39, 400]) {
      expect(conditionalExpectedTransactions(CDNOW_LIKE, t, 0, 0, 0)).toBeCloseTo(
        expectedTransactions(CDNOW_LIKE, t),
        12,
      );
    }
  });

  it('conditional expectation rises with frequency, falls with recency gap, and is monotone in t', () => {
    const at = (x: number, tx: number, T: number, t = 39): number =>
      conditionalExpectedTransactions(CDNOW_LIKE, t, x, tx, T);
    expect(at(0, 0, 39)).toBeGreaterThan(0);
    expect(at(5, 35, 39)).toBeGreaterThan(at(1, 35, 39));
    expect(at(5, 35, 39)).toBeGreaterThan(at(5, 5, 39));
    expect(conditionalExpectedTransactions(CDNOW_LIKE, 0, 5, 35, 39)).toBe(0);
    let previous = 0;
    for (const t of [1, 10, 39, 100, 1000]) {
      const e = at(5, 35, 39, t);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
  });

  it('stays finite and non-negative for extreme parameters', () => {
    for (const r of [1e-3, 0.2, 5, 100]) {
      for (const alpha of [1e-3, 1, 1e3]) {
        for (const a of [1e-3, 0.5, 1, 1 + 3e-6, 1.5, 1e3]) {
          for (const b of [1e-3, 0.5, 3, 1e3]) {
            for (const t of [1e-3, 39, 1e4]) {
              for (const [x, tx, T] of [
                [0, 0, 0],
                [0, 0, 30],
                [1, 5, 30],
                [20, 29, 30],
              ]) {
                const e = conditionalExpectedTransactions({ r, alpha, a, b }, t, x, tx, T);
                expect(Number.isFinite(e) && e >= 0).toBe(true);
              }
            }
          }
        }
      }
    }
  });
});

describe('fitBgnbd', () => {
  it('recovers the parameters of simulated data within its own standard errors', () => {
    const rng = createRng(2005);
    const rows = Array.from({ length: 10_000 }, () => {
      const T = 27 + 12 * rng(); // a 12-week cohort observed to week 39, in continuous time
      const { purchaseTimes } = simulateBgnbdCustomer(CDNOW_LIKE, T, rng);
      return { x: purchaseTimes.length - 1, tx: purchaseTimes[purchaseTimes.length - 1], T };
    });
    const fit = fitBgnbd(rows);
    expect(fit.converged).toBe(true);
    // Mahalanobis distance of the estimate from the truth in log-parameter space, against the
    // 99.9% point of chi-square with 4 degrees of freedom.
    const covariance = bgnbdLogParamCovariance(fit.params, rows);
    const diff = bgnbdToLogVector(fit.params).map((v, i) => v - bgnbdToLogVector(CDNOW_LIKE)[i]);
    const distance = mahalanobis(diff, covariance);
    expect(distance).toBeLessThan(18.47);
  });
});
