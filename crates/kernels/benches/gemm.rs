//! SGEMM GFLOP/s for N×N products, NN / TN / NT, on 1 and 2 threads (median of repeats).
//! `cargo bench -p fanin-kernels --bench gemm [-- sizes...]`; FANIN_ISA forces a kernel.

use std::time::Instant;

use fanin_kernels::dispatch;
use fanin_kernels::gemm;
use fanin_kernels::pool::Pool;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|s| s.parse().ok()).collect();
    let sizes = if args.is_empty() { vec![128, 256, 512, 1024, 2048] } else { args };
    println!("isa {}", dispatch::isa().name());
    let peak = || {
        let t = Instant::now();
        let f = gemm::microkernel_flops(256, 20000);
        f / t.elapsed().as_secs_f64() / 1e9
    };
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
                let mut times = Vec::new();
                for _ in 0..reps {
                    let t = Instant::now();
                    gemm::sgemm(Some(&pool), ta, tb, n, n, n, 1.0, &a, n, &b, n, 0.0, &mut c, n);
                    times.push(t.elapsed().as_secs_f64());
                }
                let t = median(times);
                line += &format!("  {name} {:6.1} GF/s", flops / t / 1e9);
            }
            println!("{line}   (microkernel alone {:5.1} GF/s on 1 thread)", peak());
        }
    }
}
