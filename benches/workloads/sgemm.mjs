// Workload 1: sgemm float32 N×N, C = op(A)·op(B), NN / TN (Aᵀ·B) / NT (A·Bᵀ): GFLOP/s = 2N³/t.
import { measure, timeSync, Unavailable } from '../lib/harness.mjs';
import { useTf } from '../lib/peers.mjs';

const LAYOUTS = { NN: [false, false], TN: [true, false], NT: [false, true] };
// Largest N each slow peer runs: beyond it one call takes many seconds (the table says so, never silent).
const REFERENCE_MAX_N = 256;
const TFJS_CPU_MAX_N = 256;
// tfjs-wasm does A·B near 20 GFLOP/s but Aᵀ·B and A·Bᵀ near 1 (BENCHMARKS.md).
const tfjsWasmMaxN = (layout) => (layout === 'NN' ? 1024 : 512);

function randn(len, seed) {
  // A cheap LCG is enough for GEMM inputs; values in [-1, 1).
  const a = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2147483648 - 1;
  }
  return a;
}

function faninContender(ctx, backend, id, threads, n, layout, note) {
  const [ta, tb] = LAYOUTS[layout];
  let a, b, c;
  return {
    id,
    peer: backend?.name === 'native' ? 'fanin native' : 'fanin reference',
    threads,
    note,
    work: 2 * n ** 3,
    setup() {
      if (!backend) throw new Unavailable('not available', ctx.fanin.nativeError ?? 'no backend');
      // A tiny call first: a kernel that has not landed yet says so here.
      backend.sgemm(ta, tb, 2, 2, 2, 1, new Float32Array(4), new Float32Array(4), 0, new Float32Array(4));
      a = randn(n * n, 1);
      b = randn(n * n, 2);
      c = new Float32Array(n * n);
    },
    before() {
      backend.setThreads(threads);
    },
    run(iters) {
      return timeSync(() => {
        for (let i = 0; i < iters; i++) backend.sgemm(ta, tb, n, n, n, 1, a, b, 0, c);
      });
    },
    teardown() {
      a = b = c = null;
    },
  };
}

function tfContender(ctx, which, n, layout) {
  const { tf } = ctx.tfjs;
  const st = ctx.tfjs[which];
  const [ta, tb] = LAYOUTS[layout];
  const max = which === 'cpu' ? TFJS_CPU_MAX_N : tfjsWasmMaxN(layout);
  let a, b;
  const base = { id: `tfjs-${which}`, peer: `tfjs-${which}`, threads: 1, work: 2 * n ** 3 };
  if (st?.status !== 'ok') return { ...base, status: st?.status ?? 'not installed', detail: st?.detail };
  if (n > max) return { ...base, status: 'skipped', detail: `N > ${max}: one call takes many seconds` };
  return {
    ...base,
    async setup() {
      await useTf(tf, which);
      a = tf.tensor2d(randn(n * n, 1), [n, n]);
      b = tf.tensor2d(randn(n * n, 2), [n, n]);
    },
    before: () => useTf(tf, which),
    run(iters) {
      return timeSync(() => {
        for (let i = 0; i < iters; i++) {
          const c = tf.matMul(a, b, ta, tb);
          c.dataSync();
          c.dispose();
        }
      });
    },
    teardown() {
      a.dispose();
      b.dispose();
    },
  };
}

export function pyContender(ctx, lib, threads, request, work, extra = {}) {
  const base = { id: `${lib} ${threads}T`, peer: lib, threads, work, ...extra };
  const py = ctx.py;
  if (!py?.peers) return { ...base, status: 'not installed', detail: py?.reason ?? 'no python' };
  const info = py.info[threads];
  if (info?.errors?.[lib]) return { ...base, status: 'not installed', detail: info.errors[lib] };
  const peer = py.peers[threads];
  return {
    ...base,
    note: base.note ?? (threads > 1 ? 'OMP_WAIT_POLICY=PASSIVE' : ''),
    // OpenBLAS workers spin for a while after each call; let them sleep before the next contender runs.
    settleMs: threads > 1 ? 100 : 0,
    run: async (iters) => (await peer.request({ ...request, lib, iters })).seconds,
  };
}

export async function sgemmBench(ctx) {
  const { quick } = ctx;
  const sizes = quick ? [256] : [128, 256, 512, 1024, 2048];
  const out = [];
  for (const n of sizes) {
    for (const layout of Object.keys(LAYOUTS)) {
      const refNote = `pure TS, N ≤ ${REFERENCE_MAX_N} only`;
      const contenders = [
        faninContender(ctx, ctx.fanin.native, 'native 1T', 1, n, layout),
        faninContender(ctx, ctx.fanin.native, 'native 2T', 2, n, layout),
        n <= REFERENCE_MAX_N
          ? faninContender(ctx, ctx.fanin.reference, 'reference', 1, n, layout, refNote)
          : { id: 'reference', peer: 'fanin reference', threads: 1, status: 'skipped', detail: `N > ${REFERENCE_MAX_N} (small N only)` },
        tfContender(ctx, 'cpu', n, layout),
        tfContender(ctx, 'wasm', n, layout),
        pyContender(ctx, 'numpy', 1, { op: 'sgemm', n, layout }, 2 * n ** 3),
        pyContender(ctx, 'numpy', 2, { op: 'sgemm', n, layout }, 2 * n ** 3),
        pyContender(ctx, 'torch', 1, { op: 'sgemm', n, layout }, 2 * n ** 3),
        pyContender(ctx, 'torch', 2, { op: 'sgemm', n, layout }, 2 * n ** 3),
      ];
      // At N = 2048 one call takes a second or more on a busy machine: 3 reps.
      const proto = { ...ctx.protocol, reps: n >= 2048 ? Math.min(3, ctx.protocol.reps) : ctx.protocol.reps };
      const results = await measure(`sgemm ${layout} N=${n}`, contenders, { ...proto, unit: 'GFLOP/s', scale: 1e9, log: ctx.log });
      out.push({ workload: 'sgemm', name: `sgemm ${layout} N=${n}`, params: { n, layout }, results });
    }
  }
  return out;
}
