"""Running the per-document stages on many documents: here, in worker processes, or on a cluster.

Each document goes through the same pure function, :func:`process_text`: clean the raw text,
then segment the cleaned text (or read its tokens from the cache). Documents are independent,
so they can be processed anywhere and in any order; results come back in input order, so the
tables never depend on how the work was spread:

* ``engine="local", jobs=1`` — in this process;
* ``engine="local", jobs=N`` — N worker processes on this machine, each loading the
  dictionaries once (``concurrent.futures.ProcessPoolExecutor``). Documents the caches already
  hold are read here first and only the others go to workers, so a run the caches hold
  entirely starts none;
* ``engine="dask", scheduler=ADDRESS`` — the workers of a ``dask.distributed`` cluster. Each
  worker process builds its segmenter once (on its first document). The workers need this
  package installed (``pip install cpc-leadership-analysis[dask]`` or the project checkout);
  the token cache is read and written on the machine running each worker, so point
  ``ANALYSIS_CACHE`` at a shared file system for a cache the whole cluster shares.

Shared boilerplate (:mod:`analysis.corpus.boilerplate`) is a property of the corpus, not of one
document, so :func:`process_corpus_texts` makes two passes over the documents: it cleans every
document (:func:`clean_texts`, the same map), finds the lines the cleaned texts share, then
cleans again and segments the documents that have shared lines to remove, and segments the
others as the first pass left them. Both passes run on the chosen engine; the shared lines are
found in this process from the results in input order, so they never depend on the engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal, NamedTuple

import numpy as np
import pyarrow as pa

from analysis.checks import check_choice, check_int
from analysis.config.cleaning_rules import CleaningRules
from analysis.corpus.boilerplate import (
    SharedBoilerplate,
    find_shared_boilerplate,
    no_shared_boilerplate,
    with_shared_lines,
)
from analysis.corpus.clean import CleanedText
from analysis.corpus.clean_cache import cached_cleaning, clean_text_cached
from analysis.corpus.segment import SegmenterConfig, Segments, TokenCache, shared_segmenter
from analysis.corpus.sentences import sentence_spans
from analysis.errors import InputError

Engine = Literal["local", "dask"]
SMALL_CORPUS_CHARS = 500_000
ENGINES: tuple[Engine, ...] = ("local", "dask")


@dataclass(frozen=True)
class DocumentWork:
    """What every worker needs, sent once: the cleaning rules, the segmenter, the caches."""

    rules: CleaningRules
    config: SegmenterConfig
    cache_dir: str | None = None
    #: Where cleaned texts are cached (:mod:`analysis.corpus.clean_cache`); ``None``: nowhere.
    cleaning_cache_dir: str | None = None


class Processed(NamedTuple):
    """One document after cleaning, sentence splitting and segmentation.

    ``words`` holds the token strings as an Arrow array (cut from the text where the work is
    done, so the main process only concatenates); ``sentences`` is :func:`sentence_spans`.
    """

    cleaned: CleanedText
    segments: Segments
    sentences: np.ndarray
    words: pa.Array
    #: Why the tokens could not be written to the cache (the folder vanished, the disk is
    #: full); the run goes on without, and says so once.
    cache_problem: str | None = None


def process_text(raw: str, work: DocumentWork) -> Processed:
    """Clean one raw text and segment it, through the caches when there are some."""
    return segment_cleaned(clean_text_cached(raw, work.rules, work.cleaning_cache_dir), work)


def segment_cleaned(cleaned: CleanedText, work: DocumentWork) -> Processed:
    """Split and segment a text already cleaned, through the token cache when there is one."""
    cache = TokenCache(work.cache_dir) if work.cache_dir else None
    key = cache.key(work.config, cleaned.text) if cache is not None else ""
    segments = cache.get(key) if cache is not None else None
    problem = None
    if segments is None:
        segments = shared_segmenter(work.config).segment(cleaned.text)
        if cache is not None:
            try:
                cache.put(key, segments)
            except OSError as exc:  # a cache is only a cache: the run needs the tokens
                problem = f"{exc.filename or cache.folder}: {exc.strerror or exc}"
    return _processed(cleaned, segments, problem)


def _processed(cleaned: CleanedText, segments: Segments, problem: str | None = None) -> Processed:
    words = segments.word_array(cleaned.text)
    return Processed(cleaned, segments, sentence_spans(cleaned.text), words, problem)


def process_batch(raws: Sequence[str], work: DocumentWork) -> list[Processed]:
    """:func:`process_text` for several texts (one task on a cluster)."""
    return [process_text(raw, work) for raw in raws]


class _Cleaned(NamedTuple):
    """A document the first pass cleaned for good: only its text travels to be segmented (the
    caller puts its cleaning result back), which spares sending the edits there and back."""

    text: str


def _process_item(item: str | _Cleaned, work: DocumentWork) -> Processed:
    if isinstance(item, _Cleaned):
        return segment_cleaned(CleanedText(item.text, "", "none", ()), work)
    return process_text(item, work)


class _CleaningWork(NamedTuple):
    rules: CleaningRules
    cache_dir: str | None = None


def _clean_item(raw: str, work: _CleaningWork) -> CleanedText:
    return clean_text_cached(raw, work.rules, work.cache_dir)


def _cached_process_item(item: str | _Cleaned, work: DocumentWork) -> Processed | None:
    """:func:`_process_item` when the caches hold all of it, else ``None``."""
    if work.cache_dir is None:
        return None
    if isinstance(item, _Cleaned):
        cleaned: CleanedText | None = CleanedText(item.text, "", "none", ())
    elif work.cleaning_cache_dir is None:
        return None
    else:
        cleaned = cached_cleaning(item, work.rules, work.cleaning_cache_dir)
    if cleaned is None:
        return None
    cache = TokenCache(work.cache_dir)
    segments = cache.get(cache.key(work.config, cleaned.text))
    return None if segments is None else _processed(cleaned, segments)


def _cached_clean_item(raw: str, work: _CleaningWork) -> CleanedText | None:
    return None if work.cache_dir is None else cached_cleaning(raw, work.rules, work.cache_dir)


# Reading a cached result here costs less than sending it back from a worker, and a run whose
# every document is cached starts no worker (nor loads a dictionary) at all.
_CACHE_LOOKUPS: dict[Callable, Callable[[Any, Any], Any]] = {
    _process_item: _cached_process_item,
    _clean_item: _cached_clean_item,
}


def _call_batch(items: Sequence[Any], function: Callable, payload: Any) -> list:
    """``function(item, payload)`` for each item (one task on a cluster)."""
    return [function(item, payload) for item in items]


_PAYLOAD: Any = None  # what the pool's initialiser gave this worker process


def _init_worker(payload: Any, segmenting: bool) -> None:
    global _PAYLOAD
    _PAYLOAD = payload
    if segmenting:
        shared_segmenter(payload.config)  # load the dictionaries before the first document


def _in_worker(function: Callable, item: Any) -> Any:
    if _PAYLOAD is None:  # an internal invariant: the pool initialiser always runs first
        raise RuntimeError("worker process was not initialised")
    return function(item, _PAYLOAD)


def die_with_parent(parent: int) -> None:
    """Initialiser of a worker process: end it when the process that started it ends, even by
    SIGKILL (Linux ``PR_SET_PDEATHSIG``), so that no orphan of a killed run goes on writing into
    a staging folder the next run has cleared."""
    import contextlib
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):  # not Linux: the run's clean-up has to do
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent ended before the line above took effect
        os._exit(1)


def return_free_memory() -> None:
    """Give the memory this process has freed back to the system: Python's garbage, Arrow's
    pool (pandas text columns) and, on Linux, the C heap (``malloc_trim``). Called before
    worker processes fork, so that they do not start out mapping heap the run no longer uses
    (a forked worker's resident memory counts every page it shares with its parent)."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing more to give back
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def use_heap_for_arrow() -> bool:
    """Make the C heap (``malloc``) Arrow's memory pool in this process, unless the
    ``ARROW_DEFAULT_MEMORY_POOL`` environment variable already chooses one; return whether it
    changed. For a whole run of the command line, not on import: it is process-wide.

    Arrow's default pool, mimalloc, keeps the pages it frees. On the evening news (1,423
    documents) the corpus read back from the cache left 866 MB resident (USS) with mimalloc and
    576 MB with the heap, and after the tables were deleted 648 MB against 166 MB: mimalloc's
    ``release_unused`` gives back only part, where the heap returns it to ``malloc_trim`` (see
    :func:`return_free_memory`). The run's time does not change (``benchmarks/RESULTS.md``)."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return False
    pa.set_memory_pool(pa.system_memory_pool())
    return True


def default_jobs() -> int:
    """The number of processes to use by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _batches(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


class ProcessedCorpus(NamedTuple):
    """:func:`process_corpus_texts`: each document's result in input order, and the shared
    boilerplate found (``None`` when ``shared_boilerplate`` is switched off in the rules)."""

    processed: list[Processed]
    boilerplate: SharedBoilerplate | None


def process_corpus_texts(
    raws: Sequence[str],
    work: DocumentWork,
    *,
    jobs: int | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
    progress: bool = False,
    connect_timeout: str = "30s",
) -> ProcessedCorpus:
    """Process every raw text of a corpus, removing the boilerplate its documents share.

    Pass 1 cleans every document (without shared lines); :func:`find_shared_boilerplate` finds
    the shared lines in the cleaned texts with the thresholds of ``work.rules``; pass 2 cleans
    again, with those lines, the documents that have some to remove and segments every
    document. The others keep their first cleaning, which is what cleaning them again would
    give. With fewer documents than ``min_docs`` this is one pass of :func:`process_texts`
    without shared lines; with ``shared_boilerplate`` switched off (``None``), one pass with
    ``work.rules`` as they are. Options as for :func:`process_texts`; results
    in input order, the same for any ``jobs`` and engine.
    """
    jobs = _check_options(raws, jobs, engine, scheduler, "process_corpus_texts")
    settings = work.rules.shared_boilerplate
    plain = replace(work.rules, shared_lines=frozenset(), shared_common_lines=frozenset())
    with _mapper(engine, jobs, scheduler, progress, connect_timeout) as run:
        if settings is None:  # the rules are used as they are
            return ProcessedCorpus(
                run(_process_item, raws, work, "cleaning and segmenting", True), None
            )
        if len(raws) < settings.min_docs:
            work = replace(work, rules=plain)
            processed = run(_process_item, raws, work, "cleaning and segmenting", True)
            return ProcessedCorpus(processed, no_shared_boilerplate(len(raws), settings.min_chars))
        first: list[CleanedText] = run(
            _clean_item, raws, _CleaningWork(plain, work.cleaning_cache_dir), "cleaning", False
        )
        found = find_shared_boilerplate(
            [cleaned.text for cleaned in first],
            min_share=settings.min_share,
            min_docs=settings.min_docs,
            min_chars=settings.min_chars,
        )
        again = set(found.documents)
        items = [raw if i in again else _Cleaned(first[i].text) for i, raw in enumerate(raws)]
        work = replace(work, rules=with_shared_lines(plain, found) if found.lines else plain)
        second = run(_process_item, items, work, "cleaning again and segmenting", True)
    processed = [p if i in again else p._replace(cleaned=first[i]) for i, p in enumerate(second)]
    return ProcessedCorpus(processed, found)


def clean_texts(
    raws: Sequence[str],
    rules: CleaningRules,
    *,
    jobs: int | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
    progress: bool = False,
    connect_timeout: str = "30s",
) -> list[CleanedText]:
    """:func:`analysis.corpus.clean.clean_text` of every raw text, in input order, with the chosen
    engine: the cleaning-only first pass of :func:`process_corpus_texts`."""
    jobs = _check_options(raws, jobs, engine, scheduler, "clean_texts")
    with _mapper(engine, jobs, scheduler, progress, connect_timeout) as run:
        return run(_clean_item, raws, _CleaningWork(rules), "cleaning", False)


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

    One pass, each document on its own with ``work.rules`` (and so with whatever shared lines
    they hold); :func:`process_corpus_texts` finds the corpus's shared boilerplate first.
    ``jobs=None`` uses one process per CPU, except for a small corpus (under
    :data:`SMALL_CORPUS_CHARS` characters), where starting workers and loading their
    dictionaries costs more than it saves.
    """
    jobs = _check_options(raws, jobs, engine, scheduler, "process_texts")
    with _mapper(engine, jobs, scheduler, progress, connect_timeout) as run:
        return run(_process_item, raws, work, "cleaning and segmenting", True)


def _check_options(
    raws: Sequence[str], jobs: int | None, engine: Engine, scheduler: str | None, caller: str
) -> int:
    """The number of local processes to use, after checking the engine options."""
    check_choice(engine, "engine", caller, ENGINES)
    if jobs is None:
        jobs = default_jobs() if sum(map(len, raws)) >= SMALL_CORPUS_CHARS else 1
    jobs = check_int(jobs, "jobs", caller, minimum=1)
    if engine == "local" and scheduler is not None:
        raise InputError("--scheduler goes with --engine dask; add --engine dask or drop it")
    return jobs


# An ordered map: run(function, items, payload, description, segmenting) → [function(item,
# payload) for item in items], computed wherever the engine says.
_Map = Callable[[Callable, Sequence[Any], Any, str, bool], list]


@contextmanager
def _mapper(
    engine: Engine, jobs: int, scheduler: str | None, progress: bool, connect_timeout: str
) -> Iterator[_Map]:
    """The ordered map of ``engine``: one dask client for all the passes of a call."""
    if engine == "dask":
        client = _dask_client(scheduler, connect_timeout)
        try:
            yield partial(_map_on_dask, client, progress)
        finally:
            client.close()
    else:
        yield partial(_map_locally, jobs, progress)


def _map_locally(
    jobs: int,
    progress: bool,
    function: Callable,
    items: Sequence[Any],
    payload: Any,
    description: str,
    segmenting: bool,
) -> list:
    bar = _progress_bar(len(items), progress, description)
    try:
        if jobs == 1 or len(items) < 2:
            results: list = []
            for item in items:
                results.append(function(item, payload))
                bar.update(1)
            return results
        lookup = _CACHE_LOOKUPS.get(function)
        found = [lookup(item, payload) for item in items] if lookup else [None] * len(items)
        missing = [i for i, result in enumerate(found) if result is None]
        bar.update(len(items) - len(missing))
        if len(missing) < 2:  # not worth starting workers for
            for i in missing:
                found[i] = function(items[i], payload)
                bar.update(1)
            return found
        # Chunks big enough to keep inter-process traffic low, small enough to balance load.
        chunk = max(1, min(64, len(missing) // (jobs * 8)))
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(missing)),
            initializer=_init_worker,
            initargs=(payload, segmenting),
        ) as pool:
            computed = pool.map(
                partial(_in_worker, function), [items[i] for i in missing], chunksize=chunk
            )
            for i, result in zip(missing, computed, strict=True):
                found[i] = result
                bar.update(1)
            return found
    finally:
        bar.close()


def _dask_client(scheduler: str | None, connect_timeout: str):
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
        return Client(scheduler, timeout=connect_timeout, set_as_default=False)
    except OSError as exc:
        raise InputError(
            f"cannot reach the dask scheduler at {scheduler} ({exc}); start it with "
            "`dask scheduler` and workers with `dask worker ADDRESS`, or check the address"
        ) from exc


def _map_on_dask(
    client,
    progress: bool,
    function: Callable,
    items: Sequence[Any],
    payload: Any,
    description: str,
    segmenting: bool,  # a dask worker builds its segmenter on its first document
) -> list:
    if not items:
        return []
    [payload_future] = client.scatter([payload], broadcast=True)
    size = max(1, min(64, len(items) // (8 * max(1, len(client.nthreads()))) or 1))
    futures = client.map(
        _call_batch,
        list(_batches(items, size)),
        function=function,
        payload=payload_future,
        pure=False,
    )
    bar = _progress_bar(len(futures), progress, description, unit="batch")
    results: list = []
    try:
        for future in futures:  # in submission order, so the output order is the input order
            results.extend(future.result())
            bar.update(1)
    finally:
        bar.close()
    return results


def _progress_bar(total: int, enabled: bool, description: str, unit: str = "doc"):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit=unit, disable=not enabled or total < 2)
