"""The analysis settings file (``data/settings.yml``) with defaults for anything it leaves out.

Settings are plain nested dictionaries, read once and passed down; every measure documents the
keys it reads under its own section. Relative paths in ``lexicons`` are resolved against the
settings file's folder.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

import yaml

from analysis.config.paths import data_dir, data_file
from analysis.config.registry import MEASURE_SECTIONS
from analysis.config.yaml_files import load_yaml, yaml_problem
from analysis.errors import InputError

DEFAULTS: dict[str, Any] = {
    "lexicons": {
        "slogans": "lexicon/slogans.yml",
        "userdict": "lexicon/userdict.txt",
        "stopwords": "lexicon/stopwords.txt",
        "cleaning_rules": "cleaning.yml",
    },
    "segmentation": {"segmenter": "jieba", "hmm": True, "pos": False, "compounds": []},
}
#: The sections the package reads: the measure sections come from the registry of steps, so a new
#: measure's section is known once it is registered (each measure's options are checked by the
#: measure).
SECTIONS = ("lexicons", "segmentation", *MEASURE_SECTIONS, "figures", "years", "outputs")


def _check_known(raw: dict[str, Any], path: Path) -> None:
    """A misspelt section or key would otherwise be ignored without a word."""
    for key in raw:
        if key not in SECTIONS:
            close = difflib.get_close_matches(str(key), SECTIONS, n=1)
            hint = f"did you mean `{close[0]}`?" if close else f"known: {', '.join(SECTIONS)}"
            raise InputError(f"{path}: unknown section `{key}`; {hint}")
    for section in ("lexicons", "segmentation"):
        given = raw.get(section)
        if given is not None and not isinstance(given, dict):
            raise InputError(f"{path}: `{section}` must be a section (a mapping), got {given!r}")
        unknown = set(given or {}) - set(DEFAULTS[section])
        if unknown:
            raise InputError(
                f"{path}: `{section}` has unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                f"it takes {', '.join(DEFAULTS[section])}"
            )


def _merge(base: dict[str, Any], override: dict[str, Any], where: str) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(merged.get(key), dict):
            if not isinstance(value, dict):
                raise InputError(f"{where}: `{key}` must be a section (a mapping), got {value!r}")
            merged[key] = _merge(merged[key], value, f"{where}.{key}")
        else:
            merged[key] = value
    return merged


def load_settings(path: str | Path | None = None) -> dict[str, Any]:
    """Read a settings file (default ``data/settings.yml``) merged over :data:`DEFAULTS`.

    The returned mapping has an extra key ``base_dir``: the folder relative lexicon paths are
    resolved against.
    """
    path = Path(path) if path is not None else data_file("settings.yml")
    try:
        raw = load_yaml(path.read_text(encoding="utf-8-sig")) or {}
    except OSError as exc:
        raise InputError(f"{path}: cannot read the settings file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path}: is not valid YAML ({yaml_problem(exc)}); fix the indicated line"
        ) from exc
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping of sections at the top level")
    _check_known(raw, path)
    settings = _merge(DEFAULTS, raw, str(path))
    for key in ("hmm", "pos"):
        value = settings["segmentation"][key]
        if not isinstance(value, bool):
            raise InputError(
                f"{path}: `segmentation`: {key} must be true or false, got {value!r}; write "
                f"{key}: true or {key}: false (without quotes)"
            )
    compounds = settings["segmentation"]["compounds"]
    if not isinstance(compounds, list) or not all(isinstance(c, str) and c for c in compounds):
        raise InputError(
            f"{path}: `segmentation`: compounds must be a list of regular expressions, got "
            f"{compounds!r}; write one per line after `compounds:` as - '县（[市区、]+）委'"
        )
    settings["base_dir"] = str(path.resolve().parent)
    return settings


def lexicon_path(settings: dict[str, Any], name: str) -> Path:
    """The path of lexicon ``name`` (slogans, userdict, stopwords, cleaning_rules)."""
    try:
        relative = settings["lexicons"][name]
    except KeyError as exc:
        raise InputError(f"settings: no lexicon {name!r} under `lexicons`") from exc
    path = Path(relative)
    if path.is_absolute():
        return path
    beside = Path(settings["base_dir"]) / path
    if not beside.exists() and relative == DEFAULTS["lexicons"].get(name):
        # A settings file kept elsewhere that uses the default lexicons: they are in data/.
        default = data_dir() / path
        if default.exists():
            return default
    if not beside.exists():
        raise InputError(
            f"{beside}: the {name} file named under `lexicons` in the settings does not exist "
            f"(relative paths start from the settings file's folder, {settings['base_dir']}); "
            "correct the path or give an absolute one"
        )
    return beside
