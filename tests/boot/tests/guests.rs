//! Boot tests for the Guest, Launcher, Host and Switcher parts: the Host
//! launches Guests from its own image, each boots in ring 1, speaks over
//! its console, and shuts down; the Host reports how each ended, its
//! counters add up, and every frame and heap byte comes back.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};

/// Boot with `cmdline` and the kernel image as the Guests' module.
pub fn boot_guests(cmdline: &str) -> Outcome {
    let out = Boot::new(kernel_elf())
        .with_guest_image()
        .append(cmdline)
        .run()
        .expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    out
}

/// Guest `id`'s console lines, in order, without the prefix.
fn console(out: &Outcome, id: u64) -> Vec<String> {
    let prefix = format!("guest{id}: ");
    out.lines().filter_map(|l| l.strip_prefix(&prefix)).map(str::to_string).collect()
}

/// The numbers in guest `id`'s counter line: exits, hypercalls, traps,
/// interrupts, ring hypercalls, injected.
fn counters(out: &Outcome, id: u64) -> [u64; 6] {
    let prefix = format!("rguest: host: guest{id} exits ");
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no counters for guest{id}\n{}", out.report()));
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect();
    numbers.try_into().unwrap_or_else(|n| panic!("odd counter line {n:?}: {line}"))
}

/// The Host's last line: every frame and heap byte back.
fn assert_nothing_lost(out: &Outcome) {
    let line = out
        .lines()
        .find(|l| l.starts_with("rguest: host: free frames "))
        .unwrap_or_else(|| panic!("no free-frames line\n{}", out.report()));
    let n: Vec<&str> = line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).collect();
    assert_eq!(n.len(), 4, "{line}");
    assert_eq!(n[0], n[1], "the Guests lost frames: {line}");
    assert_eq!(n[2], n[3], "the Guests lost heap memory: {line}");
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
        assert_eq!(
            console(&out, id),
            [
                "rguest: hello from a Guest (long mode, ring 1)".to_string(),
                format!("rguest: guest {id}, 8 MiB of memory, command line \"\""),
            ],
            "guest{id}'s console\n{}",
            out.report()
        );
    }
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn the_counters_add_up() {
    let out = boot_guests("guests=2");
    for id in 0..2 {
        let [exits, hypercalls, traps, interrupts, _ring, _injected] = counters(&out, id);
        assert_eq!(exits, hypercalls + traps + interrupts, "guest{id}\n{}", out.report());
        // Init, at least one console write per line, and Shutdown.
        assert!(hypercalls >= 4, "guest{id} made {hypercalls} hypercalls\n{}", out.report());
        assert_eq!(traps, 0, "guest{id}\n{}", out.report());
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
