"""How evenly terms spread: range, Juilland's D, Gries' DP and DPnorm (``dispersion.csv``).

Dispersion is measured over two partitions of the corpus:

* ``"document"`` — each document is a part (the study's five documents differ ~20× in length);
* ``"equal_parts"`` — the documents are put end to end (in ``doc_id`` order, or the ``order``
  given) and the running text is cut into ``parts`` consecutive parts of equal size (sizes differ
  by at most one token), which may cross document boundaries.

Part sizes are counted in word tokens — every token that is not punctuation (``is_punct``),
stopwords included — whether or not stopwords are among the terms measured, because the size of
a part is how much text it holds. Parts without any word token are left out (``n_parts`` counts
the rest).

Output (long format, fixed columns :data:`DISPERSION_COLUMNS`), one row per term and partition:
``term``, ``partition`` (``"document"`` / ``"equal_parts"``), ``n_parts``, ``count`` (total
count), ``range`` (number of parts containing the term), ``juilland_d``, ``dp``, ``dp_norm``.
Rows are sorted by partition, descending count and term.

Formulas (for a term with count ``v_i`` in part ``i`` of ``n`` parts, ``f = Σ v_i``, part sizes
``t_i`` and relative sizes ``s_i = t_i / Σ t_j``)::

    range      = #{i : v_i > 0}
    DP         = ½ Σ_i | v_i / f − s_i |                       (Gries 2008: 415)
    DP_norm    = DP / (1 − min_i s_i)                          (Lijffijt & Gries 2012)
    p_i        = v_i / t_i                                     (relative frequency in part i)
    V          = σ(p) / mean(p),  σ the population standard deviation (divisor n)
    Juilland D = 1 − V / √(n − 1)                              (Juilland & Chang-Rodríguez 1964)

DP is 0 when the term is spread exactly in proportion to part sizes and approaches 1 when it is
concentrated in one small part; DP_norm rescales it to reach 1 exactly then. Juilland's D is
computed on relative frequencies per part — the variant for parts of unequal size in Gries
(2008) and in his ``dispersions.r`` script ("Juilland et al.'s D, not requiring equally-sized
corpus parts"), with the population SD as in Juilland's and Carroll's (1970) worked examples;
with equal parts it is the original D on raw counts. D is 1 for a perfectly even spread and 0
when the term occurs in one part only. With a single part, D and DP_norm are undefined (NaN)
and DP is 0.

References: Gries, S. Th. (2008). Dispersions and adjusted frequencies in corpora. *International
Journal of Corpus Linguistics* 13(4), 403–437. Lijffijt, J. & Gries, S. Th. (2012). Correction
to Stefan Th. Gries' "Dispersions and adjusted frequencies in corpora". *IJCL* 17(1), 147–149.
Juilland, A. & Chang-Rodríguez, E. (1964). *Frequency Dictionary of Spanish Words*. Mouton.
Carroll, J. B. (1970). An alternative to Juilland's usage coefficient for lexical frequencies.
*ETS Research Bulletin* 1970(2).

Settings (``data/settings.yml``, section ``dispersion``): ``parts`` 10 — the keyword default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.checks import check_bool, check_choice, check_int, require_columns
from analysis.errors import InputError
from analysis.features.codes import factorize_sorted
from analysis.features.dfm import Dfm, dfm_trim

DISPERSION_COLUMNS = [
    "term",
    "partition",
    "n_parts",
    "count",
    "range",
    "juilland_d",
    "dp",
    "dp_norm",
]
Partition = Literal["document", "equal_parts"]
PARTITIONS: tuple[Partition, ...] = ("document", "equal_parts")


def textstat_dispersion_dfm(
    x: Dfm, sizes: Sequence[float] | np.ndarray | None = None
) -> pd.DataFrame:
    """Range, Juilland's D, DP and DP_norm of every term of ``x`` over its rows (the parts).

    ``sizes`` gives each row's size in tokens (default: the row totals of ``x``); rows of size 0
    are left out. Returns columns ``term``, ``n_parts``, ``count``, ``range``,
    ``juilland_d``, ``dp``, ``dp_norm`` in the order of ``x.terms`` (formulas in the module
    docstring). Works on the sparse matrix: no dense parts × terms array is built.
    """
    if not isinstance(x, Dfm):
        raise InputError(
            "textstat_dispersion_dfm: needs a Dfm (analysis.features.dfm.dfm), got "
            f"{type(x).__name__}"
        )
    counts = x.matrix.tocsr()
    size = _part_sizes(counts, sizes)
    keep = size > 0
    counts = counts[keep]
    size = size[keep]
    n = int(keep.sum())
    terms = x.terms
    frequency = np.asarray(counts.sum(axis=0)).ravel().astype(np.int64)
    coo = counts.tocoo()
    row, col, v = coo.row, coo.col, coo.data.astype(float)
    n_terms = counts.shape[1]
    total = np.maximum(frequency, 1).astype(float)  # every measured term has frequency ≥ 1
    share = size / size.sum() if n else size
    # DP = ½ Σ_i |v_i/f − s_i|; parts with v_i = 0 contribute s_i, so sum over non-zero cells:
    # Σ_i |v_i/f − s_i| = 1 + Σ_{v_i>0} (|v_i/f − s_i| − s_i)   (Σ s_i = 1)
    deviation = np.abs(v / total[col] - share[row]) - share[row]
    dp = 0.5 * (1.0 + np.bincount(col, weights=deviation, minlength=n_terms))
    dp = np.clip(dp, 0.0, 1.0)  # rounding only
    with np.errstate(divide="ignore", invalid="ignore"):
        dp_norm = dp / (1.0 - share.min()) if n else np.full(n_terms, np.nan)
        # Juilland's D on relative frequencies p_i = v_i / t_i with the population SD, centred
        # sums over the non-zero cells plus the (n − range) zero cells for numerical stability.
        p = v / size[row]
        mean = np.bincount(col, weights=p, minlength=n_terms) / n
        squares = np.bincount(col, weights=(p - mean[col]) ** 2, minlength=n_terms)
        in_range = np.bincount(col, minlength=n_terms)
        variance = (squares + (n - in_range) * mean**2) / n
        juilland = 1.0 - (np.sqrt(variance) / mean) / np.sqrt(n - 1)
    if n < 2:
        juilland = np.full(n_terms, np.nan)
        dp_norm = np.full(n_terms, np.nan)
    return pd.DataFrame(
        {
            "term": pd.array(np.asarray(terms, dtype=object), dtype="str"),
            "n_parts": np.full(n_terms, n, dtype=np.int64),
            "count": frequency,
            "range": in_range.astype(np.int64) if n else np.zeros(n_terms, dtype=np.int64),
            "juilland_d": juilland,
            "dp": dp,
            "dp_norm": dp_norm,
        }
    )


def _part_sizes(
    counts: sparse.csr_matrix, sizes: Sequence[float] | np.ndarray | None
) -> np.ndarray:
    """Each part's size: ``sizes`` checked against the counts, or else the row totals."""
    if sizes is None:
        return np.asarray(counts.sum(axis=1), dtype=float).ravel()
    size = np.asarray(sizes, dtype=float)
    if size.shape != (counts.shape[0],):
        raise InputError(
            f"textstat_dispersion_dfm: sizes must give one size per row of the Dfm "
            f"({counts.shape[0]}), got shape {size.shape}"
        )
    if not np.isfinite(size).all() or (size < 0).any():
        raise InputError("textstat_dispersion_dfm: sizes must be finite and not negative")
    if (size < np.asarray(counts.sum(axis=1)).ravel()).any():
        raise InputError(
            "textstat_dispersion_dfm: a part's size is smaller than the count of its terms; "
            "check sizes"
        )
    return size


def _reading_order(
    doc_ids: pd.Series | np.ndarray, order: Sequence[str] | None
) -> tuple[list[str], np.ndarray]:
    """The documents in reading order (``order``, default sorted doc_id) and each token's rank
    in it, from the distinct doc ids only (no per-token string work)."""
    codes, uniques = pd.factorize(doc_ids)
    present = [str(d) for d in uniques]
    if order is None:
        sequence = sorted(present)
    else:
        sequence = [str(d) for d in order]
        if len(set(sequence)) != len(sequence):
            raise InputError(
                "textstat_dispersion: order lists a doc_id twice; give each document once"
            )
        missing = set(present) - set(sequence)
        if missing:
            raise InputError(
                f"textstat_dispersion: order leaves out doc_id {sorted(missing)[0]!r}; list "
                "every document of the tokens"
            )
    return sequence, pd.Index(sequence).get_indexer(present)[codes]


def textstat_dispersion(
    tokens: pd.DataFrame,
    *,
    parts: int = 10,
    partitions: Sequence[Partition] = PARTITIONS,
    order: Sequence[str] | None = None,
    remove_stop: bool = True,
    min_count: int = 1,
) -> pd.DataFrame:
    """Dispersion of every term over the documents and over ``parts`` equal-sized corpus parts.

    ``tokens`` is a tokens table (``doc_id``, ``token``, ``is_punct``, ``is_stop``, ideally
    ``position``; an n-gram table from :func:`analysis.measures.frequency.tokens_ngrams` works
    too). Punctuation is never a term; ``remove_stop`` leaves stopwords out of the terms (not
    out of the part sizes). ``order`` fixes the order in which documents are put end to end for
    the equal parts (default: sorted ``doc_id``, so the input order never matters); pass e.g. the
    documents sorted by year for a chronological cut. ``min_count`` keeps terms with at least
    that many occurrences. Returns :data:`DISPERSION_COLUMNS`; formulas and sources in the
    module docstring.
    """
    _check_dispersion_arguments(tokens, parts, partitions, remove_stop, min_count)
    sequence, rank = _reading_order(tokens["doc_id"], order)
    word = ~tokens["is_punct"].to_numpy(dtype=bool)
    # Terms are coded once for both partitions, in sorted (code-point) order as in
    # analysis.features.dfm.
    codes, vocabulary = factorize_sorted(tokens["token"])
    codes, rank = codes[word], rank[word]
    counted = ~tokens["is_stop"].to_numpy(dtype=bool)[word] if remove_stop else np.ones(
        len(codes), dtype=bool
    )
    frames = []
    for partition in PARTITIONS:
        if partition not in partitions:
            continue
        if partition == "document":
            rows, docs = _document_parts(rank, sequence)
        else:
            positions = (
                tokens["position"].to_numpy(dtype=np.int64)[word]
                if "position" in tokens.columns
                else None
            )
            rows, docs = _equal_parts(rank, positions, parts)
        counts = _part_counts(docs, codes[counted], rows[counted], vocabulary)
        sizes = np.bincount(rows, minlength=len(docs)).astype(float)
        frame = textstat_dispersion_dfm(dfm_trim(counts, min_count=min_count), sizes)
        frame.insert(1, "partition", partition)
        frames.append(frame)
    return _sorted_dispersion(frames)


def _check_dispersion_arguments(
    tokens: pd.DataFrame, parts: object, partitions: object, remove_stop: object, min_count: object
) -> None:
    caller = "textstat_dispersion"
    check_int(parts, "parts", caller, minimum=2)
    if isinstance(partitions, str) or not isinstance(partitions, Sequence):
        raise InputError(
            f"{caller}: partitions must be a list drawn from {list(PARTITIONS)}, got {partitions!r}"
        )
    for partition in partitions:
        check_choice(partition, "every entry of partitions", caller, PARTITIONS)
    if len(set(partitions)) != len(partitions):
        raise InputError(
            f"{caller}: partitions must list each of {list(PARTITIONS)} at most once, got "
            f"{list(partitions)!r}"
        )
    check_int(min_count, "min_count", caller, minimum=1)
    check_bool(remove_stop, "remove_stop", caller)
    require_columns(
        tokens,
        ["doc_id", "token", "is_punct", "is_stop"],
        caller,
        name="the tokens table",
        source="corpus.tokens of analysis.build_corpus",
    )


def _document_parts(rank: np.ndarray, sequence: list[str]) -> tuple[np.ndarray, list[str]]:
    """Each word token's part when the parts are the documents (those with words, in reading
    order), and the parts' names."""
    present = np.unique(rank)
    return np.searchsorted(present, rank), [sequence[r] for r in present]


def _equal_parts(
    rank: np.ndarray, positions: np.ndarray | None, parts: int
) -> tuple[np.ndarray, list[str]]:
    """Each word token's part when the running text (documents in reading order, tokens by
    ``positions``) is cut into ``parts`` equal parts, and the parts' names."""
    n_words = len(rank)
    if parts > n_words:
        raise InputError(
            f"textstat_dispersion: the corpus has {n_words} word tokens, too few for {parts} "
            "equal parts; ask for fewer parts"
        )
    reading = np.lexsort([rank] if positions is None else [positions, rank])
    # Token k (0-based, in reading order) falls in part ⌊k · parts / W⌋: sizes differ ≤ 1.
    rows = np.empty(n_words, dtype=np.int64)
    rows[reading] = (np.arange(n_words, dtype=np.int64) * parts) // max(n_words, 1)
    width = len(str(parts))
    return rows, [f"part{i + 1:0{width}d}" for i in range(parts)]


def _part_counts(
    docs: list[str], codes: np.ndarray, code_rows: np.ndarray, vocabulary: pd.Index
) -> Dfm:
    """Counts of the terms ``codes`` (in parts ``code_rows``) as a parts × terms Dfm of the
    terms that occur."""
    matrix = sparse.csr_matrix(
        (np.ones(len(codes), dtype=np.int64), (code_rows, codes)),
        shape=(len(docs), len(vocabulary)),
    )
    matrix.sum_duplicates()
    used = np.asarray(matrix.sum(axis=0)).ravel() > 0
    return Dfm(
        matrix[:, used].tocsr(),
        pd.Index(docs, name="doc_id", dtype="object"),
        pd.Index(np.asarray(vocabulary, dtype=object)[used], name="term"),
    )


def _sorted_dispersion(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The partitions' rows as one table: by partition, descending count, term."""
    if not frames:
        return pd.DataFrame({c: [] for c in DISPERSION_COLUMNS})
    result = pd.concat(frames, ignore_index=True)
    result["partition"] = pd.array(result["partition"].to_numpy(dtype=object), dtype="str")
    keys = pd.DataFrame(
        {
            "partition": result["partition"].map({p: i for i, p in enumerate(PARTITIONS)}),
            "count": -result["count"],
            "term": result["term"].astype(str),
        }
    )
    rows = keys.sort_values(list(keys.columns), kind="stable").index.to_numpy()
    return result.iloc[rows].reset_index(drop=True)[DISPERSION_COLUMNS]
