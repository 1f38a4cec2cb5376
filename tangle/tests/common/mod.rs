//! Builds small books in temporary directories and runs the tangler on them.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestBook {
    pub dir: tempfile::TempDir,
}

/// A book whose SUMMARY.md puts every listed chapter under `# Preparation`.
pub fn book(chapters: &[(&str, &str)]) -> TestBook {
    let mut summary = String::from("# Summary\n\n# Preparation\n\n");
    for (name, _) in chapters {
        summary.push_str(&format!("- [{name}]({name})\n"));
    }
    book_with_summary(&summary, chapters)
}

pub fn book_with_summary(summary: &str, chapters: &[(&str, &str)]) -> TestBook {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(dir.path(), "src-book/SUMMARY.md", summary);
    for (name, text) in chapters {
        write(dir.path(), &format!("src-book/{name}"), text);
    }
    TestBook { dir }
}

pub fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestBook {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_tangle"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .output()
            .expect("run tangle");
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn generated(&self, path: &str) -> String {
        fs::read_to_string(self.root().join("generated").join(path)).unwrap()
    }

    pub fn generated_path(&self, path: &str) -> PathBuf {
        self.root().join("generated").join(path)
    }

    /// The `error:` lines of `tangle check`, which must fail.
    pub fn errors(&self) -> Vec<String> {
        let run = self.run(&["check"]);
        assert_eq!(run.status, 1, "tangle check should fail; stderr:\n{}", run.stderr);
        run.stderr.lines().filter(|l| l.contains(": error: ")).map(str::to_string).collect()
    }
}

/// Asserts that the errors are exactly these `(location, message fragment)`.
pub fn assert_errors(errors: &[String], expected: &[(&str, &str)]) {
    assert_eq!(errors.len(), expected.len(), "errors: {errors:#?}");
    for (error, (loc, fragment)) in errors.iter().zip(expected) {
        assert!(error.starts_with(&format!("{loc}: error: ")), "expected at {loc}: {error}");
        assert!(error.contains(fragment), "expected `{fragment}` in: {error}");
    }
}
