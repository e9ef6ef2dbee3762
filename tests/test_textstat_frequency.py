"""Term frequencies, token n-grams and character n-grams against hand counts and NLTK."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.util import ngrams as nltk_ngrams

from analysis.features.dfm import dfm
from analysis.measures.frequency import (
    FREQUENCY_COLUMNS,
    dfm_char_ngrams,
    dfm_ngrams,
    textstat_frequency,
    tokens_ngrams,
)

STOPWORDS = {"的"}


def make_corpus(docs: dict[str, list[list[str]]], meta: dict[str, dict[str, str]] | None = None):
    """Tokens and documents tables from sentences of tokens (one paragraph per document).

    The text is the tokens written one after another, so offsets and character n-grams agree
    with the tokens, as they do in the real pipeline.
    """
    token_rows, doc_rows = [], []
    for doc_id, sentences in docs.items():
        text, position = "", 0
        for sent, words in enumerate(sentences, start=1):
            for word in words:
                position += 1
                is_punct = all(not ch.isalnum() for ch in word)
                token_rows.append(
                    (
                        doc_id,
                        1,
                        sent,
                        position,
                        word,
                        len(text),
                        len(text) + len(word),
                        is_punct,
                        word in STOPWORDS,
                    )
                )
                text += word
        doc_rows.append(
            {"doc_id": doc_id, "text": text, "n_chars": len(text), **(meta or {}).get(doc_id, {})}
        )
    tokens = pd.DataFrame(
        token_rows,
        columns=[
            "doc_id",
            "para",
            "sent",
            "position",
            "token",
            "start",
            "end",
            "is_punct",
            "is_stop",
        ],
    )
    return tokens, pd.DataFrame(doc_rows)


# Two tiny documents. a = "团结的班子。团结班子，团结。" (14 characters, 6 word tokens incl. 的);
# b = "民主集中制。团结的班子。" (12 characters, 5 word tokens incl. 的). 的 is a stopword.
TOKENS, DOCUMENTS = make_corpus(
    {
        "a": [["团结", "的", "班子", "。"], ["团结", "班子", "，", "团结", "。"]],
        "b": [["民主", "集中制", "。"], ["团结", "的", "班子", "。"]],
    },
    {"a": {"level": "city", "genre": "speech"}, "b": {"level": "county", "genre": "speech"}},
)


def rows(table: pd.DataFrame, **where) -> pd.DataFrame:
    mask = np.ones(len(table), dtype=bool)
    for column, value in where.items():
        mask &= (table[column] == value).to_numpy()
    return table[mask]


def counts(table: pd.DataFrame, **where) -> dict[str, int]:
    sub = rows(table, **where)
    return dict(zip(sub["term"], sub["count"], strict=True))


def test_unigram_counts_rates_and_ranks_by_hand():
    f = textstat_frequency(TOKENS, DOCUMENTS, ngrams=[1], char_ngrams=[])
    assert list(f.columns) == FREQUENCY_COLUMNS
    a = rows(f, scope="document", doc_id="a")
    # a: 团结 ×3, 班子 ×2 (的 is a stopword, 。， punctuation).
    assert a[["term", "count", "rank"]].values.tolist() == [["团结", 3, 1], ["班子", 2, 2]]
    # per_10k_tokens = 3 / 6 words (团结 的 班子 团结 班子 团结) · 10⁴ = 5000;
    # per_10k_chars = 3 / 14 · 10⁴ = 2142.857…
    assert a["per_10k_tokens"].tolist() == pytest.approx([5000.0, 10_000 * 2 / 6])
    assert a["per_10k_chars"].tolist() == pytest.approx([10_000 * 3 / 14, 10_000 * 2 / 14])
    # b: four terms once each, all tied at rank 1 ("min" ties); rows sorted by rank then term.
    b = rows(f, scope="document", doc_id="b")
    assert b[["term", "count", "rank", "doc_freq"]].values.tolist() == [
        ["团结", 1, 1, 1],
        ["民主", 1, 1, 1],
        ["班子", 1, 1, 1],
        ["集中制", 1, 1, 1],
    ]
    assert b["per_10k_tokens"].tolist() == pytest.approx([2000.0] * 4)  # 1 / 5 words


def test_group_and_corpus_rows_pool_documents():
    f = textstat_frequency(TOKENS, DOCUMENTS, ngrams=[1], char_ngrams=[])
    # genre "speech" holds both documents: 团结 3 + 1 = 4 over 6 + 5 = 11 words, 14 + 12 chars.
    speech = rows(f, scope="group", grouping="genre", group="speech")
    top = speech.iloc[0]
    assert (top["term"], top["count"], top["doc_freq"], top["rank"]) == ("团结", 4, 2, 1)
    assert top["per_10k_tokens"] == pytest.approx(10_000 * 4 / 11)
    assert top["per_10k_chars"] == pytest.approx(10_000 * 4 / 26)
    assert counts(f, scope="group", grouping="level", group="county") == counts(
        f, scope="document", doc_id="b"
    )
    corpus = rows(f, scope="corpus")
    assert counts(f, scope="corpus") == {"团结": 4, "班子": 3, "民主": 1, "集中制": 1}
    assert corpus["group"].isna().all() and corpus["doc_id"].isna().all()
    assert corpus["grouping"].isna().all()
    assert rows(f, scope="document")["grouping"].isna().all()
    assert rows(f, scope="group")["doc_id"].isna().all()
    # Units in a fixed order: documents, then groups, then the corpus.
    assert f["scope"].drop_duplicates().tolist() == ["document", "group", "corpus"]


def test_token_ngrams_stop_at_sentences_and_punctuation():
    f = textstat_frequency(TOKENS, DOCUMENTS, ngrams=[2, 3], char_ngrams=[], group_by=[])
    # a, sentence 2 "团结 班子 ， 团结 。": only 团结_班子 (the comma breaks it); sentence 1's
    # bigrams contain 的 and are dropped; no bigram 班子_团结 across the sentence end.
    assert counts(f, scope="document", doc_id="a", ngram=2) == {"团结_班子": 1}
    assert counts(f, scope="document", doc_id="b", ngram=2) == {"民主_集中制": 1}
    assert rows(f, ngram=3).empty  # every trigram contains 的
    kept = textstat_frequency(
        TOKENS, DOCUMENTS, ngrams=[2, 3], char_ngrams=[], group_by=[], remove_stop=False
    )
    assert counts(kept, scope="document", doc_id="a", ngram=2) == {
        "团结_的": 1,
        "的_班子": 1,
        "团结_班子": 1,
    }
    assert counts(kept, scope="corpus", ngram=3) == {"团结_的_班子": 2}
    assert set(kept["kind"]) == {"token"}


def test_char_ngrams_by_hand():
    f = textstat_frequency(TOKENS, DOCUMENTS, ngrams=[], char_ngrams=[2, 5], group_by=[])
    # a = 团结的班子 | 团结班子 | 团结 (runs between punctuation):
    # 团结 结的 的班 班子 + 团结 结班 班子 + 团结.
    assert counts(f, scope="document", doc_id="a", ngram=2) == {
        "团结": 3,
        "班子": 2,
        "结的": 1,
        "的班": 1,
        "结班": 1,
    }
    # 5-grams: only 团结的班子 in a, and 民主集中制 and 团结的班子 in b.
    assert counts(f, scope="corpus", ngram=5) == {"团结的班子": 2, "民主集中制": 1}
    assert set(f["kind"]) == {"char"}
    # Rates use the same denominators as tokens: 3 / 6 words, 3 / 14 characters.
    row = rows(f, scope="document", doc_id="a", ngram=2, term="团结").iloc[0]
    assert row["per_10k_tokens"] == pytest.approx(5000.0)
    assert row["per_10k_chars"] == pytest.approx(10_000 * 3 / 14)


def test_char_ngrams_break_at_lines_spaces_and_placeholders():
    docs = pd.DataFrame({"doc_id": ["x"], "text": ["团结\n团结 团**结×团"]})
    d = dfm_char_ngrams(docs, 2)
    # Runs: 团结 | 团结 | 团 | 结 | 团 — no bigram across \n, space, ** or × (a symbol).
    assert dict(zip(d.terms, d.matrix.toarray()[0], strict=True)) == {"团结": 2}
    assert list(dfm_char_ngrams(docs, 1).terms) == ["团", "结"]


def test_tokens_ngrams_table_shape():
    bigrams = tokens_ngrams(TOKENS, 2)
    assert list(bigrams.columns) == list(TOKENS.columns)
    first = bigrams.iloc[0]
    # 团结(0–2) 的(2–3): start of the first token, end of the last, position of the first.
    assert (first["token"], first["start"], first["end"], first["position"]) == ("团结_的", 0, 3, 1)
    assert bigrams["is_stop"].tolist() == [True, True, False, False, True, True]
    assert not bigrams["is_punct"].any()
    assert tokens_ngrams(TOKENS, 2, concatenator=" ")["token"].iloc[2] == "团结 班子"
    # n = 1 gives the tokens back, punctuation included.
    assert tokens_ngrams(TOKENS, 1)["token"].tolist() == TOKENS["token"].tolist()


def test_tokens_ngrams_do_not_bridge_removed_rows():
    # Dropping 的 rows leaves a gap in `position`: 团结 and 班子 are not adjacent in the text.
    filtered = TOKENS[TOKENS["token"] != "的"]
    assert "团结_班子" not in set(rows(tokens_ngrams(filtered, 2), doc_id="b")["token"])
    # Worked by hand. a keeps 团结¹ 班子³ 。⁴ | 团结⁵ 班子⁶ ，⁷ 团结⁸ 。⁹ (positions): 团结¹ 班子³
    # straddle the gap, every other pair holds punctuation, so only 团结⁵_班子⁶ is left.
    # b keeps 民主¹ 集中制² 。³ | 团结⁴ 班子⁶ 。⁷: only 民主¹_集中制².
    bigrams = tokens_ngrams(filtered, 2)
    assert bigrams[["doc_id", "sent", "position", "token"]].values.tolist() == [
        ["a", 2, 5, "团结_班子"],
        ["b", 1, 1, "民主_集中制"],
    ]
    # Unfiltered, b's second sentence has its two bigrams through 的 (and a none across 。).
    assert rows(tokens_ngrams(TOKENS, 2), doc_id="b")["token"].tolist() == [
        "民主_集中制",
        "团结_的",
        "的_班子",
    ]


def test_min_count_drops_rows_but_keeps_ranks():
    full = textstat_frequency(TOKENS, DOCUMENTS, ngrams=[1], char_ngrams=[], group_by=[])
    trimmed = textstat_frequency(
        TOKENS, DOCUMENTS, ngrams=[1], char_ngrams=[], group_by=[], min_count=2
    )
    assert (trimmed["count"] >= 2).all()
    expected = full[full["count"] >= 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(trimmed.reset_index(drop=True), expected)


def test_defaults_follow_settings():
    f = textstat_frequency(TOKENS, DOCUMENTS)
    kinds = f[["kind", "ngram"]].drop_duplicates().values.tolist()
    assert kinds == [["token", 1], ["token", 2], ["char", 2], ["char", 3], ["char", 4]]
    assert set(f["grouping"].dropna()) == {"level", "genre"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ngrams": [0]}, "every size in ngrams must be a whole number ≥ 1, got 0"),
        ({"ngrams": [2, 2]}, "twice"),
        ({"ngrams": 2}, "list of n-gram sizes"),
        ({"char_ngrams": ["2"]}, "every size in char_ngrams must be a whole number"),
        ({"min_count": 0}, "min_count"),
        ({"group_by": "level"}, "list of metadata column"),
        ({"group_by": ["region"]}, "region"),
        ({"group_by": ["level", "level"]}, "twice"),
        ({"remove_stop": 1}, "^textstat_frequency: remove_stop must be true or false"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        textstat_frequency(TOKENS, DOCUMENTS, **kwargs)


def test_bad_tables_are_explained():
    with pytest.raises(ValueError, match="is_stop"):
        textstat_frequency(TOKENS.drop(columns=["is_stop"]), DOCUMENTS)
    with pytest.raises(ValueError, match="n_chars"):
        textstat_frequency(TOKENS, DOCUMENTS.drop(columns=["n_chars"]))
    with pytest.raises(ValueError, match="doc_id 'b'"):
        textstat_frequency(TOKENS, DOCUMENTS.iloc[:1])
    with pytest.raises(ValueError, match=r"^tokens_ngrams: n must be a whole number ≥ 1, got 0"):
        tokens_ngrams(TOKENS, 0)


def test_a_document_without_a_group_value_is_left_out_of_that_grouping():
    """As in slogan counts: the document keeps its own rows and counts in the corpus, but is in
    no group of a column it has no value for."""
    gap = DOCUMENTS.assign(level=[None, "county"])
    table = textstat_frequency(TOKENS, gap, ngrams=[1], char_ngrams=[], group_by=["level"])
    groups = table[table["scope"] == "group"]
    assert set(groups["group"]) == {"county"}
    only = TOKENS[TOKENS["doc_id"] == "b"]
    full = textstat_frequency(only, gap.iloc[1:], ngrams=[1], char_ngrams=[], group_by=["level"])
    only_b = full[full["scope"] == "group"].reset_index(drop=True)
    pd.testing.assert_frame_equal(groups.reset_index(drop=True), only_b)
    assert set(table.loc[table["scope"] == "document", "doc_id"]) == {"a", "b"}


def test_inputs_are_not_modified():
    tokens, documents = TOKENS.copy(), DOCUMENTS.copy()
    textstat_frequency(tokens, documents)
    tokens_ngrams(tokens, 3)
    pd.testing.assert_frame_equal(tokens, TOKENS)
    pd.testing.assert_frame_equal(documents, DOCUMENTS)


# --- properties on random corpora ------------------------------------------------------------

WORDS = ["团结", "班子", "的", "民主", "一把手", "，", "。", "**"]
corpora = st.dictionaries(
    keys=st.sampled_from(["d1", "d2", "d3", "d4"]),
    values=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), min_size=1, max_size=4
    ),
    min_size=1,
    max_size=4,
)


def corpus_of(docs):
    meta = {d: {"level": "odd" if d in ("d1", "d3") else "even", "genre": "g"} for d in docs}
    return make_corpus(docs, meta)


def nltk_token_ngrams(docs, n: int, drop_stop: bool) -> Counter:
    """Oracle: NLTK n-grams over each sentence cut at punctuation."""
    out: Counter = Counter()
    for sentences in docs.values():
        for words in sentences:
            run: list[str] = []
            for word in [*words, "。"]:
                if all(not ch.isalnum() for ch in word):
                    out.update(
                        "_".join(g)
                        for g in nltk_ngrams(run, n)
                        if not (drop_stop and STOPWORDS & set(g))
                    )
                    run = []
                else:
                    run.append(word)
    return out


@settings(max_examples=40, deadline=None)
@given(corpora, st.integers(1, 3), st.booleans())
def test_token_ngrams_match_nltk(docs, n, drop_stop):
    tokens, documents = corpus_of(docs)
    f = textstat_frequency(
        tokens, documents, ngrams=[n], char_ngrams=[], group_by=[], remove_stop=drop_stop
    )
    assert counts(f, scope="corpus") == dict(nltk_token_ngrams(docs, n, drop_stop))


@settings(max_examples=40, deadline=None)
@given(corpora, st.integers(1, 4))
def test_char_ngrams_match_nltk(docs, n):
    tokens, documents = corpus_of(docs)
    f = textstat_frequency(tokens, documents, ngrams=[], char_ngrams=[n], group_by=[])
    expected: Counter = Counter()
    for text in documents["text"]:
        for run in re.split(r"[，。*\s]+", text):
            expected.update("".join(g) for g in nltk_ngrams(run, n))
    assert counts(f, scope="corpus") == dict(expected)


@settings(max_examples=20, deadline=None)
@given(corpora, st.randoms(use_true_random=False))
def test_document_order_does_not_matter_and_counts_add_up(docs, rnd):
    tokens, documents = corpus_of(docs)
    f = textstat_frequency(tokens, documents, ngrams=[1, 2], char_ngrams=[2])
    order = list(docs)
    rnd.shuffle(order)
    tokens2, documents2 = corpus_of({d: docs[d] for d in order})
    pd.testing.assert_frame_equal(
        f, textstat_frequency(tokens2, documents2, ngrams=[1, 2], char_ngrams=[2])
    )
    # Unigram counts of each document sum to its tokens that are neither punctuation nor stop.
    kept = tokens[~tokens["is_punct"] & ~tokens["is_stop"]].groupby("doc_id").size()
    uni = rows(f, scope="document", kind="token", ngram=1).groupby("doc_id")["count"].sum()
    pd.testing.assert_series_equal(uni, kept, check_names=False, check_index_type=False)
    # Every grouping (and the corpus) redistributes the same total.
    for (_unit, _grouping, kind, n), sub in f.groupby(
        ["scope", "grouping", "kind", "ngram"], dropna=False
    ):
        assert sub["count"].sum() == rows(f, scope="corpus", kind=kind, ngram=n)["count"].sum()
    assert (f["doc_freq"] >= 1).all() and (rows(f, scope="document")["doc_freq"] == 1).all()


# --- the five study documents ----------------------------------------------------------------


def test_study_corpus_frequencies(study_corpus):
    f = textstat_frequency(study_corpus.tokens, study_corpus.documents)
    tuanjie = rows(f, scope="document", kind="token", ngram=1, term="团结")
    assert dict(zip(tuanjie["doc_id"], tuanjie["count"], strict=True)) == {
        "cidu_opinion_2005": 1,
        "cityoffice_speech_2003": 12,
        "jilin_news_2007": 1,
        "nansha_speech_2007": 18,
    }  # yangzhou_opinion_2007 has 团结 only inside longer words
    # The character bigram counts every 团结 in the text, inside longer words too.
    chars = rows(f, scope="document", kind="char", ngram=2, term="团结")
    texts = study_corpus.documents.set_index("doc_id")["text"]
    assert dict(zip(chars["doc_id"], chars["count"], strict=True)) == {
        doc: texts[doc].count("团结") for doc in texts.index
    }
    assert chars["count"].sum() == 59
    corpus = rows(f, scope="corpus", kind="token", ngram=1)
    assert corpus.iloc[0][["term", "count", "doc_freq"]].tolist() == ["工作", 144, 5]
    assert counts(f, scope="corpus", kind="token", ngram=1)["领导班子"] == 98
    assert counts(f, scope="corpus", kind="token", ngram=2)["领导_干部"] == 31
    assert counts(f, scope="group", grouping="level", group="city", ngram=1)["团结"] == 13
    # per_10k_chars uses each document's n_chars.
    n_chars = study_corpus.documents.set_index("doc_id")["n_chars"]
    row = rows(
        f, scope="document", doc_id="nansha_speech_2007", kind="token", ngram=1, term="团结"
    ).iloc[0]
    assert row["per_10k_chars"] == pytest.approx(18 / n_chars["nansha_speech_2007"] * 10_000)


def test_per_document_rows_can_be_limited_to_some_sizes():
    f = textstat_frequency(
        TOKENS,
        DOCUMENTS,
        ngrams=[1, 2],
        char_ngrams=[2],
        document_ngrams=[1],
        document_char_ngrams=[],
    )
    document_rows = rows(f, scope="document")
    assert set(zip(document_rows["kind"], document_rows["ngram"], strict=True)) == {("token", 1)}
    full = textstat_frequency(TOKENS, DOCUMENTS, ngrams=[1, 2], char_ngrams=[2])
    pooled = f[f["scope"] != "document"].reset_index(drop=True)
    pd.testing.assert_frame_equal(pooled, full[full["scope"] != "document"].reset_index(drop=True))
    with pytest.raises(ValueError, match=r"document_ngrams.*\[3\]"):
        textstat_frequency(TOKENS, DOCUMENTS, ngrams=[1, 2], document_ngrams=[3])


@settings(max_examples=40, deadline=None)
@given(corpora, st.integers(2, 3), st.booleans())
def test_dfm_ngrams_counts_what_dfm_counts_of_the_ngram_table(docs, n, drop_stop):
    tokens, documents = corpus_of(docs)
    order = sorted(documents["doc_id"], reverse=True)  # rows follow `docs`, not the tokens
    direct = dfm_ngrams(tokens, n, docs=order, remove_stop=drop_stop)
    via_table = dfm(tokens_ngrams(tokens, n), docs=order, remove_stop=drop_stop)
    assert list(direct.terms) == list(via_table.terms)
    assert list(direct.docs) == list(via_table.docs) == order
    assert (direct.matrix != via_table.matrix).nnz == 0


def test_dfm_ngrams_on_the_study_corpus(study_corpus):
    tokens, docs = study_corpus.tokens, list(study_corpus.documents["doc_id"])
    for n in (2, 3):
        direct = dfm_ngrams(tokens, n, docs=docs)
        via_table = dfm(tokens_ngrams(tokens, n), docs=docs)
        assert list(direct.terms) == list(via_table.terms) and direct.shape[1] > 1000
        assert (direct.matrix != via_table.matrix).nnz == 0


# Latin words whose joined n-grams sort otherwise than their tokens do ("aA_b" < "a_b", as
# "A" < "_"), mixed with Chinese ones, punctuation and a stopword.
MIXED_WORDS = ["a", "aA", "A", "b", "Z", "1", "团结", "班子", "的", "，", "。"]
mixed_corpora = st.dictionaries(
    keys=st.sampled_from(["d1", "d2", "d3"]),
    values=st.lists(
        st.lists(st.sampled_from(MIXED_WORDS), min_size=1, max_size=8), min_size=1, max_size=3
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=30, deadline=None)
@given(mixed_corpora, st.randoms(use_true_random=False))
def test_counts_are_dfms_whatever_the_row_order_of_the_tokens(docs, rnd):
    tokens, documents = corpus_of(docs)
    options = {"ngrams": [1, 2, 3], "char_ngrams": [2], "group_by": ["level"]}
    f = textstat_frequency(tokens, documents, **options)
    shuffled = tokens.sample(frac=1, random_state=rnd.randrange(2**32))
    pd.testing.assert_frame_equal(f, textstat_frequency(shuffled, documents, **options))
    # The unigram rows are dfm()'s counts; n-gram terms are in code-point order of the strings.
    ids = list(documents["doc_id"])
    long = dfm(tokens, docs=ids).to_long()
    unigrams = rows(f, scope="document", kind="token", ngram=1)
    assert sorted(zip(unigrams["doc_id"], unigrams["term"], unigrams["count"], strict=True)) == (
        sorted(zip(long["doc_id"], long["term"], long["count"], strict=True))
    )
    for n in (2, 3):
        direct = dfm_ngrams(shuffled, n, docs=ids)
        assert list(direct.terms) == sorted(direct.terms)
        via_table = dfm(tokens_ngrams(shuffled, n), docs=ids)
        assert list(direct.terms) == list(via_table.terms)
        assert (direct.matrix != via_table.matrix).nnz == 0
