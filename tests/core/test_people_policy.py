"""The person checks of the policy table — impartiality and competence — and the facts they read
(core/people.py), written from reference/accreditation.md:

- "a person who gave consultancy to an organisation must not evaluate it or decide on it for
  2 years after the consultancy ended";
- "high risk prohibits assignment, medium needs a recorded mitigation approved by someone else;
  every person signs an annual impartiality declaration";
- "Assigning someone whose qualification has expired or who lacks the area is … refused; a trainee
  needs a qualified leader on the team".
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from audit_workbench.core.datafiles import resources_dir
from audit_workbench.core.errors import Refused
from audit_workbench.core.people import (
    Interest,
    InterestKind,
    Qualification,
    Risk,
    Standing,
    add_years,
    check_id_number,
    load_id_types,
    mask_id_number,
    parse_interest_kind,
    parse_qualification,
    parse_risk,
    resident_id_check_character,
)
from audit_workbench.core.policy import (
    Action,
    CaseRelation,
    PersonCheck,
    Role,
    assignee_denial,
    assignment_denial,
    explain,
    policy_markdown,
    require_assignment,
)
from audit_workbench.core.workflow import CaseState

TODAY = date(2026, 3, 2)
ORG = "91110108MA01G7XK3W"
CASE_AREAS = frozenset({"sbt10401-2006-production", "production"})
CJK = re.compile(r"[\u4e00-\u9fff]")


def person(
    *interests: Interest,
    declared: bool = True,
    qualification: Qualification | None = Qualification.auditor,
    valid_until: date | None = date(2028, 12, 31),
    valid_from: date | None = None,
    areas: frozenset[str] = frozenset({"production"}),
    on: date = TODAY,
    cooling_years: int = 2,
) -> Standing:
    return Standing(
        "wang",
        on,
        declared,
        label="王芳 (wang)",
        interests=interests,
        qualification=qualification,
        valid_from=valid_from,
        valid_until=valid_until,
        areas=areas,
        case_areas=CASE_AREAS,
        cooling_years=cooling_years,
    )


def interest(
    kind: InterestKind = InterestKind.consultant,
    start: date = date(2020, 1, 1),
    end: date | None = None,
    risk: Risk = Risk.low,
    mitigation: str | None = None,
    approved_by: str | None = None,
) -> Interest:
    return Interest(1, kind, ORG, start, end, risk, mitigation, approved_by)


def vote(standing: Standing) -> str | None:
    denial = explain(
        Action.vote, [Role.committee], CaseState.committee_review, CaseRelation(), person=standing
    )
    return None if denial is None else denial.code


def assign(standing: Standing) -> str | None:
    denial = assignee_denial(Action.assign_team, standing)
    return None if denial is None else denial.code


# -- the policy table says it -------------------------------------------------------------------------
def test_votes_check_the_voters_impartiality_and_teams_their_members_impartiality_and_competence() -> None:
    from audit_workbench.core.policy import POLICY

    assert POLICY[Action.vote].actor_checks == {PersonCheck.impartial}
    assert POLICY[Action.assign_team].assignee_checks == {PersonCheck.impartial, PersonCheck.competent}
    page = policy_markdown()
    assert "| `vote` | committee | committee_review | independent | actor: impartial |" in page
    assert "assignees: impartial, competent |" in page
    assert "`impartial`:" in page and "`competent`:" in page


def test_a_vote_needs_the_voters_standing() -> None:
    with pytest.raises(ValueError, match="standing"):
        explain(Action.vote, [Role.committee], CaseState.committee_review, CaseRelation())


# -- consultancy: two years after it ended ------------------------------------------------------------
@pytest.mark.parametrize(
    ("ended", "on", "barred"),
    [
        (None, TODAY, True),  # still consulting
        (date(2025, 6, 30), TODAY, True),  # ended eight months ago
        (date(2024, 3, 2), date(2026, 3, 1), True),  # the last day of the two years
        (date(2024, 3, 2), date(2026, 3, 2), False),  # two years to the day: free again
        (date(2024, 3, 1), TODAY, False),
        (date(2024, 2, 29), date(2026, 2, 28), False),  # a leap day ends on 28 February
    ],
)
def test_a_consultant_is_barred_for_two_years_after_the_consultancy(ended, on, barred) -> None:  # type: ignore[no-untyped-def]
    standing = person(interest(end=ended, risk=Risk.low), on=on)
    expected = "consultancy_cooling" if barred else None
    assert vote(standing) == expected
    assert assign(standing) == expected


def test_the_cooling_period_is_the_bodys_setting() -> None:
    ended = interest(end=date(2023, 6, 30))
    assert vote(person(ended, cooling_years=2)) is None
    assert vote(person(ended, cooling_years=3)) == "consultancy_cooling"


def test_a_consultancy_that_starts_later_does_not_bar_yet() -> None:
    assert vote(person(interest(start=date(2026, 6, 1)))) is None


def test_other_kinds_have_no_cooling_period() -> None:
    ended = interest(kind=InterestKind.former_employee, end=date(2025, 12, 31), risk=Risk.high)
    assert vote(person(ended)) is None


# -- risk levels -------------------------------------------------------------------------------------------
def test_an_active_high_risk_bars_and_an_ended_one_does_not() -> None:
    high = interest(kind=InterestKind.family, risk=Risk.high)
    assert vote(person(high)) == "interest_high_risk"
    assert assign(person(high)) == "interest_high_risk"
    ended = interest(kind=InterestKind.family, risk=Risk.high, end=date(2026, 3, 1))
    assert vote(person(ended)) is None


def test_a_medium_risk_needs_a_mitigation_approved_by_someone() -> None:
    pending = interest(kind=InterestKind.financial, risk=Risk.medium, mitigation="回避相关议题")
    assert vote(person(pending)) == "interest_not_mitigated"
    assert assign(person(pending)) == "interest_not_mitigated"
    approved = interest(kind=InterestKind.financial, risk=Risk.medium, mitigation="回避", approved_by="admin")
    assert vote(person(approved)) is None
    assert assign(person(approved)) is None


def test_a_low_risk_is_recorded_but_does_not_bar() -> None:
    assert vote(person(interest(kind=InterestKind.competing, risk=Risk.low))) is None


def test_no_declaration_this_year_bars() -> None:
    assert vote(person(declared=False)) == "no_impartiality_declaration"
    assert assign(person(declared=False)) == "no_impartiality_declaration"


# -- competence ---------------------------------------------------------------------------------------------
def test_competence_refusals() -> None:
    assert assign(person()) is None
    assert assign(person(qualification=None)) == "no_qualification"
    assert assign(person(valid_until=date(2026, 3, 1))) == "qualification_expired"
    assert assign(person(valid_until=TODAY)) is None  # valid through its last day
    assert assign(person(valid_from=date(2026, 4, 1))) == "qualification_not_yet_valid"
    assert assign(person(valid_until=None)) == "qualification_undated"
    assert assign(person(qualification=Qualification.expert, valid_until=None)) is None
    assert assign(person(areas=frozenset({"sales"}))) == "missing_area"
    assert assign(person(areas=frozenset({"sbt10401-2006-production"}))) is None
    assert assign(person(qualification=Qualification.expert, areas=frozenset())) == "missing_area"
    # a trainee learns under a leader who holds the area
    assert assign(person(qualification=Qualification.trainee, areas=frozenset())) is None


def test_competence_is_not_asked_of_a_voter() -> None:
    assert vote(person(qualification=None)) is None


def test_only_a_senior_auditor_or_an_auditor_leads() -> None:
    trainee = person(qualification=Qualification.trainee)
    expert = person(qualification=Qualification.expert)
    leader = person(qualification=Qualification.senior)
    assert assignment_denial(Action.assign_team, leader, [trainee, expert]) is None
    refused = assignment_denial(Action.assign_team, trainee, [leader])
    assert refused is not None and refused.code == "trainee_cannot_lead"
    assert "qualified leader" in refused.en and "实习审核员" in refused.zh
    refused = assignment_denial(Action.assign_team, expert, [leader])
    assert refused is not None and refused.code == "leader_not_qualified"
    with pytest.raises(Refused) as info:
        require_assignment(Action.assign_team, leader, [person(valid_until=date(2020, 1, 1))])
    assert info.value.code == "qualification_expired"


def test_messages_name_the_person_in_both_languages() -> None:
    cases = [
        person(interest(end=date(2025, 6, 30))),
        person(interest(kind=InterestKind.family, risk=Risk.high)),
        person(interest(risk=Risk.medium, kind=InterestKind.financial, mitigation="x")),
        person(declared=False),
        person(qualification=None),
        person(valid_until=date(2020, 1, 1)),
        person(valid_from=date(2027, 1, 1)),
        person(valid_until=None),
        person(areas=frozenset()),
    ]
    for standing in cases:
        denial = assignee_denial(Action.assign_team, standing)
        assert denial is not None
        assert "王芳 (wang)" in denial.en and "王芳 (wang)" in denial.zh, denial
        assert "audit team" in denial.en and "评审组" in denial.zh
        assert not CJK.search(denial.en.replace("王芳", "")) and CJK.search(denial.zh)
    mine = explain(Action.vote, [Role.committee], CaseState.committee_review, CaseRelation(), person=cases[0])
    assert mine is not None
    assert mine.en.startswith("you gave consultancy") and "2027-06-30" in mine.en and "vote" in mine.en
    assert mine.zh.startswith("您为该组织提供咨询至 2025-06-30") and mine.zh.endswith("不能参与表决")


# -- the facts --------------------------------------------------------------------------------------------
def test_codes_not_in_the_list_are_refused_with_the_list() -> None:
    assert parse_qualification("senior") is Qualification.senior
    assert parse_interest_kind(" consultant ") is InterestKind.consultant
    assert parse_risk("high") is Risk.high
    for parse, code in (
        (parse_qualification, "bad_qualification"),
        (parse_interest_kind, "bad_interest_kind"),
        (parse_risk, "bad_risk"),
    ):
        with pytest.raises(Refused) as info:
            parse("boss")
        assert info.value.code == code
        assert "'boss'" in info.value.message_en and CJK.search(info.value.message_zh)


def test_resident_identity_numbers_are_checked_and_masked() -> None:
    types = load_id_types(resources_dir() / "id-types.yaml")
    assert {"01", "04", "05", "98", "99"} <= set(types)
    resident = types["01"]
    assert resident_id_check_character("11010519491231002") == "X"
    assert check_id_number(resident, " 11010519491231002x ") == "11010519491231002X"
    for bad in ("110105194912310021", "11010519491331002X", "1101051949123100", "11010519491231002Y"):
        with pytest.raises(Refused) as info:
            check_id_number(resident, bad)
        assert info.value.code == "bad_id_number"
        assert bad not in info.value.message_en  # a refusal never repeats the number
    assert check_id_number(types["04"], "e1234 5678") == "E12345678"
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_id_number("E12345678") == "E1*****78"
    assert mask_id_number("ABC") == "***"
    assert mask_id_number(None) == ""


def test_add_years_keeps_the_day_or_takes_28_february() -> None:
    assert add_years(date(2024, 3, 2), 2) == date(2026, 3, 2)
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
