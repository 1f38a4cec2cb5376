//! Every rule of the book format, checked across the whole book.

use std::collections::{BTreeMap, BTreeSet};

use crate::chapter::{parse_reference, valid_chunk_name, TagId, Target};
use crate::comment::CommentStyle;
use crate::diag::{Diagnostic, Loc};
use crate::expand::Index;

/// Checks the book; returns every problem, in book order.
pub fn check(index: &Index) -> Vec<Diagnostic> {
    let mut errors = index.book.read_errors();
    tags(index, &mut errors);
    definitions(index, &mut errors);
    let used = references(index, &mut errors);
    unused_chunks(index, &used, &mut errors);
    cycles(index, &mut errors);
    tags_reach_output(index, &mut errors);
    errors.sort();
    errors.dedup();
    errors
}

/// Tags: the right letter for the part, unique, increasing, owning code;
/// and no tangled block before the first tag.
fn tags(index: &Index, errors: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<TagId, &Loc> = BTreeMap::new();
    for chapter in &index.book.chapters {
        let mut previous: Option<TagId> = None;
        for tag in &chapter.tags {
            match chapter.part {
                Some(part) if part != tag.id.part() => errors.push(Diagnostic::new(
                    &tag.loc,
                    format!("tag {} is in part {}, whose tags start with `{}:`", tag.id, part.name(), part.letter()),
                )),
                None => errors.push(Diagnostic::new(
                    &tag.loc,
                    format!("tag {} is in a chapter outside the seven parts (put it under a part heading in SUMMARY.md)", tag.id),
                )),
                _ => {}
            }
            if let Some(first) = seen.get(&tag.id) {
                errors.push(Diagnostic::new(&tag.loc, format!("duplicate tag {}: first used at {first}", tag.id)));
            } else {
                seen.insert(tag.id, &tag.loc);
            }
            if let Some(previous) = previous.filter(|p| p.letter == tag.id.letter && p.number >= tag.id.number) {
                errors.push(Diagnostic::new(
                    &tag.loc,
                    format!("tag {} is out of order: it follows {previous} in this chapter", tag.id),
                ));
            }
            previous = Some(tag.id);
        }
        for block in chapter.blocks.iter().filter(|b| b.tag.is_none()) {
            errors.push(Diagnostic::new(
                &block.loc,
                format!("code with no tag: the block for {} comes before the chapter's first tag", block.target),
            ));
        }
    }
}

/// Each file and chunk is defined once, before it is extended, and every
/// output file is of a kind whose comments we know how to write.
fn definitions(index: &Index, errors: &mut Vec<Diagnostic>) {
    for (target, pieces) in &index.pieces {
        let first = index.block(pieces[0]);
        if first.append {
            errors.push(Diagnostic::new(
                &first.loc,
                format!("appends to {target}, which is not defined earlier (use `=` instead of `+=`)"),
            ));
        }
        for &piece in &pieces[1..] {
            let block = index.block(piece);
            if !block.append {
                errors.push(Diagnostic::new(
                    &block.loc,
                    format!("{target} is already defined at {} (use `+=` to append)", first.loc),
                ));
            }
        }
        if let Target::File(path) = target
            && CommentStyle::for_path(path).is_none() {
                errors.push(Diagnostic::new(
                    &first.loc,
                    format!("the tangler does not know how to write comments in `{path}`: use a known extension (rs, s, ld, toml, ...)"),
                ));
            }
    }
}

/// Every reference names a defined chunk and is indented with spaces only.
/// Returns the names of the chunks referenced.
fn references<'b>(index: &Index<'b>, errors: &mut Vec<Diagnostic>) -> BTreeSet<&'b str> {
    let mut used = BTreeSet::new();
    for chapter in &index.book.chapters {
        for block in &chapter.blocks {
            for (i, line) in block.lines.iter().enumerate() {
                let Some(reference) = parse_reference(line) else { continue };
                let loc = block.line_loc(i, reference.indent.len() + 1);
                if reference.indent.contains('\t') {
                    errors.push(Diagnostic::new(
                        &block.line_loc(i, 1),
                        format!("the reference to `{}` mixes tabs into its indentation: indent references with spaces only", reference.name),
                    ));
                }
                if !valid_chunk_name(reference.name) {
                    errors.push(Diagnostic::new(&loc, format!("malformed chunk reference `<<{}>>`: chunk names are kebab-case", reference.name)));
                } else if index.chunk(reference.name).is_none() {
                    errors.push(Diagnostic::new(&loc, format!("undefined chunk `{}`", reference.name)));
                } else {
                    used.insert(reference.name);
                }
            }
        }
    }
    used
}

fn unused_chunks(index: &Index, used: &BTreeSet<&str>, errors: &mut Vec<Diagnostic>) {
    for (target, pieces) in &index.pieces {
        if let Target::Chunk(name) = target
            && !used.contains(name.as_str()) {
                errors.push(Diagnostic::new(
                    &index.block(pieces[0]).loc,
                    format!("chunk `{name}` is defined but never used"),
                ));
            }
    }
}

/// A chunk that includes itself, directly or through others, can never be
/// expanded. Each cycle is reported once, at the reference that closes it.
fn cycles(index: &Index, errors: &mut Vec<Diagnostic>) {
    let mut done = BTreeSet::new();
    for target in index.pieces.keys() {
        if let Target::Chunk(name) = target {
            let mut path = Vec::new();
            visit(index, name, &mut path, &mut done, errors);
        }
    }
}

fn visit<'b>(
    index: &Index<'b>,
    name: &'b str,
    path: &mut Vec<&'b str>,
    done: &mut BTreeSet<&'b str>,
    errors: &mut Vec<Diagnostic>,
) {
    if done.contains(name) {
        return;
    }
    path.push(name);
    for &piece in index.chunk(name).unwrap_or(&[]) {
        let block = index.block(piece);
        for (i, line) in block.lines.iter().enumerate() {
            let Some(reference) = parse_reference(line) else { continue };
            if index.chunk(reference.name).is_none() {
                continue;
            }
            if let Some(start) = path.iter().position(|&n| n == reference.name) {
                let mut cycle: Vec<&str> = path[start..].to_vec();
                cycle.push(reference.name);
                errors.push(Diagnostic::new(
                    &block.line_loc(i, reference.indent.len() + 1),
                    format!("reference cycle: {}", cycle.join(" -> ")),
                ));
            } else {
                visit(index, reference.name, path, done, errors);
            }
        }
    }
    path.pop();
    done.insert(name);
}

/// Every tag owns at least one block whose code reaches an output file.
fn tags_reach_output(index: &Index, errors: &mut Vec<Diagnostic>) {
    let reached = reachable(index);
    for chapter in &index.book.chapters {
        for (t, tag) in chapter.tags.iter().enumerate() {
            let owned: Vec<&Target> =
                chapter.blocks.iter().filter(|b| b.tag == Some(t)).map(|b| &b.target).collect();
            if owned.is_empty() {
                errors.push(Diagnostic::new(&tag.loc, format!("tag {} has no code: every tagged block must own a code block", tag.id)));
            } else if !owned.iter().any(|target| reached.contains(target)) {
                errors.push(Diagnostic::new(
                    &tag.loc,
                    format!("tag {}: none of its code reaches an output file", tag.id),
                ));
            }
        }
    }
}

/// The files, and the chunks some file includes, directly or not.
fn reachable<'b>(index: &Index<'b>) -> BTreeSet<&'b Target> {
    let mut reached = BTreeSet::new();
    let mut work: Vec<&'b Target> =
        index.pieces.keys().copied().filter(|t| matches!(t, Target::File(_))).collect();
    while let Some(target) = work.pop() {
        if !reached.insert(target) {
            continue;
        }
        for &piece in &index.pieces[target] {
            for line in &index.block(piece).lines {
                let Some(reference) = parse_reference(line) else { continue };
                if let Some((&key, _)) = index.pieces.get_key_value(&Target::Chunk(reference.name.to_string())) {
                    work.push(key);
                }
            }
        }
    }
    reached
}
