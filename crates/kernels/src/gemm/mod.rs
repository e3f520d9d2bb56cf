//! Packed SGEMM, row-major: `C = α·op(A)·op(B) + β·C` with op = identity or transpose (NN, TN, NT, TT).
//!
//! Structure (Goto & van de Geijn 2008; BLIS, Van Zee & van de Geijn 2015): loops over NC-column
//! blocks of B, KC-deep panels, MC-row blocks of A; each block pair is packed into contiguous
//! micro-panels and handed to one register-blocked microkernel per ISA (`*_kernel.rs`, chosen at run
//! time by [`crate::dispatch::isa`]). Transposed operands are handled by the packing, so TN and NT
//! run the same kernel at the same speed as NN.
//!
//! Threads: C is cut into disjoint column (or row) ranges aligned to the microkernel's tile, one task
//! each on the owned pool; every task runs the whole k loop for its range. The k blocking depends only
//! on k, so every element of C is computed by the same sequence of operations whatever the thread
//! count: results are bit-identical for 1, 2 or 3 threads (for a given ISA).

mod kernel;
mod pack;
mod scalar_kernel;
#[cfg(target_arch = "x86_64")]
mod avx2_kernel;
#[cfg(target_arch = "x86_64")]
mod avx512_kernel;

use std::cell::RefCell;

use crate::dispatch::{self, Isa};
use crate::pool::Pool;
use kernel::MicroKernel;

/// Below this many flops (2·m·n·k) a product runs on the calling thread: handing work to the pool
/// costs tens of microseconds on a shared machine.
pub const PARALLEL_MIN_FLOPS: f64 = 4.0e6;

/// Checks the shapes and buffer lengths of an sgemm call; `Err` says what is wrong.
#[allow(clippy::too_many_arguments)]
pub fn check_args(
    trans_a: bool, trans_b: bool, m: usize, n: usize, k: usize,
    a_len: usize, lda: usize, b_len: usize, ldb: usize, c_len: usize, ldc: usize,
) -> Result<(), String> {
    let need = |rows: usize, cols: usize, ld: usize, len: usize, name: &str| -> Result<(), String> {
        if ld < cols {
            return Err(format!("sgemm: leading dimension of {name} is {ld}, expected at least {cols}"));
        }
        let required = if rows == 0 || cols == 0 { 0 } else { (rows - 1) * ld + cols };
        if len < required {
            return Err(format!("sgemm: {name} holds {len} values, expected at least {required} ({rows}×{cols}, leading dimension {ld})"));
        }
        Ok(())
    };
    // Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k when transposed).
    if trans_a { need(k, m, lda, a_len, "A")?; } else { need(m, k, lda, a_len, "A")?; }
    if trans_b { need(n, k, ldb, b_len, "B")?; } else { need(k, n, ldb, b_len, "B")?; }
    need(m, n, ldc, c_len, "C")
}

/// `C = α·op(A)·op(B) + β·C` (row-major, leading dimensions lda/ldb/ldc). op(A) is m×k, op(B) is
/// k×n. With β = 0, C is only written (NaN in C does not propagate), as in BLAS. Uses `pool` for
/// products of at least [`PARALLEL_MIN_FLOPS`]; `None` runs on the calling thread.
///
/// # Panics
/// If [`check_args`] rejects the shapes.
#[allow(clippy::too_many_arguments)]
pub fn sgemm(
    pool: Option<&Pool>, trans_a: bool, trans_b: bool, m: usize, n: usize, k: usize, alpha: f32,
    a: &[f32], lda: usize, b: &[f32], ldb: usize, beta: f32, c: &mut [f32], ldc: usize,
) {
    sgemm_epilogue(pool, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, None);
}

/// A callback run on each finished block of C: `(c, row_start, row_end, col_start, col_end)` with `c`
/// the base pointer of C (row stride ldc). Blocks are disjoint and cover C once; they may run on any
/// pool thread, right after the block is computed (while it is still in cache). The callback may
/// read and write C inside its block only.
pub type Epilogue<'a> = &'a (dyn Fn(*mut f32, usize, usize, usize, usize) + Sync);

/// [`sgemm`] followed, per finished block of C, by `epilogue` (bias, activation, …): elementwise
/// work fused into the product's tasks, so it runs in parallel and on cache-hot data.
#[allow(clippy::too_many_arguments)]
pub fn sgemm_epilogue(
    pool: Option<&Pool>, trans_a: bool, trans_b: bool, m: usize, n: usize, k: usize, alpha: f32,
    a: &[f32], lda: usize, b: &[f32], ldb: usize, beta: f32, c: &mut [f32], ldc: usize, epilogue: Option<Epilogue>,
) {
    if let Err(e) = check_args(trans_a, trans_b, m, n, k, a.len(), lda, b.len(), ldb, c.len(), ldc) {
        panic!("{e}");
    }
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 || alpha == 0.0 {
        scale_c(m, n, beta, c, ldc);
        if let Some(e) = epilogue {
            e(c.as_mut_ptr(), 0, m, 0, n);
        }
        return;
    }
    let g = Gemm { trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c: CPtr(c.as_mut_ptr()), ldc, epilogue };
    match dispatch::isa() {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => g.run::<avx512_kernel::Avx512>(pool),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => g.run::<avx2_kernel::Avx2>(pool),
        _ => g.run::<scalar_kernel::Scalar>(pool),
    }
}

fn scale_c(m: usize, n: usize, beta: f32, c: &mut [f32], ldc: usize) {
    for i in 0..m {
        let row = &mut c[i * ldc..i * ldc + n];
        if beta == 0.0 {
            row.fill(0.0);
        } else if beta != 1.0 {
            row.iter_mut().for_each(|v| *v *= beta);
        }
    }
}

/// C's base pointer, shared by tasks that write disjoint ranges of it.
#[derive(Clone, Copy)]
struct CPtr(*mut f32);
// SAFETY: tasks write disjoint tiles of C (see `Gemm::run`), and `sgemm` holds the unique borrow of C
// until every task has finished.
unsafe impl Send for CPtr {}
unsafe impl Sync for CPtr {}

struct Gemm<'a> {
    trans_a: bool,
    trans_b: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    a: &'a [f32],
    lda: usize,
    b: &'a [f32],
    ldb: usize,
    beta: f32,
    c: CPtr,
    ldc: usize,
    epilogue: Option<Epilogue<'a>>,
}

thread_local! {
    /// Per-thread packing buffers (A block, B block), grown on demand and kept: pool workers and the
    /// calling threads live long, so steady-state products allocate nothing.
    static PACK: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// A 64-byte-aligned window of `len` floats inside `v` (grown as needed).
fn aligned(v: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if v.len() < len + 16 {
        v.resize(len + 16, 0.0);
    }
    let off = v.as_ptr().align_offset(64).min(15);
    &mut v[off..off + len]
}

/// Depth of the k panels: k split into equal panels of at most about KC (rounded up to 4), a
/// function of k alone so the summation order never depends on threads or tiles.
fn k_panel(k: usize, kc_max: usize) -> usize {
    let panels = k.div_ceil(kc_max);
    k.div_ceil(panels).next_multiple_of(4).min(k.max(1))
}

impl Gemm<'_> {
    fn run<K: MicroKernel>(&self, pool: Option<&Pool>) {
        let flops = 2.0 * self.m as f64 * self.n as f64 * self.k as f64;
        let threads = pool.map_or(1, |p| p.threads());
        let tiles_m = self.m.div_ceil(K::MR);
        let tiles_n = self.n.div_ceil(K::NR);
        if threads <= 1 || flops < PARALLEL_MIN_FLOPS || (tiles_m < 2 && tiles_n < 2) {
            self.block::<K>(0, self.m, 0, self.n);
            return;
        }
        // Split the dimension whose split duplicates the smaller packing: cutting columns makes every
        // task pack all of op(A) (m·k), cutting rows makes every task pack all of op(B) (k·n).
        let split_n = (self.m <= self.n && tiles_n >= 2) || tiles_m < 2;
        let tiles = if split_n { tiles_n } else { tiles_m };
        let tasks = threads.min(tiles);
        let pool = pool.expect("threads > 1 implies a pool");
        pool.run(tasks, |t| {
            let lo = t * tiles / tasks;
            let hi = (t + 1) * tiles / tasks;
            if split_n {
                self.block::<K>(0, self.m, lo * K::NR, (hi * K::NR).min(self.n));
            } else {
                self.block::<K>(lo * K::MR, (hi * K::MR).min(self.m), 0, self.n);
            }
        });
    }

    /// Computes rows m0..m1 × columns n0..n1 of C (m0, n0 multiples of MR, NR).
    fn block<K: MicroKernel>(&self, m0: usize, m1: usize, n0: usize, n1: usize) {
        let kcp = k_panel(self.k, K::KC);
        PACK.with(|cell| {
            let mut bufs = cell.borrow_mut();
            let (abuf, bbuf) = &mut *bufs;
            let apack = aligned(abuf, K::MC * kcp);
            let bpack = aligned(bbuf, K::NC * kcp);
            let mut jc = n0;
            while jc < n1 {
                let nc = K::NC.min(n1 - jc);
                let mut p0 = 0;
                while p0 < self.k {
                    let kc = kcp.min(self.k - p0);
                    let beta = if p0 == 0 { self.beta } else { 1.0 };
                    pack::pack_b::<K>(self.trans_b, self.b, self.ldb, jc, nc, p0, kc, bpack);
                    let mut ic = m0;
                    while ic < m1 {
                        let mc = K::MC.min(m1 - ic);
                        pack::pack_a::<K>(self.trans_a, self.a, self.lda, ic, mc, p0, kc, apack);
                        self.macro_tile::<K>(ic, mc, jc, nc, kc, apack, bpack, beta);
                        if p0 + kc == self.k {
                            if let Some(e) = self.epilogue {
                                e(self.c.0, ic, ic + mc, jc, jc + nc);
                            }
                        }
                        ic += mc;
                    }
                    p0 += kc;
                }
                jc += nc;
            }
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn macro_tile<K: MicroKernel>(&self, ic: usize, mc: usize, jc: usize, nc: usize, kc: usize, apack: &[f32], bpack: &[f32], beta: f32) {
        let ldc = self.ldc;
        for (jp, jr) in (0..nc).step_by(K::NR).enumerate() {
            let cols = K::NR.min(nc - jr);
            let bp = bpack[jp * kc * K::NR..].as_ptr();
            for (ip, ir) in (0..mc).step_by(K::MR).enumerate() {
                let rows = K::MR.min(mc - ir);
                let ap = apack[ip * kc * K::MR..].as_ptr();
                // SAFETY: (ic+ir, jc+jr) lies inside C (check_args) and inside this task's range.
                let c = unsafe { self.c.0.add((ic + ir) * ldc + jc + jr) };
                if rows == K::MR && cols == K::NR {
                    // SAFETY: full tile inside C; panels hold kc·MR and kc·NR floats; ISA chosen by dispatch.
                    unsafe { K::tile(kc, ap, bp, c, ldc, self.alpha, beta) };
                } else {
                    // Edge tile: run the same kernel on a scratch block so the arithmetic per element
                    // is identical to a full tile's (tiling never changes results).
                    let mut scratch = [0f32; 16 * 32];
                    debug_assert!(K::MR * K::NR <= scratch.len());
                    if beta != 0.0 {
                        for i in 0..rows {
                            for j in 0..cols {
                                scratch[i * K::NR + j] = unsafe { *c.add(i * ldc + j) };
                            }
                        }
                    }
                    unsafe { K::tile(kc, ap, bp, scratch.as_mut_ptr(), K::NR, self.alpha, beta) };
                    for i in 0..rows {
                        for j in 0..cols {
                            unsafe { *c.add(i * ldc + j) = scratch[i * K::NR + j] };
                        }
                    }
                }
            }
        }
    }
}

/// Reference triple loop (f64 accumulation) for tests and benches: `C = α·op(A)·op(B) + β·C`.
#[allow(clippy::too_many_arguments)]
pub fn naive(
    trans_a: bool, trans_b: bool, m: usize, n: usize, k: usize, alpha: f32,
    a: &[f32], lda: usize, b: &[f32], ldb: usize, beta: f32, c: &mut [f32], ldc: usize,
) {
    for i in 0..m {
        for j in 0..n {
            let mut s = 0f64;
            for p in 0..k {
                let av = if trans_a { a[p * lda + i] } else { a[i * lda + p] };
                let bv = if trans_b { b[j * ldb + p] } else { b[p * ldb + j] };
                s += av as f64 * bv as f64;
            }
            let prev = if beta == 0.0 { 0.0 } else { beta as f64 * c[i * ldc + j] as f64 };
            c[i * ldc + j] = (alpha as f64 * s + prev) as f32;
        }
    }
}

/// Runs the selected microkernel `reps` times on L1-resident panels of depth `kc` and returns the
/// flops done: the ceiling any packed product can reach here, measured in the same run as the product
/// (benches report GEMM speed as a share of it, which shared, noisy machines keep meaningful).
#[doc(hidden)]
pub fn microkernel_flops(kc: usize, reps: usize) -> f64 {
    fn go<K: MicroKernel>(kc: usize, reps: usize) -> f64 {
        let a = vec![0.5f32; kc * K::MR];
        let b = vec![0.25f32; kc * K::NR];
        let mut c = vec![0f32; K::MR * K::NR];
        for _ in 0..reps {
            // SAFETY: panels and C sized for the kernel; ISA chosen by dispatch.
            unsafe { K::tile(kc, a.as_ptr(), b.as_ptr(), c.as_mut_ptr(), K::NR, 1.0, 1.0) };
        }
        std::hint::black_box(&c);
        2.0 * (kc * K::MR * K::NR * reps) as f64
    }
    match dispatch::isa() {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => go::<avx512_kernel::Avx512>(kc, reps),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => go::<avx2_kernel::Avx2>(kc, reps),
        _ => go::<scalar_kernel::Scalar>(kc, reps),
    }
}
