"""Slogan rates over time, for all documents and per group: ``slogan_trends.csv``.

``textstat_slogan_trends(documents, mentions, lexicon, time="year", group_by=["genre"])`` answers
"how does the rate of 团结 change across the years, in government reports against congress
reports?": one row per slogan, time step and line (all documents, or one group of a grouping),
with the rate per 10,000 characters and its bootstrap interval.

It is :func:`~analysis.measures.slogan_counts.textstat_slogans` with documents pooled by *cells*:
the all-documents line pools the documents of each time step, a group's line pools the documents
of the group in each time step (the crossing group × time). Counts, rates and intervals are
therefore exactly those of ``textstat_slogans`` for the same documents: a cell's rate is
``Σ_d count_d / Σ_d n_chars_d × 10,000`` over its documents, and its interval is the paragraph
(stratified) or document (cluster) bootstrap of that function (``resample``; see
:mod:`analysis.measures.slogan_counts` for the formulas and sources).

Time (``time``):

``"year"``
    each year a document has; ``time`` is the year as text (``"1998"``).
``"decade"``
    ``"1990s"``, from :func:`analysis.corpus.groupings.add_year_bins`.
``"period"``
    periods cut by the break years ``periods`` (a break year starts a period): ``"–1977"``,
    ``"1978–1991"``, …, ``"2012–"``.

**Documents without a year are left out** of every row (they have no place on a time axis); the
caller should say how many (the run warns). A document whose value of a grouping is missing is
left out of that grouping's lines but counts in the all-documents line.

Columns (fixed, :data:`TREND_COLUMNS`):

``slogan``
    the canonical slogan name.
``grouping``, ``group``
    the grouping (a metadata column or a crossing such as ``genre×level``) and its value as text;
    ``""`` and ``"all documents"`` for the line of all documents.
``time_unit``
    ``"year"``, ``"decade"`` or ``"period"``.
``time``
    the time step's label as text (``"1998"``, ``"1990s"``, ``"1978–1991"``).
``year``
    its position on a time axis, a whole number: the year; the first year of a decade or
    period; for the first period (open to the past) the earliest document year in it, over all
    documents with a year, so every line puts it at the same place.
``n_docs``, ``n_paragraphs``, ``n_chars``, ``count``, ``token_count``, ``per_10k_chars``,
``ci_low``, ``ci_high``, ``ci_method``, ``confidence``, ``n_resamples``, ``seed``
    as in ``slogan_counts.csv``, for the cell's documents.

Only cells with at least one document are rows (a group that has no document in a year has no
row that year, rather than a rate of 0/0). Rows are sorted by grouping (the all-documents line
first, then ``group_by`` order), group (text order), ``year``, then slogan in lexicon order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.checks import check_choice, require_columns
from analysis.config.lexicon import SloganLexicon
from analysis.corpus.groupings import (
    DECADE,
    EN_DASH,
    PERIOD,
    add_year_bins,
    grouping_name,
    parse_grouping,
)
from analysis.errors import InputError
from analysis.features.slogans import (
    DOCUMENTS_SOURCE,
    MENTIONS_SOURCE,
    Resample,
    check_slogan_count_arguments,
    slogan_count_table,
)

TREND_COLUMNS = [
    "slogan",
    "grouping",
    "group",
    "time_unit",
    "time",
    "year",
    "n_docs",
    "n_paragraphs",
    "n_chars",
    "count",
    "token_count",
    "per_10k_chars",
    "ci_low",
    "ci_high",
    "ci_method",
    "confidence",
    "n_resamples",
    "seed",
]
#: The columns a reader needs first (what ``python -m analysis trends`` prints).
TREND_SUMMARY_COLUMNS = [
    "grouping", "group", "time", "slogan", "n_docs", "count", "per_10k_chars", "ci_low", "ci_high",
]
TimeUnit = Literal["year", "decade", "period"]
TIME_UNITS: tuple[str, ...] = ("year", "decade", "period")
ALL_DOCUMENTS = "all documents"
# Column names of the cells handed to the slogan counts (in a fresh table, so no metadata clash).
_ALL_CELLS = "cells"


def _time_steps(docs: pd.DataFrame, time: str) -> tuple[pd.Series, pd.Series]:
    """Label (text) and axis position (int) of each document's time step."""
    years = docs["year"].astype("int64")
    if time == "year":
        return years.astype(str), years
    if time == DECADE:
        return docs[DECADE].astype(str), years // 10 * 10
    label = docs[PERIOD].astype(str)
    # "1978–1991" and "2012–" start at their first year; "–1977" at the earliest year in it.
    start = pd.to_numeric(label.str.split(EN_DASH).str[0], errors="coerce")
    open_first = start.isna()
    if open_first.any():
        start[open_first] = years[open_first].min()
    return label, start.astype("int64")


def textstat_slogan_trends(
    documents: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: SloganLexicon,
    *,
    time: TimeUnit = "year",
    periods: Sequence[int] = (),
    group_by: Sequence[str] = (),
    slogans: str | Sequence[str] | None = None,
    resample: Resample = "paragraphs",
    bootstrap_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 20071020,
) -> pd.DataFrame:
    """The rate of each slogan per time step, for all documents and per group.

    ``documents`` needs ``doc_id``, ``text``, ``year`` and the ``group_by`` columns;
    ``mentions`` and ``lexicon`` are those of :func:`~analysis.measures.slogan_counts.
    textstat_slogans`. ``time`` is ``"year"``, ``"decade"`` or ``"period"`` (then ``periods``,
    the break years, e.g. ``[1978, 1992, 2002, 2012]``, is required). ``group_by`` lists
    groupings, each a column of ``documents`` or a crossing added beforehand with
    :func:`analysis.corpus.groupings.add_crossings` (``"genre×level"``; ``"genre*level"`` and
    ``["genre", "level"]`` name the same column); a grouping containing the time column itself
    (``decade`` with ``time="decade"``) is an error, since every cell would hold one time step
    of it. ``slogans``, ``resample``, ``bootstrap_resamples``, ``confidence`` and ``seed`` mean
    what they mean for ``textstat_slogans``, whose counting (in :mod:`analysis.features.slogans`)
    this shares (documents without a year are left out before, so the random draws depend on
    the dated documents only).

    Rates: ``per_10k_chars = Σ_d count_d / Σ_d n_chars_d × 10,000`` over the cell's documents;
    intervals: percentile bootstrap of paragraphs within documents (Efron & Tibshirani 1993) or
    of whole documents (``resample="documents"``; Davison & Hinkley 1997 §3.8, Field & Welsh
    2007), as documented in :mod:`analysis.measures.slogan_counts`; a cell of one document has
    no document-bootstrap interval (``ci_method = "none"``).

    Returns the columns :data:`TREND_COLUMNS`, sorted as the module docstring says. A table
    without a ``year`` column, or with no document that has a year, is an
    :class:`~analysis.errors.InputError`.
    """
    caller = "textstat_slogan_trends"
    dated, names = _checked_dated_documents(documents, mentions, time, periods, group_by, caller)
    undated = set(dated.loc[dated["year"].isna(), "doc_id"].astype(str))
    dated = dated[dated["year"].notna()].reset_index(drop=True)
    if dated.empty:
        raise InputError(
            f"{caller}: no document has a year, so there is no time axis; add years to the "
            "metadata (or leave the trends out)"
        )
    label, position = _time_steps(dated, time)
    cells, columns, cell_of = _cell_documents(dated, names, label, position)
    # Mentions of undated documents go with them; any other unknown doc_id is still an error.
    dated_mentions = mentions[~mentions["doc_id"].astype(str).isin(undated)]
    options = check_slogan_count_arguments(
        cells, dated_mentions, lexicon, slogans=slogans, group_by=columns,
        resample=resample, bootstrap_resamples=bootstrap_resamples, confidence=confidence,
        seed=seed, caller=caller,
    )
    counts = slogan_count_table(cells, dated_mentions, options, caller=caller)
    start_of = dict(zip(label, position, strict=True))
    return _trend_rows(counts, cell_of, start_of, time, names)


def _checked_dated_documents(
    documents: object,
    mentions: object,
    time: object,
    periods: Sequence[int],
    group_by: object,
    caller: str,
) -> tuple[pd.DataFrame, list[str]]:
    """The documents with decade and period columns added, and the grouping column names;
    every mistake in the arguments an :class:`~analysis.errors.InputError`."""
    require_columns(
        documents, ["doc_id", "text"], caller, name="the documents table", source=DOCUMENTS_SOURCE
    )
    require_columns(
        mentions, ["doc_id", "slogan", "start", "end", "is_token"], caller,
        name="the mentions table", source=MENTIONS_SOURCE,
    )
    time = check_choice(time, "time", caller, TIME_UNITS)
    if "year" not in documents.columns:
        raise InputError(
            f"{caller}: the documents table has no year column; add year to the metadata "
            "(e.g. 2007) to follow rates over time"
        )
    dated = add_year_bins(documents, periods=periods)  # validates years and break years
    if time == PERIOD and PERIOD not in dated.columns:
        raise InputError(
            f"{caller}: time='period' needs break years; pass periods, e.g. "
            "[1978, 1992, 2002, 2012]"
        )
    return dated, _grouping_names(dated, time, group_by, caller)


def _grouping_names(
    dated: pd.DataFrame, time: str, group_by: object, caller: str
) -> list[str]:
    """The column of each grouping of ``group_by`` (crossings by their canonical name)."""
    if isinstance(group_by, str) or not isinstance(group_by, Sequence):
        raise InputError(
            f"{caller}: group_by must be a list of groupings (e.g. [genre, genre×level]), "
            f"got {group_by!r}"
        )
    names: list[str] = []
    for item in group_by:
        members = parse_grouping(item)
        name = grouping_name(members)
        if time in members:
            raise InputError(
                f"{caller}: grouping {name!r} contains the time column {time!r}; each line is "
                f"already split by {time}, so leave {time} out of group_by"
            )
        if name not in dated.columns:
            hint = (
                "add the crossing first with analysis.corpus.groupings.add_crossings"
                if len(members) > 1
                else "add it to the metadata"
            )
            raise InputError(
                f"{caller}: grouping {name!r} is not a column of the documents table (columns: "
                f"{', '.join(map(str, dated.columns))}); {hint}"
            )
        if name in names:
            raise InputError(f"{caller}: group_by lists {name!r} twice; list each grouping once")
        names.append(name)
    return names


def _cell_documents(
    dated: pd.DataFrame, names: Sequence[str], label: pd.Series, position: pd.Series
) -> tuple[pd.DataFrame, list[str], dict[tuple[str, str], tuple[str, str, str]]]:
    """The dated documents (``doc_id``, ``text``) with one column per line family whose values
    are cell codes, those columns, and what each (column, code) stands for: (grouping, group,
    time step).

    The all-documents line pools documents by time step, a grouping's lines by (group, time
    step). Codes are ranks of the cells in (group, year) order, zero-padded, so the counts meet
    the cells in the table's order whatever the order of the input rows (the document bootstrap
    draws pooled rows in that order).
    """
    cells = pd.DataFrame({"doc_id": dated["doc_id"], "text": dated["text"]})
    cell_of: dict[tuple[str, str], tuple[str, str, str]] = {}  # (column, code) → the cell
    lines = [("", _ALL_CELLS, pd.Series(ALL_DOCUMENTS, index=dated.index, dtype="str"))]
    lines += [(name, f"g{i}", dated[name]) for i, name in enumerate(names)]
    for name, column, values in lines:
        present = values.notna().to_numpy()
        keys = pd.DataFrame({"group": values.astype(str), "time": label, "year": position})[present]
        steps = keys.drop_duplicates().sort_values(["group", "year"], kind="stable")
        codes = pd.Series(
            [f"{rank:09d}" for rank in range(len(steps))],
            index=pd.MultiIndex.from_frame(steps[["group", "time"]]),
        )
        for (group, step), code in codes.items():
            cell_of[column, code] = (name, group, step)
        doc_codes = np.full(len(dated), np.nan, dtype=object)
        doc_codes[present] = codes.reindex(
            pd.MultiIndex.from_frame(keys[["group", "time"]])
        ).to_numpy()
        cells[column] = pd.array(doc_codes, dtype="str")
    return cells, [column for _, column, _ in lines], cell_of


def _trend_rows(
    counts: pd.DataFrame,
    cell_of: dict[tuple[str, str], tuple[str, str, str]],
    start_of: dict[str, int],
    time: str,
    names: Sequence[str],
) -> pd.DataFrame:
    """The trend table from the pooled rows of the slogan counts by cell, sorted and typed as
    the module docstring says."""
    rows = counts[counts["scope"] == "group"].reset_index(drop=True)
    found = [
        cell_of[column, code] for column, code in zip(rows["grouping"], rows["group"], strict=True)
    ]
    step = np.array([cell[2] for cell in found], dtype=object)
    table = pd.DataFrame(
        {
            "slogan": rows["slogan"],
            "grouping": np.array([cell[0] for cell in found], dtype=object),
            "group": np.array([cell[1] for cell in found], dtype=object),
            "time_unit": time,
            "time": step,
            "year": [start_of[t] for t in step],
        }
    )
    for column in TREND_COLUMNS[6:]:
        table[column] = rows[column]
    slogan_order = {s: i for i, s in enumerate(pd.unique(counts["slogan"]))}
    keys = pd.DataFrame(
        {
            "grouping": table["grouping"].map({g: i for i, g in enumerate(["", *names])}),
            "group": table["group"].astype(str),
            "year": table["year"],
            "slogan": table["slogan"].map(slogan_order),
        }
    )
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return (
        table.loc[order, TREND_COLUMNS]
        .reset_index(drop=True)
        .astype(
            {
                "slogan": "str",
                "grouping": "str",
                "group": "str",
                "time_unit": "str",
                "time": "str",
                "year": "int64",
                "ci_method": "str",
            }
        )
    )
