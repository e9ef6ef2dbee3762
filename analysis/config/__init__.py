"""Settings a researcher edits, read from ``data/``: run settings, slogan lexicon, stopwords and
user dictionary, cleaning rules, and where files live.

May import: :mod:`analysis.errors`, :mod:`analysis.checks`.
"""
