"""The collocate network and the correspondence map stay readable from five documents to about
ninety: no label covers another label or a point, every text stays on the page, the legend
explains every marker, and ``language="zh"`` gives a wholly Chinese figure whose glyphs the font
has. Real matplotlib and the packaged CJK font; the five study documents and a synthetic corpus
of 91 documents (three genres and one stray page, like the political corpus's disambiguation
page) built for these checks."""

from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.errors import InputError
from analysis.measures.collocates import (
    COLLOCATE_COLUMNS,
    collocation_network,
    textstat_collocates,
)
from analysis.measures.correspondence import textmodel_ca
from analysis.plots import FONT_ENV_VAR, check_glyphs
from analysis.plots.correspondence import textplot_ca
from analysis.plots.network import WRAP_CHARS, textplot_collocate_network

# Statistics keep their symbols in a Chinese figure (analysis.plots.labels).
SYMBOLS = re.compile(r"logDice|t-score|MI|G²|ΔP")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

GENRES = {
    "government work report": ("gwr_{:04d}", ["经济", "增长", "生产", "农业", "工业", "企业",
                                              "投资", "市场", "财政", "收入", "价格", "就业"]),
    "NPC resolution": ("npc_resolution_on_gwr_{:02d}", ["会议", "批准", "决议", "代表", "审议",
                                                       "报告", "同意", "号召", "全国", "人民"]),
    "party congress report": ("cpc_congress_{:02d}", ["党", "思想", "理论", "建设", "领导",
                                                      "马克思主义", "社会主义", "坚持", "群众",
                                                      "革命"]),
}
SHARED = ["发展", "改革", "加强", "推进", "完善", "实施", "提高", "国家", "我国", "中国"]
STRAY = "disambiguation_page"  # a page unlike any other, far out on the map


@pytest.fixture(autouse=True)
def default_font_setting(monkeypatch):
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)


# --- inputs ------------------------------------------------------------------------------------


def synthetic_tokens(per_genre: int = 30, seed: int = 11) -> pd.DataFrame:
    """A tokens table of 3 × ``per_genre`` documents and the stray page: each genre uses its own
    words most, the other genres' words a little and the shared ones in between, every
    document with its own leanings (a log-normal factor per word) and Poisson noise; the stray
    page has two words of its own and one shared word."""
    rng = np.random.default_rng(seed)
    vocabulary = SHARED + [w for _, words in GENRES.values() for w in words] + ["条目", "消歧义"]
    everyone = [w for _, words in GENRES.values() for w in words]
    rows = []
    for genre, (pattern, own) in GENRES.items():
        for k in range(per_genre):
            base = {w: 1.0 for w in everyone} | {w: 3.0 for w in SHARED} | {w: 8.0 for w in own}
            rate = {w: r * rng.lognormal(0, 0.7) for w, r in base.items()}
            doc = pattern.format(1954 + k if genre.startswith("gov") else k + 1)
            for word, r in rate.items():
                rows += [(doc, word)] * (int(rng.poisson(r)) + 1)
    rows += [(STRAY, "条目")] * 5 + [(STRAY, "消歧义")] * 4 + [(STRAY, w) for w in SHARED[:6]] * 3
    tokens = pd.DataFrame(rows, columns=["doc_id", "token"])
    assert set(tokens["token"]) == set(vocabulary)
    return tokens.assign(is_punct=False, is_stop=False)


@pytest.fixture(scope="module")
def large_ca():
    tokens = synthetic_tokens()
    return textmodel_ca(tokens), tokens


@pytest.fixture(scope="module")
def genres(large_ca):
    _, tokens = large_ca
    docs = sorted(set(tokens["doc_id"]))
    by_prefix = {pattern.split("{")[0]: genre for genre, (pattern, _) in GENRES.items()}
    # The stray page has no genre: it is drawn as "no group".
    return {d: next((g for p, g in by_prefix.items() if d.startswith(p)), None) for d in docs}


def crowded_collocates() -> pd.DataFrame:
    """A textstat_collocates table like a large corpus's: 16 slogans (two long formulae with 、,
    one long slogan without), five of them sharing most of their collocates."""
    rng = np.random.default_rng(5)
    slogans = ["团结", "民主集中制", "一把手", "集体领导", "集体领导、民主集中、个别酝酿、会议决定",
               "树正气、讲团结、求发展", "三个代表", "科学发展观", "执政为民", "立党为公",
               "和谐班子", "四强一硬", "六好", "两个务必", "民主生活会",
               "解放思想实事求是与时俱进开拓创新"]
    pool = ["坚持", "制度", "原则", "领导", "个人", "分工负责", "相结合", "会议决定", "党委",
            "完善", "健全", "各级党委", "群众路线", "发扬民主", "党内", "国家机关", "治党",
            "思想", "重要", "指导", "伟大旗帜", "高举", "贯彻落实", "深入", "全面落实",
            "和谐社会", "根本宗旨", "以人为本", "本质", "要求", "政府", "巩固", "民族",
            "周围", "紧密", "共同", "各族人民", "全国", "更加", "班子", "干部", "建设"]
    rows = []
    for index, slogan in enumerate(slogans):
        # The first five share the first dozen collocates: a dense cluster.
        start = 0 if index < 5 else 3 * index % (len(pool) - 10)
        for term in pool[start:start + 12]:
            count = int(rng.integers(2, 40))
            rows.append({
                "slogan": slogan, "term": term, "count": count, "freq_slogan": 60,
                "freq_term": count + int(rng.integers(5, 200)), "window_tokens": 600,
                "n_tokens": 200_000, "expected": 1.0, "logdice": float(rng.uniform(6, 14)),
                "pmi": float(rng.uniform(1, 8)), "t_score": float(rng.uniform(1, 6)),
                "g2": float(rng.uniform(5, 300)), "delta_p": float(rng.uniform(0, 0.3)),
                "delta_p_reverse": float(rng.uniform(0, 0.3)),
            })
    return pd.DataFrame(rows, columns=COLLOCATE_COLUMNS)


@pytest.fixture(scope="module")
def study_collocates(study_corpus):
    c = study_corpus
    return textstat_collocates(c.tokens, c.mentions, c.slogans)


# --- what the checks look at --------------------------------------------------------------------


def drawn(build) -> Figure:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no missing glyph, layout or any other warning
        fig = build()
    fig.draw_without_rendering()
    return fig


def labels_of(fig: Figure) -> list[Text]:
    return [t for t in fig.axes[0].texts if t.get_text()]


def overlapping(boxes) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


def texts_off_the_page(fig: Figure) -> list[str]:
    """Visible texts (labels, tick labels in view, legend, note) that stick out of the figure."""
    page = fig.bbox.padded(1.0)
    ticks, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update((tick.label1, tick.label2))
                # Ticks outside the view keep their (visible) labels but are not drawn.
                if tick.get_loc() is not None and low <= tick.get_loc() <= high:
                    drawn += [tick.label1, tick.label2]
    drawn += [t for t in fig.findobj(Text, include_self=False) if t not in ticks]
    return [
        text.get_text() for text in drawn
        if text.get_visible() and text.get_text()
        and not (page.contains(*text.get_window_extent().p0)
                 and page.contains(*text.get_window_extent().p1))
    ]


def fixed_texts(fig: Figure, data: set[str]) -> list[str]:
    """Every text of the figure that is not data (terms, doc ids, group names, numbers)."""
    ax = fig.axes[0]
    texts = [ax.get_xlabel(), ax.get_ylabel(), fig.get_supxlabel()]
    legends = [*fig.legends, *([ax.get_legend()] if ax.get_legend() else [])]
    texts += [t.get_text() for legend in legends for t in legend.get_texts()]
    return [t for t in texts if t and t not in data]


def assert_wholly_chinese(fig: Figure, data: set[str]) -> None:
    words = [w for t in fixed_texts(fig, data) for w in LATIN_WORD.findall(SYMBOLS.sub("", t))]
    assert words == []
    check_glyphs(fig)  # raises MissingGlyphError for any character the fonts lack


# --- the collocate network ---------------------------------------------------------------------


def network_is_readable(fig: Figure, n_nodes: int) -> None:
    ax = fig.axes[0]
    labels = labels_of(fig)
    assert len(labels) == n_nodes  # every node labelled
    boxes = [t.get_window_extent() for t in labels]
    assert overlapping(boxes) == []
    # No label on any marker (its own included): markers are squares of markersize points.
    px = fig.dpi / 72
    for line in ax.lines:
        half = line.get_markersize() / 2 * px
        for x, y in ax.transData.transform(line.get_xydata()):
            for text, box in zip(labels, boxes, strict=True):
                covered = (box.x0 < x + half - 0.5 and box.x1 > x - half + 0.5
                           and box.y0 < y + half - 0.5 and box.y1 > y - half + 0.5)
                assert not covered, f"{text.get_text()!r} covers a marker"
    assert texts_off_the_page(fig) == []
    for text in labels:
        assert all(len(line) <= WRAP_CHARS for line in text.get_text().split("\n"))
    # The legend explains both markers.
    legend = ax.get_legend()
    shown = {(line.get_marker(), line.get_color()) for line in ax.lines}
    explained = {(h.get_marker(), h.get_color()) for h in legend.legend_handles
                 if h.get_marker() not in (None, "None", "")}
    assert shown <= explained and len(explained) == 2


def test_network_of_the_study_documents_is_readable(study_collocates):
    fig = drawn(lambda: textplot_collocate_network(study_collocates))
    graph = collocation_network(study_collocates)
    network_is_readable(fig, graph.number_of_nodes())
    texts = {t.get_text() for t in labels_of(fig)}
    # The crowded corner of issue 15: the long formula is wrapped, and all four are labelled.
    assert {"集体领导", "民主集中制", "集体领导、民主集中、\n个别酝酿、会议决定"} <= texts
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2] == [
        "slogan", "collocate"
    ]


def placed(fig: Figure) -> list:
    ax = fig.axes[0]
    return [(t.get_text(), tuple(t.xy), tuple(t.xyann), t.get_fontsize()) for t in ax.texts] + [
        line.get_xydata().tolist() for line in ax.lines
    ]


def test_crowded_network_is_readable_and_the_same_every_time():
    table = crowded_collocates()
    fig = drawn(lambda: textplot_collocate_network(table))
    network_is_readable(fig, collocation_network(table).number_of_nodes())
    wrapped = [t.get_text() for t in labels_of(fig) if "\n" in t.get_text()]
    assert "解放思想实事求是\n与时俱进开拓创新" in wrapped  # no 、: broken into even lines
    # Same input, same picture: every label, offset, size and marker where it was.
    assert placed(textplot_collocate_network(table)) == placed(fig)


def test_network_in_chinese_single_column():
    """A single column is too small for this network at full size: its labels shrink (to 5 pt
    at least) and the figure grows taller, still with no overlap."""
    table = crowded_collocates()
    fig = drawn(lambda: textplot_collocate_network(table, width="single", by="count",
                                                   language="zh"))
    graph = collocation_network(table, by="count")
    network_is_readable(fig, graph.number_of_nodes())
    assert fig.get_size_inches()[0] == 3.5 and 3.5 * 0.75 < fig.get_size_inches()[1] <= 9
    assert min(t.get_fontsize() for t in labels_of(fig)) >= 5
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:2] == ["口号", "搭配词"] and legend[2].startswith("共现次数")
    assert_wholly_chinese(fig, data={t.get_text() for t in labels_of(fig)})


# --- the correspondence map --------------------------------------------------------------------


def map_is_readable(fig: Figure) -> None:
    ax = fig.axes[0]
    boxes = [t.get_window_extent() for t in labels_of(fig)]
    assert overlapping(boxes) == []
    inside = ax.bbox.padded(1.0)
    for box in boxes:
        assert inside.contains(*box.p0) and inside.contains(*box.p1)
    assert texts_off_the_page(fig) == []
    # Every document marker drawn is explained by a legend entry of the same shape and colour.
    [legend] = fig.legends
    entries = {
        (h.get_marker(), tuple(np.round(matplotlib.colors.to_rgba(h.get_markerfacecolor()), 3)))
        for h in legend.legend_handles
    }
    for collection in ax.collections:
        colours = {tuple(np.round(c, 3)) for c in collection.get_facecolors()}
        if collection.get_sizes()[0] < 10:
            continue  # the grey term dots: the legend's last entry
        marker = next(m for m, _ in entries if _same_path(collection, m))
        assert {(marker, c) for c in colours} <= entries


def _same_path(collection, marker: str) -> bool:
    path = matplotlib.markers.MarkerStyle(marker).get_path().transformed(
        matplotlib.markers.MarkerStyle(marker).get_transform()
    )
    drawn = collection.get_paths()[0].vertices
    return drawn.shape == path.vertices.shape and np.allclose(drawn, path.vertices)


def document_labels(fig: Figure, doc_ids) -> list[str]:
    return [t.get_text() for t in labels_of(fig) if t.get_text().split(" (")[0] in set(doc_ids)]


def test_map_of_the_study_documents_labels_every_document(study_corpus):
    ca = textmodel_ca(study_corpus.tokens)
    fig = drawn(lambda: textplot_ca(ca))
    map_is_readable(fig)
    docs = list(study_corpus.documents["doc_id"])
    assert sorted(document_labels(fig, docs)) == sorted(docs)
    [legend] = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["documents", "terms (grey)"]
    # Nothing left out but terms beyond the 20 drawn: the note says how the 20 were chosen.
    assert fig.get_supxlabel().startswith("Grey: 20 of the 60 terms analysed")


def test_map_of_91_documents_labels_the_main_ones_groups_by_genre_and_keeps_the_stray_page(
    large_ca, genres
):
    ca, _ = large_ca
    fig = drawn(lambda: textplot_ca(ca, groups=genres))
    map_is_readable(fig)
    ax = fig.axes[0]
    [legend] = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "NPC resolution", "government work report", "party congress report", "no group",
        "terms (grey)",
    ]
    labelled = document_labels(fig, genres)
    assert 5 <= len(labelled) <= 15 + 4  # the 15 contributing most and the outermost of each axis
    note = fig.get_supxlabel().replace("\n", " ")
    assert f"Labelled: {len(labelled)} of the 91 documents" in note
    # The stray page and its two words (at one point, one label) are far out: drawn at the
    # frame's edge, labelled with where they lie.
    assert "Beyond the frame (2)" in note
    coordinates = ca.coordinates.set_index(["kind", "label", "dimension"])["coordinate"]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    texts = [t.get_text() for t in labels_of(fig)]
    for kind, label, shown in (("document", STRAY, STRAY), ("term", "条目", "条目、消歧义")):
        x, y = (coordinates[(kind, label, d)] for d in (1, 2))
        assert f"{shown} ({x:.2f}, {y:.2f})" in texts
        assert not (x0 <= x <= x1 and y0 <= y <= y1)
    # The rest of the map is not squashed: the documents fill a good part of the frame.
    others = ca.coordinates[(ca.coordinates["kind"] == "document")
                            & (ca.coordinates["label"] != STRAY)]
    spread = others.pivot(index="label", columns="dimension", values="coordinate").agg(np.ptp)
    assert spread[1] / (x1 - x0) > 0.3 or spread[2] / (y1 - y0) > 0.3


def test_map_in_chinese_single_column(large_ca, genres):
    ca, _ = large_ca
    fig = drawn(lambda: textplot_ca(ca, groups=genres, width="single", language="zh"))
    map_is_readable(fig)
    ax = fig.axes[0]
    assert re.fullmatch(r"维度 1（\d+\.\d%）", ax.get_xlabel())
    assert [t.get_text() for t in fig.legends[0].get_texts()][-2:] == ["未分组", "词语（灰色）"]
    assert fig.get_supxlabel().startswith("已标注 91 篇文档中的")
    data = set(genres) | {g for g in genres.values() if g} | {
        t.get_text() for t in labels_of(fig)
    }
    assert_wholly_chinese(fig, data)


def test_map_with_more_groups_than_styles_pools_the_smallest(large_ca, genres):
    ca, _ = large_ca
    many = {d: f"group {i % 9}" for i, d in enumerate(sorted(genres))}
    fig = drawn(lambda: textplot_ca(ca, groups=many, max_terms=0, label_documents=5))
    map_is_readable(fig)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(texts) == 7 and texts[-1] == "other (3 groups)"  # 6 groups and the rest
    assert "Grey" not in fig.get_supxlabel()  # no terms drawn, none mentioned


# --- bad options -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ca, g: textplot_ca(ca, language="fr"), "language must be 'en'"),
        (lambda ca, g: textplot_ca(ca, groups="genre"), "groups must map doc ids"),
        (lambda ca, g: textplot_ca(ca, groups={STRAY: "page"}), "groups has no entry for 90"),
        (lambda ca, g: textplot_ca(ca, label_documents=-1), "label_documents must be"),
        (lambda ca, g: textplot_ca(ca, label_documents=True), "label_documents must be"),
        (lambda ca, g: textplot_collocate_network(crowded_collocates(), language="english"),
         "language must be 'en'"),
    ],
)
def test_bad_options_are_input_errors(large_ca, genres, call, message):
    with pytest.raises(InputError, match=re.escape(message)):
        call(large_ca[0], genres)
