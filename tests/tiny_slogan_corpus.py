"""A three-document corpus with four slogans, built by the real pipeline (cleaning, sentences,
jieba with the slogan lexicon, slogan matching); shared by the slogan-count and co-occurrence
tests, whose exact expectations are worked out by hand from the comments below.

Paragraphs (lines), their characters and the mentions (offsets, paragraph, sentence):

* a: "树正气、讲团结、求发展。" (12)  "团结协调很重要。" (8) → 20 chars, 2 sentences in 2 paragraphs;
  formula [0,11) p1 s1 · 团结 [5,7) p1 s1 (inside the token 讲团结) · 团结 [13,15) p2 s2
  (inside 团结协调): neither 团结 is a whole token
* b: "班子要团结。一把手要带头团结同志。" (17)  "坚持民主集中制。" (8) → 25 chars, 3 sentences in
  2 paragraphs; 团结 [3,5) p1 s1 · 一把手 [6,9) p1 s2 · 团结 [12,14) p1 s2 · 民主集中制 [20,25) p2 s3
* c: "一把手负总责。" (7) → 7 chars, 1 sentence; 一把手 [0,3) p1 s1
"""

from __future__ import annotations

import pandas as pd

from analysis.config.lexicon import load_stopwords, parse_slogans
from analysis.corpus.clean import clean_corpus
from analysis.corpus.mentions import find_slogan_mentions
from analysis.corpus.segment import SegmenterConfig, segment_texts, tokens_table
from analysis.corpus.sentences import corpus_sentences

LEX = parse_slogans(
    {
        "slogans": [
            {"name": "团结", "variants": ["团结"]},
            {"name": "民主集中制", "variants": ["民主集中制"]},
            {"name": "一把手", "variants": ["一把手"]},
            {"name": "树正气、讲团结、求发展", "parts": ["树正气", "讲团结", "求发展"]},
        ]
    },
    source="test lexicon",
)
FORMULA = "树正气、讲团结、求发展"
RAW = pd.DataFrame(
    {
        "doc_id": ["b", "a", "c"],
        "level": ["city", "city", "province"],
        "genre": ["speech", "opinion", "speech"],
        "raw_text": [
            "班子要团结。一把手要带头团结同志。\n坚持民主集中制。",
            "树正气、讲团结、求发展。\n团结协调很重要。",
            "一把手负总责。",
        ],
    }
)


def tiny_corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(documents, sentences, mentions) of :data:`RAW`."""
    documents, _ = clean_corpus(RAW)
    sentences = corpus_sentences(documents)
    segments = segment_texts(documents["text"].tolist(), SegmenterConfig.from_lexicons((), LEX))
    tokens = tokens_table(documents, sentences, segments, stopwords=load_stopwords())
    return documents, sentences, find_slogan_mentions(documents, sentences, tokens, LEX)
