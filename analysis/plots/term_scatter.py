"""Term frequency in one group against another, most distinctive terms labelled
(``textplot_term_scatter``, after scattertext).

Each term is a point at its frequency per 10,000 tokens in group A (x) and group B (y), both on
log scales with a pseudo-count so that terms absent from one group still have a place (on the
bottom or left edge). Terms on the diagonal are used alike; the further from it, the more one
group favours the term. The ``label_n`` most distinctive terms of each side (by G² or log ratio
from :func:`analysis.measures.keyness.textstat_keyness`) are coloured and labelled.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from analysis.checks import check_choice, check_int, check_number, require_columns
from analysis.errors import CannotDraw, InputError
from analysis.features.dfm import dfm, dfm_group
from analysis.measures.keyness import textstat_keyness
from analysis.plots.correspondence import (
    draw_leader,
    place_labels,
    point_label,
    stack_coincident,
)
from analysis.plots.labels import FigureLanguage, check_language, figure_text
from analysis.plots.style import (
    MARKERS,
    PALETTE,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
)

DistinctivenessMeasure = Literal["g2", "log_ratio"]
MEASURES = ("g2", "log_ratio")
TOKEN_COLUMNS = ("doc_id", "token", "is_punct", "is_stop")
PER_TOKENS = 10_000
BACKGROUND_COLOUR = "0.65"
LABEL_FONT_SIZE = 6.5
MARKER_AREA = 12  # points², the labelled terms
MARKER_RADIUS = 2.5  # points, for keeping labels off the markers
BACKGROUND_RADIUS = 1.0


def textplot_term_scatter(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    grouping: str = "genre",
    group_a: str = "speech",
    group_b: str = "opinion",
    measure: DistinctivenessMeasure = "g2",
    label_n: int = 10,
    min_count: int = 2,
    pseudo_count: float = 0.5,
    width: ColumnWidth = "double",
    language: FigureLanguage = "en",
) -> Figure:
    """Scatter of every term's frequency in ``group_a`` (x) against ``group_b`` (y).

    ``tokens`` and ``documents`` are the corpus tables (``build_corpus``); ``grouping`` is a
    column of ``documents`` (``"genre"``, ``"level"``, or ``"doc_id"`` to compare two
    documents), ``group_a`` and ``group_b`` two of its values; documents in other groups are
    left out. Terms are counted as :func:`analysis.features.dfm.dfm` counts them (punctuation and
    stopwords dropped), and a term is shown when it occurs at least ``min_count`` times in the
    two groups together.

    Positions: ``(count + pseudo_count) / W × 10,000`` on log axes, ``W`` being the group's word
    tokens (stopwords included, as ``per_10k_tokens`` of ``term_frequencies.csv``);
    ``pseudo_count`` (default 0.5) puts absent terms at a finite position. The dashed diagonal
    marks equal relative frequency. Labelled: the ``label_n`` terms with the largest positive
    (favouring A) and negative (favouring B) ``measure`` — ``"g2"``, the signed log-likelihood
    of :func:`analysis.measures.keyness.textstat_keyness` (target A, reference B), or
    ``"log_ratio"`` (ties broken by G²). Terms sharing a position share a label. ``language``
    (``"en"`` or ``"zh"``) is that of the axis titles and legend. Returns a new Figure; nothing
    is saved.
    """
    _check_arguments(tokens, documents, grouping, group_a, group_b, measure, label_n,
                     min_count, pseudo_count, width)
    check_language(language, "textplot_term_scatter")
    group_of = _groups(documents, grouping, group_a, group_b)
    scores = _term_scores(tokens, group_of, group_a, group_b, min_count)
    if scores.empty:
        raise CannotDraw(
            f"textplot_term_scatter: no term occurs {min_count} times or more in {group_a!r} and "
            f"{group_b!r} together; lower min_count"
        )
    words = _word_totals(tokens, group_of)
    x = (scores["count_target"] + pseudo_count) / words[str(group_a)] * PER_TOKENS
    y = (scores["count_reference"] + pseudo_count) / words[str(group_b)] * PER_TOKENS
    points = pd.DataFrame({"label": scores["term"], "x": x, "y": y, "g2": scores["g2"],
                           "strength": scores[measure], "direction": scores["direction"]})
    sides = [
        _top(points, "positive", label_n, descending=True),
        _top(points, "negative", label_n, descending=False),
    ]
    side_names = [str(group_a), str(group_b)]

    low = float(min(points["x"].min(), points["y"].min())) / 1.5
    high = float(max(points["x"].max(), points["y"].max())) * 1.5
    with figure_style():
        fig = Figure(figsize=figure_size(width, 1.0 if width == "single" else 0.6),
                     layout="constrained")
        ax = fig.add_subplot()
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.plot([low, high], [low, high], color="0.5", linewidth=0.6, linestyle="--", zorder=1)
        ax.scatter(points["x"], points["y"], s=4, color=BACKGROUND_COLOUR, alpha=0.45,
                   linewidths=0, zorder=2)
        for index, side in enumerate(sides):
            ax.scatter(side["x"], side["y"], s=MARKER_AREA, marker=MARKERS[index],
                       color=PALETTE[index], edgecolors="black", linewidths=0.3, zorder=3)
        ax.set_xlim(low, high)
        ax.set_ylim(low, high)
        # Equal limits put equal use on the corner-to-corner diagonal at any figure shape.
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.set_xlabel(figure_text("per_10k_tokens_log", language, group=group_a))
        ax.set_ylabel(figure_text("per_10k_tokens_log", language, group=group_b))
        # Outside the axes: both upper-left and lower-right corners hold labelled terms.
        fig.legend(handles=_legend_handles(side_names, measure, language),
                   loc="outside lower center" if width == "single" else "outside right upper",
                   ncols=1, fontsize=6.5, handletextpad=0.3)
        _label_terms(fig, ax, sides)
    return fig


def _check_arguments(
    tokens: object, documents: object, grouping: object, group_a: object, group_b: object,
    measure: object, label_n: object, min_count: object, pseudo_count: object, width: object,
) -> None:
    caller = "textplot_term_scatter"
    require_columns(tokens, TOKEN_COLUMNS, caller, name="the tokens table",
                    source="corpus.tokens from analysis.build_corpus")
    require_columns(documents, ["doc_id"], caller, name="the documents table",
                    source="corpus.documents from analysis.build_corpus")
    if tokens.empty:
        raise InputError("textplot_term_scatter: the tokens table is empty; nothing to plot")
    if not isinstance(grouping, str) or grouping not in documents.columns:
        raise InputError(
            f"textplot_term_scatter: grouping {grouping!r} is not a column of documents; choose "
            f"from {', '.join(map(str, documents.columns))}"
        )
    if str(group_a) == str(group_b):
        raise InputError(
            f"textplot_term_scatter: group_a and group_b are both {group_a!r}; choose two "
            "different groups"
        )
    check_choice(measure, "measure", caller, MEASURES)
    check_int(label_n, "label_n", caller, minimum=0)
    check_int(min_count, "min_count", caller, minimum=1)
    check_number(pseudo_count, "pseudo_count", caller, above=0, maximum=1)
    check_width(width, caller)


def _groups(documents: pd.DataFrame, grouping: str, group_a: str, group_b: str) -> dict[str, str]:
    """doc_id → group for the documents of the two groups compared."""
    values = documents[grouping].astype("string")
    available = sorted(str(v) for v in pd.unique(values.dropna()))
    for group in (group_a, group_b):
        if str(group) not in available:
            raise InputError(
                f"textplot_term_scatter: no document has {grouping} = {group!r}; choose from "
                f"{', '.join(available)}"
            )
    chosen = values.isin([str(group_a), str(group_b)]).fillna(False).to_numpy(dtype=bool)
    return dict(zip(documents["doc_id"].astype(str)[chosen], values[chosen].astype(str),
                    strict=True))


def _term_scores(
    tokens: pd.DataFrame, group_of: dict[str, str], group_a: str, group_b: str, min_count: int
) -> pd.DataFrame:
    """textstat_keyness of group A (target) against group B (reference), every kept term."""
    in_groups = tokens["doc_id"].astype(str).isin(group_of)
    docs = list(group_of)
    counts = dfm(tokens.loc[in_groups], docs=docs)
    grouped = dfm_group(counts, group_of)
    try:
        return textstat_keyness(grouped, str(group_a), str(group_b), min_count=min_count)
    except InputError as error:
        raise InputError(f"textplot_term_scatter: {error}") from None


def _word_totals(tokens: pd.DataFrame, group_of: dict[str, str]) -> pd.Series:
    """Word tokens (punctuation excluded, stopwords included) per group."""
    doc_ids = tokens["doc_id"].astype(str)
    words = doc_ids[~tokens["is_punct"].to_numpy(dtype=bool)]
    return words.map(group_of).value_counts()


def _top(points: pd.DataFrame, direction: str, n: int, *, descending: bool) -> pd.DataFrame:
    """The ``n`` strongest terms of one side (ties: larger |G²|, then term), strongest first."""
    side = points[points["direction"].astype(str) == direction]
    side = side.assign(abs_g2=side["g2"].abs())
    ordered = side.sort_values(
        ["strength", "abs_g2", "label"], ascending=[not descending, False, True], kind="stable"
    )
    return ordered.head(n)


def _legend_handles(side_names: list[str], measure: str, language: str) -> list[Line2D]:
    measure_name = "G²" if measure == "g2" else figure_text("log_ratio", language)
    handles = [
        Line2D([], [], linestyle="none", marker=MARKERS[i], markersize=4, color=PALETTE[i],
               markeredgecolor="black", markeredgewidth=0.3,
               label=figure_text("favours", language, group=name, measure=measure_name))
        for i, name in enumerate(side_names)
    ]
    handles.append(Line2D([], [], linestyle="none", marker="o", markersize=2.5,
                          color=BACKGROUND_COLOUR, label=figure_text("other_terms", language)))
    return handles


def _label_terms(fig: Figure, ax: Axes, sides: list[pd.DataFrame]) -> None:
    """Label each side's terms away from the diagonal (A below right, B above left)."""
    labels, first_directions, obstacles = [], [], []
    for index, side in enumerate(sides):
        stacked = stack_coincident(side.loc[:, ["x", "y", "label"]])
        for point in stacked.itertuples(index=False):
            labels.append(point_label(ax, point.label, point.x, point.y, LABEL_FONT_SIZE,
                                      "black"))
            first_directions.append("SE" if index == 0 else "NW")
            obstacles.append(((point.x, point.y), MARKER_RADIUS))
    gaps = [MARKER_RADIUS + 1.0] * len(labels)
    far = place_labels(fig, labels, gaps=gaps, first_directions=first_directions,
                       obstacles=obstacles)
    for label, is_far in zip(labels, far, strict=True):
        if is_far:
            draw_leader(ax, label)
