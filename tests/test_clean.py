"""Cleaning: exact results on small texts, the audit accounts for every raw character, and
properties (no crash on any Unicode, idempotence, exact reconstruction) under hypothesis."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import METADATA, RAW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.config.cleaning_rules import load_cleaning_rules, parse_cleaning_rules
from analysis.corpus.clean import (
    AUDIT_COLUMNS,
    audit_table,
    clean_corpus,
    clean_text,
    cleaned_corpus_from_results,
    normalize_punctuation,
    restore_raw_text,
)
from analysis.corpus.load import load_corpus
from analysis.errors import InputError

RULES = load_cleaning_rules()


def rules_of(text: str) -> list[tuple[str, str]]:
    return [(e.rule, text[e.start : e.end]) for e in clean_text(text, RULES).edits]


def test_web_page_boilerplate_is_removed_and_recorded():
    raw = (
        "首页 > 文章中心 > 正文\n\n"
        "加强班子团结\n\n"
        "前言：本站为你精心整理了加强班子团结范文，欢迎咨询。\n"
        "加强班子团结\n"
        "时间:2022-09-29 09:46:00\n"
        "　　同志们:团结是力量,团结出战斗力。要坚持民主集中制,防止“一言堂”!这是我们党的根本组织原则和领导制度。\n"
        "- 上一篇:组工干部体会\n"
        "1313984"
    )
    cleaned = clean_text(raw, RULES)
    assert cleaned.text == (
        "加强班子团结\n"
        "同志们：团结是力量，团结出战斗力。要坚持民主集中制，防止“一言堂”！这是我们党的根本组织原则和领导制度。"
    )
    removed = {
        rule: text for rule, text in rules_of(raw) if rule not in ("punctuation", "blank_line")
    }
    assert removed == {
        "breadcrumb": "首页 > 文章中心 > 正文\n",
        "site_blurb": "前言：本站为你精心整理了加强班子团结范文，欢迎咨询。\n",
        "repeated_title": "加强班子团结\n",
        "timestamp": "时间:2022-09-29 09:46:00\n",
        "indent": "　",
        "prev_next_links": "- 上一篇:组工干部体会\n",
        "page_counter": "1313984",
        "final_line_break": "\n",
    }


def test_traditional_text_is_converted_and_its_script_recorded():
    cleaned = clean_text("堅持民主集中制，加強領導班子團結。", RULES)
    assert cleaned.text == "坚持民主集中制，加强领导班子团结。"
    assert cleaned.script == "traditional"
    assert {e.rule for e in cleaned.edits} == {"t2s"}
    assert clean_text("坚持民主集中制。", RULES).script == "simplified"
    assert clean_text("GDP 2007", RULES).script == "none"


def test_traditional_boilerplate_matches_simplified_patterns():
    raw = "四強一硬好班子活動意見\n時間:2022-10-20 02:58:00\n導語:本文來源于網友上傳,不代表本站觀點,歡迎參考。\n為深入貫徹落實黨的**屆**全會精神，推進“三項創建”活動深入開展，進一步加強縣級領導班子執政能力建設。"
    cleaned = clean_text(raw, RULES)
    assert cleaned.text.splitlines() == [
        "四强一硬好班子活动意见",
        "为深入贯彻落实党的**届**全会精神，推进“三项创建”活动深入开展，进一步加强县级领导班子执政能力建设。",
    ]


def test_inline_watermark_is_removed_from_the_middle_of_a_sentence():
    raw = "研究全公务员之家版权所有市改革发展稳定方面的基本走势。"
    cleaned = clean_text(raw, RULES)
    assert cleaned.text == "研究全市改革发展稳定方面的基本走势。"
    assert rules_of(raw) == [("watermark", "公务员之家版权所有")]


def test_html_tags_are_removed_and_the_words_between_them_stay():
    raw = '<p><strong>央视网消息</strong>（新闻联播）：团结奋斗。</p><p class="x">新篇章<br/></p>'
    cleaned = clean_text(raw, RULES)
    assert cleaned.text == "央视网消息（新闻联播）：团结奋斗。新篇章"
    assert [text for rule, text in rules_of(raw) if rule == "html_tag"] == [
        "<p>",
        "<strong>",
        "</strong>",
        "</p>",
        '<p class="x">',
        "<br/>",
        "</p>",
    ]
    # A comparison written with angle brackets is text, not a tag.
    assert clean_text("增幅a<b，且3 > 2。", RULES).text == "增幅a<b，且3 > 2。"


def test_zero_width_characters_and_indents_are_removed():
    raw = "\u3000\u3000团\u200b结\u200d一致\ufeff。  "
    assert clean_text(raw, RULES).text == "团结一致。"
    assert [r for r, _ in rules_of(raw)] == [
        "indent",
        "indent",
        "remove_chars",
        "remove_chars",
        "remove_chars",
        "trailing_space",
        "trailing_space",
    ]


def test_appended_translation_is_split_into_its_own_field():
    english = "The core of handling affairs by chapter is to uphold democratic centralism."
    raw = f"按章办事的核心是坚持民主集中制。 {english}\n第二段。"
    cleaned = clean_text(raw, RULES)
    assert cleaned.text == "按章办事的核心是坚持民主集中制。\n第二段。"
    assert cleaned.translation == english


def test_short_latin_text_and_latin_inside_chinese_stay():
    raw = "国内生产总值(GDP)增长10%,达到WTO要求。See above."
    assert clean_text(raw, RULES).text == "国内生产总值（GDP）增长10%，达到WTO要求。See above."


def test_a_whole_english_line_is_a_translation_not_a_blank_line():
    english = "Democratic centralism is the fundamental organisational principle of the Party."
    cleaned = clean_text(f"民主集中制是党的根本组织原则。\n{english}\n", RULES)
    assert cleaned.text == "民主集中制是党的根本组织原则。"
    assert cleaned.translation == english
    assert [e.rule for e in cleaned.edits] == ["final_line_break", "translation"]


def test_placeholders_stay_in_the_text():
    assert clean_text("党的**届**全会和建设新**", RULES).text == "党的**届**全会和建设新**"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("团结,统一", "团结，统一"),
        ("要求:“团结”,", "要求：“团结”，"),
        ("各县(市、区)委", "各县（市、区）委"),
        ("（党委）:", "（党委）："),
        ("(党委):", "（党委）："),
        ("09:46:00", "09:46:00"),
        ("Hello, world!", "Hello, world!"),
        ("ＡＢＣ１２３，团结", "ABC123，团结"),
        ("团结?!", "团结？！"),
    ],
)
def test_punctuation_normalisation(raw, expected):
    assert normalize_punctuation(raw, RULES) == expected


def test_line_breaks_are_normalised_and_blank_lines_dropped():
    cleaned = clean_text("第一段。\r\n\r\n\r\n第二段。\r第三段。\n\n", RULES)
    assert cleaned.text == "第一段。\n第二段。\n第三段。"


def test_a_line_that_merely_resembles_the_title_in_the_body_stays():
    title = "加强领导班子思想政治建设"
    body = "这是一段足够长的正文，用来说明标题区之后的内容不会因为与标题相似或者完全相同而被当作重复标题删除。"
    cleaned = clean_text(f"{title}\n{body}\n{title}\n{body}", RULES)
    assert cleaned.text.splitlines() == [title, body, title, body]


def test_audit_offsets_point_into_raw_and_cleaned_text():
    raw = "首页 > 正文 > 文章\n团结,统一。"
    cleaned = clean_text(raw, RULES)
    audit = audit_table("d", raw, cleaned.edits)
    assert list(audit.columns) == AUDIT_COLUMNS
    assert audit.to_dict("records") == [
        {
            "doc_id": "d",
            "rule": "breadcrumb",
            "text": "首页 > 正文 > 文章\n",
            "replacement": "",
            "start": 0,
            "end": 13,
            "clean_start": 0,
            "clean_end": 0,
        },
        {
            "doc_id": "d",
            "rule": "punctuation",
            "text": ",",
            "replacement": "，",
            "start": 15,
            "end": 16,
            "clean_start": 2,
            "clean_end": 3,
        },
    ]
    assert restore_raw_text(cleaned.text, audit) == raw


def test_rules_file_errors_name_the_key():
    with pytest.raises(ValueError, match=r"line_rules\[0\]\.pattern.*not a valid regular"):
        parse_cleaning_rules(
            {"line_rules": [{"name": "x", "pattern": "(unclosed"}]}, source="c.yml"
        )
    with pytest.raises(ValueError, match=r"zone.*must be one of"):
        parse_cleaning_rules({"line_rules": [{"name": "x", "pattern": "a", "zone": "top"}]})


# --- the five documents ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def five():
    corpus = load_corpus(RAW, METADATA)
    return corpus, clean_corpus(corpus, rules=RULES)


def test_raw_text_is_fully_accounted_for_by_the_cleaned_text_and_the_audit(five):
    corpus, (documents, audit) = five
    for doc_id, raw, text in zip(
        corpus["doc_id"], corpus["raw_text"], documents["text"], strict=True
    ):
        rows = audit[audit["doc_id"] == doc_id]
        assert restore_raw_text(text, rows) == raw
        for row in rows.itertuples():
            assert raw[row.start : row.end] == row.text


def test_what_the_five_documents_lose_is_the_documented_noise(five):
    _, (documents, audit) = five
    removals = audit[
        ~audit["rule"].isin(
            ["punctuation", "t2s", "blank_line", "indent", "final_line_break", "line_break"]
        )
    ]
    by_doc = removals.groupby("doc_id")["rule"].apply(sorted).to_dict()
    assert by_doc == {
        "jilin_news_2007": ["translation"],
        "cidu_opinion_2005": ["prev_next_links", "prev_next_links", "site_blurb", "timestamp"],
        "nansha_speech_2007": [
            "breadcrumb",
            "byline",
            "page_counter",
            "repeated_title",
            "site_blurb",
        ],
        "yangzhou_opinion_2007": ["repeated_title", "timestamp"],
        "cityoffice_speech_2003": [
            "breadcrumb",
            "repeated_title",
            "repeated_title",
            "repeated_title",
            "site_blurb",
            "watermark",
            "watermark",
        ],
    }
    docs = documents.set_index("doc_id")
    assert docs.loc["cidu_opinion_2005", "script"] == "traditional"
    assert (docs.drop(index="cidu_opinion_2005")["script"] == "simplified").all()
    assert docs.loc["jilin_news_2007", "translation"].startswith("On July 20, the province")
    assert "公务员之家" not in docs.loc["cityoffice_speech_2003", "text"]
    raw_placeholders = (RAW / "cidu_opinion_2005.txt").read_text(encoding="utf-8").count("**")
    assert docs.loc["cidu_opinion_2005", "text"].count("**") == raw_placeholders == 6
    first_lines = [t.split("\n")[0] for t in docs["text"]]
    assert first_lines[1:] == [
        "四强一硬好班子活动意见",
        "思想政治建设工作会议上的讲话",
        "委领导班子自身建设意见",
        "高扬树正气讲团结求发展主旋律努力开创办公厅系统新局面",
    ]


def test_cleaning_the_cleaned_documents_changes_nothing(five):
    _, (documents, _) = five
    for text in documents["text"]:
        assert clean_text(text, RULES).text == text
        assert clean_text(text, RULES).edits == ()


def test_clean_corpus_does_not_modify_its_input(five):
    corpus, _ = five
    before = corpus.copy()
    clean_corpus(corpus, rules=RULES)
    pd.testing.assert_frame_equal(corpus, before)


def test_clean_corpus_requires_the_raw_text(five):
    corpus, _ = five
    with pytest.raises(InputError, match=r"clean_corpus: the corpus table lacks column\(s\) raw_text"):
        clean_corpus(corpus.drop(columns=["raw_text"]))


def test_cleaned_corpus_needs_one_result_per_document(five):
    corpus, _ = five
    results = [clean_text(raw, RULES) for raw in corpus["raw_text"]]
    with pytest.raises(InputError, match=r"cleaned_corpus_from_results: 4 cleaning results for 5 documents"):
        cleaned_corpus_from_results(corpus, results[:-1])


def test_restoring_from_an_audit_of_another_text_is_an_input_error():
    cleaned = clean_text("团结,进步。", RULES)
    audit = audit_table("a", "团结,进步。", cleaned.edits)
    assert restore_raw_text(cleaned.text, audit) == "团结,进步。"
    with pytest.raises(InputError, match=r"restore_raw_text: audit row punctuation at 2 does not"):
        restore_raw_text("团结进步了。", audit)


# --- properties ------------------------------------------------------------------------------

chinese_like = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            list(
                "团结民主集中制一把手領導班子團結的了和是在要，。！？；：、“”（）()*,:;!? \u3000\u200b\n\r\t"
            )
        ),
        st.sampled_from(list("abcXYZ0123456789-—>")),
        st.characters(codec="utf-8"),
    ),
    max_size=300,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chinese_like)
def test_any_text_cleans_without_error_and_the_audit_restores_it(raw):
    cleaned = clean_text(raw, RULES)
    audit = audit_table("d", raw, cleaned.edits)
    assert restore_raw_text(cleaned.text, audit) == raw
    assert "\n\n" not in cleaned.text and not cleaned.text.endswith("\n")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chinese_like)
def test_cleaning_is_idempotent(raw):
    once = clean_text(raw, RULES).text
    assert clean_text(once, RULES).text == once


def test_links_are_removed_and_punctuation_is_judged_without_them():
    raw = "看视频[链接](https://tv.cctv.com/2022/09/25/VIDEabc.shtml)，然后团结。"
    cleaned = clean_text(raw, RULES)
    assert cleaned.text == "看视频[链接]（），然后团结。"
    assert ("url", "https://tv.cctv.com/2022/09/25/VIDEabc.shtml") in rules_of(raw)
    assert clean_text(cleaned.text, RULES).text == cleaned.text


# --- shared boilerplate (rule shared_boilerplate; see tests/test_boilerplate.py) ----------------


def _shared_rules():
    from dataclasses import replace

    footer, tail = "本作品属于公有领域", "。"
    return replace(
        RULES,
        shared_lines=frozenset({footer, tail, "Publicdomain", "false"}),
        shared_common_lines=frozenset({footer, tail}),
    )


SHARED_RULES = _shared_rules()
footer_like = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "本作品属于公有领域",
                "本作品属于\u200b公有 领域",
                "。",
                "Public domain",
                "false",
                "各位代表：",
                "\u3000\u3000加强领导班子团结。",
                "时间:2022-09-29 09:46:00",
                "1313984",
                "",
                "同志们，今天我们在这里召开全市领导班子建设工作会议，主要任务是总结经验、部署工作。",
            ]
        ),
        chinese_like,
    ),
    max_size=12,
).flatmap(lambda lines: st.sampled_from(["\n", "\r\n", "\n\n"]).map(lambda nl: nl.join(lines)))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(footer_like)
def test_with_shared_lines_the_audit_restores_the_text_and_cleaning_is_idempotent(raw):
    cleaned = clean_text(raw, SHARED_RULES)
    audit = audit_table("d", raw, cleaned.edits)
    assert restore_raw_text(cleaned.text, audit) == raw
    assert clean_text(cleaned.text, SHARED_RULES).text == cleaned.text
    for row in audit[audit["rule"] == "shared_boilerplate"].itertuples():
        assert row.clean_start == row.clean_end and raw[row.start : row.end] == row.text


def test_a_footer_block_goes_with_shared_lines_and_stays_without():
    raw = "加强领导班子团结。\n本作品属于公有领域\n。\nPublic domain\nfalse"
    assert clean_text(raw, RULES).text == raw
    cleaned = clean_text(raw, SHARED_RULES)
    assert cleaned.text == "加强领导班子团结。"
    assert rules_of_with(raw, SHARED_RULES) == [
        ("final_line_break", "\n"),
        ("shared_boilerplate", "本作品属于公有领域\n"),
        ("shared_boilerplate", "。\n"),
        ("shared_boilerplate", "Public domain\n"),
        ("shared_boilerplate", "false"),
    ]


def rules_of_with(text: str, rules) -> list[tuple[str, str]]:
    return [(e.rule, text[e.start : e.end]) for e in clean_text(text, rules).edits]


WEB_PAGE = """<html><head><title>团结就是力量</title>
<script type="text/javascript">
var msg = "团结一把手";

document.write(msg);
</script>
</head><body><p>我们要加强团结。<script>x("团结")</script>一把手要带头。</p>
<!-- 团结
comment -->
<p>未闭合 <script 的文字保留：团结。</p>
</body></html>"""


def test_scripts_and_comments_of_a_web_page_go_whole_and_are_audited():
    cleaned = clean_text(WEB_PAGE)
    assert cleaned.text == "团结就是力量\n我们要加强团结。一把手要带头。\n未闭合 <script 的文字保留：团结。"
    audit = audit_table("page", WEB_PAGE, cleaned.edits)
    block = audit.loc[audit["rule"] == "html_script", "text"].tolist()
    assert block == [
        '<script type="text/javascript">\n', 'var msg = "团结一把手";\n', "\n",
        "document.write(msg);\n", "</script>\n", "<!-- 团结\n", "comment -->\n",
    ]
    assert audit.loc[audit["rule"] == "html_script_inline", "text"].tolist() == [
        '<script>x("团结")</script>'
    ]
    assert restore_raw_text(cleaned.text, audit) == WEB_PAGE
    assert clean_text(cleaned.text).text == cleaned.text  # cleaning the cleaned removes nothing


def test_a_traditional_title_is_kept_beside_its_simplified_form(study_corpus):
    from analysis.corpus.build import document_summary

    summary = document_summary(study_corpus).set_index("doc_id")
    assert summary.loc["cidu_opinion_2005", "title"] == "四強一硬好班子活動意見"
    assert summary.loc["cidu_opinion_2005", "title_simplified"] == "四强一硬好班子活动意见"
    same = summary.loc["nansha_speech_2007"]
    assert same["title"] == same["title_simplified"] == "思想政治建设工作会议上的讲话"


# --- the shortcuts of the fast cleaner: each must give what the plain way gives ------------------


def test_space_flags_are_str_isspace_for_every_code_point():
    import numpy as np

    from analysis.corpus.clean import _FLAGS, _SPACE

    spaces = np.array([chr(c).isspace() for c in range(0x110000)])
    assert np.array_equal((_FLAGS & _SPACE).astype(bool), spaces)


_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"
line_texts = st.lists(st.sampled_from([*"团结ab \u3000\x1c", *_BREAKS, "\r\n"])).map("".join)


@settings(max_examples=200, deadline=None)
@given(line_texts)
def test_line_spans_split_as_the_line_pattern(text):
    import re

    from analysis.config.cleaning_rules import CleaningRules
    from analysis.corpus.clean import _codes, _line_spans, _rule_flags

    pattern = re.compile(f"([^{_BREAKS}]*)(\\r\\n|[{_BREAKS}]|)")
    expected = [[m.start(1), m.end(1), m.end(2)] for m in pattern.finditer(text) if m.group(0)]
    codes = _codes(text)
    flags = _rule_flags(CleaningRules().to_fullwidth, None).take(codes)
    assert _line_spans(codes, flags).tolist() == expected


PREFILTERED = [
    r"团结",
    r"公务员之家版权所有|版权所有，?转载请注明出处",
    r"(?:https?://|www\.)[A-Za-z0-9.]+",
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>",
    r"(?i)<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
    r"^(前言|导语)：.*(本站|小编)|小编给大家整理",
    r"^\[[^\]]*\][(（]\s*[)）]$",
    r"\bab\b|\Bb",
    r"(?<=a)b|团(?!结)",
    r"(ab)+c?",
    r"[ab]{2,}",
    r"x*",
    r"\d+$",
    r"(?i:团A)b",
    r"[\u200b\x00-\x08]",
    r"a",
    r"[^a]",
]
prefilter_texts = st.text(
    st.sampled_from([*"团结ab AB<>/xp\u200b\x00前言导语：小编本站[]()$", "\n", "\r"])
)


@settings(max_examples=300, deadline=None)
@given(prefilter_texts, st.sampled_from(PREFILTERED))
def test_pattern_shortcuts_never_miss_a_line_that_matches(text, source):
    import re

    from analysis.corpus.clean import (
        _char_set_table,
        _lines_holding,
        _lines_to_scan,
        _may_match,
        _required_texts,
    )

    pattern = re.compile(source)
    lines = re.split("\r\n|[\r\n]", text)
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line) + 1
    joined = "\n".join(lines)  # a line break of one character between lines, as \n here
    ends = [start + len(line) for start, line in zip(starts, lines, strict=True)]
    matching = [
        k
        for k, line in enumerate(lines)
        if any(m.end() > m.start() for m in pattern.finditer(line))
    ]
    required = _required_texts(pattern)
    assert all(_may_match(required, lines[k]) for k in matching)
    if required is not None:
        assert set(matching) <= set(_lines_holding(required, joined, starts))
    scan = _lines_to_scan(pattern, joined, starts, ends)
    if scan is not None:
        assert set(matching) <= set(scan)
    table = _char_set_table(pattern)
    if table is not None:  # one character of the class is one match
        chars = [m.group() for m in pattern.finditer(text)]
        assert chars == [c for c in text if ord(c) < len(table) and table[ord(c)]]
