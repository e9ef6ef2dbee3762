"""analysis.config.registry: one list of steps feeds compute_tables, the settings sections,
the row orders of docs/RELIABILITY.md and tests/test_row_order.py."""

from __future__ import annotations

import inspect
import re

from conftest import PROJECT

from analysis.config import registry
from analysis.config.settings import SECTIONS
from analysis.run import steps


def step_functions() -> set[str]:
    """The functions of analysis.run.steps that take the run's StepContext."""
    return {
        name
        for name, func in inspect.getmembers(steps, inspect.isfunction)
        if func.__module__ == steps.__name__
        and list(inspect.signature(func).parameters) == ["run"]
    }


def test_every_registered_step_has_its_code_and_every_step_function_is_registered():
    assert {step.name for step in registry.STEPS} == step_functions()


def test_step_and_table_names_are_unique():
    names = [s.name for s in registry.STEPS]
    tables = [t.name for t in (*registry.CORPUS_TABLES, *(t for s in registry.STEPS for t in s.tables))]
    assert len(names) == len(set(names))
    assert len(tables) == len(set(tables)) == len(registry.TABLES)


def test_the_settings_know_every_section_a_step_reads():
    for step in registry.STEPS:
        assert set(step.sections) <= set(SECTIONS), step.name
    assert registry.step_sections("similarity") == ("similarity", "clustering")


def test_every_measure_named_in_the_registry_exists():
    import importlib

    for step in registry.STEPS:
        module_name, first = step.measure.split(", ")[0].rsplit(".", 1)
        module = importlib.import_module(f"analysis.{module_name}")
        for name in [first, *step.measure.split(", ")[1:]]:
            assert callable(getattr(module, name)), step.measure


def test_reliability_doc_lists_the_registered_row_orders():
    text = (PROJECT / "docs" / "RELIABILITY.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| (\w+) \| (.+) \|$", text, re.M))
    documented.pop("Table", None)
    rows = {name: documented.get(name) for name in registry.TABLES}
    assert rows == {name: registry.row_order_text(name) for name in registry.TABLES}


def test_row_order_keys_name_known_orders():
    for table in registry.TABLES.values():
        assert table.row_order, table.name
        for column, order in table.row_order:
            assert order in {"asc", "desc", "documents", "lexicon", "formulae", "listed"}, (
                table.name, column)
