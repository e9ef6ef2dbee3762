"""Text scaling: Wordscores and Wordfish (``analysis.measures.scaling``) and their figures.

Wordscores and Wordfish are checked against the values quanteda.textmodels publishes for the
worked example of Laver, Benoit & Garry (2003, Table 1), ``data_dfm_lbgexample``: five
reference texts R1–R5 scored −1.5, −0.75, 0, 0.75, 1.5 and the virgin text V1. Its counts are
rebuilt here: every text is the same 17-count profile (2, 3, 10, 22, 45, 78, 115, 146, 158,
146, 115, 78, 45, 22, 10, 3, 2; 1,000 tokens) over the words A … ZK, R1 starting at A, each
further reference text five words later, V1 at H (as quanteda's printed ``as.matrix`` shows).
The published values (quanteda.textmodels reference pages ``textmodel_wordscores`` and
``textmodel_wordfish``, package version 0.9.2.9000; its tests for V1 ≈ −0.45, −0.53, −0.51)
are compared at the precision they are printed with.

Wordfish is also checked on counts simulated from its own model (50 documents × 500 words).
"""

from __future__ import annotations

import copy
import re
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from scipy import sparse
from scipy.stats import norm

from analysis.errors import CannotDraw, InputError
from analysis.features.dfm import Dfm
from analysis.measures.scaling import (
    WORD_SCORE_COLUMNS,
    WORDFISH_POSITION_COLUMNS,
    WORDFISH_WORD_COLUMNS,
    WORDSCORES_POSITION_COLUMNS,
    textmodel_wordfish,
    textmodel_wordscores,
)
from analysis.plots import check_glyphs
from analysis.plots.scaling import textplot_scale_positions, textplot_wordfish_words

LBG_PROFILE = [2, 3, 10, 22, 45, 78, 115, 146, 158, 146, 115, 78, 45, 22, 10, 3, 2]
LBG_TERMS = [chr(ord("A") + k) for k in range(26)] + [f"Z{chr(ord('A') + k)}" for k in range(11)]
LBG_DOCS = ["R1", "R2", "R3", "R4", "R5", "V1"]
LBG_STARTS = [0, 5, 10, 15, 20, 7]
LBG_SCORES = {"R1": -1.5, "R2": -0.75, "R3": 0.0, "R4": 0.75, "R5": 1.5}


def values(printed: str) -> list[str]:
    """The numbers of an R printout, as printed (their decimals are their precision)."""
    return printed.split()


# quanteda.textmodels, textmodel_wordscores reference page: coef(tmod).
PUBLISHED_WORD_SCORES = dict(zip(LBG_TERMS, values(
    "-1.5000000 -1.5000000 -1.5000000 -1.5000000 -1.5000000 -1.4812500 -1.4809322 -1.4519231 "
    "-1.4083333 -1.3232984 -1.1846154 -1.0369898 -0.8805970 -0.7500000 -0.6194030 -0.4507576 "
    "-0.2992424 -0.1305970 0.0000000 0.1305970 0.2992424 0.4507576 0.6194030 0.7500000 "
    "0.8805970 1.0369898 1.1846154 1.3232984 1.4083333 1.4519231 1.4809322 1.4812500 1.5000000 "
    "1.5000000 1.5000000 1.5000000 1.5000000"
), strict=True))
# predict(tmod): -1.317931e+00 -7.395598e-01 -8.673617e-18 7.395598e-01 1.317931e+00 -4.480591e-01
PUBLISHED_RAW = {"R1": "-1.317931", "R2": "-0.7395598", "R4": "0.7395598", "R5": "1.317931",
                 "V1": "-0.4480591"}
# predict(tmod, rescaling = "lbg")
PUBLISHED_LBG = dict(zip(LBG_DOCS, values("-1.58967683 -0.88488724 0.01632248 0.91753220 "
                                          "1.62232179 -0.52967149"), strict=True))
# predict(tmod, se.fit = TRUE, interval = "confidence", rescaling = "mv"): fit, lwr, upr, se.fit
PUBLISHED_MV = {
    "R1": ("-1.5000000", "-1.51494501", "-1.48505499", "0.007625147"),
    "R2": ("-0.8417280", "-0.86723325", "-0.81622274", "0.013013126"),
    "R3": ("0.0000000", "-0.02678045", "0.02678045", "0.013663743"),
    "R4": ("0.8417280", "0.81622274", "0.86723325", "0.013013126"),
    "R5": ("1.5000000", "1.48505499", "1.51494501", "0.007625147"),
    "V1": ("-0.5099572", "-0.53649769", "-0.48341678", "0.013541297"),
}
# textmodel_wordfish reference page: coef(tmod1), predict(tmod1, se.fit = TRUE) and
# predict(tmod1, interval = "confidence") for textmodel_wordfish(data_dfm_lbgexample, dir = c(1, 5)).
PUBLISHED_WORDFISH_DOCS = {  # theta, alpha, se, lwr, upr
    "R1": ("-1.29056981", "-4.558205", "0.01448422", "-1.31895837", "-1.26218126"),
    "R2": ("-0.61643907", "1.303010", "0.01059613", "-0.63720710", "-0.59567103"),
    "R3": ("0.03350982", "3.307253", "0.01085375", "0.01223686", "0.05478279"),
    "R4": ("0.70961244", "1.688789", "0.01214106", "0.68581641", "0.73340848"),
    "R5": ("1.52333687", "-4.270413", "0.01744178", "1.48915160", "1.55752213"),
    "V1": ("-0.35945025", "2.529567", "0.01070073", "-0.38042330", "-0.33847721"),
}
PUBLISHED_WORDFISH_BETA = dict(zip(LBG_TERMS, values(
    "-8.4452617 -9.3002556 -11.2580501 -12.3643578 -13.3323903 -13.2373464 -13.4867108 "
    "-12.3588189 -11.5848271 -10.4239011 -9.2561345 -8.1485428 -6.9820863 -5.8782223 -4.7955288 "
    "-3.5739210 -2.5522985 -1.3458753 -0.2889734 0.7696623 1.9353486 2.9295159 4.1021898 "
    "5.0019413 5.9373363 6.8722030 7.7519960 8.7447725 9.6708363 10.4464336 11.2825127 "
    "11.1103336 11.4115094 10.5822264 9.6390952 8.0273986 7.3723185"
), strict=True))
PUBLISHED_WORDFISH_PSI = dict(zip(LBG_TERMS, values(
    "-6.6414630 -6.9890837 -7.8685425 -8.4041920 -8.8901495 -8.1956515 -8.1199814 -6.4258549 "
    "-5.3452709 -3.9281122 -2.6663316 -1.6133457 -0.6511295 0.1109961 0.7252203 1.2419336 "
    "1.5366923 1.7340400 1.7502790 1.6318538 1.3496139 0.9736353 0.3716688 -0.2132110 "
    "-0.9619285 -1.8640402 -2.8378397 -4.1062621 -5.4394764 -6.7008977 -8.2159091 -8.3482660 "
    "-9.3724297 -8.8587331 -8.2849022 -7.3432860 -6.9825744"
), strict=True))

# Symbols that stay as they are in a Chinese figure (as tests/test_labels.py).
SYMBOLS = {"G", "TF", "IDF", "logDice", "MI", "ln", "N", "df", "Jaccard", "log", "t", "score",
           "P"}


def lbg_dfm(extra: dict[str, int] | None = None) -> Dfm:
    """LBG's Table 1 as a Dfm; ``extra`` adds virgin texts named → start column."""
    starts = dict(zip(LBG_DOCS, LBG_STARTS, strict=True)) | (extra or {})
    counts = np.zeros((len(starts), len(LBG_TERMS)), dtype=np.int64)
    for row, start in enumerate(starts.values()):
        counts[row, start:start + len(LBG_PROFILE)] = LBG_PROFILE
    return Dfm(sparse.csr_matrix(counts), pd.Index(list(starts), name="doc_id"),
               pd.Index(LBG_TERMS, name="term"))


def assert_published(ours: float, published: str, what: str) -> None:
    """``ours`` rounds to ``published`` at the number of decimals it is printed with."""
    decimals = len(published.split(".")[1]) if "." in published else 0
    assert abs(ours - float(published)) <= 0.5 * 10.0**-decimals + 1e-12, (
        what, ours, published
    )


def simulate_wordfish(seed: int, n_docs: int = 50, n_words: int = 500):
    """Counts from Wordfish's own model: θ ~ N(0, 1), β ~ N(0, 0.5²), ψ ~ N(0, 1), document
    lengths 500–2,000 tokens. Returns the Dfm and the true θ."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n_docs)
    beta = rng.normal(0, 0.5, n_words)
    psi = rng.normal(0, 1, n_words)
    length = rng.integers(500, 2000, n_docs)
    rates = np.exp(psi[None, :] + np.outer(theta, beta))
    counts = rng.poisson(rates / rates.sum(axis=1, keepdims=True) * length[:, None])
    docs = pd.Index([f"d{i:02d}" for i in range(n_docs)], name="doc_id")
    terms = pd.Index([f"w{j:03d}" for j in range(n_words)], name="term")
    return Dfm(sparse.csr_matrix(counts), docs, terms), pd.Series(theta, index=docs)


@pytest.fixture(scope="module")
def simulated():
    d, truth = simulate_wordfish(3)
    return d, truth, textmodel_wordfish(d, direction=(truth.idxmin(), truth.idxmax()))


# --- Wordscores ----------------------------------------------------------------------------------


def test_wordscores_reproduces_quanteda_on_the_lbg_example():
    result = textmodel_wordscores(lbg_dfm(), LBG_SCORES, lbg_basis="all")
    assert list(result.word_scores.columns) == WORD_SCORE_COLUMNS
    assert list(result.positions.columns) == WORDSCORES_POSITION_COLUMNS
    words = result.word_scores.set_index("term")
    assert list(words.index) == LBG_TERMS  # all 37 scorable, code-point order
    for term, published in PUBLISHED_WORD_SCORES.items():
        assert_published(words.loc[term, "score"], published, term)
    assert words.loc["F", "reference_count"] == 80 and words.loc["F", "reference_docs"] == 2

    positions = result.positions.set_index("doc_id")
    for doc, published in PUBLISHED_RAW.items():
        assert_published(positions.loc[doc, "raw_score"], published, doc)
    assert abs(positions.loc["R3", "raw_score"]) < 1e-12
    assert round(positions.loc["V1", "raw_score"], 2) == -0.45  # LBG 2003: V1 = −0.45
    for doc, published in PUBLISHED_LBG.items():
        assert_published(positions.loc[doc, "rescaled_score"], published, doc)
    assert round(positions.loc["V1", "rescaled_score"], 2) == -0.53  # quanteda's test
    assert positions["is_reference"].tolist() == [True] * 5 + [False]
    assert positions.loc["R2", "reference_score"] == -0.75
    assert np.isnan(positions.loc["V1", "reference_score"])
    assert (positions["scored_tokens"] == 1000).all()


def test_wordscores_mv_rescaling_and_standard_errors_match_quanteda():
    positions = textmodel_wordscores(lbg_dfm(), LBG_SCORES, rescaling="mv").positions
    positions = positions.set_index("doc_id")
    for doc, (fit, lower, upper, se) in PUBLISHED_MV.items():
        assert_published(positions.loc[doc, "rescaled_score"], fit, doc)
        assert_published(positions.loc[doc, "rescaled_ci_low"], lower, doc)
        assert_published(positions.loc[doc, "rescaled_ci_high"], upper, doc)
        assert_published(positions.loc[doc, "rescaled_se"], se, doc)
    # The MV map is linear with slope 3 / (S_R5 − S_R1): the raw standard error of V1 follows,
    # sqrt(Σ F_wv (S_v − S_w)² / N_v) = 0.0118977 (quanteda's test: se.fit[6] ≈ 0.01).
    slope = 3.0 / (positions.loc["R5", "raw_score"] - positions.loc["R1", "raw_score"])
    assert positions.loc["V1", "se"] == pytest.approx(0.013541297 / slope, abs=5e-9)
    z = norm.ppf(0.975)
    raw = positions.loc["V1"]
    assert raw["ci_low"] == pytest.approx(raw["raw_score"] - z * raw["se"], abs=1e-15)
    assert raw["ci_high"] == pytest.approx(raw["raw_score"] + z * raw["se"], abs=1e-15)
    assert set(positions["ci_method"]) == {"normal"} and set(positions["confidence"]) == {0.95}


def test_wordscores_lbg_rescaling_over_virgin_texts_is_lbgs_formula():
    # Two virgin texts (V1 at H, V2 at N): LBG's S* = (S − S̄_v)·SD_r/SD_v + S̄_v.
    d = lbg_dfm({"V2": 13})
    result = textmodel_wordscores(d, LBG_SCORES, confidence=0.9)
    positions = result.positions.set_index("doc_id")
    raw = positions["raw_score"]
    virgin = raw[["V1", "V2"]]
    slope = np.std(list(LBG_SCORES.values()), ddof=1) / virgin.std(ddof=1)
    expected = (raw - virgin.mean()) * slope + virgin.mean()
    np.testing.assert_allclose(positions["rescaled_score"], expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(positions["rescaled_se"], positions["se"] * slope, atol=1e-15)
    z = norm.ppf(0.95)
    np.testing.assert_allclose(positions["rescaled_ci_low"],
                               (raw - z * positions["se"] - virgin.mean()) * slope
                               + virgin.mean(), atol=1e-12)
    assert result.rescale_slope == pytest.approx(slope)
    # V2 is LBG's profile shifted to N, so its raw score is R2's mirror image: 0.4480591.
    assert positions.loc["V2", "raw_score"] == pytest.approx(0.4480591, abs=5e-8)
    # LBG's definition needs two virgin texts; the example has one.
    with pytest.raises(InputError, match=r"at least 2 .* lbg_basis='all'"):
        textmodel_wordscores(lbg_dfm(), LBG_SCORES)


def test_wordscores_smoothing_adds_to_the_reference_counts_only():
    smoothed = textmodel_wordscores(lbg_dfm(), LBG_SCORES, smooth=1, rescaling="none")
    plus_one = lbg_dfm()
    plus_one = Dfm(sparse.csr_matrix(plus_one.matrix.toarray() + 1), plus_one.docs,
                   plus_one.terms)
    by_hand = textmodel_wordscores(plus_one, LBG_SCORES, rescaling="none")
    # quanteda: textmodel_wordscores(x, smooth = 1) has the word scores of x + 1 ...
    pd.testing.assert_series_equal(smoothed.word_scores["score"], by_hand.word_scores["score"])
    # ... but scores the unsmoothed texts.
    assert (smoothed.positions["scored_tokens"] == 1000).all()
    assert smoothed.positions["rescaled_score"].isna().all()


def test_wordscores_scores_only_words_of_the_reference_texts():
    # Two reference texts; the virgin text shares two words with them and has one of its own.
    d = Dfm(sparse.csr_matrix(np.array([[2, 0, 0, 0], [0, 2, 0, 0], [1, 1, 0, 5]])),
            pd.Index(["left", "right", "v"]), pd.Index(["a", "b", "c", "d"]))
    result = textmodel_wordscores(d, {"left": -1, "right": 1}, rescaling="mv")
    assert result.word_scores["term"].tolist() == ["a", "b"]
    v = result.positions.set_index("doc_id").loc["v"]
    assert v["scored_tokens"] == 2 and v["raw_score"] == 0.0
    assert v["se"] == pytest.approx(np.sqrt((0.5 * 1 + 0.5 * 1) / 2))


def test_wordscores_refuses_bad_input_with_what_to_do():
    d = lbg_dfm()
    with pytest.raises(InputError, match=r"'R9' are not documents of the dfm.*doc ids"):
        textmodel_wordscores(d, {"R1": -1, "R9": 1})
    with pytest.raises(InputError, match=r"at least 2 reference texts.*add reference texts"):
        textmodel_wordscores(d, {"R1": -1})
    with pytest.raises(InputError, match=r"'R5' is nan.*leave virgin texts out.*dropna"):
        textmodel_wordscores(d, pd.Series({"R1": -1.0, "R5": np.nan}))
    with pytest.raises(InputError, match=r"score of 'R5' must be a number"):
        textmodel_wordscores(d, {"R1": -1, "R5": "high"})
    with pytest.raises(InputError, match=r"same score|score 1\.0"):
        textmodel_wordscores(d, {"R1": 1, "R5": 1})
    with pytest.raises(InputError, match=r"must map doc ids to scores"):
        textmodel_wordscores(d, [("R1", -1), ("R5", 1)])
    with pytest.raises(InputError, match=r"rescaling must be one of 'none', 'lbg', 'mv'"):
        textmodel_wordscores(d, LBG_SCORES, rescaling="logit")
    with pytest.raises(InputError, match=r"^textmodel_wordscores: smooth \(0 for LBG's method, 1 to score every word\) must be a number ≥ 0"):
        textmodel_wordscores(d, LBG_SCORES, smooth=-1)
    with pytest.raises(InputError, match=r"confidence \(e\.g\. 0\.95\) must be a number > 0 and < 1"):
        textmodel_wordscores(d, LBG_SCORES, confidence=95)
    empty = Dfm(sparse.csr_matrix(np.vstack([d.matrix.toarray(), np.zeros((1, 37), int)])),
                pd.Index([*LBG_DOCS, "blank"]), d.terms)
    with pytest.raises(InputError, match=r"'blank' have no counted token.*leave them out"):
        textmodel_wordscores(empty, LBG_SCORES, lbg_basis="all")
    stranger = Dfm(sparse.csr_matrix(np.array([[2, 0, 0], [0, 2, 0], [0, 0, 3]])),
                   pd.Index(["a", "b", "c"]), pd.Index(["x", "y", "z"]))
    with pytest.raises(InputError, match=r"'c' share no word .* smooth=1"):
        textmodel_wordscores(stranger, {"a": -1, "b": 1}, rescaling="none")
    weights = Dfm(sparse.csr_matrix(np.array([[0.5, 1.0], [1.0, 0.5], [1.0, 1.0]])),
                  pd.Index(["a", "b", "c"]), pd.Index(["x", "y"]))
    with pytest.raises(InputError, match=r"whole numbers.*not weights"):
        textmodel_wordscores(weights, {"a": -1, "b": 1})


def test_wordscores_takes_a_tokens_table_and_does_not_depend_on_document_order():
    tokens = pd.DataFrame({
        "doc_id": ["a"] * 4 + ["b"] * 4 + ["c"] * 4,
        "token": ["团结", "团结", "，", "2025", "改革", "改革", "。", "的",
                  "团结", "改革", "改革", "的"],
        "is_punct": [False, False, True, False, False, False, True, False,
                     False, False, False, False],
        "is_stop": [False, False, False, True, False, False, False, True,
                    False, False, False, True],
    })
    result = textmodel_wordscores(tokens, {"a": -1, "b": 1}, rescaling="none")
    assert result.word_scores["term"].tolist() == ["团结", "改革"]  # punctuation, numbers, stopwords out
    c = result.positions.set_index("doc_id").loc["c"]
    assert c["raw_score"] == pytest.approx(1 / 3) and c["scored_tokens"] == 3
    d = lbg_dfm({"V2": 13})
    order = [6, 3, 0, 5, 1, 4, 2]
    shuffled = Dfm(d.matrix[order].tocsr(), d.docs[order], d.terms)
    pd.testing.assert_frame_equal(textmodel_wordscores(shuffled, LBG_SCORES).positions,
                                  textmodel_wordscores(d, LBG_SCORES).positions)


# --- Wordfish ------------------------------------------------------------------------------------


def test_wordfish_reproduces_quanteda_on_the_lbg_example():
    result = textmodel_wordfish(lbg_dfm(), direction=("R1", "R5"))
    assert list(result.positions.columns) == WORDFISH_POSITION_COLUMNS
    assert list(result.word_parameters.columns) == WORDFISH_WORD_COLUMNS
    assert result.converged and result.direction == ("R1", "R5")
    positions = result.positions.set_index("doc_id")
    for doc, (theta, alpha, se, lower, upper) in PUBLISHED_WORDFISH_DOCS.items():
        assert_published(positions.loc[doc, "theta"], theta, doc)
        assert_published(positions.loc[doc, "alpha"], alpha, doc)
        assert_published(positions.loc[doc, "se"], se, doc)
        assert_published(positions.loc[doc, "ci_low"], lower, doc)
        assert_published(positions.loc[doc, "ci_high"], upper, doc)
    words = result.word_parameters.set_index("term")
    for term in LBG_TERMS:
        assert_published(words.loc[term, "beta"], PUBLISHED_WORDFISH_BETA[term], term)
        assert_published(words.loc[term, "psi"], PUBLISHED_WORDFISH_PSI[term], term)
    assert set(positions["ci_method"]) == {"hessian"} and (positions["n_resamples"] == 0).all()
    # Identification: mean 0, standard deviation 1 (n − 1).
    assert positions["theta"].mean() == pytest.approx(0, abs=1e-12)
    assert positions["theta"].std(ddof=1) == pytest.approx(1, abs=1e-12)


def test_wordfish_recovers_positions_simulated_from_its_model(simulated):
    _, truth, result = simulated
    positions = result.positions.set_index("doc_id")["theta"]
    assert result.converged
    assert np.corrcoef(positions, truth[positions.index])[0, 1] >= 0.95
    assert positions[truth.idxmin()] < positions[truth.idxmax()]
    assert result.terms_dropped == 0 and len(result.word_parameters) == 500


def test_wordfish_direction_sets_the_sign(simulated):
    d, truth, result = simulated
    flipped = textmodel_wordfish(d, direction=(truth.idxmax(), truth.idxmin()))
    np.testing.assert_allclose(flipped.positions["theta"], -result.positions["theta"],
                               atol=1e-12)
    np.testing.assert_allclose(flipped.word_parameters["beta"],
                               -result.word_parameters["beta"], atol=1e-12)
    np.testing.assert_allclose(flipped.positions["se"], result.positions["se"], atol=1e-12)
    np.testing.assert_allclose(flipped.word_parameters["psi"], result.word_parameters["psi"],
                               atol=1e-12)


def test_wordfish_is_reproducible_and_stable_across_seeds(simulated):
    d, truth, result = simulated
    direction = (truth.idxmin(), truth.idxmax())
    # Without bootstrap draws nothing is random: another seed changes only the seed column.
    other = textmodel_wordfish(d, direction=direction, seed=99)
    pd.testing.assert_frame_equal(other.positions.drop(columns="seed"),
                                  result.positions.drop(columns="seed"))
    small, small_truth = simulate_wordfish(8, n_docs=30, n_words=200)
    small_direction = (small_truth.idxmin(), small_truth.idxmax())
    first = textmodel_wordfish(small, direction=small_direction, bootstrap=20, seed=1)
    again = textmodel_wordfish(small, direction=small_direction, bootstrap=20, seed=1)
    second = textmodel_wordfish(small, direction=small_direction, bootstrap=20, seed=2)
    pd.testing.assert_frame_equal(first.positions, again.positions)
    a, b = first.positions, second.positions
    assert set(a["ci_method"]) == {"parametric_bootstrap"} and (a["n_resamples"] == 20).all()
    np.testing.assert_array_equal(a["theta"], b["theta"])  # point estimates do not draw
    assert not np.array_equal(a["ci_low"], b["ci_low"])
    width = np.minimum(a["ci_high"] - a["ci_low"], b["ci_high"] - b["ci_low"])
    assert (np.abs(a["ci_low"] - b["ci_low"]) < width).all()
    assert (np.abs(a["ci_high"] - b["ci_high"]) < width).all()
    assert ((a["ci_low"] <= a["theta"]) & (a["theta"] <= a["ci_high"])).mean() >= 0.9
    # The same draws give the normal interval θ ± z·se (se: the spread of the draws).
    normal = textmodel_wordfish(small, direction=small_direction, bootstrap=20, seed=1,
                                bootstrap_interval="normal").positions
    assert set(normal["ci_method"]) == {"parametric_bootstrap_normal"}
    np.testing.assert_array_equal(normal["se"], a["se"])
    z = norm.ppf(0.975)
    np.testing.assert_allclose(normal["ci_low"], a["theta"] - z * a["se"], atol=1e-12)
    np.testing.assert_allclose(normal["ci_high"], a["theta"] + z * a["se"], atol=1e-12)


def test_wordfish_trims_rare_terms_and_runs_in_seconds_on_corpus_sizes():
    d, truth = simulate_wordfish(5, n_docs=88, n_words=3000)
    start = time.perf_counter()
    result = textmodel_wordfish(d, direction=(truth.idxmin(), truth.idxmax()), min_docs=3,
                                min_count=5)
    assert time.perf_counter() - start < 10  # a few seconds on a shared machine
    kept = result.word_parameters
    assert (kept["doc_freq"] >= 3).all() and (kept["count"] >= 5).all()
    assert result.terms_dropped == 3000 - len(kept) > 0
    assert kept["term"].is_monotonic_increasing


def test_wordfish_refuses_bad_input_with_what_to_do():
    d = lbg_dfm()
    with pytest.raises(InputError, match=r"'R9' are not in the dfm.*pick two of its documents"):
        textmodel_wordfish(d, direction=("R1", "R9"))
    with pytest.raises(InputError, match=r"names 'R1' twice"):
        textmodel_wordfish(d, direction=("R1", "R1"))
    with pytest.raises(InputError, match=r"direction must be two doc ids"):
        textmodel_wordfish(d, direction="R1")
    empty = Dfm(sparse.csr_matrix(np.vstack([d.matrix.toarray(), np.zeros((1, 37), int)])),
                pd.Index([*LBG_DOCS, "blank"]), d.terms)
    with pytest.raises(InputError, match=r"'blank' have no counted token.*leave them out"):
        textmodel_wordfish(empty, direction=("R1", "R5"))
    with pytest.raises(InputError, match=r"'lonely' keep no term after min_count=1 and min_docs=3"):
        textmodel_wordfish(_with_lonely_doc(),
                           direction=("R1", "R5"), min_docs=3)
    with pytest.raises(InputError, match=r"bootstrap=5 draws.*at least 20"):
        textmodel_wordfish(d, direction=("R1", "R5"), bootstrap=5)
    with pytest.raises(InputError, match=r"bootstrap_interval must be one of 'percentile', 'normal'"):
        textmodel_wordfish(d, direction=("R1", "R5"), bootstrap=20, bootstrap_interval="bca")
    with pytest.raises(InputError, match=r"dispersion \(quasi-Poisson is not implemented\) must be one of 'poisson'"):
        textmodel_wordfish(d, direction=("R1", "R5"), dispersion="quasipoisson")
    with pytest.raises(InputError, match=r"^textmodel_wordfish: max_iter must be a whole number ≥ 1"):
        textmodel_wordfish(d, direction=("R1", "R5"), max_iter=0)
    with pytest.raises(InputError, match=r"^textmodel_wordfish: tol \(e\.g\. 1e-6\) must be a number > 0"):
        textmodel_wordfish(d, direction=("R1", "R5"), tol=float("nan"))
    with pytest.raises(InputError, match=r"expected a tokens table .* or an analysis.features.dfm.Dfm"):
        textmodel_wordfish(d.matrix, direction=("R1", "R5"))


def _with_lonely_doc() -> Dfm:
    """LBG's texts plus one whose only words occur in no other document."""
    d = lbg_dfm()
    counts = np.hstack([d.matrix.toarray(), np.zeros((6, 2), int)])
    counts = np.vstack([counts, [0] * 37 + [4, 2]])
    return Dfm(sparse.csr_matrix(counts), pd.Index([*LBG_DOCS, "lonely"]),
               pd.Index([*LBG_TERMS, "ZY", "ZZ"]))


def test_scaling_does_not_change_its_inputs():
    d = lbg_dfm({"V2": 13})
    matrix, docs, terms = d.matrix.copy(), d.docs.copy(), d.terms.copy()
    scores = pd.Series(LBG_SCORES)
    scores_before = scores.copy()
    mapping = dict(LBG_SCORES)
    mapping_before = copy.deepcopy(mapping)
    textmodel_wordscores(d, scores, smooth=0.5)
    textmodel_wordscores(d, mapping, rescaling="mv")
    textmodel_wordfish(d, direction=("R1", "R5"), bootstrap=20)
    assert (d.matrix != matrix).nnz == 0 and d.matrix.dtype == matrix.dtype
    assert d.docs.equals(docs) and d.terms.equals(terms)
    pd.testing.assert_series_equal(scores, scores_before)
    assert mapping == mapping_before


# --- figures -------------------------------------------------------------------------------------


def _texts(fig: Figure) -> list[str]:
    fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(match=Text, include_self=False)
            if t.get_visible() and t.get_text().strip()]


def _english_words(texts: list[str], data: set[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        for line in text.split("\n"):
            if line in data:
                continue
            words |= set(re.findall(r"[A-Za-z]+", line))
    return words - SYMBOLS


def test_position_figures_draw_in_both_languages(simulated):
    d, _, result = simulated
    names = {doc: f"文档{k:02d}" for k, doc in enumerate(d.docs)}
    positions = result.positions.assign(doc_id=result.positions["doc_id"].map(names))
    groups = {names[doc]: ("甲类" if k % 3 else "乙类") for k, doc in enumerate(d.docs)}
    years = {names[doc]: 1978 + k % 20 for k, doc in enumerate(d.docs)}
    data = set(names.values()) | set(groups.values())
    for language in ("en", "zh"):
        for kwargs in ({"groups": groups}, {"groups": groups, "years": years}):
            fig = textplot_scale_positions(positions, language=language, width="double",
                                           **kwargs)
            assert isinstance(fig, Figure)
            check_glyphs(fig)
            texts = _texts(fig)
            if language == "zh":
                assert not _english_words(texts, data), texts
            else:
                assert any("intervals from the Hessian" in t for t in texts)
    ws = textmodel_wordscores(lbg_dfm({"V2": 13}), LBG_SCORES, rescaling="mv").positions
    fig = textplot_scale_positions(ws, years={"R1": 1, "V1": 2, "V2": 3}, language="zh")
    texts = _texts(fig)
    assert any("以两端参照文本重新标度" in t for t in texts)
    assert any("无年份的文档未显示" in t for t in texts)  # R2–R5 have no year
    assert not _english_words(texts, set(ws["doc_id"]))
    raw = textplot_scale_positions(ws, score="raw_score")
    assert any(t == "Wordscores raw score" for t in _texts(raw))


def test_position_figures_refuse_what_they_cannot_show(simulated):
    with pytest.raises(InputError, match=r"lacks column\(s\) doc_id"):
        textplot_scale_positions(pd.DataFrame({"theta": [1.0]}))
    with pytest.raises(InputError, match=r"score must be 'auto'"):
        textplot_scale_positions(simulated[2].positions, score="alpha")
    with pytest.raises(InputError, match=r"groups has no entry"):
        textplot_scale_positions(simulated[2].positions, groups={"d00": "a"})
    many = pd.DataFrame({"doc_id": [f"d{k}" for k in range(300)], "theta": np.arange(300.0)})
    with pytest.raises(CannotDraw, match=r"300 documents do not fit.*years="):
        textplot_scale_positions(many)
    with pytest.raises(InputError, match=r"language must be 'en'"):
        textplot_scale_positions(simulated[2].positions, language="fr")


def test_eiffel_tower_labels_highlighted_terms_without_overlaps(simulated):
    _, _, result = simulated
    words = result.word_parameters.assign(term=[f"词{k:03d}" for k in range(500)])
    highlight = ["词007", "词123", "词321", "团结"]  # 团结 is not in the model
    for language in ("en", "zh"):
        fig = textplot_wordfish_words(words, highlight=highlight, extremes=4, language=language)
        assert isinstance(fig, Figure)
        check_glyphs(fig)
        texts = _texts(fig)
        labels = [a for a in fig.findobj(match=Annotation) if a.get_text()]
        shown = {a.get_text() for a in labels}
        assert {"词007", "词123", "词321"} <= shown and "团结" not in shown
        boxes = [a.get_window_extent() for a in labels]
        assert not any(boxes[i].overlaps(boxes[j])
                       for i in range(len(boxes)) for j in range(i + 1, len(boxes)))
        lowest = words.sort_values("beta")["term"].iloc[0]
        assert lowest in shown
        assert any("团结" in t for t in texts)  # named as not in the model
        if language == "zh":
            assert not _english_words(texts, set(words["term"]))
    with pytest.raises(InputError, match=r"highlight must be a list of terms"):
        textplot_wordfish_words(words, highlight="团结")
    with pytest.raises(InputError, match=r"lacks column\(s\) psi"):
        textplot_wordfish_words(words.drop(columns="psi"))
