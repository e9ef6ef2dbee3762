"""Every written table is in a stated row order that leaves no ties, so two runs cannot order
rows differently (issue 6, section 3). The rules are listed in docs/RELIABILITY.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PROJECT

from analysis.config.lexicon import load_slogans
from analysis.config.registry import STEPS, TABLES, row_order

#: The stated row order of every table the five-document run writes (the model tables are
#: checked in tests/test_models.py; the five documents fit no model), from the registry.
MODEL_TABLES = {t.name for step in STEPS if step.name in ("topics", "scaling") for t in step.tables}
ROW_ORDER: dict[str, list[tuple[str, str]]] = {
    name: list(row_order(name)) for name in TABLES if name not in MODEL_TABLES
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
