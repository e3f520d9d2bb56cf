/** Shared pieces of the data module: argument checks, file bytes (gzip-aware), one-hot, scaling, splits. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Tensor, describe } from '../tensor.js';
import type { Dataset } from './types.js';
import { DataStream } from './random.js';

/** A seed given as a non-negative safe integer or an unsigned 64-bit bigint. */
export function toSeed(value: unknown, where: string): bigint {
  if (typeof value === 'bigint' && value >= 0n && value < 2n ** 64n) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new TypeError(`${where}: expected seed to be a non-negative integer (number or bigint < 2^64), got ${describe(value)}`);
}

/** An integer option within [min, max]. */
export function intOption(value: unknown, name: string, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${where}: expected ${name} to be an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`${where}: expected ${name} in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** A finite number option within [min, max]. */
export function numOption(value: unknown, name: string, where: string, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${where}: expected ${name} to be a finite number, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`${where}: expected ${name} in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/**
 * The bytes of a file, or the bytes given. A gzip stream (magic 1f 8b) is inflated, so `.gz`
 * copies of MNIST files and CSVs load as they are.
 */
export function readBytes(source: string | Uint8Array, where: string): { bytes: Uint8Array; name: string } {
  let bytes: Uint8Array;
  let name: string;
  if (typeof source === 'string') {
    try {
      bytes = readFileSync(source);
    } catch (err) {
      throw new Error(`${where}: cannot read ${source}: ${(err as Error).message}`);
    }
    name = source;
  } else if (source instanceof Uint8Array) {
    bytes = source;
    name = '<bytes>';
  } else {
    throw new TypeError(`${where}: expected a file path or a Uint8Array, got ${describe(source)}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new Error(`${where}: ${name} looks gzip-compressed but does not inflate (truncated or corrupt): ${(err as Error).message}`);
    }
  }
  return { bytes, name };
}

/** One-hot rows [labels.length, numClasses] from class ids. */
export function oneHot(labels: ArrayLike<number>, numClasses: number): Tensor {
  intOption(numClasses, 'numClasses', 'oneHot', 1);
  const rows = labels.length;
  const out = new Float32Array(rows * numClasses);
  for (let r = 0; r < rows; r++) {
    const c = labels[r];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new RangeError(`oneHot: expected labels in [0, ${numClasses - 1}], got ${c} at row ${r}`);
    }
    out[r * numClasses + c] = 1;
  }
  return new Tensor(out, [rows, numClasses]);
}

/**
 * Per-feature standardization z = (x − mean) / std with population statistics of `x` itself.
 * Constant features (std 0) are centred and left unscaled, so no NaN appears.
 */
export function standardize(x: Tensor): { x: Tensor; mean: Float64Array; std: Float64Array } {
  if (!(x instanceof Tensor) || x.rank !== 2) {
    throw new TypeError(`standardize: expected a rank-2 Tensor [rows, features], got ${x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : describe(x)}`);
  }
  const [rows, cols] = x.shape;
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += x.data[r * cols + c];
  for (let c = 0; c < cols; c++) mean[c] /= Math.max(rows, 1);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const d = x.data[r * cols + c] - mean[c];
      std[c] += d * d;
    }
  }
  for (let c = 0; c < cols; c++) std[c] = Math.sqrt(std[c] / Math.max(rows, 1));
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = std[c] > 0 ? std[c] : 1;
      out[r * cols + c] = (x.data[r * cols + c] - mean[c]) / s;
    }
  }
  return { x: new Tensor(out, [rows, cols]), mean, std };
}

/** The rows `indices` of a dataset, in that order. */
export function takeRows(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const [rows, cols] = ds.x.shape;
  const n = indices.length;
  const x = new Float32Array(n * cols);
  const labels = ds.labels ? new Int32Array(n) : null;
  const tw = ds.targets ? ds.targets.shape[1] : 0;
  const targets = ds.targets ? new Float32Array(n * tw) : null;
  for (let i = 0; i < n; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows) throw new RangeError(`takeRows: row index ${r} outside [0, ${rows - 1}]`);
    x.set(ds.x.data.subarray(r * cols, (r + 1) * cols), i * cols);
    if (labels && ds.labels) labels[i] = ds.labels[r];
    if (targets && ds.targets) targets.set(ds.targets.data.subarray(r * tw, (r + 1) * tw), i * tw);
  }
  return {
    name,
    x: new Tensor(x, [n, cols]),
    labels,
    numClasses: ds.numClasses,
    targets: targets ? new Tensor(targets, [n, tw]) : null,
    ...(ds.classNames ? { classNames: ds.classNames } : {}),
  };
}

/** A seeded random split: `testFraction` of the rows go to `test`, the rest to `train`. */
export function trainTestSplit(ds: Dataset, testFraction: number, seed: number | bigint = 0): { train: Dataset; test: Dataset } {
  numOption(testFraction, 'testFraction', 'trainTestSplit', 0, 1);
  const rows = ds.x.shape[0];
  const perm = new DataStream(toSeed(seed, 'trainTestSplit'), 0x5eed).permutation(rows);
  const nTest = Math.round(rows * testFraction);
  return {
    train: takeRows(ds, perm.subarray(nTest), `${ds.name} (train)`),
    test: takeRows(ds, perm.subarray(0, nTest), `${ds.name} (test)`),
  };
}
