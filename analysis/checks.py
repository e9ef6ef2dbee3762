"""Argument checks shared by every stage: one error type, one wording.

Each check raises :class:`~analysis.errors.InputError` (a ``ValueError``) whose message starts
with the caller's name and says what was expected, so the command line reports a bad setting as
one line (``error: textstat_slogans: seed must be a whole number ≥ 0, got -1``) and a notebook
user sees which function and which argument to fix. Checks return the value in its plain Python
type (``int``, ``float``, ``str``), so callers can use what they checked.

>>> check_int(3, "span", "textstat_collocates", minimum=1)
3
>>> check_choice("drop", "nested", "textstat_slogan_cooccurrence", ("keep", "drop"))
'drop'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from analysis.errors import InputError

__all__ = [
    "MAX_BOOTSTRAP_RESAMPLES",
    "check_bool",
    "check_choice",
    "check_int",
    "check_number",
    "check_optional_string",
    "require_columns",
]

#: Intervals from more resamples than this differ in no digit shown; each costs memory.
MAX_BOOTSTRAP_RESAMPLES = 1_000_000


def check_int(
    value: object,
    name: str,
    caller: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """``value`` as an ``int`` if it is a whole number (not a bool) within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(
            f"{caller}: {name} must be a whole number{_range_text(minimum, maximum)}, "
            f"got {value!r}"
        )
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise InputError(
            f"{caller}: {name} must be a whole number{_range_text(minimum, maximum)}, "
            f"got {value!r}"
        )
    return int(value)


def check_number(
    value: object,
    name: str,
    caller: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
    below: float | None = None,
) -> float:
    """``value`` as a finite ``float`` (not a bool) with ``minimum ≤ value ≤ maximum`` and
    ``above < value < below`` for the bounds given."""
    bounds = [
        f"≥ {minimum}" if minimum is not None else "",
        f"> {above}" if above is not None else "",
        f"≤ {maximum}" if maximum is not None else "",
        f"< {below}" if below is not None else "",
    ]
    expected = f"{caller}: {name} must be a number " + " and ".join(b for b in bounds if b)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{expected.rstrip()}, got {value!r}")
    number = float(value)
    if (
        not math.isfinite(number)
        or (minimum is not None and number < minimum)
        or (maximum is not None and number > maximum)
        or (above is not None and number <= above)
        or (below is not None and number >= below)
    ):
        raise InputError(f"{expected.rstrip()}, got {value!r}")
    return number


def check_bool(value: object, name: str, caller: str) -> bool:
    """``value`` if it is ``True`` or ``False`` (numpy booleans included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{caller}: {name} must be true or false, got {value!r}")
    return bool(value)


def check_choice(value: object, name: str, caller: str, choices: Collection[str]) -> str:
    """``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise InputError(f"{caller}: {name} must be one of {listed}, got {value!r}")
    return value


def check_optional_string(value: object, name: str, caller: str) -> str | None:
    """``value`` if it is a string or None."""
    if value is not None and not isinstance(value, str):
        raise InputError(f"{caller}: {name} must be a string or None, got {value!r}")
    return value


def require_columns(
    table: object, columns: Sequence[str], caller: str, *, name: str, source: str
) -> pd.DataFrame:
    """``table`` if it is a DataFrame holding ``columns``.

    The message calls the table ``name`` (e.g. "the mentions table") and says to pass
    ``source`` (e.g. "corpus.mentions of analysis.build_corpus").
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"{caller}: expected {name} as a pandas DataFrame ({source}), "
            f"got {type(table).__name__}"
        )
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"{caller}: {name} lacks column(s) {', '.join(missing)}; pass {source}"
        )
    return table


def _range_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" ≥ {minimum}"
    if maximum is not None:
        return f" ≤ {maximum}"
    return ""

