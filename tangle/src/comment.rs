//! How to write a one-line comment in each kind of file the book produces.

/// The comment delimiters for a file, chosen by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommentStyle {
    pub open: &'static str,
    pub close: &'static str,
}

impl CommentStyle {
    /// The kinds of file `for_path` knows, as the error for others lists them.
    pub const KNOWN: &str = "rs, c, h, s, asm, toml, sh, py, mk, ld, x and css, and Makefile";

    pub fn for_path(path: &str) -> Option<CommentStyle> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
        let (open, close) = match (name, extension) {
            (_, "rs" | "c" | "h") => ("// ", ""),
            (_, "s" | "asm" | "toml" | "sh" | "py" | "mk") | ("Makefile", _) => ("# ", ""),
            (_, "ld" | "x" | "css") => ("/* ", " */"),
            _ => return None,
        };
        Some(CommentStyle { open, close })
    }

    /// `text` as a comment line (without the newline).
    pub fn line(self, indent: &str, text: &str) -> String {
        format!("{indent}{}{text}{}", self.open, self.close)
    }
}
