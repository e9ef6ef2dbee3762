"""Slogan counts: exact values on a tiny corpus built by the real pipeline, the bootstrap against
hand-enumerated resampling distributions and scipy.stats.bootstrap, hypothesis invariants, and
real values on the five study documents."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from strategies import laid_out_corpora
from tiny_slogan_corpus import FORMULA, LEX, tiny_corpus

from analysis.config.lexicon import parse_slogans
from analysis.config.settings import load_settings
from analysis.errors import InputError
from analysis.measures.slogan_counts import SLOGAN_COUNT_COLUMNS, textstat_slogans

DOCUMENTS, _, MENTIONS = tiny_corpus()


def row(table, doc_id="", slogan="团结", scope=None, grouping="", group=""):
    scope = scope or ("document" if doc_id else "corpus")
    hit = table[
        (table["scope"] == scope) & (table["doc_id"] == doc_id) & (table["slogan"] == slogan)
        & (table["grouping"] == grouping) & (table["group"] == group)
    ]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_counts_rates_and_layout_on_the_tiny_corpus():
    table = textstat_slogans(DOCUMENTS, MENTIONS, LEX, bootstrap_resamples=2000)
    assert list(table.columns) == SLOGAN_COUNT_COLUMNS
    # 4 slogans × (3 documents + level city/province + genre opinion/speech + corpus)
    assert len(table) == 4 * 8
    assert table["scope"].tolist()[:12] == ["document"] * 12
    assert table["doc_id"].tolist()[:12:4] == ["a", "b", "c"]
    assert table["slogan"].tolist()[:4] == list(LEX.names)
    assert table.loc[12:, "doc_id"].eq("").all()
    assert table.loc[12:, ["grouping", "group"]].drop_duplicates().values.tolist() == [
        ["level", "city"], ["level", "province"], ["genre", "opinion"], ["genre", "speech"],
        ["", ""],
    ]

    a = row(table, "a")
    # 2 mentions, neither a whole token, in 20 characters: 2 / 20 × 10,000 = 1000
    assert (a["count"], a["token_count"], a["n_chars"], a["n_paragraphs"]) == (2, 0, 20, 2)
    assert a["per_10k_chars"] == pytest.approx(1000.0)
    b = row(table, "b")
    assert (b["count"], b["token_count"], b["n_chars"]) == (2, 2, 25)
    assert b["per_10k_chars"] == pytest.approx(800.0)  # 2 / 25 × 10,000
    zero = row(table, "c")  # zero counts are rows too
    assert (zero["count"], zero["token_count"], zero["per_10k_chars"]) == (0, 0, 0.0)
    assert row(table, "c", "一把手")["per_10k_chars"] == pytest.approx(1e4 / 7)
    assert row(table, "a", FORMULA)["token_count"] == 1

    city = row(table, scope="group", grouping="level", group="city")
    # a + b: 4 mentions in 45 characters
    assert (city["n_docs"], city["count"], city["token_count"], city["n_chars"]) == (2, 4, 2, 45)
    assert city["per_10k_chars"] == pytest.approx(4 / 45 * 1e4)
    speech = row(table, slogan="一把手", scope="group", grouping="genre", group="speech")
    assert (speech["count"], speech["n_chars"]) == (2, 32)  # b + c
    corpus = row(table)
    assert (corpus["n_docs"], corpus["count"], corpus["n_chars"]) == (3, 4, 52)
    assert (table[["confidence", "n_resamples", "seed"]].drop_duplicates().values.tolist()
            == [[0.95, 2000, 20071020]])


def test_bootstrap_matches_the_enumerated_resampling_distributions():
    table = textstat_slogans(DOCUMENTS, MENTIONS, LEX)
    # a, 团结: paragraphs (1 mention, 12 chars) and (1, 8). Resamples of 2 paragraphs:
    #   both first 2/24 (p = 1/4), both second 2/16 (1/4), one each 2/20 (1/2);
    #   the 2.5% and 97.5% quantiles are the extremes: 833.3 and 1250.
    a = row(table, "a")
    assert (a["ci_low"], a["ci_high"]) == pytest.approx((2 / 24 * 1e4, 2 / 16 * 1e4))
    # b, 团结: paragraphs (2, 17) and (0, 8): 4/34 (1/4), 0/16 (1/4), 2/25 (1/2).
    b = row(table, "b")
    assert (b["ci_low"], b["ci_high"]) == pytest.approx((0.0, 4 / 34 * 1e4))
    # c has one paragraph: every resample is the document itself.
    c = row(table, "c", "一把手")
    assert c["ci_low"] == c["ci_high"] == c["per_10k_chars"]
    # level = city pools a and b, resampled within each (stratified): 9 combinations; the
    # smallest, a's (2, 24) with b's (0, 16), is 2/40 (p = 1/16 > 2.5%); the largest, a's
    # (2, 16) with b's (4, 34), is 6/50 (p = 1/16).
    city = row(table, scope="group", grouping="level", group="city")
    assert (city["ci_low"], city["ci_high"]) == pytest.approx((2 / 40 * 1e4, 6 / 50 * 1e4))


def _document(paragraphs: list[tuple[int, int]], doc_id: str = "d"):
    """A documents and mentions table from (characters, mentions of 团结) per paragraph."""
    lines, rows, offset = [], [], 0
    for chars, count in paragraphs:
        lines.append("字" * chars)
        rows += [(doc_id, "团结", offset + i, offset + i + 1, True) for i in range(count)]
        offset += chars + 1
    documents = pd.DataFrame({"doc_id": [doc_id], "text": ["\n".join(lines)]})
    mentions = pd.DataFrame(rows, columns=["doc_id", "slogan", "start", "end", "is_token"])
    return documents, mentions


def test_bootstrap_agrees_with_scipy_stats_bootstrap():
    paragraphs = [(40, 3), (25, 0), (60, 5), (10, 1), (35, 0), (80, 2), (15, 4), (50, 1),
                  (20, 0), (45, 2), (30, 1), (70, 0)]
    documents, mentions = _document(paragraphs)
    ours = row(
        textstat_slogans(documents, mentions, LEX, group_by=(), bootstrap_resamples=20000,
                         slogans=["团结"]),
        "d",
    )
    chars = np.array([p[0] for p in paragraphs], dtype=float)
    counts = np.array([p[1] for p in paragraphs], dtype=float)
    theirs = stats.bootstrap(
        (counts, chars),
        lambda m, c, axis: m.sum(axis=axis) / c.sum(axis=axis) * 1e4,
        paired=True, vectorized=True, n_resamples=20000, method="percentile",
        confidence_level=0.95, rng=np.random.default_rng(1),
    ).confidence_interval
    assert ours["per_10k_chars"] == pytest.approx(counts.sum() / chars.sum() * 1e4)
    # Two independent Monte Carlo runs of the same percentile interval.
    assert ours["ci_low"] == pytest.approx(theirs.low, rel=0.05)
    assert ours["ci_high"] == pytest.approx(theirs.high, rel=0.05)


def test_defaults_match_the_settings_file():
    section = load_settings()["slogan_counts"]
    defaults = inspect.signature(textstat_slogans).parameters
    assert list(defaults["group_by"].default) == section["group_by"]
    assert defaults["bootstrap_resamples"].default == section["bootstrap_resamples"]
    assert defaults["confidence"].default == section["confidence"]
    assert defaults["seed"].default == section["seed"]


def test_selection_and_bad_arguments():
    table = textstat_slogans(DOCUMENTS, MENTIONS, LEX, slogans=["一把手", "团结"],
                             bootstrap_resamples=0)
    assert table["slogan"].unique().tolist() == ["一把手", "团结"]
    assert table["ci_low"].isna().all() and table["n_resamples"].eq(0).all()
    with pytest.raises(InputError, match="unknown slogan"):
        textstat_slogans(DOCUMENTS, MENTIONS, LEX, slogans=["团结", "和谐社会"])
    with pytest.raises(ValueError, match="confidence"):
        textstat_slogans(DOCUMENTS, MENTIONS, LEX, confidence=95)
    with pytest.raises(ValueError, match="bootstrap_resamples"):
        textstat_slogans(DOCUMENTS, MENTIONS, LEX, bootstrap_resamples=-1)
    with pytest.raises(ValueError, match="group_by names 'region'"):
        textstat_slogans(DOCUMENTS, MENTIONS, LEX, group_by=["region"])
    with pytest.raises(ValueError, match="lacks column"):
        textstat_slogans(DOCUMENTS.drop(columns="text"), MENTIONS, LEX)
    with pytest.raises(ValueError, match="doc_id 'zz'"):
        textstat_slogans(DOCUMENTS, MENTIONS.assign(doc_id="zz"), LEX)
    other = parse_slogans({"slogans": [{"name": "团结", "variants": ["团结"]}]})
    with pytest.raises(InputError, match="lexicon"):
        textstat_slogans(DOCUMENTS, MENTIONS, other)


def test_inputs_are_not_modified():
    documents, mentions = DOCUMENTS.copy(), MENTIONS.copy()
    textstat_slogans(DOCUMENTS, MENTIONS, LEX, bootstrap_resamples=50)
    pd.testing.assert_frame_equal(documents, DOCUMENTS)
    pd.testing.assert_frame_equal(mentions, MENTIONS)


# --- hypothesis: invariants on random hand-written corpora ---------------------------------------


def corpora():
    """Up to four documents of up to five one-sentence paragraphs of 1–30 characters, with up to
    three one-character mentions a paragraph, some whole tokens; a level that may be missing."""
    return laid_out_corpora(
        LEX.names, docs=(1, 4), sentences=(1, 5), sentence_chars=(1, 30), new_paragraph="always",
        mentions=(0, 3), mention_chars=(1, 1), group_column="level",
        groups=["city", "county", None],
    ).map(lambda corpus: (corpus.documents, corpus.mentions))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), st.randoms(use_true_random=False))
def test_invariants(corpus, random):
    documents, mentions = corpus
    options = {"group_by": ["level"], "bootstrap_resamples": 200, "seed": 7}
    table = textstat_slogans(documents, mentions, LEX, **options)
    docs = table[table["scope"] == "document"]
    corpus_rows = table[table["scope"] == "corpus"].set_index("slogan")
    # Every slogan for every document; counts add up to the mentions.
    assert len(docs) == len(documents) * len(LEX)
    expected = mentions["slogan"].value_counts().reindex(list(LEX.names), fill_value=0)
    assert corpus_rows["count"].tolist() == expected.tolist()
    per_doc = docs.groupby("slogan")["count"].sum().reindex(list(LEX.names))
    assert per_doc.tolist() == expected.tolist()
    assert (table["token_count"] <= table["count"]).all()
    assert corpus_rows["token_count"].sum() == mentions["is_token"].sum()
    # A group row is the sum of its documents.
    for _, g in table[table["scope"] == "group"].iterrows():
        members = documents.loc[documents["level"] == g["group"], "doc_id"]
        mine = docs[docs["doc_id"].isin(members) & (docs["slogan"] == g["slogan"])]
        assert g["count"] == mine["count"].sum() and g["n_chars"] == mine["n_chars"].sum()
    # The percentile interval brackets the point estimate.
    assert (table["ci_low"] <= table["per_10k_chars"] + 1e-9).all()
    assert (table["per_10k_chars"] <= table["ci_high"] + 1e-9).all()
    # Row order of the inputs plays no part; the same seed gives the same table, whatever the
    # chunking of the vectorised bootstrap.
    shuffled_docs = documents.sample(frac=1, random_state=random.randint(0, 10**6))
    shuffled_mentions = mentions.sample(frac=1, random_state=random.randint(0, 10**6))
    again = textstat_slogans(shuffled_docs, shuffled_mentions, LEX, **options, _max_cells=50)
    pd.testing.assert_frame_equal(table, again)


# --- the five study documents ------------------------------------------------------------------


def test_study_corpus_values(study_corpus):
    table = textstat_slogans(
        study_corpus.documents, study_corpus.mentions, study_corpus.slogans,
        bootstrap_resamples=500,
    )
    # 15 slogans × (5 documents + 3 levels + 3 genres + corpus)
    assert len(table) == 15 * 12
    counts = {
        (r.doc_id, r.slogan): (r.count, r.token_count)
        for r in table[table["scope"] == "document"].itertuples()
    }
    assert counts["nansha_speech_2007", "团结"] == (20, 18)
    assert counts["cityoffice_speech_2003", "团结"] == (29, 12)
    assert counts["yangzhou_opinion_2007", "团结"] == (1, 0)
    assert counts["nansha_speech_2007", "一把手"] == (13, 13)
    assert counts["cityoffice_speech_2003", "民主集中制"] == (6, 6)
    nansha = row(table, "nansha_speech_2007")
    assert nansha["n_chars"] == 10696
    assert nansha["per_10k_chars"] == pytest.approx(20 / 10696 * 1e4)
    corpus = row(table)
    assert (corpus["count"], corpus["token_count"], corpus["n_chars"]) == (59, 32, 24827)
    chars = study_corpus.documents.set_index("doc_id")["n_chars"]
    docs = table[table["scope"] == "document"]
    assert (docs["n_chars"].to_numpy() == chars.reindex(docs["doc_id"]).to_numpy()).all()
    assert (table["ci_low"] <= table["per_10k_chars"]).all()
    assert (table["per_10k_chars"] <= table["ci_high"]).all()


# --- the document (cluster) bootstrap of pooled rows ----------------------------------------------


def _documents(docs: list[tuple[int, int]]):
    """A documents and mentions table of one-paragraph documents from (characters, mentions of
    团结) per document, doc ids d00, d01, …"""
    ids, texts, rows = [], [], []
    for i, (chars, count) in enumerate(docs):
        doc_id = f"d{i:02d}"
        ids.append(doc_id)
        texts.append("字" * chars)
        rows += [(doc_id, "团结", k, k + 1, True) for k in range(count)]
    mentions = pd.DataFrame(rows, columns=["doc_id", "slogan", "start", "end", "is_token"])
    return pd.DataFrame({"doc_id": ids, "text": texts}), mentions


def test_ci_method_names_what_each_row_resampled():
    default = textstat_slogans(DOCUMENTS, MENTIONS, LEX, bootstrap_resamples=200)
    assert list(default.columns).index("ci_method") == list(default.columns).index("ci_high") + 1
    assert set(default["ci_method"]) == {"paragraphs"}
    skipped = textstat_slogans(DOCUMENTS, MENTIONS, LEX, bootstrap_resamples=0,
                               resample="documents")
    assert set(skipped["ci_method"]) == {"none"} and skipped["ci_low"].isna().all()
    clusters = textstat_slogans(DOCUMENTS, MENTIONS, LEX, bootstrap_resamples=200,
                                resample="documents")
    methods = clusters.drop_duplicates(["scope", "grouping", "group", "doc_id"])
    assert methods[["scope", "grouping", "group", "doc_id", "n_docs", "ci_method"]].values.tolist() == [
        ["document", "", "", "a", 1, "paragraphs"],
        ["document", "", "", "b", 1, "paragraphs"],
        ["document", "", "", "c", 1, "paragraphs"],
        ["group", "level", "city", "", 2, "documents"],
        ["group", "level", "province", "", 1, "none"],  # one document: no between-document CI
        ["group", "genre", "opinion", "", 1, "none"],
        ["group", "genre", "speech", "", 2, "documents"],
        ["corpus", "", "", "", 3, "documents"],
    ]
    single = clusters[clusters["ci_method"] == "none"]
    assert single["ci_low"].isna().all() and single["ci_high"].isna().all()
    # Document rows, counts and rates are those of the default, to the bit (the paragraph
    # draws come from their own generator, untouched by the document draws).
    same = [c for c in SLOGAN_COUNT_COLUMNS if c not in ("ci_low", "ci_high", "ci_method")]
    pd.testing.assert_frame_equal(clusters[same], default[same])
    documents_only = clusters["scope"] == "document"
    pd.testing.assert_frame_equal(clusters[documents_only], default[documents_only])


def test_document_bootstrap_of_two_documents_by_hand():
    # level = city pools a (2 mentions of 团结 in 20 characters: 1000 per 10k) and b (2 in 25:
    # 800). Drawing 2 of the 2 documents with replacement: a+a gives 1000 (p = 1/4), b+b 800
    # (1/4), a+b or b+a the pooled 4/45 (1/2). Quantiles 2.5/97.5% (and 20/80%) fall on the
    # extremes, 30/70% on the pooled rate.
    def city(confidence):
        table = textstat_slogans(DOCUMENTS, MENTIONS, LEX, group_by=["level"],
                                 resample="documents", confidence=confidence,
                                 bootstrap_resamples=4000)
        return row(table, scope="group", grouping="level", group="city")

    wide = city(0.95)
    assert wide["per_10k_chars"] == pytest.approx(4 / 45 * 1e4)
    assert (wide["ci_low"], wide["ci_high"]) == pytest.approx((800.0, 1000.0), abs=1e-9)
    assert (city(0.6)["ci_low"], city(0.6)["ci_high"]) == pytest.approx((800.0, 1000.0))
    narrow = city(0.4)
    assert narrow["ci_low"] == narrow["ci_high"] == pytest.approx(4 / 45 * 1e4)
    # 一把手 in the city documents: only b (1 in 25: 400); a+a gives 0, b+b 400.
    table = textstat_slogans(DOCUMENTS, MENTIONS, LEX, group_by=["level"], resample="documents")
    leader = row(table, slogan="一把手", scope="group", grouping="level", group="city")
    assert (leader["ci_low"], leader["ci_high"]) == pytest.approx((0.0, 400.0), abs=1e-9)


def test_document_bootstrap_agrees_with_scipy_stats_bootstrap():
    docs = [(40, 3), (25, 0), (60, 5), (10, 1), (35, 0), (80, 2), (15, 4), (50, 1), (20, 0),
            (45, 2), (30, 1), (70, 0), (55, 6), (12, 2)]
    documents, mentions = _documents(docs)
    ours = row(
        textstat_slogans(documents, mentions, LEX, group_by=(), slogans=["团结"],
                         resample="documents", bootstrap_resamples=200_000),
    )
    chars = np.array([d[0] for d in docs], dtype=float)
    counts = np.array([d[1] for d in docs], dtype=float)
    # The same ratio statistic on documents resampled as (count, characters) pairs.
    theirs = stats.bootstrap(
        (counts, chars),
        lambda m, c, axis: m.sum(axis=axis) / c.sum(axis=axis) * 1e4,
        paired=True, vectorized=True, n_resamples=200_000, method="percentile",
        confidence_level=0.95, rng=np.random.default_rng(2),
    ).confidence_interval
    assert ours["ci_method"] == "documents" and ours["n_docs"] == 14
    assert ours["per_10k_chars"] == pytest.approx(counts.sum() / chars.sum() * 1e4)
    # Two independent Monte Carlo runs of one percentile interval (spread measured ≤ 0.5%).
    assert ours["ci_low"] == pytest.approx(theirs.low, rel=0.015)
    assert ours["ci_high"] == pytest.approx(theirs.high, rel=0.015)
    # The paragraph bootstrap of one-paragraph documents cannot vary: it is a different model.
    paragraphs = row(textstat_slogans(documents, mentions, LEX, group_by=(), slogans=["团结"]))
    assert paragraphs["ci_low"] == paragraphs["ci_high"] == paragraphs["per_10k_chars"]


def test_document_draws_follow_the_documented_stream():
    docs = [(40, 3), (25, 0), (60, 5), (10, 1), (35, 0)]
    documents, mentions = _documents(docs)
    table = textstat_slogans(documents, mentions, LEX, group_by=(), slogans=["团结"],
                             resample="documents", bootstrap_resamples=999, seed=11)
    # numpy.random.default_rng((seed, 1)); each resample floor(u · D) of D uniforms.
    u = np.random.default_rng((11, 1)).random((999, 5))
    drawn = np.floor(u * 5).astype(int)
    chars = np.array([d[0] for d in docs], dtype=float)
    counts = np.array([d[1] for d in docs], dtype=float)
    rates = counts[drawn].sum(axis=1) / chars[drawn].sum(axis=1) * 1e4
    low, high = np.quantile(rates, [0.025, 0.975])
    corpus = row(table)
    assert (corpus["ci_low"], corpus["ci_high"]) == pytest.approx((low, high), rel=1e-12)
    # Whatever the chunking of the resamples, the same numbers.
    chunked = textstat_slogans(documents, mentions, LEX, group_by=(), slogans=["团结"],
                               resample="documents", bootstrap_resamples=999, seed=11,
                               _max_cells=13)
    pd.testing.assert_frame_equal(table, chunked)


def test_bad_options_are_input_errors():
    for options, message in [
        ({"resample": "sentences"}, "resample must be one of 'paragraphs', 'documents'"),
        ({"bootstrap_resamples": 1.5}, "bootstrap_resamples"),
        ({"confidence": 1}, "confidence"),
        ({"seed": -3}, "seed"),
    ]:
        with pytest.raises(InputError, match=message):
            textstat_slogans(DOCUMENTS, MENTIONS, LEX, **options)


@pytest.mark.parametrize(
    ("arguments", "options", "message"),
    [
        ({"documents": [1]}, {}, "expected the documents table as a pandas DataFrame"),
        ({"documents": DOCUMENTS.drop(columns="text")}, {},
         r"the documents table lacks column\(s\) text; pass corpus.documents"),
        ({"mentions": MENTIONS.drop(columns="is_token")}, {},
         r"the mentions table lacks column\(s\) is_token; pass corpus.mentions"),
        ({"lexicon": {"团结": "团结"}}, {}, "lexicon must be a SloganLexicon"),
        ({}, {"slogans": ["和谐社会"]}, "unknown slogan"),
        ({}, {"group_by": ["region"]}, "group_by names 'region'"),
        ({}, {"group_by": ["doc_id"]}, "group_by may not be doc_id"),
        ({}, {"group_by": ["level", "level"]}, "group_by lists a column twice"),
        ({}, {"bootstrap_resamples": -1}, "bootstrap_resamples must be a whole number from 0"),
        ({}, {"bootstrap_resamples": 1.5}, "bootstrap_resamples must be a whole number"),
        ({}, {"bootstrap_resamples": True}, "bootstrap_resamples must be a whole number"),
        ({}, {"bootstrap_resamples": 10**7}, "to 1,000,000"),
        ({}, {"confidence": 0}, "confidence must be a number between 0 and 1"),
        ({}, {"confidence": 95}, "confidence must be a number between 0 and 1"),
        ({}, {"confidence": "0.9"}, "confidence must be a number between 0 and 1"),
        ({}, {"confidence": float("nan")}, "confidence must be a number between 0 and 1"),
        ({}, {"seed": -1}, "seed must be a whole number ≥ 0, got -1"),
        ({}, {"seed": 1.5}, "seed must be a whole number ≥ 0, got 1.5"),
        ({}, {"resample": "sentences"}, "resample must be one of 'paragraphs', 'documents'"),
        ({"documents": DOCUMENTS.assign(text=None)}, {}, "a document has no text"),
        ({"documents": pd.concat([DOCUMENTS, DOCUMENTS.iloc[:1]])}, {}, "appears twice"),
        ({"documents": DOCUMENTS.assign(doc_id=None)}, {}, "a document has no doc_id"),
        ({"mentions": MENTIONS.assign(doc_id="zz")}, {}, "doc_id 'zz'.*not in the documents"),
        ({"mentions": MENTIONS.assign(end=MENTIONS["end"] + 100)}, {},
         "mention offsets do not fit"),
    ],
)
def test_each_bad_argument_is_an_input_error_naming_textstat_slogans(arguments, options, message):
    given = {"documents": DOCUMENTS, "mentions": MENTIONS, "lexicon": LEX, **arguments}
    with pytest.raises(InputError, match=f"^textstat_slogans: .*{message}"):
        textstat_slogans(
            given["documents"], given["mentions"], given["lexicon"],
            **{"bootstrap_resamples": 9, **options},
        )
