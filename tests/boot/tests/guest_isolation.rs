//! Boot tests for the Host's rules about rings: a Guest's program that
//! does what only a kernel may ends as it would on the bare machine, at its
//! own kernel's hands; a Guest kernel that does it is killed with the
//! instruction's name; `int N` for every vector reaches what the processor
//! would reach; and a single step is delivered once.

use boot_tests::{kernel_elf, Boot, Outcome, PANIC_PREFIX, SUCCESS_STATUS};
use boot_tests::guests::{assert_nothing_lost, console};
use std::collections::BTreeMap;
use std::time::Duration;

/// How many misdeeds `rude` knows, one per process id modulo this.
const MISDEEDS: usize = 11;

fn boot(cmdline: &str, icount: bool) -> Outcome {
    let mut boot = Boot::new(kernel_elf()).with_guest_image().append(cmdline);
    if icount {
        boot = boot.arg("-icount").arg("shift=0").timeout(Duration::from_secs(240));
    }
    let out = boot.run().expect("could not start QEMU");
    assert!(!out.timed_out, "QEMU timed out\n{}", out.report());
    assert!(!out.transcript.contains(PANIC_PREFIX), "a kernel panicked\n{}", out.report());
    assert_eq!(out.status, Some(SUCCESS_STATUS), "{}", out.report());
    out
}

/// What each process of `hello` and `rude` said, and what its kernel said
/// about it, process by process (the order between processes follows the
/// ticks, which fall differently in a Guest).
fn per_process<'a>(lines: impl Iterator<Item = &'a str>) -> BTreeMap<u64, Vec<String>> {
    let mut said: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for line in lines {
        let pid = ["rude: process ", "rguest: process "]
            .iter()
            .find_map(|prefix| line.strip_prefix(prefix))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok());
        let hello = line.starts_with("hello: ");
        match (pid, hello) {
            (Some(pid), _) => said.entry(pid).or_default().push(line.to_string()),
            (None, true) => said.entry(1).or_default().push(line.to_string()),
            _ => {}
        }
    }
    said
}

#[test]
fn rude_programs_die_in_a_guest_exactly_as_natively_and_only_they_die() {
    let list = format!("hello{}", ",rude".repeat(MISDEEDS));
    // guest0 takes its programs' system calls directly, guest1 through the Host.
    let out = boot(&format!("programs={list} guests=2 guest-programs={list} guest-test=reflected-syscalls"), true);
    let native = per_process(out.lines().filter(|l| !l.starts_with("guest")));
    assert_eq!(native.len(), 1 + MISDEEDS, "{native:?}\n{}", out.report());
    assert!(native[&1].iter().any(|l| l == "rguest: process 1 (hello) exited with status 0"), "{native:?}");
    let mut tried: Vec<String> = Vec::new();
    for pid in 2..=1 + MISDEEDS as u64 {
        let said = &native[&pid];
        assert!(said.iter().any(|l| l.starts_with(&format!("rguest: process {pid} (rude) killed: "))), "{said:?}");
        assert!(!said.iter().any(|l| l.contains("still alive")), "{said:?}");
        tried.extend(said.iter().filter_map(|l| l.split(" tries ").nth(1)).map(str::to_string));
    }
    tried.sort();
    tried.dedup();
    assert_eq!(tried.len(), MISDEEDS, "not every misdeed was tried once: {tried:?}");
    for id in 0..2 {
        let lines = console(&out, id);
        let guest = per_process(lines.iter().map(String::as_str));
        assert_eq!(guest, native, "guest{id}'s programs differ from native\n{}", out.report());
        assert!(lines.iter().any(|l| l.starts_with("rguest: all programs done; free frames: ")),
                "guest{id} did not finish its programs\n{}", out.report());
        assert!(out.lines().any(|l| l == format!("rguest: host: guest{id} shut down (PowerOff)")),
                "guest{id} did not shut down\n{}", out.report());
    }
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
}

/// Boot two Guests, the second told to do `kind` in ring 1; check that it
/// is killed with a reason containing `reason`, and the first finishes.
/// The whole kill line is `reason`, then the address of the instruction
/// in the kernel's image (where every Guest's kernel runs; it moves from
/// build to build, so it is the one part not spelled out), then one of
/// `endings`, exactly.
fn assert_kill_line(kind: &str, line: &str, reason: &str, endings: &[&str]) {
    let rest = line.strip_prefix(reason).unwrap_or_else(|| panic!("{kind}: {line:?} does not start {reason:?}"));
    let digits = rest.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(rest.len());
    let rip = u64::from_str_radix(&rest[..digits], 16).unwrap_or_else(|_| panic!("{kind}: no rip in {line:?}"));
    assert!(rip >= KERNEL_BASE, "{kind}: rip {rip:#x} is not in the kernel's image: {line:?}");
    assert!(endings.contains(&&rest[digits..]), "{kind}: {line:?} does not end with one of {endings:?}");
}

/// Where the kernel's image is linked (layout.rs), in every Guest too.
const KERNEL_BASE: u64 = 0xffff_ffff_8000_0000;

fn hostile(kind: &str, reason: &str) -> String {
    hostile_ending(kind, reason, &[" (general protection fault)"])
}

/// `hostile`, for a kill line that ends with one of `endings`.
fn hostile_ending(kind: &str, reason: &str, endings: &[&str]) -> String {
    let out = boot(&format!("guests=2 guest-test={kind}"), false);
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix("rguest: host: guest1 killed: "))
        .unwrap_or_else(|| panic!("guest1 was not killed\n{}", out.report()))
        .to_string();
    assert_kill_line(kind, &line, reason, endings);
    assert!(!console(&out, 1).iter().any(|l| l.contains("still alive")), "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: guest0 shut down (PowerOff)"), "{}", out.report());
    assert!(console(&out, 0).iter().any(|l| l == "rguest: privileged operations: guest"),
            "guest0 did not finish\n{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 1 shut down, 1 killed"), "{}", out.report());
    assert_nothing_lost(&out);
    line
}

#[test]
fn ring_1_sti() {
    hostile("sti", "executed `sti` at rip 0x");
}

#[test]
fn ring_1_in() {
    hostile("in", "executed `in/out` at rip 0x");
}

#[test]
fn ring_1_out() {
    hostile("out", "executed `in/out` at rip 0x");
}

#[test]
fn ring_1_rdmsr() {
    hostile("rdmsr", "executed `rdmsr` at rip 0x");
}

#[test]
fn ring_1_ltr() {
    hostile("ltr", "executed `ltr/lldt` at rip 0x");
}

#[test]
fn ring_1_lldt() {
    hostile("lldt", "executed `ltr/lldt` at rip 0x");
}

#[test]
fn ring_1_lgdt() {
    hostile("lgdt", "executed `lgdt/lidt/invlpg` at rip 0x");
}

#[test]
fn ring_1_lidt() {
    hostile("lidt", "executed `lgdt/lidt/invlpg` at rip 0x");
}

#[test]
fn ring_1_invlpg() {
    hostile("invlpg", "executed `lgdt/lidt/invlpg` at rip 0x");
}

#[test]
fn ring_1_clts() {
    hostile("clts", "executed `clts` at rip 0x");
}

#[test]
fn ring_1_wbinvd() {
    hostile("wbinvd", "executed `wbinvd` at rip 0x");
}

#[test]
fn ring_1_mov_from_cr0() {
    hostile("mov-from-cr0", "executed `mov to or from a control register` at rip 0x");
}

#[test]
fn ring_1_int_with_no_gate_is_a_fault_with_no_handler() {
    // The vector, 0x40, named in the error code: by the manual 0x40 * 8 + 2,
    // by QEMU's long mode 0x40 * 16 + 2.
    hostile_ending("int-no-handler", "general protection fault at rip 0x",
                   &[" (error code 0x202), and no handler", " (error code 0x402), and no handler"]);
}

#[test]
fn int_n_for_every_vector_from_ring_1_does_what_the_processor_would() {
    let out = boot("guests=2 guest-test=int-census", false);
    let prefix = "rguest: guest-test: int-census: ";
    let rows: Vec<String> = console(&out, 1).iter().filter_map(|l| l.strip_prefix(prefix)).map(str::to_string).collect();
    assert_eq!(rows.len(), 4, "{}", out.report());
    let letters: Vec<char> = rows.iter().flat_map(|row| row.split(' ').nth(1).unwrap_or("").chars().collect::<Vec<_>>()).collect();
    assert_eq!(letters.len(), 256, "{rows:?}");
    for (v, &letter) in letters.iter().enumerate() {
        // The Guest's gate for v has DPL (v + 1) % 4, but the fault's own
        // (13) has 0; the hypercall's vector (0x1f) is the Host's.
        let dpl = if v == 13 { 0 } else { (v + 1) % 4 };
        let expected = match v {
            0x1f => 'C',
            _ if dpl >= 1 => 'H',
            _ => 'G',
        };
        assert_eq!(letter, expected, "vector {v:#x}: {rows:?}\n{}", out.report());
    }
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
}

#[test]
fn a_single_step_trap_is_delivered_once_with_the_trap_flag_in_its_frame() {
    let out = boot("guests=2 guest-test=single-step", false);
    assert!(
        console(&out, 1).iter().any(|l| l == "rguest: guest-test: single-step: 1 debug exception, the trap flag set in its frame"),
        "{}",
        out.report()
    );
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
}

#[test]
fn int_n_for_every_vector_from_ring_3_does_what_the_processor_would_and_the_guest_carries_on() {
    let out = boot("programs= guests=2 guest-programs=hello,rude,rude,rude,rude,rude,rude guest-test=int-census-ring3", false);
    let prefix = "rguest: guest-test: int-census-ring3: 0x";
    let rows: Vec<String> = console(&out, 1).iter().filter_map(|l| l.strip_prefix(prefix)).map(str::to_string).collect();
    assert_eq!(rows.len(), 4, "{}", out.report());
    let letters: Vec<char> = rows.iter().flat_map(|row| row.split(' ').nth(1).unwrap_or("").chars().collect::<Vec<_>>()).collect();
    assert_eq!(letters.len(), 256, "{rows:?}");
    for (v, &letter) in letters.iter().enumerate() {
        // The Guest's gate for v has DPL (v + 1) % 4, the fault's own (13)
        // 0, the system call's 3; the hypercall's is the Host's, closed to
        // ring 3, and the Guest has none.
        let dpl = match v {
            13 | 0x1f => 0,
            0x80 => 3,
            v => (v + 1) % 4,
        };
        let expected = if dpl == 3 { 'H' } else { 'G' };
        assert_eq!(letter, expected, "vector {v:#x}: {rows:?}\n{}", out.report());
    }
    // Its kernel's own gates, stack and tables are back: its programs run.
    let lines = console(&out, 1);
    assert!(lines.iter().any(|l| l == "rguest: process 1 (hello) exited with status 0"), "{}", out.report());
    assert!(lines.iter().any(|l| l == "rude: process 6 tries int 0x1f"), "{}", out.report());
    assert!(lines.iter().any(|l| l.starts_with("rguest: process 6 (rude) killed: general protection fault at rip ")),
            "{}", out.report());
    assert!(out.lines().any(|l| l == "rguest: host: 2 guests ran; 2 shut down, 0 killed"), "{}", out.report());
    assert_nothing_lost(&out);
}
