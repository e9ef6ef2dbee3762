"""Every statistics table of the study, computed from the corpus tables and the settings.

``compute_tables(corpus, settings)`` calls each measure with the options of its section in
``data/settings.yml`` (a key the measure does not take is an error naming the section, so a typo
never passes silently; a key left out takes the measure's own default) and returns the tables by
name. ``write_tables`` (in :mod:`analysis.run.export`) writes them as ``<name>.csv`` and
``<name>.parquet``.

=========================  ===========================================================
table                      measure
=========================  ===========================================================
documents                  :func:`documents_table` (metadata, sizes, flags)
texts                      the cleaned texts (``doc_id``, ``text``, ``translation``;
                           Parquet only)
shared_boilerplate         lines removed as shared boilerplate (:mod:`analysis.corpus.boilerplate`)
cleaning_log               :func:`analysis.corpus.clean.clean_corpus`
slogan_mentions            :func:`analysis.corpus.mentions.find_slogan_mentions`
term_frequencies           :func:`analysis.measures.frequency.textstat_frequency`
dispersion                 :func:`analysis.measures.dispersion.textstat_dispersion`
keyness                    :func:`analysis.measures.keyness.keyness_table`
tfidf                      :func:`analysis.measures.tfidf.textstat_tfidf`
similarity                 :func:`analysis.measures.similarity.textstat_simil`
similarity_clusters        :func:`analysis.measures.similarity.cluster_documents`
slogan_counts              :func:`analysis.measures.slogan_counts.textstat_slogans`
slogan_trends              :func:`analysis.measures.trends.textstat_slogan_trends`
slogan_cooccurrence        :func:`analysis.measures.cooccurrence.textstat_slogan_cooccurrence`
collocates                 :func:`analysis.measures.collocates.textstat_collocates`
kwic                       :func:`analysis.measures.kwic.kwic`, every slogan
formulae                   :func:`analysis.measures.formulae.summarise_formulae`
formula_occurrences        :func:`analysis.measures.formulae.formula_occurrences`
ca_coordinates, ca_inertia :func:`analysis.measures.correspondence.textstat_ca`
topics, topic_shares       :func:`analysis.measures.topics.textmodel_topics` (with
                           ``topic_k`` and ``topic_prevalence``; see :mod:`analysis.run.models`
                           for when: 20 documents or more by default)
wordfish_positions,        :func:`analysis.measures.scaling.textmodel_wordfish`
wordfish_words
wordscores_positions,      :func:`analysis.measures.scaling.textmodel_wordscores`, when
wordscores_words           reference scores are given
=========================  ===========================================================
"""

from __future__ import annotations

import difflib
import inspect
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from analysis.corpus.build import CorpusTables, document_summary
from analysis.corpus.groupings import (
    add_crossings,
    add_year_bins,
    attach_metadata,
    grouping_name,
    parse_groupings,
)
from analysis.errors import InputError
from analysis.features.dfm import Dfm, as_dfm, sorted_by_doc
from analysis.measures.collocates import collocation_network, textstat_collocates
from analysis.measures.cooccurrence import textstat_slogan_cooccurrence
from analysis.measures.correspondence import (
    CorrespondenceAnalysis,
    textstat_ca,
    top_terms_by_frequency,
)
from analysis.measures.dispersion import textstat_dispersion
from analysis.measures.formulae import formula_occurrences, summarise_formulae
from analysis.measures.frequency import textstat_frequency
from analysis.measures.keyness import keyness_table, single_document_groups
from analysis.measures.kwic import kwic
from analysis.measures.similarity import DocumentClustering, cluster_documents, textstat_simil
from analysis.measures.slogan_counts import textstat_slogans
from analysis.measures.tfidf import textstat_tfidf
from analysis.measures.trends import textstat_slogan_trends

#: Tables that also go to the XLSX workbook and LaTeX (booktabs) files of the report.
SUMMARY_TABLES = ("documents", "slogan_counts", "formulae", "ca_inertia", "similarity_clusters")


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


def _note(notes: list[dict[str, str]], what: str, reason: str) -> None:
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
                _note(notes, f"grouping {column}", reason)
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


def _grouped(
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


@dataclass(frozen=True)
class StudyResults:
    """The statistics tables by name, plus the objects figures draw from."""

    tables: dict[str, pd.DataFrame]
    network: nx.Graph
    clustering: DocumentClustering | None = None
    ca: CorrespondenceAnalysis | None = None
    #: What was left out and why (``{"what", "reason"}``), for the manifest's ``skipped`` list.
    notes: tuple[dict[str, str], ...] = ()
    #: The documents the measures pooled (with derived and crossed grouping columns).
    documents: pd.DataFrame | None = None
    #: Metadata columns attached to per-document and per-group rows.
    metadata_columns: tuple[str, ...] = ()


def _ca_options(settings: dict[str, Any], corpus: CorpusTables) -> dict[str, Any] | None:
    """CA options, with fewer dimensions where a small corpus has fewer (None: no CA at all)."""
    ca_options = options(settings, "correspondence", textstat_ca)
    tokens = corpus.tokens
    # A CA of an r × c table has min(r, c) − 1 dimensions.
    counted = tokens.loc[~tokens["is_punct"] & ~tokens["is_stop"], "token"]
    n_terms = min(ca_options.get("top_terms", 60), counted.nunique())
    available = min(len(corpus.documents), n_terms) - 1
    wanted = ca_options.get("dimensions", 2)
    if available < 1:
        return None
    if wanted > available:
        warnings.warn(
            f"correspondence analysis: {len(corpus.documents)} documents give only {available} "
            f"dimension(s), not {wanted}",
            stacklevel=3,
        )
        ca_options["dimensions"] = available
    return ca_options


def _correspondence(
    settings: dict[str, Any], corpus: CorpusTables, notes: list[dict[str, str]] | None = None
) -> CorrespondenceAnalysis | None:
    """The CA of the run, or ``None`` with a warning saying why there is none.

    Documents without any of the ``top_terms`` most frequent terms have no profile (common
    among thousands of one-sentence documents); they are left out of the map with a warning
    rather than stopping the run.
    """

    def skipped(reason: str) -> None:
        if notes is not None:
            _note(notes, "correspondence analysis", reason)

    opts = _ca_options(settings, corpus)
    if opts is None:
        skipped("it needs 2 documents and 2 counted terms")
        return None
    top_terms = opts.get("top_terms", 60)
    d = top_terms_by_frequency(sorted_by_doc(as_dfm(corpus.tokens, "textstat_ca")), top_terms)
    has_terms = np.asarray(d.matrix.sum(axis=1)).ravel() > 0
    if not has_terms.all():
        left_out = d.docs[~has_terms]
        warnings.warn(
            f"correspondence analysis: {len(left_out)} document(s) without any of the "
            f"{top_terms} most frequent terms are left out of the map (first: {left_out[0]}); "
            "raise correspondence: top_terms to include them",
            stacklevel=3,
        )
        d = Dfm(d.matrix[has_terms], d.docs[has_terms], d.terms)
    available = min(len(d.docs), len(d.terms)) - 1
    if available < 1:
        skipped("fewer than 2 documents have counted terms")
        return None
    opts["dimensions"] = min(opts.get("dimensions", 2), available)
    counts = d.matrix.toarray()
    profiles = counts / counts.sum(axis=1, keepdims=True)
    if np.allclose(profiles, profiles[0]):
        skipped("every document has the same profile of frequent terms")
        return None
    return textstat_ca(d, **opts)


#: Tables whose per-document or per-group rows carry the metadata columns in use.
WITH_METADATA = (
    "slogan_counts",
    "slogan_trends",
    "term_frequencies",
    "keyness",
    "kwic",
    "slogan_cooccurrence",
)


#: The settings sections each step of :func:`compute_tables` reads (named in its errors).
STEP_SECTIONS = {
    "frequencies": ("frequencies",),
    "dispersion": ("dispersion",),
    "keyness": ("keyness",),
    "tfidf": ("tfidf",),
    "similarity": ("similarity", "clustering"),
    "slogan_counts": ("slogan_counts",),
    "trends": ("trends", "years"),
    "cooccurrence": ("cooccurrence",),
    "collocates": ("collocates", "collocation_network"),
    "concordance": ("kwic",),
    "formulae": ("formulae",),
    "correspondence": ("correspondence",),
    "topics": ("topics",),
    "scaling": ("scaling",),
}


def one_line_text(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def compute_tables(
    corpus: CorpusTables,
    settings: dict[str, Any],
    *,
    progress: bool = False,
    settings_file: str | Path | None = None,
) -> StudyResults:
    """All statistics tables (by name), the slogan collocation network, clustering and CA.

    Documents are pooled by the groupings of each section's ``group_by`` (metadata columns,
    ``decade``/``period`` derived from ``year``, and crossings such as ``genre×decade``); rows of
    the tables in :data:`WITH_METADATA` then carry ``year`` and the member columns of every
    grouping used (:func:`analysis.corpus.groupings.attach_metadata`).

    An option a measure refuses (say ``confidence: 1.5``) is an InputError naming
    ``settings_file`` and the section.
    """
    from tqdm.auto import tqdm

    notes: list[dict[str, str]] = []
    docs = study_documents(corpus, settings, notes)
    tokens, sentences = corpus.tokens, corpus.sentences
    mentions, lexicon = corpus.mentions, corpus.slogans
    tables: dict[str, pd.DataFrame] = {
        "documents": documents_table(corpus, docs),
        "cleaning_log": corpus.cleaning_log,
        "slogan_mentions": mentions,
        "texts": corpus.documents[["doc_id", "text", "translation"]].reset_index(drop=True),
    }
    boilerplate = getattr(corpus, "boilerplate", None)
    if boilerplate is not None:  # most shared first, then by code point (a stated total order)
        tables["shared_boilerplate"] = boilerplate.sort_values(
            ["n_docs", "line"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)
    found: dict[str, Any] = {}
    used_groupings: dict[str, None] = {}

    def grouped(section: str, func: Callable[..., Any]) -> dict[str, Any]:
        opts = _grouped(settings, section, func, docs, notes)
        used_groupings.update(dict.fromkeys(opts.get("group_by", [])))
        return opts

    def frequencies() -> None:
        opts = grouped("frequencies", textstat_frequency)
        tables["term_frequencies"] = textstat_frequency(tokens, docs, **opts)

    def dispersion() -> None:
        opts = options(settings, "dispersion", textstat_dispersion)
        words = int((~tokens["is_punct"]).sum())
        parts = opts.get("parts", 10)
        if words < parts:  # a tiny corpus cannot be cut into more parts than it has words
            warnings.warn(
                f"dispersion: {words} word tokens give at most {words} equal parts, not {parts}",
                stacklevel=3,
            )
            opts["parts"] = max(1, words)
        tables["dispersion"] = textstat_dispersion(tokens, **opts)

    def keyness() -> None:
        if len(docs) < 2:
            _note(
                notes,
                "keyness",
                "one document has no rest to compare it with; add documents to compare",
            )
            return
        opts = grouped("keyness", keyness_table)
        tables["keyness"] = keyness_table(tokens, docs, **opts)
        if opts.get("versus", "rest") == "rest":
            for group, doc_id in single_document_groups(docs, opts.get("group_by", [])).items():
                _note(
                    notes,
                    f"keyness of {group}",
                    f"the group is one document, {doc_id}: its keywords are the rows of "
                    f"{doc_id} against the rest (grouping doc_id), not repeated",
                )

    def tfidf() -> None:
        tables["tfidf"] = textstat_tfidf(tokens, **options(settings, "tfidf", textstat_tfidf))

    def similarity() -> None:
        opts = options(settings, "similarity", textstat_simil)
        tables["similarity"] = textstat_simil(tokens, **opts)
        if len(docs) < 2:
            _note(notes, "similarity_clusters", "one document cannot be clustered")
        else:
            opts = options(settings, "clustering", cluster_documents)
            found["clustering"] = cluster_documents(tokens, **opts)
            tables["similarity_clusters"] = found["clustering"].merges

    def slogan_counts() -> None:
        opts = grouped("slogan_counts", textstat_slogans)
        tables["slogan_counts"] = textstat_slogans(docs, mentions, lexicon, **opts)
        found_names = set(mentions["slogan"])
        never = [name for name in lexicon.names if name not in found_names]
        if never:  # kept as rows of 0, and said, since a misspelt variant also gives 0
            warnings.warn(
                f"slogan(s) {', '.join(never)} occur in no document (count 0 in "
                f"slogan_counts.csv); if that is unexpected, check the variants in "
                f"{lexicon.source}",
                stacklevel=2,
            )

    def trends() -> None:
        table = slogan_trends(docs, mentions, lexicon, settings, notes)
        if table is not None:
            tables["slogan_trends"] = table
            used_groupings.update(dict.fromkeys(g for g in table["grouping"].unique() if g))

    def cooccurrence() -> None:
        opts = grouped("cooccurrence", textstat_slogan_cooccurrence)
        tables["slogan_cooccurrence"] = textstat_slogan_cooccurrence(
            docs, sentences, mentions, lexicon, **opts
        )

    def collocates() -> None:
        opts = options(settings, "collocates", textstat_collocates)
        tables["collocates"] = textstat_collocates(tokens, mentions, lexicon, **opts)
        opts = options(settings, "collocation_network", collocation_network)
        found["network"] = collocation_network(tables["collocates"], **opts)

    def concordance() -> None:
        width = options(settings, "kwic", kwic).get("width", 20)
        lines = [
            kwic(docs, name, slogans=lexicon, sentences=sentences, width=width)
            for name in lexicon.names
        ]
        tables["kwic"] = pd.concat(lines, ignore_index=True)

    def formulae() -> None:
        opts = options(settings, "formulae", formula_occurrences)
        opts["placeholder"] = corpus.segmenter.placeholder
        occurrences = formula_occurrences(docs, **opts)
        tables["formulae"] = summarise_formulae(occurrences)
        tables["formula_occurrences"] = occurrences

    def correspondence() -> None:
        ca = _correspondence(settings, corpus, notes)
        if ca is not None:
            found["ca"] = ca
            tables["ca_coordinates"] = ca.coordinates
            tables["ca_inertia"] = ca.inertia

    def topics() -> None:
        from analysis.run.models import topic_tables

        grouping_columns = [g for g in used_groupings if g in docs.columns]
        tables.update(
            topic_tables(
                tokens, docs, settings, lexicon=lexicon, groupings=grouping_columns,
                note=lambda what, why: _note(notes, what, why),
            )
        )

    def scaling() -> None:
        from analysis.run.models import scaling_tables

        tables.update(
            scaling_tables(tokens, docs, settings, note=lambda what, why: _note(notes, what, why))
        )

    steps = [
        frequencies,
        dispersion,
        keyness,
        tfidf,
        similarity,
        slogan_counts,
        trends,
        cooccurrence,
        collocates,
        concordance,
        formulae,
        correspondence,
        topics,
        scaling,
    ]
    bar = tqdm(steps, desc="statistics", unit="table", disable=not progress)
    for step in bar:
        bar.set_postfix_str(step.__name__)
        try:
            step()
        except UnknownGrouping:
            raise  # from --group-by or any section's group_by: the message names both
        except ValueError as exc:
            # the measures check their options at the top; here the options come from settings
            sections = " or ".join(f"`{s}`" for s in STEP_SECTIONS[step.__name__])
            raise InputError(
                f"{settings_file or 'settings'}: {sections}: {one_line_text(exc)}; fix the "
                "value in that section"
            ) from exc
    metadata = metadata_in_use(docs, list(used_groupings))
    for name in WITH_METADATA:
        if name in tables and metadata:
            tables[name] = attach_metadata(tables[name], docs, metadata)
    return StudyResults(
        tables,
        found["network"],
        found.get("clustering"),
        found.get("ca"),
        notes=tuple(notes),
        documents=docs,
        metadata_columns=tuple(metadata),
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
            _note(
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
