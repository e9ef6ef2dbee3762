"""Every figure of the study, saved by `run` in PNG, PDF and SVG: the PDF and SVG checks of
every figure type are made here, on the files a researcher gets."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zlib

import numpy as np
import pymupdf
import pytest
from PIL import Image

from analysis.plots import MAX_PDF_BYTES
from analysis.run.outputs import LOCK_FILE

FIGURES = {
    "slogan_rates", "slogan_rates_all", "slogan_trends", "slogan_cooccurrence", "tfidf", "wordcloud",
    "wordclouds_by_doc", "comparison_cloud", "similarity", "collocate_network", "xray",
    "formulae", "term_scatter", "correspondence",
    "keyness_jilin_news_2007", "keyness_cidu_opinion_2005", "keyness_nansha_speech_2007",
    "keyness_yangzhou_opinion_2007", "keyness_cityoffice_speech_2003",
    # groups of one document (province, district, news report) are that document's keyness
    "keyness_genre_speech", "keyness_genre_opinion", "keyness_level_city",
}


@pytest.mark.slow  # makes the shared full_run first, while the other workers go on
def test_every_figure_is_saved_in_three_formats(full_run):
    _, figures = full_run
    files = {p.name for p in figures.iterdir() if p.name != LOCK_FILE}
    assert {f"{name}.{ext}" for name in FIGURES for ext in ("png", "pdf", "svg")} == files


def test_figures_are_drawn_and_embed_the_cjk_font(full_run):
    _, figures = full_run
    pngs, pdfs = sorted(figures.glob("*.png")), sorted(figures.glob("*.pdf"))
    # Every figure of the study, not a vacuous pass over an empty folder.
    assert {p.stem for p in pngs} == {p.stem for p in pdfs} == FIGURES
    for png in pngs:
        image = Image.open(png)
        assert image.info["dpi"][0] == 300 or round(image.info["dpi"][0]) == 300, png.name
        pixels = np.asarray(image.convert("L"), dtype=float)
        assert pixels.std() > 5, f"{png.name} looks blank"
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert len(data) < 2_000_000, f"{pdf.name} is {len(data)} bytes"
        # Every figure has Chinese text (tick labels, legends, titles; a word cloud its panel
        # titles), so every PDF must embed the CJK font as TrueType (a subset: ABCDEF+Noto…):
        # a PDF without an embedded font shows its Chinese only where the font is installed.
        assert b"/FontFile2" in data, f"{pdf.name} embeds no TrueType font"
        assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+NotoSansCJK", data), (
            f"{pdf.name} does not embed the CJK font"
        )
        assert b"/Type3" not in data, f"{pdf.name} has Type 3 fonts"
        assert data.startswith(b"%PDF") and len(data) < MAX_PDF_BYTES, pdf.name
        for number in re.findall(rb"/FontFile2 (\d+) 0 R", data):
            body = re.search(rb"\n%s 0 obj.*?stream\n(.*?)endstream" % number, data, re.S)
            assert zlib.decompress(body.group(1))[:4] in (b"\x00\x01\x00\x00", b"true"), (
                f"{pdf.name} embeds a CFF font as TrueType, which strict readers draw as nothing"
            )
    for pdf in pdfs:  # MuPDF, a strict reader, draws what the PNG shows (ink within 20 %)
        page = pymupdf.open(pdf)[0].get_pixmap(dpi=100)
        shown = Image.frombytes("RGB", (page.width, page.height), page.samples).convert("L")
        png = Image.open(pdf.with_suffix(".png")).convert("L").resize(shown.size)
        drawn, expected = ((np.asarray(image) < 128).sum() for image in (shown, png))
        assert 0.8 < drawn / expected < 1.25, (pdf.name, drawn, expected)
    for svg in figures.glob("*.svg"):
        root = ET.fromstring(svg.read_text(encoding="utf-8"))  # well-formed
        assert not root.findall(".//{http://www.w3.org/2000/svg}text"), f"{svg.name}: text"
        assert svg.stat().st_size < 3 * 1024 * 1024, svg.name
