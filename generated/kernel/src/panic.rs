//! What happens when the kernel panics: say where, then stop QEMU with a
//! failure status so the test that booted us notices.

use crate::qemu_exit::{exit_qemu, QemuExitCode};
use crate::serial::{SerialPort, COM1_BASE};
use core::fmt::Write;
use core::panic::PanicInfo;

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    // The panic may have struck while COM1's lock was held, so we do not
    // take it: we write through a port of our own.
    // SAFETY: we are the only CPU and never return, so sharing the UART with
    // an abandoned lock holder costs at most a garbled line.
    let mut port = unsafe { SerialPort::new(COM1_BASE) };
    let _ = match info.location() {
        Some(at) => writeln!(port, "\nrguest: PANIC at {}:{}:{}: {}",
                             at.file(), at.line(), at.column(), info.message()),
        None => writeln!(port, "\nrguest: PANIC: {}", info.message()),
    };
    exit_qemu(QemuExitCode::Failure)
}

/// Referenced by the precompiled `core` of ordinary targets, which was built
/// to unwind. With `panic = "abort"` nothing ever calls these.
#[unsafe(no_mangle)]
pub extern "C" fn _Unwind_Resume() -> ! {
    exit_qemu(QemuExitCode::Failure)
}

#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}
