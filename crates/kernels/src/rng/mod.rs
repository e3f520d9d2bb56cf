//! Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11).
pub mod philox;
