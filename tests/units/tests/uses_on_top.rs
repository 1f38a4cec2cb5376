//! Every generated Rust file has its `use` lines at the top: the tangler
//! gathers them there ("How this book is built"), whichever chapter
//! brought them. Checked on the text as rustfmt lays it out: a top-level
//! item starts at column 0, and no `use` at column 0 comes after the first
//! item that is not one.

use units::sources::kernel_sources;

/// Whether a column-0 line opens a `use` item.
fn opens_use(line: &str) -> bool {
    ["use ", "pub use ", "pub(crate) use ", "pub(super) use "].iter().any(|p| line.starts_with(p))
}

/// Whether a column-0 line opens some other item (not a comment, an
/// attribute, a closing bracket or a blank line).
fn opens_other_item(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && !opens_use(line)
}

#[test]
fn no_use_below_an_item() {
    let mut late = Vec::new();
    for (path, text) in kernel_sources().iter().filter(|(p, _)| p.ends_with(".rs")) {
        let lines: Vec<&str> = text.lines().collect();
        let Some(first_item) = lines.iter().position(|l| opens_other_item(l)) else { continue };
        for (n, line) in lines.iter().enumerate().skip(first_item) {
            if opens_use(line) {
                late.push(format!("{path}:{}: {line}", n + 1));
            }
        }
    }
    assert!(late.is_empty(), "use lines below the first item (run `make tangle`):\n{}", late.join("\n"));
}

#[test]
fn the_check_sees_a_late_use() {
    let text = "//! Doc.\n\nuse a::b;\n\npub struct X;\n\nuse c::d;\n";
    let lines: Vec<&str> = text.lines().collect();
    let first_item = lines.iter().position(|l| opens_other_item(l)).unwrap();
    assert_eq!(lines[first_item], "pub struct X;");
    assert!(lines[first_item..].iter().any(|l| opens_use(l)));
}
