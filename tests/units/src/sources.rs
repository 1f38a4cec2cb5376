//! The kernel's generated sources as text, for the tests that read the
//! whole tree (which file may use privileged instructions, which folder
//! may import which).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every Rust and assembler file below generated/kernel/src, by its path
/// there (with `/` between folders), and its text.
pub fn kernel_sources() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../generated/kernel/src");
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.clone()];
    while let Some(at) = stack.pop() {
        for entry in fs::read_dir(&at).unwrap_or_else(|e| panic!("{}: {e}", at.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "s") {
                let name = path.strip_prefix(&dir).expect("below the directory");
                let name = name.to_str().expect("a UTF-8 path").replace('\\', "/");
                found.insert(name, fs::read_to_string(&path).expect("a readable source file"));
            }
        }
    }
    assert!(found.len() > 10, "generated/kernel/src holds too few files: {:?}", found.keys());
    found
}
