//! How `tangle` treats `generated/`: only changed files written, stale and
//! stray files found, hand edits never lost.

mod common;
use common::{book, write};
use std::fs;

const TWO_FILES: &str = "P:010 Two files.\n\n```rust file=a.rs\nfn a() {}\n```\n\n```rust file=b.rs\nfn b() {}\n```\n";

#[test]
fn only_changed_files_are_written() {
    let b = book(&[("a.md", TWO_FILES)]);
    let first = b.run(&["tangle"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert!(first.stdout.contains("wrote generated/a.rs") && first.stdout.contains("wrote generated/b.rs"));
    let again = b.run(&["tangle"]);
    assert!(!again.stdout.contains("wrote"), "{}", again.stdout);
    assert!(again.stdout.contains("2 files (2 unchanged)"));
    write(b.root(), "src-book/a.md", &TWO_FILES.replace("fn b() {}", "fn b() { loop {} }"));
    let third = b.run(&["tangle"]);
    assert!(third.stdout.contains("wrote generated/b.rs") && !third.stdout.contains("a.rs"), "{}", third.stdout);
    let leftovers: Vec<_> = tangle::output::list_files(&b.root().join("generated"))
        .unwrap()
        .into_iter()
        .filter(|p| p.contains("tangle-tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn hand_edits_are_refused_until_forced() {
    let b = book(&[("a.md", TWO_FILES)]);
    assert_eq!(b.run(&["tangle"]).status, 0);
    let edited = b.generated("a.rs").replace("fn a() {}", "fn a() { /* my precious edit */ }");
    fs::write(b.generated_path("a.rs"), edited).unwrap();
    write(b.root(), "src-book/a.md", &TWO_FILES.replace("fn b() {}", "fn b() { loop {} }"));
    let run = b.run(&["tangle"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("generated/a.rs:1:1: error: was edited by hand since the last tangle"), "{}", run.stderr);
    assert!(run.stderr.contains("tangle --force"));
    assert!(b.generated("a.rs").contains("my precious edit"), "the edit was lost");
    assert_eq!(b.generated("b.rs").lines().last(), Some("fn b() {}"), "nothing may be written");
    let check = b.run(&["check"]);
    assert!(check.stderr.contains("src-book/a.md:4:1: error: generated/a.rs line 3 differs"), "{}", check.stderr);
    // The advice is what `tangle` then does: refuse, until forced.
    assert!(check.stderr.contains("edited by hand, so `make tangle` will refuse to overwrite it"), "{}", check.stderr);
    let forced = b.run(&["tangle", "--force"]);
    assert_eq!(forced.status, 0);
    assert!(!b.generated("a.rs").contains("precious"));
    assert_eq!(b.run(&["check"]).status, 0);
}

#[test]
fn files_the_book_drops_are_removed() {
    let b = book(&[("a.md", TWO_FILES)]);
    assert_eq!(b.run(&["tangle"]).status, 0);
    write(b.root(), "src-book/a.md", "P:010 One file.\n\n```rust file=a.rs\nfn a() {}\n```\n");
    let stale = b.run(&["check"]);
    assert!(stale.stderr.contains("generated/b.rs:1:1: error: stray file: the book no longer produces it (`make tangle` removes it)"), "{}", stale.stderr);
    let run = b.run(&["tangle"]);
    assert!(run.stdout.contains("removed generated/b.rs"), "{}", run.stdout);
    assert!(!b.generated_path("b.rs").exists());
    assert_eq!(b.run(&["check"]).status, 0);
}

#[test]
fn stray_files_are_not_deleted() {
    let b = book(&[("a.md", TWO_FILES)]);
    assert_eq!(b.run(&["tangle"]).status, 0);
    write(b.root(), "generated/notes.txt", "mine\n");
    let run = b.run(&["tangle"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("generated/notes.txt:1:1: error: was not written by the tangler"), "{}", run.stderr);
    assert!(b.generated_path("notes.txt").exists());
    // `check` says so too, and what `--force` would do, which it does.
    let check = b.run(&["check"]);
    assert!(check.stderr.contains("generated/notes.txt:1:1: error: stray file: the book does not produce it, and the tangler did not write it"), "{}", check.stderr);
    assert!(check.stderr.contains("run `tangle --force` to delete it"), "{}", check.stderr);
    assert_eq!(b.run(&["tangle", "--force"]).status, 0);
    assert!(!b.generated_path("notes.txt").exists());
}

#[test]
fn check_finds_a_stale_file_at_its_book_line() {
    let b = book(&[("a.md", TWO_FILES)]);
    assert_eq!(b.run(&["tangle"]).status, 0);
    write(b.root(), "src-book/a.md", &TWO_FILES.replace("fn b() {}", "fn b() { loop {} }"));
    let run = b.run(&["check"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("src-book/a.md:8:1: error: generated/b.rs line 3 differs from what the book produces; it is stale: run `make tangle`"), "{}", run.stderr);
    fs::remove_file(b.generated_path("a.rs")).unwrap();
    let run = b.run(&["check"]);
    assert!(run.stderr.contains("generated/a.rs is missing"), "{}", run.stderr);
}

#[test]
fn a_stale_manifest_is_reported() {
    let b = book(&[("a.md", TWO_FILES)]);
    assert_eq!(b.run(&["tangle"]).status, 0);
    fs::write(b.generated_path(".tangle-manifest"), "").unwrap();
    let run = b.run(&["check"]);
    assert!(run.stderr.contains("the manifest is stale"), "{}", run.stderr);
}
