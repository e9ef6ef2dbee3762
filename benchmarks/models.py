"""What the topic models and text scaling cost in a run: their share of the statistics.

    .venv/bin/python benchmarks/models.py [TEXTS_FOLDER] [--ext .md] [--config FILE]

Default corpus: ../shared/corpora/xwlb/news (1,423 evening-news transcripts, 36 MB, settings-large)
when present, else the five study documents with the models forced on. The corpus is segmented
once (token cache), then every table is computed twice in this process, in one run of the
measurement: without the models (``topics`` and ``scaling`` turned off) and with them. The
models' time is the difference; their share is of the run's statistics with models. Times are
wall-clock on this machine; compare them within one run only.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XWLB = ROOT.parent / "shared" / "corpora" / "xwlb" / "news"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("texts", nargs="?", default=None)
    parser.add_argument("--ext", default=None)
    parser.add_argument("--config", default=None)
    args = parser.parse_args()

    from analysis.config.settings import load_settings
    from analysis.corpus.build import build_corpus
    from analysis.run.models import scaling_tables, topic_tables
    from analysis.run.tables import compute_tables

    if args.texts is None and XWLB.is_dir():
        texts, ext, config = XWLB, ".md", ROOT / "data" / "settings-large.yml"
    else:
        texts = Path(args.texts) if args.texts else ROOT / "data" / "raw"
        ext, config = ".txt", ROOT / "data" / "settings.yml"
    ext = args.ext or ext
    config = Path(args.config) if args.config else config
    settings = load_settings(config)
    metadata = ROOT / "data" / "metadata.csv" if texts == ROOT / "data" / "raw" else None
    warnings.simplefilter("ignore")

    started = time.perf_counter()
    corpus = build_corpus(texts, metadata=metadata, settings=settings, extensions=(ext,),
                          cache_dir=ROOT / ".cache", jobs=2)
    print(f"corpus: {texts} ({len(corpus.documents):,} documents, "
          f"{len(corpus.tokens):,} tokens), built in {time.perf_counter() - started:.1f} s")

    without = {**settings, "topics": {**settings.get("topics", {}), "enabled": False},
               "scaling": {**settings.get("scaling", {}), "enabled": False}}
    forced = {**settings, "topics": {**settings.get("topics", {}), "enabled": True},
              "scaling": {**settings.get("scaling", {}), "enabled": True}}
    started = time.perf_counter()
    compute_tables(corpus, without)
    plain = time.perf_counter() - started
    started = time.perf_counter()
    results = compute_tables(corpus, forced)
    with_models = time.perf_counter() - started

    notes = []
    docs = results.documents
    started = time.perf_counter()
    topic_tables(corpus.tokens, docs, forced, lexicon=corpus.slogans, groupings=[],
                 note=lambda what, why: notes.append(what))
    topics = time.perf_counter() - started
    started = time.perf_counter()
    scaling_tables(corpus.tokens, docs, forced, note=lambda what, why: notes.append(what))
    scaling = time.perf_counter() - started

    models = with_models - plain
    print(f"statistics without the models: {plain:.1f} s")
    print(f"statistics with the models:    {with_models:.1f} s")
    print(f"the models' share of the statistics: {models / with_models:.0%} "
          f"({models:.1f} s; alone: topics {topics:.1f} s, scaling {scaling:.1f} s)")
    made = sorted(n for n in results.tables if n.startswith(("topic", "word")))
    print(f"model tables: {', '.join(made) or 'none'}")


if __name__ == "__main__":
    main()
