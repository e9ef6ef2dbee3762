"""Where the project's data files live, and safe, atomic writing of outputs.

The researcher-editable settings (cleaning rules, lexicons, slogans, settings) live under ``data/``
in the project root. ``ANALYSIS_DATA`` points elsewhere, for example at a copy with another lexicon.
Outputs are written atomically (to a temporary file in the same folder, then renamed), so an
interrupted run never leaves a half-written table, and output names may not escape their folder.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from analysis.errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The folder holding ``metadata.csv``, ``raw/``, ``lexicon/`` and the rule files."""
    override = os.environ.get("ANALYSIS_DATA")
    folder = Path(override) if override else PROJECT_ROOT / "data"
    if not folder.is_dir():
        raise InputError(
            f"data folder {folder} does not exist: set ANALYSIS_DATA to the folder that holds "
            "cleaning.yml and lexicon/, or run from a clone of the project"
        )
    return folder


def data_file(*parts: str) -> Path:
    """A file under the data folder, e.g. ``data_file("lexicon", "slogans.yml")``."""
    return data_dir().joinpath(*parts)


def safe_child(folder: str | Path, name: str) -> Path:
    """``folder / name``, refusing a name that would land outside ``folder``.

    >>> safe_child("results", "tables/documents.csv").name
    'documents.csv'
    """
    root = Path(folder).resolve()
    target = (root / name).resolve()
    if target != root and root not in target.parents:
        raise InputError(
            f"output name {name!r} escapes the output folder {root}: use a plain file name "
            "without '..' or an absolute path"
        )
    return target


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` in one step.

    The temporary file sits in the destination folder, so the final rename is atomic on the same
    file system; on any error the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    tmp = temporary_beside(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def temporary_beside(path: str | Path) -> Path:
    """A new empty file in ``path``'s folder (created if needed), hidden, with the permissions
    of any new file: written there, it replaces ``path`` atomically (same file system)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        # mkstemp creates the file private (0600); give it the permissions of any new file
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
    except BaseException:
        os.unlink(tmp_name)
        raise
    return Path(tmp_name)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
