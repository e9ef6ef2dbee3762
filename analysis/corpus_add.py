"""Adding a text to a corpus folder: ``python -m analysis add FILE --to DIR``.

The file is copied byte for byte (raw texts are never changed) as ``<doc_id><suffix>`` and, when
the corpus has a metadata CSV, a row is appended with the file's SHA-256. Refused, with the
reason: a file that cannot be decoded as text, a doc id the corpus already has, content identical
to a text already in the folder, or a target file that exists. Both writes are atomic, and the
metadata is written only after the text is in place.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from analysis.corpus import (
    MAX_DOC_ID_BYTES,
    doc_id_from_path,
    is_safe_doc_id,
    read_metadata,
    text_files,
    year_from_name,
)
from analysis.encoding import read_text_file
from analysis.errors import InputError
from analysis.paths import atomic_write, safe_child


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_text(
    source: str | Path,
    texts_dir: str | Path,
    *,
    metadata: str | Path | None = None,
    doc_id: str | None = None,
    fields: dict[str, str] | None = None,
    extensions: tuple[str, ...] = (".txt",),
) -> tuple[Path, dict[str, object]]:
    """Copy ``source`` into ``texts_dir`` and append its metadata row; return both.

    ``fields`` fills metadata columns (``title``, ``year``, ``level``, ``genre`` …); a column the
    metadata file lacks is added. Without ``doc_id`` it comes from the file name, and without a
    ``year`` one written in the file name is used.
    """
    source, folder = Path(source), Path(texts_dir)
    if not source.is_file():
        raise InputError(f"{source}: no such file; give the path of the text to add")
    if not folder.is_dir():
        raise InputError(f"{folder}: corpus folder not found; create it or pass --to the right one")
    _, encoding = read_text_file(source)  # refuse what the corpus could not load later
    doc_id = doc_id or doc_id_from_path(source.name)
    if not is_safe_doc_id(doc_id):  # the loader's rule, so an added text always loads
        raise InputError(
            f"doc id {doc_id!r} is not safe as a file name; use letters, digits, '-', '_', '.', "
            f"starting with a letter or digit (at most {MAX_DOC_ID_BYTES} bytes in UTF-8, i.e. "
            f"{MAX_DOC_ID_BYTES // 3} Chinese characters); pass --doc-id"
        )
    digest = _sha256(source)
    for existing in text_files(folder, extensions):
        if _sha256(existing) == digest:
            raise InputError(
                f"{source} has the same content as {existing}, already in the corpus; "
                "nothing was added"
            )
    meta_path = Path(metadata) if metadata is not None else None
    table = read_metadata(meta_path) if meta_path is not None and meta_path.exists() else None
    known_ids = set(table["doc_id"]) if table is not None else set()
    known_ids |= {doc_id_from_path(p.name) for p in text_files(folder, extensions)}
    if doc_id in known_ids:
        raise InputError(
            f"doc id {doc_id!r} is already in the corpus; pass --doc-id with another id"
        )
    target = safe_child(folder, f"{doc_id}{source.suffix.lower() or '.txt'}")
    if target.exists():
        raise InputError(f"{target} already exists; pass --doc-id with another id")

    row: dict[str, object] = {
        "doc_id": doc_id,
        "file": target.relative_to(folder.resolve()).as_posix(),
        "source_file": source.name,
        **{k: v for k, v in (fields or {}).items() if v not in (None, "")},
        "sha256": digest,
    }
    if "year" not in row and (year := year_from_name(source.name)) is not None:
        row["year"] = year
    data = source.read_bytes()
    atomic_write(target, lambda tmp: tmp.write_bytes(data))
    if meta_path is not None:
        try:
            _append_row(meta_path, table, row)
        except BaseException:
            target.unlink(missing_ok=True)  # keep text and metadata in step
            raise
    row["encoding"] = encoding
    return target, row


def _append_row(path: Path, table: pd.DataFrame | None, row: dict[str, object]) -> None:
    """Write the metadata with ``row`` appended, keeping its columns (and BOM, if it had one)."""
    if table is None:
        updated = pd.DataFrame([row])
        bom = False
    else:
        updated = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
        bom = path.read_bytes().startswith(b"\xef\xbb\xbf")
        first = list(table.columns)
        updated = updated[first + [c for c in updated.columns if c not in first]]
    encoding = "utf-8-sig" if bom else "utf-8"
    atomic_write(
        path, lambda tmp: updated.to_csv(tmp, index=False, encoding=encoding, lineterminator="\n")
    )
