"""The concordance: worked examples, invariants, the renderings, the CLI and the five documents."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import PROJECT
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.config.lexicon import parse_slogans
from analysis.corpus.sentences import corpus_sentences
from analysis.errors import InputError
from analysis.measures.kwic import KWIC_COLUMNS, check_kwic_request, kwic, kwic_html, kwic_text
from analysis.run.export import write_kwic

DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c"],
        "text": ["我们要讲团结。\n团结就是力量，团结协调。", "没有这个词", "班子团结"],
    }
)
LEXICON = parse_slogans(
    {
        "slogans": [
            {"name": "团结", "variants": ["团结", "團結"]},
            {"name": "四个坚持", "parts": ["集体领导", "民主集中", "个别酝酿", "会议决定"]},
        ]
    }
)
# in document order
FOUR_PART_DOCS = ["jilin_news_2007", "cidu_opinion_2005", "yangzhou_opinion_2007"]


def rows(table: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(r) for r in table[columns].itertuples(index=False)]


def test_worked_example():
    table = kwic(DOCS, "团结", width=3)
    assert list(table.columns) == KWIC_COLUMNS
    assert rows(table, KWIC_COLUMNS) == [
        ("a", 1, 1, 4, 6, "们要讲", "团结", "。", "团结", ""),  # right context stops at the line
        ("a", 2, 2, 8, 10, "", "团结", "就是力", "团结", ""),
        ("a", 2, 2, 15, 17, "力量，", "团结", "协调。", "团结", ""),  # ， ends no sentence
        ("c", 1, 1, 2, 4, "班子", "团结", "", "团结", ""),
    ]
    assert table[["para", "sent", "start", "end"]].dtypes.eq("int64").all()


def test_slogan_name_uses_the_slogan_pattern():
    texts = pd.DataFrame(
        {"doc_id": ["x"], "text": ["按照“集体领导，民主集中，个别酝酿，会议决定”的原则。團結"]}
    )
    table = kwic(texts, "四个坚持", slogans=LEXICON, width=2)
    assert rows(table, ["start", "match", "left", "right", "slogan"]) == [
        (3, "集体领导，民主集中，个别酝酿，会议决定", "照“", "”的", "四个坚持")
    ]
    # without the lexicon the name is a regular expression, matching nothing here
    assert kwic(texts, "四个坚持").empty
    # a regular expression: alternatives, any characters between
    regex = kwic(texts, "集体.{2}|原则", width=0)
    assert regex["match"].tolist() == ["集体领导", "原则"] and (regex["slogan"] == "").all()


def test_sorting_like_antconc():
    texts = pd.DataFrame({"doc_id": ["d"], "text": ["乙甲团结丙。丁乙团结甲。甲甲团结乙。"]})
    by_left = kwic(texts, "团结", width=2, sort="left")
    # read right to left, the character just before the match first; 丁 < 乙 < 甲 by code point
    assert by_left["left"].tolist() == ["丁乙", "乙甲", "甲甲"]
    by_right = kwic(texts, "团结", width=2, sort="right")
    assert by_right["right"].tolist() == ["丙。", "乙。", "甲。"]
    assert kwic(texts, "团结", sort="position")["start"].tolist() == [2, 8, 14]


def test_empty_matches_are_refused_and_matches_do_not_overlap():
    texts = pd.DataFrame({"doc_id": ["d"], "text": ["啊啊啊"]})
    with pytest.raises(InputError, match="can match no text at all"):
        kwic(texts, "x*")  # as a slogan's pattern: it would match between every character
    assert kwic(texts, "啊啊")["start"].tolist() == [0]


def test_sentences_default_to_the_cleaned_texts():
    given_sentences = kwic(DOCS, "团结", sentences=corpus_sentences(DOCS))
    pd.testing.assert_frame_equal(given_sentences, kwic(DOCS, "团结"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pattern": "团结("}, "not a valid regular expression|neither a slogan"),
        ({"pattern": ""}, "slogan name or a regular expression"),
        ({"pattern": "团结", "width": -1}, "width"),
        ({"pattern": "团结", "width": 2.5}, "width"),
        ({"pattern": "团结", "sort": "middle"}, "sort must be one of"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(InputError, match=message):
        kwic(DOCS, **kwargs)


def test_missing_columns_are_refused():
    with pytest.raises(InputError, match="doc_id and text"):
        kwic(DOCS[["doc_id"]], "团结")


def test_inputs_are_not_mutated():
    before = DOCS.copy(deep=True)
    table = kwic(DOCS, "团结", sort="left")
    kept = table.copy(deep=True)
    kwic_html(table)
    kwic_text(table)
    pd.testing.assert_frame_equal(DOCS, before)
    pd.testing.assert_frame_equal(table, kept)


TEXT = st.text(alphabet="甲乙丙。\n", max_size=60)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(TEXT, min_size=1, max_size=4),
    st.sampled_from(["甲", "乙丙", "甲+", "[乙丙]。?", "。\n甲", "\n甲"]),
    st.integers(min_value=0, max_value=8),
    st.sampled_from(["position", "left", "right"]),
)
def test_every_row_is_the_text_at_its_offsets(texts, pattern, width, sort):
    documents = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    table = kwic(documents, pattern, width=width, sort=sort)
    text_of = dict(zip(documents["doc_id"], documents["text"], strict=True))
    for r in table.itertuples():
        text = text_of[r.doc_id]
        assert text[r.start - len(r.left) : r.end + len(r.right)] == r.left + r.match + r.right
        assert text[r.start : r.end] == r.match
        assert r.para == text.count("\n", 0, r.start) + 1
        # as wide as allowed, unless the line (paragraph) ends first; nothing padded
        line_start = text.rfind("\n", 0, r.start) + 1
        line_end = text.find("\n", r.end) if "\n" in text[r.end :] else len(text)
        assert len(r.left) == min(width, r.start - line_start) and "\n" not in r.left
        assert len(r.right) == min(width, line_end - r.end) and "\n" not in r.right
    positions = kwic(documents, pattern, width=width)
    assert sorted(positions["start"]) == sorted(table["start"])
    if sort == "left":
        keys = [s[::-1] for s in table["left"]]
        assert keys == sorted(keys)


# --- renderings ------------------------------------------------------------------------------


def test_html_is_standalone_escaped_and_marks_the_match(tmp_path):
    texts = pd.DataFrame(
        {"doc_id": ["<b>x</b>"], "text": ["前文<script>alert('团结')</script>团结&后文"]}
    )
    table = kwic(texts, "团结", width=20)
    page = kwic_html(table, title="<script>t</script>")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh">' in page
    assert '<meta charset="utf-8">' in page
    assert "<script>" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(&#x27;" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert page.count("<mark>团结</mark>") == 2 and "&amp;后文" in page
    path = write_kwic(table, tmp_path / "k.html", title="<script>t</script>")
    assert path.read_bytes().decode("utf-8") == page


def test_csv_has_a_bom_and_round_trips(tmp_path):
    table = kwic(DOCS, "团结", width=3)
    path = write_kwic(table, tmp_path / "out" / "k.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["match"].tolist() == table["match"].tolist()
    assert back["left"].tolist() == table["left"].tolist()
    assert [p.name for p in path.parent.iterdir()] == ["k.csv"]  # no temporary file left


def test_output_paths_are_checked(tmp_path):
    table = kwic(DOCS, "团结")
    with pytest.raises(InputError, match="is a folder"):
        write_kwic(table, tmp_path)
    with pytest.raises(InputError, match=r"\.csv or \.html"):
        write_kwic(table, tmp_path / "k.txt")


def test_plain_text_aligns_the_matches():
    lines = kwic_text(kwic(DOCS, "团结", width=4)).splitlines()
    assert len(lines) == 4
    # display columns before the match: wide characters count two
    from analysis.measures.kwic import _display_width

    columns = {_display_width(line[: line.index("[")]) for line in lines}
    assert len(columns) == 1
    assert kwic_text(kwic(DOCS, "没有的词")) == ""


# --- command line ----------------------------------------------------------------------------


@pytest.fixture
def private_cache(cache_dir, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    return cache_dir


def test_cli_writes_html_of_the_study_documents(tmp_path, private_cache, capsys):
    out = tmp_path / "x.html"
    assert main(["kwic", "团结", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page and "<mark>团结</mark>" in page
    assert "jilin_news_2007" in page
    assert "wrote" in capsys.readouterr().out


def test_cli_prints_sorted_concordance(private_cache, capsys):
    assert main(["kwic", "一把手", "--width", "5", "--sort", "left"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines and all("[一把手]" in line for line in lines)
    assert "matches of 一把手" in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["kwic", "团结("], "regular expression"),
        (["kwic", "团结", "--width", "-3"], "width"),
        (["kwic", "团结", "--out", "{tmp}"], "is a folder"),
        (["kwic", "团结", "--out", "{tmp}/k.pdf"], ".csv or .html"),
    ],
)
def test_cli_errors_are_one_line_with_exit_2(argv, message, tmp_path, private_cache, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_cli_in_a_subprocess(tmp_path, cache_dir):
    out = tmp_path / "k.csv"
    env = {**os.environ, "ANALYSIS_CACHE": str(cache_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "kwic", "集体领导、民主集中、个别酝酿、会议决定",
         "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table["doc_id"].tolist() == FOUR_PART_DOCS
    bad = subprocess.run(
        [sys.executable, "-m", "analysis", "kwic", "[团结"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("error: ") and "regular expression" in bad.stderr


# --- the five study documents ----------------------------------------------------------------


def test_study_corpus_agrees_with_the_mentions_table(study_corpus):
    """Every slogan's concordance lists exactly its mentions, at the same places."""
    columns = ["doc_id", "start", "end", "para", "sent"]
    for slogan in study_corpus.slogans:
        table = kwic(
            study_corpus.documents, slogan.name, slogans=study_corpus.slogans,
            sentences=study_corpus.sentences,
        )
        mentions = study_corpus.mentions[study_corpus.mentions["slogan"] == slogan.name]
        assert rows(table, columns) == rows(mentions, columns), slogan.name
        assert table["match"].tolist() == mentions["variant"].tolist()
        assert (table["slogan"] == slogan.name).all()


def test_study_corpus_four_part_formula(study_corpus):
    table = kwic(
        study_corpus.documents, "集体领导、民主集中、个别酝酿、会议决定",
        slogans=study_corpus.slogans, width=4,
    )
    assert table["doc_id"].tolist() == FOUR_PART_DOCS
    assert table["match"].tolist()[1] == "集体领导，民主集中，个别酝酿，会议决定"
    assert table["right"].str.contains("的原则").all()


def test_a_traditional_pattern_finds_the_simplified_text():
    texts = pd.DataFrame({"doc_id": ["d"], "text": ["要讲团结，四强一硬。"]})
    assert kwic(texts, "團結")["match"].tolist() == ["团结"]
    assert kwic(texts, "re:四強.硬")["match"].tolist() == ["四强一硬"]


@pytest.mark.parametrize(
    ("documents", "options", "message"),
    [
        (DOCS.to_dict(), {}, "expected the documents table as a pandas DataFrame"),
        (DOCS[["text"]], {}, r"the documents table lacks column\(s\) doc_id"),
        (DOCS, {"pattern": ""}, "pattern must be a slogan name or a regular expression"),
        (DOCS, {"pattern": "团结("}, "neither a slogan in the lexicon nor a valid regular"),
        (DOCS, {"pattern": "re:"}, "nothing after re:"),
        (DOCS, {"pattern": "re:a*"}, "can match no text at all"),
        (DOCS, {"width": -1}, "width must be a whole number ≥ 0, got -1"),
        (DOCS, {"width": True}, "width must be a whole number ≥ 0, got True"),
        (DOCS, {"sort": "middle"}, "sort must be one of 'position', 'left', 'right', got 'middle'"),
    ],
)
def test_each_bad_argument_is_an_input_error_naming_kwic(documents, options, message):
    with pytest.raises(InputError, match=f"^kwic: .*{message}"):
        kwic(documents, **{"pattern": "团结", **options})


def test_a_bad_request_is_refused_before_any_text_is_read(tmp_path):
    check_kwic_request("团结", LEXICON, width=3, sort="left", out=tmp_path / "k.html")
    for options, message in [
        ({"width": 2.5}, "width must be a whole number"),
        ({"sort": "up"}, "sort must be one of"),
        ({"out": tmp_path}, "is a folder"),
        ({"out": tmp_path / "k.pdf"}, r"unknown output format \.pdf; use \.csv or \.html"),
    ]:
        request = {"width": 3, "sort": "left", "out": None, **options}
        with pytest.raises(InputError, match=f"^kwic: .*{message}"):
            check_kwic_request("团结", LEXICON, **request)
    with pytest.raises(InputError, match=r"^write_kwic: .*is a folder"):
        write_kwic(kwic(DOCS, "团结"), tmp_path)
