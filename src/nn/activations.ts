import type { ActivationName } from '../backend/types.js';
import { parseName } from './names.js';

/** Activations a Dense layer supports; formulas in docs/SEMANTICS.md. */
export const ACTIVATION_NAMES: readonly ActivationName[] = ['linear', 'relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'tanh', 'sigmoid', 'softmax'];

/** Keras defaults for the activations that take an alpha. */
export const DEFAULT_ALPHA: Partial<Record<ActivationName, number>> = { leaky_relu: 0.2, elu: 1 };

/** Parses an activation name; undefined and null mean 'linear' (Keras' `activation=None`). */
export function parseActivation(value: unknown, what = 'activation'): ActivationName {
  if (value === undefined || value === null) return 'linear';
  return parseName(value, ACTIVATION_NAMES, what);
}
