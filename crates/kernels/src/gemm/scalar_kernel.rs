//! Portable microkernel: plain multiply and add (no FMA: Rust never contracts, so this path gives
//! the same bits on every target). The compiler may vectorize the j loop; rounding is unchanged.

use super::kernel::MicroKernel;

pub(crate) struct Scalar;

const MR: usize = 4;
const NR: usize = 8;

impl MicroKernel for Scalar {
    const MR: usize = MR;
    const NR: usize = NR;
    const MC: usize = 64;
    const KC: usize = 256;
    const NC: usize = 1024;

    unsafe fn tile(kc: usize, a: *const f32, b: *const f32, c: *mut f32, rsc: usize, alpha: f32, beta: f32) {
        let a = std::slice::from_raw_parts(a, kc * MR);
        let b = std::slice::from_raw_parts(b, kc * NR);
        let mut acc = [[0f32; NR]; MR];
        for (ap, bp) in a.chunks_exact(MR).zip(b.chunks_exact(NR)) {
            for i in 0..MR {
                let ai = ap[i];
                for j in 0..NR {
                    acc[i][j] += ai * bp[j];
                }
            }
        }
        for (i, row) in acc.iter().enumerate() {
            let crow = std::slice::from_raw_parts_mut(c.add(i * rsc), NR);
            if beta == 0.0 {
                for j in 0..NR {
                    crow[j] = alpha * row[j];
                }
            } else {
                for j in 0..NR {
                    crow[j] = alpha * row[j] + beta * crow[j];
                }
            }
        }
    }
}
