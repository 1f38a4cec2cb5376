//! Mastery's direct traps (src-book/mastery/direct-traps.md), on and off:
//! with `ideas=direct-traps` a program's divide error reaches its Guest
//! kernel without an exit, the kernel kills the program exactly as before,
//! the neighbour Guest finishes, and nothing is lost; with the idea off
//! (the default) the same error is one exit more; a Guest that sends
//! interrupt gates gets no direct trap. And the switchboard refuses an
//! idea it does not know.

use boot_tests::guests::{assert_nothing_lost, boot_guests, counters, page_tables};
use boot_tests::{kernel_elf, Boot, PANIC_PREFIX, SUCCESS_STATUS};

/// Two Guests, each running `faulty` (a divide error in ring 3) and `hello`.
const PROGRAMS: &str = "programs= guests=2 guest-programs=faulty,hello";

/// Boot with `extra` on the command line, and return for each Guest the exits that were
/// exceptions other than page faults: its traps, less the page faults the
/// Host filled or passed on.
fn forwarded_exceptions(extra: &str) -> [u64; 2] {
    let out = boot_guests(&format!("{PROGRAMS} {extra}"), &[]);
    let mut forwarded = [0; 2];
    for id in 0..2 {
        let killed = format!("guest{id}: rguest: process 1 (faulty) killed: divide error at rip ");
        assert!(out.lines().any(|l| l.starts_with(&killed)), "guest{id}: no {killed:?}\n{}", out.report());
        let hello = format!("guest{id}: rguest: process 2 (hello) exited with status 0");
        assert!(out.lines().any(|l| l == hello), "guest{id}: no {hello:?}\n{}", out.report());
        let shut = format!("rguest: host: guest{id} shut down (PowerOff)");
        assert!(out.lines().any(|l| l == shut), "guest{id} did not finish\n{}", out.report());
        let [exits, hypercalls, traps, interrupts, ..] = counters(&out, id);
        assert_eq!(exits, hypercalls + traps + interrupts, "guest{id}\n{}", out.report());
        let [filled, reflected, ..] = page_tables(&out, id);
        forwarded[id as usize] = traps - filled - reflected;
    }
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    forwarded
}

#[test]
fn with_direct_traps_a_programs_divide_error_costs_no_exit() {
    assert_eq!(forwarded_exceptions("ideas=direct-traps"), [0, 0]);
}

#[test]
fn without_direct_traps_a_programs_divide_error_is_an_exit() {
    assert_eq!(forwarded_exceptions("ideas=no-direct-traps"), [1, 1]);
}

#[test]
fn direct_traps_are_off_by_default() {
    assert_eq!(forwarded_exceptions(""), [1, 1]);
}

#[test]
fn interrupt_gates_are_not_copied_even_with_direct_traps() {
    // guest1 sends its exceptions' gates as interrupt gates: its divide
    // error still comes through the Host; guest0's does not.
    assert_eq!(forwarded_exceptions("guest-test=interrupt-gates ideas=direct-traps"), [0, 1]);
}

#[test]
fn an_unknown_idea_stops_the_boot_and_is_named() {
    let out = Boot::new(kernel_elf()).append("programs= ideas=direct-trap").run().expect("could not start QEMU");
    assert!(!out.timed_out, "{}", out.report());
    let said = "ideas=direct-trap: no such idea (there are: walker, direct-traps";
    assert!(out.lines().any(|l| l.starts_with(PANIC_PREFIX) && l.contains(said)), "{}", out.report());
    assert_ne!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}
