"""Scoring arithmetic of GB/T 27922 §6: points per indicator, N/A removal, special items, the grade.

All arithmetic is in Decimal, so 69.95 rounds to 70.0 and passes (the error Odoo #43508 made with
binary floats). The ±1 special items apply after normalisation to the 100-point score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .errors import BilingualError
from .numbers import NumberError, parse_points
from .rubric import Grade, Indicator, Rubric, Text

HALF = Decimal("0.5")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
MAX_SAMPLE = 1_000_000  # items in one sample: an Integer column on SQLite and PostgreSQL alike


class ScoringError(BilingualError):
    """A points value or sample that the rules do not allow."""


def round_half_up(value: Decimal, quantum: Decimal) -> Decimal:
    return (value / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum


def to_points(value: object) -> Decimal:
    """Parse user input (text, int, float or Decimal) into a Decimal without binary float error."""
    try:
        result = parse_points(value)  # "2,5" and full-width "２．５" too (core.numbers)
    except NumberError:
        raise ScoringError(f"{value!r} is not a number", f"“{value}”不是数字") from None
    if not result.is_finite():
        raise ScoringError(f"{value!r} is not a number", f"“{value}”不是数字")
    return result


def check_points(indicator: Indicator, value: object) -> Decimal:
    """Points for an indicator: 0 to its maximum, in steps of 0.5."""
    try:
        points = to_points(value)
    except ScoringError as exc:
        raise ScoringError(f"{indicator.code}: {exc}", f"{indicator.code}：{exc.zh}") from None
    if points < 0 or points.is_signed():  # "-0" too
        raise ScoringError(
            f"{indicator.code}: points cannot be negative ({points})",
            f"{indicator.code}：得分不能为负数（{points}）",
        )
    if points > indicator.max_points:
        raise ScoringError(
            f"{indicator.code}: {points} exceeds the maximum {indicator.max_points}",
            f"{indicator.code}：{points} 分超过满分 {plain(indicator.max_points)} 分",
        )
    if points % HALF != 0:
        raise ScoringError(
            f"{indicator.code}: {points} is not a step of 0.5",
            f"{indicator.code}：{points} 不是 0.5 分的整数倍",
        )
    return plain(points)


def plain(value: Decimal) -> Decimal:
    """2.50 → 2.5, 10.0 → 10 (never the exponent form 1E+1 that Decimal.normalize gives)."""
    value = value.quantize(TENTH)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def points_from_sample(indicator: Indicator, sampled: int, nonconforming: int) -> Decimal:
    """Points = maximum × conforming ÷ sampled, rounded half-up to the 0.5 step; only for an
    indicator the rubric checks on a sample."""
    if not indicator.sampled:
        raise ScoringError(
            f"{indicator.code} is not checked on a sample in this rubric: score it with points, not counts",
            f"{indicator.code} 在本评价规则中不是抽样检查的指标，请直接录入得分，不要录入抽样数",
        )
    if sampled > MAX_SAMPLE:
        raise ScoringError(
            f"{indicator.code}: a sample holds at most {MAX_SAMPLE} items",
            f"{indicator.code}：抽样数最多为 {MAX_SAMPLE}",
        )
    if sampled < 1:
        raise ScoringError(
            f"{indicator.code}: the sample must hold at least one item",
            f"{indicator.code}：抽样数至少为 1",
        )
    if nonconforming < 0 or nonconforming > sampled:
        raise ScoringError(
            f"{indicator.code}: nonconforming items must be between 0 and {sampled}",
            f"{indicator.code}：不符合数应在 0 到 {sampled} 之间",
        )
    conforming = sampled - nonconforming
    return plain(round_half_up(indicator.max_points * conforming / Decimal(sampled), HALF))


def format_score(value: Decimal | None) -> str:
    """A base score or total as every screen and document shows it: rounded half-up to one decimal,
    always with that decimal ("96.9", "100.0"); "" for None.

    The base score is exact (earned ÷ applicable maximum × 100, e.g. 96.875); it is shown to the
    same one decimal as the total, and the total is computed from the exact base. While the special
    items are worth whole tenths (1 point in the shipped rubrics), the base shown minus the
    deductions plus the bonus is the total shown.
    """
    if value is None:
        return ""
    return str(round_half_up(Decimal(value), TENTH).quantize(TENTH))


@dataclass(frozen=True)
class IndicatorEntry:
    """What the audit team recorded for one indicator."""

    code: str
    points: Decimal | None = None
    not_applicable: bool = False
    reason: str = ""
    note: str = ""
    sampled: int | None = None
    nonconforming: int | None = None

    @property
    def scored(self) -> bool:
        return self.not_applicable or self.points is not None


@dataclass(frozen=True)
class CategoryResult:
    code: str
    name: Text
    earned: Decimal
    applicable_max: Decimal
    max_points: Decimal
    scored: int
    indicators: int

    @property
    def percent(self) -> Decimal:
        if self.applicable_max == 0:
            return Decimal(0)
        return round_half_up(self.earned / self.applicable_max * HUNDRED, TENTH)


@dataclass(frozen=True)
class ScoreResult:
    earned: Decimal
    applicable_max: Decimal
    base: Decimal  # earned ÷ applicable maximum × 100, rounded half-up to 0.1 (format_score shows it)
    special_deductions: int
    bonus: int
    total: Decimal  # clamped to 0–100 and rounded half-up to one decimal
    passed: bool
    grade: Grade | None
    unscored: tuple[str, ...]
    categories: tuple[CategoryResult, ...]

    @property
    def complete(self) -> bool:
        return not self.unscored


def grade_for(rubric: Rubric, total: Decimal, special_deductions: int) -> Grade | None:
    if special_deductions >= rubric.fail_at_special_deductions:
        return None
    for band in rubric.grades:
        if total >= band.min_score:
            return band.grade
    return None


def compute(
    rubric: Rubric,
    entries: Mapping[str, IndicatorEntry],
    special_deductions: int = 0,
    bonus: int = 0,
) -> ScoreResult:
    """The score of an audit. Unscored indicators count as 0 of their maximum (a provisional score)."""
    unknown = sorted(set(entries) - set(rubric.indicator_codes))
    if unknown:
        raise ScoringError(
            f"codes not in rubric {rubric.id}: {', '.join(unknown)}",
            f"评价规则 {rubric.id} 中没有这些指标：{'、'.join(unknown)}",
        )
    if special_deductions < 0 or bonus < 0:
        raise ScoringError("special item counts cannot be negative", "特别项的数量不能为负数")
    if bonus > rubric.max_special_bonus:
        raise ScoringError(
            f"at most {rubric.max_special_bonus} special bonus item(s) may be given",
            f"特别加分项最多 {rubric.max_special_bonus} 项",
        )
    categories: list[CategoryResult] = []
    unscored: list[str] = []
    earned_all = Decimal(0)
    applicable_all = Decimal(0)
    for category in rubric.categories:
        earned = Decimal(0)
        applicable = Decimal(0)
        scored = 0
        for indicator in category.indicators:
            entry = entries.get(indicator.code)
            if entry is None or not entry.scored:
                unscored.append(indicator.code)
                applicable += indicator.max_points
                continue
            scored += 1
            if entry.not_applicable:
                continue
            assert entry.points is not None
            earned += entry.points
            applicable += indicator.max_points
        categories.append(
            CategoryResult(
                code=category.code,
                name=category.name,
                earned=earned,
                applicable_max=applicable,
                max_points=category.max_points,
                scored=scored,
                indicators=len(category.indicators),
            )
        )
        earned_all += earned
        applicable_all += applicable
    raw_base = earned_all / applicable_all * HUNDRED if applicable_all else Decimal(0)
    raw_total = (
        raw_base - special_deductions * rubric.special_deduction_points + bonus * rubric.special_bonus_points
    )
    raw_total = min(max(raw_total, Decimal(0)), HUNDRED)
    total = round_half_up(raw_total, TENTH)
    grade = grade_for(rubric, total, special_deductions)
    return ScoreResult(
        earned=earned_all,
        applicable_max=applicable_all,
        base=round_half_up(raw_base, TENTH),
        special_deductions=special_deductions,
        bonus=bonus,
        total=total,
        passed=grade is not None,
        grade=grade,
        unscored=tuple(unscored),
        categories=tuple(categories),
    )
