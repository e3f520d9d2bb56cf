// Workload 2: random fills of a rows×cols float32 array (M samples/s) and orthogonal init (seconds).
import { measure, timeSync, Unavailable } from '../lib/harness.mjs';
import { useTf } from '../lib/peers.mjs';
import { pyContender } from './sgemm.mjs';

const KINDS = ['uniform', 'normal', 'truncated_normal', 'he_normal', 'glorot_uniform'];
const SEED = 42n;

/** How fanin fills `out` for each kind: Backend methods for the raw draws, the public initializers for the schemes. */
function faninFill(api, backend, kind, rows, cols) {
  switch (kind) {
    case 'uniform':
      return (out) => backend.fillUniform(out, SEED, 0, 0, 1);
    case 'normal':
      return (out) => backend.fillNormal(out, SEED, 0, 0, 1);
    case 'truncated_normal':
      return (out) => backend.fillTruncatedNormal(out, SEED, 0, 0, 1, -2, 2);
    default: {
      if (typeof api.getInitializer !== 'function') throw new Unavailable('not available yet', 'getInitializer is not on main');
      const init = api.getInitializer(kind, { seed: 42 });
      return (out) => init.fill(out, [rows, cols]);
    }
  }
}

function faninContender(ctx, which, threads, kind, rows, cols, note) {
  const backend = ctx.fanin[which];
  const { api } = ctx.fanin;
  let out, fill;
  return {
    id: which === 'native' ? `native ${threads}T` : 'reference',
    peer: `fanin ${which}`,
    threads,
    note,
    work: rows * cols,
    setup() {
      if (!backend) throw new Unavailable('not available', ctx.fanin.nativeError ?? 'no backend');
      api.setBackend(backend);
      fill = faninFill(api, backend, kind, rows, cols);
      fill(new Float32Array(kind === 'uniform' || kind === 'normal' || kind === 'truncated_normal' ? 7 : rows * cols));
      out = new Float32Array(rows * cols);
      out.fill(1); // touch every page outside the timing
    },
    before() {
      api.setBackend(backend);
      backend.setThreads(threads);
    },
    run(iters) {
      return timeSync(() => {
        for (let i = 0; i < iters; i++) fill(out);
      });
    },
    teardown() {
      out = null;
    },
  };
}

function tfContender(ctx, kind, rows, cols, note) {
  const { tf } = ctx.tfjs;
  const base = {
    id: 'tfjs',
    peer: 'tfjs',
    threads: 1,
    work: rows * cols,
    note: `${note}; allocates a tensor per call`,
  };
  if (ctx.tfjs.cpu?.status !== 'ok') return { ...base, status: ctx.tfjs.cpu?.status ?? 'not installed', detail: ctx.tfjs.cpu?.detail };
  const shape = [rows, cols];
  const make = {
    uniform: () => tf.randomUniform(shape, 0, 1, 'float32', 42),
    normal: () => tf.randomNormal(shape, 0, 1, 'float32', 42),
    truncated_normal: () => tf.truncatedNormal(shape, 0, 1, 'float32', 42),
    he_normal: () => tf.initializers.heNormal({ seed: 42 }).apply(shape),
    glorot_uniform: () => tf.initializers.glorotUniform({ seed: 42 }).apply(shape),
  }[kind];
  return {
    ...base,
    setup: () => useTf(tf, 'cpu'),
    before: () => useTf(tf, 'cpu'),
    run(iters) {
      return timeSync(() => {
        for (let i = 0; i < iters; i++) {
          const t = make();
          t.dataSync();
          t.dispose();
        }
      });
    },
  };
}

function pyNote(lib, kind) {
  if (lib === 'numpy' && kind === 'he_normal') return 'untruncated N(0, 2/fanIn), PyTorch semantics';
  if (lib === 'numpy' && kind === 'glorot_uniform') return 'random() then scale in place';
  if (lib === 'torch' && kind === 'he_normal') return 'kaiming_normal_: untruncated';
  if (lib === 'torch' && kind === 'truncated_normal') return 'trunc_normal_(-2, 2)';
  return undefined;
}

export async function samplingBench(ctx) {
  const { quick } = ctx;
  const rows = quick ? 1024 : 4096;
  const cols = rows;
  // The JS samplers run at a few M samples/s: they fill a smaller array (the rate hardly depends on size).
  const slow = quick ? 256 : 1024;
  const slowNote = `on ${slow}×${slow}`;
  const out = [];
  for (const kind of KINDS) {
    const req = { op: 'sample', kind, rows, cols };
    const contenders = [
      faninContender(ctx, 'native', 1, kind, rows, cols),
      faninContender(ctx, 'native', 2, kind, rows, cols),
      faninContender(ctx, 'reference', 1, kind, slow, slow, slowNote),
      tfContender(ctx, kind, slow, slow, slowNote),
      pyContender(ctx, 'numpy', 1, req, rows * cols, { note: pyNote('numpy', kind) ?? 'Generator (PCG64), single-threaded' }),
      pyContender(ctx, 'torch', 1, req, rows * cols, { note: pyNote('torch', kind) }),
      pyContender(ctx, 'torch', 2, req, rows * cols, { note: [pyNote('torch', kind), 'OMP_WAIT_POLICY=PASSIVE'].filter(Boolean).join('; ') }),
    ];
    const name = `${kind} ${rows}×${cols}`;
    const results = await measure(name, contenders, { ...ctx.protocol, unit: 'M samples/s', scale: 1e6, log: ctx.log });
    out.push({ workload: 'sampling', name, params: { kind, rows, cols }, results });
  }
  // The reference QR takes about 45 s at 1024² on this machine: it runs at 256² (quick) or 512² only.
  const refMax = quick ? 256 : 512;
  // LAPACK's QR of 4096² takes about 20 s per call here even unloaded (1.3 s at 1024²): fanin only.
  const HUGE = 'at 4096² each call takes tens of seconds (1024² is the comparison)';
  for (const n of quick ? [256] : [512, 1024, 4096]) {
    const huge = n > 1024;
    const skip = (id, peer, threads, detail) => ({ id, peer, threads, status: 'skipped', detail });
    const contenders = [
      orthoContender(ctx, 'native', 1, n),
      orthoContender(ctx, 'native', 2, n),
      n <= refMax ? orthoContender(ctx, 'reference', 1, n) : skip('reference', 'fanin reference', 1, `n > ${refMax}: one call takes ${n > 512 ? 'most of a minute or more' : 'many seconds'}`),
      {
        id: 'tfjs',
        peer: 'tfjs',
        threads: 1,
        status: ctx.tfjs.cpu?.status === 'ok' ? 'skipped' : (ctx.tfjs.cpu?.status ?? 'not installed'),
        detail: 'tf.initializers.orthogonal runs a JS QR that already takes seconds at 128² (it warns above 2000 elements)',
      },
      huge ? skip('numpy 1T', 'numpy', 1, HUGE) : pyContender(ctx, 'numpy', 1, { op: 'orthogonal', n }, 1, { note: 'linalg.qr (LAPACK) + sign fix' }),
      huge ? skip('numpy 2T', 'numpy', 2, HUGE) : pyContender(ctx, 'numpy', 2, { op: 'orthogonal', n }, 1, { note: 'linalg.qr (LAPACK) + sign fix' }),
      huge ? skip('torch 1T', 'torch', 1, HUGE) : pyContender(ctx, 'torch', 1, { op: 'orthogonal', n }, 1, { note: 'nn.init.orthogonal_' }),
      huge ? skip('torch 2T', 'torch', 2, HUGE) : pyContender(ctx, 'torch', 2, { op: 'orthogonal', n }, 1, { note: 'nn.init.orthogonal_; OMP_WAIT_POLICY=PASSIVE' }),
    ];
    const name = `orthogonal ${n}×${n}`;
    const proto = { ...ctx.protocol, reps: Math.min(ctx.protocol.reps, 3), warmup: huge ? 0 : 1, minTime: 0 };
    const results = await measure(name, contenders, { ...proto, unit: 's', lowerIsBetter: true, log: ctx.log });
    out.push({ workload: 'orthogonal', name, params: { n }, results });
  }
  return out;
}

function orthoContender(ctx, which, threads, n) {
  const backend = ctx.fanin[which];
  let out;
  return {
    id: which === 'native' ? `native ${threads}T` : 'reference',
    peer: `fanin ${which}`,
    threads,
    work: 1,
    maxIters: 1,
    setup() {
      if (!backend) throw new Unavailable('not available', ctx.fanin.nativeError ?? 'no backend');
      backend.orthogonal(new Float32Array(9), 3, 3, SEED, 0, 1);
      out = new Float32Array(n * n);
      out.fill(1);
    },
    before: () => backend.setThreads(threads),
    run(iters) {
      return timeSync(() => {
        for (let i = 0; i < iters; i++) backend.orthogonal(out, n, n, SEED, 0, 1);
      });
    },
    teardown() {
      out = null;
    },
  };
}
