"""Slogan trends: exact counts, rates and labels per year, decade and period on a hand-made corpus
built by the real pipeline; the lines equal textstat_slogans pooled by year (and by genre × year);
input order plays no part; bad options are errors that say what to do."""

from __future__ import annotations

import pandas as pd
import pytest
from tiny_slogan_corpus import LEX

from analysis.config.lexicon import load_stopwords
from analysis.corpus.clean import clean_corpus
from analysis.corpus.groupings import add_crossings, attach_metadata
from analysis.corpus.mentions import find_slogan_mentions
from analysis.corpus.segment import SegmenterConfig, segment_texts, tokens_table
from analysis.corpus.sentences import corpus_sentences
from analysis.errors import InputError
from analysis.measures.slogan_counts import textstat_slogans
from analysis.measures.trends import TREND_COLUMNS, textstat_slogan_trends

# Documents (characters, mentions; every mention a whole token except 团结 inside 团结协调):
#   g1998 government national    "团结就是力量。" (7): 团结
#   g1999 government provincial  "坚持民主集中制。" (8) "加强团结。" (5) → 13: 民主集中制, 团结
#   g2003 government national    "一把手要团结协调。" (9): 一把手, 团结 (not a token)
#   c1998 congress   national    "民主集中制是根本制度。" (11): 民主集中制
#   c2003 congress   provincial  "团结团结再团结。" (8): 团结 ×3
#   c2012 congress   national    "一把手负总责，一把手带头。" (13): 一把手 ×2
#   undated congress national    "团结。" (3): 团结 — no year: left out of every row
RAW = pd.DataFrame(
    {
        "doc_id": ["c2012", "g1999", "undated", "g1998", "c2003", "g2003", "c1998"],
        "year": pd.array([2012, 1999, None, 1998, 2003, 2003, 1998], dtype="Int64"),
        "genre": ["congress", "government", "congress", "government", "congress", "government",
                  "congress"],
        "level": ["national", "provincial", "national", "national", "provincial", "national",
                  "national"],
        "raw_text": ["一把手负总责，一把手带头。", "坚持民主集中制。\n加强团结。", "团结。",
                     "团结就是力量。", "团结团结再团结。", "一把手要团结协调。",
                     "民主集中制是根本制度。"],
    }
)
SLOGANS = ["团结", "民主集中制", "一把手"]


def build():
    documents, _ = clean_corpus(RAW)
    sentences = corpus_sentences(documents)
    segments = segment_texts(documents["text"].tolist(), SegmenterConfig.from_lexicons((), LEX))
    tokens = tokens_table(documents, sentences, segments, stopwords=load_stopwords())
    return documents, find_slogan_mentions(documents, sentences, tokens, LEX)


DOCUMENTS, MENTIONS = build()
CROSSED = add_crossings(DOCUMENTS, [["genre", "level"]])


def cells(table: pd.DataFrame) -> dict[tuple[str, str, str], tuple]:
    """(grouping, group, time) → (year, n_docs, n_paragraphs, n_chars, counts of 团结,
    民主集中制, 一把手, token count of 团结)."""
    out = {}
    for key, rows in table.groupby(["grouping", "group", "time"], sort=False):
        by_slogan = rows.set_index("slogan")
        first = rows.iloc[0]
        out[key] = (
            first["year"], first["n_docs"], first["n_paragraphs"], first["n_chars"],
            *by_slogan.loc[SLOGANS, "count"].tolist(), by_slogan.loc["团结", "token_count"],
        )
    return out


def test_the_corpus_is_as_described():
    chars = DOCUMENTS.set_index("doc_id")["n_chars"].to_dict()
    assert chars == {"c2012": 13, "g1999": 13, "undated": 3, "g1998": 7, "c2003": 8,
                     "g2003": 9, "c1998": 11}
    assert len(MENTIONS) == 12 and MENTIONS["is_token"].sum() == 11


def test_yearly_lines_by_hand():
    table = textstat_slogan_trends(
        CROSSED, MENTIONS, LEX, group_by=["genre", "genre×level"], bootstrap_resamples=0
    )
    assert list(table.columns) == TREND_COLUMNS
    # 4 slogans × (4 years + 3 congress + 3 government years + 2 + 1 + 2 + 1 crossed cells)
    assert len(table) == 4 * 16
    assert table["slogan"].tolist()[:4] == list(LEX.names)
    assert cells(table) == {
        ("", "all documents", "1998"): (1998, 2, 2, 18, 1, 1, 0, 1),
        ("", "all documents", "1999"): (1999, 1, 2, 13, 1, 1, 0, 1),
        ("", "all documents", "2003"): (2003, 2, 2, 17, 4, 0, 1, 3),
        ("", "all documents", "2012"): (2012, 1, 1, 13, 0, 0, 2, 0),
        ("genre", "congress", "1998"): (1998, 1, 1, 11, 0, 1, 0, 0),
        ("genre", "congress", "2003"): (2003, 1, 1, 8, 3, 0, 0, 3),
        ("genre", "congress", "2012"): (2012, 1, 1, 13, 0, 0, 2, 0),
        ("genre", "government", "1998"): (1998, 1, 1, 7, 1, 0, 0, 1),
        ("genre", "government", "1999"): (1999, 1, 2, 13, 1, 1, 0, 1),
        ("genre", "government", "2003"): (2003, 1, 1, 9, 1, 0, 1, 0),
        ("genre×level", "congress×national", "1998"): (1998, 1, 1, 11, 0, 1, 0, 0),
        ("genre×level", "congress×national", "2012"): (2012, 1, 1, 13, 0, 0, 2, 0),
        ("genre×level", "congress×provincial", "2003"): (2003, 1, 1, 8, 3, 0, 0, 3),
        ("genre×level", "government×national", "1998"): (1998, 1, 1, 7, 1, 0, 0, 1),
        ("genre×level", "government×national", "2003"): (2003, 1, 1, 9, 1, 0, 1, 0),
        ("genre×level", "government×provincial", "1999"): (1999, 1, 2, 13, 1, 1, 0, 1),
    }
    # the dict's order is the table's order: grouping, group, year
    assert list(cells(table)) == list(
        table[["grouping", "group", "time"]].drop_duplicates().itertuples(index=False, name=None)
    )
    unity = table[(table["slogan"] == "团结") & (table["grouping"] == "")]
    # 1998: 1 in 7 + 11 characters; 2003: 4 in 9 + 8
    assert unity["per_10k_chars"].tolist() == pytest.approx(
        [1 / 18 * 1e4, 1 / 13 * 1e4, 4 / 17 * 1e4, 0.0]
    )
    assert set(table["time_unit"]) == {"year"} and str(table["year"].dtype) == "int64"
    assert set(table["ci_method"]) == {"none"} and table["ci_low"].isna().all()
    # the undated document (团结 once) is in no row
    assert unity["n_docs"].sum() == 6 and unity["count"].sum() == 6


def test_decades_and_periods_by_hand():
    decades = textstat_slogan_trends(
        DOCUMENTS, MENTIONS, LEX, time="decade", group_by=["genre"], bootstrap_resamples=0
    )
    assert cells(decades) == {
        ("", "all documents", "1990s"): (1990, 3, 4, 31, 2, 2, 0, 2),
        ("", "all documents", "2000s"): (2000, 2, 2, 17, 4, 0, 1, 3),
        ("", "all documents", "2010s"): (2010, 1, 1, 13, 0, 0, 2, 0),
        ("genre", "congress", "1990s"): (1990, 1, 1, 11, 0, 1, 0, 0),
        ("genre", "congress", "2000s"): (2000, 1, 1, 8, 3, 0, 0, 3),
        ("genre", "congress", "2010s"): (2010, 1, 1, 13, 0, 0, 2, 0),
        ("genre", "government", "1990s"): (1990, 2, 3, 20, 2, 1, 0, 2),
        ("genre", "government", "2000s"): (2000, 1, 1, 9, 1, 0, 1, 0),
    }
    assert set(decades["time_unit"]) == {"decade"}
    periods = textstat_slogan_trends(
        DOCUMENTS, MENTIONS, LEX, time="period", periods=[2000, 2012], bootstrap_resamples=0
    )
    # The first period is open to the past: it sits at its earliest document year, 1998;
    # 2000–2011 starts in 2000 though its first document is of 2003.
    assert cells(periods) == {
        ("", "all documents", "–1999"): (1998, 3, 4, 31, 2, 2, 0, 2),
        ("", "all documents", "2000–2011"): (2000, 2, 2, 17, 4, 0, 1, 3),
        ("", "all documents", "2012–"): (2012, 1, 1, 13, 0, 0, 2, 0),
    }
    assert set(periods["time_unit"]) == {"period"}
    # a grouping by decade, followed year by year
    by_decade = textstat_slogan_trends(
        DOCUMENTS, MENTIONS, LEX, group_by=["decade"], bootstrap_resamples=0, slogans=["团结"]
    )
    assert by_decade.loc[by_decade["grouping"] == "decade", ["group", "time"]].values.tolist() == [
        ["1990s", "1998"], ["1990s", "1999"], ["2000s", "2003"], ["2010s", "2012"],
    ]


@pytest.mark.parametrize("resample", ["paragraphs", "documents"])
def test_the_all_documents_line_is_textstat_slogans_pooled_by_year(resample):
    options = {"resample": resample, "bootstrap_resamples": 500, "seed": 3}
    trends = textstat_slogan_trends(DOCUMENTS, MENTIONS, LEX, group_by=["genre"], **options)
    dated = DOCUMENTS[DOCUMENTS["year"].notna()]
    mentions = MENTIONS[MENTIONS["doc_id"] != "undated"]
    counts = textstat_slogans(dated, mentions, LEX, group_by=["year"], **options)
    by_year = counts[counts["scope"] == "group"].reset_index(drop=True)
    line = trends[trends["grouping"] == ""].reset_index(drop=True)
    columns = TREND_COLUMNS[6:]
    pd.testing.assert_frame_equal(line[["slogan", *columns]], by_year[["slogan", *columns]])
    assert line["time"].tolist() == by_year["group"].tolist()
    if resample == "documents":
        assert line.drop_duplicates("time")["ci_method"].tolist() == [
            "documents", "none", "documents", "none",
        ]
        two = line[(line["time"] == "2003") & (line["slogan"] == "团结")].iloc[0]
        # g2003 (1 in 9) and c2003 (3 in 8): resamples 2/18, 4/17, 6/16 per character
        assert (two["ci_low"], two["ci_high"]) == pytest.approx((2 / 18 * 1e4, 6 / 16 * 1e4))
    else:
        # A group's line is textstat_slogans pooled by the crossing genre × year.
        crossed = add_crossings(dated, [["genre", "year"]])
        pooled = textstat_slogans(crossed, mentions, LEX, group_by=["genre×year"], **options)
        pooled = pooled[pooled["scope"] == "group"].reset_index(drop=True)
        genre = trends[trends["grouping"] == "genre"].reset_index(drop=True)
        pd.testing.assert_frame_equal(genre[["slogan", *columns]], pooled[["slogan", *columns]])
        assert (genre["group"] + "×" + genre["time"]).tolist() == pooled["group"].tolist()


def test_input_order_plays_no_part_and_inputs_are_kept():
    before = (CROSSED.copy(), MENTIONS.copy())
    options = {"group_by": ["genre×level"], "resample": "documents", "bootstrap_resamples": 300}
    table = textstat_slogan_trends(CROSSED, MENTIONS, LEX, **options)
    again = textstat_slogan_trends(
        CROSSED.sample(frac=1, random_state=4), MENTIONS.sample(frac=1, random_state=5), LEX,
        **options,
    )
    pd.testing.assert_frame_equal(table, again)
    pd.testing.assert_frame_equal(CROSSED, before[0])
    pd.testing.assert_frame_equal(MENTIONS, before[1])


def test_documents_without_a_group_value_count_only_in_the_all_documents_line():
    documents = DOCUMENTS.assign(genre=DOCUMENTS["genre"].where(DOCUMENTS["doc_id"] != "c2012"))
    table = textstat_slogan_trends(
        documents, MENTIONS, LEX, group_by=["genre"], bootstrap_resamples=0, slogans=["一把手"]
    )
    assert table[["grouping", "group", "time"]].values.tolist() == [
        ["", "all documents", "1998"], ["", "all documents", "1999"],
        ["", "all documents", "2003"], ["", "all documents", "2012"],
        ["genre", "congress", "1998"], ["genre", "congress", "2003"],
        ["genre", "government", "1998"], ["genre", "government", "1999"],
        ["genre", "government", "2003"],
    ]


def test_metadata_attaches_to_trend_rows():
    table = textstat_slogan_trends(
        CROSSED, MENTIONS, LEX, group_by=["genre×level"], bootstrap_resamples=0, slogans=["团结"]
    )
    out = attach_metadata(table, CROSSED, ["genre", "level", "year"])
    assert out["year"].tolist() == table["year"].tolist()  # the table's own year is kept
    assert out[["genre", "level"]].fillna("").values.tolist() == [
        ["", ""], ["", ""], ["", ""], ["", ""],
        ["congress", "national"], ["congress", "national"], ["congress", "provincial"],
        ["government", "national"], ["government", "national"], ["government", "provincial"],
    ]


@pytest.mark.parametrize(
    ("documents", "options", "message"),
    [
        (DOCUMENTS, {"time": "month"}, "^textstat_slogan_trends: time must be one of 'year', 'decade', 'period'"),
        (DOCUMENTS, {"time": "period"}, "needs break years"),
        (DOCUMENTS, {"time": "period", "periods": [2012, 2000]}, "increase strictly"),
        (DOCUMENTS, {"time": "decade", "group_by": ["decade"]}, "contains the time column"),
        (add_crossings(DOCUMENTS, ["genre*year"]), {"group_by": ["genre×year"]},
         "'genre×year' contains the time column 'year'"),
        (DOCUMENTS, {"group_by": ["region"]}, "'region' is not a column.*add it to the metadata"),
        (DOCUMENTS, {"group_by": ["genre*level"]}, "add_crossings"),
        (DOCUMENTS, {"group_by": "genre"}, "must be a list"),
        (CROSSED, {"group_by": ["genre×level", "genre*level"]}, "lists 'genre×level' twice"),
        (DOCUMENTS.drop(columns="year"), {}, "no year column"),
        (DOCUMENTS.assign(year=pd.array([None] * 7, dtype="Int64")), {}, "no document has a year"),
        (DOCUMENTS, {"resample": "sentences"}, "resample must be one of"),
        (DOCUMENTS, {"bootstrap_resamples": -1}, "bootstrap_resamples"),
    ],
)
def test_bad_options(documents, options, message):
    with pytest.raises(InputError, match=message):
        textstat_slogan_trends(documents, MENTIONS, LEX, **options)


def test_a_mention_of_an_unknown_document_is_still_an_error():
    stranger = MENTIONS.iloc[:1].assign(doc_id="nowhere")
    with pytest.raises(InputError, match="doc_id 'nowhere'"):
        textstat_slogan_trends(DOCUMENTS, pd.concat([MENTIONS, stranger]), LEX)


@pytest.mark.parametrize(
    ("arguments", "options", "message"),
    [
        ({"documents": None}, {}, "expected the documents table as a pandas DataFrame"),
        ({"documents": DOCUMENTS.drop(columns="text")}, {},
         r"the documents table lacks column\(s\) text; pass corpus.documents"),
        ({"mentions": MENTIONS.drop(columns="is_token")}, {},
         r"the mentions table lacks column\(s\) is_token; pass corpus.mentions"),
        ({"lexicon": "slogans.yml"}, {}, "lexicon must be a SloganLexicon"),
        ({}, {"slogans": ["和谐社会"]}, "unknown slogan"),
        ({}, {"time": 1998}, "time must be one of 'year', 'decade', 'period', got 1998"),
        ({}, {"group_by": ["region"]}, "'region' is not a column"),
        ({}, {"bootstrap_resamples": 2.5}, "bootstrap_resamples must be a whole number"),
        ({}, {"confidence": 1.5}, "confidence must be a number between 0 and 1"),
        ({}, {"seed": -1}, "seed must be a whole number ≥ 0, got -1"),
        ({}, {"resample": "years"}, "resample must be one of 'paragraphs', 'documents'"),
        ({"mentions": MENTIONS.assign(end=MENTIONS["end"] + 100)}, {},
         "mention offsets do not fit"),
    ],
)
def test_each_bad_argument_is_an_input_error_naming_the_measure(arguments, options, message):
    given = {"documents": DOCUMENTS, "mentions": MENTIONS, "lexicon": LEX, **arguments}
    with pytest.raises(InputError, match=f"^textstat_slogan_trends: .*{message}"):
        textstat_slogan_trends(given["documents"], given["mentions"], given["lexicon"], **options)
