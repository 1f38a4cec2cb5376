//! Boot tests for the memory chapters ("What there is", "Page tables of our
//! own", "A heap"): what the kernel says about the memory map, its free
//! frames, its page tables and heap; and `memory-test`, which must give
//! back every frame and heap byte it took.

use boot_tests::{Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS, kernel_elf};

/// Boots with `cmdline` (and extra QEMU arguments) and insists on a clean exit.
fn boot(cmdline: &str, extra: &[&str]) -> Outcome {
    let mut boot = Boot::new(kernel_elf()).append(cmdline);
    for arg in extra {
        boot = boot.arg(arg);
    }
    let out = boot.run().expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(
        !out.transcript.contains(PANIC_PREFIX),
        "the kernel panicked\n{}",
        out.report()
    );
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    out
}

/// The text after `prefix` on the first line that starts with it.
fn after<'a>(out: &'a Outcome, prefix: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?}\n{}", out.report()))
}

fn hex(s: &str) -> u64 {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|_| panic!("not hex: {s:?}"))
}

/// Bytes of available RAM in the printed memory map.
fn available_bytes(out: &Outcome) -> u64 {
    let regions: Vec<(u64, u64, &str)> = out
        .lines()
        .filter_map(|l| l.strip_prefix("rguest: memory map: "))
        .filter_map(|rest| {
            let (range, kind) = rest.split_once(' ')?;
            let (start, end) = range.split_once('-')?;
            Some((hex(start), hex(end), kind))
        })
        .collect();
    assert!(!regions.is_empty(), "no memory map printed\n{}", out.report());
    assert!(
        regions.iter().all(|(s, e, _)| s < e),
        "an empty or reversed region\n{}",
        out.report()
    );
    regions
        .iter()
        .filter(|(_, _, kind)| *kind == "available")
        .map(|(s, e, _)| e - s)
        .sum()
}

/// The number in "rguest: frames: N free (...)".
fn free_frames(out: &Outcome) -> u64 {
    let rest = after(out, "rguest: frames: ");
    rest.split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("bad frames line {rest:?}"))
}

#[test]
fn boot_reports_memory_map_frames_page_tables_and_heap() {
    let out = boot("", &[]);
    // QEMU's 128 MiB, less the legacy holes and what the firmware keeps.
    let available = available_bytes(&out);
    assert!(
        (120 << 20..=128 << 20).contains(&available),
        "{available:#x} available\n{}",
        out.report()
    );
    // Every free frame is available RAM; all but the first MiB, the kernel
    // image and the loader's data are free.
    let free = free_frames(&out) * 4096;
    assert!(
        free <= available && free >= available - (4 << 20),
        "{free:#x} free of {available:#x}\n{}",
        out.report()
    );
    let tables = after(&out, "rguest: page tables: the kernel's own; ");
    assert!(
        tables.starts_with("128 MiB of RAM mapped at 0xffff800000000000"),
        "{}",
        out.report()
    );
    assert!(tables.ends_with("no identity map"), "{}", out.report());
    assert!(
        after(&out, "rguest: heap: ").starts_with("8192 KiB at 0xffff8000"),
        "{}",
        out.report()
    );
}

#[test]
fn more_memory_means_more_frames() {
    let small = free_frames(&boot("", &[]));
    // A second -m overrides the helper's 128M.
    let large = boot("", &["-m", "256M"]);
    let difference = free_frames(&large) - small;
    assert_eq!(difference, (128 << 20) / 4096, "{}", large.report());
    assert!(
        after(&large, "rguest: page tables: the kernel's own; ").starts_with("256 MiB"),
        "{}",
        large.report()
    );
}

/// "free frames A (at start B), free heap bytes C (at start D)": A, B, C, D.
fn memory_test_counts(out: &Outcome) -> [u64; 4] {
    let line = after(out, "rguest: memory-test: free frames ");
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect();
    numbers
        .try_into()
        .unwrap_or_else(|n| panic!("expected four numbers, got {n:?}\n{}", out.report()))
}

#[test]
fn memory_test_gives_back_every_frame_and_heap_byte() {
    let out = boot("memory-test", &[]);
    assert!(
        out.lines()
            .any(|l| l == "rguest: memory-test: 1024 frames, singly and in a run"),
        "{}",
        out.report()
    );
    assert!(
        out.lines()
            .any(|l| l == "rguest: memory-test: 1025 pages mapped, written, read back, half unmapped"),
        "{}",
        out.report()
    );
    let [frames_now, frames_start, heap_now, heap_start] = memory_test_counts(&out);
    assert_eq!(frames_now, frames_start, "{}", out.report());
    assert_eq!(heap_now, heap_start, "{}", out.report());
    assert_eq!(
        heap_start,
        8 << 20,
        "the heap should be untouched before the test\n{}",
        out.report()
    );
    assert!(
        out.lines().any(|l| l == "rguest: memory-test: passed"),
        "{}",
        out.report()
    );
}

#[test]
fn memory_test_takes_its_page_count_from_the_command_line() {
    // 3000 pages: six page tables' worth.
    let out = boot("memory-test memory-test-pages=3000", &[]);
    assert!(
        out.lines()
            .any(|l| l == "rguest: memory-test: 3001 pages mapped, written, read back, half unmapped"),
        "{}",
        out.report()
    );
    let [frames_now, frames_start, heap_now, heap_start] = memory_test_counts(&out);
    assert_eq!(
        (frames_now, heap_now),
        (frames_start, heap_start),
        "{}",
        out.report()
    );
    assert!(
        out.lines().any(|l| l == "rguest: memory-test: passed"),
        "{}",
        out.report()
    );
}
