"""``OUT/manifest.json``: everything a reader needs to reproduce a run's tables and figures.

The manifest of a run records

* ``run_id`` — ``<UTC start time>-<8 random hex digits>``; every figure of the run carries it in
  its metadata (PNG text chunk ``Run-ID``, PDF ``Subject``, SVG ``dc:identifier``), so a figure
  in a paper can be traced to its manifest;
* ``started`` / ``finished`` (UTC, ISO 8601) and ``duration_seconds``; the ``command`` line;
* ``package`` (name, version and a SHA-256 of its source), ``python`` and ``platform``, and the
  versions of the libraries that shape a result (:data:`LIBRARIES`);
* ``segmenter`` — backend, options and the fingerprint that keys the token cache;
* ``lexicons`` — path and SHA-256 of the slogan lexicon, user dictionary, stopwords and cleaning
  rules, and the slogans the run counted;
* ``settings`` — the settings file (path, SHA-256) and every parameter, as the measures read them;
  ``options`` — the command-line options; ``seeds`` — every random seed, by what it drives;
* ``inputs`` — the texts folder, the metadata file and every text file with its doc id, size,
  detected encoding and SHA-256;
* ``outputs`` — every file the run wrote, relative to the output or figures folder, with its size
  and SHA-256; ``fingerprint`` — the run state's hash of all inputs (:mod:`analysis.run.state`);
* ``status`` — ``complete``, or ``incomplete`` when a figure or notebook failed; ``failures`` —
  each failed figure or notebook (``stage``, ``name``, ``error`` and, for a notebook, the
  ``path`` of its executed copy); ``skipped`` — what the corpus did not support and why
  (``what``, ``reason``: a grouping no document has, a figure needing absent metadata …);
  ``csv_cut`` — the tables whose CSV holds fewer rows than the Parquet file, and how they were
  chosen; ``metadata_columns`` — the metadata columns attached to per-document and per-group
  rows.

:func:`verify_manifest` checks a results folder against its manifest: every output still as
written and every input unchanged.
"""

from __future__ import annotations

import hashlib
import json
import platform
import secrets
import sys
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from analysis.config.paths import PROJECT_ROOT, write_text_atomic
from analysis.corpus.load import text_files
from analysis.errors import InputError

MANIFEST_VERSION = 1
DISTRIBUTION = "cpc-leadership-analysis"
#: Libraries whose version can change a table or figure (distribution names).
LIBRARIES = (
    "jieba",
    "rjieba",
    "opencc",
    "charset-normalizer",
    "pandas",
    "numpy",
    "scipy",
    "scikit-learn",
    "pyarrow",
    "networkx",
    "matplotlib",
    "wordcloud",
    "mplfonts",
    "fonttools",
    "uharfbuzz",
    "openpyxl",
    "papermill",
    "pyyaml",
)
#: Settings keys holding random seeds: ``section.key`` → what the seed drives.
SEED_KEYS = {
    "slogan_counts.seed": "bootstrap intervals of slogan rates",
    "trends.seed": "bootstrap intervals of slogan trends (slogan_counts.seed when not set)",
    "figures.seed": "word cloud placement and collocation network layout",
}


def new_run_id(now: datetime | None = None) -> str:
    """``YYYYMMDDTHHMMSSZ-xxxxxxxx``: when the run started (UTC) and 32 random bits."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of the file's bytes, in hex."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def library_versions() -> dict[str, str]:
    """Installed version of each of :data:`LIBRARIES` (``"absent"`` if not installed)."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def package_info() -> dict[str, str]:
    """Name, version and the SHA-256 of the package's source files (exact, unlike a version)."""
    digest = hashlib.sha256()
    package = PROJECT_ROOT / "analysis"
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(bytes.fromhex(file_sha256(path)))
    try:
        version = importlib_metadata.version(DISTRIBUTION)
    except importlib_metadata.PackageNotFoundError:
        version = "not installed"
    return {"name": DISTRIBUTION, "version": version, "source_sha256": digest.hexdigest()}


def input_files(texts: Path, extensions: tuple[str, ...], metadata: Path | None) -> dict[str, Any]:
    """The inputs section: every text file (path relative to ``texts``, bytes, SHA-256) and the
    metadata file."""
    texts = Path(texts)
    files = [
        {
            "path": path.relative_to(texts).as_posix(),
            "bytes": path.stat().st_size,
            "sha256": file_sha256(path),
        }
        for path in text_files(texts, extensions)
    ]
    meta = None
    if metadata is not None and Path(metadata).exists():
        meta = {"path": str(Path(metadata).resolve()), "sha256": file_sha256(metadata)}
    return {"texts_dir": str(texts.resolve()), "metadata": meta, "files": files}


def changed_inputs(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Inputs that differ between two :func:`input_files` snapshots (added, removed or edited)."""
    old = {f["path"]: f["sha256"] for f in before["files"]}
    new = {f["path"]: f["sha256"] for f in after["files"]}
    changed = sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))
    if before["metadata"] != after["metadata"]:
        changed.append("metadata")
    return changed


def seeds(settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every seed the settings hold, with what it drives (a seed left out takes its default)."""
    found = {}
    for key, drives in SEED_KEYS.items():
        section, name = key.split(".")
        value = (settings.get(section) or {}).get(name)
        found[key] = {"value": value, "drives": drives}
    return found


def lexicon_hashes(settings: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    from analysis.config.settings import lexicon_path

    hashes = {}
    for name in sorted(settings.get("lexicons", {})):
        path = lexicon_path(settings, name)
        hashes[name] = {
            "path": str(path.resolve()),
            "sha256": file_sha256(path) if path.is_file() else None,
        }
    return hashes


def output_entries(files: list[tuple[str, str, Path]]) -> list[dict[str, Any]]:
    """``(folder label, path relative to that folder, file to hash)`` → manifest entries, sorted
    by folder and path."""
    entries = [
        {
            "folder": label,
            "path": relative,
            "bytes": Path(file).stat().st_size,
            "sha256": file_sha256(file),
        }
        for label, relative, file in files
    ]
    return sorted(entries, key=lambda e: (e["folder"], e["path"]))


def build_manifest(
    *,
    run_id: str,
    started: str,
    command: list[str],
    settings: dict[str, Any],
    settings_file: Path | None,
    options: dict[str, Any],
    segmenter: dict[str, Any],
    slogans: list[str],
    inputs: dict[str, Any],
    documents: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
    fingerprint: str,
    out: Path,
    figures: Path | None,
    started_clock: float,
    finished_clock: float,
    failures: list[dict[str, str]] | None = None,
    skipped: list[dict[str, str]] | None = None,
    csv_cut: dict[str, dict[str, Any]] | None = None,
    metadata_columns: list[str] | None = None,
) -> dict[str, Any]:
    """The manifest as a JSON-ready mapping (see the module docstring)."""
    by_file = {d["file"]: d for d in documents}
    files = [
        {
            **f,
            "doc_id": by_file.get(f["path"], {}).get("doc_id"),
            "encoding": by_file.get(f["path"], {}).get("encoding"),
        }
        for f in inputs["files"]
    ]
    return {
        "manifest_version": MANIFEST_VERSION,
        "run_id": run_id,
        "started": started,
        "finished": utc_now(),
        "duration_seconds": round(finished_clock - started_clock, 3),
        "command": command,
        "package": package_info(),
        "python": {"version": platform.python_version(), "implementation": sys.implementation.name},
        "platform": platform.platform(),
        "libraries": library_versions(),
        "segmenter": segmenter,
        "lexicons": {**lexicon_hashes(settings), "slogans_counted": slogans},
        "settings": {
            "file": None if settings_file is None else str(Path(settings_file).resolve()),
            "sha256": None if settings_file is None else file_sha256(settings_file),
            "values": {k: v for k, v in settings.items() if k != "base_dir"},
        },
        "options": options,
        "seeds": seeds(settings),
        "inputs": {**inputs, "files": files},
        "folders": {
            "out": str(Path(out).resolve()),
            "figures": None if figures is None else str(Path(figures).resolve()),
        },
        "outputs": outputs,
        "fingerprint": fingerprint,
        "status": "incomplete" if failures else "complete",
        "failures": list(failures or []),
        "skipped": list(skipped or []),
        "csv_cut": dict(csv_cut or {}),
        "metadata_columns": list(metadata_columns or []),
    }


def write_manifest(manifest: dict[str, Any], path: Path) -> Path:
    text = json.dumps(manifest, ensure_ascii=False, indent=1, default=str)
    return write_text_atomic(path, text + "\n")


def read_manifest(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if path.is_dir():
        path = path / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{path}: no manifest; give the output folder of a run (python -m analysis run --out)"
        ) from None
    except ValueError as exc:
        raise InputError(f"{path}: not a valid manifest ({exc}); run the analysis again") from exc
    if not isinstance(manifest, dict) or "outputs" not in manifest or "inputs" not in manifest:
        raise InputError(f"{path}: not a run manifest (no outputs/inputs); run the analysis again")
    return manifest


def figures_folder_of(manifest: dict[str, Any], out: Path) -> Path | None:
    """Where the figures of the run whose manifest is in ``out`` are: a figures folder that was
    inside the run's output folder moves with it (a copied or moved run has its own figures);
    one elsewhere is where the run wrote it."""
    folders = manifest.get("folders") or {}
    figures, written_out = folders.get("figures"), folders.get("out")
    if not isinstance(figures, str):
        return None
    if isinstance(written_out, str):
        try:
            return Path(out) / Path(figures).relative_to(written_out)
        except ValueError:
            pass
    return Path(figures)


def changed_outputs(manifest: dict[str, Any], out: Path) -> list[str]:
    """Outputs of ``manifest`` missing or not as written (outputs in ``out``, figures where the
    run wrote them: inside ``out`` if they were inside its output folder)."""
    figures = figures_folder_of(manifest, out)
    folders = {"figures": None if figures is None else str(figures), "out": str(out)}
    problems = []
    outputs = manifest["outputs"]
    if not isinstance(outputs, list) or not all(
        isinstance(e, dict) and {"folder", "path", "bytes", "sha256"} <= set(e) for e in outputs
    ):
        raise InputError(
            f"{out / 'manifest.json'}: its `outputs` are not entries of folder, path, bytes and "
            "sha256; the manifest was edited or damaged — run the analysis again"
        )
    for entry in outputs:
        target = Path(folders.get(entry["folder"]) or "") / entry["path"]
        if not target.is_file():
            problems.append(f"output {target} is missing")
        elif target.stat().st_size != entry["bytes"] or file_sha256(target) != entry["sha256"]:
            problems.append(f"output {target} has changed since run {manifest['run_id']}")
    recorded = {e["path"] for e in outputs if e["folder"] == "out"}
    for folder in ("tables", "notebooks"):
        for path in sorted((out / folder).rglob("*")) if (out / folder).is_dir() else []:
            if path.is_file() and path.relative_to(out).as_posix() not in recorded:
                problems.append(f"{path} was added after run {manifest['run_id']}")
    return problems


def verify_manifest(path: str | Path) -> list[str]:
    """Problems found checking a run against its manifest: outputs missing or changed since the
    run, inputs changed, added or removed. Empty when everything is as the run left it.

    ``path`` is the manifest or the output folder holding it; outputs in ``out`` are looked up
    beside the manifest (so a copied results folder verifies), figures where the run wrote them.
    """
    manifest_path = Path(path) / "manifest.json" if Path(path).is_dir() else Path(path)
    manifest = read_manifest(manifest_path)
    problems = changed_outputs(manifest, manifest_path.resolve().parent)
    inputs = manifest["inputs"]
    texts = Path(inputs["texts_dir"])
    if not texts.is_dir():
        return [*problems, f"input folder {texts} is missing"]
    extensions = tuple(manifest.get("options", {}).get("extensions") or (".txt",))
    metadata = inputs.get("metadata") or {}
    now = input_files(texts, extensions, Path(metadata["path"]) if metadata else None)
    problems += [
        f"input {name} differs from run {manifest['run_id']}"
        for name in changed_inputs({**inputs, "metadata": inputs.get("metadata")}, now)
    ]
    return problems
