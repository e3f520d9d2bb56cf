//! Per-layer statistics of one forward + backward pass (docs/SEMANTICS.md, "Layer statistics").

use std::collections::HashSet;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LayerStats {
    pub pre_activation_mean: f64,
    pub pre_activation_std: f64,
    pub activation_mean: f64,
    pub activation_std: f64,
    pub dead_fraction: f64,
    pub weight_std: f64,
    pub weight_grad_norm: f64,
    pub activation_grad_std: f64,
    pub distinct_units: u32,
}

/// Population mean and standard deviation, two passes in f64, in index order.
pub fn mean_std(x: &[f32]) -> (f64, f64) {
    if x.is_empty() {
        return (0.0, 0.0);
    }
    let n = x.len() as f64;
    let mean = x.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = x.iter().map(|&v| (v as f64 - mean) * (v as f64 - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Share of units j with Z[r][j] ≤ 0 on every row r.
pub fn dead_fraction(z: &[f32], rows: usize, units: usize) -> f64 {
    let mut alive = vec![false; units];
    for r in 0..rows {
        for (j, &v) in z[r * units..(r + 1) * units].iter().enumerate() {
            alive[j] |= v > 0.0 || v.is_nan();
        }
    }
    alive.iter().filter(|&&a| !a).count() as f64 / units as f64
}

/// Number of different columns (W[:, j], b[j]) (b[j] = 0 without bias), compared bitwise: units
/// with equal incoming weights compute the same function and stay equal under training.
pub fn distinct_units(w: &[f32], bias: Option<&[f32]>, inputs: usize, units: usize) -> u32 {
    let mut seen: HashSet<Vec<u32>> = HashSet::with_capacity(units);
    for j in 0..units {
        let mut k: Vec<u32> = (0..inputs).map(|i| w[i * units + j].to_bits()).collect();
        k.push(bias.map_or(0, |b| b[j].to_bits()));
        seen.insert(k);
    }
    seen.len() as u32
}
