"""Dispersion (range, Juilland's D, DP, DPnorm) against the published worked examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from analysis.features.dfm import Dfm
from analysis.measures.dispersion import (
    DISPERSION_COLUMNS,
    textstat_dispersion,
    textstat_dispersion_dfm,
)

# Gries (2008: 406) sample corpus: 50 one-letter words in five parts of 9, 10, 10, 10, 11 words.
GRIES_TEXT = "bamnibeupbasatbewqnbcagabestabaghabeaatbahaabeaxat"
GRIES_SIZES = [9, 10, 10, 10, 11]


def tokens_of(labels: list[str], words: list[str], stop: set[str] = frozenset()) -> pd.DataFrame:
    position = pd.Series(labels).groupby(labels).cumcount().to_numpy() + 1
    return pd.DataFrame(
        {
            "doc_id": labels,
            "position": position,
            "token": words,
            "is_punct": [all(not ch.isalnum() for ch in w) for w in words],
            "is_stop": [w in stop for w in words],
        }
    )


GRIES = tokens_of(
    [f"p{i + 1}" for i, size in enumerate(GRIES_SIZES) for _ in range(size)], list(GRIES_TEXT)
)


def row(table: pd.DataFrame, term: str, partition: str) -> pd.Series:
    hit = table[(table["term"] == term) & (table["partition"] == partition)]
    assert len(hit) == 1, (term, partition)
    return hit.iloc[0]


def test_gries_2008_example_over_unequal_parts():
    d = textstat_dispersion(GRIES, parts=5)
    assert list(d.columns) == DISPERSION_COLUMNS
    a = row(d, "a", "document")
    # a occurs 1, 2, 3, 4, 5 times in parts of relative size s = .18, .2, .2, .2, .22.
    # DP = ½ (|1/15 − .18| + |2/15 − .2| + |3/15 − .2| + |4/15 − .2| + |5/15 − .22|)
    #    = ½ (.11333 + .06667 + 0 + .06667 + .11333) = 0.18                       (Gries 2008)
    # DPnorm = DP / (1 − min s) = .18 / .82 = 0.219512              (Lijffijt & Gries 2012)
    assert (a["n_parts"], a["count"], a["range"]) == (5, 15, 5)
    assert a["dp"] == pytest.approx(0.18)
    assert a["dp_norm"] == pytest.approx(0.18 / 0.82)
    # Juilland's D on relative frequencies p = 1/9, 2/10, 3/10, 4/10, 5/11:
    # mean = .2931313, population SD = .1259583, V = .4296991, D = 1 − V/√4 = 0.785150.
    p = [1 / 9, 0.2, 0.3, 0.4, 5 / 11]
    mean = sum(p) / 5
    sd = math.sqrt(sum((x - mean) ** 2 for x in p) / 5)
    assert a["juilland_d"] == pytest.approx(1 - (sd / mean) / 2)
    assert a["juilland_d"] == pytest.approx(0.785150, abs=1e-6)
    # b: twice in every part; DP = ½ Σ |.2 − s_i| = ½ (.02 + 0 + 0 + 0 + .02) = 0.02.
    b = row(d, "b", "document")
    assert (b["dp"], b["dp_norm"]) == pytest.approx((0.02, 0.02 / 0.82))
    # i: once, in the smallest part: DP = 1 − .18 = .82, DPnorm = 1, D = 0, range 1.
    i = row(d, "i", "document")
    assert (i["dp"], i["dp_norm"], i["juilland_d"], i["range"]) == pytest.approx((0.82, 1, 0, 1))


def test_gries_corpus_cut_into_equal_parts():
    d = textstat_dispersion(GRIES, parts=5)
    a = row(d, "a", "equal_parts")
    # Five parts of 10 words: a occurs 1, 2, 3, 4, 5 times again (bamnibeupb | asatbewqnb | …).
    # DP = ½ (2/15 + 1/15 + 0 + 1/15 + 2/15) = 0.2; DPnorm = .2 / .8 = 0.25;
    # D = 1 − (√2 / 3) / √4 = 0.764298 (equal parts: Juilland's original D on counts).
    assert (a["n_parts"], a["range"]) == (5, 5)
    assert (a["dp"], a["dp_norm"]) == pytest.approx((0.2, 0.25))
    assert a["juilland_d"] == pytest.approx(1 - (math.sqrt(2) / 3) / 2)
    # e is the 7th word of every part of the equal cut: perfectly even.
    e = row(d, "e", "equal_parts")
    assert (e["dp"], e["dp_norm"], e["juilland_d"]) == pytest.approx((0, 0, 1))


def test_lijffijt_gries_2012_table_1():
    # Three equal parts; 2/3 of the occurrences in one, 1/3 in another:
    # DP = ½ (|2/3 − 1/3| + |1/3 − 1/3| + |0 − 1/3|) = 1/3; DPnorm = (1/3) / (1 − 1/3) = 0.5.
    x = Dfm(sparse.csr_matrix([[2], [1], [0]]), pd.Index(["p1", "p2", "p3"]), pd.Index(["a"]))
    out = textstat_dispersion_dfm(x, sizes=[10, 10, 10]).iloc[0]
    assert (out["dp"], out["dp_norm"], out["range"]) == pytest.approx((1 / 3, 0.5, 2))


def test_carroll_1970_juilland_example():
    # Carroll (1970: 14): counts 0, 4, 3, 2, 1 in equal parts: mean 2, SD √2, D = 1 − (√2/2)/2.
    x = Dfm(sparse.csr_matrix([[0], [4], [3], [2], [1]]), pd.Index(list("vwxyz")), pd.Index(["t"]))
    out = textstat_dispersion_dfm(x, sizes=[100] * 5).iloc[0]
    assert out["juilland_d"] == pytest.approx(0.6464, abs=1e-4)


def test_stopwords_count_in_part_sizes_but_are_not_terms():
    # Two documents of 4 words each; 的 is a stopword. 团结 once in each: perfectly even, although
    # x has more stopwords (the sizes are 4 and 4 words, not 1 and 3 content words).
    tokens = tokens_of(
        ["x"] * 5 + ["y"] * 4,
        ["团结", "的", "的", "的", "。", "团结", "班子", "班子", "的"],
        stop={"的"},
    )
    d = textstat_dispersion(tokens, parts=2)
    assert "的" not in set(d["term"]) and "。" not in set(d["term"])
    t = row(d, "团结", "document")
    assert (t["dp"], t["juilland_d"]) == pytest.approx((0, 1))
    # Equal parts over the 8 words: 团结 的 的 的 | 团结 班子 班子 的 — one each again.
    assert row(d, "团结", "equal_parts")["dp"] == pytest.approx(0)
    kept = textstat_dispersion(tokens, parts=2, remove_stop=False)
    assert row(kept, "的", "document")["count"] == 4


def test_order_fixes_the_equal_parts_and_input_order_does_not_matter():
    tokens = tokens_of(["x"] * 4 + ["y"] * 4, ["甲", "甲", "乙", "乙", "丙", "丙", "丙", "丙"])
    shuffled = tokens.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(
        textstat_dispersion(tokens, parts=3), textstat_dispersion(shuffled, parts=3)
    )
    # Word k of 8 goes to part ⌊3k/8⌋: parts of 3, 3 and 2 words.
    # x then y (sorted doc_id): 甲甲乙 | 乙丙丙 | 丙丙 → 乙 in two parts;
    # y then x:                 丙丙丙 | 丙甲甲 | 乙乙 → 乙 in one.
    default = textstat_dispersion(tokens, parts=3, partitions=["equal_parts"])
    reverse = textstat_dispersion(tokens, parts=3, partitions=["equal_parts"], order=["y", "x"])
    assert row(default, "乙", "equal_parts")["range"] == 2
    assert row(reverse, "乙", "equal_parts")["range"] == 1
    assert row(reverse, "乙", "equal_parts")["dp"] == pytest.approx(0.75)  # ½(3/8 + 3/8 + 3/4)


def test_one_part_leaves_d_and_dp_norm_undefined():
    x = Dfm(sparse.csr_matrix([[3, 1]]), pd.Index(["only"]), pd.Index(["a", "b"]))
    out = textstat_dispersion_dfm(x)
    assert out["dp"].tolist() == [0, 0]
    assert out["juilland_d"].isna().all() and out["dp_norm"].isna().all()


def test_empty_parts_are_left_out():
    x = Dfm(sparse.csr_matrix([[1], [0], [1]]), pd.Index(["p", "empty", "q"]), pd.Index(["a"]))
    out = textstat_dispersion_dfm(x, sizes=[5, 0, 5]).iloc[0]
    assert (out["n_parts"], out["dp"], out["juilland_d"]) == pytest.approx((2, 0, 1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"parts": 1}, "parts must be a whole number ≥ 2, got 1"),
        ({"parts": 51}, "too few for 51 equal parts"),
        ({"partitions": ["files"]}, "partitions"),
        ({"partitions": "document"}, "partitions"),
        ({"min_count": 0}, "min_count"),
        ({"remove_stop": None}, "^textstat_dispersion: remove_stop must be true or false"),
        ({"order": ["p1"]}, "leaves out doc_id 'p2'"),
        ({"order": ["p1", "p1"]}, "twice"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        textstat_dispersion(GRIES, **kwargs)


def test_bad_tables_are_explained():
    with pytest.raises(ValueError, match="is_stop"):
        textstat_dispersion(GRIES.drop(columns=["is_stop"]))
    x = Dfm(sparse.csr_matrix([[3]]), pd.Index(["p"]), pd.Index(["a"]))
    with pytest.raises(ValueError, match="one size per row"):
        textstat_dispersion_dfm(x, sizes=[1, 2])
    with pytest.raises(ValueError, match="smaller than the count"):
        textstat_dispersion_dfm(x, sizes=[2])


def test_input_is_not_modified():
    before = GRIES.copy()
    textstat_dispersion(GRIES, parts=3)
    pd.testing.assert_frame_equal(GRIES, before)


# --- against a plain per-term implementation on random data ----------------------------------


def naive(counts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Oracle: the textbook formulas, one term at a time, with numpy's population SD."""
    s = sizes / sizes.sum()
    out = []
    for v in counts.T:
        dp = 0.5 * np.abs(v / v.sum() - s).sum()
        p = v / sizes
        d = 1 - (np.std(p) / np.mean(p)) / np.sqrt(len(v) - 1)
        out.append([(v > 0).sum(), d, dp, dp / (1 - s.min())])
    return np.array(out)


matrices = st.integers(2, 6).flatmap(
    lambda n_parts: st.tuples(
        st.lists(
            st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=n_parts, max_size=n_parts
        ),
        st.lists(st.integers(0, 20), min_size=n_parts, max_size=n_parts),
    )
)


@settings(max_examples=60, deadline=None)
@given(matrices)
def test_sparse_computation_matches_naive_formulas(data):
    rows, extra = data
    counts = np.array(rows, dtype=np.int64)
    counts[:, 0] += 1  # the first term occurs in every part: all parts have text
    counts = counts[:, counts.sum(axis=0) > 0]
    sizes = counts.sum(axis=1) + np.array(extra)  # parts hold other words too
    x = Dfm(
        sparse.csr_matrix(counts),
        pd.Index([f"p{i}" for i in range(len(counts))]),
        pd.Index([f"t{j}" for j in range(counts.shape[1])]),
    )
    ours = textstat_dispersion_dfm(x, sizes=sizes)
    expected = naive(counts.astype(float), sizes.astype(float))
    np.testing.assert_allclose(
        ours[["range", "juilland_d", "dp", "dp_norm"]].to_numpy(dtype=float), expected, atol=1e-9
    )
    # Bounds: 0 ≤ DP ≤ 1 − min s, 0 ≤ DPnorm ≤ 1, 0 ≤ D ≤ 1 (up to rounding).
    s_min = (sizes / sizes.sum()).min()
    assert ((ours["dp"] >= 0) & (ours["dp"] <= 1 - s_min + 1e-12)).all()
    assert ((ours["juilland_d"] > -1e-9) & (ours["juilland_d"] < 1 + 1e-9)).all()
    # Permuting the parts changes nothing.
    perm = np.random.default_rng(len(counts)).permutation(len(counts))
    x2 = Dfm(x.matrix[perm], x.docs[perm], x.terms)
    pd.testing.assert_frame_equal(ours, textstat_dispersion_dfm(x2, sizes=sizes[perm]))


# --- the five study documents ----------------------------------------------------------------


def test_study_corpus_dispersion(study_corpus):
    d = textstat_dispersion(study_corpus.tokens)
    assert set(d["partition"]) == {"document", "equal_parts"}
    assert set(d.loc[d["partition"] == "equal_parts", "n_parts"]) == {10}
    # 团结: 1 + 12 + 1 + 18 + 0 = 32 tokens in 4 of the 5 documents.
    doc = row(d, "团结", "document")
    assert (doc["n_parts"], doc["count"], doc["range"]) == (5, 32, 4)
    assert (doc["juilland_d"], doc["dp"], doc["dp_norm"]) == pytest.approx(
        (0.665243, 0.257955, 0.264918), abs=1e-5
    )
    equal = row(d, "团结", "equal_parts")
    assert (equal["count"], equal["range"]) == (32, 6)
    assert (equal["juilland_d"], equal["dp"], equal["dp_norm"]) == pytest.approx(
        (0.525255, 0.518768, 0.576375), abs=1e-5
    )
    # The same frequency in both partitions, and the most frequent term first.
    freq = d.pivot(index="term", columns="partition", values="count")
    assert (freq["document"] == freq["equal_parts"]).all()
    assert d.iloc[0][["term", "count"]].tolist() == ["工作", 144]
