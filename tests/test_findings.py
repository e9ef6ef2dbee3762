"""Findings written from a run's tables: exact sentences on a small hand-made run, every cited
number checked against the tables (read from the CSVs, not through analysis.run.findings), the
sentences that replace a finding a corpus cannot support, and the study narrative."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from shown_numbers import check_claims, read_csv_table

from analysis.errors import InputError
from analysis.run.findings import (
    CLAIM_COLUMNS,
    PLACEHOLDERS,
    Findings,
    NarrativeError,
    corpus_findings,
    formula_findings,
    keyword_findings,
    narrative_template,
    render_narrative,
    similarity_findings,
    slogan_findings,
    study_narrative,
    trend_findings,
)
from analysis.run.results import RunResults, TableStore, load_results

SLOGANS = ["团结", "民主集中制", "一把手"]
RATE = {"ci_method": "paragraphs", "confidence": 0.95, "n_resamples": 2000, "seed": 1}


def make_run(folder, tables: dict[str, pd.DataFrame], *, skipped=(), settings=None):
    """A RunResults of ``tables`` (written as Parquet for the run and CSV for the checks)."""
    (folder / "tables").mkdir(parents=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / "tables" / f"{name}.parquet", index=False)
        frame.to_csv(folder / "tables" / f"{name}.csv", index=False, encoding="utf-8-sig")
    manifest = {
        "run_id": "hand-made",
        "lexicons": {"slogans_counted": SLOGANS},
        "settings": {"values": settings or {"keyness": {"p_adjust": "holm"}}, "file": None},
        "skipped": list(skipped),
        "outputs": [],
        "inputs": {},
        "metadata_columns": ["year", "genre"],
    }
    return RunResults(folder, manifest, TableStore(folder / "tables", list(skipped)))


def documents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "genre": ["x", "x", "y"],
            "year": pd.array([2001, 2003, None], dtype="Int64"),
            "n_chars_raw": [1200, 500, 300],
            "n_chars": [1000, 500, 200],
            "n_tokens": [400, 200, 80],
            "flags": ["", "", "short"],
        }
    )


def count_row(scope, slogan, count, n_chars, rate, low, high, *, doc_id="", grouping="",
              group="", n_docs=1):
    return {"scope": scope, "grouping": grouping, "group": group, "doc_id": doc_id,
            "slogan": slogan, "n_docs": n_docs, "n_paragraphs": 10, "n_chars": n_chars,
            "count": count,
            "per_10k_chars": rate, "ci_low": low, "ci_high": high, **RATE}


def slogan_counts() -> pd.DataFrame:
    """团结 in every document (c highest, its interval above the others'; a most mentions),
    民主集中制 only in a, 一把手 nowhere; pooled by genre x (a, b) and y (c)."""
    rows = [
        count_row("document", "团结", 10, 1000, 100.0, 60.0, 140.0, doc_id="a"),
        count_row("document", "民主集中制", 1, 1000, 10.0, 0.0, 30.0, doc_id="a"),
        count_row("document", "一把手", 0, 1000, 0.0, 0.0, 0.0, doc_id="a"),
        count_row("document", "团结", 2, 500, 40.0, 0.0, 80.0, doc_id="b"),
        count_row("document", "民主集中制", 0, 500, 0.0, 0.0, 0.0, doc_id="b"),
        count_row("document", "一把手", 0, 500, 0.0, 0.0, 0.0, doc_id="b"),
        count_row("document", "团结", 4, 200, 200.0, 150.0, 250.0, doc_id="c"),
        count_row("document", "民主集中制", 0, 200, 0.0, 0.0, 0.0, doc_id="c"),
        count_row("document", "一把手", 0, 200, 0.0, 0.0, 0.0, doc_id="c"),
        count_row("group", "团结", 12, 1500, 80.0, 40.0, 120.0, grouping="genre", group="x",
                  n_docs=2),
        count_row("group", "民主集中制", 1, 1500, 20 / 3, 0.0, 20.0, grouping="genre",
                  group="x", n_docs=2),
        count_row("group", "一把手", 0, 1500, 0.0, 0.0, 0.0, grouping="genre", group="x",
                  n_docs=2),
        count_row("group", "团结", 4, 200, 200.0, 150.0, 250.0, grouping="genre", group="y"),
        count_row("group", "民主集中制", 0, 200, 0.0, 0.0, 0.0, grouping="genre", group="y"),
        count_row("group", "一把手", 0, 200, 0.0, 0.0, 0.0, grouping="genre", group="y"),
        count_row("corpus", "团结", 16, 1700, 16 / 1700 * 10_000, 50.0, 130.0, n_docs=3),
        count_row("corpus", "民主集中制", 1, 1700, 1 / 1700 * 10_000, 0.0, 17.6, n_docs=3),
        count_row("corpus", "一把手", 0, 1700, 0.0, 0.0, 0.0, n_docs=3),
    ]
    return pd.DataFrame(rows)


def cooccurrence(count: int, expected: float) -> pd.DataFrame:
    """Corpus rows by sentence: 团结 with 民主集中制 in both orders, and a diagonal row."""
    base = {"scope": "corpus", "grouping": "", "group": "", "doc_id": "", "unit": "sentence",
            "window_chars": pd.NA, "n_units": 40, "jaccard": 0.1}
    return pd.DataFrame([
        {**base, "slogan_a": "团结", "slogan_b": "团结", "count": 12, "n_a": 12, "n_b": 12,
         "expected": 3.6},
        {**base, "slogan_a": "团结", "slogan_b": "民主集中制", "count": count, "n_a": 12,
         "n_b": 5, "expected": expected},
        {**base, "slogan_a": "民主集中制", "slogan_b": "团结", "count": count, "n_a": 5,
         "n_b": 12, "expected": expected},
    ]).astype({"window_chars": "Int64"})


def cleaning_log() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["c", "c", "a"],
        "rule": ["translation", "punctuation", "site_blurb"],
        "text": ["x" * 100, ",", "y" * 200],
        "replacement": ["", "，", ""],
    })


@pytest.fixture
def small_run(tmp_path):
    return make_run(
        tmp_path / "run",
        {
            "documents": documents(),
            "slogan_counts": slogan_counts(),
            "slogan_cooccurrence": cooccurrence(1, 0.2),
            "cleaning_log": cleaning_log(),
            "shared_boilerplate": pd.DataFrame(
                columns=["line", "n_docs", "share", "n_docs_removed", "n_chars_removed"]
            ).astype({"line": str, "n_docs": int, "n_chars_removed": int}),
        },
        skipped=[
            {"what": "keyness", "reason": "the test run has none"},
            {"what": "slogan_trends", "reason": "no document has a year in this test"},
            {"what": "correspondence analysis", "reason": "it needs 2 documents"},
        ],
    )


def checked(findings: Findings, run: RunResults) -> Findings:
    """``findings`` after checking every number it cites against ``run``'s CSV tables."""
    assert list(findings.claims.columns) == CLAIM_COLUMNS
    check_claims(findings.claims, run.folder / "tables", findings.markdown)
    return findings


# --- exact sentences on a hand-made run ----------------------------------------------------------


def test_corpus_findings_say_sizes_years_flags_and_what_cleaning_removed(small_run):
    found = checked(corpus_findings(small_run), small_run)
    assert found.text.split("\n\n") == [
        "The corpus holds 3 documents: 1,700 characters of cleaned text (2,000 in the raw files) "
        "and 680 word tokens. The longest is a (1,000 characters), 5.0 times the shortest, c "
        "(200). Rates per 10,000 characters of the shortest documents rest on few mentions: read "
        "them with their intervals.",
        "2 documents are dated, from 2001 to 2003; 1 has no year and is left out of every trend.",
        "The run pools documents by genre.",
        "Flagged, and kept: 1 short (c). Check them before reading their numbers (`short`: far "
        "shorter than the rest; `not_chinese`: mostly not Chinese).",
        "Cleaning made the texts 300 characters (15%) shorter than the raw files; it shortened c "
        "most, by 100 of its 300 characters (33.3%), chiefly with the rule `translation`.",
        "No line recurs in enough documents to be removed as shared boilerplate.",
    ]
    claims = found.claims.set_index("claim")
    assert claims.loc["cleaning.top.removed_percent", "of"] == (
        "cleaning.top.removed;cleaning.top.n_chars_raw"
    )
    assert json.loads(claims.loc["year.undated", "keys"]) == {"year": None}


def test_slogan_findings_give_the_highest_rate_its_interval_and_how_it_compares(small_run):
    found = checked(slogan_findings(small_run), small_run)
    blocks = found.text.split("\n\n")
    assert blocks[0] == (
        "Rates are mentions per 10,000 characters with 95% bootstrap intervals; where two "
        "intervals overlap, the rates are not clearly different. Group intervals resample "
        "paragraphs within the group's documents: they describe these documents, not the genre "
        "or level at large (settings `slogan_counts: resample: documents` resamples documents)."
    )
    assert blocks[1].split("\n") == [
        "- **团结**: 16 mentions, 94.1 [50.0, 130.0] over the corpus. Highest rate: c, 4 "
        "mentions in 200 characters, 200.0 [150.0, 250.0] (flagged short). Its interval lies above "
        "every other document's. The highest rate is 5.0 times the lowest of a document that "
        "mentions it, b's 40.0 [0.0, 80.0]. The most mentions, 10 of 16, are in a. Every "
        "document mentions it. By genre: highest y, 200.0 [150.0, 250.0] (1 document); lowest "
        "x, 80.0 [40.0, 120.0] (2 documents); their intervals do not overlap.",
        "- **民主集中制**: 1 mention, 5.9 [0.0, 17.6] over the corpus. Highest rate: a, 1 mention "
        "in 1,000 characters, 10.0 [0.0, 30.0]. It is the only document that mentions it. 2 of "
        "the 3 documents never mention it. By genre: highest x, 6.7 [0.0, 20.0] (2 documents); "
        "lowest y, 0.0 [0.0, 0.0] (1 document).",
    ]
    assert blocks[2] == "Never mentioned in this corpus: 一把手."
    assert blocks[3] == (
        "No two slogans share 3 or more sentences and do so more often than expected if they "
        "fell into sentences independently."
    )
    assert "**" in found.markdown and "**" not in found.text.replace("**团结**", "").replace(
        "**民主集中制**", ""
    )


def test_slogans_found_together_beyond_expectation_are_listed_once_per_pair(tmp_path):
    run = make_run(tmp_path / "run", {"documents": documents(), "slogan_counts": slogan_counts(),
                                      "slogan_cooccurrence": cooccurrence(4, 0.5)})
    found = checked(slogan_findings(run), run)
    assert found.text.split("\n\n")[-2:] == [
        "Pairs of slogans found together in 3 or more of the corpus's 40 sentences, more often "
        "than expected if they fell into sentences independently (expected = sentences with one "
        "× sentences with the other ÷ all sentences):\n- 团结 and 民主集中制: 4 sentences against "
        "0.50 expected (8.0 times)",
        "The table holds no test of these differences: they describe this corpus and are not by "
        "themselves significant.",
    ]
    below = checked(slogan_findings(run, min_together=5), run)
    assert "No two slogans share 5 or more sentences" in below.text


def test_slogans_never_mentioned_and_absent_tables_are_said_not_failed(small_run, tmp_path):
    silent = slogan_counts().assign(count=0, per_10k_chars=0.0, ci_low=0.0, ci_high=0.0)
    run = make_run(tmp_path / "silent", {"documents": documents(), "slogan_counts": silent})
    assert slogan_findings(run).text == (
        "None of the 3 slogans the run counted is mentioned in this corpus (团结, 民主集中制, 一把手)."
    )
    assert keyword_findings(small_run).text == (
        "*No term frequencies: the run computed none.*\n\n*No keywords: the test run has none.*"
    )
    assert trend_findings(small_run).text == (
        "*No trends: no document has a year in this test. Name the files with a year "
        "(report_1998.txt) or give a metadata CSV with a year column.*"
    )
    assert formula_findings(small_run).text == "*No shared formulae: the run computed none.*"
    assert similarity_findings(small_run).text == (
        "*No TF-IDF terms: the run computed none.*\n\n*No similarities: the run computed none."
        "*\n\n*No correspondence analysis: it needs 2 documents.*"
    )
    assert study_narrative(small_run).text.startswith(
        "*The study narrative is about the study's 5 documents (jilin_news_2007,"
    )
    assert trend_findings(small_run).claims.empty and formula_findings(small_run).claims.empty


def test_keywords_are_the_strongest_below_alpha_for_groups_then_documents(tmp_path):
    def row(grouping, target, term, here, there, g2, log_ratio, p):
        return {"grouping": grouping, "target": target, "reference": "rest", "term": term,
                "count_target": here, "count_reference": there, "g2": g2,
                "log_ratio": log_ratio, "p_adjusted": p,
                "direction": "positive" if g2 > 0 else "negative"}

    keyness = pd.DataFrame([
        row("genre", "x", "班子", 30, 2, 25.123, 3.4567, 0.001),
        row("doc_id", "a", "团结", 10, 1, 12.5, 2.25, 0.01),
        row("doc_id", "a", "会议", 20, 4, 30.0, 1.5, 0.02),
        row("doc_id", "a", "干部", 9, 9, 3.0, 0.5, 0.2),  # not below alpha
        row("doc_id", "a", "工作", 1, 40, -20.0, -3.0, 0.001),  # negative
        row("doc_id", "b", "活动", 3, 1, 2.0, 1.0, 0.5),
    ])
    frequencies = pd.DataFrame([
        {"scope": "corpus", "grouping": "", "group": "", "doc_id": "", "kind": "token",
         "ngram": 1, "term": t, "count": c, "per_10k_tokens": c / 680 * 10_000, "rank": r}
        for t, c, r in (("工作", 41, 1), ("会议", 24, 2))
    ])
    run = make_run(tmp_path / "run", {"documents": documents(), "slogan_counts": slogan_counts(),
                                      "keyness": keyness, "term_frequencies": frequencies})
    found = checked(keyword_findings(run, per_target=2), run)
    blocks = found.text.split("\n\n")
    assert blocks[0] == (
        "The most frequent word of the corpus (stopwords aside) is 工作: 41 times, 602.9 per "
        "10,000 word tokens."
    )
    assert blocks[2:] == [
        "By genre:\n- genre = x: 班子 (30 here, 2 in the rest; G² 25.12, log ratio 3.46).",
        "By document:\n- a: 会议 (20 here, 4 in the rest; G² 30.00, log ratio 1.50), 团结 (10 "
        "here, 1 in the rest; G² 12.50, log ratio 2.25).\n- b: no term is used more at an "
        "adjusted p below 0.05.",
    ]
    fewer = keyword_findings(run, per_target=1, max_targets=1).text
    assert fewer.endswith("- The keywords of the other 1 document are in the keyness table.")


def test_similarity_and_formulae_name_the_extremes_and_the_widest_shared(tmp_path):
    pairs = [("a", "b", 0.5), ("a", "c", 0.25), ("b", "c", 0.125)]
    similarity = pd.DataFrame(
        [{"doc_a": d, "doc_b": d, "cosine": 1.0, "jaccard": 1.0} for d in "abc"]
        + [{"doc_a": x, "doc_b": y, "cosine": c, "jaccard": c} for x, y, c in pairs]
        + [{"doc_a": y, "doc_b": x, "cosine": c, "jaccard": c} for x, y, c in pairs]
    )
    tfidf = pd.DataFrame({"doc_id": ["a", "a", "b"], "term": ["班子", "团结", "活动"],
                          "tfidf": [0.61234, 0.4, 0.9], "rank": [1, 2, 1]})
    formulae = pd.DataFrame({
        "formula": ["三个代表重要思想", "集体领导民主集中个别酝酿会议决定", "立党为公执政为民"],
        "length": [8, 16, 8], "n_docs": [4, 3, 2], "doc_ids": ["a;b;c;d", "a;b;c", "b;c"],
        "count": [5, 2, 1],
        "text": ["三个代表”重要思想", "集体领导、民主集中、个别酝酿、会议决定", "立党为公、执政为民"],
    })
    inertia = pd.DataFrame({"dimension": [1, 2], "inertia": [0.3, 0.1], "share": [0.75, 0.25],
                            "cumulative_share": [0.75, 1.0]})
    coordinates = pd.DataFrame({"kind": ["document"] * 3, "label": ["a", "b", "c"],
                                "dimension": [1, 1, 1], "coordinate": [-0.5, 0.1, 0.75]})
    four = pd.concat([documents(), documents().tail(1).assign(doc_id="d")], ignore_index=True)
    run = make_run(tmp_path / "run", {
        "documents": four, "slogan_counts": slogan_counts(), "similarity": similarity,
        "tfidf": tfidf, "formulae": formulae, "ca_inertia": inertia,
        "ca_coordinates": coordinates,
    })
    assert checked(similarity_findings(run, per_document=1), run).text.split("\n\n") == [
        "The terms of highest TF-IDF weight (used often here, seldom elsewhere):\n- a: 班子 "
        "(0.612)\n- b: 活动 (0.900)",
        "The most similar pair is a and b (cosine 0.500), the least similar b and c (0.125); "
        "cosine is 0 for no shared weighted vocabulary and 1 for the same profile.",
        "The first axis of the correspondence analysis holds 75% of the inertia and the second "
        "25%; it sets a (-0.500) against c (0.750) at its two ends.",
    ]
    assert checked(formula_findings(run, max_formulae=1), run).text.split("\n\n") == [
        "3 passages (formulae, at least the settings' `formulae: min_length` characters, "
        "punctuation aside) recur in two or more documents. Shared by most documents:\n"
        "- 「三个代表重要思想」: 4 of 4 documents, 5 occurrences",
        "A passage found in every document may be the source's fixed wording (a heading, a "
        "byline, a site's furniture) rather than a political formula: read its occurrences (the "
        "formula_occurrences table) before citing it.",
        "The longest shared by three or more documents is 「集体领导、民主集中、个别酝酿、会议决定」 "
        "(16 characters, 3 documents: a, b, c).",
    ]
    # listed already among those shared by most documents, it gets no sentence of its own
    assert "The longest" not in formula_findings(run, max_formulae=2).text
    one = make_run(tmp_path / "one", {
        "documents": documents().head(1), "slogan_counts": slogan_counts().head(3),
        "similarity": similarity.head(1),
        "formulae": formulae.head(0),
    })
    assert "With one document there is no pair to compare." in similarity_findings(one).text
    assert formula_findings(one).text == (
        "*No passage is shared by two or more documents at the settings' formulae: min_length.*"
    )


def test_trends_compare_the_first_and_last_step_with_their_intervals(tmp_path):
    def step(time, slogan, count, rate, low, high, n_docs=1):
        return {"slogan": slogan, "grouping": "", "group": "all documents",
                "time_unit": "year", "time": time, "year": int(time), "n_docs": n_docs,
                "n_paragraphs": 10,
                "count": count, "per_10k_chars": rate, "ci_low": low, "ci_high": high, **RATE}

    trends = pd.DataFrame([
        step("2001", "团结", 10, 100.0, 60.0, 140.0, n_docs=2),
        step("2001", "民主集中制", 0, 0.0, 0.0, 0.0, n_docs=2),
        step("2002", "团结", 2, 40.0, 0.0, 80.0),
        step("2002", "民主集中制", 1, 20.0, 0.0, 60.0),
        step("2003", "团结", 1, 10.0, 0.0, 30.0),
        step("2003", "民主集中制", 0, 0.0, 0.0, 0.0),
    ])
    run = make_run(tmp_path / "run", {"documents": documents(), "slogan_counts": slogan_counts(),
                                      "slogan_trends": trends})
    assert checked(trend_findings(run), run).text.split("\n\n") == [
        "1 document without a year is left out of the trends.",
        "All documents, year by year (the trend figure and table above):\n"
        "- **团结** (3 years, 1 to 2 documents each): 100.0 [60.0, 140.0] in 2001, 10.0 [0.0, "
        "30.0] in 2003; highest in 2001. The first and last intervals do not overlap: the rate "
        "is clearly lower at the end, for these documents.\n"
        "- **民主集中制** (3 years, 1 to 2 documents each): no mention in 2001, no mention in "
        "2003; highest 20.0 [0.0, 60.0] in 2002.",
    ]
    # a step of one paragraph has a zero-width interval, which is no interval
    single = make_run(tmp_path / "single", {
        "documents": documents(), "slogan_counts": slogan_counts(),
        "slogan_trends": trends.assign(n_paragraphs=[10, 10, 10, 10, 1, 1]),
    })
    assert "10.0 (one paragraph: no interval) in 2003; highest in 2001.\n" in checked(
        trend_findings(single), single).text
    one_year = make_run(tmp_path / "one", {"documents": documents(),
                                           "slogan_counts": slogan_counts(),
                                           "slogan_trends": trends[trends["time"] == "2001"]})
    assert trend_findings(one_year).text.endswith(
        "All dated documents fall in one year, 2001: there is no trend to describe."
    )


def test_findings_display_as_markdown_with_their_claims_and_check_their_arguments(small_run):
    found = corpus_findings(small_run)
    data, metadata = found._repr_mimebundle_()
    assert data == {"text/markdown": found.markdown, "text/plain": found.text}
    assert found._repr_markdown_() == found.markdown and "\n\n" in found.markdown
    claims = metadata["analysis"]["claims"]
    assert metadata["analysis"]["findings"] == "corpus"
    assert json.loads(json.dumps(claims)) == claims and len(claims) == len(found.claims)
    with pytest.raises(InputError, match="give a finished run"):
        corpus_findings("results")
    with pytest.raises(InputError, match="max_named=0"):
        corpus_findings(small_run, max_named=0)
    with pytest.raises(InputError, match="unit='window'"):
        slogan_findings(small_run, unit="window")
    with pytest.raises(InputError, match=r"slogans \['改革开放'\] were not counted"):
        slogan_findings(small_run, slogans=["改革开放"])
    with pytest.raises(InputError, match="alpha=1"):
        keyword_findings(small_run, alpha=1)


def test_a_wrong_claim_is_caught_by_the_check(small_run):
    """The independent check can fail: one cited number changed, or keyed to another row."""
    found = corpus_findings(small_run)
    wrong = found.claims.copy()
    wrong.loc[wrong["claim"] == "longest.n_chars", "value"] = 999.0
    with pytest.raises(AssertionError, match=r"longest\.n_chars: cites 999\.0"):
        check_claims(wrong, small_run.folder / "tables")
    moved = found.claims.copy()
    moved.loc[moved["claim"] == "longest.n_chars", "keys"] = json.dumps({"doc_id": "b"})
    with pytest.raises(AssertionError, match="the tables give 500"):
        check_claims(moved, small_run.folder / "tables")


# --- the study narrative -------------------------------------------------------------------------


def test_an_unknown_or_unfillable_placeholder_is_named(small_run, tmp_path):
    def template(body: str):
        path = tmp_path / "narrative.md"
        path.write_text(f"---\ndocuments: [a]\nslogans: [团结]\n---\n{body}\n", encoding="utf-8")
        return path

    assert render_narrative(small_run, template=template(
        "团结: {{rate|c|团结}} ({{count|c|团结}} in {{chars|c}}); {{documents}} documents."
    )).text == "团结: 200.0 [150.0, 250.0] (4 in 200); 3 documents."
    cases = {
        "{{share|a|团结}}": r"placeholder \{\{share\|a\|团结\}\}: unknown kind 'share'",
        "{{rate|z|团结}}": r"\{\{rate\|z\|团结\}\}: document 'z' is not in this run",
        "{{count|a|改革开放}}": r"slogan '改革开放' was not counted by this run",
        "{{rate|a}}": r"rate takes 2 arguments \(doc\|slogan\), got 1",
        "{{g2|a|团结}}": r"\{\{g2\|a\|团结\}\}: this run has no table keyness \(the test run",
        "{{group_rate|genre|z|团结}}": r"no group genre = 'z'",
        "{{count|a|团结}": "an unclosed placeholder",
    }
    for body, message in cases.items():
        with pytest.raises(NarrativeError, match=message):
            render_narrative(small_run, template=template(body))
    with pytest.raises(NarrativeError, match="front matter"):
        (tmp_path / "bare.md").write_text("{{documents}}", encoding="utf-8")
        render_narrative(small_run, template=tmp_path / "bare.md")
    shown = study_narrative(small_run, template=template("{{g2|a|团结}}"))
    assert shown.text.startswith("*The study narrative cannot be filled from this run:")


def test_the_narrative_template_holds_no_number_of_its_own():
    text = narrative_template().read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    front = text.split("\n---\n", 1)[0]
    named = set(re.findall(r"\b[a-z]+_[a-z]+_[0-9]{4}\b", body))  # document ids are names
    assert named and all(doc_id in front for doc_id in named)
    outside = re.sub(r"\{\{[^{}]*\}\}|\b[a-z]+_[a-z]+_[0-9]{4}\b", "", body)
    assert not re.search(r"[0-9]", outside), re.findall(r".{10}[0-9].{10}", outside)
    kinds = {m.split("|")[0] for m in re.findall(r"\{\{([^{}]*)\}\}", body)}
    assert kinds <= set(PLACEHOLDERS) and len(kinds) >= 8


@pytest.fixture(scope="module")
def study(full_run):
    out, _ = full_run
    return load_results(out)


def test_the_study_narrative_cites_only_the_tables_and_its_statements_hold(study):
    narrative = study_narrative(study)
    tables = study.folder / "tables"
    assert check_claims(narrative.claims, tables, narrative.markdown) >= 25
    words = re.findall(r"[A-Za-z’'-]+|[\u4e00-\u9fff]+|\d[\d.,]*", narrative.text)
    assert 150 <= len(words) <= 310, len(words)
    # what the prose says in words, checked on the CSVs
    counts = read_csv_table(tables, "slogan_counts")
    docs = counts[counts["scope"] == "document"].astype({"count": int, "per_10k_chars": float})
    by = docs.set_index(["slogan", "doc_id"])
    assert (by.loc["团结", "count"] > 0).all() and (by.loc["民主集中制", "count"] > 0).all()
    assert by.loc[("团结", "cityoffice_speech_2003"), "per_10k_chars"] > 10 * by.loc[
        ("团结", "yangzhou_opinion_2007"), "per_10k_chars"]
    assert by.loc[("一把手", "nansha_speech_2007"), "count"] > 0.8 * by.loc["一把手", "count"].sum()
    cooc = read_csv_table(tables, "slogan_cooccurrence")
    pair = cooc[(cooc["scope"] == "corpus") & (cooc["unit"] == "paragraph")
                & (cooc["slogan_a"] == "团结") & (cooc["slogan_b"] == "民主集中制")].iloc[0]
    assert int(pair["count"]) > 2 * float(pair["expected"])
    keyness = read_csv_table(tables, "keyness")
    for doc_id, term in [("cidu_opinion_2005", "四强一硬"), ("jilin_news_2007", "和谐班子"),
                         ("nansha_speech_2007", "思想政治建设"),
                         ("cityoffice_speech_2003", "讲团结"), ("yangzhou_opinion_2007", "常委")]:
        rows = keyness[(keyness["grouping"] == "doc_id") & (keyness["target"] == doc_id)
                       & (keyness["direction"] == "positive")]
        strongest = rows.astype({"g2": float}).sort_values("g2", ascending=False).head(10)
        assert term in set(strongest["term"]), (doc_id, term)
        assert float(rows.loc[rows["term"] == term, "p_adjusted"].iloc[0]) < 0.05


def test_every_number_the_findings_cite_on_the_study_run_is_in_its_tables(study):
    tables = study.folder / "tables"
    for function in (corpus_findings, keyword_findings, similarity_findings, slogan_findings,
                     formula_findings, trend_findings):
        found = function(study)
        assert check_claims(found.claims, tables, found.markdown) > 5, function.__name__
    text = slogan_findings(study).text
    assert "The most mentions, 13 of 15, are in nansha_speech_2007." in text
