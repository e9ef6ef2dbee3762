"""Decoding raw text files whose encoding is not known in advance.

Order of detection, first match wins:

1. a byte-order mark: UTF-8 (``utf-8-sig``), UTF-16 LE/BE (``utf-16``);
2. strict UTF-8 (``utf-8``);
3. the legacy Chinese encodings GB18030 (recorded as ``gbk`` when the bytes are valid GBK, its
   subset) and Big5. Where both decode the bytes, the reading with clearly more common
   characters wins, and charset-normalizer decides between readings alike.

A file that is empty, looks binary (NUL bytes without a UTF-16 BOM, or many control characters),
or decodes under none of these is an :class:`~analysis.errors.InputError` naming the file. So is a
file that decodes only to mojibake (:func:`mojibake_problem`): UTF-8 or GBK text that was once
opened as Latin-1/Windows-1252 (or UTF-8 opened as GBK) and saved again, Japanese or Korean text
in a legacy encoding, or bytes that GB18030 or Big5 turn into rare characters only.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import numpy as np
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
        raise InputError(f"{source}: {_undecodable(data, encoding)}")
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise InputError(
            f"{source}: decoded as {encoding} but is full of control characters, so it is probably "
            "a binary file; remove it from the texts folder or save the text as UTF-8"
        )
    if not text.strip():
        raise InputError(
            f"{source}: the file holds only white space; put the text in it or remove it"
        )
    problem = mojibake_problem(text, encoding, data)
    if problem:
        raise InputError(f"{source}: {problem}")
    return text, encoding


def _undecodable(data: bytes, tried: str) -> str:
    """Where the bytes stop being text: the first byte UTF-8 (or the BOM's encoding) refuses,
    its line and what precedes it, so that the researcher can find it in an editor."""
    encoding = "utf-16" if tried.startswith("utf-16") else "utf-8"
    skip = 3 if tried == "utf-8-sig" else 0  # the BOM, which utf-8-sig leaves out of offsets
    try:
        data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[skip : skip + exc.start].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        context = before.splitlines()[-1][-12:] if before.strip() else ""
        start = skip + exc.start
        bad = data[start : min(skip + exc.end + 2, start + 4)].hex(" ")
        where = f"byte {start + 1:,} (line {line}" + (
            f", after “{context}”" if context else ""
        ) + f": bytes {bad})"
        legacy = "" if skip or encoding != "utf-8" else ", nor is the file GB18030/GBK or Big5 text"
        return (
            f"is not valid {encoding.upper()} at {where}{legacy}; delete "
            "or retype what is there in an editor, or save it as UTF-8"
        )
    return "cannot be decoded as UTF-8, UTF-16 with BOM, GB18030/GBK or Big5; save it as UTF-8"


def _decode_legacy(data: bytes) -> tuple[str | None, str]:
    decoded = {enc: text for enc in _LEGACY if (text := _strict(data, enc)) is not None}
    if not decoded:
        return None, ""
    if len(decoded) == 2:
        # The reading with clearly more common characters is the right one; charset-normalizer
        # decides between readings alike (short texts).
        gb_share, big5_share = (_common_share(_sample(decoded[enc]))[0] for enc in _LEGACY)
        if abs(gb_share - big5_share) >= 0.1:
            choice = "big5" if big5_share > gb_share else "gb18030"
        else:
            best = from_bytes(data, cp_isolation=list(_LEGACY)).best()
            choice = "big5" if best is not None and best.encoding.startswith("big5") else "gb18030"
    else:
        (choice,) = decoded
    if choice == "gb18030" and _strict(data, "gbk") is not None:
        return decoded[choice], "gbk"
    return decoded[choice], choice


# --- mojibake ---------------------------------------------------------------------------------

# Common characters: GB2312 level 1 (the 3,755 most used simplified characters) and Big5 level 1
# (the 5,401 most used traditional ones). Real Chinese text is over 85% common characters in any
# stretch of 40 (measured on the study, political and news corpora); GB18030 or Big5 applied to
# bytes of another encoding gives rare characters mostly (random bytes: about 40%).
_COMMON_HANZI = frozenset(
    bytes([hi, lo]).decode("gb2312") for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)
    if (hi, lo) < (0xD7, 0xFA)
) | frozenset(
    ch
    for hi in range(0xA4, 0xC7)
    for lo in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    if (hi, lo) <= (0xC6, 0x7E) and (ch := _strict(bytes([hi, lo]), "big5")) is not None
)
_HANZI_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # CJK ideographs
_HANZI = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _HANZI_RANGES) + "]")


def _hanzi_classes() -> np.ndarray:
    """Each code point's class, for looking up a whole text at once: 0 not a Chinese character,
    1 a rare one, 2 a common one."""
    classes = np.zeros(0x110000, dtype=np.uint8)
    for lo, hi in _HANZI_RANGES:
        classes[lo : hi + 1] = 1
    classes[[ord(ch) for ch in _COMMON_HANZI]] = 2
    return classes


_HANZI_CLASS = _hanzi_classes()
_MIN_HANZI = 40  # fewer characters than this are too few to judge
_MIN_COMMON_SHARE = 0.6  # below this, certainly not Chinese (mojibake of UTF-8 read as GBK)


def _least_common_share(hanzi: int) -> float:
    """Below this share of common characters a legacy decoding is not Chinese: real text has
    at least 0.875 in 40 characters and 0.93 in 100; GB2312's area read from random bytes
    about 0.65."""
    return 0.85 if hanzi >= 200 else 0.75


# Windows-1252's characters for bytes 0x80-0x9F; with Latin-1 for the rest, every byte.
_CP1252 = {
    ch: byte for byte in range(0x80, 0xA0) if (ch := _strict(bytes([byte]), "cp1252")) is not None
}


def _latin_classes() -> np.ndarray:
    """Each code point's class for :func:`_latin_runs`: 0 not a character of Latin-1 or
    Windows-1252 above ASCII, 1 such a character, 2 a Latin-1 letter or sign (U+00A0-U+00FF)."""
    classes = np.zeros(0x110000, dtype=np.uint8)
    classes[0x80:0xA0] = 1
    classes[[ord(ch) for ch in _CP1252]] = 1
    classes[0xA0:0x100] = 2
    return classes


_LATIN_CLASS = _latin_classes()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SAMPLE = 200_000  # characters (or bytes) looked at: mojibake runs through a whole file

# charset-normalizer's guess is confirmed by the script: Japanese is written with kana among
# its kanji, Korean almost only in Hangul (noise bytes read as either have little of them).
_OWN_SCRIPT = {
    "Japanese": (re.compile(r"[\u3041-\u30ff]"), 0.2),
    "Korean": (re.compile(r"[\uac00-\ud7a3]"), 0.8),
}
_LETTERS = re.compile(r"[^\x00-\x7f\s\u3000-\u303f\uff00-\uffef]")


def _reads_as(language: str, text: str) -> bool:
    """Whether ``text`` is written mostly in the script of ``language`` (Japanese, Korean)."""
    if language not in _OWN_SCRIPT:
        return False
    own, least = _OWN_SCRIPT[language]
    letters = len(_LETTERS.findall(text))
    return letters > 0 and len(own.findall(text)) >= least * letters


def _sample(text: str) -> str:
    """At most ``_SAMPLE`` characters from across ``text`` (ten evenly spaced slices)."""
    if len(text) <= _SAMPLE:
        return text
    step, width = len(text) // 10, _SAMPLE // 10
    return "".join(text[i : i + width] for i in range(0, 10 * step, step))


def _common_share(text: str) -> tuple[float, int]:
    """The share of common characters among the Chinese characters of ``text`` (1.0 when it
    has none) and their number, counted over an array of code points (no loop over characters)."""
    code_points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    _, rare, common = np.bincount(_HANZI_CLASS[code_points], minlength=3).tolist()
    hanzi = rare + common
    if not hanzi:
        return 1.0, 0
    return common / hanzi, hanzi


def _shown(text: str, limit: int = 8) -> str:
    """A short quotable piece of ``text`` on one line, without control characters."""
    return repr(re.sub(r"[\x00-\x1f\x7f-\x9f\xad]", "", re.sub(r"\s+", " ", text)).strip()[:limit])


def _latin_runs(text: str) -> list[str]:
    """The longest runs of Latin-1/Windows-1252 characters above ASCII in ``text`` that hold a
    Latin-1 letter or sign: runs of typographic punctuation alone (——, ……, ”“, which Chinese
    text is full of) are no sign of mojibake. Found on an array of code points: what a regex
    ``[those characters]*[U+00A0-U+00FF][those characters]*`` finds, without trying every
    position."""
    classes = _LATIN_CLASS[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")]
    inside = np.concatenate([[False], classes > 0, [False]])
    edges = np.flatnonzero(inside[1:] != inside[:-1])  # alternately where runs start and end
    starts, ends = edges[::2], edges[1::2]
    signs = np.concatenate([[0], np.cumsum(classes == 2)])
    with_sign = signs[ends] > signs[starts]
    bounds = zip(starts[with_sign].tolist(), ends[with_sign].tolist(), strict=True)
    return [text[start:end] for start, end in bounds]


def _latin1_mojibake(sample: str) -> str | None:
    """Text once decoded as Latin-1/Windows-1252 and saved again: runs of Latin-1 characters
    whose bytes are UTF-8 (or GB18030) Chinese."""
    runs = [run for run in _latin_runs(sample) if len(run) >= 2]
    latin = sum(map(len, runs))
    # mojibake makes up most of a mojibake file; a few accented words are not it
    if latin < 12 or latin < 0.3 * len(_NON_ASCII.findall(sample)):
        return None
    raw = [bytes(_CP1252.get(ch, ord(ch)) for ch in run) for run in runs]
    for encoding, label, width in (("utf-8", "UTF-8", 3), ("gb18030", "GB18030/GBK", 2)):
        recovered = [b.decode(encoding, errors="replace") for b in raw]
        share, hanzi = _common_share("".join(recovered))
        # each recovered Chinese character was `width` Latin-1 characters
        if hanzi >= 4 and share >= 0.8 and hanzi * width >= 0.6 * latin:
            first = next(i for i, r in enumerate(recovered) if _HANZI.search(r))
            return (
                f"looks like {label} Chinese text that was opened as Latin-1/Windows-1252 and "
                f"saved again (mojibake: {_shown(runs[first], 12)} should read "
                f"{_shown(recovered[first])}); open the original file and save it as UTF-8"
            )
    return None


def _gbk_mojibake(sample: str) -> str | None:
    """UTF-8 Chinese once decoded as GBK and saved again (团结 → 鍥㈢粨)."""
    share, hanzi = _common_share(sample)
    if hanzi < _MIN_HANZI or share >= _MIN_COMMON_SHARE:
        return None
    recovered = sample.encode("gb18030").decode("utf-8", errors="replace")
    new_share, new_hanzi = _common_share(recovered)
    # a Chinese character is 3 bytes in UTF-8 and became 1.5 characters read as GBK
    if new_hanzi >= hanzi / 3 and new_share >= 0.8:
        start = _HANZI.search(sample).start()
        return (
            "looks like UTF-8 Chinese text that was opened as GBK and saved again (mojibake: "
            f"{_shown(sample[start:], 6)} should read "
            f"{_shown(sample[start:start + 6].encode('gb18030').decode('utf-8', 'replace'), 4)}); "
            "open the original file and save it as UTF-8"
        )
    return None


def mojibake_problem(text: str, encoding: str, data: bytes) -> str | None:
    """Why ``text`` (``data`` decoded as ``encoding``) is mojibake rather than the document, or
    ``None``. The tests need enough text to judge (``_MIN_HANZI`` Chinese characters, or 100
    bytes for the language guess), so a very short file is taken as it decodes."""
    sample = _sample(text)
    problem = _latin1_mojibake(sample) or _gbk_mojibake(sample)
    if problem or encoding not in ("gbk", "gb18030", "big5"):
        return problem
    # A legacy decoding is a guess: check it gives Chinese, not another language or noise.
    if sum(b >= 0x80 for b in data[:_SAMPLE]) >= 100:
        best = from_bytes(data[: 4 * _SAMPLE]).best()
        if best is not None and _reads_as(best.language, str(best)):
            return (
                f"reads as {best.language} text ({best.encoding}), not Chinese in {encoding}; "
                "open it in an editor that shows it correctly and save it as UTF-8, or remove it "
                "from the texts folder"
            )
    share, hanzi = _common_share(sample)
    if hanzi >= _MIN_HANZI and share < _least_common_share(hanzi):
        return (
            f"decodes as {encoding} only to rare characters ({share:.0%} common ones; Chinese "
            "text has over 85%), so it is in another encoding or damaged; open it in an editor, "
            "check the text shows correctly and save it as UTF-8"
        )
    return None


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
