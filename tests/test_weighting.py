"""TF-IDF weighting of a Dfm (analysis.features.weighting) against values worked by hand, and
its argument checks."""

from __future__ import annotations

from math import log, sqrt

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis.errors import InputError
from analysis.features.dfm import Dfm
from analysis.features.weighting import check_weighting, tfidf_matrix

# Three documents over 团结, 民主, 班子 (columns): a = (2, 1, 0), b = (1, 0, 1), c = (1, 0, 1).
# 团结 is in every document (df 3), 民主 in one (df 1), 班子 in two (df 2); N = 3.
COUNTS = Dfm(
    sparse.csr_matrix(np.array([[2, 1, 0], [1, 0, 1], [1, 0, 1]], dtype=np.int64)),
    pd.Index(["a", "b", "c"], name="doc_id", dtype=object),
    pd.Index(["团结", "民主", "班子"], name="term", dtype=object),
)


def test_classic_idf_gives_zero_to_a_term_in_every_document_and_drops_the_cell():
    weights = tfidf_matrix(COUNTS, idf="classic", smooth_idf=False, norm="none")
    # ln(N / df): 团结 ln(3/3) = 0, 民主 ln 3, 班子 ln(3/2); tf the raw counts.
    expected = [[0.0, log(3), 0.0], [0.0, 0.0, log(3 / 2)], [0.0, 0.0, log(3 / 2)]]
    np.testing.assert_allclose(weights.toarray(), expected, rtol=1e-15, atol=0)
    assert weights.nnz == 3  # the zero weights of 团结 are not stored
    assert weights.dtype == np.float64


def test_smoothed_classic_idf_with_l1_norm_by_hand():
    weights = tfidf_matrix(COUNTS, idf="classic", smooth_idf=True, norm="l1").toarray()
    # ln((1 + N) / (1 + df)): 团结 ln(4/4) = 0, 民主 ln 2, 班子 ln(4/3). Row a has only 民主 left
    # (weight 1 after l1), b and c only 班子.
    np.testing.assert_allclose(weights, [[0, 1, 0], [0, 0, 1], [0, 0, 1]], rtol=1e-15, atol=0)
    only_tuanjie = Dfm(COUNTS.matrix[:, :1].tocsr(), COUNTS.docs, COUNTS.terms[:1])
    # A document whose every term weighs 0 keeps an empty row (zeros, not NaN).
    empty_rows = tfidf_matrix(only_tuanjie, idf="classic", norm="l2")
    assert empty_rows.nnz == 0 and empty_rows.shape == (3, 1)


def test_sublinear_sklearn_idf_with_l2_norm_by_hand():
    weights = tfidf_matrix(COUNTS, sublinear_tf=True, smooth_idf=False).toarray()
    # tf 1 + ln n; idf ln(N / df) + 1: 团结 1, 民主 ln 3 + 1, 班子 ln 1.5 + 1.
    a = [(1 + log(2)) * 1.0, 1.0 * (log(3) + 1), 0.0]
    b = [1.0, 0.0, log(1.5) + 1]
    for got, row in zip(weights, (a, b, b), strict=True):
        length = sqrt(sum(w * w for w in row))
        np.testing.assert_allclose(got, [w / length for w in row], rtol=1e-12, atol=0)


def test_idf_none_and_norm_none_leave_the_counts():
    weights = tfidf_matrix(COUNTS, idf="none", norm=None)
    np.testing.assert_array_equal(weights.toarray(), COUNTS.matrix.toarray().astype(float))
    np.testing.assert_array_equal(
        tfidf_matrix(COUNTS, idf="none", norm="none").toarray(), weights.toarray()
    )


def test_an_empty_dfm_gives_an_empty_matrix():
    empty = Dfm(sparse.csr_matrix((2, 0), dtype=np.int64), pd.Index(["a", "b"]), pd.Index([]))
    assert tfidf_matrix(empty).shape == (2, 0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"smooth_idf": "yes"}, r"^textstat_x: smooth_idf must be true or false, got 'yes'$"),
        ({"sublinear_tf": 1}, r"^textstat_x: sublinear_tf must be true or false, got 1$"),
        ({"idf": "bm25"},
         r"^textstat_x: idf must be one of 'sklearn', 'classic', 'none', got 'bm25'$"),
        ({"norm": "l3"}, r"^textstat_x: norm must be one of 'l2', 'l1', 'none', got 'l3'$"),
    ],
)
def test_bad_weighting_options_name_the_caller_and_the_choices(options, message):
    arguments = {"smooth_idf": True, "sublinear_tf": False, "idf": "sklearn", **options}
    with pytest.raises(InputError, match=message):
        check_weighting("textstat_x", **arguments)
    with pytest.raises(InputError, match=message.replace("textstat_x", "tfidf_matrix")):
        tfidf_matrix(COUNTS, **arguments)


def test_good_weighting_options_pass():
    check_weighting("t", smooth_idf=np.bool_(True), sublinear_tf=False, idf="classic", norm=None)
