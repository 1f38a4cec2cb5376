//! The Switcher's page-table walker (Mastery, "A walker in the Switcher"),
//! on and off: a program's own fault reaches its Guest kernel with the same
//! frame either way, with no exit when the walker is on; what the walker
//! must not handle (bad tables, an unmapped kernel stack, a fault in the
//! upper half) still reaches the Host, which kills or delivers as before;
//! and the Guests' programs say the same either way.

use boot_tests::guests::{assert_nothing_lost, boot_guests, console, host_line};
use boot_tests::{Outcome, SUCCESS_STATUS};

/// Guest `id`'s program page faults: through the Host, and by the walker.
fn program_faults(out: &Outcome, id: u64) -> [u64; 2] {
    host_line(out, id, "program page faults: ")
}

/// Both Guests' ends: the first shut down, and the last's line starts
/// with `last` and ends with `and` (the root of a Guest's tables is where
/// its kernel's allocator put it, which we do not pin down).
fn ends(out: &Outcome, last: &str, and: &str) {
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    let first = "rguest: host: guest0 shut down (PowerOff)";
    assert!(out.lines().any(|l| l == first), "no {first:?}\n{}", out.report());
    let last = format!("rguest: host: guest1 {last}");
    assert!(out.lines().any(|l| l.starts_with(&last) && l.ends_with(and)), "no {last:?}...{and:?}\n{}", out.report());
    assert_nothing_lost(out);
}

#[test]
fn a_programs_own_fault_reaches_its_kernel_with_the_same_frame_walker_on_or_off() {
    for (kind, error_code) in [("walker-fault", 0x6), ("walker-read-only", 0x7)] {
        let expected = format!(
            "rguest: guest-test: {kind}: error code {error_code:#x}, cr2 0x404000; rip 0x400000, cs 0x23, \
             rflags 0x2, rsp 0x403000, ss 0x1b"
        );
        for (walker, by_the_walker) in [("walker", 1), ("no-walker", 0)] {
            let out = boot_guests(&format!("guests=2 guest-test={kind} ideas={walker}"), &[]);
            ends(&out, "shut down (PowerOff)", "");
            assert!(console(&out, 1).contains(&expected), "ideas={walker}: no {expected:?}\n{}", out.report());
            let [through_the_host, walked] = program_faults(&out, 1);
            assert_eq!(walked, by_the_walker, "ideas={walker}\n{}", out.report());
            // The program's code page is filled by the Host either way; its
            // own fault comes to the Host only with the walker off.
            assert_eq!(through_the_host, 2 - by_the_walker, "ideas={walker}\n{}", out.report());
        }
    }
}

#[test]
fn what_the_walker_must_not_handle_still_reaches_the_host() {
    for (kind, reason, ending) in [
        ("walker-table-outside", "page tables at 0x", " refused: a table at 0x1000000 outside guest memory"),
        ("walker-reserved-bit", "page tables at 0x", " refused: the entry for 0x8000000000 has reserved bits set"),
        ("walker-stack-unmapped", "vector 14: the Guest's stack at 0x43fff8 is not writable", ""),
    ] {
        let out = boot_guests(&format!("guests=2 guest-test={kind} ideas=walker"), &[]);
        ends(&out, &format!("killed: {reason}"), ending);
        assert_eq!(program_faults(&out, 1)[1], 0, "{kind}: the walker delivered\n{}", out.report());
    }
}

/// A Guest's console lines that do not depend on time, sorted (the order
/// between processes follows the ticks), but those naming the ideas.
fn timeless(out: &Outcome) -> Vec<String> {
    let mut lines: Vec<String> = console(out, 0)
        .into_iter()
        .filter(|l| !l.contains(" ms") && !l.contains("MHz") && !l.contains("ideas"))
        .collect();
    lines.sort();
    lines
}

#[test]
fn programs_say_the_same_walker_on_or_off_and_their_own_faults_skip_the_host() {
    let cmdline = "guests=1 guest-programs=hello,pages,faulty,wild";
    let on = boot_guests(&format!("{cmdline} ideas=walker"), &[]);
    let off = boot_guests(&format!("{cmdline} ideas=no-walker"), &[]);
    for out in [&on, &off] {
        assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
        assert!(out.lines().any(|l| l == "rguest: host: guest0 shut down (PowerOff)"), "{}", out.report());
        assert_nothing_lost(out);
    }
    assert_eq!(timeless(&on), timeless(&off), "\n{}\n{}", on.report(), off.report());
    // `wild`'s write to the upper half is the program's own fault too, but
    // not the walker's kind: it dies at its kernel's hands either way.
    // (Its `rip` depends on the target the programs were built for.)
    let (wild, write) = ("rguest: process 4 (wild) killed: page fault at rip 0x",
                         " (write to 0xffff800000000000: protection violation)");
    assert!(console(&on, 0).iter().any(|l| l.starts_with(wild) && l.ends_with(write)), "{}", on.report());
    // `pages` touches 256 heap pages and 64 stack pages, each a fault of
    // the Guest's own: the walker delivers them, and the Host sees them
    // only with it off.
    let ([host_on, walked_on], [host_off, walked_off]) = (program_faults(&on, 0), program_faults(&off, 0));
    assert_eq!(walked_off, 0, "{}", off.report());
    assert!(walked_on >= 320, "{walked_on} delivered by the walker\n{}", on.report());
    assert!(host_off >= host_on + 320, "through the Host: {host_on} on, {host_off} off");
}
