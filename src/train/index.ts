export {
  optimizers,
  OPTIMIZER_NAMES,
  type Optimizer,
  type OptimizerKind,
  type SgdOptions,
  type RmspropOptions,
  type AdamOptions,
  type AdamwOptions,
} from './optimizers.js';
export { callbacks, EarlyStopping, type Callback, type CallbackModel, type EarlyStoppingOptions, type Logs } from './callbacks.js';
export { History, type HistoryParams } from './history.js';
export { METRIC_NAMES, type MetricName } from './metrics.js';
export type { InputData } from './data.js';
