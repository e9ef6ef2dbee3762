"""Loading a folder of raw texts and their metadata: the ``corpus`` table.

``load_corpus(texts_dir, metadata)`` returns one row per text file with the columns

* ``doc_id`` — from the metadata, or the file name when a text has no metadata row;
* ``file`` — the path relative to ``texts_dir`` (POSIX separators);
* ``encoding`` — as detected by :func:`analysis.corpus.encoding.decode_bytes`;
* ``n_chars_raw`` — characters of the decoded text without line breaks;
* the metadata columns (``title``, ``year``, ``level``, ``genre``, ``region`` … always present,
  empty where unknown, plus any extra column of the metadata file);
* ``raw_text`` — the decoded text, exactly as in the file.

Rows follow the metadata's order, then files without metadata in path order.
"""

from __future__ import annotations

import csv
import hashlib
import os
import posixpath
import re
import warnings
from pathlib import Path

import pandas as pd

from analysis.checks import check_bool
from analysis.corpus.clean import count_chars
from analysis.corpus.encoding import read_text_file
from analysis.errors import InputError

#: Metadata columns every corpus table has (empty where the metadata does not say).
STANDARD_METADATA = [
    "title",
    "year",
    "level",
    "genre",
    "region",
    "speaker_or_issuer",
    "source_site",
]
_SAFE_ID = re.compile(r"^[^\W][\w.-]*$")
#: A doc id becomes part of file names (figures, ``add``): at most this many UTF-8 bytes keeps
#: any such name under the 255 bytes file systems allow.
MAX_DOC_ID_BYTES = 120
_YEAR = re.compile(
    r"(?<!\d)(1[89]\d\d|20\d\d)(?:(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))?(?!\d)"
)  # 1998 or 19980305


def is_safe_doc_id(doc_id: str) -> bool:
    """Letters, digits, ``.``, ``-`` and ``_``, starting with a letter or digit, and at most
    :data:`MAX_DOC_ID_BYTES` bytes in UTF-8 (40 Chinese characters)."""
    return bool(_SAFE_ID.match(doc_id)) and len(doc_id.encode("utf-8")) <= MAX_DOC_ID_BYTES


def doc_id_from_path(relative: str) -> str:
    """A doc id made from a file's name: its stem with anything but letters, digits, ``.``,
    ``-`` and ``_`` replaced by ``_`` (Chinese characters are letters and stay), cut to
    :data:`MAX_DOC_ID_BYTES` bytes."""
    stem = Path(relative).stem
    cleaned = re.sub(r"[^\w.-]+", "_", stem).strip("._-")
    cut = cleaned.encode("utf-8")[:MAX_DOC_ID_BYTES].decode("utf-8", errors="ignore")
    return cut.rstrip("._-") or "doc"


def year_from_name(name: str) -> int | None:
    """A year (1800–2099) written in a file name, alone or as a date: ``gwr_1998.txt`` and
    ``19980305.md`` → 1998; else ``None``."""
    match = _YEAR.search(Path(name).stem)
    return int(match.group(1)) if match else None


def read_metadata(path: str | Path) -> pd.DataFrame:
    """Read and validate a metadata CSV (UTF-8, with or without BOM).

    Required columns: ``doc_id`` and ``file``; ``doc_id`` and ``file`` must be unique and doc ids
    safe as file names. ``year`` must hold whole numbers where filled. All other columns are kept
    as text.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(
            f"{path}: metadata file not found; pass the right path or omit it"
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: is not UTF-8 (byte {exc.start + 1} is not; Excel's plain 'CSV' on Chinese "
            "Windows writes GBK); save it from your spreadsheet as 'CSV UTF-8'"
        ) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"{path}: cannot be read as a CSV ({_one_line_reason(exc)}); save it from your "
            "spreadsheet as 'CSV UTF-8' with a header row including doc_id and file"
        ) from exc
    _check_row_lengths(path)
    return validate_metadata(table, source=str(path))


def _one_line_reason(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _check_row_lengths(path: Path) -> None:
    """A row with more fields than the header: pandas would silently take its first fields as
    an index and shift every value (a comma in a title that is not quoted)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        try:
            header = next(rows, [])
            for number, row in enumerate(rows, start=2):
                if len(row) > len(header):
                    raise InputError(
                        f"{path}: row {number} has {len(row)} fields but the header has "
                        f"{len(header)}; put quotes around a value that holds a comma, or "
                        "remove the extra fields"
                    )
        except csv.Error as exc:
            raise InputError(
                f"{path}: cannot be read as a CSV (line {rows.line_num}: {exc}); save it from "
                "your spreadsheet as 'CSV UTF-8'"
            ) from exc


def validate_metadata(table: pd.DataFrame, *, source: str = "metadata") -> pd.DataFrame:
    """Check a metadata table and return a normalised copy (see :func:`read_metadata`)."""
    table = table.copy()
    table.columns = [str(c).strip() for c in table.columns]
    missing = {"doc_id", "file"} - set(table.columns)
    if missing:
        raise InputError(
            f"{source}: missing column(s) {', '.join(sorted(missing))}; the metadata needs at "
            f"least doc_id and file (found: {', '.join(table.columns) or 'none'})"
        )
    for column in ("doc_id", "file"):
        table[column] = table[column].astype(str).str.strip()
        empty = table.index[table[column] == ""]
        if len(empty):
            raise InputError(f"{source}: row {empty[0] + 2} has an empty {column}; fill it in")
        dup = table[table[column].duplicated(keep=False)]
        if len(dup):
            rows = ", ".join(str(i + 2) for i in dup.index[:4])
            raise InputError(
                f"{source}: {column} {dup[column].iloc[0]!r} appears on rows {rows}; each "
                f"document needs its own {column}"
            )
    bad = [d for d in table["doc_id"] if not is_safe_doc_id(d)]
    if bad:
        shown = bad[0] if len(bad[0]) <= 60 else bad[0][:60] + "…"
        raise InputError(
            f"{source}: doc_id {shown!r} is not safe as a file name; use letters, digits, "
            f"'-', '_' and '.', starting with a letter or digit (at most {MAX_DOC_ID_BYTES} "
            "bytes in UTF-8, i.e. 40 Chinese characters)"
        )
    for column in table.columns.difference(["doc_id", "file"]):
        table[column] = (
            table[column].astype("object").where(table[column].astype(str).str.strip() != "")
        )
    if "year" in table.columns:
        year_text = table["year"].fillna("").astype(str).str.strip()
        numbers = pd.to_numeric(year_text.where(year_text != ""), errors="coerce")
        wrong = year_text[(year_text != "") & (numbers.isna() | (numbers % 1 != 0))]
        if len(wrong):
            raise InputError(
                f"{source}: year {wrong.iloc[0]!r} on row {wrong.index[0] + 2} is not a whole "
                "number; write a year such as 2007 (put uncertainty in year_basis)"
            )
        table["year"] = numbers.astype("Int64")
    return table.reset_index(drop=True)


def _shown_name(path: Path) -> str:
    """``path`` printable whatever its bytes: a name that is not UTF-8 is shown as GBK where it
    decodes as GBK (what unzipping a Chinese-Windows archive leaves), else with byte escapes."""
    raw = os.fsencode(path)
    try:
        return f"{raw.decode('utf-8', 'backslashreplace')} (in GBK: {raw.decode('gbk')})"
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def text_files(folder: Path, extensions: tuple[str, ...]) -> list[Path]:
    """The text files under ``folder`` with one of ``extensions``, sorted.

    Hidden files and folders (``.ipynb_checkpoints``, ``.Trash-1000``, ``.venv``) are not read:
    they hold copies, not texts. A linked file is read when it points inside ``folder``; a link
    pointing outside it, a broken or looping link, and a file name that is not UTF-8 are errors
    naming the file and the fix. Linked folders are not followed (a warning names them).
    """
    wanted = tuple(e.lower() for e in extensions)
    root = folder.resolve()
    found: list[Path] = []
    linked_folders: list[str] = []
    for here, folders, names in os.walk(folder, followlinks=False):
        for name in list(folders):
            if name.startswith(".") or Path(here, name).is_symlink():
                folders.remove(name)
                if not name.startswith("."):
                    linked_folders.append(str(Path(here, name)))
        for name in names:
            path = Path(here, name)
            if name.startswith(".") or path.suffix.lower() not in wanted:
                continue
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(
                    f"{_shown_name(path)}: the file name is not UTF-8; rename the files to "
                    "UTF-8 names, e.g. convmv -f gbk -t utf-8 -r --notest FOLDER, or unzip "
                    "with unzip -O gbk"
                ) from None
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    raise InputError(
                        f"{path}: a link to a file that does not exist (or a loop of links); "
                        "remove the link or restore its target"
                    ) from None
                if target != root and root not in target.parents:
                    raise InputError(
                        f"{path}: a link to {target}, outside the texts folder {folder}; copy "
                        "the file into the folder instead of linking it"
                    )
            if path.is_file():
                found.append(path)
            elif path.exists():
                raise InputError(
                    f"{path}: is not a regular file (a pipe, socket or device) and cannot be "
                    "read as a text; remove it from the texts folder"
                )
    if linked_folders:
        warnings.warn(
            f"{len(linked_folders)} linked folder(s) in {folder} are not read (first: "
            f"{linked_folders[0]}); copy their texts into the folder to include them",
            stacklevel=2,
        )
    return sorted(found)


def load_corpus(
    texts_dir: str | Path,
    metadata: str | Path | pd.DataFrame | None = None,
    *,
    extensions: tuple[str, ...] = (".txt",),
    infer_metadata: bool = True,
) -> pd.DataFrame:
    """Read every text file under ``texts_dir`` (recursively) with its metadata.

    ``metadata`` is a CSV path or a table with at least ``doc_id`` and ``file`` (relative to
    ``texts_dir``). A text without a metadata row loads with a warning and a doc id from its file
    name; with ``infer_metadata`` its year is taken from the file name where one is written there.
    A metadata row whose file is missing, or two texts with one doc id, is an error naming both.
    A ``sha256`` column, where filled, is checked against the file's bytes (a warning if it
    differs, since the raw text was changed after the metadata was written).
    """
    folder = Path(texts_dir)
    _check_load_options(folder, extensions, infer_metadata)
    meta, source = _metadata_table(metadata)
    files = text_files(folder, extensions)
    if not files and meta.empty:
        raise InputError(
            f"{folder}: no {'/'.join(extensions)} files found; put the texts there or pass --texts"
        )
    by_file = {p.relative_to(folder).as_posix(): p for p in files}
    rows = _listed_rows(meta, by_file, folder, source)
    unlisted = sorted(by_file)
    if unlisted and metadata is not None:  # a header-only file too: the rows are missing
        warnings.warn(
            f"{len(unlisted)} text(s) in {folder} have no row in {source} (first: {unlisted[0]}); "
            "their doc_id comes from the file name",
            stacklevel=2,
        )
    rows += _unlisted_rows(unlisted, by_file, infer_metadata)
    _check_unique_doc_ids(rows)
    return _corpus_frame(_read_texts(rows, source))


def _check_load_options(folder: Path, extensions: object, infer_metadata: object) -> None:
    if not folder.is_dir():
        raise InputError(
            f"{folder}: texts folder not found; pass the folder that holds the .txt files"
        )
    if not extensions or not all(isinstance(e, str) and e.startswith(".") for e in extensions):
        raise InputError(
            f"load_corpus: extensions must be file endings such as ('.txt',), got {extensions!r}"
        )
    check_bool(infer_metadata, "infer_metadata", "load_corpus")


def _metadata_table(
    metadata: str | Path | pd.DataFrame | None,
) -> tuple[pd.DataFrame, str]:
    """The validated metadata table, and how messages name where it came from."""
    if metadata is None:
        return pd.DataFrame(columns=["doc_id", "file"]), "metadata"
    if isinstance(metadata, pd.DataFrame):
        return validate_metadata(metadata), "metadata table"
    return read_metadata(metadata), str(metadata)


def _listed_rows(
    meta: pd.DataFrame, by_file: dict[str, Path], folder: Path, source: str
) -> list[dict]:
    """One row per metadata row, with its file's path under ``_path``; the files found are
    taken out of ``by_file``, which is left holding the files no row names."""
    rows: list[dict] = []
    for record in meta.to_dict("records"):
        # Windows separators too; sub/../b.txt is b.txt
        rel = posixpath.normpath(record["file"].replace("\\", "/"))
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise InputError(
                f"{source}: doc_id {record['doc_id']!r} names file {record['file']!r}, outside "
                f"the texts folder {folder}; give the path relative to that folder, moving the "
                "file into it"
            )
        if rel not in by_file:
            raise InputError(
                f"{source}: doc_id {record['doc_id']!r} names file {rel!r}, which is not in "
                f"{folder}; add the file or delete the row"
            )
        rows.append({**record, "file": rel, "_path": by_file.pop(rel)})
    return rows


def _unlisted_rows(
    unlisted: list[str], by_file: dict[str, Path], infer_metadata: bool
) -> list[dict]:
    """Rows for the texts without metadata: a doc id (and a year) from the file name."""
    rows = []
    for rel in unlisted:
        row = {"doc_id": doc_id_from_path(rel), "file": rel, "_path": by_file[rel]}
        if infer_metadata:
            row["year"] = year_from_name(rel)
        rows.append(row)
    return rows


def _check_unique_doc_ids(rows: list[dict]) -> None:
    seen: dict[str, str] = {}
    for row in rows:
        if row["doc_id"] in seen:
            raise InputError(
                f"doc_id {row['doc_id']!r} is used by both {seen[row['doc_id']]} and "
                f"{row['file']}; give one of them another doc_id in the metadata or rename a file"
            )
        seen[row["doc_id"]] = row["file"]


def _read_texts(rows: list[dict], source: str) -> list[dict]:
    """Each row (without ``_path``) with its file's text, encoding and size; a warning for a
    file that differs from its row's ``sha256``."""
    records = []
    for row in rows:
        path = row.pop("_path")
        raw, encoding = read_text_file(path)
        expected = str(row.get("sha256") or "").strip().lower()
        if expected and expected != file_sha256(path):
            warnings.warn(
                f"{path}: its content differs from the sha256 in {source}; the raw text was "
                "changed after the metadata was written (restore it, or update sha256)",
                stacklevel=3,  # the caller of load_corpus
            )
        records.append(
            {**row, "encoding": encoding, "n_chars_raw": count_chars(raw), "raw_text": raw}
        )
    return records


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _corpus_frame(records: list[dict]) -> pd.DataFrame:
    """The corpus table: the standard metadata columns always present, ``year`` as Int64, the
    columns in the documented order."""
    corpus = pd.DataFrame.from_records(records)
    for column in STANDARD_METADATA:
        if column not in corpus.columns:
            corpus[column] = pd.NA
    corpus["year"] = pd.to_numeric(corpus["year"], errors="coerce").astype("Int64")
    first = ["doc_id", "file", "encoding", "n_chars_raw", *STANDARD_METADATA]
    rest = [c for c in corpus.columns if c not in first and c != "raw_text"]
    return corpus[[*first, *rest, "raw_text"]]
