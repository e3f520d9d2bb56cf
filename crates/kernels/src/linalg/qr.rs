//! Householder QR in f32 on column-major storage, blocked so that almost all of the work is SGEMM,
//! and the orthogonal initializer of docs/SEMANTICS.md ("Orthogonal").
//!
//! Reflector j is H_j = I − τ_j v_j v_jᵀ with v_j[0] = 1 (LAPACK's sgeqrf convention): for the column
//! x below the diagonal, α = −sign(x₀)‖x‖ (no cancellation in x₀ − α), v = x/(x₀ − α), τ = (α − x₀)/α,
//! so H_j x = α e₁ and R[j][j] = α. Q's columns times sign(R[j][j]) make the unique QR factor with a
//! positive diagonal, whatever the reflector convention: Haar-distributed Q (Mezzadri 2007).
//!
//! Blocking (Schreiber & Van Loan 1989, compact WY; Elmroth & Gustavson 2000, recursive panels):
//! the reflectors of a panel of NB columns combine into H₀⋯H_{NB−1} = I − V·T·Vᵀ, and the rest of the
//! matrix is updated at once by C ← Hᵀ C = C − V·(Tᵀ·(Vᵀ C)): three matrix products, run by the crate's
//! packed SGEMM ([`crate::gemm::sgemm`]). A panel itself is factored recursively: its left half, the
//! left half's block reflector applied to its right half (SGEMM again), the right half, and T of the
//! whole panel from the two halves' T (T₁₂ = −T₁·(V₁ᵀV₂)·T₂). Only panels of at most NB_MIN columns
//! are factored column by column. Q is formed the same way, panel by panel from the last one.
//!
//! Determinism: the SGEMM computes every element of a product by the same sequence of operations for
//! any thread count (its k blocking depends on k alone, tasks own disjoint parts of C), and the
//! column-by-column code runs on the calling thread in a fixed order, compiled for the baseline ISA.
//! So a result depends on (seed, stream, shape, gain) and on the ISA of the SGEMM microkernel only.

use crate::gemm::sgemm;
use crate::pool::Pool;
use crate::rng::fill::{fill_f32, Op};

/// Columns per panel of the blocked factorization (the depth of the trailing-update products).
const NB: usize = 64;
/// Panels at most this wide are factored column by column.
const NB_MIN: usize = 16;

/// Why an orthogonal matrix could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrthogonalError {
    /// The arguments are outside the domain of SEMANTICS.md.
    Invalid(String),
    /// The work matrices could not be allocated.
    OutOfMemory(String),
}

impl std::fmt::Display for OrthogonalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrthogonalError::Invalid(s) | OrthogonalError::OutOfMemory(s) => f.write_str(s),
        }
    }
}

fn try_zeroed<T: Copy + Default>(len: usize, what: &str) -> Result<Vec<T>, OrthogonalError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        OrthogonalError::OutOfMemory(format!("cannot allocate {len} values for the {what} matrix"))
    })?;
    v.resize(len, T::default());
    Ok(v)
}

/// Column-major `C = α·op(A)·op(B) + β·C` (op(A) m × k, op(B) k × n) on the row-major SGEMM: a
/// column-major matrix is its transpose in row-major order, and Cᵀ = op(B)ᵀ·op(A)ᵀ.
#[allow(clippy::too_many_arguments)]
fn gemm_cm(
    pool: Option<&Pool>, ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: f32,
    a: &[f32], lda: usize, b: &[f32], ldb: usize, beta: f32, c: &mut [f32], ldc: usize,
) {
    sgemm(pool, tb, ta, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
}

/// The factored matrix: R on and above the diagonal of `a`, the reflectors below it (v[0] = 1
/// implicit), their τ, and each NB-column panel's T (upper triangular, column-major, panel width
/// as leading dimension) with H_{j0}⋯H_{j0+jb−1} = I − V·T·Vᵀ.
pub struct Factors {
    pub tau: Vec<f32>,
    /// Panel starting at column j0 (a multiple of NB): its T at `t[j0·NB..]`.
    pub t: Vec<f32>,
}

/// Column-major n × m matrix (n ≥ m, leading dimension n) factored in place.
///
/// With look-ahead (Kurzak & Dongarra 2006): once panel k is factored, its block reflector is applied
/// first to the columns of panel k + 1 only; then panel k + 1 is factored on one thread while the
/// others apply panel k to the remaining columns in chunks, so the column-by-column part of the
/// factorization no longer leaves the other cores idle. The order of operations on every column is the
/// same as without it, and chunking a product by columns does not change any element of it.
pub fn householder_qr(a: &mut [f32], n: usize, m: usize, pool: Option<&Pool>) -> Result<Factors, OrthogonalError> {
    assert!(n >= m && a.len() == n * m, "householder_qr: expected n >= m and n·m values");
    let mut tau = vec![0.0f32; m];
    let mut t = try_zeroed::<f32>(m * NB.min(m.max(1)), "block reflector")?;
    if m == 0 {
        return Ok(Factors { tau, t });
    }
    let mut vbuf = try_zeroed::<f32>(n * NB.min(m), "reflector")?;
    let mut scratch = try_zeroed::<f32>(n * NB.min(m), "panel")?;
    let jb = NB.min(m);
    panel_qr(a, n, n, jb, &mut tau[..jb], &mut t[..jb * jb], jb, &mut scratch, pool);
    let mut j0 = 0;
    // Panel j0 (NB wide, since another follows) is factored; bring the rest up to date with it.
    while j0 + NB < m {
        let (jb, len, jn) = (NB, n - j0, j0 + NB);
        let jbn = NB.min(m - jn);
        let v = &mut vbuf[..len * jb];
        dense_v(&a[j0 * n + j0..], n, len, jb, v);
        let v = &*v;
        let (t_done, t_next) = t.split_at_mut(jn * NB);
        let tp = &t_done[j0 * NB..j0 * NB + jb * jb];
        let rest = &mut a[jn * n..];
        apply_block(pool, v, len, jb, tp, jb, true, &mut rest[j0..], n, jbn, 0);
        let (next, after) = rest.split_at_mut(jbn * n);
        let nc = m - jn - jbn;
        let chunk = chunk_cols(nc, pool);
        let chunks = nc.div_ceil(chunk);
        let panel = std::sync::Mutex::new(Some((&mut next[jn..], &mut tau[jn..jn + jbn], &mut t_next[..jbn * jbn], &mut scratch[..])));
        let after_ptr = SendPtr(after.as_mut_ptr());
        let after_ptr = &after_ptr;
        run_tasks(pool, 1 + chunks, |i| {
            if i == 0 {
                let taken = panel.lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some((pa, ptau, pt, ps)) = taken {
                    panel_qr(pa, n, n - jn, jbn, ptau, pt, jbn, ps, None);
                }
            } else {
                let c0 = (i - 1) * chunk;
                let c1 = (c0 + chunk).min(nc);
                // SAFETY: columns c0..c1 of `after` (rows j0..n), inside it and touched by this task alone.
                let c = unsafe { std::slice::from_raw_parts_mut(after_ptr.0.add(c0 * n + j0), (c1 - c0) * n - j0) };
                apply_block(None, v, len, jb, tp, jb, true, c, n, c1 - c0, 0);
            }
        });
        j0 = jn;
    }
    Ok(Factors { tau, t })
}

/// Columns per pool task when an update is cut into column chunks: everything on one thread, else
/// about two chunks per thread (at least 64 columns, so the packed V is reused enough).
fn chunk_cols(nc: usize, pool: Option<&Pool>) -> usize {
    match pool {
        Some(p) if p.threads() > 1 => nc.div_ceil(2 * p.threads()).next_multiple_of(16).max(64),
        _ => nc.max(1),
    }
}

/// Runs `f(0..tasks)` on the pool, or in order on this thread without one.
fn run_tasks(pool: Option<&Pool>, tasks: usize, f: impl Fn(usize) + Sync) {
    match pool {
        Some(p) => p.run(tasks, f),
        None => (0..tasks).for_each(f),
    }
}

/// The reflectors of the len × w block at `a` (leading dimension ld) as a dense column-major
/// len × w matrix (unit diagonal, zeros above).
fn dense_v(a: &[f32], ld: usize, len: usize, w: usize, v: &mut [f32]) {
    for p in 0..w {
        let col = &mut v[p * len..(p + 1) * len];
        col[..p].fill(0.0);
        col[p] = 1.0;
        col[p + 1..].copy_from_slice(&a[p * ld + p + 1..p * ld + len]);
    }
}

/// C ← (I − V·op(T)·Vᵀ)·C for the len × nc block C at `c` (leading dimension ldc): op(T) = Tᵀ when
/// `trans` (applying Hᵀ, the factorization), T otherwise (applying H, forming Q). V is dense len × w,
/// T is w × w with leading dimension ldt. The first `zero_rows` rows of C are known to be zero, so
/// VᵀC skips them.
#[allow(clippy::too_many_arguments)]
fn apply_block(pool: Option<&Pool>, v: &[f32], len: usize, w: usize, t: &[f32], ldt: usize, trans: bool, c: &mut [f32], ldc: usize, nc: usize, zero_rows: usize) {
    if nc == 0 || w == 0 {
        return;
    }
    let mut w1 = vec![0.0f32; w * nc];
    gemm_cm(pool, true, false, w, nc, len - zero_rows, 1.0, &v[zero_rows..], len, &c[zero_rows..], ldc, 0.0, &mut w1, w);
    finish_block(pool, v, len, w, t, ldt, trans, c, ldc, nc, &w1);
}

/// C ← C − V·(op(T)·W1) with W1 = VᵀC already computed (w × nc).
#[allow(clippy::too_many_arguments)]
fn finish_block(pool: Option<&Pool>, v: &[f32], len: usize, w: usize, t: &[f32], ldt: usize, trans: bool, c: &mut [f32], ldc: usize, nc: usize, w1: &[f32]) {
    let mut w2 = vec![0.0f32; w * nc];
    gemm_cm(pool, trans, false, w, nc, w, 1.0, t, ldt, w1, w, 0.0, &mut w2, w);
    gemm_cm(pool, false, false, len, nc, w, -1.0, v, len, &w2, w, 1.0, c, ldc);
}

/// Factors the len × w block at `a` (leading dimension ld, len ≥ w) in place, writes τ and T
/// (w × w, leading dimension ldt; only its upper triangle is written, the rest must be zero).
/// `scratch` holds at least len·w values.
#[allow(clippy::too_many_arguments)]
fn panel_qr(a: &mut [f32], ld: usize, len: usize, w: usize, tau: &mut [f32], t: &mut [f32], ldt: usize, scratch: &mut [f32], pool: Option<&Pool>) {
    if w <= NB_MIN {
        panel_qr_unblocked(a, ld, len, w, tau, t, ldt);
        return;
    }
    let w1 = w / 2;
    let w2 = w - w1;
    let (left, right) = a.split_at_mut(w1 * ld);
    panel_qr(left, ld, len, w1, &mut tau[..w1], t, ldt, scratch, pool);
    let (v1, rest) = scratch.split_at_mut(len * w1);
    dense_v(left, ld, len, w1, v1);
    apply_block(pool, v1, len, w1, t, ldt, true, right, ld, w2, 0);
    let len2 = len - w1;
    panel_qr(&mut right[w1..], ld, len2, w2, &mut tau[w1..], &mut t[w1 * ldt + w1..], ldt, rest, pool);
    // T₁₂ = −T₁·(V₁ᵀV₂)·T₂, V₂ being zero in the first w1 rows.
    let v2 = &mut rest[..len2 * w2];
    dense_v(&right[w1..], ld, len2, w2, v2);
    let mut s = vec![0.0f32; w1 * w2];
    gemm_cm(pool, true, false, w1, w2, len2, 1.0, &v1[w1..], len, v2, len2, 0.0, &mut s, w1);
    let mut p = vec![0.0f32; w1 * w2];
    gemm_cm(pool, false, false, w1, w2, w1, 1.0, t, ldt, &s, w1, 0.0, &mut p, w1);
    gemm_cm(pool, false, false, w1, w2, w2, -1.0, &p, w1, &t[w1 * ldt + w1..], ldt, 0.0, &mut s, w1);
    for c in 0..w2 {
        t[(w1 + c) * ldt..(w1 + c) * ldt + w1].copy_from_slice(&s[c * w1..(c + 1) * w1]);
    }
}

/// Column by column (LAPACK sgeqr2 and slarft): each reflector is made and applied to the block's
/// later columns, then T is built column by column, T[0..i][i] = −τ_i·T[0..i][0..i]·(V[:, 0..i]ᵀ v_i).
fn panel_qr_unblocked(a: &mut [f32], ld: usize, len: usize, w: usize, tau: &mut [f32], t: &mut [f32], ldt: usize) {
    for j in 0..w {
        let (cur, later) = a.split_at_mut(((j + 1) * ld).min(a.len()));
        let x = &mut cur[j * ld + j..j * ld + len];
        let tj = make_reflector(x);
        tau[j] = tj;
        if tj != 0.0 {
            for k in 0..w - j - 1 {
                apply_reflector(x, tj, &mut later[k * ld + j..k * ld + len]);
            }
        }
    }
    let mut z = [0.0f32; NB_MIN];
    for i in 0..w {
        t[i * ldt + i] = tau[i];
        if i == 0 || tau[i] == 0.0 {
            continue;
        }
        // v_i is 1 at row i and a[i·ld + r] below; V[:, j] for j < i is a[j·ld + r] below row j.
        let vi = &a[i * ld + i + 1..i * ld + len];
        for (j, zj) in z.iter_mut().enumerate().take(i) {
            let vj = &a[j * ld + i..j * ld + len];
            *zj = -tau[i] * (vj[0] + dot(&vj[1..], vi));
        }
        for r in 0..i {
            let mut s = 0.0f32;
            for c in r..i {
                s += t[c * ldt + r] * z[c];
            }
            t[i * ldt + r] = s;
        }
    }
}

/// Turns x (length ≥ 1) into [α, v[1..]] and returns τ (0 when x is zero: no reflection, α = 0).
/// ‖x‖ is accumulated in f64, so it neither overflows nor underflows for any finite f32 column.
fn make_reflector(x: &mut [f32]) -> f32 {
    let norm2: f64 = x.iter().map(|&v| v as f64 * v as f64).sum();
    if norm2 == 0.0 {
        return 0.0;
    }
    let norm = norm2.sqrt();
    let x0 = x[0] as f64;
    let alpha = if x0 >= 0.0 { -norm } else { norm };
    let scale = (1.0 / (x0 - alpha)) as f32;
    for xi in &mut x[1..] {
        *xi *= scale;
    }
    x[0] = alpha as f32;
    ((alpha - x0) / alpha) as f32
}

/// col ← (I − τ v vᵀ) col, with v = [1, stored[1..]].
#[inline]
fn apply_reflector(v: &[f32], tau: f32, col: &mut [f32]) {
    let w = col[0] + dot(&v[1..], &col[1..]);
    let s = tau * w;
    col[0] -= s;
    for (c, &vi) in col[1..].iter_mut().zip(&v[1..]) {
        *c -= s * vi;
    }
}

#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Sixteen partial sums in a fixed order: independent vector accumulators hide the add latency,
    // and the result does not depend on the ISA the loop is compiled for.
    let mut s = [0.0f32; 16];
    let ca = a.chunks_exact(16);
    let cb = b.chunks_exact(16);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..16 {
            s[l] += x[l] * y[l];
        }
    }
    let mut t = 0.0;
    for l in 0..4 {
        t += (s[l] + s[l + 4]) + (s[l + 8] + s[l + 12]);
    }
    for (x, y) in ra.iter().zip(rb) {
        t += x * y;
    }
    t
}

/// Q (n × m, column-major) of a factored matrix, columns times sign(R[j][j]) (sign(0) = 1).
pub fn sign_corrected_q(qr: &[f32], f: &Factors, n: usize, m: usize, pool: Option<&Pool>) -> Result<Vec<f32>, OrthogonalError> {
    let mut q = try_zeroed::<f32>(n * m, "Q")?;
    form_q(qr, f, n, m, &mut q, pool)?;
    Ok(q)
}

/// Writes Q (n × m, column-major) into `q` (every element), columns times sign(R[j][j]).
///
/// Q = B₀B₁⋯[I; 0] with B_k = I − V_k·T_k·V_kᵀ, applied from the last panel back: the panel starting
/// at j0 only changes rows ≥ j0 of columns ≥ j0. (Building Qᵀ from the right instead, to skip the
/// transposition of a tall result, measured slower.)
fn form_q(qr: &[f32], f: &Factors, n: usize, m: usize, q: &mut [f32], pool: Option<&Pool>) -> Result<(), OrthogonalError> {
    q.fill(0.0);
    for j in 0..m {
        q[j * n + j] = 1.0;
    }
    let mut v = try_zeroed::<f32>(n * NB.min(m), "reflector")?;
    let panels: Vec<usize> = (0..m).step_by(NB).collect();
    for &j0 in panels.iter().rev() {
        let jb = NB.min(m - j0);
        let len = n - j0;
        let v = &mut v[..len * jb];
        dense_v(&qr[j0 * n + j0..], n, len, jb, v);
        let v = &*v;
        let t = &f.t[j0 * NB..j0 * NB + jb * jb];
        // The panel's own columns are still [I; 0] here, so their VᵀC is the transpose of V's top
        // jb × jb block; the columns after them are still zero in the panel's jb rows.
        let nc = m - j0 - jb;
        let chunk = chunk_cols(nc, pool);
        let chunks = nc.div_ceil(chunk);
        let q_ptr = SendPtr(q.as_mut_ptr());
        let q_ptr = &q_ptr;
        run_tasks(pool, 1 + chunks, |i| {
            let (c0, c1) = if i == 0 { (j0, j0 + jb) } else { (j0 + jb + (i - 1) * chunk, (j0 + jb + i * chunk).min(m)) };
            // SAFETY: columns c0..c1 of q (rows j0..n), inside it and touched by this task alone.
            let c = unsafe { std::slice::from_raw_parts_mut(q_ptr.0.add(c0 * n + j0), (c1 - c0) * n - j0) };
            if i == 0 {
                let mut w1 = vec![0.0f32; jb * jb];
                for col in 0..jb {
                    for p in 0..=col {
                        w1[col * jb + p] = v[p * len + col];
                    }
                }
                finish_block(None, v, len, jb, t, jb, false, c, n, jb, &w1);
            } else {
                apply_block(None, v, len, jb, t, jb, false, c, n, c1 - c0, jb);
            }
        });
    }
    for j in 0..m {
        if qr[j * n + j] < 0.0 {
            for x in &mut q[j * n..(j + 1) * n] {
                *x = -*x;
            }
        }
    }
    Ok(())
}

struct SendPtr(*mut f32);
// SAFETY: pool tasks write disjoint tiles of the destination the pointer addresses.
unsafe impl Sync for SendPtr {}

/// The transpose of the row-major r × c matrix `src`, each element mapped through `f`, into `dst`
/// (row-major c × r), through a 16 × 16 tile copied in by rows and out by rows, so neither side is
/// walked with a stride (a 1024-wide matrix walked down 32 columns at once thrashes the L1 sets:
/// ten times slower); bands of 16 destination rows spread over the pool (elementwise work: the result
/// does not depend on the partition).
fn transpose_map(src: &[f32], r: usize, c: usize, dst: &mut [f32], f: impl Fn(f32) -> f32 + Sync, pool: Option<&Pool>) {
    const B: usize = 16;
    assert!(src.len() >= r * c && dst.len() >= r * c);
    let out = SendPtr(dst.as_mut_ptr());
    let out = &out;
    let band = |b: usize| {
        let j0 = b * B;
        let w = B.min(c - j0);
        let mut tile = [[0f32; B]; B];
        for i0 in (0..r).step_by(B) {
            let h = B.min(r - i0);
            for (k, row) in tile.iter_mut().enumerate().take(h) {
                let s = (i0 + k) * c + j0;
                row[..w].copy_from_slice(&src[s..s + w]);
            }
            #[allow(clippy::needless_range_loop)] // jj indexes the tile's column and places the row
            for jj in 0..w {
                // SAFETY: destination row j0 + jj < c, columns i0..i0 + h ≤ r: inside dst (length ≥ r·c),
                // and only band b writes rows j0..j0 + w.
                let d = unsafe { std::slice::from_raw_parts_mut(out.0.add((j0 + jj) * r + i0), h) };
                for (k, x) in d.iter_mut().enumerate() {
                    *x = f(tile[k][jj]);
                }
            }
        }
    };
    let bands = c.div_ceil(B);
    match pool {
        Some(p) if p.threads() > 1 && r * c >= 1 << 18 => p.run(bands, band),
        _ => (0..bands).for_each(band),
    }
}

/// The orthogonal initializer: rows × cols (row-major) into `out`, times `gain`, from the normal
/// fill of (seed, stream) (SEMANTICS.md, "Orthogonal").
pub fn orthogonal(
    out: &mut [f32],
    rows: usize,
    cols: usize,
    seed: u64,
    stream: u32,
    gain: f64,
    pool: Option<&Pool>,
) -> Result<(), OrthogonalError> {
    let size = rows.checked_mul(cols).filter(|&s| s <= i32::MAX as usize);
    let Some(size) = size else {
        return Err(OrthogonalError::Invalid(format!("rows·cols must be at most 2^31 - 1, got {rows}·{cols}")));
    };
    if out.len() != size {
        return Err(OrthogonalError::Invalid(format!("expected out of length rows·cols = {size}, got {}", out.len())));
    }
    if !gain.is_finite() || gain.abs() > f32::MAX as f64 {
        return Err(OrthogonalError::Invalid(format!("expected a finite gain with |gain| <= {}, got {gain}", f32::MAX)));
    }
    if size == 0 {
        return Ok(());
    }
    let (n, m) = (rows.max(cols), rows.min(cols));
    let mut normals = try_zeroed::<f32>(size, "normal")?;
    fill_f32(&mut normals, seed, stream, 0, &Op::normal(0.0, 1.0).expect("N(0, 1) is in the domain"), pool);
    let mut a = try_zeroed::<f32>(size, "QR work")?;
    // Row-major n × m normals into column-major storage.
    transpose_map(&normals, n, m, &mut a, |x| x, pool);
    let f = householder_qr(&mut a, n, m, pool)?;
    let scale = move |x: f32| (x as f64 * gain) as f32;
    if rows >= cols {
        // Q row-major is the transpose of its column-major storage (row-major m × n); the normals'
        // buffer is free by now and holds Q.
        let mut q = normals;
        form_q(&a, &f, n, m, &mut q, pool)?;
        transpose_map(&q, m, n, out, scale, pool);
    } else {
        drop(normals);
        // Qᵀ row-major (m × n) is Q's column-major storage.
        form_q(&a, &f, n, m, out, pool)?;
        for o in out.iter_mut() {
            *o = scale(*o);
        }
    }
    Ok(())
}
