//! Training throughput (samples/s) of the dense network: MLP 784-256-256-10 (ReLU, softmax
//! cross-entropy, batch 128) with SGD and Adam, and 784 → 30 × Dense(256) ReLU → 10 with SGD, on 1 and
//! 2 threads. Also prints the microkernel's own rate in the same run, as the yardstick on a shared
//! machine. `cargo bench -p fanin-kernels --bench training [-- mlp|deep]`.

use fanin_kernels::dispatch;
use fanin_kernels::nn::{Activation, LayerSpec, Loss, Network, NetworkSpec, OptimizerKind, OptimizerSpec};
use fanin_kernels::pool::Pool;

mod support;
use support::{fill, median, microkernel_gflops as peak, timed};

fn opt(kind: OptimizerKind, lr: f64) -> OptimizerSpec {
    OptimizerSpec { kind, learning_rate: lr, momentum: 0.0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weight_decay: 0.0, clip_norm: 0.0 }
}

fn spec(widths: &[usize], o: OptimizerSpec) -> NetworkSpec {
    let n = widths.len() - 1;
    NetworkSpec {
        layers: (0..n)
            .map(|i| LayerSpec {
                inputs: widths[i],
                units: widths[i + 1],
                activation: if i + 1 == n { Activation::Softmax } else { Activation::Relu },
                alpha: 0.0,
                use_bias: true,
            })
            .collect(),
        loss: Loss::SparseCategoricalCrossentropy,
        optimizer: o,
    }
}

/// (samples per wall second, samples per CPU second), medians over `reps` epochs after a warm-up.
fn samples_per_s(s: &NetworkSpec, pool: &Pool, batches: usize, reps: usize) -> (f64, f64) {
    let inputs = s.layers[0].inputs;
    let classes = s.layers.last().unwrap().units;
    let params: Vec<Vec<f32>> = s
        .param_sizes()
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let fan = s.layers[i / 2].inputs as f32;
            if i % 2 == 0 { fill(n, i as u64 + 1, (6.0 / fan).sqrt()) } else { vec![0.0; n] }
        })
        .collect();
    let refs: Vec<&[f32]> = params.iter().map(|p| &p[..]).collect();
    let mut net = Network::new(s.clone(), &refs).unwrap();
    let rows = 128 * batches;
    let x = fill(rows * inputs, 7, 1.0);
    let y: Vec<f32> = (0..rows).map(|r| (r % classes) as f32).collect();
    let order: Vec<u32> = (0..rows as u32).collect();
    net.train_batches(Some(pool), &x, &y, rows, &order, 128).unwrap(); // warm-up epoch
    let runs: Vec<(f64, f64)> = (0..reps)
        .map(|_| {
            timed(|| {
                net.train_batches(Some(pool), &x, &y, rows, &order, 128).unwrap();
            })
        })
        .collect();
    (rows as f64 / median(runs.iter().map(|r| r.0).collect()), rows as f64 / median(runs.iter().map(|r| r.1).collect()))
}

fn main() {
    let which: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let want = |w: &str| which.is_empty() || which.iter().any(|a| a == w);
    println!("isa {}", dispatch::isa().name());
    println!("rates: wall / per CPU-second (all threads); the microkernel's rate is per CPU-second");
    for threads in [1usize, 2] {
        let pool = Pool::new(threads);
        if want("mlp") {
            let sgd = samples_per_s(&spec(&[784, 256, 256, 10], opt(OptimizerKind::Sgd, 0.01)), &pool, 40, 7);
            let adam = samples_per_s(&spec(&[784, 256, 256, 10], opt(OptimizerKind::Adam, 1e-3)), &pool, 40, 7);
            println!(
                "{threads}T MLP 784-256-256-10 b128: SGD {:7.0} / {:7.0} samples/s, Adam {:7.0} / {:7.0} samples/s   (microkernel {:5.1} GF/s)",
                sgd.0, sgd.1, adam.0, adam.1, peak()
            );
        }
        if want("deep") {
            let mut w = vec![784usize];
            w.extend([256usize; 30]);
            w.push(10);
            let deep = samples_per_s(&spec(&w, opt(OptimizerKind::Sgd, 0.01)), &pool, 10, 5);
            println!("{threads}T 784-30×Dense(256)-10 b128: SGD {:7.0} / {:7.0} samples/s   (microkernel {:5.1} GF/s)", deep.0, deep.1, peak());
        }
    }
}
