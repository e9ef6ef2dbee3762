"""The README's new-corpus path on real texts it was not written for: the 88 government work
reports, NPC resolutions and party congress reports beside the project (../shared; skipped
without it), with no metadata and with a metadata CSV of year and genre."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import shared_path
from political_metadata import write_political_metadata

from analysis.cli import main
from analysis.plots import check_glyphs, textplot_slogan_trends

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def political(tmp_path_factory, cache_dir):
    texts = shared_path("corpora", "political", "txt")
    folder = tmp_path_factory.mktemp("political")
    return texts, folder, write_political_metadata(texts, folder / "metadata.csv")


def test_the_new_corpus_command_with_year_and_genre(political, monkeypatch, cache_dir):
    """One run, without figures and notebooks (the suite must stay under ten minutes on two
    cores): the README's new-corpus command with a metadata CSV of year and genre, crossed groups
    and ad-hoc slogans. The notebooks are checked against the tables on the five documents and on
    a corpus without metadata in test_notebooks.py."""
    texts, folder, metadata = political
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))  # the session's: segmented once
    out = folder / "metadata"
    assert main(["run", "--texts", str(texts), "--metadata", str(metadata), "--out", str(out),
                 "--no-figures", "--no-notebooks", "--quiet", "--group-by", "genre,decade",
                 "--slogans", "改革开放,团结"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    # the Wikisource licence footer is removed, with audit rows, from the 79 pages carrying it
    log = pd.read_parquet(out / "tables" / "cleaning_log.parquet")
    footer = log[log["rule"] == "shared_boilerplate"]
    assert footer["doc_id"].nunique() == 79
    assert {"Public domain\n", "本作品是中华人民共和国的\n"} <= set(footer["text"])
    texts_table = pd.read_parquet(out / "tables" / "texts.parquet")
    assert not texts_table["text"].str.contains("Public domain|本作品是中华人民共和国的").any()
    formulae = pd.read_csv(out / "tables" / "formulae.csv", encoding="utf-8-sig")
    assert not formulae["text"].str.contains("著作权法|公有领域").any()
    # the 76-character disambiguation page is flagged, nothing else
    documents = pd.read_csv(out / "tables" / "documents.csv", encoding="utf-8-sig",
                            keep_default_na=False)
    assert documents.loc[documents["flags"] != "", "doc_id"].tolist() == ["cpc_congress_07"]
    # every CSV opens in a spreadsheet; the complete table is the Parquet beside it
    assert (out / "tables" / "term_frequencies.csv").stat().st_size <= 20_000_000
    assert manifest["csv_cut"]["term_frequencies"]["rows"] == len(
        pd.read_parquet(out / "tables" / "term_frequencies.parquet")
    )
    # metadata travels with the numbers; groups are crossed; ad-hoc slogans are counted
    counts = pd.read_parquet(out / "tables" / "slogan_counts.parquet")
    assert {"year", "genre", "decade"} <= set(counts.columns)
    crossed = counts[(counts["grouping"] == "genre×decade") & (counts["slogan"] == "改革开放")]
    report_1990s = crossed[crossed["group"] == "government work report×1990s"].iloc[0]
    assert report_1990s["n_docs"] == 7 and report_1990s["count"] > 50
    assert report_1990s["genre"] == "government work report" and report_1990s["decade"] == "1990s"
    document = counts[(counts["doc_id"] == "gwr_1998") & (counts["slogan"] == "团结")].iloc[0]
    assert (document["year"], document["genre"]) == (1998, "government work report")
    trends = pd.read_parquet(out / "tables" / "slogan_trends.parquet")
    assert set(trends["slogan"]) == {"改革开放", "团结"}
    assert set(trends["group"]) == {"all documents", "government work report", "NPC resolution",
                                    "party congress report"}
    figure = textplot_slogan_trends(trends)
    check_glyphs(figure)
    assert [ax.get_title(loc="left") for ax in figure.axes[:2]] == ["改革开放", "团结"]
    # 88 documents: the topic model and Wordfish are fitted (issue 16); Wordfish, given no
    # direction, places the earliest document below the latest, and its positions follow time
    topics = pd.read_parquet(out / "tables" / "topic_shares.parquet")
    assert topics["doc_id"].nunique() == 88
    assert set(pd.read_parquet(out / "tables" / "topic_prevalence.parquet")["grouping"]) >= {
        "year", "decade", "genre"}
    positions = pd.read_parquet(out / "tables" / "wordfish_positions.parquet")
    years = documents.set_index("doc_id")["year"].replace("", None).dropna().astype(int)
    dated = positions.set_index("doc_id")["theta"].loc[years.index]
    assert dated.corr(years, method="spearman") > 0.8
