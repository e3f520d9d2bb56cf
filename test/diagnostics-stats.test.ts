/**
 * Layer statistics (docs/SEMANTICS.md, "Layer statistics") checked against an independent f64
 * forward/backward pass written here with naive loops, on every backend that can build networks.
 */
import { describe, it, expect } from 'vitest';
import { diagnoseNetwork, type Backend, type NetworkSpec, type LayerStats } from '../src/index.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createNativeBackend } from '../src/backend/native/index.js';


/** A small deterministic generator (xorshift32) so the test owns its inputs. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32 - 0.5;
  };
}

const spec = (): NetworkSpec => ({
  layers: [
    { inputs: 5, units: 6, activation: 'relu', alpha: 0, useBias: true },
    { inputs: 6, units: 6, activation: 'tanh', alpha: 0, useBias: true },
    { inputs: 6, units: 4, activation: 'elu', alpha: 1, useBias: false },
    { inputs: 4, units: 3, activation: 'softmax', alpha: 0, useBias: true },
  ],
  loss: 'sparse_categorical_crossentropy',
  optimizer: SGD,
});
const SGD = { kind: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, clipNorm: 0 } as const;

function params(): Float32Array[] {
  const r = rng(7);
  const out: Float32Array[] = [];
  spec().layers.forEach((l, i) => {
    const w = Float32Array.from({ length: l.inputs * l.units }, () => 1.2 * r());
    // Layer 1: units 2 and 4 share weights and bias (not distinct); layer 0: unit 5 is dead (large negative bias).
    if (i === 1) for (let k = 0; k < l.inputs; k++) w[k * l.units + 4] = w[k * l.units + 2];
    out.push(w);
    if (l.useBias) {
      const b = Float32Array.from({ length: l.units }, () => 0.2 * r());
      if (i === 0) b[5] = -100;
      if (i === 1) b[4] = b[2];
      out.push(b);
    }
  });
  return out;
}

const rows = 7;
const x = Float32Array.from({ length: rows * 5 }, ((r) => () => 2 * r())(rng(3)));
const y = Float32Array.from({ length: rows }, (_, i) => i % 3);

function meanStd(v: ArrayLike<number>): { mean: number; std: number } {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i];
  m /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return { mean: m, std: Math.sqrt(s / v.length) };
}

/** The statistics by definition, in f64. */
function expected(): LayerStats[] {
  const p = params();
  const act = (name: string, z: number) => (name === 'relu' ? Math.max(0, z) : name === 'tanh' ? Math.tanh(z) : name === 'elu' ? (z > 0 ? z : Math.exp(z) - 1) : z);
  const dact = (name: string, z: number) => (name === 'relu' ? (z > 0 ? 1 : 0) : name === 'tanh' ? 1 - Math.tanh(z) ** 2 : name === 'elu' ? (z > 0 ? 1 : Math.exp(z)) : 1);
  const W: number[][] = [], B: (number[] | null)[] = [];
  let k = 0;
  for (const l of spec().layers) {
    W.push(Array.from(p[k++]));
    B.push(l.useBias ? Array.from(p[k++]) : null);
  }
  const Z: number[][] = [], A: number[][] = [];
  let input = Array.from(x);
  spec().layers.forEach((l, i) => {
    const z = new Array(rows * l.units).fill(0);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < l.units; j++) {
        let s = B[i] ? B[i]![j] : 0;
        for (let q = 0; q < l.inputs; q++) s += input[r * l.inputs + q] * W[i][q * l.units + j];
        z[r * l.units + j] = s;
      }
    let a: number[];
    if (l.activation === 'softmax') {
      a = z.slice();
      for (let r = 0; r < rows; r++) {
        const row = z.slice(r * l.units, (r + 1) * l.units);
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const sum = e.reduce((u, v) => u + v, 0);
        e.forEach((v, j) => (a[r * l.units + j] = v / sum));
      }
    } else a = z.map((v) => act(l.activation, v));
    Z.push(z);
    A.push(a);
    input = a;
  });
  const L = spec().layers.length;
  const dA: number[][] = new Array(L);
  const dW: number[][] = new Array(L);
  // Fused softmax + cross-entropy: the output layer's gradient is taken w.r.t. its logits, (p − y)/rows.
  let dZ = A[L - 1].map((v, idx) => (v - (idx % 3 === y[Math.floor(idx / 3)] ? 1 : 0)) / rows);
  dA[L - 1] = dZ;
  for (let i = L - 1; i >= 0; i--) {
    const l = spec().layers[i];
    const prev = i > 0 ? A[i - 1] : Array.from(x);
    dW[i] = new Array(l.inputs * l.units).fill(0);
    for (let q = 0; q < l.inputs; q++)
      for (let j = 0; j < l.units; j++) for (let r = 0; r < rows; r++) dW[i][q * l.units + j] += prev[r * l.inputs + q] * dZ[r * l.units + j];
    if (i === 0) break;
    const d = new Array(rows * l.inputs).fill(0);
    for (let r = 0; r < rows; r++)
      for (let q = 0; q < l.inputs; q++) for (let j = 0; j < l.units; j++) d[r * l.inputs + q] += dZ[r * l.units + j] * W[i][q * l.units + j];
    dA[i - 1] = d;
    const pl = spec().layers[i - 1];
    dZ = d.map((v, idx) => v * dact(pl.activation, Z[i - 1][idx]));
  }
  return spec().layers.map((l, i) => {
    let dead = 0;
    if (['relu', 'leaky_relu', 'elu', 'selu', 'gelu'].includes(l.activation)) {
      for (let j = 0; j < l.units; j++) {
        let off = true;
        for (let r = 0; r < rows; r++) off &&= Z[i][r * l.units + j] <= 0;
        if (off) dead++;
      }
    }
    const cols = new Set<string>();
    for (let j = 0; j < l.units; j++) {
      const c: number[] = [];
      for (let q = 0; q < l.inputs; q++) c.push(W[i][q * l.units + j]);
      c.push(B[i] ? B[i]![j] : 0);
      cols.add(c.join(','));
    }
    return {
      preActivationMean: meanStd(Z[i]).mean,
      preActivationStd: meanStd(Z[i]).std,
      activationMean: meanStd(A[i]).mean,
      activationStd: meanStd(A[i]).std,
      deadFraction: dead / l.units,
      weightStd: meanStd(W[i]).std,
      weightGradNorm: Math.sqrt(dW[i].reduce((s, v) => s + v * v, 0)),
      activationGradStd: meanStd(dA[i]).std,
      distinctUnits: cols.size,
    };
  });
}

const reference = createReferenceBackend();
/** The native backend when its binary loads and builds networks (layer statistics need nothing else). */
const native: Backend | null = (() => {
  const b = createNativeBackend();
  try {
    b?.createNetwork(spec(), params()).dispose();
    return b;
  } catch {
    return null;
  }
})();
const backends: Backend[] = native ? [reference, native] : [reference];

describe.each(backends.map((b) => [b.name, b] as const))('layer statistics on the %s backend', (_name, backend) => {
  it('match an independent f64 forward/backward pass', () => {
    const net = backend.createNetwork(spec(), params());
    const got = diagnoseNetwork(net, x, y, rows);
    net.dispose();
    const want = expected();
    expect(got.map((g) => g.layer)).toEqual(['dense_0', 'dense_1', 'dense_2', 'dense_3']);
    expect(got.map((g) => g.activation)).toEqual(['relu', 'tanh', 'elu', 'softmax']);
    // The fixture has what it is meant to have: a dead ReLU unit, a duplicated tanh unit.
    expect(want[0].deadFraction).toBe(1 / 6);
    expect(want[1].distinctUnits).toBe(5);
    got.forEach((g, i) => {
      for (const key of Object.keys(want[i]) as (keyof LayerStats)[]) {
        const w = want[i][key];
        // f32 arithmetic against f64: relative 1e-5 of the value (or of 1e-6 absolute near 0).
        expect(Math.abs(g[key] - w), `layer ${i} ${key}: got ${g[key]}, expected ${w}`).toBeLessThanOrEqual(1e-5 * Math.abs(w) + 1e-6);
      }
    });
  });
});

describe.runIf(native)('layer statistics, native vs reference', () => {
  it('agree on a deeper random network (relu, leaky_relu, gelu, sigmoid; categorical cross-entropy)', () => {
    const r = rng(11);
    const acts = ['relu', 'leaky_relu', 'gelu', 'sigmoid', 'relu', 'tanh'] as const;
    const width = 40, inputs = 24, rowsN = 64, classes = 5;
    const net: NetworkSpec = {
      layers: [
        ...acts.map((a, i) => ({ inputs: i === 0 ? inputs : width, units: width, activation: a, alpha: a === 'leaky_relu' ? 0.2 : 0, useBias: true })),
        { inputs: width, units: classes, activation: 'softmax' as const, alpha: 0, useBias: true },
      ],
      loss: 'categorical_crossentropy',
      optimizer: SGD,
    };
    const p: Float32Array[] = net.layers.flatMap((l) => [
      Float32Array.from({ length: l.inputs * l.units }, () => (2 * r()) / Math.sqrt(l.inputs / 3)),
      Float32Array.from({ length: l.units }, () => 0.1 * r()),
    ]);
    // A few dead ReLU units in layer 0 and a duplicated unit in layer 2, so those counts are exercised.
    p[1][3] = p[1][7] = -50;
    for (let k = 0; k < width; k++) p[4][k * width + 9] = p[4][k * width + 1];
    p[5][9] = p[5][1];
    const xs = Float32Array.from({ length: rowsN * inputs }, () => 2 * r());
    const ys = new Float32Array(rowsN * classes);
    for (let i = 0; i < rowsN; i++) ys[i * classes + (i % classes)] = 1;
    const a = reference.createNetwork(net, p);
    const b = native!.createNetwork(net, p);
    const sa = a.layerStats(xs, ys, rowsN);
    const sb = b.layerStats(xs, ys, rowsN);
    a.dispose();
    b.dispose();
    expect(sa[0].deadFraction).toBe(2 / width);
    expect(sa[2].distinctUnits).toBe(width - 1);
    sa.forEach((s, i) => {
      for (const key of Object.keys(s) as (keyof LayerStats)[]) {
        // docs/SEMANTICS.md: native and reference agree within 1e-4 relative (f32 accumulation order differs).
        expect(Math.abs(sb[i][key] - s[key]), `layer ${i} ${key}: native ${sb[i][key]}, reference ${s[key]}`).toBeLessThanOrEqual(1e-4 * Math.abs(s[key]) + 1e-7);
      }
      expect(sb[i].distinctUnits).toBe(s.distinctUnits);
      expect(sb[i].deadFraction).toBe(s.deadFraction);
    });
  });
});
