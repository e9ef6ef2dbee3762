"""Writing tables: a complete Parquet file beside a CSV a spreadsheet can open."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.run import export
from analysis.run.export import (
    PARQUET_ONLY,
    CsvLimits,
    TableWriting,
    csv_rows,
    write_csv,
    write_parquet,
    write_tables,
)

RANKED = pd.DataFrame(
    {
        "doc_id": ["a"] * 4 + ["b"] * 3,
        "term": ["团结", "班子", "工作", "发展", "团结", "民主", "会议"],
        "count": [9, 5, 5, 1, 3, 2, 1],
        "rank": [1, 2, 2, 4, 1, 2, 3],
    }
)


def test_a_small_table_is_written_whole_in_both_formats(tmp_path):
    files, cut = write_tables({"terms": RANKED}, tmp_path)
    assert [p.name for p in files] == ["terms.parquet", "terms.csv"]
    assert cut == {}
    assert (tmp_path / "terms.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "terms.parquet"), RANKED)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "terms.csv", encoding="utf-8-sig"), RANKED)


def test_a_long_ranked_table_keeps_the_best_ranked_terms_of_each_unit_in_its_csv(tmp_path):
    limits = CsvLimits(max_rows=5, top_terms=2)
    rows, rule = csv_rows(RANKED, limits)
    # 工作 ties with 班子 at rank 2 of document a: the table's order decides, so no tie at the
    # cut brings back more than two terms per document
    assert rows["term"].tolist() == ["团结", "班子", "团结", "民主"]
    assert rule == "the 2 best-ranked terms of each unit"
    _, cut = write_tables({"terms": RANKED}, tmp_path, limits=limits)
    assert cut == {"terms": {"rows": 7, "csv_rows": 4, "rule": rule}}
    assert len(pd.read_csv(tmp_path / "terms.csv", encoding="utf-8-sig")) == 4
    assert len(pd.read_parquet(tmp_path / "terms.parquet")) == 7  # complete


def test_a_long_unranked_table_keeps_its_first_rows(tmp_path):
    table = RANKED.drop(columns="rank")
    _, cut = write_tables({"lines": table}, tmp_path, limits=CsvLimits(max_rows=3))
    assert cut["lines"] == {"rows": 7, "csv_rows": 3, "rule": "the first 3 rows"}
    kept = pd.read_csv(tmp_path / "lines.csv", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(kept, table.head(3))


def test_texts_are_written_as_parquet_only(tmp_path):
    texts = pd.DataFrame({"doc_id": ["a"], "text": ["团结" * 20_000], "translation": [""]})
    files, _ = write_tables({"texts": texts}, tmp_path)
    assert [p.name for p in files] == ["texts.parquet"]


def test_parquet_is_byte_reproducible(tmp_path):
    write_tables({"t": RANKED}, tmp_path / "1")
    write_tables({"t": RANKED}, tmp_path / "2")
    assert (tmp_path / "1" / "t.parquet").read_bytes() == (
        tmp_path / "2" / "t.parquet"
    ).read_bytes()


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "100"])
def test_limits_must_be_whole_numbers(bad):
    with pytest.raises(InputError, match="csv_max_rows"):
        CsvLimits(max_rows=bad)
    with pytest.raises(InputError, match="csv_top_terms"):
        CsvLimits(top_terms=bad)


# --- the writers and the CSV cut, directly ------------------------------------------------------


def test_write_csv_is_utf8_with_bom_newline_ended_and_without_index(tmp_path):
    table = pd.DataFrame({"term": ["团结", "民主"], "count": [2, 1]}, index=[7, 8])
    path = write_csv(table, tmp_path / "sub" / "t.csv")
    assert path == tmp_path / "sub" / "t.csv"
    assert path.read_bytes() == "\ufeffterm,count\n团结,2\n民主,1\n".encode()


def test_write_parquet_keeps_the_column_types_and_drops_the_index(tmp_path):
    table = pd.DataFrame(
        {"n": pd.array([1, None], dtype="Int64"), "x": [0.5, float("nan")], "s": ["团结", None],
         "flag": [True, False]},
        index=[5, 6],
    )
    path = write_parquet(table, tmp_path / "t.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, table.reset_index(drop=True))
    assert back["n"].dtype == "Int64" and back["flag"].dtype == bool


@pytest.mark.parametrize("writer", [write_csv, write_parquet])
def test_the_writers_refuse_what_is_not_a_data_frame(tmp_path, writer):
    with pytest.raises(TypeError, match=f"{writer.__name__} expects a pandas DataFrame, got list"):
        writer([["a"]], tmp_path / "t")
    assert list(tmp_path.iterdir()) == []


def test_a_table_of_exactly_max_rows_is_kept_whole():
    rows, rule = csv_rows(RANKED, CsvLimits(max_rows=7, top_terms=1))
    assert rule == "" and rows is RANKED


def test_the_best_ranked_terms_are_cut_again_when_still_too_many():
    rows, rule = csv_rows(RANKED, CsvLimits(max_rows=3, top_terms=2))
    # the two best of a (团结, 班子) and of b (团结, 民主), then the first three of those
    assert rows["term"].tolist() == ["团结", "班子", "团结"]
    assert rule == "the 2 best-ranked terms of each unit, then the first 3 rows"
    big = pd.DataFrame({"line": range(1500)})
    assert csv_rows(big, CsvLimits(max_rows=1000))[1] == "the first 1,000 rows"


def test_a_ranking_without_a_term_column_keeps_the_best_ranked_rows_overall():
    ranking = pd.DataFrame({"slogan": list("abcde"), "rank": [3, 1, 2, 1, 5]})
    rows, rule = csv_rows(ranking, CsvLimits(max_rows=4, top_terms=2))
    assert rows["slogan"].tolist() == ["b", "d"]  # ranks 1 and 1, in the table's order
    assert rule == "the 2 best-ranked terms of each unit"


def test_units_with_a_missing_value_are_units_too():
    # term_frequencies has scope … ngram before term; a corpus row has no doc_id
    table = pd.DataFrame(
        {"doc_id": [None, None, "a", "a"], "term": ["团结", "民主", "团结", "民主"],
         "rank": [1, 1, 1, 1]}
    )
    # all tied at rank 1: one term of each unit, the corpus's (doc_id missing) included
    rows, _ = csv_rows(table, CsvLimits(max_rows=3, top_terms=1))
    assert rows.index.tolist() == [0, 2]


def test_a_table_name_may_not_leave_the_folder(tmp_path):
    with pytest.raises(InputError, match="escapes the output folder"):
        write_tables({"../t": RANKED}, tmp_path / "out")
    assert not (tmp_path / "t.parquet").exists()


def test_only_texts_are_parquet_only():
    assert frozenset({"texts"}) == PARQUET_ONLY


def test_tables_written_by_worker_processes_are_the_same_files(tmp_path, monkeypatch):
    tables = {
        "terms": RANKED,
        "lines": RANKED.drop(columns="rank"),
        "texts": pd.DataFrame({"doc_id": ["a"], "text": ["团结"], "translation": [""]}),
    }
    limits = CsvLimits(max_rows=5, top_terms=2)
    here = write_tables(tables, tmp_path / "here", limits=limits, jobs=1)
    monkeypatch.setattr(export, "PARALLEL_WRITE_ROWS", 0)  # worth workers whatever the size
    with TableWriting(tables, tmp_path / "workers", limits=limits, jobs=2) as writing:
        assert writing.in_workers
        files, cut = writing.result()
    assert cut == here[1]
    assert [p.relative_to(tmp_path / "workers") for p in files] == [
        p.relative_to(tmp_path / "here") for p in here[0]
    ]
    for path in here[0]:
        assert path.read_bytes() == (tmp_path / "workers" / path.name).read_bytes(), path.name


def test_a_worker_that_cannot_write_raises_the_error_here(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PARALLEL_WRITE_ROWS", 0)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the tables folder should be", encoding="utf-8")
    with pytest.raises(OSError), TableWriting(
        {"a": RANKED, "b": RANKED}, blocked / "tables", jobs=2
    ) as writing:
        assert writing.in_workers
        writing.result()
