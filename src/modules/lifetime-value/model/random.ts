// Seeded pseudo-random numbers, so simulations and parameter draws are reproducible run to run.

export type Rng = () => number;

/** sfc32 seeded through splitmix32: fast, 128-bit state, passes PractRand; uniform on [0, 1). */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // let the state mix before use
  return next;
}

export function standardNormal(rng: Rng): number {
  // Box-Muller; 1 - u keeps the logarithm away from 0.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000), with the usual boost for shape < 1. */
export function gammaVariate(rng: Rng, shape: number, rate: number): number {
  if (shape < 1) {
    const u = 1 - rng();
    return gammaVariate(rng, shape + 1, rate) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function betaVariate(rng: Rng, a: number, b: number): number {
  const x = gammaVariate(rng, a, 1);
  const y = gammaVariate(rng, b, 1);
  return x / (x + y);
}

export function exponentialVariate(rng: Rng, rate: number): number {
  return -Math.log(1 - rng()) / rate;
}

/** Draws from N(mean, covariance) given the lower Cholesky factor of the covariance. */
export function multivariateNormal(rng: Rng, mean: number[], choleskyFactor: number[][]): number[] {
  const z = mean.map(() => standardNormal(rng));
  return mean.map((m, i) => {
    let v = m;
    for (let k = 0; k <= i; k++) v += choleskyFactor[i][k] * z[k];
    return v;
  });
}

/** Linear-interpolation quantile (R type 7) of already sorted values. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
