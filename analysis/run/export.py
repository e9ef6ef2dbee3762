"""Writing tables to disk: a CSV for people and a Parquet file for programs.

Every table is written twice, atomically, into one folder:

* ``<name>.parquet`` — the complete table with its column types (pyarrow; what
  :func:`analysis.run.results.load_results` and the notebooks read);
* ``<name>.csv`` — UTF-8 with a byte-order mark (``utf-8-sig``), so that Excel opens Chinese text
  correctly; pandas, R and every other tool read the BOM transparently.

A spreadsheet opens about a million rows and becomes unusable long before that, so a CSV is kept
to a size one can open (:class:`CsvLimits`): a table of at most ``max_rows`` rows is written
whole; a longer one keeps, when it ranks terms (a ``rank`` column), the ``top_terms``
best-ranked terms of each unit (the columns before ``term``; ties in the table's order), and
otherwise (or if that is still too long) its first ``max_rows`` rows in the table's documented
order. What was cut is returned (:func:`write_tables`) and recorded in the
run's manifest; the Parquet file beside it always holds every row.

Two other writers live here, since measures write no files: :func:`write_graphml` (the
collocation network, for Gephi) and :func:`write_kwic` (a concordance as CSV or HTML).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.config.paths import atomic_write, safe_child, write_text_atomic
from analysis.errors import InputError
from analysis.measures.kwic import kwic_html, kwic_output_format

#: Tables written as Parquet only: cells too long for a spreadsheet (a document's whole text).
PARQUET_ONLY = frozenset({"texts"})


@dataclass(frozen=True)
class CsvLimits:
    """How long a CSV may get before it is cut (settings ``outputs:``)."""

    max_rows: int = 200_000
    top_terms: int = 200

    def __post_init__(self) -> None:
        for name in ("max_rows", "top_terms"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(
                    f"settings: `outputs: csv_{name}` must be a whole number of at least 1, "
                    f"got {value!r}"
                )


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``table`` as a UTF-8-with-BOM CSV (no index) at ``path``, atomically."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"write_csv expects a pandas DataFrame, got {type(table).__name__}")
    return atomic_write(
        path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    )


def write_parquet(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``table`` (no index) as Parquet at ``path``, atomically and byte-reproducibly."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"write_parquet expects a pandas DataFrame, got {type(table).__name__}")
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    return atomic_write(path, lambda tmp: pq.write_table(arrow, tmp, compression="zstd"))


def _unit_columns(table: pd.DataFrame) -> list[str]:
    """The columns naming a ranking's unit: those before ``term`` (``scope`` … ``ngram`` in
    term_frequencies, ``doc_id`` in tfidf)."""
    columns = list(table.columns)
    return columns[: columns.index("term")] if "term" in columns else []


def csv_rows(table: pd.DataFrame, limits: CsvLimits) -> tuple[pd.DataFrame, str]:
    """The rows of ``table`` its CSV keeps (see the module docstring) and how they were chosen
    (``""`` when the table is kept whole)."""
    if len(table) <= limits.max_rows:
        return table, ""
    rule = ""
    if "rank" in table.columns:
        # The best-ranked terms of each unit, ties in the table's own order, so a tie at the
        # cut (hundreds of terms counted once) cannot bring back the whole table.
        ranked = table[table["rank"] <= limits.top_terms]
        units = _unit_columns(ranked)
        if units:
            order = ranked.sort_values([*units, "rank"], kind="stable")
            best = order.groupby(units, sort=False, dropna=False).head(limits.top_terms)
        else:
            best = ranked.sort_values("rank", kind="stable").head(limits.top_terms)
        table = ranked.loc[ranked.index.isin(best.index)]
        rule = f"the {limits.top_terms} best-ranked terms of each unit"
        if len(table) <= limits.max_rows:
            return table, rule
        rule += ", then "
    return table.head(limits.max_rows), rule + f"the first {limits.max_rows:,} rows"


#: Tables of more rows than this in all are written by worker processes when there are jobs to
#: spare; below it, starting them costs more than it saves.
PARALLEL_WRITE_ROWS = 200_000


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    folder: str | Path,
    *,
    limits: CsvLimits | None = None,
    jobs: int = 1,
) -> tuple[list[Path], dict[str, dict[str, object]]]:
    """Write each ``name -> table`` as ``folder/name.parquet`` and ``folder/name.csv``.

    Returns the files written (in the order of ``tables``) and, for every CSV that was cut,
    ``{name: {"rows": all rows, "csv_rows": rows in the CSV, "rule": how they were chosen}}``.
    Names may not escape ``folder``. With ``jobs`` above 1 and more than
    :data:`PARALLEL_WRITE_ROWS` rows in all, ``jobs`` worker processes forked from this one
    write the tables (:class:`TableWriting`); the files are the same either way.
    """
    with TableWriting(tables, folder, limits=limits, jobs=jobs) as writing:
        return writing.result()


class TableWriting:
    """:func:`write_tables` started: in worker processes when it is worth it (see there), the
    largest table first, so that this process can do other work until :meth:`result`. (Worker
    processes, since CSV formatting holds the GIL; they are forked before this process does
    anything else, and share the tables rather than receive them.) Use it as a context manager,
    so that the workers end however the block does."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        folder: str | Path,
        *,
        limits: CsvLimits | None = None,
        jobs: int = 1,
    ) -> None:
        import multiprocessing

        self.tables, self.folder = tables, Path(folder)
        self.limits = limits or CsvLimits()
        for name in tables:
            safe_child(folder, f"{name}.parquet")  # every name checked before anything is written
        self._pool: Any = None
        self._pending: dict[str, Any] = {}
        rows = sum(map(len, tables.values()))
        if (
            jobs > 1
            and len(tables) > 1
            and rows > PARALLEL_WRITE_ROWS
            and "fork" in multiprocessing.get_all_start_methods()
        ):
            self._start_workers(jobs)

    def _start_workers(self, jobs: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from analysis.corpus.engine import die_with_parent, return_free_memory

        global _WRITING
        _WRITING = (self.tables, self.folder, self.limits)
        return_free_memory()  # a forked worker's resident memory counts what it shares
        self._pool = ProcessPoolExecutor(
            max_workers=min(jobs, len(self.tables)),
            mp_context=multiprocessing.get_context("fork"),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        )
        try:
            # With fork, the executor starts every worker at the first submission: all of them
            # are forked here, before this process starts any thread of its own.
            for name in sorted(self.tables, key=lambda n: -self.tables[n].size):
                self._pending[name] = self._pool.submit(_write_in_worker, name)
        except BaseException:  # no `with` block will end these workers
            self.__exit__()
            raise

    @property
    def in_workers(self) -> bool:
        """Whether worker processes write the tables."""
        return self._pool is not None

    def result(self) -> tuple[list[Path], dict[str, dict[str, object]]]:
        """The files written, in the order of the tables, and the CSVs cut (as
        :func:`write_tables`)."""
        written: list[Path] = []
        cut: dict[str, dict[str, object]] = {}
        for name, table in self.tables.items():
            if name in self._pending:
                files, cut_rule = self._pending[name].result()
            else:
                files, cut_rule = _write_table_files(name, table, self.folder, self.limits)
            written += files
            if cut_rule is not None:
                cut[name] = cut_rule
        return written, cut

    def __enter__(self) -> TableWriting:
        return self

    def __exit__(self, *exc: object) -> None:
        global _WRITING
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            _WRITING = None


def _write_table_files(
    name: str, table: pd.DataFrame, folder: Path, limits: CsvLimits
) -> tuple[list[Path], dict[str, object] | None]:
    """Write one table's Parquet file and (unless Parquet-only) its CSV; the files and, when
    the CSV was cut, how."""
    written = [write_parquet(table, safe_child(folder, f"{name}.parquet"))]
    if name in PARQUET_ONLY:
        return written, None
    shown, rule = csv_rows(table, limits)
    written.append(write_csv(shown, safe_child(folder, f"{name}.csv")))
    return written, ({"rows": len(table), "csv_rows": len(shown), "rule": rule} if rule else None)


# The tables being written, for worker processes forked from this one: they share the tables
# rather than receive them, so only a name travels to each.
_WRITING: tuple[Mapping[str, pd.DataFrame], Path, CsvLimits] | None = None


def _write_in_worker(name: str) -> tuple[list[Path], dict[str, object] | None]:
    if _WRITING is None:  # an internal invariant: set before the workers fork
        raise RuntimeError("table writer started without tables")
    tables, folder, limits = _WRITING
    return _write_table_files(name, tables[name], folder, limits)


def write_graphml(graph: nx.Graph, path: str | Path, *, folder: str | Path | None = None) -> Path:
    """Write ``graph`` as GraphML (for Gephi), atomically; returns the path written.

    With ``folder``, ``path`` is a file name inside it and may not escape it (``..`` or an
    absolute path is an :class:`~analysis.errors.InputError`).
    """
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"write_graphml expects a networkx graph, got {type(graph).__name__}")
    target = safe_child(folder, str(path)) if folder is not None else Path(path)
    return atomic_write(target, lambda tmp: nx.write_graphml(graph, tmp, encoding="utf-8"))


def write_kwic(table: pd.DataFrame, path: str | Path, *, title: str = "Concordance") -> Path:
    """Write the concordance atomically as ``.csv`` (UTF-8 with BOM) or ``.html``, by extension."""
    path = Path(path)
    if kwic_output_format(path, "write_kwic") == "csv":
        return write_csv(table, path)
    return write_text_atomic(path, kwic_html(table, title=title))
