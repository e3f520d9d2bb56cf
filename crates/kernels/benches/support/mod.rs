//! Timing shared by the kernels' benches (a module, not a bench target), and the tests' input data.
#![allow(dead_code, unused_imports)] // each bench uses its own subset

use std::time::Instant;

#[path = "../../tests/support/mod.rs"]
mod data;
pub use data::fill;

/// CPU time (s) of every thread of this process, from /proc (Linux): on a shared, loaded machine
/// wall time measures the neighbours, CPU time measures the code.
pub fn cpu_times() -> Vec<f64> {
    let mut v = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for e in dir.flatten() {
            if let Ok(s) = std::fs::read_to_string(e.path().join("schedstat")) {
                if let Some(ns) = s.split_whitespace().next().and_then(|t| t.parse::<f64>().ok()) {
                    v.push(ns * 1e-9);
                }
            }
        }
    }
    v
}

/// (wall seconds, total CPU seconds of all threads) of `f`.
pub fn timed(f: impl FnOnce()) -> (f64, f64) {
    let c0: f64 = cpu_times().iter().sum();
    let t = Instant::now();
    f();
    let wall = t.elapsed().as_secs_f64();
    let c1: f64 = cpu_times().iter().sum();
    (wall, c1 - c0)
}

/// The microkernel's own rate on one thread (GFLOP per CPU-second): the yardstick printed beside each
/// figure, so a shared machine's state can be read off the same run.
pub fn microkernel_gflops() -> f64 {
    let mut f = 0.0;
    let (_, cpu) = timed(|| f = fanin_kernels::gemm::microkernel_flops(256, 20000));
    f / cpu / 1e9
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}
