"""Slogan co-occurrence: exact counts on a tiny corpus built by the real pipeline, a brute-force
oracle (plain loops over units) on random tables, hypothesis invariants, and the study corpus."""

from __future__ import annotations

import inspect
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import laid_out_corpora
from tiny_slogan_corpus import FORMULA, LEX, tiny_corpus

from analysis.config.settings import load_settings
from analysis.errors import InputError
from analysis.features.slogans import nested_mentions
from analysis.measures.cooccurrence import (
    COOCCURRENCE_COLUMNS,
    textstat_slogan_cooccurrence,
)

DOCUMENTS, SENTENCES, MENTIONS = tiny_corpus()


def cell(table, unit, a, b, doc_id="", scope=None, group=""):
    scope = scope or ("document" if doc_id else "corpus")
    hit = table[
        (table["scope"] == scope) & (table["doc_id"] == doc_id) & (table["unit"] == unit)
        & (table["slogan_a"] == a) & (table["slogan_b"] == b) & (table["group"] == group)
    ]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_the_mentions_are_as_the_comments_say():
    got = MENTIONS[["doc_id", "slogan", "start", "end", "para", "sent"]].values.tolist()
    assert got == [
        ["b", "团结", 3, 5, 1, 1], ["b", "一把手", 6, 9, 1, 2], ["b", "团结", 12, 14, 1, 2],
        ["b", "民主集中制", 20, 25, 2, 3], ["a", FORMULA, 0, 11, 1, 1], ["a", "团结", 5, 7, 1, 1],
        ["a", "团结", 13, 15, 2, 2], ["c", "一把手", 0, 3, 1, 1],
    ]


def test_sentence_paragraph_and_document_units():
    table = textstat_slogan_cooccurrence(DOCUMENTS, SENTENCES, MENTIONS, LEX, window_chars=None)
    assert list(table.columns) == COOCCURRENCE_COLUMNS
    # 3 units × (3 documents + corpus) × 4² ordered pairs
    assert len(table) == 3 * 4 * 16
    # b, sentences {团结} {一把手, 团结} {民主集中制}: both in 1 of 3; 团结 in 2, 一把手 in 1
    b = cell(table, "sentence", "团结", "一把手", "b")
    assert (b["count"], b["n_a"], b["n_b"], b["n_units"]) == (1, 2, 1, 3)
    assert b["expected"] == pytest.approx(2 * 1 / 3)
    assert b["jaccard"] == pytest.approx(1 / (2 + 1 - 1))
    zero = cell(table, "sentence", "团结", "民主集中制", "b")
    assert (zero["count"], zero["jaccard"]) == (0, 0.0)
    # corpus sentences: 6 units; 团结 in 3 (b: 2, a: 1 — the one inside the formula is
    # dropped), 一把手 in 2 (b, c), both in 1
    c = cell(table, "sentence", "团结", "一把手")
    assert (c["count"], c["n_a"], c["n_b"], c["n_units"]) == (1, 3, 2, 6)
    assert c["expected"] == pytest.approx(1.0) and c["jaccard"] == pytest.approx(0.25)
    # the formula's own 团结 does not co-occur with it; a's other 团结 is in paragraph 2
    assert cell(table, "sentence", "团结", FORMULA, "a")["count"] == 0
    assert cell(table, "paragraph", "团结", FORMULA, "a")["count"] == 0
    assert cell(table, "document", "团结", FORMULA, "a")["count"] == 1
    # paragraphs: 5 units; 团结 in b.p1 and a.p2, 一把手 in b.p1 and c.p1
    p = cell(table, "paragraph", "一把手", "团结")
    assert (p["count"], p["n_a"], p["n_b"], p["n_units"]) == (1, 2, 2, 5)
    assert p["expected"] == pytest.approx(0.8)
    d = cell(table, "document", "团结", "一把手")
    assert (d["count"], d["n_units"], d["expected"]) == (1, 3, pytest.approx(4 / 3))
    # the diagonal counts units holding the slogan; a slogan never seen has NaN Jaccard
    diag = cell(table, "sentence", "团结", "团结")
    assert (diag["count"], diag["jaccard"]) == (3, 1.0)
    assert np.isnan(cell(table, "sentence", "民主集中制", FORMULA, "c")["jaccard"])


def test_window_unit_and_nested_mentions():
    table = textstat_slogan_cooccurrence(
        DOCUMENTS, SENTENCES, MENTIONS, LEX, units=(), window_chars=3
    )
    assert table["unit"].unique().tolist() == ["window"]
    assert table["window_chars"].unique().tolist() == [3]
    # b: gaps 团结[3,5)–一把手[6,9) = 1, 一把手–团结[12,14) = 3 (≤ 3), 团结–团结 = 7,
    # 团结[12,14)–民主集中制[20,25) = 6. Windows: {团结, 一把手} three times, {民主集中制}.
    b = cell(table, "window", "团结", "一把手", "b")
    assert (b["count"], b["n_a"], b["n_b"], b["n_units"]) == (3, 3, 3, 4)
    assert b["expected"] == pytest.approx(9 / 4) and b["jaccard"] == 1.0
    assert cell(table, "window", "团结", "民主集中制", "b")["count"] == 0
    # a: formula [0,11) and 团结 [13,15), gap 2: each window holds both.
    assert cell(table, "window", "团结", FORMULA, "a")["count"] == 2
    # corpus: 7 windows; 团结 in 5, 一把手 in 4 (b: 3, c: 1)
    c = cell(table, "window", "团结", "一把手")
    assert (c["count"], c["n_a"], c["n_b"], c["n_units"]) == (3, 5, 4, 7)
    assert c["expected"] == pytest.approx(20 / 7)

    kept = textstat_slogan_cooccurrence(
        DOCUMENTS, SENTENCES, MENTIONS, LEX, units=("sentence",), window_chars=3, nested="keep"
    )
    # with nested="keep" the 团结 inside the formula anchors a third window and shares its sentence
    assert cell(kept, "window", "团结", FORMULA, "a")["count"] == 3
    assert cell(kept, "sentence", "团结", FORMULA, "a")["count"] == 1


def test_nested_mentions_rule():
    doc = np.array([0, 0, 0, 0, 1, 0])
    start = np.array([0, 4, 20, 20, 4, 30])
    end = np.array([11, 7, 25, 22, 7, 32])
    # [4,7) inside [0,11); [20,22) inside [20,25) (same start, longer); doc 1's [4,7) is alone;
    # [30,32) overlaps nothing
    assert nested_mentions(doc, start, end).tolist() == [False, True, False, True, False, False]
    # equal spans do not contain each other
    assert nested_mentions(np.array([0, 0]), np.array([2, 2]), np.array([5, 5])).tolist() == [
        False, False,
    ]


def test_defaults_match_the_settings_file():
    section = load_settings()["cooccurrence"]
    defaults = inspect.signature(textstat_slogan_cooccurrence).parameters
    assert list(defaults["units"].default) == section["units"]
    assert defaults["window_chars"].default == section["window_chars"]


def test_groups_selection_and_errors():
    copies = DOCUMENTS.copy(), SENTENCES.copy(), MENTIONS.copy()
    reordered = textstat_slogan_cooccurrence(
        DOCUMENTS, SENTENCES, MENTIONS, LEX, units=("document", "sentence"), window_chars=None
    )
    assert reordered["unit"].unique().tolist() == ["sentence", "document"]
    for before, after in zip(copies, (DOCUMENTS, SENTENCES, MENTIONS), strict=True):
        pd.testing.assert_frame_equal(before, after)  # inputs are not modified
    table = textstat_slogan_cooccurrence(
        DOCUMENTS, SENTENCES, MENTIONS, LEX, slogans=["一把手", "团结"], group_by=["genre"],
        per_document=False,
    )
    assert table["scope"].unique().tolist() == ["group", "corpus"]
    assert table["slogan_a"].unique().tolist() == ["一把手", "团结"]
    # genre speech = b + c: sentences 4; 一把手 in 2, 团结 in 2, both in 1
    s = cell(table, "sentence", "一把手", "团结", scope="group", group="speech")
    assert (s["count"], s["n_a"], s["n_b"], s["n_units"]) == (1, 2, 2, 4)
    with pytest.raises(InputError, match="unknown slogan"):
        textstat_slogan_cooccurrence(DOCUMENTS, SENTENCES, MENTIONS, LEX, slogans=["团结", "和谐"])
    with pytest.raises(ValueError, match="units must be"):
        textstat_slogan_cooccurrence(DOCUMENTS, SENTENCES, MENTIONS, LEX, units=["clause"])
    with pytest.raises(ValueError, match="window_chars"):
        textstat_slogan_cooccurrence(DOCUMENTS, SENTENCES, MENTIONS, LEX, window_chars=-1)
    with pytest.raises(ValueError, match="nested"):
        textstat_slogan_cooccurrence(DOCUMENTS, SENTENCES, MENTIONS, LEX, nested="yes")
    with pytest.raises(ValueError, match="sentences table lacks"):
        textstat_slogan_cooccurrence(
            DOCUMENTS, SENTENCES[SENTENCES["sent"] != 2], MENTIONS, LEX
        )


# --- a brute-force oracle on random tables -----------------------------------------------------


def brute_force(documents, sentences, mentions, names, window, nested):
    """Co-occurrence counts by plain loops: {(doc or None, unit, a, b): (count, n_units)}."""
    rows = list(mentions.itertuples(index=False))
    if nested == "drop":
        rows = [
            m for m in rows
            if not any(
                o.doc_id == m.doc_id and o.start <= m.start and m.end <= o.end
                and (o.end - o.start) > (m.end - m.start)
                for o in mentions.itertuples(index=False)
            )
        ]
    rows = [m for m in rows if m.slogan in names]
    out = {}
    for doc in documents["doc_id"]:
        mine = [m for m in rows if m.doc_id == doc]
        sents = sentences[sentences["doc_id"] == doc]
        units = {
            "sentence": [{m.slogan for m in mine if m.sent == s} for s in sents["sent"]],
            "paragraph": [{m.slogan for m in mine if m.para == p} for p in sents["para"].unique()],
            "document": [{m.slogan for m in mine}],
            "window": [
                {j.slogan for j in mine if max(j.start - m.end, m.start - j.end, 0) <= window}
                for m in mine
            ],
        }
        for unit, sets in units.items():
            for a, b in itertools.product(names, names):
                out[doc, unit, a, b] = (sum(a in u and b in u for u in sets), len(sets))
    return out


def corpora():
    """Up to three documents of up to five sentences, a new paragraph one time in three, with up
    to three mentions a sentence that overlap, nest and run into the next sentence."""
    return laid_out_corpora(
        LEX.names, docs=(1, 3), sentences=(1, 5), sentence_chars=(2, 12), gap_chars=(0, 2),
        mentions=(0, 3), mention_chars=(1, 6), group_column="genre", groups="xy",
    ).map(lambda corpus: (corpus.documents, corpus.sentences, corpus.mentions))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    corpora(),
    st.integers(0, 8),
    st.sampled_from(["drop", "keep"]),
    st.randoms(use_true_random=False),
)
def test_against_brute_force_and_invariants(corpus, window, nested, random):
    documents, sentences, mentions = corpus
    options = {"units": ("sentence", "paragraph", "document"), "window_chars": window,
               "nested": nested, "group_by": ["genre"]}
    table = textstat_slogan_cooccurrence(documents, sentences, mentions, LEX, **options)
    expected = brute_force(documents, sentences, mentions, LEX.names, window, nested)
    docs = table[table["scope"] == "document"]
    got = {
        (r.doc_id, r.unit, r.slogan_a, r.slogan_b): (r.count, r.n_units)
        for r in docs.itertuples()
    }
    assert got == expected
    # symmetric: (a, b) and (b, a) agree, with n_a and n_b swapped
    swapped = table.rename(columns={"slogan_a": "slogan_b", "slogan_b": "slogan_a",
                                    "n_a": "n_b", "n_b": "n_a"})
    merged = table.merge(swapped, on=["scope", "grouping", "group", "doc_id", "unit",
                                      "slogan_a", "slogan_b"])
    assert len(merged) == len(table)
    for column in ("count", "n_a", "n_b", "n_units"):
        assert (merged[f"{column}_x"] == merged[f"{column}_y"]).all()
    # the diagonal is n_a; counts never exceed either margin
    diag = table[table["slogan_a"] == table["slogan_b"]]
    assert (diag["count"] == diag["n_a"]).all()
    assert (table["count"] <= table[["n_a", "n_b"]].min(axis=1)).all()
    # pooled rows add up their documents
    keys = ["unit", "slogan_a", "slogan_b"]
    corpus_rows = table[table["scope"] == "corpus"].set_index(keys)
    summed = docs.groupby(keys)[["count", "n_units"]].sum()
    assert (corpus_rows[["count", "n_units"]] == summed.loc[corpus_rows.index]).all().all()
    # a selection gives the same rows as the full table (nesting is judged on all mentions)
    pick = ["团结", FORMULA]
    sub = textstat_slogan_cooccurrence(documents, sentences, mentions, LEX, slogans=pick,
                                       **options)
    full = table[table["slogan_a"].isin(pick) & table["slogan_b"].isin(pick)]
    pd.testing.assert_frame_equal(sub, full.reset_index(drop=True))
    # the order of the input rows plays no part
    again = textstat_slogan_cooccurrence(
        documents.sample(frac=1, random_state=random.randint(0, 999)),
        sentences.sample(frac=1, random_state=random.randint(0, 999)),
        mentions.sample(frac=1, random_state=random.randint(0, 999)),
        LEX, **options,
    )
    pd.testing.assert_frame_equal(table, again)


# --- the five study documents ------------------------------------------------------------------


def test_study_corpus_values(study_corpus):
    c = study_corpus
    table = textstat_slogan_cooccurrence(c.documents, c.sentences, c.mentions, c.slogans)
    assert len(table) == 4 * (5 + 1) * 15 * 15
    pair = cell(table, "sentence", "团结", "民主集中制")
    assert (pair["count"], pair["n_a"], pair["n_b"], pair["n_units"]) == (3, 42, 9, 552)
    assert cell(table, "paragraph", "团结", "民主集中制")["count"] == 5
    assert cell(table, "document", "团结", "民主集中制")["count"] == 5
    assert cell(table, "window", "团结", "民主集中制")["count"] == 14
    # 立党为公 and 执政为民 always travel together
    twins = cell(table, "sentence", "立党为公", "执政为民")
    assert (twins["count"], twins["jaccard"]) == (9, 1.0)
    # the formula 集体领导、民主集中、个别酝酿、会议决定 contains 集体领导: with nested mentions
    # dropped they never share a sentence, with them kept they share all 3 of the formula's
    formula = "集体领导、民主集中、个别酝酿、会议决定"
    assert cell(table, "sentence", "集体领导", formula)["count"] == 0
    kept = textstat_slogan_cooccurrence(
        c.documents, c.sentences, c.mentions, c.slogans, units=("sentence",), window_chars=None,
        nested="keep",
    )
    assert cell(kept, "sentence", "集体领导", formula)["count"] == 3


# --- every bad argument is an InputError naming the measure ------------------------------------


@pytest.mark.parametrize(
    ("arguments", "options", "message"),
    [
        ({"documents": "a.csv"}, {}, "expected the documents table as a pandas DataFrame"),
        ({"sentences": SENTENCES.drop(columns="para")}, {},
         r"the sentences table lacks column\(s\) para; pass corpus.sentences"),
        ({"mentions": MENTIONS.drop(columns="sent")}, {},
         r"the mentions table lacks column\(s\) sent; pass corpus.mentions"),
        ({"lexicon": None}, {}, "lexicon must be a SloganLexicon"),
        ({}, {"slogans": "和谐"}, "unknown slogan"),
        ({}, {"group_by": ["region"]}, "group_by names 'region'"),
        ({}, {"units": ["clause"]}, "units must be distinct names"),
        ({}, {"units": ["sentence", "sentence"]}, "units must be distinct names"),
        ({}, {"units": ["window"]}, "units must be distinct names"),
        ({}, {"window_chars": -1}, "window_chars must be a whole number ≥ 0, got -1"),
        ({}, {"window_chars": 2.5}, "window_chars must be a whole number ≥ 0, got 2.5"),
        ({}, {"window_chars": True}, "window_chars must be a whole number"),
        ({}, {"units": (), "window_chars": None}, "no units asked for"),
        ({}, {"nested": "yes"}, "nested must be one of 'drop', 'keep', got 'yes'"),
        ({}, {"per_document": 1}, "per_document must be true or false, got 1"),
        ({"documents": pd.concat([DOCUMENTS, DOCUMENTS])}, {}, "appears twice"),
        ({"mentions": MENTIONS.assign(doc_id="zz")}, {}, "doc_id 'zz'.*not in the documents"),
        ({"mentions": MENTIONS.assign(end=MENTIONS["start"])}, {}, "end ≤ start"),
        ({"sentences": SENTENCES[SENTENCES["sent"] != 2]}, {}, "sentences table lacks"),
    ],
)
def test_each_bad_argument_is_an_input_error_naming_the_measure(arguments, options, message):
    given = {"documents": DOCUMENTS, "sentences": SENTENCES, "mentions": MENTIONS, "lexicon": LEX,
             **arguments}
    with pytest.raises(InputError, match=f"^textstat_slogan_cooccurrence: .*{message}"):
        textstat_slogan_cooccurrence(
            given["documents"], given["sentences"], given["mentions"], given["lexicon"], **options
        )
