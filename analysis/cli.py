"""The command line: ``python -m analysis <command>`` (also installed as ``analysis``).

Errors in the input are reported in one line naming the file and the fix, with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from analysis.errors import InputError
from analysis.paths import PROJECT_ROOT

DEFAULT_TEXTS = PROJECT_ROOT / "data" / "raw"
DEFAULT_METADATA = PROJECT_ROOT / "data" / "metadata.csv"

RUN_EXAMPLES = """examples:
  python -m analysis run                                   # the five study documents
  python -m analysis run --texts ../my_texts --out my_results
  python -m analysis run --texts corpus/ --metadata corpus/metadata.csv
"""

KWIC_EXAMPLES = """examples:
  python -m analysis kwic 团结                              # a slogan: all its variants
  python -m analysis kwic 集体领导、民主集中、个别酝酿、会议决定 --out formula.html
  python -m analysis kwic '讲.{0,4}团结' --sort left --width 30
  python -m analysis kwic 一把手 --texts ../my_texts --out kwic.csv
"""


def _metadata_for(texts: Path, metadata: str | None) -> Path | None:
    if metadata is not None:
        return None if metadata.lower() == "none" else Path(metadata)
    if texts.resolve() == DEFAULT_TEXTS.resolve() and DEFAULT_METADATA.exists():
        return DEFAULT_METADATA
    return None


def cmd_run(args: argparse.Namespace) -> int:
    from analysis.export import write_tables
    from analysis.measures.collocates import write_graphml
    from analysis.pipeline import build_corpus
    from analysis.report import compute_tables
    from analysis.settings import load_settings

    texts = Path(args.texts)
    settings = load_settings(args.config)
    corpus = build_corpus(
        texts,
        _metadata_for(texts, args.metadata),
        settings=settings,
        jobs=args.jobs,
        progress=not args.quiet,
    )
    tables, network = compute_tables(corpus, settings)
    out = Path(args.out) / "tables"
    written = write_tables(tables, out)
    written.append(write_graphml(network, out / "collocation_network.graphml"))
    if not args.quiet:
        print(
            f"{len(corpus.documents)} documents, {len(corpus.tokens):,} tokens, "
            f"{len(corpus.mentions):,} slogan mentions; {len(written)} files in {out}"
        )
    return 0


def cmd_kwic(args: argparse.Namespace) -> int:
    from analysis.measures.kwic import kwic_command

    texts = Path(args.texts)
    return kwic_command(
        args.pattern,
        texts=texts,
        metadata=_metadata_for(texts, args.metadata),
        width=args.width,
        sort=args.sort,
        out=args.out,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Comparative discourse analysis of Chinese political texts.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    run = commands.add_parser(
        "run",
        help="load, clean and segment the texts and write the tables",
        description="Load, clean and segment a folder of texts; write tables under OUT/tables/.",
        epilog=RUN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--texts", default=str(DEFAULT_TEXTS), help="folder of .txt files (default: data/raw)"
    )
    run.add_argument(
        "--metadata",
        default=None,
        help="metadata CSV (default: data/metadata.csv for data/raw, none for other folders; "
        "'none' to ignore it)",
    )
    run.add_argument("--out", default="results", help="output folder (default: results)")
    run.add_argument("--config", default=None, help="settings file (default: data/settings.yml)")
    run.add_argument("--jobs", type=int, default=1, help="segmentation processes (default: 1)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")
    run.set_defaults(handler=cmd_run)

    kwic = commands.add_parser(
        "kwic",
        help="concordance: every match of a slogan or regular expression in context",
        description="Print (or write as .csv or .html) every match of PATTERN in the cleaned "
        "texts with its left and right context. PATTERN is a slogan name from slogans.yml "
        "(all its variants match) or else a regular expression.",
        epilog=KWIC_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kwic.add_argument("pattern", metavar="PATTERN", help="slogan name or regular expression")
    kwic.add_argument(
        "--texts", default=str(DEFAULT_TEXTS), help="folder of .txt files (default: data/raw)"
    )
    kwic.add_argument(
        "--metadata",
        default=None,
        help="metadata CSV (default: data/metadata.csv for data/raw, none for other folders)",
    )
    kwic.add_argument(
        "--width",
        type=int,
        default=None,
        help="context characters on each side (default: settings kwic: width)",
    )
    kwic.add_argument(
        "--sort",
        choices=["position", "left", "right"],
        default="position",
        help="order: position in the texts (default), left or right context",
    )
    kwic.add_argument("--out", default=None, help="write FILE.csv or FILE.html instead of printing")
    kwic.set_defaults(handler=cmd_kwic)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "quiet", False):
            warnings.simplefilter("ignore")
        return args.handler(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
