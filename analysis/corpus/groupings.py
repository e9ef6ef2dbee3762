"""Derived and crossed groupings of documents, and metadata attached to statistics rows.

Every measure that pools documents takes ``group_by=[column, …]``: one metadata column per
grouping, one pooled row per value of it. This module makes more columns to pool by, so the
measures need no change:

* :func:`add_year_bins` — ``decade`` ("1990s") and ``period`` ("1978–1991") from ``year``;
* :func:`add_crossings` — one column per *crossing* of columns, e.g. ``genre×decade`` with values
  such as ``speech×1990s``: passing ``group_by=["genre×decade"]`` to any measure pools documents
  by genre and decade together;
* :func:`attach_metadata` — the other direction: appends metadata columns (``year``, ``genre`` …)
  to a long statistics table, so a table of rates carries its documents' or groups' metadata.

A *grouping* is one metadata column or a crossing of several. Its canonical name joins the
columns with ``×`` (U+00D7) in the order given: ``genre×decade``. ``*`` is accepted as the ASCII
spelling (``genre*decade``) and, in YAML settings, a list (``[genre, decade]``). A crossing's
value joins its members' values (as text, as the measures write group values) with ``×``; it is
missing when any member is missing, so such documents are left out of that grouping, as the
measures leave out documents whose value of a grouping column is missing.

Parsing (:func:`parse_groupings`, :func:`groupings_from_option`) returns each grouping as a tuple
of column names; :func:`grouping_name` turns it into the column name.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.checks import require_columns
from analysis.errors import InputError

CROSS = "×"  # the canonical joiner of a crossing's columns and of its values
ASCII_CROSS = "*"  # accepted in place of CROSS (settings files, the command line)
DECADE = "decade"
PERIOD = "period"
EN_DASH = "–"


# --- year bins ---------------------------------------------------------------------------------


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (so messages show 1998.5, not np.float64)."""
    return value.item() if isinstance(value, np.generic) else value


def check_periods(periods: object, caller: str = "periods") -> tuple[int, ...]:
    """Break years as a tuple of ints; raise :class:`InputError` saying what to write.

    Breaks are whole numbers in strictly increasing order (``[1978, 1992, 2002, 2012]``); an
    empty list means no periods.
    """
    example = "write the years that start a period, e.g. periods: [1978, 1992, 2002, 2012]"
    if periods is None:
        return ()
    if isinstance(periods, (str, bytes)) or not isinstance(periods, Iterable):
        raise InputError(
            f"{caller}: periods must be a list of break years, got {periods!r}; {example}"
        )
    breaks = []
    for value in periods:
        whole = isinstance(value, numbers.Integral) or (
            isinstance(value, numbers.Real) and float(value).is_integer()
        )
        if isinstance(value, bool) or not whole:
            raise InputError(
                f"{caller}: break year {_plain(value)!r} is not a whole number; {example}"
            )
        breaks.append(int(value))
    for earlier, later in itertools.pairwise(breaks):
        if later <= earlier:
            raise InputError(
                f"{caller}: break years must increase strictly, but {later} follows {earlier}; "
                f"{example}"
            )
    return tuple(breaks)


def periods_from_option(text: str | None) -> tuple[int, ...]:
    """Break years from a command-line option (``--periods 1978,1992,2002,2012``); empty text
    gives ``()``. Checked as :func:`check_periods` does."""
    if text is None or not str(text).strip():
        return ()
    years = []
    for item in str(text).split(","):
        try:
            years.append(int(item.strip()))
        except ValueError:
            raise InputError(
                f"--periods {text!r}: {item.strip()!r} is not a year; write the years that "
                "start a period, separated by commas, e.g. --periods 1978,1992,2002,2012"
            ) from None
    return check_periods(years, "--periods")


def period_labels(periods: Sequence[int]) -> list[str]:
    """The labels of the periods cut by ``periods``, in time order.

    ``[1978, 1992]`` → ``["–1977", "1978–1991", "1992–"]``: a break year starts a period, the
    first period is open to the past and the last to the future.
    """
    breaks = check_periods(periods)
    if not breaks:
        return []
    inner = [f"{a}{EN_DASH}{b - 1}" for a, b in itertools.pairwise(breaks)]
    return [f"{EN_DASH}{breaks[0] - 1}", *inner, f"{breaks[-1]}{EN_DASH}"]


def _years(documents: pd.DataFrame, caller: str) -> pd.Series:
    """``documents["year"]`` as nullable Int64 (all missing when there is no such column)."""
    if "year" not in documents.columns:
        return pd.Series(pd.array([pd.NA] * len(documents), dtype="Int64"), index=documents.index)
    raw = documents["year"]
    numeric = pd.to_numeric(raw, errors="coerce")
    bad = (raw.notna() & numeric.isna()) | (numeric.notna() & (numeric % 1 != 0))
    if bad.any():
        where = bad.to_numpy().nonzero()[0][0]
        doc = documents["doc_id"].iloc[where] if "doc_id" in documents.columns else where
        raise InputError(
            f"{caller}: year {_plain(raw.iloc[where])!r} of document {_plain(doc)!r} is not a "
            "whole number; "
            "write a year such as 2007 in the metadata (or leave it empty)"
        )
    return numeric.astype("Int64")


def add_year_bins(documents: pd.DataFrame, *, periods: Sequence[int] = ()) -> pd.DataFrame:
    """A copy of ``documents`` with ``decade`` and, when ``periods`` is given, ``period``.

    ``decade``
        the year's decade as text: 1998 → ``"1990s"``, 2000 → ``"2000s"``.
    ``period``
        the period a year falls in, cut by the break years ``periods`` (whole numbers, strictly
        increasing); a break year *starts* a period. ``[1978, 1992, 2002, 2012]`` gives
        ``"–1977"``, ``"1978–1991"``, ``"1992–2001"``, ``"2002–2011"`` and ``"2012–"`` (en
        dashes; :func:`period_labels` lists them in time order).

    Both are text columns (pandas ``str``), missing where ``year`` is missing; when there is no
    ``year`` column, or no document has a year, they are missing throughout. Existing
    ``decade``/``period`` columns are replaced. ``year`` must hold whole numbers where filled.
    """
    caller = "add_year_bins"
    _require_documents(documents, caller)
    breaks = check_periods(periods, caller)
    years = _years(documents, caller)
    present = years.notna().to_numpy()
    out = documents.copy()
    decade = np.full(len(out), np.nan, dtype=object)
    values = years.to_numpy(dtype="float64", na_value=np.nan)
    decade[present] = [f"{int(y) // 10 * 10}s" for y in values[present]]
    out[DECADE] = pd.array(decade, dtype="str")
    if breaks:
        labels = np.asarray(period_labels(breaks), dtype=object)
        period = np.full(len(out), np.nan, dtype=object)
        # searchsorted(side="right"): a break year itself falls in the period it starts.
        period[present] = labels[np.searchsorted(breaks, values[present], side="right")]
        out[PERIOD] = pd.array(period, dtype="str")
    return out


# --- grouping specs ----------------------------------------------------------------------------


def grouping_name(columns: str | Sequence[str]) -> str:
    """The canonical name of a grouping: its columns joined by ``×`` (``genre×decade``)."""
    if isinstance(columns, str):
        return CROSS.join(parse_grouping(columns))
    return CROSS.join(parse_grouping(list(columns)))


def parse_grouping(item: object) -> tuple[str, ...]:
    """One grouping as a tuple of column names.

    ``"genre"`` → ``("genre",)``; ``"genre×decade"``, ``"genre*decade"`` and
    ``["genre", "decade"]`` → ``("genre", "decade")``. Spaces around names are ignored.
    """
    how = (
        "write a metadata column (genre), a crossing joined by * or × (genre*decade) or, in "
        "YAML, a list ([genre, decade])"
    )
    if isinstance(item, str):
        parts = item.replace(ASCII_CROSS, CROSS).split(CROSS)
    elif isinstance(item, Sequence) and not isinstance(item, bytes):
        parts = []
        for part in item:
            if not isinstance(part, str):
                raise InputError(f"grouping {item!r}: {part!r} is not a column name; {how}")
            parts.extend(part.replace(ASCII_CROSS, CROSS).split(CROSS))
    else:
        raise InputError(f"grouping {item!r} is neither a column name nor a list; {how}")
    columns = tuple(p.strip() for p in parts)
    if not columns or any(not c for c in columns):
        raise InputError(f"grouping {item!r} has an empty column name; {how}")
    if len(set(columns)) != len(columns):
        raise InputError(f"grouping {item!r} names a column twice; name each column once")
    return columns


def parse_groupings(items: object) -> tuple[tuple[str, ...], ...]:
    """A settings list of groupings (``[level, genre*decade, [genre, period]]``) as tuples.

    ``None`` or an empty list gives ``()``. A grouping listed twice (in any member order) is an
    :class:`InputError`, as is a bare string (write a list: ``[genre]``).
    """
    if items is None:
        return ()
    if isinstance(items, str) or not isinstance(items, Sequence):
        raise InputError(
            f"groupings must be a list, e.g. [level, genre, genre*decade], got {items!r}"
        )
    result: list[tuple[str, ...]] = []
    for item in items:
        grouping = parse_grouping(item)
        for seen in result:
            if set(grouping) == set(seen):
                raise InputError(
                    f"grouping {grouping_name(grouping)} is listed twice (as "
                    f"{grouping_name(seen)} before); list each grouping once"
                )
        result.append(grouping)
    return tuple(result)


def groupings_from_option(text: str | None) -> tuple[tuple[str, ...], ...]:
    """Groupings from a command-line option (``--group-by``).

    Comma-separated items. Plain column names mean their crossing with its margins:
    ``"genre,decade"`` → ``(("genre",), ("decade",), ("genre", "decade"))``; ``"genre"`` →
    ``(("genre",),)``. An item containing ``*`` or ``×`` is taken as written and adds only that
    crossing: ``"level,genre*decade"`` → ``(("level",), ("genre", "decade"))``. Order: the plain
    columns, then the crossing of all plain columns (when there are two or more), then the
    written crossings. Empty text gives ``()``.
    """
    if text is None:
        return ()
    if not isinstance(text, str):
        raise InputError(f"--group-by takes text such as genre,decade, got {text!r}")
    if not text.strip():
        return ()
    items = [item.strip() for item in text.split(",")]
    if any(not item for item in items):
        raise InputError(
            f"--group-by {text!r} has an empty item; write columns separated by commas, e.g. "
            "genre,decade or level,genre*decade"
        )
    plain = [item for item in items if CROSS not in item and ASCII_CROSS not in item]
    written = [item for item in items if CROSS in item or ASCII_CROSS in item]
    listed: list[object] = [*plain]
    if len(plain) >= 2:
        listed.append(plain)
    listed.extend(written)
    return parse_groupings(listed)


# --- crossings ---------------------------------------------------------------------------------


def _require(documents: pd.DataFrame, columns: Iterable[str], caller: str) -> None:
    present = ", ".join(map(str, documents.columns)) if isinstance(documents, pd.DataFrame) else ""
    require_columns(
        documents,
        list(columns),
        caller,
        name="the documents table",
        source=(
            "documents that have them: add a column to the metadata, or decade/period with "
            f"add_year_bins first (columns present: {present})"
        ),
    )


def _require_documents(documents: object, caller: str) -> None:
    require_columns(
        documents,
        [],
        caller,
        name="the documents table",
        source="corpus.documents of analysis.build_corpus",
    )


def crossing_values(documents: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """The values of the grouping ``columns`` per document, as text (pandas ``str``).

    One column: its values as text, as the measures write group values (``astype(str)``). A
    crossing: the members' texts joined by ``×``, missing when any member is missing.
    """
    columns = parse_grouping(columns if isinstance(columns, str) else list(columns))
    _require(documents, columns, "crossing_values")
    missing = np.zeros(len(documents), dtype=bool)
    joined: pd.Series | None = None
    for column in columns:
        values = documents[column]
        missing |= values.isna().to_numpy()
        text = values.astype(str).where(values.notna(), "")
        joined = text if joined is None else joined + CROSS + text
    assert joined is not None
    out = joined.astype(object).where(~missing, np.nan)
    return pd.Series(pd.array(out.to_numpy(dtype=object), dtype="str"), index=documents.index)


def add_crossings(documents: pd.DataFrame, groupings: object) -> pd.DataFrame:
    """A copy of ``documents`` with one column per crossing of ``groupings``.

    ``groupings`` is anything :func:`parse_groupings` accepts (or its result). Each crossing of
    two or more columns becomes a text column named by :func:`grouping_name`
    (``genre×decade``), its value the members' values joined by ``×`` (``speech×1990s``),
    missing when any member is missing. One-column groupings add nothing but must name an
    existing column. An unknown column is an :class:`InputError` naming it and listing the
    columns present. A measure then pools by the crossing with ``group_by=["genre×decade"]``.
    """
    caller = "add_crossings"
    _require_documents(documents, caller)
    parsed = parse_groupings(groupings)
    for grouping in parsed:
        _require(documents, grouping, caller)
    out = documents.copy()
    for grouping in parsed:
        if len(grouping) > 1:
            out[grouping_name(grouping)] = crossing_values(documents, grouping)
    return out


# --- metadata on statistics rows ---------------------------------------------------------------


def _filled(values: pd.Series) -> np.ndarray:
    """True where a label column holds a value (neither missing nor ``""``)."""
    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values):
        # a text column compares as it is: converting millions of rows to str first is slow
        return (values.notna() & values.ne("").fillna(False)).to_numpy(dtype=bool)
    return (values.notna() & values.astype(str).ne("")).to_numpy()


def _lookup(index: pd.Index, labels: pd.Series | np.ndarray) -> np.ndarray:
    """``index.get_indexer(labels)``, each distinct label looked up once (a statistics table
    repeats a few document ids and group values over millions of rows)."""
    codes, distinct = pd.factorize(labels)
    found = index.get_indexer(distinct)
    return np.where(codes < 0, -1, found[np.maximum(codes, 0)]) if len(found) else codes


def _nullable(values: pd.Series) -> pd.Series:
    """A document column in a dtype that can hold missing values without changing its values."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    if pd.api.types.is_integer_dtype(values):
        return values.astype("Int64")
    if values.name == "year":
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric.notna().sum() == values.notna().sum() and (numeric.dropna() % 1 == 0).all():
            return numeric.astype("Int64")
    return values


def attach_metadata(
    table: pd.DataFrame, documents: pd.DataFrame, columns: str | Sequence[str]
) -> pd.DataFrame:
    """A copy of a long statistics ``table`` with the metadata ``columns`` of ``documents``
    appended, in the order given (existing columns and row order unchanged; a column the
    table already has is left as it is).

    Which rows get which values:

    * a row with a ``doc_id`` (neither missing nor ``""``) takes its document's values;
    * a row with a ``grouping`` takes, for each of ``columns`` that is a member of the grouping
      (the grouping itself, or a member of a crossing ``genre×decade``), the value the group's
      documents share; other columns stay missing. The group value is read from ``group``, or,
      where the table has no ``group`` column, from ``target`` (keyness: ``target`` is the group
      value, or a doc_id where ``grouping == "doc_id"``, which is then a document row; the
      ``reference`` side is not described);
    * every other row (corpus rows, the all-documents line) gets missing values.

    The tables of the measures: ``slogan_counts``, ``slogan_cooccurrence`` and
    ``term_frequencies`` (``scope``/``grouping``/``group``/``doc_id``; empty is ``""`` or missing),
    ``keyness`` (``grouping``/``target``), ``kwic`` (``doc_id`` only), ``slogan_trends``
    (``grouping``/``group``; ``""`` for the all-documents line). Group values are matched as the
    measures write them (the column's values as text; :func:`crossing_values` for crossings not
    present as columns of ``documents``).

    Dtypes follow ``documents`` (integers become nullable ``Int64``, so ``year`` is ``Int64``;
    text stays ``str``). A ``doc_id`` the documents table lacks, or a group value no document
    has, is an :class:`InputError`: pass the documents the table was computed from (with the
    columns :func:`add_year_bins` and :func:`add_crossings` added, if the table pools by them).
    """
    caller = "attach_metadata"
    columns = _check_attach_arguments(table, documents, columns, caller)
    wanted = [c for c in columns if c not in table.columns]
    out = table.copy()
    if not wanted:
        return out
    source, takes = _metadata_sources(table, documents, wanted, caller)
    for c in wanted:
        values = _nullable(documents[c]).reset_index(drop=True)
        # position -1 is no row of documents: reindex leaves a missing value of the dtype there
        out[c] = values.reindex(pd.Index(np.where(takes[c], source, -1))).set_axis(out.index)
    return out


def _check_attach_arguments(
    table: object, documents: object, columns: str | Sequence[str], caller: str
) -> list[str]:
    """``columns`` as a list, after checking the arguments of :func:`attach_metadata`."""
    require_columns(
        table, [], caller, name="the statistics table", source="a table of the measures"
    )
    _require_documents(documents, caller)
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    if any(not isinstance(c, str) for c in columns) or len(set(columns)) != len(columns):
        raise InputError(f"{caller}: columns must be distinct column names, got {columns!r}")
    _require(documents, ["doc_id", *columns], caller)
    if documents["doc_id"].duplicated().any():
        raise InputError(f"{caller}: the documents table lists a doc_id twice; pass each once")
    return columns


def _metadata_sources(
    table: pd.DataFrame, documents: pd.DataFrame, wanted: list[str], caller: str
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """For each row of ``table``, the row of ``documents`` whose values it takes (-1: none), and
    per column of ``wanted``, which rows take that column's value (see :func:`attach_metadata`)."""
    doc_index = pd.Index(documents["doc_id"].astype(str))
    source = np.full(len(table), -1, dtype=np.int64)
    takes = {c: np.zeros(len(table), dtype=bool) for c in wanted}

    def take(rows: np.ndarray, found: np.ndarray, columns: list[str]) -> None:
        source[rows] = found
        for c in columns:
            takes[c][rows] = True

    has_doc = np.zeros(len(table), dtype=bool)
    if "doc_id" in table.columns:
        has_doc = _filled(table["doc_id"])
        if has_doc.any():
            take(has_doc, _document_rows(doc_index, table["doc_id"], has_doc, caller), wanted)
    value_column = "group" if "group" in table.columns else "target"
    if "grouping" not in table.columns or value_column not in table.columns:
        return source, takes
    grouping = table["grouping"]
    grouped = _filled(grouping) & ~has_doc
    # the grouping names as codes: comparing integers, not millions of strings
    codes, distinct = pd.factorize(grouping.astype(str))
    names = [str(name) for name in distinct]

    def named(name: str) -> np.ndarray:
        return codes == names.index(name) if name in names else np.zeros(len(codes), bool)

    if value_column == "target":  # keyness: a document against the rest
        by_doc = grouped & named("doc_id")
        if by_doc.any():
            take(by_doc, _document_rows(doc_index, table["target"], by_doc, caller), wanted)
        grouped &= ~named("doc_id")
    for code in pd.unique(codes[grouped]):
        name = names[code]
        members = parse_grouping(name)
        needed = [c for c in wanted if c in members]
        if not needed:
            continue
        rows = grouped & (codes == code)
        labels = table[value_column][rows].astype(str).to_numpy(dtype=object)
        take(rows, _group_rows(documents, name, members, labels, caller), needed)
    return source, takes


def _document_rows(
    doc_index: pd.Index, labels: pd.Series, where: np.ndarray, caller: str
) -> np.ndarray:
    """The row of the documents table of each doc id ``labels[where]``."""
    found = _lookup(doc_index, labels[where].astype(str))
    if (found < 0).any():
        unknown = labels[where].astype(str).to_numpy()[found < 0][0]
        raise InputError(
            f"{caller}: the table has doc_id {unknown!r}, which the documents table lacks; "
            "pass the documents the table was computed from"
        )
    return found


def _group_rows(
    documents: pd.DataFrame,
    name: str,
    members: tuple[str, ...],
    labels: np.ndarray,
    caller: str,
) -> np.ndarray:
    """The row of the documents table of the first document with each group value ``labels``
    of grouping ``name``: every member of a group shares the values of its grouping columns."""
    if name in documents.columns:
        keys = documents[name].astype(str)
    else:
        keys = crossing_values(documents, members)
    present = keys.notna().to_numpy()
    first = pd.Series(np.flatnonzero(present), index=keys[present].to_numpy())
    first = first[~first.index.duplicated()]
    found = _lookup(pd.Index(first.index), labels)
    if (found < 0).any():
        unknown = labels[found < 0][0]
        raise InputError(
            f"{caller}: group {unknown!r} of grouping {name!r} is the value of no "
            "document; pass the documents the table was computed from"
        )
    return first.to_numpy()[found]
