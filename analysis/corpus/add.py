"""Adding a text to a corpus folder: ``python -m analysis add FILE --to DIR``.

The file is copied byte for byte (raw texts are never changed) as ``<doc_id><suffix>`` and, when
the corpus has a metadata CSV, a row is appended with the file's SHA-256. Refused, with the
reason: a file that cannot be decoded as text, a file ending the corpus is not read with, a doc id
the corpus already has, content identical to a text already in the folder, a target file that
exists, a year not written in digits, or a field for a column the metadata lacks. The metadata
row is appended: every existing byte (BOM, CRLF line endings, quoting, odd headers) stays as it
was. Both writes are atomic, the new metadata is read back as ``run`` reads it before it
replaces the old, and the metadata is written only after the text is in place.
"""

from __future__ import annotations

import csv
import hashlib
import io
import posixpath
import re
import tempfile
from contextlib import ExitStack
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from analysis.config.paths import atomic_write, safe_child
from analysis.corpus.encoding import read_text_file
from analysis.corpus.load import (
    MAX_DOC_ID_BYTES,
    doc_id_from_path,
    file_sha256,
    is_safe_doc_id,
    read_metadata,
    text_files,
    year_from_name,
)
from analysis.errors import InputError

LOCK_WAIT_SECONDS = 60  # another add takes a second or two: wait for it rather than fail


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

    ``fields`` fills metadata columns (``title``, ``year``, ``level``, ``genre`` …) the
    metadata file has. Without ``doc_id`` it comes from the file name, and without a ``year``
    one written in the file name is used. One add at a time per folder and metadata file (a
    lock; a second add waits for the first).
    """
    source, folder = Path(source), Path(texts_dir)
    if source.exists() and not source.is_file():
        raise InputError(
            f"{source}: is not a regular file (a folder, pipe or device); give the path of a "
            "text file to add"
        )
    if not source.is_file():
        raise InputError(f"{source}: no such file; give the path of the text to add")
    if not folder.is_dir():
        raise InputError(f"{folder}: corpus folder not found; create it or pass --to the right one")
    _, encoding = read_text_file(source)  # refuse what the corpus could not load later
    # a linked metadata file is written through the link, where the researcher keeps it
    meta_path = Path(metadata).resolve() if metadata is not None else None
    # Two adds at once would each append to the metadata they read and the last write would
    # win, losing the other's row: one add at a time per corpus folder and metadata file.
    locks = sorted({_lock_for(folder)} | ({_lock_for(meta_path)} if meta_path else set()))
    with ExitStack() as held:
        for lock in locks:
            try:
                held.enter_context(FileLock(str(lock), timeout=LOCK_WAIT_SECONDS))
            except Timeout:
                raise InputError(
                    f"{folder}: another add is writing to this corpus; wait for it to finish "
                    "and add again"
                ) from None
        return _add_locked(
            source, folder, meta_path, doc_id=doc_id, fields=fields, extensions=extensions,
            encoding=encoding,
        )


def _lock_for(path: Path) -> Path:
    """A lock file for ``path`` in the system's temporary folder, named by a hash of its full
    path: the researcher's corpus folder gets no file of ours beside the texts."""
    key = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(tempfile.gettempdir()) / f"analysis-add-{key[:16]}.lock"


def _add_locked(
    source: Path,
    folder: Path,
    meta_path: Path | None,
    *,
    doc_id: str | None,
    fields: dict[str, str] | None,
    extensions: tuple[str, ...],
    encoding: str,
) -> tuple[Path, dict[str, object]]:
    doc_id = _checked_doc_id(doc_id or doc_id_from_path(source.name))
    digest = file_sha256(source)
    present = text_files(folder, extensions)
    _check_new_content(source, digest, present)
    table = read_metadata(meta_path) if meta_path is not None and meta_path.exists() else None
    if table is not None:
        _check_rows_are_in(folder, table, meta_path)
    known_ids = set(table["doc_id"]) if table is not None else set()
    known_ids |= {doc_id_from_path(p.name) for p in present}
    if doc_id in known_ids:
        raise InputError(
            f"doc id {doc_id!r} is already in the corpus; pass --doc-id with another id"
        )
    target = _target_file(source, folder, doc_id, extensions)
    given = {k: str(v).strip() for k, v in (fields or {}).items() if v not in (None, "")}
    if "year" in given:
        _check_year(given["year"])
    row = _metadata_row(source, folder, target, doc_id, given, digest)
    updated = None
    if meta_path is not None:
        updated = (
            _metadata_with_row(meta_path, row, explicit=set(given))
            if table is not None
            else _new_metadata(row)
        )
    _write_text_and_metadata(source, target, meta_path, updated)
    row["encoding"] = encoding
    return target, row


def _checked_doc_id(doc_id: str) -> str:
    if not is_safe_doc_id(doc_id):  # the loader's rule, so an added text always loads
        raise InputError(
            f"doc id {doc_id!r} is not safe as a file name; use letters, digits, '-', '_', '.', "
            f"starting with a letter or digit (at most {MAX_DOC_ID_BYTES} bytes in UTF-8, i.e. "
            f"{MAX_DOC_ID_BYTES // 3} Chinese characters); pass --doc-id"
        )
    return doc_id


def _check_new_content(source: Path, digest: str, present: list[Path]) -> None:
    for existing in present:
        if file_sha256(existing) == digest:
            raise InputError(
                f"{source} has the same content as {existing}, already in the corpus; "
                "nothing was added"
            )


def _target_file(source: Path, folder: Path, doc_id: str, extensions: tuple[str, ...]) -> Path:
    """Where the copy goes: ``<doc_id><suffix>`` in ``folder``, a suffix the corpus reads and a
    file that does not exist yet."""
    suffix = source.suffix.lower() or extensions[0]
    if suffix not in extensions:
        raise InputError(
            f"{source} ends in {suffix} but the corpus is read as {'/'.join(extensions)} files, "
            f"so the next run would not see it; rename it to {extensions[0]}, or pass --ext "
            f"{suffix} here and to every run of this corpus"
        )
    target = safe_child(folder, f"{doc_id}{suffix}")
    if target.exists():
        raise InputError(f"{target} already exists; pass --doc-id with another id")
    return target


def _metadata_row(
    source: Path, folder: Path, target: Path, doc_id: str, given: dict[str, str], digest: str
) -> dict[str, object]:
    """The new text's metadata row: the fields given, else a year written in the file name."""
    row: dict[str, object] = {
        "doc_id": doc_id,
        "file": target.relative_to(folder.resolve()).as_posix(),
        "source_file": source.name,
        **given,
        "sha256": digest,
    }
    if "year" not in row and (year := year_from_name(source.name)) is not None:
        row["year"] = year
    return row


def _write_text_and_metadata(
    source: Path, target: Path, meta_path: Path | None, updated: bytes | None
) -> None:
    """Copy the text, then write the metadata; a failed metadata write removes the copy."""
    data = source.read_bytes()
    atomic_write(target, lambda tmp: tmp.write_bytes(data))
    if meta_path is not None and updated is not None:
        try:
            atomic_write(meta_path, lambda tmp: _write_checked(tmp, updated, meta_path))
        except BaseException:
            target.unlink(missing_ok=True)  # keep text and metadata in step
            raise


def _check_rows_are_in(folder: Path, table: pd.DataFrame, meta_path: Path) -> None:
    """The metadata names its files relative to the folder ``run --texts`` reads; a row written
    relative to another folder (``--to`` a sub-folder of the corpus) would break the corpus."""
    for rel in table["file"]:
        if not (folder / posixpath.normpath(str(rel).replace("\\", "/"))).is_file():
            raise InputError(
                f"{meta_path} names {rel!r}, which is not in {folder}: its files are relative "
                "to another folder. Pass --to the corpus folder that run reads with --texts "
                "(the new text may go in a sub-folder there later), so the row is written as "
                "run reads it; nothing was added"
            )


def _check_year(year: str) -> None:
    if not re.fullmatch(r"[0-9]{1,4}", year):
        raise InputError(
            f"--year {year!r} is not a year in digits; write it as a whole number such as "
            "--year 2009 (put uncertainty in the metadata's year_basis column)"
        )


def _newline_of(text: str) -> str:
    """The line ending the file already uses (Excel on Windows writes CRLF)."""
    end = text.find("\n")
    if end > 0 and text[end - 1] == "\r":
        return "\r\n"
    if end < 0 and "\r" in text:
        return "\r"
    return "\n"


def _csv_line(values: list[str], newline: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow(values)
    return buffer.getvalue()


def _metadata_with_row(path: Path, row: dict[str, object], *, explicit: set[str]) -> bytes:
    """The metadata file's bytes with one row appended, every existing byte kept.

    Values go under the columns the header already has (the first of duplicated names); a
    value given on the command line for a column the file lacks is refused rather than
    rewriting the file, while automatic ones (``sha256``, ``source_file``, a year read from the
    file name) are left out.
    """
    raw = path.read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom) :].decode("utf-8")  # read_metadata has checked it decodes
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    names = [name.strip() for name in header]
    lacking = sorted(explicit - set(names))
    if lacking:
        raise InputError(
            f"{path} has no column {', '.join(lacking)}; add the column to its header (a new "
            "column in your spreadsheet) or leave out "
            + ", ".join("--" + name.replace("_", "-") for name in lacking)
            + "; nothing was added"
        )
    values, filled = [], set()
    for name in names:
        if name in row and name not in filled:
            values.append(str(row[name]))
            filled.add(name)
        else:
            values.append("")
    newline = _newline_of(text)
    separator = "" if not text or text.endswith(("\n", "\r")) else newline
    return raw + (separator + _csv_line(values, newline)).encode("utf-8")


def _new_metadata(row: dict[str, object]) -> bytes:
    """A new metadata file: UTF-8 with BOM, so that Excel shows the Chinese."""
    names = list(row)
    return b"\xef\xbb\xbf" + (
        _csv_line(names, "\r\n") + _csv_line([str(row[n]) for n in names], "\r\n")
    ).encode("utf-8")


def _write_checked(tmp: Path, content: bytes, shown_as: Path) -> None:
    """Write the new metadata and read it back as ``run`` will, before it replaces the old."""
    tmp.write_bytes(content)
    try:
        read_metadata(tmp)
    except InputError as exc:
        raise InputError(
            str(exc).replace(str(tmp), str(shown_as))
            + " (found after appending; nothing was added)"
        ) from exc
