"""analysis.checks: every check returns the plain value or raises InputError naming the caller."""

import numpy as np
import pandas as pd
import pytest

from analysis.checks import (
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_optional_string,
    require_columns,
)
from analysis.errors import InputError


def test_check_int_returns_a_python_int_within_bounds():
    value = check_int(np.int64(4), "span", "f", minimum=1, maximum=10)
    assert value == 4 and type(value) is int


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "f: seed must be a whole number ≥ 0, got -1"),
        (True, "f: seed must be a whole number ≥ 0, got True"),
        (1.5, "f: seed must be a whole number ≥ 0, got 1.5"),
        ("3", "f: seed must be a whole number ≥ 0, got '3'"),
    ],
)
def test_check_int_message_names_caller_argument_and_bound(value, message):
    with pytest.raises(InputError) as caught:
        check_int(value, "seed", "f", minimum=0)
    assert str(caught.value) == message


def test_check_int_range_wording():
    with pytest.raises(InputError, match=r"^g: k must be a whole number from 2 to 5, got 6$"):
        check_int(6, "k", "g", minimum=2, maximum=5)


def test_check_number_bounds_are_open_or_closed_as_asked():
    assert check_number(0.95, "confidence", "f", above=0, below=1) == 0.95
    assert check_number(0, "x", "f", minimum=0) == 0.0
    for bad in (0, 1, float("nan"), float("inf"), True, "0.5"):
        with pytest.raises(InputError, match=r"^f: confidence must be a number > 0 and < 1, got"):
            check_number(bad, "confidence", "f", above=0, below=1)


def test_check_bool_choice_and_optional_string():
    assert check_bool(np.bool_(True), "hmm", "f") is True
    with pytest.raises(InputError, match=r"^f: hmm must be true or false, got 1$"):
        check_bool(1, "hmm", "f")
    assert check_choice("drop", "nested", "f", ("keep", "drop")) == "drop"
    with pytest.raises(InputError, match=r"^f: nested must be one of 'keep', 'drop', got 'x'$"):
        check_choice("x", "nested", "f", ("keep", "drop"))
    assert check_optional_string(None, "title", "f") is None
    with pytest.raises(InputError, match=r"^f: title must be a string or None, got 3$"):
        check_optional_string(3, "title", "f")


def test_require_columns_names_the_missing_columns_and_the_source():
    table = pd.DataFrame({"doc_id": ["a"], "term": ["团结"]})
    assert require_columns(table, ["doc_id"], "f", name="the tokens table", source="x") is table
    with pytest.raises(InputError) as caught:
        require_columns(table, ["doc_id", "count", "slogan"], "f", name="the tokens table",
                        source="corpus.tokens")
    assert str(caught.value) == (
        "f: the tokens table lacks column(s) count, slogan; pass corpus.tokens"
    )
    with pytest.raises(InputError, match=r"^f: expected the tokens table as a pandas DataFrame"):
        require_columns([1], ["doc_id"], "f", name="the tokens table", source="corpus.tokens")
