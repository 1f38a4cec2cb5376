//! Boot tests for the chapters on traps, ticks and serial input: the timer
//! ticks and the TSC gets a plausible rate; a system call from ring 0
//! round-trips every register; deliberate ring-0 faults are reported with
//! their registers and fail the run; serial input arrives by interrupt.

use boot_tests::{kernel_elf, Boot, Outcome, FAILURE_STATUS, PANIC_PREFIX, SUCCESS_STATUS};

fn boot(cmdline: &str) -> Outcome {
    let out = Boot::new(kernel_elf()).append(cmdline).run().expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    out
}

/// The number in a line `PREFIX<number>SUFFIX`, if the transcript has one.
fn number_after(out: &Outcome, prefix: &str) -> Option<u64> {
    out.lines().find_map(|l| {
        let rest = l.strip_prefix(prefix)?;
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    })
}

#[test]
fn timer_ticks_arrive_and_the_tsc_is_calibrated() {
    let out = boot("");
    let ticks = number_after(&out, "rguest: timer: ")
        .unwrap_or_else(|| panic!("no timer line\n{}", out.report()));
    // The calibration measures over two ticks (Preparation, "Ticks").
    assert!(ticks >= 2, "only {ticks} ticks\n{}", out.report());
    assert!(out.lines().any(|l| l.ends_with("ticks at 100 Hz")), "{}", out.report());
    let mhz = number_after(&out, "rguest: tsc: ")
        .unwrap_or_else(|| panic!("no tsc line\n{}", out.report()));
    assert!((100..=100_000).contains(&mhz), "implausible TSC rate {mhz} MHz\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn a_system_call_from_ring_0_keeps_every_register() {
    let out = boot("trap-test");
    assert!(
        out.lines().any(|l| l.starts_with("rguest: trap-test: int 0x80 returned 0x") && l.ends_with("registers intact")),
        "no trap-test line\n{}",
        out.report()
    );
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

/// Boot with `fault-test=KIND` and return the FATAL line, after checking
/// the dump's register lines and the failure status.
fn fatal_line(kind: &str) -> (Outcome, String) {
    let out = boot(&format!("fault-test={kind}"));
    let line = out
        .lines()
        .find(|l| l.starts_with("rguest: FATAL: "))
        .unwrap_or_else(|| panic!("no FATAL line\n{}", out.report()))
        .to_string();
    for reg in ["rax", "rsp", "r15", "rflags", "rip"] {
        assert!(
            out.lines().any(|l| l.starts_with("rguest:  ") && l.split_whitespace().any(|w| w == reg)),
            "no {reg} in the register dump\n{}",
            out.report()
        );
    }
    assert_eq!(out.status, Some(FAILURE_STATUS), "{}", out.report());
    (out, line)
}

/// The hexadecimal number after `key ` in `line`.
fn hex_after(line: &str, key: &str) -> Option<u64> {
    let rest = &line[line.find(key)? + key.len()..];
    let hex = rest.trim_start().strip_prefix("0x")?;
    let digits: String = hex.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    u64::from_str_radix(&digits, 16).ok()
}

#[test]
fn a_divide_error_in_ring_0_is_reported_and_fails() {
    let (out, line) = fatal_line("divide");
    assert!(line.contains("divide error in ring 0 (vector 0, error code 0x0)"), "{line}\n{}", out.report());
    let rip = hex_after(&line, "at rip").expect("a rip");
    assert!(rip >= 0xffff_ffff_8000_0000, "rip {rip:#x} outside the kernel");
}

#[test]
fn a_page_fault_in_ring_0_reports_cr2_and_fails() {
    let (out, line) = fatal_line("page");
    assert!(line.contains("page fault in ring 0 (vector 14, error code 0x"), "{line}\n{}", out.report());
    assert!(hex_after(&line, "at rip").is_some(), "{line}");
    let cr2 = out
        .lines()
        .find_map(|l| hex_after(l.strip_prefix("rguest:   cr2")?, ""))
        .unwrap_or_else(|| panic!("no cr2\n{}", out.report()));
    // UNMAPPED_PAGE in layout.rs: the page below KERNEL_BASE.
    assert_eq!(cr2, 0xffff_ffff_7fff_f000, "{}", out.report());
}

#[test]
fn a_bad_kernel_stack_double_faults_onto_its_own_stack() {
    let (out, line) = fatal_line("stack");
    assert!(line.contains("double fault in ring 0 (vector 8, error code 0x0)"), "{line}\n{}", out.report());
}

#[test]
fn serial_input_arrives_by_interrupt() {
    let out = Boot::new(kernel_elf())
        .append("serial-test")
        .input_after("rguest: serial-test: waiting for a line", "hello, kernel\n")
        .run()
        .expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: serial input: hello, kernel"), "no echo\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}
