"""analysis.corpus.build: build_corpus on three tiny texts, worked out by hand.

* a.txt (alpha, 2001, city speech): "我们要加强团结，坚持民主集中制。" / "班子要团结。" — 22 characters
  without the line break, 2 paragraphs, 2 sentences; 团结 twice and 民主集中制 once, all whole
  tokens.
* b.txt (beta, 2012, province opinion): "一把手要带头讲团结。" — 10 characters; 一把手 a token,
  团结 inside the token 讲团结.
* c.txt (no metadata row: doc id from the file name): "領導班子要團結。" in Traditional
  characters — 8 characters, converted to 领导班子要团结。 (two t2s rows in the cleaning log).
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import pytest
from conftest import without_corpus_cache

from analysis.config.cleaning_rules import DocumentFlagSettings
from analysis.config.lexicon import parse_slogans
from analysis.config.settings import load_settings
from analysis.corpus.build import (
    DOCUMENT_SUMMARY_COLUMNS,
    CorpusTables,
    build_corpus,
    document_summary,
)
from analysis.errors import InputError

LEXICON = parse_slogans(
    {
        "slogans": [
            {"name": "团结", "variants": ["团结"]},
            {"name": "民主集中制", "variants": ["民主集中制"]},
            {"name": "一把手", "variants": ["一把手"]},
        ]
    },
    source="test lexicon",
)
TEXTS = {
    "a.txt": "我们要加强团结，坚持民主集中制。\n班子要团结。",
    "b.txt": "一把手要带头讲团结。",
    "c.txt": "領導班子要團結。",
}
METADATA = "doc_id,file,title,year,level,genre\nalpha,a.txt,甲,2001,city,speech\nbeta,b.txt,乙,2012,province,opinion\n"


def write_texts(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[CorpusTables, list[str], Path]:
    root = tmp_path_factory.mktemp("build")
    texts = write_texts(root / "texts", TEXTS)
    (root / "meta.csv").write_text(METADATA, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = build_corpus(texts, root / "meta.csv", slogans=LEXICON, cache_dir=root / "cache")
    return corpus, [str(w.message) for w in caught], root


def test_the_documents_follow_the_metadata_then_the_unlisted_files(built):
    corpus, warned, root = built
    docs = corpus.documents
    assert docs["doc_id"].tolist() == ["alpha", "beta", "c"]
    assert docs["file"].tolist() == ["a.txt", "b.txt", "c.txt"]
    assert docs["text"].tolist() == [
        "我们要加强团结，坚持民主集中制。\n班子要团结。",
        "一把手要带头讲团结。",
        "领导班子要团结。",
    ]
    assert docs["script"].tolist() == ["simplified", "simplified", "traditional"]
    assert docs["n_chars_raw"].tolist() == [22, 10, 8]
    assert docs["n_chars"].tolist() == [22, 10, 8]
    assert docs["year"].tolist()[:2] == [2001, 2012] and docs["year"].isna().tolist()[2]
    assert warned == [
        f"1 text(s) in {root / 'texts'} have no row in {root / 'meta.csv'} (first: c.txt); "
        "their doc_id comes from the file name"
    ]


def test_the_traditional_characters_are_converted_and_logged(built):
    corpus, _, _ = built
    log = corpus.cleaning_log
    assert log[["doc_id", "rule", "text", "replacement", "start", "end"]].values.tolist() == [
        ["c", "t2s", "領導", "领导", 0, 2],
        ["c", "t2s", "團結", "团结", 5, 7],
    ]
    assert corpus.boilerplate.empty  # three documents share no line


def test_the_sentences_are_the_paragraphs_split_at_full_stops(built):
    corpus, _, _ = built
    assert corpus.sentences[["doc_id", "para", "sent", "start", "end", "text"]].values.tolist() == [
        ["alpha", 1, 1, 0, 16, "我们要加强团结，坚持民主集中制。"],
        ["alpha", 2, 2, 17, 23, "班子要团结。"],
        ["beta", 1, 1, 0, 10, "一把手要带头讲团结。"],
        ["c", 1, 1, 0, 8, "领导班子要团结。"],
    ]


def test_the_tokens_keep_the_slogans_whole_and_mark_stopwords_and_punctuation(built):
    corpus, _, _ = built
    tokens = corpus.tokens
    assert tokens.groupby("doc_id", sort=False)["token"].apply(list).to_dict() == {
        "alpha": ["我们", "要", "加强", "团结", "，", "坚持", "民主集中制", "。", "班子", "要", "团结", "。"],
        "beta": ["一把手", "要带头", "讲团结", "。"],
        "c": ["领导班子", "要", "团结", "。"],
    }
    assert tokens.loc[tokens["is_stop"], "token"].tolist() == ["我们", "要", "要", "要"]
    assert tokens["is_punct"].sum() == 5
    alpha = tokens[tokens["doc_id"] == "alpha"]
    assert alpha[["start", "end"]].values.tolist()[8:] == [[17, 19], [19, 20], [20, 22], [22, 23]]


def test_the_mentions_are_found_in_the_cleaned_text(built):
    corpus, _, _ = built
    columns = ["doc_id", "slogan", "start", "end", "para", "sent", "is_token"]
    assert corpus.mentions[columns].values.tolist() == [
        ["alpha", "团结", 5, 7, 1, 1, True],
        ["alpha", "民主集中制", 10, 15, 1, 1, True],
        ["alpha", "团结", 20, 22, 2, 2, True],
        ["beta", "一把手", 0, 3, 1, 1, True],
        ["beta", "团结", 7, 9, 1, 1, False],  # inside the token 讲团结
        ["c", "团结", 5, 7, 1, 1, True],  # found after the conversion to Simplified
    ]


def test_the_bundle_carries_what_made_it(built):
    corpus, _, _ = built
    assert corpus.slogans is LEXICON
    assert {"的", "我们"} <= corpus.stopwords
    assert corpus.segmenter.backend == "jieba" and corpus.segmenter.hmm
    assert {"团结", "民主集中制", "一把手"} <= {t.term for t in corpus.segmenter.terms}
    assert corpus.cleaning_rules.source.endswith("cleaning.yml")


def test_the_document_summary_has_its_columns_and_the_sizes(built):
    corpus, _, _ = built
    summary = document_summary(corpus)
    assert list(summary.columns) == DOCUMENT_SUMMARY_COLUMNS
    columns = [
        "doc_id", "title", "title_simplified", "level", "genre", "script", "encoding",
        "n_chars_raw", "n_chars", "n_tokens", "n_sentences", "n_paragraphs", "flags",
    ]
    table = summary[columns].astype(object)
    assert table.where(table.notna(), None).values.tolist() == [
        ["alpha", "甲", "甲", "city", "speech", "simplified", "utf-8", 22, 22, 9, 2, 2, ""],
        ["beta", "乙", "乙", "province", "opinion", "simplified", "utf-8", 10, 10, 3, 1, 1, ""],
        # no title: the doc id stands in; n_tokens counts stopwords (要), not punctuation
        ["c", "c", "c", None, None, "traditional", "utf-8", 8, 8, 3, 1, 1, ""],
    ]


def test_the_document_flags_follow_the_thresholds_of_the_rules(built):
    corpus, _, _ = built
    strict = dataclasses.replace(
        corpus.cleaning_rules, document_flags=DocumentFlagSettings(short_fraction=0.9)
    )
    # median n_chars is 10: 8 < 0.9 × 10 is short, 10 is not
    flags = document_summary(dataclasses.replace(corpus, cleaning_rules=strict))["flags"]
    assert flags.tolist() == ["", "", "short"]
    off = dataclasses.replace(corpus.cleaning_rules, document_flags=None)
    flags = document_summary(dataclasses.replace(corpus, cleaning_rules=off))["flags"]
    assert flags.tolist() == ["", "", ""]


def test_the_tokens_are_cached_and_read_back_the_same(built, tmp_path):
    corpus, _, root = built
    cached = sorted(p.name for p in (root / "cache" / "tokens").rglob("*") if p.is_file())
    assert len(cached) == 3
    texts = write_texts(tmp_path / "texts", TEXTS)
    (tmp_path / "meta.csv").write_text(METADATA, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = build_corpus(  # the tokens from the token cache, not the corpus cache
            texts, tmp_path / "meta.csv", slogans=LEXICON,
            cache_dir=without_corpus_cache(root / "cache"),
        )
        uncached = build_corpus(
            texts, tmp_path / "meta.csv", slogans=LEXICON, cache_dir=tmp_path / "c",
            use_cache=False,
        )
    assert sorted(p.name for p in (root / "cache" / "tokens").rglob("*") if p.is_file()) == cached
    assert not (tmp_path / "c").exists()
    for other in (again, uncached):
        assert other.tokens.equals(corpus.tokens)
        assert other.mentions.equals(corpus.mentions)


def test_the_settings_name_the_lexicons_and_the_segmenter(tmp_path):
    texts = write_texts(tmp_path / "texts", {"a.txt": TEXTS["a.txt"]})
    (tmp_path / "slogans.yml").write_text(
        "slogans:\n  - name: 班子\n    variants: [班子]\n", encoding="utf-8"
    )
    (tmp_path / "stop.txt").write_text("我们\n", encoding="utf-8")
    (tmp_path / "settings.yml").write_text(
        "lexicons:\n  slogans: slogans.yml\n  stopwords: stop.txt\n"
        "segmentation:\n  hmm: false\n  pos: true\n",
        encoding="utf-8",
    )
    settings = load_settings(tmp_path / "settings.yml")
    corpus = build_corpus(texts, settings=settings, cache_dir=tmp_path / "cache")
    assert corpus.slogans.names == ("班子",)
    assert corpus.stopwords == frozenset({"我们"})
    assert (corpus.segmenter.hmm, corpus.segmenter.pos) == (False, True)
    assert "pos" in corpus.tokens.columns
    assert corpus.tokens.loc[corpus.tokens["is_stop"], "token"].tolist() == ["我们"]
    assert corpus.mentions[["slogan", "start", "end"]].values.tolist() == [["班子", 17, 19]]


def test_documents_without_a_word_are_an_error_naming_the_first(tmp_path):
    texts = write_texts(
        tmp_path / "texts", {"good.txt": "班子要团结。", "x.txt": "我们。", "y.txt": "！？"}
    )
    with pytest.raises(InputError) as error:
        build_corpus(texts, slogans=LEXICON, cache_dir=tmp_path / "cache")
    assert str(error.value) == (
        f"{texts / 'x.txt'}: has no word to count after cleaning, only punctuation or stopwords "
        "('我们。') (and 1 more files); put the document's text in it or remove the file"
    )
