/** The reference backend's random fills: argument checks, then the spec functions of src/rng/fills.ts. */
import { fillBits, fillNormal, fillTruncatedNormal, fillUniform } from '../../rng/fills.js';
import {
  checkFillTarget, checkNormalArgs, checkOrthogonalArgs, checkTruncationArgs, checkUniformArgs,
} from '../../rng/checks.js';
import { orthogonalFromNormals } from './linalg.js';
import type { Backend } from '../types.js';

type RngMethods = Pick<Backend, 'fillBits' | 'fillUniform' | 'fillNormal' | 'fillTruncatedNormal' | 'orthogonal'>;

export const referenceRng: RngMethods = {
  fillBits(out, seed, stream, offset = 0) {
    checkFillTarget(out, Uint32Array, seed, stream, offset, 'fillBits');
    fillBits(out, seed, stream, offset);
  },
  fillUniform(out, seed, stream, lo, hi, offset = 0) {
    checkFillTarget(out, Float32Array, seed, stream, offset, 'fillUniform');
    checkUniformArgs(lo, hi, 'fillUniform');
    fillUniform(out, seed, stream, lo, hi, offset);
  },
  fillNormal(out, seed, stream, mean, std, offset = 0) {
    checkFillTarget(out, Float32Array, seed, stream, offset, 'fillNormal');
    checkNormalArgs(mean, std, 'fillNormal');
    fillNormal(out, seed, stream, mean, std, offset);
  },
  fillTruncatedNormal(out, seed, stream, mean, std, lower, upper, offset = 0) {
    checkFillTarget(out, Float32Array, seed, stream, offset, 'fillTruncatedNormal');
    checkNormalArgs(mean, std, 'fillTruncatedNormal');
    checkTruncationArgs(lower, upper, 'fillTruncatedNormal');
    fillTruncatedNormal(out, seed, stream, mean, std, lower, upper, offset);
  },
  orthogonal(out, rows, cols, seed, stream, gain) {
    checkOrthogonalArgs(out, rows, cols, seed, stream, gain);
    const normals = new Float32Array(rows * cols);
    fillNormal(normals, seed, stream, 0, 1);
    orthogonalFromNormals(out, rows, cols, normals, gain);
  },
};
