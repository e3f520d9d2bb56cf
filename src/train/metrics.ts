/**
 * Metrics, computed from a network's outputs and the targets (Keras definitions):
 * - binary_accuracy: share of outputs with (p > 0.5) equal to the target (targets are 0/1);
 * - categorical_accuracy: share of rows whose argmax of p equals the argmax of the one-hot target;
 * - sparse_categorical_accuracy: share of rows whose argmax of p equals the class id;
 * - mse / mae: mean of (p − y)² / |p − y| over all outputs.
 * 'accuracy' (or 'acc') resolves as tf.keras does: binary for binary_crossentropy or a single output unit,
 * sparse categorical for sparse_categorical_crossentropy, categorical otherwise; its history key stays
 * 'accuracy'. Ties in argmax go to the first index.
 */
import type { LossName } from '../backend/types.js';
import { describe } from '../tensor.js';
import { parseName } from '../nn/names.js';

export const METRIC_NAMES = ['accuracy', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy', 'mse', 'mae'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface Metric {
  /** Key in logs and history (validation adds the prefix 'val_'). */
  readonly name: string;
  /**
   * The metric's numerator over `rows` outputs of width `units` against targets (width 1 for class
   * ids): hits for the accuracies, the sum of (p − y)² or |p − y| for mse / mae. Sums of chunks add up,
   * so evaluate can compute a metric chunk by chunk.
   */
  sum(outputs: Float32Array, y: Float32Array, rows: number, units: number): number;
  /** Values per row the metric averages over: 1 (a row's argmax) or `units` (every output). */
  perRow(units: number): number;
}

function argmax(a: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (a[offset + j] > a[offset + best]) best = j;
  return best;
}

const sums: Record<Exclude<MetricName, 'accuracy'>, Metric['sum']> = {
  binary_accuracy(p, y, rows, units) {
    let hits = 0;
    for (let i = 0; i < rows * units; i++) if ((p[i] > 0.5 ? 1 : 0) === y[i]) hits++;
    return hits;
  },
  categorical_accuracy(p, y, rows, units) {
    let hits = 0;
    for (let r = 0; r < rows; r++) if (argmax(p, r * units, units) === argmax(y, r * units, units)) hits++;
    return hits;
  },
  sparse_categorical_accuracy(p, y, rows, units) {
    let hits = 0;
    for (let r = 0; r < rows; r++) if (argmax(p, r * units, units) === y[r]) hits++;
    return hits;
  },
  mse(p, y, rows, units) {
    let s = 0;
    for (let i = 0; i < rows * units; i++) s += (p[i] - y[i]) ** 2;
    return s;
  },
  mae(p, y, rows, units) {
    let s = 0;
    for (let i = 0; i < rows * units; i++) s += Math.abs(p[i] - y[i]);
    return s;
  },
};

const PER_ROW: Record<Exclude<MetricName, 'accuracy'>, Metric['perRow']> = {
  binary_accuracy: (units) => units,
  categorical_accuracy: () => 1,
  sparse_categorical_accuracy: () => 1,
  mse: (units) => units,
  mae: (units) => units,
};

/** Resolves metric names for a model with this loss and output width. */
export function resolveMetrics(list: unknown, loss: LossName, units: number): Metric[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new TypeError(`compile: metrics must be an array of names, got ${describe(list)}`);
  const out: Metric[] = [];
  for (const item of list) {
    const name = parseName(item, METRIC_NAMES, 'compile: metric', {
      acc: 'accuracy',
      meansquarederror: 'mse',
      meanabsoluteerror: 'mae',
    });
    let kind: Exclude<MetricName, 'accuracy'>;
    if (name === 'accuracy') {
      kind = loss === 'binary_crossentropy' || units === 1 ? 'binary_accuracy'
        : loss === 'sparse_categorical_crossentropy' ? 'sparse_categorical_accuracy' : 'categorical_accuracy';
    } else {
      kind = name;
    }
    const sparse = loss === 'sparse_categorical_crossentropy';
    if (sparse && kind !== 'sparse_categorical_accuracy') {
      throw new TypeError(`compile: metric '${name}' does not fit loss '${loss}': class-id targets need 'accuracy' or 'sparse_categorical_accuracy'`);
    }
    if (!sparse && kind === 'sparse_categorical_accuracy') {
      throw new TypeError(`compile: metric '${name}' needs loss 'sparse_categorical_crossentropy' (one class id per row), not '${loss}'`);
    }
    if (out.some((m) => m.name === name)) continue;
    out.push({ name, sum: sums[kind], perRow: PER_ROW[kind] });
  }
  return out;
}
