"""Saving figures: the only place a figure is written to disk.

:func:`save_figure` writes PNG, PDF and SVG with the export settings of
:mod:`analysis.plots.style` (CJK font embedded as a subset TrueType/CID font in PDF; text as paths
in SVG), under a file name made safe from any document id, atomically, without closing or
changing the figure. Before writing it checks every piece of text against the fonts' character
maps and turns matplotlib's "Glyph … missing from font(s)" warnings into
:class:`~analysis.plots.fonts.MissingGlyphError`, so no file ever shows a box for a character.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sys
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Literal

import matplotlib as mpl
from matplotlib import cbook
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from analysis.config.paths import safe_child, temporary_beside
from analysis.errors import InputError
from analysis.plots.fonts import (
    characters_from_cff_fonts,
    font_files_for,
    font_stack,
    missing_characters,
    missing_glyph_error,
    supplement_face,
)
from analysis.plots.style import EXPORT_DPI, export_rc_params

FigureFormat = Literal["png", "pdf", "svg"]
SUPPORTED_FORMATS: tuple[FigureFormat, ...] = ("png", "pdf", "svg")
# A figure PDF with a subset font is tens of kilobytes; megabytes mean an embedded full font,
# an unrasterised cloud of points or a huge image.
MAX_PDF_BYTES = 2 * 1024 * 1024
# File systems allow 255 bytes per name; leave room for the extension and the temporary suffix.
MAX_NAME_BYTES = 180
MIN_DPI, MAX_DPI = 72, 1200

# Dates left out so that saving the same figure twice gives identical files.
_SAVE_METADATA: dict[str, dict[str, None]] = {
    "png": {},
    "pdf": {"CreationDate": None},
    "svg": {"Date": None},
}
# Where each format keeps a run id: a PNG text chunk, the PDF Info dictionary's Subject, the SVG
# Dublin Core identifier (the keys each backend of matplotlib accepts).
RUN_ID_KEYS: dict[str, str] = {"png": "Run-ID", "pdf": "Subject", "svg": "Identifier"}
_RUN_ID = re.compile(r"^[\w.:-]{1,80}$")
_WINDOWS_FORBIDDEN = frozenset('<>:"/\\|?*')
# Control, format (e.g. bidirectional overrides), surrogate and line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{d}{i}" for d in ("COM", "LPT") for i in range(1, 10)}
)
_GLYPH_WARNING = re.compile(r"^Glyph (\d+) \(.*\) missing from font\(s\)")


class FigureSizeWarning(UserWarning):
    """An exported figure file is much larger than a figure file should be."""


def _sanitised(name: str) -> str:
    """The character rules of :func:`safe_figure_name`, without its length limit."""
    if not isinstance(name, str):
        raise TypeError(f"figure name must be a string, got {type(name).__name__}")
    normalised = unicodedata.normalize("NFC", name)
    pieces: list[str] = []
    for ch in normalised:
        unsafe = ch in _WINDOWS_FORBIDDEN or unicodedata.category(ch) in _UNSAFE_CATEGORIES
        if not unsafe:
            pieces.append(ch)
        elif not pieces or pieces[-1] != "_":
            pieces.append("_")
    safe = "".join(pieces).strip(" ._")
    if not safe:
        raise InputError(
            f"figure name {name!r} has no usable characters: give a name such as 'slogan_counts'"
        )
    if safe.split(".")[0].rstrip().upper() in _WINDOWS_RESERVED:
        safe += "_"
    return safe


def safe_figure_name(name: str) -> str:
    """``name`` as a file name (without extension) that is safe on every operating system.

    Chinese and other letters are kept. Runs of path separators, control characters and
    characters Windows forbids (``<>:"/\\|?*``) become ``_``; dots, spaces and ``_`` are trimmed
    from both ends (so ``..`` cannot climb); Windows device names (``CON``, ``NUL``…) get a
    trailing ``_``. An empty result or one longer than 180 UTF-8 bytes is an error.

    >>> safe_figure_name("民主集中制:2007")
    '民主集中制_2007'
    >>> safe_figure_name("../x")
    'x'
    """
    safe = _sanitised(name)
    size = len(safe.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        raise InputError(
            f"figure name {name[:40]!r}… is {size} bytes long in UTF-8: use a name of at most "
            f"{MAX_NAME_BYTES} bytes (about {MAX_NAME_BYTES // 3} Chinese characters)"
        )
    return safe


def fitted_figure_name(name: str) -> str:
    """:func:`safe_figure_name`, shortened where that would be too long, for names built from
    data (a document id or metadata value of any length).

    A name over 180 UTF-8 bytes keeps its longest beginning that fits with ``_`` and the first
    8 hex digits of the SHA-256 of the whole name appended, so two long names that start alike
    stay distinct and the same name always gives the same file.

    >>> fitted_figure_name("keyness_" + "长" * 70)[-12:]
    '长长长_dc26c1fa'
    """
    if not isinstance(name, str):
        raise TypeError(f"figure name must be a string, got {type(name).__name__}")
    if len(_sanitised(name).encode("utf-8")) <= MAX_NAME_BYTES:
        return safe_figure_name(name)
    suffix = "_" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    head = name
    while len(_sanitised(head).encode("utf-8")) + len(suffix) > MAX_NAME_BYTES:
        head = head[: max(1, len(head) * 9 // 10)] if len(head) > 400 else head[:-1]
    return safe_figure_name(_sanitised(head) + suffix)


def check_glyphs(fig: Figure) -> None:
    """Raise MissingGlyphError if any text of ``fig`` would be drawn with a box.

    Draws the figure once without output (so tick labels and legends exist), failing on
    matplotlib's missing-glyph warnings, then checks every visible text against the character
    maps of the fonts it is drawn with. The second check catches what the first cannot:
    matplotlib warns only the first time a font meets a character.
    """
    _require_figure(fig)
    # Under the export settings, as save_figure draws: labels created now get the CJK font.
    with mpl.rc_context(export_rc_params()), _recording_missing_glyphs() as warned:
        fig.draw_without_rendering()
    _check_drawn_glyphs(fig, warned)


def _check_drawn_glyphs(fig: Figure, warned: Sequence[str]) -> None:
    """:func:`check_glyphs` after the drawing: ``warned`` holds the characters matplotlib warned
    about while drawing ``fig``."""
    missing = dict.fromkeys(warned)
    offending: list[str] = []
    for _, content, font_files in _drawn_texts(fig):
        lacking = missing_characters(content, font_files)
        if lacking or any(ch in content for ch in warned):
            missing.update(dict.fromkeys(lacking))
            offending.append(content)
    if missing:
        quoted = ", ".join(repr(text[:30]) for text in offending[:3]) or "(unknown)"
        raise missing_glyph_error(
            list(missing), where=f"the figure's text {quoted}", fonts=font_stack()
        )


class SavedFiles(list):
    """The files :func:`save_figure` wrote (a list of paths), shown as where it wrote them."""

    def __repr__(self) -> str:
        if not self:
            return "saved nothing"
        folder = self[0].parent
        names = ", ".join(p.name for p in self)
        return f"saved {names} in {folder}"

    __str__ = __repr__


def _target(name: str, folder: str | Path | None, formats) -> tuple[Path, str, object]:
    """The folder, file stem and formats of a save: ``name`` is a path (like
    ``Figure.savefig``'s) when it has a folder or a known extension and ``folder`` is not given,
    else a name in ``folder`` (default ``figures``)."""
    text = str(name) if isinstance(name, Path) else name
    if not isinstance(text, str):
        raise TypeError(f"figure name must be a string or path, got {type(name).__name__}")
    as_path = Path(text)
    extension = as_path.suffix.lower().lstrip(".")
    is_path = folder is None and (
        isinstance(name, Path) or as_path.parent != Path(".") or extension in SUPPORTED_FORMATS
    )
    if not is_path:
        return (
            Path(folder if folder is not None else "figures"),
            _drop_known_extension(text),
            formats,
        )
    if formats is None and extension in SUPPORTED_FORMATS:
        formats = (extension,)  # as savefig: the extension says the format
    return as_path.parent, _drop_known_extension(as_path.name), formats


def save_figure(
    fig: Figure,
    name: str | Path,
    *,
    folder: str | Path | None = None,
    formats: Sequence[FigureFormat] | None = None,
    dpi: float = EXPORT_DPI,
    run_id: str | None = None,
) -> SavedFiles:
    """Write ``fig`` as PNG, PDF and SVG; return the paths (shown as where they were written).

    ``name`` is either

    * a path, as ``Figure.savefig`` takes one (``"paper/fig1.pdf"``, ``"/tmp/trends"``), when it
      names a folder or ends in ``.png``/``.pdf``/``.svg`` and ``folder`` is not given: the
      files go into that folder (created if needed); an extension alone chooses the format,
      unless ``formats`` is given; or
    * a name in ``folder`` (default ``figures``), made safe from any document id (see
      :func:`safe_figure_name`; a name with ``/`` stays inside ``folder``); a trailing
      ``.png``, ``.pdf`` or ``.svg`` is dropped.

    ``formats`` defaults to all three. ``dpi`` applies to PNG (and to any raster parts of PDF
    and SVG). ``run_id`` (letters, digits, ``_.:-``) is written into each file's metadata
    (:data:`RUN_ID_KEYS`: PNG ``Run-ID``, PDF ``Subject``, SVG ``dc:identifier``), tying the file
    to its run's ``manifest.json``; without it the file is the same bytes at every save.
    Raises MissingGlyphError before writing anything if some text cannot be drawn; warns with
    FigureSizeWarning when a PDF exceeds 2 MB. The figure stays open and unchanged.
    """
    _require_figure(fig)
    target_folder, stem_name, formats = _target(name, folder, formats)
    chosen = _normalise_formats(SUPPORTED_FORMATS if formats is None else formats)
    _require_dpi(dpi)
    if run_id is not None and (not isinstance(run_id, str) or not _RUN_ID.match(run_id)):
        raise InputError(
            f"run_id {run_id!r}: use letters, digits and '_.:-' only (at most 80), e.g. the "
            "run_id of manifest.json"
        )
    stem = safe_figure_name(stem_name)
    targets = [safe_child(target_folder, f"{stem}.{fmt}") for fmt in chosen]
    with mpl.rc_context(export_rc_params()):
        written = SavedFiles(_write_all(fig, dict(zip(chosen, targets, strict=True)), dpi, run_id))
    for path in written:
        if path.suffix == ".pdf" and path.stat().st_size > MAX_PDF_BYTES:
            warnings.warn(
                f"{path} is {path.stat().st_size / 1024 / 1024:.1f} MB, above the "
                f"{MAX_PDF_BYTES // 1024 // 1024} MB expected of a figure: rasterise dense "
                "artists (rasterized=True on scatter or image layers), plot fewer points, or "
                "check that pdf.fonttype is 42 so fonts are subset",
                FigureSizeWarning,
                stacklevel=2,
            )
    return written


def _write_all(
    fig: Figure, targets: dict[FigureFormat, Path], dpi: float, run_id: str | None
) -> list[Path]:
    """Write each format into a temporary file beside its target, check the figure's text once
    it has been drawn for the first format (:func:`check_glyphs` without a drawing of its own:
    one drawing fewer per save), then move every file into place. An error while writing or
    checking, a box included, removes the temporary files before any target is replaced.

    The PDF is written last, once the figure has been drawn (a PDF alone is drawn once without
    output first), so that texts with characters only a CFF font has draw them from a TrueType
    face (:func:`_truetype_fonts_only`)."""
    staged: dict[FigureFormat, Path] = {}
    drawn = False
    try:
        for fmt in sorted(targets, key=lambda f: f == "pdf"):
            tmp = staged[fmt] = temporary_beside(targets[fmt])
            metadata: dict[str, str | None] = dict(_SAVE_METADATA[fmt])
            if run_id is not None:
                metadata[RUN_ID_KEYS[fmt]] = run_id
            if fmt == "pdf" and not drawn:
                with _recording_missing_glyphs() as warned:
                    fig.draw_without_rendering()
                _check_drawn_glyphs(fig, warned)
                drawn = True
            with (
                _truetype_fonts_only(fig) if fmt == "pdf" else nullcontext(),
                _recording_missing_glyphs() as warned,
                _layout_kept(fig) if drawn else nullcontext(),
            ):
                fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata)
            if not drawn:
                _check_drawn_glyphs(fig, warned)
                drawn = True
            elif warned:
                where = f"the {fmt.upper()} export"
                raise missing_glyph_error(warned, where=where, fonts=font_stack())
        for fmt, tmp in staged.items():
            os.replace(tmp, targets[fmt])
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    return list(targets.values())


def _drawn_texts(fig: Figure) -> list[tuple[Text, str, list[tuple[str, int]]]]:
    """Each visible text of the drawn ``fig`` set in the font stack: the artist, its text and
    its font files in matplotlib's fallback order."""
    files_by_font: dict[FontProperties, list[tuple[str, int]]] = {}
    texts = []
    for text in fig.findobj(match=Text, include_self=False):
        content = text.get_text()
        if not content or not text.get_visible() or _is_typeset_elsewhere(text, content):
            continue
        properties = text.get_fontproperties()
        if properties not in files_by_font:
            files_by_font[properties] = font_files_for(properties)
        texts.append((text, content, files_by_font[properties]))
    return texts


@contextmanager
def _truetype_fonts_only(fig: Figure) -> Iterator[None]:
    """While the PDF is written, each text with characters only a CFF font draws (outside the
    common face) draws them from a TrueType face of those characters, put first in its font
    list; the texts get their own font properties back afterwards."""
    needing = []
    wanted: dict[tuple[str, int], str] = {}
    for text, content, font_files in _drawn_texts(fig):
        found = characters_from_cff_fonts(content, font_files)
        if found:
            needing.append((text, found))
            for font, chars in found.items():
                wanted[font] = "".join(dict.fromkeys(wanted.get(font, "") + chars))
    faces = {font: supplement_face(*font, chars) for font, chars in wanted.items()}
    restore = []
    for text, found in needing:
        extra = [faces[font] for font in found if faces[font]]
        if extra:
            properties = text.get_fontproperties()
            restore.append((text, properties))
            replaced = properties.copy()
            replaced.set_family([*extra, *properties.get_family()])
            text.set_fontproperties(replaced)
    try:
        yield
    finally:
        for text, properties in restore:
            text.set_fontproperties(properties)


@contextmanager
def _layout_kept(fig: Figure) -> Iterator[None]:
    """Keep the layout of the figure's last drawing: savefig runs the layout engine
    (constrained layout) in a drawing of its own before every export, and the layout does not
    depend on the format, so each format after the first is drawn once, not twice, and every
    format shows the same layout."""
    engine = fig.get_layout_engine()
    if engine is None:
        yield
        return
    fig.set_layout_engine("none")
    try:
        yield
    finally:
        fig.set_layout_engine(engine)


@contextmanager
def _recording_missing_glyphs() -> Iterator[list[str]]:
    """Collect the characters of matplotlib's missing-glyph warnings raised inside the block.

    The list is filled when the block ends; other warnings go on to the caller's filters.
    """
    missing: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield missing
    for record in caught:
        found = _GLYPH_WARNING.match(str(record.message))
        if found:
            if chr(int(found.group(1))) not in missing:
                missing.append(chr(int(found.group(1))))
        else:
            warnings.warn_explicit(
                record.message,
                record.category,
                record.filename,
                record.lineno,
                module=_module_of(record.filename),
                source=record.source,
            )


def _module_of(filename: str) -> str | None:
    # Re-emitted warnings keep their module, so filters such as "error::UserWarning:matplotlib.*"
    # (pyproject's pytest settings) still apply to them.
    for name, module in list(sys.modules.items()):
        if getattr(module, "__file__", None) == filename:
            return name
    return None


def _is_typeset_elsewhere(text: Text, content: str) -> bool:
    # TeX and mathtext ($...$) use their own math fonts, not the font stack.
    return bool(text.get_usetex()) or (text.get_parse_math() and cbook.is_math_text(content))


def _require_figure(fig: object) -> None:
    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {type(fig).__name__}")


def _require_dpi(dpi: object) -> None:
    if (
        isinstance(dpi, bool)
        or not isinstance(dpi, int | float)
        or not math.isfinite(dpi)
        or not MIN_DPI <= dpi <= MAX_DPI
    ):
        raise InputError(
            f"dpi must be a number from {MIN_DPI} to {MAX_DPI}, got {dpi!r}: journals usually ask "
            "for 300 (photos, plots) to 600 (line art)"
        )


def _normalise_formats(formats: Sequence[str] | str) -> list[FigureFormat]:
    if isinstance(formats, str):  # a single format, not its letters
        formats = (formats,)
    chosen: list[FigureFormat] = []
    for fmt in formats:
        key = fmt.lower().lstrip(".") if isinstance(fmt, str) else fmt
        if key not in SUPPORTED_FORMATS:
            raise InputError(
                f"unknown figure format {fmt!r}: use any of {', '.join(SUPPORTED_FORMATS)}"
            )
        if key not in chosen:
            chosen.append(key)
    if not chosen:
        raise InputError(f"no figure format given: use any of {', '.join(SUPPORTED_FORMATS)}")
    return chosen


def _drop_known_extension(name: str) -> str:
    if isinstance(name, str):
        for fmt in SUPPORTED_FORMATS:
            if name.lower().endswith(f".{fmt}"):
                return name[: -len(fmt) - 1]
    return name
