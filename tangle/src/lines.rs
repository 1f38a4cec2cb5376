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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_one_parts_tags_in_order() {
        let tag = |letter, number| TagId { letter, number };
        assert_eq!(parse_range("M:400..M:490"), Some((tag('M', 400), tag('M', 490))));
        assert_eq!(parse_range("H:120"), Some((tag('H', 120), tag('H', 120))));
        for bad in ["M:490..M:400", "M:400..H:490", "M:40", "m:400", "MM:400", "M:400..", "400"] {
            assert_eq!(parse_range(bad), None, "{bad}");
        }
    }

    #[test]
    fn lines_are_counted_without_blanks_and_chunk_references() {
        let text = "# Part\n\nM:010 One.\n\n```rust file=a.rs\nfn a() {}\n\n<<b>>\n```\n\n\
                    M:020 Two.\n\n```rust chunk=b\nfn b() {}\nfn c() {}\n```\n";
        let chapter = crate::chapter::Chapter::parse("Part", "src-book/m.md", Some(crate::part::Part::Mastery),
                                                     text.to_string());
        let book = Book { root: std::path::PathBuf::new(), chapters: vec![chapter], errors: Vec::new() };
        let tag = |number| TagId { letter: 'M', number };
        assert_eq!(count(&book, tag(10), tag(10)), 1);
        assert_eq!(count(&book, tag(20), tag(20)), 2);
        assert_eq!(count(&book, tag(0), tag(999)), 3);
    }
}
