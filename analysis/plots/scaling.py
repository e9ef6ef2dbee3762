"""Figures of text scaling: document positions with intervals (``textplot_scale_positions``) and
Wordfish's word parameters, the "Eiffel tower" (``textplot_wordfish_words``).

``textplot_scale_positions`` takes the ``positions`` table of
:func:`analysis.measures.scaling.textmodel_wordfish` or
:func:`~analysis.measures.scaling.textmodel_wordscores`. Without years it is a dot-and-whisker
chart, one row per document ordered by position (as quanteda.textplots' ``textplot_scale1d``);
with years, positions are plotted against time (documents of one year side by side). Groups
(a metadata column such as genre) take one colour and marker each, so they read in grayscale.

``textplot_wordfish_words`` plots every word's weight β against its fixed effect ψ in grey
(``textplot_scale1d(margin = "features")``): frequent words sit high and near β = 0, rare
words low and spread to both sides, hence the tower. Highlighted terms (slogans, say) and the
words with the most extreme weights are labelled, without overlaps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.checks import check_int, require_columns
from analysis.errors import CannotDraw, InputError
from analysis.plots.correspondence import draw_leader, place_labels, point_label
from analysis.plots.labels import FigureLanguage, check_language, figure_text, list_separator
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    MARKERS,
    MAX_FIGURE_HEIGHT_INCHES,
    PALETTE,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
    legend_columns,
    wrap_note,
)

ScoreColumn = Literal["auto", "theta", "raw_score", "rescaled_score"]
# score column → (interval columns)
SCORE_INTERVALS: dict[str, tuple[str, str]] = {
    "theta": ("ci_low", "ci_high"),
    "raw_score": ("ci_low", "ci_high"),
    "rescaled_score": ("rescaled_ci_low", "rescaled_ci_high"),
}
CI_NOTES = {
    "hessian": "scale_ci_hessian",
    "parametric_bootstrap": "scale_ci_bootstrap",
    "parametric_bootstrap_normal": "scale_ci_bootstrap",
    "normal": "scale_ci_normal",
}
MAX_GROUP_STYLES = 7  # the palette's colours and markers; more groups share "other"
OTHER_COLOUR = "0.55"
ROW_INCHES = 0.14  # per document row, at most
MIN_ROW_POINTS = 4.0  # tick labels smaller than this cannot be read in print
CHROME_INCHES = 0.75  # x axis, its title and the legend above the rows
NOTE_POINTS = 6.5
LABEL_POINTS = 6.5
GREY_DOTS = "0.6"
RASTER_ABOVE = 2000  # grey dots drawn as an image beyond this many (PDF and SVG stay small)


# --- positions -----------------------------------------------------------------------------------


def textplot_scale_positions(
    positions: pd.DataFrame,
    *,
    score: ScoreColumn = "auto",
    groups: Mapping[str, object] | pd.Series | None = None,
    years: Mapping[str, object] | pd.Series | None = None,
    doc_labels: Mapping[str, str] | None = None,
    width: ColumnWidth = "single",
    language: FigureLanguage = "en",
) -> Figure:
    """Document positions with their intervals, ordered by position or against time.

    ``positions`` is the ``positions`` table of ``textmodel_wordfish`` or
    ``textmodel_wordscores``. ``score`` picks the column: ``"auto"`` takes ``theta`` (Wordfish),
    else ``rescaled_score`` when the scores were rescaled, else ``raw_score``; the interval
    columns go with it (``ci_low``/``ci_high``, or ``rescaled_ci_low``/``rescaled_ci_high``),
    and a note under the figure gives their level and method (columns ``confidence``,
    ``ci_method``). On a rescaled Wordscores scale each reference text's given score is marked
    with a cross beside its estimate.

    Without ``years``: one row per document, the highest position on top; tick labels are
    ``doc_labels`` (doc id → label) or the doc ids; up to about 120 documents fit a page
    (``CannotDraw`` beyond). With ``years`` (doc id → year, e.g. a metadata column): positions
    against the year, documents of the same year side by side; documents without a year are
    left out and counted in the note. ``groups`` (doc id → group, ``None``/NaN for none) gives
    each of the seven largest groups a colour and marker, the rest "other"; the legend sits
    above the plot. ``width`` is ``"single"`` or ``"double"`` (column); ``language`` that of
    every fixed word. Returns a new Figure; nothing is saved.
    """
    caller = "textplot_scale_positions"
    require_columns(positions, ["doc_id"], caller, name="the positions table",
                source="the positions of textmodel_wordfish or textmodel_wordscores")
    check_width(width, caller)
    check_language(language, caller)
    if positions.empty:
        raise InputError(f"{caller}: the positions table is empty; nothing to plot")
    column = _score_column(positions, score, caller)
    low_column, high_column = SCORE_INTERVALS[column]
    table = pd.DataFrame({
        "doc_id": positions["doc_id"].astype(str).to_numpy(),
        "value": pd.to_numeric(positions[column], errors="coerce").to_numpy(dtype=float),
        "low": _numeric(positions, low_column),
        "high": _numeric(positions, high_column),
        "given": (_numeric(positions, "reference_score") if column == "rescaled_score"
                  else np.full(len(positions), np.nan)),
    })
    if table["doc_id"].duplicated().any():
        raise InputError(f"{caller}: the positions table lists a doc_id twice; pass one row per "
                         "document")
    table = table[np.isfinite(table["value"])].reset_index(drop=True)
    if table.empty:
        raise CannotDraw(f"{caller}: no document has a finite {column}; nothing to plot")
    styles = _group_styles(table["doc_id"], groups, language, caller)
    table["style"] = [styles[d]["group"] for d in table["doc_id"]]
    notes = [note] if (note := _interval_note(positions, language)) else []

    if years is None:
        fig = _rows_figure(table, styles, column, positions, doc_labels, width, language,
                           caller, notes)
    else:
        fig = _years_figure(table, styles, column, positions, years, width, language, caller,
                            notes)
    return fig


def _numeric(table: pd.DataFrame, column: str) -> np.ndarray:
    if column not in table.columns:
        return np.full(len(table), np.nan)
    return pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)


def _score_column(positions: pd.DataFrame, score: object, caller: str) -> str:
    if score not in ("auto", *SCORE_INTERVALS):
        raise InputError(f"{caller}: score must be 'auto', 'theta', 'raw_score' or "
                         f"'rescaled_score', got {score!r}")
    if score == "auto":
        if "theta" in positions.columns:
            return "theta"
        if "rescaled_score" in positions.columns and positions["rescaled_score"].notna().any():
            return "rescaled_score"
        score = "raw_score"
    if score not in positions.columns:
        raise InputError(
            f"{caller}: the positions table has no column {score!r}; pass the positions of "
            "textmodel_wordfish (theta) or textmodel_wordscores (raw_score, rescaled_score)"
        )
    if score == "rescaled_score" and not positions["rescaled_score"].notna().any():
        raise InputError(f"{caller}: rescaled_score is empty (the scores were not rescaled); use "
                         "score='raw_score' or rescale with textmodel_wordscores(rescaling=...)")
    return str(score)


def _axis_title(column: str, positions: pd.DataFrame, language: FigureLanguage) -> str:
    if column == "theta":
        return figure_text("scale_theta", language)
    if column == "raw_score":
        return figure_text("scale_raw_score", language)
    methods = positions["rescaling"].dropna().astype(str).unique() if (
        "rescaling" in positions.columns) else []
    key = "scale_rescaled_mv" if list(methods) == ["mv"] else "scale_rescaled_lbg"
    return figure_text(key, language)


def _interval_note(positions: pd.DataFrame, language: FigureLanguage) -> str:
    """Level and method of the intervals, from the table's own columns."""
    if "ci_method" not in positions.columns:
        return ""
    methods = positions["ci_method"].dropna().astype(str).unique()
    if len(methods) != 1 or methods[0] not in CI_NOTES:
        return ""
    levels = (positions["confidence"].dropna().unique() if "confidence" in positions.columns
              else [])
    level = (figure_text("percent_interval", language, level=f"{float(levels[0]):.0%}")
             if len(levels) == 1 else "")
    draws = (int(positions["n_resamples"].iloc[0]) if "n_resamples" in positions.columns
             else 0)
    return figure_text(CI_NOTES[methods[0]], language, level=level, count=draws)


def _group_styles(
    doc_ids: pd.Series, groups: object, language: FigureLanguage, caller: str
) -> dict[str, dict[str, object]]:
    """Per doc id: ``color``, ``marker``, ``group`` (legend entry), ``rank`` (legend order)."""
    ids = [str(d) for d in doc_ids]
    if groups is None:
        style = {"color": PALETTE[0], "marker": "o", "group": "", "rank": 0}
        return {d: style for d in ids}
    if isinstance(groups, pd.Series):
        groups = groups.to_dict()
    if not isinstance(groups, Mapping):
        raise InputError(
            f"{caller}: groups must map doc ids to group names (e.g. dict(zip(documents.doc_id, "
            f"documents.genre))), got {type(groups).__name__}"
        )
    missing = [d for d in ids if d not in groups]
    if missing:
        raise InputError(
            f"{caller}: groups has no entry for {len(missing)} document(s), e.g. "
            f"{', '.join(map(repr, missing[:3]))}; map every doc id to a group (None for none)"
        )
    no_group = figure_text("scale_no_group", language)
    names = {d: no_group if _is_missing(groups[d]) else str(groups[d]) for d in ids}
    sizes = pd.Series(list(names.values())).value_counts()
    order = sorted(sizes.index, key=lambda g: (g == no_group, -int(sizes[g]), g))
    if len(order) > MAX_GROUP_STYLES:
        kept, rest = order[: MAX_GROUP_STYLES - 1], order[MAX_GROUP_STYLES - 1:]
        other = figure_text("scale_other_groups", language, count=len(rest))
    else:
        kept, rest, other = order, [], ""
    styles: dict[str, dict[str, object]] = {
        g: {"color": OTHER_COLOUR if g == no_group else PALETTE[k], "marker": MARKERS[k],
            "group": g, "rank": k}
        for k, g in enumerate(kept)
    }
    for g in rest:
        styles[g] = {"color": OTHER_COLOUR, "marker": "o", "group": other, "rank": len(kept)}
    return {d: styles[names[d]] for d in ids}


def _is_missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # an array-like is not one missing value
        return False


def _draw_points(ax: Axes, table: pd.DataFrame, x: np.ndarray, y: np.ndarray,
                 styles: dict[str, dict[str, object]], *, vertical: bool) -> list[Line2D]:
    """Whiskers, then the points one scatter per style (legend order); the legend handles."""
    seen: dict[str, dict[str, object]] = {}
    for doc in table["doc_id"]:
        seen.setdefault(str(styles[doc]["group"]), styles[doc])
    handles = []
    for group, style in sorted(seen.items(), key=lambda item: item[1]["rank"]):
        mine = (table["style"] == group).to_numpy()
        low, high = table["low"].to_numpy()[mine], table["high"].to_numpy()[mine]
        has = np.isfinite(low) & np.isfinite(high)
        if vertical:
            ax.vlines(x[mine][has], low[has], high[has], color=style["color"], linewidth=0.8,
                      zorder=2)
        else:
            ax.hlines(y[mine][has], low[has], high[has], color=style["color"], linewidth=0.8,
                      zorder=2)
        ax.scatter(x[mine], y[mine], s=14, marker=style["marker"], color=style["color"],
                   edgecolors="black", linewidths=0.3, zorder=3)
        if group:
            handles.append(Line2D([], [], linestyle="none", marker=style["marker"],
                                  markersize=4, color=style["color"],
                                  markeredgecolor="black", markeredgewidth=0.3, label=group))
    return handles


def _given_scores(ax: Axes, table: pd.DataFrame, x_of_given: np.ndarray, y_of_given: np.ndarray,
                  language: FigureLanguage) -> list[Line2D]:
    has = np.isfinite(table["given"].to_numpy())
    if not has.any():
        return []
    ax.scatter(x_of_given[has], y_of_given[has], s=16, marker="x", color="black",
               linewidths=0.7, zorder=4)
    return [Line2D([], [], linestyle="none", marker="x", markersize=4, color="black",
                   markeredgewidth=0.7, label=figure_text("scale_reference_score", language))]


def _finish(fig: Figure, handles: list[Line2D], notes: list[str], fig_width: float) -> None:
    if handles:
        labels = [h.get_label() for h in handles]
        fig.legend(handles=handles, loc="outside upper center",
                   ncols=legend_columns(labels, fig_width), handletextpad=0.3,
                   columnspacing=1.0)
    if notes:
        text = "\n".join(wrap_note(note, fig_width - 0.2, NOTE_POINTS) for note in notes)
        fig.supxlabel(text, fontsize=NOTE_POINTS, x=0.01, ha="left", color="0.25")


def _rows_figure(
    table: pd.DataFrame, styles: dict[str, dict[str, object]], column: str,
    positions: pd.DataFrame, doc_labels: object, width: ColumnWidth, language: FigureLanguage,
    caller: str, notes: list[str],
) -> Figure:
    n_rows = len(table)
    fig_width = COLUMN_WIDTH_INCHES[width]
    extra = 0.2 * (len(notes) + 1)
    row = min(ROW_INCHES, (MAX_FIGURE_HEIGHT_INCHES - CHROME_INCHES - extra) / n_rows)
    tick_points = min(7.0, row * 72 * 0.85)
    if tick_points < MIN_ROW_POINTS:
        most = int((MAX_FIGURE_HEIGHT_INCHES - CHROME_INCHES - extra) * 72 * 0.85
                   / MIN_ROW_POINTS)
        raise CannotDraw(
            f"{caller}: {n_rows} documents do not fit one page as rows (at most {most}); pass "
            "years= to plot positions against time, or plot a subset of the table"
        )
    if doc_labels is not None and not isinstance(doc_labels, Mapping):
        raise InputError(f"{caller}: doc_labels must map doc ids to labels, got "
                         f"{type(doc_labels).__name__}")
    ordered = table.sort_values(["value", "doc_id"], kind="stable").reset_index(drop=True)
    y = np.arange(n_rows, dtype=float)
    height = n_rows * row + CHROME_INCHES + extra
    with figure_style():
        fig = Figure(figsize=figure_size(width, height / fig_width), layout="constrained")
        ax = fig.add_subplot()
        handles = _draw_points(ax, ordered, ordered["value"].to_numpy(), y, styles,
                               vertical=False)
        handles += _given_scores(ax, ordered, ordered["given"].to_numpy(), y, language)
        labels = [str((doc_labels or {}).get(d, d)) for d in ordered["doc_id"]]
        ax.set_yticks(y, labels=labels, fontsize=tick_points)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.7, n_rows - 0.3)
        ax.xaxis.grid(True)
        ax.set_axisbelow(True)
        ax.set_xlabel(_axis_title(column, positions, language))
        _finish(fig, handles, notes, fig_width)
    return fig


def _years_figure(
    table: pd.DataFrame, styles: dict[str, dict[str, object]], column: str,
    positions: pd.DataFrame, years: object, width: ColumnWidth, language: FigureLanguage,
    caller: str, notes: list[str],
) -> Figure:
    if isinstance(years, pd.Series):
        years = years.to_dict()
    if not isinstance(years, Mapping):
        raise InputError(f"{caller}: years must map doc ids to years (e.g. dict(zip("
                         f"documents.doc_id, documents.year))), got {type(years).__name__}")
    year = np.array([_year(years.get(d), d, caller) for d in table["doc_id"]], dtype=float)
    dated = np.isfinite(year)
    if not dated.any():
        raise CannotDraw(f"{caller}: no document of the positions table has a year in years; "
                         "map doc ids to years, or leave years=None for rows by position")
    if (~dated).any():
        notes = [*notes, figure_text("scale_no_year", language, count=int((~dated).sum()))]
    table = table[dated].reset_index(drop=True)
    year = year[dated]
    # Documents of one year side by side, so their whiskers do not hide one another.
    order = np.lexsort((table["value"].to_numpy(), year))
    x = year.copy()
    for value in np.unique(year):
        same = order[year[order] == value]
        if len(same) > 1:
            x[same] = value + np.linspace(-0.3, 0.3, len(same))
    fig_width = COLUMN_WIDTH_INCHES[width]
    with figure_style():
        fig = Figure(figsize=figure_size(width, 0.7 if width == "single" else 0.5),
                     layout="constrained")
        ax = fig.add_subplot()
        handles = _draw_points(ax, table, x, table["value"].to_numpy(), styles, vertical=True)
        handles += _given_scores(ax, table, x, table["given"].to_numpy(), language)
        ax.yaxis.grid(True)
        ax.set_axisbelow(True)
        ax.set_xlabel(figure_text("scale_year", language))
        ax.set_ylabel(_axis_title(column, positions, language))
        ax.xaxis.get_major_locator().set_params(integer=True)
        _finish(fig, handles, notes, fig_width)
    return fig


def _year(value: object, doc: str, caller: str) -> float:
    if _is_missing(value):
        return np.nan
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{caller}: the year of {doc!r} is {value!r}, not a number; give years "
                         "as numbers (e.g. 1998)") from None
    return number


# --- word parameters (the Eiffel tower) ----------------------------------------------------------


def textplot_wordfish_words(
    word_parameters: pd.DataFrame,
    *,
    highlight: Sequence[str] = (),
    extremes: int = 5,
    width: ColumnWidth = "single",
    language: FigureLanguage = "en",
) -> Figure:
    """Every word's weight β (x) against its fixed effect ψ (y), in grey; some labelled.

    ``word_parameters`` is the table of ``textmodel_wordfish``. ``highlight`` lists terms to
    label (slogans, say; placed first, so they keep their spot); terms not in the model (dropped
    as rare, or absent) are named in the note. ``extremes`` also labels that many words with
    the lowest and that many with the highest β (0 for none): the words that pull documents to
    each end. Labels never overlap one another or a labelled point; one without room is left
    out, and the note counts the labels shown. ``width`` is ``"single"`` or ``"double"``
    (column); ``language`` that of every fixed word. Returns a new Figure; nothing is saved.
    """
    caller = "textplot_wordfish_words"
    require_columns(word_parameters, ["term", "beta", "psi"], caller,
                name="the word parameters table",
                source="the word_parameters of textmodel_wordfish")
    check_width(width, caller)
    check_language(language, caller)
    if isinstance(highlight, str) or not isinstance(highlight, Sequence | set | frozenset
                                                    | pd.Index | pd.Series):
        raise InputError(f"{caller}: highlight must be a list of terms (e.g. ['团结', '改革']), "
                         f"got {highlight!r}")
    check_int(extremes, "extremes", caller, minimum=0)
    words = pd.DataFrame({
        "term": word_parameters["term"].astype(str).to_numpy(),
        "beta": pd.to_numeric(word_parameters["beta"], errors="coerce").to_numpy(dtype=float),
        "psi": pd.to_numeric(word_parameters["psi"], errors="coerce").to_numpy(dtype=float),
    })
    words = words[np.isfinite(words["beta"]) & np.isfinite(words["psi"])]
    if words.empty:
        raise CannotDraw(f"{caller}: no word has finite beta and psi; nothing to plot")
    by_term = words.drop_duplicates("term").set_index("term")
    wanted = list(dict.fromkeys(str(t) for t in highlight))
    shown_highlight = [t for t in wanted if t in by_term.index]
    absent = [t for t in wanted if t not in by_term.index]
    ranked = words.sort_values(["beta", "term"], kind="stable")["term"].tolist()
    extreme_terms = [t for t in ranked[:extremes] + ranked[::-1][:extremes]
                     if t not in shown_highlight]
    to_label = shown_highlight + list(dict.fromkeys(extreme_terms))

    fig_width = COLUMN_WIDTH_INCHES[width]
    with figure_style():
        fig = Figure(figsize=figure_size(width, 0.85 if width == "single" else 0.6),
                     layout="constrained")
        ax = fig.add_subplot()
        ax.scatter(words["beta"], words["psi"], s=2, color=GREY_DOTS, linewidths=0, alpha=0.6,
                   zorder=1, rasterized=len(words) > RASTER_ABOVE)
        ax.axvline(0, color="0.75", linewidth=0.5, linestyle="--", zorder=0)
        ax.set_xlabel(figure_text("wordfish_beta", language))
        ax.set_ylabel(figure_text("wordfish_psi", language))
        ax.margins(0.04)
        points = by_term.loc[to_label]
        if len(points):
            ax.scatter(points["beta"], points["psi"], s=6, color="black", linewidths=0,
                       zorder=3)
        notes = [figure_text("wordfish_words_note", language, count=len(words),
                             shown=len(to_label))]
        if absent:
            notes.append(figure_text("wordfish_not_estimated", language,
                                     terms=list_separator(language).join(absent)))
        note = fig.supxlabel("\n".join(wrap_note(n, fig_width - 0.2, NOTE_POINTS)
                                       for n in notes),
                             fontsize=NOTE_POINTS, x=0.01, ha="left", color="0.25")
        shown = _place_word_labels(fig, ax, points)
        fig.set_layout_engine("none")  # the layout the labels were placed in stays
        if shown != len(to_label):
            notes[0] = figure_text("wordfish_words_note", language, count=len(words),
                                   shown=shown)
            note.set_text("\n".join(wrap_note(n, fig_width - 0.2, NOTE_POINTS) for n in notes))
    return fig


def _place_word_labels(fig: Figure, ax: Axes, points: pd.DataFrame) -> int:
    """Label ``points`` (highlighted first) where no label covers another or a labelled point;
    a label without such a place is removed. Returns how many labels stay."""
    if points.empty:
        return 0
    fig.draw_without_rendering()  # limits as drawn, so each label can face inwards
    middle = float(np.mean(ax.get_xlim()))
    labels = []
    for term, row in points.iterrows():
        labels.append(point_label(ax, str(term), float(row["beta"]), float(row["psi"]),
                                  LABEL_POINTS, "black"))
    directions = ["E" if row["beta"] < middle else "W" for _, row in points.iterrows()]
    obstacles = [((float(r["beta"]), float(r["psi"])), 2.0) for _, r in points.iterrows()]
    far = place_labels(fig, labels, gaps=[2.5] * len(labels), first_directions=directions,
                       obstacles=obstacles)
    # place_labels leaves a label without a free place at its first spot: drop those, so no
    # label covers another, a labelled point, or runs out of the axes.
    inside = ax.get_window_extent()
    centres = ax.transData.transform(np.array([xy for xy, _ in obstacles], dtype=float))
    half = 2.0 * fig.dpi / 72.0  # the obstacles' radius, in pixels
    kept_boxes: list = []
    kept = 0
    for k, (label, is_far) in enumerate(zip(labels, far, strict=True)):
        box = label.get_window_extent()
        fits = (box.x0 >= inside.x0 and box.x1 <= inside.x1
                and box.y0 >= inside.y0 and box.y1 <= inside.y1)
        others = np.delete(centres, k, axis=0)
        hits_point = bool(((others[:, 0] + half > box.x0) & (others[:, 0] - half < box.x1)
                           & (others[:, 1] + half > box.y0)
                           & (others[:, 1] - half < box.y1)).any())
        hits_label = any(box.overlaps(other) for other in kept_boxes)
        if not fits or hits_point or hits_label:
            label.remove()
            continue
        kept_boxes.append(box)
        kept += 1
        if is_far:
            draw_leader(ax, label)
    return kept
