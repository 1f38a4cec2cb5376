//! A tangled block, woven: a caption, then the code split at each chunk
//! reference, with a link to the chunk between the pieces, all wrapped in
//! one `<div class="rguest-listing">` that carries the block's anchor.

use crate::chapter::{parse_reference, Reference, Target};
use crate::expand::BlockRef;

use super::html::escape;
use super::Weaver;

/// The markdown that replaces block `r`'s source (its fences included).
pub(super) fn render(w: &Weaver, r: BlockRef) -> String {
    let chapter = w.index.chapter(r);
    let block = w.index.block(r);
    let text = &chapter.text;
    let source = &text[block.range.clone()];
    let mut out = Lines::new(container_prefix(text, block.range.start));
    let fence_char = source.chars().next().filter(|&c| c == '~').unwrap_or('`');
    let fence: String = std::iter::repeat_n(fence_char, source.chars().take_while(|&c| c == fence_char).count().max(3)).collect();
    let info = info_string(&block.lang);
    let rust = info.starts_with("rust");

    out.line(&format!("<div class=\"rguest-listing\" id=\"{}\">", w.anchor(r)));
    out.line(&caption(w, r));
    out.blank();
    let mut open = false;
    // Blank lines met while no listing is open wait for a line of code: if
    // a reference (or the block's end) comes first they are dropped, so
    // that a blank line between two references weaves no empty listing.
    let mut waiting_blanks = 0;
    for line in &block.lines {
        if let Some(reference) = parse_reference(line) {
            if open {
                out.line(&fence);
                out.blank();
                open = false;
            }
            waiting_blanks = 0;
            out.line(&reference_line(w, r.chapter, &reference));
            out.blank();
            continue;
        }
        if !open && line.trim().is_empty() {
            waiting_blanks += 1;
            continue;
        }
        if !open {
            out.line(&format!("{fence}{info}"));
            open = true;
            for _ in 0..std::mem::take(&mut waiting_blanks) {
                out.line("");
            }
        }
        if rust {
            out.line(&escape_hidden_rust(line));
        } else {
            out.line(line);
        }
    }
    if open {
        out.line(&fence);
        out.blank();
    }
    out.line("</div>");
    // A blank line ends the HTML block, so that what follows the block in
    // the book is markdown again; the source's own newline (if the range
    // stops before it) completes it.
    let mut woven = out.text;
    woven.push_str(out.prefix.trim_end());
    if source.ends_with('\n') {
        woven.push('\n');
    }
    woven
}

/// The info string the website gets: the language only, and for Rust,
/// the marks that keep mdbook from offering to run or test kernel code.
///
/// The highlight.js that mdbook bundles has no GNU assembler. Its `x86asm`
/// is Intel syntax, and in AT&T code (ours) it starts a string at the
/// apostrophe of a `#` comment and runs it to the next one, lines later.
/// So AT&T blocks go out as plain text with the class `rguest-gas`, which
/// mdbook sets beside `language-text`: plain text is what a reader without
/// JavaScript sees, and the book's theme (`src-book/theme/gas.js`,
/// book.toml's `additional-js`) registers a grammar for GNU assembler and
/// highlights those blocks with it. (Naming the language `gas` outright
/// would have mdbook's highlighting warn, before our grammar is there, that
/// it knows no such language.) Blocks that say they are Intel syntax get
/// `x86asm`.
pub fn info_string(lang: &str) -> String {
    match lang {
        "rust" | "rs" => "rust,ignore,noplayground".to_string(),
        "asm" | "s" | "S" | "gas" | "att" | "assembly" => "text,rguest-gas".to_string(),
        "x86asm" | "nasm" | "intel" => "x86asm".to_string(),
        "" | "ld" | "lds" | "linker" | "linker-script" => "text".to_string(),
        other => other.to_string(),
    }
}

/// mdbook hides a Rust line that is `#` alone or `# ` followed by anything,
/// and shows `##...` as `#...`. Adding a `#` after the indentation makes it
/// show such a line as written.
fn escape_hidden_rust(line: &str) -> String {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    match body.strip_prefix('#') {
        Some(rest) if rest.is_empty() || rest.starts_with(' ') || rest.starts_with('#') => format!("{indent}#{body}"),
        _ => line.to_string(),
    }
}

/// What stands before every line of the block after its first: the fence's
/// container (`   ` in a list item, `> ` in a quote). The first line already
/// has it in the source, before the range.
fn container_prefix(text: &str, start: usize) -> String {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..start].chars().map(|c| if c == '>' || c.is_whitespace() { c } else { ' ' }).collect()
}

struct Lines {
    prefix: String,
    text: String,
}

impl Lines {
    fn new(prefix: String) -> Lines {
        Lines { prefix, text: String::new() }
    }

    fn line(&mut self, line: &str) {
        if line.is_empty() {
            return self.blank();
        }
        if !self.text.is_empty() {
            self.text.push_str(&self.prefix);
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn blank(&mut self) {
        self.text.push_str(self.prefix.trim_end());
        self.text.push('\n');
    }
}

/// `⟨init-calls⟩` or `kernel/main.rs`.
fn name(target: &Target) -> String {
    match target {
        Target::Chunk(name) => format!("⟨{}⟩", escape(name)),
        Target::File(path) => escape(path),
    }
}

/// A link from chapter `from` to block `to`, showing its tag (and its
/// chapter's title, if that is another chapter).
fn piece_link(w: &Weaver, from: usize, to: BlockRef, label: &str) -> String {
    let mut link = format!("<a href=\"{}\">{label}</a>", w.block_href(from, to));
    if to.chapter != from {
        let title = &w.index.chapter(to).title;
        link.push_str(&format!(" <span class=\"rguest-where\">in {}</span>", escape(title)));
    }
    link
}

fn tag_label(w: &Weaver, r: BlockRef) -> String {
    w.captions.tag_label(r)
}

/// `P:020 defines ⟨init-calls⟩ · used in kernel/main.rs P:010 · continued in G:010 in The Guest`:
/// the parts `Captions::caption` gives (the terminal journey prints the
/// same parts as plain text), as HTML with links.
fn caption(w: &Weaver, r: BlockRef) -> String {
    let parts = w.captions.caption(r);
    let mut caption = String::from("<div class=\"rguest-caption\">");
    if let Some(tag) = parts.tag {
        caption.push_str(&format!("<a class=\"rguest-tag\" href=\"#{}\">{tag}</a> ", tag.anchor()));
    }
    let kind = match parts.target {
        Target::Chunk(_) => "chunk",
        Target::File(_) => "file",
    };
    caption.push_str(&format!("{} <span class=\"rguest-name rguest-{kind}\">{}</span>", parts.verb, name(parts.target)));
    if let Some(previous) = parts.continued_from {
        caption.push_str(&format!(" · continued from {}", piece_link(w, r.chapter, previous, &tag_label(w, previous))));
    }
    if !parts.used_in.is_empty() {
        let links: Vec<String> = parts
            .used_in
            .iter()
            .map(|&user| {
                let label = format!("{} {}", name(&w.index.block(user).target), tag_label(w, user));
                piece_link(w, r.chapter, user, &label)
            })
            .collect();
        caption.push_str(&format!(" · used in {}", links.join(", ")));
    }
    if let Some(next) = parts.continued_in {
        caption.push_str(&format!(" · continued in {}", piece_link(w, r.chapter, next, &tag_label(w, next))));
    }
    caption.push_str("</div>");
    caption
}

/// The line that stands for `<<name>>`: a link to the chunk's definition,
/// and to each piece appended to it; indented as the reference is.
fn reference_line(w: &Weaver, from: usize, reference: &Reference) -> String {
    let width: usize = reference.indent.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
    let shown = format!("⟨{}⟩", escape(reference.name));
    let Some(pieces) = w.index.chunk(reference.name) else {
        return format!(
            "<div class=\"rguest-ref rguest-undefined\" style=\"padding-left: {width}ch\"><span title=\"no such chunk\">{shown}</span></div>"
        );
    };
    let mut line = format!("<div class=\"rguest-ref\" style=\"padding-left: {width}ch\">");
    let first = pieces[0];
    let tag = w.tag(first).map_or(String::new(), |t| format!(" {t}"));
    line.push_str(&format!("<a href=\"{}\">{shown}{tag}</a>", w.block_href(from, first)));
    for &more in &pieces[1..] {
        line.push_str(&format!(
            " <a class=\"rguest-more\" href=\"{}\">+{}</a>",
            w.block_href(from, more),
            tag_label(w, more)
        ));
    }
    line.push_str("</div>");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_rust_lines_are_shown() {
        assert_eq!(escape_hidden_rust("# hidden"), "## hidden");
        assert_eq!(escape_hidden_rust("    #"), "    ##");
        assert_eq!(escape_hidden_rust("##x"), "###x");
        assert_eq!(escape_hidden_rust("#![no_std]"), "#![no_std]");
        assert_eq!(escape_hidden_rust("    #[inline]"), "    #[inline]");
    }

    #[test]
    fn prefixes_follow_the_container() {
        assert_eq!(container_prefix("a\n1. ```rust", 5), "   ");
        assert_eq!(container_prefix("> ```rust", 2), "> ");
        assert_eq!(container_prefix("```rust", 0), "");
    }

    #[test]
    fn languages() {
        assert_eq!(info_string("rust"), "rust,ignore,noplayground");
        assert_eq!(info_string("asm"), "text,rguest-gas");
        assert_eq!(info_string("nasm"), "x86asm");
        assert_eq!(info_string("ld"), "text");
        assert_eq!(info_string("toml"), "toml");
    }
}
