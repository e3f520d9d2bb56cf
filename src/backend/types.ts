/**
 * The Backend interface: the one seam between fanin's algorithms (init/, nn/, train/, diagnostics/)
 * and the code that does arithmetic. Two implementations: `native` (Rust SIMD kernels behind N-API)
 * and `reference` (pure TypeScript, the executable spec). This file imports nothing.
 *
 * Conventions:
 * - Matrices are row-major Float32Array. A dense kernel has Keras layout [fanIn, fanOut] = [inputs, units].
 * - Random fills: element i depends only on (seed, stream, i). `seed` is an unsigned 64-bit bigint
 *   (the Philox key), `stream` an unsigned 32-bit integer (the high counter word). See rng/philox.ts.
 * - Methods validate their arguments and throw TypeError / RangeError; they never return NaN silently.
 */

export type BackendName = 'native' | 'reference';

export type ActivationName =
  | 'linear'
  | 'relu'
  | 'leaky_relu'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'tanh'
  | 'sigmoid'
  | 'softmax';

export type LossName =
  | 'mean_squared_error'
  | 'mean_absolute_error'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy';

export interface LayerSpec {
  /** Input features of this layer (fanIn). */
  inputs: number;
  /** Output units (fanOut). */
  units: number;
  activation: ActivationName;
  /** Negative slope of leaky_relu, or alpha of elu. Ignored by other activations. */
  alpha: number;
  useBias: boolean;
}

export interface OptimizerSpec {
  kind: 'sgd' | 'rmsprop' | 'adam' | 'adamw';
  learningRate: number;
  /** sgd: momentum (0 = plain SGD); rmsprop: momentum too. */
  momentum: number;
  nesterov: boolean;
  /** rmsprop discount factor. */
  rho: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** adamw decoupled weight decay (applied to kernels only, as Keras does by default it is applied to all variables; we apply it to all). */
  weightDecay: number;
  /** Clip the global gradient norm to this value before the update; 0 disables clipping. */
  clipNorm: number;
}

export interface NetworkSpec {
  layers: LayerSpec[];
  loss: LossName;
  optimizer: OptimizerSpec;
}

/** Per-layer statistics of one forward + backward pass over a batch (diagnostics, LSUV). */
export interface LayerStats {
  preActivationMean: number;
  preActivationStd: number;
  activationMean: number;
  activationStd: number;
  /** Share of units that are exactly zero for every row of the batch (ReLU-family layers; 0 otherwise). */
  deadFraction: number;
  weightStd: number;
  /** Frobenius norm of dLoss/dKernel on the batch. */
  weightGradNorm: number;
  /** Std of dLoss/dActivation (the gradient flowing into this layer's output). */
  activationGradStd: number;
  /** Number of distinct units: different (W[:, j], b[j]) columns, bitwise (1 when all units are equal). */
  distinctUnits: number;
}

/** Where setTrainingData found the first NaN or ±Infinity: the array, row, column and the value. */
export interface NonFiniteValue {
  array: 'x' | 'y';
  row: number;
  column: number;
  value: number;
}

export interface Network {
  readonly spec: NetworkSpec;
  /** Outputs (rows × units of the last layer) after the final activation. Runs off the main thread. */
  predict(x: Float32Array, rows: number): Promise<Float32Array>;
  /**
   * Train on the batches `order[start .. start+batchSize)` for consecutive starts covering `order`:
   * forward, backward and optimizer update per batch, all inside one native call when native.
   * `y` has rows × targetWidth values (one-hot / regression targets, or one class id per row for
   * sparse_categorical_crossentropy). Returns each batch's mean loss. Inputs are copied before the
   * call goes off-thread, so the caller may reuse its arrays at once.
   */
  trainBatches(x: Float32Array, y: Float32Array, rows: number, order: Uint32Array, batchSize: number): Promise<Float32Array>;
  /**
   * Hands a training set to the network for trainRows, replacing any earlier one: x has rows × inputs
   * values, y rows × targetWidth (as for trainBatches). The network copies them in slices, letting the
   * event loop run between slices, then scans the copy for NaN and ±Infinity (off the main thread when
   * native). Resolves to the first non-finite value (x before y, in row-major order), after which the
   * set is dropped, or to null once the set is ready. The caller must not change x or y before the
   * promise settles. Nothing is trained, so no weight changes.
   */
  setTrainingData(x: Float32Array, y: Float32Array, rows: number): Promise<NonFiniteValue | null>;
  /**
   * trainBatches on the set of setTrainingData, whose rows the network gathers by `order` itself:
   * batch k is rows order[k·batchSize .. (k+1)·batchSize). Same numbers as trainBatches on those
   * rows, bit for bit. Rejects when no set is ready.
   */
  trainRows(order: Uint32Array, batchSize: number): Promise<Float32Array>;
  /** Frees the set of setTrainingData (nothing happens when there is none); off the main thread when
   * native, since unmapping hundreds of megabytes takes tens of milliseconds. */
  clearTrainingData(): Promise<void>;
  /** Mean loss over rows and the outputs, without updating anything. Runs off the main thread. */
  evaluate(x: Float32Array, y: Float32Array, rows: number): Promise<{ loss: number; outputs: Float32Array }>;
  /** Mean loss and its gradients w.r.t. every parameter (same order as getParams). Synchronous. */
  gradients(x: Float32Array, y: Float32Array, rows: number): { loss: number; grads: Float32Array[] };
  /** Per-layer statistics of one forward + backward pass. Synchronous. */
  layerStats(x: Float32Array, y: Float32Array, rows: number): LayerStats[];
  /** Copies of the parameters: for each layer its kernel [inputs × units], then its bias [units] if useBias. */
  getParams(): Float32Array[];
  /** Replace the parameters (copied in). Optimizer state is kept. */
  setParams(params: Float32Array[]): void;
  /** Replace the optimizer and reset its state (moments, step count). */
  setOptimizer(optimizer: OptimizerSpec): void;
  /** Free native memory. Further calls throw. */
  dispose(): void;
}

export interface Backend {
  readonly name: BackendName;
  /** ISA in use ('scalar' | 'avx2' | 'avx512' | 'neon' for native, 'js' for reference) and worker threads. */
  readonly info: { isa: string; threads: number; binaryPath?: string };
  /** Set the number of threads used by this backend's pool (1..256). The reference backend ignores it. */
  setThreads(threads: number): void;

  /** One Philox4x32-10 block (known-answer tests): counter (4 words), key (2 words) → 4 words. */
  philox(counter: Uint32Array, key: Uint32Array): Uint32Array;
  /** Raw Philox words: out[i] = word i of the stream (block i>>2, word i&3), starting at element `offset`. */
  fillBits(out: Uint32Array, seed: bigint, stream: number, offset: number | bigint): void;
  /** U[lo, hi): out[i] = lo + (hi − lo)·u_i with u_i = (w_i >>> 8)·2⁻²⁴, in float32 arithmetic (no FMA). */
  fillUniform(out: Float32Array, seed: bigint, stream: number, lo: number, hi: number, offset?: number | bigint): void;
  /** N(mean, std²) by the inverse CDF of each element's uniform. */
  fillNormal(out: Float32Array, seed: bigint, stream: number, mean: number, std: number, offset?: number | bigint): void;
  /**
   * N(mean, std²) truncated to [mean + lower·std, mean + upper·std] (bounds in units of std, lower < upper,
   * clamped to ±6), exact by the inverse CDF, no rejection. Keras' TruncatedNormal is lower = −2, upper = 2.
   */
  fillTruncatedNormal(out: Float32Array, seed: bigint, stream: number, mean: number, std: number, lower: number, upper: number, offset?: number | bigint): void;
  /**
   * Orthogonal matrix rows × cols (row-major) times gain: Householder QR of a standard-normal
   * max(rows,cols) × min(rows,cols) matrix drawn with fillNormal(seed, stream), Q sign-corrected by
   * sign(diag R), transposed when rows < cols.
   */
  orthogonal(out: Float32Array, rows: number, cols: number, seed: bigint, stream: number, gain: number): void;
  /** C = alpha·op(A)·op(B) + beta·C, row-major; op = transpose when transA / transB. A is m×k after op, B k×n. */
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void;
  /** A network that owns its parameters (copied in), gradients, optimizer state and workspaces. */
  createNetwork(spec: NetworkSpec, params: Float32Array[]): Network;
}
