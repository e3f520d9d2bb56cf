/**
 * Native random fills and the orthogonal matrix: the same argument checks as the reference backend
 * (src/rng/checks.ts, the domain of docs/SEMANTICS.md "Argument domain"), then the binding, which
 * checks again and never sees bad input from here.
 */
import type { RawBinding } from './load.js';
import {
  checkFillTarget, checkNormalArgs, checkOrthogonalArgs, checkTruncationArgs, checkUniformArgs,
} from '../../rng/checks.js';

export function fillBits(b: RawBinding, out: Uint32Array, seed: bigint, stream: number, offset: number | bigint = 0): void {
  checkFillTarget(out, Uint32Array, seed, stream, offset, 'fillBits');
  b.fillBits(out, seed, stream, offset);
}

export function fillUniform(
  b: RawBinding, out: Float32Array, seed: bigint, stream: number, lo: number, hi: number, offset: number | bigint = 0,
): void {
  checkFillTarget(out, Float32Array, seed, stream, offset, 'fillUniform');
  checkUniformArgs(lo, hi, 'fillUniform');
  b.fillUniform(out, seed, stream, lo, hi, offset);
}

export function fillNormal(
  b: RawBinding, out: Float32Array, seed: bigint, stream: number, mean: number, std: number, offset: number | bigint = 0,
): void {
  checkFillTarget(out, Float32Array, seed, stream, offset, 'fillNormal');
  checkNormalArgs(mean, std, 'fillNormal');
  b.fillNormal(out, seed, stream, mean, std, offset);
}

export function fillTruncatedNormal(
  b: RawBinding, out: Float32Array, seed: bigint, stream: number, mean: number, std: number,
  lower: number, upper: number, offset: number | bigint = 0,
): void {
  checkFillTarget(out, Float32Array, seed, stream, offset, 'fillTruncatedNormal');
  checkNormalArgs(mean, std, 'fillTruncatedNormal');
  checkTruncationArgs(lower, upper, 'fillTruncatedNormal');
  b.fillTruncatedNormal(out, seed, stream, mean, std, lower, upper, offset);
}

export function orthogonal(
  b: RawBinding, out: Float32Array, rows: number, cols: number, seed: bigint, stream: number, gain: number,
): void {
  checkOrthogonalArgs(out, rows, cols, seed, stream, gain);
  b.orthogonal(out, rows, cols, seed, stream, gain);
}
