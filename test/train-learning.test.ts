/**
 * Learning: the trainer solves XOR, two interleaved spirals (≥ 95 % training accuracy) and a smooth
 * regression, on every backend that has a network (the reference always, native when built).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, Sequential, optimizers, setBackend, spirals } from '../src/index.js';
import { reference, trainingBackends } from './helpers/backends.js';

afterAll(() => {
  setBackend(reference);
});

describe.each(trainingBackends.map((b) => [b.name, b] as const))('learning on the %s backend', (_name, backend) => {
  it('XOR', async () => {
    setBackend(backend);
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const y = [0, 1, 1, 0];
    const model = new Sequential(
      [new Dense({ units: 8, activation: 'tanh', inputShape: [2] }), new Dense({ units: 1, activation: 'sigmoid' })],
      { seed: 1 },
    );
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const h = await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
    expect(h.history.accuracy.at(-1)).toBe(1);
    expect(h.loss.at(-1)).toBeLessThan(0.05);
    const p = await model.predict(x);
    expect(Array.from(p.data, (v) => (v > 0.5 ? 1 : 0))).toEqual(y);
  });

  it('two interleaved spirals reach ≥ 95 % training accuracy', async () => {
    setBackend(backend);
    const ds = spirals({ samplesPerClass: 200, seed: 3 });
    const model = new Sequential(
      [
        new Dense({ units: 64, activation: 'relu', kernelInitializer: 'he_normal', inputShape: [2] }),
        new Dense({ units: 64, activation: 'relu', kernelInitializer: 'he_normal' }),
        new Dense({ units: 2, activation: 'softmax' }),
      ],
      { seed: 2 },
    );
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const h = await model.fit(ds.x, ds.labels!, { epochs: 200, batchSize: 32, verbose: 0 });
    expect(h.history.accuracy.at(-1)).toBeGreaterThanOrEqual(0.95);
  });

  it('a regression: y = sin(3·x₁) + x₂² learned to R² > 0.97', async () => {
    setBackend(backend);
    const rows = 512;
    const x = new Float32Array(rows * 2);
    const y = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      // A deterministic low-discrepancy fill of [−1, 1]² (no RNG needed).
      x[2 * r] = ((r * 0.6180339887) % 1) * 2 - 1;
      x[2 * r + 1] = ((r * 0.7548776662) % 1) * 2 - 1;
      y[r] = Math.sin(3 * x[2 * r]) + x[2 * r + 1] ** 2;
    }
    const mean = y.reduce((a, b) => a + b, 0) / rows;
    const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / rows;
    const model = new Sequential(
      [
        new Dense({ units: 32, activation: 'tanh', inputShape: [2] }),
        new Dense({ units: 32, activation: 'tanh' }),
        new Dense({ units: 1 }),
      ],
      { seed: 4 },
    );
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
    const h = await model.fit({ data: x, shape: [rows, 2] }, y, { epochs: 150, batchSize: 32, verbose: 0 });
    const { loss } = await model.evaluate({ data: x, shape: [rows, 2] }, y);
    expect(1 - loss / variance).toBeGreaterThan(0.97);
    expect(h.history.mae.at(-1)).toBeLessThan(h.history.mae[0]);
  });
});
