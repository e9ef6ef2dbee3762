"""Correspondence analysis against Greenacre's smoking data (published values), a 2 × 2 table
worked by hand, scipy's chi-square, CA's own identities, and the five study documents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.stats import chi2_contingency

from analysis.errors import InputError
from analysis.features.dfm import Dfm, dfm
from analysis.measures.correspondence import (
    CA_COORDINATE_COLUMNS,
    CA_INERTIA_COLUMNS,
    textmodel_ca,
    top_terms_by_frequency,
)

# Greenacre, Correspondence Analysis in Practice (smoking data): staff groups × smoking.
# Reference values: R package `ca` (Nenadić & Greenacre 2007), `ca(smoke)` printout.
SMOKE_ROWS = ["SM", "JM", "SE", "JE", "SC"]
SMOKE_COLS = ["none", "light", "medium", "heavy"]
SMOKE = np.array([[4, 2, 3, 2], [4, 3, 7, 4], [25, 10, 12, 4], [18, 24, 33, 13], [10, 6, 7, 2]])
SMOKE_INERTIAS = [0.074759, 0.010017, 0.000414]
SMOKE_ROW_MASS = [0.056995, 0.093264, 0.264249, 0.455959, 0.129534]
SMOKE_ROW_CHIDIST = [0.216559, 0.356921, 0.380779, 0.240025, 0.216169]
SMOKE_ROW_INERTIA = [0.002673, 0.011881, 0.038314, 0.026269, 0.006053]
# standard coordinates as printed by `ca`; our sign rule (largest |document| positive: SE on
# axis 1, JM on axis 2) flips both axes, hence the minus signs when comparing.
SMOKE_ROW_STD = {
    1: [-0.240539, 0.947105, -1.391973, 0.851989, -0.735456],
    2: [-1.935708, -2.430958, -0.106508, 0.576944, 0.788435],
}
SMOKE_COL_MASS = [0.316062, 0.233161, 0.321244, 0.129534]
SMOKE_COL_STD = {
    1: [-1.438471, 0.363746, 0.718017, 1.074445],
    2: [-0.304659, 1.409433, 0.073528, -1.975960],
}


def smoke_dfm(rows: list[int] | None = None) -> Dfm:
    order = rows if rows is not None else list(range(5))
    return Dfm(
        sparse.csr_matrix(SMOKE[order]),
        pd.Index([SMOKE_ROWS[i] for i in order], dtype=object),
        pd.Index(SMOKE_COLS, dtype=object),
    )


def wide(result, kind: str, column: str) -> pd.DataFrame:
    table = result.coordinates[result.coordinates["kind"] == kind]
    return table.pivot(index="label", columns="dimension", values=column)


def test_greenacre_smoking_inertias():
    result = textmodel_ca(smoke_dfm(), dimensions=2)
    assert list(result.inertia.columns) == CA_INERTIA_COLUMNS
    assert result.inertia["dimension"].tolist() == [1, 2, 3]
    np.testing.assert_allclose(result.inertia["inertia"], SMOKE_INERTIAS, atol=5e-7)
    # percentages printed by `ca`: 87.76 %, 11.76 %, 0.49 %
    np.testing.assert_allclose(result.inertia["share"], [0.8776, 0.1176, 0.0049], atol=5e-5)
    assert result.inertia["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_greenacre_smoking_coordinates_and_masses():
    result = textmodel_ca(smoke_dfm(), dimensions=2)
    assert list(result.coordinates.columns) == CA_COORDINATE_COLUMNS
    rows_std = wide(result, "document", "standard").loc[SMOKE_ROWS]
    cols_std = wide(result, "term", "standard").loc[SMOKE_COLS]
    for k in (1, 2):
        np.testing.assert_allclose(rows_std[k], -np.array(SMOKE_ROW_STD[k]), atol=5e-7)
        np.testing.assert_allclose(cols_std[k], -np.array(SMOKE_COL_STD[k]), atol=5e-7)
        # principal = standard · sqrt(λ_k), e.g. SE on axis 1: 1.391973 · sqrt(0.074759) = 0.380595
        # (λ₂ = 0.010017 is printed to 6 decimals: up to 2.5e-5 relative error after the root)
        np.testing.assert_allclose(
            wide(result, "document", "coordinate").loc[SMOKE_ROWS, k],
            -np.array(SMOKE_ROW_STD[k]) * np.sqrt(SMOKE_INERTIAS[k - 1]),
            rtol=3e-5, atol=1e-6,
        )
    masses = result.coordinates.groupby(["kind", "label"])["mass"].first()
    np.testing.assert_allclose(masses["document"].loc[SMOKE_ROWS], SMOKE_ROW_MASS, atol=5e-7)
    np.testing.assert_allclose(masses["term"].loc[SMOKE_COLS], SMOKE_COL_MASS, atol=5e-7)


def test_greenacre_smoking_chi_square_distances_from_all_dimensions():
    # With all K = 3 dimensions the principal coordinates give each row's chi-square distance
    # to the centroid (`ChiDist`) and its inertia r_i d_i² (`Inertia`).
    result = textmodel_ca(smoke_dfm(), dimensions=3)
    principal = wide(result, "document", "coordinate").loc[SMOKE_ROWS]
    distance = np.sqrt((principal**2).sum(axis=1))
    np.testing.assert_allclose(distance, SMOKE_ROW_CHIDIST, atol=5e-7)
    np.testing.assert_allclose(np.array(SMOKE_ROW_MASS) * distance**2, SMOKE_ROW_INERTIA,
                               atol=5e-6)
    quality = result.coordinates.groupby("label")["quality"].first()
    np.testing.assert_allclose(quality, 1.0)  # all dimensions explain each point fully


def test_total_inertia_is_chi_square_over_n():
    # independent oracle: scipy's Pearson chi-square (16.44 for the smoking data)
    statistic = chi2_contingency(SMOKE, correction=False).statistic
    result = textmodel_ca(smoke_dfm())
    assert result.inertia["inertia"].sum() == pytest.approx(statistic / SMOKE.sum(), rel=1e-12)


def test_coordinates_reconstitute_the_table_and_are_barycentres():
    result = textmodel_ca(smoke_dfm(), dimensions=3)
    lam = result.inertia["inertia"].to_numpy()
    phi = wide(result, "document", "standard").loc[SMOKE_ROWS].to_numpy()
    gamma = wide(result, "term", "standard").loc[SMOKE_COLS].to_numpy()
    f = wide(result, "document", "coordinate").loc[SMOKE_ROWS].to_numpy()
    p = SMOKE / SMOKE.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    # reconstitution formula: p_ij = r_i c_j (1 + Σ_k sqrt(λ_k) φ_ik γ_jk)
    np.testing.assert_allclose(np.outer(r, c) * (1 + (phi * np.sqrt(lam)) @ gamma.T), p,
                               atol=1e-14)
    # transition formula: rows are weighted averages of column standard coordinates
    np.testing.assert_allclose(f, (p / r[:, None]) @ gamma, atol=1e-14)


def test_two_by_two_by_hand():
    # a: 团结 ×3, 民主 ×1; b: 团结 ×1, 民主 ×3. One dimension, λ = phi² =
    # (3·3 − 1·1)² / (4·4·4·4) = 0.25. Masses ½; standard coordinates ±1, principal ±0.5 (the
    # chi-square distance of (¾, ¼) from (½, ½): sqrt(¼²/½ + ¼²/½) = ½). |a| = |b|: the first
    # doc_id is made positive, and 团结 goes with a.
    tokens = pd.DataFrame(
        [("b", "团结")] + [("b", "民主")] * 3 + [("a", "团结")] * 3 + [("a", "民主")],
        columns=["doc_id", "token"],
    ).assign(is_punct=False, is_stop=False)
    result = textmodel_ca(tokens, dimensions=1)
    assert result.inertia.values.tolist() == [[1, pytest.approx(0.25), 1.0, 1.0]]
    expected = [
        ["document", "a", 1, 0.5, 1.0, 0.5, 0.5, 1.0, 1.0],
        ["document", "b", 1, -0.5, -1.0, 0.5, 0.5, 1.0, 1.0],
        ["term", "团结", 1, 0.5, 1.0, 0.5, 0.5, 1.0, 1.0],
        ["term", "民主", 1, -0.5, -1.0, 0.5, 0.5, 1.0, 1.0],
    ]
    out = result.coordinates
    assert out[["kind", "label", "dimension"]].values.tolist() == [e[:3] for e in expected]
    np.testing.assert_allclose(out.iloc[:, 3:].to_numpy(dtype=float),
                               [e[3:] for e in expected], atol=1e-12)


def test_top_terms_by_frequency_breaks_ties_by_term():
    # 团结 3, 民主 2, 班子 2, 制度 1: top 2 = 团结 and the first of 民主/班子 in code-point
    # order (民 U+6C11 < 班 U+73ED); columns come back in code-point order.
    tokens = pd.DataFrame(
        [("a", "团结"), ("a", "团结"), ("b", "团结"), ("a", "班子"), ("b", "班子"),
         ("a", "民主"), ("b", "民主"), ("b", "制度")],
        columns=["doc_id", "token"],
    ).assign(is_punct=False, is_stop=False)
    assert list(top_terms_by_frequency(dfm(tokens), 2).terms) == ["团结", "民主"]
    assert list(top_terms_by_frequency(dfm(tokens), None).terms) == sorted(
        ["团结", "民主", "班子", "制度"]
    )


def test_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="has only 3; ask for at most 3"):
        textmodel_ca(smoke_dfm(), dimensions=4)
    with pytest.raises(ValueError, match="top_terms must be a whole number"):
        textmodel_ca(smoke_dfm(), top_terms=0)
    with pytest.raises(ValueError, match="dimensions must be a whole number"):
        textmodel_ca(smoke_dfm(), dimensions=1.5)
    with pytest.raises(InputError, match="expected a tokens table"):  # the CLI reports these
        textmodel_ca(SMOKE)
    lonely = Dfm(sparse.csr_matrix([[3, 1, 0], [1, 3, 0], [0, 0, 1]]),
                 pd.Index(["a", "b", "c"], dtype=object), pd.Index(["x", "y", "z"], dtype=object))
    with pytest.raises(ValueError, match=r"no selected term occurs in document.*c; .*top_terms"):
        textmodel_ca(lonely, top_terms=2)
    same = Dfm(sparse.csr_matrix([[2, 1], [4, 2]]), pd.Index(["a", "b"], dtype=object),
               pd.Index(["x", "y"], dtype=object))
    with pytest.raises(ValueError, match="same term profile"):
        textmodel_ca(same, dimensions=1)


def test_does_not_mutate_input():
    d = smoke_dfm()
    before = d.matrix.toarray().copy()
    textmodel_ca(d)
    np.testing.assert_array_equal(d.matrix.toarray(), before)


# --- invariants on random tables --------------------------------------------------------------

tables = st.integers(3, 6).flatmap(
    lambda n_rows: st.lists(
        st.lists(st.integers(1, 30), min_size=4, max_size=4), min_size=n_rows, max_size=n_rows
    )
)


@settings(max_examples=60, deadline=None)
@given(tables, st.randoms(use_true_random=False))
def test_invariants_and_document_order(table, rnd):
    counts = np.array(table)
    docs = [f"d{i}" for i in range(len(counts))]
    d = Dfm(sparse.csr_matrix(counts), pd.Index(docs, dtype=object),
            pd.Index(list("wxyz"), dtype=object))
    try:
        result = textmodel_ca(d, dimensions=1)
    except ValueError as error:
        assume("same term profile" not in str(error))
        raise
    lam = result.inertia["inertia"].to_numpy()
    assume(len(lam) < 2 or lam[0] - lam[1] > 1e-6 * lam[0])  # axis 1 is unique
    out = result.coordinates
    for _, points in out.groupby("kind"):
        assert points["mass"].sum() == pytest.approx(1.0)
        assert points["contribution"].sum() == pytest.approx(1.0)  # ctr sums to 1 per axis
        assert (points["mass"] * points["coordinate"]).sum() == pytest.approx(0.0, abs=1e-12)
        assert (points["mass"] * points["coordinate"] ** 2).sum() == pytest.approx(lam[0])
    # sign rule: the farthest document is positive; among (numerically) tied ones, the first
    documents = out[out["kind"] == "document"]
    size = documents["coordinate"].abs()
    farthest = documents[size >= size.max() - 1e-9]
    assert farthest["coordinate"].iloc[0] > 0
    order = list(range(len(counts)))
    rnd.shuffle(order)
    shuffled = Dfm(sparse.csr_matrix(counts[order]), pd.Index([docs[i] for i in order],
                   dtype=object), d.terms)
    again = textmodel_ca(shuffled, dimensions=1)
    pd.testing.assert_frame_equal(again.coordinates, out, rtol=1e-9, atol=1e-12)
    pd.testing.assert_frame_equal(again.inertia, result.inertia, rtol=1e-9, atol=1e-12)


# --- the five study documents -----------------------------------------------------------------


def test_study_documents(study_corpus):
    result = textmodel_ca(study_corpus.tokens)  # top_terms 60, dimensions 2 (settings.yml)
    np.testing.assert_allclose(result.inertia["inertia"],
                               [0.294827, 0.170967, 0.101991, 0.027484], atol=1e-6)
    assert result.inertia["cumulative_share"].iloc[1] == pytest.approx(0.782493, abs=1e-6)
    out = result.coordinates
    assert (out["kind"] == "term").sum() == 60 * 2
    position = out.set_index(["kind", "label", "dimension"])["coordinate"]
    assert position["document", "yangzhou_opinion_2007", 1] == pytest.approx(-0.527551, abs=1e-6)
    assert position["document", "nansha_speech_2007", 1] == pytest.approx(0.585184, abs=1e-6)
    assert position["document", "cityoffice_speech_2003", 2] == pytest.approx(0.616231, abs=1e-6)
    # axis 2 is the city government office speech: 办公厅 (general office) contributes most
    axis2 = out[(out["kind"] == "term") & (out["dimension"] == 2)]
    assert axis2.loc[axis2["contribution"].idxmax(), "label"] == "办公厅"
