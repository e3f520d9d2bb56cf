/**
 * The Keras-style model API on the reference backend: building, seeding, compile, fit (history,
 * validation, callbacks, early stopping, shuffling, progress output), evaluate, predict, summary and
 * weights I/O.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Dense, EarlyStopping, Sequential, Tensor, callbacks, getInitializer, optimizers, setBackend, type Callback, type CallbackModel } from '../src/index.js';
import { shuffleOrder } from '../src/train/fit.js';
import { reference } from './helpers/backends.js';

beforeAll(() => {
  setBackend(reference);
});

/** A small 3-class problem: class = index of the largest of three features. */
function argmaxData(rows: number, seed = 1): { x: Float32Array; ids: Float32Array; oneHot: Float32Array } {
  const x = new Float32Array(rows * 3);
  const ids = new Float32Array(rows);
  const oneHot = new Float32Array(rows * 3);
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < 3; c++) x[r * 3 + c] = rand() * 2 - 1;
    const id = [0, 1, 2].reduce((b, c) => (x[r * 3 + c] > x[r * 3 + b] ? c : b), 0);
    ids[r] = id;
    oneHot[r * 3 + id] = 1;
  }
  return { x, ids, oneHot };
}

function classifier(seed = 7, hidden = 16): Sequential {
  return new Sequential(
    [new Dense({ units: hidden, activation: 'relu', kernelInitializer: 'he_normal', inputShape: [3] }), new Dense({ units: 3, activation: 'softmax' })],
    { seed },
  );
}

const X = { data: argmaxData(120).x, shape: [120, 3] };
const data = argmaxData(120);

describe('building and seeding', () => {
  it('draws each kernel and bias from its own stream of the model seed', () => {
    const model = new Sequential(
      [new Dense({ units: 4, inputShape: [4], biasInitializer: 'random_normal' }), new Dense({ units: 4, biasInitializer: 'random_normal' })],
      { seed: 11 },
    );
    const [k0, b0, k1, b1] = model.getWeights();
    const glorot = getInitializer('glorot_uniform');
    const normal = getInitializer('random_normal');
    expect(Array.from(k0.data)).toEqual(Array.from(glorot.sample([4, 4], { seed: 11n, stream: 0 }).data));
    expect(Array.from(b0.data)).toEqual(Array.from(normal.sample([4], { seed: 11n, stream: 1 }).data));
    expect(Array.from(k1.data)).toEqual(Array.from(glorot.sample([4, 4], { seed: 11n, stream: 2 }).data));
    expect(Array.from(b1.data)).toEqual(Array.from(normal.sample([4], { seed: 11n, stream: 3 }).data));
    // Two same-shaped layers never start identical.
    expect(Array.from(k0.data)).not.toEqual(Array.from(k1.data));
  });

  it('same seed, same weights; another seed, other weights; defaults are glorot_uniform kernels and zero biases', () => {
    const a = classifier(5).getWeights();
    const b = classifier(5).getWeights();
    const c = classifier(6).getWeights();
    expect(a.map((t) => Array.from(t.data))).toEqual(b.map((t) => Array.from(t.data)));
    expect(Array.from(a[0].data)).not.toEqual(Array.from(c[0].data));
    const plain = new Sequential([new Dense({ units: 5, inputDim: 7 })], { seed: 3 }).getWeights();
    const limit = Math.sqrt(6 / (7 + 5));
    expect(plain[0].shape).toEqual([7, 5]);
    expect(plain[0].data.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(plain[1].data.every((v) => v === 0)).toBe(true);
  });

  it('an initializer with its own seed keeps it', () => {
    const init = getInitializer('he_normal', { seed: 99 });
    const w1 = new Sequential([new Dense({ units: 3, inputShape: [2], kernelInitializer: init })], { seed: 1 }).getWeights()[0];
    const w2 = new Sequential([new Dense({ units: 3, inputShape: [2], kernelInitializer: init })], { seed: 2 }).getWeights()[0];
    expect(Array.from(w1.data)).toEqual(Array.from(w2.data));
  });

  it('summary lists layers, output shapes and parameter counts, and returns the text', () => {
    const model = new Sequential([
      new Dense({ units: 256, activation: 'relu', kernelInitializer: 'he_normal', inputShape: [784] }),
      new Dense({ units: 10, activation: 'softmax', useBias: false }),
    ]);
    const lines: string[] = [];
    const text = model.summary((l) => lines.push(l));
    expect(lines).toEqual([text]);
    expect(text).toMatch(/dense \(Dense, relu\)\s+\(None, 256\)\s+200,960/);
    expect(text).toMatch(/dense_1 \(Dense, softmax\)\s+\(None, 10\)\s+2,560/);
    expect(text).toContain('Total params: 203,520');
    expect(model.countParams()).toBe(784 * 256 + 256 + 256 * 10);
  });

  it('parses activation, loss and optimizer names in snake_case, camelCase and class style', () => {
    for (const name of ['leaky_relu', 'leakyRelu', 'LeakyReLU']) expect(new Dense({ units: 1, activation: name }).activation).toBe('leaky_relu');
    expect(new Dense({ units: 1, activation: 'leaky_relu' }).alpha).toBe(0.2);
    expect(new Dense({ units: 1, activation: 'elu' }).alpha).toBe(1);
    expect(new Dense({ units: 1 }).activation).toBe('linear');
    for (const loss of ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy', 'SparseCategoricalCrossentropy']) {
      const m = classifier();
      expect(() => m.compile({ optimizer: 'Adam', loss, metrics: ['acc'] })).not.toThrow();
    }
    expect(optimizers.get('RMSprop').spec.kind).toBe('rmsprop');
    expect(optimizers.get('AdamW').spec.kind).toBe('adamw');
  });

  it('optimizers carry the Keras defaults', () => {
    expect(optimizers.sgd().spec).toMatchObject({ learningRate: 0.01, momentum: 0, nesterov: false, clipNorm: 0 });
    expect(optimizers.rmsprop().spec).toMatchObject({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7 });
    expect(optimizers.adam().spec).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(optimizers.adamw().spec).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 });
    expect(optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipNorm: 1 }).getConfig()).toEqual({
      name: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true, clipNorm: 1,
    });
  });
});

describe('fit, evaluate, predict', () => {
  it('learns, and reports loss and metrics per epoch in a History', async () => {
    const model = classifier();
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const h = await model.fit(X, data.ids, { epochs: 30, batchSize: 16, verbose: 0 });
    expect(h.epoch).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss']);
    expect(h.loss).toBe(h.history.loss);
    expect(h.accuracy).toBe(h.history.accuracy);
    expect(h.params).toMatchObject({ epochs: 30, steps: 8, batchSize: 16, samples: 120 });
    expect(h.loss[29]).toBeLessThan(h.loss[0] / 2);
    // Training metrics are those of the end-of-epoch weights on the training rows.
    const ev = await model.evaluate(X, data.ids);
    expect(ev.accuracy).toBe(h.history.accuracy[29]);
    expect(ev.accuracy).toBeGreaterThan(0.9);
  });

  it('validationSplit holds out the last rows, and val_ logs are the end-of-epoch evaluation on them', async () => {
    const model = classifier();
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const h = await model.fit(data.x, data.oneHot, { epochs: 3, batchSize: 32, validationSplit: 0.25, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(h.val_accuracy).toBe(h.history.val_accuracy);
    expect(h.val_loss).toBe(h.history.val_loss);
    expect(h.params.samples).toBe(90);
    const held = await model.evaluate({ data: data.x.subarray(90 * 3), shape: [30, 3] }, { data: data.oneHot.subarray(90 * 3), shape: [30, 3] });
    expect(held.loss).toBe(h.history.val_loss[2]);
    expect(held.accuracy).toBe(h.history.val_accuracy[2]);
  });

  it('validationData as [x, y] or { x, y } gives the same logs', async () => {
    const run = async (vd: 'array' | 'object') => {
      const model = classifier();
      model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
      const val = argmaxData(20, 5);
      const validationData = vd === 'array' ? ([val.x, val.ids] as [Float32Array, Float32Array]) : { x: val.x, y: val.ids };
      return (await model.fit(data.x, data.ids, { epochs: 2, verbose: 0, validationData })).history;
    };
    const a = await run('array');
    expect(a.val_loss).toHaveLength(2);
    expect(await run('object')).toEqual(a);
  });

  it('the same seed reproduces a fit exactly; shuffling and the seed change it', async () => {
    const train = async (seed: number, shuffle: boolean) => {
      const model = classifier(seed);
      if (seed === 8) model.setWeights(classifier(7).getWeights());
      model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
      await model.fit(data.x, data.ids, { epochs: 2, batchSize: 10, shuffle, verbose: 0 });
      return model.getWeights().flatMap((t) => Array.from(t.data));
    };
    const a = await train(7, true);
    expect(await train(7, true)).toEqual(a);
    expect(await train(7, false)).not.toEqual(a);
    // Same initial weights, other seed: only the batch order differs, and that changes the result.
    expect(await train(8, true)).not.toEqual(a);
    expect(await train(8, false)).toEqual(await train(7, false));
  });

  it('fit is the documented schedule: per epoch, trainBatches over shuffleOrder (chunking does not matter)', async () => {
    const a = classifier(12);
    const b = classifier(12);
    for (const m of [a, b]) m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await a.fit(data.x, data.ids, { epochs: 3, batchSize: 7, verbose: 0 });
    for (let e = 0; e < 3; e++) await b.network.trainBatches(data.x, data.ids, 120, shuffleOrder(120, 12n, e), 7);
    expect(a.getWeights().map((t) => Array.from(t.data))).toEqual(b.getWeights().map((t) => Array.from(t.data)));
  });

  it('shuffleOrder is a seeded permutation, different per epoch', () => {
    const a = shuffleOrder(1000, 42n, 0);
    expect(Array.from(a).sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(shuffleOrder(1000, 42n, 0))).toEqual(Array.from(a));
    expect(Array.from(shuffleOrder(1000, 42n, 1))).not.toEqual(Array.from(a));
    expect(Array.from(shuffleOrder(1000, 43n, 0))).not.toEqual(Array.from(a));
    // Where element 0 lands is uniform over 1000 slots: over 2000 epochs each decile gets 200 ± 6σ (σ ≈ 13.4).
    const decile = new Array(10).fill(0);
    for (let e = 0; e < 2000; e++) decile[Math.floor(shuffleOrder(1000, 7n, e).indexOf(0) / 100)]++;
    for (const c of decile) expect(Math.abs(c - 200)).toBeLessThan(6 * Math.sqrt(2000 * 0.1 * 0.9));
  });

  it('accepts Tensor, { data, shape }, number[][] and flat arrays alike', async () => {
    const model = classifier();
    const rows = Array.from({ length: 5 }, (_, r) => Array.from(data.x.subarray(r * 3, r * 3 + 3)));
    const flat = data.x.slice(0, 15);
    const p1 = await model.predict(new Tensor(flat, [5, 3]));
    expect(p1.shape).toEqual([5, 3]);
    for (const input of [{ data: flat, shape: [5, 3] }, rows, flat, Array.from(flat)]) {
      expect(Array.from((await model.predict(input as never)).data)).toEqual(Array.from(p1.data));
    }
    for (let r = 0; r < 5; r++) expect(p1.data[r * 3] + p1.data[r * 3 + 1] + p1.data[r * 3 + 2]).toBeCloseTo(1, 6);
  });

  it('predict and evaluate do not depend on their chunk size', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const whole = await model.predict(data.x);
    expect(Array.from((await model.predict(data.x, { batchSize: 7 })).data)).toEqual(Array.from(whole.data));
    const ev = await model.evaluate(data.x, data.ids);
    const ev7 = await model.evaluate(data.x, data.ids, { batchSize: 7 });
    expect(ev7.accuracy).toBe(ev.accuracy);
    expect(ev7.loss).toBeCloseTo(ev.loss, 6);
  });

  it('leaves the event loop free while it trains', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let ticksAtEnd = -1;
    const done = model.fit(data.x, data.ids, { epochs: 5, batchSize: 4, verbose: 0 }).then(() => (ticksAtEnd = ticks));
    await done;
    clearInterval(timer);
    // 30 batches per epoch run in several chunks with a macrotask turn after each: timers fired meanwhile.
    expect(ticksAtEnd).toBeGreaterThan(0);
  });
});

describe('callbacks', () => {
  it('calls every hook in order, awaits async hooks, and reports each batch', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const events: string[] = [];
    let seen: CallbackModel | null = null;
    const cb: Callback = {
      setModel: (m) => (seen = m),
      onTrainBegin: () => void events.push('train-begin'),
      onEpochBegin: (e) => void events.push(`epoch-begin ${e}`),
      onBatchEnd: async (b, logs) => {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`batch ${b} ${logs.size}`);
        expect(Number.isFinite(logs.loss)).toBe(true);
      },
      onEpochEnd: async (e, logs) => {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`epoch-end ${e} ${Object.keys(logs).join(',')}`);
      },
      onTrainEnd: () => void events.push('train-end'),
    };
    await model.fit(data.x.subarray(0, 50 * 3), data.ids.subarray(0, 50), { epochs: 2, batchSize: 20, verbose: 0, callbacks: [cb] });
    expect(seen).toBe(model);
    expect(events).toEqual([
      'train-begin',
      'epoch-begin 0', 'batch 0 20', 'batch 1 20', 'batch 2 10', 'epoch-end 0 loss',
      'epoch-begin 1', 'batch 0 20', 'batch 1 20', 'batch 2 10', 'epoch-end 1 loss',
      'train-end',
    ]);
  });

  it('a callback can stop training', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const h = await model.fit(data.x, data.ids, {
      epochs: 10, verbose: 0, callbacks: { onEpochEnd: (e) => void (e === 2 && (model.stopTraining = true)) },
    });
    expect(h.epoch).toEqual([0, 1, 2]);
  });

  it('EarlyStopping follows Keras: patience, minDelta, mode, baseline, best weights restored', () => {
    const weights: Tensor[][] = [];
    let current = 0;
    const model: CallbackModel = {
      stopTraining: false,
      getWeights: () => [new Tensor(Float32Array.of(current), [1])],
      setWeights: (w) => weights.push(w),
    };
    const run = (es: EarlyStopping, values: number[], key = 'val_loss') => {
      es.setModel(model);
      model.stopTraining = false;
      es.onTrainBegin();
      let last = -1;
      for (let e = 0; e < values.length && !model.stopTraining; e++) {
        current = e;
        es.onEpochEnd(e, { [key]: values[e] });
        last = e;
      }
      es.onTrainEnd();
      return last;
    };
    // patience 2: two epochs without improvement after the best (epoch 1) stop at epoch 3.
    expect(run(callbacks.earlyStopping({ patience: 2 }), [5, 4, 4.5, 4.2, 1])).toBe(3);
    // minDelta: an improvement of 0.05 < 0.1 does not count.
    expect(run(callbacks.earlyStopping({ minDelta: 0.1 }), [1, 0.95, 0.5])).toBe(1);
    // mode auto is max for accuracies.
    expect(run(callbacks.earlyStopping({ monitor: 'val_accuracy' }), [0.5, 0.6, 0.7, 0.6, 0.9], 'val_accuracy')).toBe(3);
    // baseline: improvements that do not beat it do not reset the wait.
    expect(run(callbacks.earlyStopping({ patience: 2 }), [0.9, 0.8, 0.85, 0.84, 0.83])).toBe(3);
    expect(run(callbacks.earlyStopping({ baseline: 0.5, patience: 2 }), [0.9, 0.8, 0.85, 0.84, 0.83])).toBe(2);
    // restoreBestWeights puts back the weights of the best epoch at the end.
    weights.length = 0;
    const es = new EarlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
    expect(run(es, [3, 1, 2, 2.5], 'loss')).toBe(2);
    expect(es.bestEpoch).toBe(1);
    expect(es.stoppedEpoch).toBe(2);
    expect(weights.map((w) => w[0].data[0])).toEqual([1]);
  });

  it('earlyStopping in fit stops, restores the best weights, and names a missing monitor', async () => {
    const model = classifier();
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss: 'sparse_categorical_crossentropy' });
    const snapshots: number[][] = [];
    const snap: Callback = { onEpochEnd: () => void snapshots.push(model.getWeights().flatMap((t) => Array.from(t.data))) };
    // minDelta 1e9: nothing counts as an improvement, so with patience 0 training stops at epoch 1.
    const h = await model.fit(data.x, data.ids, {
      epochs: 10, verbose: 0, callbacks: [snap, callbacks.earlyStopping({ monitor: 'loss', minDelta: 1e9, restoreBestWeights: true })],
    });
    expect(h.epoch).toEqual([0, 1]);
    expect(model.getWeights().flatMap((t) => Array.from(t.data))).toEqual(snapshots[0]);
    await expect(model.fit(data.x, data.ids, { epochs: 2, verbose: 0, callbacks: [callbacks.earlyStopping()] })).rejects.toThrow(
      /monitor 'val_loss' is not among the logs.*validationData or validationSplit/,
    );
  });
});

describe('console output', () => {
  const capture = async (verbose: 0 | 1 | 2) => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    try {
      await model.fit(data.x, data.ids, { epochs: 2, batchSize: 40, verbose, validationSplit: 0.2 });
    } finally {
      spy.mockRestore();
    }
    return out.join('');
  };

  it('verbose 0 prints nothing, 2 one line per epoch, 1 a progress bar', async () => {
    expect(await capture(0)).toBe('');
    const two = (await capture(2)).trimEnd().split('\n');
    expect(two).toHaveLength(2);
    expect(two[0]).toMatch(/^Epoch 1\/2 - \S+ - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$/);
    expect(two[1]).toMatch(/^Epoch 2\/2 /);
    const one = await capture(1);
    expect(one).toMatch(/Epoch 1\/2\n\s*3\/3 \[={30}\] - .*loss: \d\.\d{4}/);
    expect(one).toContain('Epoch 2/2\n');
  });
});

describe('weights I/O', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fanin-weights-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('getWeights / setWeights round-trip and change predictions', async () => {
    const a = classifier(1);
    const b = classifier(2);
    const x = data.x.slice(0, 12);
    expect(Array.from((await a.predict(x)).data)).not.toEqual(Array.from((await b.predict(x)).data));
    b.setWeights(a.getWeights());
    expect(Array.from((await b.predict(x)).data)).toEqual(Array.from((await a.predict(x)).data));
    expect(() => b.setWeights(a.getWeights().slice(1))).toThrow(RangeError);
    expect(() => b.setWeights([new Tensor(new Float32Array(48), [16, 3]), ...a.getWeights().slice(1)])).toThrow(/shape \[3, 16\]/);
  });

  it('saveWeights / loadWeights restore every float32 bit', async () => {
    const a = classifier(3);
    a.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await a.fit(data.x, data.ids, { epochs: 2, verbose: 0 });
    const path = join(dir, 'w.json');
    await a.saveWeights(path);
    const b = classifier(4);
    await b.loadWeights(path);
    expect(b.getWeights().map((t) => Array.from(t.data))).toEqual(a.getWeights().map((t) => Array.from(t.data)));
    expect(() => b.loadWeightsJSON('{"format":"other"}')).toThrow(/not a fanin weights file/);
  });

  it('setWeights before the model is built is kept for the build', async () => {
    const src = classifier(5).getWeights();
    const m = classifier(6);
    m.setWeights(src);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(m.getWeights().map((t) => Array.from(t.data))).toEqual(src.map((t) => Array.from(t.data)));
  });
});

describe('progress on a terminal and predict before compile', () => {
  it('redraws the bar in place on a TTY and ends each epoch with a newline', async () => {
    const { Progress } = await import('../src/train/progress.js');
    const out: string[] = [];
    const p = new Progress(1, 1, 1000, { isTTY: true, write: (s: string) => out.push(s) });
    p.epochBegin(0);
    for (let s = 1; s <= 1000; s++) p.batchEnd(s, 0.5);
    p.epochEnd(0, { loss: 0.25 });
    expect(out[0]).toBe('Epoch 1/1\n');
    // The first batch draws at once; later draws are throttled, so far fewer than 1000 writes.
    expect(out[1]).toMatch(/^\r   1\/1000 \[>\.{29}\] - ETA: .* - loss: 0\.5000\x1b\[K$/);
    expect(out.length).toBeLessThan(100);
    expect(out.at(-1)).toMatch(/^\r1000\/1000 \[={30}\] - .* - loss: 0\.2500\x1b\[K\n$/);
  });

  it('a model predicts before compile, and compile keeps its weights', async () => {
    const m = classifier(9);
    const before = await m.predict(data.x);
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    expect(Array.from((await m.predict(data.x)).data)).toEqual(Array.from(before.data));
    m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    expect(Array.from((await m.predict(data.x)).data)).toEqual(Array.from(before.data));
  });
});
