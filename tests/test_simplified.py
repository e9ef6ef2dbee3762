"""analysis.config.simplified.to_simplified: Traditional → Simplified, keeping the length.

OpenCC's ``t2s`` maps characters one to one; the Taiwan-phrase configuration ``tw2sp`` does not
(太空梭 → 航天飞机, 部落格 → 博客): to_simplified refuses it, and the length guard
(convert_keeping_length) is exercised with it here.
"""

from __future__ import annotations

import warnings

import opencc
import pytest

from analysis.config.simplified import convert_keeping_length, to_simplified
from analysis.errors import InputError

LEFT_UNCONVERTED = "OpenCC changed the length of some lines; those lines were left unconverted"


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("領導班子要團結。", "领导班子要团结。"),
        ("民主集中製", "民主集中制"),
        ("頭髮", "头发"),
        ("後來", "后来"),
        ("臺灣", "台湾"),
        ("發展\r\n經濟\n", "发展\r\n经济\n"),
        ("团结 abc 123", "团结 abc 123"),  # Simplified text and ASCII pass unchanged
        ("", ""),
    ],
)
def test_t2s_converts_exactly_and_keeps_the_length(traditional, simplified):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        converted = to_simplified(traditional)
    assert converted == simplified
    assert len(converted) == len(traditional)


def test_the_other_configurations_convert_too():
    assert to_simplified("團結", "tw2s") == "团结"
    assert to_simplified("團結", "hk2s") == "团结"


def test_a_line_whose_length_would_change_is_left_unconverted_with_a_warning():
    text = "領導\n太空梭\r\n團結"  # tw2sp: 太空梭 (3) → 航天飞机 (4)
    with pytest.warns(UserWarning, match=f"^{LEFT_UNCONVERTED}$") as caught:
        converted = convert_keeping_length(text, opencc.OpenCC("tw2sp"))
    assert converted == "领导\n太空梭\r\n团结"
    assert len(converted) == len(text)
    assert len(caught) == 1
    assert caught[0].filename == __file__  # the warning points at the caller


def test_a_text_of_one_line_that_would_change_length_is_returned_as_given():
    with pytest.warns(UserWarning, match=LEFT_UNCONVERTED):
        assert convert_keeping_length("隨身碟", opencc.OpenCC("tw2sp")) == "隨身碟"  # → U盘


def test_a_phrase_configuration_is_refused():
    # 太空梭與部落格 → 航天飞机与博客: the same length, every offset after 太空梭 shifted
    with pytest.raises(InputError, match=r"'tw2sp' is unknown or converts phrases"):
        to_simplified("太空梭與部落格", "tw2sp")


def test_an_unknown_configuration_is_an_input_error_naming_the_choices():
    with pytest.raises(InputError) as error:
        to_simplified("團結", "t2x")
    assert str(error.value) == (
        "cleaning rules: OpenCC configuration 't2x' is unknown or converts phrases (which would "
        "shift every later offset); use t2s, tw2s or hk2s"
    )
