// Special functions for the lifetime-value models, in plain TypeScript (no numeric library in the stack).
// The likelihoods work in log space throughout, so lgamma/logSumExp matter more than gamma itself.

// Local aliases: in jest's vm sandbox every lookup of the global `Math` goes through the context's
// interceptor, which made the likelihood loops several times slower under test; in plain Node the
// aliases change nothing.
const { PI, abs, ceil, cos, exp, expm1, floor, log, log1p, max, round, sign, sin } = Math;

const LOG_SQRT_2PI = 0.9189385332046728;
const EULER_GAMMA = 0.5772156649015329;
const LANCZOS_G = 7;
// Lanczos (g = 7, n = 9): about 15 significant digits for x >= 0.5.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function isNonPositiveInteger(x: number): boolean {
  return x <= 0 && Number.isInteger(x);
}

/** sin(pi x) with the argument reduced first, so it is exact at integers and accurate for large |x|. */
function sinPi(x: number): number {
  const r = x - 2 * round(x / 2); // in [-1, 1]
  if (r === 0 || abs(r) === 1) return 0;
  return sin(PI * r);
}

function cosPi(x: number): number {
  const r = abs(x - 2 * round(x / 2));
  if (r === 0.5) return 0;
  return cos(PI * r);
}

/** log|Gamma(x)|; +Infinity at the poles (0, -1, -2, ...). */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x < 0.5) {
    if (isNonPositiveInteger(x)) return Infinity;
    // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
    return log(PI / abs(sinPi(x))) - lgamma(1 - x);
  }
  const y = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (y + 0.5) * log(t) - t + log(sum);
}

/** Sign of Gamma(x): +1 for x > 0, alternating between the poles below 0; NaN at a pole. */
export function gammaSign(x: number): number {
  if (x > 0) return 1;
  if (isNonPositiveInteger(x) || Number.isNaN(x)) return NaN;
  return floor(x) % 2 === 0 ? 1 : -1;
}

export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

export function digamma(x: number): number {
  if (Number.isNaN(x) || isNonPositiveInteger(x)) return NaN;
  if (x < 0.5) {
    // Reflection: psi(1 - x) - psi(x) = pi cot(pi x).
    return digamma(1 - x) - (PI * cosPi(x)) / sinPi(x);
  }
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  // Asymptotic series; at x >= 10 the first omitted term is below 1e-16.
  const tail =
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - (inv2 * 691) / 32760)))));
  return result + log(x) - 0.5 / x - tail;
}

/** log(e^a + e^b) without overflow; either argument may be -Infinity. */
export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const hi = max(a, b);
  return hi + log1p(exp(-abs(a - b)));
}

/** 1 / (1 + e^v), stable for large |v|. */
export function logistic(v: number): number {
  if (v >= 0) {
    const e = exp(-v);
    return e / (1 + e);
  }
  return 1 / (1 + exp(v));
}

// Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and z < 1.
//
// Values are carried as signed logarithms so that prefactors such as (1 - z)^(c - a - b) or the
// BG/NBD term ((alpha + T)/(alpha + T + t))^(r + x) can be folded in before exponentiating: on
// their own either factor can overflow while the product is moderate.

interface SignedLog {
  log: number;
  /** -1, 0 or 1; 0 means the value is exactly zero. */
  sign: number;
}

const ZERO: SignedLog = { log: -Infinity, sign: 0 };
const RESCALE = 1e200;
const LOG_RESCALE = log(RESCALE);
const SERIES_EPS = 1e-16;
const MAX_SERIES_TERMS = 10_000_000;
/** Below this distance of c - a - b from an integer the 1 - z connection formula cancels badly. */
const NEAR_INTEGER = 1e-4;
/** Above this z the direct series is slow, so the 1 - z transformation is used instead. */
const DIRECT_SERIES_MAX_Z = 0.75;

function fromNumber(v: number): SignedLog {
  if (v === 0) return ZERO;
  if (Number.isNaN(v)) return { log: NaN, sign: NaN };
  return { log: log(abs(v)), sign: sign(v) };
}

function toNumber(v: SignedLog): number {
  return v.sign === 0 ? 0 : v.sign * exp(v.log);
}

function mul(...factors: SignedLog[]): SignedLog {
  let logSum = 0;
  let sign = 1;
  for (const f of factors) {
    if (f.sign === 0) return ZERO;
    logSum += f.log;
    sign *= f.sign;
  }
  return { log: logSum, sign };
}

function add(x: SignedLog, y: SignedLog): SignedLog {
  if (x.sign === 0) return y;
  if (y.sign === 0) return x;
  const [hi, lo] = x.log >= y.log ? [x, y] : [y, x];
  const d = lo.log - hi.log; // <= 0
  if (hi.sign === lo.sign) return { log: hi.log + log1p(exp(d)), sign: hi.sign };
  if (d === 0) return ZERO;
  return { log: hi.log + log(-expm1(d)), sign: hi.sign };
}

function scaled(logScale: number): SignedLog {
  return { log: logScale, sign: 1 };
}

function gammaSL(x: number): SignedLog {
  return { log: lgamma(x), sign: gammaSign(x) };
}

/** 1 / Gamma(x): exactly zero at the poles of Gamma. */
function recipGammaSL(x: number): SignedLog {
  if (isNonPositiveInteger(x)) return ZERO;
  return { log: -lgamma(x), sign: gammaSign(x) };
}

/**
 * sum_{n>=0} t_n * weight(n) with t_0 = 1 and t_{n+1} = t_n * ratio(n), as a signed log.
 * The running sum is rescaled when it grows large so huge parameters do not overflow.
 * `settleAfter` is the index after which |ratio| is monotone towards its limit `limitRatio`; before
 * that a tiny term says nothing about the tail (e.g. a = -3.0000001 makes one term tiny).
 */
function sumSeries(
  ratio: (n: number) => number,
  weight: ((n: number) => number) | null,
  limitRatio: number,
  settleAfter: number,
): SignedLog {
  let term = 1;
  let sum = weight ? weight(0) : 1;
  let logOffset = 0;
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    const q = ratio(n);
    if (q === 0) return offsetSum(sum, logOffset); // the series terminates (a polynomial)
    term *= q;
    const contribution = weight ? term * weight(n + 1) : term;
    sum += contribution;
    if (abs(term) > RESCALE || abs(sum) > RESCALE) {
      term /= RESCALE;
      sum /= RESCALE;
      logOffset += LOG_RESCALE;
    }
    if (n >= settleAfter) {
      const bound = max(abs(q), abs(limitRatio));
      // Geometric bound on the tail. A psi weight can pass through zero, so the bare term counts too,
      // and the factor 2 covers the weights' slow growth.
      const size = max(abs(contribution), abs(term));
      if (bound < 1 && (2 * size * bound) / (1 - bound) <= SERIES_EPS * abs(sum)) {
        return offsetSum(sum, logOffset);
      }
      if (term === 0) return offsetSum(sum, logOffset);
    }
  }
  throw new Error('hypergeometric series did not converge');
}

function offsetSum(sum: number, logOffset: number): SignedLog {
  const v = fromNumber(sum);
  return v.sign === 0 ? ZERO : { log: v.log + logOffset, sign: v.sign };
}

/** The defining series of 2F1; terminates when a or b is a non-positive integer. */
function directSeries(a: number, b: number, c: number, z: number): SignedLog {
  const settleAfter = ceil(max(0, -a, -b, -c)) + 1;
  return sumSeries(
    (n) => (a + n === 0 || b + n === 0 ? 0 : (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z),
    null,
    z,
    settleAfter,
  );
}

/** A&S 15.3.6: the connection formula in w = 1 - z; needs c - a - b away from an integer. */
function connection(a: number, b: number, c: number, w: number, logScale: number): SignedLog {
  const d = c - a - b;
  const first = mul(scaled(logScale), gammaSL(c), gammaSL(d), recipGammaSL(c - a), recipGammaSL(c - b));
  const second = mul(scaled(logScale + d * log(w)), gammaSL(c), gammaSL(-d), recipGammaSL(a), recipGammaSL(b));
  return add(
    first.sign === 0 ? ZERO : mul(first, directSeries(a, b, 1 - d, w)),
    second.sign === 0 ? ZERO : mul(second, directSeries(c - a, c - b, d + 1, w)),
  );
}

/** A&S 15.3.10-15.3.12: c = a + b + m exactly, m an integer; logarithmic terms replace the poles. */
function integerCase(a: number, b: number, m: number, w: number, logScale: number): SignedLog {
  const c = a + b + m;
  const logW = log(w);
  const k = abs(m);
  // Shifted parameters of the finite sum and of the logarithmic series.
  const [fa, fb] = m >= 0 ? [a, b] : [a - k, b - k];
  const [sa, sb] = m >= 0 ? [a + m, b + m] : [a, b];

  let finite = ZERO;
  if (k >= 1) {
    const coefficient =
      m >= 0
        ? mul(scaled(logScale + lgamma(k)), gammaSL(c), recipGammaSL(a + m), recipGammaSL(b + m))
        : mul(scaled(logScale + lgamma(k) - k * logW), gammaSL(c), recipGammaSL(a), recipGammaSL(b));
    let term = 1;
    let sum = 1;
    for (let n = 0; n < k - 1; n++) {
      term *= (((fa + n) * (fb + n)) / ((n + 1) * (1 - k + n))) * w;
      sum += term;
    }
    finite = mul(coefficient, fromNumber(sum));
  }

  // The series carries 1/(n + k)!; its 1/k! goes into the coefficient so the first term is 1.
  const logCoefficient = logScale - lgamma(k + 1) + (m >= 0 ? m * logW : 0);
  const sign = k % 2 === 0 ? -1 : 1; // -(-1)^k
  const coefficient =
    m >= 0
      ? mul({ log: logCoefficient, sign }, gammaSL(c), recipGammaSL(a), recipGammaSL(b))
      : mul({ log: logCoefficient, sign }, gammaSL(c), recipGammaSL(a - k), recipGammaSL(b - k));
  if (coefficient.sign === 0) return finite;

  // psi terms advanced by the recurrence psi(x + 1) = psi(x) + 1/x.
  let psiN1 = -EULER_GAMMA;
  let psiNK1 = digamma(k + 1);
  let psiA = digamma(sa);
  let psiB = digamma(sb);
  let at = 0;
  const weight = (n: number): number => {
    while (at < n) {
      psiN1 += 1 / (at + 1);
      psiNK1 += 1 / (at + k + 1);
      psiA += 1 / (sa + at);
      psiB += 1 / (sb + at);
      at += 1;
    }
    return logW - psiN1 - psiNK1 + psiA + psiB;
  };
  const logSeries = sumSeries(
    (n) => (sa + n === 0 || sb + n === 0 ? 0 : (((sa + n) * (sb + n)) / ((n + 1) * (n + k + 1))) * w),
    weight,
    w,
    ceil(max(0, -sa, -sb)) + 1,
  );
  return add(finite, mul(coefficient, logSeries));
}

function nearOne(a: number, b: number, c: number, w: number, logScale: number): SignedLog {
  const d = c - a - b;
  const m = round(d);
  const delta = d - m;
  if (abs(delta) >= NEAR_INTEGER) return connection(a, b, c, w, logScale);
  const c0 = a + b + m;
  const atInteger =
    isNonPositiveInteger(c0 - a) || isNonPositiveInteger(c0 - b)
      ? hyp2f1SignedLog(a, b, c0, 1 - w, w, logScale)
      : integerCase(a, b, m, w, logScale);
  if (delta === 0 || atInteger.sign === 0) return atInteger;
  // Quadratic interpolation in c through the exact integer case and two well-conditioned points;
  // the error is O(NEAR_INTEGER^3 log(w)^3), far below the cancellation it avoids.
  const lo = connection(a, b, c0 - NEAR_INTEGER, w, logScale);
  const hi = connection(a, b, c0 + NEAR_INTEGER, w, logScale);
  const rel = (v: SignedLog): number => (v.sign === 0 ? 0 : v.sign * atInteger.sign * exp(v.log - atInteger.log));
  const gLo = rel(lo);
  const gHi = rel(hi);
  const s = delta / NEAR_INTEGER;
  const factor = 1 + (s * (gHi - gLo)) / 2 + (s * s * (gHi - 2 + gLo)) / 2;
  return mul(atInteger, fromNumber(factor));
}

function hyp2f1SignedLog(a: number, b: number, c: number, z: number, w: number, logScale: number): SignedLog {
  if ([a, b, c, z, w, logScale].some(Number.isNaN)) return { log: NaN, sign: NaN };
  if (z === 0) return scaled(logScale);
  const aTerminates = isNonPositiveInteger(a) && (!isNonPositiveInteger(c) || a >= c);
  const bTerminates = isNonPositiveInteger(b) && (!isNonPositiveInteger(c) || b >= c);
  if (aTerminates || bTerminates) return mul(scaled(logScale), directSeries(a, b, c, z)); // a polynomial
  if (isNonPositiveInteger(c)) return { log: NaN, sign: NaN }; // a pole of 2F1 in c
  if (z > 1 || w < 0) return { log: NaN, sign: NaN }; // complex-valued on the real line beyond 1
  if (w === 0) {
    // Gauss's theorem; the series diverges at z = 1 unless c - a - b > 0.
    if (c - a - b <= 0) return { log: Infinity, sign: 1 };
    return mul(scaled(logScale), gammaSL(c), gammaSL(c - a - b), recipGammaSL(c - a), recipGammaSL(c - b));
  }
  if (isNonPositiveInteger(c - a) || isNonPositiveInteger(c - b)) {
    // Euler: 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z), and the right-hand series terminates.
    return mul(scaled(logScale + (c - a - b) * log(w)), directSeries(c - a, c - b, c, z));
  }
  if (z < 0) {
    // Pfaff: 2F1(a,b;c;z) = (1-z)^(-a) 2F1(a, c-b; c; z/(z-1)), which maps z < 0 into (0, 1).
    return hyp2f1SignedLog(a, c - b, c, -z / w, 1 / w, logScale - a * log(w));
  }
  if (z <= DIRECT_SERIES_MAX_Z) return mul(scaled(logScale), directSeries(a, b, c, z));
  return nearOne(a, b, c, w, logScale);
}

/** 2F1(a, b; c; z) for real a, b, c and z <= 1 (NaN where it is undefined or complex). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return toNumber(hyp2f1SignedLog(a, b, c, z, 1 - z, 0));
}

/**
 * exp(logScale) * 2F1(a, b; c; z), with 1 - z passed in by the caller: near z = 1 computing 1 - z
 * from z throws away the digits the connection formula needs, and the scale keeps a large
 * hypergeometric value and a tiny prefactor from overflowing separately.
 */
export function hyp2f1Scaled(a: number, b: number, c: number, z: number, oneMinusZ: number, logScale: number): number {
  return toNumber(hyp2f1SignedLog(a, b, c, z, oneMinusZ, logScale));
}
