"""A run replaces only what an earlier run recorded as its own (issue 12): the cases a hostile
but ordinary user found, each with its exact outcome — one-line error, exit 2, every file byte
for byte as it was — and a property test over random folder layouts."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib.font_manager  # noqa: F401  (its font cache is read before HOME moves)
import pytest
from conftest import PROJECT, as_from_a_terminal, tree_sha256, two_short_texts
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.errors import InputError
from analysis.run.manifest import verify_manifest
from analysis.run.outputs import (
    LOCK_FILE,
    RUN_MARK,
    StagedRun,
    check_output_folders,
    previous_figure_files,
    recover,
    staged_run,
)

QUICK = ["--no-figures", "--no-notebooks", "--quiet"]
# figures enough to show which files a run owns (every figure: test_figures.py)
FEW_FIGURES = ["--only-figures", "slogan_rates,keyness"]


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(["run", *argv])
    return code, capsys.readouterr().err


def one_error_line(code: int, err: str, *gist: str) -> str:
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    for part in gist:
        assert str(part) in lines[0], (part, lines[0])
    return lines[0]


@pytest.fixture
def texts(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    return two_short_texts(tmp_path / "texts")


def test_a_notebook_of_the_researcher_in_out_notebooks_stays(texts, tmp_path, capsys):
    out = tmp_path / "R"
    (out / "notebooks").mkdir(parents=True)
    (out / "notebooks" / "mine.ipynb").write_text("x\n", encoding="utf-8")
    before = tree_sha256(tmp_path)
    code, err = run(capsys, "--texts", str(texts), "--out", str(out), *QUICK)
    one_error_line(code, err, out / "notebooks" / "mine.ipynb", "not written by an earlier run",
                   "move it away or choose another --out")
    after = tree_sha256(tmp_path)
    assert {p: after[p] for p in before} == before
    assert not (out / "tables").exists()


def test_a_file_added_to_tables_stops_the_next_run_and_verify_reports_it(texts, tmp_path, capsys):
    out = tmp_path / "R"
    assert run(capsys, "--texts", str(texts), "--out", str(out), *QUICK)[0] == 0
    (out / "tables" / "notes.txt").write_text("my notes\n", encoding="utf-8")
    before = tree_sha256(out)
    code, err = run(capsys, "--texts", str(texts), "--out", str(out), "--force", *QUICK)
    one_error_line(code, err, out / "tables" / "notes.txt", "not written by an earlier run")
    assert tree_sha256(out) == before
    assert main(["verify", str(out)]) == 1
    assert f"{out / 'tables' / 'notes.txt'} was added after run" in capsys.readouterr().err


def test_a_second_run_replaces_the_outputs_of_the_first(texts, tmp_path, capsys):
    out = tmp_path / "R"
    assert run(capsys, "--texts", str(texts), "--out", str(out), *QUICK)[0] == 0
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["run_id"]
    assert run(capsys, "--texts", str(texts), "--out", str(out), "--force", *QUICK)[0] == 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["run_id"] != first
    assert main(["verify", str(out)]) == 0


def test_out_in_the_project_root_is_refused_and_the_notebooks_stay(texts, capsys, monkeypatch):
    monkeypatch.chdir(PROJECT)
    notebooks = tree_sha256(PROJECT / "notebooks")
    code, err = run(capsys, "--texts", str(texts), "--out", ".", "--no-figures", "--quiet")
    one_error_line(code, err, f"--out {PROJECT}", "holds the project's own files")
    assert tree_sha256(PROJECT / "notebooks") == notebooks


@pytest.mark.parametrize("inside", ["analysis", "data", "notebooks", "tests", "data/raw"])
def test_out_inside_the_projects_sources_is_refused(texts, tmp_path, inside):
    with pytest.raises(InputError, match="inside the project's"):
        check_output_folders(PROJECT / inside / "out", None, inputs=[texts])


def test_out_equal_to_a_texts_folder_with_a_tables_folder_is_refused(tmp_path, capsys):
    texts = two_short_texts(tmp_path / "T")
    (texts / "tables").mkdir()
    (texts / "tables" / "c.txt").write_text("团结就是力量。", encoding="utf-8")
    before = tree_sha256(tmp_path)
    code, err = run(capsys, "--texts", str(texts), "--out", str(texts), *QUICK)
    one_error_line(code, err, f"--out {texts}", "is one of the run's inputs")
    assert tree_sha256(tmp_path) == before


@pytest.mark.parametrize(
    ("out", "figures", "option", "why"),
    [
        ("/", None, "--out", "root of the file system"),
        ("HOME", None, "--out", "is your home folder"),
        ("parent", None, "--out", "holds the run's input"),
        ("texts/out", None, "--out", "is inside the texts folder"),
        ("R", "R/tables/fig", "--figures", "which a run replaces whole"),
        ("R", "R/notebooks", "--figures", "which a run replaces whole"),
        ("X", "X", "--figures", "is the --out folder too"),
        ("F/out", "F", "--out", "is inside the --figures folder"),
        ("R", "texts", "--figures", "is one of the run's inputs"),
    ],
)
def test_folders_where_writing_would_harm_are_refused(
    tmp_path, capsys, monkeypatch, out, figures, option, why
):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    texts = two_short_texts(tmp_path / "parent" / "texts")
    monkeypatch.chdir(tmp_path / "parent")
    paths = {"HOME": tmp_path / "home", "parent": tmp_path / "parent"}
    out_path = paths.get(out, Path(out) if out == "/" else tmp_path / "parent" / out)
    argv = ["--texts", str(texts), "--out", str(out_path), "--no-notebooks", "--quiet"]
    if figures is not None:
        argv += ["--figures", str(tmp_path / "parent" / figures)]
    before = tree_sha256(tmp_path)
    code, err = run(capsys, *argv)
    one_error_line(code, err, option, why)
    assert tree_sha256(tmp_path) == before


def test_figures_follow_out_unless_given(texts, tmp_path, capsys):
    from analysis.cli import figures_folder

    assert figures_folder("results", None) == Path("figures")
    assert figures_folder("my_results", None) == Path("my_results/figures")
    assert figures_folder("my_results", "figs") == Path("figs")
    # a figures folder of its own inside OUT is not nesting that harms
    check_output_folders(tmp_path / "R", tmp_path / "R" / "figures", inputs=[texts])


def test_a_figures_folder_being_written_is_locked(texts, tmp_path, capsys):
    figures = tmp_path / "shared-figures"
    figures.mkdir()
    with FileLock(str(figures / LOCK_FILE)):
        code, err = run(capsys, "--texts", str(texts), "--out", str(tmp_path / "B"),
                        "--figures", str(figures), "--no-notebooks", "--quiet")
    one_error_line(code, err, figures, "another run is writing", "--figures")
    assert not (tmp_path / "B" / "tables").exists()


def _complete_run(out: Path, figures: Path, run_id: str, names: list[str]) -> None:
    with staged_run(out, figures, run_id) as stage:
        stage.tables_dir.mkdir()
        (stage.tables_dir / "t.csv").write_text(run_id, encoding="utf-8")
        for name in names:
            (stage.figures_dir / name).write_text(run_id, encoding="utf-8")
        entries = [("out", "tables/t.csv"), *(("figures", n) for n in names)]
        manifest = {
            "run_id": run_id,
            "folders": {"out": str(out.resolve()), "figures": str(figures.resolve())},
            "outputs": [
                {"folder": f, "path": p, "bytes": len(run_id),
                 "sha256": hashlib.sha256(run_id.encode()).hexdigest()}
                for f, p in entries
            ],
        }
        (stage.staging / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        stage.commit(previous_figures=previous_figure_files(out, figures))


def test_two_runs_sharing_a_figures_folder_never_replace_each_others_figures(tmp_path):
    figures = tmp_path / "figures"
    _complete_run(tmp_path / "A", figures, "a", ["x.png", "y.png"])
    before = tree_sha256(tmp_path)
    with pytest.raises(InputError, match="did not write it") as error:
        _complete_run(tmp_path / "B", figures, "b", ["x.png"])
    assert str(figures / "x.png") in str(error.value) and "--figures" in str(error.value)
    after = tree_sha256(tmp_path)
    assert {p: after[p] for p in before} == before
    # the same run again replaces its own figures
    _complete_run(tmp_path / "A", figures, "a2", ["x.png"])
    assert (figures / "x.png").read_text(encoding="utf-8") == "a2"
    assert not (figures / "y.png").exists()  # its own stale figure is retired


def test_only_folders_a_run_made_are_removed_as_leftovers(tmp_path):
    out = tmp_path / "out"
    mine = out / ".staging-my-own"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    left = StagedRun("killed", out, None).staging
    left.mkdir()
    (left / RUN_MARK).touch()
    assert recover(out, None) == [f"removed {left} left by an interrupted run"]
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep"


def test_an_empty_staging_folder_is_removed_though_unmarked(tmp_path):
    """A run killed between making its staging folder and marking it leaves an empty folder
    with no mark: the next run removes it (it holds nothing), and still no folder with content
    that a run did not mark."""
    out = tmp_path / "out"
    killed_early = StagedRun("killed-early", out, None).staging
    killed_early.mkdir(parents=True)
    mine = out / ".staging-my-own"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    assert recover(out, None) == [f"removed {killed_early}, empty, left by an interrupted run"]
    assert not killed_early.exists()
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep"


def test_a_manifest_that_is_not_ours_is_not_overwritten(texts, tmp_path, capsys):
    out = tmp_path / "R"
    out.mkdir()
    (out / "manifest.json").write_text('{"my": "own"}', encoding="utf-8")
    code, err = run(capsys, "--texts", str(texts), "--out", str(out), *QUICK)
    one_error_line(code, err, out / "manifest.json", "not the manifest of a run")
    assert (out / "manifest.json").read_text(encoding="utf-8") == '{"my": "own"}'


def test_verify_of_a_damaged_manifest_is_one_line(texts, tmp_path, capsys):
    out = tmp_path / "R"
    assert run(capsys, "--texts", str(texts), "--out", str(out), *QUICK)[0] == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (out / "manifest.json").write_text(json.dumps({**manifest, "outputs": [{}]}), "utf-8")
    code = main(["verify", str(out)])
    one_error_line(code, capsys.readouterr().err, out / "manifest.json", "edited or damaged")


# --- property: random layouts of user files --------------------------------------------------

_names = st.sampled_from(["a.csv", "mine.ipynb", "x.png", "z.png", "t.csv", "README.md",
                          "manifest.json", "run-state.json"])
_places = st.sampled_from(["", "tables", "notebooks", "tables/sub", "figures", "figures/sub",
                           ".staging-x", ".previous-y"])
_layouts = st.lists(st.tuples(_places, _names, st.binary(max_size=8)), max_size=6)
#: what ``_complete_run(..., ["x.png"])`` records as its own, relative to the layout's root
RECORDED = {"out/tables/t.csv", "out/figures/x.png", "out/manifest.json"}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=_layouts, previous=st.booleans())
def test_a_run_never_removes_or_changes_a_file_it_did_not_record(tmp_path_factory, layout,
                                                                  previous):
    root = tmp_path_factory.mktemp("layout")
    out, figures = root / "out", root / "out" / "figures"
    if previous:
        _complete_run(out, figures, "earlier", ["x.png"])
    for place, name, content in layout:
        path = out / place / name
        if not path.parent.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    recorded = RECORDED if previous else set()
    user = {p: d for p, d in tree_sha256(root).items()
            if p not in recorded and not p.endswith(LOCK_FILE)}
    try:
        _complete_run(out, figures, "now", ["x.png", "z.png"])
        committed = True
    except InputError:
        committed = False
    after = tree_sha256(root)
    for path, digest in user.items():
        assert after.get(path) == digest, f"{path} was removed or changed"
    if committed:
        assert after["out/tables/t.csv"] == tree_sha256(out / "tables")["t.csv"]
        assert (out / "figures" / "z.png").read_text(encoding="utf-8") == "now"


# --- interrupts --------------------------------------------------------------------------------


@pytest.mark.parametrize(("signum", "code", "says"), [
    (signal.SIGINT, 130, "error: interrupted:"),
    (signal.SIGTERM, 143, "error: terminated (SIGTERM):"),
])
def test_an_interrupt_prints_one_line_cleans_up_and_exits(tmp_path, signum, code, says):
    texts = two_short_texts(tmp_path / "texts")
    out = tmp_path / "out"
    env = {**os.environ, "ANALYSIS_CACHE": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis", "run", "--texts", str(texts), "--out", str(out),
         "--no-notebooks", "--formats", "png"],
        stderr=subprocess.PIPE, text=True, env=env, preexec_fn=as_from_a_terminal,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob(".staging-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    process.send_signal(signum)
    err = process.communicate(timeout=120)[1]
    assert process.returncode == code, err
    lines = [line for line in err.splitlines() if line.startswith(("error", "Traceback"))]
    assert len(lines) == 1 and lines[0].startswith(says), err
    assert "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE, "figures"]
    assert [p.name for p in (out / "figures").iterdir()] == [LOCK_FILE]


def test_a_run_without_figures_retires_the_figures_of_the_run_it_replaces(tmp_path, capsys):
    texts = two_short_texts(tmp_path / "T")
    out = tmp_path / "R"
    with_figures = ["run", "--texts", str(texts), "--out", str(out), "--no-notebooks",
                    "--formats", "png", *FEW_FIGURES, "--quiet"]
    assert main(with_figures) == 0
    drawn = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert drawn
    (out / "figures" / "mine.txt").write_text("the researcher's", encoding="utf-8")
    assert main(["run", "--texts", str(texts), "--out", str(out), *QUICK, "--force"]) == 0
    # no figure is left that the new tables do not match; the researcher's file stays
    assert sorted(p.name for p in (out / "figures").iterdir() if p.name[0] != ".") == ["mine.txt"]
    assert verify_manifest(out) == []
    # and figures again afterwards are the run's own, not "another run's"
    assert main(with_figures) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (out / "figures").glob("*.png")) == drawn


def test_a_figure_changed_since_the_run_is_not_its_own_any_more(tmp_path):
    figures = tmp_path / "figures"
    _complete_run(tmp_path / "A", figures, "a", ["x.png", "y.png"])
    (figures / "y.png").write_text("edited by the researcher", encoding="utf-8")
    # B writes x.png over A's in the shared folder: A's record no longer matches it
    (figures / "x.png").write_text("b", encoding="utf-8")
    before = tree_sha256(tmp_path)
    with pytest.raises(InputError, match="did not write it"):
        _complete_run(tmp_path / "A", figures, "a2", ["x.png"])
    assert tree_sha256(tmp_path) == before
    # drawing no x.png, A's next run retires nothing that changed: y.png stays
    _complete_run(tmp_path / "A", figures, "a3", ["z.png"])
    assert (figures / "y.png").read_text(encoding="utf-8") == "edited by the researcher"
    assert (figures / "x.png").read_text(encoding="utf-8") == "b"


def test_a_copied_run_without_figures_leaves_the_originals_figures(tmp_path, capsys):
    import shutil

    texts = two_short_texts(tmp_path / "T")
    out = tmp_path / "o5"
    figures = tmp_path / "shared_figures"
    assert main(["run", "--texts", str(texts), "--out", str(out), "--figures", str(figures),
                 "--no-notebooks", "--formats", "png", *FEW_FIGURES, "--quiet"]) == 0
    shutil.copytree(out, tmp_path / "copy")
    originals = tree_sha256(figures)
    assert main(["run", "--texts", str(texts), "--out", str(tmp_path / "copy"), *QUICK,
                 "--force"]) == 0
    assert tree_sha256(figures) == originals  # a figures folder outside OUT is left alone
    assert verify_manifest(out) == []


def test_verify_of_a_moved_run_checks_its_own_figures(tmp_path, capsys):
    import shutil

    texts = two_short_texts(tmp_path / "T")
    out = tmp_path / "R"
    assert main(["run", "--texts", str(texts), "--out", str(out), "--no-notebooks",
                 "--formats", "png", *FEW_FIGURES, "--quiet"]) == 0
    moved = tmp_path / "moved"
    shutil.move(out, moved)
    assert verify_manifest(moved) == []
    drawn = sorted((moved / "figures").glob("*.png"))[0]
    drawn.unlink()
    assert verify_manifest(moved) == [f"output {drawn} is missing"]
