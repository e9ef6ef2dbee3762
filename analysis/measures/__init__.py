"""Measures (``textstat_*``): functions that take the corpus tables and return statistics tables.

Each module holds one measure family; every function documents its formula and source, and each
has a test module checking it against an independent implementation or a worked example.
"""
