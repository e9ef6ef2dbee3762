"""Slogan counts per document and per group, with bootstrap intervals: ``slogan_counts.csv``.

``textstat_slogans(documents, mentions, lexicon)`` counts every slogan of the lexicon (or of a
selection) in every document — zero counts included — and pools documents into groups, so that
documents of very different lengths can be compared as rates per 10,000 characters.

Rows and columns (fixed, whatever the data):

``scope``
    ``"document"`` (one document), ``"group"`` (the documents sharing a metadata value) or
    ``"corpus"`` (all documents).
``grouping``, ``group``
    for group rows, the metadata column (e.g. ``level``) and its value as text (e.g. ``city``);
    empty (``""``) for document and corpus rows. Documents whose value is missing are left out
    of that grouping (they still count in their own rows and in the corpus row).
``doc_id``
    the document, empty (``""``) for group and corpus rows.
``slogan``
    the canonical slogan name, in lexicon order.
``n_docs``, ``n_paragraphs``, ``n_chars``
    documents, non-empty paragraphs (lines of the cleaned text) and characters (line breaks
    excluded, as :func:`analysis.corpus.clean.count_chars`) in the row's scope.
``count``
    mentions in the cleaned text (every row of the mentions table: 团结 inside 团结协调 or
    inside the formula 树正气、讲团结、求发展 counts).
``token_count``
    mentions that are whole tokens (``is_token``).
``per_10k_chars``
    ``count / n_chars × 10,000``; for a group, the rate of its documents taken together
    (total mentions / total characters), so long documents weigh more than short ones.
``ci_low``, ``ci_high``
    percentile bootstrap interval of ``per_10k_chars`` at level ``confidence``.
``ci_method``
    what the row's interval resampled: ``"paragraphs"`` (every document row; pooled rows with
    the default ``resample="paragraphs"``), ``"documents"`` (pooled rows of two or more
    documents with ``resample="documents"``) or ``"none"`` (no interval: NaN, with
    ``bootstrap_resamples=0`` or for a pooled row of one document with
    ``resample="documents"``).
``confidence``, ``n_resamples``, ``seed``
    what the interval was computed with, so anyone can reproduce it.

Rows are sorted by scope (document, group, corpus), grouping in ``group_by`` order, group value,
``doc_id``, then slogan in lexicon order; nothing depends on the order of the input rows.

The bootstrap (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13, percentile
interval). A document's resampling units are its paragraphs: each resample draws ``P`` of its
``P`` paragraphs with replacement, and its rate is

    rate* = Σ mentions of the drawn paragraphs / Σ characters of the drawn paragraphs × 10,000.

The interval is the ``(1 − confidence)/2`` and ``(1 + confidence)/2`` quantiles of the
``n_resamples`` rates (numpy's default linear interpolation, Hyndman & Fan 1996 type 7).
Paragraphs, not sentences or characters, are resampled because slogans cluster within
paragraphs (a paragraph on unity repeats 团结); resampling smaller units would understate the
variance.

Group and corpus rows use a *stratified* bootstrap: each resample draws paragraphs within each
member document (the very same draws as the document rows) and pools them,
``rate* = Σ_d mentions*_d / Σ_d characters*_d``. Resampling whole documents instead
(``resample="documents"``, below) is the right model for generalising to a population of
documents, but this study's groups hold one to three documents (a group of one gets no
interval), so by default the interval describes the uncertainty of the rate within the documents
at hand, conditional on which documents there are.
With few paragraphs the interval is coarse (a one-paragraph document gets ``ci_low == ci_high``);
``n_paragraphs`` shows when.

Document (cluster) bootstrap of pooled rows, ``resample="documents"``: where the question is how
the rate would vary across *other documents like these* (a genre's rate in a decade, drawn from
many reports), the resampling units of a group are its documents, whole, as in the first stage of
two-stage (cluster) sampling (Davison & Hinkley 1997, *Bootstrap Methods and their
Application*, §3.8 "Hierarchical data": resample clusters with replacement and keep each
cluster intact; Field & Welsh 2007, "Bootstrapping clustered data", *JRSS B* 69(3), 369–390,
the "cluster bootstrap"). A group of ``D = n_docs`` documents with counts ``c_d`` and characters
``n_d`` gets, in each resample, ``D`` documents drawn with replacement, ``d*_1 … d*_D``, and

    rate* = Σ_k c_{d*_k} / Σ_k n_{d*_k} × 10,000   (a ratio estimator, as the point estimate),

with the same percentile interval as above (resamples whose drawn documents have no characters
at all have no rate and are left out: ``numpy.nanquantile``). Between-document variation is
what the interval then measures, so a group of one document cannot have one: every resample
draws that document, and the zero-width interval it would give claims a certainty that one
document cannot support; such rows get NaN and ``ci_method = "none"``. Document rows keep the
paragraph bootstrap (with the very same numbers as under the default).

Randomness of the document bootstrap: a second, separate generator,
``numpy.random.default_rng((seed, 1))``, so the paragraph draws above (and every number of the
default) do not change with ``resample``. Pooled rows are drawn in table order (grouping in
``group_by`` order, group value, then the corpus row; rows of one document draw nothing),
resample by resample, each resample's ``D`` draws as ``⌊u·D⌋`` of ``D`` uniform numbers
``u ∈ [0, 1)`` from ``Generator.random`` (a stream that does not depend on how the work is
chunked; the bias of ``⌊u·D⌋`` is below ``D · 2⁻⁵³``).

Randomness: one ``numpy.random.default_rng(seed)`` stream, drawn document by document in
``doc_id`` order, paragraph by paragraph, so results depend only on ``seed``, ``n_resamples``
and the set of documents (adding a document may change other documents' intervals; reordering
never does). The draws are an integer-index matrix (paragraphs × resamples) turned into a sparse
resample-by-paragraph count matrix; no Python loop runs per resample. A slogan a document never
mentions gets the interval [0, 0] without resampling (every resample's rate is 0).

The computation lives in :mod:`analysis.features.slogans`, which
:func:`analysis.measures.trends.textstat_slogan_trends` shares.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.config.lexicon import SloganLexicon
from analysis.features.slogans import (
    CI_METHODS,
    MAX_CELLS,
    PER_CHARS,
    RESAMPLE_UNITS,
    SCOPES,
    SLOGAN_COUNT_COLUMNS,
    Resample,
    check_slogan_count_arguments,
    slogan_count_table,
)

__all__ = [
    "CI_METHODS",
    "PER_CHARS",
    "RESAMPLE_UNITS",
    "SCOPES",
    "SLOGAN_COUNT_COLUMNS",
    "Resample",
    "textstat_slogans",
]


def textstat_slogans(
    documents: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: SloganLexicon,
    *,
    slogans: str | Sequence[str] | None = None,
    group_by: Sequence[str] = ("level", "genre"),
    resample: Resample = "paragraphs",
    bootstrap_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 20071020,
    _max_cells: int = MAX_CELLS,
) -> pd.DataFrame:
    """Counts and rates per 10,000 characters of each slogan, per document and pooled.

    ``documents`` needs ``doc_id`` and ``text`` (the cleaned text) and the ``group_by`` columns;
    ``mentions`` is the mentions table (``doc_id``, ``slogan``, ``start``, ``end``,
    ``is_token``); ``lexicon`` the :class:`~analysis.config.lexicon.SloganLexicon` it was found
    with.
    ``slogans`` restricts the table to some slogans (an unknown name is an
    :class:`~analysis.errors.InputError`). ``bootstrap_resamples=0`` skips the bootstrap
    (intervals are NaN). ``resample`` chooses what the intervals of pooled rows resample:
    ``"paragraphs"`` within each member document (stratified; the uncertainty of the rate of
    these documents) or ``"documents"`` (cluster bootstrap; the variation between documents of a
    group, for groups of two or more documents); document rows always resample paragraphs, and
    ``ci_method`` names the choice on every row. Defaults are those of ``slogan_counts:`` in
    ``data/settings.yml``. Bad options are an :class:`~analysis.errors.InputError`.

    Formulas (see the module docstring for the bootstrap):

    * ``per_10k_chars = count / n_chars × 10,000`` (NaN for a document without characters);
    * pooled: ``Σ_d count_d / Σ_d n_chars_d × 10,000``;
    * intervals: percentile bootstrap, paragraphs within documents (Efron & Tibshirani 1993) or,
      for pooled rows with ``resample="documents"``, whole documents (Davison & Hinkley 1997
      §3.8; Field & Welsh 2007), ``rate* = Σ_k count_{d*_k} / Σ_k n_chars_{d*_k} × 10,000``
      over the ``n_docs`` documents ``d*_k`` drawn with replacement.

    Returns the columns :data:`SLOGAN_COUNT_COLUMNS`.
    """
    caller = "textstat_slogans"
    options = check_slogan_count_arguments(
        documents, mentions, lexicon, slogans=slogans, group_by=group_by, resample=resample,
        bootstrap_resamples=bootstrap_resamples, confidence=confidence, seed=seed, caller=caller,
    )
    # The counting is shared with textstat_slogan_trends, which pools documents by time step.
    return slogan_count_table(documents, mentions, options, caller=caller, max_cells=_max_cells)
