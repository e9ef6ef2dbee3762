"""Correspondence analysis (CA) of the document × term table (``ca_coordinates.csv``).

The table ``N`` (documents × the ``top_terms`` most frequent terms, counted with
:func:`analysis.features.dfm.dfm`) of grand total ``n`` is analysed by the singular value
decomposition
of its standardized residuals (Greenacre 2017, *Correspondence Analysis in Practice*, 3rd ed.,
Theoretical Appendix; Greenacre 1984, ch. 4):

* correspondence matrix ``P = N / n``; row masses ``r = P 1``, column masses ``c = Pᵀ 1``;
  ``D_r = diag(r)``, ``D_c = diag(c)``;
* standardized residuals ``S = D_r^(-1/2) (P − r cᵀ) D_c^(-1/2)`` (``s_ij`` is the
  chi-square contribution ``(p_ij − r_i c_j) / sqrt(r_i c_j)``), and ``S = U Σ Vᵀ``;
* principal inertia of dimension ``k``: ``λ_k = σ_k²``; total inertia
  ``Σ_k λ_k = Σ_ij s_ij² = χ² / n`` (Pearson's chi-square of ``N``); ``K = min(I, J) − 1``
  dimensions;
* **standard** coordinates ``Φ = D_r^(-1/2) U`` (rows), ``Γ = D_c^(-1/2) V`` (columns): each
  axis has weighted mean 0 and weighted variance 1;
* **principal** coordinates ``F = Φ Σ`` (rows), ``G = Γ Σ`` (columns): weighted variance
  ``λ_k``; Euclidean distances between points of one kind in ``F`` (or ``G``) are their
  chi-square distances. Rows are barycentres of columns in standard coordinates:
  ``F = D_r^(-1) P Γ``, and symmetrically ``G = D_c^(-1) Pᵀ Φ``;
* contribution of point ``i`` to axis ``k``: ``ctr_ik = r_i φ_ik²`` (sums to 1 over the points
  of each kind); squared correlation ``cos²_ik = f_ik² / Σ_{k'=1..K} f_ik'²`` (share of the
  point's inertia on axis ``k``); quality = ``Σ cos²`` over the reported dimensions.

Signs of singular vectors are arbitrary; here each axis is oriented so that the document with
the largest absolute coordinate on it is positive (ties: the first ``doc_id`` in code-point
order). Checked against Greenacre's smoking data (R package ``ca``, ``ca(smoke)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.checks import check_int
from analysis.errors import InputError
from analysis.features.dfm import Dfm, as_dfm, code_point_rank, sorted_by_doc

CA_COORDINATE_COLUMNS = [
    "kind", "label", "dimension", "coordinate", "standard", "mass", "contribution", "cos2",
    "quality",
]
CA_INERTIA_COLUMNS = ["dimension", "inertia", "share", "cumulative_share"]


@dataclass(frozen=True)
class CorrespondenceAnalysis:
    """The result of :func:`textmodel_ca`: two tidy tables.

    ``coordinates`` (``ca_coordinates.csv``), columns :data:`CA_COORDINATE_COLUMNS`: one row per
    point and reported dimension: ``kind`` (``"document"`` or ``"term"``), ``label``
    (``doc_id`` or term), ``dimension`` (1, 2, …), ``coordinate`` (principal, ``f_ik`` or
    ``g_jk``), ``standard`` (standard coordinate, ``φ_ik`` or ``γ_jk``), ``mass`` (``r_i`` or
    ``c_j``), ``contribution`` (to the axis, ``ctr``), ``cos2`` (squared correlation with the
    axis), ``quality`` (``Σ cos2`` over the reported dimensions, repeated on each of the
    point's rows). Sorted by ``kind``, ``label`` (code-point order), ``dimension``.

    ``inertia``, columns :data:`CA_INERTIA_COLUMNS`: every dimension ``1 … K`` with its
    principal ``inertia`` ``λ_k``, its ``share`` of the total inertia and the
    ``cumulative_share``.
    """

    coordinates: pd.DataFrame
    inertia: pd.DataFrame


def top_terms_by_frequency(d: Dfm, top_terms: int | None) -> Dfm:
    """The ``top_terms`` terms with the highest corpus counts (ties: code-point order of the
    term), columns in code-point order; terms never counted are dropped."""
    totals = d.term_totals().to_numpy()
    order = np.lexsort((code_point_rank(d.terms), -totals))
    order = order[totals[order] > 0]
    if top_terms is not None:
        order = order[:top_terms]
    keep = order[np.argsort(code_point_rank(d.terms)[order], kind="stable")]
    return Dfm(d.matrix[:, keep].tocsr(), d.docs, d.terms[keep])


def textmodel_ca(
    x: pd.DataFrame | Dfm,
    *,
    top_terms: int | None = 60,
    dimensions: int = 2,
) -> CorrespondenceAnalysis:
    """Correspondence analysis of documents × their ``top_terms`` most frequent terms.

    ``x`` is a tokens table (counted with :func:`analysis.features.dfm.dfm`: punctuation and
    stopwords
    dropped) or a :class:`Dfm` (any non-negative contingency table works: rows are reported
    as ``"document"``, columns as ``"term"``). ``top_terms`` (default 60, the
    ``correspondence:`` setting; ``None`` = all terms) picks the columns by corpus frequency;
    ``dimensions`` (default 2) is how many axes the coordinates table reports, at most
    ``min(documents, terms) − 1``. Formulas and sources in the module docstring.

    Every document needs at least one of the selected terms; otherwise its profile is
    undefined and an ``InputError`` (a ``ValueError``) names the document to drop (or raise
    ``top_terms``).
    """
    caller = "textmodel_ca"
    if top_terms is not None:
        try:
            check_int(top_terms, "top_terms", caller, minimum=1)
        except InputError as error:
            raise InputError(f"{error}; or None for every term") from None
    check_int(dimensions, "dimensions", caller, minimum=1)
    d = top_terms_by_frequency(sorted_by_doc(as_dfm(x, caller)), top_terms)
    counts = _checked_counts(d, dimensions, top_terms)
    r, c, phi, gamma, sigma, total = _decomposition(counts)
    parts = [
        _points("document", d.docs, r, phi, sigma, dimensions),
        _points("term", d.terms, c, gamma, sigma, dimensions),
    ]
    coordinates = pd.concat(parts, ignore_index=True)[CA_COORDINATE_COLUMNS]
    return CorrespondenceAnalysis(coordinates, _inertia_table(sigma, total))


def _checked_counts(d: Dfm, dimensions: int, top_terms: int | None) -> np.ndarray:
    """The dense counts of ``d`` once they are shown to admit ``dimensions`` axes."""
    counts = d.matrix.toarray().astype(np.float64)  # documents × (at most top_terms) terms
    if (counts < 0).any():
        raise InputError("textmodel_ca: counts must be non-negative")
    n_docs, n_terms = counts.shape
    if n_docs < 2 or n_terms < 2:
        raise InputError(
            f"textmodel_ca: needs at least 2 documents and 2 counted terms, got {n_docs} and "
            f"{n_terms}"
        )
    row_totals = counts.sum(axis=1)
    if (row_totals == 0).any():
        empty = ", ".join(map(str, d.docs[row_totals == 0]))
        raise InputError(
            f"textmodel_ca: no selected term occurs in document(s) {empty}; drop them or raise "
            f"top_terms (now {top_terms})"
        )
    available = min(n_docs, n_terms) - 1
    if dimensions > available:
        raise InputError(
            f"textmodel_ca: dimensions={dimensions} but a {n_docs} × {n_terms} table has only "
            f"{available}; ask for at most {available}"
        )
    return counts


def _decomposition(counts: np.ndarray) -> tuple[np.ndarray, ...]:
    """Masses ``r`` and ``c``, standard coordinates ``Φ`` and ``Γ`` (oriented), singular values
    ``σ`` of every dimension and the total inertia (formulas in the module docstring)."""
    available = min(counts.shape) - 1
    p = counts / counts.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    residuals = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    u, sigma, vt = np.linalg.svd(residuals, full_matrices=False)
    u, sigma, v = u[:, :available], sigma[:available], vt[:available].T
    total = float(np.sum(residuals**2))
    if total <= np.finfo(float).eps:
        raise InputError(
            "textmodel_ca: all documents have the same term profile (total inertia 0); there is "
            "nothing to map"
        )
    phi = u / np.sqrt(r)[:, None]
    gamma = v / np.sqrt(c)[:, None]
    # Deterministic orientation: the document farthest out on each axis is positive.
    far = np.argmax(np.round(np.abs(phi), 12), axis=0)
    signs = np.where(phi[far, np.arange(available)] < 0, -1.0, 1.0)
    return r, c, phi * signs, gamma * signs, sigma, total


def _inertia_table(sigma: np.ndarray, total: float) -> pd.DataFrame:
    inertia = sigma**2
    shares = inertia / total
    return pd.DataFrame(
        {
            "dimension": np.arange(1, len(sigma) + 1, dtype=np.int64),
            "inertia": inertia,
            "share": shares,
            "cumulative_share": np.cumsum(shares),
        },
        columns=CA_INERTIA_COLUMNS,
    )


def _points(
    kind: str, labels: pd.Index, mass: np.ndarray, standard: np.ndarray, sigma: np.ndarray,
    dimensions: int,
) -> pd.DataFrame:
    """Long table of one kind of point (rows already in code-point order of ``labels``)."""
    principal = standard * sigma
    squared = principal**2
    distance2 = squared.sum(axis=1, keepdims=True)  # squared chi-square distance to the centroid
    # A point at the centroid has no direction: its cos² is undefined (NaN).
    cos2 = (squared / np.where(distance2 > 0, distance2, np.nan))[:, :dimensions]
    principal, standard = principal[:, :dimensions], standard[:, :dimensions]
    quality = cos2.sum(axis=1)
    n_points = len(labels)
    return pd.DataFrame(
        {
            "kind": kind,
            "label": np.repeat(labels.to_numpy(dtype=object), dimensions),
            "dimension": np.tile(np.arange(1, dimensions + 1, dtype=np.int64), n_points),
            "coordinate": principal.ravel(),
            "standard": standard.ravel(),
            "mass": np.repeat(mass, dimensions),
            "contribution": (mass[:, None] * standard**2).ravel(),
            "cos2": cos2.ravel(),
            "quality": np.repeat(quality, dimensions),
        }
    )
