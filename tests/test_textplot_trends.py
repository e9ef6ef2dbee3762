"""The slogan trend figure (``textplot_slogan_trends``) on synthetic ``slogan_trends`` tables:
panels, lines, hollow points, breaks at gaps, y scales, legend, errors, and the exported files
(PNG, PDF, SVG with the Chinese drawn)."""

from __future__ import annotations

import copy
import math
import warnings
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image, ImageStat

from analysis.errors import InputError
from analysis.plots import (
    FONT_ENV_VAR,
    MAX_PDF_BYTES,
    check_glyphs,
    save_figure,
    textplot_slogan_trends,
)
from analysis.plots.trends import _group_style

COLUMNS = [
    "slogan", "grouping", "group", "time_unit", "time", "year", "n_docs", "n_paragraphs",
    "n_chars", "count", "token_count", "per_10k_chars", "ci_low", "ci_high", "ci_method",
    "confidence", "n_resamples", "seed",
]  # fmt: skip
# Years with a State Council government work report (none 1961–1963, 1965–1974, 1976–1977,
# 1989–1991, 1996, 2020): seven runs, six gaps.
GWR_YEARS = [
    *range(1954, 1961), 1964, 1975, *range(1978, 1989), *range(1992, 1996),
    *range(1997, 2020), *range(2021, 2026),
]  # fmt: skip
GWR_RUNS = [(1954, 1960), (1964, 1964), (1975, 1975), (1978, 1988), (1992, 1995), (1997, 2019),
            (2021, 2025)]  # fmt: skip
CI_METHOD = "paragraphs"  # as textstat_slogans names a bootstrap of paragraphs


@pytest.fixture(autouse=True)
def default_font_setting(monkeypatch):
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)


def cell(
    slogan: str,
    group: str,
    year: int,
    rate: float,
    *,
    grouping: str = "genre",
    time_unit: str = "year",
    time: str | None = None,
    n_docs: int = 2,
    n_chars: int = 10_000,
    interval: tuple[float, float] | None = "half",  # type: ignore[assignment]
) -> dict:
    """One row of a slogan_trends table; the interval defaults to rate × 0.5 … rate × 1.5 + 1."""
    if interval == "half":
        interval = (rate * 0.5, rate * 1.5 + 1)
    count = round(rate * n_chars / 10_000)
    return {
        "slogan": slogan, "grouping": grouping, "group": group, "time_unit": time_unit,
        "time": time if time is not None else str(year), "year": year, "n_docs": n_docs,
        "n_paragraphs": 10 * n_docs, "n_chars": n_chars, "count": count, "token_count": count,
        "per_10k_chars": rate,
        "ci_low": np.nan if interval is None else interval[0],
        "ci_high": np.nan if interval is None else interval[1],
        "ci_method": "none" if interval is None else CI_METHOD,
        "confidence": np.nan if interval is None else 0.95,
        "n_resamples": 0 if interval is None else 1000, "seed": 7,
    }  # fmt: skip


def table(cells: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(cells, columns=COLUMNS)


REPORT_YEARS = [2000, 2001, 2002, 2005, 2006]  # a gap 2003–2004
SPEECH_YEARS = [2000, 2001, 2002, 2003, 2004, 2005, 2006]
RATES = {"团结": 20.0, "一把手": 0.04}


@pytest.fixture
def basic() -> pd.DataFrame:
    """团结 (rates near 20) and 一把手 (near 0.04) for the report and speech genres, and the
    all-documents line first; report 2002 and speech 2005 rest on one document each."""
    cells = []
    for slogan, base in RATES.items():
        for year in SPEECH_YEARS:
            cells.append(cell(slogan, "all documents", year, base, grouping="", n_docs=3))
        for year in REPORT_YEARS:
            rate = base * (1 + (year - 2000) / 10)
            cells.append(cell(slogan, "report", year, rate, n_docs=1 if year == 2002 else 2))
        for year in SPEECH_YEARS:
            rate = base * (2 - (year - 2000) / 10)
            cells.append(cell(slogan, "speech", year, rate, n_docs=1 if year == 2005 else 4))
    return table(cells)


def gwr_table(
    slogans=("团结", "民主集中制", "一把手", "改革开放"), groups=("report", "resolution")
):
    """A realistic table: 4 slogans × 62 report years (1954–2025 with gaps) × 2 groups."""
    rng = np.random.default_rng(3)
    base = {"团结": 9.0, "民主集中制": 0.8, "一把手": 0.05, "改革开放": 3.0}
    cells = []
    for k, group in enumerate(groups):
        for year in GWR_YEARS:
            n_docs = 1 if year % 9 == 0 else 2
            for slogan in slogans:
                level = base.get(slogan, 1.0) * (1 + 0.5 * math.sin((year - 1950) / 9 + k))
                if slogan == "改革开放" and year < 1978:
                    level = 0.0
                rate = float(rng.gamma(4, level / 4)) if level else 0.0
                cells.append(cell(slogan, group, year, rate, n_docs=n_docs,
                                  n_chars=int(rng.integers(8_000, 30_000)),
                                  interval=(rate * 0.7, rate * 1.3 + 0.05)))  # fmt: skip
    return table(cells)


def decade_table(decades=(1950, 1960, 1980, 1990), groups=("report", "congress")):
    cells = []
    for k, group in enumerate(groups):
        for decade in decades:
            for slogan, base in RATES.items():
                cells.append(cell(slogan, group, decade, base * (k + 1) * (1 + decade / 1000),
                                  grouping="genre×decade", time_unit="decade",
                                  time=f"{decade}s", n_docs=1 if decade == 1980 else 5))  # fmt: skip
    return table(cells)


def panels(fig: Figure) -> list:
    return [ax for ax in fig.axes if ax.get_visible()]


def by_gid(ax, prefix: str) -> list:
    """Artists of ``ax`` whose gid starts with ``prefix`` (trend:, filled:, hollow:, band:, …)."""
    return [a for a in ax.get_children() if (a.get_gid() or "").startswith(prefix)]


def gid_of(ax, gid: str):
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


def legend(fig: Figure) -> Legend:
    legends = fig.findobj(Legend)
    assert len(legends) == 1  # once for the figure, not per panel
    return legends[0]


def legend_labels(fig: Figure) -> list[str]:
    return [t.get_text() for t in legend(fig).get_texts()]


def axis_note(fig: Figure) -> str:
    """The x axis title with the notes under it."""
    return fig.subfigs[1].get_supxlabel()


def build(*args, **kwargs) -> Figure:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no glyph, layout or pandas warning
        return textplot_slogan_trends(*args, **kwargs)


def texts_outside_figure(fig: Figure) -> list[str]:
    """Visible texts sticking out of the figure (they would be cut off on the page)."""
    fig.draw_without_rendering()
    page = fig.bbox.padded(1.0)
    tick_labels, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                tick_labels.update((tick.label1, tick.label2))
                if low <= tick.get_loc() <= high:
                    drawn += [tick.label1, tick.label2]
    drawn += [t for t in fig.findobj(Text, include_self=False) if t not in tick_labels]
    return [
        t.get_text()
        for t in drawn
        if t.get_visible() and t.get_text()
        and not (page.contains(*t.get_window_extent().p0)
                 and page.contains(*t.get_window_extent().p1))
    ]  # fmt: skip


# --- panels and their scales ----------------------------------------------------------------


def test_one_panel_per_slogan_in_table_order(basic):
    fig = build(basic)
    assert [ax.get_title(loc="left") for ax in panels(fig)] == ["团结", "一把手"]
    fig = build(basic, slogans=["一把手", "团结"])
    assert [ax.get_title(loc="left") for ax in panels(fig)] == ["一把手", "团结"]
    assert len(panels(build(basic, slogans=["一把手"]))) == 1


def test_panels_share_the_x_axis_and_label_the_y_axis(basic):
    fig = build(basic)
    first, second = panels(fig)
    assert first.get_shared_x_axes().joined(first, second)
    assert not first.get_shared_y_axes().joined(first, second)
    assert fig.subfigs[1].get_supylabel() == "Mentions per 10,000 characters"
    assert axis_note(fig).splitlines()[0] == "Year"


def test_each_panel_has_its_own_y_scale_covering_its_data(basic):
    genre = basic[basic["grouping"] == "genre"]
    for intervals, columns in ((True, ["per_10k_chars", "ci_high"]), (False, ["per_10k_chars"])):
        fig = build(basic, intervals=intervals)
        for ax in panels(fig):
            own = genre[genre["slogan"] == ax.get_title(loc="left")]
            top = own[columns].to_numpy().max()
            assert ax.get_ylim() == pytest.approx((0, top * 1.08))
    tuanjie, yibashou = panels(build(basic, intervals=False))
    # 团结 at 20-40 and 一把手 at 0.04-0.08 per 10,000: scales 500 times apart
    assert tuanjie.get_ylim()[1] / yibashou.get_ylim()[1] == pytest.approx(500)


def test_a_slogan_never_mentioned_gets_a_unit_scale_and_says_so(basic):
    zero = basic.copy()
    zero.loc[zero["slogan"] == "一把手", ["count", "token_count", "per_10k_chars"]] = 0
    zero.loc[zero["slogan"] == "一把手", ["ci_low", "ci_high"]] = 0.0
    _, yibashou = panels(build(zero))
    assert yibashou.get_ylim() == (0, 1)
    assert [t.get_text() for t in yibashou.texts] == ["not mentioned"]
    assert len(by_gid(yibashou, "trend:")) == 2  # the zero lines are still drawn


# --- lines, gaps, hollow points --------------------------------------------------------------


def test_one_line_per_group_of_the_first_named_grouping(basic):
    fig = build(basic)  # the table's first grouping is "", so the default is "genre"
    for ax in panels(fig):
        assert [a.get_gid() for a in by_gid(ax, "trend:")] == ["trend:report", "trend:speech"]
    assert legend(fig).get_title().get_text() == "genre"


def test_grouping_empty_string_draws_the_all_documents_line(basic):
    fig = build(basic, grouping="")
    for ax in panels(fig):
        assert [a.get_gid() for a in by_gid(ax, "trend:")] == ["trend:all documents"]
    assert legend_labels(fig) == ["all documents"]  # three documents everywhere: none hollow
    only_all = basic[basic["grouping"] == ""]
    assert [a.get_gid() for a in by_gid(panels(build(only_all))[0], "trend:")] == [
        "trend:all documents"
    ]


# Where intervals are vertical lines (lone points), two groups are dodged by ∓15% of the
# distance between the closest time steps; GWR years have lone points (1964, 1975).
GWR_SHIFT = {"report": -0.15, "resolution": 0.15}


def years(artist: Line2D, shift: float) -> list[float]:
    """The x positions of an artist's points, undodged (NaN where a line breaks)."""
    return np.round(np.asarray(artist.get_xdata(), dtype=float) - shift, 6).tolist()


def test_the_table_read_back_from_csv_draws_the_same(basic, tmp_path):
    basic.to_csv(tmp_path / "slogan_trends.csv", index=False, encoding="utf-8-sig")
    read = pd.read_csv(tmp_path / "slogan_trends.csv", encoding="utf-8-sig")
    assert read["grouping"].isna().any()  # "" comes back as NaN
    for grouping in ("", "genre"):
        ours, theirs = (
            panels(build(basic, grouping=grouping)),
            panels(build(read, grouping=grouping)),
        )
        for a, b in zip(ours, theirs, strict=True):
            assert [x.get_gid() for x in by_gid(a, "trend:")] == [
                x.get_gid() for x in by_gid(b, "trend:")
            ]
            assert a.get_ylim() == b.get_ylim()


def test_a_gap_in_the_years_breaks_the_line(basic):
    ax = panels(build(basic))[0]
    report = gid_of(ax, "trend:report")
    np.testing.assert_array_equal(years(report, 0), [2000, 2001, 2002, np.nan, 2005, 2006])
    assert np.isnan(np.asarray(report.get_ydata(), dtype=float)).sum() == 1  # two segments
    speech = years(gid_of(ax, "trend:speech"), 0)
    assert speech == SPEECH_YEARS  # no gap, no break


def segments(line: Line2D, shift: float) -> list[tuple[float, float]]:
    """(first, last) undodged x of each unbroken piece of a line."""
    x = np.asarray(years(line, shift))
    pieces = np.split(x, np.flatnonzero(np.isnan(x)))
    return [(p[~np.isnan(p)][0], p[~np.isnan(p)][-1]) for p in pieces]


def test_groups_are_dodged_where_intervals_are_vertical_lines(basic):
    lone = basic[basic["year"].isin([2000, 2002, 2004])]  # every point alone: vertical lines
    ax = panels(build(lone))[0]
    report, speech = gid_of(ax, "whisker:report"), gid_of(ax, "whisker:speech")
    # the groups spread over 30% of the 2 years between time steps
    assert [seg[0][0] for seg in report.get_segments()] == pytest.approx([1999.7, 2001.7])
    assert [seg[0][0] for seg in speech.get_segments()] == pytest.approx([2000.3, 2002.3, 2004.3])
    assert gid_of(ax, "filled:report").get_xdata()[0] == pytest.approx(1999.7)
    three = pd.concat([lone, lone[lone["group"] == "speech"].assign(group="z")], ignore_index=True)
    ax = panels(build(three))[0]
    firsts = [gid_of(ax, f"filled:{g}").get_xdata()[0] for g in ("report", "speech", "z")]
    assert firsts == pytest.approx([1999.7, 2000.0, 2000.3])
    low, high = ax.get_xlim()
    assert low < 1999.7 and high > 2004.3
    # no shift: bands only, no intervals drawn, or a single line
    for fig in (build(basic), build(lone, intervals=False), build(lone, grouping="")):
        ax = panels(fig)[0]
        assert all(
            np.nanmin(np.asarray(line.get_xdata(), float)) == 2000 for line in by_gid(ax, "trend:")
        )


def test_government_work_report_years_break_into_their_seven_runs():
    fig = build(gwr_table())
    assert len(panels(fig)) == 4
    for ax in panels(fig):
        for group in ("report", "resolution"):
            line = gid_of(ax, f"trend:{group}")
            assert np.isnan(np.asarray(line.get_xdata(), dtype=float)).sum() == 6
            assert segments(line, GWR_SHIFT[group]) == GWR_RUNS


def test_decades_break_only_across_a_missing_decade_and_periods_never():
    ax = panels(build(decade_table()))[0]
    assert segments(gid_of(ax, "trend:report"), 0) == [(1950, 1960), (1980, 1990)]
    periods = decade_table().assign(time_unit="period", time=lambda t: t["year"].astype(str) + "–")
    ax = panels(build(periods))[0]
    assert segments(gid_of(ax, "trend:report"), 0) == [(1950, 1990)]


def test_cells_with_fewer_than_min_docs_documents_are_hollow(basic):
    ax = panels(build(basic))[0]
    hollow = gid_of(ax, "hollow:report")
    assert years(hollow, 0) == [2002]
    assert hollow.get_markerfacecolor() == "white"
    assert years(gid_of(ax, "hollow:speech"), 0) == [2005]
    assert years(gid_of(ax, "filled:report"), 0) == [2000, 2001, 2005, 2006]
    assert legend_labels(build(basic))[-1] == "hollow: fewer than 2 documents"

    ax = panels(build(basic, min_docs=1))[0]  # every cell has a document
    assert by_gid(ax, "hollow:") == []
    assert legend_labels(build(basic, min_docs=1)) == ["report", "speech"]

    ax = panels(build(basic, min_docs=3))[0]  # report has 1-2 documents a year, speech 1 or 4
    assert years(gid_of(ax, "hollow:report"), 0) == REPORT_YEARS
    assert years(gid_of(ax, "hollow:speech"), 0) == [2005]
    assert by_gid(ax, "filled:report") == []
    assert legend_labels(build(basic, min_docs=3))[-1] == "hollow: fewer than 3 documents"


def test_legend_once_with_each_group_colour_line_and_marker(basic):
    fig = build(basic)
    assert legend_labels(fig) == ["report", "speech", "hollow: fewer than 2 documents"]
    assert all(ax.get_legend() is None for ax in fig.axes)
    handles = legend(fig).legend_handles
    ax = panels(fig)[0]
    for handle, group in zip(handles[:2], ["report", "speech"], strict=True):
        line, points = gid_of(ax, f"trend:{group}"), gid_of(ax, f"filled:{group}")
        assert handle.get_color() == line.get_color() == points.get_color()
        assert handle.get_linestyle() == line.get_linestyle()
        assert handle.get_marker() == points.get_marker()
    assert handles[0].get_marker() != handles[1].get_marker()
    assert handles[0].get_linestyle() != handles[1].get_linestyle()


def test_eight_groups_differ_by_line_style_and_marker_without_colour():
    styles = [_group_style(k) for k in range(8)]
    assert len({(s["linestyle"], s["marker"]) for s in styles}) == 8  # grayscale
    assert len({(s["color"], s["linestyle"], s["marker"]) for s in styles}) == 8


def test_groups_beyond_max_groups_are_dropped_by_characters_with_a_note():
    cells = [
        cell("团结", group, year, 5.0, n_chars=chars)
        for group, chars in (("a", 1_000), ("b", 50_000), ("c", 20_000), ("d", 20_000))
        for year in (2001, 2002)
    ]
    fig = build(table(cells), max_groups=2)
    ax = panels(fig)[0]
    assert [a.get_gid() for a in by_gid(ax, "trend:")] == ["trend:b", "trend:c"]  # c before d
    assert legend_labels(fig) == ["b", "c"]
    assert axis_note(fig).splitlines()[-1] == (
        "2 of 4 groups shown (most characters); not shown: d, a"
    )
    assert "not shown" not in axis_note(build(table(cells), max_groups=4))


# --- intervals --------------------------------------------------------------------------------


def test_intervals_are_bands_along_runs_and_whiskers_at_lone_points(basic):
    fig = build(basic)
    ax = panels(fig)[0]
    bands = by_gid(ax, "band:report")
    assert len(bands) == 2 and all(isinstance(b, PolyCollection) for b in bands)  # two runs
    assert len(by_gid(ax, "band:speech")) == 1
    assert by_gid(ax, "whisker:") == []
    assert axis_note(fig).splitlines()[1] == "shaded: 95% intervals, bootstrap of paragraphs"

    lone = basic[basic["year"].isin([2000, 2006])]  # two years far apart: two lone points
    ax = panels(build(lone))[0]
    assert by_gid(ax, "band:") == []
    whisker = gid_of(ax, "whisker:report")
    assert isinstance(whisker, LineCollection) and len(whisker.get_segments()) == 2
    note = axis_note(build(lone)).splitlines()[1]
    assert note == "vertical lines: 95% intervals, bootstrap of paragraphs"
    note = axis_note(build(gwr_table())).splitlines()[1]  # runs and lone years (1964, 1975)
    assert note == "shaded and vertical lines: 95% intervals, bootstrap of paragraphs"

    fig = build(basic, intervals=False)
    assert all(by_gid(ax, "band:") == by_gid(ax, "whisker:") == [] for ax in panels(fig))
    assert axis_note(fig) == "Year"


def test_no_interval_columns_no_bands_and_no_note(basic):
    bare = basic.assign(ci_low=np.nan, ci_high=np.nan, ci_method="none", confidence=np.nan)
    fig = build(bare)
    assert all(by_gid(ax, "band:") == by_gid(ax, "whisker:") == [] for ax in panels(fig))
    assert axis_note(fig) == "Year"


# --- time axis --------------------------------------------------------------------------------


def tick_labels(fig: Figure) -> list[tuple[float, str]]:
    fig.draw_without_rendering()
    ax = panels(fig)[-1]
    low, high = ax.get_xlim()
    return [(t.get_position()[0], t.get_text()) for t in ax.get_xticklabels()
            if low <= t.get_position()[0] <= high]  # fmt: skip


def test_decade_ticks_are_the_time_labels_at_their_year():
    fig = build(decade_table())
    assert tick_labels(fig) == [(1950, "1950s"), (1960, "1960s"), (1980, "1980s"), (1990, "1990s")]
    assert axis_note(fig).splitlines()[0] == "Decade"


def test_year_ticks_are_plain_years(basic):
    assert [label for _, label in tick_labels(build(basic))] == [str(y) for y in SPEECH_YEARS]
    long_run = tick_labels(build(gwr_table()))
    assert [label for _, label in long_run] == [str(y) for y in range(1960, 2021, 10)]


def test_a_single_time_step_is_drawn_as_points(basic):
    one_year = basic[basic["year"] == 2003]  # only speech and the all-documents line have 2003
    fig = build(one_year)
    for ax in panels(fig):
        assert [a.get_gid() for a in by_gid(ax, "trend:")] == ["trend:speech"]
        assert list(gid_of(ax, "filled:speech").get_xdata()) == [2003]
        low, high = ax.get_xlim()
        assert low < 2003 < high
    assert tick_labels(fig) == [(2003, "2003")]


def test_crowded_period_labels_are_rotated():
    periods = [("1949–1956", 1949), ("1957–1965", 1957), ("1966–1976", 1966),
               ("1977–1991", 1977), ("1992–2002", 1992), ("2003–2012", 2003),
               ("2013–2025", 2013)]  # fmt: skip
    cells = [cell("团结", "speech", year, 3.0, time=label, time_unit="period")
             for label, year in periods]  # fmt: skip
    fig = build(table(cells), width="single")
    assert tick_labels(fig) == [(year, label) for label, year in periods]
    assert all(t.get_rotation() == 40 for t in panels(fig)[0].get_xticklabels())
    assert texts_outside_figure(fig) == []
    assert all(t.get_rotation() == 0 for t in panels(build(decade_table()))[0].get_xticklabels())


def test_bottom_panel_of_each_column_shows_years_even_above_an_empty_slot(basic):
    slogans = ["甲", "乙", "丙", "丁", "戊"]
    cells = [cell(s, "speech", year, 1.0) for s in slogans for year in SPEECH_YEARS]
    fig = build(table(cells))  # double width: 3 columns, 2 rows, the last slot empty
    fig.draw_without_rendering()
    shown = [any(t.get_visible() and t.get_text() for t in ax.get_xticklabels())
             for ax in panels(fig)]  # fmt: skip
    assert shown == [False, False, True, True, True]


# --- many, long, wide -----------------------------------------------------------------------


def test_long_slogan_titles_wrap_on_two_lines_without_losing_characters():
    long = "全面建成小康社会、全面深化改革、全面依法治国、全面从严治党"
    fig = build(table([cell(long, "speech", y, 1.0) for y in SPEECH_YEARS]), width="single")
    lines = panels(fig)[0].get_title(loc="left").split("\n")
    assert "".join(lines) == long and len(lines) == 2
    assert not any(line.startswith("、") for line in lines)
    longer = f"{long}，{long}"
    slogans = [longer, "短", "坚持和完善人民代表大会制度"]
    fig = build(table([cell(s, "speech", y, 1.0) for s in slogans for y in SPEECH_YEARS]))
    title = panels(fig)[0].get_title(loc="left")  # 3 in panels: two lines, then "…"
    assert title.count("\n") == 1 and title.endswith("…")
    assert longer.startswith(title.replace("\n", "")[:-1])
    assert [ax.get_title(loc="left") for ax in panels(fig)][1:] == slogans[1:]
    check_glyphs(fig)
    assert texts_outside_figure(fig) == []


@pytest.mark.parametrize("width", ["single", "double"])
def test_twelve_slogans_over_72_years_fit_a_page(width):
    slogans = [f"口号{k}" for k in range(1, 13)]
    cells = [cell(s, g, y, 1.0 + (y % 5)) for s in slogans for g in ("a", "b")
             for y in range(1954, 2026)]  # fmt: skip
    fig = build(table(cells), width=width)
    assert len(panels(fig)) == 12
    assert fig.get_size_inches()[0] == {"single": 3.5, "double": 7.0}[width]
    assert fig.get_size_inches()[1] <= 9.0
    assert texts_outside_figure(fig) == []


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"slogans": ["团结", "改革开放"]},
            r"unknown slogan\(s\) '改革开放'; the table has 团结, 一把手",
        ),
        ({"slogans": []}, "slogans is an empty list"),
        ({"grouping": "level"}, r"no grouping 'level'; it has '', 'genre'"),
        ({"min_docs": 0}, "min_docs must be a whole number ≥ 1, got 0"),
        ({"min_docs": 1.5}, "min_docs must be a whole number"),
        ({"min_docs": True}, "min_docs must be a whole number"),
        ({"max_groups": 0}, "max_groups must be a whole number ≥ 1, got 0"),
        ({"intervals": "yes"}, "intervals must be true or false, got 'yes'"),
        ({"width": "triple"}, "width 'triple' is unknown"),
        ({"title": 3}, "title must be a string or None"),
    ],
)
def test_bad_options_raise_input_error(basic, options, message):
    with pytest.raises(InputError, match=message):
        textplot_slogan_trends(basic, **options)


def test_bad_tables_raise_input_error(basic):
    with pytest.raises(InputError, match=r"lacks column.*per_10k_chars"):
        textplot_slogan_trends(basic.drop(columns="per_10k_chars"))
    with pytest.raises(InputError, match="expected the slogan trends table"):
        textplot_slogan_trends(basic.to_dict())
    with pytest.raises(InputError, match="the slogan trends table is empty"):
        textplot_slogan_trends(basic.iloc[:0])
    with pytest.raises(InputError, match="time_unit month is unknown"):
        textplot_slogan_trends(basic.assign(time_unit="month"))
    mixed = basic.copy()
    mixed.loc[mixed.index[-1], "time_unit"] = "decade"
    with pytest.raises(InputError, match="mix time units"):
        textplot_slogan_trends(mixed)
    with pytest.raises(InputError, match="more than one row for group 'report', year 2000"):
        textplot_slogan_trends(pd.concat([basic, basic.iloc[[7]]], ignore_index=True))
    with pytest.raises(InputError, match="every row needs a year"):
        textplot_slogan_trends(basic.assign(year=np.nan))


def test_too_many_slogans_for_a_single_column_page():
    cells = [cell(f"口号{k}", "a", y, 1.0) for k in range(17) for y in (2001, 2002)]
    with pytest.raises(InputError, match=r"17 slogans need 9 rows of panels.*width='double'"):
        textplot_slogan_trends(table(cells), width="single")
    assert len(panels(build(table(cells), width="double"))) == 17


# --- a figure as the other plots make it ------------------------------------------------------


def test_figure_is_not_saved_shown_or_registered_and_input_unchanged(basic, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = copy.deepcopy(basic)
    open_before = plt.get_fignums()
    fig = build(basic, title="团结 and 一把手")
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == open_before
    assert list(tmp_path.iterdir()) == []
    pd.testing.assert_frame_equal(basic, before, check_exact=True)
    assert fig.get_suptitle() == "团结 and 一把手"


@pytest.mark.parametrize(
    ("name", "make", "width"),
    [
        ("gwr_double", lambda: build(gwr_table()), "double"),
        ("gwr_single", lambda: build(gwr_table(), width="single"), "single"),
        ("decades_double", lambda: build(decade_table(), title="Slogans by decade"), "double"),
    ],
)
def test_figure_saves_to_png_pdf_svg_with_chinese(tmp_path, name, make, width):
    fig = make()
    check_glyphs(fig)
    assert texts_outside_figure(fig) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = save_figure(fig, f"slogan_trends_{name}", folder=tmp_path)
    png, pdf, svg = paths
    print(name, {p.suffix: p.stat().st_size for p in paths})  # shown with pytest -s
    with Image.open(png) as image:
        assert image.size[0] == {"single": 1050, "double": 2100}[width]
        assert image.size[1] <= 9 * 300
        assert ImageStat.Stat(image.convert("L")).var[0] > 100  # not blank
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) < MAX_PDF_BYTES
    assert b"/FontFile2" in data and b"NotoSansCJK" in data and b"/Type3" not in data
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    assert not root.findall(".//{http://www.w3.org/2000/svg}text")  # text as paths


def test_figures_are_deterministic(tmp_path):
    first = save_figure(build(gwr_table()), "a", folder=tmp_path, formats=("svg",))
    second = save_figure(build(gwr_table()), "b", folder=tmp_path, formats=("svg",))
    assert first[0].read_bytes() == second[0].read_bytes()
