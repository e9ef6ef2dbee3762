"""From the settings to a measure's keyword options: which options a section gives, which
groupings of the documents are usable, the documents table the measures pool by.

A key a measure does not take is an error naming the section, so a typo never passes silently; a
key left out takes the measure's own default.
"""

from __future__ import annotations

import difflib
import inspect
import warnings
from collections.abc import Callable
from typing import Any

import pandas as pd

from analysis.corpus.build import CorpusTables, document_summary
from analysis.corpus.groupings import (
    add_crossings,
    add_year_bins,
    grouping_name,
    parse_groupings,
)
from analysis.errors import InputError
from analysis.measures.trends import textstat_slogan_trends


def options(settings: dict[str, Any], section: str, func: Callable[..., Any]) -> dict[str, Any]:
    """The keyword options for ``func`` from ``settings[section]``; unknown keys are an error."""
    given = settings.get(section) or {}
    if not isinstance(given, dict):
        raise InputError(f"settings: `{section}` must be a section of options, got {given!r}")
    accepted = {
        name
        for name, p in inspect.signature(func).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not name.startswith("_")
    }
    unknown = sorted(set(given) - accepted)
    if unknown:
        raise InputError(
            f"settings: `{section}` has unknown option(s) {', '.join(unknown)}; "
            f"{func.__name__} takes {', '.join(sorted(accepted))}"
        )
    return dict(given)


class UnknownGrouping(InputError):
    """A ``group_by`` name that is no column of the documents but close to one (a typo)."""


def note(notes: list[dict[str, str]], what: str, reason: str) -> None:
    if not any(n["what"] == what for n in notes):
        notes.append({"what": what, "reason": reason})


def usable_groupings(
    documents: pd.DataFrame,
    wanted: list[str] | tuple[str, ...],
    notes: list[dict[str, str]] | None = None,
) -> list[str]:
    """The groupings of ``wanted`` (metadata columns, or crossings such as ``genre×decade``
    added by :func:`analysis.corpus.groupings.add_crossings`) that some document has a value for.

    A name that is no column but close to one (``gnere``) is an error suggesting the column.
    A grouping no document has a value for (any folder of texts without a metadata CSV has no
    ``level`` or ``genre``) is left out with a note (``notes``, which the run writes into its
    manifest) rather than a warning on every run. Documents without a value are left out of
    that grouping's groups (they still count in their own rows and the corpus), with one
    warning saying how many.
    """
    usable = []
    known = [c for c in documents.columns if c not in ("text", "raw_text")]
    for column in wanted:
        for member in column.split("×"):
            close = difflib.get_close_matches(member, known, n=1, cutoff=0.75)
            if member not in documents.columns and close:
                raise UnknownGrouping(
                    f"group_by: the documents have no column {member!r}; did you mean "
                    f"{close[0]!r}? Fix the name in --group-by or in the settings' group_by"
                )
        values = documents[column] if column in documents.columns else None
        if values is None or values.isna().all():
            members = column.split("×")
            absent = [m for m in members if m not in documents.columns or documents[m].isna().all()]
            reason = (
                f"no document has a {', '.join(absent) or column}; add "
                f"{'it' if len(absent) < 2 else 'them'} to the metadata CSV (or, for decade and "
                "period, a year) to pool documents by it"
            )
            if notes is not None:
                note(notes, f"grouping {column}", reason)
            continue
        missing = int(values.isna().sum())
        if missing:
            warnings.warn(
                f"{missing} of {len(values)} documents have no {column}; they are left out of "
                f"the {column} groups (fill the metadata CSV to include them)",
                stacklevel=2,
            )
        usable.append(column)
    return usable


def grouped_options(
    settings: dict[str, Any],
    section: str,
    func: Callable[..., Any],
    documents: pd.DataFrame,
    notes: list[dict[str, str]] | None = None,
) -> dict:
    opts = options(settings, section, func)
    if "group_by" in opts:
        wanted = [grouping_name(g) for g in parse_groupings(opts["group_by"] or [])]
    elif "group_by" in inspect.signature(func).parameters:
        wanted = list(inspect.signature(func).parameters["group_by"].default or [])
    else:
        return opts
    opts["group_by"] = usable_groupings(documents, wanted, notes)
    return opts


#: Sections whose ``group_by`` pools documents (``--group-by`` replaces all of them).
GROUPED_SECTIONS = ("frequencies", "keyness", "slogan_counts", "cooccurrence", "trends")


def wanted_groupings(settings: dict[str, Any]) -> list[tuple[str, ...]]:
    """Every grouping the settings ask for, in order of first mention."""
    found: dict[tuple[str, ...], None] = {}
    for section in GROUPED_SECTIONS:
        given = (settings.get(section) or {}).get("group_by")
        if given is None and section != "trends":
            given = ["level", "genre"]  # the measures' own default
        for grouping in parse_groupings(given or []):
            found.setdefault(grouping, None)
    return list(found)


def year_periods(settings: dict[str, Any]) -> list[int]:
    """The period breaks of settings ``years: periods`` (empty: no ``period`` column)."""
    section = settings.get("years") or {}
    if not isinstance(section, dict):
        raise InputError(f"settings: `years` must be a section with `periods`, got {section!r}")
    unknown = sorted(set(section) - {"periods"})
    if unknown:
        raise InputError(
            f"settings: `years` has unknown option(s) {', '.join(unknown)}; it takes periods"
        )
    periods = section.get("periods") or []
    if not isinstance(periods, list):
        raise InputError(
            f"settings: `years: periods` must be a list of break years such as [1978, 1992], "
            f"got {periods!r}"
        )
    return list(periods)


def study_documents(
    corpus: CorpusTables, settings: dict[str, Any], notes: list[dict[str, str]] | None = None
) -> pd.DataFrame:
    """The documents table the measures pool by: the corpus documents with ``decade`` (and
    ``period``, with ``years: periods`` in the settings) derived from ``year``, and a column per
    crossed grouping the settings ask for (``genre×decade``)."""
    docs = add_year_bins(corpus.documents, periods=year_periods(settings))
    crossings = [
        g
        for g in wanted_groupings(settings)
        if len(g) > 1 and all(member in docs.columns for member in g)
    ]
    return add_crossings(docs, crossings) if crossings else docs


def metadata_in_use(documents: pd.DataFrame, groupings: list[str]) -> list[str]:
    """``year`` and the member columns of every grouping used, where some document has a
    value: the metadata columns that travel with per-document and per-group rows."""
    columns: dict[str, None] = {}
    for column in ["year", *[m for g in groupings for m in g.split("×")]]:
        if column in documents.columns and documents[column].notna().any():
            columns.setdefault(column, None)
    return list(columns)


def documents_table(corpus: CorpusTables, documents: pd.DataFrame) -> pd.DataFrame:
    """``documents.csv``: :func:`document_summary` and then every other metadata column of the
    corpus (those of the metadata CSV, and ``decade``/``period`` derived from ``year``)."""
    summary = document_summary(corpus)
    skip = {"text", "translation", "raw_text", *summary.columns}
    extra = [
        c
        for c in documents.columns
        if c not in skip and "×" not in c and documents[c].notna().any()
    ]
    return pd.concat(
        [summary.reset_index(drop=True), documents[extra].reset_index(drop=True)], axis=1
    )



def slogan_trends(
    documents: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: Any,
    settings: dict[str, Any],
    notes: list[dict[str, str]] | None = None,
) -> pd.DataFrame | None:
    """The ``slogan_trends`` table with the settings' ``trends:`` options, or ``None`` (with a
    note) when no document has a year.

    Defaults: ``time: year``; ``group_by`` as ``slogan_counts``, leaving out groupings built
    on the time axis (``year``, ``decade``, ``period``); the bootstrap options of
    ``slogan_counts``; ``periods`` from ``years: periods``.
    """
    if "year" not in documents.columns or documents["year"].isna().all():
        if notes is not None:
            note(
                notes,
                "slogan_trends",
                "no document has a year; add a year column to the metadata CSV (or write the "
                "year in the file names, e.g. report_1998.txt) to follow slogans over time",
            )
        return None
    opts = options(settings, "trends", textstat_slogan_trends)
    counts = settings.get("slogan_counts") or {}
    for key in ("resample", "bootstrap_resamples", "confidence", "seed"):
        if key not in opts and key in counts:
            opts[key] = counts[key]
    if "group_by" in opts:
        wanted = [grouping_name(g) for g in parse_groupings(opts["group_by"] or [])]
    else:
        wanted = [
            grouping_name(g) for g in parse_groupings(counts.get("group_by", ["level", "genre"]))
        ]
    time_columns = {"year", "decade", "period"}
    wanted = [g for g in wanted if not set(g.split("×")) & time_columns]
    opts["group_by"] = usable_groupings(documents, wanted, notes)
    opts.setdefault("periods", year_periods(settings))
    if opts.get("time") == "period" and not opts["periods"]:
        raise InputError(
            "settings: `trends: time: period` needs break years under `years: periods` (e.g. "
            "[1978, 1992, 2002, 2012]) or --periods"
        )
    undated = int(documents["year"].isna().sum())
    if undated:
        warnings.warn(
            f"{undated} of {len(documents)} documents have no year and are left out of "
            "slogan_trends (add the year to the metadata CSV)",
            stacklevel=2,
        )
    return textstat_slogan_trends(documents, mentions, lexicon, **opts)
