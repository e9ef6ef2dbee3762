"""analysis.errors: the error classes and the lone-surrogate check."""

from __future__ import annotations

import pytest

from analysis.errors import CannotDraw, InputError, reject_lone_surrogates


def test_input_error_is_a_value_error_and_cannot_draw_is_an_input_error():
    assert issubclass(InputError, ValueError)
    assert issubclass(CannotDraw, InputError)
    assert not issubclass(InputError, CannotDraw)
    with pytest.raises(ValueError, match=r"^no keyword$"):
        raise CannotDraw("no keyword")


@pytest.mark.parametrize("text", ["", "团结", "abc\n😀𠀀", "\ud7ff\ue000"])
def test_text_without_a_lone_surrogate_passes(text):
    assert reject_lone_surrogates(text, "the text") is None


def test_a_lone_surrogate_is_named_with_its_code_point_and_offset():
    with pytest.raises(InputError) as error:
        reject_lone_surrogates("团结\udc80x", "document d.txt")
    message = str(error.value)
    assert message.startswith(
        "document d.txt contains a lone surrogate (U+DC80) at offset 2, which no text file can hold"
    )
    assert "errors='surrogateescape'" in message
    assert "analysis.corpus.encoding.read_text_file" in message
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_the_first_of_several_lone_surrogates_is_the_one_named():
    text = b"ab\xff\xfe".decode("utf-8", errors="surrogateescape")
    assert text == "ab\udcff\udcfe"
    with pytest.raises(InputError, match=r"^slogan 'x' contains a lone surrogate \(U\+DCFF\) at offset 2,"):
        reject_lone_surrogates(text, "slogan 'x'")


def test_a_high_surrogate_alone_is_refused_too():
    with pytest.raises(InputError, match=r"\(U\+D800\) at offset 0,"):
        reject_lone_surrogates("\ud800", "t")
