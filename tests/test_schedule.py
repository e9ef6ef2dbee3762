"""analysis.run.schedule: steps run one at a time or in threads merge into the same run, in step
order; a step that reads earlier findings waits for them; the earliest failure is the one raised;
BLAS runs one thread while the steps run. And compute_tables gives the same results for any jobs.
"""

from __future__ import annotations

import threading
import time
import warnings
from types import SimpleNamespace

import pandas as pd
import pytest
from threadpoolctl import threadpool_info

from analysis.config.registry import STEPS
from analysis.config.settings import load_settings
from analysis.errors import InputError
from analysis.run import steps
from analysis.run.options import study_documents
from analysis.run.policy import settings_with_options
from analysis.run.schedule import merge_step, run_steps
from analysis.run.steps import StepContext
from analysis.run.tables import WAITS_FOR, compute_tables

# Sleeps that make the steps finish in another order than they start when they run in threads.
DELAYS = {"a": 0.15, "b": 0.0, "c": 0.1, "d": 0.0, "e": 0.05}


def context() -> StepContext:
    corpus = SimpleNamespace(tokens=pd.DataFrame({"doc_id": [], "token": []}))
    return StepContext(corpus, {}, pd.DataFrame(), {"documents": pd.DataFrame()}, [])


def recording_step(name: str, run: StepContext) -> None:
    time.sleep(DELAYS[name])
    run.tables[f"table_{name}"] = pd.DataFrame({"step": [name]})
    run.found[f"found_{name}"] = name
    run.notes.append({"what": "shared subject", "reason": f"said by {name}"})
    run.notes.append({"what": f"only {name}", "reason": name})
    if name == "e":  # reads what the earlier steps used
        run.tables["seen_by_e"] = pd.DataFrame({"grouping": list(run.used_groupings)})
    else:
        run.used_groupings.update({f"grouping_{name}": None, "grouping_shared": None})


@pytest.mark.parametrize("threads", [1, 2, 5])
def test_what_the_steps_add_is_merged_in_step_order_whatever_order_they_finish(threads):
    run = context()
    run.notes.append({"what": "before the steps", "reason": "documents"})
    started: list[str] = []
    done: list[str] = []
    run_steps(run, list("abcde"), recording_step, threads=threads,
              waits_for={"e": "abcd"}, on_start=started.append, on_done=done.append)
    assert list(run.tables) == ["documents", *(f"table_{n}" for n in "abcde"), "seen_by_e"]
    assert list(run.found) == [f"found_{n}" for n in "abcde"]
    assert run.notes == [
        {"what": "before the steps", "reason": "documents"},
        {"what": "shared subject", "reason": "said by a"},  # the first step's note wins
        {"what": "only a", "reason": "a"},
        {"what": "only b", "reason": "b"},
        {"what": "only c", "reason": "c"},
        {"what": "only d", "reason": "d"},
        {"what": "only e", "reason": "e"},
    ]
    assert list(run.used_groupings) == [
        "grouping_a", "grouping_shared", "grouping_b", "grouping_c", "grouping_d"]
    # e waited for a–d and saw their groupings, in the order they were first used
    assert run.tables["seen_by_e"]["grouping"].tolist() == list(run.used_groupings)
    assert started == done == list("abcde")


@pytest.mark.parametrize("threads", [1, 3])
def test_a_step_sees_the_groupings_of_the_steps_it_waits_for_only(threads):
    seen: dict[str, list[str]] = {}

    def step(name: str, run: StepContext) -> None:
        time.sleep(0.05 if name == "w" else 0)
        seen[name] = list(run.used_groupings)
        run.used_groupings[name] = None

    run = context()
    run.used_groupings["given"] = None
    run_steps(run, list("wxyz"), step, threads=threads, waits_for={"z": ["y", "w"]})
    assert seen == {"w": ["given"], "x": ["given"], "y": ["given"], "z": ["given", "w", "y"]}
    assert list(run.used_groupings) == ["given", "w", "x", "y", "z"]


def test_the_earliest_failed_step_is_raised_and_later_steps_do_not_start():
    ran: list[str] = []
    lock = threading.Lock()

    def step(name: str, run: StepContext) -> None:
        with lock:
            ran.append(name)
        if name == "a":
            time.sleep(0.3)
            raise RuntimeError("a failed")
        if name == "b":
            raise ValueError("b failed")
        time.sleep(0.05)

    run = context()
    with pytest.raises(RuntimeError, match="a failed"):  # a failed last, but it comes first
        run_steps(run, list("abcdef"), step, threads=2)
    assert sorted(ran) == ["a", "b"]  # b failed at once, so the second thread took nothing more
    assert list(run.tables) == ["documents"]  # nothing was merged

    ran.clear()
    run = context()
    with pytest.raises(ValueError, match="b failed"):
        run_steps(run, list("bcd"), step, threads=1)
    assert ran == ["b"]


def test_a_step_that_waits_for_a_failed_step_does_not_run():
    ran: list[str] = []

    def step(name: str, run: StepContext) -> None:
        ran.append(name)
        if name == "a":
            raise KeyError("a")

    with pytest.raises(KeyError):
        run_steps(context(), ["a", "b"], step, threads=2, waits_for={"b": ["a"]})
    assert ran == ["a"]


def test_blas_runs_one_thread_in_every_step():
    threads: list[int] = []

    def step(name: str, run: StepContext) -> None:
        threads.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")

    run_steps(context(), ["x", "y"], step, threads=2)
    assert threads and set(threads) == {1}


def test_merge_step_adds_one_steps_findings():
    run, added = context(), context().for_step({"genre": None})
    added.tables["t"] = pd.DataFrame({"x": [1]})
    added.found["network"] = "graph"
    added.notes.append({"what": "w", "reason": "r"})
    merge_step(run, added)
    assert list(run.tables) == ["documents", "t"] and run.found == {"network": "graph"}
    assert run.notes == [{"what": "w", "reason": "r"}] and run.used_groupings == {"genre": None}


def test_bad_arguments_say_what_was_expected():
    with pytest.raises(ValueError, match="threads must be a whole number of at least 1"):
        run_steps(context(), ["x"], recording_step, threads=0)
    with pytest.raises(ValueError, match="waits_for names a step that is not run: q"):
        run_steps(context(), ["a"], recording_step, waits_for={"q": ["a"]})
    with pytest.raises(ValueError, match="step a can only wait for steps run before it, not b"):
        run_steps(context(), ["a", "b"], recording_step, waits_for={"a": ["b"]})


def test_the_steps_share_one_matrix_built_once(study_corpus):
    run = StepContext(study_corpus, {}, pd.DataFrame(), {}, [])
    first = run.for_step().counts
    assert run.counts is first and run.for_step({"genre": None}).counts is first


@pytest.fixture(scope="module")
def model_settings():
    settings = load_settings()
    settings["topics"] = {"enabled": True, "k": 2, "k_values": [2, 3], "min_docs": 1,
                          "bootstrap_resamples": 50}
    settings["scaling"] = {"enabled": True, "min_count": 2, "min_docs": 1}
    settings["frequencies"] = {**settings.get("frequencies", {}), "group_by": ["genre"]}
    return settings


def test_compute_tables_gives_the_same_results_for_any_jobs(study_corpus, model_settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = compute_tables(study_corpus, model_settings, jobs=1)
        three = compute_tables(study_corpus, model_settings, jobs=3)
    assert list(one.tables) == list(three.tables)
    assert "topic_prevalence" in one.tables and "wordfish_positions" in one.tables
    for name, table in one.tables.items():
        pd.testing.assert_frame_equal(table, three.tables[name], check_exact=True, obj=name)
    assert one.notes == three.notes and one.metadata_columns == three.metadata_columns
    assert sorted(one.network.edges(data=True)) == sorted(three.network.edges(data=True))
    pd.testing.assert_frame_equal(one.ca.coordinates, three.ca.coordinates, check_exact=True)
    # the topics pooled by the grouping frequencies used, as one step at a time would
    assert "genre" in set(one.tables["topic_prevalence"]["grouping"])


def test_every_step_that_records_groupings_is_one_the_topics_wait_for(study_corpus):
    """What the topics see as used groupings comes from the steps in WAITS_FOR: a step that
    records groupings but is not marked ``pools_documents`` in the registry would be missed."""
    settings = settings_with_options(load_settings(), group_by="genre,level", periods=None,
                                     formats=None, language=None, reference_scores=None)
    run = StepContext(study_corpus, settings, study_documents(study_corpus, settings), {}, [])
    recording = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for step in STEPS:
            own = run.for_step()
            getattr(steps, step.name)(own)
            if own.used_groupings:
                recording.add(step.name)
    marked = {step.name for step in STEPS if step.pools_documents}
    assert recording == marked
    assert set(WAITS_FOR) == {"topics"} and set(WAITS_FOR["topics"]) == marked


def test_compute_tables_refuses_bad_jobs(study_corpus):
    with pytest.raises(InputError, match="jobs must be a whole number of at least 1"):
        compute_tables(study_corpus, load_settings(), jobs=0)


def test_jobs_become_threads_one_per_cpu_by_default_and_at_most_four():
    from analysis.corpus.engine import default_jobs
    from analysis.run.tables import MAX_STEP_THREADS, _step_threads

    assert MAX_STEP_THREADS == 4
    assert _step_threads(None) == min(default_jobs(), 4)
    assert (_step_threads(1), _step_threads(3), _step_threads(64)) == (1, 3, 4)
    with pytest.raises(InputError, match="jobs must be a whole number"):
        _step_threads(True)
