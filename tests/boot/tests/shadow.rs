//! Boot tests for the Host's shadow page tables ("Page tables"): a Guest's
//! accessed and dirty bits kept true, a remapped page seen at once, and
//! switches between address spaces served from the shadows the Host keeps.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use boot_tests::guests::{counters, page_tables, said};

fn boot(cmdline: &str) -> Outcome {
    let out = Boot::new(kernel_elf()).with_guest_image().append(cmdline).run().expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "the kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    out
}

#[test]
fn a_guests_accessed_and_dirty_bits_are_true_and_a_remapped_page_is_seen() {
    let out = boot("guests=2 guest-test=shadow");
    assert_eq!(
        said(&out, 1, "rguest: shadow-test: read "),
        "1: accessed; written: accessed and dirty; remapped, reads 3",
        "{}",
        out.report()
    );
}

#[test]
fn switching_back_to_a_kept_shadow_costs_no_rebuild() {
    let out = boot("guests=2 guest-test=shadow");
    let line = said(&out, 1, "rguest: shadow-test: 100 switches ");
    assert_eq!(line, "between two address spaces, read 250", "{}", out.report());
    let [plain_faults, _, plain_switches, _, _] = page_tables(&out, 0);
    let [faults, reflected, switches, hits, emptied] = page_tables(&out, 1);
    assert_eq!(emptied, 0, "{}", out.report());
    // 100 switches, and back to the kernel's tables: only the first
    // switch to each of the two new trees found no shadow kept.
    assert!(switches >= plain_switches + 101, "{switches} switches\n{}", out.report());
    assert!(hits >= switches - plain_switches - 2, "{hits} cache hits of {switches}\n{}", out.report());
    // Each new shadow began with the kernel's half of the one in use and
    // filled the rest once: a few faults for each page the test touched,
    // and none for the switches.
    assert!(faults - plain_faults < 40, "{faults} faults against {plain_faults}\n{}", out.report());
    assert_eq!(reflected, 2, "the reflection test's two faults, and no other\n{}", out.report());
}

#[test]
fn a_fault_the_guests_tables_explain_reaches_its_handler_with_cr2() {
    let out = boot("guests=2 guest-test=shadow");
    assert_eq!(
        said(&out, 1, "rguest: shadow-test: read-only page reads "),
        "7; a write to it reflected with error code 0x3, cr2 right; \
         a read of an unmapped page with 0x0, cr2 right",
        "{}",
        out.report()
    );
    assert_eq!(page_tables(&out, 1)[1], 2, "{}", out.report());
}

#[test]
fn a_shadow_that_grows_too_big_is_emptied_and_still_right() {
    let out = boot("guests=2 guest-test=shadow-regions");
    assert_eq!(
        said(&out, 1, "rguest: shadow-test: 100 pages 2 MiB apart, read twice: "),
        "4950 and 4950",
        "{}",
        out.report()
    );
    let emptied = page_tables(&out, 1)[4];
    assert!(emptied >= 1, "the shadow was never emptied\n{}", out.report());
    assert_eq!(page_tables(&out, 0)[4], 0, "{}", out.report());
}

#[test]
fn a_kept_shadow_forgets_what_changed_while_another_ran_and_changes_go_through_the_ring() {
    let out = boot("guests=2 guest-test=shadow");
    assert_eq!(
        said(&out, 1, "rguest: shadow-test: a page remapped in a kept tree reads "),
        "4; 128 more unmapped",
        "{}",
        out.report()
    );
    let (plain, tested) = (counters(&out, 0), counters(&out, 1));
    // 129 SetEntry calls queued (the remapped page and 128 more), on top
    // of whatever the plain Guest queued; and besides the switches, a
    // handful of direct calls (the test's lines, its gates, two flushes).
    assert!(tested[4] >= plain[4] + 129, "ring hypercalls {} against {}\n{}", tested[4], plain[4], out.report());
    let switches = page_tables(&out, 1)[2] - page_tables(&out, 0)[2];
    let direct = tested[1] - plain[1] - switches;
    assert!(direct < 20, "{direct} more direct hypercalls besides {switches} switches\n{}", out.report());
}
