//! The one microkernel contract every ISA implements (BLIS, Van Zee & van de Geijn 2015): an
//! MR × NR block of C updated from a packed A micro-panel and a packed B micro-panel.

/// A register-blocked microkernel.
///
/// Packed layouts (written by `pack.rs`): the A micro-panel holds `kc` columns of MR values,
/// `a[p·MR + i] = op(A)[i][p]`; the B micro-panel holds `kc` rows of NR values,
/// `b[p·NR + j] = op(B)[p][j]`.
pub(crate) trait MicroKernel {
    const MR: usize;
    const NR: usize;
    /// Rows of A packed per L2-resident block (a multiple of MR).
    const MC: usize;
    /// Depth of one packed panel pair: the B micro-panel (KC·NR floats) should stay in L1.
    const KC: usize;
    /// Columns of B packed per block (a multiple of NR).
    const NC: usize;

    /// `C[i][j] = α·Σ_p a[p·MR+i]·b[p·NR+j] + β·C[i][j]` for the MR × NR block at `c` with row
    /// stride `rsc`; the sum runs over p = 0..kc in order. β = 0 means C is not read (it may hold NaN).
    ///
    /// # Safety
    /// `a` holds kc·MR floats, `b` kc·NR floats, `c` an MR × NR block with row stride `rsc`, and the
    /// CPU supports the kernel's ISA.
    unsafe fn tile(kc: usize, a: *const f32, b: *const f32, c: *mut f32, rsc: usize, alpha: f32, beta: f32);
}
