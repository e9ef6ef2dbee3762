"""The command line: ``python -m analysis <command>`` (also installed as ``analysis``).

Commands: ``run`` (the whole analysis), ``add`` (a new text into a corpus), ``kwic``
(concordance), ``slogans`` (slogan counts), ``info`` (corpus summary), ``verify`` (results
against their manifest) and ``check-lexicon`` (how slogans and dictionary terms are segmented).
The commands that read a corpus share one set of options (texts, metadata, settings, slogans,
segmenter, jobs, engine). The logic lives in the
package; this module parses arguments and prints.

Errors in the input are reported in one line naming the file and the fix, with exit code 2.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.paths import PROJECT_ROOT

DEFAULT_TEXTS = PROJECT_ROOT / "data" / "raw"
DEFAULT_METADATA = PROJECT_ROOT / "data" / "metadata.csv"
LARGE_CORPUS = 300  # documents; above this `run` uses data/settings-large.yml unless --config

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
    "verify": """examples:
  python -m analysis verify                               # results/manifest.json
  python -m analysis verify my_results
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
    from analysis.corpus import text_files
    from analysis.manifest import input_files
    from analysis.outputs import staged_run
    from analysis.run_state import is_up_to_date, run_fingerprint
    from analysis.runner import RunRequest, run_analysis

    texts, metadata = Path(args.texts), _metadata_for(Path(args.texts), args.metadata)
    extensions = _extensions(args.ext)
    if args.config is None and texts.is_dir():
        # The study's settings write tables that grow as documents² or documents × vocabulary
        # (similarity of all pairs, per-document n-grams): 10,000 documents would need ~19 GB.
        n_texts = len(text_files(texts, extensions))
        large = _default_settings_file().with_name("settings-large.yml")
        if n_texts > LARGE_CORPUS and large.is_file():
            args.config = str(large)
            _say(
                args,
                f"note: {n_texts:,} texts: using {args.config}, whose tables grow with the "
                "corpus rather than with its square; --config data/settings.yml uses the "
                "study's settings instead",
            )
    settings, lexicon = _settings_and_slogans(args)
    options = {
        key: getattr(args, key)
        for key in ("slogans", "segmenter", "figures", "no_figures", "no_notebooks")
    }
    inputs = input_files(texts, extensions, metadata)  # hashed once: fingerprint and manifest
    fingerprint = run_fingerprint(inputs, settings, options)
    if not args.force and is_up_to_date(Path(args.out), fingerprint):
        _say(args, f"up to date: {args.out} holds this run's outputs (--force to run again)")
        return 0
    request = RunRequest.snapshot(
        texts=texts,
        extensions=extensions,
        metadata=metadata,
        settings_file=Path(args.config) if args.config else _default_settings_file(),
        options={k: v for k, v in vars(args).items() if k not in ("handler", "argv")},
        command=["python -m analysis", *(args.argv or [])],
        fingerprint=fingerprint,
        inputs=inputs,
    )
    figures = None if args.no_figures else Path(args.figures)
    with staged_run(Path(args.out), figures, request.run_id) as stage:
        corpus = _build(args, settings, lexicon)
        summary, _ = run_analysis(
            corpus,
            settings,
            stage=stage,
            request=request,
            notebooks=not args.no_notebooks,
            slogans=args.slogans,
            progress=not args.quiet,
        )
    _say(args, summary)
    return 0


def _default_settings_file() -> Path:
    from analysis.paths import data_file

    return data_file("settings.yml")


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


def cmd_verify(args: argparse.Namespace) -> int:
    from analysis.manifest import read_manifest, verify_manifest

    manifest = read_manifest(args.out)
    problems = verify_manifest(args.out)
    for problem in problems:
        print(f"changed: {problem}", file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} difference(s) from run {manifest['run_id']}; run the analysis again "
            "to regenerate the results from the current inputs",
            file=sys.stderr,
        )
        return 1
    _say(
        args,
        f"run {manifest['run_id']}: all {len(manifest['outputs'])} outputs and "
        f"{len(manifest['inputs']['files'])} input texts are as the run left them",
    )
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

    verify = _command(
        commands,
        "verify",
        "check results against their manifest",
        "Check that every output listed in OUT/manifest.json is as the run wrote it and that "
        "every input text and the metadata are unchanged; exit 1 listing what differs.",
    )
    verify.add_argument(
        "out", nargs="?", default="results", help="output folder of a run (default: results)"
    )
    verify.add_argument("--quiet", action="store_true", help="print nothing but differences")
    verify.set_defaults(handler=cmd_verify)

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


def one_line(message: str) -> str:
    """``message`` on one line: line breaks and other control characters (say, in a file name)
    shown as escapes."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", lambda m: repr(m.group())[1:-1], message)


def _warning_printer():
    """Warnings as ``warning: message``, one line each and each message once (a measure run per
    grouping would repeat it), instead of Python's two lines with the source."""
    shown: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        text = one_line(str(message))
        if text not in shown:
            shown.add(text)
            print(f"warning: {text}", file=sys.stderr)

    return show


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    with warnings.catch_warnings():
        if getattr(args, "quiet", False):
            warnings.simplefilter("ignore")
        else:
            warnings.showwarning = _warning_printer()
        try:
            return args.handler(args)
        except InputError as exc:
            print(f"error: {one_line(str(exc))}", file=sys.stderr)
            return 2
        except OSError as exc:  # a folder that cannot be written, a full disk: not a bug
            where = exc.filename if exc.filename is not None else "a file"
            print(
                f"error: {one_line(str(where))}: {exc.strerror or exc}; check that the path is "
                "right, that you may read or write there and that the disk has space",
                file=sys.stderr,
            )
            return 2


if __name__ == "__main__":
    sys.exit(main())
