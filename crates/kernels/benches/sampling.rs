//! Sampling throughput (M samples/s) of the random fills on 4096 × 4096 f32, per ISA and thread
//! count, and the time of a 1024 × 1024 orthogonal matrix. `cargo bench -p fanin-kernels --bench sampling`.
//! Measures only; nothing here asserts a speed.

use std::time::Instant;

use fanin_kernels::dispatch;
use fanin_kernels::linalg::orthogonal;
use fanin_kernels::pool::Pool;
use fanin_kernels::rng::fill::{fill_on, Op};

mod support;
use support::thread_cpu_time;

/// Best (wall seconds, on-CPU seconds of the calling thread) over `reps` runs.
fn best_of<F: FnMut()>(reps: usize, mut f: F) -> (f64, f64) {
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..reps {
        let c0 = thread_cpu_time();
        let t = Instant::now();
        f();
        wall = wall.min(t.elapsed().as_secs_f64());
        cpu = cpu.min(thread_cpu_time() - c0);
    }
    (wall, cpu)
}

fn main() {
    let only: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    // FANIN_BENCH_N: elements per fill (default 4096²); a cache-sized n repeated FANIN_BENCH_INNER
    // times per timing isolates the compute from the memory traffic.
    let n: usize = std::env::var("FANIN_BENCH_N").ok().and_then(|s| s.parse().ok()).unwrap_or(4096 * 4096);
    let inner: usize = std::env::var("FANIN_BENCH_INNER").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut out = vec![0u32; n];
    let ops = [
        ("bits", Op::Bits),
        ("uniform", Op::uniform(-1.0, 1.0).unwrap()),
        ("normal", Op::normal(0.0, 1.0).unwrap()),
        ("truncated", Op::truncated(0.0, 1.0, -2.0, 2.0).unwrap()),
    ];
    // FANIN_BENCH_ISA / FANIN_BENCH_THREADS narrow the sweep (e.g. `avx2`, `1`) for quick A/B runs.
    let isa_only = std::env::var("FANIN_BENCH_ISA").ok().and_then(|s| dispatch::Isa::parse(&s));
    let threads_only: Option<usize> = std::env::var("FANIN_BENCH_THREADS").ok().and_then(|s| s.parse().ok());
    for threads in [1usize, 2] {
        if threads_only.is_some_and(|t| t != threads) {
            continue;
        }
        let pool = Pool::new(threads);
        for isa in dispatch::available() {
            if isa_only.is_some_and(|i| i != isa) {
                continue;
            }
            for (name, op) in &ops {
                if only.as_deref().is_some_and(|o| o != *name && o != "fills") {
                    continue;
                }
                let (wall, cpu) = best_of(5, || {
                    for _ in 0..inner {
                        fill_on(isa, &mut out, 42, 0, 0, op, Some(&pool));
                    }
                });
                let (wall, cpu) = (wall / inner as f64, cpu / inner as f64);
                let on_cpu = if threads == 1 { format!(", {:8.1} per on-CPU second", n as f64 / cpu / 1e6) } else { String::new() };
                println!("{name:>10} {:>7} {threads} thread(s): {:8.1} M samples/s wall{on_cpu}", isa.name(), n as f64 / wall / 1e6);
            }
        }
    }
    if only.as_deref().is_none_or(|o| o == "orthogonal") {
        for threads in [1usize, 2] {
            let pool = Pool::new(threads);
            let mut q = vec![0f32; 1024 * 1024];
            let (wall, cpu) = best_of(3, || orthogonal(&mut q, 1024, 1024, 1, 0, 1.0, Some(&pool)).unwrap());
            println!("orthogonal 1024×1024 {threads} thread(s): {wall:.4} s wall, {cpu:.4} s on-CPU (calling thread)");
        }
    }
}
