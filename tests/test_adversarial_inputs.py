"""Bad inputs a second adversarial round found (issue 12): each gets its exact outcome — the
result, or one ``error:`` line with exit 2 naming the file and the fix — and the inputs stay
byte for byte as they were."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT, as_from_a_terminal, tree_sha256, two_short_texts

from analysis.cli import main, whole_number
from analysis.config.lexicon import load_slogans
from analysis.config.settings import load_settings
from analysis.corpus.load import load_corpus, text_files
from analysis.errors import InputError

QUICK = ["--no-figures", "--no-notebooks", "--quiet"]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))


def one_error_line(code: int, err: str, *gist: str) -> str:
    lines = [line for line in err.strip().splitlines() if not line.startswith("warning:")]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for part in gist:
        assert str(part) in lines[0], (part, lines[0])
    return lines[0]


# --- what is a text -----------------------------------------------------------------------------


@pytest.mark.parametrize("hidden", [".ipynb_checkpoints", ".Trash-1000", ".venv/lib"])
def test_hidden_folders_are_not_read(tmp_path, hidden):
    texts = two_short_texts(tmp_path / "T")
    (texts / hidden).mkdir(parents=True)
    (texts / hidden / "a-checkpoint.txt").write_text("团结", encoding="utf-8")
    assert [p.name for p in text_files(texts, (".txt",))] == ["a.txt", "b.txt"]
    assert load_corpus(texts)["doc_id"].tolist() == ["a", "b"]


def test_a_link_inside_the_folder_is_read(tmp_path):
    texts = two_short_texts(tmp_path / "T")
    (texts / "sub").mkdir()
    (texts / "sub" / "c.txt").symlink_to(texts / "a.txt")
    assert [p.name for p in text_files(texts, (".txt",))] == ["a.txt", "b.txt", "c.txt"]


@pytest.mark.parametrize(
    ("make_link", "gist"),
    [
        (lambda t: (t / "passwd.txt").symlink_to("/etc/passwd"), "outside the texts folder"),
        (lambda t: (t / "broken.txt").symlink_to(t / "nowhere.txt"), "does not exist"),
        (lambda t: (t / "loop.txt").symlink_to(t / "loop.txt"), "loop of links"),
    ],
)
def test_links_out_of_the_folder_broken_or_looping_are_errors(tmp_path, capsys, make_link, gist):
    texts = two_short_texts(tmp_path / "T")
    make_link(texts)
    code = main(["run", "--texts", str(texts), "--out", str(tmp_path / "R"), *QUICK])
    one_error_line(code, capsys.readouterr().err, texts, gist)
    assert not (tmp_path / "R" / "tables").exists()


def test_a_linked_folder_is_not_followed_and_said(tmp_path):
    texts = two_short_texts(tmp_path / "T")
    (texts / "again").symlink_to(texts)
    with pytest.warns(UserWarning, match="1 linked folder"):
        assert [p.name for p in text_files(texts, (".txt",))] == ["a.txt", "b.txt"]


@pytest.mark.parametrize("command", ["run", "info", "kwic", "add"])
def test_a_file_name_in_gbk_bytes_is_one_line_naming_it(tmp_path, capsys, command):
    texts = two_short_texts(tmp_path / "T")
    gbk_name = "中文.txt".encode("gbk")
    with open(os.path.join(os.fsencode(texts), gbk_name), "wb") as handle:
        handle.write("团结".encode())
    before = tree_sha256(texts)
    new_text = tmp_path / "new.txt"
    new_text.write_text("坚持民主集中制。", encoding="utf-8")
    argv = {
        "run": ["run", "--texts", str(texts), "--out", str(tmp_path / "R"), *QUICK],
        "info": ["info", "--texts", str(texts)],
        "kwic": ["kwic", "团结", "--texts", str(texts)],
        "add": ["add", str(new_text), "--to", str(texts)],
    }[command]
    code = main(argv)
    line = one_error_line(code, capsys.readouterr().err, "中文.txt", "not UTF-8")
    assert "convmv" in line or "rename" in line
    assert tree_sha256(texts) == before


def test_a_metadata_path_through_a_sub_folder_and_back_is_the_same_file(tmp_path):
    texts = two_short_texts(tmp_path / "T")
    (texts / "sub").mkdir()
    metadata = tmp_path / "meta.csv"
    metadata.write_text("doc_id,file\nfirst,sub/../a.txt\nsecond,b.txt\n", encoding="utf-8")
    corpus = load_corpus(texts, metadata)
    assert dict(zip(corpus["doc_id"], corpus["file"], strict=True)) == {
        "first": "a.txt", "second": "b.txt"}
    metadata.write_text("doc_id,file\nfirst,sub/../../a.txt\n", encoding="utf-8")
    with pytest.raises(InputError, match="outside the texts folder"):
        load_corpus(texts, metadata)


# --- YAML that expands ----------------------------------------------------------------------------

BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
    ]
)


@pytest.mark.parametrize("where", ["slogans", "settings", "cleaning"])
def test_yaml_aliases_are_refused_before_they_expand(tmp_path, where):
    path = tmp_path / "bomb.yml"
    path.write_text(BOMB + "\n", encoding="utf-8")
    from analysis.config.cleaning_rules import load_cleaning_rules

    load = {"slogans": load_slogans, "settings": load_settings,
            "cleaning": load_cleaning_rules}[where]
    with pytest.raises(InputError, match=r"line 2, column \d+: an alias \(\*a\)") as error:
        load(path)
    assert str(path) in str(error.value)


def test_the_alias_bomb_on_the_command_line_is_one_line(tmp_path, capsys):
    texts = two_short_texts(tmp_path / "T")
    (tmp_path / "bomb.yml").write_text(BOMB + "\n", encoding="utf-8")
    code = main(["slogans", "--texts", str(texts), "--slogans", str(tmp_path / "bomb.yml")])
    one_error_line(code, capsys.readouterr().err, tmp_path / "bomb.yml", "aliases are not allowed")


# --- settings out of range -------------------------------------------------------------------------


def _settings_with(tmp_path: Path, section: str, key: str, value) -> Path:
    settings = yaml.safe_load((PROJECT / "data" / "settings.yml").read_text(encoding="utf-8"))
    settings[section] = {**(settings.get(section) or {}), key: value}
    settings["lexicons"] = {k: str(PROJECT / "data" / v) for k, v in settings["lexicons"].items()}
    path = tmp_path / "bad settings.yml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("section", "key", "value", "gist"),
    [
        ("slogan_counts", "confidence", 1.5, "confidence must be a number between 0 and 1"),
        ("slogan_counts", "seed", -1, "seed must be a whole number"),
        ("slogan_counts", "bootstrap_resamples", -1, "bootstrap_resamples must be"),
        ("collocates", "span", 0, "span must be a whole number"),
        ("cooccurrence", "window_chars", -30, "window_chars must be"),
        ("formulae", "min_length", 0, "min_length must be"),
        ("segmentation", "hmm", "no", "hmm must be true or false, got 'no'"),
    ],
)
def test_a_setting_out_of_range_names_the_file_and_the_section(
    tmp_path, capsys, section, key, value, gist
):
    texts = two_short_texts(tmp_path / "T")
    settings = _settings_with(tmp_path, section, key, value)
    code = main(["run", "--texts", str(texts), "--config", str(settings),
                 "--out", str(tmp_path / "R"), *QUICK])
    one_error_line(code, capsys.readouterr().err, settings, f"`{section}`", gist)
    assert not (tmp_path / "R" / "tables").exists()


def test_a_negative_bootstrap_on_the_command_line_is_refused(tmp_path, capsys):
    texts = two_short_texts(tmp_path / "T")
    with pytest.raises(SystemExit) as stop:
        main(["slogans", "--texts", str(texts), "--bootstrap", "-5"])
    assert stop.value.code == 2
    assert "argument --bootstrap: -5 is less than 0" in capsys.readouterr().err


def test_jobs_beyond_the_cpus_count_as_all_of_them():
    assert whole_number(1, at_most_cpus=True)("1000") == (os.cpu_count() or 1)
    assert whole_number(1, at_most_cpus=True)("1") == 1


def test_unknown_figure_formats_are_one_line(tmp_path, capsys):
    texts = two_short_texts(tmp_path / "T")
    code = main(["run", "--texts", str(texts), "--out", str(tmp_path / "R"), "--formats", "png,gif",
                 "--no-notebooks", "--quiet"])
    one_error_line(code, capsys.readouterr().err, "`figures`", "formats must be a list of",
                   "'gif'")
    assert not (tmp_path / "R" / "tables").exists()


# --- the machine: cache, disk, bytes, names -----------------------------------------------------


def test_a_cache_that_cannot_be_written_is_said_once_and_the_run_goes_on(
    tmp_path, monkeypatch, capsys
):
    # what deleting .cache mid-run does to the writes: the folder is not there to write into
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_CACHE", str(blocker / "cache"))
    texts = two_short_texts(tmp_path / "T")
    code = main(["run", "--texts", str(texts), "--out", str(tmp_path / "R"),
                 "--no-figures", "--no-notebooks"])
    err = capsys.readouterr().err
    warned = [line for line in err.splitlines() if "token cache" in line]
    assert code == 0 and len(warned) == 1 and "Traceback" not in err
    assert "could not be written for 2 document(s)" in warned[0] and "--no-cache" in warned[0]
    assert (tmp_path / "R" / "tables" / "term_frequencies.csv").exists()


@pytest.fixture
def small_disk(tmp_path):
    """A 40 MB file system of its own (tmpfs), where the machine lets the tests mount one."""
    import shutil
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None or subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_said_and_the_earlier_outputs_stay(small_disk, tmp_path, capsys):
    texts = two_short_texts(tmp_path / "T")
    out = small_disk / "R"
    assert main(["run", "--texts", str(texts), "--out", str(out), *QUICK]) == 0
    before = tree_sha256(out)
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    with (small_disk / "filler").open("wb") as filler:
        filler.truncate(0)
        filler.write(b"\0" * (free - 64 * 1024))  # tmpfs has no holes: the bytes fill it
    capsys.readouterr()
    code = main(["run", "--texts", str(texts), "--out", str(out), "--force", *QUICK])
    line = one_error_line(code, capsys.readouterr().err, "the disk is full", "free some space")
    assert "a file" not in line
    assert tree_sha256(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_invalid_utf8_is_located_to_the_byte(tmp_path, capsys):
    texts = two_short_texts(tmp_path / "T")
    (texts / "c.txt").write_bytes("我们要加强团结，".encode() + b"\xff\xfe\x80" + "坚持。".encode())
    code = main(["info", "--texts", str(texts)])
    one_error_line(
        code, capsys.readouterr().err, texts / "c.txt",
        "is not valid UTF-8 at byte 25 (line 1, after “我们要加强团结，”: bytes ff fe 80)",
    )


@pytest.mark.parametrize(("option", "typo", "column"), [
    ("--group-by", "gnere", "genre"),
    ("--group-by", "genre*levle", "level"),
])
def test_a_misspelt_grouping_suggests_the_column(tmp_path, capsys, option, typo, column):
    texts = two_short_texts(tmp_path / "T")
    metadata = tmp_path / "meta.csv"
    metadata.write_text("doc_id,file,genre,level\na,a.txt,speech,city\nb,b.txt,opinion,county\n",
                        encoding="utf-8")
    code = main(["run", "--texts", str(texts), "--metadata", str(metadata), option, typo,
                 "--out", str(tmp_path / "R"), *QUICK])
    one_error_line(code, capsys.readouterr().err, f"did you mean {column!r}?", "--group-by")
    assert not (tmp_path / "R" / "tables").exists()


def test_script_in_a_saved_web_page_is_not_counted_as_words(tmp_path):
    from analysis.corpus.build import build_corpus

    texts = tmp_path / "T"
    texts.mkdir()
    (texts / "page.txt").write_text(
        "<html><head><script type=\"text/javascript\">\nvar tuanjie = \"团结\";\n"
        "document.write(tuanjie);\n</script></head>\n<body><p>我们要加强团结。</p>"
        "<script>track(\"一把手\")</script>\n</body></html>\n",
        encoding="utf-8",
    )
    corpus = build_corpus(texts, cache_dir=tmp_path / "cache")
    assert corpus.documents.loc[0, "text"] == "我们要加强团结。"
    assert list(corpus.mentions["slogan"]) == ["团结"]
    rules = set(corpus.cleaning_log["rule"])
    assert {"html_script", "html_script_inline"} <= rules


# --- the third adversarial round --------------------------------------------------------------


def test_trends_never_replaces_a_file_it_did_not_write(tmp_path, capsys):
    texts = tmp_path / "T"
    texts.mkdir()
    (texts / "a_1990.txt").write_text("坚持团结。", encoding="utf-8")
    (texts / "b_2000.txt").write_text("团结，团结。", encoding="utf-8")
    mine = tmp_path / "mine.csv"
    mine.write_text("my precious data\n", encoding="utf-8")
    code = main(["trends", "团结", "--texts", str(texts), "--out", str(tmp_path / "mine.png"),
                 "--quiet"])
    one_error_line(code, capsys.readouterr().err, "mine.csv", "is not a trends table")
    assert mine.read_text(encoding="utf-8") == "my precious data\n"
    # its own table from an earlier trends is replaced
    assert main(["trends", "团结", "--texts", str(texts), "--out", str(tmp_path / "t.png"),
                 "--quiet"]) == 0
    assert main(["trends", "团结", "--texts", str(texts), "--out", str(tmp_path / "t.png"),
                 "--quiet"]) == 0


@pytest.mark.parametrize("command", ["kwic", "trends"])
def test_kwic_and_trends_never_write_over_their_inputs(tmp_path, capsys, command):
    texts = two_short_texts(tmp_path / "T")
    metadata = tmp_path / "meta.csv"
    metadata.write_text("doc_id,file,year\na,a.txt,1990\nb,b.txt,2000\n", encoding="utf-8")
    before = tree_sha256(tmp_path)
    pattern = "团结"
    for out in (metadata, texts / "new.csv", tmp_path):
        code = main([command, pattern, "--texts", str(texts), "--metadata", str(metadata),
                     "--out", str(out)])
        one_error_line(code, capsys.readouterr().err, str(out))
    assert tree_sha256(tmp_path) == before


def test_a_header_only_metadata_file_says_the_texts_have_no_row(tmp_path):
    texts = two_short_texts(tmp_path / "T")
    metadata = tmp_path / "meta.csv"
    metadata.write_text("doc_id,file,title,year\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="2 text"):
        load_corpus(texts, metadata)


def test_ctrl_c_while_the_libraries_load_is_one_line(tmp_path):
    import signal
    import subprocess
    import sys

    texts = two_short_texts(tmp_path / "T")
    # -X importtime reports each module as it finishes loading: numpy is done about 200 ms
    # before pandas and the CLI are. A fixed sleep could land after the whole command (about
    # half a second), in Python's own shutdown, where Ctrl-C kills it with no message.
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "analysis", "info", "--texts", str(texts)],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=as_from_a_terminal,
    )
    seen = []
    while not (line := process.stderr.readline()).rstrip().endswith(" numpy"):
        assert line, f"numpy was never imported: {seen[-5:]}"
        seen.append(line)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    said = [line for line in err.strip().splitlines() if not line.startswith("import time:")]
    assert process.returncode == 130, said
    assert said == ["error: interrupted while starting; nothing was read or written"]


@pytest.mark.parametrize(
    ("arguments", "gist"),
    [
        (["slogans", "--bootstrap", "100000000", "--quiet"], "to 1,000,000"),
        (["kwic", "re:^"], "can match no text at all"),
        (["kwic", "re:(?=团结)"], "can match no text at all"),
        (["run", "--periods", "2000,1980", "--out", "R", *QUICK], "in increasing order"),
    ],
)
def test_the_third_rounds_small_mistakes_are_one_line(tmp_path, capsys, arguments, gist):
    texts = two_short_texts(tmp_path / "T")
    arguments = [str(tmp_path / a) if a == "R" else a for a in arguments]
    code = main([arguments[0], *arguments[1:], "--texts", str(texts)])
    one_error_line(code, capsys.readouterr().err, gist)


def test_a_pipe_in_the_texts_folder_is_named(tmp_path, capsys):
    texts = two_short_texts(tmp_path / "T")
    os.mkfifo(texts / "pipe.txt")
    code = main(["info", "--texts", str(texts)])
    one_error_line(code, capsys.readouterr().err, texts / "pipe.txt", "not a regular file")
