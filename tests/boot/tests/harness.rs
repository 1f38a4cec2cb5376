//! The harness itself: a machine that never exits is killed at the time
//! limit and reported as such, rather than hanging the test run.

use boot_tests::{kernel_elf, Boot};
use std::time::Duration;

#[test]
fn a_stuck_machine_is_killed_at_the_time_limit() {
    // -S: QEMU starts with the CPU stopped, so the kernel never runs.
    let out = Boot::new(kernel_elf()).arg("-S").timeout(Duration::from_secs(1)).run().unwrap();
    assert!(out.timed_out, "{}", out.report());
    assert_eq!(out.status, None);
    assert!(out.transcript.is_empty());
}
