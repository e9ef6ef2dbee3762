"""Integer codes of string columns: the same answers as pandas on Python strings."""

import numpy as np
import pandas as pd
import pytest

from analysis.features.codes import blocks_of_whole_runs, factorize_sorted, positions_in

# BMP, full-width and a supplementary-plane character: code-point order puts ｚ (U+FF5A) before
# 𠀀 (U+20000), which UTF-16 order would not.
WORDS = ["团结", "𠀀", "a", "ｚ", "团结", "民主集中制", "a", "一把手", "𠀀", "B"]


@pytest.mark.parametrize("dtype", ["str", "object"])
def test_factorize_sorted_is_pandas_sorted_factorize(dtype):
    values = pd.Series(WORDS, dtype=dtype)
    codes, uniques = factorize_sorted(values)
    expected_codes, expected_uniques = pd.factorize(np.array(WORDS, dtype=object), sort=True)
    assert codes.tolist() == expected_codes.tolist()
    assert uniques.tolist() == expected_uniques.tolist() == sorted(set(WORDS))
    assert uniques.tolist().index("ｚ") < uniques.tolist().index("𠀀")


def test_factorize_sorted_gives_minus_one_for_a_missing_value():
    codes, uniques = factorize_sorted(pd.Series(["乙", None, "一"], dtype="str"))
    assert codes.tolist() == [1, -1, 0]
    assert uniques.tolist() == ["一", "乙"]  # U+4E00 before U+4E59


def test_factorize_sorted_of_nothing():
    codes, uniques = factorize_sorted(pd.Series([], dtype="str"))
    assert len(codes) == 0 and len(uniques) == 0


@pytest.mark.parametrize("dtype", ["str", "object"])
def test_positions_in_is_get_indexer(dtype):
    index = pd.Index(["民主集中制", "团结", "𠀀"])
    values = pd.Series([*WORDS, None], dtype=dtype)
    expected = index.get_indexer(np.array([*WORDS, None], dtype=object))
    assert positions_in(values, index).tolist() == expected.tolist()
    assert positions_in(values, index).tolist()[:3] == [1, 2, -1]
    assert positions_in(values, index)[-1] == -1


def test_blocks_of_whole_runs_cut_between_runs_only():
    keys = np.array([0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4])
    spans = {size: [(b.start, b.stop) for b in blocks_of_whole_runs(keys, size)]
             for size in (1, 2, 3, 5, 100)}
    assert spans == {
        1: [(0, 3), (3, 5), (5, 6), (6, 10), (10, 11)],  # a run each
        2: [(0, 3), (3, 5), (5, 10), (10, 11)],
        3: [(0, 3), (3, 6), (6, 10), (10, 11)],
        5: [(0, 5), (5, 10), (10, 11)],
        100: [(0, 11)],
    }
    assert blocks_of_whole_runs(np.zeros(0, np.int32), 5) == []
