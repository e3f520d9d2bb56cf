/** LSUV (Mishkin & Matas 2016) on models: lsuv(model, x) and kernelInitializer 'lsuv' resolved at the first fit. */
import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, lsuv, diagnose, loadDigits, setBackend, LsuvInitializer } from '../src/index.js';
import { trainingBackends } from './helpers/backends.js';

let x: Float32Array;
let labels: Float32Array;
const rows = 200;

beforeAll(() => {
  // Native once its network and fills exist (fast), else the reference.
  setBackend(trainingBackends[trainingBackends.length - 1]);
  const d = loadDigits();
  x = d.x.data.slice(0, rows * 64);
  labels = Float32Array.from(d.labels!.subarray(0, rows));
});

function net(activation: string, depth: number, width: number, kernelInitializer = 'glorot_uniform', seed = 5) {
  const layers = Array.from({ length: depth }, (_, i) =>
    new Dense({ units: width, activation, kernelInitializer, ...(i === 0 ? { inputShape: [64] } : {}) }),
  );
  layers.push(new Dense({ units: 10, activation: 'softmax', kernelInitializer }));
  const model = new Sequential(layers, { seed });
  model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
  return model;
}

/** max |WᵀW − s²I| / s² for a kernel [inputs, units] with inputs ≥ units, s² the mean diagonal. */
function orthogonality(w: Float32Array, inputs: number, units: number): number {
  const g = new Float64Array(units * units);
  for (let i = 0; i < units; i++)
    for (let j = 0; j < units; j++) {
      let s = 0;
      for (let k = 0; k < inputs; k++) s += w[k * units + i] * w[k * units + j];
      g[i * units + j] = s;
    }
  let diag = 0;
  for (let i = 0; i < units; i++) diag += g[i * units + i] / units;
  let worst = 0;
  for (let i = 0; i < units; i++) for (let j = 0; j < units; j++) worst = Math.max(worst, Math.abs(g[i * units + j] - (i === j ? diag : 0)) / diag);
  return worst;
}

describe('lsuv(model, xBatch)', () => {
  for (const activation of ['relu', 'tanh']) {
    it(`brings every layer's output variance within the tolerance of 1 (${activation})`, async () => {
      const model = net(activation, 8, 32);
      const results = await lsuv(model, { data: x, shape: [rows, 64] }, { tolerance: 0.1, maxIterations: 10 });
      expect(results.map((r) => r.layer)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      for (const r of results) expect(r.converged).toBe(true);
      // Measured again, independently, on the same batch.
      const stats = await diagnose(model, { data: x, shape: [rows, 64] }, labels);
      for (const s of stats) expect(Math.abs(s.preActivationStd ** 2 - 1)).toBeLessThan(0.1);
      // The kernels are scaled orthonormal matrices (square hidden layers: WᵀW = s²I).
      const w = model.getWeights();
      for (let l = 1; l < 8; l++) expect(orthogonality(w[2 * l].data, 32, 32)).toBeLessThan(1e-4);
      model.dispose();
    });
  }

  it('a tighter tolerance is met too, and the result does not depend on the starting kernels', async () => {
    const a = net('tanh', 4, 16, 'glorot_uniform');
    const b = net('tanh', 4, 16, 'random_normal');
    const ra = await lsuv(a, { data: x, shape: [rows, 64] }, { tolerance: 0.01 });
    const rb = await lsuv(b, { data: x, shape: [rows, 64] }, { tolerance: 0.01 });
    for (const r of ra) expect(Math.abs(r.variance - 1)).toBeLessThan(0.01);
    // Same model seed → same orthonormal pre-init → same result whatever the kernels were before.
    expect(rb.map((r) => r.variance)).toEqual(ra.map((r) => r.variance));
    a.dispose();
    b.dispose();
  });

  it('rejects bad options and inputs', async () => {
    const model = net('relu', 2, 8);
    const xb = { data: x, shape: [rows, 64] };
    await expect(lsuv(model, xb, { tolerance: 0 })).rejects.toThrow(/tolerance in \(0, 1\)/);
    await expect(lsuv(model, xb, { maxIterations: 1.5 })).rejects.toThrow(/maxIterations/);
    await expect(lsuv(model, xb, { seed: -1 })).rejects.toThrow(/seed/);
    await expect(lsuv(model, xb, { tol: 0.1 } as never)).rejects.toThrow(/unknown option 'tol'/);
    await expect(lsuv(model, { data: x.subarray(0, 63), shape: [1, 63] })).rejects.toThrow(/64/);
    await expect(lsuv({} as never, xb)).rejects.toThrow(/expected a Sequential model/);
    model.dispose();
  });
});

describe("kernelInitializer: 'lsuv'", () => {
  it('starts orthonormal and is rescaled to unit variance at the first fit, before any update', async () => {
    const model = net('relu', 6, 24, 'lsuv');
    const w0 = model.getWeights();
    for (let l = 1; l < 6; l++) {
      expect(orthogonality(w0[2 * l].data, 24, 24)).toBeLessThan(1e-4);
      // Gain 1: WᵀW = I before the data is seen.
      let diag = 0;
      for (let i = 0; i < 24; i++) for (let k = 0; k < 24; k++) diag += w0[2 * l].data[k * 24 + i] ** 2 / 24;
      expect(diag).toBeCloseTo(1, 4);
    }
    // The first fit measures on evenly spaced rows: with 200 rows, all of them.
    let measured: number[] = [];
    await model.fit({ data: x, shape: [rows, 64] }, labels, {
      epochs: 1,
      batchSize: 50,
      verbose: 0,
      callbacks: {
        onTrainBegin: async () => {
          measured = (await diagnose(model, { data: x, shape: [rows, 64] }, labels)).map((s) => s.preActivationStd ** 2);
        },
      },
    });
    expect(measured).toHaveLength(7);
    for (const v of measured) expect(Math.abs(v - 1)).toBeLessThan(0.1);
    // A second fit does not rescale again.
    const before = model.getWeights();
    await model.fit({ data: x, shape: [rows, 64] }, labels, { epochs: 1, batchSize: 50, verbose: 0, callbacks: { onTrainBegin: () => {
      const now = model.getWeights();
      for (let i = 0; i < now.length; i++) expect(now[i].data).toEqual(before[i].data);
    } } });
    model.dispose();
  });

  it('round-trips through the layer config and rejects bad shapes', () => {
    const d = new Dense({ units: 4, kernelInitializer: { className: 'LSUV', config: { tolerance: 0.05, maxIterations: 3 } }, inputDim: 3 });
    expect(d.kernelInitializer).toBeInstanceOf(LsuvInitializer);
    expect(d.kernelInitializer.getConfig()).toEqual({ className: 'LSUV', config: { tolerance: 0.05, maxIterations: 3 } });
    expect(new Dense({ units: 2, kernelInitializer: 'LSUV', inputDim: 2 }).kernelInitializer).toBeInstanceOf(LsuvInitializer);
    expect(() => new LsuvInitializer().sample([5])).toThrow(/rank ≥ 2/);
    expect(() => new LsuvInitializer({ tolerance: 2 })).toThrow(RangeError);
  });
});

describe('diagnose(model, x, y)', () => {
  it('names layers as the model does and needs a compiled model and matching rows', async () => {
    const model = net('relu', 3, 8, 'zeros');
    const stats = await diagnose(model, { data: x, shape: [rows, 64] }, labels);
    expect(stats.map((s) => s.layer)).toEqual(['dense', 'dense_1', 'dense_2', 'dense_3']);
    expect(stats.map((s) => s.units)).toEqual([8, 8, 8, 10]);
    // All-zero kernels: one distinct unit per layer, every ReLU unit dead (Z = 0 ≤ 0).
    expect(stats.map((s) => s.distinctUnits)).toEqual([1, 1, 1, 1]);
    expect(stats.slice(0, 3).map((s) => s.deadFraction)).toEqual([1, 1, 1]);
    await expect(diagnose(model, { data: x, shape: [rows, 64] }, labels.subarray(0, 10))).rejects.toThrow(/rows/);
    const raw = new Sequential([new Dense({ units: 2, inputShape: [64] })], { seed: 1 });
    await expect(diagnose(raw, { data: x, shape: [rows, 64] }, labels)).rejects.toThrow(/compile the model first/);
    model.dispose();
    raw.dispose();
  });
});
