"""Figures of the five study documents: word clouds, x-ray, shared formulae, slogan rates,
co-occurrence heatmaps and the collocate network.

Each figure is built from the real tables (study_corpus → measures → figure) and exported with
save_figure, then checked as a journal would receive it: Chinese drawn (no missing glyph), PNG
not blank and exactly one column wide at 300 dpi, the CJK font embedded in the PDF, files small.
"""

from __future__ import annotations

import copy
import random
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import EventCollection
from matplotlib.figure import Figure
from PIL import Image, ImageStat

from analysis.errors import InputError
from analysis.measures.collocates import collocation_network, textstat_collocates
from analysis.measures.cooccurrence import textstat_slogan_cooccurrence
from analysis.measures.formulae import textstat_formulae
from analysis.measures.slogan_counts import textstat_slogans
from analysis.plots import FONT_ENV_VAR, PALETTE, save_figure
from analysis.plots.cooccurrence import textplot_slogan_cooccurrence
from analysis.plots.formulae import textplot_formulae
from analysis.plots.network import network_layout, textplot_collocate_network
from analysis.plots.slogan_rates import textplot_slogan_rates
from analysis.plots.wordcloud import (
    comparison_weights,
    textplot_comparison_cloud,
    textplot_wordcloud,
)
from analysis.plots.xray import textplot_xray

CORE = ["团结", "民主集中制", "一把手"]
WIDTH_PIXELS = {"single": 1050, "double": 2100}  # 3.5 in and 7 in at 300 dpi


@pytest.fixture(autouse=True)
def default_font_setting(monkeypatch):
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def tables(study_corpus):
    """The measure tables every figure starts from, computed once."""
    c = study_corpus
    collocates = textstat_collocates(c.tokens, c.mentions, c.slogans)
    return {
        "corpus": c,
        "formulae": textstat_formulae(c.documents),
        "slogan_counts": textstat_slogans(c.documents, c.mentions, c.slogans,
                                          bootstrap_resamples=500),
        "cooccurrence": textstat_slogan_cooccurrence(c.documents, c.sentences, c.mentions,
                                                     c.slogans),
        "collocates": collocates,
        "network": collocation_network(collocates),
    }


def doc_order(tables) -> list[str]:
    return list(tables["corpus"].documents["doc_id"])


# name → (build(tables) → Figure, column width)
FIGURES = {
    "wordcloud_corpus": (
        lambda t: textplot_wordcloud(t["corpus"].tokens, highlight=t["corpus"].slogans.names),
        "single",
    ),
    "wordcloud_by_document": (
        lambda t: textplot_wordcloud(t["corpus"].tokens, by_document=True, width="double"),
        "double",
    ),
    "comparison_cloud": (
        lambda t: textplot_comparison_cloud(t["corpus"].tokens, t["corpus"].documents),
        "single",
    ),
    "xray": (lambda t: textplot_xray(t["corpus"].mentions, t["corpus"].documents), "double"),
    "formulae": (lambda t: textplot_formulae(t["formulae"], doc_ids=doc_order(t)), "single"),
    "slogan_rates_dodge": (
        lambda t: textplot_slogan_rates(t["slogan_counts"], slogans=CORE, doc_ids=doc_order(t),
                                        layout="dodge"),
        "single",
    ),
    "slogan_rates_facet": (
        lambda t: textplot_slogan_rates(t["slogan_counts"], width="double"),
        "double",
    ),
    "cooccurrence": (
        lambda t: textplot_slogan_cooccurrence(t["cooccurrence"], doc_ids=doc_order(t)),
        "double",
    ),
    "network": (lambda t: textplot_collocate_network(t["network"]), "double"),
}


@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_exports_with_chinese_as_png(name, tables, tmp_path, monkeypatch):
    build, width = FIGURES[name]
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # anything a plot function wrote would land here
    open_figures = plt.get_fignums()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # missing glyphs, deprecations: every warning fails
        fig = build(tables)
        assert isinstance(fig, Figure)
        assert not any(workdir.iterdir()), "plot functions must not save"
        assert plt.get_fignums() == open_figures, "plot functions must not use pyplot state"
        # PDF and SVG of every figure are checked on the full run's files (test_figures.py):
        # a PDF costs a second or two of font subsetting
        [png] = save_figure(fig, name, folder=tmp_path / "out", formats=["png"])
    with Image.open(png) as image:
        assert image.size[0] == WIDTH_PIXELS[width]
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.05)
        assert ImageStat.Stat(image.convert("L")).var[0] > 100  # not blank


@pytest.mark.parametrize("name", list(FIGURES))
def test_inputs_are_not_mutated(name, tables):
    before = {key: copy.deepcopy(value) for key, value in tables.items() if key != "corpus"}
    corpus_before = {
        key: getattr(tables["corpus"], key).copy(deep=True)
        for key in ("documents", "tokens", "mentions", "sentences")
    }
    FIGURES[name][0](tables)
    for key, value in before.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(tables[key], value)
        else:
            assert nx.utils.graphs_equal(tables[key], value)
            assert list(tables[key].nodes(data=True)) == list(value.nodes(data=True))
            assert list(tables[key].edges(data=True)) == list(value.edges(data=True))
    for key, value in corpus_before.items():
        pd.testing.assert_frame_equal(getattr(tables["corpus"], key), value)


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


def test_network_from_the_table_by_another_measure(tables):
    fig = textplot_collocate_network(tables["collocates"], by="cooc", top_n=3, slogans="团结")
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
def test_bad_arguments_are_clear_errors(call, message, tables):
    with pytest.raises(InputError, match=re.escape(message)):
        call(tables)


def test_wrong_tables_are_named(tables):
    with pytest.raises(InputError, match="textstat_slogans"):
        textplot_slogan_rates(tables["formulae"])
    with pytest.raises(InputError, match="textstat_formulae"):
        textplot_formulae(tables["slogan_counts"])
    with pytest.raises(InputError, match=r"corpus\.tokens"):
        textplot_wordcloud(tables["corpus"].mentions)
