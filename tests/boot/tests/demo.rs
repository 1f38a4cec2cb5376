//! The demonstration `make qemu` shows: the command line it boots
//! (`KERNEL_APPEND`'s default in kernel/kernel.mk), and what
//! kernel/demo.awk makes of the transcript: every line of the boot marked
//! with who said it, and a summary that says what really happened.

use boot_tests::guests::{assert_nothing_lost, boot_guests};
use boot_tests::{Outcome, SUCCESS_STATUS};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `make qemu`'s command line, as kernel/kernel.mk sets it.
fn demo_cmdline() -> String {
    let mk = std::fs::read_to_string(repo().join("kernel/kernel.mk")).expect("kernel/kernel.mk");
    let value = |name: &str| -> String {
        mk.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("kernel/kernel.mk sets no {name}"))
            .trim()
            .to_string()
    };
    let programs = value("DEMO_PROGRAMS :=");
    value("KERNEL_APPEND ?=").replace("$(DEMO_PROGRAMS)", &programs)
}

/// The transcript as `make qemu` shows it: through kernel/demo.awk, with
/// kernel-run's closing line after it.
fn shown(out: &Outcome) -> String {
    let mut awk = Command::new("awk")
        .arg("-f")
        .arg(repo().join("kernel/demo.awk"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("awk");
    let mut input = out.transcript.clone();
    input.push_str(&format!("kernel-run: success (QEMU status {})\n", out.status.unwrap_or(-1)));
    awk.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let done = awk.wait_with_output().expect("awk ran");
    assert!(done.status.success(), "demo.awk failed");
    String::from_utf8(done.stdout).expect("UTF-8")
}

#[test]
fn make_qemu_shows_the_host_and_two_guests_each_line_marked() {
    let cmdline = demo_cmdline();
    assert!(cmdline.starts_with("programs=hello,") && cmdline.contains(" guests=2 "), "{cmdline}");
    let out = boot_guests(&cmdline, &[]);
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    assert_nothing_lost(&out);
    let text = shown(&out);
    let lines: Vec<&str> = text.lines().collect();
    let kernel_lines = out.lines().count();
    // Every line the kernel wrote comes out marked, in its order.
    let marked: Vec<&str> = lines.iter().copied().take_while(|l| !l.starts_with("kernel-run: ")).collect();
    assert_eq!(marked.len(), kernel_lines, "{text}");
    for (line, said) in marked.iter().zip(out.lines()) {
        let expected = match said.split_once(": ") {
            Some((who, rest)) if who.starts_with("guest") => format!("{who:<7}| {rest}"),
            _ => format!("Host   | {said}"),
        };
        assert_eq!(*line, expected);
    }
    // Both worlds ran the programs: the Host's own in its ring 3, the Guests' in theirs.
    for who in ["Host   ", "guest0 ", "guest1 "] {
        let hello = format!("{who}| hello: hello, world! I am process 1, running in ring 3");
        assert!(lines.contains(&hello.as_str()), "no {hello:?}\n{text}");
    }
    // The Host's programs ran before it launched its Guests.
    let host_done = lines.iter().position(|l| l.starts_with("Host   | rguest: all programs done")).expect("Host done");
    let first_guest = lines.iter().position(|l| l.starts_with("guest")).expect("a Guest line");
    assert!(host_done < first_guest, "{text}");
    // The summary, from what the kernels said.
    let summary: Vec<&str> = lines.iter().copied().skip_while(|l| !l.starts_with("summary: ")).collect();
    let programs = "7 programs in ring 3: 5 exited, 2 killed by their kernel (faulty, wild); frames all back";
    assert_eq!(summary.get(1).copied(), Some(format!("  Host    {programs}").as_str()), "{text}");
    for (row, id) in [(2, 0), (3, 1)] {
        let expected = format!("  guest{id}  {programs}; then shut down (PowerOff)");
        assert_eq!(summary.get(row).copied(), Some(expected.as_str()), "{text}");
    }
    assert!(summary.contains(&"  Host    after the Guests: every frame and heap byte back"), "{text}");
    // The counters are explained, once.
    assert_eq!(lines.iter().filter(|l| l.starts_with("The Host's counters for each Guest")).count(), 1, "{text}");
}

#[test]
fn the_summary_says_so_when_memory_is_lost_or_a_guest_killed() {
    // demo.awk on a made-up transcript: it reports what the lines say, not
    // what it expects.
    let transcript = "rguest: hello from the kernel (long mode, ring 0)\n\
        rguest: process 1 (hello) started\n\
        rguest: process 1 (hello) exited with status 0\n\
        rguest: all programs done; free frames: 90 (at start 91)\n\
        guest0: rguest: process 1 (hello) started\n\
        guest0: rguest: process 1 (hello) killed: page fault at rip 0x400000\n\
        rguest: host: guest0 killed: bad hypercall 99\n\
        rguest: host: free frames 10 (before the Guests 10), free heap bytes 5 (before 6)\n";
    let out = Outcome {
        transcript: transcript.to_string(),
        stderr: String::new(),
        status: Some(SUCCESS_STATUS),
        timed_out: false,
        elapsed: Default::default(),
    };
    let text = shown(&out);
    assert!(text.contains("  Host    1 programs in ring 3: 1 exited, 0 killed by their kernel; frames LOST: 90 (at start 91)\n"), "{text}");
    assert!(text.contains("  guest0  1 programs in ring 3: 0 exited, 1 killed by their kernel (hello); then killed: bad hypercall 99\n"), "{text}");
    assert!(text.contains("  Host    after the Guests: MEMORY LOST (free frames 10"), "{text}");
}
