"""analysis.run.manifest on a tiny run made by hand: hashes, the inputs snapshot and what changed
in it, a manifest built, written, read back and verified (the full run's manifest is checked in
tests/test_reliability_run.py)."""

from __future__ import annotations

import hashlib
import json
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis.config.settings import load_settings
from analysis.errors import InputError
from analysis.run.manifest import (
    LIBRARIES,
    MANIFEST_VERSION,
    build_manifest,
    changed_inputs,
    changed_outputs,
    figures_folder_of,
    file_sha256,
    input_files,
    new_run_id,
    output_entries,
    read_manifest,
    seeds,
    verify_manifest,
    write_manifest,
)

A = "班子要团结。".encode()
B = "一把手。".encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def texts(tmp_path) -> Path:
    folder = tmp_path / "texts"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_bytes(A)
    (folder / "sub" / "b.txt").write_bytes(B)
    (folder / "notes.md").write_text("not a text", encoding="utf-8")
    (folder / ".hidden.txt").write_text("a copy", encoding="utf-8")
    return folder


@pytest.mark.parametrize("data", [b"", b"abc", A, bytes(range(256)) * 300])
def test_file_sha256_is_the_sha256_of_the_bytes(tmp_path, data):
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()
    assert file_sha256(str(path)) == file_sha256(path)


def test_a_run_id_is_the_start_time_and_eight_hex_digits():
    run_id = new_run_id(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert re.fullmatch(r"20240102T030405Z-[0-9a-f]{8}", run_id)
    assert new_run_id(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)) != run_id  # 32 random bits


def test_the_inputs_are_every_text_file_and_the_metadata(tmp_path, texts):
    metadata = tmp_path / "meta.csv"
    metadata.write_text("doc_id,file\na,a.txt\n", encoding="utf-8")
    assert input_files(texts, (".txt",), metadata) == {
        "texts_dir": str(texts.resolve()),
        "metadata": {"path": str(metadata.resolve()), "sha256": file_sha256(metadata)},
        "files": [
            {"path": "a.txt", "bytes": len(A), "sha256": sha(A)},
            {"path": "sub/b.txt", "bytes": len(B), "sha256": sha(B)},
        ],
    }
    assert input_files(texts, (".md",), tmp_path / "absent.csv") == {
        "texts_dir": str(texts.resolve()),
        "metadata": None,
        "files": [{"path": "notes.md", "bytes": 10, "sha256": sha(b"not a text")}],
    }


def test_changed_inputs_are_the_files_added_removed_or_edited_and_the_metadata(tmp_path, texts):
    metadata = tmp_path / "meta.csv"
    metadata.write_text("doc_id,file\n", encoding="utf-8")
    before = input_files(texts, (".txt",), metadata)
    assert changed_inputs(before, input_files(texts, (".txt",), metadata)) == []
    (texts / "a.txt").write_bytes(A + B)
    (texts / "sub" / "b.txt").unlink()
    (texts / "c.txt").write_bytes(B)
    metadata.write_text("doc_id,file\nc,c.txt\n", encoding="utf-8")
    after = input_files(texts, (".txt",), metadata)
    assert changed_inputs(before, after) == ["a.txt", "c.txt", "sub/b.txt", "metadata"]


def test_the_same_bytes_written_again_are_no_change(texts):
    before = input_files(texts, (".txt",), None)
    (texts / "a.txt").write_bytes(A)
    assert changed_inputs(before, input_files(texts, (".txt",), None)) == []


def test_seeds_are_read_with_what_they_drive():
    found = seeds({"slogan_counts": {"seed": 7}, "trends": None, "figures": {"seed": 0}})
    assert found == {
        "slogan_counts.seed": {"value": 7, "drives": "bootstrap intervals of slogan rates"},
        "trends.seed": {
            "value": None,
            "drives": "bootstrap intervals of slogan trends (slogan_counts.seed when not set)",
        },
        "figures.seed": {
            "value": 0,
            "drives": "word cloud placement and collocation network layout",
        },
    }


def test_output_entries_are_sorted_by_folder_and_path(tmp_path):
    (tmp_path / "z.csv").write_bytes(b"z")
    (tmp_path / "a.png").write_bytes(b"png!")
    entries = output_entries(
        [("out", "tables/z.csv", tmp_path / "z.csv"), ("figures", "a.png", tmp_path / "a.png")]
    )
    assert entries == [
        {"folder": "figures", "path": "a.png", "bytes": 4, "sha256": sha(b"png!")},
        {"folder": "out", "path": "tables/z.csv", "bytes": 1, "sha256": sha(b"z")},
    ]


# --- a whole manifest ----------------------------------------------------------------------------


def tiny_run(tmp_path: Path, texts: Path, *, failures=None) -> tuple[dict, Path]:
    """A run that wrote one table, with its settings file, inputs and manifest."""
    settings_file = tmp_path / "settings.yml"
    settings_file.write_text("slogan_counts:\n  seed: 3\n", encoding="utf-8")
    settings = load_settings(settings_file)
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "t.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    manifest = build_manifest(
        run_id="20240102T030405Z-0123abcd",
        started="2024-01-02T03:04:05Z",
        command=["python", "-m", "analysis", "run"],
        settings=settings,
        settings_file=settings_file,
        options={"extensions": [".txt"], "jobs": 1},
        segmenter={"backend": "jieba"},
        slogans=["团结"],
        inputs=input_files(texts, (".txt",), None),
        documents=[{"file": "a.txt", "doc_id": "a", "encoding": "utf-8"}],
        outputs=output_entries([("out", "tables/t.csv", out / "tables" / "t.csv")]),
        fingerprint="f" * 64,
        out=out,
        figures=out / "figures",
        started_clock=10.0,
        finished_clock=12.3456,
        failures=failures,
        skipped=[{"what": "keyness", "reason": "one document"}],
    )
    return manifest, out


def test_a_manifest_holds_exactly_its_sections(tmp_path, texts):
    manifest, out = tiny_run(tmp_path, texts)
    assert list(manifest) == [
        "manifest_version", "run_id", "started", "finished", "duration_seconds", "command",
        "package", "python", "platform", "libraries", "segmenter", "lexicons", "settings",
        "options", "seeds", "inputs", "folders", "outputs", "fingerprint", "status", "failures",
        "skipped", "csv_cut", "metadata_columns",
    ]
    assert manifest["manifest_version"] == MANIFEST_VERSION == 1
    assert manifest["duration_seconds"] == 2.346
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["finished"])
    assert manifest["python"]["version"] == platform.python_version()
    assert list(manifest["libraries"]) == list(LIBRARIES)
    assert manifest["package"]["name"] == "cpc-leadership-analysis"
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["package"]["source_sha256"])
    assert manifest["status"] == "complete" and manifest["failures"] == []
    assert manifest["skipped"] == [{"what": "keyness", "reason": "one document"}]
    assert manifest["csv_cut"] == {} and manifest["metadata_columns"] == []
    assert manifest["folders"] == {
        "out": str(out.resolve()), "figures": str((out / "figures").resolve())
    }


def test_the_files_carry_their_doc_id_and_encoding_where_known(tmp_path, texts):
    manifest, _ = tiny_run(tmp_path, texts)
    assert manifest["inputs"]["files"] == [
        {"path": "a.txt", "bytes": len(A), "sha256": sha(A), "doc_id": "a", "encoding": "utf-8"},
        {"path": "sub/b.txt", "bytes": len(B), "sha256": sha(B), "doc_id": None, "encoding": None},
    ]


def test_the_settings_lexicons_and_seeds_are_recorded(tmp_path, texts):
    manifest, _ = tiny_run(tmp_path, texts)
    settings_file = tmp_path / "settings.yml"
    assert manifest["settings"]["file"] == str(settings_file.resolve())
    assert manifest["settings"]["sha256"] == file_sha256(settings_file)
    assert "base_dir" not in manifest["settings"]["values"]
    assert manifest["settings"]["values"]["slogan_counts"] == {"seed": 3}
    assert manifest["seeds"]["slogan_counts.seed"]["value"] == 3
    assert manifest["seeds"]["figures.seed"]["value"] is None
    lexicons = manifest["lexicons"]
    assert sorted(lexicons) == ["cleaning_rules", "slogans", "slogans_counted", "stopwords",
                                "userdict"]
    assert lexicons["slogans_counted"] == ["团结"]
    # the settings file's folder has no lexicons: the project's own are used and hashed
    assert lexicons["stopwords"]["path"].endswith("data/lexicon/stopwords.txt")
    assert lexicons["stopwords"]["sha256"] == file_sha256(lexicons["stopwords"]["path"])


def test_a_failure_makes_the_run_incomplete(tmp_path, texts):
    failure = {"stage": "figures", "name": "wordcloud", "error": "no font"}
    manifest, _ = tiny_run(tmp_path, texts, failures=[failure])
    assert manifest["status"] == "incomplete"
    assert manifest["failures"] == [failure]


def test_a_written_manifest_reads_back_the_same(tmp_path, texts):
    manifest, out = tiny_run(tmp_path, texts)
    path = write_manifest(manifest, out / "manifest.json")
    assert path == out / "manifest.json"
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "团结" in text  # UTF-8, not \u escapes
    assert read_manifest(out) == read_manifest(path) == json.loads(text) == manifest


def test_paths_in_a_manifest_are_written_as_text(tmp_path):
    write_manifest({"inputs": {}, "outputs": [], "where": tmp_path}, tmp_path / "m.json")
    assert read_manifest(tmp_path / "m.json")["where"] == str(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no manifest; give the output folder of a run"),
        ("{not json", "not a valid manifest ("),
        ('{"outputs": []}', "not a run manifest (no outputs/inputs)"),
        ("[1, 2]", "not a run manifest (no outputs/inputs)"),
    ],
)
def test_a_missing_or_broken_manifest_is_named(tmp_path, content, message):
    if content is not None:
        (tmp_path / "manifest.json").write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_manifest(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / 'manifest.json'}: {message}")


# --- verifying a run against its manifest ---------------------------------------------------------


def written_run(tmp_path: Path, texts: Path) -> Path:
    manifest, out = tiny_run(tmp_path, texts)
    write_manifest(manifest, out / "manifest.json")
    return out


def test_an_untouched_run_verifies(tmp_path, texts):
    assert verify_manifest(written_run(tmp_path, texts)) == []


def test_verify_names_outputs_changed_missing_or_added(tmp_path, texts):
    out = written_run(tmp_path, texts)
    (out / "tables" / "t.csv").write_text("a,b\n1,3\n", encoding="utf-8")
    (out / "tables" / "extra.csv").write_text("x\n", encoding="utf-8")
    assert verify_manifest(out / "manifest.json") == [
        f"output {out / 'tables' / 't.csv'} has changed since run 20240102T030405Z-0123abcd",
        f"{out / 'tables' / 'extra.csv'} was added after run 20240102T030405Z-0123abcd",
    ]
    (out / "tables" / "t.csv").unlink()
    assert verify_manifest(out)[0] == f"output {out / 'tables' / 't.csv'} is missing"


def test_verify_names_inputs_edited_added_or_removed(tmp_path, texts):
    out = written_run(tmp_path, texts)
    (texts / "a.txt").write_bytes(B)
    (texts / "new.txt").write_bytes(A)
    assert verify_manifest(out) == [
        "input a.txt differs from run 20240102T030405Z-0123abcd",
        "input new.txt differs from run 20240102T030405Z-0123abcd",
    ]


def test_verify_of_a_run_whose_texts_are_gone(tmp_path, texts):
    out = written_run(tmp_path, texts)
    for path in sorted(texts.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    texts.rmdir()
    assert verify_manifest(out) == [f"input folder {texts.resolve()} is missing"]


def test_damaged_outputs_in_a_manifest_are_an_error(tmp_path):
    manifest = {"run_id": "r", "outputs": [{"folder": "out", "path": "t.csv"}], "inputs": {}}
    with pytest.raises(InputError, match="its `outputs` are not entries of folder, path, bytes"):
        changed_outputs(manifest, tmp_path)


def test_figures_inside_the_output_folder_move_with_it(tmp_path):
    written = {"folders": {"out": "/runs/old", "figures": "/runs/old/figures"}}
    assert figures_folder_of(written, tmp_path / "moved") == tmp_path / "moved" / "figures"
    elsewhere = {"folders": {"out": "/runs/old", "figures": "/pictures/run1"}}
    assert figures_folder_of(elsewhere, tmp_path / "moved") == Path("/pictures/run1")
    assert figures_folder_of({"folders": {"out": "/runs/old", "figures": None}}, tmp_path) is None
    assert figures_folder_of({}, tmp_path) is None
