"""A run and its outputs: which tables to compute (:mod:`.tables`), figures, notebooks, the
manifest of what the run wrote and owns, exports, and reading a finished run back
(:mod:`.results`).

May import every other folder of the package.
"""
