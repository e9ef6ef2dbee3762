"""summary.xlsx and latex/*.tex as a run writes them: numbers as numbers with number formats, a
``columns`` sheet describing every column, LaTeX floats with every cell escaped — and that every
table a real run writes compiles with XeLaTeX and xeCJK, with no character missing."""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import openpyxl
import pandas as pd
import pytest

from analysis.cli import main
from analysis.run.summary import (
    COLUMNS_SHEET,
    LATEX_MAX_ROWS,
    Column,
    SummaryTable,
    display_width,
    latex_escape,
    latex_table,
    summary_table,
    write_summary,
)

# A number followed by an interval or a parenthesis: numbers packed into text.
PACKED_NUMBERS = re.compile(r"^\d+(\.\d+)? [\[(]")


@pytest.fixture(scope="module")
def run_tables(tmp_path_factory, cache_dir):
    """``OUT/tables`` of `python -m analysis run --no-figures --no-notebooks` on the five study
    documents."""
    out = tmp_path_factory.mktemp("summary-run") / "results"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANALYSIS_CACHE", str(cache_dir))
        code = main(["run", "--out", str(out), "--no-figures", "--no-notebooks", "--quiet"])
    assert code == 0
    return out / "tables"


@pytest.fixture(scope="module")
def workbook(run_tables):
    return openpyxl.load_workbook(run_tables / "summary.xlsx")


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


# ----------------------------------------------------------------------------- the workbook


def test_rates_are_numbers_in_numeric_columns(workbook, run_tables):
    sheet = workbook["slogan_rates"]
    assert header(sheet) == ["slogan", "document", "per_10k_chars", "ci_low", "ci_high"]
    counts = pd.read_parquet(run_tables / "slogan_counts.parquet")
    corpus = counts[counts["scope"] == "corpus"].set_index("slogan")
    rows = {(r[0].value, r[1].value): r for r in sheet.iter_rows(min_row=2)}
    assert len(rows) == sheet.max_row - 1  # one row per slogan and document
    for slogan, expected in corpus.iterrows():
        _, _, rate, low, high = rows[(slogan, "all documents")]
        for cell, column in ((rate, "per_10k_chars"), (low, "ci_low"), (high, "ci_high")):
            assert cell.data_type == "n" and cell.number_format == "0.0"
            assert cell.value == pytest.approx(round(expected[column], 1))


def test_every_number_is_a_number_with_a_number_format(workbook):
    sheets = [s for s in workbook.worksheets if s.title != COLUMNS_SHEET]
    assert [s.title for s in sheets] == [
        "documents",
        "slogan_rates",
        "slogan_counts",
        "top_tfidf_terms",
        "formulae",
        "similarity",
        "ca_inertia",
    ]
    numeric_columns = 0
    for sheet in sheets:
        for column in sheet.iter_cols(min_row=2):
            cells = [c for c in column if c.value is not None]
            if any(c.data_type == "n" for c in cells):
                numeric_columns += 1
                assert all(c.data_type == "n" for c in cells), (sheet.title, column[0].column)
                assert all(c.number_format != "General" for c in cells)
            else:
                packed = [c.value for c in cells if PACKED_NUMBERS.match(str(c.value))]
                assert packed == [], f"{sheet.title}: numbers stored as text: {packed[:3]}"
    assert numeric_columns >= 15


def test_ca_values_are_rounded_to_three_decimals(workbook, run_tables):
    inertia = pd.read_parquet(run_tables / "ca_inertia.parquet")
    sheet = workbook["ca_inertia"]
    assert header(sheet) == list(inertia.columns)
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values == inertia.round(3).to_numpy().tolist()
    assert sheet["B2"].number_format == "0.000"


def test_the_columns_sheet_describes_every_column_of_every_sheet(workbook):
    assert workbook.sheetnames[0] == COLUMNS_SHEET
    guide = workbook[COLUMNS_SHEET]
    assert header(guide) == ["sheet", "column", "meaning", "unit"]
    described: dict[tuple[str, str], tuple[str, str]] = {}
    captions: dict[str, str] = {}
    for sheet, column, meaning, unit in guide.iter_rows(min_row=2, values_only=True):
        assert meaning and meaning.strip(), (sheet, column)
        if column is None:
            captions[sheet] = meaning
        else:
            described[(sheet, column)] = (meaning, unit or "")
    present = {(s.title, name) for s in workbook.worksheets for name in header(s)}
    assert set(described) == present
    assert set(captions) == set(workbook.sheetnames)
    assert described[("slogan_rates", "per_10k_chars")][1] == "mentions per 10,000 characters"
    assert "95%" in described[("slogan_rates", "ci_low")][0]
    numeric_units = {
        key: unit for key, (_, unit) in described.items() if key[1] in {"n_chars", "count"}
    }
    assert numeric_units == {
        ("documents", "n_chars"): "characters",
        ("slogan_counts", "count"): "mentions",
    }


def test_columns_fit_their_content_and_the_header_row_is_frozen(workbook):
    assert display_width("团结ab") == 6  # a CJK character takes two columns
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
    sheet = workbook["slogan_rates"]
    widest = max((c.value for c in sheet["A"][1:]), key=display_width)
    assert display_width(widest) == 2 * len(widest)  # a slogan in Chinese characters
    assert sheet.column_dimensions["A"].width >= display_width(widest)
    assert sheet.column_dimensions["C"].width < sheet.column_dimensions["A"].width


# ----------------------------------------------------------------------------- LaTeX


def test_latex_specials_are_escaped():
    assert latex_escape("cidu_opinion_2005") == r"cidu\_opinion\_2005"
    assert latex_escape(r"a & b 50% $5 #1 {x} ~y ^z \n") == (
        r"a \& b 50\% \$5 \#1 \{x\} \textasciitilde{}y \textasciicircum{}z \textbackslash{}n"
    )
    assert latex_escape("团结\n民主") == "团结 民主"
    with pytest.raises(TypeError, match="expects text"):
        latex_escape(5)


def tricky_table() -> SummaryTable:
    """A hand-made table with every LaTeX special in its names, cells and caption."""
    data = pd.DataFrame(
        {
            "term_&_%": ["a_b & c", "50% $5 #1", "{团结} ~ ^ \\"],
            "n_docs": [1, 12_345, 3],
            "per_10k_chars": [23.78687, 0.04, float("nan")],
            "g2": [151.23456, 3.8415, 0.5],
            "p": [3.2e-5, 0.0123, 0.5],
            "share": [0.47941, 0.5, 1.0],
        }
    )
    columns = {
        "term_&_%": Column("a term with specials"),
        "n_docs": Column("documents", "documents", "count"),
        "per_10k_chars": Column("rate", "per 10,000 characters", "rate"),
        "g2": Column("log-likelihood G²", "", "statistic"),
        "p": Column("p-value of G²", "", "p_value"),
        "share": Column("share", "proportion", "score"),
    }
    return summary_table(data, columns, "Specials: _ & % $ # { } ~ ^ \\ in 团结 and 四強一硬.")


def test_a_latex_table_is_a_complete_escaped_float():
    latex = latex_table("tricky_specials", tricky_table())
    lines = latex.splitlines()
    start = lines.index(r"\begin{table}[htbp]")
    assert lines[start : start + 4] == [
        r"\begin{table}[htbp]",
        r"\centering",
        r"\caption{Specials: \_ \& \% \$ \# \{ \} \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{} in 团结 and 四強一硬.}",
        r"\label{tab:tricky_specials}",
    ]
    assert r"\begin{tabular}{lrrrrr}" in lines and lines[-1] == r"\end{table}"
    body = lines[lines.index(r"\midrule") + 1 : lines.index(r"\bottomrule")]
    assert lines[lines.index(r"\midrule") - 1] == (
        r"term\_\&\_\% & n\_docs & per\_10k\_chars & g2 & p & share \\"
    )
    assert body == [
        r"a\_b \& c & 1 & 23.8 & 151.23 & $3.2\times10^{-5}$ & 0.479 \\",
        r"50\% \$5 \#1 & 12,345 & 0.0 & 3.84 & 0.012 & 0.500 \\",
        r"\{团结\} \textasciitilde{} \textasciicircum{} \textbackslash{} & 3 &  & 0.50 & 0.500 "
        r"& 1.000 \\",
    ]
    # without the escapes, the math and the cell separators, no special is left
    text = re.sub(r"\\[&%$#_{}]|\\text\w+\{\}|\$[^$]*\$", "", "\n".join(body))
    assert re.search(r"[&%$#_{}~^\\]", text.replace(" & ", " ").replace(r" \\", "")) is None


def test_the_workbook_stores_what_the_latex_prints(tmp_path):
    table = tricky_table()
    write_summary({"tricky": table}, tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "summary.xlsx")["tricky"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=2)]
    assert values == [["a_b & c", 1, 23.8, 151.23, 3.2e-5, 0.479]]
    formats = [c.number_format for c in sheet[2]]
    assert formats == ["General", "#,##0", "0.0", "0.00", "[<0.001]0.0E+00;0.000", "0.000"]


def test_summary_tables_must_say_what_their_columns_mean(tmp_path):
    data = pd.DataFrame({"doc_id": ["a"], "n": [1]})
    with pytest.raises(ValueError, match=r"describe exactly .*\['n'\]"):
        SummaryTable(data, {"doc_id": Column("document")}, "Documents.")
    with pytest.raises(TypeError, match="wrap it in SummaryTable"):
        write_summary({"documents": data}, tmp_path)
    table = SummaryTable(data, {"doc_id": Column("document"), "n": Column("n", "", "count")}, "D.")
    with pytest.raises(ValueError, match="other than 'columns'"):
        write_summary({"columns": table}, tmp_path)
    with pytest.raises(ValueError, match="kind 'percent'"):
        Column("share", "", "percent")
    assert not (tmp_path / "summary.xlsx").exists()


# ----------------------------------------------------------------------------- compiling

WRAPPER = r"""\documentclass{article}
\usepackage{booktabs}
\usepackage{xeCJK}
\setCJKmainfont{%(font)s}[Path=./]
\tracinglostchars=2
\begin{document}
%(inputs)s
\end{document}
"""


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="xelatex is not installed")
def test_every_latex_table_of_a_run_compiles_with_xelatex_and_xecjk(run_tables, tmp_path):
    from analysis.plots.fonts import resolve_cjk_font

    tables = sorted((run_tables / "latex").glob("*.tex"))
    assert [t.stem for t in tables] == sorted(
        n for n in openpyxl.load_workbook(run_tables / "summary.xlsx").sheetnames if n != "columns"
    )
    # the run's tables, and a hand-made one with every special and a cut (LATEX_MAX_ROWS + 1 rows)
    for table in tables:
        shutil.copy(table, tmp_path / table.name)
    long = pd.concat([tricky_table().data] * (LATEX_MAX_ROWS // 3 + 1), ignore_index=True)
    tricky = summary_table(long, tricky_table().columns, tricky_table().caption)
    (tmp_path / "tricky_specials.tex").write_text(
        latex_table("tricky_specials", tricky), encoding="utf-8"
    )
    names = [t.stem for t in tables] + ["tricky_specials"]
    font = resolve_cjk_font().path
    (tmp_path / f"cjk{font.suffix}").symlink_to(font)
    inputs = "\n\\clearpage\n".join(f"\\input{{{name}.tex}}" for name in names)
    (tmp_path / "tables.tex").write_text(
        WRAPPER % {"font": f"cjk{font.suffix}", "inputs": inputs}, encoding="utf-8"
    )
    started = time.perf_counter()
    done = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "tables.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
        check=False,
    )
    log = (tmp_path / "tables.log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, log[-3000:]
    assert "Missing character" not in log, [ln for ln in log.splitlines() if "Missing" in ln]
    assert (tmp_path / "tables.pdf").stat().st_size > 0
    aux = (tmp_path / "tables.aux").read_text(encoding="utf-8")
    assert sorted(re.findall(r"\\newlabel\{tab:(\w+)\}", aux)) == sorted(names)
    print(f"xelatex compiled {len(names)} tables in {time.perf_counter() - started:.1f} s")
