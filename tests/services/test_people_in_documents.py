"""People by name in the documents (the login is no name), and a nonconformity's raised date."""

from __future__ import annotations

from datetime import timedelta

from ..conftest import PASSWORD, CaseMaker, Team, qualify


def test_the_report_names_people_and_dates_the_nonconformity(
    services, team: Team, make_case: CaseMaker, clock
) -> None:  # type: ignore[no-untyped-def]
    services.users.add(team.admin, "wanggang", PASSWORD, ["auditor"], "王刚")
    qualify(services, team.admin, "wanggang")
    wanggang = services.users.login("wanggang", PASSWORD)
    services.impartiality.sign(wanggang)
    case_no = make_case("document_review")
    services.cases.assign_team(team.clerk, case_no, "wanggang", ["member"])
    services.cases.record_review(wanggang, case_no, outcome="pass", note="齐全")
    raised_on = clock.now.date()
    services.audits.raise_nonconformity(
        wanggang, case_no, "1.1", "服务理念未公示", raised_on + timedelta(days=20)
    )
    clock.now += timedelta(days=3)
    (nc,) = services.cases.get(case_no).nonconformities
    services.audits.close_nonconformity(wanggang, case_no, nc.id, "已公示并培训")

    detail = services.cases.get(case_no)
    assert detail.person("wanggang") == "王刚"
    assert detail.nonconformities[0].raised_at.date() == raised_on

    doc = services.documents.audit_report_doc(case_no)
    (row,) = doc.nonconformities
    assert row.raised_on == raised_on, "the report's raised date is the day it was raised, not —"
    assert row.verification.startswith("王刚 ") and "wanggang" not in row.verification
    assert doc.team_leader == "王刚"
