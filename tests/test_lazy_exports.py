"""Packages import their public names on first use: importing one module of ``analysis.plots``
loads no other plot, nor scikit-learn and scipy.stats, which only some steps need."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import PROJECT

import analysis
import analysis.plots


def imported_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True, text=True, cwd=PROJECT, timeout=120, check=True,
    )
    return set(done.stdout.split())


def test_one_module_of_the_plots_loads_no_other_plot_nor_heavy_libraries():
    loaded = imported_after("from analysis.plots.fonts import font_stack")
    assert "analysis.plots.fonts" in loaded
    assert not {"analysis.plots.cooccurrence", "analysis.plots.similarity", "sklearn",
                "scipy.stats", "statsmodels"} & loaded


def test_reading_a_run_loads_no_model_library():
    loaded = imported_after("from analysis.run import views\nfrom analysis.run.notebooks import "
                            "setup_notebook")
    assert not {"sklearn", "scipy.stats", "statsmodels", "jieba"} & loaded


def test_public_names_resolve_and_stay():
    assert "save_figure" in dir(analysis.plots) and "build_corpus" in dir(analysis)
    from analysis.plots.save import save_figure

    assert analysis.plots.save_figure is save_figure
    assert vars(analysis.plots)["save_figure"] is save_figure  # kept once imported
    for name in analysis.plots.__all__:
        getattr(analysis.plots, name)
    for name in analysis.__all__:
        getattr(analysis, name)


@pytest.mark.parametrize("package", [analysis, analysis.plots], ids=["analysis", "plots"])
def test_an_unknown_name_is_an_attribute_error_naming_the_package(package):
    with pytest.raises(AttributeError, match=f"module '{package.__name__}' has no attribute 'nope'"):
        package.nope  # noqa: B018
