"""Topic models (NMF, LDA, guided NMF), topic prevalence, coherence and the k table, on tiny
corpora whose answers are known, against hand computations; and their figures.

The main corpus has twelve documents in two halves with disjoint vocabularies (economy and Party
work): any topic model with k = 2 must split them, every document wholly on its half's topic."""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from scipy import sparse

from analysis.config.lexicon import parse_slogans
from analysis.errors import InputError
from analysis.features.dfm import Dfm
from analysis.measures.topics import (
    TOPIC_COHERENCE_COLUMNS,
    TOPIC_COLUMNS,
    TOPIC_K_COLUMNS,
    TOPIC_PREVALENCE_COLUMNS,
    TOPIC_SHARE_COLUMNS,
    lexicon_seeds,
    textmodel_topics,
    textstat_topic_coherence,
    textstat_topic_k,
    textstat_topic_prevalence,
)
from analysis.plots import check_glyphs
from analysis.plots.topics import (
    textplot_topic_k,
    textplot_topic_prevalence,
    textplot_topic_terms,
)

ECONOMY = ["经济", "企业", "市场", "投资", "生产", "工业", "价格", "贸易"]
PARTY = ["党员", "党建", "组织", "纪律", "干部", "团结", "思想", "作风"]


def corpus(n_economy: int = 6, n_party: int = 6) -> pd.DataFrame:
    """Tokens of ``n_economy`` documents using only ECONOMY words and ``n_party`` using only
    PARTY words (each word 1–4 times), plus a stopword, a punctuation mark and a number in every
    document, which no model may see."""
    rows = []
    for i in range(n_economy + n_party):
        doc = f"d{i:02d}"
        words = ECONOMY if i < n_economy else PARTY
        for j, word in enumerate(words):
            rows += [(doc, word, False, False, False)] * (1 + (i + j) % 4)
        rows += [(doc, "的", False, False, True), (doc, "。", True, False, False),
                 (doc, "2007", False, True, True)]
    return pd.DataFrame(rows, columns=["doc_id", "token", "is_punct", "is_number", "is_stop"])


def share_matrix(model) -> pd.DataFrame:
    return model.topic_shares.pivot(index="doc_id", columns="topic", values="share")[
        list(model.topic_names)
    ]


def top_terms(model, topic: str, n: int) -> list[str]:
    rows = model.topics[model.topics["topic"] == topic]
    return rows["term"].head(n).tolist()


# --- the models --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_two_topics_split_the_two_vocabularies(method):
    model = textmodel_topics(corpus(), k=2, method=method, seed=3)
    assert list(model.topics.columns) == TOPIC_COLUMNS
    assert list(model.topic_shares.columns) == TOPIC_SHARE_COLUMNS
    assert model.topic_names == ("T1", "T2") and model.k == 2 and model.method == method
    shares = share_matrix(model)
    assert shares.index.tolist() == [f"d{i:02d}" for i in range(12)]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    economy_topic = shares.iloc[:6].mean().idxmax()
    party_topic = shares.iloc[6:].mean().idxmax()
    assert economy_topic != party_topic
    assert (shares.iloc[:6][economy_topic] > 0.9).all()
    assert (shares.iloc[6:][party_topic] > 0.9).all()
    # Each topic's eight best terms are its half's vocabulary; nothing dropped by dfm appears.
    assert set(top_terms(model, economy_topic, 8)) == set(ECONOMY)
    assert set(top_terms(model, party_topic, 8)) == set(PARTY)
    assert not {"的", "。", "2007"} & set(model.topics["term"])
    # Weights are shares of the topic: over the whole vocabulary they sum to 1.
    np.testing.assert_allclose(model.term_weights.sum(axis=1), 1.0)


def test_topics_are_numbered_by_total_share_and_ranked_with_ties():
    model = textmodel_topics(corpus(n_economy=8, n_party=4), k=2, seed=1)
    # Eight economy documents against four: the economy topic accounts for more, so it is T1.
    assert set(top_terms(model, "T1", 8)) == set(ECONOMY)
    assert set(top_terms(model, "T2", 8)) == set(PARTY)
    totals = model.topic_shares.groupby("topic")["share"].sum()
    assert totals["T1"] == pytest.approx(8.0) and totals["T2"] == pytest.approx(4.0)
    # Competition ranks: equal weights share a rank and are listed by term in code-point order.
    for _, rows in model.topics.groupby("topic"):
        weights, ranks = rows["weight"].to_numpy(), rows["rank"].to_numpy()
        assert (np.diff(weights) <= 0).all()
        for a in range(len(rows)):
            assert ranks[a] == 1 + (weights > weights[a]).sum()
        for a in range(1, len(rows)):
            if ranks[a] == ranks[a - 1]:
                assert rows["term"].iloc[a - 1] < rows["term"].iloc[a]
    # top_n cuts the table (ties at the cut kept); None keeps every term with a weight.
    assert model.topics["rank"].max() <= 15
    short = textmodel_topics(corpus(8, 4), k=2, seed=1, top_n=1)
    assert short.topics["rank"].eq(1).all()
    assert len(textmodel_topics(corpus(8, 4), k=2, seed=1, top_n=None).topics) == 16


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_a_seed_gives_the_same_tables_byte_for_byte_whatever_the_document_order(method):
    tokens = corpus()
    first = textmodel_topics(tokens, k=3, method=method, seed=11)
    again = textmodel_topics(tokens, k=3, method=method, seed=11)
    reordered = tokens.iloc[::-1].reset_index(drop=True)
    shuffled = textmodel_topics(reordered, k=3, method=method, seed=11)
    for other in (again, shuffled):
        assert other.topics.to_csv() == first.topics.to_csv()
        assert other.topic_shares.to_csv() == first.topic_shares.to_csv()


def test_a_document_without_vocabulary_has_no_shares():
    tokens = pd.concat(
        [corpus(), pd.DataFrame([("empty", "的", False, False, True)],
                                columns=["doc_id", "token", "is_punct", "is_number", "is_stop"])],
        ignore_index=True,
    )
    model = textmodel_topics(tokens, k=2, seed=1)
    shares = share_matrix(model)
    assert shares.loc["empty"].isna().all()
    assert shares.drop(index="empty").notna().all().all()


def test_seeded_topics_keep_their_names_and_seed_terms_at_the_top():
    seeds = {"party": ["纪律", "团结"], "economy": ["市场"]}
    # Eight economy documents against four party ones, so that the free topic has one group to
    # share: with two groups of six, which one it splits is a tie that the rounding of the CPU's
    # BLAS kernels breaks (the party group on AVX-512, the economy group elsewhere).
    tokens = corpus(n_economy=8, n_party=4)
    model = textmodel_topics(tokens, k=3, seed=5, seeds=seeds)
    assert model.topic_names == ("party", "economy", "T1")
    assert model.seeds == {"party": ("纪律", "团结"), "economy": ("市场",)}
    assert set(top_terms(model, "party", 2)) == {"纪律", "团结"}
    assert top_terms(model, "economy", 1) == ["市场"]
    shares = share_matrix(model)
    # The party documents are the party topic's; the economy documents share the economy topic
    # with the free topic T1, the party topic having none of them.
    assert (shares.iloc[8:]["party"] > 0.9).all()
    assert (shares.iloc[:8]["party"] < 0.05).all()
    assert shares.iloc[:8]["economy"].mean() > 0.3
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    # Seeded fits are reproducible too.
    again = textmodel_topics(tokens, k=3, seed=5, seeds=seeds)
    assert again.topics.to_csv() == model.topics.to_csv()
    assert again.topic_shares.to_csv() == model.topic_shares.to_csv()


def test_seed_terms_missing_from_the_corpus_are_named_or_dropped():
    seeds = {"party": ["纪律", "不存在"], "ghost": ["幽灵"]}
    with pytest.raises(InputError, match=r"不存在 \(party\), 幽灵 \(ghost\).*missing_seeds='drop'"):
        textmodel_topics(corpus(), k=2, seed=1, seeds=seeds)
    model = textmodel_topics(corpus(), k=2, seed=1, seeds=seeds, missing_seeds="drop")
    assert model.seeds == {"party": ("纪律",)}
    assert model.dropped_seeds == ("不存在 (party)", "幽灵 (ghost)", "ghost: no seed term in the corpus")
    assert model.topic_names == ("party", "T1")


def test_lexicon_seeds_are_the_segmenter_words_of_each_concept_group():
    lexicon = parse_slogans(
        {
            "groups": {"unity": "unity", "democratic_centralism": "dc", "empty": "none"},
            "slogans": [
                {"name": "团结", "group": "unity", "variants": ["团结", "團結"]},
                {"name": "树正气、讲团结、求发展", "group": "unity",
                 "parts": ["树正气", "讲团结", "求发展"]},
                {"name": "民主集中制", "group": "democratic_centralism",
                 "variants": ["民主集中制"]},
                {"name": "民主制", "group": "democratic_centralism", "regex": "民主.{0,2}制"},
            ],
        }
    )
    assert lexicon_seeds(lexicon) == {
        "unity": ("团结", "树正气", "求发展", "讲团结"),
        "democratic_centralism": ("民主集中制",),
    }


# --- coherence and k ---------------------------------------------------------------------------

# Four documents; presence: d1 a b | d2 a b c | d3 a e | d4 c.
# D(a)=3 D(b)=2 D(c)=2 D(e)=1; D(a,b)=2 D(a,c)=1 D(b,c)=1 D(b,e)=0; N = 4.
HAND_DFM = Dfm(
    sparse.csr_matrix(
        np.array([[2, 1, 0, 0], [1, 1, 3, 0], [1, 0, 0, 1], [0, 0, 1, 0]], dtype=np.int64)
    ),
    pd.Index(["d1", "d2", "d3", "d4"], name="doc_id"),
    pd.Index(["a", "b", "c", "e"], name="term"),
)
HAND_TOPICS = pd.DataFrame(
    {
        "topic": ["abc", "abc", "abc", "be", "be", "one"],
        "term": ["a", "b", "c", "b", "e", "a"],
        "rank": [1, 2, 3, 1, 2, 1],
    }
)


def test_umass_coherence_by_hand():
    table = textstat_topic_coherence(HAND_DFM, HAND_TOPICS, measure="umass")
    assert list(table.columns) == TOPIC_COHERENCE_COLUMNS
    assert table["topic"].tolist() == ["abc", "be", "one"]
    assert table["n_terms"].tolist() == [3, 2, 1]
    # abc: (b|a) ln((2+1)/3) = 0, (c|a) ln((1+1)/3), (c|b) ln((1+1)/2) = 0; mean of three.
    assert table["coherence"].iloc[0] == pytest.approx(math.log(2 / 3) / 3, abs=1e-15)
    # be: (e|b) ln((0+1)/2).
    assert table["coherence"].iloc[1] == pytest.approx(math.log(1 / 2), abs=1e-15)
    assert math.isnan(table["coherence"].iloc[2])  # one term: no pair


def test_npmi_coherence_by_hand():
    table = textstat_topic_coherence(HAND_DFM, HAND_TOPICS, measure="npmi")
    ab = math.log(0.5 / (0.75 * 0.5)) / -math.log(0.5)
    ac = math.log(0.25 / (0.75 * 0.5)) / -math.log(0.25)
    bc = math.log(0.25 / (0.5 * 0.5)) / -math.log(0.25)  # = 0: independent
    assert table["coherence"].iloc[0] == pytest.approx((ab + ac + bc) / 3, abs=1e-15)
    assert table["coherence"].iloc[1] == -1.0  # b and e never together
    # top_n takes the first terms by rank: a and b only.
    assert textstat_topic_coherence(HAND_DFM, HAND_TOPICS, measure="npmi", top_n=2)[
        "coherence"
    ].iloc[0] == pytest.approx(ab, abs=1e-15)


def test_the_k_table_measures_each_k():
    table = textstat_topic_k(corpus(), k_values=[3, 2], seed=1)
    assert list(table.columns) == TOPIC_K_COLUMNS
    assert table["k"].tolist() == [2, 2, 2, 3, 3, 3]
    assert table["measure"].tolist() == ["umass", "npmi", "reconstruction_error"] * 2
    value = table.set_index(["k", "measure"])["value"]
    # k = 2: each topic's terms are its half's eight words, each in all six documents of the
    # half: every pair has D(v, w) = D(v) = 6, so UMass ln(7/6) and NPMI ln(0.5/0.25)/ln 2 = 1.
    assert value[(2, "umass")] == pytest.approx(math.log(7 / 6), abs=1e-12)
    assert value[(2, "npmi")] == pytest.approx(1.0, abs=1e-12)
    assert 0 < value[(3, "reconstruction_error")] < value[(2, "reconstruction_error")] < 1
    lda = textstat_topic_k(corpus(), k_values=[2], method="lda", seed=1,
                           measures=["perplexity", "umass"], folds=2)
    assert lda["measure"].tolist() == ["perplexity", "umass"]
    # Held-out perplexity: above 1, and below the 16 equally likely words of a blind guess… of
    # each half's 8 words there is no better than 8; a fitted split gets close to it.
    assert 1 < lda["value"].iloc[0] < 16


# --- prevalence --------------------------------------------------------------------------------

SHARES = pd.DataFrame(
    {
        "doc_id": ["a", "a", "b", "b", "c", "c", "d", "d", "e", "e", "f", "f"],
        "topic": ["T1", "T2"] * 6,
        "share": [0.2, 0.8, 0.4, 0.6, 0.9, 0.1, 0.5, 0.5, 0.3, 0.7, 0.3, 0.7],
    }
)
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["f", "e", "d", "c", "b", "a", "g"],
        "year": [1000.0, 1000.0, 999.0, 1000.0, 1000.0, 1000.0, np.nan],
        "genre": ["决议", "决议", "报告", "报告", "报告", "报告", "报告"],
    }
)


def test_prevalence_by_hand():
    table = textstat_topic_prevalence(SHARES, DOCUMENTS, by=["year", "genre"],
                                      bootstrap_resamples=7, confidence=0.8, seed=42)
    assert list(table.columns) == TOPIC_PREVALENCE_COLUMNS
    # Years in numeric order (999 before 1000), as text without ".0"; then genres.
    assert table[["grouping", "group", "topic"]].values.tolist() == [
        ["year", "999", "T1"], ["year", "999", "T2"], ["year", "1000", "T1"],
        ["year", "1000", "T2"], ["genre", "决议", "T1"], ["genre", "决议", "T2"],
        ["genre", "报告", "T1"], ["genre", "报告", "T2"],
    ]
    assert table["n_docs"].tolist() == [1, 1, 5, 5, 2, 2, 4, 4]
    # Means: 1000 = a b c e f; T1 (0.2 + 0.4 + 0.9 + 0.3 + 0.3) / 5 = 0.42.
    assert table["mean_share"].tolist() == pytest.approx(
        [0.5, 0.5, 0.42, 0.58, 0.3, 0.7, 0.5, 0.5], abs=1e-12
    )
    # One document (999): no interval. e and f have equal shares: every resample gives 0.3.
    assert table.iloc[:2][["ci_low", "ci_high"]].isna().all().all()
    assert table.iloc[4][["ci_low", "ci_high"]].tolist() == pytest.approx([0.3, 0.3])
    # The draws by hand: one stream, groups in table order, each resample's D draws ⌊u·D⌋.
    rng = np.random.default_rng(42)
    expected = []
    for members in (["a", "b", "c", "e", "f"], ["e", "f"], ["a", "b", "c", "d"]):
        t1 = SHARES[SHARES["topic"] == "T1"].set_index("doc_id")["share"]
        values = [t1[m] for m in members]
        size = len(members)
        means = []
        for _ in range(7):
            u = rng.random(size)
            means.append(sum(values[int(x * size)] for x in u) / size)
        expected.append(np.quantile(means, [0.1, 0.9]))
    got = table[table["topic"] == "T1"].iloc[1:]
    for row, (low, high) in zip(got.itertuples(), expected, strict=True):
        assert (row.ci_low, row.ci_high) == pytest.approx((low, high), abs=1e-15)
    assert (table["confidence"] == 0.8).all() and (table["n_resamples"] == 7).all()
    assert (table["seed"] == 42).all()
    none = textstat_topic_prevalence(SHARES, DOCUMENTS, by="genre", bootstrap_resamples=0,
                                     seed=1)
    assert none[["ci_low", "ci_high"]].isna().all().all()


def test_nothing_is_changed_in_place():
    tokens = corpus()
    shares, documents = SHARES.copy(), DOCUMENTS.copy()
    kept = tokens.copy()
    model = textmodel_topics(tokens, k=2, seed=1, seeds={"party": ["纪律"]})
    textstat_topic_k(tokens, k_values=[2], seed=1)
    textstat_topic_prevalence(shares, documents, by="genre", bootstrap_resamples=10, seed=1)
    topics_before = model.topics.copy()
    textstat_topic_coherence(model.dfm, model.topics)
    pd.testing.assert_frame_equal(tokens, kept)
    pd.testing.assert_frame_equal(shares, SHARES)
    pd.testing.assert_frame_equal(documents, DOCUMENTS)
    pd.testing.assert_frame_equal(model.topics, topics_before)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"k": 1}, r"^textmodel_topics: k \(topics\) must be a whole number ≥ 2, got 1"),
        ({"k": 12}, r"k=12 topics for 12 documents.*choose k below 12"),
        ({"k": 2, "method": "lsa"},
         r"method \('nmf': non-negative matrix factorisation of TF-IDF; 'lda': latent "
         r"Dirichlet allocation of counts\) must be one of 'nmf', 'lda', got 'lsa'"),
        ({"k": 2, "seed": -1}, r"seed must be a whole number ≥ 0"),
        ({"k": 2, "max_df": 1.5}, r"max_df must be a share of the documents between 0 and 1"),
        ({"k": 2, "min_docs": 13}, r"no term is in at least min_docs=13.*lower min_docs"),
        ({"k": 2, "method": "lda", "seeds": {"party": ["纪律"]}}, r"pass method='nmf' with seeds"),
        ({"k": 2, "seeds": {"a": ["纪律"], "b": ["纪律"]}}, r"'纪律' is listed for topics 'a' and 'b'"),
        ({"k": 2, "seeds": {"T1": ["纪律"]}}, r"looks like the names of unseeded topics"),
        ({"k": 2, "seeds": {"a": ["纪律"], "b": ["市场"], "c": ["党员"]}},
         r"k=2 topics but seeds names 3 seeded topics"),
    ],
)
def test_bad_model_options_are_refused_with_the_fix(options, message):
    with pytest.raises(InputError, match=message):
        textmodel_topics(corpus(), **{"seed": 1, **options})


def test_empty_inputs_and_bad_tables_are_refused():
    only_stopwords = corpus().assign(is_stop=True)
    with pytest.raises(InputError, match=r"document-feature matrix is empty.*nothing to model"):
        textmodel_topics(only_stopwords, k=2, seed=1)
    with pytest.raises(InputError, match=r"expected a tokens table"):
        textmodel_topics("tokens", k=2, seed=1)
    with pytest.raises(InputError, match=r"measure 'perplexity' is not available for "
                                         r"method='nmf'"):
        textstat_topic_k(corpus(), k_values=[2], seed=1, measures="perplexity")
    with pytest.raises(InputError, match=r"k_values lists a number twice"):
        textstat_topic_k(corpus(), k_values=[2, 2], seed=1)
    with pytest.raises(InputError, match=r"every k must be a whole number.*got 1"):
        textstat_topic_k(corpus(), k_values=[2, 1], seed=1)
    with pytest.raises(InputError, match=r"k=12 topics for 12 documents"):
        textstat_topic_k(corpus(), k_values=[2, 12], seed=1)
    assert textstat_topic_k(corpus(), k_values=[2], method="lda", seed=1)[
        "measure"].tolist() == ["umass", "npmi"]
    with pytest.raises(InputError, match=r"by names 'decade'.*add_year_bins"):
        textstat_topic_prevalence(SHARES, DOCUMENTS, by="decade", seed=1)
    with pytest.raises(InputError, match=r"doc_id 'a' of topic_shares is not in the documents"):
        textstat_topic_prevalence(SHARES, DOCUMENTS[DOCUMENTS["doc_id"] != "a"], seed=1)
    with pytest.raises(InputError, match=r"lacks a share for some document and topic"):
        textstat_topic_prevalence(SHARES.iloc[1:], DOCUMENTS, seed=1)
    with pytest.raises(InputError, match=r"^textstat_topic_prevalence: confidence \(e\.g\. 0\.95\) must be a number > 0 and < 1"):
        textstat_topic_prevalence(SHARES, DOCUMENTS, confidence=95, seed=1)
    with pytest.raises(InputError, match=r"term\(s\) zzz of the topics table are in no document"):
        textstat_topic_coherence(HAND_DFM, pd.DataFrame(
            {"topic": ["x", "x"], "term": ["a", "zzz"], "rank": [1, 2]}))
    with pytest.raises(InputError, match=r"measure must be one of 'umass', 'npmi', got 'cv'"):
        textstat_topic_coherence(HAND_DFM, HAND_TOPICS, measure="cv")


# --- figures -----------------------------------------------------------------------------------

# Latin words a Chinese figure may show: none of the fixed words, only data (topic names).
LATIN = re.compile(r"[A-Za-z]+")


def figure_texts(fig) -> list[str]:
    fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


@pytest.fixture(scope="module")
def fitted():
    model = textmodel_topics(corpus(), k=3, seed=5, seeds={"党的建设": ["纪律", "团结"]})
    documents = pd.DataFrame(
        {
            "doc_id": [f"d{i:02d}" for i in range(12)],
            "year": [2001, 2001, 2002, 2004, 2005, 2005, 2001, 2002, 2002, 2003, 2005, 2005],
            "genre": ["报告"] * 6 + ["决议"] * 6,
        }
    )
    prevalence = textstat_topic_prevalence(model.topic_shares, documents, by=["year", "genre"],
                                           bootstrap_resamples=200, seed=1)
    k_table = pd.DataFrame(
        {"k": [2, 2, 2, 3, 3, 3], "measure": ["umass", "npmi", "reconstruction_error"] * 2,
         "value": [0.15, 1.0, 0.27, -0.07, 0.76, 0.24]}
    )
    return model, prevalence, k_table


def draw_all(fitted, language):
    model, prevalence, k_table = fitted
    return [
        textplot_topic_terms(model.topics, seeds=model.seeds, language=language),
        textplot_topic_prevalence(prevalence, grouping="year", language=language),
        textplot_topic_prevalence(prevalence, grouping="genre", language=language),
        textplot_topic_k(k_table, language=language),
    ]


@pytest.fixture(scope="module")
def figures(fitted):
    """The four figures in each language, drawn once for the module."""
    return {language: draw_all(fitted, language) for language in ("en", "zh")}


def test_figures_draw_with_every_glyph_in_english_and_chinese(figures):
    for drawn in figures.values():
        for fig in drawn:
            check_glyphs(fig)
    english = " ".join(" ".join(t.split()) for fig in figures["en"] for t in figure_texts(fig))
    for words in ("Weight of the term in the topic", "seed term", "Mean topic share",
                  "bootstrap of documents", "Number of topics", "ringed: the best value",
                  "look for the elbow"):
        assert words in english


def test_chinese_figures_have_no_english_fixed_word(fitted, figures):
    data = sorted(fitted[0].topic_names, key=len, reverse=True)
    for fig in figures["zh"]:
        for text in figure_texts(fig):
            for name in data:  # topic names are data, shown as they are
                text = text.replace(name, "")
            assert not LATIN.findall(text), text


def test_the_prevalence_figure_needs_one_grouping_and_known_topics(fitted):
    _, prevalence, _ = fitted
    with pytest.raises(InputError, match=r"groupings year, genre; choose one with grouping="):
        textplot_topic_prevalence(prevalence)
    with pytest.raises(InputError, match=r"topic 'T9' is not in the table"):
        textplot_topic_prevalence(prevalence, grouping="year", topic_names=["T9"])
    with pytest.raises(InputError, match=r"language must be 'en' .English. or 'zh'"):
        textplot_topic_k(fitted[2], language="fr")
