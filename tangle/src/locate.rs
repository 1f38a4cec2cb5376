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
        !line.trim().is_empty()
            && !matches!(classify(line, self.width), SnippetLine::Other(_))
            || line.starts_with("...")
            || line.starts_with("help:")
            || line.starts_with("note:")
    }

    fn render(&self, lines: &[String]) -> Vec<String> {
        // Each line, with the book location it now shows (for a numbered
        // line of generated code: the book line; for a location: the book
        // file, if the position is in generated/).
        let mut generated: Option<String> = None;
        let mut book_file: Option<String> = None;
        let mut rows: Vec<(Option<String>, Option<usize>, String)> = Vec::new();
        for line in lines {
            match classify(line, self.width) {
                SnippetLine::Location(marker, rest) => {
                    let position = parse_position(rest);
                    let loc = position.as_ref().and_then(|(p, l, c)| locate(self.output, p, *l, *c));
                    generated = position.filter(|_| loc.is_some()).map(|(p, _, _)| p);
                    book_file = loc.map(|l| l.file);
                    rows.push((Some(format!("{marker} {}", rewrite_line(self.output, rest))), None, String::new()));
                }
                SnippetLine::Gutter(Some(n), rest) => {
                    let loc = generated.as_deref().and_then(|p| locate(self.output, p, n, 1));
                    match loc {
                        Some(loc) => {
                            if book_file.as_deref() != Some(loc.file.as_str()) {
                                let here = format!("{}/{}:{n}:1", crate::GENERATED_DIR, generated.as_deref().unwrap_or(""));
                                rows.push((Some(format!("::: {loc} ({here})")), None, String::new()));
                                book_file = Some(loc.file.clone());
                            }
                            rows.push((None, Some(loc.line), rest.to_string()));
                        }
                        None => rows.push((None, Some(n), rest.to_string())),
                    }
                }
                SnippetLine::Gutter(None, rest) => rows.push((None, None, rest.to_string())),
                SnippetLine::Other(text) => {
                    rows.push((Some(format!("\u{0}{}", rewrite_line(self.output, text))), None, String::new()))
                }
            }
        }
        let width = rows.iter().filter_map(|r| r.1).map(|n| n.to_string().len()).max().unwrap_or(self.width).max(1);
        rows.into_iter()
            .map(|(whole, number, rest)| match (whole, number) {
                (Some(text), _) => match text.strip_prefix('\u{0}') {
                    Some(other) => other.to_string(),
                    None => format!("{:width$}{text}", ""),
                },
                (None, Some(n)) => format!("{n:<width$}{rest}"),
                (None, None) => format!("{:width$}{rest}", ""),
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
