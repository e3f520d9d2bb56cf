//! Timing shared by the kernels' benches (a module, not a bench target), and the tests' input data.
#![allow(dead_code, unused_imports)] // each bench uses its own subset

use std::time::Instant;

#[path = "../../tests/support/mod.rs"]
mod data;
pub use data::fill;

fn clock(id: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the valid, exclusively borrowed `ts`.
    if unsafe { libc::clock_gettime(id, &mut ts) } != 0 {
        return f64::NAN;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// CPU time (s) of every thread of this process together: on a shared, loaded machine wall time
/// measures the neighbours, CPU time measures the code. (Not /proc schedstat: it lags for the thread
/// that reads it while it runs, which made short 1-thread runs read as 0 s.)
pub fn cpu_time() -> f64 {
    clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time (s) of the calling thread alone.
pub fn thread_cpu_time() -> f64 {
    clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// (wall seconds, total CPU seconds of all threads) of `f`.
pub fn timed(f: impl FnOnce()) -> (f64, f64) {
    let c0 = cpu_time();
    let t = Instant::now();
    f();
    let wall = t.elapsed().as_secs_f64();
    let c1 = cpu_time();
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
