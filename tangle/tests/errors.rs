//! Every error the tangler must catch, with its file, line and message.

mod common;
use common::{assert_errors, book, book_with_summary};

const MAIN: &str = "P:010 The file.\n\n```rust file=main.rs\nfn main() {}\n```\n";

#[test]
fn undefined_chunk() {
    let b = book(&[("a.md", "P:010 Main.\n\n```rust file=main.rs\nfn main() {\n    <<missing>>\n}\n```\n")]);
    assert_errors(&b.errors(), &[("src-book/a.md:5:5", "undefined chunk `missing`")]);
}

#[test]
fn chunk_defined_but_never_used() {
    let text = format!("{MAIN}\nP:020 Lonely.\n\n```rust chunk=lonely\nlet x = 1;\n```\n");
    let errors = book(&[("a.md", &text)]).errors();
    assert_errors(
        &errors,
        &[
            ("src-book/a.md:7:1", "tag P:020: none of its code reaches an output file"),
            ("src-book/a.md:9:1", "chunk `lonely` is defined but never used"),
        ],
    );
}

#[test]
fn reference_cycle() {
    let text = "P:010 Loop.\n\n```rust file=main.rs\n<<a>>\n```\n\n```rust chunk=a\n<<b>>\n```\n\n```rust chunk=b\n  <<a>>\n```\n";
    assert_errors(&book(&[("a.md", text)]).errors(), &[("src-book/a.md:12:3", "reference cycle: a -> b -> a")]);
}

#[test]
fn duplicate_tag() {
    let summary = "# Preparation\n- [A](a.md)\n- [B](b.md)\n";
    let b = "P:010 Again.\n\n```rust file+=main.rs\nfn other() {}\n```\n";
    let errors = book_with_summary(summary, &[("a.md", MAIN), ("b.md", b)]).errors();
    assert_errors(&errors, &[("src-book/b.md:1:1", "duplicate tag P:010: first used at src-book/a.md:1:1")]);
}

#[test]
fn tag_with_no_code() {
    let text = format!("{MAIN}\nP:020 Only words here.\n\nAnd more words.\n");
    assert_errors(&book(&[("a.md", &text)]).errors(), &[("src-book/a.md:7:1", "tag P:020 has no code")]);
}

#[test]
fn code_with_no_tag() {
    let text = format!("Some prose first.\n\n```rust file=early.rs\nconst X: u8 = 1;\n```\n\n{MAIN}");
    assert_errors(&book(&[("a.md", &text)]).errors(), &[("src-book/a.md:3:1", "code with no tag")]);
}

#[test]
fn illustrative_blocks_need_no_tag() {
    let text = format!("Run this:\n\n```sh\nmake qemu\n```\n\n{MAIN}");
    let b = book(&[("a.md", &text)]);
    assert_eq!(b.run(&["tangle"]).status, 0);
}

#[test]
fn tags_out_of_order() {
    let text = format!("{MAIN}\nP:005 Earlier number, later place.\n\n```rust file+=main.rs\nfn x() {{}}\n```\n");
    assert_errors(&book(&[("a.md", &text)]).errors(), &[("src-book/a.md:7:1", "tag P:005 is out of order: it follows P:010")]);
}

#[test]
fn malformed_tags() {
    let text = format!("{MAIN}\nP:20 Two digits.\n\nX:030 No such part.\n");
    assert_errors(
        &book(&[("a.md", &text)]).errors(),
        &[("src-book/a.md:7:1", "malformed tag `P:20`"), ("src-book/a.md:9:1", "malformed tag `X:030`")],
    );
}

#[test]
fn tag_letter_must_match_part() {
    let text = "G:010 A Guest tag in Preparation.\n\n```rust file=main.rs\nfn main() {}\n```\n";
    assert_errors(&book(&[("a.md", text)]).errors(), &[("src-book/a.md:1:1", "tag G:010 is in part Preparation")]);
}

#[test]
fn unterminated_fence() {
    let text = format!("{MAIN}\nP:020 Unclosed.\n\n```rust file+=main.rs\nfn x() {{}}\n");
    let errors = book(&[("a.md", &text)]).errors();
    assert_errors(
        &errors,
        &[("src-book/a.md:7:1", "tag P:020 has no code"), ("src-book/a.md:9:1", "unterminated code fence")],
    );
}

#[test]
fn output_paths_must_stay_inside_generated() {
    let text = "P:010 Escapes.\n\n```rust file=/etc/x.rs\n```\n\nP:020 Climbs.\n\n```rust file=../x.rs\n```\n\nP:030 Fine.\n\n```rust file=main.rs\n```\n";
    let errors = book(&[("a.md", text)]).errors();
    assert_errors(
        &errors,
        &[
            ("src-book/a.md:1:1", "tag P:010 has no code"),
            ("src-book/a.md:3:1", "output path `/etc/x.rs` is absolute"),
            ("src-book/a.md:6:1", "tag P:020 has no code"),
            ("src-book/a.md:8:1", "output path `../x.rs` escapes generated/"),
        ],
    );
}

#[test]
fn reference_indented_with_tabs() {
    let text = "P:010 Tabs.\n\n```rust file=main.rs\nfn main() {\n \t<<body>>\n}\n```\n\n```rust chunk=body\nlet x = 1;\n```\n";
    assert_errors(&book(&[("a.md", text)]).errors(), &[("src-book/a.md:5:1", "mixes tabs into its indentation")]);
}

#[test]
fn chapter_missing_from_disk() {
    let summary = "# Preparation\n\n- [A](a.md)\n- [Gone](gone.md)\n";
    let errors = book_with_summary(summary, &[("a.md", MAIN)]).errors();
    assert_errors(&errors, &[("src-book/SUMMARY.md:4:10", "chapter `Gone` does not exist")]);
}

#[test]
fn define_twice_and_append_before_define() {
    let text = "P:010 Twice.\n\n```rust file=main.rs\n<<x>>\n```\n\n```rust chunk+=x\nlet a = 1;\n```\n\n```rust file=main.rs\n```\n";
    assert_errors(
        &book(&[("a.md", text)]).errors(),
        &[
            ("src-book/a.md:11:1", "file `main.rs` is already defined at src-book/a.md:3:1"),
            ("src-book/a.md:7:1", "appends to chunk `x`, which is not defined earlier"),
        ]
        .into_iter()
        .rev()
        .collect::<Vec<_>>(),
    );
}

#[test]
fn unknown_attribute_and_bad_chunk_name() {
    let text = "P:010 Typos.\n\n```rust fiel=main.rs\n```\n\n```rust chunk=Bad_Name\n```\n\n```rust file=main.rs\n```\n";
    assert_errors(
        &book(&[("a.md", text)]).errors(),
        &[
            ("src-book/a.md:3:1", "unknown code block attribute `fiel=main.rs`"),
            ("src-book/a.md:6:1", "chunk name `Bad_Name` must be kebab-case"),
        ],
    );
}

#[test]
fn every_problem_is_listed_and_nothing_is_written() {
    let text = "P:010 Many.\n\n```rust file=main.rs\n<<one>>\n<<two>>\n```\n";
    let b = book(&[("a.md", text)]);
    assert_errors(
        &b.errors(),
        &[("src-book/a.md:4:1", "undefined chunk `one`"), ("src-book/a.md:5:1", "undefined chunk `two`")],
    );
    let run = b.run(&["tangle"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("generated/ is left as it was"));
    assert!(!b.root().join("generated").exists());
}
