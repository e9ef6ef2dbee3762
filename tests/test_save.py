"""save_figure with real fonts and real files: PNG, PDF and SVG with Chinese labels."""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image, ImageStat

from analysis.errors import InputError
from analysis.plots import (
    FONT_ENV_VAR,
    MAX_PDF_BYTES,
    FigureSizeWarning,
    MissingGlyphError,
    check_glyphs,
    figure_size,
    figure_style,
    safe_figure_name,
    save_figure,
)

SLOGANS = ["团结", "民主集中制", "一把手"]
ASPECT = 0.62


@pytest.fixture(autouse=True)
def default_font_setting(monkeypatch):
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)


@pytest.fixture
def slogan_figure():
    """A single-column bar chart: Chinese title and tick labels, English axis title."""
    with figure_style():
        fig, ax = plt.subplots(figsize=figure_size("single", ASPECT))
        ax.bar(SLOGANS, [12, 7, 3], hatch="//")
        ax.set_title("团结 民主集中制 一把手")
        ax.set_ylabel("Mentions per 10,000 characters")
    yield fig
    plt.close(fig)


def chinese_figure(text: str, *, where: str = "title"):
    with figure_style():
        fig, ax = plt.subplots(figsize=figure_size("single"))
        if where == "title":
            ax.set_title(text)
        else:  # categorical tick labels only exist once the figure is drawn
            ax.bar(["团结", text], [1, 2])
    return fig


def test_saves_all_three_formats_with_chinese_labels(slogan_figure, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no missing-glyph or any other warning
        paths = save_figure(slogan_figure, "slogans", folder=tmp_path)
    assert [p.name for p in paths] == ["slogans.png", "slogans.pdf", "slogans.svg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    sizes = {p.suffix: p.stat().st_size for p in paths}
    print("figure file sizes (bytes):", sizes)  # shown with pytest -s

    with Image.open(paths[0]) as png:
        assert png.size == (1050, round(3.5 * ASPECT * 300))  # exact column width at 300 dpi
        assert png.info["dpi"] == pytest.approx((300, 300), abs=0.05)
        assert ImageStat.Stat(png.convert("L")).var[0] > 100  # not blank

    pdf = paths[1].read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) < MAX_PDF_BYTES
    assert len(pdf) < 200_000  # the 16 MB font is subset to the glyphs used
    assert b"/FontFile2" in pdf and b"/CIDFontType2" in pdf
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+NotoSansCJKsc-Regular", pdf)
    assert b"/Type3" not in pdf and b"/FontFile3" not in pdf

    svg = paths[2].read_text(encoding="utf-8")
    root = ET.fromstring(svg)  # well-formed
    assert not root.findall(".//{http://www.w3.org/2000/svg}text")  # text stored as paths
    assert re.search(r'<path id="NotoSansCJKsc-Regular-\w+"', svg)
    assert "<!-- 团结 民主集中制 一把手 -->" in svg


def test_the_figure_stays_open_and_unchanged(slogan_figure, tmp_path):
    size, dpi = tuple(slogan_figure.get_size_inches()), slogan_figure.dpi
    title = slogan_figure.axes[0].get_title()
    save_figure(slogan_figure, "first", folder=tmp_path, dpi=150)
    assert slogan_figure.number in plt.get_fignums()
    assert tuple(slogan_figure.get_size_inches()) == size and slogan_figure.dpi == dpi
    assert slogan_figure.axes[0].get_title() == title
    save_figure(slogan_figure, "again", folder=tmp_path)  # still usable


def test_every_format_shows_the_layout_of_the_first_and_the_layout_engine_stays(
    slogan_figure, tmp_path
):
    """The formats after the first keep its layout (constrained layout runs once per save);
    afterwards the figure has its own layout engine back, and its texts their fonts."""
    engine = slogan_figure.get_layout_engine()
    fonts = [t.get_fontproperties() for t in slogan_figure.findobj(matplotlib.text.Text)]
    save_figure(slogan_figure, "three", folder=tmp_path)
    after_three = [ax.get_position().bounds for ax in slogan_figure.axes]
    save_figure(slogan_figure, "one", folder=tmp_path, formats=["png"])
    assert [ax.get_position().bounds for ax in slogan_figure.axes] == pytest.approx(after_three)
    assert slogan_figure.get_layout_engine() is engine
    assert [t.get_fontproperties() for t in slogan_figure.findobj(matplotlib.text.Text)] == fonts


def test_exports_are_reproducible(slogan_figure, tmp_path):
    first = save_figure(slogan_figure, "a", folder=tmp_path)
    second = save_figure(slogan_figure, "b", folder=tmp_path)
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.suffix


def test_dpi_sets_png_resolution(slogan_figure, tmp_path):
    [png] = save_figure(slogan_figure, "low", folder=tmp_path, formats=("png",), dpi=150)
    with Image.open(png) as image:
        assert image.size[0] == 525 and image.info["dpi"] == pytest.approx((150, 150), abs=0.05)


@pytest.mark.parametrize("dpi", [0, 50, 5000, True, float("nan"), "300"])
def test_bad_dpi_is_a_clear_error(slogan_figure, tmp_path, dpi):
    with pytest.raises(InputError, match="dpi must be a number from 72 to 1200"):
        save_figure(slogan_figure, "x", folder=tmp_path, dpi=dpi)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("character", ["\ue000", "\U00017000"])
@pytest.mark.parametrize("where", ["title", "ticks"])
def test_uncovered_character_raises_instead_of_drawing_a_box(tmp_path, character, where):
    fig = chinese_figure(f"民主{character}", where=where)
    try:
        with pytest.raises(MissingGlyphError) as caught:
            save_figure(fig, "boxes", folder=tmp_path)
    finally:
        plt.close(fig)
    assert caught.value.missing == (character,)
    assert f"U+{ord(character):04X}" in str(caught.value)
    assert not any(tmp_path.iterdir())  # nothing written, not even a temporary file


def test_check_glyphs_catches_a_character_matplotlib_warned_about_before():
    # matplotlib warns once per font and character; the character-map check does not forget.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        earlier = chinese_figure("一把手\ue000")
        earlier.draw_without_rendering()
    later = chinese_figure("一把手\ue000")
    try:
        with pytest.raises(MissingGlyphError, match="U\\+E000"):
            check_glyphs(later)
    finally:
        plt.close(earlier)
        plt.close(later)


@pytest.mark.parametrize("formats", [("png",), ("svg", "pdf")])
def test_save_catches_a_character_matplotlib_warned_about_before(tmp_path, formats):
    """save_figure checks the text on its first export's drawing, with the character maps too:
    matplotlib's warning, given once per font and character, has already been spent."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        earlier = chinese_figure("团结\ue001")
        earlier.draw_without_rendering()
    later = chinese_figure("团结\ue001")
    try:
        with pytest.raises(MissingGlyphError, match="U\\+E001"):
            save_figure(later, "late", folder=tmp_path, formats=formats)
    finally:
        plt.close(earlier)
        plt.close(later)
    assert not any(tmp_path.iterdir())  # nothing written, not even a temporary file


def test_check_glyphs_passes_mathtext_and_a_good_figure(slogan_figure):
    slogan_figure.axes[0].set_xlabel(r"$\chi^2$ keyness")
    check_glyphs(slogan_figure)


def test_figure_built_without_a_cjk_font_is_refused(tmp_path):
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("团结")
    try:
        with pytest.raises(MissingGlyphError, match="团"):
            save_figure(fig, "latin_only", folder=tmp_path)
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../x", "x"),
        ("a/b", "a_b"),
        ("民主集中制:2007", "民主集中制_2007"),
        ("..\\..\\windows", "windows"),
        ("/etc/passwd", "etc_passwd"),
        ('a<b>c"d|e?f*g', "a_b_c_d_e_f_g"),
        ("tab\tnew\nline\x00nul", "tab_new_line_nul"),
        ("evil\u202egnp.exe", "evil_gnp.exe"),
        ("CON", "CON_"),
        ("nul.tar", "nul.tar_"),
        (" 领导班子 . ", "领导班子"),
        ("gwr_1998", "gwr_1998"),
    ],
)
def test_safe_figure_name(name, expected):
    assert safe_figure_name(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "..", "///", "\x00\x01"])
def test_empty_names_are_refused(name):
    with pytest.raises(InputError, match="no usable characters"):
        safe_figure_name(name)


def test_absurdly_long_names_are_refused():
    with pytest.raises(InputError, match="at most 180 bytes"):
        safe_figure_name("领导班子" * 20)
    with pytest.raises(TypeError, match="must be a string"):
        safe_figure_name(None)


@pytest.mark.parametrize(
    ("name", "stem"), [("../x", "x"), ("a/b", "a_b"), ("民主集中制:2007", "民主集中制_2007")]
)
def test_saved_names_stay_in_the_folder(slogan_figure, tmp_path, name, stem):
    folder = tmp_path / "figures"
    paths = save_figure(slogan_figure, name, folder=folder, formats=("png",))
    assert paths == [folder.resolve() / f"{stem}.png"]
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{stem}.png"]


def test_a_format_extension_in_the_name_is_dropped(slogan_figure, tmp_path):
    [path] = save_figure(slogan_figure, "counts.pdf", folder=tmp_path, formats="pdf")
    assert path.name == "counts.pdf"


@pytest.mark.parametrize("formats", [("png", "jpg"), ("eps",), ["tiff"]])
def test_unknown_format_is_a_clear_error(slogan_figure, tmp_path, formats):
    with pytest.raises(InputError, match=r"unknown figure format .*use any of png, pdf, svg"):
        save_figure(slogan_figure, "x", folder=tmp_path, formats=formats)
    assert not any(tmp_path.iterdir())


def test_formats_are_normalised_and_deduplicated(slogan_figure, tmp_path):
    paths = save_figure(slogan_figure, "x", folder=tmp_path, formats=("PDF", ".svg", "pdf"))
    assert [p.name for p in paths] == ["x.pdf", "x.svg"]
    with pytest.raises(InputError, match="no figure format given"):
        save_figure(slogan_figure, "x", folder=tmp_path, formats=())


def test_not_a_figure_is_a_type_error(tmp_path):
    with pytest.raises(TypeError, match="expected a matplotlib Figure"):
        save_figure("figure", "x", folder=tmp_path)


def test_overwrite_is_atomic_and_leaves_no_temporary_files(slogan_figure, tmp_path):
    [old] = save_figure(slogan_figure, "fig", folder=tmp_path, formats=("svg",))
    before = old.read_bytes()
    slogan_figure.axes[0].set_title("领导班子")
    save_figure(slogan_figure, "fig", folder=tmp_path, formats=("svg",))
    assert old.read_bytes() != before
    # A failed save leaves the previous file as it was.
    slogan_figure.axes[0].set_title("领导班子\ue000")
    latest = old.read_bytes()
    with pytest.raises(MissingGlyphError):
        save_figure(slogan_figure, "fig", folder=tmp_path, formats=("svg",))
    assert old.read_bytes() == latest
    assert [p.name for p in tmp_path.iterdir()] == ["fig.svg"]


def test_oversized_pdf_warns_with_advice(tmp_path):
    with figure_style():
        fig, ax = plt.subplots(figsize=figure_size("single"))
        noise = np.random.default_rng(0).random((1000, 1000, 3))
        ax.imshow(noise, interpolation="none")
        ax.set_title("团结")
    try:
        with pytest.warns(FigureSizeWarning, match="rasterized=True"):
            [pdf] = save_figure(fig, "noise", folder=tmp_path, formats=("pdf",))
    finally:
        plt.close(fig)
    assert pdf.stat().st_size > MAX_PDF_BYTES


def test_other_matplotlib_warnings_reach_the_caller(tmp_path):
    with figure_style():
        fig, ax = plt.subplots(figsize=(0.4, 0.3))  # too small for its labels
        ax.set_title("团结 民主集中制 一把手")
        ax.set_ylabel("Mentions per 10,000 characters")
    try:
        with pytest.warns(UserWarning, match="constrained_layout not applied"):
            save_figure(fig, "tiny", folder=tmp_path, formats=("png",))
    finally:
        plt.close(fig)


def test_a_path_is_taken_as_savefig_takes_it_and_the_result_says_where(slogan_figure, tmp_path, monkeypatch):
    """`save_figure(fig, "/some/dir/name")` writes /some/dir/name.{png,pdf,svg}, not
    figures/some_dir_name.*; an extension alone chooses the format, as for Figure.savefig."""
    monkeypatch.chdir(tmp_path)
    paths = save_figure(slogan_figure, str(tmp_path / "paper" / "fig1"))
    assert [p.name for p in paths] == ["fig1.png", "fig1.pdf", "fig1.svg"]
    assert all(p.parent == (tmp_path / "paper").resolve() and p.is_file() for p in paths)
    assert repr(paths) == f"saved fig1.png, fig1.pdf, fig1.svg in {(tmp_path / 'paper').resolve()}"
    [pdf] = save_figure(slogan_figure, "drafts/fig2.pdf")  # relative to the working folder
    assert pdf == (tmp_path / "drafts" / "fig2.pdf").resolve()
    [svg] = save_figure(slogan_figure, tmp_path / "fig3.svg")  # a Path
    assert svg.name == "fig3.svg"
    both = save_figure(slogan_figure, "fig4.png", formats=("png", "svg"))
    assert [p.name for p in both] == ["fig4.png", "fig4.svg"]
    assert not (tmp_path / "figures").exists()  # nothing went to the default folder
    [named] = save_figure(slogan_figure, "counts", formats="png")  # a bare name: figures/
    assert named == (tmp_path / "figures" / "counts.png").resolve()
