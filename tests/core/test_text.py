"""The one text rule (core.text): what a stored text may hold, and how an old one is shown safely."""

from __future__ import annotations

import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audit_workbench.core.text import TextError, clean, printable, terminal

BAD = [
    "\x00",
    "\x07",
    "\x1b[31m",  # a terminal escape
    "\x7f",
    "\x9b",  # the one-byte CSI
    "\u202e",  # right-to-left override
    "\u202a",
    "\u2066",  # left-to-right isolate
    "\u2069",
    "\u200f",  # right-to-left mark
    "\ud800",  # a lone surrogate
    "\uffff",
]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("multiline", [False, True])
def test_control_and_direction_characters_are_refused_naming_the_field(bad: str, multiline: bool) -> None:
    with pytest.raises(TextError) as caught:
        clean(f"某某电器{bad}有限公司", "the organisation name", "组织名称", limit=200, multiline=multiline)
    assert caught.value.code == "bad_text"
    assert "the organisation name" in str(caught.value) and f"U+{ord(bad[0]):04X}" in str(caught.value)
    assert caught.value.zh.startswith("组织名称含有")


@pytest.mark.parametrize("text", ["第一行\n第二行", "列\t值"])
def test_tab_and_newline_only_in_a_multi_line_field(text: str) -> None:
    assert clean(text, "a note", "说明", limit=4000, multiline=True) == text
    with pytest.raises(TextError) as caught:
        clean(text, "the address", "地址", limit=300)
    assert "one line" in str(caught.value) and caught.value.zh == "地址只能为一行（不能含制表符或换行）"


def test_a_carriage_return_is_a_newline_in_a_multi_line_field() -> None:
    assert clean("一\r\n二\r三", "a note", "说明", limit=4000, multiline=True) == "一\n二\n三"


def test_length_and_emptiness() -> None:
    assert clean("  名称  ", "the name", "名称", limit=4) == "名称"
    with pytest.raises(TextError) as long:
        clean("x" * 201, "the organisation name", "组织名称", limit=200)
    assert (
        long.value.code == "too_long"
        and "200" in str(long.value)
        and "组织名称超过 200 个字符" in long.value.zh
    )
    with pytest.raises(TextError) as empty:
        clean("  ", "the scope", "认证范围", limit=4000)
    assert empty.value.code == "missing_value" and empty.value.zh == "认证范围不能为空"
    assert clean(None, "the contact", "联系人", limit=200, required=False) == ""


def test_ordinary_text_is_kept() -> None:
    text = "青岛海岳电器制造有限公司 (Qingdao) — “五星级” №1 ½ é"
    assert clean(text, "the organisation name", "组织名称", limit=200) == text


def test_printable_makes_any_stored_text_safe_for_an_xlsx_cell() -> None:
    every = "".join(chr(i) for i in range(0x20)) + "\x7f\x9b\u202e\u2066\ufffe"
    safe = printable("名称" + every)
    assert not ILLEGAL_CHARACTERS_RE.search(safe)
    assert "\u202e" not in safe and "\x9b" not in safe
    assert safe.startswith("名称") and "\t" in safe and "\n" in safe  # XML holds tab and newline
    assert printable("ordinary 文字") == "ordinary 文字"


def test_terminal_writes_controls_as_visible_escapes() -> None:
    assert terminal("红\x1b[31m字\u202e") == "红\\x1b[31m字\\u202e"
    assert terminal("a\nb\tc") == "a\nb\tc"
    assert terminal("\x9b2J") == "\\x9b2J"
