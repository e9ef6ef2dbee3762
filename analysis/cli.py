"""The command line: ``python -m analysis <command>`` (also installed as ``analysis``).

Commands: ``run`` (the whole analysis), ``add`` (a new text into a corpus), ``kwic``
(concordance), ``slogans`` (slogan counts), ``info`` (corpus summary) and ``check-lexicon`` (how
slogans and dictionary terms are segmented). The commands that read a corpus share one set of
options (texts, metadata, settings, slogans, segmenter, jobs, engine). The logic lives in the
package; this module parses arguments and prints.

Errors in the input are reported in one line naming the file and the fix, with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.paths import PROJECT_ROOT

DEFAULT_TEXTS = PROJECT_ROOT / "data" / "raw"
DEFAULT_METADATA = PROJECT_ROOT / "data" / "metadata.csv"
LARGE_CORPUS = 300  # documents; above this the default settings print a hint

EXAMPLES = {
    "run": """examples:
  python -m analysis run                                  # the five study documents
  python -m analysis run --texts ../my_texts --out my_results
  python -m analysis run --texts corpus/ --metadata corpus/metadata.csv --no-notebooks
  python -m analysis run --texts news/ --ext .md --config data/settings-large.yml --jobs 2
  python -m analysis run --slogans 团结,民主集中制,一把手 --segmenter rjieba
  python -m analysis run --engine dask --scheduler tcp://10.0.0.5:8786
""",
    "add": """examples:
  python -m analysis add ~/Downloads/report.txt --title 报告 --year 2008 --level city --genre speech
  python -m analysis add speech.txt --to my_corpus --metadata my_corpus/metadata.csv --doc-id sp_01
""",
    "kwic": """examples:
  python -m analysis kwic 团结                             # a slogan: all its variants
  python -m analysis kwic 集体领导、民主集中、个别酝酿、会议决定 --out formula.html
  python -m analysis kwic '讲.{0,4}团结' --sort left --width 30
  python -m analysis kwic 一把手 --texts ../my_texts --out kwic.csv
""",
    "slogans": """examples:
  python -m analysis slogans
  python -m analysis slogans --slogans 团结,一把手 --bootstrap 2000
  python -m analysis slogans --texts ../my_texts --csv > counts.csv
""",
    "info": """examples:
  python -m analysis info
  python -m analysis info --texts ../shared/corpora/political/txt
""",
    "check-lexicon": """examples:
  python -m analysis check-lexicon
  python -m analysis check-lexicon --texts ../my_texts --all
""",
}


# --- shared corpus options -----------------------------------------------------------------


def _corpus_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("corpus")
    group.add_argument(
        "--texts", default=str(DEFAULT_TEXTS), help="folder of text files (default: data/raw)"
    )
    group.add_argument(
        "--metadata",
        default=None,
        help="metadata CSV (default: data/metadata.csv for data/raw, none for other folders; "
        "'none' to ignore it)",
    )
    group.add_argument(
        "--ext", default=".txt", help="file endings to read, comma-separated (default: .txt)"
    )
    group.add_argument("--config", default=None, help="settings file (default: data/settings.yml)")
    group.add_argument(
        "--slogans",
        default=None,
        help="slogans: a comma list of names from the lexicon, or a slogans .yml file "
        "(default: data/lexicon/slogans.yml)",
    )
    group.add_argument(
        "--segmenter", choices=["jieba", "rjieba"], default=None, help="default: from settings"
    )
    group.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="processes for cleaning and segmenting (default: CPUs)",
    )
    group.add_argument("--engine", choices=["local", "dask"], default="local")
    group.add_argument("--scheduler", default=None, help="dask scheduler address (--engine dask)")
    group.add_argument("--no-cache", action="store_true", help="segment everything anew")
    group.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _metadata_for(texts: Path, metadata: str | None) -> Path | None:
    if metadata is not None:
        return None if metadata.lower() == "none" else Path(metadata)
    if texts.resolve() == DEFAULT_TEXTS.resolve() and DEFAULT_METADATA.exists():
        return DEFAULT_METADATA
    return None


def _extensions(value: str) -> tuple[str, ...]:
    endings = tuple(
        e.strip() if e.strip().startswith(".") else f".{e.strip()}"
        for e in value.split(",")
        if e.strip()
    )
    if not endings:
        raise InputError(f"--ext {value!r}: give file endings such as .txt or .txt,.md")
    return endings


def _settings_and_slogans(args: argparse.Namespace):
    from analysis.lexicon import choose_slogans
    from analysis.settings import lexicon_path, load_settings

    settings = load_settings(args.config)
    return settings, choose_slogans(args.slogans, lexicon_path(settings, "slogans"))


def _build(args: argparse.Namespace, settings, lexicon):
    from analysis.pipeline import build_corpus

    texts = Path(args.texts)
    return build_corpus(
        texts,
        _metadata_for(texts, args.metadata),
        settings=settings,
        slogans=lexicon,
        segmenter=args.segmenter,
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
        use_cache=not args.no_cache,
        progress=not args.quiet,
        extensions=_extensions(args.ext),
    )


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


# --- commands ------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from analysis.run_state import is_up_to_date, record_run, run_fingerprint
    from analysis.runner import run_analysis

    settings, lexicon = _settings_and_slogans(args)
    texts, metadata = Path(args.texts), _metadata_for(Path(args.texts), args.metadata)
    options = {
        key: getattr(args, key)
        for key in ("slogans", "segmenter", "figures", "no_figures", "no_notebooks")
    }
    fingerprint = run_fingerprint(texts, _extensions(args.ext), metadata, settings, options)
    if not args.force and is_up_to_date(Path(args.out), fingerprint):
        _say(args, f"up to date: {args.out} holds this run's outputs (--force to run again)")
        return 0
    corpus = _build(args, settings, lexicon)
    if len(corpus.documents) > LARGE_CORPUS and args.config is None:
        _say(
            args,
            f"note: {len(corpus.documents)} documents with the study's settings; for large "
            "corpora --config data/settings-large.yml keeps tables to a useful size",
        )
    summary, written = run_analysis(
        corpus,
        settings,
        out=Path(args.out),
        figures=None if args.no_figures else Path(args.figures),
        notebooks=not args.no_notebooks,
        texts=texts,
        metadata=metadata,
        slogans=args.slogans,
        progress=not args.quiet,
    )
    record_run(Path(args.out), fingerprint, written)
    _say(args, summary)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from analysis.corpus_add import add_text

    folder = Path(args.to)
    metadata = args.metadata
    if metadata is None and folder.resolve() == DEFAULT_TEXTS.resolve():
        metadata = DEFAULT_METADATA
    fields = {
        name: getattr(args, name)
        for name in (
            "title",
            "year",
            "level",
            "genre",
            "region",
            "speaker_or_issuer",
            "source_site",
        )
    }
    target, row = add_text(
        args.file,
        folder,
        metadata=metadata,
        doc_id=args.doc_id,
        fields=fields,
        extensions=_extensions(args.ext),
    )
    print(
        f"added {row['doc_id']} as {target} ({row['encoding']})"
        + (f"; metadata row appended to {metadata}" if metadata else "")
    )
    return 0


def cmd_kwic(args: argparse.Namespace) -> int:
    from analysis.measures.kwic import check_kwic_request, kwic, kwic_text, write_kwic

    settings, lexicon = _settings_and_slogans(args)
    width = args.width if args.width is not None else (settings.get("kwic") or {}).get("width", 20)
    check_kwic_request(args.pattern, lexicon, width=width, sort=args.sort, out=args.out)
    corpus = _build(args, settings, lexicon)
    table = kwic(
        corpus.documents,
        args.pattern,
        slogans=lexicon,
        sentences=corpus.sentences,
        width=width,
        sort=args.sort,
    )
    summary = f"{len(table)} matches of {args.pattern} in {table['doc_id'].nunique()} documents"
    if args.out is None:
        sys.stdout.write(kwic_text(table))
        _say(args, summary)
    else:
        path = write_kwic(table, args.out, title=f"KWIC: {args.pattern}")
        if not args.quiet:
            print(f"{summary}; wrote {path}")
    return 0


def cmd_slogans(args: argparse.Namespace) -> int:
    from analysis.measures.slogan_counts import textstat_slogans

    settings, lexicon = _settings_and_slogans(args)
    corpus = _build(args, settings, lexicon)
    counts = textstat_slogans(
        corpus.documents,
        corpus.mentions,
        lexicon,
        group_by=(),
        bootstrap_resamples=args.bootstrap,
        seed=(settings.get("slogan_counts") or {}).get("seed", 20071020),
    )
    columns = ["scope", "doc_id", "slogan", "count", "token_count", "per_10k_chars"]
    if args.bootstrap:
        columns += ["ci_low", "ci_high"]
    table = counts[columns]
    if args.csv:
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        with pd.option_context("display.max_rows", None, "display.width", 200):
            print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from analysis.pipeline import document_summary

    settings, lexicon = _settings_and_slogans(args)
    corpus = _build(args, settings, lexicon)
    docs = document_summary(corpus)
    years = docs["year"].dropna()
    print(f"texts: {args.texts}")
    print(
        f"{len(docs)} documents; {int(docs['n_chars_raw'].sum()):,} characters raw, "
        f"{int(docs['n_chars'].sum()):,} after cleaning; {int(docs['n_tokens'].sum()):,} word "
        f"tokens; {int(docs['n_sentences'].sum()):,} sentences; {len(corpus.mentions):,} slogan "
        "mentions"
    )
    if len(years):
        print(f"years: {int(years.min())}–{int(years.max())} ({len(years)} documents dated)")
    for column in ("script", "encoding", "level", "genre"):
        values = docs[column].fillna("(none)").value_counts()
        print(f"{column}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
    removed = corpus.cleaning_log.groupby("rule")["text"].apply(lambda t: t.str.len().sum())
    print(
        "cleaning removed or changed: "
        + ", ".join(
            f"{rule} {int(n):,}" for rule, n in removed.sort_values(ascending=False).items()
        )
        + " characters"
    )
    with pd.option_context("display.max_rows", 50, "display.width", 200):
        print(docs.drop(columns=["file"]).to_string(index=False, max_colwidth=24))
    return 0


def cmd_check_lexicon(args: argparse.Namespace) -> int:
    from analysis.lexicon_check import check_lexicon

    settings, lexicon = _settings_and_slogans(args)
    corpus = _build(args, settings, lexicon)
    table = check_lexicon(corpus)
    split = table[table["split"] > 0]
    shown = table if args.all else table[table["occurrences"] > 0]
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(shown.to_string(index=False))
    for row in split.itertuples():
        print(
            f"warning: {row.term} ({row.source}) is split in {row.split} of {row.occurrences} "
            f"occurrences, e.g. {row.example}; raise its frequency in userdict.txt or remove an "
            "overlapping term",
            file=sys.stderr,
        )
    if split.empty:
        _say(args, f"all {int((table['occurrences'] > 0).sum())} terms that occur are kept whole")
    return 1 if args.strict and not split.empty else 0


# --- parser --------------------------------------------------------------------------------


def _command(commands, name: str, help: str, description: str) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Comparative discourse analysis of Chinese political texts. "
        "`python -m analysis COMMAND --help` shows each command's options and examples.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    run = _command(
        commands,
        "run",
        "the whole analysis: tables, figures, notebooks",
        "Load, clean and segment a folder of texts; write every table under OUT/tables/, every "
        "figure into the figures folder, and the executed notebooks and HTML report under "
        "OUT/notebooks/.",
    )
    _corpus_options(run)
    out = run.add_argument_group("output")
    out.add_argument("--out", default="results", help="output folder (default: results)")
    out.add_argument("--figures", default="figures", help="figures folder (default: figures)")
    out.add_argument("--no-figures", action="store_true", help="skip the figures")
    out.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks")
    out.add_argument(
        "--force", action="store_true", help="run even when the outputs are up to date"
    )
    run.set_defaults(handler=cmd_run)

    add = _command(
        commands,
        "add",
        "copy a new text into a corpus folder and append its metadata",
        "Copy FILE byte for byte into the corpus folder as DOC_ID.txt and append its metadata "
        "row (with its SHA-256). Refuses a doc id the corpus has, or content it already holds.",
    )
    add.add_argument("file", metavar="FILE", help="the text file to add")
    add.add_argument("--to", default=str(DEFAULT_TEXTS), help="corpus folder (default: data/raw)")
    add.add_argument(
        "--metadata",
        default=None,
        help="metadata CSV to append to (default: data/metadata.csv for data/raw)",
    )
    add.add_argument("--doc-id", default=None, help="doc id (default: from the file name)")
    add.add_argument("--ext", default=".txt", help="file endings of the corpus (default: .txt)")
    for name in ("title", "year", "level", "genre", "region", "speaker_or_issuer", "source_site"):
        add.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None)
    add.set_defaults(handler=cmd_add)

    kwic = _command(
        commands,
        "kwic",
        "concordance: every match of a slogan or regular expression",
        "Print (or write as .csv or .html) every match of PATTERN in the cleaned texts with its "
        "left and right context. PATTERN is a slogan name from slogans.yml (all its variants "
        "match) or else a regular expression.",
    )
    kwic.add_argument("pattern", metavar="PATTERN", help="slogan name or regular expression")
    _corpus_options(kwic)
    kwic.add_argument("--width", type=int, default=None, help="context characters (default: 20)")
    kwic.add_argument(
        "--sort",
        choices=["position", "left", "right"],
        default="position",
        help="order: position in the texts (default), left or right context",
    )
    kwic.add_argument("--out", default=None, help="write FILE.csv or FILE.html instead of printing")
    kwic.set_defaults(handler=cmd_kwic)

    slogans = _command(
        commands,
        "slogans",
        "slogan counts per document as a table",
        "Print each slogan's mentions, whole-token mentions and rate per 10,000 characters in "
        "every document and the corpus.",
    )
    _corpus_options(slogans)
    slogans.add_argument(
        "--bootstrap", type=int, default=0, help="resamples for 95%% intervals (default: none)"
    )
    slogans.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    slogans.set_defaults(handler=cmd_slogans)

    info = _command(
        commands,
        "info",
        "corpus summary",
        "Summarise a corpus: documents, sizes, scripts, "
        "encodings, metadata coverage and what cleaning removed.",
    )
    _corpus_options(info)
    info.set_defaults(handler=cmd_info)

    check = _command(
        commands,
        "check-lexicon",
        "how each slogan and dictionary term is segmented",
        "Show, for every slogan and user-dictionary term, how often it occurs as a whole token, "
        "inside a longer token, or split across tokens, and warn where it is split.",
    )
    _corpus_options(check)
    check.add_argument("--all", action="store_true", help="also list terms that never occur")
    check.add_argument("--strict", action="store_true", help="exit with 1 when a term is split")
    check.set_defaults(handler=cmd_check_lexicon)
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
