//! fanin-kernels: the math of fanin in plain Rust. No N-API, no I/O: slices in, slices out.
//!
//! Module map (see docs/ARCHITECTURE.md):
//! - [`dispatch`]: run-time ISA detection (AVX-512 → AVX2+FMA → scalar), `FANIN_ISA` override.
//! - [`pool`]: the owned thread pool (passive waiting, static partition).
//! - [`rng`]: Philox4x32-10 and the uniform / normal / truncated-normal fills.
//! - [`linalg`]: Householder QR for the orthogonal initializer.
//! - [`gemm`]: packed SGEMM with per-ISA microkernels.
//! - [`nn`]: dense forward/backward, activations, losses, optimizers, statistics.

pub mod dispatch;
pub mod gemm;
pub mod linalg;
pub mod nn;
pub mod pool;
pub mod rng;
