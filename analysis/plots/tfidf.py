"""Top TF-IDF terms per document: small multiples of horizontal bars (``textplot_tfidf``).

One panel per document, all on one TF-IDF scale (``sharex``), the highest weight at the top of
each panel. Takes the table of :func:`analysis.measures.tfidf.textstat_tfidf`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.checks import check_int, check_optional_string, require_columns
from analysis.errors import CannotDraw, InputError
from analysis.plots.labels import FigureLanguage, check_language, figure_text
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    MAX_FIGURE_HEIGHT_INCHES,
    PALETTE,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
    wrap_note,
)

TFIDF_TABLE_COLUMNS = ("doc_id", "term", "tfidf")
# Vertical space per bar and per panel's title and axis, in inches: 7 pt labels need ~0.14 in.
BAR_HEIGHT_INCHES = 0.15
PANEL_OVERHEAD_INCHES = 0.55
# Panels across: three fit 6-character Chinese labels plus bars in 7 in, two in 3.5 in.
DEFAULT_COLUMNS = {"single": 2, "double": 3}
TITLE_FONT_SIZE = 8
MIN_TITLE_FONT_SIZE = 5.5


def textplot_tfidf(
    tfidf_table: pd.DataFrame,
    *,
    top_n: int = 10,
    doc_ids: Sequence[str] | None = None,
    doc_labels: Mapping[str, str] | None = None,
    ncols: int | None = None,
    width: ColumnWidth = "double",
    note: str | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """Bars of the ``top_n`` highest TF-IDF terms of each document, one panel per document.

    ``tfidf_table`` is the output of :func:`analysis.measures.tfidf.textstat_tfidf` (columns
    ``doc_id``, ``term``, ``tfidf``); it keeps its own ``top_n`` (default 20), so ask it for at
    least as many terms as you plot. ``doc_ids`` picks and orders the panels (default: every
    document, in code-point order); ``doc_labels`` maps doc ids to panel titles (default: the
    doc id). ``ncols`` panels per row (default 2 at single, 3 at double width). Panels share the
    TF-IDF axis, so bar lengths compare across documents. ``note`` is a line under the axis
    title saying how the weights were made (a run passes
    :func:`analysis.measures.tfidf.describe_weighting` of its settings, and which documents are
    shown when not all are), wrapped to the figure's width. ``language`` (``"en"`` or ``"zh"``)
    is that of the axis title. Returns a new Figure; nothing is saved.
    """
    check_language(language, "textplot_tfidf")
    _check_table(tfidf_table)
    check_int(top_n, "top_n", "textplot_tfidf", minimum=1)
    if ncols is not None:
        check_int(ncols, "ncols", "textplot_tfidf", minimum=1)
    check_width(width, "textplot_tfidf")
    check_optional_string(note, "note", "textplot_tfidf")
    available = sorted(pd.unique(tfidf_table["doc_id"].astype(str)))
    chosen = _chosen_docs(doc_ids, available)
    labels = {doc: str((doc_labels or {}).get(doc, doc)) for doc in chosen}

    top_terms = _top_terms(tfidf_table, chosen, top_n)
    ncols = min(ncols or DEFAULT_COLUMNS[width], len(chosen))
    nrows = math.ceil(len(chosen) / ncols)
    panel_height = top_n * BAR_HEIGHT_INCHES + PANEL_OVERHEAD_INCHES
    note = wrap_note(note, COLUMN_WIDTH_INCHES[width] - 0.2) if note else None
    note_inches = 0.12 * (note.count("\n") + 1) if note else 0.0
    height = min(nrows * panel_height + 0.3 + note_inches, MAX_FIGURE_HEIGHT_INCHES)
    aspect = height / COLUMN_WIDTH_INCHES[width]

    with figure_style():
        fig = Figure(figsize=figure_size(width, aspect), layout="constrained")
        axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False)
        titles = []
        for ax, doc in zip(axes.flat, chosen, strict=False):
            terms = top_terms[doc]
            positions = np.arange(len(terms))
            ax.barh(positions, terms["tfidf"], height=0.7, color=PALETTE[0], edgecolor="none")
            ax.set_yticks(positions, labels=terms["term"].tolist())
            ax.set_ylim(top_n - 0.5, -0.5)  # highest weight on top; equal bar size per panel
            titles.append(ax.set_title(labels[doc], fontsize=TITLE_FONT_SIZE, loc="left"))
            ax.tick_params(axis="y", length=0)
            ax.xaxis.grid(True)
            ax.set_axisbelow(True)
        for ax in axes.flat[len(chosen):]:
            ax.set_visible(False)
        # The shared axis shows its tick labels under every visible panel's column bottom.
        for ax in axes.flat[: len(chosen)]:
            ax.xaxis.set_tick_params(labelbottom=True)
        fig.supxlabel(figure_text("tfidf_weight", language) + (f"\n{note}" if note else ""),
                      fontsize=8)
        _fit_titles(fig, list(axes.flat[: len(chosen)]), titles, ncols)
    return fig


def _fit_titles(fig: Figure, panels: list[Axes], titles: list[Text], ncols: int) -> None:
    """Start each panel title at the left edge of its term labels and shrink it to fit its cell.

    Constrained layout ignores the width of titles, so a long doc id over a narrow panel would
    run into the next panel or off the page; the titles are placed once the layout is known.
    """
    fig.draw_without_rendering()  # runs the layout, so label extents are final
    lefts = [ax.yaxis.get_tightbbox().x0 for ax in panels]
    for index, (ax, title) in enumerate(zip(panels, titles, strict=True)):
        has_right_neighbour = (index + 1) % ncols != 0 and index + 1 < len(panels)
        right = lefts[index + 1] if has_right_neighbour else fig.bbox.x1
        title.set_x((lefts[index] - ax.bbox.x0) / ax.bbox.width)
        available = right - lefts[index] - 4  # a few pixels of air before the next panel
        needed = title.get_window_extent().width
        if needed > available:
            title.set_fontsize(max(MIN_TITLE_FONT_SIZE, TITLE_FONT_SIZE * available / needed))


def _check_table(table: object) -> None:
    require_columns(
        table,
        TFIDF_TABLE_COLUMNS,
        "textplot_tfidf",
        name="the TF-IDF table",
        source="the output of analysis.measures.tfidf.textstat_tfidf",
    )
    if table.empty:
        raise CannotDraw(
            "textplot_tfidf: the TF-IDF table is empty, so there is nothing to plot; check that "
            "the tokens table has counted (non-stopword) tokens"
        )


def _chosen_docs(docs: Sequence[str] | None, available: list[str]) -> list[str]:
    if docs is None:
        return available
    if isinstance(docs, str):  # one document, not its letters
        docs = [docs]
    chosen = [str(doc) for doc in docs]
    if not chosen:
        raise InputError(
            "textplot_tfidf: doc_ids is empty; name at least one document or pass None"
        )
    unknown = [doc for doc in chosen if doc not in available]
    if unknown:
        raise InputError(
            f"textplot_tfidf: doc_id {unknown[0]!r} is not in the TF-IDF table; choose from "
            f"{', '.join(available)}"
        )
    if len(set(chosen)) != len(chosen):
        raise InputError("textplot_tfidf: doc_ids names a document twice; name each once")
    return chosen


def _top_terms(table: pd.DataFrame, docs: list[str], top_n: int) -> dict[str, pd.DataFrame]:
    """The ``top_n`` rows of each document, highest weight first (ties: term, code-point order)."""
    rows = table.loc[:, ["doc_id", "term", "tfidf"]].assign(
        doc_id=lambda t: t["doc_id"].astype(str), term=lambda t: t["term"].astype(str)
    )
    rows = rows[rows["doc_id"].isin(docs)].sort_values(
        ["doc_id", "tfidf", "term"], ascending=[True, False, True], kind="stable"
    )
    return {doc: group.head(top_n) for doc, group in rows.groupby("doc_id", sort=False)}
