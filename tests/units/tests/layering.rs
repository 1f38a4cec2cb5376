//! Imports run one way. The kernel's sources in generated/kernel/src sit in
//! one folder per stretch of the journey, and each folder belongs to the
//! part of the book that creates it. Code in a folder may name, through
//! `crate::FOLDER::`, what its own part or an earlier part built, never
//! what a later part adds. The appendix "How this book is built" states the
//! rule; this test keeps it, file by file.

use std::collections::{BTreeMap, BTreeSet};

/// Each folder, in the order of the book, with the number of its part:
/// 0 Preparation, 1 Guest, 2 Drivers, 3 Launcher, 4 Host, 5 Switcher,
/// 6 Mastery, and 7 for the test-only code, which may use everything and
/// which nothing but the crate root may use.
const FOLDERS: &[(&str, u32)] = &[
    ("boot", 0),
    ("devices", 0),
    ("memory", 0),
    ("cpu", 0),
    ("process", 0),
    ("pv", 0),
    ("guest", 1),
    ("drivers", 2),
    ("launcher", 3),
    ("host", 4),
    ("switcher", 5),
    ("mastery", 6),
    ("testing", 7),
];

/// Files at the crate root, and the part each belongs to. `main.rs`
/// declares every folder and runs the whole journey, so it may name every
/// part; `layout.rs` holds every fixed number and names none.
const ROOT: &[(&str, u32)] = &[("main.rs", 7), ("layout.rs", 0)];

/// The folders a Rust source names through `crate::`: `crate::a::b` names
/// `a`, and `crate::{a::b, c}` names `a` and `c`.
fn named_folders(text: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            rest = &group[i..];
                            break;
                        }
                    }
                    ',' if depth == 1 => item_start = true,
                    c if item_start && depth == 1 && !c.is_whitespace() => {
                        item_start = false;
                        named.insert(identifier(&group[i..]));
                    }
                    _ => {}
                }
            }
        } else {
            named.insert(identifier(rest));
        }
    }
    named
}

fn identifier(text: &str) -> String {
    text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// Every Rust file below generated/kernel/src, by its path there.
fn sources() -> BTreeMap<String, String> {
    units::sources::kernel_sources().into_iter().filter(|(name, _)| name.ends_with(".rs")).collect()
}

/// The problems with `sources`: references to a later part. There are no
/// exceptions: the import circles that once spanned two parts are gone.
fn problems(sources: &BTreeMap<String, String>) -> Vec<String> {
    let part_of = |folder: &str| FOLDERS.iter().find(|(f, _)| *f == folder).map(|(_, p)| *p);
    let mut problems = Vec::new();
    for (file, text) in sources {
        let part = match file.split_once('/') {
            Some((folder, _)) => part_of(folder)
                .unwrap_or_else(|| panic!("{file}: folder not in FOLDERS: give it a part")),
            None => match ROOT.iter().find(|(f, _)| f == file) {
                Some((_, part)) => *part,
                None => {
                    problems.push(format!("{file}: at the crate root but not in ROOT"));
                    continue;
                }
            },
        };
        for folder in named_folders(text) {
            let Some(named) = part_of(&folder) else { continue };
            if named > part {
                problems.push(format!(
                    "{file}: names crate::{folder}, which a later part adds (imports run one way)"
                ));
            }
        }
    }
    problems
}

#[test]
fn imports_run_one_way() {
    let problems = problems(&sources());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_backward_import_is_caught() {
    let mut sources = sources();
    sources
        .get_mut("memory/frames.rs")
        .expect("memory/frames.rs")
        .push_str("\nuse crate::{layout, host::guest::Guest};\n");
    let problems = problems(&sources);
    assert_eq!(
        problems,
        ["memory/frames.rs: names crate::host, which a later part adds (imports run one way)"]
    );
}

#[test]
fn named_folders_reads_paths_and_groups() {
    let text = "use crate::memory::frames;\nuse crate::{cpu::gdt, devices::{pit, tsc}, println};\n\
                $crate::devices::console::_print(x)";
    let named: Vec<String> = named_folders(text).into_iter().collect();
    assert_eq!(named, ["cpu", "devices", "memory", "println"]);
}

/// The checker alone, on a small house of its own: a native file that
/// reaches into the Host, a Guest file that names the Drivers in a group,
/// a Switcher file that reaches into Mastery, and files that name only
/// their own part or earlier ones.
#[test]
fn the_checker_catches_backward_imports_in_a_synthetic_source() {
    let sources: BTreeMap<String, String> = [
        ("memory/frames.rs", "use crate::layout::PAGE_SIZE;\nuse crate::host::guest::Guest;\n"),
        ("guest/ops.rs", "use crate::{pv::pv, drivers::console};\n"),
        ("host/guest.rs", "use crate::{guest::abi, launcher::memory::GuestMemory};\n"),
        ("testing/mod.rs", "use crate::switcher::switcher;\n"),
        ("switcher/switcher.rs", "use crate::mastery::walker;\n"),
        ("mastery/walker.rs", "use crate::{host::world, switcher::switcher_layout};\n"),
        ("main.rs", "mod testing;\nfn f() { testing::mod_rs(); crate::switcher::switcher::init(); }\n"),
    ]
    .into_iter()
    .map(|(file, text)| (file.to_string(), text.to_string()))
    .collect();
    assert_eq!(
        problems(&sources),
        [
            "guest/ops.rs: names crate::drivers, which a later part adds (imports run one way)",
            "memory/frames.rs: names crate::host, which a later part adds (imports run one way)",
            "switcher/switcher.rs: names crate::mastery, which a later part adds (imports run one way)",
        ]
    );
}
