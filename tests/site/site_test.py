#!/usr/bin/env python3
"""The website, tested in a browser: `make test-site`.

Drives headless Chromium (Debian's chromium and chromium-driver) through
chromedriver's WebDriver HTTP API, with Python's standard library only,
over the built book in target/book, served on a free local port. It
checks that

- every page loads without an error in the browser's console;
- every internal link resolves: its page exists, and so does its anchor
  (after the page's scripts ran, as a reader's browser sees it);
- the captions link where they say: a piece "continued in" another is
  "continued from" it there, and the listing a chunk is "used in" holds a
  reference line that links back to the piece;
- the index of tags reaches every tag of every chapter, and nothing else;
- the search finds a chunk by its name, on the page that defines it;
- the assembler is highlighted as assembler (mnemonics, registers, verse);

and saves screenshots of a few pages in target/site-screenshots/.
Usage: site_test.py [BOOK_DIR]   (default target/book)
"""

import base64
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOOK = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "book"))
SHOTS = os.path.join(ROOT, "target", "site-screenshots")
# Pages whose picture we keep: the start, the Switcher's assembler, a
# chapter's captions, the index of tags.
SCREENSHOTS = {
    "introduction.html": "introduction.png",
    "switcher/index.html#file-kernel-src-switcher-switcher-s-1": "switcher-verse.png",
    "preparation/boot.html#file-kernel-src-boot-boot-s-1": "boot-verse.png",
    "host/index.html": "host.png",
    "appendix/tags.html": "tags.png",
}
SEARCHED_CHUNK = "trap-frame-save"
TIMEOUT = 30  # seconds, for any one thing the browser does

failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the book, served -------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=BOOK, **kwargs)

    def log_message(self, *args):
        pass


def serve_book():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# --- WebDriver, over HTTP ---------------------------------------------------

class WebDriver:
    """The few WebDriver commands we need, as chromedriver answers them."""

    def __init__(self):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="rguest-chromium-")
        driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.process = subprocess.Popen([driver, f"--port={self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + TIMEOUT
        while True:
            try:
                if self.call("GET", "/status")["ready"]:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.time() > deadline:
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        # The flags that keep Chromium off a closed network and out of any
        # profile but a fresh one (see the machine notes in TOOLCHAIN.md).
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1200,1500",
                f"--user-data-dir={self.profile}"]
        browser = shutil.which("chromium") or "/usr/bin/chromium"
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": browser, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
            "timeouts": {"pageLoad": TIMEOUT * 1000, "script": TIMEOUT * 1000},
        }}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT * 2) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"WebDriver {method} {path}: {error.read().decode(errors='replace')}")

    def command(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def go(self, url):
        self.command("POST", "/url", {"url": url})

    def script(self, source, *args):
        return self.command("POST", "/execute/sync", {"script": source, "args": list(args)})

    def console(self):
        """The browser's console since the last call."""
        return self.command("POST", "/se/log", {"type": "browser"})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.command("GET", "/screenshot")))

    def wait_for(self, source, what):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            value = self.script(source)
            if value:
                return value
            time.sleep(0.1)
        raise RuntimeError(f"timed out waiting for {what}")

    def quit(self):
        try:
            self.command("DELETE", "")
        finally:
            self.process.terminate()
            self.process.wait(timeout=TIMEOUT)
            shutil.rmtree(self.profile, ignore_errors=True)


# --- what a page holds ------------------------------------------------------

# Run in the page, once it has loaded and its scripts have run: its ids,
# its links (resolved), and for each listing its caption's links by kind and
# its reference lines' links.
SURVEY = r"""
const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href);
const listings = Array.from(document.querySelectorAll('.rguest-listing')).map(l => {
  const caption = l.querySelector('.rguest-caption');
  const parts = {};
  if (caption) {
    for (const segment of caption.innerHTML.split(' · ')) {
      const holder = document.createElement('div');
      holder.innerHTML = segment;
      const kind = holder.textContent.trim().match(/^(continued in|continued from|used in)/);
      const name = holder.querySelector('.rguest-name');
      if (name) {
        parts.name = name.textContent.replace(/[⟨⟩]/g, '');
        const verb = holder.textContent.match(/\b(defines|appends to)\b/);
        parts.verb = verb ? verb[1] : '';
      }
      if (kind) parts[kind[1]] = Array.from(holder.querySelectorAll('a')).map(a => new URL(a.getAttribute('href'), location.href).href);
    }
  }
  const refs = Array.from(l.querySelectorAll('.rguest-ref a')).map(a => a.href);
  return {id: l.id, caption: parts, refs: refs};
});
const tags = Array.from(document.querySelectorAll('.rguest-caption a.rguest-tag')).map(a => a.href);
const gas = Array.from(document.querySelectorAll('code.rguest-gas'));
const highlighted = gas.filter(c => c.querySelector('.hljs-keyword, .hljs-meta')).length;
const registers = gas.filter(c => c.querySelector('.hljs-variable')).length;
const verse = gas.filter(c => c.querySelector('.hljs-quote')).length;
const verseStyle = gas.length && document.querySelector('code.rguest-gas .hljs-quote')
  ? getComputedStyle(document.querySelector('code.rguest-gas .hljs-quote')).fontStyle : '';
return {ids, links, listings, tags, gas: gas.length, highlighted, registers, verse, verseStyle,
        title: document.title};
"""


def page_of(url, base):
    """The book-relative page of a URL on our server, and its fragment."""
    parsed = urllib.parse.urlsplit(url)
    path = urllib.parse.unquote(parsed.path)[len(urllib.parse.urlsplit(base).path):]
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, urllib.parse.unquote(parsed.fragment)


def main():
    if not os.path.isfile(os.path.join(BOOK, "index.html")):
        print(f"site test: no book in {BOOK}: run `make book` first", file=sys.stderr)
        return 2
    started = time.time()
    os.makedirs(SHOTS, exist_ok=True)
    server, base = serve_book()
    browser = WebDriver()
    pages = sorted(os.path.relpath(os.path.join(d, f), BOOK).replace(os.sep, "/")
                   for d, _, files in os.walk(BOOK) for f in files if f.endswith(".html"))
    seen = {}
    try:
        browser.console()
        # 1. Every page, loaded as a reader would, with its console watched.
        for page in pages:
            browser.go(base + page)
            browser.wait_for("return document.readyState === 'complete'", f"{page} to load")
            seen[page] = browser.script(SURVEY)
            for entry in browser.console():
                # toc.html is mdbook's table of contents for readers without
                # JavaScript, shown in a frame; alone, it lacks the icon the
                # browser then asks the server for.
                if entry.get("level") == "SEVERE" and page != "toc.html":
                    fail(f"{page}: console error: {entry.get('message')}")
        print(f"site test: {len(pages)} pages loaded", flush=True)

        # 2. Every internal link: its page, and its anchor on that page.
        checked = 0
        for page, survey in seen.items():
            # mdbook's 404 page is written for the site's root (its <base>),
            # wherever it is asked for: its heading's anchor is not ours.
            if page == "404.html":
                continue
            for link in survey["links"]:
                if not link.startswith(base):
                    continue
                target, fragment = page_of(link, base)
                checked += 1
                if not os.path.exists(os.path.join(BOOK, target)):
                    fail(f"{page}: link to a missing page: {link}")
                elif fragment and target in seen and fragment not in seen[target]["ids"]:
                    fail(f"{page}: link to a missing anchor: {link}")
        print(f"site test: {checked} internal links resolve", flush=True)

        # 3. The captions: continued in / from agree, and "used in" leads to a
        # reference line that links back.
        by_url = {}
        for page, survey in seen.items():
            for listing in survey["listings"]:
                by_url[f"{page}#{listing['id']}"] = listing
        continued = used = 0
        for page, survey in seen.items():
            for listing in survey["listings"]:
                here = base + page + "#" + listing["id"]
                for link in listing["caption"].get("continued in", []):
                    there = by_url.get("#".join(page_of(link, base)))
                    continued += 1
                    if there is None or here not in there["caption"].get("continued from", []):
                        fail(f"{here}: continued in {link}, which does not say it continues from here")
                for link in listing["caption"].get("used in", []):
                    there = by_url.get("#".join(page_of(link, base)))
                    used += 1
                    if there is None or here not in there["refs"]:
                        fail(f"{here}: used in {link}, whose references do not lead back here")
        if continued == 0 or used == 0:
            fail(f"captions: {continued} 'continued in' and {used} 'used in' links: the captions lost them")
        print(f"site test: {continued} 'continued in' and {used} 'used in' captions lead where they say", flush=True)

        # 4. The index of tags reaches every tag, and only tags.
        index_page = "appendix/tags.html"
        # (print.html holds every chapter again, tags and all.)
        tags = {(page, page_of(t, base)[1]) for page, s in seen.items() if page not in (index_page, "print.html")
                for t in s["tags"] if page_of(t, base)[0] == page}
        indexed = set()
        for link in seen.get(index_page, {}).get("links", []):
            target, fragment = page_of(link, base)
            if link.startswith(base) and target != index_page and fragment[:1].isupper() and fragment[1:2] == "-":
                indexed.add((target, fragment))
        for page, tag in sorted(tags - indexed):
            fail(f"the index of tags does not reach {tag} in {page}")
        for page, tag in sorted(indexed - tags):
            fail(f"the index of tags names {tag} in {page}, which is no tag there")
        if not tags:
            fail("no tags found in the chapters")
        print(f"site test: the index of tags reaches all {len(tags)} tags", flush=True)

        # 5. The search finds a chunk by name, on the page that defines it.
        homes = {page for page, s in seen.items() for listing in s["listings"]
                 if listing["caption"].get("name") == SEARCHED_CHUNK and listing["caption"].get("verb") == "defines"}
        if not homes:
            fail(f"no page defines the chunk {SEARCHED_CHUNK}")
        browser.go(base + "introduction.html")
        browser.wait_for("return document.readyState === 'complete'", "the first page")
        browser.script("document.getElementById('mdbook-search-toggle').click();")
        browser.wait_for("return document.getElementById('mdbook-searchbar') !== null && "
                         "getComputedStyle(document.getElementById('mdbook-search-wrapper')).display !== 'none'",
                         "the search bar")
        browser.script("const bar = document.getElementById('mdbook-searchbar'); bar.value = arguments[0];"
                       "bar.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));", SEARCHED_CHUNK)
        results = browser.wait_for(
            "return Array.from(document.querySelectorAll('#mdbook-searchresults a')).map(a => a.href);",
            f"results for {SEARCHED_CHUNK}")
        found = {page_of(r, base)[0] for r in results}
        if not homes & found:
            fail(f"searching {SEARCHED_CHUNK!r} found {sorted(found)}, not {sorted(homes)}")
        else:
            print(f"site test: searching {SEARCHED_CHUNK!r} finds {sorted(homes & found)[0]}", flush=True)

        # 6. The assembler, highlighted as assembler, its verse set as verse.
        switcher = seen.get("switcher/index.html", {})
        if not switcher.get("gas") or switcher.get("highlighted") != switcher.get("gas") or not switcher.get("registers"):
            fail(f"the Switcher's assembler is not highlighted: {switcher.get('highlighted')} of {switcher.get('gas')} blocks")
        if not switcher.get("verse") or switcher.get("verseStyle") != "italic":
            fail(f"the Switcher's verse is not set as verse: {switcher.get('verse')} blocks, style {switcher.get('verseStyle')!r}")
        print(f"site test: {switcher.get('highlighted')} assembler blocks of the Switcher highlighted, verse set", flush=True)

        # 7. Pictures of a few pages.
        for page, name in SCREENSHOTS.items():
            browser.go(base + page)
            browser.wait_for("return document.readyState === 'complete'", f"{page} to load")
            browser.script("return new Promise(r => setTimeout(r, 200));")
            browser.screenshot(os.path.join(SHOTS, name))
        print(f"site test: screenshots in {os.path.relpath(SHOTS, ROOT)}/", flush=True)
    finally:
        browser.quit()
        server.shutdown()
    elapsed = time.time() - started
    if failures:
        print(f"site test: {len(failures)} failures ({elapsed:.1f} s)")
        return 1
    print(f"site test: passed ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
