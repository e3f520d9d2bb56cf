/**
 * Every initializer scheme. Keras schemes follow keras/src/initializers (Keras 3) exactly, PyTorch-style
 * ones follow torch.nn.init, all on Keras-layout shapes ([fanIn, fanOut], conv kernels
 * [k₁, …, inputs, outputs]). Sampling goes through getBackend(), so the same seed gives the same
 * numbers on the native and the reference backend.
 */
import { randomBytes } from 'node:crypto';
import type { Backend } from '../backend/types.js';
import { getBackend } from '../backend/select.js';
import { Tensor, describe } from '../tensor.js';
import { computeFans } from './fans.js';
import { calculateGain, NONLINEARITIES, type Nonlinearity } from './gain.js';
import type { FillContext, Initializer, InitializerConfig } from './types.js';
import { checkShape, finiteNumber, nonNegative, oneOf, parseSeed, positive } from './validate.js';

/** Keras' correction: the std of a standard normal truncated to ±2 is 0.8796…, so σ is divided by it. */
export const TRUNCATED_NORMAL_STD_CORRECTION = 0.87962566103423978;

/** What a random scheme draws from: the backend and one (seed, stream). */
export interface Source {
  backend: Backend;
  seed: bigint;
  stream: number;
}

function freshSeed(): bigint {
  return randomBytes(8).readBigUInt64LE(0);
}

function checkContext(ctx: unknown, where: string): FillContext {
  if (ctx === undefined || ctx === null) return {};
  if (typeof ctx !== 'object') throw new TypeError(`${where}: expected the fill context to be an object { seed?, stream? }, got ${describe(ctx)}`);
  const { seed, stream } = ctx as FillContext;
  if (seed !== undefined) {
    if (typeof seed !== 'bigint') throw new TypeError(`${where}: expected context seed to be a bigint, got ${describe(seed)}`);
    if (seed < 0n || seed >= 1n << 64n) throw new RangeError(`${where}: expected context seed in [0, 2^64), got ${seed}`);
  }
  if (stream !== undefined) {
    if (typeof stream !== 'number') throw new TypeError(`${where}: expected context stream to be an integer, got ${describe(stream)}`);
    if (!Number.isInteger(stream) || stream < 0 || stream > 0xffffffff) {
      throw new RangeError(`${where}: expected context stream to be an integer in [0, 2^32), got ${stream}`);
    }
  }
  return { seed, stream };
}

/**
 * Shared plumbing: shape and buffer checks, seed resolution, the Tensor wrapper. A seeded scheme uses
 * its own seed (same values on every call, as in Keras); an unseeded one uses the context's seed (a
 * model's), else a fresh random seed per call. The context's stream applies either way.
 */
export abstract class InitializerBase implements Initializer {
  abstract readonly className: string;
  /** The seed as given (number | bigint), null when unseeded; random schemes set it. */
  readonly seed: number | bigint | null = null;

  sample(shape: readonly number[], ctx?: FillContext): Tensor {
    const size = checkShape(shape, `${this.className}.sample`);
    const out = new Float32Array(size);
    this.fill(out, shape, ctx);
    return new Tensor(out, shape);
  }

  fill(out: Float32Array, shape: readonly number[], ctx?: FillContext): void {
    const where = `${this.className}.fill`;
    const size = checkShape(shape, where);
    if (!(out instanceof Float32Array)) throw new TypeError(`${where}: expected out to be a Float32Array, got ${describe(out)}`);
    if (out.length !== size) {
      throw new RangeError(`${where}: shape [${shape.join(', ')}] holds ${size} values but out has length ${out.length}`);
    }
    this.checkRank(shape, where);
    const context = checkContext(ctx, where);
    if (size === 0) return;
    const source = (): Source => ({
      backend: getBackend(),
      seed: this.seed !== null ? BigInt(this.seed) : (context.seed ?? freshSeed()),
      stream: context.stream ?? 0,
    });
    this.generate(out, shape, source);
  }

  /** Schemes defined only for some ranks throw here (RangeError). */
  protected checkRank(_shape: readonly number[], _where: string): void {}

  protected abstract generate(out: Float32Array, shape: readonly number[], source: () => Source): void;

  abstract getConfig(): InitializerConfig;
}

// ---------------------------------------------------------------- constants

export class Zeros extends InitializerBase {
  readonly className: string = 'Zeros';
  protected generate(out: Float32Array): void {
    out.fill(0);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: {} };
  }
}

export class Ones extends InitializerBase {
  readonly className: string = 'Ones';
  protected generate(out: Float32Array): void {
    out.fill(1);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: {} };
  }
}

export class Constant extends InitializerBase {
  readonly className: string = 'Constant';
  readonly value: number;
  constructor(options: { value?: number } = {}) {
    super();
    this.value = finiteNumber(options.value ?? 0, 'value', 'Constant');
  }
  protected generate(out: Float32Array): void {
    out.fill(this.value);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { value: this.value } };
  }
}

/** Keras Identity: gain · eye(rows, cols), 2-D only (rectangular allowed: ones on the main diagonal). */
export class Identity extends InitializerBase {
  readonly className: string = 'Identity';
  readonly gain: number;
  constructor(options: { gain?: number } = {}) {
    super();
    this.gain = finiteNumber(options.gain ?? 1, 'gain', 'Identity');
  }
  protected override checkRank(shape: readonly number[], where: string): void {
    if (shape.length !== 2) throw new RangeError(`${where}: the identity initializer needs a 2-D shape, got [${shape.join(', ')}] of rank ${shape.length}`);
  }
  protected generate(out: Float32Array, shape: readonly number[]): void {
    const [rows, cols] = shape;
    out.fill(0);
    for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = this.gain;
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { gain: this.gain } };
  }
}

// ---------------------------------------------------------------- random, Keras

abstract class RandomBase extends InitializerBase {
  override readonly seed: number | bigint | null;
  constructor(seed: unknown, where: string) {
    super();
    this.seed = parseSeed(seed, where);
  }
}

/** Keras RandomNormal: N(mean, stddev²), defaults mean 0, stddev 0.05. */
export class RandomNormal extends RandomBase {
  readonly className: string = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;
  constructor(options: { mean?: number; stddev?: number; seed?: number | bigint | null } = {}) {
    super(options.seed, 'RandomNormal');
    this.mean = finiteNumber(options.mean ?? 0, 'mean', 'RandomNormal');
    this.stddev = nonNegative(options.stddev ?? 0.05, 'stddev', 'RandomNormal');
  }
  protected generate(out: Float32Array, _shape: readonly number[], source: () => Source): void {
    const { backend, seed, stream } = source();
    backend.fillNormal(out, seed, stream, this.mean, this.stddev, 0);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { mean: this.mean, stddev: this.stddev, seed: this.seed } };
  }
}

/** Keras RandomUniform: U[minval, maxval), defaults −0.05, 0.05 (a given 0 stays 0). */
export class RandomUniform extends RandomBase {
  readonly className: string = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  constructor(options: { minval?: number; maxval?: number; seed?: number | bigint | null } = {}) {
    super(options.seed, 'RandomUniform');
    this.minval = finiteNumber(options.minval ?? -0.05, 'minval', 'RandomUniform');
    this.maxval = finiteNumber(options.maxval ?? 0.05, 'maxval', 'RandomUniform');
    if (this.minval > this.maxval) throw new RangeError(`RandomUniform: expected minval ≤ maxval, got minval = ${this.minval}, maxval = ${this.maxval}`);
  }
  protected generate(out: Float32Array, _shape: readonly number[], source: () => Source): void {
    const { backend, seed, stream } = source();
    backend.fillUniform(out, seed, stream, this.minval, this.maxval, 0);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { minval: this.minval, maxval: this.maxval, seed: this.seed } };
  }
}

/** Keras TruncatedNormal: N(mean, stddev²) restricted to mean ± 2·stddev (stddev is the parent's, not the realised one). */
export class TruncatedNormal extends RandomBase {
  readonly className: string = 'TruncatedNormal';
  readonly mean: number;
  readonly stddev: number;
  constructor(options: { mean?: number; stddev?: number; seed?: number | bigint | null } = {}) {
    super(options.seed, 'TruncatedNormal');
    this.mean = finiteNumber(options.mean ?? 0, 'mean', 'TruncatedNormal');
    this.stddev = nonNegative(options.stddev ?? 0.05, 'stddev', 'TruncatedNormal');
  }
  protected generate(out: Float32Array, _shape: readonly number[], source: () => Source): void {
    const { backend, seed, stream } = source();
    backend.fillTruncatedNormal(out, seed, stream, this.mean, this.stddev, -2, 2, 0);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { mean: this.mean, stddev: this.stddev, seed: this.seed } };
  }
}

export const FAN_MODES = ['fan_in', 'fan_out', 'fan_avg'] as const;
export type FanMode = (typeof FAN_MODES)[number];
export const DISTRIBUTIONS = ['truncated_normal', 'untruncated_normal', 'uniform'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export interface VarianceScalingOptions {
  scale?: number;
  mode?: FanMode;
  distribution?: Distribution | 'normal';
  seed?: number | bigint | null;
}

/**
 * Keras VarianceScaling: with n = max(1, fan) for the mode (fan_avg = (fanIn + fanOut)/2),
 * truncated_normal: σ = √(scale/n)/0.87962566103423978 cut at ±2σ, so the realised std is √(scale/n);
 * untruncated_normal: σ = √(scale/n); uniform: U(±√(3·scale/n)). 'normal' means truncated_normal.
 * Glorot = (1, fan_avg), He = (2, fan_in), LeCun = (1, fan_in) (Glorot & Bengio 2010; He et al. 2015;
 * LeCun et al. 1998).
 */
export class VarianceScaling extends RandomBase {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  constructor(options: VarianceScalingOptions = {}, where = 'VarianceScaling') {
    super(options.seed, where);
    this.scale = positive(options.scale ?? 1, 'scale', where);
    this.mode = oneOf(options.mode ?? 'fan_in', FAN_MODES, 'mode', where);
    const dist = typeof options.distribution === 'string' ? options.distribution.toLowerCase() : (options.distribution ?? 'truncated_normal');
    this.distribution = oneOf(dist === 'normal' ? 'truncated_normal' : dist, DISTRIBUTIONS, 'distribution', where);
  }
  protected generate(out: Float32Array, shape: readonly number[], source: () => Source): void {
    const { fanIn, fanOut } = computeFans(shape);
    const fan = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, fan);
    const { backend, seed, stream } = source();
    if (this.distribution === 'truncated_normal') {
      backend.fillTruncatedNormal(out, seed, stream, 0, Math.sqrt(variance) / TRUNCATED_NORMAL_STD_CORRECTION, -2, 2, 0);
    } else if (this.distribution === 'untruncated_normal') {
      backend.fillNormal(out, seed, stream, 0, Math.sqrt(variance), 0);
    } else {
      const limit = Math.sqrt(3 * variance);
      backend.fillUniform(out, seed, stream, -limit, limit, 0);
    }
  }
  getConfig(): InitializerConfig {
    return {
      className: this.className,
      config: { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed },
    };
  }
}

/** A named VarianceScaling preset; its Keras config holds the seed only. */
abstract class VarianceScalingPreset extends VarianceScaling {
  constructor(className: string, scale: number, mode: FanMode, distribution: Distribution, options: { seed?: number | bigint | null }) {
    super({ scale, mode, distribution, seed: options.seed }, className);
  }
  override getConfig(): InitializerConfig {
    return { className: this.className, config: { seed: this.seed } };
  }
}

/** U(±√(6/(fanIn + fanOut))). */
export class GlorotUniform extends VarianceScalingPreset {
  override readonly className: string = 'GlorotUniform';
  constructor(options: { seed?: number | bigint | null } = {}) {
    super('GlorotUniform', 1, 'fan_avg', 'uniform', options);
  }
}

/** Truncated normal, realised std √(2/(fanIn + fanOut)). */
export class GlorotNormal extends VarianceScalingPreset {
  override readonly className: string = 'GlorotNormal';
  constructor(options: { seed?: number | bigint | null } = {}) {
    super('GlorotNormal', 1, 'fan_avg', 'truncated_normal', options);
  }
}

/** U(±√(6/fanIn)). */
export class HeUniform extends VarianceScalingPreset {
  override readonly className: string = 'HeUniform';
  constructor(options: { seed?: number | bigint | null } = {}) {
    super('HeUniform', 2, 'fan_in', 'uniform', options);
  }
}

/** Truncated normal, realised std √(2/fanIn). */
export class HeNormal extends VarianceScalingPreset {
  override readonly className: string = 'HeNormal';
  constructor(options: { seed?: number | bigint | null } = {}) {
    super('HeNormal', 2, 'fan_in', 'truncated_normal', options);
  }
}

/** U(±√(3/fanIn)). */
export class LecunUniform extends VarianceScalingPreset {
  override readonly className: string = 'LecunUniform';
  constructor(options: { seed?: number | bigint | null } = {}) {
    super('LecunUniform', 1, 'fan_in', 'uniform', options);
  }
}

/** Truncated normal, realised std √(1/fanIn). */
export class LecunNormal extends VarianceScalingPreset {
  override readonly className: string = 'LecunNormal';
  constructor(options: { seed?: number | bigint | null } = {}) {
    super('LecunNormal', 1, 'fan_in', 'truncated_normal', options);
  }
}

/**
 * Keras Orthogonal (Saxe et al. 2014): the shape is flattened to (∏shape[:-1], shape[-1]); QR of a
 * standard-normal matrix, sign-corrected, transposed when there are fewer rows than columns; × gain.
 * Needs rank ≥ 2.
 */
export class Orthogonal extends RandomBase {
  readonly className: string = 'Orthogonal';
  readonly gain: number;
  constructor(options: { gain?: number; seed?: number | bigint | null } = {}) {
    super(options.seed, 'Orthogonal');
    this.gain = finiteNumber(options.gain ?? 1, 'gain', 'Orthogonal');
  }
  protected override checkRank(shape: readonly number[], where: string): void {
    if (shape.length < 2) throw new RangeError(`${where}: the orthogonal initializer needs a shape of rank ≥ 2, got [${shape.join(', ')}] of rank ${shape.length}`);
  }
  protected generate(out: Float32Array, shape: readonly number[], source: () => Source): void {
    const cols = shape[shape.length - 1];
    const rows = out.length / cols;
    const { backend, seed, stream } = source();
    backend.orthogonal(out, rows, cols, seed, stream, this.gain);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { gain: this.gain, seed: this.seed } };
  }
}

// ---------------------------------------------------------------- random, PyTorch-style

export const KAIMING_MODES = ['fan_in', 'fan_out'] as const;

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (read by leaky_relu only). Default 0. */
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
  seed?: number | bigint | null;
}

/**
 * torch.nn.init.kaiming_* (He et al. 2015): std = calculateGain(nonlinearity, a)/√fan, plain normal
 * N(0, std²) or U(±√3·std). PyTorch defaults: a = 0, mode fan_in, nonlinearity leaky_relu (gain √2).
 */
abstract class KaimingBase extends RandomBase {
  readonly a: number;
  readonly mode: 'fan_in' | 'fan_out';
  readonly nonlinearity: Nonlinearity;
  constructor(options: KaimingOptions, where: string) {
    super(options.seed, where);
    this.a = finiteNumber(options.a ?? 0, 'a', where);
    this.mode = oneOf(options.mode ?? 'fan_in', KAIMING_MODES, 'mode', where);
    this.nonlinearity = oneOf(options.nonlinearity ?? 'leaky_relu', NONLINEARITIES, 'nonlinearity', where);
  }
  protected std(shape: readonly number[]): number {
    const { fanIn, fanOut } = computeFans(shape);
    return calculateGain(this.nonlinearity, this.a) / Math.sqrt(this.mode === 'fan_in' ? fanIn : fanOut);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { a: this.a, mode: this.mode, nonlinearity: this.nonlinearity, seed: this.seed } };
  }
}

export class KaimingUniform extends KaimingBase {
  readonly className: string = 'KaimingUniform';
  constructor(options: KaimingOptions = {}) {
    super(options, 'KaimingUniform');
  }
  protected generate(out: Float32Array, shape: readonly number[], source: () => Source): void {
    const bound = Math.sqrt(3) * this.std(shape);
    const { backend, seed, stream } = source();
    backend.fillUniform(out, seed, stream, -bound, bound, 0);
  }
}

export class KaimingNormal extends KaimingBase {
  readonly className: string = 'KaimingNormal';
  constructor(options: KaimingOptions = {}) {
    super(options, 'KaimingNormal');
  }
  protected generate(out: Float32Array, shape: readonly number[], source: () => Source): void {
    const { backend, seed, stream } = source();
    backend.fillNormal(out, seed, stream, 0, this.std(shape), 0);
  }
}

/** torch.nn.init.xavier_* (Glorot & Bengio 2010): std = gain·√(2/(fanIn + fanOut)); plain normal or U(±√3·std). */
abstract class XavierBase extends RandomBase {
  readonly gain: number;
  constructor(options: { gain?: number; seed?: number | bigint | null }, where: string) {
    super(options.seed, where);
    this.gain = nonNegative(options.gain ?? 1, 'gain', where);
  }
  protected std(shape: readonly number[]): number {
    const { fanIn, fanOut } = computeFans(shape);
    return this.gain * Math.sqrt(2 / (fanIn + fanOut));
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { gain: this.gain, seed: this.seed } };
  }
}

export class XavierUniform extends XavierBase {
  readonly className: string = 'XavierUniform';
  constructor(options: { gain?: number; seed?: number | bigint | null } = {}) {
    super(options, 'XavierUniform');
  }
  protected generate(out: Float32Array, shape: readonly number[], source: () => Source): void {
    const bound = Math.sqrt(3) * this.std(shape);
    const { backend, seed, stream } = source();
    backend.fillUniform(out, seed, stream, -bound, bound, 0);
  }
}

export class XavierNormal extends XavierBase {
  readonly className: string = 'XavierNormal';
  constructor(options: { gain?: number; seed?: number | bigint | null } = {}) {
    super(options, 'XavierNormal');
  }
  protected generate(out: Float32Array, shape: readonly number[], source: () => Source): void {
    const { backend, seed, stream } = source();
    backend.fillNormal(out, seed, stream, 0, this.std(shape), 0);
  }
}

/**
 * torch.nn.init.trunc_normal_: N(mean, std²) restricted to the absolute interval [a, b] (defaults
 * 0, 1, −2, 2), by the inverse CDF like PyTorch. Bounds further than 6 std from the mean act as 6 std.
 */
export class TruncNormal extends RandomBase {
  readonly className: string = 'TruncNormal';
  readonly mean: number;
  readonly std: number;
  readonly a: number;
  readonly b: number;
  constructor(options: { mean?: number; std?: number; a?: number; b?: number; seed?: number | bigint | null } = {}) {
    super(options.seed, 'TruncNormal');
    this.mean = finiteNumber(options.mean ?? 0, 'mean', 'TruncNormal');
    this.std = positive(options.std ?? 1, 'std', 'TruncNormal');
    this.a = finiteNumber(options.a ?? -2, 'a', 'TruncNormal');
    this.b = finiteNumber(options.b ?? 2, 'b', 'TruncNormal');
    if (!(this.a < this.b)) throw new RangeError(`TruncNormal: expected a < b, got a = ${this.a}, b = ${this.b}`);
    const lower = (this.a - this.mean) / this.std;
    const upper = (this.b - this.mean) / this.std;
    if (lower >= 6 || upper <= -6) {
      throw new RangeError(`TruncNormal: [a, b] = [${this.a}, ${this.b}] lies more than 6 std from the mean ${this.mean}; float32 sampling has no mass there`);
    }
  }
  protected generate(out: Float32Array, _shape: readonly number[], source: () => Source): void {
    const { backend, seed, stream } = source();
    backend.fillTruncatedNormal(out, seed, stream, this.mean, this.std, (this.a - this.mean) / this.std, (this.b - this.mean) / this.std, 0);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { mean: this.mean, std: this.std, a: this.a, b: this.b, seed: this.seed } };
  }
}

/**
 * PyTorch's default for nn.Linear / nn.Conv* weights: kaiming_uniform_ with a = √5, which is
 * U(±1/√fanIn) (gain √(2/(1 + 5)) times √3/√fanIn).
 */
export class TorchDefault extends RandomBase {
  readonly className: string = 'TorchDefault';
  constructor(options: { seed?: number | bigint | null } = {}) {
    super(options.seed, 'TorchDefault');
  }
  protected generate(out: Float32Array, shape: readonly number[], source: () => Source): void {
    const bound = 1 / Math.sqrt(computeFans(shape).fanIn);
    const { backend, seed, stream } = source();
    backend.fillUniform(out, seed, stream, -bound, bound, 0);
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { seed: this.seed } };
  }
}

/**
 * torch.nn.init.sparse_ (Martens 2010), on a 2-D rows × cols shape: N(0, std²) everywhere, then in
 * each column exactly ceil(sparsity·rows) entries set to 0, the rows chosen by a partial
 * Fisher–Yates shuffle driven by the raw Philox words that follow the normals in the same stream
 * (elements rows·cols, rows·cols + 1, …), so the result depends only on (seed, stream).
 */
export class Sparse extends RandomBase {
  readonly className: string = 'Sparse';
  readonly sparsity: number;
  readonly std: number;
  constructor(options: { sparsity?: number; std?: number; seed?: number | bigint | null } = {}) {
    super(options.seed, 'Sparse');
    if (options.sparsity === undefined) throw new TypeError('Sparse: sparsity is required (a number in [0, 1], the share of zeros per column), as in torch.nn.init.sparse_');
    this.sparsity = finiteNumber(options.sparsity, 'sparsity', 'Sparse');
    if (this.sparsity < 0 || this.sparsity > 1) throw new RangeError(`Sparse: expected sparsity in [0, 1], got ${this.sparsity}`);
    this.std = nonNegative(options.std ?? 0.01, 'std', 'Sparse');
  }
  protected override checkRank(shape: readonly number[], where: string): void {
    if (shape.length !== 2) throw new RangeError(`${where}: the sparse initializer needs a 2-D shape, got [${shape.join(', ')}] of rank ${shape.length}`);
  }
  protected generate(out: Float32Array, shape: readonly number[], source: () => Source): void {
    const [rows, cols] = shape;
    const zerosPerColumn = Math.ceil(this.sparsity * rows);
    const { backend, seed, stream } = source();
    backend.fillNormal(out, seed, stream, 0, this.std, 0);
    if (zerosPerColumn === 0) return;
    const words = new Uint32Array(cols * zerosPerColumn);
    backend.fillBits(words, seed, stream, rows * cols);
    const order = new Uint32Array(rows);
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) order[r] = r;
      for (let k = 0; k < zerosPerColumn; k++) {
        // A uniform index in [k, rows): the word scaled by the remaining count (bias ≤ rows/2³²).
        const j = k + Math.floor((words[c * zerosPerColumn + k] / 4294967296) * (rows - k));
        const picked = order[j];
        order[j] = order[k];
        order[k] = picked;
        out[picked * cols + c] = 0;
      }
    }
  }
  getConfig(): InitializerConfig {
    return { className: this.className, config: { sparsity: this.sparsity, std: this.std, seed: this.seed } };
  }
}
