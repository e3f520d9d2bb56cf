/**
 * The one place the cross-backend tolerances of random fills are stated (docs/SEMANTICS.md).
 *
 * Bits and uniform floats must be bit-identical, always. Normals and truncated normals are spec'd
 * as pure float32 add/multiply chains (Cephes logf, Giles erfinv), so they are bit-identical too;
 * NORMAL_TOLERANCE is the bound the cross-check tests enforce, in float32 units in the last place.
 */
export const NORMAL_TOLERANCE = { maxUlps: 0 } as const;

/**
 * Orthogonal matrices: native Householder QR in float32 (blocked, SGEMM), the reference in f64, compared
 * elementwise (docs/SEMANTICS.md "Orthogonal"). Householder QR in precision u = 2⁻²⁴ has backward error
 * ‖ΔA‖ ≤ c·n·u·‖A‖ (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., Thm 19.4), and Q
 * moves by that times the conditioning of A's leading columns, which for square Gaussian matrices has a
 * heavy tail. Entries of Q·g are about |g|/√n, so a relative error of c·n·u is c·√n·u·|g| absolute.
 * c = 64: measured over 300 seeds the ratio |Δ|/(√n·u·|g|) has median ≈ 1.4 and 99th percentile ≈ 11 for
 * square 8…100, below 2 for rectangular shapes; a rare ill-conditioned square draw can exceed it.
 */
export const ORTHOGONAL_TOLERANCE = {
  c: 64,
  u: 2 ** -24,
  /** Largest |native − reference| allowed for a rows × cols orthogonal matrix with this gain. */
  maxAbs(rows: number, cols: number, gain: number): number {
    return 64 * Math.sqrt(Math.max(rows, cols)) * 2 ** -24 * Math.abs(gain);
  },
} as const;

const view = new DataView(new ArrayBuffer(4));

/** Position of a float32 on the ordered line of all float32 values (−0 and +0 both map to 0). */
function ordinal(x: number): number {
  view.setFloat32(0, x);
  const bits = view.getInt32(0);
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** Distance in float32 units in the last place; Infinity when either is NaN. */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  return Math.abs(ordinal(a) - ordinal(b));
}
