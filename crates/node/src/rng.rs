//! Random fills: argument checks and typed-array access; the sampling itself is
//! `fanin_kernels::rng`. Large fills run on the owned pool (results never depend on its size).

use fanin_kernels::rng::fill::{self as kfill, Op};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::threads::pool;

fn invalid(what: &str, msg: String) -> Error {
    Error::new(Status::InvalidArg, format!("{what}: {msg}"))
}

/// The seed as u64: a BigInt in [0, 2⁶⁴), nothing lost.
pub(crate) fn seed_u64(what: &str, seed: &BigInt) -> Result<u64> {
    let value = seed.words.first().copied().unwrap_or(0);
    let high_zero = seed.words.iter().skip(1).all(|&w| w == 0);
    let is_zero = value == 0 && high_zero;
    if (seed.sign_bit && !is_zero) || !high_zero {
        return Err(invalid(what, "expected seed as a bigint in [0, 2^64)".into()));
    }
    Ok(value)
}

/// The stream as u32: an integer number in [0, 2³²).
pub(crate) fn stream_u32(what: &str, stream: f64) -> Result<u32> {
    if !(stream.is_finite() && stream.fract() == 0.0 && (0.0..4_294_967_296.0).contains(&stream)) {
        return Err(invalid(what, format!("expected stream as an integer in [0, 2^32), got {stream}")));
    }
    Ok(stream as u32)
}

/// The element offset: a non-negative safe integer or a bigint, with offset + len ≤ 2⁶⁴.
fn offset_u64(what: &str, offset: Either<f64, BigInt>, len: usize) -> Result<u64> {
    let v = match offset {
        Either::A(x) => {
            if !(x.is_finite() && x.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&x)) {
                return Err(invalid(what, format!("expected offset as a safe integer >= 0 or a bigint, got {x}")));
            }
            x as u64
        }
        Either::B(b) => {
            let value = b.words.first().copied().unwrap_or(0);
            let high_zero = b.words.iter().skip(1).all(|&w| w == 0);
            if (b.sign_bit && value != 0) || !high_zero {
                return Err(invalid(what, "expected offset as a bigint in [0, 2^64)".into()));
            }
            value
        }
    };
    if v as u128 + len as u128 > 1u128 << 64 {
        return Err(invalid(what, format!("offset {v} + length {len} exceeds 2^64 elements of the stream")));
    }
    Ok(v)
}

fn run_fill(out: &mut [u32], seed: u64, stream: u32, offset: u64, op: &Op) {
    if out.len() >= 2 * kfill::CHUNK {
        let p = pool();
        kfill::fill(out, seed, stream, offset, op, Some(&p));
    } else {
        kfill::fill(out, seed, stream, offset, op, None);
    }
}

fn as_words(out: &mut [f32]) -> &mut [u32] {
    // SAFETY: f32 and u32 have the same size and alignment; every bit pattern is valid for both.
    unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut u32, out.len()) }
}

/// Raw Philox words of (seed, stream) from element `offset` into `out`.
#[napi]
pub fn fill_bits(mut out: Uint32ArraySlice, seed: BigInt, stream: f64, offset: Either<f64, BigInt>) -> Result<()> {
    const W: &str = "fillBits";
    let seed = seed_u64(W, &seed)?;
    let stream = stream_u32(W, stream)?;
    // SAFETY: the slice is only used during this synchronous call, on the JS thread that owns it.
    let out = unsafe { out.as_mut() };
    let offset = offset_u64(W, offset, out.len())?;
    run_fill(out, seed, stream, offset, &Op::Bits);
    Ok(())
}

/// U[lo, hi) into `out` (SEMANTICS.md, "Uniform").
#[napi]
pub fn fill_uniform(
    mut out: Float32ArraySlice,
    seed: BigInt,
    stream: f64,
    lo: f64,
    hi: f64,
    offset: Either<f64, BigInt>,
) -> Result<()> {
    const W: &str = "fillUniform";
    let seed = seed_u64(W, &seed)?;
    let stream = stream_u32(W, stream)?;
    let op = Op::uniform(lo, hi).map_err(|m| invalid(W, m))?;
    // SAFETY: as in fill_bits.
    let out = unsafe { out.as_mut() };
    let offset = offset_u64(W, offset, out.len())?;
    run_fill(as_words(out), seed, stream, offset, &op);
    Ok(())
}

/// N(mean, std²) into `out` (SEMANTICS.md, "Normal").
#[napi]
pub fn fill_normal(
    mut out: Float32ArraySlice,
    seed: BigInt,
    stream: f64,
    mean: f64,
    std: f64,
    offset: Either<f64, BigInt>,
) -> Result<()> {
    const W: &str = "fillNormal";
    let seed = seed_u64(W, &seed)?;
    let stream = stream_u32(W, stream)?;
    let op = Op::normal(mean, std).map_err(|m| invalid(W, m))?;
    // SAFETY: as in fill_bits.
    let out = unsafe { out.as_mut() };
    let offset = offset_u64(W, offset, out.len())?;
    run_fill(as_words(out), seed, stream, offset, &op);
    Ok(())
}

/// N(mean, std²) truncated to [mean + lower·std, mean + upper·std] into `out`.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn fill_truncated_normal(
    mut out: Float32ArraySlice,
    seed: BigInt,
    stream: f64,
    mean: f64,
    std: f64,
    lower: f64,
    upper: f64,
    offset: Either<f64, BigInt>,
) -> Result<()> {
    const W: &str = "fillTruncatedNormal";
    let seed = seed_u64(W, &seed)?;
    let stream = stream_u32(W, stream)?;
    let op = Op::truncated(mean, std, lower, upper).map_err(|m| invalid(W, m))?;
    // SAFETY: as in fill_bits.
    let out = unsafe { out.as_mut() };
    let offset = offset_u64(W, offset, out.len())?;
    run_fill(as_words(out), seed, stream, offset, &op);
    Ok(())
}

/// One Philox4x32-10 block (for known-answer tests): counter (4 words) and key (2 words) → 4 words.
#[napi]
pub fn philox_block(counter: Uint32Array, key: Uint32Array) -> Result<Uint32Array> {
    if counter.len() != 4 || key.len() != 2 {
        return Err(Error::new(
            Status::InvalidArg,
            format!("philox: expected counter of 4 words and key of 2 words, got {} and {}", counter.len(), key.len()),
        ));
    }
    let out = fanin_kernels::rng::philox::philox4x32_10(
        [counter[0], counter[1], counter[2], counter[3]],
        [key[0], key[1]],
    );
    Ok(Uint32Array::new(out.to_vec()))
}
