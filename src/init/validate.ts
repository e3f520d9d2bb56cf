/** Option checks for initializers: each failure is a TypeError (wrong type) or RangeError (bad value) saying what was expected. */
import { describe, MAX_TENSOR_SIZE } from '../tensor.js';

const TWO_POW_53 = 2 ** 53;
const TWO_POW_64 = 1n << 64n;

/** A seed as users give it: an integer number in [0, 2^53) or a bigint in [0, 2^64); null/undefined = unseeded. */
export type SeedLike = number | bigint | null | undefined;

export function parseSeed(seed: unknown, where: string): number | bigint | null {
  if (seed === undefined || seed === null) return null;
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_53) {
      throw new RangeError(`${where}: expected seed to be an integer in [0, 2^53) (or a bigint in [0, 2^64)), got ${seed}`);
    }
    return seed;
  }
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= TWO_POW_64) throw new RangeError(`${where}: expected a bigint seed in [0, 2^64), got ${seed}`);
    return seed;
  }
  throw new TypeError(`${where}: expected seed to be an integer number, a bigint or null, got ${describe(seed)}`);
}

export function finiteNumber(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number') throw new TypeError(`${where}: expected ${name} to be a finite number, got ${describe(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`${where}: expected ${name} to be a finite number, got ${value}`);
  return value;
}

export function nonNegative(value: unknown, name: string, where: string): number {
  const v = finiteNumber(value, name, where);
  if (v < 0) throw new RangeError(`${where}: expected ${name} ≥ 0, got ${v}`);
  return v;
}

export function positive(value: unknown, name: string, where: string): number {
  const v = finiteNumber(value, name, where);
  if (!(v > 0)) throw new RangeError(`${where}: expected ${name} > 0, got ${v}`);
  return v;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, where: string): T {
  if (typeof value !== 'string') {
    throw new TypeError(`${where}: expected ${name} to be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  if (!allowed.includes(value as T)) {
    throw new RangeError(`${where}: expected ${name} to be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${value}'`);
  }
  return value as T;
}

/** Rejects option keys the scheme does not know, so a typo (`stdev`) is an error instead of a silent default. */
export function knownKeys(options: unknown, allowed: readonly string[], where: string): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: expected options to be an object, got ${describe(options)}`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !allowed.includes(key)) {
      throw new TypeError(
        `${where}: unknown option '${key}'; ${allowed.length ? `expected some of ${allowed.map((a) => `'${a}'`).join(', ')}` : 'it takes no options'}`,
      );
    }
  }
  return options as Record<string, unknown>;
}

/** Validates a shape and returns its element count: non-negative integer dims, total within MAX_TENSOR_SIZE. */
export function checkShape(shape: unknown, where: string): number {
  if (!Array.isArray(shape)) throw new TypeError(`${where}: expected shape to be an array of non-negative integers, got ${describe(shape)}`);
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number') throw new TypeError(`${where}: expected every dimension to be a non-negative integer, got [${shape.map(String).join(', ')}]`);
    if (!Number.isInteger(d) || d < 0 || d > MAX_TENSOR_SIZE) {
      throw new RangeError(`${where}: expected every dimension to be an integer in [0, ${MAX_TENSOR_SIZE}], got [${shape.map(String).join(', ')}]`);
    }
    size *= d;
  }
  if (size > MAX_TENSOR_SIZE) {
    throw new RangeError(`${where}: shape [${shape.join(', ')}] has ${size} elements, more than the limit of ${MAX_TENSOR_SIZE}`);
  }
  return size;
}
