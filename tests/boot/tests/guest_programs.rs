//! Boot tests for Guests running user programs ("A Guest boots", the
//! Host's system-call reflection): the same programs, from the same image,
//! say the same things in a Guest as natively, and die the same deaths.
//!
//! Like the user-program tests, these run under `-icount shift=0`, so that
//! where the ticks fall among the instructions does not depend on how busy
//! the machine running them is.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use std::collections::BTreeMap;
use std::time::Duration;

/// The programs the kernel runs when the command line names none.
const DEMO: &[&str] = &["hello", "ping", "pong", "pages", "sleeper", "faulty", "wild"];

/// Long enough for two Guests to run the demonstration under emulation.
const TIMEOUT: Duration = Duration::from_secs(240);

/// Boot with `cmdline`, the kernel image as the Guests' module, and insist
/// on a clean run in which no Guest was killed and nothing was lost.
fn boot(cmdline: &str) -> Outcome {
    let out = Boot::new(kernel_elf())
        .with_guest_image()
        .append(cmdline)
        .arg("-icount")
        .arg("shift=0")
        .timeout(TIMEOUT)
        .run()
        .expect("could not start QEMU");
    eprintln!("{cmdline:?}: QEMU ran for {:?}", out.elapsed);
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "a kernel panicked\n{}", out.report());
    assert!(!out.transcript.contains("rguest: FATAL"), "a kernel faulted\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    assert!(out.lines().any(|l| l.starts_with("rguest: host: ") && l.ends_with(" shut down, 0 killed")),
            "a Guest was killed\n{}", out.report());
    let frames = out
        .lines()
        .find(|l| l.starts_with("rguest: host: free frames "))
        .unwrap_or_else(|| panic!("no free-frames line\n{}", out.report()));
    let n: Vec<&str> = frames.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).collect();
    assert!(n.len() == 4 && n[0] == n[1] && n[2] == n[3], "the Guests lost memory: {frames}");
    out
}

/// The lines written by the kernel whose lines carry `prefix` ("" for the
/// Host itself, "guest0: " for a Guest), with the prefix taken off.
fn console<'a>(out: &'a Outcome, prefix: &str) -> impl Iterator<Item = &'a str> + use<'a> {
    let prefix = prefix.to_string();
    out.lines().filter_map(move |l| match prefix.as_str() {
        "" => (!l.starts_with("guest")).then_some(l),
        prefix => l.strip_prefix(prefix),
    })
}

/// Every figure of milliseconds ("slept 20 ms", "says 140 ms") made `N ms`:
/// timing is the one thing a Guest may say differently.
fn without_timing(line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    let masked: Vec<&str> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let ms = words.get(i + 1).is_some_and(|next| next.trim_end_matches([';', ',']) == "ms");
            if ms && w.chars().all(|c| c.is_ascii_digit()) { "N" } else { w }
        })
        .collect();
    masked.join(" ")
}

/// What each program said, and what its kernel said about it ("rguest:
/// process 3 (pong) started"), in order, program by program: the order
/// *between* programs follows the ticks, which fall differently in a Guest.
fn per_program<'a>(lines: impl Iterator<Item = &'a str>, programs: &[&str]) -> BTreeMap<String, Vec<String>> {
    let mut said: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in lines {
        let owner = programs.iter().find(|p| {
            line.starts_with(&format!("{p}: ")) || (line.starts_with("rguest: process ") && line.contains(&format!(" ({p}) ")))
        });
        if let Some(program) = owner {
            said.entry(program.to_string()).or_default().push(without_timing(line));
        }
    }
    said
}

#[test]
fn programs_in_two_guests_say_what_they_say_natively() {
    let list = DEMO.join(",");
    // guest0 takes its programs' system calls directly, guest1 through the Host.
    let out = boot(&format!("programs={list} guests=2 guest-programs={list} guest-test=reflected-syscalls"));
    let native = per_program(console(&out, ""), DEMO);
    assert_eq!(native.len(), DEMO.len(), "not every program spoke natively\n{}", out.report());
    for id in 0..2 {
        let prefix = format!("guest{id}: ");
        let guest = per_program(console(&out, &prefix), DEMO);
        for program in DEMO {
            assert_eq!(guest.get(*program), native.get(*program),
                       "{program} in guest{id} differs from native\n{}", out.report());
        }
        let done = console(&out, &prefix).find(|l| l.starts_with("rguest: all programs done; free frames: "));
        assert!(done.is_some(), "guest{id} did not finish its programs\n{}", out.report());
    }
}

#[test]
fn a_guest_program_touching_guest_kernel_memory_dies_in_the_guest() {
    let out = boot("programs= guests=2 guest-programs=wild,hello");
    for id in 0..2 {
        let lines: Vec<&str> = console(&out, &format!("guest{id}: ")).collect();
        let killed = "rguest: process 1 (wild) killed: page fault at rip ";
        let death = lines.iter().find(|l| l.starts_with(killed))
            .unwrap_or_else(|| panic!("wild was not killed by guest{id}'s kernel\n{}", out.report()));
        assert!(death.ends_with("(write to 0xffff800000000000: protection violation)"), "{death}");
        assert!(lines.contains(&"rguest: process 2 (hello) exited with status 0"), "{}", out.report());
        assert!(out.lines().any(|l| l == format!("rguest: host: guest{id} shut down (PowerOff)")),
                "the Host, not the Guest, dealt with it\n{}", out.report());
    }
}

#[test]
fn a_guest_touching_hundreds_of_pages_and_spawning_finishes() {
    let out = boot("programs= guests=1 guest-programs=pages,bench");
    let lines: Vec<&str> = console(&out, "guest0: ").collect();
    for line in [
        "pages: 256 fresh heap pages, each zero at first and then kept what we wrote",
        "pages: a 64-page stack frame, each page there when touched",
        "rguest: process 1 (pages) exited with status 0",
        "rguest: process 2 (bench) exited with status 0",
    ] {
        assert!(lines.contains(&line), "no {line:?} in guest0\n{}", out.report());
    }
    // The bench spawns its yielder, as a third process.
    assert!(lines.iter().any(|l| l.starts_with("rguest: process 3 (")), "{}", out.report());
}

/// The number of system calls guest `id`'s programs made through the Host.
fn syscalls_through_the_host(out: &Outcome, id: u64) -> u64 {
    let prefix = format!("rguest: host: guest{id} system calls through the Host ");
    let line = out.lines().find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no system-call count for guest{id}\n{}", out.report()));
    let n = line.split(';').next().unwrap_or_default();
    n.parse().unwrap_or_else(|_| panic!("not a count: {n:?}"))
}

#[test]
fn a_direct_system_call_costs_no_host_exit() {
    // The same programs in both; guest1 asks for its system calls through the Host.
    let out = boot("programs= guests=2 guest-programs=hello,ping,pong guest-test=reflected-syscalls");
    for id in 0..2 {
        let lines: Vec<&str> = console(&out, &format!("guest{id}: ")).collect();
        for line in ["hello: hello, world! I am process 1, running in ring 3",
                     "ping: done, my SSE registers stayed mine", "pong: done, my SSE registers stayed mine"] {
            assert!(lines.contains(&line), "no {line:?} in guest{id}\n{}", out.report());
        }
    }
    // Every exit for a system call is counted there: direct ones make none.
    assert_eq!(syscalls_through_the_host(&out, 0), 0, "{}", out.report());
    let reflected = syscalls_through_the_host(&out, 1);
    // hello makes at least three calls, ping and pong a dozen each.
    assert!(reflected >= 20, "only {reflected} system calls came to the Host\n{}", out.report());
}


#[test]
fn a_system_call_through_a_closed_gate_is_the_programs_fault() {
    // guest1 closes its system-call gate to ring 3 (DPL 1) before its programs run.
    let out = boot("programs= guests=2 guest-programs=hello guest-test=closed-gate");
    let killed = "guest1: rguest: process 1 (hello) killed: general protection fault at rip 0x";
    assert!(out.lines().any(|l| l.starts_with(killed)), "hello was not killed in guest1\n{}", out.report());
    assert!(out.lines().any(|l| l == "guest0: rguest: process 1 (hello) exited with status 0"), "{}", out.report());
    assert_eq!(syscalls_through_the_host(&out, 1), 1, "{}", out.report());
}
