"""The CJK font of every document: found on the system, registered with reportlab once, embedded.

ReportLab embeds (a subset of) TrueType fonts only, so the search accepts ``.ttf`` and ``.ttc``
files with TrueType outlines that hold Chinese glyphs; OpenType/CFF files (Noto CJK ``.otf``) are
tried and skipped. A path from the settings comes first, then the usual places on Windows, macOS
and Linux. With none, the documents fall back to ReportLab's built-in CID font ``STSong-Light``,
which a PDF reader must supply itself (not embedded), and a warning says so.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FALLBACK_CID_FONT = "STSong-Light"
_PROBE = "证书认证"  # glyphs a usable font must have


class CJKFontWarning(UserWarning):
    """No embeddable CJK font was found (or the one in the settings cannot be used)."""


@dataclass(frozen=True)
class FontChoice:
    """The font the documents are set in."""

    name: str  # the reportlab font name to pass to setFont / ParagraphStyle
    path: Path | None  # None for the built-in CID fallback
    subfont_index: int
    embedded: bool
    has_star_glyph: bool  # whether ★ can be set as text; otherwise it is drawn

    def describe(self) -> str:
        if self.path is None:
            return f"{self.name} (built-in CID font, not embedded)"
        index = f" #{self.subfont_index}" if self.path.suffix.lower() == ".ttc" else ""
        return f"{self.name} from {self.path}{index}"


# Ordered by preference within each system: formal Song/Hei faces with TrueType outlines first.
_WINDOWS = (
    "msyh.ttc",  # Microsoft YaHei
    "msyh.ttf",
    "simhei.ttf",
    "simsun.ttc",
    "Deng.ttf",
    "simkai.ttf",
    "msjh.ttc",
)
_MACOS = (
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/Library/Fonts/Songti.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)
_LINUX = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
_USER_DIRS = ("~/.local/share/fonts", "~/.fonts", "~/Library/Fonts")
_USER_NAMES = (
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "msyh.ttc",
    "simhei.ttf",
    "simsun.ttc",
    "SourceHanSansSC-Regular.ttf",
)


def candidate_paths() -> list[Path]:
    """Where a CJK font is looked for on this system, best first."""
    out: list[Path] = []
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        local = Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"
        for name in _WINDOWS:
            out += [windir / name, local / name]
    elif sys.platform == "darwin":
        out += [Path(p) for p in _MACOS]
    else:
        out += [Path(p) for p in _LINUX]
    for folder in _USER_DIRS:
        out += [Path(folder).expanduser() / name for name in _USER_NAMES]
    return out


def _subfont_indices(path: Path) -> range:
    # A .ttc collection holds several faces; the first one with Chinese glyphs wins.
    return range(4) if path.suffix.lower() == ".ttc" else range(1)


def _try_load(path: Path) -> tuple[TTFont, int] | None:
    if not path.is_file():
        return None
    for index in _subfont_indices(path):
        name = f"AWB-CJK-{_slug(path.stem)}-{index}"
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except (TTFError, OSError, ValueError, KeyError, IndexError):
            continue  # CFF outlines, a broken file, or no such face in the collection
        cmap = font.face.charToGlyph
        if all(ord(ch) in cmap for ch in _PROBE):
            return font, index
    return None


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text)[:40]


# Chinese punctuation that must not start a line (避头点). ReportLab's CJK line breaker knows the
# Japanese set but not the full-width comma, semicolon, colon, ! and ? or the closing quotes and
# brackets used in Chinese, so "，" would begin lines. Extend its table once, before any wrapping.
_CANNOT_START_ZH = "\uff0c\uff1b\uff1a\uff01\uff1f\u201d\u2019\u300b\u3009\uff3d\uff5d\u2026"


def _enable_chinese_line_breaking() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):  # paragraph holds its own copy of the name
        missing = "".join(ch for ch in _CANNOT_START_ZH if ch not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing


def _register_family(name: str) -> None:
    # CJK faces rarely ship a bold: map every style to the one face so <b> in a paragraph still works.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)


@functools.lru_cache(maxsize=8)
def register_cjk_font(explicit_path: str | None = None) -> FontChoice:
    """Register the CJK font with reportlab (once per process and path) and say which it is."""
    _enable_chinese_line_breaking()
    if explicit_path:
        path = Path(explicit_path).expanduser()
        loaded = _try_load(path)
        if loaded is None:
            warnings.warn(
                f"the CJK font in the settings ({path}) cannot be used: it is missing, not TrueType, "
                "or has no Chinese glyphs; looking for another",
                CJKFontWarning,
                stacklevel=2,
            )
    else:
        loaded = None
    if loaded is None:
        for path in candidate_paths():
            loaded = _try_load(path)
            if loaded is not None:
                break
    if loaded is not None:
        font, index = loaded
        if font.fontName not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(font)
            _register_family(font.fontName)
        return FontChoice(
            name=font.fontName,
            path=path,
            subfont_index=index,
            embedded=True,
            has_star_glyph=ord("★") in font.face.charToGlyph,
        )
    warnings.warn(
        "no CJK TrueType font found (install e.g. fonts-wqy-microhei, or set a font path in the "
        f"settings); using the built-in CID font {FALLBACK_CID_FONT}, which is not embedded in the PDF",
        CJKFontWarning,
        stacklevel=2,
    )
    if FALLBACK_CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
        _register_family(FALLBACK_CID_FONT)
    return FontChoice(FALLBACK_CID_FONT, None, 0, embedded=False, has_star_glyph=False)
