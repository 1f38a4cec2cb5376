//! Boot tests for the user-program chapters ("Ring 3" to "All together"):
//! each boots with a `programs=` line and reads what the programs and the
//! kernel say about them.
//!
//! QEMU runs with `-icount shift=0`, so that its clock follows the
//! instructions executed rather than the host's: where the timer's ticks
//! fall among the programs' instructions is then the same on every run,
//! however loaded the machine running the tests is. Without it, a host that
//! stalls QEMU makes it catch up on missed ticks in a burst, and a burst
//! can end a program's turn between its line and its yield, which changes
//! the order of ping's and pong's lines (see "Taking turns").

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};

/// The programs the kernel runs when the command line names none.
const DEMO: &[&str] = &["hello", "ping", "pong", "pages", "sleeper", "faulty", "wild"];

/// How many rounds ping and pong play.
const ROUNDS: usize = 5;

/// Boots with `cmdline` and insists on a clean run: no panic, QEMU's
/// success status, and every frame back once the programs are done.
fn boot(cmdline: &str) -> Outcome {
    let out = Boot::new(kernel_elf())
        .append(cmdline)
        .arg("-icount")
        .arg("shift=0")
        .run()
        .expect("could not start QEMU");
    eprintln!("{cmdline:?}: QEMU ran for {:?}", out.elapsed);
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "the kernel panicked\n{}", out.report());
    assert!(!out.transcript.contains("rguest: FATAL"), "the kernel faulted\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    assert_frames_came_back(&out);
    out
}

/// "rguest: all programs done; free frames: N (at start N)", with equal N.
fn assert_frames_came_back(out: &Outcome) {
    let line = after(out, "rguest: all programs done; free frames: ");
    let (now, start) = line.split_once(" (at start ").expect("two counts");
    let start = start.strip_suffix(')').expect("a closing parenthesis");
    let (now, start): (u64, u64) = (now.parse().unwrap(), start.parse().unwrap());
    assert!(now > 0, "{}", out.report());
    assert_eq!(now, start, "frames leaked\n{}", out.report());
}

/// The text after `prefix` on the first line that starts with it.
fn after<'a>(out: &'a Outcome, prefix: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?}\n{}", out.report()))
}

/// The index of the first line equal to `line`.
fn position(out: &Outcome, line: &str) -> usize {
    out.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("no line {line:?}\n{}", out.report()))
}

/// The pid the kernel gave `name` when it started it.
fn pid_of(out: &Outcome, name: &str) -> u64 {
    out.lines()
        .find_map(|l| {
            let rest = l.strip_prefix("rguest: process ")?;
            let (pid, rest) = rest.split_once(' ')?;
            (rest == format!("({name}) started")).then(|| pid.parse().unwrap())
        })
        .unwrap_or_else(|| panic!("{name} was not started\n{}", out.report()))
}

fn assert_exited_ok(out: &Outcome, name: &str) {
    let pid = pid_of(out, name);
    position(out, &format!("rguest: process {pid} ({name}) exited with status 0"));
}

/// The "killed: " reason the kernel gave for `name`.
fn kill_reason<'a>(out: &'a Outcome, name: &str) -> &'a str {
    let pid = pid_of(out, name);
    after(out, &format!("rguest: process {pid} ({name}) killed: "))
}

/// The ping and pong round lines, in the order printed.
fn rally(out: &Outcome) -> Vec<&str> {
    out.lines().filter(|l| l.starts_with("ping: round") || l.starts_with("pong: round")).collect()
}

fn assert_strict_rally(out: &Outcome) {
    let expected: Vec<String> = (1..=ROUNDS)
        .flat_map(|round| [format!("ping: round {round}"), format!("pong: round {round}")])
        .collect();
    assert_eq!(rally(out), expected, "ping and pong did not alternate\n{}", out.report());
    for name in ["ping", "pong"] {
        position(out, &format!("{name}: done, my SSE registers stayed mine"));
        assert_exited_ok(out, name);
    }
}

fn assert_sleeper_slept_enough(out: &Outcome) {
    let naps: Vec<(u64, u64)> = out
        .lines()
        .filter_map(|l| l.strip_prefix("sleeper: asked for "))
        .map(|rest| {
            let (asked, rest) = rest.split_once(" ms, slept ").expect("asked, then slept");
            let (slept, _) = rest.split_once(" ms;").expect("slept, then the clock");
            (asked.parse().unwrap(), slept.parse().unwrap())
        })
        .collect();
    assert_eq!(naps.iter().map(|n| n.0).collect::<Vec<_>>(), [20, 40, 80], "{}", out.report());
    for (asked, slept) in naps {
        assert!(slept >= asked, "woke early: asked {asked} ms, slept {slept}\n{}", out.report());
    }
    assert_exited_ok(out, "sleeper");
}

fn assert_faulty_killed(out: &Outcome) {
    let reason = kill_reason(out, "faulty");
    assert!(reason.starts_with("divide error at rip 0x"), "{reason:?}\n{}", out.report());
    assert!(!out.transcript.contains("faulty: still alive"), "{}", out.report());
}

fn assert_wild_refused_and_killed(out: &Outcome) {
    position(
        out,
        "wild: the kernel would not print 0xffff800000000000 for me: bad address: not the program's memory",
    );
    let reason = kill_reason(out, "wild");
    assert!(reason.starts_with("page fault at rip 0x"), "{reason:?}\n{}", out.report());
    assert!(
        reason.ends_with("(write to 0xffff800000000000: protection violation)"),
        "{reason:?}\n{}",
        out.report()
    );
    assert!(!out.transcript.contains("wild: still alive"), "{}", out.report());
}

#[test]
fn the_demonstration_runs_every_program_concurrently() {
    let out = boot("");
    for name in DEMO {
        pid_of(&out, name);
    }
    // Every program starts before any ends: they run side by side.
    let last_start = DEMO.iter().map(|n| position(&out, &format!("rguest: process {} ({n}) started", pid_of(&out, n)))).max();
    let first_end = out.lines().position(|l| l.contains(") exited with status") || l.contains(") killed: "));
    assert!(last_start < first_end, "{}", out.report());
    // And their lines interleave: the rally is broken up by other programs.
    let first_ping = position(&out, "ping: round 1");
    let last_pong = position(&out, &format!("pong: round {ROUNDS}"));
    assert!(
        out.lines().skip(first_ping).take(last_pong - first_ping).any(|l| !l.starts_with("ping") && !l.starts_with("pong")),
        "nothing else ran during the rally\n{}",
        out.report()
    );
    assert!(after(&out, "hello: hello, world! I am process ").ends_with("running in ring 3"));
    assert_exited_ok(&out, "hello");
    assert_strict_rally(&out);
    assert_exited_ok(&out, "pages");
    assert_sleeper_slept_enough(&out);
    assert_faulty_killed(&out);
    assert_wild_refused_and_killed(&out);
}

#[test]
fn hello_runs_in_ring_3_and_knows_its_pid() {
    let out = boot("programs=hello");
    let pid = pid_of(&out, "hello");
    position(&out, &format!("hello: hello, world! I am process {pid}, running in ring 3"));
    assert_exited_ok(&out, "hello");
}

#[test]
fn ping_and_pong_alternate_and_keep_their_sse_registers() {
    let out = boot("programs=ping,pong");
    assert_strict_rally(&out);
}

#[test]
fn pages_appear_zeroed_on_first_touch() {
    let out = boot("programs=pages");
    position(&out, "pages: 256 fresh heap pages, each zero at first and then kept what we wrote");
    position(&out, "pages: a 64-page stack frame, each page there when touched");
    assert_exited_ok(&out, "pages");
}

#[test]
fn sleeper_never_wakes_early() {
    let out = boot("programs=sleeper");
    assert_sleeper_slept_enough(&out);
}

#[test]
fn faulting_programs_are_killed_with_their_reason_and_the_rest_finish() {
    let out = boot("programs=faulty,hello,wild");
    assert_faulty_killed(&out);
    assert_wild_refused_and_killed(&out);
    assert_exited_ok(&out, "hello");
}

#[test]
fn a_program_named_twice_runs_twice_and_an_unknown_name_is_reported() {
    let out = boot("programs=hello,nosuch,hello");
    position(&out, "rguest: no program called nosuch");
    let greetings = out.lines().filter(|l| l.starts_with("hello: hello, world!")).count();
    assert_eq!(greetings, 2, "{}", out.report());
    let exits = out.lines().filter(|l| l.ends_with("(hello) exited with status 0")).count();
    assert_eq!(exits, 2, "{}", out.report());
}

#[test]
fn an_empty_program_list_runs_nothing() {
    let out = Boot::new(kernel_elf()).append("programs=").run().expect("could not start QEMU");
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    assert!(!out.transcript.contains("rguest: process "), "{}", out.report());
}
