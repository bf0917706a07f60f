"""Numbers as people type them, parsed in the core for the window, the CLI and package import."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit_workbench.core.numbers import NumberError, parse_amount, parse_points
from audit_workbench.core.scoring import ScoringError, to_points


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("38000", "38000"),
        ("38,000", "38000"),
        ("３８０００", "38000"),
        ("３８，０００", "38000"),
        ("3.8万", "38000"),
        ("3.8 万", "38000"),
        ("￥38,000", "38000"),
        ("38,000元", "38000"),
        ("RMB 12,000.50", "12000.50"),
        ("1,234,567.5", "1234567.5"),
        ("0.5亿", "50000000"),
        (" 30000 ", "30000"),
    ],
)
def test_amounts_in_the_usual_forms(typed: str, value: str) -> None:
    assert parse_amount(typed) == Decimal(value)
    assert "E" not in str(parse_amount(typed))  # never the exponent form 3.8E+4


@pytest.mark.parametrize("typed", ["", "abc", "1,2345", "12,00", "1e5", "NaN", "inf", "3.8万万", "38 000x"])
def test_not_amounts_are_refused_in_both_languages(typed: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_amount(typed)
    assert "not a number" in str(caught.value) and "不是数字" in caught.value.zh


@pytest.mark.parametrize(("typed", "value"), [("2.5", "2.5"), ("2,5", "2.5"), ("２．５", "2.5"), ("３", "3")])
def test_points_in_the_usual_forms(typed: str, value: str) -> None:
    assert parse_points(typed) == Decimal(value)
    assert to_points(typed) == Decimal(value)


def test_a_score_that_is_no_number_says_so_in_chinese() -> None:
    with pytest.raises(ScoringError) as caught:
        to_points("二点五")
    assert caught.value.zh == "“二点五”不是数字"
