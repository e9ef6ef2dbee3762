"""Concordance (keyword in context, KWIC): every match of a slogan or regular expression.

``kwic(documents, pattern)`` searches each document's cleaned ``text``. ``pattern`` is the name of
a slogan in ``slogans`` (its compiled pattern is used, so variants and a formula with any
punctuation between its parts match) or else a regular expression. Matches are those of
:func:`re.finditer`: leftmost, non-overlapping, and empty matches are skipped.

Context is at most ``width`` characters on each side and never crosses a line break: a paragraph
is one line of the cleaned text, and gluing the end of an unrelated paragraph to a match would
mislead. Nothing is padded, so ``left + match + right == text[start - len(left):end + len(right)]``.

Columns (:data:`KWIC_COLUMNS`): ``doc_id``, ``para`` and ``sent`` (of the match's first character,
numbered from 1 as in the sentences table), ``start``, ``end`` (0-based, half-open offsets into the
cleaned text), ``left``, ``match``, ``right``, ``pattern`` (the query as given) and ``slogan`` (the
slogan's name, or ``""`` for a regular expression).

Sorting follows AntConc: ``position`` (document order, then offset), ``left`` (the left context
read right to left, so the character just before the match decides first), or ``right`` (the
right context); ties keep position order. Characters compare by code point.

:func:`kwic_text` and :func:`kwic_html` render a concordance (as text, for
:func:`analysis.run.export.write_kwic` to write); ``python -m analysis kwic`` prints or writes
one.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analysis.checks import check_choice, check_int, require_columns
from analysis.config.lexicon import REGEX_PREFIX, SloganLexicon
from analysis.corpus.clean import to_simplified
from analysis.corpus.sentences import corpus_sentences
from analysis.errors import InputError

KWIC_COLUMNS = [
    "doc_id", "para", "sent", "start", "end", "left", "match", "right", "pattern", "slogan",
]
SortOrder = Literal["position", "left", "right"]
SORT_ORDERS: tuple[str, ...] = ("position", "left", "right")
_LINE_BREAK = re.compile("\n")


def resolve_pattern(
    pattern: str, slogans: SloganLexicon | None = None, *, caller: str = "kwic"
) -> tuple[re.Pattern[str], str]:
    """``(compiled pattern, slogan name or "")`` for a slogan name or a regular expression.

    A name of a slogan in ``slogans`` (from the lexicon file or ad hoc, such as ``改革开放`` or
    ``re:民主.{0,2}制`` given to ``--slogans``) is that slogan. Anything else is a regular
    expression; a leading ``re:`` (as in ``--slogans``) is dropped. Traditional characters are
    converted to Simplified first (OpenCC t2s), as the cleaned texts are.
    """
    if not isinstance(pattern, str) or not pattern:
        raise InputError(
            f"{caller}: pattern must be a slogan name or a regular expression, got {pattern!r}"
        )
    for slogan in slogans or ():
        if slogan.name == pattern:
            return slogan.pattern, slogan.name
    # the cleaned text is in Simplified characters: 團結 finds what 团结 finds
    pattern = to_simplified(pattern)
    for slogan in slogans or ():
        if slogan.name == pattern:
            return slogan.pattern, slogan.name
    regex = pattern
    if pattern.startswith(REGEX_PREFIX):
        regex = pattern[len(REGEX_PREFIX) :].strip()
        if not regex:
            raise InputError(
                f"{caller}: {pattern!r} has nothing after {REGEX_PREFIX}; write the regular "
                f"expression after it ({REGEX_PREFIX}民主.{{0,2}}制)"
            )
    try:
        compiled = re.compile(regex)
    except re.error as exc:
        raise InputError(
            f"{caller}: {pattern!r} is neither a slogan in the lexicon nor a valid regular "
            f"expression ({exc}); escape special characters such as ( * + ? with a backslash"
        ) from exc
    if compiled.fullmatch("") is not None or regex.startswith(("(?=", "(?!", "(?<")):
        raise InputError(
            f"{caller}: {pattern!r} can match no text at all (an empty or look-around match), so "
            "it has no concordance line; make it match at least one character, e.g. 团结 or "
            "re:团结(?=协调)"
        )
    return compiled, ""


def _check_options(width: object, sort: object, caller: str) -> int:
    """``width`` (characters of context) as an int, once ``width`` and ``sort`` are checked."""
    width = check_int(width, "width", caller, minimum=0)
    check_choice(sort, "sort", caller, SORT_ORDERS)
    return width


def kwic(
    documents: pd.DataFrame,
    pattern: str,
    *,
    slogans: SloganLexicon | None = None,
    sentences: pd.DataFrame | None = None,
    width: int = 20,
    sort: SortOrder = "position",
) -> pd.DataFrame:
    """The concordance of ``pattern`` in ``documents`` (``doc_id``, ``text``); see the module.

    ``slogans`` (e.g. ``corpus.slogans``) lets ``pattern`` name a slogan; ``sentences`` (the
    corpus's sentences table) numbers the sentences, else they are split again from the texts.
    """
    caller = "kwic"
    require_columns(
        documents, ["doc_id", "text"], caller, name="the documents table",
        source="corpus.documents (the documents table with doc_id and text)",
    )
    width = _check_options(width, sort, caller)
    regex, slogan = resolve_pattern(pattern, slogans, caller=caller)
    if sentences is None:
        sentences = corpus_sentences(documents)
    # Row positions per document; a document's sentences are sliced only where it has a match
    # (building every group takes about half a second per slogan on 10,000 documents).
    by_doc = sentences.groupby("doc_id", sort=False).indices
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True):
        spans = [m.span() for m in regex.finditer(text) if m.end() > m.start()]
        if not spans:
            continue
        start, end = np.array(spans, dtype=np.int64).T
        # Line boundaries with sentinels: line j runs from bounds[j] + 1 to bounds[j + 1].
        bounds = np.array([-1, *(m.start() for m in _LINE_BREAK.finditer(text)), len(text)])
        para = np.searchsorted(bounds, start, "left")  # = line breaks before start, plus 1
        left = np.maximum(bounds[para - 1] + 1, start - width).tolist()
        right = np.minimum(bounds[np.searchsorted(bounds, end, "left")], end + width).tolist()
        rows_of_doc = by_doc.get(doc_id)
        sents = sentences.iloc[rows_of_doc] if rows_of_doc is not None else None
        if sents is not None and len(sents):
            k = np.searchsorted(sents["start"].to_numpy(), start, "right") - 1
            sent = np.where(k >= 0, sents["sent"].to_numpy()[np.maximum(k, 0)], 0)
        else:
            sent = np.zeros(len(spans), dtype=np.int64)
        for i, (a, b) in enumerate(spans):
            rows.append((
                doc_id, int(para[i]), int(sent[i]), a, b, text[left[i]:a], text[a:b],
                text[b:right[i]], pattern, slogan,
            ))
    table = pd.DataFrame(rows, columns=KWIC_COLUMNS).astype(
        {"para": "int64", "sent": "int64", "start": "int64", "end": "int64"}
    )
    if sort == "position" or table.empty:
        return table
    key = table["left"].map(lambda s: s[::-1]) if sort == "left" else table["right"]
    order = sorted(range(len(table)), key=lambda i: key.iat[i])  # stable: ties keep position
    return table.iloc[order].reset_index(drop=True)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def kwic_text(table: pd.DataFrame) -> str:
    """A plain-text concordance: the matches aligned in one column (wide characters count 2)."""
    if table.empty:
        return ""
    where = [f"{r.doc_id} {r.para}:{r.sent} {r.start}" for r in table.itertuples()]
    where_width = max(_display_width(w) for w in where)
    left_width = max(_display_width(s) for s in table["left"])
    lines = []
    for w, left, match, right in zip(where, table["left"], table["match"], table["right"],
                                     strict=True):
        pad = " " * (left_width - _display_width(left))
        gap = " " * (where_width - _display_width(w))
        lines.append(f"{w}{gap}  {pad}{left} [{match}] {right}")
    return "\n".join(lines) + "\n"


_HTML_PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: 0.1em 0.4em; white-space: nowrap; }}
th {{ text-align: left; border-bottom: 1px solid #888; }}
td.left {{ text-align: right; }}
td.match {{ text-align: center; }}
mark {{ background: #ffe066; font-weight: bold; }}
td.num {{ text-align: right; color: #666; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{summary}</p>
<table>
<thead><tr><th>doc_id</th><th>para</th><th>sent</th><th>start</th><th>end</th>\
<th class="left">left</th><th>match</th><th>right</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""


def kwic_html(table: pd.DataFrame, *, title: str = "Concordance") -> str:
    """A standalone UTF-8 HTML page of the concordance, every text escaped, matches marked."""
    e = html.escape
    rows = "\n".join(
        f"<tr><td>{e(str(r.doc_id))}</td>"
        + "".join(f'<td class="num">{n}</td>' for n in (r.para, r.sent, r.start, r.end))
        + f'<td class="left">{e(r.left)}</td><td class="match"><mark>{e(r.match)}</mark></td>'
        f"<td>{e(r.right)}</td></tr>"
        for r in table.itertuples()
    )
    summary = f"{len(table)} matches in {table['doc_id'].nunique()} documents"
    return _HTML_PAGE.format(title=e(title), summary=e(summary), rows=rows)


def kwic_output_format(path: Path, caller: str) -> str:
    """``csv`` or ``html`` for a concordance's output path (by its extension); a folder or
    another extension is an :class:`~analysis.errors.InputError`. Checked before any text is
    read, and again by :func:`analysis.run.export.write_kwic`."""
    if path.is_dir():
        raise InputError(f"{caller}: {path} is a folder: give a file name ending in .csv or .html")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".html", ".htm"}:
        return "html"
    raise InputError(
        f"{caller}: {path}: unknown output format {suffix or '(none)'}; use .csv or .html"
    )


def check_kwic_request(
    pattern: str, slogans: SloganLexicon | None, *, width: object, sort: object, out: object
) -> None:
    """Check a concordance request before any text is read, so a mistake fails at once."""
    caller = "kwic"
    _check_options(width, sort, caller)
    resolve_pattern(pattern, slogans, caller=caller)
    if out is not None:
        kwic_output_format(Path(str(out)), caller)
