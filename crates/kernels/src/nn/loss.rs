//! Losses: the summed loss of a batch and its gradient (docs/SEMANTICS.md). Means are taken over
//! rows (cross-entropies) or rows·cols (elementwise losses), as Keras does. With a softmax output and
//! (sparse) categorical cross-entropy, or a sigmoid output and binary cross-entropy, loss and gradient
//! come from the logits Z (stable, and the gradient is w.r.t. Z); otherwise the gradient is w.r.t. A.

use super::act::Activation;

/// Keras' backend epsilon: non-fused cross-entropies clip probabilities to [EPS, 1 − EPS].
pub const PROB_EPS: f32 = 1e-7;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    MeanSquaredError,
    MeanAbsoluteError,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
}

impl Loss {
    pub const NAMES: [&'static str; 5] = [
        "mean_squared_error",
        "mean_absolute_error",
        "binary_crossentropy",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
    ];

    pub fn parse(s: &str) -> Option<Loss> {
        Some(match s {
            "mean_squared_error" => Loss::MeanSquaredError,
            "mean_absolute_error" => Loss::MeanAbsoluteError,
            "binary_crossentropy" => Loss::BinaryCrossentropy,
            "categorical_crossentropy" => Loss::CategoricalCrossentropy,
            "sparse_categorical_crossentropy" => Loss::SparseCategoricalCrossentropy,
            _ => return None,
        })
    }

    /// Whether the loss combines with output activation `act` into one step computed from logits.
    pub fn fuses_with(self, act: Activation) -> bool {
        match self {
            Loss::BinaryCrossentropy => act == Activation::Sigmoid,
            Loss::CategoricalCrossentropy | Loss::SparseCategoricalCrossentropy => act == Activation::Softmax,
            _ => false,
        }
    }

    /// Values of y per row: one class id for the sparse loss, else the output width.
    pub fn target_width(self, units: usize) -> usize {
        if self == Loss::SparseCategoricalCrossentropy { 1 } else { units }
    }

    /// What the mean divides by: rows for the cross-entropies over classes, rows·units otherwise.
    pub fn denominator(self, rows: usize, units: usize) -> f64 {
        match self {
            Loss::CategoricalCrossentropy | Loss::SparseCategoricalCrossentropy => rows as f64,
            _ => (rows * units) as f64,
        }
    }
}

/// Sum of the loss over `rows` rows (divide by [`Loss::denominator`] for the mean), summed in f64 in
/// row order. When `grad` is given it receives the gradient of the *mean* loss over these rows:
/// w.r.t. Z if `fused`, else w.r.t. A.
#[allow(clippy::too_many_arguments)]
pub fn loss_sum(
    loss: Loss, fused: bool, z: &[f32], a: &[f32], y: &[f32], rows: usize, units: usize, mut grad: Option<&mut [f32]>,
) -> f64 {
    let n = rows * units;
    let mut sum = 0f64;
    match loss {
        Loss::MeanSquaredError => {
            let scale = (2.0 / n as f64) as f32;
            for i in 0..n {
                let d = a[i] - y[i];
                sum += d as f64 * d as f64;
                if let Some(g) = grad.as_deref_mut() {
                    g[i] = scale * d;
                }
            }
        }
        Loss::MeanAbsoluteError => {
            let scale = (1.0 / n as f64) as f32;
            for i in 0..n {
                let d = a[i] - y[i];
                sum += d.abs() as f64;
                if let Some(g) = grad.as_deref_mut() {
                    g[i] = if d > 0.0 { scale } else if d < 0.0 { -scale } else { 0.0 };
                }
            }
        }
        Loss::BinaryCrossentropy => {
            let inv_n = 1.0 / n as f64;
            for i in 0..n {
                let t = y[i] as f64;
                if fused {
                    let zi = z[i] as f64;
                    sum += zi.max(0.0) - zi * t + (-zi.abs()).exp().ln_1p();
                    if let Some(g) = grad.as_deref_mut() {
                        g[i] = ((a[i] as f64 - t) * inv_n) as f32;
                    }
                } else {
                    let p = a[i].clamp(PROB_EPS, 1.0 - PROB_EPS);
                    let pd = p as f64;
                    sum -= t * pd.ln() + (1.0 - t) * (1.0 - pd).ln();
                    if let Some(g) = grad.as_deref_mut() {
                        // Clipping flattens the loss outside [EPS, 1 − EPS]: no gradient there.
                        g[i] = if p == a[i] { ((pd - t) / (pd * (1.0 - pd)) * inv_n) as f32 } else { 0.0 };
                    }
                }
            }
        }
        Loss::CategoricalCrossentropy | Loss::SparseCategoricalCrossentropy => {
            let sparse = loss == Loss::SparseCategoricalCrossentropy;
            let inv_rows = 1.0 / rows as f64;
            for r in 0..rows {
                let o = r * units;
                let target = |j: usize| -> f64 {
                    if sparse {
                        if y[r] as usize == j { 1.0 } else { 0.0 }
                    } else {
                        y[o + j] as f64
                    }
                };
                if fused {
                    let zr = &z[o..o + units];
                    let max = zr.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v)) as f64;
                    let s: f64 = zr.iter().map(|&v| (v as f64 - max).exp()).sum();
                    let log_sum = s.ln() + max;
                    for j in 0..units {
                        let t = target(j);
                        if t != 0.0 {
                            sum -= t * (zr[j] as f64 - log_sum);
                        }
                        if let Some(g) = grad.as_deref_mut() {
                            g[o + j] = ((a[o + j] as f64 - t) * inv_rows) as f32;
                        }
                    }
                } else {
                    for j in 0..units {
                        let t = target(j);
                        let p = a[o + j].clamp(PROB_EPS, 1.0 - PROB_EPS);
                        if t != 0.0 {
                            sum -= t * (p as f64).ln();
                        }
                        if let Some(g) = grad.as_deref_mut() {
                            g[o + j] = if p == a[o + j] { (-t / p as f64 * inv_rows) as f32 } else { 0.0 };
                        }
                    }
                }
            }
        }
    }
    sum
}
