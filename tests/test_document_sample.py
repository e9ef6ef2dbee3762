"""Which documents a figure shows when a corpus has more than fit (analysis.plots.document_sample)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.plots.document_sample import representative_documents

# Ten documents of two genres, their files in an order unrelated to their years.
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["k", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
        "year": [2001, 1990, 1991, 1992, 1993, 1994, 1995, 1996, 1997, 1998],
        "genre": ["opinion", "speech", "speech", "speech", "speech", "speech", "speech",
                  "opinion", "opinion", None],
    }
)


def test_documents_are_spread_evenly_over_the_years_first_and_last_included():
    sample = representative_documents(DOCUMENTS, 4)
    # By year: b c d e f g h i j k; positions round(i × 9 / 3) = 0, 3, 6, 9.
    assert sample.doc_ids == ["b", "e", "h", "k"]
    assert sample.by_year and sample.by_group is None


def test_groups_share_the_places_in_proportion_each_at_least_one():
    sample = representative_documents(DOCUMENTS, 4, grouping="genre")
    # speech has 6 documents, opinion 3 (j has no genre): one place each, then the two left
    # by largest remainder of 2 × (5, 2) / 7 = (1.43, 0.57): speech 1 + 1, then opinion 1 + 1.
    assert sample.doc_ids == ["b", "g", "h", "k"]
    assert sample.by_group == "genre"
    # Three places: one each, the third to speech (remainder 5/7 against 2/7).
    assert representative_documents(DOCUMENTS, 3, grouping="genre").doc_ids == ["b", "g", "h"]


def test_without_years_the_order_is_doc_id_and_small_corpora_are_kept_whole():
    no_years = DOCUMENTS.drop(columns="year")
    assert representative_documents(no_years, 2).doc_ids == ["b", "k"]
    assert not representative_documents(no_years, 2).by_year
    assert representative_documents(DOCUMENTS, 20).doc_ids == list("bcdefghijk")
    # One group only, or a column that is not there: no grouping.
    assert representative_documents(DOCUMENTS.assign(genre="x"), 3, grouping="genre").by_group \
        is None
    assert representative_documents(DOCUMENTS, 3, grouping="level").doc_ids == ["b", "f", "k"]


def test_more_groups_than_places_takes_the_largest_groups():
    docs = pd.DataFrame({"doc_id": list("abcdef"), "g": ["x", "x", "x", "y", "y", "z"]})
    assert representative_documents(docs, 2, grouping="g").doc_ids == ["a", "d"]


def test_the_input_is_not_changed_and_bad_arguments_are_named():
    before = DOCUMENTS.copy()
    representative_documents(DOCUMENTS, 4, grouping="genre")
    pd.testing.assert_frame_equal(DOCUMENTS, before)
    with pytest.raises(InputError, match="n must be a whole number"):
        representative_documents(DOCUMENTS, 0)
    with pytest.raises(InputError, match="documents table"):
        representative_documents(pd.DataFrame({"x": [1]}), 2)
    with pytest.raises(InputError, match="grouping must be a column name"):
        representative_documents(DOCUMENTS, 2, grouping=3)
