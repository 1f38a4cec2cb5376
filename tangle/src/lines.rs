//! `tangle lines FIRST[..LAST]`: how many lines of code the tags from FIRST
//! to LAST (both included, any chapter) own. A line is counted when it is
//! in a tangled block the tag owns, is not blank, and is not a `<<chunk>>`
//! reference (the chunk's own lines count for the tag that owns *them*).
//! Mastery's table of ideas (`make mastery-table`) prices each idea by it,
//! the same way for every idea.

use crate::book::Book;
use crate::chapter::{parse_reference, TagId};

/// A tag written `M:400`.
pub fn parse_tag(text: &str) -> Option<TagId> {
    let (letter, number) = text.split_once(':')?;
    let mut letters = letter.chars();
    let letter = letters.next().filter(|c| c.is_ascii_uppercase() && letters.next().is_none())?;
    let number = number.parse().ok().filter(|_| number.len() == 3)?;
    Some(TagId { letter, number })
}

/// The range `M:400..M:490`, or one tag `M:400`.
pub fn parse_range(text: &str) -> Option<(TagId, TagId)> {
    match text.split_once("..") {
        Some((first, last)) => {
            let (first, last) = (parse_tag(first)?, parse_tag(last)?);
            (first.letter == last.letter && first.number <= last.number).then_some((first, last))
        }
        None => parse_tag(text).map(|tag| (tag, tag)),
    }
}

/// The lines of code owned by the tags from `first` to `last`.
pub fn count(book: &Book, first: TagId, last: TagId) -> usize {
    let within = |id: TagId| id.letter == first.letter && (first.number..=last.number).contains(&id.number);
    book.chapters.iter().flat_map(|chapter| {
        chapter.blocks.iter()
            .filter(|block| block.tag.is_some_and(|t| within(chapter.tags[t].id)))
            .flat_map(|block| block.lines.iter())
    })
    .filter(|line| !line.trim().is_empty() && parse_reference(line).is_none())
    .count()
}
