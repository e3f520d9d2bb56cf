//! The addon's owned thread pool and ISA control. One pool per process (per addon instance),
//! sized by FANIN_THREADS or the available cores, replaceable through `setThreads`.

use std::sync::{Arc, Mutex, OnceLock};

use fanin_kernels::dispatch::{self, Isa};
use fanin_kernels::pool::{default_threads, Pool};
use napi::bindgen_prelude::*;
use napi_derive::napi;

static POOL: OnceLock<Mutex<Arc<Pool>>> = OnceLock::new();

fn cell() -> &'static Mutex<Arc<Pool>> {
    POOL.get_or_init(|| Mutex::new(Arc::new(Pool::new(default_threads()))))
}

/// The pool kernels run on. Callers hold the Arc for the duration of a job, so `setThreads` never
/// tears a pool down under a running job (the old pool is joined when its last user drops it).
pub(crate) fn pool() -> Arc<Pool> {
    Arc::clone(&cell().lock().unwrap_or_else(|e| e.into_inner()))
}

/// Sets the number of threads (1..=256) used by every native kernel from now on.
#[napi]
pub fn set_threads(threads: f64) -> Result<()> {
    if !(threads.is_finite() && threads.fract() == 0.0 && (1.0..=256.0).contains(&threads)) {
        return Err(Error::new(Status::InvalidArg, format!("setThreads: expected an integer in 1..256, got {threads}")));
    }
    let mut guard = cell().lock().unwrap_or_else(|e| e.into_inner());
    if guard.threads() != threads as usize {
        *guard = Arc::new(Pool::new(threads as usize));
    }
    Ok(())
}

/// Threads the native kernels use.
#[napi]
pub fn get_threads() -> u32 {
    pool().threads() as u32
}

/// The ISA kernels dispatch on ('avx512' | 'avx2' | 'neon' | 'scalar').
#[napi]
pub fn isa_name() -> String {
    dispatch::isa().name().to_string()
}

/// Every ISA this CPU can run, best first.
#[napi]
pub fn available_isas() -> Vec<String> {
    dispatch::available().into_iter().map(|i| i.name().to_string()).collect()
}

/// Forces an ISA (tests, benches). Throws if the name is unknown or the CPU lacks it.
#[napi]
pub fn set_isa(name: String) -> Result<()> {
    let isa = Isa::parse(&name).ok_or_else(|| {
        Error::new(Status::InvalidArg, format!("setIsa: expected one of 'scalar', 'avx2', 'avx512', 'neon', got '{name}'"))
    })?;
    if !dispatch::set_isa(isa) {
        let have: Vec<&str> = dispatch::available().into_iter().map(|i| i.name()).collect();
        return Err(Error::new(
            Status::InvalidArg,
            format!("setIsa: this CPU cannot run '{name}'; it has {}", have.join(", ")),
        ));
    }
    Ok(())
}
