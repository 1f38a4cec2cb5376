//! No privileged instruction outside the table of operations' native
//! filling ("A table of operations", in the Guest part). Every file the book
//! tangles into generated/kernel/src is scanned for privileged instructions,
//! in assembler text and in the `x86` crate's functions that wrap them; each
//! one found must be allowed for that file, and every allowance must be
//! used, so the list cannot go stale and the scanner cannot go blind.

use std::collections::{BTreeMap, BTreeSet};

/// The files that may execute privileged instructions, and which ones.
const ALLOWED: &[(&str, &[&str])] = &[
    // The 32-bit stub: the only code that runs before Rust.
    ("boot/boot.s", &["out", "hlt", "mov cr", "rdmsr", "wrmsr", "lgdt"]),
    // The native filling of the table of operations.
    (
        "pv/native.rs",
        &["cli", "sti", "hlt", "lgdt", "lidt", "ltr", "mov cr", "invlpg"],
    ),
    // The Switcher: Host code, which only ever runs in ring 0. Its MSR is
    // where the Host's cr3 hides while a Guest runs; popf gives the Host
    // back its own flags.
    ("switcher/switcher.s", &["lgdt", "lidt", "ltr", "mov cr", "wrmsr", "rdmsr", "popf"]),
    // The Host's names for what a Guest tried: strings, not instructions.
    (
        "host/decode.rs",
        &["cli", "sti", "hlt", "wrmsr", "rdmsr", "lgdt", "lidt", "invlpg", "ltr", "lldt", "clts",
          "wbinvd"],
    ),
    // Guests that misbehave on purpose, for the Host's tests.
    ("testing/guest_tests.rs", &["cli", "hlt", "mov cr", "wrmsr"]),
    // More of them: each instruction the Host names, from ring 1, and a
    // single step set with popf.
    (
        "testing/guest_tests_rings.rs",
        &["sti", "in", "out", "rdmsr", "ltr", "lldt", "lgdt", "lidt", "invlpg", "clts", "wbinvd",
          "mov cr", "popf"],
    ),
    // The PC's devices, which only the native filling uses.
    ("devices/pic.rs", &["out", "in"]),
    ("devices/pit.rs", &["out"]),
    ("devices/serial.rs", &["out", "in"]),
    ("devices/qemu_exit.rs", &["out", "hlt"]),
];

/// Mnemonics that fault (or, for popf, silently misbehave) in ring 1.
const MNEMONICS: &[(&str, &str)] = &[
    ("cli", "cli"),
    ("sti", "sti"),
    ("hlt", "hlt"),
    ("lgdt", "lgdt"),
    ("lidt", "lidt"),
    ("lldt", "lldt"),
    ("ltr", "ltr"),
    ("invlpg", "invlpg"),
    ("wrmsr", "wrmsr"),
    ("rdmsr", "rdmsr"),
    ("clts", "clts"),
    ("popf", "popf"),
    ("popfq", "popf"),
    ("swapgs", "swapgs"),
    ("sysretq", "sysret"),
    ("sysret", "sysret"),
    ("wbinvd", "wbinvd"),
];

/// The `x86` crate's functions that execute a privileged instruction, by
/// module path below `x86::`, and the instruction.
const X86_FUNCTIONS: &[(&str, &str)] = &[
    ("io::outb", "out"),
    ("io::outw", "out"),
    ("io::outl", "out"),
    ("io::inb", "in"),
    ("io::inw", "in"),
    ("io::inl", "in"),
    ("halt", "hlt"),
    ("irq::enable", "sti"),
    ("irq::disable", "cli"),
    ("dtables::lgdt", "lgdt"),
    ("dtables::lidt", "lidt"),
    ("dtables::lldt", "lldt"),
    ("task::load_tr", "ltr"),
    ("controlregs::cr0", "mov cr"),
    ("controlregs::cr0_write", "mov cr"),
    ("controlregs::cr2", "mov cr"),
    ("controlregs::cr2_write", "mov cr"),
    ("controlregs::cr3", "mov cr"),
    ("controlregs::cr3_write", "mov cr"),
    ("controlregs::cr4", "mov cr"),
    ("controlregs::cr4_write", "mov cr"),
    ("msr::wrmsr", "wrmsr"),
    ("msr::rdmsr", "rdmsr"),
    ("tlb::flush", "invlpg"),
    ("tlb::flush_all", "mov cr"),
    ("bits64::rflags::set", "popf"),
];

/// The text without comments: `//` to the end of the line in Rust, `#` in
/// assembler (where `{`-holes never contain one).
fn strip_comments(text: &str, assembler: bool) -> String {
    let marker = if assembler { "#" } else { "//" };
    text.lines()
        .map(|line| line.split(marker).next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The words of `text`, each with what follows it.
fn words(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(is_word)?;
        let word_and_after = &rest[start..];
        let end = word_and_after.find(|c| !is_word(c)).unwrap_or(word_and_after.len());
        rest = &word_and_after[end..];
        Some((&word_and_after[..end], rest))
    })
}

/// Privileged mnemonics in `text`: the words in MNEMONICS, `in` and `out`
/// (with a size suffix) followed by an AT&T operand, and any `%crN`.
fn mnemonics(text: &str) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    for (word, after) in words(text) {
        if let Some(&(_, op)) = MNEMONICS.iter().find(|(m, _)| *m == word) {
            found.insert(op);
        }
        let operand = after.trim_start_matches([' ', '\t']);
        let spaced = after.len() != operand.len();
        let att_operand = operand.starts_with(['%', '$']);
        if spaced && att_operand {
            match word {
                "out" | "outb" | "outw" | "outl" => {
                    found.insert("out");
                }
                "in" | "inb" | "inw" | "inl" => {
                    found.insert("in");
                }
                _ => {}
            }
        }
    }
    if text.match_indices("%cr").any(|(at, _)| {
        text[at + 3..].starts_with(|c: char| c.is_ascii_digit())
    }) {
        found.insert("mov cr");
    }
    found
}

/// Every path that `text` names below `x86::`, braces expanded:
/// `use x86::io::{inb, outb};` names `io::inb` and `io::outb`.
fn x86_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for (at, _) in text.match_indices("x86::") {
        let preceded = text[..at].chars().next_back().is_some_and(is_word);
        if !preceded {
            expand(&text[at + "x86::".len()..], String::new(), &mut paths);
        }
    }
    paths
}

/// Expands the path tree at the start of `text` below `prefix`; returns
/// how much of `text` it used.
fn expand(text: &str, prefix: String, paths: &mut Vec<String>) -> usize {
    let name_len = text.find(|c: char| !(is_word(c) || c == ':')).unwrap_or(text.len());
    let name = text[..name_len].trim_end_matches(':');
    let full = if name.is_empty() { prefix.clone() } else { format!("{prefix}{name}") };
    let rest = &text[name_len..];
    let group = name_len == 0 || text[..name_len].ends_with("::");
    if !group || !rest.starts_with('{') {
        paths.push(full);
        return name_len;
    }
    let mut used = name_len + 1;
    loop {
        let item = &text[used..];
        let skip = item.len() - item.trim_start_matches([' ', '\n', ',']).len();
        used += skip;
        if text[used..].starts_with('}') || used >= text.len() {
            return used + 1;
        }
        used += expand(&text[used..], format!("{full}::"), paths);
    }
}

/// Module paths whose functions we look for, and their short names:
/// `rflags::set` counts even when `x86::bits64::rflags` was imported whole.
fn short_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for &(function, _) in X86_FUNCTIONS {
        let Some((module, name)) = function.rsplit_once("::") else { continue };
        let module = module.rsplit("::").next().unwrap_or(module);
        let short = format!("{module}::{name}");
        for (at, _) in text.match_indices(&short) {
            let before = text[..at].chars().next_back();
            let after = text[at + short.len()..].chars().next();
            if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
                paths.push(function.to_string());
            }
        }
    }
    paths
}

/// Every privileged instruction the file's text executes.
fn privileged(text: &str, assembler: bool) -> BTreeSet<&'static str> {
    let code = strip_comments(text, assembler);
    let mut found = mnemonics(&code);
    if !assembler {
        for path in x86_paths(&code).into_iter().chain(short_paths(&code)) {
            if let Some(&(_, op)) = X86_FUNCTIONS.iter().find(|(f, _)| *f == path) {
                found.insert(op);
            }
        }
    }
    found
}

fn scan_kernel() -> BTreeMap<String, BTreeSet<&'static str>> {
    units::sources::kernel_sources()
        .into_iter()
        .map(|(name, text)| {
            let assembler = name.ends_with(".s");
            let ops = privileged(&text, assembler);
            (name, ops)
        })
        .collect()
}

#[test]
fn privileged_instructions_only_in_the_native_filling() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> =
        ALLOWED.iter().map(|(file, ops)| (*file, ops.iter().copied().collect())).collect();
    let mut problems = Vec::new();
    let found = scan_kernel();
    for (file, ops) in &found {
        let may = allowed.get(file.as_str()).cloned().unwrap_or_default();
        for op in ops.difference(&may) {
            problems.push(format!("{file}: `{op}` outside the native filling (use the pv:: operation)"));
        }
        for op in may.difference(ops) {
            problems.push(format!("{file}: allowed `{op}` but does not use it (shorten ALLOWED)"));
        }
    }
    for file in allowed.keys().filter(|f| !found.contains_key(**f)) {
        problems.push(format!("{file}: in ALLOWED but not in generated/kernel/src"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn ops(text: &str, assembler: bool) -> Vec<&'static str> {
    privileged(text, assembler).into_iter().collect()
}

#[test]
fn finds_mnemonics_in_inline_and_global_assembler() {
    assert_eq!(ops(r#"asm!("sti", "hlt", "cli", options(att_syntax))"#, false), ["cli", "hlt", "sti"]);
    assert_eq!(ops("        mov     %eax, %cr3\n", true), ["mov cr"]);
    assert_eq!(ops(r#"asm!("mov {}, %cr0", in(reg) x)"#, false), ["mov cr"]);
    assert_eq!(ops("        out     %eax, %dx\n        inb $0x60, %al\n", true), ["in", "out"]);
    assert_eq!(ops("        wrmsr\n        lidt (%rax)\n", true), ["lidt", "wrmsr"]);
    assert_eq!(ops(r#"asm!("popfq")"#, false), ["popf"]);
}

#[test]
fn finds_the_x86_crates_wrappers_however_imported() {
    assert_eq!(ops("use x86::io::{inb, outb};", false), ["in", "out"]);
    assert_eq!(ops("unsafe { x86::halt() };", false), ["hlt"]);
    assert_eq!(ops("use x86::controlregs::{cr0, cr0_write, Cr0};", false), ["mov cr"]);
    assert_eq!(ops("use x86::{dtables::lidt, task::load_tr};", false), ["lidt", "ltr"]);
    assert_eq!(ops("x86::tlb::flush(addr as usize)", false), ["invlpg"]);
    assert_eq!(ops("use x86::bits64::rflags;\nrflags::set(f);", false), ["popf"]);
    assert_eq!(ops("use x86::irq;\nirq::disable();", false), ["cli"]);
}

#[test]
fn ignores_comments_and_lookalikes() {
    let quiet = r#"
        // sti; hlt; cli would be wrong here, and so would x86::halt()
        /// Reads cr3 through pv::read_cr3, never `mov %cr3`.
        asm!("div %ecx", out("eax") _, inout("rdx") d, in(reg) x);
        for word in words { pv::halt(); pv::irq_disable(); }
        let client = stick + halted;
        for phys in (start..end) {}
        use x86::segmentation::SegmentSelector;
        use x86::controlregs::Cr0;
    "#;
    assert_eq!(ops(quiet, false), Vec::<&str>::new());
    assert_eq!(ops("        pushq $0    # not cli, not hlt\n        iretq\n", true), Vec::<&str>::new());
}
