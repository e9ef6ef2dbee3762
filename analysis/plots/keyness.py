"""Keywords of one document or group against a reference (``textplot_keyness``).

As quanteda's ``textplot_keyness``: the ``top_n`` terms most over-represented in the target
(positive keyness, filled bars pointing right) above the ``top_n`` most under-represented
(negative keyness, hatched bars pointing left). Filled against hatched, and the side of the zero
line, keep the two apart in grayscale. Takes the table of
:func:`analysis.measures.keyness.textstat_keyness_groups` or of its ``textstat_keyness``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.checks import check_bool, check_choice, check_int, require_columns
from analysis.errors import CannotDraw, InputError
from analysis.plots.labels import FigureLanguage, check_language, figure_text
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    HATCHES,
    MAX_FIGURE_HEIGHT_INCHES,
    PALETTE,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
)

KeynessMeasure = Literal["g2", "log_ratio"]
MEASURE_TITLES: dict[str, str] = {  # figure text keys of the axis title
    "g2": "keyness_g2",
    "log_ratio": "keyness_log_ratio",
}
KEYNESS_PLOT_COLUMNS = ("target", "reference", "term", "g2", "log_ratio", "direction")
TARGET_COLOUR, REFERENCE_COLOUR = PALETTE[0], PALETTE[1]
REFERENCE_HATCH = HATCHES[1]
ROW_HEIGHT_INCHES = 0.135
OVERHEAD_INCHES = 0.75  # axis title, tick labels and legend


def textplot_keyness(
    keyness: pd.DataFrame,
    *,
    target: str,
    reference: str = "rest",
    grouping: str | None = None,
    top_n: int = 15,
    measure: KeynessMeasure = "g2",
    show_negative: bool = True,
    width: ColumnWidth = "single",
    language: FigureLanguage = "en",
) -> Figure:
    """Bars of the target's ``top_n`` positive and ``top_n`` negative keywords.

    ``keyness`` is the output of :func:`analysis.measures.keyness.textstat_keyness_groups` (all
    comparisons, with a ``grouping`` column) or of ``textstat_keyness`` (one comparison).
    ``target`` and ``reference`` pick the comparison: a doc id or a group value (``"speech"``)
    and ``"rest"`` (everything else pooled) or another group. ``grouping`` (``"doc_id"``,
    ``"genre"``, …) is needed only when the same target name occurs in several groupings.

    Keywords are ranked by ``measure``: ``"g2"`` (signed log-likelihood, the significance of
    the difference) or ``"log_ratio"`` (Hardie's effect size; ties broken by G²). Positive
    keywords (``direction == "positive"``) are drawn top-down from the strongest; negative ones
    (under-represented in the target) below them, the strongest at the bottom, unless
    ``show_negative`` is false. ``language`` (``"en"`` or ``"zh"``) is that of the axis title
    and of the reference's name when it is "rest". Returns a new Figure; nothing is saved.
    """
    _check_arguments(keyness, top_n, measure, width, show_negative)
    check_language(language, "textplot_keyness")
    comparison = _comparison(keyness, target, reference, grouping)
    positive, negative = _keywords(comparison, measure, top_n)
    if not show_negative:
        negative = negative.iloc[:0]
    if positive.empty and negative.empty:
        raise CannotDraw(
            f"textplot_keyness: {target!r} against {reference!r} has no term with positive or "
            "negative keyness to plot (every term is equally frequent on both sides)"
        )

    # Rows from the top: positive keywords, one empty row as a gap, then negative keywords.
    gap = 1 if len(positive) and len(negative) else 0
    n_rows = len(positive) + gap + len(negative)
    values = np.r_[positive[measure].to_numpy(), negative[measure].to_numpy()[::-1]]
    terms = [*positive["term"], *negative["term"][::-1]]
    rows = np.r_[np.arange(len(positive)), len(positive) + gap + np.arange(len(negative))]
    is_positive = np.r_[np.ones(len(positive), bool), np.zeros(len(negative), bool)]

    height = min(n_rows * ROW_HEIGHT_INCHES + OVERHEAD_INCHES, MAX_FIGURE_HEIGHT_INCHES)
    with figure_style():
        fig = Figure(
            figsize=figure_size(width, height / COLUMN_WIDTH_INCHES[width]), layout="constrained"
        )
        ax = fig.add_subplot()
        ax.barh(rows[is_positive], values[is_positive], height=0.72, color=TARGET_COLOUR,
                edgecolor=TARGET_COLOUR)
        ax.barh(rows[~is_positive], values[~is_positive], height=0.72, color="white",
                edgecolor=REFERENCE_COLOUR, hatch=REFERENCE_HATCH)
        ax.set_yticks(rows, labels=terms)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(n_rows - 0.5, -0.5)  # strongest positive keyword on top
        ax.axvline(0, color="black", linewidth=0.6)
        ax.xaxis.grid(True)
        ax.set_axisbelow(True)
        ax.set_xlabel(figure_text(MEASURE_TITLES[measure], language))
        target_label = str(comparison["target"].iloc[0])
        reference_label = _reference_label(
            str(comparison["reference"].iloc[0]), comparison, language
        )
        handles = [Patch(facecolor=TARGET_COLOUR, edgecolor=TARGET_COLOUR, label=target_label)]
        if len(negative):
            handles.append(Patch(facecolor="white", edgecolor=REFERENCE_COLOUR,
                                 hatch=REFERENCE_HATCH, label=reference_label))
        fig.legend(handles=handles, loc="outside upper center", ncols=len(handles),
                   handlelength=1.4, columnspacing=1.2)
    return fig


def _check_arguments(
    table: object, top_n: object, measure: object, width: object, show_negative: object
) -> None:
    require_columns(
        table,
        KEYNESS_PLOT_COLUMNS,
        "textplot_keyness",
        name="the keyness table",
        source="the output of analysis.measures.keyness.textstat_keyness_groups or "
        "textstat_keyness",
    )
    if table.empty:
        raise InputError(
            "textplot_keyness: the keyness table is empty, so there is nothing to plot; it needs "
            "at least two documents with counted tokens"
        )
    check_int(top_n, "top_n", "textplot_keyness", minimum=1)
    check_choice(measure, "measure", "textplot_keyness", MEASURE_TITLES)
    check_width(width, "textplot_keyness")
    check_bool(show_negative, "show_negative", "textplot_keyness")


def _comparison(
    table: pd.DataFrame, target: object, reference: object, grouping: object
) -> pd.DataFrame:
    """The rows of the one comparison ``target`` against ``reference`` (in ``grouping``)."""
    targets = table["target"].astype(str)
    has_grouping = "grouping" in table.columns
    if grouping is not None:
        if not has_grouping:
            raise InputError(
                "textplot_keyness: grouping was given but the table has no grouping column "
                "(a textstat_keyness table holds one comparison); leave grouping=None"
            )
        groupings = sorted(pd.unique(table["grouping"].astype(str)))
        if str(grouping) not in groupings:
            raise InputError(
                f"textplot_keyness: grouping {grouping!r} is not in the table; choose from "
                f"{', '.join(groupings)}"
            )
    if str(target) not in set(targets):
        shown = _listing(targets)
        raise InputError(
            f"textplot_keyness: target {target!r} is not a target of the keyness table; choose "
            f"a doc id or group from {shown}"
        )
    rows = targets == str(target)
    if grouping is not None:
        in_grouping = table["grouping"].astype(str) == str(grouping)
        if not (rows & in_grouping).any():
            found = sorted(pd.unique(table.loc[rows, "grouping"].astype(str)))
            raise InputError(
                f"textplot_keyness: target {target!r} is not in grouping {grouping!r}; it is in "
                f"{', '.join(found)}"
            )
        rows &= in_grouping
    references = table.loc[rows, "reference"].astype(str)
    if str(reference) not in set(references):
        raise InputError(
            f"textplot_keyness: {target!r} is not compared with reference {reference!r} in the "
            f"table; its references are {_listing(references)}"
        )
    rows &= table["reference"].astype(str) == str(reference)
    if has_grouping and grouping is None:
        found = sorted(pd.unique(table.loc[rows, "grouping"].astype(str)))
        if len(found) > 1:
            raise InputError(
                f"textplot_keyness: {target!r} against {reference!r} occurs in several groupings "
                f"({', '.join(found)}); pass grouping= one of them"
            )
    return table.loc[rows]


def _listing(values: pd.Series, limit: int = 12) -> str:
    unique = sorted(pd.unique(values))
    return ", ".join(unique[:limit]) + (", …" if len(unique) > limit else "")


def _keywords(
    comparison: pd.DataFrame, measure: str, top_n: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``top_n`` strongest positive and negative keywords, strongest first."""
    columns = comparison.loc[:, list(dict.fromkeys(["term", "g2", measure, "direction"]))]
    ranked = columns.assign(term=columns["term"].astype(str), strength=columns[measure].abs())
    # Ties (frequent with log ratio: every term seen twice only in the target) go by G², then term.
    ranked = ranked.assign(g2_strength=ranked["g2"].abs()).sort_values(
        ["strength", "g2_strength", "term"], ascending=[False, False, True], kind="stable"
    )
    direction = ranked["direction"].astype(str)
    return (
        ranked[direction == "positive"].head(top_n),
        ranked[direction == "negative"].head(top_n),
    )


def _reference_label(reference: str, comparison: pd.DataFrame, language: str) -> str:
    if reference != "rest":
        return reference
    grouping = comparison["grouping"].iloc[0] if "grouping" in comparison.columns else None
    return figure_text(
        "rest_documents" if grouping in (None, "doc_id") else "rest_groups", language
    )
