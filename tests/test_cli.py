"""A bad value in the settings is one line on stderr and exit code 2, never a traceback: through
the real program (``python -m analysis`` in a subprocess), for the settings of several measures,
and for every command whatever raises the input error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from conftest import DATA, PROJECT, two_short_texts

import analysis.cli
from analysis.cli import build_parser, main
from analysis.errors import InputError

#: (section, key, bad value, what the one line must name)
BAD_SETTINGS = [
    ("slogan_counts", "seed", -1, "seed"),
    ("cooccurrence", "window_chars", -3, "window_chars"),
    ("collocates", "span", 0, "span"),
    ("tfidf", "min_df", "x", "min_df"),
    ("keyness", "p_adjust", "nope", "p_adjust"),
]


def bad_settings(folder, section: str, key: str, value: object):
    """data/settings.yml with ``section: key: value``, written into ``folder`` (its lexicon
    paths made absolute: relative ones start from the settings file's folder)."""
    settings = yaml.safe_load((DATA / "settings.yml").read_text(encoding="utf-8"))
    settings["lexicons"] = {
        name: str((DATA / path).resolve()) for name, path in settings["lexicons"].items()
    }
    settings[section][key] = value
    path = folder / "bad.yml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def program(*arguments: str, cache) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *arguments],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env={**os.environ, "ANALYSIS_CACHE": str(cache)},
        timeout=300,
    )


def assert_one_error_line(done: subprocess.CompletedProcess, *named: str) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and done.stderr.endswith("\n"), done.stderr
    assert lines[0].startswith("error: "), lines[0]
    for name in named:
        assert name in lines[0], (name, lines[0])
    return lines[0]


@pytest.mark.parametrize(
    ("section", "key", "value", "named"), BAD_SETTINGS, ids=[s for s, *_ in BAD_SETTINGS]
)
def test_a_bad_setting_of_a_measure_stops_the_run_with_one_line(
    tmp_path, cache_dir, section, key, value, named
):
    config = bad_settings(tmp_path, section, key, value)
    texts = two_short_texts(tmp_path / "texts")
    out = tmp_path / "out"
    done = program(
        "run", "--config", str(config), "--texts", str(texts), "--out", str(out),
        "--no-figures", "--no-notebooks", "--quiet", cache=cache_dir,
    )
    line = assert_one_error_line(done, named, repr(value), str(config))
    assert f"`{section}`" in line, line  # the section to fix
    assert not out.exists() or not (out / "tables").exists(), "a failed run keeps nothing"


def test_slogans_with_a_negative_seed_in_the_settings_is_one_line(tmp_path, cache_dir):
    """The reported defect: `analysis slogans --config bad.yml` with `slogan_counts: seed: -1`
    (on the study's documents, as typed)."""
    config = bad_settings(tmp_path, "slogan_counts", "seed", -1)
    line = assert_one_error_line(
        program("slogans", "--config", str(config), "--quiet", cache=cache_dir), "seed", "-1"
    )
    assert "textstat_slogans" in line  # the function whose argument it is
    # without --quiet the progress bars come first; the error is still the last line, alone
    done = program("slogans", "--config", str(config), cache=cache_dir)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[-1] == line
    assert done.stdout == ""


#: The smallest arguments of each command; its handler is replaced, so they are never read.
ARGUMENTS = {
    "run": ["run"],
    "trends": ["trends", "团结"],
    "add": ["add", "new.txt"],
    "kwic": ["kwic", "团结"],
    "slogans": ["slogans"],
    "info": ["info"],
    "verify": ["verify"],
    "check-lexicon": ["check-lexicon"],
}


def test_every_command_is_covered_below():
    commands = build_parser()._subparsers._group_actions[0].choices
    assert set(commands) == set(ARGUMENTS)


@pytest.mark.parametrize("command", sorted(ARGUMENTS))
def test_an_input_error_from_any_command_is_one_line_and_exit_code_2(
    command, monkeypatch, capsys
):
    def refuse(args):
        raise InputError("textstat_slogans: seed must be a whole number ≥ 0,\ngot -1")

    monkeypatch.setattr(analysis.cli, f"cmd_{command.replace('-', '_')}", refuse)
    assert main(ARGUMENTS[command]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    # the line break inside the message is shown as an escape: one line, always
    assert captured.err == "error: textstat_slogans: seed must be a whole number ≥ 0,\\ngot -1\n"


def test_an_error_that_is_not_an_input_error_is_not_hidden(monkeypatch):
    """A bug keeps its traceback: only InputError (and the file system's errors) become one
    line."""

    def fail(args):
        raise KeyError("a bug")

    monkeypatch.setattr(analysis.cli, "cmd_info", fail)
    with pytest.raises(KeyError, match="a bug"):
        main(["info"])
