/**
 * Every scheme's samples against the distribution its formula says, on a 2-D and a 4-D (conv) shape:
 * moments within 6 standard errors, KS against the exact CDF, truncation bounds, exact structure
 * (orthogonal, identity, sparse). Runs on the reference backend and on native when it has the fills.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createNativeBackend } from '../src/backend/native/index.js';
import { getInitializer, setBackend } from '../src/index.js';
import { ORTHOGONAL_TOLERANCE } from '../src/rng/tolerance.js';
import { ksCritical, ksStatistic, momentFailures, normalDist, truncatedNormalDist, uniformDist, type Dist } from './rng-stats.js';

function has(b: Backend | null, probe: (b: Backend) => void): b is Backend {
  if (!b) return false;
  try {
    probe(b);
    return true;
  } catch {
    return false;
  }
}
const fills = (b: Backend) => b.fillTruncatedNormal(new Float32Array(1), 1n, 0, 0, 1, -2, 2, 0);
const ortho = (b: Backend) => b.orthogonal(new Float32Array(4), 2, 2, 1n, 0, 1);
const native = createNativeBackend();
const backends = [createReferenceBackend(), native].filter((b) => has(b, fills)) as Backend[];

const SHAPES: [string, number[], number, number][] = [
  ['2-D', [400, 300], 400, 300],
  ['4-D', [3, 3, 32, 64], 3 * 3 * 32, 3 * 3 * 64],
];
const C = 0.87962566103423978;

/** Scheme name, options, and the distribution its formula gives for (fanIn, fanOut). */
const CASES: [string, Record<string, unknown>, (fi: number, fo: number) => Dist][] = [
  ['random_normal', { mean: 0.1, stddev: 0.2 }, () => normalDist(0.1, 0.2)],
  ['random_normal', {}, () => normalDist(0, 0.05)],
  ['random_uniform', { minval: -0.3, maxval: 0.1 }, () => uniformDist(-0.3, 0.1)],
  ['random_uniform', { minval: 0 }, () => uniformDist(0, 0.05)],
  ['truncated_normal', { mean: 0.1, stddev: 0.2 }, () => truncatedNormalDist(0.1, 0.2, -2, 2)],
  ['variance_scaling', { scale: 3, mode: 'fan_out', distribution: 'uniform' }, (_fi, fo) => uniformDist(-Math.sqrt(9 / fo), Math.sqrt(9 / fo))],
  ['variance_scaling', { scale: 0.5, mode: 'fan_avg', distribution: 'untruncated_normal' }, (fi, fo) => normalDist(0, Math.sqrt(0.5 / ((fi + fo) / 2)))],
  ['variance_scaling', { scale: 2, mode: 'fan_in', distribution: 'normal' }, (fi) => truncatedNormalDist(0, Math.sqrt(2 / fi) / C, -2, 2)],
  ['glorot_uniform', {}, (fi, fo) => uniformDist(-Math.sqrt(6 / (fi + fo)), Math.sqrt(6 / (fi + fo)))],
  ['glorot_normal', {}, (fi, fo) => truncatedNormalDist(0, Math.sqrt(2 / (fi + fo)) / C, -2, 2)],
  ['he_uniform', {}, (fi) => uniformDist(-Math.sqrt(6 / fi), Math.sqrt(6 / fi))],
  ['he_normal', {}, (fi) => truncatedNormalDist(0, Math.sqrt(2 / fi) / C, -2, 2)],
  ['lecun_uniform', {}, (fi) => uniformDist(-Math.sqrt(3 / fi), Math.sqrt(3 / fi))],
  ['lecun_normal', {}, (fi) => truncatedNormalDist(0, Math.sqrt(1 / fi) / C, -2, 2)],
  ['kaiming_uniform', {}, (fi) => uniformDist(-Math.sqrt(6 / fi), Math.sqrt(6 / fi))],
  ['kaiming_normal', {}, (fi) => normalDist(0, Math.sqrt(2 / fi))],
  ['kaiming_normal', { a: 0.2, mode: 'fan_out' }, (_fi, fo) => normalDist(0, Math.sqrt(2 / 1.04) / Math.sqrt(fo))],
  ['kaiming_uniform', { nonlinearity: 'tanh', mode: 'fan_out' }, (_fi, fo) => uniformDist(-(5 / 3) * Math.sqrt(3 / fo), (5 / 3) * Math.sqrt(3 / fo))],
  ['xavier_uniform', { gain: 2 }, (fi, fo) => uniformDist(-2 * Math.sqrt(6 / (fi + fo)), 2 * Math.sqrt(6 / (fi + fo)))],
  ['xavier_normal', {}, (fi, fo) => normalDist(0, Math.sqrt(2 / (fi + fo)))],
  ['trunc_normal', { mean: 0.5, std: 2, a: -1, b: 4 }, () => truncatedNormalDist(0.5, 2, -0.75, 1.75)],
  ['trunc_normal', {}, () => truncatedNormalDist(0, 1, -2, 2)],
  ['torch_default', {}, (fi) => uniformDist(-1 / Math.sqrt(fi), 1 / Math.sqrt(fi))],
];

describe.each(backends.map((b) => [b.name, b] as const))('initializer distributions on %s', (_name, backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  describe.each(SHAPES)('%s shape %j', (_label, shape, fanIn, fanOut) => {
    it.each(CASES.map(([n, o, d], i) => [`${n} ${JSON.stringify(o)}`, n, o, d, i] as const))('%s', (_t, name, options, distOf, i) => {
      const data = getInitializer(name, { ...options, seed: 1000 + i }).sample(shape).data;
      const dist = distOf(fanIn, fanOut);
      expect(momentFailures(data, dist)).toBe('');
      expect(ksStatistic(data, dist.cdf)).toBeLessThan(ksCritical(data.length));
      let outside = 0;
      for (const x of data) if (!(x >= dist.lo && x <= dist.hi)) outside++;
      expect(outside).toBe(0);
    });
  });

  it('Keras *_normal realise the std of their formula (the 0.8796 correction is applied)', () => {
    // The truncated law's own std equals √(2/fanIn) exactly; the samples agree within 6 standard errors.
    const dist = truncatedNormalDist(0, Math.sqrt(2 / 784) / C, -2, 2);
    expect(Math.sqrt(dist.variance) / Math.sqrt(2 / 784)).toBeCloseTo(1, 7);
    const data = getInitializer('he_normal', { seed: 42 }).sample([784, 256]).data;
    let s2 = 0;
    for (const x of data) s2 += x * x;
    const realised = Math.sqrt(s2 / data.length);
    expect(Math.abs(realised - Math.sqrt(2 / 784)) / Math.sqrt(2 / 784)).toBeLessThan(6 * Math.sqrt((dist.mu4 / dist.variance ** 2 - 1) / data.length) / 2);
  });

  it('constants and identity are exact', () => {
    expect(Array.from(getInitializer('zeros').sample([2, 3]).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(getInitializer('ones').sample([3]).data)).toEqual([1, 1, 1]);
    expect(Array.from(getInitializer('constant', { value: 0.25 }).sample([2, 2, 1]).data)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(getInitializer('identity', { gain: 2 }).sample([2, 3]).toArray()).toEqual([[2, 0, 0], [0, 2, 0]]);
    expect(getInitializer('identity').sample([3, 2]).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
    expect(getInitializer('he_normal').sample([0, 5]).size).toBe(0);
  });

  it('sparse: exactly ceil(sparsity·rows) zeros per column, normal elsewhere, rows chosen differently per column', () => {
    for (const [rows, cols, sparsity] of [[50, 40, 0.3], [7, 9, 0.5], [10, 3, 1], [10, 3, 0]] as const) {
      const init = getInitializer('sparse', { sparsity, std: 0.5, seed: 5 });
      const w = init.sample([rows, cols]).data;
      const zeros = Math.ceil(sparsity * rows);
      const patterns = new Set<string>();
      for (let c = 0; c < cols; c++) {
        let count = 0;
        let pattern = '';
        for (let r = 0; r < rows; r++) {
          if (w[r * cols + c] === 0) count++;
          pattern += w[r * cols + c] === 0 ? '0' : '1';
        }
        expect(count).toBe(zeros);
        patterns.add(pattern);
      }
      if (zeros > 0 && zeros < rows && cols > 5) expect(patterns.size).toBeGreaterThan(1);
      expect(init.sample([rows, cols]).data).toEqual(w);
    }
    const w = getInitializer('sparse', { sparsity: 0.2, std: 0.5, seed: 6 }).sample([400, 300]).data;
    const nonzero = w.filter((x) => x !== 0);
    expect(nonzero.length).toBe(300 * (400 - 80));
    expect(ksStatistic(nonzero, normalDist(0, 0.5).cdf)).toBeLessThan(ksCritical(nonzero.length));
    // Every row is hit about equally often: per-row zero counts are Binomial(300, 0.2) → mean 60, sd 6.9.
    for (let r = 0; r < 400; r++) {
      let z = 0;
      for (let c = 0; c < 300; c++) if (w[r * 300 + c] === 0) z++;
      expect(Math.abs(z - 60)).toBeLessThan(6 * Math.sqrt(300 * 0.2 * 0.8));
    }
  });
});

/** Modified Gram–Schmidt in f64: the QR factor with a positive diagonal, computed independently of Householder. */
function gramSchmidtQ(a: Float64Array, n: number, m: number): Float64Array {
  const q = Float64Array.from(a);
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < j; k++) {
      let d = 0;
      for (let r = 0; r < n; r++) d += q[r * m + k] * q[r * m + j];
      for (let r = 0; r < n; r++) q[r * m + j] -= d * q[r * m + k];
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += q[r * m + j] ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < n; r++) q[r * m + j] /= norm;
  }
  return q;
}

const orthoBackends = [createReferenceBackend(), native].filter((b) => has(b, ortho)) as Backend[];

describe.each(orthoBackends.map((b) => [b.name, b] as const))('orthogonal on %s', (_name, backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  it.each([
    [[64, 64], 1],
    [[100, 30], 1.5],
    [[30, 100], 1.5],
    [[3, 3, 8, 16], 2], // flattened to 72 × 16 (tall)
    [[2, 2, 4, 64], 1], // flattened to 16 × 64 (wide)
    [[1, 5], 1],
  ] as const)('%j with gain %d: QᵀQ = gain²I, and Q is the positive-diagonal QR factor of the seed’s normals', (shape, gain) => {
    const cols = shape[shape.length - 1];
    const rows = shape.reduce((a: number, b: number) => a * b, 1) / cols;
    const w = getInitializer('orthogonal', { gain, seed: 77 }).sample([...shape]).data;
    const n = Math.max(rows, cols);
    const m = Math.min(rows, cols);
    // Gram of the orthonormal direction: columns when tall, rows when wide.
    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let d = 0;
        for (let k = 0; k < n; k++) d += rows >= cols ? w[k * cols + i] * w[k * cols + j] : w[i * cols + k] * w[j * cols + k];
        worst = Math.max(worst, Math.abs(d - (i === j ? gain * gain : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-5 * gain * gain);
    const normals = new Float32Array(n * m);
    backend.fillNormal(normals, 77n, 0, 0, 1, 0);
    const q = gramSchmidtQ(Float64Array.from(normals), n, m);
    let diff = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const want = gain * (rows >= cols ? q[r * m + c] : q[c * m + r]);
        diff = Math.max(diff, Math.abs(w[r * cols + c] - want));
      }
    }
    expect(diff).toBeLessThanOrEqual(ORTHOGONAL_TOLERANCE.maxAbs(rows, cols, gain));
  });

  it('entries of a 256 × 256 orthogonal matrix, scaled by 16, follow N(0, 1) closely', () => {
    // A Haar column is uniform on the sphere: √n·q has density ∝ (1 − t²/n)^((n−3)/2), within O(1/n) of N(0, 1).
    const w = getInitializer('orthogonal', { seed: 3 }).sample([256, 256]).data.map((x) => x * 16);
    expect(momentFailures(w, normalDist(0, 1))).toBe('');
    expect(ksStatistic(w, normalDist(0, 1).cdf)).toBeLessThan(ksCritical(w.length) + 0.01);
  });
});
