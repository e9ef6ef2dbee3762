"""Slogan rates per 10,000 characters by document, with their bootstrap intervals.

Draws the table of :func:`analysis.measures.slogan_counts.textstat_slogans`
(``slogan_counts.csv``) as dot-and-whisker plots: a point at each document's rate and a line
across its percentile bootstrap interval. Rates, not counts, so that documents of 736 and 10,696
characters can be compared; the intervals show how much a rate rests on a few paragraphs.
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
from matplotlib.ticker import MaxNLocator

from analysis.checks import (
    check_bool,
    check_choice,
    check_int,
    check_optional_string,
    require_columns,
)
from analysis.errors import CannotDraw, InputError
from analysis.plots.labels import FigureLanguage, check_language, figure_text
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    MARKERS,
    MAX_FIGURE_HEIGHT_INCHES,
    PALETTE,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
    fit_text,
    legend_columns,
    text_ems,
    wrap_note,
    wrap_text,
)

TABLE_COLUMNS = (
    "scope", "grouping", "group", "doc_id", "slogan", "n_chars", "count", "token_count",
    "per_10k_chars", "ci_low", "ci_high", "confidence",
)
PER_CHARS = 10_000
CORPUS_ROW = "All documents"  # the row key of the pooled rate (its label follows the language)
AXIS_TITLE_KEY = {"mentions": "mentions_per_10k", "tokens": "token_mentions_per_10k"}
DODGE_MAX_SLOGANS = 4  # beyond this, one panel per slogan reads better than a crowded legend
# Slogans whose highest rates differ more than this share one axis badly: the rarer ones sit
# squashed at zero, so "auto" gives each its own panel and scale.
DODGE_MAX_SCALE_RATIO = 3.0
ROW_INCHES = {"dodge": 0.3, "facet": 0.14}  # one document row
PANEL_EXTRA_INCHES = 0.45  # a panel's one-line title and x tick labels
TITLE_LINE_INCHES = 0.14  # each further line of a wrapped panel title
TITLE_POINTS = 8
MAX_TITLE_LINES = 3  # a panel is narrow; the longest slogans (about 20 characters) still fit


def textplot_slogan_rates(
    slogan_counts_table: pd.DataFrame,
    *,
    slogans: str | Sequence[str] | None = None,
    counts: Literal["mentions", "tokens"] = "mentions",
    layout: Literal["auto", "dodge", "facet"] = "auto",
    grouping: str | None = None,
    doc_ids: Sequence[str] | None = None,
    include_corpus: bool = True,
    width: ColumnWidth = "single",
    ncols: int | None = None,
    doc_labels: Mapping[str, str] | None = None,
    note: bool = True,
    title: str | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """Dot-and-whisker plot of slogan rates per 10,000 characters, one row per document.

    ``slogan_counts_table`` is the table of ``textstat_slogans`` (``slogan_counts.csv``).

    * ``counts="mentions"`` (default) shows ``per_10k_chars``: *every* mention, including those
      inside longer words or formulae (团结 in 团结协调), with the bootstrap interval
      ``ci_low``–``ci_high`` (paragraphs resampled; no line when the table has none).
      ``counts="tokens"`` shows ``token_count / n_chars × 10,000``, whole-token mentions only,
      without interval (the table has none for them).
    * Rows are the table's document rows (``doc_ids`` selects and orders them; default: the
      table's order), or with ``grouping="level"`` (any ``group_by`` column of the table) its
      groups; ``include_corpus`` adds the pooled rate of all documents as a last row.
    * ``layout="dodge"`` draws all slogans in one panel, told apart by colour *and* marker;
      ``"facet"`` one panel per slogan, each with its own rate scale (read the ticks before
      comparing panels; the note says so); ``"auto"`` dodges up to four slogans whose highest
      rates (or interval ends) are within a factor of three of each other, and facets otherwise,
      so that a rare slogan is not squashed against zero beside a frequent one.

    ``slogans`` selects and orders slogans (default: all of the table, in its lexicon order).
    ``note`` adds a line under the axis title saying what is counted. ``width`` is the journal
    column; ``ncols`` the panels per row when faceting; ``doc_labels`` maps doc ids to labels;
    ``language`` ``"en"`` or ``"zh"`` the language of the axis title, note and corpus row.
    Panel titles longer than their panel wrap onto up to three lines (then end in "…").
    """
    caller = "textplot_slogan_rates"
    table = _checked(
        slogan_counts_table, counts, layout, include_corpus, width, doc_labels, note, title,
        language, caller,
    )
    chosen = _chosen_slogans(table, slogans, caller)
    rows, row_keys, labels = _shown_rows(
        table, grouping, doc_ids, include_corpus, doc_labels, language, caller
    )
    rows = rows[rows["slogan"].isin(chosen)]
    rates = _rates(rows, counts)
    figure_layout = _layout(
        rates, _confidence(rows), chosen, row_keys, labels, counts, layout, width, ncols, note,
        title, language, caller,
    )
    return _draw(rates, chosen, row_keys, labels, figure_layout, width, note, title)


@dataclass(frozen=True)
class _Layout:
    """How the figure is drawn: ``mode`` ``"dodge"`` (one panel) or ``"facet"`` (one panel per
    slogan in ``columns`` columns), on a figure ``fig_height`` inches tall, with the (wrapped or
    shortened) panel titles, legend labels and the axis title with its note."""

    mode: str
    columns: int
    fig_height: float
    panel_titles: dict[str, str]
    legend_labels: list[str]
    n_legend_columns: int
    axis_title: str


# --- data ---------------------------------------------------------------------------------------


def _checked(
    table: object,
    counts: object,
    layout: object,
    include_corpus: object,
    width: object,
    doc_labels: object,
    note: object,
    title: object,
    language: object,
    caller: str,
) -> pd.DataFrame:
    check_language(language, caller)
    checked = _validated(table, caller)
    check_bool(include_corpus, "include_corpus", caller)
    check_bool(note, "note", caller)
    check_choice(counts, "counts", caller, AXIS_TITLE_KEY)
    check_choice(layout, "layout", caller, ("auto", "dodge", "facet"))
    check_width(width, caller)
    if doc_labels is not None and not isinstance(doc_labels, Mapping):
        raise InputError(f"{caller}: doc_labels must map doc ids to labels")
    check_optional_string(title, "title", caller)
    return checked


def _validated(table: object, caller: str) -> pd.DataFrame:
    require_columns(
        table,
        TABLE_COLUMNS,
        caller,
        name="the slogan counts table",
        source="the table of analysis.measures.slogan_counts.textstat_slogans (slogan_counts.csv)",
    )
    if table.empty:
        raise InputError(
            f"{caller}: the slogan counts table is empty; build it with textstat_slogans from "
            "documents that have characters"
        )
    return table


def _chosen_slogans(
    table: pd.DataFrame, slogans: str | Sequence[str] | None, caller: str
) -> list[str]:
    known = list(dict.fromkeys(table["slogan"].astype(str)))
    if slogans is None:
        return known
    wanted = [slogans] if isinstance(slogans, str) else [str(s) for s in slogans]
    if not wanted:
        raise InputError(f"{caller}: slogans is an empty list; name a slogan or pass None")
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise InputError(
            f"{caller}: unknown slogan(s) {', '.join(map(repr, unknown))}; the table has "
            f"{', '.join(known)}"
        )
    return list(dict.fromkeys(wanted))


def _rows(
    table: pd.DataFrame, grouping: str | None, doc_ids: Sequence[str] | None, caller: str
) -> pd.DataFrame:
    """The table's rows to draw, with their row key in ``row`` (doc id or group value)."""
    if grouping is None:
        docs = table[table["scope"] == "document"]
        if docs.empty:
            raise InputError(f"{caller}: the table has no document rows")
        present = list(dict.fromkeys(docs["doc_id"].astype(str)))
        if doc_ids is None:
            order = present
        else:
            order = [doc_ids] if isinstance(doc_ids, str) else [str(d) for d in doc_ids]
            unknown = [d for d in order if d not in present]
            if unknown or not order:
                raise InputError(
                    f"{caller}: unknown doc_id {', '.join(map(repr, unknown)) or '(none given)'}; "
                    f"the table has {', '.join(present)}"
                )
        rank = {d: k for k, d in enumerate(dict.fromkeys(order))}
        keys = docs["doc_id"].astype(str)
        docs = docs.assign(row=keys, _rank=keys.map(rank)).dropna(subset="_rank")
        return docs.sort_values("_rank", kind="stable").drop(columns="_rank")
    if doc_ids is not None:
        raise InputError(f"{caller}: doc_ids selects documents; with grouping= leave it out")
    groups = table[(table["scope"] == "group") & (table["grouping"] == grouping)]
    if groups.empty:
        available = sorted(set(table.loc[table["scope"] == "group", "grouping"].astype(str)))
        raise InputError(
            f"{caller}: the table has no groups by {grouping!r}; it has groupings "
            f"{', '.join(available) or '(none)'}: pass one, or group_by=[{grouping!r}] to "
            "textstat_slogans"
        )
    return groups.assign(row=groups["group"].astype(str)).reset_index(drop=True)


def _shown_rows(
    table: pd.DataFrame,
    grouping: str | None,
    doc_ids: Sequence[str] | None,
    include_corpus: bool,
    doc_labels: Mapping[str, str] | None,
    language: FigureLanguage,
    caller: str,
) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """The rows drawn, their keys top to bottom (the corpus row last) and labels."""
    rows = _rows(table, grouping, doc_ids, caller)
    row_keys = list(dict.fromkeys(rows["row"]))
    labels = {key: str((doc_labels or {}).get(key, key)) for key in row_keys}
    if include_corpus:
        corpus = table[table["scope"] == "corpus"]
        if corpus.empty:
            raise InputError(
                f"{caller}: the table has no corpus rows; pass include_corpus=False or the "
                "full table of textstat_slogans"
            )
        rows = pd.concat([rows, corpus.assign(row=CORPUS_ROW)], ignore_index=True)
        row_keys.append(CORPUS_ROW)
        labels[CORPUS_ROW] = figure_text("all_documents", language)
    return rows, row_keys, labels


def _rates(rows: pd.DataFrame, counts: str) -> pd.DataFrame:
    if counts == "mentions":
        rate, low, high = rows["per_10k_chars"], rows["ci_low"], rows["ci_high"]
    else:
        chars = rows["n_chars"].astype(float)
        rate = rows["token_count"] / chars.where(chars > 0) * PER_CHARS
        low = high = pd.Series(np.nan, index=rows.index)
    return pd.DataFrame(
        {"row": rows["row"], "slogan": rows["slogan"].astype(str),
         "rate": rate.astype(float), "low": low.astype(float), "high": high.astype(float)}
    )


def _confidence(rows: pd.DataFrame) -> float | None:
    levels = rows["confidence"].dropna().unique()
    return float(levels[0]) if len(levels) == 1 else None


def _note(counts: str, confidence: float | None, language: FigureLanguage) -> str:
    if counts == "tokens":
        return figure_text("rates_note_tokens", language)
    level = (
        figure_text("percent_interval", language, level=f"{confidence:.0%}")
        if confidence is not None else ""
    )
    return figure_text("rates_note_mentions", language, level=level)


def _auto_layout(rates: pd.DataFrame, slogans: Sequence[str]) -> str:
    """``"dodge"`` for up to four slogans on comparable scales, else ``"facet"``."""
    if len(slogans) > DODGE_MAX_SLOGANS:
        return "facet"
    reach = rates[["rate", "high"]].max(axis=1).groupby(rates["slogan"]).max()
    highest = [float(reach.get(s, 0.0)) for s in slogans]
    positive = [h for h in highest if h > 0]
    if len(positive) < len(highest) or (
        positive and max(positive) > DODGE_MAX_SCALE_RATIO * min(positive)
    ):
        return "facet"
    return "dodge"


# --- layout -------------------------------------------------------------------------------------


def _layout(
    rates: pd.DataFrame,
    confidence: float | None,
    chosen: list[str],
    row_keys: list[str],
    labels: Mapping[str, str],
    counts: str,
    layout: str,
    width: ColumnWidth,
    ncols: int | None,
    note: bool,
    title: str | None,
    language: FigureLanguage,
    caller: str,
) -> _Layout:
    mode = layout if layout != "auto" else _auto_layout(rates, chosen)
    if mode == "dodge" and len(chosen) > len(PALETTE):
        raise InputError(
            f"{caller}: {len(chosen)} slogans are more than the {len(PALETTE)} colours of one "
            "panel; use layout='facet' or choose fewer slogans (slogans=[...])"
        )
    columns = 1 if mode == "dodge" else _n_columns(ncols, len(chosen), width, caller)
    fig_width = COLUMN_WIDTH_INCHES[width]
    # Row labels take the left of the figure; the panels share the rest.
    label_width = max(text_ems(labels[key]) for key in row_keys) * 7 / 72 + 0.15
    panel_width = (fig_width - label_width) / columns - 0.12
    panel_titles = {s: wrap_text(s, panel_width, TITLE_POINTS, max_lines=MAX_TITLE_LINES)
                    for s in chosen}
    legend_labels = [fit_text(s, fig_width - 0.6, 7) for s in chosen]
    n_legend_columns = legend_columns(legend_labels, fig_width)
    axis_title = figure_text(AXIS_TITLE_KEY[counts], language)
    if note:
        note_text = _note(counts, confidence, language)
        if mode == "facet" and len(chosen) > 1:
            note_text += figure_text("clause_separator", language) + figure_text(
                "own_scales", language
            )
        axis_title += "\n" + wrap_note(note_text, fig_width - 0.2)
    frame, per_row = _height_parts(
        len(chosen), mode, columns, note, title,
        title_lines=max(t.count("\n") + 1 for t in panel_titles.values()),
        legend_rows=math.ceil(len(chosen) / n_legend_columns),
    )
    frame += 0.12 * (axis_title.count("\n") - (1 if note else 0))  # a note of several lines
    fig_height = frame + len(row_keys) * per_row
    if fig_height > MAX_FIGURE_HEIGHT_INCHES:
        raise CannotDraw(
            f"{caller}: {len(chosen)} slogans × {len(row_keys)} rows need a figure "
            f"{fig_height:.1f} in tall, more than a page: choose fewer slogans or rows "
            "(doc_ids=[...] or grouping=...), more columns (ncols=...) or width='double'"
        )
    return _Layout(
        mode, columns, fig_height, panel_titles, legend_labels, n_legend_columns, axis_title
    )


# --- drawing ------------------------------------------------------------------------------------


def _draw(
    rates: pd.DataFrame,
    chosen: list[str],
    row_keys: list[str],
    labels: Mapping[str, str],
    layout: _Layout,
    width: ColumnWidth,
    note: bool,
    title: str | None,
) -> Figure:
    fig_width = COLUMN_WIDTH_INCHES[width]
    with figure_style():
        fig = Figure(figsize=figure_size(width, layout.fig_height / fig_width))
        if layout.mode == "dodge":
            ax = fig.add_subplot()
            _dodged(ax, rates, chosen, layout.legend_labels, row_keys, labels)
            fig.legend(loc="outside upper center", ncols=layout.n_legend_columns,
                       handletextpad=0.3, columnspacing=1.0)
        else:
            columns = layout.columns
            panel_rows = math.ceil(len(chosen) / columns)
            axes = fig.subplots(panel_rows, columns, squeeze=False, sharey=True).ravel()
            for index, ax in enumerate(axes):
                if index >= len(chosen):
                    ax.set_visible(False)
                    continue
                slogan = chosen[index]
                _facet(ax, rates[rates["slogan"] == slogan], row_keys, labels)
                ax.set_title(layout.panel_titles[slogan], fontsize=TITLE_POINTS, loc="left")
                ax.tick_params(axis="y", labelleft=index % columns == 0)
        fig.supxlabel(layout.axis_title, fontsize=8 if not note else 7)
        if title:
            fig.suptitle(title)
    return fig


def _dodged(
    ax: Axes,
    rates: pd.DataFrame,
    slogans: Sequence[str],
    legend_labels: Sequence[str],
    row_keys: Sequence[str],
    labels: Mapping[str, str],
) -> None:
    position = {key: k for k, key in enumerate(row_keys)}
    spread = 0.7  # of the row's height, shared by the slogans
    step = spread / len(slogans)
    for k, (slogan, legend_label) in enumerate(zip(slogans, legend_labels, strict=True)):
        own = rates[rates["slogan"] == slogan]
        y = own["row"].map(position).to_numpy(dtype=float) - spread / 2 + (k + 0.5) * step
        _whiskers(ax, own, y, PALETTE[k], MARKERS[k], label=legend_label)
    _rows_axis(ax, row_keys, labels)


def _facet(
    ax: Axes, rates: pd.DataFrame, row_keys: Sequence[str], labels: Mapping[str, str]
) -> None:
    y = rates["row"].map({key: k for k, key in enumerate(row_keys)}).to_numpy(dtype=float)
    _whiskers(ax, rates, y, PALETTE[0], MARKERS[0])
    _rows_axis(ax, row_keys, labels)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=False, min_n_ticks=2))


def _whiskers(
    ax: Axes, rates: pd.DataFrame, y: np.ndarray, colour: str, marker: str,
    label: str | None = None,
) -> None:
    has_interval = rates["low"].notna().to_numpy() & rates["high"].notna().to_numpy()
    if has_interval.any():
        ax.hlines(y[has_interval], rates["low"].to_numpy()[has_interval],
                  rates["high"].to_numpy()[has_interval], colors=colour, linewidth=0.9,
                  linestyles="-")
    ax.plot(rates["rate"].to_numpy(), y, linestyle="none", marker=marker, color=colour,
            markersize=4, markeredgecolor="white", markeredgewidth=0.4, label=label)


def _rows_axis(ax: Axes, row_keys: Sequence[str], labels: Mapping[str, str]) -> None:
    ax.set_yticks(range(len(row_keys)), [labels[key] for key in row_keys])
    ax.set_ylim(len(row_keys) - 0.5, -0.5)  # first row at the top
    ax.set_xlim(left=0)  # rates are never negative; the zero line anchors comparisons
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    if CORPUS_ROW in row_keys:
        ax.axhline(len(row_keys) - 1.5, color="0.6", linewidth=0.5, linestyle="-")


def _height_parts(
    n_slogans: int, mode: str, columns: int, note: bool, title: str | None, *,
    title_lines: int = MAX_TITLE_LINES, legend_rows: int | None = None,
) -> tuple[float, float]:
    """The figure's height in inches as ``frame + rows × per_row``."""
    n_panels = 1 if mode == "dodge" else n_slogans
    panel_rows = math.ceil(n_panels / columns)
    if legend_rows is None:  # the most rows a legend of these slogans may take
        legend_rows = n_slogans
    legend_inches = 0.05 + 0.16 * legend_rows if mode == "dodge" else 0.0
    panel_extra = PANEL_EXTRA_INCHES + (
        (title_lines - 1) * TITLE_LINE_INCHES if mode == "facet" else 0.0
    )
    frame = (panel_rows * panel_extra + legend_inches + (0.5 if note else 0.3)
             + (0.25 if title else 0.0))
    return frame, panel_rows * ROW_INCHES[mode]


def rows_that_fit(
    n_slogans: int,
    *,
    layout: Literal["auto", "dodge", "facet"] = "auto",
    width: ColumnWidth = "single",
    ncols: int | None = None,
    note: bool = True,
    title: str | None = None,
) -> int:
    """How many rows (documents or groups, and the corpus row if included) a figure of
    :func:`textplot_slogan_rates` with these options can show within a page."""
    caller = "rows_that_fit"
    check_int(n_slogans, "n_slogans", caller, minimum=1)
    check_width(width, caller)
    # "auto" chooses by the rates too, so it must fit either way.
    modes = [layout] if layout != "auto" else (
        ["dodge", "facet"] if n_slogans <= DODGE_MAX_SLOGANS else ["facet"]
    )
    fits = []
    for mode in modes:
        columns = 1 if mode == "dodge" else _n_columns(ncols, n_slogans, width, caller)
        frame, per_row = _height_parts(n_slogans, mode, columns, note, title)
        fits.append(max(0, math.floor((MAX_FIGURE_HEIGHT_INCHES - frame) / per_row + 1e-9)))
    return min(fits)


def _n_columns(ncols: int | None, n_panels: int, width: str, caller: str) -> int:
    if ncols is None:
        return min(n_panels, 2 if width == "single" else 5)
    return min(check_int(ncols, "ncols", caller, minimum=1), n_panels)
