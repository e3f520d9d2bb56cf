//! The random fills against their definition (docs/SEMANTICS.md, "Random streams"): Philox words
//! through every ISA, bit-identity across ISAs, offsets and thread counts, and statistical sanity.

use fanin_kernels::dispatch::{self, Isa};
use fanin_kernels::pool::Pool;
use fanin_kernels::rng::fill::{fill, fill_f32, fill_on, Op, CHUNK};
use fanin_kernels::rng::philox::philox4x32_10;

fn isas() -> Vec<Isa> {
    dispatch::available()
}

fn ops() -> Vec<(&'static str, Op)> {
    vec![
        ("bits", Op::Bits),
        ("uniform", Op::uniform(-0.05, 0.05).unwrap()),
        ("uniform_wide", Op::uniform(-1.5e38, 1.5e38).unwrap()),
        ("normal", Op::normal(0.0, 1.0).unwrap()),
        ("normal_shifted", Op::normal(1.5, 0.2).unwrap()),
        ("truncated", Op::truncated(0.0, 0.05 / 0.879_625_661_034_239_8, -2.0, 2.0).unwrap()),
        ("truncated_asym", Op::truncated(0.3, 2.0, -0.5, 6.0).unwrap()),
        ("truncated_half", Op::truncated(0.0, 1.0, 0.0, 6.0).unwrap()),
        ("truncated_inf", Op::truncated(-1.0, 0.5, f64::NEG_INFINITY, 1.0).unwrap()),
    ]
}

fn run(isa: Isa, op: &Op, seed: u64, stream: u32, offset: u64, len: usize, pool: Option<&Pool>) -> Vec<u32> {
    let mut out = vec![0xDEAD_BEEFu32; len];
    fill_on(isa, &mut out, seed, stream, offset, op, pool);
    out
}

#[test]
fn random123_known_answer_through_every_isa() {
    // Counter (0, 0, 0, 0), key (0, 0) is block 0 of stream 0 under seed 0.
    for isa in isas() {
        let w = run(isa, &Op::Bits, 0, 0, 0, 4096, None);
        assert_eq!(&w[..4], &[0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8], "{isa:?}");
    }
}

#[test]
fn bits_are_the_philox_words_of_the_stream_for_every_isa() {
    let cases: [(u64, u32, u64); 7] = [
        (0, 0, 0),
        (0x299f31d0_a4093822, 0x13198a2e, 12345),
        (u64::MAX, u32::MAX, 3),
        // Block index crossing 2^32 (the low counter word wraps inside a SIMD step): in the second
        // step of a two-step iteration here, in the first one in the next case. The AVX2/AVX-512
        // kernels fold rounds 0-2 per high counter word and must refresh that after the wrap.
        (42, 7, (1u64 << 34) - 4 * 13 + 1),
        (9, 0x8000_0001, (1u64 << 34) - 4 * 4 - 1),
        // Far offsets: block index in the high counter word.
        (7, 1, (1u64 << 60) + 2),
        // The largest high counter words an offset can reach, crossing from 2^30 - 2 to 2^30 - 1.
        (0x0123_4567_89ab_cdef, 0xFFFF_FFFE, 4 * ((0x3FFF_FFFEu64 << 32) | 0xFFFF_FFF8) + 3),
    ];
    for isa in isas() {
        for &(seed, stream, offset) in &cases {
            let len = 4 * 64 + 7;
            let got = run(isa, &Op::Bits, seed, stream, offset, len, None);
            for (i, &g) in got.iter().enumerate() {
                let j = offset + i as u64;
                let b = j >> 2;
                let w = philox4x32_10([b as u32, (b >> 32) as u32, stream, 0], [seed as u32, (seed >> 32) as u32]);
                assert_eq!(g, w[(j & 3) as usize], "{isa:?} seed {seed} stream {stream} element {j}");
            }
        }
    }
}

#[test]
fn every_isa_gives_the_scalar_bits_for_every_transform() {
    for (name, op) in ops() {
        for &(offset, len) in &[(0u64, 1000usize), (1, 1), (3, 5), (5, 4 * 16 + 3), (0x1_0000_0000 * 4 - 9, 300), (77, 4099)] {
            let want = run(Isa::Scalar, &op, 0x1234_5678_9abc_def0, 3, offset, len, None);
            for isa in isas() {
                let got = run(isa, &op, 0x1234_5678_9abc_def0, 3, offset, len, None);
                assert!(got == want, "{name}: {isa:?} differs from scalar at offset {offset}, len {len}");
            }
        }
    }
}

#[test]
fn a_fill_from_offset_k_is_the_tail_of_the_fill_from_zero() {
    for (name, op) in ops() {
        for isa in isas() {
            let full = run(isa, &op, 99, 5, 0, 600, None);
            for k in [1usize, 2, 3, 4, 5, 31, 32, 33, 63, 64, 65, 129, 333] {
                let part = run(isa, &op, 99, 5, k as u64, 600 - k, None);
                assert!(part[..] == full[k..], "{name} {isa:?} offset {k}");
            }
        }
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let len = 3 * CHUNK + 12_345;
    for (name, op) in ops() {
        let want = run(dispatch::isa(), &op, 2024, 11, 17, len, None);
        for threads in [1usize, 2, 3] {
            let pool = Pool::new(threads);
            let mut got = vec![0u32; len];
            fill(&mut got, 2024, 11, 17, &op, Some(&pool));
            assert!(got == want, "{name} with {threads} threads");
        }
    }
}

#[test]
fn set_isa_switches_the_default_path_without_changing_results() {
    let op = Op::normal(0.0, 1.0).unwrap();
    let mut reference = vec![0f32; 5000];
    fill_f32(&mut reference, 5, 6, 7, &op, None);
    let before = dispatch::isa();
    for isa in isas() {
        assert!(dispatch::set_isa(isa));
        let mut got = vec![0f32; 5000];
        fill_f32(&mut got, 5, 6, 7, &op, None);
        assert!(got.iter().zip(&reference).all(|(a, b)| a.to_bits() == b.to_bits()), "{isa:?}");
    }
    dispatch::set_isa(before);
}

fn floats(op: &Op, n: usize, seed: u64) -> Vec<f32> {
    let mut v = vec![0f32; n];
    fill_f32(&mut v, seed, 0, 0, op, None);
    v
}

fn mean_var(v: &[f32]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().map(|&x| x as f64).sum::<f64>() / n;
    let var = v.iter().map(|&x| (x as f64 - m).powi(2)).sum::<f64>() / n;
    (m, var)
}

#[test]
fn normal_moments_match_within_six_sigma() {
    let n = 1 << 20;
    let (mean, std) = (0.7, 2.5);
    let v = floats(&Op::normal(mean, std).unwrap(), n, 31337);
    assert!(v.iter().all(|x| x.is_finite()));
    let (m, var) = mean_var(&v);
    // Sample mean ~ N(mean, std²/n); sample variance ~ N(std², 2·std⁴/n) for a normal.
    assert!((m - mean).abs() < 6.0 * std / (n as f64).sqrt(), "mean {m}");
    assert!((var - std * std).abs() < 6.0 * std * std * (2.0 / n as f64).sqrt(), "var {var}");
    // Fraction beyond 2σ: p = 0.0455, binomial bound.
    let p = 0.04550026389635842;
    let beyond = v.iter().filter(|&&x| ((x as f64 - mean) / std).abs() > 2.0).count() as f64 / n as f64;
    assert!((beyond - p).abs() < 6.0 * (p * (1.0 - p) / n as f64).sqrt(), "beyond 2σ: {beyond}");
}

fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

fn cdf(x: f64) -> f64 {
    0.5 * (1.0 + fanin_kernels::rng::math::erf_series(x / std::f64::consts::SQRT_2))
}

#[test]
fn truncated_normal_stays_in_bounds_with_the_truncated_moments() {
    let n = 1 << 20;
    for &(mean, std, lo, hi) in &[(0.0, 1.0, -2.0, 2.0), (1.0, 0.5, -0.5, 3.0), (0.0, 1.0, 0.0, 6.0), (-3.0, 2.0, 1.0, 1.5)] {
        let v = floats(&Op::truncated(mean, std, lo, hi).unwrap(), n, 4242);
        let (a, b) = (mean + lo * std, mean + hi * std);
        assert!(v.iter().all(|&x| (x as f64) >= a && (x as f64) <= b), "bounds [{a}, {b}]");
        // Moments of the standard normal truncated to [lo, hi].
        let z = cdf(hi) - cdf(lo);
        let mu = (phi(lo) - phi(hi)) / z;
        let var = 1.0 + (lo * phi(lo) - hi * phi(hi)) / z - mu * mu;
        let (m, s2) = mean_var(&v);
        let sd = std * var.sqrt();
        assert!((m - (mean + std * mu)).abs() < 6.0 * sd / (n as f64).sqrt(), "{lo}..{hi}: mean {m}");
        // Var of the sample variance ≤ E[(x − μ)⁴]/n ≤ max|x − μ|⁴ / n; use the bounded range.
        let r = (hi - lo) * std;
        assert!((s2 - sd * sd).abs() < 6.0 * r * r / (n as f64).sqrt(), "{lo}..{hi}: var {s2} vs {}", sd * sd);
    }
}

#[test]
fn uniform_stays_in_range_with_the_uniform_moments() {
    let n = 1 << 20;
    let (lo, hi) = (-0.25, 0.75);
    let v = floats(&Op::uniform(lo, hi).unwrap(), n, 8);
    assert!(v.iter().all(|&x| (x as f64) >= lo && (x as f64) <= hi));
    let (m, var) = mean_var(&v);
    let w = hi - lo;
    assert!((m - 0.25).abs() < 6.0 * w / (12.0 * n as f64).sqrt(), "mean {m}");
    // Var of the sample variance of U(0, w): (w⁴/80 − w⁴/144)/n.
    assert!((var - w * w / 12.0).abs() < 6.0 * (w.powi(4) * (1.0 / 80.0 - 1.0 / 144.0) / n as f64).sqrt(), "var {var}");
}

#[test]
fn degenerate_parameters_stay_finite() {
    // std = 0 gives the mean; lo = hi gives lo.
    assert!(floats(&Op::normal(3.0, 0.0).unwrap(), 1000, 1).iter().all(|&x| x == 3.0));
    assert!(floats(&Op::uniform(2.0, 2.0).unwrap(), 1000, 1).iter().all(|&x| x == 2.0));
    // Far tail: near y = −1 the f32 grid of m + h·y is coarse in z and rounding may step past −5; the
    // final clamp keeps every value finite and inside [−6, −5].
    let v = floats(&Op::truncated(0.0, 1.0, -6.0, -5.0).unwrap(), 100_000, 1);
    let (lo, hi) = v.iter().fold((f32::MAX, f32::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    assert!(v.iter().all(|x| x.is_finite()) && lo >= -6.0 && hi <= -5.0, "range {lo}..{hi}");
}

#[test]
fn parameter_domain_is_enforced() {
    assert!(Op::uniform(1.0, 0.0).is_err());
    assert!(Op::uniform(f64::NAN, 0.0).is_err());
    assert!(Op::uniform(-3.4e38, 3.4e38).is_err(), "hi − lo overflows f32");
    assert!(Op::uniform(0.0, 1e39).is_err());
    assert!(Op::normal(0.0, -1.0).is_err());
    assert!(Op::normal(f64::INFINITY, 1.0).is_err());
    assert!(Op::normal(0.0, 1e38).is_err());
    assert!(Op::truncated(0.0, 1.0, 1.0, 1.0).is_err());
    assert!(Op::truncated(0.0, 1.0, f64::NAN, 1.0).is_err());
    assert!(Op::truncated(0.0, 1.0, 7.0, 9.0).is_err(), "nothing left after clamping to ±6");
    assert!(Op::truncated(0.0, 1.0, f64::NEG_INFINITY, f64::INFINITY).is_ok());
}
