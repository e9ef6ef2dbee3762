"""load_corpus and the metadata: the raw data is intact and bad folders fail clearly."""

from __future__ import annotations

import hashlib
import warnings

import pandas as pd
import pytest
from conftest import METADATA, RAW, STUDY_DOC_IDS

from analysis.corpus.load import doc_id_from_path, load_corpus, read_metadata, year_from_name
from analysis.errors import InputError

METADATA_COLUMNS = [
    "doc_id",
    "file",
    "source_file",
    "title",
    "year",
    "year_basis",
    "level",
    "region",
    "genre",
    "speaker_or_issuer",
    "script",
    "source_site",
    "sha256",
]


def test_every_raw_file_matches_its_sha256():
    meta = read_metadata(METADATA)
    for row in meta.itertuples():
        digest = hashlib.sha256((RAW / row.file).read_bytes()).hexdigest()
        assert digest == row.sha256, f"{row.file} was edited: raw data must stay as received"


def test_metadata_has_the_documented_columns_and_values():
    meta = read_metadata(METADATA)
    assert list(meta.columns[: len(METADATA_COLUMNS)]) == METADATA_COLUMNS
    assert meta["doc_id"].tolist() == STUDY_DOC_IDS
    assert set(meta["level"]) == {"province", "city", "district"}
    assert set(meta["genre"]) == {"speech", "opinion", "news report"}
    assert meta["year_basis"].str.startswith("inferred").all()
    assert sorted(p.name for p in RAW.iterdir()) == sorted(meta["file"])


def test_load_corpus_reads_the_five_documents_with_metadata():
    corpus = load_corpus(RAW, METADATA)
    assert corpus["doc_id"].tolist() == STUDY_DOC_IDS
    assert (corpus["encoding"] == "utf-8").all()
    assert corpus.loc[0, "raw_text"] == (RAW / "jilin_news_2007.txt").read_text(encoding="utf-8")
    assert corpus["year"].tolist() == [2007, 2005, 2007, 2007, 2003]
    assert list(corpus.columns[:4]) == ["doc_id", "file", "encoding", "n_chars_raw"]


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def test_texts_without_metadata_load_with_ids_from_file_names(tmp_path):
    write(tmp_path, "gwr_1998.txt", "各位代表：")
    write(tmp_path, "sub/报告 2001.txt", "團結", "big5")
    corpus = load_corpus(tmp_path)
    assert corpus["doc_id"].tolist() == ["gwr_1998", "报告_2001"]
    assert corpus["file"].tolist() == ["gwr_1998.txt", "sub/报告 2001.txt"]
    assert corpus["encoding"].tolist() == ["utf-8", "big5"]
    assert corpus["year"].tolist() == [1998, 2001]
    assert corpus["title"].isna().all()


def test_a_text_without_a_metadata_row_loads_with_a_warning(tmp_path):
    write(tmp_path, "a.txt", "团结")
    write(tmp_path, "b.txt", "统一")
    meta = pd.DataFrame({"doc_id": ["doc_a"], "file": ["a.txt"], "title": ["甲"]})
    with pytest.warns(UserWarning, match=r"1 text\(s\).*b.txt"):
        corpus = load_corpus(tmp_path, meta)
    assert corpus["doc_id"].tolist() == ["doc_a", "b"]
    assert corpus["title"].tolist()[0] == "甲"


def test_a_metadata_row_without_its_file_is_an_error_naming_both(tmp_path):
    write(tmp_path, "a.txt", "团结")
    meta = pd.DataFrame({"doc_id": ["doc_a", "doc_b"], "file": ["a.txt", "b.txt"]})
    with pytest.raises(InputError, match=r"doc_b.*b\.txt"):
        load_corpus(tmp_path, meta)


def test_two_documents_with_one_doc_id_are_an_error_naming_both_files(tmp_path):
    write(tmp_path, "x/report.txt", "团结")
    write(tmp_path, "y/report.txt", "统一")
    with pytest.raises(InputError, match=r"x/report\.txt.*y/report\.txt"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("doc_id,title\na,x\n", "missing column.*file"),
        ("doc_id,file\na,a.txt\na,b.txt\n", "doc_id 'a' appears on rows 2, 3"),
        ("doc_id,file\n../evil,a.txt\n", "not safe as a file name"),
        ("doc_id,file,year\na,a.txt,about 2005\n", "year 'about 2005' on row 2"),
        ("doc_id,file\n,a.txt\n", "row 2 has an empty doc_id"),
    ],
)
def test_malformed_metadata_is_an_error_naming_the_file(tmp_path, csv, message):
    path = tmp_path / "meta.csv"
    path.write_text(csv, encoding="utf-8")
    write(tmp_path / "texts", "a.txt", "团结")
    with pytest.raises(InputError, match=message) as caught:
        load_corpus(tmp_path / "texts", path)
    assert "meta.csv" in str(caught.value)


def test_metadata_in_gbk_is_an_error_that_says_how_to_save_it(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_bytes("doc_id,file,title\na,a.txt,团结\n".encode("gbk"))
    with pytest.raises(InputError, match="CSV UTF-8"):
        read_metadata(path)


def test_an_edited_raw_file_is_reported(tmp_path):
    write(tmp_path, "a.txt", "团结")
    meta = pd.DataFrame({"doc_id": ["a"], "file": ["a.txt"], "sha256": ["0" * 64]})
    with pytest.warns(UserWarning, match="differs from the sha256"):
        load_corpus(tmp_path, meta)


def test_missing_or_empty_folders_are_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_corpus(tmp_path / "nowhere")
    with pytest.raises(InputError, match=r"no \.txt files"):
        load_corpus(tmp_path)


def test_an_undecodable_file_stops_the_load_and_is_named(tmp_path):
    write(tmp_path, "good.txt", "团结")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(InputError, match=r"bad\.txt"):
        load_corpus(tmp_path)


def test_load_corpus_does_not_modify_the_metadata_table(tmp_path):
    write(tmp_path, "a.txt", "团结")
    meta = pd.DataFrame({"doc_id": ["a"], "file": ["a.txt"], "year": ["2001"]})
    before = meta.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_corpus(tmp_path, meta)
    pd.testing.assert_frame_equal(meta, before)


@pytest.mark.parametrize(
    ("name", "doc_id", "year"),
    [
        ("gwr_1998.txt", "gwr_1998", 1998),
        ("cpc congress (15).txt", "cpc_congress_15", None),
        ("20230101.md", "20230101", 2023),
        ("20231301.md", "20231301", None),
        ("..hidden.txt", "hidden", None),
        ("report-2019-final.txt", "report-2019-final", 2019),
    ],
)
def test_doc_ids_and_years_from_file_names(name, doc_id, year):
    assert doc_id_from_path(name) == doc_id
    assert year_from_name(name) == year


# --- properties ------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(alphabet=st.characters(codec="gb18030"), max_size=60).map(
            lambda t: t.encode("gb18030")
        ),
    )
)
def test_any_bytes_load_or_fail_with_an_input_error_naming_the_file(tmp_path, data):
    folder = tmp_path / "any"
    folder.mkdir(exist_ok=True)
    (folder / "doc.txt").write_bytes(data)
    try:
        corpus = load_corpus(folder)
    except InputError as exc:
        assert "doc.txt" in str(exc)
    else:
        assert corpus["doc_id"].tolist() == ["doc"]
        assert isinstance(corpus.loc[0, "raw_text"], str) and corpus.loc[0, "raw_text"].strip()


def test_the_sha256_check_reads_the_file_as_hashlib_does(tmp_path):
    from analysis.corpus.load import file_sha256

    data = "团结".encode() * 100_000 + b"\r\n\x00end"
    (tmp_path / "big.txt").write_bytes(data)
    assert file_sha256(tmp_path / "big.txt") == hashlib.sha256(data).hexdigest()


def test_load_options_are_checked(tmp_path):
    write(tmp_path, "a.txt", "团结")
    with pytest.raises(InputError, match=r"load_corpus: extensions must be file endings"):
        load_corpus(tmp_path, extensions=("txt",))
    with pytest.raises(InputError, match="load_corpus: infer_metadata must be true or false"):
        load_corpus(tmp_path, infer_metadata="no")  # type: ignore[arg-type]
