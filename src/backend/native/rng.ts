/**
 * Native random fills and the orthogonal matrix: the shared argument checks (src/rng/checks.ts, as on
 * the reference backend), then the binding, which checks again and never sees bad input from here.
 */
import type { RawBinding } from './load.js';
import { checkedRng, type RngMethods } from '../../rng/checks.js';

export function nativeRng(b: RawBinding): RngMethods {
  return checkedRng({
    fillBits: (out, seed, stream, offset) => b.fillBits(out, seed, stream, offset),
    fillUniform: (out, seed, stream, lo, hi, offset) => b.fillUniform(out, seed, stream, lo, hi, offset),
    fillNormal: (out, seed, stream, mean, std, offset) => b.fillNormal(out, seed, stream, mean, std, offset),
    fillTruncatedNormal: (out, seed, stream, mean, std, lower, upper, offset) =>
      b.fillTruncatedNormal(out, seed, stream, mean, std, lower, upper, offset),
    orthogonal: (out, rows, cols, seed, stream, gain) => b.orthogonal(out, rows, cols, seed, stream, gain),
  });
}
