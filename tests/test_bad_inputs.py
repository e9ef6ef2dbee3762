"""Bad inputs (issue 6, section 1): each row of the table in docs/RELIABILITY.md is a test here.

Every bad input goes through the real command line (``main([...])`` in process, a few in a real
``python -m analysis`` process) and must give either a correct result, checked in the tables it
writes, or exit code 2 with one line on stderr, ``error: <file>: <what is wrong>; <the fix>``.
Never a traceback, never a silently empty table. The texts are lines of the study documents.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import opencc
import pandas as pd
import pytest
from conftest import DATA, PROJECT, RAW, shared_path

from analysis.cli import main
from analysis.config.lexicon import load_slogans
from analysis.config.settings import load_settings
from analysis.corpus.build import build_corpus
from analysis.corpus.encoding import decode_bytes
from analysis.corpus.load import is_safe_doc_id
from analysis.errors import InputError

RELIABILITY = PROJECT / "docs" / "RELIABILITY.md"
LARGE_SETTINGS = DATA / "settings-large.yml"


def study_lines(name: str, *numbers: int) -> str:
    lines = (RAW / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return "".join(lines[n].strip() + "\n" for n in numbers)


SPEECH = study_lines("nansha_speech_2007", 34, 36)  # 团结 throughout
OPINION = study_lines("yangzhou_opinion_2007", 8, 10, 30)
TRADITIONAL = study_lines("cidu_opinion_2005", 11, 14, 17)  # 民主集中制, 四強一硬, 一把手
JAPANESE = (
    "政府は本日、新しい経済政策を発表しました。首相は記者会見で、国民の生活を守るために全力を"
    "尽くすと述べました。地方自治体との連携を強化し、若い世代の雇用を増やす方針です。"
)
KOREAN = (
    "정부는 오늘 새로운 경제 정책을 발표했습니다. 총리는 기자회견에서 국민의 생활을 지키기 위해 "
    "최선을 다하겠다고 말했습니다. 지방 자치단체와의 협력을 강화하고 젊은 세대의 고용을 늘릴 "
    "방침입니다."
)
FRENCH = "Le comité a décidé de renforcer l'unité de l'équipe dirigeante à Genève. " * 3


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def token_cache(monkeypatch, cache_dir):
    monkeypatch.setenv("ANALYSIS_CACHE", str(cache_dir))


def write_texts(folder: Path, files: dict[str, bytes | str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def run(
    capsys, texts: Path, out: Path, *options: str, figures: Path | None = None, quiet: bool = True
) -> tuple[int, str]:
    """``python -m analysis run`` in process: (exit code, stderr)."""
    argv = ["run", "--texts", str(texts), "--out", str(out), "--no-notebooks"]
    argv += ["--figures", str(figures)] if figures is not None else ["--no-figures"]
    code = main([*argv, *(["--quiet"] if quiet else []), *options])
    return code, capsys.readouterr().err


def table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "tables" / f"{name}.csv", encoding="utf-8-sig")


def assert_one_line_error(code: int, err: str, named: str | Path, *gist: str) -> str:
    """Exit code 2 and exactly one stderr line: ``error: …`` naming the file and the fix."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert str(named) in lines[0], err
    for words in gist:
        assert words in lines[0], err
    return lines[0]


def warning_lines(err: str) -> list[str]:
    # progress bars share stderr and end in a carriage return, not a newline
    return re.findall(r"warning: [^\r\n]*", err)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def error_of(data: bytes) -> str:
    with pytest.raises(InputError) as caught:
        decode_bytes(data, source="x.txt")
    return str(caught.value)


# --- encodings and file contents ---------------------------------------------------------------

COMPARED_TABLES = ("documents", "term_frequencies", "slogan_mentions", "kwic")


@pytest.mark.parametrize(
    ("text", "encode", "recorded"),
    [
        pytest.param(SPEECH, lambda t: t.encode("gb18030"), "gbk", id="gb18030"),
        pytest.param(TRADITIONAL, lambda t: t.encode("big5"), "big5", id="big5"),
        pytest.param(SPEECH, lambda t: t.encode("utf-16"), "utf-16", id="utf-16"),
        pytest.param(SPEECH, lambda t: codecs.BOM_UTF8 + t.encode(), "utf-8-sig", id="bom"),
        pytest.param(SPEECH, lambda t: t.replace("\n", "\r\n").encode(), "utf-8", id="crlf"),
    ],
)
def test_other_encodings_and_line_ends_give_the_utf8_result(
    tmp_path, capsys, text, encode, recorded
):
    reference = write_texts(tmp_path / "utf8", {"a.txt": text, "b.txt": OPINION})
    variant = write_texts(tmp_path / "variant", {"a.txt": encode(text), "b.txt": OPINION})
    assert run(capsys, reference, tmp_path / "out-utf8")[0] == 0
    assert run(capsys, variant, tmp_path / "out-variant")[0] == 0
    for name in COMPARED_TABLES:
        expected = table(tmp_path / "out-utf8", name)
        got = table(tmp_path / "out-variant", name)
        if name == "documents":
            assert got.set_index("doc_id").loc["a", "encoding"] == recorded
            expected, got = expected.drop(columns="encoding"), got.drop(columns="encoding")
        pd.testing.assert_frame_equal(got, expected, obj=name)


def test_utf16_without_a_byte_order_mark_is_an_error(tmp_path, capsys):
    texts = write_texts(tmp_path / "t", {"a.txt": SPEECH.encode("utf-16-le"), "b.txt": OPINION})
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(code, err, texts / "a.txt", "UTF-16 without a byte-order mark", "UTF-8")


MOJIBAKE = [
    pytest.param(
        SPEECH.encode().decode("latin-1").encode(),
        "UTF-8 Chinese text that was opened as Latin-1/Windows-1252",
        id="utf8-opened-as-latin1",
    ),
    pytest.param(
        SPEECH.encode().decode("cp1252", errors="replace").encode(),
        "UTF-8 Chinese text that was opened as Latin-1/Windows-1252",
        id="utf8-opened-as-cp1252",
    ),
    pytest.param(
        SPEECH.encode("gbk").decode("latin-1").encode(),
        "GB18030/GBK Chinese text that was opened as Latin-1/Windows-1252",
        id="gbk-opened-as-latin1",
    ),
    pytest.param(
        SPEECH.encode().decode("gb18030", errors="replace").encode(),
        "UTF-8 Chinese text that was opened as GBK",
        id="utf8-opened-as-gbk",
    ),
    pytest.param(JAPANESE.encode("shift_jis"), "reads as Japanese text", id="shift-jis"),
    pytest.param(KOREAN.encode("euc_kr"), "reads as Korean text", id="euc-kr"),
    pytest.param(
        bytes(random.Random(1).choices(range(0x81, 0xFF), k=2000)),
        "only to rare characters",
        id="random-bytes-valid-in-gb18030",
    ),
    pytest.param(FRENCH.encode("latin-1"), "is not valid UTF-8 at byte", id="latin1-french"),
]


@pytest.mark.parametrize(("data", "gist"), MOJIBAKE)
def test_mojibake_is_an_error_that_says_what_happened(tmp_path, capsys, data, gist):
    texts = write_texts(tmp_path / "t", {"bad.txt": data, "good.txt": OPINION})
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(code, err, texts / "bad.txt", gist, "save it as UTF-8")
    assert not (tmp_path / "out" / "tables").exists()  # nothing half-written


def test_mojibake_message_shows_what_the_text_should_read():
    message = error_of(SPEECH.encode().decode("latin-1").encode())
    assert repr(SPEECH[:8]) in message  # the repaired reading, so the diagnosis can be checked


def test_study_and_shared_corpora_are_not_taken_for_mojibake():
    # The mojibake checks must never refuse real text, in any encoding the loader reads.
    to_traditional = opencc.OpenCC("s2t")
    files = sorted(RAW.glob("*.txt"))
    political = shared_path("corpora", "political", "txt")
    news = shared_path("corpora", "xwlb")
    files += sorted(political.glob("*.txt"))[::2] + sorted(news.rglob("*.md"))[::40]
    for path in files:
        text, _ = decode_bytes(path.read_bytes(), source=path)
        decode_bytes(text.encode("gb18030"), source=path)
        decode_bytes(to_traditional.convert(text).encode("big5", errors="ignore"), source=path)
        for start in range(0, min(len(text), 2000), 400):  # short pieces, hardest to judge
            piece = text[start : start + 120]
            if piece.strip():
                decode_bytes(piece.encode("gb18030"), source=path)
                decode_bytes(to_traditional.convert(piece).encode("big5", "ignore"), source=path)


@pytest.mark.parametrize(
    ("data", "gist"),
    [
        pytest.param(b"", "the file is empty", id="empty"),
        pytest.param(b" \r\n\t\n", "the file is empty", id="white-space-only"),
        pytest.param(codecs.BOM_UTF8, "holds only white space", id="bom-only"),
    ],
)
def test_an_empty_file_is_an_error(tmp_path, capsys, data, gist):
    texts = write_texts(tmp_path / "t", {"empty.txt": data, "good.txt": OPINION})
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(code, err, texts / "empty.txt", gist, "remove it")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, id="png"),
        pytest.param(bytes(range(1, 9)) * 40 + SPEECH.encode(), id="control-characters"),
    ],
)
def test_a_binary_file_is_an_error(tmp_path, capsys, data):
    texts = write_texts(tmp_path / "t", {"picture.txt": data, "good.txt": OPINION})
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(code, err, texts / "picture.txt", "binary file", "remove")


def test_mixed_traditional_and_simplified_is_counted_in_simplified(tmp_path, capsys):
    simplified = opencc.OpenCC("t2s").convert(TRADITIONAL)
    mixed = write_texts(tmp_path / "mixed", {"a.txt": SPEECH + TRADITIONAL, "b.txt": OPINION})
    converted = write_texts(tmp_path / "conv", {"a.txt": SPEECH + simplified, "b.txt": OPINION})
    assert run(capsys, mixed, tmp_path / "out-mixed")[0] == 0
    assert run(capsys, converted, tmp_path / "out-conv")[0] == 0
    for name in ("term_frequencies", "slogan_mentions"):
        pd.testing.assert_frame_equal(
            table(tmp_path / "out-mixed", name), table(tmp_path / "out-conv", name), obj=name
        )
    mentions = table(tmp_path / "out-mixed", "slogan_mentions")
    assert {"团结", "民主集中制", "四强一硬", "一把手"} <= set(mentions["slogan"])
    terms = set(table(tmp_path / "out-mixed", "term_frequencies")["term"])
    assert "领导" in terms and "領導" not in terms


def one_line_study_text() -> str:
    """The cleaned study texts as one line (cleaned, so no boilerplate line would remove it)."""
    corpus = build_corpus(RAW, DATA / "metadata.csv")
    return "".join(text.replace("\n", "") for text in corpus.documents["text"])


def write_one_line_file(folder: Path, size: int) -> str:
    unit = one_line_study_text().encode()
    text = (unit * (size // len(unit) + 1))[:size].decode("utf-8", errors="ignore")
    write_texts(folder, {"big.txt": text, "small.txt": OPINION})
    return text


@pytest.mark.slow
def test_eight_megabytes_on_one_line_load_clean_split_and_segment(tmp_path):
    # 50 MB passed the same checks in 53 s (docs/RELIABILITY.md); 8 MB keeps the suite short
    pytest.importorskip("rjieba")  # jieba takes 40 s for 50 MB alone
    text = write_one_line_file(tmp_path / "t", 8_000_000)
    corpus = build_corpus(
        tmp_path / "t",
        settings=load_settings(LARGE_SETTINGS),
        segmenter="rjieba",
        use_cache=False,
    )
    big = corpus.documents.set_index("doc_id").loc["big"]
    assert big["n_chars_raw"] == big["n_chars"] == len(text) > 2_600_000
    assert big["text"] == text  # already clean: cleaning changes nothing
    tokens = corpus.tokens[corpus.tokens["doc_id"] == "big"]
    # tokens tile the line: in order, no overlap, nothing but white space between two
    starts, ends = tokens["start"].to_numpy(), tokens["end"].to_numpy()
    assert starts[0] == 0 and ends[-1] == len(text) and (starts[1:] >= ends[:-1]).all()
    gaps = np.flatnonzero(starts[1:] != ends[:-1])
    assert all(text[ends[i] : starts[i + 1]].isspace() for i in gaps)
    sentences = corpus.sentences[corpus.sentences["doc_id"] == "big"]
    assert len(sentences) > 40_000 and set(sentences["para"]) == {1}
    unity = corpus.mentions[
        (corpus.mentions["doc_id"] == "big") & (corpus.mentions["slogan"] == "团结")
    ]
    assert len(unity) >= text.count("团结") > 0


def test_a_long_single_line_document_runs_end_to_end(tmp_path, capsys):
    pytest.importorskip("rjieba")
    text = write_one_line_file(tmp_path / "t", 1_000_000)
    code, err = run(
        capsys,
        tmp_path / "t",
        tmp_path / "out",
        "--segmenter",
        "rjieba",
        "--config",
        str(LARGE_SETTINGS),
    )
    assert code == 0, err
    documents = table(tmp_path / "out", "documents").set_index("doc_id")
    assert documents.loc["big", "n_chars"] == len(text)
    assert documents.loc["big", "n_paragraphs"] == 1
    keyness = table(tmp_path / "out", "keyness")
    assert {"big", "small"} <= set(keyness["target"])


def test_a_document_cleaning_removes_entirely_is_an_error(tmp_path, capsys):
    # A page saved on one line holding a site's blurb: the whole-line rule takes all of it.
    page = "下面是学习啦小编给大家整理的讲话，仅供参考。" + SPEECH.replace("\n", "")
    texts = write_texts(tmp_path / "t", {"page.txt": page, "good.txt": OPINION})
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(
        code,
        err,
        texts / "page.txt",
        "cleaning removed its whole text (rule site_blurb)",
        "cleaning.yml",
        "remove the file",
    )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("……。。！？", id="punctuation"),
        pytest.param("我们的了。是在！", id="stopwords"),
    ],
)
def test_a_document_without_words_is_an_error(tmp_path, capsys, content):
    texts = write_texts(tmp_path / "t", {"noise.txt": content, "good.txt": OPINION})
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(code, err, texts / "noise.txt", "no word to count", "remove the file")


# --- metadata ----------------------------------------------------------------------------------


def two_texts(tmp_path: Path) -> Path:
    return write_texts(tmp_path / "t", {"a.txt": SPEECH, "b.txt": OPINION})


def write_metadata(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "meta.csv"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize(
    ("csv", "gist"),
    [
        pytest.param(
            "doc_id,title\na,讲话\nb,意见\n", "missing column(s) file", id="missing-column"
        ),
        pytest.param(
            "doc_id,file\na,a.txt\na,b.txt\n",
            "doc_id 'a' appears on rows 2, 3",
            id="duplicate-doc-id",
        ),
        pytest.param(
            "doc_id,file\na,a.txt\nb,b.txt\nc,c.txt\n",
            "names file 'c.txt', which is not in",
            id="row-without-file",
        ),
        pytest.param(
            "doc_id,file,title\na,a.txt,讲话,2007\nb,b.txt,意见\n",
            "row 2 has 4 fields but the header has 3",
            id="ragged-row",
        ),
        pytest.param(
            "doc_id,file\na,../a.txt\nb,b.txt\n",
            "outside the texts folder",
            id="file-outside-texts",
        ),
        pytest.param(
            "doc_id,file\na,/etc/passwd\nb,b.txt\n", "outside the texts folder", id="absolute-file"
        ),
        pytest.param(
            'doc_id,file\n"a\x00b",a.txt\nb,b.txt\n', "not safe as a file name", id="nul-in-doc-id"
        ),
    ],
)
def test_malformed_metadata_is_an_error(tmp_path, capsys, csv, gist):
    metadata = write_metadata(tmp_path, csv)
    code, err = run(capsys, two_texts(tmp_path), tmp_path / "out", "--metadata", str(metadata))
    assert_one_line_error(code, err, metadata, gist)


def test_metadata_in_gbk_is_an_error_saying_how_to_save_it(tmp_path, capsys):
    metadata = write_metadata(tmp_path, "doc_id,file,title\na,a.txt,讲话\n".encode("gbk"))
    code, err = run(capsys, two_texts(tmp_path), tmp_path / "out", "--metadata", str(metadata))
    assert_one_line_error(code, err, metadata, "is not UTF-8", "'CSV UTF-8'")


def test_a_file_without_a_metadata_row_warns_and_gets_its_name_as_doc_id(tmp_path, capsys):
    metadata = write_metadata(tmp_path, "doc_id,file,title\nspeech,a.txt,讲话\n")
    code, err = run(
        capsys, two_texts(tmp_path), tmp_path / "out", "--metadata", str(metadata), quiet=False
    )
    assert code == 0 and "Traceback" not in err
    assert "warning: 1 text(s) in" in err and "(first: b.txt)" in err
    documents = table(tmp_path / "out", "documents")
    assert documents["doc_id"].tolist() == ["speech", "b"]
    assert documents["title"].tolist() == ["讲话", "b"]


# --- doc ids and file names --------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc_id",
    [
        pytest.param("../evil", id="dot-dot"),
        pytest.param("a/b", id="slash"),
        pytest.param("a\\b", id="backslash"),
        pytest.param("a:b", id="colon"),
        pytest.param("<x>", id="angle-brackets"),
        pytest.param("a\x01b", id="control-character"),
        pytest.param("字" * 100, id="300-bytes"),
    ],
)
def test_a_doc_id_unsafe_as_a_file_name_is_an_error(tmp_path, capsys, doc_id):
    metadata = write_metadata(tmp_path, f'doc_id,file\n"{doc_id}",a.txt\nb,b.txt\n')
    code, err = run(capsys, two_texts(tmp_path), tmp_path / "out", "--metadata", str(metadata))
    assert_one_line_error(code, err, metadata, "is not safe as a file name", "letters, digits")
    outside_out = {p for p in files_under(tmp_path) if not p.is_relative_to(tmp_path / "out")}
    assert outside_out == {metadata, tmp_path / "t" / "a.txt", tmp_path / "t" / "b.txt"}
    assert not (tmp_path / "out" / "tables").exists()


def test_awkward_file_names_get_safe_doc_ids_and_nothing_lands_outside(tmp_path, capsys):
    names = {
        "a:b 2007.txt": SPEECH,
        "c<>|?*.txt": OPINION,
        "new\nline.txt": TRADITIONAL,
        "名字 with spaces (1).txt": SPEECH + OPINION,
        "字" * 83 + ".txt": OPINION + TRADITIONAL,  # 253 bytes, near the 255 a name may have
    }
    texts = write_texts(tmp_path / "t", names)
    before = files_under(tmp_path)
    code, err = run(capsys, texts, tmp_path / "out")
    assert code == 0, err
    documents = table(tmp_path / "out", "documents")
    assert sorted(documents["doc_id"]) == sorted(
        ["a_b_2007", "c", "new_line", "名字_with_spaces_1", "字" * 40]
    )
    assert documents.set_index("doc_id").loc["a_b_2007", "year"] == 2007
    # doc ids name figure files (keyness_<doc id>.png): safe, and short enough for any disk
    assert all(is_safe_doc_id(doc_id) for doc_id in documents["doc_id"])
    created = files_under(tmp_path) - before
    assert created and all(p.is_relative_to(tmp_path / "out") for p in created)


def test_file_names_that_give_one_doc_id_are_an_error(tmp_path, capsys):
    texts = write_texts(tmp_path / "t", {"a:b.txt": SPEECH, "a_b.txt": OPINION})
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(code, err, "a:b.txt", "doc_id 'a_b' is used by both", "rename a file")


def test_a_line_break_in_a_file_name_stays_on_the_error_line(tmp_path, capsys):
    texts = write_texts(tmp_path / "t", {"bad\nname.txt": b"", "good.txt": OPINION})
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(code, err, "bad\\nname.txt", "the file is empty")


# --- slogans -----------------------------------------------------------------------------------


def test_a_slogan_that_occurs_nowhere_has_zero_rows_and_a_warning(tmp_path, capsys):
    lexicon = tmp_path / "slogans.yml"
    lexicon.write_text(
        "slogans:\n  - name: 团结\n    variants: [团结]\n"
        "  - name: 不存在的口号\n    variants: [不存在的口号]\n",
        encoding="utf-8",
    )
    code, err = run(
        capsys, two_texts(tmp_path), tmp_path / "out", "--slogans", str(lexicon), quiet=False
    )
    assert code == 0, err
    assert any("slogan(s) 不存在的口号 occur in no document" in w for w in warning_lines(err))
    counts = table(tmp_path / "out", "slogan_counts")
    absent = counts[(counts["slogan"] == "不存在的口号") & (counts["scope"] == "document")]
    assert sorted(absent["doc_id"]) == ["a", "b"] and (absent["count"] == 0).all()
    assert counts.loc[counts["slogan"] == "团结", "count"].sum() > 0


@pytest.mark.parametrize(
    ("option", "named", "gist"),
    [
        pytest.param(
            ",", DATA / "lexicon" / "slogans.yml", "no slogans selected", id="empty-selection"
        ),
        # a name not in the lexicon is an ad-hoc slogan now; a bad item is the error
        pytest.param("团结,,一把手", "--slogans item 2", "remove the extra comma", id="empty-item"),
        pytest.param("re:不存在(", "--slogans item 1", "escape ( with \\(", id="bad-regex"),
    ],
)
def test_an_empty_or_unknown_slogan_selection_is_an_error(tmp_path, capsys, option, named, gist):
    code, err = run(capsys, two_texts(tmp_path), tmp_path / "out", "--slogans", option)
    assert_one_line_error(code, err, named, gist)


def test_an_empty_slogan_list_is_an_error(tmp_path, capsys):
    lexicon = tmp_path / "slogans.yml"
    lexicon.write_text("slogans: []\n", encoding="utf-8")
    code, err = run(capsys, two_texts(tmp_path), tmp_path / "out", "--slogans", str(lexicon))
    assert_one_line_error(code, err, lexicon, "list is empty", "add at least one slogan")


# --- corpus size -------------------------------------------------------------------------------


def test_a_one_document_corpus_writes_the_tables_that_make_sense(tmp_path, capsys):
    texts = write_texts(tmp_path / "t", {"only.txt": SPEECH})
    code, err = run(capsys, texts, tmp_path / "out", quiet=False)
    assert code == 0, err
    # said once, in the manifest's `skipped` list (and the notebooks), not as warnings
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    skipped = {n["what"]: n["reason"] for n in manifest["skipped"]}
    assert skipped["keyness"].startswith("one document has no rest to compare it with")
    assert skipped["similarity_clusters"] == "one document cannot be clustered"
    assert skipped["correspondence analysis"] == "it needs 2 documents and 2 counted terms"
    assert not [w for w in warning_lines(err) if "skipped" in w]
    tables = {p.stem for p in (tmp_path / "out" / "tables").glob("*.csv")}
    assert {"keyness", "similarity_clusters", "ca_coordinates"}.isdisjoint(tables)
    for name in ("documents", "term_frequencies", "tfidf", "slogan_counts", "kwic", "similarity"):
        assert len(table(tmp_path / "out", name)), name


def test_a_one_document_corpus_with_figures(tmp_path, capsys):
    texts = write_texts(tmp_path / "t", {"only.txt": SPEECH})
    code, err = run(capsys, texts, tmp_path / "out", "--formats", "png", figures=tmp_path / "fig")
    assert code == 0, err
    drawn = {p.stem for p in (tmp_path / "fig").glob("*.png")}
    assert {"slogan_rates", "slogan_cooccurrence", "xray", "tfidf", "wordcloud"} <= drawn
    # --formats png: PNG only, the fast first look
    assert {p.suffix for p in (tmp_path / "fig").iterdir() if p.name != ".lock"} == {".png"}


@pytest.mark.slow
def test_a_thousand_tiny_documents(tmp_path, capsys):
    sentences = [
        s + "。"
        for s in re.split(r"[。！？\n]", one_line_study_text())
        if len(re.findall(r"[\u4e00-\u9fff]", s)) >= 8
    ]
    texts = tmp_path / "t"
    texts.mkdir()
    for i in range(1_000):  # 3,000 take 23 s, 10,000 92 s outside the suite (RELIABILITY.md)
        pair = sentences[i % len(sentences)] + sentences[(i * 7 + 3) % len(sentences)]
        (texts / f"d{i:05d}.txt").write_text(pair, encoding="utf-8")
    # no --config, as a researcher would type it: above 300 texts the large settings are used
    code, err = run(capsys, texts, tmp_path / "out", quiet=False)
    assert code == 0, err
    assert f"note: 1,000 texts (more than 300): using {LARGE_SETTINGS}" in err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["file"] == str(LARGE_SETTINGS.resolve())
    # one-sentence documents often lack every one of the 60 terms the CA maps: left out, said
    assert any("left out of the map" in w for w in warning_lines(err))
    assert len(table(tmp_path / "out", "documents")) == 1_000
    counts = table(tmp_path / "out", "slogan_counts")
    assert (counts["scope"] == "document").sum() == 1_000 * len(load_slogans())
    for name in ("term_frequencies", "keyness", "similarity", "ca_coordinates"):
        assert len(table(tmp_path / "out", name)), name


# --- folders, settings, permissions ------------------------------------------------------------


def test_a_missing_texts_folder_is_an_error(tmp_path, capsys):
    code, err = run(capsys, tmp_path / "nowhere", tmp_path / "out")
    assert_one_line_error(code, err, tmp_path / "nowhere", "texts folder not found")


def test_a_folder_without_text_files_is_an_error(tmp_path, capsys):
    texts = write_texts(tmp_path / "t", {"notes.docx": b"PK\x03\x04", "readme.md": "团结"})
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(code, err, texts, "no .txt files found", "--texts")


@pytest.mark.parametrize(
    ("settings", "gist"),
    [
        pytest.param(
            "frequences:\n  ngrams: [1]\n",
            "unknown section `frequences`; did you mean",
            id="unknown-section",
        ),
        pytest.param(
            "segmentation:\n  segmentr: rjieba\n",
            "unknown key(s) segmentr",
            id="unknown-segmentation-key",
        ),
        pytest.param("frequencies: [1\n", "is not valid YAML (line 2", id="broken-yaml"),
        pytest.param("lexicons:\n  slogans: nowhere.yml\n", "does not exist", id="missing-lexicon"),
    ],
)
def test_a_settings_file_with_a_mistake_is_an_error(tmp_path, capsys, settings, gist):
    path = tmp_path / "settings.yml"
    path.write_text(settings, encoding="utf-8")
    code, err = run(capsys, two_texts(tmp_path), tmp_path / "out", "--config", str(path))
    assert_one_line_error(code, err, tmp_path, gist)


def test_an_unknown_measure_option_is_an_error(tmp_path, capsys):
    path = tmp_path / "settings.yml"
    path.write_text("frequencies:\n  ngram: [1]\n", encoding="utf-8")
    code, err = run(capsys, two_texts(tmp_path), tmp_path / "out", "--config", str(path))
    assert_one_line_error(code, err, "`frequencies`", "unknown option(s) ngram")


def test_a_settings_file_kept_elsewhere_uses_the_default_lexicons(tmp_path, capsys):
    path = tmp_path / "my-settings.yml"
    path.write_text("tfidf:\n  top_n: 5\n", encoding="utf-8")
    code, err = run(capsys, two_texts(tmp_path), tmp_path / "out", "--config", str(path))
    assert code == 0, err
    assert table(tmp_path / "out", "tfidf")["rank"].max() == 5
    assert "四强一硬" in set(table(tmp_path / "out", "slogan_counts")["slogan"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its permissions")
def test_an_unreadable_file_is_an_error(tmp_path, capsys):
    texts = two_texts(tmp_path)
    (texts / "a.txt").chmod(0)
    code, err = run(capsys, texts, tmp_path / "out")
    assert_one_line_error(code, err, texts / "a.txt", "cannot be read", "permissions")


def test_an_output_folder_that_is_a_file_is_an_error(tmp_path, capsys):
    out = tmp_path / "out"
    out.write_text("not a folder", encoding="utf-8")
    code, err = run(capsys, two_texts(tmp_path), out)
    assert_one_line_error(code, err, out, "check that the path is right")


# --- in a real process -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "metadata", "named"),
    [
        pytest.param(
            {"bad.txt": SPEECH.encode().decode("latin-1").encode()}, None, "bad.txt", id="mojibake"
        ),
        pytest.param(
            {"a.txt": SPEECH},
            "doc_id,title\na,讲话\n",
            "meta.csv",
            id="metadata-without-file-column",
        ),
    ],
)
def test_errors_in_a_real_process_exit_2_without_a_traceback(
    tmp_path, cache_dir, files, metadata, named
):
    texts = write_texts(tmp_path / "t", files)
    command = [
        sys.executable,
        "-m",
        "analysis",
        "run",
        "--texts",
        str(texts),
        "--out",
        str(tmp_path / "out"),
        "--no-figures",
        "--no-notebooks",
    ]
    if metadata is not None:
        command += ["--metadata", str(write_metadata(tmp_path, metadata))]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=300,
        env={**os.environ, "ANALYSIS_CACHE": str(cache_dir)},
    )
    assert done.returncode == 2, done.stderr
    assert_one_line_error(done.returncode, done.stderr, named, "; ")


# --- the documentation -------------------------------------------------------------------------


def documented_tests() -> set[str]:
    """Test names (with parameter ids where given) in the `## 1. Bad inputs` table."""
    text = RELIABILITY.read_text(encoding="utf-8")
    section = text.split("## 1. Bad inputs", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    return {name for row in rows for name in re.findall(r"`(test_[^`]+)`", row.split("|")[-2])}


def parameter_ids(function) -> set[str]:
    ids = set()
    for mark in getattr(function, "pytestmark", []):
        if mark.name == "parametrize":
            ids |= {p.id for p in mark.args[1] if getattr(p, "id", None)}
    return ids


def test_the_reliability_table_and_these_tests_agree():
    here = {name: f for name, f in globals().items() if name.startswith("test_") and callable(f)}
    here.pop("test_the_reliability_table_and_these_tests_agree")
    documented = documented_tests()
    for entry in documented:
        name, _, param = entry.partition("[")
        assert name in here, f"docs/RELIABILITY.md names {name}, which is not in this file"
        if param:
            assert param.rstrip("]") in parameter_ids(here[name]), f"no case {entry}"
    undocumented = set(here) - {entry.partition("[")[0] for entry in documented}
    assert not undocumented, f"add these tests to docs/RELIABILITY.md: {sorted(undocumented)}"
