/**
 * Validation of a NetworkSpec and an OptimizerSpec, shared by both backends so that they accept and
 * refuse exactly the same specs with the same messages. Imports only the interface and `describe`.
 */
import type { ActivationName, LossName, NetworkSpec, OptimizerSpec } from './types.js';
import { describe } from '../tensor.js';

export const ACTIVATIONS: readonly ActivationName[] = ['linear', 'relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'tanh', 'sigmoid', 'softmax'];
export const LOSSES: readonly LossName[] = [
  'mean_squared_error', 'mean_absolute_error', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy',
];
const OPTIMIZERS: readonly OptimizerSpec['kind'][] = ['sgd', 'rmsprop', 'adam', 'adamw'];
const HYPER = ['learningRate', 'momentum', 'rho', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'clipNorm'] as const;

/**
 * Values (x and y together) a network copies per slice of setTrainingData: about 1 MB, a fraction of a
 * millisecond, so that handing over a large training set never holds the event loop for long.
 */
export const TRAINING_SLICE_VALUES = 1 << 18;

/** The error of trainRows without a ready training set (both backends). */
export const NO_TRAINING_SET = 'Network.trainRows: no training set is ready; call setTrainingData and await it first';

/** Lets timers and I/O run between the slices of setTrainingData. */
export const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

export function checkInt(v: unknown, what: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new RangeError(`${what}: expected an integer ≥ ${min}, got ${describe(v)}`);
  }
  return v;
}

export function validateOptimizer(o: OptimizerSpec, what: string): void {
  if (!o || typeof o !== 'object' || !OPTIMIZERS.includes(o.kind)) {
    throw new TypeError(`${what}: optimizer.kind must be one of ${OPTIMIZERS.join(', ')}; got ${describe(o?.kind)}`);
  }
  for (const k of HYPER) {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || o[k] < 0) {
      throw new RangeError(`${what}: optimizer.${k} must be a finite number ≥ 0, got ${describe(o[k])}`);
    }
  }
  if (typeof o.nesterov !== 'boolean') throw new TypeError(`${what}: optimizer.nesterov must be a boolean, got ${describe(o.nesterov)}`);
}

/** Checks a network spec; the error says which field is wrong. */
export function validateSpec(spec: NetworkSpec, what = 'createNetwork'): void {
  if (!spec || typeof spec !== 'object' || !Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw new TypeError(`${what}: expected spec.layers to be a non-empty array, got ${describe(spec?.layers)}`);
  }
  spec.layers.forEach((l, i) => {
    if (!l || typeof l !== 'object') throw new TypeError(`${what}: layers[${i}] must be an object, got ${describe(l)}`);
    checkInt(l.inputs, `${what}: layers[${i}].inputs`, 1);
    checkInt(l.units, `${what}: layers[${i}].units`, 1);
    if (i > 0 && l.inputs !== spec.layers[i - 1].units) {
      throw new RangeError(`${what}: layers[${i}].inputs is ${l.inputs} but layer ${i - 1} has ${spec.layers[i - 1].units} units`);
    }
    if (!ACTIVATIONS.includes(l.activation)) {
      throw new TypeError(`${what}: layers[${i}].activation must be one of ${ACTIVATIONS.join(', ')}; got ${describe(l.activation)}`);
    }
    if (typeof l.alpha !== 'number' || !Number.isFinite(l.alpha)) {
      throw new TypeError(`${what}: layers[${i}].alpha must be a finite number, got ${describe(l.alpha)}`);
    }
    if (typeof l.useBias !== 'boolean') throw new TypeError(`${what}: layers[${i}].useBias must be a boolean, got ${describe(l.useBias)}`);
  });
  if (!LOSSES.includes(spec.loss)) throw new TypeError(`${what}: loss must be one of ${LOSSES.join(', ')}; got ${describe(spec.loss)}`);
  validateOptimizer(spec.optimizer, what);
}

/** Element count of each parameter, in getParams order: per layer the kernel, then the bias if useBias. */
export function paramSizes(spec: NetworkSpec): number[] {
  return spec.layers.flatMap((l) => (l.useBias ? [l.inputs * l.units, l.units] : [l.inputs * l.units]));
}
