//! Boot tests for "each Guest pays for itself": a Guest's page tables are
//! charged to a budget fixed at launch; over it, its own shadows are
//! emptied (or, if that is not enough, it is killed), never a neighbour's;
//! and the Launcher refuses, with a line, a Guest there is no room for.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};

fn boot(cmdline: &str) -> Outcome {
    let out = Boot::new(kernel_elf()).with_guest_image().append(cmdline).run().expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "a kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    let line = out
        .lines()
        .find(|l| l.starts_with("rguest: host: free frames "))
        .unwrap_or_else(|| panic!("no free-frames line\n{}", out.report()));
    let n: Vec<&str> = line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).collect();
    assert!(n.len() == 4 && n[0] == n[1] && n[2] == n[3], "the Guests lost memory: {line}");
    out
}

/// Guest `id`'s Host-frame line: now, peak, budget, emptied for it.
fn host_frames(out: &Outcome, id: u64) -> [u64; 4] {
    let prefix = format!("rguest: host: guest{id} Host frames: ");
    let line = out.lines().find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no Host-frame line for guest{id}\n{}", out.report()));
    let n: Vec<u64> = line.split(|c: char| !c.is_ascii_digit()).filter_map(|w| w.parse().ok()).collect();
    n.try_into().unwrap_or_else(|n| panic!("odd line {n:?}: {line}"))
}

#[test]
fn a_guest_hoarding_shadow_tables_pays_with_its_own_shadows_and_its_neighbour_finishes() {
    // guest1 maps a page in each of 100 regions 2 MiB apart: a table each.
    let out = boot("guests=2 guest-budget=48 guest-test=shadow-regions");
    assert!(out.lines().any(|l| l == "guest1: rguest: shadow-test: 100 pages 2 MiB apart, read twice: 4950 and 4950"),
            "{}", out.report());
    let [_now, _peak, budget, emptied] = host_frames(&out, 1);
    assert_eq!(budget, 48, "{}", out.report());
    assert!(emptied >= 1, "guest1 was never held to its budget\n{}", out.report());
    let [_now, peak, _budget, emptied] = host_frames(&out, 0);
    assert!(peak <= 48 && emptied == 0, "guest0 paid for guest1\n{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
}

/// `guest-budget=` holds every Guest of the boot, so a neighbour would be
/// killed the same way: this one shows the kill and that the Host carries
/// on with every frame back (`boot` checks that), not a neighbour.
#[test]
fn a_guest_whose_budget_cannot_hold_even_its_first_tables_is_killed_and_the_host_carries_on() {
    let out = boot("guests=1 guest-budget=8");
    assert!(out.lines().any(|l| l == "rguest: host: 1 guests ran; 0 shut down, 1 killed"), "{}", out.report());
    let line = out.lines().find_map(|l| l.strip_prefix("rguest: host: guest0 killed: "))
        .unwrap_or_else(|| panic!("guest0 was not killed\n{}", out.report()));
    assert!(line.starts_with("its page tables need ") && line.ends_with(" of the Host's frames, over its budget of 8"),
            "{line}");
}

#[test]
fn the_launcher_refuses_guests_there_is_no_room_for_and_runs_the_others() {
    let out = boot("guests=40");
    let refusal = out.lines().find(|l| l.starts_with("rguest: launcher: no room for guest"))
        .unwrap_or_else(|| panic!("no Guest was refused\n{}", out.report()));
    assert!(refusal.contains(" MiB of memory and up to ") && refusal.contains(" promised to the Guests before it"),
            "{refusal}");
    let ran: u64 = refusal["rguest: launcher: no room for guest".len()..].split(':').next().unwrap().parse().unwrap();
    assert!(ran >= 1, "{refusal}");
    assert!(out.lines().any(|l| l == format!("rguest: host: {ran} guests ran; {ran} shut down, 0 killed")),
            "{}", out.report());
    assert_eq!(out.lines().filter(|l| l.starts_with("rguest: launcher: no room")).count(), 1, "{}", out.report());
}
