//! Activations and their backward passes (docs/SEMANTICS.md, "Dense networks"). Rows are samples;
//! softmax works on whole rows, everything else elementwise.

/// SELU constants (Klambauer et al. 2017, "Self-Normalizing Neural Networks").
pub const SELU_LAMBDA: f64 = 1.050_700_987_355_480_5;
pub const SELU_ALPHA: f64 = 1.673_263_242_354_377_2;
const INV_SQRT2: f64 = std::f64::consts::FRAC_1_SQRT_2;
/// 1/√(2π), for the normal density in gelu's derivative.
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Linear,
    Relu,
    LeakyRelu,
    Elu,
    Selu,
    Gelu,
    Tanh,
    Sigmoid,
    Softmax,
}

impl Activation {
    pub const NAMES: [&'static str; 9] = ["linear", "relu", "leaky_relu", "elu", "selu", "gelu", "tanh", "sigmoid", "softmax"];

    pub fn parse(s: &str) -> Option<Activation> {
        Some(match s {
            "linear" => Activation::Linear,
            "relu" => Activation::Relu,
            "leaky_relu" => Activation::LeakyRelu,
            "elu" => Activation::Elu,
            "selu" => Activation::Selu,
            "gelu" => Activation::Gelu,
            "tanh" => Activation::Tanh,
            "sigmoid" => Activation::Sigmoid,
            "softmax" => Activation::Softmax,
            _ => return None,
        })
    }

    /// Layers whose units can die (Z ≤ 0 on every row): counted by `deadFraction`.
    pub fn can_die(self) -> bool {
        matches!(self, Activation::Relu | Activation::LeakyRelu | Activation::Elu | Activation::Selu | Activation::Gelu)
    }
}

/// erf in f64, accurate to about 1e−15: the Maclaurin series
/// (2/√π)·Σₙ (−1)ⁿ x²ⁿ⁺¹/(n!(2n+1)) below |x| = 2 (its cancellation grows beyond), the continued
/// fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (Abramowitz & Stegun
/// 7.1.14) evaluated from 80 terms up for 2 ≤ |x| < 6, and ±1 beyond (erfc(6) ≈ 2e−17).
pub fn erf(x: f64) -> f64 {
    let ax = x.abs();
    if x == 0.0 {
        return x;
    }
    if ax < 2.0 {
        let mut term = x;
        let mut sum = x;
        let mx2 = -x * x;
        for n in 1..200 {
            term *= mx2 / n as f64;
            let add = term / (2 * n + 1) as f64;
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        return sum * std::f64::consts::FRAC_2_SQRT_PI;
    }
    if ax >= 6.0 {
        return x.signum();
    }
    let mut f = ax;
    for n in (1..=80).rev() {
        f = ax + n as f64 / 2.0 / f;
    }
    let erfc = (-ax * ax).exp() / std::f64::consts::PI.sqrt() / f;
    x.signum() * (1.0 - erfc)
}

/// A = act(Z) for `rows` rows of `units` values.
pub fn forward(act: Activation, alpha: f32, z: &[f32], a: &mut [f32], units: usize) {
    debug_assert_eq!(z.len(), a.len());
    match act {
        Activation::Linear => a.copy_from_slice(z),
        Activation::Relu => a.iter_mut().zip(z).for_each(|(o, &v)| *o = if v > 0.0 { v } else { 0.0 }),
        Activation::LeakyRelu => a.iter_mut().zip(z).for_each(|(o, &v)| *o = if v > 0.0 { v } else { alpha * v }),
        Activation::Elu => a.iter_mut().zip(z).for_each(|(o, &v)| *o = if v > 0.0 { v } else { alpha * v.exp_m1() }),
        Activation::Selu => a.iter_mut().zip(z).for_each(|(o, &v)| {
            let v = v as f64;
            *o = (SELU_LAMBDA * if v > 0.0 { v } else { SELU_ALPHA * v.exp_m1() }) as f32;
        }),
        Activation::Gelu => a.iter_mut().zip(z).for_each(|(o, &v)| {
            let v = v as f64;
            *o = (0.5 * v * (1.0 + erf(v * INV_SQRT2))) as f32;
        }),
        Activation::Tanh => a.iter_mut().zip(z).for_each(|(o, &v)| *o = v.tanh()),
        Activation::Sigmoid => a.iter_mut().zip(z).for_each(|(o, &v)| *o = sigmoid(v)),
        Activation::Softmax => {
            for (zr, ar) in z.chunks_exact(units).zip(a.chunks_exact_mut(units)) {
                softmax_row(zr, ar);
            }
        }
    }
}

/// σ(z) = 1/(1 + e⁻ᶻ), computed in f64 so it rounds once.
#[inline]
pub fn sigmoid(z: f32) -> f32 {
    (1.0 / (1.0 + (-(z as f64)).exp())) as f32
}

/// Softmax of one row, the row maximum subtracted first; sums in f64, in order.
pub fn softmax_row(z: &[f32], a: &mut [f32]) {
    let max = z.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let mut sum = 0f64;
    for (o, &v) in a.iter_mut().zip(z) {
        let e = ((v - max) as f64).exp();
        *o = e as f32;
        sum += e;
    }
    let inv = 1.0 / sum;
    for (o, &v) in a.iter_mut().zip(z) {
        *o = (((v - max) as f64).exp() * inv) as f32;
    }
}

/// dZ = dA ⊙ act'(Z) in place (`d` holds dA on entry, dZ on return); softmax uses the row-wise
/// Jacobian product dZ = A ⊙ (dA − ⟨dA, A⟩).
pub fn backward(act: Activation, alpha: f32, z: &[f32], a: &[f32], d: &mut [f32], units: usize) {
    match act {
        Activation::Linear => {}
        // Branch-free selects, so the loops vectorize.
        Activation::Relu => d.iter_mut().zip(z).for_each(|(g, &v)| *g = if v > 0.0 { *g } else { 0.0 }),
        Activation::LeakyRelu => d.iter_mut().zip(z).for_each(|(g, &v)| *g = if v > 0.0 { *g } else { *g * alpha }),
        Activation::Elu => d.iter_mut().zip(z).for_each(|(g, &v)| {
            if v <= 0.0 || v.is_nan() {
                *g = ((*g as f64) * alpha as f64 * (v as f64).exp()) as f32
            }
        }),
        Activation::Selu => d.iter_mut().zip(z).for_each(|(g, &v)| {
            let s = if v > 0.0 { 1.0 } else { SELU_ALPHA * (v as f64).exp() };
            *g = (*g as f64 * SELU_LAMBDA * s) as f32;
        }),
        Activation::Gelu => d.iter_mut().zip(z).for_each(|(g, &v)| {
            let v = v as f64;
            let dphi = 0.5 * (1.0 + erf(v * INV_SQRT2)) + v * INV_SQRT_2PI * (-0.5 * v * v).exp();
            *g = (*g as f64 * dphi) as f32;
        }),
        Activation::Tanh => d.iter_mut().zip(a).for_each(|(g, &y)| *g *= 1.0 - y * y),
        Activation::Sigmoid => d.iter_mut().zip(a).for_each(|(g, &y)| *g *= y * (1.0 - y)),
        Activation::Softmax => {
            for (gr, ar) in d.chunks_exact_mut(units).zip(a.chunks_exact(units)) {
                let dot: f64 = gr.iter().zip(ar).map(|(&g, &y)| g as f64 * y as f64).sum();
                for (g, &y) in gr.iter_mut().zip(ar) {
                    *g = (y as f64 * (*g as f64 - dot)) as f32;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        // erf(0.5), erf(1), erf(2), erf(3) to 16 digits (DLMF 7.2, tabulated values).
        for (x, want) in [(0.5, 0.520_499_877_813_046_5), (1.0, 0.842_700_792_949_714_9), (2.0, 0.995_322_265_018_952_7), (3.0, 0.999_977_909_503_001_4)] {
            assert!((erf(x) - want).abs() < 1e-14, "erf({x}) = {}", erf(x));
            assert!((erf(-x) + want).abs() < 1e-14);
        }
        assert_eq!(erf(7.0), 1.0);
        // Continuity across the switch at 2.
        assert!((erf(1.999_999_999) - erf(2.0)).abs() < 1e-9);
    }
}
