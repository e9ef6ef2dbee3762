"""Document similarity heatmap with its dendrogram (``textplot_similarity``).

Rows and columns follow the leaves of the hierarchical clustering, so clustered documents sit
next to each other and the dendrogram above the heatmap lines up with its columns. Takes the
tables of :func:`analysis.measures.similarity.textstat_simil` and
:func:`~analysis.measures.similarity.textmodel_hclust`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle

from analysis.checks import check_choice, require_columns
from analysis.errors import InputError
from analysis.measures.similarity import DocumentClustering
from analysis.plots.labels import FigureLanguage, check_language, figure_text
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    SEQUENTIAL_CMAP,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
    wrap_note,
)

SimilarityMeasure = Literal["cosine", "jaccard"]
COLOURBAR_TITLES: dict[str, str] = {  # figure text keys of the colour bar's title
    "cosine": "similarity_cosine",
    "jaccard": "similarity_jaccard",
}
SIMILARITY_PLOT_COLUMNS = ("doc_a", "doc_b")
# Values are written in the cells up to this many documents; beyond, they would not fit.
MAX_ANNOTATED_DOCS = 12
# Self-similarity is 1 by definition: hatched grey, off the colour scale (in grayscale too).
DIAGONAL_COLOUR = "0.92"
DIAGONAL_HATCH_COLOUR = "0.7"
LINK_COLOUR = "black"


def textplot_similarity(
    similarity_table: pd.DataFrame,
    clustering: DocumentClustering,
    *,
    measure: SimilarityMeasure = "cosine",
    annotate: bool | None = None,
    doc_labels: Mapping[str, str] | None = None,
    width: ColumnWidth = "single",
    doc_ids: Sequence[str] | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """Heatmap of document similarities, ordered and topped by the clustering's dendrogram.

    ``similarity_table`` is the output of :func:`analysis.measures.similarity.textstat_simil`
    (``pairs="all"`` or ``"upper"``; columns ``doc_a``, ``doc_b`` and ``measure``);
    ``clustering`` is :func:`~analysis.measures.similarity.textmodel_hclust` of the same
    documents (its dendrogram is always on cosine distance, ``1 − cosine``). Rows (top to bottom)
    and columns (left to right) follow the dendrogram's leaves. The diagonal (1 by definition) is
    hatched grey, so the colour scale, from 0 to the largest other similarity, spends its range
    on the pairs that differ. Cells show their values when ``annotate`` is true (default: at most 12
    documents); a pair missing from the table (``min_cosine``) or undefined is left white, and a
    note under the heatmap says so.
    ``doc_labels`` maps doc ids to tick labels.

    ``doc_ids`` shows only these documents (of a corpus too large for a heatmap of all): they
    keep their order among the leaves of the clustering of *all* documents, so neighbours in
    the full dendrogram stay neighbours; the dendrogram itself, which joins documents not
    shown, is left out and a note says so. ``language`` (``"en"`` or ``"zh"``) is that of the
    colour bar and notes. Returns a new Figure; nothing is saved.
    """
    _check_arguments(similarity_table, clustering, measure, annotate, width)
    check_language(language, "textplot_similarity")
    from scipy.cluster import hierarchy  # slow to import: only where a dendrogram is drawn

    leaves = hierarchy.leaves_list(clustering.linkage_matrix)  # the dendrogram's, left to right
    layout = _layout(similarity_table, clustering, leaves, measure, annotate, doc_labels, doc_ids)
    # scipy's dendrogram recurses once per level of the tree, past Python's limit on a large
    # corpus (a chain of 18,000 documents): it is laid out only where it is drawn.
    tree = hierarchy.dendrogram(clustering.linkage_matrix, no_plot=True) if layout.show_tree else {}
    return _draw(layout, tree, clustering, measure, width, language)


@dataclass(frozen=True)
class _Layout:
    """The heatmap: ``values`` of the shown documents in the order of the dendrogram's leaves
    (``shown`` with NaN on the diagonal, which is drawn apart), their tick ``labels``, the colour
    scale; ``show_tree`` when all ``n_all`` documents of the clustering are shown; ``has_gaps``
    when a pair off the diagonal has no value (left out by ``min_cosine``, or undefined)."""

    values: np.ndarray
    shown: np.ndarray
    labels: list[str]
    norm: Normalize
    cmap: Colormap
    annotate: bool
    show_tree: bool
    n_all: int
    has_gaps: bool


def _layout(
    table: pd.DataFrame,
    clustering: DocumentClustering,
    leaf_order: np.ndarray,
    measure: str,
    annotate: bool | None,
    doc_labels: Mapping[str, str] | None,
    doc_ids: Sequence[str] | None,
) -> _Layout:
    leaves = [str(clustering.docs[i]) for i in leaf_order]  # as drawn, left to right
    n_all = len(leaves)
    if doc_ids is not None:
        wanted = [doc_ids] if isinstance(doc_ids, str) else [str(d) for d in doc_ids]
        unknown = [d for d in wanted if d not in set(leaves)]
        if unknown or len(set(wanted)) < 2:
            raise InputError(
                "textplot_similarity: doc_ids must name at least two documents of the "
                f"clustering; unknown: {', '.join(unknown) or '(none)'}"
            )
        leaves = [d for d in leaves if d in set(wanted)]
    matrix = _square_matrix(table, measure, clustering)
    ordered = matrix.loc[leaves, leaves].to_numpy(dtype=float)
    n_docs = len(leaves)
    labels = [str((doc_labels or {}).get(doc, doc)) for doc in leaves]
    off_diagonal = ordered[~np.eye(n_docs, dtype=bool)]
    has_gaps = bool(np.isnan(off_diagonal).any())
    top = np.nanmax(off_diagonal) if np.isfinite(off_diagonal).any() else 1.0
    return _Layout(
        values=ordered,
        shown=np.where(np.eye(n_docs, dtype=bool), np.nan, ordered),
        labels=labels,
        norm=Normalize(vmin=0.0, vmax=max(float(top), 1e-9)),
        cmap=mpl.colormaps[SEQUENTIAL_CMAP],
        annotate=n_docs <= MAX_ANNOTATED_DOCS if annotate is None else annotate,
        show_tree=n_docs == n_all,
        n_all=n_all,
        has_gaps=has_gaps,
    )


def _check_arguments(
    table: object, clustering: object, measure: object, annotate: object, width: object
) -> None:
    caller = "textplot_similarity"
    source = "the output of analysis.measures.similarity.textstat_simil"
    require_columns(table, (), caller, name="the similarity table", source=source)
    check_choice(measure, "measure", caller, COLOURBAR_TITLES)
    require_columns(table, (*SIMILARITY_PLOT_COLUMNS, measure), caller,
                    name="the similarity table", source=source)
    if table.empty:
        raise InputError(
            "textplot_similarity: the similarity table is empty, so there is nothing to plot"
        )
    if not isinstance(clustering, DocumentClustering):
        raise InputError(
            "textplot_similarity: clustering must be the result of textmodel_hclust (a "
            f"DocumentClustering), got {type(clustering).__name__}"
        )
    if annotate is not None and not isinstance(annotate, bool | np.bool_):
        raise InputError(
            f"textplot_similarity: annotate must be True, False or None (automatic), got "
            f"{annotate!r}"
        )
    check_width(width, caller)


def _square_matrix(
    table: pd.DataFrame, measure: str, clustering: DocumentClustering
) -> pd.DataFrame:
    """Documents × documents similarities, mirrored from whichever pairs the table lists."""
    pairs = pd.DataFrame(
        {
            "doc_a": table["doc_a"].astype(str),
            "doc_b": table["doc_b"].astype(str),
            "value": pd.to_numeric(table[measure], errors="coerce"),
        }
    )
    docs = [str(doc) for doc in clustering.docs]
    in_table = set(pairs["doc_a"]) | set(pairs["doc_b"])
    if not set(docs) <= in_table:
        absent = sorted(set(docs) - in_table)
        raise InputError(
            f"textplot_similarity: documents of the clustering are missing from the similarity "
            f"table ({', '.join(absent[:5])}); compute both from the same tokens"
        )
    extra = sorted(in_table - set(docs))
    if extra:
        raise InputError(
            f"textplot_similarity: the similarity table has documents the clustering lacks "
            f"({', '.join(extra[:5])}); compute both from the same tokens"
        )
    mirrored = pd.concat(
        [pairs, pairs.rename(columns={"doc_a": "doc_b", "doc_b": "doc_a"})], ignore_index=True
    ).drop_duplicates(["doc_a", "doc_b"])
    square = mirrored.pivot(index="doc_a", columns="doc_b", values="value")
    return square.reindex(index=docs, columns=docs)


def _draw(
    layout: _Layout,
    tree: dict,
    clustering: DocumentClustering,
    measure: str,
    width: ColumnWidth,
    language: FigureLanguage,
) -> Figure:
    n_docs = len(layout.labels)
    with figure_style():
        fig = Figure(figsize=figure_size(width, 1.0 if width == "single" else 0.75),
                     layout="constrained")
        notes = []
        if layout.show_tree:
            grid = fig.add_gridspec(2, 2, height_ratios=(1, 4), width_ratios=(30, 1))
            tree_ax = fig.add_subplot(grid[0, 0])
            _draw_dendrogram(tree_ax, tree, clustering, n_docs, language)
        else:
            grid = fig.add_gridspec(1, 2, width_ratios=(30, 1))
            notes.append(
                figure_text(
                    "similarity_order", language, shown=f"{n_docs:,}", total=f"{layout.n_all:,}"
                )
            )
        if layout.has_gaps:  # white cells would otherwise look like a drawing fault
            notes.append(figure_text("similarity_gaps", language))
        if notes:
            fig.supxlabel(
                wrap_note("\n".join(notes), COLUMN_WIDTH_INCHES[width] - 0.2),
                fontsize=7,
            )
        heat_ax = fig.add_subplot(grid[-1, 0])
        bar_ax = fig.add_subplot(grid[-1, 1])
        image = _draw_heatmap(heat_ax, layout)
        colourbar = fig.colorbar(image, cax=bar_ax)
        colourbar.set_label(figure_text(COLOURBAR_TITLES[measure], language))
        colourbar.outline.set_linewidth(0.4)
    return fig


def _draw_heatmap(ax: Axes, layout: _Layout) -> AxesImage:
    """The cells (the diagonal hatched grey), tick labels and, if asked, the values."""
    n_docs = len(layout.labels)
    ax.set_facecolor("white")
    for i in range(n_docs):  # the diagonal as grey cells under the (transparent) NaNs
        ax.add_patch(Rectangle((i - 0.5, i - 0.5), 1, 1, facecolor=DIAGONAL_COLOUR,
                               edgecolor=DIAGONAL_HATCH_COLOUR, hatch="////", linewidth=0))
    image = ax.imshow(layout.shown, cmap=layout.cmap, norm=layout.norm, aspect="auto",
                      interpolation="nearest")
    ax.set_xlim(-0.5, n_docs - 0.5)
    ax.set_ylim(n_docs - 0.5, -0.5)
    ax.set_xticks(range(n_docs), labels=layout.labels, rotation=40, ha="right",
                  rotation_mode="anchor")
    ax.set_yticks(range(n_docs), labels=layout.labels)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if layout.annotate:
        _annotate(ax, layout.values, layout.cmap, layout.norm)
    return image


def _draw_dendrogram(
    ax: Axes, tree: dict, clustering: DocumentClustering, n_docs: int, language: str
) -> None:
    """The dendrogram's links, its leaves at x = 0 … n − 1 (the heatmap's column centres)."""
    # scipy puts leaf k at x = 10k + 5; rescale to the heatmap's cell centres.
    for xs, ys in zip(tree["icoord"], tree["dcoord"], strict=True):
        ax.plot((np.asarray(xs) - 5.0) / 10.0, ys, color=LINK_COLOUR, linewidth=0.8,
                linestyle="-", solid_capstyle="butt")
    ax.set_xlim(-0.5, n_docs - 0.5)
    ax.set_ylim(0, float(np.max(clustering.linkage_matrix[:, 2])) * 1.05)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.set_ylabel(figure_text("cosine_distance", language), fontsize=7)
    ax.tick_params(axis="y", labelsize=6)


def _annotate(ax: Axes, values: np.ndarray, cmap: Colormap, norm: Normalize) -> None:
    """Write each off-diagonal value in its cell, white on dark colours and black on light."""
    n_docs = len(values)
    for row in range(n_docs):
        for col in range(n_docs):
            value = values[row, col]
            if row == col or not np.isfinite(value):
                continue
            red, green, blue, _ = cmap(norm(value))
            light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.45
            ax.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=6.5,
                    color="black" if light else "white")
