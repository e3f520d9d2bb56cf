/**
 * The epoch policy of fit, written once for every backend. The training set is handed to the network
 * once per fit (Network.setTrainingData, which also finds NaN / ±Infinity in it before any weight
 * changes). Per epoch: a seeded shuffle of the row indices, then the batches in chunks of about 25 ms
 * of work per Network.trainRows call, which carries only the chunk's indices (an epoch crosses into
 * native code a handful of times, the reference backend yields to the event loop between chunks, and
 * onBatchEnd and the progress bar still see every batch), then training metrics, validation and the
 * epoch callbacks. Every step on the main thread is either short or cut into slices with yields between
 * them, so timers and I/O keep running while a native backend trains.
 */
import type { Network } from '../backend/types.js';
import { philoxBlock, seedToKey } from '../rng/philox.js';
import type { Callback, CallbackModel, Logs } from './callbacks.js';
import { type Matrix, checkFiniteSliced, nonFiniteError } from './data.js';
import { History } from './history.js';
import { inSlices, yieldToEventLoop } from './slices.js';
import type { Metric } from './metrics.js';
import { Progress, type ProgressSink } from './progress.js';

/** Philox stream of the shuffles (the layers' parameters use streams 2l and 2l + 1). */
export const SHUFFLE_STREAM = 0xffffffff;

export { yieldToEventLoop };

/** Swaps of Fisher–Yates for i = hi, hi − 1, …, lo + 1 (block index n − 1 − i). */
function shuffleSwaps(order: Uint32Array, key: [number, number], epoch: number, hi: number, lo: number, words: Uint32Array): void {
  const n = order.length;
  for (let i = hi; i > lo; i--) {
    philoxBlock(n - 1 - i, epoch, SHUFFLE_STREAM, 0, key[0], key[1], words);
    const u = (words[0] * 2 ** 21 + (words[1] >>> 11)) / 2 ** 53;
    const j = Math.floor(u * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/**
 * The row order of `epoch`: Fisher–Yates driven by Philox words of (seed, SHUFFLE_STREAM), block index
 * epoch·2³² + i. Each swap index takes 53 random bits, so its bias is below n/2⁵³.
 */
export function shuffleOrder(n: number, seed: bigint, epoch: number): Uint32Array {
  const order = identityOrder(n);
  shuffleSwaps(order, seedToKey(seed), epoch, n - 1, 0, new Uint32Array(4));
  return order;
}

/** shuffleOrder (the same permutation), in slices with the event loop free between them. */
export async function shuffleOrderSliced(n: number, seed: bigint, epoch: number): Promise<Uint32Array> {
  const order = identityOrder(n);
  const key = seedToKey(seed);
  const words = new Uint32Array(4);
  // Swap k (0-based) is the one for i = n − 1 − k: blocks of swaps [from, to) run i from n − 1 − from down.
  await inSlices(n - 1, 64, (from, to) => shuffleSwaps(order, key, epoch, n - 1 - from, n - 1 - to, words));
  return order;
}

/** Serializes calls into one network: a native network runs one task at a time. */
export type NetworkRunner = <T>(fn: (net: Network) => Promise<T>) => Promise<T>;

/** Most rows per evaluate / predict call, so that huge inputs do not need huge workspaces at once. */
export const EVAL_CHUNK_ROWS = 8192;
/**
 * Input values per evaluate / predict call: the native backend copies a call's inputs on the main
 * thread, and a megabyte takes a fraction of a millisecond.
 */
export const EVAL_CHUNK_VALUES = 1 << 18;

/** Rows per evaluate / predict call for rows of `cols` inputs. */
export function evalChunkRows(cols: number): number {
  return Math.max(1, Math.min(EVAL_CHUNK_ROWS, Math.floor(EVAL_CHUNK_VALUES / cols)));
}

/**
 * Mean loss and metrics of the network on (x, y), in chunks of evalChunkRows rows; metric sums are taken
 * per chunk (hits are counts, so accuracies do not depend on the chunking), keeping each main-thread
 * step as short as a chunk.
 */
export async function evaluateLogs(run: NetworkRunner, x: Matrix, y: Matrix, units: number, metrics: Metric[], prefix = ''): Promise<Logs> {
  const chunk = evalChunkRows(x.cols);
  const metricSums = metrics.map(() => 0);
  let lossSum = 0;
  for (let from = 0; from < x.rows; from += chunk) {
    const rows = Math.min(chunk, x.rows - from);
    const r = await run((net) =>
      net.evaluate(x.data.subarray(from * x.cols, (from + rows) * x.cols), y.data.subarray(from * y.cols, (from + rows) * y.cols), rows),
    );
    // Every loss is a mean over rows (and columns), so chunk means combine weighted by rows.
    lossSum += r.loss * rows;
    const ys = y.data.subarray(from * y.cols, (from + rows) * y.cols);
    metrics.forEach((m, k) => (metricSums[k] += m.sum(r.outputs, ys, rows, units)));
    await yieldToEventLoop();
  }
  const logs: Logs = { [`${prefix}loss`]: lossSum / x.rows };
  metrics.forEach((m, k) => (logs[`${prefix}${m.name}`] = metricSums[k] / (x.rows * m.perRow(units))));
  return logs;
}

export interface FitPlan {
  run: NetworkRunner;
  model: CallbackModel;
  seed: bigint;
  x: Matrix;
  y: Matrix;
  validation: { x: Matrix; y: Matrix } | null;
  /**
   * Names of x, y and the validation x in error messages, and the row of its data the validation x
   * starts at (the split point for validationSplit): x and the validation x arrive unchecked for
   * NaN / ±Infinity (toMatrix with checkFinite false), fitLoop checks them before training.
   */
  names: { x: string; y: string; validationX: string; validationFirstRow: number };
  units: number;
  metrics: Metric[];
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  callbacks: Callback[];
  verbose: 0 | 1 | 2;
  out?: ProgressSink;
}

/** Wall time one trainRows call aims at: short enough for a fluid progress bar and, on the reference
 * backend (which computes on the main thread), for a responsive event loop; long enough that crossing
 * into native code is negligible. Chunk boundaries never change the result: batches and optimizer state
 * are the same however the epoch is cut. */
const CHUNK_TARGET_MS = 25;
const MAX_CHUNK_ROWS = 65536;

/** Batches for the next call, from the measured time per batch of the previous one. */
function nextChunk(msPerBatch: number, batchSize: number): number {
  const cap = Math.max(1, Math.floor(MAX_CHUNK_ROWS / batchSize));
  if (!(msPerBatch > 0)) return Math.min(cap, 8);
  return Math.max(1, Math.min(cap, Math.floor(CHUNK_TARGET_MS / msPerBatch)));
}

export async function fitLoop(p: FitPlan): Promise<History> {
  const { x, y, batchSize } = p;
  const n = x.rows;
  const steps = Math.ceil(n / batchSize);
  const history = new History();
  history.params = { epochs: p.epochs, steps, verbose: p.verbose, batchSize, samples: n };
  // The whole training set goes to the network once; a non-finite value stops fit before any weight
  // changes or any callback runs, as toMatrix's own check would.
  const bad = await p.run((net) => net.setTrainingData(x.data, y.data, n));
  if (bad) throw nonFiniteError(bad.array === 'x' ? p.names.x : p.names.y, bad.row, bad.column, bad.value);
  try {
    if (p.validation) await checkFiniteSliced(p.validation.x, p.names.validationX, p.names.validationFirstRow);
    return await epochs(p, history);
  } finally {
    // Frees the network's copy. It cannot fail on a live network; if it did, the set would only
    // linger until the next fit or dispose, so it must not hide the error that ended the fit.
    await p.run((net) => net.clearTrainingData()).catch(() => undefined);
  }
}

async function epochs(p: FitPlan, history: History): Promise<History> {
  const { x, y, batchSize } = p;
  const n = x.rows;
  const steps = Math.ceil(n / batchSize);
  const all: Callback[] = [history, ...p.callbacks];
  const progress = new Progress(p.verbose, p.epochs, steps, p.out);
  const call = async (hook: keyof Callback, ...args: unknown[]) => {
    for (const cb of all) await (cb[hook] as ((...a: unknown[]) => unknown) | undefined)?.call(cb, ...args);
  };
  for (const cb of all) cb.setModel?.(p.model);
  p.model.stopTraining = false;
  await call('onTrainBegin', {});
  let lastLogs: Logs = {};
  // The first call of a fit runs one batch, to measure the pace.
  let chunk = 1;
  const identity = p.shuffle ? null : identityOrder(n);
  for (let epoch = 0; epoch < p.epochs && !p.model.stopTraining; epoch++) {
    await call('onEpochBegin', epoch, {});
    progress.epochBegin(epoch);
    const order = identity ?? (await shuffleOrderSliced(n, p.seed, epoch));
    let lossSum = 0;
    let seen = 0;
    for (let b0 = 0; b0 < steps && !p.model.stopTraining; ) {
      const from = b0 * batchSize;
      const rows = Math.min(n, (b0 + chunk) * batchSize) - from;
      const batches = Math.ceil(rows / batchSize);
      const started = performance.now();
      // Only the chunk's row indices cross over: the network gathers the rows from its copy of the set.
      const losses = await p.run((net) => net.trainRows(order.subarray(from, from + rows), batchSize));
      chunk = nextChunk((performance.now() - started) / losses.length, batchSize);
      for (let k = 0; k < losses.length; k++) {
        const batch = b0 + k;
        const size = Math.min(batchSize, n - batch * batchSize);
        const loss = losses[k];
        if (!Number.isFinite(loss)) {
          throw new Error(
            `fit: training diverged: the loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1} of ${steps}. ` +
              'Lower the learning rate, set clipNorm on the optimizer, or check the data and the initializer.',
          );
        }
        lossSum += loss * size;
        seen += size;
        await call('onBatchEnd', batch, { batch, size, loss });
        progress.batchEnd(batch + 1, lossSum / seen);
      }
      b0 += batches;
      await yieldToEventLoop();
    }
    const logs: Logs = { loss: lossSum / seen };
    if (p.metrics.length > 0) {
      // Training metrics are those of the end-of-epoch weights on the training rows (one forward pass).
      const train = await evaluateLogs(p.run, x, y, p.units, p.metrics);
      for (const m of p.metrics) logs[m.name] = train[m.name];
    }
    if (p.validation) Object.assign(logs, await evaluateLogs(p.run, p.validation.x, p.validation.y, p.units, p.metrics, 'val_'));
    await call('onEpochEnd', epoch, logs);
    progress.epochEnd(epoch, logs);
    lastLogs = logs;
  }
  await call('onTrainEnd', lastLogs);
  return history;
}
