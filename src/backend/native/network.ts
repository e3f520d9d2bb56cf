/**
 * The native Network: adapts the raw `NativeNetwork` napi class (crates/node/src/net.rs) to the
 * Network interface of types.ts. Arguments are checked here (TypeError / RangeError) and again in
 * Rust; Rust's own argument errors surface as RangeError too. trainBatches / predict / evaluate run
 * off the JS thread; their inputs are copied by the binding before the promise is returned.
 * setTrainingData has Rust map the memory of a training set off the JS thread, copies the set into it
 * in slices (yielding between them) and has it scanned off the JS thread; trainRows then sends only
 * row indices.
 * trainBatches stops after the first batch whose loss is not finite (docs/SEMANTICS.md): the losses it
 * returns end with that one, and the caller (fit) names the epoch and batch.
 */
import type { LayerStats, Network, NetworkSpec, NonFiniteValue, OptimizerSpec } from '../types.js';
import type { RawBinding } from './load.js';
import { describe } from '../../tensor.js';
import { NO_TRAINING_SET, TRAINING_SLICE_VALUES, checkInt, paramSizes, yieldNow, validateOptimizer as checkOptimizer, validateSpec as checkSpec } from '../spec.js';

function checkParams(spec: NetworkSpec, params: Float32Array[], what: string): void {
  const sizes = paramSizes(spec);
  if (!Array.isArray(params) || params.length !== sizes.length) {
    throw new RangeError(`${what}: expected ${sizes.length} arrays (kernel, then bias if useBias, per layer), got ${describe(params)}`);
  }
  params.forEach((p, i) => {
    if (!(p instanceof Float32Array)) throw new TypeError(`${what}: params[${i}] must be a Float32Array, got ${describe(p)}`);
    if (p.length !== sizes[i]) throw new RangeError(`${what}: params[${i}] must hold ${sizes[i]} values, got ${p.length}`);
  });
}

/** Maps binding errors to JS error types: argument errors (napi status InvalidArg) become RangeError. */
function translate(err: unknown): Error {
  const e = err as Error & { code?: string };
  if (!(e instanceof Error)) return new Error(String(err));
  if (e.code === 'InvalidArg') return new RangeError(e.message);
  return e;
}

function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw translate(e);
  }
}

async function callAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw translate(e);
  }
}

class NativeNetworkAdapter implements Network {
  readonly spec: NetworkSpec;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private raw: any;
  private disposed = false;
  private trainingSetReady = false;

  constructor(binding: RawBinding, spec: NetworkSpec, params: Float32Array[]) {
    checkSpec(spec, 'createNetwork');
    checkParams(spec, params, 'createNetwork');
    this.spec = structuredClone(spec);
    this.raw = call(() => new binding.NativeNetwork(this.spec, params));
  }

  private alive(what: string): void {
    if (this.disposed) throw new Error(`Network.${what}: this network has been disposed`);
  }

  private checkData(x: Float32Array, y: Float32Array | null, rows: number, what: string): void {
    this.alive(what);
    checkInt(rows, `Network.${what}: rows`, 1);
    const inputs = this.spec.layers[0].inputs;
    if (!(x instanceof Float32Array)) throw new TypeError(`Network.${what}: expected x to be a Float32Array, got ${describe(x)}`);
    if (x.length !== rows * inputs) throw new RangeError(`Network.${what}: x must hold rows·inputs = ${rows}·${inputs} values, got ${x.length}`);
    if (y === null) return;
    if (!(y instanceof Float32Array)) throw new TypeError(`Network.${what}: expected y to be a Float32Array, got ${describe(y)}`);
    const last = this.spec.layers[this.spec.layers.length - 1];
    const w = this.spec.loss === 'sparse_categorical_crossentropy' ? 1 : last.units;
    if (y.length !== rows * w) throw new RangeError(`Network.${what}: y must hold rows·${w} = ${rows * w} values, got ${y.length}`);
    // Class ids are range-checked in Rust (one pass over y, off this thread for trainBatches).
  }

  predict(x: Float32Array, rows: number): Promise<Float32Array> {
    try {
      this.checkData(x, null, rows, 'predict');
    } catch (e) {
      return Promise.reject(e);
    }
    return callAsync(() => this.raw.predict(x, rows));
  }

  trainBatches(x: Float32Array, y: Float32Array, rows: number, order: Uint32Array, batchSize: number): Promise<Float32Array> {
    try {
      this.checkData(x, y, rows, 'trainBatches');
      checkInt(batchSize, 'Network.trainBatches: batchSize', 1);
      if (!(order instanceof Uint32Array)) throw new TypeError(`Network.trainBatches: expected order to be a Uint32Array, got ${describe(order)}`);
    } catch (e) {
      return Promise.reject(e);
    }
    return callAsync(() => this.raw.trainBatches(x, y, rows, order, batchSize));
  }

  async setTrainingData(x: Float32Array, y: Float32Array, rows: number): Promise<NonFiniteValue | null> {
    this.checkData(x, y, rows, 'setTrainingData');
    this.trainingSetReady = false;
    const inputs = x.length / rows;
    const tw = y.length / rows;
    const step = Math.max(1, Math.floor(TRAINING_SLICE_VALUES / (inputs + tw)));
    await callAsync(() => this.raw.allocTrainingData(rows));
    for (let from = 0; from < rows; from += step) {
      const to = Math.min(rows, from + step);
      if (from > 0) await yieldNow();
      this.alive('setTrainingData');
      call(() => this.raw.writeTrainingData(x.subarray(from * inputs, to * inputs), y.subarray(from * tw, to * tw), from));
    }
    const found: NonFiniteValue | null = await callAsync(() => this.raw.scanTrainingData());
    this.trainingSetReady = found === null;
    return found;
  }

  trainRows(order: Uint32Array, batchSize: number): Promise<Float32Array> {
    try {
      this.alive('trainRows');
      checkInt(batchSize, 'Network.trainRows: batchSize', 1);
      if (!(order instanceof Uint32Array)) throw new TypeError(`Network.trainRows: expected order to be a Uint32Array, got ${describe(order)}`);
      if (!this.trainingSetReady) throw new Error(NO_TRAINING_SET);
    } catch (e) {
      return Promise.reject(e);
    }
    return callAsync(() => this.raw.trainRows(order, batchSize));
  }

  clearTrainingData(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.trainingSetReady = false;
    return callAsync(async () => {
      await this.raw.clearTrainingData();
    });
  }

  evaluate(x: Float32Array, y: Float32Array, rows: number): Promise<{ loss: number; outputs: Float32Array }> {
    try {
      this.checkData(x, y, rows, 'evaluate');
    } catch (e) {
      return Promise.reject(e);
    }
    return callAsync(() => this.raw.evaluate(x, y, rows));
  }

  gradients(x: Float32Array, y: Float32Array, rows: number): { loss: number; grads: Float32Array[] } {
    this.checkData(x, y, rows, 'gradients');
    return call(() => this.raw.gradients(x, y, rows));
  }

  layerStats(x: Float32Array, y: Float32Array, rows: number): LayerStats[] {
    this.checkData(x, y, rows, 'layerStats');
    return call(() => this.raw.layerStats(x, y, rows));
  }

  getParams(): Float32Array[] {
    this.alive('getParams');
    return call(() => this.raw.getParams());
  }

  setParams(params: Float32Array[]): void {
    this.alive('setParams');
    checkParams(this.spec, params, 'Network.setParams');
    call(() => this.raw.setParams(params));
  }

  setOptimizer(optimizer: OptimizerSpec): void {
    this.alive('setOptimizer');
    checkOptimizer(optimizer, 'Network.setOptimizer');
    call(() => this.raw.setOptimizer(optimizer));
    (this.spec as { optimizer: OptimizerSpec }).optimizer = { ...optimizer };
  }

  dispose(): void {
    if (this.disposed) return;
    call(() => this.raw.dispose());
    this.disposed = true;
    this.raw = null;
  }
}

export function createNativeNetwork(binding: RawBinding, spec: NetworkSpec, params: Float32Array[]): Network {
  return new NativeNetworkAdapter(binding, spec, params);
}

/** Backend.sgemm on the binding, with the interface's argument checks. */
export function nativeSgemm(
  binding: RawBinding, transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array,
): void {
  if (typeof transA !== 'boolean' || typeof transB !== 'boolean') {
    throw new TypeError(`sgemm: transA and transB must be booleans, got ${describe(transA)} and ${describe(transB)}`);
  }
  checkInt(m, 'sgemm: m', 0);
  checkInt(n, 'sgemm: n', 0);
  checkInt(k, 'sgemm: k', 0);
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || typeof beta !== 'number' || !Number.isFinite(beta)) {
    throw new RangeError(`sgemm: alpha and beta must be finite numbers, got ${describe(alpha)} and ${describe(beta)}`);
  }
  for (const [name, arr, len] of [['a', a, m * k], ['b', b, k * n], ['c', c, m * n]] as const) {
    if (!(arr instanceof Float32Array)) throw new TypeError(`sgemm: ${name} must be a Float32Array, got ${describe(arr)}`);
    if (arr.length !== len) throw new RangeError(`sgemm: ${name} must hold ${len} values, got ${arr.length}`);
  }
  call(() => binding.sgemm(transA, transB, m, n, k, alpha, a, b, beta, c));
}
