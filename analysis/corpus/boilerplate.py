"""Shared boilerplate: lines that a large share of a corpus's documents repeat.

Texts from one web site carry the site's template in every page: a licence footer, a programme
header. No list of patterns in ``data/cleaning.yml`` can know the templates of sites never seen,
so the corpus itself says what is template: the lines that recur across documents.

The rule, with the thresholds of ``shared_boilerplate`` in ``data/cleaning.yml`` (``min_share``,
``min_docs``, ``min_chars``; N documents):

* Lines are compared by :func:`line_key`, the line without white space and zero-width
  characters. ``df(line)`` is the number of documents whose cleaned lines include it.
* A line is *recurring* when ``df ≥ min_docs`` and *common* when
  ``df ≥ max(min_docs, min_share × N)``.
* In each document, a *run* is a maximal stretch of consecutive (kept) lines that all recur.
  A run is removed when it holds consecutive common lines of at least ``min_chars`` characters
  (keys' length) in total, unless the run is the whole document (a corpus of copies of one
  text is not boilerplate, and no document is emptied by the rule).

So a short common line alone (a salutation such as 各位代表：) stays, a line that recurs in a
few documents (an opening formula) stays unless it sits inside a template block, and the less
common variants of a block stay attached to it and go with it. What recurs next to a template
goes with it too: in the CCTV news transcripts, a first summary item repeated on five to seven
days (1.习近平签署国家主席令；) goes with the programme header above it; and from near-copies
of one text, common enough to be boilerplate and differing in one line, all but that line go.
The audit and ``CorpusTables.boilerplate`` show every line removed.

The corpus pass (:func:`analysis.corpus.engine.process_corpus_texts`): clean every document without
shared lines, find the shared lines in the cleaned texts (:func:`find_shared_boilerplate`), and
clean again, with :func:`with_shared_lines`, only the documents that have a removable run. The
cleaner removes those lines as the line rule ``shared_boilerplate``, so the cleaning audit has a
row for each, like any other rule.

Source: that a site's template is what recurs across its pages is the idea of template detection
(Bar-Yossef and Rajagopalan, "Template detection via data mining and its applications", WWW
2002); the run rule and its default thresholds are this project's, set on the Wikisource reports,
the CCTV news transcripts and the five study documents (see ``data/cleaning.yml``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from analysis.checks import check_int, check_number
from analysis.config.cleaning_rules import CleaningRules, SharedBoilerplateSettings
from analysis.errors import InputError

SHARED_LINE_COLUMNS = ["line", "n_docs", "share"]
BOILERPLATE_COLUMNS = [*SHARED_LINE_COLUMNS, "n_docs_removed", "n_chars_removed"]
RULE = "shared_boilerplate"

_LINE_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"  # as analysis.corpus.clean splits lines
_SPACE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff]+")


def line_key(line: str) -> str:
    """``line`` without white space (ASCII, U+3000 …) and zero-width characters: how lines
    are compared across documents."""
    return _SPACE.sub("", line)


def qualifying_runs(
    keys: Sequence[str], lines: frozenset[str], common: frozenset[str], min_chars: int
) -> list[tuple[int, int]]:
    """The runs ``(start, end)`` of ``keys`` (half-open) that meet the rule: maximal runs of
    consecutive keys in ``lines`` holding consecutive keys in ``common`` of at least
    ``min_chars`` characters in total. (The whole-document exception is not applied here.)"""
    runs = []
    n = len(keys)
    i = 0
    while i < n:
        if keys[i] not in lines:
            i += 1
            continue
        start, stretch, qualifies = i, 0, False
        while i < n and keys[i] in lines:
            if keys[i] in common:
                stretch += len(keys[i])
                qualifies |= stretch >= min_chars
            else:
                stretch = 0
            i += 1
        if qualifies:
            runs.append((start, i))
    return runs


def removable_lines(
    keys: Sequence[str], lines: frozenset[str], common: frozenset[str], min_chars: int
) -> list[int]:
    """Positions in ``keys`` (one document's kept lines, in order) that the rule removes: the
    lines of :func:`qualifying_runs`, except a run that is the whole document."""
    return [
        i
        for start, end in qualifying_runs(keys, lines, common, min_chars)
        if end - start < len(keys)
        for i in range(start, end)
    ]


def _empty_shared_lines() -> pd.DataFrame:
    return pd.DataFrame(
        {"line": pd.Series(dtype="object"), "n_docs": pd.Series(dtype="int64")}
    ).assign(share=pd.Series(dtype="float64"))


@dataclass(frozen=True)
class SharedBoilerplate:
    """What :func:`find_shared_boilerplate` found in a corpus.

    ``lines``: keys (:func:`line_key`) of every line of a run that meets the rule somewhere;
    ``common_lines``: those of them that are common; ``documents``: positions of the texts with
    a removable run (the ones to clean again); ``table``: one row per line of ``lines`` with
    ``line`` (as it first reads in the corpus), ``n_docs`` (df) and ``share`` (df / N), most
    frequent first, then in order of first appearance.
    """

    lines: frozenset[str]
    common_lines: frozenset[str]
    min_chars: int
    n_documents: int
    documents: tuple[int, ...] = ()
    table: pd.DataFrame = field(default_factory=_empty_shared_lines, compare=False)


def find_shared_boilerplate(
    texts: Sequence[str], *, min_share: float = 0.3, min_docs: int = 5, min_chars: int = 10
) -> SharedBoilerplate:
    """Shared boilerplate of a corpus of cleaned texts (one paragraph per line); see the module
    docstring for the rule. Fewer than ``min_docs`` texts have none."""
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise InputError(
            "find_shared_boilerplate: texts must be a sequence of cleaned texts (str), one per "
            "document"
        )
    caller = "find_shared_boilerplate"
    # a share of the documents: above 0, at most all of them
    min_share = check_number(min_share, "min_share", caller, above=0, maximum=1)
    min_docs = check_int(min_docs, "min_docs", caller, minimum=2)
    min_chars = check_int(min_chars, "min_chars", caller, minimum=1)
    n = len(texts)
    if n < min_docs:
        return SharedBoilerplate(frozenset(), frozenset(), min_chars, n)
    documents: list[list[str]] = []
    first_text: dict[str, str] = {}
    first_seen: dict[str, tuple[int, int]] = {}
    df: Counter[str] = Counter()
    for d, text in enumerate(texts):
        keys = []
        for line in text.split("\n"):
            key = line_key(line)
            if key:  # an empty line is no line (a cleaned text has none)
                keys.append(key)
                if key not in first_seen:
                    first_seen[key] = (d, len(keys))
                    first_text[key] = line.strip()
        documents.append(keys)
        df.update(set(keys))
    recurring = frozenset(k for k, v in df.items() if v >= min_docs)
    common_threshold = max(min_docs, min_share * n)
    common = frozenset(k for k in recurring if df[k] >= common_threshold)
    shared: set[str] = set()
    touched = []
    for d, keys in enumerate(documents):
        runs = qualifying_runs(keys, recurring, common, min_chars) if common else []
        for start, end in runs:
            shared.update(keys[start:end])
        if any(end - start < len(keys) for start, end in runs):
            touched.append(d)
    order = sorted(shared, key=lambda k: (-df[k], first_seen[k]))
    table = pd.DataFrame(
        {
            "line": pd.Series([first_text[k] for k in order], dtype="object"),
            "n_docs": pd.Series([df[k] for k in order], dtype="int64"),
            "share": pd.Series([df[k] / n for k in order], dtype="float64"),
        }
    )
    lines = frozenset(shared)
    return SharedBoilerplate(lines, lines & common, min_chars, n, tuple(touched), table)


def no_shared_boilerplate(n_documents: int, min_chars: int = 10) -> SharedBoilerplate:
    """The result for a corpus where the rule is not looked for (too few documents)."""
    return SharedBoilerplate(frozenset(), frozenset(), min_chars, n_documents)


def with_shared_lines(rules: CleaningRules, found: SharedBoilerplate) -> CleaningRules:
    """``rules`` that remove the shared boilerplate ``found`` (rule ``shared_boilerplate``)."""
    settings = rules.shared_boilerplate or SharedBoilerplateSettings()
    return replace(
        rules,
        shared_boilerplate=replace(settings, min_chars=found.min_chars),
        shared_lines=found.lines,
        shared_common_lines=found.common_lines,
    )


def empty_boilerplate_table() -> pd.DataFrame:
    """A boilerplate table without rows, with the columns of :data:`BOILERPLATE_COLUMNS`."""
    return _empty_shared_lines().assign(
        n_docs_removed=pd.Series(dtype="int64"), n_chars_removed=pd.Series(dtype="int64")
    )


def boilerplate_table(
    found: SharedBoilerplate | None, audit: pd.DataFrame, rules: CleaningRules
) -> pd.DataFrame:
    """The shared lines found and what the cleaner removed of each (``CorpusTables.boilerplate``).

    Columns :data:`BOILERPLATE_COLUMNS`: ``found.table`` (same rows and order) with
    ``n_docs_removed``, the documents from which the line was removed, and ``n_chars_removed``,
    the characters of the raw text those removals took, without line breaks (as
    ``n_chars_raw`` counts them). An audit row of rule ``shared_boilerplate`` is matched to its
    line by cleaning its raw text alone with ``rules`` without line rules, which gives the line
    as the cleaned text read it. ``found`` ``None`` or empty: no rows.
    """
    if found is None or found.table.empty:
        return empty_boilerplate_table()
    from analysis.corpus.clean import (  # analysis.corpus.clean imports this module
        clean_text,
        count_chars,
    )

    bare = replace(rules, line_rules=(), repeated_title_min_overlap=None, shared_lines=frozenset())
    removed = audit.loc[audit["rule"] == RULE, ["doc_id", "text"]]
    texts = removed["text"].unique().tolist()
    # All the lines cleaned at once (each is judged within itself), else one by one should a
    # line not come out as one line.
    lines = [text.rstrip(_LINE_BREAKS) for text in texts]
    cleaned = clean_text("\n".join(lines), bare).text.split("\n") if lines else []
    if len(cleaned) != len(lines):
        cleaned = [clean_text(line, bare).text for line in lines]
    keys = dict(zip(texts, map(line_key, cleaned), strict=True))
    chars = removed["text"].map(count_chars)
    counted = removed.assign(key=removed["text"].map(keys), chars=chars)
    per_line = counted.groupby("key").agg(
        n_docs_removed=("doc_id", "nunique"), n_chars_removed=("chars", "sum")
    )
    table = found.table.copy()
    table_keys = table["line"].map(line_key)
    table["n_docs_removed"] = table_keys.map(per_line["n_docs_removed"]).fillna(0).astype("int64")
    table["n_chars_removed"] = table_keys.map(per_line["n_chars_removed"]).fillna(0).astype("int64")
    return table.reset_index(drop=True)[BOILERPLATE_COLUMNS]
