"""The compact tables a paper reports: ``OUT/tables/summary.xlsx`` and ``OUT/tables/latex/*.tex``.

:func:`summary_tables` picks, from a run's statistics, the tables a paper prints (documents,
slogan rates and counts, top TF-IDF terms, formulae, similarity, CA inertia). Each is a
:class:`SummaryTable`:

* ``data`` — what the workbook holds: one value per cell, numbers as numbers (a rate and its
  interval are three numeric columns), rounded to the precision shown (:data:`KINDS`), so a
  researcher can sort, filter and plot them. The full-precision tables are the run's
  ``<name>.parquet`` and ``<name>.csv``.
* ``columns`` — what every column of ``data`` means and its unit, written as the workbook's first
  sheet, ``columns``.
* ``layout`` — optionally, the compact arrangement printed in LaTeX (a column per document with
  ``23.8 [4.6, 47.5]`` cells), which a page holds and a spreadsheet cannot sort.

:func:`write_summary` writes the workbook (number formats, fitted column widths, a frozen header
row; the same bytes for the same tables, :func:`reproducible_xlsx`) and a LaTeX file per table:
a complete ``table`` float with caption, ``\\label{tab:<name>}`` and a booktabs ``tabular``, every
cell escaped, numbers right-aligned. Chinese text is left as it is: compile with XeLaTeX and
``\\usepackage{xeCJK}``.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from analysis.config.paths import atomic_write, safe_child, write_text_atomic

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from analysis.run.tables import StudyResults

#: With at most this many documents, slogans and similarity get a column per document.
WIDE_DOCUMENTS = 20
#: Rows of a summary table written as LaTeX (the workbook keeps every row).
LATEX_MAX_ROWS = 60
#: The workbook's first sheet: what every sheet and column holds.
COLUMNS_SHEET = "columns"
#: The corpus-wide row or column of the slogan tables.
ALL_DOCUMENTS = "all documents"
# Excel column widths, in characters (a CJK character counts two).
MIN_WIDTH, MAX_WIDTH = 6, 60


@dataclass(frozen=True)
class Kind:
    """How values of one kind are stored, shown in Excel and printed in LaTeX."""

    excel_format: str | None  # number format; None keeps Excel's "General"
    decimals: int | None  # rounded to (and shown with) this many decimals; None: not rounded
    align: str  # LaTeX column alignment


#: Value kinds of summary columns. ``numeric_text`` is for printed layouts only: text that shows
#: numbers (``23.8 [4.6, 47.5]``), right-aligned like them.
KINDS: dict[str, Kind] = {
    "text": Kind(None, None, "l"),
    "numeric_text": Kind(None, None, "r"),
    "count": Kind("#,##0", 0, "r"),
    "year": Kind("0", 0, "r"),
    "rate": Kind("0.0", 1, "r"),  # per 10,000 characters
    "score": Kind("0.000", 3, "r"),  # proportions, cosines, TF-IDF weights, CA inertia
    "statistic": Kind("0.00", 2, "r"),  # G² and other test statistics
    # scientific below 0.001, where three decimals would show 0.000
    "p_value": Kind("[<0.001]0.0E+00;0.000", None, "r"),
}


@dataclass(frozen=True)
class Column:
    """What a workbook column means, its unit (empty for text) and its value kind."""

    meaning: str
    unit: str = ""
    kind: str = "text"

    def __post_init__(self) -> None:
        if not self.meaning.strip():
            raise ValueError("Column: say what the column means (meaning is empty)")
        if self.kind not in KINDS:
            raise ValueError(f"Column: kind {self.kind!r} is not one of {', '.join(KINDS)}")


@dataclass(frozen=True, eq=False)
class SummaryTable:
    """One table for a paper: ``data`` for the workbook (numbers as numbers), ``columns``
    describing every column of it, a ``caption``, and optionally a compact ``layout`` printed in
    LaTeX instead of ``data``, with the kind of each of its columns in ``layout_kinds``."""

    data: pd.DataFrame
    columns: Mapping[str, Column]
    caption: str
    layout: pd.DataFrame | None = None
    layout_kinds: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.data, pd.DataFrame):
            raise TypeError(f"SummaryTable: data must be a DataFrame, got {type(self.data)}")
        if not self.caption.strip():
            raise ValueError("SummaryTable: give a caption saying what the table shows")
        names = list(self.data.columns)
        if not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
            raise ValueError(f"SummaryTable: data columns must be distinct text, got {names}")
        if set(names) != set(self.columns):
            raise ValueError(
                "SummaryTable: describe exactly the data's columns; undescribed: "
                f"{sorted(set(names) - set(self.columns))}, not in the data: "
                f"{sorted(set(self.columns) - set(names))}"
            )
        if self.layout is None:
            if self.layout_kinds:
                raise ValueError("SummaryTable: layout_kinds given without a layout")
            return
        if not isinstance(self.layout, pd.DataFrame):
            raise TypeError(f"SummaryTable: layout must be a DataFrame, got {type(self.layout)}")
        printed = list(self.layout.columns)
        if not all(isinstance(n, str) for n in printed) or set(printed) != set(self.layout_kinds):
            raise ValueError(
                f"SummaryTable: layout_kinds must give the kind of every layout column {printed} "
                "(column names as text)"
            )
        unknown = sorted(set(self.layout_kinds.values()) - set(KINDS))
        if unknown:
            raise ValueError(
                f"SummaryTable: unknown kinds {unknown}; use one of {', '.join(KINDS)}"
            )

    @property
    def printed(self) -> pd.DataFrame:
        """The table as printed: the layout, else the data."""
        return self.data if self.layout is None else self.layout

    @property
    def printed_kinds(self) -> list[str]:
        """The kind of each printed column, in order."""
        if self.layout is None:
            return [self.columns[c].kind for c in self.data.columns]
        return [self.layout_kinds[c] for c in self.layout.columns]


def rounded(data: pd.DataFrame, columns: Mapping[str, Column]) -> pd.DataFrame:
    """``data`` with every float column rounded to its kind's decimals (what the table shows)."""
    data = data.copy()
    for name, column in columns.items():
        decimals = KINDS[column.kind].decimals
        if decimals is not None and pd.api.types.is_float_dtype(data[name]):
            data[name] = data[name].round(decimals)
    return data


def summary_table(
    data: pd.DataFrame,
    columns: Mapping[str, Column],
    caption: str,
    *,
    layout: pd.DataFrame | None = None,
    layout_kinds: Mapping[str, str] | None = None,
) -> SummaryTable:
    """A :class:`SummaryTable` of ``data`` rounded as shown, columns in the order described."""
    data = rounded(data.reset_index(drop=True)[list(columns)], columns)
    return SummaryTable(data, dict(columns), caption, layout, dict(layout_kinds or {}))


# ----------------------------------------------------------------------------- the tables


def summary_tables(
    results: StudyResults,
    *,
    top_terms: int = 5,
    top_formulae: int = 25,
    top_pairs: int = 25,
    wide_documents: int = WIDE_DOCUMENTS,
) -> dict[str, SummaryTable]:
    """Compact tables for a paper: documents, slogan rates and counts, top TF-IDF terms,
    formulae, similarity and the CA inertia.

    With at most ``wide_documents`` documents, slogans and similarity are printed with a column
    per document (as a paper prints five documents). Above that a column per document no longer
    fits a page: slogan rates and counts get a column per metadata group and one for the whole
    corpus, top terms a row per document, and similarity becomes the ``top_pairs`` most similar
    pairs of documents. The workbook holds slogan rates, counts and top terms as one row per
    slogan (term) and document or group, numbers in numeric columns.
    """
    if wide_documents < 1 or top_terms < 1 or top_formulae < 1 or top_pairs < 1:
        raise ValueError(
            "summary_tables: top_terms, top_formulae, top_pairs and wide_documents must be ≥ 1"
        )
    tables = results.tables
    wide = len(tables["documents"]) <= wide_documents
    summary = {
        "documents": _documents_table(tables["documents"]),
        **_slogan_tables(tables["slogan_counts"], wide=wide),
        "top_tfidf_terms": _tfidf_table(tables["tfidf"], top_terms, wide=wide),
        "formulae": _formulae_table(tables["formulae"], top_formulae),
        "similarity": _similarity_table(
            tables["similarity"], len(tables["documents"]), top_pairs, wide=wide
        ),
    }
    if "ca_inertia" in tables:
        summary["ca_inertia"] = _ca_inertia_table(tables["ca_inertia"])
    return summary


_DOC_ID = Column("document identifier (doc_id)")


def _documents_table(documents: pd.DataFrame) -> SummaryTable:
    columns = {
        "doc_id": _DOC_ID,
        "title": Column("title, from the metadata (the doc_id where none is given)"),
        "level": Column("administrative level of the issuing body, from the metadata"),
        "genre": Column("genre, from the metadata"),
        "year": Column("year of the document, from the metadata", "year", "year"),
        "script": Column("script of the text as found: simplified, traditional or none"),
        "n_chars_raw": Column(
            "characters of the text as read, line breaks excluded", "characters", "count"
        ),
        "n_chars": Column(
            "characters after cleaning, line breaks excluded (the rates' denominator)",
            "characters",
            "count",
        ),
        "n_tokens": Column(
            "word tokens (punctuation excluded, stopwords included)", "tokens", "count"
        ),
    }
    caption = (
        f"The {len(documents)} documents: metadata, length in characters (as read and after "
        "cleaning) and in word tokens."
    )
    return summary_table(documents, columns, caption)


def _slogan_places(counts: pd.DataFrame, *, wide: bool) -> tuple[pd.DataFrame, str, str, Column]:
    """The rows the slogan tables print, with a column naming each row's place (a document, or
    a group, and all documents): ``(rows, place column, "per …" phrase, its Column)``."""
    if wide:
        where, what = "document", "per document"
        rows = counts[counts["scope"].isin(["document", "corpus"])]
        place = rows["doc_id"].where(rows["scope"] == "document", ALL_DOCUMENTS)
        where_column = Column(f"the document (doc_id), or '{ALL_DOCUMENTS}' taken together")
    else:
        where, what = "group", "per group of documents"
        rows = counts[counts["scope"] != "document"]
        place = (rows["grouping"] + " = " + rows["group"].astype(str)).where(
            rows["scope"] != "corpus", ALL_DOCUMENTS
        )
        where_column = Column(
            "the documents sharing a metadata value ('grouping = value'), taken together, or "
            f"'{ALL_DOCUMENTS}'"
        )
    return rows.assign(**{where: place}), where, what, where_column


def _slogan_tables(counts: pd.DataFrame, *, wide: bool) -> dict[str, SummaryTable]:
    """``slogan_rates`` and ``slogan_counts``: a row per slogan and document (or group)."""
    rows, where, what, where_column = _slogan_places(counts, wide=wide)
    slogans = list(pd.unique(rows["slogan"]))
    places = list(pd.unique(rows[where]))
    # a slogan's rows together, slogans in lexicon order, places in the table's order
    rows = rows.iloc[rows["slogan"].map(slogans.index).argsort(kind="stable")]
    interval = _interval_phrase(rows)
    per_10k = "mentions per 10,000 characters"
    rate_columns = {
        "slogan": Column("the slogan (its name in the slogan lexicon)"),
        where: where_column,
        "per_10k_chars": Column(
            "mentions per 10,000 cleaned characters (a group's documents taken together)",
            per_10k,
            "rate",
        ),
        "ci_low": Column(f"lower bound of the {interval} (empty: no interval)", per_10k, "rate"),
        "ci_high": Column(f"upper bound of the {interval} (empty: no interval)", per_10k, "rate"),
    }
    count_columns = {
        "slogan": rate_columns["slogan"],
        where: where_column,
        "count": Column(
            "mentions in the cleaned text (inside longer words too)", "mentions", "count"
        ),
        "token_count": Column("mentions that are whole word tokens", "mentions", "count"),
    }
    rates = rounded(rows[list(rate_columns)], rate_columns)
    cells = [
        f"{r:.1f}" if pd.isna(lo) else f"{r:.1f} [{lo:.1f}, {hi:.1f}]"
        for r, lo, hi in zip(rates["per_10k_chars"], rates["ci_low"], rates["ci_high"], strict=True)
    ]
    mentions = [f"{c} ({t})" for c, t in zip(rows["count"], rows["token_count"], strict=True)]
    layout_kinds = {"slogan": "text", **{p: "numeric_text" for p in places}}

    def layout(values: list[str]) -> pd.DataFrame:
        return (
            rows.assign(cell=values)
            .pivot(index="slogan", columns=where, values="cell")
            .reindex(index=slogans, columns=places)
            .rename_axis(columns=None)
            .reset_index()
        )

    return {
        "slogan_rates": summary_table(
            rows,
            rate_columns,
            f"Slogan mentions per 10,000 characters, {what} and in all documents, with the "
            f"{interval} in brackets.",
            layout=layout(cells),
            layout_kinds=layout_kinds,
        ),
        "slogan_counts": summary_table(
            rows,
            count_columns,
            f"Slogan mentions, {what} and in all documents; in parentheses, the mentions that are "
            "whole word tokens.",
            layout=layout(mentions),
            layout_kinds=layout_kinds,
        ),
    }


def _interval_phrase(rows: pd.DataFrame) -> str:
    """``95% percentile bootstrap interval (resampling paragraphs)``, from the rows' settings."""
    with_interval = rows[rows["ci_low"].notna()]
    if with_interval.empty:
        return "bootstrap interval"
    levels = ", ".join(f"{c:.0%}" for c in pd.unique(with_interval["confidence"]))
    units = " or ".join(str(m) for m in pd.unique(with_interval["ci_method"]))
    return f"{levels} percentile bootstrap interval (resampling {units})"


def _tfidf_table(tfidf: pd.DataFrame, top_terms: int, *, wide: bool) -> SummaryTable:
    columns = {
        "doc_id": _DOC_ID,
        "rank": Column(
            "rank of the term in the document, 1 = highest TF-IDF weight (equal weights share "
            "a rank; listed by term)", "", "count"
        ),
        "term": Column("the term (a word token)"),
        "tfidf": Column("TF-IDF weight of the term in the document", "weight", "score"),
    }
    # the first top_terms rows of each document (the table lists ties by term), laid out by
    # that place: tied ranks would collide in the columns of the printed table
    place = tfidf.groupby("doc_id", sort=False).cumcount() + 1
    top = rounded(tfidf[place <= top_terms][list(columns)], columns)
    places = place[place <= top_terms].to_numpy()
    top = top.assign(
        entry=[f"{t} ({w:.3f})" for t, w in zip(top["term"], top["tfidf"], strict=True)]
    )
    laid = top.assign(rank=places)
    if wide:
        layout = laid.pivot(index="rank", columns="doc_id", values="entry")
        kinds = {"rank": "count", **{str(d): "text" for d in layout.columns}}
        shape = "a column per document"
    else:
        layout = laid.pivot(index="doc_id", columns="rank", values="entry")
        layout.columns = [str(rank) for rank in layout.columns]
        kinds = {"doc_id": "text", **{str(r): "text" for r in layout.columns}}
        shape = "a row per document, a column per rank"
    layout = layout.rename_axis(columns=None).reset_index()
    caption = (
        f"The {top_terms} terms of highest TF-IDF weight in each document ({shape}; the weight "
        "in parentheses)."
    )
    return summary_table(top, columns, caption, layout=layout, layout_kinds=kinds)


def _formulae_table(formulae: pd.DataFrame, top_formulae: int) -> SummaryTable:
    columns = {
        "text": Column("the passage as it reads in the first listed document, with punctuation"),
        "length": Column("length of the passage without punctuation", "characters", "count"),
        "n_docs": Column("documents containing the passage", "documents", "count"),
        "doc_ids": Column("the documents containing the passage, separated by ';'"),
    }
    shown = formulae.head(top_formulae)
    caption = (
        f"Shared formulae: passages found in two or more documents; the {len(shown)} found in "
        "the most documents, longer first."
    )
    return summary_table(shown, columns, caption)


def _similarity_table(
    similarity: pd.DataFrame, n_documents: int, top_pairs: int, *, wide: bool
) -> SummaryTable:
    if wide:
        matrix = (
            similarity.pivot(index="doc_a", columns="doc_b", values="cosine")
            .rename_axis(index="doc_id", columns=None)
            .reset_index()
        )
        columns = {"doc_id": _DOC_ID} | {
            str(doc): Column(
                f"cosine similarity of the row's document and {doc} (TF-IDF profiles)",
                "cosine (0 to 1)",
                "score",
            )
            for doc in matrix.columns[1:]
        }
        caption = (
            "Cosine similarity of the documents' TF-IDF profiles (1: the same weighted "
            "vocabulary; 0: no weighted term in common)."
        )
        return summary_table(matrix, columns, caption)
    # Each unordered pair once, whether the table holds both orders or one ("upper").
    pairs = similarity[similarity["doc_a"] != similarity["doc_b"]]
    first = pairs["doc_a"].where(pairs["doc_a"] < pairs["doc_b"], pairs["doc_b"])
    second = pairs["doc_b"].where(pairs["doc_a"] < pairs["doc_b"], pairs["doc_a"])
    pairs = pairs.assign(doc_a=first, doc_b=second).drop_duplicates(["doc_a", "doc_b"])
    top = pairs.sort_values(["cosine", "doc_a", "doc_b"], ascending=[False, True, True]).head(
        top_pairs
    )
    columns = {
        "doc_a": Column("first document of the pair (doc_id, in code-point order)"),
        "doc_b": Column("second document of the pair (doc_id)"),
        "cosine": Column(
            "cosine similarity of the two documents' TF-IDF profiles", "cosine (0 to 1)", "score"
        ),
        "jaccard": Column(
            "shared vocabulary: terms in both documents / terms in either", "proportion", "score"
        ),
    }
    caption = (
        f"The {len(top)} most similar pairs of the {n_documents:,} documents: cosine similarity "
        "of their TF-IDF profiles and Jaccard similarity of their vocabularies."
    )
    return summary_table(top, columns, caption)


def _ca_inertia_table(inertia: pd.DataFrame) -> SummaryTable:
    columns = {
        "dimension": Column("dimension (axis) of the correspondence analysis", "", "count"),
        "inertia": Column(
            "principal inertia of the dimension (squared singular value)", "", "score"
        ),
        "share": Column("share of the total inertia", "proportion", "score"),
        "cumulative_share": Column(
            "share of the total inertia of dimensions 1 to this one", "proportion", "score"
        ),
    }
    caption = (
        "Correspondence analysis of the document-by-term table: principal inertia of each "
        "dimension and its share of the total inertia."
    )
    return summary_table(inertia, columns, caption)


# ----------------------------------------------------------------------------- LaTeX

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL = re.compile(r"[\\&%$#_{}~^]")


def latex_escape(text: str) -> str:
    """``text`` as LaTeX prints it literally: the specials ``\\ & % $ # _ { } ~ ^`` escaped and
    line breaks made spaces (a table cell is one line). Chinese text is left as it is."""
    if not isinstance(text, str):
        raise TypeError(f"latex_escape expects text, got {type(text).__name__}")
    escaped = _LATEX_SPECIAL.sub(lambda m: _LATEX_SPECIALS[m.group()], text)
    return re.sub(r"\s*[\r\n]+\s*", " ", escaped)


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def plain_cell(value: Any, kind: str) -> str:
    """``value`` as text, formatted as its kind is shown (empty for a missing value)."""
    if _is_missing(value):
        return ""
    if kind in ("text", "numeric_text"):
        return str(value)
    if kind == "p_value":
        return f"{value:.1e}" if 0 < value < 0.001 else f"{value:.3f}"
    if kind == "year":
        return f"{value:.0f}"
    return f"{value:,.{KINDS[kind].decimals}f}"


def latex_cell(value: Any, kind: str) -> str:
    """``value`` as a LaTeX table cell: formatted as its kind is shown, escaped; a tiny p-value
    as ``$3.2\\times10^{-5}$``."""
    text = plain_cell(value, kind)
    if kind == "p_value" and "e" in text:
        mantissa, exponent = text.split("e")
        return f"${mantissa}\\times10^{{{int(exponent)}}}$"
    return latex_escape(text)


def latex_table(name: str, table: SummaryTable, *, max_rows: int = LATEX_MAX_ROWS) -> str:
    """``table`` as a complete LaTeX float: ``table`` environment, caption, ``tab:<name>``
    label, booktabs ``tabular`` (text columns left-aligned, numbers right-aligned), at most
    ``max_rows`` rows, which the caption and a comment say when the table was cut."""
    _check_name(name)
    if max_rows < 1:
        raise ValueError(f"latex_table: max_rows must be ≥ 1, got {max_rows}")
    printed, kinds = table.printed, table.printed_kinds
    caption = table.caption
    notes = [
        f"% {name}: generated by `python -m analysis run`; needs \\usepackage{{booktabs}}",
        "% and, for the Chinese text, XeLaTeX with \\usepackage{xeCJK}.",
    ]
    if len(printed) > max_rows:
        notes.append(
            f"% the first {max_rows} of {len(printed):,} rows; every row is in summary.xlsx"
        )
        caption += f" First {max_rows} of {len(printed):,} rows; every row is in summary.xlsx."

    def line(cells: list[str]) -> str:
        return " & ".join(cells) + r" \\"

    body = [
        line([latex_cell(value, kind) for value, kind in zip(row, kinds, strict=True)])
        for row in printed.head(max_rows).itertuples(index=False, name=None)
    ]
    return "\n".join(
        [
            *notes,
            r"\begin{table}[htbp]",
            r"\centering",
            f"\\caption{{{latex_escape(caption)}}}",
            f"\\label{{tab:{name}}}",
            f"\\begin{{tabular}}{{{''.join(KINDS[kind].align for kind in kinds)}}}",
            r"\toprule",
            line([latex_escape(str(column)) for column in printed.columns]),
            r"\midrule",
            *body,
            r"\bottomrule",
            r"\end{tabular}",
            r"\end{table}",
            "",
        ]
    )


# ----------------------------------------------------------------------------- the workbook

# An .xlsx is a zip archive that records when it was written twice over: in each member's zip
# header and in docProps/core.xml. Fixing both makes the workbook a function of its tables alone,
# so two runs of the same analysis write byte-identical files.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip header can hold
FIXED_XLSX_TIME = "1980-01-01T00:00:00Z"
_XLSX_TIMESTAMP = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible_xlsx(data: bytes) -> bytes:
    """The workbook ``data`` with its creation and modification times and every zip member's
    time set to 1980-01-01, member order and contents otherwise unchanged."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _XLSX_TIMESTAMP.sub(
                    lambda m: m.group(1) + FIXED_XLSX_TIME.encode() + m.group(3), content
                )
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, content)
    return out.getvalue()


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: two for a wide (CJK) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def columns_guide(summary: Mapping[str, SummaryTable]) -> pd.DataFrame:
    """The ``columns`` sheet: for every sheet a row saying what it holds (``column`` empty),
    then a row per column with its meaning and unit."""
    guide = {
        "sheet": Column("the sheet described"),
        "column": Column("the column described; empty on the row saying what the sheet holds"),
        "meaning": Column("what the sheet or column holds"),
        "unit": Column("unit of the column's numbers; empty for text"),
    }
    rows = [
        (
            COLUMNS_SHEET,
            "",
            "What every sheet and column of this workbook holds. Numbers are rounded as shown; "
            "the run's tables/<name>.parquet and .csv hold them at full precision.",
            "",
        ),
        *((COLUMNS_SHEET, name, c.meaning, c.unit) for name, c in guide.items()),
    ]
    for name, table in summary.items():
        rows.append((name, "", table.caption, ""))
        rows += [(name, column, c.meaning, c.unit) for column, c in table.columns.items()]
    return pd.DataFrame(rows, columns=list(guide))


def _format_sheet(sheet: Worksheet, data: pd.DataFrame, kinds: list[str]) -> None:
    """Number formats by kind, column widths fitted to the content, a frozen header row and a
    filter on it."""
    for index, (name, kind) in enumerate(zip(data.columns, kinds, strict=True), start=1):
        values = data[name].tolist()
        shown = [str(name), *(plain_cell(value, kind) for value in values)]
        widest = max(display_width(text) for text in shown)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(widest + 2, MAX_WIDTH))
        number_format = KINDS[kind].excel_format
        wrap = widest + 2 > MAX_WIDTH
        for row in range(2, len(values) + 2):
            cell = sheet.cell(row=row, column=index)
            if number_format is not None:
                cell.number_format = number_format
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def summary_workbook(summary: Mapping[str, SummaryTable]) -> bytes:
    """``summary.xlsx``: the ``columns`` sheet, then a sheet per table with its ``data``;
    the same bytes for the same tables."""
    _check_summary(summary)
    guide = columns_guide(summary)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        guide.to_excel(writer, sheet_name=COLUMNS_SHEET, index=False)
        _format_sheet(writer.sheets[COLUMNS_SHEET], guide, ["text"] * len(guide.columns))
        for name, table in summary.items():
            table.data.to_excel(writer, sheet_name=name, index=False)
            kinds = [table.columns[c].kind for c in table.data.columns]
            _format_sheet(writer.sheets[name], table.data, kinds)
    return reproducible_xlsx(buffer.getvalue())


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name == COLUMNS_SHEET:
        raise ValueError(
            f"summary table name {name!r}: use a letter then letters, digits or _, at most 31 "
            f"characters (an Excel sheet name's limit), other than {COLUMNS_SHEET!r}"
        )


def _check_summary(summary: Mapping[str, SummaryTable]) -> None:
    if not summary:
        raise ValueError("write_summary: no tables given; pass summary_tables(results)")
    for name, table in summary.items():
        _check_name(name)
        if not isinstance(table, SummaryTable):
            raise TypeError(
                f"summary table {name!r} is a {type(table).__name__}; wrap it in "
                "SummaryTable(data, columns={...}, caption=...) so the workbook can say what "
                "each column means"
            )


def write_summary(summary: Mapping[str, SummaryTable], folder: str | Path) -> list[Path]:
    """``summary.xlsx`` (:func:`summary_workbook`) and ``latex/<name>.tex``
    (:func:`latex_table`) in ``folder``, each written atomically; returns their paths."""
    workbook = summary_workbook(summary)
    latex = {name: latex_table(name, table) for name, table in summary.items()}
    written = [
        atomic_write(safe_child(folder, "summary.xlsx"), lambda tmp: tmp.write_bytes(workbook))
    ]
    written += [
        write_text_atomic(safe_child(folder, f"latex/{name}.tex"), text)
        for name, text in latex.items()
    ]
    return written
