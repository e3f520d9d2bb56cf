/**
 * Argument checks shared by the backends' random fills, so both reject the same inputs with the
 * same messages (TypeError for a wrong type, RangeError for a value out of range).
 */
import type { Backend } from '../backend/types.js';
import { describe, MAX_TENSOR_SIZE } from '../tensor.js';
import { TRUNCATION_LIMIT } from './fills.js';

const TWO_POW_64 = 1n << 64n;
const F32_MAX = 3.4028234663852886e38;

export function checkSeed(seed: unknown, where: string): asserts seed is bigint {
  if (typeof seed !== 'bigint') throw new TypeError(`${where}: expected seed to be a bigint in [0, 2^64), got ${describe(seed)}`);
  if (seed < 0n || seed >= TWO_POW_64) throw new RangeError(`${where}: expected seed in [0, 2^64), got ${seed}`);
}

export function checkStream(stream: unknown, where: string): asserts stream is number {
  if (typeof stream !== 'number') throw new TypeError(`${where}: expected stream to be an integer in [0, 2^32), got ${describe(stream)}`);
  if (!Number.isInteger(stream) || stream < 0 || stream > 0xffffffff) {
    throw new RangeError(`${where}: expected stream to be an integer in [0, 2^32), got ${stream}`);
  }
}

/**
 * A stream position: a number (safe integer, offset + length ≤ 2⁵³ − 1) or a bigint for the rest
 * of the stream (offset + length ≤ 2⁶⁴, the element index space of docs/SEMANTICS.md).
 */
export function checkOffset(offset: unknown, length: number, where: string): asserts offset is number | bigint {
  if (typeof offset === 'bigint') {
    if (offset < 0n) throw new RangeError(`${where}: expected offset ≥ 0, got ${offset}n`);
    if (offset + BigInt(length) > TWO_POW_64) {
      throw new RangeError(`${where}: offset ${offset} + length ${length} exceeds 2^64 elements of the stream`);
    }
    return;
  }
  if (typeof offset !== 'number') throw new TypeError(`${where}: expected offset to be a non-negative integer or a bigint, got ${describe(offset)}`);
  if (!Number.isInteger(offset) || offset < 0 || offset + length > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`${where}: expected offset to be an integer with 0 ≤ offset and offset + length ≤ 2^53 − 1 (a bigint reaches further), got ${offset}`);
  }
}

export function checkOut<T extends Float32Array | Uint32Array>(out: unknown, ctor: { new (n: number): T; name: string }, where: string): asserts out is T {
  if (!(out instanceof ctor)) throw new TypeError(`${where}: expected out to be a ${ctor.name}, got ${describe(out)}`);
}

/** A finite number whose float32 rounding is finite too (the kernels compute in f32). */
export function checkFiniteF32(value: unknown, name: string, where: string): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${where}: expected ${name} to be a finite number, got ${describe(value)}`);
  if (!Number.isFinite(Math.fround(value))) throw new RangeError(`${where}: expected ${name} to be finite in float32, got ${value}`);
}

export function checkUniformArgs(lo: unknown, hi: unknown, where: string): void {
  checkFiniteF32(lo, 'lo', where);
  checkFiniteF32(hi, 'hi', where);
  if (lo > hi) throw new RangeError(`${where}: expected lo ≤ hi, got lo = ${lo}, hi = ${hi}`);
  if (!Number.isFinite(Math.fround(Math.fround(hi) - Math.fround(lo)))) {
    throw new RangeError(`${where}: hi − lo = ${hi - lo} overflows float32`);
  }
}

export function checkNormalArgs(mean: unknown, std: unknown, where: string): void {
  checkFiniteF32(mean, 'mean', where);
  checkFiniteF32(std, 'std', where);
  if (std < 0) throw new RangeError(`${where}: expected std ≥ 0, got ${std}`);
  if (Math.abs(mean) + 6 * std > F32_MAX) {
    throw new RangeError(`${where}: |mean| + 6·std must be at most ${F32_MAX} (float32 range), got mean = ${mean}, std = ${std}`);
  }
}

/** Bounds in units of std: lower < upper, and still so after clamping to ±6 (beyond that float32 sampling has no mass). */
export function checkTruncationArgs(lower: unknown, upper: unknown, where: string): void {
  for (const [name, v] of [['lower', lower], ['upper', upper]] as const) {
    if (typeof v !== 'number') throw new TypeError(`${where}: expected ${name} to be a number (in units of std), got ${describe(v)}`);
    if (Number.isNaN(v)) throw new RangeError(`${where}: expected ${name} to be a number, got NaN`);
  }
  if (!((lower as number) < (upper as number))) throw new RangeError(`${where}: expected lower < upper, got lower = ${lower}, upper = ${upper}`);
  const L = TRUNCATION_LIMIT;
  const clamp = (v: number) => Math.min(Math.max(v, -L), L);
  if (!(clamp(lower as number) < clamp(upper as number))) {
    throw new RangeError(`${where}: the interval [${lower}, ${upper}] (in std) lies beyond ±${L} std of the mean, where float32 sampling has no mass`);
  }
}

export function checkMatrixDims(rows: unknown, cols: unknown, where: string): void {
  for (const [name, v] of [['rows', rows], ['cols', cols]] as const) {
    if (typeof v !== 'number') throw new TypeError(`${where}: expected ${name} to be a non-negative integer, got ${describe(v)}`);
    if (!Number.isInteger(v) || v < 0 || v > MAX_TENSOR_SIZE) throw new RangeError(`${where}: expected ${name} to be an integer in [0, ${MAX_TENSOR_SIZE}], got ${v}`);
  }
  if ((rows as number) * (cols as number) > MAX_TENSOR_SIZE) {
    throw new RangeError(`${where}: ${rows} × ${cols} has more than ${MAX_TENSOR_SIZE} elements`);
  }
}

function checkOrthogonalArgs(out: unknown, rows: unknown, cols: unknown, seed: unknown, stream: unknown, gain: unknown): void {
  const where = 'orthogonal';
  checkOut(out, Float32Array, where);
  checkMatrixDims(rows, cols, where);
  const size = (rows as number) * (cols as number);
  if (out.length !== size) throw new RangeError(`${where}: expected out to hold ${rows} × ${cols} = ${size} values, got ${out.length}`);
  checkSeed(seed, where);
  checkStream(stream, where);
  checkFiniteF32(gain, 'gain', where);
}

/** The output array, seed, stream and offset of a fill (every fill takes these four). */
function checkFillTarget(
  out: unknown, ctor: typeof Float32Array | typeof Uint32Array, seed: unknown, stream: unknown, offset: unknown, where: string,
): void {
  checkOut(out, ctor as typeof Float32Array, where);
  checkSeed(seed, where);
  checkStream(stream, where);
  checkOffset(offset, (out as Float32Array).length, where);
}

/** The random-number methods of a Backend. */
export type RngMethods = Pick<Backend, 'fillBits' | 'fillUniform' | 'fillNormal' | 'fillTruncatedNormal' | 'orthogonal'>;

/** A backend's fills without argument checks: every argument valid, the offset always given. */
export interface UncheckedRng {
  fillBits(out: Uint32Array, seed: bigint, stream: number, offset: number | bigint): void;
  fillUniform(out: Float32Array, seed: bigint, stream: number, lo: number, hi: number, offset: number | bigint): void;
  fillNormal(out: Float32Array, seed: bigint, stream: number, mean: number, std: number, offset: number | bigint): void;
  fillTruncatedNormal(out: Float32Array, seed: bigint, stream: number, mean: number, std: number, lower: number, upper: number, offset: number | bigint): void;
  orthogonal(out: Float32Array, rows: number, cols: number, seed: bigint, stream: number, gain: number): void;
}

/**
 * A backend's random-number methods: the checks of this module (the domain of docs/SEMANTICS.md
 * "Argument domain"), then `raw`. Both backends are built with it, so they refuse the same inputs with
 * the same errors, and nothing reaches `raw` (or the binding) unchecked.
 */
export function checkedRng(raw: UncheckedRng): RngMethods {
  return {
    fillBits(out, seed, stream, offset = 0) {
      checkFillTarget(out, Uint32Array, seed, stream, offset, 'fillBits');
      raw.fillBits(out, seed, stream, offset);
    },
    fillUniform(out, seed, stream, lo, hi, offset = 0) {
      checkFillTarget(out, Float32Array, seed, stream, offset, 'fillUniform');
      checkUniformArgs(lo, hi, 'fillUniform');
      raw.fillUniform(out, seed, stream, lo, hi, offset);
    },
    fillNormal(out, seed, stream, mean, std, offset = 0) {
      checkFillTarget(out, Float32Array, seed, stream, offset, 'fillNormal');
      checkNormalArgs(mean, std, 'fillNormal');
      raw.fillNormal(out, seed, stream, mean, std, offset);
    },
    fillTruncatedNormal(out, seed, stream, mean, std, lower, upper, offset = 0) {
      checkFillTarget(out, Float32Array, seed, stream, offset, 'fillTruncatedNormal');
      checkNormalArgs(mean, std, 'fillTruncatedNormal');
      checkTruncationArgs(lower, upper, 'fillTruncatedNormal');
      raw.fillTruncatedNormal(out, seed, stream, mean, std, lower, upper, offset);
    },
    orthogonal(out, rows, cols, seed, stream, gain) {
      checkOrthogonalArgs(out, rows, cols, seed, stream, gain);
      raw.orthogonal(out, rows, cols, seed, stream, gain);
    },
  };
}
