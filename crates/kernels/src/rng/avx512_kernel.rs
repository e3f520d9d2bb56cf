//! AVX-512F kernel of the random fills: a line-for-line analogue of avx2_kernel.rs on 16 blocks per
//! step (see that file for the Philox half-set layout and the transpose). Differences: masks are
//! k-registers (compares return `__mmask16`, blends take them), the xor of f32 sign bits goes through
//! the integer unit (`_mm512_xor_ps` would need AVX-512DQ), and lane ℓ runs block
//! 4·(ℓ mod 4) + ⌊ℓ/4⌋, so half-set A (even lanes) holds blocks 0, 8, 1, 9, 2, 10, 3, 11 and B
//! (odd lanes) 4, 12, 5, 13, 6, 14, 7, 15; the in-lane unpacks then give blocks 0–3, 4–7, 8–11, 12–15.

use core::arch::x86_64::*;

use super::fill::{block, Op};
use super::math::{ERFINV_CENTRAL, ERFINV_TAIL, LN2_HI, LN2_LO, LOGF_P, LOGF_SPLIT_BITS, TWO_M24, Y_MAX};

const LANES: usize = 16;
const M0: i32 = 0xD251_1F53u32 as i32;
const M1: i32 = 0xCD9E_8D57u32 as i32;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;
const SQRT_HALF_BITS: i32 = LOGF_SPLIT_BITS as i32 - 0x0080_0000 + 1;

struct Params {
    lo: __m512,
    d: __m512,
    m: __m512,
    h: __m512,
    mean: __m512,
    s: __m512,
    a: __m512,
    b: __m512,
}

const K_BITS: u8 = 0;
const K_UNIFORM: u8 = 1;
const K_NORMAL: u8 = 2;
const K_TRUNCATED: u8 = 3;

/// Fills whole blocks `first_block ..` into `out` in steps of 16 blocks; returns the blocks filled.
///
/// # Safety
/// The CPU must support AVX-512F.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn fill_blocks(out: &mut [u32], key: [u32; 2], stream: u32, first_block: u64, op: &Op) -> usize {
    let groups = out.len() / (4 * LANES);
    let z = _mm512_setzero_ps();
    let mut p = Params { lo: z, d: z, m: z, h: z, mean: z, s: z, a: z, b: z };
    match *op {
        Op::Bits => run::<K_BITS>(out, groups, key, stream, first_block, op, &p),
        Op::Uniform { lo, d } => {
            p.lo = _mm512_set1_ps(lo);
            p.d = _mm512_set1_ps(d);
            run::<K_UNIFORM>(out, groups, key, stream, first_block, op, &p)
        }
        Op::Normal { mean, s } => {
            p.mean = _mm512_set1_ps(mean);
            p.s = _mm512_set1_ps(s);
            run::<K_NORMAL>(out, groups, key, stream, first_block, op, &p)
        }
        Op::Truncated { m, h, mean, s, a, b } => {
            p.m = _mm512_set1_ps(m);
            p.h = _mm512_set1_ps(h);
            p.mean = _mm512_set1_ps(mean);
            p.s = _mm512_set1_ps(s);
            p.a = _mm512_set1_ps(a);
            p.b = _mm512_set1_ps(b);
            run::<K_TRUNCATED>(out, groups, key, stream, first_block, op, &p)
        }
    }
    groups * LANES
}

#[target_feature(enable = "avx512f")]
unsafe fn run<const K: u8>(out: &mut [u32], groups: usize, key: [u32; 2], stream: u32, first_block: u64, op: &Op, p: &Params) {
    let mut keys = [_mm512_setzero_si512(); 20];
    let (mut k0, mut k1) = (key[0], key[1]);
    for r in 0..10 {
        keys[2 * r] = _mm512_set1_epi32(k0 as i32);
        keys[2 * r + 1] = _mm512_set1_epi32(k1 as i32);
        k0 = k0.wrapping_add(W0);
        k1 = k1.wrapping_add(W1);
    }
    let mut fold = Fold::new(key, stream, first_block >> 32);
    let lane_a = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0);
    let lane_b = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
    let dst = out.as_mut_ptr();
    for g in 0..groups {
        let b0 = first_block.wrapping_add((g * LANES) as u64);
        let o = dst.add(g * 4 * LANES);
        if (b0 as u32) > u32::MAX - (LANES as u32 - 1) {
            for j in 0..LANES as u64 {
                let w = block(key, stream, b0.wrapping_add(j));
                for (k, &wk) in w.iter().enumerate() {
                    *o.add(4 * j as usize + k) = op.apply(wk);
                }
            }
            continue;
        }
        if fold.hi != b0 >> 32 {
            fold = Fold::new(key, stream, b0 >> 32);
        }
        let lo = _mm512_set1_epi64((b0 as u32) as i64);
        let x = philox16(_mm512_add_epi64(lo, lane_a), _mm512_add_epi64(lo, lane_b), &fold, &keys);
        let v0 = xf::<K>(x[0], p);
        let v1 = xf::<K>(x[1], p);
        let v2 = xf::<K>(x[2], p);
        let v3 = xf::<K>(x[3], p);
        let a = _mm512_unpacklo_epi32(v0, v1);
        let b = _mm512_unpackhi_epi32(v0, v1);
        let c = _mm512_unpacklo_epi32(v2, v3);
        let d = _mm512_unpackhi_epi32(v2, v3);
        _mm512_storeu_si512(o as *mut __m512i, _mm512_unpacklo_epi64(a, c));
        _mm512_storeu_si512(o.add(16) as *mut __m512i, _mm512_unpackhi_epi64(a, c));
        _mm512_storeu_si512(o.add(32) as *mut __m512i, _mm512_unpacklo_epi64(b, d));
        _mm512_storeu_si512(o.add(48) as *mut __m512i, _mm512_unpackhi_epi64(b, d));
    }
}

/// The per-step constants of rounds 0–2 (avx2_kernel.rs `Fold` has the derivation).
struct Fold {
    hi: u64,
    k1: __m512i,
    c0: __m512i,
    c2: __m512i,
    e2: __m512i,
}

impl Fold {
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn new(key: [u32; 2], stream: u32, hi: u64) -> Fold {
        let h = hi as u32;
        let (k0r1, k1r1) = (key[0].wrapping_add(W0), key[1].wrapping_add(W1));
        let k1r2 = key[1].wrapping_add(W1.wrapping_mul(2));
        let ps = (M1 as u32 as u64) * stream as u64;
        let a = ((ps >> 32) as u32) ^ h ^ key[0];
        let pa = (M0 as u32 as u64) * a as u64;
        Fold {
            hi,
            k1: _mm512_set1_epi32(key[1] as i32),
            c0: _mm512_set1_epi32((ps as u32 ^ k0r1) as i32),
            c2: _mm512_set1_epi32(((pa >> 32) as u32 ^ k1r1) as i32),
            e2: _mm512_set1_epi32((pa as u32 ^ k1r2) as i32),
        }
    }
}

#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn philox16(ca: __m512i, cb: __m512i, f: &Fold, keys: &[__m512i; 20]) -> [__m512i; 4] {
    let m0 = _mm512_set1_epi32(M0);
    let m1 = _mm512_set1_epi32(M1);
    let pa = _mm512_mul_epu32(ca, m0);
    let pb = _mm512_mul_epu32(cb, m0);
    let a2 = _mm512_xor_si512(_mm512_srli_epi64::<32>(pa), f.k1);
    let b2 = _mm512_xor_si512(_mm512_srli_epi64::<32>(pb), f.k1);
    let qa = _mm512_mul_epu32(a2, m1);
    let qb = _mm512_mul_epu32(b2, m1);
    let (a0, a1, a2) = (_mm512_xor_si512(_mm512_srli_epi64::<32>(qa), f.c0), qa, _mm512_xor_si512(pa, f.c2));
    let (b0, b1, b2) = (_mm512_xor_si512(_mm512_srli_epi64::<32>(qb), f.c0), qb, _mm512_xor_si512(pb, f.c2));
    let pa0 = _mm512_mul_epu32(a0, m0);
    let pa1 = _mm512_mul_epu32(a2, m1);
    let pb0 = _mm512_mul_epu32(b0, m0);
    let pb1 = _mm512_mul_epu32(b2, m1);
    let (mut a0, mut a1, mut a2, mut a3) = (
        _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64::<32>(pa1), a1), keys[4]),
        pa1,
        _mm512_xor_si512(_mm512_srli_epi64::<32>(pa0), f.e2),
        pa0,
    );
    let (mut b0, mut b1, mut b2, mut b3) = (
        _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64::<32>(pb1), b1), keys[4]),
        pb1,
        _mm512_xor_si512(_mm512_srli_epi64::<32>(pb0), f.e2),
        pb0,
    );
    for r in 3..10 {
        let k0 = keys[2 * r];
        let k1 = keys[2 * r + 1];
        let pa0 = _mm512_mul_epu32(a0, m0);
        let pa1 = _mm512_mul_epu32(a2, m1);
        let pb0 = _mm512_mul_epu32(b0, m0);
        let pb1 = _mm512_mul_epu32(b2, m1);
        a0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64::<32>(pa1), a1), k0);
        a2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64::<32>(pa0), a3), k1);
        a1 = pa1;
        a3 = pa0;
        b0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64::<32>(pb1), b1), k0);
        b2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64::<32>(pb0), b3), k1);
        b1 = pb1;
        b3 = pb0;
    }
    [join(a0, b0), join(a1, b1), join(a2, b2), join(a3, b3)]
}

#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn join(a: __m512i, b: __m512i) -> __m512i {
    _mm512_mask_blend_epi32(0xAAAA, a, _mm512_slli_epi64::<32>(b))
}

#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn xf<const K: u8>(w: __m512i, p: &Params) -> __m512i {
    match K {
        K_BITS => w,
        K_UNIFORM => {
            let u = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32::<8>(w)), _mm512_set1_ps(TWO_M24));
            _mm512_castps_si512(_mm512_add_ps(p.lo, _mm512_mul_ps(p.d, u)))
        }
        _ => {
            let t = _mm512_srli_epi32::<8>(w);
            let k = _mm512_add_epi32(_mm512_add_epi32(t, t), _mm512_set1_epi32(1 - (1 << 24)));
            let mut y = _mm512_mul_ps(_mm512_cvtepi32_ps(k), _mm512_set1_ps(TWO_M24));
            if K == K_TRUNCATED {
                y = _mm512_add_ps(p.m, _mm512_mul_ps(p.h, y));
                let ym = _mm512_set1_ps(Y_MAX);
                let nym = _mm512_set1_ps(-Y_MAX);
                // max(c, v) is `c > v ? c : v`, the spec's `v < c ? c : v` exactly.
                y = _mm512_min_ps(ym, _mm512_max_ps(nym, y));
            }
            let mut out = _mm512_add_ps(p.mean, _mm512_mul_ps(p.s, erfinv(y)));
            if K == K_TRUNCATED {
                out = _mm512_min_ps(p.b, _mm512_max_ps(p.a, out));
            }
            _mm512_castps_si512(out)
        }
    }
}

#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn horner(c: &[f32; 9], w: __m512) -> __m512 {
    let mut p = _mm512_set1_ps(c[0]);
    for &ck in &c[1..] {
        p = _mm512_add_ps(_mm512_mul_ps(p, w), _mm512_set1_ps(ck));
    }
    p
}

#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn logf(x: __m512) -> __m512 {
    // Range reduction by subtracting the bits of √½ (avx2_kernel.rs `logf` explains it).
    let d = _mm512_sub_epi32(_mm512_castps_si512(x), _mm512_set1_epi32(SQRT_HALF_BITS));
    let m = _mm512_add_epi32(_mm512_and_si512(d, _mm512_set1_epi32(0x007F_FFFF)), _mm512_set1_epi32(SQRT_HALF_BITS));
    let ef = _mm512_cvtepi32_ps(_mm512_srai_epi32::<23>(d));
    let t = _mm512_sub_ps(_mm512_castsi512_ps(m), _mm512_set1_ps(1.0));
    let z = _mm512_mul_ps(t, t);
    let pp = horner(&LOGF_P, t);
    let mut r = _mm512_mul_ps(_mm512_mul_ps(t, z), pp);
    r = _mm512_add_ps(r, _mm512_mul_ps(ef, _mm512_set1_ps(LN2_LO)));
    r = _mm512_add_ps(r, _mm512_mul_ps(_mm512_set1_ps(-0.5), z));
    r = _mm512_add_ps(t, r);
    _mm512_add_ps(r, _mm512_mul_ps(ef, _mm512_set1_ps(LN2_HI)))
}

#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn erfinv(y: __m512) -> __m512 {
    let one = _mm512_set1_ps(1.0);
    let arg = _mm512_mul_ps(_mm512_sub_ps(one, y), _mm512_add_ps(one, y));
    let w = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(logf(arg)), _mm512_set1_epi32(i32::MIN)));
    let mut p = horner(&ERFINV_CENTRAL, _mm512_sub_ps(w, _mm512_set1_ps(2.5)));
    let tail = _mm512_cmp_ps_mask::<_CMP_NLT_UQ>(w, _mm512_set1_ps(5.0));
    if tail != 0 {
        let pt = horner(&ERFINV_TAIL, _mm512_sub_ps(_mm512_sqrt_ps(w), _mm512_set1_ps(3.0)));
        p = _mm512_mask_blend_ps(tail, p, pt);
    }
    _mm512_mul_ps(p, y)
}
