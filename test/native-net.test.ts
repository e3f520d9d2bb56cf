import { afterAll, describe, expect, it } from 'vitest';
import { createNativeBackend } from '../src/backend/native/index.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import type { Backend, NetworkSpec, OptimizerSpec } from '../src/backend/types.js';

const native = createNativeBackend() as Backend;
const initialThreads = native.info.threads;
afterAll(() => native.setThreads(initialThreads));

/** xorshift values in [-scale, scale): reproducible inputs without depending on the RNG module. */
function fill(n: number, seed: number, scale = 1): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = ((s >>> 8) / 2 ** 24 * 2 - 1) * scale;
  }
  return out;
}

const SGD: OptimizerSpec = {
  kind: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004, clipNorm: 0,
};
const ADAM: OptimizerSpec = { ...SGD, kind: 'adam', learningRate: 1e-3, momentum: 0 };

function mlpSpec(optimizer: OptimizerSpec): NetworkSpec {
  return {
    layers: [
      { inputs: 8, units: 32, activation: 'relu', alpha: 0, useBias: true },
      { inputs: 32, units: 16, activation: 'gelu', alpha: 0, useBias: false },
      { inputs: 16, units: 4, activation: 'softmax', alpha: 0, useBias: true },
    ],
    loss: 'categorical_crossentropy',
    optimizer,
  };
}

function params(spec: NetworkSpec, seed: number): Float32Array[] {
  return spec.layers.flatMap((l, i) => {
    const k = fill(l.inputs * l.units, seed + 2 * i, Math.sqrt(6 / (l.inputs + l.units)));
    return l.useBias ? [k, fill(l.units, seed + 2 * i + 1, 0.1)] : [k];
  });
}

/** 4 classes from the signs of two features; one-hot targets. */
function data(rows: number, seed: number): { x: Float32Array; y: Float32Array; labels: number[] } {
  const x = fill(rows * 8, seed);
  const y = new Float32Array(rows * 4);
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const c = (x[r * 8] > 0 ? 1 : 0) + (x[r * 8 + 3] > 0 ? 2 : 0);
    labels.push(c);
    y[r * 4 + c] = 1;
  }
  return { x, y, labels };
}

describe('native sgemm', () => {
  function naive(ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array) {
    const out = new Float64Array(m * n);
    const bound = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let mag = 0;
        for (let p = 0; p < k; p++) {
          const av = ta ? a[p * m + i] : a[i * k + p];
          const bv = tb ? b[j * k + p] : b[p * n + j];
          s += av * bv;
          mag += Math.abs(av * bv);
        }
        out[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]);
        // Rounding bound of a length-k f32 dot product: (k+2)·2⁻²³·(|α|Σ|ab| + |βc|).
        bound[i * n + j] = (k + 2) * 2 ** -23 * (Math.abs(alpha) * mag + Math.abs(beta * c[i * n + j])) + 1e-30;
      }
    }
    return { out, bound };
  }

  it.each([
    [false, false], [true, false], [false, true], [true, true],
  ])('transA=%s transB=%s matches a float64 loop on edge shapes, with alpha and beta', (ta, tb) => {
    for (const [m, n, k, alpha, beta] of [[1, 1, 1, 1, 0], [5, 17, 63, 1, 0], [63, 129, 17, -0.5, 2], [130, 70, 300, 0.25, 1]] as const) {
      const a = fill(m * k, m + k);
      const b = fill(k * n, n + k + 1);
      const c = fill(m * n, m + n + 2);
      const { out, bound } = naive(ta, tb, m, n, k, alpha, a, b, beta, c);
      native.sgemm(ta, tb, m, n, k, alpha, a, b, beta, c);
      for (let i = 0; i < m * n; i++) {
        if (Math.abs(c[i] - out[i]) > bound[i]) throw new Error(`${m}×${n}×${k}: C[${i}] = ${c[i]}, expected ${out[i]} ± ${bound[i]}`);
      }
    }
  });

  it('rejects bad arguments with TypeError / RangeError', () => {
    const a = new Float32Array(6);
    expect(() => native.sgemm(false, false, 2, 3, 3, 1, a, new Float32Array(9), 0, new Float32Array(5))).toThrow(RangeError);
    expect(() => native.sgemm(false, false, 2, 3, 3, 1, a, new Float32Array(8), 0, new Float32Array(6))).toThrow(/b must hold 9 values, got 8/);
    expect(() => native.sgemm(false, false, 2.5, 3, 3, 1, a, new Float32Array(9), 0, new Float32Array(6))).toThrow(RangeError);
    expect(() => native.sgemm(false, false, 2, 3, 3, NaN, a, new Float32Array(9), 0, new Float32Array(6))).toThrow(RangeError);
    expect(() => native.sgemm(false, false, 2, 3, 3, 1, new Float64Array(6) as unknown as Float32Array, new Float32Array(9), 0, new Float32Array(6))).toThrow(TypeError);
    expect(() => native.sgemm('no' as unknown as boolean, false, 2, 3, 3, 1, a, new Float32Array(9), 0, new Float32Array(6))).toThrow(TypeError);
  });
});

describe('native network', () => {
  it('learns a 4-class problem, and predict agrees with evaluate', async () => {
    const spec = mlpSpec(SGD);
    const net = native.createNetwork(spec, params(spec, 1));
    const { x, y, labels } = data(512, 3);
    const order = Uint32Array.from({ length: 512 }, (_, i) => i);
    const before = await net.evaluate(x, y, 512);
    for (let epoch = 0; epoch < 40; epoch++) {
      const losses = await net.trainBatches(x, y, 512, order, 64);
      expect(losses.length).toBe(8);
      expect(losses.every(Number.isFinite)).toBe(true);
    }
    const after = await net.evaluate(x, y, 512);
    expect(after.loss).toBeLessThan(0.2 * before.loss);
    const out = await net.predict(x, 512);
    expect(Array.from(out)).toEqual(Array.from(after.outputs));
    let correct = 0;
    for (let r = 0; r < 512; r++) {
      const row = Array.from(out.subarray(r * 4, r * 4 + 4));
      if (row.indexOf(Math.max(...row)) === labels[r]) correct++;
    }
    expect(correct / 512).toBeGreaterThan(0.95);
    net.dispose();
  });

  it('copies parameters in and out in getParams order, and setOptimizer resets the state', async () => {
    const spec = mlpSpec(ADAM);
    const p = params(spec, 5);
    const net = native.createNetwork(spec, p);
    expect(net.getParams().map((q) => q.length)).toEqual([8 * 32, 32, 32 * 16, 16 * 4, 4]);
    expect(net.getParams()).toEqual(p);
    p[0][0] = 123; // copied in: the network does not see later changes
    expect(net.getParams()[0][0]).not.toBe(123);
    const { x, y } = data(64, 7);
    const order = Uint32Array.from({ length: 64 }, (_, i) => i);
    const p0 = params(spec, 5);
    await net.trainBatches(x, y, 64, order, 16);
    const trained = net.getParams();
    // Same start, fresh optimizer → same trajectory.
    net.setParams(p0);
    net.setOptimizer(ADAM);
    await net.trainBatches(x, y, 64, order, 16);
    expect(net.getParams()).toEqual(trained);
    expect(net.spec).toEqual(spec);
    net.dispose();
  });

  it('gives identical results on 1 and 2 threads', async () => {
    const spec = mlpSpec(ADAM);
    const { x, y } = data(400, 9);
    const order = Uint32Array.from({ length: 400 }, (_, i) => (i * 7) % 400);
    const run = async (threads: number) => {
      native.setThreads(threads);
      const net = native.createNetwork(spec, params(spec, 2));
      const losses = await net.trainBatches(x, y, 400, order, 128);
      const g = net.gradients(x, y, 400);
      const out = { losses, params: net.getParams(), grads: g.grads };
      net.dispose();
      return out;
    };
    const one = await run(1);
    const two = await run(2);
    expect(two).toEqual(one);
  });

  it('reports bad input with TypeError / RangeError', async () => {
    const spec = { ...mlpSpec(SGD), loss: 'sparse_categorical_crossentropy' as const };
    const net = native.createNetwork(spec, params(spec, 1));
    const x = fill(3 * 8, 1);
    const order = Uint32Array.from([0, 1, 2]);
    await expect(net.trainBatches(x, Float32Array.from([0, 1, 4]), 3, order, 2)).rejects.toThrow(/class id at row 2 is 4/);
    await expect(net.trainBatches(x, Float32Array.from([0, 1, 4]), 3, order, 2)).rejects.toBeInstanceOf(RangeError);
    await expect(net.trainBatches(x, Float32Array.from([0, 1, 2]), 3, Uint32Array.from([0, 3]), 2)).rejects.toThrow(/order\[1\] = 3/);
    await expect(net.trainBatches(x, Float32Array.from([0, 1, 2]), 3, order, 0)).rejects.toBeInstanceOf(RangeError);
    await expect(net.trainBatches(x, Float32Array.from([0, 1]), 3, order, 2)).rejects.toThrow(/y must hold/);
    await expect(net.predict(x, 4)).rejects.toThrow(/x must hold/);
    expect(() => net.gradients(x, Float32Array.from([0, 1]), 3)).toThrow(RangeError);
    expect(() => net.setParams([new Float32Array(3)])).toThrow(RangeError);
    expect(() => net.setOptimizer({ ...SGD, learningRate: NaN })).toThrow(RangeError);
    expect(() => native.createNetwork({ ...spec, loss: 'hinge' as never }, params(spec, 1))).toThrow(TypeError);
    expect(() => native.createNetwork({ ...spec, layers: [{ ...spec.layers[0], inputs: 0 }] }, [])).toThrow(RangeError);
    const wrong = params(spec, 1);
    wrong[1] = new Float32Array(31);
    expect(() => native.createNetwork(spec, wrong)).toThrow(/params\[1\] must hold 32 values, got 31/);
    net.dispose();
    await expect(net.predict(x, 3)).rejects.toThrow(/disposed/);
    expect(() => net.getParams()).toThrow(/disposed/);
  });

  it('refuses a second call while an asynchronous one runs, then works again', async () => {
    const spec = mlpSpec(SGD);
    const net = native.createNetwork(spec, params(spec, 1));
    const { x, y } = data(2048, 1);
    const order = Uint32Array.from({ length: 2048 }, (_, i) => i);
    const running = net.trainBatches(x, y, 2048, order, 8);
    await expect(net.predict(x, 2048)).rejects.toThrow(/still running/);
    expect(() => net.getParams()).toThrow(/still running/);
    expect((await running).length).toBe(256);
    expect((await net.predict(x, 2048)).length).toBe(2048 * 4);
    net.dispose();
  });

  it('stops a diverging run after the first non-finite loss, without applying its update', async () => {
    const spec: NetworkSpec = {
      layers: [{ inputs: 8, units: 4, activation: 'linear', alpha: 0, useBias: true }, { inputs: 4, units: 4, activation: 'linear', alpha: 0, useBias: true }],
      loss: 'mean_squared_error',
      optimizer: { ...SGD, momentum: 0, learningRate: 1e3 },
    };
    const net = native.createNetwork(spec, params(spec, 1));
    const x = fill(64 * 8, 4, 10);
    const y = fill(64 * 4, 5, 10);
    const order = Uint32Array.from({ length: 64 }, (_, i) => i);
    const losses = await net.trainBatches(x, y, 64, order, 1);
    expect(losses.length).toBeGreaterThan(1);
    expect(losses.length).toBeLessThan(64);
    expect(Number.isFinite(losses[losses.length - 1])).toBe(false);
    expect(Array.from(losses.subarray(0, -1)).every(Number.isFinite)).toBe(true);
    // Parameters stay finite: the diverged batch's update was not applied.
    expect(net.getParams().every((p) => p.every(Number.isFinite))).toBe(true);
    net.dispose();
  });
});

/** Cross-check against the reference backend (the executable spec), once it implements networks. */
const reference = createReferenceBackend();
const referenceHasNetworks = (() => {
  try {
    const s = mlpSpec(SGD);
    reference.createNetwork(s, params(s, 1)).dispose();
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(referenceHasNetworks)('native vs reference network', () => {
  const relErr = (a: Float32Array, b: Float32Array) => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < a.length; i++) {
      num = Math.max(num, Math.abs(a[i] - b[i]));
      den = Math.max(den, Math.abs(b[i]));
    }
    return num / Math.max(den, 1e-30);
  };

  // Plain SGD takes the native fused path (update inside the weight-gradient GEMM); momentum SGD,
  // Adam and clipped AdamW the separate optimizer pass.
  it.each([
    ['sgd', { ...SGD, momentum: 0 }],
    ['momentum sgd', SGD],
    ['adam', ADAM],
    ['clipped adamw', { ...ADAM, kind: 'adamw', clipNorm: 0.5 }],
  ] as const)('20 %s steps agree within 1e-4 relative', async (_n, opt) => {
    const spec = mlpSpec(opt);
    const p = params(spec, 3);
    const { x, y } = data(20 * 16, 11);
    const order = Uint32Array.from({ length: 20 * 16 }, (_, i) => i);
    const a = native.createNetwork(spec, p);
    const b = reference.createNetwork(spec, p);
    const la = await a.trainBatches(x, y, 320, order, 16);
    const lb = await b.trainBatches(x, y, 320, order, 16);
    expect(relErr(la, lb)).toBeLessThan(1e-4);
    const pa = a.getParams();
    const pb = b.getParams();
    pa.forEach((q, i) => expect(relErr(q, pb[i])).toBeLessThan(1e-4));
    const ga = a.gradients(x, y, 320);
    const gb = b.gradients(x, y, 320);
    ga.grads.forEach((g, i) => expect(relErr(g, gb.grads[i])).toBeLessThan(1e-4));
    const sa = a.layerStats(x, y, 320);
    const sb = b.layerStats(x, y, 320);
    sa.forEach((s, i) => {
      for (const k of Object.keys(s) as (keyof typeof s)[]) {
        expect(Math.abs(s[k] - sb[i][k])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(sb[i][k])));
      }
    });
  });
});
