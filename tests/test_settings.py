"""analysis.config.settings: load_settings merges a settings file over the defaults, refuses
misspelt sections and keys, and lexicon_path resolves lexicons beside the settings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.config.settings import DEFAULTS, SECTIONS, lexicon_path, load_settings
from analysis.errors import InputError

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_LEXICONS = {
    "slogans": "lexicon/slogans.yml",
    "userdict": "lexicon/userdict.txt",
    "stopwords": "lexicon/stopwords.txt",
    "cleaning_rules": "cleaning.yml",
}
DEFAULT_SEGMENTATION = {"segmenter": "jieba", "hmm": True, "pos": False, "compounds": []}


def settings_file(folder: Path, text: str, name: str = "settings.yml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(InputError) as error:
        load_settings(path)
    return str(error.value)


# --- defaults and merging ------------------------------------------------------------------------


def test_an_empty_file_gives_the_defaults_and_its_folder(tmp_path):
    path = settings_file(tmp_path, "# nothing set\n")
    assert load_settings(path) == {
        "lexicons": DEFAULT_LEXICONS,
        "segmentation": DEFAULT_SEGMENTATION,
        "base_dir": str(tmp_path.resolve()),
    }


def test_a_file_is_merged_key_by_key_over_the_defaults(tmp_path):
    path = settings_file(
        tmp_path,
        "segmentation:\n  hmm: false\n  compounds: ['县（[市区]+）委']\n"
        "lexicons:\n  stopwords: mine.txt\ntfidf:\n  top_n: 5\n",
    )
    settings = load_settings(path)
    assert settings == {
        "lexicons": {**DEFAULT_LEXICONS, "stopwords": "mine.txt"},
        "segmentation": {**DEFAULT_SEGMENTATION, "hmm": False, "compounds": ["县（[市区]+）委"]},
        "tfidf": {"top_n": 5},
        "base_dir": str(tmp_path.resolve()),
    }


def test_loading_never_changes_the_defaults(tmp_path):
    path = settings_file(tmp_path, "segmentation:\n  compounds: ['a+']\n")
    load_settings(path)["lexicons"]["slogans"] = "changed.yml"
    assert DEFAULTS["segmentation"]["compounds"] == []
    assert DEFAULTS["lexicons"] == DEFAULT_LEXICONS


def test_a_byte_order_mark_is_read_past(tmp_path):
    path = tmp_path / "settings.yml"
    path.write_bytes("\ufefftfidf:\n  top_n: 3\n".encode())
    assert load_settings(path)["tfidf"] == {"top_n": 3}


def test_a_relative_settings_path_gives_an_absolute_base_dir(tmp_path, monkeypatch):
    settings_file(tmp_path / "sub", "")
    monkeypatch.chdir(tmp_path)
    assert load_settings(Path("sub") / "settings.yml")["base_dir"] == str(
        (tmp_path / "sub").resolve()
    )


def test_without_a_path_the_data_folder_settings_are_read(tmp_path, monkeypatch):
    settings_file(tmp_path, "kwic:\n  width: 7\n")
    monkeypatch.setenv("ANALYSIS_DATA", str(tmp_path))
    settings = load_settings()
    assert settings["kwic"] == {"width": 7}
    assert settings["base_dir"] == str(tmp_path.resolve())


def test_the_known_sections_include_every_measure_and_the_run_sections():
    assert SECTIONS[:2] == ("lexicons", "segmentation")
    assert SECTIONS[-3:] == ("figures", "years", "outputs")
    assert {"tfidf", "dispersion", "keyness", "clustering", "topics"} <= set(SECTIONS)
    assert len(SECTIONS) == len(set(SECTIONS))


# --- mistakes ------------------------------------------------------------------------------------


def test_a_misspelt_section_suggests_the_close_name(tmp_path):
    path = settings_file(tmp_path, "clusterng:\n  linkage: average\n")
    assert error_of(path) == f"{path}: unknown section `clusterng`; did you mean `clustering`?"


def test_a_section_like_no_other_lists_the_known_ones(tmp_path):
    path = settings_file(tmp_path, "zzzz: {}\n")
    assert error_of(path) == f"{path}: unknown section `zzzz`; known: {', '.join(SECTIONS)}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "lexicons:\n  slogan: x.yml\n  extra: y\n",
            "`lexicons` has unknown key(s) extra, slogan; it takes slogans, userdict, stopwords, "
            "cleaning_rules",
        ),
        (
            "segmentation:\n  hmmm: true\n",
            "`segmentation` has unknown key(s) hmmm; it takes segmenter, hmm, pos, compounds",
        ),
    ],
)
def test_an_unknown_key_of_lexicons_or_segmentation_lists_the_keys_it_takes(
    tmp_path, text, message
):
    path = settings_file(tmp_path, text)
    assert error_of(path) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("text", "shown"),
    [("lexicons: [slogans.yml]\n", "['slogans.yml']"), ("segmentation: null\n", "None")],
)
def test_a_section_that_is_not_a_mapping_is_named(tmp_path, text, shown):
    path = settings_file(tmp_path, text)
    section = text.split(":")[0]
    assert error_of(path) == f"{path}: `{section}` must be a section (a mapping), got {shown}"


@pytest.mark.parametrize("text", ["segmentation: 5\n", "lexicons:\n  - {a: 1}\n"])
def test_a_section_that_is_a_number_or_a_list_of_mappings_is_an_input_error(tmp_path, text):
    path = settings_file(tmp_path, text)
    assert "must be a section (a mapping)" in error_of(path)


def test_a_measure_section_is_not_checked_here(tmp_path):
    # the measure checks its own options (analysis.run.options.options)
    path = settings_file(tmp_path, "tfidf: 3\n")
    assert load_settings(path)["tfidf"] == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- tfidf\n", "expected a mapping of sections at the top level"),
        (
            "segmentation:\n  pos: 'no'\n",
            "`segmentation`: pos must be true or false, got 'no'; write pos: true or pos: false "
            "(without quotes)",
        ),
        (
            "segmentation:\n  compounds: '县委'\n",
            "`segmentation`: compounds must be a list of regular expressions, got '县委'; write "
            "one per line after `compounds:` as - '县（[市区、]+）委'",
        ),
        (
            "segmentation:\n  compounds: ['ok', '']\n",
            "`segmentation`: compounds must be a list of regular expressions, got ['ok', '']",
        ),
        ("tfidf: [1\n", "is not valid YAML (line 2, column 1: "),
    ],
)
def test_a_wrong_value_names_the_file_and_what_to_write(tmp_path, text, message):
    path = settings_file(tmp_path, text)
    assert error_of(path).startswith(f"{path}: {message}")


def test_a_missing_settings_file_is_named(tmp_path):
    path = tmp_path / "nowhere.yml"
    assert error_of(path) == (
        f"{path}: cannot read the settings file (No such file or directory)"
    )


# --- lexicon paths ------------------------------------------------------------------------------


def test_a_relative_lexicon_path_starts_from_the_settings_folder(tmp_path):
    path = settings_file(tmp_path / "conf", "lexicons:\n  stopwords: words/stop.txt\n")
    (tmp_path / "conf" / "words").mkdir()
    (tmp_path / "conf" / "words" / "stop.txt").write_text("的\n", encoding="utf-8")
    settings = load_settings(path)
    assert lexicon_path(settings, "stopwords") == tmp_path.resolve() / "conf" / "words" / "stop.txt"


def test_a_default_lexicon_absent_beside_the_settings_comes_from_the_data_folder(tmp_path):
    settings = load_settings(settings_file(tmp_path, ""))
    assert lexicon_path(settings, "slogans") == PROJECT / "data" / "lexicon" / "slogans.yml"
    assert lexicon_path(settings, "cleaning_rules") == PROJECT / "data" / "cleaning.yml"


def test_a_default_lexicon_beside_the_settings_is_preferred(tmp_path):
    settings = load_settings(settings_file(tmp_path, ""))
    (tmp_path / "cleaning.yml").write_text("{}\n", encoding="utf-8")
    assert lexicon_path(settings, "cleaning_rules") == tmp_path.resolve() / "cleaning.yml"


def test_an_absolute_lexicon_path_is_taken_as_written(tmp_path):
    stop = tmp_path / "elsewhere" / "stop.txt"
    settings = load_settings(settings_file(tmp_path, f"lexicons:\n  stopwords: '{stop}'\n"))
    assert lexicon_path(settings, "stopwords") == stop


def test_a_missing_lexicon_is_named_with_where_relative_paths_start(tmp_path):
    settings = load_settings(settings_file(tmp_path, "lexicons:\n  userdict: mine/user.txt\n"))
    with pytest.raises(InputError) as error:
        lexicon_path(settings, "userdict")
    base = tmp_path.resolve()
    assert str(error.value) == (
        f"{base / 'mine' / 'user.txt'}: the userdict file named under `lexicons` in the settings "
        f"does not exist (relative paths start from the settings file's folder, {base}); "
        "correct the path or give an absolute one"
    )


def test_an_unknown_lexicon_name_is_an_error():
    with pytest.raises(InputError, match=r"^settings: no lexicon 'slogan' under `lexicons`$"):
        lexicon_path({"lexicons": {}, "base_dir": "."}, "slogan")
