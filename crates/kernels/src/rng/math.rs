//! Scalar f32/f64 math of the sampling transforms, exactly as docs/SEMANTICS.md ("Random streams")
//! specifies it. Every f32 step is one IEEE add, multiply or square root (Rust never contracts a·b + c
//! into an FMA), so the SIMD kernels and the TypeScript twin reproduce these results bit for bit.
// The coefficients are written exactly as the spec (and the papers) give them, digits beyond f32
// precision included, so they can be compared with docs/SEMANTICS.md by eye.
#![allow(clippy::excessive_precision)]

/// Giles (2010), "Approximating the erfinv function", GPU Computing Gems, single-precision central
/// branch (w = −ln(1 − y²) < 5), in the variable w − 2.5, highest degree first.
pub(crate) const ERFINV_CENTRAL: [f32; 9] = [
    2.81022636e-08,
    3.43273939e-07,
    -3.5233877e-06,
    -4.39150654e-06,
    0.00021858087,
    -0.00125372503,
    -0.00417768164,
    0.246640727,
    1.50140941,
];

/// Giles (2010) tail branch (w ≥ 5), in the variable √w − 3, highest degree first.
pub(crate) const ERFINV_TAIL: [f32; 9] = [
    -0.000200214257,
    0.000100950558,
    0.00134934322,
    -0.00367342844,
    0.00573950773,
    -0.0076224613,
    0.00943887047,
    1.00167406,
    2.83297682,
];

/// Cephes `logf` minimax polynomial P(t) for ln(1 + t) ≈ t − t²/2 + t³·P(t), t in [√½ − 1, √2 − 1).
pub(crate) const LOGF_P: [f32; 9] = [
    7.0376836292e-2,
    -1.1514610310e-1,
    1.1676998740e-1,
    -1.2420140846e-1,
    1.4249322787e-1,
    -1.6668057665e-1,
    2.0000714765e-1,
    -2.4999993993e-1,
    3.3333331174e-1,
];

/// ln 2 split as 0.693359375 (exact in few bits) − 2.12194440e-4 (Cephes' C1/C2 trick).
pub(crate) const LN2_HI: f32 = 0.693359375;
pub(crate) const LN2_LO: f32 = -2.12194440e-4;
/// Significands m₁ in [1, 2) with bits above this are halved: Cephes compares m₀ = m₁/2 in [½, 1)
/// with f32(√½) (bits 0x3F3504F3), i.e. halves exactly when m₁ ≥ 0x3FB504F3 (SEMANTICS.md, `logf`).
pub(crate) const LOGF_SPLIT_BITS: u32 = 0x3FB5_04F2;
/// 1 − 2⁻²⁴, the largest |y| of the normal grid; truncated y is clamped to ±Y.
pub(crate) const Y_MAX: f32 = 1.0 - 1.0 / 16_777_216.0;
pub(crate) const TWO_M24: f32 = 1.0 / 16_777_216.0;

#[inline(always)]
pub(crate) fn horner(c: &[f32; 9], w: f32) -> f32 {
    let mut p = c[0];
    for &ck in &c[1..] {
        p = p * w + ck;
    }
    p
}

/// Natural log of a positive normal f32 (the transforms only pass values in (0, 1]); Cephes-style
/// range reduction x = m·2ᵉ with m in (√½, √2), then ln x = t − t²/2 + t³P(t) + e·ln 2, t = m − 1.
#[inline(always)]
pub fn logf(x: f32) -> f32 {
    let bits = x.to_bits();
    let e0 = (bits >> 23) as i32 - 127;
    let m1 = (bits & 0x007F_FFFF) | 0x3F80_0000;
    let (mb, e) = if m1 > LOGF_SPLIT_BITS { (m1 - 0x0080_0000, e0 + 1) } else { (m1, e0) };
    let ef = e as f32;
    let t = f32::from_bits(mb) - 1.0;
    let z = t * t;
    let p = horner(&LOGF_P, t);
    let mut r = (t * z) * p;
    r += ef * LN2_LO;
    r += -0.5 * z;
    r += t; // t + r: IEEE addition commutes exactly, so this is the spec's order
    r += ef * LN2_HI;
    r
}

/// erfinv(y) for y in (−1, 1) by Giles' single-precision approximation (relative error below
/// ~4e−7 over the f32 grid the fills use; see tests/rng_math.rs for the measured bound).
#[inline(always)]
pub fn erfinv(y: f32) -> f32 {
    let w = -logf((1.0 - y) * (1.0 + y));
    let p = if w < 5.0 { horner(&ERFINV_CENTRAL, w - 2.5) } else { horner(&ERFINV_TAIL, w.sqrt() - 3.0) };
    p * y
}

/// y_i of the normal fill: (2·(w >>> 8) + 1 − 2²⁴)·2⁻²⁴, an odd multiple of 2⁻²⁴ in (−1, 1), exact.
#[inline(always)]
pub(crate) fn normal_grid(w: u32) -> f32 {
    let k = ((w >> 8) as i32) * 2 + 1 - (1 << 24);
    k as f32 * TWO_M24
}

/// u_i of the uniform fill: (w >>> 8)·2⁻²⁴ in [0, 1), exact.
#[inline(always)]
pub(crate) fn uniform_grid(w: u32) -> f32 {
    (w >> 8) as f32 * TWO_M24
}

/// erf(x) in f64 by its Maclaurin series, evaluated exactly as SEMANTICS.md prescribes (term order,
/// stopping rule, final scaling) so the TypeScript twin gets the same bits. Only used on |x| ≤ 6/√2,
/// where the series converges in under 80 terms.
pub fn erf_series(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let mx2 = -(x * x);
    let mut t = x;
    let mut sum = 0.0 + x / 1.0;
    let mut n = 1u32;
    loop {
        t = t * mx2 / n as f64;
        let term = t / (2 * n + 1) as f64;
        sum += term;
        if term.abs() < 1e-17 * sum.abs() || n >= 1000 {
            break;
        }
        n += 1;
    }
    sum * std::f64::consts::FRAC_2_SQRT_PI
}

/// The smallest f32 ≥ x (x finite and within the f32 range).
pub(crate) fn f32_at_or_above(x: f64) -> f32 {
    let f = x as f32;
    if (f as f64) < x {
        next_up(f)
    } else {
        f
    }
}

/// The largest f32 ≤ x (x finite and within the f32 range).
pub(crate) fn f32_at_or_below(x: f64) -> f32 {
    -f32_at_or_above(-x)
}

/// The next f32 above a finite f32.
fn next_up(f: f32) -> f32 {
    if f == 0.0 {
        return f32::from_bits(1);
    }
    let b = f.to_bits();
    if f > 0.0 {
        f32::from_bits(b + 1)
    } else {
        f32::from_bits(b - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logf_matches_the_correctly_rounded_log_closely() {
        // Every 97th f32 in [2^-24, 1]: Cephes logf is within 1 ulp + tiny absolute error of ln.
        let mut b = (1.0f32 / 16_777_216.0).to_bits();
        let mut worst = 0.0f64;
        while b <= 1.0f32.to_bits() {
            let x = f32::from_bits(b);
            let got = logf(x) as f64;
            let want = (x as f64).ln();
            let err = (got - want).abs() / want.abs().max(1e-30);
            if want != 0.0 {
                worst = worst.max(err);
            } else {
                assert_eq!(got, 0.0);
            }
            b += 97;
        }
        assert!(worst < 3e-7, "worst relative error of logf {worst}");
    }

    #[test]
    fn decimal_constants_round_the_same_through_f64() {
        // The TS twin writes Math.fround(decimal): decimal → f64 → f32. Rust parses decimal → f32 directly.
        // The two agree for every constant, or the backends would differ by an ulp.
        let all: Vec<f32> = ERFINV_CENTRAL.iter().chain(&ERFINV_TAIL).chain(&LOGF_P).copied().chain([LN2_HI, LN2_LO]).collect();
        let text = [
            "2.81022636e-08", "3.43273939e-07", "-3.5233877e-06", "-4.39150654e-06", "0.00021858087",
            "-0.00125372503", "-0.00417768164", "0.246640727", "1.50140941", "-0.000200214257", "0.000100950558",
            "0.00134934322", "-0.00367342844", "0.00573950773", "-0.0076224613", "0.00943887047", "1.00167406",
            "2.83297682", "7.0376836292e-2", "-1.1514610310e-1", "1.1676998740e-1", "-1.2420140846e-1",
            "1.4249322787e-1", "-1.6668057665e-1", "2.0000714765e-1", "-2.4999993993e-1", "3.3333331174e-1",
            "0.693359375", "-2.12194440e-4",
        ];
        assert_eq!(all.len(), text.len());
        for (c, s) in all.iter().zip(text) {
            assert_eq!(c.to_bits(), (s.parse::<f64>().unwrap() as f32).to_bits(), "{s}");
        }
    }

    #[test]
    fn directed_rounding_brackets() {
        for &x in &[0.1f64, -0.1, 1.0 / 3.0, -2.0 * 0.05, 1e-40, -1e-40, 0.0, 3.0, -1.5e38] {
            let lo = f32_at_or_below(x);
            let hi = f32_at_or_above(x);
            assert!((lo as f64) <= x && (hi as f64) >= x, "{x}");
            assert!(hi == lo || next_up(lo) == hi, "{x}: {lo} {hi}");
        }
    }

    #[test]
    fn erf_series_matches_known_values() {
        // erf(1), erf(2), erf(3/√2) from tables (Abramowitz & Stegun 7.1); the series loses accuracy to
        // cancellation for large x (terms reach e^{x²}), hence the looser bound at 3/√2.
        assert!((erf_series(1.0) - 0.8427007929497149).abs() < 1e-15);
        assert!((erf_series(2.0) - 0.9953222650189527).abs() < 1e-14);
        assert!((erf_series(-2.0) + 0.9953222650189527).abs() < 1e-14);
        assert!((erf_series(3.0 / std::f64::consts::SQRT_2) - 0.9973002039367398).abs() < 1e-12);
        assert_eq!(erf_series(0.0), 0.0);
        let e6 = erf_series(6.0 / std::f64::consts::SQRT_2);
        assert!((e6 - (1.0 - 1.973175290075e-9)).abs() < 1e-8, "{e6}");
    }
}
