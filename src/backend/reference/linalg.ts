/**
 * Orthogonal matrices by Householder QR in f64 (Golub & Van Loan, "Matrix Computations", §5.2),
 * as docs/SEMANTICS.md "Orthogonal" specifies; the initializer of Saxe, McClelland & Ganguli (2014).
 */

/**
 * Thin QR of an n × m row-major matrix A (n ≥ m), returning Q (n × m) with its columns multiplied by
 * sign(R[j][j]) (sign(0) = 1). That product is the unique QR factor with a positive diagonal, so it
 * does not depend on the reflector convention; it is what makes Q Haar-distributed (Mezzadri 2007).
 */
export function signCorrectedQ(a: Float64Array, n: number, m: number): Float64Array {
  const A = Float64Array.from(a);
  const reflectors: Float64Array[] = [];
  const rDiag = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    // v = x − α·e₁ with α = −sign(x₀)‖x‖ avoids cancellation; H = I − 2vvᵀ/(vᵀv) maps x to α·e₁.
    let norm2 = 0;
    for (let r = j; r < n; r++) norm2 += A[r * m + j] ** 2;
    const x0 = A[j * m + j];
    const alpha = norm2 === 0 ? 0 : (x0 >= 0 ? -1 : 1) * Math.sqrt(norm2);
    const v = new Float64Array(n - j);
    for (let r = j; r < n; r++) v[r - j] = A[r * m + j];
    v[0] -= alpha;
    const vv = v.reduce((s, x) => s + x * x, 0);
    if (vv > 0) applyReflector(A, m, j, j, n, m, v, vv);
    reflectors.push(v);
    rDiag[j] = alpha;
  }
  // Q = H₀H₁…H_{m−1}·I[:, :m], accumulated backwards so each reflector touches only its trailing block.
  const Q = new Float64Array(n * m);
  for (let j = 0; j < m; j++) Q[j * m + j] = 1;
  for (let j = m - 1; j >= 0; j--) {
    const v = reflectors[j];
    const vv = v.reduce((s, x) => s + x * x, 0);
    if (vv > 0) applyReflector(Q, m, j, j, n, m, v, vv);
  }
  for (let c = 0; c < m; c++) {
    if (rDiag[c] < 0) for (let r = 0; r < n; r++) Q[r * m + c] = -Q[r * m + c];
  }
  return Q;
}

/**
 * M[r0..rowEnd, c0..colEnd) ← (I − 2vvᵀ/vv)·M on a row-major matrix with `stride` columns:
 * first wᵀ = vᵀM, then M −= (2/vv)·v·wᵀ, both sweeping rows so memory is read in order.
 */
function applyReflector(M: Float64Array, stride: number, r0: number, c0: number, rowEnd: number, colEnd: number, v: Float64Array, vv: number): void {
  const w = new Float64Array(colEnd - c0);
  for (let r = r0; r < rowEnd; r++) {
    const vr = v[r - r0];
    if (vr === 0) continue;
    const row = r * stride;
    for (let c = c0; c < colEnd; c++) w[c - c0] += vr * M[row + c];
  }
  const k = 2 / vv;
  for (let r = r0; r < rowEnd; r++) {
    const kv = k * v[r - r0];
    if (kv === 0) continue;
    const row = r * stride;
    for (let c = c0; c < colEnd; c++) M[row + c] -= kv * w[c - c0];
  }
}

/**
 * rows × cols orthogonal matrix times gain from the normals of A (n × m, n = max, m = min):
 * Q when rows ≥ cols (orthonormal columns), Qᵀ otherwise (orthonormal rows).
 */
export function orthogonalFromNormals(out: Float32Array, rows: number, cols: number, normals: Float32Array, gain: number): void {
  const n = Math.max(rows, cols);
  const m = Math.min(rows, cols);
  if (m === 0) return;
  const Q = signCorrectedQ(Float64Array.from(normals), n, m);
  if (rows >= cols) {
    for (let i = 0; i < n * m; i++) out[i] = Q[i] * gain;
  } else {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = Q[c * m + r] * gain;
  }
}
