/**
 * Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC'11),
 * the bit-exact TypeScript twin of crates/kernels/src/rng/philox.rs.
 *
 * Stream layout shared by both backends: the key is the 64-bit seed (low word first), the counter
 * is (block index low, block index high, stream, 0). Element i of a fill uses word i & 3 of block i >>> 2.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/**
 * High 32 bits of the 64-bit product a·b of two u32, exactly, via 16-bit halves (every partial
 * product stays below 2⁵³). The low half is Math.imul(a, b) >>> 0.
 */
function mulhi(a: number, b: number): number {
  const aH = a >>> 16;
  const aL = a & 0xffff;
  const bH = b >>> 16;
  const bL = b & 0xffff;
  const cross = aH * bL + ((aL * bL) >>> 16); // < 2^33
  const mid = (cross % 65536) + aL * bH; // < 2^33
  return (aH * bH + Math.floor(cross / 65536) + Math.floor(mid / 65536)) >>> 0;
}

/** One block: writes 4 words into out[outOffset..outOffset+4). */
export function philoxBlock(
  c0: number, c1: number, c2: number, c3: number,
  k0: number, k1: number,
  out: Uint32Array, outOffset = 0,
): void {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      key0 = (key0 + W0) >>> 0;
      key1 = (key1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
  }
  out[outOffset] = x0;
  out[outOffset + 1] = x1;
  out[outOffset + 2] = x2;
  out[outOffset + 3] = x3;
}

/** Splits a seed (unsigned 64-bit bigint) into the two key words, low first. */
export function seedToKey(seed: bigint): [number, number] {
  return [Number(seed & 0xffffffffn), Number((seed >> 32n) & 0xffffffffn)];
}
