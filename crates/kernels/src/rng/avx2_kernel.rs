//! AVX2 kernel of the random fills: Philox4x32-10 on 8 blocks per step, then the transform of
//! math.rs on 8 lanes, with the same f32 operations in the same order (no FMA), so every output is
//! bit-identical to the scalar path.
//!
//! Philox layout. `_mm256_mul_epu32` multiplies the low 32 bits of each 64-bit slot into a full
//! 64-bit product, so a Philox word is kept in the low half of a 64-bit slot: one register holds one
//! word of 4 blocks, and two such half-sets (A, B) make the 8 blocks of a step. The product's high
//! word is one 64-bit shift or dword shuffle away and its low word is the product itself (the garbage
//! high halves are never read: the multiply ignores them, the xors only feed the next multiply, and
//! the final join keeps low halves only).
//! This takes 2 multiplies, 2 shifts and 4 xors per round per half-set. Within a step only the low
//! counter word differs between blocks, so the first two rounds' constant parts are computed once
//! (see `Fold`): 18 multiplies per block instead of 20.
//!
//! Output order. The lanes are assigned to blocks so that the 4×8 word transpose needs only the
//! in-lane unpacks: lane ℓ runs block 2·(ℓ mod 4) + ⌊ℓ/4⌋, i.e. the lanes hold blocks
//! [0, 2, 4, 6, 1, 3, 5, 7]; unpacking words 0..3 then yields blocks (0,1), (2,3), (4,5), (6,7) as the
//! four consecutive 8-element vectors. The even lanes come from half-set A (blocks 0, 4, 1, 5 in its
//! slots), the odd lanes from B (blocks 2, 6, 3, 7).

use core::arch::x86_64::*;

use super::fill::{block, Op};
use super::math::{ERFINV_CENTRAL, ERFINV_TAIL, LN2_HI, LN2_LO, LOGF_P, LOGF_SPLIT_BITS, TWO_M24, Y_MAX};

const LANES: usize = 8;
const M0: i32 = 0xD251_1F53u32 as i32;
const M1: i32 = 0xCD9E_8D57u32 as i32;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;
/// Bits of f32(√½), 0x3F3504F3: logf's split point (SEMANTICS.md) with exponent −1.
const SQRT_HALF_BITS: i32 = LOGF_SPLIT_BITS as i32 - 0x0080_0000 + 1;

/// Broadcast transform parameters (see [`Op`]).
struct Params {
    lo: __m256,
    d: __m256,
    m: __m256,
    h: __m256,
    mean: __m256,
    s: __m256,
    a: __m256,
    b: __m256,
}

const K_BITS: u8 = 0;
const K_UNIFORM: u8 = 1;
const K_NORMAL: u8 = 2;
const K_TRUNCATED: u8 = 3;

/// Fills whole blocks `first_block ..` into `out` (4 words per block) in steps of 8 blocks; returns
/// the number of blocks filled (the remainder, fewer than 8, is the caller's).
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn fill_blocks(out: &mut [u32], key: [u32; 2], stream: u32, first_block: u64, op: &Op) -> usize {
    let groups = out.len() / (4 * LANES);
    let p = params(op);
    match *op {
        Op::Bits => run::<K_BITS>(out, groups, key, stream, first_block, op, &p),
        Op::Uniform { .. } => run::<K_UNIFORM>(out, groups, key, stream, first_block, op, &p),
        Op::Normal { .. } => run::<K_NORMAL>(out, groups, key, stream, first_block, op, &p),
        Op::Truncated { .. } => run::<K_TRUNCATED>(out, groups, key, stream, first_block, op, &p),
    }
    groups * LANES
}

#[target_feature(enable = "avx2")]
unsafe fn params(op: &Op) -> Params {
    let z = _mm256_setzero_ps();
    let mut p = Params { lo: z, d: z, m: z, h: z, mean: z, s: z, a: z, b: z };
    match *op {
        Op::Bits => {}
        Op::Uniform { lo, d } => {
            p.lo = _mm256_set1_ps(lo);
            p.d = _mm256_set1_ps(d);
        }
        Op::Normal { mean, s } => {
            p.mean = _mm256_set1_ps(mean);
            p.s = _mm256_set1_ps(s);
        }
        Op::Truncated { m, h, mean, s, a, b } => {
            p.m = _mm256_set1_ps(m);
            p.h = _mm256_set1_ps(h);
            p.mean = _mm256_set1_ps(mean);
            p.s = _mm256_set1_ps(s);
            p.a = _mm256_set1_ps(a);
            p.b = _mm256_set1_ps(b);
        }
    }
    p
}

#[target_feature(enable = "avx2")]
unsafe fn run<const K: u8>(out: &mut [u32], groups: usize, key: [u32; 2], stream: u32, first_block: u64, op: &Op, p: &Params) {
    // The round keys are the same for every block: broadcast them once.
    let mut keys = [_mm256_setzero_si256(); 20];
    let (mut k0, mut k1) = (key[0], key[1]);
    for r in 0..10 {
        keys[2 * r] = _mm256_set1_epi32(k0 as i32);
        keys[2 * r + 1] = _mm256_set1_epi32(k1 as i32);
        k0 = k0.wrapping_add(W0);
        k1 = k1.wrapping_add(W1);
    }
    let lane_a = _mm256_set_epi64x(5, 1, 4, 0);
    let lane_b = _mm256_set_epi64x(7, 3, 6, 2);
    let dst = out.as_mut_ptr();
    let mut fold = Fold::new(key, stream, first_block >> 32);
    let mut g = 0;
    while g < groups {
        let b0 = first_block.wrapping_add((g * LANES) as u64);
        let o = dst.add(g * 4 * LANES);
        let pair = g + 1 < groups;
        let span = if pair { 2 * LANES } else { LANES } as u32;
        if (b0 as u32) > u32::MAX - (span - 1) {
            // The low counter word wraps inside this step (once per 2³² blocks): scalar blocks.
            for j in 0..span as u64 {
                let w = block(key, stream, b0.wrapping_add(j));
                for (k, &wk) in w.iter().enumerate() {
                    *o.add(4 * j as usize + k) = op.apply(wk);
                }
            }
            g += span as usize / LANES;
            continue;
        }
        if fold.hi != b0 >> 32 {
            fold = Fold::new(key, stream, b0 >> 32);
        }
        let lo = _mm256_set1_epi64x((b0 as u32) as i64);
        let x = philox8(_mm256_add_epi64(lo, lane_a), _mm256_add_epi64(lo, lane_b), &fold, &keys);
        if pair {
            // Two steps per iteration: 8 independent vectors for the transform's serial chains.
            let lo2 = _mm256_add_epi64(lo, _mm256_set1_epi64x(LANES as i64));
            let x2 = philox8(_mm256_add_epi64(lo2, lane_a), _mm256_add_epi64(lo2, lane_b), &fold, &keys);
            let v = xf::<K, 8>([x[0], x[1], x[2], x[3], x2[0], x2[1], x2[2], x2[3]], p);
            store_step(o, [v[0], v[1], v[2], v[3]]);
            store_step(o.add(4 * LANES), [v[4], v[5], v[6], v[7]]);
            g += 2;
        } else {
            store_step(o, xf::<K, 4>(x, p));
            g += 1;
        }
    }
}

/// The parts of rounds 0–2 that are the same for every block of a step. Counter (L, H, S, 0) with
/// only L varying: round 0's product M1·S is a constant, so round 1's first word and hence its
/// product M0·c₀ are constants too; only 18 of the 20 multiplies per block depend on L, and the
/// xors of constants with keys fold into one broadcast each. (Exact: the same words, reassociated
/// xors.)
struct Fold {
    hi: u64,
    /// Round 0: c₂ = hi(M0·L) ^ k1.
    k1: __m256i,
    /// Round 1: c₀ = hi(M1·c₂) ^ lo(M1·S) ^ k0′.
    c0: __m256i,
    /// Round 1: c₂ = lo(M0·L) ^ hi(M0·A) ^ k1′, A = round 1's constant c₀.
    c2: __m256i,
    /// Round 2: c₂ = hi(M0·c₀) ^ lo(M0·A) ^ k1″.
    e2: __m256i,
}

impl Fold {
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn new(key: [u32; 2], stream: u32, hi: u64) -> Fold {
        let h = hi as u32;
        let (k0r1, k1r1) = (key[0].wrapping_add(W0), key[1].wrapping_add(W1));
        let k1r2 = key[1].wrapping_add(W1.wrapping_mul(2));
        let ps = (M1 as u32 as u64) * stream as u64;
        let a = ((ps >> 32) as u32) ^ h ^ key[0];
        let pa = (M0 as u32 as u64) * a as u64;
        Fold {
            hi,
            k1: _mm256_set1_epi32(key[1] as i32),
            c0: _mm256_set1_epi32((ps as u32 ^ k0r1) as i32),
            c2: _mm256_set1_epi32(((pa >> 32) as u32 ^ k1r1) as i32),
            e2: _mm256_set1_epi32((pa as u32 ^ k1r2) as i32),
        }
    }
}

/// Stores one step's 4 word vectors as 32 consecutive elements: a 4×8 transpose with in-lane unpacks
/// only (see the module doc for the lane order).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn store_step(o: *mut u32, v: [__m256i; 4]) {
    let a = _mm256_unpacklo_epi32(v[0], v[1]);
    let b = _mm256_unpackhi_epi32(v[0], v[1]);
    let c = _mm256_unpacklo_epi32(v[2], v[3]);
    let d = _mm256_unpackhi_epi32(v[2], v[3]);
    _mm256_storeu_si256(o as *mut __m256i, _mm256_unpacklo_epi64(a, c));
    _mm256_storeu_si256(o.add(8) as *mut __m256i, _mm256_unpackhi_epi64(a, c));
    _mm256_storeu_si256(o.add(16) as *mut __m256i, _mm256_unpacklo_epi64(b, d));
    _mm256_storeu_si256(o.add(24) as *mut __m256i, _mm256_unpackhi_epi64(b, d));
}

/// Philox4x32-10 of 8 blocks. `ca`, `cb`: low counter words in the low halves of the 64-bit slots
/// of half-sets A and B; the rest of the counter is in `f`. Returns words 0..3 with lane ℓ of word k
/// from half-set A (ℓ even, slot ℓ/2) or B (ℓ odd).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn philox8(ca: __m256i, cb: __m256i, f: &Fold, keys: &[__m256i; 20]) -> [__m256i; 4] {
    let m0 = _mm256_set1_epi32(M0);
    let m1 = _mm256_set1_epi32(M1);
    // Rounds 0 and 1 with their constant halves folded (see Fold).
    let pa = _mm256_mul_epu32(ca, m0);
    let pb = _mm256_mul_epu32(cb, m0);
    let a2 = _mm256_xor_si256(hi32(pa), f.k1);
    let b2 = _mm256_xor_si256(hi32(pb), f.k1);
    let qa = _mm256_mul_epu32(a2, m1);
    let qb = _mm256_mul_epu32(b2, m1);
    let (a0, a1, a2) = (_mm256_xor_si256(hi32(qa), f.c0), qa, _mm256_xor_si256(pa, f.c2));
    let (b0, b1, b2) = (_mm256_xor_si256(hi32(qb), f.c0), qb, _mm256_xor_si256(pb, f.c2));
    // Round 2: word 3 is the constant lo(M0·A), folded into e2.
    let pa0 = _mm256_mul_epu32(a0, m0);
    let pa1 = _mm256_mul_epu32(a2, m1);
    let pb0 = _mm256_mul_epu32(b0, m0);
    let pb1 = _mm256_mul_epu32(b2, m1);
    let (mut a0, mut a1, mut a2, mut a3) = (
        _mm256_xor_si256(_mm256_xor_si256(hi32(pa1), a1), keys[4]),
        pa1,
        _mm256_xor_si256(hi32(pa0), f.e2),
        pa0,
    );
    let (mut b0, mut b1, mut b2, mut b3) = (
        _mm256_xor_si256(_mm256_xor_si256(hi32(pb1), b1), keys[4]),
        pb1,
        _mm256_xor_si256(hi32(pb0), f.e2),
        pb0,
    );
    for r in 3..10 {
        let k0 = keys[2 * r];
        let k1 = keys[2 * r + 1];
        let pa0 = _mm256_mul_epu32(a0, m0);
        let pa1 = _mm256_mul_epu32(a2, m1);
        let pb0 = _mm256_mul_epu32(b0, m0);
        let pb1 = _mm256_mul_epu32(b2, m1);
        a0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64::<32>(pa1), a1), k0);
        a2 = _mm256_xor_si256(_mm256_xor_si256(hi32(pa0), a3), k1);
        a1 = pa1;
        a3 = pa0;
        b0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64::<32>(pb1), b1), k0);
        b2 = _mm256_xor_si256(_mm256_xor_si256(hi32(pb0), b3), k1);
        b1 = pb1;
        b3 = pb0;
    }
    [join(a0, b0), join(a1, b1), join(a2, b2), join(a3, b3)]
}

/// The high word of each 64-bit product, moved to the low half by a dword shuffle (the high half
/// keeps the low word: nothing reads it, see the module doc). On Zen 1 the 64-bit shift has a
/// single pipe while the shuffle has two, so the rounds take half their high words each way; that
/// measured 5–8% faster for bits and uniform fills than shifts alone (all shuffles: 2–4%).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn hi32(p: __m256i) -> __m256i {
    _mm256_shuffle_epi32::<0b10_11_00_01>(p)
}

/// Low halves of A's slots into the even lanes, of B's into the odd lanes.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn join(a: __m256i, b: __m256i) -> __m256i {
    _mm256_blend_epi32::<0xAA>(a, _mm256_slli_epi64::<32>(b))
}

/// V independent vectors of 8 lanes transformed in lockstep. The polynomial chains are serial
/// (each Horner step waits ~7 cycles for its multiply and add), so interleaving several keeps the
/// FP pipes busy where one chain at a time leaves them mostly idle.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn xf<const K: u8, const V: usize>(w: [__m256i; V], p: &Params) -> [__m256i; V] {
    let mut out = w;
    match K {
        K_BITS => {}
        K_UNIFORM => {
            for i in 0..V {
                let u = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32::<8>(w[i])), _mm256_set1_ps(TWO_M24));
                out[i] = _mm256_castps_si256(_mm256_add_ps(p.lo, _mm256_mul_ps(p.d, u)));
            }
        }
        _ => {
            let mut y = [_mm256_setzero_ps(); V];
            for i in 0..V {
                let t = _mm256_srli_epi32::<8>(w[i]);
                let k = _mm256_add_epi32(_mm256_add_epi32(t, t), _mm256_set1_epi32(1 - (1 << 24)));
                y[i] = _mm256_mul_ps(_mm256_cvtepi32_ps(k), _mm256_set1_ps(TWO_M24));
            }
            if K == K_TRUNCATED {
                // max(c, v) is `c > v ? c : v`, exactly the spec's `v < c ? c : v` (signed zeros
                // and all), in one instruction instead of a compare and a blend.
                let ym = _mm256_set1_ps(Y_MAX);
                let nym = _mm256_set1_ps(-Y_MAX);
                for yi in &mut y {
                    let v = _mm256_add_ps(p.m, _mm256_mul_ps(p.h, *yi));
                    *yi = _mm256_min_ps(ym, _mm256_max_ps(nym, v));
                }
            }
            let z = erfinv(y);
            for i in 0..V {
                let mut o = _mm256_add_ps(p.mean, _mm256_mul_ps(p.s, z[i]));
                if K == K_TRUNCATED {
                    o = _mm256_min_ps(p.b, _mm256_max_ps(p.a, o));
                }
                out[i] = _mm256_castps_si256(o);
            }
        }
    }
    out
}

#[inline]
#[target_feature(enable = "avx2")]
unsafe fn horner<const V: usize>(c: &[f32; 9], w: [__m256; V]) -> [__m256; V] {
    let mut p = [_mm256_set1_ps(c[0]); V];
    for &ck in &c[1..] {
        let ck = _mm256_set1_ps(ck);
        for i in 0..V {
            p[i] = _mm256_add_ps(_mm256_mul_ps(p[i], w[i]), ck);
        }
    }
    p
}

/// math::logf on V × 8 lanes (arguments positive normal f32 ≤ 1).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn logf<const V: usize>(x: [__m256; V]) -> [__m256; V] {
    let mut t = [_mm256_setzero_ps(); V];
    let mut ef = [_mm256_setzero_ps(); V];
    for i in 0..V {
        // x = m·2ᵉ with m in [√½, √2): subtracting the bits of √½ (0x3F3504F3, the split of
        // SEMANTICS.md) borrows from the exponent field exactly when the significand is below the
        // split, so the arithmetic shift is e and the low 23 bits plus those of √½ are m's bits.
        let d = _mm256_sub_epi32(_mm256_castps_si256(x[i]), _mm256_set1_epi32(SQRT_HALF_BITS));
        let m = _mm256_add_epi32(_mm256_and_si256(d, _mm256_set1_epi32(0x007F_FFFF)), _mm256_set1_epi32(SQRT_HALF_BITS));
        ef[i] = _mm256_cvtepi32_ps(_mm256_srai_epi32::<23>(d));
        t[i] = _mm256_sub_ps(_mm256_castsi256_ps(m), _mm256_set1_ps(1.0));
    }
    let pp = horner(&LOGF_P, t);
    let mut r = [_mm256_setzero_ps(); V];
    for i in 0..V {
        let z = _mm256_mul_ps(t[i], t[i]);
        let mut ri = _mm256_mul_ps(_mm256_mul_ps(t[i], z), pp[i]);
        ri = _mm256_add_ps(ri, _mm256_mul_ps(ef[i], _mm256_set1_ps(LN2_LO)));
        ri = _mm256_add_ps(ri, _mm256_mul_ps(_mm256_set1_ps(-0.5), z));
        ri = _mm256_add_ps(t[i], ri);
        r[i] = _mm256_add_ps(ri, _mm256_mul_ps(ef[i], _mm256_set1_ps(LN2_HI)));
    }
    r
}

/// math::erfinv on V × 8 lanes; the tail polynomial is evaluated only when some lane needs it.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn erfinv<const V: usize>(y: [__m256; V]) -> [__m256; V] {
    let one = _mm256_set1_ps(1.0);
    let mut arg = [one; V];
    for i in 0..V {
        arg[i] = _mm256_mul_ps(_mm256_sub_ps(one, y[i]), _mm256_add_ps(one, y[i]));
    }
    let lg = logf(arg);
    let mut w = [one; V];
    let mut wc = [one; V];
    let mut tail = [one; V];
    for i in 0..V {
        w[i] = _mm256_xor_ps(lg[i], _mm256_set1_ps(-0.0));
        wc[i] = _mm256_sub_ps(w[i], _mm256_set1_ps(2.5));
        tail[i] = _mm256_cmp_ps::<_CMP_NLT_UQ>(w[i], _mm256_set1_ps(5.0));
    }
    let mut p = horner(&ERFINV_CENTRAL, wc);
    // A lane takes the tail with probability ~0.0034 (|y| > 0.9966): per vector the branch is
    // taken ~3% of the time, where one test over all V vectors would evaluate V tails ~20% of the time.
    for i in 0..V {
        if _mm256_movemask_ps(tail[i]) != 0 {
            let pt = horner(&ERFINV_TAIL, [_mm256_sub_ps(_mm256_sqrt_ps(w[i]), _mm256_set1_ps(3.0))]);
            p[i] = _mm256_blendv_ps(p[i], pt[0], tail[i]);
        }
    }
    for i in 0..V {
        p[i] = _mm256_mul_ps(p[i], y[i]);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::{self, Isa};

    /// The transforms only read w >>> 8, so the 2²⁴ words k·2⁸ (with junk in the low byte) cover
    /// every input the fills can see: the vector transform must give the scalar bits on each.
    #[test]
    fn transform_matches_the_scalar_op_on_every_grid_word() {
        if !dispatch::supported(Isa::Avx2) {
            return;
        }
        let ops = [
            Op::uniform(-1.5, 3.0).unwrap(),
            Op::normal(0.25, 1.75).unwrap(),
            Op::truncated(0.0, 1.0, -6.0, 6.0).unwrap(),
            // Asymmetric bounds: m ≠ 0, and m + h·y rounds to 1 at the top, so the ±Y clamp acts.
            Op::truncated(-0.5, 2.0, 0.0, 6.0).unwrap(),
        ];
        for op in &ops {
            // SAFETY: AVX2 checked above.
            unsafe {
                let p = params(op);
                let mut k = 0u32;
                while k < 1 << 24 {
                    let mut w = [_mm256_setzero_si256(); 8];
                    let mut words = [0u32; 64];
                    for (j, x) in words.iter_mut().enumerate() {
                        *x = ((k + j as u32) << 8) | ((j as u32 * 37) & 0xFF);
                    }
                    for (i, v) in w.iter_mut().enumerate() {
                        *v = _mm256_loadu_si256(words.as_ptr().add(8 * i) as *const __m256i);
                    }
                    let v = match op {
                        Op::Uniform { .. } => xf::<K_UNIFORM, 8>(w, &p),
                        Op::Normal { .. } => xf::<K_NORMAL, 8>(w, &p),
                        _ => xf::<K_TRUNCATED, 8>(w, &p),
                    };
                    let mut got = [0u32; 64];
                    for (i, x) in v.iter().enumerate() {
                        _mm256_storeu_si256(got.as_mut_ptr().add(8 * i) as *mut __m256i, *x);
                    }
                    for j in 0..64 {
                        assert_eq!(got[j], op.apply(words[j]), "{op:?} word {:#x}", words[j]);
                    }
                    k += 64;
                }
            }
        }
    }
}
