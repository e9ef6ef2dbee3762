"""What the notebooks show: a finished run's tables and figures, shaped for reading.

Every function takes a run (:class:`analysis.run.results.RunResults`, from
:func:`analysis.run.results.load_results`) and computes no statistic: it selects rows and columns of
the run's tables, puts numbers beside their evidence, or shows a figure the run drew. Where the
corpus lacks what a view needs (no metadata column to group by, no year, a figure the run
skipped) the view returns a one-line :class:`Note` saying so, and the notebook goes on.

Tables of numbers are returned as :class:`Shown`: the table displays as usual and its display
carries the name of the run's table it was taken from (``{"analysis": {"table": name}}`` in the
output's metadata), so a test can check that every number a notebook shows is in that table.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from analysis.run.results import RunResults

#: Cleaning rules that change characters in place rather than remove text.
CHANGING_RULES = ("punctuation", "t2s", "t2s+punctuation", "line_break")
#: Rows shown per table, so a notebook stays readable on tens of thousands of documents.
MAX_ROWS = 40


@dataclass(frozen=True)
class Shown:
    """Rows and columns of one of the run's tables (``source``), displayed as an HTML table."""

    frame: pd.DataFrame
    source: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Whole cells: a shortened formula or concordance line would no longer be the table's;
        # a missing year (nullable integers print <NA> whatever na_rep says) as an empty cell.
        frame = self.frame.copy()
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.api.extensions.ExtensionDtype) and (
                pd.api.types.is_integer_dtype(frame[column].dtype)
            ):
                frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
        with pd.option_context("display.max_colwidth", None):
            data = {
                "text/html": frame.to_html(index=False, na_rep=""),
                "text/plain": frame.to_string(index=False, na_rep=""),
            }
        return data, {"analysis": {"table": self.source}}

    def __len__(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class Note:
    """One line for the reader: why a section shows nothing for this corpus."""

    text: str

    def _repr_markdown_(self) -> str:
        return f"*{self.text}*"

    def _repr_html_(self) -> str:
        return f"<p><em>{html.escape(self.text)}</em></p>"

    def __repr__(self) -> str:
        return self.text


def _absent(results: RunResults, what: str, title: str) -> Note:
    """``No <title>: <why the run left it out>.``"""
    return Note(f"No {title}: {results.reason_skipped(what) or 'the run computed none'}.")


def _shown(frame: pd.DataFrame, source: str) -> Shown:
    return Shown(frame.reset_index(drop=True), source)


def _with_metadata(results: RunResults, frame: pd.DataFrame) -> list[str]:
    """The metadata columns of the run that ``frame`` carries (year, groupings …)."""
    columns = results.manifest.get("metadata_columns") or []
    return [c for c in columns if c in frame.columns]


# --- the corpus ----------------------------------------------------------------------------------


def corpus_facts(results: RunResults) -> pd.DataFrame:
    """The corpus in a few lines: documents, sizes, years, metadata, flags, boilerplate."""
    docs = results.documents
    years = docs["year"].dropna() if "year" in docs.columns else pd.Series(dtype="Int64")
    standard = {"doc_id", "file", "encoding", "script", "flags", "title"}
    metadata = [
        c
        for c in docs.columns
        if c not in standard and not c.startswith("n_") and docs[c].notna().any()
    ]
    flagged = int((docs["flags"].fillna("") != "").sum()) if "flags" in docs.columns else 0
    facts = [
        ("documents", f"{len(docs):,}"),
        (
            "characters (raw → cleaned)",
            f"{docs['n_chars_raw'].sum():,} → {docs['n_chars'].sum():,}",
        ),
        ("word tokens", f"{docs['n_tokens'].sum():,}"),
        (
            "years",
            f"{int(years.min())}–{int(years.max())} ({len(years):,} documents dated)"
            if len(years)
            else "none (no year in the metadata or file names)",
        ),
        ("metadata with values", ", ".join(metadata) or "none"),
        ("slogans counted", ", ".join(results.slogans)),
        ("flagged documents", f"{flagged:,}"),
        ("settings", str(results.manifest["settings"].get("file") or "defaults")),
        ("segmenter", str(results.manifest.get("segmenter", {}).get("backend", ""))),
    ]
    if "shared_boilerplate" in results.tables:
        lines = results.tables["shared_boilerplate"]
        facts.append(("shared boilerplate lines removed", f"{len(lines):,}"))
    return pd.DataFrame(facts, columns=["", "value"])


def documents(results: RunResults, *, max_rows: int = MAX_ROWS) -> Shown:
    """The documents table (the first ``max_rows`` documents)."""
    docs = results.documents
    keep = [c for c in docs.columns if c not in ("file",) and docs[c].notna().any()]
    return _shown(docs[keep].head(max_rows), "documents")


def flagged_documents(results: RunResults) -> Shown | Note:
    """Documents flagged as far shorter than the rest or mostly not Chinese (kept, not dropped)."""
    docs = results.documents
    if "flags" not in docs.columns:
        return Note("This run does not flag documents.")
    flagged = docs[docs["flags"].fillna("") != ""]
    if flagged.empty:
        return Note(
            "No document is flagged: none is far shorter than the rest or mostly not Chinese."
        )
    columns = [c for c in ("doc_id", "title", "year", "n_chars", "flags") if c in docs.columns]
    return _shown(flagged[columns], "documents")


def shared_boilerplate(results: RunResults, *, max_rows: int = 20) -> Shown | Note:
    """Lines recurring in many documents that cleaning removed as shared boilerplate."""
    if "shared_boilerplate" not in results.tables or results.tables["shared_boilerplate"].empty:
        return Note(
            "No shared boilerplate: no line recurs in enough documents (cleaning.yml, "
            "shared_boilerplate) to be removed."
        )
    return _shown(results.tables["shared_boilerplate"].head(max_rows), "shared_boilerplate")


def cleaning_summary(results: RunResults, *, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Characters each cleaning rule removed (or, for changing rules, changed) per document.

    Columns: ``doc_id``, ``n_chars_raw``, ``n_chars`` and one column per rule that fired; the
    rule columns count characters of the raw text the rule touched. With many documents, those
    with most removed come first."""
    log = results.tables["cleaning_log"]
    touched = log.assign(chars=log["text"].str.len())
    wide = touched.pivot_table(
        index="doc_id", columns="rule", values="chars", aggfunc="sum", fill_value=0
    )
    docs = results.documents.set_index("doc_id")[["n_chars_raw", "n_chars"]]
    table = docs.join(wide).fillna(0)
    rules = [c for c in table.columns if c not in ("n_chars_raw", "n_chars")]
    table = table.astype({c: "int64" for c in rules}).reset_index()
    if len(table) > max_rows:
        removed = table["n_chars_raw"] - table["n_chars"]
        table = table.loc[removed.sort_values(ascending=False, kind="stable").index[:max_rows]]
    return table.reset_index(drop=True)


def cleaning_examples(
    results: RunResults, *, per_rule: int = 2, max_chars: int = 60
) -> pd.DataFrame:
    """The first ``per_rule`` removals of every removing rule, with the text shortened."""
    log = results.tables["cleaning_log"]
    removed = log[~log["rule"].isin(CHANGING_RULES) & (log["rule"] != "blank_line")]
    examples = removed.groupby("rule", sort=True).head(per_rule)
    text = examples["text"].str.replace("\n", "⏎", regex=False)
    shortened = text.where(text.str.len() <= max_chars, text.str.slice(0, max_chars - 1) + "…")
    return (
        examples.assign(text=shortened)[["rule", "doc_id", "start", "end", "text"]]
        .sort_values(["rule", "doc_id", "start"])
        .reset_index(drop=True)
    )


def restore_check(results: RunResults, *, max_rows: int = MAX_ROWS) -> pd.DataFrame | Note:
    """Whether each raw file is exactly its cleaned text with the audit's changes put back.

    Reads the raw files of the run's inputs (not their tokens) and the run's cleaned texts and
    cleaning log. Shows the first ``max_rows`` documents and a last row for all of them."""
    from pathlib import Path

    from analysis.corpus.clean import restore_raw_text
    from analysis.corpus.encoding import read_text_file

    texts = results.tables["texts"].set_index("doc_id")
    log = results.tables["cleaning_log"]
    folder = Path(results.manifest["inputs"]["texts_dir"])
    by_doc = dict(tuple(log.groupby("doc_id", sort=False)))
    empty = log.iloc[0:0]
    rows = []
    for doc_id, file in zip(results.documents["doc_id"], results.documents["file"], strict=True):
        path = folder / file
        if not path.is_file():
            return Note(f"The raw texts are no longer at {folder}; the check needs them.")
        raw, _ = read_text_file(path)
        rebuilt = restore_raw_text(texts.loc[doc_id, "text"], by_doc.get(doc_id, empty))
        rows.append((doc_id, rebuilt == raw, len(texts.loc[doc_id, "translation"] or "")))
    table = pd.DataFrame(
        rows, columns=["doc_id", "raw text rebuilt exactly", "translation kept aside (characters)"]
    )
    if len(table) > max_rows:
        total = pd.DataFrame(
            [
                (
                    f"all {len(table):,} documents",
                    bool(table["raw text rebuilt exactly"].all()),
                    int(table["translation kept aside (characters)"].sum()),
                )
            ],
            columns=table.columns,
        )
        table = pd.concat([table.head(max_rows), total], ignore_index=True)
    return table


# --- figures -------------------------------------------------------------------------------------


def figure(results: RunResults, name: str, *, width: int = 900):
    """The run's figure ``name`` (its PNG), or a note saying why there is none."""
    path = results.figure_path(name)
    if path is None or not path.is_file():
        return Note(results.why_no_figure(name))
    from IPython.display import Image

    return Image(filename=str(path), width=width)


def figures_like(results: RunResults, prefix: str, *, limit: int = 12) -> list:
    """The run's figures whose names start with ``prefix`` (e.g. every ``keyness_`` figure)."""
    names = [n for n in results.figure_names() if n.startswith(prefix)][:limit]
    if not names:
        return [Note(results.why_no_figure(prefix.rstrip("_")))]
    return [figure(results, n) for n in names]


def skipped(results: RunResults) -> pd.DataFrame | Note:
    """What the run left out for this corpus, and why (from its manifest)."""
    notes = results.skipped
    if not notes:
        return Note("The run left nothing out.")
    return pd.DataFrame(notes, columns=["what", "reason"])


# --- frequencies and keyness ---------------------------------------------------------------------


def top_terms(results: RunResults, *, n: int = 20, ngram: int = 1) -> Shown:
    """The corpus's ``n`` most frequent terms (token n-grams of size ``ngram``)."""
    freq = results.tables["term_frequencies"]
    rows = freq[(freq["scope"] == "corpus") & (freq["kind"] == "token") & (freq["ngram"] == ngram)]
    columns = ["term", "count", "per_10k_tokens", "per_10k_chars", "rank", "doc_freq"]
    return _shown(rows.sort_values("rank", kind="stable").head(n)[columns], "term_frequencies")


def top_terms_by_group(results: RunResults, *, n: int = 8) -> Shown | Note:
    """The ``n`` most frequent words of each group of every grouping of the run."""
    freq = results.tables["term_frequencies"]
    rows = freq[(freq["scope"] == "group") & (freq["kind"] == "token") & (freq["ngram"] == 1)]
    if rows.empty:
        return Note(_no_groups(results))
    top = rows[rows["rank"] <= n].sort_values(["grouping", "group", "rank"], kind="stable")
    columns = ["grouping", "group", "term", "count", "per_10k_tokens", "rank"]
    return _shown(top[columns].head(MAX_ROWS * 3), "term_frequencies")


def keywords(results: RunResults, *, grouping: str | None = None, n: int = 10) -> Shown | Note:
    """The ``n`` strongest positive keywords of each comparison of ``grouping`` (default: the
    first metadata grouping of the keyness table, else the documents)."""
    if "keyness" not in results.tables:
        return _absent(results, "keyness", "keyness table")
    keyness = results.tables["keyness"]
    groupings = [g for g in pd.unique(keyness["grouping"]) if g != "doc_id"]
    chosen = grouping or (groupings[0] if groupings else "doc_id")
    rows = keyness[(keyness["grouping"] == chosen) & (keyness["direction"] == "positive")]
    if rows.empty:
        return Note(f"No keywords for the grouping {chosen!r} in this run.")
    top = rows.groupby("target", sort=False).head(n)
    columns = [
        "grouping",
        "target",
        "reference",
        "term",
        "count_target",
        "count_reference",
        "g2",
        "log_ratio",
        "p_adjusted",
    ]
    return _shown(top[columns].head(MAX_ROWS * 2), "keyness")


# --- TF-IDF, similarity --------------------------------------------------------------------------


def tfidf_top(results: RunResults, *, n: int = 5, max_documents: int = 12) -> Shown:
    """The ``n`` highest-weighted terms of the first ``max_documents`` documents."""
    tfidf = results.tables["tfidf"]
    docs = list(pd.unique(tfidf["doc_id"]))[:max_documents]
    rows = tfidf[tfidf["doc_id"].isin(docs) & (tfidf["rank"] <= n)]
    return _shown(rows[["doc_id", "rank", "term", "tfidf"]], "tfidf")


def most_similar(results: RunResults, *, n: int = 15) -> Shown:
    """The ``n`` most similar pairs of distinct documents (each pair once)."""
    sim = results.tables["similarity"]
    pairs = sim[sim["doc_a"].astype(str) < sim["doc_b"].astype(str)]
    top = pairs.sort_values(["cosine", "doc_a", "doc_b"], ascending=[False, True, True])
    return _shown(top.head(n)[["doc_a", "doc_b", "cosine", "jaccard"]], "similarity")


# --- slogans -------------------------------------------------------------------------------------


def _no_groups(results: RunResults) -> str:
    notes = [n for n in results.skipped if n["what"].startswith("grouping ")]
    reasons = "; ".join(f"{n['what'].removeprefix('grouping ')}: {n['reason']}" for n in notes)
    return (
        "No groups: this corpus has no metadata to pool documents by"
        + (f" ({reasons})" if reasons else "")
        + ". Give a metadata CSV with --metadata, or --group-by a column it has."
    )


def slogan_rates(results: RunResults, *, max_documents: int = MAX_ROWS) -> Shown:
    """Each slogan's mentions and rate per 10,000 characters with its interval, for the corpus
    and (up to ``max_documents`` documents) each document."""
    counts = results.tables["slogan_counts"]
    rows = counts[counts["scope"] == "corpus"]
    docs = counts[counts["scope"] == "document"]
    if docs["doc_id"].nunique() <= max_documents:
        rows = pd.concat([rows, docs])
    columns = [
        "scope",
        "doc_id",
        "slogan",
        "count",
        "token_count",
        "per_10k_chars",
        "ci_low",
        "ci_high",
        "ci_method",
    ]
    columns = [c for c in columns if c in counts.columns] + _with_metadata(results, counts)
    return _shown(rows[list(dict.fromkeys(columns))], "slogan_counts")


def slogan_rates_by_group(results: RunResults, *, grouping: str | None = None) -> Shown | Note:
    """Slogan rates pooled by each group of ``grouping`` (default: every grouping), with the
    interval and what it resampled (``ci_method``)."""
    counts = results.tables["slogan_counts"]
    rows = counts[counts["scope"] == "group"]
    if grouping is not None:
        rows = rows[rows["grouping"] == grouping]
    if rows.empty:
        return Note(_no_groups(results))
    columns = [
        "grouping",
        "group",
        "slogan",
        "n_docs",
        "count",
        "per_10k_chars",
        "ci_low",
        "ci_high",
        "ci_method",
    ]
    columns = [c for c in columns if c in counts.columns] + _with_metadata(results, counts)
    return _shown(rows[list(dict.fromkeys(columns))].head(MAX_ROWS * 3), "slogan_counts")


def slogan_evidence(
    results: RunResults, slogan: str, *, lines: int = 2, max_documents: int = MAX_ROWS
) -> Shown:
    """One row per document: the slogan's counts and rate beside its first concordance lines
    (from the run's kwic table), so every number can be checked against the text it counts."""
    counts = results.tables["slogan_counts"]
    rows = counts[(counts["scope"] == "document") & (counts["slogan"] == slogan)]
    rows = rows.sort_values(["count", "doc_id"], ascending=[False, True], kind="stable")
    lines_table = results.tables["kwic"]
    shown = lines_table[lines_table["slogan"] == slogan].groupby("doc_id").head(lines)
    examples = (
        shown.assign(line=shown["left"] + "【" + shown["match"] + "】" + shown["right"])
        .groupby("doc_id")["line"]
        .agg(" ／ ".join)
    )
    columns = ["doc_id", "count", "token_count", "per_10k_chars", "ci_low", "ci_high"]
    table = rows[columns + _with_metadata(results, rows)].head(max_documents)
    table = table.assign(examples=table["doc_id"].map(examples).fillna(""))
    return _shown(table, "slogan_counts")


def slogan_trends(results: RunResults, *, max_rows: int = MAX_ROWS * 2) -> Shown | Note:
    """The trend table of the run (rates per time step, for all documents and per group)."""
    if "slogan_trends" not in results.tables:
        return _absent(results, "slogan_trends", "trends")
    trends = results.tables["slogan_trends"]
    columns = [
        "grouping",
        "group",
        "time",
        "slogan",
        "n_docs",
        "count",
        "n_chars",
        "per_10k_chars",
        "ci_low",
        "ci_high",
        "ci_method",
    ]
    columns = [c for c in columns if c in trends.columns]
    return _shown(trends[columns].head(max_rows), "slogan_trends")


def concordance_lines(results: RunResults, slogan: str, *, max_rows: int = 15) -> Shown:
    """The first ``max_rows`` concordance lines of ``slogan``, with the documents' metadata."""
    lines = results.tables["kwic"]
    rows = lines[lines["slogan"] == slogan]
    columns = ["doc_id", *_with_metadata(results, lines), "left", "match", "right"]
    return _shown(rows[columns].head(max_rows), "kwic")


def cooccurring_pairs(results: RunResults, *, n: int = 20) -> Shown | Note:
    """Pairs of slogans in the same unit, for the whole corpus, most frequent first."""
    cooc = results.tables["slogan_cooccurrence"]
    rows = cooc[
        (cooc["scope"] == "corpus") & (cooc["slogan_a"] < cooc["slogan_b"]) & (cooc["count"] > 0)
    ]
    if rows.empty:
        return Note("No two slogans occur in the same sentence, paragraph or document.")
    rows = rows.sort_values(["unit", "count"], ascending=[True, False], kind="stable")
    columns = [
        "unit",
        "window_chars",
        "slogan_a",
        "slogan_b",
        "count",
        "n_a",
        "n_b",
        "expected",
        "jaccard",
    ]
    return _shown(rows[columns].head(n), "slogan_cooccurrence")


def collocates(results: RunResults, *, per_slogan: int = 8) -> Shown | Note:
    """The strongest collocates (by logDice) of each slogan the run counted."""
    table = results.tables["collocates"]
    if table.empty:
        return Note("No slogan has a collocate above the settings' min_count.")
    top = table.groupby("slogan", sort=False).head(per_slogan)
    columns = ["slogan", "term", "count", "freq_term", "logdice", "pmi", "t_score", "g2"]
    return _shown(top[[c for c in columns if c in table.columns]], "collocates")


# --- formulae and close reading ------------------------------------------------------------------


def formulae(results: RunResults, *, n: int = 20) -> Shown | Note:
    """The ``n`` shared formulae found in most documents."""
    table = results.tables["formulae"]
    if table.empty:
        return Note("No formula is shared by two documents at the settings' min_length.")
    return _shown(table[["text", "length", "n_docs", "doc_ids"]].head(n), "formulae")


_BROWSER_SCRIPT = """
(function () {
  var root = document.getElementById("%(id)s");
  if (!root) { return; }
  var body = root.querySelector("tbody");
  var rows = Array.prototype.slice.call(body.rows);
  var pick = root.querySelector("select.kwic-slogan");
  var order = root.querySelector("select.kwic-sort");
  function key(row, how) {
    if (how === "left") { return row.getAttribute("data-left"); }
    if (how === "right") { return row.getAttribute("data-right"); }
    return ("0000000000" + row.getAttribute("data-pos")).slice(-10);
  }
  function refresh() {
    var how = order.value;
    var shown = rows.filter(function (r) { return r.getAttribute("data-slogan") === pick.value; });
    shown.sort(function (a, b) {
      var x = key(a, how), y = key(b, how);
      return x < y ? -1 : x > y ? 1 : (+a.getAttribute("data-pos")) - (+b.getAttribute("data-pos"));
    });
    rows.forEach(function (r) { r.style.display = "none"; });
    shown.forEach(function (r) { r.style.display = ""; body.appendChild(r); });
    root.querySelector(".kwic-count").textContent = shown.length + " lines";
  }
  pick.addEventListener("change", refresh);
  order.addEventListener("change", refresh);
  refresh();
})();
"""


@dataclass(frozen=True)
class Concordance:
    """The run's concordance lines as one self-contained HTML element: a slogan menu and a sort
    order (position, or the context left or right of the match, as AntConc sorts) run in the
    page itself, with no kernel, widget library or network — so it works in the exported HTML
    report, offline. Where scripts do not run it shows every line, slogan by slogan."""

    frame: pd.DataFrame
    slogans: tuple[str, ...]
    dropped: int = 0

    def _repr_html_(self) -> str:
        import uuid

        element = f"kwic-{uuid.uuid4().hex[:12]}"
        options = "".join(
            f'<option value="{html.escape(s)}">{html.escape(s)}</option>' for s in self.slogans
        )
        rows = []
        for position, line in enumerate(self.frame.itertuples(index=False)):
            left, match, right = (html.escape(str(v)) for v in (line.left, line.match, line.right))
            rows.append(
                f'<tr data-slogan="{html.escape(str(line.slogan))}" data-pos="{position}" '
                f'data-left="{html.escape(str(line.left)[::-1])}" data-right="{right}">'
                f"<td>{html.escape(str(line.doc_id))}</td><td>{line.para}</td>"
                f'<td style="text-align:right">{left}</td>'
                f'<td style="text-align:center"><b>{match}</b></td>'
                f'<td style="text-align:left">{right}</td></tr>'
            )
        note = (
            f"<p><em>{self.dropped:,} more lines are in the run's kwic table.</em></p>"
            if self.dropped
            else ""
        )
        return (
            f'<div id="{element}" class="kwic-browser">'
            f'<label>slogan <select class="kwic-slogan">{options}</select></label> '
            '<label>sort by <select class="kwic-sort"><option value="position">position</option>'
            '<option value="left">left context</option><option value="right">right context'
            '</option></select></label> <span class="kwic-count"></span>'
            "<table><thead><tr><th>doc_id</th><th>para</th><th>left</th><th>match</th>"
            f"<th>right</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"
            f"<script>{_BROWSER_SCRIPT % {'id': element}}</script></div>"
        )


def concordance_browser(
    results: RunResults, *, slogan: str | None = None, max_lines: int = 300
) -> Concordance:
    """A concordance of every slogan the run counted (from its ``kwic`` table, at the run's
    context width), browsable by slogan and sort order in the page (:class:`Concordance`);
    ``slogan`` puts that slogan first. At most ``max_lines`` lines per slogan are included;
    ``.frame`` holds them as a table."""
    lines = results.tables["kwic"]
    names = [s for s in results.slogans if s in set(lines["slogan"])]
    if slogan is not None:
        names = [slogan, *[s for s in names if s != slogan]]
    kept = lines[lines["slogan"].isin(names)].groupby("slogan", sort=False).head(max_lines)
    columns = ["slogan", "doc_id", "para", "sent", "left", "match", "right"]
    frame = kept[columns].reset_index(drop=True)
    if slogan is not None:
        frame = frame.sort_values(
            "slogan", key=lambda s: s.map({n: i for i, n in enumerate(names)}), kind="stable"
        ).reset_index(drop=True)
    dropped = int(lines["slogan"].isin(names).sum()) - len(frame)
    return Concordance(frame, tuple(names), dropped)


def main_slogans(results: RunResults, *, n: int = 3) -> list[str]:
    """The ``n`` slogans the run counted most often (ties in lexicon order)."""
    counts = results.tables["slogan_counts"]
    corpus = counts[counts["scope"] == "corpus"].reset_index(drop=True)
    corpus = corpus[corpus["count"] > 0]
    order = corpus.sort_values("count", ascending=False, kind="stable")
    return order["slogan"].head(n).tolist()


def dispersion_of(results: RunResults, *, terms: list[str] | None = None) -> Shown | Note:
    """How evenly ``terms`` (default: the slogans the run counted) spread over the documents and
    over equal-sized parts of the corpus."""
    table = results.tables["dispersion"]
    wanted = terms if terms is not None else results.slogans
    rows = table[table["term"].isin(wanted)]
    if rows.empty:
        return Note(
            "None of these terms is a word token of the corpus: "
            + ", ".join(wanted[:6])
            + " (a slogan matched inside longer words is counted in slogan_counts, not here)."
        )
    return _shown(rows.sort_values(["partition", "term"], kind="stable"), "dispersion")


def formula_occurrences(results: RunResults, *, rank: int = 1, max_rows: int = 20) -> Shown | Note:
    """Where the ``rank``-th formula of the formulae table occurs, as printed in each document."""
    formulae_table = results.tables["formulae"]
    if len(formulae_table) < rank:
        return Note("No shared formula to locate.")
    formula = formulae_table["formula"].iloc[rank - 1]
    occ = results.tables["formula_occurrences"]
    rows = occ[occ["formula"] == formula][["formula", "doc_id", "start", "end", "text"]]
    return _shown(rows.head(max_rows), "formula_occurrences")


def term_trends(results: RunResults, terms: str | None) -> list:
    """The trend of any terms (``re:`` for a regular expression) on the run's corpus, as a
    table and a figure; a note when ``terms`` is empty or the corpus has no years."""
    if not terms:
        return [
            Note(
                'Set the notebook parameter `terms` (e.g. "改革开放,re:民主.{0,2}制") to follow '
                "any term or regular expression over the years."
            )
        ]
    from analysis.measures.trends import TREND_SUMMARY_COLUMNS
    from analysis.plots import textplot_slogan_trends

    if "slogan_trends" not in results.tables:
        return [_absent(results, "slogan_trends", "trends")]
    table = results.term_trends(terms)
    return [table[TREND_SUMMARY_COLUMNS].head(MAX_ROWS), textplot_slogan_trends(table)]
