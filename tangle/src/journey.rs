//! The journey in the terminal: one part's tagged blocks in number order,
//! with a `[ file ]` header whenever the book file changes, as lguest's
//! `make Guest` printed them. Each tangled block is headed, as on the
//! website, by its caption in brackets (`caption::Captions::plain`):
//! `[ P:020 defines <<init-calls>> · used in kernel/main.rs P:010 ]`.

use std::fmt::Write as _;

use crate::book::Book;
use crate::caption::Captions;
use crate::chapter::{Chapter, TagId};
use crate::expand::{BlockRef, Index};
use crate::part::Part;

/// The text of one part's journey.
pub fn journey(book: &Book, part: Part) -> String {
    let index = Index::new(book);
    journey_of(&Captions::new(&index), part)
}

fn journey_of(captions: &Captions, part: Part) -> String {
    let book = captions.index.book;
    let mut blocks: Vec<(TagId, &Chapter, usize, usize)> = Vec::new();
    for (c, chapter) in book.chapters.iter().enumerate() {
        for (i, tag) in chapter.tags.iter().enumerate() {
            if tag.id.part() == part {
                blocks.push((tag.id, chapter, c, i));
            }
        }
    }
    blocks.sort_by_key(|(id, _, _, _)| *id);
    let mut text = String::new();
    if blocks.is_empty() {
        let _ = writeln!(text, "\n(The {} part has no tagged blocks yet.)\n", part.name());
    }
    let mut current_file = "";
    for (_, chapter, c, i) in blocks {
        if chapter.file != current_file {
            current_file = &chapter.file;
            let _ = writeln!(text, "\n[ {current_file} ]\n");
        }
        let prose = strip_attributes(&captioned(captions, c, i));
        let _ = writeln!(text, "{}\n", prose.trim_end());
    }
    text
}

/// The whole journey, every part in order ("make Beer").
pub fn all(book: &Book) -> String {
    let index = Index::new(book);
    let captions = Captions::new(&index);
    let mut text = String::new();
    for part in Part::ALL {
        let _ = writeln!(text, "==================== {} ====================", part.name());
        text.push_str(&journey_of(&captions, part));
    }
    text
}

/// The markdown of tag `i` of chapter `c`, each of its tangled blocks
/// preceded by a line with its caption, `[ ... ]`, indented as the block's
/// fence is (inside a list item, say). Illustration blocks, which go
/// nowhere, have no caption, as on the website.
fn captioned(captions: &Captions, c: usize, i: usize) -> String {
    let chapter = &captions.index.book.chapters[c];
    let range = chapter.tag_range(i);
    let mut text = String::with_capacity(range.len());
    let mut at = range.start;
    for (b, block) in chapter.blocks.iter().enumerate() {
        if block.range.start < range.start || block.range.start >= range.end {
            continue;
        }
        let line_start = chapter.text[..block.range.start].rfind('\n').map_or(0, |n| n + 1).max(at);
        let indent: String = chapter.text[line_start..block.range.start]
            .chars()
            .map(|ch| if ch == '>' || ch.is_whitespace() { ch } else { ' ' })
            .collect();
        text.push_str(&chapter.text[at..line_start]);
        let _ = writeln!(text, "{indent}[ {} ]", captions.plain(BlockRef { chapter: c, block: b }));
        at = line_start;
    }
    text.push_str(&chapter.text[at..range.end]);
    text
}

/// Turns "```rust file=x.rs" into "```rust" so the terminal shows what
/// the website shows.
fn strip_attributes(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let fence = trimmed.starts_with("```") || trimmed.starts_with("~~~");
        if fence && trimmed.contains('=') {
            let keep = line.len() - trimmed.len() + trimmed.split_whitespace().next().unwrap_or("").len();
            text.push_str(&line[..keep]);
        } else {
            text.push_str(line);
        }
        text.push('\n');
    }
    text
}
