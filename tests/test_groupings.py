"""Year bins, grouping specs, crossings pooled by the unchanged measures, and metadata attached to
the rows of every statistics table, with exact expectations on the tiny slogan corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tiny_slogan_corpus import LEX, tiny_corpus

from analysis.config.lexicon import load_stopwords
from analysis.corpus.groupings import (
    add_crossings,
    add_year_bins,
    attach_metadata,
    crossing_values,
    grouping_name,
    groupings_from_option,
    parse_grouping,
    parse_groupings,
    period_labels,
    periods_from_option,
)
from analysis.corpus.segment import SegmenterConfig, segment_texts, tokens_table
from analysis.errors import InputError
from analysis.measures.cooccurrence import textstat_slogan_cooccurrence
from analysis.measures.frequency import textstat_frequency
from analysis.measures.keyness import textstat_keyness_groups
from analysis.measures.kwic import kwic
from analysis.measures.slogan_counts import textstat_slogans

BREAKS = [1978, 1992, 2002, 2012]

# The tiny corpus (see tiny_slogan_corpus.py) with years: a 1998 (city, opinion), b 1999 (city,
# speech), c 2007 (province, speech). level×decade: city×1990s = {a, b}, province×2000s = {c}.
DOCUMENTS, SENTENCES, MENTIONS = tiny_corpus()
DOCUMENTS = DOCUMENTS.assign(
    year=pd.array(
        DOCUMENTS["doc_id"].map({"a": 1998, "b": 1999, "c": 2007}).tolist(), dtype="Int64"
    )
)
DATED = add_crossings(add_year_bins(DOCUMENTS), [["level", "decade"]])


def tokens() -> pd.DataFrame:
    segments = segment_texts(DOCUMENTS["text"].tolist(), SegmenterConfig.from_lexicons((), LEX))
    return tokens_table(DOCUMENTS, SENTENCES, segments, stopwords=load_stopwords())


# --- year bins ---------------------------------------------------------------------------------


def test_decades_and_periods_with_their_boundaries():
    years = [1976, 1977, 1978, 1991, 1992, 2001, 2002, 2011, 2012, 2030, None, 2000, 1999]
    documents = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(len(years))], "year": pd.array(years, dtype="Int64")}
    )
    binned = add_year_bins(documents, periods=BREAKS)
    assert binned["decade"].tolist()[:10] == [
        "1970s", "1970s", "1970s", "1990s", "1990s", "2000s", "2000s", "2010s", "2010s", "2030s",
    ]
    assert binned["decade"].tolist()[11:] == ["2000s", "1990s"]
    # A break year starts its period.
    assert binned["period"].tolist()[:10] == [
        "–1977", "–1977", "1978–1991", "1978–1991", "1992–2001", "1992–2001", "2002–2011",
        "2002–2011", "2012–", "2012–",
    ]
    assert binned["decade"].isna().tolist() == [False] * 10 + [True, False, False]
    assert binned["period"].isna().tolist() == [False] * 10 + [True, False, False]
    assert str(binned["decade"].dtype) == str(binned["period"].dtype) == "str"
    assert period_labels(BREAKS) == ["–1977", "1978–1991", "1992–2001", "2002–2011", "2012–"]
    assert period_labels([2000]) == ["–1999", "2000–"]
    # the input is left as it was, and no period column without breaks
    assert list(documents.columns) == ["doc_id", "year"]
    assert "period" not in add_year_bins(documents).columns


def test_year_bins_without_years_are_missing_throughout():
    no_column = add_year_bins(pd.DataFrame({"doc_id": ["x", "y"]}), periods=[2000])
    assert no_column["decade"].isna().all() and no_column["period"].isna().all()
    assert "year" not in no_column.columns
    empty_years = add_year_bins(
        pd.DataFrame({"doc_id": ["x"], "year": pd.array([None], dtype="Int64")}), periods=[2000]
    )
    assert empty_years["decade"].isna().all() and empty_years["period"].isna().all()
    # years read as floats or text from a hand-made table are whole numbers all the same
    floats = add_year_bins(pd.DataFrame({"doc_id": ["x", "y"], "year": [2003.0, np.nan]}))
    assert floats["decade"].tolist()[0] == "2000s" and pd.isna(floats["decade"].iloc[1])


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        ([1992, 1978], "increase strictly, but 1978 follows 1992"),
        ([1978, 1978], "increase strictly"),
        ([1978.5], "1978.5 is not a whole number"),
        (["1978"], "'1978' is not a whole number"),
        ([True], "not a whole number"),
        ("1978,1992", "must be a list of break years"),
        (1978, "must be a list of break years"),
    ],
)
def test_bad_break_years_say_what_to_write(periods, message):
    with pytest.raises(InputError, match=message) as caught:
        add_year_bins(DOCUMENTS, periods=periods)
    assert "[1978, 1992, 2002, 2012]" in str(caught.value)


def test_break_years_from_the_command_line_option():
    assert periods_from_option("1978,1992, 2002,2012") == (1978, 1992, 2002, 2012)
    assert periods_from_option("") == periods_from_option(None) == ()
    with pytest.raises(InputError, match=r"'199x' is not a year.*--periods 1978,1992"):
        periods_from_option("1978,199x")
    with pytest.raises(InputError, match="--periods: break years must increase strictly"):
        periods_from_option("1992,1978")


def test_a_year_that_is_not_whole_is_an_error():
    with pytest.raises(InputError, match=r"year 1998\.5 of document 'x' is not a whole number"):
        add_year_bins(pd.DataFrame({"doc_id": ["x"], "year": [1998.5]}))


# --- grouping specs ----------------------------------------------------------------------------


def test_grouping_spellings():
    assert parse_grouping("genre") == ("genre",)
    assert parse_grouping("genre×decade") == parse_grouping("genre * decade") == (
        "genre", "decade",
    )
    assert parse_grouping(["genre", "decade"]) == ("genre", "decade")
    assert grouping_name(("genre", "decade")) == grouping_name("genre*decade") == "genre×decade"
    assert grouping_name(["level"]) == "level"
    assert parse_groupings(["level", "genre*decade", ["genre", "period"]]) == (
        ("level",), ("genre", "decade"), ("genre", "period"),
    )
    assert parse_groupings(None) == parse_groupings([]) == ()


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["genre*"], "empty column name"),
        (["genre*genre"], "names a column twice"),
        (["genre*decade", "decade×genre"], r"decade×genre is listed twice \(as genre×decade"),
        ("genre", "must be a list"),
        ([3], "neither a column name nor a list"),
        ([["genre", 3]], "3 is not a column name"),
    ],
)
def test_bad_grouping_specs(items, message):
    with pytest.raises(InputError, match=message):
        parse_groupings(items)


def test_groupings_from_the_command_line_option():
    assert groupings_from_option("genre,decade") == (("genre",), ("decade",), ("genre", "decade"))
    assert groupings_from_option("genre") == (("genre",),)
    assert groupings_from_option("genre*decade") == (("genre", "decade"),)
    assert groupings_from_option("level, genre×decade") == (("level",), ("genre", "decade"))
    assert groupings_from_option("level,genre,decade") == (
        ("level",), ("genre",), ("decade",), ("level", "genre", "decade"),
    )
    assert groupings_from_option("") == groupings_from_option(None) == ()
    with pytest.raises(InputError, match="empty item"):
        groupings_from_option("genre,,decade")
    with pytest.raises(InputError, match="listed twice"):
        groupings_from_option("genre,decade,decade*genre")


# --- crossings ---------------------------------------------------------------------------------


def test_crossing_columns_and_missing_members():
    documents = pd.DataFrame(
        {
            "doc_id": ["p", "q", "r"],
            "genre": pd.array(["speech", None, "opinion"], dtype="str"),
            "year": pd.array([1998, 2003, None], dtype="Int64"),
        }
    )
    crossed = add_crossings(add_year_bins(documents), ["genre", "genre*decade", ["genre", "year"]])
    assert crossed["genre×decade"].tolist()[0] == "speech×1990s"
    assert crossed["genre×decade"].isna().tolist() == [False, True, True]
    assert crossed["genre×year"].tolist()[0] == "speech×1998"
    assert str(crossed["genre×decade"].dtype) == "str"
    # one-column groupings add nothing; the input keeps its columns
    assert list(crossed.columns) == [
        "doc_id", "genre", "year", "decade", "genre×decade", "genre×year",
    ]
    assert list(documents.columns) == ["doc_id", "genre", "year"]
    assert crossing_values(documents, ["year"]).tolist()[:2] == ["1998", "2003"]


def test_an_unknown_column_is_named_with_the_columns_present():
    with pytest.raises(
        InputError,
        match=r"add_crossings: the documents table lacks column\(s\) region; .*add_year_bins.*"
        r"columns present: doc_id, level",
    ):
        add_crossings(DOCUMENTS, ["level*region"])
    with pytest.raises(InputError, match=r"add_crossings: the documents table lacks column\(s\) region"):
        add_crossings(DOCUMENTS, ["region"])
    with pytest.raises(InputError, match="add_crossings: expected the documents table as a pandas"):
        add_crossings([{"doc_id": "a"}], ["level"])  # type: ignore[arg-type]


def test_the_measures_pool_by_a_crossing_unchanged():
    # level×decade: city×1990s = {a, b}, the same documents as level = city.
    counts = textstat_slogans(DATED, MENTIONS, LEX, group_by=["level", "level×decade"])
    groups = counts[counts["scope"] == "group"]
    crossed = groups[groups["grouping"] == "level×decade"]
    assert sorted(set(crossed["group"])) == ["city×1990s", "province×2000s"]
    city = crossed[(crossed["group"] == "city×1990s") & (crossed["slogan"] == "团结")].iloc[0]
    # a + b: 4 mentions of 团结 in 20 + 25 characters
    assert (city["n_docs"], city["count"], city["n_chars"]) == (2, 4, 45)
    assert city["per_10k_chars"] == pytest.approx(4 / 45 * 1e4)
    by_level = groups[(groups["grouping"] == "level") & (groups["group"] == "city")]
    same = ["slogan", "n_docs", "count", "n_chars", "per_10k_chars", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(
        crossed[crossed["group"] == "city×1990s"][same].reset_index(drop=True),
        by_level[same].reset_index(drop=True),
    )

    tokens_of = tokens()
    options = {"ngrams": [1], "char_ngrams": [2]}
    frequencies = textstat_frequency(tokens_of, DATED, group_by=["level", "level×decade"], **options)
    columns = ["kind", "ngram", "term", "count", "per_10k_tokens", "per_10k_chars", "rank"]
    cell = frequencies[frequencies["group"] == "city×1990s"][columns].reset_index(drop=True)
    level = frequencies[frequencies["group"] == "city"][columns].reset_index(drop=True)
    assert len(cell) > 10
    pd.testing.assert_frame_equal(cell, level)

    keyness = textstat_keyness_groups(tokens_of, DATED, group_by=["level", "level×decade"], min_count=1)
    columns = ["reference", "term", "count_target", "count_reference", "g2"]
    cell = keyness[keyness["target"] == "city×1990s"][columns].reset_index(drop=True)
    level = keyness[keyness["target"] == "city"][columns].reset_index(drop=True)
    assert len(cell) > 5
    pd.testing.assert_frame_equal(cell, level)

    cooccurrence = textstat_slogan_cooccurrence(
        DATED, SENTENCES, MENTIONS, LEX, group_by=["level×decade"]
    )
    assert set(cooccurrence.loc[cooccurrence["scope"] == "group", "group"]) == {
        "city×1990s", "province×2000s",
    }


# --- metadata on statistics rows ---------------------------------------------------------------


def metadata_of(table: pd.DataFrame) -> list[tuple]:
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in table[["year", "level", "decade"]].itertuples(index=False)
    ]


def test_metadata_on_slogan_count_rows():
    counts = textstat_slogans(
        DATED, MENTIONS, LEX, group_by=["level", "level×decade"], bootstrap_resamples=0,
        slogans=["团结"],
    )
    out = attach_metadata(counts, DATED, ["year", "level", "decade"])
    pd.testing.assert_frame_equal(out[list(counts.columns)], counts)
    assert list(out.columns) == [*counts.columns, "year", "level", "decade"]
    assert out[["scope", "grouping", "group", "doc_id"]].values.tolist() == [
        ["document", "", "", "a"], ["document", "", "", "b"], ["document", "", "", "c"],
        ["group", "level", "city", ""], ["group", "level", "province", ""],
        ["group", "level×decade", "city×1990s", ""], ["group", "level×decade", "province×2000s", ""],
        ["corpus", "", "", ""],
    ]
    assert metadata_of(out) == [
        (1998, "city", "1990s"), (1999, "city", "1990s"), (2007, "province", "2000s"),
        (None, "city", None), (None, "province", None),
        (None, "city", "1990s"), (None, "province", "2000s"),
        (None, None, None),
    ]
    assert str(out["year"].dtype) == "Int64" and str(out["level"].dtype) == "str"
    # documents without the crossing column: the group is matched by its members' values
    again = attach_metadata(counts, add_year_bins(DOCUMENTS), ["year", "level", "decade"])
    pd.testing.assert_frame_equal(again, out)


def test_metadata_on_frequency_keyness_and_kwic_rows():
    tokens_of = tokens()
    frequencies = textstat_frequency(
        tokens_of, DATED, group_by=["level×decade"], ngrams=[1], char_ngrams=[]
    )
    out = attach_metadata(frequencies, DATED, ["year", "level", "decade"])
    pd.testing.assert_frame_equal(out[list(frequencies.columns)], frequencies)
    firsts = out.drop_duplicates(["scope", "group", "doc_id"])
    assert metadata_of(firsts) == [
        (1998, "city", "1990s"), (1999, "city", "1990s"), (2007, "province", "2000s"),
        (None, "city", "1990s"), (None, "province", "2000s"), (None, None, None),
    ]

    keyness = textstat_keyness_groups(tokens_of, DATED, group_by=["level", "level×decade"], min_count=1)
    out = attach_metadata(keyness, DATED, ["year", "decade"])
    firsts = out.drop_duplicates(["grouping", "target"])
    assert firsts[["grouping", "target"]].values.tolist() == [
        ["doc_id", "a"], ["doc_id", "b"], ["doc_id", "c"], ["level", "city"],
        ["level×decade", "city×1990s"],
    ]  # province and province×2000s are c alone: c's own rows, not repeated
    years = [None if pd.isna(y) else y for y in firsts["year"]]
    assert years == [1998, 1999, 2007, None, None]
    assert firsts["decade"].fillna("").tolist() == ["1990s", "1990s", "2000s", "", "1990s"]

    lines = kwic(DATED, "团结", slogans=LEX, sentences=SENTENCES)
    out = attach_metadata(lines, DATED, ["year", "genre"])
    assert out[["doc_id", "year", "genre"]].values.tolist() == [
        ["b", 1999, "speech"], ["b", 1999, "speech"], ["a", 1998, "opinion"],
        ["a", 1998, "opinion"],
    ]


def test_attach_metadata_keeps_columns_and_refuses_strangers():
    table = pd.DataFrame({"doc_id": ["b", "a"], "year": [1, 2], "value": [0.5, 0.25]})
    out = attach_metadata(table, DATED, ["year", "level"])
    assert out["year"].tolist() == [1, 2]  # the table's own column is left as it is
    assert out["level"].tolist() == ["city", "city"]
    assert list(table.columns) == ["doc_id", "year", "value"]
    with pytest.raises(InputError, match=r"attach_metadata: the documents table lacks column\(s\) region"):
        attach_metadata(table, DATED, ["region"])
    with pytest.raises(InputError, match="attach_metadata: expected the statistics table"):
        attach_metadata(table.to_dict(), DATED, ["level"])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="doc_id 'zz'"):
        attach_metadata(table.assign(doc_id=["zz", "a"]), DATED, ["level"])
    groups = pd.DataFrame({"grouping": ["level"], "group": ["county"], "doc_id": [""]})
    with pytest.raises(InputError, match="group 'county' of grouping 'level'"):
        attach_metadata(groups, DATED, ["level"])
