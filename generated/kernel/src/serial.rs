//! COM1, a 16550 UART: the kernel's only way to talk, for now.

use core::fmt::{self, Write};
use spin::Mutex;
use x86::io::{inb, outb};

/// The I/O port base of COM1 on every PC.
pub const COM1_BASE: u16 = 0x3f8;

/// Register offsets from the base.
const DATA: u16 = 0; // transmit holding (divisor low byte when DLAB=1)
const INT_ENABLE: u16 = 1; // interrupt enable (divisor high byte when DLAB=1)
const FIFO_CONTROL: u16 = 2;
const LINE_CONTROL: u16 = 3;
const MODEM_CONTROL: u16 = 4;
const LINE_STATUS: u16 = 5;

const LINE_DLAB: u8 = 1 << 7; // divisor latch access
const LINE_8N1: u8 = 0b11; // 8 data bits, no parity, one stop bit
const FIFO_ENABLE_CLEAR: u8 = 0b111; // enable, clear receive and transmit
const MODEM_DTR_RTS: u8 = 0b11;
const STATUS_TX_EMPTY: u8 = 1 << 5; // transmit holding register empty
const DIVISOR_115200: u16 = 1; // the UART's clock is 115200 * 16 Hz

pub struct SerialPort {
    base: u16,
}

impl SerialPort {
    /// # Safety
    /// `base` must be the I/O base of a 16550-compatible UART, and nothing
    /// else may drive it while this value is in use.
    pub const unsafe fn new(base: u16) -> Self {
        SerialPort { base }
    }

    /// Program 115200 baud, 8N1, FIFOs on, interrupts off.
    pub fn init(&mut self) {
        let [lo, hi] = DIVISOR_115200.to_le_bytes();
        self.write_reg(INT_ENABLE, 0);
        self.write_reg(LINE_CONTROL, LINE_DLAB);
        self.write_reg(DATA, lo);
        self.write_reg(INT_ENABLE, hi);
        self.write_reg(LINE_CONTROL, LINE_8N1);
        self.write_reg(FIFO_CONTROL, FIFO_ENABLE_CLEAR);
        self.write_reg(MODEM_CONTROL, MODEM_DTR_RTS);
    }

    /// Wait until the transmitter has room, then send one byte.
    pub fn send(&mut self, byte: u8) {
        while self.read_reg(LINE_STATUS) & STATUS_TX_EMPTY == 0 {
            core::hint::spin_loop();
        }
        self.write_reg(DATA, byte);
    }

    fn write_reg(&mut self, reg: u16, value: u8) {
        // SAFETY: `new`'s contract makes these ports our UART's, and ours alone.
        unsafe { outb(self.base + reg, value) }
    }

    fn read_reg(&mut self, reg: u16) -> u8 {
        // SAFETY: as in `write_reg`; reading a UART register has no effect
        // beyond the UART.
        unsafe { inb(self.base + reg) }
    }
}

impl Write for SerialPort {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for byte in s.bytes() {
            if byte == b'\n' {
                self.send(b'\r');
            }
            self.send(byte);
        }
        Ok(())
    }
}

// SAFETY: COM1 exists on every PC we boot on, and this is its only owner
// (the panic handler's emergency writer aside).
pub static COM1: Mutex<SerialPort> = Mutex::new(unsafe { SerialPort::new(COM1_BASE) });

pub fn init() {
    COM1.lock().init();
}

#[doc(hidden)]
pub fn _print(args: fmt::Arguments) {
    // Writing to the UART cannot fail.
    let _ = COM1.lock().write_fmt(args);
}

/// Like the standard `print!`, to COM1.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => ($crate::serial::_print(format_args!($($arg)*)));
}

/// Like the standard `println!`, to COM1.
#[macro_export]
macro_rules! println {
    () => ($crate::print!("\n"));
    ($($arg:tt)*) => ($crate::print!("{}\n", format_args!($($arg)*)));
}
