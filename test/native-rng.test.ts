import { afterAll, describe, expect, it } from 'vitest';
import { createNativeBackend } from '../src/backend/native/index.js';
import { loadNative } from '../src/backend/native/load.js';

const native = createNativeBackend();
const raw = loadNative().binding;
const hasNative = native !== null && raw !== null;

describe.runIf(hasNative)('native random fills', () => {
  const be = native!;
  const b = raw!;
  const initialThreads = be.info.threads;
  afterAll(() => be.setThreads(initialThreads));

  it('starts with the Random123 answer for counter 0, key 0', () => {
    const out = new Uint32Array(8);
    be.fillBits(out, 0n, 0, 0);
    expect(Array.from(out.subarray(0, 4))).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
  });

  it('a fill from offset k is the tail of the fill from 0 (number and bigint offsets agree)', () => {
    const full = new Float32Array(300);
    be.fillNormal(full, 77n, 3, 0, 1, 0);
    for (const k of [1, 2, 3, 5, 32, 33, 101]) {
      const part = new Float32Array(300 - k);
      be.fillNormal(part, 77n, 3, 0, 1, k);
      expect(part).toEqual(full.subarray(k));
      const partBig = new Float32Array(300 - k);
      be.fillNormal(partBig, 77n, 3, 0, 1, BigInt(k));
      expect(partBig).toEqual(part);
    }
  });

  it('gives identical results for 1 and 2 threads and for every ISA', () => {
    const n = 300_001; // more than two pool chunks, odd length
    const fills: [string, (o: Float32Array) => void][] = [
      ['uniform', (o) => be.fillUniform(o, 12345678901234567890n, 9, -1, 2, 7)],
      ['normal', (o) => be.fillNormal(o, 12345678901234567890n, 9, 0.5, 3, 7)],
      ['truncated', (o) => be.fillTruncatedNormal(o, 12345678901234567890n, 9, 0, 1, -2, 2, 7)],
    ];
    const isaBefore = b.isaName() as string;
    for (const [name, f] of fills) {
      be.setThreads(1);
      const one = new Float32Array(n);
      f(one);
      be.setThreads(2);
      const two = new Float32Array(n);
      f(two);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer)), name).toBe(true);
      for (const isa of b.availableIsas() as string[]) {
        b.setIsa(isa);
        const viaIsa = new Float32Array(n);
        f(viaIsa);
        expect(Buffer.from(viaIsa.buffer).equals(Buffer.from(one.buffer)), `${name} on ${isa}`).toBe(true);
      }
      b.setIsa(isaBefore);
    }
    const bitsOne = new Uint32Array(n);
    be.setThreads(1);
    be.fillBits(bitsOne, 5n, 1, 3);
    be.setThreads(2);
    const bitsTwo = new Uint32Array(n);
    be.fillBits(bitsTwo, 5n, 1, 3);
    expect(Buffer.from(bitsTwo.buffer).equals(Buffer.from(bitsOne.buffer))).toBe(true);
  });

  it('keeps truncated normals inside their bounds exactly, finite even at the ±6 clamp', () => {
    const out = new Float32Array(1 << 18);
    for (const [mean, std, lo, hi] of [[0, 0.05, -2, 2], [1, 2, 0, 6], [0, 1, -Infinity, -1], [0, 1, 0, 6], [0, 1, -6, 6]]) {
      be.fillTruncatedNormal(out, 3n, 0, mean, std, lo, hi);
      const a = mean + Math.max(lo, -6) * std;
      const z = mean + Math.min(hi, 6) * std;
      let ok = true;
      for (const v of out) if (!(Number.isFinite(v) && v >= a && v <= z)) ok = false;
      expect(ok, `[${lo}, ${hi}]`).toBe(true);
    }
  });

  // The TypeScript-layer checks are shared with the reference backend: test/rng-fills.test.ts runs them on both.
  describe('argument checks (Rust layer, called directly)', () => {
    const f32 = new Float32Array(10);
    const cases: [string, () => void][] = [
      ['negative seed', () => b.fillNormal(f32, -1n, 0, 0, 1, 0)],
      ['seed 2^64', () => b.fillNormal(f32, 1n << 64n, 0, 0, 1, 0)],
      ['stream 2^32', () => b.fillNormal(f32, 1n, 2 ** 32, 0, 1, 0)],
      ['stream 1.5', () => b.fillNormal(f32, 1n, 1.5, 0, 1, 0)],
      ['negative offset', () => b.fillNormal(f32, 1n, 0, 0, 1, -3)],
      ['offset past 2^64', () => b.fillNormal(f32, 1n, 0, 0, 1, (1n << 64n) - 1n)],
      ['negative bigint offset', () => b.fillNormal(f32, 1n, 0, 0, 1, -1n)],
      ['NaN std', () => b.fillNormal(f32, 1n, 0, 0, NaN, 0)],
      ['lo > hi', () => b.fillUniform(f32, 1n, 0, 2, 1, 0)],
      ['lower > upper', () => b.fillTruncatedNormal(f32, 1n, 0, 0, 1, 2, -2, 0)],
      ['interval beyond 6 std', () => b.fillTruncatedNormal(f32, 1n, 0, 0, 1, -9, -7, 0)],
      ['wrong array type', () => b.fillNormal(new Uint32Array(3), 1n, 0, 0, 1, 0)],
    ];
    it.each(cases)('%s throws instead of crashing', (_name, call) => {
      expect(call).toThrow();
    });
  });
});

describe.runIf(hasNative)('native orthogonal', () => {
  const be = native!;
  const b = raw!;

  it('has orthonormal columns (tall), rows (wide) and both (square), times gain', () => {
    for (const [rows, cols, gain] of [[40, 40, 1], [60, 25, 2], [25, 60, 0.5]]) {
      const out = new Float32Array(rows * cols);
      be.orthogonal(out, rows, cols, 11n, 3, gain);
      const k = Math.min(rows, cols);
      const at = (v: number, i: number) => (rows >= cols ? out[i * cols + v] : out[v * cols + i]);
      let worst = 0;
      for (let p = 0; p < k; p++) {
        for (let q = p; q < k; q++) {
          let s = 0;
          for (let i = 0; i < Math.max(rows, cols); i++) s += at(p, i) * at(q, i);
          worst = Math.max(worst, Math.abs(s - (p === q ? gain * gain : 0)));
        }
      }
      expect(worst, `${rows}×${cols}`).toBeLessThan(gain * gain * 1e-5);
    }
  });

  it('does not depend on the thread count', () => {
    const run = () => {
      const out = new Float32Array(200 * 300);
      be.orthogonal(out, 200, 300, 5n, 0, 1);
      return out;
    };
    be.setThreads(1);
    const one = run();
    be.setThreads(2);
    expect(Buffer.from(run().buffer).equals(Buffer.from(one.buffer))).toBe(true);
  });

  it('rejects bad arguments in TypeScript and in Rust', () => {
    const out = new Float32Array(6);
    expect(() => be.orthogonal(out, 2, 4, 1n, 0, 1)).toThrow(/2 × 4 = 8 values, got 6/);
    expect(() => be.orthogonal(out, -2, -3, 1n, 0, 1)).toThrow(RangeError);
    expect(() => be.orthogonal(out, 2.5, 3, 1n, 0, 1)).toThrow(RangeError);
    expect(() => be.orthogonal(out, 2, 3, 1n, 0, NaN)).toThrow(RangeError);
    expect(() => be.orthogonal(out, 2, 3, 1 as unknown as bigint, 0, 1)).toThrow(TypeError);
    expect(() => be.orthogonal(new Float32Array(0), 2 ** 16, 2 ** 16, 1n, 0, 1)).toThrow(/more than 2147483647 elements/);
    expect(() => b.orthogonal(out, 2, 4, 1n, 0, 1)).toThrow(/length/);
    expect(() => b.orthogonal(out, -1, 3, 1n, 0, 1)).toThrow();
    expect(() => b.orthogonal(out, 2, 3, -1n, 0, 1)).toThrow();
    expect(() => b.orthogonal(out, 2, 3, 1n, 0, Infinity)).toThrow();
  });
});
