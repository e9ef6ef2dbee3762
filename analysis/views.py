"""Tables shaped for reading in a notebook: what cleaning removed, numbers beside their evidence,
and an interactive concordance.

These functions only reshape the tables of the corpus and measures layers; they compute no new
statistic. :func:`concordance_browser` returns an ipywidgets browser where widgets work, and the
same concordance as a static table where they do not (a static HTML export, a plain console).
"""

from __future__ import annotations

import pandas as pd

from analysis.measures.kwic import kwic
from analysis.pipeline import CorpusTables

#: Cleaning rules that change characters in place rather than remove text.
CHANGING_RULES = ("punctuation", "t2s", "t2s+punctuation", "line_break")


def cleaning_summary(corpus: CorpusTables) -> pd.DataFrame:
    """Characters each cleaning rule removed (or, for changing rules, changed) per document.

    Columns: ``doc_id``, ``n_chars_raw``, ``n_chars`` and one column per rule that fired; the
    rule columns count characters of the raw text the rule touched.
    """
    log = corpus.cleaning_log
    touched = log.assign(chars=log["text"].str.len())
    wide = touched.pivot_table(
        index="doc_id", columns="rule", values="chars", aggfunc="sum", fill_value=0
    )
    docs = corpus.documents.set_index("doc_id")[["n_chars_raw", "n_chars"]]
    table = docs.join(wide).fillna(0)
    rules = [c for c in table.columns if c not in ("n_chars_raw", "n_chars")]
    return table.astype({c: "int64" for c in rules}).reset_index()


def cleaning_examples(
    corpus: CorpusTables, *, per_rule: int = 2, max_chars: int = 60
) -> pd.DataFrame:
    """The first ``per_rule`` removals of every removing rule, with the text shortened."""
    log = corpus.cleaning_log
    removed = log[~log["rule"].isin(CHANGING_RULES) & (log["rule"] != "blank_line")]
    examples = removed.groupby("rule", sort=True).head(per_rule)
    text = examples["text"].str.replace("\n", "⏎", regex=False)
    shortened = text.where(text.str.len() <= max_chars, text.str.slice(0, max_chars - 1) + "…")
    return (
        examples.assign(text=shortened)[["rule", "doc_id", "start", "end", "text"]]
        .sort_values(["rule", "doc_id", "start"])
        .reset_index(drop=True)
    )


def slogan_evidence(
    corpus: CorpusTables,
    slogan_counts: pd.DataFrame,
    slogan: str,
    *,
    lines: int = 2,
    width: int = 12,
) -> pd.DataFrame:
    """One row per document: the slogan's counts and rate beside its first concordance lines,
    so every number can be checked against the text it counts."""
    counts = slogan_counts[
        (slogan_counts["scope"] == "document") & (slogan_counts["slogan"] == slogan)
    ]
    concordance = kwic(
        corpus.documents, slogan, slogans=corpus.slogans, sentences=corpus.sentences, width=width
    )
    shown = concordance.groupby("doc_id").head(lines)
    examples = (
        shown.assign(line=shown["left"] + "【" + shown["match"] + "】" + shown["right"])
        .groupby("doc_id")["line"]
        .agg(" ／ ".join)
    )
    table = counts[["doc_id", "count", "token_count", "per_10k_chars", "ci_low", "ci_high"]]
    table = table.assign(examples=table["doc_id"].map(examples).fillna(""))
    return table.reset_index(drop=True)


def concordance_browser(corpus: CorpusTables, *, slogan: str | None = None, width: int = 20):
    """An interactive concordance (slogan menu, context width, sort order) where ipywidgets
    work; otherwise the static concordance table of ``slogan`` (default: the first)."""
    names = list(corpus.slogans.names)
    first = slogan or names[0]

    def table(name: str, context: int, order: str) -> pd.DataFrame:
        lines = kwic(
            corpus.documents,
            name,
            slogans=corpus.slogans,
            sentences=corpus.sentences,
            width=context,
            sort=order,
        )
        return lines[["doc_id", "para", "sent", "left", "match", "right"]]

    try:
        import ipywidgets as widgets
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return table(first, width, "position")
    if get_ipython() is None or getattr(get_ipython(), "kernel", None) is None:
        return table(first, width, "position")
    menu = widgets.Dropdown(options=names, value=first, description="slogan")
    context = widgets.IntSlider(value=width, min=5, max=60, step=5, description="context")
    order = widgets.ToggleButtons(options=["position", "left", "right"], description="sort")
    output = widgets.Output()

    def refresh(*_):
        output.clear_output(wait=True)
        with output, pd.option_context("display.max_rows", 500):
            display(table(menu.value, context.value, order.value))

    for control in (menu, context, order):
        control.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox([menu, context]), order, output])
