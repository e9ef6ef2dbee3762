"""Features built from the token table and shared by the measures: the document-feature matrix,
n-grams, and where slogans occur.

May import: :mod:`analysis.errors`, :mod:`analysis.checks`, :mod:`analysis.config`,
:mod:`analysis.corpus`.
"""
