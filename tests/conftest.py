"""Shared fixtures: the project's paths, the five study documents built once per session, and
the material beside the project (``../shared``), which tests skip without."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import warnings
from pathlib import Path

import pytest

# jsonschema (under nbformat) imports rfc3987_syntax, which compiles an IRI grammar with Lark on
# import: about three seconds in every test process, for a format no notebook field uses. The
# notebook workers of a run skip it the same way (analysis.run.notebooks).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "data"
RAW = DATA / "raw"
METADATA = DATA / "metadata.csv"
SHARED = Path(os.environ.get("ANALYSIS_SHARED", PROJECT.parent / "shared"))

STUDY_DOC_IDS = [
    "jilin_news_2007",
    "cidu_opinion_2005",
    "nansha_speech_2007",
    "yangzhou_opinion_2007",
    "cityoffice_speech_2003",
]


def tree_sha256(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by path relative to it (hidden files too)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def without_corpus_cache(cache: Path) -> Path:
    """``cache`` without its corpus cache (analysis.corpus.corpus_cache), so that the next build
    reads the per-document caches of cleaned texts and tokens."""
    shutil.rmtree(cache / "corpus", ignore_errors=True)
    return cache


def two_short_texts(folder: Path) -> Path:
    """``folder`` with two one-sentence texts, a.txt and b.txt, mentioning three slogans."""
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("我们要加强团结，坚持民主集中制。", encoding="utf-8")
    (folder / "b.txt").write_text("一把手要带头讲团结。", encoding="utf-8")
    return folder


def as_from_a_terminal() -> None:
    """``preexec_fn`` for a program the tests interrupt: Ctrl-C delivered as from a terminal.

    A child inherits its parent's blocked signals and ignored SIGINT; a library run earlier in
    the same pytest worker (a resource tracker that blocks SIGINT while it spawns) can leave the
    worker so, and the interrupt would then never reach the program under test."""
    import signal

    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (material beside the project)")
    return path


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """A token cache private to the test session, shared by its xdist workers (cache files are
    written atomically, so workers filling it at once is safe): a corpus is segmented once."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / "token-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session", autouse=True)
def font_cache(tmp_path_factory) -> Path:
    """The faces made from the CJK font (analysis.plots.fonts.common_face, seconds to build),
    kept for the whole session and its xdist workers, and for the runs they start as processes
    (the variable is inherited), whichever ANALYSIS_CACHE a test sets."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / "font-cache"
    os.environ.setdefault("ANALYSIS_FONT_CACHE", str(folder))
    return Path(os.environ["ANALYSIS_FONT_CACHE"])


@pytest.fixture(scope="session")
def study_corpus(cache_dir):
    """The five study documents through the whole corpus layer (built once)."""
    from analysis import build_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the study data must load without any warning
        return build_corpus(RAW, METADATA, cache_dir=cache_dir)


@pytest.fixture(scope="session")
def full_run(tmp_path_factory, cache_dir):
    """`python -m analysis run` on the five documents with figures and notebooks (once).

    Under pytest-xdist (`make test` runs the suite on every CPU) the workers share one run: the
    first to need it makes it under a file lock, the others wait and read it."""
    from filelock import FileLock

    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp().parent
        root = shared / "full-run"
        with FileLock(str(shared / "full-run.lock")):
            if not (root / "done").exists():
                _full_run(root, cache_dir)
                (root / "done").write_text("ok", encoding="utf-8")
    else:
        root = tmp_path_factory.mktemp("full-run")
        _full_run(root, cache_dir)
    return root / "results", root / "figures"


def _full_run(root: Path, cache_dir: Path) -> None:
    from analysis.cli import main

    root.mkdir(parents=True, exist_ok=True)
    out, figures = root / "results", root / "figures"
    previous = os.environ.get("ANALYSIS_CACHE")
    os.environ["ANALYSIS_CACHE"] = str(cache_dir)
    # data/raw is hashed around the run; tests/test_reliability_run.py compares the two
    (root / "raw-sha256-before.json").write_text(json.dumps(tree_sha256(RAW)), encoding="utf-8")
    try:
        code = main(["run", "--out", str(out), "--figures", str(figures), "--quiet"])
    finally:
        (root / "raw-sha256-after.json").write_text(
            json.dumps(tree_sha256(RAW)), encoding="utf-8"
        )
        if previous is None:
            os.environ.pop("ANALYSIS_CACHE", None)
        else:
            os.environ["ANALYSIS_CACHE"] = previous
    assert code == 0


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` first (otherwise in collection order): pytest-xdist hands tests out
    in this order, and a minutes-long test handed out last would run alone at the end. Among
    the slow ones, the one that makes the shared ``full_run`` (two minutes) comes first; among
    the others, those that read ``full_run`` come last, so that no worker waits idle for it
    while the one making it works."""

    def order(item) -> tuple[bool, bool]:
        slow = item.get_closest_marker("slow") is not None
        uses_full_run = "full_run" in getattr(item, "fixturenames", ())
        return (not slow, not uses_full_run if slow else uses_full_run)

    items.sort(key=order)


def pytest_collection_finish(session):
    """Stop when ``--dist loadgroup`` does not group: the tests marked ``xdist_group`` share
    state that one worker must own (tests/test_reliability_run.py). pytest 9.2 silently broke
    the grouping (pytest-xdist#1386), which is why pyproject.toml keeps pytest below it."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    ungrouped = [
        item.nodeid
        for item in session.items
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid
    ]
    if ungrouped:
        raise pytest.UsageError(
            f"--dist loadgroup did not group {ungrouped[0]} (pytest-xdist#1386: pytest "
            f"{pytest.__version__} with this pytest-xdist); install the pytest pyproject.toml names"
        )
