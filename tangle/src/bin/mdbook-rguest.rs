//! The mdbook preprocessor for the rguest book (see `tangle::preprocess`).
//!
//! mdbook runs `mdbook-rguest supports RENDERER` to ask whether it handles a
//! renderer (it handles them all: it only writes markdown and HTML), then
//! `mdbook-rguest` with `[context, book]` as JSON on stdin, and reads the
//! woven book as JSON from stdout.

use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use mdbook_preprocessor::{parse_input, MDBOOK_VERSION};
use tangle::preprocess::preprocess_book;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("supports") => return ExitCode::SUCCESS,
        Some(other) => {
            eprintln!("mdbook-rguest: unknown argument `{other}`\nusage: mdbook-rguest [supports RENDERER]  (run by mdbook)");
            return ExitCode::from(2);
        }
        None => {}
    }
    let (ctx, book) = match parse_input(io::stdin().lock()) {
        Ok(input) => input,
        Err(err) => {
            eprintln!("mdbook-rguest: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor(&ctx.mdbook_version) != minor(MDBOOK_VERSION) {
        eprintln!(
            "warning: mdbook-rguest was built for mdbook {MDBOOK_VERSION} but is run by mdbook {}",
            ctx.mdbook_version
        );
    }
    // A mistake in the book is `tangle check`'s to report; a bug here must
    // not stop the website either: the book is then rendered unwoven.
    let original = book.clone();
    let book = panic::catch_unwind(AssertUnwindSafe(move || {
        let mut book = book;
        preprocess_book(&mut book);
        book
    }))
    .unwrap_or_else(|_| {
        eprintln!("warning: mdbook-rguest failed (a bug, reported above); the book is rendered without captions or links");
        original
    });
    let mut stdout = io::stdout().lock();
    if let Err(err) = serde_json::to_writer(&mut stdout, &book).map_err(io::Error::from).and_then(|()| stdout.flush()) {
        eprintln!("mdbook-rguest: cannot write the book: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
