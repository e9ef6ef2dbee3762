"""The built corpus on disk, so that a rerun on the same texts reads its tables instead of
building them again.

The per-document caches (:mod:`analysis.corpus.clean_cache`, the token cache of
:mod:`analysis.corpus.segment`) spare the cleaning and the segmentation, but a run that has every
document cached still reads two small files per document, cuts the words out of each text,
splits the sentences, and assembles the corpus tables: about 11 s for the 1,423 evening-news
transcripts, a third of a run that recomputes every statistic. Researchers rerun most often
with the corpus unchanged and only a statistic's settings changed, so the tables of
:class:`analysis.corpus.build.CorpusTables` are stored whole, one folder per corpus, and read
back in about a second.

The key (:func:`corpus_key`) covers everything the tables depend on:

* the loaded corpus: every column of :func:`analysis.corpus.load.load_corpus` (the raw texts,
  file names, encodings and metadata), its names, types and values;
* the cleaning rules (:func:`analysis.config.cleaning_rules.rules_fingerprint`), the segmenter
  with its dictionaries and versions (``SegmenterConfig.fingerprint``), the slogans and the
  stopwords;
* the code: every module of the package, and the versions of Python, NumPy, pandas, pyarrow
  and OpenCC.

An entry is written only when its tables, turned into Arrow tables, turn back exactly as built
(same values, kinds of missing value, column types and index), else the corpus is built each
time, as without this cache. Each entry is a folder of Arrow IPC files (zstd; repeated strings
dictionary-encoded) and an ``entry.json``, written in a hidden folder renamed into place when
complete, so a reader never sees half an entry. A damaged entry is a miss and is removed. Only
the :data:`KEEP` most recently used entries are kept; older ones, and hidden folders that a run
killed while writing left behind over an hour ago, are removed; nothing else in the folder is
touched. ``make clean`` removes it all.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import math
import os
import shutil
import sys
import time
import warnings
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from analysis.config.cleaning_rules import CleaningRules, canonical_json, rules_fingerprint
from analysis.config.lexicon import SloganLexicon
from analysis.corpus.segment import SegmenterConfig

#: Changes when the stored layout changes, so entries of an older layout are never read.
FORMAT = "corpus-v1"
#: The tables of :class:`analysis.corpus.build.CorpusTables` that are stored.
TABLES = ("documents", "cleaning_log", "sentences", "tokens", "mentions", "boilerplate")
#: How many corpora (the most recently used) the cache keeps.
KEEP = 3
_ENTRY_FILE = "entry.json"
_LEFT_BEHIND_SECONDS = 3600
_PACKAGE = Path(__file__).resolve().parents[1]
# A text column is stored dictionary-encoded when its values repeat this much (doc ids, tokens).
_REPEATS_FOR_DICTIONARY = 4
# The missing values an object column can hold, and how entry.json names them.
_MISSING = {"None": None, "nan": math.nan, "NA": pd.NA, "NaT": pd.NaT}


class CachedCorpus(NamedTuple):
    """An entry read back: the tables by name, and the warnings building them gave
    (``(category name, message)``), which a run reading the entry gives again."""

    tables: dict[str, pd.DataFrame]
    warnings: list[tuple[str, str]]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the package's source and of the library versions its tables depend on."""
    digest = hashlib.sha256(FORMAT.encode("ascii"))
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    for package in ("numpy", "pandas", "pyarrow", "opencc"):
        try:
            digest.update(f"{package}={version(package)}\0".encode())
        except PackageNotFoundError:  # a build without package metadata
            digest.update(f"{package}=unknown\0".encode())
    digest.update(f"python={sys.version_info[:3]}".encode())
    return digest.hexdigest()


def corpus_key(
    corpus: pd.DataFrame,
    *,
    rules: CleaningRules,
    config: SegmenterConfig,
    slogans: SloganLexicon,
    stopwords: frozenset[str],
) -> str:
    """The cache key of the tables built from ``corpus`` (the table of ``load_corpus``) with
    these rules, segmenter, slogans and stopwords (module docstring)."""
    digest = hashlib.sha256(code_fingerprint().encode("ascii"))
    for part in (
        rules_fingerprint(rules),
        config.fingerprint,
        canonical_json(slogans),
        "\n".join(sorted(stopwords)),
    ):
        _feed(digest, part)
    _feed(digest, repr(type(corpus.index).__name__))
    for name in corpus.columns:
        column = corpus[name]
        _feed(digest, f"{name}\0{column.dtype}")
        for value in column.tolist():
            # the type and then the value, so 1, 1.0 and "1" are three different keys
            if isinstance(value, str):
                _feed(digest, "str\0" + value)
            else:
                _feed(digest, f"{type(value).__qualname__}\0{value!r}")
    return digest.hexdigest()


def _feed(digest: Any, text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    digest.update(len(data).to_bytes(8, "little") + data)


class CorpusCache:
    """Corpus tables by :func:`corpus_key`, one folder per key under ``folder``."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / key

    def get(self, key: str) -> CachedCorpus | None:
        """The tables stored under ``key``, or ``None`` (never stored, or damaged: removed)."""
        entry = self.path(key)
        try:
            meta = json.loads((entry / _ENTRY_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            self._remove(entry)
            return None
        try:
            if meta.get("format") != FORMAT:
                raise ValueError("an entry of another format")
            tables = {
                name: _read_table(entry / f"{name}.arrow", meta["tables"][name]) for name in TABLES
            }
            replay = [(str(c), str(m)) for c, m in meta.get("warnings", [])]
        except Exception:  # damaged: a miss, and the entry goes
            self._remove(entry)
            return None
        with contextlib.suppress(OSError):  # the most recently used entries are the ones kept
            os.utime(entry / _ENTRY_FILE)
        return CachedCorpus(tables, replay)

    def put(
        self, key: str, tables: dict[str, pd.DataFrame], caught: Iterable[tuple[str, str]] = ()
    ) -> bool:
        """Store ``tables`` (every name of :data:`TABLES`) under ``key`` if they read back
        exactly as they are; ``True`` when stored. Then drop all but the :data:`KEEP` most
        recently used entries. Raises ``OSError`` when the folder cannot be written."""
        if self.path(key).is_dir():
            return True
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = self.folder / f".entry-{key[:16]}-{os.getpid()}-{time.monotonic_ns()}"
        staging.mkdir()
        try:
            meta: dict[str, Any] = {"format": FORMAT, "tables": {}, "warnings": list(caught)}
            for name in TABLES:
                converted = _to_arrow(tables[name])
                # Arrow IPC files hold exactly what they are given: what comes back from the
                # Arrow table is what a read will give.
                if converted is None or not _identical(tables[name], _from_arrow(*converted)):
                    return False
                arrow, meta["tables"][name] = converted
                options = ipc.IpcWriteOptions(compression="zstd")
                with ipc.new_file(
                    str(staging / f"{name}.arrow"), arrow.schema, options=options
                ) as out:
                    out.write_table(arrow)
            (staging / _ENTRY_FILE).write_text(json.dumps(meta), encoding="utf-8")
            try:
                staging.rename(self.path(key))
            except OSError:
                if not self.path(key).is_dir():  # else another run stored it first
                    raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        self._keep_recent()
        return True

    def entries(self) -> list[Path]:
        """The stored entries, most recently used first."""
        found = []
        for entry in self.folder.glob("*"):
            marker = entry / _ENTRY_FILE
            with contextlib.suppress(OSError):
                found.append((marker.stat().st_mtime, entry))
        return [entry for _, entry in sorted(found, key=lambda pair: pair[0], reverse=True)]

    def _keep_recent(self) -> None:
        for entry in self.entries()[KEEP:]:
            self._remove(entry)
        # what a run killed while storing or removing an entry left (an hour: not a live run's)
        for left in [*self.folder.glob(".entry-*"), *self.folder.glob(".gone-*")]:
            with contextlib.suppress(OSError):
                if time.time() - left.stat().st_mtime > _LEFT_BEHIND_SECONDS and left.is_dir():
                    shutil.rmtree(left, ignore_errors=True)

    @staticmethod
    def _remove(entry: Path) -> None:
        # renamed away first, so that no reader sees a half-removed entry
        gone = entry.with_name(f".gone-{entry.name}-{os.getpid()}-{time.monotonic_ns()}")
        try:
            entry.rename(gone)
        except OSError:
            return
        shutil.rmtree(gone, ignore_errors=True)


def _to_arrow(table: pd.DataFrame) -> tuple[pa.Table, dict[str, Any]] | None:
    """``table`` as an Arrow table (repeated strings dictionary-encoded) and what turning it
    back needs to know, or ``None`` when Arrow cannot hold its columns (an object column of
    mixed types)."""
    try:
        arrow = pa.Table.from_pandas(table, preserve_index=None)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    columns = []
    for column in arrow.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            distinct = pc.count_distinct(column).as_py()
            if len(column) >= _REPEATS_FOR_DICTIONARY * max(distinct, 1):
                column = pc.dictionary_encode(column)
        columns.append(column)
    arrow = pa.table(columns, names=arrow.column_names).replace_schema_metadata(
        arrow.schema.metadata
    )
    objects = {
        name: _missing_markers(table[name]) for name in table.columns if table[name].dtype == object
    }
    return arrow, {"objects": objects}


def _missing_markers(column: pd.Series) -> dict[str, list[int]]:
    """The rows of an object column holding each kind of missing value (Arrow keeps one)."""
    values = column.tolist()
    markers: dict[str, list[int]] = {}
    for row, value in enumerate(values):
        for kind, missing in _MISSING.items():
            if value is missing or (kind == "nan" and isinstance(value, float) and value != value):
                markers.setdefault(kind, []).append(row)
                break
    return markers


def _read_table(path: Path, stored: dict[str, Any]) -> pd.DataFrame:
    with pa.memory_map(str(path)) as source:
        return _from_arrow(ipc.open_file(source).read_all(), stored)


def _from_arrow(arrow: pa.Table, stored: dict[str, Any]) -> pd.DataFrame:
    """The table :func:`_to_arrow` made ``arrow`` from."""
    columns = [
        column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column
        for column in arrow.columns
    ]
    arrow = pa.table(columns, names=arrow.column_names).replace_schema_metadata(
        arrow.schema.metadata
    )
    table = arrow.to_pandas()
    for name, markers in stored["objects"].items():
        values = table[name].astype(object).to_numpy(copy=True)
        for kind, rows in markers.items():
            values[np.asarray(rows, dtype=np.int64)] = _MISSING[kind]
        table[name] = pd.Series(values, index=table.index, dtype=object, name=name)
    return table


def _identical(built: pd.DataFrame, back: pd.DataFrame) -> bool:
    """Whether ``back`` is ``built`` exactly: columns, types, index and values (missing values
    of the same kind in object columns)."""
    if list(built.columns) != list(back.columns) or list(built.dtypes) != list(back.dtypes):
        return False
    if type(built.index) is not type(back.index) or not built.index.equals(back.index):
        return False
    if not built.equals(back):
        return False
    for name in built.columns:
        if built[name].dtype == object and _missing_markers(built[name]) != _missing_markers(
            back[name]
        ):
            return False
    return True


def warnings_caught(caught: Iterable[warnings.WarningMessage]) -> list[tuple[str, str]]:
    """``(category name, message)`` of recorded warnings, as an entry stores them."""
    return [(w.category.__name__, str(w.message)) for w in caught]


def replay_warnings(stored: Iterable[tuple[str, str]], *, stacklevel: int = 2) -> None:
    """Give again the warnings an entry stored (builtin categories; others as UserWarning)."""
    for category_name, message in stored:
        category = getattr(builtins, category_name, UserWarning)
        if not (isinstance(category, type) and issubclass(category, Warning)):
            category = UserWarning
        warnings.warn(message, category, stacklevel=stacklevel + 1)
