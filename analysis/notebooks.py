"""Executing the study notebooks with papermill and exporting them as standalone HTML.

The notebooks in ``notebooks/`` are committed without outputs. ``execute_notebooks`` runs each
with a real Jupyter kernel, passing the texts folder, metadata, slogans and figures folder as
papermill parameters, and writes ``NN_name.ipynb`` (with outputs) and ``NN_name.html`` (one file,
images embedded) to the output folder. A notebook that fails is an error naming the notebook and
the cell; the executed copy up to the failure is kept for reading.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from analysis.errors import InputError
from analysis.paths import PROJECT_ROOT, write_text_atomic

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
KERNEL = "python3"


def study_notebooks() -> list[Path]:
    """The numbered notebooks, in order."""
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def check_notebook_parameters(
    *,
    texts_dir: object,
    metadata: object = None,
    slogans: object = None,
    figures_dir: object = None,
    out_dir: object = None,
) -> None:
    """Check a notebook's parameters before anything uses them; an InputError says which one is
    wrong and what it should be.

    ``texts_dir`` must be an existing folder; ``metadata`` ``None`` or an existing file; ``slogans``
    ``None`` or text (names or a ``.yml`` path); ``figures_dir`` and ``out_dir`` ``None`` or a
    folder (created when missing) — not an existing file. Parameters are plain values: a string
    is never evaluated as code.
    """

    def path_or_none(name: str, value: object) -> Path | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | Path) or not str(value).strip():
            raise InputError(
                f"notebook parameter {name}={value!r}: give a path as text, e.g. "
                f"{name} = \"../data/raw\", or None"
            )
        return Path(value)

    texts = path_or_none("texts_dir", texts_dir)
    if texts is None or not texts.is_dir():
        raise InputError(
            f"notebook parameter texts_dir={texts_dir!r} is not a folder (relative paths start "
            f"at {Path.cwd()}); set it to the folder of your .txt files"
        )
    meta = path_or_none("metadata", metadata)
    if meta is not None and not meta.is_file():
        raise InputError(
            f"notebook parameter metadata={metadata!r} is not a file; give the metadata CSV or None"
        )
    if slogans is not None and (not isinstance(slogans, str) or not slogans.strip()):
        raise InputError(
            f"notebook parameter slogans={slogans!r}: give None, names such as \"团结,一把手\", or "
            "the path of a slogans .yml file"
        )
    for name, value in (("figures_dir", figures_dir), ("out_dir", out_dir)):
        folder = path_or_none(name, value)
        if folder is not None and folder.exists() and not folder.is_dir():
            raise InputError(
                f"notebook parameter {name}={value!r} is a file; give a folder (or None)"
            )


def notebook_parameters(
    *, texts: Path | None, metadata: Path | None, figures: Path | None, slogans: str | None = None
) -> dict[str, Any]:
    """Papermill parameters (absolute paths, so the notebooks' folder does not matter)."""
    parameters: dict[str, Any] = {}
    if texts is not None:
        parameters["texts_dir"] = str(Path(texts).resolve())
        parameters["metadata"] = str(Path(metadata).resolve()) if metadata else None
    if figures is not None:
        parameters["figures_dir"] = str(Path(figures).resolve())
    if slogans is not None:
        parameters["slogans"] = slogans
    return parameters


def execute_notebook(
    notebook: Path, output_dir: Path, parameters: dict[str, Any], *, timeout: int = 1200
) -> tuple[Path, Path]:
    """Run one notebook; write the executed ``.ipynb`` and a standalone ``.html``."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

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
                cwd=str(notebook.parent),
                progress_bar=False,
                execution_timeout=timeout,
            )
        except papermill.PapermillExecutionError as exc:
            raise InputError(
                f"{notebook.name}: cell {exc.exec_count} failed with {exc.ename}: {exc.evalue} "
                f"(the executed copy is {executed})"
            ) from exc
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(
        nbformat.read(executed, as_version=4)
    )
    html = write_text_atomic(executed.with_suffix(".html"), embed_cjk_font(body))
    return executed, html


def embed_cjk_font(html: str) -> str:
    """``html`` with the CJK font embedded as a web font, subset to the characters it uses.

    The report is read on machines without a Chinese font; the figures are images, but tables
    and text would show boxes. The subset (WOFF, base64) adds some hundred kilobytes.
    """
    import base64
    import io

    from fontTools import subset

    from analysis.plots.fonts import resolve_cjk_font

    used = sorted({ch for ch in html if ord(ch) > 0x2E7F})
    if not used:
        return html
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    font = subset.load_font(str(resolve_cjk_font().path), options)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(used))
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    finally:
        font.close()
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
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


def execute_notebooks(
    output_dir: Path,
    *,
    texts: Path | None = None,
    metadata: Path | None = None,
    slogans: str | None = None,
    progress: bool = False,
) -> list[Path]:
    """Execute every study notebook into ``output_dir``; return the written files.

    The notebooks draw their figures inline; ``run`` saves the figure files itself, so the
    notebooks are not asked to save them again.
    """
    from tqdm.auto import tqdm

    parameters = notebook_parameters(texts=texts, metadata=metadata, figures=None, slogans=slogans)
    if "texts_dir" in parameters:  # a bad parameter fails here, before any kernel starts
        check_notebook_parameters(
            texts_dir=parameters["texts_dir"],
            metadata=parameters["metadata"],
            slogans=parameters.get("slogans"),
        )
    written: list[Path] = []
    for notebook in tqdm(
        study_notebooks(), desc="notebooks", unit="notebook", disable=not progress
    ):
        written += execute_notebook(notebook, Path(output_dir), parameters)
    return written
