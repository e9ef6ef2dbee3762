"""Figures of topic models: top terms per topic, topic prevalence over time or by group, and the
measures for choosing the number of topics.

* :func:`textplot_topic_terms` — small multiples of horizontal bars, one panel per topic, the
  heaviest term on top. Each panel has its own weight scale (and says so): a broad topic spreads
  its weight ``φ_tv`` over thousands of terms, a narrow one over a few, and on one scale the
  broad topics' bars would be invisible. Seed terms of seeded topics in a second colour.
* :func:`textplot_topic_prevalence` — the mean share of each topic per group with its bootstrap
  interval. Over time (grouping ``year``, ``decade`` or ``period``, or any grouping whose values
  all begin with a number): one panel per topic, a line per run of consecutive steps (lines break
  across missing years, as in :mod:`analysis.plots.trends`), the interval as a band (a vertical
  line at a lone point). By group: dot-and-whisker, one panel per topic, groups down the side.
  All panels share the share axis, so topics compare.
* :func:`textplot_topic_k` — one panel per measure against the number of topics, the best value
  ringed, each panel saying which way is better.

Every function takes the tables of :mod:`analysis.measures.topics`, returns a new matplotlib
Figure and saves nothing; every fixed word comes from :func:`analysis.plots.labels.figure_text`,
so ``language="zh"`` gives a figure with no English word in it (topic names, terms and groups are
data, shown as they are).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from analysis.checks import check_int, require_columns
from analysis.errors import CannotDraw, InputError
from analysis.measures.topics import HIGHER_IS_BETTER
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
    wrap_note,
    wrap_text,
)

TOPIC_TERM_TABLE_COLUMNS = ("topic", "term", "weight")
PREVALENCE_TABLE_COLUMNS = ("grouping", "group", "topic", "mean_share", "ci_low", "ci_high",
                            "n_docs")
K_TABLE_COLUMNS = ("k", "measure", "value")
# Groupings drawn on a time axis, and the largest gap (in years) a line may bridge.
TIME_STEP: dict[str, float] = {"year": 1, "decade": 10, "period": math.inf}
# Measures with a best value to ring; reconstruction error only falls with k (read its elbow).
RINGED_MEASURES = ("umass", "npmi", "perplexity")

BAR_HEIGHT_INCHES = 0.15
PANEL_OVERHEAD_INCHES = 0.55
TITLE_POINTS = 8
TICK_POINTS = 7
NOTE_POINTS = 7
MAX_COLUMNS = 5
BAND_ALPHA = 0.2
TERM_LABEL_INCHES = 0.9  # room for a term beside its bar
GROUP_LABEL_INCHES = 1.2  # room for a group name beside its dot


# --- top terms ---------------------------------------------------------------------------------


def textplot_topic_terms(
    topics: pd.DataFrame,
    *,
    top_n: int = 10,
    topic_names: Sequence[str] | None = None,
    seeds: Mapping[str, Sequence[str]] | None = None,
    ncols: int | None = None,
    width: ColumnWidth = "double",
    language: FigureLanguage = "en",
) -> Figure:
    """Bars of the ``top_n`` heaviest terms of each topic, one panel per topic.

    ``topics`` is the ``topics`` table of :func:`analysis.measures.topics.textmodel_topics`
    (``topic``, ``term``, ``weight``); ask it for at least ``top_n`` terms. ``topic_names``
    picks and orders the panels (default: every topic, in the table's order). ``seeds`` (the
    model's ``TopicModel.seeds``) colours each seeded topic's seed terms, with a legend.
    ``ncols`` panels per row (default 3 at double width, 2 at single, more when the panels
    would not fit a page). Each panel has its own weight scale. Returns a new Figure.
    """
    caller = "textplot_topic_terms"
    check_language(language, caller)
    check_width(width, caller)
    require_columns(topics, TOPIC_TERM_TABLE_COLUMNS, caller, name="the topics table",
                source="the topics table of analysis.measures.topics.textmodel_topics")
    check_int(top_n, "top_n", caller, minimum=1)
    if ncols is not None:
        check_int(ncols, "ncols", caller, minimum=1)
    if topics.empty:
        raise CannotDraw(f"{caller}: the topics table is empty, so there is nothing to plot")
    available = list(pd.unique(topics["topic"].astype(str)))
    chosen = _chosen(topic_names, available, "topic_names", "topic", caller)
    seed_terms = _seed_terms(seeds, caller)

    rows = topics.assign(
        topic=topics["topic"].astype(str), term=topics["term"].astype(str)
    ).sort_values(["weight", "term"], ascending=[False, True], kind="stable")
    grid = _term_grid(len(chosen), top_n, ncols, width, bool(seed_terms), caller)
    with figure_style():
        fig = Figure(figsize=figure_size(width, grid.height / grid.fig_width),
                     layout="constrained")
        axes = fig.subplots(grid.n_rows, grid.columns, squeeze=False)
        any_seed = False
        for ax, name in zip(axes.flat, chosen, strict=False):
            any_seed |= _draw_term_panel(ax, rows[rows["topic"] == name].head(top_n), name,
                                         seed_terms.get(name, ()), top_n, grid)
        for ax in axes.flat[len(chosen):]:
            ax.set_visible(False)
        if any_seed:
            fig.legend(
                handles=[
                    Patch(color=PALETTE[1], label=figure_text("topic_seed_term", language)),
                    Patch(color=PALETTE[0], label=figure_text("topic_other_term", language)),
                ],
                loc="outside upper center", ncols=2,
            )
        fig.supxlabel(
            figure_text("topic_term_weight", language)
            + figure_text("clause_separator", language)
            + figure_text("own_scales", language),
            fontsize=8,
        )
    return fig


class _TermGrid(NamedTuple):
    """The panels of :func:`textplot_topic_terms`: how many across and down, and their room."""

    columns: int
    n_rows: int
    height: float  # the figure's, inches
    fig_width: float
    label_inches: float  # room for a term beside its bar


def _term_grid(
    n_topics: int, top_n: int, ncols: int | None, width: ColumnWidth, legend: bool, caller: str
) -> _TermGrid:
    """Panels per row as asked (default 3 at double width, 2 at single), more when the panels
    would not fit a page unless ``ncols`` is set; CannotDraw when they cannot fit at all."""
    fig_width = COLUMN_WIDTH_INCHES[width]
    panel_height = top_n * BAR_HEIGHT_INCHES + PANEL_OVERHEAD_INCHES
    columns = ncols or {"single": 2, "double": 3}[width]
    columns = min(columns, n_topics)
    legend_inches = 0.3 if legend else 0.0
    while (
        math.ceil(n_topics / columns) * panel_height + 0.4 + legend_inches
        > MAX_FIGURE_HEIGHT_INCHES
        and ncols is None and columns < min(MAX_COLUMNS, n_topics)
    ):
        columns += 1
    n_rows = math.ceil(n_topics / columns)
    height = n_rows * panel_height + 0.4 + legend_inches
    if height > MAX_FIGURE_HEIGHT_INCHES:
        raise CannotDraw(
            f"{caller}: {n_topics} topics of {top_n} terms need {height:.1f} in, more than "
            f"a page ({MAX_FIGURE_HEIGHT_INCHES} in); draw fewer topics (topic_names=[...]) or "
            "fewer terms (top_n)"
        )
    return _TermGrid(columns=columns, n_rows=n_rows, height=height, fig_width=fig_width,
                     label_inches=min(TERM_LABEL_INCHES, fig_width / columns / 2.5))


def _draw_term_panel(
    ax: Axes, own: pd.DataFrame, name: str, seed_terms: Sequence[str], top_n: int,
    grid: _TermGrid,
) -> bool:
    """One topic's bars, heaviest on top, seed terms in the second colour; whether it has any."""
    positions = np.arange(len(own))
    seeded = own["term"].isin(seed_terms).to_numpy()
    colours = np.where(seeded, PALETTE[1], PALETTE[0])
    ax.barh(positions, own["weight"].to_numpy(dtype=float), height=0.7,
            color=colours, edgecolor="none")
    ax.set_yticks(
        positions,
        labels=[fit_text(t, grid.label_inches, TICK_POINTS) for t in own["term"]],
    )
    ax.set_ylim(top_n - 0.5, -0.5)
    ax.set_title(fit_text(name, grid.fig_width / grid.columns - 0.2, TITLE_POINTS),
                 fontsize=TITLE_POINTS, loc="left")
    ax.tick_params(axis="y", length=0)
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_locator(MaxNLocator(3))
    ax.xaxis.set_tick_params(labelbottom=True)
    return bool(seeded.any())


# --- prevalence --------------------------------------------------------------------------------


def textplot_topic_prevalence(
    prevalence: pd.DataFrame,
    *,
    grouping: str | None = None,
    topic_names: Sequence[str] | None = None,
    width: ColumnWidth = "double",
    language: FigureLanguage = "en",
) -> Figure:
    """Mean topic share per group with its interval: lines over time, or dots and whiskers.

    ``prevalence`` is the table of
    :func:`analysis.measures.topics.textstat_topic_prevalence`. ``grouping`` chooses one of its
    groupings (default: its only one; a table of several needs the choice). A grouping named
    ``year``, ``decade`` or ``period``, or one whose every group begins with a number, is drawn
    over time: one panel per topic, lines joining consecutive steps only (a gap of more than a
    year, or a decade, breaks the line), the interval as a shaded band (a vertical line at a lone
    point); points of groups without an interval (one document) are hollow. Any other grouping
    is drawn as dots (mean share) and horizontal lines (interval), groups down the side (the
    group values name themselves; the grouping's column name, often English, is not shown). One
    panel per topic in either case (``topic_names`` picks and orders them), all on one share
    axis. Returns a new Figure.
    """
    caller = "textplot_topic_prevalence"
    check_language(language, caller)
    check_width(width, caller)
    require_columns(prevalence, PREVALENCE_TABLE_COLUMNS, caller, name="the topic prevalence table",
                source="the table of analysis.measures.topics.textstat_topic_prevalence")
    if prevalence.empty:
        raise CannotDraw(f"{caller}: the topic prevalence table is empty; nothing to plot")
    table = prevalence.assign(
        grouping=prevalence["grouping"].astype(str),
        group=prevalence["group"].astype(str),
        topic=prevalence["topic"].astype(str),
    )
    groupings = list(pd.unique(table["grouping"]))
    if grouping is None:
        if len(groupings) > 1:
            raise InputError(
                f"{caller}: the table has groupings {', '.join(groupings)}; choose one with "
                "grouping='…'"
            )
        grouping = groupings[0]
    elif grouping not in groupings:
        raise InputError(
            f"{caller}: grouping {grouping!r} is not in the table; it has {', '.join(groupings)}"
        )
    rows = table[table["grouping"] == grouping]
    chosen = _chosen(topic_names, list(pd.unique(rows["topic"])), "topic_names", "topic", caller)
    rows = rows[rows["topic"].isin(chosen)]
    positions = _time_positions(rows["group"], grouping)
    if positions is not None:
        return _prevalence_over_time(rows, chosen, positions, grouping, width, language)
    return _prevalence_by_group(rows, chosen, grouping, width, language)


def _time_positions(groups: pd.Series, grouping: str) -> pd.Series | None:
    """The year each group stands for (its first number), or None if it is not a time axis."""
    numbers = groups.str.extract(r"^\s*(-?\d+(?:\.\d+)?)", expand=False)
    if grouping in TIME_STEP or numbers.notna().all():
        if numbers.isna().any():
            return None
        return pd.to_numeric(numbers)
    return None


def _grid(n_panels: int, width: str) -> tuple[int, int]:
    columns = 1 if n_panels == 1 else (2 if width == "single" or n_panels <= 4 else 3)
    if width == "double" and n_panels > 12:
        columns = 4
    return columns, math.ceil(n_panels / columns)


def _prevalence_over_time(
    rows: pd.DataFrame,
    chosen: list[str],
    positions: pd.Series,
    grouping: str,
    width: str,
    language: FigureLanguage,
) -> Figure:
    rows = rows.assign(_x=positions.to_numpy(dtype=float))
    step = TIME_STEP.get(grouping, _typical_step(rows["_x"]))
    columns, n_rows = _grid(len(chosen), width)
    fig_width = COLUMN_WIDTH_INCHES[width]
    panel_inches = 1.35 if width == "double" else 1.2
    height = min(n_rows * panel_inches + 0.75, MAX_FIGURE_HEIGHT_INCHES)
    top = _share_top(rows)
    any_hollow = bool(rows["ci_low"].isna().any())
    any_interval = bool(rows["ci_low"].notna().any())
    with figure_style():
        fig = Figure(figsize=figure_size(width, height / fig_width), layout="constrained")
        axes = fig.subplots(n_rows, columns, sharex=True, sharey=True, squeeze=False)
        for ax, name in zip(axes.flat, chosen, strict=False):
            own = rows[rows["topic"] == name].sort_values("_x", kind="stable")
            x = own["_x"].to_numpy(dtype=float)
            y = own["mean_share"].to_numpy(dtype=float)
            low = own["ci_low"].to_numpy(dtype=float)
            high = own["ci_high"].to_numpy(dtype=float)
            breaks = np.flatnonzero(np.diff(x) > step + 1e-9) + 1
            for run in np.split(np.arange(len(x)), breaks):
                if len(run) > 1:
                    ax.plot(x[run], y[run], color=PALETTE[0], linestyle="-", linewidth=1.0)
                    ax.fill_between(x[run], low[run], high[run], color=PALETTE[0],
                                    alpha=BAND_ALPHA, linewidth=0)
                elif not np.isnan(low[run[0]]):
                    ax.vlines(x[run], low[run], high[run], color=PALETTE[0], linewidth=0.8)
            hollow = np.isnan(low)
            ax.plot(x[~hollow], y[~hollow], linestyle="none", marker="o", markersize=2.2,
                    color=PALETTE[0])
            ax.plot(x[hollow], y[hollow], linestyle="none", marker="o", markersize=2.2,
                    markerfacecolor="white", markeredgewidth=0.6, color=PALETTE[0])
            ax.set_title(fit_text(name, fig_width / columns - 0.3, TITLE_POINTS),
                         fontsize=TITLE_POINTS, loc="left")
            ax.set_ylim(0, top)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.yaxis.set_major_locator(MaxNLocator(4))
            # Round years as ticks (1950, 1975 or 1960, 1980…), decades and periods alike.
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True, steps=[1, 2, 2.5, 5, 10]))
            ax.grid(axis="y")
            ax.set_axisbelow(True)
        for ax in axes.flat[len(chosen):]:
            ax.set_visible(False)
        for index, ax in enumerate(axes.flat[: len(chosen)]):
            ax.xaxis.set_tick_params(labelbottom=index + columns >= len(chosen))
        notes = []
        if any_interval:
            notes.append(_interval_note(rows, "interval_band", language))
        if any_hollow and any_interval:
            notes.append(figure_text("topic_no_interval", language))
        x_title = _time_title(grouping, language)
        if notes:
            x_title += "\n" + wrap_note(
                figure_text("clause_separator", language).join(notes), fig_width - 0.3
            )
        fig.supxlabel(x_title, fontsize=8 if not notes else NOTE_POINTS)
        fig.supylabel(figure_text("topic_mean_share", language), fontsize=8)
    return fig


def _prevalence_by_group(
    rows: pd.DataFrame, chosen: list[str], grouping: str, width: str, language: FigureLanguage
) -> Figure:
    groups = list(pd.unique(rows["group"]))
    columns, n_rows = _grid(len(chosen), width)
    fig_width = COLUMN_WIDTH_INCHES[width]
    panel_inches = max(0.9, 0.18 * len(groups) + 0.5)
    height = n_rows * panel_inches + 0.75
    if height > MAX_FIGURE_HEIGHT_INCHES:
        raise CannotDraw(
            f"{textplot_topic_prevalence.__name__}: {len(chosen)} topics × {len(groups)} groups "
            f"need {height:.1f} in, more than a page; draw fewer topics (topic_names=[...])"
        )
    label_inches = min(GROUP_LABEL_INCHES, fig_width / columns / 2.2)
    labels = [wrap_text(g, label_inches, TICK_POINTS, max_lines=2) for g in groups]
    top = _share_top(rows)
    any_interval = bool(rows["ci_low"].notna().any())
    with figure_style():
        fig = Figure(figsize=figure_size(width, height / fig_width), layout="constrained")
        axes = fig.subplots(n_rows, columns, sharex=True, sharey=True, squeeze=False)
        for ax, name in zip(axes.flat, chosen, strict=False):
            own = rows[rows["topic"] == name].set_index("group").reindex(groups)
            y = np.arange(len(groups))
            mean = own["mean_share"].to_numpy(dtype=float)
            low = own["ci_low"].to_numpy(dtype=float)
            high = own["ci_high"].to_numpy(dtype=float)
            has = ~np.isnan(low)
            ax.hlines(y[has], low[has], high[has], color=PALETTE[0], linewidth=1.0)
            ax.plot(mean[has], y[has], linestyle="none", marker="o", markersize=3.5,
                    color=PALETTE[0])
            ax.plot(mean[~has], y[~has], linestyle="none", marker="o", markersize=3.5,
                    markerfacecolor="white", markeredgewidth=0.7, color=PALETTE[0])
            ax.set_yticks(y, labels=labels)
            ax.set_ylim(len(groups) - 0.5, -0.5)
            ax.set_xlim(0, top)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.set_title(fit_text(name, fig_width / columns - 0.3, TITLE_POINTS),
                         fontsize=TITLE_POINTS, loc="left")
            ax.tick_params(axis="y", length=0)
            ax.grid(axis="x")
            ax.set_axisbelow(True)
        for ax in axes.flat[len(chosen):]:
            ax.set_visible(False)
        for index, ax in enumerate(axes.flat[: len(chosen)]):
            ax.xaxis.set_tick_params(labelbottom=index + columns >= len(chosen))
        notes = []
        if any_interval:
            notes.append(_interval_note(rows, "topic_interval_horizontal", language))
        if rows["ci_low"].isna().any() and any_interval:
            notes.append(figure_text("topic_no_interval", language))
        x_title = figure_text("topic_mean_share", language)
        if notes:
            x_title += "\n" + wrap_note(
                figure_text("clause_separator", language).join(notes), fig_width - 0.3
            )
        fig.supxlabel(x_title, fontsize=8 if not notes else NOTE_POINTS)
    return fig


def _typical_step(x: pd.Series) -> float:
    """Smallest gap between time steps (for a numbered grouping that is not a known unit)."""
    gaps = np.diff(np.unique(x.to_numpy(dtype=float)))
    return float(gaps.min()) if len(gaps) else 1.0


def _share_top(rows: pd.DataFrame) -> float:
    """Top of the shared share axis: the largest mean or interval end, with a little air."""
    values = rows[["mean_share", "ci_high"]].to_numpy(dtype=float)
    largest = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    return min(1.0, largest * 1.08) if largest > 0 else 1.0


def _time_title(grouping: str, language: FigureLanguage) -> str:
    return figure_text(f"time_{grouping}", language) if grouping in TIME_STEP else grouping


def _interval_note(rows: pd.DataFrame, marks_key: str, language: FigureLanguage) -> str:
    levels = rows["confidence"].dropna().unique() if "confidence" in rows.columns else []
    level = (
        figure_text("percent_interval", language, level=f"{float(levels[0]):.0%}")
        if len(levels) == 1 else ""
    )
    separator = "，" if language == "zh" else ", "
    return figure_text(
        "interval_note", language, marks=figure_text(marks_key, language), level=level,
        method=separator + figure_text("ci_documents", language),
    )


# --- choosing k --------------------------------------------------------------------------------


def textplot_topic_k(
    k_table: pd.DataFrame,
    *,
    width: ColumnWidth = "double",
    language: FigureLanguage = "en",
) -> Figure:
    """Each measure of :func:`analysis.measures.topics.textstat_topic_k` against the number of
    topics, one panel per measure (in the table's order), side by side.

    Each panel's title names the measure and which way is better; the best value of a coherence
    measure (highest) or of perplexity (lowest) is ringed. Reconstruction error always falls as
    topics are added, so its panel says to read the elbow instead. Returns a new Figure.
    """
    caller = "textplot_topic_k"
    check_language(language, caller)
    check_width(width, caller)
    require_columns(k_table, K_TABLE_COLUMNS, caller, name="the k table",
                source="the table of analysis.measures.topics.textstat_topic_k")
    if k_table.empty:
        raise CannotDraw(f"{caller}: the k table is empty; nothing to plot")
    table = k_table.assign(measure=k_table["measure"].astype(str))
    measures = list(pd.unique(table["measure"]))
    unknown = [m for m in measures if m not in HIGHER_IS_BETTER]
    if unknown:
        raise InputError(
            f"{caller}: unknown measure(s) {', '.join(unknown)}; the table of textstat_topic_k "
            f"has {', '.join(HIGHER_IS_BETTER)}"
        )
    fig_width = COLUMN_WIDTH_INCHES[width]
    columns = min(len(measures), 3 if width == "double" else 1)
    n_rows = math.ceil(len(measures) / columns)
    height = n_rows * 1.7 + 0.5
    ringed = False
    with figure_style():
        fig = Figure(figsize=figure_size(width, height / fig_width), layout="constrained")
        axes = fig.subplots(n_rows, columns, sharex=True, squeeze=False)
        for ax, measure in zip(axes.flat, measures, strict=False):
            own = table[table["measure"] == measure].sort_values("k", kind="stable")
            k = own["k"].to_numpy(dtype=float)
            value = own["value"].to_numpy(dtype=float)
            ax.plot(k, value, color=PALETTE[0], marker="o", markersize=3)
            if measure in RINGED_MEASURES and np.isfinite(value).any():
                best = np.nanargmax(value) if HIGHER_IS_BETTER[measure] else np.nanargmin(value)
                ax.plot(k[best], value[best], linestyle="none", marker="o", markersize=9,
                        markerfacecolor="none", markeredgecolor=PALETTE[4], markeredgewidth=1.2)
                ringed = True
            direction = (
                "topic_k_elbow" if measure == "reconstruction_error"
                else "topic_k_higher" if HIGHER_IS_BETTER[measure] else "topic_k_lower"
            )
            title = (
                figure_text(f"topic_k_{measure}", language) + "\n"
                + figure_text(direction, language)
            )
            ax.set_title(
                "\n".join(
                    wrap_text(line, fig_width / columns - 0.3, TITLE_POINTS, max_lines=2)
                    for line in title.split("\n")
                ),
                fontsize=TITLE_POINTS, loc="left",
            )
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(4))
            ax.grid(axis="y")
            ax.set_axisbelow(True)
            ax.xaxis.set_tick_params(labelbottom=True)
        for ax in axes.flat[len(measures):]:
            ax.set_visible(False)
        x_title = figure_text("topic_k_number", language)
        if ringed:
            x_title += "\n" + figure_text("topic_k_best", language)
        fig.supxlabel(x_title, fontsize=8 if not ringed else NOTE_POINTS)
    return fig


# --- shared ------------------------------------------------------------------------------------


def _chosen(
    wanted: Sequence[str] | None, available: list[str], option: str, what: str, caller: str
) -> list[str]:
    if wanted is None:
        return available
    chosen = [wanted] if isinstance(wanted, str) else [str(w) for w in wanted]
    if not chosen:
        raise InputError(f"{caller}: {option} is empty; name at least one {what} or pass None")
    unknown = [w for w in chosen if w not in available]
    if unknown:
        raise InputError(
            f"{caller}: {what} {unknown[0]!r} is not in the table; choose from "
            f"{', '.join(available)}"
        )
    if len(set(chosen)) != len(chosen):
        raise InputError(f"{caller}: {option} names a {what} twice; name each once")
    return chosen


def _seed_terms(seeds: object, caller: str) -> dict[str, tuple[str, ...]]:
    if seeds is None:
        return {}
    if not isinstance(seeds, Mapping):
        raise InputError(
            f"{caller}: seeds must map topic names to seed terms (TopicModel.seeds), got "
            f"{type(seeds).__name__}"
        )
    return {
        str(name): (terms,) if isinstance(terms, str) else tuple(map(str, terms))
        for name, terms in seeds.items()
    }


__all__ = [
    "textplot_topic_k",
    "textplot_topic_prevalence",
    "textplot_topic_terms",
]
