/**
 * fanin: weight initialization and deep-network training for Node.js.
 * The public API, and nothing else.
 */
export { Tensor } from './tensor.js';
export type {
  Backend,
  BackendName,
  Network,
  NetworkSpec,
  LayerSpec,
  LayerStats,
  OptimizerSpec,
  ActivationName,
  LossName,
} from './backend/types.js';
export { setBackend, getBackend, type BackendChoice } from './backend/select.js';
export * from './init/index.js';
export * from './nn/index.js';
export * from './train/index.js';
export * from './diagnostics/index.js';
export * from './data/index.js';
export { info, type FaninInfo } from './info.js';
