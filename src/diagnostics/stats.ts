/**
 * Network-level diagnostics: the per-layer statistics of one forward + backward pass, as the Backend's
 * Network computes them (natively, or by the reference twin; docs/SEMANTICS.md "Layer statistics").
 */
import type { Network, NetworkSpec } from '../backend/types.js';
import { describe } from '../tensor.js';
import type { LayerDiagnostics } from './types.js';

/** Per-layer statistics on a batch (x: rows × inputs, y: rows × targetWidth or class ids). */
export function diagnoseNetwork(network: Network, x: Float32Array, y: Float32Array, rows: number, names?: readonly string[]): LayerDiagnostics[] {
  const stats = network.layerStats(x, y, rows);
  const layers = network.spec.layers;
  if (stats.length !== layers.length) {
    throw new Error(`diagnose: the network returned statistics for ${stats.length} layers, it has ${layers.length}`);
  }
  return stats.map((s, i) => ({
    layer: names?.[i] ?? `dense_${i}`,
    index: i,
    units: layers[i].units,
    activation: layers[i].activation,
    ...s,
  }));
}

/**
 * Targets that are valid for the network's loss but carry no information: class 0 for every row
 * (one-hot or sparse), zeros for regression. LSUV needs only the forward pass; the backward pass that
 * layerStats also runs needs some labels.
 */
export function placeholderTargets(spec: NetworkSpec, rows: number): Float32Array {
  const units = spec.layers[spec.layers.length - 1].units;
  switch (spec.loss) {
    case 'sparse_categorical_crossentropy':
      return new Float32Array(rows);
    case 'categorical_crossentropy': {
      const y = new Float32Array(rows * units);
      for (let r = 0; r < rows; r++) y[r * units] = 1;
      return y;
    }
    default:
      return new Float32Array(rows * units);
  }
}

/** Checks a row-major batch: a Float32Array whose length is rows × width, finite values. */
export function checkBatch(x: unknown, width: number, what: string): { data: Float32Array; rows: number } {
  if (!(x instanceof Float32Array)) throw new TypeError(`${what}: expected a Float32Array, got ${describe(x)}`);
  if (x.length === 0 || x.length % width !== 0) {
    throw new RangeError(`${what}: expected rows × ${width} values (at least one row), got ${x.length}`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`${what}: value ${x[i]} at index ${i} is not finite`);
  }
  return { data: x, rows: x.length / width };
}
