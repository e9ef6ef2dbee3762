"""The steps of a run's statistics, one function per :class:`analysis.config.registry.Step`
(same name, same order): each reads its settings sections, calls its measure and puts the tables
into the run's context. :func:`analysis.run.tables.compute_tables` runs them.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.config.lexicon import SloganLexicon
from analysis.corpus.build import CorpusTables
from analysis.features.dfm import Dfm, as_dfm, dfm, sorted_by_doc
from analysis.measures.collocates import collocation_network, textstat_collocates
from analysis.measures.cooccurrence import textstat_slogan_cooccurrence
from analysis.measures.correspondence import (
    CorrespondenceAnalysis,
    textmodel_ca,
    top_terms_by_frequency,
)
from analysis.measures.dispersion import textstat_dispersion
from analysis.measures.formulae import formula_occurrences, summarise_formulae
from analysis.measures.frequency import textstat_frequency
from analysis.measures.keyness import single_document_groups, textstat_keyness_groups
from analysis.measures.kwic import kwic
from analysis.measures.similarity import (
    similarity_and_clustering,
    textmodel_hclust,
    textstat_simil,
)
from analysis.measures.slogan_counts import textstat_slogans
from analysis.measures.tfidf import textstat_tfidf
from analysis.run.options import grouped_options, note, options, slogan_trends


class SharedMatrix:
    """The run's default document-feature matrix, built on first use and then shared by every
    step, also by steps running at the same time in other threads (the first builds it, the
    others wait for it)."""

    def __init__(self, tokens: pd.DataFrame):
        self._tokens = tokens
        self._lock = threading.Lock()
        self._matrix: Dfm | None = None

    def get(self) -> Dfm:
        with self._lock:
            if self._matrix is None:
                self._matrix = dfm(self._tokens)
            return self._matrix


@dataclass
class StepContext:
    """What the steps share: the corpus, the settings, the documents the measures pool by, and
    what the steps found so far (tables by name, the network, clustering and CA, notes)."""

    corpus: CorpusTables
    settings: dict[str, Any]
    docs: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    notes: list[dict[str, str]]
    found: dict[str, Any] = field(default_factory=dict)
    used_groupings: dict[str, None] = field(default_factory=dict)
    matrix: SharedMatrix | None = None

    def __post_init__(self) -> None:
        if self.matrix is None:
            self.matrix = SharedMatrix(self.corpus.tokens)

    @property
    def tokens(self) -> pd.DataFrame:
        return self.corpus.tokens

    @property
    def counts(self) -> Dfm:
        """The default document-feature matrix (:func:`analysis.features.dfm.dfm`: punctuation
        and stopwords dropped), built once for every measure that counts with it."""
        return self.matrix.get()

    def for_step(self, used_groupings: dict[str, None] | None = None) -> StepContext:
        """A context for one step: the same corpus, settings, documents and matrix, with empty
        tables, notes and findings of its own (what the step adds, for
        :func:`analysis.run.schedule.run_steps` to merge) and ``used_groupings`` as given."""
        return replace(
            self, tables={}, notes=[], found={}, used_groupings=dict(used_groupings or {})
        )

    @property
    def sentences(self) -> pd.DataFrame:
        return self.corpus.sentences

    @property
    def mentions(self) -> pd.DataFrame:
        return self.corpus.mentions

    @property
    def lexicon(self) -> SloganLexicon:
        return self.corpus.slogans

    def grouped(self, section: str, func: Callable[..., Any]) -> dict[str, Any]:
        """The options of ``section`` with its usable groupings (recorded as used)."""
        opts = grouped_options(self.settings, section, func, self.docs, self.notes)
        self.used_groupings.update(dict.fromkeys(opts.get("group_by", [])))
        return opts


def frequencies(run: StepContext) -> None:
    opts = run.grouped("frequencies", textstat_frequency)
    run.tables["term_frequencies"] = textstat_frequency(run.tokens, run.docs, **opts)


def dispersion(run: StepContext) -> None:
    opts = options(run.settings, "dispersion", textstat_dispersion)
    words = int((~run.tokens["is_punct"]).sum())
    parts = opts.get("parts", 10)
    if words < parts:  # a tiny corpus cannot be cut into more parts than it has words
        warnings.warn(
            f"dispersion: {words} word tokens give at most {words} equal parts, not {parts}",
            stacklevel=3,
        )
        opts["parts"] = max(1, words)
    run.tables["dispersion"] = textstat_dispersion(run.tokens, **opts)


def keyness(run: StepContext) -> None:
    if len(run.docs) < 2:
        note(
            run.notes,
            "keyness",
            "one document has no rest to compare it with; add documents to compare",
        )
        return
    opts = run.grouped("keyness", textstat_keyness_groups)
    # the run's matrix counts what keyness counts by default, so it is not built again
    default_counting = opts.get("remove_punct", True) and opts.get("remove_stop", True)
    counted = run.counts if default_counting else run.tokens
    run.tables["keyness"] = textstat_keyness_groups(counted, run.docs, **opts)
    if opts.get("versus", "rest") == "rest":
        for group, doc_id in single_document_groups(run.docs, opts.get("group_by", [])).items():
            note(
                run.notes,
                f"keyness of {group}",
                f"the group is one document, {doc_id}: its keywords are the rows of "
                f"{doc_id} against the rest (grouping doc_id), not repeated",
            )


def tfidf(run: StepContext) -> None:
    opts = options(run.settings, "tfidf", textstat_tfidf)
    run.tables["tfidf"] = textstat_tfidf(run.counts, **opts)


def similarity(run: StepContext) -> None:
    opts = options(run.settings, "similarity", textstat_simil)
    if len(run.docs) < 2:
        run.tables["similarity"] = textstat_simil(run.counts, **opts)
        note(run.notes, "similarity_clusters", "one document cannot be clustered")
    else:  # one pass over the cosine products for both
        table, clustering = similarity_and_clustering(
            run.counts,
            similarity=opts,
            clustering=options(run.settings, "clustering", textmodel_hclust),
        )
        run.tables["similarity"] = table
        run.found["clustering"] = clustering
        run.tables["similarity_clusters"] = clustering.merges


def slogan_counts(run: StepContext) -> None:
    opts = run.grouped("slogan_counts", textstat_slogans)
    run.tables["slogan_counts"] = textstat_slogans(run.docs, run.mentions, run.lexicon, **opts)
    found_names = set(run.mentions["slogan"])
    never = [name for name in run.lexicon.names if name not in found_names]
    if never:  # kept as rows of 0, and said, since a misspelt variant also gives 0
        warnings.warn(
            f"slogan(s) {', '.join(never)} occur in no document (count 0 in "
            f"slogan_counts.csv); if that is unexpected, check the variants in "
            f"{run.lexicon.source}",
            stacklevel=2,
        )


def trends(run: StepContext) -> None:
    table = slogan_trends(run.docs, run.mentions, run.lexicon, run.settings, run.notes)
    if table is not None:
        run.tables["slogan_trends"] = table
        run.used_groupings.update(dict.fromkeys(g for g in table["grouping"].unique() if g))


def cooccurrence(run: StepContext) -> None:
    opts = run.grouped("cooccurrence", textstat_slogan_cooccurrence)
    run.tables["slogan_cooccurrence"] = textstat_slogan_cooccurrence(
        run.docs, run.sentences, run.mentions, run.lexicon, **opts
    )


def collocates(run: StepContext) -> None:
    opts = options(run.settings, "collocates", textstat_collocates)
    run.tables["collocates"] = textstat_collocates(run.tokens, run.mentions, run.lexicon, **opts)
    opts = options(run.settings, "collocation_network", collocation_network)
    run.found["network"] = collocation_network(run.tables["collocates"], **opts)


def concordance(run: StepContext) -> None:
    width = options(run.settings, "kwic", kwic).get("width", 20)
    lines = [
        kwic(run.docs, name, slogans=run.lexicon, sentences=run.sentences, width=width)
        for name in run.lexicon.names
    ]
    run.tables["kwic"] = pd.concat(lines, ignore_index=True)


def formulae(run: StepContext) -> None:
    opts = options(run.settings, "formulae", formula_occurrences)
    opts["placeholder"] = run.corpus.segmenter.placeholder
    occurrences = formula_occurrences(run.docs, **opts)
    run.tables["formulae"] = summarise_formulae(occurrences)
    run.tables["formula_occurrences"] = occurrences


def correspondence(run: StepContext) -> None:
    ca = _correspondence(run.settings, run.corpus, run.notes, counts=run.counts)
    if ca is not None:
        run.found["ca"] = ca
        run.tables["ca_coordinates"] = ca.coordinates
        run.tables["ca_inertia"] = ca.inertia


def topics(run: StepContext) -> None:
    from analysis.run.models import topic_tables

    grouping_columns = [g for g in run.used_groupings if g in run.docs.columns]
    run.tables.update(
        topic_tables(
            run.tokens, run.docs, run.settings, lexicon=run.lexicon, groupings=grouping_columns,
            note=lambda what, why: note(run.notes, what, why),
        )
    )


def scaling(run: StepContext) -> None:
    from analysis.run.models import scaling_tables

    run.tables.update(
        scaling_tables(
            run.tokens, run.docs, run.settings, note=lambda what, why: note(run.notes, what, why)
        )
    )


def _ca_options(settings: dict[str, Any], corpus: CorpusTables) -> dict[str, Any] | None:
    """CA options, with fewer dimensions where a small corpus has fewer (None: no CA at all)."""
    ca_options = options(settings, "correspondence", textmodel_ca)
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
    settings: dict[str, Any],
    corpus: CorpusTables,
    notes: list[dict[str, str]] | None = None,
    *,
    counts: Dfm | None = None,
) -> CorrespondenceAnalysis | None:
    """The CA of the run, or ``None`` with a warning saying why there is none; ``counts`` is the
    default ``dfm(corpus.tokens)`` when the caller has it already.

    Documents without any of the ``top_terms`` most frequent terms have no profile (common
    among thousands of one-sentence documents); they are left out of the map with a warning
    rather than stopping the run.
    """

    def skipped(reason: str) -> None:
        if notes is not None:
            note(notes, "correspondence analysis", reason)

    opts = _ca_options(settings, corpus)
    if opts is None:
        skipped("it needs 2 documents and 2 counted terms")
        return None
    top_terms = opts.get("top_terms", 60)
    counted = counts if counts is not None else as_dfm(corpus.tokens, "textmodel_ca")
    d = top_terms_by_frequency(sorted_by_doc(counted), top_terms)
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
    return textmodel_ca(d, **opts)
