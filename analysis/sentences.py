"""Paragraphs and sentences of cleaned documents: the ``sentences`` table.

A paragraph is a line of the cleaned text (cleaning leaves no empty lines). A sentence ends after
。！？ or ； — a run of them counts as one end (？！) — together with any closing quotation marks or
brackets that follow (。” stays with its sentence), and at the end of its paragraph. Sentences
never cross paragraphs. White space between sentences belongs to neither.

Columns: ``doc_id``, ``para`` and ``sent`` (numbered from 1 within the document; ``sent`` runs on
across paragraphs), ``start`` and ``end`` (0-based, half-open offsets into the cleaned text) and
``text``.
"""

from __future__ import annotations

import re

import pandas as pd

SENTENCE_COLUMNS = ["doc_id", "para", "sent", "start", "end", "text"]
SENTENCE_END = "。！？；"
CLOSING = "”’」』）》〕】〉\"'"
_SENTENCE = re.compile(rf"[^{SENTENCE_END}]*(?:[{SENTENCE_END}]+[{re.escape(CLOSING)}]*)?")


def split_sentences(text: str) -> list[tuple[int, int, int, int]]:
    """``(para, sent, start, end)`` for every sentence of one cleaned text."""
    out: list[tuple[int, int, int, int]] = []
    offset = 0
    sent = 0
    for para, line in enumerate(text.split("\n"), start=1):
        for m in _SENTENCE.finditer(line):
            a, b = m.span()
            while a < b and line[a].isspace():
                a += 1
            while b > a and line[b - 1].isspace():
                b -= 1
            if a < b:
                sent += 1
                out.append((para, sent, offset + a, offset + b))
        offset += len(line) + 1
    return out


def corpus_sentences(documents: pd.DataFrame) -> pd.DataFrame:
    """The sentences table of a cleaned documents table (columns ``doc_id`` and ``text``)."""
    missing = {"doc_id", "text"} - set(documents.columns)
    if missing:
        raise ValueError(
            "corpus_sentences needs the cleaned documents table (from clean_corpus); missing "
            f"column(s): {', '.join(sorted(missing))}"
        )
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True):
        for para, sent, start, end in split_sentences(text):
            rows.append((doc_id, para, sent, start, end, text[start:end]))
    table = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    return table.astype({"para": "int64", "sent": "int64", "start": "int64", "end": "int64"})
