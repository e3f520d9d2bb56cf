/**
 * Long main-thread loops of fit / evaluate / predict (finiteness scans, shuffles) run in slices bounded
 * by time rather than by count, so that a slice stays short whatever the machine's speed and whether
 * V8 has optimized the loop yet (the first slices of a process run in the interpreter).
 */

/** Wall time of one slice before the event loop gets a turn. */
export const SLICE_MS = 1;

/** Lets timers and I/O run (setImmediate: after pending I/O callbacks, without a timer's clamp). */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Calls step(from, to) over [0, n) in blocks of `block` items, in order, yielding to the event loop
 * whenever SLICE_MS has passed since the last yield. A step returning true ends the loop early.
 */
export async function inSlices(n: number, block: number, step: (from: number, to: number) => boolean | void): Promise<void> {
  let sliceStart = performance.now();
  for (let from = 0; from < n; from += block) {
    if (step(from, Math.min(n, from + block)) === true) return;
    if (performance.now() - sliceStart >= SLICE_MS && from + block < n) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
}
