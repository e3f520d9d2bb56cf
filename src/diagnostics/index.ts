export type { LayerDiagnostics } from './types.js';
export { diagnoseNetwork } from './stats.js';
export { lsuvNetwork, type LsuvOptions, type LsuvLayerResult } from './lsuv.js';
export {
  study,
  STUDY_INITS,
  STUDY_NETS,
  STUDY_DEFAULTS,
  type StudyOptions,
  type StudyResult,
  type StudyRun,
  type StudyNet,
  type StudyNetResult,
  type StudyProgress,
  type StudyOptimizer,
  type StudyDatasetName,
} from './study.js';
export { diagnose, lsuv } from './model.js';
export { LsuvInitializer, LSUV_FIT_ROWS, type LsuvInitializerOptions } from './lsuv.js';
