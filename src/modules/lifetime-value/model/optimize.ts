// Derivative-free minimisation and the linear algebra the parameter uncertainty needs.

export interface NelderMeadOptions {
  /** Size of the initial simplex along each axis. */
  initialStep?: number;
  maxEvaluations?: number;
  /** Converged when every vertex is within this distance of the best (max norm)... */
  xTolerance?: number;
  /** ...and every value within this relative distance of the best. */
  fTolerance?: number;
  /** Fresh simplices started from the best point; stops early once a restart no longer improves. */
  maxRestarts?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  evaluations: number;
  converged: boolean;
  restarts: number;
}

/**
 * Nelder-Mead with restarts. A collapsed simplex can stall away from the optimum on the long
 * curved ridges these likelihoods have (r and alpha are strongly correlated), and a restart from
 * the best vertex with a full-size simplex is the standard remedy.
 */
export function nelderMead(f: (x: number[]) => number, x0: number[], options: NelderMeadOptions = {}): MinimizeResult {
  const step = options.initialStep ?? 0.5;
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  const xTol = options.xTolerance ?? 1e-8;
  const fTol = options.fTolerance ?? 1e-12;
  const maxRestarts = options.maxRestarts ?? 5;

  let evaluations = 0;
  const objective = (x: number[]): number => {
    evaluations += 1;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity; // outside the model's domain counts as worst
  };

  let best = { x: x0.slice(), value: objective(x0) };
  if (best.value === Infinity) throw new RangeError('the objective is not finite at the starting point');
  let converged = false;
  let restarts = 0;
  for (let attempt = 0; attempt <= maxRestarts; attempt++) {
    const run = simplexRun(objective, best.x, best.value, step, xTol, fTol, () => evaluations >= maxEvaluations);
    const improvement = best.value - run.value;
    best = { x: run.x, value: run.value };
    converged = run.converged;
    if (attempt > 0) restarts += 1;
    if (!run.converged || improvement <= fTol * Math.max(1, Math.abs(best.value))) break;
  }
  return { x: best.x, value: best.value, evaluations, converged, restarts };
}

function simplexRun(
  f: (x: number[]) => number,
  start: number[],
  startValue: number,
  step: number,
  xTol: number,
  fTol: number,
  outOfBudget: () => boolean,
): { x: number[]; value: number; converged: boolean } {
  const n = start.length;
  const points: number[][] = [start.slice()];
  const values: number[] = [startValue];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] += step;
    points.push(p);
    values.push(f(p));
  }
  const along = (from: number[], to: number[], t: number): number[] => from.map((v, i) => v + t * (to[i] - v));

  for (;;) {
    const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
    const sortedPoints = order.map((i) => points[i]);
    const sortedValues = order.map((i) => values[i]);
    points.splice(0, points.length, ...sortedPoints);
    values.splice(0, values.length, ...sortedValues);

    const spreadF = Math.max(...values.map((v) => Math.abs(v - values[0])));
    const spreadX = Math.max(...points.slice(1).map((p) => Math.max(...p.map((v, i) => Math.abs(v - points[0][i])))));
    if (spreadX <= xTol && spreadF <= fTol * Math.max(1, Math.abs(values[0]))) {
      return { x: points[0], value: values[0], converged: true };
    }
    if (outOfBudget()) return { x: points[0], value: values[0], converged: false };

    const worst = points[n];
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += points[k][i] / n;

    const reflected = along(centroid, worst, -1);
    const fr = f(reflected);
    if (fr < values[0]) {
      const expanded = along(centroid, worst, -2);
      const fe = f(expanded);
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
      continue;
    }
    if (fr < values[n - 1]) {
      [points[n], values[n]] = [reflected, fr];
      continue;
    }
    const outside = fr < values[n];
    const contracted = outside ? along(centroid, reflected, 0.5) : along(centroid, worst, 0.5);
    const fc = f(contracted);
    if (outside ? fc <= fr : fc < values[n]) {
      [points[n], values[n]] = [contracted, fc];
      continue;
    }
    for (let k = 1; k <= n; k++) {
      points[k] = along(points[0], points[k], 0.5);
      values[k] = f(points[k]);
    }
  }
}

/** Central-difference Hessian; `step` is absolute, so call it in a well-scaled space (log-parameters). */
export function numericalHessian(f: (x: number[]) => number, x: number[], step = 1e-3): number[][] {
  const n = x.length;
  const at = (moves: [number, number][]): number => {
    const p = x.slice();
    for (const [i, d] of moves) p[i] += d * step;
    return f(p);
  };
  const f0 = f(x);
  const h = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    h[i][i] = (at([[i, 1]]) - 2 * f0 + at([[i, -1]])) / (step * step);
    for (let j = 0; j < i; j++) {
      const v =
        (at([
          [i, 1],
          [j, 1],
        ]) -
          at([
            [i, 1],
            [j, -1],
          ]) -
          at([
            [i, -1],
            [j, 1],
          ]) +
          at([
            [i, -1],
            [j, -1],
          ])) /
        (4 * step * step);
      h[i][j] = v;
      h[j][i] = v;
    }
  }
  return h;
}

/** Lower-triangular L with L L^T = A, or null when A is not (numerically) positive definite. */
export function cholesky(a: number[][]): number[][] | null {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i][i] = Math.sqrt(sum);
      } else {
        l[i][j] = sum / l[j][j];
      }
    }
  }
  return l;
}

/** Inverse of a symmetric positive-definite matrix through its Cholesky factor. */
export function invertSpd(a: number[][]): number[][] | null {
  const l = cholesky(a);
  if (!l) return null;
  const n = a.length;
  // L^{-1} by forward substitution, then A^{-1} = L^{-T} L^{-1}.
  const li = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let col = 0; col < n; col++) {
    for (let i = col; i < n; i++) {
      let sum = i === col ? 1 : 0;
      for (let k = col; k < i; k++) sum -= l[i][k] * li[k][col];
      li[i][col] = sum / l[i][i];
    }
  }
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += li[k][i] * li[k][j];
      inv[i][j] = sum;
      inv[j][i] = sum;
    }
  }
  return inv;
}

/**
 * Asymptotic covariance of a maximum-likelihood estimate: the inverse of the Hessian of the
 * negative log-likelihood at the optimum. Pass the objective over log-parameters; the covariance
 * is then of the log-parameters, whose sampling distribution is much closer to normal.
 */
export function parameterCovariance(
  negativeLogLikelihood: (logParams: number[]) => number,
  logParams: number[],
  step = 1e-3,
): number[][] {
  const hessian = numericalHessian(negativeLogLikelihood, logParams, step);
  const covariance = invertSpd(hessian);
  if (!covariance) {
    throw new RangeError('the Hessian is not positive definite: the fit is not at an interior optimum');
  }
  return covariance;
}
