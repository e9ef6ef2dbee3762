"""Engines: the same tables whether documents are processed here, in worker processes, or on a
dask.distributed cluster."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import psutil
import pytest
from conftest import METADATA, RAW

from analysis.config.cleaning_rules import load_cleaning_rules
from analysis.config.lexicon import load_slogans, load_userdict
from analysis.config.settings import load_settings
from analysis.corpus.build import build_corpus
from analysis.corpus.engine import DocumentWork, process_texts, return_free_memory
from analysis.corpus.segment import SegmenterConfig
from analysis.errors import InputError
from analysis.run.tables import compute_tables

WORK = DocumentWork(
    load_cleaning_rules(), SegmenterConfig.from_lexicons(load_userdict(), load_slogans())
)
TEXTS = ["時間:2022-10-20\n堅持民主集中制，加強團結。", "“一把手”要带头。\n\n第二段，讲团结。", "GDP"]


def same(a, b) -> bool:
    return all(
        x.cleaned == y.cleaned and x.segments.same_as(y.segments) for x, y in zip(a, b, strict=True)
    )


def assert_same_tables(one, two):
    for name in ("documents", "cleaning_log", "sentences", "tokens", "mentions"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), obj=name)


def test_worker_processes_give_the_same_results_in_order():
    serial = process_texts(TEXTS, WORK, jobs=1)
    assert serial[0].cleaned.text == "坚持民主集中制，加强团结。"
    assert same(process_texts(TEXTS, WORK, jobs=2), serial)


def test_cache_in_workers(tmp_path):
    work = DocumentWork(WORK.rules, WORK.config, str(tmp_path))
    first = process_texts(TEXTS, work, jobs=2)
    assert len(list(tmp_path.rglob("*.parquet"))) == 3
    assert same(process_texts(TEXTS, work, jobs=2), first)


def test_build_corpus_in_parallel_gives_identical_tables(study_corpus, cache_dir, tmp_path):
    parallel = build_corpus(RAW, METADATA, jobs=2, cache_dir=tmp_path)  # cold cache
    assert_same_tables(parallel, study_corpus)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "spark"}, "process_texts: engine must be one of 'local', 'dask', got 'spark'"),
        ({"jobs": 0}, "process_texts: jobs must be a whole number ≥ 1, got 0"),
        ({"jobs": 1.5}, "process_texts: jobs must be a whole number"),
        ({"scheduler": "tcp://127.0.0.1:8786"}, "goes with --engine dask"),
        ({"engine": "dask"}, "needs --scheduler"),
    ],
)
def test_engine_options_are_checked(options, message):
    with pytest.raises(InputError, match=message):
        process_texts(TEXTS, WORK, **options)


def test_an_unreachable_scheduler_is_a_clear_error():
    pytest.importorskip("distributed")
    with pytest.raises(InputError, match="cannot reach the dask scheduler"):
        process_texts(TEXTS, WORK, engine="dask", scheduler="tcp://127.0.0.1:9", connect_timeout="2s")


@pytest.fixture(scope="module")
def dask_scheduler():
    """A dask.distributed LocalCluster of two worker processes, started once for the tests that
    use it (they share one pytest-xdist worker: ON_THE_CLUSTER); its scheduler's address."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def ON_THE_CLUSTER(test):
    return pytest.mark.slow(pytest.mark.xdist_group("dask_cluster")(test))


@ON_THE_CLUSTER
def test_dask_local_cluster_produces_every_table_of_the_local_run(
    study_corpus, tmp_path, dask_scheduler
):
    on_dask = build_corpus(
        RAW, METADATA, engine="dask", scheduler=dask_scheduler, cache_dir=tmp_path
    )
    assert_same_tables(on_dask, study_corpus)
    settings = load_settings()
    local = compute_tables(study_corpus, settings)
    on_cluster = compute_tables(on_dask, settings)
    local_tables, local_network = local.tables, local.network
    dask_tables, dask_network = on_cluster.tables, on_cluster.network
    assert local_tables.keys() == dask_tables.keys()
    for name in local_tables:
        pd.testing.assert_frame_equal(dask_tables[name], local_tables[name], obj=name)
    assert sorted(dask_network.edges(data=True)) == sorted(local_network.edges(data=True))


# --- two passes: shared boilerplate ------------------------------------------------------------

FOOTER_TEXTS = [f"第{i}篇：加强领导班子团结。\n\n本作品属于公有领域\n。\n" for i in range(5)] + [
    "第5篇：坚持民主集中制。"
]


def test_the_second_pass_cleans_again_only_the_documents_with_shared_lines():
    from analysis.corpus.boilerplate import with_shared_lines
    from analysis.corpus.clean import clean_text
    from analysis.corpus.engine import process_corpus_texts

    processed, found = process_corpus_texts(FOOTER_TEXTS, WORK, jobs=1)
    assert found.lines == frozenset({"本作品属于公有领域", "。"})
    assert found.documents == (0, 1, 2, 3, 4)
    again = with_shared_lines(WORK.rules, found)
    assert [p.cleaned for p in processed[:5]] == [clean_text(t, again) for t in FOOTER_TEXTS[:5]]
    assert processed[5].cleaned == clean_text(FOOTER_TEXTS[5], WORK.rules)
    assert [p.cleaned.text for p in processed] == [
        *(f"第{i}篇：加强领导班子团结。" for i in range(5)),
        "第5篇：坚持民主集中制。",
    ]
    assert same(process_corpus_texts(FOOTER_TEXTS, WORK, jobs=2).processed, processed)


def test_without_the_rule_or_with_few_documents_there_is_one_pass():
    from dataclasses import replace

    from analysis.corpus.engine import process_corpus_texts

    off = DocumentWork(replace(WORK.rules, shared_boilerplate=None), WORK.config)
    processed, found = process_corpus_texts(FOOTER_TEXTS, off, jobs=1)
    assert found is None
    assert same(processed, process_texts(FOOTER_TEXTS, off, jobs=1))
    processed, found = process_corpus_texts(FOOTER_TEXTS[:4], WORK, jobs=1)
    assert found.lines == frozenset() and found.n_documents == 4
    assert same(processed, process_texts(FOOTER_TEXTS[:4], WORK, jobs=1))


def footer_corpus(folder):
    folder.mkdir()
    for i, text in enumerate(FOOTER_TEXTS):
        (folder / f"d{i}.txt").write_text(text, encoding="utf-8")
    return folder


def test_two_passes_give_identical_tables_for_any_number_of_processes(tmp_path):
    texts = footer_corpus(tmp_path / "t")
    serial = build_corpus(texts, jobs=1, cache_dir=tmp_path / "c1")
    parallel = build_corpus(texts, jobs=2, cache_dir=tmp_path / "c2")
    assert_same_tables(parallel, serial)
    pd.testing.assert_frame_equal(parallel.boilerplate, serial.boilerplate)
    assert serial.boilerplate["n_docs_removed"].tolist() == [5, 5]
    assert (serial.cleaning_log["rule"] == "shared_boilerplate").sum() == 10


@ON_THE_CLUSTER
def test_two_passes_on_a_dask_cluster_give_the_local_tables(tmp_path, dask_scheduler):
    texts = footer_corpus(tmp_path / "t")
    local = build_corpus(texts, jobs=1, cache_dir=tmp_path / "c1")
    on_dask = build_corpus(
        texts, engine="dask", scheduler=dask_scheduler, cache_dir=tmp_path / "c2"
    )
    assert_same_tables(on_dask, local)
    pd.testing.assert_frame_equal(on_dask.boilerplate, local.boilerplate)
    assert (on_dask.cleaning_log["rule"] == "shared_boilerplate").sum() == 10


def test_a_run_the_caches_hold_starts_no_worker(tmp_path, monkeypatch):
    """With every cleaning and every token cached, ``jobs=2`` reads them here: starting workers
    (each loading the dictionaries) and sending every token back would cost more than reading."""
    from analysis.corpus import engine

    work = DocumentWork(WORK.rules, WORK.config, str(tmp_path / "t"), str(tmp_path / "c"))
    cold = engine.process_corpus_texts(FOOTER_TEXTS, work, jobs=2).processed
    second = [*FOOTER_TEXTS, "第6篇：新加的一篇。"]

    class NoWorkers:
        def __init__(self, *args, **kwargs):
            raise AssertionError("a worker process was started for cached documents")

    monkeypatch.setattr(engine, "ProcessPoolExecutor", NoWorkers)
    warm = engine.process_corpus_texts(FOOTER_TEXTS, work, jobs=2).processed
    assert same(warm, cold)
    assert [p.cleaned for p in warm] == [p.cleaned for p in cold]
    # one document added: the others are read, the new one is processed here
    added = engine.process_corpus_texts(second, work, jobs=2).processed
    uncached = DocumentWork(WORK.rules, WORK.config)
    assert same(added, engine.process_corpus_texts(second, uncached, jobs=1).processed)
    assert [p.words.to_pylist() for p in added] == [
        p.words.to_pylist() for p in engine.process_corpus_texts(second, uncached, jobs=1).processed
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_return_free_memory_gives_freed_heap_back_to_the_system():
    """Small blocks freed in the middle of the C heap stay resident until malloc_trim: 60 MB of
    2 KB arrays, every 64th kept (so the heap's top cannot shrink by itself)."""
    process = psutil.Process()
    blocks = [np.ones(256) for _ in range(30_000)]  # 2 KB of data each, from malloc
    kept = blocks[::64]
    del blocks
    before = process.memory_info().rss
    return_free_memory()
    after = process.memory_info().rss
    assert len(kept) == 469
    assert before - after > 30 * 2**20, (before, after)


ARROW_POOL = """
import pyarrow as pa
from analysis.corpus.engine import use_heap_for_arrow
changed = use_heap_for_arrow()
print(changed, pa.default_memory_pool().backend_name)
"""


@pytest.mark.parametrize(
    ("chosen", "expected"), [(None, "True system"), ("mimalloc", "False mimalloc")]
)
def test_arrow_gets_the_c_heap_unless_the_environment_chooses_a_pool(chosen, expected):
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    done = subprocess.run(
        [sys.executable, "-c", ARROW_POOL], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split("\n")[0] == expected


def test_the_run_command_gives_arrow_the_c_heap(tmp_path):
    import os
    import subprocess

    from conftest import two_short_texts

    texts = two_short_texts(tmp_path / "T")
    script = (
        "import sys, pyarrow as pa\n"
        "from analysis.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(code, pa.default_memory_pool().backend_name)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    env["ANALYSIS_CACHE"] = str(tmp_path / "cache")
    run = ["run", "--texts", str(texts), "--out", str(tmp_path / "o"), "--no-figures", "--quiet"]
    done = subprocess.run(
        [sys.executable, "-c", script, *run, "--no-notebooks"],
        env=env, capture_output=True, text=True, check=True, cwd=tmp_path,
    )
    assert done.stdout.split("\n")[-2] == "0 system", done.stdout[-500:]
