"""Text scaling: document positions on one dimension (``textmodel_wordscores``,
``textmodel_wordfish``), as quanteda.textmodels estimates them.

Both start from the document-feature matrix of :func:`analysis.features.dfm.dfm` (punctuation,
stopwords and numbers dropped); ``x`` may be a tokens table or a
:class:`~analysis.features.dfm.Dfm`.
Results are frozen dataclasses of tidy tables; rows of ``positions`` are in code-point order of
``doc_id`` and rows of the word tables in code-point order of ``term``, whatever order the
documents came in.

Wordscores (Laver, Benoit & Garry 2003)
=======================================

Reference texts ``r`` with researcher-given scores ``A_r`` score the words; the words score the
other ("virgin") texts. With ``n_wr`` the count of word ``w`` in reference text ``r`` (plus
``smooth`` in every cell of the reference texts when ``smooth > 0``):

* relative frequency ``F_wr = n_wr / Σ_w' n_w'r``;
* probability that reading ``w`` means reading ``r``: ``P_wr = F_wr / Σ_r' F_wr'``;
* word score ``S_w = Σ_r P_wr A_r``, for every word found in at least one reference text (the
  *scorable* words; all words when ``smooth > 0``).

For every document ``v`` (reference texts too, as quanteda's ``predict`` does), with ``F_wv``
the relative frequency of ``w`` among the **scorable** words of ``v`` and ``N_v`` their number:

* raw score ``S_v = Σ_w F_wv S_w``;
* standard error ``se_v = sqrt(Σ_w F_wv (S_v − S_w)² / N_v)`` (LBG 2003, p. 316: the weighted
  variance of the word scores around the text score, over the number of scored words);
* confidence interval ``S_v ± z se_v``, ``z`` the normal quantile of ``(1 + confidence) / 2``.

Raw scores bunch towards the middle (every text shares common words); ``rescaling`` stretches
them back:

``"lbg"`` (LBG 2003, p. 316)
    ``S*_v = (S_v − S̄) · (SD_r / SD_v) + S̄``, where ``S̄`` and ``SD_v`` are the mean and
    standard deviation of the raw scores of the ``lbg_basis`` documents (``"virgin"``: the
    virgin texts, as LBG define it; ``"all"``: every document, as quanteda's
    ``predict(tmod, rescaling = "lbg")`` does when it scores the whole dfm) and ``SD_r`` that of
    the reference scores (standard deviations with ``n − 1``, R's ``sd``).
``"mv"`` (Martin & Vanberg 2008)
    ``S*_v = (S_v − S_low) · (A_max − A_min) / (S_high − S_low) + A_min``, where ``S_low`` and
    ``S_high`` are the raw scores of the reference texts with the lowest and highest reference
    score (the mean of them if several share it): the two anchor texts get their own scores back.
``"none"``
    no rescaling (the ``rescaled_*`` columns are NaN).

A rescaling is the linear map ``S ↦ a + m S``; the rescaled interval is the map of the raw
interval's ends (as quanteda computes ``lwr``/``upr``), and ``rescaled_se = |m| · se``. (For
``"lbg"`` quanteda's ``se.fit`` applies the whole map, shift included, to the standard error;
its intervals agree with ours, its ``se.fit`` does not.)

Sources: Laver, Benoit & Garry (2003), "Estimating policy positions from political texts using
words as data", *APSR* 97(2): 311–331; Martin & Vanberg (2008), "A robust transformation
procedure for interpreting political text", *Political Analysis* 16(1): 93–100;
quanteda.textmodels ``textmodel_wordscores`` and ``predict.textmodel_wordscores`` (R/
textmodel_wordscores.R). Checked against quanteda's documented output on LBG's Table 1 data
(``data_dfm_lbgexample``): every word score, V1's raw score −0.4480591, its LBG-rescaled score
−0.52967149 (``lbg_basis="all"``) and its MV score −0.5099572 with interval
[−0.53649769, −0.48341678] and standard error 0.013541297.

Wordfish (Slapin & Proksch 2008)
================================

Counts ``y_ij`` of word ``j`` in document ``i`` are Poisson with

    ``log λ_ij = α_i + ψ_j + β_j θ_i``

(``α_i`` document length effect, ``ψ_j`` word frequency effect, ``β_j`` word weight, ``θ_i``
document position). As in quanteda.textmodels (``textmodel_wordfish``, C++ ``wordfish_dense``;
priors ``c(Inf, Inf, 3, 1)``): normal priors ``β_j ~ N(0, 3²)`` and ``θ_i ~ N(0, 1)``, flat
priors on ``α`` and ``ψ``; the log posterior maximised is

    ``lp = Σ_ij (y_ij log λ_ij − λ_ij) − Σ_j β_j² / (2·9) − Σ_i θ_i² / 2``.

Estimation is alternating conditional maximum likelihood (quanteda's algorithm, vectorised):

* start: ``θ`` = first standard row coordinate of a correspondence analysis
  (``(r_i / n)^(−1/2) u_i1`` from the SVD of the standardised residuals
  ``(y_ij − r_i c_j / n) / sqrt(r_i c_j / n)``), standardised; ``β = 0``;
  ``α_i = log r_i − log mean(r)``; ``ψ_j = log(c_j / N)``;
* each round: for every word, Newton–Raphson on ``(ψ_j, β_j)`` given ``α, θ`` (at most 10
  steps, until no parameter moves by more than 1e-8; the first round takes half steps at
  first); then the same for every document on ``(α_i, θ_i)`` given ``ψ, β``; then
  ``α ← α − mean(α)`` and ``θ ← (θ − mean θ) / sd θ`` (identification: mean 0, standard
  deviation 1 with ``n − 1``);
* rounds stop when the log posterior rises by no more than ``tol`` (quanteda's rule: it also
  stops as soon as ``lp`` falls), or after ``max_iter`` rounds. Two differences from quanteda:
  the test is skipped after the first round, whose half steps from the starting values can
  lower ``lp`` before the alternation settles (on the 88-document political corpus quanteda's
  rule stops there, with positions still moving by 0.08); and rounds also stop when no
  position moves by more than ``tol`` — the standardisation of ``θ`` leaves a ridge along which
  ``lp`` can creep up for hundreds of rounds while positions move by 1e-7 a round. On LBG's
  example neither difference changes a digit;
* direction: if ``θ[direction[0]] > θ[direction[1]]``, ``θ`` and ``β`` change sign.

Standard errors (``ci_method = "hessian"``, quanteda's ``se.theta``):
``se(θ_i) = sqrt(−H_αα / (H_αα H_θθ − H_αθ²))`` from the Hessian of the log posterior in
``(α_i, θ_i)`` at the estimate, with the word parameters held at theirs
(``H_αα = −Σ_j λ_ij``, ``H_αθ = −Σ_j β_j λ_ij``, ``H_θθ = −Σ_j β_j² λ_ij − 1``); the interval is
``θ ± z se``. Holding the word parameters fixed makes these intervals too narrow (Lowe & Benoit
2013). With ``bootstrap = B > 0`` counts are drawn ``B`` times from the fitted model,
``y*_ij ~ Poisson(λ̂_ij)``; each draw is refitted by the same estimator (quanteda's starting
values, words absent from the draw left out), standardised and given the sign that makes it
correlate positively with ``θ̂`` (the direction documents may swap places in a draw). ``se``
is the standard deviation of the ``B`` positions; the interval is, with
``bootstrap_interval="percentile"`` (``ci_method = "parametric_bootstrap"``), their
``(1 ∓ confidence) / 2`` quantiles (numpy's linear interpolation), or with ``"normal"``
(``ci_method = "parametric_bootstrap_normal"``) ``θ ± z se``. Percentile intervals show the
estimator's bias too: on the 88 political documents the replicates of the six latest
government work reports lie about 0.03 above their ``θ̂`` (spread 0.012), so their percentile
intervals exclude ``θ̂``; the normal interval is centred on ``θ̂`` and keeps the bootstrap's
spread. Draws come from ``numpy.random.default_rng(seed)``: the same seed gives the same
intervals.

Checked against quanteda's documented output of ``textmodel_wordfish(data_dfm_lbgexample,
dir = c(1, 5))``: θ, α, β, ψ and the standard errors agree to every published digit.

Sources: Slapin & Proksch (2008), "A scaling model for estimating time-series party positions
from texts", *AJPS* 52(3): 705–722; Lowe & Benoit (2013), "Validating estimates of latent traits
from textual data using human judgment as a benchmark", *Political Analysis* 21(3): 298–313;
quanteda.textmodels ``textmodel_wordfish`` (R/textmodel_wordfish.R, src/wordfish_dense.cpp).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.checks import (
    MAX_BOOTSTRAP_RESAMPLES,
    check_choice,
    check_int,
    check_number,
)
from analysis.errors import InputError
from analysis.features.dfm import Dfm, as_dfm, code_point_rank, sorted_by_doc

Rescaling = Literal["none", "lbg", "mv"]
RESCALINGS: tuple[str, ...] = ("none", "lbg", "mv")
LbgBasis = Literal["virgin", "all"]
LBG_BASES: tuple[str, ...] = ("virgin", "all")
BOOTSTRAP_INTERVALS: tuple[str, ...] = ("percentile", "normal")

WORD_SCORE_COLUMNS = ["term", "score", "reference_count", "reference_docs"]
WORDSCORES_POSITION_COLUMNS = [
    "doc_id", "is_reference", "reference_score", "scored_tokens", "raw_score", "se", "ci_low",
    "ci_high", "rescaling", "rescaled_score", "rescaled_se", "rescaled_ci_low",
    "rescaled_ci_high", "ci_method", "confidence",
]
WORDFISH_POSITION_COLUMNS = [
    "doc_id", "theta", "se", "ci_low", "ci_high", "ci_method", "confidence", "n_resamples",
    "seed", "alpha",
]
WORDFISH_WORD_COLUMNS = ["term", "beta", "psi", "beta_se", "psi_se", "count", "doc_freq"]

# quanteda.textmodels' priors c(Inf, Inf, 3, 1), as precisions 1 / sd².
PRIOR_PRECISION_ALPHA = 0.0
PRIOR_PRECISION_PSI = 0.0
PRIOR_PRECISION_BETA = 1.0 / 9.0
PRIOR_PRECISION_THETA = 1.0
NEWTON_STEPS = 10  # per word or document and round, as quanteda
NEWTON_TOL = 1e-8  # quanteda's tol[2]
# The model keeps a dense documents × terms matrix of λ (and a few like it): beyond this many
# cells it would need gigabytes.
MAX_WORDFISH_CELLS = 20_000_000


@dataclass(frozen=True)
class WordscoresResult:
    """The result of :func:`textmodel_wordscores`: two tidy tables.

    ``word_scores``, columns :data:`WORD_SCORE_COLUMNS`: every scorable word (found in a
    reference text, or every word when smoothed), in code-point order: ``term``, ``score``
    (``S_w``), ``reference_count`` (its count in the reference texts, unsmoothed) and
    ``reference_docs`` (in how many reference texts it occurs).

    ``positions``, columns :data:`WORDSCORES_POSITION_COLUMNS`: one row per document, in
    code-point order of ``doc_id``: ``is_reference``, ``reference_score`` (NaN for a virgin
    text), ``scored_tokens`` (``N_v``), ``raw_score`` (``S_v``), ``se``, ``ci_low``, ``ci_high``
    (raw), ``rescaling`` (``"none"``, ``"lbg"`` or ``"mv"``), ``rescaled_score``,
    ``rescaled_se``, ``rescaled_ci_low``, ``rescaled_ci_high`` (NaN with ``"none"``),
    ``ci_method`` (``"normal"``: ``score ± z se``) and ``confidence``.

    ``rescale_slope`` and ``rescale_intercept``: the rescaling as ``a + m S`` (1 and 0 with
    ``"none"``).
    """

    word_scores: pd.DataFrame
    positions: pd.DataFrame
    rescaling: str
    confidence: float
    rescale_slope: float
    rescale_intercept: float


@dataclass(frozen=True)
class WordfishResult:
    """The result of :func:`textmodel_wordfish`: two tidy tables and how the fit went.

    ``positions``, columns :data:`WORDFISH_POSITION_COLUMNS`: one row per document in
    code-point order of ``doc_id``: ``theta`` (position, mean 0 and sd 1 over the documents),
    ``se``, ``ci_low``, ``ci_high``, ``ci_method`` (``"hessian"``, ``"parametric_bootstrap"``
    (percentile) or ``"parametric_bootstrap_normal"``), ``confidence``, ``n_resamples`` and
    ``seed`` (0 and the seed given, unused, for ``"hessian"``), ``alpha`` (document fixed
    effect).

    ``word_parameters``, columns :data:`WORDFISH_WORD_COLUMNS`: one row per term used, in
    code-point order: ``beta`` (word weight: positive for words of documents with high
    ``theta``), ``psi`` (word fixed effect: frequency), ``beta_se`` and ``psi_se`` (from the
    Hessian of the word's two parameters, as quanteda's ``se.beta``/``se.psi``), ``count`` and
    ``doc_freq`` (documents it occurs in).

    ``direction`` as given; ``iterations`` (rounds run), ``converged`` (stopped by ``tol``, not
    by ``max_iter``; a fit that is not is still returned, so check it), ``log_posterior``
    (``lp`` above, without the ``−log y!`` constant); ``terms_dropped``: terms left out by
    ``min_count``/``min_docs``.
    """

    positions: pd.DataFrame
    word_parameters: pd.DataFrame
    direction: tuple[str, str]
    iterations: int
    converged: bool
    log_posterior: float
    terms_dropped: int


# --- shared checks -------------------------------------------------------------------------------


def _check_confidence(confidence: object, caller: str) -> float:
    return check_number(confidence, "confidence (e.g. 0.95)", caller, above=0, below=1)


def _counts(x: pd.DataFrame | Dfm, caller: str) -> Dfm:
    """The dfm of ``x``, rows in code-point order, counts checked (finite, non-negative) and
    every document holding at least one counted token."""
    d = sorted_by_doc(as_dfm(x, caller))
    if d.docs.has_duplicates:
        raise InputError(f"{caller}: the dfm lists a doc_id twice; give each document once")
    data = d.matrix.data
    if data.size and (
        not np.all(np.isfinite(data)) or data.min() < 0 or np.any(data != np.round(data))
    ):
        raise InputError(f"{caller}: counts must be whole numbers of at least 0; pass a dfm of "
                         "counts (analysis.features.dfm.dfm), not weights")
    empty = d.docs[np.asarray(d.matrix.sum(axis=1)).ravel() == 0]
    if len(empty):
        raise InputError(
            f"{caller}: document(s) {_listed(empty)} have no counted token (after punctuation, "
            "stopwords and numbers are dropped); leave them out of the dfm"
        )
    return d


def _listed(names: object, limit: int = 5) -> str:
    names = [str(n) for n in names]  # type: ignore[union-attr]
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# --- Wordscores ----------------------------------------------------------------------------------


def textmodel_wordscores(
    x: pd.DataFrame | Dfm,
    reference_scores: Mapping[str, float] | pd.Series,
    *,
    smooth: float = 0,
    rescaling: Rescaling = "lbg",
    lbg_basis: LbgBasis = "virgin",
    confidence: float = 0.95,
) -> WordscoresResult:
    """Wordscores (Laver, Benoit & Garry 2003): positions of texts from reference texts.

    ``x`` is a tokens table or a :class:`Dfm`; ``reference_scores`` maps the doc id of each
    reference text to its score (at least two texts, not all with the same score; every other
    document is a virgin text). ``smooth`` is added to every count of the reference texts
    before the word scores are computed (0, LBG's method, scores only words found in a
    reference text; 1 scores every word). ``rescaling`` is ``"lbg"`` (default), ``"mv"`` or
    ``"none"``; ``lbg_basis`` which documents set LBG's mean and spread: ``"virgin"`` (LBG's
    definition, needs two virgin texts) or ``"all"`` (every document, reference texts
    included, as quanteda's ``predict(tmod, rescaling = "lbg")`` on the whole dfm).
    ``confidence`` is the level of the intervals. Formulas and sources in the module docstring;
    tables in :class:`WordscoresResult`.
    """
    caller = "textmodel_wordscores"
    check_choice(rescaling, "rescaling", caller, RESCALINGS)
    check_choice(lbg_basis, "lbg_basis", caller, LBG_BASES)
    check_number(smooth, "smooth (0 for LBG's method, 1 to score every word)", caller, minimum=0)
    level = _check_confidence(confidence, caller)
    d = _counts(x, caller)
    reference = _reference_scores(reference_scores, d.docs, caller)
    is_reference = d.docs.isin(reference.index)
    if rescaling == "lbg" and lbg_basis == "virgin" and (~is_reference).sum() < 2:
        raise InputError(
            f"{caller}: LBG rescaling over the virgin texts needs at least 2 of them, got "
            f"{int((~is_reference).sum())}; pass lbg_basis='all' to rescale over every "
            "document (as quanteda's predict does), or rescaling='none'"
        )
    counts = sparse.csr_matrix(d.matrix, dtype=np.float64)
    ref_rows = d.docs.get_indexer(reference.index)
    word_score, scorable = _word_scores(counts[ref_rows].toarray(), reference, smooth)
    scored_tokens, raw, se = _text_scores(counts, word_score, scorable, d.docs, caller)
    from scipy.stats import norm  # slow to import: only where intervals are computed

    z = float(norm.ppf((1 + level) / 2))
    low, high = raw - z * se, raw + z * se
    slope, intercept = _rescale_map(rescaling, raw, is_reference, reference, d.docs, lbg_basis,
                                    caller)
    nan = np.full(len(d.docs), np.nan)
    if rescaling == "none":
        rescaled = rescaled_se = rescaled_low = rescaled_high = nan
    else:
        rescaled = intercept + slope * raw
        rescaled_se = abs(slope) * se
        ends = np.stack([intercept + slope * low, intercept + slope * high])
        rescaled_low, rescaled_high = ends.min(axis=0), ends.max(axis=0)
    positions = pd.DataFrame(
        {
            "doc_id": d.docs.to_numpy(dtype=object),
            "is_reference": np.asarray(is_reference, dtype=bool),
            "reference_score": reference.reindex(d.docs).to_numpy(dtype=np.float64),
            "scored_tokens": np.rint(scored_tokens).astype(np.int64),
            "raw_score": raw,
            "se": se,
            "ci_low": low,
            "ci_high": high,
            "rescaling": rescaling,
            "rescaled_score": rescaled,
            "rescaled_se": rescaled_se,
            "rescaled_ci_low": rescaled_low,
            "rescaled_ci_high": rescaled_high,
            "ci_method": "normal",
            "confidence": level,
        },
        columns=WORDSCORES_POSITION_COLUMNS,
    )
    word_scores = _word_score_table(d, ref_rows, scorable, word_score)
    return WordscoresResult(word_scores, positions, rescaling, level, slope, intercept)


def _word_scores(
    reference_counts: np.ndarray, reference: pd.Series, smooth: float
) -> tuple[np.ndarray, np.ndarray]:
    """Word scores ``S_w`` of the scorable words and which words are scorable, from the dense
    counts of the reference texts (rows in the order of ``reference``)."""
    ref_counts = reference_counts + float(smooth)
    ref_share = ref_counts / ref_counts.sum(axis=1, keepdims=True)  # F_wr
    share_total = ref_share.sum(axis=0)
    scorable = share_total > 0
    probability = ref_share[:, scorable] / share_total[scorable]  # P_wr
    return reference.to_numpy() @ probability, scorable  # S_w


def _text_scores(
    counts: sparse.csr_matrix, word_score: np.ndarray, scorable: np.ndarray, docs: pd.Index,
    caller: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scored tokens ``N_v``, raw score ``S_v`` and standard error ``se_v`` of every document."""
    scored = counts[:, np.flatnonzero(scorable)].tocoo()
    scored_tokens = np.bincount(scored.row, weights=scored.data, minlength=len(docs))
    if (scored_tokens == 0).any():
        lost = docs[scored_tokens == 0]
        raise InputError(
            f"{caller}: document(s) {_listed(lost)} share no word with the reference texts, so "
            "they cannot be scored; leave them out, or pass smooth=1 to score every word"
        )
    share = scored.data / scored_tokens[scored.row]  # F_wv
    raw = np.bincount(scored.row, weights=share * word_score[scored.col], minlength=len(docs))
    spread = np.bincount(
        scored.row, weights=share * (raw[scored.row] - word_score[scored.col]) ** 2,
        minlength=len(docs),
    )
    return scored_tokens, raw, np.sqrt(spread / scored_tokens)


def _word_score_table(
    d: Dfm, ref_rows: np.ndarray, scorable: np.ndarray, word_score: np.ndarray
) -> pd.DataFrame:
    """The ``word_scores`` table, terms in code-point order."""
    raw_ref = d.matrix[ref_rows][:, np.flatnonzero(scorable)]
    word_scores = pd.DataFrame(
        {
            "term": d.terms.to_numpy(dtype=object)[scorable],
            "score": word_score,
            "reference_count": np.asarray(raw_ref.sum(axis=0)).ravel(),
            "reference_docs": np.diff(raw_ref.tocsc().indptr).astype(np.int64),
        },
        columns=WORD_SCORE_COLUMNS,
    )
    order = np.argsort(code_point_rank(pd.Index(word_scores["term"])), kind="stable")
    return word_scores.iloc[order].reset_index(drop=True)


def _reference_scores(
    reference_scores: object, docs: pd.Index, caller: str
) -> pd.Series:
    """The reference scores as a float Series indexed by doc id, in code-point order."""
    if isinstance(reference_scores, pd.Series | Mapping):
        items = list(reference_scores.items())
    else:
        raise InputError(
            f"{caller}: reference_scores must map doc ids to scores (a dict such as "
            f"{{'doc_a': -1.0, 'doc_b': 1.0}} or a pandas Series), got "
            f"{type(reference_scores).__name__}"
        )
    labels = [str(key) for key, _ in items]
    if len(set(labels)) != len(labels):
        raise InputError(f"{caller}: reference_scores names a document twice; give each once")
    unknown = [label for label in labels if label not in docs]
    if unknown:
        raise InputError(
            f"{caller}: reference text(s) {_listed(unknown)} are not documents of the dfm "
            f"(its doc ids include {_listed(docs, 3)}); use doc ids from corpus.documents"
        )
    values = []
    for label, (_, value) in zip(labels, items, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer
                                                     | np.floating):
            raise InputError(f"{caller}: the reference score of {label!r} must be a number, "
                             f"got {value!r}")
        if not math.isfinite(float(value)):
            raise InputError(
                f"{caller}: the reference score of {label!r} is {value!r}; give every reference "
                "text a finite score and leave virgin texts out of reference_scores (e.g. "
                "scores.dropna())"
            )
        values.append(float(value))
    if len(values) < 2:
        raise InputError(
            f"{caller}: Wordscores needs at least 2 reference texts with different scores, got "
            f"{len(values)}; add reference texts to reference_scores"
        )
    series = pd.Series(values, index=pd.Index(labels, dtype=object), dtype=np.float64)
    if series.nunique() < 2:
        raise InputError(
            f"{caller}: every reference text has the score {values[0]}; the scale needs at "
            "least two different reference scores"
        )
    order = np.argsort(series.index.to_numpy(dtype=object), kind="stable")
    return series.iloc[order]


def _rescale_map(
    rescaling: str, raw: np.ndarray, is_reference: np.ndarray, reference: pd.Series,
    docs: pd.Index, lbg_basis: str, caller: str,
) -> tuple[float, float]:
    """(slope m, intercept a) of the rescaling ``S* = a + m S``."""
    if rescaling == "none":
        return 1.0, 0.0
    if rescaling == "lbg":
        basis = raw[~np.asarray(is_reference)] if lbg_basis == "virgin" else raw
        centre, spread = float(basis.mean()), float(basis.std(ddof=1))
        if not spread > 0:
            raise InputError(
                f"{caller}: the raw scores of the {lbg_basis} documents are all equal, so LBG "
                "rescaling cannot stretch them; use rescaling='none' or 'mv'"
            )
        slope = float(reference.std(ddof=1)) / spread
        return slope, centre - slope * centre
    position = pd.Series(raw, index=docs)
    lowest, highest = reference.min(), reference.max()
    raw_low = float(position[reference.index[reference == lowest]].mean())
    raw_high = float(position[reference.index[reference == highest]].mean())
    if raw_high == raw_low:
        raise InputError(
            f"{caller}: the reference texts scored {lowest} and {highest} have the same raw "
            "score, so MV rescaling is undefined; use rescaling='lbg' or 'none'"
        )
    slope = (highest - lowest) / (raw_high - raw_low)
    return slope, lowest - slope * raw_low


# --- Wordfish ------------------------------------------------------------------------------------


@dataclass
class _Fit:
    alpha: np.ndarray
    psi: np.ndarray
    beta: np.ndarray
    theta: np.ndarray
    iterations: int
    converged: bool
    log_posterior: float


def textmodel_wordfish(
    x: pd.DataFrame | Dfm,
    *,
    direction: tuple[str, str],
    dispersion: Literal["poisson"] = "poisson",
    tol: float = 1e-6,
    max_iter: int = 100,
    min_count: int = 1,
    min_docs: int = 1,
    bootstrap: int = 0,
    bootstrap_interval: Literal["percentile", "normal"] = "percentile",
    confidence: float = 0.95,
    seed: int = 20080701,
) -> WordfishResult:
    """Wordfish (Slapin & Proksch 2008): document positions from a Poisson model of counts.

    ``x`` is a tokens table or a :class:`Dfm`; ``direction`` two doc ids such that the first
    gets the lower position (identification of the sign). ``dispersion`` is ``"poisson"``
    (quanteda's default; its quasi-Poisson variant is not implemented). ``tol`` and
    ``max_iter`` stop the alternating estimation (log-posterior rise or largest move of a
    position; quanteda's 1e-6 and 100 rounds). ``min_count`` and ``min_docs`` drop rare terms
    first — terms counted fewer than ``min_count`` times or found in fewer than ``min_docs``
    documents. The defaults keep every term, as quanteda does; on a real corpus ``min_docs=5``
    or so drops thousands of terms that say little about positions and makes the fit several
    times faster (88 political documents: 23,421 terms in about 8 s, 7,477 with ``min_docs=5``
    in about 2 s). ``bootstrap`` is the number of parametric-bootstrap draws for the intervals
    (0: intervals from the Hessian, as quanteda's; each draw costs about one fit, so 200 draws
    take minutes on such a corpus) and ``bootstrap_interval`` their kind (``"percentile"`` or
    ``"normal"``, see the module docstring); ``confidence`` is the level of the intervals;
    ``seed`` seeds the draws (without draws nothing is random and ``seed`` changes nothing).

    Model, priors, algorithm, intervals and sources in the module docstring; tables in
    :class:`WordfishResult`. Raises ``InputError`` for a direction document not in the dfm,
    documents left without counted terms, or a matrix too large to fit in memory.
    """
    caller = "textmodel_wordfish"
    check_choice(dispersion, "dispersion (quasi-Poisson is not implemented)", caller,
                 ("poisson",))
    check_number(tol, "tol (e.g. 1e-6)", caller, above=0)
    max_iter = check_int(max_iter, "max_iter", caller, minimum=1)
    min_count = check_int(min_count, "min_count", caller, minimum=1)
    min_docs = check_int(min_docs, "min_docs", caller, minimum=1)
    bootstrap = check_int(bootstrap, "bootstrap", caller, minimum=0,
                          maximum=MAX_BOOTSTRAP_RESAMPLES)
    seed = check_int(seed, "seed", caller, minimum=0)
    level = _check_confidence(confidence, caller)
    check_choice(bootstrap_interval, "bootstrap_interval", caller, BOOTSTRAP_INTERVALS)
    if bootstrap and bootstrap < 20:
        raise InputError(f"{caller}: bootstrap={bootstrap} draws cannot give percentile "
                         "intervals; use 0 (Hessian intervals) or at least 20 (200 or more for "
                         "a 95% interval)")
    d = _counts(x, caller)
    first, second = _direction(direction, d.docs, caller)
    if len(d.docs) < 3:
        raise InputError(f"{caller}: needs at least 3 documents to place on a scale, got "
                         f"{len(d.docs)}")
    counts, keep = _modelled_counts(d, min_count, min_docs, caller)

    fit = _fit_wordfish(counts, max_iter=max_iter, tol=tol)
    if fit.theta[first] > fit.theta[second]:
        fit.theta, fit.beta = -fit.theta, -fit.beta
    se, low, high, method = _position_intervals(
        counts, fit, level, bootstrap, bootstrap_interval, seed, max_iter=max_iter, tol=tol
    )
    positions = pd.DataFrame(
        {
            "doc_id": d.docs.to_numpy(dtype=object),
            "theta": fit.theta,
            "se": se,
            "ci_low": low,
            "ci_high": high,
            "ci_method": method,
            "confidence": level,
            "n_resamples": np.int64(bootstrap),
            "seed": np.int64(seed),
            "alpha": fit.alpha,
        },
        columns=WORDFISH_POSITION_COLUMNS,
    )
    return WordfishResult(
        positions, _word_parameter_table(d, keep, fit), (str(direction[0]), str(direction[1])),
        fit.iterations, fit.converged, fit.log_posterior, int((~keep).sum()),
    )


def _modelled_counts(
    d: Dfm, min_count: int, min_docs: int, caller: str
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The counts of the terms kept by ``min_count`` and ``min_docs`` (as floats), and which
    terms of ``d`` they are; every document must keep a term and the matrix must fit."""
    totals = d.term_totals().to_numpy()
    doc_freq = d.doc_freq().to_numpy()
    keep = (totals >= min_count) & (doc_freq >= min_docs) & (totals > 0)
    counts = sparse.csr_matrix(d.matrix[:, np.flatnonzero(keep)], dtype=np.float64)
    if counts.shape[1] < 2:
        raise InputError(f"{caller}: {counts.shape[1]} term(s) left after min_count={min_count} "
                         f"and min_docs={min_docs}; lower them")
    emptied = d.docs[np.asarray(counts.sum(axis=1)).ravel() == 0]
    if len(emptied):
        raise InputError(
            f"{caller}: document(s) {_listed(emptied)} keep no term after min_count={min_count} "
            f"and min_docs={min_docs}; lower them or leave those documents out"
        )
    cells = counts.shape[0] * counts.shape[1]
    if cells > MAX_WORDFISH_CELLS:
        raise InputError(
            f"{caller}: {counts.shape[0]} documents × {counts.shape[1]} terms is more than "
            f"{MAX_WORDFISH_CELLS:,} cells to model at once; raise min_docs or min_count to "
            "keep fewer terms"
        )
    return counts, keep


def _position_intervals(
    counts: sparse.csr_matrix, fit: _Fit, level: float, bootstrap: int,
    bootstrap_interval: str, seed: int, *, max_iter: int, tol: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Standard errors, interval ends and ``ci_method`` of the positions (module docstring)."""
    theta = fit.theta
    from scipy.stats import norm  # slow to import: only where intervals are computed

    z = float(norm.ppf((1 + level) / 2))
    if not bootstrap:
        se = _document_se(fit)
        return se, theta - z * se, theta + z * se, "hessian"
    draws = _bootstrap_positions(counts, fit, bootstrap, seed, max_iter=max_iter, tol=tol)
    se = draws.std(axis=0, ddof=1)
    if bootstrap_interval == "percentile":
        low, high = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], axis=0)
        return se, low, high, "parametric_bootstrap"
    return se, theta - z * se, theta + z * se, "parametric_bootstrap_normal"


def _word_parameter_table(d: Dfm, keep: np.ndarray, fit: _Fit) -> pd.DataFrame:
    """The ``word_parameters`` table of the terms modelled, in code-point order."""
    terms = d.terms[keep]
    beta_se, psi_se = _word_se(fit)
    word_parameters = pd.DataFrame(
        {
            "term": terms.to_numpy(dtype=object),
            "beta": fit.beta,
            "psi": fit.psi,
            "beta_se": beta_se,
            "psi_se": psi_se,
            "count": d.term_totals().to_numpy()[keep].astype(np.int64),
            "doc_freq": d.doc_freq().to_numpy()[keep].astype(np.int64),
        },
        columns=WORDFISH_WORD_COLUMNS,
    )
    order = np.argsort(code_point_rank(terms), kind="stable")
    return word_parameters.iloc[order].reset_index(drop=True)


def _direction(direction: object, docs: pd.Index, caller: str) -> tuple[int, int]:
    if (
        not isinstance(direction, tuple | list)
        or len(direction) != 2
        or not all(isinstance(doc, str) for doc in direction)
    ):
        raise InputError(
            f"{caller}: direction must be two doc ids (low, high), e.g. ('gwr_1954', "
            f"'gwr_2025'), got {direction!r}"
        )
    missing = [doc for doc in direction if doc not in docs]
    if missing:
        raise InputError(
            f"{caller}: direction document(s) {_listed(missing)} are not in the dfm (its doc ids "
            f"include {_listed(docs, 3)}); pick two of its documents"
        )
    if direction[0] == direction[1]:
        raise InputError(f"{caller}: direction names {direction[0]!r} twice; give two different "
                         "documents, the one to place lower first")
    return int(docs.get_loc(direction[0])), int(docs.get_loc(direction[1]))


def _rates(alpha: np.ndarray, psi: np.ndarray, beta: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``λ_ij = exp(α_i + ψ_j + β_j θ_i)`` (documents × terms, dense)."""
    # One array, filled in place: the fit spends most of its time here.
    rates = np.multiply.outer(theta, beta)
    rates += alpha[:, None]
    rates += psi[None, :]
    return np.exp(rates, out=rates)


def _log_posterior(counts: sparse.csr_matrix, row_totals: np.ndarray, col_totals: np.ndarray,
                   alpha: np.ndarray, psi: np.ndarray, beta: np.ndarray,
                   theta: np.ndarray) -> float:
    # Σ y log λ from the sparse counts: Σ_i r_i α_i + Σ_j c_j ψ_j + θᵀ Y β.
    linear = row_totals @ alpha + col_totals @ psi + theta @ (counts @ beta)
    penalty = 0.5 * (PRIOR_PRECISION_ALPHA * alpha @ alpha + PRIOR_PRECISION_PSI * psi @ psi
                     + PRIOR_PRECISION_BETA * beta @ beta + PRIOR_PRECISION_THETA * theta @ theta)
    return float(linear - _rates(alpha, psi, beta, theta).sum() - penalty)


def _starting_values(counts: sparse.csr_matrix) -> tuple[np.ndarray, ...]:
    """quanteda's starting values (module docstring)."""
    n_docs = counts.shape[0]
    row_totals = np.asarray(counts.sum(axis=1)).ravel()
    col_totals = np.asarray(counts.sum(axis=0)).ravel()
    total = row_totals.sum()
    expected = np.outer(row_totals, col_totals) / total
    residuals = (counts.toarray() - expected) / np.sqrt(expected)
    # The first left singular vector from the smaller Gram matrix: the same vector as the SVD's
    # (up to sign, which cannot matter: β starts at 0), many times faster for documents × terms.
    if residuals.shape[0] <= residuals.shape[1]:
        _, vectors = np.linalg.eigh(residuals @ residuals.T)
        first = vectors[:, -1]
    else:
        _, vectors = np.linalg.eigh(residuals.T @ residuals)
        first = residuals @ vectors[:, -1]
    theta = (row_totals / total) ** -0.5 * first
    theta = (theta - theta.mean()) / theta.std(ddof=1)
    alpha = np.log(row_totals) - np.log(row_totals.mean())
    psi = np.log(col_totals / n_docs)
    beta = np.zeros(counts.shape[1])
    return alpha, psi, beta, theta


def _newton_pairs(
    fixed_intercept: np.ndarray, fixed_slope: np.ndarray, own_intercept: np.ndarray,
    own_slope: np.ndarray, totals: np.ndarray, cross: np.ndarray, *, along_rows: bool,
    prior_intercept: float, prior_slope: float, first_round: bool,
) -> None:
    """Newton–Raphson on every unit's (intercept, slope) pair at once, in place.

    For words (``along_rows=False``) the pair is ``(ψ_j, β_j)`` and the fixed parameters are
    ``(α, θ)``; for documents (``along_rows=True``) the pair is ``(α_i, θ_i)`` and the fixed
    ones ``(ψ, β)``. ``totals`` are the unit's counts ``Σ y`` and ``cross`` ``Σ y × fixed
    slope``. Each unit stops when neither parameter moves by more than 1e-8, or after 10 steps,
    as quanteda's loop over units does; units do not interact, so all step together.
    """
    active = np.arange(own_intercept.size)
    step = 0.5 if first_round else 1.0
    for _ in range(NEWTON_STEPS):
        if not active.size:
            break
        # einsum, not @: these thin matrix-vector products run many times slower through a
        # multithreaded BLAS on a busy machine than in einsum's own loop.
        if along_rows:
            rates = _rates(own_intercept[active], fixed_intercept, fixed_slope,
                           own_slope[active])
            mass = rates.sum(axis=1)
            first_moment = np.einsum("ij,j->i", rates, fixed_slope)
            second_moment = np.einsum("ij,j->i", rates, fixed_slope**2)
        else:
            rates = _rates(fixed_intercept, own_intercept[active], own_slope[active],
                           fixed_slope)
            mass = rates.sum(axis=0)
            first_moment = np.einsum("i,ij->j", fixed_slope, rates)
            second_moment = np.einsum("i,ij->j", fixed_slope**2, rates)
        gradient_a = totals[active] - mass - prior_intercept * own_intercept[active]
        gradient_b = cross[active] - first_moment - prior_slope * own_slope[active]
        h_aa, h_ab, h_bb = -mass - prior_intercept, -first_moment, -second_moment - prior_slope
        determinant = h_aa * h_bb - h_ab * h_ab
        move_a = step * (h_bb * gradient_a - h_ab * gradient_b) / determinant
        move_b = step * (h_aa * gradient_b - h_ab * gradient_a) / determinant
        own_intercept[active] -= move_a
        own_slope[active] -= move_b
        active = active[np.maximum(np.abs(move_a), np.abs(move_b)) > NEWTON_TOL]
        step = 1.0


def _fit_wordfish(counts: sparse.csr_matrix, *, max_iter: int, tol: float) -> _Fit:
    """Alternating conditional maximisation from quanteda's starting values (module
    docstring)."""
    row_totals = np.asarray(counts.sum(axis=1)).ravel()
    col_totals = np.asarray(counts.sum(axis=0)).ravel()
    alpha, psi, beta, theta = _starting_values(counts)
    counts_t = counts.T.tocsr()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            lp = _log_posterior(counts, row_totals, col_totals, alpha, psi, beta, theta)
            rounds, converged = 0, False
            while rounds < max_iter:
                rounds += 1
                previous = theta.copy()  # the Newton steps below update θ in place
                _newton_pairs(alpha, theta, psi, beta, col_totals, counts_t @ theta,
                              along_rows=False, prior_intercept=PRIOR_PRECISION_PSI,
                              prior_slope=PRIOR_PRECISION_BETA,
                              first_round=rounds == 1)
                _newton_pairs(psi, beta, alpha, theta, row_totals, counts @ beta,
                              along_rows=True, prior_intercept=PRIOR_PRECISION_ALPHA,
                              prior_slope=PRIOR_PRECISION_THETA,
                              first_round=rounds == 1)
                alpha -= alpha.mean()
                theta = (theta - theta.mean()) / theta.std(ddof=1)
                last, lp = lp, _log_posterior(counts, row_totals, col_totals, alpha, psi, beta,
                                              theta)
                settled = float(np.max(np.abs(theta - previous))) <= tol
                if rounds > 1 and (lp - last <= tol or settled):
                    converged = True
                    break
        except FloatingPointError:
            raise InputError(
                "textmodel_wordfish: the estimation overflowed (a word or document far from all "
                "others); drop rare terms with min_docs (e.g. 5) or leave out very short "
                "documents"
            ) from None
    return _Fit(alpha, psi, beta, theta, rounds, converged, lp)


def _document_se(fit: _Fit) -> np.ndarray:
    rates = _rates(fit.alpha, fit.psi, fit.beta, fit.theta)
    h_aa = -rates.sum(axis=1) - PRIOR_PRECISION_ALPHA
    h_at = -np.einsum("ij,j->i", rates, fit.beta)
    h_tt = -np.einsum("ij,j->i", rates, fit.beta**2) - PRIOR_PRECISION_THETA
    return np.sqrt(-h_aa / (h_aa * h_tt - h_at**2))


def _word_se(fit: _Fit) -> tuple[np.ndarray, np.ndarray]:
    rates = _rates(fit.alpha, fit.psi, fit.beta, fit.theta)
    h_pp = -rates.sum(axis=0) - PRIOR_PRECISION_PSI
    h_pb = -np.einsum("i,ij->j", fit.theta, rates)
    h_bb = -np.einsum("i,ij->j", fit.theta**2, rates) - PRIOR_PRECISION_BETA
    determinant = h_pp * h_bb - h_pb**2
    return np.sqrt(-h_pp / determinant), np.sqrt(-h_bb / determinant)


def _bootstrap_positions(
    counts: sparse.csr_matrix, fit: _Fit, n_draws: int, seed: int, *, max_iter: int, tol: float,
) -> np.ndarray:
    """``n_draws`` × documents positions refitted on counts drawn from the fitted model."""
    rng = np.random.default_rng(seed)
    rates = _rates(fit.alpha, fit.psi, fit.beta, fit.theta)
    draws = np.empty((n_draws, counts.shape[0]))
    for b in range(n_draws):
        simulated = rng.poisson(rates)
        # A document with no token in a draw has no position: draw its row again (only a
        # document of a handful of tokens can come out empty).
        for _ in range(100):
            empty = simulated.sum(axis=1) == 0
            if not empty.any():
                break
            simulated[empty] = rng.poisson(rates[empty])
        else:
            raise InputError("textmodel_wordfish: a document is too short to bootstrap (it keeps "
                             "drawing no token); leave out the shortest documents")
        present = simulated.sum(axis=0) > 0  # a word absent from a draw has no estimate
        # The same estimator from its own starting values: starting from the estimate instead
        # is no faster (such refits creep along the ridge for max_iter rounds) and would tie
        # each draw to θ̂.
        refit = _fit_wordfish(sparse.csr_matrix(simulated[:, present], dtype=np.float64),
                              max_iter=max_iter, tol=tol)
        theta = refit.theta
        draws[b] = theta if np.corrcoef(theta, fit.theta)[0, 1] >= 0 else -theta
    return draws
