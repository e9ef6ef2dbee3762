"""The researcher-editable lexicons under ``data/lexicon/``: user dictionary, stopwords, slogans.

* ``userdict.txt`` — jieba's dictionary format (``term [frequency] [POS tag]``) with ``#``
  comments; read by :func:`load_userdict`.
* ``stopwords.txt`` — one word per line with ``#`` comments; read by :func:`load_stopwords`.
* ``slogans.yml`` — canonical slogans with variants or parts and concept groups; read by
  :func:`load_slogans` into a :class:`SloganLexicon`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.clean import to_simplified
from analysis.errors import InputError, reject_lone_surrogates
from analysis.paths import data_file
from analysis.settings import yaml_problem

DEFAULT_TERM_FREQUENCY = 20000
# What may stand between the parts of a formula: white space and punctuation of either width.
_SEPARATOR = r"[\s、，,；;：:·•・“”\"'‘’（）()《》〈〉【】「」『』\-—–…。！!？?]*"


@dataclass(frozen=True)
class DictionaryTerm:
    """One user-dictionary entry."""

    term: str
    frequency: int = DEFAULT_TERM_FREQUENCY
    tag: str | None = None


def _content_lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check the path") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: is not UTF-8; save it as UTF-8") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield number, line


def load_userdict(path: str | Path | None = None) -> tuple[DictionaryTerm, ...]:
    """Read a user dictionary (default ``data/lexicon/userdict.txt``)."""
    path = Path(path) if path is not None else data_file("lexicon", "userdict.txt")
    terms: dict[str, DictionaryTerm] = {}
    for number, line in _content_lines(path):
        fields = line.split()
        if len(fields) > 3 or (len(fields) >= 2 and not fields[1].isdigit()):
            raise InputError(
                f"{path}, line {number}: expected `term [frequency] [tag]` with a whole-number "
                f"frequency, got {line!r}"
            )
        frequency = int(fields[1]) if len(fields) >= 2 else DEFAULT_TERM_FREQUENCY
        terms[fields[0]] = DictionaryTerm(
            fields[0], frequency, fields[2] if len(fields) == 3 else None
        )
    return tuple(terms.values())


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Read a stopword list (default ``data/lexicon/stopwords.txt``)."""
    path = Path(path) if path is not None else data_file("lexicon", "stopwords.txt")
    return frozenset(line for _, line in _content_lines(path))


@dataclass(frozen=True)
class Slogan:
    """A slogan: its canonical ``name`` and how it is matched in cleaned (Simplified) text."""

    name: str
    variants: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    gloss: str = ""
    group: str = ""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._check()
        if self.parts:
            regex = _SEPARATOR.join(re.escape(p) for p in self.parts)
        else:
            forms = sorted({to_simplified(v) for v in self.variants}, key=lambda v: (-len(v), v))
            regex = "|".join(re.escape(v) for v in forms)
        object.__setattr__(self, "pattern", re.compile(regex))

    def _check(self) -> None:
        # Checked here and not only in parse_slogans, since lexicons are also built in code: an
        # empty or blank word compiles to a pattern matching the empty string at every offset,
        # and OpenCC (like every output file) cannot encode a lone surrogate.
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"slogan {self.name!r}: the name must be a non-empty word")
        reject_lone_surrogates(self.name, f"slogan name {self.name!r}")
        kind = "parts" if self.parts else "variants"
        words = self.parts or self.variants
        if not words:
            raise InputError(f"slogan {self.name!r}: give at least one variant (or the parts)")
        for word in words:
            if not isinstance(word, str) or not word.strip():
                raise InputError(
                    f"slogan {self.name!r}: {kind} must be non-empty words, got {word!r}"
                )
            reject_lone_surrogates(word, f"slogan {self.name!r}: {kind[:-1]} {word!r}")

    @property
    def dictionary_terms(self) -> tuple[str, ...]:
        """The words the segmenter must keep whole for this slogan."""
        words = self.parts or self.variants
        return tuple(sorted({to_simplified(w) for w in words}))


@dataclass(frozen=True)
class SloganLexicon:
    """The slogans of ``slogans.yml`` in file order, with their concept groups."""

    slogans: tuple[Slogan, ...]
    groups: dict[str, str] = field(default_factory=dict)
    source: str = "<slogans>"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.slogans)

    def __len__(self) -> int:
        return len(self.slogans)

    def __iter__(self) -> Iterator[Slogan]:
        return iter(self.slogans)

    def select(self, names: Iterable[str]) -> SloganLexicon:
        """The lexicon restricted to ``names`` (in that order); an unknown name is an error."""
        wanted = [n.strip() for n in names if n.strip()]
        by_name = {s.name: s for s in self.slogans}
        unknown = [n for n in wanted if n not in by_name]
        if unknown:
            raise InputError(
                f"unknown slogan(s) {', '.join(unknown)}: not in {self.source}. Known slogans: "
                f"{', '.join(self.names)}. Add an entry to slogans.yml to count a new one"
            )
        if not wanted:
            raise InputError(
                f"no slogans selected from {self.source}: name at least one (known: "
                f"{', '.join(self.names)}), or leave the selection (--slogans) out to count "
                "them all"
            )
        return SloganLexicon(tuple(by_name[n] for n in wanted), self.groups, self.source)


def parse_slogans(raw: object, *, source: str = "<slogans>") -> SloganLexicon:
    """Build a :class:`SloganLexicon` from the parsed YAML structure of ``slogans.yml``."""
    if not isinstance(raw, dict) or not isinstance(raw.get("slogans"), list):
        raise InputError(f"{source}: expected a mapping with a `slogans:` list")
    groups = raw.get("groups") or {}
    if not isinstance(groups, dict):
        raise InputError(f"{source}: `groups` must map group names to descriptions")
    slogans, seen = [], set()
    for i, item in enumerate(raw["slogans"]):
        where = f"{source}: slogans[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise InputError(f"{where} needs a `name`")
        name = item["name"].strip()
        variants, parts = item.get("variants") or [], item.get("parts") or []
        if bool(variants) == bool(parts):
            raise InputError(f"{where} ({name}) needs either `variants` or `parts`, not both")
        listed = variants or parts
        if not isinstance(listed, list) or not all(
            isinstance(v, str) and v.strip() for v in listed
        ):
            raise InputError(f"{where} ({name}): variants and parts must be lists of words")
        if parts and len(parts) < 2:
            raise InputError(f"{where} ({name}): a formula needs at least two parts")
        group = str(item.get("group") or "")
        if group and groups and group not in groups:
            raise InputError(
                f"{where} ({name}): group {group!r} is not under `groups:`; add it there or fix it"
            )
        if name in seen:
            raise InputError(f"{where}: slogan {name!r} is listed twice; keep one entry")
        seen.add(name)
        try:
            slogan = Slogan(
                name=name,
                variants=tuple(v.strip() for v in variants),
                parts=tuple(p.strip() for p in parts),
                gloss=str(item.get("gloss") or ""),
                group=group,
            )
        except InputError as exc:  # a blank name or a lone surrogate: say where it is
            raise InputError(f"{where}: {exc}") from None
        slogans.append(slogan)
    if not slogans:
        raise InputError(f"{source}: the `slogans:` list is empty; add at least one slogan")
    return SloganLexicon(tuple(slogans), {str(k): str(v) for k, v in groups.items()}, source)


def load_slogans(path: str | Path | None = None) -> SloganLexicon:
    """Read the slogan lexicon (default ``data/lexicon/slogans.yml``)."""
    path = Path(path) if path is not None else data_file("lexicon", "slogans.yml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read the slogan lexicon ({exc.strerror}); check the path given to "
            "--slogans or under `lexicons: slogans` in the settings"
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path}: is not valid YAML ({yaml_problem(exc)}); fix the indicated line"
        ) from exc
    return parse_slogans(raw, source=str(path))


def choose_slogans(value: str | None, default: str | Path | None = None) -> SloganLexicon:
    """The slogans named by a command-line or notebook option.

    ``None`` (or empty): the lexicon at ``default`` (``data/lexicon/slogans.yml``); a path ending
    in ``.yml``/``.yaml``: that lexicon; otherwise a comma-separated selection of names from the
    default lexicon (an unknown name is an error listing the known ones).
    """
    if value is None or not str(value).strip():
        return load_slogans(default)
    value = str(value).strip()
    if value.lower().endswith((".yml", ".yaml")):
        return load_slogans(value)
    return load_slogans(default).select(value.replace("，", ",").split(","))


def slogans_from_terms(terms: Iterable[str], *, source: str = "command line") -> SloganLexicon:
    """A lexicon of ad-hoc slogans, each matched by its own spelling (e.g. from ``--slogans``)."""
    names = [t.strip() for t in terms if t.strip()]
    if not names:
        raise InputError(f"{source}: no slogans given; list at least one term")
    try:
        slogans = tuple(Slogan(name=n, variants=(n,)) for n in dict.fromkeys(names))
    except InputError as exc:  # a lone surrogate: say where it came from
        raise InputError(f"{source}: {exc}") from None
    return SloganLexicon(slogans, {}, source)
