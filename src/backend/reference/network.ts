/**
 * Reference dense network: forward, backward, losses, optimizers and layer statistics in plain
 * TypeScript. This is the executable form of docs/SEMANTICS.md ("Dense networks", "Layer statistics");
 * the Rust network must agree with it. Every loop runs in one fixed order, and the arithmetic is generic
 * over Float32Array / Float64Array: the backend uses f32 storage (each stored value rounded to f32, the
 * arithmetic between stores in f64), while gradcheck runs the very same code in f64.
 */
import type { ActivationName, LayerSpec, LayerStats, LossName, Network, NetworkSpec, NonFiniteValue, OptimizerSpec } from '../types.js';
import { describe } from '../../tensor.js';
import { gemm, type FloatArray } from './gemm.js';
import { NO_TRAINING_SET, TRAINING_SLICE_VALUES, checkInt, paramSizes, validateOptimizer, validateSpec, yieldNow } from '../spec.js';

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

export { ACTIVATIONS, LOSSES } from '../spec.js';

const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;
/** Keras' backend epsilon: probabilities are clipped to [EPS, 1 − EPS] by the non-fused cross-entropies. */
const PROB_EPS = 1e-7;
const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * erf in f64, accurate to ~1e−15 (gelu needs a smooth, accurate erf for gradcheck):
 * the Maclaurin series below |x| = 2 (its cancellation grows beyond), the continued fraction of erfc
 * (Abramowitz & Stegun 7.1.14) above.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2) {
    let term = x;
    let sum = x;
    const mx2 = -x * x;
    for (let n = 1; n < 200; n++) {
      term *= mx2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return sum * 1.1283791670955126;
  }
  if (ax >= 6) return Math.sign(x);
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail.
  let f = ax;
  for (let n = 80; n >= 1; n--) f = ax + n / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** A = act(Z), row by row (softmax needs whole rows). */
function activate(act: ActivationName, alpha: number, z: FloatArray, a: FloatArray, rows: number, units: number): void {
  const n = rows * units;
  switch (act) {
    case 'linear': a.set(z); return;
    case 'relu': for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0; return;
    case 'leaky_relu': for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : alpha * z[i]; return;
    case 'elu': for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : alpha * Math.expm1(z[i]); return;
    case 'selu': for (let i = 0; i < n; i++) a[i] = SELU_LAMBDA * (z[i] > 0 ? z[i] : SELU_ALPHA * Math.expm1(z[i])); return;
    case 'gelu': for (let i = 0; i < n; i++) a[i] = 0.5 * z[i] * (1 + erf(z[i] * INV_SQRT2)); return;
    case 'tanh': for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]); return;
    case 'sigmoid': for (let i = 0; i < n; i++) a[i] = 1 / (1 + Math.exp(-z[i])); return;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const o = r * units;
        let max = -Infinity;
        for (let j = 0; j < units; j++) max = Math.max(max, z[o + j]);
        let sum = 0;
        for (let j = 0; j < units; j++) sum += Math.exp(z[o + j] - max);
        for (let j = 0; j < units; j++) a[o + j] = Math.exp(z[o + j] - max) / sum;
      }
      return;
  }
}

/** dZ = dA ⊙ act'(Z) (softmax: the row-wise Jacobian product). dZ may alias dA. */
function activationBackward(
  act: ActivationName, alpha: number, z: FloatArray, a: FloatArray, dA: FloatArray, dZ: FloatArray, rows: number, units: number,
): void {
  const n = rows * units;
  switch (act) {
    case 'linear': if (dZ !== dA) dZ.set(dA); return;
    case 'relu': for (let i = 0; i < n; i++) dZ[i] = z[i] > 0 ? dA[i] : 0; return;
    case 'leaky_relu': for (let i = 0; i < n; i++) dZ[i] = z[i] > 0 ? dA[i] : alpha * dA[i]; return;
    case 'elu': for (let i = 0; i < n; i++) dZ[i] = z[i] > 0 ? dA[i] : dA[i] * alpha * Math.exp(z[i]); return;
    case 'selu':
      for (let i = 0; i < n; i++) dZ[i] = dA[i] * SELU_LAMBDA * (z[i] > 0 ? 1 : SELU_ALPHA * Math.exp(z[i]));
      return;
    case 'gelu':
      // d/dz [z·Φ(z)] = Φ(z) + z·φ(z)
      for (let i = 0; i < n; i++) {
        const zi = z[i];
        dZ[i] = dA[i] * (0.5 * (1 + erf(zi * INV_SQRT2)) + zi * INV_SQRT_2PI * Math.exp(-0.5 * zi * zi));
      }
      return;
    case 'tanh': for (let i = 0; i < n; i++) dZ[i] = dA[i] * (1 - a[i] * a[i]); return;
    case 'sigmoid': for (let i = 0; i < n; i++) dZ[i] = dA[i] * a[i] * (1 - a[i]); return;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const o = r * units;
        let dot = 0;
        for (let j = 0; j < units; j++) dot += dA[o + j] * a[o + j];
        for (let j = 0; j < units; j++) dZ[o + j] = a[o + j] * (dA[o + j] - dot);
      }
      return;
  }
}

/** Whether the output activation and the loss combine into one stable step computed from the logits. */
export function isFused(spec: NetworkSpec): boolean {
  const act = spec.layers[spec.layers.length - 1].activation;
  return (spec.loss === 'binary_crossentropy' && act === 'sigmoid') ||
    ((spec.loss === 'categorical_crossentropy' || spec.loss === 'sparse_categorical_crossentropy') && act === 'softmax');
}

/** Values per row of y: one class id for sparse_categorical_crossentropy, else the output width. */
export function targetWidth(spec: NetworkSpec): number {
  return spec.loss === 'sparse_categorical_crossentropy' ? 1 : spec.layers[spec.layers.length - 1].units;
}

/**
 * The mean loss of outputs A (logits Z) against targets y, and when `grad` is given its gradient:
 * w.r.t. Z when the loss is fused with the output activation, else w.r.t. A.
 */
function lossAndGrad(
  loss: LossName, fused: boolean, z: FloatArray, a: FloatArray, y: FloatArray, rows: number, units: number, grad: FloatArray | null,
): number {
  const n = rows * units;
  let sum = 0;
  switch (loss) {
    case 'mean_squared_error':
      for (let i = 0; i < n; i++) {
        const d = a[i] - y[i];
        sum += d * d;
        if (grad) grad[i] = (2 * d) / n;
      }
      return sum / n;
    case 'mean_absolute_error':
      for (let i = 0; i < n; i++) {
        const d = a[i] - y[i];
        sum += Math.abs(d);
        if (grad) grad[i] = Math.sign(d) / n;
      }
      return sum / n;
    case 'binary_crossentropy':
      for (let i = 0; i < n; i++) {
        if (fused) {
          const zi = z[i];
          sum += Math.max(zi, 0) - zi * y[i] + Math.log1p(Math.exp(-Math.abs(zi)));
          if (grad) grad[i] = (a[i] - y[i]) / n;
        } else {
          const p = Math.min(Math.max(a[i], PROB_EPS), 1 - PROB_EPS);
          sum -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
          // Clipping makes the loss flat outside [EPS, 1 − EPS], so the gradient vanishes there.
          if (grad) grad[i] = p === a[i] ? (p - y[i]) / (p * (1 - p)) / n : 0;
        }
      }
      return sum / n;
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy': {
      const sparse = loss === 'sparse_categorical_crossentropy';
      for (let r = 0; r < rows; r++) {
        const o = r * units;
        const target = (j: number) => (sparse ? (y[r] === j ? 1 : 0) : y[o + j]);
        if (fused) {
          let max = -Infinity;
          for (let j = 0; j < units; j++) max = Math.max(max, z[o + j]);
          let s = 0;
          for (let j = 0; j < units; j++) s += Math.exp(z[o + j] - max);
          const logSum = Math.log(s) + max;
          for (let j = 0; j < units; j++) {
            const t = target(j);
            if (t !== 0) sum -= t * (z[o + j] - logSum);
            if (grad) grad[o + j] = (a[o + j] - t) / rows;
          }
        } else {
          for (let j = 0; j < units; j++) {
            const t = target(j);
            const p = Math.min(Math.max(a[o + j], PROB_EPS), 1 - PROB_EPS);
            if (t !== 0) sum -= t * Math.log(p);
            if (grad) grad[o + j] = p === a[o + j] ? -t / p / rows : 0;
          }
        }
      }
      return sum / rows;
    }
  }
}

/** Population mean and std, two passes. */
function meanStd(x: ArrayLike<number>): { mean: number; std: number } {
  const n = x.length;
  if (n === 0) return { mean: 0, std: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) * (x[i] - mean);
  return { mean, std: Math.sqrt(v / n) };
}

interface Pass {
  loss: number;
  /** Per layer: pre-activation Z, activation A, and ∂L/∂A (∂L/∂Z for a fused output layer). */
  zs: FloatArray[];
  as: FloatArray[];
  dAs: FloatArray[];
  grads: FloatArray[];
}

export interface ReferenceNetworkOptions {
  /** Run in f64 (gradcheck). Default false: f32 storage, as the native backend. */
  float64?: boolean;
}

export class ReferenceNetwork implements Network {
  readonly spec: NetworkSpec;
  private readonly F: FloatCtor;
  private readonly fused: boolean;
  private params: FloatArray[];
  /** Index into params of each layer's kernel and bias (−1: no bias). */
  private readonly kernelAt: number[] = [];
  private readonly biasAt: number[] = [];
  private optimizer!: OptimizerSpec;
  private step = 0;
  /** Optimizer slots per parameter: sgd [velocity], rmsprop [meanSquare, momentum], adam(w) [m, v]. */
  private slots: FloatArray[][] = [];
  private disposed = false;
  /** The copy made by setTrainingData, once scanned and free of non-finite values. */
  private trainingSet: { x: Float32Array | Float64Array; y: Float32Array | Float64Array; rows: number } | null = null;

  constructor(spec: NetworkSpec, params: Float32Array[] | Float64Array[], options: ReferenceNetworkOptions = {}) {
    validateSpec(spec);
    this.spec = structuredClone(spec);
    this.F = options.float64 ? Float64Array : Float32Array;
    this.fused = isFused(spec);
    let p = 0;
    for (const l of spec.layers) {
      this.kernelAt.push(p++);
      this.biasAt.push(l.useBias ? p++ : -1);
    }
    this.params = this.shapes().map((n) => new this.F(n));
    this.setParams(params);
    this.setOptimizer(spec.optimizer);
  }

  /** Element count of each parameter, in getParams order. */
  private shapes(): number[] {
    return paramSizes(this.spec);
  }

  private alive(what: string): void {
    if (this.disposed) throw new Error(`Network.${what}: this network has been disposed`);
  }

  private checkData(x: ArrayLike<number>, y: ArrayLike<number> | null, rows: number, what: string): void {
    this.alive(what);
    checkInt(rows, `Network.${what}: rows`, 1);
    const inputs = this.spec.layers[0].inputs;
    if (!(x instanceof Float32Array || x instanceof Float64Array)) throw new TypeError(`Network.${what}: expected x to be a Float32Array, got ${describe(x)}`);
    if (x.length !== rows * inputs) throw new RangeError(`Network.${what}: x must hold rows·inputs = ${rows}·${inputs} values, got ${x.length}`);
    if (y === null) return;
    if (!(y instanceof Float32Array || y instanceof Float64Array)) throw new TypeError(`Network.${what}: expected y to be a Float32Array, got ${describe(y)}`);
    const w = targetWidth(this.spec);
    if (y.length !== rows * w) throw new RangeError(`Network.${what}: y must hold rows·${w} = ${rows * w} values, got ${y.length}`);
    if (this.spec.loss === 'sparse_categorical_crossentropy') {
      const classes = this.spec.layers[this.spec.layers.length - 1].units;
      for (let r = 0; r < rows; r++) {
        if (!Number.isInteger(y[r]) || y[r] < 0 || y[r] >= classes) {
          throw new RangeError(`Network.${what}: class id at row ${r} is ${y[r]}, expected an integer in [0, ${classes})`);
        }
      }
    }
  }

  /** Forward pass; with targets also the loss, and with `backward` every gradient. */
  private pass(x: FloatArray, y: FloatArray | null, rows: number, backward: boolean): Pass {
    const L = this.spec.layers;
    const zs: FloatArray[] = [];
    const as: FloatArray[] = [];
    let input = x;
    L.forEach((l, i) => {
      const z = new this.F(rows * l.units);
      gemm(false, false, rows, l.units, l.inputs, 1, input, this.params[this.kernelAt[i]], 0, z);
      if (l.useBias) {
        const b = this.params[this.biasAt[i]];
        for (let r = 0; r < rows; r++) for (let j = 0; j < l.units; j++) z[r * l.units + j] += b[j];
      }
      const a = l.activation === 'linear' ? z : new this.F(rows * l.units);
      activate(l.activation, l.alpha, z, a, rows, l.units);
      zs.push(z);
      as.push(a);
      input = a;
    });
    const out: Pass = { loss: NaN, zs, as, dAs: [], grads: [] };
    if (!y) return out;
    const last = L.length - 1;
    const g = backward ? new this.F(rows * L[last].units) : null;
    out.loss = lossAndGrad(this.spec.loss, this.fused, zs[last], as[last], y, rows, L[last].units, g);
    if (this.F === Float32Array) out.loss = Math.fround(out.loss);
    if (!g) return out;

    out.grads = this.shapes().map((n) => new this.F(n));
    out.dAs = new Array(L.length);
    out.dAs[last] = g;
    let dZ: FloatArray = g;
    if (!this.fused) {
      dZ = new this.F(g.length);
      activationBackward(L[last].activation, L[last].alpha, zs[last], as[last], g, dZ, rows, L[last].units);
    }
    for (let i = last; i >= 0; i--) {
      const l = L[i];
      const prev = i > 0 ? as[i - 1] : x;
      gemm(true, false, l.inputs, l.units, rows, 1, prev, dZ, 0, out.grads[this.kernelAt[i]]);
      if (l.useBias) {
        const db = out.grads[this.biasAt[i]];
        for (let j = 0; j < l.units; j++) {
          let s = 0;
          for (let r = 0; r < rows; r++) s += dZ[r * l.units + j];
          db[j] = s;
        }
      }
      if (i === 0) break;
      const dA = new this.F(rows * l.inputs);
      gemm(false, true, rows, l.inputs, l.units, 1, dZ, this.params[this.kernelAt[i]], 0, dA);
      out.dAs[i - 1] = dA;
      const p = L[i - 1];
      const dZprev = new this.F(dA.length);
      activationBackward(p.activation, p.alpha, zs[i - 1], as[i - 1], dA, dZprev, rows, p.units);
      dZ = dZprev;
    }
    return out;
  }

  /** One optimizer update with gradients `grads` (clipped in place first). */
  private update(grads: FloatArray[]): void {
    const o = this.optimizer;
    this.step++;
    const t = this.step;
    if (o.clipNorm > 0) {
      let sq = 0;
      for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
      const norm = Math.sqrt(sq);
      if (norm > o.clipNorm) {
        const scale = o.clipNorm / norm;
        for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
      }
    }
    const lr = o.learningRate;
    const adamRate = lr * Math.sqrt(1 - o.beta2 ** t) / (1 - o.beta1 ** t);
    grads.forEach((g, p) => {
      const w = this.params[p];
      const [s0, s1] = this.slots[p];
      const n = w.length;
      switch (o.kind) {
        case 'sgd':
          if (o.momentum === 0) {
            for (let i = 0; i < n; i++) w[i] -= lr * g[i];
          } else {
            for (let i = 0; i < n; i++) {
              s0[i] = o.momentum * s0[i] - lr * g[i];
              w[i] += o.nesterov ? o.momentum * s0[i] - lr * g[i] : s0[i];
            }
          }
          return;
        case 'rmsprop':
          for (let i = 0; i < n; i++) {
            s0[i] = o.rho * s0[i] + (1 - o.rho) * g[i] * g[i];
            const delta = (lr * g[i]) / Math.sqrt(s0[i] + o.epsilon);
            if (o.momentum > 0) {
              s1[i] = o.momentum * s1[i] + delta;
              w[i] -= s1[i];
            } else {
              w[i] -= delta;
            }
          }
          return;
        case 'adamw':
          for (let i = 0; i < n; i++) w[i] -= lr * o.weightDecay * w[i];
        // falls through: AdamW is decoupled decay, then the Adam step
        case 'adam':
          for (let i = 0; i < n; i++) {
            s0[i] = o.beta1 * s0[i] + (1 - o.beta1) * g[i];
            s1[i] = o.beta2 * s1[i] + (1 - o.beta2) * g[i] * g[i];
            w[i] -= (adamRate * s0[i]) / (Math.sqrt(s1[i]) + o.epsilon);
          }
          return;
      }
    });
  }

  private toF(a: Float32Array | Float64Array): FloatArray {
    return a instanceof this.F ? a : this.F.from(a);
  }

  // ---- The Network interface ----

  predict(x: Float32Array, rows: number): Promise<Float32Array> {
    return settle(() => {
      this.checkData(x, null, rows, 'predict');
      const p = this.pass(this.toF(x), null, rows, false);
      return Float32Array.from(p.as[p.as.length - 1]);
    });
  }

  trainBatches(x: Float32Array, y: Float32Array, rows: number, order: Uint32Array, batchSize: number): Promise<Float32Array> {
    return settle(() => this.trainOn('trainBatches', x, y, rows, order, batchSize));
  }

  async setTrainingData(x: Float32Array, y: Float32Array, rows: number): Promise<NonFiniteValue | null> {
    this.checkData(x, y, rows, 'setTrainingData');
    this.trainingSet = null;
    // The same slices as the native backend: copies and scans never hold the event loop for long.
    const copy = async (src: Float32Array | Float64Array) => {
      const dst = new (src instanceof Float64Array ? Float64Array : Float32Array)(src.length);
      for (let from = 0; from < src.length; from += TRAINING_SLICE_VALUES) {
        if (from > 0) await yieldNow();
        dst.set(src.subarray(from, from + TRAINING_SLICE_VALUES), from);
      }
      return dst;
    };
    const scan = async (a: Float32Array | Float64Array, array: 'x' | 'y'): Promise<NonFiniteValue | null> => {
      const cols = a.length / rows;
      for (let from = 0; from < a.length; from += TRAINING_SLICE_VALUES) {
        await yieldNow();
        const i = firstNonFinite(a, from, Math.min(a.length, from + TRAINING_SLICE_VALUES));
        if (i >= 0) return { array, row: Math.floor(i / cols), column: i % cols, value: a[i] };
      }
      return null;
    };
    const xs = await copy(x);
    const ys = await copy(y);
    const found = (await scan(xs, 'x')) ?? (await scan(ys, 'y'));
    this.alive('setTrainingData');
    if (found === null) this.trainingSet = { x: xs, y: ys, rows };
    return found;
  }

  trainRows(order: Uint32Array, batchSize: number): Promise<Float32Array> {
    return settle(() => {
      this.alive('trainRows');
      checkInt(batchSize, 'Network.trainRows: batchSize', 1);
      if (!(order instanceof Uint32Array)) throw new TypeError(`Network.trainRows: expected order to be a Uint32Array, got ${describe(order)}`);
      const set = this.trainingSet;
      if (set === null) throw new Error(NO_TRAINING_SET);
      return this.trainOn('trainRows', set.x as Float32Array, set.y as Float32Array, set.rows, order, batchSize);
    });
  }

  clearTrainingData(): Promise<void> {
    this.trainingSet = null;
    return Promise.resolve();
  }

  private trainOn(what: string, x: Float32Array, y: Float32Array, rows: number, order: Uint32Array, batchSize: number): Float32Array {
    this.checkData(x, y, rows, what);
    checkInt(batchSize, `Network.${what}: batchSize`, 1);
    if (!(order instanceof Uint32Array)) throw new TypeError(`Network.${what}: expected order to be a Uint32Array, got ${describe(order)}`);
    for (let i = 0; i < order.length; i++) {
      if (order[i] >= rows) throw new RangeError(`Network.${what}: order[${i}] = ${order[i]} is not a row index below ${rows}`);
    }
    const inputs = this.spec.layers[0].inputs;
    const tw = targetWidth(this.spec);
    const batches = Math.ceil(order.length / batchSize);
    const losses = new Float32Array(batches);
    for (let b = 0; b < batches; b++) {
      const idx = order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
      const xb = new this.F(idx.length * inputs);
      const yb = new this.F(idx.length * tw);
      idx.forEach((row, r) => {
        xb.set(x.subarray(row * inputs, (row + 1) * inputs), r * inputs);
        yb.set(y.subarray(row * tw, (row + 1) * tw), r * tw);
      });
      const p = this.pass(xb, yb, idx.length, true);
      losses[b] = p.loss;
      // A diverged batch ends the call: its gradients are not applied, and the caller names the batch.
      if (!Number.isFinite(p.loss)) return losses.slice(0, b + 1);
      this.update(p.grads);
    }
    return losses;
  }

  evaluate(x: Float32Array, y: Float32Array, rows: number): Promise<{ loss: number; outputs: Float32Array }> {
    return settle(() => {
      this.checkData(x, y, rows, 'evaluate');
      const p = this.pass(this.toF(x), this.toF(y), rows, false);
      return { loss: p.loss, outputs: Float32Array.from(p.as[p.as.length - 1]) };
    });
  }

  gradients(x: Float32Array, y: Float32Array, rows: number): { loss: number; grads: Float32Array[] } {
    const { loss, grads } = this.computeGradients(x, y, rows);
    return { loss, grads: grads.map((g) => Float32Array.from(g)) };
  }

  layerStats(x: Float32Array, y: Float32Array, rows: number): LayerStats[] {
    this.checkData(x, y, rows, 'layerStats');
    const p = this.pass(this.toF(x), this.toF(y), rows, true);
    return this.spec.layers.map((l, i): LayerStats => {
      const z = meanStd(p.zs[i]);
      const a = meanStd(p.as[i]);
      const w = this.params[this.kernelAt[i]];
      const dW = p.grads[this.kernelAt[i]];
      let sq = 0;
      for (let k = 0; k < dW.length; k++) sq += dW[k] * dW[k];
      let dead = 0;
      if (['relu', 'leaky_relu', 'elu', 'selu', 'gelu'].includes(l.activation)) {
        for (let j = 0; j < l.units; j++) {
          let alwaysOff = true;
          for (let r = 0; r < rows && alwaysOff; r++) alwaysOff = p.zs[i][r * l.units + j] <= 0;
          if (alwaysOff) dead++;
        }
      }
      return {
        preActivationMean: z.mean,
        preActivationStd: z.std,
        activationMean: a.mean,
        activationStd: a.std,
        deadFraction: dead / l.units,
        weightStd: meanStd(w).std,
        weightGradNorm: Math.sqrt(sq),
        activationGradStd: meanStd(p.dAs[i]).std,
        distinctUnits: this.distinctUnits(i),
      };
    });
  }

  /** Number of different (W[:, j], b[j]) columns, compared bitwise (b[j] = 0 without bias). */
  private distinctUnits(layer: number): number {
    const l = this.spec.layers[layer];
    const w = this.params[this.kernelAt[layer]];
    const b = l.useBias ? this.params[this.biasAt[layer]] : null;
    const column = new this.F(l.inputs + 1);
    const bits = new Uint32Array(column.buffer);
    const seen = new Set<string>();
    for (let j = 0; j < l.units; j++) {
      for (let k = 0; k < l.inputs; k++) column[k] = w[k * l.units + j];
      column[l.inputs] = b ? b[j] : 0;
      seen.add(bits.join(','));
    }
    return seen.size;
  }

  getParams(): Float32Array[] {
    this.alive('getParams');
    return this.params.map((p) => Float32Array.from(p));
  }

  setParams(params: Float32Array[] | Float64Array[]): void {
    this.alive('setParams');
    const shapes = this.shapes();
    if (!Array.isArray(params) || params.length !== shapes.length) {
      throw new RangeError(`Network.setParams: expected ${shapes.length} arrays (kernel and bias per layer), got ${describe(params)}`);
    }
    params.forEach((p, i) => {
      if (!(p instanceof Float32Array || p instanceof Float64Array)) throw new TypeError(`Network.setParams: params[${i}] must be a Float32Array, got ${describe(p)}`);
      if (p.length !== shapes[i]) throw new RangeError(`Network.setParams: params[${i}] must hold ${shapes[i]} values, got ${p.length}`);
    });
    params.forEach((p, i) => this.params[i].set(p));
  }

  setOptimizer(optimizer: OptimizerSpec): void {
    this.alive('setOptimizer');
    validateOptimizer(optimizer, 'Network.setOptimizer');
    this.optimizer = { ...optimizer };
    (this.spec as { optimizer: OptimizerSpec }).optimizer = { ...optimizer };
    this.step = 0;
    this.slots = this.shapes().map((n) => [new this.F(n), new this.F(n)]);
  }

  dispose(): void {
    this.disposed = true;
    this.params = [];
    this.slots = [];
    this.trainingSet = null;
  }

  // ---- Beyond the interface, in the network's own precision (gradcheck, tests) ----

  /** The live parameter arrays (not copies): tests perturb them for finite differences. */
  parameters(): FloatArray[] {
    return this.params;
  }

  computeLoss(x: FloatArray, y: FloatArray, rows: number): number {
    this.checkData(x, y, rows, 'computeLoss');
    return this.pass(this.toF(x), this.toF(y), rows, false).loss;
  }

  computeGradients(x: FloatArray, y: FloatArray, rows: number): { loss: number; grads: FloatArray[] } {
    this.checkData(x, y, rows, 'gradients');
    const p = this.pass(this.toF(x), this.toF(y), rows, true);
    return { loss: p.loss, grads: p.grads };
  }
}

/** Runs synchronous work as a promise, so thrown errors become rejections like the native AsyncTasks'. */
/** Index of the first NaN or ±Infinity in a[from, to), or −1 (a plain function: V8 optimizes its loop). */
function firstNonFinite(a: Float32Array | Float64Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

export function createReferenceNetwork(spec: NetworkSpec, params: Float32Array[] | Float64Array[], options?: ReferenceNetworkOptions): ReferenceNetwork {
  return new ReferenceNetwork(spec, params, options);
}
