"""The other subcommands: add, slogans, info, check-lexicon, and --help everywhere."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import PROJECT

from analysis.cli import build_parser, main
from analysis.corpus.segment import TokenCache

COMMANDS = ["run", "add", "kwic", "slogans", "info", "check-lexicon"]


@pytest.fixture(autouse=True)
def private_cache(cache_dir, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))


@pytest.mark.parametrize("command", COMMANDS)
def test_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text and f"python -m analysis {command}" in text


def test_the_installed_console_script_runs():
    script = PROJECT / ".venv" / "bin" / "analysis"
    if not script.exists():
        pytest.skip("no .venv console script (not installed with make setup)")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "check-lexicon" in done.stdout


def test_slogans_prints_counts(capsys):
    assert main(["slogans", "--slogans", "团结,一把手", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "cityoffice_speech_2003" in out and "一把手" in out and "民主集中制" not in out
    assert main(["slogans", "--csv", "--quiet", "--slogans", "团结"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "scope,doc_id,slogan,count,token_count,per_10k_chars"
    assert "document,cityoffice_speech_2003,团结,29,12," in "\n".join(lines)


def test_a_slogan_not_in_the_lexicon_is_counted_as_written(capsys):
    # a name the lexicon lacks is an ad-hoc slogan (it used to be an error)
    assert main(["slogans", "--slogans", "团结,不存在", "--csv", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "document,cityoffice_speech_2003,团结,29,12," in "\n".join(lines)
    absent = [line for line in lines if ",不存在," in line]
    assert len(absent) == 6 and all(",不存在,0,0,0.0" in line for line in absent)  # 5 docs + corpus


def test_a_bad_slogan_item_is_a_one_line_error(capsys):
    assert main(["slogans", "--slogans", "团结,re:不存在(", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --slogans item 2: ") and err.count("\n") == 1


def test_info_summarises_the_corpus(capsys):
    assert main(["info", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "5 documents" in out and "years: 2003–2007" in out
    assert "script: simplified 4, traditional 1" in out
    assert "watermark" in out and "repeated_title" in out


def test_check_lexicon_reports_whole_terms_and_warns_on_splits(tmp_path, capsys):
    assert main(["check-lexicon", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "民主集中制" in captured.out and "warning" not in captured.err
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("我们要发扬民主集中制度的优点。", encoding="utf-8")  # 民主集中|制度
    userdict = tmp_path / "u.txt"
    userdict.write_text("集中制度 90000 n\n民主集中制 20000 nz\n", encoding="utf-8")
    settings = tmp_path / "settings.yml"
    settings.write_text(
        f"lexicons:\n  userdict: {userdict}\n  slogans: {PROJECT / 'data/lexicon/slogans.yml'}\n"
        f"  stopwords: {PROJECT / 'data/lexicon/stopwords.txt'}\n"
        f"  cleaning_rules: {PROJECT / 'data/cleaning.yml'}\n",
        encoding="utf-8",
    )
    code = main(["check-lexicon", "--texts", str(texts), "--config", str(settings), "--strict"])
    err = capsys.readouterr().err
    assert code == 1 and "warning: 民主集中制 (slogan) is split" in err


def test_add_copies_the_text_and_appends_metadata(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "old.txt").write_text("坚持民主集中制。", encoding="utf-8")
    metadata = corpus / "metadata.csv"
    metadata.write_text(
        "doc_id,file,title,year,genre,sha256\nold,old.txt,旧,2001,,\n", encoding="utf-8"
    )
    source = tmp_path / "新讲话 2008.txt"
    source.write_bytes("同志們：要講團結。".encode("big5"))
    args = ["add", str(source), "--to", str(corpus), "--metadata", str(metadata)]
    assert main([*args, "--doc-id", "speech_2008", "--genre", "speech", "--title", "讲话"]) == 0
    assert "added speech_2008" in capsys.readouterr().out
    copied = corpus / "speech_2008.txt"
    assert copied.read_bytes() == source.read_bytes()  # byte for byte: raw data unchanged
    table = pd.read_csv(metadata)
    row = table.set_index("doc_id").loc["speech_2008"]
    assert row["file"] == "speech_2008.txt" and row["genre"] == "speech" and row["year"] == 2008
    assert row["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    # the same content again, or the same doc id, is refused and changes nothing
    before = metadata.read_bytes()
    assert main([*args, "--doc-id", "other"]) == 2
    assert "same content" in capsys.readouterr().err
    other = tmp_path / "other.txt"
    other.write_text("另一篇。", encoding="utf-8")
    assert main(["add", str(other), "--to", str(corpus), "--metadata", str(metadata), "--doc-id", "old"]) == 2
    assert "already in the corpus" in capsys.readouterr().err
    assert metadata.read_bytes() == before
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    assert main(["add", str(tmp_path / "binary.txt"), "--to", str(corpus)]) == 2
    assert "binary" in capsys.readouterr().err
    # a doc id the loader would refuse (50 Chinese characters = 150 bytes) is refused here too
    assert main([*args, "--doc-id", "长" * 50]) == 2
    assert "at most 120 bytes" in capsys.readouterr().err
    assert metadata.read_bytes() == before


def test_run_with_another_segmenter_and_engine_options(tmp_path, capsys, monkeypatch, study_corpus):
    pytest.importorskip("rjieba")
    # a cache of its own, so that every segmentation the run stores is one it made
    cache = tmp_path / "cache"
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache))
    out = tmp_path / "out"
    assert main(["run", "--segmenter", "rjieba", "--jobs", "1", "--out", str(out), "--quiet",
                 "--no-figures", "--no-notebooks"]) == 0
    assert (out / "tables" / "tfidf.csv").exists()
    # rjieba and jieba cut these five texts alike, so the tables cannot tell them apart: the
    # manifest's segmenter record and the token cache's keys can. The run's segmenter is the
    # settings' one (study_corpus: jieba) with the backend swapped.
    used = dataclasses.replace(study_corpus.segmenter, backend="rjieba")
    assert used.fingerprint != study_corpus.segmenter.fingerprint
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["segmenter"] == {
        "backend": "rjieba", "hmm": True, "pos": False, "dictionary_terms": len(used.terms),
        "placeholder": used.placeholder, "fingerprint": used.fingerprint,
    }
    texts = pd.read_parquet(out / "tables" / "texts.parquet")["text"]
    tokens = TokenCache(cache / "tokens")
    stored = {p.stem for p in (cache / "tokens").rglob("*.parquet")}
    assert stored == {tokens.key(used, text) for text in texts}  # rjieba's keys, and only those
    assert main(["run", "--scheduler", "tcp://x:1", "--out", str(out), "--quiet"]) == 2
    assert "goes with --engine dask" in capsys.readouterr().err


def test_python_m_analysis_errors_exit_2_in_a_subprocess(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "kwic", "(unclosed", "--quiet"],
        capture_output=True, text=True, cwd=PROJECT,
    )
    assert done.returncode == 2 and done.stderr.startswith("error:")
    assert len(done.stderr.strip().splitlines()) == 1
