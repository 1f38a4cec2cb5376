//! The debugger that speaks the book (`make qemu-gdb`, `make gdb`,
//! kernel/gdb/rguest.py): gdb in batch mode against a kernel that QEMU
//! holds halted for it, breaking at functions the book names, must say the
//! chapter and line each came from, as `tangle where` finds them.

use boot_tests::kernel_elf;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// For QEMU to boot to the first Guest, and gdb to say everything.
const TIMEOUT: Duration = Duration::from_secs(120);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The number of the book line in `chapter` that is exactly `text` (trimmed);
/// there must be one.
fn book_line(chapter: &str, text: &str) -> usize {
    let book = std::fs::read_to_string(repo().join(chapter)).expect("the chapter");
    let found: Vec<usize> = book.lines().enumerate().filter(|(_, l)| l.trim() == text).map(|(i, _)| i + 1).collect();
    assert_eq!(found.len(), 1, "{text:?} is not on exactly one line of {chapter}: {found:?}");
    found[0]
}

/// A TCP port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// QEMU, halted before the first instruction, its gdb server on `port`,
/// with one Guest to launch (so that the Switcher runs).
fn halted_qemu(port: u16) -> Child {
    let elf = kernel_elf();
    let qemu = std::env::var("RGUEST_QEMU").unwrap_or_else(|_| "qemu-system-x86_64".into());
    Command::new(qemu)
        .args(["-accel", "tcg", "-m", "128M", "-display", "none", "-serial", "null", "-no-reboot"])
        .args(["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"])
        .arg("-kernel").arg(&elf).arg("-initrd").arg(&elf)
        .args(["-append", "programs= guests=1 guest-programs=hello"])
        .args(["-gdb", &format!("tcp:127.0.0.1:{port}"), "-S"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("could not start QEMU")
}

/// Wait until something listens on `port` (QEMU's gdb server), looking in
/// /proc/net/tcp rather than connecting: a connection would be a gdb client
/// to QEMU. False if nothing listens by `deadline`.
fn listening(port: u16, deadline: Instant) -> bool {
    let wanted = format!(":{port:04X} ");
    while Instant::now() < deadline {
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let text = std::fs::read_to_string(table).unwrap_or_default();
            // local_address is the second column, the state (0A: LISTEN) the fourth.
            if text.lines().any(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f.len() > 3 && format!("{} ", &f[1][f[1].len().saturating_sub(5)..]) == wanted && f[3] == "0A"
            }) {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Wait for `child` to exit, or kill it at `deadline`; whether it exited.
fn wait_until(child: &mut Child, deadline: Instant) -> bool {
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    false
}

/// gdb's output for `commands`, run in batch mode as `make gdb` starts it.
fn gdb_session(commands: &[&str]) -> String {
    // The extension asks the tangler; build it if it is not there.
    let built = Command::new("cargo")
        .args(["build", "--quiet", "--package", "tangle", "--no-default-features", "--bin", "tangle"])
        .current_dir(repo())
        .status()
        .expect("cargo");
    assert!(built.success(), "could not build the tangler");
    let port = free_port();
    let mut qemu = halted_qemu(port);
    let deadline = Instant::now() + TIMEOUT;
    if !listening(port, deadline) {
        let _ = qemu.kill();
        panic!("QEMU's gdb server did not listen on port {port}");
    }
    let out_path = std::env::temp_dir().join(format!("rguest-gdb-{port}.txt"));
    let out_file = std::fs::File::create(&out_path).unwrap();
    let mut gdb = Command::new("gdb");
    gdb.current_dir(repo())
        .args(["-q", "-batch", "-nx", "-ex", "set pagination off", "-x", "kernel/gdb/rguest.py"])
        .args(["-ex", &format!("target remote 127.0.0.1:{port}")]);
    for command in commands {
        gdb.args(["-ex", command]);
    }
    let mut gdb = gdb
        .arg(kernel_elf())
        .stdin(Stdio::null())
        .stdout(out_file.try_clone().unwrap())
        .stderr(out_file)
        .spawn()
        .expect("could not start gdb: `make setup` installs it (apt gdb)");
    let finished = wait_until(&mut gdb, deadline);
    let _ = qemu.kill();
    let _ = qemu.wait();
    let said = std::fs::read_to_string(&out_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    assert!(finished, "gdb did not finish within {TIMEOUT:?}\n{said}");
    said
}

#[test]
fn gdb_shows_the_book_line_of_a_breakpoint_and_of_the_switcher() {
    let said = gdb_session(&[
        "book-break rguest::host::run_guest::run",
        "book-break switch_to_guest",
        "continue",
        "continue",
        "stepi",
        "book-where",
        "kill",
    ]);
    // The run loop, in the Host's chapter: where the breakpoint is set, and
    // where the kernel stops at it.
    let run = book_line("src-book/host/index.md", "pub fn run(guest: &mut Guest) {");
    let at_run = format!("book: src-book/host/index.md:{run}  (gdb: generated/kernel/src/host/run_guest.rs:");
    assert!(said.matches(&at_run).count() >= 2, "no {at_run:?} at the breakpoint and the stop\n{said}");
    assert!(said.contains("Breakpoint 1, rguest::host::run_guest::run"), "it did not stop there\n{said}");
    // The Switcher, running at its own address: its first instruction, and
    // the one stepped to after it, in the Switcher's chapter.
    let switcher = "src-book/switcher/index.md";
    for (instruction, offset) in [("pushfq", "switcher_start, running at "), ("push    %rbx", "switcher_start+1, running at ")] {
        let line = book_line_after(switcher, "switch_to_guest:", instruction);
        let at = format!("book: {switcher}:{line}  (gdb: generated/kernel/src/switcher/switcher.s:");
        assert!(said.contains(&at), "no {at:?}\n{said}");
        assert!(said.contains(&format!("switcher: {offset}")), "no {offset:?}\n{said}");
    }
    // And the stack, frame by frame, back to the run loop: the Switcher's
    // caller is the Host's way into it, found for certain by the
    // extension's unwinder, not guessed from the pushes. The Switcher's
    // `run` leaves by a tail jump, so it has no frame of its own, unless a
    // later part gives it work after the call (the Mastery part's NMI
    // count, `<<switcher-after-run>>`): then it is the first frame, in the
    // Switcher's chapter.
    let own = "#1  rguest::switcher::switcher::run\n    book: src-book/switcher/index.md:";
    let first = if said.contains(own) { 2 } else { 1 };
    let way_in = format!("#{first}  rguest::host::world::run\n    book: src-book/host/index.md:");
    let run_loop = format!("#{}  rguest::host::run_guest::run\n    book: src-book/host/index.md:", first + 1);
    assert!(said.contains(&way_in), "no {way_in:?}\n{said}");
    assert!(said.contains(&run_loop), "no {run_loop:?}\n{said}");
}

/// The number of the first line in `chapter` that is `text` (trimmed),
/// after the line that is `after`.
fn book_line_after(chapter: &str, after: &str, text: &str) -> usize {
    let book = std::fs::read_to_string(repo().join(chapter)).expect("the chapter");
    let lines: Vec<&str> = book.lines().collect();
    let start = lines.iter().position(|l| l.trim() == after).unwrap_or_else(|| panic!("no {after:?} in {chapter}"));
    start + 1 + lines[start..].iter().position(|l| l.trim() == text).unwrap_or_else(|| panic!("no {text:?}"))
}
