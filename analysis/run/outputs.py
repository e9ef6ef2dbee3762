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

A run replaces only what an earlier run recorded as its own in ``OUT/manifest.json``:
``OUT/tables`` and ``OUT/notebooks`` are replaced whole only when every file in them is recorded
there, and a figure file only when that run wrote it into the same folder. Anything else in the
way — a researcher's notebook in ``OUT/notebooks``, a file added to ``OUT/tables``, a figure
of another run — stops the run before it computes anything (and again, under the lock, before
the commit) with an error naming the file; nothing is deleted. Folders where writing could harm
what is not the run's (``/``, the home folder, the project's sources, the texts folder or a
parent of an input, figures inside ``OUT/tables``) are refused (:func:`check_output_folders`).
Staging and moved-aside folders carry a mark file, and only marked folders are ever removed as
"left by an interrupted run". Both ``OUT`` and the figures folder are locked while a run writes.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from analysis.config.paths import PROJECT_ROOT, write_text_atomic
from analysis.errors import InputError
from analysis.run.manifest import figures_folder_of, file_sha256

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
    #: The previous run's figures folder, when this run draws no figures: its figures are
    #: retired with its tables, so no figure is left that the new tables do not match.
    old_figures: Path | None = None
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
        new_figures = (
            sorted(p.name for p in self.staging_figures.iterdir() if p.name != RUN_MARK)
            if self.staging_figures is not None
            else []
        )
        check_nothing_in_the_way(self.out, self.figures, new_figures)
        trash = self.out / f"{PREVIOUS_PREFIX}{self.run_id}"
        mark_made_by_run(trash)
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
        retire_from = self.figures if self.figures is not None else self.old_figures
        if retire_from is not None:
            for name in sorted(set(previous_figures) - set(new_figures)):
                old = retire_from / name
                if old.parent == retire_from and old.is_file():
                    retire.append([str(old), str(trash / "figures" / name), None])
        if self.figures is not None and self.staging_figures is not None:
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
            "mark": RUN_MARK,
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
        if (Path(leftover) / RUN_MARK).exists():
            shutil.rmtree(leftover, ignore_errors=True)


def mark_made_by_run(folder: Path) -> None:
    """Mark ``folder`` as made by a run (created if need be), so it may be removed later."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RUN_MARK).touch()


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
            if (
                not leftover.is_dir()
                or leftover.is_symlink()
                or not leftover.name.startswith((STAGING_PREFIX, PREVIOUS_PREFIX))
            ):
                continue
            if (leftover / RUN_MARK).is_file():
                shutil.rmtree(leftover, ignore_errors=True)
                done.append(f"removed {leftover} left by an interrupted run")
            elif not any(leftover.iterdir()):
                # A run killed between making its staging folder and marking it leaves it
                # empty; an empty folder holds nothing to lose, whoever made it.
                leftover.rmdir()
                done.append(f"removed {leftover}, empty, left by an interrupted run")
    return done


def _run_id_of(journal: Path) -> str:
    return journal.stem.removeprefix(JOURNAL_PREFIX)


def previous_figures_folder(out: Path) -> Path | None:
    """The figures folder of the run now in ``out``, when it is inside ``out`` (``OUT/figures``):
    a run without figures retires those. A figures folder elsewhere may be shared or be another
    copy's, so a run that draws none leaves it alone."""
    try:
        _, _, folder = _recorded(Path(out).resolve())
    except InputError:
        return None
    if folder is None or not Path(folder).is_dir():
        return None
    inside = Path(out).resolve() in Path(folder).resolve().parents
    return Path(folder) if inside else None


def previous_figure_files(out: Path, figures: Path | None) -> list[str]:
    """The figure files (names in ``figures``) that the run now in ``out`` wrote there, by its
    manifest, and that are still as it wrote them (same SHA-256); empty without a manifest or
    when that run used another figures folder."""
    if figures is None:
        return []
    try:
        _, in_figures, folder = _recorded(Path(out).resolve())
    except InputError:
        return []
    if folder != str(Path(figures).resolve()):
        return []
    return sorted(_still_as_written(Path(figures).resolve(), in_figures))


@contextmanager
def staged_run(
    out: Path,
    figures: Path | None,
    run_id: str,
    *,
    inputs: Iterable[Path] = (),
    old_figures: Path | None = None,
) -> Iterator[StagedRun]:
    """Stage a run's outputs; commit them when the block ends normally, discard them otherwise.

    The caller writes into ``stage.tables_dir``, ``stage.notebooks_dir``, ``stage.figures_dir``
    and ``stage.staging`` and calls ``stage.commit()`` itself at the end of the block, after the
    manifest is written; leaving the block by an exception removes the staging folders, leaving
    the previous results untouched. Before anything is written the folders are checked
    (:func:`check_output_folders`, with the run's ``inputs``) and locked, and a file in the way
    that no earlier run recorded is an error (:func:`check_nothing_in_the_way`).
    """
    check_output_folders(out, figures, inputs=inputs)
    folders = [Path(out)] if figures is None else [Path(out), Path(figures)]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    if figures is None and old_figures is not None:
        folders.append(Path(old_figures))  # its old figures are retired: locked like the rest
    with ExitStack() as locks:
        # sorted, so two runs sharing both folders take the locks in one order
        for folder in sorted({f.resolve() for f in folders}):
            lock = FileLock(str(folder / LOCK_FILE), timeout=0)
            try:
                lock.acquire()
            except Timeout:
                option = "--out" if folder == Path(out).resolve() else "--figures"
                raise InputError(
                    f"{folder}: another run is writing its outputs there; wait for it to finish "
                    f"or choose another folder with {option}"
                ) from None
            locks.callback(lock.release)
        recover(out, figures)
        check_nothing_in_the_way(out, None)
        stage = StagedRun(run_id, out, figures, None if figures else old_figures)
        for folder in (stage.staging, stage.staging_figures):
            if folder is not None:
                folder.mkdir(parents=True)
                mark_made_by_run(folder)
        try:
            yield stage
        except BaseException:
            for folder in (stage.staging, stage.staging_figures):
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
            raise


# --- what a run may replace -----------------------------------------------------------------

#: Written into every staging and moved-aside folder, so that only folders a run made are ever
#: removed as "left by an interrupted run".
RUN_MARK = ".made-by-analysis-run"
#: Folders inside the project that hold its sources or its data: never an output folder.
PROJECT_SOURCE_FOLDERS = (
    "analysis", "notebooks", "data", "tests", "benchmarks", "docs", ".git", ".ci", ".venv",
)


def _recorded(out: Path) -> tuple[set[str], dict[str, str], str | None]:
    """What the run now in ``out`` recorded as its own: files in ``out`` (names), files in its
    figures folder (name → SHA-256 written) and that figures folder (moved with ``out`` when it
    was inside it). Nothing without a manifest; an error when ``manifest.json`` there is not
    one of ours (a run would overwrite it)."""
    path = out / MANIFEST_FILE
    if not path.exists():
        return set(), {}, None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        in_out, in_figures = {MANIFEST_FILE, "run-state.json"}, {}
        for entry in manifest["outputs"]:
            if entry["folder"] == "out":
                in_out.add(str(entry["path"]))
            else:
                in_figures[str(entry["path"])] = str(entry["sha256"])
        figures_folder = figures_folder_of(manifest, out)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            f"{path} is not the manifest of a run of this tool ({type(exc).__name__}), and a run "
            "would overwrite it; move it away or choose another --out"
        ) from None
    return in_out, in_figures, None if figures_folder is None else str(figures_folder)


def _still_as_written(folder: Path, recorded: dict[str, str]) -> set[str]:
    """The recorded figure files in ``folder`` whose bytes are still those the run wrote: only
    these are the run's to replace or retire (a figure edited, replaced, or written since by
    another run into a shared folder is not)."""
    return {
        name
        for name, sha in recorded.items()
        if "/" not in name and (folder / name).is_file() and file_sha256(folder / name) == sha
    }


def files_in_the_way(
    out: Path, figures: Path | None, new_figures: Iterable[str] = ()
) -> list[Path]:
    """Files a commit into ``out`` (and ``figures``) would replace or move aside although no
    earlier run recorded them as its own: anything under ``OUT/tables`` or ``OUT/notebooks``
    that is not in ``OUT/manifest.json``, ``OUT/run-state.json`` without a manifest, and
    figure files named in ``new_figures`` that exist but were not written by the run in
    ``out`` into that same folder."""
    out = Path(out).resolve()
    in_out, in_figures, figures_folder = _recorded(out)
    in_the_way = []
    for name in RUN_FOLDERS:
        folder = out / name
        if folder.is_symlink() or folder.is_file():
            in_the_way.append(folder)
        elif folder.is_dir():
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(out).as_posix()
                if (path.is_file() or path.is_symlink()) and relative not in in_out:
                    in_the_way.append(path)
    for name in RUN_FILES:
        if (out / name).exists() and name not in in_out:
            in_the_way.append(out / name)
    if figures is not None:
        figures = Path(figures).resolve()
        named = {n: in_figures[n] for n in new_figures if n in in_figures}
        ours = _still_as_written(figures, named) if str(figures) == figures_folder else set()
        in_the_way += [
            figures / name
            for name in sorted(new_figures)
            if (figures / name).exists() and name not in ours
        ]
    return in_the_way


def check_nothing_in_the_way(
    out: Path, figures: Path | None, new_figures: Iterable[str] = ()
) -> None:
    """Raise InputError naming the first file a run would replace without having written it."""
    found = files_in_the_way(out, figures, new_figures)
    if not found:
        return
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    manifest = Path(out) / MANIFEST_FILE
    if figures is not None and found[0].parent == Path(figures).resolve():
        raise InputError(
            f"{found[0]}{more}: this run would replace it, but the run recorded in {manifest} "
            "did not write it (another run's figures, or yours); choose another --figures or "
            "move the file away — a run only replaces its own outputs"
        )
    raise InputError(
        f"{found[0]}{more}: not written by an earlier run (no record in {manifest}), and this run "
        "would replace it; move it away or choose another --out — a run only replaces its own "
        "outputs"
    )


def check_output_folders(
    out: Path, figures: Path | None, *, inputs: Iterable[Path] = ()
) -> None:
    """Refuse output folders where a run's writing could harm what is not its own.

    Refused: ``/`` and the home folder; the project root and its source and data folders (and
    anything inside those); an input (the texts folder, the metadata or settings file), a
    folder inside the texts folder or a parent of any input; ``--figures`` equal to ``--out``,
    inside the folders a run replaces (``OUT/tables``, ``OUT/notebooks``) or holding ``--out``.
    A figures folder of its own inside ``OUT`` (``OUT/figures``, the default with ``--out``)
    is allowed.
    """
    home = Path.home().resolve()
    project = PROJECT_ROOT.resolve()
    resolved_inputs = [Path(p).resolve() for p in inputs]
    named = [("--out", Path(out).resolve())]
    if figures is not None:
        named.append(("--figures", Path(figures).resolve()))

    def refuse(option: str, folder: Path, why: str) -> None:
        raise InputError(
            f"{option} {folder}: {why}; a run replaces what it writes there, so choose a folder "
            "of its own, e.g. --out my_results"
        )

    for option, folder in named:
        if folder == Path(folder.anchor):
            refuse(option, folder, "is the root of the file system")
        if folder == home:
            refuse(option, folder, "is your home folder")
        if folder == project or folder in project.parents:
            refuse(option, folder, "holds the project's own files")
        for source in PROJECT_SOURCE_FOLDERS:
            if folder == project / source or (project / source) in folder.parents:
                refuse(option, folder, f"is inside the project's {source}/ folder")
        for given in resolved_inputs:
            if folder == given:
                refuse(option, folder, "is one of the run's inputs")
            if folder in given.parents:
                refuse(option, folder, f"holds the run's input {given}")
            if given.is_dir() and given in folder.parents:
                refuse(option, folder, f"is inside the texts folder {given}")
    if figures is not None:
        out_, figures_ = named[0][1], named[1][1]
        if figures_ == out_:
            refuse("--figures", figures_, "is the --out folder too")
        if figures_ in out_.parents:
            refuse("--out", out_, f"is inside the --figures folder {figures_}")
        for name in RUN_FOLDERS:
            owned = out_ / name
            if figures_ == owned or owned in figures_.parents:
                refuse("--figures", figures_, f"is inside {owned}, which a run replaces whole")
