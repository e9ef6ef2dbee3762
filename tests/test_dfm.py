"""The document-feature matrix against counts done by hand and by scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from analysis.features.dfm import dfm, dfm_group, dfm_select_docs, dfm_trim

# Three tiny documents: tokens with punctuation and stopword flags.
TOKENS = pd.DataFrame(
    [
        ("a", "团结", False, False),
        ("a", "的", False, True),
        ("a", "团结", False, False),
        ("a", "。", True, False),
        ("b", "民主", False, False),
        ("b", "团结", False, False),
        ("c", "一把手", False, False),
        ("c", "民主", False, False),
        ("c", "民主", False, False),
    ],
    columns=["doc_id", "token", "is_punct", "is_stop"],
)


def test_counts_drop_punctuation_and_stopwords_by_default():
    d = dfm(TOKENS)
    assert list(d.docs) == ["a", "b", "c"]
    assert list(d.terms) == sorted(["一把手", "团结", "民主"])
    dense = pd.DataFrame(d.matrix.toarray(), index=d.docs, columns=d.terms)
    assert (
        dense.loc["a", "团结"] == 2
        and dense.loc["c", "民主"] == 2
        and dense.loc["b", "一把手"] == 0
    )
    assert d.doc_totals().tolist() == [2, 2, 3]
    assert d.doc_freq()["民主"] == 2


def test_flags_can_be_kept():
    d = dfm(TOKENS, remove_punct=False, remove_stop=False)
    assert d.doc_totals().tolist() == [4, 2, 3]


def test_matches_scikit_learn_count_vectorizer():
    docs = {"x": ["领导", "班子", "领导"], "y": ["班子", "团结", "团结", "团结"]}
    tokens = pd.DataFrame(
        [(k, t, False, False) for k, v in docs.items() for t in v],
        columns=["doc_id", "token", "is_punct", "is_stop"],
    )
    ours = dfm(tokens)
    vectorizer = CountVectorizer(analyzer=lambda doc: doc)
    theirs = vectorizer.fit_transform(list(docs.values()))
    order = [list(vectorizer.get_feature_names_out()).index(t) for t in ours.terms]
    np.testing.assert_array_equal(ours.matrix.toarray(), theirs.toarray()[:, order])


def test_docs_fix_the_rows_and_may_be_empty():
    d = dfm(TOKENS, docs=["c", "empty", "a", "b"])
    assert list(d.docs) == ["c", "empty", "a", "b"]
    assert d.doc_totals().tolist() == [3, 0, 2, 2]
    with pytest.raises(ValueError, match="doc_id 'c'"):
        dfm(TOKENS, docs=["a", "b"])



def test_selecting_docs_from_the_default_matrix_is_building_it_with_docs():
    docs = ["c", "empty", "a", "b"]
    chosen, built = dfm_select_docs(dfm(TOKENS), docs), dfm(TOKENS, docs=docs)
    assert list(chosen.docs) == docs and list(chosen.terms) == list(built.terms)
    assert chosen.matrix.dtype == built.matrix.dtype
    assert (chosen.matrix != built.matrix).nnz == 0
    np.testing.assert_array_equal(chosen.matrix.indptr, built.matrix.indptr)
    np.testing.assert_array_equal(chosen.matrix.indices, built.matrix.indices)
    with pytest.raises(ValueError, match=r"doc_id 'c'.*not in docs"):
        dfm_select_docs(dfm(TOKENS), ["a", "b"])
    with pytest.raises(ValueError, match="twice"):
        dfm_select_docs(dfm(TOKENS), ["a", "b", "c", "a"])

def test_permuting_documents_permutes_rows_only():
    d1 = dfm(TOKENS)
    d2 = dfm(TOKENS.iloc[::-1].reset_index(drop=True))
    assert list(d1.terms) == list(d2.terms)
    np.testing.assert_array_equal(d1.matrix.toarray(), d2.matrix[[2, 1, 0]].toarray())


def test_long_form_and_groups_and_trim():
    d = dfm(TOKENS)
    assert d.to_long().values.tolist() == [
        ["a", "团结", 2],
        ["b", "团结", 1],
        ["b", "民主", 1],
        ["c", "一把手", 1],
        ["c", "民主", 2],
    ]
    g = dfm_group(d, {"a": "speech", "b": "opinion", "c": "speech"})
    assert list(g.docs) == ["speech", "opinion"]
    assert g.doc_totals().tolist() == [5, 2]
    with pytest.raises(ValueError, match="no group for doc_id 'c'"):
        dfm_group(d, {"a": "x", "b": "y"})
    t = dfm_trim(d, min_count=2, min_docs=2)
    assert list(t.terms) == ["团结", "民主"]


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"^dfm: the tokens table lacks column\(s\) is_stop; pass corpus.tokens"):
        dfm(TOKENS.drop(columns=["is_stop"]))
