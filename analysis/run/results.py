"""Reading a finished run: ``load_results(OUT)`` gives its tables, figures and settings.

``python -m analysis run --out OUT`` writes every table as ``OUT/tables/<name>.parquet`` (and a
CSV for spreadsheets), the figures into its figures folder and ``OUT/manifest.json`` with the
settings, slogans, segmenter, inputs and every output of the run. The notebooks read a run
through :func:`load_results` instead of computing anything again, so what they show is what the
tables beside them hold, with the settings that made them; researchers can do the same in their
own notebooks:

>>> results = load_results("results")                       # doctest: +SKIP
>>> results.tables["slogan_counts"].query("scope == 'corpus'")  # doctest: +SKIP
>>> results.figure("slogan_trends")                          # doctest: +SKIP

:meth:`RunResults.corpus` rebuilds the corpus tables (cleaned texts, tokens, mentions) with the
run's own settings, segmenter, slogans and file endings, from the token cache — for what the
tables do not hold, such as the trend of a term the run was not asked about
(:meth:`RunResults.term_trends`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import InputError
from analysis.run.manifest import changed_inputs, input_files, read_manifest
from analysis.run.outputs import MANIFEST_FILE


class MissingTableError(KeyError):
    """A table the run did not write; the message says why (from the manifest) or what exists."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class TableStore(Mapping[str, pd.DataFrame]):
    """The run's tables by name, each read from its Parquet file on first use (then kept)."""

    def __init__(self, folder: Path, skipped: list[dict[str, str]] | None = None) -> None:
        self.folder = Path(folder)
        self._names = sorted(p.stem for p in self.folder.glob("*.parquet"))
        self._loaded: dict[str, pd.DataFrame] = {}
        self._skipped = skipped or []

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._loaded:
            if name not in self._names:
                reason = next(
                    (n["reason"] for n in self._skipped if n["what"] in (name, f"table {name}")),
                    None,
                )
                raise MissingTableError(
                    f"the run wrote no table {name!r}"
                    + (f": {reason}" if reason else "")
                    + f" (tables: {', '.join(self._names)})"
                )
            self._loaded[name] = pd.read_parquet(self.folder / f"{name}.parquet")
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"TableStore({self.folder}: {', '.join(self._names)})"


@dataclass
class RunResults:
    """A finished run: its manifest, tables (:class:`TableStore`) and figures folder."""

    folder: Path
    manifest: dict[str, Any]
    tables: TableStore = field(repr=False)
    figures_dir: Path | None = None

    # --- what the run was ----------------------------------------------------------------------

    @property
    def run_id(self) -> str:
        return self.manifest["run_id"]

    @property
    def settings(self) -> dict[str, Any]:
        """The settings the run used, with ``base_dir`` so lexicon paths resolve as they did."""
        values = dict(self.manifest["settings"]["values"])
        settings_file = self.manifest["settings"].get("file")
        values["base_dir"] = str(Path(settings_file).parent) if settings_file else "."
        return values

    @property
    def slogans(self) -> list[str]:
        """The slogans the run counted, in lexicon order."""
        return list(self.manifest["lexicons"]["slogans_counted"])

    @property
    def documents(self) -> pd.DataFrame:
        return self.tables["documents"]

    @property
    def skipped(self) -> list[dict[str, str]]:
        """What the run left out and why (``what``, ``reason``)."""
        return list(self.manifest.get("skipped", []))

    @property
    def failures(self) -> list[dict[str, str]]:
        """Figures and notebooks that failed in the run (``stage``, ``name``, ``error``)."""
        return list(self.manifest.get("failures", []))

    def reason_skipped(self, what: str) -> str | None:
        """Why the run left ``what`` out (e.g. ``"figure term_scatter"``, ``"slogan_trends"``,
        ``"grouping genre"``), or ``None``."""
        return next((n["reason"] for n in self.skipped if n["what"] == what), None)

    def has_values(self, column: str) -> bool:
        """Whether some document has a value in metadata column ``column``."""
        docs = self.documents
        return column in docs.columns and bool(docs[column].notna().any())

    def groupings(self, table: str = "slogan_counts") -> list[str]:
        """The groupings (metadata columns or crossings) ``table`` has rows for, in order."""
        if table not in self.tables:
            return []
        frame = self.tables[table]
        if "grouping" not in frame.columns:
            return []
        values = frame["grouping"].dropna().astype(str)
        return [g for g in pd.unique(values) if g and g != "doc_id"]

    # --- figures -------------------------------------------------------------------------------

    def figure_path(self, name: str, fmt: str = "png") -> Path | None:
        """The figure file the run wrote as ``name``, or ``None``."""
        for entry in self.manifest["outputs"]:
            if entry["folder"] == "figures" and entry["path"] == f"{name}.{fmt}":
                return None if self.figures_dir is None else self.figures_dir / entry["path"]
        return None

    def figure_names(self) -> list[str]:
        """The figures the run wrote (names without extension), in file order."""
        names = [
            e["path"].rsplit(".", 1)[0]
            for e in self.manifest["outputs"]
            if e["folder"] == "figures" and e["path"].endswith(".png")
        ]
        return sorted(names)

    def why_no_figure(self, name: str) -> str:
        """One line saying why the run has no figure ``name``."""
        if self.figures_dir is None:
            return f"No figure {name}: this run drew no figures (--no-figures)."
        failed = next(
            (f for f in self.failures if f.get("stage") == "figure" and f["name"] == name), None
        )
        if failed:
            return f"Figure {name} failed in this run: {failed['error']}"
        reason = self.reason_skipped(f"figure {name}")
        if reason:
            return f"No figure {name} for this corpus: {reason}."
        return f"No figure {name} in this run."

    # --- the corpus, again ---------------------------------------------------------------------

    def lexicon(self):
        """The slogans of the run (its lexicon file and ``--slogans`` selection)."""
        from analysis.config.lexicon import choose_slogans
        from analysis.config.settings import lexicon_path

        chosen = self.manifest.get("options", {}).get("slogans")
        return choose_slogans(chosen, lexicon_path(self.settings, "slogans"))

    def corpus(self, *, progress: bool = False):
        """The corpus tables (cleaned texts, sentences, tokens, mentions) rebuilt with the run's
        inputs, settings, segmenter, slogans and file endings (tokens come from the cache).

        Raises InputError when a text or the metadata changed since the run."""
        from analysis.corpus.build import build_corpus

        inputs = self.manifest["inputs"]
        options = self.manifest.get("options", {})
        extensions = tuple(options.get("extensions") or (".txt",))
        metadata = Path(inputs["metadata"]["path"]) if inputs.get("metadata") else None
        texts = Path(inputs["texts_dir"])
        now = input_files(texts, extensions, metadata)
        changed = changed_inputs(inputs, now)
        if changed:
            raise InputError(
                f"{texts}: {', '.join(changed[:3])} changed since run {self.run_id}; run the "
                "analysis again to read the texts as they are now"
            )
        return build_corpus(
            texts,
            metadata,
            settings=self.settings,
            slogans=self.lexicon(),
            segmenter=self.manifest.get("segmenter", {}).get("backend"),
            jobs=None,
            progress=progress,
            extensions=extensions,
        )

    def term_trends(self, terms: str, **options: Any) -> pd.DataFrame:
        """The ``slogan_trends`` table for ``terms`` — names from the lexicon, literal terms or
        ``re:`` regular expressions, comma-separated as for ``--slogans`` — computed on the
        run's corpus with the run's ``trends:`` settings; ``options`` override them (``time``,
        ``group_by``, …).

        Mentions are found in the run's cleaned texts; a term the run's segmentation did not
        know is still found, and ``token_count`` says how often it was a whole token."""
        from analysis.config.lexicon import choose_slogans
        from analysis.config.settings import lexicon_path
        from analysis.corpus.mentions import find_slogan_mentions
        from analysis.run.options import slogan_trends, study_documents

        corpus = self.corpus()
        settings = self.settings
        lexicon = choose_slogans(terms, lexicon_path(settings, "slogans"))
        mentions = find_slogan_mentions(corpus.documents, corpus.sentences, corpus.tokens, lexicon)
        settings["trends"] = {**(settings.get("trends") or {}), **options}
        docs = study_documents(corpus, settings)
        table = slogan_trends(docs, mentions, lexicon, settings)
        if table is None:
            raise InputError("no document of this run has a year: there is no trend to compute")
        return table


def load_results(folder: str | Path = "results") -> RunResults:
    """The run whose outputs are in ``folder`` (its ``--out``; default ``results``).

    Reads ``folder/manifest.json``; tables are read from ``folder/tables/*.parquet`` when first
    used. An InputError says what to do when ``folder`` holds no run."""
    folder = Path(folder)
    if not (folder / MANIFEST_FILE).is_file():
        raise InputError(
            f"{folder.resolve()}: holds no run (no {MANIFEST_FILE}); run `python -m analysis run "
            f"--out {folder}` first, or give the --out folder of a run"
        )
    manifest = read_manifest(folder)
    tables_dir = folder / "tables"
    if not tables_dir.is_dir() or not any(tables_dir.glob("*.parquet")):
        raise InputError(
            f"{tables_dir}: no tables (*.parquet) — this run was made by an older version of the "
            "package; run the analysis again"
        )
    figures = manifest.get("folders", {}).get("figures")
    return RunResults(
        folder=folder,
        manifest=manifest,
        tables=TableStore(tables_dir, manifest.get("skipped", [])),
        figures_dir=Path(figures) if figures else None,
    )
