"""Loading and validating the cleaning rules in ``data/cleaning.yml``.

The rules are data so that a researcher can adapt the cleaner to another web site without touching
code; this module turns the YAML into a frozen :class:`CleaningRules` and reports a malformed file
with its path, the offending key and what to write instead.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import asdict, dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from analysis.config.paths import data_file
from analysis.config.simplified import CHARACTER_CONFIGS
from analysis.config.yaml_files import load_yaml, yaml_problem
from analysis.errors import InputError

Zone = Literal["any", "header", "footer"]
_ZONES = ("any", "header", "footer")


@dataclass(frozen=True)
class LineRule:
    """Remove a whole line whose normalised text matches ``pattern`` within ``zone``."""

    name: str
    pattern: re.Pattern[str]
    zone: Zone = "any"
    description: str = ""


@dataclass(frozen=True)
class BlockRule:
    """Remove the lines from one where ``start`` matches (with no ``end`` after it on that line)
    through the next line where ``end`` matches; nothing when no line closes the block."""

    name: str
    start: re.Pattern[str]
    end: re.Pattern[str]
    description: str = ""


@dataclass(frozen=True)
class InlineRule:
    """Remove every match of ``pattern`` inside kept lines."""

    name: str
    pattern: re.Pattern[str]
    description: str = ""


@dataclass(frozen=True)
class SharedBoilerplateSettings:
    """Thresholds of the rule ``shared_boilerplate`` (see :mod:`analysis.corpus.boilerplate`).

    A line is *recurring* when at least ``min_docs`` documents have it, *common* when at least
    ``max(min_docs, min_share × documents)`` do; a run of recurring lines holding a stretch of
    common lines of at least ``min_chars`` characters (white space excluded) is removed.
    """

    min_share: float = 0.3
    min_docs: int = 5
    min_chars: int = 10


@dataclass(frozen=True)
class DocumentFlagSettings:
    """Thresholds of the document flags (see :func:`analysis.corpus.build.document_flags`)."""

    short_fraction: float = 0.01
    min_chinese_share: float = 0.5


@dataclass(frozen=True)
class CleaningRules:
    """All settings of the cleaner; see ``data/cleaning.yml`` for what each one means.

    ``shared_lines`` and ``shared_common_lines`` are not settings but a corpus-level input:
    the lines (keyed by :func:`analysis.corpus.boilerplate.line_key`) that the corpus shares, found
    by
    :func:`analysis.corpus.boilerplate.find_shared_boilerplate` and set with
    :func:`analysis.corpus.boilerplate.with_shared_lines`. Empty (the default), the rule
    ``shared_boilerplate`` removes nothing.
    """

    header_max_chars: int = 40
    block_rules: tuple[BlockRule, ...] = ()
    line_rules: tuple[LineRule, ...] = ()
    repeated_title_min_overlap: float | None = 0.8
    repeated_title_min_chars: int = 4
    inline_rules: tuple[InlineRule, ...] = ()
    remove_chars: re.Pattern[str] | None = None
    to_fullwidth: tuple[tuple[str, str], ...] = ()
    fullwidth_alphanumerics_to_ascii: bool = True
    opencc_config: str = "t2s"
    traditional_threshold: float = 0.05
    translation_min_chars: int = 40
    translation_min_latin_share: float = 0.5
    placeholder: re.Pattern[str] | None = None
    shared_boilerplate: SharedBoilerplateSettings | None = SharedBoilerplateSettings()
    document_flags: DocumentFlagSettings | None = DocumentFlagSettings()
    shared_lines: frozenset[str] = frozenset()
    shared_common_lines: frozenset[str] = frozenset()
    source: str = "<defaults>"


# Fields that name or describe a rule but do not change what it does.
_NOT_BEHAVIOUR = frozenset({"source", "description"})


def _canonical(value: Any) -> Any:
    """``value`` as plain JSON data, the same for equal rules in any process."""
    if is_dataclass(value):
        return [type(value).__name__] + [
            [f.name, _canonical(getattr(value, f.name))]
            for f in fields(value)
            if f.name not in _NOT_BEHAVIOUR
        ]
    if isinstance(value, re.Pattern):
        return ["re", value.pattern, value.flags]
    if isinstance(value, (frozenset, set)):  # set order differs between processes
        return sorted(_canonical(v) for v in value)
    if isinstance(value, (tuple, list)):
        return [_canonical(v) for v in value]
    return value


def rules_fingerprint(rules: CleaningRules) -> str:
    """A digest of everything in ``rules`` that changes what cleaning gives (not where the rules
    were read from, nor their descriptions): the cleaning cache's key."""
    return hashlib.sha256(canonical_json(rules).encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """``value`` (rules, a lexicon: dataclasses, patterns, sets) as JSON text that is the same
    for equal values in any process (sets sorted; names and descriptions left out)."""
    return json.dumps(_canonical(value), ensure_ascii=False, separators=(",", ":"))


def load_cleaning_rules(path: str | Path | None = None) -> CleaningRules:
    """Read cleaning rules from ``path`` (default ``data/cleaning.yml``)."""
    path = Path(path) if path is not None else data_file("cleaning.yml")
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the cleaning rules ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path}: is not valid YAML ({yaml_problem(exc)}); fix the indicated line"
        ) from exc
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a YAML mapping of settings at the top level")
    return parse_cleaning_rules(raw, source=str(path))


def parse_cleaning_rules(raw: dict[str, Any], *, source: str = "<dict>") -> CleaningRules:
    """Build :class:`CleaningRules` from an already-parsed mapping (the YAML's structure).

    A key the rules do not know (a misspelt ``placeholdr``) is an error naming it, the closest
    known key and the keys its section takes, since an ignored rule would silently not apply.
    """
    _check_keys(raw, source, "", _TOP_LEVEL_KEYS)
    line_rules = _line_rules(raw, source)
    block_rules = _block_rules(raw, source)
    inline_rules = _inline_rules(raw, source)
    repeated = raw.get("repeated_title")
    if repeated is not None and not isinstance(repeated, dict):
        raise _fail(
            source, "repeated_title", "must be a mapping with `min_overlap` (or be removed)"
        )
    _check_keys(repeated or {}, source, "repeated_title", ("zone", "min_overlap", "min_chars"))
    title_zone = (repeated or {}).get("zone", "header")
    if title_zone != "header":
        # data/cleaning.yml has always said `zone: header`: the only zone the rule looks in
        raise _fail(
            source,
            "repeated_title.zone",
            f"can only be header (titles are repeated among the header lines), got {title_zone!r}",
        )
    punctuation = _mapping(raw, source, "punctuation")
    to_fullwidth = _to_fullwidth(punctuation, source)
    shared_boilerplate = _shared_boilerplate(raw, source)
    document_flags = _document_flags(raw, source)
    script = _mapping(raw, source, "script")
    translation = _mapping(raw, source, "translation")
    remove_chars = raw.get("remove_chars")
    placeholder = raw.get("placeholder")
    return CleaningRules(
        header_max_chars=int(
            _number(source, "header_max_chars", raw.get("header_max_chars", 40), 1, 10_000)
        ),
        block_rules=block_rules,
        line_rules=line_rules,
        repeated_title_min_overlap=(
            None
            if repeated is None
            else _number(
                source, "repeated_title.min_overlap", repeated.get("min_overlap", 0.8), 0.01, 1
            )
        ),
        repeated_title_min_chars=int(
            _number(
                source, "repeated_title.min_chars", (repeated or {}).get("min_chars", 4), 1, 1000
            )
        ),
        inline_rules=inline_rules,
        remove_chars=_pattern(source, "remove_chars", remove_chars) if remove_chars else None,
        to_fullwidth=tuple(sorted(to_fullwidth.items())),
        fullwidth_alphanumerics_to_ascii=_flag(
            source,
            "punctuation.fullwidth_alphanumerics_to_ascii",
            punctuation.get("fullwidth_alphanumerics_to_ascii", True),
        ),
        opencc_config=_opencc_config(source, script.get("opencc_config", "t2s")),
        traditional_threshold=_number(
            source, "script.traditional_threshold", script.get("traditional_threshold", 0.05), 0, 1
        ),
        translation_min_chars=int(
            _number(source, "translation.min_chars", translation.get("min_chars", 40), 1, 1_000_000)
        ),
        translation_min_latin_share=_number(
            source, "translation.min_latin_share", translation.get("min_latin_share", 0.5), 0, 1
        ),
        placeholder=_pattern(source, "placeholder", placeholder) if placeholder else None,
        shared_boilerplate=shared_boilerplate,
        document_flags=document_flags,
        source=source,
    )


# --- checking one setting: the message names the file and the key ------------------------------

_TOP_LEVEL_KEYS = (
    "version",
    "header_max_chars",
    "block_rules",
    "line_rules",
    "repeated_title",
    "shared_boilerplate",
    "inline_rules",
    "remove_chars",
    "punctuation",
    "script",
    "translation",
    "placeholder",
    "document_flags",
)
_SECTION_KEYS = {
    "punctuation": ("to_fullwidth", "fullwidth_alphanumerics_to_ascii"),
    "script": ("opencc_config", "traditional_threshold"),
    "translation": ("min_chars", "min_latin_share"),
}


def _fail(source: str, key: str, what: str) -> InputError:
    return InputError(f"{source}: `{key}` {what}")


def _mapping(raw: dict[str, Any], source: str, key: str) -> dict[str, Any]:
    """The optional section ``key`` (empty when absent or null); anything else is an error."""
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise _fail(source, key, f"must be a mapping of settings, got {value!r}")
    _check_keys(value, source, key, _SECTION_KEYS[key])
    return value


def _check_keys(value: dict[Any, Any], source: str, where: str, known: tuple[str, ...]) -> None:
    """An error for the first key of ``value`` not in ``known`` (``where``: its section)."""
    unknown = [str(k) for k in value if k not in known]
    if not unknown:
        return
    close = difflib.get_close_matches(unknown[0], known, n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    name = f"{where}.{unknown[0]}" if where else unknown[0]
    takes = f"`{where}` takes" if where else "the top level takes"
    raise _fail(source, name, f"is not a cleaning setting{hint}; {takes} {', '.join(known)}")


def _rule_list(raw: dict[str, Any], source: str, key: str) -> list[Any]:
    """The optional list of rules ``key`` (empty when absent or null)."""
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise _fail(source, key, f"must be a list of rules, got {value!r}")
    return value


def _flag(source: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(source, key, f"must be true or false, got {value!r}")
    return value


def _opencc_config(source: str, value: Any) -> str:
    if value not in CHARACTER_CONFIGS:
        raise _fail(
            source,
            "script.opencc_config",
            f"must be one of {', '.join(CHARACTER_CONFIGS)} (OpenCC configurations that convert "
            f"character by character, so offsets stay aligned), got {value!r}",
        )
    return value


def _pattern(source: str, key: str, pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise _fail(source, key, "must be a non-empty regular expression string")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise _fail(source, key, f"is not a valid regular expression ({exc}): {pattern!r}") from exc


def _number(source: str, key: str, value: Any, low: float, high: float) -> float:
    """``value`` as written (an int stays an int) if it is a number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _fail(source, key, f"must be a number between {low} and {high}, got {value!r}")
    return value


def _whole(source: str, key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(source, key, f"must be a whole number between {low} and {high}, got {value!r}")
    return value


def _section(
    raw: dict[str, Any], source: str, key: str, defaults: dict[str, Any]
) -> dict[str, Any] | None:
    """A mapping of optional settings with the keys of ``defaults``; ``None`` when null."""
    value = raw.get(key, {})
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _fail(
            source,
            key,
            f"must be a mapping with {', '.join(defaults)} (or null to switch it off)",
        )
    unknown = sorted(set(value) - set(defaults))
    if unknown:
        raise _fail(
            source,
            key,
            f"has unknown key(s) {', '.join(map(str, unknown))}; it takes {', '.join(defaults)}",
        )
    return {**defaults, **value}


# --- the sections of the file ------------------------------------------------------------------


def _line_rules(raw: dict[str, Any], source: str) -> tuple[LineRule, ...]:
    rules = []
    for i, item in enumerate(_rule_list(raw, source, "line_rules")):
        key = f"line_rules[{i}]"
        if not isinstance(item, dict) or "name" not in item or "pattern" not in item:
            raise _fail(source, key, "must be a mapping with at least `name` and `pattern`")
        _check_keys(item, source, key, ("name", "pattern", "zone", "description"))
        zone = item.get("zone", "any")
        if zone not in _ZONES:
            raise _fail(source, f"{key}.zone", f"must be one of {', '.join(_ZONES)}, got {zone!r}")
        rules.append(
            LineRule(
                name=str(item["name"]),
                pattern=_pattern(source, f"{key}.pattern", item["pattern"]),
                zone=zone,
                description=str(item.get("description", "")).strip(),
            )
        )
    return tuple(rules)


def _block_rules(raw: dict[str, Any], source: str) -> tuple[BlockRule, ...]:
    rules = []
    for i, item in enumerate(_rule_list(raw, source, "block_rules")):
        key = f"block_rules[{i}]"
        if not isinstance(item, dict) or not {"name", "start", "end"} <= set(item):
            raise _fail(source, key, "must be a mapping with `name`, `start` and `end`")
        _check_keys(item, source, key, ("name", "start", "end", "description"))
        rules.append(
            BlockRule(
                name=str(item["name"]),
                start=_pattern(source, f"{key}.start", item["start"]),
                end=_pattern(source, f"{key}.end", item["end"]),
                description=str(item.get("description", "")).strip(),
            )
        )
    return tuple(rules)


def _inline_rules(raw: dict[str, Any], source: str) -> tuple[InlineRule, ...]:
    rules = []
    for i, item in enumerate(_rule_list(raw, source, "inline_rules")):
        key = f"inline_rules[{i}]"
        if not isinstance(item, dict) or "name" not in item or "pattern" not in item:
            raise _fail(source, key, "must be a mapping with at least `name` and `pattern`")
        _check_keys(item, source, key, ("name", "pattern", "description"))
        rules.append(
            InlineRule(
                name=str(item["name"]),
                pattern=_pattern(source, f"{key}.pattern", item["pattern"]),
                description=str(item.get("description", "")).strip(),
            )
        )
    return tuple(rules)


def _to_fullwidth(punctuation: dict[str, Any], source: str) -> dict[str, str]:
    to_fullwidth = punctuation.get("to_fullwidth") or {}
    if not isinstance(to_fullwidth, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) == 1 and len(v) == 1
        for k, v in to_fullwidth.items()
    ):
        raise _fail(
            source, "punctuation.to_fullwidth", "must map single characters to single characters"
        )
    return to_fullwidth


def _shared_boilerplate(raw: dict[str, Any], source: str) -> SharedBoilerplateSettings | None:
    shared = _section(raw, source, "shared_boilerplate", asdict(SharedBoilerplateSettings()))
    if shared is None:
        return None
    min_share = _number(source, "shared_boilerplate.min_share", shared["min_share"], 0, 1)
    if min_share <= 0:
        raise _fail(
            source,
            "shared_boilerplate.min_share",
            f"must be above 0 (a share of the documents, at most 1), got {min_share!r}",
        )
    return SharedBoilerplateSettings(
        min_share=float(min_share),
        min_docs=_whole(
            source, "shared_boilerplate.min_docs", shared["min_docs"], 2, 1_000_000_000
        ),
        min_chars=_whole(source, "shared_boilerplate.min_chars", shared["min_chars"], 1, 1_000_000),
    )


def _document_flags(raw: dict[str, Any], source: str) -> DocumentFlagSettings | None:
    flags = _section(raw, source, "document_flags", asdict(DocumentFlagSettings()))
    if flags is None:
        return None
    return DocumentFlagSettings(
        short_fraction=float(
            _number(source, "document_flags.short_fraction", flags["short_fraction"], 0, 1)
        ),
        min_chinese_share=float(
            _number(source, "document_flags.min_chinese_share", flags["min_chinese_share"], 0, 1)
        ),
    )
