"""Errors raised for bad input.

Every message names the file (or argument) at fault and says what to do about it, so a researcher
can fix the input without reading the code. ``InputError`` is a ``ValueError``, so callers that
already catch ``ValueError`` keep working.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: a file that cannot be read, malformed metadata or settings, an unknown name."""
