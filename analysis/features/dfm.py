"""The document-feature matrix (``Dfm``): sparse term counts per document or group.

Every count-based measure (frequencies, dispersion, keyness, TF-IDF, similarity, correspondence
analysis) starts from a :class:`Dfm` built here from the tokens table, so all of them agree on
what a term is and which tokens count:

* rows are documents (``doc_id``) in the order given (default: first appearance in the tokens),
  including documents with no counted token;
* columns are terms in sorted (code-point) order, so no result depends on document order;
* counts are ``int64`` in a ``scipy.sparse.csr_matrix``; nothing loops over tokens in Python.

``dfm(tokens)`` drops punctuation and stopwords by default (the ``is_punct`` and ``is_stop``
flags of the tokens table); ``dfm_group`` sums rows into groups such as ``level`` or ``genre``;
``dfm_trim`` keeps terms above count thresholds; ``dfm_select_docs`` puts the rows in a given
order of documents, so that one matrix built once serves every measure. Each returns a new
``Dfm``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.checks import check_bool, check_choice, check_int, require_columns
from analysis.errors import InputError
from analysis.features.codes import factorize_sorted, positions_in

DFM_LONG_COLUMNS = ["doc_id", "term", "count"]


@dataclass(frozen=True)
class Dfm:
    """Counts of ``terms`` (columns) in ``docs`` (rows)."""

    matrix: sparse.csr_matrix
    docs: pd.Index
    terms: pd.Index

    def __post_init__(self) -> None:
        if self.matrix.shape != (len(self.docs), len(self.terms)):
            raise InputError(
                f"Dfm: matrix shape {self.matrix.shape} does not match {len(self.docs)} docs "
                f"and {len(self.terms)} terms; give one doc label per row and one term per "
                "column"
            )

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def doc_totals(self) -> pd.Series:
        """Counted tokens per row."""
        return pd.Series(np.asarray(self.matrix.sum(axis=1)).ravel(), index=self.docs, name="total")

    def term_totals(self) -> pd.Series:
        """Corpus frequency of each term."""
        return pd.Series(
            np.asarray(self.matrix.sum(axis=0)).ravel(), index=self.terms, name="count"
        )

    def doc_freq(self) -> pd.Series:
        """Number of rows each term occurs in."""
        return pd.Series(np.diff(self.matrix.tocsc().indptr), index=self.terms, name="doc_freq")

    def to_long(self) -> pd.DataFrame:
        """Non-zero cells as a long table: ``doc_id``, ``term``, ``count``."""
        coo = self.matrix.tocoo()
        order = np.lexsort((coo.col, coo.row))
        return pd.DataFrame(
            {
                "doc_id": self.docs.to_numpy()[coo.row[order]],
                "term": self.terms.to_numpy()[coo.col[order]],
                "count": coo.data[order].astype("int64"),
            }
        )


def dfm(
    tokens: pd.DataFrame,
    *,
    docs: Sequence[str] | None = None,
    remove_punct: bool = True,
    remove_stop: bool = True,
    column: str = "token",
) -> Dfm:
    """Count ``column`` per ``doc_id`` in a tokens table.

    ``docs`` fixes the row order and may list documents without tokens; a ``doc_id`` in the
    tokens but not in ``docs`` is an error. ``column`` names the term column (``token`` in the
    tokens table; n-gram tables from the frequency module use the same name).
    """
    check_bool(remove_punct, "remove_punct", "dfm")
    check_bool(remove_stop, "remove_stop", "dfm")
    needed = (
        ["doc_id", column]
        + (["is_punct"] if remove_punct else [])
        + (["is_stop"] if remove_stop else [])
    )
    require_columns(
        tokens,
        needed,
        "dfm",
        name="the tokens table",
        source="corpus.tokens of analysis.build_corpus",
    )
    keep = np.ones(len(tokens), dtype=bool)
    if remove_punct:
        keep &= ~tokens["is_punct"].to_numpy(dtype=bool)
    if remove_stop:
        keep &= ~tokens["is_stop"].to_numpy(dtype=bool)
    kept = tokens.loc[keep, ["doc_id", column]]
    doc_index = pd.Index(
        list(docs) if docs is not None else pd.unique(tokens["doc_id"]),
        name="doc_id",
        dtype="object",
    )
    if doc_index.has_duplicates:
        raise InputError("dfm: docs lists a doc_id twice; pass each document once")
    # Strings are looked up and sorted once per distinct value, not once per token.
    rows = positions_in(kept["doc_id"], doc_index)
    if (rows < 0).any():
        unknown = kept["doc_id"].iloc[int(np.argmax(rows < 0))]
        raise InputError(
            f"dfm: tokens of doc_id {unknown!r} are not in docs; add it or filter the tokens"
        )
    cols, terms = factorize_sorted(kept[column])
    matrix = sparse.csr_matrix(
        (np.ones(len(kept), dtype=np.int64), (rows, cols)),
        shape=(len(doc_index), len(terms)),
    )
    matrix.sum_duplicates()
    return Dfm(matrix, doc_index, pd.Index(np.asarray(terms, dtype=object), name="term"))


def dfm_group(
    d: Dfm, groups: Mapping[str, str] | pd.Series, *, missing: Literal["error", "drop"] = "error"
) -> Dfm:
    """Sum rows into groups: ``groups`` maps each doc id to its group label.

    Groups are ordered by first appearance in ``d.docs``. A document without a label is an
    error with ``missing="error"``; with ``missing="drop"`` it is left out of every group (as a
    document whose metadata value is missing is left out of that grouping).
    """
    check_choice(missing, "missing", "dfm_group", ("error", "drop"))
    labels = pd.Series(d.docs.map(lambda doc: groups.get(doc)), index=d.docs)  # type: ignore[union-attr]
    unlabelled = labels.isna().to_numpy()
    if unlabelled.any() and missing == "error":
        raise InputError(
            f"dfm_group: no group for doc_id {labels.index[unlabelled][0]!r}; give every "
            "document a value (fill the metadata column)"
        )
    codes, uniques = pd.factorize(labels[~unlabelled], sort=False)
    indicator = sparse.csr_matrix(
        (np.ones(len(codes), dtype=np.int64), (codes, np.flatnonzero(~unlabelled))),
        shape=(len(uniques), len(labels)),
    )
    return Dfm(
        (indicator @ d.matrix).tocsr(), pd.Index(uniques, name="group", dtype="object"), d.terms
    )


def dfm_select_docs(d: Dfm, docs: Sequence[str]) -> Dfm:
    """The rows of ``docs``, in that order: ``dfm(tokens, docs=docs)`` from ``d = dfm(tokens)``.

    A document of ``docs`` that ``d`` has no row for (it has no tokens) gets a row of zeros; a
    row of ``d`` whose document is not in ``docs`` is an error, as :func:`dfm` makes it.
    """
    index = pd.Index(list(docs), name="doc_id", dtype="object")
    if index.has_duplicates:
        raise InputError("dfm_select_docs: docs lists a doc_id twice; pass each document once")
    left_out = ~d.docs.isin(index)
    if left_out.any():
        raise InputError(
            f"dfm_select_docs: the matrix has a row for doc_id {d.docs[left_out][0]!r}, which "
            "is not in docs; add it or build the matrix from the tokens of docs only"
        )
    source = d.docs.get_indexer(index)
    found = np.flatnonzero(source >= 0)
    select = sparse.csr_matrix(
        (np.ones(len(found), dtype=np.int64), (found, source[found])),
        shape=(len(index), len(d.docs)),
    )
    matrix = (select @ d.matrix).tocsr()
    matrix.sort_indices()
    return Dfm(matrix, index, d.terms)


def dfm_trim(d: Dfm, *, min_count: int = 1, min_docs: int = 1) -> Dfm:
    """Keep terms occurring at least ``min_count`` times in all, in at least ``min_docs`` rows."""
    check_int(min_count, "min_count", "dfm_trim", minimum=1)
    check_int(min_docs, "min_docs", "dfm_trim", minimum=1)
    keep = (d.term_totals().to_numpy() >= min_count) & (d.doc_freq().to_numpy() >= min_docs)
    return Dfm(d.matrix[:, keep].tocsr(), d.docs, d.terms[keep])


def as_dfm(x: pd.DataFrame | Dfm, caller: str) -> Dfm:
    """``x`` itself if it is a :class:`Dfm`, else the default ``dfm(x)`` of a tokens table.

    The default drops punctuation and stopwords; build the ``Dfm`` yourself for other choices.
    """
    if isinstance(x, Dfm):
        return x
    if isinstance(x, pd.DataFrame):
        return dfm(x)
    raise InputError(
        f"{caller}: expected a tokens table (pandas DataFrame with doc_id and token) or an "
        f"analysis.features.dfm.Dfm, got {type(x).__name__}; pass corpus.tokens or "
        "dfm(corpus.tokens)"
    )


def sorted_by_doc(d: Dfm) -> Dfm:
    """The same counts with rows in code-point order of ``doc_id``, so results never depend on
    the order documents were given in."""
    order = np.argsort(d.docs.to_numpy(dtype=object), kind="stable")
    return Dfm(d.matrix[order].tocsr(), d.docs[order], d.terms)


def code_point_rank(labels: pd.Index) -> np.ndarray:
    """Position of each label in code-point order (a sort key for ties)."""
    order = np.argsort(labels.to_numpy(dtype=object), kind="stable")
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    return rank
