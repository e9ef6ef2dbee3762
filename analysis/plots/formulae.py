"""The shared-formulae matrix: which documents share which formulae (提法).

Rows are formulae (as printed in the first document that has them), columns are documents, and
a filled square marks a formula the document contains. Rows keep the order of
:func:`analysis.measures.formulae.textstat_formulae` (most documents first, then longest), so
the formulae shared most widely are at the top.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.checks import check_int, check_optional_string, require_columns
from analysis.errors import CannotDraw, InputError
from analysis.plots.labels import FigureLanguage, check_language, figure_text, list_separator
from analysis.plots.style import (
    COLUMN_WIDTH_INCHES,
    MAX_FIGURE_HEIGHT_INCHES,
    PALETTE,
    ColumnWidth,
    check_width,
    figure_size,
    figure_style,
)

FORMULA_COLUMNS = ("formula", "length", "n_docs", "doc_ids", "text")
DOC_SEPARATOR = ";"  # as analysis.measures.formulae joins doc_ids
ROW_INCHES = 0.15  # one formula: a 7-pt label with a little air
# One document's column; wider columns would only spread the marks apart.
COLUMN_INCHES = {"single": 0.3, "double": 0.55}
MARK_AREA = 40  # points², a square of ~6 pt
MAX_CHARS = {"single": 16, "double": 30}
HEADER_INCHES = 1.0  # rotated document names above the matrix
PRESENT_COLOUR = PALETTE[0]
EMPTY_COLOUR = "0.92"
# Paired marks that lose their partner when a formula starts or ends inside a quotation.
_OPENING = "“‘「『《〈（(【"
_CLOSING = "”’」』》〉）)】"


def textplot_formulae(
    formulae_table: pd.DataFrame,
    *,
    top_n: int = 25,
    doc_ids: Sequence[str] | None = None,
    max_chars: int | None = None,
    width: ColumnWidth = "single",
    doc_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    language: FigureLanguage = "en",
) -> Figure:
    """A matrix of the first ``top_n`` formulae (rows) by the documents sharing them (columns).

    ``formulae_table`` is the table of ``textstat_formulae`` (``formulae.csv``); its order is
    kept (``n_docs``, then ``length``, descending). Each row is labelled with the formula as
    printed (the ``text`` column, with its punctuation; a quotation mark whose partner lies
    outside the formula's boundaries gets its partner back, so 三个代表”重要思想 is shown as
    “三个代表”重要思想), cut to ``max_chars`` characters ending
    in "…" (default: as many as fit beside the matrix, at most 16 in a single column and 30
    in a double). The number on the right is the
    formula's length in characters (without punctuation). A filled square means the document
    contains the formula at least once; rules separate formulae shared by 4, 3, 2 … documents,
    and the note under the matrix says so. ``language`` (``"en"`` or ``"zh"``) is that of the
    notes.

    ``doc_ids`` sets the columns and their order (e.g. ``corpus.documents["doc_id"]``, which also
    shows documents sharing nothing); by default the documents named in the table, sorted.
    ``doc_labels`` maps doc ids to column labels; ``width`` is the journal column.
    """
    caller = "textplot_formulae"
    _check_arguments(formulae_table, top_n, max_chars, width, title, language, caller)
    matrix = _matrix(formulae_table, top_n, doc_ids, max_chars, width, doc_labels, caller)
    fig_width = COLUMN_WIDTH_INCHES[width]
    fig_height = matrix.n_rows * ROW_INCHES + HEADER_INCHES + (0.25 if title else 0.0)
    if fig_height > MAX_FIGURE_HEIGHT_INCHES:
        raise CannotDraw(
            f"{caller}: {matrix.n_rows} formulae need a figure {fig_height:.1f} in tall, more "
            f"than a page; use a smaller top_n (at most {_max_rows()})"
        )
    with figure_style():
        fig = Figure(figsize=figure_size(width, fig_height / fig_width))
        ax = fig.add_subplot()
        _draw_cells(ax, matrix, width)
        _draw_lengths(ax, matrix, language)
        # A rule between formulae shared by different numbers of documents (the sort's key).
        for row in np.flatnonzero(matrix.n_docs[1:] != matrix.n_docs[:-1]):
            ax.axhline(row + 0.5, color="0.6", linewidth=0.5, linestyle="-")
        fig.supxlabel(_caption(matrix, len(formulae_table), language), fontsize=7)
        if title:
            fig.suptitle(title)
    return fig


@dataclass(frozen=True)
class _Matrix:
    """What the matrix shows: a row per formula, a column per document."""

    row_labels: list[str]  # the formulae as printed, shortened
    lengths: list[int]  # each formula's length in characters
    n_docs: np.ndarray  # how many documents share each formula
    column_labels: list[str]
    present: np.ndarray  # (rows, columns): the document contains the formula

    @property
    def n_rows(self) -> int:
        return self.present.shape[0]

    @property
    def n_cols(self) -> int:
        return self.present.shape[1]


def _check_arguments(
    formulae_table: object, top_n: object, max_chars: object, width: object, title: object,
    language: object, caller: str,
) -> None:
    check_language(language, caller)
    require_columns(
        formulae_table,
        FORMULA_COLUMNS,
        caller,
        name="the formulae table",
        source="the table of analysis.measures.formulae.textstat_formulae (formulae.csv)",
    )
    check_int(top_n, "top_n", caller, minimum=1)
    if max_chars is not None:
        check_int(max_chars, "max_chars", caller, minimum=4)
    check_width(width, caller)
    check_optional_string(title, "title", caller)
    if formulae_table.empty:
        raise InputError(
            f"{caller}: the formulae table is empty: the documents share no passage of "
            "min_length characters; try a smaller min_length in textstat_formulae"
        )


def _matrix(
    formulae_table: pd.DataFrame,
    top_n: int,
    doc_ids: Sequence[str] | None,
    max_chars: int | None,
    width: ColumnWidth,
    doc_labels: Mapping[str, str] | None,
    caller: str,
) -> _Matrix:
    shown = formulae_table.head(top_n)
    members = [str(ids).split(DOC_SEPARATOR) for ids in shown["doc_ids"]]
    columns = _columns(formulae_table, members, doc_ids, caller)
    if doc_labels is not None and not isinstance(doc_labels, Mapping):
        raise InputError(f"{caller}: doc_labels must map doc ids to column labels")
    labels = [str((doc_labels or {}).get(d, d)) for d in columns]
    present = np.array([[d in set(ids) for d in columns] for ids in members], dtype=bool)
    if max_chars is None:
        max_chars = min(MAX_CHARS.get(width, 16), _fitting_chars(width, len(columns), labels))
    return _Matrix(
        row_labels=[_shorten(str(text), max_chars) for text in shown["text"]],
        lengths=[int(length) for length in shown["length"]],
        n_docs=shown["n_docs"].to_numpy(),
        column_labels=labels,
        present=present,
    )


def _columns(
    formulae_table: pd.DataFrame, members: list[list[str]], doc_ids: Sequence[str] | None,
    caller: str,
) -> list[str]:
    """The doc ids of the columns: ``doc_ids`` as given, or every document the table names."""
    if doc_ids is None:
        return sorted(
            {d for ids in formulae_table["doc_ids"] for d in str(ids).split(DOC_SEPARATOR)}
        )
    columns = [doc_ids] if isinstance(doc_ids, str) else [str(d) for d in doc_ids]
    if not columns:
        raise InputError(f"{caller}: doc_ids is empty; name the documents or pass None")
    unlisted = sorted({d for ids in members for d in ids} - set(columns))
    if unlisted:
        raise InputError(
            f"{caller}: doc_ids leaves out {', '.join(unlisted)}, which share(s) shown "
            "formulae; list every document (e.g. corpus.documents['doc_id'])"
        )
    return columns


def _draw_cells(ax: Axes, matrix: _Matrix, width: ColumnWidth) -> None:
    """The squares, empty and filled, with formulae down the side and documents on top."""
    present, n_rows, n_cols = matrix.present, matrix.n_rows, matrix.n_cols
    rows, cols = np.indices(present.shape)
    ax.scatter(cols[~present], rows[~present], marker="s", s=MARK_AREA, color=EMPTY_COLOUR,
               linewidths=0)
    ax.scatter(cols[present], rows[present], marker="s", s=MARK_AREA, color=PRESENT_COLOUR,
               linewidths=0)
    ax.set_xlim(-0.6, n_cols - 0.4)
    # Fixed cell sizes: the matrix stays compact however wide the column is.
    ax.set_box_aspect((n_rows * ROW_INCHES) / (n_cols * COLUMN_INCHES[width]))
    ax.set_ylim(n_rows - 0.5, -0.5)  # first formula at the top
    ax.set_yticks(range(n_rows), matrix.row_labels)
    ax.xaxis.tick_top()
    ax.set_xticks(range(n_cols), matrix.column_labels, rotation=45, ha="left",
                  rotation_mode="anchor")
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)


def _draw_lengths(ax: Axes, matrix: _Matrix, language: FigureLanguage) -> None:
    """The formula's length, as a right-hand column: the sort's second key."""
    for row, length in enumerate(matrix.lengths):
        ax.text(matrix.n_cols - 0.2, row, f"{length}", va="center", ha="left", fontsize=6,
                color="0.35")
    ax.text(matrix.n_cols - 0.2, -0.9, figure_text("formulae_chars", language), va="bottom",
            ha="left", fontsize=6, color="0.35")


def _caption(matrix: _Matrix, total: int, language: FigureLanguage) -> str:
    """How many formulae are shown, and which numbers of documents the rules separate."""
    caption = (
        figure_text("formulae_shown", language, shown=f"{matrix.n_rows:,}", total=f"{total:,}")
        if total > matrix.n_rows else figure_text("formulae_all", language, total=f"{total:,}")
    )
    if len(set(matrix.n_docs.tolist())) > 1:
        counts = list(dict.fromkeys(int(n) for n in matrix.n_docs))
        joined = list_separator(language).join(map(str, counts))
        caption += "\n" + figure_text("formulae_groups", language, counts=joined)
    return caption


def _fitting_chars(width: ColumnWidth, n_cols: int, labels: list[str]) -> int:
    """How many 7-pt Chinese characters fit left of the matrix: the page width less the
    matrix, the length column and the overhang of the last rotated column label."""
    char_inches = 7 / 72  # a CJK character is one em wide
    overhang = 0.7 * 0.45 * max((len(label) for label in labels), default=0) * char_inches
    free = COLUMN_WIDTH_INCHES[width] - n_cols * COLUMN_INCHES[width] - 0.35 - overhang
    return max(4, int(free / char_inches))


def _max_rows() -> int:
    return int((MAX_FIGURE_HEIGHT_INCHES - HEADER_INCHES - 0.25) / ROW_INCHES)


def _shorten(text: str, max_chars: int) -> str:
    """The printed formula, its quotation marks paired, cut to ``max_chars`` with "…"."""
    text = _paired(text.strip())
    if len(text) <= max_chars:
        return text
    # A quotation the cut leaves open stays open: the "…" says the text goes on.
    return text[: max_chars - 1].rstrip("、，,；;：: ") + "…"


def _paired(text: str) -> str:
    """``text`` with the partner of each unpaired mark restored at its end: a formula cut out
    of 以“三个代表”重要思想 starts inside the quotation (三个代表”重要思想), so its opening
    mark goes back in front (“三个代表”重要思想); one that ends inside a quotation gets the
    closing mark. A closing mark that does not match the open one is left as written."""
    missing_openings: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in _OPENING:
            stack.append(ch)
        elif ch in _CLOSING:
            partner = _OPENING[_CLOSING.index(ch)]
            if stack and stack[-1] == partner:
                stack.pop()
            elif not stack:
                missing_openings.append(partner)
    closings = "".join(_CLOSING[_OPENING.index(ch)] for ch in reversed(stack))
    return "".join(reversed(missing_openings)) + text + closings
