"""``analysis.config.paths``: where the data folder is, output names that may not escape their
folder, and atomic writes that leave the old file or the new one, never half of either."""

from __future__ import annotations

import os
import stat

import pytest

from analysis.config.paths import (
    PROJECT_ROOT,
    atomic_write,
    data_dir,
    data_file,
    safe_child,
    write_text_atomic,
)
from analysis.errors import InputError


def test_the_project_root_holds_the_package():
    assert (PROJECT_ROOT / "analysis" / "config" / "paths.py").is_file()


def test_the_data_folder_is_the_projects_unless_analysis_data_names_another(monkeypatch, tmp_path):
    monkeypatch.delenv("ANALYSIS_DATA", raising=False)
    assert data_dir() == PROJECT_ROOT / "data"
    assert data_file("lexicon", "slogans.yml") == PROJECT_ROOT / "data" / "lexicon" / "slogans.yml"
    monkeypatch.setenv("ANALYSIS_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    assert data_file("cleaning.yml") == tmp_path / "cleaning.yml"
    # an empty value counts as unset
    monkeypatch.setenv("ANALYSIS_DATA", "")
    assert data_dir() == PROJECT_ROOT / "data"


def test_a_missing_data_folder_says_to_set_analysis_data(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("ANALYSIS_DATA", str(missing))
    with pytest.raises(InputError, match=f"data folder {missing} does not exist: set ANALYSIS_DATA"):
        data_file("lexicon", "slogans.yml")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_DATA", str(tmp_path / "a-file"))  # a file is not a folder
    with pytest.raises(InputError, match="does not exist"):
        data_dir()


def test_safe_child_resolves_names_inside_the_folder(tmp_path):
    root = tmp_path.resolve()
    assert safe_child(tmp_path, "t.csv") == root / "t.csv"
    assert safe_child(tmp_path, "tables/t.csv") == root / "tables" / "t.csv"
    assert safe_child(tmp_path, "tables/../t.csv") == root / "t.csv"
    assert safe_child(tmp_path, ".") == root  # the folder itself
    assert safe_child(str(tmp_path), "文件.csv") == root / "文件.csv"


@pytest.mark.parametrize("name", ["../t.csv", "tables/../../t.csv", "/etc/passwd", ".."])
def test_safe_child_refuses_names_that_escape(tmp_path, name):
    with pytest.raises(InputError, match=r"escapes the output folder .* plain file name"):
        safe_child(tmp_path / "out", name)


def test_safe_child_refuses_a_link_that_leads_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "elsewhere").symlink_to(tmp_path)
    with pytest.raises(InputError, match=r"'elsewhere/t\.csv' escapes"):
        safe_child(out, "elsewhere/t.csv")


def test_atomic_write_makes_folders_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a" / "b" / "t.txt"
    assert atomic_write(target, lambda tmp: tmp.write_bytes(b"new")) == target
    assert target.read_bytes() == b"new"
    assert os.listdir(target.parent) == ["t.txt"]


def test_atomic_write_gives_the_permissions_of_any_new_file(tmp_path):
    umask = os.umask(0o027)
    try:
        path = atomic_write(tmp_path / "t.txt", lambda tmp: tmp.write_bytes(b"x"))
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # 0o666 less the umask, not mkstemp's 0o600


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path):
    target = tmp_path / "t.txt"
    target.write_bytes(b"old")

    def half_then_fail(tmp):
        tmp.write_bytes(b"ha")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["t.txt"]


def test_an_interrupt_during_the_write_is_cleaned_up_too(tmp_path):
    def interrupted(tmp):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "t.txt", interrupted)
    assert os.listdir(tmp_path) == []


def test_write_text_atomic_writes_utf8_and_replaces(tmp_path):
    path = tmp_path / "t.txt"
    write_text_atomic(path, "旧")
    assert write_text_atomic(path, "团结\n") == path
    assert path.read_bytes() == "团结\n".encode()
