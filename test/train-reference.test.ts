/**
 * The reference network against docs/SEMANTICS.md, transcribed independently here: optimizer update
 * rules step by step, clipping, layer statistics, fused-loss stability, and the GEMM it is built on.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkSpec, OptimizerSpec } from '../src/backend/types.js';
import { createReferenceNetwork } from '../src/backend/reference/network.js';
import { reference } from './helpers/backends.js';

const BASE: OptimizerSpec = {
  kind: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, clipNorm: 0,
};

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
}

describe('reference sgemm', () => {
  it('matches a naive product for every transpose combination, alpha and beta', () => {
    const rnd = lcg(3);
    const [m, n, k] = [5, 7, 3];
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = Float32Array.from({ length: m * k }, rnd);
        const b = Float32Array.from({ length: k * n }, rnd);
        const c = Float32Array.from({ length: m * n }, rnd);
        const c0 = c.slice();
        reference.sgemm(transA, transB, m, n, k, 1.5, a, b, -0.5, c);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
            expect(c[i * n + j]).toBeCloseTo(1.5 * s - 0.5 * c0[i * n + j], 5);
          }
        }
      }
    }
  });

  it('beta = 0 never reads C, and bad arguments throw', () => {
    const c = new Float32Array(4).fill(NaN);
    reference.sgemm(false, false, 2, 2, 1, 1, Float32Array.of(1, 2), Float32Array.of(3, 4), 0, c);
    expect(Array.from(c)).toEqual([3, 4, 6, 8]);
    expect(() => reference.sgemm(false, false, 2, 2, 2, 1, new Float32Array(3), new Float32Array(4), 0, c)).toThrow(/a needs at least 4/);
    expect(() => reference.sgemm(false, false, -1, 2, 2, 1, new Float32Array(4), new Float32Array(4), 0, c)).toThrow(RangeError);
  });
});

describe('optimizer updates follow SEMANTICS.md', () => {
  // One linear layer, MSE, one batch per step: the gradient comes from Network.gradients.
  const spec = (o: OptimizerSpec): NetworkSpec => ({
    layers: [{ inputs: 3, units: 2, activation: 'linear', alpha: 0, useBias: true }],
    loss: 'mean_squared_error',
    optimizer: o,
  });
  const rnd = lcg(11);
  const x = Float32Array.from({ length: 12 }, rnd);
  const y = Float32Array.from({ length: 8 }, rnd);
  const w0 = [Float32Array.from({ length: 6 }, rnd), Float32Array.from({ length: 2 }, rnd)];
  const order = Uint32Array.of(0, 1, 2, 3);

  type Rule = (w: number, g: number, s: number[], t: number, o: OptimizerSpec) => number;
  const rules: Record<OptimizerSpec['kind'], Rule> = {
    sgd(w, g, s, _t, o) {
      if (o.momentum === 0) return w - o.learningRate * g;
      s[0] = o.momentum * s[0] - o.learningRate * g;
      return o.nesterov ? w + o.momentum * s[0] - o.learningRate * g : w + s[0];
    },
    rmsprop(w, g, s, _t, o) {
      s[0] = o.rho * s[0] + (1 - o.rho) * g * g;
      const delta = (o.learningRate * g) / Math.sqrt(s[0] + o.epsilon);
      if (o.momentum === 0) return w - delta;
      s[1] = o.momentum * s[1] + delta;
      return w - s[1];
    },
    adam(w, g, s, t, o) {
      s[0] = o.beta1 * s[0] + (1 - o.beta1) * g;
      s[1] = o.beta2 * s[1] + (1 - o.beta2) * g * g;
      return w - (o.learningRate * Math.sqrt(1 - o.beta2 ** t)) / (1 - o.beta1 ** t) * s[0] / (Math.sqrt(s[1]) + o.epsilon);
    },
    adamw(w, g, s, t, o) {
      return rules.adam(w - o.learningRate * o.weightDecay * w, g, s, t, o);
    },
  };

  const cases: [string, OptimizerSpec][] = [
    ['sgd', { ...BASE }],
    ['sgd + momentum', { ...BASE, momentum: 0.9 }],
    ['sgd + nesterov', { ...BASE, momentum: 0.9, nesterov: true }],
    ['rmsprop', { ...BASE, kind: 'rmsprop', learningRate: 0.01 }],
    ['rmsprop + momentum', { ...BASE, kind: 'rmsprop', learningRate: 0.01, momentum: 0.5 }],
    ['adam', { ...BASE, kind: 'adam', learningRate: 0.01 }],
    ['adamw', { ...BASE, kind: 'adamw', learningRate: 0.01, weightDecay: 0.1 }],
    ['sgd + clipNorm', { ...BASE, clipNorm: 0.05 }],
    ['adam + clipNorm', { ...BASE, kind: 'adam', learningRate: 0.01, clipNorm: 0.05 }],
  ];

  for (const [label, o] of cases) {
    it(`${label}: four steps`, async () => {
      const net = reference.createNetwork(spec(o), w0);
      const expected = w0.map((p) => Array.from(p));
      const state = expected.map((p) => p.map(() => [0, 0]));
      let clipped = false;
      for (let t = 1; t <= 4; t++) {
        const { grads } = net.gradients(x, y, 4);
        const norm = Math.sqrt(grads.reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0));
        const scale = o.clipNorm > 0 && norm > o.clipNorm ? o.clipNorm / norm : 1;
        clipped ||= scale < 1;
        await net.trainBatches(x, y, 4, order, 4);
        expected.forEach((p, k) => p.forEach((w, i) => (p[i] = rules[o.kind](w, grads[k][i] * scale, state[k][i], t, o))));
        const got = net.getParams();
        got.forEach((p, k) => p.forEach((w, i) => expect(w).toBeCloseTo(expected[k][i], 5)));
      }
      if (o.clipNorm > 0) expect(clipped).toBe(true);
    });
  }

  it('setOptimizer resets the state; setParams keeps it', async () => {
    const o: OptimizerSpec = { ...BASE, kind: 'adam', learningRate: 0.01 };
    const a = reference.createNetwork(spec(o), w0);
    const b = reference.createNetwork(spec(o), w0);
    await a.trainBatches(x, y, 4, order, 4);
    a.setParams(w0);
    a.setOptimizer(o);
    await a.trainBatches(x, y, 4, order, 4);
    await b.trainBatches(x, y, 4, order, 4);
    expect(a.getParams()).toEqual(b.getParams());
    a.setParams(w0);
    await a.trainBatches(x, y, 4, order, 4); // second Adam step (t = 2) from w0: differs from the first
    expect(a.getParams()).not.toEqual(b.getParams());
  });

  it('trainBatches runs consecutive batches of the given order, the last one shorter', async () => {
    const one = reference.createNetwork(spec(BASE), w0);
    const two = reference.createNetwork(spec(BASE), w0);
    const losses = await one.trainBatches(x, y, 4, Uint32Array.of(3, 1, 0), 2);
    expect(losses).toHaveLength(2);
    const pick = (rows: number[], src: Float32Array, w: number) => Float32Array.from(rows.flatMap((r) => Array.from(src.subarray(r * w, r * w + w))));
    const l0 = await two.trainBatches(pick([3, 1], x, 3), pick([3, 1], y, 2), 2, Uint32Array.of(0, 1), 2);
    const l1 = await two.trainBatches(pick([0], x, 3), pick([0], y, 2), 1, Uint32Array.of(0), 1);
    expect([losses[0], losses[1]]).toEqual([l0[0], l1[0]]);
    expect(one.getParams()).toEqual(two.getParams());
  });
});

describe('layer statistics follow SEMANTICS.md', () => {
  it('means, stds, dead units, distinct units and gradient norms of a hand-built net', () => {
    // Layer 0: relu, units 0 and 2 identical, unit 1 always off (negative weights, inputs ≥ 0).
    const w = Float32Array.of(0.5, -1, 0.5, 0.25, -2, 0.25);
    const b = Float32Array.of(0.1, -0.1, 0.1);
    const w1 = Float32Array.of(1, -1, 0.5);
    const spec: NetworkSpec = {
      layers: [
        { inputs: 2, units: 3, activation: 'relu', alpha: 0, useBias: true },
        { inputs: 3, units: 1, activation: 'linear', alpha: 0, useBias: false },
      ],
      loss: 'mean_squared_error',
      optimizer: BASE,
    };
    const net = reference.createNetwork(spec, [w, b, w1]);
    const x = Float32Array.of(1, 2, 0.5, 0, 3, 1);
    const y = Float32Array.of(1, 0, -1);
    const stats = net.layerStats(x, y, 3);
    const z: number[] = [];
    for (let r = 0; r < 3; r++) for (let j = 0; j < 3; j++) z.push(x[r * 2] * w[j] + x[r * 2 + 1] * w[3 + j] + b[j]);
    const a = z.map((v) => Math.max(0, v));
    const ms = (v: number[]) => {
      const m = v.reduce((s, q) => s + q, 0) / v.length;
      return [m, Math.sqrt(v.reduce((s, q) => s + (q - m) ** 2, 0) / v.length)];
    };
    expect(stats[0].preActivationMean).toBeCloseTo(ms(z)[0], 5);
    expect(stats[0].preActivationStd).toBeCloseTo(ms(z)[1], 5);
    expect(stats[0].activationMean).toBeCloseTo(ms(a)[0], 5);
    expect(stats[0].activationStd).toBeCloseTo(ms(a)[1], 5);
    expect(stats[0].deadFraction).toBeCloseTo(1 / 3, 12);
    expect(stats[0].distinctUnits).toBe(2);
    expect(stats[1].distinctUnits).toBe(1);
    expect(stats[1].deadFraction).toBe(0);
    expect(stats[0].weightStd).toBeCloseTo(ms(Array.from(w))[1], 6);
    const { grads } = net.gradients(x, y, 3);
    expect(stats[0].weightGradNorm).toBeCloseTo(Math.hypot(...grads[0]), 6);
    expect(stats[1].weightGradNorm).toBeCloseTo(Math.hypot(...grads[2]), 6);
    // Output layer: ∂L/∂A = 2(A − y)/N.
    const out = [0, 1, 2].map((r) => a[r * 3] * w1[0] + a[r * 3 + 1] * w1[1] + a[r * 3 + 2] * w1[2]);
    expect(stats[1].activationGradStd).toBeCloseTo(ms(out.map((o, r) => (2 * (o - y[r])) / 3))[1], 6);
    // Hidden layer: ∂L/∂A = ∂L/∂Z_out · W1ᵀ.
    const dOut = out.map((o, r) => (2 * (o - y[r])) / 3);
    expect(stats[0].activationGradStd).toBeCloseTo(ms(dOut.flatMap((d) => Array.from(w1, (v) => d * v)))[1], 6);
  });

  it('a zero-initialized layer has one distinct unit, −0 and +0 count as different', () => {
    const spec: NetworkSpec = {
      layers: [{ inputs: 2, units: 3, activation: 'tanh', alpha: 0, useBias: false }],
      loss: 'mean_squared_error',
      optimizer: BASE,
    };
    const x = Float32Array.of(1, 2);
    const y = Float32Array.of(0, 0, 0);
    expect(reference.createNetwork(spec, [new Float32Array(6)]).layerStats(x, y, 1)[0].distinctUnits).toBe(1);
    expect(reference.createNetwork(spec, [Float32Array.of(0, -0, 0, 0, 0, 0)]).layerStats(x, y, 1)[0].distinctUnits).toBe(2);
  });
});

describe('fused losses are stable', () => {
  it('sigmoid + binary_crossentropy and softmax + categorical_crossentropy stay finite at huge logits', () => {
    for (const [activation, loss, y] of [
      ['sigmoid', 'binary_crossentropy', Float32Array.of(0, 1)],
      ['softmax', 'categorical_crossentropy', Float32Array.of(0, 1)],
    ] as const) {
      const spec: NetworkSpec = { layers: [{ inputs: 1, units: 2, activation, alpha: 0, useBias: false }], loss, optimizer: BASE };
      const net = createReferenceNetwork(spec, [Float32Array.of(1000, -1000)]);
      const { loss: l, grads } = net.gradients(Float32Array.of(1), y, 1);
      // Logits (1000, −1000) against target (0, 1): the loss is about 2000 (binary) or 2000 (categorical), not Infinity.
      expect(l).toBeGreaterThan(900);
      expect(Number.isFinite(l)).toBe(true);
      expect(grads[0].every(Number.isFinite)).toBe(true);
    }
  });

  it('non-fused cross-entropy clips probabilities: finite loss, zero gradient where clipped', () => {
    const spec: NetworkSpec = {
      layers: [{ inputs: 1, units: 2, activation: 'linear', alpha: 0, useBias: false }],
      loss: 'categorical_crossentropy',
      optimizer: BASE,
    };
    const net = createReferenceNetwork(spec, [Float32Array.of(0, 2)]);
    const { loss, grads } = net.gradients(Float32Array.of(1), Float32Array.of(1, 0), 1);
    expect(loss).toBeCloseTo(-Math.log(1e-7), 4);
    expect(Array.from(grads[0])).toEqual([0, 0]);
  });

  it('rejects class ids out of range and disposes cleanly', async () => {
    const spec: NetworkSpec = {
      layers: [{ inputs: 1, units: 2, activation: 'softmax', alpha: 0, useBias: false }],
      loss: 'sparse_categorical_crossentropy',
      optimizer: BASE,
    };
    const net = reference.createNetwork(spec, [Float32Array.of(1, 2)]);
    expect(() => net.gradients(Float32Array.of(1), Float32Array.of(2), 1)).toThrow(/class id at row 0 is 2/);
    await expect(net.trainBatches(Float32Array.of(1), Float32Array.of(0), 1, Uint32Array.of(1), 1)).rejects.toThrow(/order\[0\] = 1/);
    net.dispose();
    expect(() => net.getParams()).toThrow(/disposed/);
  });
});

describe('divergence', () => {
  it('trainBatches stops after the first non-finite batch loss, without applying it', async () => {
    const spec: NetworkSpec = {
      layers: [{ inputs: 1, units: 1, activation: 'linear', alpha: 0, useBias: false }],
      loss: 'mean_squared_error',
      optimizer: { ...BASE, learningRate: 1 },
    };
    // Row 2 overflows float32 in the loss (1e30² = Infinity).
    const x = Float32Array.of(1, 1, 1e30, 1);
    const y = Float32Array.of(0, 0, 0, 0);
    const net = reference.createNetwork(spec, [Float32Array.of(0.5)]);
    const losses = await net.trainBatches(x, y, 4, Uint32Array.of(0, 1, 2, 3), 1);
    expect(losses).toHaveLength(3);
    expect(losses[2]).toBe(Infinity);
    // Two updates of w −= 1·2w·x² with x = 1: 0.5 → −0.5 → 0.5; the third batch left w alone.
    expect(Array.from(net.getParams()[0])).toEqual([0.5]);
  });
});
