"""The install files agree with each other and with the README's two commands."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import PROJECT

SELF = "cpc-leadership-analysis"


def _name(requirement: str) -> str:
    name = re.split(r"[\s<>=!~\[;]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_packages() -> set[str]:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return {_name(r) for r in requirements} - {SELF}


def environment_packages() -> set[str]:
    env = yaml.safe_load((PROJECT / "environment.yml").read_text(encoding="utf-8"))
    names = set()
    for item in env["dependencies"]:
        if isinstance(item, dict):
            names |= {_name(p) for p in item["pip"] if not p.startswith("-e")}
        else:
            names.add(_name(item))
    return names - {"python", "pip"}


def test_environment_yml_names_the_same_packages_as_pyproject():
    assert environment_packages() == pyproject_packages()


def test_makefile_has_the_documented_targets_and_ci_calls_make_test():
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    for target in ("setup", "report", "test", "bench", "clean"):
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile lacks `{target}`"
    assert "python3 -m venv" in makefile.replace("$(PYTHON)", "python3")
    assert ".[dev,fast]" in makefile
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "set -e" in ci


def test_readme_first_screen_shows_the_two_commands():
    first_screen = "\n".join((PROJECT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "make report" in first_screen and "make test" in first_screen


def test_a_cjk_font_package_is_a_dependency():
    assert "mplfonts" in pyproject_packages()
