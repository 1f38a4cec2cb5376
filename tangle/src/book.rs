//! The whole book: every chapter SUMMARY.md names, read in reading order.

use std::fs;
use std::path::{Path, PathBuf};

use crate::chapter::Chapter;
use crate::diag::{Diagnostic, Loc};
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
    /// Reads `src-book/SUMMARY.md` under `root` and every chapter it names.
    pub fn load(root: &Path) -> Book {
        let summary_file = format!("{BOOK_DIR}/SUMMARY.md");
        let mut book = Book { root: root.to_path_buf(), chapters: Vec::new(), errors: Vec::new() };
        let text = match fs::read_to_string(root.join(&summary_file)) {
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
                book.errors = errors;
                return book;
            }
        };
        for entry in entries {
            let file = format!("{BOOK_DIR}/{}", entry.path);
            match fs::read_to_string(root.join(&file)) {
                Ok(text) => book.chapters.push(Chapter::parse(&entry.title, &file, entry.part, text)),
                Err(err) => book.errors.push(Diagnostic::new(
                    &entry.loc,
                    format!("chapter `{}` does not exist: {file}: {err}", entry.title),
                )),
            }
        }
        book
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
