//! Mastery's one kernel half for every shadow (src-book/mastery/
//! shared-half.md), on and off: the demonstration programs run the same
//! and give every frame back, on fewer of the Host's frames and no more
//! shadow faults; and the shadow tests of "Page tables" (accessed and
//! dirty bits, kept shadows, changes forgotten in kept trees, a shadow
//! emptied for growing, a Guest held to its budget) hold with it on.

use boot_tests::guests::{assert_nothing_lost, boot_guests, host_line, page_tables, said};
use boot_tests::{Outcome, SUCCESS_STATUS};

const DEMO: &str = "programs= guests=2 guest-programs=hello,ping,pong,pages,sleeper,faulty,wild";

/// Boot `cmdline` under `-icount shift=0,sleep=off`, where the same
/// kernel makes the same faults every run: both Guests shut down, nothing
/// lost.
fn boot(cmdline: &str) -> Outcome {
    let out = boot_guests(cmdline, &["-icount", "shift=0,sleep=off"]);
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    out
}

#[test]
fn sharing_the_kernel_half_takes_fewer_frames_and_no_more_faults() {
    let (off, on) = (boot(&format!("{DEMO} ideas=no-shared-half")), boot(&format!("{DEMO} ideas=shared-half")));
    for id in 0..2 {
        for line in ["pages: 256 fresh heap pages, each zero at first and then kept what we wrote",
                     "pong: done, my SSE registers stayed mine", "rguest: all programs done; free frames: "] {
            said(&on, id, line);
        }
        let [_, off_peak, ..]: [u64; 4] = host_line(&off, id, "Host frames: ");
        let [_, on_peak, ..]: [u64; 4] = host_line(&on, id, "Host frames: ");
        assert!(on_peak < off_peak, "guest{id}: peak {on_peak} frames shared, {off_peak} copied\n{}", on.report());
        let (off_faults, on_faults) = (page_tables(&off, id)[0], page_tables(&on, id)[0]);
        assert!(on_faults <= off_faults, "guest{id}: {on_faults} faults shared, {off_faults} copied\n{}",
                on.report());
    }
}

#[test]
fn the_shadow_tests_hold_with_a_shared_half() {
    let out = boot("guests=2 guest-test=shadow ideas=shared-half");
    assert_eq!(said(&out, 1, "rguest: shadow-test: read "), "1: accessed; written: accessed and dirty; remapped, reads 3",
               "{}", out.report());
    assert_eq!(said(&out, 1, "rguest: shadow-test: 100 switches "), "between two address spaces, read 250",
               "{}", out.report());
    assert_eq!(said(&out, 1, "rguest: shadow-test: a page remapped in a kept tree reads "), "4; 128 more unmapped",
               "{}", out.report());
}

#[test]
fn a_shared_half_survives_a_shadow_emptied_and_a_budget_held() {
    for cmdline in ["guests=2 guest-test=shadow-regions ideas=shared-half",
                    "guests=2 guest-budget=48 guest-test=shadow-regions ideas=shared-half"] {
        let out = boot(cmdline);
        assert_eq!(said(&out, 1, "rguest: shadow-test: 100 pages 2 MiB apart, read twice: "), "4950 and 4950",
                   "{cmdline}\n{}", out.report());
        let [_, _, _, emptied]: [u64; 4] = host_line(&out, 1, "Host frames: ");
        let grown = page_tables(&out, 1)[4];
        assert!(emptied + grown >= 1, "{cmdline}: nothing was ever emptied\n{}", out.report());
    }
}
