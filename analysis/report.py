"""Every statistics table of the study, computed from the corpus tables and the settings.

``compute_tables(corpus, settings)`` calls each measure with the options of its section in
``data/settings.yml`` (a key the measure does not take is an error naming the section, so a typo
never passes silently; a key left out takes the measure's own default) and returns the tables by
name. ``write_tables`` (in :mod:`analysis.export`) writes them as ``<name>.csv``.

=========================  ===========================================================
table                      measure
=========================  ===========================================================
documents                  :func:`analysis.pipeline.document_summary`
cleaning_log               :func:`analysis.clean.clean_corpus`
slogan_mentions            :func:`analysis.slogans.find_slogan_mentions`
term_frequencies           :func:`analysis.measures.frequency.textstat_frequency`
dispersion                 :func:`analysis.measures.dispersion.textstat_dispersion`
keyness                    :func:`analysis.measures.keyness.keyness_table`
tfidf                      :func:`analysis.measures.tfidf.textstat_tfidf`
similarity                 :func:`analysis.measures.similarity.textstat_simil`
similarity_clusters        :func:`analysis.measures.similarity.cluster_documents`
slogan_counts              :func:`analysis.measures.slogan_counts.textstat_slogans`
slogan_cooccurrence        :func:`analysis.measures.cooccurrence.textstat_slogan_cooccurrence`
collocates                 :func:`analysis.measures.collocates.textstat_collocates`
kwic                       :func:`analysis.measures.kwic.kwic`, every slogan
formulae                   :func:`analysis.measures.formulae.summarise_formulae`
formula_occurrences        :func:`analysis.measures.formulae.formula_occurrences`
ca_coordinates, ca_inertia :func:`analysis.measures.correspondence.textstat_ca`
=========================  ===========================================================
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from analysis.dfm import Dfm
from analysis.errors import InputError
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
from analysis.measures.keyness import keyness_table
from analysis.measures.kwic import kwic
from analysis.measures.similarity import DocumentClustering, cluster_documents, textstat_simil
from analysis.measures.slogan_counts import textstat_slogans
from analysis.measures.tfidf import as_dfm, sorted_by_doc, textstat_tfidf
from analysis.pipeline import CorpusTables, document_summary

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


def usable_groupings(documents: pd.DataFrame, wanted: list[str] | tuple[str, ...]) -> list[str]:
    """The metadata columns of ``wanted`` that have a value for every document.

    A corpus without metadata (any folder of texts) has empty ``level`` and ``genre``; pooling
    by them is skipped with a warning rather than failing the whole run.
    """
    usable = []
    for column in wanted:
        if column in documents.columns and documents[column].notna().all():
            usable.append(column)
        else:
            warnings.warn(
                f"grouping by {column!r} skipped: not every document has a {column} "
                "(add it to the metadata CSV to pool documents by it)",
                stacklevel=2,
            )
    return usable


def _grouped(settings: dict[str, Any], section: str, func: Callable[..., Any], documents) -> dict:
    opts = options(settings, section, func)
    if "group_by" in opts:
        opts["group_by"] = usable_groupings(documents, list(opts["group_by"] or []))
    elif "group_by" in inspect.signature(func).parameters:
        default = inspect.signature(func).parameters["group_by"].default
        opts["group_by"] = usable_groupings(documents, list(default or []))
    return opts


@dataclass(frozen=True)
class StudyResults:
    """The statistics tables by name, plus the objects figures draw from."""

    tables: dict[str, pd.DataFrame]
    network: nx.Graph
    clustering: DocumentClustering | None = None
    ca: CorrespondenceAnalysis | None = None


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
    settings: dict[str, Any], corpus: CorpusTables
) -> CorrespondenceAnalysis | None:
    """The CA of the run, or ``None`` with a warning saying why there is none.

    Documents without any of the ``top_terms`` most frequent terms have no profile (common
    among thousands of one-sentence documents); they are left out of the map with a warning
    rather than stopping the run.
    """
    skipped = "correspondence analysis skipped ({}), so ca_coordinates.csv is not written"
    opts = _ca_options(settings, corpus)
    if opts is None:
        warnings.warn(skipped.format("it needs 2 documents and 2 counted terms"), stacklevel=3)
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
        warnings.warn(skipped.format("fewer than 2 documents have counted terms"), stacklevel=3)
        return None
    opts["dimensions"] = min(opts.get("dimensions", 2), available)
    counts = d.matrix.toarray()
    profiles = counts / counts.sum(axis=1, keepdims=True)
    if np.allclose(profiles, profiles[0]):
        warnings.warn(
            skipped.format("every document has the same profile of frequent terms"), stacklevel=3
        )
        return None
    return textstat_ca(d, **opts)


def compute_tables(
    corpus: CorpusTables, settings: dict[str, Any], *, progress: bool = False
) -> StudyResults:
    """All statistics tables (by name), the slogan collocation network, clustering and CA."""
    from tqdm.auto import tqdm

    docs, tokens, sentences = corpus.documents, corpus.tokens, corpus.sentences
    mentions, lexicon = corpus.mentions, corpus.slogans
    tables: dict[str, pd.DataFrame] = {
        "documents": document_summary(corpus),
        "cleaning_log": corpus.cleaning_log,
        "slogan_mentions": mentions,
    }
    found: dict[str, Any] = {}

    def frequencies() -> None:
        opts = _grouped(settings, "frequencies", textstat_frequency, docs)
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
            warnings.warn(
                "keyness skipped: one document has no rest to compare it with, so keyness.csv "
                "is not written; add documents to compare",
                stacklevel=2,
            )
            return
        opts = _grouped(settings, "keyness", keyness_table, docs)
        tables["keyness"] = keyness_table(tokens, docs, **opts)

    def tfidf() -> None:
        tables["tfidf"] = textstat_tfidf(tokens, **options(settings, "tfidf", textstat_tfidf))

    def similarity() -> None:
        opts = options(settings, "similarity", textstat_simil)
        tables["similarity"] = textstat_simil(tokens, **opts)
        if len(docs) < 2:
            warnings.warn(
                "clustering skipped: one document cannot be clustered, so similarity_clusters.csv "
                "is not written",
                stacklevel=2,
            )
        else:
            opts = options(settings, "clustering", cluster_documents)
            found["clustering"] = cluster_documents(tokens, **opts)
            tables["similarity_clusters"] = found["clustering"].merges

    def slogan_counts() -> None:
        opts = _grouped(settings, "slogan_counts", textstat_slogans, docs)
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

    def cooccurrence() -> None:
        opts = _grouped(settings, "cooccurrence", textstat_slogan_cooccurrence, docs)
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
        ca = _correspondence(settings, corpus)
        if ca is not None:
            found["ca"] = ca
            tables["ca_coordinates"] = ca.coordinates
            tables["ca_inertia"] = ca.inertia

    steps = [
        frequencies,
        dispersion,
        keyness,
        tfidf,
        similarity,
        slogan_counts,
        cooccurrence,
        collocates,
        concordance,
        formulae,
        correspondence,
    ]
    bar = tqdm(steps, desc="statistics", unit="table", disable=not progress)
    for step in bar:
        bar.set_postfix_str(step.__name__)
        step()
    return StudyResults(tables, found["network"], found.get("clustering"), found.get("ca"))
