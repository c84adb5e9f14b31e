// Numerical checks shared by the lifetime-value tests: independent of the code under test.

/** Adaptive Simpson, for checking closed forms against their defining integrals. */
export function integrate(f: (x: number) => number, lo: number, hi: number, tolerance = 1e-12): number {
  const simpson = (a: number, fa: number, m: number, fm: number, b: number, fb: number): number =>
    ((b - a) / 6) * (fa + 4 * fm + fb);
  const recurse = (
    a: number,
    fa: number,
    b: number,
    fb: number,
    m: number,
    fm: number,
    whole: number,
    tol: number,
    depth: number,
  ): number => {
    const lm = (a + m) / 2;
    const rm = (m + b) / 2;
    const flm = f(lm);
    const frm = f(rm);
    const left = simpson(a, fa, lm, flm, m, fm);
    const right = simpson(m, fm, rm, frm, b, fb);
    if (depth <= 0 || Math.abs(left + right - whole) <= 15 * tol) return left + right + (left + right - whole) / 15;
    return (
      recurse(a, fa, m, fm, lm, flm, left, tol / 2, depth - 1) +
      recurse(m, fm, b, fb, rm, frm, right, tol / 2, depth - 1)
    );
  };
  const m = (lo + hi) / 2;
  const [flo, fm, fhi] = [f(lo), f(m), f(hi)];
  return recurse(lo, flo, hi, fhi, m, fm, simpson(lo, flo, m, fm, hi, fhi), tolerance, 50);
}

/** (diff)^T covariance^{-1} (diff), by Gaussian elimination. */
export function mahalanobis(diff: number[], covariance: number[][]): number {
  const n = diff.length;
  const m = covariance.map((row, i) => [...row, diff[i]]);
  for (let col = 0; col < n; col++) {
    for (let row = col + 1; row < n; row++) {
      const f = m[row][col] / m[col][col];
      for (let k = col; k <= n; k++) m[row][k] -= f * m[col][k];
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let s = m[row][n];
    for (let k = row + 1; k < n; k++) s -= m[row][k] * y[k];
    y[row] = s / m[row][row];
  }
  return diff.reduce((s, d, i) => s + d * y[i], 0);
}
