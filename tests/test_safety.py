"""No input is ever executed: no pickle or eval anywhere, YAML loaded safely, notebook parameters
checked before use (issue 6, section 5)."""

from __future__ import annotations

import ast
import json

import pytest
from conftest import PROJECT, RAW

from analysis.config.cleaning_rules import load_cleaning_rules
from analysis.config.lexicon import load_slogans
from analysis.config.settings import load_settings
from analysis.errors import InputError
from analysis.run.notebooks import check_notebook_parameters, execute_notebook, study_notebooks

# Modules that deserialise objects (running code on load) and builtins that run text as code.
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "shelve"}
UNSAFE_BUILTINS = {"eval", "exec", "compile", "__import__"}
UNSAFE_ATTRIBUTES = {
    ("yaml", "load"),
    ("yaml", "load_all"),
    ("yaml", "full_load"),
    ("yaml", "unsafe_load"),
    ("yaml", "Loader"),
    ("yaml", "UnsafeLoader"),
    ("yaml", "FullLoader"),
    ("pd", "read_pickle"),
    ("pandas", "read_pickle"),
    ("joblib", "load"),
    ("os", "system"),
    ("os", "popen"),
}


def unsafe_uses(source: str, where: str) -> list[str]:
    """Every import of an unsafe module, call of an unsafe builtin or use of an unsafe
    attribute in ``source``, and every call with ``shell=True`` or ``allow_pickle=True``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if a.name in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "") in UNSAFE_MODULES:
            found.append(f"{where}: from {node.module} import …")
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in UNSAFE_BUILTINS:
                found.append(f"{where}:{node.lineno}: {node.func.id}(…)")
            for keyword in node.keywords:
                if keyword.arg in ("shell", "allow_pickle") and getattr(
                    keyword.value, "value", False
                ):
                    found.append(f"{where}:{node.lineno}: {keyword.arg}=True")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in UNSAFE_ATTRIBUTES
        ):
            found.append(f"{where}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_the_scanner_finds_what_it_looks_for():
    source = (
        "import pickle\nfrom marshal import loads\nimport yaml\nyaml.load(s)\neval(x)\n"
        "subprocess.run(c, shell=True)\nnp.load(f, allow_pickle=True)\npd.read_pickle(p)\n"
    )
    assert len(unsafe_uses(source, "sample")) == 7
    safe = "import yaml\nyaml.safe_load(s)\nre.compile(p)\nsubprocess.run(c, shell=False)\n"
    assert unsafe_uses(safe, "sample") == []


def test_no_module_of_the_package_unpickles_or_evaluates_anything():
    found = []
    for path in sorted((PROJECT / "analysis").rglob("*.py")):
        found += unsafe_uses(path.read_text(encoding="utf-8"), str(path.relative_to(PROJECT)))
    assert found == []


def test_no_notebook_unpickles_or_evaluates_anything():
    found = []
    for notebook in study_notebooks():
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                code = "\n".join(
                    line for line in "".join(cell["source"]).splitlines()
                    if not line.lstrip().startswith(("%", "!"))  # IPython magics
                )
                found += unsafe_uses(code, f"{notebook.name} cell {i}")
    assert found == []


PAYLOAD = '!!python/object/apply:os.system ["touch {marker}"]'


@pytest.mark.parametrize(
    "load, file_name, template",
    [
        (load_settings, "settings.yml", "segmentation: {payload}\n"),
        (load_slogans, "slogans.yml", "slogans:\n  - name: {payload}\n"),
        (load_cleaning_rules, "cleaning.yml", "rules: {payload}\n"),
    ],
)
def test_yaml_with_a_python_tag_is_refused_and_never_run(tmp_path, load, file_name, template):
    marker = tmp_path / "PWNED"
    path = tmp_path / file_name
    path.write_text(template.format(payload=PAYLOAD.format(marker=marker)), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load(path)
    assert str(path) in str(error.value)
    assert not marker.exists()


@pytest.mark.parametrize(
    "parameters, named",
    [
        ({"results_dir": 5}, "results_dir=5"),
        ({"results_dir": True}, "results_dir=True"),
        ({"results_dir": " "}, "results_dir=' '"),
        ({"results_dir": "/no/such/folder"}, "results_dir='/no/such/folder'"),
        ({"results_dir": str(RAW)}, "holds no run"),
        ({"results_dir": str(RAW), "terms": ["团结"]}, "results_dir="),
    ],
)
def test_a_wrong_notebook_parameter_is_named_with_what_to_give(parameters, named):
    with pytest.raises(InputError, match="notebook parameter") as error:
        check_notebook_parameters(**parameters)
    assert named in str(error.value)


def test_good_notebook_parameters_pass(tmp_path):
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    assert check_notebook_parameters(results_dir=str(tmp_path), terms="团结,re:民主.{0,2}制") == tmp_path
    with pytest.raises(InputError, match="terms=\\['团结'\\]"):
        check_notebook_parameters(results_dir=str(tmp_path), terms=["团结"])


def test_every_notebook_checks_its_parameters_before_reading_anything():
    """The first cell after the parameters is the shared setup, which checks them
    (analysis.run.notebooks.setup_notebook → check_notebook_parameters) before reading the run."""
    for notebook in study_notebooks():
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = [
            "".join(c["source"]) for c in cells
            if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])
        ]
        assert "setup_notebook(results_dir" in code[0], notebook.name
        assert not any("results_dir" in cell for cell in code[1:]), notebook.name


def test_a_notebook_run_with_a_bad_parameter_stops_at_the_check(tmp_path):
    notebook = study_notebooks()[0]
    with pytest.raises(InputError) as error:
        execute_notebook(notebook, tmp_path, {"results_dir": str(tmp_path / "missing")})
    message = str(error.value)
    assert notebook.name in message and "InputError" in message
    assert "notebook parameter results_dir=" in message
