"""Where slogans occur, shared by the slogan measures: argument checks, pooling, nesting, and the
counts with bootstrap intervals.

Who uses what:

* :func:`selected_slogans`, :func:`check_mention_slogans` — every slogan measure
  (``textstat_slogans``, ``textstat_slogan_trends``, ``textstat_slogan_cooccurrence``,
  ``textstat_collocates``): which slogans to report, and a refusal of mentions found with
  another lexicon;
* :func:`check_group_by`, :func:`sorted_documents`, :func:`group_membership` — the measures
  that pool documents into groups (slogan counts, trends, co-occurrence);
* :func:`nested_mentions` — co-occurrence and collocates (``nested="drop"``);
* :func:`check_slogan_count_arguments` and :func:`slogan_count_table` — the counts, rates per
  10,000 characters and bootstrap intervals of ``slogan_counts.csv``, which
  :func:`analysis.measures.slogan_counts.textstat_slogans` returns and
  :func:`analysis.measures.trends.textstat_slogan_trends` pools by time step. The formulas and
  their sources are in the docstring of :mod:`analysis.measures.slogan_counts`.

Every check raises :class:`~analysis.errors.InputError` whose message starts with the caller's
name.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.checks import MAX_BOOTSTRAP_RESAMPLES, check_choice, check_int, require_columns
from analysis.config.lexicon import SloganLexicon
from analysis.errors import InputError

SLOGAN_COUNT_COLUMNS = [
    "scope", "grouping", "group", "doc_id", "slogan", "n_docs", "n_paragraphs", "n_chars",
    "count", "token_count", "per_10k_chars", "ci_low", "ci_high", "ci_method", "confidence",
    "n_resamples", "seed",
]
SCOPES = ("document", "group", "corpus")
Resample = Literal["paragraphs", "documents"]
RESAMPLE_UNITS: tuple[str, ...] = ("paragraphs", "documents")
CI_METHODS = ("paragraphs", "documents", "none")
# Second argument of the document bootstrap's seed: its own stream, apart from the paragraphs'.
_DOCUMENT_STREAM = 1
PER_CHARS = 10_000
#: Cells of the per-chunk draw and result arrays; bounds memory on large corpora.
MAX_CELLS = 4_000_000
#: Where the corpus tables come from, for error messages.
DOCUMENTS_SOURCE = "corpus.documents of analysis.build_corpus"
MENTIONS_SOURCE = "corpus.mentions of analysis.build_corpus"
SENTENCES_SOURCE = "corpus.sentences of analysis.build_corpus"
TOKENS_SOURCE = "corpus.tokens of analysis.build_corpus"


# --- checks shared by the slogan measures ------------------------------------------------------


def selected_slogans(
    lexicon: SloganLexicon, slogans: str | Sequence[str] | None, caller: str
) -> tuple[str, ...]:
    """The slogan names to report: all of ``lexicon``, or ``slogans`` (unknown names raise)."""
    if not isinstance(lexicon, SloganLexicon):
        raise InputError(
            f"{caller}: lexicon must be a SloganLexicon (corpus.slogans or "
            f"analysis.load_slogans()), got {type(lexicon).__name__}"
        )
    if slogans is None:
        return lexicon.names
    if isinstance(slogans, str):
        slogans = [slogans]
    try:
        return lexicon.select(slogans).names
    except InputError as exc:  # name the measure that was asked
        raise InputError(f"{caller}: {exc}") from exc


def check_mention_slogans(mentions: pd.DataFrame, lexicon: SloganLexicon, caller: str) -> None:
    """Refuse mentions of slogans the lexicon does not know (tables from different lexicons)."""
    unknown = sorted(set(mentions["slogan"].astype(str)) - set(lexicon.names))
    if unknown:
        raise InputError(
            f"{caller}: the mentions table names slogan(s) {', '.join(unknown[:5])} that the "
            f"lexicon ({lexicon.source}) lacks; pass the lexicon the mentions were found with"
        )


def check_group_by(documents: pd.DataFrame, group_by: Sequence[str], caller: str) -> list[str]:
    """``group_by`` as a list of metadata columns of ``documents``."""
    if isinstance(group_by, str):
        group_by = [group_by]
    columns = list(group_by)
    for column in columns:
        if not isinstance(column, str) or column not in documents.columns:
            raise InputError(
                f"{caller}: group_by names {column!r}, which is not a column of the documents "
                f"table (columns: {', '.join(map(str, documents.columns))}); add it to the "
                "metadata or pass group_by=()"
            )
        if column == "doc_id":
            raise InputError(
                f"{caller}: group_by may not be doc_id; document rows are always given"
            )
    if len(set(columns)) != len(columns):
        raise InputError(f"{caller}: group_by lists a column twice ({columns}); list each once")
    return columns


def sorted_documents(documents: pd.DataFrame, caller: str) -> pd.DataFrame:
    """Documents in ``doc_id`` order (so no result depends on row order); ids must be unique."""
    ids = documents["doc_id"]
    if ids.isna().any():
        raise InputError(f"{caller}: a document has no doc_id; give every document an id")
    if ids.duplicated().any():
        raise InputError(
            f"{caller}: doc_id {ids[ids.duplicated()].iloc[0]!r} appears twice in the documents "
            "table; pass each document once"
        )
    order = np.argsort(ids.astype(str).to_numpy(), kind="stable")
    return documents.iloc[order].reset_index(drop=True)


# --- pooling and nesting -----------------------------------------------------------------------


def group_membership(
    documents: pd.DataFrame, group_by: Sequence[str]
) -> tuple[pd.DataFrame, sparse.csr_matrix]:
    """Pooled rows and their members: (``scope``, ``grouping``, ``group``) labels and a sparse
    (pooled rows × documents) 0/1 matrix, documents in ``documents`` order.

    One row per value of each ``group_by`` column (values as text, sorted; missing values left
    out), then the corpus row.
    """
    labels: list[tuple[str, str, str]] = []
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    n_docs = len(documents)
    for column in group_by:
        values = documents[column]
        present = values.notna().to_numpy()
        codes, uniques = pd.factorize(values[present].astype(str), sort=True)
        base = len(labels)
        labels.extend(("group", column, str(u)) for u in uniques)
        rows.append(base + codes)
        cols.append(np.flatnonzero(present))
    labels.append(("corpus", "", ""))
    rows.append(np.full(n_docs, len(labels) - 1))
    cols.append(np.arange(n_docs))
    row = np.concatenate(rows).astype(np.int64)
    col = np.concatenate(cols).astype(np.int64)
    membership = sparse.csr_matrix(
        (np.ones(len(row)), (row, col)), shape=(len(labels), n_docs)
    )
    return pd.DataFrame(labels, columns=["scope", "grouping", "group"]), membership


def nested_mentions(doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """True for each mention lying inside a strictly longer mention of the same document.

    ``m`` is nested when some other mention ``o`` has ``o.start ≤ m.start``, ``m.end ≤ o.end``
    and is longer. Vectorised: mentions sorted by (doc, start, −end); a running maximum of
    ``end`` over earlier starts finds covering mentions.
    """
    n = len(doc)
    if n == 0:
        return np.zeros(0, dtype=bool)
    doc, start, end = (np.asarray(a, dtype=np.int64) for a in (doc, start, end))
    order = np.lexsort((-end, start, doc))
    d, s, e = doc[order], start[order], end[order]
    new_group = np.r_[True, (d[1:] != d[:-1]) | (s[1:] != s[:-1])]
    group_id = np.cumsum(new_group) - 1
    group_first = np.flatnonzero(new_group)
    # Same start, longer end: the first of the (doc, start) group has the largest end.
    longer_same_start = e < e[group_first][group_id]
    # Earlier start, end at least as far: running max of end within the document, taken just
    # before this start group (ends are shifted by doc so the maximum never crosses documents).
    shift = int(e.max()) + 1
    running = np.maximum.accumulate(d * shift + e)
    before = np.where(group_first > 0, running[np.maximum(group_first - 1, 0)], -1)[group_id]
    covered_earlier = (before - d * shift) >= e
    nested = np.empty(n, dtype=bool)
    nested[order] = longer_same_start | covered_earlier
    return nested


# --- slogan counts: the arguments --------------------------------------------------------------


@dataclass(frozen=True)
class SloganCountOptions:
    """Checked options of the slogan counts (see :func:`check_slogan_count_arguments`)."""

    names: tuple[str, ...]
    group_by: tuple[str, ...]
    resample: str
    n_resamples: int
    confidence: float
    seed: int


def check_slogan_count_arguments(
    documents: object,
    mentions: object,
    lexicon: object,
    *,
    slogans: str | Sequence[str] | None,
    group_by: Sequence[str],
    resample: object,
    bootstrap_resamples: object,
    confidence: object,
    seed: object,
    caller: str,
) -> SloganCountOptions:
    """The options of ``textstat_slogans`` checked, each mistake an
    :class:`~analysis.errors.InputError` naming ``caller`` and what to pass instead."""
    require_columns(
        documents, ["doc_id", "text"], caller, name="the documents table", source=DOCUMENTS_SOURCE
    )
    require_columns(
        mentions, ["doc_id", "slogan", "start", "end", "is_token"], caller,
        name="the mentions table", source=MENTIONS_SOURCE,
    )
    names = selected_slogans(lexicon, slogans, caller)
    check_mention_slogans(mentions, lexicon, caller)
    columns = check_group_by(documents, group_by, caller)
    if (
        isinstance(bootstrap_resamples, bool)
        or not isinstance(bootstrap_resamples, (int, np.integer))
        or not 0 <= bootstrap_resamples <= MAX_BOOTSTRAP_RESAMPLES
    ):
        # Not check_int: this message says what 0 does and why there is a maximum.
        raise InputError(
            f"{caller}: bootstrap_resamples must be a whole number from 0 (skips the bootstrap) "
            f"to {MAX_BOOTSTRAP_RESAMPLES:,} (more moves no interval at the precision shown, "
            f"and costs memory), got {bootstrap_resamples!r}"
        )
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not (
        0 < confidence < 1
    ):
        raise InputError(
            f"{caller}: confidence must be a number between 0 and 1 (e.g. 0.95), got {confidence!r}"
        )
    seed = check_int(seed, "seed", caller, minimum=0)
    resample = check_choice(resample, "resample", caller, RESAMPLE_UNITS)
    if documents["text"].isna().any():
        raise InputError(f"{caller}: a document has no text; pass the cleaned documents table")
    return SloganCountOptions(
        names=names, group_by=tuple(columns), resample=resample,
        n_resamples=int(bootstrap_resamples), confidence=float(confidence), seed=seed,
    )


# --- slogan counts: per document ---------------------------------------------------------------


class _Mentions(NamedTuple):
    """The selected mentions: row of the sorted documents, start offset, slogan code, token?"""

    doc: np.ndarray
    start: np.ndarray
    slogan: np.ndarray
    token: np.ndarray


class _DocumentCounts(NamedTuple):
    """Counts per document (docs × slogans) and the paragraphs the bootstrap resamples."""

    counts: np.ndarray
    token_counts: np.ndarray
    chars: np.ndarray
    paragraphs: np.ndarray
    para_doc: np.ndarray
    para_chars: np.ndarray
    para_counts: sparse.csr_matrix


def _selected_mentions(
    docs: pd.DataFrame, mentions: pd.DataFrame, names: Sequence[str], caller: str
) -> _Mentions:
    """The mentions of the ``names`` slogans, refused if they do not fit the documents."""
    doc_index = pd.Index(docs["doc_id"].astype(str))
    texts_len = docs["text"].astype(str).str.len().to_numpy(dtype=np.int64)
    selected = mentions[mentions["slogan"].astype(str).isin(names)]
    m_doc = doc_index.get_indexer(selected["doc_id"].astype(str))
    if (m_doc < 0).any():
        unknown = selected["doc_id"].to_numpy()[m_doc < 0][0]
        raise InputError(
            f"{caller}: the mentions table has doc_id {unknown!r}, which is not in the documents "
            "table; pass the mentions found in these documents"
        )
    m_start = selected["start"].to_numpy(dtype=np.int64)
    m_end = selected["end"].to_numpy(dtype=np.int64)
    if ((m_start < 0) | (m_end <= m_start) | (m_end > texts_len[m_doc])).any():
        raise InputError(
            f"{caller}: some mention offsets do not fit their document's text; pass the "
            "mentions found in these cleaned texts"
        )
    return _Mentions(
        doc=m_doc,
        start=m_start,
        slogan=pd.Index(names).get_indexer(selected["slogan"].astype(str)),
        token=selected["is_token"].to_numpy(dtype=bool),
    )


def _paragraphs(documents: pd.DataFrame) -> pd.DataFrame:
    """Non-empty lines of each cleaned text: ``doc`` (row of ``documents``), ``start``,
    ``n_chars``; in document then text order."""
    lines = documents["text"].astype(str).str.split("\n").explode()
    length = lines.str.len().to_numpy(dtype=np.int64)
    doc = lines.index.to_numpy(dtype=np.int64)
    # Start offset of each line: running sum of (length + line break) within its document.
    step = length + 1
    cum = np.cumsum(step) - step
    first_of_doc = np.r_[True, doc[1:] != doc[:-1]]
    doc_base = np.maximum.accumulate(np.where(first_of_doc, cum, 0))
    start = cum - doc_base
    keep = length > 0
    return pd.DataFrame({"doc": doc[keep], "start": start[keep], "n_chars": length[keep]})


def _mention_paragraphs(
    paragraphs: pd.DataFrame, doc: np.ndarray, start: np.ndarray, span: int
) -> np.ndarray:
    """Row of ``paragraphs`` holding each mention (by its start offset)."""
    para_key = paragraphs["doc"].to_numpy() * span + paragraphs["start"].to_numpy()
    return np.searchsorted(para_key, doc * span + start, side="right") - 1


def _document_counts(docs: pd.DataFrame, mentions: _Mentions, n_slogans: int) -> _DocumentCounts:
    """Mentions, whole-token mentions, characters and paragraphs of each document, and the
    (paragraphs × slogans) mention counts."""
    n_docs = len(docs)
    texts_len = docs["text"].astype(str).str.len().to_numpy(dtype=np.int64)
    span = int(texts_len.max(initial=0)) + 1
    paragraphs = _paragraphs(docs)
    para_doc = paragraphs["doc"].to_numpy()
    para_chars = paragraphs["n_chars"].to_numpy()
    m_para = _mention_paragraphs(paragraphs, mentions.doc, mentions.start, span)
    counts = np.zeros((n_docs, n_slogans), dtype=np.int64)
    np.add.at(counts, (mentions.doc, mentions.slogan), 1)
    token_counts = np.zeros((n_docs, n_slogans), dtype=np.int64)
    np.add.at(token_counts, (mentions.doc[mentions.token], mentions.slogan[mentions.token]), 1)
    return _DocumentCounts(
        counts=counts,
        token_counts=token_counts,
        chars=np.bincount(para_doc, weights=para_chars, minlength=n_docs).astype(np.int64),
        paragraphs=np.bincount(para_doc, minlength=n_docs).astype(np.int64),
        para_doc=para_doc,
        para_chars=para_chars,
        para_counts=sparse.csr_matrix(
            (np.ones(len(m_para)), (m_para, mentions.slogan)),
            shape=(len(paragraphs), n_slogans),
        ),
    )


# --- slogan counts: the bootstrap --------------------------------------------------------------


def _bootstrap_intervals(
    para_doc: np.ndarray,
    para_chars: np.ndarray,
    para_counts: sparse.csr_matrix,
    counts: np.ndarray,
    membership: sparse.csr_matrix,
    *,
    n_resamples: int,
    confidence: float,
    seed: int,
    max_cells: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals for documents (docs × slogans × 2) and pooled rows (pooled × slogans
    × 2). ``para_doc`` must be sorted (paragraphs grouped by document, documents in order);
    ``counts`` are the documents' mention counts (docs × slogans).

    Paragraph bootstrap (Efron & Tibshirani 1993, ch. 13, percentile interval): each resample
    draws a document's ``P`` paragraphs with replacement, ``rate* = Σ mentions* / Σ chars* ×
    10,000``; pooled rows sum the same draws of their documents (stratified).
    """
    n_pooled, n_docs = membership.shape
    n_slogans = para_counts.shape[1]
    quantiles = [(1 - confidence) / 2, (1 + confidence) / 2]
    n_para = np.bincount(para_doc, minlength=n_docs)
    first_para = np.r_[0, np.cumsum(n_para)]
    # A slogan a document never mentions has rate 0 in every resample: interval [0, 0].
    doc_ci = np.zeros((n_docs, n_slogans, 2))
    doc_ci[n_para == 0] = np.nan
    pooled_num = np.zeros((n_pooled, n_resamples * n_slogans))
    pooled_den = np.zeros((n_pooled, n_resamples))
    has_mentions = np.diff(para_counts.indptr) > 0
    mentioning = counts.any(axis=1)
    rng = np.random.default_rng(seed)
    # Documents are processed in chunks that keep the arrays under max_cells. The draws are
    # made paragraph-major, so the random stream (and every result) is the same for any chunking.
    cost = (n_para + 1 + mentioning * n_slogans) * n_resamples
    chunk = np.cumsum(cost) // max(max_cells, 1)
    bounds = np.r_[0, np.flatnonzero(np.diff(chunk)) + 1, n_docs]
    for d0, d1 in itertools.pairwise(bounds):
        p0, p1 = first_para[d0], first_para[d1]
        if p1 == p0:
            continue
        slot_doc = para_doc[p0:p1]
        size = n_para[slot_doc]
        offset = first_para[slot_doc] - p0
        # drawn[j, b]: the paragraph (of the chunk) drawn for slot j of its document in resample b
        drawn = rng.integers(0, size[:, None], size=(p1 - p0, n_resamples)) + offset[:, None]
        with_paras = np.flatnonzero(n_para[d0:d1])
        den = np.zeros((d1 - d0, n_resamples))
        den[with_paras] = np.add.reduceat(
            para_chars[p0:p1].astype(float)[drawn], first_para[d0:d1][with_paras] - p0, axis=0
        )
        # Mentions: only draws of paragraphs with mentions matter. W[(doc, resample), paragraph]
        # counts how often a paragraph was drawn; W @ counts sums mentions per resample.
        slot, resample = np.nonzero(has_mentions[p0:p1][drawn])
        weights = sparse.csr_matrix(
            (np.ones(len(slot)), ((slot_doc[slot] - d0) * n_resamples + resample,
                                  drawn[slot, resample])),
            shape=((d1 - d0) * n_resamples, p1 - p0),
        )
        num = (weights @ para_counts[p0:p1]).tocoo()
        # The same sums as a (documents × resamples·slogans) matrix, to pool documents.
        num = sparse.csr_matrix(
            (num.data, (num.row // n_resamples, (num.row % n_resamples) * n_slogans + num.col)),
            shape=(d1 - d0, n_resamples * n_slogans),
        )
        part = membership[:, d0:d1]
        pooled_num += (part @ num).toarray()
        pooled_den += part @ den
        docs_with = np.flatnonzero(mentioning[d0:d1])
        if len(docs_with):
            dense = num[docs_with].toarray().reshape(len(docs_with), n_resamples, n_slogans)
            cell_doc, cell_slogan = np.nonzero(counts[d0 + docs_with])
            rates = dense[cell_doc, :, cell_slogan] / den[docs_with[cell_doc]] * PER_CHARS
            doc_ci[d0 + docs_with[cell_doc], cell_slogan] = np.quantile(rates, quantiles, axis=1).T
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled_num = pooled_num.reshape(n_pooled, n_resamples, n_slogans)
        pooled_rates = pooled_num / pooled_den[:, :, None] * PER_CHARS
    pooled_ci = np.moveaxis(np.quantile(pooled_rates, quantiles, axis=1), 0, -1)
    return doc_ci, pooled_ci


def _document_bootstrap_intervals(
    counts: np.ndarray,
    doc_chars: np.ndarray,
    membership: sparse.csr_matrix,
    *,
    n_resamples: int,
    confidence: float,
    seed: int,
    max_cells: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster-bootstrap percentile intervals of pooled rows (pooled × slogans × 2), resampling
    each pooled row's documents whole, and whether each row got one (``n_docs ≥ 2``).

    Davison & Hinkley 1997 §3.8; Field & Welsh 2007: ``rate* = Σ_k count_{d*_k} /
    Σ_k n_chars_{d*_k} × 10,000`` over ``D`` documents ``d*_k`` drawn with replacement.
    """
    n_pooled = membership.shape[0]
    n_slogans = counts.shape[1]
    quantiles = [(1 - confidence) / 2, (1 + confidence) / 2]
    pooled_ci = np.full((n_pooled, n_slogans, 2), np.nan)
    resampled = np.zeros(n_pooled, dtype=bool)
    rng = np.random.default_rng((seed, _DOCUMENT_STREAM))
    for p in range(n_pooled):
        members = np.sort(membership.indices[membership.indptr[p] : membership.indptr[p + 1]])
        size = len(members)
        if size < 2:
            continue  # one document: no between-document variation to resample
        resampled[p] = True
        member_counts = counts[members].astype(float)
        member_chars = doc_chars[members].astype(float)
        rates = np.empty((n_resamples, n_slogans))
        # Resamples in chunks that keep the draw arrays under max_cells; the uniform stream is
        # read in the same order whatever the chunk size, so results do not depend on it.
        step = max(1, max_cells // (size + n_slogans))
        for b0 in range(0, n_resamples, step):
            b1 = min(b0 + step, n_resamples)
            drawn = np.minimum((rng.random((b1 - b0, size)) * size).astype(np.int64), size - 1)
            # weights[b, d]: how often resample b drew member d
            weights = sparse.csr_matrix(
                (np.ones(drawn.size), (np.repeat(np.arange(b1 - b0), size), drawn.ravel())),
                shape=(b1 - b0, size),
            )
            num = weights @ member_counts
            den = weights @ member_chars
            with np.errstate(invalid="ignore", divide="ignore"):
                rates[b0:b1] = num / den[:, None] * PER_CHARS
        if np.isnan(rates).all():
            continue  # no characters in any of the group's documents: no rate, no interval
        pooled_ci[p] = np.nanquantile(rates, quantiles, axis=0).T
    return pooled_ci, resampled


class _Intervals(NamedTuple):
    """Interval bounds of document and pooled rows, and what each row resampled."""

    documents: np.ndarray
    pooled: np.ndarray
    document_method: str
    pooled_method: np.ndarray


def _intervals(
    counts: _DocumentCounts,
    membership: sparse.csr_matrix,
    options: SloganCountOptions,
    max_cells: int,
) -> _Intervals:
    """The bootstrap intervals the options ask for (NaN and ``"none"`` without resamples)."""
    n_docs, n_slogans = counts.counts.shape
    n_pooled = membership.shape[0]
    if options.n_resamples == 0:
        return _Intervals(
            documents=np.full((n_docs, n_slogans, 2), np.nan),
            pooled=np.full((n_pooled, n_slogans, 2), np.nan),
            document_method="none",
            pooled_method=np.full(n_pooled, "none", dtype=object),
        )
    draws = {
        "n_resamples": options.n_resamples, "confidence": options.confidence,
        "seed": options.seed, "max_cells": max_cells,
    }
    doc_ci, pooled_ci = _bootstrap_intervals(
        counts.para_doc, counts.para_chars, counts.para_counts, counts.counts, membership, **draws
    )
    pooled_method = np.full(n_pooled, "paragraphs", dtype=object)
    if options.resample == "documents":
        pooled_ci, resampled = _document_bootstrap_intervals(
            counts.counts, counts.chars, membership, **draws
        )
        pooled_method = np.where(resampled, "documents", "none").astype(object)
    return _Intervals(doc_ci, pooled_ci, "paragraphs", pooled_method)


# --- slogan counts: the table ------------------------------------------------------------------


def slogan_count_table(
    documents: pd.DataFrame,
    mentions: pd.DataFrame,
    options: SloganCountOptions,
    *,
    caller: str,
    max_cells: int = MAX_CELLS,
) -> pd.DataFrame:
    """The table of :data:`SLOGAN_COUNT_COLUMNS` for checked ``options`` (formulas and sources:
    :mod:`analysis.measures.slogan_counts`). ``max_cells`` bounds the bootstrap's arrays; no
    result depends on it."""
    docs = sorted_documents(documents, caller)
    selected = _selected_mentions(docs, mentions, options.names, caller)
    counts = _document_counts(docs, selected, len(options.names))
    pooled, membership = group_membership(docs, options.group_by)
    intervals = _intervals(counts, membership, options, max_cells)
    table = pd.concat(
        [
            _document_rows(docs, counts, intervals, options.names),
            _pooled_rows(pooled, membership, counts, intervals, options.names),
        ],
        ignore_index=True,
    )
    return _finished_count_table(table, options)


def _document_rows(
    docs: pd.DataFrame, counts: _DocumentCounts, intervals: _Intervals, names: Sequence[str]
) -> pd.DataFrame:
    """One row per document and slogan (documents in ``docs`` order, slogans in ``names``)."""
    n_slogans = len(names)
    rows = pd.DataFrame(
        {
            "scope": "document",
            "grouping": "",
            "group": "",
            "doc_id": np.repeat(docs["doc_id"].astype(str).to_numpy(dtype=object), n_slogans),
            "n_docs": 1,
            "n_paragraphs": np.repeat(counts.paragraphs, n_slogans),
            "n_chars": np.repeat(counts.chars, n_slogans),
            "count": counts.counts.ravel(),
            "token_count": counts.token_counts.ravel(),
            "ci_low": intervals.documents[:, :, 0].ravel(),
            "ci_high": intervals.documents[:, :, 1].ravel(),
            "ci_method": intervals.document_method,
        }
    )
    rows["slogan"] = np.tile(np.asarray(names, dtype=object), len(docs))
    return rows


def _pooled_rows(
    pooled: pd.DataFrame,
    membership: sparse.csr_matrix,
    counts: _DocumentCounts,
    intervals: _Intervals,
    names: Sequence[str],
) -> pd.DataFrame:
    """One row per pooled row (groups, then the corpus) and slogan: the sums of its documents."""
    n_slogans = len(names)

    def summed(per_document: np.ndarray) -> np.ndarray:
        return np.rint(membership @ per_document).astype(np.int64)

    rows = pd.DataFrame(
        {
            "scope": np.repeat(pooled["scope"].to_numpy(dtype=object), n_slogans),
            "grouping": np.repeat(pooled["grouping"].to_numpy(dtype=object), n_slogans),
            "group": np.repeat(pooled["group"].to_numpy(dtype=object), n_slogans),
            "doc_id": "",
            "n_docs": np.repeat(
                np.asarray(membership.sum(axis=1)).ravel().astype(np.int64), n_slogans
            ),
            "n_paragraphs": np.repeat(summed(counts.paragraphs), n_slogans),
            "n_chars": np.repeat(summed(counts.chars), n_slogans),
            "count": summed(counts.counts).ravel(),
            "token_count": summed(counts.token_counts).ravel(),
            "ci_low": intervals.pooled[:, :, 0].ravel(),
            "ci_high": intervals.pooled[:, :, 1].ravel(),
            "ci_method": np.repeat(intervals.pooled_method, n_slogans),
        }
    )
    rows["slogan"] = np.tile(np.asarray(names, dtype=object), len(pooled))
    return rows


def _finished_count_table(table: pd.DataFrame, options: SloganCountOptions) -> pd.DataFrame:
    """Rates and the options added, rows sorted, columns typed as documented."""
    with np.errstate(invalid="ignore", divide="ignore"):
        table["per_10k_chars"] = table["count"] / table["n_chars"].where(table["n_chars"] > 0)
        table["per_10k_chars"] *= PER_CHARS
    table["confidence"] = options.confidence
    table["n_resamples"] = options.n_resamples
    table["seed"] = options.seed
    return _sorted_counts(table, options.group_by, options.names)[SLOGAN_COUNT_COLUMNS].astype(
        {
            "scope": "str", "grouping": "str", "group": "str", "doc_id": "str", "slogan": "str",
            "n_docs": "int64", "n_paragraphs": "int64", "n_chars": "int64", "count": "int64",
            "token_count": "int64", "per_10k_chars": "float64", "ci_low": "float64",
            "ci_high": "float64", "ci_method": "str", "confidence": "float64",
            "n_resamples": "int64",
            "seed": "int64",
        }
    )


def _sorted_counts(
    table: pd.DataFrame, group_by: Sequence[str], names: Sequence[str]
) -> pd.DataFrame:
    """Rows in the documented order: scope, grouping (``group_by`` order), group, doc, slogan."""
    keys = pd.DataFrame(
        {
            "scope": table["scope"].map({s: i for i, s in enumerate(SCOPES)}),
            "grouping": table["grouping"].map({g: i for i, g in enumerate(["", *group_by])}),
            "group": table["group"],
            "doc_id": table["doc_id"],
            "slogan": table["slogan"].map({s: i for i, s in enumerate(names)}),
        }
    )
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return table.loc[order].reset_index(drop=True)
