"""Slogan mentions: substring matches in the cleaned text, with whole-token marks."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config.lexicon import load_slogans, load_stopwords, load_userdict
from analysis.corpus.clean import clean_corpus
from analysis.corpus.mentions import MENTION_COLUMNS, find_slogan_mentions
from analysis.corpus.segment import SegmenterConfig, segment_texts, tokens_table
from analysis.corpus.sentences import corpus_sentences
from analysis.errors import InputError

SLOGANS = load_slogans()


def mentions_of(texts: dict[str, str]) -> pd.DataFrame:
    raw = pd.DataFrame({"doc_id": list(texts), "raw_text": list(texts.values())})
    documents, _ = clean_corpus(raw)
    sentences = corpus_sentences(documents)
    config = SegmenterConfig.from_lexicons(load_userdict(), SLOGANS)
    tokens = tokens_table(
        documents,
        sentences,
        segment_texts(documents["text"].tolist(), config),
        stopwords=load_stopwords(),
    )
    return find_slogan_mentions(documents, sentences, tokens, SLOGANS)


def test_mentions_inside_longer_words_count_but_are_not_tokens():
    m = mentions_of({"d": "班子要团结协调。要讲团结。\n坚持民主集中制，反对“一把手”说了算。"})
    assert list(m.columns) == MENTION_COLUMNS
    rows = m[["slogan", "variant", "start", "end", "para", "sent", "is_token", "n_tokens"]]
    assert rows.values.tolist() == [
        ["团结", "团结", 3, 5, 1, 1, False, 0],  # inside 团结协调
        ["团结", "团结", 10, 12, 1, 2, False, 0],  # inside 讲团结
        ["民主集中制", "民主集中制", 16, 21, 2, 3, True, 1],
        ["一把手", "一把手", 25, 28, 2, 3, True, 1],
    ]


def test_the_four_part_formula_is_one_mention_whatever_the_punctuation():
    m = mentions_of(
        {
            "a": "按照“集体领导、民主集中、个别酝酿、会议决定”的原则",
            "b": "集體領導,民主集中,個別醞釀,會議決定",
        }
    )
    formula = m[m["slogan"] == "集体领导、民主集中、个别酝酿、会议决定"]
    assert formula["variant"].tolist() == [
        "集体领导、民主集中、个别酝酿、会议决定",
        "集体领导，民主集中，个别酝酿，会议决定",
    ]
    assert formula["is_token"].all() and (formula["n_tokens"] == 7).all()  # 4 parts + 3 commas
    # its first part is also a mention of the slogan 集体领导: different slogans may overlap
    assert (m["slogan"] == "集体领导").sum() == 2


def test_mentions_of_the_five_documents_match_plain_substring_counts(study_corpus):
    m = study_corpus.mentions
    for doc_id, text in zip(
        study_corpus.documents["doc_id"], study_corpus.documents["text"], strict=True
    ):
        for name in ("团结", "民主集中制", "一把手"):
            assert ((m["doc_id"] == doc_id) & (m["slogan"] == name)).sum() == text.count(name)
        assert ((m["doc_id"] == doc_id) & (m["slogan"] == "团结")).sum() >= 1


def test_the_study_counts_that_the_closing_note_reports(study_corpus):
    m = study_corpus.mentions
    counts = m.groupby(["doc_id", "slogan"]).agg(
        mentions=("is_token", "size"), tokens=("is_token", "sum")
    )
    assert counts.loc[("cityoffice_speech_2003", "团结")].tolist() == [29, 12]
    assert counts.loc[("cidu_opinion_2005", "团结")].tolist() == [5, 1]
    assert counts.loc[("nansha_speech_2007", "一把手")].tolist() == [13, 13]
    assert counts.loc[("cityoffice_speech_2003", "民主集中制")].tolist() == [6, 6]
    formula = "集体领导、民主集中、个别酝酿、会议决定"
    assert sorted(m.loc[m["slogan"] == formula, "doc_id"]) == [
        "cidu_opinion_2005",
        "jilin_news_2007",
        "yangzhou_opinion_2007",
    ]


def test_mentions_point_at_their_sentence(study_corpus):
    merged = study_corpus.mentions.merge(
        study_corpus.sentences, on=["doc_id", "sent"], suffixes=("", "_s")
    )
    assert len(merged) == len(study_corpus.mentions)
    assert ((merged["start"] >= merged["start_s"]) & (merged["end"] <= merged["end_s"])).all()
    docs = study_corpus.documents.set_index("doc_id")["text"]
    assert all(
        docs[r.doc_id][r.start : r.end] == r.variant for r in study_corpus.mentions.itertuples()
    )


def test_missing_tables_are_reported():
    with pytest.raises(InputError, match=r"find_slogan_mentions: the tokens table lacks column\(s\) start, end"):
        find_slogan_mentions(
            pd.DataFrame({"doc_id": [], "text": []}),
            pd.DataFrame({"doc_id": [], "para": [], "sent": [], "start": []}),
            pd.DataFrame({"doc_id": []}),
            SLOGANS,
        )


def test_tokens_table_needs_one_segmentation_per_document():
    documents = pd.DataFrame({"doc_id": ["a", "b"], "text": ["团结。", "民主。"]})
    config = SegmenterConfig.from_lexicons([], SLOGANS)
    segments = segment_texts(["团结。"], config)
    with pytest.raises(InputError, match="tokens_table: 1 segmentations for 2 documents; pass one"):
        tokens_table(documents, corpus_sentences(documents), segments)
