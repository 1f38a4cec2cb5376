//! `tangle tangle --through PART --out DIR`: the book up to the end of a
//! part, for that part's checkpoint; never written into generated/.

mod common;
use common::book_with_summary;
use std::fs;

const SUMMARY: &str = "# Summary\n\n# Preparation\n\n- [Roll call](roll.md)\n\n# Guest\n\n- [A Guest](guest.md)\n";

/// Preparation writes a roll call with a hole the Guest part fills, and a
/// file of its own; the Guest part fills the hole and adds a file.
const ROLL: &str = "P:010 The roll call.\n\n```rust file=main.rs\nfn main() {\n    start();\n    <<guest-main>>\n}\n```\n";
const GUEST: &str = "G:010 A Guest.\n\n```rust chunk=guest-main\nguest::run();\n```\n\n```rust file=guest.rs\npub fn run() {}\n```\n";

fn two_parts() -> common::TestBook {
    book_with_summary(SUMMARY, &[("roll.md", ROLL), ("guest.md", GUEST)])
}

#[test]
fn a_checkpoint_holds_its_parts_and_marks_what_later_parts_add() {
    let b = two_parts();
    let run = b.run(&["tangle", "--through", "Preparation", "--out", "cp"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("tangle: checkpoint Preparation (1 chapters): 1 files in cp"), "{}", run.stdout);
    let main = fs::read_to_string(b.root().join("cp/main.rs")).unwrap();
    assert!(main.contains("    start();\n    // <<guest-main>>: added by a later part\n}"), "{main}");
    assert!(!main.contains("guest::run"), "{main}");
    assert!(!b.root().join("cp/guest.rs").exists(), "a later part's file is in the checkpoint");
    assert!(!b.root().join("generated").exists(), "a checkpoint touched generated/");
}

#[test]
fn the_last_part_s_checkpoint_is_the_whole_book() {
    let b = two_parts();
    assert_eq!(b.run(&["tangle"]).status, 0);
    assert_eq!(b.run(&["tangle", "--through", "Guest", "--out", "cp"]).status, 0);
    for file in ["main.rs", "guest.rs"] {
        let checkpoint = fs::read_to_string(b.root().join("cp").join(file)).unwrap();
        assert_eq!(checkpoint, b.generated(file), "{file} differs");
    }
    // And the book still agrees with generated/, which it did not touch.
    assert_eq!(b.run(&["check"]).status, 0);
}

#[test]
fn a_checkpoint_is_never_written_into_generated() {
    let b = two_parts();
    for out in ["generated", "generated/cp", "cp/../generated/x"] {
        let run = b.run(&["tangle", "--through", "Preparation", "--out", out]);
        assert_eq!(run.status, 2, "--out {out}: {}", run.stdout);
        assert!(run.stderr.contains(&format!("--out {out}: a checkpoint is never written into generated/")), "{}", run.stderr);
    }
    assert!(!b.root().join("generated").exists());
}

#[test]
fn a_part_the_book_does_not_have_is_refused() {
    let b = two_parts();
    let run = b.run(&["tangle", "--through", "Kitchen", "--out", "cp"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("--through takes a part's name (Preparation, Guest, ..., Mastery), not `Kitchen`"), "{}", run.stderr);
    let run = b.run(&["tangle", "--through", "Host", "--out", "cp"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("the book has no part Host"), "{}", run.stderr);
    assert!(!b.root().join("cp").exists());
}

#[test]
fn a_book_with_errors_gives_no_checkpoint() {
    let b = book_with_summary(SUMMARY, &[("roll.md", ROLL), ("guest.md", "G:010 A Guest with no code.\n")]);
    let run = b.run(&["tangle", "--through", "Preparation", "--out", "cp"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("tangle: the book has errors; no checkpoint written"), "{}", run.stderr);
    assert!(!b.root().join("cp").exists());
}

/// A later part's hole as the last line but one of a Rust file whose
/// `use` lines are gathered at its top: the note takes its place among
/// the file's lines like any other (it once fell outside the record the
/// gathering walks, and the tangler panicked).
#[test]
fn a_later_part_s_hole_in_a_file_with_late_use_lines() {
    let roll = "P:010 The roll call.\n\n```rust file=main.rs\nfn main() {\n    start();\n}\n```\n\n\
                P:020 And a late import, and a hole.\n\n```rust file+=main.rs\nuse core::fmt;\n\nfn later() {\n    <<guest-main>>\n}\n```\n";
    let b = book_with_summary(SUMMARY, &[("roll.md", roll), ("guest.md", GUEST)]);
    let run = b.run(&["tangle", "--through", "Preparation", "--out", "cp"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let main = fs::read_to_string(b.root().join("cp/main.rs")).unwrap();
    assert!(main.contains("    // <<guest-main>>: added by a later part\n}"), "{main}");
    let at_use = main.find("use core::fmt;").expect("the use line");
    assert!(at_use < main.find("fn main()").unwrap(), "the use line is not at the top:\n{main}");
}
