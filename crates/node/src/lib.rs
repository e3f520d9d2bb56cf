//! N-API binding of fanin. Argument checks and conversions only; all math lives in `fanin-kernels`.
//! Every exported function returns `napi::Result` so bad input becomes a JS error; napi-rs catches
//! panics at the boundary (and `catch_unwind` guards the async tasks) so none crosses into Node.

mod gemm;
mod linalg;
mod net;
mod rng;
mod threads;

use napi_derive::napi;

/// Version of the native addon (the crate version), so JS can check it matches the facade.
#[napi]
pub fn native_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
