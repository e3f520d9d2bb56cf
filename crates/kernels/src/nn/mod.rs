//! Dense networks: forward, backward, losses, optimizers and layer statistics on flat f32 buffers
//! (docs/SEMANTICS.md, "Dense networks"). The network owns its parameters, gradients, optimizer
//! state and workspaces (sized for the largest batch seen, then reused: a training step allocates
//! nothing). Products run on [`crate::gemm`] over the owned pool; elementwise passes are fixed-order
//! so results do not depend on the thread count.
//!
//! Layer l: Z = X·W + b (W is inputs × units, Keras layout), A = act(Z). Backward: dZ from dA and
//! act'(Z) (or straight from the logits for a fused softmax/sigmoid cross-entropy); dW = Xᵀ·dZ (TN);
//! db = column sums of dZ in row order; dX = dZ·Wᵀ (NT), skipped for the first layer.

pub mod act;
pub mod data;
pub mod loss;
pub mod optim;
pub mod stats;

use crate::gemm;
use crate::pool::Pool;
pub use act::Activation;
pub use data::{NonFinite, TrainingSet};
pub use loss::Loss;
pub use optim::{OptimizerKind, OptimizerSpec};
pub use stats::LayerStats;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerSpec {
    pub inputs: usize,
    pub units: usize,
    pub activation: Activation,
    /// leaky_relu slope / elu alpha.
    pub alpha: f32,
    pub use_bias: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NetworkSpec {
    pub layers: Vec<LayerSpec>,
    pub loss: Loss,
    pub optimizer: OptimizerSpec,
}

impl NetworkSpec {
    pub fn validate(&self) -> std::result::Result<(), String> {
        if self.layers.is_empty() {
            return Err("spec.layers must not be empty".into());
        }
        for (i, l) in self.layers.iter().enumerate() {
            if l.inputs == 0 || l.units == 0 {
                return Err(format!("layers[{i}]: inputs and units must be ≥ 1, got {} and {}", l.inputs, l.units));
            }
            if i > 0 && l.inputs != self.layers[i - 1].units {
                return Err(format!("layers[{i}].inputs is {} but layer {} has {} units", l.inputs, i - 1, self.layers[i - 1].units));
            }
            if !l.alpha.is_finite() {
                return Err(format!("layers[{i}].alpha must be finite, got {}", l.alpha));
            }
            if !matches!(l.inputs.checked_mul(l.units), Some(n) if n <= (1 << 31)) {
                return Err(format!("layers[{i}]: {}×{} weights are too many", l.inputs, l.units));
            }
        }
        self.optimizer.validate()
    }

    pub fn output_units(&self) -> usize {
        self.layers.last().map_or(0, |l| l.units)
    }

    pub fn input_units(&self) -> usize {
        self.layers.first().map_or(0, |l| l.inputs)
    }

    /// Values of y per row.
    pub fn target_width(&self) -> usize {
        self.loss.target_width(self.output_units())
    }

    /// Element count of every parameter in getParams order: per layer the kernel, then the bias.
    pub fn param_sizes(&self) -> Vec<usize> {
        self.layers
            .iter()
            .flat_map(|l| if l.use_bias { vec![l.inputs * l.units, l.units] } else { vec![l.inputs * l.units] })
            .collect()
    }
}

/// Why a network call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum NnError {
    /// An argument is malformed; the text says which and how.
    Invalid(String),
}

impl std::fmt::Display for NnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NnError::Invalid(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for NnError {}

type Result<T> = std::result::Result<T, NnError>;

fn invalid<T>(s: String) -> Result<T> {
    Err(NnError::Invalid(s))
}

/// Rows of a forward-only pass (predict / evaluate) handled per chunk, bounding workspace memory.
/// Row results do not depend on chunking (each row's products use the same k order).
const EVAL_CHUNK: usize = 512;

#[derive(Default)]
struct Workspace {
    rows: usize,
    z: Vec<Vec<f32>>,
    a: Vec<Vec<f32>>,
    /// Ping-pong gradient buffers (rows × widest layer).
    d0: Vec<f32>,
    d1: Vec<f32>,
    /// Gathered batch.
    xb: Vec<f32>,
    yb: Vec<f32>,
}

/// A raw pointer handed to pool tasks that touch disjoint ranges.
#[derive(Clone, Copy)]
struct Shared(*mut f32);
// SAFETY: only used by tasks writing disjoint index ranges, while the owner's &mut borrow is held.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

impl Shared {
    /// The pointer; a method so closures capture the whole (Sync) wrapper, not its raw field.
    fn get(self) -> *mut f32 {
        self.0
    }
}

/// Splits 0..n into at most `threads` ranges of at least `min` elements (boundaries multiples of 64)
/// and runs `f(lo, hi)` for each on the pool.
fn par_ranges(pool: Option<&Pool>, n: usize, min: usize, f: impl Fn(usize, usize) + Sync) {
    let threads = pool.map_or(1, |p| p.threads());
    let tasks = threads.min(n / min.max(1)).max(1);
    if tasks == 1 {
        f(0, n);
        return;
    }
    let blocks = n.div_ceil(64);
    pool.expect("tasks > 1 implies a pool").run(tasks, |t| {
        let lo = (t * blocks / tasks * 64).min(n);
        let hi = ((t + 1) * blocks / tasks * 64).min(n);
        f(lo, hi);
    });
}

pub struct Network {
    spec: NetworkSpec,
    fused: bool,
    /// All parameters, flat: per layer the kernel (inputs × units) then the bias.
    params: Vec<f32>,
    grads: Vec<f32>,
    w_off: Vec<usize>,
    b_off: Vec<Option<usize>>,
    slot0: Vec<f32>,
    slot1: Vec<f32>,
    /// Updates done since the optimizer was set (Keras' iterations).
    step: u64,
    ws: Workspace,
}

impl Network {
    /// A network with parameters copied from `params` (getParams order).
    pub fn new(spec: NetworkSpec, params: &[&[f32]]) -> Result<Network> {
        spec.validate().map_err(NnError::Invalid)?;
        let mut w_off = Vec::new();
        let mut b_off = Vec::new();
        let mut total = 0;
        for l in &spec.layers {
            w_off.push(total);
            total += l.inputs * l.units;
            b_off.push(if l.use_bias {
                total += l.units;
                Some(total - l.units)
            } else {
                None
            });
        }
        let fused = spec.loss.fuses_with(spec.layers.last().unwrap().activation);
        let mut net = Network {
            fused,
            params: vec![0.0; total],
            grads: vec![0.0; total],
            w_off,
            b_off,
            slot0: Vec::new(),
            slot1: Vec::new(),
            step: 0,
            ws: Workspace::default(),
            spec,
        };
        net.set_params(params)?;
        let o = net.spec.optimizer;
        net.set_optimizer(o)?;
        Ok(net)
    }

    pub fn spec(&self) -> &NetworkSpec {
        &self.spec
    }

    /// Number of optimizer updates since the optimizer was set.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    pub fn param_count(&self) -> usize {
        self.params.len()
    }

    /// Copies of the parameters in getParams order.
    pub fn get_params(&self) -> Vec<Vec<f32>> {
        split_like(&self.spec, &self.params)
    }

    pub fn set_params(&mut self, params: &[&[f32]]) -> Result<()> {
        let sizes = self.spec.param_sizes();
        if params.len() != sizes.len() {
            return invalid(format!("setParams: expected {} arrays (kernel and bias per layer), got {}", sizes.len(), params.len()));
        }
        for (i, (p, &n)) in params.iter().zip(&sizes).enumerate() {
            if p.len() != n {
                return invalid(format!("setParams: params[{i}] must hold {n} values, got {}", p.len()));
            }
        }
        let mut off = 0;
        for p in params {
            self.params[off..off + p.len()].copy_from_slice(p);
            off += p.len();
        }
        Ok(())
    }

    /// Replaces the optimizer and resets its state.
    pub fn set_optimizer(&mut self, o: OptimizerSpec) -> Result<()> {
        o.validate().map_err(NnError::Invalid)?;
        self.spec.optimizer = o;
        self.step = 0;
        let n = self.params.len();
        let slots = o.slots();
        self.slot0 = if slots >= 1 { vec![0.0; n] } else { Vec::new() };
        self.slot1 = if slots >= 2 { vec![0.0; n] } else { Vec::new() };
        Ok(())
    }

    /// Checks x (and y) against `rows` and the network's shapes, and sparse labels' range.
    pub fn check_data(&self, what: &str, x: &[f32], y: Option<&[f32]>, rows: usize) -> Result<()> {
        if rows == 0 {
            return invalid(format!("{what}: rows must be ≥ 1, got 0"));
        }
        let inputs = self.spec.input_units();
        if Some(x.len()) != rows.checked_mul(inputs) {
            return invalid(format!("{what}: x must hold rows·inputs = {rows}·{inputs} values, got {}", x.len()));
        }
        if let Some(y) = y {
            let w = self.spec.target_width();
            if Some(y.len()) != rows.checked_mul(w) {
                return invalid(format!("{what}: y must hold rows·{w} = {} values, got {}", rows * w, y.len()));
            }
            if self.spec.loss == Loss::SparseCategoricalCrossentropy {
                let classes = self.spec.output_units();
                if let Some((r, v)) = y.iter().enumerate().find(|(_, &v)| !(v >= 0.0 && v < classes as f32 && v.fract() == 0.0)) {
                    return invalid(format!("{what}: class id at row {r} is {v}, expected an integer in [0, {classes})"));
                }
            }
        }
        Ok(())
    }

    fn ensure_rows(&mut self, rows: usize) {
        if rows <= self.ws.rows {
            return;
        }
        let ws = &mut self.ws;
        ws.rows = rows;
        let widest = self.spec.layers.iter().map(|l| l.units.max(l.inputs)).max().unwrap_or(0);
        ws.z = self.spec.layers.iter().map(|l| vec![0.0; rows * l.units]).collect();
        ws.a = self.spec.layers.iter().map(|l| vec![0.0; rows * l.units]).collect();
        ws.d0 = vec![0.0; rows * widest];
        ws.d1 = vec![0.0; rows * widest];
    }

    /// Z and A of every layer for `rows` rows of `x`.
    fn forward(&mut self, pool: Option<&Pool>, x: &[f32], rows: usize) {
        self.ensure_rows(rows);
        for (l, ls) in self.spec.layers.iter().enumerate() {
            let u = ls.units;
            let (prev, rest) = self.ws.a.split_at_mut(l);
            let input: &[f32] = if l == 0 { x } else { &prev[l - 1][..rows * ls.inputs] };
            let z = &mut self.ws.z[l][..rows * u];
            let a = &mut rest[0][..rows * u];
            let w = &self.params[self.w_off[l]..self.w_off[l] + ls.inputs * u];
            let bias = self.b_off[l].map(|bo| &self.params[bo..bo + u]);
            let (act_kind, alpha) = (ls.activation, ls.alpha);
            let softmax = act_kind == Activation::Softmax;
            let ap = Shared(a.as_mut_ptr());
            // Bias and activation run in the product's epilogue, per finished block of Z: in
            // parallel, on cache-hot data. Softmax needs whole rows and runs after.
            let epilogue = move |zp: *mut f32, i0: usize, i1: usize, j0: usize, j1: usize| {
                for r in i0..i1 {
                    // SAFETY: the block (rows i0..i1, columns j0..j1) is this call's alone, inside Z and A.
                    let zr = unsafe { std::slice::from_raw_parts_mut(zp.add(r * u + j0), j1 - j0) };
                    if let Some(b) = bias {
                        zr.iter_mut().zip(&b[j0..j1]).for_each(|(z, &b)| *z += b);
                    }
                    if !softmax {
                        let ar = unsafe { std::slice::from_raw_parts_mut(ap.get().add(r * u + j0), j1 - j0) };
                        act::forward(act_kind, alpha, zr, ar, j1 - j0);
                    }
                }
            };
            gemm::sgemm_epilogue(pool, false, false, rows, u, ls.inputs, 1.0, input, ls.inputs, w, u, 0.0, z, u, Some(&epilogue));
            if softmax {
                act::forward(act_kind, alpha, z, a, u);
            }
        }
    }

    /// Loss sum of the last forward pass against y (no gradient).
    fn loss_only(&self, y: &[f32], rows: usize) -> f64 {
        let last = self.spec.layers.len() - 1;
        let u = self.spec.layers[last].units;
        loss::loss_sum(self.spec.loss, self.fused, &self.ws.z[last][..rows * u], &self.ws.a[last][..rows * u], y, rows, u, None)
    }

    /// Loss sum and every gradient (into `self.grads`) for the last forward pass. With `keep_da`,
    /// returns ∂L/∂A per layer (∂L/∂Z for a fused output layer), for statistics.
    ///
    /// With `sgd_step = Some(lr)` (plain SGD: no momentum, no clipping) the update is fused into the
    /// weight-gradient product, W ← W − lr·XᵀdZ as one GEMM with α = −lr, β = 1 (dX is formed first,
    /// from the old W), so the gradient is never stored; nothing is updated if the loss is not finite.
    fn backward(&mut self, pool: Option<&Pool>, x: &[f32], y: &[f32], rows: usize, keep_da: bool, sgd_step: Option<f32>) -> (f64, Vec<Vec<f32>>) {
        let layers = &self.spec.layers;
        let last = layers.len() - 1;
        let mut das: Vec<Vec<f32>> = if keep_da { vec![Vec::new(); layers.len()] } else { Vec::new() };
        let ws = &mut self.ws;
        let u = layers[last].units;
        let g = &mut ws.d0[..rows * u];
        let sum = loss::loss_sum(self.spec.loss, self.fused, &ws.z[last][..rows * u], &ws.a[last][..rows * u], y, rows, u, Some(g));
        if keep_da {
            das[last] = g.to_vec();
        }
        if sgd_step.is_some() && !((sum / self.spec.loss.denominator(rows, u)) as f32).is_finite() {
            return (sum, das);
        }
        if !self.fused {
            let ll = &layers[last];
            act::backward(ll.activation, ll.alpha, &ws.z[last][..rows * u], &ws.a[last][..rows * u], g, u);
        }
        for l in (0..=last).rev() {
            let ls = &layers[l];
            let (inputs, units) = (ls.inputs, ls.units);
            let input: &[f32] = if l == 0 { x } else { &ws.a[l - 1][..rows * inputs] };
            let dz = &ws.d0[..rows * units];
            let wo = self.w_off[l];
            // dA of the layer below; unless dA itself is wanted (statistics), its activation
            // derivative runs in the product's epilogue, making it dZ in place.
            let fuse_act = l > 0 && !keep_da && layers[l - 1].activation != Activation::Softmax;
            if l > 0 {
                let da = &mut ws.d1[..rows * inputs];
                let pl = &layers[l - 1];
                let (pz, pa) = (&ws.z[l - 1][..rows * inputs], &ws.a[l - 1][..rows * inputs]);
                let epilogue = move |dp: *mut f32, i0: usize, i1: usize, j0: usize, j1: usize| {
                    for r in i0..i1 {
                        let o = r * inputs;
                        // SAFETY: the block is this call's alone, inside dA.
                        let dr = unsafe { std::slice::from_raw_parts_mut(dp.add(o + j0), j1 - j0) };
                        act::backward(pl.activation, pl.alpha, &pz[o + j0..o + j1], &pa[o + j0..o + j1], dr, j1 - j0);
                    }
                };
                let epi: Option<gemm::Epilogue> = if fuse_act { Some(&epilogue) } else { None };
                gemm::sgemm_epilogue(pool, false, true, rows, inputs, units, 1.0, dz, units, &self.params[wo..wo + inputs * units], units, 0.0, da, inputs, epi);
                if keep_da {
                    das[l - 1] = da.to_vec();
                }
            }
            match sgd_step {
                None => gemm::sgemm(pool, true, false, inputs, units, rows, 1.0, input, inputs, dz, units, 0.0, &mut self.grads[wo..wo + inputs * units], units),
                Some(lr) => gemm::sgemm(pool, true, false, inputs, units, rows, -lr, input, inputs, dz, units, 1.0, &mut self.params[wo..wo + inputs * units], units),
            }
            if let Some(bo) = self.b_off[l] {
                let db = &mut self.grads[bo..bo + units];
                db.fill(0.0);
                for row in dz.chunks_exact(units) {
                    db.iter_mut().zip(row).for_each(|(s, &v)| *s += v);
                }
                if let Some(lr) = sgd_step {
                    self.params[bo..bo + units].iter_mut().zip(db.iter()).for_each(|(b, &g)| *b -= lr * g);
                }
            }
            if l == 0 {
                break;
            }
            if !fuse_act {
                let pl = &layers[l - 1];
                let da = &mut ws.d1[..rows * inputs];
                act::backward(pl.activation, pl.alpha, &ws.z[l - 1][..rows * inputs], &ws.a[l - 1][..rows * inputs], da, inputs);
            }
            std::mem::swap(&mut ws.d0, &mut ws.d1);
        }
        if sgd_step.is_some() {
            self.step += 1;
        }
        (sum, das)
    }

    /// Clips (global norm) and applies one optimizer update with `self.grads`.
    fn apply_update(&mut self, pool: Option<&Pool>) {
        let o = self.spec.optimizer;
        let n = self.params.len();
        if o.clip_norm > 0.0 {
            let g = &self.grads;
            let blocks = n.div_ceil(optim::NORM_BLOCK);
            let mut partial = vec![0f64; blocks];
            let pp = Shared(partial.as_mut_ptr() as *mut f32);
            par_ranges(pool, blocks, 4, |lo, hi| {
                for bi in lo..hi {
                    let s = optim::sum_squares(&g[bi * optim::NORM_BLOCK..((bi + 1) * optim::NORM_BLOCK).min(n)]);
                    // SAFETY: block indices are disjoint between tasks.
                    unsafe { *(pp.get() as *mut f64).add(bi) = s };
                }
            });
            let norm = partial.iter().sum::<f64>().sqrt();
            if norm > o.clip_norm {
                let scale = (o.clip_norm / norm) as f32;
                self.grads.iter_mut().for_each(|v| *v *= scale);
            }
        }
        self.step += 1;
        let s = optim::StepScalars::new(&o, self.step);
        let (w, g) = (Shared(self.params.as_mut_ptr()), Shared(self.grads.as_mut_ptr()));
        let (has0, has1) = (!self.slot0.is_empty(), !self.slot1.is_empty());
        let (s0, s1) = (Shared(self.slot0.as_mut_ptr()), Shared(self.slot1.as_mut_ptr()));
        par_ranges(pool, n, 32 * 1024, |lo, hi| {
            let len = hi - lo;
            // SAFETY: ranges are disjoint between tasks; slots are either empty or as long as params.
            unsafe {
                let w = std::slice::from_raw_parts_mut(w.get().add(lo), len);
                let g = std::slice::from_raw_parts(g.get().add(lo), len);
                let s0: &mut [f32] = if has0 { std::slice::from_raw_parts_mut(s0.get().add(lo), len) } else { &mut [] };
                let s1: &mut [f32] = if has1 { std::slice::from_raw_parts_mut(s1.get().add(lo), len) } else { &mut [] };
                optim::update(&o, &s, w, g, s0, s1);
            }
        });
    }

    /// Outputs (rows × output units, after the final activation).
    pub fn predict(&mut self, pool: Option<&Pool>, x: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.check_data("predict", x, None, rows)?;
        Ok(self.forward_chunked(pool, x, None, rows).1)
    }

    /// Mean loss over all rows and the outputs; nothing is updated.
    pub fn evaluate(&mut self, pool: Option<&Pool>, x: &[f32], y: &[f32], rows: usize) -> Result<(f64, Vec<f32>)> {
        self.check_data("evaluate", x, Some(y), rows)?;
        let (sum, out) = self.forward_chunked(pool, x, Some(y), rows);
        Ok((sum / self.spec.loss.denominator(rows, self.spec.output_units()), out))
    }

    fn forward_chunked(&mut self, pool: Option<&Pool>, x: &[f32], y: Option<&[f32]>, rows: usize) -> (f64, Vec<f32>) {
        let (inputs, units, tw) = (self.spec.input_units(), self.spec.output_units(), self.spec.target_width());
        let last = self.spec.layers.len() - 1;
        let mut out = vec![0f32; rows * units];
        let mut sum = 0f64;
        let mut r0 = 0;
        while r0 < rows {
            let n = EVAL_CHUNK.min(rows - r0);
            self.forward(pool, &x[r0 * inputs..(r0 + n) * inputs], n);
            out[r0 * units..(r0 + n) * units].copy_from_slice(&self.ws.a[last][..n * units]);
            if let Some(y) = y {
                sum += self.loss_only(&y[r0 * tw..(r0 + n) * tw], n);
            }
            r0 += n;
        }
        (sum, out)
    }

    /// Mean loss over all rows and its gradient w.r.t. every parameter (getParams order).
    pub fn gradients(&mut self, pool: Option<&Pool>, x: &[f32], y: &[f32], rows: usize) -> Result<(f64, Vec<Vec<f32>>)> {
        self.check_data("gradients", x, Some(y), rows)?;
        self.forward(pool, x, rows);
        let (sum, _) = self.backward(pool, x, y, rows, false, None);
        Ok((sum / self.spec.loss.denominator(rows, self.spec.output_units()), split_like(&self.spec, &self.grads)))
    }

    /// Statistics of every layer for one forward + backward pass over all rows (no update).
    pub fn layer_stats(&mut self, pool: Option<&Pool>, x: &[f32], y: &[f32], rows: usize) -> Result<Vec<LayerStats>> {
        self.check_data("layerStats", x, Some(y), rows)?;
        self.forward(pool, x, rows);
        let (_, das) = self.backward(pool, x, y, rows, true, None);
        Ok(self
            .spec
            .layers
            .iter()
            .enumerate()
            .map(|(l, ls)| {
                let n = rows * ls.units;
                let (zm, zs) = stats::mean_std(&self.ws.z[l][..n]);
                let (am, asd) = stats::mean_std(&self.ws.a[l][..n]);
                let wo = self.w_off[l];
                let w = &self.params[wo..wo + ls.inputs * ls.units];
                let dw = &self.grads[wo..wo + ls.inputs * ls.units];
                let bias = self.b_off[l].map(|bo| &self.params[bo..bo + ls.units]);
                LayerStats {
                    pre_activation_mean: zm,
                    pre_activation_std: zs,
                    activation_mean: am,
                    activation_std: asd,
                    dead_fraction: if ls.activation.can_die() { stats::dead_fraction(&self.ws.z[l][..n], rows, ls.units) } else { 0.0 },
                    weight_std: stats::mean_std(w).1,
                    weight_grad_norm: dw.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt(),
                    activation_grad_std: stats::mean_std(&das[l]).1,
                    distinct_units: stats::distinct_units(w, bias, ls.inputs, ls.units),
                }
            })
            .collect())
    }

    /// `train_batches` on a training set written and scanned beforehand: the rows of each batch are
    /// gathered by `order` from the set, so a fit hands its data over once, not per call.
    pub fn train_rows(&mut self, pool: Option<&Pool>, set: &TrainingSet, order: &[u32], batch_size: usize) -> Result<Vec<f32>> {
        if set.inputs_width() != self.spec.input_units() || set.target_width() != self.spec.target_width() {
            return invalid(format!(
                "trainRows: the training set has rows of {} inputs and {} targets, the network takes {} and {}",
                set.inputs_width(),
                set.target_width(),
                self.spec.input_units(),
                self.spec.target_width()
            ));
        }
        if !set.ready() {
            return invalid("trainRows: the training set is not complete and checked yet (write every row, then scan it)".into());
        }
        self.train_on("trainRows", pool, &set.x, &set.y, set.rows(), order, batch_size)
    }

    /// Trains on the batches `order[s .. s+batch_size)` for s = 0, batch_size, …: gather, forward,
    /// backward, update. Returns each batch's mean loss (before its update). Training stops at the
    /// first batch whose loss is NaN or infinite: the returned losses end with it (so the caller can
    /// name the batch), and its update is not applied.
    pub fn train_batches(
        &mut self, pool: Option<&Pool>, x: &[f32], y: &[f32], rows: usize, order: &[u32], batch_size: usize,
    ) -> Result<Vec<f32>> {
        self.train_on("trainBatches", pool, x, y, rows, order, batch_size)
    }

    /// train_batches, its errors naming `what`.
    #[allow(clippy::too_many_arguments)]
    fn train_on(
        &mut self, what: &str, pool: Option<&Pool>, x: &[f32], y: &[f32], rows: usize, order: &[u32], batch_size: usize,
    ) -> Result<Vec<f32>> {
        self.check_data(what, x, Some(y), rows)?;
        if batch_size == 0 {
            return invalid(format!("{what}: batchSize must be ≥ 1, got 0"));
        }
        if let Some((i, &r)) = order.iter().enumerate().find(|(_, &r)| r as usize >= rows) {
            return invalid(format!("{what}: order[{i}] = {r} is not a row index below {rows}"));
        }
        let (inputs, tw, units) = (self.spec.input_units(), self.spec.target_width(), self.spec.output_units());
        let mut xb = std::mem::take(&mut self.ws.xb);
        let mut yb = std::mem::take(&mut self.ws.yb);
        let bs = batch_size.min(order.len().max(1));
        if xb.len() < bs * inputs {
            xb.resize(bs * inputs, 0.0);
        }
        if yb.len() < bs * tw {
            yb.resize(bs * tw, 0.0);
        }
        let mut losses = Vec::with_capacity(order.len().div_ceil(batch_size));
        for idx in order.chunks(batch_size) {
            let n = idx.len();
            let first = idx[0] as usize;
            // A run of consecutive rows (fit hands over pre-shuffled chunks) is used in place.
            let contiguous = idx.iter().enumerate().all(|(r, &row)| row as usize == first + r);
            let (xs, ys): (&[f32], &[f32]) = if contiguous {
                (&x[first * inputs..(first + n) * inputs], &y[first * tw..(first + n) * tw])
            } else {
                for (r, &row) in idx.iter().enumerate() {
                    let row = row as usize;
                    xb[r * inputs..(r + 1) * inputs].copy_from_slice(&x[row * inputs..(row + 1) * inputs]);
                    yb[r * tw..(r + 1) * tw].copy_from_slice(&y[row * tw..(row + 1) * tw]);
                }
                (&xb[..n * inputs], &yb[..n * tw])
            };
            let o = &self.spec.optimizer;
            let fused_sgd = (o.kind == OptimizerKind::Sgd && o.momentum == 0.0 && o.clip_norm == 0.0).then_some(o.learning_rate as f32);
            self.forward(pool, xs, n);
            let (sum, _) = self.backward(pool, xs, ys, n, false, fused_sgd);
            let mean = sum / self.spec.loss.denominator(n, units);
            losses.push(mean as f32);
            if !(mean as f32).is_finite() {
                break;
            }
            if fused_sgd.is_none() {
                self.apply_update(pool);
            }
        }
        self.ws.xb = xb;
        self.ws.yb = yb;
        Ok(losses)
    }
}

fn split_like(spec: &NetworkSpec, flat: &[f32]) -> Vec<Vec<f32>> {
    let mut off = 0;
    spec.param_sizes()
        .into_iter()
        .map(|n| {
            off += n;
            flat[off - n..off].to_vec()
        })
        .collect()
}
