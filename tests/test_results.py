"""Reading a finished run: load_results gives the tables (complete, typed), the figures and the
settings of the run, and rebuilds its corpus with its own settings."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import STUDY_DOC_IDS

from analysis.cli import main
from analysis.errors import InputError
from analysis.run.results import MissingTableError, load_results


def test_tables_are_the_runs_csv_files_complete_and_typed(full_run):
    out, _ = full_run
    results = load_results(out)
    assert (
        results.run_id
        == (out / "manifest.json").read_text(encoding="utf-8").split('"run_id": "')[1].split('"')[0]
    )
    counts = results.tables["slogan_counts"]
    from_csv = pd.read_csv(
        out / "tables" / "slogan_counts.csv", encoding="utf-8-sig", keep_default_na=False
    )
    assert len(counts) == len(from_csv)
    assert counts["count"].tolist() == from_csv["count"].tolist()
    assert counts["year"].dtype == "Int64"
    assert results.documents["doc_id"].tolist() == STUDY_DOC_IDS
    assert "texts" in results.tables and "slogan_trends" in results.tables


def test_figures_and_what_the_run_left_out(full_run):
    out, figures = full_run
    results = load_results(out)
    assert results.figure_path("slogan_trends") == figures.resolve() / "slogan_trends.png"
    assert results.figure_path("slogan_trends").is_file()
    assert results.figure_path("no_such_figure") is None
    assert results.why_no_figure("no_such_figure") == "No figure no_such_figure in this run."
    assert results.slogans[:3] == ["团结", "民主集中制", "一把手"]
    assert results.groupings() == ["level", "genre"]
    assert results.has_values("genre") and not results.has_values("no_such_column")
    assert results.failures == []


def test_a_table_the_run_did_not_write_says_why(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "only.txt").write_text("我们要加强团结，坚持民主集中制。", encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(
            [
                "run",
                "--texts",
                str(texts),
                "--out",
                str(out),
                "--no-figures",
                "--no-notebooks",
                "--quiet",
            ]
        )
        == 0
    )
    results = load_results(out)
    with pytest.raises(MissingTableError, match="no table 'keyness': one document has no rest"):
        results.tables["keyness"]
    assert results.reason_skipped("slogan_trends").startswith("no document has a year")
    assert "keyness" not in results.tables


def test_a_folder_without_a_run_is_an_error_saying_what_to_do(tmp_path):
    with pytest.raises(InputError, match=r"holds no run .*python -m analysis run"):
        load_results(tmp_path)


def test_the_corpus_is_rebuilt_with_the_runs_settings_and_term_trends_use_it(
    tmp_path, cache_dir, monkeypatch
):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a_1990.txt").write_text("坚持改革开放。要讲团结。", encoding="utf-8")
    (texts / "b_2000.txt").write_text("改革开放，改革开放。团结。", encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(
            [
                "run",
                "--texts",
                str(texts),
                "--out",
                str(out),
                "--no-figures",
                "--no-notebooks",
                "--quiet",
                "--slogans",
                "团结",
            ]
        )
        == 0
    )
    results = load_results(out)
    assert results.lexicon().names == ("团结",)
    corpus = results.corpus()
    assert corpus.documents["doc_id"].tolist() == ["a_1990", "b_2000"]
    assert corpus.mentions["slogan"].tolist() == ["团结", "团结"]
    trends = results.term_trends("改革开放", bootstrap_resamples=0)
    rows = trends[trends["group"] == "all documents"].set_index("time")
    assert rows["count"].to_dict() == {"1990": 1, "2000": 2}
    assert rows.loc["2000", "per_10k_chars"] == pytest.approx(2 / 13 * 10_000)
    (texts / "b_2000.txt").write_text("变了。", encoding="utf-8")
    with pytest.raises(InputError, match=r"b_2000\.txt changed since run"):
        results.corpus()
