"""Finding a font that draws Chinese, registering it with matplotlib, and checking coverage.

Resolution order (first that works wins):

1. ``ANALYSIS_FONT``: a font file path (``.ttf``/``.otf``/``.ttc``/``.otc``) or the name of a
   font family matplotlib knows. A value that is neither, or a font that cannot draw Chinese, is
   an error: an explicit choice is never silently replaced.
2. Noto Sans CJK SC shipped by the ``mplfonts`` dependency, so a fresh machine needs no system
   font and every machine draws the same glyphs.
3. A system font covering common Chinese (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei, …).

Coverage is checked with the font's own character map (fontTools), so a character no font has
raises :class:`MissingGlyphError` instead of matplotlib quietly drawing a box.

The font is drawn through a smaller copy of itself first (:func:`common_face`): matplotlib
subsets the whole font file for every PDF it writes, which for the 65,535 glyphs of Noto Sans CJK
takes one to three seconds per figure; from a face of the 8,000 glyphs modern text uses it takes
a fifth of that. The face has the same advance widths and metrics, and its outlines are the
font's own, converted to TrueType where the font has PostScript (CFF) outlines: matplotlib
embeds fonts in a PDF as TrueType (Type 42), and a CFF font embedded that way shows no text in
PDF viewers (matplotlib#2869). The full font stays second in the stack for any character outside
the face; a PDF draws such a character, where the full font is a CFF font, from a TrueType face
of just the characters it needs (:func:`supplement_face`).
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont
from matplotlib import font_manager, ft2font

from analysis.config.paths import PROJECT_ROOT, atomic_write
from analysis.errors import InputError

FONT_ENV_VAR = "ANALYSIS_FONT"
#: Where the faces made from the font are kept (default: ``fonts/`` of the cache folder).
FONT_CACHE_ENV_VAR = "ANALYSIS_FONT_CACHE"
PACKAGED_FONT_FILE = "NotoSansCJKsc-Regular.otf"
# Ships with matplotlib; covers Latin, digits, Greek and symbols a CJK font may lack.
LATIN_FALLBACK_FAMILY = "DejaVu Sans"
# A font must draw these to count as a Chinese font: the study's core slogans.
CJK_PROBE = "团结民主集中制一把手领导班子建设"
FONT_FILE_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
# Simplified-Chinese families first, then Traditional/Japanese faces that still cover the hanzi.
PREFERRED_SYSTEM_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Sarasa Gothic SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "AR PL UMing CN",
    "Noto Sans CJK TC",
    "Source Han Sans TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
)
# Name fragments that make an unlisted installed font worth a character-map check.
CJK_NAME_HINTS = ("cjk", "han", "hei", "song", "kai", "ming", "fang", "gb", " sc", " cn", "wenquan")
# Line breaks are split off by matplotlib and never drawn as glyphs.
_NOT_DRAWN = frozenset("\n\r")

FontSource = Literal["ANALYSIS_FONT", "mplfonts", "system"]


class FontNotFoundError(InputError):
    """No usable font for Chinese text, or ``ANALYSIS_FONT`` names an unusable font."""


class MissingGlyphError(InputError):
    """Some characters have no glyph in any font of the figure's font stack."""

    def __init__(self, message: str, missing: Sequence[str]):
        super().__init__(message)
        self.missing = tuple(missing)


@dataclass(frozen=True)
class ResolvedFont:
    """A font registered with matplotlib: use ``family`` in rcParams; ``path`` is its file."""

    family: str
    path: Path
    source: FontSource


def packaged_font_path() -> Path | None:
    """Noto Sans CJK SC inside the installed ``mplfonts`` package, or None when absent."""
    try:
        import mplfonts
    except ImportError:
        return None
    path = Path(mplfonts.__file__).resolve().parent / "fonts" / PACKAGED_FONT_FILE
    return path if path.is_file() else None


def register_font_file(path: str | Path) -> str:
    """Register a font file with matplotlib and return its family name.

    Raises FontNotFoundError when the file is missing or is not a font FreeType can read.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FontNotFoundError(f"font file {path} does not exist")
    try:
        family = font_manager.ttfFontProperty(ft2font.FT2Font(str(path))).name
    except (RuntimeError, OSError, ValueError) as error:
        raise FontNotFoundError(f"{path} is not a font file FreeType can read ({error})") from error
    font_manager.fontManager.addfont(str(path))
    return family


def resolve_cjk_font() -> ResolvedFont:
    """The font for Chinese labels, registered with matplotlib (see the module docstring).

    The result is cached per value of ``ANALYSIS_FONT``, so calling this for every figure is
    cheap and registers each font once.
    """
    setting = os.environ.get(FONT_ENV_VAR, "").strip()
    return _resolve(setting or None)


def font_stack() -> list[str]:
    """Font families for ``font.family``: the CJK font (its common face first, when it has one:
    :func:`common_face`), then the Latin fallback."""
    font = resolve_cjk_font()
    common = common_face(font)
    return [*([common] if common else []), font.family, LATIN_FALLBACK_FAMILY]


# --- the common face: a subset quick to embed -------------------------------------------------

#: Changes when what the common face holds changes, so an older face file is never read.
COMMON_FACE_FORMAT = "gb2312-latin-symbols-truetype-v2"
#: Largest distance (font units, of 1,000 per em in Noto Sans CJK) between a cubic outline and
#: the quadratic curves that replace it: the value of fontTools' otf2ttf, below a pixel at 300 dpi.
MAX_OUTLINE_ERROR = 1.0
#: Added to the family name of the common face, so matplotlib tells it from the full font.
COMMON_FACE_SUFFIX = "Common"
# Besides GB2312: Latin, punctuation, letterlike and number forms (Ⅱ), arrows, mathematical
# operators, enclosed numbers (①), shapes (■), CJK punctuation, full-width forms.
_COMMON_BLOCKS = (
    (0x0020, 0x0250), (0x2000, 0x2070), (0x2100, 0x2300), (0x2460, 0x2500), (0x25A0, 0x2600),
    (0x3000, 0x3040), (0xFF00, 0xFFF0),
)


@cache
def common_codepoints() -> frozenset[int]:
    """The characters of the common face: every character of GB2312 (its 6,763 hanzi cover
    modern Simplified text) and the blocks of Latin letters, punctuation and symbols labels use."""
    points = {cp for start, end in _COMMON_BLOCKS for cp in range(start, end)}
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:  # an unassigned position
                continue
    return frozenset(points)


def common_face(font: ResolvedFont) -> str | None:
    """The family name of ``font``'s common face, registered with matplotlib; ``None`` when it
    has none (a font collection, a font HarfBuzz cannot subset, a cache that cannot be written:
    figures then draw with the full font alone, only slower to save as PDF).

    The face is ``font`` subset by HarfBuzz (``uharfbuzz``) to :func:`common_codepoints`,
    without its OpenType layout and vertical tables (matplotlib uses neither), renamed
    ``"<family> Common"`` with the PostScript name kept, so an exported PDF still names the
    font it came from. Where the font has PostScript (CFF) outlines they are converted to
    TrueType outlines (:func:`truetype_outlines`), so that a PDF embeds the face as a font every
    viewer draws. It is built once (a few seconds) into ``fonts/`` of the cache
    folder (``ANALYSIS_CACHE``, else ``.cache/``), under a name made from the font file's path,
    size and modification time, what the face holds, and the HarfBuzz version.
    """
    if font.path.suffix.lower() in (".ttc", ".otc"):
        return None  # a face index would have to follow the font; the full font is fine
    try:
        stat = font.path.stat()
    except OSError:
        return None
    return _common_face(str(font.path), stat.st_size, stat.st_mtime_ns, font.family)


def web_font_subset(path: str | Path, characters: Iterable[str]) -> bytes:
    """The font file at ``path`` cut down to ``characters`` (with the OpenType layout features
    they use), as a WOFF web font: HarfBuzz's subsetter, milliseconds for a CJK font where
    fontTools' takes seconds."""
    font = _harfbuzz_subset(str(path), {ord(ch) for ch in characters}, every_feature=True)
    font.flavor = "woff"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _harfbuzz_subset(
    path: str, codepoints: Iterable[int], *, every_feature: bool = False, drop: Sequence[str] = ()
) -> TTFont:
    """The font file at ``path`` subset by HarfBuzz to ``codepoints``, read lazily by fontTools
    (so that saving it copies every table it does not touch as it is)."""
    import uharfbuzz as hb

    wanted = hb.SubsetInput()
    wanted.unicode_set.update(codepoints)
    if every_feature:  # every layout feature, not HarfBuzz's default few
        wanted.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG).invert()
    dropped = wanted.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in drop:
        dropped.add(int.from_bytes(tag.encode("ascii"), "big"))
    subset = hb.subset(hb.Face(hb.Blob.from_file_path(path)), wanted)
    if subset is None:
        raise FontNotFoundError(f"HarfBuzz could not subset the font {path}")
    return TTFont(io.BytesIO(subset.blob.data), lazy=True, recalcTimestamp=False)


def _font_cache_folder() -> Path:
    """``ANALYSIS_FONT_CACHE``, else ``fonts/`` of the cache folder (``ANALYSIS_CACHE``, else
    ``.cache/``): faces made from the machine's fonts, which any corpus can share."""
    fonts = os.environ.get(FONT_CACHE_ENV_VAR)
    if fonts:
        return Path(fonts)
    override = os.environ.get("ANALYSIS_CACHE")
    return (Path(override) if override else PROJECT_ROOT / ".cache") / "fonts"


@lru_cache(maxsize=8)
def _common_face(path: str, size: int, mtime_ns: int, family: str) -> str | None:
    return _cached_face(
        path, size, mtime_ns, kind=COMMON_FACE_SUFFIX.lower(), holds="",
        name=f"{family} {COMMON_FACE_SUFFIX}",
        build=lambda name: _subset_common(path, name),
    )


def _cached_face(
    path: str, size: int, mtime_ns: int, *, kind: str, holds: str, name: str,
    build: Callable[[str], bytes],
) -> str | None:
    """Register the face ``kind`` of the font at ``path`` (``build(name)`` gives its bytes),
    building it only when the font cache lacks it: once, under a lock, so that processes
    starting together (figure workers, notebook kernels) build it once. Its file name holds a
    key of the font file, what the face holds and the HarfBuzz version; ``name`` may use the
    key (``{key}``). ``None`` when HarfBuzz is absent, the font unreadable or the folder not
    writable."""
    try:
        import uharfbuzz as hb
    except ImportError:
        return None
    key = hashlib.sha256(
        f"{COMMON_FACE_FORMAT}\0{path}\0{size}\0{mtime_ns}\0{hb.__version__}\0{holds}".encode()
    ).hexdigest()[:32]
    target = _font_cache_folder() / f"{Path(path).stem}-{kind}-{key}.ttf"
    name = name.format(key=key[:12])
    try:
        if not target.is_file():
            from filelock import FileLock

            target.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(f"{target}.lock"):
                if not target.is_file():
                    data = build(name)
                    atomic_write(target, lambda tmp: tmp.write_bytes(data))
        registered = register_font_file(target)
    except Exception:  # a font HarfBuzz cannot read, a folder that cannot be written
        return None
    return registered if registered == name else None


def _subset_common(path: str, name: str) -> bytes:
    return _subset_truetype(path, common_codepoints(), name)


def _subset_truetype(path: str, codepoints: Iterable[int], name: str) -> bytes:
    """The font at ``path`` cut to ``codepoints``, renamed ``name`` (PostScript name kept), with
    TrueType outlines."""
    # matplotlib uses neither the OpenType layout nor the vertical tables
    drop = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx", "kern")
    font = _harfbuzz_subset(path, codepoints, drop=drop)
    names = font["name"]  # only the name table changes
    for name_id in (1, 16):
        names.setName(name, name_id, 3, 1, 0x409)
        names.setName(name, name_id, 1, 0, 0)
    names.removeNames(nameID=17)
    names.setName("Regular", 2, 3, 1, 0x409)
    if "CFF " in font:
        font = truetype_outlines(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def truetype_outlines(font: TTFont) -> TTFont:
    """``font`` (PostScript/CFF outlines) with TrueType outlines instead: each cubic curve
    becomes quadratic curves within :data:`MAX_OUTLINE_ERROR` font units (fontTools' cu2qu),
    with the tables a TrueType font needs (``glyf``, ``loca``, ``maxp`` 1.0, ``post`` with glyph
    names), as fontTools' own ``otf2ttf`` converts. HarfBuzz reads the outlines (its CFF
    interpreter is compiled; fontTools' is Python). Advance widths and metrics are unchanged.
    """
    import uharfbuzz as hb
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    source = io.BytesIO()
    font.save(source)
    reader = hb.Font(hb.Face(hb.Blob(source.getvalue())))  # scaled in font units
    head = font["head"]
    # the font's own bounding box, as matplotlib and a PDF's FontBBox read it, not the subset's
    bbox = (head.xMin, head.yMin, head.xMax, head.yMax)
    order = font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for glyph_id, name in enumerate(order):
        pen = TTGlyphPen(None)
        # TrueType contours run clockwise, PostScript ones counter-clockwise
        quadratic = Cu2QuPen(pen, MAX_OUTLINE_ERROR, reverse_direction=True)
        reader.draw_glyph_with_pen(glyph_id, quadratic)
        glyph = glyf.glyphs[name] = pen.glyph()
        if not hasattr(glyph, "xMin"):  # an empty glyph (a space) has an empty box
            glyph.xMin = glyph.yMin = glyph.xMax = glyph.yMax = 0
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    metrics = font["hmtx"]
    for name, glyph in glyf.glyphs.items():  # the left side bearing of a glyph is its xMin
        metrics[name] = (metrics[name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.numGlyphs = len(order)
    maxp.recalc(font)  # points and contours, as saving would with recalcBBoxes
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = False
    head.xMin, head.yMin, head.xMax, head.yMax = bbox
    return font


def find_system_cjk_font() -> ResolvedFont | None:
    """An installed font covering common Chinese, preferring the families listed above."""
    entries = {}
    for entry in font_manager.fontManager.ttflist:
        # Prefer the regular face of each family; other weights only if it is absent.
        best = entries.get(entry.name)
        if best is None or abs(entry.weight - 400) < abs(best.weight - 400):
            entries[entry.name] = entry
    by_lower_name = {name.lower(): entry for name, entry in entries.items()}
    preferred = [by_lower_name[name.lower()] for name in PREFERRED_SYSTEM_FAMILIES
                 if name.lower() in by_lower_name]
    hinted = [entry for name, entry in sorted(by_lower_name.items())
              if any(hint in name for hint in CJK_NAME_HINTS) and entry not in preferred]
    for entry in [*preferred, *hinted]:
        if not _missing_from(CJK_PROBE, [(entry.fname, entry.index)]):
            return ResolvedFont(entry.name, Path(entry.fname), "system")
    return None


def missing_characters(
    texts: Iterable[str], font_files: Sequence[tuple[str | Path, int]] | None = None
) -> list[str]:
    """Characters in ``texts`` that none of ``font_files`` can draw, in first-seen order.

    ``font_files`` are (path, face index) pairs; by default the project's font stack (the
    resolved CJK font and the Latin fallback), as matplotlib would pick them.
    """
    if isinstance(texts, str):
        texts = [texts]
    if font_files is None:
        properties = font_manager.FontProperties(family=font_stack())
        font_files = font_files_for(properties)
    return _missing_from("".join(texts), font_files)


def characters_from_cff_fonts(
    text: str, font_files: Sequence[tuple[str | Path, int]]
) -> dict[tuple[str, int], str]:
    """The characters of ``text`` that would be drawn from a font with PostScript (CFF)
    outlines, by font file ((path, face index): characters), given ``font_files`` in
    matplotlib's fallback order. With the common face (TrueType) first in the stack these are
    the rare characters outside it (镕 of 朱镕基)."""
    maps = [(_codepoints(os.fspath(path), index), (os.fspath(path), index))
            for path, index in font_files]
    found: dict[tuple[str, int], str] = {}
    for ch in dict.fromkeys(text):
        if ch in _NOT_DRAWN:
            continue
        drawn_by = next((font for cmap, font in maps if ord(ch) in cmap), None)
        if drawn_by is not None and _has_cff_outlines(*drawn_by):
            found[drawn_by] = found.get(drawn_by, "") + ch
    return found


def supplement_face(path: str, index: int, characters: str) -> str | None:
    """The family name of a TrueType face holding just ``characters`` of the CFF font at
    ``path``, registered with matplotlib (built in milliseconds and cached like the common
    face); ``None`` where it cannot be built. matplotlib embeds fonts in a PDF as TrueType, which
    a CFF font is not (matplotlib#2869), and its Type 3 output fails on CJK glyph numbers, so a
    PDF draws such characters from this face instead."""
    if index != 0:
        return None  # a face of a collection: HarfBuzz would have to be told which
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return _supplement_face(path, stat.st_size, stat.st_mtime_ns, "".join(sorted(characters)))


@lru_cache(maxsize=64)
def _supplement_face(path: str, size: int, mtime_ns: int, characters: str) -> str | None:
    return _cached_face(
        path, size, mtime_ns, kind="extra", holds=characters,
        name=f"{Path(path).stem} Extra {{key}}",
        build=lambda name: _subset_truetype(path, [ord(ch) for ch in characters], name),
    )


@cache
def _has_cff_outlines(path: str, index: int) -> bool:
    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            return "CFF " in font or "CFF2" in font
    except Exception:  # not a font fontTools reads: matplotlib embeds it as it can
        return False


def require_glyphs(texts: Iterable[str], *, where: str = "the labels") -> None:
    """Raise MissingGlyphError listing every character of ``texts`` the font stack cannot draw."""
    if isinstance(texts, str):
        texts = [texts]
    missing = missing_characters(texts)
    if missing:
        raise missing_glyph_error(missing, where=where, fonts=font_stack())


def missing_glyph_error(
    missing: Sequence[str], *, where: str, fonts: Sequence[str]
) -> MissingGlyphError:
    """The error for characters no font can draw, naming each by code point and Unicode name."""
    listed = ", ".join(f"{ch!r} U+{ord(ch):04X} {_describe(ch)}" for ch in missing)
    return MissingGlyphError(
        f"no font can draw {len(missing)} character(s) in {where}: {listed} (fonts tried: "
        f"{', '.join(fonts)}). Remove or replace these characters, or set {FONT_ENV_VAR} to a "
        "font file that covers them; matplotlib would otherwise draw boxes.",
        missing,
    )


def _describe(ch: str) -> str:
    if unicodedata.category(ch) == "Co":
        # Common in text extracted from PDFs whose fonts map glyphs to private code points.
        return "private-use character"
    return unicodedata.name(ch, "no Unicode name")


def font_files_for(properties: font_manager.FontProperties) -> list[tuple[str, int]]:
    """The (path, face index) pairs matplotlib renders ``properties`` with, in fallback order."""
    # The private lookup is exactly what the renderers use (family fallback included); the
    # public findfont gives only the first font, which would miss fallback coverage.
    find_all = getattr(font_manager.fontManager, "_find_fonts_by_props", None)
    if find_all is None:  # pragma: no cover - older or newer matplotlib without it
        return [(font_manager.findfont(properties), 0)]
    return [_as_path_and_index(found) for found in find_all(properties)]


def _as_path_and_index(found) -> tuple[str, int]:
    # matplotlib >= 3.11 returns FontPath(path, index); older versions plain paths.
    if isinstance(found, str | os.PathLike):
        return os.fspath(found), 0
    path, index = found
    return os.fspath(path), int(index)


@lru_cache(maxsize=8)
def _resolve(setting: str | None) -> ResolvedFont:
    if setting is not None:
        return _resolve_setting(setting)
    packaged = packaged_font_path()
    if packaged is not None:
        return ResolvedFont(register_font_file(packaged), packaged, "mplfonts")
    system = find_system_cjk_font()
    if system is not None:
        return system
    raise FontNotFoundError(
        "no font that draws Chinese was found: reinstall the project's dependencies "
        "(`pip install -e .` brings mplfonts with Noto Sans CJK SC), install a Chinese font such "
        f"as Noto Sans CJK SC, or set {FONT_ENV_VAR} to the path of a .ttf/.otf font file"
    )


def _resolve_setting(setting: str) -> ResolvedFont:
    fix = (
        f"set {FONT_ENV_VAR} to the path of a .ttf/.otf/.ttc font file that covers Chinese "
        f"(e.g. {packaged_font_path() or 'NotoSansCJKsc-Regular.otf'}) or to an installed family "
        f"such as {PREFERRED_SYSTEM_FAMILIES[0]!r}, or unset it to use the packaged font"
    )
    if _looks_like_path(setting):
        try:
            family = register_font_file(setting)
        except FontNotFoundError as error:
            raise FontNotFoundError(f"{FONT_ENV_VAR}={setting!r}: {error}; {fix}") from None
    else:
        packaged = packaged_font_path()
        if packaged is not None:  # so the packaged family name works on any machine
            register_font_file(packaged)
        entry = _installed_entry(setting)
        if entry is None:
            raise FontNotFoundError(
                f"{FONT_ENV_VAR}={setting!r} is neither an existing font file nor a font family "
                f"matplotlib knows; {fix}"
            )
        family = entry.name
    # Report the file matplotlib will actually draw with (a family may have several files).
    files = font_files_for(font_manager.FontProperties(family=family))
    missing = _missing_from(CJK_PROBE, files)
    if missing:
        raise FontNotFoundError(
            f"{FONT_ENV_VAR}={setting!r} selects the font {family!r}, which cannot draw Chinese "
            f"(missing {''.join(missing)}); {fix}"
        )
    return ResolvedFont(family, Path(files[0][0]), "ANALYSIS_FONT")


def _looks_like_path(setting: str) -> bool:
    return (
        "/" in setting
        or "\\" in setting
        or setting.lower().endswith(FONT_FILE_SUFFIXES)
        or Path(setting).expanduser().exists()
    )


def _installed_entry(family: str):
    wanted = family.casefold()
    matches = [e for e in font_manager.fontManager.ttflist if e.name.casefold() == wanted]
    return min(matches, key=lambda e: abs(e.weight - 400), default=None)


def _missing_from(text: str, font_files: Sequence[tuple[str | Path, int]]) -> list[str]:
    maps = [_codepoints(os.fspath(path), index) for path, index in font_files]
    missing = {}
    for ch in text:
        if ch not in _NOT_DRAWN and not any(ord(ch) in cmap for cmap in maps):
            missing[ch] = None
    return list(missing)


@cache
def _codepoints(path: str, index: int) -> frozenset[int]:
    """The code points a font file maps to glyphs (read once per file and face)."""
    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            cmap = font["cmap"].getBestCmap() or {}
    except Exception:  # an unreadable font covers nothing; the caller reports what is missing
        return frozenset()
    return frozenset(cmap)
