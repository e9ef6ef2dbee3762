"""``analysis.run.state``: the fingerprint of a run's inputs, and when a finished run in an
output folder counts as up to date (real files in a temporary folder)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from analysis.config.paths import PROJECT_ROOT
from analysis.run.manifest import file_sha256
from analysis.run.state import STATE_FILE, is_up_to_date, record_run, run_fingerprint

SHA_A, SHA_B = "a" * 64, "b" * 64


def inputs(files=(("a.txt", SHA_A),), metadata=SHA_B):
    """A snapshot shaped as analysis.run.manifest.input_files makes it."""
    return {
        "texts_dir": "/texts",
        "files": [{"path": p, "bytes": 1, "sha256": s} for p, s in files],
        "metadata": {"path": "/texts/metadata.csv", "sha256": metadata} if metadata else None,
    }


@pytest.fixture
def settings(tmp_path):
    """Settings naming one lexicon file, real and relative to the settings' folder."""
    (tmp_path / "stop.txt").write_text("的\n", encoding="utf-8")
    return {"base_dir": str(tmp_path), "lexicons": {"stopwords": "stop.txt"}, "seed": 1}


def expected_fingerprint(inputs, settings, options) -> str:
    """The module docstring's recipe, written out: SHA-256 over labelled SHA-256s of the texts,
    the metadata, the settings (sorted JSON), each lexicon, the options, the package's source
    and the notebooks."""
    digest = hashlib.sha256()

    def feed(label, sha256):
        digest.update(label.encode() + b"\0" + sha256)

    for entry in inputs["files"]:
        feed(f"text:{entry['path']}", bytes.fromhex(entry["sha256"]))
    if inputs["metadata"]:
        feed("metadata", bytes.fromhex(inputs["metadata"]["sha256"]))
    feed("settings", hashlib.sha256(json.dumps(settings, sort_keys=True, ensure_ascii=False,
                                               default=str).encode()).digest())
    for name, relative in sorted(settings["lexicons"].items()):
        feed(f"lexicon:{name}",
             hashlib.sha256((Path(settings["base_dir"]) / relative).read_bytes()).digest())
    feed("options", hashlib.sha256(json.dumps(options, sort_keys=True).encode()).digest())
    package = PROJECT_ROOT / "analysis"
    for path in sorted(package.rglob("*.py")):
        feed(f"code:{path.relative_to(package).as_posix()}",
             hashlib.sha256(path.read_bytes()).digest())
    for path in sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb")):
        feed(f"notebook:{path.name}", hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def test_the_fingerprint_follows_the_documented_recipe(settings):
    options = {"figures": False, "jobs": 1}
    fingerprint = run_fingerprint(inputs(), settings, options)
    assert fingerprint == expected_fingerprint(inputs(), settings, options)
    assert len(fingerprint) == 64 and int(fingerprint, 16) >= 0


def test_every_input_changes_the_fingerprint_and_key_order_does_not(settings, tmp_path):
    base = run_fingerprint(inputs(), settings, {"a": 1, "b": 2})
    assert run_fingerprint(inputs(), dict(reversed(settings.items())), {"b": 2, "a": 1}) == base
    variants = [
        run_fingerprint(inputs(files=[("a.txt", SHA_B)]), settings, {"a": 1, "b": 2}),  # edited
        run_fingerprint(inputs(files=[("b.txt", SHA_A)]), settings, {"a": 1, "b": 2}),  # renamed
        run_fingerprint(inputs(files=[]), settings, {"a": 1, "b": 2}),  # removed
        run_fingerprint(inputs(metadata=SHA_A), settings, {"a": 1, "b": 2}),
        run_fingerprint(inputs(metadata=None), settings, {"a": 1, "b": 2}),
        run_fingerprint(inputs(), {**settings, "seed": 2}, {"a": 1, "b": 2}),
        run_fingerprint(inputs(), settings, {"a": 1, "b": 3}),
    ]
    (tmp_path / "stop.txt").write_text("的\n了\n", encoding="utf-8")  # a dictionary entry
    variants.append(run_fingerprint(inputs(), settings, {"a": 1, "b": 2}))
    assert len({base, *variants}) == len(variants) + 1


# --- up to date --------------------------------------------------------------------------------


def finished_run(out: Path, fingerprint: str, **manifest_fields) -> Path:
    """An output folder as a complete run leaves it: one table, its manifest (with
    ``manifest_fields`` over the usual ones), its run state."""
    table = out / "tables" / "t.csv"
    table.parent.mkdir(parents=True)
    table.write_text("doc_id\na\n", encoding="utf-8")
    manifest = {
        "run_id": "r1",
        "fingerprint": manifest_fields.pop("manifest_fingerprint", fingerprint),
        "inputs": {},
        "folders": {"out": str(out)},
        "outputs": [{"folder": "out", "path": "tables/t.csv", "bytes": table.stat().st_size,
                     "sha256": file_sha256(table)}],
        **manifest_fields,
    }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    record_run(out, fingerprint, [table])
    return table


def test_record_run_writes_the_fingerprint_and_the_sorted_outputs(tmp_path):
    (tmp_path / "b.csv").touch()
    (tmp_path / "a.csv").touch()
    path = record_run(tmp_path, "f" * 64, [tmp_path / "b.csv", tmp_path / "a.csv"])
    assert path == tmp_path / STATE_FILE == tmp_path / "run-state.json"
    expected = {"fingerprint": "f" * 64,
                "files": [str((tmp_path / n).resolve()) for n in ("a.csv", "b.csv")]}
    assert path.read_text(encoding="utf-8") == json.dumps(expected, indent=1)


def test_a_complete_run_with_the_same_fingerprint_is_up_to_date(tmp_path):
    finished_run(tmp_path, "f1")
    assert is_up_to_date(tmp_path, "f1")
    assert is_up_to_date(str(tmp_path), "f1")
    assert not is_up_to_date(tmp_path, "f2")


def test_an_edited_deleted_or_added_output_is_not_up_to_date(tmp_path):
    table = finished_run(tmp_path / "edited", "f1")
    table.write_text("doc_id\nb\n", encoding="utf-8")  # same size, other bytes
    assert not is_up_to_date(tmp_path / "edited", "f1")
    finished_run(tmp_path / "deleted", "f1").unlink()
    assert not is_up_to_date(tmp_path / "deleted", "f1")
    finished_run(tmp_path / "added", "f1")
    (tmp_path / "added" / "tables" / "extra.csv").write_text("x", encoding="utf-8")
    assert not is_up_to_date(tmp_path / "added", "f1")


def test_an_unfinished_or_failed_run_is_not_up_to_date(tmp_path):
    finished_run(tmp_path / "failed", "f1", status="failed")  # a notebook failed
    assert not is_up_to_date(tmp_path / "failed", "f1")
    finished_run(tmp_path / "complete", "f1", status="complete")
    assert is_up_to_date(tmp_path / "complete", "f1")
    (tmp_path / "complete" / ".commit-123.json").write_text("{}", encoding="utf-8")
    assert not is_up_to_date(tmp_path / "complete", "f1")  # a commit was interrupted


def test_the_state_and_the_manifest_must_both_be_there_and_agree(tmp_path):
    finished_run(tmp_path / "other", "f1", manifest_fingerprint="f0")  # manifest of an older run
    assert not is_up_to_date(tmp_path / "other", "f1")
    finished_run(tmp_path / "no-state", "f1")
    (tmp_path / "no-state" / STATE_FILE).unlink()
    assert not is_up_to_date(tmp_path / "no-state", "f1")
    finished_run(tmp_path / "bad-state", "f1")
    (tmp_path / "bad-state" / STATE_FILE).write_text("{not json", encoding="utf-8")
    assert not is_up_to_date(tmp_path / "bad-state", "f1")
    finished_run(tmp_path / "no-manifest", "f1")
    (tmp_path / "no-manifest" / "manifest.json").unlink()
    assert not is_up_to_date(tmp_path / "no-manifest", "f1")
    assert not is_up_to_date(tmp_path / "never-run", "f1")
