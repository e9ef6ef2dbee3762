"""The whole-corpus fits that every `--force` run and every added document must repeat.

    .venv/bin/python benchmarks/floor.py [TEXTS] [--ext .md] [--config FILE] [--cache DIR]
        [--jobs 2]

Default corpus: ../shared/corpora/xwlb/news with data/settings-large.yml when present, else the
five study documents (too few for the topic model and Wordfish, so only the other fits show).

Issue 14 asks for a cold run of at most 1.5 × bare segmentation and a `--force` run of at most
0.15 × the cold run, the same corpus and process count. Together they allow a `--force` run
at most 0.15 × 1.5 = 0.225 × bare segmentation, and one added document (also ≤ 0.15 × cold)
the same. Both runs recompute every table. Some tables are fits on the whole corpus:

* the topic model (NMF or LDA, scikit-learn),
* Wordfish (and its bootstrap, when the settings ask for it),
* the cosine product behind similarity and clustering (``W Wᵀ`` of the unit TF-IDF rows; one
  call counted, though the two steps each compute it),
* the paragraph bootstrap of slogan rates (one call counted, though slogan counts and trends
  each draw it),
* the suffix and LCP arrays of shared formulae (pydivsufsort),
* correspondence analysis (its SVD).

Each depends on every document, so neither per-document partial statistics nor a cache can
stand in for them while the tables stay byte-identical. This script times those calls alone,
in one process, with BLAS on one thread as in a run (the run's steps do the same). Their sum
divided by ``--jobs`` is the least a `--force` run can take even if the steps parallelise
perfectly and nothing else (reading the corpus, the other twelve measures, writing the
tables) costs anything. It is printed beside the allowance, with bare segmentation measured
in this same run.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import os
import time
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XWLB = ROOT.parent / "shared" / "corpora" / "xwlb" / "news"

# (module, function, fit): the whole-corpus fits, by the names the package calls them.
FITS = (
    ("analysis.measures.topics", "_fit_nmf", "topic model: NMF fit"),
    ("analysis.measures.topics", "_fit_guided_nmf", "topic model: guided NMF fit"),
    ("analysis.measures.topics", "_fit_lda", "topic model: LDA fit"),
    ("analysis.measures.scaling", "_fit_wordfish", "Wordfish fit"),
    ("analysis.measures.scaling", "_bootstrap_positions", "Wordfish bootstrap"),
    ("analysis.measures.similarity", "_cosine_dense", "cosine product W Wᵀ (one call)"),
    ("analysis.measures.similarity", "_condensed_distances", "cosine product W Wᵀ (one call)"),
    ("analysis.features.slogans", "_bootstrap_intervals", "paragraph bootstrap (one call)"),
    ("pydivsufsort", "divsufsort", "suffix array"),
    ("pydivsufsort", "kasai", "LCP array"),
    ("analysis.measures.correspondence", "_decomposition", "correspondence analysis: SVD"),
)
# Fits that two steps repeat on the same data: only the cheapest call counts.
ONE_CALL = {"cosine product W Wᵀ (one call)", "paragraph bootstrap (one call)"}


def timed(calls: dict[str, list[float]], name: str, function):
    """``function``, recording the seconds of each call under ``name`` in ``calls``."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            calls[name].append(time.perf_counter() - started)

    return wrapper


def benchmark_script(name: str):
    """``benchmarks/NAME.py`` as a module (loaded by path: benchmarks is no package)."""
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("texts", nargs="?", type=Path, default=None)
    parser.add_argument("--ext", default=None)
    parser.add_argument("--config", default=None)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.texts is None and XWLB.is_dir():
        args.texts, args.ext = XWLB, args.ext or ".md"
        args.config = args.config or str(ROOT / "data" / "settings-large.yml")
    elif args.texts is None:  # too few documents for the models: their fits are then absent
        args.texts = ROOT / "data" / "raw"
    ext = args.ext or ".txt"

    from threadpoolctl import threadpool_limits

    from analysis.config.registry import STEPS
    from analysis.run import steps

    stages = benchmark_script("stages")
    bare = benchmark_script("run").bare_segmentation(
        args.texts, ext, "jieba", args.jobs, {**os.environ, "PYTHONWARNINGS": "ignore"}
    )
    corpus, settings = stages.built_corpus(args.texts, ext, args.config, args.cache, args.jobs)
    calls: dict[str, list[float]] = defaultdict(list)
    for module_name, name, fit in FITS:
        module = importlib.import_module(module_name)
        setattr(module, name, timed(calls, fit, getattr(module, name)))
    run = stages.step_context(corpus, settings)
    started = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        for step in STEPS:
            getattr(steps, step.name)(run)
    statistics = time.perf_counter() - started

    print("| whole-corpus fit | calls | seconds (BLAS on 1 thread) |\n|---|---:|---:|")
    counted = {
        fit: min(seconds) if fit in ONE_CALL else sum(seconds) for fit, seconds in calls.items()
    }
    for fit, seconds in counted.items():
        print(f"| {fit} | {len(calls[fit])} | {seconds:.2f} |")
    total = sum(counted.values())
    allowance = 0.15 * 1.5 * bare
    # Each fit runs on one thread (BLAS on one thread keeps its sums in a fixed order), so no
    # run is shorter than its longest fit, however many threads share the rest.
    floor = max(total / args.jobs, max(counted.values(), default=0.0))
    print(f"| **sum** | | **{total:.2f}** |")
    print()
    print(f"- bare jieba segmentation, {args.jobs} processes: {bare:.2f} s")
    print(f"- every statistics step, one after another, in this process: {statistics:.2f} s")
    print(
        f"- the fits alone, spread perfectly over {args.jobs} threads (never less than the "
        f"longest fit, {max(counted.values(), default=0.0):.2f} s): {floor:.2f} s"
    )
    print(f"- what issue 14's targets allow a --force run (0.225 × bare): {allowance:.2f} s")
    print(
        f"- the fits alone / the allowance: {floor / allowance:.2f} "
        f"({'over' if floor > allowance else 'within'} the allowance)"
    )


if __name__ == "__main__":
    main()
