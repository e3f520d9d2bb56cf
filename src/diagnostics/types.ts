import type { ActivationName, LayerStats } from '../backend/types.js';

/** One layer's statistics from `diagnose`: the Network's LayerStats plus which layer it is. */
export interface LayerDiagnostics extends LayerStats {
  /** Layer name (the model's, or `dense_<i>`). */
  layer: string;
  /** Position in the network, 0 = first Dense layer. */
  index: number;
  units: number;
  activation: ActivationName;
}
