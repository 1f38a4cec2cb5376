//! The NMI storm (Mastery, "NMIs while a Guest runs"): while two Guests run
//! their programs, QEMU's QMP socket injects a non-maskable interrupt every
//! couple of milliseconds. The Host must count them, some while a Guest or
//! the Switcher had the processor, and both Guests must finish as they do
//! without any, with every frame and heap byte back.

use boot_tests::guests::{assert_nothing_lost, console, numbers};
use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// The Guests' programs: the demonstration's, less the two that die.
const PROGRAMS: &str = "hello,ping,pong,pages,sleeper";
/// Time between two NMIs, and how long to wait for QEMU's socket.
const NMI_EVERY: Duration = Duration::from_micros(200);
const SOCKET_WAIT: Duration = Duration::from_secs(20);

/// A QMP socket path of this process's own, under the temporary directory.
fn socket_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("rguest-{name}-{}.qmp", std::process::id()))
}

/// What the Host prints when it launches its Guests, by when its traps
/// (and its NMI stack) are long in place: the storm starts then. An NMI
/// before the kernel has an IDT would reset the machine, as on any PC.
const STORM_AFTER: &str = "rguest: launcher: ";

/// Connect to QEMU's QMP socket at `path` once it is there, and, once
/// `go`, inject NMIs until `stop` or QEMU goes away, counting in `sent`
/// those QEMU accepted.
fn storm(path: PathBuf, go: Arc<AtomicBool>, stop: Arc<AtomicBool>, sent: Arc<AtomicU64>) {
    let start = Instant::now();
    let stream = loop {
        match UnixStream::connect(&path) {
            Ok(stream) => break stream,
            Err(_) if start.elapsed() < SOCKET_WAIT && !stop.load(Ordering::Relaxed) => {
                thread::sleep(Duration::from_millis(10))
            }
            Err(_) => return,
        }
    };
    let mut reader = BufReader::new(stream.try_clone().expect("a second handle on the socket"));
    let mut writer = stream;
    let mut line = String::new();
    let answer = |reader: &mut BufReader<UnixStream>, line: &mut String| -> bool {
        // Skip asynchronous events; an answer has "return" or "error".
        loop {
            line.clear();
            match reader.read_line(line) {
                Ok(0) | Err(_) => return false,
                Ok(_) if line.contains("\"return\"") => return true,
                Ok(_) if line.contains("\"error\"") => return false,
                Ok(_) => continue,
            }
        }
    };
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return; // no greeting
    }
    if writer.write_all(b"{\"execute\": \"qmp_capabilities\"}\n").is_err() || !answer(&mut reader, &mut line) {
        return;
    }
    while !go.load(Ordering::Relaxed) {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        thread::sleep(Duration::from_millis(1));
    }
    while !stop.load(Ordering::Relaxed) {
        if writer.write_all(b"{\"execute\": \"inject-nmi\"}\n").is_err() {
            return;
        }
        if answer(&mut reader, &mut line) {
            sent.fetch_add(1, Ordering::Relaxed);
        } else {
            return;
        }
        thread::sleep(NMI_EVERY);
    }
}

/// Boot `cmdline` with NMIs injected all the while; the outcome, and how
/// many NMIs QEMU accepted.
fn boot_in_a_storm(name: &str, cmdline: &str) -> (Outcome, u64) {
    let path = socket_path(name);
    let _ = std::fs::remove_file(&path);
    let qmp = format!("unix:{},server=on,wait=off", path.display());
    let (go, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let sent = Arc::new(AtomicU64::new(0));
    let injector = {
        let (path, go, stop, sent) = (path.clone(), go.clone(), stop.clone(), sent.clone());
        thread::spawn(move || storm(path, go, stop, sent))
    };
    let out = Boot::new(kernel_elf())
        .with_guest_image()
        .append(cmdline)
        .arg("-qmp")
        .arg(&qmp)
        .flag_after(STORM_AFTER, go)
        .run()
        .expect("could not start QEMU");
    stop.store(true, Ordering::Relaxed);
    let _ = injector.join();
    let _ = std::fs::remove_file(Path::new(&path));
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "a kernel panicked\n{}", out.report());
    (out, sent.load(Ordering::Relaxed))
}

/// The Host's NMI line: all it took, and those while a Guest or the
/// Switcher ran.
fn nmis(out: &Outcome) -> (u64, u64) {
    let line = out
        .lines()
        .find(|l| l.starts_with("rguest: host: nmis "))
        .unwrap_or_else(|| panic!("no nmis line\n{}", out.report()));
    match numbers(line)[..] {
        [all, in_guests] => (all, in_guests),
        _ => panic!("odd line: {line}"),
    }
}

#[test]
fn an_nmi_storm_is_counted_and_every_guest_finishes_unharmed() {
    let cmdline = format!("guests=2 guest-programs={PROGRAMS}");
    let (out, sent) = boot_in_a_storm("storm", &cmdline);
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    let (all, in_guests) = nmis(&out);
    eprintln!("nmi storm: {sent} sent, {all} counted, {in_guests} while a Guest or the Switcher ran");
    assert!(sent > 0, "QEMU accepted no NMI\n{}", out.report());
    assert!(all > 0 && all <= sent, "{all} counted of {sent} sent\n{}", out.report());
    assert!(in_guests > 0, "none while a Guest ran\n{}", out.report());
    for id in 0..2 {
        let lines = console(&out, id);
        for expected in [
            "hello: hello, world! I am process 1, running in ring 3",
            "pages: 256 fresh heap pages, each zero at first and then kept what we wrote",
            "pages: a 64-page stack frame, each page there when touched",
            "ping: done, my SSE registers stayed mine",
            "pong: done, my SSE registers stayed mine",
            "rguest: process 5 (sleeper) exited with status 0",
        ] {
            assert!(lines.iter().any(|l| l == expected), "guest{id} lacks {expected:?}\n{}", out.report());
        }
        let shut_down = format!("rguest: host: guest{id} shut down (PowerOff)");
        assert!(out.lines().any(|l| l == shut_down), "{shut_down:?}\n{}", out.report());
    }
    assert_nothing_lost(&out);
}

#[test]
fn in_an_nmi_storm_a_guest_still_finds_no_host_address() {
    let (out, sent) = boot_in_a_storm("scan", "guests=2 guest-programs=hello,pages guest-test=pointer-scan");
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    let (all, _) = nmis(&out);
    eprintln!("nmi storm with a scan: {sent} sent, {all} counted");
    let verdict = out
        .lines()
        .find(|l| l.contains("pointer-scan: ") && l.contains("bytes read"))
        .unwrap_or_else(|| panic!("no verdict\n{}", out.report()));
    assert!(verdict.contains(" 0 Host addresses; the planted "), "{verdict}\n{}", out.report());
    assert!(!verdict.contains("NOT found"), "{verdict}");
    assert_nothing_lost(&out);
}
