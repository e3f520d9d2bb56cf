/** The reference backend's random fills: the shared argument checks, then the spec functions of src/rng/fills.ts. */
import { fillBits, fillNormal, fillTruncatedNormal, fillUniform } from '../../rng/fills.js';
import { checkedRng } from '../../rng/checks.js';
import { orthogonalFromNormals } from './linalg.js';

export const referenceRng = checkedRng({
  fillBits,
  fillUniform,
  fillNormal,
  fillTruncatedNormal,
  orthogonal(out, rows, cols, seed, stream, gain) {
    const normals = new Float32Array(rows * cols);
    fillNormal(normals, seed, stream, 0, 1);
    orthogonalFromNormals(out, rows, cols, normals, gain);
  },
});
