"""People and impartiality through the services: who may be put on an audit team and who may vote,
as the accreditor checks it (reference/accreditation.md), and every bad input refused with the
database unchanged. Runs on SQLite and, with AUDIT_WORKBENCH_TEST_PG, on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from audit_workbench.core.errors import Conflict, Refused
from audit_workbench.services import Services
from audit_workbench.storage import models as m

from ..conftest import PASSWORD, CaseMaker, Clock, Team, dump, qualify, sign_this_year

ID_NUMBER = "11010519491231002X"  # the GB 11643 example number, check character X


def refused(code: str, db_path: Path | str, call: Any, *args: Any, **kwargs: Any) -> Refused:
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message_en
    assert dump(db_path) == before, "a refused call changed the database"
    return info.value


def org_of(services: Services, case_no: str) -> str:
    return services.cases.get(case_no).organization.credit_code


# -- the two sentences of "Done when" -------------------------------------------------------------------
def test_a_consultant_cannot_be_assigned_to_the_organisations_case_within_two_years_and_can_after(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, db_path: Path | str
) -> None:
    case_no = make_case("accepted")
    code = org_of(services, case_no)
    # the leader gave consultancy to the applicant until 30 June 2025 (low risk: the rule is the time)
    services.impartiality.declare(
        team.leader,
        "leader",
        credit_code=code,
        kind="consultant",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 6, 30),
        risk="low",
    )
    error = refused("consultancy_cooling", db_path, services.cases.assign_team, team.clerk, case_no, "leader")
    assert "2025-06-30" in error.message_en and "2027-06-30" in error.message_en
    assert "2027-06-30 前不得参与" in error.message_zh
    # as a member too, behind a leader who is free to lead
    refused(
        "consultancy_cooling", db_path, services.cases.assign_team, team.clerk, case_no, "member", ["leader"]
    )
    # the day before the two years are up: still barred; on the day: free
    clock.now = datetime(2027, 6, 29, 9, 0, tzinfo=clock.now.tzinfo)
    sign_this_year(services, team.leader, team.member)
    refused("consultancy_cooling", db_path, services.cases.assign_team, team.clerk, case_no, "leader")
    clock.now = clock.now + timedelta(days=1)
    detail = services.cases.assign_team(team.clerk, case_no, "leader", ["member"])
    assert detail.team_leader == "leader" and detail.status == "document_review"


def test_an_expired_qualification_cannot_be_assigned(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("accepted")
    services.people.set(team.admin, "member", qualification="auditor", valid_until=date(2026, 3, 1))
    error = refused(
        "qualification_expired",
        db_path,
        services.cases.assign_team,
        team.clerk,
        case_no,
        "leader",
        ["member"],
    )
    assert (
        error.message_en
        == "member's auditor qualification expired on 2026-03-01, so member may not be on the audit team"
    )
    assert error.message_zh == "member的审核员资格已于 2026-03-01 过期，不能进入评审组"
    services.people.set(team.admin, "member", qualification="auditor", valid_until=date(2029, 3, 1))
    assert [
        t.user_name for t in services.cases.assign_team(team.clerk, case_no, "leader", ["member"]).team
    ] == [
        "leader",
        "member",
    ]


# -- team assignment ----------------------------------------------------------------------------------
def test_team_rules_competence_area_and_leadership(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("accepted")  # a production case, rubric sbt10401-2006-production
    services.users.add(team.admin, "newbie", PASSWORD, ["auditor"])
    refused(
        "no_impartiality_declaration",
        db_path,
        services.cases.assign_team,
        team.clerk,
        case_no,
        "leader",
        ["newbie"],
    )
    services.impartiality.sign(services.users.login("newbie", PASSWORD))
    refused(
        "no_qualification", db_path, services.cases.assign_team, team.clerk, case_no, "leader", ["newbie"]
    )
    qualify(services, team.admin, "newbie", "trainee", areas=())
    error = refused("trainee_cannot_lead", db_path, services.cases.assign_team, team.clerk, case_no, "newbie")
    assert "qualified leader" in error.message_en
    qualify(services, team.admin, "outsider", "expert", areas=("sbt10401-2006-production",))
    refused("leader_not_qualified", db_path, services.cases.assign_team, team.clerk, case_no, "outsider")
    qualify(services, team.admin, "outsider", "expert", areas=("sales",))
    refused("missing_area", db_path, services.cases.assign_team, team.clerk, case_no, "leader", ["outsider"])
    qualify(services, team.admin, "outsider", "expert", areas=("sbt10401-2006-production",))
    detail = services.cases.assign_team(team.clerk, case_no, "leader", ["newbie", "outsider"])
    assert {t.user_name for t in detail.team} == {"leader", "newbie", "outsider"}
    # the leader's competence narrows to sales: changing the team re-checks everyone on it
    qualify(services, team.admin, "leader", areas=("sales",))
    refused("missing_area", db_path, services.cases.assign_team, team.clerk, case_no, "leader", ["newbie"])


def test_the_team_dialog_gets_every_auditor_with_the_reasons(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    case_no = make_case("accepted")
    services.impartiality.declare(
        team.admin,
        "member",
        credit_code=org_of(services, case_no),
        kind="family",
        starts_on=date(2020, 5, 1),
        risk="high",
    )
    qualify(services, team.admin, "outsider", "trainee", areas=())
    candidates = {c.user_name: c for c in services.people.team_candidates(team.clerk, case_no)}
    assert set(candidates) == {"leader", "member", "outsider", "dual"}
    assert candidates["leader"].member_denial is None and candidates["leader"].leader_denial is None
    member = candidates["member"].member_denial
    assert member is not None and member.code == "interest_high_risk" and "family member" in member.en
    assert candidates["outsider"].member_denial is None
    leader = candidates["outsider"].leader_denial
    assert leader is not None and leader.code == "trainee_cannot_lead"
    with pytest.raises(Refused) as info:
        services.people.team_candidates(team.leader, case_no)
    assert info.value.code == "wrong_role"


# -- committee votes ------------------------------------------------------------------------------------
def test_votes_refuse_a_high_risk_an_unapproved_medium_risk_and_no_declaration(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("committee_review")
    code = org_of(services, case_no)
    high = services.impartiality.declare(
        team.committee,
        "comm1",
        credit_code=code,
        kind="former_employee",
        starts_on=date(2019, 1, 1),
        risk="high",
    )
    error = refused(
        "interest_high_risk", db_path, services.committee.vote, team.committee, case_no, "approve", "同意"
    )
    assert error.message_en.startswith("you declared a high-risk interest") and error.message_en.endswith(
        "vote"
    )
    assert error.message_zh.endswith("不能参与表决")
    services.impartiality.end(team.committee, high.id, date(2025, 12, 31))  # left that job: ended
    medium = services.impartiality.declare(
        team.committee,
        "comm1",
        credit_code=code,
        kind="financial",
        starts_on=date(2024, 1, 1),
        risk="medium",
        mitigation="所持股份已委托第三方管理，不参与该组织经营",
    )
    refused(
        "interest_not_mitigated", db_path, services.committee.vote, team.committee, case_no, "approve", "同意"
    )
    # another person approves it — not the one who declared, not the one who recorded it
    refused("own_interest", db_path, services.impartiality.approve, team.committee, medium.id)
    refused("wrong_role", db_path, services.impartiality.approve, team.clerk, medium.id)
    approved = services.impartiality.approve(team.admin, medium.id)
    assert approved.approved_by == "admin" and not approved.awaiting_approval
    refused("already_approved", db_path, services.impartiality.approve, team.committee2, medium.id)
    # a second committee member has not signed this year's declaration yet
    sqlite_or_pg_delete_declaration(services, "comm2")
    refused(
        "no_impartiality_declaration",
        db_path,
        services.committee.vote,
        team.committee2,
        case_no,
        "approve",
        "同意",
    )
    detail = services.committee.vote(team.committee, case_no, "approve", "同意")
    assert detail.status == "approved"


def sqlite_or_pg_delete_declaration(services: Services, name: str) -> None:
    """Take a user's declaration away (as if never signed), through the store."""
    with services.db.transaction() as session:
        user = session.scalar(select(m.User).where(m.User.name == name))
        assert user is not None
        for row in session.scalars(
            select(m.ImpartialityDeclaration).where(m.ImpartialityDeclaration.user_id == user.id)
        ):
            session.delete(row)


def test_the_recorder_of_a_medium_risk_does_not_approve_it(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("draft")
    recorded = services.impartiality.declare(
        team.admin,
        "comm1",
        credit_code=org_of(services, case_no),
        kind="family",
        starts_on=date(2022, 1, 1),
        risk="medium",
        mitigation="配偶在该组织任普通职员",
    )
    assert recorded.recorded_by == "admin" and recorded.awaiting_approval
    refused("recorded_it", db_path, services.impartiality.approve, team.admin, recorded.id)
    assert services.impartiality.approve(team.committee2, recorded.id).approved_by == "comm2"


# -- bad input: refused with a clear line, nothing changed ---------------------------------------------
def test_bad_declarations_are_refused_and_change_nothing(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    code = org_of(services, make_case("draft"))
    declare = services.impartiality.declare
    base: dict[str, Any] = {
        "credit_code": code,
        "kind": "consultant",
        "starts_on": date(2024, 1, 1),
        "risk": "low",
    }
    error = refused(
        "bad_dates", db_path, declare, team.leader, "leader", **{**base, "ends_on": date(2023, 12, 31)}
    )
    assert error.message_en == "a declared interest cannot end (2023-12-31) before it starts (2024-01-01)"
    assert "不能早于" in error.message_zh
    error = refused(
        "bad_interest_kind", db_path, declare, team.leader, "leader", **{**base, "kind": "cousin"}
    )
    assert "former_employee, consultant, family, financial, competing" in error.message_en
    refused("bad_risk", db_path, declare, team.leader, "leader", **{**base, "risk": "extreme"})
    refused("not_found", db_path, declare, team.admin, "nobody", **base)
    refused(
        "bad_credit_code", db_path, declare, team.leader, "leader", **{**base, "credit_code": code[:-1] + "0"}
    )
    refused("missing_mitigation", db_path, declare, team.leader, "leader", **{**base, "risk": "medium"})
    refused(
        "wrong_role", db_path, declare, team.leader, "member", **base
    )  # someone else's: the admin records
    item = declare(team.leader, "leader", **base)
    refused("bad_dates", db_path, services.impartiality.end, team.leader, item.id, date(2023, 1, 1))
    refused("wrong_role", db_path, services.impartiality.end, team.member, item.id, date(2025, 1, 1))
    refused("not_found", db_path, services.impartiality.end, team.leader, 999, date(2025, 1, 1))
    refused("not_medium_risk", db_path, services.impartiality.approve, team.admin, item.id)
    services.impartiality.end(team.leader, item.id, date(2025, 1, 1))
    refused("already_ended", db_path, services.impartiality.end, team.leader, item.id, date(2025, 2, 1))


def test_bad_person_records_are_refused_and_change_nothing(
    services: Services, team: Team, db_path: Path | str
) -> None:
    put = services.people.set
    refused("bad_qualification", db_path, put, team.admin, "member", qualification="guru")
    refused("not_found", db_path, put, team.admin, "nobody", qualification="auditor")
    refused("wrong_role", db_path, put, team.clerk, "member", qualification="senior")
    refused(
        "bad_id_type",
        db_path,
        put,
        team.admin,
        "member",
        qualification="auditor",
        id_type="07",
        id_number="x1",
    )
    refused(
        "bad_id_number",
        db_path,
        put,
        team.admin,
        "member",
        qualification="auditor",
        id_type="01",
        id_number="110105194912310021",
    )
    refused("missing_value", db_path, put, team.admin, "member", qualification="auditor", id_type="01")
    refused("bad_area", db_path, put, team.admin, "member", qualification="auditor", areas=["catering"])
    refused(
        "bad_dates",
        db_path,
        put,
        team.admin,
        "member",
        qualification="auditor",
        valid_from=date(2027, 1, 1),
        valid_until=date(2026, 1, 1),
    )
    refused(
        "bad_registration_no",
        db_path,
        put,
        team.admin,
        "member",
        qualification="auditor",
        registration_no="注册 1",
    )
    refused(
        "missing_value",
        db_path,
        put,
        team.admin,
        "comm1",
        qualification="auditor",
        valid_until=date(2029, 1, 1),
    )
    refused("bad_year", db_path, services.impartiality.sign, team.member, 2025)
    refused("bad_year", db_path, services.impartiality.sign, team.member, 2028)
    refused("already_signed", db_path, services.impartiality.sign, team.member)
    assert services.impartiality.sign(team.member, 2027).year == 2027  # next year's, early


def test_a_stale_edit_of_a_person_is_refused(services: Services, team: Team, db_path: Path | str) -> None:
    seen = services.people.get(team.admin, "member")
    services.people.set(team.admin, "member", qualification="senior", expected_version=seen.version)
    before = dump(db_path)
    with pytest.raises(Conflict):
        services.people.set(team.admin, "member", qualification="auditor", expected_version=seen.version)
    assert dump(db_path) == before


# -- identity numbers ---------------------------------------------------------------------------------
def test_identity_numbers_are_masked_everywhere_but_the_regulators_report(
    services: Services, team: Team, db_path: Path | str
) -> None:
    view = services.people.set(
        team.admin, "leader", qualification="senior", id_type="01", id_number=ID_NUMBER.lower()
    )
    assert view.id_number_masked == "1101**********002X" and view.id_type == "01"
    assert services.people.get(team.leader, "leader").id_number_masked == "1101**********002X"
    events = services.log.events("leader", 100)
    assert events and all(ID_NUMBER not in json.dumps(e.after, ensure_ascii=False) for e in events)
    # a change inside the masked middle is still recorded
    services.people.set(
        team.admin, "leader", qualification="senior", id_type="01", id_number="110105194912310206"
    )
    last = services.log.events("leader", 1)[0]
    assert last.action == "person.set" and last.after["id_number_changed"] is True
    refused("wrong_role", db_path, services.people.identities_for_regulator_report, team.admin, ["leader"])
    found = services.people.identities_for_regulator_report(team.clerk, ["leader", "member"])
    assert [(i.user_name, i.id_number, i.qualification_code) for i in found] == [
        ("leader", "110105194912310206", "01"),
        ("member", None, "02"),
    ]
    disclosed = next(e for e in services.log.events(None, 20) if e.action == "person.identity_disclosed")
    assert disclosed.user_name == "clerk" and disclosed.after == {
        "people": ["leader", "member"],
        "purpose": "regulator_report",
    }
    # nothing but the report reads it whole: no view, no event, no list holds it
    assert "110105194912310206" not in repr(services.people.list(team.admin))
    assert all("110105194912310206" not in e.after_text for e in _raw_events(services))


def _raw_events(services: Services) -> list[Any]:
    class Raw:
        def __init__(self, before: str, after: str) -> None:
            self.after_text = before + after

    with services.read() as session:
        return [Raw(e.before, e.after) for e in session.scalars(select(m.Event))]


# -- who reads what -------------------------------------------------------------------------------------
def test_people_read_their_own_record_and_admins_and_clerks_everyones(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    code = org_of(services, make_case("draft"))
    services.impartiality.declare(
        team.member, "member", credit_code=code, kind="competing", starts_on=date(2021, 1, 1), risk="low"
    )
    services.impartiality.declare(
        team.admin,
        "leader",
        credit_code=code,
        kind="former_employee",
        starts_on=date(2010, 1, 1),
        ends_on=date(2015, 1, 1),
        risk="low",
    )
    assert [p.user_name for p in services.people.list(team.member)] == ["member"]
    assert len(services.people.list(team.clerk)) == 8
    refused("wrong_role", db_path, services.people.get, team.member, "leader")
    assert services.people.get(team.clerk, "leader").qualification == "auditor"
    assert [i.user_name for i in services.impartiality.list(team.member)] == ["member"]
    refused("wrong_role", db_path, services.impartiality.list, team.member, "leader")
    assert {i.user_name for i in services.impartiality.list(team.admin, credit_code=code)} == {
        "member",
        "leader",
    }
    names = {d.user_name for d in services.impartiality.declarations(team.admin, 2026)}
    assert names == {"leader", "member", "outsider", "comm1", "comm2", "dual", "clerk"}
    assert [d.user_name for d in services.impartiality.declarations(team.member)] == ["member"]


def test_training_and_witnessed_audits(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("onsite_audit")
    view = services.people.add_training(
        team.admin,
        "member",
        taken_on=date(2025, 11, 20),
        title="GB/T 27922-2011 标准培训",
        hours="16",
        provider="CCAA",
    )
    assert [(t.title, str(t.hours)) for t in view.training] == [("GB/T 27922-2011 标准培训", "16")]
    refused(
        "bad_date",
        db_path,
        services.people.add_training,
        team.admin,
        "member",
        taken_on=date(2026, 3, 3),
        title="x",
    )
    refused(
        "bad_number",
        db_path,
        services.people.add_training,
        team.admin,
        "member",
        taken_on=date(2026, 1, 1),
        title="x",
        hours="-2",
    )
    refused(
        "missing_value",
        db_path,
        services.people.add_training,
        team.admin,
        "member",
        taken_on=date(2026, 1, 1),
        title=" ",
    )
    view = services.people.add_witnessed_audit(
        team.admin,
        "member",
        witnessed_on=date(2026, 3, 2),
        witness="刘洋（高级审核员）",
        outcome="competent",
        case_no=case_no,
    )
    assert [(w.case_no, w.outcome) for w in view.witnessed_audits] == [(case_no, "competent")]
    refused(
        "not_on_team", db_path, services.people.add_witnessed_audit, team.admin, "outsider",
        witnessed_on=date(2026, 3, 2), witness="x", outcome="competent", case_no=case_no,
    )  # fmt: skip
    refused(
        "bad_outcome", db_path, services.people.add_witnessed_audit, team.admin, "member",
        witnessed_on=date(2026, 3, 2), witness="x", outcome="great",
    )  # fmt: skip
    refused(
        "wrong_role", db_path, services.people.add_witnessed_audit, team.clerk, "member",
        witnessed_on=date(2026, 3, 2), witness="x", outcome="competent",
    )  # fmt: skip


def test_the_cooling_setting_is_bounded(services: Services, team: Team, db_path: Path | str) -> None:
    refused("bad_setting", db_path, services.settings.set, team.admin, "consultancy_cooling_years", 1)
    assert services.settings.set(team.admin, "consultancy_cooling_years", 3) == 3
