"""The scale benchmark: `python -m analysis run` against bare segmentation of the same text.

    make bench          # or: .venv/bin/python benchmarks/run.py [--corpus DIR --ext .md]

Corpus: ../shared/corpora/xwlb/news (1,423 CCTV evening-news transcripts, 36 MB) when present,
otherwise a synthetic corpus of 400 documents built from the paragraphs of data/raw. Every run is
a fresh process (`python -m analysis run … --config data/settings-large.yml --no-notebooks`),
timed from start to exit; peak RSS is the largest summed RSS of the process and its workers,
sampled every 0.1 s. Measured in this one run, so ratios compare like with like:

* bare segmentation: the same cleaned texts, the same segmenter and process count, no cache;
* cold run (empty token cache) and warm run (cache filled, every table recomputed) with
  --jobs 2, and --jobs 1; an unchanged rerun into the same folder (found up to date);
* jieba against rjieba (cold runs and bare segmentation);
* byte-identical tables: --jobs 1 vs --jobs 2, and two runs in a row;
* MB/s of the whole run, with figures (--no-notebooks: the notebooks tell the five-document study);
* segmentation accuracy on the SIGHAN PKU test set (benchmarks/accuracy.py), when present.

The report is printed and written to results/benchmark.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
XWLB = ROOT.parent / "shared" / "corpora" / "xwlb" / "news"
SETTINGS = ROOT / "data" / "settings-large.yml"


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``command``; return (seconds, peak summed RSS in MB of it and its children)."""
    started = time.perf_counter()
    process = psutil.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    _, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{err[-2000:]}")
    return seconds, peak / 2**20


def tables_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((folder / "tables").rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


BARE = textwrap.dedent(
    """
    import sys, time, warnings
    warnings.simplefilter("ignore")
    from analysis.corpus.clean import clean_text
    from analysis.corpus.load import load_corpus
    from analysis.config.lexicon import load_slogans, load_userdict
    from analysis.corpus.segment import SegmenterConfig, segment_texts
    from analysis.config.cleaning_rules import load_cleaning_rules
    texts, ext, backend, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    rules = load_cleaning_rules()
    raws = load_corpus(texts, extensions=(ext,))["raw_text"]
    cleaned = [clean_text(raw, rules).text for raw in raws]
    config = SegmenterConfig.from_lexicons(load_userdict(), load_slogans(), backend=backend)
    started = time.perf_counter()
    segment_texts(cleaned, config, jobs=jobs)
    print(time.perf_counter() - started)
    """
)


def bare_segmentation(texts: Path, ext: str, backend: str, jobs: int, env) -> float:
    done = subprocess.run(
        [PYTHON, "-c", BARE, str(texts), ext, backend, str(jobs)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def synthetic_corpus(folder: Path, n_docs: int = 400) -> Path:
    """Documents stitched from the study documents' paragraphs (seeded), about 3 MB."""
    sys.path.insert(0, str(ROOT))
    from analysis.corpus.load import load_corpus

    paragraphs = [
        line
        for raw in load_corpus(ROOT / "data" / "raw")["raw_text"]
        for line in raw.splitlines()
        if len(line) > 40
    ]
    rng = random.Random(20071020)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        body = "\n".join(rng.choice(paragraphs) for _ in range(rng.randint(10, 40)))
        (folder / f"synthetic_{i:04d}.txt").write_text(body, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--ext", default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "benchmark.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="analysis-bench-"))
    if args.corpus:
        texts, ext, label = args.corpus, args.ext or ".txt", str(args.corpus)
    elif XWLB.exists():
        texts, ext, label = XWLB, ".md", "xwlb (../shared/corpora/xwlb/news)"
    else:
        texts, ext, label = (
            synthetic_corpus(work / "synthetic"),
            ".txt",
            "synthetic (data/raw paragraphs)",
        )
    files = sorted(texts.glob(f"*{ext}"))
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    lines = [
        "# Benchmark",
        "",
        f"- command: `make bench` (`{Path(PYTHON).name} benchmarks/run.py`)",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}",
        f"- corpus: {label}: {len(files):,} files, {megabytes:.1f} MB",
        f"- settings: {SETTINGS.relative_to(ROOT)}",
        "",
        "| measurement | seconds | peak RSS (MB) |",
        "|---|---:|---:|",
    ]
    results: dict[str, tuple[float, float]] = {}

    def run(
        name: str,
        *,
        jobs: int,
        cache: str,
        segmenter: str = "jieba",
        figures: bool = False,
        into: str | None = None,
    ):
        out = work / (into or name)
        command = [
            PYTHON,
            "-m",
            "analysis",
            "run",
            "--texts",
            str(texts),
            "--ext",
            ext,
            "--config",
            str(SETTINGS),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--segmenter",
            segmenter,
            "--no-notebooks",
            "--quiet",
        ]
        command += ["--figures", str(work / f"{name}-figures")] if figures else ["--no-figures"]
        results[name] = measure(command, {**env, "ANALYSIS_CACHE": str(work / cache)})
        lines.append(f"| {name} | {results[name][0]:.1f} | {results[name][1]:,.0f} |")
        print(lines[-1], flush=True)
        return out

    bare = {}
    for backend, jobs in (("jieba", 2), ("jieba", 1), ("rjieba", 2)):
        bare[backend, jobs] = bare_segmentation(texts, ext, backend, jobs, env)
        lines.append(
            f"| bare segmentation, {backend}, {jobs} process(es) | {bare[backend, jobs]:.1f} | |"
        )
        print(lines[-1], flush=True)
    cold2 = run("cold run, jieba, --jobs 2", jobs=2, cache="cache-a")
    warm2 = run("warm run, jieba, --jobs 2", jobs=2, cache="cache-a")
    warm2b = run("warm run again, --jobs 2", jobs=2, cache="cache-a")
    # The same command into the same folder with nothing changed: run_state finds it up to date.
    run(
        "unchanged rerun (up to date), --jobs 2",
        jobs=2,
        cache="cache-a",
        into="warm run again, --jobs 2",
    )
    cold1 = run("cold run, jieba, --jobs 1", jobs=1, cache="cache-b")
    run("cold run, rjieba, --jobs 2", jobs=2, cache="cache-c", segmenter="rjieba")
    run("whole run with figures (warm), --jobs 2", jobs=2, cache="cache-a", figures=True)

    t = {name: seconds for name, (seconds, _) in results.items()}
    cold = t["cold run, jieba, --jobs 2"]
    lines += [
        "",
        "| ratio or check | value | target |",
        "|---|---:|---:|",
        f"| cold run / bare segmentation (jieba, 2 processes) | "
        f"{t['cold run, jieba, --jobs 2'] / bare['jieba', 2]:.2f} | ≤ 1.3 |",
        f"| cold run / bare segmentation (jieba, 1 process) | "
        f"{t['cold run, jieba, --jobs 1'] / bare['jieba', 1]:.2f} | |",
        f"| cold run / bare segmentation (rjieba, 2 processes) | "
        f"{t['cold run, rjieba, --jobs 2'] / bare['rjieba', 2]:.2f} | |",
        f"| warm run (token cache, every table recomputed) / cold run (--jobs 2) | "
        f"{t['warm run, jieba, --jobs 2'] / t['cold run, jieba, --jobs 2']:.2f} | ≤ 0.10 |",
        f"| unchanged rerun (up to date) / cold run (--jobs 2) | "
        f"{t['unchanged rerun (up to date), --jobs 2'] / cold:.3f} | ≤ 0.10 |",
        f"| --jobs 1 / --jobs 2 (cold) | "
        f"{t['cold run, jieba, --jobs 1'] / t['cold run, jieba, --jobs 2']:.2f} | |",
        f"| rjieba / jieba (cold, 2 processes) | "
        f"{t['cold run, rjieba, --jobs 2'] / t['cold run, jieba, --jobs 2']:.2f} | |",
        f"| MB/s, cold run without figures | {megabytes / t['cold run, jieba, --jobs 2']:.2f} | |",
        f"| MB/s, whole run with figures (warm cache) | "
        f"{megabytes / t['whole run with figures (warm), --jobs 2']:.2f} | |",
        f"| peak RSS, largest run (MB) | {max(r for _, r in results.values()):,.0f} | ≤ 2,048 |",
        f"| tables identical, --jobs 1 vs --jobs 2 | "
        f"{tables_digest(cold1) == tables_digest(cold2)} | True |",
        f"| tables identical, two runs in a row | "
        f"{tables_digest(warm2) == tables_digest(warm2b) == tables_digest(cold2)} | True |",
    ]
    accuracy = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "accuracy.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    lines += [
        "",
        "## Segmentation accuracy (SIGHAN 2005 PKU test set)",
        "",
        "```",
        accuracy.stdout.strip(),
        "```",
    ]
    report = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
