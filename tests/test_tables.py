"""compute_tables: every statistics table from the corpus tables and the settings."""

from __future__ import annotations

import warnings

import networkx as nx
import pytest

from analysis.config.settings import load_settings
from analysis.errors import InputError
from analysis.measures.tfidf import textstat_tfidf
from analysis.run.options import options, usable_groupings
from analysis.run.tables import compute_tables

EXPECTED = {
    "documents",
    "cleaning_log",
    "slogan_mentions",
    "term_frequencies",
    "dispersion",
    "keyness",
    "tfidf",
    "similarity",
    "similarity_clusters",
    "slogan_counts",
    "slogan_cooccurrence",
    "collocates",
    "kwic",
    "formulae",
    "formula_occurrences",
    "ca_coordinates",
    "ca_inertia",
    "texts",
    "shared_boilerplate",
    "slogan_trends",
}


@pytest.fixture(scope="module")
def computed(study_corpus):
    settings = load_settings()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = compute_tables(study_corpus, settings)
    return results.tables, results.network


# Rows of each table for the five documents with data/settings.yml.
ROWS = {
    "documents": 5, "texts": 5, "cleaning_log": 1926, "slogan_mentions": 161, "kwic": 161,
    "term_frequencies": 114_515, "dispersion": 4714, "keyness": 1600, "tfidf": 106,
    "similarity": 25, "similarity_clusters": 4, "slogan_counts": 180,
    "slogan_cooccurrence": 5400, "collocates": 185, "formulae": 31, "formula_occurrences": 96,
    "ca_coordinates": 130, "ca_inertia": 4, "shared_boilerplate": 0, "slogan_trends": 120,
}


def test_every_table_is_computed_for_the_five_documents(computed):
    tables, network = computed
    assert set(tables) == EXPECTED
    assert all(len(t) for name, t in tables.items() if name != "shared_boilerplate")
    assert tables["shared_boilerplate"].empty  # no line recurs in five of five documents
    assert isinstance(network, nx.Graph) and network.number_of_nodes() > 10
    assert {name: len(t) for name, t in tables.items()} == ROWS


def test_the_table_shapes_follow_from_the_corpus_and_the_settings(computed):
    tables, _ = computed
    documents = tables["documents"]
    docs, slogans = len(documents), tables["slogan_counts"]["slogan"].nunique()
    assert (docs, slogans) == (5, 15)
    groups = documents["level"].nunique() + documents["genre"].nunique()  # group_by level, genre
    assert groups == 3 + 3
    # slogan counts: every slogan for each document, the corpus and each group
    assert len(tables["slogan_counts"]) == slogans * (docs + 1 + groups)
    # co-occurrence: every ordered pair of slogans, in 4 units, per document and for the corpus
    cooc = tables["slogan_cooccurrence"]
    assert set(cooc["unit"]) == {"sentence", "paragraph", "document", "window"}
    assert len(cooc) == (docs + 1) * 4 * slogans**2
    # similarity: all ordered pairs; the clustering merges the documents in docs - 1 steps
    assert len(tables["similarity"]) == docs**2 and len(tables["similarity_clusters"]) == docs - 1
    similarity = tables["similarity"]
    assert similarity.loc[similarity["doc_a"] == similarity["doc_b"], "cosine"].tolist() == [1.0] * 5
    # one KWIC line per mention; 团结 is mentioned 59 times
    mentions = tables["slogan_mentions"]
    assert len(tables["kwic"]) == len(mentions)
    assert mentions["slogan"].value_counts().to_dict() == {
        "团结": 59, "一把手": 15, "民主集中制": 10, "科学发展观": 10, "六好": 9, "执政为民": 9,
        "立党为公": 9, "四强一硬": 8, "三个代表": 7, "集体领导": 7, "和谐班子": 5,
        "树正气、讲团结、求发展": 5, "民主生活会": 3, "集体领导、民主集中、个别酝酿、会议决定": 3,
        "两个务必": 2,
    }
    # keyness: 100 terms each way for each document against the rest and for the groups of
    # more than one document (city; opinion; speech)
    keyness = tables["keyness"]
    comparisons = keyness.groupby(["grouping", "target"]).size()
    assert comparisons.to_dict() == {
        **{("doc_id", d): 200 for d in documents["doc_id"]},
        ("genre", "opinion"): 200, ("genre", "speech"): 200, ("level", "city"): 200,
    }
    # tfidf: the top 20 terms per document, and those tied with the 20th
    tfidf = tables["tfidf"]
    assert tfidf.groupby("doc_id").size().to_dict() == {
        "cidu_opinion_2005": 21, "cityoffice_speech_2003": 20, "jilin_news_2007": 22,
        "nansha_speech_2007": 20, "yangzhou_opinion_2007": 23,
    }
    # dispersion: every word type of the corpus, over the documents and over 10 equal parts
    types = tables["term_frequencies"].query("scope == 'corpus' and kind == 'token' and ngram == 1")
    assert len(types) == 2357
    assert tables["dispersion"]["partition"].value_counts().to_dict() == {
        "document": 2357, "equal_parts": 2357,
    }
    # trends by year: all documents in 2003, 2005, 2007, and the five genre × year cells
    trends = tables["slogan_trends"]
    assert len(trends) == slogans * (3 + 5)
    # CA: as many dimensions as the smaller side less one (5 documents → 4)
    assert tables["ca_inertia"]["dimension"].tolist() == [1, 2, 3, 4]
    assert tables["ca_inertia"]["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_settings_reach_the_measures(computed):
    tables, _ = computed
    assert tables["tfidf"].groupby("doc_id")["rank"].max().max() == 20  # tfidf: top_n 20
    counts = tables["slogan_counts"]
    assert set(counts["n_resamples"]) == {2000} and set(counts["seed"]) == {20071020}
    assert set(tables["slogan_cooccurrence"]["unit"]) == {
        "sentence",
        "paragraph",
        "document",
        "window",
    }
    keyness = tables["keyness"]
    per_comparison = keyness.groupby(["grouping", "target", "reference"]).size()
    assert per_comparison.max() <= 200  # keyness: top_n 100 each way
    assert set(tables["kwic"]["slogan"]) >= {"团结", "民主集中制", "一把手"}


def test_unknown_settings_keys_are_errors_naming_the_section():
    with pytest.raises(InputError, match=r"`tfidf` has unknown option\(s\) smooth_idff"):
        options({"tfidf": {"smooth_idff": True}}, "tfidf", textstat_tfidf)
    assert options({}, "tfidf", textstat_tfidf) == {}


def test_groupings_without_values_are_skipped_with_a_note_not_a_warning(study_corpus):
    documents = study_corpus.documents.assign(level=None)
    notes = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert usable_groupings(documents, ["level", "genre", "region×level"], notes) == ["genre"]
    assert [n["what"] for n in notes] == ["grouping level", "grouping region×level"]
    assert notes[0]["reason"].startswith("no document has a level")


def test_a_grouping_some_documents_lack_is_used_with_one_warning(study_corpus):
    documents = study_corpus.documents.assign(
        genre=study_corpus.documents["genre"].where(study_corpus.documents["doc_id"] != "jilin_news_2007")
    )
    with pytest.warns(UserWarning, match="1 of 5 documents have no genre; they are left out"):
        assert usable_groupings(documents, ["genre"]) == ["genre"]


def test_crossed_groupings_and_year_bins_pool_documents_and_travel_with_rows(study_corpus):
    settings = load_settings()
    for section in ("frequencies", "keyness", "slogan_counts", "cooccurrence"):
        settings[section] = {**settings[section], "group_by": ["genre", "decade", "genre×decade"]}
    results = compute_tables(study_corpus, settings)
    counts = results.tables["slogan_counts"]
    crossed = counts[(counts["grouping"] == "genre×decade") & (counts["slogan"] == "团结")]
    assert crossed["group"].tolist() == ["news report×2000s", "opinion×2000s", "speech×2000s"]
    assert crossed["genre"].tolist() == ["news report", "opinion", "speech"]
    assert crossed["decade"].tolist() == ["2000s", "2000s", "2000s"]
    speech = crossed[crossed["genre"] == "speech"].iloc[0]
    assert speech["count"] == 29 + 20 and speech["n_docs"] == 2  # cityoffice 2003 + nansha 2007
    decades = counts[(counts["grouping"] == "decade") & (counts["slogan"] == "团结")]
    assert decades[["group", "count", "n_docs"]].values.tolist() == [["2000s", 59, 5]]
    doc_rows = counts[counts["scope"] == "document"].set_index("doc_id")
    assert doc_rows.loc["cityoffice_speech_2003", "year"].iloc[0] == 2003
    assert list(results.metadata_columns) == ["year", "genre", "decade"]
    freq = results.tables["term_frequencies"]
    assert "genre×decade" in set(freq["grouping"]) and "decade" in freq.columns
    keyness = results.tables["keyness"]
    assert "genre×decade" in set(keyness["grouping"])
    assert set(results.documents.columns) >= {"decade", "genre×decade"}
    assert "decade" in results.tables["documents"].columns


def test_trends_follow_the_settings_and_their_groups(study_corpus):
    settings = load_settings()
    settings["trends"] = {"time": "decade", "group_by": ["level"], "bootstrap_resamples": 0}
    trends = compute_tables(study_corpus, settings).tables["slogan_trends"]
    unity = trends[trends["slogan"] == "团结"]
    assert unity[["grouping", "group", "time", "count"]].values.tolist() == [
        ["", "all documents", "2000s", 59],
        ["level", "city", "2000s", 35],
        ["level", "district", "2000s", 20],
        ["level", "province", "2000s", 4],
    ]
    assert set(unity["ci_method"]) == {"none"}
