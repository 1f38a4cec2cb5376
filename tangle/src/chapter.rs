//! Reads one chapter: its tags, its tangled code blocks, and the errors that
//! can be seen without looking at the rest of the book.

use std::fmt;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag as MdTag, TagEnd};

use crate::diag::{Diagnostic, LineIndex, Loc};
use crate::part::Part;

/// The markdown options mdbook 0.5 parses with (its defaults), so that the
/// tangler and the website always agree on where a block starts and ends.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// A tag such as `G:030`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TagId {
    pub letter: char,
    pub number: u16,
}

impl TagId {
    /// The HTML anchor of the tag: `G-030`.
    pub fn anchor(self) -> String {
        format!("{}-{:03}", self.letter, self.number)
    }

    /// The part this tag belongs to, by its letter.
    pub fn part(self) -> Part {
        Part::from_letter(self.letter).expect("tags are parsed with a part letter")
    }
}

impl fmt::Display for TagId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{:03}", self.letter, self.number)
    }
}

/// A tag opening a block of prose.
#[derive(Clone, Debug)]
pub struct Tag {
    pub id: TagId,
    pub loc: Loc,
    /// Byte offset of the tag in the chapter text.
    pub offset: usize,
}

/// What a tangled block defines or extends.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// An output file, relative to `generated/`.
    File(String),
    /// A named chunk.
    Chunk(String),
}

impl Target {
    pub fn name(&self) -> &str {
        match self {
            Target::File(name) | Target::Chunk(name) => name,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::File(path) => write!(f, "file `{path}`"),
            Target::Chunk(name) => write!(f, "chunk `{name}`"),
        }
    }
}

/// A fenced code block with a `file=`/`chunk=` attribute.
#[derive(Clone, Debug)]
pub struct Block {
    pub lang: String,
    pub target: Target,
    /// `+=`: continues a file or chunk defined earlier.
    pub append: bool,
    pub lines: Vec<String>,
    /// Where the opening fence is.
    pub loc: Loc,
    /// Book line number of the first line of code.
    pub first_line: usize,
    /// How far the code is indented in the book (inside a list, say).
    pub indent: usize,
    /// Index into the chapter's tags of the tag that owns this block.
    pub tag: Option<usize>,
    /// Byte range of the whole block, fences included, in the chapter text.
    pub range: Range<usize>,
}

impl Block {
    /// Where line `i` (0-based) of this block's code is in the book.
    pub fn line_loc(&self, i: usize, col: usize) -> Loc {
        Loc { file: self.loc.file.clone(), line: self.first_line + i, col: self.indent + col }
    }
}

/// A line that includes a chunk: `<<name>>`, alone on its line.
#[derive(Debug, PartialEq, Eq)]
pub struct Reference<'a> {
    pub indent: &'a str,
    pub name: &'a str,
}

/// Recognises a reference line.
pub fn parse_reference(line: &str) -> Option<Reference<'_>> {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    let name = body.trim_end().strip_prefix("<<")?.strip_suffix(">>")?;
    Some(Reference { indent, name })
}

/// Chunk names are kebab-case: `serial-init`.
pub fn valid_chunk_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// One chapter of the book, read and parsed.
#[derive(Clone, Debug)]
pub struct Chapter {
    pub title: String,
    /// Path as printed in diagnostics: `src-book/guest/boot.md`.
    pub file: String,
    pub part: Option<Part>,
    pub text: String,
    pub tags: Vec<Tag>,
    pub blocks: Vec<Block>,
    /// Errors found while reading this chapter alone.
    pub errors: Vec<Diagnostic>,
    /// The tags that own a block meant to be tangled but whose attributes
    /// were wrong: that block is reported, and the tag is not also said to
    /// have no code.
    pub rejected: Vec<usize>,
}

impl Chapter {
    pub fn parse(title: &str, file: &str, part: Option<Part>, text: String) -> Chapter {
        let mut reader = Reader {
            file,
            text: &text,
            index: LineIndex::new(&text),
            tags: Vec::new(),
            blocks: Vec::new(),
            errors: Vec::new(),
            rejected: Vec::new(),
        };
        reader.read();
        let Reader { tags, blocks, errors, rejected, .. } = reader;
        Chapter { title: title.to_string(), file: file.to_string(), part, tags, blocks, errors, rejected, text }
    }

    /// The byte range of tagged block `i`'s prose and code: from its tag to
    /// the next tag, or the end of the chapter.
    pub fn tag_range(&self, i: usize) -> Range<usize> {
        let end = self.tags.get(i + 1).map_or(self.text.len(), |t| t.offset);
        self.tags[i].offset..end
    }
}

struct Reader<'a> {
    file: &'a str,
    text: &'a str,
    index: LineIndex,
    tags: Vec<Tag>,
    blocks: Vec<Block>,
    errors: Vec<Diagnostic>,
    rejected: Vec<usize>,
}

impl Reader<'_> {
    fn loc(&self, offset: usize) -> Loc {
        let (line, col) = self.index.line_col(self.text, offset);
        Loc { file: self.file.to_string(), line, col }
    }

    fn error(&mut self, offset: usize, message: impl Into<String>) {
        let loc = self.loc(offset);
        self.errors.push(Diagnostic::new(&loc, message));
    }

    fn read(&mut self) {
        let parser = Parser::new_ext(self.text, markdown_options()).into_offset_iter();
        let mut code: Option<(String, Range<usize>, String)> = None;
        for (event, range) in parser {
            match event {
                Event::Start(MdTag::Paragraph) => self.paragraph(range.start),
                Event::Start(MdTag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    code = Some((info.to_string(), range, String::new()));
                }
                Event::Text(text) => {
                    if let Some((_, _, body)) = code.as_mut() {
                        body.push_str(&text);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((info, range, body)) = code.take() {
                        self.code_block(&info, range, &body);
                    }
                }
                _ => {}
            }
        }
    }

    /// A paragraph that starts with a tag opens a tagged block.
    fn paragraph(&mut self, offset: usize) {
        let head: String = self.text[offset..].chars().take(6).collect();
        match classify_tag(&head) {
            TagShape::NotATag => {}
            TagShape::Malformed => {
                let shown: String =
                    self.text[offset..].chars().take_while(|c| !c.is_whitespace()).collect();
                self.error(
                    offset,
                    format!(
                        "malformed tag `{shown}`: a tag is a part letter (P G D L H S M), a colon and three digits, like `G:030`"
                    ),
                );
            }
            TagShape::Tag(id) => {
                let loc = self.loc(offset);
                self.tags.push(Tag { id, loc, offset });
            }
        }
    }

    fn code_block(&mut self, info: &str, range: Range<usize>, body: &str) {
        let source = &self.text[range.clone()];
        if !fence_is_closed(source) {
            self.error(range.start, "unterminated code fence: no closing fence before the end of its container");
            return;
        }
        let Some((lang, target, append)) = self.attributes(info, range.start) else { return };
        let loc = self.loc(range.start);
        self.blocks.push(Block {
            lang,
            target,
            append,
            lines: body.lines().map(str::to_string).collect(),
            first_line: loc.line + 1,
            indent: loc.col - 1,
            loc,
            tag: self.tags.len().checked_sub(1),
            range,
        });
    }

    /// Reads `lang file=path` and friends. Returns None for a block that is
    /// not tangled, or whose attributes are wrong (after reporting them,
    /// each at its own column of the fence line).
    fn attributes(&mut self, info: &str, offset: usize) -> Option<(String, Target, bool)> {
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("").to_string();
        let positions = word_offsets(self.text, offset, info);
        let mut target = None;
        let mut ok = true;
        for (k, word) in words.enumerate() {
            let at = positions.get(k + 1).copied().unwrap_or(offset);
            let parsed = match word.split_once('=') {
                Some(("file+", path)) => Some((Target::File(path.to_string()), true)),
                Some(("file", path)) => Some((Target::File(path.to_string()), false)),
                Some(("chunk+", name)) => Some((Target::Chunk(name.to_string()), true)),
                Some(("chunk", name)) => Some((Target::Chunk(name.to_string()), false)),
                _ => None,
            };
            let Some(parsed) = parsed else {
                let key = word.split_once('=').map_or(word, |(key, _)| key);
                let hint = crate::suggest::closest(key, ATTRIBUTES.iter().copied())
                    .map_or(String::new(), |k| format!(": did you mean `{k}=`?"));
                self.error(at, format!("unknown code block attribute `{word}` (expected file=, file+=, chunk= or chunk+=){hint}"));
                ok = false;
                continue;
            };
            if target.is_some() {
                self.error(at, format!("a second target `{word}`: a code block may target only one file or chunk"));
                ok = false;
                continue;
            }
            let value_at = at + word.find('=').map_or(0, |i| i + 1);
            match &parsed.0 {
                Target::File(path) => {
                    if let Err((i, why)) = check_output_path(path) {
                        // Point at the character at fault when the fence
                        // line spells the path as the info string does.
                        let exact = self.text.get(value_at..value_at + path.len()) == Some(path.as_str());
                        self.error(if exact { value_at + i } else { at }, format!("output path `{path}` {why}"));
                        ok = false;
                    }
                }
                Target::Chunk(name) => {
                    if !valid_chunk_name(name) {
                        self.error(value_at, format!("chunk name `{name}` must be kebab-case (lowercase letters, digits and hyphens, starting with a letter), like `serial-init`"));
                        ok = false;
                    }
                }
            }
            target = Some(parsed);
        }
        if !ok && let Some(tag) = self.tags.len().checked_sub(1) {
            self.rejected.push(tag);
        }
        let (target, append) = target?;
        ok.then_some((lang, target, append))
    }
}

/// The attribute names a tangled block may use.
const ATTRIBUTES: [&str; 4] = ["file", "file+", "chunk", "chunk+"];

/// The byte offset in `text` of each whitespace-separated word of the info
/// string `info`, found on the fence line that starts at `fence`. Where the
/// fence line spells a word differently (an escape, an entity) the offsets
/// stop, and callers fall back to the fence.
fn word_offsets(text: &str, fence: usize, info: &str) -> Vec<usize> {
    let line_end = text[fence..].find('\n').map_or(text.len(), |i| fence + i);
    let line = &text[fence..line_end];
    let fence_char = line.chars().next().unwrap_or('`');
    let mut at = fence + (line.len() - line.trim_start_matches(fence_char).len());
    let mut offsets = Vec::new();
    for word in info.split_whitespace() {
        let Some(found) = text[at..line_end].find(word) else { break };
        offsets.push(at + found);
        at += found + word.len();
    }
    offsets
}

enum TagShape {
    NotATag,
    Malformed,
    Tag(TagId),
}

/// Decides whether the start of a paragraph is a tag, something that looks
/// like a mistyped tag, or ordinary prose.
fn classify_tag(head: &str) -> TagShape {
    let chars: Vec<char> = head.chars().collect();
    let (Some(&letter), Some(':')) = (chars.first(), chars.get(1).copied()) else {
        return TagShape::NotATag;
    };
    let part = Part::from_letter(letter);
    let starts_with_digit = chars.get(2).is_some_and(char::is_ascii_digit);
    if !letter.is_ascii_alphabetic() || (part.is_none() && !starts_with_digit) {
        return TagShape::NotATag;
    }
    let digits = chars.get(2..5).filter(|d| d.iter().all(char::is_ascii_digit));
    let ends = chars.get(5).is_none_or(|c| c.is_whitespace());
    match (part, digits, ends) {
        (Some(_), Some(digits), true) => {
            let number = digits.iter().fold(0u16, |n, d| n * 10 + d.to_digit(10).unwrap_or(0) as u16);
            TagShape::Tag(TagId { letter, number })
        }
        _ => TagShape::Malformed,
    }
}

/// True if the last line of a fenced block's source is a closing fence at
/// least as long as the opening one, of the same character.
fn fence_is_closed(source: &str) -> bool {
    let mut lines = source.trim_end_matches(['\n', '\r']).lines();
    let opening = lines.next().unwrap_or("").trim_start();
    let Some(fence_char) = opening.chars().next() else { return false };
    let length = opening.chars().take_while(|&c| c == fence_char).count();
    let Some(last) = lines.next_back() else { return false };
    // Inside a blockquote every line but the first still carries its `>`.
    let last = last.trim_start_matches(|c: char| c == '>' || c.is_whitespace()).trim_end();
    last.chars().take_while(|&c| c == fence_char).count() >= length
        && last.chars().all(|c| c == fence_char)
}

/// The characters an output path may hold besides the `/` between its
/// components: ASCII letters, digits, `.`, `_` and `-`, the portable file
/// name characters of POSIX. Every file system, shell and compiler message
/// carries them unchanged, and none of them separates anything.
fn portable(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// An output path must stay inside `generated/` and name one file the same
/// way on every system. On error, returns the byte offset in `path` of the
/// fault, and why.
fn check_output_path(path: &str) -> Result<(), (usize, String)> {
    if path.is_empty() {
        return Err((0, "is empty".into()));
    }
    if path.starts_with('/') {
        return Err((0, "is absolute: output paths are relative to generated/".into()));
    }
    if let Some((i, c)) = path.char_indices().find(|&(_, c)| c != '/' && !portable(c)) {
        let why = match c {
            '\\' => "holds a backslash, which Windows reads as a directory separator: separate directories with `/`".to_string(),
            ':' => "holds a colon, which Windows reads as a drive or stream separator and which would break the `FILE:LINE:COL` locations that `tangle where` and `make build` read".to_string(),
            _ => format!(
                "holds {}: output paths use only ASCII letters, digits, `.`, `_` and `-`, with `/` between directories",
                if c.is_control() || c.is_whitespace() { format!("the character {c:?}") } else { format!("`{c}`") }
            ),
        };
        return Err((i, why));
    }
    let mut depth = 0i32;
    let mut at = 0;
    for part in path.split('/') {
        match part {
            "" => return Err((at, "has an empty component (`//`, or a `/` at the end): name each file one way only".into())),
            "." => return Err((at, "has a `.` component: write the path without it, so that each file has one name".into())),
            ".." => {
                depth -= 1;
                let why = if depth < 0 { "escapes generated/" } else { "must not contain `..`: write the path without it, so that each file has one name" };
                return Err((at, why.into()));
            }
            _ => {
                depth += 1;
                if part.ends_with('.') {
                    return Err((at + part.len() - 1, format!("has a name ending in `.` (`{part}`), which Windows drops: it would be a second spelling of `{}`", part.trim_end_matches('.'))));
                }
                let stem = part.split('.').next().unwrap_or(part).to_ascii_uppercase();
                let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
                    || (stem.len() == 4
                        && (stem.starts_with("COM") || stem.starts_with("LPT"))
                        && stem.as_bytes()[3].is_ascii_digit());
                if reserved {
                    return Err((at, format!("has the name `{part}`, which Windows reserves for a device (as it does CON, PRN, AUX, NUL, COM1 and LPT1, whatever their extension)")));
                }
            }
        }
        at += part.len() + 1;
    }
    if path == crate::output::MANIFEST {
        return Err((0, "is reserved for the tangler's manifest".into()));
    }
    if path.ends_with(crate::output::TEMPORARY) {
        return Err((path.len() - crate::output::TEMPORARY.len(), format!("ends with `{}`, which the tangler's temporary files use", crate::output::TEMPORARY)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(head: &str) -> Option<String> {
        match classify_tag(head) {
            TagShape::NotATag => None,
            TagShape::Malformed => Some("malformed".into()),
            TagShape::Tag(id) => Some(id.to_string()),
        }
    }

    #[test]
    fn tags_are_recognised() {
        assert_eq!(tag("G:030 We"), Some("G:030".into()));
        assert_eq!(tag("M:999"), Some("M:999".into()));
        assert_eq!(tag("G:30 We"), Some("malformed".into()));
        assert_eq!(tag("G:0300"), Some("malformed".into()));
        assert_eq!(tag("X:030 "), Some("malformed".into()));
        assert_eq!(tag("g:030 "), Some("malformed".into()));
        assert_eq!(tag("Q: what"), None);
        assert_eq!(tag("We begin"), None);
    }

    #[test]
    fn references_keep_their_indentation() {
        assert_eq!(parse_reference("    <<serial-init>>"), Some(Reference { indent: "    ", name: "serial-init" }));
        assert_eq!(parse_reference("x << y >> z"), None);
    }

    #[test]
    fn output_paths_stay_inside() {
        assert!(check_output_path("kernel/src/main.rs").is_ok());
        assert!(check_output_path("/etc/passwd").is_err());
        assert!(check_output_path("../x.rs").is_err());
        assert!(check_output_path("a/../../x.rs").is_err());
        assert!(check_output_path("a/../x.rs").is_err());
        assert_eq!(check_output_path("kernel\\src\\main.rs").unwrap_err().0, 6);
        assert_eq!(check_output_path("c:x.rs").unwrap_err().0, 1);
        assert_eq!(check_output_path("a/./x.rs").unwrap_err().0, 2);
        assert_eq!(check_output_path("a//x.rs").unwrap_err().0, 2);
        assert_eq!(check_output_path("a/").unwrap_err().0, 2);
        assert_eq!(check_output_path("a b.rs").unwrap_err().0, 1);
        assert!(check_output_path("x.rs.tangle-tmp").is_err());
        assert!(check_output_path(".cargo/config.toml").is_ok());
        assert_eq!(check_output_path("kernel/src/aux.rs").unwrap_err().0, 11);
        assert!(check_output_path("kernel/lpt1").is_err());
        assert!(check_output_path("kernel/auxv.rs").is_ok());
        assert!(check_output_path("kernel/com.rs").is_ok());
        assert_eq!(check_output_path("a./b.rs").unwrap_err().0, 1);
    }

    #[test]
    fn fences_must_close() {
        assert!(fence_is_closed("```rust\nfn x() {}\n```\n"));
        assert!(fence_is_closed("````rust\n```\n````"));
        assert!(!fence_is_closed("```rust\nfn x() {}\n"));
        assert!(!fence_is_closed("```rust\n"));
        assert!(!fence_is_closed("````rust\nx\n```\n"));
        assert!(fence_is_closed("```rust\n> x\n> ```\n"));
    }
}
