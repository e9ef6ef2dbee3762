"""``python -m analysis run``: every table, figure and notebook of the study, written to disk.

``run_analysis(corpus, settings, stage=…, request=…)`` writes, all at once when everything is
complete (:mod:`analysis.run.outputs`),

* ``OUT/tables/<name>.parquet`` — every table, complete and typed (what the notebooks and
  :func:`analysis.run.results.load_results` read), and ``OUT/tables/<name>.csv`` (UTF-8 with BOM,
  for Excel; cut to a size a spreadsheet opens, see :mod:`analysis.run.export`), and
  ``OUT/tables/collocation_network.graphml`` (for Gephi);
* ``OUT/tables/summary.xlsx`` and ``OUT/tables/latex/<name>.tex`` — the compact summary tables a
  paper reports (:func:`summary_tables`), as an Excel workbook and as LaTeX ``booktabs`` tables;
* the figures, in PNG, PDF and SVG, into the figures folder (:mod:`analysis.run.figures`);
* the executed notebooks and their standalone HTML under ``OUT/notebooks/``
  (:mod:`analysis.run.notebooks`), executed last, on the staged tables and figures;
* ``OUT/manifest.json`` — the run's provenance (:mod:`analysis.run.manifest`), with what was
  skipped and what failed, and ``OUT/run-state.json`` (:mod:`analysis.run.state`).

A failing figure or notebook is recorded and the rest is still committed (the run then ends
with exit code 1); a failure of the statistics commits nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.corpus.build import CorpusTables
from analysis.errors import InputError
from analysis.run.export import CsvLimits, TableWriting, write_graphml
from analysis.run.manifest import (
    build_manifest,
    changed_inputs,
    input_files,
    new_run_id,
    output_entries,
    utc_now,
    write_manifest,
)
from analysis.run.outputs import MANIFEST_FILE, StagedRun, previous_figure_files
from analysis.run.state import record_run
from analysis.run.summary import summary_tables, write_summary
from analysis.run.tables import StudyResults, compute_tables


@dataclass(frozen=True)
class RunRequest:
    """What a run reads and how it was asked for: the provenance a manifest records.

    Made by :meth:`snapshot` before the corpus is read, so the run can check at its end that no
    input changed while it was reading them.
    """

    texts: Path
    extensions: tuple[str, ...]
    metadata: Path | None
    settings_file: Path | None
    options: dict[str, Any]
    command: list[str]
    fingerprint: str
    run_id: str
    started: str
    started_clock: float
    inputs: dict[str, Any]

    @classmethod
    def snapshot(
        cls,
        *,
        texts: Path,
        extensions: tuple[str, ...] = (".txt",),
        metadata: Path | None = None,
        settings_file: Path | None = None,
        options: dict[str, Any] | None = None,
        command: list[str] | None = None,
        fingerprint: str = "",
        inputs: dict[str, Any] | None = None,
    ) -> RunRequest:
        """``inputs``: an :func:`~analysis.run.manifest.input_files` snapshot already taken (the
        fingerprint's), else one is taken now."""
        return cls(
            texts=Path(texts),
            extensions=tuple(extensions),
            metadata=None if metadata is None else Path(metadata),
            settings_file=None if settings_file is None else Path(settings_file),
            options={**(options or {}), "extensions": list(extensions)},
            command=list(command or []),
            fingerprint=fingerprint,
            run_id=new_run_id(),
            started=utc_now(),
            started_clock=time.perf_counter(),
            inputs=inputs
            if inputs is not None
            else input_files(Path(texts), tuple(extensions), metadata),
        )


def _segmenter_record(corpus: CorpusTables) -> dict[str, Any]:
    config = corpus.segmenter
    return {
        "backend": config.backend,
        "hmm": config.hmm,
        "pos": config.pos,
        "dictionary_terms": len(config.terms),
        "placeholder": config.placeholder,
        "fingerprint": config.fingerprint,
    }


@dataclass(frozen=True)
class RunOutcome:
    """What a run did: a one-line summary, the files now in place, and what failed."""

    summary: str
    files: list[Path]
    failures: list[dict[str, str]]


def csv_limits(settings: dict[str, Any]) -> CsvLimits:
    """The CSV size limits of settings ``outputs:`` (see :mod:`analysis.run.export`)."""
    section = settings.get("outputs") or {}
    if not isinstance(section, dict):
        raise InputError(f"settings: `outputs` must be a section of options, got {section!r}")
    unknown = sorted(set(section) - {"csv_max_rows", "csv_top_terms"})
    if unknown:
        raise InputError(
            f"settings: `outputs` has unknown option(s) {', '.join(unknown)}; it takes "
            "csv_max_rows, csv_top_terms"
        )
    defaults = CsvLimits()
    return CsvLimits(
        max_rows=section.get("csv_max_rows", defaults.max_rows),
        top_terms=section.get("csv_top_terms", defaults.top_terms),
    )


def failure_line(failure: dict[str, str], stage: StagedRun) -> str:
    """One line naming a failed figure or notebook, and where to look."""
    where = ""
    if failure.get("path"):
        where = f"; its executed copy is {stage.out / failure['path']}"
    return f"{failure['stage']} {failure['name']} failed: {failure['error']}{where}"


@dataclass
class _RunSoFar:
    """What a run has staged, failed and skipped so far, and the lines of its summary."""

    staged: list[Path] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    csv_cut: dict[str, Any] = field(default_factory=dict)


def run_analysis(
    corpus: CorpusTables,
    settings: dict[str, Any],
    *,
    stage: StagedRun,
    request: RunRequest,
    notebooks: bool = True,
    progress: bool = False,
    jobs: int | None = None,
) -> RunOutcome:
    """Compute everything, write it into ``stage`` with ``manifest.json`` and the run state, and
    commit it (:mod:`analysis.run.outputs`).

    The notebooks run last, on the tables and figures just staged (they read the run with
    :func:`analysis.run.results.load_results`; nothing is computed twice). A figure or notebook that
    fails does not cost the rest: everything complete is committed, the failure is recorded in
    the manifest (``status: incomplete``, ``failures``) and returned. Raises InputError,
    committing nothing, if an input file changed while the run read it.
    """
    results = compute_tables(
        corpus, settings, progress=progress, settings_file=request.settings_file, jobs=jobs
    )
    run = _write_statistics(corpus, settings, results, stage, jobs=jobs)
    if stage.figures is not None:
        _draw_figures(corpus, settings, results, stage, run, progress=progress, jobs=jobs)

    def manifest(*, staged_view: bool) -> dict[str, Any]:
        return _manifest(corpus, settings, results, stage, request, run, staged_view=staged_view)

    if notebooks:
        write_manifest(manifest(staged_view=True), stage.staging / MANIFEST_FILE)
        _run_notebooks(stage, run, progress=progress, jobs=jobs)
    _refuse_changed_inputs(request)
    finals = [stage.final_path(f) for f in run.staged]
    write_manifest(manifest(staged_view=False), stage.staging / MANIFEST_FILE)
    if request.fingerprint:
        record_run(stage.staging, request.fingerprint, finals)
    stage.commit(
        previous_figures=previous_figure_files(stage.out, stage.figures or stage.old_figures)
    )
    if run.csv_cut:
        run.lines.append(
            "CSV cut to spreadsheet size: "
            + ", ".join(
                f"{name} ({c['csv_rows']:,} of {c['rows']:,} rows)"
                for name, c in run.csv_cut.items()
            )
            + "; the .parquet files hold every row"
        )
    run.lines.append(f"run {stage.run_id}, manifest {stage.out / MANIFEST_FILE}")
    run.lines.append(f"done in {time.perf_counter() - request.started_clock:.1f} s")
    return RunOutcome("; ".join(run.lines), finals, run.failures)


def _write_statistics(
    corpus: CorpusTables,
    settings: dict[str, Any],
    results: StudyResults,
    stage: StagedRun,
    *,
    jobs: int | None,
) -> _RunSoFar:
    """Stage every table (CSV and Parquet, in ``jobs`` processes), the collocation network and
    the summary files."""
    from analysis.corpus.engine import default_jobs

    with TableWriting(
        results.tables,
        stage.tables_dir,
        limits=csv_limits(settings),
        jobs=default_jobs() if jobs is None else jobs,
    ) as writing:
        # the network and the summary are written here while the workers write the tables
        network = write_graphml(results.network, stage.tables_dir / "collocation_network.graphml")
        summary = write_summary(summary_tables(results), stage.tables_dir)
        staged, csv_cut = writing.result()
    staged += [network, *summary]
    lines = [
        f"{len(corpus.documents)} documents, {len(corpus.tokens):,} tokens, "
        f"{len(corpus.mentions):,} slogan mentions",
        f"{len(staged)} table files in {stage.final_path(stage.tables_dir)}",
    ]
    return _RunSoFar(
        staged=list(staged), skipped=list(results.notes), lines=lines, csv_cut=csv_cut
    )


def _draw_figures(
    corpus: CorpusTables,
    settings: dict[str, Any],
    results: StudyResults,
    stage: StagedRun,
    run: _RunSoFar,
    *,
    progress: bool,
    jobs: int | None,
) -> None:
    from analysis.run.figures import save_all_figures

    saved = save_all_figures(
        corpus,
        results,
        settings=settings,
        folder=stage.figures_dir,
        progress=progress,
        run_id=stage.run_id,
        jobs=jobs,
    )
    run.staged += saved.files
    run.failures += saved.failures
    run.skipped += saved.skipped
    run.lines.append(f"{len(saved.files)} figure files in {stage.figures}")


def _run_notebooks(stage: StagedRun, run: _RunSoFar, *, progress: bool, jobs: int | None) -> None:
    """Execute the notebooks on the staged run (its staged manifest is already written)."""
    from analysis.run.notebooks import execute_notebooks

    executed, notebook_failures = execute_notebooks(
        stage.notebooks_dir, progress=progress, jobs=jobs
    )
    run.staged += executed
    run.failures += [
        {**f, "path": stage.locate(f["path"])[1]} if f.get("path") else f
        for f in notebook_failures
    ]
    ok = len({Path(f).stem for f in executed}) - len(notebook_failures)
    run.lines.append(f"{ok} notebooks (ipynb and HTML) in {stage.final_path(stage.notebooks_dir)}")


def _refuse_changed_inputs(request: RunRequest) -> None:
    changed = changed_inputs(
        request.inputs, input_files(request.texts, request.extensions, request.metadata)
    )
    if changed:
        raise InputError(
            f"{request.texts}: {', '.join(changed[:3])} changed while the run was reading the "
            "texts; nothing was written — run again once the files are final"
        )


def _manifest(
    corpus: CorpusTables,
    settings: dict[str, Any],
    results: StudyResults,
    stage: StagedRun,
    request: RunRequest,
    run: _RunSoFar,
    *,
    staged_view: bool,
) -> dict[str, Any]:
    """The manifest of what is staged; with ``staged_view`` its folders are the staging
    folders (what the notebooks read before the commit), else the final ones."""
    return build_manifest(
        run_id=stage.run_id,
        started=request.started,
        command=request.command,
        settings=settings,
        settings_file=request.settings_file,
        options=request.options,
        segmenter=_segmenter_record(corpus),
        slogans=list(corpus.slogans.names),
        inputs=request.inputs,
        documents=corpus.documents[["doc_id", "file", "encoding"]].to_dict("records"),
        outputs=output_entries([(*stage.locate(f), Path(f)) for f in run.staged]),
        fingerprint=request.fingerprint,
        out=stage.staging if staged_view else stage.out,
        figures=stage.staging_figures if staged_view else stage.figures,
        started_clock=request.started_clock,
        finished_clock=time.perf_counter(),
        failures=run.failures,
        skipped=run.skipped,
        csv_cut=run.csv_cut,
        metadata_columns=list(results.metadata_columns),
    )
