"""Word clouds of the tokens table: one document, the corpus, small multiples, or a comparison.

Terms and counts come from :func:`analysis.features.dfm.dfm`, so a word cloud counts exactly what
every
other measure counts: tokens of our segmenter (never the ``wordcloud`` package's own tokenizer,
which splits on spaces and cannot read Chinese), without punctuation (``is_punct``) and
stopwords (``is_stop``). Tokens without a letter (numbers such as ``2007``, symbols) are left out
too: they are not words.

The clouds are laid out by the ``wordcloud`` package in the resolved CJK font (the same font
file as every other label) and drawn into the figure as a raster image of
:data:`IMAGE_PIXELS_PER_INCH` pixels per inch of the figure, so PNG exports are sharp and PDFs
stay small. The layout is random but seeded: the same ``seed`` and tokens give the same image.
Word sizes show counts *within* one cloud only; the position, orientation and colour of a word
carry no information (except in the comparison cloud, where the sector and colour are its
document).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import ImageFont
from wordcloud import WordCloud

from analysis.checks import check_bool, check_int, check_optional_string, require_columns
from analysis.errors import CannotDraw, InputError
from analysis.features.dfm import Dfm, dfm
from analysis.plots.fonts import missing_characters, resolve_cjk_font
from analysis.plots.labels import FigureLanguage, check_language, figure_text
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    PALETTE,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
)

TOKEN_COLUMNS = ("doc_id", "token", "is_punct", "is_stop")
# The clouds are rendered at the export resolution, laid out at half of it (wordcloud's
# ``scale``): half the layout time, and word edges stay sharp at 300 dpi.
IMAGE_PIXELS_PER_INCH = 300
LAYOUT_SCALE = 2
# Smaller words would be unreadable in print; words that do not fit at this size are left out.
MIN_FONT_POINTS = 5.0
WORD_MARGIN_POINTS = 1.5  # space around each word, so neighbours do not read as one word
# Largest word of a comparison cloud, in points per inch of the circle's diameter (22 pt in a
# single column); the smallest is MIN_FONT_POINTS, as R's ``scale``.
COMPARISON_MAX_FONT_POINTS_PER_INCH = 6.5
TERM_COLOUR = PALETTE[0]  # blue (CIE L* 46)
HIGHLIGHT_COLOUR = PALETTE[1]  # orange (L* 71): apart from blue in colour and in grayscale
SECTOR_GAP_POINTS = 1.5  # between a sector's words and its dividing line
SECTOR_LINE_COLOUR = "0.75"
LABEL_FONT_POINTS = 7.0  # the documents' names in a comparison cloud
PANEL_ASPECT = 0.62  # height / width of one cloud


def textplot_wordcloud(
    tokens: pd.DataFrame,
    *,
    doc_id: str | Sequence[str] | None = None,
    by_document: bool = False,
    max_words: int = 100,
    seed: int = 20240501,
    width: ColumnWidth = "single",
    ncols: int | None = None,
    highlight: Iterable[str] = (),
    doc_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """A word cloud of the most frequent terms of one document, several, or the whole corpus.

    ``tokens`` is the tokens table (``corpus.tokens``). ``doc_id`` selects one document (a
    string) or several (a list); ``None`` takes every document. With ``by_document=True`` each
    selected document gets its own panel (small multiples, in ``doc_id`` order, else in the
    order of the tokens table), otherwise their counts are pooled into one cloud.

    Word size grows with the term's count (``wordcloud``'s ``relative_scaling=0.5``: half by
    rank, half in proportion to the count), relative to the cloud's largest term: sizes are not
    comparable between panels. ``max_words`` terms at most are drawn per cloud; terms that do not
    fit at :data:`MIN_FONT_POINTS` are left out. ``highlight`` terms (e.g. ``corpus.slogans.names``)
    are drawn in orange, the others in blue. ``doc_labels`` maps doc ids to panel titles;
    ``title`` replaces the figure's title (``""``: none). ``width`` is the journal column
    (3.5 or 7 in); ``ncols`` the panels per row of small multiples; ``language`` (``"en"`` or
    ``"zh"``) that of the default title of a corpus cloud.
    """
    _check_common(tokens, max_words, seed, width, title, language, "textplot_wordcloud")
    check_bool(by_document, "by_document", "textplot_wordcloud")
    doc_ids = _selected_docs(tokens, doc_id, "textplot_wordcloud")
    labels = _doc_labels(doc_labels, doc_ids, "textplot_wordcloud")
    highlighted = _term_set(highlight, "highlight", "textplot_wordcloud")
    counts = _counts(tokens, doc_ids)
    font_path = str(resolve_cjk_font().path)

    if by_document:
        panels = [(labels[d], _top_terms(counts, [d], max_words)) for d in doc_ids]
        heading = title if title is not None else ""
    else:
        panels = [(None, _top_terms(counts, doc_ids, max_words))]
        if title is not None:
            heading = title
        elif doc_id is None:
            heading = figure_text("all_documents", language)
        else:
            heading = " + ".join(labels[d] for d in doc_ids)
    empty = [label or heading for label, frequencies in panels if not frequencies]
    if empty:
        raise InputError(
            f"textplot_wordcloud: no words to draw for {', '.join(map(str, empty))}: every token "
            "there is punctuation, a stopword or a number; check the doc_id or the stopword list"
        )
    _require_font_covers([t for _, freq in panels for t in freq], font_path, "textplot_wordcloud")

    n_panels = len(panels)
    columns = _n_columns(ncols, n_panels, width, "textplot_wordcloud")
    rows = math.ceil(n_panels / columns)
    fig_width = COLUMN_WIDTH_INCHES[width]
    panel_width = fig_width / columns
    # Room for panel titles and the figure title, so the clouds keep their PANEL_ASPECT.
    panel_height = panel_width * PANEL_ASPECT + (0.2 if by_document else 0.0)
    fig_height = rows * panel_height + (0.25 if heading else 0.0)

    def colour(word: str, **_: Any) -> str:
        return HIGHLIGHT_COLOUR if word in highlighted else TERM_COLOUR

    with figure_style():
        fig = Figure(figsize=figure_size(width, fig_height / fig_width))
        axes = fig.subplots(rows, columns, squeeze=False).ravel()
        for ax, (label, frequencies) in zip(axes, panels, strict=False):
            image = _cloud_image(
                frequencies, font_path=font_path, seed=seed, max_words=max_words,
                width_in=panel_width, height_in=panel_width * PANEL_ASPECT, colour=colour,
            )
            _show_image(ax, image)
            if label is not None:
                ax.set_title(label)
        for ax in axes[n_panels:]:
            ax.set_visible(False)
        if heading:
            fig.suptitle(heading)
    return fig


def comparison_weights(tokens: pd.DataFrame, doc_ids: Sequence[str]) -> pd.DataFrame:
    """The terms of a comparison cloud: ``term``, ``doc_id`` (where it is over-used), ``weight``.

    As R's ``wordcloud::comparison.cloud`` (Fellows 2018): with ``p[t, d]`` the rate of term
    ``t`` in document ``d`` (its count over the document's counted tokens) and
    ``mean[t] = (1/D) Σ_d p[t, d]`` its mean rate over the ``D`` documents, each term is given
    to the document where it most exceeds its mean,

        doc(t) = argmax_d (p[t, d] − mean[t]),   weight(t) = max_d (p[t, d] − mean[t]),

    and terms with ``weight > 0`` are kept (a term used at the same rate everywhere has weight
    0). Sorted by weight (descending), then term; ties of ``argmax`` go to the first document.
    """
    counts = _counts(tokens, doc_ids)
    totals = counts.doc_totals().to_numpy(dtype=float)
    if (totals == 0).any():
        empty = [d for d, n in zip(counts.docs, totals, strict=True) if n == 0]
        raise InputError(
            f"comparison cloud: document(s) {', '.join(empty)} have no counted tokens (all "
            "punctuation, stopwords or numbers); leave them out with doc_id=[...]"
        )
    rates = counts.matrix.toarray().T / totals  # terms × documents
    excess = rates - rates.mean(axis=1, keepdims=True)
    best = excess.argmax(axis=1)
    weight = excess[np.arange(len(best)), best]
    table = pd.DataFrame(
        {"term": counts.terms.to_numpy(), "doc_id": counts.docs.to_numpy()[best], "weight": weight}
    )
    # Rounding keeps terms used at exactly equal rates (excess ~1e-18) out.
    table = table[table["weight"] > 1e-12]
    return table.sort_values(["weight", "term"], ascending=[False, True]).reset_index(drop=True)


def textplot_comparison_cloud(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    doc_ids: Sequence[str] | None = None,
    max_words: int = 100,
    seed: int = 20240501,
    width: ColumnWidth = "single",
    doc_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """A comparison cloud: the terms each document uses more than the documents on average.

    Each term is placed in the sector of the document where its rate most exceeds its mean rate
    over the documents, sized by that excess (see :func:`comparison_weights` for the formula) and
    coloured by the document, with the documents' names at their sectors, as R's
    ``wordcloud::comparison.cloud``. Position and name identify the document in grayscale too.
    Sizes are comparable across sectors: from :data:`MIN_FONT_POINTS` for the smallest kept
    weight to about 22 pt (single column; 30 pt double) for the largest, in proportion (an
    affine map, as R's ``scale``); terms that do not fit in their sector at the smallest size
    are left out. Rates of short documents vary more, so they tend to fill their sectors.

    ``tokens`` is the tokens table; ``documents`` (``corpus.documents``) gives the documents and
    their order (clockwise from the top); ``doc_ids`` selects two to seven of them. The
    ``max_words`` terms of largest weight are drawn; ``doc_labels`` maps doc ids to the names
    shown (default: the doc ids).
    """
    caller = "textplot_comparison_cloud"
    _check_common(tokens, max_words, seed, width, title, language, caller)
    doc_ids = _compared_docs(tokens, documents, doc_ids, caller)
    labels = _doc_labels(doc_labels, doc_ids, caller)
    weights = comparison_weights(tokens, doc_ids).head(max_words)
    if weights.empty:
        raise CannotDraw(
            f"{caller}: the documents use every term at the same rate, so no term is "
            "over-used anywhere; there is nothing to compare"
        )
    font_path = str(resolve_cjk_font().path)
    _require_font_covers(weights["term"], font_path, caller)
    layout = _comparison_layout(weights, doc_ids, labels, width, title, seed, font_path)
    return _draw_comparison(layout, doc_ids, labels, width, title, language)


@dataclass(frozen=True)
class _ComparisonLayout:
    """The comparison cloud's ``image`` (``side`` × ``side`` layout pixels, drawn at
    LAYOUT_SCALE times that), the documents' names at ``places`` (centre x, y and the box the
    words keep clear of, in layout pixels), on a figure ``fig_height`` inches tall."""

    fig_height: float
    side: int
    places: list[tuple[float, float, tuple[int, int, int, int]]]
    image: np.ndarray


def _comparison_layout(
    weights: pd.DataFrame,
    doc_ids: list[str],
    labels: Mapping[str, str],
    width: ColumnWidth,
    title: str | None,
    seed: int,
    font_path: str,
) -> _ComparisonLayout:
    fig_width = COLUMN_WIDTH_INCHES[width]
    # A circle as wide as the column (single) or about two thirds of it (double).
    diameter = fig_width * 0.96 if width == "single" else fig_width * 0.66
    fig_height = diameter + 0.1 + (0.25 if title != "" else 0.0)
    side = round(diameter * IMAGE_PIXELS_PER_INCH / LAYOUT_SCALE)
    placed = _label_places([labels[d] for d in doc_ids], side=side, font_path=font_path)
    image = _comparison_image(
        weights, doc_ids, font_path=font_path, seed=seed, side=side,
        reserved=[box for _, _, box in placed],
    )
    return _ComparisonLayout(fig_height, side, placed, image)


# --- drawing ----------------------------------------------------------------------------------


def _draw_comparison(
    layout: _ComparisonLayout,
    doc_ids: list[str],
    labels: Mapping[str, str],
    width: ColumnWidth,
    title: str | None,
    language: FigureLanguage,
) -> Figure:
    """The cloud, a line between each two sectors, and each document's name at its sector."""
    fig_width = COLUMN_WIDTH_INCHES[width]
    with figure_style():
        fig = Figure(figsize=figure_size(width, layout.fig_height / fig_width))
        ax = fig.add_subplot()
        _show_image(ax, layout.image)
        radius = layout.side * LAYOUT_SCALE / 2
        centre = radius - 0.5  # imshow puts pixel centres at whole numbers
        for k in range(len(doc_ids)):
            theta = math.radians(_sector_bounds(k, len(doc_ids))[0])
            ax.plot(
                [centre, centre + radius * math.cos(theta)],
                [centre, centre - radius * math.sin(theta)],
                color=SECTOR_LINE_COLOUR, linewidth=0.5, linestyle="-", solid_capstyle="butt",
            )
        for k, (d, (x, y, _)) in enumerate(zip(doc_ids, layout.places, strict=True)):
            ax.text(
                x * LAYOUT_SCALE, y * LAYOUT_SCALE, labels[d], color=PALETTE[k],
                ha="center", va="center", fontsize=LABEL_FONT_POINTS,
            )
        if title != "":
            fig.suptitle(title if title is not None else figure_text("over_used", language))
    return fig


def _cloud_image(
    frequencies: Mapping[str, float],
    *,
    font_path: str,
    seed: int,
    max_words: int,
    width_in: float,
    height_in: float,
    colour: Callable[..., str],
) -> np.ndarray:
    layout_ppi = IMAGE_PIXELS_PER_INCH / LAYOUT_SCALE
    cloud = WordCloud(
        font_path=font_path,
        width=round(width_in * layout_ppi),
        height=round(height_in * layout_ppi),
        scale=LAYOUT_SCALE,
        margin=_layout_pixels(WORD_MARGIN_POINTS),
        max_words=max_words,
        min_font_size=_layout_pixels(MIN_FONT_POINTS),
        prefer_horizontal=0.9,
        background_color="white",
        mode="RGB",
        color_func=colour,
        random_state=seed,
        relative_scaling=0.5,
    )
    return cloud.generate_from_frequencies(dict(frequencies)).to_array()


def _comparison_image(
    weights: pd.DataFrame,
    doc_ids: Sequence[str],
    *,
    font_path: str,
    seed: int,
    side: int,
    reserved: Sequence[tuple[int, int, int, int]],
) -> np.ndarray:
    """One transparent cloud per document, each masked to its sector of a circle, composited.

    ``side`` is the layout's width and height in pixels; ``reserved`` are (left, top, right,
    bottom) boxes no word may cover (the documents' names).
    """
    diameter_in = side * LAYOUT_SCALE / IMAGE_PIXELS_PER_INCH
    smallest = _layout_pixels(MIN_FONT_POINTS)
    largest = _layout_pixels(COMPARISON_MAX_FONT_POINTS_PER_INCH * diameter_in)
    top, low = weights["weight"].max(), weights["weight"].min()
    spread = top - low if top > low else 1.0
    # Target size in layout pixels; with relative_scaling=1 wordcloud draws a word at
    # max_font_size × value / (largest value of the call), so passing the largest target as
    # max_font_size draws every word at its target size (unless it must shrink to fit).
    sizes = smallest + (largest - smallest) * (weights["weight"] - low) / spread
    weights = weights.assign(size=sizes)
    yy, xx = np.mgrid[0:side, 0:side]
    centre = (side - 1) / 2
    angle = np.degrees(np.arctan2(centre - yy, xx - centre)) % 360  # counter-clockwise from east
    east, north = xx - centre, centre - yy
    free = np.hypot(east, north) <= side / 2
    for left, upper, right, lower in reserved:
        free[max(upper, 0) : lower, max(left, 0) : right] = False
    # A gap along each sector boundary, where the figure draws the dividing line.
    gap = _layout_pixels(SECTOR_GAP_POINTS)
    for k in range(len(doc_ids)):
        theta = math.radians(_sector_bounds(k, len(doc_ids))[0])
        along = east * math.cos(theta) + north * math.sin(theta)
        across = np.abs(east * math.sin(theta) - north * math.cos(theta))
        free &= ~((along > 0) & (across < gap))
    canvas = np.ones((side * LAYOUT_SCALE, side * LAYOUT_SCALE, 3))
    for k, d in enumerate(doc_ids):
        own = weights[weights["doc_id"] == d]
        if own.empty:
            continue
        lo, hi = _sector_bounds(k, len(doc_ids))
        in_sector = free & (((angle - lo) % 360) < (hi - lo))
        cloud = WordCloud(
            font_path=font_path,
            width=side,
            height=side,
            scale=LAYOUT_SCALE,
            mask=np.where(in_sector, 0, 255).astype(np.uint8),  # 255: no word here
            margin=_layout_pixels(WORD_MARGIN_POINTS),
            max_words=len(own),
            min_font_size=smallest,
            max_font_size=max(smallest, round(own["size"].max())),
            prefer_horizontal=0.9,
            background_color=None,
            mode="RGBA",
            color_func=lambda *_, _c=PALETTE[k], **__: _c,
            random_state=seed + k,
            relative_scaling=1.0,
        )
        layer = cloud.generate_from_frequencies(dict(zip(own["term"], own["size"], strict=True)))
        rgba = layer.to_array().astype(float) / 255
        alpha = rgba[..., 3:]
        canvas = canvas * (1 - alpha) + rgba[..., :3] * alpha
    return np.round(canvas * 255).astype(np.uint8)


def _label_places(
    labels: Sequence[str], *, side: int, font_path: str
) -> list[tuple[float, float, tuple[int, int, int, int]]]:
    """Where each document's name goes: at the rim, centred on the middle of its sector.

    Returns the name's centre (x, y) and the box (left, top, right, bottom) the words keep clear
    of, in layout pixels (y downwards): the name, measured in the same font, with a margin and
    extended outwards, so that the name is the outermost thing in its sector.
    """
    font = ImageFont.truetype(font_path, _layout_pixels(LABEL_FONT_POINTS))
    pad = _layout_pixels(1.5)
    centre = (side - 1) / 2
    radius = side / 2 - pad
    places = []
    for k, label in enumerate(labels):
        angle = math.radians(_sector_middle(k, len(labels)))
        cos, sin = math.cos(angle), math.sin(angle)
        left, upper, right, lower = font.getbbox(label, anchor="ls")
        half_w, half_h = (right - left) / 2, (lower - upper) / 2
        # The farthest point along the middle ray at which the whole box is inside the circle:
        # its outer corner is the one farthest from the centre.
        low, high = 0.0, radius
        for _ in range(40):
            t = (low + high) / 2
            corner = math.hypot(abs(t * cos) + half_w, abs(t * sin) + half_h)
            low, high = (t, high) if corner <= radius else (low, t)
        x, y = centre + low * cos, centre - low * sin
        box = [round(x - half_w) - pad, round(y - half_h) - pad,
               round(x + half_w) + pad, round(y + half_h) + pad]
        if cos > 0.3:
            box[2] = side
        elif cos < -0.3:
            box[0] = 0
        if sin > 0.3:
            box[1] = 0
        elif sin < -0.3:
            box[3] = side
        places.append((x, y, (box[0], box[1], box[2], box[3])))
    return places


def _sector_bounds(k: int, n: int) -> tuple[float, float]:
    """Angles (degrees, counter-clockwise from east) of the k-th of n equal sectors, which run
    clockwise from the top."""
    step = 360 / n
    low = (90 - (k + 1) * step) % 360
    return low, low + step


def _sector_middle(k: int, n: int) -> float:
    low, high = _sector_bounds(k, n)
    return (low + high) / 2


def _show_image(ax: Axes, image: np.ndarray) -> None:
    ax.imshow(image, interpolation="antialiased")
    ax.set_axis_off()


def _layout_pixels(points: float) -> int:
    return max(1, round(points / 72 * IMAGE_PIXELS_PER_INCH / LAYOUT_SCALE))


# --- counting ---------------------------------------------------------------------------------


def _counts(tokens: pd.DataFrame, doc_ids: Sequence[str]) -> Dfm:
    # Whether a token has a letter is decided once per distinct token (a corpus has millions
    # of tokens and some hundred thousand distinct ones); only the rows kept are copied.
    in_docs = tokens["doc_id"].isin(doc_ids).to_numpy(dtype=bool)
    chosen = tokens if in_docs.all() else tokens.loc[in_docs]
    codes, distinct = pd.factorize(chosen["token"])
    has_letter = np.fromiter(map(_has_letter, distinct), dtype=bool, count=len(distinct))
    keep = np.append(has_letter, False)[codes]  # code -1, a missing token, has no letter
    columns = ["doc_id", "token", *(c for c in ("is_punct", "is_stop") if c in tokens.columns)]
    return dfm(chosen.loc[keep, columns], docs=list(doc_ids))


def _has_letter(token: object) -> bool:
    return isinstance(token, str) and any(unicodedata.category(ch)[0] == "L" for ch in token)


def _top_terms(counts: Dfm, doc_ids: Sequence[str], max_words: int) -> dict[str, int]:
    rows = counts.docs.get_indexer(list(doc_ids))
    totals = np.asarray(counts.matrix[rows].sum(axis=0)).ravel()
    table = pd.DataFrame({"term": counts.terms.to_numpy(), "count": totals})
    table = table[table["count"] > 0]
    # Ties broken by term, so the cloud does not depend on the order of the tokens.
    table = table.sort_values(["count", "term"], ascending=[False, True]).head(max_words)
    return dict(zip(table["term"], table["count"].astype(int), strict=True))


# --- argument checks --------------------------------------------------------------------------


def _compared_docs(
    tokens: pd.DataFrame,
    documents: object,
    doc_ids: Sequence[str] | None,
    caller: str,
) -> list[str]:
    """The two to seven documents compared, in the documents table's order or ``doc_ids``'."""
    if isinstance(doc_ids, str):
        raise InputError(
            f"{caller}: doc_ids={doc_ids!r} names one document; a comparison needs two or more, "
            "e.g. doc_ids=['jilin_news_2007', 'nansha_speech_2007'] (or None for all)"
        )
    if not isinstance(documents, pd.DataFrame) or "doc_id" not in documents.columns:
        raise InputError(
            f"{caller}: documents must be the documents table (corpus.documents) with a "
            "doc_id column"
        )
    order = [str(d) for d in documents["doc_id"]]
    if doc_ids is None:
        # Documents without tokens cannot be compared; those of the tokens table only.
        with_tokens = set(map(str, pd.unique(tokens["doc_id"])))
        doc_ids = [d for d in order if d in with_tokens]
    else:
        stray = [d for d in doc_ids if d not in set(order)]
        if stray:
            raise InputError(
                f"{caller}: doc_ids {', '.join(map(repr, stray))} is not in the documents table "
                f"({', '.join(order[:10])})"
            )
    compared = _selected_docs(tokens, doc_ids, caller)
    if len(compared) < 2:
        raise InputError(
            f"{caller}: a comparison needs at least two documents with tokens, got "
            f"{len(compared)}; use textplot_wordcloud for one document"
        )
    if len(compared) > len(PALETTE):
        raise InputError(
            f"{caller}: {len(compared)} documents are more than the {len(PALETTE)} colours of "
            "the palette: compare at most seven documents (select them with doc_ids=[...]), or "
            "group documents first"
        )
    return compared


def _check_common(
    tokens: object,
    max_words: object,
    seed: object,
    width: object,
    title: object,
    language: object,
    caller: str,
) -> None:
    """The checks both clouds make, in this order."""
    check_language(language, caller)
    require_columns(
        tokens,
        TOKEN_COLUMNS,
        caller,
        name="the tokens table",
        source="corpus.tokens from analysis.build_corpus",
    )
    if tokens.empty:
        raise CannotDraw(f"{caller}: the tokens table is empty; there is nothing to draw")
    check_int(max_words, "max_words", caller, minimum=1)
    check_int(seed, "seed", caller, minimum=0)
    check_width(width, caller)
    check_optional_string(title, "title", caller)


def _selected_docs(
    tokens: pd.DataFrame, doc_id: str | Sequence[str] | None, caller: str
) -> list[str]:
    present = list(dict.fromkeys(str(d) for d in pd.unique(tokens["doc_id"])))
    if doc_id is None:
        return present
    wanted = [doc_id] if isinstance(doc_id, str) else list(doc_id)
    if not wanted:
        raise InputError(f"{caller}: doc_id is an empty list; name a document or pass None")
    unknown = [d for d in wanted if d not in set(present)]
    if unknown:
        raise InputError(
            f"{caller}: unknown doc_id {', '.join(map(repr, unknown))}; the tokens table has "
            f"{', '.join(present[:10])}{' …' if len(present) > 10 else ''}"
        )
    return list(dict.fromkeys(wanted))


def _doc_labels(
    doc_labels: Mapping[str, str] | None, doc_ids: Sequence[str], caller: str
) -> dict[str, str]:
    if doc_labels is None:
        return {d: d for d in doc_ids}
    if not isinstance(doc_labels, Mapping):
        raise InputError(
            f"{caller}: doc_labels must map doc ids to labels, e.g. {{'{doc_ids[0]}': '…'}}"
        )
    return {d: str(doc_labels.get(d, d)) for d in doc_ids}


def _term_set(terms: Iterable[str], name: str, caller: str) -> frozenset[str]:
    if isinstance(terms, str):
        return frozenset([terms])
    try:
        return frozenset(str(t) for t in terms)
    except TypeError:
        raise InputError(f"{caller}: {name} must be a list of terms, got {terms!r}") from None


def _require_font_covers(terms: Iterable[str], font_path: str, caller: str) -> None:
    # The cloud is drawn by PIL, not matplotlib, so save_figure's glyph check cannot see it.
    missing = missing_characters(list(terms), [(font_path, 0)])
    if missing:
        raise InputError(
            f"{caller}: the font {font_path} cannot draw {''.join(missing)!r} "
            f"({', '.join(f'U+{ord(ch):04X}' for ch in missing)}), which word(s) of the cloud "
            "contain; set ANALYSIS_FONT to a font that covers them, or drop those tokens"
        )


def _n_columns(ncols: int | None, n_panels: int, width: str, caller: str) -> int:
    if ncols is None:
        return min(n_panels, 2 if width == "single" else 3)
    return min(check_int(ncols, "ncols", caller, minimum=1), n_panels)
