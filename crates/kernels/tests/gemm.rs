//! SGEMM against an f64 triple loop: edge shapes, every layout, α/β, every ISA this CPU has, and
//! bit-identical results for 1, 2 and 3 threads.

use std::sync::Mutex;

use fanin_kernels::dispatch;
use fanin_kernels::gemm::{self, naive};
use fanin_kernels::pool::Pool;

/// The ISA is process-global; tests that switch it take this lock.
static ISA_LOCK: Mutex<()> = Mutex::new(());

mod support;

/// Deterministic values in [-1, 1), so failures reproduce.
fn fill(n: usize, seed: u64) -> Vec<f32> {
    support::fill(n, seed, 1.0)
}

struct Case {
    ta: bool,
    tb: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    beta: f32,
}

/// Runs one case with `pool` and checks every element against the f64 loop within the standard
/// rounding-error bound of a length-k dot product: |err| ≤ (k+2)·u·(|α|·Σ|a||b| + |β·c|), u = 2⁻²⁴·2.
fn check(case: &Case, pool: Option<&Pool>) -> Vec<f32> {
    let Case { ta, tb, m, n, k, alpha, beta } = *case;
    // Leading dimensions wider than the matrices, to exercise strides.
    let lda = if ta { m + 3 } else { k + 1 };
    let ldb = if tb { k + 2 } else { n + 5 };
    let ldc = n + 1;
    let a = fill(if ta { k * lda } else { m * lda }, 1 + (m * 31 + k) as u64);
    let b = fill(if tb { n * ldb } else { k * ldb }, 2 + (n * 17 + k) as u64);
    let c0 = fill(m * ldc, 3 + (m + n) as u64);
    let mut c = c0.clone();
    gemm::sgemm(pool, ta, tb, m, n, k, alpha, &a, lda, &b, ldb, beta, &mut c, ldc);
    let mut r = c0.clone();
    naive(ta, tb, m, n, k, alpha, &a, lda, &b, ldb, beta, &mut r, ldc);
    let u = f32::EPSILON as f64;
    for i in 0..m {
        for j in 0..n {
            let mut mag = 0f64;
            for p in 0..k {
                let av = if ta { a[p * lda + i] } else { a[i * lda + p] };
                let bv = if tb { b[j * ldb + p] } else { b[p * ldb + j] };
                mag += (av as f64 * bv as f64).abs();
            }
            let bound = (k as f64 + 2.0) * u * (alpha.abs() as f64 * mag + (beta as f64 * c0[i * ldc + j] as f64).abs()) + 1e-30;
            let got = c[i * ldc + j] as f64;
            let want = r[i * ldc + j] as f64;
            assert!(
                (got - want).abs() <= bound,
                "ta={ta} tb={tb} m={m} n={n} k={k} α={alpha} β={beta}: C[{i}][{j}] = {got}, expected {want} (bound {bound})"
            );
        }
        // Padding columns of C beyond n are never touched.
        assert_eq!(c[i * ldc + n..(i + 1) * ldc], c0[i * ldc + n..(i + 1) * ldc]);
    }
    c
}

const SIZES: [usize; 7] = [1, 5, 6, 17, 63, 129, 300];

#[test]
fn matches_the_naive_loop_for_edge_shapes_layouts_and_every_isa() {
    let _g = ISA_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let before = dispatch::isa();
    for isa in dispatch::available() {
        assert!(dispatch::set_isa(isa));
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            for &m in &SIZES {
                for &n in &SIZES {
                    for &k in &[1usize, 5, 17, 129, 520] {
                        if m * n * k > 3_000_000 {
                            continue;
                        }
                        check(&Case { ta, tb, m, n, k, alpha: 1.0, beta: 0.0 }, None);
                    }
                }
            }
        }
    }
    dispatch::set_isa(before);
}

#[test]
fn alpha_and_beta_follow_blas_semantics() {
    let _g = ISA_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let before = dispatch::isa();
    for isa in dispatch::available() {
        assert!(dispatch::set_isa(isa));
        for (alpha, beta) in [(1.0, 1.0), (-0.5, 2.0), (0.25, -1.0), (0.0, 0.5), (2.0, 0.0)] {
            for (ta, tb) in [(false, false), (true, false), (false, true)] {
                check(&Case { ta, tb, m: 37, n: 45, k: 300, alpha, beta }, None);
            }
        }
        // β = 0: NaN in C must not leak into the result.
        let (m, n, k) = (7, 19, 9);
        let a = fill(m * k, 5);
        let b = fill(k * n, 6);
        let mut c = vec![f32::NAN; m * n];
        gemm::sgemm(None, false, false, m, n, k, 1.0, &a, k, &b, n, 0.0, &mut c, n);
        assert!(c.iter().all(|v| v.is_finite()), "{isa:?}: NaN leaked through β = 0");
        // k = 0: C = β·C.
        let mut c = vec![2.0f32; m * n];
        gemm::sgemm(None, false, false, m, n, 0, 1.0, &[], 0, &[], n, 0.5, &mut c, n);
        assert!(c.iter().all(|&v| v == 1.0));
    }
    dispatch::set_isa(before);
}

#[test]
fn results_are_bit_identical_for_one_two_and_three_threads() {
    let _g = ISA_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let before = dispatch::isa();
    let pools: Vec<Pool> = (1..=3).map(Pool::new).collect();
    for isa in dispatch::available() {
        assert!(dispatch::set_isa(isa));
        for (ta, tb) in [(false, false), (true, false), (false, true)] {
            // Large enough to cross the parallel threshold and span several k panels and row blocks.
            for (m, n, k) in [(301, 129, 600), (128, 784, 256), (784, 256, 128), (150, 150, 150)] {
                let case = Case { ta, tb, m, n, k, alpha: 0.75, beta: 0.5 };
                let one = check(&case, Some(&pools[0]));
                for p in &pools[1..] {
                    let other = check(&case, Some(p));
                    assert!(
                        one.iter().zip(&other).all(|(x, y)| x.to_bits() == y.to_bits()),
                        "{isa:?} {m}×{n}×{k} ta={ta} tb={tb}: {} threads differ from 1",
                        p.threads()
                    );
                }
            }
        }
    }
    dispatch::set_isa(before);
}

#[test]
fn rejects_buffers_that_are_too_short() {
    assert!(gemm::check_args(false, false, 3, 4, 5, 15, 5, 20, 4, 12, 4).is_ok());
    assert!(gemm::check_args(false, false, 3, 4, 5, 14, 5, 20, 4, 12, 4).is_err());
    assert!(gemm::check_args(true, false, 3, 4, 5, 15, 3, 20, 4, 12, 4).is_ok());
    assert!(gemm::check_args(false, true, 3, 4, 5, 15, 5, 19, 5, 12, 4).is_err());
    assert!(gemm::check_args(false, false, 3, 4, 5, 15, 4, 20, 4, 12, 4).is_err());
    assert!(gemm::check_args(false, false, 3, 4, 5, 15, 5, 20, 4, 11, 4).is_err());
}
