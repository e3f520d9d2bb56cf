/**
 * Native network vs the reference (docs/SEMANTICS.md, "Dense networks"): same initial weights and data
 * on both, then outputs, gradients, layer statistics and parameters after 20 SGD / Adam steps compared.
 * Skipped until the native backend implements createNetwork (the seeded-fit case until it has fills too).
 *
 * Tolerance ("1e−4 relative"): element i of a tensor b (reference) and a (native) agree when
 * |a − b| ≤ 1e−4 · max(|b|, rms(b)); the rms floor keeps elements near zero (where any f32 summation
 * order differs in relative terms) from dominating, while still scaling with the tensor.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ActivationName, Backend, LossName, NetworkSpec, OptimizerSpec } from '../src/backend/types.js';
import { Dense, Sequential, optimizers, setBackend } from '../src/index.js';
import { native, nativeNetwork, reference } from './helpers/backends.js';

const REL = 1e-4;

function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let sq = 0;
  for (let i = 0; i < b.length; i++) sq += b[i] * b[i];
  const rms = Math.sqrt(sq / Math.max(1, b.length));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), rms, 1e-30));
  return worst;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const OPT = (o: Partial<OptimizerSpec>): OptimizerSpec => ({
  kind: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, clipNorm: 0, ...o,
});

function makeCase(widths: number[], acts: ActivationName[], loss: LossName, rows: number, seed: number, o: OptimizerSpec) {
  const r = rng(seed);
  const spec: NetworkSpec = {
    layers: acts.map((activation, i) => ({
      inputs: widths[i], units: widths[i + 1], activation, alpha: activation === 'elu' ? 1 : 0.2, useBias: true,
    })),
    loss,
    optimizer: o,
  };
  const params = spec.layers.flatMap((l) => {
    const limit = Math.sqrt(6 / (l.inputs + l.units));
    return [Float32Array.from({ length: l.inputs * l.units }, () => (2 * r() - 1) * limit), Float32Array.from({ length: l.units }, () => 0.1 * (r() - 0.5))];
  });
  const x = Float32Array.from({ length: rows * widths[0] }, () => 2 * r() - 1);
  const units = widths.at(-1)!;
  let y: Float32Array;
  if (loss === 'sparse_categorical_crossentropy') y = Float32Array.from({ length: rows }, () => Math.floor(r() * units));
  else if (loss === 'categorical_crossentropy') {
    y = new Float32Array(rows * units);
    for (let i = 0; i < rows; i++) y[i * units + Math.floor(r() * units)] = 1;
  } else if (loss === 'binary_crossentropy') y = Float32Array.from({ length: rows * units }, () => (r() < 0.5 ? 0 : 1));
  else y = Float32Array.from({ length: rows * units }, () => r());
  return { spec, params, x, y, rows };
}

const ACTS: ActivationName[] = ['linear', 'relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'tanh', 'sigmoid', 'softmax'];
const OUTPUTS: Record<LossName, ActivationName[]> = {
  mean_squared_error: ['linear', 'tanh'],
  mean_absolute_error: ['linear'],
  binary_crossentropy: ['sigmoid', 'softmax'],
  categorical_crossentropy: ['softmax', 'sigmoid'],
  sparse_categorical_crossentropy: ['softmax'],
};

describe.skipIf(!nativeNetwork)('native network vs reference', () => {
  const nb = nativeNetwork as Backend;
  afterAll(() => {
    nb.setThreads(2);
    setBackend(reference);
  });

  let seed = 100;
  for (const hidden of ACTS) {
    for (const loss of Object.keys(OUTPUTS) as LossName[]) {
      for (const output of OUTPUTS[loss]) {
        const s = seed++;
        it(`gradients, outputs and loss: ${hidden} hidden, ${output} output, ${loss}`, async () => {
          const c = makeCase([12, 24, 24, 5], [hidden, hidden, output], loss, 40, s, OPT({}));
          const a = nb.createNetwork(c.spec, c.params);
          const b = reference.createNetwork(c.spec, c.params);
          const ga = a.gradients(c.x, c.y, c.rows);
          const gb = b.gradients(c.x, c.y, c.rows);
          expect(Math.abs(ga.loss - gb.loss) / Math.abs(gb.loss)).toBeLessThan(REL);
          ga.grads.forEach((g, k) => expect(worstRelative(g, gb.grads[k])).toBeLessThan(REL));
          const ea = await a.evaluate(c.x, c.y, c.rows);
          const eb = await b.evaluate(c.x, c.y, c.rows);
          expect(worstRelative(ea.outputs, eb.outputs)).toBeLessThan(REL);
          expect(worstRelative(await a.predict(c.x, c.rows), eb.outputs)).toBeLessThan(REL);
          a.dispose();
        });
      }
    }
  }

  for (const [label, o] of [
    ['SGD', OPT({ learningRate: 0.05 })],
    ['SGD + Nesterov momentum', OPT({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
    ['RMSprop', OPT({ kind: 'rmsprop', learningRate: 0.001, momentum: 0.5 })],
    ['Adam', OPT({ kind: 'adam', learningRate: 0.001 })],
    ['AdamW + clipNorm', OPT({ kind: 'adamw', learningRate: 0.001, weightDecay: 0.01, clipNorm: 0.5 })],
  ] as const) {
    it(`20 steps of ${label} give the same parameters`, async () => {
      const c = makeCase([20, 64, 32, 4], ['relu', 'tanh', 'softmax'], 'categorical_crossentropy', 160, 7, o);
      const a = nb.createNetwork(c.spec, c.params);
      const b = reference.createNetwork(c.spec, c.params);
      const order = Uint32Array.from({ length: 160 }, (_, i) => (i * 37) % 160);
      // 20 steps in two calls of 10 batches of 16 rows: state carries over between calls.
      for (let call = 0; call < 2; call++) {
        const la = await a.trainBatches(c.x, c.y, c.rows, order, 16);
        const lb = await b.trainBatches(c.x, c.y, c.rows, order, 16);
        expect(worstRelative(la, lb)).toBeLessThan(REL);
      }
      const pa = a.getParams();
      b.getParams().forEach((p, k) => expect(worstRelative(pa[k], p)).toBeLessThan(REL));
      a.dispose();
    });
  }

  it('layer statistics agree (distinct and dead units exactly)', () => {
    const c = makeCase([16, 32, 32, 3], ['relu', 'gelu', 'softmax'], 'sparse_categorical_crossentropy', 64, 9, OPT({}));
    // Make layer 0 partly symmetric and partly dead, so both counts are non-trivial.
    const k0 = c.params[0];
    for (let i = 0; i < 16; i++) {
      k0[i * 32 + 1] = k0[i * 32];
      k0[i * 32 + 2] = -Math.abs(k0[i * 32 + 2]) - 5;
    }
    c.params[1][1] = c.params[1][0];
    const sa = nb.createNetwork(c.spec, c.params).layerStats(c.x.map(Math.abs), c.y, c.rows);
    const sb = reference.createNetwork(c.spec, c.params).layerStats(c.x.map(Math.abs), c.y, c.rows);
    expect(sb[0].distinctUnits).toBe(31);
    expect(sb[0].deadFraction).toBeGreaterThan(0);
    sa.forEach((s, l) => {
      expect(s.distinctUnits).toBe(sb[l].distinctUnits);
      expect(s.deadFraction).toBe(sb[l].deadFraction);
      for (const k of ['preActivationMean', 'preActivationStd', 'activationMean', 'activationStd', 'weightStd', 'weightGradNorm', 'activationGradStd'] as const) {
        expect(Math.abs(s[k] - sb[l][k]), `layer ${l} ${k}`).toBeLessThanOrEqual(REL * Math.max(Math.abs(sb[l][k]), 1e-6));
      }
    });
  });

  it('1 thread and 2 threads train to bit-identical parameters', async () => {
    const c = makeCase([784, 256, 256, 10], ['relu', 'relu', 'softmax'], 'categorical_crossentropy', 512, 3, OPT({ kind: 'adam' }));
    const order = Uint32Array.from({ length: 512 }, (_, i) => i);
    const run = async (threads: number) => {
      nb.setThreads(threads);
      const net = nb.createNetwork(c.spec, c.params);
      const losses = await net.trainBatches(c.x, c.y, c.rows, order, 128);
      const stats = net.layerStats(c.x.subarray(0, 128 * 784), c.y.subarray(0, 1280), 128);
      const params = net.getParams();
      net.dispose();
      return { losses: Array.from(losses), params: params.map((p) => Array.from(p)), stats };
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.losses).toEqual(one.losses);
    expect(two.params).toEqual(one.params);
    expect(two.stats).toEqual(one.stats);
  });

  it.skipIf(!native)('a seeded fit gives the same history and weights on both backends', async () => {
    const x = Float32Array.from({ length: 300 * 4 }, rng(5));
    const y = Float32Array.from({ length: 300 }, (_, i) => (x[i * 4] + x[i * 4 + 1] > 1 ? 1 : 0));
    const train = async (backend: Backend) => {
      setBackend(backend);
      const m = new Sequential([new Dense({ units: 16, activation: 'relu', inputShape: [4] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 21 });
      m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      const h = await m.fit(x, y, { epochs: 5, batchSize: 32, validationSplit: 0.2, verbose: 0 });
      return { h: h.history, w: m.getWeights() };
    };
    const a = await train(nb);
    const b = await train(reference);
    expect(worstRelative(a.h.loss, b.h.loss)).toBeLessThan(REL);
    expect(worstRelative(a.h.val_loss, b.h.val_loss)).toBeLessThan(REL);
    a.w.forEach((t, k) => expect(worstRelative(t.data, b.w[k].data)).toBeLessThan(REL));
  });
});
