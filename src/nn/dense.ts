import type { ActivationName } from '../backend/types.js';
import { describe } from '../tensor.js';
import { getInitializer } from '../init/index.js';
import type { Initializer, InitializerConfig } from '../init/types.js';
import { DEFAULT_ALPHA, parseActivation } from './activations.js';
import { checkKeys } from './names.js';
import { isLsuvIdentifier, lsuvFromIdentifier } from '../diagnostics/lsuv.js';

/** An initializer by name ('he_normal', 'heNormal', 'HeNormal'), by config, or as an object. */
export type InitializerLike = string | InitializerConfig | Initializer;

export interface DenseConfig {
  /** Output units. */
  units: number;
  /** Default 'linear'. */
  activation?: ActivationName | string;
  /** Slope of leaky_relu for z < 0 (default 0.2) or α of elu (default 1). */
  alpha?: number;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorot_uniform' (Keras). */
  kernelInitializer?: InitializerLike;
  /** Default 'zeros'. */
  biasInitializer?: InitializerLike;
  /** Input features, first layer only: [features]. */
  inputShape?: readonly number[];
  /** Same as inputShape: [inputDim]. */
  inputDim?: number;
  name?: string;
}

const KEYS = ['units', 'activation', 'alpha', 'useBias', 'kernelInitializer', 'biasInitializer', 'inputShape', 'inputDim', 'name'] as const;

function resolveInitializer(value: InitializerLike, what: string): Initializer {
  if (typeof value === 'object' && value !== null && typeof (value as Initializer).fill === 'function') return value as Initializer;
  // 'lsuv' needs data, so it is resolved at the model's first fit (diagnostics/lsuv.ts).
  if (isLsuvIdentifier(value)) return lsuvFromIdentifier(value);
  return getInitializer(value as string | InitializerConfig);
}

/** A fully connected layer: Z = X·W + b, A = activation(Z), with W of shape [inputs, units] (Keras layout). */
export class Dense {
  readonly units: number;
  readonly activation: ActivationName;
  readonly alpha: number;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  /** Input features when the config gave them (inputShape / inputDim). */
  readonly inputDim: number | undefined;
  /** Set by the model when it is not given (dense, dense_1, …). */
  name: string | undefined;

  constructor(config: DenseConfig) {
    const what = 'Dense';
    if (typeof config !== 'object' || config === null) throw new TypeError(`${what}: expected a config object such as { units: 64 }, got ${describe(config)}`);
    checkKeys(config, KEYS, what);
    const { units, activation, alpha, useBias = true, kernelInitializer = 'glorot_uniform', biasInitializer = 'zeros', inputShape, inputDim, name } = config;
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) throw new RangeError(`${what}: units must be an integer ≥ 1, got ${describe(units)}`);
    this.units = units;
    this.activation = parseActivation(activation, `${what}: activation`);
    const a = alpha ?? DEFAULT_ALPHA[this.activation] ?? 0;
    if (typeof a !== 'number' || !Number.isFinite(a)) throw new RangeError(`${what}: alpha must be a finite number, got ${describe(alpha)}`);
    this.alpha = a;
    if (typeof useBias !== 'boolean') throw new TypeError(`${what}: useBias must be a boolean, got ${describe(useBias)}`);
    this.useBias = useBias;
    this.kernelInitializer = resolveInitializer(kernelInitializer, `${what}: kernelInitializer`);
    this.biasInitializer = resolveInitializer(biasInitializer, `${what}: biasInitializer`);
    let dim: number | undefined;
    if (inputShape !== undefined) {
      if (!Array.isArray(inputShape) || inputShape.length !== 1) {
        throw new RangeError(`${what}: inputShape must be [features] (Dense takes flat rows), got ${describe(inputShape)}`);
      }
      dim = inputShape[0];
    }
    if (inputDim !== undefined) {
      if (dim !== undefined && dim !== inputDim) throw new RangeError(`${what}: inputShape [${dim}] and inputDim ${inputDim} disagree`);
      dim = inputDim;
    }
    if (dim !== undefined && (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1)) {
      throw new RangeError(`${what}: the input feature count must be an integer ≥ 1, got ${describe(dim)}`);
    }
    this.inputDim = dim;
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw new TypeError(`${what}: name must be a non-empty string, got ${describe(name)}`);
    this.name = name;
  }

  /** Weights of this layer for `inputs` input features: inputs·units + units (with bias). */
  countParams(inputs: number): number {
    return inputs * this.units + (this.useBias ? this.units : 0);
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      units: this.units,
      activation: this.activation,
      ...(this.activation === 'leaky_relu' || this.activation === 'elu' ? { alpha: this.alpha } : {}),
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.getConfig(),
      biasInitializer: this.biasInitializer.getConfig(),
      ...(this.inputDim !== undefined ? { inputShape: [this.inputDim] } : {}),
    };
  }
}
