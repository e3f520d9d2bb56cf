//! `sgemm` for Backend.sgemm: shape checks here, the product in fanin-kernels on the owned pool.

use fanin_kernels::gemm;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::threads::pool;

pub(crate) fn dim(v: f64, what: &str) -> Result<usize> {
    if v.is_finite() && v.fract() == 0.0 && (0.0..=4_294_967_295.0).contains(&v) {
        Ok(v as usize)
    } else {
        Err(Error::new(Status::InvalidArg, format!("{what}: expected a non-negative integer, got {v}")))
    }
}

/// C = α·op(A)·op(B) + β·C, row-major, tightly packed (lda = columns of the stored A, and so on).
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn sgemm(
    trans_a: bool, trans_b: bool, m: f64, n: f64, k: f64, alpha: f64, a: Float32Array, b: Float32Array, beta: f64,
    mut c: Float32Array,
) -> Result<()> {
    let (m, n, k) = (dim(m, "sgemm: m")?, dim(n, "sgemm: n")?, dim(k, "sgemm: k")?);
    if !alpha.is_finite() || !beta.is_finite() {
        return Err(Error::new(Status::InvalidArg, format!("sgemm: alpha and beta must be finite, got {alpha} and {beta}")));
    }
    let lda = if trans_a { m } else { k };
    let ldb = if trans_b { k } else { n };
    let exact = |len: usize, want: usize, name: &str| -> Result<()> {
        if len != want {
            return Err(Error::new(Status::InvalidArg, format!("sgemm: {name} must hold {want} values, got {len}")));
        }
        Ok(())
    };
    exact(a.len(), m * k, "a")?;
    exact(b.len(), k * n, "b")?;
    exact(c.len(), m * n, "c")?;
    gemm::check_args(trans_a, trans_b, m, n, k, a.len(), lda.max(1), b.len(), ldb.max(1), c.len(), n.max(1))
        .map_err(|e| Error::new(Status::InvalidArg, e))?;
    let p = pool();
    // SAFETY: synchronous call on the JS thread; nothing else touches `c` meanwhile.
    let cs = unsafe { c.as_mut() };
    gemm::sgemm(Some(&p), trans_a, trans_b, m, n, k, alpha as f32, &a, lda.max(1), &b, ldb.max(1), beta as f32, cs, n.max(1));
    Ok(())
}
