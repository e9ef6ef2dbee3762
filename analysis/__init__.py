"""Comparative discourse analysis of Chinese political texts.

The corpus layer, in the order data flows (each stage a module, each returning new tables):

>>> from analysis import build_corpus
>>> corpus = build_corpus("data/raw", "data/metadata.csv")   # doctest: +SKIP
>>> corpus.documents, corpus.cleaning_log, corpus.tokens, corpus.mentions   # doctest: +SKIP

or stage by stage: :func:`load_corpus` → :func:`clean_corpus` → :func:`corpus_sentences` →
:func:`segment_texts` / :func:`tokens_table` → :func:`find_slogan_mentions`.

A finished run of ``python -m analysis run`` is read back with :func:`load_results`.
"""

from typing import TYPE_CHECKING

from analysis.lazy_exports import lazy_exports

# Where each public name lives. They are imported on first use (PEP 562), so that
# ``python -m analysis`` starts its command line, and answers Ctrl-C, before pandas and jieba load.
_WHERE = {
    "clean_corpus": "analysis.corpus.clean",
    "clean_text": "analysis.corpus.clean",
    "restore_raw_text": "analysis.corpus.clean",
    "load_cleaning_rules": "analysis.config.cleaning_rules",
    "load_corpus": "analysis.corpus.load",
    "read_metadata": "analysis.corpus.load",
    "InputError": "analysis.errors",
    "load_slogans": "analysis.config.lexicon",
    "load_stopwords": "analysis.config.lexicon",
    "load_userdict": "analysis.config.lexicon",
    "CorpusTables": "analysis.corpus.build",
    "build_corpus": "analysis.corpus.build",
    "document_summary": "analysis.corpus.build",
    "RunResults": "analysis.run.results",
    "load_results": "analysis.run.results",
    "Segmenter": "analysis.corpus.segment",
    "SegmenterConfig": "analysis.corpus.segment",
    "TokenCache": "analysis.corpus.segment",
    "segment_texts": "analysis.corpus.segment",
    "tokens_table": "analysis.corpus.segment",
    "corpus_sentences": "analysis.corpus.sentences",
    "split_sentences": "analysis.corpus.sentences",
    "load_settings": "analysis.config.settings",
    "find_slogan_mentions": "analysis.corpus.mentions",
}

if TYPE_CHECKING:  # what type checkers and editors see
    from analysis.config.cleaning_rules import load_cleaning_rules
    from analysis.config.lexicon import load_slogans, load_stopwords, load_userdict
    from analysis.config.settings import load_settings
    from analysis.corpus.build import CorpusTables, build_corpus, document_summary
    from analysis.corpus.clean import clean_corpus, clean_text, restore_raw_text
    from analysis.corpus.load import load_corpus, read_metadata
    from analysis.corpus.mentions import find_slogan_mentions
    from analysis.corpus.segment import (
        Segmenter,
        SegmenterConfig,
        TokenCache,
        segment_texts,
        tokens_table,
    )
    from analysis.corpus.sentences import corpus_sentences, split_sentences
    from analysis.errors import InputError
    from analysis.run.results import RunResults, load_results


__getattr__, __dir__ = lazy_exports(globals(), _WHERE)

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
