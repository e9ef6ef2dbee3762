"""The notebooks: committed without outputs, reading a run (never computing again), executed top
to bottom with a real kernel by `run`, adapting to the metadata a corpus has, and showing only
numbers that are in the run's tables."""

from __future__ import annotations

import base64
import hashlib
import json

import nbformat
import pandas as pd
import pytest
from conftest import PROJECT, STUDY_DOC_IDS
from shown_numbers import check_claims, check_shown_numbers, shown_tables

import analysis.run.notebooks
from analysis.cli import main
from analysis.errors import InputError
from analysis.run.findings import CLAIM_COLUMNS
from analysis.run.notebooks import (
    NotebookFailed,
    check_notebook_parameters,
    execute_notebook,
    study_notebooks,
)

NAMES = [
    "01_corpus_overview", "02_frequencies_and_keyness", "03_tfidf_and_similarity",
    "04_slogans", "05_formulae_and_close_reading", "06_rerun_on_your_texts",
]


def outputs(path):
    notebook = nbformat.read(path, as_version=4)
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def plain_text(path) -> str:
    texts = []
    for o in outputs(path):
        data = o.get("data", {})
        texts.append(str(data.get("text/markdown", "")) + str(data.get("text/plain", "")))
        texts.append(str(o.get("text", "")))
    return "\n".join(texts)


def test_notebooks_are_committed_without_outputs_and_start_with_parameters():
    assert [p.stem for p in study_notebooks()] == NAMES
    for path in study_notebooks():
        notebook = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        assert "parameters" in code[0]["metadata"].get("tags", []), path.name
        assert 'results_dir = "../results"' in "".join(code[0]["source"]), path.name
        assert notebook["cells"][0]["cell_type"] == "markdown"


def test_notebooks_compute_nothing_themselves():
    """Every notebook reads the run: none builds a corpus or calls a measure with defaults."""
    forbidden = ("build_corpus", "compute_tables", "load_settings", "textstat_", "load_corpus")
    for path in study_notebooks():
        code = "\n".join(
            "".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        )
        assert "setup_notebook(results_dir" in code, path.name
        assert not [word for word in forbidden if word in code], path.name


def test_every_notebook_ran_with_figures_and_no_errors_or_glyph_warnings(full_run):
    out, _ = full_run
    folder = out / "notebooks"
    for name in NAMES:
        cells = outputs(folder / f"{name}.ipynb")
        assert not [o for o in cells if o.output_type == "error"], name
        stderr = "".join(o.get("text", "") for o in cells if o.get("name") == "stderr")
        assert "Glyph" not in stderr and "missing from" not in stderr, name
        images = [o for o in cells if "image/png" in o.get("data", {})]
        assert images or name == "01_corpus_overview", f"{name} shows no figure"
        html = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert "@font-face{font-family:'CJK Embedded'" in html
        assert html.count("data:image/png;base64") >= len(images)  # the template adds an icon


def test_every_code_cell_ran_once_in_order_and_completed(full_run):
    """A notebook run top to bottom: execution counts 1, 2, 3 … over its code cells (none
    skipped, none run twice, none out of order), papermill recorded no exception, and the
    injected parameters follow the parameters cell."""
    out, _ = full_run
    for name in NAMES:
        notebook = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), name
        assert notebook.metadata["papermill"]["exception"] is None, name
        assert {c.metadata["papermill"]["status"] for c in notebook.cells} == {"completed"}, name
        tags = [c.metadata.get("tags", []) for c in code[:2]]
        assert "parameters" in tags[0] and "injected-parameters" in tags[1], name
        assert not [o for c in code for o in c.outputs if o.output_type == "error"], name


# The figures each notebook shows, by the name of the run's file (notebook 01 shows none).
FIGURES_SHOWN = {
    "02_frequencies_and_keyness": [
        "keyness_cidu_opinion_2005", "keyness_cityoffice_speech_2003", "keyness_genre_opinion",
        "keyness_genre_speech", "keyness_jilin_news_2007", "keyness_level_city",
        "keyness_nansha_speech_2007", "keyness_yangzhou_opinion_2007", "term_scatter",
    ],
    "03_tfidf_and_similarity": ["tfidf", "similarity", "correspondence", "wordcloud",
                                "wordclouds_by_doc", "comparison_cloud"],
    "04_slogans": ["slogan_rates", "slogan_trends", "xray", "slogan_cooccurrence",
                   "collocate_network"],
    "05_formulae_and_close_reading": ["formulae"],
    "06_rerun_on_your_texts": ["slogan_trends"],
}


def test_every_figure_shown_is_a_png_the_run_wrote(full_run):
    """The notebooks draw nothing themselves: each image they show is, byte for byte, one of the
    run's figure files."""
    out, figures = full_run
    written = {
        hashlib.sha256(path.read_bytes()).hexdigest(): path.stem
        for path in figures.rglob("*.png")
    }
    for name in NAMES:
        shown = [
            written.get(hashlib.sha256(base64.b64decode(o["data"]["image/png"])).hexdigest())
            for o in outputs(out / "notebooks" / f"{name}.ipynb")
            if "image/png" in o.get("data", {})
        ]
        assert shown == FIGURES_SHOWN.get(name, []), name


def test_the_slogan_tables_shown_are_the_runs_rows_for_the_study(full_run):
    """Notebook 04 shows 团结 document by document, most mentions first, the city level's pooled
    count and the trend's first year, as slogan_counts and slogan_trends have them."""
    out, _ = full_run
    shown = shown_tables(out / "notebooks" / "04_slogans.ipynb")
    per_document = next(t for s, t in shown if s == "slogan_counts" and "examples" in t.columns)
    assert per_document[["doc_id", "count"]].values.tolist() == [
        ["cityoffice_speech_2003", "29"], ["nansha_speech_2007", "20"],
        ["cidu_opinion_2005", "5"], ["jilin_news_2007", "4"], ["yangzhou_opinion_2007", "1"],
    ]
    assert per_document["examples"].str.contains("【团结】").all()
    groups = next(t for s, t in shown if s == "slogan_counts" and "grouping" in t.columns)
    city = groups[(groups["group"] == "city") & (groups["slogan"] == "团结")]
    assert city[["grouping", "n_docs", "count"]].values.tolist() == [["level", "3", "35"]]
    trend = next(t for s, t in shown if s == "slogan_trends")
    first = trend[(trend["time"] == "2003") & (trend["slogan"] == "团结")]
    assert first[["group", "n_docs", "count", "n_chars"]].values.tolist() == [
        ["all documents", "1", "29", "5764"]
    ]
    overview = next(t for s, t in shown_tables(out / "notebooks" / "01_corpus_overview.ipynb")
                    if s == "documents")
    assert sorted(overview["doc_id"]) == sorted(STUDY_DOC_IDS)


def test_the_executed_notebooks_point_at_their_own_run(full_run):
    """`run` executes them inside OUT with results_dir = "..", so an executed copy opened from
    OUT/notebooks reads the tables beside it, not a staging folder that no longer exists."""
    out, _ = full_run
    for name in NAMES:
        notebook = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
        injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert injected and 'results_dir = ".."' in injected[0].source, name
        assert ".staging-" not in plain_text(out / "notebooks" / f"{name}.ipynb"), name


def test_numbers_shown_by_the_notebooks_are_the_runs_tables(full_run):
    out, _ = full_run
    checked = {
        name: check_shown_numbers(out / "notebooks" / f"{name}.ipynb", out / "tables")
        for name in NAMES
    }
    assert all(checked[name] > 0 for name in NAMES if name != "03_tfidf_and_similarity"), checked
    sources = {s for name in NAMES for s, _ in shown_tables(out / "notebooks" / f"{name}.ipynb")}
    assert {"documents", "term_frequencies", "keyness", "slogan_counts", "slogan_trends", "kwic",
            "collocates", "formulae", "tfidf", "similarity", "slogan_cooccurrence"} <= sources


def test_every_notebook_ends_with_findings_written_from_its_run(full_run):
    """The last section of each notebook is "## Findings", whose one code cell showed sentences
    written from the run as it ran, every number it cites in the run's tables; notebook 01 also
    shows the study narrative, filled in from the run (it has the five documents)."""
    out, _ = full_run

    def findings_of(cell) -> list:
        return [o for o in cell.get("outputs", [])
                if o.get("metadata", {}).get("analysis", {}).get("findings")]

    topics = {}
    for name in NAMES:
        notebook = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
        heading, last = notebook.cells[-2:]
        assert heading.cell_type == "markdown" and heading.source.startswith("## Findings"), name
        assert last.cell_type == "code" and len(findings_of(last)) == 1, name
        for cell in notebook.cells:
            for output in findings_of(cell) if cell.cell_type == "code" else []:
                topics[output["metadata"]["analysis"]["findings"]] = (name, output)
        output = findings_of(last)[0]
        claims = pd.DataFrame(output["metadata"]["analysis"]["claims"], columns=CLAIM_COLUMNS)
        assert check_claims(claims, out / "tables", output["data"]["text/markdown"]) >= 5, name
    assert set(topics) == {"corpus", "keywords", "similarity", "slogans", "formulae", "trends",
                           "narrative"}
    where, narrative = topics["narrative"]
    assert where == "01_corpus_overview"
    assert "“三个代表”重要思想 recurs in" in narrative["data"]["text/markdown"]
    assert len(narrative["metadata"]["analysis"]["claims"]) >= 25


def test_the_number_check_catches_a_number_that_is_not_in_the_table(full_run, tmp_path):
    """The check above can fail: one changed digit in one shown cell is caught."""
    out, _ = full_run
    path = out / "notebooks" / "04_slogans.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("metadata", {}).get("analysis", {}).get("table") == "slogan_counts":
                output["data"]["text/html"] = output["data"]["text/html"].replace(
                    "<td>59</td>", "<td>58</td>", 1
                )
    broken = tmp_path / "04_slogans.ipynb"
    nbformat.write(notebook, broken)
    with pytest.raises(AssertionError, match="is not in slogan_counts"):
        check_shown_numbers(broken, out / "tables")


def test_the_study_notebooks_show_the_studys_groups_and_trend(full_run):
    out, _ = full_run
    slogans = plain_text(out / "notebooks" / "04_slogans.ipynb")
    assert "cityoffice_speech_2003" in slogans and "【团结】" in slogans
    sources = [s for s, _ in shown_tables(out / "notebooks" / "04_slogans.ipynb")]
    assert "slogan_trends" in sources
    overview = plain_text(out / "notebooks" / "01_corpus_overview.ipynb")
    assert "raw text rebuilt exactly" in overview and "False" not in overview.split(
        "raw text rebuilt exactly"
    )[1][:400]


@pytest.mark.slow
def test_notebooks_adapt_to_a_corpus_without_metadata(tmp_path, cache_dir, monkeypatch):
    """A folder of texts with no metadata CSV: every notebook runs, sections that need a missing
    column say so in one line, and every number shown is the run's."""
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "report_1998.txt").write_text(
        "各位代表：\n　　我们要加强团结，坚持民主集中制。“一把手”要带头，维护团结统一。", encoding="utf-8"
    )
    (texts / "speech_2005.txt").write_bytes(
        "同志們：要講團結，堅持民主集中制，加強領導班子建設。".encode("big5")
    )
    (texts / "notice.txt").write_text(
        "加强领导班子建设，坚持集体领导、民主集中、个别酝酿、会议决定的原则，增强团结。",
        encoding="utf-8",
    )
    # The notebooks whose sections depend on metadata (groups, years, the skipped list); 03
    # and 05 have none and run on the five documents (full_run)
    adapting = ["01_corpus_overview", "02_frequencies_and_keyness", "04_slogans",
                "06_rerun_on_your_texts"]
    every = analysis.run.notebooks.study_notebooks()
    monkeypatch.setattr(analysis.run.notebooks, "study_notebooks",
                        lambda: [p for p in every if p.stem in adapting])
    out = tmp_path / "out"
    code = main(["run", "--texts", str(texts), "--out", str(out), "--no-figures", "--quiet"])
    assert code == 0
    for name in adapting:
        executed = out / "notebooks" / f"{name}.ipynb"
        assert not [o for o in outputs(executed) if o.output_type == "error"], name
        check_shown_numbers(executed, out / "tables")
    groups = plain_text(out / "notebooks" / "04_slogans.ipynb")
    assert "No groups: this corpus has no metadata to pool documents by" in groups
    assert "drew no figures (--no-figures)" in groups
    rerun = plain_text(out / "notebooks" / "06_rerun_on_your_texts.ipynb")
    assert "report_1998" in rerun and "speech_2005" in rerun
    skipped = plain_text(out / "notebooks" / "01_corpus_overview.ipynb")
    assert "grouping level" in skipped and "no document has a level" in skipped


def test_notebook_06_follows_any_term_over_the_years(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a_1990.txt").write_text("坚持改革开放。民主集中制。", encoding="utf-8")
    (texts / "b_2000.txt").write_text("改革开放，改革开放。民主的集中制。", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--texts", str(texts), "--out", str(out), "--no-figures",
                 "--no-notebooks", "--quiet"]) == 0
    notebook = PROJECT / "notebooks" / "06_rerun_on_your_texts.ipynb"
    executed, _ = execute_notebook(
        notebook, tmp_path / "nb", {"results_dir": str(out), "terms": "改革开放,re:民主.{0,2}制"}
    )
    cells = outputs(executed)
    assert not [o for o in cells if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in cells), "the trend figure is drawn"
    text = plain_text(executed)
    assert "re:民主.{0,2}制" in text and "改革开放" in text


def test_a_wrong_notebook_parameter_is_named(tmp_path):
    with pytest.raises(InputError, match=r"results_dir=.* holds no run"):
        check_notebook_parameters(results_dir=str(tmp_path))
    with pytest.raises(InputError, match="results_dir=True"):
        check_notebook_parameters(results_dir=True)
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="terms=5"):
        check_notebook_parameters(results_dir=str(tmp_path), terms=5)
    assert check_notebook_parameters(results_dir=str(tmp_path)) == tmp_path


def test_a_failing_notebook_names_the_cell_and_keeps_its_executed_copy(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(NotebookFailed, match=r"broken\.ipynb: cell 2 failed with ZeroDivisionError") as error:
        execute_notebook(path, tmp_path / "out", {})
    assert error.value.executed.exists() and error.value.html.exists()
