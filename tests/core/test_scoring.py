"""Scoring arithmetic (DESIGN.md "Scoring", GB/T 27922 §6): points, samples, N/A, special items, grades.

Every expected total below is worked out by hand in a comment; the property tests compare against an
independent oracle in exact fractions (`_oracle_total`), never against the code under test.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from audit_workbench.core.rubric import Grade, Rubric, grade_rank, load_rubric, parse_rubric
from audit_workbench.core.scoring import (
    IndicatorEntry,
    ScoringError,
    check_points,
    compute,
    grade_for,
    points_from_sample,
)

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"
P = load_rubric(RUBRICS / "sbt10401-2006-production.yaml").rubric  # 生产型
S = load_rubric(RUBRICS / "sbt10401-2006-sales.yaml").rubric  # 销售服务型
G = load_rubric(RUBRICS / "gbt27922-2011.yaml").rubric
ALL = (P, S, G)


def D(value: float | int | str) -> Decimal:
    return Decimal(str(value))


def _thousand_point_rubric() -> Rubric:
    """The production rubric with every maximum ×10 (a body's own table on a 1000-point scale).

    With 0.5 steps and a 100-point maximum a raw score can never land on x.x5 (earned ÷ applicable
    × 100 = k + 0.95 needs an applicable maximum that is a multiple of 1000), so the half-up edge
    of a grade boundary is only reachable on a larger scale: 799.5 ÷ 1000 × 100 = 79.95.
    """
    data = yaml.safe_load((RUBRICS / "sbt10401-2006-production.yaml").read_text(encoding="utf-8"))
    data["id"] = "body-1000"
    data["max_points"] = 1000
    for category in data["categories"]:
        for indicator in category["indicators"]:
            indicator["max_points"] = float(D(indicator["max_points"]) * 10)
    return parse_rubric(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "body-1000.yaml")


T = _thousand_point_rubric()


def audit(
    rubric: Rubric,
    lose: dict[str, float] | None = None,
    na: tuple[str, ...] = (),
    unscored: tuple[str, ...] = (),
) -> dict[str, IndicatorEntry]:
    """Full points everywhere, minus `lose` points on some indicators; `na` not applicable."""
    lose = lose or {}
    entries: dict[str, IndicatorEntry] = {}
    for _, indicator in rubric.indicators():
        code = indicator.code
        if code in unscored:
            continue
        if code in na:
            entries[code] = IndicatorEntry(code, not_applicable=True, reason="本企业不涉及")
        else:
            entries[code] = IndicatorEntry(code, points=indicator.max_points - D(lose.get(code, 0)))
    return entries


# == check_points ===================================================================================
IND_41 = P.indicator("4.1")  # 商品包装, maximum 5


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), ("0", "0"), ("0.5", "0.5"), ("2.5", "2.5"), (D("4.5"), "4.5"), (5, "5"), ("5.0", "5"),
     (2.5, "2.5"), (" 3 ", "3"), ("1,5", "1.5")],
)  # fmt: skip
def test_check_points_accepts_0_to_max_in_half_steps(value, expected):
    assert check_points(IND_41, value) == D(expected)


@pytest.mark.parametrize("halves", range(0, 11))
def test_check_points_accepts_every_half_step_of_a_5_point_indicator(halves: int):
    assert check_points(IND_41, D(halves) / 2) == D(halves) / 2


@pytest.mark.parametrize(
    ("value", "why"),
    [(-0.5, "negative"), ("-1", "negative"), ("5.5", "exceeds"), (6, "exceeds"), ("0.3", "0.5"), ("2.25", "0.5"),
     (0.1 + 0.2, "0.5")],
)  # fmt: skip
def test_check_points_refuses_out_of_range_and_off_step(value, why):
    with pytest.raises(ScoringError) as info:
        check_points(IND_41, value)
    assert "4.1" in str(info.value)
    assert why in str(info.value)


@pytest.mark.parametrize(
    "value", ["abc", "", "NaN", "Infinity", "-Infinity", float("nan"), float("inf"), None]
)
def test_check_points_refuses_what_is_not_a_number_and_names_the_indicator(value):
    # The auditor (or a re-imported score sheet) must learn *which* indicator holds the bad value.
    with pytest.raises(ScoringError) as info:
        check_points(IND_41, value)
    assert "not a number" in str(info.value)
    assert "4.1" in str(info.value)


def test_points_keep_a_plain_text_form():
    # Points are stored and logged as text (DecimalText column, event log JSON); a score of 10 on
    # GB/T 27922-2011's 3.1 顾客关系 (maximum 12) must read "10", not the exponent form "1E+1".
    indicator = G.indicator("3.1")
    assert indicator.max_points == 12
    for value in ("10", "10.0", 10):
        points = check_points(indicator, value)
        assert points == 10
        assert str(points) in ("10", "10.0")


# == points_from_sample =============================================================================
@pytest.mark.parametrize(
    ("code", "maximum", "sampled", "nonconforming", "expected"),
    [
        # 5 × 7/9 = 3.888…  → 7.777… half-steps → 8 → 4.0
        ("4.1", 5, 9, 2, "4.0"),
        # 2.5 × 2/3 = 1.666… → 3.333… half-steps → 3 → 1.5
        ("2.2", 2.5, 3, 1, "1.5"),
        # 5 × 13/20 = 3.25 → 6.5 half-steps → half-up 7 → 3.5 (truncation or half-even would give 3.0)
        ("4.1", 5, 20, 7, "3.5"),
        # 6 × 5/8 = 3.75 → 7.5 half-steps → 8 → 4.0
        ("4.2", 6, 8, 3, "4.0"),
        # 6 × 1/8 = 0.75 → 1.5 half-steps → 2 → 1.0
        ("4.2", 6, 8, 7, "1.0"),
        # 6 × 1/13 = 0.4615… → 0.923 half-steps → 1 → 0.5
        ("4.2", 6, 13, 12, "0.5"),
        # 6 × 1/25 = 0.24 → 0.48 half-steps → 0 → 0.0
        ("4.2", 6, 25, 24, "0"),
        ("4.2", 6, 10, 0, "6"),  # all conform: full points
        ("4.2", 6, 10, 10, "0"),  # none conform: nothing
        ("6.2", 5, 1, 0, "5"),  # a sample of one
    ],
)
def test_points_from_sample_hand_cases(code, maximum, sampled, nonconforming, expected):
    # The arithmetic for any maximum: the indicator is taken as one checked on a sample.
    indicator = P.indicator(code).model_copy(update={"sampled": True})
    assert indicator.max_points == D(maximum)
    assert points_from_sample(indicator, sampled, nonconforming) == D(expected)


def test_counts_on_an_indicator_not_checked_on_a_sample_are_refused():
    # 1.1 服务理念 of the production rubric is not sampled: counts make no sense for it.
    indicator = P.indicator("1.1")
    assert not indicator.sampled
    with pytest.raises(ScoringError, match=r"1\.1 is not checked on a sample"):
        points_from_sample(indicator, 10, 0)
    assert points_from_sample(P.indicator("6.2"), 10, 0) == 5  # 6.2 投诉记录 is


@pytest.mark.parametrize(
    ("sampled", "nonconforming", "why"),
    [(0, 0, "at least one"), (-3, 0, "at least one"), (9, -1, "between 0 and 9"), (9, 10, "between 0 and 9")],
)
def test_points_from_sample_refuses_bad_samples(sampled, nonconforming, why):
    with pytest.raises(ScoringError) as info:
        points_from_sample(IND_41.model_copy(update={"sampled": True}), sampled, nonconforming)
    assert "4.1" in str(info.value)
    assert why in str(info.value)


@settings(deadline=None)
@given(
    st.sampled_from([i for r in ALL for _, i in r.indicators()]),
    st.integers(1, 500),
    st.data(),
)
def test_points_from_sample_is_the_half_up_rounded_share(indicator, sampled, data):
    indicator = indicator.model_copy(update={"sampled": True})
    nonconforming = data.draw(st.integers(0, sampled))
    points = points_from_sample(indicator, sampled, nonconforming)
    exact = Fraction(indicator.max_points) * (sampled - nonconforming) / sampled
    # Half-up to the 0.5 step: floor(2x + ½) / 2.
    assert Fraction(points) == Fraction(math.floor(exact * 2 + Fraction(1, 2)), 2)
    # …and it is always points the auditor could have entered by hand.
    assert check_points(indicator, points) == points


# == compute(): the grade boundaries, N/A included ===================================================
def _check(result, total: str, grade: Grade | None):
    assert result.total == D(total)
    assert result.grade == grade
    assert result.passed is (grade is not None)


def test_exactly_70_passes_as_qualified():
    # Production, nothing N/A: lose 4.1 (5) + 4.2 (6) + 4.3 (6) + 5.1 (6) + 5.2 (6) + 1 on 1.1 = 30
    # earned 70 of 100 → 70.0 → 达标级
    result = compute(P, audit(P, {"4.1": 5, "4.2": 6, "4.3": 6, "5.1": 6, "5.2": 6, "1.1": 1}))
    assert result.earned == 70 and result.applicable_max == 100
    _check(result, "70.0", Grade.qualified)


def test_exactly_70_with_na_removed_from_the_maximum():
    # N/A 4.1, 6.1, 7.1, 7.2 (4 × 5 = 20) → applicable 80; lose 5.1, 5.2, 5.3 (18) + 4.2 (6) = 24
    # earned 56 of 80 → 56 / 80 × 100 = 70.0 → 达标级 (56 of 100 would wrongly fail)
    result = compute(P, audit(P, {"5.1": 6, "5.2": 6, "5.3": 6, "4.2": 6}, na=("4.1", "6.1", "7.1", "7.2")))
    assert result.earned == 56 and result.applicable_max == 80
    _check(result, "70.0", Grade.qualified)


def test_69_9_fails_and_is_rounded_not_truncated():
    # Sales, N/A 4.1 (7) → applicable 93; lose 4.2, 4.3, 5.1, 5.2 (4 × 7 = 28) → earned 65
    # 65 / 93 × 100 = 69.892… → 69.9 (truncation would show 69.8) → not passed, no grade
    result = compute(S, audit(S, {"4.2": 7, "4.3": 7, "5.1": 7, "5.2": 7}, na=("4.1",)))
    assert result.earned == 65 and result.applicable_max == 93
    _check(result, "69.9", None)


def test_69_5_fails():
    # Production: lose 30.5 (4.1 5, 4.2 6, 4.3 6, 5.1 6, 5.2 6, 1.1 1.5) → 69.5 of 100 → not passed
    result = compute(P, audit(P, {"4.1": 5, "4.2": 6, "4.3": 6, "5.1": 6, "5.2": 6, "1.1": 1.5}))
    _check(result, "69.5", None)


@pytest.mark.parametrize(
    ("lose", "total", "grade"),
    [
        # 1000-point table: lose 5.1, 5.2, 5.3 (3 × 60) + 4.2, 4.3 (2 × 60) + 0.5 on 1.1 = 300.5
        # 699.5 / 1000 × 100 = 69.95 → half-up 70.0 → 达标级 (the Odoo #43508 wrong fail)
        ({"5.1": 60, "5.2": 60, "5.3": 60, "4.2": 60, "4.3": 60, "1.1": 0.5}, "70.0", Grade.qualified),
        # lose 301 → 699 / 1000 × 100 = 69.9 → not passed
        ({"5.1": 60, "5.2": 60, "5.3": 60, "4.2": 60, "4.3": 60, "1.1": 1}, "69.9", None),
        # lose 5.1, 5.2, 5.3 (180) + 20.5 on 4.1 = 200.5 → 799.5 / 1000 × 100 = 79.95 → 80.0 → 三星级
        ({"5.1": 60, "5.2": 60, "5.3": 60, "4.1": 20.5}, "80.0", Grade.three_star),
        # lose 5.1 (60) + 8.1 (25) + 15.5 on 8.2 = 100.5 → 89.95 → 90.0 → 四星级
        ({"5.1": 60, "8.1": 25, "8.2": 15.5}, "90.0", Grade.four_star),
        # lose 4.1 (50) + 0.5 on 1.1 = 50.5 → 94.95 → 95.0 → 五星级
        ({"4.1": 50, "1.1": 0.5}, "95.0", Grade.five_star),
        # lose 51 → 94.9 → 四星级
        ({"4.1": 50, "1.1": 1}, "94.9", Grade.four_star),
    ],
)
def test_x_x5_rounds_half_up_across_the_grade_boundary(lose, total, grade):
    assert T.max_points == 1000
    _check(compute(T, audit(T, lose)), total, grade)


def test_80_with_na():
    # N/A 8.3 (2.5) → applicable 97.5; lose 5.1, 5.2, 5.3 (18) + 1.5 on 1.1 = 19.5 → earned 78
    # 78 / 97.5 × 100 = 80.0 → 三星级
    result = compute(P, audit(P, {"5.1": 6, "5.2": 6, "5.3": 6, "1.1": 1.5}, na=("8.3",)))
    assert result.applicable_max == D("97.5") and result.earned == 78
    _check(result, "80.0", Grade.three_star)


def test_89_9_with_na_stays_three_star():
    # N/A 4.1 (5) + 5.1 (6) → applicable 89; lose 4.2 (6) + 1.1 (2.5) + 0.5 on 1.2 = 9 → earned 80
    # 80 / 89 × 100 = 89.887… → 89.9 → 三星级
    result = compute(P, audit(P, {"4.2": 6, "1.1": 2.5, "1.2": 0.5}, na=("4.1", "5.1")))
    assert result.applicable_max == 89 and result.earned == 80
    _check(result, "89.9", Grade.three_star)


def test_90_with_na_is_four_star():
    # N/A 6.1, 6.2 (10) → applicable 90; lose 4.2 (6) + 3 on 4.3 = 9 → earned 81
    # 81 / 90 × 100 = 90.0 → 四星级
    result = compute(P, audit(P, {"4.2": 6, "4.3": 3}, na=("6.1", "6.2")))
    assert result.applicable_max == 90 and result.earned == 81
    _check(result, "90.0", Grade.four_star)


def test_94_9_with_na_is_four_star():
    # N/A 8.3 → applicable 97.5; lose 4.1 (5) → earned 92.5
    # 92.5 / 97.5 × 100 = 94.871… → 94.9 → 四星级
    result = compute(P, audit(P, {"4.1": 5}, na=("8.3",)))
    _check(result, "94.9", Grade.four_star)


def test_95_with_na_is_five_star():
    # N/A 4.1, 6.1 (10) → applicable 90; 4.2 scored 1.5 (lose 4.5) → earned 85.5
    # 85.5 / 90 × 100 = 95.0 → 五星级
    result = compute(P, audit(P, {"4.2": 4.5}, na=("4.1", "6.1")))
    assert result.applicable_max == 90 and result.earned == D("85.5")
    _check(result, "95.0", Grade.five_star)


def test_gbt27922_rubric_with_na():
    # GB/T 27922-2011: N/A 2.6 废弃商品回收 (4) → applicable 96; 3.2 scored 3.5 of 13 → earned 86.5
    # 86.5 / 96 × 100 = 90.104… → 90.1 → 四星级
    result = compute(G, audit(G, {"3.2": 9.5}, na=("2.6",)))
    assert result.applicable_max == 96
    _check(result, "90.1", Grade.four_star)


def test_all_full_points_is_100_five_star():
    _check(compute(P, audit(P)), "100.0", Grade.five_star)


# == special deductions and the bonus ===============================================================
def test_deductions_apply_after_normalisation():
    # N/A 4.1, 6.1, 7.1, 7.2 → applicable 80; 4.2 scored 2 (lose 4) → earned 76 → base 76/80 = 95.0
    # one deduction: 95.0 − 1 = 94.0 → 四星级 (before normalisation it would be 75/80 = 93.75 → 93.8)
    result = compute(P, audit(P, {"4.2": 4}, na=("4.1", "6.1", "7.1", "7.2")), special_deductions=1)
    assert result.base == D("95.0")
    _check(result, "94.0", Grade.four_star)


def test_a_deduction_can_drop_a_pass_to_a_fail():
    # 70.0 (see test_exactly_70_passes_as_qualified) − 1 = 69.0 → not passed
    result = compute(
        P, audit(P, {"4.1": 5, "4.2": 6, "4.3": 6, "5.1": 6, "5.2": 6, "1.1": 1}), special_deductions=1
    )
    _check(result, "69.0", None)


def test_five_deductions_fail_even_at_100():
    # 100 − 5 = 95.0, but 5 special deductions fail the audit whatever the score
    result = compute(P, audit(P), special_deductions=5)
    _check(result, "95.0", None)


def test_four_deductions_at_100_is_96_five_star():
    # 100 − 4 = 96.0 → 五星级 (fewer than 5 deductions)
    _check(compute(P, audit(P), special_deductions=4), "96.0", Grade.five_star)


def test_bonus_lifts_94_to_95():
    # lose 4.2 (6) → 94.0; + 1 bonus = 95.0 → 五星级
    result = compute(P, audit(P, {"4.2": 6}), bonus=1)
    assert result.base == D("94.0")
    _check(result, "95.0", Grade.five_star)


def test_bonus_is_clamped_at_100():
    # 100 + 1 = 101 → clamped to 100.0
    _check(compute(P, audit(P), bonus=1), "100.0", Grade.five_star)


def test_bonus_and_deductions_together():
    # 94.0 − 2 + 1 = 93.0 → 四星级
    _check(compute(P, audit(P, {"4.2": 6}), special_deductions=2, bonus=1), "93.0", Grade.four_star)


def test_total_is_clamped_at_0():
    # every indicator 0 → 0.0; − 3 deductions → clamped to 0.0, never negative
    zero = {i.code: float(i.max_points) for _, i in P.indicators()}
    result = compute(P, audit(P, zero), special_deductions=3)
    _check(result, "0.0", None)


def test_more_bonuses_than_allowed_are_refused():
    with pytest.raises(ScoringError) as info:
        compute(P, audit(P), bonus=2)
    assert "1" in str(info.value)


@pytest.mark.parametrize(("deductions", "bonus"), [(-1, 0), (0, -1)])
def test_negative_special_item_counts_are_refused(deductions, bonus):
    with pytest.raises(ScoringError):
        compute(P, audit(P), special_deductions=deductions, bonus=bonus)


def test_codes_not_in_the_rubric_are_refused():
    entries = audit(P)
    entries["9.9"] = IndicatorEntry("9.9", points=D(1))
    with pytest.raises(ScoringError) as info:
        compute(P, entries)
    assert "9.9" in str(info.value)


# == N/A everywhere, unscored indicators, category subtotals ========================================
def test_all_indicators_not_applicable_cannot_pass():
    result = compute(P, audit(P, na=P.indicator_codes))
    assert result.applicable_max == 0 and result.earned == 0
    assert result.unscored == ()
    _check(result, "0.0", None)


def test_unscored_indicators_count_zero_and_are_listed():
    # 1.1 and 8.3 (2.5 each) left unscored: they stay in the maximum → 95 of 100 → 95.0 (provisional)
    entries = audit(P, unscored=("1.1", "8.3"))
    entries["8.3"] = IndicatorEntry("8.3")  # an entry with neither points nor N/A is unscored too
    result = compute(P, entries)
    assert result.earned == 95 and result.applicable_max == 100
    assert result.unscored == ("1.1", "8.3")
    assert not result.complete
    _check(result, "95.0", Grade.five_star)
    assert compute(P, audit(P)).complete


def test_category_subtotals():
    # Category 4 配送安装: 4.1 full (5), 4.2 N/A, 4.3 scored 3 of 6 → earned 8 of applicable 11 (max 17)
    # percent 8 / 11 × 100 = 72.727… → 72.7
    # Category 8 服务改进: 8.3 unscored → 2 of 3 scored, applicable 7.5, earned 5
    result = compute(P, audit(P, {"4.3": 3}, na=("4.2",), unscored=("8.3",)))
    by_code = {c.code: c for c in result.categories}
    assert [c.code for c in result.categories] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    cat4 = by_code["4"]
    assert (cat4.earned, cat4.applicable_max, cat4.max_points) == (8, 11, 17)
    assert (cat4.scored, cat4.indicators) == (3, 3)
    assert cat4.percent == D("72.7")
    cat8 = by_code["8"]
    assert (cat8.earned, cat8.applicable_max, cat8.scored, cat8.indicators) == (5, D("7.5"), 2, 3)
    # The subtotals add up to the audit's totals: earned 100 − 6 − 3 − 2.5 = 88.5 of 100 − 6 = 94
    assert sum(c.earned for c in result.categories) == result.earned == D("88.5")
    assert sum(c.applicable_max for c in result.categories) == result.applicable_max == 94


def test_category_wholly_not_applicable_shows_zero_percent():
    result = compute(P, audit(P, na=("7.1", "7.2")))
    cat7 = next(c for c in result.categories if c.code == "7")
    assert cat7.applicable_max == 0 and cat7.percent == 0
    # 90 of 90 → 100.0
    assert result.total == D("100.0")


def test_na_of_a_full_indicator_cannot_inflate_a_weak_audit():
    # Only 4.2 and 4.3 scored (6 + 6), everything else 0: 12 / 100 → 12.0.
    # Marking the full-score 4.2 N/A: 6 / 94 × 100 = 6.38… → 6.4 — removing points you earned lowers the score.
    zero = {i.code: float(i.max_points) for _, i in P.indicators() if i.code not in ("4.2", "4.3")}
    assert compute(P, audit(P, zero)).base == D("12.0")
    assert compute(P, audit(P, zero, na=("4.2",))).base == D("6.4")


# == grade_for ======================================================================================
@pytest.mark.parametrize(
    ("total", "grade"),
    [("100", Grade.five_star), ("95", Grade.five_star), ("94.9", Grade.four_star), ("90", Grade.four_star),
     ("89.9", Grade.three_star), ("80", Grade.three_star), ("79.9", Grade.qualified), ("70", Grade.qualified),
     ("69.9", None), ("0", None)],
)  # fmt: skip
def test_grade_thresholds_are_inclusive(total, grade):
    for rubric in ALL:
        assert grade_for(rubric, D(total), 0) == grade
        assert grade_for(rubric, D(total), 4) == grade
        assert grade_for(rubric, D(total), 5) is None


# == properties =====================================================================================
THRESHOLDS = ((Fraction(95), Grade.five_star), (Fraction(90), Grade.four_star), (Fraction(80), Grade.three_star),
              (Fraction(70), Grade.qualified))  # fmt: skip


@st.composite
def audits(draw, rubrics=ALL):
    rubric = draw(st.sampled_from(rubrics))
    entries: dict[str, IndicatorEntry] = {}
    for _, indicator in rubric.indicators():
        kind = draw(st.sampled_from(["points", "points", "points", "points", "na", "unscored"]))
        if kind == "points":
            halves = draw(st.integers(0, int(indicator.max_points * 2)))
            entries[indicator.code] = IndicatorEntry(indicator.code, points=D(halves) / 2)
        elif kind == "na":
            entries[indicator.code] = IndicatorEntry(indicator.code, not_applicable=True, reason="不适用")
    deductions = draw(st.integers(0, 7))
    bonus = draw(st.integers(0, 1))
    return rubric, entries, deductions, bonus


def _oracle_total(rubric: Rubric, entries, deductions: int, bonus: int) -> Fraction:
    earned = Fraction(0)
    applicable = Fraction(0)
    for _, indicator in rubric.indicators():
        entry = entries.get(indicator.code)
        if entry is not None and entry.not_applicable:
            continue
        applicable += Fraction(indicator.max_points)
        if entry is not None and entry.points is not None:
            earned += Fraction(entry.points)
    base = earned / applicable * 100 if applicable else Fraction(0)
    raw = min(max(base - deductions + bonus, Fraction(0)), Fraction(100))
    return Fraction(math.floor(raw * 10 + Fraction(1, 2)), 10)  # half-up to 0.1


def _oracle_grade(total: Fraction, deductions: int) -> Grade | None:
    if deductions >= 5:
        return None
    return next((grade for threshold, grade in THRESHOLDS if total >= threshold), None)


@settings(deadline=None, max_examples=300)
@given(audits())
def test_total_matches_exact_arithmetic_and_grade_rules(case):
    rubric, entries, deductions, bonus = case
    result = compute(rubric, entries, deductions, bonus)
    expected = _oracle_total(rubric, entries, deductions, bonus)
    assert Fraction(result.total) == expected
    assert result.grade == _oracle_grade(expected, deductions)


@settings(deadline=None)
@given(audits())
def test_total_is_within_0_and_100_with_one_decimal(case):
    result = compute(*case)
    assert 0 <= result.total <= 100
    assert result.total * 10 == (result.total * 10).to_integral_value()
    assert 0 <= result.base <= 100


@settings(deadline=None)
@given(audits())
def test_passed_iff_graded_iff_70_and_fewer_than_5_deductions(case):
    rubric, entries, deductions, bonus = case
    result = compute(rubric, entries, deductions, bonus)
    assert result.passed == (result.grade is not None)
    assert result.passed == (result.total >= 70 and deductions < 5)


@given(st.integers(0, 1000), st.integers(0, 1000), st.integers(0, 4))
def test_grade_is_monotone_in_total(a, b, deductions):
    low, high = sorted((D(a) / 10, D(b) / 10))
    for rubric in ALL:
        assert grade_rank(grade_for(rubric, low, deductions)) <= grade_rank(
            grade_for(rubric, high, deductions)
        )


@settings(deadline=None)
@given(audits(), st.data())
def test_raising_one_indicators_points_never_lowers_the_total(case, data):
    rubric, entries, deductions, bonus = case
    indicator = data.draw(st.sampled_from([i for _, i in rubric.indicators()]))
    entry = entries.get(indicator.code)
    assume(entry is None or not entry.not_applicable)
    current = D(0) if entry is None or entry.points is None else entry.points
    assume(current < indicator.max_points)
    steps = data.draw(st.integers(1, int((indicator.max_points - current) * 2)))
    raised = dict(entries)
    raised[indicator.code] = IndicatorEntry(indicator.code, points=current + D(steps) / 2)
    before = compute(rubric, entries, deductions, bonus)
    after = compute(rubric, raised, deductions, bonus)
    assert after.total >= before.total
    assert grade_rank(after.grade) >= grade_rank(before.grade)


@settings(deadline=None)
@given(audits(), st.data())
def test_na_of_an_indicator_with_full_points_never_raises_the_base(case, data):
    # (earned − m) / (applicable − m) ≤ earned / applicable whenever earned ≤ applicable:
    # taking out an indicator scored at 100 % can only pull the rate down (or keep it).
    rubric, entries, deductions, bonus = case
    indicator = data.draw(st.sampled_from([i for _, i in rubric.indicators()]))
    full = dict(entries)
    full[indicator.code] = IndicatorEntry(indicator.code, points=indicator.max_points)
    na = dict(entries)
    na[indicator.code] = IndicatorEntry(indicator.code, not_applicable=True, reason="不适用")
    assert compute(rubric, na, deductions, bonus).base <= compute(rubric, full, deductions, bonus).base


@settings(deadline=None)
@given(audits(), st.data())
def test_na_of_an_indicator_with_zero_points_never_lowers_the_base(case, data):
    # earned / (applicable − m) ≥ earned / applicable: removing a 0-point indicator from the maximum.
    rubric, entries, deductions, bonus = case
    indicator = data.draw(st.sampled_from([i for _, i in rubric.indicators()]))
    zero = dict(entries)
    zero[indicator.code] = IndicatorEntry(indicator.code, points=D(0))
    na = dict(entries)
    na[indicator.code] = IndicatorEntry(indicator.code, not_applicable=True, reason="不适用")
    assert compute(rubric, na, deductions, bonus).base >= compute(rubric, zero, deductions, bonus).base


@settings(deadline=None)
@given(audits(), st.integers(0, 6))
def test_more_deductions_never_raise_the_total_or_grade(case, extra):
    rubric, entries, deductions, bonus = case
    before = compute(rubric, entries, deductions, bonus)
    after = compute(rubric, entries, deductions + extra, bonus)
    assert after.total <= before.total
    assert grade_rank(after.grade) <= grade_rank(before.grade)


@given(st.sampled_from([i for r in ALL for _, i in r.indicators()]), st.data())
def test_check_points_accepts_exactly_the_half_steps_up_to_the_maximum(indicator, data):
    tenths = data.draw(st.integers(-20, int(indicator.max_points * 10) + 20))
    value = D(tenths) / 10
    ok = 0 <= value <= indicator.max_points and tenths % 5 == 0
    if ok:
        assert check_points(indicator, str(value)) == value
    else:
        with pytest.raises(ScoringError):
            check_points(indicator, str(value))
