use napi::bindgen_prelude::*;
use napi_derive::napi;

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
