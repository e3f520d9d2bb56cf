//! `NativeNetwork`: a dense network living in Rust (fanin_kernels::nn::Network) behind a Mutex.
//! trainBatches / predict / evaluate run as napi AsyncTasks on libuv's pool (their inputs copied
//! into Rust-owned Vecs first, the compute guarded by catch_unwind); the rest are synchronous.
//! A call made while an async call is still running gets an error at once (no waiting, no race).
//! A fit hands its training set over once: `allocTrainingData` maps its memory off the JS thread,
//! `writeTrainingData` copies row slices synchronously (each short, the caller yields between them),
//! `scanTrainingData` checks finiteness off the JS thread, and `trainRows` tasks gather their batches
//! from that copy by index.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use fanin_kernels::nn::{self, Activation, LayerSpec, Loss, Network, NetworkSpec, NnError, NonFinite, OptimizerKind, OptimizerSpec, TrainingSet};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::gemm::dim;
use crate::threads::pool;

#[napi(object)]
pub struct JsLayerSpec {
    pub inputs: f64,
    pub units: f64,
    pub activation: String,
    pub alpha: f64,
    pub use_bias: bool,
}

#[napi(object)]
pub struct JsOptimizerSpec {
    pub kind: String,
    pub learning_rate: f64,
    pub momentum: f64,
    pub nesterov: bool,
    pub rho: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    pub weight_decay: f64,
    pub clip_norm: f64,
}

#[napi(object)]
pub struct JsNetworkSpec {
    pub layers: Vec<JsLayerSpec>,
    pub loss: String,
    pub optimizer: JsOptimizerSpec,
}

#[napi(object, object_from_js = false)]
pub struct JsLayerStats {
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

#[napi(object, object_from_js = false)]
pub struct JsEvaluation {
    pub loss: f64,
    pub outputs: Float32Array,
}

/// The first non-finite value of a training set (scanTrainingData).
#[napi(object, object_from_js = false)]
pub struct JsNonFinite {
    #[napi(ts_type = "'x' | 'y'")]
    pub array: String,
    pub row: f64,
    pub column: f64,
    pub value: f64,
}

#[napi(object, object_from_js = false)]
pub struct JsGradients {
    pub loss: f64,
    pub grads: Vec<Float32Array>,
}

fn invalid(msg: String) -> Error {
    Error::new(Status::InvalidArg, msg)
}

fn optimizer_from_js(o: &JsOptimizerSpec, what: &str) -> Result<OptimizerSpec> {
    let kind = OptimizerKind::parse(&o.kind).ok_or_else(|| {
        invalid(format!("{what}: optimizer.kind must be one of {}; got '{}'", OptimizerKind::NAMES.join(", "), o.kind))
    })?;
    let spec = OptimizerSpec {
        kind,
        learning_rate: o.learning_rate,
        momentum: o.momentum,
        nesterov: o.nesterov,
        rho: o.rho,
        beta1: o.beta1,
        beta2: o.beta2,
        epsilon: o.epsilon,
        weight_decay: o.weight_decay,
        clip_norm: o.clip_norm,
    };
    spec.validate().map_err(|e| invalid(format!("{what}: {e}")))?;
    Ok(spec)
}

fn spec_from_js(s: &JsNetworkSpec) -> Result<NetworkSpec> {
    let what = "NativeNetwork";
    let mut layers = Vec::with_capacity(s.layers.len());
    for (i, l) in s.layers.iter().enumerate() {
        let activation = Activation::parse(&l.activation).ok_or_else(|| {
            invalid(format!("{what}: layers[{i}].activation must be one of {}; got '{}'", Activation::NAMES.join(", "), l.activation))
        })?;
        if !l.alpha.is_finite() {
            return Err(invalid(format!("{what}: layers[{i}].alpha must be finite, got {}", l.alpha)));
        }
        layers.push(LayerSpec {
            inputs: dim(l.inputs, &format!("{what}: layers[{i}].inputs"))?,
            units: dim(l.units, &format!("{what}: layers[{i}].units"))?,
            activation,
            alpha: l.alpha as f32,
            use_bias: l.use_bias,
        });
    }
    let loss = Loss::parse(&s.loss)
        .ok_or_else(|| invalid(format!("{what}: loss must be one of {}; got '{}'", Loss::NAMES.join(", "), s.loss)))?;
    let spec = NetworkSpec { layers, loss, optimizer: optimizer_from_js(&s.optimizer, what)? };
    spec.validate().map_err(|e| invalid(format!("{what}: {e}")))?;
    Ok(spec)
}

fn nn_error(what: &str, e: NnError) -> Error {
    let _ = what;
    match e {
        NnError::Invalid(s) => invalid(format!("NativeNetwork.{s}")),
    }
}

type Shared = Arc<Mutex<Option<Network>>>;
/// The training set of the running fit (None before the first write and after clearTrainingData).
type SharedSet = Arc<Mutex<Option<TrainingSet>>>;

#[napi]
pub struct NativeNetwork {
    net: Shared,
    data: SharedSet,
    /// Set while an async call is in flight (from its creation on the JS thread to its `finally`).
    busy: Arc<AtomicBool>,
}

fn panic_error(what: &str, p: Box<dyn std::any::Any + Send>) -> Error {
    let msg = p
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    Error::new(Status::GenericFailure, format!("NativeNetwork.{what}: internal error: {msg}"))
}

/// Runs `f` on the training set, turning a poisoned lock, a missing set and panics into errors.
fn with_set<T>(data: &SharedSet, what: &str, f: impl FnOnce(&mut Option<TrainingSet>) -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut guard = data.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }))
    .unwrap_or_else(|p| Err(panic_error(what, p)))
}

/// Runs `f` on the network, turning a poisoned lock, a disposed network and panics into errors.
fn with_net<T>(net: &Shared, what: &str, f: impl FnOnce(&mut Network) -> std::result::Result<T, NnError>) -> Result<T> {
    let r = catch_unwind(AssertUnwindSafe(|| {
        let mut guard = net.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_mut() {
            None => Err(Error::new(Status::GenericFailure, format!("NativeNetwork.{what}: this network has been disposed"))),
            Some(n) => f(n).map_err(|e| nn_error(what, e)),
        }
    }));
    r.unwrap_or_else(|p| Err(panic_error(what, p)))
}

pub enum Job {
    Train { x: Vec<f32>, y: Vec<f32>, rows: usize, order: Vec<u32>, batch_size: usize },
    Predict { x: Vec<f32>, rows: usize },
    Evaluate { x: Vec<f32>, y: Vec<f32>, rows: usize },
    Alloc { rows: usize },
    Clear,
    Scan,
    TrainRows { order: Vec<u32>, batch_size: usize },
}

pub enum JobOutput {
    Floats(Vec<f32>),
    Evaluation(f64, Vec<f32>),
    Scan(Option<NonFinite>),
    Done,
}

pub struct NetTask {
    net: Shared,
    data: SharedSet,
    busy: Arc<AtomicBool>,
    job: Option<Job>,
}

impl Task for NetTask {
    type Output = JobOutput;
    type JsValue = Either4<Float32Array, JsEvaluation, JsNonFinite, Null>;

    fn compute(&mut self) -> Result<JobOutput> {
        let job = self.job.take().ok_or_else(|| Error::from_reason("NativeNetwork: task ran twice"))?;
        let p = pool();
        match job {
            Job::Train { x, y, rows, order, batch_size } => with_net(&self.net, "trainBatches", |n| {
                n.train_batches(Some(&p), &x, &y, rows, &order, batch_size).map(JobOutput::Floats)
            }),
            Job::Predict { x, rows } => with_net(&self.net, "predict", |n| n.predict(Some(&p), &x, rows).map(JobOutput::Floats)),
            Job::Evaluate { x, y, rows } => with_net(&self.net, "evaluate", |n| {
                n.evaluate(Some(&p), &x, &y, rows).map(|(l, o)| JobOutput::Evaluation(l, o))
            }),
            Job::Alloc { rows } => {
                let (inputs, tw) = with_net(&self.net, "allocTrainingData", |n| Ok((n.spec().input_units(), n.spec().target_width())))?;
                with_set(&self.data, "allocTrainingData", |set| {
                    *set = None;
                    *set = Some(TrainingSet::new(rows, inputs, tw).map_err(|e| invalid(format!("NativeNetwork.allocTrainingData: {e}")))?);
                    Ok(JobOutput::Done)
                })
            }
            // Unmapping a large set takes milliseconds per hundred megabytes: done here, off the JS thread.
            Job::Clear => with_set(&self.data, "clearTrainingData", |set| {
                *set = None;
                Ok(JobOutput::Done)
            }),
            Job::Scan => with_set(&self.data, "scanTrainingData", |set| {
                let s = set.as_mut().ok_or_else(|| invalid("NativeNetwork.scanTrainingData: no training data has been written".into()))?;
                let found = s.scan().map_err(|e| invalid(format!("NativeNetwork.scanTrainingData: {e}")))?;
                // A set with a bad value is of no use: free it at once.
                if found.is_some() {
                    *set = None;
                }
                Ok(JobOutput::Scan(found))
            }),
            // Lock order: network, then training set (the only place holding both).
            Job::TrainRows { order, batch_size } => with_net(&self.net, "trainRows", |n| {
                let guard = self.data.lock().unwrap_or_else(|e| e.into_inner());
                match guard.as_ref() {
                    None => Err(NnError::Invalid("trainRows: no training data has been set".into())),
                    Some(set) => n.train_rows(Some(&p), set, &order, batch_size).map(JobOutput::Floats),
                }
            }),
        }
    }

    fn resolve(&mut self, _env: Env, output: JobOutput) -> Result<Self::JsValue> {
        Ok(match output {
            JobOutput::Floats(v) => Either4::A(Float32Array::new(v)),
            JobOutput::Evaluation(loss, o) => Either4::B(JsEvaluation { loss, outputs: Float32Array::new(o) }),
            JobOutput::Scan(None) | JobOutput::Done => Either4::D(Null),
            JobOutput::Scan(Some(f)) => Either4::C(JsNonFinite {
                array: if f.in_y { "y" } else { "x" }.into(),
                row: f.row as f64,
                column: f.column as f64,
                value: f.value as f64,
            }),
        })
    }

    fn finally(self, _env: Env) -> Result<()> {
        self.busy.store(false, Ordering::SeqCst);
        Ok(())
    }
}

fn rows_arg(rows: f64, what: &str) -> Result<usize> {
    let r = dim(rows, &format!("NativeNetwork.{what}: rows"))?;
    if r == 0 {
        return Err(invalid(format!("NativeNetwork.{what}: rows must be ≥ 1, got 0")));
    }
    Ok(r)
}

#[napi]
impl NativeNetwork {
    /// A network from a spec (types.ts NetworkSpec) and parameters (per layer kernel, then bias).
    #[napi(constructor)]
    pub fn new(spec: JsNetworkSpec, params: Vec<Float32Array>) -> Result<Self> {
        let spec = spec_from_js(&spec)?;
        let slices: Vec<&[f32]> = params.iter().map(|p| &p[..]).collect();
        let net = Network::new(spec, &slices).map_err(|e| nn_error("constructor", e))?;
        Ok(NativeNetwork { net: Arc::new(Mutex::new(Some(net))), data: Arc::new(Mutex::new(None)), busy: Arc::new(AtomicBool::new(false)) })
    }

    fn idle(&self, what: &str) -> Result<()> {
        if self.busy.load(Ordering::SeqCst) {
            return Err(Error::new(
                Status::GenericFailure,
                format!("NativeNetwork.{what}: another call (trainBatches, predict or evaluate) is still running on this network; await it first"),
            ));
        }
        Ok(())
    }

    fn start(&self, what: &str, job: Job) -> Result<AsyncTask<NetTask>> {
        if self.busy.swap(true, Ordering::SeqCst) {
            return Err(Error::new(
                Status::GenericFailure,
                format!("NativeNetwork.{what}: another call (trainBatches, predict or evaluate) is still running on this network; await it first"),
            ));
        }
        Ok(AsyncTask::new(NetTask { net: Arc::clone(&self.net), data: Arc::clone(&self.data), busy: Arc::clone(&self.busy), job: Some(job) }))
    }

    /// Trains on consecutive batches of `order`; resolves to each batch's mean loss.
    #[napi(ts_return_type = "Promise<Float32Array>")]
    pub fn train_batches(&self, x: Float32Array, y: Float32Array, rows: f64, order: Uint32Array, batch_size: f64) -> Result<AsyncTask<NetTask>> {
        let rows = rows_arg(rows, "trainBatches")?;
        let batch_size = dim(batch_size, "NativeNetwork.trainBatches: batchSize")?;
        if batch_size == 0 {
            return Err(invalid("NativeNetwork.trainBatches: batchSize must be ≥ 1, got 0".into()));
        }
        self.start("trainBatches", Job::Train { x: x.to_vec(), y: y.to_vec(), rows, order: order.to_vec(), batch_size })
    }

    /// Starts a new training set of `rows` rows (dropping any earlier one); its memory is mapped and
    /// touched off the JS thread, so that the writes that follow are plain copies. Resolves to null.
    #[napi(ts_return_type = "Promise<null>")]
    pub fn alloc_training_data(&self, rows: f64) -> Result<AsyncTask<NetTask>> {
        let rows = rows_arg(rows, "allocTrainingData")?;
        self.start("allocTrainingData", Job::Alloc { rows })
    }

    /// Copies rows [from, from + x.length / inputs) into the set of allocTrainingData; slices must
    /// follow in order from row 0. Synchronous: the caller keeps slices small and yields between them.
    #[napi]
    pub fn write_training_data(&self, x: Float32Array, y: Float32Array, from: f64) -> Result<()> {
        self.idle("writeTrainingData")?;
        let from = dim(from, "NativeNetwork.writeTrainingData: from")?;
        with_set(&self.data, "writeTrainingData", |set| {
            let s = set.as_mut().ok_or_else(|| invalid("NativeNetwork.writeTrainingData: no training set has been allocated".into()))?;
            s.write(from, &x, &y).map_err(|e| invalid(format!("NativeNetwork.writeTrainingData: {e}")))
        })
    }

    /// Once every row is written: resolves to the first non-finite value (x before y, row-major) and
    /// drops the set, or to null and makes the set ready for trainRows. Runs off the JS thread.
    #[napi(ts_return_type = "Promise<{ array: 'x' | 'y'; row: number; column: number; value: number } | null>")]
    pub fn scan_training_data(&self) -> Result<AsyncTask<NetTask>> {
        self.start("scanTrainingData", Job::Scan)
    }

    /// trainBatches on the written and scanned training set: the batches' rows are gathered by `order`.
    #[napi(ts_return_type = "Promise<Float32Array>")]
    pub fn train_rows(&self, order: Uint32Array, batch_size: f64) -> Result<AsyncTask<NetTask>> {
        let batch_size = dim(batch_size, "NativeNetwork.trainRows: batchSize")?;
        if batch_size == 0 {
            return Err(invalid("NativeNetwork.trainRows: batchSize must be ≥ 1, got 0".into()));
        }
        self.start("trainRows", Job::TrainRows { order: order.to_vec(), batch_size })
    }

    /// Frees the training set off the JS thread; resolves to null.
    #[napi(ts_return_type = "Promise<null>")]
    pub fn clear_training_data(&self) -> Result<AsyncTask<NetTask>> {
        self.start("clearTrainingData", Job::Clear)
    }

    /// Outputs after the final activation; resolves to a Float32Array (rows × output units).
    #[napi(ts_return_type = "Promise<Float32Array>")]
    pub fn predict(&self, x: Float32Array, rows: f64) -> Result<AsyncTask<NetTask>> {
        let rows = rows_arg(rows, "predict")?;
        self.start("predict", Job::Predict { x: x.to_vec(), rows })
    }

    /// Mean loss and outputs; resolves to { loss, outputs }.
    #[napi(ts_return_type = "Promise<{ loss: number; outputs: Float32Array }>")]
    pub fn evaluate(&self, x: Float32Array, y: Float32Array, rows: f64) -> Result<AsyncTask<NetTask>> {
        let rows = rows_arg(rows, "evaluate")?;
        self.start("evaluate", Job::Evaluate { x: x.to_vec(), y: y.to_vec(), rows })
    }

    /// Mean loss and gradients of every parameter (getParams order).
    #[napi]
    pub fn gradients(&self, x: Float32Array, y: Float32Array, rows: f64) -> Result<JsGradients> {
        self.idle("gradients")?;
        let rows = rows_arg(rows, "gradients")?;
        let p = pool();
        let (loss, grads) = with_net(&self.net, "gradients", |n| n.gradients(Some(&p), &x, &y, rows))?;
        Ok(JsGradients { loss, grads: grads.into_iter().map(Float32Array::new).collect() })
    }

    /// Per-layer statistics of one forward + backward pass.
    #[napi]
    pub fn layer_stats(&self, x: Float32Array, y: Float32Array, rows: f64) -> Result<Vec<JsLayerStats>> {
        self.idle("layerStats")?;
        let rows = rows_arg(rows, "layerStats")?;
        let p = pool();
        let stats = with_net(&self.net, "layerStats", |n| n.layer_stats(Some(&p), &x, &y, rows))?;
        Ok(stats
            .into_iter()
            .map(|s: nn::LayerStats| JsLayerStats {
                pre_activation_mean: s.pre_activation_mean,
                pre_activation_std: s.pre_activation_std,
                activation_mean: s.activation_mean,
                activation_std: s.activation_std,
                dead_fraction: s.dead_fraction,
                weight_std: s.weight_std,
                weight_grad_norm: s.weight_grad_norm,
                activation_grad_std: s.activation_grad_std,
                distinct_units: s.distinct_units,
            })
            .collect())
    }

    #[napi]
    pub fn get_params(&self) -> Result<Vec<Float32Array>> {
        self.idle("getParams")?;
        let ps = with_net(&self.net, "getParams", |n| Ok(n.get_params()))?;
        Ok(ps.into_iter().map(Float32Array::new).collect())
    }

    #[napi]
    pub fn set_params(&self, params: Vec<Float32Array>) -> Result<()> {
        self.idle("setParams")?;
        let slices: Vec<&[f32]> = params.iter().map(|p| &p[..]).collect();
        with_net(&self.net, "setParams", |n| n.set_params(&slices))
    }

    #[napi]
    pub fn set_optimizer(&self, optimizer: JsOptimizerSpec) -> Result<()> {
        self.idle("setOptimizer")?;
        let o = optimizer_from_js(&optimizer, "NativeNetwork.setOptimizer")?;
        with_net(&self.net, "setOptimizer", |n| n.set_optimizer(o))
    }

    /// Optimizer updates done since the optimizer was set.
    #[napi]
    pub fn step_count(&self) -> Result<f64> {
        self.idle("stepCount")?;
        with_net(&self.net, "stepCount", |n| Ok(n.step_count() as f64))
    }

    /// Frees the network's memory; later calls throw.
    #[napi]
    pub fn dispose(&self) -> Result<()> {
        self.idle("dispose")?;
        *self.data.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let mut g = self.net.lock().unwrap_or_else(|e| e.into_inner());
        *g = None;
        Ok(())
    }
}
