//! The rguest tangler: reads the book in `src-book/`, checks that prose and
//! code agree, and writes the kernel sources into `generated/`.
//!
//! The pipeline is `book::Book::load` (read and parse every chapter),
//! `check::check` (every rule of the book format), `expand::tangle` (expand
//! chunks into output files, remembering where each line came from, with
//! `hoist` gathering a Rust file's `use` lines at its top) and
//! `output` (write `generated/` atomically, or compare it).

pub mod book;
pub mod caption;
pub mod chapter;
pub mod check;
pub mod cli;
pub mod comment;
pub mod diag;
pub mod expand;
pub mod hoist;
pub mod journey;
pub mod lines;
pub mod locate;
pub mod output;
pub mod part;
#[cfg(feature = "mdbook")]
pub mod preprocess;
pub mod suggest;
pub mod summary;

/// The book's source directory, relative to the repository root.
pub const BOOK_DIR: &str = "src-book";
/// The tangled output directory, relative to the repository root.
pub const GENERATED_DIR: &str = "generated";
