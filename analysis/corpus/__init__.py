"""The corpus stages, in the order data flows: load (with encoding detection) → clean (with an
audit of every removal) → sentences → segment (jieba, cached) → slogan mentions; :mod:`.build`
runs them all, :mod:`.engine` runs them over processes, :mod:`.add` adds texts to a corpus.

May import: :mod:`analysis.errors`, :mod:`analysis.checks`, :mod:`analysis.config`.
"""
