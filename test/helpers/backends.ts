/** The backends a training test can run on: the reference always, native once its network exists. */
import type { Backend, NetworkSpec } from '../../src/backend/types.js';
import { createReferenceBackend } from '../../src/backend/reference/index.js';
import { createNativeBackend } from '../../src/backend/native/index.js';

const TINY: NetworkSpec = {
  layers: [{ inputs: 1, units: 1, activation: 'linear', alpha: 0, useBias: true }],
  loss: 'mean_squared_error',
  optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, clipNorm: 0 },
};

export const reference: Backend = createReferenceBackend();

/** The native backend when its binary loads and implements createNetwork, else null. */
export const nativeNetwork: Backend | null = (() => {
  const b = createNativeBackend();
  if (!b) return null;
  try {
    b.createNetwork(TINY, [new Float32Array(1), new Float32Array(1)]).dispose();
    return b;
  } catch {
    return null;
  }
})();

/** The native backend when it also implements the fills models initialize with (what a Sequential needs), else null. */
export const native: Backend | null = (() => {
  const b = nativeNetwork;
  if (!b) return null;
  try {
    b.fillUniform(new Float32Array(1), 1n, 0, 0, 1);
    b.fillTruncatedNormal(new Float32Array(1), 1n, 0, 0, 1, -2, 2);
    return b;
  } catch {
    return null;
  }
})();

export const trainingBackends: Backend[] = native ? [reference, native] : [reference];
