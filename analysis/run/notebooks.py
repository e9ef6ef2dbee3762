"""Executing the study notebooks with papermill and exporting them as standalone HTML.

The notebooks in ``notebooks/`` are committed without outputs. They compute nothing: each reads
a finished run (``results_dir``, the run's ``--out`` folder) with
:func:`analysis.run.results.load_results` and shows its tables and figures, so a notebook always
agrees with the tables beside it and with the settings, segmenter and slogans that made them.
``python -m analysis run`` executes them last, with a real Jupyter kernel, into
``OUT/notebooks/`` (``results_dir = ".."``), writing ``NN_name.ipynb`` (with outputs) and
``NN_name.html`` (one file, images and the CJK font embedded). A notebook that fails is recorded
with the cell and error; its executed copy up to the failure is kept for reading.
"""

from __future__ import annotations

import os
import warnings
from functools import cache
from pathlib import Path
from typing import Any

from analysis.config.paths import PROJECT_ROOT, write_text_atomic
from analysis.errors import InputError

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
KERNEL = "python3"


def study_notebooks() -> list[Path]:
    """The numbered notebooks, in order."""
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def check_notebook_parameters(*, results_dir: object, terms: object = None) -> Path:
    """Check a notebook's parameters before anything uses them and return the results folder;
    an InputError says which one is wrong and what it should be.

    ``results_dir`` must be the output folder of a run (``python -m analysis run --out``),
    holding its ``manifest.json``; ``terms`` ``None`` or text (slogan names, literal terms or
    ``re:`` regular expressions, comma-separated). Parameters are plain values: a string is
    never evaluated as code.
    """
    if (
        isinstance(results_dir, bool)
        or not isinstance(results_dir, str | Path)
        or not str(results_dir).strip()
    ):
        raise InputError(
            f"notebook parameter results_dir={results_dir!r}: give the output folder of a run "
            'as text, e.g. results_dir = "../results"'
        )
    folder = Path(results_dir)
    if not (folder / "manifest.json").is_file():
        raise InputError(
            f"notebook parameter results_dir={results_dir!r} holds no run (no manifest.json; "
            f"relative paths start at {Path.cwd()}); run `python -m analysis run --out FOLDER` "
            "and set results_dir to that folder"
        )
    if terms is not None and (not isinstance(terms, str) or not terms.strip()):
        raise InputError(
            f"notebook parameter terms={terms!r}: give None or terms such as "
            '"改革开放,re:民主.{0,2}制"'
        )
    return folder


def setup_notebook(results_dir: object, *, terms: object = None):
    """The first cell of every notebook: check the parameters, set the figure style and the
    display options, and return the run (:func:`analysis.run.results.load_results`)."""
    import pandas as pd

    from analysis.plots import apply_figure_style
    from analysis.run.results import load_results

    folder = check_notebook_parameters(results_dir=results_dir, terms=terms)
    apply_figure_style()  # the study's figure style and CJK font for anything drawn inline
    pd.set_option("display.max_colwidth", 80)
    pd.set_option("display.max_rows", 60)
    return load_results(folder)


def notebook_parameters(*, results_dir: str | Path, terms: str | None = None) -> dict[str, Any]:
    """Papermill parameters: the run's output folder (as given: ``".."`` when ``run`` executes
    the notebooks inside it, so the executed copies keep pointing at their run)."""
    parameters: dict[str, Any] = {"results_dir": str(results_dir)}
    if terms is not None:
        parameters["terms"] = terms
    return parameters


class NotebookFailed(InputError):
    """A notebook stopped at a cell; ``executed`` is its executed copy up to that cell."""

    def __init__(self, message: str, executed: Path, html: Path | None) -> None:
        super().__init__(message)
        self.executed = executed
        self.html = html


def execute_notebook(
    notebook: Path,
    output_dir: Path,
    parameters: dict[str, Any],
    *,
    cwd: Path | None = None,
    timeout: int = 1200,
) -> tuple[Path, Path]:
    """Run one notebook in ``cwd`` (default: ``output_dir``); write the executed ``.ipynb`` and
    a standalone ``.html`` into ``output_dir``.

    A failing cell raises :class:`NotebookFailed` naming the notebook, the cell and the error;
    the executed copy (and its HTML) up to that cell are written all the same, for reading."""
    import nbformat
    import papermill

    output_dir.mkdir(parents=True, exist_ok=True)
    executed = output_dir / notebook.name
    with warnings.catch_warnings():
        # papermill warns about the kernel's own name resolution and about black; noise here
        warnings.simplefilter("ignore", category=UserWarning)
        try:
            papermill.execute_notebook(
                str(notebook),
                str(executed),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=str(cwd or output_dir),
                progress_bar=False,
                # written once, when it ends (a failing cell included), not after every cell:
                # nobody watches the file of a run's notebook fill up
                request_save_on_cell_execute=False,
                execution_timeout=timeout,
                # the kernel's log (a warning that it talks to us over local TCP, the
                # interrupt it gets at shutdown) is noise in a researcher's terminal; a failing
                # cell or a dead kernel is reported by papermill all the same
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
        except papermill.PapermillExecutionError as exc:
            html = _export_html(executed, nbformat) if executed.exists() else None
            raise NotebookFailed(
                f"{notebook.name}: cell {exc.exec_count} failed with {exc.ename}: {exc.evalue} "
                f"(the executed copy is {executed})",
                executed,
                html,
            ) from exc
    return executed, _export_html(executed, nbformat)


#: nbconvert's lab template without the scripts it loads from a CDN, so that a page asks the
#: network for nothing: offline, a page waiting on a blocking CDN script in its head stays blank.
#: None is needed here: require.js and the widget manager serve Jupyter widgets (the notebooks
#: show none; the concordance browser is a plain script), mermaid renders ```mermaid diagrams
#: (none; their source stays readable), and MathJax typesets math (none in the notebooks; TeX
#: stays readable as written, ``$...$``).
_OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def _export_html(executed: Path, nbformat) -> Path:
    """Write ``executed`` as one self-contained HTML page beside it: no script, style or font
    from the network (:data:`_OFFLINE_TEMPLATE`), images of outputs and of markdown cells
    embedded, and the CJK font embedded (:func:`embed_cjk_font`)."""
    body, _ = _html_exporter().from_notebook_node(
        nbformat.read(executed, as_version=4),
        # the page's title is the notebook's name, not nbconvert's "Notebook"
        resources={"metadata": {"name": executed.stem, "path": str(executed.parent)}},
    )
    return write_text_atomic(executed.with_suffix(".html"), embed_cjk_font(body))


@cache
def _html_exporter():
    """One exporter per process: its templates are compiled once (half a second), not for every
    notebook it exports."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="offline.html.j2",
        extra_loaders=[DictLoader({"offline.html.j2": _OFFLINE_TEMPLATE})],
        # a markdown image given by a path (relative to the page) is embedded, not linked
        embed_images=True,
    )


def embed_cjk_font(html: str) -> str:
    """``html`` with the CJK font embedded as a web font, subset to the characters it uses.

    The report is read on machines without a Chinese font; the figures are images, but tables
    and text would show boxes. The subset (WOFF, base64) adds some hundred kilobytes.
    """
    import base64

    from analysis.plots.fonts import resolve_cjk_font, web_font_subset

    used = {ch for ch in html if ord(ch) > 0x2E7F}
    if not used:
        return html
    data = base64.b64encode(web_font_subset(resolve_cjk_font().path, used)).decode("ascii")
    style = (
        "<style>@font-face{font-family:'CJK Embedded';"
        f"src:url(data:font/woff;base64,{data}) format('woff');}}"
        # the lab template draws every text through these variables; append the embedded font
        ":root,body{--jp-content-font-family:system-ui,-apple-system,'Segoe UI',Helvetica,"
        "Arial,'CJK Embedded',sans-serif !important;--jp-ui-font-family:system-ui,"
        "-apple-system,'Segoe UI',Helvetica,Arial,'CJK Embedded',sans-serif !important;"
        "--jp-code-font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace,'CJK Embedded'"
        " !important;}"
        "body,table,.jp-RenderedHTMLCommon{font-family:var(--jp-content-font-family)}"
        "pre,code,.highlight pre,.jp-RenderedText pre{font-family:var(--jp-code-font-family)}"
        "</style>"
    )
    return html.replace("</head>", style + "</head>", 1)


def _execute_one(
    notebook: Path, output_dir: Path, parameters: dict[str, Any]
) -> tuple[list[Path], dict[str, str] | None]:
    """Execute one notebook; a failure is returned (with the executed copy kept), not raised."""
    try:
        return list(execute_notebook(notebook, output_dir, parameters)), None
    except NotebookFailed as exc:
        kept = [p for p in (exc.executed, exc.html) if p is not None and p.exists()]
        error = str(exc).split(" (the executed copy")[0].removeprefix(f"{notebook.name}: ")
        return kept, {
            "stage": "notebook",
            "name": notebook.stem,
            "error": error,
            "path": str(exc.executed),
        }


def _init_notebook_worker(parent: int) -> None:
    """Initialiser of a process that drives kernels: it ends with the run (``die_with_parent``)
    and skips building jsonschema's IRI grammar, which ``rfc3987_syntax`` compiles with Lark
    when imported (about 3 s, in every process that imports nbformat). Notebook JSON has no IRI
    fields, so nothing here would use it; jsonschema checks that format only when it is there."""
    import sys

    from analysis.corpus.engine import die_with_parent

    die_with_parent(parent)
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def execute_notebooks(
    output_dir: Path,
    *,
    results_dir: str | Path = "..",
    progress: bool = False,
    jobs: int | None = None,
) -> tuple[list[Path], list[dict[str, str]]]:
    """Execute every study notebook into ``output_dir`` on the run in ``results_dir`` (relative
    to ``output_dir``: ``..`` when the notebooks folder is inside the run's output folder).

    Returns the files written (in notebook order) and the notebooks that failed (``{"stage":
    "notebook", "name", "error", "path"}``, ``path`` being the executed copy, kept for reading);
    a failing notebook does not stop the others. With ``jobs`` above 1 (default: one per CPU)
    that many notebooks run at once, each in a worker process with its own kernel.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from tqdm.auto import tqdm

    from analysis.corpus.engine import default_jobs
    from analysis.plots.fonts import font_stack

    font_stack()  # built once (seconds) here, so that the kernels find the common face ready
    parameters = notebook_parameters(results_dir=results_dir)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    notebooks = study_notebooks()
    jobs = min(default_jobs() if jobs is None else jobs, len(notebooks))
    outcomes: list[tuple[list[Path], dict[str, str] | None]] = []
    bar = tqdm(total=len(notebooks), desc="notebooks", unit="notebook", disable=not progress)
    try:
        if jobs > 1:
            # Spawned, not forked: a worker starts clean (no copy of the run's threads or
            # memory) and only drives a kernel, which does the work.
            with ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_notebook_worker,
                initargs=(os.getpid(),),
            ) as pool:
                futures = [
                    pool.submit(_execute_one, notebook, output_dir, parameters)
                    for notebook in notebooks
                ]
                for future in futures:
                    outcomes.append(future.result())
                    bar.update(1)
        else:
            for notebook in notebooks:
                outcomes.append(_execute_one(notebook, output_dir, parameters))
                bar.update(1)
    finally:
        bar.close()
    written = [path for files, _ in outcomes for path in files]
    failures = [failure for _, failure in outcomes if failure is not None]
    return written, failures
