"""The notebooks: committed without outputs, executed top to bottom with a real kernel on the
five documents and on a folder of new texts, exported as standalone HTML."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from conftest import PROJECT, shared_path

from analysis.notebooks import execute_notebook, notebook_parameters, study_notebooks

NAMES = [
    "01_corpus_overview", "02_frequencies_and_keyness", "03_tfidf_and_similarity",
    "04_slogans", "05_formulae_and_close_reading", "06_rerun_on_your_texts",
]


def outputs(path):
    notebook = nbformat.read(path, as_version=4)
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_notebooks_are_committed_without_outputs_and_start_with_parameters():
    assert [p.stem for p in study_notebooks()] == NAMES
    for path in study_notebooks():
        notebook = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        assert "parameters" in code[0]["metadata"].get("tags", []), path.name
        assert notebook["cells"][0]["cell_type"] == "markdown"


def test_every_notebook_ran_with_figures_and_no_errors_or_glyph_warnings(full_run):
    out, _ = full_run
    folder = out / "notebooks"
    for name in NAMES:
        cells = outputs(folder / f"{name}.ipynb")
        assert not [o for o in cells if o.output_type == "error"], name
        stderr = "".join(o.get("text", "") for o in cells if o.get("name") == "stderr")
        assert "Glyph" not in stderr and "missing from" not in stderr, name
        images = [o for o in cells if "image/png" in o.get("data", {})]
        assert images or name == "01_corpus_overview", f"{name} drew no figure"
        html = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert "@font-face{font-family:'CJK Embedded'" in html
        assert html.count("data:image/png;base64") >= len(images)  # the template adds an icon


def test_notebook_06_runs_on_new_texts(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "report_1998.txt").write_text(
        "各位代表：\n　　我们要加强团结，坚持民主集中制。“一把手”要带头，维护团结统一。", encoding="utf-8"
    )
    (texts / "speech_2005.txt").write_bytes(
        "同志們：要講團結，堅持民主集中制，加強領導班子建設。".encode("big5")
    )
    (texts / "notice_2010.txt").write_text(
        "加强领导班子建设，坚持集体领导、民主集中、个别酝酿、会议决定的原则。", encoding="utf-8"
    )
    parameters = notebook_parameters(texts=texts, metadata=None, figures=tmp_path / "figs")
    parameters["out_dir"] = str(tmp_path / "tables")
    notebook = PROJECT / "notebooks" / "06_rerun_on_your_texts.ipynb"
    executed, html = execute_notebook(notebook, tmp_path / "run", parameters)
    cells = outputs(executed)
    assert not [o for o in cells if o.output_type == "error"]
    assert (tmp_path / "tables" / "documents.csv").exists()
    assert (tmp_path / "figs" / "slogan_rates.png").exists()
    text = "".join(str(o.get("data", {}).get("text/plain", "")) for o in cells)
    assert "report_1998" in text and "speech_2005" in text
    assert html.exists()


@pytest.mark.shared
def test_notebook_06_runs_on_the_political_corpus(tmp_path, cache_dir, monkeypatch):
    """Real texts it was not written for (Wikisource, ../shared), no metadata file."""
    source = shared_path("corpora", "political", "txt")
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = tmp_path / "texts"
    texts.mkdir()
    names = ["gwr_1954.txt", "gwr_1998.txt", "gwr_2010.txt", "cpc_congress_03.txt",
             "npc_resolution_on_gwr_01.txt"]
    for name in names:
        shutil.copy(source / name, texts / name)
    parameters = notebook_parameters(texts=texts, metadata=None, figures=tmp_path / "figs")
    parameters["out_dir"] = str(tmp_path / "tables")
    notebook = PROJECT / "notebooks" / "06_rerun_on_your_texts.ipynb"
    executed, html = execute_notebook(notebook, tmp_path / "run", parameters)
    cells = outputs(executed)
    assert not [o for o in cells if o.output_type == "error"]
    text = "".join(str(o.get("data", {}).get("text/plain", "")) for o in cells)
    assert all(name.removesuffix(".txt") in text for name in names)
    assert (tmp_path / "figs" / "tfidf.png").exists() and html.exists()


def test_a_failing_notebook_names_the_cell(tmp_path):
    from analysis.errors import InputError

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(InputError, match=r"broken\.ipynb: cell 2 failed with ZeroDivisionError"):
        execute_notebook(path, tmp_path / "out", {})
