"""Running the per-document stages on many documents: here, in worker processes, or on a cluster.

Each document goes through the same pure function, :func:`process_text`: clean the raw text,
then segment the cleaned text (or read its tokens from the cache). Documents are independent,
so they can be processed anywhere and in any order; results come back in input order, so the
tables never depend on how the work was spread:

* ``engine="local", jobs=1`` — in this process;
* ``engine="local", jobs=N`` — N worker processes on this machine, each loading the
  dictionaries once (``concurrent.futures.ProcessPoolExecutor``);
* ``engine="dask", scheduler=ADDRESS`` — the workers of a ``dask.distributed`` cluster. Each
  worker process builds its segmenter once (on its first document). The workers need this
  package installed (``pip install cpc-leadership-analysis[dask]`` or the project checkout);
  the token cache is read and written on the machine running each worker, so point
  ``ANALYSIS_CACHE`` at a shared file system for a cache the whole cluster shares.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pyarrow as pa

from analysis.clean import CleanedText, clean_text
from analysis.cleaning_rules import CleaningRules
from analysis.errors import InputError
from analysis.segment import Segmenter, SegmenterConfig, Segments, TokenCache
from analysis.sentences import sentence_spans

Engine = Literal["local", "dask"]
SMALL_CORPUS_CHARS = 500_000
ENGINES: tuple[Engine, ...] = ("local", "dask")


@dataclass(frozen=True)
class DocumentWork:
    """What every worker needs, sent once: the cleaning rules, the segmenter, the cache."""

    rules: CleaningRules
    config: SegmenterConfig
    cache_dir: str | None = None


class Processed(NamedTuple):
    """One document after cleaning, sentence splitting and segmentation.

    ``words`` holds the token strings as an Arrow array (cut from the text where the work is
    done, so the main process only concatenates); ``sentences`` is :func:`sentence_spans`.
    """

    cleaned: CleanedText
    segments: Segments
    sentences: np.ndarray
    words: pa.Array


_SEGMENTERS: dict[str, Segmenter] = {}  # one per process and configuration


def _segmenter(config: SegmenterConfig) -> Segmenter:
    segmenter = _SEGMENTERS.get(config.fingerprint)
    if segmenter is None:
        segmenter = _SEGMENTERS[config.fingerprint] = Segmenter(config)
    return segmenter


def process_text(raw: str, work: DocumentWork) -> Processed:
    """Clean one raw text and segment it, through the token cache when there is one."""
    cleaned = clean_text(raw, work.rules)
    cache = TokenCache(work.cache_dir) if work.cache_dir else None
    key = cache.key(work.config, cleaned.text) if cache is not None else ""
    segments = cache.get(key) if cache is not None else None
    if segments is None:
        segments = _segmenter(work.config).segment(cleaned.text)
        if cache is not None:
            cache.put(key, segments)
    words = pa.array(segments.words(cleaned.text), type=pa.string())
    return Processed(cleaned, segments, sentence_spans(cleaned.text), words)


def process_batch(raws: Sequence[str], work: DocumentWork) -> list[Processed]:
    """:func:`process_text` for several texts (one task on a cluster)."""
    return [process_text(raw, work) for raw in raws]


_WORK: DocumentWork | None = None


def _init_worker(work: DocumentWork) -> None:
    global _WORK
    _WORK = work
    _segmenter(work.config)  # load the dictionaries once, before the first document


def _process_in_worker(raw: str) -> Processed:
    if _WORK is None:  # an internal invariant: the pool initialiser always runs first
        raise RuntimeError("worker process was not initialised")
    return process_text(raw, _WORK)


def default_jobs() -> int:
    """The number of processes to use by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _batches(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def process_texts(
    raws: Sequence[str],
    work: DocumentWork,
    *,
    jobs: int | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
    progress: bool = False,
    connect_timeout: str = "30s",
) -> list[Processed]:
    """Process every raw text, in input order, with the chosen engine (see the module doc).

    ``jobs=None`` uses one process per CPU, except for a small corpus (under
    :data:`SMALL_CORPUS_CHARS` characters), where starting workers and loading their
    dictionaries costs more than it saves.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if jobs is None:
        jobs = default_jobs() if sum(map(len, raws)) >= SMALL_CORPUS_CHARS else 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InputError(f"jobs must be a whole number of at least 1, got {jobs!r}")
    if engine == "dask":
        return _process_on_dask(raws, work, scheduler, progress, connect_timeout)
    if scheduler is not None:
        raise InputError("--scheduler goes with --engine dask; add --engine dask or drop it")
    bar = _progress_bar(len(raws), progress)
    try:
        if jobs == 1 or len(raws) < 2:
            results = []
            for raw in raws:
                results.append(process_text(raw, work))
                bar.update(1)
            return results
        # Chunks big enough to keep inter-process traffic low, small enough to balance load.
        chunk = max(1, min(64, len(raws) // (jobs * 8)))
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(raws)), initializer=_init_worker, initargs=(work,)
        ) as pool:
            results = []
            for processed in pool.map(_process_in_worker, raws, chunksize=chunk):
                results.append(processed)
                bar.update(1)
            return results
    finally:
        bar.close()


def _process_on_dask(
    raws: Sequence[str],
    work: DocumentWork,
    scheduler: str | None,
    progress: bool,
    connect_timeout: str,
) -> list[Processed]:
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise InputError(
            "the dask engine needs dask.distributed: pip install -e '.[dask]' (and the same on "
            "every worker)"
        ) from exc
    if not scheduler:
        raise InputError(
            "--engine dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786, from "
            "`dask scheduler`)"
        )
    try:
        client = Client(scheduler, timeout=connect_timeout, set_as_default=False)
    except OSError as exc:
        raise InputError(
            f"cannot reach the dask scheduler at {scheduler} ({exc}); start it with "
            "`dask scheduler` and workers with `dask worker ADDRESS`, or check the address"
        ) from exc
    try:
        [work_future] = client.scatter([work], broadcast=True)
        size = max(1, min(64, len(raws) // (8 * max(1, len(client.nthreads()))) or 1))
        futures = client.map(
            process_batch, list(_batches(raws, size)), work=work_future, pure=False
        )
        bar = _progress_bar(len(futures), progress, unit="batch")
        results: list[list[Processed]] = []
        for future in futures:  # in submission order, so the output order is the input order
            results.append(future.result())
            bar.update(1)
        bar.close()
        return [processed for batch in results for processed in batch]
    finally:
        client.close()


def _progress_bar(total: int, enabled: bool, unit: str = "doc"):
    from tqdm.auto import tqdm

    return tqdm(
        total=total, desc="cleaning and segmenting", unit=unit, disable=not enabled or total < 2
    )
