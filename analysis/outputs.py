"""A run's outputs appear all at once, or not at all.

A run never writes into the folders a researcher reads. It writes everything into staging
folders beside them — ``OUT/.staging-<run id>/`` (tables, notebooks, manifest, run state) and
``FIGURES/.staging-<run id>/`` — and only when every file is complete does :meth:`StagedRun.commit`
move them into place:

1. a journal ``OUT/.commit-<run id>.json`` is written (atomically), listing every move;
2. the previous ``OUT/tables`` and ``OUT/notebooks`` are moved aside into
   ``OUT/.previous-<run id>/``, and figure files the previous run wrote that this run does not
   write again are moved there too (so no stale figure sits beside new ones);
3. each staged folder and file is renamed into place (one ``rename`` each, on one file system);
4. the journal is deleted, then the moved-aside folder and the staging folders.

A run that fails or is killed before step 1 leaves the previous results exactly as they were;
its staging folder is removed by the next run. A run killed during the commit (a few
renames, milliseconds) leaves its journal, and the next run into the same folder first completes
that commit ("rolls forward"), since every staged file was already complete. A lock
(``OUT/.lock``) stops two runs from writing into one folder at the same time.

``OUT/tables`` and ``OUT/notebooks`` belong to the run and are replaced whole. In the figures
folder only the files of runs are touched: other files (``README.md``, a researcher's own) stay.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from analysis.errors import InputError
from analysis.paths import write_text_atomic

#: Folders under OUT that a run owns and replaces whole.
RUN_FOLDERS = ("tables", "notebooks")
#: Files directly under OUT that a run owns.
RUN_FILES = ("manifest.json", "run-state.json")
MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".lock"
STAGING_PREFIX = ".staging-"
PREVIOUS_PREFIX = ".previous-"
JOURNAL_PREFIX = ".commit-"


@dataclass
class StagedRun:
    """The staging folders of one run and the mapping from staged to final paths."""

    run_id: str
    out: Path
    figures: Path | None
    staging: Path = field(init=False)
    staging_figures: Path | None = field(init=False)

    def __post_init__(self) -> None:
        self.out = Path(self.out).resolve()
        self.figures = None if self.figures is None else Path(self.figures).resolve()
        self.staging = self.out / f"{STAGING_PREFIX}{self.run_id}"
        self.staging_figures = (
            None if self.figures is None else self.figures / f"{STAGING_PREFIX}{self.run_id}"
        )

    @property
    def tables_dir(self) -> Path:
        return self.staging / "tables"

    @property
    def notebooks_dir(self) -> Path:
        return self.staging / "notebooks"

    @property
    def figures_dir(self) -> Path:
        if self.staging_figures is None:
            raise ValueError("this run writes no figures (figures=None)")
        return self.staging_figures

    def locate(self, staged: str | Path) -> tuple[str, str]:
        """``("out" or "figures", path relative to that folder)`` of a staged file."""
        staged = Path(staged).resolve()
        for label, root in (("out", self.staging), ("figures", self.staging_figures)):
            if root is not None and (staged == root or root in staged.parents):
                return label, staged.relative_to(root).as_posix()
        raise ValueError(f"{staged} is not inside this run's staging folders")

    def final_path(self, staged: str | Path) -> Path:
        """Where a staged file will be after the commit."""
        label, relative = self.locate(staged)
        final = self.out if label == "out" else self.figures
        return Path(final, relative)

    def commit(self, previous_figures: Iterable[str] = ()) -> None:
        """Move every staged output into place (see the module docstring).

        ``previous_figures`` are the figure files (names relative to the figures folder) the
        previous run wrote; those this run does not write again are retired with the old tables.
        """
        roll_forward(self.write_journal(previous_figures))

    def write_journal(self, previous_figures: Iterable[str] = ()) -> Path:
        """Plan the commit: write the journal of every move (step 1) and return its path."""
        trash = self.out / f"{PREVIOUS_PREFIX}{self.run_id}"
        # [current file, where it is moved aside, the staged file replacing it (or None)]
        retire: list[list[str | None]] = [
            [
                str(self.out / name),
                str(trash / name),
                str(self.staging / name) if (self.staging / name).exists() else None,
            ]
            for name in RUN_FOLDERS
            if (self.out / name).exists()
        ]
        moves: list[list[str]] = []
        if self.figures is not None and self.staging_figures is not None:
            new_figures = {p.name for p in self.staging_figures.iterdir()}
            for name in sorted(set(previous_figures) - new_figures):
                old = self.figures / name
                if old.parent == self.figures and old.is_file():
                    retire.append([str(old), str(trash / "figures" / name), None])
            moves += [
                [str(self.staging_figures / name), str(self.figures / name)]
                for name in sorted(new_figures)
            ]
        # the manifest last: while it still names the previous run, so do the files beside it
        for name in [*RUN_FOLDERS, *RUN_FILES]:
            if (self.staging / name).exists():
                moves.append([str(self.staging / name), str(self.out / name)])
        journal = {
            "run_id": self.run_id,
            "retire": retire,
            "moves": moves,
            "cleanup": [str(p) for p in (trash, self.staging, self.staging_figures) if p],
        }
        path = self.out / f"{JOURNAL_PREFIX}{self.run_id}.json"
        return write_text_atomic(path, json.dumps(journal, ensure_ascii=False, indent=1))


def roll_forward(journal_path: Path) -> None:
    """Carry out (or finish) the commit a journal describes; safe to repeat after a kill."""
    journal = json.loads(journal_path.read_text(encoding="utf-8"))
    for source, target, replacement in journal["retire"]:
        source, target = Path(source), Path(target)
        # A folder whose replacement has already moved in is the new one: leave it.
        still_old = replacement is None or Path(replacement).exists()
        if still_old and not target.exists() and source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for source, target in journal["moves"]:
        source, target = Path(source), Path(target)
        if source.exists():
            if target.is_dir() and not source.is_dir():
                raise InputError(
                    f"{target} is a folder where the run writes a file; move it away and run again"
                )
            os.replace(source, target)
    journal_path.unlink()
    for leftover in journal["cleanup"]:
        shutil.rmtree(leftover, ignore_errors=True)


def recover(out: Path, figures: Path | None) -> list[str]:
    """Finish a commit that a kill interrupted and remove the staging folders of runs that never
    reached their commit. Returns what was done, one line each (empty when nothing was)."""
    out = Path(out)
    done: list[str] = []
    if out.is_dir():
        for journal in sorted(out.glob(f"{JOURNAL_PREFIX}*.json")):
            roll_forward(journal)
            done.append(f"completed the interrupted commit of run {_run_id_of(journal)}")
    for folder in (out, figures):
        if folder is None or not Path(folder).is_dir():
            continue
        for leftover in sorted(Path(folder).iterdir()):
            if leftover.is_dir() and leftover.name.startswith((STAGING_PREFIX, PREVIOUS_PREFIX)):
                shutil.rmtree(leftover, ignore_errors=True)
                done.append(f"removed {leftover} left by an interrupted run")
    return done


def _run_id_of(journal: Path) -> str:
    return journal.stem.removeprefix(JOURNAL_PREFIX)


def previous_figure_files(out: Path, figures: Path | None) -> list[str]:
    """The figure files (names in ``figures``) that the run now in ``out`` wrote there, by its
    manifest; empty without a manifest or when that run used another figures folder."""
    try:
        manifest = json.loads((Path(out) / MANIFEST_FILE).read_text(encoding="utf-8"))
        same_folder = (
            figures is not None
            and manifest["folders"]["figures"] == str(Path(figures).resolve())
        )
        outputs = manifest["outputs"] if same_folder else []
        return [e["path"] for e in outputs if e["folder"] == "figures" and "/" not in e["path"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


@contextmanager
def staged_run(out: Path, figures: Path | None, run_id: str) -> Iterator[StagedRun]:
    """Stage a run's outputs; commit them when the block ends normally, discard them otherwise.

    The caller writes into ``stage.tables_dir``, ``stage.notebooks_dir``, ``stage.figures_dir``
    and ``stage.staging`` and calls ``stage.commit()`` itself at the end of the block, after the
    manifest is written; leaving the block by an exception removes the staging folders, leaving
    the previous results untouched.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if figures is not None:
        Path(figures).mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / LOCK_FILE), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise InputError(
            f"{out}: another run is writing its outputs there; wait for it to finish or choose "
            "another folder with --out"
        ) from None
    try:
        recover(out, figures)
        stage = StagedRun(run_id, out, figures)
        stage.staging.mkdir(parents=True)
        if stage.staging_figures is not None:
            stage.staging_figures.mkdir(parents=True)
        try:
            yield stage
        except BaseException:
            for folder in (stage.staging, stage.staging_figures):
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
            raise
    finally:
        lock.release()
