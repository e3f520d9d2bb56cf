/** diagnose() and lsuv() on a Sequential model: the network-level functions fed with the model's data conversion. */
import type { Sequential } from '../nn/sequential.js';
import { describe } from '../tensor.js';
import { toInputs, toTargets, type InputData } from '../train/data.js';
import { lsuvNetwork, type LsuvLayerResult, type LsuvOptions } from './lsuv.js';
import { diagnoseNetwork } from './stats.js';
import type { LayerDiagnostics } from './types.js';

function access(model: Sequential, what: string) {
  if (typeof model !== 'object' || model === null || typeof (model as Partial<Sequential>).diagnosticsAccess !== 'function') {
    throw new TypeError(`${what}: expected a Sequential model, got ${describe(model)}`);
  }
  return model.diagnosticsAccess(what);
}

/**
 * Per-layer statistics of one forward + backward pass of the model on (x, y) (docs/SEMANTICS.md,
 * "Layer statistics"): pre-activation and activation mean/std, dead ReLU-family units, kernel std,
 * ‖∂L/∂W‖, std of ∂L/∂A, distinct units. Nothing is updated. The model must be compiled (the loss
 * defines the gradients).
 */
export async function diagnose(model: Sequential, x: InputData, y: InputData): Promise<LayerDiagnostics[]> {
  const { network, loss, names } = access(model, 'diagnose');
  if (loss === null) throw new Error("diagnose: compile the model first (the loss defines the gradients), e.g. model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' })");
  const spec = network.spec;
  const xm = toInputs(x, 'diagnose: x', spec.layers[0].inputs);
  const ym = toTargets(y, 'diagnose: y', loss, spec.layers[spec.layers.length - 1].units, xm.rows);
  if (xm.rows !== ym.rows) throw new RangeError(`diagnose: x has ${xm.rows} rows but y has ${ym.rows}; they must match`);
  return diagnoseNetwork(network, xm.data, ym.data, xm.rows, names);
}

/**
 * LSUV (Mishkin & Matas 2016) on every layer of the model, in place: orthonormal kernels (seeded by the
 * model seed unless options.seed is given), then each layer's kernel rescaled until the variance of
 * its pre-activation on xBatch is within `tolerance` of 1 (at most `maxIterations` rescalings).
 * Returns each layer's outcome.
 */
export async function lsuv(model: Sequential, xBatch: InputData, options: LsuvOptions = {}): Promise<LsuvLayerResult[]> {
  const { network, seed } = access(model, 'lsuv');
  const xm = toInputs(xBatch, 'lsuv: xBatch', network.spec.layers[0].inputs);
  return lsuvNetwork(network, xm.data, xm.rows, { seed, ...options });
}
