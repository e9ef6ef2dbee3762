"""Whether a run's outputs are already up to date: the fingerprint of everything a run reads.

A run writes, next to its tables, ``OUT/run-state.json``: a SHA-256 of every input that can
change an output — the bytes of every text and of the metadata, the settings, every lexicon and
rule file they name, the command's options, and the source of this package — and the list of
files it wrote. When a new run finds the same fingerprint and every output its manifest lists
still in place with the same SHA-256, nothing can have changed and it stops at once ("up to
date"), like ``make``; an edited or deleted output makes it run again. Any change — a text
added or edited, a dictionary entry, a setting, a new version of the code — gives another
fingerprint and a full run, which still reuses the per-document token cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analysis.config.paths import PROJECT_ROOT, write_text_atomic
from analysis.config.settings import lexicon_path
from analysis.run.manifest import changed_outputs, file_sha256, read_manifest

STATE_FILE = "run-state.json"
PACKAGE = PROJECT_ROOT / "analysis"


def _feed(digest: Any, label: str, data: bytes) -> None:
    _feed_digest(digest, label, hashlib.sha256(data).digest())


def _feed_file(digest: Any, label: str, path: Path) -> None:
    """The SHA-256 of the file's bytes fed under ``label``; an absent file as no bytes."""
    if path.exists():
        _feed_digest(digest, label, bytes.fromhex(file_sha256(path)))
    else:
        _feed(digest, label, b"")


def _feed_digest(digest: Any, label: str, sha256: bytes) -> None:
    digest.update(label.encode("utf-8") + b"\0" + sha256)


def run_fingerprint(
    inputs: dict[str, Any], settings: dict[str, Any], options: dict[str, Any]
) -> str:
    """SHA-256 of every input of a run (see the module docstring). ``inputs`` is the snapshot
    of :func:`analysis.run.manifest.input_files`, whose per-file hashes are used rather than
    reading every text again."""
    digest = hashlib.sha256()
    for entry in inputs["files"]:
        _feed_digest(digest, f"text:{entry['path']}", bytes.fromhex(entry["sha256"]))
    if inputs.get("metadata"):
        _feed_digest(digest, "metadata", bytes.fromhex(inputs["metadata"]["sha256"]))
    settings_text = json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str)
    _feed(digest, "settings", settings_text.encode("utf-8"))
    for name in sorted(settings.get("lexicons", {})):
        path = lexicon_path(settings, name)
        _feed_file(digest, f"lexicon:{name}", path)
    option_text = json.dumps(options, sort_keys=True, ensure_ascii=False, default=str)
    _feed(digest, "options", option_text.encode("utf-8"))
    for path in sorted(PACKAGE.rglob("*.py")):
        _feed_file(digest, f"code:{path.relative_to(PACKAGE).as_posix()}", path)
    for path in sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb")):
        _feed_file(digest, f"notebook:{path.name}", path)
    return digest.hexdigest()


def is_up_to_date(out: Path, fingerprint: str) -> bool:
    """Whether ``out`` holds a complete run with this fingerprint: no interrupted commit, no
    failed figure or notebook, and every output its manifest lists still there, byte for byte."""
    if any(Path(out).glob(".commit-*.json")):
        return False
    try:
        state = json.loads((Path(out) / STATE_FILE).read_text(encoding="utf-8"))
        manifest = read_manifest(Path(out))
    except (OSError, ValueError):
        return False
    return (
        state.get("fingerprint") == fingerprint
        and manifest.get("fingerprint") == fingerprint
        and manifest.get("status", "complete") == "complete"  # a failed notebook: run again
        and all(Path(f).exists() for f in state.get("files", []))
        and not changed_outputs(manifest, Path(out).resolve())
    )


def record_run(out: Path, fingerprint: str, files: Iterable[Path]) -> Path:
    """Write the run state after a complete run into ``out`` (the run's staging folder, from
    which it is committed with the other outputs); ``files`` are the outputs' final paths."""
    state = {"fingerprint": fingerprint, "files": sorted(str(Path(f).resolve()) for f in files)}
    return write_text_atomic(Path(out) / STATE_FILE, json.dumps(state, indent=1))
