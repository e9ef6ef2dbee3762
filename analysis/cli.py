"""The command line: ``python -m analysis <command>`` (also installed as ``analysis``).

Commands: ``run`` (the whole analysis), ``add`` (a new text into a corpus), ``kwic``
(concordance), ``slogans`` (slogan counts), ``trends`` (any term over the years), ``info``
(corpus summary), ``verify`` (results against their manifest) and ``check-lexicon`` (how slogans
and dictionary terms are segmented).
The commands that read a corpus share one set of options (texts, metadata, settings, slogans,
segmenter, jobs, engine). The logic lives in the package, and the decisions the commands take
(which settings a large corpus gets, where figures go, what ``info`` reports …) in
:mod:`analysis.run.policy`; this module parses arguments and prints.

Errors in the input (:class:`~analysis.errors.InputError`, from any command) are reported in one
line naming the file and the fix, with exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.run.policy import (
    DEFAULT_OUT,
    DEFAULT_TEXTS,
    FINGERPRINT_OPTIONS,
    check_output_files,
    corpus_info_lines,
    default_settings_file,
    figures_folder,
    is_table_with_columns,
    kwic_width,
    metadata_for,
    metadata_to_append,
    one_line,
    reference_scores_option,
    settings_file_for_run,
    settings_with_figure_slogans,
    settings_with_options,
    slogan_counts_seed,
    slogans_named_on_the_command_line,
    trends_settings,
)

#: The metadata fields ``add`` takes as options (``--speaker-or-issuer`` for speaker_or_issuer).
ADD_FIELDS = ("title", "year", "level", "genre", "region", "speaker_or_issuer", "source_site")
#: ``--reference-scores``, parsed (the name tests/test_models.py imports).
_reference_scores_option = reference_scores_option

EXAMPLES = {
    "run": """examples:
  python -m analysis run                                  # the five study documents
  python -m analysis run --texts ../my_texts --out my_results
  python -m analysis run --texts corpus/ --metadata corpus/metadata.csv --no-notebooks
  python -m analysis run --texts news/ --ext .md --config data/settings-large.yml --jobs 2
  python -m analysis run --slogans 团结,民主集中制,一把手 --segmenter rjieba
  python -m analysis run --texts corpus/ --metadata corpus/meta.csv --group-by genre,decade
  python -m analysis run --slogans 改革开放,团结,'re:民主.{0,2}制' --periods 1978,1992,2002,2012
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
    "trends": """examples:
  python -m analysis trends 团结 一把手 --texts ../shared/corpora/political/txt
  python -m analysis trends 改革开放 're:民主.{0,2}制' --texts corpus/ --metadata meta.csv \\
      --by genre --out trends.png
  python -m analysis trends 团结 --texts news/ --ext .md --time decade --out trends.csv
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
        type=whole_number(1, at_most_cpus=True),
        default=None,
        help="processes for cleaning, segmenting, writing tables and drawing figures, and "
        "statistics computed at once (default and at most: the CPUs)",
    )
    group.add_argument("--engine", choices=["local", "dask"], default="local")
    group.add_argument("--scheduler", default=None, help="dask scheduler address (--engine dask)")
    group.add_argument("--no-cache", action="store_true", help="segment everything anew")
    group.add_argument("--quiet", action="store_true", help="print nothing but errors")


def whole_number(minimum: int, *, at_most_cpus: bool = False) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum`` (with ``at_most_cpus``, more
    than the machine's CPUs counts as all of them: more processes only compete)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is less than {minimum}")
        return min(value, os.cpu_count() or 1) if at_most_cpus else value

    return parse


def check_file_outputs(args: argparse.Namespace, paths: list[Path]) -> None:
    """The files of ``kwic --out`` and ``trends --out`` are none of the command's inputs
    (:func:`analysis.run.policy.check_output_files`)."""
    config = getattr(args, "config", None)
    inputs = [
        p
        for p in (
            metadata_for(Path(args.texts), getattr(args, "metadata", None)),
            Path(config) if config else None,
        )
        if p is not None
    ]
    check_output_files(paths, texts=Path(args.texts), inputs=inputs)


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
    from analysis.config.lexicon import ad_hoc_note, choose_slogans
    from analysis.config.settings import lexicon_path, load_settings

    settings = load_settings(args.config)
    lexicon = choose_slogans(args.slogans, lexicon_path(settings, "slogans"))
    note = ad_hoc_note(lexicon)
    if note:
        _say(args, note)
    return settings, lexicon


def _build(args: argparse.Namespace, settings, lexicon):
    from analysis.corpus.build import build_corpus

    texts = Path(args.texts)
    return build_corpus(
        texts,
        metadata_for(texts, args.metadata),
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


def _apply_grouping_options(args: argparse.Namespace, settings: dict) -> dict:
    """``--group-by``, ``--periods``, ``--formats``, ``--only-figures``, ``--language`` and
    ``--reference-scores`` written into the settings
    (:func:`analysis.run.policy.settings_with_options`)."""
    options = ("periods", "formats", "only_figures", "language", "reference_scores", "group_by")
    return settings_with_options(
        settings, **{name: getattr(args, name, None) for name in options}
    )


# --- commands ------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from analysis.run.manifest import input_files
    from analysis.run.runner import RunRequest
    from analysis.run.state import is_up_to_date, run_fingerprint

    texts, metadata = Path(args.texts), metadata_for(Path(args.texts), args.metadata)
    extensions = _extensions(args.ext)
    args.config, note = settings_file_for_run(args.config, texts, extensions)
    if note:
        _say(args, note)
    settings, lexicon = _run_settings(args)
    inputs = input_files(texts, extensions, metadata)  # hashed once: fingerprint and manifest
    options = {key: getattr(args, key) for key in FINGERPRINT_OPTIONS}
    fingerprint = run_fingerprint(inputs, settings, options)
    if not args.force and is_up_to_date(Path(args.out), fingerprint):
        _say(args, f"up to date: {args.out} holds this run's outputs (--force to run again)")
        return 0
    request = RunRequest.snapshot(
        texts=texts,
        extensions=extensions,
        metadata=metadata,
        settings_file=Path(args.config) if args.config else default_settings_file(),
        options={k: v for k, v in vars(args).items() if k not in ("handler", "argv")},
        command=["python -m analysis", *(args.argv or [])],
        fingerprint=fingerprint,
        inputs=inputs,
    )
    return _run_and_report(args, request, settings, lexicon)


def _run_settings(args: argparse.Namespace):
    """The settings and slogans of ``run``, with its options written in; the figure settings are
    checked now, not after the statistics."""
    settings, lexicon = _settings_and_slogans(args)
    settings = _apply_grouping_options(args, settings)
    if slogans_named_on_the_command_line(args.slogans):
        settings = settings_with_figure_slogans(settings, lexicon.names)
    if not args.no_figures:
        from analysis.run.figures import figure_settings

        figure_settings(settings)  # a mistake there is reported now, not after the statistics
    return settings, lexicon


def _run_and_report(args: argparse.Namespace, request, settings, lexicon) -> int:
    """Run the analysis into a staging folder committed at the end; print its summary and any
    failed figure or notebook (exit code 1: everything else is in place)."""
    from analysis.corpus.engine import use_heap_for_arrow
    from analysis.run.outputs import previous_figures_folder, staged_run
    from analysis.run.runner import failure_line, run_analysis

    use_heap_for_arrow()
    figures = None if args.no_figures else figures_folder(args.out, args.figures)
    read = [request.texts, request.settings_file, *([request.metadata] if request.metadata else [])]
    # without figures, those of the run being replaced go with its tables
    old_figures = previous_figures_folder(Path(args.out)) if figures is None else None
    with staged_run(
        Path(args.out), figures, request.run_id, inputs=read, old_figures=old_figures
    ) as stage:
        corpus = _build(args, settings, lexicon)
        outcome = run_analysis(
            corpus,
            settings,
            stage=stage,
            request=request,
            notebooks=not args.no_notebooks,
            progress=not args.quiet,
            jobs=args.jobs,
        )
    _say(args, outcome.summary)
    for failure in outcome.failures:
        print(f"error: {one_line(failure_line(failure, stage))}", file=sys.stderr)
    if outcome.failures:
        print(
            f"error: {len(outcome.failures)} of the run's figures or notebooks failed (above); "
            f"every table and the rest are in place, and {args.out}/manifest.json records the "
            "failure",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_trends(args: argparse.Namespace) -> int:
    from analysis.run.options import slogan_trends, study_documents

    if any("," in t or "，" in t for t in args.terms if not t.startswith("re:")):
        raise InputError(
            f"trends: give terms as separate arguments (改革开放 团结), not a comma list: "
            f"{args.terms}"
        )
    args.slogans = ",".join(args.terms)  # split again as --slogans is (re:…{0,2} keeps its comma)
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".png", ".pdf", ".svg"):
        raise InputError(f"--out {args.out}: give a file ending in .csv, .png, .pdf or .svg")
    if out is not None:
        check_file_outputs(args, [out, out.with_suffix(".csv")])
    settings, lexicon = _settings_and_slogans(args)
    args.group_by = None
    settings = trends_settings(
        _apply_grouping_options(args, settings), by=args.by, time=args.time, resample=args.resample
    )
    corpus = _build(args, settings, lexicon)
    table = slogan_trends(study_documents(corpus, settings), corpus.mentions, lexicon, settings)
    if table is None:
        raise InputError(
            f"{args.texts}: no document has a year; give a metadata CSV with a year column "
            "(--metadata) or write the year in the file names (report_1998.txt)"
        )
    if out is None:
        _print_trends(table)
        return 0
    written = _write_trends(table, out)
    _say(args, "wrote " + ", ".join(str(p) for p in written))
    return 0


def _print_trends(table: pd.DataFrame) -> None:
    from analysis.measures.trends import TREND_SUMMARY_COLUMNS

    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(
            table[TREND_SUMMARY_COLUMNS].to_string(index=False, float_format=lambda v: f"{v:.2f}")
        )


def _write_trends(table: pd.DataFrame, out: Path) -> list[Path]:
    """The trends table as ``out`` (.csv), or the figure as ``out`` and the table beside it."""
    from analysis.plots import save_figure, textplot_slogan_trends
    from analysis.run.export import write_csv

    csv = out if out.suffix.lower() == ".csv" else out.with_suffix(".csv")
    if csv != out and csv.is_file() and not is_table_with_columns(csv, table.columns):
        raise InputError(
            f"{csv}: exists and is not a trends table (its header differs), and the table of "
            f"--out {out} goes there; choose another --out or move that file"
        )
    written = [write_csv(table, csv)]
    if out.suffix.lower() != ".csv":
        figure = textplot_slogan_trends(table)
        written += save_figure(figure, str(out))
    return written


def cmd_add(args: argparse.Namespace) -> int:
    from analysis.corpus.add import add_text

    folder = Path(args.to)
    metadata = metadata_to_append(folder, args.metadata)
    target, row = add_text(
        args.file,
        folder,
        metadata=metadata,
        doc_id=args.doc_id,
        fields={name: getattr(args, name) for name in ADD_FIELDS},
        extensions=_extensions(args.ext),
    )
    print(
        f"added {row['doc_id']} as {target} ({row['encoding']})"
        + (f"; metadata row appended to {metadata}" if metadata else "")
    )
    return 0


def cmd_kwic(args: argparse.Namespace) -> int:
    from analysis.measures.kwic import check_kwic_request, kwic, kwic_text
    from analysis.run.export import write_kwic

    settings, lexicon = _settings_and_slogans(args)
    width = kwic_width(settings, args.width)
    check_kwic_request(args.pattern, lexicon, width=width, sort=args.sort, out=args.out)
    if args.out is not None:
        check_file_outputs(args, [Path(args.out)])
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
        seed=slogan_counts_seed(settings),
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
    from analysis.corpus.build import document_summary

    settings, lexicon = _settings_and_slogans(args)
    corpus = _build(args, settings, lexicon)
    docs = document_summary(corpus)
    for line in corpus_info_lines(args.texts, corpus, docs):
        print(line)
    with pd.option_context("display.max_rows", 50, "display.width", 200):
        print(docs.drop(columns=["file"]).to_string(index=False, max_colwidth=24))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from analysis.run.manifest import read_manifest, verify_manifest

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
    # A run whose figure or notebook failed committed everything else: its outputs verify, and
    # what it lacks is said here (its own exit code was 1).
    for failure in manifest.get("failures") or []:
        where = f" (executed copy: {failure['path']})" if failure.get("path") else ""
        _say(
            args,
            f"note: in this run {failure.get('stage', 'a step')} {failure.get('name', '?')} "
            f"failed: {failure.get('error', '')}{where}",
        )
    return 0


def cmd_check_lexicon(args: argparse.Namespace) -> int:
    from analysis.corpus.lexicon_check import check_lexicon

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
    for add_command in (
        _run_command,
        _trends_command,
        _add_command,
        _kwic_command,
        _slogans_command,
        _info_command,
        _verify_command,
        _check_lexicon_command,
    ):
        add_command(commands)
    return parser


def _run_command(commands) -> None:
    run = _command(
        commands,
        "run",
        "the whole analysis: tables, figures, notebooks",
        "Load, clean and segment a folder of texts; write every table under OUT/tables/, every "
        "figure into the figures folder, and the executed notebooks and HTML report under "
        "OUT/notebooks/.",
    )
    _corpus_options(run)
    _run_output_options(run)
    models = run.add_argument_group("models")
    models.add_argument(
        "--reference-scores",
        default=None,
        metavar="SCORES",
        help="Wordscores reference texts: doc_id=score pairs (gwr_1978=-1,gwr_2025=1) or a "
        "metadata column of scores; also turns on the scaling models for a small corpus",
    )
    groups = run.add_argument_group("groups")
    groups.add_argument(
        "--group-by",
        default=None,
        metavar="COLUMNS",
        help="pool documents by these metadata columns, each alone and crossed: genre,decade "
        "gives genre, decade and genre×decade groups (decade and period come from year; "
        "genre*level names one crossing); replaces group_by in every section of the settings",
    )
    groups.add_argument(
        "--periods",
        default=None,
        metavar="YEARS",
        help="break years of a `period` column, e.g. 1978,1992,2002,2012 (settings years: periods)",
    )
    run.set_defaults(handler=cmd_run)


def _run_output_options(run: argparse.ArgumentParser) -> None:
    out = run.add_argument_group("output")
    out.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: results)")
    out.add_argument(
        "--formats",
        default=None,
        help="figure files: a comma list of png, pdf, svg (default: settings `figures: formats`, "
        "all three)",
    )
    out.add_argument(
        "--only-figures",
        default=None,
        metavar="NAMES",
        help="draw only these figures: a comma list such as slogan_trends,keyness (keyness: "
        "every keyness figure; default: settings `figures: only`, every figure)",
    )
    out.add_argument(
        "--language",
        choices=("en", "zh"),
        default=None,
        help="the words of the figures: en (English) or zh (Chinese, 中文图注) (default: "
        "settings `figures: language`, en)",
    )
    out.add_argument(
        "--figures",
        default=None,
        help="figures folder (default: figures with the default --out, else OUT/figures)",
    )
    out.add_argument("--no-figures", action="store_true", help="skip the figures")
    out.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks")
    out.add_argument(
        "--force", action="store_true", help="run even when the outputs are up to date"
    )


def _trends_command(commands) -> None:
    trends = _command(
        commands,
        "trends",
        "the rate of any terms over the years, as a table and a figure",
        "Count TERMs (slogan names, literal terms, or regular expressions after re:) in every "
        "document with a year, and print (or write as .csv, or draw as .png/.pdf/.svg) their "
        "rate per 10,000 characters per year, decade or period, for all documents and per group, "
        "with bootstrap intervals.",
    )
    trends.add_argument("terms", nargs="+", metavar="TERM", help="term, slogan name or re:REGEX")
    _corpus_options(trends)
    trends.add_argument(
        "--by", default=None, metavar="COLUMN", help="one line per group of this column or crossing"
    )
    trends.add_argument(
        "--time", choices=["year", "decade", "period"], default=None, help="default: year"
    )
    trends.add_argument(
        "--periods", default=None, metavar="YEARS", help="break years, for --time period"
    )
    trends.add_argument(
        "--resample",
        choices=["paragraphs", "documents"],
        default=None,
        help="what group intervals resample (default: settings slogan_counts: resample)",
    )
    trends.add_argument(
        "--out",
        default=None,
        help="write FILE.csv, or the figure as FILE.png/.pdf/.svg (also FILE.csv beside it)",
    )
    trends.set_defaults(handler=cmd_trends)


def _add_command(commands) -> None:
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
    for name in ADD_FIELDS:
        add.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None)
    add.set_defaults(handler=cmd_add)


def _kwic_command(commands) -> None:
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


def _slogans_command(commands) -> None:
    slogans = _command(
        commands,
        "slogans",
        "slogan counts per document as a table",
        "Print each slogan's mentions, whole-token mentions and rate per 10,000 characters in "
        "every document and the corpus.",
    )
    _corpus_options(slogans)
    slogans.add_argument(
        "--bootstrap",
        type=whole_number(0),
        default=0,
        help="resamples for 95%% intervals (default: none)",
    )
    slogans.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    slogans.set_defaults(handler=cmd_slogans)


def _info_command(commands) -> None:
    info = _command(
        commands,
        "info",
        "corpus summary",
        "Summarise a corpus: documents, sizes, scripts, "
        "encodings, metadata coverage and what cleaning removed.",
    )
    _corpus_options(info)
    info.set_defaults(handler=cmd_info)


def _verify_command(commands) -> None:
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


def _check_lexicon_command(commands) -> None:
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


class Interrupted(BaseException):
    """SIGTERM, raised where the process is, so that a run cleans up as after Ctrl-C."""


def _raise_interrupted(signum, frame) -> None:
    raise Interrupted(signum)


INTERRUPTED = (
    "interrupted: the run stopped and kept nothing unfinished; the results of earlier runs are as "
    "they were (a commit cut short is completed by the next run)"
)


def main(argv: list[str] | None = None) -> int:
    """The command line; exit codes: 0 done, 1 a figure or notebook failed (or verify found a
    difference), 2 bad input, 130 Ctrl-C, 143 SIGTERM."""
    import signal
    import threading

    on_term = None
    if threading.current_thread() is threading.main_thread():
        on_term = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print(f"error: {INTERRUPTED}", file=sys.stderr)
        return 130
    except Interrupted:
        print(
            f"error: {INTERRUPTED.replace('interrupted', 'terminated (SIGTERM)', 1)}",
            file=sys.stderr,
        )
        return 143
    finally:
        if on_term is not None:
            signal.signal(signal.SIGTERM, on_term)


def _main(argv: list[str] | None) -> int:
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
        except BrokenPipeError:  # `... | head`: the reader has what it wanted
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # Python's flush at exit must not fail again
            return 0
        except OSError as exc:  # a folder that cannot be written, a full disk: not a bug
            print(f"error: {os_error_line(exc)}", file=sys.stderr)
            return 2


def os_error_line(exc: OSError) -> str:
    """One line for an error of the file system: what happened, where if known, and what to do
    (a run has then committed nothing: earlier outputs are as they were)."""
    import errno

    where = f" ({one_line(str(exc.filename))})" if exc.filename is not None else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"the disk is full{where}; free some space, or pass --out (and --figures) on a "
            "disk with room, and run again; nothing of this run was kept and earlier outputs "
            "are as they were"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"not allowed to write or read here{where}: {exc.strerror}; choose a folder you "
            "may write to (--out) or fix its permissions"
        )
    reason = exc.strerror or " ".join(str(exc).split())
    place = one_line(str(exc.filename)) + ": " if exc.filename is not None else ""
    return (
        f"{place}{reason}; check that the path is right, that you may read or write there and "
        "that the disk has space"
    )


if __name__ == "__main__":
    sys.exit(main())
