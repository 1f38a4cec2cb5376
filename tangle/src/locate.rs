//! From generated code back to the book: `tangle where` and the filter
//! that puts compiler messages at their book location.

use crate::diag::Loc;
use crate::expand::Output;
use crate::GENERATED_DIR;

/// The book location of `line:col` of generated file `path` (relative to
/// `generated/`).
pub fn locate(output: &Output, path: &str, line: usize, col: usize) -> Option<Loc> {
    let file = output.get(path)?;
    file.origins.get(line.checked_sub(1)?).map(|origin| origin.book_loc(col))
}

/// Parses `generated/FILE:LINE[:COL]` (any directory prefix allowed).
pub fn parse_position(text: &str) -> Option<(String, usize, usize)> {
    let start = text.find(&format!("{GENERATED_DIR}/"))? + GENERATED_DIR.len() + 1;
    let mut fields = text[start..].split(':');
    let path = fields.next()?.to_string();
    let line = fields.next()?.parse().ok()?;
    let col = fields.next().and_then(|c| c.parse().ok()).unwrap_or(1);
    Some((path, line, col))
}

/// Rewrites one line of compiler output: each `...generated/FILE:L:C` is
/// replaced by its book location, the generated one following in brackets.
pub fn rewrite_line(output: &Output, line: &str) -> String {
    let mut result = String::with_capacity(line.len());
    let mut rest = line;
    let needle = format!("{GENERATED_DIR}/");
    while let Some(found) = rest.find(&needle) {
        // The path starts at the last space (or quote) before `generated/`.
        let start = rest[..found].rfind([' ', '"', '(', '\'']).map_or(0, |i| i + 1);
        let end = rest[found..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || "/_.-:".contains(c)))
            .map_or(rest.len(), |i| found + i);
        let token = rest[start..end].trim_end_matches(':');
        let token_end = start + token.len();
        result.push_str(&rest[..start]);
        match parse_position(token).and_then(|(p, l, c)| locate(output, &p, l, c)) {
            Some(loc) => {
                let generated = &token[found - start..];
                result.push_str(&format!("{loc} ({generated})"));
            }
            None => result.push_str(token),
        }
        rest = &rest[token_end..];
    }
    result.push_str(rest);
    result
}

/// Rewrites compiler output line by line, and the source snippets under
/// each location as a whole: a diagnostic's lines from its first
/// `--> generated/...` to its end (a blank line, or a line that is not part
/// of a snippet) are held back, then printed with the book's line numbers in
/// the gutter, the gutter's width set for the widest of them, as rustc sets
/// it. A snippet line from another book file than the one before it gets a
/// `::: BOOK-LOCATION` line of its own, so no number is read against the
/// wrong chapter. Anything not from `generated/` keeps its number.
pub struct Rewriter<'o> {
    output: &'o Output,
    /// The held-back lines of the current diagnostic, and its gutter width.
    pending: Vec<String>,
    width: usize,
}

/// One line of a source snippet, as rustc draws it.
enum SnippetLine<'l> {
    /// `  --> path:L:C` or `  ::: path:L:C`: the marker and the position.
    Location(&'static str, &'l str),
    /// `33 | code`, `   | ^^^`, `   = note`, `32 + code`: the number, if
    /// any, and everything from the space before the gutter mark on.
    Gutter(Option<usize>, &'l str),
    /// Anything else (`...`, `help: ...`), as it is.
    Other(&'l str),
}

impl<'o> Rewriter<'o> {
    pub fn new(output: &'o Output) -> Self {
        Rewriter { output, pending: Vec::new(), width: 0 }
    }

    /// Takes one line of input; returns the lines now ready to print.
    pub fn line(&mut self, line: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !self.pending.is_empty() {
            if self.continues(line) {
                self.pending.push(line.to_string());
                return out;
            }
            out.extend(self.finish());
        }
        match location_width(line) {
            Some(width) => {
                self.width = width;
                self.pending.push(line.to_string());
            }
            None => out.push(rewrite_line(self.output, line)),
        }
        out
    }

    /// The held-back lines, rewritten (at a snippet's end, or the input's).
    pub fn finish(&mut self) -> Vec<String> {
        let lines = std::mem::take(&mut self.pending);
        self.render(&lines)
    }

    /// Whether `line` is part of the diagnostic being held back.
    fn continues(&self, line: &str) -> bool {
        let snippet = !line.trim().is_empty() && !matches!(classify(line, self.width), SnippetLine::Other(_));
        snippet || line.starts_with("...") || line.starts_with("help:") || line.starts_with("note:")
    }

    fn render(&self, lines: &[String]) -> Vec<String> {
        /// A line as it will be printed, before the new width is known.
        enum Row {
            /// Printed as it is: `...`, `help: ...`.
            Whole(String),
            /// A `-->` or `:::` line: indented by the gutter's width.
            Location(String),
            /// A gutter line: its number, if any, then the rest from the
            /// space before the gutter mark on.
            Gutter(Option<usize>, String),
        }
        // The generated file the current snippet shows, if it is one of
        // ours, and the book file its numbers are now read against.
        let mut generated: Option<String> = None;
        let mut book_file: Option<String> = None;
        let mut rows = Vec::new();
        for line in lines {
            match classify(line, self.width) {
                SnippetLine::Location(marker, rest) => {
                    let position = parse_position(rest);
                    let loc = position.as_ref().and_then(|(p, l, c)| locate(self.output, p, *l, *c));
                    generated = position.filter(|_| loc.is_some()).map(|(p, _, _)| p);
                    book_file = loc.map(|l| l.file);
                    rows.push(Row::Location(format!("{marker} {}", rewrite_line(self.output, rest))));
                }
                SnippetLine::Gutter(Some(n), rest) => {
                    match generated.as_deref().and_then(|p| locate(self.output, p, n, 1).map(|loc| (p, loc))) {
                        Some((path, loc)) => {
                            if book_file.as_deref() != Some(loc.file.as_str()) {
                                let here = format!("{GENERATED_DIR}/{path}:{n}:1");
                                rows.push(Row::Location(format!("::: {loc} ({here})")));
                                book_file = Some(loc.file.clone());
                            }
                            rows.push(Row::Gutter(Some(loc.line), rest.to_string()));
                        }
                        None => rows.push(Row::Gutter(Some(n), rest.to_string())),
                    }
                }
                SnippetLine::Gutter(None, rest) => rows.push(Row::Gutter(None, rest.to_string())),
                SnippetLine::Other(text) => rows.push(Row::Whole(rewrite_line(self.output, text))),
            }
        }
        let numbers = rows.iter().filter_map(|row| match row {
            Row::Gutter(Some(n), _) => Some(n.to_string().len()),
            _ => None,
        });
        let width = numbers.max().unwrap_or(self.width).max(1);
        rows.into_iter()
            .map(|row| match row {
                Row::Whole(text) => text,
                Row::Location(text) => format!("{:width$}{text}", ""),
                Row::Gutter(Some(n), rest) => format!("{n:<width$}{rest}"),
                Row::Gutter(None, rest) => format!("{:width$}{rest}", ""),
            })
            .collect()
    }
}

/// The gutter width of a `--> ` line (its indentation), if it is one.
fn location_width(line: &str) -> Option<usize> {
    let body = line.trim_start_matches(' ');
    body.starts_with("--> ").then_some(line.len() - body.len()).filter(|&w| w > 0)
}

fn classify(line: &str, width: usize) -> SnippetLine<'_> {
    let bytes = line.as_bytes();
    if line.len() > width && bytes[..width].iter().all(|&b| b == b' ') {
        for marker in ["-->", ":::"] {
            if let Some(rest) = line[width..].strip_prefix(marker).and_then(|r| r.strip_prefix(' ')) {
                return SnippetLine::Location(marker, rest);
            }
        }
    }
    if line.len() >= width + 2 && bytes[width] == b' ' && b"|=+-~".contains(&bytes[width + 1]) {
        let head = &line[..width];
        let digits = head.trim_end_matches(' ');
        let rest = &line[width..];
        if (rest.len() == 2 || rest.as_bytes()[2] == b' ') && digits.bytes().all(|b| b.is_ascii_digit()) {
            if digits.is_empty() {
                return SnippetLine::Gutter(None, rest);
            }
            if let Ok(n) = digits.parse() {
                return SnippetLine::Gutter(Some(n), rest);
            }
        }
    }
    SnippetLine::Other(line)
}

/// Rewrites a whole text of compiler output (what `tangle rewrite` does to
/// its input).
pub fn rewrite(output: &Output, text: &str) -> String {
    let mut rewriter = Rewriter::new(output);
    let mut result = String::with_capacity(text.len());
    for line in text.lines() {
        for done in rewriter.line(line) {
            result.push_str(&done);
            result.push('\n');
        }
    }
    for done in rewriter.finish() {
        result.push_str(&done);
        result.push('\n');
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expand::{GeneratedFile, Origin};

    /// `generated/kernel/src/cmdline.rs`: lines 1..=40 from memory.md, line
    /// L at book line L + 32; `console.rs`: line L at serial.md L + 168,
    /// except its lines 10..=12, which come from another chapter's chunk.
    fn output() -> Output {
        let file = |lines: usize, book: &dyn Fn(usize) -> (&'static str, usize)| {
            let origins = (1..=lines)
                .map(|l| {
                    let (file, line) = book(l);
                    Origin::Code { loc: Loc { file: file.to_string(), line, col: 1 }, col_shift: 0 }
                })
                .collect();
            GeneratedFile { text: "x\n".repeat(lines), origins }
        };
        let mut output = Output::new();
        output.insert("kernel/src/cmdline.rs".into(), file(40, &|l| ("src-book/preparation/memory.md", l + 32)));
        output.insert(
            "kernel/src/console.rs".into(),
            file(20, &|l| match l {
                10..=12 => ("src-book/host/console.md", l + 990),
                _ => ("src-book/preparation/serial.md", l + 168),
            }),
        );
        output
    }

    fn check(input: &str, expected: &str) {
        assert_eq!(rewrite(&output(), input), expected);
    }

    #[test]
    fn an_error_with_a_note_in_another_file_widens_the_gutter() {
        check(
            "\
error[E0599]: no method named `no_such_method` found for struct `Console` in the current scope
  --> generated/kernel/src/cmdline.rs:33:17
   |
33 |         console.no_such_method();
   |                 ^^^^^^^^^^^^^^ method not found in `Console`
   |
  ::: generated/kernel/src/console.rs:14:1
   |
14 | pub struct Console;
   | ------------------ method `no_such_method` not found for this struct

error: could not compile `rguest-kernel` (bin \"rguest\") due to 1 previous error
",
            "\
error[E0599]: no method named `no_such_method` found for struct `Console` in the current scope
   --> src-book/preparation/memory.md:65:17 (generated/kernel/src/cmdline.rs:33:17)
    |
65  |         console.no_such_method();
    |                 ^^^^^^^^^^^^^^ method not found in `Console`
    |
   ::: src-book/preparation/serial.md:182:1 (generated/kernel/src/console.rs:14:1)
    |
182 | pub struct Console;
    | ------------------ method `no_such_method` not found for this struct

error: could not compile `rguest-kernel` (bin \"rguest\") due to 1 previous error
",
        );
    }

    #[test]
    fn a_multi_line_span_keeps_its_drawing() {
        check(
            "\
error[E0308]: mismatched types
  --> generated/kernel/src/cmdline.rs:34:22
   |
34 |           let s: u32 = self.has(
   |  ________________---___^
   | |                |
   | |                expected due to this
35 | |             \"x\",
36 | |         );
   | |_________^ expected `u32`, found `bool`
",
            "\
error[E0308]: mismatched types
  --> src-book/preparation/memory.md:66:22 (generated/kernel/src/cmdline.rs:34:22)
   |
66 |           let s: u32 = self.has(
   |  ________________---___^
   | |                |
   | |                expected due to this
67 | |             \"x\",
68 | |         );
   | |_________^ expected `u32`, found `bool`
",
        );
    }

    #[test]
    fn warnings_with_help_snippets_and_elisions() {
        check(
            "\
warning: unused variable: `console`
  --> generated/kernel/src/cmdline.rs:32:13
   |
32 |         let console = crate::console::Console;
   |             ^^^^^^^
   |
help: if this is intentional, prefix it with an underscore
   |
32 -         let console = crate::console::Console;
32 +         let _console = crate::console::Console;
   |

warning: method `scratch` is never used
  --> generated/kernel/src/cmdline.rs:30:12
   |
9  | impl<'a> Cmdline<'a> {
   | -------------------- method in this implementation
...
30 |     pub fn scratch(&self) -> u32 {
   |            ^^^^^^^
   |
   = note: `#[warn(dead_code)]` (part of `#[warn(unused)]`) on by default

warning: `rguest-kernel` (bin \"rguest\") generated 2 warnings
",
            "\
warning: unused variable: `console`
  --> src-book/preparation/memory.md:64:13 (generated/kernel/src/cmdline.rs:32:13)
   |
64 |         let console = crate::console::Console;
   |             ^^^^^^^
   |
help: if this is intentional, prefix it with an underscore
   |
64 -         let console = crate::console::Console;
64 +         let _console = crate::console::Console;
   |

warning: method `scratch` is never used
  --> src-book/preparation/memory.md:62:12 (generated/kernel/src/cmdline.rs:30:12)
   |
41 | impl<'a> Cmdline<'a> {
   | -------------------- method in this implementation
...
62 |     pub fn scratch(&self) -> u32 {
   |            ^^^^^^^
   |
   = note: `#[warn(dead_code)]` (part of `#[warn(unused)]`) on by default

warning: `rguest-kernel` (bin \"rguest\") generated 2 warnings
",
        );
    }

    #[test]
    fn narrower_numbers_narrow_the_gutter() {
        // Generated line 100 comes from book line 8: the gutter shrinks.
        let mut output = Output::new();
        let origins = (1..=120usize)
            .map(|l| {
                let line = l.saturating_sub(92).max(1);
                Origin::Code { loc: Loc { file: "src-book/a.md".into(), line, col: 1 }, col_shift: 0 }
            })
            .collect();
        output.insert("a.rs".into(), GeneratedFile { text: "x\n".repeat(120), origins });
        let input = "error: x\n   --> generated/a.rs:100:5\n    |\n100 |     bad();\n    |     ^^^\n";
        let want = "error: x\n --> src-book/a.md:8:5 (generated/a.rs:100:5)\n  |\n8 |     bad();\n  |     ^^^\n";
        assert_eq!(rewrite(&output, input), want);
    }

    #[test]
    fn a_snippet_crossing_into_another_chapter_says_where() {
        check(
            "\
error: x
  --> generated/kernel/src/console.rs:9:1
   |
9  | a
10 | b
   | ^
",
            "\
error: x
    --> src-book/preparation/serial.md:177:1 (generated/kernel/src/console.rs:9:1)
     |
177  | a
    ::: src-book/host/console.md:1000:1 (generated/kernel/src/console.rs:10:1)
1000 | b
     | ^
",
        );
    }

    #[test]
    fn only_a_snippet_is_held_back() {
        // `make qemu` streams the kernel's output through the rewriter: a
        // line outside a snippet comes out at once.
        let output = output();
        let mut rewriter = Rewriter::new(&output);
        assert_eq!(rewriter.line("kernel: hello"), ["kernel: hello"]);
        assert!(rewriter.line("  --> generated/kernel/src/cmdline.rs:33:17").is_empty());
        assert!(rewriter.line("   |").is_empty());
        let done = rewriter.line("");
        assert_eq!(done[0], "  --> src-book/preparation/memory.md:65:17 (generated/kernel/src/cmdline.rs:33:17)");
        assert_eq!(done[1..], ["   |", ""]);
        assert!(rewriter.finish().is_empty());
    }

    #[test]
    fn lines_not_from_generated_are_left_alone() {
        let input = "\
error[E0061]: this function takes 1 argument but 2 arguments were supplied
  --> generated/kernel/src/cmdline.rs:16:25
   |
16 |         Cmdline { text: core::str::from_utf8(bytes, 1) }
   |                         ^^^^^^^^^^^^^^^^^^^^      - unexpected argument
   |
note: function defined here
  --> /rustc/abc/library/core/src/str/converts.rs:87:14
   |
87 | pub const fn from_utf8(v: &[u8]) -> Result<&str, Utf8Error> {
   |              ^^^^^^^^^
panicked at src/main.rs:10:5
 12 | not a snippet
";
        let want = "\
error[E0061]: this function takes 1 argument but 2 arguments were supplied
  --> src-book/preparation/memory.md:48:25 (generated/kernel/src/cmdline.rs:16:25)
   |
48 |         Cmdline { text: core::str::from_utf8(bytes, 1) }
   |                         ^^^^^^^^^^^^^^^^^^^^      - unexpected argument
   |
note: function defined here
  --> /rustc/abc/library/core/src/str/converts.rs:87:14
   |
87 | pub const fn from_utf8(v: &[u8]) -> Result<&str, Utf8Error> {
   |              ^^^^^^^^^
panicked at src/main.rs:10:5
 12 | not a snippet
";
        check(input, want);
    }
}
