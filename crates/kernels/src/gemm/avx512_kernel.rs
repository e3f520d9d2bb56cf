//! AVX-512F microkernel, 6 × 32: the AVX2 kernel's shape with zmm registers (twelve accumulators,
//! two B loads, six broadcasts per k step). Chips with two 512-bit FMA units (Intel server parts)
//! get about twice the AVX2 rate; on Zen 4 it halves the instruction count.
//! Not exercised on machines without AVX-512F (dispatch never selects it there).

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::kernel::MicroKernel;

pub(crate) struct Avx512;

impl MicroKernel for Avx512 {
    const MR: usize = 6;
    const NR: usize = 32;
    // B micro-panel 256·32·4 B = 32 KiB: sized for the 48 KiB L1 of AVX-512 parts.
    const MC: usize = 144;
    const KC: usize = 256;
    const NC: usize = 2048;

    #[inline]
    unsafe fn tile(kc: usize, a: *const f32, b: *const f32, c: *mut f32, rsc: usize, alpha: f32, beta: f32) {
        tile_6x32(kc, a, b, c, rsc, alpha, beta)
    }
}

#[target_feature(enable = "avx512f")]
unsafe fn tile_6x32(kc: usize, a: *const f32, b: *const f32, c: *mut f32, rsc: usize, alpha: f32, beta: f32) {
    let mut acc = [_mm512_setzero_ps(); 12];
    let mut ap = a;
    let mut bp = b;
    for _ in 0..kc {
        let b0 = _mm512_loadu_ps(bp);
        let b1 = _mm512_loadu_ps(bp.add(16));
        for i in 0..6 {
            let ai = _mm512_set1_ps(*ap.add(i));
            acc[2 * i] = _mm512_fmadd_ps(ai, b0, acc[2 * i]);
            acc[2 * i + 1] = _mm512_fmadd_ps(ai, b1, acc[2 * i + 1]);
        }
        ap = ap.add(6);
        bp = bp.add(32);
    }
    let va = _mm512_set1_ps(alpha);
    let vb = _mm512_set1_ps(beta);
    for i in 0..6 {
        let cr = c.add(i * rsc);
        let x0 = _mm512_mul_ps(va, acc[2 * i]);
        let x1 = _mm512_mul_ps(va, acc[2 * i + 1]);
        if beta == 0.0 {
            _mm512_storeu_ps(cr, x0);
            _mm512_storeu_ps(cr.add(16), x1);
        } else {
            _mm512_storeu_ps(cr, _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr), x0));
            _mm512_storeu_ps(cr.add(16), _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr.add(16)), x1));
        }
    }
}
