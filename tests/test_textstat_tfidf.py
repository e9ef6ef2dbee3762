"""TF-IDF against values worked by hand, scikit-learn's TfidfVectorizer, invariants, and the five
study documents."""

from __future__ import annotations

from math import log, sqrt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata
from sklearn.feature_extraction.text import TfidfVectorizer
from strategies import token_table, word_documents

from analysis.errors import InputError
from analysis.features.dfm import dfm
from analysis.features.weighting import tfidf_matrix
from analysis.measures.tfidf import TFIDF_COLUMNS, describe_weighting, textstat_tfidf

# Three documents (N = 3). After dropping 的 (stopword) and 。 (punctuation):
#   a: 团结 团结 民主     b: 团结 班子     c: 班子
# df: 团结 2, 民主 1, 班子 2.
TOKENS = pd.DataFrame(
    [
        ("a", "团结", False, False), ("a", "的", False, True), ("a", "团结", False, False),
        ("a", "民主", False, False), ("a", "。", True, False),
        ("b", "团结", False, False), ("b", "班子", False, False),
        ("c", "班子", False, False),
    ],
    columns=["doc_id", "token", "is_punct", "is_stop"],
)

# smooth idf: 团结, 班子 ln(4/3) + 1 = 1.287682; 民主 ln(4/2) + 1 = 1.693147
# a: (2 · 1.287682, 1.693147) = (2.575364, 1.693147), ‖·‖₂ = 3.082085
#    → 团结 0.835592, 民主 0.549351
# b: 团结 and 班子 both 1.287682 → 1/√2 = 0.707107 each: a tie, both rank 1 (competition
#    ranking, as term_frequencies), listed by code point: 团 U+56E2 before 班 U+73ED
# c: 班子 alone → 1
SMOOTH_L2 = [
    ["a", "团结", 0.8355915419449176, 1],
    ["a", "民主", 0.5493512310263033, 2],
    ["b", "团结", 1 / sqrt(2), 1],
    ["b", "班子", 1 / sqrt(2), 1],
    ["c", "班子", 1.0, 1],
]

# classic idf ln(N/df): 团结 ln(3/2) = 0.405465, 民主 ln 3 = 1.098612
# a: (0.810930, 1.098612), ‖·‖₂ = 1.365488 → 民主 0.804557, 团结 0.593876 (order flips)
CLASSIC_A = [["a", "民主", 0.8045566825992793, 1], ["a", "团结", 0.5938758662252934, 2]]


def rows(frame: pd.DataFrame) -> list[list]:
    return frame.values.tolist()


def assert_rows(frame: pd.DataFrame, expected: list[list]) -> None:
    assert list(frame.columns) == TFIDF_COLUMNS
    assert frame[["doc_id", "term", "rank"]].values.tolist() == [
        [d, t, r] for d, t, _, r in expected
    ]
    np.testing.assert_allclose(frame["tfidf"].to_numpy(), [w for _, _, w, _ in expected],
                               rtol=1e-12)


def test_default_weighting_by_hand():
    assert_rows(textstat_tfidf(TOKENS), SMOOTH_L2)


def test_classic_idf_by_hand():
    out = textstat_tfidf(TOKENS, idf="classic", smooth_idf=False)
    assert_rows(out[out["doc_id"] == "a"], CLASSIC_A)


def test_classic_idf_drops_terms_found_in_every_document():
    # 团结 occurs in both documents: ln(2/2) = 0, and smoothed ln(3/3) = 0 as well.
    tokens = pd.DataFrame(
        [("x", "团结", False, False), ("x", "民主", False, False), ("y", "团结", False, False)],
        columns=["doc_id", "token", "is_punct", "is_stop"],
    )
    for smooth in (True, False):
        out = textstat_tfidf(tokens, idf="classic", smooth_idf=smooth)
        assert rows(out) == [["x", "民主", 1.0, 1]]
    # sklearn's idf keeps it at a positive weight (ln(3/3) + 1 = 1 against ln(3/2) + 1).
    assert len(textstat_tfidf(tokens)) == 3


def test_sublinear_tf_and_l1_norm_by_hand():
    a = textstat_tfidf(TOKENS, sublinear_tf=True).query("doc_id == 'a'")
    # tf(团结) = 1 + ln 2 = 1.693147: (2.180235, 1.693147) / 2.760431
    np.testing.assert_allclose(a["tfidf"], [0.7898069290660905, 0.6133555370249717], rtol=1e-12)
    a = textstat_tfidf(TOKENS, norm="l1").query("doc_id == 'a'")
    # (2.575364, 1.693147) / 4.268511
    np.testing.assert_allclose(a["tfidf"], [0.6033401222436511, 0.3966598777563489], rtol=1e-12)
    raw = textstat_tfidf(TOKENS, norm=None).query("doc_id == 'a'")
    np.testing.assert_allclose(raw["tfidf"], [2 * (log(4 / 3) + 1), log(2) + 1], rtol=1e-12)
    assert rows(textstat_tfidf(TOKENS, norm="none")) == rows(textstat_tfidf(TOKENS, norm=None))


def test_idf_none_is_normalised_term_frequency():
    a = textstat_tfidf(TOKENS, idf="none").query("doc_id == 'a'")
    np.testing.assert_allclose(a["tfidf"], [2 / sqrt(5), 1 / sqrt(5)], rtol=1e-12)


def test_top_n_keeps_the_best_per_document_and_none_keeps_all():
    assert rows(textstat_tfidf(TOKENS, top_n=1)) == [
        r for r in rows(textstat_tfidf(TOKENS)) if r[3] == 1
    ]
    assert len(textstat_tfidf(TOKENS, top_n=None)) == 5


# The weights of TOKENS worked by hand for every option, terms in code-point order
# (团结 U+56E2, 民主 U+6C11, 班子 U+73ED); N = 3, df: 团结 2, 民主 1, 班子 2.
HAND_IDF = {
    True: [log((1 + 3) / (1 + 2)) + 1, log((1 + 3) / (1 + 1)) + 1, log((1 + 3) / (1 + 2)) + 1],
    False: [log(3 / 2) + 1, log(3 / 1) + 1, log(3 / 2) + 1],
}
# tf: the counts a = (2, 1, 0), b = (1, 0, 1), c = (0, 0, 1), or 1 + ln n where n > 0.
HAND_TF = {
    False: [[2.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 0.0, 1.0]],
    True: [[1 + log(2), 1 + log(1), 0.0], [1 + log(1), 0.0, 1 + log(1)], [0.0, 0.0, 1 + log(1)]],
}


def hand_tfidf(smooth: bool, sublinear: bool, norm: str | None) -> list[list[float]]:
    rows = []
    for tf in HAND_TF[sublinear]:
        weights = [t * i for t, i in zip(tf, HAND_IDF[smooth], strict=True)]
        length = {
            "l2": sqrt(sum(w * w for w in weights)), "l1": sum(weights), None: 1.0
        }[norm]
        rows.append([w / length for w in weights])
    return rows


def test_hand_tfidf_agrees_with_the_values_worked_out_above():
    # SMOOTH_L2 in numbers: a = (0.835592, 0.549351, 0), b = (1/√2, 0, 1/√2), c = (0, 0, 1).
    expected = [[0.8355915419449176, 0.5493512310263033, 0.0], [1 / sqrt(2), 0.0, 1 / sqrt(2)],
                [0.0, 0.0, 1.0]]
    np.testing.assert_allclose(hand_tfidf(True, False, "l2"), expected, rtol=1e-15)
    # unsmoothed, sublinear, l1: a = ((1 + ln 2)(ln 1.5 + 1), ln 3 + 1) / sum
    a = [(1 + log(2)) * (log(1.5) + 1), log(3) + 1]
    np.testing.assert_allclose(
        hand_tfidf(False, True, "l1")[0], [a[0] / sum(a), a[1] / sum(a), 0.0], rtol=1e-15
    )


@pytest.mark.parametrize("smooth", [True, False])
@pytest.mark.parametrize("sublinear", [True, False])
@pytest.mark.parametrize("norm", ["l2", "l1", None])
def test_matches_hand_computation_and_scikit_learn_tfidf_vectorizer(smooth, sublinear, norm):
    d = dfm(TOKENS, docs=["a", "b", "c"])
    assert list(d.terms) == ["团结", "民主", "班子"]
    ours = tfidf_matrix(d, smooth_idf=smooth, sublinear_tf=sublinear, norm=norm).toarray()
    np.testing.assert_allclose(ours, hand_tfidf(smooth, sublinear, norm), rtol=1e-12, atol=0)
    # Second path: sklearn counts the token lists itself (identity analyzer).
    kept = TOKENS[~TOKENS["is_punct"] & ~TOKENS["is_stop"]]
    docs = kept.groupby("doc_id", sort=False)["token"].apply(list)
    vectorizer = TfidfVectorizer(
        analyzer=lambda doc: doc, smooth_idf=smooth, sublinear_tf=sublinear, norm=norm
    )
    theirs = vectorizer.fit_transform(docs.tolist()).toarray()
    names = list(vectorizer.get_feature_names_out())
    d = dfm(TOKENS, docs=list(docs.index))
    ours = tfidf_matrix(d, smooth_idf=smooth, sublinear_tf=sublinear, norm=norm).toarray()
    np.testing.assert_allclose(ours, theirs[:, [names.index(t) for t in d.terms]], rtol=1e-12)


@pytest.mark.parametrize(("min_df", "max_df"), [(1, 1.0), (2, 1.0), (1, 0.5), (1, 1), (2, 2)])
def test_document_frequency_limits_match_scikit_learn(min_df, max_df):
    kept = TOKENS[~TOKENS["is_punct"] & ~TOKENS["is_stop"]]
    docs = kept.groupby("doc_id", sort=False)["token"].apply(list)
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, min_df=min_df, max_df=max_df)
    theirs = vectorizer.fit_transform(docs.tolist()).tocoo()
    names = vectorizer.get_feature_names_out()
    cells = zip(theirs.row, theirs.col, theirs.data, strict=True)
    expected = sorted((docs.index[r], names[c], v) for r, c, v in cells)
    ours = textstat_tfidf(TOKENS, min_df=min_df, max_df=max_df, top_n=None)
    got = sorted(ours[["doc_id", "term", "tfidf"]].itertuples(index=False, name=None))
    assert [(d, t) for d, t, _ in got] == [(d, t) for d, t, _ in expected]
    np.testing.assert_allclose([w for *_, w in got], [w for *_, w in expected], rtol=1e-12)


def test_max_df_leaves_out_the_words_every_document_uses():
    # df: 团结 2, 班子 2, 民主 1 of 3 documents; at most half of them (1.5) keeps only 民主
    assert set(textstat_tfidf(TOKENS, max_df=0.5)["term"]) == {"民主"}
    assert set(textstat_tfidf(TOKENS, min_df=2)["term"]) == {"团结", "班子"}


def test_the_weighting_is_described_for_a_caption():
    assert describe_weighting() == (
        "weight = count × (ln((1+N)/(1+df)) + 1), scaled to unit length"
    )
    assert describe_weighting(
        idf="classic", smooth_idf=False, sublinear_tf=True, norm="none", max_df=0.8, top_n=20
    ) == "weight = (1 + ln(count)) × ln(N/df); terms in at most 80%"
    assert describe_weighting(language="zh", max_df=0.8) == (
        "权重 = 词频 × (ln((1+N)/(1+df)) + 1)，归一化为单位长度；仅保留至多出现在 80% 的文档中的词"
    )


def test_accepts_a_dfm_and_does_not_mutate_its_input():
    before = TOKENS.copy()
    d = dfm(TOKENS)
    matrix_before = d.matrix.toarray().copy()
    assert rows(textstat_tfidf(d)) == rows(textstat_tfidf(TOKENS))
    pd.testing.assert_frame_equal(TOKENS, before)
    np.testing.assert_array_equal(d.matrix.toarray(), matrix_before)


def test_empty_documents_and_empty_tables():
    d = dfm(TOKENS, docs=["a", "b", "c", "empty"])
    assert "empty" not in set(textstat_tfidf(d)["doc_id"])
    out = textstat_tfidf(TOKENS.iloc[:0])
    assert list(out.columns) == TFIDF_COLUMNS and out.empty


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"norm": "l3"}, "norm must be one of"),
        ({"idf": "bm25"}, "idf must be one of"),
        ({"smooth_idf": "yes"}, "smooth_idf must be true or false"),
        ({"sublinear_tf": 1}, "sublinear_tf must be true or false"),
        ({"top_n": 0}, "top_n must be a whole number"),
        ({"top_n": 2.5}, "top_n must be a whole number"),
        ({"top_n": True}, "top_n must be a whole number"),
        ({"max_df": 1.5}, "max_df must be a whole number of documents"),
        ({"min_df": 0}, "min_df must be a whole number of documents"),
        ({"max_df": "80%"}, "max_df must be a whole number of documents"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        textstat_tfidf(TOKENS, **kwargs)


def test_bad_input_is_explained():
    with pytest.raises(InputError, match="expected a tokens table"):  # the CLI reports these
        textstat_tfidf([["团结"]])
    with pytest.raises(ValueError, match=r"the tokens table lacks column\(s\) is_stop"):
        textstat_tfidf(TOKENS.drop(columns="is_stop"))


# --- invariants on random corpora -------------------------------------------------------------

VOCAB = ["团结", "民主", "集中", "班子", "一把手", "制度"]


def corpora():
    """Tokens of 1–5 documents named out of alphabetical order, each of 1–12 words."""
    return word_documents(
        VOCAB, docs=(1, 5), names="pqrstu", sentences=(1, 1), words=(1, 12)
    ).map(token_table)


weighting = st.fixed_dictionaries(
    {
        "smooth_idf": st.booleans(),
        "sublinear_tf": st.booleans(),
        "idf": st.sampled_from(["sklearn", "classic", "none"]),
    }
)


@settings(max_examples=60, deadline=None)
@given(corpora(), weighting)
def test_rows_are_unit_length_and_ranks_consistent(tokens, options):
    out = textstat_tfidf(tokens, top_n=None, **options)
    assert (out["tfidf"] > 0).all()
    sums = out.groupby("doc_id")["tfidf"].apply(lambda w: float(np.sum(w**2)))
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)
    for _, group in out.groupby("doc_id", sort=False):
        # competition ranking (scipy's "min"): ties share the best rank
        assert group["rank"].tolist() == rankdata(-group["tfidf"], method="min").tolist()
        # rows follow the weight down, then the term
        keys = list(zip(-group["tfidf"], group["term"], strict=True))
        assert keys == sorted(keys)
    assert out["doc_id"].tolist() == sorted(out["doc_id"])


@settings(max_examples=60, deadline=None)
@given(corpora(), weighting, st.randoms(use_true_random=False))
def test_document_order_changes_nothing(tokens, options, rnd):
    ids = list(pd.unique(tokens["doc_id"]))
    rnd.shuffle(ids)
    shuffled = pd.concat([tokens[tokens["doc_id"] == i] for i in ids], ignore_index=True)
    pd.testing.assert_frame_equal(
        textstat_tfidf(tokens, top_n=3, **options), textstat_tfidf(shuffled, top_n=3, **options)
    )


# --- the five study documents -----------------------------------------------------------------


def test_study_documents(study_corpus):
    out = textstat_tfidf(study_corpus.tokens)
    # top_n = 20 (settings.yml): ranks 1–20, and the terms tied at the cut all kept
    assert out["rank"].max() == 20 and out.groupby("doc_id").size().tolist() == [21, 20, 22, 20, 23]
    for _, group in out.groupby("doc_id"):
        assert group["tfidf"].iloc[19:].nunique() == 1
    top = out[out["rank"] == 1].set_index("doc_id")["term"].to_dict()
    assert top == {
        "cidu_opinion_2005": "活动",
        "cityoffice_speech_2003": "工作",
        "jilin_news_2007": "和谐班子",
        "nansha_speech_2007": "班子",
        "yangzhou_opinion_2007": "发展",
    }
    weight = out.set_index(["doc_id", "term"])["tfidf"]
    # numbers and list markers are not terms (is_number), so the vectors hold words only
    assert weight["cityoffice_speech_2003", "办公厅"] == pytest.approx(0.338707, abs=1e-6)
    assert weight["cidu_opinion_2005", "四强一硬"] == pytest.approx(0.248497, abs=1e-6)
    # Four Jilin terms tie at 0.260922: all rank 2, listed by code point: 全 < 和 < 按 < 王.
    jilin = out[(out["doc_id"] == "jilin_news_2007") & (out["rank"] == 2)]
    assert jilin["term"].tolist() == ["全省", "和谐共事", "按章办事", "王珉"]
    assert jilin["tfidf"].nunique() == 1
