"""What the case search finds (core.casesearch): the rule itself, and the pinyin of names."""

from __future__ import annotations

import pytest

from audit_workbench.core.casesearch import fold, is_case_number_term, keys_fit, matches, pinyin_keys


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("杭州西湖电器有限公司", "hangzhouxihudianqiyouxiangongsi", "hzxhdqyxgs"),
        ("重庆长安汽车", "chongqingchanganqiche", "cqcaqc"),  # 重 and 长 read from their phrases
        ("长沙银行", "changshayinhang", "csyh"),
        ("六安绿源电动车", "luanlvyuandiandongche", "lalyddc"),  # ü written v, as keyboards take it
        ("TCL电器（中国）有限公司", "tcldianqizhongguoyouxiangongsi", "tcldqzgyxgs"),
        ("ＴＣＬ电器", "tcldianqi", "tcldq"),  # full-width letters made half-width
        ("3M 中国·售后", "3mzhongguoshouhou", "3mzgsh"),  # punctuation and spaces left out
        ("Straße 服务", "straefuwu", "straefw"),  # letters outside ASCII left out ("ß" is no pinyin)
        ("", "", ""),
    ],
)
def test_pinyin_keys(name: str, full: str, initials: str) -> None:
    assert pinyin_keys(name) == (full, initials)


def _finds(term: str, **values: str) -> bool:
    row = {"name": "", "credit_code": "", "case_no": "", "name_pinyin": "", "name_initials": ""}
    row.update(values)
    return matches(term, **row)


def test_a_term_is_found_in_any_of_the_five_values() -> None:
    assert _finds("西湖", name="杭州西湖电器")
    assert _finds("06MA", credit_code="91440606MA1BCDEF0X")  # anywhere in the code, not only its start
    assert _finds("-0001", case_no="AW2025-00012")
    assert _finds("hangzhou", name_pinyin="hangzhouxihudianqi")
    assert _finds("hzxh", name_initials="hzxhdq")
    assert not _finds("hzxh", name="杭州西湖电器")  # the name alone holds no pinyin
    assert _finds("  西湖 ", name="杭州西湖电器")  # trimmed
    assert _finds("", name="x") and _finds("   ")  # no term: everything


def test_ascii_case_is_ignored_and_nothing_else_is_folded() -> None:
    assert _finds("HZ", name_initials="hzxhdq")
    assert _finds("ma1b", credit_code="91440606MA1BCDEF0X")
    assert _finds("abc", name="ABC Appliance")
    assert not _finds("ünï", name="Ünïcödé")  # letters outside ASCII keep their case
    assert not _finds("strasse", name="Straße")
    assert fold("AbÇ") == "abÇ"


def test_wildcards_and_quotes_are_characters() -> None:
    assert _finds("100%", name="100% 满意")
    assert not _finds("100%", name="100 满意")
    assert not _finds("a_c", name="abc")
    assert _finds('"Hi"', name='Say "Hi"')


def test_a_case_number_term_finds_case_numbers_that_start_with_it() -> None:
    assert is_case_number_term("AW2025-00") and is_case_number_term("aw2025") and is_case_number_term("AW2")
    assert (
        not is_case_number_term("AW") and not is_case_number_term("AWX") and not is_case_number_term("2025-0")
    )
    assert _finds("aw2025-000", case_no="AW2025-00012")
    assert not _finds("AW2025", case_no="AW2024-00012", name="杭州AW2025电器")  # not in names
    assert _finds("2025-000", case_no="AW2025-00012")  # without AW: contained, anywhere


@pytest.mark.parametrize(
    "name",
    [
        "杭州西湖电器有限公司",
        "重庆长安汽车",
        "六安绿源电动车",
        "TCL电器（中国）有限公司",
        "ＴＣＬ电器",
        "3M 中国·售后",
        "Straße 服务",
        "海尔集团A1b第2分公司",
        "创维（深圳）数字技术股份有限公司",
        "（）",
        "",
    ],
)
def test_pypinyins_keys_fit_their_name(name: str) -> None:
    assert keys_fit(name, *pinyin_keys(name))


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("杭州", "hangzhou", "hx"),  # an initial that does not start its syllable
        ("杭州", "hangzhou", "h"),  # a character without its initial
        ("杭州", "hangzhoua", "hza"),  # a syllable more than the name has characters
        ("杭州", "hangzhouxihu", "hz"),  # letters no initial accounts for
        ("杭州", "hangzhouuuuuu", "hz"),  # a syllable longer than any pinyin syllable
        ("杭州", "HANGZHOU", "hz"),  # not lower-case ASCII
        ("杭州", "hang zhou", "hz"),
        ("杭州", "", ""),  # a Chinese name always has a reading
        ("TCL电器", "tcdianqi", "tcldq"),  # the name's letters left out of the pinyin
        ("TCL电器", "tcldianqi", "tdq"),  # or out of the initials
        ("3M中国", "m3zhongguo", "m3zg"),  # or moved
        ("abc", "", ""),
        ("", "a", "a"),
    ],
)
def test_keys_that_cannot_be_pypinyins_do_not_fit(name: str, full: str, initials: str) -> None:
    assert not keys_fit(name, full, initials)


def test_keys_fit_cannot_tell_a_wrong_reading_that_fits() -> None:
    """The limit: 重庆 read zhongqing fits as well as chongqing (only pypinyin knows the phrase)."""
    assert keys_fit("重庆", "zhongqing", "zq") and keys_fit("重庆", "chongqing", "cq")


def test_a_name_without_chinese_needs_no_pypinyin() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from audit_workbench.core.casesearch import pinyin_keys;"
        "assert pinyin_keys('TCL Service 3M') == ('tclservice3m', 'tclservice3m');"
        "assert 'pypinyin' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
