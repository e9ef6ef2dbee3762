"""Paragraphs and sentences of cleaned documents: the ``sentences`` table.

A paragraph is a line of the cleaned text (cleaning leaves no empty lines). A sentence ends after
。！？ or ； — a run of them counts as one end (？！) — together with any closing quotation marks or
brackets that follow (。” stays with its sentence), and at the end of its paragraph. Sentences
never cross paragraphs. White space between sentences belongs to neither.

:func:`split_sentences` takes any string; :func:`corpus_sentences` refuses a text holding a lone
surrogate (an :class:`~analysis.errors.InputError`, as the cleaner does).

Columns: ``doc_id``, ``para`` and ``sent`` (numbered from 1 within the document; ``sent`` runs on
across paragraphs), ``start`` and ``end`` (0-based, half-open offsets into the cleaned text) and
``text``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.checks import require_columns
from analysis.errors import reject_lone_surrogates

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


def sentence_spans(text: str) -> np.ndarray:
    """:func:`split_sentences` as an ``(n, 4)`` int32 array: para, sent, start, end."""
    spans = split_sentences(text)
    return np.asarray(spans, dtype=np.int32).reshape(len(spans), 4)


def sentences_table(documents: pd.DataFrame, spans: Sequence[np.ndarray]) -> pd.DataFrame:
    """The sentences table from each document's :func:`sentence_spans` (documents order)."""
    texts = documents["text"].tolist()
    doc_ids = documents["doc_id"].tolist()
    lengths = np.array([len(s) for s in spans], dtype=np.int64)
    allspans = np.concatenate(spans).astype(np.int64) if len(spans) else np.empty((0, 4), np.int64)
    doc_index = np.repeat(np.arange(len(doc_ids)), lengths)
    text = [
        texts[d][a:b]
        for d, a, b in zip(
            doc_index.tolist(), allspans[:, 2].tolist(), allspans[:, 3].tolist(), strict=True
        )
    ]
    return pd.DataFrame(
        {
            "doc_id": pd.array(np.asarray(doc_ids, dtype=object)[doc_index], dtype="str"),
            "para": allspans[:, 0],
            "sent": allspans[:, 1],
            "start": allspans[:, 2],
            "end": allspans[:, 3],
            "text": pd.array(text, dtype="str"),
        },
        columns=SENTENCE_COLUMNS,
    )


def corpus_sentences(documents: pd.DataFrame) -> pd.DataFrame:
    """The sentences table of a cleaned documents table (columns ``doc_id`` and ``text``)."""
    require_columns(
        documents,
        ["doc_id", "text"],
        "corpus_sentences",
        name="the documents table",
        source="the cleaned documents table of analysis.clean_corpus",
    )
    for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True):
        if isinstance(text, str):  # the text column is Arrow (UTF-8), which cannot hold one
            reject_lone_surrogates(text, f"the text of document {doc_id!r}")
    return sentences_table(documents, [sentence_spans(t) for t in documents["text"]])
