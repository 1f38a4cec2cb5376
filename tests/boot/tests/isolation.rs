//! Boot tests for the Switcher's isolation (issue 8): no Host address a
//! Guest can read, no segment state carried from one Guest to the next,
//! every field of a Guest's descriptors checked, and faults inside the
//! Switcher recognised for what they are. Each hostile Guest runs beside
//! a well-behaved one, which must finish, and every frame and heap byte
//! must come back.

use boot_tests::{Outcome, SUCCESS_STATUS};
use boot_tests::guests::console;

/// Boot with `cmdline` and the kernel image as the Guests' module.
fn boot_guests(cmdline: &str) -> Outcome {
    boot_tests::guests::boot_guests(cmdline, &[])
}

/// Every frame and heap byte back, and QEMU left with success.
fn assert_nothing_lost(out: &Outcome) {
    boot_tests::guests::assert_nothing_lost(out);
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

/// The last line a Guest's kernel prints once it is up.
const BOOTED: &str = "rguest: privileged operations: guest";

/// Boot two Guests, the second told to misbehave as `kind`; return the
/// reason it was killed with, having checked that the first finished and
/// that nothing was lost.
fn killed_for(kind: &str) -> String {
    let out = boot_guests(&format!("guests=2 guest-test={kind}"));
    let reason = out
        .lines()
        .find_map(|l| l.strip_prefix("rguest: host: guest1 killed: "))
        .unwrap_or_else(|| panic!("guest1 was not killed\n{}", out.report()))
        .to_string();
    assert!(!console(&out, 1).iter().any(|l| l.contains("still alive")), "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: guest0 shut down (PowerOff)"), "{}", out.report());
    assert!(console(&out, 0).iter().any(|l| l == BOOTED), "guest0 did not finish\n{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 1 shut down, 1 killed"), "{}", out.report());
    assert_nothing_lost(&out);
    reason
}

/// The Guest of `kind` is killed for exactly `reason`.
fn hostile(kind: &str, reason: &str) {
    assert_eq!(killed_for(kind), reason, "{kind}");
}

/// The Guest of `kind` is killed for a reason that starts with `start`,
/// names a `rip` (which moves as the kernel does), and ends with `end`.
fn hostile_at_some_rip(kind: &str, start: &str, end: &str) {
    let reason = killed_for(kind);
    assert!(reason.starts_with(start) && reason.ends_with(end) && reason.contains("rip 0xffff"),
            "{kind}: {reason:?} is not {start:?}...{end:?}");
}

// No Host address visible to a Guest.

#[test]
fn a_guest_finds_no_host_address_in_the_switcher_its_registers_or_its_boot_and_shared_pages() {
    let out = boot_guests("guests=2 guest-test=pointer-scan");
    let lines = console(&out, 1);
    let verdict = lines
        .iter()
        .find(|l| l.contains(" bytes read, "))
        .unwrap_or_else(|| panic!("no verdict\n{}", out.report()));
    // Two code pages, the kept part of the registers page (with one exit's
    // FPU state, FPU area and frame copied into it), two state pages, the
    // boot information, and two words of the shared page; and
    // the scan found the one it was shown, where it was put, so it reads
    // what it claims to.
    // (The registers page is at 0xffffffffffe02000.)
    assert!(verdict.contains(" Host addresses; the planted 0xffff80000bad0000 found at 0xffffffffffe02"),
            "{verdict}\n{}", out.report());
    assert!(verdict.contains(", 0 Host addresses;"), "{verdict}\n{}", out.report());
    let bytes: u64 = verdict.split("pointer-scan: ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(bytes > 5 * 4096, "{verdict}");
    for id in 0..2 {
        assert!(out.lines().any(|l| l == format!("rguest: host: guest{id} shut down (PowerOff)")), "{}", out.report());
    }
    assert_nothing_lost(&out);
}

#[test]
fn a_guest_finds_nothing_the_guest_before_it_left_in_the_switchers_pages() {
    // The first Guest scans, then runs a program, so that its system-call
    // gate and its kernel stack (RSP1) are in the real IDT and TSS; the
    // second, launched after it ended, scans what it left.
    let out = boot_guests("guests=1 guest-rounds=2 guest-programs=hello guest-test=pointer-scan");
    for id in 0..2 {
        let verdict = console(&out, id)
            .into_iter()
            .find(|l| l.contains(" bytes read, "))
            .unwrap_or_else(|| panic!("no verdict from guest{id}\n{}", out.report()));
        assert!(verdict.contains(", 0 Host addresses; the planted 0xffff80000bad0000 found at "),
                "guest{id}: {verdict}\n{}", out.report());
        assert!(out.lines().any(|l| l == format!("rguest: host: guest{id} shut down (PowerOff)")), "{}", out.report());
    }
    assert!(console(&out, 0).iter().any(|l| l.starts_with("hello: hello, world!")), "{}", out.report());
    assert_nothing_lost(&out);
}

#[test]
fn the_hosts_page_is_not_mapped_in_a_guest() {
    hostile_at_some_rip("switcher-host-page", "page fault on the Switcher's page 0xffffffffffe05000 at ",
                        " (error code 0x0)");
}

// Nothing of one Guest survives into the next.

#[test]
fn a_guest_started_after_another_finds_none_of_its_segments() {
    let out = boot_guests("guests=1 guest-rounds=2 guest-test=segment-marks");
    let arrival = "rguest: guest-test: segment-marks: on arrival: ds 0x0, es 0x0, fs 0x0, gs 0x0; \
                   fs base page 0, gs base page 0";
    let marked = "rguest: guest-test: segment-marks: marked, after an exit: ds 0x41, es 0x1b, fs 0x1b, \
                  gs 0x1b; fs base page 1, gs base page 1";
    let kept = "rguest: guest-test: segment-marks: marks kept; shutting down with them";
    for id in 0..2 {
        let lines = console(&out, id);
        let at = lines.iter().position(|l| l.starts_with("rguest: guest-test: segment-marks: "))
            .unwrap_or_else(|| panic!("guest{id} said nothing\n{}", out.report()));
        assert_eq!(lines[at..at + 3], [arrival, marked, kept], "guest{id}\n{}", out.report());
        assert!(out.lines().any(|l| l == format!("rguest: host: guest{id} shut down (PowerOff)")), "{}", out.report());
    }
    // guest1 was launched after guest0 ended with its marks in place.
    let order: Vec<&str> = out.lines().filter(|l| l.contains("segment-marks: on arrival")
                                              || l.contains("shutting down with them")).collect();
    assert!(order[1].starts_with("guest0: ") && order[2].starts_with("guest1: "), "{order:?}");
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
}

// Descriptors fully checked.

#[test]
fn gdt_descriptor_not_present() {
    hostile("gdt-not-present", "LoadGdtEntry of a descriptor that is not present 0x730000000000, to slot 3");
}

#[test]
fn gdt_descriptor_of_the_wrong_privilege() {
    hostile("gdt-wrong-dpl", "LoadGdtEntry of a descriptor of DPL 0 for a slot of ring 1 0x209b0000000000, to slot 7");
}

#[test]
fn gdt_descriptor_of_the_wrong_kind() {
    hostile("gdt-wrong-kind",
            "LoadGdtEntry of a descriptor of the wrong kind (code for data, or data for code) 0xb30000000000, to slot 7");
}

#[test]
fn gdt_conforming_code() {
    hostile("gdt-conforming", "LoadGdtEntry of a conforming code descriptor 0x20ff0000000000, to slot 4");
}

#[test]
fn gdt_descriptor_long_and_32_bit() {
    hostile("gdt-long-and-32-bit", "LoadGdtEntry of a descriptor both long and 32-bit 0x60fb0000000000, to slot 4");
}

#[test]
fn gdt_kernel_code_not_64_bit() {
    hostile("gdt-kernel-code-32-bit", "LoadGdtEntry of a kernel code descriptor that is not 64-bit 0xbb0000000000, to slot 7");
}

#[test]
fn idt_task_gate() {
    hostile("idt-task-gate", "LoadIdtEntry 65: not an interrupt or trap gate (a task gate?)");
}

#[test]
fn idt_gate_with_a_reserved_bit() {
    let reason = killed_for("idt-reserved-bits");
    assert!(reason.starts_with("LoadIdtEntry 65: reserved bits set in 0x") && reason.ends_with(" 0x100ffffffff"),
            "{reason}");
}

#[test]
fn idt_entry_for_the_hypercall_vector() {
    hostile("idt-hypercall-vector", "LoadIdtEntry for vector 31, which is not the Guest's");
}

#[test]
fn idt_gate_asking_for_an_interrupt_stack() {
    hostile("idt-interrupt-stack", "LoadIdtEntry 65: asks for an interrupt stack");
}

#[test]
fn idt_gate_to_a_non_canonical_handler() {
    hostile("idt-handler-non-canonical", "LoadIdtEntry 65: handler 0x800000000000 out of bounds");
}

#[test]
fn idt_gate_to_a_handler_in_the_switcher() {
    hostile("idt-handler-in-the-switcher", "LoadIdtEntry 65: handler 0xffffffffffe00000 out of bounds");
}

// Faults inside the Switcher, and far transfers to the Host's segments.

#[test]
fn the_switcher_refuses_a_data_selector_the_guest_invalidated() {
    hostile_at_some_rip("switcher-refuses-fs",
                        "general protection fault in the Switcher, at its load of the Guest's fs (",
                        ", error code 0x20: selector 0x20)");
}

#[test]
fn gdt_read_only_stack_segment() {
    hostile("gdt-read-only-stack",
            "LoadGdtEntry of a read-only data descriptor for a stack segment's slot 0xb10000000000, to slot 8");
}

#[test]
fn iretq_to_the_hosts_code_segment() {
    hostile_at_some_rip("iretq-to-host", "reached for the Host's segment 0x8 at ", " (general protection fault)");
}

#[test]
fn ljmp_to_the_hosts_code_segment() {
    hostile_at_some_rip("ljmp-to-host", "reached for the Host's segment 0x8 at ", " (general protection fault)");
}

#[test]
fn lcall_to_the_hosts_code_segment() {
    hostile_at_some_rip("lcall-to-host", "reached for the Host's segment 0x8 at ", " (general protection fault)");
}

#[test]
fn lret_to_the_hosts_code_segment() {
    hostile_at_some_rip("lret-to-host", "reached for the Host's segment 0x8 at ", " (general protection fault)");
}
