/**
 * Layer-sequential unit-variance initialisation, LSUV (Mishkin & Matas, "All you need is a good init",
 * ICLR 2016, Algorithm 1):
 *   1. pre-initialise every kernel with an orthonormal matrix (Saxe et al. 2014), biases unchanged;
 *   2. for each layer L in order, on one batch: while |Var(Z_L) − 1| ≥ tolerance and fewer than
 *      maxIterations rescalings were made, W_L ← W_L / √Var(Z_L).
 * Z_L is the layer's output before its activation; Var is the population variance over all
 * rows × units of the batch. Earlier layers are final when layer L is scaled, so one sweep suffices.
 * With zero biases, Var(Z_L) scales exactly with the square of the kernel's scale and one rescaling
 * converges; biases and non-homogeneous activations (tanh, elu…) are what the loop is for.
 */
import type { Network } from '../backend/types.js';
import { getBackend } from '../backend/select.js';
import { Tensor, describe, shapeSize } from '../tensor.js';

export interface LsuvOptions {
  /** Stop when |Var(Z) − 1| < tolerance (default 0.1, the paper's value). */
  tolerance?: number;
  /** Most rescalings per layer (default 10, the paper's value). */
  maxIterations?: number;
  /** Orthonormal pre-initialisation (default true). False keeps the current kernels and only rescales. */
  orthogonalInit?: boolean;
  /** Seed of the orthonormal matrices (default 0; a model passes its own). */
  seed?: number | bigint;
}

export interface LsuvLayerResult {
  layer: number;
  /** Var(Z) of the layer on the batch after LSUV. */
  variance: number;
  /** Rescalings applied. */
  iterations: number;
  /** Product of the factors applied to the kernel after the orthonormal pre-init. */
  scale: number;
  converged: boolean;
}

/** Stream of layer l's orthonormal kernel: apart from the streams a model uses for its own initializers. */
export const LSUV_STREAM_BASE = 0x4c530000;

export function resolveLsuvOptions(options: LsuvOptions, where: string): Required<Omit<LsuvOptions, 'seed'>> & { seed: bigint } {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: expected an options object, got ${describe(options)}`);
  for (const k of Object.keys(options)) {
    if (!['tolerance', 'maxIterations', 'orthogonalInit', 'seed'].includes(k)) {
      throw new TypeError(`${where}: unknown option '${k}'; valid options are tolerance, maxIterations, orthogonalInit, seed`);
    }
  }
  const tolerance = options.tolerance ?? 0.1;
  if (typeof tolerance !== 'number' || !(tolerance > 0 && tolerance < 1)) {
    throw new RangeError(`${where}: expected tolerance in (0, 1), got ${describe(tolerance)}`);
  }
  const maxIterations = options.maxIterations ?? 10;
  if (typeof maxIterations !== 'number' || !Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > 1000) {
    throw new RangeError(`${where}: expected maxIterations to be an integer in [1, 1000], got ${describe(maxIterations)}`);
  }
  const orthogonalInit = options.orthogonalInit ?? true;
  if (typeof orthogonalInit !== 'boolean') throw new TypeError(`${where}: expected orthogonalInit to be a boolean, got ${describe(orthogonalInit)}`);
  const s = options.seed ?? 0;
  let seed: bigint;
  if (typeof s === 'bigint' && s >= 0n && s < 2n ** 64n) seed = s;
  else if (typeof s === 'number' && Number.isSafeInteger(s) && s >= 0) seed = BigInt(s);
  else throw new TypeError(`${where}: expected seed to be a non-negative integer, got ${describe(s)}`);
  return { tolerance, maxIterations, orthogonalInit, seed };
}

/**
 * LSUV on a Network, in place, with the batch x (rows × inputs). `layers` limits the layers it
 * touches (default all; the model hook passes the layers whose kernelInitializer is 'lsuv').
 *
 * Cost: layer i is measured on a one-layer network fed with the batch's activations A_{i−1} (kept
 * from the previous layer), so a sweep costs a few passes of the whole network instead of one full
 * forward + backward pass per rescaling and layer.
 */
export async function lsuvNetwork(network: Network, x: Float32Array, rows: number, options: LsuvOptions = {}, layers?: readonly number[]): Promise<LsuvLayerResult[]> {
  const opts = resolveLsuvOptions(options, 'lsuv');
  const spec = network.spec;
  const backend = getBackend();
  const params = network.getParams();
  // Index of each layer's kernel in the flat parameter list (kernel, then bias when useBias).
  const kernelAt: number[] = [];
  let p = 0;
  for (const l of spec.layers) {
    kernelAt.push(p);
    p += l.useBias ? 2 : 1;
  }
  const todo = new Set(layers ?? spec.layers.map((_, i) => i));
  const results: LsuvLayerResult[] = [];
  let input = x;
  const last = Math.max(-1, ...todo);
  for (let i = 0; i <= last; i++) {
    const l = spec.layers[i];
    const own = l.useBias ? [params[kernelAt[i]], params[kernelAt[i] + 1]] : [params[kernelAt[i]]];
    const kernel = own[0];
    if (todo.has(i) && opts.orthogonalInit) backend.orthogonal(kernel, l.inputs, l.units, opts.seed, LSUV_STREAM_BASE + i, 1);
    // Only Z's statistics are read; the loss is a placeholder the backward pass needs.
    const single = backend.createNetwork({ layers: [l], loss: 'mean_squared_error', optimizer: spec.optimizer }, own);
    try {
      if (todo.has(i)) {
        const zeros = new Float32Array(rows * l.units);
        const measure = () => single.layerStats(input, zeros, rows)[0].preActivationStd ** 2;
        let variance = measure();
        let iterations = 0;
        let scale = 1;
        while (Math.abs(variance - 1) >= opts.tolerance && iterations < opts.maxIterations) {
          if (!(variance > 0) || !Number.isFinite(variance)) break; // a dead or exploded layer cannot be rescaled to 1
          const factor = 1 / Math.sqrt(variance);
          for (let k = 0; k < kernel.length; k++) kernel[k] *= factor;
          scale *= factor;
          iterations++;
          single.setParams(own);
          variance = measure();
        }
        results.push({ layer: i, variance, iterations, scale, converged: Math.abs(variance - 1) < opts.tolerance });
      }
      if (i < last) input = await single.predict(input, rows);
    } finally {
      single.dispose();
    }
  }
  network.setParams(params);
  return results;
}

export interface LsuvInitializerOptions {
  tolerance?: number;
  maxIterations?: number;
  /** Seed of the orthonormal pre-initialisation (default: the model's). */
  seed?: number | bigint;
}

/** Rows of the batch LSUV measures at the first fit: evenly spaced over the training rows. */
export const LSUV_FIT_ROWS = 512;

/**
 * `kernelInitializer: 'lsuv'`: fills the kernel with the orthonormal pre-initialisation (gain 1) when the
 * model is built; at the model's first `fit`, the layers with this initializer are rescaled by LSUV on
 * up to LSUV_FIT_ROWS training rows (in layer order, each measured after the earlier ones are final).
 * Outside a model (sample / fill alone) it is an orthogonal initializer.
 */
export class LsuvInitializer {
  readonly className = 'LSUV';
  readonly tolerance: number;
  readonly maxIterations: number;
  readonly seed: bigint | null;

  constructor(options: LsuvInitializerOptions = {}) {
    const o = resolveLsuvOptions({ ...options, seed: options.seed ?? 0 }, 'LSUV');
    this.tolerance = o.tolerance;
    this.maxIterations = o.maxIterations;
    this.seed = options.seed === undefined || options.seed === null ? null : o.seed;
  }

  fill(out: Float32Array, shape: readonly number[], ctx: { seed?: bigint; stream?: number } = {}): void {
    if (!(out instanceof Float32Array)) throw new TypeError(`LSUV.fill: expected a Float32Array, got ${describe(out)}`);
    if (!Array.isArray(shape) || shape.length < 2) {
      throw new RangeError(`LSUV: needs a kernel shape of rank ≥ 2 such as [fanIn, fanOut], got ${describe(shape)}`);
    }
    const cols = shape[shape.length - 1];
    const size = shapeSize(shape, 'LSUV.fill');
    if (size !== out.length) throw new RangeError(`LSUV.fill: shape [${shape.join(', ')}] holds ${size} values but out has ${out.length}`);
    if (size === 0) return;
    getBackend().orthogonal(out, size / cols, cols, this.seed ?? ctx.seed ?? 0n, ctx.stream ?? 0, 1);
  }

  sample(shape: readonly number[], ctx: { seed?: bigint; stream?: number } = {}): Tensor {
    const out = new Float32Array(shapeSize(shape, 'LSUV.sample'));
    this.fill(out, shape, ctx);
    return new Tensor(out, shape);
  }

  getConfig(): { className: string; config: Record<string, unknown> } {
    const config: Record<string, unknown> = { tolerance: this.tolerance, maxIterations: this.maxIterations };
    if (this.seed !== null) config.seed = this.seed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(this.seed) : this.seed;
    return { className: 'LSUV', config };
  }
}

/** True for 'lsuv' (any case) and { className: 'LSUV', config }. */
export function isLsuvIdentifier(value: unknown): boolean {
  if (typeof value === 'string') return value.replace(/[_\s-]/g, '').toLowerCase() === 'lsuv';
  return typeof value === 'object' && value !== null && !('fill' in value) && String((value as { className?: unknown }).className).toLowerCase() === 'lsuv';
}

/** Builds the initializer for 'lsuv' or { className: 'LSUV', config }. */
export function lsuvFromIdentifier(value: unknown): LsuvInitializer {
  const config = typeof value === 'object' && value !== null ? ((value as { config?: LsuvInitializerOptions }).config ?? {}) : {};
  return new LsuvInitializer(config);
}

/**
 * The first-fit hook of Sequential: LSUV on the layers whose kernel initializer is an LsuvInitializer
 * (their kernels already hold the orthonormal pre-initialisation), measured on up to LSUV_FIT_ROWS
 * evenly spaced rows of x (rows × inputs).
 */
export async function applyLsuvInitializers(network: Network, kernelInitializers: readonly unknown[], x: Float32Array, rows: number): Promise<LsuvLayerResult[]> {
  const layers = kernelInitializers.flatMap((init, i) => (init instanceof LsuvInitializer ? [i] : []));
  if (layers.length === 0) return [];
  const inputs = network.spec.layers[0].inputs;
  const n = Math.min(rows, LSUV_FIT_ROWS);
  const batch = new Float32Array(n * inputs);
  for (let r = 0; r < n; r++) {
    const src = Math.floor((r * rows) / n);
    batch.set(x.subarray(src * inputs, (src + 1) * inputs), r * inputs);
  }
  const settings = (i: number) => {
    const init = kernelInitializers[i] as LsuvInitializer;
    return { tolerance: init.tolerance, maxIterations: init.maxIterations, orthogonalInit: false };
  };
  const same = layers.every((i) => JSON.stringify(settings(i)) === JSON.stringify(settings(layers[0])));
  // One sweep when the layers share their settings; else one sweep per layer, in order.
  if (same) return lsuvNetwork(network, batch, n, settings(layers[0]), layers);
  const results: LsuvLayerResult[] = [];
  for (const i of layers) results.push(...(await lsuvNetwork(network, batch, n, settings(i), [i])));
  return results;
}
