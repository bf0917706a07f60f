"""Retention (issue 13 point 6): inside its retention period (setting `retention_years`, default 6,
after the certificate's expiry, or after the decision of a case without one) no record of a
certification can be deleted — the certificate, its changes, its cases and every record hanging off
them, the organisation's rows, complaints and appeals, CNCA report records, and no event of the log
at all — by the services or by SQL (database triggers, SQLite and PostgreSQL); the database is
unchanged after each refusal. After the period they can be (except events); a case in progress
keeps none of its working records, so its scores, files, team and special items still change."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from audit_workbench.core.errors import Refused
from audit_workbench.core.workflow import CLOSED_STATES, CaseState
from audit_workbench.services import Services
from audit_workbench.storage import models as m
from audit_workbench.storage import retention

from ..conftest import CaseMaker, Team, dump

CASES = "(SELECT id FROM cases WHERE organization_id = :org)"
ON_CASES = f"case_id IN {CASES}"
# Every guarded table with the certified organisation's rows in it, in an order deletes can follow
# (children first; the follow-up case before the certificate it follows up, that before its case).
ROWS: list[tuple[str, str]] = [
    ("appeal_panel", f"appeal_id IN (SELECT id FROM appeals WHERE {ON_CASES})"),
    ("appeals", ON_CASES),
    ("complaints", ON_CASES),
    ("cnca_reported", "1 = 1"),
    ("review_findings", f"review_id IN (SELECT id FROM document_reviews WHERE {ON_CASES})"),
    ("document_reviews", ON_CASES),
    ("material_files", f"material_id IN (SELECT id FROM materials WHERE {ON_CASES})"),
    ("materials", ON_CASES),
    ("audit_team", ON_CASES),
    ("indicator_scores", ON_CASES),
    ("evidence", ON_CASES),
    ("special_items", ON_CASES),
    ("nonconformities", ON_CASES),
    ("committee_votes", ON_CASES),
    ("audit_plans", ON_CASES),
    ("witnessed_audits", ON_CASES),
    ("organization_proposals", "organization_id = :org"),
    ("certificate_changes", "certificate_id IN (SELECT id FROM certificates WHERE organization_id = :org)"),
    ("cases", "organization_id = :org AND parent_certificate_id IS NOT NULL"),  # the follow-up
    ("certificates", "organization_id = :org"),
    ("cases", "organization_id = :org"),
    ("organization_versions", "organization_id = :org"),
    ("organization_particulars", "organization_id = :org"),
    ("organizations", "id = :org"),
]
EVENTS = ("events", "1 = 1")
LONG_AGO = "2019-01-01 00:00:00"  # more than 6 years before any day these tests run


def _sql(services: Services, statement: str, **params: object) -> None:
    with services.db.transaction() as session:
        session.execute(text(statement), params)


def _count(services: Services, table: str, where: str, **params: object) -> int:
    with services.db.reading() as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"), params).scalar_one())


def _user_id(session: Session, name: str) -> int:
    user = session.scalar(select(m.User.id).where(m.User.name == name))
    assert user is not None
    return user


@pytest.fixture
def certified(services: Services, team: Team, make_case: CaseMaker) -> tuple[str, int]:
    """A certificate (its number, its organisation's id) with a record in every guarded table."""
    case_no = make_case("certified")
    number = services.cases.get(case_no).certificate.number  # type: ignore[union-attr]
    services.organizations.change(  # a certificate change: the certificate re-issued
        team.clerk,
        services.certificates.get(number).organization.credit_code,
        name="改名后的测试电器有限公司",
        reason="更名",
    )
    services.certificates.open_follow_up(team.clerk, number, "surveillance")
    now, today = services.now(), services.today()
    # the records the pipeline above did not make, as their services would store them
    with services.db.transaction() as session:
        cert = session.scalar(select(m.Certificate).where(m.Certificate.number == number))
        assert cert is not None
        case_id, org = cert.case_id, cert.organization_id
        clerk, leader = _user_id(session, "clerk"), _user_id(session, "leader")
        review = session.scalar(select(m.DocumentReview.id).where(m.DocumentReview.case_id == case_id))
        nc = m.Nonconformity(
            case_id=case_id,
            text="服务承诺未公示",
            deadline=today,
            status="closed",
            raised_by=leader,
            raised_at=now,
        )
        session.add(nc)
        session.flush()
        appeal = m.Appeal(
            case_id=case_id,
            certificate_id=cert.id,
            subject="grade",
            grounds="等级偏低",
            status="decided",
            decision_on=today,
            received_on=today,
            decide_by=today,
            recorded_by=clerk,
            recorded_at=now,
            outcome="rejected",
            reason="维持",
            decided_by=clerk,
            decided_at=now,
        )
        session.add_all(
            [
                m.ReviewFinding(review_id=review, text="组织结构图未更新"),
                m.Evidence(case_id=case_id, code="1.1", note="现场照片", added_by=leader, added_at=now),
                m.SpecialItem(
                    case_id=case_id,
                    kind="deduction",
                    reason="重大投诉",
                    nonconformity_id=nc.id,
                    created_by=leader,
                    created_at=now,
                ),
                m.AuditPlan(
                    case_id=case_id,
                    starts_on=today,
                    ends_on=today,
                    mode="onsite",
                    updated_at=now,
                    updated_by="clerk",
                ),
                m.WitnessedAudit(
                    user_id=leader,
                    witnessed_on=today,
                    witness="张评价",
                    case_id=case_id,
                    outcome="competent",
                    recorded_by=clerk,
                    recorded_at=now,
                ),
                m.OrganizationProposal(
                    organization_id=org,
                    case_id=case_id,
                    name="另一个名称",
                    proposed_at=now,
                    proposed_by="clerk",
                    status="dismissed",
                ),
                m.OrganizationParticulars(organization_id=org, updated_at=now, updated_by="clerk"),
                m.Complaint(
                    kind="audit_conduct",
                    text="审核迟到",
                    source="顾客",
                    case_id=case_id,
                    status="closed",
                    received_on=today,
                    acknowledge_by=today,
                    resolve_by=today,
                    recorded_by=clerk,
                    recorded_at=now,
                    closed_at=now,
                ),
                appeal,
            ]
        )
        session.flush()
        session.add(m.AppealPanelMember(appeal_id=appeal.id, user_id=_user_id(session, "outsider")))
        last = session.scalar(select(func.max(m.Event.seq)))
        session.add(m.CncaReported(event_seq=last, month="2026-03", reported_at=now, reported_by="clerk"))
    return number, org


def test_every_table_that_holds_a_record_of_a_certification_is_guarded() -> None:
    """Each table that hangs off a case, a certificate, an organisation or the log (by its foreign
    keys, however indirectly) has its trigger — a new table without one fails here."""
    m.load_detail_models()  # every table, not only those a start maps
    roots = {"cases", "certificates", "organizations", "events"}
    held = set(roots)
    grown = True
    while grown:
        more = {
            t.name
            for t in m.Base.metadata.sorted_tables
            if any(fk.column.table.name in held for fk in t.foreign_keys)
        }
        grown = not more <= held
        held |= more
    assert held == set(retention.tables())
    assert {table for table, _ in ROWS} | {EVENTS[0]} == held
    assert set(retention.DECIDED_STATES) == {s.value for s in CLOSED_STATES} | {CaseState.approved.value}


def test_no_path_deletes_a_record_of_a_certificate_in_its_retention_period(
    services: Services, team: Team, certified: tuple[str, int], db_path: Path | str
) -> None:
    number, org = certified
    before = dump(db_path)
    for table, where in [*ROWS, EVENTS]:
        assert _count(services, table, where, org=org) > 0, table
        with pytest.raises(DBAPIError) as info:
            _sql(services, f"DELETE FROM {table} WHERE {where}", org=org)
        assert retention.MESSAGE in str(info.value), table
        assert dump(db_path) == before, table
    # through the services' transaction: a refusal in both languages, nothing changed
    for model in (m.Certificate, m.IndicatorScore, m.Evidence):
        with pytest.raises(Refused) as refused, services.tx(team.admin) as tx:
            row = tx.session.scalars(select(model)).first()
            tx.session.delete(row)
        assert refused.value.code == "retained" and "保存期限" in refused.value.message_zh
        assert dump(db_path) == before
    with pytest.raises(Refused) as refused, services.tx(team.admin) as tx:
        tx.session.execute(delete(m.MaterialFile))
    assert refused.value.code == "retained"
    assert dump(db_path) == before
    assert number


def test_after_the_retention_period_the_records_may_go_but_never_an_event(
    services: Services, team: Team, certified: tuple[str, int], db_path: Path | str
) -> None:
    number, org = certified
    for statement in (
        "UPDATE certificates SET expires_on = :d WHERE organization_id = :org",
        "UPDATE cases SET updated_at = :t WHERE organization_id = :org",
        f"UPDATE complaints SET closed_at = :t WHERE {ON_CASES}",
        f"UPDATE appeals SET decided_at = :t WHERE {ON_CASES}",
        "UPDATE cnca_reported SET reported_at = :t",
    ):
        _sql(services, statement, d=LONG_AGO[:10], t=LONG_AGO, org=org)
    for table, where in ROWS:
        _sql(services, f"DELETE FROM {table} WHERE {where}", org=org)
        assert _count(services, table, where, org=org) == 0, table
    # the log is one chain: no event goes, whatever its age (a login or a user's change neither)
    before = dump(db_path)
    with pytest.raises(DBAPIError, match="retention"):
        _sql(services, "DELETE FROM events WHERE seq = 1")
    assert dump(db_path) == before
    assert services.log.verify().ok
    assert number


def test_a_longer_period_keeps_them_again(
    services: Services, team: Team, certified: tuple[str, int], db_path: Path | str
) -> None:
    number, _ = certified
    _sql(services, "UPDATE certificates SET expires_on = :d WHERE number = :n", d="2016-01-01", n=number)
    services.settings.set(team.admin, "retention_years", 20)
    before = dump(db_path)
    with pytest.raises(DBAPIError):
        _sql(services, "DELETE FROM certificate_changes")
    assert dump(db_path) == before
    with pytest.raises(Refused):
        services.settings.set(team.admin, "retention_years", 5)  # never fewer than 6


def test_a_decided_case_without_a_certificate_is_kept_from_its_decision(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    rejected = make_case("submitted")
    services.cases.reject(team.clerk, rejected, "材料不符合要求")
    withdrawn = make_case("committee_review")
    services.cases.withdraw(team.clerk, withdrawn, "申请方撤回")
    of_case = "case_id = (SELECT id FROM cases WHERE case_no = :c)"
    records = {
        rejected: [
            ("material_files", f"material_id IN (SELECT id FROM materials WHERE {of_case})"),
            ("materials", of_case),
        ],
        withdrawn: [("indicator_scores", of_case), ("audit_team", of_case), ("document_reviews", of_case)],
    }
    before = dump(db_path)
    for case_no, rows in records.items():
        for table, where in [*rows, ("cases", "case_no = :c")]:
            assert _count(services, table, where, c=case_no) > 0, (case_no, table)
            with pytest.raises(DBAPIError, match="retention"):
                _sql(services, f"DELETE FROM {table} WHERE {where}", c=case_no)
            assert dump(db_path) == before, (case_no, table)
    # decided long ago: they may go
    for case_no, rows in records.items():
        _sql(services, "UPDATE cases SET updated_at = :t WHERE case_no = :c", t=LONG_AGO, c=case_no)
        for table, where in rows:
            _sql(services, f"DELETE FROM {table} WHERE {where}", c=case_no)
            assert _count(services, table, where, c=case_no) == 0


def test_a_case_in_progress_keeps_changing_through_the_services(
    services: Services, team: Team, make_case: CaseMaker, certified: tuple[str, int], sample_file: Path
) -> None:
    """Scores cleared, a special item removed, the team replaced, files detached: deletes the
    triggers let through for a case in progress — a new one, or a surveillance of a certificate
    inside its retention period."""
    number, _ = certified
    with services.read() as session:
        follow_up = session.scalar(
            select(m.Case.case_no).where(
                m.Case.parent_certificate_id.is_not(None), m.Case.status == "accepted"
            )
        )
    assert follow_up is not None
    services.cases.assign_team(team.clerk, follow_up, "leader", ["member"])
    services.cases.record_review(team.leader, follow_up, outcome="pass", note="体系文件无重大变化")
    onsite = make_case("onsite_audit")
    for case_no in (onsite, follow_up):
        rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
        _, indicator = next(iter(rubric.indicators()))
        services.audits.set_points(team.leader, case_no, indicator.code, indicator.max_points)
        assert services.audits.clear(team.leader, case_no, indicator.code).entry is None
        assert indicator.code not in services.cases.get(case_no).entry_versions
        services.audits.add_special(team.leader, case_no, "deduction", "重大投诉")
        (item,) = services.cases.get(case_no).special_items
        services.audits.remove_special(team.leader, case_no, item.id, "误录")
        assert services.cases.get(case_no).special_items == ()
        services.cases.assign_team(team.clerk, case_no, "member", ["leader"])  # the team replaced
        assert services.cases.get(case_no).team_leader == "member"
    draft = make_case("draft")
    services.cases.set_material_files(team.clerk, draft, 1, [sample_file])
    digest = services.cases.get(draft).materials[0].files[0].sha256
    detail = services.cases.remove_material_file(team.clerk, draft, 1, digest)
    assert detail.materials[0].status == "missing"
    assert number
