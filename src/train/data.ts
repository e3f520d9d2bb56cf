/**
 * Turns what users pass to fit / evaluate / predict into row-major float32 matrices, and checks them:
 * shapes, finiteness, and label ranges for the loss.
 *
 * Accepted: a Tensor or `{ data, shape }` (rank ≥ 1; rows = shape[0], width = product of the rest),
 * number[][] (rows of equal length), or a flat Float32Array / typed array / number[] whose width is
 * the model's (input features for x, the target width for y), so rows = length / width.
 */
import type { LossName } from '../backend/types.js';
import { Tensor, describe } from '../tensor.js';
import { inSlices } from './slices.js';

export type InputData =
  | Tensor
  | { data: ArrayLike<number>; shape: readonly number[] }
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint8Array
  | ArrayLike<number>
  | number[][];

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

function isTypedArray(v: unknown): v is Float32Array | Float64Array | Int32Array | Uint8Array {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** The error for a NaN or ±Infinity at (row, column) of the data called `what`. */
export function nonFiniteError(what: string, row: number, column: number, value: number): RangeError {
  return new RangeError(`${what}: value at row ${row}, column ${column} is ${value}; inputs must be finite float32 numbers`);
}

/** Index of the first NaN or ±Infinity in data[from, to), or −1. A plain function, so that V8 optimizes
 * the loop as it would not inside an async function's body. */
function firstNonFinite(data: Float32Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/**
 * toMatrix's finiteness check for a matrix converted with `checkFinite: false`, in slices with the
 * event loop free between them; rows are numbered from `firstRow` in the message.
 */
export async function checkFiniteSliced(m: Matrix, what: string, firstRow = 0): Promise<void> {
  const { data, cols } = m;
  let bad = -1;
  await inSlices(data.length, 4096, (from, to) => (bad = firstNonFinite(data, from, to)) >= 0);
  if (bad >= 0) throw nonFiniteError(what, firstRow + Math.floor(bad / cols), bad % cols, data[bad]);
}

/**
 * Converts `value` to a matrix; `width` is the expected width when `value` carries no shape. With
 * `checkFinite` false the scan for NaN / ±Infinity is left to the caller (checkFiniteSliced, or a
 * network's setTrainingData), so that a large input does not hold the event loop in one piece.
 */
export function toMatrix(value: unknown, what: string, width: number, checkFinite = true): Matrix {
  let data: Float32Array;
  let rows: number;
  let cols: number;
  if (value instanceof Tensor || (typeof value === 'object' && value !== null && 'shape' in value && 'data' in value)) {
    const t = value as { data: ArrayLike<number>; shape: readonly number[] };
    if (!Array.isArray(t.shape) || t.shape.length === 0) {
      throw new TypeError(`${what}: expected a shape of rank ≥ 1 such as [rows, ${width}], got ${describe(t.shape)}`);
    }
    for (const d of t.shape) {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) throw new RangeError(`${what}: shape [${t.shape.join(', ')}] must hold non-negative integers`);
    }
    rows = t.shape[0];
    cols = t.shape.slice(1).reduce((a, b) => a * b, 1);
    if (!isTypedArray(t.data) && !Array.isArray(t.data)) throw new TypeError(`${what}: expected data to be a Float32Array or number[], got ${describe(t.data)}`);
    if (t.data.length !== rows * cols) throw new RangeError(`${what}: shape [${t.shape.join(', ')}] needs ${rows * cols} values, data has ${t.data.length}`);
    data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
  } else if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
    rows = value.length;
    cols = (value[0] as unknown[]).length;
    data = new Float32Array(rows * cols);
    value.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new RangeError(`${what}: every row must have ${cols} values like row 0; row ${r} is ${describe(row)}`);
      }
      for (let c = 0; c < cols; c++) {
        if (typeof row[c] !== 'number') throw new TypeError(`${what}: row ${r}, column ${c} is ${describe(row[c])}, expected a number`);
        data[r * cols + c] = row[c];
      }
    });
  } else if (isTypedArray(value) || Array.isArray(value)) {
    const flat = value as ArrayLike<number>;
    if (Array.isArray(flat)) {
      for (let i = 0; i < flat.length; i++) {
        if (typeof flat[i] !== 'number') throw new TypeError(`${what}: element ${i} is ${describe(flat[i])}, expected a number`);
      }
    }
    cols = width;
    if (flat.length % width !== 0) {
      throw new RangeError(`${what}: a flat array of ${flat.length} values does not split into rows of ${width}; pass { data, shape } or a Tensor to give its shape`);
    }
    rows = flat.length / width;
    data = flat instanceof Float32Array ? flat : Float32Array.from(flat);
  } else {
    throw new TypeError(`${what}: expected a Tensor, { data, shape }, number[][] or a Float32Array, got ${describe(value)}`);
  }
  if (rows === 0 || cols === 0) throw new RangeError(`${what}: the data is empty (${rows} rows of ${cols} values)`);
  if (checkFinite) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw nonFiniteError(what, Math.floor(i / cols), i % cols, data[i]);
    }
  }
  return { data, rows, cols };
}

/** Converts inputs and checks their width against the model's input features (and finiteness unless told not to). */
export function toInputs(value: unknown, what: string, inputs: number, checkFinite = true): Matrix {
  const m = toMatrix(value, what, inputs, checkFinite);
  if (m.cols !== inputs) throw new RangeError(`${what}: the model takes ${inputs} input features per row, got ${m.cols}`);
  return m;
}

/**
 * Converts targets for `loss` on a model with `units` outputs: one class id per row for
 * sparse_categorical_crossentropy, one-hot / probability rows for categorical_crossentropy, values in
 * [0, 1] for binary_crossentropy, any finite values for the regression losses.
 */
export function toTargets(value: unknown, what: string, loss: LossName, units: number, rows?: number): Matrix {
  const sparse = loss === 'sparse_categorical_crossentropy';
  // A flat array with one value per row of x holds class ids (or one target) per row, whatever the model's width.
  const flat = (ArrayBuffer.isView(value) || (Array.isArray(value) && !Array.isArray(value[0]))) && (value as ArrayLike<number>).length === rows;
  const m = toMatrix(value, what, sparse || flat ? 1 : units);
  const { data, cols } = m;
  if (sparse) {
    const rows = m.rows;
    if (cols !== 1) {
      throw new RangeError(
        `${what}: sparse_categorical_crossentropy takes one integer class id per row, got rows of ${cols} values` +
          (cols === units ? "; for one-hot labels use loss 'categorical_crossentropy'" : ''),
      );
    }
    for (let r = 0; r < rows; r++) {
      if (!Number.isInteger(data[r]) || data[r] < 0 || data[r] >= units) {
        throw new RangeError(`${what}: label at row ${r} is ${data[r]}, expected an integer class id in [0, ${units - 1}]`);
      }
    }
    return m;
  }
  if (cols !== units) {
    throw new RangeError(
      `${what}: the model has ${units} output units, so targets need ${units} values per row, got ${cols}` +
        (cols === 1 && loss === 'categorical_crossentropy' ? "; for integer class ids use loss 'sparse_categorical_crossentropy'" : ''),
    );
  }
  if (loss === 'binary_crossentropy' || loss === 'categorical_crossentropy') {
    for (let i = 0; i < data.length; i++) {
      if (data[i] < 0 || data[i] > 1) {
        throw new RangeError(`${what}: ${loss} targets must lie in [0, 1]; row ${Math.floor(i / cols)}, column ${i % cols} is ${data[i]}`);
      }
    }
  }
  if (loss === 'categorical_crossentropy') {
    const rows = m.rows;
    // The fused softmax gradient p − y is the true gradient only for rows that sum to 1.
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += data[r * cols + c];
      if (Math.abs(s - 1) > 1e-3) {
        throw new RangeError(`${what}: categorical_crossentropy targets must be one-hot or probability rows summing to 1; row ${r} sums to ${s}`);
      }
    }
  }
  return m;
}

/** Rows [from, to) of a matrix, sharing memory. */
export function sliceRows(m: Matrix, from: number, to: number): Matrix {
  return { data: m.data.subarray(from * m.cols, to * m.cols), rows: to - from, cols: m.cols };
}
