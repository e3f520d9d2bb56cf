// Workload 3: training samples/s, batch 128, synthetic data, one epoch per rep after a warm-up epoch.
//   mlp:    784-256-256-10, ReLU, softmax + categorical cross-entropy, SGD (lr 0.01) and Adam (lr 1e-3)
//   deep30: 784 → 30 × Dense(256) ReLU → 10 softmax, SGD
// A rep trains `iters` batches (one epoch over iters·128 rows) and is timed from the epoch's begin to its
// end callback, so fit's per-call checks are outside the figure as they are outside every later epoch.
import { measure, Unavailable, timeIt } from '../lib/harness.mjs';
import { useTf } from '../lib/peers.mjs';
import { pyContender } from './sgemm.mjs';

export const BATCH = 128;
export const MODELS = {
  mlp: { hidden: [256, 256] },
  deep30: { hidden: Array(30).fill(256) },
};
const IN = 784;
const OUT = 10;

/** FLOP per sample of one training step (forward 2·params, backward 4·params), for the GFLOP/s side note. */
export function flopsPerSample(model) {
  const dims = [IN, ...MODELS[model].hidden, OUT];
  let macs = 0;
  for (let i = 0; i + 1 < dims.length; i++) macs += dims[i] * dims[i + 1];
  return 6 * macs;
}

/** Synthetic data shared by every contender: x ~ roughly N(0,1) (sum of uniforms), y one-hot of random classes. */
export function syntheticData(rows) {
  const x = new Float32Array(rows * IN);
  const y = new Float32Array(rows * OUT);
  let s = 12345;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  for (let i = 0; i < x.length; i++) x[i] = (u() + u() + u() - 1.5) * 2;
  for (let r = 0; r < rows; r++) y[r * OUT + Math.floor(u() * OUT)] = 1;
  return { x, y, rows };
}

/**
 * Initial weights (he_normal, model seed 7) drawn once on the reference backend, so that every fanin
 * contender starts from the same weights and the figure does not depend on which fills have landed.
 */
const initCache = new Map();
function initialWeights(ctx, model) {
  if (!initCache.has(model)) {
    const { api, reference } = ctx.fanin;
    const prev = api.getBackend();
    api.setBackend(reference);
    try {
      const m = bareModel(api, model);
      initCache.set(model, m.getWeights());
      m.dispose?.();
    } finally {
      api.setBackend(prev);
    }
  }
  return initCache.get(model);
}

function bareModel(api, model) {
  const { Sequential, Dense, optimizers } = api;
  if (typeof Sequential !== 'function' || typeof Dense !== 'function' || !optimizers) {
    throw new Unavailable('not available yet', 'Sequential/Dense/optimizers are not on main');
  }
  const hidden = MODELS[model].hidden;
  const layers = hidden.map(
    (units, i) => new Dense({ units, activation: 'relu', kernelInitializer: 'he_normal', ...(i === 0 ? { inputShape: [IN] } : {}) }),
  );
  layers.push(new Dense({ units: OUT, activation: 'softmax' }));
  return new Sequential(layers, { seed: 7 });
}

/** The benchmarked model on the backend in use: shared initial weights, then compiled. */
export function faninModel(ctx, model, opt) {
  const { api } = ctx.fanin;
  const { optimizers } = api;
  const weights = initialWeights(ctx, model);
  const m = bareModel(api, model);
  m.setWeights(weights);
  m.compile({
    optimizer: opt === 'sgd' ? optimizers.sgd({ learningRate: 0.01 }) : optimizers.adam({ learningRate: 1e-3 }),
    loss: 'categorical_crossentropy',
  });
  return m;
}

/** One epoch of fit over the first `batches` batches; returns the seconds between its epoch callbacks. */
export async function faninEpoch(api, m, data, batches) {
  const rows = batches * BATCH;
  const x = new api.Tensor(data.x.subarray(0, rows * IN), [rows, IN]);
  const y = new api.Tensor(data.y.subarray(0, rows * OUT), [rows, OUT]);
  let t0 = 0n;
  let t1 = 0n;
  const cb = {
    onEpochBegin() {
      t0 = process.hrtime.bigint();
    },
    onEpochEnd() {
      t1 = process.hrtime.bigint();
    },
  };
  const wall = await timeIt(() => m.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0, callbacks: [cb] }));
  return t1 > t0 ? Number(t1 - t0) / 1e9 : wall;
}

function faninContender(ctx, which, threads, model, opt, maxBatches) {
  const backend = ctx.fanin[which];
  const { api } = ctx.fanin;
  let m;
  return {
    id: which === 'native' ? `native ${threads}T` : 'reference',
    peer: `fanin ${which}`,
    threads,
    work: BATCH,
    maxIters: maxBatches,
    setup() {
      if (!backend) throw new Unavailable('not available', ctx.fanin.nativeError ?? 'no backend');
      api.setBackend(backend);
      m = faninModel(ctx, model, opt);
    },
    before() {
      api.setBackend(backend);
      backend.setThreads(threads);
    },
    run: (iters) => faninEpoch(api, m, ctx.trainData(maxBatches), iters),
    teardown() {
      m?.dispose?.();
    },
  };
}

function tfContender(ctx, which, model, opt, maxBatches) {
  const { tf } = ctx.tfjs;
  const st = ctx.tfjs[which];
  const base = { id: `tfjs-${which}`, peer: `tfjs-${which}`, threads: 1, work: BATCH, maxIters: maxBatches };
  if (st?.status !== 'ok') return { ...base, status: st?.status ?? 'not installed', detail: st?.detail };
  let m;
  let xs = null;
  let ys = null;
  let rowsHeld = 0;
  return {
    ...base,
    async setup() {
      await useTf(tf, which);
      m = tf.sequential();
      const hidden = MODELS[model].hidden;
      hidden.forEach((units, i) =>
        m.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: 'heNormal', ...(i === 0 ? { inputShape: [IN] } : {}) })),
      );
      m.add(tf.layers.dense({ units: OUT, activation: 'softmax' }));
      m.compile({ optimizer: opt === 'sgd' ? tf.train.sgd(0.01) : tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    },
    before: () => useTf(tf, which),
    async run(iters) {
      const rows = iters * BATCH;
      if (rowsHeld !== rows) {
        xs?.dispose();
        ys?.dispose();
        const d = ctx.trainData(maxBatches);
        xs = tf.tensor2d(d.x.subarray(0, rows * IN), [rows, IN]);
        ys = tf.tensor2d(d.y.subarray(0, rows * OUT), [rows, OUT]);
        rowsHeld = rows;
      }
      let t0 = 0n;
      let t1 = 0n;
      await m.fit(xs, ys, {
        batchSize: BATCH,
        epochs: 1,
        shuffle: false,
        verbose: 0,
        callbacks: {
          onEpochBegin: async () => {
            t0 = process.hrtime.bigint();
          },
          onEpochEnd: async () => {
            t1 = process.hrtime.bigint();
          },
        },
      });
      return Number(t1 - t0) / 1e9;
    },
    teardown() {
      xs?.dispose();
      ys?.dispose();
      m?.dispose();
    },
  };
}

export async function trainingBench(ctx) {
  const { quick } = ctx;
  const cases = [
    ['mlp', 'sgd'],
    ['mlp', 'adam'],
    ['deep30', 'sgd'],
  ];
  const out = [];
  for (const [model, opt] of cases) {
    // Enough rows for one rep of the fastest contender to last minTime; slow ones calibrate down to 1 batch.
    const maxBatches = model === 'mlp' ? (quick ? 48 : 160) : quick ? 8 : 24;
    const slow = model === 'deep30' && quick;
    const skippedQuick = (id, peer) => ({ id, peer, threads: 1, status: 'skipped', detail: 'one batch takes seconds; runs without --quick' });
    // The deep net on the JS peers takes several seconds per batch: 3 reps.
    const fewer = (c) => (model === 'deep30' ? { ...c, reps: 3 } : c);
    const wasm = slow ? skippedQuick('tfjs-wasm', 'tfjs-wasm') : fewer(tfContender(ctx, 'wasm', model, opt, maxBatches));
    const req = { op: 'train', model, opt, batchSize: BATCH };
    const contenders = [
      faninContender(ctx, 'native', 1, model, opt, maxBatches),
      faninContender(ctx, 'native', 2, model, opt, maxBatches),
      slow ? skippedQuick('reference', 'fanin reference') : fewer(faninContender(ctx, 'reference', 1, model, opt, maxBatches)),
      quick ? skippedQuick('tfjs-cpu', 'tfjs-cpu') : fewer(tfContender(ctx, 'cpu', model, opt, maxBatches)),
      wasm,
      pyContender(ctx, 'torch', 1, req, BATCH, { maxIters: maxBatches, note: 'CrossEntropyLoss on logits' }),
      pyContender(ctx, 'torch', 2, req, BATCH, { maxIters: maxBatches, note: 'CrossEntropyLoss on logits; OMP_WAIT_POLICY=PASSIVE' }),
    ];
    const name = `${model === 'mlp' ? 'MLP 784-256-256-10' : '30×Dense(256) ReLU'} ${opt.toUpperCase()} batch ${BATCH}`;
    const proto = { ...ctx.protocol, warmup: Math.max(1, ctx.protocol.warmup), minTime: ctx.protocol.minTime * 2 };
    const results = await measure(name, contenders, { ...proto, unit: 'samples/s', scale: 1, log: ctx.log });
    out.push({ workload: 'training', name, params: { model, opt, batch: BATCH, flopsPerSample: flopsPerSample(model) }, results });
  }
  return out;
}
