"""Finding slogan mentions in cleaned documents: the ``mentions`` table.

A mention is a match of a slogan's variants (or of its parts, in order, with only punctuation or
white space between them, or of its regular expression) in the cleaned text, so 团结 inside 团结协调
counts. Matches of one slogan do not overlap: they are :func:`re.finditer`'s leftmost matches (the
longest variant wins at a position; a regular expression matches as Python's ``re`` does, and
:class:`~analysis.config.lexicon.Slogan` refuses one that could match the empty string). Different
slogans may overlap (讲团结 in 树正气、讲团结、求发展 is also a mention of 团结). Ad-hoc slogans
named on the command line (``--slogans 改革开放,re:民主.{0,2}制``) are found the same way.

Columns: ``doc_id``, ``slogan`` (canonical name), ``variant`` (the text matched), ``start``,
``end`` (0-based, half-open offsets into the cleaned text), ``para``, ``sent``, ``is_token`` and
``n_tokens``. ``is_token`` is true when the mention begins at a token start and ends at a token
end, that is, it is made of whole tokens — for a one-word slogan, exactly one token (``n_tokens``
is 1); for a formula, its parts. A mention inside a longer token (团结 in 团结协调) is not a token.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.checks import require_columns
from analysis.config.lexicon import SloganLexicon

MENTION_COLUMNS = [
    "doc_id",
    "slogan",
    "variant",
    "start",
    "end",
    "para",
    "sent",
    "is_token",
    "n_tokens",
]


def find_slogan_mentions(
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    tokens: pd.DataFrame,
    slogans: SloganLexicon,
) -> pd.DataFrame:
    """Every mention of every slogan in every document (documents order, then by offset)."""
    caller = "find_slogan_mentions"
    for name, table, needed in (
        ("documents", documents, ["doc_id", "text"]),
        ("sentences", sentences, ["doc_id", "para", "sent", "start"]),
        ("tokens", tokens, ["doc_id", "start", "end"]),
    ):
        require_columns(
            table,
            needed,
            caller,
            name=f"the {name} table",
            source=f"corpus.{name} of analysis.build_corpus",
        )
    sentence_groups = dict(tuple(sentences.groupby("doc_id", sort=False)))
    token_groups = dict(tuple(tokens.groupby("doc_id", sort=False)))
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True):
        found = _matches(text, slogans)
        if not found:
            continue
        start = np.array([f[0] for f in found])
        end = np.array([f[1] for f in found])
        para, sent = _mention_sentences(sentence_groups.get(doc_id), start)
        aligned, n_tokens = _token_alignment(token_groups.get(doc_id), start, end)
        for k, (s, e, name, variant) in enumerate(found):
            rows.append(
                (
                    doc_id,
                    name,
                    variant,
                    s,
                    e,
                    int(para[k]),
                    int(sent[k]),
                    bool(aligned[k]),
                    int(n_tokens[k]),
                )
            )
    return _mentions_frame(rows)


def _matches(text: str, slogans: SloganLexicon) -> list[tuple[int, int, str, str]]:
    """``(start, end, slogan, variant)`` of every match in ``text``, by offset."""
    return sorted(
        (m.start(), m.end(), slogan.name, m.group(0))
        for slogan in slogans
        for m in slogan.pattern.finditer(text)
    )


def _mention_sentences(
    sents: pd.DataFrame | None, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The paragraph and sentence each mention starts in (0 when the document has none)."""
    if sents is None or not len(sents):
        zeros = np.zeros(len(start), dtype=np.int64)
        return zeros, zeros
    index = np.clip(np.searchsorted(sents["start"].to_numpy(), start, "right") - 1, 0, None)
    return sents["para"].to_numpy()[index], sents["sent"].to_numpy()[index]


def _token_alignment(
    toks: pd.DataFrame | None, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each mention starts at a token start and ends at a token end, and how many
    tokens it then spans (0 when it does not)."""
    if toks is None or not len(toks):
        return np.zeros(len(start), dtype=bool), np.zeros(len(start), dtype=np.int64)
    tok_start, tok_end = toks["start"].to_numpy(), toks["end"].to_numpy()
    first = np.searchsorted(tok_start, start, "left")
    last = np.searchsorted(tok_end, end, "left")
    aligned = (
        (first < len(tok_start))
        & (last < len(tok_end))
        & (tok_start[np.minimum(first, len(tok_start) - 1)] == start)
        & (tok_end[np.minimum(last, len(tok_end) - 1)] == end)
    )
    return aligned, np.where(aligned, last - first + 1, 0)


def _mentions_frame(rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return table.astype(
        {
            "start": "int64",
            "end": "int64",
            "para": "int64",
            "sent": "int64",
            "is_token": "bool",
            "n_tokens": "int64",
        }
    )
