"""Checks that every number an executed notebook shows is in the run's table it came from.

Tables shown with :class:`analysis.run.views.Shown` carry ``{"analysis": {"table": NAME}}`` in their
output's metadata. For each such output, every row of the displayed HTML table must equal some
row of ``OUT/tables/NAME.parquet`` on every displayed column that the table has (numbers to the
six decimals pandas displays, text exactly, empty cells for missing values).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
from bs4 import BeautifulSoup


def shown_tables(executed: Path) -> list[tuple[str, pd.DataFrame]]:
    """``(source table, displayed cells as text)`` for every tagged output of a notebook."""
    notebook = nbformat.read(executed, as_version=4)
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            source = output.get("metadata", {}).get("analysis", {}).get("table")
            if not source:
                continue
            soup = BeautifulSoup(output["data"]["text/html"], "html.parser")
            header = [th.get_text() for th in soup.find("thead").find_all("th")]
            rows = [
                [td.get_text() for td in tr.find_all("td")]
                for tr in soup.find("tbody").find_all("tr")
            ]
            found.append((source, pd.DataFrame(rows, columns=header, dtype=object)))
    return found


def _matches(column: pd.Series, shown: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(column):
        return column.astype(str).to_numpy() == shown
    if pd.api.types.is_numeric_dtype(column):
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if shown in ("", "<NA>", "NaN"):
            return np.isnan(values)
        target = float(shown)
        return np.isclose(values, target, rtol=1e-9, atol=1e-6) | (
            np.isinf(values) & (values == target)
        )
    return _text(column).to_numpy() == shown


def _text(column: pd.Series) -> pd.Series:
    text = column.astype(object).where(column.notna(), "").astype(str)
    # pandas prints line breaks and tabs inside a cell as \n, \t
    return text.str.replace("\t", "\\t").str.replace("\n", "\\n").str.replace("\r", "\\r")


def check_shown_numbers(executed: Path, tables: Path) -> int:
    """Raise AssertionError naming the first shown row not found in its table; return the
    number of shown rows checked."""
    checked = 0
    cache: dict[str, pd.DataFrame] = {}
    for source, shown in shown_tables(executed):
        if source not in cache:
            cache[source] = pd.read_parquet(tables / f"{source}.parquet")
        table = cache[source]
        columns = [c for c in shown.columns if c in table.columns]
        assert columns, f"{executed.name}: a table shown from {source} has none of its columns"
        # Rows are looked up by the text column with most distinct values (term, doc_id …)
        # first, so a table of millions of rows is scanned once, not once per shown row.
        texts = [
            c
            for c in columns
            if not pd.api.types.is_numeric_dtype(table[c])
            and not pd.api.types.is_bool_dtype(table[c])
        ]
        key = max(texts, key=lambda c: table[c].nunique()) if texts else None
        index = _text(table[key]).groupby(_text(table[key])).indices if key else None
        for _, row in shown.iterrows():
            rows = table if key is None else table.iloc[index.get(row[key], [])]
            mask = np.ones(len(rows), dtype=bool)
            for column in columns:
                mask &= _matches(rows[column], row[column])
                if not mask.any():
                    raise AssertionError(
                        f"{executed.name}: shown row {row.to_dict()} is not in {source} "
                        f"(no row matches on {column!r} with the columns before it)"
                    )
            checked += 1
    return checked


def read_csv_table(tables: Path, name: str) -> pd.DataFrame:
    """``OUT/tables/NAME.csv`` with every cell as text (an empty cell for a missing value)."""
    return pd.read_csv(
        tables / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def check_claims(claims: pd.DataFrame, tables: Path, text: str | None = None) -> int:
    """Check every number a findings text cites (``analysis.run.findings.CLAIM_COLUMNS``) against
    the run's CSV tables, read here without the package: a cell is looked up by its row keys, an
    aggregate (sum, min, max, count, rows, distinct) recomputed over the keyed rows, a derived
    number (ratio, difference, percent) recomputed from the claims it is made of. The printed
    number must be the value rounded, and (given ``text``) appear in the text. Returns the
    number of claims checked; raises AssertionError naming the first that is wrong."""
    import json
    import math

    cache: dict[str, pd.DataFrame] = {}
    checked: dict[str, float] = {}
    for claim in claims.itertuples(index=False):
        of = [c for c in claim.of.split(";") if c]
        if of:
            operands = [checked[c] for c in of]  # a derived number follows what it is made of
            expected = {
                "ratio": lambda a, b: a / b,
                "difference": lambda a, b: a - b,
                "percent": lambda a, b: 100 * a / b,
            }[claim.how](*operands)
        else:
            if claim.table not in cache:
                cache[claim.table] = read_csv_table(tables, claim.table)
            frame = cache[claim.table]
            mask = np.ones(len(frame), dtype=bool)
            for column, value in json.loads(claim.keys).items():
                mask &= (frame[column] == ("" if value is None else str(value))).to_numpy()
            rows = frame[mask]
            numbers = pd.to_numeric(rows[claim.column], errors="coerce") if len(rows) else None
            if claim.how in ("cell", "percent"):
                assert len(rows) == 1, f"{claim.claim}: {len(rows)} rows match {claim.keys}"
                expected = float(numbers.iloc[0]) * (100 if claim.how == "percent" else 1)
            elif claim.how == "rows":
                expected = len(rows)
            elif claim.how == "count":
                expected = int((rows[claim.column] != "").sum())
            elif claim.how == "distinct":
                expected = rows[claim.column].nunique()
            else:
                expected = float(getattr(numbers, claim.how)())
        assert math.isclose(claim.value, expected, rel_tol=1e-9, abs_tol=1e-9), (
            f"{claim.claim}: cites {claim.value}, the tables give {expected}"
        )
        printed = claim.shown.replace(",", "").removesuffix("%")
        decimals = len(printed.split(".")[1]) if "." in printed else 0
        assert abs(float(printed) - claim.value) <= 0.5 * 10**-decimals + 1e-9, (
            f"{claim.claim}: {claim.shown} is not {claim.value} rounded"
        )
        if text is not None:
            assert claim.shown in text, f"{claim.claim}: {claim.shown} is not in the text"
        checked[claim.claim] = claim.value
    return len(checked)
