"""Notebook views: they select and reshape a run's tables without changing a number, and say in
one line what a corpus cannot show."""

from __future__ import annotations

import pytest

from analysis.run.results import load_results
from analysis.run.views import (
    Note,
    Shown,
    cleaning_examples,
    cleaning_summary,
    concordance_browser,
    figure,
    main_slogans,
    restore_check,
    slogan_evidence,
    slogan_rates_by_group,
    slogan_trends,
)


@pytest.fixture(scope="module")
def results(full_run):
    out, _ = full_run
    return load_results(out)


def test_cleaning_summary_counts_the_characters_each_rule_touched(results):
    summary = cleaning_summary(results).set_index("doc_id")
    log = results.tables["cleaning_log"]
    watermark = log[(log["doc_id"] == "cityoffice_speech_2003") & (log["rule"] == "watermark")]
    assert (
        summary.loc["cityoffice_speech_2003", "watermark"]
        == watermark["text"].str.len().sum()
        == 18
    )
    assert summary.loc["jilin_news_2007", "translation"] > 3000
    assert summary.loc["cidu_opinion_2005", "t2s"] > 400


def test_cleaning_summary_of_many_documents_shows_those_that_lost_most(results):
    summary = cleaning_summary(results, max_rows=2)
    assert summary["doc_id"].tolist() == ["jilin_news_2007", "cityoffice_speech_2003"]


def test_cleaning_examples_show_each_removing_rule(results):
    examples = cleaning_examples(results, per_rule=1)
    assert "watermark" in set(examples["rule"]) and "t2s" not in set(examples["rule"])
    assert examples.groupby("rule").size().max() == 1
    assert (examples["text"].str.len() <= 60).all()


def test_every_raw_text_is_rebuilt_from_the_runs_cleaned_text_and_audit(results):
    check = restore_check(results)
    assert check["raw text rebuilt exactly"].tolist() == [True] * 5
    assert (
        check.set_index("doc_id").loc["jilin_news_2007", "translation kept aside (characters)"]
        == 3119
    )


def test_slogan_evidence_puts_counts_beside_their_concordance(results):
    evidence = slogan_evidence(results, "一把手")
    assert isinstance(evidence, Shown) and evidence.source == "slogan_counts"
    table = evidence.frame.set_index("doc_id")
    assert table.index[0] == "nansha_speech_2007"  # most mentions first
    assert table.loc["nansha_speech_2007", "count"] == 13
    assert table.loc["nansha_speech_2007", "examples"].count("【一把手】") == 2
    assert table.loc["cityoffice_speech_2003", "examples"] == ""
    assert table.loc["nansha_speech_2007", "genre"] == "speech"  # metadata travels


def test_main_slogans_are_the_most_mentioned(results):
    assert main_slogans(results) == ["团结", "一把手", "民主集中制"]


def test_group_rates_and_trends_carry_their_metadata(results):
    groups = slogan_rates_by_group(results)
    assert set(groups.frame["grouping"]) == {"level", "genre"}
    speech = groups.frame[(groups.frame["group"] == "speech") & (groups.frame["slogan"] == "团结")]
    assert speech["genre"].tolist() == ["speech"] and speech["n_docs"].tolist() == [2]
    trends = slogan_trends(results)
    assert set(trends.frame["time"]) == {"2003", "2005", "2007"}


def test_a_figure_the_run_did_not_draw_is_a_note(results):
    note = figure(results, "no_such_figure")
    assert isinstance(note, Note) and "No figure no_such_figure" in note.text
    assert "<em>" in note._repr_html_()


def test_shown_tables_carry_their_source_in_the_display_metadata(results):
    data, metadata = slogan_trends(results)._repr_mimebundle_()
    assert metadata == {"analysis": {"table": "slogan_trends"}}
    assert data["text/html"].startswith("<table")


def test_concordance_browser_is_one_self_contained_html_element(results):
    browser = concordance_browser(results, slogan="民主集中制", max_lines=5)
    assert browser.slogans[0] == "民主集中制" and set(browser.slogans) >= {"团结", "一把手"}
    frame = browser.frame
    assert list(frame.columns) == ["slogan", "doc_id", "para", "sent", "left", "match", "right"]
    assert frame.groupby("slogan").size().max() == 5
    kwic = results.tables["kwic"]
    assert browser.dropped == int(kwic["slogan"].isin(browser.slogans).sum()) - len(frame)
    page = browser._repr_html_()
    assert page.count("<tr data-slogan=") == len(frame)
    assert "<script>" in page and "http" not in page  # no library, no network
    assert '<option value="民主集中制">' in page
