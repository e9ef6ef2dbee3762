"""TF-IDF: how characteristic a term is of one document relative to the others (``tfidf.csv``).

Weights come from scikit-learn's ``TfidfTransformer`` applied to the counts of
:func:`analysis.features.dfm.dfm` (the project's own tokens; nothing is re-segmented). For a term
``t``
in document ``d`` of a corpus of ``N`` documents, with ``n(t, d)`` its count and ``df(t)`` the
number of documents it occurs in:

``tf(t, d)``
    ``n(t, d)`` (raw count), or ``1 + ln n(t, d)`` with ``sublinear_tf=True`` (SMART "l").

``idf(t)``, chosen with ``idf``:

    ``"sklearn"`` (default)
        ``ln((1 + N) / (1 + df(t))) + 1`` with ``smooth_idf=True`` (default), as if one extra
        document contained every term once; ``ln(N / df(t)) + 1`` with ``smooth_idf=False``.
        The ``+ 1`` keeps terms found in every document at a small positive weight.
    ``"classic"``
        the textbook ``ln(N / df(t))`` (Spärck Jones 1972; Manning, Raghavan & Schütze 2008,
        §6.2.1) with ``smooth_idf=False``; with ``smooth_idf=True`` the smoothed
        ``ln((1 + N) / (1 + df(t)))``. Both give **zero** to a term found in every document,
        so such terms drop out of the table. scikit-learn has no switch for this: it is its idf
        minus one.
    ``"none"``
        ``1`` (term frequencies only; ``smooth_idf`` has no effect).

``tfidf(t, d) = tf(t, d) · idf(t)``, then each document's vector is scaled to unit length:
``norm="l2"`` (default) divides by ``sqrt(Σ_t tfidf(t, d)²)`` (SMART "c", cosine
normalisation), ``"l1"`` by ``Σ_t |tfidf(t, d)|``, ``"none"`` (or ``None``) leaves it.

Source: scikit-learn, ``sklearn.feature_extraction.text.TfidfTransformer`` (docstring and
``fit``/``transform``); Manning, Raghavan & Schütze, *Introduction to Information Retrieval*
(2008), ch. 6. The defaults match the ``tfidf:`` section of ``data/settings.yml``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from analysis.checks import check_int
from analysis.errors import InputError
from analysis.features.dfm import Dfm, as_dfm, code_point_rank
from analysis.features.weighting import Idf, Norm, check_weighting, tfidf_matrix

TFIDF_COLUMNS = ["doc_id", "term", "tfidf", "rank"]



def _within_doc_freq(d: Dfm, min_df: int | float, max_df: int | float) -> Dfm:
    """The terms of ``d`` found in ``min_df`` to ``max_df`` documents (scikit-learn's rule: a
    float is a share of the documents, an int a number of them)."""
    n_docs = d.shape[0]
    low = min_df if isinstance(min_df, int | np.integer) else min_df * n_docs
    high = max_df if isinstance(max_df, int | np.integer) else max_df * n_docs
    if low == 1 and high >= n_docs:
        return d
    df = d.doc_freq().to_numpy()
    keep = (df >= low) & (df <= high)
    return Dfm(d.matrix[:, keep].tocsr(), d.docs, d.terms[keep])


def describe_weighting(
    *,
    smooth_idf: bool = True,
    sublinear_tf: bool = False,
    norm: Norm | None = "l2",
    idf: Idf = "sklearn",
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    language: Literal["en", "zh"] = "en",
    **_: object,
) -> str:
    """One line saying how the TF-IDF weights were made, for a figure's caption, in English
    (``language="en"``) or Chinese (``"zh"``)."""
    if language not in _CAPTION_WORDS:
        raise InputError(
            f"describe_weighting: language must be 'en' or 'zh', got {language!r}"
        )
    words = _CAPTION_WORDS[language]
    tf = f"(1 + ln({words['count']}))" if sublinear_tf else words["count"]
    idf_text = {
        ("sklearn", True): "(ln((1+N)/(1+df)) + 1)",
        ("sklearn", False): "(ln(N/df) + 1)",
        ("classic", True): "ln((1+N)/(1+df))",
        ("classic", False): "ln(N/df)",
    }.get((idf, bool(smooth_idf)), "1")
    scaled = words.get(f"norm_{norm}", "")
    kept = []
    if min_df != 1:
        kept.append(words["min_df"].format(_share(min_df, language)))
    if max_df != 1.0 and max_df != 1:
        kept.append(words["max_df"].format(_share(max_df, language)))
    terms = words["terms"].format(words["and"].join(kept)) if kept else ""
    return f"{words['weight']} = {tf} × {idf_text}{scaled}{terms}"


_CAPTION_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "weight": "weight", "count": "count", "norm_l2": ", scaled to unit length",
        "norm_l1": ", scaled to sum 1", "min_df": "in at least {} of the documents",
        "max_df": "in at most {}", "terms": "; terms {}", "and": " and ",
    },
    "zh": {
        "weight": "权重", "count": "词频", "norm_l2": "，归一化为单位长度",
        "norm_l1": "，归一化为总和 1", "min_df": "至少出现在 {}中",
        "max_df": "至多出现在 {}中", "terms": "；仅保留{}的词", "and": "且",
    },
}


def _share(value: int | float, language: str = "en") -> str:
    if language == "zh":
        return f"{value:.0%} 的文档" if isinstance(value, float) else f"{value} 篇文档"
    return f"{value:.0%}" if isinstance(value, float) else f"{value}"


def textstat_tfidf(
    x: pd.DataFrame | Dfm,
    *,
    smooth_idf: bool = True,
    sublinear_tf: bool = False,
    norm: Norm | None = "l2",
    idf: Idf = "sklearn",
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    top_n: int | None = 20,
) -> pd.DataFrame:
    """TF-IDF of every term in every document, best ``top_n`` per document (``tfidf.csv``).

    ``x`` is a tokens table (counted with :func:`analysis.features.dfm.dfm`: punctuation, numbers
    and
    stopwords dropped) or a :class:`Dfm`. Weighting (formulas and sources in the module
    docstring): ``smooth_idf``, ``sublinear_tf``, ``norm`` as in scikit-learn's
    ``TfidfTransformer``, and ``idf="classic"`` for ``ln(N / df)``. ``min_df`` and ``max_df``
    keep only the terms found in at least ``min_df`` and at most ``max_df`` documents — a whole
    number counts documents, a fraction in (0, 1] is a share of them — as scikit-learn's
    ``TfidfVectorizer`` does, before weighting (``max_df=0.8`` on five documents drops the words
    all five use, which otherwise fill every top list with the idf's floor of 1).
    ``top_n=None`` keeps every non-zero cell.

    Returns one row per non-zero weight, columns :data:`TFIDF_COLUMNS`:

    ``doc_id``, ``term``, ``tfidf`` (the weight), ``rank``: competition ranking, as
    ``term_frequencies``' rank — 1 + the number of terms of the document with a higher weight,
    so equal weights share a rank (1, 2, 2, 4) and are listed by term in code-point order.
    ``top_n`` keeps the rows of rank ``top_n`` or better (every term tied at the cut, so a
    document may have a few more). Rows are sorted by ``doc_id`` (code-point order), rank and
    term, whatever order the documents came in.
    """
    caller = "textstat_tfidf"
    check_weighting(
        caller, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, idf=idf, norm=norm
    )
    for name, value in (("min_df", min_df), ("max_df", max_df)):
        if isinstance(value, bool) or not (
            (isinstance(value, int | np.integer) and value >= 1)
            or (isinstance(value, float) and 0 < value <= 1)
        ):
            raise InputError(
                f"{caller}: {name} must be a whole number of documents (at least 1) or a "
                f"share of them between 0 and 1 (e.g. 0.8), got {value!r}"
            )
    if top_n is not None:
        try:
            check_int(top_n, "top_n", caller, minimum=1)
        except InputError as error:
            raise InputError(f"{error}; or None for every term") from None
    d = _within_doc_freq(as_dfm(x, caller), min_df, max_df)
    weights = tfidf_matrix(
        d, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm=norm, idf=idf
    ).tocoo()
    doc_key = code_point_rank(d.docs)[weights.row]
    term_key = code_point_rank(d.terms)[weights.col]
    # One sort gives both the output order and the rank: by document, weight down, term.
    order = np.lexsort((term_key, -weights.data, doc_key))
    doc_sorted, weight_sorted = doc_key[order], weights.data[order]
    first = np.r_[True, doc_sorted[1:] != doc_sorted[:-1]] if len(order) else np.array([], bool)
    starts = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    # competition ranking: a weight equal to the one before keeps that one's rank
    new_weight = first | np.r_[True, weight_sorted[1:] != weight_sorted[:-1]]
    rank = np.maximum.accumulate(np.where(new_weight, np.arange(len(order)), 0)) - starts + 1
    keep = rank <= top_n if top_n is not None else np.ones(len(order), dtype=bool)
    rows, cols = weights.row[order][keep], weights.col[order][keep]
    return pd.DataFrame(
        {
            "doc_id": d.docs.to_numpy(dtype=object)[rows],
            "term": d.terms.to_numpy(dtype=object)[cols],
            "tfidf": weights.data[order][keep].astype(np.float64),
            "rank": rank[keep].astype(np.int64),
        },
        columns=TFIDF_COLUMNS,
    )
