//! Writing `generated/`: only what changed, each file atomically, never over
//! a hand edit; and comparing it with what the book produces.
//!
//! The manifest `generated/.tangle-manifest` records the SHA-256 of every
//! file as the tangler last wrote it. It is committed with the files, so a
//! fresh clone can still tell a hand edit from a stale file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Loc};
use crate::expand::Output;

/// The manifest's name inside `generated/`.
pub const MANIFEST: &str = ".tangle-manifest";
/// How the name of a temporary file being written ends.
pub const TEMPORARY: &str = ".tangle-tmp";

/// The SHA-256 of some bytes, in hex.
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The manifest text for an output.
pub fn manifest(output: &Output) -> String {
    let mut text = String::from("# Written by tangle: the SHA-256 of each generated file as last tangled. Do not edit.\n");
    for (path, file) in output {
        let _ = writeln!(text, "{}  {path}", digest(file.text.as_bytes()));
    }
    text
}

fn parse_manifest(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once("  "))
        .map(|(hash, path)| (path.to_string(), hash.to_string()))
        .collect()
}

/// Every file under `dir`, as paths relative to it with `/` separators.
pub fn list_files(dir: &Path) -> io::Result<BTreeSet<String>> {
    let mut files = BTreeSet::new();
    if dir.exists() {
        walk(dir, "", &mut files)?;
    }
    Ok(files)
}

fn walk(dir: &Path, prefix: &str, files: &mut BTreeSet<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = format!("{prefix}{name}");
        if entry.file_type()?.is_dir() {
            walk(&entry.path(), &format!("{relative}/"), files)?;
        } else {
            files.insert(relative);
        }
    }
    Ok(())
}

fn generated_loc(path: &str) -> Loc {
    Loc { file: format!("{}/{path}", crate::GENERATED_DIR), line: 1, col: 1 }
}

/// What `write` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub written: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// Brings `dir` (the `generated/` directory) in line with `output`.
///
/// Refuses, writing nothing, if a file there differs both from what the
/// manifest says the tangler last wrote and from what it would write now,
/// unless `force`: that file was edited by hand, and the edit would be lost.
pub fn write(dir: &Path, output: &Output, force: bool) -> Result<Written, Vec<Diagnostic>> {
    let io_error = |path: &Path, err: io::Error| {
        vec![Diagnostic::new(&generated_loc(&path.display().to_string()), format!("cannot access {}: {err}", path.display()))]
    };
    let existing = list_files(dir).map_err(|e| io_error(dir, e))?;
    let old_manifest = parse_manifest(&fs::read_to_string(dir.join(MANIFEST)).unwrap_or_default());
    let mut conflicts = Vec::new();
    let mut current = BTreeMap::new();
    for path in existing.iter().filter(|p| *p != MANIFEST) {
        let bytes = fs::read(dir.join(path)).map_err(|e| io_error(&dir.join(path), e))?;
        let wanted = output.get(path).map(|f| f.text.as_bytes());
        let pristine = old_manifest.get(path).is_some_and(|h| *h == digest(&bytes));
        if wanted != Some(&bytes[..]) && !pristine {
            let what = if old_manifest.contains_key(path) {
                "was edited by hand since the last tangle"
            } else {
                "was not written by the tangler"
            };
            conflicts.push(Diagnostic::new(
                &generated_loc(path),
                format!(
                    "{what}; tangling would lose that change. Move it into the book (`tangle where generated/{path}:LINE` shows where), then tangle again, or run `tangle --force` to discard it"
                ),
            ));
        }
        current.insert(path.clone(), bytes);
    }
    if !conflicts.is_empty() && !force {
        return Err(conflicts);
    }
    let mut written = Written::default();
    for (path, file) in output {
        if current.get(path).map(Vec::as_slice) == Some(file.text.as_bytes()) {
            written.unchanged += 1;
            continue;
        }
        write_atomic(&dir.join(path), file.text.as_bytes()).map_err(|e| io_error(&dir.join(path), e))?;
        written.written.push(path.clone());
    }
    for path in current.keys().filter(|p| !output.contains_key(*p)) {
        let full = dir.join(path);
        fs::remove_file(&full).map_err(|e| io_error(&full, e))?;
        remove_empty_parents(dir, &full);
        written.removed.push(path.clone());
    }
    let manifest = manifest(output);
    if fs::read_to_string(dir.join(MANIFEST)).ok().as_deref() != Some(manifest.as_str()) {
        write_atomic(&dir.join(MANIFEST), manifest.as_bytes()).map_err(|e| io_error(dir, e))?;
    }
    Ok(written)
}

/// Writes a file through a temporary beside it and a rename, so a reader
/// (or a crash) sees the old bytes or the new, never half of them.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut temporary = PathBuf::from(path);
    let name = format!(".{}{TEMPORARY}", path.file_name().unwrap_or_default().to_string_lossy());
    temporary.set_file_name(name);
    fs::write(&temporary, bytes)?;
    fs::rename(&temporary, path)
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Compares `dir` with `output`: every file present with the same bytes,
/// no stray files, and the manifest up to date.
pub fn compare(dir: &Path, output: &Output) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let existing = list_files(dir).unwrap_or_default();
    let old_manifest = parse_manifest(&fs::read_to_string(dir.join(MANIFEST)).unwrap_or_default());
    // What `tangle` would do with a file that differs from the book: rewrite
    // it if it is as the tangler last wrote it, refuse otherwise.
    let advice = |path: &str, bytes: &[u8]| {
        if old_manifest.get(path).is_some_and(|h| *h == digest(bytes)) {
            "it is stale: run `make tangle`".to_string()
        } else {
            format!(
                "it was edited by hand, so `make tangle` will refuse to overwrite it: move the change into the book (`tangle where generated/{path}:LINE` shows where), or run `tangle --force` to discard it"
            )
        }
    };
    for (path, file) in output {
        let on_disk = fs::read(dir.join(path)).ok();
        if on_disk.as_deref() == Some(file.text.as_bytes()) {
            continue;
        }
        let Some(on_disk) = on_disk else {
            let loc = file.origins[0].book_loc(1);
            errors.push(Diagnostic::new(&loc, format!("generated/{path} is missing: run `make tangle`")));
            continue;
        };
        let advice = advice(path, &on_disk);
        let on_disk = String::from_utf8_lossy(&on_disk);
        let mut new_lines = file.text.lines();
        let mut old_lines = on_disk.lines();
        let mut line = 0;
        loop {
            match (new_lines.next(), old_lines.next()) {
                (None, None) => break,
                (a, b) if a == b => line += 1,
                _ => break,
            }
        }
        let origin = &file.origins[line.min(file.origins.len() - 1)];
        errors.push(Diagnostic::new(
            &origin.book_loc(1),
            format!("generated/{path} line {} differs from what the book produces; {advice}", line + 1),
        ));
    }
    for path in existing.iter().filter(|p| *p != MANIFEST && !output.contains_key(*p)) {
        let bytes = fs::read(dir.join(path)).unwrap_or_default();
        let message = if old_manifest.get(path.as_str()).is_some_and(|h| *h == digest(&bytes)) {
            "stray file: the book no longer produces it (`make tangle` removes it)".to_string()
        } else {
            "stray file: the book does not produce it, and the tangler did not write it as it is, so `make tangle` will refuse to run: move it out of generated/, or run `tangle --force` to delete it".to_string()
        };
        errors.push(Diagnostic::new(&generated_loc(path), message));
    }
    if fs::read_to_string(dir.join(MANIFEST)).ok().as_deref() != Some(manifest(output).as_str()) {
        errors.push(Diagnostic::new(&generated_loc(MANIFEST), "the manifest is stale: run `make tangle`"));
    }
    errors
}
