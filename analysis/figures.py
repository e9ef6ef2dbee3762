"""Every figure of the study, drawn from the statistics tables and saved in PNG, PDF and SVG.

``study_figures(corpus, results, settings)`` yields ``(name, draw)`` pairs — ``draw()`` returns
the figure — and ``save_all_figures`` saves each with :func:`analysis.plots.save_figure`, closing
it afterwards so memory stays flat. Which slogans the slogan figures show, the comparison of the
term scatter and the limits on per-document figures come from the ``figures:`` section of the
settings. A figure whose data the corpus lacks (no genre in the metadata, a single document) is
skipped with a note, never drawn empty.

==============================  ====================================================
file name                       figure
==============================  ====================================================
slogan_rates                    1. slogan mentions per 10,000 characters with intervals
slogan_rates_all                1. the same for every slogan of the lexicon
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
==============================  ====================================================
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from analysis.pipeline import CorpusTables
from analysis.plots import (
    fitted_figure_name,
    save_figure,
    textplot_ca,
    textplot_collocate_network,
    textplot_comparison_cloud,
    textplot_formulae,
    textplot_keyness,
    textplot_similarity,
    textplot_slogan_cooccurrence,
    textplot_slogan_rates,
    textplot_term_scatter,
    textplot_tfidf,
    textplot_wordcloud,
    textplot_xray,
)
from analysis.report import StudyResults

DEFAULTS: dict[str, Any] = {
    "slogans": [],  # empty: the four most mentioned
    "term_scatter": {"grouping": "genre", "group_a": "speech", "group_b": "opinion"},
    "max_documents": 40,
    "seed": 20071020,
}
MAX_COMPARISON_DOCS = 7  # the comparison cloud's sectors stay legible up to this many


def _figure_settings(settings: dict[str, Any]) -> dict[str, Any]:
    merged = {**DEFAULTS, **(settings.get("figures") or {})}
    unknown = set(merged) - set(DEFAULTS)
    if unknown:
        from analysis.errors import InputError

        raise InputError(
            f"settings: `figures` has unknown option(s) {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(sorted(DEFAULTS))}"
        )
    return merged


def _main_slogans(corpus: CorpusTables, wanted: list[str]) -> list[str]:
    """The slogans the slogan figures show: those asked for that occur, else the top four."""
    mentioned = corpus.mentions["slogan"].value_counts()
    chosen = [s for s in wanted if s in mentioned.index]
    return chosen or list(mentioned.index[:4])


def study_figures(
    corpus: CorpusTables, results: StudyResults, settings: dict[str, Any]
) -> Iterator[tuple[str, Callable[[], Figure]]]:
    """``(file name, draw)`` for every figure the corpus supports."""
    options = _figure_settings(settings)
    tables, docs = results.tables, corpus.documents
    n_docs = len(docs)
    few_docs = n_docs <= options["max_documents"]
    seed = options["seed"]
    slogans = _main_slogans(corpus, list(options["slogans"]))
    counts = tables["slogan_counts"]
    groupings = list(counts.loc[counts["scope"] == "group", "grouping"].dropna().unique())
    # Many documents: rates by the first metadata grouping, else the 20 documents that mention
    # the slogans most, rather than an unreadable row per document.
    if few_docs:
        by: dict[str, Any] = {}
    elif groupings:
        by = {"grouping": groupings[0]}
    else:
        most = corpus.mentions["doc_id"].value_counts(sort=False).sort_index(kind="stable")
        by = {"doc_ids": list(most.sort_values(ascending=False, kind="stable").index[:20])}
    if slogans:
        yield (
            "slogan_rates",
            lambda: textplot_slogan_rates(counts, slogans=slogans, width="single", **by),
        )
        occurring = list(corpus.mentions["slogan"].value_counts().index)
        yield (
            "slogan_rates_all",
            lambda: textplot_slogan_rates(
                counts, slogans=occurring, layout="facet", width="double", **by
            ),
        )
    if slogans and few_docs:
        yield (
            "slogan_cooccurrence",
            lambda: textplot_slogan_cooccurrence(
                tables["slogan_cooccurrence"], slogans=slogans, width="double"
            ),
        )
        yield "xray", lambda: textplot_xray(corpus.mentions, docs, slogans=slogans)
    yield (
        "tfidf",
        lambda: textplot_tfidf(
            tables["tfidf"], doc_ids=None if few_docs else list(docs["doc_id"][:9])
        ),
    )
    if "keyness" in tables:
        keyness = tables["keyness"]
        comparisons = keyness[["grouping", "target"]].drop_duplicates()
        for grouping, target in comparisons.itertuples(index=False):
            if grouping == "doc_id" and not few_docs:
                continue
            label = target if grouping == "doc_id" else f"{grouping}_{target}"
            name = fitted_figure_name("keyness_" + "_".join(str(label).split()))
            yield (
                name,
                lambda g=grouping, t=target: textplot_keyness(
                    keyness, target=t, grouping=g, width="single"
                ),
            )
    yield "wordcloud", lambda: textplot_wordcloud(corpus.tokens, seed=seed, title="All documents")
    if 2 <= n_docs <= 12:
        yield (
            "wordclouds_by_doc",
            lambda: textplot_wordcloud(corpus.tokens, by_document=True, seed=seed, width="double"),
        )
    if 2 <= n_docs <= MAX_COMPARISON_DOCS:
        yield "comparison_cloud", lambda: textplot_comparison_cloud(corpus.tokens, docs, seed=seed)
    if results.clustering is not None and few_docs:
        yield "similarity", lambda: textplot_similarity(tables["similarity"], results.clustering)
    if results.network.number_of_edges():
        yield "collocate_network", lambda: textplot_collocate_network(results.network, seed=seed)
    if len(tables["formulae"]) and few_docs:
        yield "formulae", lambda: textplot_formulae(tables["formulae"], width="double")
    scatter = options["term_scatter"]
    column = scatter.get("grouping")
    if column in docs.columns and {scatter.get("group_a"), scatter.get("group_b")} <= set(
        docs[column].dropna()
    ):
        yield "term_scatter", lambda: textplot_term_scatter(corpus.tokens, docs, **scatter)
    else:
        warnings.warn(
            f"term scatter skipped: the documents have no {column} values "
            f"{scatter.get('group_a')!r} and {scatter.get('group_b')!r} (settings figures: "
            "term_scatter)",
            stacklevel=2,
        )
    if results.ca is not None and results.ca.inertia["dimension"].max() >= 2:
        yield "correspondence", lambda: textplot_ca(results.ca)


def save_all_figures(
    corpus: CorpusTables,
    results: StudyResults,
    *,
    settings: dict[str, Any],
    folder: str | Path = "figures",
    progress: bool = False,
    run_id: str | None = None,
) -> list[Path]:
    """Draw and save every figure (PNG at 300 dpi, PDF, SVG) into ``folder``; return the files.

    ``run_id`` goes into every file's metadata (see :func:`analysis.plots.save_figure`)."""
    from tqdm.auto import tqdm

    planned = list(study_figures(corpus, results, settings))
    written: list[Path] = []
    for name, draw in tqdm(planned, desc="figures", unit="figure", disable=not progress):
        figure = draw()
        try:
            written += save_figure(figure, name, folder=folder, run_id=run_id)
        finally:
            figure.clear()  # frees the artists; the figures are not registered with pyplot
    return written
