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
 * How `value` becomes a matrix: its shape, checked, and either its own Float32Array (`direct`, no
 * copy) or `copy(data, fromRow, toRow)`, which converts and checks rows [fromRow, toRow) into `data`.
 */
interface Plan {
  rows: number;
  cols: number;
  direct?: Float32Array;
  copy?: (data: Float32Array, fromRow: number, toRow: number) => void;
}

/** A copy of row-major `src` (any array-like of numbers) into float32, rows at a time. */
function copyFlat(src: ArrayLike<number>, cols: number): Plan['copy'] {
  if (isTypedArray(src)) return (data, from, to) => data.set(src.subarray(from * cols, to * cols), from * cols);
  return (data, from, to) => {
    for (let i = from * cols; i < to * cols; i++) data[i] = src[i];
  };
}

function plan(value: unknown, what: string, width: number): Plan {
  if (value instanceof Tensor || (typeof value === 'object' && value !== null && 'shape' in value && 'data' in value)) {
    const t = value as { data: ArrayLike<number>; shape: readonly number[] };
    if (!Array.isArray(t.shape) || t.shape.length === 0) {
      throw new TypeError(`${what}: expected a shape of rank ≥ 1 such as [rows, ${width}], got ${describe(t.shape)}`);
    }
    for (const d of t.shape) {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) throw new RangeError(`${what}: shape [${t.shape.join(', ')}] must hold non-negative integers`);
    }
    const rows = t.shape[0];
    const cols = t.shape.slice(1).reduce((a, b) => a * b, 1);
    if (!isTypedArray(t.data) && !Array.isArray(t.data)) throw new TypeError(`${what}: expected data to be a Float32Array or number[], got ${describe(t.data)}`);
    if (t.data.length !== rows * cols) throw new RangeError(`${what}: shape [${t.shape.join(', ')}] needs ${rows * cols} values, data has ${t.data.length}`);
    return t.data instanceof Float32Array ? { rows, cols, direct: t.data } : { rows, cols, copy: copyFlat(t.data, cols) };
  }
  if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
    const rows = value.length;
    const cols = (value[0] as unknown[]).length;
    const copy = (data: Float32Array, from: number, to: number) => {
      for (let r = from; r < to; r++) {
        const row = value[r];
        if (!Array.isArray(row) || row.length !== cols) {
          throw new RangeError(`${what}: every row must have ${cols} values like row 0; row ${r} is ${describe(row)}`);
        }
        for (let c = 0; c < cols; c++) {
          if (typeof row[c] !== 'number') throw new TypeError(`${what}: row ${r}, column ${c} is ${describe(row[c])}, expected a number`);
          data[r * cols + c] = row[c];
        }
      }
    };
    return { rows, cols, copy };
  }
  if (isTypedArray(value) || Array.isArray(value)) {
    const flat = value as ArrayLike<number>;
    if (flat.length % width !== 0) {
      throw new RangeError(`${what}: a flat array of ${flat.length} values does not split into rows of ${width}; pass { data, shape } or a Tensor to give its shape`);
    }
    const rows = flat.length / width;
    if (flat instanceof Float32Array) return { rows, cols: width, direct: flat };
    if (!Array.isArray(flat)) return { rows, cols: width, copy: copyFlat(flat, width) };
    const copy = (data: Float32Array, from: number, to: number) => {
      for (let i = from * width; i < to * width; i++) {
        if (typeof flat[i] !== 'number') throw new TypeError(`${what}: element ${i} is ${describe(flat[i])}, expected a number`);
        data[i] = flat[i];
      }
    };
    return { rows, cols: width, copy };
  }
  throw new TypeError(`${what}: expected a Tensor, { data, shape }, number[][] or a Float32Array, got ${describe(value)}`);
}

function checkNotEmpty(p: Plan, what: string): void {
  if (p.rows === 0 || p.cols === 0) throw new RangeError(`${what}: the data is empty (${p.rows} rows of ${p.cols} values)`);
}

/**
 * Converts `value` to a matrix; `width` is the expected width when `value` carries no shape. With
 * `checkFinite` false the scan for NaN / ±Infinity is left to the caller (checkFiniteSliced, or a
 * network's setTrainingData), so that a large input does not hold the event loop in one piece.
 */
export function toMatrix(value: unknown, what: string, width: number, checkFinite = true): Matrix {
  const p = plan(value, what, width);
  checkNotEmpty(p, what);
  const { rows, cols } = p;
  let data = p.direct;
  if (!data) {
    data = new Float32Array(rows * cols);
    p.copy!(data, 0, rows);
  }
  if (checkFinite) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw nonFiniteError(what, Math.floor(i / cols), i % cols, data[i]);
    }
  }
  return { data, rows, cols };
}

/**
 * toMatrix (without the finiteness scan) for the async entry points: a value that needs converting
 * (number[][], number[], typed arrays other than Float32Array) is copied in time-bounded slices with
 * the event loop free between them. Same checks, same errors, same result.
 */
export async function toMatrixSliced(value: unknown, what: string, width: number): Promise<Matrix> {
  const p = plan(value, what, width);
  checkNotEmpty(p, what);
  const { rows, cols } = p;
  if (p.direct) return { data: p.direct, rows, cols };
  const data = new Float32Array(rows * cols);
  await inSlices(rows, Math.max(1, Math.floor(16384 / cols)), (from, to) => p.copy!(data, from, to));
  return { data, rows, cols };
}

/** Converts inputs and checks their width against the model's input features (and finiteness unless told not to). */
export function toInputs(value: unknown, what: string, inputs: number, checkFinite = true): Matrix {
  return checkInputs(toMatrix(value, what, inputs, checkFinite), what, inputs);
}

/** toInputs for the async entry points (toMatrixSliced: no finiteness scan, conversion in slices). */
export async function toInputsSliced(value: unknown, what: string, inputs: number): Promise<Matrix> {
  return checkInputs(await toMatrixSliced(value, what, inputs), what, inputs);
}

function checkInputs(m: Matrix, what: string, inputs: number): Matrix {
  if (m.cols !== inputs) throw new RangeError(`${what}: the model takes ${inputs} input features per row, got ${m.cols}`);
  return m;
}

/**
 * Converts targets for `loss` on a model with `units` outputs: one class id per row for
 * sparse_categorical_crossentropy, one-hot / probability rows for categorical_crossentropy, values in
 * [0, 1] for binary_crossentropy, any finite values for the regression losses.
 */
export function toTargets(value: unknown, what: string, loss: LossName, units: number, rows?: number): Matrix {
  return checkTargets(toMatrix(value, what, targetWidth(value, loss, units, rows)), what, loss, units);
}

/** toTargets for the async entry points: the conversion runs in slices (toMatrixSliced). */
export async function toTargetsSliced(value: unknown, what: string, loss: LossName, units: number, rows?: number): Promise<Matrix> {
  return checkTargets(await toMatrixSliced(value, what, targetWidth(value, loss, units, rows)), what, loss, units);
}

/** Row width of targets that carry no shape: 1 for class ids, and for a flat array with one value per row of x. */
function targetWidth(value: unknown, loss: LossName, units: number, rows?: number): number {
  const flat = (ArrayBuffer.isView(value) || (Array.isArray(value) && !Array.isArray(value[0]))) && (value as ArrayLike<number>).length === rows;
  return loss === 'sparse_categorical_crossentropy' || flat ? 1 : units;
}

function checkTargets(m: Matrix, what: string, loss: LossName, units: number): Matrix {
  const sparse = loss === 'sparse_categorical_crossentropy';
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
