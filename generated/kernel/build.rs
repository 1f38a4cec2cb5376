//! Build script for the kernel: hands the linker its script and the layout
//! constants, and tells the kernel which target it was built for.

use std::env;
use std::path::PathBuf;

#[path = "src/layout.rs"]
#[allow(dead_code)]
mod layout;

fn main() {
    // Cargo runs us in kernel/, whose Cargo.toml points here.
    let here = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../generated/kernel");
    let script = here.join("link.ld");

    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if !flags.split('\x1f').any(|f| f == "code-model=kernel" || f == "-Ccode-model=kernel") {
        panic!("the kernel needs -C code-model=kernel and friends: build it with `make kernel-build`");
    }

    for arg in [
        format!("-T{}", script.display()),
        format!("--defsym=KERNEL_BASE={:#x}", layout::KERNEL_BASE),
        format!("--defsym=KERNEL_LOAD_ADDR={:#x}", layout::KERNEL_LOAD_ADDR),
        format!("--defsym=BOOT_MAP_SIZE={:#x}", layout::BOOT_MAP_SIZE),
        format!("--defsym=PAGE_SIZE={:#x}", layout::PAGE_SIZE),
        "-zmax-page-size=0x1000".to_string(),
        "--build-id=none".to_string(),
    ] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
    println!("cargo:rustc-env=RGUEST_TARGET={}", env::var("TARGET").unwrap());
    println!("cargo:rerun-if-changed={}", script.display());
    println!("cargo:rerun-if-changed={}", here.join("src/layout.rs").display());
    println!("cargo:rerun-if-changed={}", here.join("build.rs").display());
}
