// GNU assembler in AT&T syntax, for highlight.js: the book's assembler
// blocks (the tangler's preprocessor marks them `rguest-gas`, as plain
// text; see tangle/src/preprocess/listing.rs). mdbook's bundled
// highlight.js has no such language, and its `x86asm` is Intel syntax.
//
// Full-line comments are verse in the Switcher (and glosses elsewhere):
// they get the `quote` class, which rguest.css sets as verse; comments
// after an instruction stay `comment`.
(function () {
    "use strict";
    if (typeof hljs === "undefined") {
        return;
    }

    hljs.registerLanguage("gas", function () {
        return {
            name: "GNU assembler (AT&T)",
            case_insensitive: false,
            contains: [
                // A line that is only a comment: a line of verse.
                { className: "quote", begin: /^[ \t]*#/, end: /$/ },
                // A comment after code.
                { className: "comment", begin: /#/, end: /$/ },
                { className: "string", begin: /"/, end: /"/, contains: [{ begin: /\\./ }] },
                // A label: a name, or a number for 1b/1f, then a colon.
                { className: "title", begin: /^[ \t]*[A-Za-z_.$][\w.$]*:|^[ \t]*\d+:/ },
                // A directive, where a statement starts: .globl, .section, .rept ...
                { className: "meta", begin: /^[ \t]*\.[A-Za-z_]\w*/ },
                // The mnemonic, where a statement starts, at a line's start or
                // after its label: mov, pushq, iretq ...
                { className: "keyword", begin: /(?:^|(?<=:))[ \t]*[a-z][a-z0-9]*(?=[ \t]|$)/ },
                // %rax, %cr3, %gs ...
                { className: "variable", begin: /%[a-z][a-z0-9]*/ },
                // $0x10, ${FRAME_REGS}, $.Lvector: immediates.
                { className: "number", begin: /\$(\{\w+\}|[^\s,()]+)/ },
                // {FRAME_RAX}: a constant the Rust side passes in.
                { className: "template-variable", begin: /\{\w+\}/ },
                { className: "number", begin: /\b(0x[0-9a-fA-F]+|\d+)\b/ },
            ],
        };
    });

    document.querySelectorAll("code.rguest-gas").forEach(function (block) {
        var result = hljs.highlight("gas", block.textContent, true);
        block.innerHTML = result.value;
        block.classList.remove("language-text");
        block.classList.add("language-gas", "hljs");
    });
})();
