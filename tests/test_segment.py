"""Segmentation: an isolated jieba with our dictionaries, offsets, flags, the cache, workers,
and the optional rjieba backend."""

from __future__ import annotations

import itertools
import re

import jieba
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.config.lexicon import DictionaryTerm, load_slogans, load_userdict
from analysis.corpus.segment import (
    TOKEN_COLUMNS,
    Segmenter,
    SegmenterConfig,
    Segments,
    TokenCache,
    segment_texts,
)
from analysis.errors import InputError

CONFIG = SegmenterConfig.from_lexicons(load_userdict(), load_slogans())


def words(text: str, config: SegmenterConfig = CONFIG) -> list[str]:
    return Segmenter(config).words(text)


def test_domain_terms_stay_whole_and_the_global_jieba_is_untouched():
    assert words("建设和谐班子，争创四强一硬好班子") == [
        "建设",
        "和谐班子",
        "，",
        "争创",
        "四强一硬",
        "好班子",
    ]
    assert "和谐班子" not in jieba.lcut(
        "建设和谐班子"
    )  # jieba's own global tokenizer is not changed


def test_offsets_white_space_and_placeholders():
    text = "党的**届**全会 GDP增长10%。"
    segments = Segmenter(CONFIG).segment(text)
    tokens, starts, ends, tags = segments.words(text), segments.starts, segments.ends, segments.tags
    assert tokens == ["党", "的", "**", "届", "**", "全会", "GDP", "增长", "10%", "。"]
    assert [text[a:b] for a, b in zip(starts, ends, strict=True)] == tokens
    assert tags is None


def test_pos_tags_never_change_the_segmentation():
    text = "要坚持民主集中制，防止一言堂。张三同志讲话"
    plain = Segmenter(CONFIG).segment(text)
    config = SegmenterConfig.from_lexicons(load_userdict(), load_slogans(), pos=True)
    tagged = Segmenter(config).segment(text)
    assert np.array_equal(tagged.starts, plain.starts) and np.array_equal(tagged.ends, plain.ends)
    tags = dict(zip(tagged.words(text), tagged.tags, strict=True))
    assert tags["民主集中制"] == "nz" and tags["，"] == "x"


def test_unknown_backend_is_an_error():
    with pytest.raises(
        InputError, match="SegmenterConfig: segmenter must be one of 'jieba', 'rjieba', got 'thulac'"
    ):
        SegmenterConfig(backend="thulac")  # type: ignore[arg-type]


def test_the_tokens_table_of_the_five_documents(study_corpus):
    tokens, docs = study_corpus.tokens, study_corpus.documents.set_index("doc_id")
    assert list(tokens.columns) == TOKEN_COLUMNS
    for doc_id, group in tokens.groupby("doc_id"):
        text = docs.loc[doc_id, "text"]
        assert [text[a:b] for a, b in zip(group["start"], group["end"], strict=True)] == group[
            "token"
        ].tolist()
        assert group["position"].tolist() == list(range(1, len(group) + 1))
        assert group["sent"].is_monotonic_increasing and group["para"].is_monotonic_increasing
    assert tokens.loc[tokens["token"] == "的", "is_stop"].all()
    assert tokens.loc[tokens["token"] == "团结", "is_stop"].eq(False).all()
    assert tokens.loc[tokens["token"].isin(["，", "。", "“", "**"]), "is_punct"].all()
    assert not tokens["token"].str.isspace().any()
    # numbers and list markers: flagged, and left out of the terms with the stopwords
    numbers = set(tokens.loc[tokens["is_number"], "token"])
    assert {"2005", "70%", "①", "④", "1", "二"} <= numbers
    assert tokens.loc[tokens["is_number"], "is_stop"].all()
    assert not numbers & {"一把手", "团结", "班子", "四强一硬"}
    # 党的**届**全会: the 届 of a hidden number is no term; 届 elsewhere would be
    after_placeholder = tokens["token"].shift().str.fullmatch(r"\*{2,}").fillna(False)
    hidden = tokens[(tokens["token"] == "届") & after_placeholder]
    assert len(hidden) == 3 and hidden["is_number"].all()


@pytest.mark.parametrize(
    ("token", "is_number"),
    [("2005", True), ("70%", True), ("3.5", True), ("1,000", True), ("２００５", True),
     ("①", True), ("⑴", True), ("Ⅳ", True), ("十七", True), ("一", True),
     ("一把手", False), ("三个代表", False), ("2005年", False), ("G20", False), ("%", False)],
)
def test_what_counts_as_a_number(token, is_number):
    from analysis.corpus.segment import _is_number

    assert _is_number(token) is is_number


def test_tokens_fall_within_their_sentence(study_corpus):
    merged = study_corpus.tokens.merge(
        study_corpus.sentences, on=["doc_id", "sent"], suffixes=("", "_sent")
    )
    assert len(merged) == len(study_corpus.tokens)
    assert (merged["start"] >= merged["start_sent"]).all() and (
        merged["end"] <= merged["end_sent"]
    ).all()
    assert (merged["para"] == merged["para_sent"]).all()


def test_every_slogan_and_dictionary_term_is_never_split_in_the_five_documents(study_corpus):
    """Each occurrence of a term lies inside one token: exactly a token, or part of a longer
    dictionary word (团结 in 团结协调), never cut across a token boundary."""
    terms = {t.term for t in study_corpus.segmenter.terms}
    split = []
    for doc_id, text in zip(
        study_corpus.documents["doc_id"], study_corpus.documents["text"], strict=True
    ):
        group = study_corpus.tokens[study_corpus.tokens["doc_id"] == doc_id]
        spans = list(zip(group["start"], group["end"], strict=True))
        for term in terms:
            for m in re.finditer(re.escape(term), text):
                if not any(a <= m.start() and m.end() <= b for a, b in spans):
                    split.append((doc_id, term, text[max(0, m.start() - 4) : m.end() + 4]))
    assert split == []


def test_a_slogan_term_is_whole_even_without_the_user_dictionary():
    config = SegmenterConfig.from_lexicons([], load_slogans())
    assert "四强一硬" in words("争创四强一硬好班子", config)


def test_cache_hits_and_exact_invalidation(tmp_path):
    cache = TokenCache(tmp_path)
    texts = ["坚持民主集中制。", "建设和谐班子。"]
    first = segment_texts(texts, CONFIG, cache=cache)
    files = sorted(tmp_path.rglob("*.parquet"))
    assert len(files) == 2
    again = segment_texts(texts, CONFIG, cache=cache)  # read back from disk
    assert all(a.same_as(b) for a, b in zip(again, first, strict=True))
    assert sorted(tmp_path.rglob("*.parquet")) == files  # nothing rewritten or added
    # a changed dictionary is another key: both texts are segmented anew
    edited = SegmenterConfig(terms=(*CONFIG.terms, DictionaryTerm("坚持民主", 50000)))
    assert edited.fingerprint != CONFIG.fingerprint
    segment_texts(texts, edited, cache=cache)
    assert len(list(tmp_path.rglob("*.parquet"))) == 4
    # one new text among cached ones adds one file
    segment_texts([*texts, "一把手要带头。"], CONFIG, cache=cache)
    assert len(list(tmp_path.rglob("*.parquet"))) == 5


def test_a_damaged_cache_file_is_a_miss(tmp_path):
    cache = TokenCache(tmp_path)
    first = segment_texts(["坚持民主集中制。"], CONFIG, cache=cache)
    (path,) = tmp_path.rglob("*.parquet")
    path.write_bytes(b"not parquet")
    (again,) = segment_texts(["坚持民主集中制。"], CONFIG, cache=cache)
    assert again.same_as(first[0])


def test_worker_processes_give_the_same_tokens(study_corpus):
    texts = study_corpus.documents["text"].tolist()
    parallel, serial = segment_texts(texts, CONFIG, jobs=2), segment_texts(texts, CONFIG, jobs=1)
    assert all(a.same_as(b) for a, b in zip(parallel, serial, strict=True))
    with pytest.raises(InputError, match="segment_texts: jobs must be a whole number ≥ 1, got 0"):
        segment_texts(texts, CONFIG, jobs=0)
    with pytest.raises(InputError, match="segment_texts: jobs must be a whole number"):
        segment_texts(texts, CONFIG, jobs=True)


def test_rjieba_backend_keeps_the_same_terms_whole_and_mostly_agrees(study_corpus):
    pytest.importorskip("rjieba")
    config = SegmenterConfig.from_lexicons(load_userdict(), load_slogans(), backend="rjieba")
    assert config.fingerprint != CONFIG.fingerprint
    texts = study_corpus.documents["text"].tolist()
    theirs = segment_texts(texts, config)
    ours = segment_texts(texts, CONFIG)
    same = total = 0
    for a, b in zip(ours, theirs, strict=True):
        spans1 = set(zip(a.starts.tolist(), a.ends.tolist(), strict=True))
        spans2 = set(zip(b.starts.tolist(), b.ends.tolist(), strict=True))
        same += len(spans1 & spans2)
        total += len(spans1 | spans2)
    assert same / total > 0.97
    words_r = {w for seg, text in zip(theirs, texts, strict=True) for w in seg.words(text)}
    assert {"民主集中制", "一把手", "和谐班子", "四强一硬"} <= words_r


def test_tokens_table_is_rebuilt_identically_from_the_cache(study_corpus, tmp_path):
    from conftest import METADATA, RAW, without_corpus_cache

    from analysis import build_corpus

    build_corpus(RAW, METADATA, cache_dir=tmp_path)
    again = build_corpus(RAW, METADATA, cache_dir=without_corpus_cache(tmp_path))
    pd.testing.assert_frame_equal(again.tokens, study_corpus.tokens)


ADMIN = "[省市县区乡镇村州盟旗]（[省市县区乡镇村州盟旗、]+）(?:党委|委)?"


def test_compounds_are_one_token_whatever_the_dictionary_says():
    text = "各县（市、区）委要抓好乡（镇）班子建设。"
    plain = Segmenter(SegmenterConfig()).words(text)
    assert "市" in plain and "区" in plain  # jieba cuts the enumeration apart
    kept = Segmenter(SegmenterConfig(compounds=(ADMIN,))).words(text)
    assert "县（市、区）委" in kept and "乡（镇）" in kept and "区" not in kept
    assert "".join(kept) == text  # still every character once
    assert SegmenterConfig(compounds=(ADMIN,)).fingerprint != SegmenterConfig().fingerprint


@pytest.mark.parametrize(
    ("pattern", "gist"),
    [("县(", "not a valid regular"), ("x*", "empty"), ("[\\s\\S]+", "across a line break"),
     ("(?s).+", "across a line break"), ("(?i)abc", "for its part only")],
)
def test_a_bad_compound_pattern_is_explained(pattern, gist):
    with pytest.raises(InputError, match=gist):
        SegmenterConfig(compounds=(pattern,))


def test_the_study_settings_keep_the_county_committee_whole(study_corpus):
    tokens = study_corpus.tokens
    yangzhou = tokens[tokens["doc_id"] == "yangzhou_opinion_2007"]
    assert (yangzhou["token"] == "县（市、区）委").sum() == 16
    # 市 stays where the text means the city itself (市经济开发区, 省、市党代会): 6 times, not 22
    assert (yangzhou["token"] == "市").sum() == 6 and not (yangzhou["token"] == "区").any()


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab中文𠀀é 、\n", max_size=40),
    cuts=st.lists(st.integers(0, 40), max_size=20),
    keep=st.lists(st.booleans(), min_size=20, max_size=20),
)
def test_word_array_cuts_the_same_words_from_the_bytes(text, cuts, keep):
    points = sorted({c for c in cuts if c <= len(text)} | {0, len(text)})
    pairs = zip(itertools.pairwise(points), keep, strict=False)  # keep is the longer
    spans = [(a, b) for (a, b), k in pairs if k and b > a]
    segments = Segments(
        np.array([a for a, _ in spans], dtype=np.int32),
        np.array([b for _, b in spans], dtype=np.int32),
    )
    array = segments.word_array(text)
    assert array.type == pa.string()
    assert array.to_pylist() == segments.words(text)
