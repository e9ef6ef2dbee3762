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
  in x's windows    ``O11 = count``              ``O12 = R1 − O11``
  elsewhere         ``O21 = C1 − O11``           ``O22 = N − R1 − C1 + O11``
  ================  ==========================  =======================

  with ``R1 = window_tokens`` (counted tokens in the merged windows of ``x``), ``C1 =
  freq_term`` (occurrences of ``y`` among counted tokens) and ``N = n_tokens`` (all counted
  tokens of the corpus). Expected counts ``E_ij = row_i · column_j / N``; ``expected = E11 =
  R1·C1/N``. In NLTK's notation (``BigramAssocMeasures``): ``n_ii = O11``, ``n_ix = R1``,
  ``n_xi = C1``, ``n_xx = N``.

Measures
--------
``logdice = 14 + log2(2·f_xy / (f_x + f_y))`` with ``f_xy = count``, ``f_x = freq_slogan``
(mentions of the slogan) and ``f_y = freq_term`` (Rychlý 2008, "A lexicographer-friendly
association score", RASLAN; Sketch Engine's logDice). 14 is the maximum when every occurrence of
either word is in the pair; it does not depend on corpus size.

``pmi = log2(O11 / E11)``, in bits (pointwise mutual information; Church & Hanks 1990, who
call it MI; keyness's ``pmi`` is in bits too).

``t_score = (O11 − E11) / sqrt(O11)`` (Church et al. 1991; Manning & Schütze 1999, §5.3.1).

``g2 = 2 · Σ_ij O_ij · ln(O_ij / E_ij)`` over the four cells, with ``0 · ln 0 = 0`` (Dunning 1993,
"Accurate methods for the statistics of surprise and coincidence"), **signed** as in keyness:
positive where the term is attracted (``O11 > E11``), negative where it is repelled (NLTK's
``likelihood_ratio`` is the unsigned value).

``delta_p = O11/R1 − O21/(N − R1)``: how much more likely term ``y`` is inside the slogan's windows
than elsewhere, ΔP(y | x); ``delta_p_reverse = O11/C1 − O12/(N − C1)``: how much more likely a
token is in the slogan's windows when it is ``y`` than when it is another term, ΔP(x | y)
(Gries 2013, "50-something years of work on collocations", IJCL 18(1)).

PMI, t-score and |G²| agree with ``nltk.metrics.association.BigramAssocMeasures`` (``pmi``,
``student_t``, ``likelihood_ratio``) given ``(O11, (R1, C1), N)`` (the tests check it).

Columns (fixed): ``slogan``, ``term``, ``count``, ``freq_slogan``, ``freq_term``,
``window_tokens``, ``n_tokens``, ``expected``, ``logdice``, ``pmi``, ``t_score``, ``g2``,
``delta_p``, ``delta_p_reverse``. Only pairs with ``count ≥ min_count`` are kept. Rows are sorted
by slogan (lexicon order), then ``logdice`` (highest first), then ``term``.

``collocation_network`` turns the table into a networkx graph of slogans and their ``top_n``
strongest collocates; :func:`analysis.run.export.write_graphml` saves it for Gephi.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

import networkx as nx
import numpy as np
import pandas as pd

from analysis.checks import check_bool, check_choice, check_int, require_columns
from analysis.config.lexicon import SloganLexicon
from analysis.errors import InputError
from analysis.features.codes import blocks_of_whole_runs, factorize_sorted, positions_in
from analysis.features.slogans import (
    MENTIONS_SOURCE,
    TOKENS_SOURCE,
    check_mention_slogans,
    nested_mentions,
    selected_slogans,
)

COLLOCATE_COLUMNS = [
    "slogan", "term", "count", "freq_slogan", "freq_term", "window_tokens", "n_tokens",
    "expected", "logdice", "pmi", "t_score", "g2", "delta_p", "delta_p_reverse",
]
MEASURES = ("logdice", "pmi", "t_score", "g2", "delta_p", "delta_p_reverse")
Measure = Literal["logdice", "pmi", "t_score", "g2", "delta_p", "delta_p_reverse", "count"]


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
            "pmi": np.log2(o11 / expected[0]),
            "t_score": (o11 - expected[0]) / np.sqrt(o11),
            "g2": np.sign(o11 - expected[0]) * g2,
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
    ``count ≥ min_count``. Defaults follow
    ``collocates:`` in ``data/settings.yml``. Returns the columns :data:`COLLOCATE_COLUMNS`.
    """
    caller = "textstat_collocates"
    names, span, min_count = _check_arguments(
        tokens, mentions, lexicon, slogans=slogans, span=span, min_count=min_count,
        same_sentence=same_sentence, remove_punct=remove_punct, remove_stop=remove_stop,
        nested=nested, caller=caller,
    )
    doc_ids = pd.Index(sorted({str(doc) for doc in pd.unique(tokens["doc_id"])}))
    nodes = _node_mentions(mentions, doc_ids, names, nested, caller)
    coded = _coded_tokens(
        tokens, doc_ids, remove_punct=remove_punct, remove_stop=remove_stop
    )
    counts = _WindowCounts.empty(len(names), len(coded.terms))
    for block in blocks_of_whole_runs(coded.doc, _TOKENS_PER_BLOCK):
        rows = coded.order[block]
        in_block = (nodes.doc >= coded.doc[block.start]) & (nodes.doc <= coded.doc[block.stop - 1])
        counted = _counted_tokens(
            coded.doc[block], tokens, rows, coded.term[block], coded.kept[block],
            same_sentence=same_sentence,
        )
        counts = counts.plus(
            counted, *_window_terms(counted, _Nodes(*(a[in_block] for a in nodes)), span)
        )
    return _collocate_rows(counts, coded.terms, nodes, names, min_count)


#: Collocates are counted a block of whole documents at a time (windows never cross documents),
#: so the working arrays (some fifteen per token) grow with the block, not with the corpus.
_TOKENS_PER_BLOCK = 1 << 19


def _check_arguments(
    tokens: object,
    mentions: object,
    lexicon: object,
    *,
    slogans: str | Sequence[str] | None,
    span: object,
    min_count: object,
    same_sentence: object,
    remove_punct: object,
    remove_stop: object,
    nested: object,
    caller: str,
) -> tuple[tuple[str, ...], int, int]:
    """The slogans, ``span`` and ``min_count``, checked with the other options."""
    require_columns(
        tokens, ["doc_id", "sent", "token", "start", "end", "is_punct", "is_stop"], caller,
        name="the tokens table", source=TOKENS_SOURCE,
    )
    require_columns(
        mentions, ["doc_id", "slogan", "start", "end"], caller, name="the mentions table",
        source=MENTIONS_SOURCE,
    )
    names = selected_slogans(lexicon, slogans, caller)
    check_mention_slogans(mentions, lexicon, caller)
    span = check_int(span, "span", caller, minimum=1)
    min_count = check_int(min_count, "min_count", caller, minimum=1)
    check_bool(same_sentence, "same_sentence", caller)
    check_bool(remove_punct, "remove_punct", caller)
    check_bool(remove_stop, "remove_stop", caller)
    check_choice(nested, "nested", caller, ("keep", "drop"))
    return names, span, min_count


class _Nodes(NamedTuple):
    """The node mentions: document (row of the sorted ids), slogan code, offsets."""

    doc: np.ndarray
    slogan: np.ndarray
    start: np.ndarray
    end: np.ndarray


def _node_mentions(
    mentions: pd.DataFrame, doc_ids: pd.Index, names: Sequence[str], nested: str, caller: str
) -> _Nodes:
    """The mentions of the ``names`` slogans that are nodes (nested ones left out with
    ``nested="drop"``); a mention of a document without tokens is refused."""
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
        raise InputError(
            f"{caller}: the mentions table has doc_id {unknown!r}, which has no tokens; pass the "
            "tokens and mentions of the same corpus"
        )
    return _Nodes(
        doc=m_doc,
        slogan=pd.Index(names).get_indexer(chosen["slogan"].astype(str)),
        start=chosen["start"].to_numpy(dtype=np.int64),
        end=chosen["end"].to_numpy(dtype=np.int64),
    )


class _CodedTokens(NamedTuple):
    """Every token of the corpus in (document, offset) order, coded once."""

    order: np.ndarray  # the tokens table's rows in that order
    doc: np.ndarray  # document of each (row of the sorted doc ids)
    term: np.ndarray  # code of each token into ``terms``
    kept: np.ndarray  # whether it is counted
    terms: pd.Index  # every distinct token, in code-point order


def _coded_tokens(
    tokens: pd.DataFrame, doc_ids: pd.Index, *, remove_punct: bool, remove_stop: bool
) -> _CodedTokens:
    """The tokens sorted (the counting never depends on row order), coded, and which count."""
    doc = positions_in(_as_text(tokens["doc_id"]), doc_ids).astype(np.int32)
    order = np.lexsort((tokens["start"].to_numpy(dtype=np.int64), doc))
    kept = np.ones(len(order), dtype=bool)
    if remove_punct:
        kept &= ~tokens["is_punct"].to_numpy(dtype=bool)[order]
    if remove_stop:
        kept &= ~tokens["is_stop"].to_numpy(dtype=bool)[order]
    codes, terms = factorize_sorted(_as_text(tokens["token"]))
    return _CodedTokens(order, doc[order], codes.astype(np.int32)[order], kept, terms)


def _as_text(column: pd.Series) -> pd.Series:
    """``column`` as strings (a table built by hand may number its documents); a column of
    strings as it is, since a copy of six million of them costs hundreds of megabytes."""
    return column if pd.api.types.is_string_dtype(column) else column.astype(str)


class _CountedTokens(NamedTuple):
    """The tokens of a block of documents and what the windows need of them."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    term_code: np.ndarray  # of each counted token, into the corpus's terms
    kept_int: np.ndarray  # 1 for a counted token
    kept_before: np.ndarray  # counted tokens before each token (in the block)
    limit_lo: np.ndarray  # counted-token range of each token's sentence (or document)
    limit_hi: np.ndarray


def _counted_tokens(
    t_doc: np.ndarray,
    tokens: pd.DataFrame,
    rows: np.ndarray,
    term: np.ndarray,
    kept: np.ndarray,
    *,
    same_sentence: bool,
) -> _CountedTokens:
    """Which tokens of a block (table ``rows``, in order) count, and the window limits of each."""
    t_doc = t_doc.astype(np.int64)
    t_sent = tokens["sent"].to_numpy(dtype=np.int64)[rows]
    kept_int = kept.astype(np.int64)
    kept_before = np.cumsum(kept_int) - kept_int

    # Window limits per token: the counted-token range of its sentence (or document).
    group = t_doc * (int(t_sent.max(initial=0)) + 1) + t_sent if same_sentence else t_doc
    new_group = np.r_[True, group[1:] != group[:-1]] if len(group) else np.zeros(0, bool)
    group_id = np.cumsum(new_group) - 1
    first_of_group = np.flatnonzero(new_group)
    last_of_group = np.r_[first_of_group[1:] - 1, len(group) - 1]
    return _CountedTokens(
        doc=t_doc,
        start=tokens["start"].to_numpy(dtype=np.int64)[rows],
        end=tokens["end"].to_numpy(dtype=np.int64)[rows],
        term_code=term[kept].astype(np.int64),
        kept_int=kept_int,
        kept_before=kept_before,
        limit_lo=kept_before[first_of_group][group_id],
        limit_hi=(kept_before + kept_int)[last_of_group][group_id],
    )


def _window_terms(
    counted: _CountedTokens, nodes: _Nodes, span: int
) -> tuple[np.ndarray, np.ndarray]:
    """(slogan, term code) of every counted token in the merged windows of each slogan, minus
    the slogan's node tokens (module docstring, "Nodes, windows and counts")."""
    t_doc, kept_before, kept_int = counted.doc, counted.kept_before, counted.kept_int
    n_tokens = int(kept_int.sum())
    # Node token spans: first token ending after the mention's start, last starting before its end.
    width = int(max(counted.end.max(initial=0), nodes.end.max(initial=0))) + 1
    first = np.searchsorted(
        t_doc * width + counted.end, nodes.doc * width + nodes.start, side="right"
    )
    last = np.searchsorted(
        t_doc * width + counted.start, nodes.doc * width + nodes.end, side="left"
    ) - 1
    has_tokens = (first <= last) & (first < len(t_doc)) & (last >= 0)
    has_tokens[has_tokens] &= (t_doc[first[has_tokens]] == nodes.doc[has_tokens]) & (
        t_doc[last[has_tokens]] == nodes.doc[has_tokens]
    )
    f, la, s = first[has_tokens], last[has_tokens], nodes.slogan[has_tokens]
    node_lo = kept_before[f]
    node_hi = kept_before[la] + kept_int[la]
    left_lo = np.maximum(node_lo - span, counted.limit_lo[f])
    right_hi = np.minimum(node_hi + span, counted.limit_hi[la])

    which, position = _expand(np.r_[left_lo, node_hi], np.r_[node_lo, right_hi])
    window_keys = np.unique(np.r_[s, s][which] * max(n_tokens, 1) + position)
    which, position = _expand(node_lo, node_hi)
    node_keys = np.unique(s[which] * max(n_tokens, 1) + position)
    window_keys = window_keys[~np.isin(window_keys, node_keys, assume_unique=True)]
    w_slogan = window_keys // max(n_tokens, 1)
    return w_slogan, counted.term_code[window_keys % max(n_tokens, 1)]


class _WindowCounts(NamedTuple):
    """The counts of the contingency tables, summed over blocks of documents."""

    pairs: list[tuple[np.ndarray, np.ndarray]]  # per block: (slogan × term key, count)
    window_tokens: np.ndarray  # per slogan
    freq_term: np.ndarray  # per term of the corpus
    n_tokens: int

    @classmethod
    def empty(cls, n_slogans: int, n_terms: int) -> _WindowCounts:
        return cls([], np.zeros(n_slogans, np.int64), np.zeros(n_terms, np.int64), 0)

    def plus(
        self, counted: _CountedTokens, w_slogan: np.ndarray, w_term: np.ndarray
    ) -> _WindowCounts:
        """These counts with a block's added."""
        n_terms = len(self.freq_term)
        return _WindowCounts(
            [*self.pairs, np.unique(w_slogan * max(n_terms, 1) + w_term, return_counts=True)],
            self.window_tokens + np.bincount(w_slogan, minlength=len(self.window_tokens)),
            self.freq_term + np.bincount(counted.term_code, minlength=n_terms),
            self.n_tokens + int(counted.kept_int.sum()),
        )

    def pair_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (slogan × term key) with its count over all blocks, keys in order."""
        if not self.pairs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        keys = np.concatenate([key for key, _ in self.pairs])
        counts = np.concatenate([count for _, count in self.pairs])
        pair, where = np.unique(keys, return_inverse=True)
        return pair, np.bincount(where, weights=counts, minlength=len(pair)).astype(np.int64)


def _collocate_rows(
    counts: _WindowCounts,
    terms: pd.Index,
    nodes: _Nodes,
    names: Sequence[str],
    min_count: int,
) -> pd.DataFrame:
    """The contingency counts and measures of every (slogan, term) pair with ``count ≥
    min_count``, sorted by slogan, ``logdice`` (highest first) and term."""
    n_slogans, n_tokens = len(names), counts.n_tokens
    pair, cooc = counts.pair_counts()
    p_slogan, p_term = pair // max(len(terms), 1), pair % max(len(terms), 1)
    window_tokens, freq_term = counts.window_tokens, counts.freq_term
    freq_slogan = np.bincount(nodes.slogan, minlength=n_slogans)

    keep = cooc >= min_count
    p_slogan, p_term, cooc = p_slogan[keep], p_term[keep], cooc[keep]
    measures = association_measures(
        cooc, window_tokens[p_slogan], freq_term[p_term], n_tokens, freq_slogan[p_slogan]
    )
    table = pd.DataFrame(
        {
            "slogan": np.asarray(names, dtype=object)[p_slogan],
            "term": np.asarray(terms.take(p_term), dtype=object),
            "count": cooc.astype(np.int64),
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
    (ties broken by term) and carry ``weight`` (the ``by`` measure), ``count`` and every measure
    of :data:`MEASURES`. When two slogans are each other's collocates, the edge keeps the
    direction with the higher ``by`` value. Self-loops are left out.
    """
    caller = "collocation_network"
    require_columns(
        collocates, COLLOCATE_COLUMNS, caller, name="the collocates table",
        source="the table of textstat_collocates",
    )
    top_n = check_int(top_n, "top_n", caller, minimum=1)
    by = check_choice(by, "by", caller, (*MEASURES, "count"))
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
        attributes.update(count=int(row.count), weight=float(getattr(row, by)))
        if (
            graph.has_edge(row.slogan, row.term)
            and graph.edges[row.slogan, row.term]["weight"] >= attributes["weight"]
        ):
            continue
        graph.add_edge(row.slogan, row.term, **attributes)
    return graph
