"""Segmentation accuracy: word precision, recall and F1 against the SIGHAN 2005 gold standard.

    .venv/bin/python benchmarks/accuracy.py [--set pku|msr]

Uses ../shared/corpora/icwb2 (research use only, never committed): testing/<set>_test.utf8 is
segmented line by line and compared with gold/<set>_test_gold.utf8 (words separated by spaces).
Scoring as the bakeoff's `score` script: a word counts as correct when its (start, end) span is in
the gold segmentation; precision = correct / words produced, recall = correct / gold words.

Configurations, all through analysis.corpus.segment.Segmenter:
  jieba (HMM), jieba (no HMM), rjieba (HMM), and jieba (HMM) + the project's user dictionary and
  slogans — so the dictionary's effect on general accuracy is known. Each is run on the text as
  given and on the text as the cleaner normalises it (full-width letters and digits to ASCII,
  which is length-preserving, so spans stay comparable).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.config.cleaning_rules import load_cleaning_rules  # noqa: E402
from analysis.config.lexicon import load_slogans, load_userdict  # noqa: E402
from analysis.corpus.clean import normalize_punctuation  # noqa: E402
from analysis.corpus.segment import Segmenter, SegmenterConfig  # noqa: E402

ICWB2 = ROOT.parent / "shared" / "corpora" / "icwb2"


def spans(words: list[str]) -> set[tuple[int, int]]:
    out, cursor = set(), 0
    for w in words:
        out.add((cursor, cursor + len(w)))
        cursor += len(w)
    return out


def score(
    segmenter: Segmenter, lines: list[str], gold: list[set[tuple[int, int]]]
) -> tuple[float, ...]:
    correct = produced = expected = 0
    t0 = time.perf_counter()
    for line, truth in zip(lines, gold, strict=True):
        segments = segmenter.segment(line)
        ours = set(zip(segments.starts.tolist(), segments.ends.tolist(), strict=True))
        correct += len(ours & truth)
        produced += len(ours)
        expected += len(truth)
    seconds = time.perf_counter() - t0
    precision, recall = correct / produced, correct / expected
    return precision, recall, 2 * precision * recall / (precision + recall), seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", default="pku", choices=["pku", "msr"])
    args = parser.parse_args()
    test_file = ICWB2 / "testing" / f"{args.set}_test.utf8"
    gold_file = ICWB2 / "gold" / f"{args.set}_test_gold.utf8"
    if not test_file.exists():
        print(f"skipped: {test_file} is absent (material beside the project)")
        return
    gold_words = [line.split() for line in gold_file.read_text(encoding="utf-8-sig").splitlines()]
    lines = ["".join(words) for words in gold_words]
    raw_lines = [line.strip() for line in test_file.read_text(encoding="utf-8-sig").splitlines()]
    if [line.replace(" ", "").replace("\u3000", "") for line in raw_lines] != lines:
        print("warning: test text and gold words differ; scoring on the gold words' text")
    gold = [spans(words) for words in gold_words]
    rules = load_cleaning_rules()
    normalised = [normalize_punctuation(line, rules) for line in lines]
    slogans = load_slogans()
    configs = {
        "jieba (HMM)": SegmenterConfig(backend="jieba", hmm=True, placeholder=None),
        "jieba (no HMM)": SegmenterConfig(backend="jieba", hmm=False, placeholder=None),
        "rjieba (HMM)": SegmenterConfig(backend="rjieba", hmm=True, placeholder=None),
        "jieba (HMM) + project dictionary": SegmenterConfig.from_lexicons(
            load_userdict(), slogans, placeholder=None
        ),
    }
    n_words = sum(len(g) for g in gold)
    print(
        f"{args.set.upper()} test: {len(lines):,} lines, {n_words:,} gold words, "
        f"{sum(map(len, lines)):,} characters"
    )
    print(f"{'configuration':36s} {'text':10s} {'P':>7s} {'R':>7s} {'F1':>7s} {'seconds':>8s}")
    for name, config in configs.items():
        segmenter = Segmenter(config)
        for label, text in (("as given", lines), ("normalised", normalised)):
            p, r, f, s = score(segmenter, text, gold)
            print(f"{name:36s} {label:10s} {p:7.4f} {r:7.4f} {f:7.4f} {s:8.2f}")


if __name__ == "__main__":
    main()
