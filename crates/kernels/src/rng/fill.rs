//! The random fills of docs/SEMANTICS.md ("Random streams"): raw Philox words, uniform, normal and
//! truncated normal. Element i of a fill is a function of (seed, stream, offset + i) alone, so the
//! result never depends on the ISA, on how the range is cut into SIMD groups, or on the thread count.
//!
//! Layout of the work: a partial first block and the last few blocks go through the scalar code; the
//! blocks in between go through the widest kernel the CPU has (8 blocks per step on AVX2, 16 on
//! AVX-512). Large fills are cut into fixed chunks of [`CHUNK`] elements run on the pool.

use super::math::{self, Y_MAX};
use super::philox::philox4x32_10;
use crate::dispatch::{self, Isa};
use crate::pool::Pool;

/// Elements per pool task. Fixed, so the partition (and nothing else) is independent of threads.
pub const CHUNK: usize = 1 << 16;

/// What a fill does to each Philox word. Parameters are already rounded to f32 as the spec says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Bits,
    /// out = lo + d·u, d = f32(hi) − f32(lo).
    Uniform { lo: f32, d: f32 },
    /// out = mean + s·erfinv(y), s = f32(std)·f32(√2).
    Normal { mean: f32, s: f32 },
    /// As Normal after y ← clamp(m + h·y, ±Y), then out clamped to [a, b] (the f32 interval inside
    /// the bounds, so f32 rounding never puts a value outside them).
    Truncated { m: f32, h: f32, mean: f32, s: f32, a: f32, b: f32 },
}

/// Largest finite f32, as f64: the domain checks keep every output at or below it.
const F32_MAX: f64 = f32::MAX as f64;

impl Op {
    /// Uniform U[lo, hi) parameters; errors name the violated condition (SEMANTICS.md, argument domain).
    pub fn uniform(lo: f64, hi: f64) -> Result<Op, String> {
        if !lo.is_finite() || !hi.is_finite() {
            return Err(format!("expected finite lo and hi, got lo = {lo}, hi = {hi}"));
        }
        if lo > hi {
            return Err(format!("expected lo <= hi, got lo = {lo}, hi = {hi}"));
        }
        let (l, h) = (lo as f32, hi as f32);
        let d = h - l;
        if !l.is_finite() || !h.is_finite() || !d.is_finite() {
            return Err(format!("lo = {lo} and hi = {hi} overflow float32 (hi - lo must be at most {})", f32::MAX));
        }
        Ok(Op::Uniform { lo: l, d })
    }

    /// Normal N(mean, std²) parameters.
    pub fn normal(mean: f64, std: f64) -> Result<Op, String> {
        check_mean_std(mean, std)?;
        Ok(Op::Normal { mean: mean as f32, s: (std as f32) * std::f32::consts::SQRT_2 })
    }

    /// Normal N(mean, std²) truncated to [mean + lower·std, mean + upper·std]; lower, upper in units of
    /// std, clamped to [−6, 6] (the clamped interval must keep a positive width). Exact inverse-CDF
    /// truncation, no rejection.
    pub fn truncated(mean: f64, std: f64, lower: f64, upper: f64) -> Result<Op, String> {
        check_mean_std(mean, std)?;
        if lower.is_nan() || upper.is_nan() {
            return Err(format!("expected lower and upper bounds that are not NaN, got lower = {lower}, upper = {upper}"));
        }
        if lower >= upper {
            return Err(format!("expected lower < upper, got lower = {lower}, upper = {upper}"));
        }
        let lo = lower.clamp(-6.0, 6.0);
        let up = upper.clamp(-6.0, 6.0);
        if lo >= up {
            return Err(format!(
                "the interval [{lower}, {upper}] (in std) lies beyond ±6 std of the mean, where float32 sampling has no mass"
            ));
        }
        let ca = math::erf_series(lo / std::f64::consts::SQRT_2);
        let cb = math::erf_series(up / std::f64::consts::SQRT_2);
        let m = ((cb + ca) / 2.0) as f32;
        let h = ((cb - ca) / 2.0) as f32;
        let a = math::f32_at_or_above(mean + lo * std);
        let b = math::f32_at_or_below(mean + up * std);
        Ok(Op::Truncated { m, h, mean: mean as f32, s: (std as f32) * std::f32::consts::SQRT_2, a, b })
    }

    /// The output word for Philox word `w` (an f32 bit pattern for the float fills).
    #[inline(always)]
    pub(crate) fn apply(&self, w: u32) -> u32 {
        match *self {
            Op::Bits => w,
            Op::Uniform { lo, d } => (lo + d * math::uniform_grid(w)).to_bits(),
            Op::Normal { mean, s } => (mean + s * math::erfinv(math::normal_grid(w))).to_bits(),
            Op::Truncated { m, h, mean, s, a, b } => {
                let mut y = m + h * math::normal_grid(w);
                y = if y < -Y_MAX { -Y_MAX } else { y };
                y = if y > Y_MAX { Y_MAX } else { y };
                let mut out = mean + s * math::erfinv(y);
                out = if out < a { a } else { out };
                out = if out > b { b } else { out };
                out.to_bits()
            }
        }
    }
}

fn check_mean_std(mean: f64, std: f64) -> Result<(), String> {
    if !mean.is_finite() || !std.is_finite() {
        return Err(format!("expected finite mean and std, got mean = {mean}, std = {std}"));
    }
    if std < 0.0 {
        return Err(format!("expected std >= 0, got {std}"));
    }
    if mean.abs() + 6.0 * std > F32_MAX {
        return Err(format!("|mean| + 6·std must be at most {} (float32 range), got mean = {mean}, std = {std}", f32::MAX));
    }
    Ok(())
}

/// The Philox key of a seed: low word first.
#[inline]
pub(crate) fn key_of(seed: u64) -> [u32; 2] {
    [seed as u32, (seed >> 32) as u32]
}

/// Block `b` of `stream` under `key`.
#[inline(always)]
pub(crate) fn block(key: [u32; 2], stream: u32, b: u64) -> [u32; 4] {
    philox4x32_10([b as u32, (b >> 32) as u32, stream, 0], key)
}

/// Scalar fill of `out` with elements `start, start + 1, …` (any alignment).
pub(crate) fn scalar_span(out: &mut [u32], key: [u32; 2], stream: u32, start: u64, op: &Op) {
    let mut i = 0;
    let mut j = start;
    while i < out.len() {
        let words = block(key, stream, j >> 2);
        let mut k = (j & 3) as usize;
        while k < 4 && i < out.len() {
            out[i] = op.apply(words[k]);
            i += 1;
            k += 1;
            j = j.wrapping_add(1);
        }
    }
}

/// Fills `out` with elements `start..start + out.len()` on the current thread, choosing the kernel
/// by `isa`.
pub(crate) fn fill_span(out: &mut [u32], key: [u32; 2], stream: u32, start: u64, op: &Op, isa: Isa) {
    let len = out.len();
    let head = (((4 - (start & 3)) & 3) as usize).min(len);
    scalar_span(&mut out[..head], key, stream, start, op);
    let first = start.wrapping_add(head as u64);
    let blocks = (len - head) / 4;
    let done = simd_blocks(&mut out[head..head + 4 * blocks], key, stream, first >> 2, op, isa);
    let at = head + 4 * done;
    scalar_span(&mut out[at..], key, stream, first.wrapping_add(4 * done as u64), op);
}

/// Runs the SIMD kernel of `isa` over whole blocks; returns how many blocks it filled (a multiple of
/// its width, the rest is left to the scalar code).
fn simd_blocks(out: &mut [u32], key: [u32; 2], stream: u32, first_block: u64, op: &Op, isa: Isa) -> usize {
    let _ = (&out, key, stream, first_block, op);
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 if dispatch::supported(Isa::Avx512) => {
            // SAFETY: the CPU has AVX-512F (checked above); out holds 4 words per block.
            unsafe { super::avx512_kernel::fill_blocks(out, key, stream, first_block, op) }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 | Isa::Avx512 if dispatch::supported(Isa::Avx2) => {
            // SAFETY: the CPU has AVX2 (checked above).
            unsafe { super::avx2_kernel::fill_blocks(out, key, stream, first_block, op) }
        }
        _ => 0,
    }
}

struct SendPtr(*mut u32);
// SAFETY: tasks write disjoint chunks of the buffer the pointer addresses, which outlives the job.
unsafe impl Sync for SendPtr {}

/// Fills `out` with elements offset..offset + len of the stream, through `op`, on `pool` when the
/// fill is large (at least two chunks) and the pool has more than one thread.
pub fn fill(out: &mut [u32], seed: u64, stream: u32, offset: u64, op: &Op, pool: Option<&Pool>) {
    fill_on(dispatch::isa(), out, seed, stream, offset, op, pool);
}

/// [`fill`] on an explicit ISA instead of the process-wide one (tests and benches compare ISAs side
/// by side without racing on [`dispatch::set_isa`]). An ISA the CPU lacks runs the scalar code.
pub fn fill_on(isa: Isa, out: &mut [u32], seed: u64, stream: u32, offset: u64, op: &Op, pool: Option<&Pool>) {
    let key = key_of(seed);
    let len = out.len();
    match pool {
        Some(p) if p.threads() > 1 && len >= 2 * CHUNK => {
            let tasks = len.div_ceil(CHUNK);
            let base = SendPtr(out.as_mut_ptr());
            let base = &base;
            p.run(tasks, move |t| {
                let lo = t * CHUNK;
                let n = CHUNK.min(len - lo);
                // SAFETY: chunk t is [lo, lo + n) of `out`; chunks are disjoint and in bounds.
                let part = unsafe { std::slice::from_raw_parts_mut(base.0.add(lo), n) };
                fill_span(part, key, stream, offset.wrapping_add(lo as u64), op, isa);
            });
        }
        _ => fill_span(out, key, stream, offset, op, isa),
    }
}

/// Raw Philox words: out[i] = word (offset + i) & 3 of block (offset + i) >> 2.
pub fn fill_bits(out: &mut [u32], seed: u64, stream: u32, offset: u64, pool: Option<&Pool>) {
    fill(out, seed, stream, offset, &Op::Bits, pool);
}

/// Fills f32 values through `op` (which must not be [`Op::Bits`] for meaningful floats).
pub fn fill_f32(out: &mut [f32], seed: u64, stream: u32, offset: u64, op: &Op, pool: Option<&Pool>) {
    // SAFETY: f32 and u32 have the same size and alignment, and every u32 is a valid f32 bit pattern.
    let words = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut u32, out.len()) };
    fill(words, seed, stream, offset, op, pool);
}

/// U[lo, hi) per SEMANTICS.md. Errors describe a parameter outside the domain.
pub fn fill_uniform(out: &mut [f32], seed: u64, stream: u32, lo: f64, hi: f64, offset: u64, pool: Option<&Pool>) -> Result<(), String> {
    let op = Op::uniform(lo, hi)?;
    fill_f32(out, seed, stream, offset, &op, pool);
    Ok(())
}

/// N(mean, std²) per SEMANTICS.md.
pub fn fill_normal(out: &mut [f32], seed: u64, stream: u32, mean: f64, std: f64, offset: u64, pool: Option<&Pool>) -> Result<(), String> {
    let op = Op::normal(mean, std)?;
    fill_f32(out, seed, stream, offset, &op, pool);
    Ok(())
}

/// N(mean, std²) truncated to [mean + lower·std, mean + upper·std] per SEMANTICS.md.
#[allow(clippy::too_many_arguments)]
pub fn fill_truncated_normal(
    out: &mut [f32],
    seed: u64,
    stream: u32,
    mean: f64,
    std: f64,
    lower: f64,
    upper: f64,
    offset: u64,
    pool: Option<&Pool>,
) -> Result<(), String> {
    let op = Op::truncated(mean, std, lower, upper)?;
    fill_f32(out, seed, stream, offset, &op, pool);
    Ok(())
}
