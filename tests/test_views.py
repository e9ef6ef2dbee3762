"""Notebook views: they reshape the corpus and measure tables without changing a number."""

from __future__ import annotations

import pandas as pd

from analysis.measures.slogan_counts import textstat_slogans
from analysis.views import cleaning_examples, cleaning_summary, concordance_browser, slogan_evidence


def test_cleaning_summary_counts_the_characters_each_rule_touched(study_corpus):
    summary = cleaning_summary(study_corpus).set_index("doc_id")
    log = study_corpus.cleaning_log
    watermark = log[(log["doc_id"] == "cityoffice_speech_2003") & (log["rule"] == "watermark")]
    assert summary.loc["cityoffice_speech_2003", "watermark"] == watermark["text"].str.len().sum() == 18
    assert summary.loc["jilin_news_2007", "translation"] > 3000
    assert summary.loc["cidu_opinion_2005", "t2s"] > 400


def test_cleaning_examples_show_each_removing_rule(study_corpus):
    examples = cleaning_examples(study_corpus, per_rule=1)
    assert "watermark" in set(examples["rule"]) and "t2s" not in set(examples["rule"])
    assert examples.groupby("rule").size().max() == 1
    assert (examples["text"].str.len() <= 60).all()


def test_slogan_evidence_puts_counts_beside_their_concordance(study_corpus):
    counts = textstat_slogans(
        study_corpus.documents, study_corpus.mentions, study_corpus.slogans, group_by=(),
        bootstrap_resamples=0,
    )
    evidence = slogan_evidence(study_corpus, counts, "一把手").set_index("doc_id")
    assert evidence.loc["nansha_speech_2007", "count"] == 13
    assert evidence.loc["nansha_speech_2007", "examples"].count("【一把手】") == 2
    assert evidence.loc["cityoffice_speech_2003", "examples"] == ""


def test_concordance_browser_degrades_to_a_static_table_outside_a_kernel(study_corpus):
    table = concordance_browser(study_corpus, slogan="民主集中制", width=10)
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == ["doc_id", "para", "sent", "left", "match", "right"]
    assert (table["match"] == "民主集中制").all() and len(table) == 10
