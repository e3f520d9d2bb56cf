//! AVX2 kernel of the random fills: Philox4x32-10 on 8 blocks per step, then the transform of
//! math.rs on 8 lanes, with the same f32 operations in the same order (no FMA), so every output is
//! bit-identical to the scalar path.
//!
//! Philox layout. `_mm256_mul_epu32` multiplies the low 32 bits of each 64-bit slot into a full
//! 64-bit product, so a Philox word is kept in the low half of a 64-bit slot: one register holds one
//! word of 4 blocks, and two such half-sets (A, B) make the 8 blocks of a step. The product's high
//! word is one 64-bit shift away and its low word is the product itself (the garbage it carries in
//! the high half is never read: the multiply ignores it and the xor only feeds the next multiply).
//! This takes 2 multiplies, 2 shifts and 4 xors per round per half-set.
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
    let z = _mm256_setzero_ps();
    let mut p = Params { lo: z, d: z, m: z, h: z, mean: z, s: z, a: z, b: z };
    match *op {
        Op::Bits => run::<K_BITS>(out, groups, key, stream, first_block, op, &p),
        Op::Uniform { lo, d } => {
            p.lo = _mm256_set1_ps(lo);
            p.d = _mm256_set1_ps(d);
            run::<K_UNIFORM>(out, groups, key, stream, first_block, op, &p)
        }
        Op::Normal { mean, s } => {
            p.mean = _mm256_set1_ps(mean);
            p.s = _mm256_set1_ps(s);
            run::<K_NORMAL>(out, groups, key, stream, first_block, op, &p)
        }
        Op::Truncated { m, h, mean, s, a, b } => {
            p.m = _mm256_set1_ps(m);
            p.h = _mm256_set1_ps(h);
            p.mean = _mm256_set1_ps(mean);
            p.s = _mm256_set1_ps(s);
            p.a = _mm256_set1_ps(a);
            p.b = _mm256_set1_ps(b);
            run::<K_TRUNCATED>(out, groups, key, stream, first_block, op, &p)
        }
    }
    groups * LANES
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
    let sv = _mm256_set1_epi32(stream as i32);
    let lane_a = _mm256_set_epi64x(5, 1, 4, 0);
    let lane_b = _mm256_set_epi64x(7, 3, 6, 2);
    let dst = out.as_mut_ptr();
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
        let lo = _mm256_set1_epi64x((b0 as u32) as i64);
        let hi = _mm256_set1_epi32((b0 >> 32) as i32);
        let x = philox8(_mm256_add_epi64(lo, lane_a), _mm256_add_epi64(lo, lane_b), hi, sv, &keys);
        if pair {
            // Two steps per iteration: 8 independent vectors for the transform's serial chains.
            let lo2 = _mm256_add_epi64(lo, _mm256_set1_epi64x(LANES as i64));
            let x2 = philox8(_mm256_add_epi64(lo2, lane_a), _mm256_add_epi64(lo2, lane_b), hi, sv, &keys);
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
/// of half-sets A and B; `hi`: high counter word; `sv`: stream. Returns words 0..3 with lane ℓ of
/// word k from half-set A (ℓ even, slot ℓ/2) or B (ℓ odd).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn philox8(ca: __m256i, cb: __m256i, hi: __m256i, sv: __m256i, keys: &[__m256i; 20]) -> [__m256i; 4] {
    let m0 = _mm256_set1_epi32(M0);
    let m1 = _mm256_set1_epi32(M1);
    let (mut a0, mut a1, mut a2, mut a3) = (ca, hi, sv, _mm256_setzero_si256());
    let (mut b0, mut b1, mut b2, mut b3) = (cb, hi, sv, _mm256_setzero_si256());
    for r in 0..10 {
        let k0 = keys[2 * r];
        let k1 = keys[2 * r + 1];
        let pa0 = _mm256_mul_epu32(a0, m0);
        let pa1 = _mm256_mul_epu32(a2, m1);
        let pb0 = _mm256_mul_epu32(b0, m0);
        let pb1 = _mm256_mul_epu32(b2, m1);
        a0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(pa1, 32), a1), k0);
        a2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(pa0, 32), a3), k1);
        a1 = pa1;
        a3 = pa0;
        b0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(pb1, 32), b1), k0);
        b2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(pb0, 32), b3), k1);
        b1 = pb1;
        b3 = pb0;
    }
    [join(a0, b0), join(a1, b1), join(a2, b2), join(a3, b3)]
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
                let ym = _mm256_set1_ps(Y_MAX);
                let nym = _mm256_set1_ps(-Y_MAX);
                for yi in &mut y {
                    let mut v = _mm256_add_ps(p.m, _mm256_mul_ps(p.h, *yi));
                    v = _mm256_blendv_ps(v, nym, _mm256_cmp_ps::<_CMP_LT_OQ>(v, nym));
                    *yi = _mm256_blendv_ps(v, ym, _mm256_cmp_ps::<_CMP_GT_OQ>(v, ym));
                }
            }
            let z = erfinv(y);
            for i in 0..V {
                let mut o = _mm256_add_ps(p.mean, _mm256_mul_ps(p.s, z[i]));
                if K == K_TRUNCATED {
                    o = _mm256_blendv_ps(o, p.a, _mm256_cmp_ps::<_CMP_LT_OQ>(o, p.a));
                    o = _mm256_blendv_ps(o, p.b, _mm256_cmp_ps::<_CMP_GT_OQ>(o, p.b));
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
        let bits = _mm256_castps_si256(x[i]);
        let e0 = _mm256_sub_epi32(_mm256_srli_epi32::<23>(bits), _mm256_set1_epi32(127));
        let m1 = _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007F_FFFF)), _mm256_set1_epi32(0x3F80_0000));
        let big = _mm256_cmpgt_epi32(m1, _mm256_set1_epi32(LOGF_SPLIT_BITS as i32));
        let m = _mm256_sub_epi32(m1, _mm256_and_si256(big, _mm256_set1_epi32(0x0080_0000)));
        ef[i] = _mm256_cvtepi32_ps(_mm256_sub_epi32(e0, big));
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
    let mut any = _mm256_setzero_ps();
    for i in 0..V {
        w[i] = _mm256_xor_ps(lg[i], _mm256_set1_ps(-0.0));
        wc[i] = _mm256_sub_ps(w[i], _mm256_set1_ps(2.5));
        tail[i] = _mm256_cmp_ps::<_CMP_NLT_UQ>(w[i], _mm256_set1_ps(5.0));
        any = _mm256_or_ps(any, tail[i]);
    }
    let mut p = horner(&ERFINV_CENTRAL, wc);
    if _mm256_movemask_ps(any) != 0 {
        let mut wt = [one; V];
        for i in 0..V {
            wt[i] = _mm256_sub_ps(_mm256_sqrt_ps(w[i]), _mm256_set1_ps(3.0));
        }
        let pt = horner(&ERFINV_TAIL, wt);
        for i in 0..V {
            p[i] = _mm256_blendv_ps(p[i], pt[i], tail[i]);
        }
    }
    for i in 0..V {
        p[i] = _mm256_mul_ps(p[i], y[i]);
    }
    p
}
