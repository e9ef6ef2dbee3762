"""Traditional → Simplified conversion (OpenCC), shared by the slogan lexicon and the cleaner.

The lexicon matches its variants in Simplified and the cleaner converts every text to
Simplified, so both must convert alike; the conversion lives here, before both stages.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import opencc

from analysis.errors import InputError

#: OpenCC configurations that convert character by character (with same-length phrases), so
#: offsets into the converted text are offsets into the original. The phrase configurations
#: (tw2sp: 太空梭 → 航天飞机, 部落格 → 博客) change lengths inside a line and are refused.
CHARACTER_CONFIGS = ("t2s", "tw2s", "hk2s")


@lru_cache(maxsize=8)
def _converter(config: str) -> opencc.OpenCC:
    if config not in CHARACTER_CONFIGS:
        raise InputError(
            f"cleaning rules: OpenCC configuration {config!r} is unknown or converts phrases "
            "(which would shift every later offset); use t2s, tw2s or hk2s"
        )
    return opencc.OpenCC(config)


def to_simplified(text: str, config: str = "t2s") -> str:
    """Traditional → Simplified with OpenCC, guaranteed to keep the length of ``text``.

    Only the character configurations (:data:`CHARACTER_CONFIGS`) are accepted; they map
    characters one to one in practice. Should a conversion ever change a line's length, that line
    is left unconverted (with a warning) so that offsets stay aligned.
    """
    return convert_keeping_length(text, _converter(config), stacklevel=3)


def convert_keeping_length(
    text: str, converter: opencc.OpenCC, *, stacklevel: int = 2
) -> str:
    """``converter``'s conversion of ``text``, with every line whose length it would change
    left as it is (and one warning, pointing ``stacklevel`` frames up: the caller's)."""
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    parts = []
    for segment in text.splitlines(keepends=True):
        out = converter.convert(segment)
        parts.append(out if len(out) == len(segment) else segment)
    warnings.warn(
        "OpenCC changed the length of some lines; those lines were left unconverted",
        stacklevel=stacklevel,
    )
    return "".join(parts)
