"""The analysis settings file (``data/settings.yml``) with defaults for anything it leaves out.

Settings are plain nested dictionaries, read once and passed down; every measure documents the
keys it reads under its own section. Relative paths in ``lexicons`` are resolved against the
settings file's folder.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import InputError
from analysis.paths import data_file

DEFAULTS: dict[str, Any] = {
    "lexicons": {
        "slogans": "lexicon/slogans.yml",
        "userdict": "lexicon/userdict.txt",
        "stopwords": "lexicon/stopwords.txt",
        "cleaning_rules": "cleaning.yml",
    },
    "segmentation": {"segmenter": "jieba", "hmm": True, "pos": False},
}


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
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except OSError as exc:
        raise InputError(f"{path}: cannot read the settings file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: is not valid YAML ({exc}); fix the indicated line") from exc
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping of sections at the top level")
    settings = _merge(DEFAULTS, raw, str(path))
    settings["base_dir"] = str(path.resolve().parent)
    return settings


def lexicon_path(settings: dict[str, Any], name: str) -> Path:
    """The path of lexicon ``name`` (slogans, userdict, stopwords, cleaning_rules)."""
    try:
        relative = settings["lexicons"][name]
    except KeyError as exc:
        raise InputError(f"settings: no lexicon {name!r} under `lexicons`") from exc
    path = Path(relative)
    return path if path.is_absolute() else Path(settings["base_dir"]) / path
