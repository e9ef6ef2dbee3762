"""The stage folders import only from the stages before them (docs/ARCHITECTURE.md).

Every ``import analysis…`` statement of the package, at the top of a module or inside a
function, is read with :mod:`ast`; a module may import from its own folder or a folder to its
left in ``errors/checks → config → corpus → features → measures → plots → run → cli``, and no
measure imports another measure (helpers they share live in ``analysis/features``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analysis"

#: The stages in the order data flows; a module may import from its own stage or an earlier one.
LAYERS = {
    "errors": 0, "checks": 0, "lazy_exports": 0,
    "config": 1,
    "corpus": 2,
    "features": 3,
    "measures": 4,
    "plots": 5,
    "run": 6,
    "cli": 7, "__main__": 7, "__init__": 7,
}


def stage_of(module: str) -> str:
    """``analysis.corpus.load`` → ``corpus``; ``analysis.cli`` → ``cli``; ``analysis`` → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(relative.parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "analysis":
                found += [(node.lineno, f"analysis.{alias.name}") for alias in node.names]
            elif node.module.startswith("analysis."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("analysis.")]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_known_stage():
    unknown = {stage_of(module_name(p).removesuffix(".__init__")) for p in MODULES} - set(LAYERS)
    assert not unknown, f"add these folders to LAYERS and docs/ARCHITECTURE.md: {unknown}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_stages(path):
    importer = module_name(path)
    importer_stage = stage_of(importer.removesuffix(".__init__"))
    wrong = []
    for line, target in imported_modules(path):
        target_stage = stage_of(target)
        if target_stage not in LAYERS:  # a lazily imported public name of analysis/__init__
            continue
        if LAYERS[target_stage] > LAYERS[importer_stage]:
            wrong.append(f"line {line}: {importer} ({importer_stage}) imports {target}")
        elif (
            importer_stage == "measures" == target_stage
            and target != importer
            and importer != "analysis.measures.__init__"
        ):
            wrong.append(f"line {line}: measure {importer} imports measure {target}")
    assert not wrong, "\n".join(wrong)


def test_the_rule_catches_a_backward_import(tmp_path):
    # A test that could not fail would prove nothing: a corpus module importing a plot fails.
    module = tmp_path / "probe.py"
    module.write_text("from analysis.plots.save import save_figure\n", encoding="utf-8")
    [(line, target)] = imported_modules(module)
    assert (line, stage_of(target)) == (1, "plots")
    assert LAYERS["plots"] > LAYERS["corpus"]


#: Modules whose tests live in a file of another name, and why.
TESTED_ELSEWHERE = {
    # the command line is tested by running it, one file per command group
    "analysis/cli.py": "test_cli.py",
}


def expected_test_files(path: Path) -> list[str]:
    """The test files that may hold a module's tests: ``test_<module>.py``; a measure's
    ``test_textstat_<module>.py`` or ``test_textmodel_<module>.py``; a plot module's
    ``test_textplot_<module>.py``, or the contract test over every ``textplot_*``."""
    name = path.stem
    folder = path.parent.name
    names = [f"test_{name}.py"]
    if folder == "measures":
        names += [f"test_textstat_{name}.py", f"test_textmodel_{name}.py"]
    if folder == "plots":
        names.append(f"test_textplot_{name}.py")
        if "def textplot_" in path.read_text(encoding="utf-8"):
            names.append("test_textplot_contract.py")
    return names


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if p.name not in ("__init__.py", "__main__.py")],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_every_module_has_a_test_file_named_after_it(path):
    tests = Path(__file__).resolve().parent
    relative = str(path.relative_to(PACKAGE.parent))
    wanted = [TESTED_ELSEWHERE[relative]] if relative in TESTED_ELSEWHERE else (
        expected_test_files(path))
    assert any((tests / name).is_file() for name in wanted), (
        f"{relative} has no test file: add tests/{wanted[0]}"
    )
