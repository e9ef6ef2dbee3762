"""Cleaned texts on disk, so a rerun or an added document does not clean the corpus again.

Cleaning is the largest per-document cost after segmentation (it runs twice per document when
the corpus shares boilerplate), and it is a pure function of the raw text and the rules:
:func:`analysis.corpus.clean.clean_text`. :class:`CleaningCache` stores its result, one JSON file
per (raw text, rules, cleaning code) beside the token cache. The key covers

* the raw text itself (its bytes, so an edited file is cleaned again);
* every rule as written (:func:`analysis.config.cleaning_rules.rules_fingerprint`), including the
  shared lines of the second pass, so new boilerplate found in a grown corpus is applied;
* the cleaning code: the source of the modules that clean, the OpenCC and Unicode versions, so
  an upgrade never serves a result the new code would not give.

A damaged file is a miss and is rewritten; a cache that cannot be written is no error (the run
has the result in hand). Stale files are never read again; ``make clean`` removes the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import unicodedata
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from itertools import starmap
from pathlib import Path

from analysis.config.cleaning_rules import CleaningRules, rules_fingerprint
from analysis.config.paths import atomic_write
from analysis.corpus.clean import CleanedText, Edit, clean_text

#: Changes when the stored layout changes, so files of an older layout are never read.
FORMAT = "cleaned-v2"

# The modules whose code decides what cleaning gives.
_CLEANING_MODULES = ("clean.py", "boilerplate.py", "../config/simplified.py")
_EDIT_COLUMNS = ("start", "end", "rule", "replacement")


@lru_cache(maxsize=1)
def cleaning_code_fingerprint() -> str:
    """A digest of the code that cleans: its source files, OpenCC, Unicode and Python."""
    digest = hashlib.sha256(FORMAT.encode("ascii"))
    here = Path(__file__).resolve().parent
    for name in _CLEANING_MODULES:
        digest.update((here / name).read_bytes())
    try:
        opencc_version = version("opencc")
    except PackageNotFoundError:  # an OpenCC build without package metadata
        opencc_version = "unknown"
    digest.update(
        f"{opencc_version}\0{unicodedata.unidata_version}\0{sys.version_info[:2]}".encode()
    )
    return digest.hexdigest()


@lru_cache(maxsize=16)
def _rules_digest(rules: CleaningRules) -> str:
    # Hashing the rules once per rules object: a second pass carries thousands of shared lines.
    return rules_fingerprint(rules)


class CleaningCache:
    """Results of :func:`analysis.corpus.clean.clean_text`, one JSON file per key."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def key(self, raw: str, rules: CleaningRules) -> str:
        digest = hashlib.sha256(f"{cleaning_code_fingerprint()}\0{_rules_digest(rules)}\0".encode())
        digest.update(raw.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> CleanedText | None:
        try:
            stored = json.loads(self.path(key).read_text(encoding="utf-8"))
            columns = [stored[name] for name in _EDIT_COLUMNS]
            if len({len(column) for column in columns}) != 1:
                return None  # damaged: a miss, rewritten
            # Columns, not one object per edit: a long news text has thousands of edits.
            edits = tuple(starmap(Edit, zip(*columns, strict=True)))
            return CleanedText(stored["text"], stored["translation"], stored["script"], edits)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):  # damaged: a miss, rewritten
            return None

    def put(self, key: str, cleaned: CleanedText) -> None:
        stored = {
            "text": cleaned.text,
            "translation": cleaned.translation,
            "script": cleaned.script,
        }
        for name in _EDIT_COLUMNS:
            stored[name] = [getattr(edit, name) for edit in cleaned.edits]
        text = json.dumps(stored, ensure_ascii=False)
        atomic_write(self.path(key), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def cached_cleaning(raw: str, rules: CleaningRules, folder: str) -> CleanedText | None:
    """What the cache in ``folder`` holds for ``raw`` cleaned with ``rules``; ``None``: a miss."""
    cache = CleaningCache(folder)
    return cache.get(cache.key(raw, rules))


def clean_text_cached(raw: str, rules: CleaningRules, folder: str | None) -> CleanedText:
    """:func:`analysis.corpus.clean.clean_text`, read from and written to the cache in
    ``folder`` (no cache when ``None``). The result is the same either way."""
    if folder is None:
        return clean_text(raw, rules)
    cache = CleaningCache(folder)
    key = cache.key(raw, rules)
    cleaned = cache.get(key)
    if cleaned is None:
        cleaned = clean_text(raw, rules)
        # A cache is only a cache; the token cache beside it reports a broken folder.
        with contextlib.suppress(OSError):
            cache.put(key, cleaned)
    return cleaned
