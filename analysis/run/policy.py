"""The decisions the command line takes for the researcher, as functions a test can call.

* which inputs a command reads when not told: the study's metadata goes with its texts, and a
  large corpus is run with ``data/settings-large.yml`` (:func:`settings_file_for_run`);
* where a run's figures go (:func:`figures_folder`);
* how ``run``'s options change the settings (:func:`settings_with_options`), so that the
  manifest, the fingerprint and the notebooks all see them, and which options the fingerprint
  records (:data:`FINGERPRINT_OPTIONS`);
* which files ``kwic --out`` and ``trends --out`` may write (:func:`check_output_files`);
* what ``info`` reports about a corpus (:func:`corpus_info_lines`).

:mod:`analysis.cli` parses the arguments, calls these and prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.config.paths import PROJECT_ROOT, data_file
from analysis.errors import InputError

DEFAULT_TEXTS = PROJECT_ROOT / "data" / "raw"
DEFAULT_METADATA = PROJECT_ROOT / "data" / "metadata.csv"
DEFAULT_OUT = "results"
# Above either size `run` uses data/settings-large.yml unless --config says otherwise: the
# study's settings write tables that grow as documents² or documents × vocabulary.
LARGE_CORPUS = 300  # documents
LARGE_CORPUS_BYTES = 20_000_000  # bytes of text, about 7 million Chinese characters
#: The options of ``run`` that change its outputs: a run with other values is no longer up to
#: date (:func:`analysis.run.state.run_fingerprint`).
FINGERPRINT_OPTIONS = (
    "slogans",
    "segmenter",
    "figures",
    "no_figures",
    "no_notebooks",
    "group_by",
    "periods",
    "formats",
    "only_figures",
    "language",
    "reference_scores",
)
_PERIODS_EXAMPLE = "1978,1992,2002,2012"


# --- inputs --------------------------------------------------------------------------------


def one_line(message: str) -> str:
    """``message`` on one line: line breaks and other control characters (say, in a file name)
    shown as escapes."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", lambda m: repr(m.group())[1:-1], message)


def metadata_for(texts: Path, metadata: str | None) -> Path | None:
    """The metadata file read with ``texts``: ``--metadata`` as given (``none``: no metadata);
    without it data/metadata.csv for the study's data/raw and none for any other folder."""
    if metadata is not None:
        return None if metadata.lower() == "none" else Path(metadata)
    if Path(texts).resolve() == DEFAULT_TEXTS.resolve() and DEFAULT_METADATA.exists():
        return DEFAULT_METADATA
    return None


def metadata_to_append(folder: Path, metadata: str | None) -> Path | str | None:
    """The metadata file ``add`` appends a row to: ``--metadata``; without it data/metadata.csv
    when the text goes into data/raw, and none elsewhere."""
    if metadata is None and Path(folder).resolve() == DEFAULT_TEXTS.resolve():
        return DEFAULT_METADATA
    return metadata


def default_settings_file() -> Path:
    return data_file("settings.yml")


def large_corpus_reason(sizes: Sequence[int]) -> str | None:
    """Why a corpus of files of these sizes (bytes) is large, or ``None`` below both
    :data:`LARGE_CORPUS` and :data:`LARGE_CORPUS_BYTES`."""
    if len(sizes) > LARGE_CORPUS:
        return f"{len(sizes):,} texts (more than {LARGE_CORPUS})"
    size = sum(sizes)
    if size > LARGE_CORPUS_BYTES:
        return f"{size / 1e6:.0f} MB of text (more than {LARGE_CORPUS_BYTES / 1e6:.0f} MB)"
    return None


def settings_file_for_run(
    config: str | None, texts: Path, extensions: tuple[str, ...]
) -> tuple[str | None, str | None]:
    """``(settings file, note)`` for ``run``: ``--config`` as given; without it
    data/settings-large.yml for a large corpus (:func:`large_corpus_reason`), with a note saying
    why, and ``None`` (the study's data/settings.yml) otherwise."""
    from analysis.corpus.load import text_files

    if config is not None or not Path(texts).is_dir():
        return config, None
    large = default_settings_file().with_name("settings-large.yml")
    why = large_corpus_reason([f.stat().st_size for f in text_files(Path(texts), extensions)])
    if why is None or not large.is_file():
        return None, None
    return str(large), (
        f"note: {why}: using {large}, whose tables grow with the corpus rather than with its "
        "square; --config data/settings.yml uses the study's settings"
    )


# --- outputs -------------------------------------------------------------------------------


def figures_folder(out: str, figures: str | None) -> Path:
    """The figures folder: ``--figures``; without it ``figures`` beside the study's default
    ``results``, and ``OUT/figures`` for any other ``--out``, so that runs into different
    folders never share (and never replace) each other's figures."""
    if figures is not None:
        return Path(figures)
    return Path("figures") if out == DEFAULT_OUT else Path(out) / "figures"


def check_output_files(paths: Iterable[Path], *, texts: Path, inputs: Iterable[Path]) -> None:
    """``kwic --out`` and ``trends --out`` write the files the researcher names (and trends a
    table beside its figure): never a folder, one of the ``inputs`` (the metadata, the
    settings), a file in the ``texts`` folder or a file in the project's own folders."""
    from analysis.run.outputs import PROJECT_SOURCE_FOLDERS

    texts = Path(texts).resolve()
    inputs = {Path(p).resolve() for p in inputs}
    sources = [PROJECT_ROOT / name for name in PROJECT_SOURCE_FOLDERS]
    for path in paths:
        where = path.resolve()
        if path.is_dir():
            raise InputError(f"--out {path}: is a folder; give a file name such as {path}/out.csv")
        if where in inputs:
            raise InputError(
                f"--out {path}: is one of this command's inputs (the metadata or the settings) "
                "and would be replaced; choose another file name"
            )
        if where == texts or texts in where.parents:
            raise InputError(
                f"--out {path}: is inside the texts folder {texts}, which holds this command's "
                "inputs; write it elsewhere"
            )
        if any(where == s or s in where.parents for s in sources):
            raise InputError(
                f"--out {path}: is inside the project's own folders ({where.parent}); write it "
                "elsewhere, e.g. in results/"
            )


def is_table_with_columns(path: Path, columns: Sequence[object]) -> bool:
    """Whether the CSV file ``path`` starts with the header of a table of ``columns`` (an
    earlier ``trends --out`` of the same shape, which may be replaced)."""
    with Path(path).open("rb") as handle:
        first = handle.readline().decode("utf-8-sig", errors="replace").rstrip("\r\n")
    return first == ",".join(map(str, columns))


# --- settings from options -----------------------------------------------------------------


def settings_with_options(
    settings: dict[str, Any],
    *,
    periods: str | None = None,
    formats: str | None = None,
    only_figures: str | None = None,
    language: str | None = None,
    reference_scores: str | None = None,
    group_by: str | None = None,
) -> dict[str, Any]:
    """``settings`` with ``run``'s options written in (so that the manifest, the fingerprint
    and the notebooks all see them): ``--periods`` as ``years: periods``, ``--formats``,
    ``--only-figures`` (as ``only``) and ``--language`` under ``figures``,
    ``--reference-scores`` under ``scaling`` and ``--group-by`` as the ``group_by`` of every
    grouped section. An option not given leaves its settings."""
    from analysis.corpus.groupings import grouping_name, groupings_from_option
    from analysis.run.options import GROUPED_SECTIONS

    settings = dict(settings)
    if periods:
        settings["years"] = {**(settings.get("years") or {}), "periods": period_breaks(periods)}
    if formats:
        chosen = [f.strip().lower().lstrip(".") for f in formats.split(",") if f.strip()]
        settings["figures"] = {**(settings.get("figures") or {}), "formats": chosen}
    if only_figures:
        chosen = [name.strip() for name in only_figures.split(",") if name.strip()]
        settings["figures"] = {**(settings.get("figures") or {}), "only": chosen}
    if language:
        settings["figures"] = {**(settings.get("figures") or {}), "language": language}
    if reference_scores:
        settings["scaling"] = {
            **(settings.get("scaling") or {}), **reference_scores_option(reference_scores)
        }
    if group_by:
        groupings = [grouping_name(g) for g in groupings_from_option(group_by)]
        for section in GROUPED_SECTIONS:
            settings[section] = {**(settings.get(section) or {}), "group_by": groupings}
    return settings


def period_breaks(text: str) -> list[int]:
    """``--periods``: break years such as ``1978,1992,2002,2012``, increasing, each once."""
    try:
        breaks = [int(p) for p in text.replace("，", ",").split(",") if p.strip()]
    except ValueError:
        raise InputError(
            f"--periods {text!r}: give break years such as {_PERIODS_EXAMPLE}"
        ) from None
    if breaks != sorted(set(breaks)):
        raise InputError(
            f"--periods {text!r}: give break years in increasing order, each once, "
            f"such as {_PERIODS_EXAMPLE}"
        )
    return breaks


def reference_scores_option(value: str) -> dict[str, object]:
    """``--reference-scores``: ``doc=score,doc=score`` (Wordscores' reference texts), or the
    name of a metadata column holding the scores (blank for the texts to be scored)."""
    value = value.strip()
    if "=" not in value:
        return {"reference_column": value, "enabled": True}
    scores: dict[str, float] = {}
    for item in value.replace("，", ",").split(","):
        doc, sep, score = item.partition("=")
        try:
            if not sep or not doc.strip():
                raise ValueError
            scores[doc.strip()] = float(score)
        except ValueError:
            raise InputError(
                f"--reference-scores {value!r}: give doc_id=score pairs such as "
                "gwr_1978=-1,gwr_2025=1, or the name of a metadata column of scores"
            ) from None
    return {"reference_scores": scores, "enabled": True}


def slogans_named_on_the_command_line(slogans: str | None) -> bool:
    """Whether ``--slogans`` names slogans (a comma list) rather than a slogans .yml file: the
    slogans asked for are then the ones the slogan figures show."""
    return bool(slogans) and not slogans.strip().lower().endswith((".yml", ".yaml"))


def settings_with_figure_slogans(settings: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """``settings`` whose slogan figures show ``names``."""
    return {**settings, "figures": {**(settings.get("figures") or {}), "slogans": list(names)}}


def trends_settings(
    settings: dict[str, Any],
    *,
    by: str | None = None,
    time: str | None = None,
    resample: str | None = None,
) -> dict[str, Any]:
    """``settings`` with the ``trends`` section as the ``trends`` command's options change it:
    ``by`` (a column or a crossing such as ``genre*level``), ``time`` and ``resample`` replace
    the section's values when given."""
    from analysis.corpus.groupings import grouping_name, parse_groupings

    section = dict(settings.get("trends") or {})
    if by is not None:
        section["group_by"] = [grouping_name(g) for g in parse_groupings([by])]
    if time is not None:
        section["time"] = time
    if resample is not None:
        section["resample"] = resample
    return {**settings, "trends": section}


def kwic_width(settings: dict[str, Any], width: int | None) -> object:
    """The context of ``kwic``: ``--width``, else the settings' ``kwic: width``, else 20."""
    return width if width is not None else (settings.get("kwic") or {}).get("width", 20)


def slogan_counts_seed(settings: dict[str, Any]) -> object:
    """The seed of the ``slogans`` command's bootstrap: the settings' ``slogan_counts: seed``
    (the study's, 20071020, when left out), as the run uses."""
    return (settings.get("slogan_counts") or {}).get("seed", 20071020)


# --- info ----------------------------------------------------------------------------------


def corpus_info_lines(texts: object, corpus: Any, docs: pd.DataFrame) -> list[str]:
    """What ``info`` prints above the documents table: sizes, years, scripts, encodings,
    levels and genres, what cleaning removed, shared boilerplate and flagged documents.
    ``docs`` is :func:`analysis.corpus.build.document_summary` of ``corpus``."""
    years = docs["year"].dropna()
    lines = [
        f"texts: {texts}",
        f"{len(docs)} documents; {int(docs['n_chars_raw'].sum()):,} characters raw, "
        f"{int(docs['n_chars'].sum()):,} after cleaning; {int(docs['n_tokens'].sum()):,} word "
        f"tokens; {int(docs['n_sentences'].sum()):,} sentences; {len(corpus.mentions):,} slogan "
        "mentions",
    ]
    if len(years):
        lines.append(
            f"years: {int(years.min())}–{int(years.max())} ({len(years)} documents dated)"
        )
    for column in ("script", "encoding", "level", "genre"):
        values = docs[column].fillna("(none)").value_counts()
        lines.append(f"{column}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
    removed = corpus.cleaning_log.groupby("rule")["text"].apply(lambda t: t.str.len().sum())
    lines.append(
        "cleaning removed or changed: "
        + ", ".join(
            f"{rule} {int(n):,}" for rule, n in removed.sort_values(ascending=False).items()
        )
        + " characters"
    )
    return lines + boilerplate_lines(corpus) + flagged_lines(docs)


def shortened(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def boilerplate_lines(corpus: Any, shown: int = 5, width: int = 24) -> list[str]:
    """What the rule shared_boilerplate found and removed, for `info`."""
    table = corpus.boilerplate
    if table.empty:
        return ["shared boilerplate: none found"]
    removed = corpus.cleaning_log[corpus.cleaning_log["rule"] == "shared_boilerplate"]
    first = ", ".join(
        f"{shortened(row.line, width)} ({row.n_docs_removed}/{row.n_docs})"
        for row in table.head(shown).itertuples()
    )
    more = f", … {len(table) - shown} more" if len(table) > shown else ""
    return [
        f"shared boilerplate: {len(table)} lines, removed from {removed['doc_id'].nunique():,} "
        f"documents ({int(table['n_chars_removed'].sum()):,} characters without line breaks); "
        f"lines (documents removed from/found in): {first}{more}"
    ]


def flagged_lines(docs: pd.DataFrame, shown: int = 20) -> list[str]:
    """The flagged documents, for `info`."""
    flagged = docs[docs["flags"] != ""]
    if flagged.empty:
        return ["flagged documents: none"]
    lines = [f"flagged documents: {len(flagged)} (flagged, not dropped)"]
    for row in flagged.head(shown).itertuples():
        lines.append(f"  {row.doc_id}: {row.flags} ({row.n_chars:,} characters)")
    if len(flagged) > shown:
        lines.append(f"  … {len(flagged) - shown} more")
    return lines
