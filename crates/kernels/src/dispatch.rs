//! Run-time instruction-set selection. One binary serves every x86-64: the best ISA the CPU has is
//! detected once (AVX-512F → AVX2+FMA → scalar; NEON on aarch64), never fixed at compile time.
//! `FANIN_ISA=scalar|avx2|avx512|neon` forces a path (downgrades only: forcing an ISA the CPU lacks
//! falls back to the best available one, reported by [`isa`], so a forced run can never fault).

use std::sync::atomic::{AtomicU8, Ordering};

/// The instruction sets fanin has kernels for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Isa {
    Scalar = 1,
    Neon = 2,
    Avx2 = 3,
    Avx512 = 4,
}

impl Isa {
    pub fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Neon => "neon",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }

    pub fn parse(s: &str) -> Option<Isa> {
        match s.trim().to_ascii_lowercase().as_str() {
            "scalar" => Some(Isa::Scalar),
            "neon" => Some(Isa::Neon),
            "avx2" => Some(Isa::Avx2),
            "avx512" => Some(Isa::Avx512),
            _ => None,
        }
    }

    fn from_u8(v: u8) -> Option<Isa> {
        match v {
            1 => Some(Isa::Scalar),
            2 => Some(Isa::Neon),
            3 => Some(Isa::Avx2),
            4 => Some(Isa::Avx512),
            _ => None,
        }
    }
}

/// Every ISA this CPU can run, best first (always ends with Scalar).
pub fn available() -> Vec<Isa> {
    let mut v = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            v.push(Isa::Avx512);
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            v.push(Isa::Avx2);
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        if std::arch::is_aarch64_feature_detected!("neon") {
            v.push(Isa::Neon);
        }
    }
    v.push(Isa::Scalar);
    v
}

/// Whether this CPU can run `isa`.
pub fn supported(isa: Isa) -> bool {
    available().contains(&isa)
}

static SELECTED: AtomicU8 = AtomicU8::new(0);

fn detect() -> Isa {
    let best = available()[0];
    match std::env::var("FANIN_ISA") {
        Ok(s) if !s.is_empty() => match Isa::parse(&s) {
            Some(forced) if supported(forced) => forced,
            _ => best,
        },
        _ => best,
    }
}

/// The ISA every kernel dispatches on: detected once, then cached.
#[inline]
pub fn isa() -> Isa {
    match Isa::from_u8(SELECTED.load(Ordering::Relaxed)) {
        Some(i) => i,
        None => {
            let i = detect();
            SELECTED.store(i as u8, Ordering::Relaxed);
            i
        }
    }
}

/// Forces an ISA at run time (tests and benches). Returns false, changing nothing, if the CPU lacks it.
pub fn set_isa(isa: Isa) -> bool {
    if !supported(isa) {
        return false;
    }
    SELECTED.store(isa as u8, Ordering::Relaxed);
    true
}
