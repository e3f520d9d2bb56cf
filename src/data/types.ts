import type { Tensor } from '../tensor.js';

/**
 * A labelled table of samples: what the built-in datasets and the CSV / IDX loaders return.
 * Rows are samples. Classification sets carry one class id per row in `labels`; regression sets
 * (a teacher network in regression mode, a CSV with a real-valued target) carry `targets`.
 */
export interface Dataset {
  /** Where it came from: 'digits', 'spirals', a file name, … */
  readonly name: string;
  /** Inputs, shape [rows, features]. */
  readonly x: Tensor;
  /** Class id (0 … numClasses − 1) per row, or null when the set has no class labels. */
  readonly labels: Int32Array | null;
  /** Number of classes (max label + 1, or the number of distinct label strings); 0 without labels. */
  readonly numClasses: number;
  /** Real-valued targets, shape [rows, outputs], or null. Classification sets leave it null. */
  readonly targets: Tensor | null;
  /** Label strings when a CSV label column held names rather than numbers (index = class id). */
  readonly classNames?: readonly string[];
}
