"""The decisions of the command line (analysis.run.policy): the settings a large corpus gets, the
metadata and figures folder a command uses when not told, how options change the settings,
which files --out may write, and what `info` reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, METADATA, PROJECT, RAW

from analysis.config.settings import load_settings
from analysis.errors import InputError
from analysis.run import policy
from analysis.run.policy import (
    LARGE_CORPUS,
    LARGE_CORPUS_BYTES,
    check_output_files,
    corpus_info_lines,
    figures_folder,
    is_table_with_columns,
    kwic_width,
    large_corpus_reason,
    metadata_for,
    metadata_to_append,
    one_line,
    period_breaks,
    settings_file_for_run,
    settings_with_figure_slogans,
    settings_with_options,
    shortened,
    slogan_counts_seed,
    slogans_named_on_the_command_line,
    trends_settings,
)

LARGE_SETTINGS = DATA / "settings-large.yml"


# --- which settings -------------------------------------------------------------------------


def test_a_corpus_is_large_above_either_threshold():
    assert large_corpus_reason([100] * LARGE_CORPUS) is None
    assert large_corpus_reason([100] * (LARGE_CORPUS + 1)) == "301 texts (more than 300)"
    assert large_corpus_reason([1] * 1_000) == "1,000 texts (more than 300)"
    assert large_corpus_reason([LARGE_CORPUS_BYTES // 2] * 2) is None  # at the threshold: not
    assert large_corpus_reason([LARGE_CORPUS_BYTES // 2, LARGE_CORPUS_BYTES // 2 + 1]) == (
        "20 MB of text (more than 20 MB)"
    )
    assert large_corpus_reason([]) is None


def test_a_large_folder_gets_the_large_settings_with_a_note_saying_why(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    for i in range(LARGE_CORPUS + 1):
        (texts / f"d{i:03d}.txt").write_text("团结。", encoding="utf-8")
    (texts / "notes.md").write_text("not read: another ending", encoding="utf-8")
    config, note = settings_file_for_run(None, texts, (".txt",))
    assert config == str(LARGE_SETTINGS)
    assert note == (
        f"note: 301 texts (more than 300): using {LARGE_SETTINGS}, whose tables grow with the "
        "corpus rather than with its square; --config data/settings.yml uses the study's settings"
    )
    # --config always wins; only the files with the given endings count
    assert settings_file_for_run("mine.yml", texts, (".txt",)) == ("mine.yml", None)
    assert settings_file_for_run(None, texts, (".md",)) == (None, None)


def test_a_small_folder_or_a_missing_one_keeps_the_study_settings(tmp_path):
    assert settings_file_for_run(None, RAW, (".txt",)) == (None, None)
    # a folder that does not exist is reported by the corpus loader, not here
    assert settings_file_for_run(None, tmp_path / "missing", (".txt",)) == (None, None)


# --- which metadata, which folders ----------------------------------------------------------


def test_the_study_metadata_goes_with_the_study_texts_only(tmp_path):
    assert metadata_for(RAW, None) == METADATA
    assert metadata_for(tmp_path, None) is None
    assert metadata_for(RAW, "none") is None and metadata_for(RAW, "NONE") is None
    assert metadata_for(tmp_path, "meta.csv") == Path("meta.csv")


def test_add_appends_to_the_study_metadata_only_for_data_raw(tmp_path):
    assert metadata_to_append(RAW, None) == METADATA
    assert metadata_to_append(tmp_path, None) is None
    assert metadata_to_append(RAW, "other.csv") == "other.csv"


def test_figures_go_beside_the_default_results_else_into_the_output_folder():
    assert figures_folder("results", None) == Path("figures")
    assert figures_folder("my_results", None) == Path("my_results") / "figures"
    assert figures_folder("my_results", "figs") == Path("figs")


def test_out_files_are_never_inputs_folders_or_project_files(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    settings = tmp_path / "settings.yml"
    check_output_files([tmp_path / "kwic.csv"], texts=texts, inputs=[settings])  # allowed
    refused = {
        "is a folder": tmp_path,
        "one of this command's inputs": settings,
        "inside the texts folder": texts / "kwic.csv",
        "inside the project's own folders": PROJECT / "data" / "kwic.csv",
    }
    for message, path in refused.items():
        with pytest.raises(InputError, match=message):
            check_output_files([path], texts=texts, inputs=[settings])


def test_a_csv_is_recognised_by_its_header(tmp_path):
    table = tmp_path / "t.csv"
    table.write_bytes("\ufeffslogan,time,count\r\n团结,1998,1\r\n".encode())
    assert is_table_with_columns(table, ["slogan", "time", "count"])
    assert not is_table_with_columns(table, ["slogan", "time"])


# --- settings from options ------------------------------------------------------------------


def test_run_options_are_written_into_the_settings_without_changing_them():
    settings = load_settings()
    before = repr(settings)
    changed = settings_with_options(
        settings,
        periods="1978，1992",
        formats=".PNG, pdf",
        language="zh",
        reference_scores="a=-1,b=1",
        group_by="genre,decade",
    )
    assert repr(settings) == before, "the settings given are not changed"
    assert changed["years"]["periods"] == [1978, 1992]
    assert changed["figures"]["formats"] == ["png", "pdf"]
    assert changed["figures"]["language"] == "zh"
    assert changed["figures"]["seed"] == settings["figures"]["seed"]  # the rest is kept
    assert changed["scaling"]["reference_scores"] == {"a": -1.0, "b": 1.0}
    assert changed["scaling"]["enabled"] is True
    for section in ("frequencies", "keyness", "slogan_counts", "cooccurrence", "trends"):
        assert changed[section]["group_by"] == ["genre", "decade", "genre×decade"], section
    assert settings_with_options(settings) == settings


def test_periods_are_increasing_break_years():
    assert period_breaks("1978,1992, 2002") == [1978, 1992, 2002]
    with pytest.raises(InputError, match="increasing order"):
        period_breaks("1992,1978")
    with pytest.raises(InputError, match="increasing order"):
        period_breaks("1992,1992")
    with pytest.raises(InputError, match="give break years such as"):
        period_breaks("the nineties")


def test_slogans_named_on_the_command_line_are_the_ones_the_figures_show():
    assert slogans_named_on_the_command_line("团结,一把手")
    assert not slogans_named_on_the_command_line("my_slogans.YML")
    assert not slogans_named_on_the_command_line("lexicon/slogans.yaml ")
    assert not slogans_named_on_the_command_line(None)
    settings = {"figures": {"seed": 1}}
    assert settings_with_figure_slogans(settings, ("团结",)) == {
        "figures": {"seed": 1, "slogans": ["团结"]}
    }
    assert settings == {"figures": {"seed": 1}}


def test_the_trends_options_replace_the_trends_section():
    settings = {"trends": {"time": "year", "group_by": ["genre"], "seed": 3}}
    assert trends_settings(settings) == settings
    changed = trends_settings(settings, by="genre*level", time="decade", resample="documents")
    assert changed["trends"] == {
        "time": "decade", "group_by": ["genre×level"], "seed": 3, "resample": "documents"
    }
    assert settings["trends"]["time"] == "year"
    assert trends_settings({}, time="period") == {"trends": {"time": "period"}}


def test_kwic_width_and_the_slogans_seed_come_from_the_settings_unless_given():
    assert kwic_width({"kwic": {"width": 30}}, None) == 30
    assert kwic_width({"kwic": {"width": 30}}, 5) == 5
    assert kwic_width({}, None) == 20
    assert slogan_counts_seed({"slogan_counts": {"seed": 7}}) == 7
    assert slogan_counts_seed({}) == 20071020
    assert slogan_counts_seed(load_settings()) == 20071020


# --- info -----------------------------------------------------------------------------------


def test_one_line_shows_control_characters_as_escapes():
    assert one_line("a\nb\tc\u2028d") == "a\\nb\\tc\\u2028d"
    assert shortened("一二三四五", 4) == "一二三…"
    assert shortened("一二\n", 9) == "一二\\n"


def test_info_reports_sizes_years_columns_cleaning_boilerplate_and_flags(study_corpus):
    from analysis.corpus.build import document_summary

    docs = document_summary(study_corpus)
    lines = corpus_info_lines("data/raw", study_corpus, docs)
    assert lines[0] == "texts: data/raw"
    assert lines[1].startswith(f"{len(docs)} documents; ")
    assert f"{len(study_corpus.mentions):,} slogan mentions" in lines[1]
    assert lines[2] == "years: 2003–2007 (5 documents dated)"
    assert [line.split(":")[0] for line in lines[3:7]] == ["script", "encoding", "level", "genre"]
    assert lines[7].startswith("cleaning removed or changed: ") and "watermark" in lines[7]
    assert lines[8].startswith("shared boilerplate: ")
    assert lines[9].startswith("flagged documents: ")
    assert policy.flagged_lines(docs.assign(flags="")) == ["flagged documents: none"]
    flagged = policy.flagged_lines(docs.assign(flags="short"), shown=2)
    assert flagged[0] == "flagged documents: 5 (flagged, not dropped)"
    assert flagged[-1] == "  … 3 more" and len(flagged) == 4
