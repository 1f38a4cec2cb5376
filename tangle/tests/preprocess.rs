//! The mdbook preprocessor, run on the golden book and on small books in
//! memory; and, if mdbook is installed, end to end.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use tangle::chapter::{markdown_options, parse_reference};
use tangle::part::Part;
use tangle::preprocess::{preprocess_book, weave, Page};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/book/src-book")
}

/// An mdbook book as mdbook would load it: a part title before the first
/// chapter of each part.
fn mdbook_book(chapters: &[(&str, &str, Option<Part>, String)]) -> Book {
    let mut book = Book::new();
    let mut part = None;
    for (path, title, chapter_part, content) in chapters {
        if *chapter_part != part {
            let title = chapter_part.map_or("Appendices", |p| p.name());
            book.push_item(BookItem::PartTitle(title.to_string()));
            part = *chapter_part;
        }
        book.push_item(Chapter::new(title, content.clone(), *path, Vec::new()));
    }
    book
}

/// The golden book's chapters, read through its SUMMARY.md.
fn golden_chapters() -> Vec<(String, String, Option<Part>, String)> {
    let dir = golden_dir();
    let summary = fs::read_to_string(dir.join("SUMMARY.md")).unwrap();
    tangle::summary::parse("SUMMARY.md", &summary)
        .unwrap()
        .into_iter()
        .map(|e| {
            let text = fs::read_to_string(dir.join(&e.path)).unwrap();
            (e.path, e.title, e.part, text)
        })
        .collect()
}

/// Runs the preprocessor on an mdbook book; returns each chapter's content
/// by path.
fn preprocess(chapters: &[(String, String, Option<Part>, String)]) -> BTreeMap<String, String> {
    let borrowed: Vec<_> = chapters.iter().map(|(p, t, part, c)| (p.as_str(), t.as_str(), *part, c.clone())).collect();
    let mut book = mdbook_book(&borrowed);
    preprocess_book(&mut book);
    book.chapters().map(|c| (c.path.as_ref().unwrap().to_string_lossy().into_owned(), c.content.clone())).collect()
}

fn woven_golden() -> BTreeMap<String, String> {
    preprocess(&golden_chapters())
}

/// Weaves a small book given as `(path, part, content)`.
fn weave_small(chapters: &[(&str, Option<Part>, &str)]) -> Vec<String> {
    let pages: Vec<Page> = chapters.iter().map(|(path, part, text)| Page::new(path, path, *part, text)).collect();
    weave(&pages)
}

/// The fenced code blocks of some markdown, as mdbook will see them:
/// `(info string, code)`.
fn code_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => current = Some((info.to_string(), String::new())),
            Event::Text(text) => {
                if let Some((_, code)) = current.as_mut() {
                    code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

/// The raw HTML of some markdown, as mdbook will see it, joined.
fn html_of(markdown: &str) -> String {
    Parser::new_ext(markdown, markdown_options())
        .filter_map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) => Some(h.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn attributes_are_stripped_and_rust_is_not_run() {
    let woven = woven_golden();
    let blocks = code_blocks(&woven["boot.md"]);
    let infos: Vec<&str> = blocks.iter().map(|(info, _)| info.as_str()).collect();
    // main.rs is split around its reference, the linker script around its,
    // and the stub (in a list item) around its.
    assert_eq!(
        infos,
        [
            "rust,ignore,noplayground",
            "rust,ignore,noplayground",
            "rust,ignore,noplayground",
            "text",
            "text",
            "text",
            "text,rguest-gas",
            "text,rguest-gas",
            "rust,ignore,noplayground"
        ]
    );
    for (path, text) in &woven {
        for line in text.lines() {
            assert!(
                !line.contains("file=") && !line.contains("chunk=") && !line.contains("chunk+="),
                "{path}: attribute left in `{line}`"
            );
        }
    }
    let guest = code_blocks(&woven["guest/start.md"]);
    assert_eq!(guest[0].0, "rust,ignore,noplayground");
}

#[test]
fn woven_code_is_the_code_without_its_references() {
    // Re-parsing the woven markdown (as mdbook will) finds exactly the code
    // of every tangled block, minus the reference lines: nothing was
    // swallowed by the HTML, and the list item kept its indentation.
    let chapters = golden_chapters();
    let woven = preprocess(&chapters);
    for (path, title, part, text) in &chapters {
        let chapter = tangle::chapter::Chapter::parse(title, path, *part, text.clone());
        let mut expected: Vec<String> = Vec::new();
        for block in &chapter.blocks {
            let mut piece = String::new();
            for line in &block.lines {
                if parse_reference(line).is_some() {
                    // A piece of blank lines alone is not woven.
                    let piece = std::mem::take(&mut piece);
                    expected.extend((!piece.trim().is_empty()).then_some(piece));
                } else {
                    piece.push_str(line);
                    piece.push('\n');
                }
            }
            expected.extend((!piece.trim().is_empty()).then_some(piece));
        }
        let untangled: Vec<String> = code_blocks(text)
            .into_iter()
            .filter(|(info, _)| !info.contains('='))
            .map(|(_, code)| code)
            .collect();
        let got: Vec<String> = code_blocks(&woven[path]).into_iter().map(|(_, code)| code).collect();
        let mut want = expected.clone();
        want.extend(untangled);
        let mut got_sorted = got.clone();
        got_sorted.sort();
        want.sort();
        assert_eq!(got_sorted, want, "{path}: woven code blocks differ");
    }
    // The stub is still inside its list item.
    let boot = &woven["boot.md"];
    let mut depth = 0;
    let mut in_item = Vec::new();
    for event in Parser::new_ext(boot, markdown_options()) {
        match event {
            Event::Start(Tag::Item) => depth += 1,
            Event::End(TagEnd::Item) => depth -= 1,
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if depth > 0 => in_item.push(info.to_string()),
            _ => {}
        }
    }
    assert_eq!(in_item, ["text,rguest-gas"]);
    // The reference line in the list item is indented with the item.
    assert!(boot.contains("\n   <div class=\"rguest-ref\" style=\"padding-left: 4ch\"><a href=\"#chunk-stub-body-0\">⟨stub-body⟩ P:030</a></div>\n"), "{boot}");
}

#[test]
fn captions_name_the_tag_uses_and_continuations() {
    let woven = woven_golden();
    let boot = html_of(&woven["boot.md"]);
    let guest = html_of(&woven["guest/start.md"]);
    // The file: defined by P:010, no uses.
    assert!(boot.contains(
        "<div class=\"rguest-listing\" id=\"file-kernel-main-rs-0\">\n<div class=\"rguest-caption\"><a class=\"rguest-tag\" href=\"#P-010\">P:010</a> defines <span class=\"rguest-name rguest-file\">kernel/main.rs</span></div>"
    ), "{boot}");
    // The chunk: defined by P:020, used by main.rs, continued in the other chapter.
    assert!(boot.contains(
        "<div class=\"rguest-listing\" id=\"chunk-init-calls-0\">\n<div class=\"rguest-caption\"><a class=\"rguest-tag\" href=\"#P-020\">P:020</a> defines <span class=\"rguest-name rguest-chunk\">⟨init-calls⟩</span> · used in <a href=\"#file-kernel-main-rs-0\">kernel/main.rs P:010</a> · continued in <a href=\"guest/start.html#chunk-init-calls-1\">G:010</a> <span class=\"rguest-where\">in The Guest</span></div>"
    ), "{boot}");
    // A chunk with no tag of its own belongs to the tag before it.
    assert!(boot.contains("<a class=\"rguest-tag\" href=\"#P-020\">P:020</a> defines <span class=\"rguest-name rguest-chunk\">⟨sections⟩</span> · used in <a href=\"#file-kernel-link-ld-0\">kernel/link.ld P:020</a>"), "{boot}");
    // The append, from guest/: back to boot.html, one directory up.
    assert!(guest.contains(
        "<div class=\"rguest-listing\" id=\"chunk-init-calls-1\">\n<div class=\"rguest-caption\"><a class=\"rguest-tag\" href=\"#G-010\">G:010</a> appends to <span class=\"rguest-name rguest-chunk\">⟨init-calls⟩</span> · continued from <a href=\"../boot.html#chunk-init-calls-0\">P:020</a> <span class=\"rguest-where\">in Booting</span> · used in <a href=\"../boot.html#file-kernel-main-rs-0\">kernel/main.rs P:010</a> <span class=\"rguest-where\">in Booting</span></div>"
    ), "{guest}");
}

#[test]
fn tags_become_anchors() {
    let woven = woven_golden();
    assert!(woven["boot.md"].contains("\n<a class=\"rguest-tag\" id=\"P-010\" href=\"#P-010\">P:010</a> We start with the entry point."));
    assert!(woven["boot.md"].contains("\n<a class=\"rguest-tag\" id=\"P-030\" href=\"#P-030\">P:030</a> A list item may hold code too:"));
    assert!(woven["guest/start.md"].contains("<a class=\"rguest-tag\" id=\"G-010\" href=\"#G-010\">G:010</a> The Guest adds"));
    // Still a paragraph, with the anchor inline.
    let events: Vec<Event> = Parser::new_ext(&woven["guest/start.md"], markdown_options()).collect();
    let at = events.iter().position(|e| matches!(e, Event::InlineHtml(h) if h.contains("id=\"G-010\""))).unwrap();
    assert!(matches!(events[at - 1], Event::Start(Tag::Paragraph)));
}

#[test]
fn references_link_to_their_chunks() {
    let woven = woven_golden();
    let boot = &woven["boot.md"];
    assert!(boot.contains(
        "\n<div class=\"rguest-ref\" style=\"padding-left: 4ch\"><a href=\"#chunk-init-calls-0\">⟨init-calls⟩ P:020</a> <a class=\"rguest-more\" href=\"guest/start.html#chunk-init-calls-1\">+G:010</a></div>\n"
    ), "{boot}");
    assert!(boot.contains("<div class=\"rguest-ref\" style=\"padding-left: 4ch\"><a href=\"#chunk-sections-0\">⟨sections⟩ P:020</a></div>"));
    // The listing is split at the reference, in order.
    let main = boot.find("pub fn main() -> ! {\n```\n\n<div class=\"rguest-ref\"").expect("first piece ends at the reference");
    let rest = &boot[main..];
    assert!(rest.find("⟨init-calls⟩").unwrap() < rest.find("```rust,ignore,noplayground\n    loop {}\n}\n```").unwrap());
}

#[test]
fn untangled_blocks_are_left_alone() {
    let woven = woven_golden();
    let intro = fs::read_to_string(golden_dir().join("intro.md")).unwrap();
    assert_eq!(woven["intro.md"], intro);
}

#[test]
fn the_tag_index_lists_every_tag_in_order() {
    let mut chapters = golden_chapters();
    chapters.push((
        "appendix/tags.md".into(),
        "Index of tags".into(),
        None,
        "# Index of tags\n\nAll of them:\n\n{{#rguest-tag-index}}\n\nThe end; `{{#rguest-tag-index}}` in code stays.\n".into(),
    ));
    let woven = preprocess(&chapters);
    let index = &woven["appendix/tags.md"];
    let tags: Vec<&str> = index.match_indices("<a class=\"rguest-tag\" href=\"").map(|(i, _)| &index[i..]).collect();
    let hrefs: Vec<&str> = tags.iter().map(|t| t.split('"').nth(3).unwrap()).collect();
    assert_eq!(hrefs, [
            "../boot.html#P-010",
            "../boot.html#P-020",
            "../boot.html#P-030",
            "../boot.html#P-040",
            "../guest/start.html#G-010",
            "../guest/start.html#G-020"
        ]);
    let preparation = index.find("## Preparation\n").unwrap();
    let guest = index.find("## Guest\n").unwrap();
    assert!(preparation < index.find("P:010").unwrap() && index.find("P:030").unwrap() < guest);
    assert!(guest < index.find("G:010").unwrap());
    assert!(index.contains(
        "<li><a class=\"rguest-tag\" href=\"../boot.html#P-010\">P:010</a> <span class=\"rguest-chapter\">Booting</span> We start with the entry point. It calls each subsystem in turn.</li>"
    ), "{index}");
    assert!(index.contains("The end; `{{#rguest-tag-index}}` in code stays."));
    assert!(!index.contains("\n{{#rguest-tag-index}}\n"));
    // Markdown in the prose is stripped, and long prose is cut.
    let woven = weave_small(&[
        ("a.md", Some(Part::Guest), "G:010 Some *emphasis*, `code` and [a link](x.md), then a great many words that go on and on past eighty characters.\n"),
        ("index.md", None, "{{#rguest-tag-index}}\n"),
    ]);
    assert!(
        woven[1].contains("<span class=\"rguest-chapter\">a.md</span> Some emphasis, code and a link, then a great many words that go on and on past…</li>"),
        "{}",
        woven[1]
    );
}

#[test]
fn an_empty_tag_index_says_so() {
    let woven = weave_small(&[("index.md", None, "# Tags\n\n{{#rguest-tag-index}}\n")]);
    assert_eq!(woven[0], "# Tags\n\n*No tagged blocks yet.*\n\n");
}

#[test]
fn book_errors_do_not_stop_the_weaving() {
    let woven = weave_small(&[(
        "a.md",
        Some(Part::Preparation),
        "```rust chunk=early\nx();\n```\n\nP:010 Code.\n\n```rust file=a.rs\n<<missing>>\n<<early>>\n```\n\n```rust bogus=1\nleft();\n```\n\n```rust chunk=cycle\n<<cycle>>\n```\n\n```rust file=open.rs\nunterminated\n",
    )]);
    let text = &woven[0];
    assert!(text.contains("<div class=\"rguest-ref rguest-undefined\" style=\"padding-left: 0ch\"><span title=\"no such chunk\">⟨missing⟩</span></div>"), "{text}");
    assert!(text.contains("<a href=\"#chunk-early-0\">⟨early⟩</a>"), "{text}");
    assert!(text.contains("<div class=\"rguest-caption\">defines <span class=\"rguest-name rguest-chunk\">⟨early⟩</span>"), "{text}");
    assert!(text.contains("```rust bogus=1\nleft();\n```"), "{text}");
    assert!(text.contains("<a href=\"#chunk-cycle-0\">⟨cycle⟩ P:010</a>"), "{text}");
    assert!(text.ends_with("```rust file=open.rs\nunterminated\n"));
}

#[test]
fn rust_lines_mdbook_would_hide_are_shown() {
    let woven = weave_small(&[("a.md", Some(Part::Preparation), "P:010 Macro.\n\n```rust file=a.rs\nmacro_rules! m {\n    # x\n    ## y\n}\n```\n")]);
    assert!(woven[0].contains("```rust,ignore,noplayground\nmacro_rules! m {\n    ## x\n    ### y\n}\n```"), "{}", woven[0]);
}

#[test]
fn listed_blocks_keep_their_item() {
    // A fence on the item's first line, a blank line in the code, and a
    // reference: every line woven stays in the item.
    let text = "P:010 Listed:\n\n- ```rust file=a.rs\n  fn a() {\n      <<b>>\n\n  }\n  ```\n- next\n\nP:020 More.\n\n```rust chunk=b\nb();\n```\n";
    let woven = weave_small(&[("a.md", Some(Part::Preparation), text)]);
    let mut depth = 0;
    let mut in_item = Vec::new();
    let mut html_in_item = String::new();
    for event in Parser::new_ext(&woven[0], markdown_options()) {
        match event {
            Event::Start(Tag::Item) => depth += 1,
            Event::End(TagEnd::Item) => depth -= 1,
            Event::Text(t) if depth > 0 => in_item.push(t.to_string()),
            Event::Html(h) if depth > 0 => html_in_item.push_str(&h),
            _ => {}
        }
    }
    assert_eq!(in_item.concat(), "fn a() {\n\n}\nnext", "{}", woven[0]);
    assert!(html_in_item.starts_with("<div class=\"rguest-listing\" id=\"file-a-rs-0\">"));
    assert!(html_in_item.contains("<div class=\"rguest-ref\" style=\"padding-left: 4ch\"><a href=\"#chunk-b-0\">⟨b⟩ P:020</a></div>"));
    assert!(html_in_item.ends_with("</div>\n"), "{html_in_item}");
}

#[test]
fn prose_right_against_a_block_stays_prose() {
    let text = "P:010 Before.\n```rust file=a.rs\nx();\n```\nAfter, *emphasised*.\n";
    let woven = weave_small(&[("a.md", Some(Part::Preparation), text)]);
    let events: Vec<Event> = Parser::new_ext(&woven[0], markdown_options()).collect();
    assert!(events.iter().any(|e| matches!(e, Event::Text(t) if &**t == "After, ")), "{}", woven[0]);
    assert!(events.iter().any(|e| matches!(e, Event::Start(Tag::Emphasis))), "{}", woven[0]);
    assert_eq!(code_blocks(&woven[0]), [("rust,ignore,noplayground".to_string(), "x();\n".to_string())]);
}

/// mdbook itself, if installed: `$PATH`, then `~/.cargo/bin`.
fn find_mdbook() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    dirs.extend(std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin")));
    dirs.into_iter().map(|d| d.join("mdbook")).find(|p| p.is_file())
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every `href="PAGE#ID"` in the HTML whose ID is one of ours (a tag, a
/// block), resolved against `page`.
fn our_links(html: &str) -> Vec<(String, String)> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter_map(|href| href.split_once('#'))
        .filter(|(_, id)| {
            id.starts_with("chunk-")
                || id.starts_with("file-")
                || (id.len() == 5 && id.as_bytes()[1] == b'-' && id[2..].bytes().all(|b| b.is_ascii_digit()))
        })
        .map(|(page, id)| (page.to_string(), id.to_string()))
        .collect()
}

#[test]
fn mdbook_renders_the_golden_book() {
    let Some(mdbook) = find_mdbook() else {
        println!("skipped: mdbook is not installed (not on PATH, not in ~/.cargo/bin)");
        eprintln!("skipped: mdbook is not installed (not on PATH, not in ~/.cargo/bin)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&golden_dir(), &dir.path().join("src-book"));
    fs::write(dir.path().join("src-book/tags.md"), "# Tags\n\n{{#rguest-tag-index}}\n").unwrap();
    let mut summary = fs::read_to_string(dir.path().join("src-book/SUMMARY.md")).unwrap();
    summary.push_str("\n# Appendices\n\n- [Tags](tags.md)\n");
    fs::write(dir.path().join("src-book/SUMMARY.md"), summary).unwrap();
    let css = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src-book/rguest.css");
    fs::write(dir.path().join("rguest.css"), fs::read_to_string(css).unwrap_or_default()).unwrap();
    fs::write(
        dir.path().join("book.toml"),
        format!(
            "[book]\ntitle = \"golden\"\nsrc = \"src-book\"\n\n[build]\nbuild-dir = \"out\"\ncreate-missing = false\n\n\
             [preprocessor.rguest]\ncommand = \"{}\"\nbefore = [\"links\"]\n\n\
             [output.html]\nadditional-css = [\"rguest.css\"]\n\n[output.html.playground]\nrunnable = false\n",
            env!("CARGO_BIN_EXE_mdbook-rguest")
        ),
    )
    .unwrap();
    let output = Command::new(&mdbook).arg("build").current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "mdbook build failed:\n{stderr}");
    assert!(!stderr.contains("WARN") && !stderr.contains("ERROR"), "mdbook complained:\n{stderr}");
    let out = dir.path().join("out");
    let boot = fs::read_to_string(out.join("boot.html")).unwrap();
    assert!(boot.contains("<div class=\"rguest-caption\">"), "{boot}");
    assert!(boot.contains("id=\"chunk-init-calls-0\""));
    assert!(boot.contains("<code class=\"language-rust ignore noplayground\">"), "{boot}");
    assert!(!boot.contains("playground\"><code"), "kernel code must not be runnable");
    // Every link to a tag or a block lands on an element with that id.
    let mut checked = 0;
    for page in ["boot.html", "guest/start.html", "tags.html"] {
        let html = fs::read_to_string(out.join(page)).unwrap();
        let base = Path::new(page).parent().unwrap();
        for (target, id) in our_links(&html) {
            let target_page = if target.is_empty() { PathBuf::from(page) } else { base.join(&target) };
            let target_html = fs::read_to_string(out.join(&target_page))
                .unwrap_or_else(|_| panic!("{page}: link to missing page {target}"));
            assert!(target_html.contains(&format!("id=\"{id}\"")), "{page}: link to {target}#{id}, which does not exist");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} links checked");
}

#[test]
fn a_blank_line_between_references_weaves_no_empty_listing() {
    let text = "P:010 Two holes.\n\n```asm file=a.s\n        nop\n<<b>>\n\n<<c>>\n\n        ret\n```\n\n\
                P:020 B.\n\n```asm chunk=b\n        pushq $1\n```\n\nP:030 C.\n\n```asm chunk=c\n        pushq $2\n```\n";
    let woven = weave_small(&[("a.md", Some(Part::Preparation), text)]);
    let blocks: Vec<String> = code_blocks(&woven[0]).into_iter().map(|(_, code)| code).collect();
    assert_eq!(blocks, ["        nop\n", "\n        ret\n", "        pushq $1\n", "        pushq $2\n"], "{}", woven[0]);
}
