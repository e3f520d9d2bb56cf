//! Test data shared by the kernels' integration tests and benches (a module, not a test target).

/// Deterministic values in [−scale, scale) (xorshift64 on a scrambled seed), so failures reproduce
/// and benches see the same inputs every run.
pub fn fill(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0) * scale
        })
        .collect()
}
