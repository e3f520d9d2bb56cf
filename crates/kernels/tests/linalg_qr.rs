//! Householder QR (f32, SGEMM-blocked) and the orthogonal initializer: reconstruction, triangularity,
//! orthogonality, thread independence.

use fanin_kernels::linalg::qr::{householder_qr, orthogonal, sign_corrected_q, OrthogonalError};
use fanin_kernels::dispatch;
use fanin_kernels::pool::Pool;
use fanin_kernels::rng::fill::{fill_f32, Op};
use std::sync::Mutex;

fn normals_col_major(n: usize, m: usize, seed: u64) -> Vec<f32> {
    let mut v = vec![0f32; n * m];
    fill_f32(&mut v, seed, 0, 0, &Op::normal(0.0, 1.0).unwrap(), None);
    v
}

#[test]
fn qr_reconstructs_a_with_upper_triangular_r_and_positive_diagonal_after_sign_correction() {
    for &(n, m) in &[(1usize, 1usize), (5, 5), (9, 4), (17, 17), (64, 64), (130, 47), (200, 3), (257, 200), (300, 300)] {
        let a = normals_col_major(n, m, (n * 1000 + m) as u64);
        let mut f = a.clone();
        let factors = householder_qr(&mut f, n, m, None).unwrap();
        let q = sign_corrected_q(&f, &factors, n, m, None).unwrap();
        // R with the same sign correction: D·R, D = diag(sign R[j][j]); Q·D·D·R = Q·R = A.
        let r = |i: usize, j: usize| -> f64 {
            if i > j {
                0.0
            } else {
                let d = if f[i * n + i] < 0.0 { -1.0 } else { 1.0 };
                d * f[j * n + i] as f64
            }
        };
        for j in 0..m {
            assert!(r(j, j) >= 0.0, "diag of the sign-corrected R is non-negative");
        }
        let scale = a.iter().fold(0f64, |s, &x| s.max((x as f64).abs()));
        let mut worst = 0f64;
        for i in 0..n {
            for j in 0..m {
                let mut s = 0.0;
                for k in 0..=j {
                    s += q[k * n + i] as f64 * r(k, j);
                }
                worst = worst.max((s - a[j * n + i] as f64).abs());
            }
        }
        // Backward stability of Householder QR: ‖QR − A‖ ≤ c·n·ε·‖A‖.
        // Backward stability of Householder QR in f32 (u = 2⁻²⁴): ‖QR − A‖ ≤ c·n·u·‖A‖ (Higham, Thm 19.4);
        // measured c ≤ 0.5 over these shapes.
        let u = (f32::EPSILON / 2.0) as f64;
        assert!(worst <= 2.0 * n as f64 * u * scale, "{n}×{m}: reconstruction error {worst}");
    }
}

fn gram_error(out: &[f32], rows: usize, cols: usize, gain: f64) -> f64 {
    // Orthonormal columns when rows ≥ cols (QᵀQ = g²I), orthonormal rows otherwise (QQᵀ = g²I).
    let tall = rows >= cols;
    let (k, len) = if tall { (cols, rows) } else { (rows, cols) };
    let at = |vec: usize, i: usize| if tall { out[i * cols + vec] } else { out[vec * cols + i] } as f64;
    let mut worst = 0f64;
    for p in 0..k {
        for q in p..k {
            let s: f64 = (0..len).map(|i| at(p, i) * at(q, i)).sum();
            let want = if p == q { gain * gain } else { 0.0 };
            worst = worst.max((s - want).abs());
        }
    }
    worst
}

#[test]
fn orthogonal_is_orthonormal_for_square_tall_and_wide_shapes() {
    for &(rows, cols, gain) in &[(1usize, 1usize, 1.0), (64, 64, 1.0), (100, 30, 2.0), (30, 100, 0.5), (1, 17, 1.0), (17, 1, 3.0), (257, 256, 1.0)] {
        let mut out = vec![0f32; rows * cols];
        orthogonal(&mut out, rows, cols, 42, 1, gain, None).unwrap();
        let err = gram_error(&out, rows, cols, gain);
        // f32 storage: each entry off by ≤ 2⁻²⁴ relative, so inner products of unit vectors by ~len·2⁻²⁴.
        let len = rows.max(cols) as f64;
        assert!(err <= gain * gain * (1e-6 + len * 1.2e-7), "{rows}×{cols}: ‖QᵀQ − g²I‖max = {err}");
    }
}

/// Tests that switch the process-wide ISA, or need one ISA throughout, take this lock.
static ISA_LOCK: Mutex<()> = Mutex::new(());

#[test]
fn orthogonal_is_deterministic_and_independent_of_threads_under_every_isa() {
    let _g = ISA_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let before = dispatch::isa();
    let (rows, cols) = (300, 500);
    let mut per_isa = Vec::new();
    for isa in dispatch::available() {
        assert!(dispatch::set_isa(isa));
        let mut one = vec![0f32; rows * cols];
        orthogonal(&mut one, rows, cols, 7, 2, 1.0, None).unwrap();
        for threads in [1usize, 2, 3] {
            let pool = Pool::new(threads);
            let mut got = vec![0f32; rows * cols];
            orthogonal(&mut got, rows, cols, 7, 2, 1.0, Some(&pool)).unwrap();
            assert!(got.iter().zip(&one).all(|(a, b)| a.to_bits() == b.to_bits()), "{} with {threads} threads", isa.name());
        }
        let mut other = vec![0f32; rows * cols];
        orthogonal(&mut other, rows, cols, 8, 2, 1.0, None).unwrap();
        assert!(other != one);
        per_isa.push(one);
    }
    dispatch::set_isa(before);
    // ISAs differ only in the SGEMM microkernel's rounding (FMA or not): each is within 64·√n·u of
    // the exact Q (docs/SEMANTICS.md), so within twice that of each other.
    let tol = 2.0 * 64.0 * (rows.max(cols) as f32).sqrt() * f32::EPSILON / 2.0;
    for q in &per_isa[1..] {
        let worst = q.iter().zip(&per_isa[0]).fold(0f32, |w, (a, b)| w.max((a - b).abs()));
        assert!(worst <= tol, "ISAs differ by {worst}");
    }
}

#[test]
fn a_1x1_orthogonal_is_plus_or_minus_gain_and_bad_arguments_are_errors() {
    // 1×1: Q = ±1 with R = ∓|a|; the sign correction makes the factor +1, so out = gain.
    let mut out = [0f32; 1];
    orthogonal(&mut out, 1, 1, 3, 0, 2.5, None).unwrap();
    assert_eq!(out[0], 2.5);
    let mut empty: [f32; 0] = [];
    assert!(orthogonal(&mut empty, 0, 5, 1, 0, 1.0, None).is_ok());
    let mut bad = [0f32; 5];
    assert!(matches!(orthogonal(&mut bad, 2, 3, 1, 0, 1.0, None), Err(OrthogonalError::Invalid(_))));
    let mut six = [0f32; 6];
    assert!(matches!(orthogonal(&mut six, 2, 3, 1, 0, f64::NAN, None), Err(OrthogonalError::Invalid(_))));
    assert!(matches!(orthogonal(&mut six, 1 << 20, 1 << 12, 1, 0, 1.0, None), Err(OrthogonalError::Invalid(_))));
}

#[test]
fn tall_and_wide_results_are_transposes_of_each_other() {
    let _g = ISA_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // rows × cols and cols × rows factor the same A (n × m normals) and form the same Q; the tall
    // result is Q row-major, the wide one Qᵀ row-major: exact transposes, bit for bit.
    let (n, m) = (300usize, 130usize);
    let pool = Pool::new(2);
    let mut tall = vec![0f32; n * m];
    let mut wide = vec![0f32; n * m];
    orthogonal(&mut tall, n, m, 5, 1, 1.5, Some(&pool)).unwrap();
    orthogonal(&mut wide, m, n, 5, 1, 1.5, Some(&pool)).unwrap();
    for r in 0..n {
        for c in 0..m {
            assert_eq!(tall[r * m + c].to_bits(), wide[c * n + r].to_bits(), "element ({r}, {c})");
        }
    }
}
