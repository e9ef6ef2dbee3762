"""Document similarity (``similarity.csv``) and hierarchical clustering of documents.

For documents ``a`` and ``b``:

``cosine(a, b) = Σ_t w(t, a) · w(t, b) / (‖w(·, a)‖₂ ‖w(·, b)‖₂)``
    over the TF-IDF weights ``w`` of :mod:`analysis.measures.tfidf` (same options; the norm
    option is irrelevant since cosine rescales each vector). Weights are non-negative, so the
    cosine lies in [0, 1]: 1 for the same weighted profile, 0 for no shared weighted term.
    Undefined (``NaN``) when either document has no weighted term. Source: Manning, Raghavan &
    Schütze, *Introduction to Information Retrieval* (2008), §6.3.1; quanteda.textstats
    ``textstat_simil(method = "cosine")``; scikit-learn ``metrics.pairwise.cosine_similarity``.

``jaccard(a, b) = |V_a ∩ V_b| / |V_a ∪ V_b|``
    over the vocabularies ``V`` (terms counted at least once; with the default ``dfm``,
    punctuation and stopwords excluded). Undefined (``NaN``) when both vocabularies are empty.
    Source: Jaccard (1912); quanteda.textstats ``textstat_simil(method = "jaccard")``, which
    likewise compares presence/absence.

:func:`textmodel_hclust` clusters documents on the cosine distance ``1 − cosine(a, b)`` with
``scipy.cluster.hierarchy.linkage`` (default ``average``, UPGMA: the distance between two
clusters is the mean distance over all pairs of their documents; Sokal & Michener 1958).
Both come from sparse products, ``W Wᵀ`` (unit TF-IDF rows) and ``B Bᵀ`` (0/1 presence), whole
or a block of rows at a time; no loop runs over tokens. :func:`similarity_and_clustering`
gives the similarity table and the clustering from one pass over those products.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.checks import check_choice, check_number
from analysis.errors import InputError
from analysis.features.dfm import Dfm, as_dfm, sorted_by_doc
from analysis.features.weighting import Idf, check_weighting, tfidf_matrix

SIMILARITY_COLUMNS = ["doc_a", "doc_b", "cosine", "jaccard"]
MERGE_COLUMNS = ["step", "left", "right", "distance", "size", "members"]

Pairs = Literal["all", "upper"]
Linkage = Literal["average", "complete", "single", "weighted"]
PAIRS: tuple[str, ...] = ("all", "upper")
LINKAGES: tuple[str, ...] = ("average", "complete", "single", "weighted")


def _weights(d: Dfm, caller: str, smooth_idf: bool, sublinear_tf: bool, idf: Idf):
    """l2-normalised TF-IDF rows, a 0/1 presence matrix and which rows have any weight."""
    check_weighting(caller, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, idf=idf)
    unit = tfidf_matrix(d, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm="l2", idf=idf)
    presence = sparse.csr_matrix(d.matrix > 0, dtype=np.int64)
    return unit, presence, np.diff(unit.indptr) > 0


def _cosine_dense(unit: sparse.csr_matrix, weighted: np.ndarray) -> np.ndarray:
    """All cosines as a symmetric array: NaN where undefined, exactly 1 on defined diagonals."""
    upper = np.triu(sparse.csr_matrix(unit @ unit.T).toarray())
    cosine = np.minimum(upper + np.triu(upper, 1).T, 1.0)  # mirror: exactly symmetric
    np.fill_diagonal(cosine, 1.0)
    cosine[~weighted, :] = np.nan
    cosine[:, ~weighted] = np.nan
    return cosine


BLOCK_CELLS = 4_000_000  # products held at once: rows per block = BLOCK_CELLS // documents


def _each_product_block(unit: sparse.csr_matrix, cells: int, *consumers) -> None:
    """Compute ``W Wᵀ`` a block of rows at a time (dense, about ``cells`` products) and hand
    each block to every consumer as ``consumer(start, stop, block)``: memory stays ``O(cells)``
    however many documents there are (common words make ``W Wᵀ`` nearly dense), and several
    results share one pass. Each row's products are those of the whole ``W Wᵀ``."""
    n = unit.shape[0]
    transposed = unit.T.tocsr()  # once: scipy would convert Wᵀ for every block's product
    step = max(1, cells // max(n, 1))
    for start in range(0, n, step):  # loops over blocks of documents, never over tokens
        stop = min(start + step, n)
        block = sparse.csr_matrix(unit[start:stop] @ transposed).toarray()
        for consume in consumers:
            consume(start, stop, block)


class _CondensedDistances:
    """``1 − cosine`` of every pair ``a < b``, clipped to [0, 1], in scipy's condensed order
    (the upper triangle row by row), filled a block at a time: ``n(n − 1)/2`` numbers, where a
    dense ``n × n`` cosine array and its copies held several times ``8n²`` bytes (16 GB at
    20,000 documents)."""

    def __init__(self, n: int):
        self.n, self.filled = n, 0
        self.values = np.empty(n * (n - 1) // 2)

    def __call__(self, start: int, stop: int, block: np.ndarray) -> None:
        above_diagonal = np.arange(self.n)[None, :] > np.arange(start, stop)[:, None]
        values = block[above_diagonal]  # row-major: the condensed order
        self.values[self.filled : self.filled + len(values)] = values
        self.filled += len(values)

    def distances(self) -> np.ndarray:
        np.subtract(1.0, self.values, out=self.values)
        return np.clip(self.values, 0.0, 1.0, out=self.values)


class _ClosePairs:
    """Pairs ``a ≤ b`` with ``cosine ≥ min_cosine`` (row-major order), their cosines and shared
    vocabulary sizes ``|V_a ∩ V_b|`` (from the block's rows of ``B Bᵀ``), a block at a time.
    Counting the shared vocabulary of the chosen pairs alone would hold their terms, pairs ×
    vocabulary: more than 24 GB for a low ``min_cosine`` on the evening news."""

    def __init__(self, presence: sparse.csr_matrix, weighted: np.ndarray, min_cosine: float):
        self.presence, self.weighted, self.min_cosine = presence, weighted, min_cosine
        self.transposed = presence.T.tocsr()  # once, not for every block
        self.found: list[tuple[np.ndarray, ...]] = []

    def __call__(self, start: int, stop: int, block: np.ndarray) -> None:
        n = block.shape[1]
        block = np.minimum(block, 1.0)
        diagonal = (np.arange(stop - start), np.arange(start, stop))
        block[diagonal] = np.where(self.weighted[start:stop], 1.0, np.nan)  # exact self-cosine
        upper = np.arange(n)[None, :] >= np.arange(start, stop)[:, None]
        local, col = np.nonzero((block >= self.min_cosine) & upper)
        shared = sparse.csr_matrix(self.presence[start:stop] @ self.transposed)[local, col]
        self.found.append((local + start, col, block[local, col], np.asarray(shared).ravel()))

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if not self.found:
            empty = np.array([], dtype=np.int64)
            return empty, empty, np.array([], dtype=np.float64), empty
        a, b, cosine, shared = (np.concatenate(parts) for parts in zip(*self.found, strict=True))
        return a.astype(np.int64), b.astype(np.int64), cosine, shared


def _condensed_distances(unit: sparse.csr_matrix, cells: int = BLOCK_CELLS) -> np.ndarray:
    """The clustering's distances (:class:`_CondensedDistances`) from one pass over ``W Wᵀ``."""
    distances = _CondensedDistances(unit.shape[0])
    _each_product_block(unit, cells, distances)
    return distances.distances()


def _close_pairs(
    unit: sparse.csr_matrix,
    presence: sparse.csr_matrix,
    weighted: np.ndarray,
    min_cosine: float,
    cells: int = BLOCK_CELLS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The close pairs (:class:`_ClosePairs`) from one pass over ``W Wᵀ``."""
    close = _ClosePairs(presence, weighted, min_cosine)
    _each_product_block(unit, cells, close)
    return close.pairs()


def textstat_simil(
    x: pd.DataFrame | Dfm,
    *,
    pairs: Pairs = "all",
    min_cosine: float | None = None,
    smooth_idf: bool = True,
    sublinear_tf: bool = False,
    idf: Idf = "sklearn",
) -> pd.DataFrame:
    """Cosine (over TF-IDF) and Jaccard (over vocabularies) similarity of documents.

    ``x`` is a tokens table (counted with :func:`analysis.features.dfm.dfm`) or a :class:`Dfm`;
    ``smooth_idf``, ``sublinear_tf`` and ``idf`` choose the TF-IDF weighting as in
    :func:`analysis.measures.tfidf.textstat_tfidf`. Formulas in the module docstring.

    ``pairs="all"`` (default, ``similarity.csv``) lists every ordered pair including each
    document with itself — ``n²`` rows, ready for a heatmap; ``"upper"`` lists each unordered
    pair once (``doc_a ≤ doc_b`` in code-point order), self-pairs included. ``min_cosine`` (in
    (0, 1]) keeps only pairs with ``cosine ≥ min_cosine`` (so never an undefined one) and works
    through blocks of rows instead of the dense ``n × n`` table, for large corpora.

    Returns columns :data:`SIMILARITY_COLUMNS`: ``doc_a``, ``doc_b``, ``cosine``, ``jaccard``;
    rows sorted by ``doc_a`` then ``doc_b`` (code-point order), whatever order the documents
    came in.
    """
    _check_pairs(pairs, min_cosine, "textstat_simil")
    d = sorted_by_doc(as_dfm(x, "textstat_simil"))
    unit, presence, weighted = _weights(d, "textstat_simil", smooth_idf, sublinear_tf, idf)
    if min_cosine is None:
        return _similarity_table(d, presence, pairs, cosine=_cosine_dense(unit, weighted))
    close = _close_pairs(unit, presence, weighted, float(min_cosine))
    return _similarity_table(d, presence, pairs, close=close)


def _check_pairs(pairs: object, min_cosine: object, caller: str) -> None:
    check_choice(pairs, "pairs", caller, PAIRS)
    if min_cosine is not None:
        try:
            check_number(min_cosine, "min_cosine", caller, above=0, maximum=1)
        except InputError as error:
            raise InputError(f"{error}; or None for every pair") from None


def _similarity_table(
    d: Dfm,
    presence: sparse.csr_matrix,
    pairs: str,
    *,
    cosine: np.ndarray | None = None,
    close: tuple[np.ndarray, ...] | None = None,
) -> pd.DataFrame:
    """The table of :func:`textstat_simil` from the dense ``cosine`` array (every pair) or
    the ``close`` pairs of :class:`_ClosePairs`."""
    n = len(d.docs)
    if close is None:
        if pairs == "all":
            a, b = np.divmod(np.arange(n * n, dtype=np.int64), n)
        else:
            a, b = np.triu_indices(n)
        cosine = cosine[a, b]
        intersection = sparse.csr_matrix(presence @ presence.T).toarray()[a, b]
    else:
        a, b, cosine, intersection = close
        if pairs == "all":
            off = a != b
            a, b = np.r_[a, b[off]], np.r_[b, a[off]]
            cosine = np.r_[cosine, cosine[off]]
            intersection = np.r_[intersection, intersection[off]]
            order = np.lexsort((b, a))
            a, b, cosine, intersection = a[order], b[order], cosine[order], intersection[order]
    vocabulary = np.diff(presence.indptr)
    union = vocabulary[a] + vocabulary[b] - intersection
    jaccard = np.where(union > 0, intersection / np.maximum(union, 1), np.nan)
    labels = d.docs.to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "doc_a": labels[a],
            "doc_b": labels[b],
            "cosine": np.asarray(cosine, dtype=np.float64),
            "jaccard": jaccard.astype(np.float64),
        },
        columns=SIMILARITY_COLUMNS,
    )


@dataclass(frozen=True)
class DocumentClustering:
    """A hierarchical clustering of documents.

    ``linkage_matrix``
        scipy's ``(n − 1) × 4`` linkage matrix ``Z``: row ``s`` merges clusters ``Z[s, 0]``
        and ``Z[s, 1]`` at distance ``Z[s, 2]`` into a cluster of ``Z[s, 3]`` documents, which
        gets id ``n + s``; ids below ``n`` are the documents of ``docs``. Pass it to
        ``scipy.cluster.hierarchy.dendrogram(Z, labels=list(docs))``.
    ``docs``
        the documents in the order of the linkage matrix (code-point order of ``doc_id``).
    ``merges``
        the same merges as a table, columns :data:`MERGE_COLUMNS`: ``step`` (1, 2, …),
        ``left`` and ``right`` (a ``doc_id``, or ``"step k"`` for the cluster formed at step
        ``k``), ``distance`` (linkage distance), ``size`` (documents in the new cluster),
        ``members`` (its documents in dendrogram order, joined by ``"; "``).
    ``leaves``
        the documents in dendrogram leaf order, left to right (``hierarchy.leaves_list``).
    """

    linkage_matrix: np.ndarray
    docs: pd.Index
    merges: pd.DataFrame
    leaves: list[str]


def textmodel_hclust(
    x: pd.DataFrame | Dfm,
    *,
    linkage: Linkage = "average",
    smooth_idf: bool = True,
    sublinear_tf: bool = False,
    idf: Idf = "sklearn",
) -> DocumentClustering:
    """Agglomerative clustering of documents on cosine distance ``1 − cosine`` over TF-IDF.

    ``linkage`` is the scipy method (default ``average``, the ``similarity: linkage`` setting):
    ``average`` (UPGMA, mean pairwise distance), ``complete`` (maximum), ``single`` (minimum)
    or ``weighted`` (WPGMA); centroid, median and Ward need Euclidean distances and are not
    offered. TF-IDF options as in :func:`textstat_simil`. Documents are taken in code-point
    order of ``doc_id`` so ties merge the same way whatever order they came in.
    Source: ``scipy.cluster.hierarchy.linkage``; Müllner (2011), "Modern hierarchical,
    agglomerative clustering algorithms", arXiv:1109.2378.
    """
    check_choice(linkage, "linkage", "textmodel_hclust", LINKAGES)
    d = sorted_by_doc(as_dfm(x, "textmodel_hclust"))
    _check_two_documents(d, "textmodel_hclust")
    unit, _, weighted = _weights(d, "textmodel_hclust", smooth_idf, sublinear_tf, idf)
    _check_all_weighted(d, weighted, "textmodel_hclust")
    return _clustering(d, _condensed_distances(unit), linkage)


def _check_two_documents(d: Dfm, caller: str) -> None:
    if len(d.docs) < 2:
        raise InputError(f"{caller}: needs at least 2 documents, got {len(d.docs)}")


def _check_all_weighted(d: Dfm, weighted: np.ndarray, caller: str) -> None:
    if not weighted.all():
        empty = ", ".join(map(str, d.docs[~weighted]))
        raise InputError(
            f"{caller}: documents without any weighted term have no cosine distance: "
            f"{empty}; drop them (or use idf='sklearn', which weighs every counted term)"
        )


def _clustering(d: Dfm, distances: np.ndarray, linkage: str) -> DocumentClustering:
    """scipy's linkage of the condensed ``distances`` of ``d``'s documents, with its merges
    labelled."""
    from scipy.cluster import hierarchy  # slow to import: only where documents are clustered

    z = hierarchy.linkage(distances, method=linkage)
    labels = [str(doc) for doc in d.docs]
    members: list[list[str]] = [[label] for label in labels]
    names = list(labels)
    rows = []
    # One pass over the n − 1 merges (not over tokens) to label them.
    for step, (left, right, dist, size) in enumerate(z, start=1):
        i, j = int(left), int(right)
        members.append(members[i] + members[j])
        names.append(f"step {step}")
        rows.append((step, names[i], names[j], float(dist), int(size), "; ".join(members[-1])))
    merges = pd.DataFrame(rows, columns=MERGE_COLUMNS).astype(
        {"step": "int64", "distance": "float64", "size": "int64"}
    )
    leaves = [labels[i] for i in hierarchy.leaves_list(z)]
    return DocumentClustering(z, d.docs, merges, leaves)


WEIGHTING = {"smooth_idf": True, "sublinear_tf": False, "idf": "sklearn"}  # the defaults


def similarity_and_clustering(
    x: pd.DataFrame | Dfm,
    *,
    similarity: Mapping[str, Any] | None = None,
    clustering: Mapping[str, Any] | None = None,
) -> tuple[pd.DataFrame, DocumentClustering]:
    """``(textstat_simil(x, **similarity), textmodel_hclust(x, **clustering))``: the same two
    results, from one pass over the products ``W Wᵀ`` when both weigh terms alike (the same
    ``smooth_idf``, ``sublinear_tf`` and ``idf``), else computed one after the other.

    The products are most of the time of both on a large corpus (18,254 short documents: the
    step took 60 s with a pass for each, 44 s with one).
    """
    similarity, clustering = dict(similarity or {}), dict(clustering or {})
    for options, function in ((similarity, textstat_simil), (clustering, textmodel_hclust)):
        unknown = sorted(set(options) - set(inspect.signature(function).parameters) - {"x"})
        if unknown:
            raise InputError(
                f"similarity_and_clustering: {function.__name__} has no option "
                f"{', '.join(unknown)}"
            )
    weighting = {name: similarity.get(name, value) for name, value in WEIGHTING.items()}
    if weighting != {name: clustering.get(name, value) for name, value in WEIGHTING.items()}:
        return textstat_simil(x, **similarity), textmodel_hclust(x, **clustering)
    # errors name the function whose option or input is wrong, as when each is called alone
    pairs, min_cosine = similarity.get("pairs", "all"), similarity.get("min_cosine")
    linkage = clustering.get("linkage", "average")
    _check_pairs(pairs, min_cosine, "textstat_simil")
    check_choice(linkage, "linkage", "textmodel_hclust", LINKAGES)
    d = sorted_by_doc(as_dfm(x, "textstat_simil"))
    _check_two_documents(d, "textmodel_hclust")
    unit, presence, weighted = _weights(d, "textstat_simil", **weighting)
    _check_all_weighted(d, weighted, "textmodel_hclust")
    if min_cosine is None:  # every pair: the dense array gives both
        cosine = _cosine_dense(unit, weighted)
        table = _similarity_table(d, presence, pairs, cosine=cosine)
        distances = np.clip(1.0 - cosine[np.triu_indices(len(d.docs), 1)], 0.0, 1.0)
    else:
        close = _ClosePairs(presence, weighted, float(min_cosine))
        condensed = _CondensedDistances(len(d.docs))
        _each_product_block(unit, BLOCK_CELLS, close, condensed)
        table = _similarity_table(d, presence, pairs, close=close.pairs())
        distances = condensed.distances()
    return table, _clustering(d, distances, linkage)
