//! Mastery's lazy floating point (src-book/mastery/lazy-fpu.md), on and
//! off: a Guest kernel keeps marks in all sixteen SSE registers through a
//! million reads while the Host switches between it, its neighbour (whose
//! programs `ping` and `pong` use the registers too) and itself; nobody's
//! registers change, both Guests finish, and nothing is lost.

use boot_tests::guests::{assert_nothing_lost, boot_guests};
use boot_tests::SUCCESS_STATUS;

fn marks_stay_put(ideas: &str) {
    let out = boot_guests(&format!("programs= guests=2 guest-programs=ping,pong guest-test=fpu-marks {ideas}"), &[]);
    let marks = "guest1: rguest: guest-test: fpu-marks: 1000000 rounds, marks kept";
    assert!(out.lines().any(|l| l == marks), "no {marks:?}\n{}", out.report());
    for id in 0..2 {
        let timer = format!("guest{id}: rguest: timer: ");
        assert!(out.lines().any(|l| l.starts_with(&timer) && l.ends_with("SSE registers kept")),
                "guest{id}'s kernel lost its SSE registers\n{}", out.report());
        for program in ["ping", "pong"] {
            let kept = format!("guest{id}: {program}: done, my SSE registers stayed mine");
            assert!(out.lines().any(|l| l == kept), "no {kept:?}\n{}", out.report());
        }
        let shut = format!("rguest: host: guest{id} shut down (PowerOff)");
        assert!(out.lines().any(|l| l == shut), "guest{id} did not finish\n{}", out.report());
    }
    assert_nothing_lost(&out);
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn with_lazy_fpu_no_registers_leak_between_guests_and_host() {
    marks_stay_put("ideas=lazy-fpu");
}

#[test]
fn without_lazy_fpu_no_registers_leak_between_guests_and_host() {
    marks_stay_put("ideas=no-lazy-fpu");
}
