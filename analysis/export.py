"""Writing tables to disk.

CSV files are UTF-8 with a byte-order mark (``utf-8-sig``) so that Excel opens Chinese text
correctly; pandas, R and every other tool read the BOM transparently. Files are written atomically.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.paths import atomic_write, safe_child


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``table`` as a UTF-8-with-BOM CSV (no index) at ``path``, atomically."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"write_csv expects a pandas DataFrame, got {type(table).__name__}")
    return atomic_write(
        path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    )


def write_tables(tables: dict[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """Write each ``name -> table`` as ``folder/name.csv``; names may not escape ``folder``."""
    return [write_csv(table, safe_child(folder, f"{name}.csv")) for name, table in tables.items()]
