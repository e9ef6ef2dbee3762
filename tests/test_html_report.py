"""The HTML report in headless Chromium: the Chinese text is drawn, not boxes.

With no font for a character, a browser draws the same empty box for every CJK character; with
the report's embedded font, different characters look different. So the test renders single
characters with the report's own styles and checks they differ, and keeps a screenshot of the
report. It skips where Chromium is absent (Debian package `chromium`).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")


def screenshot(html_path, png_path, tmp_path, size="800,600"):
    subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={size}",
         f"--screenshot={png_path}", html_path.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    return np.asarray(Image.open(png_path).convert("L"), dtype=float)


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
