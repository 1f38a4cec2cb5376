//! The bench program under `-icount shift=0`: natively it prints three
//! figures, and as `make bench` runs it, in a Guest too, with the Guest's
//! hypercall round trip; each must be there and positive. And none may be
//! more than 10% over its baseline for the kernel's target, in
//! kernel/bench-baseline.txt (`make bench-baseline` rewrites it, on
//! purpose, in the commit of the change that earns it).

use boot_tests::{kernel_elf, Boot, PANIC_PREFIX, SUCCESS_STATUS};

const FIGURES: [&str; 3] = [
    "bench: null system call (getpid)",
    "bench: demand-zero page fault",
    "bench: context switch (yield)",
];

#[test]
fn bench_prints_three_positive_figures() {
    let out = Boot::new(kernel_elf())
        .append("programs=bench")
        .arg("-icount")
        .arg("shift=0")
        .run()
        .expect("could not start QEMU");
    eprintln!("bench: QEMU ran for {:?}", out.elapsed);
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "the kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    for figure in FIGURES {
        let value = out
            .lines()
            .find_map(|l| l.strip_prefix(figure))
            .unwrap_or_else(|| panic!("no {figure:?} line\n{}", out.report()));
        let value: u64 = value.trim().parse().unwrap_or_else(|_| panic!("{figure}: not a number: {value:?}"));
        assert!(value > 0, "{figure}: {value}\n{}", out.report());
    }
    assert!(out.lines().any(|l| l.ends_with("(bench) exited with status 0")), "{}", out.report());
}

/// What `make bench` boots (its BENCH_APPEND): the bench natively, then in
/// a Guest, which first times a hypercall.
const BENCH_APPEND: &str = "programs=bench guests=1 guest-programs=bench guest-test=bench";

/// The number at the end of the first line that starts with `prefix`.
fn figure(out: &boot_tests::Outcome, prefix: &str) -> u64 {
    let rest = out
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} line\n{}", out.report()));
    let digits: String = rest.trim().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("{prefix}: not a number: {rest:?}"))
}

#[test]
fn bench_in_a_guest_prints_four_positive_figures_none_over_its_baseline() {
    let out = Boot::new(kernel_elf())
        .with_guest_image()
        .append(BENCH_APPEND)
        .arg("-icount")
        .arg("shift=0")
        .timeout(std::time::Duration::from_secs(240))
        .run()
        .expect("could not start QEMU");
    eprintln!("bench in a Guest: QEMU ran for {:?}", out.elapsed);
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "the kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    let mut figures: Vec<u64> = FIGURES.iter().map(|f| figure(&out, &format!("guest0: {f}"))).collect();
    figures.push(figure(&out, "guest0: rguest: guest-test: bench: a hypercall "));
    assert!(figures.iter().all(|&f| f > 0), "{figures:?}\n{}", out.report());
    for f in FIGURES {
        assert!(figure(&out, f) > 0, "{f} natively\n{}", out.report());
    }
    guard(&out);
}

/// The baseline file, and the most a figure may grow over its baseline, in
/// percent.
const BASELINE: &str = "kernel/bench-baseline.txt";
const MARGIN_PERCENT: u64 = 10;

/// Each name in the baseline (kernel/bench.awk knows the same ones), and
/// the line of the transcript that ends with its figure.
const NAMED: [(&str, &str); 7] = [
    ("null-syscall.native", "bench: null system call (getpid)"),
    ("null-syscall.guest", "guest0: bench: null system call (getpid)"),
    ("demand-zero-fault.native", "bench: demand-zero page fault"),
    ("demand-zero-fault.guest", "guest0: bench: demand-zero page fault"),
    ("context-switch.native", "bench: context switch (yield)"),
    ("context-switch.guest", "guest0: bench: context switch (yield)"),
    ("hypercall.guest", "guest0: rguest: guest-test: bench: a hypercall "),
];

/// The kernel's target, from its path: target/kernel/<target>/<profile>/rguest.
fn kernel_target() -> String {
    let elf = kernel_elf();
    let target = elf.parent().and_then(|p| p.parent()).and_then(|p| p.file_name());
    target.and_then(|t| t.to_str()).unwrap_or_else(|| panic!("no target in {}", elf.display())).to_string()
}

/// This target's lines of the baseline file: (name, instructions).
fn baseline(target: &str) -> Vec<(String, u64)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(BASELINE);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let [t, name, value] = words[..] else { panic!("{BASELINE}: not `target name value`: {l:?}") };
            let value = value.parse().unwrap_or_else(|_| panic!("{BASELINE}: not a number: {l:?}"));
            (t == target).then(|| (name.to_string(), value))
        })
        .collect()
}

/// Every figure against its baseline: none may be more than MARGIN_PERCENT
/// over it, and every figure must have one.
fn guard(out: &boot_tests::Outcome) {
    let target = kernel_target();
    let base = baseline(&target);
    let mut table = format!("{:<26} {:>7} {:>9} {:>7}  (baseline for {target}, {BASELINE})\n", "figure", "now", "baseline", "limit");
    let mut failures = Vec::new();
    for (name, prefix) in NAMED {
        let now = figure(out, prefix);
        let Some(&(_, was)) = base.iter().find(|(n, _)| n == name) else {
            failures.push(format!("{name}: {now}, and no baseline for {target}: `make bench-baseline`"));
            continue;
        };
        let limit = was * (100 + MARGIN_PERCENT) / 100;
        let verdict = if now > limit { "  OVER" } else { "" };
        table += &format!("{name:<26} {now:>7} {was:>9} {limit:>7}{verdict}\n");
        if now > limit {
            failures.push(format!(
                "{name}: {now} instructions, more than {MARGIN_PERCENT}% over its baseline {was} (limit {limit})"
            ));
        }
    }
    for (name, _) in &base {
        // The mixed workload's figures come from a boot of their own,
        // guarded by tests/boot/tests/mixed_workload.rs.
        if !NAMED.iter().any(|(n, _)| n == name) && !name.starts_with("mixed-workload.") {
            failures.push(format!("{BASELINE}: {name}, a figure this test does not know"));
        }
    }
    eprint!("{table}");
    assert!(
        failures.is_empty(),
        "{}\n{table}A figure that grew on purpose needs `make bench-baseline`, committed with the change.",
        failures.join("\n")
    );
}
