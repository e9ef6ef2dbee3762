"""The slogan collocate network: slogans, their strongest collocates, and who shares which.

Draws the graph of :func:`analysis.measures.collocates.collocation_network` (or builds it from
the table of ``textstat_collocates``) with a seeded spring layout (Fruchterman & Reingold 1991,
as networkx's ``spring_layout``): collocates shared by several slogans sit between them, and
slogans with no collocate in common drift apart. Edge width shows the association (logDice by
default); slogans and terms differ in colour *and* marker shape, so the figure reads in
grayscale.
"""

from __future__ import annotations

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

from analysis.errors import InputError
from analysis.measures.collocates import Measure, collocation_network
from analysis.plots.fonts import font_stack
from analysis.plots.style import (
    PALETTE,
    ColumnWidth,
    check_title,
    check_width,
    figure_size,
    figure_style,
    text_ems,
)

# Blue squares (CIE L* 46) and light grey circles: apart in colour, lightness and shape.
SLOGAN_STYLE = {"marker": "s", "color": PALETTE[0], "edge": "white", "size": 5.5}
TERM_STYLE = {"marker": "o", "color": "0.82", "edge": "0.45", "size": 3.5}
EDGE_COLOUR = "0.55"
EDGE_WIDTHS = (0.3, 2.2)  # points, for the weakest and the strongest edge
SLOGAN_POINTS, TERM_POINTS = 7.5, 6.0
SPRING_ITERATIONS = 50  # after the Kamada–Kawai start, a few steps suffice
LEGEND_INCHES = 0.2  # the one-line legend under the network
COMPONENT_GAP = 2.0  # between components, in mean edge lengths
WRAP_CHARS = 8  # slogan labels longer than this break at 、


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
        sub = ordered.subgraph(members)
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
) -> Figure:
    """The network of slogans (blue squares) and their collocates (grey circles).

    ``graph_or_collocates`` is the graph of ``collocation_network`` (nodes with a ``kind`` of
    ``"slogan"`` or ``"term"``, edges with a ``weight``), or the table of
    ``textstat_collocates``, which is turned into one with ``top_n`` collocates per slogan
    ranked ``by`` (a measure of the table, logDice by default). ``slogans`` keeps only those
    slogans and their neighbours. The spring layout is seeded (``seed``; see
    :func:`network_layout`), so the same graph always gets the same picture.

    Edges are drawn from weakest to strongest, wider for a stronger association (the edges'
    ``weight``: the ``by`` measure); the legend gives the range. Labels use the CJK font;
    long slogan names break at 、.
    """
    caller = "textplot_collocate_network"
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(
            f"{caller}: seed must be a whole number >= 0 (it fixes the layout), got {seed!r}"
        )
    check_width(width, caller)
    check_title(title, caller)
    graph, measure = _graph(graph_or_collocates, top_n, by, caller)
    graph = _selected(graph, slogans, caller)
    positions = network_layout(graph, seed=seed, aspect=aspect)

    weights = np.array([float(d["weight"]) for _, _, d in graph.edges(data=True)])
    low, high = (weights.min(), weights.max()) if len(weights) else (0.0, 1.0)
    fig_size = figure_size(width, aspect)
    # The axes fill the figure (no axis, small pads); one data unit is as long across as up.
    box = (fig_size[0] - 0.1, fig_size[1] - 0.1 - LEGEND_INCHES - (0.25 if title else 0.0))
    limits, per_point = _limits(positions, box)
    labels = _place_labels(graph, positions, per_point, limits)
    fonts = font_stack()
    with figure_style():
        fig = Figure(figsize=fig_size)
        ax = fig.add_subplot()
        _edges(ax, graph, positions, low, high)
        for kind, style in (("term", TERM_STYLE), ("slogan", SLOGAN_STYLE)):
            nodes = [n for n, d in graph.nodes(data=True) if d["kind"] == kind]
            if not nodes:
                continue
            xy = np.array([positions[n] for n in nodes])
            ax.plot(xy[:, 0], xy[:, 1], linestyle="none", marker=style["marker"],
                    markersize=style["size"], color=style["color"],
                    markeredgecolor=style["edge"], markeredgewidth=0.4, zorder=3)
        for node, (offset, ha, va) in labels.items():
            slogan = graph.nodes[node]["kind"] == "slogan"
            # On a white ground, so that edges do not cut through the text.
            ax.annotate(
                _label(graph, node), positions[node], xytext=offset, textcoords="offset points",
                ha=ha, va=va, fontsize=SLOGAN_POINTS if slogan else TERM_POINTS,
                fontfamily=fonts, color="black" if slogan else "0.2",
                zorder=4 if slogan else 3.5, annotation_clip=False,
                bbox={"boxstyle": "square,pad=0.05", "facecolor": "white",
                      "edgecolor": "none", "alpha": 0.8},
            )
        ax.set_axis_off()
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
        # Below the network, where it can cover nothing.
        ax.legend(handles=_legend_handles(measure, low, high), loc="upper center",
                  bbox_to_anchor=(0.5, 0), ncols=4, fontsize=6.5, handlelength=1.8,
                  borderaxespad=0, columnspacing=1.2)
        if title:
            fig.suptitle(title)
    return fig


# --- labels -------------------------------------------------------------------------------------


def _limits(
    positions: dict[Hashable, np.ndarray], box: tuple[float, float]
) -> tuple[tuple[tuple[float, float], tuple[float, float]], float]:
    """Axis limits with equal scales filling ``box`` (inches), and data units per point."""
    xy = np.array(list(positions.values()), dtype=float)
    low, high = xy.min(axis=0), xy.max(axis=0)
    spread = np.maximum(high - low, 1e-9)
    margin = 0.12  # of the box, for the labels of the outermost nodes
    per_inch = max(spread[0] / (box[0] * (1 - 2 * margin)), spread[1] / (box[1] * (1 - 2 * margin)))
    centre = (low + high) / 2
    half = np.array(box) * per_inch / 2
    limits = (
        (centre[0] - half[0], centre[0] + half[0]),
        (centre[1] - half[1], centre[1] + half[1]),
    )
    return limits, per_inch / 72


def _place_labels(
    graph: nx.Graph,
    positions: dict[Hashable, np.ndarray],
    per_point: float,
    limits: tuple[tuple[float, float], tuple[float, float]],
) -> dict[Hashable, tuple[tuple[float, float], str, str]]:
    """A greedy label placer: each label (slogans first, busiest nodes first) takes the one of
    eight places around its node that overlaps least with labels already placed and with the
    markers, preferring the side facing away from its neighbours. Returns, per node, the text's
    offset in points and its alignment."""
    markers = {n: np.asarray(positions[n]) / per_point for n in graph.nodes}  # in points
    half_marker = {n: _style(graph, n)["size"] / 2 for n in graph.nodes}
    obstacles = [(p[0] - half_marker[n], p[1] - half_marker[n],
                  p[0] + half_marker[n], p[1] + half_marker[n]) for n, p in markers.items()]
    frame = (limits[0][0] / per_point, limits[1][0] / per_point,
             limits[0][1] / per_point, limits[1][1] / per_point)
    order = sorted(graph.nodes, key=lambda n: (graph.nodes[n]["kind"] != "slogan",
                                               -graph.degree(n), str(n)))
    placed: list[tuple[float, float, float, float]] = []
    chosen = {}
    for node in order:
        text = _label(graph, node)
        size = SLOGAN_POINTS if graph.nodes[node]["kind"] == "slogan" else TERM_POINTS
        lines = text.split("\n")
        width = max(text_ems(line) for line in lines) * size + 1
        height = len(lines) * size * 1.2
        here = markers[node]
        neighbours = [markers[m] for m in graph.neighbors(node)]
        away = here - np.mean(neighbours, axis=0) if neighbours else np.zeros(2)
        preferred = math.atan2(away[1], away[0]) if np.hypot(*away) > 1 else math.pi / 2
        gap = half_marker[node] + 1.5
        best = None
        for rank, angle in enumerate(sorted(
            (k * math.pi / 4 for k in range(8)),
            key=lambda a: abs(math.remainder(a - preferred, 2 * math.pi)),
        )):
            cos, sin = math.cos(angle), math.sin(angle)
            ha = "left" if cos > 0.38 else "right" if cos < -0.38 else "center"
            va = "bottom" if sin > 0.38 else "top" if sin < -0.38 else "center"
            x, y = here[0] + gap * cos, here[1] + gap * sin
            left = {"left": x, "right": x - width, "center": x - width / 2}[ha]
            bottom = {"bottom": y, "top": y - height, "center": y - height / 2}[va]
            rect = (left, bottom, left + width, bottom + height)
            cost = sum(_overlap(rect, other) for other in placed)
            cost += sum(_overlap(rect, other) for m, other in zip(markers, obstacles, strict=True)
                        if m != node)
            cost += 10 * (width * height - _overlap(rect, frame))  # outside the picture
            cost += rank * 0.5  # a small push towards the preferred side
            if best is None or cost < best[0]:
                best = (cost, rect, (gap * cos, gap * sin), ha, va)
        _, rect, offset, ha, va = best
        placed.append(rect)
        chosen[node] = (offset, ha, va)
    return chosen


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _style(graph: nx.Graph, node: Hashable) -> dict:
    return SLOGAN_STYLE if graph.nodes[node]["kind"] == "slogan" else TERM_STYLE


# --- input --------------------------------------------------------------------------------------


def _graph(
    source: nx.Graph | pd.DataFrame, top_n: int, by: str, caller: str
) -> tuple[nx.Graph, str]:
    if isinstance(source, pd.DataFrame):
        if by not in get_args(Measure):
            raise InputError(
                f"{caller}: by must be one of {', '.join(get_args(Measure))}, got {by!r}"
            )
        if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
            raise InputError(f"{caller}: top_n must be a whole number >= 1, got {top_n!r}")
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
    text = str(graph.nodes[node].get("label", node))
    if graph.nodes[node]["kind"] != "slogan" or len(text) <= WRAP_CHARS or "、" not in text:
        return text
    lines, line = [], ""
    for part in text.split("、"):
        piece = part if not line else f"{line}、{part}"
        if line and len(piece) > WRAP_CHARS:
            lines.append(line + "、")
            line = part
        else:
            line = piece
    lines.append(line)
    return "\n".join(lines)


def _legend_handles(measure: str, low: float, high: float) -> list[Line2D]:
    name = {"logdice": "logDice", "mi": "MI", "t_score": "t-score", "g2": "G²",
            "delta_p": "ΔP", "delta_p_reverse": "ΔP (reverse)",
            "cooc": "co-occurrences"}.get(measure, measure)
    handles = [
        Line2D([], [], linestyle="none", marker=SLOGAN_STYLE["marker"],
               markersize=SLOGAN_STYLE["size"], color=SLOGAN_STYLE["color"], label="slogan"),
        Line2D([], [], linestyle="none", marker=TERM_STYLE["marker"],
               markersize=TERM_STYLE["size"], color=TERM_STYLE["color"],
               markeredgecolor=TERM_STYLE["edge"], markeredgewidth=0.4, label="collocate"),
    ]
    if high > low:
        for value in (low, high):
            handles.append(Line2D([], [], color=EDGE_COLOUR, linestyle="-",
                                  linewidth=_edge_width(value, low, high),
                                  label=f"{name} {value:.3g}"))
    return handles
