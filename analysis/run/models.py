"""Topic models and text scaling in a run: when they are fitted, with which options, which tables.

The models themselves are :mod:`analysis.measures.topics` (NMF/LDA, prevalence, choice of k)
and :mod:`analysis.measures.scaling` (Wordscores, Wordfish). This module reads their settings
sections, ``topics:`` and ``scaling:``, and decides:

* **When.** ``enabled: auto`` (the default) fits a model when the corpus has at least
  ``min_documents`` documents (20): topics and positions estimated from five documents say
  little, and the notebook says why they are absent. ``true`` fits them for any corpus they can
  be fitted to, ``false`` never.
* **Topics** (``topics.csv``, ``topic_shares.csv``, ``topic_prevalence.csv``, ``topic_k.csv``):
  ``k`` topics by ``method``; ``k_values`` compared by coherence (and held-out perplexity for
  LDA); prevalence by year, decade (and period) when documents have years, and by each
  metadata grouping of the run; ``seeded: true`` seeds one topic per concept group of the
  slogan lexicon.
* **Wordfish** (``wordfish_positions.csv``, ``wordfish_words.csv``): identified by
  ``direction``, two doc ids, the first placed lower; empty: the earliest and the latest dated
  documents (else the first and last doc id), said in the manifest.
* **Wordscores** (``wordscores_positions.csv``, ``wordscores_words.csv``): only when reference
  scores are given, as a metadata column (``reference_column``, blank for virgin texts) or as
  ``reference_scores: {doc_id: score}`` (``run --reference-scores``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.errors import InputError

TOPIC_DEFAULTS: dict[str, Any] = {
    "enabled": "auto",
    "min_documents": 20,
    "method": "nmf",
    "k": 8,
    "k_values": [4, 8, 12],
    "top_n": 15,
    "min_docs": 2,
    "max_df": 0.95,
    "seeded": False,
    "bootstrap_resamples": 2000,
    "confidence": 0.95,
    "seed": 20071020,
}
SCALING_DEFAULTS: dict[str, Any] = {
    "enabled": "auto",
    "min_documents": 20,
    "direction": [],
    "min_count": 5,
    "min_docs": 2,
    "max_terms": 5000,
    "bootstrap": 0,
    "confidence": 0.95,
    "seed": 20080701,
    "reference_column": None,
    "reference_scores": {},
    "rescaling": "lbg",
}


def section_options(settings: Mapping[str, Any], section: str,
                    defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The section's options over ``defaults``; an unknown key is an error naming the known."""
    given = settings.get(section) or {}
    if not isinstance(given, Mapping):
        raise InputError(f"settings: `{section}` must be a section of options, got {given!r}")
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise InputError(
            f"settings: `{section}` has unknown option(s) {', '.join(unknown)}; it takes "
            f"{', '.join(sorted(defaults))}"
        )
    merged = {**defaults, **given}
    if merged["enabled"] not in ("auto", True, False):
        raise InputError(
            f"settings: `{section}`: enabled must be auto, true or false, got "
            f"{merged['enabled']!r}"
        )
    minimum = merged["min_documents"]
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 2:
        raise InputError(
            f"settings: `{section}`: min_documents must be a whole number >= 2, got {minimum!r}"
        )
    return merged


def is_enabled(options: Mapping[str, Any], n_documents: int) -> tuple[bool, str]:
    """Whether to fit, and if not, why (for the manifest and the notebook)."""
    if options["enabled"] is False:
        return False, "turned off in the settings (enabled: false)"
    if options["enabled"] == "auto" and n_documents < options["min_documents"]:
        return False, (
            f"{n_documents} documents are fewer than min_documents ({options['min_documents']}): "
            "topics and positions estimated from so few texts say little; enabled: true fits "
            "them anyway"
        )
    return True, ""


def default_direction(documents: pd.DataFrame) -> tuple[str, str]:
    """The earliest and the latest dated documents (ties by doc id), else the first and the
    last doc id in code-point order."""
    table = documents.assign(doc_id=documents["doc_id"].astype(str))
    if "year" in table.columns:
        years = pd.to_numeric(table["year"], errors="coerce")
        dated = table.assign(_year=years).dropna(subset="_year")
        if dated["_year"].nunique() >= 2:
            ordered = dated.sort_values(["_year", "doc_id"], kind="stable")
            return str(ordered["doc_id"].iloc[0]), str(ordered["doc_id"].iloc[-1])
    ids = sorted(table["doc_id"])
    return ids[0], ids[-1]


def reference_scores(options: Mapping[str, Any], documents: pd.DataFrame) -> dict[str, float]:
    """Wordscores' reference texts and scores from the settings: ``reference_scores`` given
    directly, or the numbers of the metadata column ``reference_column`` (blank: virgin)."""
    given = options.get("reference_scores") or {}
    if not isinstance(given, Mapping):
        raise InputError(
            "settings: `scaling`: reference_scores must map doc ids to scores, e.g. "
            f"{{gwr_1978: -1, gwr_2025: 1}}, got {given!r}"
        )
    scores = {str(doc): _score(value, str(doc)) for doc, value in given.items()}
    column = options.get("reference_column")
    if column:
        if column not in documents.columns:
            raise InputError(
                f"settings: `scaling`: reference_column {column!r} is not a metadata column; "
                f"the documents have {', '.join(c for c in documents.columns if c != 'text')}"
            )
        for doc, value in zip(documents["doc_id"].astype(str), documents[column], strict=True):
            if not pd.isna(value) and str(value).strip() != "":
                scores.setdefault(doc, _score(value, doc))
    return scores


def _score(value: object, doc: str) -> float:
    try:
        score = float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"scaling: the reference score of {doc} is {value!r}, not a number; give a number "
            "or leave it blank for a text to be scored"
        ) from None
    if score != score:  # NaN
        raise InputError(f"scaling: the reference score of {doc} is not a number")
    return score


def topic_tables(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    settings: Mapping[str, Any],
    *,
    lexicon: Any,
    groupings: list[str],
    note: Any,
) -> dict[str, pd.DataFrame]:
    """The topic tables of a run (empty when the settings or the corpus say no; ``note(what,
    reason)`` records why)."""

    opts = section_options(settings, "topics", TOPIC_DEFAULTS)
    _check_topic_options(opts)
    enabled, why = is_enabled(opts, len(documents))
    if not enabled:
        note("topics", why)
        return {}
    try:
        return _fitted_topics(tokens, documents, opts, lexicon, groupings, note)
    except InputError as exc:
        # The options were checked above: what is left is what these texts cannot give (every
        # term in every document, say). The models are an extra: the run goes on without them.
        return _not_fitted("topics", exc, note)


def _fitted_topics(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    opts: Mapping[str, Any],
    lexicon: Any,
    groupings: list[str],
    note: Any,
) -> dict[str, pd.DataFrame]:
    from analysis.measures.topics import (
        lexicon_seeds,
        textmodel_topics,
        textstat_topic_k,
        textstat_topic_prevalence,
    )
    n_docs = len(documents)
    k = min(int(opts["k"]), n_docs - 1)
    seeds = lexicon_seeds(lexicon) if opts["seeded"] else None
    common = {
        "method": opts["method"], "seed": opts["seed"], "min_docs": opts["min_docs"],
        "max_df": opts["max_df"],
    }
    if seeds:
        common |= {"seeds": seeds, "missing_seeds": "drop"}
    model = textmodel_topics(tokens, k=k, top_n=opts["top_n"], **common)
    tables = {"topics": model.topics, "topic_shares": model.topic_shares}
    if model.dropped_seeds:
        note("topic seeds", "left out: " + "; ".join(model.dropped_seeds))
    k_values = sorted({int(v) for v in opts["k_values"] if 2 <= int(v) < n_docs})
    if len(k_values) >= 2:
        tables["topic_k"] = textstat_topic_k(tokens, k_values=k_values, **common)
    elif opts["k_values"]:
        note("topic_k", f"fewer than two of k_values {opts['k_values']} fit {n_docs} documents")
    else:
        note("topic_k", "k_values is empty (topics: k_values): no numbers of topics compared")
    by = []
    if "year" in documents.columns and pd.to_numeric(documents["year"], errors="coerce").notna(
    ).sum() >= 2:
        by.append("year")
        # Most years have a document or two: decades (and periods) give readable intervals.
        by += [c for c in ("decade", "period")
               if c in documents.columns and documents[c].dropna().nunique() >= 2]
    by += [g for g in groupings if g in documents.columns and g not in by]
    if by:
        tables["topic_prevalence"] = textstat_topic_prevalence(
            model.topic_shares, documents, by=by,
            bootstrap_resamples=opts["bootstrap_resamples"], confidence=opts["confidence"],
            seed=opts["seed"],
        )
    else:
        note("topic_prevalence", "the documents have no year and no metadata grouping")
    return tables


def scaling_tables(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    settings: Mapping[str, Any],
    *,
    note: Any,
) -> dict[str, pd.DataFrame]:
    """The Wordfish tables, and the Wordscores tables when reference scores are given."""

    opts = section_options(settings, "scaling", SCALING_DEFAULTS)
    _check_scaling_options(opts)
    enabled, why = is_enabled(opts, len(documents))
    if not enabled:
        note("scaling", why)
        return {}
    scores = reference_scores(opts, documents)  # a wrong score is the researcher's to fix
    try:
        return _fitted_scaling(tokens, documents, opts, scores, note)
    except InputError as exc:
        return _not_fitted("scaling", exc, note)


def _fitted_scaling(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    opts: Mapping[str, Any],
    scores: dict[str, float],
    note: Any,
) -> dict[str, pd.DataFrame]:
    from analysis.measures.scaling import textmodel_wordfish, textmodel_wordscores

    tables: dict[str, pd.DataFrame] = {}
    direction = opts["direction"]
    if not direction:
        direction = default_direction(documents)
        note(
            "wordfish direction",
            f"not set (scaling: direction): {direction[0]} is placed lower than {direction[1]}, "
            "the earliest and the latest dated documents (else the first and last doc id)",
        )
    counts = _wordfish_counts(tokens, opts, (str(direction[0]), str(direction[1])), note)
    fish = textmodel_wordfish(
        counts, direction=(str(direction[0]), str(direction[1])),
        bootstrap=opts["bootstrap"], confidence=opts["confidence"], seed=opts["seed"],
    )
    if not fish.converged:
        note("wordfish", f"did not converge in {fish.iterations} rounds; read with care")
    tables["wordfish_positions"] = fish.positions
    tables["wordfish_words"] = fish.word_parameters
    if scores:
        words = textmodel_wordscores(
            tokens, scores, rescaling=opts["rescaling"], confidence=opts["confidence"]
        )
        tables["wordscores_positions"] = words.positions
        tables["wordscores_words"] = words.word_scores
    else:
        note(
            "wordscores",
            "no reference texts: give scores as a metadata column (scaling: reference_column) "
            "or run --reference-scores doc=score,doc=score",
        )
    return tables


def _wordfish_counts(
    tokens: pd.DataFrame, opts: Mapping[str, Any], direction: tuple[str, str], note: Any
) -> Any:
    """The counts Wordfish models: terms of at least ``min_count`` occurrences in ``min_docs``
    documents; of those, the ``max_terms`` most frequent, fewer if the model would exceed
    :data:`~analysis.measures.scaling.MAX_WORDFISH_CELLS` (a dense documents × terms model);
    documents left without a counted term are left out (they have no position), with a note."""
    import numpy as np

    from analysis.features.dfm import Dfm, dfm, dfm_trim
    from analysis.measures.scaling import MAX_WORDFISH_CELLS

    counts = dfm_trim(
        dfm(tokens), min_count=int(opts["min_count"]), min_docs=int(opts["min_docs"])
    )
    most = max(1, min(int(opts["max_terms"]), MAX_WORDFISH_CELLS // max(1, len(counts.docs))))
    if len(counts.terms) > most:
        totals = counts.term_totals().to_numpy()
        keep = np.sort(np.argsort(-totals, kind="stable")[:most])
        note(
            "wordfish terms",
            f"the {most:,} most frequent of {len(counts.terms):,} terms (scaling: max_terms, "
            f"and {len(counts.docs):,} documents × terms within {MAX_WORDFISH_CELLS:,} cells)",
        )
        counts = Dfm(counts.matrix[:, keep].tocsr(), counts.docs, counts.terms[keep])
    empty = np.asarray(counts.matrix.sum(axis=1)).ravel() == 0
    if empty.any():
        left_out = [str(d) for d in counts.docs[empty]]
        lost = [d for d in direction if d in left_out]
        if lost:
            raise InputError(
                f"scaling: the direction document(s) {', '.join(lost)} have no term kept for "
                "Wordfish (min_count, min_docs); choose other documents (scaling: direction)"
            )
        note(
            "wordfish documents",
            f"{len(left_out)} document(s) without any term kept have no position: "
            + ", ".join(left_out[:5]) + ("…" if len(left_out) > 5 else ""),
        )
        counts = Dfm(counts.matrix[~empty], counts.docs[~empty], counts.terms)
    return counts


def _not_fitted(model: str, exc: InputError, note: Any) -> dict[str, pd.DataFrame]:
    reason = f"could not be fitted to these texts: {' '.join(str(exc).split())}"
    note(model, reason)
    warnings.warn(f"{model} {reason}", stacklevel=3)
    return {}


def _whole(value: object, least: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= least


def _check_topic_options(opts: Mapping[str, Any]) -> None:
    """Mistakes in the ``topics:`` section are errors, before anything is fitted."""
    problems = []
    if opts["method"] not in ("nmf", "lda"):
        problems.append(f"method must be nmf or lda, got {opts['method']!r}")
    for key, least in (("k", 2), ("top_n", 1), ("min_docs", 1), ("bootstrap_resamples", 0),
                       ("seed", 0)):
        if not _whole(opts[key], least):
            problems.append(f"{key} must be a whole number >= {least}, got {opts[key]!r}")
    k_values = opts["k_values"]
    if not isinstance(k_values, list | tuple) or not all(_whole(v, 2) for v in k_values):
        problems.append(f"k_values must be a list of whole numbers >= 2, got {k_values!r}")
    if not isinstance(opts["seeded"], bool):
        problems.append(f"seeded must be true or false, got {opts['seeded']!r}")
    if problems:
        raise InputError(f"settings: `topics`: {'; '.join(problems)}")


def _check_scaling_options(opts: Mapping[str, Any]) -> None:
    """Mistakes in the ``scaling:`` section are errors, before anything is fitted."""
    problems = []
    direction = opts["direction"]
    if not isinstance(direction, list | tuple) or len(direction) not in (0, 2):
        problems.append(
            "direction must be two doc ids, the first placed lower (e.g. [gwr_1954, gwr_2025]), "
            f"or [] for the earliest and the latest; got {direction!r}"
        )
    for key, least in (("min_count", 1), ("min_docs", 1), ("max_terms", 2), ("bootstrap", 0),
                       ("seed", 0)):
        if not _whole(opts[key], least):
            problems.append(f"{key} must be a whole number >= {least}, got {opts[key]!r}")
    if opts["rescaling"] not in ("lbg", "mv", "none"):
        problems.append(f"rescaling must be lbg, mv or none, got {opts['rescaling']!r}")
    if problems:
        raise InputError(f"settings: `scaling`: {'; '.join(problems)}")


def prevalence_grouping(prevalence: pd.DataFrame) -> str:
    """The grouping of ``topic_prevalence`` a figure or finding shows: decades when the years
    are many (a year or two per document gives intervals too wide to read), else years, else
    the first grouping."""
    present = list(dict.fromkeys(prevalence["grouping"].astype(str)))
    years = prevalence.loc[prevalence["grouping"].astype(str) == "year", "group"].nunique()
    if "decade" in present and years > 15:
        return "decade"
    return "year" if "year" in present else present[0]
