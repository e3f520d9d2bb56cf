/**
 * Optimizers with Keras 3 semantics and defaults (update rules in docs/SEMANTICS.md). An optimizer is
 * a plain description; the network (native or reference) holds its state.
 *
 * `clipNorm` clips the global L2 norm of all gradients together (Keras' `global_clipnorm`), the form that
 * keeps the update direction.
 */
import type { OptimizerSpec } from '../backend/types.js';
import { describe } from '../tensor.js';
import { checkKeys, parseName } from '../nn/names.js';

export type OptimizerKind = OptimizerSpec['kind'];
export const OPTIMIZER_NAMES: readonly OptimizerKind[] = ['sgd', 'rmsprop', 'adam', 'adamw'];

export interface Optimizer {
  readonly kind: OptimizerKind;
  /** Every field set, as the backends take it. */
  readonly spec: OptimizerSpec;
  /** The options this optimizer uses (Keras names in camelCase), for printing and serialization. */
  getConfig(): Record<string, number | boolean | string>;
}

export interface SgdOptions {
  /** Default 0.01. */
  learningRate?: number;
  /** Default 0 (plain SGD). */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
  /** Clip the global gradient norm to this; 0 or undefined: no clipping. */
  clipNorm?: number;
}
export interface RmspropOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Discount of the running mean of g². Default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  clipNorm?: number;
}
export interface AdamOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras; PyTorch uses 1e-8). */
  epsilon?: number;
  clipNorm?: number;
}
export interface AdamwOptions extends AdamOptions {
  /** Decoupled weight decay λ (Loshchilov & Hutter 2019), applied to every parameter. Default 0.004. */
  weightDecay?: number;
}

const BASE: OptimizerSpec = {
  kind: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, clipNorm: 0,
};

type Range = [lo: number, hi: number, hiOpen: boolean, loOpen: boolean];
const RANGES: Record<string, Range> = {
  learningRate: [0, Infinity, true, true],
  momentum: [0, 1, true, false],
  rho: [0, 1, true, false],
  beta1: [0, 1, true, false],
  beta2: [0, 1, true, false],
  epsilon: [0, Infinity, true, true],
  weightDecay: [0, Infinity, true, false],
  clipNorm: [0, Infinity, true, false],
};

function make(kind: OptimizerKind, options: object | undefined, defaults: Partial<OptimizerSpec>, keys: readonly string[]): Optimizer {
  const what = `optimizers.${kind}`;
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`${what}: expected an options object, got ${describe(options)}`);
  }
  const opts = (options ?? {}) as Record<string, unknown>;
  checkKeys(opts, keys, what);
  const spec: OptimizerSpec = { ...BASE, ...defaults, kind };
  for (const k of keys) {
    const v = opts[k];
    if (v === undefined) continue;
    if (k === 'nesterov') {
      if (typeof v !== 'boolean') throw new TypeError(`${what}: nesterov must be a boolean, got ${describe(v)}`);
      spec.nesterov = v;
      continue;
    }
    const [lo, hi, hiOpen, loOpen] = RANGES[k];
    if (typeof v !== 'number' || Number.isNaN(v) || (loOpen ? v <= lo : v < lo) || (hiOpen ? v >= hi : v > hi)) {
      throw new RangeError(`${what}: ${k} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${describe(v)}`);
    }
    (spec as unknown as Record<string, number>)[k] = v;
  }
  const config: Record<string, number | boolean | string> = {};
  for (const k of keys) config[k] = (spec as unknown as Record<string, number | boolean>)[k];
  return { kind, spec: Object.freeze(spec), getConfig: () => ({ name: kind, ...config }) };
}

function sgd(options?: SgdOptions): Optimizer {
  return make('sgd', options, { learningRate: 0.01 }, ['learningRate', 'momentum', 'nesterov', 'clipNorm']);
}
function rmsprop(options?: RmspropOptions): Optimizer {
  return make('rmsprop', options, { learningRate: 0.001 }, ['learningRate', 'rho', 'momentum', 'epsilon', 'clipNorm']);
}
function adam(options?: AdamOptions): Optimizer {
  return make('adam', options, { learningRate: 0.001 }, ['learningRate', 'beta1', 'beta2', 'epsilon', 'clipNorm']);
}
function adamw(options?: AdamwOptions): Optimizer {
  return make('adamw', options, { learningRate: 0.001, weightDecay: 0.004 }, ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'clipNorm']);
}

function isOptimizer(v: unknown): v is Optimizer {
  return typeof v === 'object' && v !== null && 'spec' in v && 'kind' in v;
}

/**
 * An optimizer from a name ('sgd', 'RMSprop', 'adam', 'AdamW', …, with defaults) or an optimizer object.
 */
function get(value: unknown): Optimizer {
  if (isOptimizer(value)) return value;
  const kind = parseName(value, OPTIMIZER_NAMES, 'optimizer');
  return factories[kind]();
}

const factories = { sgd, rmsprop, adam, adamw } as const;

/** `optimizers.adam({ learningRate: 1e-3 })`, as in TensorFlow.js' `tf.train.*` and Keras' `keras.optimizers.*`. */
export const optimizers = { sgd, rmsprop, adam, adamw, get };
