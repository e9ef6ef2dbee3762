"""Which documents a per-document figure or table shows when a corpus has too many for a page.

A figure of nine TF-IDF panels, or a similarity heatmap, cannot show 88 documents; showing the
first nine in directory order shows whatever sorts first. :func:`representative_documents`
chooses documents spread over the corpus instead, by one documented rule:

1. Documents are ordered by ``year`` when the documents table has years (then by ``doc_id``),
   else by ``doc_id``.
2. With a ``grouping`` column, the ``n`` places are shared among its groups: every group gets
   one (the largest groups first when there are more groups than places), and the rest go to
   groups in proportion to their number of documents (largest remainder; ties by group name).
   Documents without a value in the column form no group and are not chosen.
3. Within a group (or the whole corpus without a grouping), the documents taken are evenly
   spaced along the order of step 1, the first and the last included: the positions
   ``round(i × (m − 1) / (k − 1))`` for ``i = 0 … k − 1`` of ``m`` documents.

The result is in the order of step 1 within each group, groups largest first. It depends only
on the documents table, never on the order of the files in a folder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import InputError


@dataclass(frozen=True)
class DocumentSample:
    """The chosen ``doc_ids`` and how they were chosen: ``by_group`` (the grouping column used,
    or None) and ``by_year`` (whether documents were spread over their years)."""

    doc_ids: list[str]
    by_group: str | None
    by_year: bool


def representative_documents(
    documents: pd.DataFrame, n: int, *, grouping: str | None = None
) -> DocumentSample:
    """``n`` documents spread over the corpus (all of them when there are at most ``n``); see
    the module docstring for the rule. ``grouping`` is a metadata column of ``documents`` to
    spread over (ignored when the column is missing, empty or has one group)."""
    caller = "representative_documents"
    if not isinstance(documents, pd.DataFrame) or "doc_id" not in documents.columns:
        raise InputError(f"{caller}: expected the documents table (with a doc_id column)")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(f"{caller}: n must be a whole number >= 1, got {n!r}")
    if grouping is not None and not isinstance(grouping, str):
        raise InputError(f"{caller}: grouping must be a column name or None, got {grouping!r}")

    ordered, by_year = _ordered(documents)
    groups = None
    if grouping and grouping in ordered.columns:
        values = ordered[grouping]
        if values.notna().any() and values.dropna().astype(str).nunique() >= 2:
            groups = values
    if len(ordered) <= n and groups is None:
        return DocumentSample(list(ordered["doc_id"]), None, by_year)
    if groups is None:
        return DocumentSample(_evenly_spaced(list(ordered["doc_id"]), n), None, by_year)

    members: dict[str, list[str]] = {}
    for doc, label in zip(ordered["doc_id"], groups, strict=True):
        if not pd.isna(label):
            members.setdefault(str(label), []).append(doc)
    sizes = {name: len(ids) for name, ids in members.items()}
    places = _shared_places(sizes, n)
    chosen = [
        doc
        for name in sorted(places, key=lambda g: (-sizes[g], g))
        for doc in _evenly_spaced(members[name], places[name])
    ]
    return DocumentSample(chosen, grouping, by_year)


def _ordered(documents: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    table = documents.assign(doc_id=documents["doc_id"].astype(str))
    if "year" in table.columns:
        years = pd.to_numeric(table["year"], errors="coerce")
        if years.notna().any():
            table = table.assign(_year=years).sort_values(
                ["_year", "doc_id"], kind="stable", na_position="last"
            )
            return table.drop(columns="_year").reset_index(drop=True), True
    return table.sort_values("doc_id", kind="stable").reset_index(drop=True), False


def _shared_places(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Places per group: one each (largest groups first), the rest by largest remainder."""
    by_size = sorted(sizes, key=lambda g: (-sizes[g], g))
    places = {g: 1 for g in by_size[:n]}
    left = min(n, sum(sizes.values())) - len(places)
    if left <= 0:
        return places
    room = {g: sizes[g] - 1 for g in places}
    total_room = sum(room.values())
    quotas = {g: left * room[g] / total_room for g in places} if total_room else {}
    for g, quota in quotas.items():
        places[g] += min(int(quota), room[g])
    remaining = min(n, sum(sizes.values())) - sum(places.values())
    order = sorted(quotas, key=lambda g: (-(quotas[g] - int(quotas[g])), -sizes[g], g))
    for g in order:
        if remaining <= 0:
            break
        if places[g] < sizes[g]:
            places[g] += 1
            remaining -= 1
    return places


def _evenly_spaced(items: list[str], k: int) -> list[str]:
    """``k`` of ``items``, the first and last included, evenly spaced (all when k ≥ len)."""
    if k >= len(items):
        return list(items)
    if k == 1:
        return [items[0]]
    positions = [round(i * (len(items) - 1) / (k - 1)) for i in range(k)]
    return [items[p] for p in positions]
