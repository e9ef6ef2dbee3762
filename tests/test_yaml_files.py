"""analysis.config.yaml_files: safe YAML with aliases refused, and one-line YAML problems."""

from __future__ import annotations

import pytest
import yaml

from analysis.config.yaml_files import load_yaml, yaml_problem


def test_plain_yaml_loads_as_safe_load_does():
    text = "a: 1\nb: [x, 团结]\nc: {d: true, e: null}\n"
    assert load_yaml(text) == {"a": 1, "b": ["x", "团结"], "c": {"d": True, "e": None}}
    assert load_yaml(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_an_empty_document_is_none(text):
    assert load_yaml(text) is None


def test_an_anchor_that_is_never_used_is_allowed():
    assert load_yaml("a: &x [1, 2]\nb: 3\n") == {"a": [1, 2], "b": 3}


def test_an_alias_is_refused_at_its_line_and_column_before_it_expands():
    text = "a: &x [1, 2]\nb: 3\nc: *x\n"
    with pytest.raises(yaml.YAMLError) as error:
        load_yaml(text)
    assert yaml_problem(error.value) == (
        "line 3, column 4: an alias (*x) repeats an anchored block; aliases are not allowed in "
        "these files: write the entries out"
    )


def test_an_alias_inside_a_list_is_refused_too():
    with pytest.raises(yaml.composer.ComposerError, match=r"an alias \(\*item\)"):
        load_yaml("- &item 团结\n- *item\n")


def test_a_python_tag_is_refused():
    with pytest.raises(yaml.constructor.ConstructorError):
        load_yaml('a: !!python/object/apply:os.getcwd []\n')


def test_two_documents_in_one_file_are_refused():
    with pytest.raises(yaml.YAMLError, match="expected a single document"):
        load_yaml("a: 1\n---\nb: 2\n")


def test_a_problem_is_one_line_with_line_and_column():
    with pytest.raises(yaml.YAMLError) as error:
        load_yaml("a: 1\nb: [1, 2\n")
    problem = yaml_problem(error.value)
    assert "\n" not in problem
    assert problem.startswith("line 3, column 1: ")
    assert problem == (
        "line 3, column 1: expected ',' or ']', but got '<stream end>'"
    )


def test_a_problem_without_a_mark_is_the_message_on_one_line():
    assert yaml_problem(yaml.YAMLError("first\n   second  third")) == "first second third"
