//! What a tangled block's caption says, for the website (`preprocess`, as
//! HTML with links) and the terminal journey (`journey`, as plain text):
//! its tag, whether it defines or appends to its file or chunk, the piece
//! it continues, the blocks that use the chunk, and the piece that
//! continues it. Both print the same parts in the same words:
//!
//! `P:020 defines <<init-calls>> · used in kernel/main.rs P:010 · continued in G:010 in The Guest`

use std::collections::BTreeMap;

use crate::chapter::{parse_reference, TagId, Target};
use crate::expand::{BlockRef, Index};

/// The book-wide facts every caption needs.
pub struct Captions<'i, 'b> {
    pub index: &'i Index<'b>,
    /// For each chunk, the blocks that reference it, in reading order.
    pub users: BTreeMap<&'b str, Vec<BlockRef>>,
    /// For each block of each chapter, its number among the pieces of its
    /// file or chunk (0 for the definition).
    pub numbers: Vec<Vec<usize>>,
}

/// One block's caption, as parts.
pub struct Caption<'b> {
    pub tag: Option<TagId>,
    /// `appends to` (`file+=`, `chunk+=`) or `defines`.
    pub verb: &'static str,
    pub target: &'b Target,
    pub continued_from: Option<BlockRef>,
    pub used_in: Vec<BlockRef>,
    pub continued_in: Option<BlockRef>,
}

impl<'i, 'b> Captions<'i, 'b> {
    pub fn new(index: &'i Index<'b>) -> Self {
        let chapters = &index.book.chapters;
        let mut users: BTreeMap<&'b str, Vec<BlockRef>> = BTreeMap::new();
        let mut numbers: Vec<Vec<usize>> = chapters.iter().map(|c| vec![0; c.blocks.len()]).collect();
        for (c, chapter) in chapters.iter().enumerate() {
            for (b, block) in chapter.blocks.iter().enumerate() {
                let me = BlockRef { chapter: c, block: b };
                for line in &block.lines {
                    if let Some(reference) = parse_reference(line) {
                        let list = users.entry(reference.name).or_default();
                        if !list.contains(&me) {
                            list.push(me);
                        }
                    }
                }
            }
        }
        for pieces in index.pieces.values() {
            for (n, piece) in pieces.iter().enumerate() {
                numbers[piece.chapter][piece.block] = n;
            }
        }
        Captions { index, users, numbers }
    }

    /// The tag that owns a block, if any.
    pub fn tag(&self, r: BlockRef) -> Option<TagId> {
        let chapter = self.index.chapter(r);
        self.index.block(r).tag.and_then(|t| chapter.tags.get(t)).map(|t| t.id)
    }

    /// A block's tag as a label: `P:010`, or `untagged block`.
    pub fn tag_label(&self, r: BlockRef) -> String {
        self.tag(r).map_or_else(|| "untagged block".to_string(), |t| t.to_string())
    }

    /// Block `r`'s number among the pieces of its file or chunk.
    pub fn number(&self, r: BlockRef) -> usize {
        self.numbers[r.chapter][r.block]
    }

    pub fn caption(&self, r: BlockRef) -> Caption<'b> {
        let block = self.index.block(r);
        let n = self.number(r);
        let pieces = self.index.pieces.get(&block.target).map_or(&[][..], Vec::as_slice);
        let used_in = match &block.target {
            Target::Chunk(chunk) => self.users.get(chunk.as_str()).cloned().unwrap_or_default(),
            Target::File(_) => Vec::new(),
        };
        Caption {
            tag: self.tag(r),
            verb: if block.append { "appends to" } else { "defines" },
            target: &block.target,
            continued_from: n.checked_sub(1).and_then(|p| pieces.get(p)).copied(),
            used_in,
            continued_in: pieces.get(n + 1).copied(),
        }
    }

    /// The caption as plain text, for the terminal: chunks are named as the
    /// code names them (`<<init-calls>>`), and a block in another chapter
    /// than `r`'s is followed by `in` and that chapter's title.
    pub fn plain(&self, r: BlockRef) -> String {
        let caption = self.caption(r);
        let piece = |to: BlockRef, label: String| {
            if to.chapter == r.chapter {
                label
            } else {
                format!("{label} in {}", self.index.chapter(to).title)
            }
        };
        let mut text = String::new();
        if let Some(tag) = caption.tag {
            text.push_str(&format!("{tag} "));
        }
        text.push_str(&format!("{} {}", caption.verb, plain_name(caption.target)));
        if let Some(previous) = caption.continued_from {
            text.push_str(&format!(" · continued from {}", piece(previous, self.tag_label(previous))));
        }
        if !caption.used_in.is_empty() {
            let users: Vec<String> = caption
                .used_in
                .iter()
                .map(|&user| piece(user, format!("{} {}", plain_name(&self.index.block(user).target), self.tag_label(user))))
                .collect();
            text.push_str(&format!(" · used in {}", users.join(", ")));
        }
        if let Some(next) = caption.continued_in {
            text.push_str(&format!(" · continued in {}", piece(next, self.tag_label(next))));
        }
        text
    }
}

/// `<<init-calls>>` or `kernel/main.rs`.
pub fn plain_name(target: &Target) -> String {
    match target {
        Target::Chunk(name) => format!("<<{name}>>"),
        Target::File(path) => path.clone(),
    }
}
