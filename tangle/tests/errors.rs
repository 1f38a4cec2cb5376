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
    let text = "P:010 Escapes.\n\n```rust file=/etc/x.rs\n```\n\nP:020 Climbs.\n\n```rust file=../x.rs\n```\n\nP:030 Fine.\n\n```rust file=main.rs\nfn main() {}\n```\n";
    let errors = book(&[("a.md", text)]).errors();
    assert_errors(
        &errors,
        &[
            ("src-book/a.md:3:14", "output path `/etc/x.rs` is absolute"),
            ("src-book/a.md:8:14", "output path `../x.rs` escapes generated/"),
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
            ("src-book/a.md:7:1", "appends to chunk `x`, which is not defined anywhere (write `=` instead of `+=`"),
        ]
        .into_iter()
        .rev()
        .collect::<Vec<_>>(),
    );
}

#[test]
fn unknown_attribute_and_bad_chunk_name() {
    let text = "P:010 Typos.\n\n```rust fiel=main.rs\n```\n\n```rust chunk=Bad_Name\n```\n\n```rust file=main.rs\nfn main() {}\n```\n";
    assert_errors(
        &book(&[("a.md", text)]).errors(),
        &[
            ("src-book/a.md:3:9", "unknown code block attribute `fiel=main.rs` (expected file=, file+=, chunk= or chunk+=): did you mean `file=`?"),
            ("src-book/a.md:6:15", "chunk name `Bad_Name` must be kebab-case"),
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

#[test]
fn output_paths_with_foreign_separators() {
    // A backslash is a separator on Windows; a colon is a drive or stream
    // separator there, and the separator of our own FILE:LINE:COL.
    let text = "P:010 Windows.\n\n```rust file=kernel\\main.rs\nfn a() {}\n```\n\n\
                P:020 Drive.\n\n```rust file=c:main.rs\nfn b() {}\n```\n\n\
                P:030 Star.\n\n```rust file=kernel/ma*n.rs\nfn c() {}\n```\n";
    assert_errors(
        &book(&[("a.md", text)]).errors(),
        &[
            ("src-book/a.md:3:20", "output path `kernel\\main.rs` holds a backslash, which Windows reads as a directory separator: separate directories with `/`"),
            ("src-book/a.md:9:15", "output path `c:main.rs` holds a colon"),
            ("src-book/a.md:15:23", "output path `kernel/ma*n.rs` holds `*`: output paths use only ASCII letters, digits, `.`, `_` and `-`"),
        ],
    );
}

#[test]
fn output_paths_with_two_spellings() {
    // `./main.rs`, `a//main.rs` and `a/../main.rs` would each be a second
    // name for a file; `Main.rs` is `main.rs` on macOS and Windows.
    let text = "P:010 Dot.\n\n```rust file=./main.rs\nfn a() {}\n```\n\n\
                P:020 Doubled.\n\n```rust file=a//main.rs\nfn b() {}\n```\n\n\
                P:030 Back.\n\n```rust file=a/../main.rs\nfn c() {}\n```\n\n\
                P:040 Case.\n\n```rust file=main.rs\nfn d() {}\n```\n\n```rust file=Main.rs\nfn e() {}\n```\n";
    assert_errors(
        &book(&[("a.md", text)]).errors(),
        &[
            ("src-book/a.md:3:14", "output path `./main.rs` has a `.` component"),
            ("src-book/a.md:9:16", "output path `a//main.rs` has an empty component"),
            ("src-book/a.md:15:16", "output path `a/../main.rs` must not contain `..`"),
            ("src-book/a.md:25:1", "output path `Main.rs` differs from `main.rs` only in case"),
        ],
    );
}

#[test]
fn chapter_on_disk_that_summary_leaves_out() {
    let summary = "# Preparation\n\n- [A](a.md)\n";
    let forgotten = "# Forgotten\n\nSome prose.\n\nP:020 Lost.\n\n```rust file+=main.rs\nfn lost() {}\n```\n";
    let notes = "# Notes\n\nProse only, in no part: not an error.\n";
    let errors = book_with_summary(summary, &[("a.md", MAIN), ("part/forgotten.md", forgotten), ("notes.md", notes)]).errors();
    assert_errors(
        &errors,
        &[(
            "src-book/part/forgotten.md:5:1",
            "tag P:020 is in a chapter SUMMARY.md does not list, so it is never tangled: list src-book/part/forgotten.md in src-book/SUMMARY.md",
        )],
    );
}

#[test]
fn tag_whose_only_code_is_empty() {
    let text = format!("{MAIN}\nP:020 Nothing inside.\n\n```rust file+=main.rs\n\n   \n```\n");
    assert_errors(
        &book(&[("a.md", &text)]).errors(),
        &[("src-book/a.md:7:1", "tag P:020's only code is empty (the block for file `main.rs` at src-book/a.md:9:1)")],
    );
}

#[test]
fn invalid_utf8_is_reported_where_it_is() {
    let b = book(&[("a.md", MAIN)]);
    // Line 4 is `fn main() {}`: two bad bytes after `fn `, and a third
    // later on the same line, reported once.
    let mut bytes = MAIN.as_bytes().to_vec();
    let at = MAIN.find("main() {}").unwrap();
    bytes.splice(at..at, [0xff, 0xfe]);
    bytes.splice(at + 8..at + 8, [0xc3]);
    std::fs::write(b.root().join("src-book/a.md"), bytes).unwrap();
    assert_errors(&b.errors(), &[("src-book/a.md:4:4", "invalid UTF-8 (byte 0xff")]);
}

#[test]
fn invalid_utf8_in_the_summary() {
    let b = book(&[("a.md", MAIN)]);
    std::fs::write(b.root().join("src-book/SUMMARY.md"), b"# Preparation\n\n- [\xe9t\xe9](a.md)\n").unwrap();
    assert_errors(&b.errors(), &[("src-book/SUMMARY.md:3:4", "invalid UTF-8 (byte 0xe9)")]);
}

#[test]
fn misspelled_chunk_names_get_a_suggestion() {
    let text = "P:010 Typos.\n\n```rust file=main.rs\nfn main() {\n    <<serial-int>>\n    <<Serial_Init>>\n    <<heap>>\n    <<serial-init>>\n}\n```\n\n\
                ```rust chunk=serial-init\nserial::init();\n```\n\n```rust chunk+=seiral-init\nmore();\n```\n";
    assert_errors(
        &book(&[("a.md", text)]).errors(),
        &[
            ("src-book/a.md:5:5", "undefined chunk `serial-int`: did you mean `<<serial-init>>`?"),
            ("src-book/a.md:6:5", "malformed chunk reference `<<Serial_Init>>`: chunk names are kebab-case: did you mean `<<serial-init>>`?"),
            ("src-book/a.md:7:5", "undefined chunk `heap`"),
            ("src-book/a.md:16:1", "appends to chunk `seiral-init`, which is not defined anywhere (write `=` instead of `+=` to define it here); did you mean chunk `serial-init`?"),
        ],
    );
    let errors = book(&[("a.md", text)]).errors();
    assert!(!errors[2].contains("did you mean"), "{}", errors[2]);
}

#[test]
fn append_before_its_definition() {
    let text = "P:010 Order.\n\n```rust file=main.rs\n<<x>>\n```\n\n```rust chunk+=x\nlet b = 2;\n```\n\n```rust chunk=x\nlet a = 1;\n```\n";
    assert_errors(
        &book(&[("a.md", text)]).errors(),
        &[("src-book/a.md:7:1", "appends to chunk `x` before its definition at src-book/a.md:11:1: a `+=` block must follow the `=` block")],
    );
}

#[test]
fn code_outside_the_parts_gets_advice_that_works() {
    let summary = "[Intro](intro.md)\n\n# Preparation\n\n- [A](a.md)\n";
    let intro = "# Intro\n\n```rust file=intro.rs\nfn x() {}\n```\n";
    let errors = book_with_summary(summary, &[("intro.md", intro), ("a.md", MAIN)]).errors();
    assert_errors(&errors, &[("src-book/intro.md:3:1", "is in a chapter outside the seven parts, which holds no tangled code")]);
}

#[test]
fn unreadable_chapter_is_not_called_missing() {
    let summary = "# Preparation\n\n- [A](a.md)\n- [Dir](dir.md)\n";
    let b = book_with_summary(summary, &[("a.md", MAIN)]);
    std::fs::create_dir_all(b.root().join("src-book/dir.md")).unwrap();
    let errors = b.errors();
    assert_errors(&errors, &[("src-book/SUMMARY.md:4:9", "cannot read chapter `Dir` (src-book/dir.md)")]);
}

#[test]
fn output_paths_windows_would_read_otherwise() {
    let text = "P:010 Device.\n\n```rust file=kernel/aux.rs\nfn a() {}\n```\n\n\
                P:020 Dot.\n\n```rust file=kernel./main.rs\nfn b() {}\n```\n";
    assert_errors(
        &book(&[("a.md", text)]).errors(),
        &[
            ("src-book/a.md:3:21", "output path `kernel/aux.rs` has the name `aux.rs`, which Windows reserves for a device"),
            ("src-book/a.md:9:20", "output path `kernel./main.rs` has a name ending in `.` (`kernel.`)"),
        ],
    );
}

#[test]
fn chapter_listed_twice() {
    let summary = "# Preparation\n\n- [A](a.md)\n- [A again](./a.md)\n";
    let errors = book_with_summary(summary, &[("a.md", MAIN)]).errors();
    assert_errors(&errors, &[("src-book/SUMMARY.md:4:13", "src-book/a.md is listed twice in SUMMARY.md (first at src-book/SUMMARY.md:3:7)")]);
}

#[test]
fn tag_outside_the_parts_advice() {
    let summary = "[Intro](intro.md)\n\n# Preparation\n\n- [A](a.md)\n";
    let intro = "# Intro\n\nP:005 A tag in the introduction.\n";
    let errors = book_with_summary(summary, &[("intro.md", intro), ("a.md", MAIN)]).errors();
    assert_errors(
        &errors,
        &[
            ("src-book/intro.md:3:1", "tag P:005 has no code"),
            ("src-book/intro.md:3:1", "tag P:005 is in a chapter outside the seven parts, which holds no tags (list the chapter under a part heading"),
        ],
    );
}
