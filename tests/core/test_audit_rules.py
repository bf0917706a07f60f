"""The audit rules of core.audit_rules, on plain values (the services and the package import call them)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit_workbench.core import audit_rules
from audit_workbench.core.errors import Refused
from audit_workbench.core.rubric import installed_registry
from audit_workbench.core.scoring import IndicatorEntry, compute
from audit_workbench.core.workflow import VoteDecision

RUBRIC = installed_registry().get("sbt10401-2006-production").rubric
PLAIN = RUBRIC.indicator("1.1")  # 2.5 points, not sampled
SAMPLED = RUBRIC.indicator("3.2")  # 2.5 points, checked on a sample


def code_of(call, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as info:
        call(*args)
    return info.value.code


@pytest.mark.parametrize(
    ("indicator", "entry", "code"),
    [
        (PLAIN, IndicatorEntry("1.1", Decimal(3)), "bad_score"),  # over the maximum
        (PLAIN, IndicatorEntry("1.1", Decimal("1.2")), "bad_score"),  # not a 0.5 step
        (PLAIN, IndicatorEntry("1.1", None, True, "  "), "missing_value"),  # N/A without a reason
        (PLAIN, IndicatorEntry("1.1", Decimal(1), True, "删减"), "bad_score"),  # N/A with points
        (SAMPLED, IndicatorEntry("3.2", Decimal(2), sampled=10), "bad_score"),  # one count only
        (SAMPLED, IndicatorEntry("3.2", Decimal("2.5"), sampled=10, nonconforming=3), "bad_score"),
        (PLAIN, IndicatorEntry("1.1", Decimal(2), sampled=10, nonconforming=2), "bad_score"),  # not sampled
        (PLAIN, IndicatorEntry("1.1", None, reason="原因"), "bad_score"),  # a reason without points
        (PLAIN, IndicatorEntry("1.2", Decimal(1)), "bad_score"),  # another indicator's entry
    ],
)
def test_entries_against_the_rules(indicator, entry: IndicatorEntry, code: str) -> None:  # type: ignore[no-untyped-def]
    assert code_of(audit_rules.entry, indicator, entry) == code


def test_consistent_entries_pass_and_points_are_made_plain() -> None:
    assert audit_rules.entry(PLAIN, IndicatorEntry("1.1", Decimal("2.50"))).points == Decimal("2.5")
    assert audit_rules.entry(PLAIN, IndicatorEntry("1.1", None, True, "无此业务")).not_applicable
    sampled = IndicatorEntry("3.2", Decimal(2), sampled=10, nonconforming=3)  # 2.5 × 7/10 → 2
    assert audit_rules.entry(SAMPLED, sampled) == sampled
    assert audit_rules.sample_points(SAMPLED, 20, 0) == Decimal("2.5")
    assert code_of(audit_rules.sample_points, SAMPLED, 10, None) == "bad_score"
    assert code_of(audit_rules.sample_points, PLAIN, 10, 1) == "bad_score"


def test_special_items_and_the_bonus_limit() -> None:
    audit_rules.special_item("deduction", True)
    audit_rules.special_item("bonus", False)
    assert code_of(audit_rules.special_item, "deduction", False) == "deduction_without_nonconformity"
    assert code_of(audit_rules.special_item, "bonus", True) == "bonus_with_nonconformity"
    assert code_of(audit_rules.special_item, "penalty", False) == "bad_special_kind"
    audit_rules.bonus_allowed(RUBRIC, RUBRIC.max_special_bonus)
    assert code_of(audit_rules.bonus_allowed, RUBRIC, RUBRIC.max_special_bonus + 1) == "bonus_limit"


def test_the_rubric_file_must_be_the_pinned_one() -> None:
    audit_rules.rubric_unchanged("AW1", "x", "a" * 64, "a" * 64)
    assert code_of(audit_rules.rubric_unchanged, "AW1", "x", "a" * 64, "b" * 64) == "rubric_changed"


def test_a_conclusion_needs_every_indicator_and_no_open_nonconformity() -> None:
    everything = {i.code: IndicatorEntry(i.code, i.max_points) for _, i in RUBRIC.indicators()}
    complete = compute(RUBRIC, everything)
    audit_rules.conclusion_allowed(complete, [])
    assert code_of(audit_rules.conclusion_allowed, complete, [7]) == "open_nonconformities"
    partial = compute(RUBRIC, {"1.1": IndicatorEntry("1.1", Decimal(1))})
    assert code_of(audit_rules.conclusion_allowed, partial, []) == "scoring_incomplete"


def test_evidence_and_closing_a_nonconformity() -> None:
    audit_rules.evidence("", True)
    assert code_of(audit_rules.evidence, "  ", False) == "missing_value"
    audit_rules.nonconformity_closure(False, None)
    assert code_of(audit_rules.nonconformity_closure, True, " ") == "missing_value"


A, L, R, X = VoteDecision.approve, VoteDecision.lower_, VoteDecision.return_, VoteDecision.reject


@pytest.mark.parametrize(
    ("votes", "outcome"),
    [
        ([(A, None)], (A, None)),
        ([(A, None), (X, None)], (R, None)),  # a tie returns the case
        ([(A, None), (A, None), (X, None)], (A, None)),
        ([(L, "three_star"), (L, "qualified"), (A, None)], (L, "qualified")),  # the lowest named grade
    ],
)
def test_the_committee_tally(votes, outcome) -> None:  # type: ignore[no-untyped-def]
    assert audit_rules.tally(votes) == outcome


def test_a_vote_names_no_grade_above_the_recommended_one() -> None:
    assert audit_rules.vote_grade(A, None, "four_star", "92.0", "AW1") == "four_star"
    assert audit_rules.vote_grade(L, "three_star", "four_star", "92.0", "AW1") == "three_star"
    assert code_of(audit_rules.vote_grade, L, "five_star", "four_star", "92.0", "AW1") == "grade_not_lower"
    assert code_of(audit_rules.vote_grade, A, None, None, "60.0", "AW1") == "not_passed"
    assert code_of(audit_rules.vote_grade, X, "qualified", "four_star", "92.0", "AW1") == "unexpected_grade"
