//! The bench program, as `make bench` runs it: under `-icount shift=0`, it
//! prints three figures, and each must be there and positive. (Their values
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
