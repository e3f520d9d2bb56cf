/**
 * The random fills of docs/SEMANTICS.md on every backend that implements them: stream layout,
 * offsets, exact uniform formula, distributions (moments and KS against the CDFs), truncation bounds,
 * argument checks. Fixed seeds; bounds derived from the sample size.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createNativeBackend } from '../src/backend/native/index.js';
import { philoxBlock } from '../src/rng/philox.js';
import { erf64, erfinvf, logf } from '../src/rng/fills.js';
import { erf, ksCritical, ksStatistic, momentFailures, normalDist, truncatedNormalDist, uniformDist } from './rng-stats.js';

function implementsFills(b: Backend | null): b is Backend {
  if (!b) return false;
  try {
    b.fillUniform(new Float32Array(1), 1n, 0, 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

function implementsOrthogonal(b: Backend): boolean {
  try {
    b.orthogonal(new Float32Array(1), 1, 1, 1n, 0, 1);
    return true;
  } catch {
    return false;
  }
}

const backends = [createReferenceBackend(), createNativeBackend()].filter(implementsFills);
const N = 200_000;

describe.each(backends.map((b) => [b.name, b] as const))('random fills on %s', (_name, backend) => {
  it('fillBits: word i of the stream is word i & 3 of block i >> 2, counter (b lo, b hi, stream, 0), key = seed', () => {
    const seed = 0x0123456789abcdefn;
    const stream = 7;
    const offset = 4 * 2 ** 32 - 3; // crosses into block 2³², whose counter has a non-zero high word
    const out = new Uint32Array(11);
    backend.fillBits(out, seed, stream, offset);
    const block = new Uint32Array(4);
    for (let i = 0; i < out.length; i++) {
      const j = offset + i;
      const b = Math.floor(j / 4);
      philoxBlock(b % 2 ** 32, Math.floor(b / 2 ** 32), stream, 0, 0x89abcdef, 0x01234567, block);
      expect(out[i]).toBe(block[j % 4]);
    }
  });

  it('fills at an offset equal the matching slice of a longer fill, for odd lengths and offsets', () => {
    const whole = new Float32Array(1100);
    backend.fillNormal(whole, 99n, 3, 0.5, 2, 0);
    for (const [off, len] of [[0, 1], [1, 3], [3, 7], [5, 997], [513, 257]]) {
      const part = new Float32Array(len);
      backend.fillNormal(part, 99n, 3, 0.5, 2, off);
      expect(part).toEqual(whole.subarray(off, off + len));
    }
  });

  it('seed and stream select independent streams; the same (seed, stream) repeats exactly', () => {
    const a = new Float32Array(64), b = new Float32Array(64), c = new Float32Array(64), d = new Float32Array(64);
    backend.fillUniform(a, 5n, 0, 0, 1);
    backend.fillUniform(b, 5n, 0, 0, 1);
    backend.fillUniform(c, 5n, 1, 0, 1);
    backend.fillUniform(d, 6n, 0, 0, 1);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
  });

  it('uniform is exactly f32(lo) + f32(f32(hi) − f32(lo))·(w >>> 8)·2⁻²⁴', () => {
    const words = new Uint32Array(777);
    const out = new Float32Array(777);
    backend.fillBits(words, 11n, 2, 5);
    backend.fillUniform(out, 11n, 2, -0.3, 0.7, 5);
    const f = Math.fround;
    const d = f(f(0.7) - f(-0.3));
    for (let i = 0; i < out.length; i++) expect(out[i]).toBe(f(f(-0.3) + f(d * (words[i] >>> 8) * 2 ** -24)));
  });

  it('uniform U[−0.2, 0.5): moments, range and KS', () => {
    const out = new Float32Array(N);
    backend.fillUniform(out, 2024n, 0, -0.2, 0.5);
    const dist = uniformDist(-0.2, 0.5);
    expect(momentFailures(out, dist)).toBe('');
    expect(Math.min(...out.subarray(0, 50_000))).toBeGreaterThanOrEqual(Math.fround(-0.2));
    // f32 rounding of lo + d·u may reach hi itself for u near 1 (as in NumPy and PyTorch float32).
    expect(out.every((x) => x >= Math.fround(-0.2) && x <= Math.fround(0.5))).toBe(true);
    expect(ksStatistic(out, dist.cdf)).toBeLessThan(ksCritical(N));
  });

  it('normal N(1.5, 0.3²): moments and KS', () => {
    const out = new Float32Array(N);
    backend.fillNormal(out, 7n, 1, 1.5, 0.3);
    const dist = normalDist(1.5, 0.3);
    expect(momentFailures(out, dist)).toBe('');
    expect(ksStatistic(out, dist.cdf)).toBeLessThan(ksCritical(N));
  });

  it.each([
    [-2, 2],
    [-1, 3],
    [0, 6],
    [-6, -0.5],
    [0.5, 1],
    [-10, 10],
  ])('truncated normal on [%d, %d] std: never outside, moments and KS of the truncated law', (a, b) => {
    const mean = -0.25;
    const std = 0.5;
    const out = new Float32Array(N);
    backend.fillTruncatedNormal(out, 31n, 4, mean, std, a, b);
    const lo = Math.max(a, -6), hi = Math.min(b, 6);
    const dist = truncatedNormalDist(mean, std, lo, hi);
    let outside = 0;
    for (const x of out) if (!(x >= dist.lo && x <= dist.hi)) outside++;
    expect(outside).toBe(0);
    expect(momentFailures(out, dist)).toBe('');
    expect(ksStatistic(out, dist.cdf)).toBeLessThan(ksCritical(N));
  });

  it('std 0 gives the mean exactly; lo = hi gives lo exactly', () => {
    const out = new Float32Array(9);
    backend.fillNormal(out, 1n, 0, 0.25, 0);
    expect(Array.from(out)).toEqual(Array(9).fill(0.25));
    backend.fillUniform(out, 1n, 0, -3, -3);
    expect(Array.from(out)).toEqual(Array(9).fill(-3));
  });

  it('a bigint offset addresses the whole stream: equal to the number offset below 2^53, block formula up to 2^64', () => {
    const seed = 0x0123456789abcdefn;
    const stream = 11;
    for (const k of [0, 1, 3, 4099, 4 * 2 ** 32 - 2]) {
      const byNumber = new Uint32Array(13);
      const byBigint = new Uint32Array(13);
      backend.fillBits(byNumber, seed, stream, k);
      backend.fillBits(byBigint, seed, stream, BigInt(k));
      expect(byBigint).toEqual(byNumber);
    }
    const block = new Uint32Array(4);
    for (const offset of [2n ** 53n + 1n, 2n ** 64n - 4n * 2n ** 32n - 5n, 2n ** 64n - 11n]) {
      const out = new Uint32Array(11);
      backend.fillBits(out, seed, stream, offset);
      for (let i = 0; i < out.length; i++) {
        const j = offset + BigInt(i);
        const b = j >> 2n;
        philoxBlock(Number(b & 0xffffffffn), Number(b >> 32n), stream, 0, 0x89abcdef, 0x01234567, block);
        expect(out[i]).toBe(block[Number(j & 3n)]);
      }
      const u = new Float32Array(11);
      const uAgain = new Float32Array(11);
      backend.fillUniform(u, seed, stream, 0, 1, offset);
      backend.fillUniform(uAgain.subarray(0, 10), seed, stream, 0, 1, offset + 1n);
      expect(uAgain.subarray(0, 10)).toEqual(u.subarray(1));
    }
  });

  // Both backends check arguments with src/rng/checks.ts: same error types and messages.
  const out = new Float32Array(10);
  const u32 = new Uint32Array(10);
  const badCalls: [string, () => void, ErrorConstructor, RegExp][] = [
    ['seed as number', () => backend.fillUniform(out, 1 as unknown as bigint, 0, 0, 1), TypeError, /seed to be a bigint/],
    ['negative seed', () => backend.fillNormal(out, -1n, 0, 0, 1), RangeError, /seed in \[0, 2\^64\)/],
    ['seed 2^64', () => backend.fillBits(u32, 1n << 64n, 0, 0), RangeError, /seed in \[0, 2\^64\)/],
    ['stream -1', () => backend.fillNormal(out, 1n, -1, 0, 1), RangeError, /stream to be an integer in \[0, 2\^32\)/],
    ['stream 2^32', () => backend.fillNormal(out, 1n, 2 ** 32, 0, 1), RangeError, /stream to be an integer/],
    ['stream 0.5', () => backend.fillNormal(out, 1n, 0.5, 0, 1), RangeError, /stream to be an integer/],
    ['stream NaN', () => backend.fillNormal(out, 1n, NaN, 0, 1), RangeError, /stream/],
    ['stream string', () => backend.fillNormal(out, 1n, '1' as unknown as number, 0, 1), TypeError, /stream to be an integer/],
    ['offset -1', () => backend.fillNormal(out, 1n, 0, 0, 1, -1), RangeError, /offset/],
    ['offset 0.5', () => backend.fillNormal(out, 1n, 0, 0, 1, 0.5), RangeError, /offset/],
    ['offset 2^53', () => backend.fillNormal(out, 1n, 0, 0, 1, 2 ** 53), RangeError, /2\^53 − 1 \(a bigint reaches further\)/],
    ['offset -1n', () => backend.fillBits(u32, 1n, 0, -1n), RangeError, /offset ≥ 0/],
    ['offset past 2^64', () => backend.fillBits(u32, 1n, 0, (1n << 64n) - 5n), RangeError, /exceeds 2\^64/],
    ['offset string', () => backend.fillBits(u32, 1n, 0, '3' as unknown as number), TypeError, /offset/],
    ['out Float64Array', () => backend.fillNormal(new Float64Array(4) as unknown as Float32Array, 1n, 0, 0, 1), TypeError, /Float32Array/],
    ['out Float32Array for bits', () => backend.fillBits(out as unknown as Uint32Array, 1n, 0, 0), TypeError, /Uint32Array/],
    ['NaN mean', () => backend.fillNormal(out, 1n, 0, NaN, 1), RangeError, /mean to be finite/],
    ['infinite mean', () => backend.fillNormal(out, 1n, 0, Infinity, 1), RangeError, /mean to be finite/],
    ['negative std', () => backend.fillNormal(out, 1n, 0, 0, -0.1), RangeError, /std ≥ 0/],
    ['infinite std', () => backend.fillTruncatedNormal(out, 1n, 0, 0, Infinity, -2, 2), RangeError, /finite/],
    ['overflowing std', () => backend.fillNormal(out, 1n, 0, 0, 1e38), RangeError, /float32 range/],
    ['string mean', () => backend.fillNormal(out, 1n, 0, '0' as unknown as number, 1), TypeError, /mean to be a finite number/],
    ['lo > hi', () => backend.fillUniform(out, 1n, 0, 1, 0), RangeError, /lo ≤ hi/],
    ['NaN hi', () => backend.fillUniform(out, 1n, 0, 0, NaN), RangeError, /hi to be finite/],
    ['NaN lo', () => backend.fillUniform(out, 1n, 0, NaN, 1), RangeError, /lo to be finite/],
    ['hi − lo overflows', () => backend.fillUniform(out, 1n, 0, -3e38, 3e38), RangeError, /overflows float32/],
    ['lower > upper', () => backend.fillTruncatedNormal(out, 1n, 0, 0, 1, 2, -2), RangeError, /lower < upper/],
    ['lower = upper', () => backend.fillTruncatedNormal(out, 1n, 0, 0, 1, 1, 1), RangeError, /lower < upper/],
    ['NaN lower', () => backend.fillTruncatedNormal(out, 1n, 0, 0, 1, NaN, 1), RangeError, /lower to be a number, got NaN/],
    ['interval beyond 6 std', () => backend.fillTruncatedNormal(out, 1n, 0, 0, 1, 7, 9), RangeError, /beyond ±6/],
  ];
  it.each(badCalls)('rejects %s with a clear error', (_name, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('leaves the output untouched when it throws', () => {
    const o = new Float32Array(4).fill(7);
    expect(() => backend.fillNormal(o, 1n, 0, 0, -1)).toThrow(RangeError);
    expect(Array.from(o)).toEqual([7, 7, 7, 7]);
  });

  it.skipIf(!implementsOrthogonal(backend))('orthogonal rejects bad arguments with TypeError / RangeError', () => {
    const out = new Float32Array(4);
    expect(() => backend.orthogonal(out, 2, 3, 1n, 0, 1)).toThrow(RangeError);
    expect(() => backend.orthogonal(out, -2, -2, 1n, 0, 1)).toThrow(RangeError);
    expect(() => backend.orthogonal(out, 2.5, 2, 1n, 0, 1)).toThrow(RangeError);
    expect(() => backend.orthogonal(out, 2, 2, 1n, 0, NaN)).toThrow(RangeError);
    expect(() => backend.orthogonal(out, 2, 2, -1n, 0, 1)).toThrow(RangeError);
    expect(() => backend.orthogonal(new Float64Array(4) as unknown as Float32Array, 2, 2, 1n, 0, 1)).toThrow(TypeError);
    expect(() => backend.orthogonal(new Float32Array(0), 2 ** 16, 2 ** 16, 1n, 0, 1)).toThrow(/more than 2147483647 elements/);
    expect(() => backend.orthogonal(out, 2, 2, 1n, 0, 1e39)).toThrow(/gain to be finite in float32/);
  });
});

describe('float32 building blocks of the normal transform', () => {
  it('erf64 (the spec series) matches an independent erf on [−4.25, 4.25] up to its cancellation error eps·e^{x²}', () => {
    // The alternating series' largest term is about e^{x²}/√(πx²), so rounding costs ~2⁻⁵²·e^{x²}.
    for (let x = -4.25; x <= 4.25; x += 0.0625) expect(Math.abs(erf64(x) - erf(x))).toBeLessThan(4e-16 * Math.exp(x * x));
    expect(erf64(0)).toBe(0);
  });

  it('logf is within 2 float32 ulps of log on (0, 1] and around 1', () => {
    let worst = 0;
    for (let k = 1; k <= 40000; k++) {
      const x32 = Math.fround((k / 40000) ** 3 * 2);
      const err = Math.abs(logf(x32) - Math.log(x32)) / Math.max(Math.abs(Math.log(x32)) * 2 ** -23, 2 ** -24 * 2 ** -23 * 4);
      worst = Math.max(worst, err);
    }
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('erfinvf inverts erf to float32 accuracy and is monotone over every generator level', () => {
    let prev = -Infinity;
    const problems: string[] = [];
    // Every 61st of the 2²⁴ odd levels (2k + 1 − 2²⁴)·2⁻²⁴, plus the top one.
    for (let k = 0; k < 2 ** 24; k = k + 61 < 2 ** 24 ? k + 61 : k === 2 ** 24 - 1 ? 2 ** 24 : 2 ** 24 - 1) {
      const y = (2 * k + 1 - 2 ** 24) * 2 ** -24;
      const z = erfinvf(y);
      if (!Number.isFinite(z) || z < prev) problems.push(`erfinvf(${y}) = ${z} after ${prev}`);
      prev = z;
      if (Math.abs(y) < 0.999 && Math.abs(erf(z) - y) > 4e-7) problems.push(`erf(erfinvf(${y})) = ${erf(z)}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(prev).toBeGreaterThan(3.7); // the top level reaches the f32 tail near 5.3σ/√2
  });
});
