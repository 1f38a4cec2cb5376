//! The journey in the terminal: one part's tagged blocks in number order,
//! with a `[ file ]` header whenever the book file changes, as lguest's
//! `make Guest` printed them.

use std::fmt::Write as _;

use crate::book::Book;
use crate::chapter::{Chapter, TagId};
use crate::part::Part;

/// The text of one part's journey.
pub fn journey(book: &Book, part: Part) -> String {
    let mut blocks: Vec<(TagId, &Chapter, usize)> = Vec::new();
    for chapter in &book.chapters {
        for (i, tag) in chapter.tags.iter().enumerate() {
            if tag.id.part() == part {
                blocks.push((tag.id, chapter, i));
            }
        }
    }
    blocks.sort_by_key(|(id, _, _)| *id);
    let mut text = String::new();
    if blocks.is_empty() {
        let _ = writeln!(text, "\n(The {} part has no tagged blocks yet.)\n", part.name());
    }
    let mut current_file = "";
    for (_, chapter, i) in blocks {
        if chapter.file != current_file {
            current_file = &chapter.file;
            let _ = writeln!(text, "\n[ {current_file} ]\n");
        }
        let prose = strip_attributes(&chapter.text[chapter.tag_range(i)]);
        let _ = writeln!(text, "{}\n", prose.trim_end());
    }
    text
}

/// The whole journey, every part in order ("make Beer").
pub fn all(book: &Book) -> String {
    let mut text = String::new();
    for part in Part::ALL {
        let _ = writeln!(text, "==================== {} ====================", part.name());
        text.push_str(&journey(book, part));
    }
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
