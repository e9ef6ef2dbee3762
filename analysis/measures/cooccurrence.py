"""How often slogans occur together: ``slogan_cooccurrence.csv``.

``textstat_slogan_cooccurrence(documents, sentences, mentions, lexicon)`` counts, for every
ordered pair of slogans (``slogan_a``, ``slogan_b``) — the diagonal ``a == b`` included, zero
counts included — and every unit, how many units contain both, per document and pooled.

Units
-----
``sentence``, ``paragraph``
    the sentences and paragraphs of the sentences table; a mention belongs to the sentence and
    paragraph it starts in (its ``sent`` and ``para`` in the mentions table). Every sentence or
    paragraph is a unit, with or without slogans.
``document``
    each document of the documents table (one unit per document; pooled rows count documents).
``window`` (when ``window_chars`` is given)
    one unit per slogan mention (of any slogan of the lexicon, selected or not), like a
    concordance (KWIC) line: the mention with ``N = window_chars`` characters either side. The
    window of mention ``m`` contains slogan ``s`` when some mention ``j`` of ``s`` (``m``
    itself included) lies within ``N`` characters of ``m``:

        gap(m, j) = max(j.start − m.end, m.start − j.end, 0) ≤ N

    (overlapping or adjacent spans have gap 0). Windows stay within their document but may cross
    sentence and paragraph ends; a line break counts as one character. Because each of two nearby
    mentions anchors its own window, one isolated pair of 团结 and 民主集中制 within ``N``
    characters gives ``count = 2`` (both concordance lines show both slogans). Counting windows
    rather than pairs of mentions keeps ``n_a``, ``expected`` and ``jaccard`` meaning the same as
    for the other units.

Nested mentions
---------------
Slogans may overlap: 团结 is found inside 树正气、讲团结、求发展, and 集体领导 inside
集体领导、民主集中、个别酝酿、会议决定. With ``nested="drop"`` (the default) a mention lying
inside a strictly longer mention (of any slogan of the lexicon, whether selected or not) is not
an occurrence of its own for co-occurrence, so a formula does not co-occur with its own parts by
construction; 讲团结 inside the formula then counts as the formula only. With ``nested="keep"``
every mention counts (the formula always co-occurs with 团结 in its unit). :func:`textstat_slogans`
counts every mention either way, so its ``count`` may exceed ``n_a`` here.

Columns (fixed)
---------------
``scope``, ``grouping``, ``group``, ``doc_id``
    as in :mod:`analysis.measures.slogan_counts`: ``document`` rows have a ``doc_id``; ``group``
    rows (one per value of each ``group_by`` column) and the ``corpus`` row have ``doc_id == ""``.
``unit``
    ``sentence``, ``paragraph``, ``document`` or ``window``; ``window_chars`` gives ``N`` for
    window rows (missing for the others).
``slogan_a``, ``slogan_b``
    both orders are given, so the table pivots straight into a square matrix; it is symmetric:
    the row (a, b) equals the row (b, a) with ``n_a`` and ``n_b`` swapped.
``count``
    units containing both ``a`` and ``b``; on the diagonal, units containing ``a``.
``n_a``, ``n_b``, ``n_units``
    units containing ``a``, units containing ``b``, and all units in the scope.
``expected``
    ``n_a × n_b / n_units``, the count expected if ``a`` and ``b`` fell into units
    independently (the expected cell of the 2×2 table of units by "contains a" and "contains
    b"; Evert 2008, "Corpora and collocations", in Lüdeling & Kytö, *Corpus Linguistics: An
    International Handbook*). NaN when there are no units. On the diagonal it is
    ``n_a² / n_units``, kept only so that every row has the same columns.
``jaccard``
    ``count / (n_a + n_b − count)``, units with both over units with either (Jaccard 1912,
    "The distribution of the flora in the alpine zone", *New Phytologist* 11);
    NaN when neither occurs. 1 on the diagonal of any slogan that occurs.

Pooled rows add up the units of their documents (units never cross documents), so their
``expected`` treats all units of the group as one population.

Computation: a sparse 0/1 indicator matrix (units × slogans) whose row-wise outer products are
summed per document (``XᵀX`` per document) with ``numpy.bincount``; window units come from a
``searchsorted`` range search over mentions sorted by offset. No Python loop runs over units or
mentions. Rows are sorted by scope, grouping, group, ``doc_id``, unit (in the order above),
``slogan_a`` and ``slogan_b`` (lexicon order), independent of the input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.checks import check_bool, check_choice, check_int, require_columns
from analysis.config.lexicon import SloganLexicon
from analysis.errors import InputError
from analysis.features.slogans import (
    DOCUMENTS_SOURCE,
    MENTIONS_SOURCE,
    SENTENCES_SOURCE,
    check_group_by,
    check_mention_slogans,
    group_membership,
    nested_mentions,
    selected_slogans,
    sorted_documents,
)

Unit = Literal["sentence", "paragraph", "document"]
UNITS: tuple[str, ...] = ("sentence", "paragraph", "document", "window")
COOCCURRENCE_COLUMNS = [
    "scope", "grouping", "group", "doc_id", "unit", "window_chars", "slogan_a", "slogan_b",
    "count", "n_a", "n_b", "n_units", "expected", "jaccard",
]


def _window_units(
    doc: np.ndarray, start: np.ndarray, end: np.ndarray, slogan: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """(anchor mention, slogan) pairs: the slogans each mention's window contains, deduplicated.

    ``doc``, ``start`` must be sorted by (doc, start)."""
    n = len(doc)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    longest = int((end - start).max())
    pad = window + longest + 1
    span = int(end.max()) + 2 * pad
    key = doc * span + pad + start
    # Candidates j for anchor m: j.start ≥ m.start − N − longest (else j ends before the window)
    # and j.start ≤ m.end + N; the exact gap test follows.
    lo = np.searchsorted(key, key - window - longest, side="left")
    hi = np.searchsorted(key, doc * span + pad + end + window, side="right")
    size = hi - lo
    anchor = np.repeat(np.arange(n), size)
    within = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
    other = np.repeat(lo, size) + within
    gap = np.maximum.reduce(
        [start[other] - end[anchor], start[anchor] - end[other], np.zeros(len(anchor), np.int64)]
    )
    ok = (gap <= window) & (doc[other] == doc[anchor])
    pairs = np.unique(anchor[ok] * (slogan.max() + 1) + slogan[other[ok]])
    return pairs // (slogan.max() + 1), pairs % (slogan.max() + 1)


def _pair_counts(
    unit: np.ndarray, unit_doc: np.ndarray, slogan: np.ndarray, n_docs: int, n_slogans: int
) -> np.ndarray:
    """(docs × slogans × slogans) counts of units containing both slogans (``XᵀX`` per doc).

    ``unit``/``slogan`` list the non-zero cells of the 0/1 indicator matrix; ``unit_doc`` gives
    each cell's document."""
    if len(unit) == 0:
        return np.zeros((n_docs, n_slogans, n_slogans), dtype=np.int64)
    x = sparse.csr_matrix(
        (np.ones(len(unit), dtype=np.int8), (unit, slogan)), shape=(int(unit.max()) + 1, n_slogans)
    )
    x.sum_duplicates()
    x.data[:] = 1
    doc_of_unit = np.zeros(x.shape[0], dtype=np.int64)
    doc_of_unit[unit] = unit_doc
    # Every pair (i, j) of non-zero cells in the same row: the row-wise outer products of X.
    per_unit = np.diff(x.indptr)
    row_of = np.repeat(np.arange(x.shape[0]), per_unit)
    partners = per_unit[row_of]
    left = np.repeat(np.arange(x.nnz), partners)
    within = np.arange(len(left)) - np.repeat(np.cumsum(partners) - partners, partners)
    right = x.indptr[row_of[left]] + within
    a, b = x.indices[left], x.indices[right]
    flat = (doc_of_unit[row_of[left]] * n_slogans + a) * n_slogans + b
    counts = np.bincount(flat, minlength=n_docs * n_slogans * n_slogans)
    return counts.reshape(n_docs, n_slogans, n_slogans).astype(np.int64)


def textstat_slogan_cooccurrence(
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: SloganLexicon,
    *,
    slogans: str | Sequence[str] | None = None,
    units: Sequence[Unit] = ("sentence", "paragraph", "document"),
    window_chars: int | None = 30,
    nested: Literal["drop", "keep"] = "drop",
    group_by: Sequence[str] = (),
    per_document: bool = True,
) -> pd.DataFrame:
    """Co-occurrence counts of every pair of slogans in sentences, paragraphs, documents and
    ±``window_chars``-character windows, per document and pooled.

    ``documents`` needs ``doc_id`` (and the ``group_by`` columns); ``sentences`` the sentences
    table (``doc_id``, ``para``, ``sent``); ``mentions`` the mentions table (``doc_id``,
    ``slogan``, ``start``, ``end``, ``para``, ``sent``); ``lexicon`` the slogan lexicon the
    mentions were found with, ``slogans`` an optional selection (unknown names raise an
    :class:`~analysis.errors.InputError`). ``window_chars=None`` leaves out the window unit.
    ``per_document=False`` gives only the pooled rows (on a large corpus the per-document square
    tables are big). Defaults follow ``cooccurrence:`` in ``data/settings.yml``.

    Formulas (see the module docstring for units and nesting): ``count = |A ∩ B|`` (units
    containing both), ``expected = n_a·n_b / n_units``, ``jaccard = |A ∩ B| / |A ∪ B|``.
    Returns the columns :data:`COOCCURRENCE_COLUMNS`.
    """
    caller = "textstat_slogan_cooccurrence"
    names, group_by, units, window_chars = _check_arguments(
        documents, sentences, mentions, lexicon, slogans=slogans, units=units,
        window_chars=window_chars, nested=nested, group_by=group_by, per_document=per_document,
        caller=caller,
    )
    docs = sorted_documents(documents, caller)
    doc_index = pd.Index(docs["doc_id"].astype(str))
    occurring = _occurring_mentions(mentions, doc_index, lexicon, names, nested, caller)
    results: list[tuple[str, np.ndarray, np.ndarray]] = []  # (unit, pair counts, n_units)
    for unit in units:
        counts, n_units = (
            _document_pair_counts(occurring, len(docs), len(names))
            if unit == "document"
            else _text_unit_pair_counts(
                unit, sentences, mentions, occurring, doc_index, len(names), caller
            )
        )
        results.append((unit, counts, n_units))
    if window_chars is not None:
        results.append(
            ("window", *_window_pair_counts(occurring, window_chars, len(docs), len(names)))
        )
    labels, cube, totals = _pooled_cube(
        docs, doc_index, group_by, results, len(names), per_document=per_document
    )
    return _long_table(labels, [u for u, _, _ in results], cube, totals, names, window_chars)


def _check_arguments(
    documents: object,
    sentences: object,
    mentions: object,
    lexicon: object,
    *,
    slogans: str | Sequence[str] | None,
    units: object,
    window_chars: object,
    nested: object,
    group_by: Sequence[str],
    per_document: object,
    caller: str,
) -> tuple[tuple[str, ...], list[str], list[str], int | None]:
    """The slogans, groupings, units (in the documented order) and window width, checked."""
    require_columns(
        documents, ["doc_id"], caller, name="the documents table", source=DOCUMENTS_SOURCE
    )
    require_columns(
        sentences, ["doc_id", "para", "sent"], caller, name="the sentences table",
        source=SENTENCES_SOURCE,
    )
    require_columns(
        mentions, ["doc_id", "slogan", "start", "end", "para", "sent"], caller,
        name="the mentions table", source=MENTIONS_SOURCE,
    )
    names = selected_slogans(lexicon, slogans, caller)
    check_mention_slogans(mentions, lexicon, caller)
    group_by = check_group_by(documents, group_by, caller)
    if isinstance(units, str):
        units = [units]
    units = list(units)
    bad = [u for u in units if u not in UNITS[:3]]
    if bad or len(set(units)) != len(units):
        raise InputError(
            f"{caller}: units must be distinct names among sentence, paragraph, document (the "
            f"window unit is set by window_chars), got {units!r}"
        )
    units = sorted(units, key=UNITS.index)  # rows come in the documented unit order
    if window_chars is not None:
        window_chars = check_int(window_chars, "window_chars", caller, minimum=0)
    if not units and window_chars is None:
        raise InputError(f"{caller}: no units asked for; name a unit or give window_chars")
    check_choice(nested, "nested", caller, ("drop", "keep"))
    check_bool(per_document, "per_document", caller)
    return names, group_by, units, window_chars


class _Occurrences(NamedTuple):
    """Mentions as arrays: every mention's document row, offsets and lexicon code, whether it
    is an occurrence of its own (not dropped as nested), and the kept occurrences of selected
    slogans (``keep``) with their document row and code in the selection."""

    doc_all: np.ndarray
    start_all: np.ndarray
    end_all: np.ndarray
    code_all: np.ndarray
    occurs: np.ndarray
    selected_of: np.ndarray
    keep: np.ndarray
    doc: np.ndarray
    slogan: np.ndarray


def _occurring_mentions(
    mentions: pd.DataFrame,
    doc_index: pd.Index,
    lexicon: SloganLexicon,
    names: Sequence[str],
    nested: str,
    caller: str,
) -> _Occurrences:
    """Which mentions count as occurrences (see "Nested mentions" in the module docstring);
    mentions of unknown documents or with impossible offsets are refused."""
    m_doc_all = doc_index.get_indexer(mentions["doc_id"].astype(str))
    if (m_doc_all < 0).any():
        unknown = mentions["doc_id"].to_numpy()[m_doc_all < 0][0]
        raise InputError(
            f"{caller}: the mentions table has doc_id {unknown!r}, which is not in the documents "
            "table; pass the mentions found in these documents"
        )
    m_start_all = mentions["start"].to_numpy(dtype=np.int64)
    m_end_all = mentions["end"].to_numpy(dtype=np.int64)
    if ((m_start_all < 0) | (m_end_all <= m_start_all)).any():
        raise InputError(
            f"{caller}: some mentions have start < 0 or end ≤ start; fix the offsets"
        )
    # Nesting is judged on all mentions, so a selection of slogans changes no count.
    occurs = np.ones(len(mentions), dtype=bool)
    if nested == "drop":
        occurs = ~nested_mentions(m_doc_all, m_start_all, m_end_all)
    code_all = pd.Index(lexicon.names).get_indexer(mentions["slogan"].astype(str))
    selected_of = pd.Index(names).get_indexer(pd.Index(lexicon.names))  # lexicon → selection
    keep = occurs & (selected_of[code_all] >= 0)
    return _Occurrences(
        doc_all=m_doc_all, start_all=m_start_all, end_all=m_end_all, code_all=code_all,
        occurs=occurs, selected_of=selected_of, keep=keep, doc=m_doc_all[keep],
        slogan=selected_of[code_all[keep]],
    )


def _document_pair_counts(
    occurring: _Occurrences, n_docs: int, n_slogans: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pair counts and unit totals with each document one unit."""
    counts = _pair_counts(occurring.doc, occurring.doc, occurring.slogan, n_docs, n_slogans)
    return counts, np.ones(n_docs, dtype=np.int64)


def _text_unit_pair_counts(
    unit: str,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    occurring: _Occurrences,
    doc_index: pd.Index,
    n_slogans: int,
    caller: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Pair counts and unit totals of sentences or paragraphs (every one of the sentences table
    is a unit; a mention belongs to the one it starts in)."""
    column = "sent" if unit == "sentence" else "para"
    s_doc = doc_index.get_indexer(sentences["doc_id"].astype(str))
    in_docs = s_doc >= 0
    s_keys = np.unique(
        s_doc[in_docs].astype(np.int64) * (2**31)
        + sentences[column].to_numpy(dtype=np.int64)[in_docs]
    )
    chosen = mentions[occurring.keep]
    m_keys = occurring.doc.astype(np.int64) * (2**31) + chosen[column].to_numpy(dtype=np.int64)
    found = np.searchsorted(s_keys, m_keys)
    if len(m_keys) and (
        (found >= len(s_keys)).any() or (s_keys[np.minimum(found, len(s_keys) - 1)]
                                         != m_keys).any()
    ):
        raise InputError(
            f"{caller}: some mentions lie in a {unit} that the sentences table lacks; "
            "pass the sentences and mentions of the same corpus"
        )
    n_docs = len(doc_index)
    counts = _pair_counts(found, occurring.doc, occurring.slogan, n_docs, n_slogans)
    return counts, np.bincount(s_keys // (2**31), minlength=n_docs).astype(np.int64)


def _window_pair_counts(
    occurring: _Occurrences, window_chars: int, n_docs: int, n_slogans: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pair counts and unit totals of ±``window_chars`` windows, one per occurring mention."""
    # Every occurring mention anchors a window, whether its slogan is selected or not.
    occurs = occurring.occurs
    order = np.lexsort(
        (occurring.end_all[occurs], occurring.start_all[occurs], occurring.doc_all[occurs])
    )
    w_doc = occurring.doc_all[occurs][order].astype(np.int64)
    w_start, w_end = occurring.start_all[occurs][order], occurring.end_all[occurs][order]
    anchor, contained = _window_units(
        w_doc, w_start, w_end, occurring.code_all[occurs][order].astype(np.int64), window_chars
    )
    contained = occurring.selected_of[contained]
    anchor, contained = anchor[contained >= 0], contained[contained >= 0]
    counts = _pair_counts(anchor, w_doc[anchor], contained, n_docs, n_slogans)
    return counts, np.bincount(w_doc, minlength=n_docs).astype(np.int64)


def _pooled_cube(
    docs: pd.DataFrame,
    doc_index: pd.Index,
    group_by: Sequence[str],
    results: list[tuple[str, np.ndarray, np.ndarray]],
    n_slogans: int,
    *,
    per_document: bool,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Row labels, (labels × units × slogans × slogans) counts and (labels × units) unit
    totals: documents (if ``per_document``), then pooled rows; pooled rows sum their
    documents."""
    n_docs = len(docs)
    pooled, membership = group_membership(docs, group_by)
    labels = pooled.assign(doc_id="")
    if per_document:
        labels = pd.concat(
            [pd.DataFrame({"scope": "document", "grouping": "", "group": "",
                           "doc_id": doc_index.to_numpy(dtype=object)}), labels],
            ignore_index=True,
        )
    # Already in the documented row order: documents in doc_id order, then pooled rows in
    # group_by order with sorted values, then the corpus.
    cube = np.zeros((len(labels), len(results), n_slogans, n_slogans), dtype=np.int64)
    totals = np.zeros((len(labels), len(results)), dtype=np.int64)
    for k, (_, counts, n_units) in enumerate(results):
        flat = counts.reshape(n_docs, n_slogans * n_slogans)
        pooled_counts = np.rint(membership @ flat).astype(np.int64)
        pooled_units = np.rint(membership @ n_units).astype(np.int64)
        if per_document:
            pooled_counts = np.vstack([flat, pooled_counts])
            pooled_units = np.r_[n_units, pooled_units]
        cube[:, k] = pooled_counts.reshape(len(labels), n_slogans, n_slogans)
        totals[:, k] = pooled_units
    return labels, cube, totals


def _long_table(
    labels: pd.DataFrame,
    units: list[str],
    cube: np.ndarray,
    totals: np.ndarray,
    names: Sequence[str],
    window_chars: int | None,
) -> pd.DataFrame:
    """The long table from (labels × units × slogan_a × slogan_b) counts and (labels × units)
    unit totals; rows in the array's order."""
    n_labels, n_units, n_slogans = cube.shape[0], cube.shape[1], cube.shape[2]
    per_label = n_units * n_slogans * n_slogans
    diagonal = np.diagonal(cube, axis1=2, axis2=3)  # labels × units × slogans
    n_a = np.broadcast_to(diagonal[:, :, :, None], cube.shape).ravel()
    n_b = np.broadcast_to(diagonal[:, :, None, :], cube.shape).ravel()
    both = cube.ravel()
    total = np.broadcast_to(totals[:, :, None, None], cube.shape).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.where(total > 0, n_a * n_b / np.maximum(total, 1), np.nan)
        either = n_a + n_b - both
        jaccard = np.where(either > 0, both / np.maximum(either, 1), np.nan)
    unit_index = np.tile(np.repeat(np.arange(n_units), n_slogans * n_slogans), n_labels)
    is_window = np.asarray([u == "window" for u in units])[unit_index]
    window = pd.array(np.where(is_window, window_chars or 0, 0), dtype="Int64")
    window[~is_window] = pd.NA
    slogan_index = np.arange(n_slogans)
    label_index = np.repeat(np.arange(n_labels), per_label)
    n_cells = n_labels * n_units
    return pd.DataFrame(
        {
            **{c: _take(labels[c], label_index) for c in ("scope", "grouping", "group", "doc_id")},
            "unit": _take(units, unit_index),
            "window_chars": window,
            "slogan_a": _take(names, np.tile(np.repeat(slogan_index, n_slogans), n_cells)),
            "slogan_b": _take(names, np.tile(slogan_index, n_cells * n_slogans)),
            "count": both,
            "n_a": n_a,
            "n_b": n_b,
            "n_units": total,
            "expected": expected.astype(float),
            "jaccard": jaccard.astype(float),
        }
    )


def _take(values: Sequence[str] | pd.Series, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[codes]`` as a string array (taking from the few distinct values is much faster
    than converting millions of Python strings)."""
    return pd.Index(np.asarray(values, dtype=object), dtype="str").take(codes).array
