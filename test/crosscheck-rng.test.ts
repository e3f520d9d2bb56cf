/**
 * Native vs reference random fills (docs/SEMANTICS.md "Random streams"): bits and uniform floats
 * bit-identical, normals and truncated normals within NORMAL_TOLERANCE, orthogonal within
 * ORTHOGONAL_TOLERANCE; at odd lengths and offsets, with 1 and 2 threads, under every ISA the CPU has.
 * Skips (visibly) while the native backend lacks a method.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createNativeBackend } from '../src/backend/native/index.js';
import { loadNative } from '../src/backend/native/load.js';
import { NORMAL_TOLERANCE, ORTHOGONAL_TOLERANCE, ulpDistance } from '../src/rng/tolerance.js';
import { getInitializer, setBackend } from '../src/index.js';

const reference = createReferenceBackend();
const native = createNativeBackend();
const raw = loadNative().binding;

function works(probe: () => void): boolean {
  try {
    probe();
    return true;
  } catch {
    return false;
  }
}
const nativeFills = native !== null && works(() => native.fillTruncatedNormal(new Float32Array(1), 1n, 0, 0, 1, -2, 2, 0));
const nativeOrtho = native !== null && works(() => native.orthogonal(new Float32Array(4), 2, 2, 1n, 0, 1));

const isas: string[] = raw ? (raw.availableIsas() as string[]) : [];
const initialIsa: string | undefined = raw ? (raw.isaName() as string) : undefined;
const initialThreads = native?.info.threads;
const CONFIGS = isas.flatMap((isa) => [1, 2].map((threads) => ({ isa, threads })));

function configure(isa: string, threads: number): void {
  raw!.setIsa(isa);
  native!.setThreads(threads);
}

afterAll(() => {
  if (raw && initialIsa) raw.setIsa(initialIsa);
  if (native && initialThreads) native.setThreads(initialThreads);
});

// Odd lengths around the SIMD widths and the 65536-element pool chunk; offsets that misalign blocks,
// and one past 2³² blocks (non-zero high counter word).
const LENGTHS = [1, 3, 7, 33, 1001, 2 * 65536 + 13];
const OFFSETS = [0, 1, 2, 3, 4099, 4 * 2 ** 32 - 2];
const SEEDS = [0n, 42n, 0xfedcba9876543210n];

type Fill = (b: Backend, out: Float32Array, seed: bigint, offset: number) => void;
const FLOAT_FILLS: [string, Fill, 'exact' | 'normal'][] = [
  ['uniform U[−0.05, 0.05)', (b, o, s, off) => b.fillUniform(o, s, 1, -0.05, 0.05, off), 'exact'],
  ['uniform U[3, 1e6)', (b, o, s, off) => b.fillUniform(o, s, 2, 3, 1e6, off), 'exact'],
  ['normal N(0, 1)', (b, o, s, off) => b.fillNormal(o, s, 0, 0, 1, off), 'normal'],
  ['normal N(0.3, 0.02²)', (b, o, s, off) => b.fillNormal(o, s, 9, 0.3, 0.02, off), 'normal'],
  ['truncated ±2', (b, o, s, off) => b.fillTruncatedNormal(o, s, 3, 0, 0.05, -2, 2, off), 'normal'],
  ['truncated [−1, 3]', (b, o, s, off) => b.fillTruncatedNormal(o, s, 4, 1, 2, -1, 3, off), 'normal'],
  ['truncated [0, 10]', (b, o, s, off) => b.fillTruncatedNormal(o, s, 5, 0, 1, 0, 10, off), 'normal'],
];

describe.skipIf(!nativeFills)('native vs reference fills', () => {
  it('the machine offers at least the scalar path', () => {
    expect(isas).toContain('scalar');
  });

  it('bits are bit-identical at odd lengths and offsets, every ISA, 1 and 2 threads', () => {
    for (const len of LENGTHS) {
      for (const offset of OFFSETS) {
        const seed = SEEDS[(len + offset) % SEEDS.length];
        const want = new Uint32Array(len);
        reference.fillBits(want, seed, 7, offset);
        for (const { isa, threads } of CONFIGS) {
          configure(isa, threads);
          const got = new Uint32Array(len);
          native!.fillBits(got, seed, 7, offset);
          expect({ isa, threads, len, offset, equal: got.every((w, i) => w === want[i]) }).toEqual({ isa, threads, len, offset, equal: true });
        }
      }
    }
  });

  it.each(FLOAT_FILLS)('%s agrees (uniform bit for bit, normals within NORMAL_TOLERANCE)', (_label, fill, kind) => {
    const limit = kind === 'exact' ? 0 : NORMAL_TOLERANCE.maxUlps;
    let worst = 0;
    let differing = 0;
    for (const len of LENGTHS) {
      for (const offset of OFFSETS) {
        const seed = SEEDS[(len + offset) % SEEDS.length];
        const want = new Float32Array(len);
        fill(reference, want, seed, offset);
        for (const { isa, threads } of CONFIGS) {
          configure(isa, threads);
          const got = new Float32Array(len);
          fill(native!, got, seed, offset);
          for (let i = 0; i < len; i++) {
            const d = ulpDistance(got[i], want[i]);
            if (d > 0) differing++;
            if (d > worst) worst = d;
            if (d > limit) {
              throw new Error(`${isa}, ${threads} threads, len ${len}, offset ${offset}, element ${i}: native ${got[i]} vs reference ${want[i]} (${d} ulp)`);
            }
          }
        }
      }
    }
    expect({ worst, differing }).toEqual({ worst: 0, differing: 0 });
  });
});

describe.skipIf(!nativeOrtho)('native vs reference orthogonal', () => {
  it.each([
    [1, 1], [5, 3], [3, 5], [64, 64], [130, 17], [17, 130], [256, 200],
  ])('%d × %d within ORTHOGONAL_TOLERANCE on every ISA and thread count', (rows, cols) => {
    const want = new Float32Array(rows * cols);
    reference.orthogonal(want, rows, cols, 123n, 6, 1.5);
    for (const { isa, threads } of CONFIGS) {
      configure(isa, threads);
      const got = new Float32Array(rows * cols);
      native!.orthogonal(got, rows, cols, 123n, 6, 1.5);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect({ isa, threads, worst, ok: worst <= ORTHOGONAL_TOLERANCE.maxAbs(rows, cols, 1.5) }).toEqual({ isa, threads, worst, ok: true });
    }
  });
});

describe.skipIf(!nativeFills)('every initializer gives the same values on both backends', () => {
  const SCHEMES: [string, Record<string, unknown>][] = [
    ['random_normal', { mean: 0.1, stddev: 0.2 }], ['random_uniform', { minval: -0.3, maxval: 0.1 }],
    ['truncated_normal', { mean: 0.1, stddev: 0.2 }], ['variance_scaling', { scale: 3, mode: 'fan_avg', distribution: 'uniform' }],
    ['glorot_uniform', {}], ['glorot_normal', {}], ['he_uniform', {}], ['he_normal', {}], ['lecun_uniform', {}],
    ['lecun_normal', {}], ['kaiming_uniform', {}], ['kaiming_normal', { a: 0.1 }], ['xavier_uniform', {}], ['xavier_normal', {}],
    ['trunc_normal', { mean: 0.5, std: 2, a: -1, b: 4 }], ['torch_default', {}], ['sparse', { sparsity: 0.3 }],
    ...(nativeOrtho ? [['orthogonal', { gain: 1.2 }] as [string, Record<string, unknown>]] : []),
  ];
  afterAll(() => setBackend('auto'));

  it.each(SCHEMES)('%s %j on [3, 3, 16, 24] (2-D [48, 24] for sparse)', (name, options) => {
    const shape = name === 'sparse' ? [48, 24] : [3, 3, 16, 24];
    const init = getInitializer(name, { ...options, seed: 2026 });
    setBackend(reference);
    const want = init.sample(shape).data;
    setBackend(native!);
    const got = init.sample(shape).data;
    const exact = ['random_uniform', 'variance_scaling', 'glorot_uniform', 'he_uniform', 'lecun_uniform', 'kaiming_uniform', 'xavier_uniform', 'torch_default'].includes(name);
    for (let i = 0; i < got.length; i++) {
      const ok = name === 'orthogonal'
        ? Math.abs(got[i] - want[i]) <= ORTHOGONAL_TOLERANCE.maxAbs(3 * 3 * 16, 24, 1.2)
        : ulpDistance(got[i], want[i]) <= (exact ? 0 : NORMAL_TOLERANCE.maxUlps);
      if (!ok) throw new Error(`${name} element ${i}: native ${got[i]} vs reference ${want[i]}`);
    }
  });
});
