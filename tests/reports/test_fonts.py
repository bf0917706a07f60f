"""Finding and registering the CJK font."""

from __future__ import annotations

import warnings

import pytest
from reportlab.pdfbase import pdfmetrics

from audit_workbench.reports import fonts


def test_the_font_in_use_is_registered_and_has_chinese(cjk_font) -> None:
    assert cjk_font.name in pdfmetrics.getRegisteredFontNames()
    if cjk_font.embedded:
        assert cjk_font.path is not None and cjk_font.path.is_file()
        face = pdfmetrics.getFont(cjk_font.name).face
        assert all(ord(ch) in face.charToGlyph for ch in "商品售后服务评价体系")
    assert cjk_font.describe()


def test_registration_happens_once(cjk_font) -> None:
    assert fonts.register_cjk_font() == cjk_font


def test_an_explicit_path_is_used_first(cjk_font) -> None:
    if cjk_font.path is None:
        pytest.skip("no CJK TrueType font on this machine to point at")
    fonts.register_cjk_font.cache_clear()
    try:
        chosen = fonts.register_cjk_font(str(cjk_font.path))
        assert chosen.path == cjk_font.path and chosen.embedded
    finally:
        fonts.register_cjk_font.cache_clear()


def test_an_unusable_explicit_path_warns_and_falls_back_to_the_search(tmp_path) -> None:
    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"this is not a font")
    fonts.register_cjk_font.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            chosen = fonts.register_cjk_font(str(bogus))
        messages = [str(w.message) for w in caught if issubclass(w.category, fonts.CJKFontWarning)]
        assert any("cannot be used" in m and str(bogus) in m for m in messages)
        assert chosen.path != bogus
    finally:
        fonts.register_cjk_font.cache_clear()


def test_candidate_paths_cover_the_usual_places() -> None:
    paths = [str(p) for p in fonts.candidate_paths()]
    assert paths and all(p.endswith((".ttf", ".ttc")) for p in paths)
