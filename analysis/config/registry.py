"""The registry of a run's statistics: every step, the settings sections it reads, the tables it
writes and each table's row order.

One list feeds every place that needs it: :func:`analysis.run.tables.compute_tables` runs
:data:`STEPS` (in order, or several at a time with the same result; each step's code is in
:mod:`analysis.run.steps`, under the step's name), :mod:`analysis.config.settings` knows the
measure sections from it, ``docs/RELIABILITY.md`` lists :func:`row_order_text` (a test compares
them) and ``tests/test_row_order.py`` checks every written table against :func:`row_order`.

A row-order key is ``(column, order)``: ``"asc"``/``"desc"`` by value (text by code point), or a
named order — ``"documents"`` (the order of ``documents.csv``), ``"lexicon"`` (``slogans.yml``
order), ``"formulae"`` (the order of ``formulae.csv``), ``"listed"`` (the column's documented
values, in the order written in the table's ``row_order_text``).

To add a measure: write its ``textstat_*`` in ``analysis/measures/``, add a :class:`Step` here
(with its settings section and tables), and a function of the same name in
:mod:`analysis.run.steps`; a test fails until all three agree.
"""

from __future__ import annotations

from dataclasses import dataclass

RowOrder = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """One written table: its name (``<name>.csv``) and its row order, as keys and in words."""

    name: str
    row_order: RowOrder
    row_order_text: str


@dataclass(frozen=True)
class Step:
    """One step of :func:`analysis.run.tables.compute_tables`."""

    name: str
    #: Settings sections the step reads (named in its errors; known to the settings loader).
    sections: tuple[str, ...]
    #: The function the step calls, for readers (``module.function``).
    measure: str
    tables: tuple[Table, ...]
    #: The step pools documents by groupings and records the ones it used.
    pools_documents: bool = False
    #: The step reads the groupings the earlier steps that pool documents used (so it starts
    #: after them when steps run at the same time).
    reads_groupings: bool = False


#: Tables every run writes from the corpus stage, before any step.
CORPUS_TABLES: tuple[Table, ...] = (
    Table("documents", (("doc_id", "documents"),), "document order"),
    Table(
        "cleaning_log",
        (("doc_id", "documents"), ("start", "asc"), ("end", "asc"), ("rule", "asc")),
        "document order, start, end, rule",
    ),
    Table(
        "slogan_mentions",
        (("doc_id", "documents"), ("start", "asc"), ("end", "asc"), ("slogan", "lexicon")),
        "document order, start, end (shorter first), slogan in lexicon order",
    ),
    Table(
        "shared_boilerplate",
        (("n_docs", "desc"), ("line", "asc")),
        "documents sharing the line descending, line",
    ),
)

_GROUP_KEYS: RowOrder = (("scope", "listed"), ("grouping", "listed"), ("group", "asc"),
                         ("doc_id", "asc"))

STEPS: tuple[Step, ...] = (
    Step("frequencies", ("frequencies",), "measures.frequency.textstat_frequency", (
        Table(
            "term_frequencies",
            (("scope", "listed"), ("grouping", "asc"), ("group", "asc"), ("doc_id", "asc"),
             ("kind", "listed"), ("ngram", "asc"), ("rank", "asc"), ("term", "asc")),
            "scope (document, group, corpus), grouping, group, doc_id, kind (token, char), "
            "n-gram size, rank (count descending), term",
        ),
    ), pools_documents=True),
    Step("dispersion", ("dispersion",), "measures.dispersion.textstat_dispersion", (
        Table(
            "dispersion",
            (("partition", "listed"), ("count", "desc"), ("term", "asc")),
            "partition (document, equal_parts), count descending, term",
        ),
    )),
    Step("keyness", ("keyness",), "measures.keyness.textstat_keyness_groups", (
        Table(
            "keyness",
            (("grouping", "listed"), ("target", "asc"), ("reference", "asc"),
             ("direction", "listed"), ("g2", "desc"), ("term", "asc")),
            "grouping (doc_id, then the settings' order), target, reference, direction "
            "(positive, negative), G² descending, term",
        ),
    ), pools_documents=True),
    Step("tfidf", ("tfidf",), "measures.tfidf.textstat_tfidf", (
        Table("tfidf", (("doc_id", "asc"), ("rank", "asc"), ("term", "asc")),
              "doc_id, rank (tf-idf descending, then term)"),
    )),
    Step("similarity", ("similarity", "clustering"),
         "measures.similarity.textstat_simil, textmodel_hclust", (
        Table("similarity", (("doc_a", "asc"), ("doc_b", "asc")), "doc_a, doc_b"),
        Table("similarity_clusters", (("step", "asc"),), "merge step"),
    )),
    Step("slogan_counts", ("slogan_counts",), "measures.slogan_counts.textstat_slogans", (
        Table(
            "slogan_counts",
            (*_GROUP_KEYS, ("slogan", "lexicon")),
            "scope (document, group, corpus), grouping in settings order, group, doc_id, "
            "slogan in lexicon order",
        ),
    ), pools_documents=True),
    Step("trends", ("trends", "years"), "measures.trends.textstat_slogan_trends", (
        Table(
            "slogan_trends",
            (("grouping", "listed"), ("group", "asc"), ("year", "asc"), ("slogan", "lexicon")),
            "grouping (\"\" for all documents, then the settings' order), group, year, slogan "
            "in lexicon order",
        ),
    ), pools_documents=True),
    Step("cooccurrence", ("cooccurrence",),
         "measures.cooccurrence.textstat_slogan_cooccurrence", (
        Table(
            "slogan_cooccurrence",
            (*_GROUP_KEYS, ("unit", "listed"), ("slogan_a", "lexicon"), ("slogan_b", "lexicon")),
            "scope, grouping in settings order, group, doc_id, unit (sentence, paragraph, "
            "document, window), slogan pair in lexicon order",
        ),
    ), pools_documents=True),
    Step("collocates", ("collocates", "collocation_network"),
         "measures.collocates.textstat_collocates", (
        Table("collocates", (("slogan", "lexicon"), ("logdice", "desc"), ("term", "asc")),
              "slogan in lexicon order, logDice descending, term"),
    )),
    Step("concordance", ("kwic",), "measures.kwic.kwic", (
        Table(
            "kwic",
            (("pattern", "lexicon"), ("doc_id", "documents"), ("start", "asc"), ("end", "asc")),
            "pattern in lexicon order, document order, start, end",
        ),
    )),
    Step("formulae", ("formulae",), "measures.formulae.formula_occurrences", (
        Table("formulae", (("n_docs", "desc"), ("length", "desc"), ("formula", "asc")),
              "documents sharing it descending, length descending, formula"),
        Table("formula_occurrences",
              (("formula", "formulae"), ("doc_id", "asc"), ("start", "asc")),
              "formula in the order of formulae.csv, doc_id, start"),
    )),
    Step("correspondence", ("correspondence",), "measures.correspondence.textmodel_ca", (
        Table("ca_coordinates", (("kind", "listed"), ("label", "asc"), ("dimension", "asc")),
              "kind (document, term), label, dimension"),
        Table("ca_inertia", (("dimension", "asc"),), "dimension"),
    )),
    Step("topics", ("topics",), "measures.topics.textmodel_topics", (
        Table("topics", (("topic", "listed"), ("rank", "asc"), ("term", "asc")),
              "topic (T1, T2 … by total share; seeded topics first), rank, term"),
        Table("topic_shares", (("doc_id", "asc"), ("topic", "asc")), "doc_id, topic"),
        Table("topic_k", (("k", "asc"), ("measure", "asc")), "k, measure"),
        Table("topic_prevalence", (("grouping", "listed"), ("group", "listed"),
                                   ("topic", "listed")),
              "grouping (year, decade, period, then the run's groupings), group (years as "
              "numbers, else text), topic"),
    ), reads_groupings=True),
    Step("scaling", ("scaling",),
         "measures.scaling.textmodel_wordfish, textmodel_wordscores", (
        Table("wordfish_positions", (("doc_id", "asc"),), "doc_id"),
        Table("wordfish_words", (("term", "asc"),), "term"),
        Table("wordscores_positions", (("doc_id", "asc"),), "doc_id"),
        Table("wordscores_words", (("term", "asc"),), "term"),
    )),
)

#: Every table a run may write, by name.
TABLES: dict[str, Table] = {
    t.name: t for t in (*CORPUS_TABLES, *(table for step in STEPS for table in step.tables))
}

#: Sections of the settings the steps read, in the order of :data:`STEPS`.
MEASURE_SECTIONS: tuple[str, ...] = tuple(
    dict.fromkeys(section for step in STEPS for section in step.sections if section != "years")
)



def step_sections(name: str) -> tuple[str, ...]:
    """The settings sections of step ``name`` (for error messages)."""
    return next(step.sections for step in STEPS if step.name == name)


def row_order(name: str) -> RowOrder:
    """The row-order keys of table ``name``."""
    return TABLES[name].row_order


def row_order_text(name: str) -> str:
    """The row order of table ``name`` in words, as ``docs/RELIABILITY.md`` lists it."""
    return TABLES[name].row_order_text
