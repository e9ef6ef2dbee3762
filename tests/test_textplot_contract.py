"""What every figure function promises, checked once for each ``textplot_*`` of
:mod:`analysis.plots`, and what each figure shows, on the five study documents.

The contract (:func:`test_every_textplot_keeps_the_contract`): a ``textplot_*`` returns a
matplotlib Figure drawn inside the project's figure style, one journal column wide and at most a
page tall; it saves nothing, leaves no pyplot state, does not change its input tables, draws no
box for a missing glyph and keeps its texts inside the figure; the PNG export is one column at
300 dpi and not blank. Given a table of the wrong kind it raises an ``InputError`` that starts
with its own name. The list of functions is found in the package, so a new ``textplot_*``
without a case here fails :func:`test_every_textplot_has_a_case`.

PDF and SVG of every figure are checked once, on the files of the full run (test_figures.py):
a PDF costs a second or two of font subsetting.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import os
import pkgutil
import random
import re
import subprocess
import sys
import warnings
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import EventCollection
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image, ImageStat

import analysis.plots
from analysis.errors import InputError
from analysis.measures.collocates import collocation_network, textstat_collocates
from analysis.measures.cooccurrence import textstat_slogan_cooccurrence
from analysis.measures.correspondence import textmodel_ca
from analysis.measures.formulae import textstat_formulae
from analysis.measures.keyness import textstat_keyness_groups
from analysis.measures.scaling import textmodel_wordfish
from analysis.measures.similarity import (
    MERGE_COLUMNS,
    DocumentClustering,
    textmodel_hclust,
    textstat_simil,
)
from analysis.measures.slogan_counts import textstat_slogans
from analysis.measures.tfidf import textstat_tfidf
from analysis.measures.topics import textmodel_topics, textstat_topic_prevalence
from analysis.measures.trends import textstat_slogan_trends
from analysis.plots import (
    FONT_ENV_VAR,
    PALETTE,
    export_rc_params,
    font_stack,
    save_figure,
    style_rc_params,
    textplot_ca,
    textplot_collocate_network,
    textplot_comparison_cloud,
    textplot_formulae,
    textplot_keyness,
    textplot_scale_positions,
    textplot_similarity,
    textplot_slogan_cooccurrence,
    textplot_slogan_rates,
    textplot_slogan_trends,
    textplot_term_scatter,
    textplot_tfidf,
    textplot_topic_k,
    textplot_topic_prevalence,
    textplot_topic_terms,
    textplot_wordcloud,
    textplot_wordfish_words,
    textplot_xray,
)
from analysis.plots.network import network_layout
from analysis.plots.wordcloud import comparison_weights

CORE = ["团结", "民主集中制", "一把手"]
WIDTH_INCHES = {"single": 3.5, "double": 7.0}
PIXELS_PER_COLUMN = {"single": 1050, "double": 2100}  # 3.5 in and 7 in at 300 dpi
# Not an input of any figure: a table of the wrong kind, for the error every figure must give.
WRONG_TABLE = pd.DataFrame({"unrelated": [1, 2]})


@pytest.fixture(autouse=True)
def default_font_setting(monkeypatch):
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def tables(study_corpus):
    """Every input of a figure, from the five study documents, computed once."""
    c = study_corpus
    tokens = c.tokens
    collocates = textstat_collocates(tokens, c.mentions, c.slogans)
    topic_model = textmodel_topics(tokens, k=3, seed=1)
    wordfish = textmodel_wordfish(tokens, direction=("cityoffice_speech_2003", "jilin_news_2007"))
    return {
        "corpus": c,  # not an input itself: its tables are, below
        "tokens": tokens,
        "documents": c.documents,
        "mentions": c.mentions,
        "sentences": c.sentences,
        "slogan_names": list(c.slogans.names),
        "tfidf": textstat_tfidf(tokens),
        "keyness": textstat_keyness_groups(tokens, c.documents),
        "similarity": textstat_simil(tokens),
        "clustering": textmodel_hclust(tokens),
        "ca": textmodel_ca(tokens),
        "formulae": textstat_formulae(c.documents),
        "slogan_counts": textstat_slogans(c.documents, c.mentions, c.slogans,
                                          bootstrap_resamples=500),
        "cooccurrence": textstat_slogan_cooccurrence(c.documents, c.sentences, c.mentions,
                                                     c.slogans),
        "collocates": collocates,
        "network": collocation_network(collocates),
        "trends": textstat_slogan_trends(c.documents, c.mentions, c.slogans,
                                         group_by=["genre"], bootstrap_resamples=200),
        "topics": topic_model.topics,
        "prevalence": textstat_topic_prevalence(topic_model.topic_shares, c.documents,
                                                by="genre", bootstrap_resamples=200, seed=1),
        "topic_k": pd.DataFrame(
            {"k": [2, 2, 2, 3, 3, 3], "measure": ["umass", "npmi", "reconstruction_error"] * 2,
             "value": [0.15, 1.0, 0.27, -0.07, 0.76, 0.24]}
        ),
        "positions": wordfish.positions,
        "word_parameters": wordfish.word_parameters,
    }


def doc_order(t) -> list[str]:
    return list(t["documents"]["doc_id"])


@dataclasses.dataclass(frozen=True)
class Case:
    """A call ``function(tables[key], …, **options)``; an option that is callable is given the
    tables. The first table is the one :data:`WRONG_TABLE` replaces."""

    function: Callable[..., Figure]
    table_keys: tuple[str, ...]
    options: dict[str, Any]

    def arguments(self, tables: dict) -> tuple[tuple, dict]:
        values = {k: v(tables) if callable(v) else v for k, v in self.options.items()}
        return tuple(tables[key] for key in self.table_keys), values

    def draw(self, tables: dict, **options) -> Figure:
        args, kwargs = self.arguments(tables)
        return self.function(*args, **{**kwargs, **options})

    def width(self) -> str:
        """The column the figure is drawn for: as passed, else the function's default."""
        if "width" in self.options:
            return self.options["width"]
        return inspect.signature(self.function).parameters["width"].default


def case(function: Callable[..., Figure], *table_keys: str, **options) -> Case:
    return Case(function, table_keys, options)


CASES: dict[str, Case] = {
    "tfidf": case(textplot_tfidf, "tfidf"),
    "keyness": case(textplot_keyness, "keyness", target="cityoffice_speech_2003"),
    "similarity": case(textplot_similarity, "similarity", "clustering"),
    "ca": case(textplot_ca, "ca"),
    "term_scatter": case(textplot_term_scatter, "tokens", "documents"),
    "wordcloud_corpus": case(textplot_wordcloud, "tokens", highlight=lambda t: t["slogan_names"]),
    "wordcloud_by_document": case(textplot_wordcloud, "tokens", by_document=True,
                                  width="double"),
    "comparison_cloud": case(textplot_comparison_cloud, "tokens", "documents"),
    "xray": case(textplot_xray, "mentions", "documents"),
    "formulae": case(textplot_formulae, "formulae", doc_ids=doc_order),
    "slogan_rates_dodge": case(textplot_slogan_rates, "slogan_counts", slogans=CORE,
                               doc_ids=doc_order, layout="dodge"),
    "slogan_rates_facet": case(textplot_slogan_rates, "slogan_counts", width="double"),
    "cooccurrence": case(textplot_slogan_cooccurrence, "cooccurrence", doc_ids=doc_order),
    "network": case(textplot_collocate_network, "network"),
    "slogan_trends": case(textplot_slogan_trends, "trends"),
    "topic_terms": case(textplot_topic_terms, "topics"),
    "topic_prevalence": case(textplot_topic_prevalence, "prevalence", grouping="genre"),
    "topic_k": case(textplot_topic_k, "topic_k"),
    "scale_positions": case(textplot_scale_positions, "positions"),
    "wordfish_words": case(textplot_wordfish_words, "word_parameters"),
}
# The figures of the measures layer are drawn at the other column width too (each is laid
# out anew for it).
BOTH_WIDTHS = ["tfidf", "keyness", "similarity", "ca", "term_scatter"]


def public_textplots() -> set[str]:
    """Every public ``textplot_*`` of the package: exported, or defined in a plots module."""
    names = {name for name in analysis.plots.__all__ if name.startswith("textplot_")}
    for module_info in pkgutil.iter_modules(analysis.plots.__path__):
        module = importlib.import_module(f"analysis.plots.{module_info.name}")
        names |= {
            name for name, value in vars(module).items()
            if name.startswith("textplot_") and inspect.isfunction(value)
            and value.__module__ == module.__name__
        }
    return names


def test_every_textplot_has_a_case():
    covered = {c.function.__name__ for c in CASES.values()}
    assert public_textplots() - covered == set(), "add a Case for each new textplot_*"
    assert {"textplot_xray", "textplot_slogan_cooccurrence"} <= covered


# --- helpers ------------------------------------------------------------------------------------


def texts_outside_figure(fig: Figure) -> list[str]:
    """Visible texts that stick out of the figure (they would be cut off on the page), drawn
    under the export settings, as save_figure draws them."""
    with matplotlib.rc_context(export_rc_params()):
        fig.draw_without_rendering()
        page = fig.bbox.padded(1.0)
        tick_labels, drawn = set(), []
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                low, high = sorted(axis.get_view_interval())
                for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                    tick_labels.update((tick.label1, tick.label2))
                    # Ticks outside the view keep their (visible) labels but are not drawn,
                    # nor are any of an axes drawn without axis (axis("off")) or hidden.
                    if (ax.get_visible() and ax.axison and tick.get_loc() is not None
                            and low <= tick.get_loc() <= high):
                        drawn += [tick.label1, tick.label2]
        drawn += [t for t in fig.findobj(Text, include_self=False) if t not in tick_labels]
        outside = []
        for text in drawn:
            if text.get_visible() and text.get_text():
                box = text.get_window_extent()
                if not (page.contains(*box.p0) and page.contains(*box.p1)):
                    outside.append(text.get_text())
    return outside


def assert_unchanged(after: Any, before: Any, where: str = "input") -> None:
    """``after`` equals the deep copy ``before``: tables exactly, graphs with their data,
    results field by field."""
    if isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(after, before, check_exact=True, obj=where)
    elif isinstance(before, pd.Series):
        pd.testing.assert_series_equal(after, before, check_exact=True, obj=where)
    elif isinstance(before, nx.Graph):
        assert nx.utils.graphs_equal(after, before), where
        assert list(after.nodes(data=True)) == list(before.nodes(data=True)), where
        assert list(after.edges(data=True)) == list(before.edges(data=True)), where
    elif isinstance(before, pd.Index):
        pd.testing.assert_index_equal(after, before, exact=True, obj=where)
    elif isinstance(before, np.ndarray):
        np.testing.assert_array_equal(after, before, err_msg=where)
    elif dataclasses.is_dataclass(before) or hasattr(before, "__dict__"):
        names = ([f.name for f in dataclasses.fields(before)] if dataclasses.is_dataclass(before)
                 else list(vars(before)))
        assert names, where
        for field in names:
            assert_unchanged(getattr(after, field), getattr(before, field), f"{where}.{field}")
    elif isinstance(before, dict):
        assert after.keys() == before.keys(), where
        for key in before:
            assert_unchanged(after[key], before[key], f"{where}[{key!r}]")
    elif isinstance(before, list | tuple):
        assert len(after) == len(before), where
        for k, (a, b) in enumerate(zip(after, before, strict=True)):
            assert_unchanged(a, b, f"{where}[{k}]")
    else:
        assert after == before, where


def inputs(tables: dict) -> dict:
    return {key: value for key, value in tables.items() if key != "corpus"}


def y_tick_labels(ax) -> list[str]:
    return [label.get_text() for label in ax.get_yticklabels()]


# --- the contract -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_every_textplot_keeps_the_contract(name, tables, tmp_path, monkeypatch):
    figure_case = CASES[name]
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # anything a plot function wrote would land here
    before = copy.deepcopy(inputs(tables))
    open_figures = plt.get_fignums()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # missing glyphs, layout, deprecations: all fail
        fig = figure_case.draw(tables)
        assert isinstance(fig, Figure)
        assert list(workdir.iterdir()) == [], "plot functions must not save"
        assert plt.get_fignums() == open_figures, "plot functions must not use pyplot state"
        assert fig.canvas.figure is fig  # a bare Figure: nothing to close
        assert_unchanged(inputs(tables), before)

        # Drawn inside figure_style: every text made while drawing has its fonts (the CJK font
        # first; matplotlib's default is plain sans-serif) and its print sizes (at most the 9-pt
        # titles; matplotlib's default titles are 12 pt).
        texts = [t for t in fig.findobj(Text, include_self=False) if t.get_text()]
        assert {tuple(t.get_fontfamily()) for t in texts} == {tuple(font_stack())}
        assert max(t.get_fontsize() for t in texts) <= style_rc_params()["figure.titlesize"]

        width = figure_case.width()
        assert fig.get_size_inches()[0] == pytest.approx(WIDTH_INCHES[width])
        assert fig.get_size_inches()[1] <= 9.0
        assert texts_outside_figure(fig) == []
        # save_figure checks every text against the fonts first (check_glyphs, on the export's
        # own drawing): no text drawn as boxes
        [png] = save_figure(fig, name, folder=tmp_path / "out", formats=["png"])
    with Image.open(png) as image:
        assert image.size[0] == PIXELS_PER_COLUMN[width]
        assert abs(image.size[1] - fig.get_size_inches()[1] * 300) <= 1  # rounding
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.05)
        assert ImageStat.Stat(image.convert("L")).var[0] > 100  # not blank
    # The wrong table: an InputError (a ValueError) naming the function first.
    args, kwargs = figure_case.arguments(tables)
    with pytest.raises(InputError) as caught:
        figure_case.function(WRONG_TABLE, *args[1:], **kwargs)
    assert str(caught.value).startswith(f"{figure_case.function.__name__}: ")
    assert isinstance(caught.value, ValueError)  # callers catching ValueError still work


@pytest.mark.parametrize("name", BOTH_WIDTHS)
def test_figures_fit_the_other_column_width(name, tables, tmp_path):
    figure_case = CASES[name]
    other = {"single": "double", "double": "single"}[figure_case.width()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = figure_case.draw(tables, width=other)
        [png] = save_figure(fig, f"{name}_{other}", folder=tmp_path, formats=("png",))
    assert fig.get_size_inches()[0] == pytest.approx(WIDTH_INCHES[other])
    assert fig.get_size_inches()[1] <= 9.0
    with Image.open(png) as image:
        assert image.size[0] == PIXELS_PER_COLUMN[other]
        assert ImageStat.Stat(image.convert("L")).var[0] > 100
    assert texts_outside_figure(fig) == []


@pytest.mark.parametrize("name", BOTH_WIDTHS)
def test_figures_are_deterministic(tables, tmp_path, name):
    first = save_figure(CASES[name].draw(tables), "a", folder=tmp_path, formats=("svg",))
    second = save_figure(CASES[name].draw(tables), "b", folder=tmp_path, formats=("svg",))
    assert first[0].read_bytes() == second[0].read_bytes()


# === what each figure shows =====================================================================


# --- TF-IDF ----------------------------------------------------------------------------------


def test_tfidf_panels_show_each_documents_top_terms_highest_first(tables):
    table = tables["tfidf"]
    fig = textplot_tfidf(table, top_n=5)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    titles = [ax.get_title(loc="left") for ax in panels]
    assert titles == sorted(table["doc_id"].unique())
    for ax, doc in zip(panels, titles, strict=True):
        expected = table[table["doc_id"] == doc].nsmallest(5, "rank")["term"].tolist()
        assert y_tick_labels(ax) == expected  # top of the panel = rank 1
        assert ax.get_ylim()[0] > ax.get_ylim()[1]  # inverted: first term on top
    assert fig.get_supxlabel() == "TF-IDF weight"
    assert panels[0].get_shared_x_axes().joined(panels[0], panels[-1])  # one scale


def test_tfidf_docs_and_labels_choose_the_panels(tables):
    fig = textplot_tfidf(
        tables["tfidf"], doc_ids=["nansha_speech_2007", "jilin_news_2007"],
        doc_labels={"nansha_speech_2007": "南沙区 2007"}, ncols=1, width="single",
    )
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in panels] == ["南沙区 2007", "jilin_news_2007"]
    assert "南沙" in y_tick_labels(panels[0])


# --- keyness ---------------------------------------------------------------------------------


def test_keyness_shows_the_top_keyword_on_top_and_negatives_below(tables):
    table = tables["keyness"]
    fig = textplot_keyness(table, target="cityoffice_speech_2003", top_n=10)
    ax = fig.axes[0]
    labels = y_tick_labels(ax)
    rows = table[(table["grouping"] == "doc_id") & (table["target"] == "cityoffice_speech_2003")]
    assert labels[0] == "办公厅" == rows.iloc[0]["term"]
    assert labels[:10] == rows[rows["direction"] == "positive"].head(10)["term"].tolist()
    negatives = rows[rows["direction"] == "negative"].nsmallest(10, "g2")["term"].tolist()
    assert labels[10:] == negatives[::-1]  # strongest negative at the bottom
    widths = [bar.get_width() for bar in ax.patches]
    assert sum(w > 0 for w in widths) == 10 and sum(w < 0 for w in widths) == 10
    hatches = {bar.get_hatch() for bar in ax.patches if bar.get_width() < 0}
    assert hatches and None not in hatches  # negative bars hatched: readable in grayscale
    assert ax.get_xlabel() == "G² (log-likelihood)"
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert legend == ["cityoffice_speech_2003", "rest (all other documents)"]


def test_keyness_of_a_group_by_log_ratio(tables):
    fig = textplot_keyness(tables["keyness"], target="speech", measure="log_ratio", top_n=5,
                           show_negative=False)
    ax = fig.axes[0]
    assert len(y_tick_labels(ax)) == 5
    assert all(bar.get_width() > 0 for bar in ax.patches)
    assert ax.get_xlabel().startswith("Log ratio")


def test_keyness_takes_a_single_textstat_keyness_table(tables):
    table = tables["keyness"]
    one = table[(table["grouping"] == "doc_id") & (table["target"] == "jilin_news_2007")]
    fig = textplot_keyness(one.drop(columns="grouping"), target="jilin_news_2007", top_n=3)
    assert y_tick_labels(fig.axes[0])[0] == one.iloc[0]["term"]


def test_keyness_asks_for_grouping_when_a_target_is_ambiguous(tables):
    table = tables["keyness"]
    doubled = pd.concat([table, table[table["grouping"] == "doc_id"].assign(grouping="copy")])
    with pytest.raises(InputError, match=r"several groupings .*pass grouping="):
        textplot_keyness(doubled, target="jilin_news_2007")
    textplot_keyness(doubled, target="jilin_news_2007", grouping="copy")


# --- similarity ------------------------------------------------------------------------------


def test_similarity_heatmap_follows_the_dendrogram_leaves(tables):
    clustering = tables["clustering"]
    fig = textplot_similarity(tables["similarity"], clustering)
    heat_ax = next(ax for ax in fig.axes if ax.images)
    x_labels = [label.get_text() for label in heat_ax.get_xticklabels()]
    assert x_labels == clustering.leaves == y_tick_labels(heat_ax)
    # Cells: the cosine of (row, column) in leaf order, the diagonal masked (drawn grey).
    shown = heat_ax.images[0].get_array()
    cosine = tables["similarity"].set_index(["doc_a", "doc_b"])["cosine"]
    row, col = clustering.leaves[0], clustering.leaves[1]
    assert shown[0, 1] == pytest.approx(cosine[(row, col)])
    assert np.ma.is_masked(shown[0, 0]) or np.isnan(shown[0, 0])
    n = len(clustering.leaves)
    cell_texts = [text.get_text() for text in heat_ax.texts]
    assert len(cell_texts) == n * (n - 1)  # annotated: few documents
    assert f"{cosine[(row, col)]:.2f}" in cell_texts
    colourbar_ax = next(ax for ax in fig.axes if ax.get_ylabel().startswith("Cosine similarity"))
    assert colourbar_ax is not heat_ax


def test_similarity_accepts_upper_pairs_and_no_annotation(tables, study_corpus):
    upper = textstat_simil(study_corpus.tokens, pairs="upper")
    fig = textplot_similarity(upper, tables["clustering"], annotate=False, measure="jaccard")
    heat_ax = next(ax for ax in fig.axes if ax.images)
    assert len(heat_ax.texts) == 0
    assert np.isfinite(heat_ax.images[0].get_array()).sum() == 5 * 4  # mirrored from upper


def test_similarity_says_what_white_cells_are_when_the_table_leaves_pairs_out(
    tables, study_corpus
):
    complete = textplot_similarity(tables["similarity"], tables["clustering"])
    assert complete.get_supxlabel() == ""  # every pair has a value: nothing white to explain
    close = textstat_simil(study_corpus.tokens, pairs="upper", min_cosine=0.3)
    for language, note in [("en", "white: pairs the similarity table leaves out"),
                           ("zh", "白色：相似度表未列出")]:
        fig = textplot_similarity(close, tables["clustering"], language=language)
        assert note in fig.get_supxlabel().replace("\n", " ")
    some = ["cidu_opinion_2005", "jilin_news_2007", "nansha_speech_2007"]
    fig = textplot_similarity(close, tables["clustering"], doc_ids=some)
    lines = fig.get_supxlabel()
    assert "3 of 5 documents" in lines and "white:" in lines


def test_similarity_of_a_deep_clustering_shows_a_sample_without_recursing():
    # 3,000 documents merged one by one, a tree 2,999 levels deep: scipy's dendrogram recurses
    # per level (past Python's limit), so only the leaf order may be asked of it
    n = 3000
    docs = pd.Index([f"d{i:04d}" for i in range(n)])
    chain = [[0, 1, 0.1, 2]] + [[i + 1, n + i - 1, 0.1 + i / n, i + 2] for i in range(1, n - 1)]
    clustering = DocumentClustering(
        np.array(chain, dtype=float), docs, pd.DataFrame(columns=MERGE_COLUMNS),
        [str(d) for d in docs],
    )
    table = pd.DataFrame({"doc_a": docs, "doc_b": docs, "cosine": 1.0, "jaccard": 1.0})
    shown = list(docs[[0, 1, 2, 10, 2999]])
    fig = textplot_similarity(table, clustering, doc_ids=shown)
    heat_ax = next(ax for ax in fig.axes if ax.images)
    assert y_tick_labels(heat_ax) == ["d2999", "d0010", "d0002", "d0000", "d0001"]
    assert "5 of 3,000 documents" in fig.get_supxlabel()


def test_similarity_refuses_tables_of_different_corpora(tables):
    table = tables["similarity"]
    fewer = table[(table["doc_a"] != "jilin_news_2007") & (table["doc_b"] != "jilin_news_2007")]
    with pytest.raises(InputError, match=r"missing from the similarity table.*jilin_news_2007"):
        textplot_similarity(fewer, tables["clustering"])


# --- correspondence analysis -----------------------------------------------------------------


def test_ca_titles_axes_with_inertia_and_labels_documents_and_top_terms(tables):
    ca = tables["ca"]
    fig = textplot_ca(ca, max_terms=8)
    ax = fig.axes[0]
    shares = ca.inertia.set_index("dimension")["share"]
    assert ax.get_xlabel() == f"Dimension 1 ({100 * shares[1]:.1f}%)"
    assert ax.get_ylabel() == f"Dimension 2 ({100 * shares[2]:.1f}%)"
    assert re.fullmatch(r"Dimension 1 \(\d+\.\d%\)", ax.get_xlabel())
    labels = [text.get_text() for text in ax.texts if text.get_text()]
    documents = sorted(ca.coordinates.loc[ca.coordinates["kind"] == "document", "label"])
    assert set(documents) <= set(labels)
    term_labels = [label for label in labels if label not in documents]
    shown_terms = [term for label in term_labels for term in label.split("、")]
    assert len(shown_terms) == 8
    assert "办公厅" in shown_terms  # the largest contribution to dimension 2


def test_ca_labels_do_not_overlap_and_stay_inside_the_map(tables):
    fig = textplot_ca(tables["ca"], width="single", max_terms=15)
    ax = fig.axes[0]
    fig.draw_without_rendering()
    boxes = [text.get_window_extent() for text in ax.texts if text.get_text()]
    inside = ax.bbox.padded(1.0)
    for box in boxes:
        assert inside.contains(*box.p0) and inside.contains(*box.p1)
    overlapping = [
        (i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
        if boxes[i].overlaps(boxes[j])
    ]
    assert overlapping == []


def test_ca_documents_only_and_other_dimensions(tables, study_corpus):
    fig = textplot_ca(tables["ca"], max_terms=0)
    assert len([t for t in fig.axes[0].texts if t.get_text()]) == 5
    three = textmodel_ca(study_corpus.tokens, dimensions=3)
    fig = textplot_ca(three, dimensions=(1, 3))
    assert fig.axes[0].get_ylabel().startswith("Dimension 3 (")


# --- term scatter ----------------------------------------------------------------------------


def test_term_scatter_labels_the_most_distinctive_terms_of_each_group(tables):
    fig = textplot_term_scatter(tables["tokens"], tables["documents"], label_n=5)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "speech: per 10,000 tokens (log scale)"
    assert ax.get_ylabel() == "opinion: per 10,000 tokens (log scale)"
    labels = [text.get_text() for text in ax.texts]
    # Independently: the measures layer's genre comparison, opinion against speech.
    pairs = textstat_keyness_groups(tables["tokens"], tables["documents"], group_by=["genre"],
                          versus="pairs")
    pair = pairs[(pairs["target"] == "opinion") & (pairs["reference"] == "speech")]
    favours_opinion = pair[pair["direction"] == "positive"].head(5)["term"]
    favours_speech = pair[pair["direction"] == "negative"].nsmallest(5, "g2")["term"]
    # each label lists terms joined by 、 (a term may hold 、 itself: 县（市、区）委)
    expected = set(favours_opinion) | set(favours_speech)
    assert all(any(term in label for label in labels) for term in expected)
    assert sum(len(label) for label in labels) == sum(map(len, expected)) + (
        sum(label.count("、") for label in labels) - sum(term.count("、") for term in expected)
    )
    assert "办公厅" in expected
    assert ax.get_xlim() == ax.get_ylim()  # the diagonal is equal use


def test_term_scatter_groups_by_a_numeric_column(tables):
    fig = textplot_term_scatter(tables["tokens"], tables["documents"], grouping="year",
                                group_a=2007, group_b=2005, label_n=2)
    assert fig.axes[0].get_xlabel().startswith("2007:")


def test_term_scatter_compares_two_documents_by_log_ratio(tables):
    fig = textplot_term_scatter(
        tables["tokens"], tables["documents"], grouping="doc_id",
        group_a="nansha_speech_2007", group_b="yangzhou_opinion_2007", measure="log_ratio",
        label_n=3, width="single",
    )
    assert fig.axes[0].get_xlabel().startswith("nansha_speech_2007")
    assert 1 <= len(fig.axes[0].texts) <= 6


# --- bad arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: textplot_tfidf(t["tfidf"].iloc[:0]), "TF-IDF table is empty"),
        (lambda t: textplot_tfidf(t["tfidf"], top_n=0), "top_n must be a whole number"),
        (lambda t: textplot_tfidf(t["tfidf"], doc_ids=["nope"]), "'nope' is not in the TF-IDF"),
        (lambda t: textplot_tfidf(t["keyness"]), "lacks column"),
        (lambda t: textplot_tfidf(t["tfidf"], width="triple"), "'single' or 'double'"),
        (lambda t: textplot_keyness(t["keyness"], target="nope"),
         "target 'nope' is not a target.*choose a doc id or group"),
        (lambda t: textplot_keyness(t["keyness"].iloc[:0], target="speech"),
         "keyness table is empty"),
        (lambda t: textplot_keyness(t["keyness"], target="speech", reference="opinion"),
         "not compared with reference 'opinion'.*references are rest"),
        (lambda t: textplot_keyness(t["keyness"], target="speech", grouping="region"),
         "grouping 'region' is not in the table; choose from doc_id, genre, level"),
        (lambda t: textplot_keyness(t["keyness"], target="speech", grouping="doc_id"),
         "target 'speech' is not in grouping 'doc_id'; it is in genre"),
        (lambda t: textplot_keyness(t["keyness"], target="speech", measure="chi2"),
         "measure must be one of 'g2', 'log_ratio', got 'chi2'"),
        (lambda t: textplot_keyness(t["keyness"], target="speech", top_n=-1), "top_n"),
        (lambda t: textplot_similarity(t["similarity"].iloc[:0], t["clustering"]),
         "similarity table is empty"),
        (lambda t: textplot_similarity(t["similarity"], t["ca"]),
         "must be the result of textmodel_hclust"),
        (lambda t: textplot_similarity(t["similarity"], t["clustering"], measure="euclid"),
         "measure must be one of 'cosine', 'jaccard', got 'euclid'"),
        (lambda t: textplot_ca(t["similarity"]), "expected the result of textmodel_ca"),
        (lambda t: textplot_ca(t["ca"], dimensions=(1, 3)),
         "dimension 3 is not in the CA result.*rerun textmodel_ca with dimensions=3"),
        (lambda t: textplot_ca(t["ca"], dimensions=(1, 1)), "two different dimension"),
        (lambda t: textplot_ca(t["ca"], max_terms=-2), "max_terms must be"),
        (lambda t: textplot_term_scatter(t["tokens"], t["documents"], grouping="colour"),
         "grouping 'colour' is not a column of documents; choose from doc_id"),
        (lambda t: textplot_term_scatter(t["tokens"], t["documents"], group_b="poem"),
         "no document has genre = 'poem'; choose from news report, opinion, speech"),
        (lambda t: textplot_term_scatter(t["tokens"], t["documents"], group_a="opinion"),
         "both 'opinion'; choose two different groups"),
        (lambda t: textplot_term_scatter(t["tokens"].iloc[:0], t["documents"]),
         "tokens table is empty"),
        (lambda t: textplot_term_scatter(t["tokens"], t["documents"], pseudo_count=0),
         "pseudo_count must be a number > 0 and ≤ 1, got 0"),
        (lambda t: textplot_term_scatter(t["tokens"], t["documents"], min_count=10**6),
         "no term occurs 1000000 times or more"),
        (lambda t: textplot_term_scatter(t["tokens"], t["documents"], measure="pmi"),
         "measure must be one of 'g2', 'log_ratio', got 'pmi'"),
    ],
)
def test_bad_arguments_of_the_measure_figures_are_clear_errors(tables, call, message):
    with pytest.raises(InputError, match=message) as caught:
        call(tables)
    assert isinstance(caught.value, ValueError)  # callers catching ValueError still work


# --- word clouds --------------------------------------------------------------------------------


def cloud_pixels(fig: Figure) -> list[np.ndarray]:
    return [np.asarray(ax.images[0].get_array()) for ax in fig.axes if ax.images]


def test_wordcloud_same_seed_same_image(study_corpus):
    tokens = study_corpus.tokens
    one = cloud_pixels(textplot_wordcloud(tokens, doc_id="nansha_speech_2007", seed=7))
    two = cloud_pixels(textplot_wordcloud(tokens, doc_id="nansha_speech_2007", seed=7))
    other = cloud_pixels(textplot_wordcloud(tokens, doc_id="nansha_speech_2007", seed=8))
    assert len(one) == 1
    np.testing.assert_array_equal(one[0], two[0])
    assert not np.array_equal(one[0], other[0])
    # Reordering the tokens table changes nothing: counts, not row order, make the cloud.
    shuffled = tokens.sample(frac=1, random_state=0)
    again = cloud_pixels(textplot_wordcloud(shuffled, doc_id="nansha_speech_2007", seed=7))
    np.testing.assert_array_equal(one[0], again[0])


def test_comparison_cloud_same_seed_same_image(study_corpus):
    c = study_corpus
    one = cloud_pixels(textplot_comparison_cloud(c.tokens, c.documents, seed=3))
    two = cloud_pixels(textplot_comparison_cloud(c.tokens, c.documents, seed=3))
    np.testing.assert_array_equal(one[0], two[0])


def test_wordcloud_panels_titles_and_size(study_corpus):
    fig = textplot_wordcloud(study_corpus.tokens, by_document=True)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == list(pd.unique(study_corpus.tokens["doc_id"]))
    image = cloud_pixels(fig)[0]
    # Rendered near the export resolution, never megapixels per panel.
    assert image.shape[1] <= 3.5 / 2 * 300 + 2 and image.ndim == 3


def test_wordcloud_uses_only_content_words(study_corpus):
    tokens = study_corpus.tokens
    fig = textplot_wordcloud(tokens, doc_id="jilin_news_2007", max_words=1)
    # The single most frequent content word fills the cloud; find it independently.
    words = tokens[(tokens["doc_id"] == "jilin_news_2007") & ~tokens["is_punct"]
                   & ~tokens["is_stop"]]
    counts = words["token"].value_counts()
    top = sorted(counts.index[counts == counts.max()])[0]
    assert top not in set(study_corpus.stopwords)
    assert fig.get_suptitle() == "jilin_news_2007"


def test_wordcloud_highlight_colours_the_named_terms(study_corpus):
    tokens = study_corpus.tokens
    orange = np.array(matplotlib.colors.to_rgb(PALETTE[1])) * 255

    def has_orange(fig: Figure) -> bool:
        pixels = cloud_pixels(fig)[0].reshape(-1, 3).astype(float)
        return bool((np.abs(pixels - orange).max(axis=1) < 2).any())

    plain = textplot_wordcloud(tokens, doc_id="jilin_news_2007")
    marked = textplot_wordcloud(tokens, doc_id="jilin_news_2007", highlight=["和谐班子"])
    assert not has_orange(plain) and has_orange(marked)


def test_comparison_weights_formula():
    # Two documents: A = x x y, B = y z. Rates: A x 2/3, y 1/3; B y 1/2, z 1/2.
    tokens = pd.DataFrame({
        "doc_id": ["A", "A", "A", "B", "B"],
        "token": ["x", "x", "y", "y", "z"],
        "is_punct": False,
        "is_stop": False,
    })
    table = comparison_weights(tokens, ["A", "B"]).set_index("term")
    # weight = max_d (p[t, d] − mean_d p[t, d]): x → A, (2/3 − 1/3); z → B, (1/2 − 1/4);
    # y → B, (1/2 − 5/12).
    assert table.loc["x", "doc_id"] == "A"
    assert table.loc["x", "weight"] == pytest.approx(1 / 3)
    assert table.loc["z", "doc_id"] == "B"
    assert table.loc["z", "weight"] == pytest.approx(1 / 4)
    assert table.loc["y", "doc_id"] == "B"
    assert table.loc["y", "weight"] == pytest.approx(1 / 12)
    assert list(table.index) == ["x", "z", "y"]  # by weight, descending



def test_comparison_weights_count_words_with_letters_of_the_chosen_documents_only():
    """Tokens without a letter (numbers, symbols, a missing token) and documents outside the
    comparison count for nothing: the weights are those of the tokens left without them."""
    words = pd.DataFrame({
        "doc_id": ["A", "A", "A", "A", "B", "B", "B", "C", "C"],
        "token": ["x", "2024", "x", None, "y", "%", "z", "x", "z"],
        "is_punct": False,
        "is_stop": False,
    })
    words["token"] = words["token"].astype("str")
    only_letters = words[words["token"].isin(["x", "y", "z"]) & words["doc_id"].isin(["A", "B"])]
    pd.testing.assert_frame_equal(
        comparison_weights(words, ["A", "B"]), comparison_weights(only_letters, ["A", "B"])
    )

def test_comparison_weights_leave_out_terms_used_evenly():
    tokens = pd.DataFrame({"doc_id": ["A", "B"], "token": ["x", "x"], "is_punct": False,
                           "is_stop": False})
    assert comparison_weights(tokens, ["A", "B"]).empty


# --- x-ray, formulae, rates, co-occurrence ------------------------------------------------------


def test_xray_draws_every_mention_at_its_relative_position(study_corpus):
    c = study_corpus
    fig = textplot_xray(c.mentions, c.documents, slogans=CORE)
    lengths = dict(zip(c.documents["doc_id"], c.documents["text"].str.len(), strict=True))
    for ax, slogan in zip(fig.axes, CORE, strict=True):
        events = [col for col in ax.collections if isinstance(col, EventCollection)]
        assert len(events) == len(c.documents)  # one row per document
        drawn = sorted(p for col in events for p in col.get_positions())
        own = c.mentions[c.mentions["slogan"] == slogan]
        expected = sorted(own["start"] / own["doc_id"].map(lengths))
        assert drawn == pytest.approx(expected)
        assert all(0 <= p <= 1 for p in drawn)
        assert ax.get_title(loc="left") == f"{slogan} ({len(own)})"
    # Row labels give each document's length in characters.
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == f"jilin_news_2007 ({c.documents['n_chars'].iloc[0]:,})"


def test_xray_absolute_scale_shows_offsets_and_lengths(study_corpus):
    c = study_corpus
    fig = textplot_xray(c.mentions, c.documents, slogans="一把手", scale="absolute",
                        width="single")
    [ax] = fig.axes
    drawn = sorted(p for col in ax.collections if isinstance(col, EventCollection)
                   for p in col.get_positions())
    assert drawn == sorted(c.mentions.loc[c.mentions["slogan"] == "一把手", "start"])
    bands = sorted(bar.get_width() for bar in ax.patches)  # each document's extent
    assert bands == sorted(c.documents["text"].str.len())


def test_formulae_rows_follow_the_table(tables):
    table = tables["formulae"]
    fig = textplot_formulae(table, top_n=10)
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert len(rows) == 10
    assert rows[0] == "“三个代表”重要思想"  # 三个代表”重要思想 gets its opening mark back
    # The longest formula, 按照“集体领导，民主集中，个别酝酿，会议决定”的原则, is cut to what
    # fits beside the matrix in a single column, and whole in a double one.
    assert rows[1].startswith("按照“集体领导，民") and rows[1].endswith("…")
    assert 8 <= len(rows[1]) <= 16
    wide = textplot_formulae(table, top_n=10, width="double").axes[0].get_yticklabels()
    assert wide[1].get_text() == "按照“集体领导，民主集中，个别酝酿，会议决定”的原则"
    columns = [t.get_text() for t in ax.get_xticklabels()]
    assert columns == sorted(columns)  # default: the documents of the table, sorted
    # Filled cells: one per (formula, document) of the shown rows.
    filled = ax.collections[1].get_offsets()
    assert len(filled) == sum(len(ids.split(";")) for ids in table["doc_ids"].head(10))


def test_slogan_rates_plot_the_table_values(tables):
    counts = tables["slogan_counts"]
    order = doc_order(tables)
    fig = textplot_slogan_rates(counts, slogans=["团结"], doc_ids=order, include_corpus=False)
    [points] = [line for line in fig.axes[0].lines if line.get_marker() != "None"]
    docs = counts[(counts["scope"] == "document") & (counts["slogan"] == "团结")]
    expected = docs.set_index("doc_id").loc[order, "per_10k_chars"]
    np.testing.assert_allclose(points.get_xdata(), expected.to_numpy())
    assert "Mentions per 10,000 characters" in fig.get_supxlabel()
    assert "all mentions" in fig.get_supxlabel()

    tokens_fig = textplot_slogan_rates(counts, slogans=["团结"], doc_ids=order,
                                       include_corpus=False, counts="tokens")
    [points] = [line for line in tokens_fig.axes[0].lines if line.get_marker() != "None"]
    rows = docs.set_index("doc_id").loc[order]
    np.testing.assert_allclose(points.get_xdata(), rows["token_count"] / rows["n_chars"] * 1e4)
    assert "Whole-token" in tokens_fig.get_supxlabel()


def test_slogan_rates_dodge_tells_slogans_apart_by_colour_and_marker(tables):
    fig = textplot_slogan_rates(tables["slogan_counts"], slogans=CORE, layout="dodge")
    points = [line for line in fig.axes[0].lines if line.get_marker() != "None"]
    assert len({p.get_marker() for p in points}) == 3
    assert len({p.get_color() for p in points}) == 3
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == CORE


def test_slogan_rates_auto_gives_slogans_on_different_scales_their_own_panels(tables):
    counts = tables["slogan_counts"]
    docs = counts[counts["scope"] == "document"]
    reach = docs.assign(top=docs[["per_10k_chars", "ci_high"]].max(axis=1)).groupby("slogan")["top"].max()
    # 团结 reaches several times the rate of 民主集中制 in these documents.
    assert reach["团结"] > 3 * reach["民主集中制"]
    fig = textplot_slogan_rates(counts, slogans=["团结", "民主集中制"])
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in panels] == ["团结", "民主集中制"]
    assert panels[0].get_xlim()[1] > 3 * panels[1].get_xlim()[1]  # each its own scale
    assert "own scale" in fig.get_supxlabel()

    # Slogans of comparable reach share one panel, told apart by a legend.
    close = [s for s in reach.index if reach["民主集中制"] / 3 <= reach[s] <= reach["民主集中制"] * 3]
    assert "民主集中制" in close and len(close) >= 2
    fig = textplot_slogan_rates(counts, slogans=close[:2])
    assert len(fig.axes) == 1 and fig.legends


def test_slogan_rates_wraps_a_long_slogan_over_lines_of_its_panel_title(tables):
    long_name = "集体领导、民主集中、个别酝酿、会议决定"
    fig = textplot_slogan_rates(tables["slogan_counts"], slogans=["团结", long_name])
    title = fig.axes[1].get_title(loc="left")
    assert title.replace("\n", "") == long_name and "\n" in title
    fig.canvas.draw()
    box = fig.axes[1].title.get_window_extent()
    assert box.x1 <= fig.bbox.x1  # within the figure, nothing cut


def test_slogan_rates_legend_of_long_names_fits_the_figure(tables):
    long_name = "集体领导、民主集中、个别酝酿、会议决定"
    fig = textplot_slogan_rates(tables["slogan_counts"], slogans=["团结", "民主集中制", long_name],
                                layout="dodge")
    fig.canvas.draw()
    legend_box = fig.legends[0].get_window_extent()
    assert fig.bbox.x0 <= legend_box.x0 and legend_box.x1 <= fig.bbox.x1


def test_cooccurrence_panels_share_one_colour_scale(tables):
    fig = textplot_slogan_cooccurrence(tables["cooccurrence"], doc_ids=doc_order(tables),
                                       slogans=[*CORE, "集体领导"])
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 2 * 5  # sentence and paragraph units × five documents
    assert len({id(image.norm) for image in images}) == 1
    assert sum(1 for ax in fig.axes if ax.get_label() == "<colorbar>") == 1
    # Small matrices are annotated; the jilin sentence panel has 团结 in 4 sentences.
    jilin = fig.axes[0]
    assert jilin.get_title() == "jilin_news_2007"
    assert "4" in [t.get_text() for t in jilin.texts]


# --- network ------------------------------------------------------------------------------------


def label_positions(fig: Figure) -> dict[str, tuple[float, float]]:
    return {t.get_text(): tuple(t.xy) for t in fig.axes[0].texts}


def test_network_layout_is_reproducible(tables):
    graph = tables["network"]
    first = network_layout(graph, seed=5)
    second = network_layout(graph, seed=5)
    assert first.keys() == second.keys() == set(graph.nodes)
    for node in graph.nodes:
        np.testing.assert_array_equal(first[node], second[node])
    # The same graph built in another order gets the same layout.
    shuffled = nx.Graph()
    nodes = list(graph.nodes(data=True))
    edges = list(graph.edges(data=True))
    random.Random(1).shuffle(nodes)
    random.Random(2).shuffle(edges)
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    third = network_layout(shuffled, seed=5)
    for node in graph.nodes:
        np.testing.assert_allclose(first[node], third[node])
    # And the figure places every label at the same point.
    assert label_positions(textplot_collocate_network(graph, seed=5)) == label_positions(
        textplot_collocate_network(graph, seed=5)
    )


# Three slogans with collocates of their own: three components, each less than half the graph.
_COMPONENTS_SCRIPT = """
import networkx as nx
from analysis.plots.network import network_layout
graph = nx.Graph()
for slogan, terms in {"团结": ["班子", "协作", "和谐", "集体", "力量"],
                      "民主集中制": ["原则", "制度", "贯彻", "坚持"], "一把手": ["监督", "权力"]}.items():
    for term in terms:
        graph.add_edge(slogan, term, weight=float(len(slogan) + len(term)))
positions = network_layout(graph, seed=5)
print(";".join(f"{node}:{positions[node].tolist()!r}" for node in sorted(positions)))
"""


def test_network_layout_is_the_same_under_another_hash_seed():
    """A component's layout follows its node order, which must not come from a set (whose
    order changes with PYTHONHASHSEED): the figure would change from run to run."""
    layouts = {
        subprocess.run(
            [sys.executable, "-c", _COMPONENTS_SCRIPT],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(layouts) == 1
    assert layouts.pop().count(":") == 14


def test_network_from_the_table_by_another_measure(tables):
    fig = textplot_collocate_network(tables["collocates"], by="count", top_n=3, slogans="团结")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:2] == ["slogan", "collocate"]
    assert legend[2].startswith("co-occurrences")
    terms = {t.get_text() for t in fig.axes[0].texts} - {"团结"}
    assert len(terms) == 3


def test_network_slogans_differ_in_colour_and_shape(tables):
    fig = textplot_collocate_network(tables["collocates"], slogans=CORE)
    markers = {line.get_marker(): line.get_color() for line in fig.axes[0].lines}
    assert set(markers) == {"s", "o"}
    assert markers["s"] == PALETTE[0] and markers["o"] != markers["s"]
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert set(CORE) <= labels
    # Edge widths grow with the association.
    [edges] = fig.axes[0].collections
    widths = edges.get_linewidths()
    assert list(widths) == sorted(widths) and widths[0] < widths[-1]


# --- bad arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: textplot_wordcloud(t["corpus"].tokens, doc_id="nowhere_2099"),
         "unknown doc_id 'nowhere_2099'"),
        (lambda t: textplot_wordcloud(t["corpus"].tokens.iloc[:0]), "tokens table is empty"),
        (lambda t: textplot_wordcloud(t["corpus"].tokens, max_words=0), "max_words"),
        (lambda t: textplot_wordcloud(t["corpus"].tokens, width="triple"), "width 'triple'"),
        (lambda t: textplot_comparison_cloud(t["corpus"].tokens, t["corpus"].documents,
                                             doc_ids="jilin_news_2007"), "two or more"),
        (lambda t: textplot_comparison_cloud(t["corpus"].tokens, t["corpus"].documents,
                                             doc_ids=["jilin_news_2007", "x"]), "'x'"),
        (lambda t: textplot_xray(t["corpus"].mentions, t["corpus"].documents,
                                 slogans=["不存在"]), "no mention of '不存在'"),
        (lambda t: textplot_xray(t["corpus"].mentions.iloc[:0], t["corpus"].documents),
         "mentions table is empty"),
        (lambda t: textplot_xray(t["corpus"].mentions, t["corpus"].documents, scale="log"),
         "scale"),
        (lambda t: textplot_formulae(t["formulae"].iloc[:0]), "formulae table is empty"),
        (lambda t: textplot_formulae(t["formulae"], top_n=0), "top_n"),
        (lambda t: textplot_formulae(t["formulae"], doc_ids=["jilin_news_2007"]),
         "leaves out"),
        (lambda t: textplot_slogan_rates(t["slogan_counts"], slogans=["不存在"]),
         "unknown slogan"),
        (lambda t: textplot_slogan_rates(t["slogan_counts"], doc_ids=["nowhere_2099"]),
         "unknown doc_id"),
        (lambda t: textplot_slogan_rates(t["slogan_counts"].iloc[:0]), "table is empty"),
        (lambda t: textplot_slogan_rates(t["slogan_counts"], grouping="region"),
         "no groups by 'region'"),
        (lambda t: textplot_slogan_rates(t["slogan_counts"], layout="dodge"),
         "more than the 7 colours"),
        (lambda t: textplot_slogan_cooccurrence(t["cooccurrence"], units=["clause"]),
         "'clause' not in the table"),
        (lambda t: textplot_slogan_cooccurrence(t["cooccurrence"], slogans=["不存在"]),
         "unknown slogan"),
        (lambda t: textplot_slogan_cooccurrence(t["cooccurrence"], doc_ids=["nowhere_2099"]),
         "unknown doc_id"),
        (lambda t: textplot_slogan_cooccurrence(t["cooccurrence"].iloc[:0]), "table is empty"),
        (lambda t: textplot_collocate_network(t["network"], slogans=["不存在"]),
         "unknown slogan"),
        (lambda t: textplot_collocate_network(t["collocates"].iloc[:0]), "table is empty"),
        (lambda t: textplot_collocate_network(nx.Graph()), "no nodes"),
        (lambda t: textplot_collocate_network(t["collocates"], by="frequency"), "by must be"),
        (lambda t: textplot_collocate_network(t["network"], seed=-1), "seed"),
    ],
)
def test_bad_arguments_of_the_slogan_figures_are_clear_errors(call, message, tables):
    with pytest.raises(InputError, match=re.escape(message)):
        call(tables)


def test_wrong_tables_are_named(tables):
    with pytest.raises(InputError, match="textstat_slogans"):
        textplot_slogan_rates(tables["formulae"])
    with pytest.raises(InputError, match="textstat_formulae"):
        textplot_formulae(tables["slogan_counts"])
    with pytest.raises(InputError, match=r"corpus\.tokens"):
        textplot_wordcloud(tables["corpus"].mentions)
