"""The helpers the slogan measures share (analysis/features/slogans.py): the slogans chosen, the
checks of mentions, groupings and documents, pooling, nesting against a brute-force oracle, and
the slogan counts that textstat_slogans and textstat_slogan_trends both return."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiny_slogan_corpus import LEX, tiny_corpus

from analysis.errors import InputError
from analysis.features.slogans import (
    SLOGAN_COUNT_COLUMNS,
    SloganCountOptions,
    check_group_by,
    check_mention_slogans,
    check_slogan_count_arguments,
    group_membership,
    nested_mentions,
    selected_slogans,
    slogan_count_table,
    sorted_documents,
)
from analysis.measures.slogan_counts import textstat_slogans

DOCUMENTS, _, MENTIONS = tiny_corpus()


def test_selected_slogans_are_all_one_or_a_selection_in_its_order():
    assert selected_slogans(LEX, None, "f") == LEX.names
    assert selected_slogans(LEX, "团结", "f") == ("团结",)
    assert selected_slogans(LEX, ["一把手", "团结"], "f") == ("一把手", "团结")
    with pytest.raises(InputError, match=r"^f: unknown slogan\(s\) 和谐社会"):
        selected_slogans(LEX, ["和谐社会"], "f")
    with pytest.raises(InputError, match=r"^f: lexicon must be a SloganLexicon .* got dict"):
        selected_slogans({"团结": "团结"}, None, "f")


def test_mentions_of_another_lexicon_are_refused():
    check_mention_slogans(MENTIONS, LEX, "f")  # the lexicon they were found with
    stranger = MENTIONS.assign(slogan="八荣八耻")
    with pytest.raises(InputError, match=r"^f: the mentions table names slogan\(s\) 八荣八耻"):
        check_mention_slogans(stranger, LEX, "f")


def test_group_by_is_a_list_of_distinct_metadata_columns():
    assert check_group_by(DOCUMENTS, "level", "f") == ["level"]
    assert check_group_by(DOCUMENTS, ("level", "genre"), "f") == ["level", "genre"]
    assert check_group_by(DOCUMENTS, (), "f") == []
    for group_by, message in [
        (["region"], "group_by names 'region', which is not a column"),
        ([3], "group_by names 3"),
        (["doc_id"], "group_by may not be doc_id"),
        (["level", "level"], "group_by lists a column twice"),
    ]:
        with pytest.raises(InputError, match=f"^f: {message}"):
            check_group_by(DOCUMENTS, group_by, "f")


def test_documents_are_sorted_by_doc_id_and_ids_must_be_unique():
    before = DOCUMENTS.copy()
    docs = sorted_documents(DOCUMENTS, "f")
    assert docs["doc_id"].tolist() == ["a", "b", "c"] and docs.index.tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(DOCUMENTS, before)
    with pytest.raises(InputError, match=r"^f: doc_id 'a' appears twice"):
        sorted_documents(pd.concat([DOCUMENTS, DOCUMENTS[DOCUMENTS["doc_id"] == "a"]]), "f")
    with pytest.raises(InputError, match=r"^f: a document has no doc_id"):
        sorted_documents(DOCUMENTS.assign(doc_id=[None, "x", "y"]), "f")


def test_group_membership_lists_each_value_then_the_corpus():
    documents = pd.DataFrame(
        {"doc_id": ["d1", "d2", "d3", "d4"], "level": ["city", None, "county", "city"],
         "genre": ["x", "x", "x", "y"]}
    )
    labels, membership = group_membership(documents, ["level", "genre"])
    assert labels.values.tolist() == [
        ["group", "level", "city"], ["group", "level", "county"],
        ["group", "genre", "x"], ["group", "genre", "y"], ["corpus", "", ""],
    ]
    # a document without a level is in no level row, but in the genre and corpus rows
    assert membership.toarray().tolist() == [
        [1, 0, 0, 1], [0, 0, 1, 0], [1, 1, 1, 0], [0, 0, 0, 1], [1, 1, 1, 1],
    ]
    labels, membership = group_membership(documents, [])
    assert labels.values.tolist() == [["corpus", "", ""]]
    assert membership.toarray().tolist() == [[1, 1, 1, 1]]


@st.composite
def spans(draw):
    n = draw(st.integers(0, 12))
    doc = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    start = draw(st.lists(st.integers(0, 15), min_size=n, max_size=n))
    length = draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))
    return np.array(doc), np.array(start), np.array(start) + np.array(length)


@settings(max_examples=200, deadline=None)
@given(spans())
def test_nested_mentions_agree_with_the_definition(mentions):
    doc, start, end = mentions
    expected = [
        any(
            doc[o] == doc[m] and start[o] <= start[m] and end[m] <= end[o]
            and end[o] - start[o] > end[m] - start[m]
            for o in range(len(doc))
        )
        for m in range(len(doc))
    ]
    assert nested_mentions(doc, start, end).tolist() == expected


def test_count_arguments_come_back_as_plain_values():
    options = check_slogan_count_arguments(
        DOCUMENTS, MENTIONS, LEX, slogans="团结", group_by="level", resample="documents",
        bootstrap_resamples=np.int64(50), confidence=np.float64(0.9), seed=np.int64(7),
        caller="f",
    )
    assert options == SloganCountOptions(
        names=("团结",), group_by=("level",), resample="documents", n_resamples=50,
        confidence=0.9, seed=7,
    )
    assert type(options.n_resamples) is int and type(options.seed) is int
    assert type(options.confidence) is float


@pytest.mark.parametrize("resample", ["paragraphs", "documents"])
def test_the_count_table_is_that_of_textstat_slogans_for_any_chunking(resample):
    choices = {"slogans": None, "group_by": ("genre",), "resample": resample,
               "bootstrap_resamples": 300, "confidence": 0.9, "seed": 5}
    options = check_slogan_count_arguments(DOCUMENTS, MENTIONS, LEX, **choices, caller="f")
    table = slogan_count_table(DOCUMENTS, MENTIONS, options, caller="f")
    assert list(table.columns) == SLOGAN_COUNT_COLUMNS
    pd.testing.assert_frame_equal(table, textstat_slogans(DOCUMENTS, MENTIONS, LEX, **choices))
    chunked = slogan_count_table(DOCUMENTS, MENTIONS, options, caller="f", max_cells=7)
    pd.testing.assert_frame_equal(table, chunked)
    with pytest.raises(InputError, match=r"^f: the mentions table has doc_id 'zz'"):
        slogan_count_table(DOCUMENTS, MENTIONS.assign(doc_id="zz"), options, caller="f")
