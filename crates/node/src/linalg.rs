//! The orthogonal initializer: argument checks and typed-array access; the QR is
//! `fanin_kernels::linalg`.

use fanin_kernels::linalg::{orthogonal as k_orthogonal, OrthogonalError};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::rng::{seed_u64, stream_u32};
use crate::threads::pool;

fn dim(name: &str, v: f64) -> Result<usize> {
    if !(v.is_finite() && v.fract() == 0.0 && (0.0..=2_147_483_647.0).contains(&v)) {
        return Err(Error::new(Status::InvalidArg, format!("orthogonal: expected {name} as an integer in [0, 2^31 - 1], got {v}")));
    }
    Ok(v as usize)
}

/// rows × cols orthogonal matrix (row-major) times gain into `out` (SEMANTICS.md, "Orthogonal").
#[napi]
pub fn orthogonal(mut out: Float32ArraySlice, rows: f64, cols: f64, seed: BigInt, stream: f64, gain: f64) -> Result<()> {
    const W: &str = "orthogonal";
    let rows = dim("rows", rows)?;
    let cols = dim("cols", cols)?;
    let seed = seed_u64(W, &seed)?;
    let stream = stream_u32(W, stream)?;
    // SAFETY: the slice is only used during this synchronous call, on the JS thread that owns it.
    let out = unsafe { out.as_mut() };
    let p = pool();
    k_orthogonal(out, rows, cols, seed, stream, gain, Some(&p)).map_err(|e| match e {
        OrthogonalError::Invalid(m) => Error::new(Status::InvalidArg, format!("{W}: {m}")),
        OrthogonalError::OutOfMemory(m) => Error::new(Status::GenericFailure, format!("{W}: {m}")),
    })
}
