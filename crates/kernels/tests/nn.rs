//! Dense network: gradients against central differences for every activation × loss, optimizer
//! updates against their formulas, thread-count independence, divergence and argument errors.

use fanin_kernels::nn::{Activation, LayerSpec, Loss, Network, NetworkSpec, NnError, OptimizerKind, OptimizerSpec};
use fanin_kernels::pool::Pool;

mod support;
use support::fill;

fn sgd(lr: f64) -> OptimizerSpec {
    OptimizerSpec {
        kind: OptimizerKind::Sgd,
        learning_rate: lr,
        momentum: 0.0,
        nesterov: false,
        rho: 0.9,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-7,
        weight_decay: 0.004,
        clip_norm: 0.0,
    }
}

fn layer(inputs: usize, units: usize, activation: Activation, alpha: f32, use_bias: bool) -> LayerSpec {
    LayerSpec { inputs, units, activation, alpha, use_bias }
}

fn init_params(spec: &NetworkSpec, seed: u64) -> Vec<Vec<f32>> {
    spec.param_sizes().iter().enumerate().map(|(i, &n)| fill(n, seed + i as u64, 0.8)).collect()
}

fn refs(v: &[Vec<f32>]) -> Vec<&[f32]> {
    v.iter().map(|p| &p[..]).collect()
}

/// Targets suited to the loss: one-hot / class ids / probabilities / regression values.
fn targets(loss: Loss, rows: usize, units: usize, seed: u64) -> Vec<f32> {
    let u = fill(rows * units, seed, 1.0);
    match loss {
        Loss::SparseCategoricalCrossentropy => (0..rows).map(|r| (r % units) as f32).collect(),
        Loss::CategoricalCrossentropy => (0..rows * units).map(|i| if i % units == (i / units) % units { 1.0 } else { 0.0 }).collect(),
        Loss::BinaryCrossentropy => u.iter().map(|v| 0.5 + 0.45 * v).collect(),
        _ => u,
    }
}

#[test]
fn gradients_match_central_differences_for_every_activation_and_loss() {
    let acts = [
        (Activation::Linear, 0.0),
        (Activation::Relu, 0.0),
        (Activation::LeakyRelu, 0.2),
        (Activation::Elu, 1.0),
        (Activation::Selu, 0.0),
        (Activation::Gelu, 0.0),
        (Activation::Tanh, 0.0),
        (Activation::Sigmoid, 0.0),
        (Activation::Softmax, 0.0),
    ];
    let losses = [
        Loss::MeanSquaredError,
        Loss::MeanAbsoluteError,
        Loss::BinaryCrossentropy,
        Loss::CategoricalCrossentropy,
        Loss::SparseCategoricalCrossentropy,
    ];
    let (rows, inputs, hidden, out) = (6, 3, 4, 3);
    for (hi, &(hidden_act, alpha)) in acts.iter().enumerate() {
        for &loss in &losses {
            // Output activation: the one that fuses with the loss where there is one, else the
            // hidden activation too (so every activation also serves as an output once).
            let out_act = match loss {
                Loss::BinaryCrossentropy => Activation::Sigmoid,
                Loss::CategoricalCrossentropy | Loss::SparseCategoricalCrossentropy => Activation::Softmax,
                _ => hidden_act,
            };
            let spec = NetworkSpec {
                layers: vec![layer(inputs, hidden, hidden_act, alpha, true), layer(hidden, out, out_act, alpha, hi % 2 == 0)],
                loss,
                optimizer: sgd(0.01),
            };
            let p0 = init_params(&spec, 11 + hi as u64);
            let mut net = Network::new(spec.clone(), &refs(&p0)).unwrap();
            let x = fill(rows * inputs, 5, 1.5);
            let y = targets(loss, rows, out, 9);
            let (_, grads) = net.gradients(None, &x, &y, rows).unwrap();
            let h = 1e-2f32;
            for (pi, p) in p0.iter().enumerate() {
                for e in 0..p.len() {
                    let at = |delta: f32, net: &mut Network| {
                        let mut q = p0.clone();
                        q[pi][e] += delta;
                        net.set_params(&refs(&q)).unwrap();
                        net.evaluate(None, &x, &y, rows).unwrap().0
                    };
                    let (up, down, mid) = (at(h, &mut net), at(-h, &mut net), at(0.0, &mut net));
                    let g = grads[pi][e] as f64;
                    let central = (up - down) / (2.0 * h as f64);
                    // f32 loss rounding (~1e-7/h) plus O(h²) truncation. MAE and the ReLU family make
                    // the loss piecewise smooth: when a kink lies within h of the point, the one-sided
                    // difference on the kink-free side still gives the gradient.
                    let tol = 2e-3 + 2e-2 * g.abs();
                    let best = [central, (up - mid) / h as f64, (mid - down) / h as f64]
                        .iter()
                        .map(|d| (d - g).abs())
                        .fold(f64::INFINITY, f64::min);
                    assert!(
                        best <= tol,
                        "{hidden_act:?}/{out_act:?}/{loss:?}: param {pi}[{e}] gradient {g}, central difference {central}"
                    );
                }
            }
        }
    }
}

/// One weight, one input x = 1, target 0, MSE: loss = w², gradient 2w. Every optimizer is checked
/// against its formula run in f64.
#[test]
fn optimizers_follow_their_update_rules() {
    let mk = |kind, momentum, nesterov, clip_norm| OptimizerSpec {
        kind,
        learning_rate: 0.1,
        momentum,
        nesterov,
        rho: 0.9,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-7,
        weight_decay: 0.004,
        clip_norm,
    };
    let cases = [
        mk(OptimizerKind::Sgd, 0.0, false, 0.0),
        mk(OptimizerKind::Sgd, 0.9, false, 0.0),
        mk(OptimizerKind::Sgd, 0.9, true, 0.0),
        mk(OptimizerKind::Sgd, 0.0, false, 0.5),
        mk(OptimizerKind::Rmsprop, 0.0, false, 0.0),
        mk(OptimizerKind::Rmsprop, 0.5, false, 0.0),
        mk(OptimizerKind::Adam, 0.0, false, 0.0),
        mk(OptimizerKind::AdamW, 0.0, false, 0.0),
    ];
    for o in cases {
        let spec = NetworkSpec { layers: vec![layer(1, 1, Activation::Linear, 0.0, false)], loss: Loss::MeanSquaredError, optimizer: o };
        let mut net = Network::new(spec, &[&[1.5]]).unwrap();
        let (mut w, mut s0, mut s1) = (1.5f64, 0f64, 0f64);
        for t in 1..=6u32 {
            let losses = net.train_batches(None, &[1.0], &[0.0], 1, &[0], 1).unwrap();
            assert!((losses[0] as f64 - w * w).abs() <= 1e-5 * w * w, "{o:?}: loss {} vs {}", losses[0], w * w);
            let mut g = 2.0 * w;
            if o.clip_norm > 0.0 && g.abs() > o.clip_norm {
                g *= o.clip_norm / g.abs();
            }
            let lr = o.learning_rate;
            match o.kind {
                OptimizerKind::Sgd if o.momentum == 0.0 => w -= lr * g,
                OptimizerKind::Sgd => {
                    s0 = o.momentum * s0 - lr * g;
                    w += if o.nesterov { o.momentum * s0 - lr * g } else { s0 };
                }
                OptimizerKind::Rmsprop => {
                    s0 = o.rho * s0 + (1.0 - o.rho) * g * g;
                    let d = lr * g / (s0 + o.epsilon).sqrt();
                    if o.momentum > 0.0 {
                        s1 = o.momentum * s1 + d;
                        w -= s1;
                    } else {
                        w -= d;
                    }
                }
                OptimizerKind::Adam | OptimizerKind::AdamW => {
                    if o.kind == OptimizerKind::AdamW {
                        w -= lr * o.weight_decay * w;
                    }
                    s0 = o.beta1 * s0 + (1.0 - o.beta1) * g;
                    s1 = o.beta2 * s1 + (1.0 - o.beta2) * g * g;
                    let rate = lr * (1.0 - o.beta2.powi(t as i32)).sqrt() / (1.0 - o.beta1.powi(t as i32));
                    w -= rate * s0 / (s1.sqrt() + o.epsilon);
                }
            }
            let got = net.get_params()[0][0] as f64;
            assert!((got - w).abs() <= 1e-5 * (1.0 + w.abs()), "{o:?} step {t}: w = {got}, formula gives {w}");
        }
        assert_eq!(net.step_count(), 6);
    }
}

fn mlp(optimizer: OptimizerSpec) -> NetworkSpec {
    NetworkSpec {
        layers: vec![
            layer(20, 64, Activation::Relu, 0.0, true),
            layer(64, 48, Activation::Tanh, 0.0, true),
            layer(48, 5, Activation::Softmax, 0.0, true),
        ],
        loss: Loss::SparseCategoricalCrossentropy,
        optimizer,
    }
}

#[test]
fn training_is_bit_identical_for_one_two_and_three_threads() {
    let mut adam = sgd(1e-3);
    adam.kind = OptimizerKind::Adam;
    adam.clip_norm = 1.0;
    let spec = mlp(adam);
    let p0 = init_params(&spec, 3);
    let rows = 300;
    let x = fill(rows * 20, 1, 1.0);
    let y: Vec<f32> = (0..rows).map(|r| (r * 7 % 5) as f32).collect();
    let order: Vec<u32> = (0..rows as u32).rev().collect();
    let mut results = Vec::new();
    for threads in 1..=3 {
        let pool = Pool::new(threads);
        let mut net = Network::new(spec.clone(), &refs(&p0)).unwrap();
        let losses = net.train_batches(Some(&pool), &x, &y, rows, &order, 128).unwrap();
        assert_eq!(losses.len(), 3);
        results.push((losses, net.get_params()));
    }
    for r in &results[1..] {
        assert_eq!(r.0.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), results[0].0.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        for (a, b) in r.1.iter().zip(&results[0].1) {
            assert!(a.iter().zip(b).all(|(p, q)| p.to_bits() == q.to_bits()));
        }
    }
}

#[test]
fn training_lowers_the_loss_and_predict_agrees_with_evaluate() {
    let mut o = sgd(0.1);
    o.momentum = 0.9;
    let spec = mlp(o);
    let mut net = Network::new(spec.clone(), &refs(&init_params(&spec, 4))).unwrap();
    let rows = 256;
    let x = fill(rows * 20, 8, 1.0);
    // Class = sign pattern of two input features: learnable by the MLP.
    let y: Vec<f32> = (0..rows).map(|r| (usize::from(x[r * 20] > 0.0) + 2 * usize::from(x[r * 20 + 1] > 0.0)) as f32).collect();
    let order: Vec<u32> = (0..rows as u32).collect();
    let (first, _) = net.evaluate(None, &x, &y, rows).unwrap();
    for _ in 0..60 {
        net.train_batches(None, &x, &y, rows, &order, 32).unwrap();
    }
    let (last, out) = net.evaluate(None, &x, &y, rows).unwrap();
    assert!(last < 0.25 * first, "loss went from {first} to {last}");
    assert_eq!(out, net.predict(None, &x, rows).unwrap());
    let correct = (0..rows)
        .filter(|&r| {
            let row = &out[r * 5..(r + 1) * 5];
            let best = (0..5).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            best == y[r] as usize
        })
        .count();
    assert!(correct as f64 >= 0.9 * rows as f64, "{correct} of {rows} right");
}

#[test]
fn a_diverging_run_stops_after_the_first_non_finite_loss() {
    let spec = NetworkSpec {
        layers: vec![layer(2, 3, Activation::Linear, 0.0, true), layer(3, 1, Activation::Linear, 0.0, true)],
        loss: Loss::MeanSquaredError,
        optimizer: sgd(1e3),
    };
    let mut net = Network::new(spec.clone(), &refs(&init_params(&spec, 1))).unwrap();
    let x = fill(40, 2, 10.0);
    let y = fill(20, 3, 10.0);
    let order: Vec<u32> = (0..20).collect();
    let before = net.get_params();
    let losses = net.train_batches(None, &x, &y, 20, &order, 1).unwrap();
    let bad = losses.len() - 1;
    assert!(bad > 0 && bad < 19, "stopped after {} batches", losses.len());
    assert!(!losses[bad].is_finite() && losses[..bad].iter().all(|l| l.is_finite()), "{losses:?}");
    // Exactly `bad` updates were applied: the diverged batch's was not.
    assert_eq!(net.step_count(), bad as u64);
    assert_ne!(net.get_params(), before);
}

#[test]
fn bad_arguments_are_reported_not_panicked() {
    let spec = mlp(sgd(0.1));
    let mut net = Network::new(spec.clone(), &refs(&init_params(&spec, 1))).unwrap();
    let x = fill(2 * 20, 1, 1.0);
    let err = |r: Result<Vec<f32>, NnError>| match r {
        Err(NnError::Invalid(s)) => s,
        other => panic!("expected an argument error, got {other:?}"),
    };
    assert!(err(net.train_batches(None, &x, &[0.0, 5.0], 2, &[0, 1], 1)).contains("class id at row 1 is 5"));
    assert!(err(net.train_batches(None, &x, &[0.0, 1.5], 2, &[0, 1], 1)).contains("class id at row 1"));
    assert!(err(net.train_batches(None, &x, &[0.0, 1.0], 2, &[0, 2], 1)).contains("order[1] = 2"));
    assert!(err(net.train_batches(None, &x, &[0.0, 1.0], 2, &[0, 1], 0)).contains("batchSize"));
    assert!(err(net.train_batches(None, &x[1..], &[0.0, 1.0], 2, &[0, 1], 1)).contains("x must hold"));
    assert!(err(net.train_batches(None, &x, &[0.0], 2, &[0, 1], 1)).contains("y must hold"));
    assert!(matches!(net.set_params(&[&[1.0]]), Err(NnError::Invalid(_))));
    let mut bad = sgd(f64::NAN);
    assert!(matches!(net.set_optimizer(bad), Err(NnError::Invalid(_))));
    bad = sgd(0.1);
    bad.beta1 = -1.0;
    assert!(matches!(net.set_optimizer(bad), Err(NnError::Invalid(_))));
    let mut s2 = spec.clone();
    s2.layers[1].inputs = 63;
    assert!(matches!(Network::new(s2, &refs(&init_params(&spec, 1))), Err(NnError::Invalid(_))));
}

#[test]
fn layer_stats_describe_the_pass() {
    let spec = NetworkSpec {
        layers: vec![layer(4, 6, Activation::Relu, 0.0, true), layer(6, 2, Activation::Linear, 0.0, false)],
        loss: Loss::MeanSquaredError,
        optimizer: sgd(0.1),
    };
    let mut p = init_params(&spec, 2);
    // Unit 0 dead (large negative bias), units 4 and 5 identical (same column and bias).
    p[1][0] = -100.0;
    for i in 0..4 {
        p[0][i * 6 + 5] = p[0][i * 6 + 4];
    }
    p[1][5] = p[1][4];
    let mut net = Network::new(spec, &refs(&p)).unwrap();
    let rows = 10;
    let x = fill(rows * 4, 3, 1.0);
    let y = fill(rows * 2, 4, 1.0);
    let s = net.layer_stats(None, &x, &y, rows).unwrap();
    assert_eq!(s.len(), 2);
    assert!((s[0].dead_fraction - 1.0 / 6.0).abs() < 1e-12 || s[0].dead_fraction > 1.0 / 6.0);
    assert_eq!(s[0].distinct_units, 5);
    assert_eq!(s[1].distinct_units, 2);
    assert_eq!(s[1].dead_fraction, 0.0);
    let (_, grads) = net.gradients(None, &x, &y, rows).unwrap();
    let norm = grads[2].iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt();
    assert!((s[1].weight_grad_norm - norm).abs() <= 1e-12 * norm.max(1.0));
    let w = &p[2];
    let mean = w.iter().map(|&v| v as f64).sum::<f64>() / w.len() as f64;
    let std = (w.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / w.len() as f64).sqrt();
    assert!((s[1].weight_std - std).abs() < 1e-12);
    // A ≥ 0 for relu, and the activation std is no larger than the pre-activation's.
    assert!(s[0].activation_mean >= 0.0 && s[0].activation_std <= s[0].pre_activation_std + 1e-12);
}
