"""analysis.config.cleaning_rules: a rules file parsed into CleaningRules, each mistake named
with its file and key (the shared_boilerplate and document_flags sections are checked in
tests/test_boilerplate.py, line-rule patterns and zones in tests/test_clean.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.config.cleaning_rules import (
    BlockRule,
    CleaningRules,
    DocumentFlagSettings,
    InlineRule,
    LineRule,
    SharedBoilerplateSettings,
    load_cleaning_rules,
    parse_cleaning_rules,
)
from analysis.errors import InputError

MINIMAL = """\
header_max_chars: 30
block_rules:
  - name: related
    start: '^相关阅读'
    end: '^完$'
    description: '  a related-links box  '
line_rules:
  - name: stamp
    pattern: '^时间：'
    zone: header
  - name: next
    pattern: '下一篇'
inline_rules:
  - name: brackets
    pattern: '【.*?】'
repeated_title:
  min_overlap: 0.5
  min_chars: 6
remove_chars: '[\\x00\\ufeff]'
punctuation:
  to_fullwidth: {',': '，', '?': '？'}
  fullwidth_alphanumerics_to_ascii: false
script:
  opencc_config: hk2s
  traditional_threshold: 0.1
translation:
  min_chars: 20
  min_latin_share: 0.6
placeholder: '\\*\\*'
shared_boilerplate:
  min_share: 0.5
  min_docs: 3
  min_chars: 8
document_flags:
  short_fraction: 0.02
  min_chinese_share: 0.4
"""


def rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_rules_file_gives_exactly_its_values(tmp_path):
    path = rules_file(tmp_path, MINIMAL)
    assert load_cleaning_rules(path) == CleaningRules(
        header_max_chars=30,
        block_rules=(
            BlockRule("related", re.compile("^相关阅读"), re.compile("^完$"), "a related-links box"),
        ),
        line_rules=(
            LineRule("stamp", re.compile("^时间："), "header"),
            LineRule("next", re.compile("下一篇"), "any"),
        ),
        repeated_title_min_overlap=0.5,
        repeated_title_min_chars=6,
        inline_rules=(InlineRule("brackets", re.compile("【.*?】")),),
        remove_chars=re.compile("[\\x00\\ufeff]"),
        to_fullwidth=((",", "，"), ("?", "？")),
        fullwidth_alphanumerics_to_ascii=False,
        opencc_config="hk2s",
        traditional_threshold=0.1,
        translation_min_chars=20,
        translation_min_latin_share=0.6,
        placeholder=re.compile("\\*\\*"),
        shared_boilerplate=SharedBoilerplateSettings(0.5, 3, 8),
        document_flags=DocumentFlagSettings(0.02, 0.4),
        source=str(path),
    )


def test_an_empty_mapping_gives_the_defaults_with_repeated_title_off():
    rules = parse_cleaning_rules({})
    # without a repeated_title section the rule is off (the dataclass default has it on, 0.8)
    assert rules == CleaningRules(repeated_title_min_overlap=None, source="<dict>")
    assert (rules.header_max_chars, rules.repeated_title_min_chars) == (40, 4)
    assert (rules.opencc_config, rules.traditional_threshold) == ("t2s", 0.05)
    assert (rules.translation_min_chars, rules.translation_min_latin_share) == (40, 0.5)
    assert rules.remove_chars is None and rules.placeholder is None


def test_an_empty_repeated_title_section_takes_its_defaults():
    rules = parse_cleaning_rules({"repeated_title": {}})
    assert (rules.repeated_title_min_overlap, rules.repeated_title_min_chars) == (0.8, 4)


def test_the_project_rules_file_parses():
    rules = load_cleaning_rules()
    assert rules.source.endswith("cleaning.yml")
    assert rules.line_rules and all(isinstance(r, LineRule) for r in rules.line_rules)


# --- each section's mistakes name the file and the key ------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"header_max_chars": 0}, "`header_max_chars` must be a number between 1 and 10000, got 0"),
        ({"header_max_chars": True}, "`header_max_chars` must be a number between 1 and 10000, got True"),
        (
            {"block_rules": [{"name": "b", "start": "a"}]},
            "`block_rules[0]` must be a mapping with `name`, `start` and `end`",
        ),
        (
            {"block_rules": [{"name": "b", "start": "a", "end": "("}]},
            "`block_rules[0].end` is not a valid regular expression (missing ), unterminated "
            "subpattern at position 0): '('",
        ),
        (
            {"line_rules": [{"name": "ok", "pattern": "a"}, "x"]},
            "`line_rules[1]` must be a mapping with at least `name` and `pattern`",
        ),
        ({"line_rules": [{"name": "l", "pattern": ""}]}, "`line_rules[0].pattern` must be a non-empty"),
        (
            {"inline_rules": [{"pattern": "a"}]},
            "`inline_rules[0]` must be a mapping with at least `name` and `pattern`",
        ),
        (
            {"inline_rules": [{"name": "i", "pattern": 5}]},
            "`inline_rules[0].pattern` must be a non-empty regular expression string",
        ),
        (
            {"repeated_title": 0.8},
            "`repeated_title` must be a mapping with `min_overlap` (or be removed)",
        ),
        (
            {"repeated_title": {"min_overlap": 0}},
            "`repeated_title.min_overlap` must be a number between 0.01 and 1, got 0",
        ),
        (
            {"repeated_title": {"min_chars": 0}},
            "`repeated_title.min_chars` must be a number between 1 and 1000, got 0",
        ),
        ({"remove_chars": "["}, "`remove_chars` is not a valid regular expression"),
        ({"placeholder": ["*"]}, "`placeholder` must be a non-empty regular expression string"),
        (
            {"punctuation": {"to_fullwidth": {",": "，，"}}},
            "`punctuation.to_fullwidth` must map single characters to single characters",
        ),
        (
            {"punctuation": {"to_fullwidth": [","]}},
            "`punctuation.to_fullwidth` must map single characters to single characters",
        ),
        (
            {"script": {"traditional_threshold": 1.5}},
            "`script.traditional_threshold` must be a number between 0 and 1, got 1.5",
        ),
        (
            {"translation": {"min_chars": "40"}},
            "`translation.min_chars` must be a number between 1 and 1000000, got '40'",
        ),
        (
            {"translation": {"min_latin_share": -0.1}},
            "`translation.min_latin_share` must be a number between 0 and 1, got -0.1",
        ),
        # A key nobody reads would leave its rule silently unapplied.
        (
            {"placeholdr": "\\*{2,}"},
            "`placeholdr` is not a cleaning setting (did you mean `placeholder`?); the top level "
            "takes version, header_max_chars,",
        ),
        (
            {"script": {"opencc": "t2s"}},
            "`script.opencc` is not a cleaning setting (did you mean `opencc_config`?); `script` "
            "takes opencc_config, traditional_threshold",
        ),
        (
            {"repeated_title": {"min_overlap": 0.8, "overlap": 0.9}},
            "`repeated_title.overlap` is not a cleaning setting (did you mean `min_overlap`?)",
        ),
        (
            {"repeated_title": {"zone": "footer"}},
            "`repeated_title.zone` can only be header (titles are repeated among the header "
            "lines), got 'footer'",
        ),
        (
            {"punctuation": {"fullwidth_to_ascii": False}},
            "`punctuation.fullwidth_to_ascii` is not a cleaning setting (did you mean "
            "`fullwidth_alphanumerics_to_ascii`?)",
        ),
        (
            {"translation": {"latin_share": 0.5}},
            "`translation.latin_share` is not a cleaning setting (did you mean `min_latin_share`?)",
        ),
        (
            {"line_rules": [{"name": "l", "pattern": "a", "zones": "header"}]},
            "`line_rules[0].zones` is not a cleaning setting (did you mean `zone`?); "
            "`line_rules[0]` takes name, pattern, zone, description",
        ),
        (
            {"block_rules": [{"name": "b", "start": "a", "end": "b", "stop": "c"}]},
            "`block_rules[0].stop` is not a cleaning setting; `block_rules[0]` takes name, start, "
            "end, description",
        ),
        (
            {"inline_rules": [{"name": "i", "pattern": "a", "replace": ""}]},
            "`inline_rules[0].replace` is not a cleaning setting",
        ),
    ],
)
def test_a_mistake_names_the_source_and_the_key(raw, message):
    with pytest.raises(InputError) as error:
        parse_cleaning_rules(raw, source="site.yml")
    assert str(error.value).startswith(f"site.yml: {message}")


@pytest.mark.parametrize(
    "raw",
    [{"punctuation": [","]}, {"script": "t2s"}, {"translation": 40}, {"line_rules": 5}],
)
def test_a_section_of_the_wrong_kind_is_an_input_error(raw):
    with pytest.raises(InputError, match=r"^site\.yml: "):
        parse_cleaning_rules(raw, source="site.yml")


# --- the file ------------------------------------------------------------------------------------


def test_a_file_that_is_not_a_mapping_is_named(tmp_path):
    path = rules_file(tmp_path, "- line_rules\n")
    with pytest.raises(InputError) as error:
        load_cleaning_rules(path)
    assert str(error.value) == f"{path}: expected a YAML mapping of settings at the top level"


def test_an_empty_file_is_not_a_mapping(tmp_path):
    path = rules_file(tmp_path, "")
    with pytest.raises(InputError, match="expected a YAML mapping"):
        load_cleaning_rules(path)


def test_broken_yaml_names_the_line(tmp_path):
    path = rules_file(tmp_path, "header_max_chars: 30\nline_rules: [\n")
    with pytest.raises(InputError) as error:
        load_cleaning_rules(path)
    assert str(error.value).startswith(f"{path}: is not valid YAML (line 3, column 1: ")
    assert str(error.value).endswith("); fix the indicated line")


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.yml"
    with pytest.raises(InputError) as error:
        load_cleaning_rules(path)
    assert str(error.value) == (
        f"{path}: cannot read the cleaning rules (No such file or directory)"
    )


def test_a_mistake_in_a_file_names_the_file(tmp_path):
    path = rules_file(tmp_path, "line_rules:\n  - name: x\n    pattern: a\n    zone: top\n")
    with pytest.raises(InputError) as error:
        load_cleaning_rules(path)
    assert str(error.value) == (
        f"{path}: `line_rules[0].zone` must be one of any, header, footer, got 'top'"
    )
