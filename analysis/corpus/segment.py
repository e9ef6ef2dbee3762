"""Word segmentation of cleaned documents: the ``tokens`` table.

Segmentation uses jieba through an isolated ``jieba.Tokenizer`` (never jieba's global one), or
optionally rjieba (jieba-rs, the same algorithm and main dictionary, compiled), each with the
project's user dictionary (``data/lexicon/userdict.txt``) plus every slogan term. Censorship
placeholders (``**``) are cut out before segmentation and become tokens of their own, so they never
fuse with a neighbouring word.

Any text is segmented except one holding a lone surrogate, an
:class:`~analysis.errors.InputError` (see :func:`analysis.errors.reject_lone_surrogates`).

The tokens table has one row per token, white space dropped (no token is or contains white
space; together the tokens cover every other character of the text exactly once):

``doc_id``, ``para``, ``sent`` (as in the sentences table), ``position`` (1, 2, … within the
document), ``token``, ``start``, ``end`` (0-based, half-open offsets into the cleaned text),
``is_punct`` (punctuation, symbols and placeholders), ``is_number`` (a number or list marker:
``2005``, ``70%``, ``3.5``, ``①``, ``Ⅳ``, ``十七``; and a counter right after a censorship
placeholder, the rest of a hidden number: 届 in 党的**届**全会), ``is_stop`` (in the stopword
list, or a number: numbers and list markers are not terms, so every measure that leaves
stopwords out of its terms leaves them out too), and ``pos`` when part-of-speech tags are asked
for.

Flags are flags: nothing is removed, each measure decides what to skip. POS tags come from the
dictionary (jieba's ``dict.txt`` tags and the user dictionary's); a word the dictionary lacks
(found by the HMM) is tagged ``m`` (number), ``eng`` (Latin letters), ``x`` (punctuation) or
``un`` (unknown). Tagging therefore never changes the segmentation.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.checks import check_bool, check_choice, check_int
from analysis.config.lexicon import DEFAULT_TERM_FREQUENCY, DictionaryTerm, SloganLexicon
from analysis.errors import InputError, reject_lone_surrogates

Backend = Literal["jieba", "rjieba"]
BACKENDS: tuple[Backend, ...] = ("jieba", "rjieba")
TOKEN_COLUMNS = [
    "doc_id",
    "para",
    "sent",
    "position",
    "token",
    "start",
    "end",
    "is_punct",
    "is_number",
    "is_stop",
]
DEFAULT_PLACEHOLDER = r"\*{2,}|＊{2,}|×{2,}"


class Segments(NamedTuple):
    """One segmented text: token offsets (and POS tags), white space already dropped.

    Tokens are not stored: token ``i`` is ``text[starts[i]:ends[i]]``, so a segmentation is two
    small integer arrays — cheap to send between processes and to cache.
    """

    starts: np.ndarray  # int32
    ends: np.ndarray  # int32
    tags: tuple[str, ...] | None = None

    def words(self, text: str) -> list[str]:
        """The tokens as strings."""
        return [text[a:b] for a, b in zip(self.starts.tolist(), self.ends.tolist(), strict=True)]

    def word_array(self, text: str) -> pa.Array:
        """The tokens as an Arrow string array, cut from ``text``'s UTF-8 bytes without making
        one Python string per token (what :meth:`words` gives, as Arrow)."""
        data = text.encode("utf-8")
        starts, ends = self.starts.astype(np.int64), self.ends.astype(np.int64)
        if not len(starts):
            return pa.array([], type=pa.string())
        disjoint = bool(np.all(ends > starts) and np.all(starts[1:] >= ends[:-1]))
        if not disjoint or len(data) >= 2**31 - 1:  # not a segmentation: cut one by one
            return pa.array(self.words(text), type=pa.string())
        if len(data) == len(text):  # ASCII: characters are bytes
            byte_at = np.arange(len(text) + 1, dtype=np.int64)
        else:
            points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
            widths = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
            byte_at = np.concatenate(([0], np.cumsum(widths, dtype=np.int64)))
        # Tokens are disjoint and in order, so each token is exactly one of the pieces between
        # consecutive boundaries.
        interleaved = np.empty(2 * len(starts), dtype=np.int64)
        interleaved[0::2], interleaved[1::2] = starts, ends
        distinct = np.ones(len(interleaved), dtype=bool)
        distinct[1:] = interleaved[1:] != interleaved[:-1]  # a token ending where the next starts
        bounds = interleaved[distinct]
        offsets = byte_at[bounds].astype(np.int32)
        pieces = pa.StringArray.from_buffers(
            len(bounds) - 1, pa.py_buffer(offsets), pa.py_buffer(data)
        )
        return pieces.take(pa.array(np.cumsum(distinct)[0::2] - 1))

    def same_as(self, other: Segments) -> bool:
        """Equal offsets and tags (``==`` on arrays would compare element-wise)."""
        return (
            np.array_equal(self.starts, other.starts)
            and np.array_equal(self.ends, other.ends)
            and self.tags == other.tags
        )


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


@dataclass(frozen=True)
class SegmenterConfig:
    """Everything that determines a segmentation; its :attr:`fingerprint` keys the token cache."""

    backend: Backend = "jieba"
    hmm: bool = True
    pos: bool = False
    terms: tuple[DictionaryTerm, ...] = ()
    placeholder: str | None = DEFAULT_PLACEHOLDER
    #: Regular expressions whose every match is one token, whatever the dictionary says: the
    #: bracketed enumerations of administrative levels (县（市、区）委, "the county (city,
    #: district) committee") that jieba cuts into 县/（/市/、/区/）/委 (settings
    #: ``segmentation: compounds``; quanteda's ``tokens_compound`` does this after tokenising).
    compounds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_choice(self.backend, "segmenter", "SegmenterConfig", BACKENDS)
        check_bool(self.hmm, "hmm", "SegmenterConfig")
        check_bool(self.pos, "pos", "SegmenterConfig")
        for pattern in self.compounds:
            try:
                compiled = re.compile(pattern)
            except (re.error, TypeError) as exc:
                raise InputError(
                    f"segmentation: compounds: {pattern!r} is not a valid regular expression "
                    f"({exc}); escape ( ) with a backslash to match them literally"
                ) from None
            if compiled.fullmatch("") is not None:
                raise InputError(
                    f"segmentation: compounds: {pattern!r} can match the empty string; make it "
                    "match at least one character"
                )
            if compiled.search("甲\n乙") is not None and "\n" in compiled.search("甲\n乙")[0]:
                raise InputError(
                    f"segmentation: compounds: {pattern!r} can match across a line break, so "
                    "whole paragraphs could become one token; match the words of one phrase"
                )
        try:
            re.compile(_kept_whole_pattern(self.placeholder, self.compounds) or "x")
        except re.error as exc:
            raise InputError(
                f"segmentation: compounds: {exc}; a flag such as (?i) must be written for its "
                "part only, as (?i:...)"
            ) from None
        if self.backend == "rjieba" and _version("rjieba") == "absent":
            raise InputError(
                "segmenter rjieba is not installed; install the `fast` extra "
                "(pip install -e '.[fast]') or use --segmenter jieba"
            )

    @classmethod
    def from_lexicons(
        cls,
        userdict: Iterable[DictionaryTerm],
        slogans: SloganLexicon | None = None,
        **options: object,
    ) -> SegmenterConfig:
        """Combine the user dictionary with every slogan term (user entries take precedence)."""
        terms = {t.term: t for t in userdict}
        for slogan in slogans or ():
            for word in slogan.dictionary_terms:
                terms.setdefault(word, DictionaryTerm(word, DEFAULT_TERM_FREQUENCY, "nz"))
        return cls(terms=tuple(sorted(terms.values(), key=lambda t: t.term)), **options)  # type: ignore[arg-type]

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the segmenter, its version, options and dictionaries."""
        digest = hashlib.sha256()
        for part in (
            self.backend,
            _version(self.backend),
            _version("jieba"),  # rjieba's main dictionary is jieba's; its version matters too
            f"hmm={self.hmm}",
            f"pos={self.pos}",
            f"placeholder={self.placeholder}",
            *(f"compound={c}" for c in self.compounds),
            *(f"{t.term}\t{t.frequency}\t{t.tag}" for t in self.terms),
        ):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()


def _is_punct(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PS" for ch in token)


# Arabic numerals (full-width too) with decimal or thousands marks and a percent sign; circled,
# parenthesised and Roman numerals (list markers ① ⑴ Ⅳ); Chinese numerals standing alone.
_NUMBER = re.compile(
    r"[0-9０-９]+(?:[.．,，:：/][0-9０-９]+)*[%％‰]?"
    r"|[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf\u2160-\u2188]+"
    r"|[零〇一二三四五六七八九十百千万亿两]+"
)


# A counter right after a censorship placeholder is what is left of a hidden number: 党的**届**
# 全会 (the **th plenum) gives the token 届, which is no term of the text.
_COUNTERS = frozenset("届次号期个项条名位年月日大")
_PLACEHOLDER_TOKEN = re.compile(DEFAULT_PLACEHOLDER)


def _counters_of_hidden_numbers(
    doc_index: np.ndarray, unique_words: np.ndarray, codes: np.ndarray
) -> np.ndarray:
    """Rows holding a one-character counter whose token before it, in the same document (the
    same ``doc_index``), is a placeholder (``**``)."""
    placeholder = np.fromiter(
        (_PLACEHOLDER_TOKEN.fullmatch(w) is not None for w in unique_words), bool, len(unique_words)
    )
    counter = np.isin(unique_words, list(_COUNTERS))
    after = np.zeros(len(codes), dtype=bool)
    if len(codes) > 1:
        # document numbers, not doc_id strings: six million Python strings cost 0.7 GB
        same_doc = doc_index[1:] == doc_index[:-1]
        after[1:] = placeholder[codes[:-1]] & same_doc
    return counter[codes] & after


def _is_number(token: str) -> bool:
    """A number or a list marker, which the term measures do not count as a term."""
    return _NUMBER.fullmatch(token) is not None


def _fallback_tag(token: str) -> str:
    if _is_punct(token):
        return "x"
    if re.fullmatch(r"[\d.,%．０-９]+", token):
        return "m"
    if token.isascii() and token.isalpha():
        return "eng"
    return "un"


def _kept_whole_pattern(placeholder: str | None, compounds: tuple[str, ...]) -> str:
    """One expression matching a placeholder or any compound (each a group of its own)."""
    return "|".join(f"(?:{p})" for p in (placeholder, *compounds) if p)


class Segmenter:
    """A loaded segmenter for one :class:`SegmenterConfig`. Build once per process."""

    def __init__(self, config: SegmenterConfig):
        self.config = config
        # placeholders and compounds: each match is one token, never cut by the dictionary
        kept_whole = _kept_whole_pattern(config.placeholder, config.compounds)
        self._placeholder = re.compile(kept_whole) if kept_whole else None
        if config.backend == "jieba":
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for t in config.terms:
                tokenizer.add_word(t.term, t.frequency, t.tag)
            self._jieba = tokenizer
        else:
            import rjieba

            tokenizer = rjieba.Jieba()
            for t in config.terms:
                tokenizer.add_word(t.term, t.frequency, t.tag)
            self._rjieba = tokenizer
        self._tags = self._load_tags() if config.pos else None

    def _load_tags(self) -> dict[str, str]:
        import jieba

        tags: dict[str, str] = {}
        dict_path = Path(jieba.__file__).with_name("dict.txt")
        with dict_path.open(encoding="utf-8") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) == 3:
                    tags[fields[0]] = fields[2]
        tags.update({t.term: t.tag for t in self.config.terms if t.tag})
        return tags

    def _cut(self, text: str) -> list[tuple[str, int, int]]:
        if self.config.backend == "jieba":
            return list(self._jieba.tokenize(text, HMM=self.config.hmm))
        return self._rjieba.tokenize(text, "default", self.config.hmm)

    def segment(self, text: str) -> Segments:
        """Token offsets of one text (and tags if configured), white space dropped."""
        # rjieba, the parquet cache and the Arrow token column cannot encode a lone surrogate;
        # refuse it here, for both backends, rather than fail in one of them.
        reject_lone_surrogates(text, "the text to segment")
        tokens: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pieces: list[tuple[int, int, bool]] = []  # (start, end, is_placeholder)
        cursor = 0
        if self._placeholder is not None:
            for m in self._placeholder.finditer(text):
                if m.start() > cursor:
                    pieces.append((cursor, m.start(), False))
                if m.end() > m.start():
                    pieces.append((m.start(), m.end(), True))
                cursor = m.end()
        if cursor < len(text):
            pieces.append((cursor, len(text), False))
        for a, b, placeholder in pieces:
            found = [(text[a:b], 0, b - a)] if placeholder else self._cut(text[a:b])
            for word, s, e in found:
                if word.isspace():
                    continue
                tokens.append(word)
                starts.append(a + s)
                ends.append(a + e)
        tags = None
        if self._tags is not None:
            tags = tuple(self._tags.get(w) or _fallback_tag(w) for w in tokens)
        return Segments(np.asarray(starts, dtype=np.int32), np.asarray(ends, dtype=np.int32), tags)

    def words(self, text: str) -> list[str]:
        """The tokens of ``text`` as strings (a convenience for inspection and tests)."""
        return self.segment(text).words(text)


# --- token cache ---------------------------------------------------------------------------


class TokenCache:
    """Segmentations on disk, one parquet file per (segmenter fingerprint, cleaned text).

    The key covers the text, the segmenter, its version, its options and its dictionaries, so an
    edited dictionary or a new jieba version never serves stale tokens, while a change to the
    stopwords or slogans (which do not affect segmentation) keeps the cache. Stale files are
    simply never read again; ``make clean`` removes the folder.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    #: Changes when the stored columns change, so files of an older layout are never read.
    FORMAT = "offsets-v2"

    def key(self, config: SegmenterConfig, text: str) -> str:
        digest = hashlib.sha256(f"{self.FORMAT}\0{config.fingerprint}\0".encode("ascii"))
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.parquet"

    def get(self, key: str) -> Segments | None:
        path = self.path(key)
        if not path.exists():
            return None
        try:
            table = pq.read_table(path)
            starts = table.column("start").to_numpy().astype(np.int32, copy=False)
            ends = table.column("end").to_numpy().astype(np.int32, copy=False)
            names = table.column_names
            tags = tuple(table.column("pos").to_pylist()) if "pos" in names else None
        except Exception:  # a damaged file is a cache miss, and will be rewritten
            return None
        return Segments(starts, ends, tags)

    def put(self, key: str, segments: Segments) -> None:
        from analysis.config.paths import atomic_write

        columns = {"start": segments.starts, "end": segments.ends}
        if segments.tags is not None:
            columns["pos"] = pd.array(list(segments.tags), dtype="str")
        table = pd.DataFrame(columns)
        atomic_write(self.path(key), lambda tmp: table.to_parquet(tmp, index=False))


# --- segmenting many documents ---------------------------------------------------------------

_SEGMENTERS: dict[str, Segmenter] = {}  # per process, by configuration
_MAX_SEGMENTERS = 4  # each holds its dictionaries (tens of megabytes)


def shared_segmenter(config: SegmenterConfig) -> Segmenter:
    """The segmenter of ``config`` in this process, built (loading its dictionaries, about a
    second for jieba) on first use only. The configuration's fingerprint covers the dictionaries'
    contents, so an edited dictionary gets a new segmenter."""
    segmenter = _SEGMENTERS.get(config.fingerprint)
    if segmenter is None:
        if len(_SEGMENTERS) >= _MAX_SEGMENTERS:
            _SEGMENTERS.pop(next(iter(_SEGMENTERS)))  # the oldest
        segmenter = _SEGMENTERS[config.fingerprint] = Segmenter(config)
    return segmenter


_WORKER: Segmenter | None = None


def _init_worker(config: SegmenterConfig) -> None:
    global _WORKER
    _WORKER = Segmenter(config)


def _segment_in_worker(text: str) -> Segments:
    assert _WORKER is not None, "worker not initialised"  # internal invariant, not input checking
    return _WORKER.segment(text)


def segment_texts(
    texts: Sequence[str],
    config: SegmenterConfig,
    *,
    jobs: int = 1,
    cache: TokenCache | None = None,
    progress: bool = False,
) -> list[Segments]:
    """Segment each text (in order), reading and filling ``cache`` if given.

    With ``jobs > 1`` the texts the cache lacks are segmented in that many worker processes, each
    loading the dictionaries once. Results do not depend on ``jobs``.
    """
    jobs = check_int(jobs, "jobs", "segment_texts", minimum=1)
    results: list[Segments | None] = [None] * len(texts)
    keys: list[str | None] = [None] * len(texts)
    todo: list[int] = []
    for i, text in enumerate(texts):
        if cache is not None:
            keys[i] = cache.key(config, text)
            results[i] = cache.get(keys[i])
        if results[i] is None:
            todo.append(i)
    if todo:
        bar = _progress_bar(len(todo), progress)
        if jobs == 1 or len(todo) == 1:
            segmenter = shared_segmenter(config)
            fresh = []
            for i in todo:
                fresh.append(segmenter.segment(texts[i]))
                bar.update(1)
        else:
            # Big chunks keep inter-process traffic low; order is preserved by map.
            chunk = max(1, len(todo) // (jobs * 8))
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(todo)), initializer=_init_worker, initargs=(config,)
            ) as pool:
                fresh = []
                for segments in pool.map(
                    _segment_in_worker, [texts[i] for i in todo], chunksize=chunk
                ):
                    fresh.append(segments)
                    bar.update(1)
        bar.close()
        unwritten: OSError | None = None
        for i, segments in zip(todo, fresh, strict=True):
            results[i] = segments
            if cache is not None and unwritten is None:
                try:
                    cache.put(keys[i], segments)  # type: ignore[arg-type]
                except OSError as exc:  # a cache is only a cache: keep the tokens, say so
                    unwritten = exc
        if unwritten is not None:
            warnings.warn(
                f"the token cache {cache.folder} could not be written "  # type: ignore[union-attr]
                f"({unwritten.strerror or unwritten}); the tokens are used without caching. If "
                "the folder was deleted or its disk is full, free space or pass --no-cache",
                stacklevel=2,
            )
    return results  # type: ignore[return-value]


def _progress_bar(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="segmenting", unit="doc", disable=not enabled or total < 2)


def _repeat_strings(values: Sequence[str], index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[index]`` as a ``str`` array, decoded from a dictionary in C (no object array)."""
    coded = pa.DictionaryArray.from_arrays(
        pa.array(index, type=pa.int32()), pa.array(list(values), type=pa.string())
    )
    return pd.array(coded.cast(pa.string()), dtype="str")


def tokens_table(
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    segments: Sequence[Segments],
    *,
    stopwords: frozenset[str] = frozenset(),
    words: Sequence[pa.Array] | None = None,
) -> pd.DataFrame:
    """Assemble the tokens table from per-document segments (in ``documents`` order).

    ``words`` may give each document's token strings already cut (an Arrow array per
    document, as :mod:`analysis.corpus.engine` returns them); otherwise they are cut here.

    Vectorised over the whole corpus: offsets are made global (document offset + position) so
    one ``searchsorted`` finds every token's sentence; token strings are sliced per document and
    stored as Arrow strings, so no Python object per token outlives its document.
    """
    texts = documents["text"].tolist()
    doc_ids = documents["doc_id"].tolist()
    if len(segments) != len(texts):
        raise InputError(
            f"tokens_table: {len(segments)} segmentations for {len(texts)} documents; pass one "
            "segmentation per document of the documents table, in its order"
        )
    with_pos = any(seg.tags is not None for seg in segments)
    columns = TOKEN_COLUMNS + (["pos"] if with_pos else [])
    lengths = np.array([len(seg.starts) for seg in segments], dtype=np.int64)
    if not lengths.sum():
        return pd.DataFrame({c: [] for c in columns})
    # Global offsets: each document's text starts where the previous one ended.
    base = np.concatenate(([0], np.cumsum([len(t) + 1 for t in texts])[:-1])).astype(np.int64)
    doc_index = np.repeat(np.arange(len(texts)), lengths)
    starts = np.concatenate([seg.starts for seg in segments]).astype(np.int64)
    ends = np.concatenate([seg.ends for seg in segments]).astype(np.int64)
    first = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    position = np.arange(len(starts)) - np.repeat(first, lengths) + 1
    para, sent = _token_sentences(sentences, doc_ids, base, doc_index, starts)
    if words is None:
        words = [seg.word_array(text) for text, seg in zip(texts, segments, strict=True)]
    token = pd.array(pa.chunked_array(list(words), type=pa.string()), dtype="str")
    table = pd.DataFrame(
        {
            "doc_id": _repeat_strings(doc_ids, doc_index),
            "para": para.astype(np.int32),
            "sent": sent.astype(np.int32),
            "position": position.astype(np.int32),
            "token": token,
            "start": starts.astype(np.int32),
            "end": ends.astype(np.int32),
        }
    )
    _add_token_flags(table, stopwords, doc_index)
    if with_pos:
        tags = [
            tag
            for seg in segments
            for tag in (seg.tags if seg.tags is not None else (None,) * len(seg.starts))
        ]
        table["pos"] = pd.array(tags, dtype="str")
    return table[columns]


def _token_sentences(
    sentences: pd.DataFrame,
    doc_ids: list[str],
    base: np.ndarray,
    doc_index: np.ndarray,
    starts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The paragraph and sentence of each token (0 where none), found with one
    ``searchsorted`` on offsets made global by each document's ``base``."""
    para = np.zeros(len(starts), dtype=np.int64)
    sent = np.zeros(len(starts), dtype=np.int64)
    if len(sentences):
        code = pd.Index(doc_ids).get_indexer(sentences["doc_id"])
        known = code >= 0
        s_start = sentences["start"].to_numpy()[known] + base[code[known]]
        order = np.argsort(s_start, kind="stable")
        s_start = s_start[order]
        s_doc = code[known][order]
        index = np.searchsorted(s_start, starts + base[doc_index], side="right") - 1
        # a token before its document's first sentence (cannot happen for cleaned text) gets 0
        found = (index >= 0) & (s_doc[np.clip(index, 0, None)] == doc_index)
        index = np.clip(index, 0, None)
        para = np.where(found, sentences["para"].to_numpy()[known][order][index], 0)
        sent = np.where(found, sentences["sent"].to_numpy()[known][order][index], 0)
    return para, sent


def _add_token_flags(
    table: pd.DataFrame, stopwords: frozenset[str], doc_index: np.ndarray
) -> None:
    """Add ``is_punct``, ``is_number`` and ``is_stop`` to ``table`` (in place); ``doc_index``
    numbers each row's document."""
    # Flags are decided once per distinct token, then spread by code.
    codes, uniques = pd.factorize(table["token"])
    unique_words = np.asarray(uniques, dtype=object)
    table["is_punct"] = np.fromiter(map(_is_punct, unique_words), bool, len(unique_words))[codes]
    number = np.fromiter(map(_is_number, unique_words), bool, len(unique_words))
    is_number = number[codes] | _counters_of_hidden_numbers(doc_index, unique_words, codes)
    table["is_number"] = is_number
    listed = np.isin(unique_words, list(stopwords)) if stopwords else np.zeros(len(number), bool)
    table["is_stop"] = listed[codes] | is_number
