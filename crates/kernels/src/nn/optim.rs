//! Optimizers over the flat parameter vector (Keras 3 semantics, docs/SEMANTICS.md): every update is
//! one elementwise loop over all parameters, so it vectorizes and splits across threads without
//! changing any result. The global gradient norm is a fixed-order reduction.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptimizerKind {
    Sgd,
    Rmsprop,
    Adam,
    AdamW,
}

impl OptimizerKind {
    pub const NAMES: [&'static str; 4] = ["sgd", "rmsprop", "adam", "adamw"];

    pub fn parse(s: &str) -> Option<OptimizerKind> {
        Some(match s {
            "sgd" => OptimizerKind::Sgd,
            "rmsprop" => OptimizerKind::Rmsprop,
            "adam" => OptimizerKind::Adam,
            "adamw" => OptimizerKind::AdamW,
            _ => return None,
        })
    }
}

/// Hyperparameters (types.ts `OptimizerSpec`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimizerSpec {
    pub kind: OptimizerKind,
    pub learning_rate: f64,
    pub momentum: f64,
    pub nesterov: bool,
    pub rho: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    pub weight_decay: f64,
    /// Clip the global gradient norm to this; 0 disables.
    pub clip_norm: f64,
}

impl OptimizerSpec {
    /// Checks every hyperparameter is finite and ≥ 0 (β's and ρ below 1 would be checked by the
    /// caller's intent; Keras allows any value, so only what would make NaN is refused here).
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("learningRate", self.learning_rate),
            ("momentum", self.momentum),
            ("rho", self.rho),
            ("beta1", self.beta1),
            ("beta2", self.beta2),
            ("epsilon", self.epsilon),
            ("weightDecay", self.weight_decay),
            ("clipNorm", self.clip_norm),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(format!("optimizer.{name} must be a finite number ≥ 0, got {v}"));
            }
        }
        Ok(())
    }

    /// Number of state vectors (each as long as the parameters) the optimizer keeps.
    pub fn slots(&self) -> usize {
        match self.kind {
            OptimizerKind::Sgd => usize::from(self.momentum != 0.0),
            OptimizerKind::Rmsprop => 1 + usize::from(self.momentum > 0.0),
            OptimizerKind::Adam | OptimizerKind::AdamW => 2,
        }
    }
}

/// Elements per block of the norm reduction; blocks are fixed by index, never by thread.
pub const NORM_BLOCK: usize = 4096;

/// Σ g² over one block, in f64 with eight interleaved accumulators (lane = index mod 8) combined in
/// a fixed order: vectorizable, and the same bits for any thread count.
pub fn sum_squares(g: &[f32]) -> f64 {
    let mut lanes = [0f64; 8];
    let mut chunks = g.chunks_exact(8);
    for c in &mut chunks {
        for l in 0..8 {
            lanes[l] += c[l] as f64 * c[l] as f64;
        }
    }
    for (l, &v) in chunks.remainder().iter().enumerate() {
        lanes[l] += v as f64 * v as f64;
    }
    ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
}

/// Per-step scalars of an update, computed once (in f64, then rounded).
#[derive(Clone, Copy, Debug)]
pub struct StepScalars {
    pub lr: f32,
    pub momentum: f32,
    pub rho: f32,
    pub one_minus_rho: f32,
    pub beta1: f32,
    pub one_minus_beta1: f32,
    pub beta2: f32,
    pub one_minus_beta2: f32,
    pub epsilon: f32,
    /// lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)
    pub adam_rate: f32,
    /// lr·λ (adamw)
    pub decay: f32,
}

impl StepScalars {
    pub fn new(o: &OptimizerSpec, t: u64) -> StepScalars {
        let tf = t as f64;
        StepScalars {
            lr: o.learning_rate as f32,
            momentum: o.momentum as f32,
            rho: o.rho as f32,
            one_minus_rho: (1.0 - o.rho) as f32,
            beta1: o.beta1 as f32,
            one_minus_beta1: (1.0 - o.beta1) as f32,
            beta2: o.beta2 as f32,
            one_minus_beta2: (1.0 - o.beta2) as f32,
            epsilon: o.epsilon as f32,
            adam_rate: (o.learning_rate * (1.0 - o.beta2.powf(tf)).sqrt() / (1.0 - o.beta1.powf(tf))) as f32,
            decay: (o.learning_rate * o.weight_decay) as f32,
        }
    }
}

/// One update of the parameter range `w` with gradients `g` (already clipped) and state slices
/// `s0`, `s1` (empty when the optimizer keeps fewer slots).
pub fn update(o: &OptimizerSpec, s: &StepScalars, w: &mut [f32], g: &[f32], s0: &mut [f32], s1: &mut [f32]) {
    match o.kind {
        OptimizerKind::Sgd => {
            if o.momentum == 0.0 {
                let lr = s.lr;
                w.iter_mut().zip(g).for_each(|(w, &g)| *w -= lr * g);
            } else if o.nesterov {
                let (mu, lr) = (s.momentum, s.lr);
                for ((w, &g), v) in w.iter_mut().zip(g).zip(s0.iter_mut()) {
                    *v = mu * *v - lr * g;
                    *w += mu * *v - lr * g;
                }
            } else {
                let (mu, lr) = (s.momentum, s.lr);
                for ((w, &g), v) in w.iter_mut().zip(g).zip(s0.iter_mut()) {
                    *v = mu * *v - lr * g;
                    *w += *v;
                }
            }
        }
        OptimizerKind::Rmsprop => {
            let (rho, omr, lr, eps) = (s.rho, s.one_minus_rho, s.lr, s.epsilon);
            if o.momentum > 0.0 {
                let mu = s.momentum;
                for (((w, &g), ms), mom) in w.iter_mut().zip(g).zip(s0.iter_mut()).zip(s1.iter_mut()) {
                    *ms = rho * *ms + omr * (g * g);
                    let delta = lr * g / (*ms + eps).sqrt();
                    *mom = mu * *mom + delta;
                    *w -= *mom;
                }
            } else {
                for ((w, &g), ms) in w.iter_mut().zip(g).zip(s0.iter_mut()) {
                    *ms = rho * *ms + omr * (g * g);
                    *w -= lr * g / (*ms + eps).sqrt();
                }
            }
        }
        OptimizerKind::Adam | OptimizerKind::AdamW => {
            if o.kind == OptimizerKind::AdamW {
                let d = s.decay;
                w.iter_mut().for_each(|w| *w -= d * *w);
            }
            let (b1, ob1, b2, ob2, rate, eps) = (s.beta1, s.one_minus_beta1, s.beta2, s.one_minus_beta2, s.adam_rate, s.epsilon);
            for (((w, &g), m), v) in w.iter_mut().zip(g).zip(s0.iter_mut()).zip(s1.iter_mut()) {
                *m = b1 * *m + ob1 * g;
                *v = b2 * *v + ob2 * (g * g);
                *w -= rate * *m / (v.sqrt() + eps);
            }
        }
    }
}
