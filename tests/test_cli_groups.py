"""A dated corpus with metadata from the command line: crossed groups (--group-by), periods,
ad-hoc slogans, the trends command, and metadata on every per-document and per-group row."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from PIL import Image

from analysis.cli import main

TEXTS = {
    "r1985.txt": ("1985", "report", "坚持改革开放，加强团结。改革开放是基本国策。"),
    "r1995.txt": ("1995", "report", "深化改革开放。维护团结统一，坚持民主集中制。"),
    "r1998.txt": ("1998", "report", "扩大改革开放。讲团结。"),
    "c1987.txt": ("1987", "congress", "坚持民主集中制。团结一致。"),
    "c1997.txt": ("1997", "congress", "坚持改革开放，发扬民主的集中制，增进团结。"),
}


@pytest.fixture
def dated(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = tmp_path / "texts"
    texts.mkdir()
    with (tmp_path / "meta.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["doc_id", "file", "title", "year", "genre"])
        for name, (year, genre, text) in TEXTS.items():
            (texts / name).write_text(text, encoding="utf-8")
            writer.writerow([name.removesuffix(".txt"), name, f"{genre} {year}", year, genre])
    return texts, tmp_path / "meta.csv"


def read(out, name):
    return pd.read_parquet(out / "tables" / f"{name}.parquet")


def test_group_by_crosses_columns_with_their_margins_and_rows_carry_the_metadata(dated, tmp_path):
    texts, meta = dated
    out = tmp_path / "out"
    code = main(["run", "--texts", str(texts), "--metadata", str(meta), "--out", str(out),
                 "--no-figures", "--no-notebooks", "--quiet", "--group-by", "genre,decade",
                 "--slogans", "改革开放,团结"])
    assert code == 0
    counts = read(out, "slogan_counts")
    assert list(pd.unique(counts["grouping"])) == ["", "genre", "decade", "genre×decade"]
    reform = counts[(counts["slogan"] == "改革开放") & (counts["grouping"] == "genre×decade")]
    assert reform[["group", "genre", "decade", "n_docs", "count"]].values.tolist() == [
        ["congress×1980s", "congress", "1980s", 1, 0],
        ["congress×1990s", "congress", "1990s", 1, 1],
        ["report×1980s", "report", "1980s", 1, 2],
        ["report×1990s", "report", "1990s", 2, 2],
    ]
    documents = counts[counts["scope"] == "document"].set_index(["doc_id", "slogan"])
    assert documents.loc[("r1995", "改革开放"), ["year", "genre", "decade"]].tolist() == [
        1995, "report", "1990s",
    ]
    kwic = read(out, "kwic")
    assert kwic.loc[kwic["doc_id"] == "c1997", ["year", "genre", "decade"]].values.tolist()[0] == [
        1997, "congress", "1990s",
    ]
    freq = read(out, "term_frequencies")
    assert {"genre", "decade", "genre×decade"} <= set(freq["grouping"])
    trends = read(out, "slogan_trends")
    reform_trend = trends[(trends["slogan"] == "改革开放") & (trends["group"] == "report")]
    assert reform_trend[["time", "count"]].values.tolist() == [["1985", 2], ["1995", 1], ["1998", 1]]
    documents_csv = pd.read_csv(out / "tables" / "documents.csv", encoding="utf-8-sig")
    assert documents_csv["decade"].tolist() == ["1980s", "1990s", "1990s", "1980s", "1990s"]


def test_periods_give_a_period_column_and_the_trend_axis(dated, tmp_path):
    texts, meta = dated
    out = tmp_path / "out"
    config = tmp_path / "settings.yml"
    config.write_text(
        "trends: {time: period, group_by: [genre], bootstrap_resamples: 0}\n", encoding="utf-8"
    )
    code = main(["run", "--texts", str(texts), "--metadata", str(meta), "--out", str(out),
                 "--no-figures", "--no-notebooks", "--quiet", "--periods", "1992",
                 "--config", str(config), "--group-by", "period"])
    assert code == 0
    assert read(out, "documents")["period"].tolist() == ["–1991", "1992–", "1992–", "–1991", "1992–"]
    trends = read(out, "slogan_trends")
    unity = trends[(trends["slogan"] == "团结") & (trends["grouping"] == "")]
    assert unity[["time", "n_docs", "count"]].values.tolist() == [["–1991", 2, 2], ["1992–", 3, 3]]


def test_the_trends_command_prints_or_writes_any_terms_trend(dated, tmp_path, capsys):
    texts, meta = dated
    common = ["--texts", str(texts), "--metadata", str(meta), "--quiet"]
    assert main(["trends", "改革开放", "re:民主.{0,2}制", *common, "--time", "decade"]) == 0
    printed = capsys.readouterr().out
    assert "re:民主.{0,2}制" in printed and "1990s" in printed
    target = tmp_path / "figs" / "trend.png"
    assert main(["trends", "改革开放", "re:民主.{0,2}制", *common, "--by", "genre",
                 "--out", str(target)]) == 0
    assert Image.open(target).size[0] > 1000
    table = pd.read_csv(target.with_suffix(".csv"), encoding="utf-8-sig", keep_default_na=False)
    regex = table[(table["slogan"] == "re:民主.{0,2}制") & (table["group"] == "all documents")]
    # 民主集中制 in 1987 and 1995; 民主的集中制 (three characters between) is not matched
    assert regex[["time", "count"]].values.tolist() == [
        [1985, 0], [1987, 1], [1995, 1], [1997, 0], [1998, 0],
    ]
    assert set(table["group"]) == {"all documents", "report", "congress"}


def test_the_trends_command_says_what_to_do_without_years(tmp_path, cache_dir, monkeypatch, capsys):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("坚持改革开放。", encoding="utf-8")
    assert main(["trends", "改革开放", "--texts", str(texts), "--quiet"]) == 2
    assert "no document has a year" in capsys.readouterr().err
    assert main(["trends", "改革开放,团结", "--texts", str(texts), "--quiet"]) == 2
    assert "separate arguments" in capsys.readouterr().err
