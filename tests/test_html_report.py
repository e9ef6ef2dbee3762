"""The HTML report in headless Chromium: the Chinese text is drawn, not boxes, and the pages
work with no network.

With no font for a character, a browser draws the same empty box for every CJK character; with
the report's embedded font, different characters look different. So the test renders single
characters with the report's own styles and checks they differ, and keeps a screenshot of the
report. Offline, every exported page of a real run must load nothing from the network (no CDN
script, style, font or image) and show its text, tables and concordance at once. The Chromium
tests skip where Chromium is absent (Debian package `chromium`).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import socket
import subprocess
import threading
from html.parser import HTMLParser

import nbformat
import numpy as np
import pytest
from PIL import Image

from analysis.run.notebooks import study_notebooks

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
]

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")


def screenshot(html_path, png_path, tmp_path, size="800,600"):
    subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={size}",
         f"--screenshot={png_path}", html_path.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    return np.asarray(Image.open(png_path).convert("L"), dtype=float)


@needs_chromium
def test_the_report_draws_chinese_text(full_run, tmp_path):
    out, _ = full_run
    report = out / "notebooks" / "04_slogans.html"
    full = screenshot(report, tmp_path / "report.png", tmp_path, size="1200,1600")
    assert full.std() > 10  # a rendered page, not a blank one
    style = re.search(r"<style>@font-face\{font-family:'CJK Embedded'.*?</style>", report.read_text(encoding="utf-8"), re.S)
    assert style, "the report embeds no CJK font"
    drawn = []
    for i, character in enumerate("团结"):
        page = tmp_path / f"char{i}.html"
        page.write_text(
            f"<html><head><meta charset='utf-8'>{style.group(0)}</head><body style='margin:0'>"
            f"<p style=\"font:160px 'CJK Embedded';margin:0\">{character}</p></body></html>",
            encoding="utf-8",
        )
        drawn.append(screenshot(page, tmp_path / f"char{i}.png", tmp_path, size="300,300"))
    assert (drawn[0] < 128).sum() > 500, "nothing was drawn"
    assert np.abs(drawn[0] - drawn[1]).mean() > 2, "团 and 结 look the same: boxes, not glyphs"


# --- offline: the report asks nothing of the network -----------------------------------------

REMOTE = re.compile(r"\s*(?:https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:url\(|@import)\s*(?:url\()?\s*["']?([^"')\s;]+)""", re.I)
SCRIPT_URL = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+)""", re.I)


class ResourceLinks(HTMLParser):
    """Every address an HTML page loads from: src/href/srcset/poster/data attributes (not the
    href of a link the reader follows, ``<a>``), ``url(...)``/``@import`` in styles, and quoted
    addresses in scripts (require.js, MathJax, mermaid and the widget manager are loaded there)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in {"src", "poster", "data"} or (name == "href" and tag != "a"):
                self.links.append(value)
            elif name == "srcset":
                self.links += [part.split()[0] for part in value.split(",") if part.strip()]
            elif name == "style":
                self.links += CSS_URL.findall(value)
        self._in = tag if tag in {"style", "script"} else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.links += CSS_URL.findall(data)
        elif self._in == "script":
            self.links += SCRIPT_URL.findall(data)


def remote_links(page) -> list[str]:
    parser = ResourceLinks()
    parser.feed(page.read_text(encoding="utf-8"))
    return sorted({link for link in parser.links if REMOTE.match(link)})


def test_no_exported_page_loads_anything_from_the_network(full_run):
    """Every page of a real run is self-contained: no script, style, font or image from a CDN."""
    out, _ = full_run
    pages = sorted((out / "notebooks").glob("*.html"))
    assert len(pages) == len(study_notebooks())
    remote = {page.name: links for page in pages if (links := remote_links(page))}
    assert not remote, f"pages load from the network: {remote}"


def test_the_link_check_sees_cdn_scripts_styles_and_images(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<html><head><script src="https://cdn.example/require.js"></script>'
        "<style>@import url(//fonts.example/a.css); p{background:url('http://img.example/b.png')}"
        '</style><script>import("https://cdn.example/mermaid.mjs")</script></head><body>'
        '<a href="https://example.org/source">a link to follow</a><img src="data:image/png;base64,AA">'
        '<img src="//img.example/c.png"></body></html>',
        encoding="utf-8",
    )
    assert remote_links(page) == [
        "//fonts.example/a.css", "//img.example/c.png", "http://img.example/b.png",
        "https://cdn.example/mermaid.mjs", "https://cdn.example/require.js",
    ]


@pytest.fixture
def silent_network():
    """A proxy that accepts every connection and never answers, as a network that drops packets
    does (offline behind a firewall, a captive portal): a page that waits on a CDN stays blank. A
    refused connection would fail at once and hide the dependency. Yields its port."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:  # closed at teardown
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.shutdown(socket.SHUT_RDWR)  # wakes the waiting accept()
    server.close()
    for connection in held:
        connection.close()
    thread.join(timeout=5)


def load_offline(page, port, tmp_path, wait_ms=8000):
    """The DOM of ``page`` in headless Chromium with every request sent to ``port`` (the silent
    network), stopped after ``wait_ms`` if it has not loaded by then; and the addresses the page
    itself requested (from Chromium's network log; the browser's own update and account checks
    carry no initiator and are left out)."""
    log = tmp_path / "netlog.json"
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
         f"--proxy-server=127.0.0.1:{port}", "--proxy-bypass-list=<-loopback>",
         f"--timeout={wait_ms}", f"--log-net-log={log}", "--dump-dom", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    ).stdout.decode("utf-8")
    netlog = json.loads(log.read_text(encoding="utf-8"))
    start = netlog["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requested = sorted({
        event["params"]["url"] for event in netlog["events"]
        if event["type"] == start and event["params"].get("initiator", "not an origin") != "not an origin"
    })
    return dom, requested


def markdown_headings(source: str) -> list[str]:
    """The headings of a markdown cell (lines starting with ``#`` outside fenced code)."""
    headings, fenced = [], False
    for line in source.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif line.startswith("#") and not fenced:
            headings.append(re.sub(r"[`*]", "", line.lstrip("#")).strip())
    return headings


def cjk_cells(output: str) -> list[str]:
    """The table cells of an output that hold Chinese text."""
    cells = (html.unescape(c).strip() for c in re.findall(r"<td[^>]*>([^<]+)</td>", output))
    return [c for c in cells if re.search(r"[\u4e00-\u9fff]", c)]


# Three pages in the browser: tables and the narrative (01), figures and model sections (03),
# the interactive concordance (04); the others are built by the same exporter, and every page's
# links are checked for the network in test_no_exported_page_loads_anything_from_the_network.
@needs_chromium
@pytest.mark.parametrize(
    "name", ["01_corpus_overview", "03_tfidf_and_similarity", "04_slogans"]
)
def test_the_report_renders_offline(full_run, silent_network, tmp_path, name):
    """With no network, each page shows its text, tables and concordance at once and asks the
    network for nothing."""
    out, _ = full_run
    page = out / "notebooks" / f"{name}.html"
    dom, requested = load_offline(page, silent_network, tmp_path)
    notebook = nbformat.read(page.with_suffix(".ipynb"), as_version=4)
    headings = [
        heading for cell in notebook.cells if cell.cell_type == "markdown"
        for heading in markdown_headings(cell.source)
    ]
    assert headings, "the notebook has no headings to look for"
    shown = [
        o["data"]["text/html"] for cell in notebook.cells if cell.cell_type == "code"
        for o in cell.get("outputs", []) if "text/html" in o.get("data", {})
    ]
    tables = [h for h in shown if "<table" in h]
    text = html.unescape(re.sub(r"<[^>]+>", "", dom))
    missing = [h for h in headings if h not in text]
    assert not missing, f"{page.name} offline lacks its text: {missing}"
    assert dom.count("<table") >= len(tables), f"{page.name} offline lacks tables"
    for table in tables:
        cells = cjk_cells(table)
        missing = [c for c in cells[:1] + cells[-1:] if c not in text]  # its first and last
        assert not missing, f"{page.name} offline lacks the table cells {missing}"
    browsers = sum(h.count('class="kwic-count"') for h in shown)
    # a concordance's own script fills in how many lines it shows
    assert len(re.findall(r'class="kwic-count">\d+ lines<', dom)) == browsers, f"{page.name}: a concordance did not run"
    assert requested == [], f"{page.name} requests {requested}"
