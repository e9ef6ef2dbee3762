"""The corpus layer in one call: raw files → cleaned documents → sentences → tokens → mentions.

``build_corpus`` runs the stages in order and returns a :class:`CorpusTables` bundle that every
measure, figure and notebook starts from:

=================  =====================================================================
``documents``      one row per document: metadata, ``text`` (cleaned), ``translation``,
                   ``script``, ``encoding``, ``n_chars_raw``, ``n_chars``
``cleaning_log``   the cleaning audit (see :mod:`analysis.corpus.clean`)
``boilerplate``    the lines the documents share and what was removed of them (see
                   :mod:`analysis.corpus.boilerplate`)
``sentences``      see :mod:`analysis.corpus.sentences`
``tokens``         see :mod:`analysis.corpus.segment`
``mentions``       see :mod:`analysis.corpus.mentions`
=================  =====================================================================
"""

from __future__ import annotations

import contextlib
import os
import warnings
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.checks import check_number, require_columns
from analysis.config.cleaning_rules import CleaningRules, DocumentFlagSettings, load_cleaning_rules
from analysis.config.lexicon import SloganLexicon, load_slogans, load_stopwords, load_userdict
from analysis.config.paths import PROJECT_ROOT
from analysis.config.settings import lexicon_path, load_settings
from analysis.corpus.boilerplate import boilerplate_table, empty_boilerplate_table
from analysis.corpus.clean import cleaned_corpus_from_results, han_and_letters
from analysis.corpus.corpus_cache import (
    CorpusCache,
    corpus_key,
    replay_warnings,
    warnings_caught,
)
from analysis.corpus.engine import DocumentWork, Engine, Processed, process_corpus_texts
from analysis.corpus.load import load_corpus
from analysis.corpus.mentions import find_slogan_mentions
from analysis.corpus.segment import SegmenterConfig, tokens_table
from analysis.corpus.sentences import sentences_table
from analysis.errors import InputError

DOCUMENT_SUMMARY_COLUMNS = [
    "doc_id",
    "file",
    "title",
    "title_simplified",
    "level",
    "genre",
    "year",
    "script",
    "encoding",
    "n_chars_raw",
    "n_chars",
    "n_tokens",
    "n_sentences",
    "n_paragraphs",
    "flags",
]
FLAGS = ("short", "not_chinese")


@dataclass(frozen=True)
class CorpusTables:
    """The tables of the corpus layer, and the lexicons, segmenter and cleaning rules that made
    them. ``boilerplate`` has the columns of :data:`analysis.corpus.boilerplate.BOILERPLATE_COLUMNS`
    (see :func:`analysis.corpus.boilerplate.boilerplate_table`), no rows when nothing is shared."""

    documents: pd.DataFrame
    cleaning_log: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    mentions: pd.DataFrame
    slogans: SloganLexicon
    stopwords: frozenset[str]
    segmenter: SegmenterConfig
    boilerplate: pd.DataFrame = field(default_factory=empty_boilerplate_table)
    cleaning_rules: CleaningRules = field(default_factory=CleaningRules)


def default_cache_dir() -> Path:
    """``ANALYSIS_CACHE``, else ``.cache/`` in the project checkout."""
    override = os.environ.get("ANALYSIS_CACHE")
    return Path(override) if override else PROJECT_ROOT / ".cache"


def build_corpus(
    texts_dir: str | Path,
    metadata: str | Path | pd.DataFrame | None = None,
    *,
    settings: dict[str, Any] | None = None,
    slogans: SloganLexicon | None = None,
    rules: CleaningRules | None = None,
    segmenter: str | None = None,
    jobs: int | None = 1,
    engine: Engine = "local",
    scheduler: str | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    progress: bool = False,
    extensions: tuple[str, ...] = (".txt",),
) -> CorpusTables:
    """Load, clean, split, segment and find slogans in every text under ``texts_dir``.

    Lexicons, rules and segmentation options come from ``settings`` (default
    ``data/settings.yml``); ``slogans``, ``rules`` and ``segmenter`` override them. Cleaned
    texts and tokens are cached under ``cache_dir`` (default :func:`default_cache_dir`; folders
    ``cleaned`` and ``tokens``) unless ``use_cache`` is false.
    Cleaning and segmentation run per document with ``engine`` and ``jobs`` (``None``: one
    process per CPU; see :mod:`analysis.corpus.engine`); the tables do not depend on either. Lines
    that many documents share are removed as boilerplate (rule ``shared_boilerplate``, see
    :mod:`analysis.corpus.boilerplate`; two passes of cleaning) unless the rules switch it off.
    """
    settings = settings if settings is not None else load_settings()
    rules = (
        rules
        if rules is not None
        else load_cleaning_rules(lexicon_path(settings, "cleaning_rules"))
    )
    slogans = slogans if slogans is not None else load_slogans(lexicon_path(settings, "slogans"))
    stopwords = load_stopwords(lexicon_path(settings, "stopwords"))
    config = _segmenter_config(settings, slogans, rules, segmenter)
    corpus = load_corpus(texts_dir, metadata, extensions=extensions)
    cache_root = Path(cache_dir or default_cache_dir())
    # what the tables were made with, which CorpusTables carries beside them
    lexicons = {
        "slogans": slogans,
        "stopwords": stopwords,
        "segmenter": config,
        "cleaning_rules": rules,
    }
    build = partial(
        _built_tables,
        corpus,
        Path(texts_dir),
        lexicons=lexicons,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
        progress=progress,
    )
    if not use_cache:
        return CorpusTables(**build(None)[0], **lexicons)
    corpus_cache = CorpusCache(cache_root / "corpus")
    key = corpus_key(corpus, rules=rules, config=config, slogans=slogans, stopwords=stopwords)
    cached = corpus_cache.get(key)
    if cached is not None:
        replay_warnings(cached.warnings)
        return CorpusTables(**cached.tables, **lexicons)
    tables, caught = build(cache_root)
    # A cache is only a cache; the per-document caches report a folder that cannot be written.
    with contextlib.suppress(OSError):
        corpus_cache.put(key, tables, caught)
    return CorpusTables(**tables, **lexicons)


def _built_tables(
    corpus: pd.DataFrame,
    texts_dir: Path,
    cache_root: Path | None,
    *,
    lexicons: dict[str, Any],
    jobs: int | None,
    engine: Engine,
    scheduler: str | None,
    progress: bool,
) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str]]]:
    """The corpus tables built from the loaded ``corpus`` (per-document caches under
    ``cache_root``, none when ``None``), and the warnings building them gave, which a run
    reading them from the corpus cache gives again."""
    rules, config = lexicons["cleaning_rules"], lexicons["segmenter"]
    processed, shared = process_corpus_texts(
        corpus["raw_text"].tolist(),
        DocumentWork(
            rules,
            config,
            str(cache_root / "tokens") if cache_root is not None else None,
            str(cache_root / "cleaned") if cache_root is not None else None,
        ),
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
        progress=progress,
    )
    _warn_of_cache_problems(processed)
    try:
        with warnings.catch_warnings(record=True) as caught:
            documents, audit = cleaned_corpus_from_results(corpus, [p.cleaned for p in processed])
            _check_not_emptied(documents, audit, texts_dir, rules.source)
            sentences = sentences_table(documents, [p.sentences for p in processed])
            tokens = tokens_table(
                documents,
                sentences,
                [p.segments for p in processed],
                stopwords=lexicons["stopwords"],
                words=[p.words for p in processed],
            )
            _check_has_words(documents, tokens, texts_dir)
            mentions = find_slogan_mentions(documents, sentences, tokens, lexicons["slogans"])
            boilerplate = boilerplate_table(shared, audit, rules)
    finally:
        stored = warnings_caught(caught)
        replay_warnings(stored, stacklevel=3)  # as the caller of build_corpus would see them
    tables = {
        "documents": documents,
        "cleaning_log": audit,
        "sentences": sentences,
        "tokens": tokens,
        "mentions": mentions,
        "boilerplate": boilerplate,
    }
    return tables, stored


def _segmenter_config(
    settings: dict[str, Any],
    slogans: SloganLexicon,
    rules: CleaningRules,
    segmenter: str | None,
) -> SegmenterConfig:
    """The segmenter of the settings' ``segmentation`` section, with the user dictionary and
    every slogan term; ``segmenter`` overrides the settings' backend."""
    seg = settings["segmentation"]
    return SegmenterConfig.from_lexicons(
        load_userdict(lexicon_path(settings, "userdict")),
        slogans,
        backend=segmenter or seg.get("segmenter", "jieba"),
        hmm=bool(seg.get("hmm", True)),
        pos=bool(seg.get("pos", False)),
        placeholder=rules.placeholder.pattern if rules.placeholder is not None else None,
        compounds=tuple(seg.get("compounds") or ()),
    )


def _warn_of_cache_problems(processed: list[Processed]) -> None:
    problems = [p.cache_problem for p in processed if p.cache_problem]
    if problems:
        warnings.warn(
            f"the token cache could not be written for {len(problems)} document(s) (first: "
            f"{problems[0]}); the run goes on without caching them. If the cache folder was "
            "deleted or its disk is full, free space or pass --no-cache",
            stacklevel=3,  # the caller of build_corpus
        )


def _check_not_emptied(
    documents: pd.DataFrame, audit: pd.DataFrame, texts_dir: Path, rules_source: str
) -> None:
    """A document that cleaning removed entirely is an error, as an empty file is: no measure
    can count it, and a silently empty document would skew every per-document table."""
    emptied = documents.index[documents["text"].str.strip() == ""]
    if not len(emptied):
        return
    first = documents.loc[emptied[0]]
    rules = audit.loc[audit["doc_id"] == first["doc_id"], "rule"].unique()
    others = f" (and {len(emptied) - 1} more files)" if len(emptied) > 1 else ""
    raise InputError(
        f"{texts_dir / first['file']}: cleaning removed its whole text (rule "
        f"{', '.join(rules[:3]) or 'none'}){others}; if the text should stay, narrow that rule "
        f"in {rules_source}, else remove the file"
    )


def _check_has_words(documents: pd.DataFrame, tokens: pd.DataFrame, texts_dir: Path) -> None:
    """A document without a word to count (only punctuation or stopwords) is an error: every
    per-document measure (similarity, keyness, CA) needs at least one."""
    counted = tokens.loc[~tokens["is_punct"] & ~tokens["is_stop"], "doc_id"].unique()
    wordless = documents.index[~documents["doc_id"].isin(counted)]
    if not len(wordless):
        return
    first = documents.loc[wordless[0]]
    others = f" (and {len(wordless) - 1} more files)" if len(wordless) > 1 else ""
    raise InputError(
        f"{texts_dir / first['file']}: has no word to count after cleaning, only punctuation or "
        f"stopwords ({first['text'][:20]!r}){others}; put the document's text in it or remove "
        "the file"
    )


def document_summary(corpus: CorpusTables) -> pd.DataFrame:
    """One row per document: metadata and sizes (``documents.csv``).

    ``n_chars_raw`` and ``n_chars`` count characters without line breaks before and after
    cleaning; ``n_tokens`` counts word tokens (punctuation excluded, stopwords included);
    ``n_sentences`` and ``n_paragraphs`` are as in the sentences table. ``title`` is as written
    in the metadata, ``title_simplified`` the same in Simplified characters (OpenCC t2s), as the
    text is counted; a missing title is the doc id. ``flags`` is :func:`document_flags` with
    the thresholds of ``document_flags`` in the cleaning rules (``""`` for every document when
    that section is null).
    """
    docs = corpus.documents
    words = corpus.tokens.loc[~corpus.tokens["is_punct"], "doc_id"].value_counts()
    sents = corpus.sentences.groupby("doc_id")["sent"].nunique()
    paras = corpus.sentences.groupby("doc_id")["para"].nunique()
    summary = docs[[c for c in DOCUMENT_SUMMARY_COLUMNS if c in docs.columns]].copy()
    for column in ("title", "title_simplified"):
        summary[column] = (
            summary[column].astype("object").where(summary[column].notna(), summary["doc_id"])
        )
    summary["n_tokens"] = docs["doc_id"].map(words).fillna(0).astype("int64")
    summary["n_sentences"] = docs["doc_id"].map(sents).fillna(0).astype("int64")
    summary["n_paragraphs"] = docs["doc_id"].map(paras).fillna(0).astype("int64")
    thresholds = corpus.cleaning_rules.document_flags
    if thresholds is None:
        summary["flags"] = pd.Series([""] * len(docs), index=summary.index, dtype="object")
    else:
        flags = document_flags(
            docs,
            short_fraction=thresholds.short_fraction,
            min_chinese_share=thresholds.min_chinese_share,
        )
        summary["flags"] = flags["flags"].to_numpy(dtype="object")
    return summary[DOCUMENT_SUMMARY_COLUMNS]


def document_flags(
    documents: pd.DataFrame,
    *,
    short_fraction: float = DocumentFlagSettings.short_fraction,
    min_chinese_share: float = DocumentFlagSettings.min_chinese_share,
) -> pd.DataFrame:
    """Flags for documents that may not belong with the rest: flagged, never dropped.

    ``documents`` needs ``doc_id``, ``text`` (cleaned) and ``n_chars`` (characters without line
    breaks, as :func:`analysis.corpus.clean.clean_corpus` gives). Returns ``doc_id`` and ``flags``,
    one
    row per document in the input's order; ``flags`` is ``""`` or a ``;``-joined list of

    * ``short``: ``n_chars < short_fraction × median(n_chars)`` over the corpus (a stub, a
      disambiguation page, an error page among full texts). Never with a single document.
    * ``not_chinese``: ``han / letters < min_chinese_share``, where ``han`` counts the CJK
      ideographs (with extensions and compatibility ideographs) of the cleaned text and
      ``letters`` its letters (``str.isalpha``) and ideographs; a text without letters is
      ``not_chinese``.

    Defaults are those of ``document_flags`` in ``data/cleaning.yml`` (0.01 and 0.5).
    """
    caller = "document_flags"
    require_columns(
        documents,
        ["doc_id", "text", "n_chars"],
        caller,
        name="the documents table",
        source="corpus.documents of analysis.build_corpus, or the documents of clean_corpus",
    )
    short_fraction = check_number(short_fraction, "short_fraction", caller, minimum=0, maximum=1)
    min_chinese_share = check_number(
        min_chinese_share, "min_chinese_share", caller, minimum=0, maximum=1
    )
    n_chars = documents["n_chars"].to_numpy(dtype="float64")
    if len(documents) > 1:
        short = n_chars < short_fraction * float(np.median(n_chars))
    else:
        short = np.zeros(len(documents), dtype=bool)
    flags = []
    for is_short, text in zip(short, documents["text"], strict=True):
        han, letters = han_and_letters(text)
        found = ["short"] if is_short else []
        if letters == 0 or han / letters < min_chinese_share:
            found.append("not_chinese")
        flags.append(";".join(found))
    return pd.DataFrame(
        {
            "doc_id": documents["doc_id"].to_numpy(dtype="object"),
            "flags": pd.Series(flags, dtype="object"),
        }
    )
