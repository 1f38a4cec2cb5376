//! Boot tests for many Guests at once in a machine of a gigabyte: 256 small
//! Guests all run to the end, and a request for more than memory allows is
//! refused at launch, in one line, while the Guests that fit still run
//! (the Launcher's "Launching", and the Host's "What a Guest pays for").

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use std::time::Duration;

/// What each Guest gets: 3 MiB of memory, and a budget of 64 of the Host's
/// frames for its page tables (it peaks at about a dozen with no programs).
const SMALL_GUESTS: &str = "programs= guest-mem=3M guest-budget=64";
/// Hundreds of Guests booting one after another take a few seconds under
/// TCG; a hang must still fail.
const TIMEOUT: Duration = Duration::from_secs(180);

fn boot_in_a_gigabyte(guests: u32) -> Outcome {
    let out = Boot::new(kernel_elf())
        .with_guest_image()
        .arg("-m")
        .arg("1G")
        .timeout(TIMEOUT)
        .append(&format!("{SMALL_GUESTS} guests={guests}"))
        .run()
        .expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "a kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    // A gigabyte of RAM, not QEMU's default of the other tests.
    let frames = out.lines().find_map(|l| l.strip_prefix("rguest: frames: "))
        .and_then(|rest| rest.split(' ').next()?.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no frames line\n{}", out.report()));
    assert!((250_000..262_144).contains(&frames), "{frames} free frames: not a 1 GiB machine");
    // Every frame and heap byte the Guests had is back.
    let line = out.lines().find(|l| l.starts_with("rguest: host: free frames "))
        .unwrap_or_else(|| panic!("no free-frames line\n{}", out.report()));
    let n: Vec<&str> = line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).collect();
    assert!(n.len() == 4 && n[0] == n[1] && n[2] == n[3], "the Guests lost memory: {line}");
    out
}

#[test]
fn two_hundred_and_fifty_six_guests_run_at_once_in_a_gigabyte() {
    let out = boot_in_a_gigabyte(256);
    assert!(!out.lines().any(|l| l.starts_with("rguest: launcher: no room")), "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: 256 guests ran; 256 shut down, 0 killed"), "{}", out.report());
    for id in [0, 255] {
        let booted = format!("guest{id}: rguest: privileged operations: guest");
        assert!(out.lines().any(|l| l == booted), "guest{id} did not boot\n{}", out.report());
        let down = format!("rguest: host: guest{id} shut down (PowerOff)");
        assert!(out.lines().any(|l| l == down), "guest{id} did not shut down\n{}", out.report());
    }
}

#[test]
fn asking_for_more_guests_than_a_gigabyte_holds_is_refused_at_launch_and_the_others_run() {
    let out = boot_in_a_gigabyte(400);
    let refusals: Vec<&str> = out.lines().filter(|l| l.starts_with("rguest: launcher: no room for guest")).collect();
    assert_eq!(refusals.len(), 1, "{}", out.report());
    let refusal = refusals[0];
    assert!(refusal.contains(": it needs ") && refusal.contains(" (3 MiB of memory and up to ")
            && refusal.contains(" promised to the Guests before it"), "{refusal}");
    let first_refused: u64 = refusal["rguest: launcher: no room for guest".len()..]
        .split(':').next().and_then(|n| n.parse().ok()).expect("a Guest number");
    assert!((256..400).contains(&first_refused), "{refusal}");
    assert!(out.lines().any(|l| l == format!("rguest: host: {first_refused} guests ran; {first_refused} shut down, 0 killed")),
            "{}", out.report());
    // The refused ones never started.
    let refused_console = format!("guest{first_refused}: ");
    assert!(!out.lines().any(|l| l.starts_with(&refused_console)), "{}", out.report());
}
