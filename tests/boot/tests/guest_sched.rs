//! Boot tests for many Guests: the Host shares the processor between them
//! on its timer, whatever one of them does with its own interrupt flag;
//! and launching and destroying a hundred Guests gives back every frame.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use std::time::Duration;

/// Long enough for a hundred Guests to boot under emulation.
const TIMEOUT: Duration = Duration::from_secs(240);

fn boot(cmdline: &str) -> Outcome {
    let out = Boot::new(kernel_elf())
        .with_guest_image()
        .append(cmdline)
        .timeout(TIMEOUT)
        .run()
        .expect("could not start QEMU");
    eprintln!("{cmdline:?}: QEMU ran for {:?}", out.elapsed);
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "a kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    out
}

/// The index of the first line that starts with `start`.
fn position(out: &Outcome, start: &str) -> usize {
    out.lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?}\n{}", out.report()))
}

/// The index, counted from line `from`, of the first line from there on
/// that starts with `start`.
fn position_after(out: &Outcome, from: usize, start: &str) -> usize {
    out.lines()
        .skip(from)
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?} after line {from}\n{}", out.report()))
}

/// The four numbers of the Host's last line, "free frames A (before the
/// Guests B), free heap bytes C (before D)".
fn free_counts(out: &Outcome) -> Vec<u64> {
    let line = &out.lines().collect::<Vec<_>>()[position(out, "rguest: host: free frames ")];
    line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).map(|w| w.parse().unwrap()).collect()
}

#[test]
fn a_guest_spinning_with_interrupts_off_does_not_starve_another() {
    let out = boot("programs= guests=2 guest-programs=hello,sleeper guest-test=spin");
    let off = position(&out, "guest1: rguest: guest-test: spin: interrupts off");
    let spun = off + 1 + position_after(&out, off + 1, "guest1: rguest: guest-test: spin: ");
    // guest0 speaks while guest1 spins: the Host's timer took turns from it.
    let meanwhile = out.lines().skip(off + 1).take(spun - off - 1).filter(|l| l.starts_with("guest0: ")).count();
    assert!(meanwhile > 0, "guest0 said nothing while guest1 spun\n{}", out.report());
    let line = out.lines().nth(spun).unwrap();
    assert!(line.ends_with("ms with interrupts off, 0 ticks meanwhile"), "{line}");
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
}

#[test]
fn a_hundred_guests_launched_and_destroyed_give_back_every_frame() {
    let out = boot("programs= guests=4 guest-rounds=25 guest-mem=4M");
    assert!(out.lines().any(|l| l == "rguest: host: 100 guests ran; 100 shut down, 0 killed"), "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: guest99 shut down (PowerOff)"), "{}", out.report());
    let n = free_counts(&out);
    assert_eq!(n.len(), 4, "{n:?}");
    assert!(n[0] > 0, "{n:?}");
    assert_eq!(n[0], n[1], "frames lost over a hundred Guests\n{}", out.report());
    assert_eq!(n[2], n[3], "heap lost over a hundred Guests\n{}", out.report());
}
