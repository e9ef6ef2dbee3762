"""Collocates: exact windows and measures on a hand-made corpus, MI / t-score / G² against NLTK,
windows against a brute-force oracle under hypothesis, the network and its GraphML file, and the
study corpus."""

from __future__ import annotations

import inspect
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nltk.metrics.association import BigramAssocMeasures
from strategies import word_documents

from analysis.config.lexicon import parse_slogans
from analysis.config.settings import load_settings
from analysis.corpus.mentions import find_slogan_mentions
from analysis.errors import InputError
from analysis.measures import collocates
from analysis.measures.collocates import (
    COLLOCATE_COLUMNS,
    collocation_network,
    textstat_collocates,
)
from analysis.run.export import write_graphml

LEX = parse_slogans(
    {
        "slogans": [
            {"name": "团结", "variants": ["团结"]},
            {"name": "一把手", "variants": ["一把手"]},
            {"name": "树正气、讲团结、求发展", "parts": ["树正气", "讲团结", "求发展"]},
        ]
    },
    source="test lexicon",
)
PUNCT, STOP = set("，。、"), {"要", "的"}


def corpus_from_words(docs: dict[str, list[list[str]]]):
    """documents, sentences, tokens and mentions (by the real find_slogan_mentions) of documents
    given as sentences of tokens; the text is the tokens written one after another."""
    doc_rows, sent_rows, tok_rows = [], [], []
    for doc_id, sentences in docs.items():
        offset = 0
        for sent, words in enumerate(sentences, start=1):
            start = offset
            for word in words:
                tok_rows.append((doc_id, 1, sent, word, offset, offset + len(word),
                                 word in PUNCT, word in STOP))
                offset += len(word)
            sent_rows.append((doc_id, 1, sent, start, offset))
        doc_rows.append((doc_id, "".join("".join(w) for w in sentences)))
    documents = pd.DataFrame(doc_rows, columns=["doc_id", "text"])
    sentences = pd.DataFrame(sent_rows, columns=["doc_id", "para", "sent", "start", "end"])
    tokens = pd.DataFrame(
        tok_rows,
        columns=["doc_id", "para", "sent", "token", "start", "end", "is_punct", "is_stop"],
    )
    return documents, sentences, tokens, find_slogan_mentions(documents, sentences, tokens, LEX)


# Counted tokens (punctuation and 要 dropped), numbered across the corpus:
#   x, sentence 1: 班子0 团结1 干部2 团结协调3 好4    x, sentence 2: 干部5 一把手6 带头7
#   y, sentence 1: 干部8 团结9 班子10 班子11                                    N = 12
# 团结 has 3 mentions (nodes 1, 3 — inside 团结协调 —, 9). With span 2, within sentences:
#   node 1: {0} and {2, 3};  node 3: {1, 2} and {4};  node 9: {8} and {10, 11}
#   merged, minus the nodes {1, 3, 9}: {0, 2, 4, 8, 10, 11}, R1 = 6:
#   班子 ×3, 干部 ×2 (干部2 sits in two windows, counted once), 好 ×1.
# 一把手 (node 6): {5} and {7}: 干部, 带头; R1 = 2.
DOCUMENTS, SENTENCES, TOKENS, MENTIONS = corpus_from_words(
    {
        "x": [["班子", "要", "团结", "，", "干部", "团结协调", "好", "。"],
              ["干部", "一把手", "带头", "。"]],
        "y": [["干部", "团结", "班子", "班子", "。"]],
    }
)


def rows(table, slogan):
    return table[table["slogan"] == slogan].set_index("term")


def test_windows_and_counts_by_hand():
    table = textstat_collocates(TOKENS, MENTIONS, LEX, span=2, min_count=1)
    assert list(table.columns) == COLLOCATE_COLUMNS
    unity = rows(table, "团结")
    assert unity["count"].to_dict() == {"班子": 3, "干部": 2, "好": 1}
    assert unity.index.tolist() == ["班子", "干部", "好"]  # by logDice, highest first
    assert set(unity["window_tokens"]) == {6} and set(unity["n_tokens"]) == {12}
    assert set(unity["freq_slogan"]) == {3}
    assert unity["freq_term"].to_dict() == {"班子": 3, "干部": 3, "好": 1}
    leader = rows(table, "一把手")
    assert leader["count"].to_dict() == {"带头": 1, "干部": 1}
    assert set(leader["window_tokens"]) == {2}
    # the formula has no mention here, so no rows
    assert set(table["slogan"]) == {"团结", "一把手"}
    # across sentences, node 3's right window reaches 干部5 (x, sentence 2); node 9's left
    # window stops at the document's start
    loose = rows(textstat_collocates(TOKENS, MENTIONS, LEX, span=2, min_count=1,
                                     same_sentence=False), "团结")
    assert loose["count"].to_dict() == {"班子": 3, "干部": 3, "好": 1}
    assert set(loose["window_tokens"]) == {7}
    # min_count filters on cooc; keeping stopwords adds 要 (x, between 班子0 and 团结1)
    assert rows(textstat_collocates(TOKENS, MENTIONS, LEX, span=2), "团结").index.tolist() == [
        "班子", "干部",
    ]
    with_stop = rows(textstat_collocates(TOKENS, MENTIONS, LEX, span=2, min_count=1,
                                         remove_stop=False), "团结")
    assert with_stop.loc["要", "count"] == 1 and set(with_stop["n_tokens"]) == {13}


def test_measures_by_hand():
    unity = rows(textstat_collocates(TOKENS, MENTIONS, LEX, span=2, min_count=1), "团结")
    team = unity.loc["班子"]
    # O11 = 3, R1 = 6, C1 = 3, N = 12, f_x = 3: E11 = 6·3/12 = 1.5
    assert team["expected"] == pytest.approx(1.5)
    assert team["logdice"] == pytest.approx(14.0)  # 14 + log2(2·3 / (3 + 3))
    assert team["pmi"] == pytest.approx(1.0)  # log2(3 / 1.5), in bits
    assert team["t_score"] == pytest.approx(1.5 / math.sqrt(3))
    # cells O = (3, 3, 0, 6), E = (1.5, 4.5, 1.5, 4.5)
    g2 = 2 * (3 * math.log(3 / 1.5) + 3 * math.log(3 / 4.5) + 6 * math.log(6 / 4.5))
    assert team["g2"] == pytest.approx(g2)  # attracted (O11 > E11): positive
    assert team["delta_p"] == pytest.approx(3 / 6 - 0 / 6)
    assert team["delta_p_reverse"] == pytest.approx(3 / 3 - 3 / 9)
    cadre = unity.loc["干部"]
    assert cadre["logdice"] == pytest.approx(14 + math.log2(4 / 6))
    assert cadre["pmi"] == pytest.approx(math.log2(2 / 1.5))


def nltk_scores(row):
    marginals = (int(row.count), (int(row.window_tokens), int(row.freq_term)), int(row.n_tokens))
    m = BigramAssocMeasures
    return m.pmi(*marginals), m.student_t(*marginals), m.likelihood_ratio(*marginals)


def test_mi_t_and_g2_agree_with_nltk(study_corpus):
    c = study_corpus
    for table in (
        textstat_collocates(TOKENS, MENTIONS, LEX, span=2, min_count=1),
        textstat_collocates(c.tokens, c.mentions, c.slogans),
    ):
        assert len(table) > 0
        for row in table.itertuples():
            pmi, t, g2 = nltk_scores(row)
            assert row.pmi == pytest.approx(pmi, rel=1e-9, abs=1e-9)
            assert row.t_score == pytest.approx(t, rel=1e-9, abs=1e-9)
            # NLTK's G² is unsigned; ours carries the sign of O11 − E11, as in keyness
            assert abs(row.g2) == pytest.approx(g2, rel=1e-6, abs=1e-6)
            assert np.sign(row.g2) == np.sign(row.count - row.expected) or g2 == 0


def test_nested_mentions_option():
    docs = {"z": [["树正气", "、", "讲团结", "、", "求发展", "。"], ["团结", "干部", "。"]]}
    _, _, tokens, mentions = corpus_from_words(docs)
    # counted tokens: 树正气0 讲团结1 求发展2 | 团结3 干部4. 团结 is found inside the token
    # 讲团结 (and so inside the formula) and in sentence 2: with both nodes, three collocates
    # of equal logDice (14 + log2(2 / (2 + 1))), in code-point order
    kept = rows(textstat_collocates(tokens, mentions, LEX, min_count=1), "团结")
    assert kept.index.tolist() == ["干部", "树正气", "求发展"]
    assert kept["logdice"].to_numpy() == pytest.approx([14 + math.log2(2 / 3)] * 3)
    dropped = textstat_collocates(tokens, mentions, LEX, min_count=1, nested="drop")
    assert rows(dropped, "团结").index.tolist() == ["干部"]
    assert set(rows(dropped, "团结")["freq_slogan"]) == {1}
    formula = rows(dropped, "树正气、讲团结、求发展")
    assert formula.empty  # its own parts are its node tokens; sentence 2 is out of reach


def test_defaults_and_errors():
    section = load_settings()["collocates"]
    defaults = inspect.signature(textstat_collocates).parameters
    assert defaults["span"].default == section["span"]
    assert defaults["min_count"].default == section["min_count"]
    network = load_settings()["collocation_network"]
    assert inspect.signature(collocation_network).parameters["top_n"].default == network["top_n"]
    with pytest.raises(InputError, match="unknown slogan"):
        textstat_collocates(TOKENS, MENTIONS, LEX, slogans=["团结", "八荣八耻"])
    with pytest.raises(ValueError, match="span"):
        textstat_collocates(TOKENS, MENTIONS, LEX, span=0)
    with pytest.raises(ValueError, match="min_count"):
        textstat_collocates(TOKENS, MENTIONS, LEX, min_count=1.5)
    with pytest.raises(ValueError, match="lacks column"):
        textstat_collocates(TOKENS.drop(columns="sent"), MENTIONS, LEX)
    with pytest.raises(ValueError, match="has no tokens"):
        textstat_collocates(TOKENS[TOKENS["doc_id"] == "x"], MENTIONS, LEX)


def test_inputs_are_not_modified_and_row_order_is_irrelevant():
    tokens, mentions = TOKENS.copy(), MENTIONS.copy()
    table = textstat_collocates(TOKENS, MENTIONS, LEX, min_count=1)
    pd.testing.assert_frame_equal(tokens, TOKENS)
    pd.testing.assert_frame_equal(mentions, MENTIONS)
    shuffled = textstat_collocates(
        TOKENS.sample(frac=1, random_state=1), MENTIONS.sample(frac=1, random_state=2), LEX,
        min_count=1,
    )
    pd.testing.assert_frame_equal(table, shuffled)



def test_documents_numbered_instead_of_named_give_the_same_collocates():
    numbers = {"x": 1, "y": 2}
    tokens = TOKENS.assign(doc_id=TOKENS["doc_id"].map(numbers).astype(object))
    mentions = MENTIONS.assign(doc_id=MENTIONS["doc_id"].map(numbers))
    pd.testing.assert_frame_equal(
        textstat_collocates(tokens, mentions, LEX, min_count=1),
        textstat_collocates(TOKENS, MENTIONS, LEX, min_count=1),
    )

# --- brute-force oracle ------------------------------------------------------------------------


def brute_force(tokens, mentions, span, same_sentence):
    """{(slogan, term): cooc} and {slogan: window tokens} by loops over tokens and mentions."""
    kept = tokens[~tokens["is_punct"] & ~tokens["is_stop"]].sort_values(["doc_id", "start"])
    cooc, window_size = {}, {}
    for slogan in LEX.names:
        window, nodes = set(), set()
        for m in mentions[mentions["slogan"] == slogan].itertuples():
            doc = kept[kept["doc_id"] == m.doc_id].reset_index()
            all_doc = tokens[tokens["doc_id"] == m.doc_id]
            over = all_doc[(all_doc["start"] < m.end) & (all_doc["end"] > m.start)]
            if over.empty:
                continue
            first_sent, last_sent = over["sent"].min(), over["sent"].max()
            in_node = (doc["start"] < m.end) & (doc["end"] > m.start)
            nodes |= {(m.doc_id, i) for i in doc.index[in_node]}
            before = doc[doc["end"] <= over["start"].min()]
            after = doc[doc["start"] >= over["end"].max()]
            if same_sentence:
                before = before[before["sent"] >= first_sent]
                after = after[after["sent"] <= last_sent]
            window |= {(m.doc_id, i) for i in before.index[-span:] if span}
            window |= {(m.doc_id, i) for i in after.index[:span]}
        window -= nodes
        window_size[slogan] = len(window)
        for doc_id, i in window:
            term = kept[kept["doc_id"] == doc_id].iloc[i]["token"]
            cooc[slogan, term] = cooc.get((slogan, term), 0) + 1
    return cooc, window_size


def corpora():
    """Up to three documents of up to three sentences of words: 团结 also inside 团结协调 and
    讲团结 (nested mentions), the formula's parts (so that the formula is sometimes mentioned),
    punctuation and a stop word."""
    vocab = ["班子", "团结", "团结协调", "干部", "一把手", "讲团结", "树正气", "求发展", "要", "，"]
    return word_documents(vocab, docs=(1, 3), sentences=(1, 3), words=(1, 8)).map(
        corpus_from_words
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), st.integers(1, 4), st.booleans())
def test_against_brute_force(corpus, span, same_sentence):
    _, _, tokens, mentions = corpus
    table = textstat_collocates(tokens, mentions, LEX, span=span, min_count=1,
                                same_sentence=same_sentence)
    cooc, window_size = brute_force(tokens, mentions, span, same_sentence)
    assert {(r.slogan, r.term): r.count for r in table.itertuples()} == cooc
    for r in table.itertuples():
        assert r.window_tokens == window_size[r.slogan]
    # the contingency table is valid: no cell is negative
    o22 = table["n_tokens"] - table["window_tokens"] - table["freq_term"] + table["count"]
    assert (table["count"] <= table[["window_tokens", "freq_term"]].min(axis=1)).all()
    assert (o22 >= 0).all()



@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), st.integers(1, 4), st.booleans(), st.integers(1, 12))
def test_counting_a_block_of_documents_at_a_time_changes_nothing(
    corpus, span, same_sentence, block
):
    _, _, tokens, mentions = corpus
    options = {"span": span, "min_count": 1, "same_sentence": same_sentence}
    whole = textstat_collocates(tokens, mentions, LEX, **options)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(collocates, "_TOKENS_PER_BLOCK", block)
        in_blocks = textstat_collocates(tokens, mentions, LEX, **options)
    pd.testing.assert_frame_equal(in_blocks, whole)


def test_study_corpus_counted_a_document_at_a_time(study_corpus, monkeypatch):
    c = study_corpus
    whole = textstat_collocates(c.tokens, c.mentions, c.slogans, nested="drop")
    monkeypatch.setattr(collocates, "_TOKENS_PER_BLOCK", 1)  # a block per document
    in_blocks = textstat_collocates(c.tokens, c.mentions, c.slogans, nested="drop")
    pd.testing.assert_frame_equal(in_blocks, whole)


# --- the network -------------------------------------------------------------------------------


def test_network_and_graphml_round_trip(tmp_path):
    table = textstat_collocates(TOKENS, MENTIONS, LEX, span=2, min_count=1)
    graph = collocation_network(table, top_n=1)
    # 团结's strongest is 班子 (logDice 14); 一把手's is 带头 (14 + log2(2/2) = 14 beats 干部,
    # 14 + log2(2/4) = 13)
    assert set(graph.edges) == {("团结", "班子"), ("一把手", "带头")}
    assert graph.nodes["团结"] == {"kind": "slogan", "frequency": 3, "label": "团结"}
    assert graph.nodes["班子"]["kind"] == "term" and graph.nodes["班子"]["frequency"] == 3
    edge = graph.edges["团结", "班子"]
    assert edge["weight"] == edge["logdice"] == pytest.approx(14.0) and edge["count"] == 3

    path = write_graphml(graph, "network.graphml", folder=tmp_path)
    assert path == tmp_path / "network.graphml"
    assert [p.name for p in tmp_path.iterdir()] == ["network.graphml"]  # no temporary left over
    back = nx.read_graphml(path)
    assert set(back.nodes) == {"团结", "班子", "一把手", "带头"}
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in graph.edges}
    assert back.nodes["一把手"]["kind"] == "slogan" and back.nodes["带头"]["frequency"] == 1
    assert back.edges["团结", "班子"]["pmi"] == pytest.approx(1.0)

    with pytest.raises(InputError, match="escapes the output folder"):
        write_graphml(graph, "../outside.graphml", folder=tmp_path)
    with pytest.raises(TypeError):
        write_graphml(table, tmp_path / "x.graphml")
    with pytest.raises(ValueError, match="top_n"):
        collocation_network(table, top_n=0)


def test_a_collocate_that_is_a_slogan_links_the_slogans():
    _, _, tokens, mentions = corpus_from_words({"w": [["一把手", "团结", "班子", "。"]]})
    graph = collocation_network(textstat_collocates(tokens, mentions, LEX, min_count=1))
    assert graph.nodes["团结"]["kind"] == "slogan" and graph.nodes["一把手"]["kind"] == "slogan"
    assert graph.has_edge("团结", "一把手")


# --- the five study documents ------------------------------------------------------------------


def test_study_corpus_values(study_corpus, tmp_path):
    c = study_corpus
    table = textstat_collocates(c.tokens, c.mentions, c.slogans)
    unity = rows(table, "团结")
    assert set(unity["freq_slogan"]) == {59}
    assert set(unity["n_tokens"]) == {int((~c.tokens["is_punct"] & ~c.tokens["is_stop"]).sum())}
    # the formula 树正气、讲团结、求发展 (its parts 9 times each) and the saying 团结出战斗力 lead
    # 团结's collocates
    assert unity.index[:3].tolist() == ["求发展", "树正气", "出"]
    assert unity.loc["班子", "count"] == 13
    assert (table["count"] >= 2).all()
    assert np.isfinite(table[["logdice", "pmi", "t_score", "g2"]].to_numpy()).all()
    graph = collocation_network(table)
    slogans_with_rows = table["slogan"].nunique()
    assert sum(d["kind"] == "slogan" for _, d in graph.nodes(data=True)) == slogans_with_rows
    back = nx.read_graphml(write_graphml(graph, tmp_path / "slogans.graphml"))
    assert back.number_of_edges() == graph.number_of_edges()


# --- every bad argument is an InputError naming the function -----------------------------------


@pytest.mark.parametrize(
    ("arguments", "options", "message"),
    [
        ({"tokens": TOKENS.to_dict()}, {}, "expected the tokens table as a pandas DataFrame"),
        ({"tokens": TOKENS.drop(columns="sent")}, {},
         r"the tokens table lacks column\(s\) sent; pass corpus.tokens"),
        ({"mentions": MENTIONS.drop(columns="end")}, {},
         r"the mentions table lacks column\(s\) end; pass corpus.mentions"),
        ({"lexicon": ["团结"]}, {}, "lexicon must be a SloganLexicon"),
        ({}, {"slogans": ["八荣八耻"]}, "unknown slogan"),
        ({}, {"span": 0}, "span must be a whole number ≥ 1, got 0"),
        ({}, {"span": 1.5}, "span must be a whole number ≥ 1, got 1.5"),
        ({}, {"span": True}, "span must be a whole number"),
        ({}, {"min_count": 0}, "min_count must be a whole number ≥ 1, got 0"),
        ({}, {"min_count": 1.5}, "min_count must be a whole number"),
        ({}, {"same_sentence": 1}, "same_sentence must be true or false"),
        ({}, {"remove_punct": "no"}, "remove_punct must be true or false"),
        ({}, {"remove_stop": None}, "remove_stop must be true or false"),
        ({}, {"nested": "yes"}, "nested must be one of 'keep', 'drop', got 'yes'"),
        ({"tokens": TOKENS[TOKENS["doc_id"] == "x"]}, {}, "doc_id 'y', which has no tokens"),
    ],
)
def test_each_bad_argument_is_an_input_error_naming_the_measure(arguments, options, message):
    given = {"tokens": TOKENS, "mentions": MENTIONS, "lexicon": LEX, **arguments}
    with pytest.raises(InputError, match=f"^textstat_collocates: .*{message}"):
        textstat_collocates(given["tokens"], given["mentions"], given["lexicon"], **options)


@pytest.mark.parametrize(
    ("collocates", "options", "message"),
    [
        ("collocates.csv", {}, "expected the collocates table as a pandas DataFrame"),
        ("without logdice", {}, r"lacks column\(s\) logdice; pass the table of textstat_collocates"),
        ("table", {"top_n": 0}, "top_n must be a whole number ≥ 1, got 0"),
        ("table", {"top_n": 2.0}, "top_n must be a whole number"),
        ("table", {"by": "dice"}, "by must be one of 'logdice', .*'count', got 'dice'"),
    ],
)
def test_each_bad_network_argument_is_an_input_error_naming_the_function(
    collocates, options, message
):
    table = textstat_collocates(TOKENS, MENTIONS, LEX, min_count=1)
    given = {"table": table, "without logdice": table.drop(columns="logdice")}.get(collocates)
    with pytest.raises(InputError, match=f"^collocation_network: .*{message}"):
        collocation_network(given if given is not None else collocates, **options)
