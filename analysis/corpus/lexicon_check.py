"""How the segmenter treats each slogan and dictionary term in a corpus (``check-lexicon``).

For every term of the slogan lexicon and the user dictionary, each occurrence in the cleaned
texts is classed as

* ``whole`` — exactly one token;
* ``inside`` — part of a longer token (团结 in 团结协调: counted as a mention, not a token);
* ``split`` — cut across a token boundary, so token-based counts miss it. A split term needs a
  higher frequency in ``userdict.txt``, or it overlaps another dictionary term.

Columns: ``term``, ``source`` (``slogan`` or ``userdict``; a slogan's formula parts count as
slogan terms), ``occurrences``, ``whole``, ``inside``, ``split``, ``n_docs`` and ``example`` (the
first split occurrence with 4 characters of context, as ``…左[term]右…`` with the tokens marked).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.corpus.build import CorpusTables

LEXICON_CHECK_COLUMNS = [
    "term",
    "source",
    "occurrences",
    "whole",
    "inside",
    "split",
    "n_docs",
    "example",
]


def check_lexicon(corpus: CorpusTables) -> pd.DataFrame:
    """One row per slogan and user-dictionary term; split terms first, then by term."""
    sources: dict[str, str] = {}
    for slogan in corpus.slogans:
        for term in slogan.dictionary_terms:
            sources.setdefault(term, "slogan")
    for entry in corpus.segmenter.terms:
        sources.setdefault(entry.term, "userdict")
    tokens = dict(tuple(corpus.tokens.groupby("doc_id", sort=False)))
    counts = {t: [0, 0, 0, 0, set(), ""] for t in sources}
    for doc_id, text in zip(corpus.documents["doc_id"], corpus.documents["text"], strict=True):
        group = tokens.get(doc_id)
        starts = group["start"].to_numpy() if group is not None else np.empty(0, int)
        ends = group["end"].to_numpy() if group is not None else np.empty(0, int)
        for term in sources:
            for m in re.finditer(re.escape(term), text):
                a, b = m.span()
                k = np.searchsorted(starts, a, side="right") - 1
                row = counts[term]
                row[0] += 1
                row[4].add(doc_id)
                if k >= 0 and starts[k] == a and ends[k] == b:
                    row[1] += 1
                elif k >= 0 and ends[k] >= b:
                    row[2] += 1
                else:
                    row[3] += 1
                    if not row[5]:
                        row[5] = _marked(text, starts, ends, a, b)
    table = pd.DataFrame(
        [(t, sources[t], c[0], c[1], c[2], c[3], len(c[4]), c[5]) for t, c in counts.items()],
        columns=LEXICON_CHECK_COLUMNS,
    )
    table = table.sort_values(["split", "term"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


def _marked(text: str, starts: np.ndarray, ends: np.ndarray, a: int, b: int) -> str:
    """The occurrence with 4 characters of context and ``|`` at token boundaries."""
    lo, hi = max(0, a - 4), min(len(text), b + 4)
    cuts = {int(s) for s in starts if lo < s < hi} | {int(e) for e in ends if lo < e < hi}
    pieces = []
    for i in range(lo, hi):
        if i in cuts:
            pieces.append("|")
        pieces.append(text[i])
    return "…" + "".join(pieces) + "…"
