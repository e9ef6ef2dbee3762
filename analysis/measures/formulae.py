"""Shared formulae (提法): passages that two or more documents have in common.

Definitions
-----------
* Texts are compared *stripped*: the cleaned text without punctuation, white space and line
  breaks (Unicode categories P*, Z* and C*), so 集体领导、民主集中 and 集体领导，民主集中 are the
  same passage. A censorship placeholder (``**``; the pattern of ``cleaning.yml``) cuts the text
  into separate *segments*: nothing withheld is ever part of a formula.
* ``D(s)`` is the set of documents in whose stripped text the string ``s`` occurs (within one
  segment). Repeats inside one document do not make a passage shared.
* A *formula* is a string ``s`` of at least ``min_length`` stripped characters with
  ``|D(s)| >= 2`` that is *maximal*: no longer string containing it has the same set of
  documents. (Since ``D`` can only shrink as ``s`` grows, it is enough that no one-character
  extension ``xs`` or ``sx`` has the same documents.) A shorter passage shared by *more*
  documents than a longer one containing it is a formula in its own right.

Tables
------
:func:`formula_occurrences` — one row per occurrence of a formula in a document (``formulae``
positions): ``formula`` (stripped), ``doc_id``, ``start``, ``end`` (0-based, half-open offsets
into the cleaned text: from the formula's first character to its last) and ``text`` (the cleaned
text there, with its punctuation). Every occurrence is listed, within-document repeats included.

:func:`textstat_formulae` / :func:`summarise_formulae` — one row per formula (``formulae.csv``):
``formula`` (stripped, no punctuation), ``length`` (its characters), ``n_docs``, ``doc_ids``
(sorted, joined by ``;``), ``count`` (occurrences) and ``text`` (the occurrence in the first listed
document, with its punctuation). Rows are sorted by ``n_docs`` (descending), ``length``
(descending), then ``formula``; occurrences follow the same order, then ``doc_id`` and ``start``.
Neither table depends on the order of the documents.

Algorithm and complexity (``N`` characters in all, ``M`` of them in shared material)
-----------------------------------------------------------------------------------
1. *Filter* (numpy, ``O(N log N)``): a 64-bit polynomial hash of every ``min_length``-gram of the
   stripped segments; grams whose hash occurs in two or more documents mark their characters as
   shared. Every occurrence of a formula consists of such grams, so it lies inside one maximal run
   of shared characters (a *region*). A hash collision only adds material to the regions, never
   changes the result, which step 2 computes exactly.
2. *Exact* (pure Python, ``O(M)`` states): a generalised suffix automaton of the regions. The
   strings of a state share their end positions, hence their documents; the state's longest
   string ``s`` is a formula when ``len(s) >= min_length``, ``|D(s)| >= 2`` and no child in the
   suffix-link tree (the left extensions ``xs``) nor any transition (the right extensions ``sx``)
   has as many documents. Document counts come from walking the suffix links from each
   document's prefix states, stopping at states already counted for that document.
3. Occurrences are the end positions in each formula's suffix-link subtree, mapped back through
   the stripped-to-cleaned offset map.

No step compares documents pairwise. Memory is ``O(N)`` numpy arrays plus ``O(M)`` Python
objects for the automaton, which bounds how much *shared* text a run can hold (a few million
characters).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.checks import check_int, require_columns
from analysis.errors import InputError

FORMULA_COLUMNS = ["formula", "length", "n_docs", "doc_ids", "count", "text"]
OCCURRENCE_COLUMNS = ["formula", "doc_id", "start", "end", "text"]
# The placeholder rule of data/cleaning.yml (CorpusTables.segmenter.placeholder: the one in use).
PLACEHOLDER = r"\*{2,}|＊{2,}|×{2,}"
DOC_SEPARATOR = ";"
_HASH_BASE = np.uint64(0x9E3779B97F4A7C15)


def _removable(codes: np.ndarray) -> np.ndarray:
    """True for code points that are punctuation, white space or control/format characters."""
    if not len(codes):
        return np.zeros(0, dtype=bool)
    present = np.flatnonzero(np.bincount(codes))  # the distinct code points, without a sort
    table = np.zeros(int(present[-1]) + 1, dtype=bool)
    table[present] = [unicodedata.category(chr(c))[0] in "PZC" for c in present.tolist()]
    return table[codes]


class _Stripped:
    """All documents' stripped characters, concatenated, with their document and segment.

    Arrays are as small as the data allows (uint32 code points, int32 ids), since they hold one
    entry per character of the whole corpus.
    """

    def __init__(self, texts: Sequence[str], placeholder: re.Pattern[str] | None) -> None:
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        self.base = np.concatenate([[0], np.cumsum(lengths)])
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype="<u4")
        boundary = np.zeros(len(codes), dtype=bool)  # a new segment starts here
        boundary[self.base[:-1][lengths > 0]] = True
        keep = ~_removable(codes)
        if placeholder is not None:
            for d, text in enumerate(texts):
                for m in placeholder.finditer(text):
                    a, b = self.base[d] + m.start(), self.base[d] + m.end()
                    keep[a:b] = False
                    boundary[a:b] = True
        self.index = np.flatnonzero(keep)  # position in the concatenated cleaned texts
        del keep
        self.codes = codes[self.index]
        self.segment = np.cumsum(boundary, dtype=np.int32)[self.index]
        self.doc = np.searchsorted(self.base, self.index, "right").astype(np.int32) - 1
        self.text = self.codes.tobytes().decode("utf-32-le")

    def offset(self, i: int) -> int:
        """The offset in its document's cleaned text of stripped character ``i``."""
        return int(self.index[i] - self.base[self.doc[i]])


def _shared_regions(s: _Stripped, n: int) -> list[tuple[int, int]]:
    """``(start, end)`` in stripped coordinates of the maximal runs covered by shared n-grams."""
    size = len(s.codes) - n + 1
    if size <= 0:
        return []
    digest = np.zeros(size, dtype=np.uint64)
    for k in range(n):  # unsigned arithmetic wraps modulo 2**64, which is the hash we want
        digest *= _HASH_BASE
        digest += s.codes[k : k + size]
    valid = s.segment[:size] == s.segment[n - 1 :]  # segment ids never decrease
    hashes, docs = digest[valid], s.doc[:size][valid]
    del digest
    if not len(hashes):
        return []
    # A gram is shared when its hash is seen in two documents: the smallest and largest
    # document among equal hashes differ (one sort, no pairwise comparison).
    order = np.argsort(hashes)
    hashes = hashes[order]
    first = np.flatnonzero(np.concatenate([[True], hashes[1:] != hashes[:-1]]))
    del hashes
    docs = docs[order]
    spread = np.maximum.reduceat(docs, first) != np.minimum.reduceat(docs, first)
    in_shared = np.empty(len(order), dtype=bool)
    in_shared[order] = np.repeat(spread, np.diff(np.append(first, len(order))))
    del order, docs
    shared = np.zeros(len(s.codes), dtype=np.int32)
    shared[np.flatnonzero(valid)[in_shared]] = 1
    # Character i is covered when a shared gram starts in [i - n + 1, i].
    started = np.cumsum(shared, dtype=np.int32)
    covered = started - np.concatenate([np.zeros(n, dtype=np.int32), started[:-n]]) > 0
    del shared, started
    if not covered.any():
        return []
    same = s.segment[1:] == s.segment[:-1]
    run_starts = np.flatnonzero(covered & np.concatenate([[True], ~covered[:-1] | ~same]))
    run_ends = np.flatnonzero(covered & np.concatenate([~covered[1:] | ~same, [True]])) + 1
    return list(zip(run_starts.tolist(), run_ends.tolist(), strict=True))


class _Automaton:
    """A generalised suffix automaton (states as parallel lists; state 0 is the root)."""

    def __init__(self) -> None:
        self.next: list[dict[str, int]] = [{}]
        self.link = [-1]
        self.length = [0]

    def _new(self, length: int, link: int, nxt: dict[str, int]) -> int:
        self.next.append(nxt)
        self.link.append(link)
        self.length.append(length)
        return len(self.length) - 1

    def _clone(self, p: int, q: int, char: str) -> int:
        clone = self._new(self.length[p] + 1, self.link[q], dict(self.next[q]))
        while p != -1 and self.next[p].get(char) == q:
            self.next[p][char] = clone
            p = self.link[p]
        self.link[q] = clone
        return clone

    def extend(self, last: int, char: str) -> int:
        """Add ``char`` after the state ``last``; the state of the new prefix."""
        nxt, length = self.next, self.length
        if char in nxt[last]:  # this prefix was seen in an earlier string
            q = nxt[last][char]
            return q if length[q] == length[last] + 1 else self._clone(last, q, char)
        cur = self._new(length[last] + 1, 0, {})
        p = last
        while p != -1 and char not in nxt[p]:
            nxt[p][char] = cur
            p = self.link[p]
        if p != -1:
            q = nxt[p][char]
            self.link[cur] = q if length[p] + 1 == length[q] else self._clone(p, q, char)
        return cur


def _validate(documents: pd.DataFrame, min_length: int) -> None:
    caller = "formula_occurrences"
    require_columns(
        documents,
        ["doc_id", "text"],
        caller,
        name="the documents table",
        source="corpus.documents of analysis.build_corpus",
    )
    if documents["doc_id"].duplicated().any():
        dupes = documents.loc[documents["doc_id"].duplicated(), "doc_id"].unique()[:5]
        raise InputError(
            f"{caller}: doc_id must be unique; repeated: {', '.join(map(str, dupes))}"
        )
    bad = [d for d, t in zip(documents["doc_id"], documents["text"], strict=True)
           if not isinstance(t, str)]
    if bad:
        raise InputError(
            f"{caller}: text must be a string for every document; not for: {bad[:5]}"
        )
    check_int(min_length, "min_length", caller, minimum=1)


def formula_occurrences(
    documents: pd.DataFrame,
    *,
    min_length: int = 8,
    placeholder: str | re.Pattern[str] | None = PLACEHOLDER,
) -> pd.DataFrame:
    """Every occurrence of every shared formula (columns :data:`OCCURRENCE_COLUMNS`).

    ``documents`` needs ``doc_id`` and the cleaned ``text``; ``min_length`` counts stripped
    characters (settings ``formulae: min_length``); ``placeholder`` is the regular expression of
    censorship placeholders that split texts (``None``: none). See the module docstring.
    """
    _validate(documents, min_length)
    if isinstance(placeholder, str):
        placeholder = re.compile(placeholder)
    doc_ids = [str(d) for d in documents["doc_id"]]
    texts = documents["text"].tolist()
    stripped = _Stripped(texts, placeholder)
    regions = _shared_regions(stripped, min_length)

    sam = _Automaton()
    by_doc: dict[int, list[tuple[int, int]]] = {}
    for a, b in regions:
        by_doc.setdefault(int(stripped.doc[a]), []).append((a, b))
    # The state of each prefix keeps it as its longest string for good (later clones take only
    # shorter strings), so prefix states recorded during construction stay valid.
    prefix_states: dict[int, list[tuple[int, int]]] = {}
    for d, spans in by_doc.items():
        states = prefix_states[d] = []
        for a, b in spans:
            last = 0
            for i, char in enumerate(stripped.text[a:b]):
                last = sam.extend(last, char)
                states.append((last, a + i))
    n_states = len(sam.length)
    ends: list[list[int]] = [[] for _ in range(n_states)]  # stripped indices where prefixes end
    count = [0] * n_states  # documents in which the state's strings occur
    mark = [-1] * n_states  # the last document counted at the state
    for d, states in prefix_states.items():
        for state, end in states:
            ends[state].append(end)
            while state > 0 and mark[state] != d:
                mark[state] = d
                count[state] += 1
                state = sam.link[state]

    children: list[list[int]] = [[] for _ in sam.length]
    for state in range(1, len(sam.length)):
        children[sam.link[state]].append(state)
    rows = []
    for v in range(1, len(sam.length)):
        size, n = sam.length[v], count[v]
        if size < min_length or n < 2:
            continue
        if any(count[u] == n for u in children[v]) or any(
            count[w] == n for w in sam.next[v].values()
        ):
            continue
        stack, found = [v], []
        while stack:
            u = stack.pop()
            found.extend(ends[u])
            stack.extend(children[u])
        for last in found:
            first = last - size + 1
            d = int(stripped.doc[first])
            start, end = stripped.offset(first), stripped.offset(last) + 1
            formula = stripped.text[first : last + 1]
            rows.append((formula, doc_ids[d], start, end, texts[d][start:end]))
    table = pd.DataFrame(rows, columns=OCCURRENCE_COLUMNS)
    table = table.astype({"start": "int64", "end": "int64"})
    return _sort_occurrences(table)


def _sort_occurrences(occurrences: pd.DataFrame) -> pd.DataFrame:
    if occurrences.empty:
        return occurrences.reset_index(drop=True)
    per = occurrences.groupby("formula")["doc_id"].nunique()
    key = pd.DataFrame({"formula": per.index, "n_docs": per.to_numpy(),
                        "length": per.index.str.len()})
    order = key.sort_values(["n_docs", "length", "formula"], ascending=[False, False, True])
    rank = pd.Series(np.arange(len(order)), index=order["formula"].to_numpy())
    ranked = occurrences.assign(_rank=occurrences["formula"].map(rank).to_numpy())
    ranked = ranked.sort_values(["_rank", "doc_id", "start"], kind="stable")
    return ranked.drop(columns="_rank").reset_index(drop=True)


def summarise_formulae(occurrences: pd.DataFrame) -> pd.DataFrame:
    """One row per formula (columns :data:`FORMULA_COLUMNS`) from :func:`formula_occurrences`."""
    require_columns(
        occurrences,
        OCCURRENCE_COLUMNS,
        "summarise_formulae",
        name="the occurrences table",
        source="the table of formula_occurrences",
    )
    if occurrences.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in {"length", "n_docs",
                             "count"} else object) for c in FORMULA_COLUMNS})
    occ = _sort_occurrences(occurrences)
    grouped = occ.groupby("formula", sort=False)
    table = pd.DataFrame(
        {
            "length": grouped["formula"].first().str.len(),
            "n_docs": grouped["doc_id"].nunique(),
            "doc_ids": grouped["doc_id"].agg(lambda ids: DOC_SEPARATOR.join(sorted(set(ids)))),
            "count": grouped.size(),
            "text": grouped["text"].first(),  # occ is sorted by doc_id, start within a formula
        }
    ).reset_index()
    table = table.sort_values(["n_docs", "length", "formula"], ascending=[False, False, True])
    return table[FORMULA_COLUMNS].astype(
        {"length": "int64", "n_docs": "int64", "count": "int64"}
    ).reset_index(drop=True)


def textstat_formulae(
    documents: pd.DataFrame,
    *,
    min_length: int = 8,
    placeholder: str | re.Pattern[str] | None = PLACEHOLDER,
) -> pd.DataFrame:
    """The shared formulae of ``documents``, one row per formula (``formulae.csv``).

    The same as ``summarise_formulae(formula_occurrences(documents, ...))``; call those two to
    keep the positions as well. See the module docstring for definitions and the algorithm.
    """
    return summarise_formulae(
        formula_occurrences(documents, min_length=min_length, placeholder=placeholder)
    )
