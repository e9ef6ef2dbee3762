"""Engines: the same tables whether documents are processed here, in worker processes, or on a
dask.distributed cluster."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import METADATA, RAW

from analysis.cleaning_rules import load_cleaning_rules
from analysis.engine import DocumentWork, process_texts
from analysis.errors import InputError
from analysis.lexicon import load_slogans, load_userdict
from analysis.pipeline import build_corpus
from analysis.report import compute_tables
from analysis.segment import SegmenterConfig
from analysis.settings import load_settings

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
        ({"engine": "spark"}, "unknown engine 'spark'"),
        ({"jobs": 0}, "jobs must be"),
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


@pytest.mark.slow
def test_dask_local_cluster_produces_every_table_of_the_local_run(study_corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = build_corpus(
            RAW, METADATA, engine="dask", scheduler=cluster.scheduler_address, cache_dir=tmp_path
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
