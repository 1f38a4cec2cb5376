//! rguest's kernel. For now it boots, greets us over the serial port, and
//! leaves QEMU with a status that says whether all went well.
#![no_std]
#![no_main]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod boot;
mod layout;
mod mem;
mod multiboot;
mod panic;
mod qemu_exit;
mod serial;

use qemu_exit::{exit_qemu, QemuExitCode};

/// The first line we print; tests look for it.
const BANNER: &str = "rguest: hello from the kernel (long mode, ring 0)";

/// Called by the boot stub in boot.s, on the boot stack, at our linked
/// (higher-half) address, with what the multiboot loader left in eax and ebx.
extern "C" fn kernel_main(magic: u32, info_phys: u32) -> ! {
    serial::init();
    println!("{BANNER}");
    println!("rguest: built for {}", env!("RGUEST_TARGET"));
    assert_eq!(magic, multiboot::BOOTLOADER_MAGIC, "not started by a multiboot loader");
    // SAFETY: the loader passed this address in ebx along with the magic.
    let info = unsafe { multiboot::Info::from_phys(info_phys) };
    println!("rguest: loaded at {:#x}, running at {:#x}",
             layout::KERNEL_LOAD_ADDR, kernel_main as *const () as usize);
    if info.has_option("panic-test") {
        panic!("panic-test on the command line");
    }
    exit_qemu(QemuExitCode::Success)
}
