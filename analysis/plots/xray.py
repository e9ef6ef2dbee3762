"""Dispersion ("x-ray") plots: where in each document each slogan is mentioned.

Like quanteda's ``textplot_xray`` and AntConc's concordance plot: one panel per slogan, one row
per document, a vertical tick at each mention. Clusters, gaps and slogans confined to one part
of a document show at a glance, which counts alone cannot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from analysis.checks import check_choice, check_int, check_optional_string, require_columns
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
    fit_text,
    text_ems,
)

MENTION_COLUMNS = ("doc_id", "slogan", "start")
DOCUMENT_COLUMNS = ("doc_id", "text")
ROW_INCHES = 0.13  # one document row: tall enough for a 7-pt tick label
PANEL_EXTRA_INCHES = 0.3  # a panel's title and x tick labels
TICK_COLOUR = PALETTE[2]  # black: the strongest contrast in colour and grayscale
BAND_COLOUR = "0.9"  # the document's extent, behind the ticks
TITLE_POINTS = 8  # panel titles (axes.titlesize 9 is for one-panel figures)


def textplot_xray(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    slogans: str | Sequence[str] | None = None,
    scale: Literal["relative", "absolute"] = "relative",
    width: ColumnWidth = "double",
    ncols: int | None = None,
    doc_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """A dispersion plot of slogan mentions: one panel per slogan, one row per document.

    ``mentions`` is the mentions table (``corpus.mentions``): every mention counts, including
    those inside longer words or formulae (团结 in 团结协调), as in ``textstat_slogans``'s
    ``count``. ``documents`` (``corpus.documents``, with the cleaned ``text``) gives the rows, in
    its order, top to bottom; mentions of documents not in it are left out.

    Each tick is a mention at its start offset. ``scale="relative"`` places it at
    ``start / len(text)`` (0 = beginning, 1 = end of the document), so documents of any length
    are compared along the same axis; ``"absolute"`` places it at ``start`` characters, and the
    grey band of each row shows the document's length. Each row's label gives the document's
    length in characters (``n_chars`` when the table has it: line breaks excluded). Panel titles
    give the slogan and its number of mentions in these documents.

    ``slogans`` selects and orders the panels (default: every slogan mentioned, most mentioned
    first). ``width`` is the journal column, ``ncols`` the panels per row (default 1 for a single
    column with up to 6 slogans, else 2; 3 for a double column). ``doc_labels`` maps doc ids to
    row labels; ``title`` adds a figure title; ``language`` (``"en"`` or ``"zh"``) is that of
    the axis title. Every panel shows its position scale.
    """
    caller = "textplot_xray"
    _check_arguments(mentions, documents, scale, width, title, language, caller)
    doc_ids, lengths, shown_lengths = _document_lengths(documents, caller)
    ours = _mentions_in(mentions, doc_ids, lengths, caller)
    chosen = _chosen_slogans(ours, slogans, caller)
    labels = _row_labels(doc_ids, shown_lengths, doc_labels, caller)
    layout = _layout(chosen, doc_ids, labels, width, ncols, title, caller)
    return _draw(ours, layout, lengths, labels, scale, width, title, language)


@dataclass(frozen=True)
class _Layout:
    """Where the panels go: ``chosen`` slogans in ``rows`` × ``columns`` panels, one row per doc
    id of ``doc_ids`` in each, on a figure ``fig_height`` inches tall."""

    chosen: list[str]
    doc_ids: list[str]
    columns: int
    rows: int
    fig_height: float
    panel_width_in: float


# --- checks -------------------------------------------------------------------------------------


def _check_arguments(
    mentions: object,
    documents: object,
    scale: object,
    width: object,
    title: object,
    language: object,
    caller: str,
) -> None:
    check_language(language, caller)
    for table, name, columns in (
        (mentions, "mentions", MENTION_COLUMNS),
        (documents, "documents", DOCUMENT_COLUMNS),
    ):
        require_columns(
            table,
            columns,
            caller,
            name=f"the {name} table",
            source=f"corpus.{name} from analysis.build_corpus",
        )
    check_choice(scale, "scale", caller, ("relative", "absolute"))
    check_width(width, caller)
    check_optional_string(title, "title", caller)
    if mentions.empty:
        raise InputError(
            f"{caller}: the mentions table is empty: no slogan of the lexicon occurs in these "
            "documents, so there is nothing to plot"
        )
    if documents.empty:
        raise InputError(f"{caller}: the documents table is empty; pass corpus.documents")


# --- layout data --------------------------------------------------------------------------------


def _document_lengths(
    documents: pd.DataFrame, caller: str
) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """The doc ids in row order, each document's length in characters (offsets count in it) and
    the length shown in its row label (``n_chars`` when the table has it: line breaks
    excluded)."""
    doc_ids = [str(d) for d in documents["doc_id"]]
    if len(set(doc_ids)) != len(doc_ids):
        raise InputError(
            f"{caller}: the documents table lists a doc_id twice; doc_id must be unique"
        )
    texts = dict(zip(doc_ids, documents["text"], strict=True))
    if not all(isinstance(t, str) for t in texts.values()):
        raise InputError(f"{caller}: every document needs its cleaned text (a string) in `text`")
    lengths = {d: len(t) for d, t in texts.items()}
    if "n_chars" in documents.columns:
        shown_lengths = dict(zip(doc_ids, documents["n_chars"].astype("int64"), strict=True))
    else:
        shown_lengths = {d: len(t) - t.count("\n") for d, t in texts.items()}
    return doc_ids, lengths, shown_lengths


def _mentions_in(
    mentions: pd.DataFrame, doc_ids: Sequence[str], lengths: Mapping[str, int], caller: str
) -> pd.DataFrame:
    """The mentions of the documents drawn, each checked to start within its document."""
    ours = mentions.loc[mentions["doc_id"].astype(str).isin(lengths)]
    if ours.empty:
        raise InputError(
            f"{caller}: none of the mentions belongs to a document of the documents table "
            f"({', '.join(doc_ids[:5])}…); pass the mentions and documents of the same corpus"
        )
    starts = ours["start"].to_numpy(dtype="int64")
    limits = ours["doc_id"].astype(str).map(lengths).to_numpy(dtype="int64")
    if ((starts < 0) | (starts > limits)).any():
        raise InputError(
            f"{caller}: some mentions start outside their document's text; the mentions table "
            "was built from other texts. Pass the mentions and documents of the same corpus"
        )
    return ours


def _layout(
    chosen: list[str],
    doc_ids: list[str],
    labels: Mapping[str, str],
    width: ColumnWidth,
    ncols: int | None,
    title: str | None,
    caller: str,
) -> _Layout:
    n_panels = len(chosen)
    columns = _n_columns(ncols, n_panels, width, caller)
    rows = math.ceil(n_panels / columns)
    fig_width = COLUMN_WIDTH_INCHES[width]
    frame, per_row = _height_parts(rows, title)
    fig_height = frame + len(doc_ids) * per_row
    if fig_height > MAX_FIGURE_HEIGHT_INCHES:
        raise CannotDraw(
            f"{caller}: {n_panels} slogans × {len(doc_ids)} documents need a figure "
            f"{fig_height:.1f} in tall, more than a page ({MAX_FIGURE_HEIGHT_INCHES} in): choose "
            "fewer slogans (slogans=[...]), more columns (ncols=...) or width='double'"
        )
    # Row labels take the left of the figure; the panels share the rest.
    label_width = max(text_ems(labels[d]) for d in doc_ids) * 7 / 72 + 0.15
    panel_width_in = (fig_width - label_width) / columns - 0.12
    return _Layout(chosen, doc_ids, columns, rows, fig_height, panel_width_in)


# --- drawing ------------------------------------------------------------------------------------


def _draw(
    mentions: pd.DataFrame,
    layout: _Layout,
    lengths: Mapping[str, int],
    labels: Mapping[str, str],
    scale: str,
    width: ColumnWidth,
    title: str | None,
    language: FigureLanguage,
) -> Figure:
    fig_width = COLUMN_WIDTH_INCHES[width]
    with figure_style():
        fig = Figure(figsize=figure_size(width, layout.fig_height / fig_width))
        axes = fig.subplots(layout.rows, layout.columns, squeeze=False, sharex=True, sharey=True)
        for index, ax in enumerate(axes.ravel()):
            if index >= len(layout.chosen):
                ax.set_visible(False)
                continue
            _draw_panel(ax, mentions, layout, index, lengths, labels, scale)
        # One line in a double column; two in a single column, where one would be clipped.
        joiner = "\n" if width == "single" else " "
        axis_title = figure_text(
            "xray_relative" if scale == "relative" else "xray_absolute", language, joiner=joiner
        )
        fig.supxlabel(axis_title, fontsize=8)
        fig.get_layout_engine().set(wspace=0.08)  # room between columns of panels
        if title:
            fig.suptitle(title)
    return fig


def _draw_panel(
    ax: Axes,
    mentions: pd.DataFrame,
    layout: _Layout,
    index: int,
    lengths: Mapping[str, int],
    labels: Mapping[str, str],
    scale: str,
) -> None:
    """The ``index``-th slogan's panel: a grey band per document, a tick at each mention."""
    doc_ids, slogan = layout.doc_ids, layout.chosen[index]
    doc_row = {d: k for k, d in enumerate(doc_ids)}
    own = mentions.loc[mentions["slogan"] == slogan]
    extent = [1.0 if scale == "relative" else lengths[d] for d in doc_ids]
    ax.barh(range(len(doc_ids)), extent, height=0.8, left=0, color=BAND_COLOUR, linewidth=0)
    positions: list[np.ndarray] = [np.empty(0)] * len(doc_ids)
    for doc_id, group in own.groupby(own["doc_id"].astype(str), sort=False):
        offsets = group["start"].to_numpy(dtype=float)
        if scale == "relative":
            offsets = offsets / max(lengths[doc_id], 1)
        positions[doc_row[doc_id]] = np.sort(offsets)
    ax.eventplot(positions, lineoffsets=range(len(doc_ids)), linelengths=0.8,
                 linewidths=0.6, colors=TICK_COLOUR, linestyles="-")
    ax.set_title(
        f"{fit_text(slogan, layout.panel_width_in - 0.3, TITLE_POINTS)} ({len(own)})",
        fontsize=TITLE_POINTS,
        loc="left",
    )
    ax.set_yticks(range(len(doc_ids)), [labels[d] for d in doc_ids])
    # Row labels once per row of panels (set_yticks would show them on every panel).
    ax.tick_params(axis="y", length=0, labelleft=index % layout.columns == 0)
    # Every panel shows its scale: with shared axes only the lowest of a column would,
    # and a first panel without numbers reads as a different kind of panel.
    ax.tick_params(axis="x", labelbottom=True)
    ax.spines[["left", "top", "right"]].set_visible(False)
    ax.set_xlim(0, 1 if scale == "relative" else max(lengths.values()))
    if scale == "relative":
        ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
        # Inward at the ends, so "1" and the next panel's "0" do not run together.
        first, *_, last = ax.xaxis.get_major_ticks()
        first.label1.set_horizontalalignment("left")
        last.label1.set_horizontalalignment("right")
    else:
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylim(len(doc_ids) - 0.5, -0.5)  # first document at the top


def _chosen_slogans(
    mentions: pd.DataFrame, slogans: str | Sequence[str] | None, caller: str
) -> list[str]:
    counts = mentions["slogan"].astype(str).value_counts()
    # Most mentioned first; ties by name, so the order never depends on the table's row order.
    by_count = sorted(counts.index, key=lambda s: (-counts[s], s))
    if slogans is None:
        return by_count
    wanted = [slogans] if isinstance(slogans, str) else list(slogans)
    if not wanted:
        raise InputError(f"{caller}: slogans is an empty list; name a slogan or pass None")
    unknown = [s for s in wanted if s not in counts.index]
    if unknown:
        raise InputError(
            f"{caller}: no mention of {', '.join(map(repr, unknown))} in these documents (not a "
            f"slogan of the lexicon, or never mentioned); mentioned slogans: {', '.join(by_count)}"
        )
    return list(dict.fromkeys(wanted))


def _row_labels(
    doc_ids: Sequence[str],
    lengths: Mapping[str, int],
    doc_labels: Mapping[str, str] | None,
    caller: str,
) -> dict[str, str]:
    if doc_labels is not None and not isinstance(doc_labels, Mapping):
        raise InputError(
            f"{caller}: doc_labels must map doc ids to labels, e.g. {{'{doc_ids[0]}': '…'}}"
        )
    names = {d: str((doc_labels or {}).get(d, d)) for d in doc_ids}
    return {d: f"{names[d]} ({lengths[d]:,})" for d in doc_ids}


def _height_parts(panel_rows: int, title: str | None) -> tuple[float, float]:
    """The figure's height in inches as ``frame + documents × per_row``."""
    frame = panel_rows * PANEL_EXTRA_INCHES + 0.35 + (0.25 if title else 0.0)
    return frame, panel_rows * ROW_INCHES


def documents_that_fit(
    n_slogans: int,
    *,
    width: ColumnWidth = "double",
    ncols: int | None = None,
    title: str | None = None,
) -> int:
    """How many document rows a figure of :func:`textplot_xray` with ``n_slogans`` panels and
    these options can show within a page."""
    caller = "documents_that_fit"
    check_int(n_slogans, "n_slogans", caller, minimum=1)
    check_width(width, caller)
    rows = math.ceil(n_slogans / _n_columns(ncols, n_slogans, width, caller))
    frame, per_row = _height_parts(rows, title)
    return max(0, math.floor((MAX_FIGURE_HEIGHT_INCHES - frame) / per_row + 1e-9))


def _n_columns(ncols: int | None, n_panels: int, width: str, caller: str) -> int:
    if ncols is None:
        if width == "single":
            return 1 if n_panels <= 6 else 2
        return min(n_panels, 3)
    return min(check_int(ncols, "ncols", caller, minimum=1), n_panels)
