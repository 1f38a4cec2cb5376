//! What the boot tests of Guests share: a boot with the kernel image as
//! the Guests' module, a Guest's console, the Host's counter lines, and
//! the check that every frame and heap byte came back.

use crate::qemu::{kernel_elf, Boot, Outcome};
use crate::PANIC_PREFIX;

/// Boot with `cmdline`, the kernel image as the Guests' module, and QEMU's
/// `extra` arguments; the boot must end within its time limit, with no
/// kernel panicking.
pub fn boot_guests(cmdline: &str, extra: &[&str]) -> Outcome {
    let mut boot = Boot::new(kernel_elf()).with_guest_image().append(cmdline);
    for arg in extra {
        boot = boot.arg(arg);
    }
    let out = boot.run().expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "a kernel panicked\n{}", out.report());
    out
}

/// Guest `id`'s console line that starts with `prefix`, without it.
pub fn said<'a>(out: &'a Outcome, id: u64, prefix: &str) -> &'a str {
    let prefix = format!("guest{id}: {prefix}");
    out.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("guest{id} never said {prefix:?}\n{}", out.report()))
}

/// Guest `id`'s console lines, in order, without the prefix.
pub fn console(out: &Outcome, id: u64) -> Vec<String> {
    let prefix = format!("guest{id}: ");
    out.lines().filter_map(|l| l.strip_prefix(&prefix)).map(str::to_string).collect()
}

/// The numbers in `line`, in order.
pub fn numbers(line: &str) -> Vec<u64> {
    line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).map(|w| w.parse().unwrap()).collect()
}

/// The `N` numbers of the Host's line about guest `id` that goes on with
/// `what` (as "exits " or "page tables: ").
pub fn host_line<const N: usize>(out: &Outcome, id: u64, what: &str) -> [u64; N] {
    let prefix = format!("rguest: host: guest{id} {what}");
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no line {prefix:?}\n{}", out.report()));
    numbers(line).try_into().unwrap_or_else(|n| panic!("odd line {n:?}: {line}"))
}

/// Guest `id`'s counters: exits, hypercalls, traps, interrupts, ring
/// hypercalls, injected, GDT copies.
pub fn counters(out: &Outcome, id: u64) -> [u64; 7] {
    host_line(out, id, "exits ")
}

/// Guest `id`'s page-table counters: shadow faults, faults reflected,
/// page-table switches, cache hits, shadows emptied.
pub fn page_tables(out: &Outcome, id: u64) -> [u64; 5] {
    host_line(out, id, "page tables: ")
}

/// The Host's last line: every frame and heap byte back.
pub fn assert_nothing_lost(out: &Outcome) {
    let line = out
        .lines()
        .find(|l| l.starts_with("rguest: host: free frames "))
        .unwrap_or_else(|| panic!("no free-frames line\n{}", out.report()));
    let n = numbers(line);
    assert_eq!(n.len(), 4, "{line}");
    assert!(n[0] > 0, "{line}");
    assert_eq!(n[0], n[1], "the Guests lost frames: {line}");
    assert_eq!(n[2], n[3], "the Guests lost heap memory: {line}");
}
