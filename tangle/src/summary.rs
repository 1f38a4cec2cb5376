//! Reads `SUMMARY.md`: which chapters the book has, in reading order, and
//! which of the seven parts each belongs to.

use crate::diag::{Diagnostic, Loc};
use crate::part::Part;

/// A chapter named in SUMMARY.md.
#[derive(Clone, Debug)]
pub struct ChapterEntry {
    pub title: String,
    /// Path relative to the book directory, as written in SUMMARY.md.
    pub path: String,
    /// The part whose heading this chapter follows, if any.
    pub part: Option<Part>,
    /// Where SUMMARY.md names it.
    pub loc: Loc,
}

/// Parses SUMMARY.md. `file` is its path as printed in diagnostics.
///
/// A `# Heading` naming one of the seven parts starts that part; any other
/// heading ends it. Every `[title](path.md)` link, listed or not, is a
/// chapter; draft chapters with an empty path are skipped, as mdbook does.
pub fn parse(file: &str, text: &str) -> Result<Vec<ChapterEntry>, Vec<Diagnostic>> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let mut part = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let loc = |col| Loc { file: file.to_string(), line: index + 1, col };
        if let Some(heading) = trimmed.strip_prefix('#') {
            part = Part::from_name(heading.trim_start_matches('#'));
            continue;
        }
        let Some(open) = line.find('[') else { continue };
        let Some(close) = line[open..].find("](").map(|i| open + i) else {
            continue;
        };
        let Some(end) = line[close..].find(')').map(|i| close + i) else {
            errors.push(Diagnostic::new(&loc(open + 1), "unclosed link in SUMMARY.md"));
            continue;
        };
        let path = line[close + 2..end].trim();
        if path.is_empty() {
            continue;
        }
        let col = line[..close + 2].chars().count() + 1;
        entries.push(ChapterEntry {
            title: line[open + 1..close].to_string(),
            path: path.to_string(),
            part,
            loc: loc(col),
        });
    }
    if errors.is_empty() { Ok(entries) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_headings() {
        let text = "# Summary\n\n[Intro](intro.md)\n\n# Preparation\n\n- [Boot](prep/boot.md)\n  - [Serial](prep/serial.md)\n- [Draft]()\n\n# Guest\n- [Guest](guest.md)\n\n# Appendix\n[Tags](tags.md)\n";
        let entries = parse("src-book/SUMMARY.md", text).unwrap();
        let got: Vec<_> = entries.iter().map(|e| (e.path.as_str(), e.part)).collect();
        assert_eq!(
            got,
            [
                ("intro.md", None),
                ("prep/boot.md", Some(Part::Preparation)),
                ("prep/serial.md", Some(Part::Preparation)),
                ("guest.md", Some(Part::Guest)),
                ("tags.md", None),
            ]
        );
        assert_eq!(entries[2].loc.line, 8);
        assert_eq!(entries[2].loc.col, 14);
    }
}
