"""A metadata CSV for the political corpus beside the project (../shared/corpora/political/txt),
as a researcher would write one: ``doc_id,file,title,year,genre``, from its ``index.tsv``.

Years: a government work report's year is in its file name; an NPC resolution's comes from its
title (the n-th NPC's first session year plus the session number − 1); a party congress report's
from the congress number.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

NUMERALS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
NPC_FIRST_SESSION = {
    1: 1954,
    2: 1959,
    3: 1964,
    4: 1975,
    5: 1978,
    6: 1983,
    7: 1988,
    8: 1993,
    9: 1998,
    10: 2003,
    11: 2008,
    12: 2013,
    13: 2018,
    14: 2023,
}
CONGRESS_YEAR = {
    1: 1921,
    2: 1922,
    3: 1923,
    4: 1925,
    5: 1927,
    6: 1928,
    7: 1945,
    8: 1956,
    9: 1969,
    10: 1973,
    11: 1977,
    12: 1982,
    13: 1987,
    14: 1992,
    15: 1997,
    16: 2002,
    17: 2007,
    18: 2012,
    19: 2017,
    20: 2022,
}


def chinese_number(text: str) -> int:
    """十四 → 14, 二 → 2, 十 → 10."""
    if "十" in text:
        tens, _, units = text.partition("十")
        return NUMERALS.get(tens, 1) * 10 + NUMERALS.get(units, 0)
    return NUMERALS[text]


def year_and_genre(file: str, title: str, year_or_congress: str) -> tuple[int, str]:
    if file.startswith("gwr_"):
        return int(year_or_congress), "government work report"
    if file.startswith("npc_"):
        npc, session = re.match(r"第(.+?)届全国人民代表大会第(.+?)次会议", title).groups()
        return NPC_FIRST_SESSION[chinese_number(npc)] + chinese_number(
            session
        ) - 1, "NPC resolution"
    return CONGRESS_YEAR[int(year_or_congress)], "party congress report"


def write_political_metadata(texts: Path, target: Path) -> Path:
    """Write the metadata CSV of the political corpus in ``texts`` to ``target``."""
    with (texts / "index.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["doc_id", "file", "title", "year", "genre"])
        for row in rows:
            year, genre = year_and_genre(row["file"], row["title"], row["year_or_congress"])
            writer.writerow(
                [row["file"].removesuffix(".txt"), row["file"], row["title"], year, genre]
            )
    return target
