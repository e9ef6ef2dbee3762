"""The scale benchmark: `python -m analysis run` against bare segmentation of the same text.

    make bench          # or: .venv/bin/python benchmarks/run.py [--corpus DIR --ext .md]

Corpus: ../shared/corpora/xwlb/news (1,423 CCTV evening-news transcripts, 36 MB) when present,
otherwise a synthetic corpus of 400 documents built from the paragraphs of data/raw. Every run is
a fresh process (`python -m analysis run … --config data/settings-large.yml --no-notebooks`),
timed from start to exit; its memory is the peak, sampled every 0.1 s, of the summed RSS and of
the summed PSS of the process and its workers. PSS (proportional set size) counts a page shared
by n processes as 1/n in each, so the summed PSS is the memory the process tree occupies; the
summed RSS counts a shared page once per process, so every worker forked from the run counts
the whole run again (the memory target is read on the PSS). Measured in this one run, so ratios
compare like with like:

* bare segmentation: the same cleaned texts, the same segmenter and process count, no cache;
* cold run (empty token cache) and warm run (cache filled, every table recomputed) with
  --jobs 2, and --jobs 1; an unchanged rerun into the same folder (found up to date);
* jieba against rjieba (cold runs and bare segmentation);
* byte-identical tables: --jobs 1 vs --jobs 2, and two runs in a row;
* MB/s of the whole run, with figures (--no-notebooks: the notebooks tell the five-document study);
* one document added: the corpus without its last file, then with it (same folder and cache);
* `make report`'s run on the five documents (figures and notebooks, empty cache);
* growth: cold runs on the first quarter and half of the files, and all of them, per MB
  (distinct documents: repeating files under new names would make every document a shared
  formula of its copy, which measures the formulae table, not growth);
* issue 14's targets, each printed with whether it is met;
* segmentation accuracy on the SIGHAN PKU test set (benchmarks/accuracy.py), when present.

The report is printed and written to results/benchmark.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import shutil
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


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run ``command``; return (seconds, peak summed RSS, peak summed PSS), in MB, of it and
    its children."""
    started = time.perf_counter()
    process = psutil.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = peak_pss = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            peak_pss = max(
                peak_pss, sum(p.memory_full_info().pss for p in tree if p.is_running())
            )
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    _, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{err[-2000:]}")
    return seconds, peak / 2**20, peak_pss / 2**20


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


# Issue 14's targets: (label, value key, comparison, target).
TARGETS = (
    ("cold run / bare jieba segmentation, 2 processes", "cold_over_bare", "≤", 1.5),
    ("every table recomputed from the cache (--force) / cold", "warm_over_cold", "≤", 0.15),
    ("one document added to the corpus / cold", "added_over_cold", "≤", 0.15),
    ("peak memory of the whole process tree (GB, summed PSS)", "peak_gb", "≤", 1.0),
    ("rjieba end to end (MB/s)", "rjieba_mb_s", "≥", 3.0),
    ("`make report` on the five documents, excluding installation (s)", "report_s", "≤", 30.0),
    ("figures for the whole corpus (s)", "figures_s", "≤", 30.0),
)


def target_rows(values: dict[str, float]) -> list[str]:
    """The targets table: each value, its target and whether it is met."""
    rows = ["| measure | value | target | met |", "|---|---:|---:|:---:|"]
    for label, key, sign, target in TARGETS:
        value = values[key]
        met = value <= target if sign == "≤" else value >= target
        rows.append(f"| {label} | {value:.2f} | {sign} {target:g} | {'yes' if met else 'no'} |")
    return rows


def corpus_share(files: list[Path], share: float, folder: Path) -> Path:
    """A corpus of the first ``share`` of ``files`` (copies: the run refuses links that lead
    out of the texts folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in files[: max(1, round(len(files) * share))]:
        shutil.copyfile(path, folder / path.name)
    return folder


class Bench:
    """Runs `python -m analysis run` as fresh processes and records time and peak memory."""

    def __init__(self, work: Path, texts: Path, ext: str, env: dict[str, str]):
        self.work, self.texts, self.ext, self.env = work, texts, ext, env
        self.results: dict[str, tuple[float, float]] = {}
        self.lines: list[str] = []

    def run(
        self,
        name: str,
        *,
        jobs: int = 2,
        cache: str,
        segmenter: str = "jieba",
        figures: bool = False,
        into: str | None = None,
        texts: Path | None = None,
        extra: tuple[str, ...] = (),
    ) -> Path:
        out = self.work / (into or name)
        command = [
            PYTHON,
            "-m",
            "analysis",
            "run",
            "--texts",
            str(texts or self.texts),
            "--ext",
            self.ext,
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
            *extra,
        ]
        command += (
            ["--figures", str(self.work / f"{name}-figures")] if figures else ["--no-figures"]
        )
        self.results[name] = measure(
            command, {**self.env, "ANALYSIS_CACHE": str(self.work / cache)}
        )
        self.record(name, *self.results[name])
        return out

    def record(
        self, name: str, seconds: float, rss: float | None = None, pss: float | None = None
    ) -> None:
        memory = " | ".join("" if mb is None else f"{mb:,.0f}" for mb in (rss, pss))
        self.lines.append(f"| {name} | {seconds:.1f} | {memory} |")
        print(self.lines[-1], flush=True)

    def seconds(self, name: str) -> float:
        return self.results[name][0]


def one_document_added(bench: Bench, files: list[Path]) -> None:
    """A run of the corpus without its last file, then the run after adding it (same folder,
    same cache): what adding one document costs."""
    without = corpus_share(files[:-1], 1.0, bench.work / "without-last")
    bench.run(
        "corpus without its last document, --jobs 2", cache="cache-add", texts=without, into="added"
    )
    shutil.copyfile(files[-1], without / files[-1].name)
    bench.run("one document added, --jobs 2", cache="cache-add", texts=without, into="added")


def five_document_report(bench: Bench) -> None:
    """`make report`'s run: the five documents, figures and notebooks, empty cache."""
    out = bench.work / "report"
    command = [
        PYTHON,
        "-m",
        "analysis",
        "run",
        "--out",
        str(out),
        "--figures",
        str(out / "figures"),
        "--quiet",
    ]
    measured = measure(command, {**bench.env, "ANALYSIS_CACHE": str(bench.work / "cache-r")})
    bench.results["make report run (five documents, cold)"] = measured
    bench.record("make report run (five documents, cold)", *measured)


def growth(bench: Bench, files: list[Path]) -> list[str]:
    """The cold run on ¼, ½ and all of the corpus: time and peak memory per MB."""
    rows = [
        "| share of the corpus | MB | seconds | peak PSS (MB) | s per MB | PSS MB per MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for share in (0.25, 0.5, 1.0):
        folder = corpus_share(files, share, bench.work / f"share-{share}")
        megabytes = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        name = f"cold run, {share:.0%} of the corpus, --jobs 2"
        if share == 1.0:
            seconds, _, pss = bench.results["cold run, jieba, --jobs 2"]
        else:
            bench.run(name, cache=f"cache-share-{share}", texts=folder)
            seconds, _, pss = bench.results[name]
        rows.append(
            f"| {share:.0%} | {megabytes:.1f} | {seconds:.1f} | {pss:,.0f} | "
            f"{seconds / megabytes:.2f} | {pss / megabytes:.0f} |"
        )
    return rows


def other_rows(bench: Bench, bare: dict, megabytes: float, outs: tuple[Path, ...]) -> list[str]:
    """Ratios without a target, and whether the tables are the same bytes across runs."""
    t = bench.seconds
    cold, cold1 = t("cold run, jieba, --jobs 2"), t("cold run, jieba, --jobs 1")
    one, two, warm, warm_again = (tables_digest(out) for out in outs)
    return [
        f"| cold run / bare segmentation (jieba, 1 process) | {cold1 / bare['jieba', 1]:.2f} |",
        "| cold run / bare segmentation (rjieba, 2 processes) | "
        f"{t('cold run, rjieba, --jobs 2') / bare['rjieba', 2]:.2f} |",
        "| unchanged rerun (up to date) / cold run | "
        f"{t('unchanged rerun (up to date), --jobs 2') / cold:.3f} |",
        f"| --jobs 1 / --jobs 2 (cold) | {cold1 / cold:.2f} |",
        f"| MB/s, cold run without figures | {megabytes / cold:.2f} |",
        f"| tables identical, --jobs 1 vs --jobs 2 | {one == two} |",
        f"| tables identical, cold and two warm runs | {two == warm == warm_again} |",
    ]


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
    bench = Bench(work, texts, ext, env)
    header = [
        "# Benchmark",
        "",
        f"- command: `make bench` (`{Path(PYTHON).name} benchmarks/run.py`)",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}",
        f"- corpus: {label}: {len(files):,} files, {megabytes:.1f} MB",
        f"- settings: {SETTINGS.relative_to(ROOT)}",
        "",
        "| measurement | seconds | peak summed RSS (MB) | peak summed PSS (MB) |",
        "|---|---:|---:|---:|",
    ]
    bare = {}
    for backend, jobs in (("jieba", 2), ("jieba", 1), ("rjieba", 2)):
        bare[backend, jobs] = bare_segmentation(texts, ext, backend, jobs, env)
        bench.record(f"bare segmentation, {backend}, {jobs} process(es)", bare[backend, jobs])
    cold2 = bench.run("cold run, jieba, --jobs 2", cache="cache-a")
    warm2 = bench.run("warm run (--force), jieba, --jobs 2", cache="cache-a", extra=("--force",))
    warm2b = bench.run("warm run again (--force), --jobs 2", cache="cache-a", extra=("--force",))
    # The same command into the same folder with nothing changed: run_state finds it up to date.
    bench.run(
        "unchanged rerun (up to date), --jobs 2",
        cache="cache-a",
        into="warm run again (--force), --jobs 2",
    )
    cold1 = bench.run("cold run, jieba, --jobs 1", jobs=1, cache="cache-b")
    bench.run("cold run, rjieba, --jobs 2", cache="cache-c", segmenter="rjieba")
    bench.run("whole run with figures (warm), --jobs 2", cache="cache-a", figures=True)
    one_document_added(bench, files)
    five_document_report(bench)
    growth_rows = growth(bench, files)

    t = bench.seconds
    cold = t("cold run, jieba, --jobs 2")
    values = {
        "cold_over_bare": cold / bare["jieba", 2],
        "warm_over_cold": t("warm run (--force), jieba, --jobs 2") / cold,
        "added_over_cold": t("one document added, --jobs 2") / cold,
        # The corpus's runs (not the five documents' report, whose notebook kernels add up).
        "peak_gb": max(pss for name, (_, _, pss) in bench.results.items() if "five" not in name)
        / 1024,
        "rjieba_mb_s": megabytes / t("cold run, rjieba, --jobs 2"),
        "report_s": t("make report run (five documents, cold)"),
        "figures_s": t("whole run with figures (warm), --jobs 2")
        - t("warm run (--force), jieba, --jobs 2"),
    }
    lines = (
        header
        + bench.lines
        + [
            "",
            "## Targets (issue 14)",
            "",
            *target_rows(values),
            "",
            "| other ratio or check | value |",
            "|---|---:|",
            *other_rows(bench, bare, megabytes, (cold1, cold2, warm2, warm2b)),
            "",
            "## Growth: the cold run on a quarter, a half and all of the corpus",
            "",
            *growth_rows,
        ]
    )
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
