//! SGEMM GFLOP/s for N×N products, NN / TN / NT, on 1 and 2 threads (median of repeats).
//! `cargo bench -p fanin-kernels --bench gemm [-- sizes...]`; FANIN_ISA forces a kernel.

use fanin_kernels::dispatch;
use fanin_kernels::gemm;
use fanin_kernels::pool::Pool;

mod support;
use support::{median, microkernel_gflops as peak, timed};

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|s| s.parse().ok()).collect();
    let sizes = if args.is_empty() { vec![128, 256, 512, 1024, 2048] } else { args };
    println!("isa {}", dispatch::isa().name());
    println!("GF/s: wall / per CPU-second (all threads); the microkernel's rate is per CPU-second");
    for threads in [1usize, 2] {
        let pool = Pool::new(threads);
        for &n in &sizes {
            let a: Vec<f32> = (0..n * n).map(|i| ((i * 7 % 13) as f32 - 6.0) * 0.1).collect();
            let b: Vec<f32> = (0..n * n).map(|i| ((i * 5 % 11) as f32 - 5.0) * 0.1).collect();
            let mut c = vec![0f32; n * n];
            let flops = 2.0 * (n as f64).powi(3);
            let reps = ((2e9 / flops) as usize).clamp(3, 200);
            let mut line = format!("{threads}T N={n:5}");
            for (name, ta, tb) in [("NN", false, false), ("TN", true, false), ("NT", false, true)] {
                gemm::sgemm(Some(&pool), ta, tb, n, n, n, 1.0, &a, n, &b, n, 0.0, &mut c, n);
                let mut walls = Vec::new();
                let mut cpus = Vec::new();
                for _ in 0..reps {
                    let (w, cpu) = timed(|| gemm::sgemm(Some(&pool), ta, tb, n, n, n, 1.0, &a, n, &b, n, 0.0, &mut c, n));
                    walls.push(w);
                    cpus.push(cpu);
                }
                line += &format!("  {name} {:6.1} /{:6.1}", flops / median(walls) / 1e9, flops / median(cpus) / 1e9);
            }
            println!("{line}   (microkernel alone {:5.1} GF/s on 1 thread)", peak());
        }
    }
}
