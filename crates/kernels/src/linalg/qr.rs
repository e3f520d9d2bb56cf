//! Householder QR in f64 on column-major storage (each reflector and each column it touches is
//! contiguous), and the orthogonal initializer of docs/SEMANTICS.md ("Orthogonal").
//!
//! Reflector j is H_j = I − τ_j v_j v_jᵀ with v_j[0] = 1 (LAPACK's dgeqrf convention): for the column
//! x below the diagonal, α = −sign(x₀)‖x‖ (no cancellation in x₀ − α), v = x/(x₀ − α), τ = (α − x₀)/α,
//! so H_j x = α e₁ and R[j][j] = α. Q's columns times sign(R[j][j]) make the unique QR factor with a
//! positive diagonal, whatever the reflector convention: Haar-distributed Q (Mezzadri 2007).

use crate::dispatch::{self, Isa};
use crate::pool::Pool;
use crate::rng::fill::{fill_f32, Op};

/// Columns per panel of the blocked factorization.
const NB: usize = 32;
/// Columns per pool task in the trailing updates.
const COLS_PER_TASK: usize = 16;

/// Column-major n × m matrix (n ≥ m) factored in place: R on and above the diagonal, the reflectors
/// below it (v[0] = 1 implicit); returns τ (length m).
///
/// Blocked as LAPACK's dgeqrf (Schreiber & Van Loan 1989, compact WY): each panel of NB columns is
/// factored column by column, its reflectors are combined into H = I − V·T·Vᵀ, and the rest of the
/// matrix is updated at once by C ← Hᵀ C = C − V·Tᵀ·(Vᵀ C), which reads the matrix once per panel
/// instead of once per column. Columns are independent in that update, so it runs on the pool in
/// fixed groups of columns; every column's arithmetic is the same for any thread count.
pub fn householder_qr(a: &mut [f64], n: usize, m: usize, pool: Option<&Pool>) -> Vec<f64> {
    assert!(n >= m && a.len() == n * m, "householder_qr: expected n >= m and n·m values");
    let mut tau = vec![0.0; m];
    let mut j0 = 0;
    while j0 < m {
        let jb = NB.min(m - j0);
        for j in j0..j0 + jb {
            let (left, right) = a.split_at_mut((j + 1) * n);
            let x = &mut left[j * n + j..];
            let t = make_reflector(x);
            tau[j] = t;
            if t != 0.0 {
                for k in 0..j0 + jb - j - 1 {
                    apply_reflector(x, t, &mut right[k * n + j..(k + 1) * n]);
                }
            }
        }
        if j0 + jb < m {
            let len = n - j0;
            let v = panel_v(a, n, j0, jb);
            let t = block_t(&v, len, jb, &tau[j0..j0 + jb]);
            update_columns(a, n, j0, j0 + jb, m, &v, &t, jb, true, pool);
        }
        j0 += jb;
    }
    tau
}

/// The panel's reflectors as a dense (n − j0) × jb column-major matrix V (unit diagonal, zeros above).
fn panel_v(a: &[f64], n: usize, j0: usize, jb: usize) -> Vec<f64> {
    let len = n - j0;
    let mut v = vec![0.0; len * jb];
    for p in 0..jb {
        let col = &mut v[p * len..(p + 1) * len];
        col[p] = 1.0;
        col[p + 1..].copy_from_slice(&a[(j0 + p) * n + j0 + p + 1..(j0 + p + 1) * n]);
    }
    v
}

/// T (jb × jb upper triangular, column-major) with H_0⋯H_{jb−1} = I − V·T·Vᵀ (LAPACK dlarft, forward).
fn block_t(v: &[f64], len: usize, jb: usize, tau: &[f64]) -> Vec<f64> {
    let mut t = vec![0.0; jb * jb];
    let mut z = vec![0.0; jb];
    for i in 0..jb {
        t[i * jb + i] = tau[i];
        if i == 0 || tau[i] == 0.0 {
            continue;
        }
        let vi = &v[i * len..(i + 1) * len];
        for (j, zj) in z.iter_mut().enumerate().take(i) {
            *zj = -tau[i] * dot(&v[j * len..(j + 1) * len], vi);
        }
        for r in 0..i {
            let mut s = 0.0;
            for c in r..i {
                s += t[c * jb + r] * z[c];
            }
            t[i * jb + r] = s;
        }
    }
    t
}

struct SendPtr(*mut f64);
// SAFETY: tasks update disjoint column ranges of the matrix the pointer addresses.
unsafe impl Sync for SendPtr {}

/// Columns c0..c1 of the column-major n-row matrix `a`, rows j0..n: C ← (I − V·op(T)·Vᵀ)·C with
/// op(T) = Tᵀ when `trans` (applying Hᵀ, the factorization) or T (applying H, forming Q).
#[allow(clippy::too_many_arguments)]
fn update_columns(a: &mut [f64], n: usize, j0: usize, c0: usize, c1: usize, v: &[f64], t: &[f64], jb: usize, trans: bool, pool: Option<&Pool>) {
    let len = n - j0;
    let isa = dispatch::isa();
    let tasks = (c1 - c0).div_ceil(COLS_PER_TASK);
    let base = SendPtr(a.as_mut_ptr());
    let base = &base;
    let task = |i: usize| {
        let lo = c0 + i * COLS_PER_TASK;
        let hi = (lo + COLS_PER_TASK).min(c1);
        let mut cols: Vec<&mut [f64]> = (lo..hi)
            // SAFETY: column k's rows j0..n; tasks own disjoint column ranges inside `a`.
            .map(|k| unsafe { std::slice::from_raw_parts_mut(base.0.add(k * n + j0), len) })
            .collect();
        match isa {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 | Isa::Avx512 => {
                // SAFETY: dispatch::isa() only reports ISAs the CPU has.
                unsafe { apply_block_avx2(v, len, jb, t, trans, &mut cols) }
            }
            _ => apply_block(v, len, jb, t, trans, &mut cols),
        }
    };
    match pool {
        Some(p) if p.threads() > 1 && tasks > 1 => p.run(tasks, task),
        _ => (0..tasks).for_each(task),
    }
}

/// [`apply_block`] compiled for AVX2: the same loops, 4-wide instead of 2-wide. No FMA is enabled,
/// so every product and sum rounds exactly as in the baseline build (results identical across ISAs).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn apply_block_avx2(v: &[f64], len: usize, jb: usize, t: &[f64], trans: bool, cols: &mut [&mut [f64]]) {
    apply_block(v, len, jb, t, trans, cols)
}

/// C ← (I − V·op(T)·Vᵀ)·C for each column of `cols` (length len); columns are handled alike one by one
/// in groups of four that share each V column while it is in L1.
#[inline(always)]
fn apply_block(v: &[f64], len: usize, jb: usize, t: &[f64], trans: bool, cols: &mut [&mut [f64]]) {
    let mut w = [[0.0f64; 4]; NB];
    let mut y = [0.0f64; NB];
    for group in cols.chunks_mut(4) {
        // W = Vᵀ C: one pass over V column p serves the dots with all four columns.
        for p in 0..jb {
            let vp = &v[p * len..(p + 1) * len];
            w[p] = match group.len() {
                4 => dots::<4>(vp, [&*group[0], &*group[1], &*group[2], &*group[3]]),
                3 => pad(dots::<3>(vp, [&*group[0], &*group[1], &*group[2]])),
                2 => pad(dots::<2>(vp, [&*group[0], &*group[1]])),
                _ => pad(dots::<1>(vp, [&*group[0]])),
            };
        }
        for k in 0..group.len() {
            for (i, yi) in y.iter_mut().enumerate().take(jb) {
                let mut s = 0.0;
                if trans {
                    for j in 0..=i {
                        s += t[i * jb + j] * w[j][k];
                    }
                } else {
                    for j in i..jb {
                        s += t[j * jb + i] * w[j][k];
                    }
                }
                *yi = s;
            }
            for p in 0..jb {
                w[p][k] = y[p];
            }
        }
        // C −= V W, four V columns per pass over each C column.
        for (k, c) in group.iter_mut().enumerate() {
            let mut p = 0;
            while p + 4 <= jb {
                let vs = [&v[p * len..(p + 1) * len], &v[(p + 1) * len..(p + 2) * len], &v[(p + 2) * len..(p + 3) * len], &v[(p + 3) * len..(p + 4) * len]];
                let ws = [w[p][k], w[p + 1][k], w[p + 2][k], w[p + 3][k]];
                for i in 0..len {
                    c[i] -= (ws[0] * vs[0][i] + ws[1] * vs[1][i]) + (ws[2] * vs[2][i] + ws[3] * vs[3][i]);
                }
                p += 4;
            }
            while p < jb {
                axpy(c, -w[p][k], &v[p * len..(p + 1) * len]);
                p += 1;
            }
        }
    }
}

fn pad<const K: usize>(x: [f64; K]) -> [f64; 4] {
    let mut o = [0.0; 4];
    o[..K].copy_from_slice(&x);
    o
}

/// Dot products of `v` with K columns in one pass, 4 partial sums each, in a fixed order.
#[inline(always)]
fn dots<const K: usize>(v: &[f64], c: [&[f64]; K]) -> [f64; K] {
    let len = v.len();
    let mut acc = [[0.0f64; 4]; K];
    let full = len / 4 * 4;
    let mut i = 0;
    while i < full {
        let vv = [v[i], v[i + 1], v[i + 2], v[i + 3]];
        for k in 0..K {
            let ck = &c[k][i..i + 4];
            for l in 0..4 {
                acc[k][l] += vv[l] * ck[l];
            }
        }
        i += 4;
    }
    let mut out = [0.0; K];
    for k in 0..K {
        let mut s = (acc[k][0] + acc[k][1]) + (acc[k][2] + acc[k][3]);
        for j in full..len {
            s += v[j] * c[k][j];
        }
        out[k] = s;
    }
    out
}

#[inline(always)]
fn axpy(c: &mut [f64], s: f64, v: &[f64]) {
    for (ci, &vi) in c.iter_mut().zip(v) {
        *ci += s * vi;
    }
}

/// Turns x (length ≥ 1) into [α, v[1..]] and returns τ (0 when x is zero: no reflection, α = 0).
fn make_reflector(x: &mut [f64]) -> f64 {
    let norm = dot(x, x).sqrt();
    if norm == 0.0 {
        return 0.0;
    }
    let x0 = x[0];
    let alpha = if x0 >= 0.0 { -norm } else { norm };
    let scale = 1.0 / (x0 - alpha);
    for xi in &mut x[1..] {
        *xi *= scale;
    }
    x[0] = alpha;
    (alpha - x0) / alpha
}

/// col ← (I − τ v vᵀ) col, with v = [1, stored[1..]].
#[inline]
fn apply_reflector(v: &[f64], tau: f64, col: &mut [f64]) {
    let w = col[0] + dot(&v[1..], &col[1..]);
    let s = tau * w;
    col[0] -= s;
    for (c, &vi) in col[1..].iter_mut().zip(&v[1..]) {
        *c -= s * vi;
    }
}

#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    // Sixteen partial sums in a fixed order: independent vector accumulators hide the add latency,
    // and the result does not depend on the ISA the loop is compiled for.
    let mut s = [0.0f64; 16];
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

/// Q (n × m, column-major) of a factored matrix, columns times sign(R[j][j]).
pub fn sign_corrected_q(qr: &[f64], tau: &[f64], n: usize, m: usize, pool: Option<&Pool>) -> Vec<f64> {
    let mut q = vec![0.0; n * m];
    for j in 0..m {
        q[j * n + j] = 1.0;
    }
    // Q = H₀…H_{m−1}·[I; 0], applied backwards one panel at a time: the panel starting at j0 only
    // changes rows ≥ j0 of columns ≥ j0.
    let panels: Vec<usize> = (0..m).step_by(NB).collect();
    for &j0 in panels.iter().rev() {
        let jb = NB.min(m - j0);
        let v = panel_v(qr, n, j0, jb);
        let t = block_t(&v, n - j0, jb, &tau[j0..j0 + jb]);
        update_columns(&mut q, n, j0, j0, m, &v, &t, jb, false, pool);
    }
    for j in 0..m {
        if qr[j * n + j] < 0.0 {
            for x in &mut q[j * n..(j + 1) * n] {
                *x = -*x;
            }
        }
    }
    q
}

/// Why an orthogonal matrix could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrthogonalError {
    /// The arguments are outside the domain of SEMANTICS.md.
    Invalid(String),
    /// The f64 work matrices could not be allocated.
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
    let mut a = try_zeroed::<f64>(size, "QR work")?;
    // Row-major n × m normals into column-major storage.
    for r in 0..n {
        for c in 0..m {
            a[c * n + r] = normals[r * m + c] as f64;
        }
    }
    drop(normals);
    let tau = householder_qr(&mut a, n, m, pool);
    let q = sign_corrected_q(&a, &tau, n, m, pool);
    if rows >= cols {
        for r in 0..n {
            for c in 0..m {
                out[r * m + c] = (q[c * n + r] * gain) as f32;
            }
        }
    } else {
        // Qᵀ (m × n row-major) is Q's column-major storage read row by row.
        for (o, &x) in out.iter_mut().zip(&q) {
            *o = (x * gain) as f32;
        }
    }
    Ok(())
}
