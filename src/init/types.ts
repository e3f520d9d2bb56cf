import type { Tensor } from '../tensor.js';

/** Serialized form of an initializer, as Keras writes it: round-trips through getInitializer(). */
export interface InitializerConfig {
  className: string;
  config: Record<string, unknown>;
}

/** Where a layer's weights come from when the initializer has no seed of its own. */
export interface FillContext {
  /** Seed to use when the initializer was created without one (a model passes its own seed). */
  seed?: bigint;
  /** Philox stream (a model gives each layer's kernel and bias a stream of their own). Default 0. */
  stream?: number;
}

export interface Initializer {
  /** Keras class name, e.g. 'HeNormal'. */
  readonly className: string;
  /** A new tensor of this shape. Seeded initializers return the same values on every call. */
  sample(shape: readonly number[], ctx?: FillContext): Tensor;
  /** Fills `out` (length = product of shape) in place, without allocating. */
  fill(out: Float32Array, shape: readonly number[], ctx?: FillContext): void;
  getConfig(): InitializerConfig;
}
