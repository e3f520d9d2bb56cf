//! Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11) and the bits / uniform /
//! normal / truncated-normal fills of docs/SEMANTICS.md, with scalar, AVX2 and AVX-512F kernels that
//! agree bit for bit.
pub mod fill;
pub mod math;
pub mod philox;

#[cfg(target_arch = "x86_64")]
mod avx2_kernel;
#[cfg(target_arch = "x86_64")]
mod avx512_kernel;

pub use fill::{fill_bits, fill_normal, fill_truncated_normal, fill_uniform, Op, CHUNK};
