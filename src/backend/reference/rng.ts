/** The reference backend's random fills: argument checks, then the spec functions of src/rng/fills.ts. */
import { fillBits, fillNormal, fillTruncatedNormal, fillUniform } from '../../rng/fills.js';
import {
  checkFiniteF32, checkMatrixDims, checkNormalArgs, checkOffset, checkOut, checkSeed, checkStream,
  checkTruncationArgs, checkUniformArgs,
} from '../../rng/checks.js';
import { orthogonalFromNormals } from './linalg.js';
import type { Backend } from '../types.js';

type RngMethods = Pick<Backend, 'fillBits' | 'fillUniform' | 'fillNormal' | 'fillTruncatedNormal' | 'orthogonal'>;

function common(out: unknown, ctor: typeof Float32Array | typeof Uint32Array, seed: unknown, stream: unknown, offset: unknown, where: string): void {
  checkOut(out, ctor as typeof Float32Array, where);
  checkSeed(seed, where);
  checkStream(stream, where);
  checkOffset(offset, (out as Float32Array).length, where);
}

export const referenceRng: RngMethods = {
  fillBits(out, seed, stream, offset) {
    common(out, Uint32Array, seed, stream, offset, 'fillBits');
    fillBits(out, seed, stream, offset);
  },
  fillUniform(out, seed, stream, lo, hi, offset = 0) {
    common(out, Float32Array, seed, stream, offset, 'fillUniform');
    checkUniformArgs(lo, hi, 'fillUniform');
    fillUniform(out, seed, stream, lo, hi, offset);
  },
  fillNormal(out, seed, stream, mean, std, offset = 0) {
    common(out, Float32Array, seed, stream, offset, 'fillNormal');
    checkNormalArgs(mean, std, 'fillNormal');
    fillNormal(out, seed, stream, mean, std, offset);
  },
  fillTruncatedNormal(out, seed, stream, mean, std, lower, upper, offset = 0) {
    common(out, Float32Array, seed, stream, offset, 'fillTruncatedNormal');
    checkNormalArgs(mean, std, 'fillTruncatedNormal');
    checkTruncationArgs(lower, upper, 'fillTruncatedNormal');
    fillTruncatedNormal(out, seed, stream, mean, std, lower, upper, offset);
  },
  orthogonal(out, rows, cols, seed, stream, gain) {
    checkOut(out, Float32Array, 'orthogonal');
    checkMatrixDims(rows, cols, 'orthogonal');
    if (out.length !== rows * cols) throw new RangeError(`orthogonal: expected out to hold ${rows} × ${cols} = ${rows * cols} values, got ${out.length}`);
    checkSeed(seed, 'orthogonal');
    checkStream(stream, 'orthogonal');
    checkFiniteF32(gain, 'gain', 'orthogonal');
    const normals = new Float32Array(rows * cols);
    fillNormal(normals, seed, stream, 0, 1);
    orthogonalFromNormals(out, rows, cols, normals, gain);
  },
};
