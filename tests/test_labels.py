"""Figures in Chinese or English (settings ``figures: language``), and the text helpers every
figure uses to fit its words: wrapped panel titles, wrapped notes, legend columns.

The Chinese figures are drawn through the run's own plan (``study_figures``) from the five
study documents, so every figure a run makes is checked: no fixed English word is left, and
every character has a glyph in the CJK font (a box in a figure is a bug)."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.text import Text

from analysis.config.settings import load_settings
from analysis.errors import InputError
from analysis.plots import check_glyphs
from analysis.plots.fonts import missing_characters, resolve_cjk_font
from analysis.plots.labels import FIGURE_TEXTS, figure_text, list_separator
from analysis.plots.style import legend_columns, text_ems, wrap_note, wrap_text
from analysis.run.figures import figure_settings, study_figures
from analysis.run.tables import compute_tables

# Symbols and names of statistics that stay as they are in Chinese writing.
SYMBOLS = {"G", "TF", "IDF", "logDice", "MI", "ln", "N", "df", "Jaccard", "log", "t", "score",
           "P"}


def test_every_figure_text_has_an_english_and_a_chinese_version_with_glyphs():
    font = resolve_cjk_font()
    font_files = [(font.path, 0)]  # the CJK font alone: Chinese must not need the fallback
    for key, (english, chinese) in FIGURE_TEXTS.items():
        assert english.strip() or key == "percent_interval", key
        assert chinese.strip() or key == "percent_interval", key
        # Same fields in both, so either fills from the same arguments.
        assert set(re.findall(r"{(\w+)", english)) == set(re.findall(r"{(\w+)", chinese)), key
        words = set(re.findall(r"[A-Za-z]+", re.sub(r"{[^}]*}", "", chinese)))
        assert words <= SYMBOLS, (key, words)
        assert not missing_characters(chinese, font_files), key


def test_figure_text_fills_fields_and_refuses_unknown_keys_and_languages():
    assert figure_text("ca_dimension", "en", dimension=2, share=21.94) == "Dimension 2 (21.9%)"
    assert figure_text("ca_dimension", "zh", dimension=2, share=21.94) == "维度 2（21.9%）"
    assert list_separator("zh") == "、" and list_separator("en") == ", "
    with pytest.raises(InputError, match="no figure text 'nope'"):
        figure_text("nope", "en")
    with pytest.raises(InputError, match=r"'en' .English. or 'zh'"):
        figure_text("all_documents", "fr")


def test_the_language_setting_is_checked():
    assert figure_settings({"figures": {"language": "zh"}})["language"] == "zh"
    assert figure_settings({})["language"] == "en"
    with pytest.raises(InputError, match=r"language must be en .* or zh"):
        figure_settings({"figures": {"language": "Chinese"}})


def test_wrap_text_breaks_after_enumeration_commas_and_never_before_a_closing_mark():
    assert wrap_text("团结", 1.0, 8) == "团结"
    # 1 in at 8 pt holds 9 characters: 求发展 stays whole on the second line.
    assert wrap_text("树正气、讲团结、求发展", 1.0, 8) == "树正气、讲团结、\n求发展"
    # Breaking at the commas would need four lines; three lines of whole width are used instead.
    assert wrap_text("集体领导、民主集中、个别酝酿、会议决定", 0.8, 8, max_lines=3) == (
        "集体领导、民主\n集中、个别酝酿、\n会议决定"
    )
    # Too long for the lines allowed: the last line ends in "…".
    cut = wrap_text("集体领导、民主集中、个别酝酿、会议决定", 0.5, 8, max_lines=2)
    assert cut.count("\n") == 1 and cut.endswith("…")
    for line in wrap_text("全面从严治党，向纵深发展”的重要保障", 0.6, 8, max_lines=5).split("\n"):
        assert line[0] not in "，、”", line


def test_wrap_note_breaks_english_at_spaces_and_chinese_between_characters():
    english = "all mentions, also inside longer words; lines: 95% bootstrap intervals"
    wrapped = wrap_note(english, 2.0, 7)
    assert wrapped.replace("\n", " ") == english and wrapped.count("\n") >= 1
    for line in wrapped.split("\n"):
        assert text_ems(line) * 7 / 72 <= 2.0
    chinese = "计入所有提及（含较长词语中的）；线段：95%自助法置信区间；各分图刻度不同"
    assert wrap_note(chinese, 1.5, 7).replace("\n", "") == chinese


def test_legend_columns_fit_the_width():
    short = ["团结", "一把手", "民主集中制"]
    assert legend_columns(short, 3.5) == 3
    long_names = [*short, "集体领导、民主集中、个别酝酿、会议决定"]
    columns = legend_columns(long_names, 3.5)
    assert 1 <= columns < 4
    assert legend_columns(["x" * 200], 3.5) == 1


@pytest.fixture(scope="module")
def chinese_plan(study_corpus):
    settings = load_settings()
    settings["figures"] = {**settings.get("figures", {}), "language": "zh"}
    results = compute_tables(study_corpus, settings)
    return study_corpus, study_figures(study_corpus, results, settings)


def _data_words(corpus) -> set[str]:
    """Latin words that come from the data: doc ids, metadata values and columns, terms."""
    strings = [*corpus.documents.columns]
    for column in corpus.documents.columns:
        if column != "text":
            strings += corpus.documents[column].dropna().astype(str).tolist()
    strings += corpus.tokens["token"].astype(str).unique().tolist() if "token" in corpus.tokens \
        else corpus.tokens["term"].astype(str).unique().tolist()
    return {w for s in strings for w in re.findall(r"[A-Za-z]+", s)}


def test_every_figure_of_a_run_speaks_chinese_and_draws_every_glyph(chinese_plan):
    corpus, plan = chinese_plan
    data_words = _data_words(corpus)
    assert len(plan.figures) >= 15
    for name, draw in plan.figures:
        fig = draw()
        # Raises MissingGlyphError naming any character drawn as a box; drawing the figure
        # also creates its tick labels and legends, checked next.
        check_glyphs(fig)
        english = set()
        for text in fig.findobj(match=Text):
            if not text.get_visible():
                continue
            for word in re.findall(r"[A-Za-z]+", text.get_text()):
                if word not in data_words and word not in SYMBOLS:
                    english.add(word)
        assert not english, (name, english)
        fig.clear()


def test_a_figure_in_english_has_no_chinese_fixed_words(study_corpus):
    settings = load_settings()
    results = compute_tables(study_corpus, settings)
    plan = dict(study_figures(study_corpus, results, settings).figures)
    fig = plan["slogan_rates"]()
    assert fig.get_supxlabel().startswith("Mentions per 10,000 characters")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1] == "All documents"


def test_run_language_option_overrides_the_settings():
    from analysis.cli import _apply_grouping_options, build_parser

    args = build_parser().parse_args(["run", "--language", "zh"])
    settings = _apply_grouping_options(args, load_settings())
    assert figure_settings(settings)["language"] == "zh"
    default = _apply_grouping_options(build_parser().parse_args(["run"]), load_settings())
    assert figure_settings(default)["language"] == "en"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--language", "fr"])
