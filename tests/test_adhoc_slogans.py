"""Ad-hoc slogans: terms and regular expressions named in --slogans but not in the lexicon."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from io import StringIO

import pandas as pd
import pytest
from conftest import DATA, PROJECT
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.config.lexicon import (
    Slogan,
    SloganLexicon,
    ad_hoc_note,
    choose_slogans,
    load_slogans,
    load_stopwords,
    load_userdict,
    parse_slogans,
    slogans_from_terms,
    split_slogan_list,
)
from analysis.corpus.clean import clean_corpus
from analysis.corpus.mentions import find_slogan_mentions
from analysis.corpus.segment import SegmenterConfig, segment_texts, tokens_table
from analysis.corpus.sentences import corpus_sentences
from analysis.errors import InputError
from analysis.measures.kwic import kwic, resolve_pattern

LEXICON_FILE = DATA / "lexicon" / "slogans.yml"
SELECTION = "改革开放,团结,re:民主.{0,2}制"
# Offsets in S:  坚0 持1 改2 革3 开4 放5 ，6 实7 行8 民9 主10 集11 中12 制13 。14 \n15
#                健16 全17 民18 主19 管20 理21 制22 度23 ，24 加25 强26 团27 结28 。29
S = "坚持改革开放，实行民主集中制。\n健全民主管理制度，加强团结。"
# Traditional: cleaning makes it 坚持改革开放，团结一致，发扬民主集中制。 (团结 at 7, 民主集中制 at 14)
T = "堅持改革開放，團結一致，發揚民主集中制。"


def mentions_of(texts: dict[str, str], lexicon: SloganLexicon) -> pd.DataFrame:
    """Clean, segment (with the lexicon's dictionary terms) and find mentions, as the run does."""
    raw = pd.DataFrame({"doc_id": list(texts), "raw_text": list(texts.values())})
    documents, _ = clean_corpus(raw)
    sentences = corpus_sentences(documents)
    config = SegmenterConfig.from_lexicons(load_userdict(), lexicon)
    tokens = tokens_table(
        documents,
        sentences,
        segment_texts(documents["text"].tolist(), config),
        stopwords=load_stopwords(),
    )
    return find_slogan_mentions(documents, sentences, tokens, lexicon)


# --- what a selection becomes ------------------------------------------------------------------


def test_lexicon_names_are_entries_and_other_items_are_ad_hoc_in_the_order_given():
    chosen = choose_slogans("改革开放,以人为本,团结,re:民主.{0,2}制")
    assert chosen.names == ("改革开放", "以人为本", "团结", "re:民主.{0,2}制")
    assert chosen.ad_hoc_names == ("改革开放", "以人为本", "re:民主.{0,2}制")
    assert chosen.slogans[2] == load_slogans().select(["团结"]).slogans[0]  # gloss, group, …
    assert (chosen.slogans[2].gloss, chosen.slogans[2].group) == ("unity", "unity")
    reform, _, _, regex = chosen.slogans
    assert (reform.variants, reform.regex, reform.ad_hoc) == (("改革开放",), "", True)
    assert (regex.variants, regex.parts, regex.regex) == ((), (), "民主.{0,2}制")
    assert regex.pattern.pattern == "民主.{0,2}制"
    assert chosen.source == f"{LEXICON_FILE} + command line"
    assert chosen.groups == load_slogans().groups
    # the full-width comma separates too, and spaces around items are dropped
    assert choose_slogans(" 团结 ， 改革开放 ").names == ("团结", "改革开放")
    # a selection of lexicon names only is what it always was
    assert choose_slogans("一把手,团结").source == str(LEXICON_FILE)
    assert choose_slogans("一把手,团结").ad_hoc_names == ()


def test_dictionary_terms_of_a_literal_are_its_simplified_spelling_and_of_a_regex_none():
    chosen = choose_slogans("改革開放,re:民主.{0,2}制,团结")
    assert [s.dictionary_terms for s in chosen] == [("改革开放",), (), ("团结",)]
    config = SegmenterConfig.from_lexicons([], chosen)
    assert [t.term for t in config.terms] == ["团结", "改革开放"]  # sorted; nothing for the regex


def test_the_regex_keeps_its_prefix_and_spacing_in_the_name():
    chosen = choose_slogans("re: 民主.{0,2}制")
    assert chosen.names == ("re: 民主.{0,2}制",) and chosen.slogans[0].regex == "民主.{0,2}制"


@pytest.mark.parametrize(
    ("value", "items"),
    [
        (SELECTION, ["改革开放", "团结", "re:民主.{0,2}制"]),
        ("团结，一把手", ["团结", "一把手"]),
        ("re:[,，]为民,团结", ["re:[,，]为民", "团结"]),  # a comma in a character class
        ("re:[]，]x,y", ["re:[]，]x", "y"]),  # ] first in a class is literal, as in re
        ("re:(讲|,)团结，z", ["re:(讲|,)团结", "z"]),  # … in parentheses
        ("re:民主\\,集中,z", ["re:民主\\,集中", "z"]),  # … escaped
        ("re:民主,集中", ["re:民主", "集中"]),  # any other comma ends the item
        ("a{0,2},b", ["a{0", "2}", "b"]),  # braces matter only in a regular expression
        ("re:民主(制,团结", ["re:民主(制,团结"]),  # unbalanced: one (invalid) item
        ("团结,", ["团结", ""]),
        (" , ", ["", ""]),
    ],
)
def test_splitting_a_list_keeps_commas_inside_a_regular_expression(value, items):
    assert split_slogan_list(value) == items


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("团结,,一把手", r"^--slogans item 2 is empty .*remove the extra comma"),
        ("团结，", r"^--slogans item 2 is empty"),
        ("团结,改革开放,团结", r"^--slogans item 3 '团结' is given twice \(items 1 and 3\)"),
        (
            "改革開放,改革开放",
            r"^--slogans item 2 '改革开放' is the same slogan as item 1 '改革開放'",
        ),
        ("團結,团结", r"^--slogans item 2 '团结' is the same slogan as item 1 '團結'"),
        ("re:民主.+制,re: 民主.+制", r"^--slogans item 2 're: 民主\.\+制' is the same slogan"),
        ("re:民主(制", r"^--slogans item 1: .*not a valid regular expression.*escape \( with \\\("),
        ("团结,re:[民主", r"^--slogans item 2: .*escape \[ with \\\[ to match it literally"),
        ("re:*民主", r"^--slogans item 1: .*nothing to repeat.*escape \* with \\\*"),
        ("re:民主\\", r"^--slogans item 1: .*write \\\\ to match a backslash"),
        ("团结,re:(民主)?", r"^--slogans item 2: .*can match the empty string"),
        ("re:x*", r"^--slogans item 1: .*can match the empty string"),
        ("re:\\b", r"^--slogans item 1: .*can match the empty string"),  # a boundary: width 0
        ("re:(?=民主)", r"^--slogans item 1: .*can match the empty string"),
        ("re:民主|", r"^--slogans item 1: .*can match the empty string"),
        ("re:", r"^--slogans item 1: 're:' has nothing after re:"),
        ("团结,\udcff", r"^--slogans item 2 '\\udcff' contains a lone surrogate \(U\+DCFF\)"),
        ("re:民\ud800", r"^--slogans item 1 're:民\\ud800' contains a lone surrogate"),
        (",", r"^no slogans selected from .*slogans\.yml"),
    ],
)
def test_each_bad_item_is_an_error_naming_it_and_the_fix(value, message):
    with pytest.raises(InputError, match=message):
        choose_slogans(value)


def test_a_regex_that_needs_a_character_is_accepted_even_with_optional_parts():
    chosen = choose_slogans("re:(民主)?制,re:\\b民主,re:(?i)abc")
    assert [s.pattern.pattern for s in chosen] == ["(民主)?制", "\\b民主", "(?i)abc"]


def test_select_and_pickling_work_on_a_lexicon_with_ad_hoc_slogans():
    chosen = choose_slogans(SELECTION)
    picked = chosen.select(["re:民主.{0,2}制", "改革开放"])
    assert picked.names == ("re:民主.{0,2}制", "改革开放") and picked.source == chosen.source
    assert picked.ad_hoc_names == picked.names
    with pytest.raises(InputError, match=r"unknown slogan\(s\) 一把手: not in .* \+ command line"):
        chosen.select(["一把手"])
    copy = pickle.loads(pickle.dumps(chosen))  # worker processes get the lexicon this way
    assert copy == chosen
    assert [s.pattern.pattern for s in copy] == [s.pattern.pattern for s in chosen]


def test_the_note_names_the_ad_hoc_slogans_and_the_lexicon_once():
    assert ad_hoc_note(choose_slogans(SELECTION)) == (
        f"note: 改革开放, re:民主.{{0,2}}制 are not in {LEXICON_FILE}: matched as written"
    )
    assert ad_hoc_note(choose_slogans("团结,改革开放")) == (
        f"note: 改革开放 is not in {LEXICON_FILE}: matched as written"
    )
    assert ad_hoc_note(choose_slogans("团结,一把手")) is None
    assert ad_hoc_note(choose_slogans(None)) is None
    assert ad_hoc_note(slogans_from_terms(["改革开放"])) == (
        "note: 改革开放 is ad hoc (not from a slogan lexicon): matched as written"
    )


def test_ad_hoc_items_are_looked_up_in_the_lexicon_the_settings_name(tmp_path):
    own = tmp_path / "own.yml"
    own.write_text(
        "slogans:\n  - name: 改革开放\n    gloss: reform and opening\n    variants: [改革开放]\n",
        encoding="utf-8",
    )
    chosen = choose_slogans("改革开放,团结", own)
    assert chosen.names == ("改革开放", "团结") and chosen.ad_hoc_names == ("团结",)
    assert chosen.slogans[0].gloss == "reform and opening"
    assert ad_hoc_note(chosen) == f"note: 团结 is not in {own}: matched as written"


# --- regular expressions in slogans.yml -------------------------------------------------------


def test_a_regex_entry_in_slogans_yml(tmp_path):
    path = tmp_path / "mine.yml"
    path.write_text(
        "groups:\n  dc: democratic centralism\n"
        "slogans:\n"
        "  - name: 民主某制\n    gloss: democratic … system\n    group: dc\n"
        "    regex: '民主.{0,2}制'\n"
        "  - name: 两个维护\n    regex: '(坚决)?维护.{1,6}(核心|权威)'\n"
        "  - name: 团结\n    variants: [团结, 團結]\n",
        encoding="utf-8",
    )
    lexicon = choose_slogans(str(path))
    assert lexicon.names == ("民主某制", "两个维护", "团结") and lexicon.source == str(path)
    first = lexicon.slogans[0]
    assert (first.regex, first.group, first.ad_hoc, first.dictionary_terms) == (
        "民主.{0,2}制",
        "dc",
        False,
        (),
    )
    assert ad_hoc_note(lexicon) is None
    text = "坚决维护党中央权威，发扬民主集中制，团结。"
    found = mentions_of({"d": text}, lexicon)
    assert found[["slogan", "variant", "start", "end"]].values.tolist() == [
        ["两个维护", "坚决维护党中央权威", 0, 9],
        ["民主某制", "民主集中制", 12, 17],
        ["团结", "团结", 18, 20],
    ]
    # a lexicon entry is chosen by name like any other, beside ad-hoc items
    mixed = choose_slogans("民主某制,改革开放", path)
    assert mixed.names == ("民主某制", "改革开放") and mixed.ad_hoc_names == ("改革开放",)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"regex": "民主.制", "variants": ["民主"]},
            r"either `variants` or `parts` \(or a `regex`\)",
        ),
        ({"regex": "民主(制"}, r"s.yml: slogans\[0\]: slogan 'x': .*escape \( with \\\("),
        ({"regex": "(民主)*"}, r"s.yml: slogans\[0\]: .*can match the empty string"),
        ({"regex": ["民主"]}, r"s.yml: slogans\[0\] \(x\): `regex` must be a regular expression"),
        ({"regex": "民\ud800"}, r"s.yml: slogans\[0\]: .*lone surrogate"),
    ],
)
def test_a_bad_regex_entry_is_an_error_naming_the_file_and_entry(entry, message):
    with pytest.raises(InputError, match=message):
        parse_slogans({"slogans": [{"name": "x", **entry}]}, source="s.yml")


def test_a_slogan_built_in_code_takes_one_kind_of_pattern():
    with pytest.raises(InputError, match="give a regex or variants or parts, not several"):
        Slogan(name="x", variants=("民主",), regex="民主.制")
    with pytest.raises(InputError, match="can match the empty string"):
        Slogan(name="x", regex="a?")
    with pytest.raises(InputError, match="non-empty text"):
        Slogan(name="x", regex=5)  # type: ignore[arg-type]


# --- mentions ----------------------------------------------------------------------------------


def test_mentions_of_literal_and_regex_ad_hoc_slogans():
    found = mentions_of({"s": S, "t": T}, choose_slogans(SELECTION))
    assert found.values.tolist() == [
        ["s", "改革开放", "改革开放", 2, 6, 1, 1, True, 1],
        ["s", "re:民主.{0,2}制", "民主集中制", 9, 14, 1, 1, True, 1],  # 民主集中制 is one token
        ["s", "re:民主.{0,2}制", "民主管理制", 18, 23, 2, 2, False, 0],  # ends inside 管理制度
        ["s", "团结", "团结", 27, 29, 2, 2, True, 1],
        ["t", "改革开放", "改革开放", 2, 6, 1, 1, True, 1],
        ["t", "团结", "团结", 7, 9, 1, 1, False, 0],  # inside 团结一致
        ["t", "re:民主.{0,2}制", "民主集中制", 14, 19, 1, 1, True, 1],
    ]


def test_a_traditional_ad_hoc_literal_matches_the_cleaned_simplified_text():
    found = mentions_of({"t": T, "s": S}, choose_slogans("改革開放"))
    assert found[["doc_id", "slogan", "variant", "start", "end", "is_token"]].values.tolist() == [
        ["t", "改革開放", "改革开放", 2, 6, True],
        ["s", "改革開放", "改革开放", 2, 6, True],
    ]


def test_a_regex_over_several_tokens_counts_them():
    found = mentions_of({"s": S}, choose_slogans("re:加强.{1,2}。,re:[实健][行全]"))
    assert found[["slogan", "variant", "start", "end", "is_token", "n_tokens"]].values.tolist() == [
        ["re:[实健][行全]", "实行", 7, 9, True, 1],
        ["re:[实健][行全]", "健全", 16, 18, True, 1],
        # no 团结 slogan here, so nothing splits jieba's own word 加强团结: 加强团结 | 。
        ["re:加强.{1,2}。", "加强团结。", 25, 30, True, 2],
    ]
    # with the slogan 团结, its dictionary term splits it: 加强 | 团结 | 。
    found = mentions_of({"s": S}, choose_slogans("团结,re:加强.{1,2}。"))
    assert found[["slogan", "start", "end", "is_token", "n_tokens"]].values.tolist() == [
        ["re:加强.{1,2}。", 25, 30, True, 3],
        ["团结", 27, 29, True, 1],
    ]


REGEXES = ["民主.{0,2}制", "团结+", "(讲|要)?团结", "[甲乙]{2,}", "甲|甲乙", "(?<=乙)甲+"]


@settings(max_examples=80, deadline=None)
@given(
    regex=st.sampled_from(REGEXES),
    text=st.text(alphabet="甲乙团结民主集中制讲要，。\n", max_size=40),
)
@example(regex="甲|甲乙", text="甲乙甲乙")  # alternation order decides, as in re
@example(regex="[甲乙]{2,}", text="甲乙甲\n乙乙")
def test_regex_mentions_are_re_finditer_matches(regex, text):
    documents = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    lexicon = SloganLexicon((Slogan(name=f"re:{regex}", regex=regex, ad_hoc=True),))
    found = find_slogan_mentions(
        documents,
        corpus_sentences(documents),
        pd.DataFrame({"doc_id": [], "start": [], "end": []}),
        lexicon,
    )
    expected = [(m.start(), m.end(), m.group()) for m in re.finditer(regex, text)]
    assert all(e > s for s, e, _ in expected)  # never empty, by construction
    assert list(zip(found["start"], found["end"], found["variant"], strict=True)) == expected


# --- concordance --------------------------------------------------------------------------------


def test_kwic_resolves_an_ad_hoc_name_like_a_lexicon_slogan():
    documents = pd.DataFrame({"doc_id": ["s"], "text": [S]})
    chosen = choose_slogans("改革開放,re:民主.{0,2}制")
    table = kwic(documents, "re:民主.{0,2}制", slogans=chosen, width=2)
    assert table[
        ["start", "end", "left", "match", "right", "pattern", "slogan"]
    ].values.tolist() == [
        [9, 14, "实行", "民主集中制", "。", "re:民主.{0,2}制", "re:民主.{0,2}制"],
        [18, 23, "健全", "民主管理制", "度，", "re:民主.{0,2}制", "re:民主.{0,2}制"],
    ]
    # a Traditional ad-hoc name finds the Simplified text, as its slogan does
    reform = kwic(documents, "改革開放", slogans=chosen, width=1)
    assert reform[["start", "match", "slogan"]].values.tolist() == [[2, "改革开放", "改革開放"]]
    assert resolve_pattern("改革開放", chosen)[0] is chosen.slogans[0].pattern
    # without the slogan, re: still marks a regular expression (and is dropped from it)
    plain = kwic(documents, "re:民主.{0,2}制", width=0)
    assert plain["match"].tolist() == ["民主集中制", "民主管理制"] and (plain["slogan"] == "").all()
    with pytest.raises(InputError, match="nothing after re:"):
        resolve_pattern("re: ")


# --- command line -------------------------------------------------------------------------------


@pytest.fixture
def two_texts(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "s.txt").write_text(S, encoding="utf-8")
    (folder / "t.txt").write_text(T, encoding="utf-8")
    return folder


# s has 29 characters besides its line break, t 20: per_10k_chars = count / chars * 10,000
EXPECTED_COUNTS = [
    ("document", "s", "改革开放", 1, 1, 1 / 29),
    ("document", "s", "团结", 1, 1, 1 / 29),
    ("document", "s", "re:民主.{0,2}制", 2, 1, 2 / 29),
    ("document", "t", "改革开放", 1, 1, 1 / 20),
    ("document", "t", "团结", 1, 0, 1 / 20),  # inside 团结一致
    ("document", "t", "re:民主.{0,2}制", 1, 1, 1 / 20),
    ("corpus", "", "改革开放", 2, 2, 2 / 49),
    ("corpus", "", "团结", 2, 1, 2 / 49),
    ("corpus", "", "re:民主.{0,2}制", 3, 2, 3 / 49),
]


def check_counts(csv_text: str) -> None:
    table = pd.read_csv(StringIO(csv_text), keep_default_na=False)
    assert list(table.columns) == [
        "scope",
        "doc_id",
        "slogan",
        "count",
        "token_count",
        "per_10k_chars",
    ]
    rows = [tuple(r) for r in table.itertuples(index=False)]
    assert [r[:5] for r in rows] == [e[:5] for e in EXPECTED_COUNTS]
    assert [r[5] for r in rows] == pytest.approx([e[5] * 10_000 for e in EXPECTED_COUNTS])


def test_the_slogans_command_counts_ad_hoc_slogans(two_texts, capsys):
    argv = ["slogans", "--texts", str(two_texts), "--slogans", SELECTION, "--csv", "--no-cache"]
    assert main([*argv, "--quiet"]) == 0
    check_counts(capsys.readouterr().out)


def test_the_slogans_command_in_a_real_process(two_texts, cache_dir):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "slogans",
            "--texts",
            str(two_texts),
            "--slogans",
            SELECTION,
            "--csv",
            "--no-cache",
            "--quiet",
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
        env={**os.environ, "ANALYSIS_CACHE": str(cache_dir)},
    )
    assert done.returncode == 0, done.stderr
    check_counts(done.stdout)


def test_a_bad_item_on_the_command_line_is_a_one_line_error(two_texts, capsys):
    argv = ["slogans", "--texts", str(two_texts), "--slogans", "团结,re:民主(制", "--quiet"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: --slogans item 2: ")
    assert "escape ( with \\(" in err


def test_the_kwic_command_with_an_ad_hoc_name(two_texts, tmp_path, capsys):
    out = tmp_path / "k.csv"
    argv = ["kwic", "re:民主.{0,2}制", "--texts", str(two_texts), "--slogans", SELECTION]
    assert main([*argv, "--width", "2", "--out", str(out), "--quiet"]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table[
        ["doc_id", "start", "end", "left", "match", "right", "slogan"]
    ].values.tolist() == [
        ["s", 9, 14, "实行", "民主集中制", "。", "re:民主.{0,2}制"],
        ["s", 18, 23, "健全", "民主管理制", "度，", "re:民主.{0,2}制"],
        ["t", 14, 19, "发扬", "民主集中制", "。", "re:民主.{0,2}制"],
    ]
    assert main(["kwic", "改革开放", "--texts", str(two_texts), "--slogans", "改革开放"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["s", "t"] and all(
        "[改革开放]" in x for x in lines
    )
