"""compute_tables: every statistics table from the corpus tables and the settings."""

from __future__ import annotations

import warnings

import networkx as nx
import pytest

from analysis.errors import InputError
from analysis.measures.tfidf import textstat_tfidf
from analysis.report import compute_tables, options, usable_groupings
from analysis.settings import load_settings

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
}


@pytest.fixture(scope="module")
def computed(study_corpus):
    settings = load_settings()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = compute_tables(study_corpus, settings)
    return results.tables, results.network


def test_every_table_is_computed_for_the_five_documents(computed):
    tables, network = computed
    assert set(tables) == EXPECTED
    assert all(len(t) for t in tables.values())
    assert isinstance(network, nx.Graph) and network.number_of_nodes() > 10


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


def test_groupings_without_values_are_skipped_with_a_warning(study_corpus):
    documents = study_corpus.documents.assign(level=None)
    with pytest.warns(UserWarning, match="grouping by 'level' skipped"):
        assert usable_groupings(documents, ["level", "genre"]) == ["genre"]
