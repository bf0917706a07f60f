"""Complaints and appeals through the services, as the accreditor follows them (reference/
accreditation.md): deadlines in working days, investigators and panels independent of the case, an
upheld appeal reopening the decision, and every bad input refused with the database unchanged.
Runs on SQLite and, with AUDIT_WORKBENCH_TEST_PG, on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from audit_workbench.core.errors import Refused
from audit_workbench.services import Services

from ..conftest import CaseMaker, Clock, Team, dump


def refused(code: str, db_path: Path | str, call: Any, *args: Any, **kwargs: Any) -> Refused:
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message_en
    assert dump(db_path) == before, "a refused call changed the database"
    return info.value


def refused_case(services: Services, team: Team, make_case: CaseMaker) -> str:
    """A case the committee (comm1) refused: audited by leader and member, reviewed by leader."""
    case_no = make_case("committee_review")
    services.committee.vote(team.committee, case_no, "reject", "不符合要求")
    assert services.cases.get(case_no).status == "not_certified"
    return case_no


# -- complaints ------------------------------------------------------------------------------------------
def test_a_complaint_goes_from_received_to_closed_with_working_day_deadlines(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, db_path: Path | str
) -> None:
    case_no = make_case("onsite_audit")
    # received on Monday 2 March 2026: acknowledged within 5 working days, resolved within 30
    c = services.complaints.new(
        team.clerk, kind="auditor_behaviour", text="评审员现场态度粗暴", source="张先生", case_no=case_no
    )
    assert (c.status, c.received_on, c.acknowledge_by, c.case_no) == (
        "received",
        date(2026, 3, 2),
        date(2026, 3, 9),
        case_no,
    )
    # 30 working days: six weeks less the Qingming holiday (Mon 6 April) → Tuesday 14 April
    assert c.resolve_by == date(2026, 4, 14)
    assert services.complaints.acknowledge(team.clerk, c.id).status == "acknowledged"
    # the leader audited the case: not the investigator of a complaint about it
    error = refused("investigator_involved", db_path, services.complaints.assign, team.clerk, c.id, "leader")
    assert "took part in case" in error.message_en and "不能担任调查人" in error.message_zh
    c = services.complaints.assign(team.clerk, c.id, "outsider")
    assert (c.status, c.investigator) == ("investigated", "outsider")
    # only the investigator resolves it
    refused("not_the_investigator", db_path, services.complaints.resolve, team.auditor_committee, c.id, "x")
    refused("wrong_complaint_state", db_path, services.complaints.close, team.clerk, c.id)
    c = services.complaints.resolve(team.outsider_auditor, c.id, "已核实，对评审员进行培训并向投诉人致歉")
    assert c.status == "resolved" and c.resolution
    c = services.complaints.close(team.clerk, c.id)
    assert c.status == "closed" and c.overdue is None
    refused("wrong_complaint_state", db_path, services.complaints.assign, team.clerk, c.id, "member")
    # the investigator sees the complaints they investigate; an auditor may not register one
    assert [x.id for x in services.complaints.list(team.outsider_auditor)] == [c.id]
    assert services.complaints.list(team.member) == []
    refused("wrong_role", db_path, services.complaints.new, team.leader, kind="other", text="x")
    refused("bad_complaint_kind", db_path, services.complaints.new, team.clerk, kind="rudeness", text="x")


def test_a_complaint_past_its_deadlines_is_overdue(services: Services, team: Team, clock: Clock) -> None:
    c = services.complaints.new(team.clerk, kind="certificate_misuse", text="某公司在证书暂停期间仍宣传")
    assert c.source == "匿名" and c.case_no is None and c.overdue is None
    clock.now += timedelta(days=8)  # Tuesday 10 March: the acknowledgement was due on the 9th
    assert services.complaints.get(team.clerk, c.id).overdue == "acknowledge"
    services.complaints.assign(team.clerk, c.id, "comm2")  # assigning acknowledges it
    assert services.complaints.get(team.clerk, c.id).overdue is None
    clock.now = datetime(2026, 4, 15, 9, 0, tzinfo=clock.now.tzinfo)
    assert services.complaints.get(team.clerk, c.id).overdue == "resolve"
    assert [x.id for x in services.complaints.list(team.clerk, open_only=True)] == [c.id]


def test_the_bodys_own_holidays_move_the_deadlines(services: Services, team: Team) -> None:
    services.settings.set(team.admin, "calendar_holidays", ["2026-03-03", "2026-03-04"])
    services.settings.set(team.admin, "complaint_acknowledge_days", 3)
    c = services.complaints.new(team.clerk, kind="other", text="咨询收费问题")
    assert c.acknowledge_by == date(2026, 3, 9)  # Thu 5, Fri 6, Mon 9
    with pytest.raises(Refused) as info:
        services.settings.set(team.admin, "calendar_workdays", ["2026-02-30"])
    assert info.value.code == "bad_setting"


# -- appeals ---------------------------------------------------------------------------------------------
def test_an_appeal_decided_by_an_independent_panel_reopens_committee_review(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = refused_case(services, team, make_case)
    a = services.complaints.appeal_new(team.clerk, case_no, "评审组未考虑我方提交的整改证据")
    assert (a.subject, a.status, a.decision_on) == ("refusal", "received", date(2026, 3, 2))
    assert a.decide_by == date(2026, 5, 1)  # 60 days
    # comm1 voted on the refusal: not on the panel; nor the auditors who audited it
    for who in ("comm1", "leader", "member"):
        error = refused("panel_member_involved", db_path, services.complaints.panel, team.clerk, a.id, [who])
        assert "评议组成员" in error.message_zh
    refused("panel_member_role", db_path, services.complaints.panel, team.clerk, a.id, ["clerk"])
    a = services.complaints.panel(team.clerk, a.id, ["comm2", "outsider"])
    assert (a.status, a.panel) == ("panel", ("comm2", "outsider"))
    refused("not_on_panel", db_path, services.complaints.decide, team.auditor_committee, a.id, "upheld", "x")
    a = services.complaints.decide(team.committee2, a.id, "upheld", "整改证据有效，应重新评定")
    assert (a.status, a.outcome, a.decided_by) == ("decided", "upheld", "comm2")
    detail = services.cases.get(case_no)
    assert detail.status == "committee_review"
    # the committee decides again, and the new decision is recorded
    detail = services.committee.vote(team.auditor_committee, case_no, "approve", "申诉成立后重新审查，同意")
    assert detail.status == "approved"
    actions = [e.action for e in services.log.events(entity_id=case_no)]
    assert {"case.reopen", "committee.decide"} <= set(actions)
    refused("appeal_decided", db_path, services.complaints.decide, team.committee2, a.id, "rejected", "x")


def test_an_appeal_after_its_deadline_is_refused(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, db_path: Path | str
) -> None:
    case_no = refused_case(services, team, make_case)  # decided Monday 2 March 2026
    # 30 working days: six weeks → Monday 13 April (Qingming, Mon 6 April, costs a day → Tuesday 14)
    clock.now = datetime(2026, 4, 15, 9, 0, tzinfo=clock.now.tzinfo)
    error = refused("appeal_too_late", db_path, services.complaints.appeal_new, team.clerk, case_no, "不服")
    assert "2026-04-14" in error.message_en and "不予受理" in error.message_zh
    clock.now = datetime(2026, 4, 14, 9, 0, tzinfo=clock.now.tzinfo)
    assert services.complaints.appeal_new(team.clerk, case_no, "不服").subject == "refusal"


def test_a_rejected_appeal_changes_nothing_and_bad_appeals_are_refused(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    open_case = make_case("onsite_audit")
    refused("nothing_to_appeal", db_path, services.complaints.appeal_new, team.clerk, open_case, "不服")
    case_no = refused_case(services, team, make_case)
    refused("wrong_role", db_path, services.complaints.appeal_new, team.leader, case_no, "不服")
    refused(
        "nothing_to_appeal", db_path, services.complaints.appeal_new, team.clerk, case_no, "x", "suspension"
    )
    a = services.complaints.appeal_new(team.clerk, case_no, "不服")
    refused("appeal_pending", db_path, services.complaints.appeal_new, team.clerk, case_no, "再次申诉")
    services.complaints.panel(team.clerk, a.id, ["comm2"])
    refused("bad_outcome", db_path, services.complaints.decide, team.committee2, a.id, "maybe", "x")
    a = services.complaints.decide(team.committee2, a.id, "rejected", "原决定证据充分")
    assert a.outcome == "rejected" and services.cases.get(case_no).status == "not_certified"


def test_an_upheld_appeal_against_a_suspension_restores_the_certificate(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("certified")
    number = services.cases.get(case_no).certificate.number  # type: ignore[union-attr]
    services.certificates.suspend(team.clerk, number, "监督审核逾期", code="0199")
    a = services.complaints.appeal_new(team.clerk, case_no, "监督审核已按期预约")
    assert (a.subject, a.certificate) == ("suspension", number)
    refused("panel_member_involved", db_path, services.complaints.panel, team.clerk, a.id, ["comm1"])
    services.complaints.panel(team.clerk, a.id, ["comm2"])
    assert services.certificates.get(number).status == "suspended"
    a = services.complaints.decide(team.committee2, a.id, "upheld", "逾期系机构排期原因")
    assert services.certificates.get(number).status == "valid"


# -- the letter ----------------------------------------------------------------------------------------
def test_the_letter_states_the_outcome_and_the_right_to_complain_to_the_regulator(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    from audit_workbench.reports.letter_pdf import REGULATOR_RIGHT

    case_no = refused_case(services, team, make_case)
    a = services.complaints.appeal_new(team.clerk, case_no, "评审组未考虑整改证据")
    refused("no_outcome_yet", db_path, services.complaints.letter, team.clerk, "appeal", a.id)
    services.complaints.panel(team.clerk, a.id, ["comm2"])
    services.complaints.decide(team.committee2, a.id, "upheld", "整改证据有效")
    doc = services.complaints.letter(team.clerk, "appeal", a.id)
    assert doc.outcome.startswith("申诉成立") and "重新审查" in doc.follow_up
    assert doc.addressee == services.cases.get(case_no).organization.name
    pdf = services.complaints.letter_pdf(team.clerk, "appeal", a.id)
    assert pdf.startswith(b"%PDF") and pdf == services.complaints.letter_pdf(team.clerk, "appeal", a.id)
    assert "CNCA" in REGULATOR_RIGHT
    c = services.complaints.new(team.clerk, kind="audit_conduct", text="现场评审超时", source="李女士")
    refused("no_outcome_yet", db_path, services.complaints.letter, team.clerk, "complaint", c.id)
    services.complaints.assign(team.clerk, c.id, "comm2")
    services.complaints.resolve(team.committee2, c.id, "已核实并改进排期")
    doc = services.complaints.letter(team.clerk, "complaint", c.id)
    assert (doc.addressee, doc.reason, doc.subject) == ("李女士", "已核实并改进排期", "评审过程")
    refused("wrong_role", db_path, services.complaints.letter, team.leader, "complaint", c.id)


def test_the_dashboard_lists_complaints_and_appeals_past_their_deadlines(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    case_no = refused_case(services, team, make_case)
    a = services.complaints.appeal_new(team.clerk, case_no, "不服")
    c = services.complaints.new(team.clerk, kind="other", text="证书查询网址无法打开")
    board = services.dashboard.overview(team.clerk)
    assert board.overdue_complaints == () and board.overdue_appeals == ()
    clock.now = datetime(2026, 5, 4, 9, 0, tzinfo=clock.now.tzinfo)
    board = services.dashboard.overview(team.clerk)
    assert [(o.id, o.due, o.due_on) for o in board.overdue_complaints] == [
        (c.id, "acknowledge", date(2026, 3, 9))
    ]
    assert [(o.id, o.due, o.days_overdue) for o in board.overdue_appeals] == [(a.id, "decide", 3)]
    assert services.dashboard.overview(team.leader).overdue_complaints == ()


def test_a_grade_appeal_on_a_certificate_and_a_partly_upheld_suspension_appeal_change_no_record(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    case_no = make_case("certified")
    number = services.cases.get(case_no).certificate.number  # type: ignore[union-attr]
    a = services.complaints.appeal_new(team.clerk, case_no, "应评为五星级", "grade")
    assert (a.subject, a.certificate) == ("grade", number)
    services.complaints.panel(team.clerk, a.id, ["comm2"])
    services.complaints.decide(team.committee2, a.id, "upheld", "服务网点数据核算有误")
    # the grade of an issued certificate changes by a re-issue, not here: the letter says so
    assert services.cases.get(case_no).status == "certified"
    assert "等级变更" in services.complaints.letter(team.clerk, "appeal", a.id).follow_up
    services.certificates.suspend(team.clerk, number, "监督审核逾期", code="0199")
    b = services.complaints.appeal_new(team.clerk, case_no, "已预约监督审核")
    services.complaints.panel(team.clerk, b.id, ["comm2"])
    services.complaints.decide(team.committee2, b.id, "partly_upheld", "部分理由成立")
    assert services.certificates.get(number).status == "suspended"
    assert "另行作出决定" in services.complaints.letter(team.clerk, "appeal", b.id).follow_up
