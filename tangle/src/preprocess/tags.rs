//! Tags: the anchor each becomes, and the index of all of them.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag as MdTag, TagEnd};

use crate::chapter::{markdown_options, Tag};
use crate::part::Part;

use super::html::escape;
use super::{Weaver, TAG_INDEX_MARKER};

/// How much of a tag's prose the index shows.
const EXCERPT_CHARS: usize = 80;

/// The edit that turns the tag opening a paragraph into a badge linking to
/// itself: `<a class="rguest-tag" id="P-010" href="#P-010">P:010</a>`.
pub(super) fn anchor(text: &str, tag: &Tag) -> Option<(Range<usize>, String)> {
    let shown = tag.id.to_string();
    let range = tag.offset..tag.offset + shown.len();
    if text.get(range.clone()) != Some(shown.as_str()) {
        return None;
    }
    let id = tag.id.anchor();
    Some((range, format!("<a class=\"rguest-tag\" id=\"{id}\" href=\"#{id}\">{shown}</a>")))
}

/// The paragraphs that consist of the marker `{{#rguest-tag-index}}` (one
/// in a code block or in the middle of prose is left alone).
pub(super) fn index_markers(text: &str) -> Vec<Range<usize>> {
    if !text.contains(TAG_INDEX_MARKER) {
        return Vec::new();
    }
    Parser::new_ext(text, markdown_options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(MdTag::Paragraph) if text[range.clone()].trim() == TAG_INDEX_MARKER => Some(range),
            _ => None,
        })
        .collect()
}

/// Every tag of the book in reading order, under a heading for each part,
/// each linking to its anchor, from the page of chapter `here`.
pub(super) fn index(w: &Weaver, here: usize) -> String {
    let mut out = String::new();
    let mut part: Option<Part> = None;
    for (c, chapter) in w.index.book.chapters.iter().enumerate() {
        for tag in &chapter.tags {
            let tag_part = tag.id.part();
            if part != Some(tag_part) {
                if part.is_some() {
                    out.push_str("</ul>\n\n");
                }
                out.push_str(&format!("## {}\n\n<ul class=\"rguest-tag-index\">\n", tag_part.name()));
                part = Some(tag_part);
            }
            out.push_str(&format!(
                "<li><a class=\"rguest-tag\" href=\"{}\">{}</a> <span class=\"rguest-chapter\">{}</span> {}</li>\n",
                w.href(here, c, &tag.id.anchor()),
                tag.id,
                escape(&chapter.title),
                escape(&excerpt(&chapter.text, tag)),
            ));
        }
    }
    if part.is_some() {
        out.push_str("</ul>\n\n");
    } else {
        out.push_str("*No tagged blocks yet.*\n\n");
    }
    out
}

/// The first words of a tag's paragraph, as plain text.
pub(crate) fn excerpt(text: &str, tag: &Tag) -> String {
    let rest = &text[tag.offset..];
    // The paragraph ends at the first blank line, if not before.
    let mut end = rest.len();
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if at > 0 && line.trim().is_empty() {
            end = at;
            break;
        }
        at += line.len();
    }
    let mut plain = String::new();
    for event in Parser::new_ext(&rest[..end], markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => plain.push_str(&t),
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            Event::End(TagEnd::Paragraph) => break,
            _ => {}
        }
    }
    let plain = plain.trim_start();
    let plain = plain.strip_prefix(tag.id.to_string().as_str()).unwrap_or(plain);
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut short = String::new();
    for (i, word) in words.iter().enumerate() {
        let len = short.chars().count() + word.chars().count() + 1;
        if len > EXCERPT_CHARS && !short.is_empty() {
            short.push('…');
            return short;
        }
        if i > 0 {
            short.push(' ');
        }
        short.push_str(word);
    }
    short
}
