//! Small HTML helpers: escaping, anchors, relative links between pages.

use crate::chapter::Target;

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The anchor of piece `n` of a file or chunk: `chunk-init-calls-0`,
/// `file-kernel-main-rs-1` (every character of a path that is not a letter
/// or a digit becomes `-`).
pub fn block_anchor(target: &Target, n: usize) -> String {
    let sanitize = |s: &str| -> String {
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
    };
    match target {
        Target::Chunk(name) => format!("chunk-{}-{n}", sanitize(name)),
        Target::File(path) => format!("file-{}-{n}", sanitize(path)),
    }
}

/// The page mdbook renders a chapter to: `guest/start.md` is
/// `guest/start.html`.
pub(crate) fn html_path(path: &str) -> String {
    let stem = match path.rfind('.') {
        Some(dot) if !path[dot..].contains('/') => &path[..dot],
        _ => path,
    };
    format!("{stem}.html")
}

/// The relative link from page `from` to page `to`, both relative to the
/// book's root: from `guest/start.html` to `boot.html` is `../boot.html`.
pub fn relative_href(from: &str, to: &str) -> String {
    let mut from_dirs: Vec<&str> = from.split('/').collect();
    from_dirs.pop();
    let to_parts: Vec<&str> = to.split('/').collect();
    let (to_file, to_dirs) = to_parts.split_last().expect("split gives at least one part");
    let common = from_dirs.iter().zip(to_dirs).take_while(|(a, b)| a == b).count();
    let mut href = "../".repeat(from_dirs.len() - common);
    for dir in &to_dirs[common..] {
        href.push_str(dir);
        href.push('/');
    }
    href.push_str(to_file);
    href
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        assert_eq!(relative_href("boot.html", "guest/start.html"), "guest/start.html");
        assert_eq!(relative_href("guest/start.html", "boot.html"), "../boot.html");
        assert_eq!(relative_href("guest/a.html", "guest/b.html"), "b.html");
        assert_eq!(relative_href("a/b/x.html", "a/c/y.html"), "../c/y.html");
        assert_eq!(relative_href("a/x.html", "a/b/y.html"), "b/y.html");
    }

    #[test]
    fn pages_and_anchors() {
        assert_eq!(html_path("guest/start.md"), "guest/start.html");
        assert_eq!(html_path("v1.0/start"), "v1.0/start.html");
        assert_eq!(block_anchor(&Target::File("kernel/main.rs".into()), 0), "file-kernel-main-rs-0");
        assert_eq!(block_anchor(&Target::Chunk("init-calls".into()), 2), "chunk-init-calls-2");
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
