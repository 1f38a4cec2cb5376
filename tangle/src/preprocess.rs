//! The mdbook preprocessor: weaves the book into the website.
//!
//! For every chapter it rewrites the markdown mdbook hands it, so that the
//! reader sees what the tangler sees:
//!
//! - each tangled block gets a caption (what it defines or appends to, its
//!   tag, where it is used and where it continues) and an anchor, and its
//!   info string loses the tangle attributes (`rust file=x` becomes
//!   `rust,ignore,noplayground`: kernel code is neither runnable nor a
//!   doctest);
//! - a `<<name>>` line inside a block becomes a link to the chunk's
//!   definition, between the pieces of the listing, which is split there;
//! - the tag that opens a paragraph becomes an anchor linking to itself;
//! - a paragraph `{{#rguest-tag-index}}` becomes the list of every tag.
//!
//! Everything is done by replacing byte ranges of the source (the ranges
//! `chapter::Chapter::parse` found), from the end of the text backwards, so
//! the rest of each chapter reaches mdbook untouched. The preprocessor never
//! fails over a mistake in the book (that is `tangle check`'s job): an
//! undefined chunk is shown without a link, a cycle is just a pair of links.

mod html;
mod listing;
mod tags;

use std::ops::Range;
use std::path::Path;

use mdbook_preprocessor::book::{Book as MdBook, BookItem, Chapter as MdChapter};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use crate::book::Book;
use crate::caption::Captions;
use crate::chapter::{Chapter, TagId};
use crate::expand::{BlockRef, Index};
use crate::part::Part;
use crate::BOOK_DIR;

pub use html::{block_anchor, relative_href};

/// The paragraph that the index of tags replaces.
pub const TAG_INDEX_MARKER: &str = "{{#rguest-tag-index}}";

/// One chapter as mdbook gives it to us.
#[derive(Clone, Debug)]
pub struct Page {
    /// Where mdbook renders it, relative to the book's source directory,
    /// with the `.md` extension: `guest/start.md` becomes `guest/start.html`.
    pub path: String,
    /// Its source file, relative to the book's source directory (differs
    /// from `path` only for a `README.md`, which mdbook renders as `index`).
    pub source: String,
    pub title: String,
    pub part: Option<Part>,
    pub content: String,
}

impl Page {
    pub fn new(path: &str, title: &str, part: Option<Part>, content: &str) -> Page {
        Page {
            path: path.to_string(),
            source: path.to_string(),
            title: title.to_string(),
            part,
            content: content.to_string(),
        }
    }
}

/// Weaves every page of the book, given in reading order; returns the new
/// content of each, in the same order.
pub fn weave(pages: &[Page]) -> Vec<String> {
    let chapters = pages
        .iter()
        .map(|p| Chapter::parse(&p.title, &format!("{BOOK_DIR}/{}", p.source), p.part, p.content.clone()))
        .collect();
    let book = Book::from_chapters(Path::new("."), chapters);
    let index = Index::new(&book);
    let weaver = Weaver::new(&index, pages);
    (0..pages.len()).map(|c| weaver.chapter(c)).collect()
}

/// Weaves an mdbook book in place. Parts are recovered from the part titles
/// that precede their chapters, as `SUMMARY.md`'s `# Part` headings do for
/// the tangler.
pub fn preprocess_book(book: &mut MdBook) {
    let mut pages = Vec::new();
    let mut part = None;
    for item in &book.items {
        collect(item, &mut part, &mut pages);
    }
    let mut woven = weave(&pages).into_iter();
    for item in &mut book.items {
        store(item, &mut woven);
    }
}

/// The preprocessor, for mdbook's protocol (see `bin/mdbook-rguest.rs`).
pub struct Rguest;

impl Preprocessor for Rguest {
    fn name(&self) -> &str {
        "rguest"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: MdBook) -> Result<MdBook> {
        preprocess_book(&mut book);
        Ok(book)
    }

    fn supports_renderer(&self, _renderer: &str) -> Result<bool> {
        Ok(true)
    }
}

fn page_of(chapter: &MdChapter, part: Option<Part>) -> Option<Page> {
    let path = slashes(chapter.path.as_deref()?);
    let source = chapter.source_path.as_deref().map_or_else(|| path.clone(), slashes);
    Some(Page { path, source, title: chapter.name.clone(), part, content: chapter.content.clone() })
}

fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Depth first, in reading order; draft chapters (no path) are skipped.
fn collect(item: &BookItem, part: &mut Option<Part>, pages: &mut Vec<Page>) {
    match item {
        BookItem::PartTitle(title) => *part = Part::from_name(title),
        BookItem::Separator => {}
        BookItem::Chapter(chapter) => {
            pages.extend(page_of(chapter, *part));
            for sub in &chapter.sub_items {
                collect(sub, part, pages);
            }
        }
    }
}

/// The same walk as `collect`, storing the woven content.
fn store(item: &mut BookItem, woven: &mut impl Iterator<Item = String>) {
    if let BookItem::Chapter(chapter) = item {
        if chapter.path.is_some()
            && let Some(content) = woven.next()
        {
            chapter.content = content;
        }
        for sub in &mut chapter.sub_items {
            store(sub, woven);
        }
    }
}

/// What every chapter's weaving needs to know about the whole book.
pub(crate) struct Weaver<'i, 'b> {
    index: &'i Index<'b>,
    /// Each chapter's HTML page, relative to the book: `guest/start.html`.
    pages: Vec<String>,
    /// What each block's caption says (shared with the terminal journey).
    captions: Captions<'i, 'b>,
}

impl<'i, 'b> Weaver<'i, 'b> {
    fn new(index: &'i Index<'b>, pages: &[Page]) -> Self {
        let pages = pages.iter().map(|p| html::html_path(&p.path)).collect();
        Weaver { index, pages, captions: Captions::new(index) }
    }

    fn chapter(&self, c: usize) -> String {
        let chapter = &self.index.book.chapters[c];
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for tag in &chapter.tags {
            edits.extend(tags::anchor(&chapter.text, tag));
        }
        for b in 0..chapter.blocks.len() {
            let r = BlockRef { chapter: c, block: b };
            edits.push((chapter.blocks[b].range.clone(), listing::render(self, r)));
        }
        for range in tags::index_markers(&chapter.text) {
            edits.push((range, tags::index(self, c)));
        }
        apply(&chapter.text, edits)
    }

    /// The anchor of a block: `chunk-init-calls-0`.
    fn anchor(&self, r: BlockRef) -> String {
        block_anchor(&self.index.block(r).target, self.captions.number(r))
    }

    /// A link from a page of chapter `from` to `anchor` in chapter `to`.
    fn href(&self, from: usize, to: usize, anchor: &str) -> String {
        if from == to {
            format!("#{anchor}")
        } else {
            format!("{}#{anchor}", relative_href(&self.pages[from], &self.pages[to]))
        }
    }

    /// A link from a page of chapter `from` to a block.
    fn block_href(&self, from: usize, to: BlockRef) -> String {
        self.href(from, to.chapter, &self.anchor(to))
    }

    /// The tag that owns a block, if any.
    fn tag(&self, r: BlockRef) -> Option<TagId> {
        self.captions.tag(r)
    }
}

/// Applies non-overlapping edits, from the end of the text backwards so that
/// every range still means what it meant in the original. An edit that
/// overlaps one already applied is dropped.
fn apply(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by(|a, b| b.0.start.cmp(&a.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut out = text.to_string();
    let mut limit = text.len();
    for (range, replacement) in edits {
        if range.end > limit || range.start > range.end || !text.is_char_boundary(range.start) || !text.is_char_boundary(range.end) {
            continue;
        }
        out.replace_range(range.clone(), &replacement);
        limit = range.start;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_from_the_end() {
        let edits = vec![(0..1, "AA".to_string()), (4..5, "EE".to_string()), (2..3, "C".to_string())];
        assert_eq!(apply("abcde", edits), "AAbCdEE");
    }

    #[test]
    fn overlapping_edits_are_dropped() {
        let edits = vec![(0..3, "X".to_string()), (2..4, "Y".to_string())];
        assert_eq!(apply("abcde", edits), "abYe");
    }
}
