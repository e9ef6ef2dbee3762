"""``check_lexicon``: how each slogan and dictionary term falls on the tokens — whole, inside a
longer token, or split — on hand-written tokens, then on a tiny corpus segmented by jieba."""

from __future__ import annotations

import pandas as pd
from tiny_slogan_corpus import LEX as TINY_LEX
from tiny_slogan_corpus import RAW

from analysis.config.lexicon import DictionaryTerm, load_stopwords, parse_slogans
from analysis.corpus.build import CorpusTables
from analysis.corpus.clean import clean_corpus
from analysis.corpus.lexicon_check import LEXICON_CHECK_COLUMNS, check_lexicon
from analysis.corpus.segment import SegmenterConfig, segment_texts, tokens_table
from analysis.corpus.sentences import corpus_sentences

LEX = parse_slogans(
    {
        "slogans": [
            {"name": "团结", "variants": ["团结"]},
            {"name": "树正气、讲团结、求发展", "parts": ["树正气", "讲团结", "求发展"]},
        ]
    },
    source="test lexicon",
)
USERDICT = (DictionaryTerm("班子"), DictionaryTerm("一把手"))


def corpus_of(texts: dict[str, str], tokens: list[tuple[str, str, int, int]]) -> CorpusTables:
    """A corpus of ``texts`` whose tokens are ``(doc_id, token, start, end)``; the tables
    check_lexicon does not read are left empty."""
    return CorpusTables(
        documents=pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())}),
        cleaning_log=pd.DataFrame(),
        sentences=pd.DataFrame(),
        tokens=pd.DataFrame(tokens, columns=["doc_id", "token", "start", "end"]),
        mentions=pd.DataFrame(),
        slogans=LEX,
        stopwords=frozenset(),
        segmenter=SegmenterConfig.from_lexicons(USERDICT, LEX),
    )


# a: 团结协调|讲团结|。   — 团结 twice inside a longer token; 讲团结 whole
# b: 班子团|结|一把手     — 班子 inside 班子团; 团结 cut across 班子团|结; 一把手 whole
# c: 树正气 with no token at all (as a text the segmenter gave nothing): split
CORPUS = corpus_of(
    {"a": "团结协调讲团结。", "b": "班子团结一把手", "c": "树正气"},
    [
        ("a", "团结协调", 0, 4), ("a", "讲团结", 4, 7), ("a", "。", 7, 8),
        ("b", "班子团", 0, 3), ("b", "结", 3, 4), ("b", "一把手", 4, 7),
    ],
)


def test_each_occurrence_is_whole_inside_or_split():
    table = check_lexicon(CORPUS)
    assert list(table.columns) == LEXICON_CHECK_COLUMNS
    # split terms first, then by term (code point order: 一 < 求 < 班 < 讲)
    assert table.values.tolist() == [
        ["团结", "slogan", 3, 0, 2, 1, 2, "…班子团|结|一把手…"],
        ["树正气", "slogan", 1, 0, 0, 1, 1, "…树正气…"],
        ["一把手", "userdict", 1, 1, 0, 0, 1, ""],
        ["求发展", "slogan", 0, 0, 0, 0, 0, ""],
        ["班子", "userdict", 1, 0, 1, 0, 1, ""],
        ["讲团结", "slogan", 1, 1, 0, 0, 1, ""],
    ]


def test_the_example_shows_four_characters_of_context_and_the_first_split_only():
    corpus = corpus_of(
        {"d": "一二三四五团结六七八九十团结"},
        [("d", "一二三四五团", 0, 6), ("d", "结六七八九十团", 6, 13), ("d", "结", 13, 14)],
    )
    row = check_lexicon(corpus).set_index("term").loc["团结"]
    assert (row["occurrences"], row["split"], row["n_docs"]) == (2, 2, 1)
    # context [1, 11): the cuts at 6 (an end and a start) are marked once; the text's own
    # bounds are not marks
    assert row["example"] == "…二三四五团|结六七八九…"


def test_a_slogan_term_that_is_also_in_the_user_dictionary_counts_as_a_slogan():
    corpus = corpus_of({"a": "团结"}, [("a", "团结", 0, 2)])
    corpus = CorpusTables(
        **{**corpus.__dict__, "segmenter": SegmenterConfig.from_lexicons(
            (DictionaryTerm("团结", 5), *USERDICT), LEX)},
    )
    table = check_lexicon(corpus).set_index("term")
    assert table.loc["团结", "source"] == "slogan"
    assert table.loc["团结", ["occurrences", "whole"]].tolist() == [1, 1]


def test_the_tiny_corpus_segmented_by_jieba():
    # the tiny corpus of tiny_slogan_corpus.py, through the cleaner and jieba with its lexicon
    documents, _ = clean_corpus(RAW)
    sentences = corpus_sentences(documents)
    config = SegmenterConfig.from_lexicons((), TINY_LEX)
    segments = segment_texts(documents["text"].tolist(), config)
    tokens = tokens_table(documents, sentences, segments, stopwords=load_stopwords())
    corpus = CorpusTables(documents, pd.DataFrame(), sentences, tokens, pd.DataFrame(), TINY_LEX,
                          frozenset(), config)
    table = check_lexicon(corpus)
    # 团结: a has it inside 讲团结 and inside 团结协调; b has it whole in 班子要团结 and in
    # 带头团结同志; the formula's parts and the other slogans are whole tokens (dictionary terms)
    assert table.values.tolist() == [
        ["一把手", "slogan", 2, 2, 0, 0, 2, ""],
        ["团结", "slogan", 4, 2, 2, 0, 2, ""],
        ["树正气", "slogan", 1, 1, 0, 0, 1, ""],
        ["民主集中制", "slogan", 1, 1, 0, 0, 1, ""],
        ["求发展", "slogan", 1, 1, 0, 0, 1, ""],
        ["讲团结", "slogan", 1, 1, 0, 0, 1, ""],
    ]
