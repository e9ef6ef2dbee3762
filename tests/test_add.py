"""``add`` appends one metadata row and keeps every existing byte; what it refuses it refuses
before anything is written (issue 12, defect 7)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.corpus.add import add_text
from analysis.corpus.load import load_corpus, read_metadata
from analysis.errors import InputError

BOM = b"\xef\xbb\xbf"
# What Excel on Chinese Windows and hand editing leave: BOM, CRLF, a duplicated header, a
# trailing comma on every line, a year written as 2012.0, a quoted title with a comma.
AWKWARD_METADATA = BOM + (
    "doc_id,file,title,year,title,genre,\r\n"
    'old,old.txt,"旧,稿",2012.0,副标题,speech,\r\n'
).encode()


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "old.txt").write_text("坚持民主集中制。", encoding="utf-8")
    return folder


def _new_text(tmp_path, name="新讲话 2009.txt", text="要讲团结。"):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    return source


def test_the_row_is_appended_and_every_existing_byte_kept(tmp_path, corpus):
    metadata = corpus / "metadata.csv"
    metadata.write_bytes(AWKWARD_METADATA)
    target, row = add_text(
        _new_text(tmp_path), corpus, metadata=metadata, doc_id="new", fields={"title": "新"}
    )
    assert target == (corpus / "new.txt").resolve()
    assert metadata.read_bytes() == AWKWARD_METADATA + b"new,new.txt,\xe6\x96\xb0,2009,,,\r\n"
    loaded = load_corpus(corpus, metadata).set_index("doc_id")
    assert loaded.loc["new", "year"] == 2009 and loaded.loc["old", "year"] == 2012
    assert row["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()


def test_a_last_line_without_newline_gets_one_before_the_new_row(tmp_path, corpus):
    metadata = corpus / "metadata.csv"
    metadata.write_bytes(b"doc_id,file,sha256\nold,old.txt,")
    add_text(_new_text(tmp_path, "a.txt"), corpus, metadata=metadata)
    digest = hashlib.sha256("要讲团结。".encode()).hexdigest()
    assert metadata.read_bytes() == f"doc_id,file,sha256\nold,old.txt,\na,a.txt,{digest}\n".encode()


def test_a_new_metadata_file_is_utf8_with_bom_and_loads(tmp_path, corpus):
    metadata = corpus / "metadata.csv"
    add_text(_new_text(tmp_path), corpus, metadata=metadata, fields={"genre": "讲话"})
    assert metadata.read_bytes().startswith(BOM)
    table = read_metadata(metadata)
    assert table.loc[0, "doc_id"] == "新讲话_2009" and table.loc[0, "genre"] == "讲话"
    assert table.loc[0, "year"] == 2009


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--year", "二〇〇九"], "--year '二〇〇九' is not a year in digits"),
        (["--year", "2009.5"], "is not a year in digits"),
        (["--region", "北京"], "has no column region; add the column to its header"),
    ],
)
def test_refused_fields_change_nothing(tmp_path, corpus, capsys, arguments, expected):
    metadata = corpus / "metadata.csv"
    metadata.write_bytes(AWKWARD_METADATA)
    before = sorted(p.name for p in corpus.iterdir())
    code = main(["add", str(_new_text(tmp_path)), "--to", str(corpus), "--metadata", str(metadata), *arguments])
    err = capsys.readouterr().err
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1
    assert metadata.read_bytes() == AWKWARD_METADATA
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_a_file_the_corpus_would_not_read_is_refused(tmp_path, corpus, capsys):
    source = _new_text(tmp_path, "news.md")
    assert main(["add", str(source), "--to", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert "ends in .md but the corpus is read as .txt files" in err and "--ext .md" in err
    assert not (corpus / "news.md").exists()
    # with the corpus's own ending it is added, and a run with that ending reads it
    assert main(["add", str(source), "--to", str(corpus), "--ext", ".txt,.md"]) == 0
    loaded = load_corpus(corpus, extensions=(".txt", ".md"))
    assert set(loaded["doc_id"]) == {"old", "news"}


def test_a_metadata_file_run_would_refuse_is_reported_and_left_alone(tmp_path, corpus):
    metadata = corpus / "metadata.csv"
    broken = b"doc_id,file\nold,old.txt\nold,again.txt\n"
    metadata.write_bytes(broken)
    with pytest.raises(InputError, match="appears on rows 2, 3"):
        add_text(_new_text(tmp_path), corpus, metadata=metadata)
    assert metadata.read_bytes() == broken and not (corpus / "新讲话_2009.txt").exists()


def test_adds_at_the_same_time_keep_every_row(tmp_path, corpus):
    import subprocess
    import sys

    from conftest import PROJECT

    metadata = corpus / "metadata.csv"
    metadata.write_bytes(b"doc_id,file,year\nold,old.txt,2001\n")
    sources = []
    for i in range(4):
        source = tmp_path / f"n{i}.txt"
        source.write_text(f"第{i}篇：要讲团结。" * (i + 1), encoding="utf-8")
        sources.append(source)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "analysis", "add", str(source), "--to", str(corpus),
             "--metadata", str(metadata), "--year", "2010"],
            cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for source in sources
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    loaded = load_corpus(corpus, metadata)
    assert sorted(loaded["doc_id"]) == ["n0", "n1", "n2", "n3", "old"]
    assert loaded["year"].tolist().count(2010) == 4  # every row written, none lost


def test_a_sub_folder_of_a_corpus_is_refused_as_the_target(tmp_path, corpus, capsys):
    (corpus / "1978").mkdir()
    (corpus / "old.txt").rename(corpus / "1978" / "old.txt")
    metadata = corpus / "metadata.csv"
    metadata.write_bytes(b"doc_id,file,year\nold,1978/old.txt,1978\n")
    code = main(["add", str(_new_text(tmp_path)), "--to", str(corpus / "1978"),
                 "--metadata", str(metadata)])
    err = capsys.readouterr().err
    assert code == 2 and "names '1978/old.txt', which is not in" in err and "Pass --to" in err
    assert metadata.read_bytes() == b"doc_id,file,year\nold,1978/old.txt,1978\n"
    assert sorted(p.name for p in (corpus / "1978").iterdir()) == ["old.txt"]


def test_a_linked_metadata_file_gets_the_row_where_it_is_kept(tmp_path, corpus):
    kept = tmp_path / "keep" / "meta.csv"
    kept.parent.mkdir()
    kept.write_bytes(b"doc_id,file\nold,old.txt\n")
    link = corpus / "metadata.csv"
    link.symlink_to(kept)
    add_text(_new_text(tmp_path, "a.txt"), corpus, metadata=link)
    assert link.is_symlink() and link.resolve() == kept.resolve()
    assert kept.read_bytes() == b"doc_id,file\nold,old.txt\na,a.txt\n"


# --- add_text and its helpers, called directly -------------------------------------------------


def test_without_metadata_the_text_is_copied_byte_for_byte_and_its_row_returned(tmp_path, corpus):
    source = tmp_path / "新讲话 2009.txt"
    data = "要讲团结，坚持民主集中制。".encode("gb18030")  # not UTF-8: copied as it is
    source.write_bytes(data)
    target, row = add_text(source, corpus)
    assert target == (corpus / "新讲话_2009.txt").resolve()
    assert target.read_bytes() == data
    assert row == {
        "doc_id": "新讲话_2009",
        "file": "新讲话_2009.txt",
        "source_file": "新讲话 2009.txt",
        "sha256": hashlib.sha256(data).hexdigest(),
        "year": 2009,  # read from the file name
        "encoding": "gbk",
    }
    assert sorted(p.name for p in corpus.iterdir()) == ["old.txt", "新讲话_2009.txt"]


def test_given_fields_are_stripped_and_a_given_year_wins_over_the_file_name(tmp_path, corpus):
    _, row = add_text(
        _new_text(tmp_path), corpus, doc_id="d1",
        fields={"year": " 2011 ", "title": " 讲话 ", "genre": "", "level": None},
    )
    assert row["year"] == "2011" and row["title"] == "讲话"
    assert "genre" not in row and "level" not in row  # empty values are not fields


def _refused(call, match, corpus):
    before = {p.name: p.read_bytes() for p in corpus.iterdir() if p.is_file()}
    with pytest.raises(InputError, match=match):
        call()
    assert {p.name: p.read_bytes() for p in corpus.iterdir() if p.is_file()} == before


def test_what_add_text_refuses_it_refuses_before_writing(tmp_path, corpus):
    source = _new_text(tmp_path)
    _refused(lambda: add_text(tmp_path, corpus), "is not a regular file", corpus)
    _refused(lambda: add_text(tmp_path / "none.txt", corpus), "no such file", corpus)
    with pytest.raises(InputError, match="corpus folder not found"):
        add_text(source, tmp_path / "no-corpus")
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\xff")
    _refused(lambda: add_text(binary, corpus), "looks like a binary file", corpus)
    _refused(lambda: add_text(source, corpus, doc_id="../x"), "is not safe as a file name", corpus)
    _refused(lambda: add_text(source, corpus, doc_id="old"), "'old' is already in the corpus",
             corpus)
    same = _new_text(tmp_path, "same.txt", "坚持民主集中制。")  # the bytes of old.txt
    _refused(lambda: add_text(same, corpus), "same content as .*old.txt", corpus)
    _refused(lambda: add_text(source, corpus, fields={"year": "09年"}),
             r"--year '09年' is not a year in digits", corpus)
    (corpus / "taken.txt").mkdir()  # not a text, but the name is taken
    _refused(lambda: add_text(source, corpus, doc_id="taken"), "taken.txt already exists", corpus)


def test_a_doc_id_the_metadata_has_is_refused_even_without_its_file_name(tmp_path, corpus):
    metadata = corpus / "metadata.csv"
    metadata.write_bytes(b"doc_id,file\nspeech,old.txt\n")
    _refused(lambda: add_text(_new_text(tmp_path), corpus, metadata=metadata, doc_id="speech"),
             "'speech' is already in the corpus", corpus)


@pytest.mark.parametrize(
    ("text", "newline"),
    [("a,b\r\nc,d\r\n", "\r\n"), ("a,b\nc,d\n", "\n"), ("a,b\rc,d\r", "\r"), ("a,b", "\n"),
     ("", "\n")],
)
def test_the_new_row_ends_as_the_file_ends_its_lines(text, newline):
    from analysis.corpus.add import _newline_of

    assert _newline_of(text) == newline


def test_the_row_fills_the_first_of_duplicated_columns_and_leaves_out_automatic_ones(tmp_path):
    from analysis.corpus.add import _metadata_with_row

    path = tmp_path / "m.csv"
    path.write_bytes(b"doc_id, file ,title,title\r\nold,old.txt,a,b\r\n")
    row = {"doc_id": "n", "file": "n.txt", "title": "新,稿", "sha256": "x", "source_file": "n"}
    added = _metadata_with_row(path, row, explicit={"title"})
    assert added == path.read_bytes() + 'n,n.txt,"新,稿",\r\n'.encode()
    with pytest.raises(InputError, match=r"has no column genre.*leave out --genre"):
        _metadata_with_row(path, {**row, "genre": "讲话"}, explicit={"title", "genre"})


def test_a_new_metadata_file_has_a_bom_crlf_and_the_rows_columns_in_order():
    from analysis.corpus.add import _new_metadata

    assert _new_metadata({"doc_id": "a", "file": "a.txt", "year": 2009}) == (
        b"\xef\xbb\xbfdoc_id,file,year\r\na,a.txt,2009\r\n"
    )


def test_the_lock_is_one_per_folder_and_outside_it(tmp_path, monkeypatch):
    import tempfile

    from analysis.corpus.add import _lock_for

    (tmp_path / "c").mkdir()
    monkeypatch.chdir(tmp_path)
    lock = _lock_for(tmp_path / "c")
    assert lock.parent == Path(tempfile.gettempdir()) and lock.name.startswith("analysis-add-")
    assert _lock_for(Path("c")) == _lock_for(tmp_path / "c" / ".." / "c") == lock
    assert _lock_for(tmp_path) != lock
