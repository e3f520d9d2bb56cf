/**
 * Sequential: a stack of Dense layers with the Keras model API (compile, fit, evaluate, predict,
 * summary, getWeights / setWeights). The weights, gradients and optimizer state live in a backend
 * Network, created on first use through getBackend() (native when it loads, else the reference).
 *
 * Seeding: layer l's kernel is drawn from Philox stream 2l of the model seed and its bias from stream
 * 2l + 1 (initializers created with a seed of their own keep it); fit's shuffles use stream 2³² − 1.
 * Same seed → same initial weights and the same batches on either backend.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { LossName, Network, NetworkSpec } from '../backend/types.js';
import { getBackend } from '../backend/select.js';
import { Tensor, describe } from '../tensor.js';
import type { Callback, CallbackModel, Logs } from '../train/callbacks.js';
import { type InputData, type Matrix, checkFiniteSliced, sliceRows, toInputsSliced, toTargetsSliced } from '../train/data.js';
import { type NetworkRunner, evalChunkRows, evaluateLogs, fitLoop, yieldToEventLoop } from '../train/fit.js';
import type { History } from '../train/history.js';
import { type Metric, resolveMetrics } from '../train/metrics.js';
import { type Optimizer, optimizers } from '../train/optimizers.js';
import { Dense } from './dense.js';
import { applyLsuvInitializers } from '../diagnostics/lsuv.js';
import { parseLoss } from './losses.js';
import { checkKeys } from './names.js';

export interface SequentialOptions {
  /** Seed of the weights and of fit's shuffles: a non-negative integer below 2⁶⁴. Default: random. */
  seed?: number | bigint;
  name?: string;
}

export interface CompileOptions {
  /** An optimizer from `optimizers.*`, or a name ('sgd', 'rmsprop', 'adam', 'adamw') for its defaults. */
  optimizer: Optimizer | string;
  loss: LossName | string;
  /** 'accuracy', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy', 'mse', 'mae'. */
  metrics?: string[];
}

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 32. The last batch of an epoch holds the remaining rows. */
  batchSize?: number;
  /** Shuffle the training rows every epoch, seeded by the model seed. Default true. */
  shuffle?: boolean;
  /** Hold out this fraction of the rows, the last ones before shuffling (Keras). Default 0. */
  validationSplit?: number;
  validationData?: [InputData, InputData] | { x: InputData; y: InputData };
  callbacks?: Callback | Callback[];
  /** 0 silent, 1 progress bar, 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
}

export interface EvaluateOptions {
  /** Rows per backend call; the result does not depend on it. Default 8192. */
  batchSize?: number;
  /** Accepted for Keras compatibility; evaluate and predict print nothing. */
  verbose?: 0 | 1 | 2;
}

const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'callbacks', 'verbose'] as const;

/** The serialized weights format of saveWeights / weightsToJSON. */
export interface WeightsJSON {
  format: 'fanin-weights';
  version: 1;
  layers: { name: string; kernel: { shape: number[]; data: number[] }; bias?: { shape: number[]; data: number[] } }[];
}

function parseSeed(seed: unknown): bigint {
  if (seed === undefined) {
    const w = crypto.getRandomValues(new Uint32Array(2));
    return (BigInt(w[1]) << 32n) | BigInt(w[0]);
  }
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return BigInt(seed);
  if (typeof seed === 'bigint' && seed >= 0n && seed < 1n << 64n) return seed;
  throw new RangeError(`Sequential: seed must be an integer in [0, 2⁵³) or a bigint in [0, 2⁶⁴), got ${describe(seed)}`);
}

function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be an integer ≥ 1, got ${describe(v)}`);
  return v;
}

export class Sequential implements CallbackModel {
  readonly layers: Dense[] = [];
  readonly seed: bigint;
  readonly name: string;
  /** Set by a callback to end a running fit. */
  stopTraining = false;
  private net: Network | null = null;
  private compiled: { loss: LossName; optimizer: Optimizer; metrics: Metric[] } | null = null;
  private pendingWeights: Float32Array[] | null = null;
  private fitting = false;
  private disposed = false;
  private inFlight = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** kernelInitializer 'lsuv' is resolved once, at the first fit (diagnostics/lsuv.ts). */
  private lsuvPending = true;

  constructor(layers: Dense[] = [], options: SequentialOptions = {}) {
    if (!Array.isArray(layers)) throw new TypeError(`Sequential: expected an array of layers, got ${describe(layers)}`);
    if (typeof options !== 'object' || options === null) throw new TypeError(`Sequential: expected an options object, got ${describe(options)}`);
    checkKeys(options, ['seed', 'name'], 'Sequential');
    this.seed = parseSeed(options.seed);
    this.name = options.name ?? 'sequential';
    for (const l of layers) this.add(l);
  }

  /** Appends a layer (before the model is built). */
  add(layer: Dense): void {
    if (!(layer instanceof Dense)) throw new TypeError(`Sequential.add: expected a Dense layer, got ${describe(layer)}`);
    if (this.net) throw new Error('Sequential.add: the model is already built; add every layer before compile, fit or predict');
    if (this.layers.includes(layer)) throw new Error('Sequential.add: this layer is already in the model');
    layer.name ??= this.layers.length === 0 ? 'dense' : `dense_${this.layers.length}`;
    this.layers.push(layer);
  }

  /** Input features of each layer; errors if the first layer lacks an input shape. */
  private inputWidths(): number[] {
    if (this.layers.length === 0) throw new Error('Sequential: the model has no layers');
    const first = this.layers[0].inputDim;
    if (first === undefined) {
      throw new TypeError('Sequential: the first layer needs its input size, e.g. new Dense({ units: 64, inputShape: [784] }) or inputDim: 784');
    }
    return this.layers.map((l, i) => {
      const w = i === 0 ? first : this.layers[i - 1].units;
      if (l.inputDim !== undefined && l.inputDim !== w) {
        throw new RangeError(`Sequential: layer ${i} (${l.name}) declares ${l.inputDim} inputs but the layer before it has ${w} units`);
      }
      return w;
    });
  }

  private spec(): NetworkSpec {
    const widths = this.inputWidths();
    return {
      layers: this.layers.map((l, i) => ({ inputs: widths[i], units: l.units, activation: l.activation, alpha: l.alpha, useBias: l.useBias })),
      // A model used before compile (predict only) gets a placeholder loss and optimizer.
      loss: this.compiled?.loss ?? 'mean_squared_error',
      optimizer: (this.compiled?.optimizer ?? optimizers.sgd()).spec,
    };
  }

  /** Fresh initial weights: each kernel and bias from its own stream of the model seed. */
  private initialWeights(): Float32Array[] {
    const widths = this.inputWidths();
    return this.layers.flatMap((l, i) => {
      const kernel = new Float32Array(widths[i] * l.units);
      l.kernelInitializer.fill(kernel, [widths[i], l.units], { seed: this.seed, stream: 2 * i });
      if (!l.useBias) return [kernel];
      const bias = new Float32Array(l.units);
      l.biasInitializer.fill(bias, [l.units], { seed: this.seed, stream: 2 * i + 1 });
      return [kernel, bias];
    });
  }

  /** Creates the backend network (done by compile, fit, predict and getWeights when needed). */
  build(): void {
    if (this.disposed) throw new Error('Sequential: this model has been disposed');
    if (this.net) return;
    const spec = this.spec();
    const params = this.pendingWeights ?? this.initialWeights();
    this.net = getBackend().createNetwork(spec, params);
    this.pendingWeights = null;
  }

  /** The backend network holding this model's weights (diagnostics use it). Builds the model if needed. */
  get network(): Network {
    if (this.disposed) throw new Error('Sequential: this model has been disposed');
    this.build();
    return this.net!;
  }

  /** For diagnose() and lsuv(): the network, the compiled loss (null before compile), layer names, seed. */
  diagnosticsAccess(what: string): { network: Network; loss: LossName | null; names: string[]; seed: bigint } {
    if (this.inFlight > 0) throw new Error(`${what}: a fit, evaluate or predict call is running on this model; await it, or call ${what} from a callback`);
    return { network: this.network, loss: this.compiled?.loss ?? null, names: this.layers.map((l, i) => l.name ?? `dense_${i}`), seed: this.seed };
  }

  /** Runs `fn` on the network once every earlier call on it has finished. */
  private run: NetworkRunner = (fn) => {
    const net = this.network;
    const p = this.queue.then(async () => {
      this.inFlight++;
      try {
        return await fn(net);
      } finally {
        this.inFlight--;
      }
    });
    this.queue = p.catch(() => undefined);
    return p;
  };

  compile(options: CompileOptions): void {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`compile: expected { optimizer, loss, metrics? }, got ${describe(options)}`);
    }
    checkKeys(options, ['optimizer', 'loss', 'metrics'], 'compile');
    if (this.fitting || this.inFlight > 0) throw new Error('compile: the model is busy (fit, evaluate or predict running); await it first');
    const optimizer = optimizers.get(options.optimizer);
    const loss = parseLoss(options.loss, 'compile: loss');
    const units = this.layers.at(-1)?.units ?? 0;
    const metrics = resolveMetrics(options.metrics, loss, units);
    this.compiled = { loss, optimizer, metrics };
    if (this.net) {
      // Recompiling keeps the weights and starts the optimizer afresh, as in Keras.
      const params = this.net.getParams();
      this.net.dispose();
      this.net = getBackend().createNetwork(this.spec(), params);
    } else {
      this.build();
    }
  }

  private requireCompiled(what: string): { loss: LossName; optimizer: Optimizer; metrics: Metric[] } {
    if (!this.compiled) throw new Error(`${what}: compile the model first, e.g. model.compile({ optimizer: 'adam', loss: 'mean_squared_error' })`);
    return this.compiled;
  }

  private inputs(): number {
    return this.inputWidths()[0];
  }

  /**
   * Trains for `epochs` epochs and returns the History. Throws (rejects) on bad input, when the model
   * is not compiled or already fitting, and when the loss becomes NaN or infinite (naming epoch and batch).
   */
  async fit(x: InputData, y: InputData, options: FitOptions = {}): Promise<History> {
    const { loss, metrics } = this.requireCompiled('fit');
    if (this.fitting) throw new Error('fit: this model is already fitting; await the running fit() before starting another');
    if (typeof options !== 'object' || options === null) throw new TypeError(`fit: expected an options object, got ${describe(options)}`);
    checkKeys(options, FIT_KEYS, 'fit');
    const { epochs = 1, batchSize = 32, shuffle = true, validationSplit = 0, validationData, callbacks = [], verbose = 1 } = options;
    positiveInt(epochs, 'fit: epochs');
    positiveInt(batchSize, 'fit: batchSize');
    if (typeof shuffle !== 'boolean') throw new TypeError(`fit: shuffle must be a boolean, got ${describe(shuffle)}`);
    if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new RangeError(`fit: verbose must be 0, 1 or 2, got ${describe(verbose)}`);
    if (typeof validationSplit !== 'number' || !(validationSplit >= 0 && validationSplit < 1)) {
      throw new RangeError(`fit: validationSplit must be a number in [0, 1), got ${describe(validationSplit)}`);
    }
    if (validationSplit > 0 && validationData !== undefined) throw new TypeError('fit: give validationSplit or validationData, not both');
    const cbs = Array.isArray(callbacks) ? callbacks : [callbacks];
    cbs.forEach((cb, i) => {
      if (typeof cb !== 'object' || cb === null) throw new TypeError(`fit: callbacks[${i}] must be an object with hooks such as onEpochEnd, got ${describe(cb)}`);
    });

    // Set before the first await (input conversion yields to the event loop): a second fit must fail at once.
    this.fitting = true;
    try {
      const units = this.layers.at(-1)!.units;
      // x's NaN / ±Infinity scan happens in fitLoop (the network's setTrainingData, and in slices for the
      // validation rows), so that a large x does not hold the event loop; it still precedes any training.
      let xm = await toInputsSliced(x, 'fit: x', this.inputs());
      let ym = await toTargetsSliced(y, 'fit: y', loss, units, xm.rows);
      if (xm.rows !== ym.rows) throw new RangeError(`fit: x has ${xm.rows} rows but y has ${ym.rows}; they must match`);
      let validation: { x: Matrix; y: Matrix } | null = null;
      const names = { x: 'fit: x', y: 'fit: y', validationX: 'fit: x', validationFirstRow: 0 };
      if (validationSplit > 0) {
        const split = Math.floor(xm.rows * (1 - validationSplit));
        if (split < 1 || split >= xm.rows) {
          throw new RangeError(`fit: validationSplit ${validationSplit} of ${xm.rows} rows leaves ${split} for training and ${xm.rows - split} for validation; both need at least one`);
        }
        validation = { x: sliceRows(xm, split, xm.rows), y: sliceRows(ym, split, ym.rows) };
        names.validationFirstRow = split;
        xm = sliceRows(xm, 0, split);
        ym = sliceRows(ym, 0, split);
      } else if (validationData !== undefined) {
        const [vx, vy] = Array.isArray(validationData)
          ? validationData
          : typeof validationData === 'object' && validationData !== null && 'x' in validationData
            ? [validationData.x, validationData.y]
            : [undefined, undefined];
        if (vx === undefined || vy === undefined) throw new TypeError(`fit: validationData must be [x, y] or { x, y }, got ${describe(validationData)}`);
        const vxm = await toInputsSliced(vx, 'fit: validationData x', this.inputs());
        names.validationX = 'fit: validationData x';
        const v = { x: vxm, y: await toTargetsSliced(vy, 'fit: validationData y', loss, units, vxm.rows) };
        if (v.x.rows !== v.y.rows) throw new RangeError(`fit: validationData x has ${v.x.rows} rows but y has ${v.y.rows}`);
        validation = v;
      }

      if (this.lsuvPending) {
        this.lsuvPending = false;
        // LSUV sets weights from x: x must be known finite first.
        await checkFiniteSliced(xm, 'fit: x');
        await applyLsuvInitializers(this.network, this.layers.map((l) => l.kernelInitializer), xm.data, xm.rows);
      }
      return await fitLoop({
        run: this.run, model: this, seed: this.seed, x: xm, y: ym, validation, names, units, metrics,
        epochs, batchSize, shuffle, callbacks: cbs, verbose,
      });
    } finally {
      this.fitting = false;
    }
  }

  /** Loss and metrics on (x, y), e.g. { loss, accuracy }. */
  async evaluate(x: InputData, y: InputData, options: EvaluateOptions = {}): Promise<Logs> {
    const { loss, metrics } = this.requireCompiled('evaluate');
    checkKeys(options, ['batchSize', 'verbose'], 'evaluate');
    if (options.batchSize !== undefined) positiveInt(options.batchSize, 'evaluate: batchSize');
    const units = this.layers.at(-1)!.units;
    const xm = await toInputsSliced(x, 'evaluate: x', this.inputs());
    const ym = await toTargetsSliced(y, 'evaluate: y', loss, units, xm.rows);
    if (xm.rows !== ym.rows) throw new RangeError(`evaluate: x has ${xm.rows} rows but y has ${ym.rows}; they must match`);
    await checkFiniteSliced(xm, 'evaluate: x');
    return evaluateLogs(this.run, xm, ym, units, metrics);
  }

  /** The outputs for x, as a Tensor [rows, units]. */
  async predict(x: InputData, options: EvaluateOptions = {}): Promise<Tensor> {
    checkKeys(options, ['batchSize', 'verbose'], 'predict');
    const given = options.batchSize === undefined ? undefined : positiveInt(options.batchSize, 'predict: batchSize');
    const xm = await toInputsSliced(x, 'predict: x', this.inputs());
    await checkFiniteSliced(xm, 'predict: x');
    const chunk = given ?? evalChunkRows(xm.cols);
    const units = this.layers.at(-1)!.units;
    const out = new Float32Array(xm.rows * units);
    for (let from = 0; from < xm.rows; from += chunk) {
      const rows = Math.min(chunk, xm.rows - from);
      const part = await this.run((net) => net.predict(xm.data.subarray(from * xm.cols, (from + rows) * xm.cols), rows));
      out.set(part, from * units);
      await yieldToEventLoop();
    }
    return new Tensor(out, [xm.rows, units]);
  }

  /** Total weights of the model. */
  countParams(): number {
    const widths = this.inputWidths();
    return this.layers.reduce((s, l, i) => s + l.countParams(widths[i]), 0);
  }

  /** Prints (with `print`, default console.log) and returns a table of layers, output shapes and parameter counts. */
  summary(print: ((line: string) => void) | null = console.log): string {
    const widths = this.inputWidths();
    const rows = this.layers.map((l, i) => [`${l.name} (Dense, ${l.activation})`, `(None, ${l.units})`, l.countParams(widths[i]).toLocaleString('en-US')]);
    const head = ['Layer (type)', 'Output Shape', 'Param #'];
    const w = [0, 1, 2].map((c) => Math.max(head[c].length, ...rows.map((r) => r[c].length)) + 2);
    const line = (r: string[]) => ` ${r[0].padEnd(w[0])}${r[1].padEnd(w[1])}${r[2].padStart(w[2] - 2)}`;
    const total = this.countParams();
    const width = w[0] + w[1] + w[2] + 1;
    const bytes = total * 4;
    const size = bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(2)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(2)} KB` : `${bytes} B`;
    const text = [
      `Model: "${this.name}"`,
      '_'.repeat(width),
      line(head),
      '='.repeat(width),
      ...rows.map(line),
      '='.repeat(width),
      `Total params: ${total.toLocaleString('en-US')} (${size})`,
      `Trainable params: ${total.toLocaleString('en-US')} (${size})`,
      'Non-trainable params: 0 (0 B)',
      '_'.repeat(width),
    ].join('\n');
    print?.(text);
    return text;
  }

  /** Copies of the weights: for each layer its kernel [inputs, units], then its bias [units]. */
  getWeights(): Tensor[] {
    if (this.inFlight > 0) {
      throw new Error('getWeights: a fit, evaluate or predict call is running on this model; await it, or call getWeights from a callback');
    }
    const widths = this.inputWidths();
    const params = this.pendingWeights ? this.pendingWeights.map((p) => p.slice()) : this.network.getParams();
    let k = 0;
    return this.layers.flatMap((l, i) => {
      const out = [new Tensor(params[k++], [widths[i], l.units])];
      if (l.useBias) out.push(new Tensor(params[k++], [l.units]));
      return out;
    });
  }

  /** Replaces the weights (same order and shapes as getWeights). The optimizer state is kept. */
  setWeights(weights: readonly (Tensor | Float32Array | { data: ArrayLike<number>; shape: readonly number[] })[]): void {
    if (this.inFlight > 0) {
      throw new Error('setWeights: a fit, evaluate or predict call is running on this model; await it, or call setWeights from a callback');
    }
    const widths = this.inputWidths();
    const shapes = this.layers.flatMap((l, i) => (l.useBias ? [[widths[i], l.units], [l.units]] : [[widths[i], l.units]]));
    if (!Array.isArray(weights) || weights.length !== shapes.length) {
      throw new RangeError(`setWeights: expected ${shapes.length} arrays (kernel${this.layers.some((l) => l.useBias) ? ' and bias' : ''} per layer), got ${describe(weights)}`);
    }
    const params = weights.map((w, i) => {
      const shape = shapes[i];
      const size = shape.reduce((a, b) => a * b, 1);
      const data = w instanceof Float32Array ? w : (w as { data: ArrayLike<number> })?.data;
      if (!(data instanceof Float32Array) && !Array.isArray(data)) {
        throw new TypeError(`setWeights: weights[${i}] must be a Tensor, { data, shape } or Float32Array, got ${describe(w)}`);
      }
      const given = w instanceof Float32Array ? undefined : (w as { shape?: readonly number[] }).shape;
      if (given !== undefined && (given.length !== shape.length || given.some((d, j) => d !== shape[j]))) {
        throw new RangeError(`setWeights: weights[${i}] must have shape [${shape.join(', ')}], got [${given.join(', ')}]`);
      }
      if (data.length !== size) throw new RangeError(`setWeights: weights[${i}] must hold ${size} values (shape [${shape.join(', ')}]), got ${data.length}`);
      const copy = Float32Array.from(data);
      for (let j = 0; j < copy.length; j++) {
        if (!Number.isFinite(copy[j])) throw new RangeError(`setWeights: weights[${i}] holds ${copy[j]} at index ${j}; weights must be finite`);
      }
      return copy;
    });
    if (this.net) this.net.setParams(params);
    else this.pendingWeights = params;
  }

  /** The weights as a JSON-ready object (float32 values round-trip exactly through JSON numbers). */
  weightsToJSON(): WeightsJSON {
    const w = this.getWeights();
    let k = 0;
    return {
      format: 'fanin-weights',
      version: 1,
      layers: this.layers.map((l) => {
        const kernel = w[k++];
        const entry: WeightsJSON['layers'][number] = { name: l.name!, kernel: { shape: [...kernel.shape], data: Array.from(kernel.data) } };
        if (l.useBias) {
          const bias = w[k++];
          entry.bias = { shape: [...bias.shape], data: Array.from(bias.data) };
        }
        return entry;
      }),
    };
  }

  /** Loads weights written by weightsToJSON / saveWeights (an object or its JSON text). */
  loadWeightsJSON(json: WeightsJSON | string): void {
    const obj = typeof json === 'string' ? (JSON.parse(json) as WeightsJSON) : json;
    if (typeof obj !== 'object' || obj === null || obj.format !== 'fanin-weights' || obj.version !== 1 || !Array.isArray(obj.layers)) {
      throw new TypeError('loadWeightsJSON: not a fanin weights file (expected format "fanin-weights", version 1)');
    }
    if (obj.layers.length !== this.layers.length) {
      throw new RangeError(`loadWeightsJSON: the file has ${obj.layers.length} layers, the model ${this.layers.length}`);
    }
    this.setWeights(obj.layers.flatMap((l, i) => {
      if (!l || !l.kernel) throw new TypeError(`loadWeightsJSON: layer ${i} has no kernel`);
      if (this.layers[i].useBias !== (l.bias !== undefined)) throw new RangeError(`loadWeightsJSON: layer ${i} ${l.bias ? 'has' : 'lacks'} a bias but the model's layer does not match`);
      return l.bias ? [l.kernel, l.bias] : [l.kernel];
    }));
  }

  async saveWeights(path: string): Promise<void> {
    await writeFile(path, JSON.stringify(this.weightsToJSON()));
  }

  async loadWeights(path: string): Promise<void> {
    this.loadWeightsJSON(await readFile(path, 'utf8'));
  }

  /** Frees the backend network (native memory). The model cannot be used afterwards. */
  dispose(): void {
    if (this.fitting || this.inFlight > 0) throw new Error('dispose: the model is busy (fit, evaluate or predict running); await it first');
    this.net?.dispose();
    this.net = null;
    this.disposed = true;
  }
}
