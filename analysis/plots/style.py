"""One style for every figure: fonts that draw Chinese, print sizes, colour-blind-safe colours.

Build figures inside :func:`figure_style` (or call :func:`apply_figure_style` once in a notebook)
and size them with :func:`figure_size`, so the text sizes below are the sizes in print. Convention:
axis titles in English (``"Mentions per 10,000 characters"``), tick labels and legends in Chinese
(``团结``, ``民主集中制``); the font stack draws both.

Choices, briefly:

* Fonts: the resolved CJK font (see :mod:`analysis.plots.fonts`) first, so Latin, digits and
  Chinese punctuation in one label share one design; DejaVu Sans (shipped with matplotlib) as the
  fallback for anything the CJK font lacks. ``axes.unicode_minus`` is off because several CJK
  fonts have no U+2212 MINUS SIGN.
* Embedding: PDF and PS use TrueType/CID fonts (type 42; subset, searchable text). SVG text is
  stored as paths, so the file looks the same on a machine without the font (journal systems,
  co-authors' browsers); ``'none'`` would keep text editable but show a substitute font, or
  boxes, wherever Noto Sans CJK is not installed.
* Colour: Okabe–Ito, ordered so the first three series differ strongly in lightness too (they stay
  apart in grayscale print), paired in the property cycle with line styles; use :data:`MARKERS`
  and :data:`HATCHES` (or :func:`series_style`) where colour alone would carry meaning. Yellow is
  left out: too light for lines on white.
* Colormaps: ``cividis`` (sequential; colour-blind-safe and monotonic in lightness, so it survives
  grayscale) and ``PuOr_r`` (diverging, e.g. keyness: purple for under-use, orange for over-use;
  ColorBrewer rates it colour-blind-safe). Centre it on zero with
  ``matplotlib.colors.CenteredNorm()``; in grayscale the two sides look alike, so show the sign
  by position or a label too.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import matplotlib as mpl
from cycler import cycler

from analysis.errors import InputError
from analysis.plots.fonts import font_stack

ColumnWidth = Literal["single", "double"]

COLUMN_WIDTH_INCHES: dict[str, float] = {"single": 3.5, "double": 7.0}
# Taller than a journal's text block cannot be printed at full size.
MAX_FIGURE_HEIGHT_INCHES = 9.0
GOLDEN_ASPECT = 0.618

# Okabe & Ito (2008), ordered for lightness contrast (CIE L*: 46, 71, 0, 70, 54, 58, 61).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#000000",  # black
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
)
# Solid, dashed, dotted, dash-dot, dash-dot-dot, sparse dots, long dashes.
LINESTYLES: tuple[Any, ...] = (
    "-",
    "--",
    ":",
    "-.",
    (0, (5, 1, 1, 1, 1, 1)),
    (0, (1, 3)),
    (0, (8, 3)),
)
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")
HATCHES: tuple[str, ...] = ("", "///", "...", "xxx", "\\\\\\", "+++", "ooo")
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "PuOr_r"

EXPORT_DPI = 300


def figure_size(
    width: ColumnWidth = "single", aspect: float = GOLDEN_ASPECT
) -> tuple[float, float]:
    """(width, height) in inches for a single- (3.5 in) or double-column (7 in) figure.

    ``aspect`` is height / width; the default is the golden ratio's 0.618.
    """
    if width not in COLUMN_WIDTH_INCHES:
        raise InputError(
            f"figure width {width!r} is unknown: use 'single' (3.5 in) or 'double' (7 in)"
        )
    if isinstance(aspect, bool) or not isinstance(aspect, int | float) or not math.isfinite(aspect):
        raise InputError(f"aspect must be a finite number (height / width), got {aspect!r}")
    inches = COLUMN_WIDTH_INCHES[width]
    if aspect <= 0 or inches * aspect > MAX_FIGURE_HEIGHT_INCHES:
        raise InputError(
            f"aspect {aspect} gives a height of {inches * aspect:.2f} in for a {width}-column "
            f"figure: use an aspect above 0 and at most {MAX_FIGURE_HEIGHT_INCHES / inches:.2f}"
        )
    return inches, inches * aspect


def check_width(width: object, caller: str) -> str:
    """``width`` if it is a journal column, 'single' or 'double'; else an InputError naming
    ``caller``. (The one check of the figures that :mod:`analysis.checks` has no place for: it
    says what the two widths are.)"""
    if not isinstance(width, str) or width not in COLUMN_WIDTH_INCHES:
        raise InputError(
            f"{caller}: width {width!r} is unknown: use 'single' or 'double' (a 3.5 in or 7 in "
            "column)"
        )
    return width


def text_ems(text: str) -> float:
    """Approximate width of ``text`` in ems: a CJK character is 1, a Latin one about 0.55."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)


def fit_text(text: str, width_in: float, points: float, *, strip: str = "、，,;； ") -> str:
    """``text`` cut to about ``width_in`` inches at ``points`` size, ending in "…" (trailing
    ``strip`` characters dropped before it)."""
    room = max(width_in * 72 / points, 3)
    if text_ems(text) <= room:
        return text
    kept, used = [], 0.0
    for ch in text:
        used += text_ems(ch)
        if used > room - 1:
            break
        kept.append(ch)
    return "".join(kept).rstrip(strip) + "…"


NO_LINE_START = frozenset("、，。；：！？）」』】》〉”’…,.;:!?)")
BREAK_AFTER = frozenset("、，；， _-")


def wrap_text(text: str, width_in: float, points: float, *, max_lines: int = 2) -> str:
    """``text`` broken into lines of about ``width_in`` inches at ``points`` size, at most
    ``max_lines`` of them, the last shortened with "…" when the text is longer still. Lines
    break after an enumeration comma where that still fits in ``max_lines`` (求发展 stays
    whole), else between any two characters; no line starts with a comma or a closing mark
    (kinsoku): such a character stays at the line's end."""
    room = max(width_in * 72 / points, 3)
    if text_ems(text) <= room:
        return text
    lines = _broken_lines(text, room, at_commas=True)
    if len(lines) > max_lines:
        lines = _broken_lines(text, room, at_commas=False)
    if len(lines) <= max_lines:
        return "\n".join(lines)
    rest = "".join(lines[max_lines - 1 :])
    return "\n".join([*lines[: max_lines - 1], fit_text(rest, width_in, points)])


def _broken_lines(text: str, room: float, *, at_commas: bool) -> list[str]:
    lines, current, used = [], [], 0.0
    for ch in text:
        if used + text_ems(ch) > room and current and ch not in NO_LINE_START:
            cut = len(current)
            if at_commas:
                cut = max((k + 1 for k, c in enumerate(current) if c in BREAK_AFTER), default=0)
                cut = cut if cut * 2 >= len(current) else len(current)
            lines.append("".join(current[:cut]))
            current = current[cut:]
            used = text_ems("".join(current))
        current.append(ch)
        used += text_ems(ch)
    lines.append("".join(current))
    return lines


def wrap_note(text: str, width_in: float, points: float = 7) -> str:
    """A note under a figure broken into lines of about ``width_in`` inches at ``points``:
    at spaces where it has them (English), else between characters (Chinese, by
    :func:`wrap_text` rules); the note's own line breaks are kept."""
    room = max(width_in * 72 / points, 3)
    lines = []
    for paragraph in text.split("\n"):
        if " " in paragraph.strip():
            lines.extend(textwrap.wrap(paragraph, width=max(int(room / 0.55), 10)) or [""])
        else:
            lines.append(wrap_text(paragraph, width_in, points, max_lines=10))
    return "\n".join(lines)


def legend_columns(
    labels: Sequence[str], width_in: float, *, points: float = 7, max_columns: int = 5
) -> int:
    """The most legend columns (at most ``max_columns``) whose entries, each with its handle,
    fit across ``width_in`` inches."""
    widths = [text_ems(label) * points / 72 + 0.5 for label in labels]
    for columns in range(min(len(labels), max_columns), 1, -1):
        # Matplotlib fills a legend column by column, the first columns one entry longer.
        rows, longer = divmod(len(labels), columns)
        sizes = [rows + 1] * longer + [rows] * (columns - longer)
        starts = [sum(sizes[:k]) for k in range(columns + 1)]
        needed = sum(max(widths[a:b]) for a, b in itertools.pairwise(starts))
        if needed <= width_in - 0.2:
            return columns
    return 1


def series_style(index: int) -> dict[str, Any]:
    """Colour, line style, marker and hatch of the ``index``-th series (cycling), for grayscale."""
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise InputError(f"series index must be a non-negative integer, got {index!r}")
    return {
        "color": PALETTE[index % len(PALETTE)],
        "linestyle": LINESTYLES[index % len(LINESTYLES)],
        "marker": MARKERS[index % len(MARKERS)],
        "hatch": HATCHES[index % len(HATCHES)],
    }


def export_rc_params() -> dict[str, Any]:
    """The settings every exported file needs: fonts that draw Chinese, and how they are embedded.

    :func:`analysis.plots.save_figure` applies these while saving, so tick labels created at
    save time also use the CJK font, even for a figure built outside :func:`figure_style`.
    """
    fonts = font_stack()
    return {
        "font.family": fonts,
        "font.sans-serif": fonts,
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "path",
        "svg.hashsalt": "analysis",  # stable element ids, so re-exports diff cleanly
    }


def style_rc_params() -> dict[str, Any]:
    """All rcParams of the project style (the export settings plus sizes, colours and layout)."""
    return {
        **export_rc_params(),
        "figure.figsize": figure_size("single"),
        "figure.dpi": 100,
        "figure.constrained_layout.use": True,  # labels fit without changing the figure's size
        "figure.facecolor": "white",
        "savefig.dpi": EXPORT_DPI,
        "savefig.facecolor": "white",
        "savefig.bbox": None,  # keep the exact column width; constrained layout does the fitting
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.labelsize": 8,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "legend.fontsize": 7,
        "legend.title_fontsize": 8,
        "figure.titlesize": 9,
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": cycler(color=PALETTE) + cycler(linestyle=LINESTYLES),
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.major.size": 3,
        "ytick.major.size": 3,
        "lines.linewidth": 1.2,
        "lines.markersize": 4,
        "patch.linewidth": 0.6,
        "hatch.linewidth": 0.6,
        "grid.linewidth": 0.4,
        "grid.color": "0.85",
        "legend.frameon": False,
        "image.cmap": SEQUENTIAL_CMAP,
    }


@contextmanager
def figure_style() -> Iterator[None]:
    """Apply the project style inside a ``with`` block; rcParams are restored afterwards."""
    with mpl.rc_context(style_rc_params()):
        yield


def apply_figure_style() -> None:
    """Apply the project style for the rest of the session (e.g. at the top of a notebook)."""
    mpl.rcParams.update(style_rc_params())
