/**
 * Reference GEMM: C = alpha·op(A)·op(B) + beta·C, row-major, op(X) = Xᵀ when its flag is set.
 * op(A) is m×k, op(B) is k×n, C is m×n. Generic over Float32Array / Float64Array so the network can
 * run in f64 for gradcheck. Each row of C is accumulated in f64 and rounded once when stored, so the
 * result is the exactly-rounded product up to f64 accumulation error; the SIMD kernels, which sum in f32,
 * agree with it within the tolerances of docs/SEMANTICS.md.
 */
import { describe } from '../../tensor.js';

export type FloatArray = Float32Array | Float64Array;

export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: FloatArray, b: FloatArray, beta: number, c: FloatArray,
): void {
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i] : a[i * k + p];
      if (aip === 0) continue;
      if (transB) {
        for (let j = 0; j < n; j++) acc[j] += aip * b[j * k + p];
      } else {
        const row = p * n;
        for (let j = 0; j < n; j++) acc[j] += aip * b[row + j];
      }
    }
    const row = i * n;
    // beta = 0 overwrites C without reading it (BLAS convention), so NaN garbage in C cannot leak in.
    if (beta === 0) for (let j = 0; j < n; j++) c[row + j] = alpha * acc[j];
    else for (let j = 0; j < n; j++) c[row + j] = alpha * acc[j] + beta * c[row + j];
  }
}

/** The Backend.sgemm entry point: checks its arguments, then runs gemm. */
export function sgemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array,
): void {
  for (const [name, v] of [['m', m], ['n', n], ['k', k]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new RangeError(`sgemm: expected ${name} to be a non-negative integer, got ${describe(v)}`);
    }
  }
  for (const [name, v] of [['alpha', alpha], ['beta', beta]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`sgemm: expected ${name} to be a finite number, got ${describe(v)}`);
    }
  }
  for (const [name, arr, need] of [['a', a, m * k], ['b', b, k * n], ['c', c, m * n]] as const) {
    if (!(arr instanceof Float32Array)) throw new TypeError(`sgemm: expected ${name} to be a Float32Array, got ${describe(arr)}`);
    if (arr.length < need) throw new RangeError(`sgemm: ${name} needs at least ${need} elements, got ${arr.length}`);
  }
  gemm(!!transA, !!transB, m, n, k, alpha, a, b, beta, c);
}
