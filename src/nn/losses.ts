import type { LossName } from '../backend/types.js';
import { parseName } from './names.js';

/** Losses the trainer supports; formulas in docs/SEMANTICS.md. */
export const LOSS_NAMES: readonly LossName[] = [
  'mean_squared_error',
  'mean_absolute_error',
  'binary_crossentropy',
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
];

export function parseLoss(value: unknown, what = 'loss'): LossName {
  return parseName(value, LOSS_NAMES, what, { mse: 'mean_squared_error', mae: 'mean_absolute_error' });
}
