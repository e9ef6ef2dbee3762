"""Topic models and text scaling in a run (analysis.run.models): when they are fitted, from which
settings, and what the run writes and draws. The models themselves are tested in
test_textmodel_topics.py and test_textmodel_scaling.py."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from analysis.cli import _reference_scores_option
from analysis.config.settings import load_settings
from analysis.errors import InputError
from analysis.run.figures import study_figures
from analysis.run.models import (
    SCALING_DEFAULTS,
    TOPIC_DEFAULTS,
    default_direction,
    is_enabled,
    reference_scores,
    section_options,
)
from analysis.run.tables import compute_tables

DOCUMENTS = pd.DataFrame(
    {"doc_id": ["c", "a", "b", "d"], "year": [1990, 2001, 1985, None], "score": ["", "1", -1, None]}
)


def test_models_are_fitted_from_min_documents_on_unless_turned_off():
    opts = section_options({}, "topics", TOPIC_DEFAULTS)
    assert is_enabled(opts, 20) == (True, "")
    enabled, why = is_enabled(opts, 5)
    assert not enabled and "5 documents are fewer than min_documents (20)" in why
    assert is_enabled({**opts, "enabled": True}, 5)[0]
    assert not is_enabled({**opts, "enabled": False}, 500)[0]


def test_model_settings_are_checked():
    with pytest.raises(InputError, match=r"unknown option.*ks.*it takes"):
        section_options({"topics": {"ks": 3}}, "topics", TOPIC_DEFAULTS)
    with pytest.raises(InputError, match="enabled must be auto, true or false"):
        section_options({"scaling": {"enabled": "yes"}}, "scaling", SCALING_DEFAULTS)
    with pytest.raises(InputError, match="min_documents must be a whole number >= 2"):
        section_options({"scaling": {"min_documents": 1}}, "scaling", SCALING_DEFAULTS)


def test_wordfish_direction_defaults_to_the_earliest_and_latest_documents():
    assert default_direction(DOCUMENTS) == ("b", "a")
    assert default_direction(DOCUMENTS.drop(columns="year")) == ("a", "d")


def test_reference_scores_come_from_the_settings_or_a_metadata_column():
    opts = dict(SCALING_DEFAULTS)
    assert reference_scores(opts, DOCUMENTS) == {}
    assert reference_scores({**opts, "reference_column": "score"}, DOCUMENTS) == {
        "a": 1.0, "b": -1.0
    }
    given = {**opts, "reference_column": "score", "reference_scores": {"a": 0.5}}
    assert reference_scores(given, DOCUMENTS) == {"a": 0.5, "b": -1.0}  # given first
    with pytest.raises(InputError, match="reference_column 'nope' is not a metadata column"):
        reference_scores({**opts, "reference_column": "nope"}, DOCUMENTS)
    with pytest.raises(InputError, match="reference score of c is 'left', not a number"):
        reference_scores({**opts, "reference_column": "score"},
                         DOCUMENTS.assign(score=["left", "", "", ""]))


def test_the_reference_scores_option_takes_pairs_or_a_column():
    assert _reference_scores_option("gwr_1978=-1, gwr_2025=1") == {
        "reference_scores": {"gwr_1978": -1.0, "gwr_2025": 1.0}, "enabled": True
    }
    assert _reference_scores_option("position") == {"reference_column": "position",
                                                    "enabled": True}
    with pytest.raises(InputError, match="give doc_id=score pairs"):
        _reference_scores_option("gwr_1978=left")


@pytest.fixture(scope="module")
def model_run(study_corpus):
    settings = load_settings()
    settings["topics"] = {"enabled": True, "k": 2, "k_values": [2, 3], "min_docs": 1,
                          "bootstrap_resamples": 200}
    settings["scaling"] = {"enabled": True, "min_count": 2, "min_docs": 1,
                           "reference_scores": {"cidu_opinion_2005": -1, "nansha_speech_2007": 1}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = compute_tables(study_corpus, settings)
    return study_corpus, settings, results


def test_a_run_with_the_models_writes_their_tables_and_draws_their_figures(model_run):
    corpus, settings, results = model_run
    tables = results.tables
    for name in ("topics", "topic_shares", "topic_k", "topic_prevalence", "wordfish_positions",
                 "wordfish_words", "wordscores_positions", "wordscores_words"):
        assert name in tables and len(tables[name]), name
    shares = tables["topic_shares"].groupby("doc_id")["share"].sum()
    assert shares.round(9).eq(1).all() and len(shares) == 5
    assert set(tables["topic_prevalence"]["grouping"]) >= {"year", "level", "genre"}
    fish = tables["wordfish_positions"].set_index("doc_id")["theta"]
    first, last = default_direction(results.documents)
    assert fish[first] < fish[last]
    virgin = tables["wordscores_positions"]
    assert set(virgin.loc[virgin["is_reference"], "doc_id"]) == {
        "cidu_opinion_2005", "nansha_speech_2007"}
    plan = dict(study_figures(corpus, results, settings).figures)
    for name in ("topic_terms", "topic_prevalence", "topic_k", "wordfish_positions",
                 "wordfish_words", "wordscores_positions"):
        figure = plan[name]()
        assert figure.axes, name
        figure.clear()


def test_the_five_documents_leave_the_models_out_and_say_why(full_run):
    """The study's run (five documents, default settings) fits no model and says why, in the
    manifest and in notebook 03, and no figure of a model is drawn."""
    import json

    out, figures = full_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    skipped = {s["what"]: s["reason"] for s in manifest["skipped"]}
    assert "5 documents are fewer than min_documents (20)" in skipped["topics"]
    assert "5 documents are fewer than min_documents (20)" in skipped["scaling"]
    for name in ("topic_terms", "wordfish_positions", "wordscores_positions"):
        assert "fewer than min_documents" in skipped[f"figure {name}"]
        assert not list(figures.glob(f"{name}.*"))
    assert not list((out / "tables").glob("topic*")) + list((out / "tables").glob("word*"))
    notebook = (out / "notebooks" / "03_tfidf_and_similarity.ipynb").read_text(encoding="utf-8")
    assert "No figure topic_terms for this corpus: 5 documents are fewer than" in notebook
    assert "No topic model: 5 documents are fewer than min_documents" in notebook


def test_a_setting_mistake_is_an_error_and_texts_the_models_cannot_fit_a_note(study_corpus):
    from analysis.run.models import scaling_tables, topic_tables

    notes = {}
    with pytest.raises(InputError, match=r"`topics`: k must be a whole number >= 2, got -1"):
        topic_tables(study_corpus.tokens, study_corpus.documents, {"topics": {"k": -1}},
                     lexicon=study_corpus.slogans, groupings=[], note=notes.__setitem__)
    with pytest.raises(InputError, match=r"`scaling`: direction must be two doc ids"):
        scaling_tables(study_corpus.tokens, study_corpus.documents,
                       {"scaling": {"direction": ["a"]}}, note=notes.__setitem__)
    # Every term kept in every document: no topic can be told apart. A note, not a failure.
    with pytest.warns(UserWarning, match="topics could not be fitted"):
        tables = topic_tables(
            study_corpus.tokens, study_corpus.documents,
            {"topics": {"enabled": True, "min_docs": 5, "max_df": 0.5}},
            lexicon=study_corpus.slogans, groupings=[], note=notes.__setitem__,
        )
    assert tables == {} and "could not be fitted to these texts" in notes["topics"]


def test_the_model_tables_are_in_their_stated_row_order(model_run):
    tables = model_run[2].tables
    by_text = {
        "topic_shares": ["doc_id", "topic"],
        "wordfish_positions": ["doc_id"],
        "wordfish_words": ["term"],
        "wordscores_positions": ["doc_id"],
        "wordscores_words": ["term"],
    }
    for name, keys in by_text.items():
        table = tables[name]
        assert not table.duplicated(keys).any(), name
        ordered = table.sort_values(keys, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(table.reset_index(drop=True), ordered, obj=name)
    topics = tables["topics"]
    order = {t: k for k, t in enumerate(dict.fromkeys(topics["topic"]))}
    ranked = topics.assign(_t=topics["topic"].map(order)).sort_values(
        ["_t", "rank", "term"], kind="stable").drop(columns="_t")
    pd.testing.assert_frame_equal(topics.reset_index(drop=True), ranked.reset_index(drop=True))
    k_table = tables["topic_k"]
    assert not k_table.duplicated(["k", "measure"]).any()
    assert list(k_table["k"]) == sorted(k_table["k"])
