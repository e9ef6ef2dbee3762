"""summary_tables / write_summary: the compact tables a paper reports, for five documents (a column
per document) and for a large corpus (columns per group, the most similar pairs). The workbook's
numbers and the LaTeX floats are tested in tests/test_summary.py."""

from __future__ import annotations

import io
import re
import time
import warnings
import zipfile

import openpyxl
import pandas as pd
import pytest

from analysis.config.settings import load_settings
from analysis.run.runner import summary_tables, write_summary
from analysis.run.summary import LATEX_MAX_ROWS, Column, SummaryTable
from analysis.run.tables import compute_tables

DOCS = [
    "cidu_opinion_2005",
    "cityoffice_speech_2003",
    "jilin_news_2007",
    "nansha_speech_2007",
    "yangzhou_opinion_2007",
]


@pytest.fixture(scope="module")
def results(study_corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compute_tables(study_corpus, load_settings())


def test_five_documents_get_a_column_each(results):
    summary = summary_tables(results)
    rates = summary["slogan_rates"].layout.set_index("slogan")
    assert sorted(rates.columns) == sorted([*DOCS, "all documents"])
    # Hand-checkable: 59 mentions of 团结 in the 24,827 cleaned characters of the five documents.
    counts = summary["slogan_counts"].layout.set_index("slogan")
    assert counts.loc["团结", "all documents"] == "59 (32)"
    assert counts.loc["一把手", "nansha_speech_2007"] == "13 (13)"
    assert rates.loc["团结", "all documents"].startswith("23.8 [")
    similarity = summary["similarity"].data.set_index("doc_id")
    assert similarity.shape == (5, 5)
    assert (similarity.to_numpy().diagonal() == 1.0).all()
    assert list(summary["top_tfidf_terms"].layout["rank"]) == [1, 2, 3, 4, 5]
    # the workbook's rows: one per slogan and place, the printed cell made of its numbers
    data = summary["slogan_rates"].data.set_index(["slogan", "document"])
    row = data.loc[("团结", "all documents")]
    assert rates.loc["团结", "all documents"] == (
        f"{row['per_10k_chars']:.1f} [{row['ci_low']:.1f}, {row['ci_high']:.1f}]"
    )
    assert len(data) == len(rates) * len(rates.columns)


def test_a_large_corpus_gets_group_columns_and_the_most_similar_pairs(results):
    summary = summary_tables(results, wide_documents=2, top_pairs=3)
    rates = summary["slogan_rates"].layout
    assert "all documents" in rates.columns
    assert not set(DOCS) & set(rates.columns)
    assert {"level = city", "genre = speech"} <= set(rates.columns)
    pairs = summary["similarity"].data
    assert list(pairs.columns) == ["doc_a", "doc_b", "cosine", "jaccard"]
    assert len(pairs) == 3 and (pairs["doc_a"] < pairs["doc_b"]).all()
    full = results.tables["similarity"]
    off_diagonal = full[full["doc_a"] < full["doc_b"]].nlargest(3, "cosine")
    assert list(pairs["cosine"]) == list(off_diagonal["cosine"].round(3))
    top = summary["top_tfidf_terms"].layout
    assert sorted(top["doc_id"]) == DOCS and list(top.columns[1:]) == ["1", "2", "3", "4", "5"]


def test_summary_is_written_as_a_workbook_and_latex(results, tmp_path):
    summary = summary_tables(results)
    written = write_summary(summary, tmp_path)
    workbook = openpyxl.load_workbook(tmp_path / "summary.xlsx", read_only=True)
    assert workbook.sheetnames == ["columns", *summary]
    first = pd.read_excel(tmp_path / "summary.xlsx", sheet_name="slogan_counts")
    assert first.iloc[0, 0] == summary["slogan_counts"].data.iloc[0, 0]
    latex = (tmp_path / "latex" / "similarity.tex").read_text(encoding="utf-8")
    assert "\\toprule" in latex and "xeCJK" in latex
    assert len(written) == 1 + len(summary)


def test_summary_options_are_checked(results):
    with pytest.raises(ValueError, match="top_pairs"):
        summary_tables(results, top_pairs=0)


def test_the_workbook_is_the_same_bytes_whenever_it_is_written(results, tmp_path):
    summary = summary_tables(results)
    write_summary(summary, tmp_path / "a")
    data = (tmp_path / "a" / "summary.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("1980-01-01T00:00:00Z") == 2  # created and modified
    assert re.search(r"20\d\d-", core) is None  # no wall-clock time left
    time.sleep(2.1)  # zip headers count in 2-second steps
    write_summary(summary, tmp_path / "b")
    assert (tmp_path / "b" / "summary.xlsx").read_bytes() == data
    sheets = pd.read_excel(tmp_path / "b" / "summary.xlsx", sheet_name=None)
    assert list(sheets) == ["columns", *summary]


def test_a_latex_table_keeps_a_page_of_rows_and_says_so(tmp_path):
    documents = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(LATEX_MAX_ROWS + 5)]})
    columns = {"doc_id": Column("document")}
    write_summary(
        {
            "documents": SummaryTable(documents, columns, "Documents."),
            "small": SummaryTable(documents.head(3), columns, "A few documents."),
        },
        tmp_path,
    )
    latex = (tmp_path / "latex" / "documents.tex").read_text(encoding="utf-8")
    assert f"% the first {LATEX_MAX_ROWS} of {LATEX_MAX_ROWS + 5} rows" in latex
    assert f"First {LATEX_MAX_ROWS} of {LATEX_MAX_ROWS + 5} rows" in latex  # in the caption
    assert f"d{LATEX_MAX_ROWS - 1:03d}" in latex and f"d{LATEX_MAX_ROWS:03d}" not in latex
    assert "the first" not in (tmp_path / "latex" / "small.tex").read_text(encoding="utf-8")
    workbook = pd.read_excel(tmp_path / "summary.xlsx", sheet_name="documents")
    assert len(workbook) == LATEX_MAX_ROWS + 5
