"""jieba vs rjieba on the same cleaned text: token agreement and speed.

    .venv/bin/python benchmarks/segmenters.py [--corpus DIR] [--ext .md] [--limit N]

Both segmenters get the project's user dictionary and slogan terms. Agreement is measured on token
spans with jieba as the reference: precision, recall and F1 of rjieba's (start, end) spans, and the
share of documents segmented identically. Speed is characters per second of bare segmentation in
one process (dictionary loading excluded, reported separately). Default corpora: the five study
documents, then ../shared/corpora/xwlb/news when present.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.config.lexicon import load_slogans, load_userdict  # noqa: E402
from analysis.corpus.clean import clean_corpus  # noqa: E402
from analysis.corpus.load import load_corpus  # noqa: E402
from analysis.corpus.segment import Segmenter, SegmenterConfig  # noqa: E402

HAN = re.compile(r"[\u3400-\u9fff]")
XWLB = ROOT.parent / "shared" / "corpora" / "xwlb" / "news"


def _has_han(word: str) -> bool:
    return HAN.search(word) is not None


def compare(label: str, texts: list[str]) -> None:
    slogans = load_slogans()
    results = {}
    for backend in ("jieba", "rjieba"):
        config = SegmenterConfig.from_lexicons(load_userdict(), slogans, backend=backend)
        t0 = time.perf_counter()
        segmenter = Segmenter(config)
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        segments = [segmenter.segment(t) for t in texts]
        seconds = time.perf_counter() - t0
        results[backend] = (segments, seconds, load)
    n_chars = sum(len(t) for t in texts)
    ref, other = results["jieba"][0], results["rjieba"][0]
    print(f"\n## {label}: {len(texts):,} documents, {n_chars:,} characters")
    for scope, keep in (
        ("all tokens", lambda w: True),
        ("tokens with Chinese characters", _has_han),
    ):
        both = n_ref = n_other = identical = 0
        for text, one, two in zip(texts, ref, other, strict=True):
            a = {
                (s, e)
                for s, e in zip(one.starts.tolist(), one.ends.tolist(), strict=True)
                if keep(text[s:e])
            }
            b = {
                (s, e)
                for s, e in zip(two.starts.tolist(), two.ends.tolist(), strict=True)
                if keep(text[s:e])
            }
            both += len(a & b)
            n_ref += len(a)
            n_other += len(b)
            identical += a == b
        precision, recall = both / n_other, both / n_ref
        f1 = 2 * precision * recall / (precision + recall)
        print(
            f"agreement on {scope} (rjieba spans vs jieba): precision {precision:.4f}, "
            f"recall {recall:.4f}, F1 {f1:.4f}; identical documents {identical}/{len(texts)}"
        )
    for backend, (_, seconds, load) in results.items():
        print(
            f"{backend:7s}: {seconds:7.2f} s, {n_chars / seconds / 1e6:.3f} M chars/s "
            f"(dictionary load {load:.2f} s)"
        )
    ratio = results["jieba"][1] / results["rjieba"][1]
    print(f"rjieba is {ratio:.1f}x as fast as jieba on this text")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus", type=Path, help="folder of texts (default: study documents, then xwlb)"
    )
    parser.add_argument("--ext", default=None, help="file ending, e.g. .md for xwlb")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N files")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    warnings.simplefilter("ignore")
    corpora = (
        [(args.corpus, args.ext or ".txt")] if args.corpus else [(ROOT / "data" / "raw", ".txt")]
    )
    if not args.corpus and XWLB.exists():
        corpora.append((XWLB, ".md"))
    for folder, ext in corpora:
        corpus = load_corpus(folder, extensions=(ext,))
        if args.limit:
            corpus = corpus.head(args.limit)
        documents, _ = clean_corpus(corpus)
        compare(folder.name if folder != XWLB else "xwlb", documents["text"].tolist())


if __name__ == "__main__":
    main()
