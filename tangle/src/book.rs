//! The whole book: every chapter SUMMARY.md names, read in reading order.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::chapter::Chapter;
use crate::diag::{Diagnostic, LineIndex, Loc};
use crate::summary;
use crate::BOOK_DIR;

pub struct Book {
    /// The repository root.
    pub root: PathBuf,
    pub chapters: Vec<Chapter>,
    /// Problems reading SUMMARY.md and the chapters.
    pub errors: Vec<Diagnostic>,
}

impl Book {
    /// Reads `src-book/SUMMARY.md` under `root` and every chapter it names;
    /// then looks for chapters on disk that it leaves out but that hold tags
    /// or tangled code, which would otherwise be silently dropped.
    pub fn load(root: &Path) -> Book {
        let summary_file = format!("{BOOK_DIR}/SUMMARY.md");
        let mut book = Book { root: root.to_path_buf(), chapters: Vec::new(), errors: Vec::new() };
        let text = match read_text(root, &summary_file, &mut book.errors) {
            Ok(text) => text,
            Err(err) => {
                let loc = Loc { file: summary_file, line: 1, col: 1 };
                book.errors.push(Diagnostic::new(&loc, format!("cannot read SUMMARY.md: {err}")));
                return book;
            }
        };
        let entries = match summary::parse(&summary_file, &text) {
            Ok(entries) => entries,
            Err(errors) => {
                book.errors.extend(errors);
                return book;
            }
        };
        let mut listed = BTreeMap::new();
        for entry in entries {
            let file = format!("{BOOK_DIR}/{}", entry.path.trim_start_matches("./"));
            if let Some(first) = listed.get(&file) {
                book.errors.push(Diagnostic::new(
                    &entry.loc,
                    format!("{file} is listed twice in SUMMARY.md (first at {first}): a chapter has one place in the book"),
                ));
                continue;
            }
            listed.insert(file.clone(), entry.loc.clone());
            match read_text(root, &file, &mut book.errors) {
                Ok(text) => book.chapters.push(Chapter::parse(&entry.title, &file, entry.part, text)),
                Err(err) if err.kind() == io::ErrorKind::NotFound => book.errors.push(Diagnostic::new(
                    &entry.loc,
                    format!("chapter `{}` does not exist: there is no {file}", entry.title),
                )),
                Err(err) => book.errors.push(Diagnostic::new(
                    &entry.loc,
                    format!("cannot read chapter `{}` ({file}): {err}", entry.title),
                )),
            }
        }
        book.unlisted(&listed);
        book
    }

    /// A chapter on disk that SUMMARY.md does not list is never read by
    /// mdbook or tangled; if it holds tags or tangled code, that is surely a
    /// mistake, reported at its first tag or block.
    fn unlisted(&mut self, listed: &BTreeMap<String, Loc>) {
        let mut files = Vec::new();
        markdown_files(&self.root.join(BOOK_DIR), BOOK_DIR, &mut files);
        for file in files.into_iter().filter(|f| !listed.contains_key(f) && !f.ends_with("/SUMMARY.md")) {
            let mut ignored = Vec::new();
            let Ok(text) = read_text(&self.root, &file, &mut ignored) else { continue };
            // Cheap test first: no tag and no attribute, nothing to parse.
            if !text.contains(':') && !text.contains('=') {
                continue;
            }
            let chapter = Chapter::parse("", &file, None, text);
            let first_tag = chapter.tags.first().map(|t| (t.loc.clone(), format!("tag {}", t.id)));
            let first_block = chapter.blocks.first().map(|b| (b.loc.clone(), format!("code for {}", b.target)));
            let Some((loc, what)) = [first_tag, first_block].into_iter().flatten().min() else { continue };
            self.errors.push(Diagnostic::new(
                &loc,
                format!("{what} is in a chapter SUMMARY.md does not list, so it is never tangled: list {file} in src-book/SUMMARY.md under its part"),
            ));
        }
    }

    /// Builds a book from chapters already in memory (for the preprocessor
    /// and for tests).
    pub fn from_chapters(root: &Path, chapters: Vec<Chapter>) -> Book {
        Book { root: root.to_path_buf(), chapters, errors: Vec::new() }
    }

    /// Every error found while reading, in book order.
    pub fn read_errors(&self) -> Vec<Diagnostic> {
        let mut errors = self.errors.clone();
        errors.extend(self.chapters.iter().flat_map(|c| c.errors.iter().cloned()));
        errors
    }
}

/// Every `.md` file under `dir`, as `prefix/relative/path.md`, sorted.
fn markdown_files(dir: &Path, prefix: &str, files: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}/{name}");
        match entry.file_type() {
            Ok(t) if t.is_dir() => markdown_files(&entry.path(), &path, files),
            Ok(_) if name.ends_with(".md") => files.push(path),
            _ => {}
        }
    }
}

/// Reads a book file as text. Bytes that are not UTF-8 are each reported
/// where they are (the first on each line), and read as U+FFFD, which keeps
/// every line number right, so that the rest of the file is still checked.
pub fn read_text(root: &Path, file: &str, errors: &mut Vec<Diagnostic>) -> io::Result<String> {
    let bytes = fs::read(root.join(file))?;
    Ok(decode(file, bytes, errors))
}

/// The text of `bytes`, with an error for each line holding invalid UTF-8.
pub fn decode(file: &str, bytes: Vec<u8>, errors: &mut Vec<Diagnostic>) -> String {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return text,
        Err(err) => err.into_bytes(),
    };
    let mut text = String::with_capacity(bytes.len());
    let mut bad = Vec::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            bad.push((text.len(), chunk.invalid().to_vec()));
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    let index = LineIndex::new(&text);
    let mut last_line = 0;
    for (offset, invalid) in bad {
        let (line, col) = index.line_col(&text, offset);
        if line == last_line {
            continue;
        }
        last_line = line;
        let shown: Vec<String> = invalid.iter().map(|b| format!("0x{b:02x}")).collect();
        errors.push(Diagnostic::new(
            &Loc { file: file.to_string(), line, col },
            format!("invalid UTF-8 (byte {}): book files must be UTF-8; re-save this one as UTF-8", shown.join(" ")),
        ));
    }
    text
}
