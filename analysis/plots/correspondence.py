"""Correspondence analysis biplot of documents and terms (``textplot_ca``).

A symmetric map: documents and terms both in principal coordinates (as the R package ``ca``
plots by default), documents as labelled markers, terms as small grey labels. Only the terms
that contribute most to the two axes shown are labelled, so the map stays readable with the
60 terms :func:`analysis.measures.correspondence.textstat_ca` analyses by default.

Labels are placed by a small greedy algorithm (:func:`place_labels`): each label takes the first
free spot around its point, documents first, with a leader line when it had to move away.
Terms at the same position share one label (:func:`stack_coincident`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from analysis.errors import InputError
from analysis.measures.correspondence import CorrespondenceAnalysis
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    MARKERS,
    PALETTE,
    ColumnWidth,
    figure_size,
    figure_style,
)

TERM_COLOUR = "0.45"  # grey: terms are context, documents the subject
TERM_FONT_SIZE = 6.5
DOCUMENT_FONT_SIZE = 7
DOCUMENT_MARKER_AREA = 22  # points²
DOCUMENT_MARKER_RADIUS = 3.0  # points, about sqrt(area) / 2 plus the edge
TERM_DOT_RADIUS = 1.2
MAX_STACKED = 4  # terms joined in one label at a shared position


def textplot_ca(
    ca_result: CorrespondenceAnalysis,
    *,
    dimensions: tuple[int, int] = (1, 2),
    max_terms: int | None = 20,
    doc_labels: Mapping[str, str] | None = None,
    width: ColumnWidth = "double",
) -> Figure:
    """Documents and terms on two dimensions of a correspondence analysis.

    ``ca_result`` is the output of :func:`analysis.measures.correspondence.textstat_ca`;
    ``dimensions`` the two axes to show (they must be among the dimensions it reported: ask
    ``textstat_ca(..., dimensions=3)`` for the third). Axis titles give each dimension's share of
    the total inertia. Of the terms, the ``max_terms`` (default 20; ``None`` = all) with the
    largest contribution to the plane are drawn: ``(λ_a·ctr_a + λ_b·ctr_b) / (λ_a + λ_b)``,
    their share of the inertia the two axes display. ``doc_labels`` maps doc ids to labels.
    Both axes have the same scale, so distances on the map are comparable in every direction.
    Returns a new Figure; nothing is saved.
    """
    _check_arguments(ca_result, dimensions, max_terms, width)
    first, second = (int(d) for d in dimensions)
    coordinates = ca_result.coordinates
    points = _wide_points(coordinates, first, second)
    shares = ca_result.inertia.set_index("dimension")
    lambda_a, lambda_b = (float(shares.loc[d, "inertia"]) for d in (first, second))
    documents = points[points["kind"] == "document"]
    terms = points[points["kind"] == "term"].assign(
        plane=lambda t: (lambda_a * t["ctr_a"] + lambda_b * t["ctr_b"]) / (lambda_a + lambda_b)
    )
    terms = terms.sort_values(["plane", "label"], ascending=[False, True], kind="stable")
    if max_terms is not None:
        terms = terms.head(max_terms)

    aspect = 0.8 if width == "single" else 0.7
    with figure_style():
        fig = Figure(figsize=figure_size(width, aspect), layout="constrained")
        ax = fig.add_subplot()
        ax.axhline(0, color="0.7", linewidth=0.5, linestyle="--", zorder=0)
        ax.axvline(0, color="0.7", linewidth=0.5, linestyle="--", zorder=0)
        stacked = stack_coincident(terms)
        ax.scatter(stacked["x"], stacked["y"], s=3, color=TERM_COLOUR, linewidths=0, zorder=2)
        doc_names = []
        for index, doc in enumerate(documents.itertuples(index=False)):
            ax.scatter(doc.x, doc.y, s=DOCUMENT_MARKER_AREA, marker=MARKERS[index % len(MARKERS)],
                       color=PALETTE[index % len(PALETTE)], edgecolors="black", linewidths=0.4,
                       zorder=4)
            doc_names.append(str((doc_labels or {}).get(doc.label, doc.label)))
        ax.set_xlabel(_axis_title(first, shares))
        ax.set_ylabel(_axis_title(second, shares))
        ax.set_aspect("equal", adjustable="datalim")

        # Documents are labelled first, so term labels give way to them; a document's label
        # first tries the side away from the vertical axis, where it has room to run.
        labels = [
            point_label(ax, name, x, y, DOCUMENT_FONT_SIZE, "black")
            for name, x, y in zip(doc_names, documents["x"], documents["y"], strict=True)
        ] + [
            point_label(ax, term.label, term.x, term.y, TERM_FONT_SIZE, TERM_COLOUR)
            for term in stacked.itertuples(index=False)
        ]
        first_directions = ["E" if x >= 0 else "W" for x in documents["x"]]
        first_directions += ["N"] * len(stacked)
        gaps = [DOCUMENT_MARKER_RADIUS + 1.5] * len(documents) + [TERM_DOT_RADIUS + 1.0] * len(
            stacked
        )
        # Labels must not hide the points themselves: document markers and term dots.
        obstacles = [((x, y), DOCUMENT_MARKER_RADIUS) for x, y in documents[["x", "y"]].to_numpy()]
        obstacles += [((x, y), TERM_DOT_RADIUS) for x, y in stacked[["x", "y"]].to_numpy()]
        for label, direction, gap in zip(labels, first_directions, gaps, strict=True):
            _move_label(label, direction, gap)
        _fit_labels(fig, ax, labels)
        for _ in range(2):  # placing may push labels out; widening the map rescales it
            far = place_labels(fig, labels, gaps=gaps, first_directions=first_directions,
                               obstacles=obstacles)
            _fit_labels(fig, ax, labels)
        for label, is_far in zip(labels, far, strict=True):
            if is_far:
                draw_leader(ax, label)
    return fig


def _check_arguments(
    ca_result: object, dimensions: object, max_terms: object, width: object
) -> None:
    if not isinstance(ca_result, CorrespondenceAnalysis):
        raise InputError(
            "textplot_ca: expected the result of textstat_ca (a CorrespondenceAnalysis), got "
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
                f"{', '.join(map(str, reported))}; rerun textstat_ca with "
                f"dimensions={max(int(d) for d in dimensions)} or choose among those"
            )
    if max_terms is not None and (
        isinstance(max_terms, bool) or not isinstance(max_terms, int | np.integer) or max_terms < 0
    ):
        raise InputError(
            f"textplot_ca: max_terms must be a whole number (0 for documents only) or None for "
            f"every term, got {max_terms!r}"
        )
    if width not in COLUMN_WIDTH_INCHES:
        raise InputError(f"textplot_ca: width must be 'single' or 'double', got {width!r}")


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


def _axis_title(dimension: int, inertia: pd.DataFrame) -> str:
    return f"Dimension {dimension} ({100 * float(inertia.loc[dimension, 'share']):.1f}%)"


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
    fig.draw_without_rendering()  # final layout and limits: extents are where they are drawn
    if not labels:
        return []
    ax = labels[0].axes
    px_per_point = fig.dpi / 72.0
    taken = []
    for (x, y), radius in obstacles:
        centre_x, centre_y = ax.transData.transform((x, y))
        half = radius * px_per_point
        taken.append(Bbox.from_extents(centre_x - half, centre_y - half,
                                       centre_x + half, centre_y + half))
    inside = ax.bbox
    far = []
    for label, gap, first in zip(labels, gaps, first_directions, strict=True):
        order = [first, *(d for d in DIRECTIONS if d != first)]
        chosen = None
        for ring, step in enumerate(RING_STEPS):
            for direction in order:
                _move_label(label, direction, gap + step)
                box = label.get_window_extent()
                fits = (box.x0 >= inside.x0 and box.x1 <= inside.x1
                        and box.y0 >= inside.y0 and box.y1 <= inside.y1)
                if fits and not any(box.overlaps(other) for other in taken):
                    chosen = (direction, gap + step, ring > 0)
                    break
            if chosen:
                break
        direction, distance, is_far = chosen or (first, gap, False)
        _move_label(label, direction, distance)
        taken.append(label.get_window_extent().padded(1.0))
        far.append(is_far)
    return far


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
