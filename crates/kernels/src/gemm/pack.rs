//! Packing of op(A) blocks into MR-row micro-panels and op(B) blocks into NR-column micro-panels
//! (layouts in `kernel.rs`). Both orientations of each operand are packed here, so the microkernel
//! sees the same contiguous panels for NN, TN and NT: a transposed operand costs one strided copy,
//! not a slower kernel. Rows or columns past the matrix edge are zero-filled.
//!
//! The functions are generic over the kernel so MR / NR are constants: full micro-panel rows become
//! fixed-size moves instead of calls to memcpy.

use super::kernel::MicroKernel;

/// Packs rows `i0 .. i0+mc` and depth `p0 .. p0+kc` of op(A) into `dst`.
/// op(A)[i][p] is `a[i·lda + p]`, or `a[p·lda + i]` when `trans`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn pack_a<K: MicroKernel>(trans: bool, a: &[f32], lda: usize, i0: usize, mc: usize, p0: usize, kc: usize, dst: &mut [f32]) {
    let mr = K::MR;
    for (panel, ir) in (0..mc).step_by(mr).enumerate() {
        let rows = mr.min(mc - ir);
        let d = &mut dst[panel * kc * mr..(panel + 1) * kc * mr];
        if rows < mr {
            d.fill(0.0);
        }
        if trans {
            if rows == mr {
                for (p, dp) in d.chunks_exact_mut(mr).take(kc).enumerate() {
                    let s = (p0 + p) * lda + i0 + ir;
                    dp.copy_from_slice(&a[s..s + mr]);
                }
            } else {
                for p in 0..kc {
                    let s = (p0 + p) * lda + i0 + ir;
                    d[p * mr..p * mr + rows].copy_from_slice(&a[s..s + rows]);
                }
            }
        } else if rows == mr {
            // Read the MR rows side by side and write each packed column once, in order.
            let mut src: [&[f32]; 32] = [&[]; 32];
            for (i, s) in src.iter_mut().take(mr).enumerate() {
                *s = &a[(i0 + ir + i) * lda + p0..][..kc];
            }
            for (p, dp) in d.chunks_exact_mut(mr).take(kc).enumerate() {
                for (i, v) in dp.iter_mut().enumerate() {
                    *v = src[i][p];
                }
            }
        } else {
            for i in 0..rows {
                let s = (i0 + ir + i) * lda + p0;
                let src = &a[s..s + kc];
                for (p, &v) in src.iter().enumerate() {
                    d[p * mr + i] = v;
                }
            }
        }
    }
}

/// Packs columns `j0 .. j0+nc` and depth `p0 .. p0+kc` of op(B) into `dst`.
/// op(B)[p][j] is `b[p·ldb + j]`, or `b[j·ldb + p]` when `trans`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn pack_b<K: MicroKernel>(trans: bool, b: &[f32], ldb: usize, j0: usize, nc: usize, p0: usize, kc: usize, dst: &mut [f32]) {
    let nr = K::NR;
    for (panel, jr) in (0..nc).step_by(nr).enumerate() {
        let cols = nr.min(nc - jr);
        let d = &mut dst[panel * kc * nr..(panel + 1) * kc * nr];
        if cols < nr {
            d.fill(0.0);
        }
        if trans && cols == nr {
            let mut src: [&[f32]; 32] = [&[]; 32];
            for (j, s) in src.iter_mut().take(nr).enumerate() {
                *s = &b[(j0 + jr + j) * ldb + p0..][..kc];
            }
            for (p, dp) in d.chunks_exact_mut(nr).take(kc).enumerate() {
                for (j, v) in dp.iter_mut().enumerate() {
                    *v = src[j][p];
                }
            }
        } else if trans {
            for j in 0..cols {
                let s = (j0 + jr + j) * ldb + p0;
                let src = &b[s..s + kc];
                for (p, &v) in src.iter().enumerate() {
                    d[p * nr + j] = v;
                }
            }
        } else if cols == nr {
            for (p, dp) in d.chunks_exact_mut(nr).take(kc).enumerate() {
                let s = (p0 + p) * ldb + j0 + jr;
                dp.copy_from_slice(&b[s..s + nr]);
            }
        } else {
            for p in 0..kc {
                let s = (p0 + p) * ldb + j0 + jr;
                d[p * nr..p * nr + cols].copy_from_slice(&b[s..s + cols]);
            }
        }
    }
}
