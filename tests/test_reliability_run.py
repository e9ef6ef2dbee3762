"""Whole runs, for real: the raw texts are never touched, a killed or disturbed run leaves the
previous results complete, two runs write byte-identical tables, nothing is written outside the
chosen folders, and the manifest traces every output and figure (issue 6, sections 2–4)."""

from __future__ import annotations

import hashlib
import json
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata as importlib_metadata
from pathlib import Path

import pandas as pd
import pytest
from conftest import METADATA, PROJECT, RAW, STUDY_DOC_IDS, tree_sha256, two_short_texts
from PIL import Image

from analysis.cli import main
from analysis.config.settings import lexicon_path, load_settings
from analysis.run.manifest import LIBRARIES, read_manifest, verify_manifest


def ON_ONE_WORKER(test):
    """The tests sharing ``previous_results`` run on one pytest-xdist worker, which builds it
    once; marked slow so that this two-minute chain starts early rather than ends the suite."""
    return pytest.mark.slow(pytest.mark.xdist_group("previous_results")(test))
RUN_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")


def visible_files(folder: Path) -> dict[str, str]:
    """SHA-256 of the files a researcher sees (hidden staging and lock files left out)."""
    return {
        path: digest
        for path, digest in tree_sha256(folder).items()
        if not any(part.startswith(".") for part in path.split("/"))
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- make report: raw data, manifest, figures ------------------------------------------------


def test_the_full_run_leaves_every_raw_text_byte_for_byte(full_run):
    root = full_run[0].parent
    before = json.loads((root / "raw-sha256-before.json").read_text(encoding="utf-8"))
    after = json.loads((root / "raw-sha256-after.json").read_text(encoding="utf-8"))
    assert before == after
    recorded = pd.read_csv(METADATA, dtype=str).set_index("file")["sha256"]
    assert {f: before[f] for f in recorded.index} == recorded.to_dict()


def test_the_manifest_records_versions_lexicons_settings_seeds_inputs_and_outputs(full_run):
    out, figures = full_run
    manifest = read_manifest(out)
    assert RUN_ID.match(manifest["run_id"])
    assert manifest["started"] <= manifest["finished"] and manifest["duration_seconds"] > 0
    assert manifest["python"]["version"] == platform.python_version()
    for name in LIBRARIES:
        try:
            expected = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            expected = "absent"
        assert manifest["libraries"][name] == expected
    assert manifest["package"]["version"] == importlib_metadata.version("cpc-leadership-analysis")
    assert manifest["segmenter"]["backend"] == "jieba" and manifest["segmenter"]["hmm"] is True

    settings = load_settings()
    for name in ("slogans", "userdict", "stopwords", "cleaning_rules"):
        assert manifest["lexicons"][name]["sha256"] == sha256(lexicon_path(settings, name))
    assert manifest["lexicons"]["slogans_counted"][:3] == ["团结", "民主集中制", "一把手"]
    assert manifest["settings"]["sha256"] == sha256(PROJECT / "data" / "settings.yml")
    settings.pop("base_dir")
    assert manifest["settings"]["values"] == json.loads(json.dumps(settings, default=str))
    assert manifest["seeds"]["slogan_counts.seed"]["value"] == settings["slogan_counts"]["seed"]
    assert manifest["seeds"]["figures.seed"]["value"] == settings["figures"]["seed"]

    inputs = manifest["inputs"]
    assert {f["path"]: f["sha256"] for f in inputs["files"]} == tree_sha256(RAW)
    assert sorted(f["doc_id"] for f in inputs["files"]) == sorted(STUDY_DOC_IDS)
    assert inputs["metadata"]["sha256"] == sha256(METADATA)

    listed = {(e["folder"], e["path"]): e["sha256"] for e in manifest["outputs"]}
    written = {("out", p): d for p, d in visible_files(out).items()}
    written.update({("figures", p): d for p, d in visible_files(figures).items()})
    for own in ("manifest.json", "run-state.json"):  # they describe the outputs, not themselves
        written.pop(("out", own))
    assert listed == written
    assert verify_manifest(out) == []


def test_every_figure_file_carries_the_run_id_of_the_manifest(full_run):
    out, figures = full_run
    run_id = read_manifest(out)["run_id"]
    files = sorted(figures.iterdir())
    assert len(files) >= 60
    for path in files:
        if path.suffix == ".png":
            assert Image.open(path).text["Run-ID"] == run_id, path.name
        elif path.suffix == ".svg":
            assert f"<dc:identifier>{run_id}</dc:identifier>" in path.read_text("utf-8"), path.name
        elif path.suffix == ".pdf":
            assert f"/Subject ({run_id})".encode() in path.read_bytes(), path.name


def test_a_second_run_from_fresh_segmentation_writes_byte_identical_tables(
    full_run, tmp_path, monkeypatch
):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "again"
    args = ["run", "--out", str(out), "--no-figures", "--no-notebooks", "--no-cache", "--quiet"]
    assert main(args) == 0
    first, second = tree_sha256(full_run[0] / "tables"), tree_sha256(out / "tables")
    assert len(first) > 25
    assert second == first


# --- interrupted and disturbed runs ----------------------------------------------------------


@pytest.fixture(scope="session")  # built once on the worker that runs ON_ONE_WORKER tests
def previous_results(tmp_path_factory, cache_dir):
    """A complete run on two study texts (no metadata), with seven of its figures (enough to
    be killed while drawing them): the results to protect."""
    root = tmp_path_factory.mktemp("previous")
    texts = root / "texts"
    texts.mkdir()
    for name in ("jilin_news_2007.txt", "cidu_opinion_2005.txt"):
        shutil.copy(RAW / name, texts / name)
    out, figures = root / "out", root / "figures"
    args = ["--texts", str(texts), "--out", str(out), "--figures", str(figures), "--no-notebooks",
            "--formats", "png", "--only-figures", "slogan_rates,slogan_rates_all,xray,tfidf,"
            "keyness,similarity"]
    env_cache = {"ANALYSIS_CACHE": str(cache_dir)}
    completed = _run(args, env_cache)
    assert completed.returncode == 0, completed.stderr
    return texts, out, figures, args, env_cache


def _run(args: list[str], env_extra: dict[str, str], **popen) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "run", *args, "--quiet"],
        cwd=PROJECT, env=_env(env_extra), capture_output=True, text=True, timeout=300, **popen,
    )


def _env(extra: dict[str, str]) -> dict[str, str]:
    import os

    return {**os.environ, **extra}


def _start(args: list[str], env_extra: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", "run", *args, "--force", "--quiet"],
        cwd=PROJECT, env=_env(env_extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until(condition, process: subprocess.Popen, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"the run ended before {what}: {process.communicate()}")
        time.sleep(0.005)
    process.kill()
    pytest.fail(f"no sign of {what} within {timeout} s")


def _staged(folder: Path, *, at_least: int) -> bool:
    """Whether the new run has staged ``at_least`` files in ``folder`` (a killed run's leftover
    staging folder does not count)."""
    leftovers = _LEFTOVERS.get(folder, set())
    staged = [p for d in folder.glob(".staging-*") if d.name not in leftovers for p in d.rglob("*")]
    return sum(p.is_file() for p in staged) >= at_least


_LEFTOVERS: dict[Path, set[str]] = {}


def _note_leftovers(*folders: Path) -> None:
    for folder in folders:
        _LEFTOVERS[folder] = {d.name for d in folder.glob(".staging-*")}


def _assert_complete_and_unchanged(out: Path, figures: Path, before: dict) -> None:
    assert {"out": visible_files(out), "figures": visible_files(figures)} == before
    assert verify_manifest(out) == []
    for table in (out / "tables").glob("*.csv"):
        pd.read_csv(table, encoding="utf-8-sig")  # every table still reads


@ON_ONE_WORKER
@pytest.mark.parametrize(
    "moment, ready",
    [
        ("as it starts", lambda out, figures: _staged(out, at_least=0)
         and any(d.name not in _LEFTOVERS[out] for d in out.glob(".staging-*"))),
        ("while writing tables", lambda out, figures: _staged(out, at_least=3)),
        ("while drawing figures", lambda out, figures: _staged(figures, at_least=4)),
    ],
)
def test_a_run_killed_midway_leaves_the_previous_results_complete(previous_results, moment, ready):
    _, out, figures, args, env = previous_results
    before = {"out": visible_files(out), "figures": visible_files(figures)}
    _note_leftovers(out, figures)
    process = _start(args, env)
    _wait_until(lambda: ready(out, figures), process, moment)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    _assert_complete_and_unchanged(out, figures, before)


@ON_ONE_WORKER
def test_a_text_edited_during_the_run_stops_it_and_nothing_is_written(previous_results):
    texts, out, figures, args, env = previous_results
    before = {"out": visible_files(out), "figures": visible_files(figures)}
    edited = texts / "jilin_news_2007.txt"
    original = edited.read_bytes()
    _note_leftovers(out, figures)
    process = _start(args, env)
    try:
        _wait_until(lambda: _staged(figures, at_least=4), process, "drawing figures")
        edited.write_bytes(original + "\n新增一段。\n".encode())
        _, stderr = process.communicate(timeout=300)
    finally:
        edited.write_bytes(original)
    assert process.returncode == 2
    assert stderr.count("\n") == 1 and stderr.startswith("error: ")
    assert "jilin_news_2007.txt changed while the run was reading" in stderr
    _assert_complete_and_unchanged(out, figures, before)
    assert not list(figures.glob(".staging-*")), "a failed run removes its staging folder"


@ON_ONE_WORKER
def test_the_next_run_completes_and_clears_what_a_killed_run_left(previous_results):
    _, out, figures, args, env = previous_results
    old_run = read_manifest(out)["run_id"]
    _note_leftovers(out, figures)
    process = _start(args, env)
    _wait_until(lambda: _staged(out, at_least=1), process, "staging")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert list(out.glob(".staging-*")), "the kill left a staging folder for the next run"
    completed = _run([*args, "--force"], env)
    assert completed.returncode == 0, completed.stderr
    hidden = sorted(p.name for p in [*out.iterdir(), *figures.iterdir()] if p.name[0] == ".")
    assert hidden == [".lock", ".lock"]  # one lock in each folder
    assert read_manifest(out)["run_id"] != old_run
    assert verify_manifest(out) == []


# --- where a run writes ----------------------------------------------------------------------

AWKWARD_NAMES = [
    "a:b.txt",
    "CON.txt",
    "--force.txt",
    "名字 with spaces.txt",
    "line\nbreak.txt",
    "<script>alert(1)<\\script>.txt",
    "semi;colon|pipe*star?.txt",
    "dots..in...the.name.txt",
    "长" * 70 + ".txt",  # 213 bytes in UTF-8
]


def test_nothing_is_written_outside_the_chosen_folders_whatever_the_file_names(
    tmp_path, monkeypatch
):
    texts = tmp_path / "texts"
    (texts / "sub").mkdir(parents=True)
    lines = (RAW / "yangzhou_opinion_2007.txt").read_text(encoding="utf-8").splitlines()
    paragraphs = [line for line in lines if len(line.strip()) > 40]
    for i, name in enumerate(AWKWARD_NAMES):
        (texts / ("sub" if i % 3 == 0 else ".") / name).write_text(
            paragraphs[i] + "\n" + paragraphs[i + 10], encoding="utf-8"
        )
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    before = tree_sha256(tmp_path)
    project_before = visible_files(PROJECT / "data")
    args = ["run", "--texts", str(texts), "--out", str(tmp_path / "out")]
    # the figures named after the documents: one keyness figure each
    options = ["--figures", str(tmp_path / "fig"), "--formats", "png", "--only-figures", "keyness",
               "--no-notebooks", "--quiet"]
    assert main([*args, *options]) == 0
    after = tree_sha256(tmp_path)
    new = sorted(set(after) - set(before))
    assert {path.split("/")[0] for path in new} == {"out", "fig", "cache"}
    assert {p: after[p] for p in before} == before, "the texts are untouched"
    assert visible_files(PROJECT / "data") == project_before
    documents = pd.read_csv(tmp_path / "out/tables/documents.csv", encoding="utf-8-sig")
    assert len(documents) == len(AWKWARD_NAMES) and documents["doc_id"].is_unique
    keyness_figures = sorted(p for p in new if p.startswith("fig/keyness_") and p.endswith(".png"))
    assert len(keyness_figures) == len(AWKWARD_NAMES)


def test_an_edited_output_is_noticed_by_verify_and_by_the_next_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    texts = two_short_texts(tmp_path / "texts")
    out = tmp_path / "out"
    args = ["run", "--texts", str(texts), "--out", str(out), "--no-figures", "--no-notebooks"]
    assert main(args) == 0
    assert main(["verify", str(out)]) == 0
    table = out / "tables" / "slogan_counts.csv"
    written = table.read_bytes()
    table.write_bytes(written.replace(b"\n", b"\n", 1) + b"tampered,row\n")
    capsys.readouterr()
    assert main(["verify", str(out)]) == 1
    assert f"changed: output {table} has changed since run" in capsys.readouterr().err
    assert main(args) == 0
    assert "up to date" not in capsys.readouterr().err
    assert table.read_bytes() == written
    (texts / "b.txt").write_text("一把手要带头。", encoding="utf-8")
    assert main(["verify", str(out)]) == 1
    assert "changed: input b.txt differs from run" in capsys.readouterr().err


def test_every_test_docs_reliability_names_exists():
    """docs/RELIABILITY.md names the tests behind each guarantee; a renamed test fails here."""
    text = (PROJECT / "docs" / "RELIABILITY.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(test_[a-z0-9_]+)", text))
    defined = set()
    for path in (PROJECT / "tests").glob("test_*.py"):
        defined |= set(re.findall(r"^def (test_[a-z0-9_]+)", path.read_text("utf-8"), re.M))
    named -= {p.stem for p in (PROJECT / "tests").glob("test_*.py")}  # file names, not tests
    assert len(named) > 40
    assert sorted(named - defined) == []
