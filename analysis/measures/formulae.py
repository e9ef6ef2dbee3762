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
2. *Exact* (numpy and the compiled suffix sorting of ``pydivsufsort``, ``O(M log M)``): the
   suffix array and LCP array of the regions, joined by separators (the common prefix of two
   suffixes is cut at their region's end). The strings that occur twice and cannot be extended
   to the right without losing an occurrence are the *lcp-intervals*: the ranges of suffixes
   sharing a prefix ``s`` of at least ``min_length`` characters, bounded by the nearest smaller
   LCP values (pointer jumping, with a blockwise binary search for what a few passes leave).
   ``|D(s)|`` is the interval's size less its suffixes whose previous suffix of the same
   document is in it too (that pair's smallest common interval, found by a range minimum of the
   LCP array, lies inside). Every formula is an interval (else all its occurrences go on with
   the same character, and so do its documents), and an interval ``s`` is a formula iff
   ``len(s) >= min_length``, ``|D(s)| >= 2`` and

   * no child interval has as many documents: the children are the right extensions ``sx``
     that occur at least twice (one that occurs once is in one document);
   * no interval linked to ``s`` has as many documents. The interval of a left extension
     ``xs`` is that of some ``xsw`` (``w`` possibly empty), whose suffixes one position on lie
     in the interval of ``sw``, one character shorter: its *link*. As
     ``D(xs) = D(xsw) ⊆ D(sw) ⊆ D(s)`` and (first condition) no interval below ``s`` has all
     of ``D(s)``, ``D(xs) = D(s)`` exactly when ``sw = s``.
3. Occurrences are the suffixes of each formula's interval, mapped back through the
   stripped-to-cleaned offset map.

No step compares documents pairwise. Memory is ``O(N)`` numpy arrays (``O(M)`` of them in step
2, some tens of bytes per character of shared text) and a Python row per occurrence.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

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
        # position in the concatenated cleaned texts
        self.index = np.flatnonzero(keep).astype(np.int32 if len(keep) < 2**31 else np.int64)
        del keep
        self.codes = codes[self.index]
        self.segment = np.cumsum(boundary, dtype=np.int32)[self.index]
        self.doc = np.searchsorted(self.base, self.index, "right").astype(np.int32) - 1
        self.text = self.codes.tobytes().decode("utf-32-le")


def _seen_in_two_documents(hashes: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Whether each gram's hash is seen in two documents or more: the smallest and largest
    document among equal hashes differ (a sort, no pairwise comparison).

    Equal hashes share their top bits, so the hashes are sorted a bucket of top bits at a time
    (about two million each): the sort's arrays are a bucket's, not the corpus's.
    """
    seen = np.zeros(len(hashes), dtype=bool)
    bits = min(8, max(0, int(np.ceil(np.log2(max(len(hashes), 1) / _HASHES_PER_BUCKET)))))
    # the top byte of each little-endian hash, read in place (no copy of the hashes)
    top_byte = hashes.astype("<u8", copy=False).view(np.uint8)[7::8]
    bucket = top_byte >> np.uint8(8 - bits) if bits else np.zeros(len(hashes), dtype=np.uint8)
    for b in range(1 << bits):
        members = np.flatnonzero(bucket == b)
        if not len(members):
            continue
        order = np.argsort(hashes[members])
        members = members[order]
        del order
        sorted_hashes = hashes[members]
        new_hash = np.empty(len(members), dtype=bool)
        new_hash[0] = True
        np.not_equal(sorted_hashes[1:], sorted_hashes[:-1], out=new_hash[1:])
        del sorted_hashes
        member_docs = docs[members]
        first = np.flatnonzero(new_hash)
        spread = np.maximum.reduceat(member_docs, first) != np.minimum.reduceat(member_docs, first)
        # each gram takes its hash's verdict (int32 run numbers)
        seen[members] = spread[np.cumsum(new_hash, dtype=np.int32) - 1]
    return seen


_HASHES_PER_BUCKET = 1 << 21


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
    in_shared = _seen_in_two_documents(hashes, docs)
    del hashes, docs
    shared = np.zeros(len(s.codes), dtype=np.int32)
    shared[:size][valid] = in_shared
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


def _nearest_smaller(h: np.ndarray, live: np.ndarray, step: int) -> np.ndarray:
    """For each index ``k`` in ``live``, the nearest ``j`` in direction ``step`` (-1: left, +1:
    right) with ``h[j] < h[k]``; ``h`` is 0 at both ends and positive at ``live``.

    Pointer jumping: every value strictly between ``p[k]`` and ``k`` is at least ``h[k]``, which
    stays true when ``p[k]`` moves on to ``p[p[k]]`` while ``h[p[k]] >= h[k]``. That settles
    nearly everything in a few passes; the few left after ``O(log n)`` passes (a long chain of
    ever smaller values, as in a long run of one character) go to :func:`_previous_smaller`.
    """
    p = np.arange(len(h)) + step
    todo = live[h[p[live]] >= h[live]]
    for _ in range(2 * len(h).bit_length()):
        if not len(todo):
            return p[live]
        p[todo] = p[p[todo]]
        todo = todo[h[p[todo]] >= h[todo]]
    if step < 0:
        p[todo] = _previous_smaller(h, todo)
    else:
        last = len(h) - 1
        p[todo] = last - _previous_smaller(h[::-1], last - todo)
    return p[live]


def _previous_smaller(h: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """For each ``k`` in ``ks``, the largest ``j < k`` with ``h[j] < h[k]`` (``h[0]`` is below
    every ``h[k]``), in ``O(n log n)``: at width ``w``, each ``k`` in the right half of a block
    of ``2 w`` looks for the last smaller value in the left half, by a binary search of that
    half's suffix minima (which never decrease)."""
    out = np.empty(len(ks), dtype=np.int64)
    todo, where = ks, np.arange(len(ks))
    big = int(h.max()) + 1
    width = 1
    while len(todo):
        right = (todo // width) % 2 == 1
        k = todo[right]
        block, row = np.unique(k // (2 * width), return_inverse=True)
        left = h[(block * 2 * width)[:, None] + np.arange(width - 1, -1, -1)[None, :]]
        suffix_min = np.minimum.accumulate(left, axis=1)[:, ::-1]
        suffix_min += np.arange(len(block))[:, None] * big  # one sorted array, row by row
        below = np.searchsorted(suffix_min.ravel(), row * big + h[k]) - row * width
        done = below > 0
        out[where[right][done]] = block[row[done]] * 2 * width + below[done] - 1
        rest = np.concatenate([np.flatnonzero(~right), np.flatnonzero(right)[~done]])
        todo, where = todo[rest], where[rest]
        width *= 2
    return out


def _range_minimum(h: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``h[lo[i] : hi[i] + 1].min()`` for every ``i`` (``lo <= hi``): a sparse table built one
    level at a time (level ``t`` holds the minimum of the ``2**t`` values from each index)."""
    out = np.empty(len(lo), dtype=h.dtype)
    if not len(lo):
        return out
    level = np.frexp((hi - lo + 1).astype(np.float64))[1] - 1  # floor(log2(width)), exactly
    table, t, top = h, 0, int(level.max())
    while True:
        at = np.flatnonzero(level == t)
        out[at] = np.minimum(table[lo[at]], table[hi[at] - (1 << t) + 1])
        if t == top:
            return out
        table = np.minimum(table[: -(1 << t)], table[1 << t :])
        t += 1


def _formula_occurrence_starts(
    s: _Stripped, regions: list[tuple[int, int]], min_length: int
) -> tuple[np.ndarray, np.ndarray]:
    """Step 2 (see the module docstring): the stripped index of the first character of every
    occurrence of every formula, and the formula's length."""
    nothing = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if not regions:
        return nothing
    sa, stripped_at, h = _suffix_array_of_regions(s, regions, min_length)
    live = np.flatnonzero(h)
    if not len(live):
        return nothing
    intervals = _lcp_intervals(h, live)
    n_docs = _documents_per_interval(s, sa, stripped_at, h, intervals)
    found = np.flatnonzero(
        (n_docs >= 2)
        & (_right_extension_docs(h, intervals, n_docs) < n_docs)
        & (_left_extension_docs(sa, len(stripped_at), intervals, n_docs, min_length) < n_docs)
    )
    count = intervals.rb[found] - intervals.lb[found] + 1
    ranks = np.repeat(intervals.lb[found] - np.cumsum(count) + count, count) + np.arange(
        int(count.sum())
    )
    return stripped_at[sa[ranks]], np.repeat(intervals.length[found], count)


def _suffix_array_of_regions(
    s: _Stripped, regions: list[tuple[int, int]], min_length: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The suffix array of the regions' text (separator suffixes left out), the stripped index
    of each string position (-1 at separators), and ``h``: ``h[x]`` the common prefix of the
    suffixes of ranks ``x - 1`` and ``x`` within their regions, 0 below ``min_length`` and at
    both ends."""
    from pydivsufsort import divsufsort, kasai

    starts = np.array([a for a, _ in regions], dtype=np.int64)
    sizes = np.array([b - a for a, b in regions], dtype=np.int64)
    n_regions = len(regions)
    # The regions as one string, each followed by a separator 0 (below every character code);
    # p is the string position of each region character, `where` its stripped index.
    ends = np.cumsum(sizes + 1) - 1  # the separators
    region = np.repeat(np.arange(n_regions), sizes)
    where = np.arange(len(region)) - np.repeat(np.cumsum(sizes) - sizes - starts, sizes)
    p = np.arange(len(region)) + region
    stripped_at = np.full(len(region) + n_regions, -1, dtype=np.int64)
    stripped_at[p] = where
    remaining = np.zeros(len(stripped_at), dtype=np.int64)  # characters to the region's end
    remaining[p] = ends[region] - p
    codes = s.codes[where]
    present = np.flatnonzero(np.bincount(codes))  # the distinct characters, numbered from 1
    number = np.zeros(int(present[-1]) + 1, dtype=np.uint32)
    number[present] = np.arange(1, len(present) + 1)
    string = np.zeros(len(stripped_at), dtype=np.uint16 if len(present) < 2**16 else np.uint32)
    string[p] = number[codes]
    del codes, present, number, region, where, p
    sa = divsufsort(string)
    raw = kasai(string, sa)  # raw[i]: the common prefix of the suffixes sa[i] and sa[i + 1]
    del string
    # The separator suffixes sort first; the rest are the suffixes of the regions' text.
    sa = sa[n_regions:].astype(np.int64)
    n = len(sa)
    # A raw common prefix can run on through equal separators: cut it at the regions' ends.
    h = np.zeros(n + 1, dtype=np.int64)
    h[1:n] = np.minimum(raw[n_regions : n_regions + n - 1], remaining[sa[:-1]])
    h[1:n] = np.minimum(h[1:n], remaining[sa[1:]])
    h[h < min_length] = 0
    return sa, stripped_at, h


@dataclass(frozen=True)
class _Intervals:
    """The lcp-intervals ``[lb, rb]`` of length ``length`` ≥ min_length, sorted by
    ``key = length · (n + 1) + lb``; ``rep`` is each one's representative rank."""

    key: np.ndarray
    rep: np.ndarray
    lb: np.ndarray
    rb: np.ndarray
    length: np.ndarray
    n: int

    def holding(self, lengths: np.ndarray, ranks: np.ndarray) -> np.ndarray:
        """The interval of each length holding each rank (intervals of one length are
        disjoint, so it is the last one of that length starting at or before the rank)."""
        return np.searchsorted(self.key, lengths * (self.n + 1) + ranks, side="right") - 1


def _lcp_intervals(h: np.ndarray, live: np.ndarray) -> _Intervals:
    """Each x with h[x] = l lies in the interval bounded by the nearest smaller values on either
    side; the first such x represents it."""
    n = len(h) - 1
    lb = _nearest_smaller(h, live, -1)
    rb = _nearest_smaller(h, live, +1) - 1
    key, first = np.unique(h[live] * (n + 1) + lb, return_index=True)  # by (length, lb)
    rep = live[first]
    return _Intervals(key, rep, lb[first], rb[first], h[rep], n)


def _documents_per_interval(
    s: _Stripped, sa: np.ndarray, stripped_at: np.ndarray, h: np.ndarray, iv: _Intervals
) -> np.ndarray:
    """|D(I)|: the ranks of I less those whose previous rank of the same document lies in I,
    that is whose pair has its smallest common interval inside I. Each pair is counted at that
    interval's representative, so the count for I is a sum over the ranks (lb, rb]."""
    n = iv.n
    doc = s.doc[stripped_at[sa]]
    by_doc = np.argsort(doc, kind="stable")
    block = np.cumsum(h[:n] == 0)  # ranks with a common prefix of min_length or more
    y, x = by_doc[:-1], by_doc[1:]
    pair = (doc[y] == doc[x]) & (block[y] == block[x])
    y, x = y[pair], x[pair]
    g = _range_minimum(h, y + 1, x)  # the length of the pair's smallest common interval
    inside = np.zeros(n + 1, dtype=np.int64)
    np.add.at(inside, iv.rep[iv.holding(g, x)], 1)
    inside = np.cumsum(inside)
    return (iv.rb - iv.lb + 1) - (inside[iv.rb] - inside[iv.lb])


def _right_extension_docs(h: np.ndarray, iv: _Intervals, n_docs: np.ndarray) -> np.ndarray:
    """The most documents of any right extension ``s c``: the child intervals (a parent's
    length is the larger value just outside the child)."""
    right = np.zeros(len(iv.key), dtype=np.int64)
    up = np.maximum(h[iv.lb], h[iv.rb + 1])
    child = np.flatnonzero(up)
    np.maximum.at(right, iv.holding(up[child], iv.lb[child]), n_docs[child])
    return right


def _left_extension_docs(
    sa: np.ndarray, size: int, iv: _Intervals, n_docs: np.ndarray, min_length: int
) -> np.ndarray:
    """The most documents of any left extension ``x s``: the interval of ``x s w`` links to
    that of ``s w``, one character shorter, which holds its first suffix one position on (and
    so all of them)."""
    isa = np.zeros(size, dtype=np.int64)
    isa[sa] = np.arange(len(sa))
    left = np.zeros(len(iv.key), dtype=np.int64)
    longer = np.flatnonzero(iv.length > min_length)
    np.maximum.at(
        left, iv.holding(iv.length[longer] - 1, isa[sa[iv.lb[longer]] + 1]), n_docs[longer]
    )
    return left


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

    firsts, lengths = _formula_occurrence_starts(stripped, regions, min_length)
    lasts = firsts + lengths - 1
    docs = stripped.doc[firsts]
    starts = stripped.index[firsts] - stripped.base[docs]
    ends = stripped.index[lasts] - stripped.base[docs] + 1
    rows = [
        (stripped.text[first : last + 1], doc_ids[d], start, end, texts[d][start:end])
        for first, last, d, start, end in zip(
            firsts.tolist(), lasts.tolist(), docs.tolist(), starts.tolist(), ends.tolist(),
            strict=True,
        )
    ]
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
            "count": grouped.size(),
            "text": grouped["text"].first(),  # occ is sorted by doc_id, start within a formula
        }
    )
    table.insert(2, "doc_ids", _joined_doc_ids(occ))  # formulas in the same order: first seen
    table = table.reset_index()
    table = table.sort_values(["n_docs", "length", "formula"], ascending=[False, False, True])
    return table[FORMULA_COLUMNS].astype(
        {"length": "int64", "n_docs": "int64", "count": "int64"}
    ).reset_index(drop=True)


def _joined_doc_ids(occ: pd.DataFrame) -> list[str]:
    """Each formula's documents, sorted and joined by :data:`DOC_SEPARATOR`, formulas in the
    order they first appear in ``occ``.

    ``occ`` is sorted (:func:`_sort_occurrences`): a formula's rows are together, by
    ``doc_id`` (in code-point order, as ``sorted`` orders them), so its distinct documents are
    its first rows of each ``doc_id``, in order; one ``join`` per formula, no Python call per
    group through pandas."""
    firsts = occ.drop_duplicates(["formula", "doc_id"])
    ids = [str(d) for d in firsts["doc_id"]]
    formulas = firsts["formula"].to_numpy(dtype=object)
    bounds = np.flatnonzero(np.r_[True, formulas[1:] != formulas[:-1], True])
    return [DOC_SEPARATOR.join(ids[a:b]) for a, b in itertools.pairwise(bounds.tolist())]


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
