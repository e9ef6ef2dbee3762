"""The researcher-editable lexicons under ``data/lexicon/``: user dictionary, stopwords, slogans.

* ``userdict.txt`` — jieba's dictionary format (``term [frequency] [POS tag]``) with ``#``
  comments; read by :func:`load_userdict`.
* ``stopwords.txt`` — one word per line with ``#`` comments; read by :func:`load_stopwords`.
* ``slogans.yml`` — canonical slogans with variants, parts or a regular expression, and concept
  groups; read by :func:`load_slogans` into a :class:`SloganLexicon`.

A command-line (or notebook) selection of slogans, ``--slogans 改革开放,团结,re:民主.{0,2}制``, is
read by :func:`choose_slogans`: a name in the lexicon is that entry; any other item is an *ad-hoc*
slogan, a literal matched as written (Traditional spellings converted, as variants are) or, after
``re:``, a Python regular expression. :func:`ad_hoc_note` says which items were taken as ad hoc.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# re's own parser: a minimum match width of 0 is where a regular expression may match the
# empty string (lookarounds, anchors and backreferences included), so refusing it is safe.
from re import _parser as _regex_parser  # type: ignore[attr-defined]

import yaml

from analysis.config.paths import data_file
from analysis.config.simplified import to_simplified
from analysis.config.yaml_files import load_yaml, yaml_problem
from analysis.errors import InputError, reject_lone_surrogates

DEFAULT_TERM_FREQUENCY = 20000
# The prefix that marks an item of a --slogans list as a regular expression.
REGEX_PREFIX = "re:"
# What a lexicon's `source` gains when it also holds slogans named on the command line.
AD_HOC_SOURCE = "command line"
_REGEX_SPECIALS = "()[]{}*+?|.^$\\"
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


def _regex_fix(regex: str, error: re.error) -> str:
    """How to repair an invalid regular expression, from where :mod:`re` stopped."""
    pos = error.pos
    char = regex[pos] if pos is not None and pos < len(regex) else ""
    if char == "\\":
        return "write \\\\ to match a backslash literally"
    if char and char in _REGEX_SPECIALS:
        return f"escape {char} with \\{char} to match it literally"
    return (
        "fix it there, or escape special characters such as ( [ * + ? with a backslash to "
        "match them literally"
    )


def compile_slogan_regex(regex: str, what: str) -> re.Pattern[str]:
    """``regex`` compiled, or an :class:`InputError` (naming ``what``) saying how to fix it.

    Refused: a lone surrogate, an invalid expression, and one that can match the empty string
    (its minimum width is 0: ``x*``, ``(民主)?``, ``\\b``, a lookahead alone), which would be a
    "mention" at every position.
    """
    if not isinstance(regex, str) or not regex.strip():
        raise InputError(
            f"{what}: the regular expression must be non-empty text, got {regex!r}; write what "
            "to match"
        )
    reject_lone_surrogates(regex, f"{what}: regular expression {regex!r}")
    try:
        compiled = re.compile(regex)
    except re.error as exc:
        raise InputError(
            f"{what}: {regex!r} is not a valid regular expression ({exc}); {_regex_fix(regex, exc)}"
        ) from None
    if _regex_parser.parse(regex, compiled.flags).getwidth()[0] == 0:
        raise InputError(
            f"{what}: the regular expression {regex!r} can match the empty string, so it would "
            "be found at every position; make it require at least one character (e.g. + "
            "instead of *, no ? or {0,…} on the whole expression)"
        )
    return compiled


@dataclass(frozen=True)
class Slogan:
    """A slogan: its canonical ``name`` and how it is matched in cleaned (Simplified) text.

    Exactly one of ``variants`` (spellings, Traditional ones converted to Simplified), ``parts``
    (a formula: the parts in order with only punctuation or white space between them) or
    ``regex`` (a Python regular expression, matched as written against the Simplified text; it
    cannot match the empty string) says what a mention is. ``ad_hoc`` marks a slogan named on the
    command line rather than taken from a lexicon file.
    """

    name: str
    variants: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    gloss: str = ""
    group: str = ""
    regex: str = ""
    ad_hoc: bool = False
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._check()
        if self.regex:
            compiled = compile_slogan_regex(self.regex, f"slogan {self.name!r}")
        elif self.parts:
            compiled = re.compile(_SEPARATOR.join(re.escape(p) for p in self.parts))
        else:
            forms = sorted({to_simplified(v) for v in self.variants}, key=lambda v: (-len(v), v))
            compiled = re.compile("|".join(re.escape(v) for v in forms))
        object.__setattr__(self, "pattern", compiled)

    def _check(self) -> None:
        # Checked here and not only in parse_slogans, since lexicons are also built in code: an
        # empty or blank word compiles to a pattern matching the empty string at every offset,
        # and OpenCC (like every output file) cannot encode a lone surrogate.
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"slogan {self.name!r}: the name must be a non-empty word")
        reject_lone_surrogates(self.name, f"slogan name {self.name!r}")
        if self.regex:
            if self.variants or self.parts:
                raise InputError(
                    f"slogan {self.name!r}: give a regex or variants or parts, not several"
                )
            return  # checked as it is compiled
        kind = "parts" if self.parts else "variants"
        words = self.parts or self.variants
        if not words:
            raise InputError(
                f"slogan {self.name!r}: give at least one variant (or the parts, or a regex)"
            )
        for word in words:
            if not isinstance(word, str) or not word.strip():
                raise InputError(
                    f"slogan {self.name!r}: {kind} must be non-empty words, got {word!r}"
                )
            reject_lone_surrogates(word, f"slogan {self.name!r}: {kind[:-1]} {word!r}")

    @property
    def dictionary_terms(self) -> tuple[str, ...]:
        """The words the segmenter must keep whole for this slogan (none for a regex)."""
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

    @property
    def ad_hoc_names(self) -> tuple[str, ...]:
        """The names of the slogans named on the command line, not taken from a lexicon file."""
        return tuple(s.name for s in self.slogans if s.ad_hoc)

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
        regex = item.get("regex") or ""
        if sum(map(bool, (variants, parts, regex))) != 1:
            raise InputError(
                f"{where} ({name}) needs either `variants` or `parts` (or a `regex`): exactly "
                "one of them"
            )
        if regex and not isinstance(regex, str):
            raise InputError(
                f"{where} ({name}): `regex` must be a regular expression in quotes, got {regex!r}"
            )
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
                regex=regex,
            )
        except InputError as exc:  # a blank name, a bad regex or a lone surrogate: say where
            raise InputError(f"{where}: {exc}") from None
        slogans.append(slogan)
    if not slogans:
        raise InputError(f"{source}: the `slogans:` list is empty; add at least one slogan")
    return SloganLexicon(tuple(slogans), {str(k): str(v) for k, v in groups.items()}, source)


def load_slogans(path: str | Path | None = None) -> SloganLexicon:
    """Read the slogan lexicon (default ``data/lexicon/slogans.yml``)."""
    path = Path(path) if path is not None else data_file("lexicon", "slogans.yml")
    try:
        raw = load_yaml(path.read_text(encoding="utf-8-sig"))
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
    """The slogans named by a command-line or notebook option (``--slogans``).

    ``None`` (or empty): the lexicon at ``default`` (``data/lexicon/slogans.yml``); a path ending
    in ``.yml``/``.yaml``: that lexicon; otherwise a list split by :func:`split_slogan_list` and
    read by :func:`select_or_ad_hoc` against the default lexicon: lexicon names and ad-hoc
    slogans, in the order given.
    """
    if value is None or not str(value).strip():
        return load_slogans(default)
    value = str(value).strip()
    if value.lower().endswith((".yml", ".yaml")) and not value.startswith(REGEX_PREFIX):
        return load_slogans(value)
    return select_or_ad_hoc(load_slogans(default), split_slogan_list(value))


_QUANTIFIER = re.compile(r"\{\d*(?:,\d*)?\}")
_SEPARATORS = ",，"  # the full-width comma too, since Chinese input methods type it


def split_slogan_list(value: str) -> list[str]:
    """The items of a ``--slogans`` list, separated by ``,`` or ``，``, spaces around each dropped.

    Inside an item that begins with ``re:`` a comma within a repeat (``{0,2}``), a character
    class (``[,，]``) or parentheses (``(a|,)``), or escaped (``\\,``), belongs to the regular
    expression, so ``re:民主.{0,2}制`` is one item. A comma anywhere else ends the item: a regular
    expression such as ``民主,集中`` cannot be listed; write it as ``民主\\,集中`` or put it in a
    slogans ``.yml`` (an entry with ``regex:``) and pass that file instead.
    """
    items: list[str] = []
    current: list[str] = []
    in_regex = False
    depth = 0  # open parentheses
    class_start = -1  # where the open character class began, or -1
    i = 0
    while i < len(value):
        char = value[i]
        if not current or not "".join(current).strip():
            in_regex = value[i:].lstrip().startswith(REGEX_PREFIX)
        if in_regex and char == "\\" and i + 1 < len(value):
            current.append(value[i : i + 2])
            i += 2
            continue
        if in_regex and class_start >= 0:
            # a ] right after [ or [^ is a literal ], as in Python's re
            if char == "]" and i > class_start + 1 and value[class_start + 1 : i] != "^":
                class_start = -1
        elif in_regex and char == "[":
            class_start = i
        elif in_regex and char == "{" and (quantifier := _QUANTIFIER.match(value, i)):
            current.append(quantifier.group())
            i = quantifier.end()
            continue
        elif in_regex and char == "(":
            depth += 1
        elif in_regex and char == ")" and depth:
            depth -= 1
        elif char in _SEPARATORS and not depth:
            items.append("".join(current))
            current, in_regex = [], False
            i += 1
            continue
        current.append(char)
        i += 1
    items.append("".join(current))
    return [item.strip() for item in items]


def _ad_hoc_slogan(item: str) -> Slogan:
    """The ad-hoc slogan an item names: ``re:`` and a regular expression, or a literal."""
    if item.startswith(REGEX_PREFIX):
        regex = item[len(REGEX_PREFIX) :].strip()
        if not regex:
            raise InputError(
                f"{item!r} has nothing after {REGEX_PREFIX}; write the regular expression after "
                f"it ({REGEX_PREFIX}民主.{{0,2}}制)"
            )
        return Slogan(name=item, regex=regex, ad_hoc=True)
    return Slogan(name=item, variants=(item,), ad_hoc=True)


def select_or_ad_hoc(
    lexicon: SloganLexicon, items: Iterable[str], *, option: str = "--slogans"
) -> SloganLexicon:
    """The slogans ``items`` name, in their order: a lexicon entry or else an ad-hoc slogan.

    An item that is a name in ``lexicon`` is that entry (variants, parts, gloss, group). Any
    other item is an ad-hoc slogan named by the item as given (spaces around it removed): after
    ``re:``, a regular expression (the name keeps the prefix, so tables say what it is);
    otherwise a literal, matched like a variant (Traditional spellings converted), which the
    segmenter keeps whole. The result's ``source`` is ``"<lexicon> + command line"`` when any
    item is ad hoc. An empty item, a repeated one (also a Traditional spelling of another), a
    regular expression that is invalid or can match the empty string, and a lone surrogate are
    :class:`InputError` naming the item and the fix.
    """
    items = [str(item).strip() for item in items]
    if not any(items):
        raise InputError(
            f"no slogans selected from {lexicon.source}: name at least one (known: "
            f"{', '.join(lexicon.names)}), or leave the selection ({option}) out to count "
            "them all"
        )
    by_name = {s.name: s for s in lexicon.slogans}
    chosen: list[Slogan] = []
    first_of: dict[str, tuple[int, str]] = {}  # what an item matches -> its place and text
    for number, item in enumerate(items, start=1):
        where = f"{option} item {number}"
        if not item:
            raise InputError(
                f"{where} is empty (two commas in a row, or one at the start or end); remove "
                "the extra comma"
            )
        reject_lone_surrogates(item, f"{where} {item!r}")
        if item in by_name:
            slogan, key = by_name[item], item
        else:
            try:
                slogan = _ad_hoc_slogan(item)
            except InputError as exc:  # a bad regular expression: say which item it is
                raise InputError(f"{where}: {exc}") from None
            key = REGEX_PREFIX + slogan.regex if slogan.regex else to_simplified(item)
        if key in first_of:
            earlier, text = first_of[key]
            same = (
                f"is given twice (items {earlier} and {number})"
                if text == item
                else f"is the same slogan as item {earlier} {text!r}"
            )
            raise InputError(f"{where} {item!r} {same}; give it once")
        first_of[key] = (number, item)
        chosen.append(slogan)
    source = lexicon.source
    if any(s.ad_hoc for s in chosen) and not source.endswith(f" + {AD_HOC_SOURCE}"):
        source = f"{source} + {AD_HOC_SOURCE}"
    return SloganLexicon(tuple(chosen), lexicon.groups, source)


def ad_hoc_note(lexicon: SloganLexicon) -> str | None:
    """One line telling the researcher which slogans were taken as ad hoc, or ``None``.

    E.g. ``note: 改革开放, re:民主.{0,2}制 are not in data/lexicon/slogans.yml: matched as
    written`` — for the command line to print once on stderr.
    """
    names = lexicon.ad_hoc_names
    if not names:
        return None
    listed = ", ".join(names)
    verb = "is" if len(names) == 1 else "are"
    suffix = f" + {AD_HOC_SOURCE}"
    if lexicon.source.endswith(suffix):
        where = lexicon.source.removesuffix(suffix)
        return f"note: {listed} {verb} not in {where}: matched as written"
    return f"note: {listed} {verb} ad hoc (not from a slogan lexicon): matched as written"


def slogans_from_terms(terms: Iterable[str], *, source: str = AD_HOC_SOURCE) -> SloganLexicon:
    """A lexicon of ad-hoc slogans, each matched by its own spelling (no ``re:``: all literal).

    Blank terms are skipped and repeated ones kept once, unlike :func:`select_or_ad_hoc`.
    """
    names = [t.strip() for t in terms if t.strip()]
    if not names:
        raise InputError(f"{source}: no slogans given; list at least one term")
    try:
        slogans = tuple(Slogan(name=n, variants=(n,), ad_hoc=True) for n in dict.fromkeys(names))
    except InputError as exc:  # a lone surrogate: say where it came from
        raise InputError(f"{source}: {exc}") from None
    return SloganLexicon(slogans, {}, source)
