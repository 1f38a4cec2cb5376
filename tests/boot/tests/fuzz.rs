//! Boot tests of the fuzzer (see the book's "Fuzzing the Host"): a short
//! seeded fuzz leaves the Host standing, reaches its count, and gets back
//! every frame and heap byte; the same seed kills the same Guests for the
//! same reasons; and a thousand Guests launched and destroyed one after
//! another give back every frame and heap byte too.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use boot_tests::guests::assert_nothing_lost;
use std::time::Duration;

/// Long enough for fifty thousand calls, or a thousand Guests, under
/// emulation on a busy machine (they take some 4 s and 18 s alone).
const TIMEOUT: Duration = Duration::from_secs(240);

fn boot(cmdline: &str) -> Outcome {
    boot_with(cmdline, &[])
}

/// The same, with QEMU's `extra` arguments.
fn boot_with(cmdline: &str, extra: &[&str]) -> Outcome {
    let mut boot = Boot::new(kernel_elf()).with_guest_image().append(cmdline).timeout(TIMEOUT);
    for arg in extra {
        boot = boot.arg(arg);
    }
    let out = boot.run().expect("could not start QEMU");
    eprintln!("{cmdline:?}: QEMU ran for {:?}", out.elapsed);
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "the Host panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    out
}

/// The numbers in the first line that starts with `start` and holds
/// `holding`.
fn numbers_in(out: &Outcome, start: &str, holding: &str) -> Vec<u64> {
    let line = out
        .lines()
        .find(|l| l.starts_with(start) && l.contains(holding))
        .unwrap_or_else(|| panic!("no line starting {start:?} with {holding:?}\n{}", out.report()));
    line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).map(|w| w.parse().unwrap()).collect()
}

#[test]
fn a_short_seeded_fuzz_leaves_the_host_standing_with_nothing_lost() {
    let out = boot("programs= fuzz-seed=1 fuzz-calls=50000");
    assert!(out.lines().any(|l| l == "rguest: fuzz: seed 1, 50000 hypercalls, guests of 4 MiB"), "{}", out.report());
    // "rguest: fuzz: N hypercalls in G guests; S shut down, K killed"
    let n = numbers_in(&out, "rguest: fuzz: ", " hypercalls in ");
    assert_eq!(n.len(), 4, "{n:?}");
    let [calls, guests, shut_down, killed] = [n[0], n[1], n[2], n[3]];
    assert!(calls >= 50_000, "only {calls} hypercalls\n{}", out.report());
    assert_eq!(shut_down + killed, guests, "{n:?}");
    // Every kill is counted under a reason, and the first Guest's seed is 1.
    let by_reason: u64 = out
        .lines()
        .filter_map(|l| l.strip_prefix("rguest: fuzz: killed "))
        .map(|rest| rest.split(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(by_reason, killed, "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: fuzz: guest0 seed 1"), "{}", out.report());
    assert_nothing_lost(&out);
}

#[test]
fn a_thousand_guests_launched_and_destroyed_give_back_every_frame() {
    // A fuzzing Guest asked for no calls says hello and powers off: the
    // lightest Guest there is, a thousand times over.
    let out = boot("programs= guests=1 guest-rounds=1000 guest-mem=4M guest-test=fuzz");
    assert!(out.lines().any(|l| l == "rguest: host: 1000 guests ran; 1000 shut down, 0 killed"), "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: guest999 shut down (PowerOff)"), "{}", out.report());
    assert_nothing_lost(&out);
}

/// Each killed Guest's seed and reason, in order ("guestN seed S: C calls,
/// killed: R" without the count, which a timer tick can move by one).
fn kills(out: &Outcome) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.strip_prefix("rguest: fuzz: "))
        .filter(|l| l.starts_with("guest") && l.contains(" calls, killed: "))
        .map(|l| {
            let (who, rest) = l.split_once(": ").unwrap();
            format!("{who}: {}", rest.split_once(" calls, ").unwrap().1)
        })
        .collect()
}

#[test]
fn the_same_seed_kills_the_same_guests_for_the_same_reasons() {
    // Under -icount the Host's timer ticks at the same instruction on
    // every run, so the Host ends turns (and a Guest's clock runs out) at
    // the same call each time; with real time, a tick landing between a
    // Guest's 1 ns clock and its Halt now and then changed a kill.
    let cmdline = "programs= fuzz-seed=100 fuzz-calls=20000";
    let icount = ["-icount", "shift=0"];
    let (first, second) = (kills(&boot_with(cmdline, &icount)), kills(&boot_with(cmdline, &icount)));
    assert!(first.len() > 10, "only {} kills: {first:?}", first.len());
    assert!(first[0].starts_with("guest0 seed 100: killed: "), "{first:?}");
    assert_eq!(first, second);
}
