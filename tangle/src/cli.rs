//! The `tangle` command line.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::book::Book;
use crate::check::check;
use crate::diag::Diagnostic;
use crate::expand::{tangle, tangle_checkpoint, Index};
use crate::part::Part;
use crate::{journey, locate, output, GENERATED_DIR};

const USAGE: &str = "\
usage: tangle [--root DIR] [COMMAND]

commands:
  tangle [--force]        write generated/ from the book (the default)
  tangle --through PART --out DIR
                          write the book up to the end of PART (its checkpoint) into DIR, never generated/
  check                   check the book, and that generated/ matches it
  journey PART            print a part's tagged blocks in order, captioned (P, Guest, ..., or all)
  where generated/F:L[:C] print the book location that produced a generated line
  lines TAG[..TAG]        count the lines of code the tags from the first to the last own
  rewrite                 copy stdin to stdout, generated locations and line numbers replaced by book ones";

/// Runs the command line; returns the process exit code.
pub fn main(args: Vec<String>) -> i32 {
    let mut root = PathBuf::from(".");
    let mut words = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => match args.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage("--root needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return 0;
            }
            _ => words.push(arg),
        }
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let started = Instant::now();
    let book = Book::load(&root);
    let index = Index::new(&book);
    match words.as_slice() {
        [] | ["tangle"] => run_tangle(&root, &index, false, started),
        ["tangle", "--force"] | ["--force"] => run_tangle(&root, &index, true, started),
        ["tangle", "--through", part, "--out", out] | ["tangle", "--out", out, "--through", part] => {
            run_checkpoint(&root, &book, part, out, started)
        }
        ["check"] => run_check(&root, &index, started),
        ["journey", part] => run_journey(&book, part),
        ["where", position] => run_where(&index, position),
        ["rewrite"] => run_rewrite(&index),
        ["lines", range] => run_lines(&book, range),
        _ => usage(&format!("unknown command `{}`", words.join(" "))),
    }
}

fn usage(problem: &str) -> i32 {
    eprintln!("tangle: {problem}\n{USAGE}");
    2
}

fn report(errors: &[Diagnostic]) -> i32 {
    for error in errors {
        eprintln!("{error}");
    }
    eprintln!("tangle: {} error{}", errors.len(), if errors.len() == 1 { "" } else { "s" });
    1
}

fn run_tangle(root: &std::path::Path, index: &Index, force: bool, started: Instant) -> i32 {
    let errors = check(index);
    if !errors.is_empty() {
        eprintln!("tangle: the book has errors; generated/ is left as it was");
        return report(&errors);
    }
    let output = tangle(index);
    match output::write(&root.join(GENERATED_DIR), &output, force) {
        Ok(done) => {
            for path in &done.written {
                println!("tangle: wrote generated/{path}");
            }
            for path in &done.removed {
                println!("tangle: removed generated/{path}");
            }
            println!(
                "tangle: {} files ({} unchanged) in {:.1} ms",
                output.len(),
                done.unchanged,
                started.elapsed().as_secs_f64() * 1e3
            );
            0
        }
        Err(conflicts) => {
            eprintln!("tangle: refusing to overwrite; generated/ is left as it was");
            report(&conflicts)
        }
    }
}

/// The checkpoint of `part`: the whole book is checked, then the chapters
/// up to the end of `part` are tangled into `out`, which may be neither
/// `generated/` nor inside it.
fn run_checkpoint(root: &Path, book: &Book, part: &str, out: &str, started: Instant) -> i32 {
    let Some(through) = Part::from_name(part) else {
        return usage(&format!("--through takes a part's name (Preparation, Guest, ..., Mastery), not `{part}`"));
    };
    if !book.chapters.iter().any(|c| c.part == Some(through)) {
        return usage(&format!("the book has no part {}: SUMMARY.md lists no chapter under it", through.name()));
    }
    let out_dir = root.join(out);
    let generated = root.join(GENERATED_DIR);
    let inside = |dir: &Path| normal(dir).starts_with(normal(&generated));
    if inside(&out_dir) {
        return usage(&format!("--out {out}: a checkpoint is never written into generated/, which holds the whole book"));
    }
    let errors = check(&Index::new(book));
    if !errors.is_empty() {
        eprintln!("tangle: the book has errors; no checkpoint written");
        return report(&errors);
    }
    let chapters = book.chapters.iter().filter(|c| c.part.is_none_or(|p| p <= through)).cloned().collect();
    let cut = Book::from_chapters(root, chapters);
    let output = tangle_checkpoint(&Index::new(&cut));
    match output::write(&out_dir, &output, true) {
        Ok(done) => {
            println!(
                "tangle: checkpoint {} ({} chapters): {} files in {out} ({} written, {} unchanged) in {:.1} ms",
                through.name(),
                cut.chapters.len(),
                output.len(),
                done.written.len(),
                done.unchanged,
                started.elapsed().as_secs_f64() * 1e3
            );
            0
        }
        Err(problems) => report(&problems),
    }
}

/// `path` made absolute, with `.` and `..` folded away by its words alone.
fn normal(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut normal = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

fn run_check(root: &std::path::Path, index: &Index, started: Instant) -> i32 {
    let mut errors = check(index);
    if errors.is_empty() {
        errors = output::compare(&root.join(GENERATED_DIR), &tangle(index));
    }
    if !errors.is_empty() {
        return report(&errors);
    }
    let tags: usize = index.book.chapters.iter().map(|c| c.tags.len()).sum();
    println!(
        "tangle check: {} chapters, {tags} tags, {} files: book and generated/ agree ({:.1} ms)",
        index.book.chapters.len(),
        index.pieces.keys().filter(|t| matches!(t, crate::chapter::Target::File(_))).count(),
        started.elapsed().as_secs_f64() * 1e3
    );
    0
}

fn run_journey(book: &Book, part: &str) -> i32 {
    let text = match part {
        "all" | "Beer" | "beer" => journey::all(book),
        _ => {
            let found = Part::from_name(part)
                .or_else(|| part.chars().next().filter(|_| part.len() == 1).and_then(Part::from_letter));
            match found {
                Some(part) => journey::journey(book, part),
                None => return usage(&format!("no part `{part}`: use a letter (P G D L H S M), a name, or all")),
            }
        }
    };
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    0
}

fn run_lines(book: &Book, range: &str) -> i32 {
    let Some((first, last)) = crate::lines::parse_range(range) else {
        return usage("lines takes a tag, M:400, or a range of one part's tags, M:400..M:490");
    };
    println!("{}", crate::lines::count(book, first, last));
    0
}

fn run_where(index: &Index, position: &str) -> i32 {
    let Some((path, line, col)) = locate::parse_position(position) else {
        return usage("where takes generated/FILE:LINE[:COL]");
    };
    let output = tangle(index);
    match locate::locate(&output, &path, line, col) {
        Some(loc) => {
            println!("{loc}");
            0
        }
        None if output.contains_key(&path) => {
            eprintln!("tangle: the book produces no line {line} in generated/{path}");
            1
        }
        None => {
            eprintln!("tangle: the book produces no file generated/{path}");
            1
        }
    }
}

fn run_rewrite(index: &Index) -> i32 {
    let output = tangle(index);
    let mut rewriter = locate::Rewriter::new(&output);
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        for done in rewriter.line(&line) {
            if writeln!(stdout, "{done}").is_err() {
                return 0;
            }
        }
    }
    for done in rewriter.finish() {
        if writeln!(stdout, "{done}").is_err() {
            break;
        }
    }
    0
}
