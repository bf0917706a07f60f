"""The unified social credit code (统一社会信用代码, GB 32100-2015) of an applicant.

The check character is computed here by hand and by an independent oracle written from the
standard (weights, 31-character alphabet, modulus 31), not by the code under test.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit_workbench.core.creditcode import CreditCodeError, check_character, complete, is_valid, validate

# GB 32100: digits and capital letters without I, O, S, V, Z; value = position in this list.
STANDARD_ALPHABET = "0123456789" + "ABCDEFGH" + "JKLMN" + "PQR" + "TU" + "WXY"
STANDARD_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def oracle_check(first17: str) -> str:
    total = sum(STANDARD_ALPHABET.index(ch) * w for ch, w in zip(first17, STANDARD_WEIGHTS, strict=True))
    return STANDARD_ALPHABET[(31 - total % 31) % 31]


def test_the_standard_alphabet_has_31_characters():
    assert len(STANDARD_ALPHABET) == 31 == len(set(STANDARD_ALPHABET))
    assert not set("IOSVZ") & set(STANDARD_ALPHABET)


# -- hand-computed public examples --------------------------------------------------------------------
HAND_CASES = [
    # 914403001922038216 (Huawei Technologies, Shenzhen)
    # values   9 1 4 4  0  3 0 0  1   9  2  2 0  3  8  2  1
    # weights  1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    # products 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831; 831 mod 31 = 25; 31 − 25 = 6 → "6"
    "914403001922038216",
    # 9144030071526726XG (Tencent, Shenzhen); X = 29
    # products 9+3+36+108+0+78+0+0+140+29+125+26+48+168+20+180+812 = 1782; 1782 mod 31 = 15; 31 − 15 = 16 → "G"
    "9144030071526726XG",
    # 91350100M000100Y43 (the example in GB 32100); M = 21, Y = 30
    # products 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3 → "3"
    "91350100M000100Y43",
    # 17 zeros: sum 0 → (31 − 0) mod 31 = 0 → "0" (not index 31)
    "000000000000000000",
    # 1 followed by 16 zeros: 1 × 1 = 1 → 31 − 1 = 30 → "Y"
    "10000000000000000Y",
]


@pytest.mark.parametrize("code", HAND_CASES)
def test_hand_computed_codes_are_valid(code: str):
    assert validate(code) == code
    assert is_valid(code)
    assert check_character(code[:17]) == code[17]
    assert complete(code[:17]) == code


def test_complete_builds_valid_codes():
    # 91110108MA01ABCDE → Beijing Haidian (110108), an M-type organisation code
    code = complete("91110108MA01ABCDE")
    assert len(code) == 18
    assert code[:17] == "91110108MA01ABCDE"
    assert code[17] == oracle_check("91110108MA01ABCDE")
    assert validate(code) == code


def test_lower_case_and_spaces_are_normalised():
    assert validate("9144030071526726xg") == "9144030071526726XG"
    assert validate("  91350100m000100y43 ") == "91350100M000100Y43"
    assert is_valid("9144030071526726xg")
    assert complete("9144030071526726x") == "9144030071526726XG"


# -- refusals, each saying why ----------------------------------------------------------------------
@pytest.mark.parametrize("code", ["91440300192203821", "9144030019220382166", "", "9144 0300 1922 0382 16"])
def test_wrong_length_is_refused(code: str):
    with pytest.raises(CreditCodeError) as info:
        validate(code)
    message = str(info.value)
    assert "18 characters" in message
    assert str(len(code.strip())) in message
    assert not is_valid(code)


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_letters_i_o_s_v_z_are_refused(letter: str):
    # Huawei's code with character 9 (first of the organisation code) replaced
    code = "91440300" + letter + "922038216"
    with pytest.raises(CreditCodeError) as info:
        validate(code)
    message = str(info.value)
    assert "character 9" in message
    assert repr(letter) in message
    assert "not allowed" in message


@pytest.mark.parametrize("bad", ["-", "#", "中", "Ａ"])
def test_other_characters_are_refused(bad: str):
    code = "9144030019220382" + bad + "6"
    with pytest.raises(CreditCodeError) as info:
        validate(code)
    assert "character 17" in str(info.value)


def test_non_digit_area_code_is_refused_for_that_reason():
    # An A in position 3 with a correct check character, so only the area code rule is broken
    code = complete("91A40300192203821")
    with pytest.raises(CreditCodeError) as info:
        validate(code)
    message = str(info.value)
    assert "3–8" in message
    assert "administrative division" in message


def test_wrong_check_character_is_refused_with_the_expected_one():
    with pytest.raises(CreditCodeError) as info:
        validate("914403001922038217")
    message = str(info.value)
    # hand-computed above: the check character of 91440300192203821 is 6
    assert "'7'" in message
    assert "expected '6'" in message


# -- properties ---------------------------------------------------------------------------------------
CHAR = st.sampled_from(STANDARD_ALPHABET)
DIGIT = st.sampled_from("0123456789")
FIRST17 = st.tuples(CHAR, CHAR, *[DIGIT] * 6, *[CHAR] * 9).map("".join)


@given(FIRST17)
def test_complete_always_gives_a_valid_code_with_the_standard_check(first17: str):
    assert check_character(first17) == oracle_check(first17)
    assert is_valid(complete(first17))


@given(FIRST17, st.integers(0, 17), CHAR)
def test_any_single_character_change_is_detected(first17: str, position: int, replacement: str):
    code = complete(first17)
    if code[position] == replacement:
        replacement = STANDARD_ALPHABET[(STANDARD_ALPHABET.index(replacement) + 1) % 31]
    altered = code[:position] + replacement + code[position + 1 :]
    assert not is_valid(altered)


@given(FIRST17, st.integers(0, 15))
def test_swapping_two_adjacent_characters_is_detected(first17: str, position: int):
    code = complete(first17)
    a, b = code[position], code[position + 1]
    if a == b:
        return
    swapped = code[:position] + b + a + code[position + 2 :]
    assert not is_valid(swapped)
