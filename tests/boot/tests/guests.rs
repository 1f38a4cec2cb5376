//! Boot tests for the Guest, Launcher, Host and Switcher parts: the Host
//! launches Guests from its own image, each boots in ring 1, speaks over
//! its console, and shuts down; the Host reports how each ended, its
//! counters add up, and every frame and heap byte comes back.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use boot_tests::guests::{assert_nothing_lost, console, counters, page_tables};

/// Boot with `cmdline` and the kernel image as the Guests' module.
fn boot_guests(cmdline: &str) -> Outcome {
    boot_tests::guests::boot_guests(cmdline, &[])
}

#[test]
fn two_guests_boot_in_ring_1_and_shut_down() {
    let out = boot_guests("guests=2");
    assert!(out.lines().any(|l| l == "rguest: launcher: 2 guests of 16 MiB each"), "{}", out.report());
    for id in 0..2 {
        assert!(
            out.lines().any(|l| l == format!("rguest: host: guest{id} shut down (PowerOff)")),
            "guest{id} did not shut down\n{}",
            out.report()
        );
    }
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
    assert!(!out.transcript.contains(PANIC_PREFIX), "{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn each_guest_console_arrives_prefixed_and_complete() {
    let out = boot_guests("guests=2 guest-mem=8M");
    for id in 0..2 {
        let lines = console(&out, id);
        assert_eq!(
            lines[..2],
            [
                "rguest: hello from a Guest (long mode, ring 1)".to_string(),
                format!("rguest: guest {id}, 8 MiB of memory, command line \"\""),
            ],
            "guest{id}'s console\n{}",
            out.report()
        );
        // Then the kernel's own roll call, as a Guest, and nothing else.
        let roll_call = [
            "rguest: memory map: 0x000000000000-0x000000800000 available",
            "rguest: frames: ",
            "rguest: page tables: the kernel's own; 8 MiB of RAM mapped at 0xffff800000000000; no identity map",
            "rguest: heap: 1024 KiB at ",
            "rguest: timer: 10 ticks at 100 Hz, ",
            "rguest: tsc: ",
            "rguest: privileged operations: guest",
        ];
        assert_eq!(lines.len(), 2 + roll_call.len(), "guest{id}'s console\n{}", out.report());
        for (line, start) in lines[2..].iter().zip(roll_call) {
            assert!(line.starts_with(start), "guest{id}: {line:?} is not {start:?}\n{}", out.report());
        }
    }
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn the_counters_add_up() {
    let out = boot_guests("guests=2");
    for id in 0..2 {
        let [exits, hypercalls, traps, interrupts, _ring, _injected, _copies] = counters(&out, id);
        assert_eq!(exits, hypercalls + traps + interrupts, "guest{id}\n{}", out.report());
        // Init, at least one console write per line, and Shutdown.
        assert!(hypercalls >= 4, "guest{id} made {hypercalls} hypercalls\n{}", out.report());
        // Every trap is a page fault: a shadow filled, none the Guest's own.
        let [filled, reflected, _switches, _hits, _emptied] = page_tables(&out, id);
        assert_eq!(traps, filled, "guest{id}\n{}", out.report());
        assert!(filled > 0, "guest{id} ran on its own tables without a fault\n{}", out.report());
        assert_eq!(reflected, 0, "guest{id}\n{}", out.report());
    }
}

#[test]
fn guests_without_an_image_are_refused() {
    let out = Boot::new(kernel_elf()).append("guests=1").run().expect("could not start QEMU");
    assert!(
        out.lines().any(|l| l.starts_with(PANIC_PREFIX) && l.contains("needs the kernel image")),
        "{}",
        out.report()
    );
    assert_ne!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn one_guest_with_more_memory() {
    let out = boot_guests("guests=1 guest-mem=32M");
    assert_eq!(console(&out, 0)[1], "rguest: guest 0, 32 MiB of memory, command line \"\"", "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: 1 guests ran; 1 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

/// The line a Guest prints once it has taken its ticks, and the start of
/// the line that says it has finished booting.
const TICKS_TAKEN: &str = "rguest: timer: 10 ticks at 100 Hz, ";
const BOOTED: &str = "rguest: privileged operations: guest";

#[test]
fn each_guest_takes_ten_virtual_ticks_sleeping_in_halt_and_keeps_its_sse_registers() {
    let out = boot_guests("guests=2");
    for id in 0..2 {
        let line = console(&out, id)
            .into_iter()
            .find(|l| l.starts_with(TICKS_TAKEN))
            .unwrap_or_else(|| panic!("guest{id} took no ticks\n{}", out.report()));
        let ms: u64 = line[TICKS_TAKEN.len()..].split(' ').next().and_then(|n| n.parse().ok()).expect("a time");
        // Each Guest's mark in xmm8 survived the Host and the other Guest.
        assert!(line.ends_with("; SSE registers kept"), "guest{id}: {line}\n{}", out.report());
        // Ten ticks 10 ms apart take at least 90 ms, however they fall.
        assert!(ms >= 90, "guest{id}: {line}\n{}", out.report());
        let [exits, hypercalls, _traps, _interrupts, _ring, injected, _copies] = counters(&out, id);
        assert!((10..=11).contains(&injected), "guest{id}\n{}", out.report());
        // Each tick: SetClockEvent and Halt, at least.
        assert!(hypercalls >= 20 && exits >= hypercalls, "guest{id}\n{}", out.report());
    }
}

/// Boot two Guests, the second told to misbehave as `kind`; check that it
/// is killed with a reason containing `reason`, and that the first one
/// finishes its work.
fn hostile(kind: &str, reason: &str) {
    let out = boot_guests(&format!("guests=2 guest-test={kind}"));
    let killed = format!("rguest: host: guest1 killed: ");
    let line = out
        .lines()
        .find(|l| l.starts_with(&killed))
        .unwrap_or_else(|| panic!("guest1 was not killed\n{}", out.report()));
    assert!(line.contains(reason), "{kind}: {line}\n{}", out.report());
    assert!(!console(&out, 1).iter().any(|l| l.contains("still alive")), "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: guest0 shut down (PowerOff)"), "{}", out.report());
    assert!(
        console(&out, 0).iter().any(|l| l == BOOTED),
        "guest0 did not finish\n{}",
        out.report()
    );
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 1 shut down, 1 killed"), "{}", out.report());
    for id in 0..2 {
        let [exits, hypercalls, traps, interrupts, _ring, _injected, _copies] = counters(&out, id);
        assert_eq!(exits, hypercalls + traps + interrupts, "guest{id}\n{}", out.report());
    }
    assert_nothing_lost(&out);
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn hostile_unknown_hypercall() {
    hostile("unknown-hypercall", "unknown hypercall 32343");
}

#[test]
fn hostile_pointer_outside_guest_memory() {
    hostile("outside-memory", "ConsoleWrite of 16 bytes at 0x100000000, outside guest memory");
}

#[test]
fn hostile_gdt_call_gate() {
    hostile("gdt-call-gate", "LoadGdtEntry of a system descriptor");
}

#[test]
fn hostile_idt_gate_to_ring_0() {
    hostile("idt-ring0", "a gate to selector 0x8 (ring 0), not the Guest's code segment");
}

#[test]
fn hostile_write_to_the_switchers_read_only_page() {
    hostile("switcher-write", "page fault on the Switcher's page 0xffffffffffe03000");
}

#[test]
fn hostile_cli() {
    hostile("cli", "executed `cli`");
}

#[test]
fn hostile_hlt() {
    hostile("hlt", "executed `hlt`");
}

#[test]
fn hostile_mov_cr3() {
    hostile("mov-cr3", "executed `mov to or from a control register`");
}

#[test]
fn hostile_wrmsr() {
    hostile("wrmsr", "executed `wrmsr`");
}

#[test]
fn a_guest_runs_on_its_own_page_tables_and_changes_them() {
    let out = boot_guests("guests=2 guest-test=own-tables");
    assert!(
        console(&out, 1).iter().any(|l| l
            == "rguest: guest-test: own-tables: running on them; the page mapped with SetEntry reads back 0x5eed0f7ab1e5"),
        "{}",
        out.report()
    );
    assert!(
        console(&out, 1).iter().any(|l| l.starts_with(TICKS_TAKEN)),
        "guest1 stopped taking ticks on its own tables\n{}",
        out.report()
    );
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn hostile_page_table_entry_outside_guest_memory() {
    hostile("pgtable-outside", "refused: the page at 0xffff800000000000: NotGuestMemory");
}

#[test]
fn hostile_page_table_entry_over_the_switcher() {
    hostile("pgtable-switcher", "page fault on the Switcher's page 0xfffffffffff00000");
}

#[test]
fn hostile_page_table_entry_with_an_unknown_flag() {
    hostile("pgtable-flags", "refused: the entry for 0xffff800000000000 has flags we refuse");
}

#[test]
fn hostile_page_table_entry_with_a_reserved_bit() {
    hostile("pgtable-reserved", "refused: the entry for 0xffff800000000000 has reserved bits set");
}

#[test]
fn hostile_page_table_pointing_at_a_table_outside_guest_memory() {
    hostile("pgtable-table-outside", "refused: a table at 0x1000000 outside guest memory");
}

#[test]
fn hostile_page_table_entry_for_a_1_gib_page() {
    hostile("pgtable-1g", "refused: a 1 GiB page at 0xffff800040000000");
}

#[test]
fn the_gdt_is_copied_only_when_another_guest_ran_or_it_changed() {
    let out = boot_guests("guests=2");
    let (mut copies, mut exits) = (0, 0);
    for id in 0..2 {
        let c = counters(&out, id);
        assert!(c[6] >= 1, "guest{id} ran without its GDT\n{}", out.report());
        (copies, exits) = (copies + c[6], exits + c[0]);
    }
    // Each copy follows a turn of the other Guest; there are far fewer
    // turns than exits (every Halt and hypercall is an exit).
    assert!(copies * 2 < exits, "{copies} copies for {exits} exits\n{}", out.report());
}

#[test]
fn queued_hypercalls_run_in_order_and_free_their_slots() {
    // Under -icount the Host's timer ticks at the same instruction every
    // run, so no tick can land between the three calls on one run and
    // not on another (with real time, one sometimes did, and drained the
    // ring early).
    let out = Boot::new(kernel_elf())
        .with_guest_image()
        .append("guests=2 guest-test=ring")
        .arg("-icount")
        .arg("shift=0")
        .run()
        .expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    let lines = console(&out, 1);
    let at = lines.iter().position(|l| l == "rguest: ring: one").unwrap_or_else(|| panic!("{}", out.report()));
    assert_eq!(
        lines[at..at + 4],
        ["rguest: ring: one", "rguest: ring: two", "rguest: ring: three", "rguest: guest-test: ring: 3 calls queued, 3 done"],
        "{}",
        out.report()
    );
    // Both queue their GDT and IDT entries; guest1 the three writes too.
    assert_eq!(counters(&out, 1)[4], counters(&out, 0)[4] + 3, "ring hypercalls\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn an_exception_reaches_the_guests_own_handler_below_its_red_zone() {
    let out = boot_guests("guests=2 guest-test=trap-handler");
    assert!(
        console(&out, 1).iter().any(|l| l == "rguest: guest-test: trap-handler: back from ud2; red zone intact"),
        "{}",
        out.report()
    );
    // One trap besides the page faults that filled its shadow.
    assert_eq!(counters(&out, 1)[2], page_tables(&out, 1)[0] + 1, "guest1's traps\n{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn hostile_halt_with_nothing_to_wake_it() {
    hostile("halt-forever", "Halt with no clock armed and nothing pending");
}

#[test]
fn no_interrupt_is_delivered_inside_the_guests_window() {
    let out = boot_guests("guests=2 guest-test=irq-window");
    assert!(
        console(&out, 1).iter().any(|l| l == "rguest: guest-test: irq-window: 0 ticks inside the window, 1 after it"),
        "{}",
        out.report()
    );
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn hostile_syscall() {
    hostile("syscall", "executed `syscall`");
}

#[test]
fn a_queued_hypercall_costs_less_than_a_trip() {
    let out = Boot::new(kernel_elf())
        .with_guest_image()
        .append("guests=1 guest-test=bench")
        .arg("-icount")
        .arg("shift=0")
        .run()
        .expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    let prefix = "rguest: guest-test: bench: a hypercall ";
    let line = console(&out, 0)
        .into_iter()
        .find_map(|l| l.strip_prefix(prefix).map(str::to_string))
        .unwrap_or_else(|| panic!("no bench line\n{}", out.report()));
    let n: Vec<u64> = line.split(|c: char| !c.is_ascii_digit()).filter_map(|w| w.parse().ok()).collect();
    let [direct, queued] = n[..] else { panic!("odd bench line: {line}") };
    // Once under half; the trip has lost three quarters of its cost since
    // (the Host part's "Where the instructions go"), the queued call far
    // less, as the two share the checks and the call itself.
    assert!(queued > 0 && queued < direct, "{line}\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}
