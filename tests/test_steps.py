"""analysis.run.steps: the StepContext and steps run on a two-document corpus give exactly the
tables their measures give called directly with the same options.

a.txt (alpha, city speech): "我们要加强团结，坚持民主集中制。" / "班子要团结。" — word tokens
我们 要 加强 团结 坚持 民主集中制 班子 要 团结 (9; 我们 and 要 are stopwords).
b.txt (beta, province opinion): "一把手要带头讲团结。" — word tokens 一把手 要带头 讲团结 (3).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis.config.lexicon import parse_slogans
from analysis.corpus.build import build_corpus
from analysis.measures.dispersion import textstat_dispersion
from analysis.measures.slogan_counts import textstat_slogans
from analysis.measures.tfidf import textstat_tfidf
from analysis.run import steps
from analysis.run.options import study_documents
from analysis.run.steps import StepContext

LEXICON = parse_slogans(
    {
        "slogans": [
            {"name": "团结", "variants": ["团结"]},
            {"name": "民主集中制", "variants": ["民主集中制"]},
            {"name": "四风", "variants": ["四风"]},  # in neither document
        ]
    },
    source="test lexicon",
)


def build(root: Path, texts: dict[str, str], metadata: str):
    folder = root / "texts"
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (root / "meta.csv").write_text(metadata, encoding="utf-8")
    return build_corpus(folder, root / "meta.csv", slogans=LEXICON, cache_dir=root / "cache")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("steps"),
        {"a.txt": "我们要加强团结，坚持民主集中制。\n班子要团结。", "b.txt": "一把手要带头讲团结。"},
        "doc_id,file,level,genre\nalpha,a.txt,city,speech\nbeta,b.txt,province,opinion\n",
    )


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("single"),
        {"a.txt": "班子要团结。"},
        "doc_id,file,genre\nalpha,a.txt,speech\n",
    )


def context(corpus, settings) -> StepContext:
    return StepContext(corpus, settings, study_documents(corpus, settings), {}, [])


def test_the_context_reads_the_corpus_tables(corpus):
    run = context(corpus, {})
    assert run.tokens is corpus.tokens
    assert run.sentences is corpus.sentences
    assert run.mentions is corpus.mentions
    assert run.lexicon is corpus.slogans is LEXICON
    assert (run.found, run.used_groupings) == ({}, {})


def test_grouped_records_the_usable_groupings_and_notes_the_others(corpus):
    settings = {"slogan_counts": {"group_by": ["genre", "region", "genre×level"], "seed": 1}}
    run = context(corpus, settings)
    opts = run.grouped("slogan_counts", textstat_slogans)
    assert opts == {"group_by": ["genre", "genre×level"], "seed": 1}
    assert list(run.used_groupings) == ["genre", "genre×level"]
    assert [n["what"] for n in run.notes] == ["grouping region"]
    run.grouped("keyness", textstat_slogans)  # the default (level, genre) adds level
    assert list(run.used_groupings) == ["genre", "genre×level", "level"]


def test_the_tfidf_step_is_the_measure_with_the_settings_options(corpus):
    run = context(corpus, {"tfidf": {"top_n": 3}})
    steps.tfidf(run)
    table = run.tables["tfidf"]
    pd.testing.assert_frame_equal(table, textstat_tfidf(corpus.tokens, top_n=3))
    # every term is in one document, so the idf is the same for all and the weights are the
    # l2-normalised counts: alpha (团结 2, four others 1) and beta (three terms of 1)
    assert table[["doc_id", "term", "rank"]].values.tolist() == [
        ["alpha", "团结", 1],
        ["alpha", "加强", 2],
        ["alpha", "坚持", 2],
        ["alpha", "民主集中制", 2],
        ["alpha", "班子", 2],
        ["beta", "一把手", 1],
        ["beta", "要带头", 1],
        ["beta", "讲团结", 1],
    ]
    expected = [2 / math.sqrt(8)] + [1 / math.sqrt(8)] * 4 + [1 / math.sqrt(3)] * 3
    assert table["tfidf"].tolist() == pytest.approx(expected)


def test_the_dispersion_step_cuts_a_tiny_corpus_into_as_many_parts_as_it_has_words(corpus):
    run = context(corpus, {"dispersion": {"parts": 20}})
    with pytest.warns(UserWarning, match=r"^dispersion: 12 word .*give at most 12 equal parts, not 20$"):
        steps.dispersion(run)
    table = run.tables["dispersion"]
    pd.testing.assert_frame_equal(table, textstat_dispersion(corpus.tokens, parts=12))
    assert set(table.loc[table["partition"] == "equal_parts", "n_parts"]) == {12}
    by_doc = table[table["partition"] == "document"].set_index("term")
    # document sizes 9 and 3 words: 团结 only in alpha gives DP = (|1 − 0.75| + |0 − 0.25|) / 2
    assert by_doc.loc["团结", ["count", "range"]].tolist() == [2, 1]
    assert by_doc.loc["团结", "dp"] == pytest.approx(0.25)
    assert by_doc.loc["团结", "dp_norm"] == pytest.approx(1 / 3)
    assert by_doc.loc["一把手", "dp"] == pytest.approx(0.75)
    assert by_doc.loc["一把手", "dp_norm"] == pytest.approx(1.0)


def test_the_dispersion_step_keeps_the_parts_a_corpus_has_words_for(corpus):
    run = context(corpus, {"dispersion": {"parts": 4, "min_count": 2}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        steps.dispersion(run)
    expected = textstat_dispersion(corpus.tokens, parts=4, min_count=2)
    pd.testing.assert_frame_equal(run.tables["dispersion"], expected)
    assert run.tables["dispersion"]["term"].tolist() == ["团结", "团结"]


def test_the_slogan_counts_step_says_which_slogans_never_occur(corpus):
    settings = {"slogan_counts": {"group_by": ["genre"], "bootstrap_resamples": 20}}
    run = context(corpus, settings)
    with pytest.warns(UserWarning, match=r"^slogan\(s\) 四风 occur in no document \(count 0"):
        steps.slogan_counts(run)
    expected = textstat_slogans(
        run.docs, corpus.mentions, LEXICON, group_by=["genre"], bootstrap_resamples=20
    )
    pd.testing.assert_frame_equal(run.tables["slogan_counts"], expected)
    corpus_rows = expected[expected["scope"] == "corpus"].set_index("slogan")
    assert corpus_rows["count"].to_dict() == {"团结": 3, "民主集中制": 1, "四风": 0}
    assert list(run.used_groupings) == ["genre"]


def test_one_document_has_no_keyness_and_no_clustering_only_notes(single):
    run = context(single, {})
    steps.keyness(run)
    steps.similarity(run)
    assert list(run.tables) == ["similarity"]
    assert "clustering" not in run.found
    assert run.notes == [
        {
            "what": "keyness",
            "reason": "one document has no rest to compare it with; add documents to compare",
        },
        {"what": "similarity_clusters", "reason": "one document cannot be clustered"},
    ]


def test_two_documents_are_clustered(corpus):
    run = context(corpus, {"clustering": {"linkage": "single"}})
    steps.similarity(run)
    assert run.tables["similarity_clusters"] is run.found["clustering"].merges
    assert len(run.tables["similarity_clusters"]) == 1  # two documents merge once
    assert run.notes == []
