"""Shared formulae: worked examples, a brute-force oracle, invariants and the five documents."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.measures.formulae import (
    FORMULA_COLUMNS,
    OCCURRENCE_COLUMNS,
    PLACEHOLDER,
    formula_occurrences,
    summarise_formulae,
    textstat_formulae,
)

FOUR_PARTS = "集体领导民主集中个别酝酿会议决定"


def docs(**texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})


def strip(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZC")


# --- worked examples -------------------------------------------------------------------------

WORKED = docs(
    a="坚持集体领导、民主集中、个别酝酿、会议决定的原则。",
    b="按照“集体领导，民主集中，个别酝酿，会议决定”的原则办事。",
    c="集体领导民主集中个别酝酿会议决定很重要",
)


def test_worked_example_table():
    table = textstat_formulae(WORKED, min_length=8)
    assert list(table.columns) == FORMULA_COLUMNS
    expected = pd.DataFrame(
        {
            "formula": [FOUR_PARTS, FOUR_PARTS + "的原则"],
            "length": [16, 19],
            "n_docs": [3, 2],
            "doc_ids": ["a;b;c", "a;b"],
            "count": [3, 2],
            "text": [
                "集体领导、民主集中、个别酝酿、会议决定",
                "集体领导、民主集中、个别酝酿、会议决定的原则",
            ],
        }
    )
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    assert table[["length", "n_docs", "count"]].dtypes.eq("int64").all()


def test_worked_example_positions_are_in_the_cleaned_text():
    occ = formula_occurrences(WORKED, min_length=8)
    assert list(occ.columns) == OCCURRENCE_COLUMNS
    a, b, c = WORKED["text"]
    rows = [tuple(r) for r in occ.itertuples(index=False)]
    assert rows == [
        (FOUR_PARTS, "a", 2, 21, a[2:21]),
        (FOUR_PARTS, "b", 3, 22, b[3:22]),
        (FOUR_PARTS, "c", 0, 16, c[:16]),
        (FOUR_PARTS + "的原则", "a", 2, 24, "集体领导、民主集中、个别酝酿、会议决定的原则"),
        (FOUR_PARTS + "的原则", "b", 3, 26, "集体领导，民主集中，个别酝酿，会议决定”的原则"),
    ]


def test_minimum_length_is_inclusive():
    texts = docs(a="甲乙丙丁戊己庚辛。", b="子甲乙丙丁戊己庚辛丑")
    assert textstat_formulae(texts, min_length=8)["formula"].tolist() == ["甲乙丙丁戊己庚辛"]
    assert textstat_formulae(texts, min_length=9).empty


def test_placeholders_split_formulae():
    texts = docs(a="学习党的**届**全会精神", b="认真学习党的**届**全会精神")
    assert textstat_formulae(texts, min_length=8).empty
    # Without the split the same texts share a formula that runs through the placeholders.
    loose = textstat_formulae(texts, min_length=8, placeholder=None)
    assert loose["formula"].tolist() == ["学习党的届全会精神"]


def test_repeats_inside_one_document_are_not_shared():
    passage = "加强领导班子思想政治建设"
    assert textstat_formulae(docs(a=f"{passage}。{passage}", b="别的内容")).empty
    table = textstat_formulae(docs(a=f"{passage}。再{passage}", b=f"要{passage}"))
    assert table[["formula", "n_docs", "count"]].values.tolist() == [[passage, 2, 3]]


def test_shorter_formula_of_more_documents_is_kept_longer_same_documents_only_once():
    texts = docs(a="一二三四五六七八九十", b="一二三四五六七八九十", c="零一二三四五六七八")
    table = textstat_formulae(texts, min_length=8)
    assert table[["formula", "doc_ids"]].values.tolist() == [
        ["一二三四五六七八", "a;b;c"],
        ["一二三四五六七八九十", "a;b"],
    ]


def test_nothing_shared_gives_empty_tables_with_columns():
    texts = docs(a="完全不同的文字内容一", b="另外一篇没有重复的话")
    assert list(textstat_formulae(texts).columns) == FORMULA_COLUMNS
    assert list(formula_occurrences(texts).columns) == OCCURRENCE_COLUMNS
    assert formula_occurrences(docs(a="", b="")).empty


@pytest.mark.parametrize("bad", [0, -1, True, 8.0, "8"])
def test_bad_min_length_is_refused(bad):
    with pytest.raises(ValueError, match="min_length"):
        textstat_formulae(WORKED, min_length=bad)


def test_bad_documents_are_refused():
    with pytest.raises(InputError, match=r"^formula_occurrences: the documents table lacks column\(s\) text"):
        textstat_formulae(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(InputError, match="unique"):
        textstat_formulae(docs(a="x").pipe(lambda d: pd.concat([d, d])))
    with pytest.raises(InputError, match="formula_occurrences"):
        summarise_formulae(pd.DataFrame({"formula": []}))


def test_inputs_are_not_mutated():
    before = WORKED.copy(deep=True)
    occ = formula_occurrences(WORKED)
    occ_before = occ.copy(deep=True)
    summarise_formulae(occ)
    pd.testing.assert_frame_equal(WORKED, before)
    pd.testing.assert_frame_equal(occ, occ_before)


# --- against a brute-force oracle ------------------------------------------------------------


def oracle(texts: dict[str, str], min_length: int) -> set[tuple[str, str, int, int]]:
    """Every (formula, doc_id, start, end), by enumerating all substrings: the definition."""
    segments = {}  # doc -> list of (stripped segment, cleaned offsets of its characters)
    for doc, text in texts.items():
        pieces, offsets, cur, cur_off = [], [], [], []
        cut = set()
        for m in re.finditer(PLACEHOLDER, text):
            cut.update(range(m.start(), m.end()))
        for i, ch in enumerate(text):
            if i in cut:
                pieces.append("".join(cur))
                offsets.append(cur_off)
                cur, cur_off = [], []
            elif unicodedata.category(ch)[0] not in "PZC":
                cur.append(ch)
                cur_off.append(i)
        pieces.append("".join(cur))
        offsets.append(cur_off)
        segments[doc] = list(zip(pieces, offsets, strict=True))
    where: dict[str, set[str]] = {}
    for doc, segs in segments.items():
        for seg, _ in segs:
            for i in range(len(seg)):
                for j in range(i + 1, len(seg) + 1):
                    where.setdefault(seg[i:j], set()).add(doc)

    def docs_of(s: str) -> set[str]:
        return where.get(s, set())

    alphabet = {c for s in where for c in s}
    formulae = [
        s for s, d in where.items()
        if len(s) >= min_length and len(d) >= 2
        and all(docs_of(x + s) != d and docs_of(s + x) != d for x in alphabet)
    ]
    found = set()
    for s in formulae:
        for doc, segs in segments.items():
            for seg, offs in segs:
                for i in range(len(seg) - len(s) + 1):
                    if seg.startswith(s, i):
                        found.add((s, doc, offs[i], offs[i + len(s) - 1] + 1))
    return found


# Few distinct characters so that texts share a lot; punctuation, line breaks and placeholders.
TEXT = st.text(alphabet="甲乙丙丁、，。\n*", max_size=40)


@settings(max_examples=80, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), st.integers(min_value=1, max_value=5))
def test_matches_the_brute_force_definition(texts, min_length):
    table = docs(**{f"d{i}": t for i, t in enumerate(texts)})
    occ = formula_occurrences(table, min_length=min_length)
    got = {(r.formula, r.doc_id, r.start, r.end) for r in occ.itertuples()}
    assert got == oracle(dict(zip(table["doc_id"], table["text"], strict=True)), min_length)
    assert len(got) == len(occ)  # no occurrence listed twice


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, min_size=2, max_size=5), st.integers(min_value=2, max_value=4), st.randoms())
def test_invariants(texts, min_length, rnd):
    table = docs(**{f"d{i}": t for i, t in enumerate(texts)})
    occ = formula_occurrences(table, min_length=min_length)
    text_of = dict(zip(table["doc_id"], table["text"], strict=True))
    for r in occ.itertuples():
        # every formula occurs in each listed document at the listed position
        assert text_of[r.doc_id][r.start : r.end] == r.text
        assert strip(r.text) == r.formula and "*" not in r.formula
    summary = summarise_formulae(occ)
    assert (summary["n_docs"] >= 2).all() and (summary["length"] >= min_length).all()
    # permuting document order changes nothing
    shuffled = table.sample(frac=1, random_state=rnd.randrange(2**32)).reset_index(drop=True)
    pd.testing.assert_frame_equal(formula_occurrences(shuffled, min_length=min_length), occ)
    pd.testing.assert_frame_equal(textstat_formulae(shuffled, min_length=min_length), summary)


def test_many_documents_with_a_planted_passage():
    import random

    rnd = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    planted = "坚持以邓小平理论和三个代表重要思想为指导"
    texts = {}
    for i in range(300):
        body = [rnd.choice(alphabet) for _ in range(2000)]
        if i % 3 == 0:
            at = rnd.randrange(len(body))
            # a character of its own on each side, so the passage cannot extend by chance
            body[at:at] = chr(0x8000 + i) + "，" + planted[:5] + "、" + planted[5:] + "。" + chr(
                0x9000 + i
            )
        texts[f"doc{i:03d}"] = "".join(body)
    table = textstat_formulae(docs(**texts))
    assert table["formula"].tolist() == [planted]
    assert table.loc[0, "n_docs"] == 100


# --- the five study documents ----------------------------------------------------------------


def test_study_corpus_four_part_formula(study_corpus):
    occ = formula_occurrences(study_corpus.documents, min_length=8)
    table = summarise_formulae(occ)
    with_four = table[table["formula"].str.contains(FOUR_PARTS)]
    assert len(with_four) == 1
    row = with_four.iloc[0]
    assert row["formula"] == "按照" + FOUR_PARTS + "的原则"
    assert row["doc_ids"] == "cidu_opinion_2005;jilin_news_2007;yangzhou_opinion_2007"
    texts = set(occ.loc[occ["formula"] == row["formula"], "text"])
    # the three documents print it with different punctuation
    assert texts == {
        "按照“集体领导，民主集中，个别酝酿，会议决定”的原则",
        "按照“集体领导、民主集中、个别酝酿、会议决定”的原则",
        "按照集体领导、民主集中、个别酝酿、会议决定的原则",
    }


def test_study_corpus_formulae_are_sound(study_corpus):
    documents = study_corpus.documents
    occ = formula_occurrences(documents)
    table = summarise_formulae(occ)
    assert table.iloc[0]["formula"] == "三个代表重要思想" and table.iloc[0]["n_docs"] == 4
    assert len(table) >= 20 and (table["n_docs"] >= 2).all() and (table["length"] >= 8).all()
    text_of = dict(zip(documents["doc_id"], documents["text"], strict=True))
    for r in occ.itertuples():
        assert text_of[r.doc_id][r.start : r.end] == r.text and strip(r.text) == r.formula
    # the placeholders of cidu_opinion_2005 (党的**届**全会) are in no formula
    assert not occ["text"].str.contains(r"\*").any()
    assert documents["text"].str.contains(r"\*\*").any()


# --- against the generalised suffix automaton that step 2 used before the suffix array -------


class _Automaton:
    """A generalised suffix automaton (states as parallel lists; state 0 is the root)."""

    def __init__(self) -> None:
        self.next: list[dict[str, int]] = [{}]
        self.link = [-1]
        self.length = [0]

    def _new(self, length: int, link: int, nxt: dict[str, int]) -> int:
        self.next.append(nxt)
        self.link.append(link)
        self.length.append(length)
        return len(self.length) - 1

    def _clone(self, p: int, q: int, char: str) -> int:
        clone = self._new(self.length[p] + 1, self.link[q], dict(self.next[q]))
        while p != -1 and self.next[p].get(char) == q:
            self.next[p][char] = clone
            p = self.link[p]
        self.link[q] = clone
        return clone

    def extend(self, last: int, char: str) -> int:
        nxt, length = self.next, self.length
        if char in nxt[last]:
            q = nxt[last][char]
            return q if length[q] == length[last] + 1 else self._clone(last, q, char)
        cur = self._new(length[last] + 1, 0, {})
        p = last
        while p != -1 and char not in nxt[p]:
            nxt[p][char] = cur
            p = self.link[p]
        if p != -1:
            q = nxt[p][char]
            self.link[cur] = q if length[p] + 1 == length[q] else self._clone(p, q, char)
        return cur


def _automaton_occurrences(documents, min_length, placeholder=PLACEHOLDER):
    """formula_occurrences as it was with step 2 on the suffix automaton (the same step 1)."""
    from analysis.measures import formulae as module

    doc_ids = [str(d) for d in documents["doc_id"]]
    texts = documents["text"].tolist()
    stripped = module._Stripped(texts, re.compile(placeholder) if placeholder else None)
    regions = module._shared_regions(stripped, min_length)
    sam = _Automaton()
    by_doc: dict[int, list[tuple[int, int]]] = {}
    for a, b in regions:
        by_doc.setdefault(int(stripped.doc[a]), []).append((a, b))
    prefix_states: dict[int, list[tuple[int, int]]] = {}
    for d, spans in by_doc.items():
        states = prefix_states[d] = []
        for a, b in spans:
            last = 0
            for i, char in enumerate(stripped.text[a:b]):
                last = sam.extend(last, char)
                states.append((last, a + i))
    n_states = len(sam.length)
    ends: list[list[int]] = [[] for _ in range(n_states)]
    count = [0] * n_states
    mark = [-1] * n_states
    for d, states in prefix_states.items():
        for state, end in states:
            ends[state].append(end)
            while state > 0 and mark[state] != d:
                mark[state] = d
                count[state] += 1
                state = sam.link[state]
    children: list[list[int]] = [[] for _ in sam.length]
    for state in range(1, n_states):
        children[sam.link[state]].append(state)

    def offset(i):
        return int(stripped.index[i] - stripped.base[stripped.doc[i]])

    rows = []
    for v in range(1, n_states):
        size, n = sam.length[v], count[v]
        if size < min_length or n < 2:
            continue
        if any(count[u] == n for u in children[v]) or any(
            count[w] == n for w in sam.next[v].values()
        ):
            continue
        stack, found = [v], []
        while stack:
            u = stack.pop()
            found.extend(ends[u])
            stack.extend(children[u])
        for last in found:
            first = last - size + 1
            d = int(stripped.doc[first])
            start, end = offset(first), offset(last) + 1
            rows.append((stripped.text[first : last + 1], doc_ids[d], start, end,
                         texts[d][start:end]))
    table = pd.DataFrame(rows, columns=OCCURRENCE_COLUMNS)
    table = table.astype({"start": "int64", "end": "int64"})
    return module._sort_occurrences(table)


# Three letters, so that texts repeat themselves within and across documents; punctuation, line
# breaks and placeholders (**) cut and join them.
SMALL = st.text(alphabet="甲乙丙甲乙丙，\n*", max_size=60)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(SMALL, min_size=1, max_size=6),
    st.integers(min_value=1, max_value=6),
    st.booleans(),
)
def test_same_as_the_suffix_automaton(texts, min_length, cut):
    table = docs(**{f"d{i}": t for i, t in enumerate(texts)})
    placeholder = PLACEHOLDER if cut else None
    occ = formula_occurrences(table, min_length=min_length, placeholder=placeholder)
    pd.testing.assert_frame_equal(occ, _automaton_occurrences(table, min_length, placeholder))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="甲乙", min_size=20, max_size=200), min_size=2, max_size=4),
    st.integers(min_value=1, max_value=12),
)
def test_same_as_the_suffix_automaton_on_long_repetitive_texts(texts, min_length):
    table = docs(**{f"d{i}": t for i, t in enumerate(texts)})
    occ = formula_occurrences(table, min_length=min_length)
    pd.testing.assert_frame_equal(occ, _automaton_occurrences(table, min_length))



@pytest.mark.parametrize("per_bucket", [1, 5, 1 << 21])
def test_hashes_seen_in_two_documents_bucket_by_bucket(monkeypatch, per_bucket):
    """Sorting the hashes a bucket of top bits at a time (up to 256 buckets) gives each gram the
    verdict of a group-by over all hashes: its hash is in two documents or more."""
    from analysis.measures import formulae as formulae_module

    monkeypatch.setattr(formulae_module, "_HASHES_PER_BUCKET", per_bucket)
    rnd = np.random.default_rng(7)
    distinct = rnd.integers(0, 2**64, size=600, dtype=np.uint64, endpoint=False)
    # 300 hashes seen many times, 300 seen once; one repeated in a single document
    hashes = np.concatenate([distinct[rnd.integers(0, 300, size=5000)], distinct[300:],
                             distinct[[300] * 3]])
    docs = np.concatenate([rnd.integers(0, 40, size=5300), [7, 7, 7]]).astype(np.int32)
    docs[5000] = 7  # distinct[300]: four grams, all in document 7
    expected = (
        pd.DataFrame({"h": hashes, "d": docs}).groupby("h")["d"].transform("nunique") > 1
    ).to_numpy()
    got = formulae_module._seen_in_two_documents(hashes, docs)
    np.testing.assert_array_equal(got, expected)
    assert got.any() and not got.all()


@settings(max_examples=40, deadline=None)
@given(st.lists(SMALL, min_size=2, max_size=6), st.integers(min_value=1, max_value=4))
def test_many_hash_buckets_give_the_same_occurrences(texts, min_length):
    from analysis.measures import formulae as formulae_module

    table = docs(**{f"d{i}": t for i, t in enumerate(texts)})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(formulae_module, "_HASHES_PER_BUCKET", 1)
        occ = formula_occurrences(table, min_length=min_length)
    pd.testing.assert_frame_equal(occ, _automaton_occurrences(table, min_length))

def test_more_distinct_characters_than_two_bytes_hold(monkeypatch):
    import random

    import pydivsufsort

    seen = []
    divsufsort = pydivsufsort.divsufsort
    monkeypatch.setattr(pydivsufsort, "divsufsort", lambda s: seen.append(s.dtype) or divsufsort(s))
    rnd = random.Random(3)
    # CJK unified ideographs and extensions A and B: more than 65,535 distinct characters.
    chars = [chr(c) for r in [(0x4E00, 0xA000), (0x3400, 0x4DC0), (0x20000, 0x2A6E0)]
             for c in range(*r)]
    assert len(chars) > 2**16
    rnd.shuffle(chars)
    body = "".join(chars)
    table = docs(a=body[:40000] + "。" + body[38000:], b=body[30000:] + body[:45000],
                 c=body[60000:] + "，" + body[:10])
    occ = formula_occurrences(table, min_length=3)
    assert seen == [np.dtype("uint32")]  # the string of the shared regions needs 4 bytes a code
    assert len(occ) > 0
    pd.testing.assert_frame_equal(occ, _automaton_occurrences(table, 3))


def test_long_runs_of_one_character(monkeypatch):
    # Runs make long chains of ever smaller common-prefix values: the nearest smaller values are
    # then finished by the O(n log n) search rather than by pointer jumping.
    from analysis.measures import formulae as module

    calls = []
    search = module._previous_smaller
    monkeypatch.setattr(module, "_previous_smaller", lambda h, ks: calls.append(len(ks)) or search(h, ks))
    # (癸 sorts after 甲, so 甲甲甲甲甲甲甲甲癸 follows all the runs in the suffix array.)
    table = docs(a="甲" * 3000 + "乙" + "甲" * 700 + "。甲甲甲甲甲甲甲甲癸",
                 b="丙" + "甲" * 2000 + "丁" + "甲" * 2999, c="甲乙" * 400 + "甲甲甲甲甲甲甲甲癸")
    occ = formula_occurrences(table, min_length=8)
    assert calls
    pd.testing.assert_frame_equal(occ, _automaton_occurrences(table, 8))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=300), st.booleans())
def test_nearest_smaller_values(values, left):
    from analysis.measures.formulae import _nearest_smaller, _previous_smaller

    h = np.array([0, *values, 0], dtype=np.int64)
    live = np.arange(1, len(h) - 1)
    step = -1 if left else 1
    expected = []
    for k in live:
        j = k + step
        while h[j] >= h[k]:
            j += step
        expected.append(j)
    assert _nearest_smaller(h, live, step).tolist() == expected
    if left:
        assert _previous_smaller(h, live).tolist() == expected
