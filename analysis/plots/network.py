"""The slogan collocate network: slogans, their strongest collocates, and who shares which.

Draws the graph of :func:`analysis.measures.collocates.collocation_network` (or builds it from
the table of ``textstat_collocates``) with a seeded spring layout (Fruchterman & Reingold 1991,
as networkx's ``spring_layout``): collocates shared by several slogans sit between them, and
slogans with no collocate in common drift apart. Every node is labelled beside its marker;
where labels would collide, the nodes are pushed apart just enough (:func:`spread_nodes`), so no
label covers another label or a marker. Edge width shows the association (logDice by default);
slogans and terms differ in colour *and* marker shape, so the figure reads in grayscale. The
legend is in English or Chinese (``language``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Sequence
from typing import get_args

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation

from analysis.checks import check_choice, check_int, check_optional_string, require_columns
from analysis.errors import InputError
from analysis.measures.collocates import COLLOCATE_COLUMNS, Measure, collocation_network
from analysis.plots.fonts import font_stack
from analysis.plots.labels import FigureLanguage, check_language, figure_text
from analysis.plots.style import (
    MAX_FIGURE_HEIGHT_INCHES,
    PALETTE,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
)

# Blue squares (CIE L* 46) and light grey circles: apart in colour, lightness and shape.
SLOGAN_STYLE = {"marker": "s", "color": PALETTE[0], "edge": "white", "size": 5.5}
TERM_STYLE = {"marker": "o", "color": "0.82", "edge": "0.45", "size": 3.5}
EDGE_COLOUR = "0.55"
EDGE_WIDTHS = (0.3, 2.2)  # points, for the weakest and the strongest edge
SLOGAN_POINTS, TERM_POINTS = 7.5, 6.0
SPRING_ITERATIONS = 50  # after the Kamada–Kawai start, a few steps suffice
LEGEND_INCHES = 0.25  # the one-line legend under the network
TITLE_INCHES = 0.25
FIGURE_PAD = 0.05  # inches around the drawing
FRAME_MARGIN = 0.06  # of the drawing, around the nodes, where the outermost labels go
COMPONENT_GAP = 2.0  # between components, in mean edge lengths
WRAP_CHARS = 10  # labels longer than this break into lines (at 、 where there is one)
LABEL_GAP = 1.5  # points between a marker and its label
DIAGONAL_HANDICAP = math.radians(12)  # see _label_sides
LABEL_PAD = 1.5  # points kept free around every marker and label
MAX_STRETCH = 1.5  # how much more one axis of the layout may stretch than the other, per step
STRETCHED_EDGE = 36.0  # points: stretching stops at this mean edge length
FITTED_EDGE = 72.0  # points: the longest mean edge of the first fit (a sparse network's)
LAYOUT_ROUNDS = 2  # label sides, node spreading and stretching, twice: sides follow the spread
MAX_CROWDING = 0.3  # share of the frame labels and markers may fill and still be spread apart
MIN_TERM_POINTS = 5.0  # labels shrink no smaller in a crowded network
SPREAD_ITERATIONS = 400  # rounds of overlap removal; a crowded study network needs about 50


def network_layout(
    graph: nx.Graph, *, seed: int = 20240501, aspect: float = 0.75
) -> dict[Hashable, np.ndarray]:
    """Seeded spring-layout positions of ``graph``'s nodes, independent of insertion order.

    Each connected component is laid out on its own (a spring layout pushes separate components
    to the edges of the picture), scaled to a mean edge length of one, and the components are
    set side by side in rows, largest first, in rows as wide as makes the whole closest to
    ``aspect`` (height / width). Edges pull in proportion to their weight
    rescaled to 0.5–1, so that stronger associations sit closer without collapsing clusters
    (logDice weights of 10–14 would pull ten times harder than the repulsion). Nodes and edges
    are sorted first, so equal graphs get equal layouts for the same ``seed``.
    """
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes, key=str))
    edges = sorted(graph.edges(data=True), key=lambda e: tuple(sorted((str(e[0]), str(e[1])))))
    weights = [float(d.get("weight", 1.0)) for _, _, d in edges]
    low, high = (min(weights), max(weights)) if weights else (0.0, 1.0)
    for (a, b, _), weight in zip(edges, weights, strict=True):
        pull = 0.5 + 0.5 * (weight - low) / (high - low) if high > low else 1.0
        ordered.add_edge(a, b, pull=pull)

    components = sorted(
        (sorted(c, key=str) for c in nx.connected_components(ordered)),
        key=lambda c: (-len(c), str(c[0])),
    )
    pieces = []
    for index, members in enumerate(components):
        sub = _ordered_component(ordered, members)
        if len(members) == 1:
            local = {members[0]: np.zeros(2)}
        else:
            # Kamada–Kawai start (deterministic; even edge lengths, so a slogan's collocates
            # spread around it), then the seeded spring layout settles the weights.
            start = nx.kamada_kawai_layout(sub, weight=None)
            local = nx.spring_layout(sub, pos=start, seed=seed + index, weight="pull",
                                     iterations=SPRING_ITERATIONS)
        xy = np.array([local[n] for n in members], dtype=float)
        xy -= (xy.max(axis=0) + xy.min(axis=0)) / 2
        # Scaled so that every component's edges are one unit long on average.
        index_of = {n: i for i, n in enumerate(members)}
        lengths = [np.hypot(*(xy[index_of[a]] - xy[index_of[b]])) for a, b in sub.edges]
        pieces.append((members, xy / (float(np.mean(lengths)) if lengths else 1.0)))

    # Shelf packing, components left to right in rows, largest first; of a few row widths,
    # the one whose picture comes closest to the figure's shape.
    widest = max(float(np.ptp(xy[:, 0])) for _, xy in pieces) + COMPONENT_GAP
    candidates = [_packed(pieces, widest * factor) for factor in (1.0, 1.25, 1.6, 2.0, 2.5, 3.2)]
    return min(candidates, key=lambda placed: abs(math.log(_aspect(placed) / aspect)))


def _ordered_component(graph: nx.Graph, members: list[Hashable]) -> nx.Graph:
    """The subgraph of ``members``, its nodes in the order given and its edges in ``graph``'s
    order. Not ``graph.subgraph``: a view of fewer than half the nodes iterates over a Python
    set, whose order changes with ``PYTHONHASHSEED``, and the layouts follow node order."""
    member_set = set(members)
    sub = nx.Graph()
    sub.add_nodes_from(members)
    sub.add_edges_from((a, b, d) for a, b, d in graph.edges(data=True) if a in member_set)
    return sub


def _packed(
    pieces: Sequence[tuple[list[Hashable], np.ndarray]], row_width: float
) -> dict[Hashable, np.ndarray]:
    positions: dict[Hashable, np.ndarray] = {}
    x = y = row_height = 0.0
    for members, xy in pieces:
        size = xy.max(axis=0) - xy.min(axis=0) + COMPONENT_GAP
        if x > 0 and x + size[0] > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        offset = np.array([x, y]) - np.array([xy[:, 0].min(), xy[:, 1].max()])
        for node, point in zip(members, xy + offset, strict=True):
            positions[node] = point
        x += size[0]
        row_height = max(row_height, size[1])
    return positions


def _aspect(positions: dict[Hashable, np.ndarray]) -> float:
    xy = np.array(list(positions.values()))
    width, height = np.ptp(xy, axis=0) + COMPONENT_GAP
    return float(height / width)


def textplot_collocate_network(
    graph_or_collocates: nx.Graph | pd.DataFrame,
    *,
    seed: int = 20240501,
    top_n: int = 8,
    by: Measure = "logdice",
    slogans: str | Sequence[str] | None = None,
    width: ColumnWidth = "double",
    aspect: float = 0.75,
    title: str | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """The network of slogans (blue squares) and their collocates (grey circles).

    ``graph_or_collocates`` is the graph of ``collocation_network`` (nodes with a ``kind`` of
    ``"slogan"`` or ``"term"``, edges with a ``weight``), or the table of
    ``textstat_collocates``, which is turned into one with ``top_n`` collocates per slogan
    ranked ``by`` (a measure of the table, logDice by default). ``slogans`` keeps only those
    slogans and their neighbours. The spring layout is seeded (``seed``; see
    :func:`network_layout`), so the same graph always gets the same picture.

    Every node is labelled next to its marker, on the side with the most room between its
    edges; labels longer than ten characters break into lines (at 、 where there is one). Nodes
    whose labels would overlap another label or marker are then pushed apart just enough
    (:func:`spread_nodes`), so crowded clusters open up and no label covers another or a
    marker. A network too crowded for a figure of ``width`` and ``aspect`` (height / width) gets
    smaller labels (5 pt at least) and then a taller figure (up to the 9 in a page allows).
    Edges are drawn from weakest to strongest, wider for a stronger association (the edges'
    ``weight``: the ``by`` measure); the legend gives the range. ``language`` (``"en"`` or
    ``"zh"``) is the language of the legend; labels are the terms themselves.
    """
    caller = "textplot_collocate_network"
    check_int(seed, "seed", caller, minimum=0)
    check_width(width, caller)
    check_optional_string(title, "title", caller)
    check_language(language, caller)
    graph, measure = _graph(graph_or_collocates, top_n, by, caller)
    graph = _selected(graph, slogans, caller)
    nodes = sorted(graph.nodes, key=_node_order(graph))
    weights = np.array([float(d["weight"]) for _, _, d in graph.edges(data=True)])
    low, high = (weights.min(), weights.max()) if len(weights) else (0.0, 1.0)
    fig_size = figure_size(width, aspect)
    chrome = 2 * FIGURE_PAD + LEGEND_INCHES + (TITLE_INCHES if title else 0.0)  # inches
    fonts = font_stack()
    with figure_style():
        fig = Figure(figsize=fig_size, layout="none")
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        labels = _node_labels(ax, graph, nodes, fonts)
        fig_size, frame, xy = _first_layout(fig, graph, nodes, labels, fig_size, chrome, seed)
        ax.set_position((FIGURE_PAD / fig_size[0], (LEGEND_INCHES + FIGURE_PAD) / fig_size[1],
                         frame[0] / 72 / fig_size[0], frame[1] / 72 / fig_size[1]))
        ax.set_xlim(0, frame[0])
        ax.set_ylim(0, frame[1])
        positions = _spread_layout(fig, graph, nodes, labels, xy, frame)
        for node in nodes:
            labels[node].xy = tuple(positions[node])

        _edges(ax, graph, positions, low, high)
        _draw_nodes(ax, graph, nodes, positions)
        # Below the network, where it can cover nothing.
        ax.legend(handles=_legend_handles(measure, low, high, language), loc="upper center",
                  bbox_to_anchor=(0.5, 0), ncols=4, fontsize=6.5, handlelength=1.8,
                  borderaxespad=0.2, columnspacing=1.2)
        if title:
            fig.suptitle(title, y=1 - FIGURE_PAD / fig_size[1], va="top")
    return fig


# --- layout in points and label room ---------------------------------------------------------


def _node_labels(
    ax: Axes, graph: nx.Graph, nodes: Sequence[Hashable], fonts: list[str]
) -> dict[Hashable, Annotation]:
    """Per node, its label, not yet placed: slogans larger and above terms."""
    labels = {}
    for node in nodes:
        slogan = graph.nodes[node]["kind"] == "slogan"
        # On a white ground, so that edges do not cut through the text.
        labels[node] = ax.annotate(
            _label(graph, node), (0, 0), xytext=(0, 0), textcoords="offset points",
            fontsize=SLOGAN_POINTS if slogan else TERM_POINTS, fontfamily=fonts,
            color="black" if slogan else "0.2", zorder=4 if slogan else 3.5,
            annotation_clip=False,
            bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.8},
        )
    return labels


def _first_layout(
    fig: Figure, graph: nx.Graph, nodes: Sequence[Hashable],
    labels: dict[Hashable, Annotation], fig_size: tuple[float, float], chrome: float, seed: int,
) -> tuple[tuple[float, float], tuple[float, float], np.ndarray]:
    """The figure's size (inches), the drawing's frame and the nodes' first positions (points).

    One data unit is one point both ways, so that label sizes and node positions share one
    coordinate system. A network too crowded for the frame cannot be spread apart: its labels
    get smaller (to MIN_TERM_POINTS at least), then, if need be, the figure taller.
    """
    frame = ((fig_size[0] - 2 * FIGURE_PAD) * 72, (fig_size[1] - chrome) * 72)
    xy = _fitted(network_layout(graph, seed=seed, aspect=frame[1] / frame[0]), nodes, frame)
    crowding = _area(_measured(fig, graph, nodes, labels, xy)) / (frame[0] * frame[1])
    if crowding > MAX_CROWDING:
        shrink = max(math.sqrt(MAX_CROWDING / crowding), MIN_TERM_POINTS / TERM_POINTS)
        for label in labels.values():
            label.set_fontsize(label.get_fontsize() * shrink)
        needed = _area(_measured(fig, graph, nodes, labels, xy)) / MAX_CROWDING / frame[0]
        if needed > frame[1]:
            fig_size = (fig_size[0], min(needed / 72 + chrome, MAX_FIGURE_HEIGHT_INCHES))
            fig.set_size_inches(fig_size)
            frame = (frame[0], (fig_size[1] - chrome) * 72)
            xy = _fitted(network_layout(graph, seed=seed, aspect=frame[1] / frame[0]),
                         nodes, frame)
    return fig_size, frame, xy


def _spread_layout(
    fig: Figure, graph: nx.Graph, nodes: Sequence[Hashable],
    labels: dict[Hashable, Annotation], xy: np.ndarray, frame: tuple[float, float],
) -> dict[Hashable, np.ndarray]:
    """The final positions: LAYOUT_ROUNDS of label sides from where the nodes are now, the
    room they need, nodes apart, then the drawing stretched to use the whole frame
    (stretching keeps boxes apart)."""
    index = {node: i for i, node in enumerate(nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in graph.edges], dtype=int).reshape(-1, 2)
    for _ in range(LAYOUT_ROUNDS):
        boxes = _measured(fig, graph, nodes, labels, xy)
        xy = _stretched(spread_nodes(xy, boxes, frame), boxes, frame, pairs)
    return dict(zip(nodes, xy, strict=True))


def _draw_nodes(
    ax: Axes, graph: nx.Graph, nodes: Sequence[Hashable], positions: dict[Hashable, np.ndarray]
) -> None:
    """The markers, terms under slogans."""
    for kind, style in (("term", TERM_STYLE), ("slogan", SLOGAN_STYLE)):
        members = [n for n in nodes if graph.nodes[n]["kind"] == kind]
        if not members:
            continue
        at = np.array([positions[n] for n in members])
        ax.plot(at[:, 0], at[:, 1], linestyle="none", marker=style["marker"],
                markersize=style["size"], color=style["color"],
                markeredgecolor=style["edge"], markeredgewidth=0.4, zorder=3)


def _node_order(graph: nx.Graph):
    """Slogans first, then by degree and name: a stable order for every per-node array."""
    return lambda n: (graph.nodes[n]["kind"] != "slogan", -graph.degree(n), str(n))


def _fitted(
    layout: dict[Hashable, np.ndarray], nodes: Sequence[Hashable], frame: tuple[float, float]
) -> np.ndarray:
    """``layout`` (edges one unit long on average) scaled and centred to fill ``frame``
    (points), less a margin where the outermost nodes' labels go, with edges at most
    FITTED_EDGE points long, so a small network is not blown up. A network's geometry has no
    scale: the two axes may stretch differently, by at most MAX_STRETCH, so the nodes use the
    width of a wide frame."""
    xy = np.array([layout[n] for n in nodes], dtype=float)
    low, high = xy.min(axis=0), xy.max(axis=0)
    spread = np.maximum(high - low, 1e-9)
    room = np.array(frame) * (1 - 2 * FRAME_MARGIN)
    scale = np.minimum(room / spread, MAX_STRETCH * float(np.min(room / spread)))
    scale = np.minimum(scale, FITTED_EDGE)
    return (xy - (low + high) / 2) * scale + np.array(frame) / 2


def _stretched(
    xy: np.ndarray, boxes: np.ndarray, frame: tuple[float, float], pairs: np.ndarray
) -> np.ndarray:
    """``xy`` stretched about its middle, on each axis by the largest factor from 1 to
    MAX_STRETCH that keeps every box inside ``frame`` and the mean edge (``pairs``: node
    indices) at most STRETCHED_EDGE points long, then centred: a crowded network uses the
    frame's spare room; a sparse one is not blown up. Moving nodes apart keeps boxes that did
    not overlap apart."""
    out = np.array(xy, dtype=float)
    for axis in (0, 1):
        centres, low, high = out[:, axis], boxes[:, axis], boxes[:, axis + 2]
        middle = (centres.min() + centres.max()) / 2

        def fits(factor: float, axis: int = axis, centres: np.ndarray = centres,
                 low: np.ndarray = low, high: np.ndarray = high, middle: float = middle) -> bool:
            moved = out.copy()
            moved[:, axis] = middle + (centres - middle) * factor
            if not len(pairs):
                edge = 0.0
            else:
                edge = float(np.hypot(*(moved[pairs[:, 0]] - moved[pairs[:, 1]]).T).mean())
            return (float((moved[:, axis] + high).max() - (moved[:, axis] + low).min())
                    <= frame[axis] and edge <= STRETCHED_EDGE)

        least, most = 1.0, MAX_STRETCH
        if not fits(least):
            continue  # already as wide as the frame, or the edges as long, as allowed
        for _ in range(30):  # bisection: extent and edge lengths grow with the factor
            factor = (least + most) / 2
            least, most = (factor, most) if fits(factor) else (least, factor)
        moved = middle + (centres - middle) * least
        out[:, axis] = moved + (frame[axis] - (moved + high).max() - (moved + low).min()) / 2
    return out


# Eight sides a label can take around its node: angle, then its horizontal and vertical
# alignment towards the node (east first: Chinese reads away from the marker).
SIDES: tuple[tuple[float, str, str], ...] = tuple(
    (k * math.pi / 4, ("left", "left", "center", "right", "right", "right", "center", "left")[k],
     ("center", "bottom", "bottom", "bottom", "center", "top", "top", "top")[k])
    for k in range(8)
)


def _measured(
    fig: Figure, graph: nx.Graph, nodes: Sequence[Hashable], labels: dict, xy: np.ndarray
) -> np.ndarray:
    """Each label set on its best side at positions ``xy``, and the room each node then needs
    (:func:`_node_box`), (n, 4) in points."""
    sides = _label_sides(graph, nodes, xy)
    for node in nodes:
        _set_side(labels[node], sides[node], _style(graph, node)["size"] / 2 + LABEL_GAP)
    # The labels' real extents, in the fonts they are drawn in (no drawing needed).
    return np.array([_node_box(graph, node, labels[node], fig.dpi) for node in nodes])


def _area(boxes: np.ndarray) -> float:
    return float(np.prod(boxes[:, 2:] - boxes[:, :2], axis=1).sum())


def _label_sides(
    graph: nx.Graph, nodes: Sequence[Hashable], xy: np.ndarray
) -> dict[Hashable, int]:
    """Per node, the side (index into SIDES) farthest in angle from its edges: away from the
    neighbour for a collocate of one slogan, into the widest gap between edges for a hub."""
    index = {n: i for i, n in enumerate(nodes)}
    sides = {}
    for node in nodes:
        here = xy[index[node]]
        angles = [math.atan2(*(xy[index[m]] - here)[::-1]) for m in graph.neighbors(node)]
        if not angles:
            sides[node] = 0
            continue
        # A side straight across, under or over the marker reads as its label more surely than
        # a diagonal one: diagonals need a clearer gap. Ties go to the first side in SIDES
        # order (east, north-east, north, …).
        sides[node] = max(range(len(SIDES)), key=lambda k: (
            round(min(abs(math.remainder(SIDES[k][0] - a, 2 * math.pi)) for a in angles)
                  - (DIAGONAL_HANDICAP if k % 2 else 0.0), 6),
            -k,
        ))
    return sides


def _set_side(label: Annotation, side: int, gap: float) -> None:
    angle, ha, va = SIDES[side]
    label.set_horizontalalignment(ha)
    label.set_verticalalignment(va)
    # Diagonal sides by the full gap on both axes, so the label's corner clears the marker.
    unit = (np.sign(round(math.cos(angle), 6)), np.sign(round(math.sin(angle), 6)))
    label.xyann = (unit[0] * gap, unit[1] * gap)


def _node_box(graph: nx.Graph, node: Hashable, label: Annotation, dpi: float) -> np.ndarray:
    """The room a node needs, relative to its position, in points: its marker and its label
    (as drawn), with LABEL_PAD around."""
    extent = label.get_window_extent()
    anchor = label.get_transform().transform((0, 0))  # the node at data (0, 0), in pixels
    per_pixel = 72 / dpi
    x0, x1 = sorted(((extent.x0 - anchor[0]) * per_pixel, (extent.x1 - anchor[0]) * per_pixel))
    y0, y1 = sorted(((extent.y0 - anchor[1]) * per_pixel, (extent.y1 - anchor[1]) * per_pixel))
    half = _style(graph, node)["size"] / 2
    return np.array([min(x0, -half), min(y0, -half), max(x1, half), max(y1, half)]) + np.array(
        [-LABEL_PAD, -LABEL_PAD, LABEL_PAD, LABEL_PAD]
    )


def spread_nodes(
    xy: np.ndarray,
    boxes: np.ndarray,
    frame: tuple[float, float],
    *,
    iterations: int = SPREAD_ITERATIONS,
) -> np.ndarray:
    """Positions near ``xy`` at which no two nodes' ``boxes`` overlap and every box lies in
    ``frame``.

    ``xy`` is (n, 2) in points, ``boxes`` (n, 4) each node's room ``(x0, y0, x1, y1)`` relative
    to its position (marker and label), ``frame`` the drawing's (width, height) in points. Each
    round, every overlapping pair moves apart along the axis where it overlaps least, each by
    half the overlap (the classic overlap-removal step, as in Graphviz's ``overlap=scale``
    family but local), then every box is pushed back inside the frame. Nodes far from any
    other do not move, so the layout keeps its shape. Deterministic: pure arithmetic in a fixed
    order. Returns the new positions ((n, 2) points); if the rounds run out with an overlap
    left (labels that cannot fit the frame), the last positions.
    """
    xy = np.array(xy, dtype=float)
    n = len(xy)
    low, high = boxes[:, :2], boxes[:, 2:]
    size = np.array(frame, dtype=float)
    for _ in range(iterations):
        xy = np.clip(xy, -low, np.maximum(size - high, -low))  # inside the frame
        lo, hi = xy + low, xy + high
        overlap = np.minimum(hi[:, None], hi[None]) - np.maximum(lo[:, None], lo[None])
        overlap[np.arange(n), np.arange(n)] = 0
        both = (overlap[..., 0] > 0) & (overlap[..., 1] > 0)
        if not both.any():
            break
        centre = (lo + hi) / 2
        away = centre[:, None] - centre[None]  # from j to i
        # Coinciding centres: the earlier node goes first (left, down), deterministically.
        order = np.sign(np.arange(n)[None] - np.arange(n)[:, None]).astype(float)
        direction = np.where(np.abs(away) > 1e-9, np.sign(away), -order[..., None])
        along_x = overlap[..., 0] <= overlap[..., 1]
        push = np.zeros((n, n, 2))
        push[..., 0] = np.where(both & along_x, overlap[..., 0] / 2 + 0.01, 0)
        push[..., 1] = np.where(both & ~along_x, overlap[..., 1] / 2 + 0.01, 0)
        xy = xy + (push * direction).sum(axis=1)
    return np.clip(xy, -low, np.maximum(size - high, -low))


def _style(graph: nx.Graph, node: Hashable) -> dict:
    return SLOGAN_STYLE if graph.nodes[node]["kind"] == "slogan" else TERM_STYLE


# --- input --------------------------------------------------------------------------------------


def _graph(
    source: nx.Graph | pd.DataFrame, top_n: int, by: str, caller: str
) -> tuple[nx.Graph, str]:
    if isinstance(source, pd.DataFrame):
        check_choice(by, "by", caller, get_args(Measure))
        check_int(top_n, "top_n", caller, minimum=1)
        require_columns(source, COLLOCATE_COLUMNS, caller, name="the collocates table",
                        source="the table of analysis.measures.collocates.textstat_collocates")
        if source.empty:
            raise InputError(
                f"{caller}: the collocates table is empty: no term occurs min_count times near "
                "a slogan; lower min_count or widen span in textstat_collocates"
            )
        return collocation_network(source, top_n=top_n, by=by), by
    if not isinstance(source, nx.Graph):
        raise InputError(
            f"{caller}: expected the graph of collocation_network or the table of "
            f"textstat_collocates, got {type(source).__name__}"
        )
    if source.number_of_nodes() == 0:
        raise InputError(f"{caller}: the graph has no nodes; there is nothing to draw")
    no_kind = [n for n, d in source.nodes(data=True) if d.get("kind") not in ("slogan", "term")]
    if no_kind:
        raise InputError(
            f"{caller}: node(s) {', '.join(map(repr, no_kind[:5]))} lack kind='slogan' or "
            "'term'; pass the graph of analysis.measures.collocates.collocation_network"
        )
    no_weight = [(a, b) for a, b, d in source.edges(data=True) if "weight" not in d]
    if no_weight:
        raise InputError(f"{caller}: edge(s) {no_weight[:3]} have no weight attribute")
    # The graph says which measure its weights are only through its edges' attributes.
    measure = next((m for m in get_args(Measure) if _weights_are(source, m)), "weight")
    return source, measure


def _weights_are(graph: nx.Graph, measure: str) -> bool:
    return graph.number_of_edges() > 0 and all(
        measure in d and d[measure] == d["weight"] for _, _, d in graph.edges(data=True)
    )


def _selected(graph: nx.Graph, slogans: str | Sequence[str] | None, caller: str) -> nx.Graph:
    known = sorted(str(n) for n, d in graph.nodes(data=True) if d["kind"] == "slogan")
    if slogans is None:
        return graph
    wanted = [slogans] if isinstance(slogans, str) else [str(s) for s in slogans]
    unknown = [s for s in wanted if s not in known]
    if unknown or not wanted:
        raise InputError(
            f"{caller}: unknown slogan(s) {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"the network's slogans are {', '.join(known)}"
        )
    keep = set(wanted)
    for slogan in wanted:
        keep.update(graph.neighbors(slogan))
    # Only edges of the chosen slogans: a neighbour's other links belong to other slogans.
    sub = nx.Graph()
    sub.add_nodes_from((n, graph.nodes[n]) for n in keep)
    sub.add_edges_from((a, b, d) for a, b, d in graph.edges(data=True)
                       if (a in wanted or b in wanted))
    return sub


# --- drawing ------------------------------------------------------------------------------------


def _edge_width(weight: float, low: float, high: float) -> float:
    share = (weight - low) / (high - low) if high > low else 1.0
    return EDGE_WIDTHS[0] + share * (EDGE_WIDTHS[1] - EDGE_WIDTHS[0])


def _edges(ax: Axes, graph: nx.Graph, positions, low: float, high: float) -> None:
    edges = sorted(graph.edges(data=True), key=lambda e: (float(e[2]["weight"]), str(e[0])))
    if not edges:
        return
    segments = [(positions[a], positions[b]) for a, b, _ in edges]
    widths = [_edge_width(float(d["weight"]), low, high) for _, _, d in edges]
    ax.add_collection(LineCollection(segments, linewidths=widths, colors=EDGE_COLOUR,
                                     capstyle="round", zorder=1))


def _label(graph: nx.Graph, node: Hashable) -> str:
    """The node's label; beyond WRAP_CHARS characters, in as few lines as keep each line within
    about WRAP_CHARS, as even as can be, broken after 、 where it has one (a slogan's parts stay
    whole)."""
    text = str(graph.nodes[node].get("label", node))
    if len(text) <= WRAP_CHARS:
        return text
    lines_needed = math.ceil(len(text) / WRAP_CHARS)
    pieces = text.split("、")
    parts = [p + "、" for p in pieces[:-1]] + [pieces[-1]]
    if not 1 < len(parts) <= 12 or len(parts) < lines_needed:
        size = math.ceil(len(text) / lines_needed)
        return "\n".join(text[i:i + size] for i in range(0, len(text), size))
    # Of the ways to break between parts into lines_needed lines, the one with the shortest
    # longest line (the first such way: longer lines come first).
    best = min(
        itertools.combinations(range(1, len(parts)), lines_needed - 1),
        key=lambda cuts: max(
            len("".join(parts[a:b])) for a, b in itertools.pairwise((0, *cuts, len(parts)))
        ),
    )
    return "\n".join(
        "".join(parts[a:b]) for a, b in itertools.pairwise((0, *best, len(parts)))
    )


# Statistics keep their symbols in either language; words come from the figure texts.
MEASURE_SYMBOLS = {"logdice": "logDice", "pmi": "PMI", "t_score": "t-score", "g2": "G²",
                   "delta_p": "ΔP"}
MEASURE_TEXTS = {"delta_p_reverse": "measure_delta_p_reverse", "count": "measure_co_occurrences",
                 "weight": "measure_weight"}


def _legend_handles(
    measure: str, low: float, high: float, language: FigureLanguage
) -> list[Line2D]:
    name = MEASURE_SYMBOLS.get(measure) or figure_text(MEASURE_TEXTS[measure], language)
    handles = [
        Line2D([], [], linestyle="none", marker=SLOGAN_STYLE["marker"],
               markersize=SLOGAN_STYLE["size"], color=SLOGAN_STYLE["color"],
               label=figure_text("network_slogan", language)),
        Line2D([], [], linestyle="none", marker=TERM_STYLE["marker"],
               markersize=TERM_STYLE["size"], color=TERM_STYLE["color"],
               markeredgecolor=TERM_STYLE["edge"], markeredgewidth=0.4,
               label=figure_text("network_collocate", language)),
    ]
    if high > low:
        for value in (low, high):
            handles.append(Line2D([], [], color=EDGE_COLOUR, linestyle="-",
                                  linewidth=_edge_width(value, low, high),
                                  label=f"{name} {value:.3g}"))
    return handles
