/**
 * Name parsing shared by activations, losses, optimizers and metrics: Keras' snake_case, TensorFlow.js'
 * camelCase and class-style names ('LeakyReLU', 'MeanSquaredError') all match, because comparison
 * ignores case, underscores, hyphens and spaces.
 */
import { describe } from '../tensor.js';

const squash = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');

/**
 * The canonical name that `value` spells, or a TypeError listing the valid names.
 * `aliases` maps extra spellings (squashed) to canonical names, e.g. { mse: 'mean_squared_error' }.
 */
export function parseName<T extends string>(value: unknown, valid: readonly T[], what: string, aliases: Record<string, T> = {}): T {
  if (typeof value === 'string') {
    const key = squash(value);
    const hit = valid.find((v) => squash(v) === key) ?? aliases[key];
    if (hit) return hit;
  }
  const extra = Object.keys(aliases);
  throw new TypeError(
    `${what}: expected one of ${valid.map((v) => `'${v}'`).join(', ')}${extra.length ? ` (or ${extra.map((a) => `'${a}'`).join(', ')})` : ''}` +
      ` (camelCase accepted too), got ${describe(value)}`,
  );
}

/** Throws when `options` holds a key not in `known` (catches typos such as `unit` for `units`). */
export function checkKeys(options: object, known: readonly string[], what: string): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new TypeError(`${what}: unknown option '${k}'; valid options are ${known.join(', ')}`);
  }
}
