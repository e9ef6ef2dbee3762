"""Slogan counts per document and per group, with bootstrap intervals: ``slogan_counts.csv``.

``textstat_slogans(documents, mentions, lexicon)`` counts every slogan of the lexicon (or of a
selection) in every document — zero counts included — and pools documents into groups, so that
documents of very different lengths can be compared as rates per 10,000 characters.

Rows and columns (fixed, whatever the data):

``scope``
    ``"document"`` (one document), ``"group"`` (the documents sharing a metadata value) or
    ``"corpus"`` (all documents).
``grouping``, ``group``
    for group rows, the metadata column (e.g. ``level``) and its value as text (e.g. ``city``);
    empty (``""``) for document and corpus rows. Documents whose value is missing are left out
    of that grouping (they still count in their own rows and in the corpus row).
``doc_id``
    the document, empty (``""``) for group and corpus rows.
``slogan``
    the canonical slogan name, in lexicon order.
``n_docs``, ``n_paragraphs``, ``n_chars``
    documents, non-empty paragraphs (lines of the cleaned text) and characters (line breaks
    excluded, as :func:`analysis.corpus.clean.count_chars`) in the row's scope.
``count``
    mentions in the cleaned text (every row of the mentions table: 团结 inside 团结协调 or
    inside the formula 树正气、讲团结、求发展 counts).
``token_count``
    mentions that are whole tokens (``is_token``).
``per_10k_chars``
    ``count / n_chars × 10,000``; for a group, the rate of its documents taken together
    (total mentions / total characters), so long documents weigh more than short ones.
``ci_low``, ``ci_high``
    percentile bootstrap interval of ``per_10k_chars`` at level ``confidence``.
``ci_method``
    what the row's interval resampled: ``"paragraphs"`` (every document row; pooled rows with
    the default ``resample="paragraphs"``), ``"documents"`` (pooled rows of two or more
    documents with ``resample="documents"``) or ``"none"`` (no interval: NaN, with
    ``bootstrap_resamples=0`` or for a pooled row of one document with
    ``resample="documents"``).
``confidence``, ``n_resamples``, ``seed``
    what the interval was computed with, so anyone can reproduce it.

Rows are sorted by scope (document, group, corpus), grouping in ``group_by`` order, group value,
``doc_id``, then slogan in lexicon order; nothing depends on the order of the input rows.

The bootstrap (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13, percentile
interval). A document's resampling units are its paragraphs: each resample draws ``P`` of its
``P`` paragraphs with replacement, and its rate is

    rate* = Σ mentions of the drawn paragraphs / Σ characters of the drawn paragraphs × 10,000.

The interval is the ``(1 − confidence)/2`` and ``(1 + confidence)/2`` quantiles of the
``n_resamples`` rates (numpy's default linear interpolation, Hyndman & Fan 1996 type 7).
Paragraphs, not sentences or characters, are resampled because slogans cluster within
paragraphs (a paragraph on unity repeats 团结); resampling smaller units would understate the
variance.

Group and corpus rows use a *stratified* bootstrap: each resample draws paragraphs within each
member document (the very same draws as the document rows) and pools them,
``rate* = Σ_d mentions*_d / Σ_d characters*_d``. Resampling whole documents instead
(``resample="documents"``, below) is the right model for generalising to a population of
documents, but this study's groups hold one to three documents (a group of one gets no
interval), so by default the interval describes the uncertainty of the rate within the documents
at hand, conditional on which documents there are.
With few paragraphs the interval is coarse (a one-paragraph document gets ``ci_low == ci_high``);
``n_paragraphs`` shows when.

Document (cluster) bootstrap of pooled rows, ``resample="documents"``: where the question is how
the rate would vary across *other documents like these* (a genre's rate in a decade, drawn from
many reports), the resampling units of a group are its documents, whole, as in the first stage of
two-stage (cluster) sampling (Davison & Hinkley 1997, *Bootstrap Methods and their
Application*, §3.8 "Hierarchical data": resample clusters with replacement and keep each
cluster intact; Field & Welsh 2007, "Bootstrapping clustered data", *JRSS B* 69(3), 369–390,
the "cluster bootstrap"). A group of ``D = n_docs`` documents with counts ``c_d`` and characters
``n_d`` gets, in each resample, ``D`` documents drawn with replacement, ``d*_1 … d*_D``, and

    rate* = Σ_k c_{d*_k} / Σ_k n_{d*_k} × 10,000   (a ratio estimator, as the point estimate),

with the same percentile interval as above (resamples whose drawn documents have no characters
at all have no rate and are left out: ``numpy.nanquantile``). Between-document variation is
what the interval then measures, so a group of one document cannot have one: every resample
draws that document, and the zero-width interval it would give claims a certainty that one
document cannot support; such rows get NaN and ``ci_method = "none"``. Document rows keep the
paragraph bootstrap (with the very same numbers as under the default).

Randomness of the document bootstrap: a second, separate generator,
``numpy.random.default_rng((seed, 1))``, so the paragraph draws above (and every number of the
default) do not change with ``resample``. Pooled rows are drawn in table order (grouping in
``group_by`` order, group value, then the corpus row; rows of one document draw nothing),
resample by resample, each resample's ``D`` draws as ``⌊u·D⌋`` of ``D`` uniform numbers
``u ∈ [0, 1)`` from ``Generator.random`` (a stream that does not depend on how the work is
chunked; the bias of ``⌊u·D⌋`` is below ``D · 2⁻⁵³``).

Randomness: one ``numpy.random.default_rng(seed)`` stream, drawn document by document in
``doc_id`` order, paragraph by paragraph, so results depend only on ``seed``, ``n_resamples``
and the set of documents (adding a document may change other documents' intervals; reordering
never does). The draws are an integer-index matrix (paragraphs × resamples) turned into a sparse
resample-by-paragraph count matrix; no Python loop runs per resample. A slogan a document never
mentions gets the interval [0, 0] without resampling (every resample's rate is 0).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.checks import MAX_BOOTSTRAP_RESAMPLES
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
# Cells of the per-chunk draw and result arrays; bounds memory on large corpora.
_MAX_CELLS = 4_000_000


# --- helpers shared by the slogan measures -----------------------------------------------------


def require_columns(table: object, name: str, needed: Sequence[str], caller: str) -> None:
    """Raise an InputError naming the columns ``table`` lacks."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"{caller}: `{name}` must be a pandas DataFrame, got {type(table).__name__}"
        )
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise InputError(
            f"{caller}: the {name} table lacks column(s) {', '.join(missing)}; pass the {name} "
            "table of analysis.build_corpus (CorpusTables)"
        )


def selected_slogans(
    lexicon: SloganLexicon, slogans: str | Sequence[str] | None, caller: str
) -> tuple[str, ...]:
    """The slogan names to report: all of ``lexicon``, or ``slogans`` (unknown names raise)."""
    if not isinstance(lexicon, SloganLexicon):
        raise TypeError(
            f"{caller}: `lexicon` must be a SloganLexicon (corpus.slogans or "
            f"analysis.load_slogans()), got {type(lexicon).__name__}"
        )
    if slogans is None:
        return lexicon.names
    if isinstance(slogans, str):
        slogans = [slogans]
    return lexicon.select(slogans).names


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


# --- paragraphs --------------------------------------------------------------------------------


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


# --- the bootstrap -----------------------------------------------------------------------------


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
    ``counts`` are the documents' mention counts (docs × slogans)."""
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
    each pooled row's documents whole, and whether each row got one (``n_docs ≥ 2``)."""
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


# --- the measure -------------------------------------------------------------------------------


def textstat_slogans(
    documents: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: SloganLexicon,
    *,
    slogans: str | Sequence[str] | None = None,
    group_by: Sequence[str] = ("level", "genre"),
    resample: Resample = "paragraphs",
    bootstrap_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 20071020,
    _max_cells: int = _MAX_CELLS,
) -> pd.DataFrame:
    """Counts and rates per 10,000 characters of each slogan, per document and pooled.

    ``documents`` needs ``doc_id`` and ``text`` (the cleaned text) and the ``group_by`` columns;
    ``mentions`` is the mentions table (``doc_id``, ``slogan``, ``start``, ``end``,
    ``is_token``); ``lexicon`` the :class:`~analysis.config.lexicon.SloganLexicon` it was found
    with.
    ``slogans`` restricts the table to some slogans (an unknown name is an
    :class:`~analysis.errors.InputError`). ``bootstrap_resamples=0`` skips the bootstrap
    (intervals are NaN). ``resample`` chooses what the intervals of pooled rows resample:
    ``"paragraphs"`` within each member document (stratified; the uncertainty of the rate of
    these documents) or ``"documents"`` (cluster bootstrap; the variation between documents of a
    group, for groups of two or more documents); document rows always resample paragraphs, and
    ``ci_method`` names the choice on every row. Defaults are those of ``slogan_counts:`` in
    ``data/settings.yml``. Bad options are an :class:`~analysis.errors.InputError`.

    Formulas (see the module docstring for the bootstrap):

    * ``per_10k_chars = count / n_chars × 10,000`` (NaN for a document without characters);
    * pooled: ``Σ_d count_d / Σ_d n_chars_d × 10,000``;
    * intervals: percentile bootstrap, paragraphs within documents (Efron & Tibshirani 1993) or,
      for pooled rows with ``resample="documents"``, whole documents (Davison & Hinkley 1997
      §3.8; Field & Welsh 2007), ``rate* = Σ_k count_{d*_k} / Σ_k n_chars_{d*_k} × 10,000``
      over the ``n_docs`` documents ``d*_k`` drawn with replacement.

    Returns the columns :data:`SLOGAN_COUNT_COLUMNS`.
    """
    caller = "textstat_slogans"
    require_columns(documents, "documents", ["doc_id", "text"], caller)
    require_columns(mentions, "mentions", ["doc_id", "slogan", "start", "end", "is_token"], caller)
    names = selected_slogans(lexicon, slogans, caller)
    check_mention_slogans(mentions, lexicon, caller)
    group_by = check_group_by(documents, group_by, caller)
    if (
        isinstance(bootstrap_resamples, bool)
        or not isinstance(bootstrap_resamples, (int, np.integer))
        or not 0 <= bootstrap_resamples <= MAX_BOOTSTRAP_RESAMPLES
    ):
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
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"{caller}: seed must be a whole number ≥ 0, got {seed!r}")
    if not isinstance(resample, str) or resample not in RESAMPLE_UNITS:
        raise InputError(
            f"{caller}: resample must be one of {', '.join(RESAMPLE_UNITS)} (what the intervals "
            f"of pooled rows resample), got {resample!r}"
        )
    if documents["text"].isna().any():
        raise InputError(f"{caller}: a document has no text; pass the cleaned documents table")

    docs = sorted_documents(documents, caller)
    doc_index = pd.Index(docs["doc_id"].astype(str))
    texts_len = docs["text"].astype(str).str.len().to_numpy(dtype=np.int64)
    span = int(texts_len.max(initial=0)) + 1

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
    m_slogan = pd.Index(names).get_indexer(selected["slogan"].astype(str))
    m_token = selected["is_token"].to_numpy(dtype=bool)

    paragraphs = _paragraphs(docs)
    para_doc = paragraphs["doc"].to_numpy()
    para_chars = paragraphs["n_chars"].to_numpy()
    m_para = _mention_paragraphs(paragraphs, m_doc, m_start, span)
    n_docs, n_slogans = len(docs), len(names)

    counts = np.zeros((n_docs, n_slogans), dtype=np.int64)
    np.add.at(counts, (m_doc, m_slogan), 1)
    token_counts = np.zeros((n_docs, n_slogans), dtype=np.int64)
    np.add.at(token_counts, (m_doc[m_token], m_slogan[m_token]), 1)
    doc_chars = np.bincount(para_doc, weights=para_chars, minlength=n_docs).astype(np.int64)
    doc_paras = np.bincount(para_doc, minlength=n_docs).astype(np.int64)

    pooled, membership = group_membership(docs, group_by)
    pooled_counts = np.rint(membership @ counts).astype(np.int64)
    pooled_tokens = np.rint(membership @ token_counts).astype(np.int64)
    pooled_chars = np.rint(membership @ doc_chars).astype(np.int64)
    pooled_paras = np.rint(membership @ doc_paras).astype(np.int64)
    pooled_docs = np.asarray(membership.sum(axis=1)).ravel().astype(np.int64)

    if bootstrap_resamples > 0:
        para_counts = sparse.csr_matrix(
            (np.ones(len(m_para)), (m_para, m_slogan)), shape=(len(paragraphs), n_slogans)
        )
        doc_ci, pooled_ci = _bootstrap_intervals(
            para_doc, para_chars, para_counts, counts, membership,
            n_resamples=int(bootstrap_resamples), confidence=float(confidence), seed=int(seed),
            max_cells=_max_cells,
        )
    else:
        doc_ci = np.full((n_docs, n_slogans, 2), np.nan)
        pooled_ci = np.full((len(pooled), n_slogans, 2), np.nan)
    doc_method = "paragraphs" if bootstrap_resamples > 0 else "none"
    pooled_method = np.full(len(pooled), doc_method, dtype=object)
    if bootstrap_resamples > 0 and resample == "documents":
        pooled_ci, resampled = _document_bootstrap_intervals(
            counts, doc_chars, membership,
            n_resamples=int(bootstrap_resamples), confidence=float(confidence), seed=int(seed),
            max_cells=_max_cells,
        )
        pooled_method = np.where(resampled, "documents", "none").astype(object)

    doc_part = pd.DataFrame(
        {
            "scope": "document",
            "grouping": "",
            "group": "",
            "doc_id": np.repeat(doc_index.to_numpy(dtype=object), n_slogans),
            "n_docs": 1,
            "n_paragraphs": np.repeat(doc_paras, n_slogans),
            "n_chars": np.repeat(doc_chars, n_slogans),
            "count": counts.ravel(),
            "token_count": token_counts.ravel(),
            "ci_low": doc_ci[:, :, 0].ravel(),
            "ci_high": doc_ci[:, :, 1].ravel(),
            "ci_method": doc_method,
        }
    )
    pooled_part = pd.DataFrame(
        {
            "scope": np.repeat(pooled["scope"].to_numpy(dtype=object), n_slogans),
            "grouping": np.repeat(pooled["grouping"].to_numpy(dtype=object), n_slogans),
            "group": np.repeat(pooled["group"].to_numpy(dtype=object), n_slogans),
            "doc_id": "",
            "n_docs": np.repeat(pooled_docs, n_slogans),
            "n_paragraphs": np.repeat(pooled_paras, n_slogans),
            "n_chars": np.repeat(pooled_chars, n_slogans),
            "count": pooled_counts.ravel(),
            "token_count": pooled_tokens.ravel(),
            "ci_low": pooled_ci[:, :, 0].ravel(),
            "ci_high": pooled_ci[:, :, 1].ravel(),
            "ci_method": np.repeat(pooled_method, n_slogans),
        }
    )
    doc_part["slogan"] = np.tile(np.asarray(names, dtype=object), n_docs)
    pooled_part["slogan"] = np.tile(np.asarray(names, dtype=object), len(pooled))
    table = pd.concat([doc_part, pooled_part], ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["per_10k_chars"] = table["count"] / table["n_chars"].where(table["n_chars"] > 0)
        table["per_10k_chars"] *= PER_CHARS
    table["confidence"] = float(confidence)
    table["n_resamples"] = int(bootstrap_resamples)
    table["seed"] = int(seed)
    return _sorted(table, group_by, names)[SLOGAN_COUNT_COLUMNS].astype(
        {
            "scope": "str", "grouping": "str", "group": "str", "doc_id": "str", "slogan": "str",
            "n_docs": "int64", "n_paragraphs": "int64", "n_chars": "int64", "count": "int64",
            "token_count": "int64", "per_10k_chars": "float64", "ci_low": "float64",
            "ci_high": "float64", "ci_method": "str", "confidence": "float64",
            "n_resamples": "int64",
            "seed": "int64",
        }
    )


def _sorted(table: pd.DataFrame, group_by: Sequence[str], names: Sequence[str]) -> pd.DataFrame:
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
