"""Paragraphs and sentences."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.corpus.sentences import SENTENCE_COLUMNS, corpus_sentences, split_sentences
from analysis.errors import InputError


def sentences_of(text: str) -> list[str]:
    return [text[a:b] for _, _, a, b in split_sentences(text)]


def test_sentences_end_at_the_four_marks_and_keep_closing_quotes():
    text = "他强调：“要团结。”我们要坚持！真的吗？是的；好\n第二段没有句号"
    assert sentences_of(text) == [
        "他强调：“要团结。”",
        "我们要坚持！",
        "真的吗？",
        "是的；",
        "好",
        "第二段没有句号",
    ]
    assert [(p, s) for p, s, _, _ in split_sentences(text)] == [
        (1, 1),
        (1, 2),
        (1, 3),
        (1, 4),
        (1, 5),
        (2, 6),
    ]


def test_runs_of_marks_end_one_sentence_and_commas_do_not_end_sentences():
    assert sentences_of("什么？！好，很好。……") == ["什么？！", "好，很好。", "……"]


def test_white_space_between_sentences_belongs_to_none():
    text = "第一句。 第二句。  "
    assert sentences_of(text) == ["第一句。", "第二句。"]
    assert split_sentences(text)[1][2] == 5


def test_corpus_sentences_table():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["一。二。\n三", "四"]})
    table = corpus_sentences(docs)
    assert list(table.columns) == SENTENCE_COLUMNS
    assert table.values.tolist() == [
        ["a", 1, 1, 0, 2, "一。"],
        ["a", 1, 2, 2, 4, "二。"],
        ["a", 2, 3, 5, 6, "三"],
        ["b", 1, 1, 0, 1, "四"],
    ]
    with pytest.raises(InputError, match=r"corpus_sentences: the documents table lacks column\(s\) text"):
        corpus_sentences(docs.drop(columns=["text"]))


@given(st.text(alphabet=st.sampled_from(list("团结。！？；”’ \n甲乙，")), max_size=80))
def test_sentences_tile_every_visible_character_in_order(text):
    spans = split_sentences(text)
    covered = set()
    for _, _, a, b in spans:
        assert text[a:b].strip() == text[a:b] and "\n" not in text[a:b]
        assert not covered & set(range(a, b))
        covered |= set(range(a, b))
    # every visible character is in exactly one sentence; only white space is left out
    assert all(text[i].isspace() for i in set(range(len(text))) - covered)
    assert [s for _, s, _, _ in spans] == list(range(1, len(spans) + 1))
    starts = [a for _, _, a, _ in spans]
    assert starts == sorted(starts)
