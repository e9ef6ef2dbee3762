"""What a run shows, in sentences written from its tables: the findings that end each notebook.

Every function takes a finished run (:class:`analysis.run.results.RunResults`) and computes no
statistic: it picks rows of the run's tables (the highest rate, the strongest keywords, the most
similar pair …) and says what they show, so the text is true for whatever corpus the run was
made on. Each returns :class:`Findings`: the text as Markdown (shown as such in Jupyter) and a
tidy table of every number it cites (:data:`CLAIM_COLUMNS`), naming the table, column and row
each number was read from, so that a test can check every number against the tables.

One function per notebook:

====================================  ==================================================
:func:`corpus_findings` (01)          sizes, years, pooling, flags, what cleaning removed
:func:`keyword_findings` (02)         most frequent word, keywords of each group and document
:func:`similarity_findings` (03)      TF-IDF terms, most and least similar pair, CA axes
:func:`slogan_findings` (04)          who uses each slogan most, how much, with intervals;
                                      pairs of slogans that co-occur beyond expectation
:func:`formula_findings` (05)         formulae shared by most documents
:func:`trend_findings` (06)           slogan rates from the first to the last time step
:func:`study_narrative` (01)          the study's narrative of its five documents
====================================  ==================================================

Where a table is absent (the run skipped the measure) or the corpus lacks what a sentence needs
(one document, no year, no metadata, a slogan never mentioned), the findings say so in a sentence
instead of failing.

Numbers are rounded as the run's summary tables print them
(:func:`analysis.run.summary.plain_cell`): counts whole with thousands separators, rates per
10,000 characters and their intervals to one decimal, G² and log ratios to two,
expected counts to two (two significant digits below 0.1),
cosines, TF-IDF weights and other scores to three; ratios ("times") to one decimal and
percentages to at most one (95%, 12.6%).

Wording follows what the tables support. Two intervals that overlap are "not clearly
different"; intervals that do not overlap are "clearly" apart for the documents at hand (the
default bootstrap resamples paragraphs within them, not documents). Keywords are reported only
where the table's adjusted p-value is below ``alpha``. The co-occurrence table has no test, so a
pair above its expected count is described, not called significant.

The study narrative (:func:`render_narrative`) is a Markdown template, ``data/narrative/study.md``,
whose every number is a placeholder ``{{kind|argument|…}}`` resolved from the tables
(:data:`PLACEHOLDERS` lists the kinds); a placeholder naming a document, slogan or term the run
does not have raises :class:`NarrativeError` naming it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from analysis.errors import InputError
from analysis.run.summary import plain_cell

if TYPE_CHECKING:
    from analysis.run.results import RunResults

#: Columns of :attr:`Findings.claims`, one row per number cited.
#:
#: ``claim`` an id unique within the findings; ``value`` the number as the table holds it (not
#: rounded); ``shown`` the number as the text prints it; ``how`` how it was read:
#: ``cell`` (the ``column`` of the one row of ``table`` matching ``keys``), ``sum``, ``min``,
#: ``max``, ``count`` (values present), ``rows`` (rows matching ``keys``; ``column`` unused),
#: ``distinct`` (distinct values of ``column``) over the rows matching ``keys``, ``percent``
#: (100 × the cell, or 100 × the first claim of ``of`` over the second), ``ratio`` and
#: ``difference`` (of the two claims named in ``of``). ``keys`` is a JSON object of column →
#: value (``null``: a missing value; ``{}``: every row); ``of`` the claims a derived number is
#: made of, ``;``-joined.
CLAIM_COLUMNS = ["claim", "value", "shown", "how", "table", "column", "keys", "of"]

How = Literal[
    "cell", "sum", "min", "max", "count", "rows", "distinct", "percent", "ratio", "difference"
]
#: How a cited number is printed: the summary tables' kinds, and percentages and ratios.
NumberKind = Literal[
    "count", "year", "rate", "statistic", "score", "expected", "percent", "times"
]
CooccurrenceUnit = Literal["sentence", "paragraph", "document"]

#: Cleaning rules that change characters in place (they remove nothing).
_CHANGING_RULES = ("punctuation", "t2s", "t2s+punctuation", "line_break")
#: The study narrative's template, under the data folder.
NARRATIVE_TEMPLATE = ("narrative", "study.md")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_MARKDOWN_ESCAPED = re.compile(r"\\([\\`*_{}\[\]<>#|~])")


class NarrativeError(InputError):
    """A narrative template that cannot be filled from a run: the message names the placeholder
    and what the run lacks."""


# --- what findings are ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Findings:
    """Sentences about one topic of a run, in Markdown ``blocks`` (paragraphs or bullet lists),
    and ``claims``: every number they cite and where it was read (:data:`CLAIM_COLUMNS`).

    Displays as Markdown in Jupyter; the output's metadata carries ``{"analysis": {"findings":
    topic, "claims": [...]}}`` so that a test can check an executed notebook's numbers."""

    topic: str
    blocks: tuple[str, ...]
    claims: pd.DataFrame

    @property
    def markdown(self) -> str:
        return "\n\n".join(self.blocks)

    @property
    def text(self) -> str:
        """The findings as plain text (the Markdown without its escapes)."""
        return _MARKDOWN_ESCAPED.sub(r"\1", self.markdown)

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __add__(self, other: Findings) -> Findings:
        """Both findings as one (its topic is this one's): a notebook section shows one."""
        if not isinstance(other, Findings):
            return NotImplemented
        shared = set(self.claims["claim"]) & set(other.claims["claim"])
        if shared:
            raise ValueError(f"findings {self.topic} + {other.topic}: claims {sorted(shared)}")
        parts = [c for c in (self.claims, other.claims) if len(c)]
        claims = pd.concat(parts, ignore_index=True) if parts else self.claims
        return Findings(self.topic, self.blocks + other.blocks, claims)

    def _repr_mimebundle_(self, include=None, exclude=None):
        records = [
            {column: _plain(value) for column, value in row.items()}
            for row in self.claims.to_dict("records")
        ]
        data = {"text/markdown": self.markdown, "text/plain": self.text}
        return data, {"analysis": {"findings": self.topic, "claims": records}}

    def __repr__(self) -> str:
        return self.text


def _plain(value: Any) -> Any:
    """A JSON-ready scalar (numpy numbers as Python numbers)."""
    if hasattr(value, "item"):
        return value.item()
    return value


def _md(text: object) -> str:
    """``text`` (a document id, term, group …) escaped for Markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def _format(value: float, kind: NumberKind) -> str:
    """``value`` as the text prints it (see the module docstring for the rule)."""
    if kind == "percent":
        return f"{value:,.1f}".removesuffix(".0") + "%"
    if kind == "times":
        return f"{value:,.1f}"
    if kind == "expected":
        return f"{value:,.2f}" if abs(value) >= 0.1 or value == 0 else f"{value:.2g}"
    return plain_cell(value, kind)


class _Citer:
    """Formats numbers as they are cited and records each as a claim."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self._claims: dict[str, dict[str, Any]] = {}

    def _add(self, claim: str, value: float, kind: NumberKind, **where: Any) -> str:
        value = float(value)
        if math.isnan(value):
            raise ValueError(f"findings {self.topic}: claim {claim} would cite a missing value")
        shown = _format(value, kind)
        row = {
            "claim": claim,
            "value": value,
            "shown": shown,
            "how": where["how"],
            "table": where.get("table", ""),
            "column": where.get("column", ""),
            "keys": json.dumps(
                {k: _plain(v) for k, v in (where.get("keys") or {}).items()},
                ensure_ascii=False,
                sort_keys=True,
            ),
            "of": ";".join(where.get("of", ())),
        }
        previous = self._claims.get(claim)
        if previous is not None and previous != row:
            raise ValueError(f"findings {self.topic}: claim {claim} cited with two values")
        self._claims[claim] = row
        return shown

    def cell(
        self, claim: str, value: float, kind: NumberKind, table: str, column: str, keys: Mapping
    ) -> str:
        """A number read from one cell: ``column`` of the row of ``table`` matching ``keys``."""
        return self._add(claim, value, kind, how="cell", table=table, column=column, keys=keys)

    def cell_percent(
        self, claim: str, fraction: float, table: str, column: str, keys: Mapping
    ) -> str:
        """A share read from one cell, cited as a percentage (``percent``: 100 × the cell)."""
        return self._add(claim, 100 * fraction, "percent", how="percent", table=table,
                         column=column, keys=keys)

    def over_rows(
        self,
        claim: str,
        value: float,
        kind: NumberKind,
        how: How,
        table: str,
        column: str,
        keys: Mapping,
    ) -> str:
        """A number aggregated (``how``) over the rows of ``table`` matching ``keys``."""
        return self._add(claim, value, kind, how=how, table=table, column=column, keys=keys)

    def derived(self, claim: str, value: float, kind: NumberKind, how: How, of: Sequence[str]):
        """A number made of claims already cited (``ratio``, ``difference``, ``percent``)."""
        missing = [c for c in of if c not in self._claims]
        if missing:
            raise ValueError(f"findings {self.topic}: {claim} is made of uncited {missing}")
        return self._add(claim, value, kind, how=how, of=tuple(of))

    def value(self, claim: str) -> float:
        return self._claims[claim]["value"]

    def findings(self, blocks: Sequence[str]) -> Findings:
        claims = pd.DataFrame(list(self._claims.values()), columns=CLAIM_COLUMNS)
        return Findings(self.topic, tuple(b for b in blocks if b), claims)


def _note(topic: str, text: str) -> Findings:
    """Findings of one sentence and no number."""
    return Findings(topic, (f"*{_md(text)}*",), pd.DataFrame(columns=CLAIM_COLUMNS))


# --- shared helpers ------------------------------------------------------------------------------


def _check_results(results: object, caller: str) -> None:
    from analysis.run.results import RunResults

    if not isinstance(results, RunResults):
        raise InputError(
            f"{caller}: give a finished run, analysis.load_results(OUT), not "
            f"{type(results).__name__}"
        )


def _check_count(caller: str, **values: object) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{caller}: {name}={value!r}; give a whole number of at least 1")


def _table(results: RunResults, name: str) -> pd.DataFrame | None:
    return results.tables.get(name)


def _why_absent(results: RunResults, *what: str) -> str:
    """Why the run left out ``what`` (the first of the names the manifest knows)."""
    for name in what:
        reason = results.reason_skipped(name)
        if reason:
            return reason
    return "the run computed none"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return word if n == 1 else (plural or f"{word}s")


def _join(items: Sequence[str], conjunction: str = "and") -> str:
    items = list(items)
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def _lexicon_position(results: RunResults) -> Callable[[str], int]:
    order = {name: i for i, name in enumerate(results.slogans)}
    return lambda name: order.get(name, len(order))


def _main_slogans(results: RunResults, slogans: Sequence[str] | None, n: int) -> list[str]:
    """``slogans`` as given, else the ``n`` mentioned most (ties in lexicon order)."""
    if slogans is not None:
        unknown = [s for s in slogans if s not in results.slogans]
        if unknown:
            raise InputError(
                f"slogans {unknown} were not counted by this run; choose among "
                f"{', '.join(results.slogans)}"
            )
        return list(slogans)
    from analysis.run.views import main_slogans

    return main_slogans(results, n=n)


def _overlap(a: pd.Series, b: pd.Series) -> bool:
    """Whether the intervals ``[ci_low, ci_high]`` of rows ``a`` and ``b`` overlap."""
    return bool(a["ci_low"] <= b["ci_high"] and b["ci_low"] <= a["ci_high"])


def _one_paragraph(row: pd.Series) -> bool:
    """Whether the row's interval resampled a single paragraph (so it has zero width)."""
    return bool(row.get("ci_method") == "paragraphs" and row.get("n_paragraphs", 2) < 2)


def _has_interval(*rows: pd.Series) -> bool:
    """Whether every row has an interval that says something: present, and not the zero-width
    interval of a single resampled paragraph."""
    return all(
        not (pd.isna(r["ci_low"]) or pd.isna(r["ci_high"]) or _one_paragraph(r)) for r in rows
    )


def _rate(cite: _Citer, claim: str, row: pd.Series, table: str, keys: Mapping) -> str:
    """``rate [low, high]`` of a slogan_counts or slogan_trends row, each number cited."""
    rate = cite.cell(f"{claim}.per_10k_chars", row["per_10k_chars"], "rate", table,
                     "per_10k_chars", keys)
    if _one_paragraph(row):
        return f"{rate} (one paragraph: no interval)"
    if not _has_interval(row):
        return f"{rate} (no interval)"
    low = cite.cell(f"{claim}.ci_low", row["ci_low"], "rate", table, "ci_low", keys)
    high = cite.cell(f"{claim}.ci_high", row["ci_high"], "rate", table, "ci_high", keys)
    return f"{rate} [{low}, {high}]"


def _balanced_quotes(text: str) -> str:
    """``text`` without quotation marks cut in half at its ends (a formula begins or ends
    inside a quotation: 三个代表”重要思想 reads 三个代表重要思想)."""
    pairs = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》"}
    closing = {v: k for k, v in pairs.items()}
    keep = [True] * len(text)
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in pairs:
            stack.append(i)
        elif ch in closing:
            if stack and text[stack[-1]] == closing[ch]:
                stack.pop()
            else:
                keep[i] = False
    for i in stack:
        keep[i] = False
    return "".join(ch for ch, kept in zip(text, keep, strict=True) if kept)


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- 01 the corpus -------------------------------------------------------------------------------


def corpus_findings(results: RunResults, *, max_named: int = 5) -> Findings:
    """What the corpus is: its documents, characters and tokens (``documents``), the longest
    and shortest document, the years it spans, the metadata it is pooled by, flagged documents,
    how much shorter cleaning made the texts and which rule removed most (``cleaning_log``),
    and the shared boilerplate removed (``shared_boilerplate``). Up to ``max_named`` documents
    are named in a list."""
    _check_results(results, "corpus_findings")
    _check_count("corpus_findings", max_named=max_named)
    cite = _Citer("corpus")
    docs = results.documents.reset_index(drop=True)
    n = len(docs)
    blocks = []

    n_docs = cite.over_rows("documents", n, "count", "rows", "documents", "doc_id", {})
    chars = cite.over_rows("chars", docs["n_chars"].sum(), "count", "sum", "documents",
                           "n_chars", {})
    raw = cite.over_rows("chars_raw", docs["n_chars_raw"].sum(), "count", "sum", "documents",
                         "n_chars_raw", {})
    tokens = cite.over_rows("tokens", docs["n_tokens"].sum(), "count", "sum", "documents",
                            "n_tokens", {})
    sizes = (
        f"The corpus holds {n_docs} {_plural(n, 'document')}: {chars} characters of cleaned "
        f"text ({raw} in the raw files) and {tokens} word tokens."
    )
    if n >= 2:
        longest = docs.loc[docs["n_chars"].idxmax()]
        shortest = docs.loc[docs["n_chars"].idxmin()]
        long_chars = cite.cell("longest.n_chars", longest["n_chars"], "count", "documents",
                               "n_chars", {"doc_id": longest["doc_id"]})
        short_chars = cite.cell("shortest.n_chars", shortest["n_chars"], "count", "documents",
                                "n_chars", {"doc_id": shortest["doc_id"]})
        sizes += f" The longest is {_md(longest['doc_id'])} ({long_chars} characters)"
        if shortest["n_chars"] > 0:
            times = cite.derived(
                "longest_over_shortest",
                longest["n_chars"] / shortest["n_chars"],
                "times",
                "ratio",
                ["longest.n_chars", "shortest.n_chars"],
            )
            sizes += f", {times} times the shortest"
        sizes += f", {_md(shortest['doc_id'])} ({short_chars})."
        if longest["n_chars"] >= 5 * shortest["n_chars"]:
            sizes += (
                " Rates per 10,000 characters of the shortest documents rest on few mentions: "
                "read them with their intervals."
            )
    blocks.append(sizes)

    blocks.append(_years_sentence(cite, results, docs))
    blocks.append(_pooling_sentence(results))
    blocks.append(_flags_sentence(cite, docs, max_named))
    blocks.append(_cleaning_sentence(cite, results, docs))
    blocks.append(_boilerplate_sentence(cite, results))
    return cite.findings(blocks)


def _years_sentence(cite: _Citer, results: RunResults, docs: pd.DataFrame) -> str:
    if not results.has_values("year"):
        return (
            "No document has a year (none in the metadata or the file names), so there are no "
            "trends over time."
        )
    years = docs["year"].dropna()
    first = cite.over_rows("year.first", years.min(), "year", "min", "documents", "year", {})
    last = cite.over_rows("year.last", years.max(), "year", "max", "documents", "year", {})
    span = f"in {first}" if years.min() == years.max() else f"from {first} to {last}"
    if len(docs) == 1:
        return f"The document is dated {first}."
    if len(years) == len(docs):
        return f"The documents are dated {span}."
    dated = cite.over_rows("year.dated", len(years), "count", "count", "documents", "year", {})
    undated = cite.over_rows("year.undated", len(docs) - len(years), "count", "rows",
                             "documents", "doc_id", {"year": None})
    one = len(docs) - len(years) == 1
    return (
        f"{dated} {_plural(len(years), 'document is', 'documents are')} dated, {span}; "
        f"{undated} {'has' if one else 'have'} no year and {'is' if one else 'are'} left out "
        "of every trend."
    )


def _pooling_sentence(results: RunResults) -> str:
    groupings = results.groupings("slogan_counts")
    if groupings:
        return f"The run pools documents by {_join([_md(g) for g in groupings])}."
    reasons = [
        f"{n['what'].removeprefix('grouping ')} ({n['reason'].split(';')[0]})"
        for n in results.skipped
        if n["what"].startswith("grouping ")
    ]
    return "No metadata pools the documents into groups" + (
        f": {_md('; '.join(reasons))}." if reasons else "."
    )


def _flags_sentence(cite: _Citer, docs: pd.DataFrame, max_named: int) -> str:
    if "flags" not in docs.columns:
        return ""
    flags = docs["flags"].fillna("").astype(str)
    if not (flags != "").any():
        return "No document is flagged as far shorter than the rest or mostly not Chinese."
    parts = []
    for value in sorted(set(flags) - {""}):
        named = docs.loc[flags == value, "doc_id"].tolist()
        count = cite.over_rows(f"flagged.{value}", len(named), "count", "rows", "documents",
                               "doc_id", {"flags": value})
        listed = ", ".join(_md(d) for d in named[:max_named]) + (", …" if len(named) > max_named
                                                                 else "")
        parts.append(f"{count} {_md(value)} ({listed})")
    return (
        f"Flagged, and kept: {_join(parts)}. Check them before reading their numbers "
        "(`short`: far shorter than the rest; `not_chinese`: mostly not Chinese)."
    )


def _cleaning_sentence(cite: _Citer, results: RunResults, docs: pd.DataFrame) -> str:
    raw_total, clean_total = docs["n_chars_raw"].sum(), docs["n_chars"].sum()
    if raw_total <= clean_total:
        return "Cleaning left the texts as long as they were (it removed no characters)."
    removed = cite.derived("cleaning.removed", raw_total - clean_total, "count", "difference",
                           ["chars_raw", "chars"])
    share = cite.derived("cleaning.removed_percent", 100 * (raw_total - clean_total) / raw_total,
                         "percent", "percent", ["cleaning.removed", "chars_raw"])
    sentence = f"Cleaning made the texts {removed} characters ({share}) shorter than the raw files"
    lost = (docs["n_chars_raw"] - docs["n_chars"]) / docs["n_chars_raw"].where(
        docs["n_chars_raw"] > 0
    )
    if len(docs) < 2 or not (lost > 0).any():
        return sentence + "."
    top = docs.loc[lost.idxmax()]
    keys = {"doc_id": top["doc_id"]}
    doc_raw = cite.cell("cleaning.top.n_chars_raw", top["n_chars_raw"], "count", "documents",
                        "n_chars_raw", keys)
    cite.cell("cleaning.top.n_chars", top["n_chars"], "count", "documents", "n_chars", keys)
    doc_removed = cite.derived("cleaning.top.removed", top["n_chars_raw"] - top["n_chars"],
                               "count", "difference",
                               ["cleaning.top.n_chars_raw", "cleaning.top.n_chars"])
    doc_share = cite.derived("cleaning.top.removed_percent",
                             100 * (top["n_chars_raw"] - top["n_chars"]) / top["n_chars_raw"],
                             "percent", "percent",
                             ["cleaning.top.removed", "cleaning.top.n_chars_raw"])
    sentence += (
        f"; it shortened {_md(top['doc_id'])} most, by {doc_removed} of its {doc_raw} "
        f"characters ({doc_share})"
    )
    rule = _main_removing_rule(results, top["doc_id"])
    return sentence + (f", chiefly with the rule `{rule}`." if rule else ".")


def _main_removing_rule(results: RunResults, doc_id: str) -> str | None:
    """The cleaning rule that removed most visible characters from ``doc_id``."""
    log = _table(results, "cleaning_log")
    if log is None:
        return None
    rows = log[(log["doc_id"] == doc_id) & ~log["rule"].isin(_CHANGING_RULES)]
    if rows.empty:
        return None

    def visible(texts: pd.Series) -> pd.Series:
        return texts.fillna("").astype(str).str.replace(r"\s", "", regex=True).str.len()

    removed = (visible(rows["text"]) - visible(rows["replacement"])).groupby(rows["rule"]).sum()
    removed = removed[removed > 0].sort_index()
    return None if removed.empty else str(removed.idxmax())


def _boilerplate_sentence(cite: _Citer, results: RunResults) -> str:
    lines = _table(results, "shared_boilerplate")
    if lines is None or lines.empty:
        return "No line recurs in enough documents to be removed as shared boilerplate."
    count = cite.over_rows("boilerplate.lines", len(lines), "count", "rows",
                           "shared_boilerplate", "line", {})
    chars = cite.over_rows("boilerplate.chars", lines["n_chars_removed"].sum(), "count", "sum",
                           "shared_boilerplate", "n_chars_removed", {})
    example = lines.sort_values(["n_chars_removed", "line"], ascending=[False, True]).iloc[0]
    return (
        f"{count} {_plural(len(lines), 'line')} recurring across documents were removed as "
        f"shared boilerplate ({chars} characters), the largest «{_md(_shorten(example['line']))}»."
    )


# --- 02 frequencies and keyness ------------------------------------------------------------------


def keyword_findings(
    results: RunResults, *, per_target: int = 3, max_targets: int = 12, alpha: float = 0.05
) -> Findings:
    """The corpus's most frequent word (``term_frequencies``) and what is characteristic of each
    group and document: the ``per_target`` positive keywords with the largest G² among those
    whose adjusted p-value (``keyness`` ``p_adjusted``) is below ``alpha``, with their counts,
    G² and log ratio; groups of every grouping first, then documents, up to ``max_targets`` of
    each."""
    _check_results(results, "keyword_findings")
    _check_count("keyword_findings", per_target=per_target, max_targets=max_targets)
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise InputError(f"keyword_findings: alpha={alpha!r}; give a p-value level such as 0.05")
    cite = _Citer("keywords")
    blocks = [_top_term_sentence(cite, results)]
    keyness = _table(results, "keyness")
    if keyness is None:
        blocks.append(f"*No keywords: {_md(_why_absent(results, 'keyness'))}.*")
        return cite.findings(blocks)
    method = (results.settings.get("keyness") or {}).get("p_adjust", "holm")
    blocks.append(
        "Keywords are terms a group or document uses more than the rest of the corpus: G² is "
        "the evidence, the log ratio the size (1 = twice as often, 2 = four times). Below are "
        f"the strongest of each, among those with an adjusted p-value ({_md(method)}) below "
        f"{alpha:g}."
    )
    positive = keyness[keyness["direction"] == "positive"]
    groupings = [g for g in pd.unique(keyness["grouping"].astype(str)) if g != "doc_id"]
    for grouping in groupings:
        rows = positive[positive["grouping"] == grouping]
        targets = list(pd.unique(keyness.loc[keyness["grouping"] == grouping, "target"]))
        blocks.append(
            _keyword_list(cite, rows, targets, grouping, per_target, max_targets, alpha,
                          heading=f"By {_md(grouping)}:")
        )
    compared = set(keyness.loc[keyness["grouping"] == "doc_id", "target"])
    doc_targets = [d for d in results.documents["doc_id"] if d in compared]
    if doc_targets:
        blocks.append(
            _keyword_list(cite, positive[positive["grouping"] == "doc_id"], doc_targets,
                          "doc_id", per_target, max_targets, alpha, heading="By document:")
        )
    return cite.findings(blocks)


def _top_term_sentence(cite: _Citer, results: RunResults) -> str:
    freq = _table(results, "term_frequencies")
    if freq is None:
        return f"*No term frequencies: {_md(_why_absent(results, 'term_frequencies'))}.*"
    rows = freq[(freq["scope"] == "corpus") & (freq["kind"] == "token") & (freq["ngram"] == 1)]
    if rows.empty:
        return "The corpus has no word that counts as a term."
    top = rows.sort_values(["rank", "term"], kind="stable").iloc[0]
    keys = {"scope": "corpus", "kind": "token", "ngram": 1, "term": top["term"]}
    count = cite.cell("top_term.count", top["count"], "count", "term_frequencies", "count", keys)
    rate = cite.cell("top_term.per_10k_tokens", top["per_10k_tokens"], "rate",
                     "term_frequencies", "per_10k_tokens", keys)
    return (
        f"The most frequent word of the corpus (stopwords aside) is {_md(top['term'])}: {count} "
        f"times, {rate} per 10,000 word tokens."
    )


def _keyword_list(
    cite: _Citer,
    positive: pd.DataFrame,
    targets: Sequence[str],
    grouping: str,
    per_target: int,
    max_targets: int,
    alpha: float,
    *,
    heading: str,
) -> str:
    lines = [heading]
    for target in targets[:max_targets]:
        rows = positive[(positive["target"] == target) & (positive["p_adjusted"] < alpha)]
        rows = rows.sort_values(["g2", "term"], ascending=[False, True], kind="stable")
        label = _md(target) if grouping == "doc_id" else f"{_md(grouping)} = {_md(target)}"
        if rows.empty:
            lines.append(f"- {label}: no term is used more at an adjusted p below {alpha:g}.")
            continue
        words = []
        for _, row in rows.head(per_target).iterrows():
            keys = {"grouping": grouping, "target": target, "reference": row["reference"],
                    "term": row["term"]}
            claim = f"keyness.{grouping}.{target}.{row['term']}"
            here = cite.cell(f"{claim}.count_target", row["count_target"], "count", "keyness",
                             "count_target", keys)
            there = cite.cell(f"{claim}.count_reference", row["count_reference"], "count",
                              "keyness", "count_reference", keys)
            g2 = cite.cell(f"{claim}.g2", row["g2"], "statistic", "keyness", "g2", keys)
            ratio = cite.cell(f"{claim}.log_ratio", row["log_ratio"], "statistic", "keyness",
                              "log_ratio", keys)
            reference = "the rest" if row["reference"] == "rest" else _md(row["reference"])
            words.append(
                f"{_md(row['term'])} ({here} here, {there} in {reference}; G² {g2}, "
                f"log ratio {ratio})"
            )
        lines.append(f"- {label}: {', '.join(words)}.")
    if len(targets) > max_targets:
        more = len(targets) - max_targets
        what = _plural(more, "document" if grouping == "doc_id" else "group")
        lines.append(f"- The keywords of the other {more:,} {what} are in the keyness table.")
    return "\n".join(lines)


# --- 03 TF-IDF and similarity --------------------------------------------------------------------


def similarity_findings(
    results: RunResults, *, per_document: int = 3, max_documents: int = 12
) -> Findings:
    """The ``per_document`` highest TF-IDF terms of up to ``max_documents`` documents
    (``tfidf``), the most and the least similar pair of documents by cosine (``similarity``),
    and the share of the inertia on the first two axes of the correspondence analysis with the
    documents at either end of the first (``ca_inertia``, ``ca_coordinates``)."""
    _check_results(results, "similarity_findings")
    _check_count("similarity_findings", per_document=per_document, max_documents=max_documents)
    cite = _Citer("similarity")
    blocks = []
    tfidf = _table(results, "tfidf")
    if tfidf is None or tfidf.empty:
        blocks.append(f"*No TF-IDF terms: {_md(_why_absent(results, 'tfidf'))}.*")
    else:
        lines = ["The terms of highest TF-IDF weight (used often here, seldom elsewhere):"]
        order = [d for d in results.documents["doc_id"] if d in set(tfidf["doc_id"])]
        for doc_id in order[:max_documents]:
            rows = tfidf[tfidf["doc_id"] == doc_id].sort_values(
                ["rank", "tfidf", "term"], ascending=[True, False, True], kind="stable"
            )
            terms = []
            for _, row in rows.head(per_document).iterrows():
                keys = {"doc_id": doc_id, "term": row["term"]}
                weight = cite.cell(f"tfidf.{doc_id}.{row['term']}", row["tfidf"], "score",
                                   "tfidf", "tfidf", keys)
                terms.append(f"{_md(row['term'])} ({weight})")
            lines.append(f"- {_md(doc_id)}: {', '.join(terms)}")
        if len(order) > max_documents:
            more = len(order) - max_documents
            lines.append(f"- The terms of the other {more:,} {_plural(more, 'document')} are in "
                         "the tfidf table.")
        blocks.append("\n".join(lines))
    blocks.append(_similar_pairs_sentence(cite, results))
    blocks.append(_correspondence_sentence(cite, results))
    return cite.findings(blocks)


def _similar_pairs_sentence(cite: _Citer, results: RunResults) -> str:
    sim = _table(results, "similarity")
    if sim is None:
        return f"*No similarities: {_md(_why_absent(results, 'similarity'))}.*"
    pairs = sim[sim["doc_a"].astype(str) < sim["doc_b"].astype(str)]
    if pairs.empty:
        return "With one document there is no pair to compare."
    ordered = pairs.sort_values(["cosine", "doc_a", "doc_b"], ascending=[False, True, True],
                                kind="stable")
    most, least = ordered.iloc[0], ordered.iloc[-1]

    def cosine(name: str, row: pd.Series) -> str:
        return cite.cell(f"similarity.{name}.cosine", row["cosine"], "score", "similarity",
                         "cosine", {"doc_a": row["doc_a"], "doc_b": row["doc_b"]})

    if len(pairs) == 1:
        return (
            f"The two documents have a cosine similarity of {cosine('only', most)} (0: no "
            "shared weighted vocabulary, 1: the same profile)."
        )
    return (
        f"The most similar pair is {_md(most['doc_a'])} and {_md(most['doc_b'])} (cosine "
        f"{cosine('most', most)}), the least similar {_md(least['doc_a'])} and "
        f"{_md(least['doc_b'])} ({cosine('least', least)}); cosine is 0 for no shared "
        "weighted vocabulary and 1 for the same profile."
    )


def _correspondence_sentence(cite: _Citer, results: RunResults) -> str:
    inertia = _table(results, "ca_inertia")
    coordinates = _table(results, "ca_coordinates")
    if inertia is None or coordinates is None or inertia.empty:
        reason = _why_absent(results, "correspondence analysis", "ca_inertia")
        return f"*No correspondence analysis: {_md(reason)}.*"
    shares = []
    for dimension in sorted(inertia["dimension"])[:2]:
        row = inertia[inertia["dimension"] == dimension].iloc[0]
        shares.append(
            cite.cell_percent(f"ca.dimension_{dimension}.share", row["share"], "ca_inertia",
                              "share", {"dimension": dimension})
        )
    sentence = (
        "The first axis of the correspondence analysis holds "
        + (f"{shares[0]} of the inertia" if len(shares) == 1
           else f"{shares[0]} of the inertia and the second {shares[1]}")
    )
    first = coordinates[(coordinates["kind"] == "document") & (coordinates["dimension"] == 1)]
    if len(first) >= 2:
        ordered = first.sort_values(["coordinate", "label"], kind="stable")
        low, high = ordered.iloc[0], ordered.iloc[-1]
        low_text = cite.cell("ca.axis1.low", low["coordinate"], "score", "ca_coordinates",
                             "coordinate", {"kind": "document", "label": low["label"],
                                            "dimension": 1})
        high_text = cite.cell("ca.axis1.high", high["coordinate"], "score", "ca_coordinates",
                              "coordinate", {"kind": "document", "label": high["label"],
                                             "dimension": 1})
        sentence += (
            f"; it sets {_md(low['label'])} ({low_text}) against {_md(high['label'])} "
            f"({high_text}) at its two ends"
        )
    return sentence + "."


# --- 04 slogans ----------------------------------------------------------------------------------


def slogan_findings(
    results: RunResults,
    *,
    slogans: Sequence[str] | None = None,
    n_slogans: int = 3,
    unit: CooccurrenceUnit = "sentence",
    min_together: int = 3,
    max_pairs: int = 5,
    max_groupings: int = 3,
) -> Findings:
    """For each of ``slogans`` (default: the ``n_slogans`` mentioned most): its mentions and
    rate over the corpus; the document using it most, with its count, characters, rate and
    interval, how many times the lowest non-zero rate that is, how many documents never mention
    it, and whether its interval overlaps the others'; the highest and lowest group of up to
    ``max_groupings`` groupings (``slogan_counts``). Then the pairs of slogans found together in
    at least ``min_together`` units (``unit``) more often than the table's ``expected`` count
    (``slogan_cooccurrence``), up to ``max_pairs``, and the slogans never mentioned."""
    _check_results(results, "slogan_findings")
    _check_count("slogan_findings", n_slogans=n_slogans, min_together=min_together,
                 max_pairs=max_pairs, max_groupings=max_groupings)
    if unit not in ("sentence", "paragraph", "document"):
        raise InputError(
            f"slogan_findings: unit={unit!r}; give sentence, paragraph or document"
        )
    counts = _table(results, "slogan_counts")
    if counts is None:
        return _note("slogans", f"No slogan counts: {_why_absent(results, 'slogan_counts')}.")
    cite = _Citer("slogans")
    corpus = counts[counts["scope"] == "corpus"].set_index("slogan")
    mentioned = [s for s in results.slogans if s in corpus.index and corpus.at[s, "count"] > 0]
    never = [s for s in results.slogans if s not in mentioned]
    if not mentioned:
        return cite.findings([
            f"None of the {len(results.slogans):,} slogans the run counted is mentioned in this "
            f"corpus ({', '.join(_md(s) for s in results.slogans)})."
        ])
    chosen = _main_slogans(results, slogans, n_slogans)
    first = corpus.loc[mentioned[0]]
    confidence = cite.cell_percent("confidence", first["confidence"], "slogan_counts",
                                   "confidence", {"scope": "corpus", "slogan": mentioned[0]})
    intro = (
        f"Rates are mentions per 10,000 characters with {confidence} bootstrap intervals; where "
        "two intervals overlap, the rates are not clearly different."
    )
    groups = counts[counts["scope"] == "group"]
    if (groups["ci_method"] == "paragraphs").any():
        intro += (
            " Group intervals resample paragraphs within the group's documents: they describe "
            "these documents, not the genre or level at large (settings `slogan_counts: "
            "resample: documents` resamples documents)."
        )
    groupings = results.groupings("slogan_counts")[:max_groupings]
    lines = [
        "- " + _slogan_sentence(cite, results, counts, slogan, groupings) for slogan in chosen
    ]
    blocks = [intro, "\n".join(lines)]
    others = [s for s in mentioned if s not in chosen]
    if others:
        blocks.append(
            f"The other slogans mentioned ({', '.join(_md(s) for s in others)}) are in the "
            "slogan_counts table."
        )
    if never:
        blocks.append(f"Never mentioned in this corpus: {', '.join(_md(s) for s in never)}.")
    blocks.append(_cooccurrence_sentence(cite, results, unit, min_together, max_pairs,
                                         len(mentioned)))
    return cite.findings(blocks)


def _slogan_sentence(
    cite: _Citer, results: RunResults, counts: pd.DataFrame, slogan: str, groupings: Sequence[str]
) -> str:
    corpus_keys = {"scope": "corpus", "slogan": slogan}
    corpus = counts[(counts["scope"] == "corpus") & (counts["slogan"] == slogan)].iloc[0]
    name = f"**{_md(slogan)}**"
    if corpus["count"] == 0:
        return f"{name} is never mentioned in this corpus."
    total = cite.cell(f"{slogan}.corpus.count", corpus["count"], "count", "slogan_counts",
                      "count", corpus_keys)
    text = (
        f"{name}: {total} {_plural(int(corpus['count']), 'mention')}, "
        f"{_rate(cite, f'{slogan}.corpus', corpus, 'slogan_counts', corpus_keys)} over the "
        "corpus."
    )
    docs = counts[(counts["scope"] == "document") & (counts["slogan"] == slogan)]
    if len(docs) >= 2:
        text += " " + _highest_document(cite, results, docs, slogan)
    for grouping in groupings:
        text += _group_contrast(cite, counts, slogan, grouping)
    return text


def _document_keys(row: pd.Series) -> dict[str, str]:
    return {"scope": "document", "doc_id": row["doc_id"], "slogan": row["slogan"]}


def _highest_document(
    cite: _Citer, results: RunResults, docs: pd.DataFrame, slogan: str
) -> str:
    """The document with the highest rate, how it compares with the next highest and with the
    lowest non-zero rate, the document with most mentions, and the documents without any."""
    ordered = docs.sort_values(["per_10k_chars", "count", "doc_id"],
                               ascending=[False, False, True], kind="stable")
    top = ordered.iloc[0]
    keys = _document_keys(top)
    count = cite.cell(f"{slogan}.top.count", top["count"], "count", "slogan_counts", "count",
                      keys)
    chars = cite.cell(f"{slogan}.top.n_chars", top["n_chars"], "count", "slogan_counts",
                      "n_chars", keys)
    sentences = [
        f"Highest rate: {_md(top['doc_id'])}, {count} {_plural(int(top['count']), 'mention')} "
        f"in {chars} characters, {_rate(cite, f'{slogan}.top', top, 'slogan_counts', keys)}"
        + _flag_note(results, top["doc_id"]) + "."
    ]
    sentences.append(_against_the_rest(cite, ordered, slogan))

    mentioning = docs[docs["count"] > 0]
    if len(mentioning) == 1:
        sentences.append("It is the only document that mentions it.")
    else:
        low = mentioning.sort_values(["per_10k_chars", "count", "doc_id"], kind="stable").iloc[0]
        low_rate = _rate(cite, f"{slogan}.lowest", low, "slogan_counts", _document_keys(low))
        times = cite.derived(f"{slogan}.top_over_lowest",
                             top["per_10k_chars"] / low["per_10k_chars"], "times", "ratio",
                             [f"{slogan}.top.per_10k_chars", f"{slogan}.lowest.per_10k_chars"])
        sentences.append(
            f"The highest rate is {times} times the lowest of a document that mentions it, "
            f"{_md(low['doc_id'])}'s {low_rate}."
        )
    by_count = docs.sort_values(["count", "per_10k_chars", "doc_id"],
                                ascending=[False, False, True], kind="stable").iloc[0]
    if by_count["count"] > top["count"]:
        most = cite.cell(f"{slogan}.most_mentions.count", by_count["count"], "count",
                         "slogan_counts", "count", _document_keys(by_count))
        total = cite.cell(f"{slogan}.corpus.count", cite.value(f"{slogan}.corpus.count"),
                          "count", "slogan_counts", "count", {"scope": "corpus", "slogan": slogan})
        sentences.append(f"The most mentions, {most} of {total}, are in "
                         f"{_md(by_count['doc_id'])}.")
    silent = int((docs["count"] == 0).sum())
    if silent:
        n_silent = cite.over_rows(f"{slogan}.never", silent, "count", "rows", "slogan_counts",
                                  "doc_id", {"scope": "document", "slogan": slogan, "count": 0})
        n_docs = cite.over_rows(f"{slogan}.documents", len(docs), "count", "rows",
                                "slogan_counts", "doc_id", {"scope": "document", "slogan": slogan})
        verb = "mentions" if silent == 1 else "mention"
        sentences.append(f"{n_silent} of the {n_docs} documents never {verb} it.")
    else:
        sentences.append("Every document mentions it.")
    return " ".join(s for s in sentences if s)


def _flag_note(results: RunResults, doc_id: str) -> str:
    docs = results.documents
    if "flags" not in docs.columns:
        return ""
    flags = docs.loc[docs["doc_id"] == doc_id, "flags"].fillna("").astype(str)
    flag = flags.iloc[0] if len(flags) else ""
    return f" (flagged {_md(flag)})" if flag else ""


def _against_the_rest(cite: _Citer, ordered: pd.DataFrame, slogan: str) -> str:
    """Whether the highest rate's interval (first row of ``ordered``) overlaps those of the
    other documents that mention the slogan."""
    mentioning = ordered[ordered["count"] > 0]
    if len(mentioning) < 2:
        return ""
    top, following, others = mentioning.iloc[0], mentioning.iloc[1], mentioning.iloc[1:]
    if not _has_interval(top, following):
        return (
            "Without intervals for both (one-paragraph documents have none), the two highest "
            "rates cannot be compared for their uncertainty."
        )
    if all(_has_interval(row) for _, row in others.iterrows()) and (
        others["ci_high"] < top["ci_low"]
    ).all():
        return "Its interval lies above every other document's."
    next_rate = _rate(cite, f"{slogan}.next", following, "slogan_counts",
                      _document_keys(following))
    if _overlap(top, following):
        return (
            f"Its interval overlaps that of the next highest, {_md(following['doc_id'])} "
            f"({next_rate}): the two are not clearly different."
        )
    return (
        f"Its interval lies above that of the next highest, {_md(following['doc_id'])} "
        f"({next_rate}), but the wider intervals of some documents with lower rates overlap it."
    )


def _group_contrast(cite: _Citer, counts: pd.DataFrame, slogan: str, grouping: str) -> str:
    rows = counts[(counts["scope"] == "group") & (counts["grouping"] == grouping)
                  & (counts["slogan"] == slogan)]
    if len(rows) < 2:
        return ""
    ordered = rows.sort_values(["per_10k_chars", "count", "group"],
                               ascending=[False, False, True], kind="stable")
    high, low = ordered.iloc[0], ordered.iloc[-1]
    parts = []
    for label, row in (("highest", high), ("lowest", low)):
        keys = {"scope": "group", "grouping": grouping, "group": row["group"], "slogan": slogan}
        claim = f"{slogan}.{grouping}.{label}"
        n_docs = cite.cell(f"{claim}.n_docs", row["n_docs"], "count", "slogan_counts", "n_docs",
                           keys)
        parts.append(
            f"{label} {_md(row['group'])}, {_rate(cite, claim, row, 'slogan_counts', keys)} "
            f"({n_docs} {_plural(int(row['n_docs']), 'document')})"
        )
    if not _has_interval(high, low) or high["count"] == 0 or low["count"] == 0:
        verdict = ""
    elif _overlap(high, low):
        verdict = "; even these intervals overlap, so the groups are not clearly different"
    else:
        verdict = "; their intervals do not overlap"
    return f" By {_md(grouping)}: {parts[0]}; {parts[1]}{verdict}."


def _cooccurrence_sentence(
    cite: _Citer,
    results: RunResults,
    unit: str,
    min_together: int,
    max_pairs: int,
    n_mentioned: int,
) -> str:
    cooc = _table(results, "slogan_cooccurrence")
    if cooc is None:
        return f"*No co-occurrence: {_md(_why_absent(results, 'slogan_cooccurrence'))}.*"
    if n_mentioned < 2:
        return "Fewer than two slogans are mentioned, so no two can occur together."
    units = f"{unit}s"
    rows = cooc[(cooc["scope"] == "corpus") & (cooc["unit"] == unit)]
    if rows.empty:
        return (
            f"The run counted no co-occurrence by {unit} (settings `cooccurrence: units`)."
        )
    position = _lexicon_position(results)
    pairs = rows[rows["slogan_a"].map(position) < rows["slogan_b"].map(position)]
    beyond = pairs[(pairs["count"] >= min_together) & (pairs["count"] > pairs["expected"])]
    if beyond.empty:
        return (
            f"No two slogans share {min_together:,} or more {units} and do so more often than "
            f"expected if they fell into {units} independently."
        )
    beyond = beyond.assign(_ratio=beyond["count"] / beyond["expected"]).sort_values(
        ["count", "_ratio", "slogan_a", "slogan_b"], ascending=[False, False, True, True],
        kind="stable",
    )
    first = beyond.iloc[0]
    n_units = cite.cell(f"cooccurrence.{unit}.n_units", first["n_units"], "count",
                        "slogan_cooccurrence", "n_units",
                        {"scope": "corpus", "unit": unit, "slogan_a": first["slogan_a"],
                         "slogan_b": first["slogan_b"]})
    lines = [
        f"Pairs of slogans found together in {min_together:,} or more of the corpus's {n_units} "
        f"{units}, more often than expected if they fell into {units} independently (expected "
        f"= {units} with one × {units} with the other ÷ all {units}):"
    ]
    for _, row in beyond.head(max_pairs).iterrows():
        keys = {"scope": "corpus", "unit": unit, "slogan_a": row["slogan_a"],
                "slogan_b": row["slogan_b"]}
        claim = f"cooccurrence.{unit}.{row['slogan_a']}.{row['slogan_b']}"
        count = cite.cell(f"{claim}.count", row["count"], "count", "slogan_cooccurrence",
                          "count", keys)
        expected = cite.cell(f"{claim}.expected", row["expected"], "expected",
                             "slogan_cooccurrence", "expected", keys)
        times = cite.derived(f"{claim}.ratio", row["count"] / row["expected"], "times", "ratio",
                             [f"{claim}.count", f"{claim}.expected"])
        lines.append(
            f"- {_md(row['slogan_a'])} and {_md(row['slogan_b'])}: {count} {units} against "
            f"{expected} expected ({times} times)"
        )
    if len(beyond) > max_pairs:
        more = len(beyond) - max_pairs
        lines.append(f"- {more:,} more such {_plural(more, 'pair')} "
                     f"{'is' if more == 1 else 'are'} in the slogan_cooccurrence table")
    lines.append(
        "\nThe table holds no test of these differences: they describe this corpus and are not "
        "by themselves significant."
    )
    return "\n".join(lines)


# --- 05 formulae ---------------------------------------------------------------------------------


def formula_findings(results: RunResults, *, max_formulae: int = 5) -> Findings:
    """How many shared formulae the run found, the ``max_formulae`` shared by most documents
    (with their documents and occurrences), and the longest formula shared by three or more
    documents (``formulae``)."""
    _check_results(results, "formula_findings")
    _check_count("formula_findings", max_formulae=max_formulae)
    table = _table(results, "formulae")
    if table is None:
        return _note("formulae", f"No shared formulae: {_why_absent(results, 'formulae')}.")
    if table.empty:
        return _note(
            "formulae",
            "No passage is shared by two or more documents at the settings' formulae: "
            "min_length.",
        )
    cite = _Citer("formulae")
    n_formulae = cite.over_rows("formulae", len(table), "count", "rows", "formulae", "formula",
                                {})
    n_docs = cite.over_rows("documents", len(results.documents), "count", "rows", "documents",
                            "doc_id", {})
    ordered = table.sort_values(["n_docs", "length", "formula"], ascending=[False, False, True],
                                kind="stable")
    lines = [
        f"{n_formulae} {_plural(len(table), 'passage')} (formulae, at least the settings' "
        "`formulae: min_length` characters, punctuation aside) recur in two or more documents. "
        "Shared by most documents:"
    ]
    for _, row in ordered.head(max_formulae).iterrows():
        lines.append("- " + _formula_text(cite, row, n_docs))
    blocks = ["\n".join(lines)]
    widest = int(ordered["n_docs"].iloc[0])
    if widest == len(results.documents):
        blocks.append(
            "A passage found in every document may be the source's fixed wording (a heading, a "
            "byline, a site's furniture) rather than a political formula: read its occurrences "
            "(the formula_occurrences table) before citing it."
        )
    least = min(3, widest)
    candidates = ordered[ordered["n_docs"] >= least].sort_values(
        ["length", "n_docs", "formula"], ascending=[False, False, True], kind="stable"
    )
    longest = candidates.iloc[0]
    if longest["formula"] not in set(ordered.head(max_formulae)["formula"]):
        keys = {"formula": longest["formula"]}
        length = cite.cell("longest.length", longest["length"], "count", "formulae", "length",
                           keys)
        docs = cite.cell("longest.n_docs", longest["n_docs"], "count", "formulae", "n_docs", keys)
        who = "three or more documents" if least == 3 else "two documents"
        blocks.append(
            f"The longest shared by {who} is {_quote(longest['text'])} ({length} characters, "
            f"{docs} documents: {_md(longest['doc_ids'].replace(';', ', '))})."
        )
    return cite.findings(blocks)


def _quote(text: str, limit: int = 60) -> str:
    return f"「{_md(_shorten(_balanced_quotes(str(text)), limit))}」"


def _formula_text(cite: _Citer, row: pd.Series, n_docs: str) -> str:
    keys = {"formula": row["formula"]}
    claim = f"formula.{row['formula']}"
    docs = cite.cell(f"{claim}.n_docs", row["n_docs"], "count", "formulae", "n_docs", keys)
    occurrences = cite.cell(f"{claim}.count", row["count"], "count", "formulae", "count",
                            keys)
    return (
        f"{_quote(row['text'])}: {docs} of {n_docs} documents, {occurrences} "
        f"{_plural(int(row['count']), 'occurrence')}"
    )


# --- 06 trends -----------------------------------------------------------------------------------


def trend_findings(
    results: RunResults, *, slogans: Sequence[str] | None = None, n_slogans: int = 3
) -> Findings:
    """For each of ``slogans`` (default: the ``n_slogans`` mentioned most), the rate of all
    documents at the first and last time step and at its highest, with intervals, the documents
    per step, and whether the first and last intervals overlap (``slogan_trends``); how many
    documents have no year (``documents``)."""
    _check_results(results, "trend_findings")
    _check_count("trend_findings", n_slogans=n_slogans)
    trends = _table(results, "slogan_trends")
    if trends is None:
        return _note(
            "trends",
            f"No trends: {_why_absent(results, 'slogan_trends')}. Name the files with a year "
            "(report_1998.txt) or give a metadata CSV with a year column.",
        )
    cite = _Citer("trends")
    docs = results.documents
    blocks = []
    undated = int(docs["year"].isna().sum()) if "year" in docs.columns else len(docs)
    if undated:
        n_undated = cite.over_rows("undated", undated, "count", "rows", "documents", "doc_id",
                                   {"year": None})
        blocks.append(
            f"{n_undated} {_plural(undated, 'document')} without a year "
            f"{'is' if undated == 1 else 'are'} left out of the trends."
        )
    line = trends[trends["grouping"].fillna("").astype(str) == ""]
    if line.empty:
        blocks.append("The trends table has no line of all documents.")
        return cite.findings(blocks)
    unit = str(line["time_unit"].iloc[0])
    steps = line.drop_duplicates("time").sort_values("year", kind="stable")
    if len(steps) == 1:
        blocks.append(
            f"All dated documents fall in one {_md(unit)}, {_md(steps['time'].iloc[0])}: there "
            "is no trend to describe."
        )
        return cite.findings(blocks)
    chosen = [
        s for s in _main_slogans(results, slogans, n_slogans)
        if line.loc[line["slogan"] == s, "count"].sum() > 0
    ]
    if not chosen:
        blocks.append("None of these slogans is mentioned in a dated document.")
        return cite.findings(blocks)
    lines = [f"All documents, {_md(unit)} by {_md(unit)} (the trend figure and table above):"]
    for slogan in chosen:
        lines.append("- " + _trend_sentence(cite, line, slogan, unit))
    blocks.append("\n".join(lines))
    groupings = [g for g in pd.unique(trends["grouping"].fillna("").astype(str)) if g]
    if groupings:
        blocks.append(
            f"Lines per group ({', '.join(_md(g) for g in groupings)}) are in the slogan_trends "
            "table."
        )
    return cite.findings(blocks)


def _trend_sentence(cite: _Citer, line: pd.DataFrame, slogan: str, unit: str) -> str:
    rows = line[line["slogan"] == slogan].sort_values("year", kind="stable")
    line_keys = {"slogan": slogan, "grouping": ""}
    fewest = cite.over_rows(f"{slogan}.n_docs.min", rows["n_docs"].min(), "count", "min",
                            "slogan_trends", "n_docs", line_keys)
    most = cite.over_rows(f"{slogan}.n_docs.max", rows["n_docs"].max(), "count", "max",
                          "slogan_trends", "n_docs", line_keys)
    per_step = (
        f"{fewest} {_plural(int(rows['n_docs'].min()), 'document')} each"
        if rows["n_docs"].min() == rows["n_docs"].max()
        else f"{fewest} to {most} documents each"
    )

    def at(row: pd.Series) -> str:
        time = row["time"]
        keys = {**line_keys, "time": time}
        if row["count"] == 0:
            cite.cell(f"{slogan}.{time}.count", row["count"], "count", "slogan_trends", "count",
                      keys)
            return f"no mention in {_md(time)}"
        return f"{_rate(cite, f'{slogan}.{time}', row, 'slogan_trends', keys)} in {_md(time)}"

    first, last = rows.iloc[0], rows.iloc[-1]
    peak = rows.sort_values(["per_10k_chars", "year"], ascending=[False, True],
                            kind="stable").iloc[0]
    text = (
        f"**{_md(slogan)}** ({len(rows):,} {_plural(len(rows), unit)}, {per_step}): "
        f"{at(first)}, {at(last)}"
    )
    if peak["time"] in (first["time"], last["time"]):
        text += f"; highest in {_md(peak['time'])}."
    else:
        text += f"; highest {at(peak)}."
    if not _has_interval(first, last) or first["count"] == 0 or last["count"] == 0:
        return text
    if _overlap(first, last):
        return text + " The first and last intervals overlap: no clear change between them."
    direction = "higher" if last["per_10k_chars"] > first["per_10k_chars"] else "lower"
    return text + (
        f" The first and last intervals do not overlap: the rate is clearly {direction} at the "
        "end, for these documents."
    )


# --- the study narrative -------------------------------------------------------------------------

#: The kinds of narrative placeholder, ``{{kind|argument|…}}``: their arguments and what each
#: gives (every number is cited as a claim of the rendered narrative).
PLACEHOLDERS: dict[str, tuple[tuple[str, ...], str]] = {
    "documents": ((), "the number of documents (documents)"),
    "first_year": ((), "the earliest year of a document (documents)"),
    "last_year": ((), "the latest year of a document (documents)"),
    "chars": (("doc",), "a document's characters after cleaning (documents n_chars)"),
    "count": (("doc", "slogan"), "a slogan's mentions in a document (slogan_counts)"),
    "rate": (("doc", "slogan"), "its rate per 10,000 characters and interval (slogan_counts)"),
    "corpus_count": (("slogan",), "a slogan's mentions in the corpus (slogan_counts)"),
    "corpus_rate": (("slogan",), "its rate and interval over the corpus (slogan_counts)"),
    "group_rate": (("grouping", "group", "slogan"), "a group's rate and interval"),
    "documents_without": (("slogan",), "documents that never mention a slogan"),
    "g2": (("doc", "term"), "a term's G² as a keyword of a document against the rest"),
    "log_ratio": (("doc", "term"), "its log ratio (keyness)"),
    "cosine": (("doc", "doc"), "the cosine similarity of two documents (similarity)"),
    "formula_docs": (("formula",), "documents sharing a formula, without punctuation"),
    "cooc": (("unit", "slogan", "slogan"), "units holding both slogans (slogan_cooccurrence)"),
    "cooc_expected": (("unit", "slogan", "slogan"), "the count expected by independence"),
}

_PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")


def narrative_template() -> Path:
    """The study narrative's template, ``data/narrative/study.md`` (or under ANALYSIS_DATA)."""
    from analysis.config.paths import data_file

    return data_file(*NARRATIVE_TEMPLATE)


def _read_template(template: str | Path | None) -> tuple[dict[str, list[str]], str, str]:
    """(front matter, body, source name) of a narrative template file."""
    from analysis.config.yaml_files import load_yaml, yaml_problem

    path = narrative_template() if template is None else Path(template)
    if not path.is_file():
        raise NarrativeError(f"{path}: no narrative template there; give the path of a .md file")
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, flags=re.S)
    if match is None:
        raise NarrativeError(
            f"{path}: start the template with front matter between --- lines naming its "
            "documents and slogans (documents: [...], slogans: [...])"
        )
    import yaml

    try:
        front = load_yaml(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise NarrativeError(f"{path}: front matter: {yaml_problem(exc)}") from None
    for key in ("documents", "slogans"):
        values = front.get(key) if isinstance(front, dict) else None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise NarrativeError(
                f"{path}: front matter: give {key} as a list of names, e.g. {key}: [a, b]"
            )
    return front, match.group(2), str(path)


def study_narrative(results: RunResults, *, template: str | Path | None = None) -> Findings:
    """The study's narrative of its documents (:func:`render_narrative`) when the run has every
    document and slogan the template names; otherwise one sentence saying the narrative is about
    those documents and is not shown for this corpus (or why it cannot be filled)."""
    _check_results(results, "study_narrative")
    front, _, _ = _read_template(template)
    have_docs = set(results.documents["doc_id"].astype(str))
    missing = [d for d in front["documents"] if d not in have_docs]
    missing += [s for s in front["slogans"] if s not in results.slogans]
    if missing:
        return _note(
            "narrative",
            f"The study narrative is about the study's {len(front['documents']):,} documents "
            f"({', '.join(front['documents'])}) and is not shown for this run, which lacks "
            f"{', '.join(missing)}.",
        )
    try:
        return render_narrative(results, template=template)
    except NarrativeError as exc:
        return _note("narrative", f"The study narrative cannot be filled from this run: {exc}")


def render_narrative(results: RunResults, *, template: str | Path | None = None) -> Findings:
    """The narrative template (default :func:`narrative_template`) with every placeholder
    ``{{kind|argument|…}}`` (:data:`PLACEHOLDERS`) replaced by the number the run's tables hold,
    each cited as a claim. Raises :class:`NarrativeError` naming the placeholder when its kind
    is unknown, its arguments are wrong, or the document, slogan, term or row it refers to is not
    in the run."""
    _check_results(results, "render_narrative")
    _, body, source = _read_template(template)
    cite = _Citer("narrative")

    def fill(match: re.Match) -> str:
        placeholder = match.group(0)
        kind, *arguments = (part.strip() for part in match.group(1).split("|"))
        if kind not in PLACEHOLDERS:
            raise NarrativeError(
                f"{source}: placeholder {placeholder}: unknown kind {kind!r}; use one of "
                f"{', '.join(PLACEHOLDERS)}"
            )
        names, _ = PLACEHOLDERS[kind]
        if len(arguments) != len(names):
            raise NarrativeError(
                f"{source}: placeholder {placeholder}: {kind} takes {len(names)} arguments "
                f"({'|'.join(names) or 'none'}), got {len(arguments)}"
            )
        resolver = _Resolver(results, cite, source, placeholder)
        return getattr(resolver, kind)(*arguments)

    # paragraphs are joined into lines before filling, so that no number lands at the start of
    # a line (Markdown would read "3. Yet" there as a numbered list)
    paragraphs = [_unwrapped(b.strip()) for b in re.split(r"\n\s*\n", body) if b.strip()]
    text = _PLACEHOLDER.sub(fill, "\n\n".join(paragraphs))
    leftover = re.search(r"\{\{|\}\}", text)
    if leftover:
        raise NarrativeError(
            f"{source}: an unclosed placeholder near {text[leftover.start():][:30]!r}; write "
            "placeholders as {{kind|argument}}"
        )
    return cite.findings(text.split("\n\n"))


def _unwrapped(block: str) -> str:
    """A paragraph's lines joined into one (as Markdown shows it); a block of list items or
    headings keeps its lines."""
    lines = block.split("\n")
    if any(re.match(r"\s*([-*+#>|]|\d+[.)])\s", line) for line in lines):
        return block
    return " ".join(line.strip() for line in lines)


class _Resolver:
    """Resolves one narrative placeholder (one method per kind of :data:`PLACEHOLDERS`)."""

    def __init__(self, results: RunResults, cite: _Citer, source: str, placeholder: str):
        self.results, self.cite, self.source = results, cite, source
        self.placeholder = placeholder
        self.claim = placeholder.strip("{}")

    def _fail(self, what: str) -> NarrativeError:
        return NarrativeError(f"{self.source}: placeholder {self.placeholder}: {what}")

    def _doc(self, doc_id: str) -> str:
        docs = self.results.documents["doc_id"].astype(str)
        if doc_id not in set(docs):
            shown = ", ".join(docs.head(8)) + (", …" if len(docs) > 8 else "")
            raise self._fail(f"document {doc_id!r} is not in this run (its documents: {shown})")
        return doc_id

    def _slogan(self, slogan: str) -> str:
        if slogan not in self.results.slogans:
            raise self._fail(
                f"slogan {slogan!r} was not counted by this run (its slogans: "
                f"{', '.join(self.results.slogans)})"
            )
        return slogan

    def _row(self, table: str, keys: Mapping[str, Any], missing: str) -> pd.Series:
        frame = _table(self.results, table)
        if frame is None:
            raise self._fail(f"this run has no table {table} ({_why_absent(self.results, table)})")
        mask = pd.Series(True, index=frame.index)
        for column, value in keys.items():
            mask &= frame[column].astype(str).fillna("") == str(value)
        rows = frame[mask]
        if len(rows) != 1:
            raise self._fail(missing)
        return rows.iloc[0]

    def _cell(self, table: str, column: str, keys: Mapping, kind: NumberKind, missing: str):
        row = self._row(table, keys, missing)
        return self.cite.cell(f"{self.claim}.{column}", row[column], kind, table, column, keys)

    # kinds ------------------------------------------------------------------------------------

    def documents(self) -> str:
        return self.cite.over_rows(self.claim, len(self.results.documents), "count", "rows",
                                   "documents", "doc_id", {})

    def _year(self, how: Literal["min", "max"]) -> str:
        if not self.results.has_values("year"):
            raise self._fail("no document of this run has a year")
        years = self.results.documents["year"].dropna()
        value = years.min() if how == "min" else years.max()
        return self.cite.over_rows(self.claim, value, "year", how, "documents", "year", {})

    def first_year(self) -> str:
        return self._year("min")

    def last_year(self) -> str:
        return self._year("max")

    def chars(self, doc: str) -> str:
        return self._cell("documents", "n_chars", {"doc_id": self._doc(doc)}, "count",
                          f"document {doc!r} has no row in documents")

    def count(self, doc: str, slogan: str) -> str:
        keys = {"scope": "document", "doc_id": self._doc(doc), "slogan": self._slogan(slogan)}
        return self._cell("slogan_counts", "count", keys, "count",
                          f"no slogan_counts row for {slogan!r} in {doc!r}")

    def _rate(self, keys: Mapping, missing: str) -> str:
        row = self._row("slogan_counts", keys, missing)
        return _rate(self.cite, self.claim, row, "slogan_counts", keys)

    def rate(self, doc: str, slogan: str) -> str:
        keys = {"scope": "document", "doc_id": self._doc(doc), "slogan": self._slogan(slogan)}
        return self._rate(keys, f"no slogan_counts row for {slogan!r} in {doc!r}")

    def corpus_count(self, slogan: str) -> str:
        keys = {"scope": "corpus", "slogan": self._slogan(slogan)}
        return self._cell("slogan_counts", "count", keys, "count",
                          f"no corpus row for {slogan!r} in slogan_counts")

    def corpus_rate(self, slogan: str) -> str:
        keys = {"scope": "corpus", "slogan": self._slogan(slogan)}
        return self._rate(keys, f"no corpus row for {slogan!r} in slogan_counts")

    def group_rate(self, grouping: str, group: str, slogan: str) -> str:
        keys = {"scope": "group", "grouping": grouping, "group": group,
                "slogan": self._slogan(slogan)}
        return self._rate(
            keys, f"no group {grouping} = {group!r} in this run's slogan_counts (groupings: "
            f"{', '.join(self.results.groupings('slogan_counts')) or 'none'})"
        )

    def documents_without(self, slogan: str) -> str:
        counts = self.results.tables["slogan_counts"]
        rows = counts[(counts["scope"] == "document") & (counts["slogan"] == self._slogan(slogan))]
        return self.cite.over_rows(
            self.claim, int((rows["count"] == 0).sum()), "count", "rows", "slogan_counts",
            "doc_id", {"scope": "document", "slogan": slogan, "count": 0},
        )

    def _keyness(self, doc: str, term: str, column: str) -> str:
        keys = {"grouping": "doc_id", "target": self._doc(doc), "term": term}
        row = self._row("keyness", keys, f"term {term!r} has no keyness row for document "
                        f"{doc!r} (the run keeps each comparison's keyness: top_n terms)")
        keys = {**keys, "reference": row["reference"]}
        return self.cite.cell(f"{self.claim}.{column}", row[column], "statistic", "keyness",
                              column, keys)

    def g2(self, doc: str, term: str) -> str:
        return self._keyness(doc, term, "g2")

    def log_ratio(self, doc: str, term: str) -> str:
        return self._keyness(doc, term, "log_ratio")

    def cosine(self, doc_a: str, doc_b: str) -> str:
        keys = {"doc_a": self._doc(doc_a), "doc_b": self._doc(doc_b)}
        return self._cell("similarity", "cosine", keys, "score",
                          f"no similarity row for {doc_a!r} and {doc_b!r}")

    def formula_docs(self, formula: str) -> str:
        return self._cell("formulae", "n_docs", {"formula": formula}, "count",
                          f"formula {formula!r} is not in this run's formulae table (write it "
                          "without punctuation, as its formula column does)")

    def _cooc(self, unit: str, slogan_a: str, slogan_b: str, column: str, kind: NumberKind):
        keys = {"scope": "corpus", "unit": unit, "slogan_a": self._slogan(slogan_a),
                "slogan_b": self._slogan(slogan_b)}
        return self._cell("slogan_cooccurrence", column, keys, kind,
                          f"no corpus row of {slogan_a} and {slogan_b} by {unit!r} in "
                          "slogan_cooccurrence (units: sentence, paragraph, document)")

    def cooc(self, unit: str, slogan_a: str, slogan_b: str) -> str:
        return self._cooc(unit, slogan_a, slogan_b, "count", "count")

    def cooc_expected(self, unit: str, slogan_a: str, slogan_b: str) -> str:
        return self._cooc(unit, slogan_a, slogan_b, "expected", "expected")


# --- 03 (models): topics and positions on a scale ------------------------------------------------


def model_findings(results: RunResults, *, top_terms: int = 5) -> Findings:
    """The topics of the run (``topics``: each topic's ``top_terms`` best terms), which number
    of topics the coherence measure prefers (``topic_k``), each topic's peak over the years or
    groups (``topic_prevalence``), and the Wordfish and Wordscores positions at either end of
    the scale (``wordfish_positions``, ``wordscores_positions``). Models the run did not fit
    (fewer documents than ``min_documents``, turned off) are said to be absent, with why."""
    _check_results(results, "model_findings")
    _check_count("model_findings", top_terms=top_terms)
    cite = _Citer("models")
    return cite.findings([
        _topics_sentence(cite, results, top_terms),
        _topic_k_sentence(cite, results),
        _prevalence_sentence(cite, results),
        _scale_sentence(cite, results, "wordfish_positions", "theta", "Wordfish"),
        _scale_sentence(cite, results, "wordscores_positions", "rescaled_score", "Wordscores"),
    ])


def _topics_sentence(cite: _Citer, results: RunResults, top_terms: int) -> str:
    topics = _table(results, "topics")
    if topics is None:
        return f"*No topic model: {_md(_why_absent(results, 'topics'))}.*"
    lines = ["The topics, each by its terms of highest weight (topics table):"]
    for topic, rows in topics.groupby("topic", sort=False):
        ordered = rows.sort_values(["rank", "term"], kind="stable").head(top_terms)
        lines.append(f"- {_md(topic)}: {'、'.join(_md(t) for t in ordered['term'])}")
    lines.append(
        "A topic is a pattern of words that occur together, named here only by number: reading "
        "its terms and the documents that weigh most on it (topic_shares) says what it is about."
    )
    return "\n".join(lines)


def _topic_k_sentence(cite: _Citer, results: RunResults) -> str:
    table = _table(results, "topic_k")
    if table is None:
        return ""
    coherence = table[table["measure"].astype(str).isin(["umass", "npmi"])]
    if coherence.empty:
        return ""
    measure = str(coherence["measure"].iloc[0])
    rows = coherence[coherence["measure"] == measure]
    best = rows.sort_values(["value", "k"], ascending=[False, True], kind="stable").iloc[0]
    value = cite.cell("topic_k.best", best["value"], "score", "topic_k", "value",
                      {"k": int(best["k"]), "measure": measure})
    ks = ", ".join(str(int(k)) for k in rows["k"])
    return (
        f"Of k = {ks} topics, {measure} coherence (higher is better) is highest at "
        f"k = {int(best['k'])} ({value}); the run's topics use the settings' k "
        f"(topics: k). Coherence is one guide among several: the topics must also read well."
    )


def _prevalence_sentence(cite: _Citer, results: RunResults) -> str:
    table = _table(results, "topic_prevalence")
    if table is None:
        return ""
    from analysis.run.models import prevalence_grouping

    grouping = prevalence_grouping(table)
    rows = table[table["grouping"].astype(str) == grouping]
    lines = [f"Where each topic weighs most (mean share of the documents, by {_md(grouping)}, "
             "with its document-bootstrap interval):"]
    for topic, own in rows.groupby("topic", sort=False):
        enough = own[own["n_docs"] >= 2] if (own["n_docs"] >= 2).any() else own
        peak = enough.sort_values(["mean_share", "group"], ascending=[False, True],
                                  kind="stable").iloc[0]
        keys = {"grouping": grouping, "group": str(peak["group"]), "topic": str(topic)}
        share = cite.cell_percent(f"prevalence.{topic}", peak["mean_share"],
                                  "topic_prevalence", "mean_share", keys)
        interval = ""
        if not (pd.isna(peak["ci_low"]) or pd.isna(peak["ci_high"])):
            low = cite.cell_percent(f"prevalence.{topic}.low", peak["ci_low"],
                                    "topic_prevalence", "ci_low", keys)
            high = cite.cell_percent(f"prevalence.{topic}.high", peak["ci_high"],
                                     "topic_prevalence", "ci_high", keys)
            interval = f" [{low}, {high}]"
        lines.append(f"- {_md(topic)}: {_md(peak['group'])}, {share}{interval} "
                     f"({int(peak['n_docs'])} {_plural(int(peak['n_docs']), 'document')})")
    return "\n".join(lines)


def _scale_sentence(
    cite: _Citer, results: RunResults, table_name: str, column: str, model: str
) -> str:
    table = _table(results, table_name)
    if table is None:
        if table_name == "wordfish_positions":
            return f"*No Wordfish positions: {_md(_why_absent(results, 'scaling'))}.*"
        reason = _why_absent(results, "wordscores")
        return f"*No Wordscores positions: {_md(reason)}.*" if reason else ""
    if column not in table.columns or table[column].isna().all():
        column = "raw_score"
    scored = table.dropna(subset=[column])
    if table_name == "wordscores_positions":
        scored = scored[~scored["is_reference"].astype(str).str.lower().isin(["true", "1"])]
    if len(scored) < 2:
        return ""
    ordered = scored.sort_values([column, "doc_id"], kind="stable")
    low, high = ordered.iloc[0], ordered.iloc[-1]

    def position(name: str, row: pd.Series) -> str:
        return cite.cell(f"{table_name}.{name}", row[column], "score", table_name, column,
                         {"doc_id": row["doc_id"]})

    sentence = (
        f"{model} places {_md(low['doc_id'])} lowest ({position('lowest', low)}) and "
        f"{_md(high['doc_id'])} highest ({position('highest', high)}) of "
        f"{len(scored):,} {_plural(len(scored), 'document')}"
    )
    if table_name == "wordfish_positions":
        sentence += (
            ". The scale is whatever most separates the documents' word use (often time or "
            "genre before ideology): its direction is fixed by the two documents of scaling: "
            "direction, and the word weights (wordfish_words) say what it means"
        )
    else:
        sentence += ", on the scale of the reference scores given"
    return sentence + "."
