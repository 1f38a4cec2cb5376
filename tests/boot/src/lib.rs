//! Helpers for tests that boot the rguest kernel in QEMU.
//!
//! The kernel under test is named by the `RGUEST_KERNEL_ELF` environment
//! variable (`make test-boot` sets it). Each test is one boot: we read the
//! serial transcript and QEMU's exit status, which the kernel sets through
//! the isa-debug-exit device.

pub mod guests;
pub mod image;
pub mod qemu;

pub use qemu::{kernel_elf, Boot, Outcome, FAILURE_STATUS, SUCCESS_STATUS};

/// The first line every kernel prints.
pub const BANNER: &str = "rguest: hello from the kernel (long mode, ring 0)";

/// What the panic handler prints before the location.
pub const PANIC_PREFIX: &str = "rguest: PANIC";
