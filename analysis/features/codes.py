"""Integer codes for the string columns of the token-level tables (``doc_id``, ``token``).

The tokens table keeps its strings in Arrow arrays. Turning such a column into a NumPy object
array (``to_numpy``, ``astype(str).to_numpy()``, ``Index.get_indexer`` on the column) makes one
Python string per row: on six million tokens that is about 0.4 GB per column, for a moment,
and it was most of a run's peak memory. The measures therefore code a column once with
:func:`pandas.factorize`, which for Arrow strings works on Arrow's dictionary encoding, and do
all further string work on the distinct values only.

The same goes for the arrays a measure builds over every token: :func:`blocks_of_whole_runs`
cuts the coded tokens into blocks of whole documents, so that a measure whose counts add up over
documents (collocates, each document's keyness) holds one block's arrays at a time.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd


def factorize_sorted(values: pd.Series | pd.api.extensions.ExtensionArray) -> tuple[
    np.ndarray, pd.Index
]:
    """``pd.factorize(values, sort=True)``: codes into the distinct values in code-point order.

    Only the distinct values are sorted (Arrow compares UTF-8 bytes, which orders as code
    points do). Codes are ``intp``; a missing value gets ``-1``.
    """
    codes, uniques = pd.factorize(values, sort=False)
    distinct = pd.Index(uniques)
    order = distinct.argsort()
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    coded = np.asarray(codes, dtype=np.intp)
    found = coded >= 0
    return np.where(found, rank[np.where(found, coded, 0)], -1), distinct.take(order)


def positions_in(values: pd.Series | pd.api.extensions.ExtensionArray, index: pd.Index) -> (
    np.ndarray
):
    """The position in ``index`` of each of ``values`` (``-1`` where it is not there, or the value
    is missing), as ``index.get_indexer(values)`` gives, looking each distinct value up once."""
    codes, uniques = pd.factorize(values, sort=False)
    coded = np.asarray(codes, dtype=np.intp)
    found = np.append(index.get_indexer(uniques), -1)
    return found[coded]  # a code of -1 (missing) picks the appended -1


def blocks_of_whole_runs(keys: np.ndarray, size: int) -> list[slice]:
    """Consecutive slices of ``keys`` (sorted, e.g. the document of each token) of about ``size``
    elements each that never split a run of equal keys; a run longer than ``size`` is a block
    of its own. A measure that works a block at a time then holds one block's temporaries
    instead of the whole corpus's, and each document (or comparison) is whole in one block."""
    firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])  # where each run starts
    bounds = [0]
    while bounds[-1] < len(keys):
        # the block ends where the first run starting `size` elements on (if any) begins
        at = int(np.searchsorted(firsts, bounds[-1] + size))
        bounds.append(int(firsts[at]) if at < len(firsts) else len(keys))
    return [slice(lo, hi) for lo, hi in itertools.pairwise(bounds)]
