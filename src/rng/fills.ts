/**
 * Random fills: the executable form of docs/SEMANTICS.md "Random streams", and the bit-exact twin of
 * crates/kernels/src/rng. Element i (after adding `offset`) reads word i & 3 of Philox block i >> 2 of
 * (seed, stream). Every float32 operation of the spec is one JS double operation followed by
 * Math.fround: for +, −, ×, ÷ and √ of float32 inputs that double rounding is exact (53 ≥ 2·24 + 2),
 * so the results equal the kernels' IEEE float32 results bit for bit.
 *
 * These functions assume valid arguments; src/rng/checks.ts validates at the backend boundary.
 */
import { philoxBlock, seedToKey } from './philox.js';

const f = Math.fround;
const TWO_POW_32 = 4294967296;
const TWO_POW_M24 = 2 ** -24;
/** Largest |y| the generator produces: (2²⁴ − 1)·2⁻²⁴. */
const Y_MAX = 1 - TWO_POW_M24;

/**
 * A position in a stream: element index, as a number below 2⁵³ or a bigint below 2⁶⁴ (the stream's
 * full length: 2⁶⁴ blocks would be 2⁶⁶ words, but the counter the spec defines addresses elements
 * by a 64-bit index).
 */
export type StreamOffset = number | bigint;

const TWO_POW_64 = 1n << 64n;

/** offset + start, in the type of `offset` (bigint arithmetic only when the caller chose bigint). */
function advance(offset: StreamOffset, start: number): StreamOffset {
  return typeof offset === 'bigint' ? offset + BigInt(start) : offset + start;
}

/** out[i] = w_{i+offset}: word (i + offset) & 3 of block (i + offset) >> 2, block counter (b mod 2³², ⌊b/2³²⌋, stream, 0). */
export function fillBits(out: Uint32Array, seed: bigint, stream: number, offset: StreamOffset = 0): void {
  const [k0, k1] = seedToKey(seed);
  const block = new Uint32Array(4);
  // The first block split into its two counter words, and the element's phase within it; blocks
  // after it follow with a carry from the low word into the high one (numbers stay exact: < 2³³).
  let lo0: number, hi0: number, phase: number;
  if (typeof offset === 'bigint') {
    const b = (offset % TWO_POW_64) >> 2n;
    lo0 = Number(b & 0xffffffffn);
    hi0 = Number(b >> 32n);
    phase = Number(offset & 3n);
  } else {
    const b = Math.floor(offset / 4);
    lo0 = b % TWO_POW_32;
    hi0 = Math.floor(b / TWO_POW_32);
    phase = offset % 4;
  }
  let cached = -1;
  for (let i = 0; i < out.length; i++) {
    const j = i + phase;
    const k = Math.floor(j / 4);
    if (k !== cached) {
      const lo = lo0 + k;
      philoxBlock(lo % TWO_POW_32, (hi0 + Math.floor(lo / TWO_POW_32)) % TWO_POW_32, stream, 0, k0, k1, block);
      cached = k;
    }
    out[i] = block[j % 4];
  }
}

const CHUNK = 4096;

/** Runs `transform(words, start)` over consecutive chunks of the stream's words for out[start …]. */
function inChunks(length: number, seed: bigint, stream: number, offset: StreamOffset, transform: (words: Uint32Array, start: number) => void): void {
  const words = new Uint32Array(Math.min(CHUNK, length));
  for (let start = 0; start < length; start += CHUNK) {
    const view = length - start < words.length ? words.subarray(0, length - start) : words;
    fillBits(view, seed, stream, advance(offset, start));
    transform(view, start);
  }
}

/**
 * U[lo, hi): u = (w >>> 8)·2⁻²⁴ (24 random bits, exact in f32), out = f32(lo) + f32(f32(hi) − f32(lo))·u,
 * each operation rounded to f32, no FMA.
 */
export function fillUniform(out: Float32Array, seed: bigint, stream: number, lo: number, hi: number, offset: StreamOffset = 0): void {
  const lo32 = f(lo);
  const d = f(f(hi) - lo32);
  inChunks(out.length, seed, stream, offset, (words, start) => {
    for (let i = 0; i < words.length; i++) out[start + i] = f(lo32 + f(d * ((words[i] >>> 8) * TWO_POW_M24)));
  });
}

/** Ten coefficients of Cephes' logf polynomial, highest degree first. */
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const SQRT_HALF_F32 = f(Math.SQRT1_2);
// One 4-byte cell seen as float32 and as uint32 (same element, so endianness does not matter).
const cellF32 = new Float32Array(1);
const cellU32 = new Uint32Array(cellF32.buffer);

/**
 * Natural log of a positive normal float32, Cephes `logf` (S. Moshier): x = m·2ᵉ with m in [√½, √2),
 * t = m − 1, log x ≈ t − t²/2 + t³·P(t) + e·ln 2 with ln 2 split in two parts. All f32 arithmetic.
 */
export function logf(x: number): number {
  cellF32[0] = x;
  const bits = cellU32[0];
  let e = ((bits >>> 23) & 0xff) - 126;
  cellU32[0] = (bits & 0x807fffff) | 0x3f000000; // mantissa in [0.5, 1)
  const m = cellF32[0];
  let t: number;
  // Cephes compares with f32(√½) (bits 0x3F3504F3), which lies just below √½.
  if (m < SQRT_HALF_F32) {
    e -= 1;
    t = f(f(m + m) - 1);
  } else {
    t = f(m - 1);
  }
  const z = f(t * t);
  let p = LOG_P[0];
  for (let k = 1; k < LOG_P.length; k++) p = f(LOG_P[k] + f(p * t));
  let r = f(f(t * z) * p);
  r = f(r + f(e * LOG_Q1));
  r = f(r + f(-0.5 * z));
  r = f(t + r);
  r = f(r + f(e * LOG_Q2));
  return r;
}

const ERFINV_CENTRAL = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503,
  -0.00417768164, 0.246640727, 1.50140941,
].map(f);
const ERFINV_TAIL = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
  0.00943887047, 1.00167406, 2.83297682,
].map(f);

/**
 * erf⁻¹(y) for y in (−1, 1), Giles, "Approximating the erfinv function" (GPU Computing Gems, 2010),
 * single-precision version, all in f32: w = −log((1 − y)(1 + y)); a degree-8 polynomial in w − 2.5
 * (w < 5) or √w − 3 (tail), times y.
 */
export function erfinvf(y: number): number {
  let w = -logf(f(f(1 - y) * f(1 + y)));
  let c: number[];
  if (w < 5) {
    w = f(w - 2.5);
    c = ERFINV_CENTRAL;
  } else {
    w = f(f(Math.sqrt(w)) - 3);
    c = ERFINV_TAIL;
  }
  let p = c[0];
  for (let k = 1; k < c.length; k++) p = f(c[k] + f(p * w));
  return f(p * y);
}

/**
 * erf(x) in f64 by its Maclaurin series (2/√π)·Σ (−1)ⁿx²ⁿ⁺¹/(n!(2n+1)), summed in a fixed order so
 * both backends get the same double. Used only for |x| ≤ 6/√2, where the series converges fast enough.
 */
export function erf64(x: number): number {
  if (x === 0) return 0; // every term is 0: the relative stopping rule would never fire
  const minusX2 = -(x * x);
  let t = x;
  let sum = x;
  for (let n = 1; ; n++) {
    t = (t * minusX2) / n;
    const term = t / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return sum * 1.1283791670955126;
}

/** Truncation interval in units of std after clamping to ±6, as the kernels see it. */
export const TRUNCATION_LIMIT = 6;

/** The next float32 above a finite float32. */
function nextUp(x: number): number {
  if (x === 0) return 2 ** -149;
  cellF32[0] = x;
  cellU32[0] += x > 0 ? 1 : -1;
  return cellF32[0];
}

/** Smallest float32 ≥ x. */
export function f32AtOrAbove(x: number): number {
  const r = f(x);
  return r < x ? nextUp(r) : r;
}

/** Largest float32 ≤ x. */
export function f32AtOrBelow(x: number): number {
  return -f32AtOrAbove(-x);
}

interface Truncation {
  /** y ↦ m + h·y sends the generator's (−1, 1) onto (erf(lower/√2), erf(upper/√2)). */
  m: number;
  h: number;
  /** Output clamp: the float32 interval inside [mean + lower·std, mean + upper·std]. */
  a: number;
  b: number;
}

/**
 * The affine map u ↦ Φ(lower) + u·(Φ(upper) − Φ(lower)) in erf coordinates (exact truncation by the
 * inverse CDF), and the final clamp that keeps f32 rounding of the tails inside the bounds.
 */
export function truncation(mean: number, std: number, lower: number, upper: number): Truncation {
  const lo = Math.min(Math.max(lower, -TRUNCATION_LIMIT), TRUNCATION_LIMIT);
  const hi = Math.min(Math.max(upper, -TRUNCATION_LIMIT), TRUNCATION_LIMIT);
  const ca = erf64(lo / Math.SQRT2);
  const cb = erf64(hi / Math.SQRT2);
  return { m: f((cb + ca) / 2), h: f((cb - ca) / 2), a: f32AtOrAbove(mean + lo * std), b: f32AtOrBelow(mean + hi * std) };
}

function fillInverseCdf(out: Float32Array, seed: bigint, stream: number, mean: number, std: number, trunc: Truncation | null, offset: StreamOffset): void {
  const mean32 = f(mean);
  const s = f(f(std) * f(Math.SQRT2));
  inChunks(out.length, seed, stream, offset, (words, start) => {
    for (let i = 0; i < words.length; i++) {
      // (2k + 1 − 2²⁴)·2⁻²⁴ for k = w >>> 8: odd multiples of 2⁻²⁴, symmetric about 0, never ±1.
      let y = (2 * (words[i] >>> 8) + 1 - 16777216) * TWO_POW_M24;
      if (!trunc) {
        out[start + i] = f(mean32 + f(s * erfinvf(y)));
        continue;
      }
      y = f(trunc.m + f(trunc.h * y));
      // With asymmetric bounds near ±6 the f32 sum can round onto ±1, where erf⁻¹ is infinite.
      if (y < -Y_MAX) y = -Y_MAX;
      if (y > Y_MAX) y = Y_MAX;
      let x = f(mean32 + f(s * erfinvf(y)));
      if (x < trunc.a) x = trunc.a;
      if (x > trunc.b) x = trunc.b;
      out[start + i] = x;
    }
  });
}

/** N(mean, std²): out = f32(mean) + f32(f32(std)·f32(√2))·erf⁻¹(y). */
export function fillNormal(out: Float32Array, seed: bigint, stream: number, mean: number, std: number, offset: StreamOffset = 0): void {
  fillInverseCdf(out, seed, stream, mean, std, null, offset);
}

/**
 * N(mean, std²) truncated to [mean + lower·std, mean + upper·std] (bounds clamped to ±6), no rejection:
 * y ← clamp(m + h·y, ±(1 − 2⁻²⁴)), x = mean + s·erf⁻¹(y), then x clamped to the f32 interval
 * inside the bounds.
 */
export function fillTruncatedNormal(
  out: Float32Array, seed: bigint, stream: number, mean: number, std: number, lower: number, upper: number, offset: StreamOffset = 0,
): void {
  fillInverseCdf(out, seed, stream, mean, std, truncation(mean, std, lower, upper), offset);
}
