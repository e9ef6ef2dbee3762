"""The five figures of the measures (TF-IDF, keyness, similarity, CA, term scatter) drawn for
the five study documents: rendered, saved in every format, checked for content and for what a
plot function must never do (save, leak pyplot state, change its input)."""

from __future__ import annotations

import copy
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image, ImageStat

from analysis.errors import InputError
from analysis.measures.correspondence import textstat_ca
from analysis.measures.keyness import keyness_table
from analysis.measures.similarity import cluster_documents, textstat_simil
from analysis.measures.tfidf import textstat_tfidf
from analysis.plots import FONT_ENV_VAR, save_figure
from analysis.plots.correspondence import textplot_ca
from analysis.plots.keyness import textplot_keyness
from analysis.plots.similarity import textplot_similarity
from analysis.plots.term_scatter import textplot_term_scatter
from analysis.plots.tfidf import textplot_tfidf

PIXELS_PER_COLUMN = {"single": 1050, "double": 2100}  # 3.5 in and 7 in at 300 dpi


@pytest.fixture(autouse=True)
def default_font_setting(monkeypatch):
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def tables(study_corpus):
    """The measure tables the figures take, computed once."""
    tokens = study_corpus.tokens
    return {
        "tokens": tokens,
        "documents": study_corpus.documents,
        "tfidf": textstat_tfidf(tokens),
        "keyness": keyness_table(tokens, study_corpus.documents),
        "similarity": textstat_simil(tokens),
        "clustering": cluster_documents(tokens),
        "ca": textstat_ca(tokens),
    }


# name → (builder from the tables, default width); each builder passes width through.
FIGURES = {
    "tfidf": (lambda t, **kw: textplot_tfidf(t["tfidf"], **kw), "double"),
    "keyness": (
        lambda t, **kw: textplot_keyness(t["keyness"], target="cityoffice_speech_2003", **kw),
        "single",
    ),
    "similarity": (
        lambda t, **kw: textplot_similarity(t["similarity"], t["clustering"], **kw), "single"
    ),
    "ca": (lambda t, **kw: textplot_ca(t["ca"], **kw), "double"),
    "term_scatter": (
        lambda t, **kw: textplot_term_scatter(t["tokens"], t["documents"], **kw), "double"
    ),
}


def build(name: str, tables, **options) -> Figure:
    builder, _ = FIGURES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no missing glyph, layout or any other warning
        return builder(tables, **options)


def texts_outside_figure(fig: Figure) -> list[str]:
    """Visible texts that stick out of the figure (they would be cut off on the page)."""
    fig.draw_without_rendering()
    page = fig.bbox.padded(1.0)
    tick_labels, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                tick_labels.update((tick.label1, tick.label2))
                # Ticks outside the view keep their (visible) labels but are not drawn.
                if tick.get_loc() is not None and low <= tick.get_loc() <= high:
                    drawn += [tick.label1, tick.label2]
    drawn += [t for t in fig.findobj(Text, include_self=False) if t not in tick_labels]
    outside = []
    for text in drawn:
        if text.get_visible() and text.get_text():
            box = text.get_window_extent()
            if not (page.contains(*box.p0) and page.contains(*box.p1)):
                outside.append(text.get_text())
    return outside


def y_tick_labels(ax) -> list[str]:
    return [label.get_text() for label in ax.get_yticklabels()]


# --- every figure: rendered, saved, sized, self-contained --------------------------------------


@pytest.mark.parametrize("name", list(FIGURES))
@pytest.mark.parametrize("width", ["single", "double"])
def test_figure_saves_as_png_at_both_widths(tables, tmp_path, name, width):
    default = FIGURES[name][1]
    # At its default width the figure is built without the option: that default must be a
    # journal column (one build less per figure than a test of its own)
    fig = build(name, tables) if width == default else build(name, tables, width=width)
    assert isinstance(fig, Figure)
    assert fig.get_size_inches()[0] == pytest.approx(PIXELS_PER_COLUMN[width] / 300)
    assert fig.get_size_inches()[1] <= 9.0
    # PDF and SVG of every figure are checked on the full run's files (test_figures.py): a
    # PDF costs a second or two of font subsetting
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = save_figure(fig, f"{name}_{width}", folder=tmp_path, formats=("png",))
    sizes = {path.suffix: path.stat().st_size for path in paths}
    print(f"{name} ({width}) file sizes (bytes): {sizes}")  # shown with pytest -s

    png = paths[0]
    with Image.open(png) as image:
        assert image.size[0] == PIXELS_PER_COLUMN[width]
        assert abs(image.size[1] - fig.get_size_inches()[1] * 300) <= 1  # rounding
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.05)
        assert ImageStat.Stat(image.convert("L")).var[0] > 100  # not blank
    assert texts_outside_figure(fig) == []


@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_is_not_saved_shown_or_registered_with_pyplot(tables, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    open_before = plt.get_fignums()
    fig = build(name, tables)
    assert plt.get_fignums() == open_before  # a bare Figure: nothing to close, no pyplot state
    assert list(tmp_path.iterdir()) == []  # nothing written
    assert fig.canvas.figure is fig


@pytest.mark.parametrize("name", list(FIGURES))
def test_inputs_are_not_changed(tables, name):
    before = copy.deepcopy(dict(tables))
    build(name, tables)
    for key in ("tokens", "documents", "tfidf", "keyness", "similarity"):
        pd.testing.assert_frame_equal(tables[key], before[key], check_exact=True)
    pd.testing.assert_frame_equal(tables["ca"].coordinates, before["ca"].coordinates)
    pd.testing.assert_frame_equal(tables["ca"].inertia, before["ca"].inertia)
    np.testing.assert_array_equal(
        tables["clustering"].linkage_matrix, before["clustering"].linkage_matrix
    )
    pd.testing.assert_frame_equal(tables["clustering"].merges, before["clustering"].merges)
    assert tables["clustering"].leaves == before["clustering"].leaves


@pytest.mark.parametrize("name", list(FIGURES))
def test_figures_are_deterministic(tables, tmp_path, name):
    first = save_figure(build(name, tables), "a", folder=tmp_path, formats=("svg",))
    second = save_figure(build(name, tables), "b", folder=tmp_path, formats=("svg",))
    assert first[0].read_bytes() == second[0].read_bytes()


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
    three = textstat_ca(study_corpus.tokens, dimensions=3)
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
    pairs = keyness_table(tables["tokens"], tables["documents"], group_by=["genre"],
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
         "measure must be 'g2' or 'log_ratio'"),
        (lambda t: textplot_keyness(t["keyness"], target="speech", top_n=-1), "top_n"),
        (lambda t: textplot_similarity(t["similarity"].iloc[:0], t["clustering"]),
         "similarity table is empty"),
        (lambda t: textplot_similarity(t["similarity"], t["ca"]),
         "must be the result of cluster_documents"),
        (lambda t: textplot_similarity(t["similarity"], t["clustering"], measure="euclid"),
         "measure must be 'cosine' or 'jaccard'"),
        (lambda t: textplot_ca(t["similarity"]), "expected the result of textstat_ca"),
        (lambda t: textplot_ca(t["ca"], dimensions=(1, 3)),
         "dimension 3 is not in the CA result.*rerun textstat_ca with dimensions=3"),
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
         "pseudo_count must be a number in"),
        (lambda t: textplot_term_scatter(t["tokens"], t["documents"], min_count=10**6),
         "no term occurs 1000000 times or more"),
        (lambda t: textplot_term_scatter(t["tokens"], t["documents"], measure="pmi"),
         "measure must be 'g2' or 'log_ratio'"),
    ],
)
def test_bad_arguments_are_clear_errors(tables, call, message):
    with pytest.raises(InputError, match=message) as caught:
        call(tables)
    assert isinstance(caught.value, ValueError)  # callers catching ValueError still work
