//! Boot tests for the Guest part's table of operations ("A table of
//! operations"): the kernel says which table it runs on, and `pv-test`
//! checks that its interrupt flag holds ticks back and lets them in.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};

fn boot(cmdline: &str) -> Outcome {
    let out = Boot::new(kernel_elf()).append(cmdline).run().expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "the kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    out
}

#[test]
fn a_native_boot_runs_on_the_native_table() {
    let out = boot("");
    assert!(
        out.lines().any(|l| l == "rguest: privileged operations: native"),
        "no line naming the table\n{}",
        out.report()
    );
}

#[test]
fn pv_test_interrupt_flag_holds_ticks_back_and_lets_them_in() {
    let out = boot("pv-test");
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix("rguest: pv-test: native operations: "))
        .unwrap_or_else(|| panic!("no pv-test line\n{}", out.report()));
    assert!(line.starts_with("no tick in 3 tick periods held back, "), "{line:?}\n{}", out.report());
    let let_in: u64 = line
        .split(", ")
        .nth(1)
        .and_then(|s| s.strip_suffix(" let in"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of ticks let in: {line:?}"));
    assert!(let_in >= 2, "only {let_in} ticks let in\n{}", out.report());
    assert!(line.ends_with("the flag saved and restored"), "{line:?}");
}
