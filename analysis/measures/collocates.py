"""Collocates of slogans, and a network of slogans and their strongest collocates.

``textstat_collocates(tokens, mentions, lexicon)`` → ``collocates.csv``: for each slogan, the
terms found within ``span`` tokens of its mentions, with association measures.

Nodes, windows and counts
-------------------------
* *Counted tokens* are the rows of the tokens table left after dropping punctuation
  (``is_punct``) and stopwords (``is_stop``) — both by default. Window positions are counted
  among counted tokens only (as quanteda's ``tokens_remove`` followed by a window): ``span = 5``
  means five content words either side, whatever punctuation or particles lie between.
* A *node* is a slogan mention of the mentions table. Its token span is every token overlapping
  the mention (``token.start < mention.end`` and ``token.end > mention.start``): 团结 inside the
  token 团结协调 has that one token as its span, a formula spans its parts. The node's own tokens
  are never its collocates.
* The *window* of a node is the ``span`` counted tokens before its first token and the ``span``
  counted tokens after its last one, within the same sentence (``same_sentence=True``, from the
  ``sent`` column; a node spanning sentences runs from the start of its first sentence to the end
  of its last) or else within the document.
* The windows of all mentions of slogan ``x`` are merged (their union, minus every token that
  belongs to a node of ``x``), so a token between two nearby mentions counts once. This keeps a
  proper 2×2 contingency table over the counted tokens of the corpus (Evert 2008, "Corpora and
  collocations", in Lüdeling & Kytö, *Corpus Linguistics: An International Handbook*: surface
  co-occurrence in a span, counted by position):

  ================  ==========================  =======================
  ..                token is term ``y``          token is another term
  ================  ==========================  =======================
  in x's windows    ``O11 = cooc``               ``O12 = R1 − O11``
  elsewhere         ``O21 = C1 − O11``           ``O22 = N − R1 − C1 + O11``
  ================  ==========================  =======================

  with ``R1 = window_tokens`` (counted tokens in the merged windows of ``x``), ``C1 =
  freq_term`` (occurrences of ``y`` among counted tokens) and ``N = n_tokens`` (all counted
  tokens of the corpus). Expected counts ``E_ij = row_i · column_j / N``; ``expected = E11 =
  R1·C1/N``. In NLTK's notation (``BigramAssocMeasures``): ``n_ii = O11``, ``n_ix = R1``,
  ``n_xi = C1``, ``n_xx = N``.

Measures
--------
``logdice = 14 + log2(2·f_xy / (f_x + f_y))`` with ``f_xy = cooc``, ``f_x = freq_slogan``
(mentions of the slogan) and ``f_y = freq_term`` (Rychlý 2008, "A lexicographer-friendly
association score", RASLAN; Sketch Engine's logDice). 14 is the maximum when every occurrence of
either word is in the pair; it does not depend on corpus size.

``mi = log2(O11 / E11)`` (pointwise mutual information; Church & Hanks 1990).

``t_score = (O11 − E11) / sqrt(O11)`` (Church et al. 1991; Manning & Schütze 1999, §5.3.1).

``g2 = 2 · Σ_ij O_ij · ln(O_ij / E_ij)`` over the four cells, with ``0 · ln 0 = 0`` (Dunning 1993,
"Accurate methods for the statistics of surprise and coincidence"). Unsigned, as in NLTK; attraction
or repulsion shows in the sign of ``t_score`` (``O11 − E11``).

``delta_p = O11/R1 − O21/(N − R1)``: how much more likely term ``y`` is inside the slogan's windows
than elsewhere, ΔP(y | x); ``delta_p_reverse = O11/C1 − O12/(N − C1)``: how much more likely a
token is in the slogan's windows when it is ``y`` than when it is another term, ΔP(x | y)
(Gries 2013, "50-something years of work on collocations", IJCL 18(1)).

MI, t-score and G² agree with ``nltk.metrics.association.BigramAssocMeasures`` (``pmi``,
``student_t``, ``likelihood_ratio``) given ``(O11, (R1, C1), N)`` (the tests check it).

Columns (fixed): ``slogan``, ``term``, ``cooc``, ``freq_slogan``, ``freq_term``,
``window_tokens``, ``n_tokens``, ``expected``, ``logdice``, ``mi``, ``t_score``, ``g2``,
``delta_p``, ``delta_p_reverse``. Only pairs with ``cooc ≥ min_count`` are kept. Rows are sorted
by slogan (lexicon order), then ``logdice`` (highest first), then ``term``.

``collocation_network`` turns the table into a networkx graph of slogans and their ``top_n``
strongest collocates; ``write_graphml`` saves it for Gephi.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from analysis.config.lexicon import SloganLexicon
from analysis.config.paths import atomic_write, safe_child
from analysis.measures.cooccurrence import nested_mentions
from analysis.measures.slogan_counts import (
    check_mention_slogans,
    require_columns,
    selected_slogans,
)

COLLOCATE_COLUMNS = [
    "slogan", "term", "cooc", "freq_slogan", "freq_term", "window_tokens", "n_tokens",
    "expected", "logdice", "mi", "t_score", "g2", "delta_p", "delta_p_reverse",
]
MEASURES = ("logdice", "mi", "t_score", "g2", "delta_p", "delta_p_reverse")
Measure = Literal["logdice", "mi", "t_score", "g2", "delta_p", "delta_p_reverse", "cooc"]


def _whole_number(value: object, least: int, name: str, caller: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ValueError(f"{caller}: {name} must be a whole number ≥ {least}, got {value!r}")
    return int(value)


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All integers of the intervals ``[lo, hi)``: (interval index, value), without a loop."""
    size = np.maximum(hi - lo, 0)
    which = np.repeat(np.arange(len(lo)), size)
    value = np.repeat(lo, size) + np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
    return which, value


def association_measures(
    o11: np.ndarray, r1: np.ndarray, c1: np.ndarray, n: np.ndarray | int, f_x: np.ndarray
) -> dict[str, np.ndarray]:
    """The measures of the module docstring from the contingency counts (arrays of equal
    length): ``o11`` co-occurrences, ``r1`` window tokens, ``c1`` term frequency, ``n`` counted
    tokens, ``f_x`` node frequency (for logDice)."""
    o11, r1, c1, f_x = (np.asarray(a, dtype=float) for a in (o11, r1, c1, f_x))
    n = np.broadcast_to(np.asarray(n, dtype=float), o11.shape)
    observed = [o11, r1 - o11, c1 - o11, n - r1 - c1 + o11]
    expected = [r1 * c1 / n, r1 * (n - c1) / n, (n - r1) * c1 / n, (n - r1) * (n - c1) / n]
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * sum(
            np.where(o > 0, o * np.log(np.where(o > 0, o, 1) / np.where(o > 0, e, 1)), 0.0)
            for o, e in zip(observed, expected, strict=True)
        )
        return {
            "expected": expected[0],
            "logdice": 14 + np.log2(2 * o11 / (f_x + c1)),
            "mi": np.log2(o11 / expected[0]),
            "t_score": (o11 - expected[0]) / np.sqrt(o11),
            "g2": g2,
            "delta_p": o11 / r1 - observed[2] / (n - r1),
            "delta_p_reverse": o11 / c1 - observed[1] / (n - c1),
        }


def textstat_collocates(
    tokens: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: SloganLexicon,
    *,
    slogans: str | Sequence[str] | None = None,
    span: int = 5,
    min_count: int = 2,
    same_sentence: bool = True,
    remove_punct: bool = True,
    remove_stop: bool = True,
    nested: Literal["keep", "drop"] = "keep",
) -> pd.DataFrame:
    """Collocates of each slogan within ``span`` counted tokens, with logDice, MI, t-score, G²
    and ΔP (formulas and the contingency table in the module docstring).

    ``tokens`` is the tokens table (``doc_id``, ``sent``, ``token``, ``start``, ``end``,
    ``is_punct``, ``is_stop``); ``mentions`` the mentions table (``doc_id``, ``slogan``,
    ``start``, ``end``); ``lexicon`` the slogan lexicon the mentions were found with;
    ``slogans`` an optional selection (unknown names raise an
    :class:`~analysis.errors.InputError`). ``nested="drop"`` leaves out, as nodes, mentions lying
    inside a longer mention of another slogan (团结 in 树正气、讲团结、求发展, whose other parts
    would otherwise be 团结's collocates); the default keeps every mention, as
    :func:`~analysis.measures.slogan_counts.textstat_slogans` counts them. Keeps pairs with
    ``cooc ≥ min_count``. Defaults follow
    ``collocates:`` in ``data/settings.yml``. Returns the columns :data:`COLLOCATE_COLUMNS`.
    """
    caller = "textstat_collocates"
    require_columns(
        tokens, "tokens", ["doc_id", "sent", "token", "start", "end", "is_punct", "is_stop"], caller
    )
    require_columns(mentions, "mentions", ["doc_id", "slogan", "start", "end"], caller)
    names = selected_slogans(lexicon, slogans, caller)
    check_mention_slogans(mentions, lexicon, caller)
    span = _whole_number(span, 1, "span", caller)
    min_count = _whole_number(min_count, 1, "min_count", caller)
    for flag, value in (("same_sentence", same_sentence), ("remove_punct", remove_punct),
                        ("remove_stop", remove_stop)):
        if not isinstance(value, bool):
            raise ValueError(f"{caller}: {flag} must be True or False, got {value!r}")
    if nested not in ("keep", "drop"):
        raise ValueError(f"{caller}: nested must be 'keep' or 'drop', got {nested!r}")

    doc_ids = pd.Index(np.sort(pd.unique(tokens["doc_id"].astype(str))))
    wanted = mentions["slogan"].astype(str).isin(names).to_numpy()
    if nested == "drop" and len(mentions):
        # Nesting is judged on all mentions (a selection changes nothing), per document.
        codes = pd.factorize(mentions["doc_id"].astype(str))[0]
        wanted = wanted & ~nested_mentions(
            codes, mentions["start"].to_numpy(dtype=np.int64),
            mentions["end"].to_numpy(dtype=np.int64),
        )
    chosen = mentions[wanted]
    m_doc = doc_ids.get_indexer(chosen["doc_id"].astype(str))
    if (m_doc < 0).any():
        unknown = chosen["doc_id"].to_numpy()[m_doc < 0][0]
        raise ValueError(
            f"{caller}: the mentions table has doc_id {unknown!r}, which has no tokens; pass the "
            "tokens and mentions of the same corpus"
        )
    m_slogan = pd.Index(names).get_indexer(chosen["slogan"].astype(str))
    m_start = chosen["start"].to_numpy(dtype=np.int64)
    m_end = chosen["end"].to_numpy(dtype=np.int64)

    # Tokens in (document, offset) order: the counting never depends on row order.
    t_doc_raw = doc_ids.get_indexer(tokens["doc_id"].astype(str))
    order = np.lexsort((tokens["start"].to_numpy(dtype=np.int64), t_doc_raw))
    t_doc = t_doc_raw[order].astype(np.int64)
    t_start = tokens["start"].to_numpy(dtype=np.int64)[order]
    t_end = tokens["end"].to_numpy(dtype=np.int64)[order]
    t_sent = tokens["sent"].to_numpy(dtype=np.int64)[order]
    kept = np.ones(len(order), dtype=bool)
    if remove_punct:
        kept &= ~tokens["is_punct"].to_numpy(dtype=bool)[order]
    if remove_stop:
        kept &= ~tokens["is_stop"].to_numpy(dtype=bool)[order]
    kept_terms = tokens["token"].astype(str).to_numpy()[order][kept]
    term_code, terms = pd.factorize(kept_terms, sort=True)
    n_tokens = int(kept.sum())
    kept_int = kept.astype(np.int64)
    kept_before = np.cumsum(kept_int) - kept_int  # counted tokens before each token

    # Window limits per token: the counted-token range of its sentence (or document).
    group = t_doc * (int(t_sent.max(initial=0)) + 1) + t_sent if same_sentence else t_doc
    new_group = np.r_[True, group[1:] != group[:-1]] if len(group) else np.zeros(0, bool)
    group_id = np.cumsum(new_group) - 1
    first_of_group = np.flatnonzero(new_group)
    last_of_group = np.r_[first_of_group[1:] - 1, len(group) - 1]
    limit_lo = kept_before[first_of_group][group_id]
    limit_hi = (kept_before + kept_int)[last_of_group][group_id]

    # Node token spans: first token ending after the mention's start, last starting before its end.
    width = int(max(t_end.max(initial=0), m_end.max(initial=0))) + 1
    first = np.searchsorted(t_doc * width + t_end, m_doc * width + m_start, side="right")
    last = np.searchsorted(t_doc * width + t_start, m_doc * width + m_end, side="left") - 1
    has_tokens = (first <= last) & (first < len(t_doc)) & (last >= 0)
    has_tokens[has_tokens] &= (t_doc[first[has_tokens]] == m_doc[has_tokens]) & (
        t_doc[last[has_tokens]] == m_doc[has_tokens]
    )
    f, la, s = first[has_tokens], last[has_tokens], m_slogan[has_tokens]
    node_lo = kept_before[f]
    node_hi = kept_before[la] + kept_int[la]
    left_lo = np.maximum(node_lo - span, limit_lo[f])
    right_hi = np.minimum(node_hi + span, limit_hi[la])

    n_slogans = len(names)
    which, position = _expand(np.r_[left_lo, node_hi], np.r_[node_lo, right_hi])
    window_keys = np.unique(np.r_[s, s][which] * max(n_tokens, 1) + position)
    which, position = _expand(node_lo, node_hi)
    node_keys = np.unique(s[which] * max(n_tokens, 1) + position)
    window_keys = window_keys[~np.isin(window_keys, node_keys, assume_unique=True)]
    w_slogan = window_keys // max(n_tokens, 1)
    w_term = term_code[window_keys % max(n_tokens, 1)]

    pair, cooc = np.unique(w_slogan * len(terms) + w_term, return_counts=True)
    p_slogan, p_term = pair // max(len(terms), 1), pair % max(len(terms), 1)
    window_tokens = np.bincount(w_slogan, minlength=n_slogans)
    freq_term = np.bincount(term_code, minlength=len(terms))
    freq_slogan = np.bincount(m_slogan, minlength=n_slogans)

    keep = cooc >= min_count
    p_slogan, p_term, cooc = p_slogan[keep], p_term[keep], cooc[keep]
    measures = association_measures(
        cooc, window_tokens[p_slogan], freq_term[p_term], n_tokens, freq_slogan[p_slogan]
    )
    table = pd.DataFrame(
        {
            "slogan": np.asarray(names, dtype=object)[p_slogan],
            "term": np.asarray(terms, dtype=object)[p_term],
            "cooc": cooc.astype(np.int64),
            "freq_slogan": freq_slogan[p_slogan].astype(np.int64),
            "freq_term": freq_term[p_term].astype(np.int64),
            "window_tokens": window_tokens[p_slogan].astype(np.int64),
            "n_tokens": np.full(len(cooc), n_tokens, dtype=np.int64),
            **{k: v.astype(float) for k, v in measures.items()},
        }
    )
    rank = np.lexsort((p_term, -table["logdice"].to_numpy(), p_slogan))
    out = table.iloc[rank].reset_index(drop=True)[COLLOCATE_COLUMNS]
    return out.astype({"slogan": "str", "term": "str"})


def collocation_network(
    collocates: pd.DataFrame, *, top_n: int = 8, by: Measure = "logdice"
) -> nx.Graph:
    """An undirected graph of slogans and their ``top_n`` strongest collocates by ``by``.

    Nodes are named by their text, with attributes ``kind`` (``"slogan"`` for a slogan of the
    table, else ``"term"``), ``frequency`` (``freq_slogan`` for a slogan, ``freq_term`` for a
    term) and ``label``. A collocate spelled like another slogan of the table is that slogan's
    node, so slogans link to each other. Edges join a slogan to each of its ``top_n`` collocates
    (ties broken by term) and carry ``weight`` (the ``by`` measure), ``cooc`` and every measure
    of :data:`MEASURES`. When two slogans are each other's collocates, the edge keeps the
    direction with the higher ``by`` value. Self-loops are left out.
    """
    caller = "collocation_network"
    require_columns(collocates, "collocates", COLLOCATE_COLUMNS, caller)
    top_n = _whole_number(top_n, 1, "top_n", caller)
    if by not in (*MEASURES, "cooc"):
        choices = ", ".join((*MEASURES, "cooc"))
        raise ValueError(f"{caller}: by must be one of {choices}; got {by!r}")
    table = collocates.copy()
    table = table.sort_values(["slogan", by, "term"], ascending=[True, False, True], kind="stable")
    top = table[table.groupby("slogan", sort=False).cumcount() < top_n]
    slogan_freq = (
        collocates.drop_duplicates("slogan").set_index("slogan")["freq_slogan"].astype(int)
    )
    graph = nx.Graph(measure=by, top_n=top_n)
    for name, freq in sorted(slogan_freq.items()):
        graph.add_node(name, kind="slogan", frequency=int(freq), label=name)
    for term, freq in sorted(top.drop_duplicates("term").set_index("term")["freq_term"].items()):
        if term not in slogan_freq.index:
            graph.add_node(term, kind="term", frequency=int(freq), label=term)
    for row in top.itertuples(index=False):
        if row.slogan == row.term:
            continue
        attributes = {m: float(getattr(row, m)) for m in MEASURES}
        attributes.update(cooc=int(row.cooc), weight=float(getattr(row, by)))
        if (
            graph.has_edge(row.slogan, row.term)
            and graph.edges[row.slogan, row.term]["weight"] >= attributes["weight"]
        ):
            continue
        graph.add_edge(row.slogan, row.term, **attributes)
    return graph


def write_graphml(graph: nx.Graph, path: str | Path, *, folder: str | Path | None = None) -> Path:
    """Write ``graph`` as GraphML (for Gephi), atomically; returns the path written.

    With ``folder``, ``path`` is a file name inside it and may not escape it (``..`` or an
    absolute path is an :class:`~analysis.errors.InputError`).
    """
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"write_graphml expects a networkx graph, got {type(graph).__name__}")
    target = safe_child(folder, str(path)) if folder is not None else Path(path)
    return atomic_write(target, lambda tmp: nx.write_graphml(graph, tmp, encoding="utf-8"))
