//! The kernel's command line is read one way: by `boot::cmdline::Cmdline`
//! ("Two ways out", in the Preparation). The Host makes one from the
//! loader's bytes, a Guest one from its Host's, and every option anywhere
//! is asked of those; no other file splits a command line into words.

use units::sources::kernel_sources;

/// The files that turn bytes into a `Cmdline`: the native kernel's main,
/// and a Guest's first steps.
const READERS: &[&str] = &["guest/boot.rs", "main.rs"];

/// Ways of reading words out of a command line by hand.
const BY_HAND: &[&str] = &["split_ascii_whitespace", "b == b' '", "has_option"];

#[test]
fn only_the_reader_splits_words() {
    for (path, text) in kernel_sources() {
        if path == "boot/cmdline.rs" {
            continue;
        }
        for pattern in BY_HAND {
            assert!(!text.contains(pattern), "{path} reads a command line by hand (`{pattern}`): ask boot::cmdline::Cmdline");
        }
    }
}

#[test]
fn a_command_line_is_made_in_two_places() {
    let sources = kernel_sources();
    let makers: Vec<&str> = sources.iter().filter(|(_, text)| text.contains("Cmdline::new(")).map(|(p, _)| p.as_str()).collect();
    assert_eq!(makers, READERS, "files that make a Cmdline (in path order)");
    for reader in READERS {
        assert_eq!(sources[*reader].matches("Cmdline::new(").count(), 1, "{reader} makes one command line");
    }
}
