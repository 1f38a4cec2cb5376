//! A Rust file's `use` lines at its top, whichever chapter brings them.
//!
//! The book introduces an import where the code that needs it appears, often
//! chapters after the file began; rustc accepts a `use` anywhere among the
//! items, but a reader of `generated/` expects them all under the file's
//! opening doc comment. So, after expansion, every top-level `use` item of a
//! `.rs` file (a `pub use`, one spread over several lines, and the `#[...]`
//! attributes and comments directly above it) moves up, in book order, to
//! just after the file's opening: its chunk labels, inner doc comments
//! (`//!`) and inner attributes (`#![...]`). A group that moved from a later
//! block is headed by a comment naming that block's tag; a block left with
//! nothing but its label loses the label. Items inside braces (a
//! `mod tests { use ...; }`, a function body) stay where they are, and every
//! line keeps its origin, so `tangle where` still finds it in the book.

use crate::comment::CommentStyle;
use crate::expand::{GeneratedFile, Origin};

/// One block of the book as expanded into a file, under its label line.
#[derive(Clone, Debug)]
pub struct Piece {
    /// The owning tag, as text (`H:150`).
    pub tag: String,
    /// The line of its label.
    pub label: usize,
    /// The blank line written before its label, if any.
    pub separator: Option<usize>,
    /// The piece whose chunk reference it expands, if any.
    pub parent: Option<usize>,
}

/// How a file was put together: its pieces, and for each line the innermost
/// piece it belongs to.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub pieces: Vec<Piece>,
    pub line_piece: Vec<usize>,
}

/// What the lexer knows at the start of a line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct LineState {
    /// Open brackets of any kind (`{`, `(`, `[`) before the line.
    depth: usize,
    /// Whether the line starts inside a block comment or a string.
    in_literal: bool,
    /// Whether a `;` outside every bracket, comment and string ends on it.
    ends_item: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Str {
    None,
    Plain,
    /// A raw string closed by `"` and this many `#`.
    Raw(usize),
}

/// Enough of Rust's lexer to know which lines are at the top level: it
/// skips comments (nested block comments too), strings, raw strings and
/// character literals, and tells a character literal from a lifetime.
fn scan(lines: &[&str]) -> Vec<LineState> {
    let mut depth: isize = 0;
    let mut comment = 0usize;
    let mut string = Str::None;
    let mut states = Vec::with_capacity(lines.len());
    for line in lines {
        let mut state = LineState { depth: depth.max(0) as usize, in_literal: comment > 0 || string != Str::None, ends_item: false };
        let chars: Vec<char> = line.chars().collect();
        let at = |i: usize| chars.get(i).copied();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if comment > 0 {
                if c == '/' && at(i + 1) == Some('*') {
                    comment += 1;
                    i += 2;
                } else if c == '*' && at(i + 1) == Some('/') {
                    comment -= 1;
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            match string {
                Str::Plain => {
                    if c == '\\' {
                        i += 2;
                        continue;
                    }
                    if c == '"' {
                        string = Str::None;
                    }
                    i += 1;
                    continue;
                }
                Str::Raw(hashes) => {
                    if c == '"' && (1..=hashes).all(|k| at(i + k) == Some('#')) {
                        string = Str::None;
                        i += 1 + hashes;
                    } else {
                        i += 1;
                    }
                    continue;
                }
                Str::None => {}
            }
            let after_identifier = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
            match c {
                '/' if at(i + 1) == Some('/') => break,
                '/' if at(i + 1) == Some('*') => {
                    comment = 1;
                    i += 2;
                    continue;
                }
                '"' => string = Str::Plain,
                'r' | 'b' if !after_identifier => {
                    // `r"..."`, `r#"..."#`, `br"..."`: a raw string; `r#type`
                    // is a raw identifier, and `b"..."` an ordinary string.
                    let r = if c == 'b' && at(i + 1) == Some('r') { i + 1 } else { i };
                    if chars[r] == 'r' {
                        let hashes = chars[r + 1..].iter().take_while(|&&h| h == '#').count();
                        if at(r + 1 + hashes) == Some('"') {
                            string = Str::Raw(hashes);
                            i = r + 2 + hashes;
                            continue;
                        }
                    }
                }
                '\'' => {
                    if at(i + 1) == Some('\\') {
                        // An escaped character: up to the closing quote.
                        i = (i + 3..chars.len()).find(|&j| chars[j] == '\'').map_or(chars.len(), |j| j + 1);
                        continue;
                    }
                    if at(i + 2) == Some('\'') {
                        i += 3;
                        continue;
                    }
                    // A lifetime or a label: nothing to skip.
                }
                '{' | '(' | '[' => depth += 1,
                '}' | ')' | ']' => depth -= 1,
                ';' if depth == 0 => state.ends_item = true,
                _ => {}
            }
            i += 1;
        }
        states.push(state);
    }
    states
}

/// Whether a line opens a `use` item: `use`, `pub use`, `pub(crate) use`.
fn opens_use(line: &str) -> bool {
    let mut rest = line.trim_start();
    if let Some(after) = rest.strip_prefix("pub") {
        let after_paren = after.trim_start();
        if let Some(inner) = after_paren.strip_prefix('(') {
            let Some(close) = inner.find(')') else { return false };
            rest = &inner[close + 1..];
        } else if after.starts_with(char::is_whitespace) {
            rest = after;
        } else {
            return false;
        }
        rest = rest.trim_start();
    }
    rest.strip_prefix("use").is_some_and(|r| r.starts_with(char::is_whitespace))
}

/// A top-level `use` item: its lines, attributes and comments above it
/// included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Item {
    start: usize,
    end: usize,
    piece: usize,
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Every top-level `use` item, in order.
fn items(lines: &[&str], states: &[LineState], origins: &[Origin], layout: &Layout) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let top = states[i].depth == 0 && !states[i].in_literal;
        if !(top && matches!(origins[i], Origin::Code { .. }) && opens_use(lines[i])) {
            i += 1;
            continue;
        }
        let Some(end) = (i..lines.len()).find(|&j| states[j].ends_item) else { break };
        let mut start = i;
        let floor = items.last().map_or(0, |item| item.end + 1);
        while start > floor {
            let above = start - 1;
            let text = lines[above].trim_start();
            let attached = matches!(origins[above], Origin::Code { .. })
                && states[above].depth == 0
                && !states[above].in_literal
                && (text.starts_with("#[") || (text.starts_with("//") && !text.starts_with("//!")));
            if !attached {
                break;
            }
            start = above;
        }
        items.push(Item { start, end, piece: layout.line_piece[i] });
        i = end + 1;
    }
    items
}

/// The end of the file's opening: chunk labels, blank lines, inner doc
/// comments and inner attributes (one over several lines too), up to the
/// last line of them that is not blank.
fn opening(lines: &[&str], states: &[LineState], origins: &[Origin]) -> usize {
    let mut end = 0;
    let mut inner_attribute = false;
    for (i, line) in lines.iter().enumerate() {
        let text = line.trim_start();
        if inner_attribute && states[i].depth > 0 {
            end = i + 1;
            continue;
        }
        inner_attribute = false;
        if is_blank(line) {
            continue;
        }
        let label = matches!(origins[i], Origin::Label { .. });
        if text.starts_with("#![") && states[i].depth == 0 {
            inner_attribute = true;
        } else if !(label || text.starts_with("//!")) {
            break;
        }
        end = i + 1;
    }
    end
}

/// Moves the top-level `use` items of `file` (a Rust file as the expander
/// wrote it, without its header) to its opening. `layout` says which piece
/// each line belongs to. A file whose `use` lines already sit there comes
/// back unchanged.
pub fn hoist_uses(file: GeneratedFile, layout: &Layout, style: CommentStyle) -> GeneratedFile {
    let lines: Vec<&str> = file.text.lines().collect();
    let origins = &file.origins;
    let states = scan(&lines);
    let items = items(&lines, &states, origins, layout);
    if items.is_empty() {
        return file;
    }
    let start = opening(&lines, &states, origins);
    let mut removed = vec![false; lines.len()];
    for item in &items {
        removed[item.start..=item.end].fill(true);
    }
    // A piece that loses every line it had but its label loses the label
    // too (and the blank line before it), unless the label opens the file.
    let mut kept = vec![false; layout.pieces.len()];
    for (l, line) in lines.iter().enumerate() {
        if removed[l] || is_blank(line) || !matches!(origins[l], Origin::Code { .. }) {
            continue;
        }
        let mut piece = Some(layout.line_piece[l]);
        while let Some(p) = piece.filter(|&p| !kept[p]) {
            kept[p] = true;
            piece = layout.pieces[p].parent;
        }
    }
    for item in &items {
        let piece = &layout.pieces[item.piece];
        if !kept[item.piece] && piece.label >= start {
            removed[piece.label] = true;
            if let Some(separator) = piece.separator {
                removed[separator] = true;
            }
        }
    }

    let mut out = GeneratedFile::default();
    for l in 0..start {
        out.push(lines[l], origins[l].clone());
    }
    // The gathered items, headed by their tag where it changes; a blank line
    // between two items of one piece that had only blank lines between them.
    let first_loc = origins[items[0].start].book_loc(1);
    if start > 0 && matches!(origins[start - 1], Origin::Code { .. }) {
        out.push("", Origin::Label { loc: first_loc.clone() });
    }
    let mut tag = (start > 0).then(|| layout.pieces[layout.line_piece[start - 1]].tag.as_str());
    let mut moved = false;
    for (n, item) in items.iter().enumerate() {
        let item_tag = layout.pieces[item.piece].tag.as_str();
        if tag != Some(item_tag) {
            moved = true;
            let label = style.line("", &format!("{item_tag} (its use lines, gathered at the top)"));
            out.push(&label, Origin::Label { loc: origins[item.start].book_loc(1) });
            tag = Some(item_tag);
        } else if n > 0 {
            let previous = items[n - 1];
            let between = previous.end + 1..item.start;
            if !between.is_empty() && lines[between].iter().all(|l| is_blank(l)) {
                out.push("", Origin::Label { loc: origins[item.start].book_loc(1) });
            }
        }
        for l in item.start..=item.end {
            out.push(lines[l], origins[l].clone());
        }
    }
    // A blank line after them, unless none moved from a later block and
    // the line that follows them now followed an item directly before (a
    // chunk's label, say): such a file stays as it was.
    let next = (start..lines.len()).find(|&l| !removed[l] && !is_blank(lines[l]));
    let tight = !moved && next.is_some_and(|l| l > 0 && removed[l - 1] && !is_blank(lines[l - 1]));
    if !tight {
        out.push("", Origin::Label { loc: first_loc });
    }
    // The rest, without the blank lines that only separated what left: a
    // blank line right after a gap goes if the line before the gap was blank
    // or a label, or the gathered items; blank lines that end the file after
    // a gap go too.
    let mut after_gap = false;
    let mut previous_kept: Option<usize> = None;
    let mut pending_blanks: Vec<usize> = Vec::new();
    for l in start..lines.len() {
        if removed[l] {
            after_gap = true;
            continue;
        }
        if is_blank(lines[l]) {
            let previous_blank_or_label = previous_kept.is_none_or(|p| is_blank(lines[p]) || matches!(origins[p], Origin::Label { .. }));
            if after_gap && (previous_blank_or_label || !pending_blanks.is_empty()) {
                continue;
            }
            if previous_kept.is_none() {
                continue;
            }
            pending_blanks.push(l);
            continue;
        }
        for b in pending_blanks.drain(..) {
            out.push(lines[b], origins[b].clone());
        }
        out.push(lines[l], origins[l].clone());
        previous_kept = Some(l);
        after_gap = false;
    }
    if !after_gap {
        for b in pending_blanks {
            out.push(lines[b], origins[b].clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Loc;

    /// A file of pieces: each is (tag, label, lines); a piece after the
    /// first is separated by a blank line, as the expander writes them.
    fn file(pieces: &[(&str, &[&str])]) -> (GeneratedFile, Layout) {
        let mut file = GeneratedFile::default();
        let mut layout = Layout::default();
        let loc = |line: usize| Loc { file: "book.md".into(), line, col: 1 };
        let mut book_line = 100;
        for (n, (tag, lines)) in pieces.iter().enumerate() {
            let id = layout.pieces.len();
            let separator = (n > 0).then(|| {
                file.push("", Origin::Label { loc: loc(book_line) });
                layout.line_piece.push(id);
                file.origins.len() - 1
            });
            file.push(&format!("// {tag} x.rs"), Origin::Label { loc: loc(book_line) });
            layout.line_piece.push(id);
            layout.pieces.push(Piece { tag: tag.to_string(), label: file.origins.len() - 1, separator, parent: None });
            for line in *lines {
                book_line += 1;
                file.push(line, Origin::Code { loc: loc(book_line), col_shift: 0 });
                layout.line_piece.push(id);
            }
            book_line += 10;
        }
        (file, layout)
    }

    fn hoisted(pieces: &[(&str, &[&str])]) -> GeneratedFile {
        let (file, layout) = file(pieces);
        hoist_uses(file, &layout, CommentStyle::for_path("x.rs").unwrap())
    }

    #[test]
    fn a_file_whose_uses_are_on_top_is_unchanged() {
        let pieces: &[(&str, &[&str])] =
            &[("P:010", &["//! Doc.", "", "use core::fmt;", "", "use crate::a::B;", "", "pub struct X;"]), ("P:020", &["fn f() {}"])];
        let (original, _) = file(pieces);
        assert_eq!(hoisted(pieces).text, original.text);
    }

    #[test]
    fn later_uses_move_up_under_their_tag() {
        let out = hoisted(&[
            ("P:010", &["//! Doc.", "#![allow(dead_code)]", "", "use a::b;", "", "pub struct X;"]),
            ("P:020", &["fn f() {}", "", "pub use c::{", "    d,", "    e, // why", "};", "", "fn g() {}"]),
            ("P:030", &["#[cfg(test)]", "// For the tests.", "use f::g;"]),
        ]);
        let want = "\
// P:010 x.rs
//! Doc.
#![allow(dead_code)]

use a::b;
// P:020 (its use lines, gathered at the top)
pub use c::{
    d,
    e, // why
};
// P:030 (its use lines, gathered at the top)
#[cfg(test)]
// For the tests.
use f::g;

pub struct X;

// P:020 x.rs
fn f() {}

fn g() {}
";
        assert_eq!(out.text, want);
    }

    #[test]
    fn nested_and_function_uses_stay() {
        let pieces: &[(&str, &[&str])] = &[
            ("P:010", &["//! Doc.", "", "fn f() {", "    use a::b;", "}"]),
            ("P:020", &["#[cfg(test)]", "mod tests {", "    use super::*;", "use crate::x;", "}"]),
            ("P:030", &["const S: &str = \"{\";", "const C: char = '{';", "fn l<'a>(x: &'a u8) {}", "/* { */", "use z::Z;"]),
        ];
        let out = hoisted(pieces);
        assert!(out.text.contains("    use a::b;\n}"), "{}", out.text);
        assert!(out.text.contains("    use super::*;\nuse crate::x;\n}"), "{}", out.text);
        assert!(out.text.starts_with("// P:010 x.rs\n//! Doc.\n\n// P:030 (its use lines, gathered at the top)\nuse z::Z;\n\nfn f() {"), "{}", out.text);
    }

    #[test]
    fn strings_and_comments_do_not_open_a_scope() {
        let lines = [r##"let s = r#"{ "# ;"##, "/* { /* { */ } */", "let c = '\\'';", "b'{'; br\"{\";", "use a;"];
        let states = scan(&lines);
        assert!(states.iter().all(|s| s.depth == 0), "{states:?}");
        assert!(states[4].ends_item);
    }

    #[test]
    fn a_piece_left_with_only_its_label_loses_it() {
        let out = hoisted(&[("P:010", &["//! Doc.", "", "pub struct X;"]), ("P:020", &["use a::b;"]), ("P:030", &["fn f() {}"])]);
        assert_eq!(
            out.text,
            "// P:010 x.rs\n//! Doc.\n\n// P:020 (its use lines, gathered at the top)\nuse a::b;\n\npub struct X;\n\n// P:030 x.rs\nfn f() {}\n"
        );
    }

    #[test]
    fn every_line_keeps_its_origin() {
        let (original, layout) = file(&[("P:010", &["//! Doc.", "", "pub struct X;"]), ("P:020", &["fn f() {}", "use a::b;", "fn g() {}"])]);
        let out = hoist_uses(original.clone(), &layout, CommentStyle::for_path("x.rs").unwrap());
        for (line, origin) in out.text.lines().zip(&out.origins) {
            if let Origin::Code { .. } = origin {
                let at = original.text.lines().position(|l| l == line).unwrap();
                assert_eq!(*origin, original.origins[at], "{line}");
            }
        }
        assert_eq!(out.text.lines().count(), out.origins.len());
    }

    #[test]
    fn opens_use_knows_visibility() {
        assert!(opens_use("use a;"));
        assert!(opens_use("pub use a;"));
        assert!(opens_use("pub(crate) use a;"));
        assert!(opens_use("pub(in crate::x) use a;"));
        assert!(!opens_use("user();"));
        assert!(!opens_use("pub fn use_it() {}"));
        assert!(!opens_use("// use a;"));
    }
}
