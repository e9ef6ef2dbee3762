"""Every statistics table of the study, computed from the corpus tables and the settings.

``compute_tables(corpus, settings)`` runs the steps of the registry
(:data:`analysis.config.registry.STEPS`, code in :mod:`analysis.run.steps`): each calls its
measure with the options of its section in ``data/settings.yml`` (:mod:`analysis.run.options`: a
key the measure does not take is an error naming the section, so a typo never passes silently; a
key left out takes the measure's own default) and returns the tables by name.
``write_tables`` (in :mod:`analysis.run.export`) writes them as ``<name>.csv`` and
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
keyness                    :func:`analysis.measures.keyness.textstat_keyness_groups`
tfidf                      :func:`analysis.measures.tfidf.textstat_tfidf`
similarity                 :func:`analysis.measures.similarity.textstat_simil`
similarity_clusters        :func:`analysis.measures.similarity.textmodel_hclust`
slogan_counts              :func:`analysis.measures.slogan_counts.textstat_slogans`
slogan_trends              :func:`analysis.measures.trends.textstat_slogan_trends`
slogan_cooccurrence        :func:`analysis.measures.cooccurrence.textstat_slogan_cooccurrence`
collocates                 :func:`analysis.measures.collocates.textstat_collocates`
kwic                       :func:`analysis.measures.kwic.kwic`, every slogan
formulae                   :func:`analysis.measures.formulae.summarise_formulae`
formula_occurrences        :func:`analysis.measures.formulae.formula_occurrences`
ca_coordinates, ca_inertia :func:`analysis.measures.correspondence.textmodel_ca`
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

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from analysis.config.registry import STEPS, step_sections
from analysis.corpus.build import CorpusTables
from analysis.corpus.engine import default_jobs
from analysis.corpus.groupings import attach_metadata
from analysis.errors import InputError
from analysis.measures.correspondence import CorrespondenceAnalysis
from analysis.measures.similarity import DocumentClustering
from analysis.run import steps
from analysis.run.options import UnknownGrouping, documents_table, metadata_in_use, study_documents
from analysis.run.schedule import run_steps

__all__ = ["WITH_METADATA", "StudyResults", "compute_tables"]


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


#: Tables whose per-document or per-group rows carry the metadata columns in use.
WITH_METADATA = (
    "slogan_counts",
    "slogan_trends",
    "term_frequencies",
    "keyness",
    "kwic",
    "slogan_cooccurrence",
)


def one_line_text(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def corpus_tables(corpus: CorpusTables, docs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables of the corpus stage: documents, the cleaning audit, slogan mentions, the
    cleaned texts and, when found, shared boilerplate."""
    tables: dict[str, pd.DataFrame] = {
        "documents": documents_table(corpus, docs),
        "cleaning_log": corpus.cleaning_log,
        "slogan_mentions": corpus.mentions,
        "texts": corpus.documents[["doc_id", "text", "translation"]].reset_index(drop=True),
    }
    boilerplate = getattr(corpus, "boilerplate", None)
    if boilerplate is not None:  # most shared first, then by code point (a stated total order)
        tables["shared_boilerplate"] = boilerplate.sort_values(
            ["n_docs", "line"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)
    return tables


#: The steps each step waits for: one that reads groupings (the topics, which pool documents by
#: every grouping used before them) waits for the earlier steps that pool documents.
WAITS_FOR: dict[str, tuple[str, ...]] = {
    step.name: tuple(e.name for e in STEPS[:index] if e.pools_documents)
    for index, step in enumerate(STEPS)
    if step.reads_groupings
}
#: At most this many steps at a time: each holds its own working memory.
MAX_STEP_THREADS = 4


def compute_tables(
    corpus: CorpusTables,
    settings: dict[str, Any],
    *,
    progress: bool = False,
    settings_file: str | Path | None = None,
    jobs: int | None = 1,
) -> StudyResults:
    """All statistics tables (by name), the slogan collocation network, clustering and CA.

    Documents are pooled by the groupings of each section's ``group_by`` (metadata columns,
    ``decade``/``period`` derived from ``year``, and crossings such as ``genre×decade``); rows of
    the tables in :data:`WITH_METADATA` then carry ``year`` and the member columns of every
    grouping used (:func:`analysis.corpus.groupings.attach_metadata`).

    ``jobs`` steps run at a time in threads (``None``: one per CPU; at most
    :data:`MAX_STEP_THREADS`); the results are the same for any ``jobs``
    (:mod:`analysis.run.schedule`).

    An option a measure refuses (say ``confidence: 1.5``) is an InputError naming
    ``settings_file`` and the section.
    """
    from tqdm.auto import tqdm

    threads = _step_threads(jobs)
    notes: list[dict[str, str]] = []
    docs = study_documents(corpus, settings, notes)
    run = steps.StepContext(corpus, settings, docs, corpus_tables(corpus, docs), notes)
    bar = tqdm(total=len(STEPS), desc="statistics", unit="table", disable=not progress)

    def call(name: str, context: steps.StepContext) -> None:
        try:
            getattr(steps, name)(context)
        except UnknownGrouping:
            raise  # from --group-by or any section's group_by: the message names both
        except ValueError as exc:
            # the measures check their options at the top; here the options come from settings
            sections = " or ".join(f"`{s}`" for s in step_sections(name))
            raise InputError(
                f"{settings_file or 'settings'}: {sections}: {one_line_text(exc)}; fix the "
                "value in that section"
            ) from exc

    with bar:
        run_steps(
            run,
            [step.name for step in STEPS],
            call,
            threads=threads,
            waits_for=WAITS_FOR,
            on_start=bar.set_postfix_str,
            on_done=lambda name: bar.update(1),
        )
    metadata = metadata_in_use(docs, list(run.used_groupings))
    tables = run.tables
    for name in WITH_METADATA:
        if name in tables and metadata:
            tables[name] = attach_metadata(tables[name], docs, metadata)
    return StudyResults(
        tables,
        run.found["network"],
        run.found.get("clustering"),
        run.found.get("ca"),
        notes=tuple(notes),
        documents=docs,
        metadata_columns=tuple(metadata),
    )


def _step_threads(jobs: int | None) -> int:
    if jobs is None:
        return min(default_jobs(), MAX_STEP_THREADS)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InputError(f"jobs must be a whole number of at least 1 (or None), got {jobs!r}")
    return min(jobs, MAX_STEP_THREADS)
