"""Staged outputs: a run's files appear all at once, or not at all (analysis.run.outputs)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from filelock import FileLock

from analysis.errors import InputError
from analysis.run.outputs import (
    LOCK_FILE,
    StagedRun,
    mark_made_by_run,
    recover,
    roll_forward,
    staged_run,
)


def _previous_run(out, figures):
    """A complete earlier run: two tables, a notebook, a manifest, two figures, a README."""
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "a.csv").write_text("old a\n", encoding="utf-8")
    (out / "tables" / "gone.csv").write_text("old table no longer written\n", encoding="utf-8")
    (out / "notebooks").mkdir()
    (out / "notebooks" / "01.html").write_text("old notebook", encoding="utf-8")
    figures.mkdir(parents=True)
    (figures / "README.md").write_text("the researcher's note", encoding="utf-8")
    (figures / "keep.png").write_bytes(b"old keep")
    (figures / "stale.png").write_bytes(b"old stale")
    recorded = [("out", "tables/a.csv"), ("out", "tables/gone.csv"), ("out", "notebooks/01.html"),
                ("figures", "keep.png"), ("figures", "stale.png")]
    root = {"out": out, "figures": figures}
    manifest = {
        "run_id": "old",
        "folders": {"out": str(out.resolve()), "figures": str(figures.resolve())},
        "outputs": [
            {"folder": f, "path": p, "bytes": (root[f] / p).stat().st_size,
             "sha256": hashlib.sha256((root[f] / p).read_bytes()).hexdigest()}
            for f, p in recorded
        ],
    }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _stage_new_files(stage: StagedRun) -> None:
    stage.tables_dir.mkdir()
    (stage.tables_dir / "a.csv").write_text("new a\n", encoding="utf-8")
    (stage.tables_dir / "b.csv").write_text("new b\n", encoding="utf-8")
    (stage.figures_dir / "keep.png").write_bytes(b"new keep")
    (stage.staging / "manifest.json").write_text('{"run_id": "new"}', encoding="utf-8")


def _staged_after_previous_run(out, figures, run_id: str) -> StagedRun:
    """A previous run's results, and a new run's files staged beside them (no journal yet)."""
    _previous_run(out, figures)
    stage = StagedRun(run_id, out, figures)
    mark_made_by_run(stage.staging)
    mark_made_by_run(stage.staging_figures)
    _stage_new_files(stage)
    return stage


def _visible(folder):
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def test_nothing_is_visible_before_the_commit_and_everything_after(tmp_path):
    out, figures = tmp_path / "out", tmp_path / "figures"
    _previous_run(out, figures)
    with staged_run(out, figures, "run1") as stage:
        _stage_new_files(stage)
        assert (out / "tables" / "a.csv").read_text(encoding="utf-8") == "old a\n"
        assert (figures / "keep.png").read_bytes() == b"old keep"
        assert json.loads((out / "manifest.json").read_text())["run_id"] == "old"
        stage.commit(previous_figures=["keep.png", "stale.png"])
    assert _visible(out) == ["manifest.json", "tables/a.csv", "tables/b.csv"]
    assert (out / "tables" / "a.csv").read_text(encoding="utf-8") == "new a\n"
    assert json.loads((out / "manifest.json").read_text())["run_id"] == "new"
    # the stale figure of the previous run goes; the researcher's own file stays
    assert _visible(figures) == ["README.md", "keep.png"]
    assert (figures / "keep.png").read_bytes() == b"new keep"
    leftovers = [p.name for p in [*out.iterdir(), *figures.iterdir()] if p.name.startswith(".")]
    assert leftovers == [LOCK_FILE, LOCK_FILE]  # one lock in each folder


def test_a_failing_run_leaves_the_previous_results_and_no_staging(tmp_path):
    out, figures = tmp_path / "out", tmp_path / "figures"
    _previous_run(out, figures)
    before = {p: p.read_bytes() for p in [*out.rglob("*"), *figures.rglob("*")] if p.is_file()}
    with pytest.raises(RuntimeError, match="boom"), staged_run(out, figures, "run1") as stage:
        _stage_new_files(stage)
        raise RuntimeError("boom")
    after = {p: p.read_bytes() for p in [*out.rglob("*"), *figures.rglob("*")] if p.is_file()}
    after.pop(out / LOCK_FILE)
    after.pop(figures / LOCK_FILE)
    assert after == before


def test_the_next_run_removes_what_a_killed_run_left_in_staging(tmp_path):
    out, figures = tmp_path / "out", tmp_path / "figures"
    # as a killed run leaves it: staged, no journal
    stage = _staged_after_previous_run(out, figures, "killed")
    done = recover(out, figures)
    assert len(done) == 2 and all("interrupted run" in line for line in done)
    assert not stage.staging.exists() and not stage.staging_figures.exists()
    assert (out / "tables" / "a.csv").read_text(encoding="utf-8") == "old a\n"


@pytest.mark.parametrize("moves_done", [0, 1, 2, 3])
def test_a_commit_killed_part_way_is_completed_by_the_next_run(tmp_path, moves_done):
    """Kill the commit after any number of its renames: the next run finishes it exactly."""
    out, figures = tmp_path / "out", tmp_path / "figures"
    stage = _staged_after_previous_run(out, figures, "killed")
    journal_path = stage.write_journal(previous_figures=["keep.png", "stale.png"])
    journal = json.loads(journal_path.read_text(encoding="utf-8"))
    steps = journal["retire"] + journal["moves"]
    for source, target, *_ in steps[:moves_done]:  # the renames the killed process got done
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(source, target)
    assert recover(out, figures) == ["completed the interrupted commit of run killed"]
    assert _visible(out) == ["manifest.json", "tables/a.csv", "tables/b.csv"]
    assert (out / "tables" / "a.csv").read_text(encoding="utf-8") == "new a\n"
    assert _visible(figures) == ["README.md", "keep.png"]
    assert not journal_path.exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_rolling_forward_twice_changes_nothing(tmp_path):
    out, figures = tmp_path / "out", tmp_path / "figures"
    stage = _staged_after_previous_run(out, figures, "twice")
    journal = stage.write_journal()
    saved = journal.read_text(encoding="utf-8")
    roll_forward(journal)
    state = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    journal.write_text(saved, encoding="utf-8")  # as if killed before the journal was deleted
    roll_forward(journal)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == state


def test_the_first_run_into_an_empty_folder(tmp_path):
    out = tmp_path / "new" / "out"
    with staged_run(out, None, "first") as stage:
        stage.tables_dir.mkdir()
        (stage.tables_dir / "a.csv").write_text("a\n", encoding="utf-8")
        with pytest.raises(ValueError, match="no figures"):
            stage.figures_dir  # noqa: B018 - the property raises
        stage.commit()
    assert _visible(out) == ["tables/a.csv"]


def test_a_second_run_into_a_folder_being_written_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with (
        FileLock(str(out / LOCK_FILE)),
        pytest.raises(InputError, match="another run is writing") as error,
        staged_run(out, None, "second"),
    ):
        pass
    assert str(out) in str(error.value) and "--out" in str(error.value)


def test_final_paths_map_staging_onto_the_chosen_folders(tmp_path):
    stage = StagedRun("r", tmp_path / "out", tmp_path / "fig")
    assert stage.final_path(stage.tables_dir / "x.csv") == (tmp_path / "out/tables/x.csv")
    assert stage.final_path(stage.figures_dir / "x.png") == (tmp_path / "fig/x.png")
    assert stage.locate(stage.figures_dir / "x.png") == ("figures", "x.png")
    with pytest.raises(ValueError, match="staging"):
        stage.final_path(tmp_path / "elsewhere.csv")
