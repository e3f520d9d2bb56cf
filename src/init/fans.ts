/** Fans and gains: the two numbers every variance-preserving scheme is built from. */
import { checkShape } from './validate.js';

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * Keras' compute_fans, for weights in Keras layout (…receptive field, inputs, outputs):
 * rank 0 → (1, 1); rank 1 → (n, n); rank 2 [fanIn, fanOut]; rank ≥ 3 (conv kernels
 * [k₁, …, inputs, outputs]) → receptive field rf = ∏shape[:-2], fanIn = shape[-2]·rf, fanOut = shape[-1]·rf.
 */
export function computeFans(shape: readonly number[]): Fans {
  checkShape(shape, 'computeFans');
  const rank = shape.length;
  if (rank === 0) return { fanIn: 1, fanOut: 1 };
  if (rank === 1) return { fanIn: shape[0], fanOut: shape[0] };
  let receptiveField = 1;
  for (let i = 0; i < rank - 2; i++) receptiveField *= shape[i];
  return { fanIn: shape[rank - 2] * receptiveField, fanOut: shape[rank - 1] * receptiveField };
}
