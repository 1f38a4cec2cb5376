//! The mixed workload (`mix` and its `mixer`s, the Preparation's "Working
//! together") under `-icount shift=0`, natively and in a Guest, as `make
//! bench` boots it: its lines are the same in both, every checksum
//! included; its total is there in both; and neither total is more than
//! 10% over its baseline in kernel/bench-baseline.txt.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use std::time::Duration;

/// What `make bench` boots for the workload (its MIX_APPEND).
const MIX_APPEND: &str = "programs=mix guests=1 guest-programs=mix";
/// The line that ends with the total, in TSC ticks.
const TOTAL: &str = "bench: mixed workload (mix)";
const BASELINE: &str = "kernel/bench-baseline.txt";
const MARGIN_PERCENT: u64 = 10;
/// A few seconds under TCG; a hang must still fail.
const TIMEOUT: Duration = Duration::from_secs(240);

fn boot() -> Outcome {
    let out = Boot::new(kernel_elf())
        .with_guest_image()
        .append(MIX_APPEND)
        .arg("-icount")
        .arg("shift=0")
        .timeout(TIMEOUT)
        .run()
        .expect("could not start QEMU");
    eprintln!("mixed workload: QEMU ran for {:?}", out.elapsed);
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "a kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    out
}

/// The workload's own lines, from the transcript lines that start with
/// `prefix` ("" natively, "guest0: " in the Guest).
fn mix_lines<'a>(out: &'a Outcome, prefix: &str) -> Vec<&'a str> {
    out.lines().filter_map(|l| l.strip_prefix(prefix)).filter(|l| l.starts_with("mix: ")).collect()
}

fn total(out: &Outcome, prefix: &str) -> u64 {
    let line = format!("{prefix}{TOTAL}");
    out.lines()
        .find_map(|l| l.strip_prefix(line.as_str()))
        .and_then(|rest| rest.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {line:?} line with a number\n{}", out.report()))
}

/// The kernel's target, from its path: target/kernel/<target>/<profile>/rguest.
fn kernel_target() -> String {
    let elf = kernel_elf();
    let target = elf.parent().and_then(|p| p.parent()).and_then(|p| p.file_name());
    target.and_then(|t| t.to_str()).unwrap_or_else(|| panic!("no target in {}", elf.display())).to_string()
}

/// The baseline of figure `name` for `target`.
fn baseline(target: &str, name: &str) -> Option<u64> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(BASELINE);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        match words[..] {
            [t, n, value] if t == target && n == name => value.parse().ok(),
            _ => None,
        }
    })
}

#[test]
fn the_mixed_workload_says_the_same_natively_and_in_a_guest_and_keeps_to_its_baseline() {
    let out = boot();
    let native = mix_lines(&out, "");
    let guest = mix_lines(&out, "guest0: ");
    // The heading, 24 jobs and the combined checksum.
    assert_eq!(native.len(), 26, "{}", out.report());
    assert_eq!(native.first(), Some(&"mix: 3 workers, 24 jobs"), "{}", out.report());
    assert!(native.last().is_some_and(|l| l.starts_with("mix: all 24 jobs done, combined checksum 0x")),
            "{}", out.report());
    assert_eq!(native, guest, "the Guest's mix said something else\n{}", out.report());
    // Every worker ended, natively and in the Guest, three and three.
    let ended = out.lines().filter(|l| l.contains("(mixer) exited with status 0")).count();
    assert_eq!(ended, 6, "{}", out.report());
    let target = kernel_target();
    let mut failures = Vec::new();
    for (name, prefix) in [("mixed-workload.native", ""), ("mixed-workload.guest", "guest0: ")] {
        let now = total(&out, prefix);
        assert!(now > 0, "{name}: {now}");
        match baseline(&target, name) {
            None => failures.push(format!("{name}: {now}, and no baseline for {target}: `make bench-baseline`")),
            Some(was) if now > was * (100 + MARGIN_PERCENT) / 100 => failures.push(format!(
                "{name}: {now} instructions, more than {MARGIN_PERCENT}% over its baseline {was}")),
            Some(was) => eprintln!("{name}: {now} (baseline {was})"),
        }
    }
    assert!(failures.is_empty(), "{}\nA figure that grew on purpose needs `make bench-baseline`.", failures.join("\n"));
}
