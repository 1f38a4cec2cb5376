//! Leaving QEMU with a status: the isa-debug-exit device.
//!
//! QEMU is started with `-device isa-debug-exit,iobase=0xf4,iosize=0x04`;
//! writing v to that port ends QEMU with exit status 2v + 1.

use x86::io::outl;

/// The port the device is configured at on QEMU's command line.
pub const ISA_DEBUG_EXIT_PORT: u16 = 0xf4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum QemuExitCode {
    /// QEMU exits with status 33.
    Success = 0x10,
    /// QEMU exits with status 35.
    Failure = 0x11,
}

pub fn exit_qemu(code: QemuExitCode) -> ! {
    // SAFETY: on QEMU the port belongs to isa-debug-exit and the write ends
    // the machine; elsewhere, port 0xf4 is unused on a PC.
    unsafe { outl(ISA_DEBUG_EXIT_PORT, code as u32) };
    // Not on QEMU, or the device is missing: stop here.
    loop {
        // SAFETY: halting with interrupts off just stops this CPU.
        unsafe { x86::halt() };
    }
}
