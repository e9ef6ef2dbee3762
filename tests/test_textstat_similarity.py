"""Cosine and Jaccard similarity and the clustering of documents against values worked by hand,
scikit-learn and scipy, invariants, and the five study documents."""

from __future__ import annotations

from math import sqrt

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.cluster import hierarchy
from scipy.spatial.distance import jaccard as jaccard_distance
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
from strategies import token_table, word_documents

from analysis.errors import InputError
from analysis.features.dfm import dfm
from analysis.measures.similarity import (
    MERGE_COLUMNS,
    SIMILARITY_COLUMNS,
    _close_pairs,
    _condensed_distances,
    _cosine_dense,
    _weights,
    similarity_and_clustering,
    textmodel_hclust,
    textstat_simil,
)

# After dropping 的 and 。:  a: 团结 团结 民主    b: 团结 班子    c: 班子
TOKENS = pd.DataFrame(
    [
        ("c", "班子", False, False),
        ("a", "团结", False, False), ("a", "的", False, True), ("a", "团结", False, False),
        ("a", "民主", False, False), ("a", "。", True, False),
        ("b", "团结", False, False), ("b", "班子", False, False),
    ],
    columns=["doc_id", "token", "is_punct", "is_stop"],
)
# Unit TF-IDF vectors (smooth idf, see test_textstat_tfidf): over (团结, 民主, 班子)
#   a = (0.835592, 0.549351, 0)   b = (0.707107, 0, 0.707107)   c = (0, 0, 1)
# cosine(a, b) = 0.835592 · 0.707107 = 0.590852;  cosine(a, c) = 0;  cosine(b, c) = 0.707107
# Jaccard: {团结, 民主} vs {团结, 班子} = 1/3; a vs c = 0/3; {团结, 班子} vs {班子} = 1/2
COS_AB = 0.5908524456113746
EXPECTED_UPPER = [
    ["a", "a", 1.0, 1.0],
    ["a", "b", COS_AB, 1 / 3],
    ["a", "c", 0.0, 0.0],
    ["b", "b", 1.0, 1.0],
    ["b", "c", 1 / sqrt(2), 1 / 2],
    ["c", "c", 1.0, 1.0],
]


def assert_table(frame: pd.DataFrame, expected: list[list]) -> None:
    assert list(frame.columns) == SIMILARITY_COLUMNS
    assert frame[["doc_a", "doc_b"]].values.tolist() == [[a, b] for a, b, _, _ in expected]
    np.testing.assert_allclose(frame["cosine"], [c for _, _, c, _ in expected], rtol=1e-12)
    np.testing.assert_allclose(frame["jaccard"], [j for _, _, _, j in expected], rtol=1e-12)


def test_upper_pairs_by_hand():
    assert_table(textstat_simil(TOKENS, pairs="upper"), EXPECTED_UPPER)


def test_all_ordered_pairs_by_hand():
    mirrored = EXPECTED_UPPER + [[b, a, c, j] for a, b, c, j in EXPECTED_UPPER if a != b]
    assert_table(textstat_simil(TOKENS), sorted(mirrored, key=lambda r: (r[0], r[1])))


def test_min_cosine_keeps_only_close_pairs():
    assert_table(
        textstat_simil(TOKENS, pairs="upper", min_cosine=0.6),
        [r for r in EXPECTED_UPPER if r[2] >= 0.6],
    )
    full = textstat_simil(TOKENS)
    pd.testing.assert_frame_equal(
        textstat_simil(TOKENS, min_cosine=0.5),
        full[full["cosine"] >= 0.5].reset_index(drop=True),
    )


def test_classic_idf_changes_the_cosine():
    # classic smoothed idf: 团结, 班子 ln(4/3) = 0.287682, 民主 ln 2 = 0.693147
    # a = (0.575364, 0.693147)/0.900831, b = (1, 0, 1)/√2 → cosine 0.638704 · 0.707107 = 0.451632
    out = textstat_simil(TOKENS, idf="classic", pairs="upper").set_index(["doc_a", "doc_b"])
    assert out.loc[("a", "b"), "cosine"] == pytest.approx(0.4516316, abs=1e-7)
    assert out.loc[("a", "b"), "jaccard"] == pytest.approx(1 / 3)  # vocabularies unchanged


def test_matches_scikit_learn_and_scipy():
    kept = TOKENS[~TOKENS["is_punct"] & ~TOKENS["is_stop"]]
    docs = kept.groupby("doc_id")["token"].apply(list)  # sorted doc ids, like our output
    weights = TfidfVectorizer(analyzer=lambda doc: doc).fit_transform(docs.tolist())
    cosine = cosine_similarity(weights)
    vocab = sorted(set(kept["token"]))
    present = np.array([[t in set(toks) for t in vocab] for toks in docs])
    n = len(docs)
    jaccard = np.array(
        [[1 - jaccard_distance(present[i], present[j]) for j in range(n)] for i in range(n)]
    )
    out = textstat_simil(TOKENS)
    np.testing.assert_allclose(out["cosine"].to_numpy().reshape(n, n), cosine, rtol=1e-12)
    np.testing.assert_allclose(out["jaccard"].to_numpy().reshape(n, n), jaccard, rtol=1e-12)


def test_undefined_similarities_are_nan():
    out = textstat_simil(dfm(TOKENS, docs=["a", "b", "c", "empty"]), pairs="upper")
    with_empty = out[(out["doc_a"] == "empty") | (out["doc_b"] == "empty")]
    assert with_empty["cosine"].isna().all()
    # an empty vocabulary shares nothing with a's: 0/2; with itself 0/0 is undefined
    assert with_empty["jaccard"].isna().tolist() == [False, False, False, True]
    assert with_empty["jaccard"].iloc[:3].tolist() == [0.0, 0.0, 0.0]


def test_does_not_mutate_input():
    before = TOKENS.copy()
    textstat_simil(TOKENS)
    textmodel_hclust(TOKENS)
    pd.testing.assert_frame_equal(TOKENS, before)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pairs": "lower"}, "pairs must be"),
        ({"min_cosine": 0}, r"^textstat_simil: min_cosine must be a number > 0 and ≤ 1, got 0; or None"),
        ({"min_cosine": 1.5}, "min_cosine must be"),
        ({"min_cosine": "0.5"}, "min_cosine must be"),
        ({"idf": "bm25"}, "idf must be one of"),
        ({"smooth_idf": None}, "smooth_idf must be true or false"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        textstat_simil(TOKENS, **kwargs)


# --- clustering -------------------------------------------------------------------------------


def test_average_linkage_by_hand():
    # cosine distances: d(a,b) = 1 − 0.590852 = 0.409148, d(a,c) = 1, d(b,c) = 0.292893.
    # step 1 joins b and c at 0.292893; step 2 joins a to {b, c} at the mean of d(a,b) and
    # d(a,c): (0.409148 + 1) / 2 = 0.704574.
    result = textmodel_hclust(TOKENS)
    assert list(result.merges.columns) == MERGE_COLUMNS
    assert result.merges[["step", "left", "right", "size", "members"]].values.tolist() == [
        [1, "b", "c", 2, "b; c"],
        [2, "a", "step 1", 3, "a; b; c"],
    ]
    np.testing.assert_allclose(
        result.merges["distance"], [1 - 1 / sqrt(2), (1 - COS_AB + 1) / 2], rtol=1e-12
    )
    assert list(result.docs) == ["a", "b", "c"]
    assert result.leaves == ["a", "b", "c"]
    np.testing.assert_allclose(result.linkage_matrix[:, :2], [[1, 2], [0, 3]])


def test_complete_and_single_linkage_by_hand():
    # complete: max(0.409148, 1) = 1; single: min(0.409148, 1) = 0.409148
    complete = textmodel_hclust(TOKENS, linkage="complete").merges["distance"]
    single = textmodel_hclust(TOKENS, linkage="single").merges["distance"]
    assert complete.iloc[1] == pytest.approx(1.0)
    assert single.iloc[1] == pytest.approx(1 - COS_AB)


def test_linkage_matches_scipy_on_sklearn_distances():
    kept = TOKENS[~TOKENS["is_punct"] & ~TOKENS["is_stop"]]
    docs = kept.groupby("doc_id")["token"].apply(list)
    distance = 1 - cosine_similarity(TfidfVectorizer(analyzer=lambda d: d).fit_transform(docs))
    np.fill_diagonal(distance, 0)
    expected = hierarchy.linkage(squareform(distance, checks=False), method="average")
    np.testing.assert_allclose(textmodel_hclust(TOKENS).linkage_matrix, expected, rtol=1e-12)


def test_clustering_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match=r"without any weighted term.*empty"):
        textmodel_hclust(dfm(TOKENS, docs=["a", "b", "c", "empty"]))
    with pytest.raises(ValueError, match="at least 2 documents"):
        textmodel_hclust(TOKENS[TOKENS["doc_id"] == "a"])
    with pytest.raises(InputError, match="linkage must be one of"):  # the CLI reports these
        textmodel_hclust(TOKENS, linkage="ward")


# --- invariants on random corpora -------------------------------------------------------------

VOCAB = ["团结", "民主", "集中", "班子", "一把手", "制度"]


def corpora():
    """Tokens of 2–5 documents named out of alphabetical order, each of 1–12 words."""
    return word_documents(
        VOCAB, docs=(2, 5), names="pqrstu", sentences=(1, 1), words=(1, 12)
    ).map(token_table)


@settings(max_examples=60, deadline=None)
@given(corpora(), st.booleans(), st.booleans())
def test_symmetric_bounded_and_self_similar(tokens, sublinear, smooth):
    out = textstat_simil(tokens, sublinear_tf=sublinear, smooth_idf=smooth)
    n = tokens["doc_id"].nunique()
    assert len(out) == n * n
    cosine = out["cosine"].to_numpy().reshape(n, n)
    jaccard = out["jaccard"].to_numpy().reshape(n, n)
    np.testing.assert_array_equal(cosine, cosine.T)
    np.testing.assert_array_equal(jaccard, jaccard.T)
    np.testing.assert_array_equal(np.diag(cosine), 1.0)
    np.testing.assert_array_equal(np.diag(jaccard), 1.0)
    assert ((cosine >= 0) & (cosine <= 1)).all() and ((jaccard >= 0) & (jaccard <= 1)).all()


@settings(max_examples=60, deadline=None)
@given(corpora(), st.sampled_from([0.1, 0.3, 0.6, 1.0]), st.sampled_from(["all", "upper"]))
def test_threshold_is_a_filter_of_the_full_table(tokens, threshold, pairs):
    full = textstat_simil(tokens, pairs=pairs)
    pd.testing.assert_frame_equal(
        textstat_simil(tokens, pairs=pairs, min_cosine=threshold),
        full[full["cosine"] >= threshold].reset_index(drop=True),
    )


def test_threshold_blocks_give_the_same_pairs():
    # tiny blocks (one row at a time) against one block: the blocking must not matter
    d = dfm(TOKENS, docs=["a", "b", "c"])
    unit, presence, weighted = _weights(d, "test", True, False, "sklearn")
    one = _close_pairs(unit, presence, weighted, 0.5)
    many = _close_pairs(unit, presence, weighted, 0.5, cells=1)
    for x, y in zip(one, many, strict=True):
        np.testing.assert_array_equal(x, y)
    # (a,a) (a,b) 0.59 (b,b) (b,c) 0.71 (c,c); (a,c) = 0 is left out
    assert one[0].tolist() == [0, 0, 1, 1, 2] and one[1].tolist() == [0, 1, 1, 2, 2]


@settings(max_examples=60, deadline=None)
@given(corpora(), st.integers(min_value=1, max_value=30))
def test_clustering_distances_by_blocks_are_the_dense_ones(tokens, cells):
    # blocks of a few products (one row at a time when cells < n) against the dense n × n way
    # the clustering used before: the same numbers, bit for bit
    unit, _, weighted = _weights(dfm(tokens), "test", True, False, "sklearn")
    assume(weighted.all())  # clustering refuses documents without weight
    dense = np.clip(1.0 - _cosine_dense(unit, weighted), 0.0, 1.0)
    np.fill_diagonal(dense, 0.0)
    blocked = _condensed_distances(unit, cells=cells)
    assert blocked.tobytes() == squareform(dense, checks=False).tobytes()


@settings(max_examples=60, deadline=None)
@given(
    corpora(),
    st.sampled_from(["all", "upper"]),
    st.sampled_from([None, 0.1, 0.5]),
    st.sampled_from(["average", "complete", "single", "weighted"]),
    st.booleans(),
    st.sampled_from([1, 4_000_000]),
)
def test_one_pass_gives_what_the_two_functions_give(
    tokens, pairs, min_cosine, linkage, sublinear, cells
):
    import analysis.measures.similarity as similarity

    weighting = {"sublinear_tf": sublinear}
    simil = {"pairs": pairs, "min_cosine": min_cosine, **weighting}
    clust = {"linkage": linkage, **weighting}
    original = similarity.BLOCK_CELLS
    similarity.BLOCK_CELLS = cells  # 1: a block per document
    try:
        table, clustering = similarity_and_clustering(tokens, similarity=simil, clustering=clust)
    finally:
        similarity.BLOCK_CELLS = original
    pd.testing.assert_frame_equal(table, textstat_simil(tokens, **simil), check_exact=True)
    alone = textmodel_hclust(tokens, **clust)
    assert clustering.linkage_matrix.tobytes() == alone.linkage_matrix.tobytes()
    pd.testing.assert_frame_equal(clustering.merges, alone.merges, check_exact=True)
    assert clustering.leaves == alone.leaves


def test_one_pass_falls_back_to_two_when_the_weighting_differs_and_checks_options():
    table, clustering = similarity_and_clustering(
        TOKENS, similarity={"pairs": "upper"}, clustering={"sublinear_tf": True}
    )
    pd.testing.assert_frame_equal(table, textstat_simil(TOKENS, pairs="upper"))
    alone = textmodel_hclust(TOKENS, sublinear_tf=True)
    np.testing.assert_array_equal(clustering.linkage_matrix, alone.linkage_matrix)
    with pytest.raises(InputError, match="textstat_simil has no option top_n"):
        similarity_and_clustering(TOKENS, similarity={"top_n": 3})
    with pytest.raises(InputError, match="textmodel_hclust has no option top_n"):  # two calls
        similarity_and_clustering(TOKENS, clustering={"top_n": 3, "sublinear_tf": True})
    with pytest.raises(InputError, match=r"^textmodel_hclust: linkage must be one of"):
        similarity_and_clustering(TOKENS, clustering={"linkage": "ward"})
    with pytest.raises(InputError, match=r"^textstat_simil: min_cosine must be"):
        similarity_and_clustering(TOKENS, similarity={"min_cosine": 0})
    with pytest.raises(InputError, match=r"^textmodel_hclust: documents without any weighted"):
        similarity_and_clustering(dfm(TOKENS, docs=["a", "b", "c", "empty"]))


@settings(max_examples=60, deadline=None)
@given(corpora(), st.randoms(use_true_random=False))
def test_document_order_changes_nothing(tokens, rnd):
    ids = list(pd.unique(tokens["doc_id"]))
    rnd.shuffle(ids)
    shuffled = pd.concat([tokens[tokens["doc_id"] == i] for i in ids], ignore_index=True)
    pd.testing.assert_frame_equal(textstat_simil(tokens), textstat_simil(shuffled))
    first, second = textmodel_hclust(tokens), textmodel_hclust(shuffled)
    pd.testing.assert_frame_equal(first.merges, second.merges)
    assert first.leaves == second.leaves


# --- the five study documents -----------------------------------------------------------------


def test_study_documents(study_corpus):
    out = textstat_simil(study_corpus.tokens)
    assert len(out) == 25
    pair = out.set_index(["doc_a", "doc_b"])
    assert pair.loc[("cityoffice_speech_2003", "yangzhou_opinion_2007"), "cosine"] == (
        pytest.approx(0.364989, abs=1e-6)
    )
    assert pair.loc[("cidu_opinion_2005", "jilin_news_2007"), "cosine"] == (
        pytest.approx(0.126907, abs=1e-6)
    )
    assert pair.loc[("nansha_speech_2007", "jilin_news_2007"), "jaccard"] == (
        pytest.approx(0.063391, abs=1e-6)
    )
    clustering = textmodel_hclust(study_corpus.tokens)  # average linkage (settings.yml)
    # the two long policy texts join first; the short Jilin news report joins last
    assert clustering.merges["members"].iloc[0] == "cityoffice_speech_2003; yangzhou_opinion_2007"
    assert clustering.merges["left"].iloc[-1] == "jilin_news_2007"
    assert clustering.merges["distance"].iloc[0] == pytest.approx(1 - 0.364989, abs=1e-6)
