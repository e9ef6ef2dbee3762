"""Decoding raw files in the encodings Chinese texts come in."""

from __future__ import annotations

import codecs
import random
import re

import pytest

from analysis.corpus.encoding import (
    _COMMON_HANZI,
    _CP1252,
    _HANZI,
    _common_share,
    _latin_runs,
    decode_bytes,
    read_text_file,
)
from analysis.errors import InputError

SIMPLIFIED = "坚持民主集中制，加强领导班子团结。“一把手”要带头。"
TRADITIONAL = "堅持民主集中制，加強領導班子團結。“一把手”要帶頭。"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        (SIMPLIFIED.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        (SIMPLIFIED.encode("gbk"), "gbk"),
        (TRADITIONAL.encode("big5"), "big5"),
        ("𠮷野家，团结".encode("gb18030"), "gb18030"),  # outside GBK: needs GB18030
    ],
)
def test_each_supported_encoding_is_detected_and_decoded(data, expected):
    text, encoding = decode_bytes(data, source="x.txt")
    assert encoding == expected
    assert text in (SIMPLIFIED, TRADITIONAL, "𠮷野家，团结")


def test_traditional_text_in_big5_is_not_mistaken_for_gbk():
    # These bytes are valid in both GB18030 and Big5; only Big5 gives the real text.
    data = TRADITIONAL.encode("big5")
    data.decode("gb18030")  # would not raise: the ambiguity is real
    assert decode_bytes(data) == (TRADITIONAL, "big5")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes([0x80, 0xFF, 0xFE, 0x81, 0x30]) * 3, "is not valid UTF-8 at byte 1 "),
    ],
)
def test_bad_files_are_errors_that_name_the_file(data, message):
    with pytest.raises(InputError, match=message) as caught:
        decode_bytes(data, source="texts/bad.txt")
    assert "texts/bad.txt" in str(caught.value)


def test_control_characters_mark_a_binary_file():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(1, 9)) * 20 + "团结".encode(), source="b.txt")


def test_read_text_file_reports_a_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"missing\.txt"):
        read_text_file(tmp_path / "missing.txt")


# The mojibake checks count characters over code-point arrays; these are the plain definitions
# they must agree with.
_MIXED = [chr(c) for c in range(0x80, 0x100)] + list("‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
_MIXED += [*"ab 1\n，。团结鍥㈢粨堅持龘㐀豈", "\ud800", "😀", "𠮷"]


def _common_share_by_character(text):
    hanzi = _HANZI.findall(text)
    if not hanzi:
        return 1.0, 0
    return sum(ch in _COMMON_HANZI for ch in hanzi) / len(hanzi), len(hanzi)


def _latin_runs_by_regex(text):
    chars = "[\u0080-\u00ff" + re.escape("".join(_CP1252)) + "]"
    return re.findall(f"{chars}*[\u00a0-\u00ff]{chars}*", text)


def test_character_counts_agree_with_their_plain_definitions():
    rng = random.Random(20071020)
    texts = ["", SIMPLIFIED, TRADITIONAL, SIMPLIFIED.encode().decode("latin-1")]
    texts += [
        SIMPLIFIED.encode().decode("gbk", "replace"),
        TRADITIONAL.encode("big5").decode("gbk", "replace"),
    ]
    texts += ["".join(rng.choices(_MIXED, k=rng.randrange(60))) for _ in range(2000)]
    for text in texts:
        assert _common_share(text) == _common_share_by_character(text), text
        assert _latin_runs(text) == _latin_runs_by_regex(text), text
