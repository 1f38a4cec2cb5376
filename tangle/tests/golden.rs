//! The golden book: tangling `tests/golden/book` gives exactly the files in
//! `tests/golden/expected`. Run with `UPDATE_GOLDEN=1` to accept a change.

mod common;

use std::fs;
use std::path::Path;

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn golden_book() -> common::TestBook {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/book");
    let book = common::book(&[]);
    copy_tree(&fixture, book.root());
    book
}

#[test]
fn tangles_to_the_expected_files() {
    let book = golden_book();
    let run = book.run(&["tangle"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/expected");
    let produced = tangle::output::list_files(&book.root().join("generated")).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = fs::remove_dir_all(&expected);
        fs::create_dir_all(&expected).unwrap();
        copy_tree(&book.root().join("generated"), &expected);
    }
    assert_eq!(produced, tangle::output::list_files(&expected).unwrap());
    for path in produced {
        let want = fs::read_to_string(expected.join(&path)).unwrap();
        assert_eq!(book.generated(&path), want, "generated/{path} differs from the golden copy");
    }
    assert_eq!(book.run(&["check"]).status, 0);
}

#[test]
fn prose_edits_change_no_generated_byte() {
    let book = golden_book();
    assert_eq!(book.run(&["tangle"]).status, 0);
    let chapter = book.root().join("src-book/boot.md");
    let text = fs::read_to_string(&chapter).unwrap();
    let edited = text.replace("We start with the entry point.", "We start, as every kernel must,\nwith the entry point.\n\nA new paragraph of prose.\n\nAnd another.");
    fs::write(&chapter, edited).unwrap();
    let run = book.run(&["check"]);
    assert_eq!(run.status, 0, "a prose edit made generated/ stale:\n{}", run.stderr);
}

#[test]
fn where_maps_generated_lines_to_the_book() {
    let book = golden_book();
    assert_eq!(book.run(&["tangle"]).status, 0);
    let main = book.generated("kernel/main.rs");
    let line = main.lines().position(|l| l.contains("guest::init();")).unwrap() + 1;
    let run = book.run(&["where", &format!("generated/kernel/main.rs:{line}:9")]);
    assert_eq!(run.stdout.trim(), "src-book/guest/start.md:7:5");
    let asm = book.generated("kernel/boot.s");
    let line = asm.lines().position(|l| l.trim() == "hlt").unwrap() + 1;
    let run = book.run(&["where", &format!("generated/kernel/boot.s:{line}:5")]);
    assert_eq!(run.stdout.trim(), "src-book/boot.md:44:1");
    let run = book.run(&["where", "generated/kernel/main.rs:999"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("the book produces no line 999 in generated/kernel/main.rs"), "{}", run.stderr);
    let run = book.run(&["where", "generated/kernel/mian.rs:1"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("the book produces no file generated/kernel/mian.rs"), "{}", run.stderr);
}

#[test]
fn compiler_messages_point_into_the_book() {
    let book = golden_book();
    assert_eq!(book.run(&["tangle"]).status, 0);
    let main = book.generated("kernel/main.rs");
    let line = main.lines().position(|l| l.contains("serial::init();")).unwrap() + 1;
    let message = format!("  --> ../generated/kernel/main.rs:{line}:5\nerror[E0433]: failed to resolve");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tangle"))
        .arg("--root")
        .arg(book.root())
        .arg("rewrite")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(message.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text,
        format!("  --> src-book/boot.md:17:1 (generated/kernel/main.rs:{line}:5)\nerror[E0433]: failed to resolve\n")
    );
}

#[test]
fn journey_prints_a_part_in_tag_order() {
    let book = golden_book();
    let run = book.run(&["journey", "P"]);
    assert_eq!(run.status, 0);
    let out = run.stdout;
    assert!(out.contains("[ src-book/boot.md ]"));
    let (a, b, c) = (out.find("P:010").unwrap(), out.find("P:020").unwrap(), out.find("P:030").unwrap());
    assert!(a < b && b < c);
    assert!(out.contains("```rust\n#![no_std]"), "attributes are stripped:\n{out}");
    // G:010's prose is not in P's journey (only named, by a caption).
    assert!(!out.contains("G:010 The Guest adds"));
    let all = book.run(&["journey", "all"]).stdout;
    assert!(all.find("P:030").unwrap() < all.find("G:010 The Guest adds").unwrap());
    assert!(all.contains("[ src-book/guest/start.md ]"));
    assert_eq!(book.run(&["journey", "Q"]).status, 2);
}

#[test]
fn journey_is_the_golden_one() {
    // Every tangled block headed by its caption, as the website heads it:
    // file= and chunk=, appends across chapters, a block in a list item.
    let run = golden_book().run(&["journey", "all"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/journey-all.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&expected, &run.stdout).unwrap();
    }
    assert_eq!(run.stdout, fs::read_to_string(&expected).unwrap());
}

#[test]
fn journey_captions_every_tangled_block_and_no_illustration() {
    let book = common::book(&[(
        "a.md",
        "P:010 A file.\n\n```rust file=a.rs\n<<body>>\n```\n\nFor comparison:\n\n```sh\nmake Guest\n```\n\n\
         P:020 Its body.\n\n```rust chunk=body\nfn a() {}\n```\n\n\
         P:030 More.\n\n```rust file+=a.rs\nfn b() {}\n```\n\n```rust chunk+=body\nfn c() {}\n```\n",
    )]);
    let run = book.run(&["journey", "P"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let captions: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("[ P:")).collect();
    assert_eq!(
        captions,
        [
            "[ P:010 defines a.rs · continued in P:030 ]",
            "[ P:020 defines <<body>> · used in a.rs P:010 · continued in P:030 ]",
            "[ P:030 appends to a.rs · continued from P:010 ]",
            "[ P:030 appends to <<body>> · continued from P:020 · used in a.rs P:010 ]",
        ]
    );
    assert!(run.stdout.contains("For comparison:\n\n```sh\nmake Guest\n```"), "{}", run.stdout);
    // Each caption stands right above its block's fence.
    assert!(run.stdout.contains("[ P:010 defines a.rs · continued in P:030 ]\n```rust\n<<body>>"), "{}", run.stdout);
}

#[test]
fn journey_of_an_empty_part_says_so() {
    let run = golden_book().run(&["journey", "Mastery"]);
    assert_eq!(run.status, 0);
    assert!(run.stdout.contains("The Mastery part has no tagged blocks yet."), "{}", run.stdout);
}

#[test]
fn header_names_every_chapter_that_writes_the_file() {
    // `early` is defined in a chapter before the one with `file=`; four more
    // chapters append. The header names the `file=` chapter first, then the
    // rest in reading order, wrapped before 100 columns.
    let long = |n: usize| format!("chapter-with-a-long-name-{n}.md");
    let mut chapters = vec![(long(1), "P:010 Early.\n\n```rust chunk=early\nfn early() {}\n```\n".to_string())];
    chapters.push((long(2), "P:020 The file.\n\n```rust file=main.rs\n<<early>>\n```\n".to_string()));
    for n in 3..=6 {
        chapters.push((long(n), format!("P:0{n}0 More.\n\n```rust file+=main.rs\nfn more_{n}() {{}}\n```\n")));
    }
    let summary: String = std::iter::once("# Preparation\n\n".to_string())
        .chain(chapters.iter().map(|(name, _)| format!("- [{name}]({name})\n")))
        .collect();
    let borrowed: Vec<(&str, &str)> = chapters.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let book = common::book_with_summary(&summary, &borrowed);
    let run = book.run(&["tangle"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let main = book.generated("main.rs");
    let header: Vec<&str> = main.lines().take(4).collect();
    let s = "src-book/chapter-with-a-long-name-";
    assert_eq!(
        header,
        [
            format!("// Generated by tangle from the book: edit {s}2.md (Preparation, \"{}\"), not this file.", long(2)),
            format!("// Also from: {s}1.md, {s}3.md,"),
            format!("//   {s}4.md, {s}5.md,"),
            format!("//   {s}6.md"),
        ]
    );
    assert!(main.lines().all(|l| l.len() <= 100 || l.starts_with("// Generated")));
    // Each header line leads to the first block it names.
    let run = book.run(&["where", "generated/main.rs:2"]);
    assert_eq!(run.stdout.trim(), format!("{s}1.md:3:1"));
    let run = book.run(&["where", "generated/main.rs:3"]);
    assert_eq!(run.stdout.trim(), format!("{s}4.md:3:1"));
}

#[test]
fn one_chapter_one_header_line() {
    let book = common::book(&[("a.md", "P:010 One.\n\n```rust file=a.rs\nfn a() {}\n```\n")]);
    assert_eq!(book.run(&["tangle"]).status, 0);
    let a = book.generated("a.rs");
    assert!(a.lines().nth(1) == Some("// P:010 a.rs"), "{a}");
}

/// The book line (1-based) of the first line of `chapter` equal to `text`.
fn book_line(book: &common::TestBook, chapter: &str, text: &str) -> usize {
    let source = fs::read_to_string(book.root().join("src-book").join(chapter)).unwrap();
    source.lines().position(|l| l == text).unwrap() + 1
}

#[test]
fn gathered_use_lines_still_point_into_the_book() {
    // `tangle where` and `tangle rewrite` follow a `use` line to where the
    // book wrote it, chapters after the file began; the lines that stayed
    // after it follow theirs.
    let book = golden_book();
    assert_eq!(book.run(&["tangle"]).status, 0);
    let imports = book.generated("kernel/imports.rs");
    let lines: Vec<&str> = imports.lines().collect();
    let at = |text: &str| lines.iter().position(|l| *l == text).unwrap() + 1;
    let (moved, struct_line) = (at("pub use crate::guest::{"), at("pub struct Thing;"));
    assert!(moved < struct_line, "the guest's `pub use` is gathered at the top:\n{imports}");
    for (text, chapter, col) in [
        ("pub use crate::guest::{", "guest/start.md", 5),
        ("    init, // both", "guest/start.md", 5),
        ("#[cfg(feature = \"guest\")]", "guest/start.md", 1),
        ("pub fn guest_thing() -> Thing {", "guest/start.md", 8),
        ("    use core::mem;", "boot.md", 5),
        ("pub struct Thing;", "boot.md", 1),
    ] {
        let want = format!("src-book/{chapter}:{}:{col}", book_line(&book, chapter, text));
        let run = book.run(&["where", &format!("generated/kernel/imports.rs:{}:{col}", at(text))]);
        assert_eq!(run.stdout.trim(), want, "{text}");
    }
    // A compiler message on the moved line, as `make build` filters it.
    let message = format!("  --> generated/kernel/imports.rs:{moved}:22\n");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tangle"))
        .arg("--root")
        .arg(book.root())
        .arg("rewrite")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(message.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let line = book_line(&book, "guest/start.md", "pub use crate::guest::{");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("  --> src-book/guest/start.md:{line}:22 (generated/kernel/imports.rs:{moved}:22)\n")
    );
}
