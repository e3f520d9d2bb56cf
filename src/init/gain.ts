import { describe } from '../tensor.js';

/** Nonlinearity names calculateGain accepts (PyTorch's torch.nn.init.calculate_gain table). */
export const NONLINEARITIES = [
  'linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d',
  'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu',
] as const;
export type Nonlinearity = (typeof NONLINEARITIES)[number];

/**
 * Recommended gain for a nonlinearity, PyTorch's table: linear, conv*, conv_transpose*, sigmoid → 1;
 * tanh → 5/3; relu → √2; leaky_relu → √(2/(1 + a²)) with negative slope a = param (default 0.01);
 * selu → 3/4 (Klambauer et al. 2017 would use 1 with LeCun-normal; 3/4 is PyTorch's choice for
 * self-normalising nets). `param` is read only by leaky_relu.
 */
export function calculateGain(nonlinearity: Nonlinearity | string, param?: number | null): number {
  if (typeof nonlinearity !== 'string') {
    throw new TypeError(`calculateGain: expected a nonlinearity name (${NONLINEARITIES.join(', ')}), got ${describe(nonlinearity)}`);
  }
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      if (param === undefined || param === null) return Math.sqrt(2 / (1 + 0.01 * 0.01));
      if (typeof param !== 'number') throw new TypeError(`calculateGain: expected the leaky_relu negative slope to be a number, got ${describe(param)}`);
      if (!Number.isFinite(param)) throw new RangeError(`calculateGain: expected a finite leaky_relu negative slope, got ${param}`);
      return Math.sqrt(2 / (1 + param * param));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unknown nonlinearity '${nonlinearity}'; valid names: ${NONLINEARITIES.join(', ')}`);
  }
}
