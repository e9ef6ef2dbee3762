"""Slogan rates over time (``textplot_slogan_trends``): one panel per slogan, one line per group.

Draws the ``slogan_trends`` table (a rate per 10,000 characters per slogan, group and time step)
as small multiples. Each panel has its own rate scale, because the rates of 团结 and 一把手
differ by orders of magnitude; read the ticks before comparing panels. The panels share the time
axis.

How the figure stays honest about thin data:

* Lines break where the series skips time steps (no government work report 1989–1991): two
  points are joined only if their years differ by at most the step of the time unit (1 for
  ``"year"``, 10 for ``"decade"``; periods are of unequal length, so consecutive periods are always
  joined). A line bridging a gap would invent the rates of the missing years.
* A rate resting on fewer than ``min_docs`` documents is drawn as a hollow marker.
* Intervals (``ci_low``–``ci_high``) are translucent bands along each joined run, and whiskers at
  points that stand alone.

Groups are told apart by colour, line style *and* marker, so the figure reads in grayscale.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator, StrMethodFormatter

from analysis.checks import check_bool, check_int, check_optional_string, require_columns
from analysis.errors import InputError
from analysis.plots.labels import FigureLanguage, check_language, figure_text, list_separator
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    LINESTYLES,
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
    wrap_text,
)

TREND_COLUMNS = (
    "slogan",
    "grouping",
    "group",
    "time_unit",
    "time",
    "year",
    "n_docs",
    "n_chars",
    "per_10k_chars",
    "ci_low",
    "ci_high",
    "ci_method",
    "confidence",
)
ALL_DOCUMENTS_GROUPING = ""
# Largest gap in years between two points a line may join, per time unit.
TIME_STEP: dict[str, float] = {"year": 1, "decade": 10, "period": math.inf}
# ci_method of analysis.measures.slogan_counts: what the percentile bootstrap resampled.
CI_METHODS = {"paragraphs": "ci_paragraphs", "documents": "ci_documents"}  # figure text keys
INTERVAL_MARKS = {"band": "interval_band", "whisker": "interval_whisker"}
# Groups are dodged over this share of the distance between time steps (the nominal step when
# there is one time step).
DODGE_SHARE = 0.3
NOMINAL_STEP = {"year": 1.0, "decade": 10.0, "period": 5.0}

BAND_ALPHA = 0.18
TITLE_POINTS = 8
TICK_POINTS = 7
NOTE_POINTS = 7
MAX_TITLE_LINES = 2
# Panel heights in inches: preferred, and the least that still shows a trend.
PANEL_INCHES = {"single": 1.45, "double": 1.75}
MIN_PANEL_INCHES = 0.95
Y_TICKS_INCHES = 0.5  # a panel's y tick labels and the padding beside it
SUPYLABEL_INCHES = 0.25
MAX_LEGEND_COLUMNS = 5


def textplot_slogan_trends(
    trends: pd.DataFrame,
    *,
    slogans: Sequence[str] | None = None,
    grouping: str | None = None,
    min_docs: int = 2,
    intervals: bool = True,
    width: ColumnWidth = "double",
    max_groups: int = 8,
    title: str | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """Small multiples of slogan rates per 10,000 characters over time, one line per group.

    ``trends`` is the ``slogan_trends`` table: one row per (grouping, group, year, slogan) with
    ``per_10k_chars`` (mentions / characters × 10,000 of the cell's documents), its interval
    ``ci_low``–``ci_high`` (NaN when none), ``n_docs``, ``n_chars``, the ``time_unit`` and the
    ``time`` label of the step at position ``year`` (its first year for decades and periods).

    * One panel per slogan, in the table's order or the order of ``slogans``; each panel has its
      own y scale starting at zero; all share the x axis. Panels fill a grid as wide as the page.
    * One line per group of ``grouping`` (a grouping of the table, e.g. ``"genre"`` or
      ``"genre×decade"``; default: its first grouping other than ``""``, else ``""``, the
      all-documents line). At most ``max_groups`` groups, those with the most characters in
      total; a note under the figure names the ones left out. Lines and legend keep the table's
      order of groups.
    * Points resting on fewer than ``min_docs`` documents are hollow (the legend says so); lines
      break across missing time steps (see the module's docstring).
    * ``intervals`` draws the table's intervals, where it has them, as bands along each joined
      run and vertical lines at lone points; the note under the figure gives their level and
      method. When there are vertical lines and several groups, each group's points are
      shifted sideways a little (the groups spread over 30% of the distance between the closest
      time steps), so that the lines at one time step do not hide each other.
    * For ``"year"`` steps the x ticks are years; for decades and periods each step is a tick
      labelled with its ``time`` label at its ``year``.

    ``width`` is the journal column ("single" 3.5 in or "double" 7 in); ``title`` an optional
    figure title; ``language`` (``"en"`` or ``"zh"``) that of the axis titles, legend and notes.
    Returns a new Figure; nothing is saved, the input is not changed.
    """

    caller = "textplot_slogan_trends"
    check_language(language, caller)
    table = _validated(trends, caller)
    check_int(min_docs, "min_docs", caller, minimum=1)
    check_bool(intervals, "intervals", caller)
    check_width(width, caller)
    check_int(max_groups, "max_groups", caller, minimum=1)
    check_optional_string(title, "title", caller)
    selection = _selected(table, slogans, grouping, max_groups, caller)
    layout = _layout(selection, width, min_docs, intervals, title, language, caller)
    return _draw(selection, layout, width, min_docs, intervals, title, language)


@dataclass(frozen=True)
class _Selection:
    """What the figure shows: the ``slogans`` (one panel each), the ``rows`` of ``grouping``
    for them and the ``shown`` groups, the groups left out (``dropped``), and the time steps."""

    slogans: list[str]
    grouping: str
    rows: pd.DataFrame
    time_unit: str
    shown: list[str]
    dropped: list[str]
    steps: pd.DataFrame


@dataclass(frozen=True)
class _Layout:
    """Sizes (inches), texts and styles of the figure: ``columns`` × ``panel_rows`` panels each
    ``panel_width`` wide under a legend ``legend_height`` tall; ``hollow_label`` is None when no
    point is hollow."""

    columns: int
    panel_rows: int
    fig_width: float
    fig_height: float
    legend_height: float
    panel_width: float
    titles: dict[str, str]
    hollow_label: str | None
    legend_columns: int
    has_intervals: bool
    dropped_note: str
    styles: dict[str, dict[str, Any]]
    offsets: Mapping[str, float]
    marker_size: float


# --- data ---------------------------------------------------------------------------------------


def _selected(
    table: pd.DataFrame,
    slogans: Sequence[str] | None,
    grouping: str | None,
    max_groups: int,
    caller: str,
) -> _Selection:
    chosen = _chosen_slogans(table, slogans, caller)
    grouping = _chosen_grouping(table, grouping, caller)
    rows = table[table["grouping"].astype(str) == grouping]
    rows = rows[rows["slogan"].astype(str).isin(chosen)]
    if rows.empty:
        raise InputError(
            f"{caller}: grouping {grouping!r} has no rows for slogan(s) {', '.join(chosen)}; "
            "choose slogans the grouping has, or another grouping"
        )
    time_unit = _time_unit(rows, grouping, caller)
    shown_groups, dropped_groups = _groups(rows, max_groups)
    rows = rows[rows["group"].astype(str).isin(shown_groups)]
    steps = _time_steps(rows, caller)
    return _Selection(chosen, grouping, rows, time_unit, shown_groups, dropped_groups, steps)


def _validated(table: object, caller: str) -> pd.DataFrame:
    require_columns(
        table,
        TREND_COLUMNS,
        caller,
        name="the slogan trends table",
        source="the slogan_trends table (slogan rates per group and time step)",
    )
    if table.empty:
        raise InputError(
            f"{caller}: the slogan trends table is empty; build it from documents that have a "
            "year and characters"
        )
    units = set(table["time_unit"].astype(str))
    if not units <= set(TIME_STEP):
        raise InputError(
            f"{caller}: time_unit {', '.join(sorted(units - set(TIME_STEP)))!s} is unknown; the "
            "table's time_unit must be 'year', 'decade' or 'period'"
        )
    years = pd.to_numeric(table["year"], errors="coerce")
    if years.isna().any():
        raise InputError(
            f"{caller}: every row needs a year (the position on the time axis); "
            "some are missing or not numbers"
        )
    # slogan_trends.csv read back with pandas has NaN where the all-documents line has "".
    return table.assign(
        grouping=table["grouping"].fillna(ALL_DOCUMENTS_GROUPING).astype(str),
        group=table["group"].astype(str),
        slogan=table["slogan"].astype(str),
    )


def _chosen_slogans(table: pd.DataFrame, slogans: Sequence[str] | None, caller: str) -> list[str]:
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


def _chosen_grouping(table: pd.DataFrame, grouping: str | None, caller: str) -> str:
    present = list(dict.fromkeys(table["grouping"].astype(str)))
    if grouping is None:
        return next((g for g in present if g != ALL_DOCUMENTS_GROUPING), ALL_DOCUMENTS_GROUPING)
    if grouping not in present:
        listed = ", ".join(repr(g) for g in present)
        raise InputError(
            f"{caller}: the table has no grouping {grouping!r}; it has {listed} "
            "('' is the all-documents line)"
        )
    return grouping


def _time_unit(rows: pd.DataFrame, grouping: str, caller: str) -> str:
    units = list(dict.fromkeys(rows["time_unit"].astype(str)))
    if len(units) != 1:
        raise InputError(
            f"{caller}: the rows of grouping {grouping!r} mix time units ({', '.join(units)}); "
            "build the trends table with one time unit per grouping"
        )
    duplicated = rows.duplicated(["group", "year", "slogan"])
    if duplicated.any():
        first = rows[duplicated].iloc[0]
        raise InputError(
            f"{caller}: grouping {grouping!r} has more than one row for group "
            f"{first['group']!r}, year {first['year']}, slogan {first['slogan']!r}; the table "
            "needs one row per (grouping, group, year, slogan)"
        )
    return units[0]


def _groups(rows: pd.DataFrame, max_groups: int) -> tuple[list[str], list[str]]:
    """The groups drawn (table order) and those left out (most characters first)."""
    cells = rows.assign(group=rows["group"].astype(str)).drop_duplicates(["group", "year"])
    order = list(dict.fromkeys(cells["group"]))
    chars = cells.groupby("group", sort=False)["n_chars"].sum()
    # Most characters first; ties keep the table's order (a stable sort).
    ranked = sorted(order, key=lambda g: -float(chars[g]))
    kept = set(ranked[:max_groups])
    return [g for g in order if g in kept], ranked[max_groups:]


def _time_steps(rows: pd.DataFrame, caller: str) -> pd.DataFrame:
    """The time steps drawn, by year: ``year`` (float) and ``time`` (label)."""
    steps = (
        rows.assign(year=rows["year"].astype(float), time=rows["time"].astype(str))
        .drop_duplicates("year")
        .sort_values("year")[["year", "time"]]
    )
    labels = rows.assign(year=rows["year"].astype(float), time=rows["time"].astype(str))
    clash = labels.drop_duplicates(["year", "time"]).duplicated("year")
    if clash.any():
        year = labels.drop_duplicates(["year", "time"])[clash]["year"].iloc[0]
        raise InputError(
            f"{caller}: year {year:g} has more than one time label; each time step needs one label"
        )
    return steps.reset_index(drop=True)


def _interval_note(rows: pd.DataFrame, drawn: set[str], language: FigureLanguage) -> str:
    """What the bands and vertical lines are: level and method of the table's intervals."""
    with_ci = rows[rows["ci_low"].notna() & rows["ci_high"].notna()]
    levels = with_ci["confidence"].dropna().unique()
    level = (
        figure_text("percent_interval", language, level=f"{float(levels[0]):.0%}")
        if len(levels) == 1 else ""
    )
    methods = [m for m in dict.fromkeys(with_ci["ci_method"].dropna().astype(str)) if m]
    method = " / ".join(
        figure_text(CI_METHODS[m], language) if m in CI_METHODS else m for m in methods
    )
    marks = figure_text("interval_and", language).join(
        figure_text(key, language) for kind, key in INTERVAL_MARKS.items() if kind in drawn
    ) or figure_text("interval_band", language)
    separator = "，" if language == "zh" else ", "
    return figure_text(
        "interval_note", language, marks=marks, level=level,
        method=f"{separator}{method}" if method else "",
    )


def _dropped_note(
    shown: list[str], dropped: list[str], fig_width: float, language: FigureLanguage
) -> str:
    """Which groups beyond ``max_groups`` are left out ("" when none)."""
    if not dropped:
        return ""
    return fit_text(
        figure_text(
            "groups_dropped", language, shown=len(shown), total=len(shown) + len(dropped),
            dropped=list_separator(language).join(dropped),
        ),
        fig_width - 0.3,
        NOTE_POINTS,
    )


# --- layout -------------------------------------------------------------------------------------


def _layout(
    selection: _Selection,
    width: ColumnWidth,
    min_docs: int,
    intervals: bool,
    title: str | None,
    language: FigureLanguage,
    caller: str,
) -> _Layout:
    rows, shown_groups, steps = selection.rows, selection.shown, selection.steps
    n_panels = len(selection.slogans)
    columns = _n_columns(n_panels, width)
    panel_rows = math.ceil(n_panels / columns)
    fig_width = COLUMN_WIDTH_INCHES[width]
    panel_width = (fig_width - SUPYLABEL_INCHES) / columns - Y_TICKS_INCHES
    titles = {s: _panel_title(s, panel_width) for s in selection.slogans}
    title_lines = max(t.count("\n") + 1 for t in titles.values())

    any_hollow = bool((rows["n_docs"].to_numpy() < min_docs).any())
    legend_entries = len(shown_groups) + any_hollow
    hollow_label = _hollow_label(min_docs, language) if any_hollow else None
    legend_columns = _legend_columns(shown_groups, fig_width, hollow_label)
    has_intervals = intervals and bool((rows["ci_low"].notna() & rows["ci_high"].notna()).any())
    dropped_note = _dropped_note(shown_groups, selection.dropped, fig_width, language)
    n_notes = has_intervals + bool(dropped_note)
    legend_height = 0.19 * math.ceil(legend_entries / legend_columns) + 0.24 + 0.1
    extras = (
        legend_height
        + 0.25
        + 0.14 * n_notes  # x axis title and notes
        + (0.3 if title else 0.0)
    )
    fig_height = _figure_height(
        selection, width, panel_rows, panel_width, title_lines, extras, caller
    )

    styles = {group: _group_style(k) for k, group in enumerate(shown_groups)}
    # Vertical interval lines of several groups at one time step would hide each other: shift
    # the groups sideways then. Bands need no shift (and would look misplaced).
    dodged = (
        has_intervals
        and len(shown_groups) > 1
        and _has_vertical_intervals(rows, selection.time_unit)
    )
    offsets = _dodge(shown_groups if dodged else [], steps, selection.time_unit)
    marker_size = _marker_size(len(steps), panel_width)
    return _Layout(
        columns, panel_rows, fig_width, fig_height, legend_height, panel_width, titles,
        hollow_label, legend_columns, has_intervals, dropped_note, styles, offsets, marker_size,
    )


def _figure_height(
    selection: _Selection,
    width: ColumnWidth,
    panel_rows: int,
    panel_width: float,
    title_lines: int,
    extras: float,
    caller: str,
) -> float:
    """Panels of their preferred height, or lower down to the least that shows a trend; with
    ``extras`` (legend, axis title, notes, title) at most a page."""
    tick_rows = _tick_label_inches(selection.steps, selection.time_unit, panel_width)
    panel_height = PANEL_INCHES[width] + 0.13 * (title_lines - 1) + tick_rows
    available = (MAX_FIGURE_HEIGHT_INCHES - extras) / panel_rows
    if available < MIN_PANEL_INCHES + tick_rows:
        raise InputError(
            f"{caller}: {len(selection.slogans)} slogans need {panel_rows} rows of panels, more "
            f"than fit on a page ({MAX_FIGURE_HEIGHT_INCHES} in): choose fewer slogans "
            "(slogans=[...])" + (" or width='double'" if width == "single" else "")
        )
    return panel_rows * min(panel_height, available) + extras


# --- drawing ------------------------------------------------------------------------------------


def _draw(
    selection: _Selection,
    layout: _Layout,
    width: ColumnWidth,
    min_docs: int,
    intervals: bool,
    title: str | None,
    language: FigureLanguage,
) -> Figure:
    fig_height = layout.fig_height
    with figure_style():
        fig = Figure(figsize=figure_size(width, fig_height / layout.fig_width))
        # The legend gets a subfigure of its own: constrained layout stacks subfigures and a
        # suptitle, but would draw a figure legend "outside" over the suptitle.
        legend_part, panels_part = fig.subfigures(
            2, 1, height_ratios=[layout.legend_height, fig_height - layout.legend_height],
            hspace=0,
        )
        drawn = _draw_panels(panels_part, selection, layout, min_docs, intervals)
        _draw_legend(legend_part, selection, layout)
        panels_part.supylabel(figure_text("mentions_per_10k", language), fontsize=8)
        notes = (
            [_interval_note(selection.rows, drawn, language)] if layout.has_intervals else []
        )
        notes += [layout.dropped_note] if layout.dropped_note else []
        x_title = figure_text(f"time_{selection.time_unit}", language)
        if notes:
            x_title += "\n" + "\n".join(notes)
        panels_part.supxlabel(x_title, fontsize=8 if not notes else NOTE_POINTS)
        fig.get_layout_engine().set(wspace=0.06, hspace=0.06)
        if title:
            fig.suptitle(title)
    return fig


def _draw_panels(
    panels_part: SubFigure,
    selection: _Selection,
    layout: _Layout,
    min_docs: int,
    intervals: bool,
) -> set[str]:
    """One panel per slogan; return the kinds of interval marks drawn."""
    rows, steps, time_unit = selection.rows, selection.steps, selection.time_unit
    n_panels, columns = len(selection.slogans), layout.columns
    axes = panels_part.subplots(layout.panel_rows, columns, squeeze=False, sharex=True).ravel()
    drawn: set[str] = set()  # which kinds of interval marks the panels have
    for index, ax in enumerate(axes):
        if index >= n_panels:
            ax.set_visible(False)
            continue
        slogan = selection.slogans[index]
        own = rows[rows["slogan"].astype(str) == slogan]
        for group in selection.shown:
            series = own[own["group"].astype(str) == group].sort_values("year", kind="stable")
            drawn |= _draw_series(
                ax,
                series,
                group,
                layout.styles[group],
                layout.offsets[group],
                time_unit,
                min_docs,
                intervals,
                layout.marker_size,
            )
        _y_axis(ax, own, intervals)
        ax.set_title(layout.titles[slogan], fontsize=TITLE_POINTS, loc="left")
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        # The lowest panel of each column shows the time axis, even above an empty slot.
        ax.tick_params(axis="x", labelbottom=index + columns >= n_panels)
    _x_axis(axes[0], steps, time_unit, layout.panel_width)
    for index, ax in enumerate(axes[:n_panels]):
        if index + columns >= n_panels:
            _rotate_if_crowded(ax, steps, time_unit, layout.panel_width)
    return drawn


def _draw_legend(legend_part: SubFigure, selection: _Selection, layout: _Layout) -> None:
    """One entry per group (colour, line style and marker), and one for hollow points."""
    styles = layout.styles
    handles = [
        Line2D(
            [],
            [],
            color=styles[g]["color"],
            linestyle=styles[g]["linestyle"],
            marker=styles[g]["marker"],
            markersize=4,
            label=_legend_label(g, layout.fig_width),
        )
        for g in selection.shown
    ]
    if layout.hollow_label is not None:
        handles.append(
            Line2D(
                [],
                [],
                color="0.35",
                linestyle="none",
                marker="o",
                markersize=4,
                markerfacecolor="white",
                label=layout.hollow_label,
            )
        )
    legend_part.legend(
        handles=handles,
        loc="center",
        ncols=layout.legend_columns,
        handlelength=2.6,
        columnspacing=1.2,
        handletextpad=0.4,
        title=selection.grouping or None,
        borderaxespad=0,
    )


def _group_style(index: int) -> dict[str, Any]:
    """Colour, line style and marker of the ``index``-th group; beyond the palette's seven, the
    marker and line style shift so that no two of the first 49 groups look alike."""
    lap = index // len(PALETTE)
    return {
        "color": PALETTE[index % len(PALETTE)],
        "linestyle": LINESTYLES[(index + 3 * lap) % len(LINESTYLES)],
        "marker": MARKERS[(index + lap) % len(MARKERS)],
    }


def _spacing(steps: pd.DataFrame, time_unit: str) -> float:
    """Years between the closest two time steps (the unit's nominal step if there is one)."""
    years = steps["year"].to_numpy(dtype=float)
    return float(np.diff(years).min()) if len(years) > 1 else NOMINAL_STEP[time_unit]


def _dodge(groups: list[str], steps: pd.DataFrame, time_unit: str) -> Mapping[str, float]:
    """Sideways shift of each group's points (in years), so that points and intervals of
    different groups at one time step stand apart: the groups spread over DODGE_SHARE of the
    closest two time steps' distance, centred on the step (no shift for fewer than two)."""
    if len(groups) < 2:
        return defaultdict(float)
    spread = DODGE_SHARE * _spacing(steps, time_unit)
    return {g: (k / (len(groups) - 1) - 0.5) * spread for k, g in enumerate(groups)}


def _marker_size(n_steps: int, panel_width: float) -> float:
    """Markers shrink as time steps crowd, so neighbours do not merge (points)."""
    spacing = panel_width * 72 / max(n_steps, 1)
    return float(np.clip(spacing * 0.7, 2.2, 4.0))


def _runs(years: np.ndarray, step: float) -> list[np.ndarray]:
    """Indices of the runs of consecutive points a line joins (a break where years jump)."""
    if len(years) == 0:
        return []
    breaks = np.flatnonzero(np.diff(years) > step) + 1
    return np.split(np.arange(len(years)), breaks)


def _interval_marks(
    runs: list[np.ndarray], low: np.ndarray, high: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray]:
    """The runs drawn as bands (two or more points with an interval), and the points whose
    interval is a vertical line instead (no neighbour with an interval to band with)."""
    bands, lone = [], []
    for run in runs:
        with_ci = run[np.isfinite(low[run]) & np.isfinite(high[run])]
        if len(with_ci) > 1:
            bands.append(run)
        else:
            lone.append(with_ci)
    return bands, np.concatenate(lone) if lone else np.empty(0, dtype=int)


def _has_vertical_intervals(rows: pd.DataFrame, time_unit: str) -> bool:
    """Whether any series has a point whose interval is drawn as a vertical line."""
    for _, series in rows.groupby(["slogan", "group"], sort=False):
        series = series.sort_values("year", kind="stable")
        runs = _runs(series["year"].to_numpy(dtype=float), TIME_STEP[time_unit])
        low = series["ci_low"].to_numpy(dtype=float)
        high = series["ci_high"].to_numpy(dtype=float)
        if len(_interval_marks(runs, low, high)[1]):
            return True
    return False


def _draw_series(
    ax: Axes,
    series: pd.DataFrame,
    group: str,
    style: dict[str, Any],
    offset: float,
    time_unit: str,
    min_docs: int,
    intervals: bool,
    marker_size: float,
) -> set[str]:
    """Draw one group's line, points and intervals; return the kinds of interval marks drawn."""
    drawn: set[str] = set()
    if series.empty:
        return drawn
    runs = _runs(series["year"].to_numpy(dtype=float), TIME_STEP[time_unit])
    years = series["year"].to_numpy(dtype=float) + offset
    rates = series["per_10k_chars"].to_numpy(dtype=float)
    low = series["ci_low"].to_numpy(dtype=float)
    high = series["ci_high"].to_numpy(dtype=float)
    hollow = series["n_docs"].to_numpy() < min_docs
    _draw_line(ax, runs, years, rates, group, style)
    if intervals:
        drawn = _draw_intervals(ax, runs, years, low, high, group, style["color"])
    _draw_points(ax, years, rates, hollow, group, style, marker_size)
    return drawn


def _draw_line(
    ax: Axes,
    runs: list[np.ndarray],
    years: np.ndarray,
    rates: np.ndarray,
    group: str,
    style: dict[str, Any],
) -> None:
    """One line, with NaN between runs: matplotlib leaves a gap there."""
    xs, ys = [], []
    for run in runs:
        if xs:
            xs.append([np.nan])
            ys.append([np.nan])
        xs.append(years[run])
        ys.append(rates[run])
    ax.plot(
        np.concatenate(xs),
        np.concatenate(ys),
        color=style["color"],
        linestyle=style["linestyle"],
        linewidth=1.1,
        marker="none",
        gid=f"trend:{group}",
        zorder=3,
    )


def _draw_intervals(
    ax: Axes,
    runs: list[np.ndarray],
    years: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    group: str,
    colour: str,
) -> set[str]:
    """Bands along runs and vertical lines at lone points; return the kinds drawn."""
    drawn: set[str] = set()
    band_runs, alone = _interval_marks(runs, low, high)
    for run in band_runs:
        ax.fill_between(
            years[run],
            low[run],
            high[run],
            color=colour,
            alpha=BAND_ALPHA,
            linewidth=0,
            gid=f"band:{group}",
            zorder=1,
        )
        drawn.add("band")
    if len(alone):
        ax.vlines(
            years[alone],
            low[alone],
            high[alone],
            color=colour,
            linewidth=0.8,
            alpha=0.6,
            gid=f"whisker:{group}",
            zorder=2,
        )
        drawn.add("whisker")
    return drawn


def _draw_points(
    ax: Axes,
    years: np.ndarray,
    rates: np.ndarray,
    hollow: np.ndarray,
    group: str,
    style: dict[str, Any],
    marker_size: float,
) -> None:
    """Filled markers, and hollow ones where a rate rests on fewer than ``min_docs`` documents."""
    colour = style["color"]
    common = {
        "linestyle": "none",
        "marker": style["marker"],
        "markersize": marker_size,
        "zorder": 4,
    }
    if (~hollow).any():
        ax.plot(
            years[~hollow],
            rates[~hollow],
            color=colour,
            markeredgecolor="white",
            markeredgewidth=0.3,
            gid=f"filled:{group}",
            **common,
        )
    if hollow.any():
        ax.plot(
            years[hollow],
            rates[hollow],
            color=colour,
            markerfacecolor="white",
            markeredgecolor=colour,
            markeredgewidth=0.8,
            gid=f"hollow:{group}",
            **common,
        )


def _y_axis(ax: Axes, own: pd.DataFrame, intervals: bool) -> None:
    """Own scale from zero to just above the panel's highest rate (or interval)."""
    values = [own["per_10k_chars"].to_numpy(dtype=float)]
    if intervals:
        values.append(own["ci_high"].to_numpy(dtype=float))
    stacked = np.concatenate(values)
    finite = stacked[np.isfinite(stacked)]
    top = float(finite.max()) if finite.size else 0.0
    if top <= 0:
        ax.set_ylim(0, 1)
        ax.text(
            0.5,
            0.5,
            "not mentioned" if finite.size else "no data",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=TICK_POINTS,
            color="0.4",
        )
        return
    ax.set_ylim(0, top * 1.08)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, min_n_ticks=3))


def _x_axis(ax: Axes, steps: pd.DataFrame, time_unit: str, panel_width: float) -> None:
    """Ticks on the shared x axis (set once: shared axes share their locator and formatter)."""
    years = steps["year"].to_numpy(dtype=float)
    first, last = float(years.min()), float(years.max())
    span = last - first
    if time_unit == "year":
        pad = max(0.6, span * 0.02)
        if len(years) <= max(2, int(panel_width * 2.5)):
            ax.xaxis.set_major_locator(FixedLocator(years))
        else:
            ax.xaxis.set_major_locator(
                MaxNLocator(nbins=max(3, int(panel_width * 3)), integer=True, steps=[1, 2, 5, 10])
            )
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))
    else:
        pad = max(3.0, span * 0.03) if time_unit == "decade" else max(2.0, span * 0.04)
        shown = _thinned(steps, panel_width)
        ax.set_xticks(shown["year"].to_numpy(dtype=float), shown["time"].tolist())
    ax.xaxis.set_minor_locator(NullLocator())
    pad = max(pad, DODGE_SHARE * _spacing(steps, time_unit))  # room for dodged points
    ax.set_xlim(first - pad, last + pad)


def _label_inches(label: str) -> float:
    return text_ems(label) * TICK_POINTS / 72


def _thinned(steps: pd.DataFrame, panel_width: float) -> pd.DataFrame:
    """Every k-th decade or period label, so that even rotated labels do not collide."""
    room = panel_width / 0.16  # rotated labels stand about a line height apart
    every = max(1, math.ceil(len(steps) / room))
    return steps.iloc[::every]


def _crowded(steps: pd.DataFrame, time_unit: str, panel_width: float) -> bool:
    """Whether a decade or period axis needs its labels rotated to keep them apart."""
    if time_unit == "year":
        return False
    shown = _thinned(steps, panel_width)
    years = shown["year"].to_numpy(dtype=float)
    if len(years) < 2:
        return False
    span = max(float(years.max() - years.min()), 1.0)
    inches_per_year = panel_width * 0.92 / span
    widths = np.array([_label_inches(t) for t in shown["time"]])
    # Neighbouring labels, centred on their ticks, need half of each one's width between them.
    needed = (widths[:-1] + widths[1:]) / 2 + 0.05
    return bool((np.diff(years) * inches_per_year < needed).any())


def _tick_label_inches(steps: pd.DataFrame, time_unit: str, panel_width: float) -> float:
    """Extra height the x tick labels need when rotated."""
    if not _crowded(steps, time_unit, panel_width):
        return 0.0
    longest = max(_label_inches(t) for t in _thinned(steps, panel_width)["time"])
    return longest * math.sin(math.radians(40))


def _rotate_if_crowded(ax: Axes, steps: pd.DataFrame, time_unit: str, panel_width: float) -> None:
    if _crowded(steps, time_unit, panel_width):
        # "xtick" rotation mode keeps each label's end under its tick.
        ax.tick_params(axis="x", labelrotation=40, labelrotation_mode="xtick")


def _panel_title(slogan: str, panel_width: float) -> str:
    """The slogan on up to two lines of the panel's width; shortened with "…" beyond that."""
    return wrap_text(slogan, panel_width, TITLE_POINTS, max_lines=MAX_TITLE_LINES)


def _legend_label(group: str, fig_width: float) -> str:
    return fit_text(group, fig_width / 2.5, 7)


def _hollow_label(min_docs: int, language: FigureLanguage) -> str:
    return figure_text("hollow_few_documents", language, n=min_docs)


def _legend_columns(groups: list[str], fig_width: float, hollow_label: str | None) -> int:
    """The most legend columns (at most five) whose entries fit across the figure."""
    labels = [_legend_label(g, fig_width) for g in groups]
    if hollow_label:
        labels.append(hollow_label)
    return legend_columns(labels, fig_width, points=TICK_POINTS, max_columns=MAX_LEGEND_COLUMNS)


def _n_columns(n_panels: int, width: str) -> int:
    """Panels per row: wide enough to read a 70-year line."""
    if width == "single":
        return 1 if n_panels <= 4 else 2
    if n_panels == 1:
        return 1
    return 2 if n_panels <= 4 else 3
