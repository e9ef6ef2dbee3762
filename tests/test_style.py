"""The figure style: sizes, fonts, embedding settings and a palette that survives grayscale."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_rgb

from analysis.errors import InputError
from analysis.plots import (
    DIVERGING_CMAP,
    FONT_ENV_VAR,
    HATCHES,
    LINESTYLES,
    MARKERS,
    PALETTE,
    SEQUENTIAL_CMAP,
    apply_figure_style,
    check_glyphs,
    export_rc_params,
    figure_size,
    figure_style,
    font_files_for,
    resolve_cjk_font,
    series_style,
    style_rc_params,
)


@pytest.fixture(autouse=True)
def default_font_setting(monkeypatch):
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)


def lightness(colour: str) -> float:
    """CIE L* (0 black .. 100 white): what a colour becomes in grayscale print."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


@pytest.mark.parametrize(
    ("width", "aspect", "expected"),
    [("single", 0.5, (3.5, 1.75)), ("double", 0.5, (7.0, 3.5)), ("single", 1, (3.5, 3.5))],
)
def test_figure_size(width, aspect, expected):
    assert figure_size(width, aspect) == pytest.approx(expected)


def test_figure_size_default_is_single_column_golden():
    width, height = figure_size()
    assert width == 3.5 and height == pytest.approx(3.5 * 0.618)


@pytest.mark.parametrize(
    ("width", "aspect", "message"),
    [
        ("triple", 0.6, "use 'single'"),
        ("single", 0, "above 0"),
        ("single", -1, "above 0"),
        ("double", 2, "at most 1.29"),
        ("single", math.nan, "finite number"),
        ("single", "wide", "finite number"),
    ],
)
def test_figure_size_rejects_bad_arguments(width, aspect, message):
    with pytest.raises(InputError, match=message):
        figure_size(width, aspect)


def test_export_settings_embed_fonts_and_keep_svg_self_contained():
    params = export_rc_params()
    assert params["pdf.fonttype"] == 42 and params["ps.fonttype"] == 42
    assert params["svg.fonttype"] == "path"
    assert params["axes.unicode_minus"] is False
    assert params["font.family"] == [
        f"{resolve_cjk_font().family} Common", resolve_cjk_font().family, "DejaVu Sans"
    ]


def test_style_applies_inside_the_block_only():
    before = dict(mpl.rcParams)
    with figure_style():
        assert mpl.rcParams["pdf.fonttype"] == 42
        assert mpl.rcParams["font.family"][:2] == ["Noto Sans CJK SC Common", "Noto Sans CJK SC"]
        fig = plt.figure()
        assert tuple(fig.get_size_inches()) == pytest.approx(figure_size("single"))
        assert fig.get_layout_engine() is not None  # constrained layout keeps labels inside
        plt.close(fig)
    assert dict(mpl.rcParams) == before


def test_apply_figure_style_sets_the_session_style():
    with mpl.rc_context():
        apply_figure_style()
        assert mpl.rcParams["svg.fonttype"] == "path"
        assert mpl.rcParams["image.cmap"] == SEQUENTIAL_CMAP


def test_text_is_legible_at_print_size():
    params = style_rc_params()
    sizes = {key: value for key, value in params.items() if key.endswith("size")
             and isinstance(value, int | float) and "tick.major" not in key
             and key != "lines.markersize"}
    assert sizes and all(value >= 6 for value in sizes.values()), sizes


def test_english_axis_titles_and_chinese_ticks_use_the_cjk_font():
    with figure_style():
        fig, ax = plt.subplots(figsize=figure_size("single"))
        ax.bar(["团结", "民主集中制", "一把手"], [12, -7, 3])
        ax.set_xlabel("Slogan")
        ax.set_ylabel("Mentions per 10,000 characters")
        check_glyphs(fig)  # draws; raises if any label would show a box
        cjk = str(resolve_cjk_font().path)
        ticks = [label for label in ax.get_xticklabels() if label.get_text()]
        assert [label.get_text() for label in ticks] == ["团结", "民主集中制", "一把手"]
        for text in [*ticks, ax.xaxis.label, ax.yaxis.label]:
            # the CJK font's common face (a subset quick to embed), then the font itself
            common, full, _ = font_files_for(text.get_fontproperties())
            assert Path(common[0]).name.startswith(Path(cjk).stem) and full[0] == cjk
        # Negative ticks use the ASCII hyphen, which every font has.
        y_labels = [label.get_text() for label in ax.get_yticklabels()]
        assert any(label.startswith("-") for label in y_labels)
        assert not any("\u2212" in label for label in y_labels)
    plt.close(fig)


def test_palette_is_okabe_ito_without_yellow():
    okabe_ito = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                 "#CC79A7"}
    assert set(PALETTE) <= okabe_ito and "#F0E442" not in PALETTE
    assert len(set(PALETTE)) == len(PALETTE)


def test_first_series_stay_apart_in_grayscale_and_all_show_on_white():
    first_three = [lightness(colour) for colour in PALETTE[:3]]
    gaps = [abs(a - b) for i, a in enumerate(first_three) for b in first_three[i + 1:]]
    assert min(gaps) >= 20, first_three
    assert all(100 - lightness(colour) >= 25 for colour in PALETTE)


def test_grayscale_cues_cycle_with_the_colours():
    assert len(PALETTE) == len(LINESTYLES) == len(MARKERS) == len(HATCHES)
    assert len(set(map(str, LINESTYLES))) == len(LINESTYLES)
    cycle = list(style_rc_params()["axes.prop_cycle"])
    assert [entry["color"] for entry in cycle] == list(PALETTE)
    assert series_style(len(PALETTE)) == series_style(0)
    assert series_style(1)["hatch"] == HATCHES[1]
    with pytest.raises(InputError, match="non-negative integer"):
        series_style(-1)


def test_colormaps_exist():
    assert mpl.colormaps[SEQUENTIAL_CMAP].name == SEQUENTIAL_CMAP
    diverging = mpl.colormaps[DIVERGING_CMAP]
    # Diverging: both ends darker than the light middle.
    assert lightness(diverging(0.5)[:3]) > max(lightness(diverging(0.0)[:3]),
                                             lightness(diverging(1.0)[:3]))
