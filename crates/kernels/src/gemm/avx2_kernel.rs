//! AVX2 + FMA microkernel, 6 × 16: twelve ymm accumulators, two B loads and six broadcasts per k
//! step, so FMA throughput (two per cycle) rather than loads bounds it.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::kernel::MicroKernel;

pub(crate) struct Avx2;

impl MicroKernel for Avx2 {
    const MR: usize = 6;
    const NR: usize = 16;
    // A block 144·256·4 B = 144 KiB sits in a 512 KiB L2; a B micro-panel 256·16·4 B = 16 KiB in L1.
    const MC: usize = 144;
    const KC: usize = 256;
    const NC: usize = 2048;

    #[inline]
    unsafe fn tile(kc: usize, a: *const f32, b: *const f32, c: *mut f32, rsc: usize, alpha: f32, beta: f32) {
        tile_6x16(kc, a, b, c, rsc, alpha, beta)
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn tile_6x16(kc: usize, a: *const f32, b: *const f32, c: *mut f32, rsc: usize, alpha: f32, beta: f32) {
    let mut c00 = _mm256_setzero_ps();
    let mut c01 = _mm256_setzero_ps();
    let mut c10 = _mm256_setzero_ps();
    let mut c11 = _mm256_setzero_ps();
    let mut c20 = _mm256_setzero_ps();
    let mut c21 = _mm256_setzero_ps();
    let mut c30 = _mm256_setzero_ps();
    let mut c31 = _mm256_setzero_ps();
    let mut c40 = _mm256_setzero_ps();
    let mut c41 = _mm256_setzero_ps();
    let mut c50 = _mm256_setzero_ps();
    let mut c51 = _mm256_setzero_ps();
    let mut ap = a;
    let mut bp = b;
    macro_rules! step {
        () => {{
            let b0 = _mm256_loadu_ps(bp);
            let b1 = _mm256_loadu_ps(bp.add(8));
            let a0 = _mm256_broadcast_ss(&*ap);
            c00 = _mm256_fmadd_ps(a0, b0, c00);
            c01 = _mm256_fmadd_ps(a0, b1, c01);
            let a1 = _mm256_broadcast_ss(&*ap.add(1));
            c10 = _mm256_fmadd_ps(a1, b0, c10);
            c11 = _mm256_fmadd_ps(a1, b1, c11);
            let a2 = _mm256_broadcast_ss(&*ap.add(2));
            c20 = _mm256_fmadd_ps(a2, b0, c20);
            c21 = _mm256_fmadd_ps(a2, b1, c21);
            let a3 = _mm256_broadcast_ss(&*ap.add(3));
            c30 = _mm256_fmadd_ps(a3, b0, c30);
            c31 = _mm256_fmadd_ps(a3, b1, c31);
            let a4 = _mm256_broadcast_ss(&*ap.add(4));
            c40 = _mm256_fmadd_ps(a4, b0, c40);
            c41 = _mm256_fmadd_ps(a4, b1, c41);
            let a5 = _mm256_broadcast_ss(&*ap.add(5));
            c50 = _mm256_fmadd_ps(a5, b0, c50);
            c51 = _mm256_fmadd_ps(a5, b1, c51);
            ap = ap.add(6);
            bp = bp.add(16);
        }};
    }
    let mut p = 0;
    while p + 4 <= kc {
        step!();
        step!();
        step!();
        step!();
        p += 4;
    }
    while p < kc {
        step!();
        p += 1;
    }
    let va = _mm256_set1_ps(alpha);
    let rows = [(c00, c01), (c10, c11), (c20, c21), (c30, c31), (c40, c41), (c50, c51)];
    if beta == 0.0 {
        for (i, (x0, x1)) in rows.into_iter().enumerate() {
            let cr = c.add(i * rsc);
            _mm256_storeu_ps(cr, _mm256_mul_ps(va, x0));
            _mm256_storeu_ps(cr.add(8), _mm256_mul_ps(va, x1));
        }
    } else {
        let vb = _mm256_set1_ps(beta);
        for (i, (x0, x1)) in rows.into_iter().enumerate() {
            let cr = c.add(i * rsc);
            _mm256_storeu_ps(cr, _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr), _mm256_mul_ps(va, x0)));
            _mm256_storeu_ps(cr.add(8), _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr.add(8)), _mm256_mul_ps(va, x1)));
        }
    }
}
