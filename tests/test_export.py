"""Writing tables: a complete Parquet file beside a CSV a spreadsheet can open."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.run.export import CsvLimits, csv_rows, write_tables

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
