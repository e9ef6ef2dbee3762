"""The corpus cache: a rerun on the same corpus reads back exactly the tables it built, and any
change to what they depend on builds them again."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analysis.config.cleaning_rules import load_cleaning_rules
from analysis.config.lexicon import parse_slogans
from analysis.corpus.build import build_corpus
from analysis.corpus.corpus_cache import KEEP, TABLES, CorpusCache, corpus_key
from analysis.corpus.load import load_corpus
from analysis.corpus.segment import SegmenterConfig

LEXICON = parse_slogans(
    {"slogans": [{"name": "团结", "variants": ["团结"]}, {"name": "一把手", "variants": ["一把手"]}]},
    source="test lexicon",
)
TEXTS = {
    "a.txt": "我们要加强团结，坚持民主集中制。\n班子要团结。",
    "b.txt": "一把手要带头讲团结。",
    "c.txt": "領導班子要團結。",
}
METADATA = "doc_id,file,title,year\nalpha,a.txt,甲,2001\nbeta,b.txt,,2012\ngamma,c.txt,丙,\n"


def write_corpus(root: Path, texts: dict[str, str] = TEXTS) -> Path:
    folder = root / "texts"
    folder.mkdir(parents=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def metadata_file(root: Path) -> Path:
    (root / "meta.csv").write_text(METADATA, encoding="utf-8")
    return root / "meta.csv"


def assert_same_corpus(left, right) -> None:
    for name in TABLES:
        a, b = getattr(left, name), getattr(right, name)
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)
        assert type(a.index) is type(b.index), name
        for column in a.columns:
            if a[column].dtype == object:  # the same kind of missing value, cell by cell
                assert [type(v) for v in a[column]] == [type(v) for v in b[column]], column


def entries(cache: Path) -> list[Path]:
    return CorpusCache(cache / "corpus").entries()


def test_a_rerun_reads_back_exactly_the_tables_it_built(tmp_path):
    texts, meta = write_corpus(tmp_path), metadata_file(tmp_path)
    cache = tmp_path / "cache"
    built = build_corpus(texts, meta, slogans=LEXICON, cache_dir=cache)
    assert len(entries(cache)) == 1
    # metadata columns the file lacks are object columns of missing values
    assert built.documents["level"].dtype == object
    # Without the per-document caches, only the corpus cache can give the tables back: a rerun
    # that built them again would write those caches anew.
    shutil.rmtree(cache / "tokens")
    shutil.rmtree(cache / "cleaned")
    again = build_corpus(texts, meta, slogans=LEXICON, cache_dir=cache)
    assert not (cache / "tokens").exists() and not (cache / "cleaned").exists()
    assert_same_corpus(again, built)
    uncached = build_corpus(texts, meta, slogans=LEXICON, use_cache=False)
    assert_same_corpus(again, uncached)
    assert again.slogans is LEXICON  # what the tables were made with comes from this call


KEY_INPUTS = dict(
    rules=load_cleaning_rules(),
    config=SegmenterConfig.from_lexicons([], LEXICON),
    slogans=LEXICON,
    stopwords=frozenset({"的", "了"}),
)


def test_the_key_follows_every_input_of_the_tables(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path))
    key = corpus_key(corpus, **KEY_INPUTS)
    assert corpus_key(corpus.copy(), **KEY_INPUTS) == key

    def changed(**change) -> str:
        return corpus_key(corpus, **{**KEY_INPUTS, **change})

    edited = corpus.copy()
    edited.loc[1, "raw_text"] += "。"
    renamed = corpus.copy()
    renamed.loc[0, "doc_id"] = "a2"
    as_number = corpus.assign(year=[1, 2, 3])
    as_text = corpus.assign(year=["1", "2", "3"])
    other_slogans = parse_slogans(
        {"slogans": [{"name": "团结", "variants": ["团结", "團結"]}]}, source="other"
    )
    rules = KEY_INPUTS["rules"]
    assert len({
        key,
        corpus_key(edited, **KEY_INPUTS),
        corpus_key(renamed, **KEY_INPUTS),
        corpus_key(as_number, **KEY_INPUTS),
        corpus_key(as_text, **KEY_INPUTS),
        changed(stopwords=frozenset({"的"})),
        changed(slogans=other_slogans),
        changed(rules=replace(rules, header_max_chars=rules.header_max_chars + 1)),
        changed(config=replace(KEY_INPUTS["config"], hmm=False)),
    }) == 9
    # where the rules and slogans were read from does not change the tables
    assert changed(rules=replace(rules, source="elsewhere.yml")) == key
    assert changed(slogans=replace(LEXICON, source="elsewhere.yml")) == key


def test_the_key_is_the_same_in_another_process(tmp_path):
    texts = write_corpus(tmp_path)
    script = (
        "import sys\n"
        "from analysis.config.cleaning_rules import load_cleaning_rules\n"
        "from analysis.config.lexicon import parse_slogans\n"
        "from analysis.corpus.corpus_cache import corpus_key\n"
        "from analysis.corpus.load import load_corpus\n"
        "from analysis.corpus.segment import SegmenterConfig\n"
        "lexicon = parse_slogans({'slogans': [{'name': '团结', 'variants': ['团结']},\n"
        "    {'name': '一把手', 'variants': ['一把手']}]}, source='test lexicon')\n"
        "print(corpus_key(load_corpus(sys.argv[1]), rules=load_cleaning_rules(),\n"
        "    config=SegmenterConfig.from_lexicons([], lexicon), slogans=lexicon,\n"
        "    stopwords=frozenset({'的', '了'})))\n"
    )
    expected = corpus_key(load_corpus(texts), **KEY_INPUTS)
    for seed in ("1", "2"):  # set order differs between processes: the key must not
        out = subprocess.run(
            [sys.executable, "-c", script, str(texts)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == expected


def test_every_kind_of_missing_value_in_an_object_column_is_read_back(tmp_path):
    # Arrow keeps one kind of missing value; an object column can hold four
    documents = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e"],
            "note": pd.Series(["说明", None, pd.NA, math.nan, pd.NaT], dtype=object),
        }
    )
    tables = {name: pd.DataFrame({"x": [1, 2]}) for name in TABLES} | {"documents": documents}
    cache = CorpusCache(tmp_path)
    assert cache.put("k", tables, [("UserWarning", "said once")])
    back = cache.get("k")
    note = back.tables["documents"]["note"].tolist()
    assert note[0] == "说明" and note[1] is None and note[2] is pd.NA and note[4] is pd.NaT
    assert isinstance(note[3], float) and math.isnan(note[3])
    pd.testing.assert_frame_equal(back.tables["documents"], documents, check_exact=True)
    assert back.warnings == [("UserWarning", "said once")]


def test_tables_arrow_cannot_hold_exactly_are_not_stored(tmp_path):
    mixed = pd.DataFrame({"doc_id": ["a", "b"], "value": pd.Series([1, "二"], dtype=object)})
    tables = {name: pd.DataFrame({"x": [1, 2]}) for name in TABLES} | {"documents": mixed}
    cache = CorpusCache(tmp_path)
    assert not cache.put("k", tables)
    assert cache.get("k") is None
    assert list(tmp_path.iterdir()) == []  # nothing half-written left


def test_a_damaged_entry_is_a_miss_and_is_replaced(tmp_path):
    texts = write_corpus(tmp_path)
    cache = tmp_path / "cache"
    built = build_corpus(texts, slogans=LEXICON, cache_dir=cache)
    [entry] = entries(cache)
    (entry / "tokens.arrow").write_bytes(b"not arrow")
    again = build_corpus(texts, slogans=LEXICON, cache_dir=cache)
    assert_same_corpus(again, built)
    [replaced] = entries(cache)
    assert replaced.name == entry.name and (replaced / "tokens.arrow").stat().st_size > 9
    (entry / "entry.json").write_text("{not json", encoding="utf-8")
    assert_same_corpus(build_corpus(texts, slogans=LEXICON, cache_dir=cache), built)


def test_only_the_most_recently_used_entries_are_kept(tmp_path):
    cache = tmp_path / "cache"
    corpora = []
    for i in range(KEEP + 1):
        texts = write_corpus(tmp_path / f"c{i}", {"a.txt": f"第{i}篇：班子要团结。"})
        corpora.append(texts)
        build_corpus(texts, slogans=LEXICON, cache_dir=cache)
        if i == 0:
            first = entries(cache)[0]
            (cache / "corpus" / "notes.txt").write_text("mine", encoding="utf-8")
        if i == 1:
            build_corpus(corpora[0], slogans=LEXICON, cache_dir=cache)  # used again: kept
    kept = entries(cache)
    assert len(kept) == KEEP
    assert first in kept
    assert (cache / "corpus" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in (cache / "corpus").iterdir() if p.name.startswith(".")) == []


def test_what_a_killed_run_left_is_removed_once_it_is_old(tmp_path):
    cache = tmp_path / "cache"
    stale, live = cache / "corpus" / ".entry-stale", cache / "corpus" / ".entry-live"
    for folder in (stale, live):
        folder.mkdir(parents=True)
        (folder / "tokens.arrow").write_bytes(b"half written")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    build_corpus(write_corpus(tmp_path), slogans=LEXICON, cache_dir=cache)
    assert not stale.exists()
    assert live.exists()  # perhaps another run, storing an entry right now
    assert len(entries(cache)) == 1


def test_the_warnings_of_the_build_are_given_again_when_read_back(tmp_path):
    texts = write_corpus(tmp_path)
    meta = pd.DataFrame({"doc_id": ["alpha"], "file": ["a.txt"], "script": ["traditional"]})
    cache = tmp_path / "cache"
    for _ in range(2):  # built, then read back
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            build_corpus(texts, meta, slogans=LEXICON, cache_dir=cache)
        said = [str(w.message) for w in caught if "metadata says script" in str(w.message)]
        assert said == ["alpha: metadata says script 'traditional' but the text reads as "
                        "'simplified'; the detected script is used"]
    assert len(entries(cache)) == 1


def test_a_cache_that_cannot_be_written_still_gives_the_tables(tmp_path):
    texts = write_corpus(tmp_path)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    with pytest.warns(UserWarning, match="cache"):
        corpus = build_corpus(texts, slogans=LEXICON, cache_dir=blocked)
    assert_same_corpus(corpus, build_corpus(texts, slogans=LEXICON, use_cache=False))
