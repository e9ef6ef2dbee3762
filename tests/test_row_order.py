"""Every written table is in a stated row order that leaves no ties, so two runs cannot order
rows differently (issue 6, section 3). The rules are listed in docs/RELIABILITY.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PROJECT

from analysis.config.lexicon import load_slogans

# (column, order): "asc"/"desc" by value (text by code point), or a named order:
#   "documents" — the documents table's order (metadata rows, then files without a row by path);
#   "lexicon"   — slogans.yml order;  "listed" — the values' documented order, given in LISTED.
ROW_ORDER: dict[str, list[tuple[str, str]]] = {
    "documents": [("doc_id", "documents")],
    "cleaning_log": [("doc_id", "documents"), ("start", "asc"), ("end", "asc"), ("rule", "asc")],
    "slogan_mentions": [
        ("doc_id", "documents"), ("start", "asc"), ("end", "asc"), ("slogan", "lexicon"),
    ],
    "term_frequencies": [
        ("scope", "listed"), ("grouping", "asc"), ("group", "asc"), ("doc_id", "asc"),
        ("kind", "listed"), ("ngram", "asc"), ("rank", "asc"), ("term", "asc"),
    ],
    "dispersion": [("partition", "listed"), ("frequency", "desc"), ("term", "asc")],
    "keyness": [
        ("grouping", "listed"), ("target", "asc"), ("reference", "asc"),
        ("direction", "listed"), ("g2", "desc"), ("term", "asc"),
    ],
    "tfidf": [("doc_id", "asc"), ("rank", "asc"), ("term", "asc")],
    "similarity": [("doc_a", "asc"), ("doc_b", "asc")],
    "similarity_clusters": [("step", "asc")],
    "slogan_counts": [
        ("scope", "listed"), ("grouping", "listed"), ("group", "asc"), ("doc_id", "asc"),
        ("slogan", "lexicon"),
    ],
    "slogan_cooccurrence": [
        ("scope", "listed"), ("grouping", "listed"), ("group", "asc"), ("doc_id", "asc"),
        ("unit", "listed"), ("slogan_a", "lexicon"), ("slogan_b", "lexicon"),
    ],
    "collocates": [("slogan", "lexicon"), ("logdice", "desc"), ("term", "asc")],
    "kwic": [("pattern", "lexicon"), ("doc_id", "documents"), ("start", "asc"), ("end", "asc")],
    "formulae": [("n_docs", "desc"), ("length", "desc"), ("formula", "asc")],
    "formula_occurrences": [("formula", "formulae"), ("doc_id", "asc"), ("start", "asc")],
    "ca_coordinates": [("kind", "listed"), ("label", "asc"), ("dimension", "asc")],
    "ca_inertia": [("dimension", "asc")],
    "slogan_trends": [
        ("grouping", "listed"), ("group", "asc"), ("year", "asc"), ("slogan", "lexicon"),
    ],
    "shared_boilerplate": [("n_docs", "desc"), ("line", "asc")],
}
#: Tables that may be empty for the five documents (no line recurs in five of five documents).
MAY_BE_EMPTY = {"shared_boilerplate"}
LISTED = {
    "scope": ["document", "group", "corpus"],
    "grouping": ["", "level", "genre", "doc_id"],  # settings' group_by order; doc_id first in keyness
    "kind": ["token", "char"],
    "partition": ["document", "equal_parts"],
    "direction": ["positive", "negative"],
    "unit": ["sentence", "paragraph", "document", "window"],
    "kind_ca": ["document", "term"],
}


def _rank(table: pd.DataFrame, column: str, order: str, context: dict) -> np.ndarray:
    values = table[column]
    if order in ("documents", "lexicon", "formulae"):
        position = {v: i for i, v in enumerate(context[order])}
        unknown = set(values) - set(position)
        assert not unknown, f"{column}: values outside the {order} order: {sorted(unknown)[:3]}"
        return values.map(position).to_numpy()
    if order == "listed":
        listed = LISTED["kind_ca"] if column == "kind" and "label" in table else LISTED[column]
        if column == "grouping" and "target" in table:
            listed = ["doc_id", "level", "genre"]
        return values.map({v: i for i, v in enumerate(listed)}).to_numpy()
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().all():
        ranks = numeric.rank(method="dense").to_numpy()
    else:  # text: code-point order, empty first
        ranks = pd.Series(pd.factorize(values, sort=True)[1].get_indexer(values)).to_numpy()
    return -ranks if order == "desc" else ranks


@pytest.fixture(scope="module")
def written(full_run):
    folder = full_run[0] / "tables"
    tables = {
        name: pd.read_csv(folder / f"{name}.csv", encoding="utf-8-sig", dtype=str,
                          keep_default_na=False)
        for name in ROW_ORDER
    }
    context = {
        "documents": tables["documents"]["doc_id"].tolist(),
        "lexicon": list(load_slogans(PROJECT / "data/lexicon/slogans.yml").names),
        "formulae": tables["formulae"]["formula"].tolist(),
    }
    return tables, context


def test_every_table_written_has_a_stated_order(full_run):
    written_names = {p.stem for p in (full_run[0] / "tables").glob("*.csv")}
    assert written_names == set(ROW_ORDER)


@pytest.mark.parametrize("name", sorted(ROW_ORDER))
def test_rows_follow_the_stated_order_with_no_ties(written, name):
    tables, context = written
    table = tables[name]
    assert len(table) > 0 or name in MAY_BE_EMPTY
    keys = ROW_ORDER[name]
    columns = [column for column, _ in keys]
    assert not table.duplicated(columns).any(), f"{name}: two rows share {columns}"
    ranks = [_rank(table, column, order, context) for column, order in keys]
    for column, rank in zip(columns, ranks, strict=True):
        assert not pd.isna(rank).any(), f"{name}.{column}: a value outside its stated order"
    order = np.lexsort(list(reversed(ranks)))
    misplaced = np.flatnonzero(order != np.arange(len(table)))
    assert misplaced.size == 0, f"{name}: row {misplaced[:1]} is out of the stated order"
