"""Decoding raw text files whose encoding is not known in advance.

Order of detection, first match wins:

1. a byte-order mark: UTF-8 (``utf-8-sig``), UTF-16 LE/BE (``utf-16``);
2. strict UTF-8 (``utf-8``);
3. the legacy Chinese encodings GB18030 (recorded as ``gbk`` when the bytes are valid GBK, its
   subset) and Big5. Where both decode the bytes, charset-normalizer decides between the two.

A file that is empty, looks binary (NUL bytes without a UTF-16 BOM, or many control characters),
or decodes under none of these is an :class:`~analysis.errors.InputError` naming the file.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from analysis.errors import InputError

_LEGACY = ("gb18030", "big5")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def decode_bytes(data: bytes, *, source: str | Path = "<bytes>") -> tuple[str, str]:
    """Return ``(text, encoding)`` for the raw bytes of one text file.

    ``source`` is only used in error messages.
    """
    if not data.strip():
        raise InputError(f"{source}: the file is empty; put the document's text in it or remove it")
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data, "utf-8-sig"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16"), "utf-16"
    elif b"\x00" in data:
        raise InputError(
            f"{source}: looks like a binary file (it contains NUL bytes) or UTF-16 without a "
            "byte-order mark; save the text as UTF-8 or remove the file from the texts folder"
        )
    else:
        text, encoding = _strict(data, "utf-8"), "utf-8"
        if text is None:
            text, encoding = _decode_legacy(data)
    if text is None:
        raise InputError(
            f"{source}: cannot be decoded as UTF-8, UTF-16 with BOM, GB18030/GBK or Big5; "
            "open it in an editor and save it as UTF-8"
        )
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise InputError(
            f"{source}: decoded as {encoding} but is full of control characters, so it is probably "
            "a binary file; remove it from the texts folder or save the text as UTF-8"
        )
    if not text.strip():
        raise InputError(
            f"{source}: the file holds only white space; put the text in it or remove it"
        )
    return text, encoding


def _decode_legacy(data: bytes) -> tuple[str | None, str]:
    decoded = {enc: text for enc in _LEGACY if (text := _strict(data, enc)) is not None}
    if not decoded:
        return None, ""
    if len(decoded) == 2:
        best = from_bytes(data, cp_isolation=list(_LEGACY)).best()
        choice = "big5" if best is not None and best.encoding.startswith("big5") else "gb18030"
    else:
        (choice,) = decoded
    if choice == "gb18030" and _strict(data, "gbk") is not None:
        return decoded[choice], "gbk"
    return decoded[choice], choice


def read_text_file(path: str | Path) -> tuple[str, str]:
    """Read and decode one file: ``(text, encoding)``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"{path}: cannot be read ({exc.strerror}); check the path and permissions"
        ) from exc
    return decode_bytes(data, source=path)
