"""Errors raised for bad input.

Every message names the file (or argument) at fault and says what to do about it, so a researcher
can fix the input without reading the code. ``InputError`` is a ``ValueError``, so callers that
already catch ``ValueError`` keep working.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: a file that cannot be read, malformed metadata or settings, an unknown name."""


class CannotDraw(InputError):
    """A figure has nothing it can show well for these data: no keyword on either side, or more
    rows than fit a page. A run records the figure as skipped with this message, not failed."""


def reject_lone_surrogates(text: str, what: str) -> None:
    """Raise :class:`InputError` if ``text`` holds a lone surrogate (U+D800–U+DFFF).

    No text file can hold one (the loader decodes strictly), but a string made some other way
    can: ``bytes.decode(..., errors="surrogateescape")`` puts one in for every undecodable byte.
    Such text cannot be encoded as UTF-8, so OpenCC, rjieba, the parquet token cache and every
    CSV output would fail on it far from the cause; the stages that take text from a caller
    (cleaning, segmentation, slogan lexicons) refuse it up front instead, with its offset.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise InputError(
            f"{what} contains a lone surrogate (U+{code:04X}) at offset {exc.start}, which no "
            "text file can hold: it came from decoding bytes with errors='surrogateescape' or "
            "'surrogatepass'. Read the file with analysis.corpus.encoding.read_text_file, or "
            "replace it "
            "first (text.encode('utf-8', 'replace').decode('utf-8'))"
        ) from None
