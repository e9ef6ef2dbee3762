"""Reading the researcher-editable YAML files safely.

YAML anchors and aliases (``&a`` … ``*a``) let a few hundred bytes expand into gigabytes (the
"billion laughs"); no settings, lexicon or rules file needs them, so they are refused with the
line where the first alias is, before anything is expanded. Everything else is PyYAML's
``safe_load``.
"""

from __future__ import annotations

from typing import Any

import yaml


class _NoAliasLoader(yaml.SafeLoader):
    """``SafeLoader`` that stops at the first alias instead of expanding it."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"an alias (*{event.anchor}) repeats an anchored block; aliases are not allowed "
                "in these files: write the entries out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, refusing aliases (raises ``yaml.YAMLError``)."""
    loader = _NoAliasLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML error in one line: where and what (PyYAML's own message spans several)."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    what = getattr(exc, "problem", None) or str(exc)
    return where + " ".join(str(what).split())
