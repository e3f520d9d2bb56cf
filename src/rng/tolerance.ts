/**
 * The one place the cross-backend tolerances of random fills are stated (docs/SEMANTICS.md).
 *
 * Bits and uniform floats must be bit-identical, always. Normals and truncated normals are spec'd
 * as pure float32 add/multiply chains (Cephes logf, Giles erfinv), so they are bit-identical too;
 * NORMAL_TOLERANCE is the bound the cross-check tests enforce, in float32 units in the last place.
 */
export const NORMAL_TOLERANCE = { maxUlps: 0 } as const;

/** Orthogonal matrices: f64 Householder QR in both backends, stored as f32, compared elementwise. */
export const ORTHOGONAL_TOLERANCE = { maxAbs: 1e-5 } as const;

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
