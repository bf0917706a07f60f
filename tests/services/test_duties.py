"""Separation of duties by history: whoever ever took part in a case's evaluation — on the team at
any time, scored, reviewed, raised or closed a nonconformity, concluded — may not vote on it or issue
its certificate, whatever the team is today (issue 10, point 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_workbench.core.errors import Refused
from audit_workbench.core.policy import Action, explain
from audit_workbench.services import Services
from audit_workbench.services.participation import took_part

from ..conftest import PASSWORD, CaseMaker, Team, dump, qualify

RUBRIC = "sbt10401-2006-production"


def refused(code: str, db_path: Path | str, call, *args, **kwargs) -> Refused:  # type: ignore[no-untyped-def]
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message_en
    assert dump(db_path) == before, "a refused call changed the database"
    return info.value


def _on_site(services: Services, team: Team, make_case: CaseMaker, members: list[str]) -> str:
    case_no = make_case("accepted")
    services.cases.assign_team(team.clerk, case_no, "leader", members)
    services.cases.record_review(team.leader, case_no, outcome="pass", note="体系文件齐全")
    return case_no


def _finish(services: Services, team: Team, case_no: str) -> None:
    """The leader scores every indicator with full marks and concludes."""
    rubric = services.rubrics.get(RUBRIC).rubric
    for _, indicator in rubric.indicators():
        services.audits.set_points(team.leader, case_no, indicator.code, indicator.max_points)
    services.audits.conclude(team.leader, case_no, "建议通过")


def _user_id(services: Services, name: str) -> int:
    return services.users.get(name).id


def test_an_auditor_who_scored_then_left_the_team_may_not_vote(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = _on_site(services, team, make_case, ["dual"])
    first = next(iter(services.rubrics.get(RUBRIC).rubric.indicators()))[1]
    services.audits.set_points(team.auditor_committee, case_no, first.code, first.max_points)
    # the clerk takes him off the team; the leader re-scores everything, his score is overwritten
    services.cases.assign_team(team.clerk, case_no, "leader", ["member"])
    _finish(services, team, case_no)
    detail = services.cases.get(case_no)
    assert "dual" not in {t.user_name for t in detail.team}
    with services.read() as session:
        assert _user_id(services, "dual") in took_part(session, case_no)
        assert _user_id(services, "comm1") not in took_part(session, case_no)
    error = refused(
        "conflict_of_interest",
        db_path,
        services.committee.vote,
        team.auditor_committee,
        case_no,
        "approve",
        "同意",
    )
    assert "audited this case" in error.message_en and "参与" in error.message_zh
    # the window explains the disabled vote with the same words
    denial = explain(Action.vote, ["auditor", "committee"], detail.status, detail.relation_of("dual"))
    assert denial is not None and denial.code == "conflict_of_interest"
    # an independent member still decides
    assert services.committee.vote(team.committee, case_no, "approve", "同意").status == "approved"


def test_an_auditor_who_raised_a_nonconformity_may_not_vote(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = _on_site(services, team, make_case, ["dual"])
    nc = services.audits.raise_nonconformity(team.auditor_committee, case_no, None, "投诉处理记录不全")
    services.audits.close_nonconformity(team.leader, case_no, nc, "补全记录，评审组验证有效")
    services.cases.assign_team(team.clerk, case_no, "leader", ["member"])
    _finish(services, team, case_no)
    refused(
        "conflict_of_interest",
        db_path,
        services.committee.vote,
        team.auditor_committee,
        case_no,
        "approve",
        "同意",
    )
    with services.read() as session:
        assert took_part(session, case_no) >= {_user_id(services, n) for n in ("dual", "leader", "member")}


def test_a_clerk_who_audited_the_case_may_not_issue_its_certificate(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    services.users.add(team.admin, "clerkaud", PASSWORD, ["clerk", "auditor"])
    qualify(services, team.admin, "clerkaud")
    both = services.users.login("clerkaud", PASSWORD)
    services.impartiality.sign(both)
    case_no = _on_site(services, team, make_case, ["clerkaud"])
    services.cases.assign_team(team.clerk, case_no, "leader", [])
    _finish(services, team, case_no)
    services.committee.vote(team.committee, case_no, "approve", "同意")
    error = refused("conflict_of_interest", db_path, services.certificates.issue, both, case_no)
    assert "issue" in error.message_en and "颁发证书" in error.message_zh
    assert services.certificates.issue(team.clerk, case_no).number


def test_an_approval_with_a_grade_is_refused(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("committee_review")
    error = refused(
        "grade_ignored",
        db_path,
        services.committee.vote,
        team.committee,
        case_no,
        "approve",
        "同意",
        "three_star",
    )
    assert "lower" in error.message_en and "降级" in error.message_zh
    detail = services.committee.vote(team.committee, case_no, "lower", "网点不足", "three_star")
    assert detail.decided_grade == "three_star"


def test_the_vote_queue_leaves_out_an_auditor_taken_off_the_team_after_he_scored(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    """The dashboard's "waiting for me" asks the vote's own rule (the history, not today's team): it
    never lists a vote the service would refuse."""
    case_no = _on_site(services, team, make_case, ["dual"])
    first = next(iter(services.rubrics.get(RUBRIC).rubric.indicators()))[1]
    services.audits.set_points(team.auditor_committee, case_no, first.code, first.max_points)
    services.cases.assign_team(team.clerk, case_no, "leader", ["member"])
    _finish(services, team, case_no)
    assert services.cases.get(case_no).status == "committee_review"

    def votes_waiting(actor) -> set[str]:  # type: ignore[no-untyped-def]
        board = services.dashboard.overview(actor)
        return {w.case_no for w in board.work_queue if w.next_step == "vote"}

    assert case_no not in votes_waiting(team.auditor_committee)  # he scored it: the vote is refused
    assert case_no in votes_waiting(team.committee)  # an independent member is asked
    services.committee.vote(team.committee, case_no, "approve", "同意")
    assert services.cases.get(case_no).status == "approved"
    assert case_no not in votes_waiting(team.committee)
