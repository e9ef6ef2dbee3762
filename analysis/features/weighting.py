"""TF-IDF weighting of a document-feature matrix, shared by TF-IDF, similarity, clustering and
topic models (:mod:`analysis.measures.tfidf` documents the formulas in full).

``tfidf(t, d) = tf(t, d) · idf(t)``: ``tf`` is the raw count or, with ``sublinear_tf``,
``1 + ln n(t, d)``; ``idf`` is scikit-learn's ``ln((1 + N) / (1 + df(t))) + 1`` (smoothed) or
``ln(N / df(t)) + 1``, the textbook ``ln(N / df(t))`` ("classic", scikit-learn's minus one), or 1
("none"); rows are then scaled to unit l2 or l1 length, or left.

Source: scikit-learn, ``sklearn.feature_extraction.text.TfidfTransformer``; Manning, Raghavan &
Schütze, *Introduction to Information Retrieval* (2008), ch. 6.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import sparse

from analysis.checks import check_bool, check_choice
from analysis.features.dfm import Dfm

Norm = Literal["l2", "l1", "none"]
Idf = Literal["sklearn", "classic", "none"]
NORMS: tuple[str, ...] = ("l2", "l1", "none")
IDFS: tuple[str, ...] = ("sklearn", "classic", "none")


def check_weighting(
    caller: str,
    *,
    smooth_idf: object,
    sublinear_tf: object,
    idf: object,
    norm: object = "l2",
) -> None:
    """Validate the weighting options shared by TF-IDF, similarity, clustering and topics:
    ``smooth_idf`` and ``sublinear_tf`` true or false, ``idf`` one of :data:`IDFS`, ``norm``
    one of :data:`NORMS` or None. Raises :class:`~analysis.errors.InputError` naming
    ``caller``."""
    check_bool(smooth_idf, "smooth_idf", caller)
    check_bool(sublinear_tf, "sublinear_tf", caller)
    check_choice(idf, "idf", caller, IDFS)
    if norm is not None:
        check_choice(norm, "norm", caller, NORMS)


def tfidf_matrix(
    d: Dfm,
    *,
    smooth_idf: bool = True,
    sublinear_tf: bool = False,
    norm: Norm | None = "l2",
    idf: Idf = "sklearn",
) -> sparse.csr_matrix:
    """TF-IDF weights of a :class:`Dfm` as a sparse ``float64`` matrix (same rows and columns).

    Formulas in the module docstring. Cells that weigh zero (classic idf of a term in every
    document) are removed from the sparse structure; a document without counted terms keeps an
    empty row.
    """
    check_weighting(
        "tfidf_matrix", smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, idf=idf, norm=norm
    )
    counts = sparse.csr_matrix(d.matrix, dtype=np.float64)
    if counts.shape[0] == 0 or counts.shape[1] == 0:
        return counts
    # imported here: scikit-learn takes seconds to import, and reading a run needs none of it
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer(
        norm=None if norm in (None, "none") else norm,
        use_idf=idf != "none",
        smooth_idf=bool(smooth_idf),
        sublinear_tf=bool(sublinear_tf),
    ).fit(counts)
    if idf == "classic":
        transformer.idf_ = transformer.idf_ - 1.0  # sklearn adds 1 to the textbook idf
    weights = sparse.csr_matrix(transformer.transform(counts), dtype=np.float64)
    weights.eliminate_zeros()
    return weights
