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
from collections.abc import Sequence
from dataclasses import dataclass
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

# Line breaks recognised in raw text; each becomes \n in the cleaned text.
_LINE = re.compile(r"([^\r\n\x0b\x0c\x85\u2028\u2029]*)(\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]|)")
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
_LAST_CJK = re.compile(f"[{_VISIBLE_CJK_CLASS}](?=[^{_VISIBLE_CJK_CLASS}]*$)")
_ASCII_LETTER = re.compile("[A-Za-z]")


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
    if not text:
        return text
    codes = _codes(text).copy()
    if rules.fullwidth_alphanumerics_to_ascii:
        wide = (
            ((codes >= 0xFF10) & (codes <= 0xFF19))
            | ((codes >= 0xFF21) & (codes <= 0xFF3A))
            | ((codes >= 0xFF41) & (codes <= 0xFF5A))
        )
        if wide.any():
            codes[wide] -= 0xFEE0  # Ａ (U+FF21) → A (U+0041), likewise digits and a–z
            text = _text(codes)
    mapping = {ord(k): ord(v) for k, v in rules.to_fullwidth}
    if not mapping:
        return text
    sources = np.fromiter(mapping, dtype=np.uint32)
    is_mark = np.isin(codes, sources)
    if not is_mark.any():
        return text
    skip = np.isin(codes, _SKIP_CODES)
    if rules.remove_chars is not None:
        for m in rules.remove_chars.finditer(text):
            skip[m.start() : m.end()] = True
    if removed is not None:
        skip |= removed
    n = len(codes)
    index = np.arange(n)
    # nearest non-skipped position strictly left / right of each position (-1 / n: none)
    left = np.maximum.accumulate(np.concatenate(([-1], np.where(skip, -1, index)[:-1])))
    right = np.concatenate((np.minimum.accumulate(np.where(skip, n, index)[::-1])[::-1][1:], [n]))
    has_left, has_right = left >= 0, right < n
    left, right = np.clip(left, 0, n - 1), np.clip(right, 0, n - 1)
    cjk = _in_ranges(codes, _CJK_RANGES)
    targets = np.zeros(0x110000 if codes.max() >= 0x10000 else 0x10000, dtype=np.uint32)
    targets[sources] = np.fromiter(mapping.values(), dtype=np.uint32)
    while True:
        convert = is_mark & ((has_left & cjk[left]) | (has_right & cjk[right]))
        if not convert.any():
            return _text(codes)
        codes[convert] = targets[codes[convert]]
        cjk |= convert
        is_mark &= ~convert


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _text(codes: np.ndarray) -> str:
    return codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


def _in_ranges(codes: np.ndarray, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    found = np.zeros(codes.shape, dtype=bool)
    for low, high in ranges:
        found |= (codes >= low) & (codes <= high)
    return found


def _title_key(line: str) -> str:
    return "".join(
        ch for ch in line if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZ"
    )


@dataclass
class _Line:
    start: int  # offset of the line in the raw text
    content_end: int  # offset of the line break
    end: int  # offset after the line break
    inline: list[Edit]
    translation_start: int
    content: str = ""  # normalised text of the line after inline removals


def _translation_offset(line: str, rules: CleaningRules) -> int | None:
    """Offset in ``line`` where an appended Latin-script translation begins, if any."""
    if len(line) < rules.translation_min_chars or not _ASCII_LETTER.search(line):
        return None  # the common case, decided without scanning for the last Chinese character
    last = _LAST_CJK.search(line)
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


def _without(line: str, taken: np.ndarray) -> tuple[str, np.ndarray]:
    """``line`` without the positions marked in ``taken``, and the offsets of what is left."""
    kept = np.flatnonzero(~taken)
    return _text(_codes(line)[kept]), kept


def _absorb(removals: list[Edit], spans: list[tuple[int, int]], rule: str) -> list[Edit]:
    """``removals`` (sorted, one line) plus new removals ``spans`` under ``rule``, dropping the
    removals a span contains. A span's ends are kept characters, so none straddles them."""
    starts = [a for a, _ in spans]
    kept = []
    for e in removals:
        k = bisect.bisect_right(starts, e.start) - 1
        if k < 0 or e.end > spans[k][1]:
            kept.append(e)
    return sorted(kept + [Edit(a, b, rule) for a, b in spans], key=lambda e: e.start)


def _inline_removals(
    raw: str, conv: str, spans: list[tuple[int, int]], rules: CleaningRules
) -> tuple[str, list[list[Edit]], np.ndarray]:
    """The normalised view, and each line's removals by ``remove_chars`` and the inline rules.

    Each rule matches the line without what is already removed, as cleaning the cleaned text
    will see it: ``公务员\u200b之家版权所有`` is one watermark and ``<\x00p>`` one tag. A match
    becomes the span from its first to its last character, absorbing the removals inside it.
    When a rule removes something from a line, punctuation is normalised again without the
    removals in its context and the rules run again on that line (from the first), until they
    remove nothing more. Returns the view, the removals and the mask of removed characters.
    """
    removed = np.zeros(len(raw), dtype=bool)
    removals: list[list[Edit]] = [[] for _ in spans]
    if rules.remove_chars is not None:
        for i, (a, b) in enumerate(spans):
            for m in rules.remove_chars.finditer(raw, a, b):
                if m.end() > m.start():
                    removals[i].append(Edit(m.start(), m.end(), "remove_chars"))
                    removed[m.start() : m.end()] = True
    view = normalize_punctuation(conv, rules)  # remove_chars are already out of its context
    todo = list(range(len(spans))) if rules.inline_rules else []
    while todo:
        if removed.any():
            kept = np.flatnonzero(~removed)
            reduced = _text(_codes(view)[kept])
            bounds = np.searchsorted(kept, [spans[i] for i in todo]).tolist()
        else:
            kept, reduced, bounds = None, view, [spans[i] for i in todo]
        changed = []
        for i, (a, b) in zip(todo, bounds, strict=True):
            line = reduced[a:b]
            for rule in rules.inline_rules:
                found = [m.span() for m in rule.pattern.finditer(line) if m.end() > m.start()]
                if not found:
                    continue
                if kept is None:
                    found = [(a + s, a + e) for s, e in found]
                else:
                    found = [(int(kept[a + s]), int(kept[a + e - 1]) + 1) for s, e in found]
                removals[i] = _absorb(removals[i], found, rule.name)
                for s, e in found:
                    removed[s:e] = True
                changed.append(i)
                break  # the later rules see this line again, without what this one removed
        if changed:
            view = normalize_punctuation(conv, rules, removed=removed)
        todo = changed
    return view, removals, removed


def _inline_edits(
    view: str, start: int, end: int, removals: list[Edit], rules: CleaningRules
) -> _Line:
    """Edits inside one line ``view[start:end]`` (without its line break), given the removals of
    ``remove_chars`` and the inline rules: an appended translation, indent and trailing space."""
    line_view = view[start:end]
    may_translate = len(line_view) >= rules.translation_min_chars and bool(
        _ASCII_LETTER.search(line_view)
    )
    if (
        not removals
        and not (line_view and (line_view[0].isspace() or line_view[-1].isspace()))
        and (not may_translate or _translation_offset(line_view, rules) is None)
    ):
        return _Line(start, end, end, [], end)  # most lines: nothing to do inside them
    taken = bytearray(end - start)
    edits: list[Edit] = list(removals)
    for e in removals:
        taken[e.start - start : e.end - start] = b"\x01" * (e.end - e.start)

    def take(a: int, b: int, rule: str) -> None:
        if a < b and taken.find(1, a, b) < 0:
            taken[a:b] = b"\x01" * (b - a)
            edits.append(Edit(start + a, start + b, rule))

    # An appended translation is judged on the line as cleaning leaves it — without what the
    # rules above remove, indent and trailing space — because that is what cleaning the cleaned
    # text sees (else "\x00" + 40 Latin letters, or 40 letters + U+3000, which is CJK, would be
    # kept once and moved to the translation the second time). It takes the rest of the line,
    # with any removal inside it; `kept[t]` is never inside a removal, so none straddles it.
    limit = len(line_view)
    if may_translate:
        if removals:
            reduced, kept = _without(line_view, np.frombuffer(bytes(taken), dtype=bool))
        else:
            reduced, kept = line_view, np.arange(len(line_view))
        indent = len(reduced) - len(reduced.lstrip())
        t = _translation_offset(reduced.strip(), rules)
        if t is not None:
            limit = int(kept[indent + t])
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
    return _Line(start, end, end, sorted(edits, key=lambda e: e.start), start + limit)


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


def _zone(kept: list[int], lines: list[_Line], zone: str, header_max: int) -> list[int]:
    """The kept lines of a zone: all, those before the first body line, or after the last.

    Scans only as far as the first (or last) body line; a text without one is all zone.
    """
    if zone == "any":
        return kept
    order = kept if zone == "header" else kept[::-1]
    found = []
    for i in order:
        if len(lines[i].content) > header_max:
            return found if zone == "header" else found[::-1]
        found.append(i)
    return kept


def _overlap(short: str, earlier: str) -> float:
    """Share of ``short``'s characters found, in order, in ``earlier``."""
    blocks = difflib.SequenceMatcher(None, short, earlier, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(short)


def _repeats(key: str, earlier: str, min_overlap: float) -> bool:
    """Whether ``key`` repeats ``earlier``: at least ``min_overlap`` of it found there in order."""
    needed = min_overlap * len(key)
    # Cheap upper bounds first: the overlap is at most the shorter length and at most the
    # characters of `key` that occur in `earlier` at all.
    if len(earlier) < needed:
        return False
    present = set(earlier)
    if sum(ch in present for ch in key) < needed:
        return False
    return _overlap(key, earlier) >= min_overlap


def _block_lines(kept: list[int], views: list[str], rule: BlockRule) -> list[int]:
    """The kept lines inside blocks of ``rule``, matched on each line's normalised text before
    inline removals (the inline ``html_tag`` rule removes the very tags that mark a block)."""
    inside: list[int] | None = None
    found: list[int] = []
    for i in kept:
        text = views[i]
        if inside is None:
            openings = list(rule.start.finditer(text))
            opening = openings[-1] if openings else None
            if opening is not None and not rule.end.search(text, opening.end()):
                inside = [i]
        else:
            inside.append(i)
            if rule.end.search(text):
                found += inside
                inside = None
    return found  # a block never closed removes nothing: a stray tag must not eat the text


def _removed_lines(
    lines: list[_Line], rules: CleaningRules, views: list[str] | None = None
) -> dict[int, str]:
    """Index of each removed line → the rule that removed it.

    First the block rules (``views`` holds each line's normalised text before inline removals),

    The rules run in file order, each on the lines the earlier ones left, and the whole sequence
    repeats until it removes nothing more, so cleaning a cleaned text removes nothing (zones are
    recomputed as lines go). The rule ``shared_boilerplate`` (when ``rules.shared_lines`` is
    given) runs when the others have removed all they can, so it sees the lines exactly as the
    text cleaned without it reads, where :func:`analysis.corpus.boilerplate.find_shared_boilerplate`
    found them; then the sequence repeats again.
    """
    removed = {}
    # blocks first, on every line: html_tag leaves a block's opening line blank
    for rule in rules.block_rules:
        unblocked = [i for i in range(len(lines)) if i not in removed]
        for i in _block_lines(unblocked, views or [], rule):
            removed[i] = rule.name
    for i, line in enumerate(lines):
        if not line.content and i not in removed:
            translated = any(e.rule == "translation" for e in line.inline)
            removed[i] = "translation" if translated else "blank_line"
    kept = [i for i in range(len(lines)) if i not in removed]
    keys = {}
    repeat_of: dict[tuple[int, int], bool] = {}  # the sequence repeats: compare each pair once
    while True:
        before = len(removed)
        for rule in rules.line_rules:
            for i in _zone(kept, lines, rule.zone, rules.header_max_chars):
                if rule.pattern.search(lines[i].content):
                    removed[i] = rule.name
            kept = [i for i in kept if i not in removed]
        if rules.repeated_title_min_overlap is not None:
            earlier: list[int] = []
            for i in _zone(kept, lines, "header", rules.header_max_chars):
                key = keys.setdefault(i, _title_key(lines[i].content))
                for j in earlier if len(key) >= rules.repeated_title_min_chars else ():
                    if (i, j) not in repeat_of:
                        repeat_of[i, j] = _repeats(key, keys[j], rules.repeated_title_min_overlap)
                    if repeat_of[i, j]:
                        removed[i] = "repeated_title"
                        break
                else:
                    earlier.append(i)
            kept = [i for i in kept if i not in removed]
        if len(removed) == before and rules.shared_lines:
            settings = rules.shared_boilerplate or SharedBoilerplateSettings()
            shared = [line_key(lines[i].content) for i in kept]
            for n in removable_lines(
                shared, rules.shared_lines, rules.shared_common_lines, settings.min_chars
            ):
                removed[kept[n]] = SHARED_BOILERPLATE
            kept = [i for i in kept if i not in removed]
        if len(removed) == before:
            return removed


def _char_edits(raw: str, conv: str, view: str, keep: np.ndarray) -> tuple[list[Edit], int, int]:
    """Character substitutions (t2s, punctuation) at kept positions; also Han counts."""
    raw_c, conv_c, view_c = _codes(raw), _codes(conv), _codes(view)
    t2s = keep & (raw_c != conv_c)
    punct = keep & (conv_c != view_c)
    code = t2s.astype(np.int8) + 2 * punct.astype(np.int8)
    han = keep & _in_ranges(raw_c, _HAN_RANGES)
    edits: list[Edit] = []
    positions = np.flatnonzero(code)
    if positions.size:
        breaks = np.flatnonzero((np.diff(positions) != 1) | (np.diff(code[positions]) != 0)) + 1
        names = {1: "t2s", 2: "punctuation", 3: "t2s+punctuation"}
        for run in np.split(positions, breaks):
            a, b = int(run[0]), int(run[-1]) + 1
            edits.append(Edit(a, b, names[int(code[a])], view[a:b]))
    return edits, int(han.sum()), int((han & t2s).sum())


def clean_text(raw: str, rules: CleaningRules | None = None) -> CleanedText:
    """Clean one raw text; see the module docstring for what is guaranteed."""
    if not isinstance(raw, str):
        raise TypeError(f"clean_text expects str, got {type(raw).__name__}")
    # OpenCC (and later the token cache and CSV outputs) cannot encode a lone surrogate.
    reject_lone_surrogates(raw, "the raw text")
    rules = rules if rules is not None else load_cleaning_rules()
    conv = to_simplified(raw, rules.opencc_config)
    lines, breaks, view = _normalised_lines(raw, conv, rules)
    views = [view[line.start : line.content_end] for line in lines] if rules.block_rules else []
    removed = _removed_lines(lines, rules, views)
    edits, keep = _line_edits(raw, lines, breaks, removed)
    char_edits, n_han, n_converted = _char_edits(raw, conv, view, keep)
    edits.extend(char_edits)
    edits.sort(key=lambda e: (e.start, e.end))
    translation = "\n".join(raw[e.start : e.end].strip() for e in edits if e.rule == "translation")
    script = _script(n_han, n_converted, rules.traditional_threshold)
    return CleanedText(_apply_edits(raw, edits), translation, script, tuple(edits))


def _normalised_lines(
    raw: str, conv: str, rules: CleaningRules
) -> tuple[list[_Line], list[tuple[int, int]], str]:
    """The lines of ``raw`` with their inline edits and normalised content, the span of each
    line's break, and the normalised text (``view``) the contents are cut from."""
    matches = [m for m in _LINE.finditer(raw) if m.group(0)]  # not the empty match at the end
    spans, breaks = [m.span(1) for m in matches], [m.span(2) for m in matches]
    view, removals, inline_removed = _inline_removals(raw, conv, spans, rules)
    lines: list[_Line] = []
    for (a, b), (_, line_end), found in zip(spans, breaks, removals, strict=True):
        line = _inline_edits(view, a, b, found, rules)
        line.end = line_end
        lines.append(line)
    translated = False
    for line in lines:
        for e in line.inline:
            translated |= e.rule == "translation"
            inline_removed[e.start : e.end] = True
    if translated:  # out of the context of punctuation too (this changes nothing it keeps)
        view = normalize_punctuation(conv, rules, removed=inline_removed)
    for line in lines:
        line.content = _content(view, line)
    return lines, breaks, view


def _line_edits(
    raw: str, lines: list[_Line], breaks: list[tuple[int, int]], removed: dict[int, str]
) -> tuple[list[Edit], np.ndarray]:
    """The edits of whole lines (each removed line; each kept line's inline edits and line
    break), and which characters of ``raw`` the cleaned text keeps."""
    kept = [i for i in range(len(lines)) if i not in removed]
    edits: list[Edit] = [Edit(lines[i].start, lines[i].end, removed[i]) for i in sorted(removed)]
    keep = np.zeros(len(raw), dtype=bool)
    for n, i in enumerate(kept):
        line = lines[i]
        edits.extend(line.inline)
        keep[line.start : line.translation_start] = True
        for e in line.inline:
            keep[e.start : e.end] = False
        a, b = breaks[i]
        last = n == len(kept) - 1
        if last and b > a:
            edits.append(Edit(a, b, "final_line_break"))
        elif not last and raw[a:b] != "\n":
            edits.append(Edit(a, b, "line_break", "\n"))
    return edits, keep


def _apply_edits(raw: str, edits: list[Edit]) -> str:
    """``raw`` with each edit's span replaced by its replacement (edits sorted, never
    overlapping)."""
    pieces: list[str] = []
    cursor = 0
    for e in edits:
        if e.start < cursor:
            raise RuntimeError(f"internal error: overlapping cleaning edits at {e.start}")
        pieces.append(raw[cursor : e.start])
        pieces.append(e.replacement)
        cursor = e.end
    pieces.append(raw[cursor:])
    return "".join(pieces)


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
    han = _in_ranges(_codes(text), _HAN_RANGES)
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
