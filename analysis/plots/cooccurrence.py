"""Slogan × slogan co-occurrence heatmaps: small multiples by unit (rows) and document (columns).

Draws the table of :func:`analysis.measures.cooccurrence.textstat_slogan_cooccurrence`
(``slogan_cooccurrence.csv``). A cell (a, b) counts the units (sentences, paragraphs, …)
containing both slogans; every panel shares one colour scale, so a dark cell means the same
count everywhere. Zero cells are white. The diagonal (units containing the slogan at all) is on
another scale, so it is greyed out and, when counts are written in, given in grey.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.checks import (
    check_bool,
    check_choice,
    check_int,
    check_optional_string,
    require_columns,
)
from analysis.errors import InputError
from analysis.plots.labels import FigureLanguage, check_language, figure_text
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    MAX_FIGURE_HEIGHT_INCHES,
    SEQUENTIAL_CMAP,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
    fit_text,
    text_ems,
    wrap_text,
)

Unit = Literal["sentence", "paragraph", "document", "window"]
TABLE_COLUMNS = ("scope", "doc_id", "unit", "slogan_a", "slogan_b", "count", "n_a", "jaccard")
UNITS = ("sentence", "paragraph", "document", "window")  # named in the figure's language
CORPUS_LABEL = "All documents"  # the key of the corpus column (its title follows the language)
# Reversed so that more co-occurrence is darker, in colour and in grayscale.
CMAP = f"{SEQUENTIAL_CMAP}_r"
DIAGONAL_COLOUR = "0.85"
ANNOTATE_MAX_SLOGANS = 8  # beyond this the cells are too small for numbers
# Cells of at least 8 pt keep 6-pt slogan names legible, and numbers need a little more;
# documents wrap onto more rows if needed.
MIN_CELL_INCHES = {"plain": 0.11, "count": 0.115, "jaccard": 0.17}
MIN_TICK_POINTS, MAX_TICK_POINTS = 5.5, 7.0
PANEL_GAP = 0.08  # inches between panels
MAX_CELL_INCHES = 0.5  # larger cells only spread a few slogans over a page
COLOURBAR_INCHES = 0.75  # the colour bar with its ticks and label
# Slogan tick labels: up to eight slogans get two lines of up to 10 characters where the cells
# are tall enough (集体领导、民主集中、 / 个别酝酿、会议决定); more slogans, or smaller cells,
# one line of up to 5 characters ending in "…", so that the matrices keep their room.
LABEL_LINE_EMS = 10
SHORT_LABEL_EMS = 5


def textplot_slogan_cooccurrence(
    cooccurrence_table: pd.DataFrame,
    *,
    units: Sequence[Unit] = ("sentence", "paragraph"),
    value: Literal["count", "jaccard"] = "count",
    slogans: str | Sequence[str] | None = None,
    doc_ids: Sequence[str] | None = None,
    include_corpus: bool = False,
    annotate: bool | None = None,
    width: ColumnWidth = "double",
    ncols: int | None = None,
    doc_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """Heatmaps of slogan co-occurrence: one row of panels per unit, one column per document.

    ``cooccurrence_table`` is the table of ``textstat_slogan_cooccurrence``; its document rows
    are drawn (``doc_ids`` selects and orders them; default: the table's order), and with
    ``include_corpus`` its pooled corpus rows as a last column. ``units`` are the table's units
    to show, one row of panels each. ``value="count"`` colours cells by the number of units
    containing both slogans; ``"jaccard"`` by units with both over units with either (0–1).
    All panels share one colour scale (one colour bar); zero cells are white.

    ``slogans`` selects and orders rows and columns of every matrix (default: every slogan that
    occurs in a shown unit, in the table's lexicon order). ``annotate`` writes the values into
    the cells (default: when at most 8 slogans are shown); the diagonal (hatched) then gives, in
    grey, the number of units containing the slogan. ``doc_labels`` maps doc ids to panel titles.
    Long slogan names wrap onto two lines where the cells are tall enough, long panel titles
    too; ``language`` (``"en"`` or ``"zh"``) is that of the unit names and the colour bar.

    Layout: rows of panels per unit, documents across; when the matrices would have cells under
    0.11 in (too small for their slogan names), documents wrap onto further rows (``ncols``
    sets the panels per row).
    """
    caller = "textplot_slogan_cooccurrence"
    table, units = _checked(cooccurrence_table, units, value, include_corpus, annotate, width,
                            doc_labels, title, language, caller)
    columns = _columns(table, doc_ids, include_corpus, caller)
    shown = table[table["unit"].isin(units)]
    chosen = _chosen_slogans(shown, columns, slogans, caller)
    matrices = {
        (unit, key): _matrix(shown, unit, scope, doc_id, chosen, value)
        for unit in units
        for key, (scope, doc_id) in columns.items()
    }
    if annotate is None:
        annotate = len(chosen) <= ANNOTATE_MAX_SLOGANS
    layout = _layout(chosen, list(columns), units, value, annotate, width, ncols, doc_labels,
                     title, language, caller)
    return _draw(matrices, layout, value, annotate, width, title, language)


@dataclass(frozen=True)
class _Layout:
    """The grid of panels: ``places`` maps (unit, column key) to (row, column) of ``n_rows`` ×
    ``ncols`` square panels ``panel`` inches wide, on a figure ``size`` inches."""

    labels: list[str]  # slogan tick labels
    tick_points: float
    titles: dict[str, str]  # column key → panel title
    places: dict[tuple[str, str], tuple[int, int]]
    n_rows: int
    ncols: int
    size: tuple[float, float]
    fig_height: float  # as computed (``size`` went through figure_size)


# --- checks -------------------------------------------------------------------------------------


def _checked(
    table: object,
    units: object,
    value: object,
    include_corpus: object,
    annotate: object,
    width: object,
    doc_labels: object,
    title: object,
    language: object,
    caller: str,
) -> tuple[pd.DataFrame, list[str]]:
    """The table, and the units to show (each once, in the order given)."""
    check_language(language, caller)
    table = _validated(table, caller)
    if isinstance(units, str):
        units = (units,)
    units = list(dict.fromkeys(units))
    present_units = list(dict.fromkeys(table["unit"].astype(str)))
    bad_units = [u for u in units if u not in present_units]
    if not units or bad_units:
        raise InputError(
            f"{caller}: unit(s) {', '.join(map(repr, bad_units)) or '(none given)'} not in the "
            f"table; it has {', '.join(present_units)}"
        )
    check_choice(value, "value", caller, ("count", "jaccard"))
    check_bool(include_corpus, "include_corpus", caller)
    if annotate is not None and not isinstance(annotate, bool):
        raise InputError(f"{caller}: annotate must be True, False or None (automatic)")
    check_width(width, caller)
    if doc_labels is not None and not isinstance(doc_labels, Mapping):
        raise InputError(f"{caller}: doc_labels must map doc ids to column titles")
    check_optional_string(title, "title", caller)
    return table, units


def _validated(table: object, caller: str) -> pd.DataFrame:
    require_columns(
        table,
        TABLE_COLUMNS,
        caller,
        name="the co-occurrence table",
        source="the table of analysis.measures.cooccurrence.textstat_slogan_cooccurrence",
    )
    if table.empty:
        raise InputError(
            f"{caller}: the co-occurrence table is empty; build it with "
            "textstat_slogan_cooccurrence from a corpus with slogan mentions"
        )
    return table


# --- layout data --------------------------------------------------------------------------------


def _layout(
    chosen: Sequence[str],
    keys: Sequence[str],
    units: Sequence[str],
    value: str,
    annotate: bool,
    width: ColumnWidth,
    ncols: int | None,
    doc_labels: Mapping[str, str] | None,
    title: str | None,
    language: FigureLanguage,
    caller: str,
) -> _Layout:
    """Panel size, tick labels and titles, and the grid: rows of panels per unit, documents
    across, wrapping onto further rows when cells would be too small for slogan names."""
    n_slogans, n_docs = len(chosen), len(keys)
    fig_width = COLUMN_WIDTH_INCHES[width]
    few = n_slogans <= ANNOTATE_MAX_SLOGANS
    labels = [_tick_label(s, few=few) for s in chosen]
    # Room for the panels: the figure less the row labels and the colour bar.
    available = (fig_width - (_longest_line(labels) * MAX_TICK_POINTS / 72 + 0.3)
                 - COLOURBAR_INCHES)
    if ncols is None:
        smallest = MIN_CELL_INCHES[value if annotate else "plain"]
        ncols = max(1, min(n_docs, int(available // (n_slogans * smallest + PANEL_GAP))))
        ncols = -(-n_docs // -(-n_docs // ncols))  # balanced rows: 6 panels as 3 + 3, not 5 + 1
    ncols = min(check_int(ncols, "ncols", caller, minimum=1), n_docs)
    # Few documents would make each panel as wide as the page (one document: two panels a page
    # tall each); a cell larger than MAX_CELL_INCHES shows nothing more.
    panel = min(available / ncols - PANEL_GAP, n_slogans * MAX_CELL_INCHES)
    tick_points = float(np.clip(panel / n_slogans * 72 * 0.8, MIN_TICK_POINTS, MAX_TICK_POINTS))
    if few and any("\n" in label for label in labels):
        # Two lines of tick text per cell: smaller text if need be, else one line.
        two_lines = panel / n_slogans * 72 / (2 * 1.2)
        if two_lines >= MIN_TICK_POINTS:
            tick_points = min(tick_points, two_lines)
        else:
            labels = [_tick_label(s, few=False) for s in chosen]
    titles = {
        key: wrap_text(
            str(figure_text("all_documents", language) if key == CORPUS_LABEL
                else (doc_labels or {}).get(key, key)),
            panel + 0.1, 7, max_lines=2,
        )
        for key in keys
    }
    title_inches = 0.12 * max(t.count("\n") for t in titles.values())
    rows_per_unit = -(-n_docs // ncols)
    n_rows = len(units) * rows_per_unit
    label_inches = _longest_line(labels) * tick_points / 72 + 0.1
    fig_height = (n_rows * (panel + 0.22 + title_inches) + label_inches + 0.15
                  + (0.25 if title else 0.0))
    if fig_height > MAX_FIGURE_HEIGHT_INCHES:
        raise InputError(
            f"{caller}: {len(units)} unit(s) × {n_docs} documents × {n_slogans} slogans need a "
            f"figure {fig_height:.1f} in tall, more than a page: show fewer slogans "
            "(slogans=[...]), units or documents, or more panels per row (ncols=...)"
        )
    # Panel (unit u, document k) sits in row u × rows_per_unit + k // ncols, column k % ncols.
    places = {
        (unit, key): (u * rows_per_unit + k // ncols, k % ncols)
        for u, unit in enumerate(units)
        for k, key in enumerate(keys)
    }
    # capped panels need less than the column: the figure shrinks to them, not a blank margin
    used_width = fig_width - available + ncols * (panel + PANEL_GAP)
    size = figure_size(width, fig_height / fig_width)
    return _Layout(labels, tick_points, titles, places, n_rows, ncols,
                   (min(size[0], used_width), size[1]), fig_height)


def _columns(
    table: pd.DataFrame, doc_ids: Sequence[str] | None, include_corpus: bool, caller: str
) -> dict[str, tuple[str, str]]:
    """Panel columns: key → (scope, doc_id) of the table rows they draw."""
    present = list(dict.fromkeys(table.loc[table["scope"] == "document", "doc_id"].astype(str)))
    if doc_ids is None:
        order = present
    else:
        order = [doc_ids] if isinstance(doc_ids, str) else [str(d) for d in doc_ids]
        unknown = [d for d in order if d not in present]
        if unknown or not order:
            raise InputError(
                f"{caller}: unknown doc_id {', '.join(map(repr, unknown)) or '(none given)'}; "
                f"the table has document rows for {', '.join(present) or 'no document'}"
            )
    columns = {d: ("document", d) for d in order}
    if include_corpus:
        if not (table["scope"] == "corpus").any():
            raise InputError(f"{caller}: the table has no corpus rows; pass include_corpus=False")
        columns[CORPUS_LABEL] = ("corpus", "")
    if not columns:
        raise InputError(
            f"{caller}: the table has no document rows (per_document=False?); pass "
            "include_corpus=True or build it with per_document=True"
        )
    return columns


def _chosen_slogans(
    table: pd.DataFrame,
    columns: Mapping[str, tuple[str, str]],
    slogans: str | Sequence[str] | None,
    caller: str,
) -> list[str]:
    known = list(dict.fromkeys(table["slogan_a"].astype(str)))
    if slogans is not None:
        wanted = [slogans] if isinstance(slogans, str) else [str(s) for s in slogans]
        unknown = [s for s in wanted if s not in known]
        if unknown or not wanted:
            raise InputError(
                f"{caller}: unknown slogan(s) {', '.join(map(repr, unknown)) or '(none given)'}; "
                f"the table has {', '.join(known)}"
            )
        return list(dict.fromkeys(wanted))
    in_columns = pd.Series(False, index=table.index)
    for scope, doc_id in columns.values():
        in_columns |= (table["scope"] == scope) & (table["doc_id"].astype(str) == doc_id)
    diagonal = table[in_columns & (table["slogan_a"] == table["slogan_b"]) & (table["count"] > 0)]
    occurring = set(diagonal["slogan_a"].astype(str))
    chosen = [s for s in known if s in occurring]
    if not chosen:
        raise InputError(f"{caller}: no slogan occurs in the units and documents shown")
    return chosen


def _matrix(
    table: pd.DataFrame, unit: str, scope: str, doc_id: str, slogans: Sequence[str], value: str
) -> tuple[np.ndarray, np.ndarray]:
    """The square matrix of ``value`` (NaN where a pair has no row) and the diagonal counts."""
    rows = table[(table["unit"] == unit) & (table["scope"] == scope)
                 & (table["doc_id"].astype(str) == doc_id)]
    square = rows.pivot_table(index="slogan_a", columns="slogan_b", values=value, aggfunc="first")
    square = square.reindex(index=list(slogans), columns=list(slogans))
    diagonal = rows[rows["slogan_a"] == rows["slogan_b"]].set_index("slogan_a")["n_a"]
    return (square.to_numpy(dtype=float),
            diagonal.reindex(list(slogans)).fillna(0).to_numpy(dtype=float))


def _norm(value: str, top: float) -> tuple[Normalize, list[float] | None]:
    if value == "jaccard":
        return Normalize(0, 1), None
    top = max(int(np.ceil(top)), 1)
    if top <= 10:  # whole counts: one colour per count, ticks in the middle of each
        bounds = np.arange(0.5, top + 1.5)
        return BoundaryNorm(bounds, ncolors=256), list(range(1, top + 1))
    return Normalize(0.5, top), None


# --- drawing ------------------------------------------------------------------------------------


def _draw(
    matrices: Mapping[tuple[str, str], tuple[np.ndarray, np.ndarray]],
    layout: _Layout,
    value: str,
    annotate: bool,
    width: ColumnWidth,
    title: str | None,
    language: FigureLanguage,
) -> Figure:
    n_slogans = len(layout.labels)
    off_diagonal = ~np.eye(n_slogans, dtype=bool)
    top = max(float(np.nanmax(m[0][off_diagonal], initial=0.0)) for m in matrices.values())
    norm, ticks = _norm(value, top)
    # Masked cells (zeros and the diagonal's colour layer) are white.
    cmap = mpl.colormaps[CMAP].with_extremes(bad="white")
    with figure_style():
        fig = Figure(figsize=layout.size)
        axes = fig.subplots(layout.n_rows, layout.ncols, squeeze=False, sharex=True, sharey=True)
        image = None
        for (unit, key), (r, c) in layout.places.items():
            ax = axes[r, c]
            values, diagonal = matrices[(unit, key)]
            image = _heatmap(ax, values, diagonal, cmap, norm, annotate, value)
            ax.set_xticks(range(n_slogans), layout.labels, rotation=90)
            ax.set_yticks(range(n_slogans), layout.labels)
            # Slogan names along the left and the bottom of the grid only: the matrices are
            # symmetric, and names between rows of panels would push the rows apart.
            ax.tick_params(length=0, labelsize=layout.tick_points, labelleft=c == 0,
                           labelbottom=r == layout.n_rows - 1)
            ax.set_title(layout.titles[key], fontsize=7)
            if c == 0:
                ax.set_ylabel(
                    figure_text(f"unit_{unit}", language) if unit in UNITS else unit
                )
        used = set(layout.places.values())
        for r in range(layout.n_rows):
            for c in range(layout.ncols):
                if (r, c) not in used:
                    axes[r, c].set_visible(False)
        _colourbar(fig, axes, image, value, ticks, layout.fig_height, language)
        if title:
            fig.suptitle(title)
    return fig


def _colourbar(fig: Figure, axes, image, value: str, ticks: list[float] | None,
               fig_height: float, language: FigureLanguage) -> None:
    colourbar = fig.colorbar(image, ax=axes, shrink=min(0.8, 2.5 / fig_height + 0.2),
                             aspect=25, pad=0.02)
    colourbar.set_label(
        figure_text("cooc_count" if value == "count" else "cooc_jaccard", language)
    )
    if ticks is not None:
        colourbar.set_ticks(ticks)
    colourbar.ax.tick_params(length=0)
    colourbar.outline.set_linewidth(0.4)


def _heatmap(
    ax: Axes,
    values: np.ndarray,
    diagonal: np.ndarray,
    cmap,
    norm: Normalize,
    annotate: bool,
    value: str,
):
    n = len(values)
    shown = np.ma.masked_where(~(values > 0) | np.eye(n, dtype=bool), values)
    image = ax.imshow(shown, cmap=cmap, norm=norm, interpolation="nearest")
    for k in range(n):  # hatched, so the diagonal never reads as a value of the colour scale
        ax.add_patch(Rectangle((k - 0.5, k - 0.5), 1, 1, fill=False, hatch="//////",
                               edgecolor=DIAGONAL_COLOUR, linewidth=0))
    # Cell borders, so that white (zero) cells read as cells.
    ax.set_xticks(np.arange(-0.5, n), minor=True)
    ax.set_yticks(np.arange(-0.5, n), minor=True)
    ax.grid(which="minor", color="0.9", linewidth=0.3)
    ax.tick_params(which="minor", length=0)
    ax.spines[:].set_visible(True)
    ax.spines[:].set_linewidth(0.4)
    ax.spines[:].set_color("0.6")
    if annotate:
        for i in range(n):
            for j in range(n):
                if i == j:
                    ax.text(j, i, f"{int(diagonal[i])}", ha="center", va="center", fontsize=5,
                            color="0.35")
                elif values[i, j] > 0:
                    text = f"{int(values[i, j])}" if value == "count" else f"{values[i, j]:.2f}"
                    red, green, blue, _ = cmap(norm(values[i, j]))
                    dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
                    ax.text(j, i, text, ha="center", va="center", fontsize=5,
                            color="white" if dark else "black")
    return image


def _tick_label(slogan: str, *, few: bool) -> str:
    """The slogan as a tick label: two lines of LABEL_LINE_EMS characters (``few``) or one of
    SHORT_LABEL_EMS, ending in "…" when that is not enough (sizes in ems, at any tick size)."""
    if few:
        return wrap_text(slogan, LABEL_LINE_EMS / 72, 1, max_lines=2)
    return fit_text(slogan, SHORT_LABEL_EMS / 72, 1)


def _longest_line(labels: Sequence[str]) -> float:
    return max(text_ems(line) for label in labels for line in label.split("\n"))
