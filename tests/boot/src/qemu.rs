//! Running QEMU on a kernel with a time limit, collecting what it printed.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// QEMU's status when the kernel writes 0x10 to isa-debug-exit.
pub const SUCCESS_STATUS: i32 = 33;
/// QEMU's status when the kernel writes 0x11 (the panic handler does).
pub const FAILURE_STATUS: i32 = 35;

/// How long a boot may take before we kill QEMU.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The machine every test boots: TCG (never KVM), serial on stdout, and
/// the exit device the kernel reports through.
const QEMU_FLAGS: &[&str] = &[
    "-accel", "tcg", "-m", "128M", "-display", "none", "-serial", "stdio",
    "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
];

/// The kernel ELF named by `RGUEST_KERNEL_ELF`; a relative path is taken
/// from the repository root. Panics with advice if it is unset or missing,
/// so a forgotten kernel fails the test instead of skipping it.
pub fn kernel_elf() -> PathBuf {
    let Some(value) = std::env::var_os("RGUEST_KERNEL_ELF") else {
        panic!(
            "RGUEST_KERNEL_ELF is not set: build the kernel and point at it, \
             e.g. `make test-boot` or \
             `RGUEST_KERNEL_ELF=target/kernel/x86_64-unknown-none/debug/rguest cargo test -p boot-tests`"
        );
    };
    let path = PathBuf::from(value);
    let path = if path.is_absolute() {
        path
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
    };
    assert!(path.is_file(), "RGUEST_KERNEL_ELF: no kernel at {}", path.display());
    path
}

/// One boot of a kernel, set up builder-style, then `run`.
pub struct Boot {
    elf: PathBuf,
    append: Option<String>,
    timeout: Duration,
    extra: Vec<String>,
    input: Option<Input>,
    signal: Option<Signal>,
}

/// A flag to raise once the kernel has printed a prompt (for a test that
/// acts on QEMU from outside, from then on).
#[derive(Clone)]
struct Signal {
    prompt: String,
    flag: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Bytes to type on the serial port, once the kernel has printed a prompt.
#[derive(Clone)]
struct Input {
    prompt: String,
    bytes: Vec<u8>,
}

/// What came of a boot.
#[derive(Debug)]
pub struct Outcome {
    /// Everything the kernel wrote to the serial port.
    pub transcript: String,
    /// QEMU's own complaints, if any.
    pub stderr: String,
    /// QEMU's exit status; `None` if it was killed.
    pub status: Option<i32>,
    /// Whether we killed QEMU for running past the time limit.
    pub timed_out: bool,
    /// From launching QEMU to its exit.
    pub elapsed: Duration,
}

impl Boot {
    pub fn new(elf: impl Into<PathBuf>) -> Self {
        Boot { elf: elf.into(), append: None, timeout: DEFAULT_TIMEOUT, extra: Vec::new(), input: None, signal: None }
    }

    /// The kernel command line (QEMU's `-append`).
    pub fn append(mut self, cmdline: &str) -> Self {
        self.append = Some(cmdline.to_string());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// An extra QEMU argument.
    pub fn arg(mut self, arg: &str) -> Self {
        self.extra.push(arg.to_string());
        self
    }

    /// Give the kernel its own ELF file as a multiboot module (QEMU's
    /// `-initrd`), as `make qemu` does: the image the Launcher loads Guests from.
    pub fn with_guest_image(self) -> Self {
        let elf = self.elf.to_str().expect("a UTF-8 kernel path").to_string();
        self.arg("-initrd").arg(&elf)
    }

    /// Once the serial output contains `prompt`, send `input` to the serial
    /// port (QEMU's standard input). Sending earlier could lose it: the
    /// kernel resets the UART's FIFO when it sets the port up.
    pub fn input_after(mut self, prompt: &str, input: &str) -> Self {
        self.input = Some(Input { prompt: prompt.to_string(), bytes: input.as_bytes().to_vec() });
        self
    }

    /// Once the serial output contains `prompt`, set `flag`.
    pub fn flag_after(mut self, prompt: &str, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Self {
        self.signal = Some(Signal { prompt: prompt.to_string(), flag });
        self
    }

    /// Boot, wait for QEMU to exit or the time limit to pass, and report.
    pub fn run(&self) -> std::io::Result<Outcome> {
        let qemu = std::env::var("RGUEST_QEMU").unwrap_or_else(|_| "qemu-system-x86_64".into());
        let mut cmd = Command::new(qemu);
        cmd.args(QEMU_FLAGS).arg("-kernel").arg(&self.elf);
        if let Some(cmdline) = &self.append {
            cmd.arg("-append").arg(cmdline);
        }
        cmd.args(&self.extra)
            .stdin(if self.input.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());

        let start = Instant::now();
        let mut child = cmd.spawn()?;
        let answer = self.input.clone().zip(child.stdin.take());
        let stdout = drain_answering(child.stdout.take(), answer, self.signal.clone());
        let stderr = drain(child.stderr.take());
        let (status, timed_out) = wait_with_timeout(&mut child, self.timeout)?;
        let elapsed = start.elapsed();
        Ok(Outcome {
            transcript: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
            status,
            timed_out,
            elapsed,
        })
    }
}

/// Read a pipe to its end on a thread of its own, so QEMU never blocks on a
/// full pipe while we wait for it.
fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Like `drain`, but when what has been read contains the input's prompt,
/// write the input to QEMU's standard input (once), keeping it open until
/// QEMU closes its output.
fn drain_answering(
    pipe: Option<impl Read + Send + 'static>,
    mut answer: Option<(Input, ChildStdin)>,
    signal: Option<Signal>,
) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut buf = [0u8; 4096];
        let mut answered = false;
        if let Some(mut pipe) = pipe {
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                bytes.extend_from_slice(&buf[..n]);
                if let Some(signal) = &signal {
                    let prompt = signal.prompt.as_bytes();
                    if bytes.windows(prompt.len()).any(|w| w == prompt) {
                        signal.flag.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                if let Some((input, stdin)) = answer.as_mut().filter(|_| !answered) {
                    let prompt = input.prompt.as_bytes();
                    if bytes.windows(prompt.len()).any(|w| w == prompt) {
                        let _ = stdin.write_all(&input.bytes).and_then(|()| stdin.flush());
                        answered = true;
                    }
                }
            }
        }
        drop(answer);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> std::io::Result<(Option<i32>, bool)> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((status.code(), false));
        }
        if Instant::now() >= deadline {
            child.kill()?;
            child.wait()?;
            return Ok((None, true));
        }
        thread::sleep(Duration::from_millis(5));
    }
}

impl Outcome {
    /// The transcript's lines, without the serial port's carriage returns.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.transcript.lines().map(|l| l.trim_end_matches('\r'))
    }

    /// A readable account of the boot, for assertion messages.
    pub fn report(&self) -> String {
        format!(
            "QEMU status {:?}{} after {:?}\n--- serial ---\n{}\n--- stderr ---\n{}",
            self.status,
            if self.timed_out { " (killed: timed out)" } else { "" },
            self.elapsed,
            self.transcript,
            self.stderr
        )
    }
}
