"""Font resolution and glyph coverage, with the real packaged and bundled fonts (no mocks)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

from analysis.plots import (
    FONT_ENV_VAR,
    FontNotFoundError,
    MissingGlyphError,
    figure_size,
    figure_style,
    find_system_cjk_font,
    font_stack,
    missing_characters,
    packaged_font_path,
    register_font_file,
    require_glyphs,
    resolve_cjk_font,
    save_figure,
)
from analysis.plots.fonts import CJK_PROBE

SLOGANS = ["团结", "民主集中制", "一把手"]
PRIVATE_USE = "\ue000"  # no font assigns a glyph here
TANGUT = "\U00017000"  # a script neither Noto Sans CJK nor DejaVu covers


@pytest.fixture(autouse=True)
def default_font_setting(monkeypatch):
    """Each test starts from an unset ANALYSIS_FONT, whatever the caller's shell has."""
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)


@pytest.fixture
def packaged_font() -> Path:
    path = packaged_font_path()
    if path is None:
        pytest.fail("mplfonts is a dependency and must ship NotoSansCJKsc-Regular.otf")
    return path


def test_default_is_the_packaged_noto_sans_cjk(packaged_font):
    font = resolve_cjk_font()
    assert font.source == "mplfonts"
    assert font.family == "Noto Sans CJK SC"
    assert font.path == packaged_font
    # Registered: matplotlib finds the family without falling back to its default font.
    found = font_manager.findfont(font.family, fallback_to_default=False)
    assert Path(found).resolve() == packaged_font.resolve()


def test_font_stack_is_cjk_then_latin_fallback():
    assert font_stack() == ["Noto Sans CJK SC Common", "Noto Sans CJK SC", "DejaVu Sans"]


# --- the common face ---------------------------------------------------------------------------

OUTSIDE_GB2312 = "堃镕"  # in names (朱镕基), not in GB2312; Noto Sans CJK SC has both


def test_the_common_face_draws_what_the_full_font_draws(packaged_font):
    """Same advance widths and metrics, and the same outlines as TrueType curves (within a
    font unit: bounding boxes within a 64th of a pixel at 48 px per em) for every kind of
    character it holds, so a figure looks the same; the PostScript name is the full font's, so
    a PDF still names Noto Sans CJK SC."""
    from matplotlib import ft2font

    from analysis.plots.fonts import common_codepoints, font_files_for

    [common_file, full_file, _] = font_files_for(font_manager.FontProperties(family=font_stack()))
    assert Path(full_file[0]).resolve() == packaged_font.resolve()
    common, full = ft2font.FT2Font(str(common_file[0])), ft2font.FT2Font(str(full_file[0]))
    assert common.postscript_name == full.postscript_name == "NotoSansCJKsc-Regular"
    assert (common.ascender, common.descender, common.bbox) == (full.ascender, full.descender,
                                                                full.bbox)
    assert common.num_glyphs < full.num_glyphs / 5
    for ch in "团结民主集中制一把手（）、。“”Aa1%—①Ⅱ→■":
        assert ord(ch) in common_codepoints()
        glyphs = []
        for font in (common, full):
            font.set_size(48, 72)
            glyph = font.load_char(ord(ch), ft2font.LoadFlags.NO_HINTING)
            glyphs.append((glyph.linearHoriAdvance, glyph.bbox, len(font.get_path()[0]) > 0))
        (advance, bbox, drawn), (full_advance, full_bbox, full_drawn) = glyphs
        assert (advance, drawn) == (full_advance, full_drawn), ch
        assert max(abs(a - b) for a, b in zip(bbox, full_bbox, strict=True)) <= 64 // 20, ch
    assert all(ord(ch) not in common_codepoints() for ch in OUTSIDE_GB2312)
    assert missing_characters(OUTSIDE_GB2312) == []  # drawn by the full font, next in the stack


def test_a_pdf_embeds_the_common_face_and_the_full_font_only_for_what_it_lacks(tmp_path):
    def base_fonts(title: str) -> list[bytes]:  # one per embedded subset
        with figure_style():
            fig, ax = plt.subplots(figsize=figure_size("single"))
            ax.set_title(title)
        try:
            [pdf] = save_figure(fig, f"t{len(title)}", folder=tmp_path, formats=("pdf",))
        finally:
            plt.close(fig)
        found = set(re.findall(rb"/BaseFont\s*/([A-Z]{6})\+([^\s/\]>]+)", pdf.read_bytes()))
        return [name for _, name in sorted(found)]

    assert base_fonts("团结 2007 (a)") == [b"NotoSansCJKsc-Regular"]
    assert base_fonts(f"团结{OUTSIDE_GB2312}") == [b"NotoSansCJKsc-Regular"] * 2


def _dark_pixels(image) -> int:
    import numpy as np

    return int((np.asarray(image.convert("L")) < 128).sum())


@pytest.mark.parametrize("title", ["团结 民主集中制 一把手 (2007)", f"朱{OUTSIDE_GB2312[1]}基 {OUTSIDE_GB2312}"])
def test_a_pdf_shows_its_chinese_in_a_strict_reader(tmp_path, title):
    """MuPDF draws the PDF's text as the PNG shows it: every embedded font is TrueType in form
    and name (matplotlib writes a CFF font as TrueType, which strict readers draw as nothing:
    matplotlib#2869), also for characters outside the common face."""
    import zlib

    import pymupdf
    from PIL import Image

    with figure_style():
        fig = plt.figure(figsize=figure_size("double", aspect=0.1))
        fig.text(0.02, 0.4, title, fontsize=20)
    try:
        png, pdf = save_figure(fig, "strict", folder=tmp_path, formats=("png", "pdf"))
    finally:
        plt.close(fig)
    data = pdf.read_bytes()
    streams = re.findall(rb"/FontFile2 (\d+) 0 R", data)
    assert streams, "no TrueType font embedded"
    for number in streams:
        body = re.search(rb"\n%s 0 obj.*?stream\n(.*?)endstream" % number, data, re.S).group(1)
        assert zlib.decompress(body)[:4] in (b"\x00\x01\x00\x00", b"true"), "CFF as TrueType"
    page = pymupdf.open(pdf)[0]
    shown = page.get_pixmap(dpi=100)
    drawn = _dark_pixels(Image.frombytes("RGB", (shown.width, shown.height), shown.samples))
    expected = _dark_pixels(Image.open(png).resize((shown.width, shown.height)))
    assert expected > 300
    assert 0.7 < drawn / expected < 1.4, (drawn, expected)
    assert page.get_text().strip() == title


def test_without_a_writable_cache_the_full_font_draws_alone(monkeypatch, tmp_path):
    from analysis.plots import fonts

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.delenv("ANALYSIS_FONT_CACHE", raising=False)
    monkeypatch.setenv("ANALYSIS_CACHE", str(blocked))
    fonts._common_face.cache_clear()
    try:
        assert fonts.common_face(resolve_cjk_font()) is None
        assert font_stack() == ["Noto Sans CJK SC", "DejaVu Sans"]
    finally:
        fonts._common_face.cache_clear()


def test_the_common_face_is_built_once_per_font_and_reused(font_cache):
    """In the session's font cache (conftest.font_cache), built by whichever test drew first:
    another process, or this one after forgetting it, reads the file rather than build it."""
    from analysis.plots import fonts

    assert fonts.common_face(resolve_cjk_font()) == "Noto Sans CJK SC Common"
    [built] = font_cache.glob("NotoSansCJKsc-Regular-common-*.ttf")
    stamp = built.stat().st_mtime_ns
    fonts._common_face.cache_clear()
    try:
        assert fonts.common_face(resolve_cjk_font()) == "Noto Sans CJK SC Common"
        # (other tests build the faces of other fonts beside it)
        faces = font_cache.glob("NotoSansCJKsc-Regular-common-*.ttf")
        assert [p.stat().st_mtime_ns for p in faces] == [stamp]
    finally:
        fonts._common_face.cache_clear()


def test_a_web_font_subset_holds_exactly_the_characters_asked_for(packaged_font):
    import io

    from fontTools.ttLib import TTFont

    from analysis.plots.fonts import web_font_subset

    data = web_font_subset(packaged_font, "团结民主集中制")
    assert data[:4] == b"wOFF" and len(data) < 20_000
    font = TTFont(io.BytesIO(data))
    assert set(font.getBestCmap()) == {ord(ch) for ch in "团结民主集中制"}
    assert "GSUB" in font  # layout features kept for the browser


def test_slogans_latin_digits_and_punctuation_are_covered():
    labels = [*SLOGANS, "Mentions per 10,000 characters", "2007年", "（一）、。“”", "-1.5"]
    assert missing_characters(labels) == []
    require_glyphs(labels)  # does not raise


def test_uncovered_characters_raise_a_clear_error():
    with pytest.raises(MissingGlyphError) as caught:
        require_glyphs([f"团结{PRIVATE_USE}", f"x{TANGUT}y{PRIVATE_USE}"])
    assert caught.value.missing == (PRIVATE_USE, TANGUT)
    message = str(caught.value)
    assert "U+E000 private-use character" in message and "U+17000" in message
    assert FONT_ENV_VAR in message and "boxes" in message


def test_line_breaks_need_no_glyph():
    assert missing_characters("团结\n民主集中制\r\n一把手") == []


def test_env_var_with_missing_file_names_the_value_and_the_fix(monkeypatch, tmp_path):
    missing = tmp_path / "no-such-font.otf"
    monkeypatch.setenv(FONT_ENV_VAR, str(missing))
    with pytest.raises(FontNotFoundError) as caught:
        resolve_cjk_font()
    message = str(caught.value)
    assert str(missing) in message and "does not exist" in message
    assert f"set {FONT_ENV_VAR} to the path of" in message and "unset it" in message


def test_env_var_with_a_file_that_is_not_a_font(monkeypatch, tmp_path):
    fake = tmp_path / "fake.ttf"
    fake.write_text("not a font", encoding="utf-8")
    monkeypatch.setenv(FONT_ENV_VAR, str(fake))
    with pytest.raises(FontNotFoundError, match=r"not a font file FreeType can read"):
        resolve_cjk_font()


def test_env_var_with_an_unknown_family_name(monkeypatch):
    monkeypatch.setenv(FONT_ENV_VAR, "No Such Family 42")
    with pytest.raises(FontNotFoundError, match=r"'No Such Family 42' is neither an existing"):
        resolve_cjk_font()


def test_env_var_with_a_font_that_cannot_draw_chinese(monkeypatch):
    monkeypatch.setenv(FONT_ENV_VAR, "DejaVu Sans")
    with pytest.raises(FontNotFoundError, match=r"'DejaVu Sans', which cannot draw Chinese"):
        resolve_cjk_font()


def test_env_var_pointing_at_the_packaged_otf_works(monkeypatch, packaged_font):
    monkeypatch.setenv(FONT_ENV_VAR, str(packaged_font))
    font = resolve_cjk_font()
    assert font.source == "ANALYSIS_FONT"
    assert font.family == "Noto Sans CJK SC"
    assert font.path.resolve() == packaged_font.resolve()


def test_env_var_accepts_a_family_name_in_any_case(monkeypatch):
    monkeypatch.setenv(FONT_ENV_VAR, "noto sans cjk sc")
    assert resolve_cjk_font().family == "Noto Sans CJK SC"


def test_empty_env_var_means_unset(monkeypatch):
    monkeypatch.setenv(FONT_ENV_VAR, "  ")
    assert resolve_cjk_font().source == "mplfonts"


def test_env_var_font_is_used_in_exported_figures(monkeypatch, tmp_path, packaged_font):
    """Another real font (SimHei, also shipped by mplfonts) chosen by path ends up in the PDF."""
    simhei = packaged_font.parent / "SimHei.ttf"
    if not simhei.is_file():
        pytest.skip("this mplfonts version ships no SimHei.ttf")
    monkeypatch.setenv(FONT_ENV_VAR, str(simhei))
    assert resolve_cjk_font().family == "SimHei"
    with figure_style():
        fig, ax = plt.subplots(figsize=figure_size("single"))
        ax.set_title("团结")
    try:
        [pdf] = save_figure(fig, "simhei", folder=tmp_path, formats=("pdf",))
    finally:
        plt.close(fig)
    base_fonts = re.findall(rb"/BaseFont\s*/([A-Z]{6}\+[^\s/\]>]+)", pdf.read_bytes())
    assert any(b"SimHei" in name for name in base_fonts), base_fonts


def test_system_search_finds_a_registered_cjk_font(packaged_font):
    register_font_file(packaged_font.parent / "SimHei.ttf")
    found = find_system_cjk_font()
    assert found is not None and found.source == "system"
    assert missing_characters(CJK_PROBE, [(found.path, 0)]) == []


def test_register_font_file_rejects_a_missing_path(tmp_path):
    with pytest.raises(FontNotFoundError, match="does not exist"):
        register_font_file(tmp_path / "absent.ttf")
