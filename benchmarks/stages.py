"""Where a run's time goes: the corpus build, then each statistics step, timed in one process.

    .venv/bin/python benchmarks/stages.py TEXTS [--ext .md] [--config data/settings-large.yml]
        [--cache DIR] [--jobs 2]

Runs what `python -m analysis run --no-figures --no-notebooks` computes, step by step in the
order of :data:`analysis.config.registry.STEPS`, and prints the seconds of each, the peak
memory of the process after it, and the size of the corpus tables. With a filled ``--cache``
the build reads cleaned texts and tokens from it (a warm run); with an empty one it cleans and
segments (a cold run).
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("texts", type=Path)
    parser.add_argument("--ext", default=".txt")
    parser.add_argument("--config", default=None)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    from analysis.config.registry import STEPS
    from analysis.run import steps

    started = time.perf_counter()
    corpus, settings = built_corpus(args.texts, args.ext, args.config, args.cache, args.jobs)
    print(
        f"| build (load, clean, segment, mentions) | {time.perf_counter() - started:.1f} "
        f"| {_peak_mb():,.0f} |"
    )
    for name in ("documents", "sentences", "tokens", "mentions"):
        table = getattr(corpus, name)
        size = table.memory_usage(deep=True).sum() / 2**20
        print(f"  {name}: {len(table):,} rows, {size:,.0f} MB")
    run = step_context(corpus, settings)
    for step in STEPS:
        started = time.perf_counter()
        getattr(steps, step.name)(run)
        print(
            f"| {step.name} | {time.perf_counter() - started:.1f} | {_peak_mb():,.0f} |",
            flush=True,
        )
    print(f"peak RSS of this process: {_peak_mb():,.0f} MB")


def built_corpus(texts: Path, ext: str, config: str | None, cache: Path | None, jobs: int):
    """The corpus and settings of `python -m analysis run --texts TEXTS --ext EXT --config
    CONFIG` with no other option (no metadata file): (corpus, settings)."""
    from analysis.config.settings import load_settings
    from analysis.corpus.build import build_corpus
    from analysis.run.policy import settings_with_options

    settings = settings_with_options(
        load_settings(config),
        group_by=None,
        periods=None,
        formats=None,
        language=None,
        reference_scores=None,
    )
    corpus = build_corpus(
        texts, None, settings=settings, jobs=jobs, cache_dir=cache, extensions=(ext,)
    )
    return corpus, settings


def step_context(corpus, settings):
    """The context the run's statistics steps share, as `run` makes it."""
    from analysis.run import steps
    from analysis.run.options import study_documents
    from analysis.run.tables import corpus_tables

    notes: list[dict[str, str]] = []
    docs = study_documents(corpus, settings, notes)
    return steps.StepContext(corpus, settings, docs, corpus_tables(corpus, docs), notes)


def _peak_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
