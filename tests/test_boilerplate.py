"""Shared boilerplate (rule ``shared_boilerplate``) and document flags: exact results on tiny
hand-made corpora, the audit of every removed line, thresholds at their boundaries, and the
Wikisource corpus beside the project (``../shared``)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from conftest import shared_path

from analysis.cli import main
from analysis.config.cleaning_rules import (
    DocumentFlagSettings,
    SharedBoilerplateSettings,
    load_cleaning_rules,
    parse_cleaning_rules,
)
from analysis.corpus.boilerplate import (
    BOILERPLATE_COLUMNS,
    SHARED_LINE_COLUMNS,
    find_shared_boilerplate,
    line_key,
    removable_lines,
    with_shared_lines,
)
from analysis.corpus.build import DOCUMENT_SUMMARY_COLUMNS, build_corpus, document_flags
from analysis.corpus.build import document_summary as summary_of
from analysis.corpus.clean import audit_table, clean_text, restore_raw_text
from analysis.errors import InputError

RULES = load_cleaning_rules()
FOOTER = "本作品属于公有领域"  # 9 characters: with "。" (1) a common stretch of exactly 10


def report_texts() -> list[str]:
    """Twenty cleaned texts: a salutation in all, a footer block in twelve (with a rarer
    variant in five), an opening formula in five and the footer's first line alone in one."""
    texts = []
    for i in range(20):
        lines = ["各位代表：", f"第{i}号报告：加强领导班子团结。"]
        if 12 <= i < 17:
            lines.insert(1, "现在，我代表国务院作报告")
        if i < 12:
            lines += [FOOTER, "。"]
        if i < 5:
            lines.append("CPC 1")
        if i == 17:
            lines += [FOOTER, "以上是第17号报告的结语。"]
        texts.append("\n".join(lines))
    return texts


FOUND = find_shared_boilerplate(report_texts(), min_share=0.3, min_docs=5, min_chars=10)
SHARED = with_shared_lines(RULES, FOUND)


# --- finding the shared lines ----------------------------------------------------------------


def test_the_footer_block_and_its_rarer_variant_are_found_and_nothing_else():
    # df: 各位代表： 20, footer 13, 。 12, 现在… 5, CPC 1 5; common: df ≥ max(5, 0.3 × 20) = 6
    assert FOUND.lines == frozenset({FOOTER, "。", "CPC1"})
    assert FOUND.common_lines == frozenset({FOOTER, "。"})
    assert FOUND.documents == tuple(range(12))
    assert FOUND.n_documents == 20
    assert list(FOUND.table.columns) == SHARED_LINE_COLUMNS
    assert FOUND.table.to_dict("list") == {
        "line": [FOOTER, "。", "CPC 1"],
        "n_docs": [13, 12, 5],
        "share": [0.65, 0.6, 0.25],
    }


def test_the_run_rule_on_keys():
    lines, common = (
        frozenset({"甲乙丙丁戊", "己庚辛壬癸", "子"}),
        frozenset({"甲乙丙丁戊", "己庚辛壬癸"}),
    )
    # a run with a common stretch of 10 goes, with the recurring line attached to it
    assert removable_lines(
        ["正文", "甲乙丙丁戊", "己庚辛壬癸", "子", "正文"], lines, common, 10
    ) == [1, 2, 3]
    # the recurring line between the two common ones breaks the stretch into 5 + 5
    assert removable_lines(["正文", "甲乙丙丁戊", "子", "己庚辛壬癸"], lines, common, 10) == []
    # a run that is the whole document stays
    assert removable_lines(["甲乙丙丁戊", "己庚辛壬癸"], lines, common, 10) == []


@pytest.mark.parametrize(("n_footer", "found"), [(5, False), (6, True)])
def test_a_line_is_common_from_min_share_of_the_documents(n_footer, found):
    # 20 documents, min_share 0.3: common from 6 documents (min_docs 5 is lower)
    texts = [
        f"第{i}篇正文。" + ("\n本作品属于公有领域。" if i < n_footer else "") for i in range(20)
    ]
    result = find_shared_boilerplate(texts, min_share=0.3, min_docs=5, min_chars=10)
    assert result.documents == (tuple(range(n_footer)) if found else ())
    assert result.lines == (frozenset({"本作品属于公有领域。"}) if found else frozenset())


@pytest.mark.parametrize(("n_footer", "found"), [(4, False), (5, True)])
def test_a_line_recurs_from_min_docs_documents(n_footer, found):
    # min_share × 20 = 1, so min_docs = 5 decides
    texts = [
        f"第{i}篇正文。" + ("\n本作品属于公有领域。" if i < n_footer else "") for i in range(20)
    ]
    result = find_shared_boilerplate(texts, min_share=0.05, min_docs=5, min_chars=10)
    assert result.documents == (tuple(range(n_footer)) if found else ())


@pytest.mark.parametrize(("min_chars", "found"), [(10, True), (11, False)])
def test_a_run_needs_min_chars_of_common_lines(min_chars, found):
    texts = [f"第{i}篇正文。\n{FOOTER}\n。" for i in range(6)]  # a common stretch of 9 + 1
    result = find_shared_boilerplate(texts, min_share=0.3, min_docs=5, min_chars=min_chars)
    assert result.documents == (tuple(range(6)) if found else ())


def test_white_space_does_not_count_and_does_not_separate_lines():
    # "公有 领域" and "公有领域" are one line; its key has 9 characters, not 10
    texts = [f"第{i}篇正文。\n本作品属于公有{' ' * (i % 2)}领域" for i in range(6)]
    assert line_key("本作品属于公有 领域\u200b") == FOOTER
    assert find_shared_boilerplate(texts, min_docs=5, min_chars=10).documents == ()
    assert find_shared_boilerplate(texts, min_docs=5, min_chars=9).documents == tuple(range(6))


def test_fewer_documents_than_min_docs_have_no_shared_boilerplate():
    result = find_shared_boilerplate([f"第{i}篇正文。\n{FOOTER}。" for i in range(4)], min_docs=5)
    assert result.lines == frozenset() and result.documents == ()
    assert list(result.table.columns) == SHARED_LINE_COLUMNS and result.table.empty


def test_copies_of_one_text_are_not_boilerplate():
    texts = ["本作品属于公有领域。\n加强领导班子团结。"] * 6
    result = find_shared_boilerplate(texts, min_docs=5)
    assert result.documents == ()  # each run is its whole document
    assert clean_text(texts[0], with_shared_lines(RULES, result)).text == texts[0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min_share": 0}, "find_shared_boilerplate: min_share must be a number > 0 and ≤ 1, got 0"),
        ({"min_share": 1.5}, r"min_share must be a number > 0 and ≤ 1, got 1\.5"),
        ({"min_share": "0.3"}, "min_share must be a number"),
        ({"min_docs": 1}, "find_shared_boilerplate: min_docs must be a whole number ≥ 2, got 1"),
        ({"min_chars": 0}, "find_shared_boilerplate: min_chars must be a whole number ≥ 1, got 0"),
        ({"min_docs": 5.0}, "min_docs must be a whole number"),
        ({"min_docs": True}, "min_docs must be a whole number"),
    ],
)
def test_bad_thresholds_are_input_errors(options, message):
    with pytest.raises(InputError, match=message):
        find_shared_boilerplate(["甲"], **options)
    with pytest.raises(InputError, match="find_shared_boilerplate: texts must be a sequence of cleaned"):
        find_shared_boilerplate("甲\n乙")


# --- removing them: the cleaner's rule and its audit -----------------------------------------

RAW = "各位代表：\n\u3000\u3000正文一，加强团结。\n\n本作品属于\u200b公有领域\n\n。\nCPC 1\n"


def test_the_cleaner_removes_the_shared_run_and_audits_each_line():
    assert clean_text(RAW, RULES).text == f"各位代表：\n正文一，加强团结。\n{FOOTER}\n。\nCPC 1"
    cleaned = clean_text(RAW, SHARED)
    assert cleaned.text == "各位代表：\n正文一，加强团结。"
    audit = audit_table("d", RAW, cleaned.edits)
    assert audit[["rule", "text", "start", "end", "clean_start", "clean_end"]].values.tolist() == [
        ["indent", "\u3000", 6, 7, 6, 6],
        ["indent", "\u3000", 7, 8, 6, 6],
        ["final_line_break", "\n", 17, 18, 15, 15],
        ["blank_line", "\n", 18, 19, 15, 15],
        ["shared_boilerplate", "本作品属于\u200b公有领域\n", 19, 30, 15, 15],
        ["blank_line", "\n", 30, 31, 15, 15],
        ["shared_boilerplate", "。\n", 31, 33, 15, 15],
        ["shared_boilerplate", "CPC 1\n", 33, 39, 15, 15],
    ]
    assert restore_raw_text(cleaned.text, audit) == RAW


def test_cleaning_with_the_shared_lines_is_idempotent():
    once = clean_text(RAW, SHARED)
    assert clean_text(once.text, SHARED).edits == ()
    for text in report_texts():
        cleaned = clean_text(text, SHARED).text
        assert clean_text(cleaned, SHARED).text == cleaned


def test_a_shared_line_alone_in_the_body_stays():
    # the footer's first line alone is 9 characters; "。" alone is 1; 各位代表： is 5
    for raw in (f"正文一。\n{FOOTER}\n正文二。", "正文一。\n。\n正文二。", "各位代表：\n正文。"):
        assert clean_text(raw, SHARED).text == raw
        assert clean_text(raw, SHARED).edits == ()


def test_without_shared_lines_the_rule_removes_nothing():
    assert RULES.shared_lines == frozenset() and RULES.shared_common_lines == frozenset()
    cleaned = clean_text(RAW, RULES)
    assert "shared_boilerplate" not in {e.rule for e in cleaned.edits}


def test_removing_shared_lines_lets_the_other_rules_see_the_new_header():
    # The shared line is body text (over 40 characters), so the time stamp after it is not in
    # the header zone; once the shared line is gone it is, and the timestamp rule removes it.
    long_line = (
        "本网站所有内容均来自公开资料，仅供学习研究之用，转载请注明出处，谢谢您的合作与支持！"
    )
    body = "同志们，今天我们在这里召开全市领导班子建设工作会议，主要任务是总结经验、部署工作。"
    raw = f"{long_line}\n时间:2022-09-29 09:46:00\n{body}"
    assert clean_text(raw, RULES).text == raw.replace("时间:", "时间：")
    rules = replace(
        RULES, shared_lines=frozenset({long_line}), shared_common_lines=frozenset({long_line})
    )
    cleaned = clean_text(raw, rules)
    assert cleaned.text == body
    assert [(e.rule, raw[e.start : e.end]) for e in cleaned.edits] == [
        ("shared_boilerplate", f"{long_line}\n"),
        ("timestamp", "时间:2022-09-29 09:46:00\n"),
    ]
    assert clean_text(cleaned.text, rules).edits == ()


# --- the settings in data/cleaning.yml -------------------------------------------------------


def test_the_settings_are_read_from_cleaning_yml():
    assert RULES.shared_boilerplate == SharedBoilerplateSettings(0.3, 5, 10)
    assert RULES.document_flags == DocumentFlagSettings(0.01, 0.5)
    assert parse_cleaning_rules({}).shared_boilerplate == SharedBoilerplateSettings(0.3, 5, 10)
    off = parse_cleaning_rules({"shared_boilerplate": None, "document_flags": None})
    assert off.shared_boilerplate is None and off.document_flags is None
    mine = parse_cleaning_rules({"shared_boilerplate": {"min_docs": 3}})
    assert mine.shared_boilerplate == SharedBoilerplateSettings(0.3, 3, 10)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"shared_boilerplate": 5}, r"c\.yml: `shared_boilerplate` must be a mapping"),
        (
            {"shared_boilerplate": {"min_doc": 5}},
            r"`shared_boilerplate` has unknown key\(s\) min_doc",
        ),
        (
            {"shared_boilerplate": {"min_share": 0}},
            r"`shared_boilerplate\.min_share` must be above 0",
        ),
        (
            {"shared_boilerplate": {"min_share": 2}},
            r"`shared_boilerplate\.min_share` must be a number",
        ),
        (
            {"shared_boilerplate": {"min_docs": 1}},
            r"`shared_boilerplate\.min_docs` must be a whole",
        ),
        (
            {"shared_boilerplate": {"min_chars": 2.5}},
            r"`shared_boilerplate\.min_chars` must be a whole",
        ),
        ({"document_flags": {"short_fraction": -1}}, r"`document_flags\.short_fraction` must be"),
        ({"document_flags": {"min_chinese_share": "x"}}, r"`document_flags\.min_chinese_share`"),
    ],
)
def test_bad_settings_name_the_file_and_key(section, message):
    with pytest.raises(InputError, match=message):
        parse_cleaning_rules(section, source="c.yml")


# --- the corpus pass: build_corpus and its boilerplate table ---------------------------------


def write_corpus(folder, n_docs=6, n_footer=5):
    folder.mkdir()
    for i in range(n_docs):
        footer = f"\n\n{FOOTER}\n。\nCPC 1\n" if i < n_footer else "\n"
        (folder / f"d{i}.txt").write_text(
            f"各位代表：\n第{i}篇：加强领导班子团结。{footer}", "utf-8"
        )
    return folder


def test_build_corpus_removes_the_shared_lines_and_tabulates_them(tmp_path):
    corpus = build_corpus(write_corpus(tmp_path / "t"), cache_dir=tmp_path / "cache")
    assert corpus.documents["text"].tolist() == [
        f"各位代表：\n第{i}篇：加强领导班子团结。" for i in range(6)
    ]
    log = corpus.cleaning_log
    shared = log[log["rule"] == "shared_boilerplate"]
    assert shared.groupby("doc_id")["text"].apply(list).to_dict() == {
        f"d{i}": [f"{FOOTER}\n", "。\n", "CPC 1\n"] for i in range(5)
    }
    assert list(corpus.boilerplate.columns) == BOILERPLATE_COLUMNS
    # 6 documents: common from max(5, 1.8) = 5
    assert corpus.boilerplate.to_dict("list") == {
        "line": [FOOTER, "。", "CPC 1"],
        "n_docs": [5, 5, 5],
        "share": [5 / 6, 5 / 6, 5 / 6],
        "n_docs_removed": [5, 5, 5],
        "n_chars_removed": [45, 5, 25],
    }
    for doc_id, raw in zip(corpus.documents["doc_id"], corpus.documents["file"], strict=True):
        rows = log[log["doc_id"] == doc_id]
        text = corpus.documents.set_index("doc_id").loc[doc_id, "text"]
        assert restore_raw_text(text, rows) == (tmp_path / "t" / raw).read_text("utf-8")


def test_build_corpus_with_the_rule_switched_off_keeps_the_lines(tmp_path):
    rules = replace(RULES, shared_boilerplate=None)
    corpus = build_corpus(write_corpus(tmp_path / "t"), rules=rules, cache_dir=tmp_path / "c")
    assert corpus.documents["text"].str.contains(FOOTER).sum() == 5
    assert corpus.boilerplate.empty and list(corpus.boilerplate.columns) == BOILERPLATE_COLUMNS


def test_the_study_documents_have_no_shared_boilerplate(study_corpus):
    assert study_corpus.boilerplate.empty
    assert list(study_corpus.boilerplate.columns) == BOILERPLATE_COLUMNS
    assert "shared_boilerplate" not in set(study_corpus.cleaning_log["rule"])
    summary = summary_of(study_corpus)
    assert (
        list(summary.columns) == DOCUMENT_SUMMARY_COLUMNS
        and DOCUMENT_SUMMARY_COLUMNS[-1] == "flags"
    )
    assert summary["flags"].tolist() == [""] * 5  # jilin_news_2007 (736 characters) is not short


def test_info_lists_the_shared_lines_and_the_flagged_documents(tmp_path, capsys):
    texts = write_corpus(tmp_path / "t")
    (texts / "zz.txt").write_text("Only an English page, with 团结 once.", "utf-8")
    assert main(["info", "--texts", str(texts), "--quiet", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert (
        "shared boilerplate: 3 lines, removed from 5 documents (75 characters without line "
        "breaks); lines "
        f"(documents removed from/found in): {FOOTER} (5/5), 。 (5/5), CPC 1 (5/5)\n"
    ) in out
    assert "flagged documents: 1 (flagged, not dropped)\n  zz: not_chinese (35 characters)\n" in out


# --- document flags --------------------------------------------------------------------------


def documents(n_chars: list[int], texts: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(n_chars))],
            "text": texts or ["团" * n for n in n_chars],
            "n_chars": n_chars,
        }
    )


def test_short_is_below_short_fraction_of_the_median():
    # median 200, short_fraction 0.25: short below 50
    flags = document_flags(documents([49, 50, 200, 300, 400]), short_fraction=0.25)
    assert flags.to_dict("list") == {
        "doc_id": ["d0", "d1", "d2", "d3", "d4"],
        "flags": ["short", "", "", "", ""],
    }


def test_a_single_document_is_never_short():
    assert document_flags(documents([1]), short_fraction=1.0)["flags"].tolist() == [""]


def test_not_chinese_is_below_min_chinese_share_of_letters():
    texts = ["团结ab", "团结abc", "123，。", "団結", "团结 GDP 2007"]
    flags = document_flags(documents([4, 5, 5, 2, 12], texts), min_chinese_share=0.5)
    # 2 of 4 letters (not below 0.5); 2 of 5; no letter at all; 2 of 2; 2 of 5
    assert flags["flags"].tolist() == ["", "not_chinese", "not_chinese", "", "not_chinese"]


def test_both_flags_are_joined():
    texts = ["abc", "团" * 100, "团" * 100]
    flags = document_flags(documents([3, 100, 100], texts), short_fraction=0.5)
    assert flags["flags"].tolist() == ["short;not_chinese", "", ""]


def test_document_flags_checks_its_input():
    with pytest.raises(InputError, match=r"document_flags: the documents table lacks column\(s\) n_chars"):
        document_flags(documents([1]).drop(columns=["n_chars"]))
    with pytest.raises(InputError, match="document_flags: short_fraction must be a number ≥ 0 and ≤ 1, got 2"):
        document_flags(documents([1]), short_fraction=2)
    with pytest.raises(InputError, match="document_flags: min_chinese_share must be a number"):
        document_flags(documents([1]), min_chinese_share=True)
    table = documents([3, 100, 100])
    before = table.copy()
    document_flags(table)
    pd.testing.assert_frame_equal(table, before)


# --- the Wikisource corpus beside the project ------------------------------------------------

MAIN_FOOTER = ["本作品是中华人民共和国的", "法律", "法规", "公有领域", "Public domain", "false"]


@pytest.fixture(scope="module")
def political(cache_dir):
    return build_corpus(shared_path("corpora", "political", "txt"), cache_dir=cache_dir)


@pytest.mark.shared
def test_the_wikisource_footer_is_gone_from_every_political_text(political):
    docs = political.documents
    footer = {line_key(line) for line in MAIN_FOOTER}
    for doc_id, text in zip(docs["doc_id"], docs["text"], strict=True):
        assert not footer & {line_key(line) for line in text.split("\n")}, doc_id
    log = political.cleaning_log
    removed = log[log["rule"] == "shared_boilerplate"]
    assert removed["doc_id"].nunique() == 79
    assert removed["text"].str.contains("本作品是中华人民共和国的").sum() == 52
    table = political.boilerplate.set_index("line")
    assert table.loc["Public domain", "n_docs_removed"] == 79
    assert table.loc["本作品是中华人民共和国的", "n_docs"] == 52
    # the salutation (5 characters, in 47 texts) and the opening sentence (6) stay: as many
    # texts have them as when cleaned without the rule
    folder = shared_path("corpora", "political", "txt")
    raws = [(folder / f"{doc_id}.txt").read_text("utf-8") for doc_id in docs["doc_id"]]
    before = pd.Series([clean_text(raw, RULES).text for raw in raws]).str.split("\n")
    after = docs["text"].str.split("\n")
    opening = "现在，我代表国务院向大会作政府工作报告，请予审议，并请全国政协各位委员提出意见。"
    for line, n_texts in (("各位代表：", 47), (opening, 6)):
        assert after.map(lambda lines, line=line: line in lines).sum() == n_texts
        assert before.map(lambda lines, line=line: line in lines).sum() == n_texts
    for doc_id, text, raw in zip(docs["doc_id"], docs["text"], raws, strict=True):
        assert restore_raw_text(text, log[log["doc_id"] == doc_id]) == raw


@pytest.mark.shared
def test_the_disambiguation_page_is_flagged_short_and_no_resolution_is(political):
    summary = summary_of(political).set_index("doc_id")
    assert summary.loc["cpc_congress_07", "flags"] == "short"
    resolutions = summary[summary.index.str.startswith("npc_resolution")]
    assert len(resolutions) == 20 and (resolutions["flags"] == "").all()
    assert summary.index[summary["flags"] != ""].tolist() == ["cpc_congress_07"]
