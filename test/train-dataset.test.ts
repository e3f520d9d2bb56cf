/**
 * The training set a fit hands to the network once (Network.setTrainingData / trainRows): the rows
 * gathered by index inside the network train exactly as the same rows gathered beforehand, a
 * non-finite value is reported at its row and column before any weight changes, and fit's messages
 * for bad values are those of toMatrix, however many slices the data is copied and scanned in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend, NetworkSpec } from '../src/backend/types.js';
import { NO_TRAINING_SET, TRAINING_SLICE_VALUES } from '../src/backend/spec.js';
import { Dense, Sequential, Tensor, optimizers, setBackend } from '../src/index.js';
import { shuffleOrder, shuffleOrderSliced } from '../src/train/fit.js';
import { nativeNetwork, native, reference, trainingBackends } from './helpers/backends.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const networkBackends: Backend[] = nativeNetwork ? [reference, nativeNetwork] : [reference];

/** 40 inputs → 24 relu → 5 softmax with categorical cross-entropy, Adam (state makes every step count). */
function netCase(rows: number, seed: number) {
  const r = rng(seed);
  const spec: NetworkSpec = {
    layers: [
      { inputs: 40, units: 24, activation: 'relu', alpha: 0, useBias: true },
      { inputs: 24, units: 5, activation: 'softmax', alpha: 0, useBias: true },
    ],
    loss: 'categorical_crossentropy',
    optimizer: { kind: 'adam', learningRate: 0.01, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, clipNorm: 0 },
  };
  const params = spec.layers.flatMap((l) => [
    Float32Array.from({ length: l.inputs * l.units }, () => (2 * r() - 1) * Math.sqrt(6 / (l.inputs + l.units))),
    Float32Array.from({ length: l.units }, () => 0.1 * (r() - 0.5)),
  ]);
  const x = Float32Array.from({ length: rows * 40 }, () => 2 * r() - 1);
  const y = new Float32Array(rows * 5);
  for (let i = 0; i < rows; i++) y[i * 5 + Math.floor(r() * 5)] = 1;
  return { spec, params, x, y, rows };
}

/** Rows `order` of a row-major matrix with `cols` columns, in that order. */
function gather(m: Float32Array, cols: number, order: Uint32Array): Float32Array {
  const out = new Float32Array(order.length * cols);
  order.forEach((row, r) => out.set(m.subarray(row * cols, (row + 1) * cols), r * cols));
  return out;
}

describe.each(networkBackends.map((b) => [b.name, b] as const))('setTrainingData / trainRows on the %s backend', (_name, backend) => {
  // 20 000 rows × 45 values: several copy and scan slices.
  const c = netCase(20_000, 7);
  expect(c.x.length + c.y.length).toBeGreaterThan(3 * TRAINING_SLICE_VALUES);

  it('training on rows gathered by index equals training on the same rows gathered beforehand, bit for bit', async () => {
    const order = shuffleOrder(c.rows, 5n, 0);
    const a = backend.createNetwork(c.spec, c.params);
    const b = backend.createNetwork(c.spec, c.params);
    expect(await a.setTrainingData(c.x, c.y, c.rows)).toBeNull();
    // Three calls cutting the epoch unevenly (the last batch of the last call is short).
    const la = [
      ...(await a.trainRows(order.subarray(0, 1280), 128)),
      ...(await a.trainRows(order.subarray(1280, 5120), 128)),
      ...(await a.trainRows(order.subarray(5120), 128)),
    ];
    const identity = Uint32Array.from({ length: c.rows }, (_, i) => i);
    const lb = await b.trainBatches(gather(c.x, 40, order), gather(c.y, 5, order), c.rows, identity, 128);
    expect(la).toEqual(Array.from(lb));
    expect(la.length).toBe(Math.ceil(c.rows / 128));
    const pa = a.getParams();
    b.getParams().forEach((p, k) => expect(Array.from(pa[k])).toEqual(Array.from(p)));
    // The set stays for the next epoch until cleared.
    await a.trainRows(order.subarray(0, 256), 128);
    await a.clearTrainingData();
    await expect(a.trainRows(order.subarray(0, 128), 128)).rejects.toThrow(NO_TRAINING_SET);
    a.dispose();
    b.dispose();
  });

  it('the caller may change its arrays once setTrainingData has resolved: the network trains on its copy', async () => {
    const order = shuffleOrder(c.rows, 9n, 1).subarray(0, 1024);
    const a = backend.createNetwork(c.spec, c.params);
    const b = backend.createNetwork(c.spec, c.params);
    const x = c.x.slice();
    const y = c.y.slice();
    expect(await a.setTrainingData(x, y, c.rows)).toBeNull();
    x.fill(0);
    y.fill(0);
    expect(await b.setTrainingData(c.x, c.y, c.rows)).toBeNull();
    expect(Array.from(await a.trainRows(order, 64))).toEqual(Array.from(await b.trainRows(order, 64)));
    a.dispose();
    b.dispose();
  });

  it('reports the first NaN or ±Infinity by array, row and column, keeps no set and changes no weight', async () => {
    const net = backend.createNetwork(c.spec, c.params);
    const before = net.getParams();
    const x = c.x.slice();
    // Row 18000 lies in a late slice; a later bad value (row 19500) and one in y must not be the one reported.
    x[18000 * 40 + 17] = NaN;
    x[19500 * 40 + 3] = -Infinity;
    const y = c.y.slice();
    y[10 * 5 + 2] = Infinity;
    expect(await net.setTrainingData(x, y, c.rows)).toEqual({ array: 'x', row: 18000, column: 17, value: NaN });
    await expect(net.trainRows(Uint32Array.of(0, 1), 2)).rejects.toThrow(NO_TRAINING_SET);
    x[18000 * 40 + 17] = 0;
    expect(await net.setTrainingData(x, y, c.rows)).toEqual({ array: 'x', row: 19500, column: 3, value: -Infinity });
    x[19500 * 40 + 3] = 0;
    expect(await net.setTrainingData(x, y, c.rows)).toEqual({ array: 'y', row: 10, column: 2, value: Infinity });
    await expect(net.trainRows(Uint32Array.of(0, 1), 2)).rejects.toThrow(NO_TRAINING_SET);
    net.getParams().forEach((p, k) => expect(Array.from(p)).toEqual(Array.from(before[k])));
    net.dispose();
  });

  it('bad arguments: shapes, order indices, batch size', async () => {
    const net = backend.createNetwork(c.spec, c.params);
    await expect(net.setTrainingData(c.x.subarray(1), c.y, c.rows)).rejects.toThrow(/x must hold rows·inputs/);
    await expect(net.setTrainingData(c.x, c.y.subarray(5), c.rows)).rejects.toThrow(RangeError);
    await expect(net.setTrainingData(c.x, c.y, 0)).rejects.toThrow(RangeError);
    expect(await net.setTrainingData(c.x.subarray(0, 400), c.y.subarray(0, 50), 10)).toBeNull();
    await expect(net.trainRows(Uint32Array.of(0, 10), 2)).rejects.toThrow(/trainRows: order\[1\] = 10 is not a row index below 10/);
    await expect(net.trainRows(Uint32Array.of(0, 1), 0)).rejects.toThrow(RangeError);
    await expect(net.trainRows([0, 1] as unknown as Uint32Array, 2)).rejects.toThrow(TypeError);
    net.dispose();
    await expect(net.setTrainingData(c.x, c.y, c.rows)).rejects.toThrow(/disposed/);
  });
});

describe('shuffleOrderSliced', () => {
  it('gives the permutation of shuffleOrder across many slices', async () => {
    for (const n of [1, 2, 8193, 30_000]) {
      expect(Array.from(await shuffleOrderSliced(n, 123n, 4))).toEqual(Array.from(shuffleOrder(n, 123n, 4)));
    }
  });
});

describe.each(trainingBackends.map((b) => [b.name, b] as const))('fit with a bad value in x on the %s backend', (_name, backend) => {
  afterAll(() => setBackend(reference));
  // 4000 rows of 100 features: 400 000 values, so the checks run over several slices.
  const rows = 4000;
  const x = Float32Array.from({ length: rows * 100 }, rng(3));
  const y = Float32Array.from({ length: rows }, (_, i) => i % 3);
  const model = () => {
    setBackend(backend);
    const m = new Sequential([new Dense({ units: 8, activation: 'relu', inputShape: [100] }), new Dense({ units: 3, activation: 'softmax' })], { seed: 4 });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'sparse_categorical_crossentropy' });
    return m;
  };

  it('names the row and column, before any callback runs or any weight changes', async () => {
    const m = model();
    const before = m.getWeights().map((t) => Array.from(t.data));
    const bad = x.slice();
    bad[3777 * 100 + 42] = NaN;
    const hooks: string[] = [];
    const cb = { onTrainBegin: () => void hooks.push('trainBegin'), onBatchEnd: () => void hooks.push('batch') };
    await expect(m.fit(new Tensor(bad, [rows, 100]), y, { batchSize: 32, verbose: 0, callbacks: [cb] })).rejects.toThrow(
      new RangeError('fit: x: value at row 3777, column 42 is NaN; inputs must be finite float32 numbers'),
    );
    expect(hooks).toEqual([]);
    m.getWeights().forEach((t, k) => expect(Array.from(t.data)).toEqual(before[k]));
    // The model is usable afterwards: the same fit on clean data trains.
    const h = await m.fit(new Tensor(x, [rows, 100]), y, { batchSize: 512, verbose: 0 });
    expect(h.history.loss).toHaveLength(1);
    m.dispose();
  });

  it('numbers validation rows as rows of x (validationSplit) or of the validation data', async () => {
    const m = model();
    const before = m.getWeights().map((t) => Array.from(t.data));
    const bad = x.slice();
    bad[3900 * 100 + 5] = Infinity;
    await expect(m.fit(new Tensor(bad, [rows, 100]), y, { validationSplit: 0.2, verbose: 0 })).rejects.toThrow(
      'fit: x: value at row 3900, column 5 is Infinity',
    );
    const vx = x.slice(0, 300 * 100);
    vx[250 * 100 + 99] = -Infinity;
    await expect(
      m.fit(new Tensor(x, [rows, 100]), y, { validationData: [new Tensor(vx, [300, 100]), y.slice(0, 300)], verbose: 0 }),
    ).rejects.toThrow('fit: validationData x: value at row 250, column 99 is -Infinity');
    m.getWeights().forEach((t, k) => expect(Array.from(t.data)).toEqual(before[k]));
    m.dispose();
  });

  it('evaluate and predict name the row of a bad value in a late slice', async () => {
    const m = model();
    const bad = x.slice();
    bad[3999 * 100] = NaN;
    await expect(m.evaluate(new Tensor(bad, [rows, 100]), y)).rejects.toThrow('evaluate: x: value at row 3999, column 0 is NaN');
    await expect(m.predict(new Tensor(bad, [rows, 100]))).rejects.toThrow('predict: x: value at row 3999, column 0 is NaN');
    m.dispose();
  });
});

describe.skipIf(!native)('fit through the training set on the native backend', () => {
  afterAll(() => {
    native?.setThreads(2);
    setBackend(reference);
  });

  it('1 and 2 threads give bit-identical weights and history over shuffled epochs', async () => {
    const c = netCase(3000, 11);
    const run = async (threads: number) => {
      native!.setThreads(threads);
      setBackend(native!);
      const m = new Sequential([new Dense({ units: 24, activation: 'relu', inputShape: [40] }), new Dense({ units: 5, activation: 'softmax' })], { seed: 8 });
      m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
      const h = await m.fit(new Tensor(c.x, [c.rows, 40]), new Tensor(c.y, [c.rows, 5]), { epochs: 3, batchSize: 64, validationSplit: 0.1, verbose: 0 });
      const w = m.getWeights().map((t) => Array.from(t.data));
      m.dispose();
      return { h: h.history, w };
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.h).toEqual(one.h);
    expect(two.w).toEqual(one.w);
  });
});

describe.each(trainingBackends.map((b) => [b.name, b] as const))('evaluate in chunks on the %s backend', (_name, backend) => {
  afterAll(() => setBackend(reference));

  it('metrics summed chunk by chunk equal the metrics of the whole prediction', async () => {
    setBackend(backend);
    // 300 inputs: 873 rows per evaluate call, so 2000 rows take three calls.
    const rows = 2000;
    const r = rng(17);
    const x = Float32Array.from({ length: rows * 300 }, () => 2 * r() - 1);
    const y = new Float32Array(rows * 4);
    for (let i = 0; i < rows; i++) y[i * 4 + Math.floor(r() * 4)] = 1;
    const m = new Sequential([new Dense({ units: 16, activation: 'tanh', inputShape: [300] }), new Dense({ units: 4, activation: 'softmax' })], { seed: 6 });
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy', 'mse', 'mae'] });
    const logs = await m.evaluate(new Tensor(x, [rows, 300]), new Tensor(y, [rows, 4]));
    const p = (await m.predict(new Tensor(x, [rows, 300]))).data;
    let hits = 0;
    let se = 0;
    let ae = 0;
    for (let i = 0; i < rows; i++) {
      const row = Array.from(p.subarray(i * 4, i * 4 + 4));
      if (row.indexOf(Math.max(...row)) === Array.from(y.subarray(i * 4, i * 4 + 4)).indexOf(1)) hits++;
      for (let j = 0; j < 4; j++) {
        se += (p[i * 4 + j] - y[i * 4 + j]) ** 2;
        ae += Math.abs(p[i * 4 + j] - y[i * 4 + j]);
      }
    }
    // Hits are counts: exact. Sums differ only in the f64 summation order.
    expect(logs.accuracy).toBe(hits / rows);
    expect(Math.abs(logs.mse - se / (rows * 4))).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(logs.mae - ae / (rows * 4))).toBeLessThanOrEqual(1e-12);
    m.dispose();
  });
});
