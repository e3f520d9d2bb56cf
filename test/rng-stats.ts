/**
 * Test-only statistics: CDFs, moments by numerical integration, KS and moment bounds derived from
 * the sample size. Independent of src/rng (its own erf), so the tests do not grade the code with itself.
 */

/** erf in f64: the series 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3·…·(2n+1)) (all terms positive) for |x| < 3, a continued fraction for erfc beyond. */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  return 1 - erfcTail(x);
}

/** erfc(x) for x ≥ 3 by the Laplace continued fraction, evaluated backwards. */
function erfcTail(x: number): number {
  let f = 0;
  for (let k = 60; k >= 1; k--) f = (k / 2) / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}

export const normalCdf = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
export const normalPdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

export interface Dist {
  cdf: (x: number) => number;
  mean: number;
  variance: number;
  /** Fourth central moment, for the spread of the sample variance. */
  mu4: number;
  lo: number;
  hi: number;
}

export function uniformDist(lo: number, hi: number): Dist {
  const L = (hi - lo) / 2;
  return { cdf: (x) => Math.min(1, Math.max(0, (x - lo) / (hi - lo))), mean: (lo + hi) / 2, variance: (L * L) / 3, mu4: L ** 4 / 5, lo, hi };
}

export function normalDist(mean: number, std: number): Dist {
  return { cdf: (x) => normalCdf((x - mean) / std), mean, variance: std * std, mu4: 3 * std ** 4, lo: -Infinity, hi: Infinity };
}

/** N(mean, std²) truncated to [mean + a·std, mean + b·std]; moments by Simpson integration of the density. */
export function truncatedNormalDist(mean: number, std: number, a: number, b: number): Dist {
  const Z = normalCdf(b) - normalCdf(a);
  const moment = (g: (z: number) => number) => simpson((z) => (g(z) * normalPdf(z)) / Z, a, b, 20000);
  const m1 = moment((z) => z);
  const v = moment((z) => (z - m1) ** 2);
  const m4 = moment((z) => (z - m1) ** 4);
  return {
    cdf: (x) => {
      const z = (x - mean) / std;
      return z <= a ? 0 : z >= b ? 1 : (normalCdf(z) - normalCdf(a)) / Z;
    },
    mean: mean + std * m1,
    variance: std * std * v,
    mu4: std ** 4 * m4,
    lo: mean + a * std,
    hi: mean + b * std,
  };
}

export function simpson(f: (x: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += f(a + i * h) * (i % 2 ? 4 : 2);
  return (s * h) / 3;
}

/** Kolmogorov–Smirnov statistic D = sup |F_n − F|. */
export function ksStatistic(data: ArrayLike<number>, cdf: (x: number) => number): number {
  const xs = Float64Array.from(data).sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const F = cdf(xs[i]);
    d = Math.max(d, F - i / n, (i + 1) / n - F);
  }
  return d;
}

/** Critical D at significance alpha (asymptotic: P(√n·D > c) ≈ 2e^{−2c²}); alpha 1e-6 gives c ≈ 2.69. */
export function ksCritical(n: number, alpha = 1e-6): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) / Math.sqrt(n);
}

export function moments(data: ArrayLike<number>): { mean: number; variance: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    s += data[i];
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  const mean = s / data.length;
  let v = 0;
  for (let i = 0; i < data.length; i++) v += (data[i] - mean) ** 2;
  return { mean, variance: v / data.length, min, max };
}

/**
 * Checks sample mean and variance against the distribution within `sigmas` standard errors:
 * se(mean) = √(var/n), se(variance) = √((μ₄ − var²)/n). Returns a description of failures ('' = ok).
 */
export function momentFailures(data: ArrayLike<number>, dist: Dist, sigmas = 6): string {
  const n = data.length;
  const { mean, variance } = moments(data);
  const seMean = Math.sqrt(dist.variance / n);
  const seVar = Math.sqrt((dist.mu4 - dist.variance ** 2) / n);
  const out: string[] = [];
  if (Math.abs(mean - dist.mean) > sigmas * seMean) out.push(`mean ${mean} vs ${dist.mean} (se ${seMean})`);
  if (Math.abs(variance - dist.variance) > sigmas * seVar) out.push(`variance ${variance} vs ${dist.variance} (se ${seVar})`);
  return out.join('; ');
}
