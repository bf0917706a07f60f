"""Grade at surveillance (issue 13 point 5): a surveillance audit scored into another band goes to
the committee, who keep, lower or — a year after the grade was given (a setting) — raise it; a new
grade re-issues the certificate under its number and cycle with a new signature, as a recorded
certificate change; an early raise is refused and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.storage import models as m

from ..conftest import CaseMaker, Clock, Team, dump, sign_this_year


def _score(services: Services, team: Team, case_no: str, share: str) -> str | None:
    """Score every indicator at `share` of its maximum (0.5 steps) and conclude: the recommended grade."""
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    for _, indicator in rubric.indicators():
        points = ((indicator.max_points * Decimal(share)) * 2).quantize(Decimal("1")) / 2
        services.audits.set_points(team.leader, case_no, indicator.code, points)
    services.audits.conclude(team.leader, case_no, "评审完成")
    return services.cases.get(case_no).recommended_grade


def _surveillance(services: Services, team: Team, number: str, share: str) -> tuple[str, str | None]:
    sign_this_year(services, team.clerk, team.leader, team.member, team.committee, team.committee2)
    case_no = services.certificates.open_follow_up(team.clerk, number, "surveillance")
    services.cases.assign_team(team.clerk, case_no, "leader", ["member"])
    services.cases.record_review(team.leader, case_no, outcome="pass", note="体系文件无重大变化")
    return case_no, _score(services, team, case_no, share)


def test_a_lower_band_at_surveillance_reissues_the_certificate_under_its_number_with_the_new_grade(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    cert = services.cases.get(make_case("certified")).certificate
    assert cert is not None and cert.grade == "five_star"
    clock.now += timedelta(days=300)
    case_no, recommended = _surveillance(services, team, cert.number, "0.84")
    assert recommended == "three_star"
    services.committee.vote(team.committee, case_no, "approve", "监督审核得分下降，同意降为三星级")
    after = services.certificates.issue(team.clerk, case_no)
    assert (after.number, after.grade, after.issued_on, after.expires_on) == (
        cert.number,
        "three_star",
        cert.issued_on,
        cert.expires_on,
    )
    assert after.reissued_on == clock.now.date() and after.payload != cert.payload
    assert services.certificates.verify(after.payload).valid
    old = services.certificates.verify(cert.payload)
    assert not old.valid and old.status == "superseded" and old.change_kind == "0103"
    with services.read() as session:
        change = session.scalars(select(m.CertificateChange)).one()
        assert (change.kind, change.previous_grade, change.grade, change.case_no) == (
            "0103",
            "five_star",
            "three_star",
            case_no,
        )
        assert session.scalar(select(func.count()).select_from(m.Certificate)) == 1  # no new number
    assert services.cases.get(case_no).status == "certified"
    assert services.certificates.check() == []
    assert services.log.verify().ok


def test_the_committee_raises_the_grade_only_a_year_after_it_was_given_and_may_keep_it(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, db_path: Path | str
) -> None:
    case_no = make_case("onsite_audit")
    assert _score(services, team, case_no, "0.84") == "three_star"
    services.committee.vote(team.committee, case_no, "approve", "同意三星级")
    cert = services.certificates.issue(team.clerk, case_no)
    clock.now += timedelta(days=200)

    first, recommended = _surveillance(services, team, cert.number, "1")
    assert recommended == "five_star"
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        services.committee.vote(team.committee, first, "approve", "同意五星级")
    assert info.value.code == "raise_too_soon" and "lower --grade three_star" in info.value.message_en
    assert info.value.message_zh and dump(db_path) == before
    with pytest.raises(Refused) as info:  # nor by lowering to a grade still above the certificate's
        services.committee.vote(team.committee, first, "lower", "四星级", grade="four_star")
    assert info.value.code == "raise_too_soon"
    services.committee.vote(team.committee, first, "lower", "保持三星级", grade="three_star")  # keep
    kept = services.certificates.issue(team.clerk, first)
    assert (kept.grade, kept.payload, kept.reissued_on) == ("three_star", cert.payload, None)

    clock.now += timedelta(days=200)  # more than a year after the grade was given
    second, recommended = _surveillance(services, team, cert.number, "1")
    services.committee.vote(team.committee, second, "approve", "持续改进，同意提高为五星级")
    raised = services.certificates.issue(team.clerk, second)
    assert (raised.number, raised.grade) == (cert.number, "five_star")
    assert services.certificates.verify(raised.payload).valid
    assert services.certificates.check() == []


def test_the_raise_period_is_a_setting(services: Services, team: Team, db_path: Path | str) -> None:
    assert services.settings.get("grade_raise_after_months") == 12
    assert services.settings.set(team.admin, "grade_raise_after_months", 24) == 24
    before = dump(db_path)
    with pytest.raises(Refused):
        services.settings.set(team.admin, "grade_raise_after_months", 40)
    assert dump(db_path) == before
