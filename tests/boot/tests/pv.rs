//! Boot tests for the table of operations ("A table of operations", "The
//! Guest's own table", "A Guest boots"): natively, the kernel says which
//! table it runs on and `pv-test` checks the interrupt flag; in a Guest,
//! the same kernel boots on the Guest's table, the same test checks that
//! the Host honours the Guest's flag and its changes to live tables, and the memory test's address spaces
//! go through the Host's copy of the Guest's own tables.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use boot_tests::guests::console;

fn boot(cmdline: &str) -> Outcome {
    let out = Boot::new(kernel_elf()).with_guest_image().append(cmdline).run().expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "the kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    out
}

/// The text after `prefix` on the first of `lines` that starts with it.
fn after<'a>(lines: impl IntoIterator<Item = &'a str>, prefix: &str) -> Option<&'a str> {
    lines.into_iter().find_map(|l| l.strip_prefix(prefix))
}

/// What pv-test says once its page went through the loaded tables.
const LIVE_TABLES: &str = "rguest: pv-test: a page mapped into the loaded tables, used at once, and unmapped";

/// Check a pv-test line ("... 2 let in, the flag saved and restored").
fn check_pv_test(line: &str, out: &Outcome) {
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
    let line = after(out.lines(), "rguest: pv-test: native operations: ")
        .unwrap_or_else(|| panic!("no pv-test line\n{}", out.report()));
    check_pv_test(line, &out);
    assert!(out.lines().any(|l| l == LIVE_TABLES), "{}", out.report());
}

#[test]
fn a_guest_runs_on_the_guest_table() {
    let out = boot("guests=2");
    for id in 0..2 {
        let lines = console(&out, id);
        assert!(lines.iter().any(|l| l == "rguest: privileged operations: guest"), "guest{id}\n{}", out.report());
        assert!(
            after(lines.iter().map(String::as_str), "rguest: page tables: the kernel's own; 16 MiB of RAM")
                .is_some(),
            "guest{id} did not build its own page tables\n{}",
            out.report()
        );
    }
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
}

#[test]
fn pv_test_in_a_guest_the_host_honours_its_interrupt_flag() {
    let out = boot("guests=2 guest-test=pv");
    let lines = console(&out, 1);
    let line = after(lines.iter().map(String::as_str), "rguest: pv-test: guest operations: ")
        .unwrap_or_else(|| panic!("no pv-test line from guest1\n{}", out.report()));
    check_pv_test(line, &out);
    // A write through a page mapped in the live tables, and unmapped: the
    // Host filled its shadow from the Guest's tables when the Guest used it.
    assert!(lines.iter().any(|l| l == LIVE_TABLES), "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
}

#[test]
fn memory_test_in_a_guest_address_spaces_through_the_hosts_copy() {
    let out = boot("guests=2 guest-mem=8M guest-test=memory");
    let lines = console(&out, 1);
    for expected in [
        "rguest: memory-test: 65 pages mapped, written, read back, half unmapped",
        "rguest: memory-test: passed",
    ] {
        assert!(lines.iter().any(|l| l == expected), "guest1 did not say {expected:?}\n{}", out.report());
    }
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
}
