export { Dense, type DenseConfig, type InitializerLike } from './dense.js';
export {
  Sequential,
  type SequentialOptions,
  type CompileOptions,
  type FitOptions,
  type EvaluateOptions,
  type WeightsJSON,
} from './sequential.js';
export { ACTIVATION_NAMES, parseActivation } from './activations.js';
export { LOSS_NAMES, parseLoss } from './losses.js';
