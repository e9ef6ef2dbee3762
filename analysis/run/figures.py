"""Every figure of the study, drawn from the statistics tables and saved in PNG, PDF and SVG.

``study_figures(corpus, results, settings)`` plans them as ``(name, draw)`` pairs — ``draw()``
returns the figure — and ``save_all_figures`` saves each with
:func:`analysis.plots.save_figure`, closing it afterwards so memory stays flat. Which slogans
the slogan figures show, the comparison of the term scatter and the limits on per-document
figures come from the ``figures:`` section of the
settings. A figure whose data the corpus lacks (no genre in the metadata, a single document) is
skipped with a note (in the run's manifest), never drawn empty; a per-document figure with more
rows than fit a page shows the documents that mention the slogans most, with a note; a figure
with nothing to show for these data (two identical documents have no keywords) is skipped with
the reason; a figure that fails is recorded and the others are still drawn.

==============================  ====================================================
file name                       figure
==============================  ====================================================
slogan_rates                    1. slogan mentions per 10,000 characters with intervals
slogan_rates_all                1. the same for every slogan of the lexicon
slogan_trends                   1. slogan rates over the years, by group (documents with a year)
slogan_cooccurrence             2. slogan × slogan co-occurrence, sentence and paragraph
tfidf                           3. top TF-IDF terms per document
keyness_<doc or group>          4. keywords of a document or group against the rest
wordcloud, wordclouds_by_doc,   5. word clouds (corpus, per document) and comparison cloud
comparison_cloud
similarity                      6. document similarity heatmap with its dendrogram
collocate_network               7. slogans and their strongest collocates
xray                            8. where each slogan falls along each document
formulae                        9. which documents share which formulae
term_scatter                    10. terms by frequency in two groups
correspondence                  11. correspondence analysis biplot
topic_terms, topic_prevalence,  12. topics: top terms, prevalence over the years (or by
topic_k                             group) with intervals, and the choice of k
wordfish_positions,             13. Wordfish positions with intervals (by year when
wordfish_words                      dated) and the "Eiffel tower" of word weights
wordscores_positions            14. Wordscores positions (with reference scores given)
==============================  ====================================================
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from analysis.corpus.build import CorpusTables
from analysis.errors import CannotDraw
from analysis.measures.tfidf import describe_weighting
from analysis.plots import (
    SUPPORTED_FORMATS,
    fitted_figure_name,
    font_stack,
    save_figure,
    textplot_ca,
    textplot_collocate_network,
    textplot_comparison_cloud,
    textplot_formulae,
    textplot_keyness,
    textplot_similarity,
    textplot_slogan_cooccurrence,
    textplot_slogan_rates,
    textplot_slogan_trends,
    textplot_term_scatter,
    textplot_tfidf,
    textplot_wordcloud,
    textplot_xray,
)
from analysis.plots.document_sample import DocumentSample, representative_documents
from analysis.plots.labels import FIGURE_LANGUAGES, figure_text
from analysis.plots.scaling import textplot_scale_positions, textplot_wordfish_words
from analysis.plots.slogan_rates import rows_that_fit
from analysis.plots.topics import textplot_topic_k, textplot_topic_prevalence, textplot_topic_terms
from analysis.plots.xray import documents_that_fit
from analysis.run.models import prevalence_grouping
from analysis.run.tables import StudyResults

DEFAULTS: dict[str, Any] = {
    "slogans": [],  # empty: the four most mentioned
    # empty groups: the two groups of `grouping` with most documents
    "term_scatter": {"grouping": "genre", "group_a": None, "group_b": None},
    "max_documents": 40,
    "seed": 20071020,
    # the files each figure is saved as; PNG alone is fastest for a first look (a PDF embeds
    # a subset of the CJK font, about a second per figure)
    "formats": ["png", "pdf", "svg"],
    # the words of the figures (axis titles, legends, notes): en (English) or zh (Chinese)
    "language": "en",
    # the figures to draw, by the names of FIGURE_NAMES; empty: every figure the corpus supports
    "only": [],
}
#: The figures by name, as ``figures: only`` and ``run --only-figures`` take them: each is a
#: file name, except ``keyness``, which names every ``keyness_<document or group>`` figure.
FIGURE_NAMES = (
    "slogan_rates", "slogan_rates_all", "slogan_trends", "slogan_cooccurrence", "xray", "tfidf",
    "keyness", "wordcloud", "wordclouds_by_doc", "comparison_cloud", "similarity",
    "collocate_network", "formulae", "term_scatter", "correspondence", "topic_terms",
    "topic_prevalence", "topic_k", "wordfish_positions", "wordfish_words", "wordscores_positions",
)
#: What drawing one figure gave: the files written, a failure, a skip with its reason.
Outcome = tuple[list[Path], dict[str, str] | None, dict[str, str] | None]
MAX_COMPARISON_DOCS = 7  # the comparison cloud's sectors stay legible up to this many
TFIDF_PANELS = 9  # TF-IDF panels of a corpus with more documents than max_documents
SIMILARITY_DOCUMENTS = 30  # rows of the similarity heatmap of such a corpus
#: The figures of each model, skipped with the model's reason when the run did not fit it.
MODEL_FIGURES = {
    "topics": ("topic_terms", "topic_prevalence", "topic_k"),
    "scaling": ("wordfish_positions", "wordfish_words"),
    "wordscores": ("wordscores_positions",),
}


def figure_settings(settings: dict[str, Any]) -> dict[str, Any]:
    merged = {**DEFAULTS, **(settings.get("figures") or {})}
    unknown = set(merged) - set(DEFAULTS)
    if unknown:
        from analysis.errors import InputError

        raise InputError(
            f"settings: `figures` has unknown option(s) {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(sorted(DEFAULTS))}"
        )
    formats = merged["formats"]
    if (
        not isinstance(formats, list | tuple)
        or not formats
        or not set(formats) <= set(SUPPORTED_FORMATS)
    ):
        from analysis.errors import InputError

        raise InputError(
            f"settings: `figures`: formats must be a list of {', '.join(SUPPORTED_FORMATS)} "
            f"(e.g. [png, pdf]), got {formats!r}"
        )
    only = merged["only"]
    if not isinstance(only, list | tuple) or not set(only) <= set(FIGURE_NAMES):
        from analysis.errors import InputError

        unknown = sorted(set(only) - set(FIGURE_NAMES)) if isinstance(only, list | tuple) else only
        raise InputError(
            f"settings: `figures`: only names figures to draw, unknown: {unknown!r}; use any of "
            f"{', '.join(FIGURE_NAMES)} (keyness: every keyness figure), or [] for all"
        )
    if merged["language"] not in FIGURE_LANGUAGES:
        from analysis.errors import InputError

        raise InputError(
            "settings: `figures`: language must be en (English figure labels) or zh (Chinese), "
            f"got {merged['language']!r}"
        )
    return merged


def _main_slogans(corpus: CorpusTables, wanted: list[str]) -> list[str]:
    """The slogans the slogan figures show: those asked for that occur, else the top four."""
    mentioned = corpus.mentions["slogan"].value_counts()
    chosen = [s for s in wanted if s in mentioned.index]
    return chosen[:8] or list(mentioned.index[:4])


@dataclass(frozen=True)
class FigurePlan:
    """The figures a corpus supports, ``(file name, draw)`` each, and those it does not, with
    why (``{"what": "figure NAME", "reason": …}``, for the manifest's ``skipped`` list)."""

    figures: list[tuple[str, Callable[[], Figure]]]
    skipped: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SavedFigures:
    """What :func:`save_all_figures` did: files written, figures that failed (``{"stage":
    "figure", "name", "error"}``) and figures skipped with their reason."""

    files: list[Path]
    failures: list[dict[str, str]]
    skipped: list[dict[str, str]]


def _term_scatter_groups(
    documents: pd.DataFrame, scatter: dict[str, Any]
) -> tuple[dict[str, Any] | None, str]:
    """The term scatter's options with both groups filled in, or ``None`` and the reason.

    Groups left empty (``null``) in the settings, or that no document has, are the two groups
    with most documents (ties by name)."""
    column = scatter.get("grouping")
    if not column or column not in documents.columns or documents[column].isna().all():
        return None, f"the documents have no {column} (settings figures: term_scatter)"
    sizes = documents[column].dropna().astype(str).value_counts(sort=False)
    largest = sorted(sizes.index, key=lambda g: (-sizes[g], g))
    chosen = dict(scatter)
    for key in ("group_a", "group_b"):
        if chosen.get(key) is None:
            free = [g for g in largest if g not in (chosen.get("group_a"), chosen.get("group_b"))]
            if not free:
                return None, f"{column} has fewer than two groups to compare"
            chosen[key] = free[0]
    if any(chosen[k] not in sizes.index for k in ("group_a", "group_b")):
        # The settings name groups of another corpus (the study's speech and opinion): compare
        # this corpus's two largest groups rather than draw nothing.
        if len(largest) < 2:
            return None, f"{column} has fewer than two groups to compare"
        chosen["group_a"], chosen["group_b"] = largest[:2]
    return chosen, ""


@dataclass
class _Planner:
    """What the figure planners share: the run's tables and options, and the plan so far."""

    corpus: CorpusTables
    results: StudyResults
    settings: dict[str, Any]
    options: dict[str, Any]
    docs: pd.DataFrame
    slogans: list[str]
    groupings: list[str]
    figures: list[tuple[str, Callable[[], Figure]]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.results.tables

    @property
    def n_docs(self) -> int:
        return len(self.docs)

    @property
    def few_docs(self) -> bool:
        return self.n_docs <= self.options["max_documents"]

    @property
    def language(self) -> str:
        return self.options["language"]

    @property
    def seed(self) -> int:
        return self.options["seed"]

    @property
    def many(self) -> str:
        limit = self.options["max_documents"]
        return f"more than {limit} documents (settings figures: max_documents)"

    @property
    def spread_over(self) -> str | None:
        """The first metadata grouping some document has a value for: figures that show a
        sample of documents spread it over that grouping's groups."""
        return next(
            (g for g in self.groupings if g in self.docs.columns and self.docs[g].notna().any()),
            None,
        )

    def add(self, name: str, draw: Callable[[], Figure], *, kind: str | None = None) -> None:
        """Plan figure ``name``, of ``kind`` (a name of FIGURE_NAMES; default ``name``), unless
        ``figures: only`` leaves that kind out."""
        if self.wanted(kind or name):
            self.figures.append((name, draw))

    def wanted(self, kind: str) -> bool:
        return not self.options["only"] or kind in self.options["only"]

    def skip(self, name: str, reason: str) -> None:
        """Note why figure ``name`` (or what it leaves out: ``"tfidf: 3 of …"``) is not drawn,
        unless ``figures: only`` leaves its kind out anyway."""
        if self.wanted(_kind(name)):
            self.skipped.append({"what": f"figure {name}", "reason": reason})

    def fitted_rows(self, name: str, fit: int) -> dict[str, Any]:
        """The rows of a per-document figure: every document when they fit a page; with many
        documents the first metadata grouping's groups; else the documents that mention the
        slogans most, as many as fit (at most 20 beyond max_documents), with a note."""
        if self.few_docs and self.n_docs <= fit:
            return {}
        if not self.few_docs and self.groupings:
            return {"grouping": self.groupings[0]}
        keep = min(fit, self.n_docs if self.few_docs else 20)
        self.skip(
            f"{name}: {self.n_docs - keep} of the {self.n_docs} documents left out",
            f"a row per document would not fit a page, so it shows the {keep} that mention "
            "the slogans most; slogan_counts.csv has every document",
        )
        mentions_per_doc = (
            self.corpus.mentions["doc_id"].value_counts(sort=False).sort_index(kind="stable")
        )
        most_mentioning = list(mentions_per_doc.sort_values(ascending=False, kind="stable").index)
        return {"doc_ids": most_mentioning[:keep]}


def study_figures(
    corpus: CorpusTables, results: StudyResults, settings: dict[str, Any]
) -> FigurePlan:
    """Every figure the corpus supports, and every one it does not with the reason."""
    options = figure_settings(settings)
    counts = results.tables["slogan_counts"]
    plan = _Planner(
        corpus,
        results,
        settings,
        options,
        docs=results.documents if results.documents is not None else corpus.documents,
        slogans=_main_slogans(corpus, list(options["slogans"])),
        groupings=list(counts.loc[counts["scope"] == "group", "grouping"].dropna().unique()),
    )
    for planner in (
        _plan_slogan_rates,
        _plan_slogan_trends,
        _plan_cooccurrence_and_xray,
        _plan_tfidf,
        _plan_keyness,
        _plan_wordclouds,
        _plan_similarity,
        _plan_network_and_formulae,
        _plan_term_scatter,
        _plan_correspondence,
    ):
        planner(plan)
    for name, draw in _model_figures(
        plan.tables, plan.docs, plan.slogans, plan.spread_over, plan.language
    ):
        plan.add(name, draw)
    reasons = {note["what"]: note["reason"] for note in results.notes}
    reasons.setdefault("wordscores", reasons.get("scaling", ""))  # no scaling, no Wordscores
    for model, names in MODEL_FIGURES.items():
        for name in names:
            if name not in dict(plan.figures) and reasons.get(model):
                plan.skip(name, reasons[model])
    if options["only"]:
        left_out = [name for name in FIGURE_NAMES if not plan.wanted(name)]
        plan.skipped.append({
            "what": "figures " + ", ".join(left_out),
            "reason": "not asked for (settings figures: only, or run --only-figures)",
        })
    return FigurePlan(plan.figures, plan.skipped)


def _kind(name: str) -> str:
    """The kind (a name of FIGURE_NAMES) of a figure name or skip note: ``"keyness of each
    document"`` and ``keyness_<doc>`` are keyness, ``"tfidf: 3 of …"`` is tfidf."""
    first = name.split(":")[0].split()[0]
    return "keyness" if first.startswith("keyness") else first


def _plan_slogan_rates(p: _Planner) -> None:
    if not p.slogans:
        for name in ("slogan_rates", "slogan_rates_all", "slogan_trends"):
            p.skip(name, "no slogan occurs in any document")
        return
    counts, slogans, language = p.tables["slogan_counts"], p.slogans, p.language
    # the corpus row ("All documents") takes one of the rows that fit
    by = p.fitted_rows("slogan_rates", rows_that_fit(len(slogans), width="single") - 1)
    p.add(
        "slogan_rates",
        lambda by=by: textplot_slogan_rates(
            counts, slogans=slogans, width="single", language=language, **by
        ),
    )
    occurring = list(p.corpus.mentions["slogan"].value_counts().index)
    by_all = p.fitted_rows(
        "slogan_rates_all", rows_that_fit(len(occurring), layout="facet", width="double") - 1
    )
    p.add(
        "slogan_rates_all",
        lambda by=by_all: textplot_slogan_rates(
            counts, slogans=occurring, layout="facet", width="double", language=language, **by
        ),
    )


def _plan_slogan_trends(p: _Planner) -> None:
    slogans, language = p.slogans, p.language
    if slogans and "slogan_trends" in p.tables:
        trends = p.tables["slogan_trends"]
        p.add(
            "slogan_trends",
            lambda: textplot_slogan_trends(trends, slogans=slogans, language=language),
        )
    elif slogans:
        p.skip("slogan_trends", "no document has a year")


def _plan_cooccurrence_and_xray(p: _Planner) -> None:
    if not p.slogans:
        return
    if not p.few_docs:
        p.skip("slogan_cooccurrence", p.many)
        p.skip("xray", p.many)
        return
    tables, slogans, language, docs = p.tables, p.slogans, p.language, p.docs
    scopes = set(tables["slogan_cooccurrence"]["scope"])
    if "document" in scopes or "corpus" in scopes:
        # Settings with `per_document: false` (settings-large) leave only the pooled rows.
        pooled_only = "document" not in scopes
        p.add(
            "slogan_cooccurrence",
            lambda: textplot_slogan_cooccurrence(
                tables["slogan_cooccurrence"], slogans=slogans, width="double",
                language=language, include_corpus=pooled_only,
            ),
        )
    else:
        p.skip("slogan_cooccurrence", "the co-occurrence table has no rows")
    xray_rows = p.fitted_rows("xray", documents_that_fit(len(slogans), width="double"))
    # Rows in the order of the other per-document figures: that of the slogan counts
    # table (doc_id), or the documents that mention the slogans most, most first.
    counts = tables["slogan_counts"]
    xray_order = xray_rows.get("doc_ids") or list(
        dict.fromkeys(counts.loc[counts["scope"] == "document", "doc_id"].astype(str))
    )
    row_of = {d: k for k, d in enumerate(xray_order)}
    xray_docs = (
        docs.assign(_row=docs["doc_id"].astype(str).map(row_of))
        .dropna(subset="_row")
        .sort_values("_row", kind="stable")
        .drop(columns="_row")
    )
    mentions = p.corpus.mentions
    p.add(
        "xray",
        lambda: textplot_xray(mentions, xray_docs, slogans=slogans, language=language),
    )


def _plan_tfidf(p: _Planner) -> None:
    tables, docs, language = p.tables, p.docs, p.language
    weighting = describe_weighting(**(p.settings.get("tfidf") or {}), language=language)
    tfidf_docs = sorted(pd.unique(tables["tfidf"]["doc_id"].astype(str)))
    tfidf_ids: list[str] | None = None
    if len(tfidf_docs) > TFIDF_PANELS and not p.few_docs:
        sample = representative_documents(
            docs[docs["doc_id"].astype(str).isin(tfidf_docs)], TFIDF_PANELS,
            grouping=p.spread_over,
        )
        how = _sample_description(sample, language)
        p.skip(
            f"tfidf: {len(tfidf_docs) - len(sample.doc_ids)} of the {len(tfidf_docs)} documents "
            "left out",
            f"it shows {len(sample.doc_ids)} documents {_sample_description(sample, 'en')} "
            "(analysis.plots.document_sample); tfidf.csv has every document",
        )
        weighting = figure_text(
            "documents_shown", language, shown=len(sample.doc_ids), total=len(tfidf_docs),
            how=how,
        ) + "\n" + weighting
        tfidf_ids = sample.doc_ids
    p.add(
        "tfidf",
        lambda: textplot_tfidf(
            tables["tfidf"], doc_ids=tfidf_ids, note=weighting, language=language
        ),
    )


def _plan_keyness(p: _Planner) -> None:
    if "keyness" not in p.tables:
        return
    keyness, language = p.tables["keyness"], p.language
    comparisons = keyness[["grouping", "target"]].drop_duplicates()
    crossed = sorted({g for g in comparisons["grouping"] if "×" in g})
    for grouping in crossed:
        p.skip(
            f"keyness of each {grouping} group",
            "keyness figures are drawn for single metadata columns; the crossing's keywords "
            "are in keyness.csv",
        )
    for grouping, target in comparisons.itertuples(index=False):
        if (grouping == "doc_id" and not p.few_docs) or "×" in grouping:
            continue
        label = target if grouping == "doc_id" else f"{grouping}_{target}"
        p.add(
            fitted_figure_name("keyness_" + "_".join(str(label).split())),
            lambda g=grouping, t=target: textplot_keyness(
                keyness, target=t, grouping=g, width="single", language=language
            ),
            kind="keyness",
        )
    if not p.few_docs:
        p.skip("keyness of each document", p.many)


def _plan_wordclouds(p: _Planner) -> None:
    tokens, docs, seed, language = p.corpus.tokens, p.docs, p.seed, p.language
    p.add(
        "wordcloud",
        lambda: textplot_wordcloud(
            tokens, seed=seed, title=figure_text("all_documents", language)
        ),
    )
    if 2 <= p.n_docs <= 12:
        p.add(
            "wordclouds_by_doc",
            lambda: textplot_wordcloud(tokens, by_document=True, seed=seed, width="double"),
        )
    else:
        p.skip("wordclouds_by_doc", "it draws one cloud per document, for 2 to 12 documents")
    if 2 <= p.n_docs <= MAX_COMPARISON_DOCS:
        p.add(
            "comparison_cloud",
            lambda: textplot_comparison_cloud(tokens, docs, seed=seed, language=language),
        )
    else:
        p.skip(
            "comparison_cloud", f"its sectors stay legible for 2 to {MAX_COMPARISON_DOCS} documents"
        )


def _plan_similarity(p: _Planner) -> None:
    clustering, similarity, language = p.results.clustering, p.tables["similarity"], p.language
    if clustering is None:
        p.skip("similarity", "fewer than 2 documents")
        return
    if p.few_docs:
        p.add(
            "similarity",
            lambda: textplot_similarity(similarity, clustering, language=language),
        )
        return
    clustered = {str(d) for d in clustering.docs}
    docs = p.docs
    sample = representative_documents(
        docs[docs["doc_id"].astype(str).isin(clustered)], SIMILARITY_DOCUMENTS,
        grouping=p.spread_over,
    )
    p.skip(
        f"similarity: {len(clustered) - len(sample.doc_ids)} of the {len(clustered)} "
        "documents left out",
        f"it shows {len(sample.doc_ids)} documents {_sample_description(sample, 'en')}, in "
        "the order of the clustering of all (analysis.plots.document_sample); similarity.csv "
        "and "
        "similarity_clusters.csv have every document",
    )
    p.add(
        "similarity",
        lambda ids=sample.doc_ids: textplot_similarity(
            similarity, clustering, doc_ids=ids, width="double", language=language,
        ),
    )


def _plan_network_and_formulae(p: _Planner) -> None:
    network, formulae, seed, language = (
        p.results.network, p.tables["formulae"], p.seed, p.language
    )
    if network.number_of_edges():
        p.add(
            "collocate_network",
            lambda: textplot_collocate_network(network, seed=seed, language=language),
        )
    else:
        p.skip("collocate_network", "no slogan has a collocate above the settings' min_count")
    if len(formulae) and p.few_docs:
        p.add(
            "formulae",
            lambda: textplot_formulae(formulae, width="double", language=language),
        )
    else:
        p.skip("formulae", p.many if len(formulae) else "no formula is shared")


def _plan_term_scatter(p: _Planner) -> None:
    tokens, docs, language = p.corpus.tokens, p.docs, p.language
    scatter, reason = _term_scatter_groups(docs, p.options["term_scatter"])
    if scatter is None:
        p.skip("term_scatter", reason)
        return
    p.add(
        "term_scatter",
        lambda: textplot_term_scatter(tokens, docs, language=language, **scatter),
    )


def _plan_correspondence(p: _Planner) -> None:
    ca, docs, spread_over, language = p.results.ca, p.docs, p.spread_over, p.language
    if ca is None or ca.inertia["dimension"].max() < 2:
        p.skip("correspondence", "the correspondence analysis has fewer than two dimensions")
        return
    # Documents coloured and shaped by the first metadata grouping (a crossing such as
    # genre×decade is no column of the documents: one colour then).
    ca_groups = (
        dict(zip(docs["doc_id"].astype(str), docs[spread_over], strict=True))
        if spread_over and "×" not in spread_over else None
    )
    p.add("correspondence", lambda: textplot_ca(ca, groups=ca_groups, language=language))


def _model_figures(
    tables: dict[str, pd.DataFrame],
    docs: pd.DataFrame,
    slogans: list[str],
    grouping: str | None,
    language: str,
) -> list[tuple[str, Callable[[], Figure]]]:
    """The figures of the topic and scaling tables the run has (none when the models were not
    fitted; the manifest then says why)."""
    figures: list[tuple[str, Callable[[], Figure]]] = []
    if "topics" in tables:
        figures.append(
            ("topic_terms", lambda: textplot_topic_terms(tables["topics"], language=language))
        )
    if "topic_prevalence" in tables:
        prevalence = tables["topic_prevalence"]
        chosen = prevalence_grouping(prevalence)
        figures.append(
            (
                "topic_prevalence",
                lambda: textplot_topic_prevalence(
                    prevalence, grouping=chosen, language=language
                ),
            )
        )
    if "topic_k" in tables:
        figures.append(
            ("topic_k", lambda: textplot_topic_k(tables["topic_k"], language=language))
        )
    ids = docs["doc_id"].astype(str)
    groups = None
    if grouping and "×" not in grouping:
        groups = dict(zip(ids, docs[grouping], strict=True))
    years = None
    if "year" in docs.columns and pd.to_numeric(docs["year"], errors="coerce").notna().any():
        years = dict(zip(ids, docs["year"], strict=True))
    for name in ("wordfish_positions", "wordscores_positions"):
        if name in tables:
            figures.append(
                (
                    name,
                    lambda table=tables[name]: textplot_scale_positions(
                        table, groups=groups, years=years, width="double", language=language
                    ),
                )
            )
    if "wordfish_words" in tables:
        figures.append(
            (
                "wordfish_words",
                lambda: textplot_wordfish_words(
                    tables["wordfish_words"], highlight=slogans, width="double",
                    language=language,
                ),
            )
        )
    return figures


def _sample_description(sample: DocumentSample, language: str) -> str:
    """How :func:`~analysis.plots.document_sample.representative_documents` chose, in words."""
    if sample.by_group and sample.by_year:
        return figure_text("spread_groups_years", language, grouping=sample.by_group)
    if sample.by_group:
        return figure_text("spread_groups", language, grouping=sample.by_group)
    if sample.by_year:
        return figure_text("spread_years", language)
    return figure_text("spread_doc_ids", language)


def _draw_and_save(
    name: str,
    draw: Callable[[], Figure],
    folder: str | Path,
    run_id: str | None,
    formats: Sequence[str] = SUPPORTED_FORMATS,
) -> Outcome:
    """Draw one figure and save it; a failure is returned, not raised (one figure must not cost
    the others: it is recorded, and the run ends with exit code 1). A figure that has nothing
    it can show well for these data (:class:`~analysis.errors.CannotDraw`) is returned as
    skipped, with the reason."""
    figure = None
    try:
        figure = draw()
        saved = save_figure(figure, name, folder=folder, run_id=run_id, formats=formats)
        return list(saved), None, None
    except CannotDraw as exc:
        return [], None, {"what": f"figure {name}", "reason": str(exc)}
    except Exception as exc:
        failure = {"stage": "figure", "name": name, "error": f"{type(exc).__name__}: {exc}"}
        return [], failure, None
    finally:
        if figure is not None:
            figure.clear()  # frees the artists; the figures are not registered with pyplot


# The plan of the figures being drawn, for worker processes forked from this one: the draw
# functions are closures over the corpus tables, which a forked worker shares rather than
# receives, so only an index travels to it.
_PLAN: (
    tuple[list[tuple[str, Callable[[], Figure]]], str | Path, str | None, Sequence[str]] | None
) = None


def _draw_planned(index: int) -> Outcome:
    if _PLAN is None:  # an internal invariant: the plan is set before the workers fork
        raise RuntimeError("figure worker started without a plan")
    figures, folder, run_id, formats = _PLAN
    name, draw = figures[index]
    return _draw_and_save(name, draw, folder, run_id, formats)


def save_all_figures(
    corpus: CorpusTables,
    results: StudyResults,
    *,
    settings: dict[str, Any],
    folder: str | Path = "figures",
    progress: bool = False,
    run_id: str | None = None,
    jobs: int | None = None,
) -> SavedFigures:
    """Draw and save every figure (PNG at 300 dpi, PDF, SVG; settings ``figures: formats``)
    into ``folder``.

    A figure that fails to draw or save is recorded (with the error) and the others go on: a
    run keeps every figure it could make. ``run_id`` goes into every file's metadata (see
    :func:`analysis.plots.save_figure`). With ``jobs`` above 1 (default: one per CPU) the
    figures are drawn in that many worker processes forked from this one (where the system
    can fork); the files are the same whatever ``jobs`` is, and listed in plan order."""
    import multiprocessing

    from tqdm.auto import tqdm

    from analysis.corpus.engine import default_jobs, die_with_parent, return_free_memory

    global _PLAN
    plan = study_figures(corpus, results, settings)
    formats = tuple(figure_settings(settings)["formats"])
    jobs = min(default_jobs() if jobs is None else jobs, len(plan.figures))
    bar = tqdm(total=len(plan.figures), desc="figures", unit="figure", disable=not progress)
    outcomes: list[Outcome] = []
    try:
        if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            _PLAN = (plan.figures, folder, run_id, formats)
            font_stack()  # the common face is built (once, seconds) before the workers fork
            return_free_memory()
            # An executor rather than a Pool: a worker that dies is an error, not a hang.
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=context,
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            ) as pool:
                for outcome in pool.map(_draw_planned, range(len(plan.figures))):
                    outcomes.append(outcome)
                    bar.update(1)
        else:
            for name, draw in plan.figures:
                outcomes.append(_draw_and_save(name, draw, folder, run_id, formats))
                bar.update(1)
    finally:
        _PLAN = None
        bar.close()
    written = [path for files, _, _ in outcomes for path in files]
    failures = [failure for _, failure, _ in outcomes if failure is not None]
    skipped = [skip for _, _, skip in outcomes if skip is not None]
    return SavedFigures(written, failures, plan.skipped + skipped)
