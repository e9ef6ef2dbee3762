"""A failure keeps what is finished: a figure or notebook that fails does not discard the tables,
figures and notebooks that are complete. They are committed, the failure is recorded in the
manifest, one line names it, the exit code is 1, and `verify` understands such a run."""

from __future__ import annotations

import json

import nbformat
import pytest
from conftest import two_short_texts

import analysis.run.figures
import analysis.run.notebooks
from analysis.cli import main


@pytest.fixture
def texts(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    return two_short_texts(tmp_path / "texts")


def broken_notebook(folder):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('results_dir = "../results"')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell("x = 1"),
                      nbformat.v4.new_code_cell("1 / 0")]
    path = folder / "99_broken.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.mark.slow
def test_a_failing_notebook_keeps_the_rest_and_is_recorded(texts, tmp_path, monkeypatch, capsys):
    real = broken_notebook(tmp_path).with_name("98_fine.ipynb")
    fine = nbformat.v4.new_notebook()
    fine.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    fine.cells = [nbformat.v4.new_code_cell("print('fine')")]
    nbformat.write(fine, real)
    broken = tmp_path / "99_broken.ipynb"
    monkeypatch.setattr(analysis.run.notebooks, "study_notebooks", lambda: [real, broken])
    out = tmp_path / "out"
    code = main(["run", "--texts", str(texts), "--out", str(out), "--no-figures", "--quiet"])
    assert code == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert errors[0] == (
        "error: notebook 99_broken failed: cell 4 failed with ZeroDivisionError: division by zero; "
        f"its executed copy is {out.resolve() / 'notebooks' / '99_broken.ipynb'}"
    )
    assert len(errors) == 2 and "1 of the run's figures or notebooks failed" in errors[1]
    # everything finished is in place: tables, the good notebook, the failed one for reading
    assert (out / "tables" / "slogan_counts.csv").is_file()
    assert (out / "notebooks" / f"{real.stem}.html").is_file()
    executed = nbformat.read(out / "notebooks" / "99_broken.ipynb", as_version=4)
    assert [o.output_type for c in executed.cells for o in c.get("outputs", [])] == ["error"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "incomplete"
    assert manifest["failures"] == [
        {"stage": "notebook", "name": "99_broken",
         "error": "cell 4 failed with ZeroDivisionError: division by zero",
         "path": "notebooks/99_broken.ipynb"}
    ]
    listed = {e["path"] for e in manifest["outputs"]}
    assert {"notebooks/99_broken.ipynb", "notebooks/99_broken.html", "tables/slogan_counts.csv"} <= listed
    assert not list(out.glob(".staging-*"))
    # verify: every output as the run left it (exit 0), and the failure said
    assert main(["verify", str(out)]) == 0
    said = capsys.readouterr().err
    assert "note: in this run notebook 99_broken failed: cell 4 failed with ZeroDivisionError" in said
    # an incomplete run is never "up to date": the next run runs again
    assert main(["run", "--texts", str(texts), "--out", str(out), "--no-figures",
                 "--no-notebooks", "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["failures"] == []
    assert not (out / "notebooks" / "99_broken.ipynb").exists()  # the new run's folder replaced it


def test_a_failing_figure_keeps_the_other_figures(texts, tmp_path, monkeypatch, capsys):
    """Also: what the two texts (no metadata, no years) cannot support is a note in the
    manifest, not a warning."""
    planned = analysis.run.figures.study_figures

    def with_a_failing_figure(*args, **kwargs):
        plan = planned(*args, **kwargs)

        def draw():
            raise RuntimeError("this figure cannot be drawn")

        return analysis.run.figures.FigurePlan([("broken", draw), *plan.figures], plan.skipped)

    monkeypatch.setattr(analysis.run.figures, "study_figures", with_a_failing_figure)
    out, figures = tmp_path / "out", tmp_path / "figures"
    code = main(["run", "--texts", str(texts), "--out", str(out), "--figures", str(figures),
                 "--no-notebooks", "--formats", "png", "--only-figures",
                 "slogan_rates,tfidf,term_scatter,slogan_trends"])
    assert code == 1
    err = capsys.readouterr().err
    assert "error: figure broken failed: RuntimeError: this figure cannot be drawn" in err
    assert (figures / "slogan_rates.png").is_file() and (figures / "tfidf.png").is_file()
    assert not list(figures.glob("broken.*"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["failures"] == [
        {"stage": "figure", "name": "broken", "error": "RuntimeError: this figure cannot be drawn"}
    ]
    assert main(["verify", str(out)]) == 0
    # what this corpus cannot support: said once, in the manifest
    for absent in ("genre", "level", "term scatter", "year", "skipped"):
        assert not [line for line in err.splitlines() if "warning:" in line and absent in line], err
    skipped = {n["what"]: n["reason"] for n in manifest["skipped"]}
    assert skipped["grouping genre"].startswith("no document has a genre")
    assert skipped["figure term_scatter"] == "the documents have no genre (settings figures: term_scatter)"
    assert skipped["slogan_trends"].startswith("no document has a year")


def test_figure_workers_end_with_a_killed_run(texts, tmp_path):
    """Figures are drawn in worker processes forked from the run; killed, the run takes them
    with it, so none goes on writing into a staging folder the next run has cleared."""
    import signal
    import subprocess
    import sys
    import time

    import psutil
    from conftest import PROJECT

    out, figures = tmp_path / "out", tmp_path / "figures"
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis", "run", "--texts", str(texts), "--out", str(out),
         "--figures", str(figures), "--no-notebooks", "--jobs", "2", "--formats", "png",
         "--quiet"],
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not any(figures.glob(".staging-*/*.png")) and time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before drawing a figure"
        time.sleep(0.05)
    workers = psutil.Process(process.pid).children()
    assert workers, "figures are drawn in worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"figure workers outlived the run: {[p.pid for p in alive]}"
