//! Arithmetic policy: fused multiply-add where the CPU has it, plain multiply-add elsewhere.
//!
//! The hot numerical kernels are generic over [`Arith`] and compiled twice: once with
//! [`Plain`] (`a·b + c`, two roundings, any x86-64) and once with [`Fused`] (`f64::mul_add`, one
//! rounding) inside a function compiled with `#[target_feature(enable = "fma")]`, where `mul_add`
//! becomes a single `vfmadd` instruction. [`has_fma`] picks the variant at run time (the answer is
//! cached by `std`), so the release binary runs on every x86-64 and uses FMA where it exists without
//! `-C target-cpu=native`. Both variants are tested against the same reference values.

/// How `a·b + c` is evaluated.
pub(crate) trait Arith {
    /// `a·b + c`.
    fn fma(a: f64, b: f64, c: f64) -> f64;
}

/// Two roundings: `a·b` then `+ c`.
pub(crate) struct Plain;

/// One rounding: hardware fused multiply-add. Only instantiate inside code compiled with the `fma`
/// target feature (or on targets where `mul_add` is always native); elsewhere it is a slow libm call.
pub(crate) struct Fused;

impl Arith for Plain {
    #[inline(always)]
    fn fma(a: f64, b: f64, c: f64) -> f64 {
        a * b + c
    }
}

impl Arith for Fused {
    #[inline(always)]
    fn fma(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
}

/// Whether this CPU executes fused multiply-add natively.
#[inline]
pub(crate) fn has_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(target_arch = "aarch64")]
    {
        true
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        false
    }
}
