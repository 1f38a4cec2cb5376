//! Every rule of the book format, checked across the whole book.

use std::collections::{BTreeMap, BTreeSet};

use crate::chapter::{parse_reference, valid_chunk_name, Block, TagId, Target};
use crate::comment::CommentStyle;
use crate::diag::{Diagnostic, Loc};
use crate::expand::Index;
use crate::suggest;

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
                    format!("tag {} is in a chapter outside the seven parts, which holds no tags (list the chapter under a part heading in SUMMARY.md, or remove the tag)", tag.id),
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
            let message = if chapter.part.is_some() {
                format!("code with no tag: the block for {} comes before the chapter's first tag (open a tagged paragraph before it)", block.target)
            } else {
                format!(
                    "code with no tag: the block for {} is in a chapter outside the seven parts, which holds no tangled code (move it into a part's chapter, or drop the attribute to make it an illustration)",
                    block.target
                )
            };
            errors.push(Diagnostic::new(&block.loc, message));
        }
    }
}

/// Each file and chunk is defined once, before it is extended, and every
/// output file is of a kind whose comments we know how to write.
fn definitions(index: &Index, errors: &mut Vec<Diagnostic>) {
    for (target, pieces) in &index.pieces {
        let first = index.block(pieces[0]);
        let definition = pieces.iter().map(|&p| index.block(p)).find(|b| !b.append);
        if first.append {
            let message = match definition {
                // Appends come after the definition: one error, at the first
                // append, and none at the definition.
                Some(definition) => format!(
                    "appends to {target} before its definition at {}: a `+=` block must follow the `=` block in reading order",
                    definition.loc
                ),
                None => {
                    let hint = similar_target(index, target).map_or(String::new(), |t| format!("; did you mean {t}?"));
                    format!("appends to {target}, which is not defined anywhere (write `=` instead of `+=` to define it here){hint}")
                }
            };
            errors.push(Diagnostic::new(&first.loc, message));
        }
        let defined_at = definition.map(|d| &d.loc);
        for block in pieces[1..].iter().map(|&p| index.block(p)) {
            if !block.append && Some(&block.loc) != defined_at {
                let at = defined_at.unwrap_or(&first.loc);
                errors.push(Diagnostic::new(
                    &block.loc,
                    format!("{target} is already defined at {at} (write `+=` to append to it)"),
                ));
            }
        }
        if let Target::File(path) = target
            && CommentStyle::for_path(path).is_none() {
                errors.push(Diagnostic::new(
                    &first.loc,
                    format!(
                        "the tangler does not know how to write comments in `{path}`: use one of the extensions {}",
                        CommentStyle::KNOWN
                    ),
                ));
            }
    }
    path_clashes(index, errors);
}

/// Two output paths that differ only in case are one file on macOS and
/// Windows; a path that is another's directory cannot be both.
fn path_clashes(index: &Index, errors: &mut Vec<Diagnostic>) {
    let mut folded: BTreeMap<String, &str> = BTreeMap::new();
    let files: BTreeSet<&str> =
        index.pieces.keys().filter_map(|t| if let Target::File(p) = t { Some(p.as_str()) } else { None }).collect();
    // In reading order, so that the later of two clashing paths is blamed.
    let mut in_order: Vec<_> = index
        .pieces
        .iter()
        .filter_map(|(t, pieces)| if let Target::File(p) = t { Some((pieces[0], p)) } else { None })
        .collect();
    in_order.sort();
    for (first, path) in in_order {
        let loc = &index.block(first).loc;
        if let Some(other) = folded.insert(path.to_lowercase(), path) {
            errors.push(Diagnostic::new(
                loc,
                format!("output path `{path}` differs from `{other}` only in case: they are one file on macOS and Windows"),
            ));
        }
        let mut dir = path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if files.contains(parent) {
                errors.push(Diagnostic::new(loc, format!("output path `{path}` is inside `{parent}`, which is a file")));
            }
            dir = parent;
        }
    }
}

/// The defined target of the same kind nearest a misspelled one.
fn similar_target<'b>(index: &Index<'b>, target: &Target) -> Option<&'b Target> {
    let same_kind = |t: &&&Target| std::mem::discriminant(**t) == std::mem::discriminant(target);
    let defined: Vec<&'b Target> = index
        .pieces
        .iter()
        .filter(|(_, pieces)| pieces.iter().any(|&p| !index.block(p).append))
        .map(|(t, _)| *t)
        .collect();
    let name = suggest::closest(target.name(), defined.iter().filter(same_kind).map(|t| t.name()))?;
    defined.into_iter().find(|t| t.name() == name && std::mem::discriminant(*t) == std::mem::discriminant(target))
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
                    let kebab = reference.name.to_ascii_lowercase().replace(['_', ' '], "-");
                    let hint = did_you_mean(index, &kebab, true);
                    errors.push(Diagnostic::new(&loc, format!("malformed chunk reference `<<{}>>`: chunk names are kebab-case{hint}", reference.name)));
                } else if index.chunk(reference.name).is_none() {
                    let hint = did_you_mean(index, reference.name, false);
                    errors.push(Diagnostic::new(&loc, format!("undefined chunk `{}`{hint}", reference.name)));
                } else {
                    used.insert(reference.name);
                }
            }
        }
    }
    used
}

/// `: did you mean `<<name>>`?` for the defined chunk nearest `name`, or
/// nothing. `exact` also accepts `name` itself.
fn did_you_mean(index: &Index, name: &str, exact: bool) -> String {
    let chunks = index.pieces.keys().filter_map(|t| if let Target::Chunk(c) = t { Some(c.as_str()) } else { None });
    let found = if exact && index.chunk(name).is_some() { Some(name) } else { suggest::closest(name, chunks) };
    found.map_or(String::new(), |c| format!(": did you mean `<<{c}>>`?"))
}

/// Chunks never used; not those only appended to, never defined, which
/// have their own error.
fn unused_chunks(index: &Index, used: &BTreeSet<&str>, errors: &mut Vec<Diagnostic>) {
    for (target, pieces) in &index.pieces {
        if let Target::Chunk(name) = target
            && !used.contains(name.as_str())
            && pieces.iter().any(|&p| !index.block(p).append) {
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
            let blocks: Vec<&Block> = chapter.blocks.iter().filter(|b| b.tag == Some(t)).collect();
            let owned: Vec<&Target> = blocks.iter().map(|b| &b.target).collect();
            if chapter.rejected.contains(&t) {
                // Its block's attributes are reported already.
            } else if owned.is_empty() {
                errors.push(Diagnostic::new(&tag.loc, format!("tag {} has no code: every tagged block must own a code block", tag.id)));
            } else if blocks.iter().all(|b| b.lines.iter().all(|l| l.trim().is_empty())) {
                errors.push(Diagnostic::new(
                    &tag.loc,
                    format!(
                        "tag {}'s only code is empty (the block for {} at {}): every tagged block must explain some code",
                        tag.id, blocks[0].target, blocks[0].loc
                    ),
                ));
            } else if !owned.iter().any(|target| reached.contains(target)) {
                errors.push(Diagnostic::new(
                    &tag.loc,
                    format!("tag {}: none of its code reaches an output file (no file includes its chunks, directly or through others)", tag.id),
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
