//! Packing of op(A) blocks into MR-row micro-panels and op(B) blocks into NR-column micro-panels
//! (layouts in `kernel.rs`). Both orientations of each operand are packed here, so the microkernel
//! sees the same contiguous panels for NN, TN and NT: a transposed operand costs one strided copy,
//! not a slower kernel. Rows or columns past the matrix edge are zero-filled.

/// Packs rows `i0 .. i0+mc` and depth `p0 .. p0+kc` of op(A) into `dst`.
/// op(A)[i][p] is `a[i·lda + p]`, or `a[p·lda + i]` when `trans`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn pack_a(mr: usize, trans: bool, a: &[f32], lda: usize, i0: usize, mc: usize, p0: usize, kc: usize, dst: &mut [f32]) {
    for (panel, ir) in (0..mc).step_by(mr).enumerate() {
        let rows = mr.min(mc - ir);
        let d = &mut dst[panel * kc * mr..(panel + 1) * kc * mr];
        if rows < mr {
            d.fill(0.0);
        }
        if trans {
            for p in 0..kc {
                let s = (p0 + p) * lda + i0 + ir;
                d[p * mr..p * mr + rows].copy_from_slice(&a[s..s + rows]);
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
pub(crate) fn pack_b(nr: usize, trans: bool, b: &[f32], ldb: usize, j0: usize, nc: usize, p0: usize, kc: usize, dst: &mut [f32]) {
    for (panel, jr) in (0..nc).step_by(nr).enumerate() {
        let cols = nr.min(nc - jr);
        let d = &mut dst[panel * kc * nr..(panel + 1) * kc * nr];
        if cols < nr {
            d.fill(0.0);
        }
        if trans {
            for j in 0..cols {
                let s = (j0 + jr + j) * ldb + p0;
                let src = &b[s..s + kc];
                for (p, &v) in src.iter().enumerate() {
                    d[p * nr + j] = v;
                }
            }
        } else {
            for p in 0..kc {
                let s = (p0 + p) * ldb + j0 + jr;
                d[p * nr..p * nr + cols].copy_from_slice(&b[s..s + cols]);
            }
        }
    }
}
