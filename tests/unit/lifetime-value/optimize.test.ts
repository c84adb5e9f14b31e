import {
  cholesky,
  invertSpd,
  nelderMead,
  numericalHessian,
  parameterCovariance,
} from '../../../src/modules/lifetime-value/model';

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock valley', () => {
    const rosenbrock = ([x, y]: number[]): number => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it('treats non-finite values as worst and refuses a non-finite start', () => {
    const f = ([x]: number[]): number => (x < 0 ? NaN : (x - 2) ** 2);
    expect(nelderMead(f, [0.5]).x[0]).toBeCloseTo(2, 6);
    expect(() => nelderMead(f, [-1])).toThrow(RangeError);
  });
});

describe('linear algebra', () => {
  const spd = [
    [4, 2, 0.6],
    [2, 5, 1],
    [0.6, 1, 3],
  ];

  it('cholesky reproduces the matrix and rejects an indefinite one', () => {
    const l = cholesky(spd)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const product = l[i].reduce((s, v, k) => s + v * l[j][k], 0);
        expect(product).toBeCloseTo(spd[i][j], 12);
      }
    }
    expect(
      cholesky([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
  });

  it('invertSpd gives the inverse', () => {
    const inv = invertSpd(spd)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const product = spd[i].reduce((s, v, k) => s + v * inv[k][j], 0);
        expect(product).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('numericalHessian is exact for a quadratic and parameterCovariance inverts it', () => {
    // f(x) = x^T A x / 2 has Hessian A everywhere.
    const f = (x: number[]): number =>
      0.5 * x.reduce((s, xi, i) => s + xi * spd[i].reduce((t, a, j) => t + a * x[j], 0), 0);
    const h = numericalHessian(f, [0.3, -0.2, 1]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(h[i][j]).toBeCloseTo(spd[i][j], 6);
    const covariance = parameterCovariance(f, [0.3, -0.2, 1]);
    const inverse = invertSpd(spd)!;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(covariance[i][j]).toBeCloseTo(inverse[i][j], 6);
    expect(() => parameterCovariance(([x, y]) => x * x - y * y, [0, 0])).toThrow(RangeError);
  });
});
