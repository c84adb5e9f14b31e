import { digamma, hyp2f1, hyp2f1Scaled, lbeta, lgamma, logSumExp } from '../../../src/modules/lifetime-value/model';

/** The defining series summed far past convergence: the reference where it converges quickly. */
function referenceSeries(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100_000; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
  }
  return sum;
}

function arithmeticGeometricMean(x: number, y: number): number {
  for (let i = 0; i < 60; i++) [x, y] = [(x + y) / 2, Math.sqrt(x * y)];
  return x;
}

const relative = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('lgamma, digamma, logSumExp', () => {
  it('matches factorials and half-integer values', () => {
    let factorial = 1;
    for (let n = 1; n <= 30; n++) {
      const expected = Math.log((factorial *= n));
      expect(Math.abs(lgamma(n + 1) - expected)).toBeLessThan(1e-14 * Math.max(1, expected));
    }
    expect(Math.abs(lgamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(lgamma(2))).toBeLessThan(1e-15);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lgamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 14); // |Gamma(-1/2)| = 2 sqrt(pi)
    expect(lgamma(1e-300)).toBeCloseTo(300 * Math.log(10), 10);
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(-3)).toBe(Infinity);
  });

  it('agrees with Stirling for large arguments', () => {
    const x = 1e6;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x);
    expect(relative(lgamma(x), stirling)).toBeLessThan(1e-14);
  });

  it('lbeta(1, b) = -log b', () => {
    expect(lbeta(1, 7.5)).toBeCloseTo(-Math.log(7.5), 13);
  });

  it('digamma at known points and across the recurrence', () => {
    const eulerGamma = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-eulerGamma, 14);
    expect(digamma(0.5)).toBeCloseTo(-eulerGamma - 2 * Math.log(2), 14);
    for (const x of [-2.7, -0.3, 0.01, 3.3, 12.5]) expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 10);
    expect(digamma(-2)).toBeNaN();
  });

  it('logSumExp does not overflow and handles -Infinity', () => {
    expect(logSumExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logSumExp(-Infinity, -5)).toBe(-5);
    expect(logSumExp(-Infinity, -Infinity)).toBe(-Infinity);
  });
});

describe('hyp2f1', () => {
  it('is 1 at z = 0', () => {
    expect(hyp2f1(2.3, -1.7, 0.4, 0)).toBe(1);
  });

  it('2F1(1,1;2;z) = -ln(1-z)/z on every path (series, Pfaff, and the degenerate c-a-b = 0 case near 1)', () => {
    for (const z of [0.3, 0.75, 0.8, 0.95, 0.999, 1 - 1e-9, -0.5, -5, -1000]) {
      expect(relative(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-13);
    }
  });

  it('2F1(a,b;b;z) = (1-z)^-a', () => {
    for (const z of [0.5, 0.8, 0.95, 0.99999, -3, -50]) {
      expect(relative(hyp2f1(0.7, 2.3, 2.3, z), Math.pow(1 - z, -0.7))).toBeLessThan(1e-13);
    }
  });

  it('2F1(1/2,1/2;3/2;x^2) = arcsin(x)/x (c-a-b = 1/2, the connection formula)', () => {
    for (const x of [0.5, 0.9, 0.99, 0.99999]) {
      expect(relative(hyp2f1(0.5, 0.5, 1.5, x * x), Math.asin(x) / x)).toBeLessThan(1e-13);
    }
  });

  it('2F1(1/2,1/2;1;k^2) = 2K(k)/pi (c-a-b = 0) against the arithmetic-geometric mean', () => {
    for (const k2 of [0.5, 0.9, 0.999999]) {
      const completeEllipticK = Math.PI / (2 * arithmeticGeometricMean(1, Math.sqrt(1 - k2)));
      expect(relative(hyp2f1(0.5, 0.5, 1, k2), (2 * completeEllipticK) / Math.PI)).toBeLessThan(1e-13);
    }
  });

  it('2F1(1,1;3;z) in closed form (c-a-b = 1, the logarithmic case with a finite sum)', () => {
    for (const z of [0.5, 0.8, 0.95, 0.9999]) {
      const log = Math.log1p(-z);
      const expected = 2 * (-log / z + (log + z) / (z * z));
      expect(relative(hyp2f1(1, 1, 3, z), expected)).toBeLessThan(1e-13);
    }
  });

  it('agrees with the direct series across integer, near-integer and generic c-a-b near z = 1', () => {
    const cases: [number, number, number][] = [
      [0.3, 0.7, 1], // c-a-b = 0
      [0.3, 0.7, 1 + 5e-5], // within the near-integer band: interpolated
      [0.3, 0.7, 1 - 3e-6],
      [0.3, 0.7, 3], // +2
      [1.3, 2.7, 1], // -3
      [1.3, 2.7, 1.00007],
      [1.3, 2.7, -0.5], // negative c
      [2.5, 1.2, 0.7],
      [0.25, 1.5, -0.25 + 1e-9],
    ];
    for (const [a, b, c] of cases) {
      for (const z of [0.8, 0.95, 0.99]) {
        expect(relative(hyp2f1(a, b, c, z), referenceSeries(a, b, c, z))).toBeLessThan(1e-10);
      }
    }
  });

  it('terminates as a polynomial when a is a non-positive integer, for any z', () => {
    // 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1))
    const [b, c] = [1.5, 0.5];
    for (const z of [-10, 0.5, 0.99, 3]) {
      const expected = 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1));
      expect(relative(hyp2f1(-2, b, c, z), expected)).toBeLessThan(1e-14);
    }
  });

  it("uses Gauss's theorem at z = 1", () => {
    // 2F1(a,b;c;1) = Gamma(c)Gamma(c-a-b)/(Gamma(c-a)Gamma(c-b)); with a=b=1/2, c=2: 4/pi
    expect(hyp2f1(0.5, 0.5, 2, 1)).toBeCloseTo(4 / Math.PI, 13);
    expect(hyp2f1(1, 1, 2, 1)).toBe(Infinity);
  });

  it('is NaN where it is undefined: z > 1 or c a pole', () => {
    expect(hyp2f1(0.5, 0.5, 1, 1.5)).toBeNaN();
    expect(hyp2f1(0.5, 0.5, -2, 0.5)).toBeNaN();
  });

  it('folds a prefactor in before exponentiating, so huge values times tiny prefactors stay finite', () => {
    // (1-z)^a 2F1(a, b; b; z) = 1 even when 2F1 alone overflows a double.
    const a = 800;
    const z = 0.999;
    expect(hyp2f1(a, 2, 2, z)).toBe(Infinity);
    expect(hyp2f1Scaled(a, 2, 2, z, 1 - z, a * Math.log(1 - z))).toBeCloseTo(1, 10);
  });
});
