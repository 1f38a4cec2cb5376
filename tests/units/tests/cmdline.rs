//! The kernel command line: flags, key=value settings, lists.

use units::cmdline::Cmdline;

#[test]
fn flags_are_whole_words() {
    let line = Cmdline::new(b"/boot/rguest memory-test  panic-test");
    assert!(line.has("memory-test"));
    assert!(line.has("panic-test"));
    assert!(!line.has("memory"));
    assert!(!line.has("test"));
    assert_eq!(line.words().count(), 3);
}

#[test]
fn settings_have_values_and_the_last_one_wins() {
    let line = Cmdline::new(b"rguest programs=hello,ping memory-test-pages=12 programs=pong x=");
    assert_eq!(line.value("memory-test-pages"), Some("12"));
    assert_eq!(line.value("programs"), Some("pong"));
    assert_eq!(line.value("x"), Some(""));
    assert_eq!(line.value("missing"), None);
    // A flag is not a setting, and a setting is not a flag.
    assert_eq!(line.value("rguest"), None);
    assert!(!line.has("programs"));
}

#[test]
fn lists_split_on_commas_and_skip_empty_items() {
    let line = Cmdline::new(b"programs=hello,,ping,pong, empty=");
    assert_eq!(
        line.list("programs").collect::<Vec<_>>(),
        ["hello", "ping", "pong"]
    );
    assert_eq!(line.list("empty").count(), 0);
    assert_eq!(line.list("missing").count(), 0);
}

#[test]
fn an_empty_or_foreign_line_has_nothing() {
    assert_eq!(Cmdline::new(b"").words().count(), 0);
    let not_utf8 = Cmdline::new(b"memory-test \xff\xfe");
    assert!(!not_utf8.has("memory-test"));
}

#[test]
fn the_text_is_the_line_as_read() {
    // A Guest prints its command line through `text`; one that is not
    // UTF-8 prints as empty, as it reads.
    let line = Cmdline::new(b"guests=2 guest-test=fuzz");
    assert_eq!(line.text(), "guests=2 guest-test=fuzz");
    assert_eq!(Cmdline::new(b"x \xff").text(), "");
}

#[test]
fn a_setting_is_read_as_one_word_only() {
    // `fault-test=page` is a setting, so `value` finds it and `has` does
    // not; a word that merely contains the key is neither.
    let line = Cmdline::new(b"rguest fault-test=page trap-test my-fault-test=x");
    assert_eq!(line.value("fault-test"), Some("page"));
    assert!(!line.has("fault-test"));
    assert!(line.has("trap-test"));
}
