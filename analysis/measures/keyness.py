"""Keywords: terms over- or under-represented in a target against a reference: ``keyness.csv``.

For a term in one comparison the 2×2 contingency table is (quanteda's notation)::

                    target       reference
    term            a            b
    other terms     c = T − a    d = R − b          N = a + b + c + d = T + R

with ``T`` and ``R`` the counted tokens of target and reference (Dfm row totals, before
``min_count`` filtering). Expected counts are ``E_xy = row_x · col_y / N``; ``E11 = (a+b)·T/N``.

Statistics (columns of :data:`KEYNESS_COLUMNS`):

``g2``
    log-likelihood ratio (Dunning 1993; Rayson & Garside 2000)
    ``G² = 2 Σ O·ln(O/E)`` over the four cells (``0·ln 0 = 0``), **signed**: positive when the
    term is relatively more frequent in the target (``a > E11``, i.e. ``a/T > b/R``), negative
    when less, as ``quanteda.textstats::textstat_keyness``. With ``williams_correction`` it is
    divided by Williams' (1976) ``q = 1 + (N/(a+b) + N/(c+d) − 1)(N/(a+c) + N/(b+d) − 1) / (6N)``
    (applied to every table; quanteda skips tables with a zero cell). Uncorrected by default
    (quanteda's ``correction = "default"`` for ``"lr"`` shifts the cells by Yates' ½ instead).
``chi2``
    Pearson's χ² with quanteda's default rule for Yates' continuity correction:
    ``χ² = N (|ad − bc| − N·δ)² / ((a+b)(c+d)(a+c)(b+d))``, with ``δ = ½`` when
    ``|ad − bc| ≥ N/2`` and some expected cell is below 5, else ``δ = 0``
    (``yates_correction`` in quanteda.textstats ``src/keyness.cpp``); signed like ``g2``.
``log_ratio``
    Hardie's (2014) Log Ratio, the binary log of the ratio of relative frequencies,
    ``log2((a'/T) / (b'/R))``, where a zero count is replaced by ``zero_adjustment`` (0.5, as
    Hardie's CQPweb does) so that terms absent on one side get a finite value.
``pct_diff``
    Gabrielatos & Marchi's (2012) %DIFF, ``100 · (a'/T − b'/R) / (b'/R)``, on the same
    zero-adjusted frequencies as ``log_ratio`` (so ``pct_diff = 100 · (2^log_ratio − 1)``).
    Gabrielatos & Marchi substitute 1e-18 for a zero reference frequency, which gives
    astronomically large values; the shared adjustment keeps the two effect sizes consistent.
``pmi``
    pointwise mutual information of term and target, ``log2(a / E11)``, in bits like the
    collocates' ``pmi`` (Church & Hanks 1990); quanteda's ``measure = "pmi"`` is the same in
    nats, ``ln(a / E11) = pmi · ln 2``. Undefined (``NaN``, an empty cell in ``keyness.csv``)
    when ``a = 0``, where quanteda gives ``-Inf``: a spreadsheet reads the text ``-inf`` as a
    word.
``p_value``
    ``P(χ²₁ ≥ |g2|)``, from the (optionally Williams-corrected) G² with one degree of freedom.
``p_adjusted``
    ``p_value`` adjusted over the terms of one comparison: Holm (1979) step-down by default,
    Benjamini & Hochberg (1995) with ``p_adjust="BH"``, unadjusted with ``"none"``.
``direction``
    ``"positive"`` (``a/T > b/R``), ``"negative"`` (``a/T < b/R``) or ``"none"`` (equal).

Also ``count_target`` (a), ``count_reference`` (b), ``total_target`` (T), ``total_reference`` (R).
A comparison of a document with itself gives 0 for every statistic (and ``p_value`` 1).

References: Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
*Computational Linguistics* 19(1), 61–74. Rayson, P. & Garside, R. (2000). Comparing corpora
using frequency profiling. *Workshop on Comparing Corpora*, ACL. Williams, D. A. (1976). Improved
likelihood ratio tests for complete contingency tables. *Biometrika* 63(1), 33–37. Hardie, A.
(2014). Log Ratio — an informal introduction. CASS blog. Gabrielatos, C. & Marchi, A. (2012).
Keyness: Appropriate metrics and practical issues. CADS International Conference, Bologna.
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scand. J. Statist.*
6(2), 65–70. Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B*
57(1), 289–300. quanteda.textstats ``textstat_keyness`` (Benoit et al.).

Settings (``data/settings.yml``, section ``keyness``): ``group_by`` [level, genre],
``williams_correction`` false, ``min_count`` 2, ``p_adjust`` holm — the keyword defaults of
:func:`textstat_keyness_groups`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from analysis.checks import check_bool, check_choice, check_int, check_number, require_columns
from analysis.errors import InputError
from analysis.features.codes import blocks_of_whole_runs
from analysis.features.dfm import Dfm, dfm, dfm_group, dfm_select_docs

KEYNESS_COLUMNS = [
    "target",
    "reference",
    "term",
    "count_target",
    "count_reference",
    "total_target",
    "total_reference",
    "g2",
    "chi2",
    "log_ratio",
    "pct_diff",
    "pmi",
    "p_value",
    "p_adjusted",
    "direction",
]
KEYNESS_TABLE_COLUMNS = ["grouping", *KEYNESS_COLUMNS]
PAdjust = Literal["holm", "BH", "none"]
P_ADJUST_METHODS: tuple[PAdjust, ...] = ("holm", "BH", "none")
Versus = Literal["rest", "pairs"]
VERSUS: tuple[Versus, ...] = ("rest", "pairs")
REST = "rest"
# Our method names (R's p.adjust) → statsmodels' multipletests names.
_STATSMODELS_METHOD = {"holm": "holm", "BH": "fdr_bh"}


def adjust_pvalues(p: Sequence[float] | np.ndarray, method: PAdjust = "holm") -> np.ndarray:
    """Adjust p-values for multiple testing, as R's ``p.adjust`` does.

    With ``p_(1) ≤ … ≤ p_(m)`` the ``m`` p-values in ascending order:

    * ``"holm"`` (Holm 1979, step-down): ``p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j))``;
    * ``"BH"`` (Benjamini & Hochberg 1995, false discovery rate):
      ``p̃_(i) = min_{j ≥ i} min(1, m / j · p_(j))``;
    * ``"none"``: the p-values unchanged (a copy).

    Computed by ``statsmodels.stats.multitest.multipletests`` (methods ``"holm"`` and
    ``"fdr_bh"``); results are in the order given. NaN p-values are not allowed.
    """
    check_choice(method, "method (p_adjust)", "adjust_pvalues", P_ADJUST_METHODS)
    p = np.asarray(p, dtype=float)
    if np.isnan(p).any():
        raise InputError("adjust_pvalues: p-values must not be NaN; drop the untested terms first")
    if method == "none" or len(p) == 0:
        return p.copy()
    # imported here: statsmodels and scipy.stats take seconds to import
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, method=_STATSMODELS_METHOD[method])[1]


def _keyness_arrays(
    a: np.ndarray,
    b: np.ndarray,
    total_target: float,
    total_reference: float,
    *,
    williams_correction: bool,
    zero_adjustment: float,
) -> dict[str, np.ndarray]:
    """Every statistic for terms with counts ``a`` (target) and ``b`` (reference), vectorised;
    the totals are numbers or arrays of the same length as ``a``."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    t = np.asarray(total_target, dtype=float)  # a number, or one per term
    r = np.asarray(total_reference, dtype=float)
    c = t - a
    d = r - b
    n = t + r
    row1 = a + b
    row2 = c + d
    observed = (a, b, c, d)
    expected = (row1 * t / n, row1 * r / n, row2 * t / n, row2 * r / n)
    # Sign: positive when the term's relative frequency is higher in the target (a/T > b/R).
    sign = np.sign(a * r - b * t)
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2.0 * sum(
            np.where(o > 0, o * np.log(o / e), 0.0) for o, e in zip(observed, expected, strict=True)
        )
        g2 = np.maximum(g2, 0.0)  # tiny negatives are rounding
        if williams_correction:
            q = 1.0 + (n / row1 + n / row2 - 1.0) * (n / t + n / r - 1.0) / (6.0 * n)
            g2 = np.where(np.isfinite(q), g2 / q, 0.0)
        cross = np.abs(a * d - b * c)
        small = np.minimum.reduce(expected) < 5  # some expected count below 5
        delta = np.where((cross >= n / 2) & small, 0.5, 0.0)
        denominator = row1 * row2 * t * r
        chi2 = np.where(denominator > 0, n * (cross - n * delta) ** 2 / denominator, 0.0)
        a_adj = np.where(a > 0, a, zero_adjustment) / t
        b_adj = np.where(b > 0, b, zero_adjustment) / r
        log_ratio = np.log2(a_adj / b_adj)
        pct_diff = 100.0 * (a_adj - b_adj) / b_adj
        pmi = np.where(a > 0, np.log2(a / expected[0]), np.nan)
    from scipy import stats  # slow to import: only where keyness is computed

    p_value = stats.chi2.sf(g2, df=1)
    return {
        "g2": sign * g2,
        "chi2": sign * chi2,
        "log_ratio": log_ratio,
        "pct_diff": pct_diff,
        "pmi": pmi,
        "p_value": p_value,
        "direction": np.where(sign > 0, "positive", np.where(sign < 0, "negative", "none")),
    }


def _check_options(
    caller: str,
    *,
    min_count: object,
    p_adjust: object,
    zero_adjustment: object,
    **flags: object,
) -> None:
    """The options every comparison shares; ``flags`` are true-or-false options by name."""
    check_int(min_count, "min_count", caller, minimum=1)
    check_choice(p_adjust, "p_adjust", caller, P_ADJUST_METHODS)
    check_number(zero_adjustment, "zero_adjustment (Hardie uses 0.5)", caller, above=0, maximum=1)
    for name, value in flags.items():
        check_bool(value, name, caller)


def _rows(x: Dfm, labels: str | Sequence[str], what: str) -> tuple[list[int], str]:
    names = [labels] if isinstance(labels, str) else [str(v) for v in labels]
    if not names:
        raise InputError(f"textstat_keyness: {what} names no document or group; give at least one")
    index = x.docs.get_indexer(names)
    if (index < 0).any():
        unknown = names[int(np.flatnonzero(index < 0)[0])]
        shown = ", ".join(map(str, x.docs[:10])) + (", …" if len(x.docs) > 10 else "")
        raise InputError(
            f"textstat_keyness: {what} {unknown!r} is not a row of the Dfm (rows: {shown})"
        )
    return sorted(set(index.tolist())), "+".join(sorted(set(names)))


def textstat_keyness(
    x: Dfm,
    target: str | Sequence[str],
    reference: str | Sequence[str] | None = None,
    *,
    williams_correction: bool = False,
    min_count: int = 2,
    p_adjust: PAdjust = "holm",
    zero_adjustment: float = 0.5,
    include_absent: bool = True,
) -> pd.DataFrame:
    """Keyness of every term of ``x`` in ``target`` against ``reference`` (one comparison).

    ``target`` and ``reference`` are row labels of ``x`` (documents, or groups after
    :func:`analysis.features.dfm.dfm_group`), one or several; several are pooled.
    ``reference=None`` pools
    every other row (labelled ``"rest"``), as quanteda's ``textstat_keyness(x, target)``; the
    label of pooled rows is their names joined by ``+``. Target and reference may overlap: a
    document compared with itself has zero keyness.

    Terms with ``count_target + count_reference < min_count`` are left out; with
    ``include_absent=False`` so are terms absent from the target (the rows that make a
    document-against-rest table grow as documents × vocabulary). ``p_adjusted`` adjusts over the
    terms kept. Rows are sorted by descending ``g2``, then ``term``. Columns
    :data:`KEYNESS_COLUMNS`; formulas and sources in the module docstring.
    """
    if not isinstance(x, Dfm):
        raise InputError(
            "textstat_keyness: needs a Dfm (analysis.features.dfm.dfm of the tokens), got "
            f"{type(x).__name__}"
        )
    _check_options(
        "textstat_keyness",
        min_count=min_count,
        p_adjust=p_adjust,
        zero_adjustment=zero_adjustment,
        williams_correction=williams_correction,
        include_absent=include_absent,
    )
    target_rows, target_label = _rows(x, target, "target")
    if reference is None:
        reference_rows = [i for i in range(len(x.docs)) if i not in set(target_rows)]
        reference_label = REST
        if not reference_rows:
            raise InputError(
                "textstat_keyness: target is every row of the Dfm; nothing is left as reference"
            )
    else:
        reference_rows, reference_label = _rows(x, reference, "reference")
    matrix = x.matrix.tocsr()
    a = np.asarray(matrix[target_rows].sum(axis=0)).ravel()
    b = np.asarray(matrix[reference_rows].sum(axis=0)).ravel()
    return _comparison(
        np.asarray(x.terms, dtype=object),
        a,
        b,
        int(a.sum()),
        int(b.sum()),
        target_label,
        reference_label,
        min_count=min_count,
        include_absent=include_absent,
        williams_correction=williams_correction,
        p_adjust=p_adjust,
        zero_adjustment=zero_adjustment,
    )


def _comparison(
    terms: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    total_target: int,
    total_reference: int,
    target_label: str,
    reference_label: str,
    *,
    min_count: int,
    include_absent: bool,
    williams_correction: bool,
    p_adjust: PAdjust,
    zero_adjustment: float,
) -> pd.DataFrame:
    """The keyness frame of one comparison from the counts ``a`` and ``b`` of ``terms``."""
    if total_target == 0 or total_reference == 0:
        empty = target_label if total_target == 0 else reference_label
        raise InputError(
            f"textstat_keyness: {empty!r} has no counted tokens; keyness needs text on both sides"
        )
    keep = (a + b) >= min_count
    if not include_absent:
        keep &= a > 0
    a, b, terms = a[keep], b[keep], terms[keep]
    values = _keyness_arrays(
        a,
        b,
        total_target,
        total_reference,
        williams_correction=williams_correction,
        zero_adjustment=zero_adjustment,
    )
    frame = pd.DataFrame(
        {
            "target": pd.array([target_label] * len(terms), dtype="str"),
            "reference": pd.array([reference_label] * len(terms), dtype="str"),
            "term": pd.array(terms, dtype="str"),
            "count_target": a.astype(np.int64),
            "count_reference": b.astype(np.int64),
            "total_target": np.full(len(terms), total_target, dtype=np.int64),
            "total_reference": np.full(len(terms), total_reference, dtype=np.int64),
            "g2": values["g2"],
            "chi2": values["chi2"],
            "log_ratio": values["log_ratio"],
            "pct_diff": values["pct_diff"],
            "pmi": values["pmi"],
            "p_value": values["p_value"],
            "p_adjusted": _adjust_within(
                np.zeros(len(terms), dtype=np.int64), values["p_value"], p_adjust, 1
            ),
            "direction": pd.array(values["direction"].astype(object), dtype="str"),
        }
    )
    rows = frame.sort_values(["g2", "term"], ascending=[False, True], kind="stable").index
    return frame.loc[rows].reset_index(drop=True)[KEYNESS_COLUMNS]


def _strongest(frame: pd.DataFrame, top_n: int | None) -> pd.DataFrame:
    """The ``top_n`` most positive and ``top_n`` most negative keywords of one comparison."""
    if top_n is None or len(frame) <= 2 * top_n:
        return frame
    g2 = frame["g2"].to_numpy()
    order = np.argsort(-g2, kind="stable")
    positive = order[:top_n][g2[order[:top_n]] > 0]
    negative = order[::-1][:top_n][g2[order[::-1][:top_n]] < 0]
    return frame.iloc[np.sort(np.concatenate([positive, negative]))]


class _PresentCells(NamedTuple):
    """The non-zero cells of a documents × terms count matrix that enter a comparison."""

    row: np.ndarray  # document of each cell
    col: np.ndarray  # term of each cell
    a: np.ndarray  # count in the document (target)
    b: np.ndarray  # count in all other documents (reference)
    t: np.ndarray  # counted tokens of the document (T)
    grand_total: int  # counted tokens of the corpus (T + R)


def _present_cells(counts: Dfm, min_count: int) -> _PresentCells:
    """Cells with ``a > 0`` and ``a + b ≥ min_count`` of documents that have tokens and a rest
    with tokens (an empty document, or an empty rest, has no keywords)."""
    matrix = counts.matrix.tocsr()
    matrix.sort_indices()
    corpus_counts = np.asarray(matrix.sum(axis=0)).ravel()
    doc_totals = np.asarray(matrix.sum(axis=1)).ravel().astype(np.int64)
    grand_total = int(doc_totals.sum())
    row = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    col = matrix.indices.astype(np.int64)
    a = matrix.data.astype(np.int64)
    b = corpus_counts[col] - a
    keep = (doc_totals[row] > 0) & (doc_totals[row] < grand_total) & ((a + b) >= min_count)
    row, col, a, b = row[keep], col[keep], a[keep], b[keep]
    return _PresentCells(row, col, a, b, doc_totals[row], grand_total)


def _adjust_within(
    group: np.ndarray, p_value: np.ndarray, p_adjust: PAdjust, n_groups: int
) -> np.ndarray:
    """:func:`adjust_pvalues` within each comparison, every comparison at once: ``group`` codes
    each p-value's comparison (``0 … n_groups − 1``).

    The arithmetic is statsmodels' (on the ascending p-values, ``p · (m − i + 1)`` for Holm and
    ``p / (i / m)`` for BH, then a running max or min, values above 1 set to 1), so each
    comparison's values are bit for bit those of :func:`adjust_pvalues`, as
    ``tests/test_textstat_keyness.py`` checks. The pipeline does not call
    :func:`adjust_pvalues` per comparison because statsmodels' Holm runs a full garbage
    collection (``gc.collect()``) on every call: a fraction of a second each in a run's
    process, five times the whole keyness table's time for the hundred comparisons of 88
    documents. Ties keep term order, which cannot change the adjusted values.
    """
    by_p = np.lexsort((p_value, group))
    sizes = np.bincount(group, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    m = sizes[group[by_p]]
    i = np.arange(len(by_p)) - starts[group[by_p]] + 1
    ranked = p_value[by_p]
    if p_adjust == "holm":
        adjusted = _running(ranked * (m - i + 1), group[by_p], np.maximum, n_groups)
    elif p_adjust == "BH":
        reverse = slice(None, None, -1)
        adjusted = _running((ranked / (i / m))[reverse], group[by_p][reverse], np.minimum,
                            n_groups)[reverse]
    else:
        adjusted = ranked
    p_adjusted = np.empty(len(by_p))
    p_adjusted[by_p] = np.minimum(adjusted, 1.0)
    return p_adjusted


def _running(
    values: np.ndarray, group: np.ndarray, ufunc: np.ufunc, n_groups: int
) -> np.ndarray:
    """The running ``ufunc`` (max or min) of ``values`` within each run of equal ``group``."""
    if n_groups == 1:
        return ufunc.accumulate(values)
    series = pd.Series(values).groupby(group)
    return (series.cummax() if ufunc is np.maximum else series.cummin()).to_numpy()


def _strongest_by_document(
    row: np.ndarray, col: np.ndarray, g2: np.ndarray, top_n: int | None, n_docs: int
) -> np.ndarray:
    """Cells in output order (document, descending g2, term), cut as :func:`_strongest` cuts
    each document's comparison."""
    by_g2 = np.lexsort((col, -g2, row))
    if top_n is None:
        return by_g2
    sizes = np.bincount(row, minlength=n_docs)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    k = np.arange(len(by_g2)) - starts[row[by_g2]]
    size = sizes[row[by_g2]]
    strong = g2[by_g2]
    chosen = (size <= 2 * top_n) | ((k < top_n) & (strong > 0))
    chosen |= (k >= size - top_n) & (strong < 0)
    return by_g2[chosen]


_CELLS_PER_BLOCK = 1 << 19


def _present_terms_against_rest(
    counts: Dfm,
    *,
    min_count: int,
    williams_correction: bool,
    p_adjust: PAdjust,
    zero_adjustment: float,
    top_n: int | None,
) -> pd.DataFrame:
    """Each document against the rest over the terms it contains (``include_absent=False``), all
    documents at once: the same rows and values as :func:`_comparison` and :func:`_strongest`
    per document, computed on the non-zero cells of the matrix, a block of whole documents at a
    time."""
    cells = _present_cells(counts, min_count)
    labels = np.asarray(counts.docs, dtype=object)
    terms = np.asarray(counts.terms, dtype=object)
    # Cells are in document order, and every statistic is cell by cell, the adjustment and the
    # cut within a document: a block of whole documents at a time gives the same rows, with a
    # block's temporaries (some thirty arrays) instead of the whole matrix's.
    frames = [
        _present_block_rows(
            _PresentCells(*(column[block] for column in cells[:4]), cells.t[block],
                          cells.grand_total),
            labels, terms,
            williams_correction=williams_correction, p_adjust=p_adjust,
            zero_adjustment=zero_adjustment, top_n=top_n,
        )
        # no cell at all: one empty block, for the table's columns
        for block in blocks_of_whole_runs(cells.row, _CELLS_PER_BLOCK) or [slice(0, 0)]
    ]
    return pd.concat(frames, ignore_index=True)


def _present_block_rows(
    cells: _PresentCells,
    labels: np.ndarray,
    terms: np.ndarray,
    *,
    williams_correction: bool,
    p_adjust: PAdjust,
    zero_adjustment: float,
    top_n: int | None,
) -> pd.DataFrame:
    """The keyness rows of the present cells of whole documents, in output order."""
    t, grand_total = cells.t, cells.grand_total
    first = int(cells.row[0]) if len(cells.row) else 0
    row, col = cells.row - first, cells.col  # documents numbered within the block
    n_docs = int(row.max(initial=-1)) + 1
    values = _keyness_arrays(
        cells.a, cells.b, t.astype(float), (grand_total - t).astype(float),
        williams_correction=williams_correction, zero_adjustment=zero_adjustment,
    )
    p_adjusted = _adjust_within(row, values["p_value"], p_adjust, max(n_docs, 1))
    pick = _strongest_by_document(row, col, values["g2"], top_n, n_docs)
    return pd.DataFrame(
        {
            "target": pd.array(labels[cells.row[pick]], dtype="str"),
            "reference": pd.array(np.full(len(pick), REST, dtype=object), dtype="str"),
            "term": pd.array(terms[col[pick]], dtype="str"),
            "count_target": cells.a[pick],
            "count_reference": cells.b[pick].astype(np.int64),
            "total_target": t[pick],
            "total_reference": (grand_total - t[pick]).astype(np.int64),
            "g2": values["g2"][pick],
            "chi2": values["chi2"][pick],
            "log_ratio": values["log_ratio"][pick],
            "pct_diff": values["pct_diff"][pick],
            "pmi": values["pmi"][pick],
            "p_value": values["p_value"][pick],
            "p_adjusted": p_adjusted[pick],
            "direction": pd.array(values["direction"][pick].astype(object), dtype="str"),
        }
    )[KEYNESS_COLUMNS]


def textstat_keyness_groups(
    tokens: pd.DataFrame | Dfm,
    documents: pd.DataFrame,
    *,
    group_by: Sequence[str] = ("level", "genre"),
    versus: Versus = "rest",
    williams_correction: bool = False,
    min_count: int = 2,
    p_adjust: PAdjust = "holm",
    zero_adjustment: float = 0.5,
    include_absent: bool = True,
    remove_punct: bool = True,
    remove_stop: bool = True,
    top_n: int | None = None,
) -> pd.DataFrame:
    """All comparisons of ``keyness.csv``: each document against the rest, and groups.

    ``top_n`` keeps, for each comparison, the ``top_n`` terms with the highest G² (positive
    keywords) and the ``top_n`` with the lowest (negative keywords); p-values are adjusted over
    all terms of the comparison before this cut, so they do not depend on it. ``None`` keeps all
    (the table then grows as documents × vocabulary on a large corpus).

    Documents (rows with ``grouping = "doc_id"``): each against all other documents pooled
    (``reference = "rest"``). Groups (``grouping`` = a ``group_by`` column of ``documents``): with
    ``versus="rest"`` each group against all other groups pooled; with ``versus="pairs"`` each
    pair of groups once (target before reference in sorted order). A column with a single value
    gives no comparison. Counts come from :func:`analysis.features.dfm.dfm` (punctuation and
    stopwords dropped by default) and :func:`analysis.features.dfm.dfm_group`; each comparison
    is :func:`textstat_keyness` with the options given, p-values adjusted within the comparison.
    ``tokens`` may instead be a :class:`~analysis.features.dfm.Dfm` of the tokens (a run builds
    one and shares it among its measures): its terms are counted as they are, and
    ``remove_punct`` and ``remove_stop`` have no effect.

    Columns :data:`KEYNESS_TABLE_COLUMNS` (``grouping`` + :data:`KEYNESS_COLUMNS`), sorted by
    grouping (``doc_id`` first, then ``group_by`` in order), target, reference, descending
    ``g2`` and term — the same whatever the order of the documents.
    """
    group_by = _check_table_arguments(
        documents,
        group_by,
        versus,
        top_n,
        min_count=min_count,
        p_adjust=p_adjust,
        zero_adjustment=zero_adjustment,
        williams_correction=williams_correction,
        include_absent=include_absent,
        remove_punct=remove_punct,
        remove_stop=remove_stop,
    )
    doc_ids = _table_doc_ids(documents)
    counts = (
        dfm_select_docs(tokens, doc_ids)
        if isinstance(tokens, Dfm)
        else dfm(tokens, docs=doc_ids, remove_punct=remove_punct, remove_stop=remove_stop)
    )
    options = {
        "williams_correction": williams_correction,
        "min_count": min_count,
        "p_adjust": p_adjust,
        "zero_adjustment": zero_adjustment,
        "include_absent": include_absent,
    }
    frames = [("doc_id", frame) for frame in _documents_against_rest(counts, options, top_n)]
    for column in group_by:
        groups = _group_comparisons(counts, documents, column, versus, options, top_n)
        frames += [(column, frame) for frame in groups]
    return _sorted_table(frames, group_by)


def _check_table_arguments(
    documents: pd.DataFrame,
    group_by: object,
    versus: object,
    top_n: object,
    **options: object,
) -> list[str]:
    """Validate :func:`textstat_keyness_groups`'s arguments; ``group_by`` as a list of column
    names."""
    caller = "textstat_keyness_groups"
    if isinstance(group_by, str) or not isinstance(group_by, Sequence):
        raise InputError(
            f"{caller}: group_by must be a list of metadata column names, got {group_by!r}"
        )
    check_choice(versus, "versus", caller, VERSUS)
    _check_options(caller, **options)
    columns = [str(g) for g in group_by]
    if len(set(columns)) != len(columns):
        raise InputError(f"{caller}: group_by lists a column twice ({columns!r}); give each once")
    require_columns(
        documents,
        ["doc_id", *columns],
        caller,
        name="the documents table",
        source="corpus.documents of analysis.build_corpus, whose metadata columns group_by names",
    )
    if top_n is not None:
        check_int(top_n, "top_n (or None for every term)", caller, minimum=1)
    return columns


def _table_doc_ids(documents: pd.DataFrame) -> list[str]:
    """The documents' ids in code-point order, each once, at least two."""
    doc_ids = sorted(documents["doc_id"].astype(str))
    if len(set(doc_ids)) != len(doc_ids):
        raise InputError(
            "textstat_keyness_groups: a doc_id occurs twice in documents; give each once"
        )
    if len(doc_ids) < 2:
        raise InputError(
            f"textstat_keyness_groups: needs at least two documents to compare, got {len(doc_ids)}"
        )
    return doc_ids


def _documents_against_rest(
    counts: Dfm, options: dict[str, object], top_n: int | None
) -> list[pd.DataFrame]:
    """Each document's comparison with all other documents pooled."""
    if not options["include_absent"]:
        # Only the terms each document contains: every document at once, on the non-zero cells.
        present = _present_terms_against_rest(
            counts,
            min_count=options["min_count"],  # type: ignore[arg-type]
            williams_correction=options["williams_correction"],  # type: ignore[arg-type]
            p_adjust=options["p_adjust"],  # type: ignore[arg-type]
            zero_adjustment=options["zero_adjustment"],  # type: ignore[arg-type]
            top_n=top_n,
        )
        return [present]
    # Each document against the rest over the whole vocabulary: b = corpus count − a, from
    # one pass over the matrix.
    matrix = counts.matrix.tocsr()
    terms = np.asarray(counts.terms, dtype=object)
    corpus_counts = np.asarray(matrix.sum(axis=0)).ravel()
    doc_totals = np.asarray(matrix.sum(axis=1)).ravel()
    grand_total = int(doc_totals.sum())
    frames = []
    for i, doc in enumerate(counts.docs):
        if doc_totals[i] == 0 or doc_totals[i] == grand_total:
            continue  # an empty document (or an empty rest) has no keywords
        row = slice(matrix.indptr[i], matrix.indptr[i + 1])
        a = np.zeros(len(terms), dtype=np.int64)
        a[matrix.indices[row]] = matrix.data[row]
        total = int(doc_totals[i])
        frame = _comparison(
            terms, a, corpus_counts - a, total, grand_total - total, doc, REST, **options
        )
        frames.append(_strongest(frame, top_n))
    return frames


def _group_comparisons(
    counts: Dfm,
    documents: pd.DataFrame,
    column: str,
    versus: str,
    options: dict[str, object],
    top_n: int | None,
) -> list[pd.DataFrame]:
    """The comparisons of the groups of one metadata ``column``."""
    # Documents without a value are left out of this grouping (target and rest alike).
    values = documents.set_index(documents["doc_id"].astype(str))[column].dropna()
    grouped = dfm_group(counts, values.astype(str).to_dict(), missing="drop")
    labels = sorted(grouped.docs)
    if len(labels) < 2:
        return []
    if versus == "rest":
        # A group of one document against all the others is that document's comparison,
        # already in the rows of grouping doc_id: not repeated.
        members = values.astype(str).value_counts()
        whole = len(values) == len(counts.docs)
        pairs = [(g, None) for g in labels if not (whole and members[g] == 1)]
    else:
        pairs = [(g, h) for i, g in enumerate(labels) for h in labels[i + 1 :]]
    return [
        _strongest(textstat_keyness(grouped, target, reference, **options), top_n)  # type: ignore[arg-type]
        for target, reference in pairs
    ]


def _sorted_table(frames: list[tuple[str, pd.DataFrame]], group_by: list[str]) -> pd.DataFrame:
    """The comparisons as one table in :func:`textstat_keyness_groups`'s row order."""
    if not frames:
        return pd.DataFrame({c: [] for c in KEYNESS_TABLE_COLUMNS})
    result = pd.concat([f.assign(grouping=g) for g, f in frames], ignore_index=True)[
        KEYNESS_TABLE_COLUMNS
    ]
    result["grouping"] = pd.array(result["grouping"].to_numpy(dtype=object), dtype="str")
    grouping_rank = {g: i for i, g in enumerate(["doc_id", *group_by])}
    keys = pd.DataFrame(
        {
            "grouping": result["grouping"].map(grouping_rank),
            "target": result["target"].astype(str),
            "reference": result["reference"].astype(str),
            "g2": -result["g2"],
            "term": result["term"].astype(str),
        }
    )
    rows = keys.sort_values(list(keys.columns), kind="stable").index.to_numpy()
    return result.iloc[rows].reset_index(drop=True)


def single_document_groups(documents: pd.DataFrame, group_by: Sequence[str]) -> dict[str, str]:
    """``"column=value"`` → doc id for each group of one document that
    :func:`textstat_keyness_groups` (``versus="rest"``) leaves out, as it repeats that
    document's own comparison."""
    found = {}
    for column in group_by:
        if column not in documents.columns or documents[column].isna().any():
            continue
        values = documents[column].astype(str)
        members = values.value_counts()
        if len(members) < 2:
            continue
        for value in sorted(members.index[members == 1]):
            found[f"{column}={value}"] = str(documents.loc[values == value, "doc_id"].iloc[0])
    return found

