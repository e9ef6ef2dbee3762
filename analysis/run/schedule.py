"""Running the statistics steps, one after another or several at a time in threads, with the
same result.

Each step runs on a context of its own (:meth:`analysis.run.steps.StepContext.for_step`: the
shared corpus, settings, documents and matrix, empty tables, notes and findings) and what it adds
is merged into the run in the order of the steps, whatever order they finished in: tables and
findings in that order, notes through :func:`analysis.run.options.note` (the first note on a
subject wins, as when the steps share one list), groupings in the order first used. A step that
reads what earlier steps found (``needs_earlier``: the topics pool documents by every grouping
the earlier steps used) waits for all of them and sees their merged groupings. When a step
fails, no step after it starts, the others finish, and the error of the earliest failed step is
raised, as a run one step at a time would raise it.

Threads, not processes: the steps read the same corpus tables, which threads share without
copying, and they spend most of their time in NumPy, SciPy, pandas and scikit-learn code that
releases the GIL. BLAS is limited to one thread while the steps run, so that every product sums
in the same order however many steps run at once (and on any machine).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from threadpoolctl import threadpool_limits  # a requirement of scikit-learn

from analysis.run.options import note
from analysis.run.steps import StepContext

StepCall = Callable[[str, StepContext], None]


def run_steps(
    run: StepContext,
    names: Sequence[str],
    call: StepCall,
    *,
    threads: int = 1,
    needs_earlier: frozenset[str] = frozenset(),
    on_start: Callable[[str], None] | None = None,
    on_done: Callable[[str], None] | None = None,
) -> None:
    """Run ``call(name, context)`` for each step of ``names`` and merge what each added into
    ``run`` (module docstring), in at most ``threads`` threads at a time.

    ``on_start(name)`` and ``on_done(name)`` are called from this thread, in the order of
    ``names`` (for a progress bar).
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a whole number of at least 1, got {threads!r}")
    unknown = sorted(needs_earlier - set(names))
    if unknown:
        raise ValueError(f"needs_earlier names steps that are not run: {', '.join(unknown)}")
    with threadpool_limits(limits=1, user_api="blas"):
        if threads == 1 or len(names) < 2:
            _one_at_a_time(run, names, call, needs_earlier, on_start, on_done)
        else:
            _in_threads(run, names, call, threads, needs_earlier, on_start, on_done)


def merge_step(run: StepContext, added: StepContext) -> None:
    """Add what one step found (its own context ``added``) to ``run``."""
    run.tables.update(added.tables)
    run.found.update(added.found)
    for item in added.notes:
        note(run.notes, item["what"], item["reason"])
    run.used_groupings.update(added.used_groupings)


def _one_at_a_time(run, names, call, needs_earlier, on_start, on_done) -> None:
    initial = dict(run.used_groupings)
    for name in names:
        if on_start is not None:
            on_start(name)
        context = run.for_step(run.used_groupings if name in needs_earlier else initial)
        call(name, context)
        merge_step(run, context)
        if on_done is not None:
            on_done(name)


def _in_threads(run, names, call, threads, needs_earlier, on_start, on_done) -> None:
    initial = dict(run.used_groupings)
    contexts: dict[str, StepContext] = {}
    futures: dict[str, Future] = {}
    lock = threading.Lock()
    first_failed = [len(names)]  # the index of the earliest step that failed so far

    def cancelled(index: int) -> bool:
        with lock:
            return index > first_failed[0]

    def step(index: int) -> None:
        name = names[index]
        if cancelled(index):
            return
        groupings = initial
        if name in needs_earlier:
            for earlier in names[:index]:  # started already: the pool takes tasks in order
                futures[earlier].result()
            if cancelled(index):
                return
            merged = run.for_step(initial)
            for earlier in names[:index]:
                merge_step(merged, contexts[earlier])
            groupings = merged.used_groupings
        context = run.for_step(groupings)
        try:
            call(name, context)
        except BaseException:
            with lock:  # steps after this one that have not started are not run
                first_failed[0] = min(first_failed[0], index)
            raise
        contexts[name] = context

    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="analysis-step")
    try:
        for index, name in enumerate(names):
            futures[name] = pool.submit(step, index)
        for name in names:
            if on_start is not None:
                on_start(name)
            error = futures[name].exception()
            if error is not None:
                raise error  # the earliest failed step: every step before it succeeded
            if on_done is not None:
                on_done(name)
    except BaseException:  # also Ctrl-C or SIGTERM while waiting: start nothing more
        with lock:
            first_failed[0] = -1
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    for name in names:
        merge_step(run, contexts[name])
