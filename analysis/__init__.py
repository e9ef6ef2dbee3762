"""Comparative discourse analysis of Chinese political texts.

The corpus layer, in the order data flows (each stage a module, each returning new tables):

>>> from analysis import build_corpus
>>> corpus = build_corpus("data/raw", "data/metadata.csv")   # doctest: +SKIP
>>> corpus.documents, corpus.cleaning_log, corpus.tokens, corpus.mentions   # doctest: +SKIP

or stage by stage: :func:`load_corpus` → :func:`clean_corpus` → :func:`corpus_sentences` →
:func:`segment_texts` / :func:`tokens_table` → :func:`find_slogan_mentions`.

A finished run of ``python -m analysis run`` is read back with :func:`load_results`.
"""

from analysis.clean import clean_corpus, clean_text, restore_raw_text
from analysis.cleaning_rules import load_cleaning_rules
from analysis.corpus import load_corpus, read_metadata
from analysis.errors import InputError
from analysis.lexicon import load_slogans, load_stopwords, load_userdict
from analysis.pipeline import CorpusTables, build_corpus, document_summary
from analysis.results import RunResults, load_results
from analysis.segment import Segmenter, SegmenterConfig, TokenCache, segment_texts, tokens_table
from analysis.sentences import corpus_sentences, split_sentences
from analysis.settings import load_settings
from analysis.slogans import find_slogan_mentions

__all__ = [
    "CorpusTables",
    "InputError",
    "RunResults",
    "Segmenter",
    "SegmenterConfig",
    "TokenCache",
    "build_corpus",
    "clean_corpus",
    "clean_text",
    "corpus_sentences",
    "document_summary",
    "find_slogan_mentions",
    "load_cleaning_rules",
    "load_corpus",
    "load_results",
    "load_settings",
    "load_slogans",
    "load_stopwords",
    "load_userdict",
    "read_metadata",
    "restore_raw_text",
    "segment_texts",
    "split_sentences",
    "tokens_table",
]
