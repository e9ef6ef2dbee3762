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
import pyarrow as pa
import pyarrow.compute as pc
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
# A vocabulary: Python strings in an object array, or pandas ``str`` values.
_Strings = np.ndarray | pd.api.extensions.ExtensionArray


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
    """Dense ids of the rows of ``columns`` (each an int array of codes below ``base``), numbered
    in order of first appearance.

    The key is refactorised after every column, so it never exceeds rows × base (no overflow,
    whatever n is); the last factorisation already numbers the rows densely.
    """
    key = columns[0].astype(np.int64)
    if len(columns) == 1:
        key, uniques = pd.factorize(key)
    for col in columns[1:]:
        key, uniques = pd.factorize(key * base + col)
    return key.astype(np.int64, copy=False), len(uniques)


def _first_index(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """Index of the first occurrence of each code 0 … n_codes-1, for codes numbered in order of
    first appearance (as :func:`_combine_codes` numbers them): where a code exceeds every code
    before it. One pass, no sort."""
    seen = np.maximum.accumulate(codes)
    new = np.ones(len(codes), dtype=bool)
    new[1:] = seen[1:] > seen[:-1]
    first = np.flatnonzero(new)
    if len(first) != n_codes or not np.array_equal(codes[first], np.arange(n_codes)):
        raise RuntimeError("n-gram codes are not dense; please report this as a bug")
    return first.astype(np.int64)


def _arrow_strings(values: pd.Index | np.ndarray) -> pa.ChunkedArray:
    """``values`` as Arrow strings, converted as ``pd.Series(values, dtype="str")`` converts
    (``str`` values, as pandas keeps them, are not converted)."""
    return pa.chunked_array(pa.array(pd.array(values, dtype="str")))


def _code_point_order(strings: pa.ChunkedArray) -> np.ndarray:
    """Stable argsort of ``strings`` in code-point order (Arrow compares the UTF-8 bytes, which
    sort as the code points do), as ``np.argsort(..., kind="stable")`` of Python strings."""
    return pc.array_sort_indices(strings).to_numpy().astype(np.int64)


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
        position = (
            tokens["position"].to_numpy(dtype=np.int64) if "position" in tokens.columns else None
        )
        order = _reading_order(pd.factorize(tokens["doc_id"], sort=False)[0], position)
        out = (tokens if order is None else tokens.iloc[order])[columns].reset_index(drop=True)
        if "is_stop" not in out.columns:
            out["is_stop"] = False
        return out
    coded = _coded_tokens(tokens)
    runs = _ngram_runs(coded, n)
    strings = _ngram_strings(coded, runs, np.arange(len(runs.first)), concatenator)
    starts = runs.starts
    rows = coded.table_rows(starts)
    out: dict[str, object] = {"doc_id": pd.array(coded.doc_uniques[coded.doc[starts]], dtype="str")}
    if "para" in columns:
        out["para"] = tokens["para"].to_numpy()[rows]
    out["sent"] = tokens["sent"].to_numpy()[rows]
    if "position" in columns:
        out["position"] = tokens["position"].to_numpy()[rows]
    out["token"] = pd.array(strings.take(runs.key), dtype="str")
    if "start" in columns:
        out["start"] = tokens["start"].to_numpy()[rows]
    if "end" in columns:
        out["end"] = tokens["end"].to_numpy()[coded.table_rows(starts + n - 1)]
    out["is_punct"] = np.zeros(len(starts), dtype=bool)
    out["is_stop"] = runs.is_stop
    return pd.DataFrame(out)


def _reading_order(doc_codes: np.ndarray, position: np.ndarray | None) -> np.ndarray | None:
    """Row order by document (``doc_codes``, numbered by first appearance), then ``position``
    (stable without it); ``None`` when the rows are in that order already, as
    :func:`analysis.build_corpus` writes them (a stable sort would not move them)."""
    doc_step = np.diff(doc_codes)
    if position is None:
        return None if (doc_step >= 0).all() else np.lexsort([doc_codes])
    if ((doc_step > 0) | ((doc_step == 0) & (np.diff(position) >= 0))).all():
        return None
    return np.lexsort([position, doc_codes])


class _CodedTokens(NamedTuple):
    """A tokens table in reading order with each string column coded as integers once."""

    table: pd.DataFrame  # the tokens table itself
    order: np.ndarray | None  # rows of the table in reading order (None: the table's order)
    doc: np.ndarray  # document code of each row of ``order`` (−1: no doc_id)
    doc_uniques: np.ndarray  # doc_id of each document code (object array)
    token: np.ndarray  # token code of each row of ``order`` (−1: no token)
    token_uniques: pd.Index  # the token of each token code
    punct: np.ndarray
    stop: np.ndarray  # all false without an ``is_stop`` column
    breaks: np.ndarray  # whether an n-gram cannot run on from each row to the next

    def table_rows(self, index: np.ndarray) -> np.ndarray:
        """The table's rows of the coded rows ``index``."""
        return index if self.order is None else self.order[index]


def _coded_tokens(tokens: pd.DataFrame) -> _CodedTokens:
    """The columns n-grams and counts need, in reading order; strings are coded in table order,
    which is cheap for pyarrow strings, and only the codes are reordered."""
    doc_codes, doc_uniques = pd.factorize(tokens["doc_id"], sort=False)
    position = tokens["position"].to_numpy(dtype=np.int64) if "position" in tokens.columns else None
    order = _reading_order(doc_codes, position)  # without positions, rows keep their order

    def in_order(values: np.ndarray) -> np.ndarray:
        return values if order is None else values[order]

    token_codes, token_uniques = pd.factorize(tokens["token"])
    # int32 codes (fewer than 2**31 documents and distinct tokens): half the memory of intp,
    # since several arrays over every token are derived from them
    doc_codes, token_codes = doc_codes.astype(np.int32), token_codes.astype(np.int32)
    doc = in_order(doc_codes)
    sent = in_order(tokens["sent"].to_numpy(dtype=np.int64))
    # A break between row i and i+1: another document or sentence, or a gap in positions.
    breaks = (doc[1:] != doc[:-1]) | (sent[1:] != sent[:-1])
    if position is not None:
        pos = in_order(position)
        breaks |= pos[1:] != pos[:-1] + 1
    return _CodedTokens(
        table=tokens,
        order=order,
        doc=doc,
        doc_uniques=np.asarray(doc_uniques, dtype=object),
        token=in_order(token_codes),
        token_uniques=token_uniques,
        punct=in_order(tokens["is_punct"].to_numpy(dtype=bool)),
        stop=(
            in_order(tokens["is_stop"].to_numpy(dtype=bool))
            if "is_stop" in tokens.columns
            else np.zeros(len(tokens), dtype=bool)
        ),
        breaks=breaks,
    )


class _NgramRuns(NamedTuple):
    starts: np.ndarray  # index into the coded rows of each n-gram's first token
    key: np.ndarray  # distinct-n-gram id of each n-gram, numbered by first appearance
    first: np.ndarray  # index into ``starts`` of each distinct n-gram's first occurrence
    is_stop: np.ndarray  # whether each n-gram holds a stopword
    n: int


def _ngram_runs(coded: _CodedTokens, n: int) -> _NgramRuns:
    """The n-grams (n ≥ 2) of :func:`tokens_ngrams` as integer codes."""
    length = len(coded.doc)
    n_starts = max(length - n + 1, 0)
    counter = np.int32 if length < 2**31 - 1 else np.int64  # running counts up to length
    cum_punct = np.concatenate([np.zeros(1, counter), np.cumsum(coded.punct, dtype=counter)])
    cum_break = np.concatenate([np.zeros(1, counter), np.cumsum(coded.breaks, dtype=counter)])
    # n tokens from each start: no punctuation among them, no break between them
    ok = (cum_punct[n : n + n_starts] == cum_punct[:n_starts]) & (
        cum_break[n - 1 : n - 1 + n_starts] == cum_break[:n_starts]
    )
    starts = np.flatnonzero(ok).astype(np.int64)
    parts = [coded.token[starts + k] for k in range(n)]
    key, n_keys = _combine_codes(parts, max(len(coded.token_uniques), 1))
    first = _first_index(key, n_keys) if len(starts) else np.empty(0, dtype=np.int64)
    is_stop = np.zeros(len(starts), dtype=bool)
    for k in range(n):
        is_stop |= coded.stop[starts + k]
    return _NgramRuns(starts, key, first, is_stop, n)


def _ngram_strings(
    coded: _CodedTokens, runs: _NgramRuns, keys: np.ndarray, concatenator: str
) -> pa.ChunkedArray:
    """The strings of the distinct n-grams ``keys`` (ids of ``runs.key``): their tokens joined
    by ``concatenator``, built once per distinct n-gram and joined in Arrow."""
    heads = runs.starts[runs.first[keys]]
    if not len(heads):
        return pa.chunked_array([], type=pa.large_string())
    words = _arrow_strings(coded.token_uniques)
    # code −1 (a missing token) picks the last word, as numpy indexing would
    parts = [words.take(coded.token[heads + k] % len(words)) for k in range(runs.n)]
    return pc.binary_join_element_wise(*parts, pa.scalar(concatenator, type=words.type))


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
    return _ngram_counts(_coded_tokens(tokens), n, docs, remove_stop, concatenator)


def _ngram_counts(
    coded: _CodedTokens, n: int, docs: Sequence[str], remove_stop: bool, concatenator: str
) -> Dfm:
    """:func:`dfm_ngrams` of coded tokens; strings are built for the n-grams counted only."""
    runs = _ngram_runs(coded, n)
    starts, key = runs.starts, runs.key
    doc_index = pd.Index(list(docs), name="doc_id", dtype="object")
    rows = doc_index.get_indexer(coded.doc_uniques.astype(str))[coded.doc[starts]]
    keep = ~runs.is_stop if remove_stop else np.ones(len(starts), dtype=bool)
    if (rows[keep] < 0).any():
        unknown = coded.doc_uniques[coded.doc[starts][keep][rows[keep] < 0][0]]
        raise InputError(f"dfm_ngrams: tokens of doc_id {unknown!r} are not in docs; add it")
    counted = np.zeros(len(runs.first), dtype=bool)
    counted[key[keep]] = True
    used = np.flatnonzero(counted)  # distinct n-grams counted, in id order
    terms = _ngram_strings(coded, runs, used, concatenator)
    ranking = _code_point_order(terms)  # as pd.factorize(sort=True) orders dfm()'s terms
    column_of_key = np.full(len(runs.first), -1, dtype=np.int64)
    column_of_key[used[ranking]] = np.arange(len(used), dtype=np.int64)
    matrix = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int64), (rows[keep], column_of_key[key[keep]])),
        shape=(len(doc_index), len(used)),
    )
    matrix.sum_duplicates()
    return Dfm(matrix, doc_index, _term_index(terms.take(ranking)))


def _term_index(terms: pa.ChunkedArray) -> pd.Index:
    """The ``term`` Index pandas makes of ``terms`` as Python strings (``str`` values; ``object``
    when there are none), built straight from Arrow when it is ``str``."""
    inferred = pd.Index(np.asarray(terms[:1].to_pylist(), dtype=object)).dtype
    if isinstance(inferred, pd.StringDtype):
        return pd.Index(pd.array(terms, dtype=inferred), name="term")
    return pd.Index(np.asarray(terms.to_pylist(), dtype=object), name="term")


def _char_mask(code_points: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Dense codes of ``code_points`` and whether each position may be part of a char n-gram.

    A character may when it is neither white space nor punctuation or a symbol (Unicode
    categories P* and S*, the segmenter's ``is_punct`` rule). The categories are looked up once
    per distinct character, not per position. The codes number the distinct code points in
    order (``np.unique``'s inverse), found with a table over the code points rather than a sort.
    """
    present = np.zeros(int(code_points.max(initial=0)) + 1, dtype=bool)
    present[code_points] = True
    uniques = np.flatnonzero(present)
    codes = (np.cumsum(present, dtype=np.int64) - 1)[code_points]
    allowed = np.fromiter(
        (
            not (chr(c).isspace() or unicodedata.category(chr(c))[0] in "PS")
            for c in uniques.tolist()
        ),
        dtype=bool,
        count=len(uniques),
    )
    return codes, allowed[codes], len(uniques)


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
    """Non-zero cells of ``counts`` (row and term indices) with rates, rank and doc frequency,
    ordered by row, rank and term (the order of the table within a row)."""
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
    # Rank "min" within each row: sort by (row, −count), terms in order among equal counts (the
    # sort is stable); a term's rank is 1 + the number of terms of its row before the first
    # term with its count.
    order = np.lexsort((-count, row))
    r, k = row[order], count[order]
    index = np.arange(len(order))
    new_block = np.ones(len(order), dtype=bool)
    new_block[1:] = (r[1:] != r[:-1]) | (k[1:] != k[:-1])
    block_start = np.maximum.accumulate(np.where(new_block, index, 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_tokens = k / words[r] * 10_000
        per_chars = k / chars[r] * 10_000
    return {
        "row": r,
        "term": c.indices[order].astype(np.int64),
        "count": k,
        "per_10k_tokens": per_tokens,
        "per_10k_chars": per_chars,
        "rank": block_start - c.indptr[r] + 1,
        "doc_freq": b.data[order].astype(np.int64),
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
    coded = _coded_tokens(tokens)  # the strings coded once for every count below
    units = _units(coded, documents, doc_ids, options)
    blocks, vocab = _coded_blocks(_counted(coded, documents, doc_ids, options), units, options)
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
    coded: _CodedTokens, documents: pd.DataFrame, doc_ids: list[str], options: _FrequencyOptions
) -> list[_Unit]:
    """Every unit with its denominators, summed by ``dfm_group`` exactly as the counts are."""
    # Per-document denominators: all non-punctuation tokens (stopwords included), and n_chars.
    words_doc = _token_totals(coded, doc_ids)
    chars_doc = documents["n_chars"].to_numpy(dtype=np.int64)
    totals = Dfm(
        sparse.csr_matrix(np.column_stack([words_doc, chars_doc])),
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


def _doc_rows(coded: _CodedTokens, doc_ids: list[str]) -> np.ndarray | None:
    """The row of ``doc_ids`` of each coded token, or ``None`` when :func:`dfm` must count the
    table itself: a missing or unlisted doc_id, a missing token or tokens that are not Arrow
    strings (it reports or sorts those its own way)."""
    dtype = coded.table["token"].dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    if (coded.token < 0).any():
        return None
    doc_index = pd.Index(doc_ids, dtype="object")
    # doc code −1 (a missing doc_id) picks the −1 appended
    rows = np.append(doc_index.get_indexer(coded.doc_uniques), -1)[coded.doc]
    return None if (rows < 0).any() else rows


def _token_totals(coded: _CodedTokens, doc_ids: list[str]) -> np.ndarray:
    """Non-punctuation tokens per document (stopwords included): the row totals of
    ``dfm(tokens, docs=doc_ids, remove_punct=True, remove_stop=False)``."""
    rows = _doc_rows(coded, doc_ids)
    if rows is None:
        totals = dfm(coded.table, docs=doc_ids, remove_punct=True, remove_stop=False).doc_totals()
        return totals.to_numpy(dtype=np.int64)
    return np.bincount(rows[~coded.punct], minlength=len(doc_ids)).astype(np.int64)


def _token_counts(
    coded: _CodedTokens, doc_ids: list[str], keep: np.ndarray, options: _FrequencyOptions
) -> Dfm:
    """``dfm(tokens, docs=doc_ids, remove_punct=…, remove_stop=…)`` of the coded tokens
    ``keep`` selects: the same matrix and terms, without coding the strings again."""
    rows = _doc_rows(coded, doc_ids)
    if rows is None:
        return dfm(
            coded.table,
            docs=doc_ids,
            remove_punct=options.remove_punct,
            remove_stop=options.remove_stop,
        )
    counted = np.zeros(len(coded.token_uniques), dtype=bool)
    counted[coded.token[keep]] = True
    used = np.flatnonzero(counted)  # token codes counted
    ranking = _code_point_order(_arrow_strings(coded.token_uniques[used]))
    column_of_code = np.full(len(coded.token_uniques), -1, dtype=np.int64)
    column_of_code[used[ranking]] = np.arange(len(used), dtype=np.int64)
    matrix = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int64), (rows[keep], column_of_code[coded.token[keep]])),
        shape=(len(doc_ids), len(used)),
    )
    matrix.sum_duplicates()
    terms = np.asarray(coded.token_uniques[used[ranking]], dtype=object)
    return Dfm(
        matrix, pd.Index(doc_ids, name="doc_id", dtype="object"), pd.Index(terms, name="term")
    )


def _counted(
    coded: _CodedTokens, documents: pd.DataFrame, doc_ids: list[str], options: _FrequencyOptions
) -> Iterator[tuple[str, int, Dfm]]:
    """``(kind, n, per-document counts)`` for each size asked, one at a time (they are large)."""
    for n in options.ngrams:
        if n == 1:
            keep = np.ones(len(coded.doc), dtype=bool)
            if options.remove_punct:
                keep &= ~coded.punct
            if options.remove_stop:
                keep &= ~coded.stop
            counts = _token_counts(coded, doc_ids, keep, options)
        else:  # n-grams never hold punctuation
            counts = _ngram_counts(coded, n, doc_ids, options.remove_stop, options.concatenator)
        yield "token", n, counts
    for n in options.char_ngrams:
        yield "char", n, dfm_char_ngrams(documents, n, docs=doc_ids)


class _Block(NamedTuple):
    """The rows of one unit for one kind and size: codes of what is the same for all of them,
    the label code of each row and the other columns (``term`` coded), ordered by label (in
    runs), rank and term."""

    scope: int  # index into SCOPES
    grouping: int  # index into the groupings (0: none)
    kind: int  # index into KINDS
    ngram: int
    label: np.ndarray
    values: dict[str, np.ndarray]  # term, count, per_10k_tokens, per_10k_chars, rank, doc_freq


def _coded_blocks(
    counted: Iterable[tuple[str, int, Dfm]], units: list[_Unit], options: _FrequencyOptions
) -> tuple[list[_Block], dict[str, _Strings]]:
    """The rows of every kind, size and unit as blocks of integer codes, and the vocabularies
    (labels, terms, groupings) the codes index: no Python string object per output row."""
    labels: dict[str, int] = {}
    term_vocab: list[_Strings] = []
    term_offset = 0
    groupings_order = [None, *options.group_by]
    blocks: list[_Block] = []
    for kind, n, counts in counted:
        binary = Dfm((counts.matrix > 0).astype(np.int64).tocsr(), counts.docs, counts.terms)
        term_vocab.append(pd.array(counts.terms, dtype="str"))
        for unit in units:
            if unit.scope == "document" and n not in options.per_document[kind]:
                continue
            label, values = _unit_block(counts, binary, unit, options.min_count, labels)
            values["term"] += term_offset
            scope, grouping = SCOPES.index(unit.scope), groupings_order.index(unit.grouping)
            blocks.append(_Block(scope, grouping, KINDS.index(kind), n, label, values))
        term_offset += len(counts.terms)
    vocab = {
        "label": np.asarray(list(labels), dtype=object),
        "term": (
            pd.concat([pd.Series(terms) for terms in term_vocab], ignore_index=True).array
            if term_vocab
            else np.empty(0, dtype=object)
        ),
        "grouping": np.asarray(groupings_order, dtype=object),
    }
    return blocks, vocab


def _unit_block(
    counts: Dfm, binary: Dfm, unit: _Unit, min_count: int, labels: dict[str, int]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The label codes and the other columns of the rows of one unit from per-document
    ``counts`` (and their 0/1 ``binary``), in the order of :func:`_long_rows`; each new row label
    gets the next code in ``labels``."""
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
    return label_codes[block.pop("row")], block


def _text(vocabulary: _Strings, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Strings ``vocabulary[codes]`` as a ``str`` array; code −1 gives a missing value."""
    return pd.array(vocabulary, dtype="str").take(codes, allow_fill=True)


_RUN_KEYS = ("scope", "grouping", "label", "kind", "ngram")
_VALUE_COLUMNS = ("term", "count", "per_10k_tokens", "per_10k_chars", "rank", "doc_freq")


def _label_runs(blocks: list[_Block]) -> dict[str, np.ndarray]:
    """Each run of rows of one label within a block: the ``block`` (its index), ``start`` within
    it, ``length`` and its :data:`_RUN_KEYS`."""
    names = ("block", "start", "length", *_RUN_KEYS)
    pieces: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for index, block in enumerate(blocks):
        label = block.label
        new_run = np.ones(len(label), dtype=bool)
        new_run[1:] = label[1:] != label[:-1]
        starts = np.flatnonzero(new_run)
        pieces["start"].append(starts)
        pieces["length"].append(np.diff(np.append(starts, len(label))))
        pieces["label"].append(label[starts])
        pieces["block"].append(np.full(len(starts), index, dtype=np.int64))
        for name in ("scope", "grouping", "kind", "ngram"):
            pieces[name].append(np.full(len(starts), getattr(block, name), dtype=np.int64))
    return {
        name: np.concatenate(arrays).astype(np.int64) if arrays else np.empty(0, dtype=np.int64)
        for name, arrays in pieces.items()
    }


def _sorted_runs(runs: dict[str, np.ndarray], vocab: dict[str, _Strings]) -> np.ndarray:
    """The order of the runs by scope, grouping, group or doc_id, kind and ngram; labels and
    groupings are ranked by their strings, so document order plays no part."""
    label_rank = np.argsort(np.argsort(vocab["label"].astype(str), kind="stable"))
    grouping_rank = np.argsort(np.argsort([g or "" for g in vocab["grouping"]], kind="stable"))
    keys = [
        runs["scope"],
        grouping_rank[runs["grouping"]],
        label_rank[runs["label"]],
        runs["kind"],
        runs["ngram"],
    ]
    order = np.lexsort(keys[::-1])
    repeated = np.ones(max(len(order) - 1, 0), dtype=bool)
    for key in keys:
        repeated &= key[order][1:] == key[order][:-1]
    if repeated.any():
        raise RuntimeError("a label's rows are split within a block; please report a bug")
    return order


def _spans(runs: dict[str, np.ndarray], run_order: np.ndarray) -> list[tuple[int, int, int]]:
    """``(block, start, stop)`` of the runs in ``run_order``, runs that follow one another in a
    block made one span (all the rows of a block, often)."""
    if not len(run_order):
        return []
    block, start = runs["block"][run_order], runs["start"][run_order]
    stop = start + runs["length"][run_order]
    joined = np.zeros(len(block), dtype=bool)
    joined[1:] = (block[1:] == block[:-1]) & (start[1:] == stop[:-1])
    first = np.flatnonzero(~joined)
    last = np.append(first[1:], len(block)) - 1
    return list(zip(block[first].tolist(), start[first].tolist(), stop[last].tolist(), strict=True))


def _assemble(blocks: list[_Block], vocab: dict[str, _Strings]) -> pd.DataFrame:
    """One sorted frame from the blocks of coded rows.

    The table is sorted by scope, grouping, group or doc_id, kind, ngram, rank and term. Within
    a block the rows of one label are a run already in order of rank and term (terms are coded
    in code-point order within each kind and n, as Dfm terms are sorted), so sorting the runs by
    the other keys sorts the table: the rows are copied run after run (slices, no gather).
    """
    runs = _label_runs(blocks)
    run_order = _sorted_runs(runs, vocab)
    lengths = runs["length"][run_order]
    columns = {name: np.repeat(runs[name][run_order], lengths) for name in _RUN_KEYS}
    spans = _spans(runs, run_order)
    empty = {"per_10k_tokens": np.empty(0), "per_10k_chars": np.empty(0)}
    for name in _VALUE_COLUMNS:
        pieces = [blocks[b].values[name][start:stop] for b, start, stop in spans]
        pieces = pieces or [block.values[name] for block in blocks]  # no rows: keep the dtypes
        columns[name] = (
            np.concatenate(pieces) if pieces else empty.get(name, np.empty(0, dtype=np.int64))
        )
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
