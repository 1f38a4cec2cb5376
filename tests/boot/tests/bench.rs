//! The bench program under `-icount shift=0`: natively it prints three
//! figures, and as `make bench` runs it, in a Guest too, with the Guest's
//! hypercall round trip; each must be there and positive. (Their values
//! belong to the build, not to the test.)

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
fn bench_in_a_guest_prints_four_positive_figures() {
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
}
