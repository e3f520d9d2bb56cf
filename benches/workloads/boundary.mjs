// Workload 4: the cost of crossing into native code, and how long the JS event loop stalls while fit runs.
import { measure, timeSync, Unavailable } from '../lib/harness.mjs';
import { BATCH, faninEpoch, faninModel } from './training.mjs';

export async function boundaryBench(ctx) {
  const out = [];
  const { binding, native, reference } = ctx.fanin;
  const counter = new Uint32Array([1, 2, 3, 4]);
  const key = new Uint32Array([5, 6]);
  let sink = 0;
  const jsFn = (x) => (x + 1) | 0;
  // One dedicated loop per figure: a shared loop calling through a function argument would be
  // polymorphic and add its own cost to every figure.
  const calls = [
    {
      id: 'N-API getThreads()',
      peer: 'fanin native',
      threads: 1,
      note: 'raw binding, no arguments, returns a u32',
      ...(binding
        ? {
            run: (iters) =>
              timeSync(() => {
                for (let i = 0; i < iters; i++) sink += binding.getThreads();
              }),
          }
        : { status: 'not available', detail: 'raw binding did not load' }),
    },
    {
      id: 'backend.philox()',
      peer: 'fanin native',
      threads: 1,
      note: 'facade checks + N-API + 4-word Uint32Array result',
      ...(native
        ? {
            run: (iters) =>
              timeSync(() => {
                for (let i = 0; i < iters; i++) sink += native.philox(counter, key)[0];
              }),
          }
        : { status: 'not available', detail: ctx.fanin.nativeError }),
    },
    {
      id: 'reference philox()',
      peer: 'fanin reference',
      threads: 1,
      note: 'the same block in pure JS, for scale',
      run: (iters) =>
        timeSync(() => {
          for (let i = 0; i < iters; i++) sink += reference.philox(counter, key)[0];
        }),
    },
    {
      id: 'JS function call',
      peer: 'js',
      threads: 1,
      note: 'baseline: a small JS function V8 may inline',
      run: (iters) =>
        timeSync(() => {
          for (let i = 0; i < iters; i++) sink = jsFn(sink);
        }),
    },
  ].map((c) => ({ work: 1, ...c }));
  const r1 = await measure('one trivial call', calls, { ...ctx.protocol, minTime: Math.max(0.02, ctx.protocol.minTime / 2), unit: 'ns/call', lowerIsBetter: true, factor: 1e9, log: ctx.log });
  out.push({ workload: 'boundary', name: 'one trivial call', params: { sink: sink > 0 }, results: r1 });

  // Event-loop lag: a 5 ms interval timer runs during one fit epoch of the MLP; the figure is the largest
  // delay of any tick beyond its period. fit runs natively off the main thread, so it should stay small.
  const batches = 48;
  const lagContender = (which, threads) => {
    const backend = ctx.fanin[which];
    const { api } = ctx.fanin;
    let m;
    return {
      id: which === 'native' ? `native ${threads}T` : 'reference',
      peer: `fanin ${which}`,
      threads,
      work: 1,
      maxIters: 1,
      note: which === 'reference' ? 'reference computes on the main thread: lag ≈ one batch' : '',
      setup() {
        if (!backend) throw new Unavailable('not available', ctx.fanin.nativeError);
        if (typeof api.Sequential !== 'function') throw new Unavailable('not available yet', 'Sequential is not on main');
        api.setBackend(backend);
        m = faninModel(ctx, 'mlp', 'sgd');
      },
      before() {
        api.setBackend(backend);
        backend.setThreads(threads);
      },
      run: () => worstTick(() => faninEpoch(api, m, ctx.trainData(batches), which === 'reference' ? 2 : batches)),
      teardown() {
        m?.dispose?.();
      },
    };
  };
  // Control: the same timer with nothing running for 300 ms shows the lag the machine itself adds.
  const idle = {
    id: 'idle (no fit)',
    peer: 'js',
    threads: 1,
    work: 1,
    maxIters: 1,
    note: 'the same probe over 300 ms of nothing: the machine\'s own scheduling delay',
    run: () => worstTick(() => new Promise((r) => setTimeout(r, 300))),
  };
  const lag = [lagContender('native', 1), lagContender('native', 2), lagContender('reference', 1), idle];
  const name = `event-loop lag during fit (MLP SGD, ${batches}×${BATCH} rows)`;
  const r2 = await measure(name, lag, { ...ctx.protocol, warmup: 1, minTime: 0, unit: 'ms', lowerIsBetter: true, factor: 1000, log: ctx.log });
  out.push({ workload: 'lag', name, params: { batches, periodMs: 5 }, results: r2 });
  return out;
}

/**
 * The event-loop lag while `work()` runs: a 5 ms interval timer, and the largest delay of any tick
 * beyond its period (the last, partial period included), in seconds.
 */
async function worstTick(work) {
  const period = 5;
  let last = performance.now();
  let worst = 0;
  const tick = () => {
    const t = performance.now();
    worst = Math.max(worst, t - last - period);
    last = t;
  };
  const h = setInterval(tick, period);
  await work();
  tick();
  clearInterval(h);
  return Math.max(0, worst) / 1000;
}
