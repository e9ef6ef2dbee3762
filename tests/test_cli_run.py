"""`python -m analysis run`: the three corpus tables, on the study data and on any folder."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest
from conftest import PROJECT, STUDY_DOC_IDS, shared_path, two_short_texts

from analysis.cli import main
from analysis.corpus.build import DOCUMENT_SUMMARY_COLUMNS

TABLES = ("documents", "cleaning_log", "slogan_mentions")


def read(out, name):
    path = out / "tables" / f"{name}.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "CSV for Excel must start with a BOM"
    return pd.read_csv(path, encoding="utf-8-sig")


def test_run_on_the_study_documents_writes_the_three_tables(tmp_path, monkeypatch, cache_dir):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    assert main(["run", "--out", str(tmp_path), "--quiet", "--no-figures", "--no-notebooks"]) == 0
    documents = read(tmp_path, "documents")
    # the summary columns, then every other metadata column of data/metadata.csv and decade
    assert list(documents.columns)[: len(DOCUMENT_SUMMARY_COLUMNS)] == DOCUMENT_SUMMARY_COLUMNS
    assert {"region", "speaker_or_issuer", "year_basis", "decade"} <= set(documents.columns)
    assert (documents["decade"] == "2000s").all()
    assert documents["doc_id"].tolist() == STUDY_DOC_IDS
    assert (documents["n_chars"] < documents["n_chars_raw"]).all()
    assert (
        documents.set_index("doc_id").loc["jilin_news_2007", "n_chars"] < 800
    )  # translation split off
    log = read(tmp_path, "cleaning_log")
    assert {"watermark", "translation", "t2s", "repeated_title"} <= set(log["rule"])
    mentions = read(tmp_path, "slogan_mentions")
    assert {"团结", "民主集中制", "一把手"} <= set(mentions["slogan"])
    assert not list(tmp_path.rglob("*.tmp")), "atomic writes leave no temporary files"


def test_run_on_a_folder_without_metadata(tmp_path, monkeypatch, cache_dir):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "report_1998.txt").write_text(
        "各位代表：\n\n　　我们要加强团结，坚持民主集中制。", encoding="utf-8"
    )
    (texts / "speech.txt").write_bytes("同志們：要講團結，一把手要帶頭。".encode("big5"))
    out = tmp_path / "out"
    assert main(["run", "--texts", str(texts), "--out", str(out), "--quiet", "--no-figures", "--no-notebooks"]) == 0
    documents = read(out, "documents").set_index("doc_id")
    assert documents.loc["report_1998", "year"] == 1998
    assert documents.loc["speech", "encoding"] == "big5"
    assert documents.loc["speech", "script"] == "traditional"
    assert documents.loc["speech", "title"] == "speech"
    mentions = read(out, "slogan_mentions")
    assert sorted(mentions["slogan"]) == ["一把手", "团结", "团结", "民主集中制"]


def test_bad_input_is_one_line_on_stderr_and_exit_code_2(tmp_path, capsys):
    assert main(["run", "--texts", str(tmp_path / "missing"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "missing" in err and err.count("\n") == 1
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "empty.txt").write_bytes(b"")
    argv = ["run", "--texts", str(tmp_path / "texts"), "--out", str(tmp_path / "o"), "--quiet"]
    assert main(argv) == 2
    assert "empty.txt" in capsys.readouterr().err


def test_the_module_runs_as_a_program_with_help():
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--help"],
        capture_output=True,
        text=True,
        cwd=PROJECT,
    )
    assert done.returncode == 0 and "--texts" in done.stdout and "examples:" in done.stdout


@pytest.mark.shared
def test_run_on_real_texts_it_was_not_written_for(tmp_path, monkeypatch, cache_dir):
    """A sample of the Wikisource political corpus (../shared), with no metadata."""
    source = shared_path("corpora", "political", "txt")
    texts = tmp_path / "texts"
    texts.mkdir()
    for name in (
        "gwr_1954.txt",
        "gwr_1998.txt",
        "cpc_congress_03.txt",
        "npc_resolution_on_gwr_01.txt",
    ):
        shutil.copy(source / name, texts / name)
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    out = tmp_path / "out"
    assert main(["run", "--texts", str(texts), "--out", str(out), "--quiet", "--no-figures", "--no-notebooks"]) == 0
    documents = read(out, "documents").set_index("doc_id")
    assert documents.loc["gwr_1954", "script"] == "traditional"
    assert documents.loc["gwr_1998", "year"] == 1998
    assert (documents["n_tokens"] > 100).all()
    log = read(out, "cleaning_log")
    assert {"indent", "blank_line"} <= set(log["rule"])


def test_a_second_run_with_the_same_inputs_is_up_to_date(tmp_path, monkeypatch, cache_dir, capsys):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = two_short_texts(tmp_path / "texts")
    out = tmp_path / "out"
    args = ["run", "--texts", str(texts), "--out", str(out), "--no-figures", "--no-notebooks"]
    assert main(args) == 0
    first = (out / "tables" / "documents.csv").read_bytes()
    capsys.readouterr()
    assert main(args) == 0
    assert "up to date" in capsys.readouterr().err
    (texts / "c.txt").write_text("新的文本：集体领导。", encoding="utf-8")  # a new text: a real run
    assert main(args) == 0
    assert "up to date" not in capsys.readouterr().err
    assert (out / "tables" / "documents.csv").read_bytes() != first
    (out / "tables" / "tfidf.csv").unlink()  # a missing output: a real run again
    assert main(args) == 0
    assert (out / "tables" / "tfidf.csv").exists()
    assert main([*args, "--force"]) == 0
    assert "up to date" not in capsys.readouterr().err
