"""Keyness (G², χ², Log Ratio, %DIFF, PMI, adjusted p) against hand values and scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.stats import chi2_contingency, false_discovery_control, power_divergence

from analysis.features.dfm import Dfm, dfm
from analysis.measures import keyness as keyness_module
from analysis.measures.keyness import (
    KEYNESS_COLUMNS,
    KEYNESS_TABLE_COLUMNS,
    _adjust_within,
    adjust_pvalues,
    single_document_groups,
    textstat_keyness,
    textstat_keyness_groups,
)


def dfm_of(rows: dict[str, dict[str, int]]) -> Dfm:
    terms = sorted({t for counts in rows.values() for t in counts})
    matrix = sparse.csr_matrix([[counts.get(t, 0) for t in terms] for counts in rows.values()])
    return Dfm(
        matrix.astype(np.int64), pd.Index(list(rows), name="doc_id"), pd.Index(terms, name="term")
    )


# quanteda.textstats' own test corpus: d1 = "b b b b b b b a a a", d2 = "a a a a a a a b b".
QUANTEDA = dfm_of({"d1": {"a": 3, "b": 7}, "d2": {"a": 7, "b": 2}})


def term_row(table: pd.DataFrame, term: str) -> pd.Series:
    hit = table[table["term"] == term]
    assert len(hit) == 1
    return hit.iloc[0]


def test_quanteda_example_by_hand():
    k = textstat_keyness(QUANTEDA, "d1", min_count=1)
    assert list(k.columns) == KEYNESS_COLUMNS
    b = term_row(k, "b")
    # Table for b: a = 7, b = 2, c = 10 − 7 = 3, d = 9 − 2 = 7, N = 19.
    # Expected: E11 = 9·10/19 = 4.737, E12 = 9·9/19 = 4.263, E21 = 10·10/19 = 5.263,
    # E22 = 10·9/19 = 4.737.
    assert (b["count_target"], b["count_reference"], b["total_target"], b["total_reference"]) == (
        7,
        2,
        10,
        9,
    )
    # G² = 2 [7 ln(7/4.737) + 2 ln(2/4.263) + 3 ln(3/5.263) + 7 ln(7/4.737)] = 4.534939
    e = [90 / 19, 81 / 19, 100 / 19, 90 / 19]
    g2 = 2 * sum(o * math.log(o / x) for o, x in zip([7, 2, 3, 7], e, strict=True))
    assert b["g2"] == pytest.approx(g2) and g2 == pytest.approx(4.534939, abs=1e-6)
    # Yates applies (E12 < 5 and |ad − bc| = 43 ≥ N/2): χ² = 19 (43 − 9.5)² / (9·10·10·9)
    # = 2.632438, the value of R's chisq.test(correct = TRUE) in quanteda's test.
    assert b["chi2"] == pytest.approx(19 * (43 - 9.5) ** 2 / 8100)
    # Log Ratio = log2((7/10) / (2/9)) = 1.655352; %DIFF = 100 (0.7 − 0.2222) / 0.2222 = 215;
    # PMI = log2(7 / 4.737) = 0.563429 bits (quanteda's ln(7 / 4.737) = 0.390539 nats).
    assert b["log_ratio"] == pytest.approx(math.log2(3.15))
    assert b["pct_diff"] == pytest.approx(215.0)
    assert b["pmi"] == pytest.approx(math.log2(7 * 19 / 90))
    assert b["pmi"] * math.log(2) == pytest.approx(0.390539, abs=1e-6)  # quanteda, in nats
    assert b["p_value"] == pytest.approx(0.0332096, abs=1e-7)  # P(χ²₁ ≥ 4.534939)
    assert b["direction"] == "positive"
    # a is the mirror image: negative G², χ² and Log Ratio of the same size.
    a = term_row(k, "a")
    assert (a["g2"], a["chi2"]) == pytest.approx((-b["g2"], -b["chi2"]))
    assert a["log_ratio"] == pytest.approx(math.log2((3 / 10) / (7 / 9)))
    assert a["direction"] == "negative"
    # Holm over the two terms: both p-values equal, so both are doubled.
    assert k["p_adjusted"].tolist() == pytest.approx([2 * b["p_value"]] * 2)
    assert k["term"].tolist() == ["b", "a"]  # sorted by descending G²


def test_williams_correction_matches_quanteda_published_value():
    # quanteda's test expects the Williams-corrected χ² for b to be 4.017626; the uncorrected χ²
    # is 4.337160, so q = 4.337160 / 4.017626 = 1.079533 = 1 + (19/9 + 19/10 − 1)² / (6·19).
    plain = term_row(textstat_keyness(QUANTEDA, "d1", min_count=1), "b")
    corrected = term_row(
        textstat_keyness(QUANTEDA, "d1", min_count=1, williams_correction=True), "b"
    )
    assert plain["g2"] / corrected["g2"] == pytest.approx(4.337160 / 4.017626, rel=1e-6)
    assert corrected["p_value"] > plain["p_value"]
    assert corrected["chi2"] == plain["chi2"]  # Williams is for G² only


def test_zero_counts_use_the_half_adjustment():
    x = dfm_of({"t": {"new": 4, "old": 6}, "r": {"old": 20}})
    new = term_row(textstat_keyness(x, "t"), "new")
    # Absent from the reference: b = 0 → 0.5. Log Ratio = log2((4/10) / (0.5/20)) = log2(16) = 4;
    # %DIFF = 100 (2^4 − 1) = 1500.
    assert new["log_ratio"] == pytest.approx(4.0)
    assert new["pct_diff"] == pytest.approx(1500.0)
    absent = term_row(textstat_keyness(x, "r"), "new")
    assert np.isnan(absent["pmi"]) and absent["log_ratio"] == pytest.approx(-4.0)
    assert textstat_keyness(x, "t", zero_adjustment=0.25)["log_ratio"].iloc[0] == pytest.approx(5)


def test_min_count_and_absent_terms():
    x = dfm_of(
        {"t": {"once": 1, "twice": 1, "gone": 0, "w": 5}, "r": {"twice": 1, "gone": 3, "w": 5}}
    )
    assert set(textstat_keyness(x, "t")["term"]) == {"twice", "gone", "w"}  # once: 1 < 2
    assert set(textstat_keyness(x, "t", min_count=1)["term"]) == {"once", "twice", "gone", "w"}
    present = textstat_keyness(x, "t", include_absent=False)
    assert set(present["term"]) == {"twice", "w"}
    # Totals are those of the whole Dfm rows, not of the terms kept.
    assert set(present["total_target"]) == {7} and set(present["total_reference"]) == {9}


def test_document_compared_with_itself_has_zero_keyness():
    k = textstat_keyness(QUANTEDA, "d2", "d2", min_count=1)
    assert (k[["g2", "chi2", "log_ratio", "pct_diff", "pmi"]].to_numpy() == 0).all()
    assert (k["p_value"] == 1).all() and (k["direction"] == "none").all()
    assert set(k["reference"]) == {"d2"}


def test_pooled_targets_and_labels():
    x = dfm_of({"a": {"u": 1, "v": 2}, "b": {"u": 3, "v": 1}, "c": {"u": 2, "v": 2}})
    k = textstat_keyness(x, ["b", "a"])
    assert set(k["target"]) == {"a+b"} and set(k["reference"]) == {"rest"}
    assert term_row(k, "u")[["count_target", "count_reference"]].tolist() == [4, 2]
    k2 = textstat_keyness(x, "a", ["b", "c"])
    assert set(k2["reference"]) == {"b+c"}
    pd.testing.assert_frame_equal(
        k2.drop(columns="reference"), textstat_keyness(x, "a").drop(columns="reference")
    )


def test_adjust_pvalues_by_hand_and_against_scipy():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted .005 .01 .03 .04 → ×4 ×3 ×2 ×1 = .02 .03 .06 .04 → running max .02 .03 .06 .06
    assert adjust_pvalues(p, "holm").tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # BH: ×4/1 ×4/2 ×4/3 ×4/4 = .02 .02 .04 .04 → running min from the top: .02 .02 .04 .04
    assert adjust_pvalues(p, "BH").tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert adjust_pvalues(p, "none").tolist() == p
    rng = np.random.default_rng(7)
    q = rng.uniform(size=50) ** 3
    np.testing.assert_allclose(adjust_pvalues(q, "BH"), false_discovery_control(q, method="bh"))
    with pytest.raises(ValueError, match="p_adjust"):
        adjust_pvalues(p, "bonferroni")


def test_adjust_pvalues_equals_r_p_adjust():
    # R: p.adjust(c(0.04, 0.01, 0.03, 0.01, 0.5), "holm") and "BH", worked by hand. Sorted:
    # 0.01 0.01 0.03 0.04 0.5 (m = 5).
    p = [0.04, 0.01, 0.03, 0.01, 0.5]
    # Holm: × 5 4 3 2 1 = .05 .04 .09 .08 .5 → running max .05 .05 .09 .09 .5
    holm = [0.09, 0.05, 0.09, 0.05, 0.5]
    # BH: × 5/1 5/2 5/3 5/4 5/5 = .05 .025 .05 .05 .5 → running min from the top
    # .025 .025 .05 .05 .5
    bh = [0.05, 0.025, 0.05, 0.025, 0.5]
    np.testing.assert_allclose(adjust_pvalues(p, "holm"), holm, rtol=0, atol=1e-12)
    np.testing.assert_allclose(adjust_pvalues(p, "BH"), bh, rtol=0, atol=1e-12)
    # Values above 1 are set to 1: p.adjust(c(0.6, 0.7), "holm") = 1 1; "BH" = 0.7 0.7.
    np.testing.assert_allclose(adjust_pvalues([0.6, 0.7], "holm"), [1.0, 1.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(adjust_pvalues([0.6, 0.7], "BH"), [0.7, 0.7], rtol=0, atol=1e-12)
    assert adjust_pvalues([], "holm").tolist() == []
    with pytest.raises(ValueError, match="must not be NaN"):
        adjust_pvalues([0.1, float("nan")])


@pytest.mark.parametrize("p_adjust", ["holm", "BH", "none"])
def test_adjusting_many_comparisons_at_once_is_adjust_pvalues_bit_for_bit(p_adjust):
    """textstat_keyness_groups adjusts every comparison in one pass (_adjust_within); each comparison's
    values must be exactly those of adjust_pvalues (statsmodels), ties included."""
    rng = np.random.default_rng(3)
    p = np.round(rng.uniform(size=400) ** 3, 3)  # rounded: many ties
    group = rng.integers(0, 7, size=400)
    together = _adjust_within(group, p, p_adjust, 8)  # group 7 has no p-value
    for g in range(7):
        np.testing.assert_array_equal(together[group == g], adjust_pvalues(p[group == g], p_adjust))
    one = _adjust_within(np.zeros(len(p), dtype=np.int64), p, p_adjust, 1)
    np.testing.assert_array_equal(one, adjust_pvalues(p, p_adjust))


# --- against scipy on random 2×2 tables ------------------------------------------------------

tables = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 400), st.integers(0, 400))


@settings(max_examples=80, deadline=None)
@given(tables)
def test_g2_and_chi2_match_scipy(cells):
    a, b, c, d = cells
    assume(a + b > 0 and c + d > 0 and a + c > 0 and b + d > 0)
    x = Dfm(
        sparse.csr_matrix(np.array([[a, c], [b, d]], dtype=np.int64)),
        pd.Index(["t", "r"]),
        pd.Index(["term", "zz_other"]),
    )
    k = term_row(textstat_keyness(x, "t", min_count=1, p_adjust="none"), "term")
    table = np.array([[a, b], [c, d]])
    g2 = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert abs(k["g2"]) == pytest.approx(g2.statistic, abs=1e-9)
    assert k["p_value"] == pytest.approx(g2.pvalue, rel=1e-9, abs=1e-300)
    diverge = power_divergence(
        table.ravel(), g2.expected_freq.ravel(), ddof=2, lambda_="log-likelihood"
    )
    assert abs(k["g2"]) == pytest.approx(diverge.statistic, abs=1e-9)
    # quanteda's rule: Yates' correction when some expected count < 5 and |ad − bc| ≥ N/2.
    n = a + b + c + d
    yates = g2.expected_freq.min() < 5 and abs(a * d - b * c) >= n / 2
    chi2 = chi2_contingency(table, correction=yates).statistic
    assert abs(k["chi2"]) == pytest.approx(chi2, abs=1e-9)
    # Sign: positive exactly when the relative frequency is higher in the target.
    over = a / (a + c) - b / (b + d)
    assert np.sign(k["g2"]) == np.sign(round(over, 12)) or k["g2"] == 0
    if a > 0 and b > 0:
        assert k["log_ratio"] == pytest.approx(math.log2((a / (a + c)) / (b / (b + d))))


counts_matrices = st.lists(
    st.lists(st.integers(0, 9), min_size=4, max_size=4), min_size=2, max_size=4
)


@settings(max_examples=60, deadline=None)
@given(counts_matrices, st.data())
def test_swapping_target_and_reference_mirrors_the_statistics(rows, data):
    matrix = np.array(rows, dtype=np.int64)
    assume((matrix.sum(axis=1) > 0).all())
    x = Dfm(
        sparse.csr_matrix(matrix),
        pd.Index([f"d{i}" for i in range(len(rows))]),
        pd.Index(["w", "x", "y", "z"]),
    )
    i = data.draw(st.integers(0, len(rows) - 1))
    j = data.draw(st.integers(0, len(rows) - 1).filter(lambda v: v != i))
    forward = textstat_keyness(x, f"d{i}", f"d{j}", min_count=1).set_index("term").sort_index()
    backward = textstat_keyness(x, f"d{j}", f"d{i}", min_count=1).set_index("term").sort_index()
    for column in ("g2", "chi2", "log_ratio"):
        np.testing.assert_allclose(forward[column], -backward[column], atol=1e-9)
    np.testing.assert_allclose(forward["p_value"], backward["p_value"])
    self_row = textstat_keyness(x, f"d{i}", f"d{i}", min_count=1)
    assert (self_row[["g2", "chi2", "log_ratio", "pct_diff", "pmi"]].to_numpy() == 0).all()


# --- the table of all comparisons ------------------------------------------------------------


def tokens_of(docs: dict[str, str]) -> pd.DataFrame:
    rows = [(d, w, False, False) for d, text in docs.items() for w in text.split()]
    return pd.DataFrame(rows, columns=["doc_id", "token", "is_punct", "is_stop"])


DOCS = {"p": "团结 团结 民主 班子", "q": "民主 民主 班子 一把手", "r": "团结 班子 班子 班子"}
META = pd.DataFrame(
    {
        "doc_id": ["p", "q", "r"],
        "level": ["city", "city", "county"],
        "genre": ["speech", "speech", "speech"],
    }
)


def test_keyness_table_comparisons():
    k = textstat_keyness_groups(tokens_of(DOCS), META, min_count=1)
    assert list(k.columns) == KEYNESS_TABLE_COLUMNS
    assert k[["grouping", "target", "reference"]].drop_duplicates().values.tolist() == [
        ["doc_id", "p", "rest"],
        ["doc_id", "q", "rest"],
        ["doc_id", "r", "rest"],
        ["level", "city", "rest"],
    ]  # genre has one value: nothing to compare; county is r alone, so r's rows are its rows
    assert single_document_groups(META, ["level", "genre"]) == {"level=county": "r"}
    # with a document outside every level, county against the rest is no longer r's comparison
    partial = META.assign(level=["city", None, "county"])
    kept = textstat_keyness_groups(tokens_of(DOCS), partial, min_count=1)
    assert ["level", "county", "rest"] in kept[["grouping", "target", "reference"]].values.tolist()
    assert single_document_groups(partial, ["level"]) == {}
    # Document against rest: target + reference counts are the corpus counts.
    docs = k[k["grouping"] == "doc_id"]
    corpus = {"团结": 3, "民主": 3, "班子": 5, "一把手": 1}
    assert (docs["count_target"] + docs["count_reference"]).tolist() == docs["term"].map(
        corpus
    ).tolist()
    assert len(docs) == 3 * 4  # every term in every comparison, absent ones included
    city = k[(k["grouping"] == "level") & (k["target"] == "city")]
    assert term_row(city, "团结")[["count_target", "count_reference"]].tolist() == [2, 1]
    pairs = textstat_keyness_groups(tokens_of(DOCS), META, min_count=1, versus="pairs")
    assert pairs.loc[
        pairs["grouping"] == "level", ["target", "reference"]
    ].drop_duplicates().values.tolist() == [["city", "county"]]


def test_keyness_table_rows_equal_single_comparisons():
    tokens = tokens_of(DOCS)
    counts = dfm(tokens, docs=sorted(DOCS))
    for include_absent in (True, False):
        k = textstat_keyness_groups(tokens, META, group_by=[], min_count=1, include_absent=include_absent)
        for doc in DOCS:
            single = textstat_keyness(counts, doc, min_count=1, include_absent=include_absent)
            got = k[k["target"] == doc].drop(columns="grouping").reset_index(drop=True)
            pd.testing.assert_frame_equal(got, single)


def test_keyness_table_is_independent_of_document_order():
    k1 = textstat_keyness_groups(tokens_of(DOCS), META, min_count=1)
    shuffled = {d: DOCS[d] for d in ["r", "p", "q"]}
    k2 = textstat_keyness_groups(tokens_of(shuffled), META.iloc[[2, 0, 1]], min_count=1)
    pd.testing.assert_frame_equal(k1, k2)



@pytest.mark.parametrize("include_absent", [True, False])
def test_the_shared_matrix_gives_the_table_of_the_tokens(study_corpus, include_absent):
    """A run passes its default matrix (built once, rows in first-appearance order) instead of
    the tokens; the table is the same, groups included."""
    tokens, documents = study_corpus.tokens, study_corpus.documents
    options = {"group_by": ["genre"], "include_absent": include_absent, "top_n": 20}
    from_tokens = textstat_keyness_groups(tokens, documents, **options)
    from_matrix = textstat_keyness_groups(dfm(tokens.iloc[::-1]), documents, **options)
    pd.testing.assert_frame_equal(from_matrix, from_tokens)

@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_count": 0}, "min_count"),
        ({"p_adjust": "fdr"}, "p_adjust"),
        ({"versus": "all"}, "versus"),
        ({"group_by": "level"}, "list of metadata column"),
        ({"group_by": ["region"]}, "region"),
        ({"group_by": ["level", "level"]}, "twice"),
        ({"zero_adjustment": 0}, "zero_adjustment"),
        ({"williams_correction": "yes"}, "williams_correction must be true or false"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        textstat_keyness_groups(tokens_of(DOCS), META, **kwargs)


def test_bad_targets_are_explained():
    with pytest.raises(ValueError, match="'nope' is not a row"):
        textstat_keyness(QUANTEDA, "nope")
    with pytest.raises(ValueError, match="every row"):
        textstat_keyness(QUANTEDA, ["d1", "d2"])
    with pytest.raises(ValueError, match="needs a Dfm"):
        textstat_keyness(pd.DataFrame(), "d1")
    empty = dfm_of({"a": {"x": 0}, "b": {"x": 2}})
    with pytest.raises(ValueError, match="'a' has no counted tokens"):
        textstat_keyness(empty, "a")
    with pytest.raises(ValueError, match="two documents"):
        textstat_keyness_groups(tokens_of({"p": "团结"}), META.iloc[:1])


def test_inputs_are_not_modified():
    tokens, meta = tokens_of(DOCS), META.copy()
    before = QUANTEDA.matrix.toarray().copy()
    textstat_keyness_groups(tokens, meta)
    textstat_keyness(QUANTEDA, "d1")
    pd.testing.assert_frame_equal(tokens, tokens_of(DOCS))
    pd.testing.assert_frame_equal(meta, META)
    np.testing.assert_array_equal(QUANTEDA.matrix.toarray(), before)


# --- the five study documents ----------------------------------------------------------------


def test_study_corpus_keyness(study_corpus):
    k = textstat_keyness_groups(study_corpus.tokens, study_corpus.documents)
    jilin = k[(k["grouping"] == "doc_id") & (k["target"] == "jilin_news_2007")]
    top = jilin.iloc[0]
    # 和谐班子 ("harmonious team"): 5 times in the 214 counted tokens of the provincial news
    # report, never in the other 7,677 (numbers and list markers are not counted: is_number).
    assert top[
        ["term", "count_target", "count_reference", "total_target", "total_reference"]
    ].tolist() == ["和谐班子", 5, 0, 214, 7677]
    assert top["g2"] == pytest.approx(36.189596, abs=1e-5)
    assert top["p_adjusted"] < 0.001
    # 团结 never appears as a word in the Yangzhou opinion: a significant negative keyword.
    tuanjie = term_row(
        k[(k["grouping"] == "doc_id") & (k["target"] == "yangzhou_opinion_2007")], "团结"
    )
    assert tuanjie[["count_target", "count_reference", "direction"]].tolist() == [0, 32, "negative"]
    assert tuanjie["g2"] == pytest.approx(-17.531918, abs=1e-5)
    # Speeches use 团结 far more than the other genres: 30 of its 32 tokens.
    speech = term_row(k[(k["grouping"] == "genre") & (k["target"] == "speech")], "团结")
    assert speech[["count_target", "count_reference"]].tolist() == [30, 2]
    assert speech["g2"] > 15 and speech["log_ratio"] == pytest.approx(3.021956, abs=1e-6)
    # Every document-against-rest table has the same terms (min_count 2 over the corpus).
    counts = dfm(study_corpus.tokens).term_totals()
    per_doc = k[k["grouping"] == "doc_id"].groupby("target")["term"].nunique()
    assert set(per_doc) == {int((counts >= 2).sum())}


def test_top_n_keeps_the_strongest_keywords_of_each_comparison_with_unchanged_p_values(
    study_corpus,
):
    full = textstat_keyness_groups(study_corpus.tokens, study_corpus.documents, group_by=["genre"])
    top = textstat_keyness_groups(study_corpus.tokens, study_corpus.documents, group_by=["genre"], top_n=3)
    key = ["grouping", "target", "reference"]
    for comparison, rows in top.groupby(key):
        everything = full.set_index(key).loc[comparison]
        assert (rows["g2"] > 0).sum() == 3 and (rows["g2"] < 0).sum() == 3
        assert rows["g2"].max() == everything["g2"].max()
        assert rows["g2"].min() == everything["g2"].min()
    merged = top.merge(full, on=[*key, "term"], suffixes=("", "_full"))
    assert len(merged) == len(top)
    assert np.allclose(merged["p_adjusted"], merged["p_adjusted_full"])
    with pytest.raises(ValueError, match="top_n"):
        textstat_keyness_groups(study_corpus.tokens, study_corpus.documents, top_n=0)


@pytest.mark.parametrize("p_adjust", ["holm", "BH", "none"])
@pytest.mark.parametrize(
    ("williams_correction", "top_n", "cells_per_block"), [(False, None, None), (True, 5, 7)]
)
def test_present_terms_of_all_documents_at_once_equal_single_comparisons(
    study_corpus, monkeypatch, p_adjust, williams_correction, top_n, cells_per_block
):
    """include_absent=False computes every document at once; each document's rows are exactly
    those of its own textstat_keyness, cut to the top_n strongest at either end. The cells are
    computed a block of whole documents at a time: blocks of 7 cells (a document each) give the
    same rows as one block of all five."""
    if cells_per_block is not None:
        monkeypatch.setattr(keyness_module, "_CELLS_PER_BLOCK", cells_per_block)
    tokens, documents = study_corpus.tokens, study_corpus.documents
    options = {"p_adjust": p_adjust, "williams_correction": williams_correction, "min_count": 2}
    k = textstat_keyness_groups(
        tokens, documents, group_by=[], include_absent=False, top_n=top_n, **options
    )
    counts = dfm(tokens, docs=sorted(documents["doc_id"]))
    for doc in counts.docs:
        single = textstat_keyness(counts, doc, include_absent=False, **options)
        if top_n is not None and len(single) > 2 * top_n:
            head, tail = single.head(top_n), single.tail(top_n)
            single = pd.concat([head[head["g2"] > 0], tail[tail["g2"] < 0]])
        got = k[k["target"] == doc].drop(columns="grouping")
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True), single.reset_index(drop=True), check_exact=True
        )
