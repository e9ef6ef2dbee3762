"""Cleaning raw texts, with an audit of every change.

``clean_corpus(corpus)`` turns the raw corpus table of :func:`analysis.load_corpus` into cleaned
documents and a cleaning audit. The rules come from ``data/cleaning.yml`` (see that file for what
each rule does). What the cleaner guarantees:

* Every change is one *edit* of the raw text: ``raw[start:end]`` (``text``) became ``replacement``
  under ``rule``. Edits never overlap, so the raw text is exactly the cleaned text with each
  ``text_clean[clean_start:clean_end]`` put back to ``text`` (:func:`restore_raw_text` does this,
  and the tests check it for every document).
* The cleaned text is Simplified Chinese with normalised punctuation, one paragraph per line, no
  empty lines, no indents and no final line break.
* Text in Latin script appended to a line (a machine translation) moves to the ``translation``
  column; censorship placeholders (``**``) stay in the text.
* Cleaning is idempotent: cleaning a cleaned text changes nothing (with the same rules, and
  so the same shared lines).
* Lines a corpus shares (``rules.shared_lines``, see :mod:`analysis.corpus.boilerplate`) are
removed as
  the line rule ``shared_boilerplate``; without them (the default) nothing is.
* Any text is accepted except one holding a lone surrogate (U+D800–U+DFFF), which no decoded
  file can contain and no file can store: that is an :class:`~analysis.errors.InputError`
  giving its offset (see :func:`analysis.errors.reject_lone_surrogates`). Control characters,
  NUL and U+FEFF are removed by ``remove_chars`` and so audited like every other change; other
  characters (combining marks, private use, unassigned code points) are kept as they are.

Offsets are 0-based, half-open character offsets into the decoded raw text (``start``, ``end``)
and into the cleaned text (``clean_start``, ``clean_end``).
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain
from operator import attrgetter
from re import _constants as re_constants  # to read which anchors a rule's pattern uses
from re import _parser as re_parser
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.checks import require_columns
from analysis.config.cleaning_rules import (
    BlockRule,
    CleaningRules,
    SharedBoilerplateSettings,
    load_cleaning_rules,
)
from analysis.config.simplified import to_simplified
from analysis.corpus.boilerplate import RULE as SHARED_BOILERPLATE
from analysis.corpus.boilerplate import line_key, removable_lines
from analysis.errors import InputError, reject_lone_surrogates

AUDIT_COLUMNS = [
    "doc_id",
    "rule",
    "text",
    "replacement",
    "start",
    "end",
    "clean_start",
    "clean_end",
]

# Characters that count as Chinese for punctuation context and translation detection: CJK
# ideographs (with extensions), CJK symbols and punctuation, full-width forms.
_CJK_RANGES = (
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
# Line breaks recognised in raw text (and \r\n); each becomes \n in the cleaned text.
_LINE_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"
# Stepped over when looking for a punctuation mark's context: white space within a line and
# quotation marks (a comma between ” and “ takes its context from the words beyond them).
_SKIP_CODES = np.array(
    sorted(
        {ord(c) for c in "“”‘’\"'"}
        | {c for c in range(0x3001) if chr(c).isspace()} - {ord(c) for c in _LINE_BREAKS}
    ),
    dtype=np.uint32,
)
_LATIN_START = re.compile(r"\s*[\"'“‘(\[]?[A-Za-z]")


@dataclass(frozen=True)
class Edit:
    """``raw[start:end]`` became ``replacement`` under ``rule``."""

    start: int
    end: int
    rule: str
    replacement: str = ""


@dataclass(frozen=True)
class CleanedText:
    """The result of cleaning one raw text."""

    text: str
    translation: str
    script: str  # "simplified", "traditional" or "none" (no Chinese characters)
    edits: tuple[Edit, ...]


class CleanedCorpus(NamedTuple):
    """``documents``: one row per document with ``text``; ``audit``: one row per edit."""

    documents: pd.DataFrame
    audit: pd.DataFrame


_CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES)
# The last Chinese character of a line, where an appended translation may begin. U+3000 (the
# ideographic space) is CJK but white space: a line ending in Latin text and U+3000 would keep
# the Latin text, lose the space as trailing_space, and so be a translation when cleaned again.
_VISIBLE_CJK_CLASS = _CJK_CLASS.replace("\u3000", "\u3001", 1)
# (Matched from the start, greedily: it backtracks over the tail only.)
_UP_TO_LAST_CJK = re.compile(f"(?s).*[{_VISIBLE_CJK_CLASS}]")
_ASCII_LETTER = re.compile("[A-Za-z]")

# Flags of each code point, so that a text's classes are one table lookup (``take(codes)``:
# much quicker than indexing with an array of uint32) instead of a comparison per range.
_CJK, _HAN, _SKIP, _WIDE_ALNUM, _SPACE, _LETTER, _LINE_BREAK = (1 << bit for bit in range(7))


def _flag_table() -> np.ndarray:
    flags = np.zeros(0x110000, dtype=np.uint8)
    wide = ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))  # Ａ → A: digits, A–Z, a–z
    letters = ((ord("A"), ord("Z")), (ord("a"), ord("z")))
    for flag, ranges in ((_CJK, _CJK_RANGES), (_HAN, _HAN_RANGES), (_WIDE_ALNUM, wide)):
        for low, high in ranges:
            flags[low : high + 1] |= flag
    for low, high in letters:
        flags[low : high + 1] |= _LETTER
    flags[_SKIP_CODES] |= _SKIP
    flags[[ord(c) for c in _LINE_BREAKS]] |= _LINE_BREAK
    # str.isspace holds for no code point above U+3000 (a test checks every one)
    flags[[c for c in range(0x3001) if chr(c).isspace()]] |= _SPACE
    return flags


_FLAGS = _flag_table()
# Flags that depend on the rules (see _rule_flags), beyond the eight bits of _FLAGS.
_MARK, _REMOVABLE = 1 << 8, 1 << 9


@lru_cache(maxsize=4)
def _rule_flags(
    to_fullwidth: tuple[tuple[str, str], ...], remove_chars: re.Pattern[str] | None
) -> np.ndarray:
    """:data:`_FLAGS` with, for these rules, the marks of ``to_fullwidth`` (``_MARK``) and,
    when ``remove_chars`` is one character class, its characters (``_REMOVABLE``): all the
    classes of a text in one lookup."""
    flags = _FLAGS.astype(np.uint16)
    if to_fullwidth:
        flags[[ord(k) for k, _ in to_fullwidth]] |= _MARK
    table = _char_set_table(remove_chars) if remove_chars is not None else None
    if table is not None:
        flags[np.flatnonzero(table)] |= _REMOVABLE
    return flags


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def normalize_punctuation(
    text: str, rules: CleaningRules, *, removed: np.ndarray | None = None
) -> str:
    """Apply the punctuation rule of ``cleaning.yml`` to ``text``; the length never changes.

    The context of a mark is its nearest character on each side within the line, stepping over
    white space, quotation marks, characters that ``remove_chars`` deletes and positions marked in
    ``removed`` (what other rules remove), so that the decision is the same before and after
    cleaning. A converted mark is Chinese punctuation and so context for its neighbours, as in
    ``(党委):``; conversion repeats until nothing changes. Vectorised: no loop over characters.
    """
    return _punctuation_normaliser(text, _codes(text), rules)(removed)[0]


_Normaliser = Callable[[np.ndarray | None], tuple[str, np.ndarray]]


def _punctuation_normaliser(text: str, codes: np.ndarray, rules: CleaningRules) -> _Normaliser:
    """:func:`normalize_punctuation` of ``text`` (``codes``: its code points) as a function of
    ``removed``, giving the normalised text and its code points: what does not depend on
    ``removed`` (the marks, what ``remove_chars`` matches) is found once."""
    table = _rule_flags(rules.to_fullwidth, rules.remove_chars)
    flags = table.take(codes)
    if rules.fullwidth_alphanumerics_to_ascii:
        wide = (flags & _WIDE_ALNUM).astype(bool)
        if wide.any():
            codes = codes.copy()
            codes[wide] -= 0xFEE0  # Ａ (U+FF21) → A (U+0041), likewise digits and a–z
            flags[wide] = table.take(codes[wide])
            text = _text(codes)
    marks = np.flatnonzero(flags & _MARK)
    if not marks.size:
        return lambda removed: (text, codes)
    targets = _punctuation_targets(rules.to_fullwidth)
    skip = (flags & _SKIP).astype(bool)
    if rules.remove_chars is not None:
        if _char_set_table(rules.remove_chars) is not None:  # its matches: characters of a class
            skip |= (flags & _REMOVABLE).astype(bool)
        else:
            for m in rules.remove_chars.finditer(text):
                skip[m.start() : m.end()] = True
    cjk = (flags & _CJK).astype(bool)

    def normalise(removed: np.ndarray | None) -> tuple[str, np.ndarray]:
        # each mark's nearest non-skipped position strictly left and right of it, if any
        context = np.flatnonzero(~skip if removed is None else ~(skip | removed))
        left = np.searchsorted(context, marks) - 1
        right = np.searchsorted(context, marks, side="right")
        has_left, has_right = left >= 0, right < context.size
        if context.size:
            left = context[np.maximum(left, 0)]
            right = context[np.minimum(right, context.size - 1)]
        out, chinese = codes, cjk.copy()
        pending = np.ones(marks.size, dtype=bool)
        while True:
            convert = pending & ((has_left & chinese[left]) | (has_right & chinese[right]))
            if not convert.any():
                return (text, codes) if out is codes else (_text(out), out)
            if out is codes:
                out = codes.copy()
            converted = marks[convert]
            out[converted] = targets[out[converted]]
            chinese[converted] = True
            pending &= ~convert

    return normalise


@lru_cache(maxsize=16)
def _punctuation_targets(to_fullwidth: tuple[tuple[str, str], ...]) -> np.ndarray:
    """The full-width form of each mark of ``to_fullwidth`` (by code point, up to the largest)."""
    mapping = {ord(k): ord(v) for k, v in to_fullwidth}
    targets = np.zeros(max(mapping) + 1, dtype=np.uint32)
    targets[np.fromiter(mapping, dtype=np.int64)] = np.fromiter(mapping.values(), dtype=np.uint32)
    return targets


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _text(codes: np.ndarray) -> str:
    return codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


class _TitleKeyTable(dict):
    """A ``str.translate`` table filled as characters are met: ``None`` (dropped) for white
    space and punctuation, symbols and separators (categories P, S, Z); the code point (kept)
    for any other character."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        kept = not ch.isspace() and unicodedata.category(ch)[0] not in "PSZ"
        self[code] = code if kept else None
        return self[code]


_TITLE_KEY_TABLE = _TitleKeyTable()


def _title_key(line: str) -> str:
    """``line`` without white space, punctuation, symbols and separators."""
    return line.translate(_TITLE_KEY_TABLE)


@dataclass(slots=True)
class _Line:
    """A line that may have edits inside it (see :func:`_inline_edits`)."""

    start: int  # offset of the line in the raw text
    content_end: int  # offset of the line break
    end: int  # offset after the line break
    inline: Sequence[Edit]  # its edits, sorted
    translation_start: int


class _Lines(NamedTuple):
    """The lines of a raw text: ``rows`` (each line's start, the start of its break and its end
    after the break; ``bounds`` as an array), each line's normalised content (after inline
    removals, without a translation), and the inline edits of the lines that have some."""

    bounds: np.ndarray
    rows: list[list[int]]
    contents: list[str]
    inline: dict[int, Sequence[Edit]]


def _translation_offset(line: str, rules: CleaningRules) -> int | None:
    """Offset in ``line`` where an appended Latin-script translation begins, if any."""
    if len(line) < rules.translation_min_chars or not _ASCII_LETTER.search(line):
        return None  # the common case, decided without scanning for the last Chinese character
    last = _UP_TO_LAST_CJK.match(line)  # a line holds no line break
    offset = last.end() if last else 0
    tail = line[offset:]
    if not _LATIN_START.match(tail):
        return None
    body = tail.strip()
    letters = len(_ASCII_LETTER.findall(body))
    visible = len(body) - sum(ch.isspace() for ch in body)
    if len(body) < rules.translation_min_chars or letters < rules.translation_min_latin_share * max(
        visible, 1
    ):
        return None
    return offset


def _absorb(removals: list[Edit], spans: list[tuple[int, int]], rule: str) -> list[Edit]:
    """``removals`` (sorted, one line) plus new removals ``spans`` under ``rule``, dropping the
    removals a span contains. A span's ends are kept characters, so none straddles them."""
    if not removals:  # the spans come sorted, from one scan of the line
        return [Edit(a, b, rule) for a, b in spans]
    starts = [a for a, _ in spans]
    kept = []
    for e in removals:
        k = bisect.bisect_right(starts, e.start) - 1
        if k < 0 or e.end > spans[k][1]:
            kept.append(e)
    return sorted(kept + [Edit(a, b, rule) for a, b in spans], key=attrgetter("start"))


# Position tests of a regular expression that a line passes the same way when it is searched
# for inside the whole text: a word boundary at a line's end sees a line break (never a word
# character) in the text and nothing in the line alone, which is the same.
_BOUNDARIES = frozenset({re_constants.AT_BOUNDARY, re_constants.AT_NON_BOUNDARY})
# Characters of text searched at once for the lines that may match: a match can run over line
# breaks there, so the text is cut into blocks to bound a failing attempt as a line would.
_BLOCK_CHARS = 4096


@lru_cache(maxsize=256)
def _position_tests(pattern: re.Pattern[str]) -> frozenset[int] | None:
    """The anchors and boundaries ``pattern`` uses; ``None`` when it looks ahead or
    behind (its match then depends on the text around it) or cannot be read."""
    try:
        parsed = re_parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # a pattern this Python compiled but cannot parse: scan every line
        return None
    tests: set[int] = set()
    stack: list[object] = [parsed]
    while stack:
        item = stack.pop()
        if isinstance(item, re_parser.SubPattern):
            for op, av in item:
                if op in (re_constants.ASSERT, re_constants.ASSERT_NOT):
                    return None
                if op == re_constants.AT:
                    tests.add(av)
                else:
                    stack.append(av)
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
    return frozenset(tests)


@lru_cache(maxsize=256)
def _required_texts(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Texts of which every match of ``pattern`` holds at least one, when it shows some: a run
    of literal characters it cannot match without, or one from each alternative. ``None`` when
    it does not (or ignores case), so that a text holding none of them is known not to match,
    quickly (``str.__contains__`` is much quicker than a search)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = re_parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # a pattern this Python compiled but cannot parse: search it
        return None
    found = _required_in(parsed)
    return None if found is None else tuple(sorted(found))


def _required_in(items: re_parser.SubPattern | list) -> set[str] | None:
    """:func:`_required_texts` of a parsed sequence: the first run of literal characters or
    other item that requires some."""
    run: list[str] = []
    for op, av in items:
        if op == re_constants.LITERAL:
            run.append(chr(av))
            continue
        if run:
            break
        found: set[str] | None = None
        if op == re_constants.IN and av and all(item == re_constants.LITERAL for item, _ in av):
            found = {chr(code) for _, code in av}
        elif op == re_constants.SUBPATTERN and not av[1] & re.IGNORECASE:
            found = _required_in(av[3])
        elif op == re_constants.BRANCH:
            alternatives = [_required_in(alternative) for alternative in av[1]]
            if alternatives and all(alternatives):  # each alternative requires some
                found = set().union(*alternatives)
        elif op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT) and av[0] >= 1:
            found = _required_in(av[2])
        if found:
            return found
    return {"".join(run)} if run else None


def _may_match(required: tuple[str, ...] | None, text: str) -> bool:
    """False when ``text`` holds none of the texts ``required`` (a pattern's
    :func:`_required_texts`), so that the pattern cannot match there; else True (it may)."""
    return required is None or any(map(text.__contains__, required))


def _match_lines(
    pattern: re.Pattern[str], text: str, starts: Sequence[int], ends: Sequence[int]
) -> list[int]:
    """The lines ``text[starts[k]:ends[k]]`` (in order, apart) in which a match of ``pattern``
    may start: every line in which it matches, and perhaps others (where a match found in the
    whole text starts). Valid for a pattern without anchors or look-arounds, whose match inside a
    line is a match in the text; one search per matching line and block instead of one a line.
    """
    found: list[int] = []
    first, n = 0, len(starts)
    while first < n:
        stop = bisect.bisect_left(starts, starts[first] + _BLOCK_CHARS, first + 1)
        pos, endpos = starts[first], ends[stop - 1]
        while (m := pattern.search(text, pos, endpos)) is not None:
            k = bisect.bisect_right(starts, m.start(), first, stop) - 1
            if m.start() < ends[k]:
                found.append(k)
            if k + 1 >= stop:
                break
            pos = starts[k + 1]
        first = stop
    return found


def _lines_to_scan(
    pattern: re.Pattern[str], text: str, starts: Sequence[int], ends: Sequence[int]
) -> list[int] | None:
    """:func:`_match_lines` for a pattern that allows it (no anchors, no look-arounds); else
    ``None``: every line is to be scanned."""
    tests = _position_tests(pattern)
    if tests is None or not tests <= _BOUNDARIES:
        return None
    if not _may_match(_required_texts(pattern), text):  # nor can a line of the text
        return []
    return _match_lines(pattern, text, starts, ends)


def _inline_removals(
    raw: str,
    raw_flags: np.ndarray,
    normalise: _Normaliser,
    spans: np.ndarray,
    rules: CleaningRules,
) -> tuple[tuple[str, np.ndarray], list[list[Edit]], np.ndarray, tuple[np.ndarray, str] | None]:
    """The normalised view (and its code points), and each line's removals by ``remove_chars``
    and the inline rules.
    ``raw_flags``: the :func:`_rule_flags` of the raw text; ``normalise``: the converted text's
    :func:`_punctuation_normaliser`; ``spans``: the start and end of each line.

    Each rule matches the line without what is already removed, as cleaning the cleaned text
    will see it: ``公务员\u200b之家版权所有`` is one watermark and ``<\x00p>`` one tag. A match
    becomes the span from its first to its last character, absorbing the removals inside it.
    When a rule removes something from a line, punctuation is normalised again without the
    removals in its context and the rules run again on that line (from the first), until they
    remove nothing more. Returns the view, the removals, the mask of removed characters and,
    when the last round made it, the view without them (with the offset of each character
    left). A rule is only run on the lines where :func:`_lines_to_scan` finds that it may match.
    """
    removed = np.zeros(len(raw), dtype=bool)
    removals: list[list[Edit]] = [[] for _ in spans]
    if rules.remove_chars is not None:
        for i, a, b in _removed_chars(raw, raw_flags, spans, rules.remove_chars):
            removals[i].append(Edit(a, b, "remove_chars"))
            removed[a:b] = True
    view, view_codes = normalise(None)  # remove_chars are already out of its context
    todo = list(range(len(spans))) if rules.inline_rules else []
    last_reduced = None
    while todo:
        if removed.any():
            kept = np.flatnonzero(~removed)
            reduced = _text(view_codes.take(kept))
            bounds = np.searchsorted(kept, spans)
        else:
            kept, reduced, bounds = None, view, spans
        starts, ends = bounds[:, 0].tolist(), bounds[:, 1].tolist()
        changed, spans_removed = _inline_round(reduced, kept, starts, ends, todo, removals, rules)
        if changed:
            _mark(removed, spans_removed)
            view, view_codes = normalise(removed)
        elif kept is not None:  # the view and the removals stay as they are
            last_reduced = kept, reduced
        todo = changed
    return (view, view_codes), removals, removed, last_reduced


def _removed_chars(
    raw: str, raw_flags: np.ndarray, spans: np.ndarray, pattern: re.Pattern[str]
) -> list[tuple[int, int, int]]:
    """Each match of ``pattern`` (``remove_chars``) inside a line of ``raw`` (``spans``: rows of
    start and end), as (line, start, end), in order: its characters flagged ``_REMOVABLE`` in
    ``raw_flags`` (:func:`_rule_flags`) when the pattern is one character class, else searched
    on the lines where :func:`_lines_to_scan` finds it may be."""
    if _char_set_table(pattern) is not None:  # only those inside a line (not a break)
        found = np.flatnonzero(raw_flags & _REMOVABLE)
        lines = np.searchsorted(spans[:, 0], found, side="right") - 1
        inside = found < spans[lines, 1]
        found, lines = found[inside], lines[inside]
        return list(zip(lines.tolist(), found.tolist(), (found + 1).tolist(), strict=True))
    starts, ends = spans[:, 0].tolist(), spans[:, 1].tolist()
    scan = _lines_to_scan(pattern, raw, starts, ends)
    return [
        (i, m.start(), m.end())
        for i in (range(len(starts)) if scan is None else scan)
        for m in pattern.finditer(raw, starts[i], ends[i])
        if m.end() > m.start()
    ]


@lru_cache(maxsize=16)
def _char_set_table(pattern: re.Pattern[str]) -> np.ndarray | None:
    """For a pattern that is one character class of characters and ranges (as the default
    ``remove_chars``), whether each code point (up to the largest it holds) matches it; else
    (case-insensitive, negated, categories, …) ``None``. A match of such a pattern is exactly
    one character of the class."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = list(re_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # a pattern this Python compiled but cannot parse: search it
        return None
    if len(parsed) != 1 or parsed[0][0] not in (re_constants.LITERAL, re_constants.IN):
        return None
    op, av = parsed[0]
    ranges = []
    for item, value in [(op, av)] if op == re_constants.LITERAL else av:
        if item == re_constants.LITERAL:
            ranges.append((value, value))
        elif item == re_constants.RANGE:
            ranges.append(value)
        else:
            return None
    table = np.zeros(max(high for _, high in ranges) + 1, dtype=bool)
    for low, high in ranges:
        table[low : high + 1] = True
    return table


def _inline_round(
    reduced: str,
    kept: np.ndarray | None,
    starts: list[int],
    ends: list[int],
    todo: list[int],
    removals: list[list[Edit]],
    rules: CleaningRules,
) -> tuple[list[int], list[tuple[int, int]]]:
    """One round of the inline rules over the lines ``todo``: on each, the first rule that
    matches (in ``reduced[starts[i]:ends[i]]``, the line without what is removed; ``kept`` maps
    its offsets back to the raw text) removes its matches, which go to ``removals``. Returns
    the lines changed, in order, and the spans removed."""
    # The whole text is searched when the lines to do hold a good part of it (as in the first
    # round), else each of them.
    whole = 4 * sum(ends[i] - starts[i] for i in todo) >= len(reduced)
    scans = (
        (_lines_to_scan(rule.pattern, reduced, starts, ends) for rule in rules.inline_rules)
        if whole
        else (None for _ in rules.inline_rules)
    )
    candidates = [None if scan is None else set(scan) for scan in scans]
    if any(candidate is None for candidate in candidates):
        lines = todo
    else:  # only the lines where some rule may match
        lines = sorted(set(todo).intersection(set().union(*candidates)))
    required = [_required_texts(rule.pattern) for rule in rules.inline_rules]
    changed, removed = [], []
    for i in lines:
        a = starts[i]
        line = reduced[a : ends[i]]
        for rule, candidate, chars in zip(rules.inline_rules, candidates, required, strict=True):
            if candidate is not None:
                if i not in candidate:
                    continue
            elif not _may_match(chars, line):  # it cannot match on this line
                continue
            found = [m.span() for m in rule.pattern.finditer(line) if m.end() > m.start()]
            if not found:
                continue
            if kept is None:
                found = [(a + s, a + e) for s, e in found]
            else:  # from the first to the last character of the match
                offsets = np.fromiter(chain.from_iterable(found), np.int64, 2 * len(found)) + a
                offsets[1::2] -= 1
                offsets = kept[offsets]
                offsets[1::2] += 1
                found = list(zip(offsets[::2].tolist(), offsets[1::2].tolist(), strict=True))
            removals[i] = _absorb(removals[i], found, rule.name)
            removed += found
            changed.append(i)
            break  # the later rules see this line again, without what this one removed
    return changed, removed


def _inline_edits(
    view: str,
    line: _Line,
    removals: list[Edit],
    rules: CleaningRules,
    without: tuple[bytearray, str, np.ndarray] | None,
) -> _Line:
    """Edits inside one line ``view[line.start:line.content_end]``, given the removals of
    ``remove_chars`` and the inline rules: an appended translation, indent and trailing space.
    ``without`` (``None`` when there are no removals): which characters of the line the
    removals take, the line without them and the offset of each character left in ``view``."""
    start, end = line.start, line.content_end
    line_view = view[start:end]
    may_translate = len(line_view) >= rules.translation_min_chars and bool(
        _ASCII_LETTER.search(line_view)
    )
    if not removals and (
        not may_translate or _translation_offset(line_view.strip(), rules) is None
    ):
        return _without_edge_space(line, line_view)  # an indent or trailing space at most
    taken, reduced, kept = (bytearray(end - start), line_view, None) if without is None else without
    edits: list[Edit] = list(removals)

    def take(a: int, b: int, rule: str) -> None:
        if a < b and taken.find(1, a, b) < 0:
            taken[a:b] = b"\x01" * (b - a)
            edits.append(Edit(start + a, start + b, rule))

    # An appended translation is judged on the line as cleaning leaves it — without what the
    # rules above remove, indent and trailing space — because that is what cleaning the cleaned
    # text sees (else "\x00" + 40 Latin letters, or 40 letters + U+3000, which is CJK, would be
    # kept once and moved to the translation the second time). It takes the rest of the line,
    # with any removal inside it; its first character is never inside a removal, so none
    # straddles it.
    limit = len(line_view)
    if may_translate:
        indent = len(reduced) - len(reduced.lstrip())
        t = _translation_offset(reduced.strip(), rules)
        if t is not None:
            limit = indent + t if kept is None else int(kept[indent + t]) - start
            edits = [e for e in edits if e.start < start + limit]
            taken[limit:] = bytes(len(line_view) - limit)
            take(limit, len(line_view), "translation")
    # Indent and trailing white space, stepping over characters already removed.
    for rule, positions in (("indent", range(limit)), ("trailing_space", range(limit - 1, -1, -1))):
        run: list[int] = []
        for i in positions:
            if taken[i]:
                continue
            if not line_view[i].isspace():
                break
            run.append(i)
        for i in run:
            take(i, i + 1, rule)
    return _Line(start, end, line.end, sorted(edits, key=attrgetter("start")), start + limit)


# The rules of the edits :func:`_inline_edits` makes itself (the others are removals).
_LINE_EDIT_RULES = frozenset({"translation", "indent", "trailing_space"})


def _without_edge_space(line: _Line, text: str) -> _Line:
    """``line`` (``text``: its normalised text, which has no removals and no translation) with
    its indent and trailing white space removed, an edit per character, as
    :func:`_inline_edits` takes them."""
    start, end = line.start, line.content_end
    indent = len(text) - len(text.lstrip())
    trailing = len(text) - len(text.rstrip()) if indent < len(text) else 0
    edits = [Edit(start + i, start + i + 1, "indent") for i in range(indent)]
    edits += [Edit(i, i + 1, "trailing_space") for i in range(end - trailing, end)]
    return _Line(start, end, line.end, edits, end)


def _content(view: str, line: _Line) -> str:
    """The normalised text of a line without its inline removals and translation."""
    pieces, cursor = [], line.start
    for e in line.inline:
        if e.start >= line.translation_start:
            break
        pieces.append(view[cursor : e.start])
        cursor = e.end
    pieces.append(view[cursor : line.translation_start])
    return "".join(pieces)


def _zone(kept: list[int], contents: list[str], zone: str, header_max: int) -> list[int]:
    """The kept lines of a zone: all, those before the first body line, or after the last.

    Scans only as far as the first (or last) body line; a text without one is all zone.
    """
    if zone == "any":
        return kept
    order = kept if zone == "header" else kept[::-1]
    found = []
    for i in order:
        if len(contents[i]) > header_max:
            return found if zone == "header" else found[::-1]
        found.append(i)
    return kept


def _overlap(short: str, earlier: str) -> float:
    """Share of ``short``'s characters found, in order, in ``earlier``."""
    blocks = difflib.SequenceMatcher(None, short, earlier, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(short)


class _TitleKey(NamedTuple):
    """A line's :func:`_title_key` and its characters."""

    text: str
    chars: frozenset[str]

    @classmethod
    def of(cls, line: str) -> _TitleKey:
        key = _title_key(line)
        return cls(key, frozenset(key))


def _repeats(key: _TitleKey, earlier: _TitleKey, min_overlap: float) -> bool:
    """Whether ``key`` repeats ``earlier``: at least ``min_overlap`` of it found there in order."""
    needed = min_overlap * len(key.text)
    # Cheap upper bounds first: the overlap is at most the shorter length and at most the
    # characters of `key` that occur in `earlier` at all.
    if len(earlier.text) < needed:
        return False
    if sum(map(key.text.count, key.chars & earlier.chars)) < needed:
        return False
    return _overlap(key.text, earlier.text) >= min_overlap


def _block_lines(
    kept: list[int], view: str, starts: list[int], ends: list[int], rule: BlockRule
) -> list[int]:
    """The kept lines inside blocks of ``rule``, matched on each line's normalised text before
    inline removals, ``view[starts[i]:ends[i]]`` (the inline ``html_tag`` rule removes the very
    tags that mark a block). Only lines where ``rule.start`` may match can open one."""
    scan = _lines_to_scan(rule.start, view, starts, ends)
    openers = None if scan is None else set(scan)
    if openers is not None and not openers:
        return []
    inside: list[int] | None = None
    found: list[int] = []
    for i in kept:
        if inside is None:
            if openers is not None and i not in openers:
                continue
            text = view[starts[i] : ends[i]]
            openings = list(rule.start.finditer(text))
            opening = openings[-1] if openings else None
            if opening is not None and not rule.end.search(text, opening.end()):
                inside = [i]
        else:
            inside.append(i)
            if rule.end.search(view[starts[i] : ends[i]]):
                found += inside
                inside = None
    return found  # a block never closed removes nothing: a stray tag must not eat the text


def _apply_line_rules(
    kept: list[int],
    contents: list[str],
    rules: CleaningRules,
    removed: dict[int, str],
    found: list[dict[int, bool] | list[int]],
    first: bool,
) -> list[int]:
    """Each line rule in turn on its zone of the ``kept`` lines; records the removals in
    ``removed`` and returns the lines still kept. For a rule of the zone ``any``, ``found[r]``
    lists the only lines it may match (:func:`_line_rule_memos`); in the later rounds
    (``first`` is false) it finds nothing new, since it has seen every line kept and the
    contents do not change. For the others, ``found[r]`` keeps whether it matches line ``i``
    at ``i`` for the later rounds."""
    for rule, matches in zip(rules.line_rules, found, strict=True):
        if isinstance(matches, list):  # the zone `any`
            may = [i for i in matches if i not in removed] if first else []
            hits = [i for i in may if rule.pattern.search(contents[i])]
        else:
            required = _required_texts(rule.pattern)
            hits = []
            for i in _zone(kept, contents, rule.zone, rules.header_max_chars):
                hit = matches.get(i)
                if hit is None:
                    content = contents[i]
                    hit = _may_match(required, content) and bool(rule.pattern.search(content))
                    matches[i] = hit
                if hit:
                    hits.append(i)
        for i in hits:
            removed[i] = rule.name
        if hits:
            kept = [i for i in kept if i not in removed]
    return kept


def _line_rule_memos(
    contents: list[str], rules: CleaningRules
) -> list[dict[int, bool] | list[int]]:
    """For each line rule of the zone ``any``, the lines it may match: those holding one of its
    :func:`_required_texts` (looked for in all the contents, joined), or every line; for the
    others, an empty memo of the lines it matches. See :func:`_apply_line_rules`."""
    memos: list[dict[int, bool] | list[int]] = []
    joined, starts = "", []
    for rule in rules.line_rules:
        required = _required_texts(rule.pattern)
        if rule.zone != "any":
            memos.append({})
        elif required is None:
            memos.append(list(range(len(contents))))
        else:
            if not starts:
                starts = [0, *accumulate(len(content) + 1 for content in contents)][:-1]
                joined = "\n".join(contents)
            memos.append(_lines_holding(required, joined, starts))
    return memos


def _lines_holding(texts: tuple[str, ...], joined: str, starts: list[int]) -> list[int]:
    """The lines (starting at ``starts`` in ``joined``) in which one of ``texts`` begins, in
    order: a superset of the lines that hold one."""
    found: set[int] = set()
    for text in texts:
        pos = joined.find(text)
        while pos >= 0:
            k = bisect.bisect_right(starts, pos) - 1
            found.add(k)
            if k + 1 >= len(starts):
                break
            pos = joined.find(text, starts[k + 1])
    return sorted(found)


def _remove_repeated_titles(
    kept: list[int],
    contents: list[str],
    rules: CleaningRules,
    removed: dict[int, str],
    keys: dict[int, _TitleKey],
    repeat_of: dict[int, dict[int, bool]],
    min_overlap: float,
) -> list[int]:
    """The rule ``repeated_title`` on the header lines of ``kept`` (``keys`` and ``repeat_of``
    keep what earlier rounds computed); returns the lines still kept."""
    earlier: list[int] = []
    for i in _zone(kept, contents, "header", rules.header_max_chars):
        key = keys.get(i)
        if key is None:
            key = keys[i] = _TitleKey.of(contents[i])
        compared = repeat_of.setdefault(i, {})
        needed = min_overlap * len(key.text)  # as _repeats: a shorter earlier key is no match
        for j in earlier if len(key.text) >= rules.repeated_title_min_chars else ():
            hit = compared.get(j)
            if hit is None:
                other = keys[j]
                hit = len(other.text) >= needed and _repeats(key, other, min_overlap)
                compared[j] = hit
            if hit:
                removed[i] = "repeated_title"
                break
        else:
            earlier.append(i)
    return [i for i in kept if i not in removed]


def _removed_lines(lines: _Lines, rules: CleaningRules, view: str = "") -> dict[int, str]:
    """Index of each removed line → the rule that removed it.

    First the block rules (on ``view``, the normalised text, before inline removals), then the
    blank lines. The rules run in file order, each on the lines the earlier ones left, and the
    whole sequence repeats until it removes nothing more, so cleaning a cleaned text removes
    nothing (zones are recomputed as lines go). The rule ``shared_boilerplate`` (when
    ``rules.shared_lines`` is given) runs when the others have removed all they can, so it sees
    the lines exactly as the text cleaned without it reads, where
    :func:`analysis.corpus.boilerplate.find_shared_boilerplate` found them; then the sequence
    repeats again.
    """
    removed = {}
    # blocks first, on every line: html_tag leaves a block's opening line blank
    contents, n = lines.contents, len(lines.contents)
    starts, ends = lines.bounds[:, 0].tolist(), lines.bounds[:, 1].tolist()
    for rule in rules.block_rules:
        unblocked = [i for i in range(n) if i not in removed]
        for i in _block_lines(unblocked, view, starts, ends, rule):
            removed[i] = rule.name
    for i in [i for i, content in enumerate(contents) if not content and i not in removed]:
        inline = lines.inline.get(i)
        translated = inline is not None and any(e.rule == "translation" for e in inline)
        removed[i] = "translation" if translated else "blank_line"
    kept = [i for i in range(n) if i not in removed]
    found = _line_rule_memos(contents, rules)
    keys: dict[int, _TitleKey] = {}
    repeat_of: dict[int, dict[int, bool]] = {}  # the sequence repeats: compare each pair once
    first = True
    while True:
        before = len(removed)
        kept = _apply_line_rules(kept, contents, rules, removed, found, first)
        first = False
        min_overlap = rules.repeated_title_min_overlap
        if min_overlap is not None:
            kept = _remove_repeated_titles(
                kept, contents, rules, removed, keys, repeat_of, min_overlap
            )
        if len(removed) == before and rules.shared_lines:
            settings = rules.shared_boilerplate or SharedBoilerplateSettings()
            shared = [line_key(contents[i]) for i in kept]
            for n in removable_lines(
                shared, rules.shared_lines, rules.shared_common_lines, settings.min_chars
            ):
                removed[kept[n]] = SHARED_BOILERPLATE
            kept = [i for i in kept if i not in removed]
        if len(removed) == before:
            return removed


def _char_edits(
    raw_c: np.ndarray,
    conv_c: np.ndarray,
    view: str,
    view_c: np.ndarray,
    keep: np.ndarray,
    han: np.ndarray,
) -> tuple[list[Edit], int]:
    """Character substitutions (t2s, punctuation) at kept positions (``raw_c``, ``conv_c``,
    ``view_c``: the code points of the raw, converted and normalised texts); also how many of
    the kept Han characters (``han``) were converted."""
    t2s = keep & (raw_c != conv_c)
    punct = keep & (conv_c != view_c)
    code = t2s.astype(np.int8) + 2 * punct.astype(np.int8)
    edits: list[Edit] = []
    positions = np.flatnonzero(code)
    if positions.size:
        # runs of consecutive positions with the same kind of change
        cuts = np.flatnonzero((np.diff(positions) != 1) | (np.diff(code[positions]) != 0)) + 1
        firsts = positions[np.concatenate(([0], cuts))].tolist()
        lasts = positions[np.concatenate((cuts - 1, [positions.size - 1]))].tolist()
        names = {1: "t2s", 2: "punctuation", 3: "t2s+punctuation"}
        kinds = code[firsts].tolist()
        for a, last, kind in zip(firsts, lasts, kinds, strict=True):
            edits.append(Edit(a, last + 1, names[kind], view[a : last + 1]))
    return edits, int(np.count_nonzero(han & t2s))


def clean_text(raw: str, rules: CleaningRules | None = None) -> CleanedText:
    """Clean one raw text; see the module docstring for what is guaranteed."""
    if not isinstance(raw, str):
        raise TypeError(f"clean_text expects str, got {type(raw).__name__}")
    # OpenCC (and later the token cache and CSV outputs) cannot encode a lone surrogate.
    reject_lone_surrogates(raw, "the raw text")
    rules = rules if rules is not None else load_cleaning_rules()
    conv = to_simplified(raw, rules.opencc_config)
    raw_codes, conv_codes = _codes(raw), _codes(conv)
    raw_flags = _rule_flags(rules.to_fullwidth, rules.remove_chars).take(raw_codes)
    lines, (view, view_codes), inline_removed = _normalised_lines(
        raw, raw_codes, raw_flags, conv, conv_codes, rules
    )
    removed = _removed_lines(lines, rules, view)
    edits, keep = _line_edits(raw, lines, removed, inline_removed)
    han = keep & (raw_flags & _HAN).astype(bool)
    char_edits, n_converted = _char_edits(raw_codes, conv_codes, view, view_codes, keep, han)
    n_han = int(np.count_nonzero(han))
    edits.extend(char_edits)
    edits.sort(key=attrgetter("start", "end"))
    translation = "\n".join(raw[e.start : e.end].strip() for e in edits if e.rule == "translation")
    script = _script(n_han, n_converted, rules.traditional_threshold)
    return CleanedText(_apply_edits(raw, edits), translation, script, tuple(edits))


def _line_spans(codes: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Each line of a text (``codes``, ``flags``: its code points and their flags): its start,
    the start of its line break and its end after the break (the end of the text for a last
    line without one), as rows of an array. A break is \\r\\n or else one character of
    ``_LINE_BREAKS``. Vectorised."""
    if not codes.size:
        return np.zeros((0, 3), dtype=np.int64)
    at = np.flatnonzero(flags & _LINE_BREAK)
    after = np.minimum(at + 1, len(codes) - 1)
    cr_lf = (codes[at] == 0x0D) & (at + 1 < len(codes)) & (codes[after] == 0x0A)
    lf_of_cr_lf = np.concatenate(([False], cr_lf[:-1])) if at.size else cr_lf
    begins = at[~lf_of_cr_lf]
    finishes = begins + 1 + cr_lf[~lf_of_cr_lf]
    starts = np.concatenate(([0], finishes))
    if starts[-1] < codes.size:  # a last line without a break
        begins = np.append(begins, codes.size)
        finishes = np.append(finishes, codes.size)
    else:
        starts = starts[:-1]
    return np.stack((starts, begins, finishes), axis=1).astype(np.int64)


def _lines_with_inline_work(
    view_codes: np.ndarray, spans: np.ndarray, removals: list[list[Edit]], rules: CleaningRules
) -> tuple[list[int], dict[int, tuple[int, int]]]:
    """The lines (``spans``: rows of start and end) with edits inside them (``view_codes``: the
    code points of the normalised text). First those for :func:`_inline_edits`: with removals,
    or long enough and with an ASCII letter to hold a translation; then, for the others with
    white space at an end, the length of their indent and of their trailing white space (as
    :func:`_without_edge_space` finds them). Vectorised."""
    if not len(spans):
        return [], {}
    starts, ends = spans[:, 0], spans[:, 1]
    flags = _FLAGS.take(view_codes)
    space = (flags & _SPACE).astype(bool)
    last = len(view_codes) - 1
    edge = (ends > starts) & (space[np.minimum(starts, last)] | space[np.maximum(ends - 1, 0)])
    letters = np.concatenate(([0], np.cumsum((flags & _LETTER).astype(bool))))
    busy = (ends - starts >= rules.translation_min_chars) & (letters[ends] > letters[starts])
    busy[[i for i, found in enumerate(removals) if found]] = True
    only_edge = np.flatnonzero(edge & ~busy)
    if not only_edge.size:
        return np.flatnonzero(busy).tolist(), {}
    starts, ends = starts[only_edge], ends[only_edge]
    solid = np.flatnonzero(~space)  # the characters that are not white space
    first = np.append(solid, len(view_codes))[np.searchsorted(solid, starts)]
    indent = np.minimum(first, ends) - starts
    before = np.concatenate(([-1], solid))[np.searchsorted(solid, ends)]  # last one, or -1
    trailing = np.where(indent == ends - starts, 0, ends - 1 - before)
    edges = zip(only_edge.tolist(), indent.tolist(), trailing.tolist(), strict=True)
    return np.flatnonzero(busy).tolist(), {i: (a, b) for i, a, b in edges}


def _normalised_lines(
    raw: str,
    raw_codes: np.ndarray,
    raw_flags: np.ndarray,
    conv: str,
    conv_codes: np.ndarray,
    rules: CleaningRules,
) -> tuple[_Lines, tuple[str, np.ndarray], np.ndarray]:
    """The lines of ``raw`` with their inline edits and normalised content, the normalised text
    (``view``, with its code points) the contents are cut from, and the mask of the characters
    inline edits take. ``raw_codes``, ``raw_flags``:
    the code points of ``raw`` and their :func:`_rule_flags`; ``conv_codes``: the code points
    of ``conv``, its conversion to Simplified."""
    bounds = _line_spans(raw_codes, raw_flags)
    spans = bounds[:, :2]
    normalise = _punctuation_normaliser(conv, conv_codes, rules)
    (view, view_codes), removals, inline_removed, reduced = _inline_removals(
        raw, raw_flags, normalise, spans, rules
    )
    rows = bounds.tolist()
    busy, edges = _lines_with_inline_work(view_codes, spans, removals, rules)  # others: no edits
    withouts = _lines_without_removals(
        view_codes, spans, [i for i in busy if removals[i]], inline_removed, reduced
    )
    edited: dict[int, _Line] = {}
    for i in busy:
        start, content_end, end = rows[i]
        line = _Line(start, content_end, end, (), content_end)
        edited[i] = _inline_edits(view, line, removals[i], rules, withouts.get(i))
    # the removals are marked already
    taken = [
        (e.start, e.end)
        for line in edited.values()
        for e in line.inline
        if e.rule in _LINE_EDIT_RULES
    ]
    inline = {i: line.inline for i, line in edited.items() if line.inline}
    for i, (indent, trailing) in edges.items():  # an indent or trailing space, no more
        start, end, _ = rows[i]
        taken += [(start, start + indent), (end - trailing, end)]
        inline[i] = [Edit(k, k + 1, "indent") for k in range(start, start + indent)] + [
            Edit(k, k + 1, "trailing_space") for k in range(end - trailing, end)
        ]
    _mark(inline_removed, taken)
    if any(line.translation_start < line.content_end for line in edited.values()):
        view, view_codes = normalise(inline_removed)  # translations out of the context too
    contents = [view[a:b] for a, b, _ in rows]
    for i, line in edited.items():
        contents[i] = _content(view, line)
    for i, (indent, trailing) in edges.items():
        contents[i] = view[rows[i][0] + indent : rows[i][1] - trailing]
    return _Lines(bounds, rows, contents, inline), (view, view_codes), inline_removed


def _lines_without_removals(
    view_codes: np.ndarray,
    spans: np.ndarray,
    which: list[int],
    removed: np.ndarray,
    reduced_view: tuple[np.ndarray, str] | None,
) -> dict[int, tuple[bytearray, str, np.ndarray]]:
    """For each line of ``which`` (``spans``: rows of start and end): which of its characters
    are ``removed`` (a byte each, 1 if removed), its normalised text (``view_codes``: the code
    points of the whole) without them, and the offset of each character left. Cut from one
    reduced text: ``reduced_view`` (the offsets of the characters left and their text) when
    given."""
    if not which:
        return {}
    if reduced_view is None:
        kept = np.flatnonzero(~removed)
        reduced = _text(view_codes.take(kept))
    else:
        kept, reduced = reduced_view
    raw_bounds = spans[which].tolist()
    bounds = np.searchsorted(kept, spans[which]).tolist()
    return {
        i: (bytearray(removed[start:end].tobytes()), reduced[a:b], kept[a:b])
        for i, (start, end), (a, b) in zip(which, raw_bounds, bounds, strict=True)
    }


def _line_edits(
    raw: str, lines: _Lines, removed: dict[int, str], inline_removed: np.ndarray
) -> tuple[list[Edit], np.ndarray]:
    """The edits of whole lines (each removed line; each kept line's inline edits and line
    break), and which characters of ``raw`` the cleaned text keeps: those of the kept lines
    without their breaks and the characters the inline edits take (``inline_removed``)."""
    rows, bounds = lines.rows, lines.bounds
    edits = [Edit(rows[i][0], rows[i][2], removed[i]) for i in sorted(removed)]
    for i, inline in lines.inline.items():
        if i not in removed:
            edits.extend(inline)
    kept = [rows[i] for i in range(len(rows)) if i not in removed]
    if kept:
        edits.extend(Edit(a, b, "line_break", "\n") for _, a, b in kept[:-1] if raw[a:b] != "\n")
        _, a, b = kept[-1]
        if b > a:
            edits.append(Edit(a, b, "final_line_break"))
    is_kept = np.ones(len(rows), dtype=bool)
    is_kept[list(removed)] = False
    lengths = bounds[:, 2] - bounds[:, 0]  # the lines tile raw
    text = np.arange(len(raw)) < np.repeat(bounds[:, 1], lengths)  # not a line break
    return edits, np.repeat(is_kept, lengths) & text & ~inline_removed


def _mark(mask: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """``mask`` with the positions inside each of ``spans`` (half-open) set, in place."""
    if spans:
        flat = np.fromiter(chain.from_iterable(spans), np.int64, 2 * len(spans))
        starts, lengths = flat[::2], flat[1::2] - flat[::2]
        before = np.cumsum(lengths) - lengths  # positions of the earlier spans
        mask[np.repeat(starts - before, lengths) + np.arange(before[-1] + lengths[-1])] = True
    return mask


def _apply_edits(raw: str, edits: list[Edit]) -> str:
    """``raw`` with each edit's span replaced by its replacement (edits sorted, never
    overlapping)."""
    starts = [e.start for e in edits]
    cursors = [0, *(e.end for e in edits)]  # where each stretch of raw text kept begins
    for start, cursor in zip(starts, cursors, strict=False):
        if start < cursor:
            raise RuntimeError(f"internal error: overlapping cleaning edits at {start}")
    kept = [raw[a:b] for a, b in zip(cursors, [*starts, len(raw)], strict=True)]
    replacements = [e.replacement for e in edits]
    return "".join(chain.from_iterable(zip(kept, [*replacements, ""], strict=True)))


def _script(n_han: int, n_converted: int, traditional_threshold: float) -> str:
    """``none`` without Han characters; ``traditional`` when at least ``traditional_threshold``
    of them were converted to Simplified; else ``simplified``."""
    if n_han == 0:
        return "none"
    if n_converted >= traditional_threshold * n_han:
        return "traditional"
    return "simplified"


def _audit_rows(doc_id: str, raw: str, edits: tuple[Edit, ...]) -> list[tuple]:
    rows = []
    shift = 0  # clean offset minus raw offset so far
    for e in edits:
        clean_start = e.start + shift
        rows.append(
            (
                doc_id,
                e.rule,
                raw[e.start : e.end],
                e.replacement,
                e.start,
                e.end,
                clean_start,
                clean_start + len(e.replacement),
            )
        )
        shift += len(e.replacement) - (e.end - e.start)
    return rows


def _audit_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS).astype(
        {c: "int64" for c in ("start", "end", "clean_start", "clean_end")}
    )


def audit_table(doc_id: str, raw: str, edits: tuple[Edit, ...]) -> pd.DataFrame:
    """The audit rows of one document, with offsets into both the raw and the cleaned text."""
    return _audit_frame(_audit_rows(doc_id, raw, edits))


def restore_raw_text(text: str, audit: pd.DataFrame) -> str:
    """Rebuild the raw text of one document from its cleaned text and its audit rows.

    Every stretch of the cleaned text not named in the audit is raw text unchanged, and each audit
    row puts ``text`` back where ``replacement`` stands; so the result equals the raw text exactly
    when the audit accounts for every change.
    """
    pieces, cursor = [], 0
    for row in audit.sort_values("clean_start", kind="stable").itertuples(index=False):
        if text[row.clean_start : row.clean_end] != row.replacement:
            raise InputError(
                f"restore_raw_text: audit row {row.rule} at {row.clean_start} does not match "
                "the cleaned text; pass the cleaned text and the audit rows of one document"
            )
        pieces.append(text[cursor : row.clean_start])
        pieces.append(row.text)
        cursor = row.clean_end
    pieces.append(text[cursor:])
    return "".join(pieces)


def han_and_letters(text: str) -> tuple[int, int]:
    """The Han characters (CJK ideographs with their extensions and compatibility ideographs)
    of ``text``, and its letters (``str.isalpha``) and Han characters together."""
    if not text:
        return 0, 0
    han = (_FLAGS.take(_codes(text)) & _HAN).astype(bool)
    letters = np.fromiter(map(str.isalpha, text), dtype=bool, count=len(text))
    return int(han.sum()), int((han | letters).sum())


def count_chars(text: str) -> int:
    """Characters of a text without its line breaks (the denominator of per-10k-character rates)."""
    return sum(len(line) for line in text.splitlines())


def _require_corpus(corpus: pd.DataFrame, caller: str) -> None:
    require_columns(
        corpus,
        ["doc_id", "raw_text"],
        caller,
        name="the corpus table",
        source="the raw corpus table of analysis.load_corpus",
    )


def clean_corpus(corpus: pd.DataFrame, *, rules: CleaningRules | None = None) -> CleanedCorpus:
    """Clean every document of a raw corpus table (from :func:`analysis.load_corpus`).

    Returns ``documents`` (the corpus columns without ``raw_text``, plus ``text``, ``translation``,
    ``script``, ``n_chars``) and ``audit`` (columns ``AUDIT_COLUMNS``). The input is not modified.
    Each document is cleaned on its own, with the shared lines ``rules`` holds (none by default):
    :func:`analysis.build_corpus` finds the corpus's shared boilerplate first.
    """
    _require_corpus(corpus, "clean_corpus")
    rules = rules if rules is not None else load_cleaning_rules()
    for doc_id, raw in zip(corpus["doc_id"], corpus["raw_text"], strict=True):
        if isinstance(raw, str):  # name the document rather than just the offset
            reject_lone_surrogates(raw, f"raw_text of document {doc_id!r}")
    cleaned = [clean_text(raw, rules) for raw in corpus["raw_text"]]
    return cleaned_corpus_from_results(corpus, cleaned)


def cleaned_corpus_from_results(
    corpus: pd.DataFrame, cleaned: Sequence[CleanedText]
) -> CleanedCorpus:
    """The documents and audit tables from a corpus table and each document's cleaning result
    (in the corpus's order) — for cleaning done elsewhere, e.g. in worker processes."""
    _require_corpus(corpus, "cleaned_corpus_from_results")
    if len(cleaned) != len(corpus):
        raise InputError(
            f"cleaned_corpus_from_results: {len(cleaned)} cleaning results for {len(corpus)} "
            "documents; pass one result per document of the corpus table, in its order"
        )
    documents = corpus.drop(columns=["raw_text"]).copy()
    audits: list[tuple] = []
    for doc_id, raw, result in zip(corpus["doc_id"], corpus["raw_text"], cleaned, strict=True):
        audits.extend(_audit_rows(doc_id, raw, result.edits))
    scripts = [result.script for result in cleaned]
    if "script" in documents.columns:
        stated_scripts = zip(documents["doc_id"], documents["script"], scripts, strict=True)
        for doc_id, stated, found in stated_scripts:
            if isinstance(stated, str) and stated and stated.lower() != found:
                warnings.warn(
                    f"{doc_id}: metadata says script {stated!r} but the text reads as {found!r}; "
                    "the detected script is used",
                    stacklevel=2,
                )
    documents["script"] = scripts
    if "title" in documents.columns:
        # the text is counted in Simplified; a Traditional title is kept as written, beside it
        documents.insert(
            documents.columns.get_loc("title") + 1,
            "title_simplified",
            [to_simplified(t) if isinstance(t, str) else t for t in documents["title"]],
        )
    documents["text"] = [result.text for result in cleaned]
    documents["translation"] = [result.translation for result in cleaned]
    documents["n_chars"] = [count_chars(result.text) for result in cleaned]
    return CleanedCorpus(documents, _audit_frame(audits))
