import {
  createRng,
  expectedAverageSpend,
  fitGammaGamma,
  GammaGammaParams,
  gammaGammaCustomerLogLikelihood,
  gammaGammaLogLikelihood,
  gammaGammaLogParamCovariance,
} from '../../../src/modules/lifetime-value/model';
import { gammaVariate } from '../../../src/modules/lifetime-value/model/random';
import { integrate, mahalanobis } from './numeric-helpers';

const CDNOW_LIKE: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
const logVector = (g: GammaGammaParams): number[] => [Math.log(g.p), Math.log(g.q), Math.log(g.gamma)];

describe('Gamma-Gamma log-likelihood', () => {
  it('matches a hand-computed density', () => {
    // p = 1, q = 2, gamma = 1, x = 1, zbar = 1: Gamma(3)/(Gamma(1)Gamma(2)) * 1 * 1 * 1 / 2^3 = 1/4.
    expect(gammaGammaCustomerLogLikelihood({ p: 1, q: 2, gamma: 1 }, 1, 1)).toBeCloseTo(Math.log(0.25), 14);
  });

  it('is a density of zbar: integrates to 1 for each x', () => {
    // Over u = log zbar in unit-width pieces, so the adaptive rule cannot step over the peak.
    const densityInLog = (x: number) => (u: number) =>
      Math.exp(u + gammaGammaCustomerLogLikelihood(CDNOW_LIKE, x, Math.exp(u)));
    for (const x of [1, 3, 12]) {
      let mass = 0;
      for (let u = -10; u < 15; u++) mass += integrate(densityInLog(x), u, u + 1, 1e-12);
      expect(mass).toBeCloseTo(1, 6);
    }
  });

  it('ignores customers without repeat spend (x = 0 or zbar = 0)', () => {
    const rows = [
      { x: 2, zbar: 30 },
      { x: 0, zbar: 0 },
      { x: 1, zbar: 0 },
    ];
    expect(gammaGammaLogLikelihood(CDNOW_LIKE, rows)).toBeCloseTo(
      gammaGammaCustomerLogLikelihood(CDNOW_LIKE, 2, 30),
      12,
    );
  });
});

describe('expectedAverageSpend', () => {
  it('is the population mean p gamma / (q - 1) for x = 0', () => {
    const { p, q, gamma } = CDNOW_LIKE;
    expect(expectedAverageSpend(CDNOW_LIKE, 0, 0)).toBeCloseTo((p * gamma) / (q - 1), 12);
  });

  it('moves from the population mean towards the customer mean as x grows', () => {
    const population = expectedAverageSpend(CDNOW_LIKE, 0, 0);
    const zbar = 100;
    let previous = population;
    for (const x of [1, 2, 5, 20, 200]) {
      const e = expectedAverageSpend(CDNOW_LIKE, x, zbar);
      expect(e).toBeGreaterThan(previous);
      expect(e).toBeLessThan(zbar * 1.01);
      previous = e;
    }
    expect(expectedAverageSpend(CDNOW_LIKE, 1e6, zbar)).toBeCloseTo(zbar, 2);
  });

  it('is Infinity, not NaN or negative, when the mean does not exist (q <= 1 at x = 0)', () => {
    expect(expectedAverageSpend({ p: 2, q: 0.8, gamma: 10 }, 0, 0)).toBe(Infinity);
  });
});

describe('fitGammaGamma', () => {
  it('recovers the parameters of simulated spend within its own standard errors', () => {
    const rng = createRng(2013);
    const rows = Array.from({ length: 5_000 }, (_, i) => {
      const x = 1 + (i % 8);
      const nu = gammaVariate(rng, CDNOW_LIKE.q, CDNOW_LIKE.gamma);
      let total = 0;
      for (let k = 0; k < x; k++) total += gammaVariate(rng, CDNOW_LIKE.p, nu);
      return { x, zbar: total / x };
    });
    const fit = fitGammaGamma(rows);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(5_000);
    const covariance = gammaGammaLogParamCovariance(fit.params, rows);
    const diff = logVector(fit.params).map((v, i) => v - logVector(CDNOW_LIKE)[i]);
    expect(mahalanobis(diff, covariance)).toBeLessThan(16.27); // chi-square, 3 df, 99.9%
  });

  it('refuses to fit without any repeat customers', () => {
    expect(() => fitGammaGamma([{ x: 0, zbar: 0 }])).toThrow(RangeError);
  });
});
