"""analysis.run.options: a settings section as a measure's options, the usable groupings, the
period breaks and the documents table the measures pool by."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis.config.lexicon import parse_slogans
from analysis.corpus.build import DOCUMENT_SUMMARY_COLUMNS, build_corpus
from analysis.errors import InputError
from analysis.measures.frequency import textstat_frequency
from analysis.measures.tfidf import textstat_tfidf
from analysis.run.options import (
    UnknownGrouping,
    documents_table,
    grouped_options,
    metadata_in_use,
    options,
    slogan_trends,
    study_documents,
    usable_groupings,
    wanted_groupings,
    year_periods,
)


def measure(x, y=1, *, alpha=1, beta=(), _private=None):
    """A measure taking the keyword options alpha and beta."""
    return x


def documents() -> pd.DataFrame:
    """Four documents: no level at all, one without a genre, years 1998, 2003, 2004 and none."""
    return pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4"],
            "text": ["甲", "乙", "丙", "丁"],
            "level": [None, None, None, None],
            "genre": ["speech", "opinion", None, "speech"],
            "year": pd.array([1998, 2003, 2004, None], dtype="Int64"),
        }
    )


# --- options -------------------------------------------------------------------------------------


def test_the_options_of_a_section_are_its_keys():
    settings = {"m": {"alpha": 2, "beta": [1]}}
    opts = options(settings, "m", measure)
    assert opts == {"alpha": 2, "beta": [1]}
    opts["alpha"] = 3
    assert settings["m"]["alpha"] == 2  # a copy


@pytest.mark.parametrize("settings", [{}, {"m": None}, {"m": {}}])
def test_a_section_left_out_gives_no_options(settings):
    assert options(settings, "m", measure) == {}


@pytest.mark.parametrize("key", ["gamma", "x", "y", "_private"])
def test_only_public_keyword_only_parameters_are_options(key):
    with pytest.raises(InputError) as error:
        options({"m": {key: 1, "alpha": 1}}, "m", measure)
    assert str(error.value) == (
        f"settings: `m` has unknown option(s) {key}; measure takes alpha, beta"
    )


def test_every_unknown_key_is_named_and_a_real_measure_lists_its_options():
    with pytest.raises(InputError) as error:
        options({"tfidf": {"top": 5, "idff": "x", "norm": None}}, "tfidf", textstat_tfidf)
    assert str(error.value) == (
        "settings: `tfidf` has unknown option(s) idff, top; textstat_tfidf takes idf, max_df, "
        "min_df, norm, smooth_idf, sublinear_tf, top_n"
    )


def test_a_section_that_is_not_a_mapping_is_an_error():
    with pytest.raises(InputError, match=r"^settings: `tfidf` must be a section of options, got \[5\]$"):
        options({"tfidf": [5]}, "tfidf", textstat_tfidf)


# --- usable groupings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "column", "close"),
    [("gnere", "gnere", "genre"), ("genre×yaer", "yaer", "year"), ("Level", "Level", "level")],
)
def test_a_misspelt_grouping_suggests_the_column(wanted, column, close):
    with pytest.raises(UnknownGrouping) as error:
        usable_groupings(documents(), [wanted], [])
    assert str(error.value) == (
        f"group_by: the documents have no column {column!r}; did you mean {close!r}? Fix the "
        "name in --group-by or in the settings' group_by"
    )
    assert isinstance(error.value, InputError)


def test_the_text_is_never_suggested():
    notes: list[dict[str, str]] = []
    assert usable_groupings(documents(), ["texts"], notes) == []
    assert [n["what"] for n in notes] == ["grouping texts"]


def test_a_grouping_no_document_has_is_left_out_with_one_note():
    notes: list[dict[str, str]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert usable_groupings(documents(), ["level", "level×year", "region"], notes) == []
        assert usable_groupings(documents(), ["level"], notes) == []  # noted once
        assert usable_groupings(documents(), ["level"]) == []  # without notes
    assert notes == [
        {
            "what": "grouping level",
            "reason": "no document has a level; add it to the metadata CSV (or, for decade and "
            "period, a year) to pool documents by it",
        },
        {
            "what": "grouping level×year",
            "reason": "no document has a level; add it to the metadata CSV (or, for decade and "
            "period, a year) to pool documents by it",
        },
        {
            "what": "grouping region",
            "reason": "no document has a region; add it to the metadata CSV (or, for decade and "
            "period, a year) to pool documents by it",
        },
    ]


def test_missing_values_are_used_with_one_warning_saying_how_many():
    with pytest.warns(UserWarning) as caught:
        assert usable_groupings(documents(), ["genre", "year"]) == ["genre", "year"]
    assert [str(w.message) for w in caught] == [
        "1 of 4 documents have no genre; they are left out of the genre groups (fill the "
        "metadata CSV to include them)",
        "1 of 4 documents have no year; they are left out of the year groups (fill the "
        "metadata CSV to include them)",
    ]


def test_grouped_options_parse_the_groupings_or_take_the_measure_default():
    docs = documents().assign(level=["city", "city", "county", "city"], genre="speech")
    settings = {"frequencies": {"group_by": [["genre", "level"], "level*genre"], "min_count": 2}}
    with pytest.raises(InputError, match="listed twice"):
        grouped_options(settings, "frequencies", textstat_frequency, docs)
    settings["frequencies"]["group_by"] = ["genre*level"]
    assert grouped_options(settings, "frequencies", textstat_frequency, docs) == {
        "group_by": [],  # the crossing is no column of these documents: noted, left out
        "min_count": 2,
    }
    docs["genre×level"] = docs["genre"] + "×" + docs["level"]
    assert grouped_options(settings, "frequencies", textstat_frequency, docs)["group_by"] == [
        "genre×level"
    ]
    # left out: the measure's own default, (level, genre)
    assert grouped_options({}, "frequencies", textstat_frequency, docs) == {
        "group_by": ["level", "genre"]
    }
    # a measure without group_by gets its options as they are
    assert grouped_options({"tfidf": {"top_n": 3}}, "tfidf", textstat_tfidf, docs) == {
        "top_n": 3
    }


def test_the_wanted_groupings_default_to_level_and_genre_but_trends_to_none():
    assert wanted_groupings({}) == [("level",), ("genre",)]
    settings = {
        "frequencies": {"group_by": []},
        "keyness": {"group_by": ["genre"]},
        "slogan_counts": {"group_by": ["genre*decade"]},
        "cooccurrence": {"group_by": []},
        "trends": {"group_by": [["region", "genre"]]},
    }
    assert wanted_groupings(settings) == [("genre",), ("genre", "decade"), ("region", "genre")]


# --- years ---------------------------------------------------------------------------------------


def test_year_periods_are_the_break_years():
    assert year_periods({"years": {"periods": [1978, 1992]}}) == [1978, 1992]
    assert year_periods({"years": {"periods": None}}) == []
    assert year_periods({"years": None}) == []
    assert year_periods({}) == []


@pytest.mark.parametrize(
    ("years", "message"),
    [
        ([1978], "settings: `years` must be a section with `periods`, got [1978]"),
        (
            {"period": [1978], "decades": 1},
            "settings: `years` has unknown option(s) decades, period; it takes periods",
        ),
        (
            {"periods": 1978},
            "settings: `years: periods` must be a list of break years such as [1978, 1992], "
            "got 1978",
        ),
    ],
)
def test_year_period_mistakes_are_named(years, message):
    with pytest.raises(InputError) as error:
        year_periods({"years": years})
    assert str(error.value) == message


# --- the documents the measures pool by ----------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("options")
    texts = root / "texts"
    texts.mkdir()
    for name, text in {"a.txt": "班子要团结。", "b.txt": "坚持民主集中制。", "c.txt": "讲团结。"}.items():
        (texts / name).write_text(text, encoding="utf-8")
    (root / "meta.csv").write_text(
        "doc_id,file,year,genre,unit\na,a.txt,1998,speech,x\nb,b.txt,2003,opinion,\n"
        "c,c.txt,,speech,\n",
        encoding="utf-8",
    )
    lexicon = parse_slogans({"slogans": [{"name": "团结", "variants": ["团结"]}]}, source="t")
    return build_corpus(texts, Path(root / "meta.csv"), slogans=lexicon, cache_dir=root / "cache")


def test_study_documents_add_decade_and_period_and_the_crossings_asked_for(corpus):
    settings = {
        "years": {"periods": [2000]},
        "slogan_counts": {"group_by": ["genre×decade", "genre×period", "genre×region", "nothing"]},
    }
    docs = study_documents(corpus, settings)
    added = ["decade", "period", "genre×decade", "genre×period", "genre×region"]
    assert list(docs.columns) == [*corpus.documents.columns, *added]
    table = docs[["doc_id", *added]].astype(object)
    assert table.where(table.notna(), None).values.tolist() == [
        ["a", "1990s", "–1999", "speech×1990s", "speech×–1999", None],
        ["b", "2000s", "2000–", "opinion×2000s", "opinion×2000–", None],
        ["c", None, None, None, None, None],
    ]
    assert "decade" not in corpus.documents.columns  # the corpus is left as it was


def test_without_periods_or_crossings_only_the_decade_is_added(corpus):
    docs = study_documents(corpus, {})
    assert list(docs.columns) == [*corpus.documents.columns, "decade"]


def test_metadata_in_use_is_the_year_and_the_members_of_each_grouping_with_a_value(corpus):
    docs = study_documents(corpus, {"years": {"periods": [2000]}})
    groupings = ["genre×decade", "region", "period", "genre", "unit"]
    assert metadata_in_use(docs, groupings) == ["year", "genre", "decade", "period", "unit"]
    assert metadata_in_use(docs.drop(columns=["year"]), ["level"]) == []


def test_documents_table_is_the_summary_and_the_other_metadata_with_a_value(corpus):
    docs = study_documents(corpus, {"slogan_counts": {"group_by": ["genre×decade"]}})
    table = documents_table(corpus, docs)
    # region, speaker_or_issuer and source_site are empty; text and crossings never travel
    assert list(table.columns) == [*DOCUMENT_SUMMARY_COLUMNS, "unit", "decade"]
    assert table["doc_id"].tolist() == ["a", "b", "c"]
    assert table["unit"].tolist()[0] == "x" and table["unit"].isna().tolist() == [False, True, True]
    assert table["decade"].tolist()[:2] == ["1990s", "2000s"]


def test_slogan_trends_without_any_year_is_none_with_a_note(corpus):
    docs = corpus.documents.assign(year=pd.array([None] * 3, dtype="Int64"))
    notes: list[dict[str, str]] = []
    assert slogan_trends(docs, corpus.mentions, corpus.slogans, {}, notes) is None
    assert [n["what"] for n in notes] == ["slogan_trends"]
    assert notes[0]["reason"].startswith("no document has a year; add a year column")


def test_slogan_trends_by_period_need_break_years(corpus):
    with pytest.raises(InputError, match=r"`trends: time: period` needs break years"):
        slogan_trends(
            corpus.documents, corpus.mentions, corpus.slogans, {"trends": {"time": "period"}}
        )
