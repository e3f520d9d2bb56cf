//! Householder QR in f64 on column-major storage (each reflector and each column it touches is
//! contiguous), and the orthogonal initializer of docs/SEMANTICS.md ("Orthogonal").
//!
//! Reflector j is H_j = I − τ_j v_j v_jᵀ with v_j[0] = 1 (LAPACK's dgeqrf convention): for the column
//! x below the diagonal, α = −sign(x₀)‖x‖ (no cancellation in x₀ − α), v = x/(x₀ − α), τ = (α − x₀)/α,
//! so H_j x = α e₁ and R[j][j] = α. Q's columns times sign(R[j][j]) make the unique QR factor with a
//! positive diagonal, whatever the reflector convention: Haar-distributed Q (Mezzadri 2007).

use crate::pool::Pool;
use crate::rng::fill::{fill_f32, Op};

/// Column-major n × m matrix (n ≥ m) factored in place: R on and above the diagonal, the reflectors
/// below it (v[0] = 1 implicit); returns τ (length m).
pub fn householder_qr(a: &mut [f64], n: usize, m: usize) -> Vec<f64> {
    assert!(n >= m && a.len() == n * m, "householder_qr: expected n >= m and n·m values");
    let mut tau = vec![0.0; m];
    for j in 0..m {
        let (left, right) = a.split_at_mut((j + 1) * n);
        let x = &mut left[j * n + j..];
        let t = make_reflector(x);
        tau[j] = t;
        if t != 0.0 {
            let v = &x[..];
            for k in 0..m - j - 1 {
                let col = &mut right[k * n + j..(k + 1) * n];
                apply_reflector(v, t, col);
            }
        }
    }
    tau
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

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    // Four partial sums: lets the compiler keep independent vector accumulators.
    let mut s = [0.0f64; 4];
    let ca = a.chunks_exact(4);
    let cb = b.chunks_exact(4);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            s[l] += x[l] * y[l];
        }
    }
    let mut t = (s[0] + s[1]) + (s[2] + s[3]);
    for (x, y) in ra.iter().zip(rb) {
        t += x * y;
    }
    t
}

/// Q (n × m, column-major) of a factored matrix, columns times sign(R[j][j]).
pub fn sign_corrected_q(qr: &[f64], tau: &[f64], n: usize, m: usize) -> Vec<f64> {
    let mut q = vec![0.0; n * m];
    for j in 0..m {
        q[j * n + j] = 1.0;
    }
    // Q = H₀…H_{m−1}·[I; 0], applied backwards: H_j only changes rows ≥ j of columns ≥ j.
    for j in (0..m).rev() {
        if tau[j] == 0.0 {
            continue;
        }
        let v = &qr[j * n + j..(j + 1) * n];
        for k in j..m {
            apply_reflector(v, tau[j], &mut q[k * n + j..(k + 1) * n]);
        }
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
    let tau = householder_qr(&mut a, n, m);
    let q = sign_corrected_q(&a, &tau, n, m);
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
