"""Term frequencies per document, per metadata group and for the corpus: ``term_frequencies.csv``.

:func:`textstat_frequency` counts three kinds of term, each from a
:class:`~analysis.features.dfm.Dfm`:

* token unigrams (``kind="token"``, ``ngram=1``): the segmenter's words;
* token n-grams (``kind="token"``, ``ngram`` 2, 3, …) from :func:`tokens_ngrams`: runs of ``n``
  adjacent tokens of one sentence, joined with ``_`` (领导_班子). An n-gram never crosses a
  sentence, a paragraph, a document, a punctuation mark or a censorship placeholder (``is_punct``
  tokens), so 团结，民主 yields no bigram;
* character n-grams (``kind="char"``) from :func:`dfm_char_ngrams`: runs of ``n`` characters of the
  cleaned text that contain no punctuation, symbol or white space — a segmentation-free
  cross-check on the token counts (团结 is counted inside 团结协调 as well).

Output (long format, fixed columns :data:`FREQUENCY_COLUMNS`):

=================  ==============================================================================
``scope``          ``"document"``, ``"group"`` or ``"corpus"``: what the row counts over
``grouping``       the metadata column a group row pools documents by (``level``); empty otherwise
``group``          the group's value in that column (``city``); empty unless ``scope == "group"``
``doc_id``         the document; empty unless ``scope == "document"``
``kind``           ``"token"`` (words and word n-grams) or ``"char"`` (character n-grams)
``ngram``          the n-gram size ``n`` (1 for single words)
``term``           the word, n-gram (tokens joined by ``_``) or character string
``count``          occurrences of ``term`` in the unit
``per_10k_tokens`` ``count / W * 10_000``, ``W`` = word tokens of the unit (every token that is not
                   punctuation, **stopwords included**: the denominator is all words, the same for
                   every kind and ``n``, so rates compare across kinds)
``per_10k_chars``  ``count / C * 10_000``, ``C`` = the unit's ``n_chars`` (characters of the cleaned
                   text without line breaks, summed over the unit's documents)
``rank``           rank of ``count`` among the terms of the same kind and ``ngram`` in the same
                   document, group or corpus, 1 = most frequent; ties share the lowest rank
                   ("min" method, as ``quanteda.textstats::textstat_frequency``)
``doc_freq``       number of documents of the unit in which ``term`` occurs (1 for document rows)
=================  ==============================================================================

"Empty" is a missing value (an empty cell in the CSV). Corpus rows (``include_corpus``) pool
all documents. Rows are sorted by scope (documents, groups, corpus), grouping, group, doc_id,
kind (token before char), ngram, rank and term, so the table does not depend on the order of
the documents.
``min_count`` drops rows whose ``count`` is below it *after* ranking, so ranks do not change
with ``min_count``.

Settings (``data/settings.yml``, section ``frequencies``): ``ngrams`` [1, 2, 3], ``char_ngrams``
[2, 3, 4], ``min_count`` 1, ``group_by`` [level, genre] — the keyword defaults here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.checks import check_bool, check_int, require_columns
from analysis.corpus.segment import TOKEN_COLUMNS
from analysis.errors import InputError
from analysis.features.dfm import Dfm, dfm, dfm_group

FREQUENCY_COLUMNS = [
    "scope",
    "grouping",
    "group",
    "doc_id",
    "kind",
    "ngram",
    "term",
    "count",
    "per_10k_tokens",
    "per_10k_chars",
    "rank",
    "doc_freq",
]
SCOPES = ("document", "group", "corpus")
KINDS = ("token", "char")
# Columns of the token n-gram table: the tokens-table schema, minus ``pos``, when present.
_NGRAM_COLUMNS = TOKEN_COLUMNS


def _check_sizes(values: object, name: str, caller: str) -> tuple[int, ...]:
    """``values`` as a tuple of distinct n-gram sizes (whole numbers ≥ 1)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise InputError(
            f"{caller}: {name} must be a list of n-gram sizes such as [1, 2, 3], got {values!r}"
        )
    sizes = tuple(check_int(v, f"every size in {name}", caller, minimum=1) for v in values)
    if len(set(sizes)) != len(sizes):
        raise InputError(f"{caller}: {name} lists a size twice ({values!r}); give each size once")
    return sizes


def _check_concatenator(concatenator: object, caller: str) -> None:
    if not isinstance(concatenator, str):
        raise InputError(
            f"{caller}: concatenator must be a string such as '_', got {concatenator!r}"
        )


def _combine_codes(columns: list[np.ndarray], base: int) -> tuple[np.ndarray, int]:
    """Dense ids of the rows of ``columns`` (each an int array of codes below ``base``).

    The key is refactorised after every column, so it never exceeds rows × base (no overflow,
    whatever n is).
    """
    key = columns[0].astype(np.int64)
    for col in columns[1:]:
        key = pd.factorize(key * base + col)[0]
    key, uniques = pd.factorize(key)  # dense ids 0 … k−1 in order of first appearance
    return key.astype(np.int64), len(uniques)


def _first_index(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """Index of the first occurrence of each code 0 … n_codes-1 (every code occurs)."""
    uniques, first = np.unique(codes, return_index=True)
    if len(uniques) != n_codes:
        raise RuntimeError("n-gram codes are not dense; please report this as a bug")
    return first.astype(np.int64)


def tokens_ngrams(tokens: pd.DataFrame, n: int, *, concatenator: str = "_") -> pd.DataFrame:
    """Token n-grams: every run of ``n`` adjacent tokens within one sentence, as a tokens table.

    Like ``quanteda::tokens_ngrams``, the result has the shape of its input: one row per n-gram
    with ``doc_id``, ``para``, ``sent``, ``position`` (of its first token), ``token`` (the tokens
    joined by ``concatenator``: 领导_班子), ``start`` (of the first token), ``end`` (of the last),
    ``is_punct`` (always false) and ``is_stop`` (true when any of its tokens is a stopword) —
    so :func:`analysis.features.dfm.dfm` counts it like tokens, dropping n-grams with a stopword by
    default (like ``tokens_remove(..., padding = TRUE)`` before ``tokens_ngrams`` in quanteda).
    ``para``, ``position``, ``start`` and ``end`` are kept when the input has them.

    An n-gram never contains an ``is_punct`` token (punctuation, symbols, censorship
    placeholders) and never crosses a sentence (``sent``) or document; when the input has
    ``position``, its tokens must also be consecutive, so a tokens table with rows filtered out
    gives no n-gram across the gap. Tokens are ordered by document (first appearance) and
    ``position``. ``n = 1`` returns the tokens themselves (punctuation included, flagged).
    """
    check_int(n, "n", "tokens_ngrams", minimum=1)
    _check_concatenator(concatenator, "tokens_ngrams")
    require_columns(
        tokens,
        ["doc_id", "sent", "token", "is_punct"],
        "tokens_ngrams",
        name="the tokens table",
        source="corpus.tokens of analysis.build_corpus",
    )
    columns = [c for c in _NGRAM_COLUMNS if c in tokens.columns]
    if n == 1:
        order = _reading_order(tokens)
        out = tokens.iloc[order][columns].reset_index(drop=True)
        if "is_stop" not in out.columns:
            out["is_stop"] = False
        return out
    order, starts, doc, doc_uniques, key, strings, is_stop = _ngram_runs(tokens, n, concatenator)
    rows = order[starts]
    out: dict[str, object] = {
        "doc_id": pd.array(np.asarray(doc_uniques, dtype=object)[doc[starts]], dtype="str")
    }
    if "para" in columns:
        out["para"] = tokens["para"].to_numpy()[rows]
    out["sent"] = tokens["sent"].to_numpy()[rows]
    if "position" in columns:
        out["position"] = tokens["position"].to_numpy()[rows]
    out["token"] = pd.array(strings[key], dtype="str")
    if "start" in columns:
        out["start"] = tokens["start"].to_numpy()[rows]
    if "end" in columns:
        out["end"] = tokens["end"].to_numpy()[order[starts + n - 1]]
    out["is_punct"] = np.zeros(len(starts), dtype=bool)
    out["is_stop"] = is_stop
    return pd.DataFrame(out)


def _reading_order(tokens: pd.DataFrame) -> np.ndarray:
    """Row order by document (first appearance), then ``position`` (stable without it)."""
    doc_codes = pd.factorize(tokens["doc_id"], sort=False)[0]
    sort_keys = [doc_codes]
    if "position" in tokens.columns:
        sort_keys.insert(0, tokens["position"].to_numpy(dtype=np.int64))
    return np.lexsort(sort_keys)


class _NgramRuns(NamedTuple):
    order: np.ndarray  # rows of the tokens table in reading order
    starts: np.ndarray  # index into ``order`` of each n-gram's first token
    doc: np.ndarray  # document code of each row of ``order``
    doc_uniques: np.ndarray  # doc_id of each document code
    key: np.ndarray  # distinct-n-gram id of each n-gram
    strings: np.ndarray  # the joined string of each distinct n-gram (object array)
    is_stop: np.ndarray  # whether each n-gram holds a stopword


def _ngram_runs(tokens: pd.DataFrame, n: int, concatenator: str) -> _NgramRuns:
    """The n-grams (n ≥ 2) of :func:`tokens_ngrams` as integer codes, each distinct string once."""
    doc_codes, doc_uniques = pd.factorize(tokens["doc_id"], sort=False)
    order = _reading_order(tokens)  # stable: without positions, rows keep their order in a doc
    doc = doc_codes[order]
    sent = tokens["sent"].to_numpy(dtype=np.int64)[order]
    punct = tokens["is_punct"].to_numpy(dtype=bool)[order]
    stop = (
        tokens["is_stop"].to_numpy(dtype=bool)[order]
        if "is_stop" in tokens.columns
        else np.zeros(len(order), dtype=bool)
    )
    length = len(order)
    n_starts = max(length - n + 1, 0)
    # A break between row i and i+1: another document or sentence, or a gap in positions.
    breaks = (doc[1:] != doc[:-1]) | (sent[1:] != sent[:-1])
    if "position" in tokens.columns:
        pos = tokens["position"].to_numpy(dtype=np.int64)[order]
        breaks |= pos[1:] != pos[:-1] + 1
    cum_punct = np.concatenate([[0], np.cumsum(punct, dtype=np.int64)])
    cum_break = np.concatenate([[0], np.cumsum(breaks, dtype=np.int64)])
    starts = np.arange(n_starts, dtype=np.int64)
    ok = (cum_punct[starts + n] == cum_punct[starts]) & (
        cum_break[starts + n - 1] == cum_break[starts]
    )
    starts = starts[ok]

    # Coding the column in table order is cheap for pyarrow strings; only the codes are reordered.
    token_codes, token_uniques = pd.factorize(tokens["token"])
    token_codes = token_codes[order]
    parts = [token_codes[starts + k] for k in range(n)]
    key, n_keys = _combine_codes(parts, max(len(token_uniques), 1))
    # Build each distinct n-gram's string once, then spread it to its occurrences.
    first = starts[_first_index(key, n_keys)] if len(starts) else np.empty(0, dtype=np.int64)
    words = np.asarray(token_uniques, dtype=object)
    pieces = [pd.Series(words[token_codes[first + k]], dtype="str") for k in range(n)]
    strings = (
        pieces[0].str.cat(pieces[1:], sep=concatenator).to_numpy(dtype=object)
        if len(first)
        else np.empty(0, dtype=object)
    )
    is_stop = np.zeros(len(starts), dtype=bool)
    for k in range(n):
        is_stop |= stop[starts + k]
    return _NgramRuns(
        order, starts, doc, np.asarray(doc_uniques, dtype=object), key, strings, is_stop
    )


def dfm_ngrams(
    tokens: pd.DataFrame,
    n: int,
    *,
    docs: Sequence[str],
    remove_stop: bool = True,
    concatenator: str = "_",
) -> Dfm:
    """``dfm(tokens_ngrams(tokens, n), docs=docs, remove_stop=remove_stop)`` for n ≥ 2, counted
    from integer codes without a string per occurrence (the same rows, terms and counts)."""
    _, starts, doc, doc_uniques, key, strings, is_stop = _ngram_runs(tokens, n, concatenator)
    doc_index = pd.Index(list(docs), name="doc_id", dtype="object")
    rows = doc_index.get_indexer(doc_uniques.astype(str))[doc[starts]]
    keep = ~is_stop if remove_stop else np.ones(len(starts), dtype=bool)
    if (rows[keep] < 0).any():
        unknown = doc_uniques[doc[starts][keep][rows[keep] < 0][0]]
        raise InputError(f"dfm_ngrams: tokens of doc_id {unknown!r} are not in docs; add it")
    used = np.unique(key[keep])  # distinct n-grams counted
    terms = strings[used]
    ranking = np.argsort(terms, kind="stable")  # code-point order, as pd.factorize(sort=True)
    column_of_key = np.full(len(strings), -1, dtype=np.int64)
    column_of_key[used[ranking]] = np.arange(len(used), dtype=np.int64)
    matrix = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int64), (rows[keep], column_of_key[key[keep]])),
        shape=(len(doc_index), len(used)),
    )
    matrix.sum_duplicates()
    return Dfm(matrix, doc_index, pd.Index(np.asarray(terms[ranking], dtype=object), name="term"))


def _char_mask(code_points: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Dense codes of ``code_points`` and whether each position may be part of a char n-gram.

    A character may when it is neither white space nor punctuation or a symbol (Unicode
    categories P* and S*, the segmenter's ``is_punct`` rule). The categories are looked up once
    per distinct character, not per position.
    """
    uniques, codes = np.unique(code_points, return_inverse=True)
    allowed = np.fromiter(
        (
            not (chr(c).isspace() or unicodedata.category(chr(c))[0] in "PS")
            for c in uniques.tolist()
        ),
        dtype=bool,
        count=len(uniques),
    )
    return codes.astype(np.int64), allowed[codes], len(uniques)


def dfm_char_ngrams(documents: pd.DataFrame, n: int, *, docs: Sequence[str] | None = None) -> Dfm:
    """A :class:`~analysis.features.dfm.Dfm` of character n-grams of the cleaned texts (``text``).

    A character n-gram is any ``n`` consecutive characters of one document containing no white
    space (so none crosses a line, i.e. a paragraph), punctuation or symbol (Unicode categories
    P* and S*, hence no sentence end and no ``**`` placeholder). Overlapping n-grams all count:
    团结团结 holds three bigrams (团结 twice, 结团 once). Rows follow ``docs`` (default: the
    documents' order); terms are in code-point order, as :func:`analysis.features.dfm.dfm` orders
    them.
    Counting is vectorised over a code-point array of all texts (no Python loop over characters).
    """
    check_int(n, "n", "dfm_char_ngrams", minimum=1)
    require_columns(
        documents,
        ["doc_id", "text"],
        "dfm_char_ngrams",
        name="the documents table",
        source="corpus.documents (cleaned texts) of analysis.build_corpus",
    )
    doc_ids = documents["doc_id"].astype(str).tolist()
    if len(set(doc_ids)) != len(doc_ids):
        raise InputError("dfm_char_ngrams: a doc_id occurs twice in documents; give each once")
    doc_index = pd.Index(list(docs) if docs is not None else doc_ids, name="doc_id", dtype="object")
    if doc_index.has_duplicates:
        raise InputError("dfm_char_ngrams: docs lists a doc_id twice; pass each document once")
    rows_of_docs = doc_index.get_indexer(doc_ids)
    if (rows_of_docs < 0).any():
        unknown = doc_ids[int(np.flatnonzero(rows_of_docs < 0)[0])]
        raise InputError(f"dfm_char_ngrams: doc_id {unknown!r} is not in docs; add it")
    texts = ["" if pd.isna(t) else str(t) for t in documents["text"]]
    # One string with a line break between documents: a break is never part of an n-gram.
    joined = "\n".join(texts)
    code_points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    starts_of_docs = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]) if texts else np.zeros(0)
    if len(code_points) < n:
        matrix = sparse.csr_matrix((len(doc_index), 0), dtype=np.int64)
        return Dfm(matrix, doc_index, pd.Index(np.empty(0, dtype=object), name="term"))
    codes, allowed, n_codes = _char_mask(code_points)
    cum_bad = np.concatenate([[0], np.cumsum(~allowed, dtype=np.int64)])
    starts = np.arange(len(code_points) - n + 1, dtype=np.int64)
    starts = starts[cum_bad[starts + n] == cum_bad[starts]]
    key, n_keys = _combine_codes([codes[starts + k] for k in range(n)], n_codes)
    first = starts[_first_index(key, n_keys)]
    grams = np.ascontiguousarray(code_points[first[:, None] + np.arange(n)]).view(f"<U{n}").ravel()
    order = np.argsort(grams, kind="stable")  # code-point order, as dfm() sorts its terms
    rank = np.empty(n_keys, dtype=np.int64)
    rank[order] = np.arange(n_keys)
    doc_of_start = np.searchsorted(starts_of_docs, starts, side="right") - 1
    matrix = sparse.csr_matrix(
        (np.ones(len(starts), dtype=np.int64), (rows_of_docs[doc_of_start], rank[key])),
        shape=(len(doc_index), n_keys),
    )
    matrix.sum_duplicates()
    terms = pd.Index(np.asarray(grams[order].tolist(), dtype=object), name="term")
    return Dfm(matrix, doc_index, terms)


def _labels(documents: pd.DataFrame, column: str) -> dict[str, str]:
    """Each document's value of ``column`` as text; documents without one are left out, and so
    out of that grouping's groups (as in ``textstat_slogans``)."""
    values = documents[column]
    present = values.notna().to_numpy()
    return dict(
        zip(
            documents["doc_id"].astype(str).to_numpy()[present],
            values[present].astype(str),
            strict=True,
        )
    )


def _long_rows(counts: Dfm, binary: Dfm, words: np.ndarray, chars: np.ndarray) -> dict:
    """Non-zero cells of ``counts`` (row and term indices) with rates, rank and doc frequency."""
    # Both matrices have the same non-zero cells; in canonical CSR form their data line up.
    c = counts.matrix.tocsr(copy=True)
    b = binary.matrix.tocsr(copy=True)
    for m in (c, b):
        m.sum_duplicates()
        m.eliminate_zeros()
        m.sort_indices()
    if not (np.array_equal(c.indptr, b.indptr) and np.array_equal(c.indices, b.indices)):
        raise RuntimeError("document frequencies do not align with counts; please report a bug")
    row = np.repeat(np.arange(c.shape[0], dtype=np.int64), np.diff(c.indptr))
    count = c.data.astype(np.int64)
    # Rank "min" within each row: sort by (row, −count); a term's rank is 1 + the number of
    # terms of its row before the first term with its count.
    order = np.lexsort((-count, row))
    r, k = row[order], count[order]
    index = np.arange(len(order))
    new_block = np.ones(len(order), dtype=bool)
    new_block[1:] = (r[1:] != r[:-1]) | (k[1:] != k[:-1])
    block_start = np.maximum.accumulate(np.where(new_block, index, 0))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = block_start - c.indptr[r] + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        per_tokens = count / words[row] * 10_000
        per_chars = count / chars[row] * 10_000
    return {
        "row": row,
        "term": c.indices.astype(np.int64),
        "count": count,
        "per_10k_tokens": per_tokens,
        "per_10k_chars": per_chars,
        "rank": rank,
        "doc_freq": b.data.astype(np.int64),
    }


def textstat_frequency(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    ngrams: Sequence[int] = (1, 2, 3),
    char_ngrams: Sequence[int] = (2, 3, 4),
    min_count: int = 1,
    group_by: Sequence[str] = ("level", "genre"),
    remove_punct: bool = True,
    remove_stop: bool = True,
    include_corpus: bool = True,
    concatenator: str = "_",
    document_ngrams: Sequence[int] | None = None,
    document_char_ngrams: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Term frequencies per document, per group of each ``group_by`` column and for the corpus.

    ``tokens`` is the tokens table (``doc_id``, ``sent``, ``token``, ``is_punct``, ``is_stop``,
    ideally ``position``); ``documents`` the documents table (``doc_id``, ``n_chars``, the
    ``group_by`` columns, and ``text`` when ``char_ngrams`` is not empty). Returns the long table
    described in the module docstring (columns :data:`FREQUENCY_COLUMNS`).

    Formulas, for a term ``t`` in a unit ``u`` (document, group of documents, or corpus)::

        count(t, u)          = occurrences of t in u        (Dfm cell, summed over u's documents)
        per_10k_tokens(t, u) = count(t, u) / W(u) * 10_000,  W(u) = non-punctuation tokens of u
        per_10k_chars(t, u)  = count(t, u) / C(u) * 10_000,  C(u) = sum of n_chars over u
        rank(t, u)           = 1 + number of terms of the same kind and n with a larger count in u
        doc_freq(t, u)       = number of documents of u with count > 0

    (relative frequencies per 10,000 as in Biber, Conrad & Reppen 1998, *Corpus Linguistics*,
    ch. 10; rank and doc_freq as ``quanteda.textstats::textstat_frequency``). ``remove_punct``
    and ``remove_stop`` drop punctuation tokens and stopwords from the counted unigrams; token
    n-grams never contain punctuation and, with ``remove_stop``, n-grams containing a stopword
    are dropped. Character n-grams ignore both flags (they know no tokens; punctuation and white
    space always break them). ``min_count`` drops rows with a smaller ``count`` after ranking.

    ``document_ngrams`` and ``document_char_ngrams`` limit which token and character n-gram
    sizes also get per-document rows (``None``: all of ``ngrams`` / ``char_ngrams``); the
    others are reported for groups and the corpus only. On a large corpus the per-document
    n-gram rows are most of the table.
    """
    options = _check_frequency_options(
        ngrams=ngrams,
        char_ngrams=char_ngrams,
        min_count=min_count,
        group_by=group_by,
        remove_punct=remove_punct,
        remove_stop=remove_stop,
        include_corpus=include_corpus,
        concatenator=concatenator,
        document_ngrams=document_ngrams,
        document_char_ngrams=document_char_ngrams,
    )
    doc_ids = _check_frequency_tables(tokens, documents, options)
    units = _units(tokens, documents, doc_ids, options)
    blocks, vocab = _coded_blocks(_counted(tokens, documents, doc_ids, options), units, options)
    return _assemble(blocks, vocab)


class _FrequencyOptions(NamedTuple):
    """:func:`textstat_frequency`'s options, checked."""

    ngrams: tuple[int, ...]
    char_ngrams: tuple[int, ...]
    per_document: dict[str, set[int]]  # sizes with per-document rows, by kind
    min_count: int
    group_by: tuple[str, ...]
    remove_punct: bool
    remove_stop: bool
    include_corpus: bool
    concatenator: str


def _check_frequency_options(
    *,
    ngrams: object,
    char_ngrams: object,
    min_count: object,
    group_by: object,
    remove_punct: object,
    remove_stop: object,
    include_corpus: object,
    concatenator: object,
    document_ngrams: object,
    document_char_ngrams: object,
) -> _FrequencyOptions:
    caller = "textstat_frequency"
    token_sizes = _check_sizes(ngrams, "ngrams", caller)
    char_sizes = _check_sizes(char_ngrams, "char_ngrams", caller)
    per_document = {
        "token": set(
            token_sizes
            if document_ngrams is None
            else _check_sizes(document_ngrams, "document_ngrams", caller)
        ),
        "char": set(
            char_sizes
            if document_char_ngrams is None
            else _check_sizes(document_char_ngrams, "document_char_ngrams", caller)
        ),
    }
    kinds = (("token", "ngrams", token_sizes), ("char", "char_ngrams", char_sizes))
    for kind, name, sizes in kinds:
        extra = sorted(per_document[kind] - set(sizes))
        if extra:
            raise InputError(
                f"{caller}: document_{name} lists size(s) {extra} that {name} does not; "
                f"per-document sizes must be among {list(sizes)}"
            )
    if isinstance(group_by, str) or not isinstance(group_by, Sequence):
        raise InputError(
            f"{caller}: group_by must be a list of metadata column names, got {group_by!r}"
        )
    columns = tuple(str(g) for g in group_by)
    if len(set(columns)) != len(columns):
        raise InputError(
            f"{caller}: group_by lists a column twice ({list(columns)!r}); give each once"
        )
    _check_concatenator(concatenator, caller)
    return _FrequencyOptions(
        ngrams=token_sizes,
        char_ngrams=char_sizes,
        per_document=per_document,
        min_count=check_int(min_count, "min_count", caller, minimum=1),
        group_by=columns,
        remove_punct=check_bool(remove_punct, "remove_punct", caller),
        remove_stop=check_bool(remove_stop, "remove_stop", caller),
        include_corpus=check_bool(include_corpus, "include_corpus", caller),
        concatenator=str(concatenator),
    )


def _check_frequency_tables(
    tokens: pd.DataFrame, documents: pd.DataFrame, options: _FrequencyOptions
) -> list[str]:
    """The documents' ids (in table order), once the two tables are checked to fit together."""
    caller = "textstat_frequency"
    require_columns(
        tokens,
        ["doc_id", "sent", "token", "is_punct", "is_stop"],
        caller,
        name="the tokens table",
        source="corpus.tokens of analysis.build_corpus",
    )
    require_columns(
        documents,
        ["doc_id", "n_chars", *options.group_by, *(["text"] if options.char_ngrams else [])],
        caller,
        name="the documents table",
        source="corpus.documents of analysis.build_corpus, whose metadata columns group_by names",
    )
    doc_ids = documents["doc_id"].astype(str).tolist()
    if len(set(doc_ids)) != len(doc_ids):
        raise InputError(f"{caller}: a doc_id occurs twice in documents; give each once")
    unknown = set(pd.unique(tokens["doc_id"].astype(str))) - set(doc_ids)
    if unknown:
        raise InputError(
            f"{caller}: tokens of doc_id {sorted(unknown)[0]!r} have no row in documents; pass "
            "the documents table of the same corpus"
        )
    return doc_ids


class _Unit(NamedTuple):
    """What rows count over: documents, the groups of one grouping, or the corpus."""

    scope: str  # one of SCOPES
    grouping: str | None  # the metadata column of group rows
    mapping: dict[str, str] | None  # doc id → group (None: each document is its own unit)
    totals: Dfm  # the units' denominators: columns "words" and "chars"


def _units(
    tokens: pd.DataFrame, documents: pd.DataFrame, doc_ids: list[str], options: _FrequencyOptions
) -> list[_Unit]:
    """Every unit with its denominators, summed by ``dfm_group`` exactly as the counts are."""
    # Per-document denominators: all non-punctuation tokens (stopwords included), and n_chars.
    words_doc = dfm(tokens, docs=doc_ids, remove_punct=True, remove_stop=False).doc_totals()
    chars_doc = documents["n_chars"].to_numpy(dtype=np.int64)
    totals = Dfm(
        sparse.csr_matrix(np.column_stack([words_doc.to_numpy(dtype=np.int64), chars_doc])),
        pd.Index(doc_ids, name="doc_id"),
        pd.Index(["words", "chars"], name="term"),
    )
    specs: list[tuple[str, str | None, dict[str, str] | None]] = [("document", None, None)]
    specs += [("group", column, _labels(documents, column)) for column in options.group_by]
    if options.include_corpus:
        specs.append(("corpus", None, dict.fromkeys(doc_ids, "corpus")))
    return [
        _Unit(
            scope,
            grouping,
            mapping,
            totals if mapping is None else dfm_group(totals, mapping, missing="drop"),
        )
        for scope, grouping, mapping in specs
    ]


def _counted(
    tokens: pd.DataFrame, documents: pd.DataFrame, doc_ids: list[str], options: _FrequencyOptions
) -> Iterator[tuple[str, int, Dfm]]:
    """``(kind, n, per-document counts)`` for each size asked, one at a time (they are large)."""
    for n in options.ngrams:
        if n == 1:
            counts = dfm(
                tokens,
                docs=doc_ids,
                remove_punct=options.remove_punct,
                remove_stop=options.remove_stop,
            )
        else:  # n-grams never hold punctuation
            counts = dfm_ngrams(
                tokens,
                n,
                docs=doc_ids,
                remove_stop=options.remove_stop,
                concatenator=options.concatenator,
            )
        yield "token", n, counts
    for n in options.char_ngrams:
        yield "char", n, dfm_char_ngrams(documents, n, docs=doc_ids)


def _coded_blocks(
    counted: Iterable[tuple[str, int, Dfm]], units: list[_Unit], options: _FrequencyOptions
) -> tuple[list[dict], dict[str, np.ndarray]]:
    """The rows of every kind, size and unit as blocks of integer codes, and the vocabularies
    (labels, terms, groupings) the codes index: no Python string object per output row."""
    labels: dict[str, int] = {}
    term_vocab: list[np.ndarray] = []
    term_offset = 0
    groupings_order = [None, *options.group_by]
    blocks: list[dict] = []
    for kind, n, counts in counted:
        binary = Dfm((counts.matrix > 0).astype(np.int64).tocsr(), counts.docs, counts.terms)
        term_vocab.append(np.asarray(counts.terms, dtype=object))
        for unit in units:
            if unit.scope == "document" and n not in options.per_document[kind]:
                continue
            block = _unit_block(counts, binary, unit, options.min_count, labels)
            size = len(block["count"])
            block["term"] += term_offset
            block["scope"] = np.full(size, SCOPES.index(unit.scope), dtype=np.int64)
            block["grouping"] = np.full(size, groupings_order.index(unit.grouping), dtype=np.int64)
            block["kind"] = np.full(size, KINDS.index(kind), dtype=np.int64)
            block["ngram"] = np.full(size, n, dtype=np.int64)
            blocks.append(block)
        term_offset += len(counts.terms)
    vocab = {
        "label": np.asarray(list(labels), dtype=object),
        "term": np.concatenate(term_vocab) if term_vocab else np.empty(0, dtype=object),
        "grouping": np.asarray(groupings_order, dtype=object),
    }
    return blocks, vocab


def _unit_block(
    counts: Dfm, binary: Dfm, unit: _Unit, min_count: int, labels: dict[str, int]
) -> dict:
    """The rows of one unit from per-document ``counts`` (and their 0/1 ``binary``); each new
    row label gets the next code in ``labels``."""
    if unit.mapping is None:
        c, b = counts, binary
    else:
        c = dfm_group(counts, unit.mapping, missing="drop")
        b = dfm_group(binary, unit.mapping, missing="drop")
    label_codes = np.array(
        [labels.setdefault(str(label), len(labels)) for label in c.docs], dtype=np.int64
    )
    dense_totals = unit.totals.matrix.toarray().astype(float)
    block = _long_rows(c, b, dense_totals[:, 0], dense_totals[:, 1])
    keep = block["count"] >= min_count  # after ranking, so ranks ignore min_count
    block = {name: values[keep] for name, values in block.items()}
    block["label"] = label_codes[block.pop("row")]
    return block


def _text(vocabulary: np.ndarray, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Strings ``vocabulary[codes]`` as a ``str`` array; code −1 gives a missing value."""
    strings = pd.array(np.asarray(vocabulary, dtype=object), dtype="str")
    return strings.take(codes, allow_fill=True)


def _assemble(blocks: list[dict], vocab: dict[str, np.ndarray]) -> pd.DataFrame:
    """One sorted frame from the blocks of coded rows."""
    names = ["scope", "grouping", "label", "kind", "ngram", "term", "count"]
    names += ["per_10k_tokens", "per_10k_chars", "rank", "doc_freq"]
    empty = {"per_10k_tokens": np.empty(0), "per_10k_chars": np.empty(0)}
    columns = {
        name: (
            np.concatenate([blk[name] for blk in blocks])
            if blocks
            else empty.get(name, np.empty(0, dtype=np.int64))
        )
        for name in names
    }
    # Sort keys (the last is the first key): scope, grouping, group or doc_id, kind, ngram, rank,
    # term. Terms are coded in code-point order within each kind and n (Dfm terms are sorted);
    # labels and groupings are ranked by their strings, so document order plays no part.
    label_rank = np.argsort(np.argsort(vocab["label"].astype(str), kind="stable"))
    grouping_rank = np.argsort(np.argsort([g or "" for g in vocab["grouping"]], kind="stable"))
    order = np.lexsort(
        (
            columns["term"],
            columns["rank"],
            columns["ngram"],
            columns["kind"],
            label_rank[columns["label"]] if len(label_rank) else columns["label"],
            grouping_rank[columns["grouping"]],
            columns["scope"],
        )
    )
    columns = {name: values[order] for name, values in columns.items()}
    unit = columns["scope"]
    out = pd.DataFrame(
        {
            "scope": _text(np.asarray(SCOPES, dtype=object), unit),
            "grouping": _text(vocab["grouping"], np.where(unit == 1, columns["grouping"], -1)),
            "group": _text(vocab["label"], np.where(unit == 1, columns["label"], -1)),
            "doc_id": _text(vocab["label"], np.where(unit == 0, columns["label"], -1)),
            "kind": _text(np.asarray(KINDS, dtype=object), columns["kind"]),
            "ngram": columns["ngram"],
            "term": _text(vocab["term"], columns["term"]),
            "count": columns["count"],
            "per_10k_tokens": columns["per_10k_tokens"].astype(float),
            "per_10k_chars": columns["per_10k_chars"].astype(float),
            "rank": columns["rank"],
            "doc_freq": columns["doc_freq"],
        }
    )
    return out[FREQUENCY_COLUMNS]
