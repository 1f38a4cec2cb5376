//! "Did you mean": the known name nearest a misspelled one.

/// The candidate nearest `name`, if one is near enough to be a likely
/// misspelling: at most one edit for short names, up to three for long
/// ones (an edit is a letter inserted, removed, changed, or two neighbours
/// swapped). Ties go to the first candidate.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 4).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let d = distance(name, candidate);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The edit distance between two names, counting a swap of neighbouring
/// letters as one edit (the optimal string alignment distance).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: two back, one back, this one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("serial-init", "serial-init"), 0);
        assert_eq!(distance("serial-int", "serial-init"), 1);
        assert_eq!(distance("seiral-init", "serial-init"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn nearest_names() {
        let names = ["serial-init", "serial-write", "heap-init"];
        assert_eq!(closest("serial-int", names), Some("serial-init"));
        assert_eq!(closest("seiral-write", names), Some("serial-write"));
        assert_eq!(closest("page-tables", names), None);
        assert_eq!(closest("fiel", ["file", "file+", "chunk", "chunk+"]), Some("file"));
        assert_eq!(closest("x", ["y"]), Some("y"));
    }
}
