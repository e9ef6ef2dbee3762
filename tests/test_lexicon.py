"""The lexicon files: user dictionary, stopwords, slogans."""

from __future__ import annotations

import pytest

from analysis.config.lexicon import (
    load_slogans,
    load_stopwords,
    load_userdict,
    parse_slogans,
    slogans_from_terms,
)
from analysis.errors import InputError


def test_the_project_lexicons_load():
    terms = {t.term: t for t in load_userdict()}
    assert terms["民主集中制"].frequency == 20000 and terms["民主集中制"].tag == "nz"
    stop = load_stopwords()
    assert {"的", "了", "和", "一是"} <= stop
    # content words of this discourse are never stopwords
    assert not stop & {"中央", "大局", "团结", "工作", "建设", "坚持", "领导", "群众", "发展"}
    slogans = load_slogans()
    assert slogans.names[:3] == ("团结", "民主集中制", "一把手")
    assert "集体领导、民主集中、个别酝酿、会议决定" in slogans.names


def test_formula_matches_whatever_punctuation_stands_between_its_parts():
    formula = load_slogans().select(["集体领导、民主集中、个别酝酿、会议决定"]).slogans[0]
    for text in (
        "集体领导、民主集中、个别酝酿、会议决定",
        "集体领导，民主集中，个别酝酿，会议决定",
        "集体领导 民主集中·个别酝酿（会议决定",
        "集体领导民主集中个别酝酿会议决定",
    ):
        assert formula.pattern.fullmatch(text), text
    assert not formula.pattern.search("集体领导、民主集中、个别酝酿和会议决定")


def test_traditional_variants_match_the_simplified_cleaned_text():
    unity = load_slogans().select(["团结"]).slogans[0]
    assert unity.pattern.pattern == "团结"
    assert unity.dictionary_terms == ("团结",)


def test_unknown_slogan_is_an_error_listing_the_known_ones():
    with pytest.raises(
        InputError, match=r"unknown slogan\(s\) 不存在.*Known slogans: 团结, 民主集中制"
    ):
        load_slogans().select(["团结", "不存在"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"slogans": []}, "empty"),
        ({"slogans": [{"name": "a"}]}, "either `variants` or `parts`"),
        ({"slogans": [{"name": "a", "parts": ["x"]}]}, "at least two parts"),
        (
            {"slogans": [{"name": "a", "variants": ["a"]}, {"name": "a", "variants": ["a"]}]},
            "twice",
        ),
        (
            {"groups": {"g": "x"}, "slogans": [{"name": "a", "variants": ["a"], "group": "h"}]},
            "group 'h'",
        ),
        ([], "mapping with a `slogans:` list"),
    ],
)
def test_malformed_slogan_files_are_errors(raw, message):
    with pytest.raises(InputError, match=message):
        parse_slogans(raw, source="s.yml")


def test_userdict_lines_are_validated(tmp_path):
    path = tmp_path / "u.txt"
    path.write_text("# comment\n团结协调\n和谐班子 300 nz\n坏 行 很 多\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"u.txt, line 4"):
        load_userdict(path)
    path.write_text("# comment\n团结协调\n和谐班子 300 nz\n", encoding="utf-8")
    assert [(t.term, t.frequency, t.tag) for t in load_userdict(path)] == [
        ("团结协调", 20000, None),
        ("和谐班子", 300, "nz"),
    ]


def test_ad_hoc_slogans_from_terms():
    lexicon = slogans_from_terms(["团结", " 统一 ", "团结", ""])
    assert lexicon.names == ("团结", "统一")
    with pytest.raises(InputError):
        slogans_from_terms([" "])
