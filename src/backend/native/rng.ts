/**
 * Native random fills and the orthogonal matrix: checks every argument against the domain of
 * docs/SEMANTICS.md ("Argument domain") and throws TypeError / RangeError with what was expected and
 * what came, then calls the binding (which checks again and never sees bad input from here).
 */
import type { RawBinding } from './load.js';

const TWO_64 = 1n << 64n;
const F32_MAX = 3.4028234663852886e38;

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return String(v);
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function checkSeed(what: string, seed: unknown): bigint {
  if (typeof seed !== 'bigint') throw new TypeError(`${what}: expected seed as a bigint, got ${describe(seed)}`);
  if (seed < 0n || seed >= TWO_64) throw new RangeError(`${what}: expected seed in [0, 2^64), got ${seed}n`);
  return seed;
}

function checkStream(what: string, stream: unknown): number {
  if (typeof stream !== 'number') throw new TypeError(`${what}: expected stream as a number, got ${describe(stream)}`);
  if (!Number.isInteger(stream) || stream < 0 || stream >= 2 ** 32) {
    throw new RangeError(`${what}: expected stream as an integer in [0, 2^32), got ${stream}`);
  }
  return stream;
}

function checkOffset(what: string, offset: unknown, length: number): number | bigint {
  if (offset === undefined) return 0;
  let big: bigint;
  if (typeof offset === 'number') {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(
        `${what}: expected offset as an integer with 0 <= offset and offset + length <= 2^53 - 1 (or a bigint), got ${offset}`,
      );
    }
    big = BigInt(offset);
  } else if (typeof offset === 'bigint') {
    if (offset < 0n) throw new RangeError(`${what}: expected offset >= 0, got ${offset}n`);
    big = offset;
  } else {
    throw new TypeError(`${what}: expected offset as a number or bigint, got ${describe(offset)}`);
  }
  if (big + BigInt(length) > TWO_64) {
    throw new RangeError(`${what}: offset ${big} + length ${length} exceeds 2^64 elements of the stream`);
  }
  return offset;
}

function checkNumber(what: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${what}: expected ${name} as a number, got ${describe(v)}`);
  return v;
}

function checkFloat32Out(what: string, out: unknown): Float32Array {
  if (!(out instanceof Float32Array)) throw new TypeError(`${what}: expected out as a Float32Array, got ${describe(out)}`);
  return out;
}

function checkMeanStd(what: string, mean: unknown, std: unknown): void {
  const m = checkNumber(what, 'mean', mean);
  const s = checkNumber(what, 'std', std);
  if (!Number.isFinite(m) || !Number.isFinite(s)) {
    throw new RangeError(`${what}: expected finite mean and std, got mean = ${m}, std = ${s}`);
  }
  if (s < 0) throw new RangeError(`${what}: expected std >= 0, got ${s}`);
  if (Math.abs(m) + 6 * s > F32_MAX) {
    throw new RangeError(`${what}: |mean| + 6·std must be at most ${F32_MAX} (float32 range), got mean = ${m}, std = ${s}`);
  }
}

export function fillBits(b: RawBinding, out: Uint32Array, seed: bigint, stream: number, offset?: number | bigint): void {
  const W = 'fillBits';
  if (!(out instanceof Uint32Array)) throw new TypeError(`${W}: expected out as a Uint32Array, got ${describe(out)}`);
  b.fillBits(out, checkSeed(W, seed), checkStream(W, stream), checkOffset(W, offset, out.length));
}

export function fillUniform(
  b: RawBinding, out: Float32Array, seed: bigint, stream: number, lo: number, hi: number, offset?: number | bigint,
): void {
  const W = 'fillUniform';
  checkFloat32Out(W, out);
  const s = checkSeed(W, seed);
  const st = checkStream(W, stream);
  checkNumber(W, 'lo', lo);
  checkNumber(W, 'hi', hi);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RangeError(`${W}: expected finite lo and hi, got lo = ${lo}, hi = ${hi}`);
  }
  if (lo > hi) throw new RangeError(`${W}: expected lo <= hi, got lo = ${lo}, hi = ${hi}`);
  const l = Math.fround(lo);
  const h = Math.fround(hi);
  if (!Number.isFinite(l) || !Number.isFinite(h) || !Number.isFinite(Math.fround(h - l))) {
    throw new RangeError(`${W}: lo = ${lo} and hi = ${hi} overflow float32 (hi - lo must be at most ${F32_MAX})`);
  }
  b.fillUniform(out, s, st, lo, hi, checkOffset(W, offset, out.length));
}

export function fillNormal(
  b: RawBinding, out: Float32Array, seed: bigint, stream: number, mean: number, std: number, offset?: number | bigint,
): void {
  const W = 'fillNormal';
  checkFloat32Out(W, out);
  const s = checkSeed(W, seed);
  const st = checkStream(W, stream);
  checkMeanStd(W, mean, std);
  b.fillNormal(out, s, st, mean, std, checkOffset(W, offset, out.length));
}

export function fillTruncatedNormal(
  b: RawBinding, out: Float32Array, seed: bigint, stream: number, mean: number, std: number,
  lower: number, upper: number, offset?: number | bigint,
): void {
  const W = 'fillTruncatedNormal';
  checkFloat32Out(W, out);
  const s = checkSeed(W, seed);
  const st = checkStream(W, stream);
  checkMeanStd(W, mean, std);
  checkNumber(W, 'lower', lower);
  checkNumber(W, 'upper', upper);
  if (Number.isNaN(lower) || Number.isNaN(upper)) {
    throw new RangeError(`${W}: expected lower and upper bounds that are not NaN, got lower = ${lower}, upper = ${upper}`);
  }
  if (!(lower < upper)) throw new RangeError(`${W}: expected lower < upper, got lower = ${lower}, upper = ${upper}`);
  if (Math.min(Math.max(lower, -6), 6) >= Math.min(Math.max(upper, -6), 6)) {
    throw new RangeError(
      `${W}: the interval [${lower}, ${upper}] (in std) lies beyond ±6 std of the mean, where float32 sampling has no mass`,
    );
  }
  b.fillTruncatedNormal(out, s, st, mean, std, lower, upper, checkOffset(W, offset, out.length));
}

function checkDim(what: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${what}: expected ${name} as a number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${what}: expected ${name} as an integer >= 0, got ${v}`);
  return v;
}

export function orthogonal(
  b: RawBinding, out: Float32Array, rows: number, cols: number, seed: bigint, stream: number, gain: number,
): void {
  const W = 'orthogonal';
  checkFloat32Out(W, out);
  checkDim(W, 'rows', rows);
  checkDim(W, 'cols', cols);
  if (rows * cols > 2 ** 31 - 1) {
    throw new RangeError(`${W}: rows·cols must be at most 2^31 - 1, got ${rows}·${cols} = ${rows * cols}`);
  }
  if (out.length !== rows * cols) {
    throw new RangeError(`${W}: expected out of length rows·cols = ${rows * cols}, got ${out.length}`);
  }
  const s = checkSeed(W, seed);
  const st = checkStream(W, stream);
  checkNumber(W, 'gain', gain);
  if (!Number.isFinite(gain) || Math.abs(gain) > F32_MAX) {
    throw new RangeError(`${W}: expected a finite gain with |gain| <= ${F32_MAX}, got ${gain}`);
  }
  b.orthogonal(out, rows, cols, s, st, gain);
}
