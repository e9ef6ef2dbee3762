"""Running the statistics steps, one after another or several at a time in threads, with the
same result.

Each step runs on a context of its own (:meth:`analysis.run.steps.StepContext.for_step`: the
shared corpus, settings, documents and matrix, empty tables, notes and findings) and what it adds
is merged into the run in the order of the steps, whatever order they finished in: tables and
findings in that order, notes through :func:`analysis.run.options.note` (the first note on a
subject wins, as when the steps share one list), groupings in the order first used. A step that
reads what earlier steps found (``waits_for``: the topics pool documents by every grouping the
steps that pool documents used) starts once they are done and sees their merged groupings. When
a step fails, no step after it starts, the others finish, and the error of the earliest failed
step is raised, as a run one step at a time would raise it.

Threads, not processes: the steps read the same corpus tables, which threads share without
copying, and they spend most of their time in NumPy, SciPy, pandas and scikit-learn code that
releases the GIL. BLAS is limited to one thread while the steps run, so that every product sums
in the same order however many steps run at once (and on any machine).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping, Sequence
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
    waits_for: Mapping[str, Collection[str]] | None = None,
    on_start: Callable[[str], None] | None = None,
    on_done: Callable[[str], None] | None = None,
) -> None:
    """Run ``call(name, context)`` for each step of ``names`` and merge what each added into
    ``run`` (module docstring), in at most ``threads`` threads at a time.

    ``waits_for`` maps a step to the earlier steps whose findings it reads: it starts once they
    are done and its context has their groupings (merged in step order); every other step's
    context has the groupings ``run`` had before the steps. ``on_start(name)`` and
    ``on_done(name)`` are called from this thread, in the order of ``names`` (for a progress
    bar).
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a whole number of at least 1, got {threads!r}")
    waits_for = {name: tuple(earlier) for name, earlier in (waits_for or {}).items()}
    position = {name: index for index, name in enumerate(names)}
    for name, earlier in waits_for.items():
        if name not in position:
            raise ValueError(f"waits_for names a step that is not run: {name}")
        later = [e for e in earlier if position.get(e, len(names)) >= position[name]]
        if later:
            raise ValueError(
                f"step {name} can only wait for steps run before it, not {', '.join(later)}"
            )
    schedule = _Schedule(run, list(names), call, waits_for)
    with threadpool_limits(limits=1, user_api="blas"):
        if threads == 1 or len(names) < 2:
            schedule.one_at_a_time(on_start, on_done)
        else:
            schedule.in_threads(threads, on_start, on_done)


def merge_step(run: StepContext, added: StepContext) -> None:
    """Add what one step found (its own context ``added``) to ``run``."""
    run.tables.update(added.tables)
    run.found.update(added.found)
    for item in added.notes:
        note(run.notes, item["what"], item["reason"])
    run.used_groupings.update(added.used_groupings)


class _Schedule:
    def __init__(self, run, names, call, waits_for) -> None:
        self.run, self.names, self.call, self.waits_for = run, names, call, waits_for
        self.initial = dict(run.used_groupings)
        self.contexts: dict[str, StepContext] = {}

    def context(self, name: str) -> StepContext:
        """The step's own context, with the groupings of the steps it waits for."""
        waited = set(self.waits_for.get(name, ()))
        groupings = dict(self.initial)
        for other in self.names:  # in step order, as the merge adds them
            if other in waited:
                groupings.update(self.contexts[other].used_groupings)
        return self.run.for_step(groupings)

    def merge_all(self) -> None:
        for name in self.names:
            merge_step(self.run, self.contexts[name])

    def one_at_a_time(self, on_start, on_done) -> None:
        for name in self.names:
            if on_start is not None:
                on_start(name)
            context = self.context(name)
            self.call(name, context)
            self.contexts[name] = context
            if on_done is not None:
                on_done(name)
        self.merge_all()

    def in_threads(self, threads, on_start, on_done) -> None:
        futures: dict[str, Future] = {}
        lock = threading.Lock()
        first_failed = [len(self.names)]  # the index of the earliest step that failed so far

        def cancelled(index: int) -> bool:
            with lock:
                return index > first_failed[0]

        def step(index: int) -> None:
            name = self.names[index]
            for earlier in self.waits_for.get(name, ()):  # started already: tasks go in order
                futures[earlier].result()
            if cancelled(index):
                return
            context = self.context(name)
            try:
                self.call(name, context)
            except BaseException:
                with lock:  # steps after this one that have not started are not run
                    first_failed[0] = min(first_failed[0], index)
                raise
            self.contexts[name] = context

        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="analysis-step")
        try:
            for index, name in enumerate(self.names):
                futures[name] = pool.submit(step, index)
            for name in self.names:
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
        self.merge_all()
