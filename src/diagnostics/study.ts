/**
 * The initialization study: the same deep networks trained from different initializers, with the
 * statistics that explain what happens (activation and gradient scale per layer at initialisation,
 * dead and symmetric units), the loss per epoch and the final accuracy.
 *
 * Theory the default run shows (fanIn = fanOut = n = 256 for the hidden layers):
 * - ReLU halves the second moment of a zero-mean symmetric pre-activation, so a layer multiplies it by
 *   n·Var(W)/2. Glorot (Var(W) = 2/(fanIn + fanOut) = 1/n) gives 1/2 per layer: over the 29 steps from the
 *   first to the 30th hidden layer the activation std shrinks by 2^(−14.5) ≈ 4.3e-5 (Glorot & Bengio 2010
 *   derived their scheme for tanh). He (Var(W) = 2/n, He et al. 2015) gives 1: the scale is kept.
 * - tanh is linear near 0, so a layer multiplies the variance by at most n·Var(W): Glorot's 1 keeps the
 *   scale (tanh's saturation slowly lowers it); U(±1/√n) (PyTorch's default) gives 1/3 per layer, and
 *   N(0, 0.01²) gives 0.0256: both vanish geometrically.
 * - zeros: every unit of a layer computes the same function and gets the same gradient, so the layer
 *   stays at one distinct unit; with ReLU or tanh the hidden activations are 0, so only the output bias
 *   ever receives a gradient.
 * - LSUV (Mishkin & Matas 2016) rescales each layer to unit output variance on a batch.
 * The default optimizer is SGD with momentum 0.9: Adam's per-parameter normalisation hides vanishing
 * gradients (try optimizer 'adam').
 */
import type { ActivationName, Network, NetworkSpec, OptimizerSpec, LayerStats } from '../backend/types.js';
import { getBackend } from '../backend/select.js';
import { getInitializer } from '../init/index.js';
import { Tensor, describe } from '../tensor.js';
import type { Dataset } from '../data/types.js';
import { loadDigits } from '../data/digits.js';
import { blobs, spirals, teacher } from '../data/synthetic.js';
import { DataStream } from '../data/random.js';
import { takeRows } from '../data/util.js';
import { lsuvNetwork, type LsuvLayerResult } from './lsuv.js';

export interface StudyNet {
  /** Hidden Dense layers (the output layer comes on top). */
  depth: number;
  width: number;
  activation: ActivationName;
}

export type StudyOptimizer = 'sgd' | 'adam' | 'rmsprop' | 'adamw';
export type StudyDatasetName = 'digits' | 'spirals' | 'blobs' | 'teacher';

export interface StudyProgress {
  net: string;
  init: string;
  /** Runs finished before this one, and all runs. */
  run: number;
  runs: number;
  /** Epochs finished in this run (0 right after the statistics at initialisation). */
  epoch: number;
  epochs: number;
  loss?: number;
}

export interface StudyOptions {
  /** Networks to compare (default: 30 × 256 ReLU and 10 × 256 tanh). depth/width/activation override every net. */
  nets?: StudyNet[];
  depth?: number;
  width?: number;
  activation?: ActivationName;
  /** Initializer names (default: zeros, random_normal, glorot_uniform, he_normal, lecun_normal, orthogonal, lsuv). */
  inits?: string[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: StudyOptimizer;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** A built-in dataset name or a Dataset with class labels (default 'digits'). */
  dataset?: StudyDatasetName | Dataset;
  /** Share of rows held out for the accuracy (default 0.2). */
  testFraction?: number;
  /** Rows of the batch the statistics are measured on (default 256). */
  statsRows?: number;
  seed?: number;
  /** A fast, smaller run: the default nets at width 64, 2 epochs, at most 512 training rows (explicit options win). */
  quick?: boolean;
  onProgress?: (p: StudyProgress) => void;
}

export interface StudyRun {
  /** Initializer name. */
  name: string;
  /** Per layer (hidden layers, then the output layer), measured on the stats batch at initialisation. */
  activationStd: number[];
  preActivationStd: number[];
  /** ‖∂L/∂W‖_F per layer at initialisation. */
  gradNorm: number[];
  deadFraction: number[];
  distinctUnits: number[];
  /** Mean training loss of each epoch (stops at a divergence). */
  loss: number[];
  /** Held-out accuracy after training (null when the run diverged or trained 0 epochs). */
  accuracy: number | null;
  /** Where the loss first became NaN or infinite, or null. */
  diverged: { epoch: number; batch: number } | null;
  /** Statistics on the same batch after training (null when the run diverged or trained 0 epochs). */
  after: { activationStd: number[]; deadFraction: number[]; distinctUnits: number[] } | null;
  /** ‖θ_after − θ_init‖₂ per parameter tensor (kernel, then bias, per layer). */
  paramChange: number[];
  /** LSUV per-layer outcome (lsuv only). */
  lsuv?: LsuvLayerResult[];
  seconds: number;
}

export interface StudyNetResult extends StudyNet {
  /** e.g. 'relu-30x256'. */
  name: string;
  runs: StudyRun[];
}

export interface StudyResult {
  dataset: { name: string; trainRows: number; testRows: number; features: number; classes: number };
  settings: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    optimizer: StudyOptimizer;
    momentum: number;
    seed: number;
    statsRows: number;
    backend: string;
    isa: string;
    threads: number;
  };
  nets: StudyNetResult[];
}

export const STUDY_INITS = ['zeros', 'random_normal', 'glorot_uniform', 'he_normal', 'lecun_normal', 'orthogonal', 'lsuv'] as const;
export const STUDY_NETS: readonly StudyNet[] = [
  { depth: 30, width: 256, activation: 'relu' },
  { depth: 10, width: 256, activation: 'tanh' },
];
/**
 * Defaults chosen so the lesson shows reliably (measured here with the native backend, 30 × 256 ReLU,
 * batch 64, momentum 0.9, 15 epochs): at lr 0.005 He falls from 2.22 to 0.25 (85 % held-out accuracy)
 * and LSUV to 0.13 (96 %), while Glorot's vanished signal (last/first activation std 2.4e-5) leaves the
 * loss at ln 10 ≈ 2.303 throughout. The PyTorch rate 0.01 also trains He here but with loss
 * spikes (0.44 → 2.34 at epoch 11) and one LSUV run diverging: too close to the edge for a default.
 * 15 epochs keep the default run of 2 nets × 7 initializers near the two-minute budget on two cores.
 */
export const STUDY_DEFAULTS = { epochs: 15, batchSize: 64, learningRate: 0.005, momentum: 0.9, seed: 1, statsRows: 256, testFraction: 0.2 };
const ACTIVATIONS: readonly ActivationName[] = ['linear', 'relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'tanh', 'sigmoid'];
const OPTIMIZERS: readonly StudyOptimizer[] = ['sgd', 'adam', 'rmsprop', 'adamw'];

/** Study-specific initializer settings: the lesson's "small random numbers" is N(0, 0.01²). */
function initializerFor(name: string) {
  if (name === 'random_normal') return getInitializer('random_normal', { stddev: 0.01 });
  return getInitializer(name);
}

function int(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`study: expected ${name} to be an integer, got ${describe(value)}`);
  if (value < min || value > max) throw new RangeError(`study: expected ${name} in [${min}, ${max}], got ${value}`);
  return value;
}

function num(value: unknown, name: string, lo: number, hi: number, openLo = true): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`study: expected ${name} to be a finite number, got ${describe(value)}`);
  if ((openLo ? value <= lo : value < lo) || value > hi) throw new RangeError(`study: expected ${name} in ${openLo ? '(' : '['}${lo}, ${hi}], got ${value}`);
  return value;
}

function resolveOptions(options: StudyOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError(`study: expected an options object, got ${describe(options)}`);
  const known = ['nets', 'depth', 'width', 'activation', 'inits', 'epochs', 'batchSize', 'learningRate', 'optimizer', 'momentum', 'dataset', 'testFraction', 'statsRows', 'seed', 'quick', 'onProgress'];
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new TypeError(`study: unknown option '${k}'; valid options are ${known.join(', ')}`);
  }
  const quick = options.quick ?? false;
  if (typeof quick !== 'boolean') throw new TypeError(`study: expected quick to be a boolean, got ${describe(quick)}`);
  let nets = (options.nets ?? STUDY_NETS).map((n) => ({ ...n }));
  if (!Array.isArray(nets) || nets.length === 0) throw new TypeError(`study: expected nets to be a non-empty array`);
  if (quick && options.nets === undefined) nets = nets.map((n) => ({ ...n, width: 64 }));
  if (options.depth !== undefined) nets.forEach((n) => (n.depth = options.depth!));
  if (options.width !== undefined) nets.forEach((n) => (n.width = options.width!));
  if (options.activation !== undefined) nets.forEach((n) => (n.activation = options.activation!));
  for (const n of nets) {
    int(n.depth, 'depth', 1, 1000);
    int(n.width, 'width', 1, 65_536);
    if (!ACTIVATIONS.includes(n.activation)) {
      throw new TypeError(`study: expected activation to be one of ${ACTIVATIONS.join(', ')}, got ${describe(n.activation)}`);
    }
  }
  const inits = options.inits ?? [...STUDY_INITS];
  if (!Array.isArray(inits) || inits.length === 0) throw new TypeError(`study: expected inits to be a non-empty array of initializer names, got ${describe(inits)}`);
  for (const name of inits) {
    if (typeof name !== 'string') throw new TypeError(`study: expected initializer names, got ${describe(name)}`);
    if (name === 'lsuv') continue;
    try {
      initializerFor(name);
    } catch (err) {
      // The registry's message lists the valid names; the study takes 'lsuv' too.
      throw new RangeError(`study: ${(err as Error).message}; the study also takes 'lsuv'`);
    }
  }
  if (new Set(inits).size !== inits.length) throw new RangeError(`study: initializer names repeat in [${inits.join(', ')}]`);
  const optimizer = options.optimizer ?? 'sgd';
  if (!OPTIMIZERS.includes(optimizer)) throw new TypeError(`study: expected optimizer to be one of ${OPTIMIZERS.join(', ')}, got ${describe(optimizer)}`);
  const defaultLr = optimizer === 'sgd' ? STUDY_DEFAULTS.learningRate : 1e-3;
  return {
    nets,
    inits,
    epochs: int(options.epochs ?? (quick ? 2 : STUDY_DEFAULTS.epochs), 'epochs', 0, 100_000),
    batchSize: int(options.batchSize ?? STUDY_DEFAULTS.batchSize, 'batchSize', 1, 1_000_000),
    learningRate: num(options.learningRate ?? defaultLr, 'learningRate', 0, 1e6),
    optimizer,
    momentum: num(options.momentum ?? STUDY_DEFAULTS.momentum, 'momentum', 0, 0.9999, false),
    testFraction: num(options.testFraction ?? STUDY_DEFAULTS.testFraction, 'testFraction', 0, 0.9, false),
    statsRows: int(options.statsRows ?? STUDY_DEFAULTS.statsRows, 'statsRows', 1, 1_000_000),
    seed: int(options.seed ?? STUDY_DEFAULTS.seed, 'seed', 0, Number.MAX_SAFE_INTEGER),
    quick,
    onProgress: options.onProgress,
  };
}

function loadDataset(dataset: StudyOptions['dataset'], seed: number): Dataset {
  if (dataset === undefined || dataset === 'digits') return loadDigits();
  if (dataset === 'spirals') return spirals({ samplesPerClass: 500, seed });
  if (dataset === 'blobs') return blobs({ samples: 1500, classes: 5, features: 16, std: 2, seed });
  if (dataset === 'teacher') return teacher({ samples: 2000, features: 32, outputs: 10, seed });
  if (typeof dataset === 'object' && dataset !== null && (dataset as Dataset).x instanceof Tensor) {
    const d = dataset as Dataset;
    if (!d.labels || d.numClasses < 2) throw new TypeError(`study: the dataset '${d.name}' has no class labels (need at least 2 classes)`);
    if (d.x.rank !== 2 || d.x.shape[0] !== d.labels.length) throw new RangeError(`study: the dataset's x must be [rows, features] with one label per row`);
    return d;
  }
  throw new TypeError(`study: expected dataset to be one of 'digits', 'spirals', 'blobs', 'teacher' or a Dataset, got ${describe(dataset)}`);
}

function optimizerSpec(kind: StudyOptimizer, learningRate: number, momentum: number): OptimizerSpec {
  return {
    kind,
    learningRate,
    momentum: kind === 'sgd' ? momentum : 0,
    nesterov: false,
    rho: 0.9,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    weightDecay: kind === 'adamw' ? 0.004 : 0,
    clipNorm: 0,
  };
}

function split(ds: Dataset, testFraction: number, seed: number, quick: boolean) {
  const rows = ds.x.shape[0];
  const perm = new DataStream(BigInt(seed), 0x57d1).permutation(rows);
  const nTest = Math.round(rows * testFraction);
  let trainIdx = perm.subarray(nTest);
  if (quick && trainIdx.length > 512) trainIdx = trainIdx.subarray(0, 512);
  const train = takeRows(ds, trainIdx);
  const test = takeRows(ds, perm.subarray(0, nTest));
  // Standardize with one mean and one std over all training values (not per feature: a pixel that is
  // almost always 0 would turn into rare huge inputs that destabilise a deep net under SGD).
  const cols = ds.x.shape[1];
  let mean = 0;
  for (const v of train.x.data) mean += v;
  mean /= Math.max(1, train.x.data.length);
  let sq = 0;
  for (const v of train.x.data) sq += (v - mean) ** 2;
  const std = Math.sqrt(sq / Math.max(1, train.x.data.length)) || 1;
  const scale = (src: Float32Array) => Float32Array.from(src, (v) => (v - mean) / std);
  const trainX = scale(train.x.data);
  const tx = scale(test.x.data);
  return {
    train: { x: trainX, y: Float32Array.from(train.labels!), labels: train.labels!, rows: trainIdx.length },
    test: { x: tx, y: Float32Array.from(test.labels!), labels: test.labels!, rows: nTest },
    cols,
  };
}

const pick = (stats: LayerStats[], key: keyof LayerStats) => stats.map((s) => s[key]);

function argmaxAccuracy(outputs: Float32Array, labels: Int32Array, classes: number): number {
  let right = 0;
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (outputs[r * classes + c] > outputs[r * classes + best]) best = c;
    if (best === labels[r]) right++;
  }
  return right / labels.length;
}

/** Runs the study; see the module comment. Resolves to every number measured. */
export async function study(options: StudyOptions = {}): Promise<StudyResult> {
  const o = resolveOptions(options);
  const ds = loadDataset((options as StudyOptions).dataset, o.seed);
  const classes = ds.numClasses;
  const data = split(ds, o.testFraction, o.seed, o.quick);
  if (data.train.rows === 0) throw new RangeError(`study: no training rows left after holding out ${o.testFraction} of ${ds.x.shape[0]}`);
  const statsRows = Math.min(o.statsRows, data.train.rows);
  const statsX = data.train.x.subarray(0, statsRows * data.cols);
  const statsY = data.train.y.subarray(0, statsRows);
  const backend = getBackend();
  const runs = o.nets.length * o.inits.length;
  const result: StudyResult = {
    dataset: { name: ds.name, trainRows: data.train.rows, testRows: data.test.rows, features: data.cols, classes },
    settings: {
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      optimizer: o.optimizer,
      momentum: o.optimizer === 'sgd' ? o.momentum : 0,
      seed: o.seed,
      statsRows,
      backend: backend.name,
      isa: backend.info.isa,
      threads: backend.info.threads,
    },
    nets: [],
  };
  let run = 0;
  for (const net of o.nets) {
    const netName = `${net.activation}-${net.depth}x${net.width}`;
    const spec: NetworkSpec = {
      layers: [
        ...Array.from({ length: net.depth }, (_, i) => ({
          inputs: i === 0 ? data.cols : net.width,
          units: net.width,
          activation: net.activation,
          alpha: net.activation === 'leaky_relu' ? 0.2 : 1,
          useBias: true,
        })),
        { inputs: net.width, units: classes, activation: 'softmax' as const, alpha: 1, useBias: true },
      ],
      loss: 'sparse_categorical_crossentropy',
      optimizer: optimizerSpec(o.optimizer, o.learningRate, o.momentum),
    };
    const netResult: StudyNetResult = { ...net, name: netName, runs: [] };
    for (const init of o.inits) {
      const started = Date.now();
      o.onProgress?.({ net: netName, init, run, runs, epoch: 0, epochs: o.epochs });
      const params: Float32Array[] = [];
      spec.layers.forEach((l, i) => {
        const kernel = new Float32Array(l.inputs * l.units);
        // lsuv starts from an orthonormal kernel inside lsuvNetwork.
        if (init !== 'lsuv') initializerFor(init).fill(kernel, [l.inputs, l.units], { seed: BigInt(o.seed), stream: 2 * i });
        params.push(kernel, new Float32Array(l.units));
      });
      const network: Network = backend.createNetwork(spec, params);
      try {
        let lsuv: LsuvLayerResult[] | undefined;
        if (init === 'lsuv') lsuv = await lsuvNetwork(network, statsX, statsRows, { seed: o.seed });
        const initial = network.getParams();
        const before = network.layerStats(statsX, statsY, statsRows);
        const loss: number[] = [];
        let diverged: StudyRun['diverged'] = null;
        const order = new Uint32Array(data.train.rows);
        for (let epoch = 0; epoch < o.epochs && !diverged; epoch++) {
          order.set(new DataStream(BigInt(o.seed), 0x10000 + epoch).permutation(data.train.rows));
          let losses: Float32Array;
          try {
            losses = await network.trainBatches(data.train.x, data.train.y, data.train.rows, order, o.batchSize);
          } catch (err) {
            // A trainer that stops on a non-finite loss reports it as an error: that is a divergence too.
            if (/NaN|Inf|finite|diverg/i.test((err as Error).message)) {
              diverged = { epoch: epoch + 1, batch: 0 };
              break;
            }
            throw err;
          }
          const bad = losses.findIndex((v) => !Number.isFinite(v));
          if (bad >= 0) {
            diverged = { epoch: epoch + 1, batch: bad + 1 };
            break;
          }
          // Keras' epoch loss: batch losses weighted by batch size (the last batch holds the rest).
          let sum = 0;
          for (let b = 0; b < losses.length; b++) sum += losses[b] * Math.min(o.batchSize, data.train.rows - b * o.batchSize);
          loss.push(sum / data.train.rows);
          o.onProgress?.({ net: netName, init, run, runs, epoch: epoch + 1, epochs: o.epochs, loss: loss[loss.length - 1] });
        }
        let accuracy: number | null = null;
        let after: StudyRun['after'] = null;
        // With 0 epochs the study only measures the network at initialisation.
        if (!diverged && o.epochs > 0) {
          if (data.test.rows > 0) {
            const { outputs } = await network.evaluate(data.test.x, data.test.y, data.test.rows);
            accuracy = argmaxAccuracy(outputs, data.test.labels, classes);
          }
          const s = network.layerStats(statsX, statsY, statsRows);
          after = { activationStd: pick(s, 'activationStd'), deadFraction: pick(s, 'deadFraction'), distinctUnits: pick(s, 'distinctUnits') };
        }
        const final = network.getParams();
        const paramChange = final.map((p, k) => {
          let sq = 0;
          for (let i = 0; i < p.length; i++) sq += (p[i] - initial[k][i]) ** 2;
          return Math.sqrt(sq);
        });
        netResult.runs.push({
          name: init,
          activationStd: pick(before, 'activationStd'),
          preActivationStd: pick(before, 'preActivationStd'),
          gradNorm: pick(before, 'weightGradNorm'),
          deadFraction: pick(before, 'deadFraction'),
          distinctUnits: pick(before, 'distinctUnits'),
          loss,
          accuracy,
          diverged,
          after,
          paramChange,
          ...(lsuv ? { lsuv } : {}),
          seconds: (Date.now() - started) / 1000,
        });
      } finally {
        network.dispose();
      }
      run++;
    }
    result.nets.push(netResult);
  }
  return result;
}
