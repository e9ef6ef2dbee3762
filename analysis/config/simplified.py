"""Traditional → Simplified conversion (OpenCC), shared by the slogan lexicon and the cleaner.

The lexicon matches its variants in Simplified and the cleaner converts every text to
Simplified, so both must convert alike; the conversion lives here, before both stages.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import opencc

from analysis.errors import InputError


@lru_cache(maxsize=8)
def _converter(config: str) -> opencc.OpenCC:
    try:
        return opencc.OpenCC(config)
    except Exception as exc:  # OpenCC raises a bare RuntimeError for unknown configurations
        raise InputError(
            f"cleaning rules: OpenCC configuration {config!r} is unknown; use t2s, tw2s or hk2s"
        ) from exc


def to_simplified(text: str, config: str = "t2s") -> str:
    """Traditional → Simplified with OpenCC, guaranteed to keep the length of ``text``.

    OpenCC's t2s maps characters one to one in practice; should a phrase conversion ever change a
    line's length, that line is left unconverted (with a warning) so that offsets stay aligned.
    """
    converted = _converter(config).convert(text)
    if len(converted) == len(text):
        return converted
    parts = []
    for segment in text.splitlines(keepends=True):
        out = _converter(config).convert(segment)
        parts.append(out if len(out) == len(segment) else segment)
    warnings.warn(
        "OpenCC changed the length of some lines; those lines were left unconverted",
        stacklevel=2,
    )
    return "".join(parts)
