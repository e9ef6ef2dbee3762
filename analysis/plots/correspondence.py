"""Correspondence analysis biplot of documents and terms (``textplot_ca``).

A symmetric map: documents and terms both in principal coordinates (as the R package ``ca``
plots by default), documents as markers, terms as small grey labels. Only the terms that
contribute most to the two axes shown are drawn, so the map stays readable with the 60 terms
:func:`analysis.measures.correspondence.textmodel_ca` analyses by default; with many documents,
only the documents that contribute most (and the outermost) are labelled, documents can be
coloured by a metadata group, and a far outlier is drawn at the frame's edge rather than
squashing the rest. A legend explains the markers, a note what is labelled; English or Chinese.

Labels are placed by a small greedy algorithm (:func:`place_labels`): each label takes the first
free spot around its point, documents first, with a leader line when it had to move away; in
the map a label with no free spot is left out rather than drawn over another. Terms at the same
position share one label (:func:`stack_coincident`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text
from matplotlib.ticker import ScalarFormatter

from analysis.errors import InputError
from analysis.measures.correspondence import CorrespondenceAnalysis
from analysis.plots.fonts import font_stack
from analysis.plots.labels import FigureLanguage, check_language, figure_text
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    MARKERS,
    PALETTE,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
    text_ems,
)

TERM_COLOUR = "0.45"  # grey: terms are context, documents the subject
TERM_FONT_SIZE = 6.5
DOCUMENT_FONT_SIZE = 7
DOCUMENT_MARKER_AREA = 22  # points²
DOCUMENT_MARKER_RADIUS = 3.0  # points, about sqrt(area) / 2 plus the edge
TERM_DOT_RADIUS = 1.2
MAX_STACKED = 4  # terms joined in one label at a shared position
NOTE_FONT_SIZE = 6.5
TICK_FONT_SIZE = 7
MAX_GROUP_STYLES = 7  # the palette's colours and markers; more groups share "other"
OUTLIER_MIN_DOCUMENTS = 20  # fewer documents say too little about what is typical
OUTLIER_FACTOR = 2.0  # × the 95th percentile of the documents' distances from the origin
ARROW_POINTS = 12.0  # length of the arrow from a point set at the frame's edge outwards
EDGE_INSET = ARROW_POINTS + 3.0  # points between the frame and such a point
MAP_ASPECTS = (0.55, 0.9)  # the least and most height / width of the map itself
MAP_SIDE_INCHES = 0.55  # the y axis's ticks and title, beside the map
MAP_CHROME_INCHES = {"single": 1.3, "double": 1.0}  # legend, x axis, note: above and below
NO_LINE_START = frozenset("、，。；：！？）」』】》”’,.;:!?)")


def textplot_ca(
    ca_result: CorrespondenceAnalysis,
    *,
    dimensions: tuple[int, int] = (1, 2),
    max_terms: int | None = 20,
    doc_labels: Mapping[str, str] | None = None,
    width: ColumnWidth = "double",
    groups: Mapping[str, object] | pd.Series | None = None,
    label_documents: int | None = 15,
    language: FigureLanguage = "en",
) -> Figure:
    """Documents and terms on two dimensions of a correspondence analysis.

    ``ca_result`` is the output of :func:`analysis.measures.correspondence.textmodel_ca`;
    ``dimensions`` the two axes to show (they must be among the dimensions it reported: ask
    ``textmodel_ca(..., dimensions=3)`` for the third). Axis titles give each dimension's share of
    the total inertia. Of the terms, the ``max_terms`` (default 20; ``None`` = all) with the
    largest contribution to the plane are drawn: ``(λ_a·ctr_a + λ_b·ctr_b) / (λ_a + λ_b)``,
    their share of the inertia the two axes display. ``doc_labels`` maps doc ids to labels.
    Both axes have the same scale, so distances on the map are comparable in every direction.

    Every document is drawn; with more than ``label_documents`` documents (default 15;
    ``None`` = label every one) only that many are labelled, those with the largest
    contribution to the plane (the same formula), and also the outermost on each side of both
    axes. ``groups`` maps every doc id to a group (a dict or a Series indexed by doc id, from a
    metadata column such as genre; ``None`` or NaN for none): documents then take one colour
    and marker per group, the seven largest groups apart and the rest as "other". The legend,
    above the map, explains the markers.

    With 20 documents or more, a point (document or drawn term) farther from the origin than
    twice the 95th percentile of the documents' distances would squash the others into a
    corner: it is drawn at the frame's edge, with an arrow towards where it lies and its
    coordinates beside its label. No label covers another label or a point: a label without
    room is left out, and a note under the map says what is labelled and what lies outside.
    ``language`` (``"en"`` or ``"zh"``) is the language of the axis titles, legend and note.
    Returns a new Figure; nothing is saved.
    """
    caller = "textplot_ca"
    _check_arguments(ca_result, dimensions, max_terms, width)
    check_language(language, caller)
    _check_label_documents(label_documents, caller)
    layout = _map_layout(ca_result, dimensions, max_terms, doc_labels, width, groups,
                         label_documents, language)
    with figure_style():
        fig = Figure(figsize=(layout.fig_width, layout.fig_height), layout="constrained")
        ax = _map_axes(fig, layout, language)
        _draw_documents_and_legend(fig, ax, layout, language)
        labels = _point_labels(ax, layout)
        # The note takes its room now, as many lines as it can need, so that the layout does
        # not move once labels are placed; the final counts replace it at the end.
        note = fig.supxlabel(
            _map_note(layout, language, labelled=len(layout.doc_rows), room_note=True,
                      shown_terms=int(layout.stacked["members"].sum())),
            fontsize=NOTE_FONT_SIZE, x=0.01, ha="left", color="0.25",
        )
        _freeze_frame(fig, ax, labels)
        edge = _draw_edge_points(ax, layout, labels)
        obstacles = _draw_arrows(ax, layout, edge)
        placed = _place_or_drop(fig, ax, labels, obstacles)
        _draw_term_dots(ax, layout, edge, placed)
        _finish_note(note, layout, placed, language)
    return fig


# --- the map's layout, labels and note -----------------------------------------------------------


@dataclass(frozen=True)
class _MapLayout:
    """What the map shows, fixed before anything is drawn."""

    first: int  # the dimensions on the x and y axes
    second: int
    shares: pd.DataFrame  # the CA's inertia table, indexed by dimension
    documents: pd.DataFrame  # every document, largest contribution to the plane first
    n_terms: int  # terms in the CA result
    stacked: pd.DataFrame  # the drawn terms, one row per position, ``members`` per row
    styles: dict[str, dict[str, object]]
    names: dict[str, str]  # per doc id, its label
    labelled: set[str]  # the doc ids the labelling rule chose
    doc_rows: list[int]  # their rows in ``documents``
    outside_docs: pd.Series  # beyond the fence: drawn at the frame's edge
    outside_terms: pd.Series
    inside: np.ndarray  # the points the frame holds, with the origin
    fig_width: float
    fig_height: float


@dataclass(frozen=True)
class _Labels:
    """The map's labels, documents first, and what the placer needs of each."""

    annotations: list[Annotation]
    keys: list[tuple[str, int]]  # ("document" | "term", row in its table)
    first_directions: list[str]
    gaps: list[float]
    is_outside: list[bool]


def _check_label_documents(label_documents: object, caller: str) -> None:
    if label_documents is not None and (
        isinstance(label_documents, bool)
        or not isinstance(label_documents, int | np.integer)
        or label_documents < 0
    ):
        raise InputError(
            f"{caller}: label_documents must be a whole number (0 for no document labels) or "
            f"None to label every document, got {label_documents!r}"
        )


def _map_layout(
    ca_result: CorrespondenceAnalysis,
    dimensions: tuple[int, int],
    max_terms: int | None,
    doc_labels: Mapping[str, str] | None,
    width: ColumnWidth,
    groups: Mapping[str, object] | pd.Series | None,
    label_documents: int | None,
    language: FigureLanguage,
) -> _MapLayout:
    first, second = (int(d) for d in dimensions)
    points = _wide_points(ca_result.coordinates, first, second)
    shares = ca_result.inertia.set_index("dimension")
    lambda_a, lambda_b = (float(shares.loc[d, "inertia"]) for d in (first, second))
    points["plane"] = (lambda_a * points["ctr_a"] + lambda_b * points["ctr_b"]) / (
        lambda_a + lambda_b
    )
    points = points.sort_values(["plane", "label"], ascending=[False, True], kind="stable")
    documents = points[points["kind"] == "document"].reset_index(drop=True)
    all_terms = points[points["kind"] == "term"]
    terms = all_terms if max_terms is None else all_terms.head(max_terms)
    styles = _document_styles(documents["label"], groups, language, "textplot_ca")
    names = {d: str((doc_labels or {}).get(d, d)) for d in documents["label"]}
    labelled = _documents_to_label(documents, label_documents)
    stacked = _stacked_terms(terms)
    fence = _fence(documents)
    outside_docs = _beyond(documents, fence)
    outside_terms = _beyond(stacked, fence)
    inside = pd.concat([documents.loc[~outside_docs, ["x", "y"]],
                        stacked.loc[~outside_terms, ["x", "y"]],
                        pd.DataFrame({"x": [0.0], "y": [0.0]})]).to_numpy()
    fig_width, fig_height = _map_size(inside, width)
    return _MapLayout(
        first=first, second=second, shares=shares, documents=documents,
        n_terms=len(all_terms), stacked=stacked, styles=styles, names=names,
        labelled=labelled,
        doc_rows=[i for i in range(len(documents)) if documents["label"][i] in labelled],
        outside_docs=outside_docs, outside_terms=outside_terms, inside=inside,
        fig_width=fig_width, fig_height=fig_height,
    )


def _stacked_terms(terms: pd.DataFrame) -> pd.DataFrame:
    """One label per position, and how many terms it stands for (at most MAX_STACKED named)."""
    stacked = stack_coincident(terms.assign(members=1))
    stacked["members"] = terms.groupby([terms["x"].round(9), terms["y"].round(9)],
                                       sort=False).size().to_numpy()
    return stacked


def _map_size(inside: np.ndarray, width: ColumnWidth) -> tuple[float, float]:
    """The figure's size: the frame holds the origin and every point not set at its edge; the
    figure is as tall as the map's shape asks (within MAP_ASPECTS), so equal scales do not
    leave half of it empty."""
    span = np.ptp(inside, axis=0) + 1e-9
    map_width = COLUMN_WIDTH_INCHES[width] - MAP_SIDE_INCHES
    map_aspect = min(max(float(span[1] / span[0]), MAP_ASPECTS[0]), MAP_ASPECTS[1])
    return figure_size(
        width, (map_width * map_aspect + MAP_CHROME_INCHES[width]) / COLUMN_WIDTH_INCHES[width]
    )


def _map_axes(fig: Figure, layout: _MapLayout, language: FigureLanguage) -> Axes:
    """The map's axes: origin lines, axis titles, equal scales, limits holding the points."""
    ax = fig.add_subplot()
    ax.axhline(0, color="0.7", linewidth=0.5, linestyle="--", zorder=0)
    ax.axvline(0, color="0.7", linewidth=0.5, linestyle="--", zorder=0)
    ax.set_xlabel(_axis_title(layout.first, layout.shares, language))
    ax.set_ylabel(_axis_title(layout.second, layout.shares, language))
    ax.set_aspect("equal", adjustable="datalim")
    # The layout is fixed before labels are placed (see _freeze_frame), so tick labels must
    # look the same whenever the figure is drawn: font and minus sign set here, not by rcParams.
    ax.tick_params(labelfontfamily=font_stack(), labelsize=TICK_FONT_SIZE)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(_HyphenMinus())
    ax.update_datalim(layout.inside)
    ax.autoscale_view()
    return ax


def _draw_documents_and_legend(
    fig: Figure, ax: Axes, layout: _MapLayout, language: FigureLanguage
) -> None:
    handles = _draw_documents(ax, layout.documents, ~layout.outside_docs, layout.styles)
    if len(layout.stacked):
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=2,
                              color=TERM_COLOUR, label=figure_text("ca_terms", language)))
    fig.legend(handles=handles, loc="outside upper center", ncols=_legend_columns(
        [h.get_label() for h in handles], layout.fig_width), fontsize=DOCUMENT_FONT_SIZE,
        handletextpad=0.3, columnspacing=1.2)


def _point_labels(ax: Axes, layout: _MapLayout) -> _Labels:
    """A label per labelled document, then per term position, not yet placed."""
    documents, stacked, doc_rows = layout.documents, layout.stacked, layout.doc_rows
    annotations = [
        point_label(ax, layout.names[documents["label"][i]], documents["x"][i],
                    documents["y"][i], DOCUMENT_FONT_SIZE, "black")
        for i in doc_rows
    ] + [
        point_label(ax, term.label, term.x, term.y, TERM_FONT_SIZE, TERM_COLOUR)
        for term in stacked.itertuples(index=False)
    ]
    # A document's label first tries the side away from the vertical axis, where it has room.
    first_directions = ["E" if documents["x"][i] >= 0 else "W" for i in doc_rows]
    first_directions += ["N"] * len(stacked)
    gaps = [DOCUMENT_MARKER_RADIUS + 1.5] * len(doc_rows) + [TERM_DOT_RADIUS + 1.0] * len(
        stacked
    )
    return _Labels(
        annotations=annotations,
        keys=[("document", i) for i in doc_rows] + [("term", k) for k in range(len(stacked))],
        first_directions=first_directions,
        gaps=gaps,
        is_outside=[bool(layout.outside_docs[i]) for i in doc_rows]
        + list(layout.outside_terms),
    )


def _freeze_frame(fig: Figure, ax: Axes, labels: _Labels) -> None:
    """Grow the frame until every label fits at its first choice; then fix layout and limits.

    Documents are labelled first, so term labels give way to them. Once this returns, nothing
    moves: the labels are placed against the final frame.
    """
    for label, direction, gap in zip(labels.annotations, labels.first_directions, labels.gaps,
                                     strict=True):
        _move_label(label, direction, gap)
    _fit_labels(fig, ax, [lab for lab, out in zip(labels.annotations, labels.is_outside,
                                                  strict=True) if not out])
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    ax.set_adjustable("box")  # the limits fit the box already: nothing else moves
    ax.set_xlim(*ax.get_xlim())
    ax.set_ylim(*ax.get_ylim())


def _draw_edge_points(
    ax: Axes, layout: _MapLayout, labels: _Labels
) -> dict[tuple[str, int], tuple[float, float, str]]:
    """Points beyond the fence go to the frame's edge (see :func:`_edge_points`, which this
    returns); their labels move with them and say where they are."""
    documents, stacked = layout.documents, layout.stacked
    edge = _edge_points(ax, documents, layout.outside_docs, stacked, layout.outside_terms)
    for (kind, i), (x, y, _) in edge.items():
        if kind == "document":
            style = layout.styles[documents["label"][i]]
            ax.scatter(x, y, s=DOCUMENT_MARKER_AREA, marker=style["marker"],
                       color=style["color"], edgecolors="black", linewidths=0.4, zorder=4)
    for position, key in enumerate(labels.keys):
        if key in edge:
            x, y, side = edge[key]
            table = documents if key[0] == "document" else stacked
            label = labels.annotations[position]
            label.xy = (x, y)
            label.set_text(_with_coordinates(
                label.get_text(), table["x"].iloc[key[1]], table["y"].iloc[key[1]]
            ))
            labels.first_directions[position] = side
    return edge


def _draw_arrows(
    ax: Axes, layout: _MapLayout, edge: dict[tuple[str, int], tuple[float, float, str]]
) -> list[tuple[tuple[float, float], float]]:
    """The arrows from the edge points outwards; returns what labels must not hide: document
    markers, term dots and these arrows (obstacles for :func:`_placements`)."""
    obstacles = [
        (edge.get(("document", i), (x, y))[:2], DOCUMENT_MARKER_RADIUS)
        for i, (x, y) in enumerate(layout.documents[["x", "y"]].to_numpy())
    ] + [
        (edge.get(("term", k), (x, y))[:2], TERM_DOT_RADIUS)
        for k, (x, y) in enumerate(layout.stacked[["x", "y"]].to_numpy())
    ]
    for (kind, i), (x, y, _) in edge.items():
        table = layout.documents if kind == "document" else layout.stacked
        obstacles += _arrow(ax, x, y, float(table["x"].iloc[i]), float(table["y"].iloc[i]))
    return obstacles


def _place_or_drop(
    fig: Figure, ax: Axes, labels: _Labels, obstacles: list[tuple[tuple[float, float], float]]
) -> list[tuple[str, float, bool] | None]:
    """Place the labels (:func:`_placements`, whose result this returns), with a leader line
    where one had to move away; a label with no room anywhere is left out."""
    placed = _placements(fig, labels.annotations, gaps=labels.gaps,
                         first_directions=labels.first_directions, obstacles=obstacles)
    for label, where in zip(labels.annotations, placed, strict=True):
        if where is None:
            label.remove()  # the note counts what is shown
        elif where[2]:
            draw_leader(ax, label)
    return placed


def _draw_term_dots(
    ax: Axes, layout: _MapLayout, edge: dict[tuple[str, int], tuple[float, float, str]],
    placed: list[tuple[str, float, bool] | None],
) -> None:
    """A grey dot only where a term is labelled: an unnamed dot would say nothing."""
    n_doc_labels = len(layout.doc_rows)
    term_xy = [edge.get(("term", k), (x, y))[:2]
               for k, (x, y) in enumerate(layout.stacked[["x", "y"]].to_numpy())
               if placed[n_doc_labels + k] is not None]
    if term_xy:
        xy = np.array(term_xy, dtype=float)
        ax.scatter(xy[:, 0], xy[:, 1], s=3, color=TERM_COLOUR, linewidths=0, zorder=2)


def _map_note(
    layout: _MapLayout, language: FigureLanguage, *, labelled: int, room_note: bool,
    shown_terms: int,
) -> str:
    """The note under the map (:func:`_note`), wrapped to the figure's width."""
    text = _note(
        language, n_documents=len(layout.documents), labelled=labelled,
        selected=len(layout.labelled) < len(layout.documents), room_note=room_note,
        shown_terms=shown_terms, n_terms=layout.n_terms,
        outside=int(layout.outside_docs.sum() + layout.outside_terms.sum()),
    )
    return _wrapped(text, layout.fig_width - 0.2, NOTE_FONT_SIZE, language)


def _finish_note(
    note: Text, layout: _MapLayout, placed: list[tuple[str, float, bool] | None],
    language: FigureLanguage,
) -> None:
    """The note with the final counts of what is labelled."""
    n_doc_labels = len(layout.doc_rows)
    shown_docs = sum(where is not None for where in placed[:n_doc_labels])
    shown_terms = int(sum(n for k, n in enumerate(layout.stacked["members"])
                          if placed[n_doc_labels + k] is not None))
    final = _map_note(layout, language, labelled=shown_docs,
                      room_note=shown_docs < n_doc_labels, shown_terms=shown_terms)
    # Padded to the lines reserved, so it sits where the layout put it (under the axis).
    reserved = note.get_text().count("\n") + 1
    note.set_text(final + "\n" * max(0, reserved - final.count("\n") - 1) if final else "")


# --- the parts of the map ----------------------------------------------------------------------


def _document_styles(
    doc_ids: pd.Series, groups: Mapping[str, object] | pd.Series | None, language: FigureLanguage,
    caller: str,
) -> dict[str, dict[str, object]]:
    """Per doc id: ``color``, ``marker``, ``group`` (the legend's entry) and ``rank`` (its
    place in the legend).

    Without ``groups`` every document looks alike. With them, groups are ordered by size
    (then name, "no group" last); the first MAX_GROUP_STYLES get a colour and marker each (the
    project palette and markers, apart in grayscale), and beyond that the first
    MAX_GROUP_STYLES − 1 do and the rest share "other".
    """
    ids = [str(d) for d in doc_ids]
    if groups is None:
        style = {"color": PALETTE[0], "marker": "o",
                 "group": figure_text("ca_documents", language), "rank": 0}
        return {d: style for d in ids}
    if isinstance(groups, pd.Series):  # e.g. documents.set_index("doc_id")["genre"]
        groups = groups.to_dict()
    if not isinstance(groups, Mapping):
        raise InputError(
            f"{caller}: groups must map doc ids to group names (e.g. dict(zip(documents.doc_id, "
            f"documents.genre))), got {type(groups).__name__}"
        )
    missing = [d for d in ids if d not in groups]
    if missing:
        raise InputError(
            f"{caller}: groups has no entry for {len(missing)} document(s) of the CA, e.g. "
            f"{', '.join(map(repr, missing[:3]))}; map every doc id to a group (None for none)"
        )
    no_group = figure_text("ca_no_group", language)
    names = {d: no_group if _is_missing(groups[d]) else str(groups[d]) for d in ids}
    sizes = pd.Series(list(names.values())).value_counts()
    order = sorted(sizes.index, key=lambda g: (g == no_group, -int(sizes[g]), g))
    if len(order) > MAX_GROUP_STYLES:
        kept, rest = order[: MAX_GROUP_STYLES - 1], order[MAX_GROUP_STYLES - 1 :]
        other = figure_text("ca_other_groups", language, count=len(rest))
    else:
        kept, rest, other = order, [], ""
    styles = {g: {"color": PALETTE[k], "marker": MARKERS[k], "group": g, "rank": k}
              for k, g in enumerate(kept)}
    for g in rest:
        styles[g] = {"color": "white", "marker": "o", "group": other, "rank": len(kept)}
    return {d: styles[names[d]] for d in ids}


def _is_missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # an array-like is not one missing value
        return False


def _draw_documents(
    ax: Axes, documents: pd.DataFrame, shown: pd.Series, styles: dict[str, dict[str, object]]
) -> list[Line2D]:
    """The documents' markers (one scatter per style, legend order) and the legend handles."""
    handles, seen = [], {}
    for doc in documents["label"]:
        style = styles[doc]
        seen.setdefault(style["group"], style)
    for group, style in sorted(seen.items(), key=lambda item: item[1]["rank"]):
        mine = np.array([styles[d]["group"] == group for d in documents["label"]], dtype=bool)
        rows = documents[mine & shown.to_numpy()]
        if len(rows):
            ax.scatter(rows["x"], rows["y"], s=DOCUMENT_MARKER_AREA, marker=style["marker"],
                       color=style["color"], edgecolors="black", linewidths=0.4, zorder=4)
        handles.append(Line2D([], [], linestyle="none", marker=style["marker"],
                              markersize=math.sqrt(DOCUMENT_MARKER_AREA),
                              markerfacecolor=style["color"], markeredgecolor="black",
                              markeredgewidth=0.4, label=str(group)))
    return handles


def _documents_to_label(documents: pd.DataFrame, label_documents: int | None) -> set[str]:
    """The documents to label: all when there are at most ``label_documents``; else that many
    with the largest contribution to the plane (``documents`` comes sorted so) and the
    outermost on each side of both axes."""
    if label_documents is None or len(documents) <= label_documents:
        return set(documents["label"])
    chosen = set(documents["label"].head(label_documents))
    if label_documents:
        for column in ("x", "y"):
            chosen.add(documents["label"][documents[column].idxmin()])
            chosen.add(documents["label"][documents[column].idxmax()])
    return chosen


def _fence(documents: pd.DataFrame) -> float:
    """The distance from the origin beyond which a point is drawn at the frame's edge:
    OUTLIER_FACTOR × the 95th percentile of the documents' distances; infinite with fewer
    than OUTLIER_MIN_DOCUMENTS documents (too few to say what is typical)."""
    if len(documents) < OUTLIER_MIN_DOCUMENTS:
        return math.inf
    return OUTLIER_FACTOR * float(np.percentile(np.hypot(documents["x"], documents["y"]), 95))


def _beyond(points: pd.DataFrame, fence: float) -> pd.Series:
    return pd.Series(np.hypot(points["x"], points["y"]).to_numpy() > fence, index=points.index)


def _edge_points(
    ax: Axes, documents: pd.DataFrame, outside_docs: pd.Series, terms: pd.DataFrame,
    outside_terms: pd.Series,
) -> dict[tuple[str, int], tuple[float, float, str]]:
    """Per point beyond the fence, ``("document" | "term", row)``: where it is drawn on the
    frame's edge and the side its label first tries (see :func:`_at_edge`)."""
    edge = {}
    for kind, table, beyond in (("document", documents, outside_docs),
                                ("term", terms, outside_terms)):
        for i in np.flatnonzero(beyond.to_numpy()):
            edge[(kind, int(i))] = _at_edge(ax, float(table["x"].iloc[i]),
                                            float(table["y"].iloc[i]))
    return edge


def _at_edge(ax: Axes, x: float, y: float) -> tuple[float, float, str]:
    """Where the ray from the origin to (x, y) meets the frame, EDGE_INSET points inside it,
    in data coordinates, and the side of the point its label should first try (inwards)."""
    to_display, to_data = ax.transData, ax.transData.inverted()
    origin = to_display.transform((0.0, 0.0))
    target = to_display.transform((x, y))
    box = ax.bbox
    inset = EDGE_INSET * ax.figure.dpi / 72
    low = np.array([box.x0 + inset, box.y0 + inset])
    high = np.array([box.x1 - inset, box.y1 - inset])
    direction = target - origin
    # The largest t in [0, 1] keeping origin + t·direction inside the inset frame; the side
    # whose limit binds first is the edge it meets.
    reach = [((high if d > 0 else low)[k] - origin[k]) / d if abs(d) > 1e-12 else math.inf
             for k, d in enumerate(direction)]
    t = max(0.0, min(1.0, *reach))
    ex, ey = to_data.transform(origin + t * direction)
    if reach[0] <= reach[1]:
        side = "W" if direction[0] > 0 else "E"
    else:
        side = "S" if direction[1] > 0 else "N"
    return float(ex), float(ey), side


def _arrow(
    ax: Axes, x: float, y: float, towards_x: float, towards_y: float
) -> list[tuple[tuple[float, float], float]]:
    """A short arrow from the edge point (x, y) towards the true position; returns the
    obstacles (circles in points) it occupies, for the label placer."""
    to_display = ax.transData
    start = to_display.transform((x, y))
    direction = to_display.transform((towards_x, towards_y)) - start
    unit = direction / max(float(np.hypot(*direction)), 1e-12)
    length = ARROW_POINTS
    ax.annotate("", (x, y), xytext=(unit[0] * length, unit[1] * length),
                textcoords="offset points",
                arrowprops={"arrowstyle": "<-", "color": "0.3", "linewidth": 0.6,
                            "shrinkA": 0, "shrinkB": DOCUMENT_MARKER_RADIUS + 0.5},
                annotation_clip=False, zorder=3).set_in_layout(False)
    to_data = to_display.inverted()
    per_point = ax.figure.dpi / 72
    return [
        (tuple(to_data.transform(start + unit * length * per_point * f)), ARROW_POINTS / 4)
        for f in (0.5, 0.85)
    ]


class _HyphenMinus(ScalarFormatter):
    """Tick labels with "-" whatever ``axes.unicode_minus`` says when drawn (the export
    settings' choice), so they keep their width."""

    def fix_minus(self, s: str) -> str:
        return s


def _with_coordinates(text: str, x: float, y: float) -> str:
    return f"{text} ({x:.2f}, {y:.2f})"


def _legend_columns(labels: Sequence[str], width_in: float) -> int:
    """As many legend columns as the entries fit across the figure (at most four)."""
    widths = [text_ems(label) * DOCUMENT_FONT_SIZE / 72 + 0.45 for label in labels]
    for columns in range(min(len(labels), 4), 1, -1):
        rows = math.ceil(len(labels) / columns)
        needed = sum(max(widths[c * rows:(c + 1) * rows], default=0) for c in range(columns))
        if needed <= width_in - 0.3:
            return columns
    return 1


def _note(
    language: FigureLanguage, *, n_documents: int, labelled: int, selected: bool,
    room_note: bool, shown_terms: int, n_terms: int, outside: int,
) -> str:
    """The note under the map: what is labelled, and what lies beyond the frame. Documents
    ``selected`` by the labelling rule are said so; else, with ``room_note``, that some had
    no room for a label."""
    parts = []
    if selected:
        parts.append(figure_text("ca_note_documents_selected", language, shown=f"{labelled:,}",
                                 total=f"{n_documents:,}"))
    elif room_note:
        parts.append(figure_text("ca_note_documents_room", language, shown=f"{labelled:,}",
                                 total=f"{n_documents:,}"))
    if shown_terms:
        parts.append(figure_text("ca_note_terms", language, shown=f"{shown_terms:,}",
                                 total=f"{n_terms:,}"))
    if outside:
        parts.append(figure_text("ca_note_outside", language, count=outside))
    return (" " if language == "en" else "").join(parts)


def _wrapped(text: str, width_in: float, points: float, language: FigureLanguage) -> str:
    """``text`` in lines of at most ``width_in`` inches at ``points`` size (by the width
    estimate of :func:`text_ems`): English broken at spaces, Chinese between characters."""
    room = width_in * 72 / points
    lines, line = [], ""
    tokens = text.split(" ") if language == "en" else list(text)
    joiner = " " if language == "en" else ""
    for token in tokens:
        candidate = f"{line}{joiner}{token}" if line else token
        # A comma or closing mark never starts a line: it stays at the end of the last one.
        if line and text_ems(candidate) > room and token not in NO_LINE_START:
            lines.append(line)
            line = token
        else:
            line = candidate
    lines.append(line)
    return "\n".join(lines)


def _check_arguments(
    ca_result: object, dimensions: object, max_terms: object, width: object
) -> None:
    if not isinstance(ca_result, CorrespondenceAnalysis):
        raise InputError(
            "textplot_ca: expected the result of textmodel_ca (a CorrespondenceAnalysis), got "
            f"{type(ca_result).__name__}"
        )
    if ca_result.coordinates.empty:
        raise InputError("textplot_ca: the CA coordinates table is empty; nothing to plot")
    if (
        not isinstance(dimensions, tuple | list)
        or len(dimensions) != 2
        or any(isinstance(d, bool) or not isinstance(d, int | np.integer) for d in dimensions)
        or dimensions[0] == dimensions[1]
    ):
        raise InputError(
            f"textplot_ca: dimensions must be two different dimension numbers such as (1, 2), "
            f"got {dimensions!r}"
        )
    reported = sorted(int(d) for d in pd.unique(ca_result.coordinates["dimension"]))
    for dimension in dimensions:
        if int(dimension) not in reported:
            raise InputError(
                f"textplot_ca: dimension {dimension} is not in the CA result, which reports "
                f"{', '.join(map(str, reported))}; rerun textmodel_ca with "
                f"dimensions={max(int(d) for d in dimensions)} or choose among those"
            )
    if max_terms is not None and (
        isinstance(max_terms, bool) or not isinstance(max_terms, int | np.integer) or max_terms < 0
    ):
        raise InputError(
            f"textplot_ca: max_terms must be a whole number (0 for documents only) or None for "
            f"every term, got {max_terms!r}"
        )
    check_width(width, "textplot_ca")


def _wide_points(coordinates: pd.DataFrame, first: int, second: int) -> pd.DataFrame:
    """One row per point: ``kind``, ``label``, ``x``, ``y``, ``ctr_a``, ``ctr_b``."""
    long = coordinates.loc[
        coordinates["dimension"].isin([first, second]),
        ["kind", "label", "dimension", "coordinate", "contribution"],
    ].assign(label=lambda t: t["label"].astype(str), kind=lambda t: t["kind"].astype(str))
    wide = long.pivot_table(
        index=["kind", "label"], columns="dimension", values=["coordinate", "contribution"],
        aggfunc="first", sort=True,
    )
    return pd.DataFrame(
        {
            "kind": wide.index.get_level_values("kind"),
            "label": wide.index.get_level_values("label"),
            "x": wide[("coordinate", first)].to_numpy(dtype=float),
            "y": wide[("coordinate", second)].to_numpy(dtype=float),
            "ctr_a": wide[("contribution", first)].to_numpy(dtype=float),
            "ctr_b": wide[("contribution", second)].to_numpy(dtype=float),
        }
    )


def _axis_title(dimension: int, inertia: pd.DataFrame, language: FigureLanguage) -> str:
    return figure_text("ca_dimension", language, dimension=dimension,
                       share=100 * float(inertia.loc[dimension, "share"]))


# --- Label placement -------------------------------------------------------------------------
# Shared with analysis.plots.term_scatter (it belongs in a shared plots module; see the report).

# Candidate directions around a point: text alignment and offset of each, per point of
# distance (diagonals by the full distance on both axes, so the label's corner clears a marker).
DIRECTIONS: dict[str, tuple[str, str, float, float]] = {
    "N": ("center", "bottom", 0.0, 1.0),
    "S": ("center", "top", 0.0, -1.0),
    "E": ("left", "center", 1.0, 0.0),
    "W": ("right", "center", -1.0, 0.0),
    "NE": ("left", "bottom", 1.0, 1.0),
    "NW": ("right", "bottom", -1.0, 1.0),
    "SE": ("left", "top", 1.0, -1.0),
    "SW": ("right", "top", -1.0, -1.0),
}
# Extra distance (points) of each further ring of candidate positions.
RING_STEPS = (0.0, 7.0, 14.0, 22.0, 32.0)


def place_labels(
    fig: Figure,
    labels: Sequence[Annotation],
    *,
    gaps: Sequence[float],
    first_directions: Sequence[str],
    obstacles: Sequence[tuple[tuple[float, float], float]] = (),
) -> list[bool]:
    """Place each label where it overlaps no earlier label, no obstacle and stays in the axes.

    A simple greedy placement, deterministic: labels are placed in the order given (put the
    important ones first), each trying 8 directions around its point (``first_directions``
    first) at ``gaps`` points away, then on rings further out. ``labels`` are annotations with
    ``textcoords="offset points"``; ``obstacles`` are ``((x, y), radius in points)`` in data
    coordinates (markers) that no label may cover. A label with no free place keeps its first
    candidate. Returns, per label, whether it ended beyond the first ring (draw a leader line).
    """
    placed = _placements(fig, labels, gaps=gaps, first_directions=first_directions,
                         obstacles=obstacles)
    far = []
    for label, where, gap, first in zip(labels, placed, gaps, first_directions, strict=True):
        if where is None:
            _move_label(label, first, gap)
        far.append(bool(where and where[2]))
    return far


def _placements(
    fig: Figure,
    labels: Sequence[Annotation],
    *,
    gaps: Sequence[float],
    first_directions: Sequence[str],
    obstacles: Sequence[tuple[tuple[float, float], float]] = (),
) -> list[tuple[str, float, bool] | None]:
    """The greedy search of :func:`place_labels`: per label, its place (direction, distance
    in points, whether beyond the first ring), the label left there; or ``None`` where no
    candidate is free (the label is left at its last candidate: move or remove it)."""
    fig.draw_without_rendering()  # final layout and limits: extents are where they are drawn
    if not labels:
        return []
    ax = labels[0].axes
    px_per_point = fig.dpi / 72.0
    taken = []
    for (x, y), radius in obstacles:
        centre_x, centre_y = ax.transData.transform((x, y))
        half = radius * px_per_point
        taken.append((centre_x - half, centre_y - half, centre_x + half, centre_y + half))
    boxes = np.array(taken, dtype=float).reshape(-1, 4)
    inside = ax.bbox
    placed = []
    for label, gap, first in zip(labels, gaps, first_directions, strict=True):
        order = [first, *(d for d in DIRECTIONS if d != first)]
        chosen = None
        for ring, step in enumerate(RING_STEPS):
            for direction in order:
                _move_label(label, direction, gap + step)
                box = label.get_window_extent()
                fits = (box.x0 >= inside.x0 and box.x1 <= inside.x1
                        and box.y0 >= inside.y0 and box.y1 <= inside.y1)
                # Bbox.overlaps: strictly overlapping interiors, for all taken boxes at once.
                if fits and not (
                    (boxes[:, 0] < box.x1) & (boxes[:, 2] > box.x0)
                    & (boxes[:, 1] < box.y1) & (boxes[:, 3] > box.y0)
                ).any():
                    chosen = (direction, gap + step, ring > 0)
                    break
            if chosen:
                break
        placed.append(chosen)
        if chosen:
            _move_label(label, chosen[0], chosen[1])
            padded = label.get_window_extent().padded(1.0)
            boxes = np.vstack([boxes, [padded.x0, padded.y0, padded.x1, padded.y1]])
    return placed


def point_label(ax: Axes, text: str, x: float, y: float, size: float, colour: str) -> Annotation:
    """A label of the point (x, y), placed by its offset in points (see place_labels)."""
    annotation = ax.annotate(
        text, (x, y), xytext=(0, 0), textcoords="offset points", fontsize=size, color=colour,
        zorder=5,
        # A white ground keeps leader lines of other labels from striking through this one.
        bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.85},
    )
    annotation.set_in_layout(False)  # kept inside the axes by _fit_labels instead
    return annotation


def _move_label(label: Annotation, direction: str, distance: float) -> None:
    ha, va, unit_x, unit_y = DIRECTIONS[direction]
    label.set_horizontalalignment(ha)
    label.set_verticalalignment(va)
    label.xyann = (unit_x * distance, unit_y * distance)


def draw_leader(ax: Axes, label: Annotation) -> None:
    """A thin line from a label placed away from its point back to the point."""
    leader = ax.annotate(
        "", label.xy, xytext=label.xyann, textcoords="offset points",
        arrowprops={"arrowstyle": "-", "color": "0.6", "linewidth": 0.4, "shrinkA": 0,
                    "shrinkB": 1.5},
        zorder=1,
    )
    leader.set_in_layout(False)


def stack_coincident(points: pd.DataFrame, *, max_joined: int = MAX_STACKED) -> pd.DataFrame:
    """One row per position: labels of points at the same place are joined with 、.

    ``points`` has columns ``x``, ``y``, ``label`` (and any others, taken from the first row of
    each position), most important first. Coinciding points are common: in CA every term found
    in one document only sits at that document's vertex; in a term scatter, terms with the same
    counts share a point. At most ``max_joined`` labels are joined, then "…".
    """
    def joined(labels: pd.Series) -> str:
        shown = "、".join(labels.head(max_joined))
        return shown + ("…" if len(labels) > max_joined else "")

    grouped = points.groupby([points["x"].round(9), points["y"].round(9)], sort=False)
    stacked = grouped.first()
    stacked["label"] = grouped["label"].agg(joined)
    return stacked.reset_index(drop=True)


def _fit_labels(fig: Figure, ax: Axes, labels: Sequence[Annotation]) -> None:
    """Widen the data limits until every label lies inside the axes.

    Equal aspect ties the two scales together, so growing one range rescales the other and the
    labels' extents in data units change: a few passes settle it.
    """
    if not labels:
        return
    to_data = ax.transData.inverted
    for _ in range(4):
        fig.draw_without_rendering()  # layout and limits as they will be drawn
        corners = np.vstack([to_data().transform(label.get_window_extent().get_points())
                             for label in labels])
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        if (corners[:, 0].min() >= x0 and corners[:, 0].max() <= x1
                and corners[:, 1].min() >= y0 and corners[:, 1].max() <= y1):
            return
        ax.update_datalim(corners)
        ax.autoscale_view()
