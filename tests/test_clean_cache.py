"""The cleaning cache: the same results as cleaning, keyed by everything that changes them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pandas as pd
from conftest import METADATA, RAW, without_corpus_cache

from analysis.config.cleaning_rules import load_cleaning_rules, rules_fingerprint
from analysis.corpus.boilerplate import find_shared_boilerplate, with_shared_lines
from analysis.corpus.build import build_corpus
from analysis.corpus.clean import clean_text
from analysis.corpus.clean_cache import CleaningCache, clean_text_cached
from analysis.corpus.load import load_corpus

RULES = load_cleaning_rules()
RAW_TEXT = "時間:2022-10-20\n堅持民主集中制，加強團結。\n\n责任编辑：张三\n"


def stored_files(folder):
    return sorted(folder.rglob("*.json"))


def test_a_cached_result_is_the_cleaned_result_and_is_read_back(tmp_path):
    first = clean_text_cached(RAW_TEXT, RULES, str(tmp_path))
    assert first == clean_text(RAW_TEXT, RULES)
    assert first.edits  # the example has something to remove, so the edits round-trip
    [path] = stored_files(tmp_path)
    # The second call reads the file: what it returns is what the file holds.
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["text"] = "从缓存读出"
    path.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    assert clean_text_cached(RAW_TEXT, RULES, str(tmp_path)).text == "从缓存读出"


def test_the_key_follows_the_text_and_every_rule_but_not_where_the_rules_came_from():
    cache = CleaningCache("unused")
    key = cache.key(RAW_TEXT, RULES)
    assert cache.key(RAW_TEXT + "。", RULES) != key
    assert cache.key(RAW_TEXT, replace(RULES, header_max_chars=41)) != key
    assert cache.key(RAW_TEXT, replace(RULES, opencc_config="hk2s")) != key
    assert cache.key(RAW_TEXT, replace(RULES, shared_lines=frozenset({"责任编辑张三"}))) != key
    assert cache.key(RAW_TEXT, replace(RULES, source="elsewhere/cleaning.yml")) == key


def test_the_rules_fingerprint_is_the_same_in_another_process():
    found = find_shared_boilerplate(["甲\n共同的一行文字很长很长\n"] * 6 + ["乙\n"], min_docs=5)
    rules = with_shared_lines(RULES, found)
    assert rules.shared_lines  # set order differs between processes: the digest must not
    script = (
        "from analysis.config.cleaning_rules import load_cleaning_rules, rules_fingerprint\n"
        "from analysis.corpus.boilerplate import find_shared_boilerplate, with_shared_lines\n"
        "found = find_shared_boilerplate(['甲\\n共同的一行文字很长很长\\n'] * 6 + ['乙\\n'], min_docs=5)\n"
        "print(rules_fingerprint(with_shared_lines(load_cleaning_rules(), found)))\n"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == rules_fingerprint(rules)


def test_a_damaged_file_is_a_miss_and_is_rewritten(tmp_path):
    clean_text_cached(RAW_TEXT, RULES, str(tmp_path))
    [path] = stored_files(tmp_path)
    path.write_bytes(b"\x00not json")
    assert clean_text_cached(RAW_TEXT, RULES, str(tmp_path)) == clean_text(RAW_TEXT, RULES)
    assert json.loads(path.read_text(encoding="utf-8"))["text"] == clean_text(RAW_TEXT, RULES).text


def test_a_folder_that_cannot_be_written_still_gives_the_result(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    assert clean_text_cached(RAW_TEXT, RULES, str(blocked)) == clean_text(RAW_TEXT, RULES)


def test_a_run_from_the_cleaning_cache_gives_the_same_tables(study_corpus, tmp_path):
    # A build fills the per-document caches; without the corpus cache, a second build reads the
    # first pass of each text from the cleaning cache rather than writing it again (a write is a
    # new inode).
    build_corpus(RAW, METADATA, cache_dir=tmp_path)
    cache = CleaningCache(tmp_path / "cleaned")
    plain = replace(study_corpus.cleaning_rules, shared_lines=frozenset(),
                    shared_common_lines=frozenset())
    paths = [cache.path(cache.key(raw, plain)) for raw in load_corpus(RAW, METADATA)["raw_text"]]
    inodes = [path.stat().st_ino for path in paths]
    warm = build_corpus(RAW, METADATA, cache_dir=without_corpus_cache(tmp_path))
    assert [path.stat().st_ino for path in paths] == inodes
    for name in ("documents", "cleaning_log", "sentences", "tokens", "mentions", "boilerplate"):
        pd.testing.assert_frame_equal(getattr(warm, name), getattr(study_corpus, name), obj=name)
