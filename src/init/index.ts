/** Weight initializers: Keras 3 schemes with their exact semantics, PyTorch-style schemes, fans and gains. */
export type { Initializer, InitializerConfig, FillContext } from './types.js';
export { computeFans, type Fans } from './fans.js';
export { calculateGain, NONLINEARITIES, type Nonlinearity } from './gain.js';
export {
  InitializerBase, Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal,
  VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal,
  KaimingUniform, KaimingNormal, XavierUniform, XavierNormal, TruncNormal, TorchDefault, Sparse,
  TRUNCATED_NORMAL_STD_CORRECTION, FAN_MODES, DISTRIBUTIONS, KAIMING_MODES,
  type FanMode, type Distribution, type VarianceScalingOptions, type KaimingOptions,
} from './schemes.js';
export { getInitializer, initializers, INITIALIZER_NAMES, type InitializerIdentifier } from './registry.js';
