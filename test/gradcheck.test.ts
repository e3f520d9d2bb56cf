/**
 * Gradcheck: the reference network's analytic gradients (run in f64) against finite differences of its
 * own loss, for every activation × loss. The difference quotient is the fourth-order central stencil
 * [8(f(w+h) − f(w−h)) − (f(w+2h) − f(w−2h))] / 12h with h = 1e−4: truncation error O(h⁴·f⁽⁵⁾) ≈ 1e−16 and
 * rounding error ≈ 1e−16·|f|/h ≈ 1e−12, so a correct gradient shows a relative error far below 1e−6.
 * Relative error of an element: |analytic − numeric| / max(|analytic|, |numeric|, 1e−5); the floor keeps
 * elements whose gradient is (nearly) zero, e.g. behind a dead ReLU, from dividing the ~1e−12 rounding
 * error of the stencil by ~0 (so those elements are held to an absolute error below 1e−11). The worst
 * case measured is ~7e−8 on this scale.
 */
import { describe, expect, it } from 'vitest';
import { philoxBlock } from '../src/rng/philox.js';
import { ACTIVATIONS, createReferenceNetwork, erf } from '../src/backend/reference/network.js';
import type { ActivationName, LossName, NetworkSpec, OptimizerSpec } from '../src/backend/types.js';

const SGD: OptimizerSpec = {
  kind: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, clipNorm: 0,
};

/** Deterministic uniforms in [0, 1) from Philox (test data only). */
function uniforms(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  const block = new Uint32Array(4);
  for (let i = 0; i < n; i++) {
    if ((i & 3) === 0) philoxBlock(i >>> 2, 0, 7, 0, seed, 0xfa, block);
    out[i] = block[i & 3] / 2 ** 32;
  }
  return out;
}

function gaussians(n: number, seed: number, std: number): Float64Array {
  const u = uniforms(2 * n, seed);
  return Float64Array.from({ length: n }, (_, i) => std * Math.sqrt(-2 * Math.log(1 - u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]));
}

interface Case {
  hidden: ActivationName[];
  output: ActivationName;
  loss: LossName;
  useBias?: boolean;
  alpha?: number;
}

const INPUTS = 3;
const OUT = 3;
const ROWS = 5;

function targets(loss: LossName, rows: number, seed: number): Float64Array {
  const u = uniforms(rows * OUT, seed);
  if (loss === 'sparse_categorical_crossentropy') return Float64Array.from({ length: rows }, (_, r) => Math.floor(u[r] * OUT));
  if (loss === 'categorical_crossentropy') {
    const y = new Float64Array(rows * OUT);
    for (let r = 0; r < rows; r++) y[r * OUT + Math.floor(u[r] * OUT)] = 1;
    return y;
  }
  return u; // regression targets and soft binary labels in [0, 1)
}

function check(c: Case, seed: number): number {
  const widths = [INPUTS, ...c.hidden.map(() => 4), OUT];
  const acts = [...c.hidden, c.output];
  const spec: NetworkSpec = {
    layers: acts.map((activation, i) => ({
      inputs: widths[i], units: widths[i + 1], activation, alpha: c.alpha ?? (activation === 'elu' ? 1 : 0.2), useBias: c.useBias ?? true,
    })),
    loss: c.loss,
    optimizer: SGD,
  };
  const params = spec.layers.flatMap((l, i) => {
    const w = gaussians(l.inputs * l.units, seed * 16 + i, 1.2 / Math.sqrt(l.inputs));
    return l.useBias ? [w, gaussians(l.units, seed * 16 + 8 + i, 0.3)] : [w];
  });
  const net = createReferenceNetwork(spec, params, { float64: true });
  const x = gaussians(ROWS * INPUTS, seed * 16 + 15, 1);
  const y = targets(c.loss, ROWS, seed);
  const { grads } = net.computeGradients(x, y, ROWS);
  const h = 1e-4;
  let worst = 0;
  net.parameters().forEach((p, k) => {
    for (let i = 0; i < p.length; i++) {
      const w0 = p[i];
      const at = (d: number) => {
        p[i] = w0 + d;
        const v = net.computeLoss(x, y, ROWS);
        p[i] = w0;
        return v;
      };
      const numeric = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
      const analytic = grads[k][i];
      const rel = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), 1e-5);
      worst = Math.max(worst, rel);
    }
  });
  return worst;
}

const OUTPUTS: Record<LossName, (hidden: ActivationName) => ActivationName[]> = {
  mean_squared_error: (h) => [h],
  mean_absolute_error: (h) => [h],
  // Cross-entropies need outputs in (0, 1): the fused logits path and the clipped probability path.
  binary_crossentropy: () => ['sigmoid', 'softmax'],
  categorical_crossentropy: () => ['softmax', 'sigmoid'],
  sparse_categorical_crossentropy: () => ['softmax', 'sigmoid'],
};

describe('gradcheck (reference backend, f64)', () => {
  let seed = 1;
  for (const hidden of ACTIVATIONS) {
    for (const loss of Object.keys(OUTPUTS) as LossName[]) {
      for (const output of OUTPUTS[loss](hidden)) {
        const s = seed++;
        it(`${hidden} hidden, ${output} output, ${loss}`, () => {
          expect(check({ hidden: [hidden], output, loss }, s)).toBeLessThan(1e-6);
        });
      }
    }
  }

  it('a deeper net without biases, non-default alphas', () => {
    expect(check({ hidden: ['leaky_relu', 'elu', 'gelu'], output: 'softmax', loss: 'categorical_crossentropy', useBias: false, alpha: 0.37 }, 999)).toBeLessThan(1e-6);
  });

  it('erf matches known values on both branches of its evaluation', () => {
    // Values from Abramowitz & Stegun table 7.1 and erfc(3), erfc(4) to 16 digits.
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 15);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 15);
    expect(1 - erf(3)).toBeCloseTo(2.209049699858544e-5, 15); // 1 − erf cannot resolve below the ulp of 1
    expect(1 - erf(4)).toBeCloseTo(1.541725790028002e-8, 15);
    expect(erf(2.5)).toBeCloseTo(0.999593047982555, 15);
    // Continuity across the switch at |x| = 2 (erf' there is 0.0207, so the step should be ~2e−14).
    expect(Math.abs(erf(2 - 1e-12) - erf(2) + 0.020666985354092053e-12)).toBeLessThan(2e-15);
  });
});
