// The measuring core: contenders of one workload are warmed up, calibrated, then run interleaved
// (A B C A B C …) so that a load change on this shared machine hits every contender alike. Each rep
// yields one rate; a figure is the median with min–max and n.

/** Thrown by a contender's setup when the piece it measures is not there; becomes the figure's status. */
export class Unavailable extends Error {
  constructor(status, detail) {
    super(detail ? `${status}: ${detail}` : status);
    this.status = status;
    this.detail = detail ?? '';
  }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function stats(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Maps an error thrown while setting up or running a contender to a status the table can show. */
export function statusOf(err) {
  if (err instanceof Unavailable) return { status: err.status, detail: err.detail };
  const msg = String(err?.message ?? err);
  if (/not implemented yet|is not a function|not exported|Cannot find|does not provide an export/i.test(msg)) {
    return { status: 'not available yet', detail: msg.split('\n')[0] };
  }
  if (/^not installed/.test(msg)) return { status: 'not installed', detail: msg };
  if (/^n\/a/.test(msg)) return { status: 'n/a', detail: msg.replace(/^n\/a:?\s*/, '') };
  return { status: 'error', detail: msg.split('\n')[0] };
}

/**
 * Runs one workload. Each contender:
 *   { id, peer, threads, note?, setup?(): Promise|void, before?(): Promise|void,
 *     run(iters): Promise<number>|number  // seconds for `iters` repetitions
 *     work: number,                        // units of work per repetition (FLOP, samples, …)
 *     settleMs?: number,                   // untimed pause after each rep (peers whose idle threads spin)
 *     reps?: number,                       // fewer reps than the workload's (contenders taking seconds per call)
 *     teardown?() }
 * The figure is work·iters/seconds/scale (a rate), or factor·seconds per repetition when opts.lowerIsBetter.
 * Returns one result per contender: { id, peer, threads, note, status, median, min, max, n, iters, unit }.
 */
export async function measure(name, contenders, opts) {
  const { reps, warmup, minTime, unit, scale = 1, lowerIsBetter = false, factor = 1, log = () => {} } = opts;
  const live = [];
  const results = new Map();
  for (const c of contenders) {
    const base = { id: c.id, peer: c.peer, threads: c.threads, note: c.note ?? '', unit };
    if (c.status) {
      results.set(c.id, { ...base, status: c.status, detail: c.detail ?? '' });
      continue;
    }
    try {
      if (c.setup) await c.setup();
      if (c.before) await c.before();
      // Warm-up (one call is enough when a call takes over a second), then calibrate: repeat the
      // operation until one rep lasts minTime. warmup 0 with minTime 0 runs nothing untimed.
      let t = 0;
      for (let w = 0; w < warmup && (w === 0 || t < 1); w++) t = await c.run(1);
      let iters = 1;
      if (t <= 0 && minTime > 0) t = await c.run(1);
      // Fast operations: grow the repetition count until a timed run is long enough to extrapolate from.
      const cap = c.maxIters ?? 1e8;
      while (minTime > 0 && t * iters < minTime / 8 && iters < cap) {
        iters = Math.min(cap, iters * 8);
        t = (await c.run(iters)) / iters;
      }
      if (minTime > 0 && t < minTime) iters = Math.max(1, Math.min(cap, Math.round(minTime / Math.max(t, 1e-9))));
      // A repeated operation may still be tiering up in V8 when calibrated: one more run at the final
      // count lets it settle, and corrects the count once.
      if (iters > 1) {
        t = (await c.run(iters)) / iters;
        iters = Math.max(1, Math.min(cap, Math.round(minTime / Math.max(t, 1e-9))));
      }
      if (c.settleMs) await sleep(c.settleMs);
      live.push({ c, iters, samples: [] });
    } catch (err) {
      results.set(c.id, { ...base, ...statusOf(err) });
    }
  }
  for (let r = 0; r < reps; r++) {
    for (const l of live) {
      if (l.failed || (l.c.reps !== undefined && r >= l.c.reps)) continue;
      try {
        if (l.c.before) await l.c.before();
        const secs = await l.c.run(l.iters);
        l.samples.push(lowerIsBetter ? (secs / l.iters) * factor : (l.c.work * l.iters) / secs / scale);
        if (l.c.settleMs) await sleep(l.c.settleMs);
      } catch (err) {
        l.failed = statusOf(err);
      }
    }
  }
  for (const l of live) {
    const c = l.c;
    const base = { id: c.id, peer: c.peer, threads: c.threads, note: c.note ?? '', unit, iters: l.iters };
    if (c.teardown) {
      try {
        await c.teardown();
      } catch {
        /* results stand */
      }
    }
    if (l.samples.length === 0) results.set(c.id, { ...base, ...(l.failed ?? { status: 'error', detail: 'no sample' }) });
    else results.set(c.id, { ...base, status: 'ok', ...stats(l.samples), ...(l.failed ? { partial: l.failed.detail } : {}) });
  }
  const out = contenders.map((c) => results.get(c.id));
  log(name, out);
  return out;
}

/** Wall-clock seconds of an async or sync function. */
export async function timeIt(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Wall-clock seconds of a sync function (no await, so no microtask hop in the figure). */
export function timeSync(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function fmt(x) {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.01) return x.toFixed(3);
  return x.toPrecision(2);
}

export function fmtFigure(r) {
  if (!r) return '–';
  if (r.status !== 'ok') return r.status;
  return `${fmt(r.median)} (${fmt(r.min)}–${fmt(r.max)})`;
}

/** Console lines for one workload's results. */
export function printResults(name, results) {
  const w = Math.max(...results.map((r) => r.id.length), 8);
  console.log(`  ${name}`);
  for (const r of results) {
    const fig = r.status === 'ok' ? `${fmtFigure(r)} ${r.unit}  n=${r.n}` : `${r.status}${r.detail ? ` (${r.detail})` : ''}`;
    console.log(`    ${r.id.padEnd(w)}  ${fig}${r.note ? `  [${r.note}]` : ''}`);
  }
}
