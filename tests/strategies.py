"""Hypothesis strategies that draw small random corpora for the measures' property tests.

Two kinds of corpus, one strategy each; every knob is a keyword with the range it draws from,
given as ``(least, most)``:

* :func:`word_documents` — documents written as sentences of words drawn from a vocabulary,
  as ``{doc_id: [[word, ...], ...]}``. The vocabulary decides what is exercised: put in words
  that hold a slogan inside a longer word (团结 in 团结协调, 讲团结) to test nested mentions, a
  punctuation mark and a stop word to test what is dropped. Knobs: ``docs`` (how many),
  ``names`` (document ids), ``sentences`` (per document), ``words`` (per sentence).
  :func:`token_table` turns a draw into the four-column tokens table (``doc_id``, ``token``,
  ``is_punct``, ``is_stop``) that the document-term measures read.

* :func:`laid_out_corpora` — documents laid out as paragraphs of sentences of filler characters
  (``字``), with slogan mentions at random offsets, as a :class:`LaidOutCorpus` of a documents
  table (``doc_id``, ``text``, a grouping column), a sentences table (``doc_id``, ``para``,
  ``sent``, ``start``, ``end``) and a mentions table (``doc_id``, ``slogan``, ``start``, ``end``,
  ``para``, ``sent``, ``is_token``). Mentions may overlap, nest in one another and, when
  ``mention_chars`` allows more than one character, run past the end of their sentence. Knobs:
  ``docs``, ``sentences`` (per document), ``sentence_chars``, ``gap_chars`` (white space between
  two sentences of one paragraph), ``new_paragraph`` (whether a sentence after the first starts
  a paragraph: ``"always"`` or ``"sometimes"``, one time in three), ``mentions`` (per sentence),
  ``mention_chars``, ``group_column`` and ``groups`` (the values it is drawn from).

The texts are what the cleaner leaves: one paragraph a line, no blank lines, white space only
between sentences of a paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd
from hypothesis import strategies as st

__all__ = ["LaidOutCorpus", "laid_out_corpora", "token_table", "word_documents"]

FILLER = "字"


def _document_ids(draw, docs: tuple[int, int], names: Sequence[str] | None) -> list[str]:
    """``d0, d1, …`` in order, or (given ``names``) distinct names in the order drawn."""
    if names is None:
        return [f"d{i}" for i in range(draw(st.integers(*docs)))]
    return draw(
        st.lists(st.sampled_from(list(names)), min_size=docs[0], max_size=docs[1], unique=True)
    )


@st.composite
def word_documents(
    draw,
    vocabulary: Sequence[str],
    *,
    docs: tuple[int, int] = (1, 3),
    names: Sequence[str] | None = None,
    sentences: tuple[int, int] = (1, 3),
    words: tuple[int, int] = (1, 8),
) -> dict[str, list[list[str]]]:
    """``{doc_id: sentences}``, each sentence a list of words drawn from ``vocabulary``.

    ``names=None`` numbers the documents ``d0, d1, …``; a sequence of names draws distinct ones
    in random order (so that a test sees documents out of alphabetical order)."""
    ids = _document_ids(draw, docs, names)
    sentence = st.lists(st.sampled_from(list(vocabulary)), min_size=words[0], max_size=words[1])
    return {
        doc_id: draw(st.lists(sentence, min_size=sentences[0], max_size=sentences[1]))
        for doc_id in ids
    }


def token_table(
    documents: dict[str, list[list[str]]],
    punct: frozenset[str] = frozenset(),
    stop: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The tokens of ``documents`` (as :func:`word_documents` draws them), one row a word, in
    document then text order; a word is punctuation or a stop word if it is in ``punct``/``stop``."""
    records = [
        (doc_id, word, word in punct, word in stop)
        for doc_id, sentences in documents.items()
        for sentence in sentences
        for word in sentence
    ]
    return pd.DataFrame(records, columns=["doc_id", "token", "is_punct", "is_stop"])


class LaidOutCorpus(NamedTuple):
    """Tables of a corpus drawn by :func:`laid_out_corpora`."""

    documents: pd.DataFrame
    sentences: pd.DataFrame
    mentions: pd.DataFrame


@st.composite
def laid_out_corpora(
    draw,
    slogans: Sequence[str],
    *,
    docs: tuple[int, int] = (1, 3),
    sentences: tuple[int, int] = (1, 5),
    sentence_chars: tuple[int, int] = (2, 12),
    gap_chars: tuple[int, int] = (0, 2),
    new_paragraph: str = "sometimes",
    mentions: tuple[int, int] = (0, 3),
    mention_chars: tuple[int, int] = (1, 6),
    group_column: str = "genre",
    groups: Sequence[object] = ("x", "y"),
) -> LaidOutCorpus:
    """Documents ``d0, d1, …`` of filler sentences, with mentions of ``slogans`` in them.

    A mention starts inside its sentence (``para`` and ``sent`` are that sentence's) and is
    ``mention_chars`` long. A paragraph break is one line break; within a paragraph, sentences
    are ``gap_chars`` spaces apart."""
    if new_paragraph not in ("always", "sometimes"):
        raise ValueError(f"new_paragraph must be 'always' or 'sometimes', got {new_paragraph!r}")
    document_rows, sentence_rows, mention_rows = [], [], []
    for doc_id in _document_ids(draw, docs, None):
        text, para = "", 1
        for sent in range(1, draw(st.integers(*sentences)) + 1):
            if sent > 1:
                starts_paragraph = new_paragraph == "always" or draw(st.sampled_from([0, 0, 1]))
                para += int(starts_paragraph)
                text += "\n" if starts_paragraph else " " * draw(st.integers(*gap_chars))
            start, length = len(text), draw(st.integers(*sentence_chars))
            text += FILLER * length
            sentence_rows.append((doc_id, para, sent, start, start + length))
            for _ in range(draw(st.integers(*mentions))):
                m_start = start + draw(st.integers(0, length - 1))
                m_end = m_start + draw(st.integers(*mention_chars))
                slogan = draw(st.sampled_from(list(slogans)))
                mention_rows.append((doc_id, slogan, m_start, m_end, para, sent, draw(st.booleans())))
        document_rows.append((doc_id, text, draw(st.sampled_from(list(groups)))))
    return LaidOutCorpus(
        pd.DataFrame(document_rows, columns=["doc_id", "text", group_column]),
        pd.DataFrame(sentence_rows, columns=["doc_id", "para", "sent", "start", "end"]),
        pd.DataFrame(
            mention_rows,
            columns=["doc_id", "slogan", "start", "end", "para", "sent", "is_token"],
        ),
    )
