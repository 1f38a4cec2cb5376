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
