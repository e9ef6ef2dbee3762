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
    pointwise mutual information of term and target, ``ln(a / E11)`` (natural log, as
    quanteda's ``measure = "pmi"``); undefined (``NaN``, an empty cell in ``keyness.csv``) when
    ``a = 0``, where quanteda gives ``-Inf``: a spreadsheet reads the text ``-inf`` as a word.
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
:func:`keyness_table`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import InputError
from analysis.features.dfm import Dfm, dfm, dfm_group

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
REST = "rest"


def adjust_pvalues(p: Sequence[float] | np.ndarray, method: PAdjust = "holm") -> np.ndarray:
    """Adjust p-values for multiple testing (as R's ``p.adjust``).

    Holm (1979): with ``p_(1) ≤ … ≤ p_(m)``, ``p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j))``.
    Benjamini & Hochberg (1995): ``p̃_(i) = min_{j ≥ i} min(1, m / j · p_(j))``.
    ``"none"`` returns the p-values unchanged. NaN p-values are not allowed.
    """
    if method not in P_ADJUST_METHODS:
        raise InputError(f"`p_adjust` must be one of {P_ADJUST_METHODS}, got {method!r}")
    p = np.asarray(p, dtype=float)
    if np.isnan(p).any():
        raise InputError("adjust_pvalues: p-values must not be NaN")
    m = len(p)
    if method == "none" or m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    i = np.arange(1, m + 1)
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, (m - i + 1) * ranked))
    else:
        adjusted = np.minimum.accumulate(np.minimum(1.0, m / i * ranked)[::-1])[::-1]
    out = np.empty(m)
    out[order] = adjusted
    return out


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
        pmi = np.where(a > 0, np.log(a / expected[0]), np.nan)
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


def _check_flags(**flags: object) -> None:
    for name, value in flags.items():
        if not isinstance(value, (bool, np.bool_)):
            raise InputError(f"`{name}` must be True or False, got {value!r}")


def _check_options(min_count: int, p_adjust: str, zero_adjustment: float) -> None:
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise InputError(f"`min_count` must be a whole number of at least 1, got {min_count!r}")
    if p_adjust not in P_ADJUST_METHODS:
        raise InputError(f"`p_adjust` must be one of {P_ADJUST_METHODS}, got {p_adjust!r}")
    if not isinstance(zero_adjustment, (int, float)) or not 0 < zero_adjustment <= 1:
        raise InputError(
            "`zero_adjustment` must be a number in (0, 1] (Hardie uses 0.5), got "
            f"{zero_adjustment!r}"
        )


def _rows(x: Dfm, labels: str | Sequence[str], what: str) -> tuple[list[int], str]:
    names = [labels] if isinstance(labels, str) else [str(v) for v in labels]
    if not names:
        raise InputError(f"`{what}` names no document or group; give at least one")
    index = x.docs.get_indexer(names)
    if (index < 0).any():
        unknown = names[int(np.flatnonzero(index < 0)[0])]
        shown = ", ".join(map(str, x.docs[:10])) + (", …" if len(x.docs) > 10 else "")
        raise InputError(f"`{what}` {unknown!r} is not a row of the Dfm (rows: {shown})")
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
            f"textstat_keyness needs a Dfm (analysis.features.dfm.dfm), got {type(x).__name__}"
        )
    _check_options(min_count, p_adjust, zero_adjustment)
    _check_flags(williams_correction=williams_correction, include_absent=include_absent)
    target_rows, target_label = _rows(x, target, "target")
    if reference is None:
        reference_rows = [i for i in range(len(x.docs)) if i not in set(target_rows)]
        reference_label = REST
        if not reference_rows:
            raise InputError("`target` is every row of the Dfm; nothing is left as reference")
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
        raise InputError(f"{empty!r} has no counted tokens; keyness needs text on both sides")
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
            "p_adjusted": adjust_pvalues(values["p_value"], p_adjust),
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
    per document, computed on the non-zero cells of the matrix in one pass."""
    matrix = counts.matrix.tocsr()
    matrix.sort_indices()
    corpus_counts = np.asarray(matrix.sum(axis=0)).ravel()
    doc_totals = np.asarray(matrix.sum(axis=1)).ravel().astype(np.int64)
    grand_total = int(doc_totals.sum())
    row = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    col = matrix.indices.astype(np.int64)
    a = matrix.data.astype(np.int64)
    b = corpus_counts[col] - a
    # An empty document (or an empty rest) has no keywords; terms below min_count are left out.
    keep = (doc_totals[row] > 0) & (doc_totals[row] < grand_total) & ((a + b) >= min_count)
    row, col, a, b = row[keep], col[keep], a[keep], b[keep]
    t = doc_totals[row]
    values = _keyness_arrays(
        a,
        b,
        t.astype(float),
        (grand_total - t).astype(float),
        williams_correction=williams_correction,
        zero_adjustment=zero_adjustment,
    )
    g2, p_value = values["g2"], values["p_value"]
    # Adjust p-values within each document: ascending p (ties in term order), rank i of m.
    by_p = np.lexsort((p_value, row))
    sizes = np.bincount(row, minlength=matrix.shape[0])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    m = sizes[row[by_p]]
    i = np.arange(len(by_p)) - starts[row[by_p]] + 1
    ranked = p_value[by_p]
    groups = pd.Series(row[by_p])
    if p_adjust == "holm":
        adjusted = pd.Series(np.minimum(1.0, (m - i + 1) * ranked)).groupby(groups).cummax()
    elif p_adjust == "BH":
        steps = pd.Series(np.minimum(1.0, m / i * ranked)[::-1])
        adjusted = steps.groupby(groups[::-1].to_numpy()).cummin()[::-1]
    else:
        adjusted = pd.Series(ranked)
    p_adjusted = np.empty(len(by_p))
    p_adjusted[by_p] = adjusted.to_numpy()
    # Within each document: descending g2, then term; keep the top_n at either end.
    by_g2 = np.lexsort((col, -g2, row))
    if top_n is not None:
        k = np.arange(len(by_g2)) - starts[row[by_g2]]
        size = sizes[row[by_g2]]
        strong = g2[by_g2]
        chosen = (size <= 2 * top_n) | ((k < top_n) & (strong > 0))
        chosen |= (k >= size - top_n) & (strong < 0)
        by_g2 = by_g2[chosen]
    labels = np.asarray(counts.docs, dtype=object)
    terms = np.asarray(counts.terms, dtype=object)
    pick = by_g2
    return pd.DataFrame(
        {
            "target": pd.array(labels[row[pick]], dtype="str"),
            "reference": pd.array(np.full(len(pick), REST, dtype=object), dtype="str"),
            "term": pd.array(terms[col[pick]], dtype="str"),
            "count_target": a[pick],
            "count_reference": b[pick].astype(np.int64),
            "total_target": t[pick],
            "total_reference": (grand_total - t[pick]).astype(np.int64),
            "g2": g2[pick],
            "chi2": values["chi2"][pick],
            "log_ratio": values["log_ratio"][pick],
            "pct_diff": values["pct_diff"][pick],
            "pmi": values["pmi"][pick],
            "p_value": p_value[pick],
            "p_adjusted": p_adjusted[pick],
            "direction": pd.array(values["direction"][pick].astype(object), dtype="str"),
        }
    )[KEYNESS_COLUMNS]


def keyness_table(
    tokens: pd.DataFrame,
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
    stopwords
    dropped by default) and :func:`analysis.features.dfm.dfm_group`; each comparison is
    :func:`textstat_keyness` with the options given, p-values adjusted within the comparison.

    Columns :data:`KEYNESS_TABLE_COLUMNS` (``grouping`` + :data:`KEYNESS_COLUMNS`), sorted by
    grouping (``doc_id`` first, then ``group_by`` in order), target, reference, descending
    ``g2`` and term — the same whatever the order of the documents.
    """
    if isinstance(group_by, str) or not isinstance(group_by, Sequence):
        raise InputError(f"`group_by` must be a list of metadata column names, got {group_by!r}")
    if versus not in ("rest", "pairs"):
        raise InputError(f"`versus` must be 'rest' or 'pairs', got {versus!r}")
    _check_options(min_count, p_adjust, zero_adjustment)
    _check_flags(
        williams_correction=williams_correction,
        include_absent=include_absent,
        remove_punct=remove_punct,
        remove_stop=remove_stop,
    )
    group_by = [str(g) for g in group_by]
    if len(set(group_by)) != len(group_by):
        raise InputError(f"`group_by` lists a column twice ({group_by!r}); give each once")
    missing = ({"doc_id", *group_by}) - set(documents.columns)
    if missing:
        raise InputError(
            f"keyness_table: documents lack column(s) {', '.join(sorted(missing))}; group_by "
            "names metadata columns of the documents table"
        )
    if top_n is not None and (isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1):
        raise InputError(
            f"keyness_table: top_n must be a whole number of at least 1 or None, got {top_n!r}"
        )
    doc_ids = sorted(documents["doc_id"].astype(str))
    if len(set(doc_ids)) != len(doc_ids):
        raise InputError("keyness_table: a doc_id occurs twice in `documents`; give each once")
    if len(doc_ids) < 2:
        raise InputError("keyness_table needs at least two documents to compare")
    counts = dfm(tokens, docs=doc_ids, remove_punct=remove_punct, remove_stop=remove_stop)
    options = {
        "williams_correction": williams_correction,
        "min_count": min_count,
        "p_adjust": p_adjust,
        "zero_adjustment": zero_adjustment,
        "include_absent": include_absent,
    }
    frames = []
    if include_absent:
        # Each document against the rest over the whole vocabulary: b = corpus count − a, from
        # one pass over the matrix.
        matrix = counts.matrix.tocsr()
        terms = np.asarray(counts.terms, dtype=object)
        corpus_counts = np.asarray(matrix.sum(axis=0)).ravel()
        doc_totals = np.asarray(matrix.sum(axis=1)).ravel()
        grand_total = int(doc_totals.sum())
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
            frames.append(("doc_id", _strongest(frame, top_n)))
    else:
        # Only the terms each document contains: every document at once, on the non-zero cells.
        present = _present_terms_against_rest(
            counts,
            min_count=min_count,
            williams_correction=williams_correction,
            p_adjust=p_adjust,
            zero_adjustment=zero_adjustment,
            top_n=top_n,
        )
        frames.append(("doc_id", present))
    for column in group_by:
        # Documents without a value are left out of this grouping (target and rest alike).
        values = documents.set_index(documents["doc_id"].astype(str))[column].dropna()
        grouped = dfm_group(counts, values.astype(str).to_dict(), missing="drop")
        labels = sorted(grouped.docs)
        if versus == "rest":
            # A group of one document against all the others is that document's comparison,
            # already in the rows of grouping doc_id: not repeated.
            members = values.astype(str).value_counts()
            whole = len(values) == len(doc_ids)
            pairs = [(g, None) for g in labels if not (whole and members[g] == 1)]
        else:
            pairs = [(g, h) for i, g in enumerate(labels) for h in labels[i + 1 :]]
        for target, reference in pairs if len(labels) > 1 else []:
            comparison = textstat_keyness(grouped, target, reference, **options)
            frames.append((column, _strongest(comparison, top_n)))
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
    """``"column=value"`` → doc id for each group of one document that :func:`keyness_table`
    (``versus="rest"``) leaves out, as it repeats that document's own comparison."""
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

