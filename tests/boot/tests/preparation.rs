//! Boot tests for the kernel of the Preparation chapter: it boots, greets,
//! and exits cleanly; and when told to panic, it says where and fails.

use boot_tests::{image, kernel_elf, Boot, BANNER, FAILURE_STATUS, PANIC_PREFIX, SUCCESS_STATUS};

#[test]
fn image_is_loadable_by_multiboot() {
    let elf = kernel_elf();
    let bytes = std::fs::read(&elf).expect("reading the kernel");
    let problems = image::check(&bytes);
    assert!(problems.is_empty(), "{}:\n{}", elf.display(), problems.join("\n"));
}

#[test]
fn kernel_boots_greets_and_exits_with_success() {
    let out = Boot::new(kernel_elf()).run().expect("could not start QEMU");
    eprintln!("boot: QEMU ran for {:?}", out.elapsed);
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(out.lines().any(|l| l == BANNER), "no banner\n{}", out.report());
    assert!(out.lines().any(|l| l.starts_with("rguest: built for x86_64-")), "{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "the kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
}

#[test]
fn panic_reports_its_location_and_exits_with_failure() {
    let out = Boot::new(kernel_elf()).append("panic-test").run().expect("could not start QEMU");
    eprintln!("panic boot: QEMU ran for {:?}", out.elapsed);
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(out.lines().any(|l| l == BANNER), "no banner before the panic\n{}", out.report());
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix(PANIC_PREFIX).and_then(|rest| rest.strip_prefix(" at ")))
        .unwrap_or_else(|| panic!("no \"{PANIC_PREFIX} at\" line\n{}", out.report()));
    // "FILE:LINE:COLUMN: MESSAGE"
    let (location, message) = line.split_once(": ").expect("location, then message");
    let mut parts = location.rsplitn(3, ':');
    let (column, line_no, file) = (parts.next(), parts.next(), parts.next());
    assert!(file.is_some_and(|f| f.ends_with(".rs")), "no source file in {location:?}");
    assert!(line_no.is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 0)), "no line in {location:?}");
    assert!(column.is_some_and(|n| n.parse::<u32>().is_ok()), "no column in {location:?}");
    assert!(message.contains("panic-test"), "unexpected message {message:?}");
    assert_eq!(out.status, Some(FAILURE_STATUS), "{}", out.report());
}
