"""Four eyes on power (issue 10, point 4): every role grant is recorded with who granted it; where
the body has two or more admins, admin, committee or any role given to oneself waits for a second
admin; a certificate whose whole chain one person's fresh accounts took is flagged `one_hand_chain`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.services.oversight import one_hand_findings

from ..conftest import CREDIT_CODES, PASSWORD, Clock, Team, dump, qualify

RUBRIC = "sbt10401-2006-production"


def refused(code: str, db_path: Path | str, call, *args, **kwargs) -> Refused:  # type: ignore[no-untyped-def]
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message_en
    assert dump(db_path) == before, "a refused call changed the database"
    return info.value


def test_grants_are_recorded_with_who_granted_them(services: Services, team: Team) -> None:
    services.users.add(team.admin, "newclerk", PASSWORD, ["clerk"])
    mine = [g for g in services.grants.list(team.admin) if g.user == "newclerk"]
    assert [(g.role, g.granted_by, g.status) for g in mine] == [("clerk", "admin", "granted")]
    assert services.users.get("newclerk").roles == ("clerk",)
    with pytest.raises(Refused) as info:
        services.grants.list(team.clerk)
    assert info.value.code == "wrong_role"


def test_a_self_granted_committee_role_waits_for_a_second_admin(
    services: Services, team: Team, db_path: Path
) -> None:
    # with one admin nobody could approve: his grant is immediate (and recorded)
    services.users.add(team.admin, "admin2", PASSWORD, ["admin"])
    second = services.users.login("admin2", PASSWORD)
    # now two admins: the admin gives himself the committee role — it waits
    view = services.users.set_roles(team.admin, "admin", ["admin", "committee"])
    assert view.roles == ("admin",)
    pending = services.grants.list(team.admin, pending_only=True)
    assert [(g.user, g.role, g.granted_by) for g in pending] == [("admin", "committee", "admin")]
    grant_id = pending[0].id
    # he does not hold it: he may not vote
    assert "committee" not in services.users.get("admin").roles
    # his own approval is refused, the database unchanged
    error = refused("own_grant", db_path, services.grants.approve, team.admin, grant_id)
    assert "second admin" in error.message_en and "另一名管理员" in error.message_zh
    # a non-admin may not approve either
    refused("wrong_role", db_path, services.grants.approve, team.clerk, grant_id)
    approved = services.grants.approve(second, grant_id)
    assert (approved.status, approved.approved_by) == ("approved", "admin2")
    assert services.users.get("admin").roles == ("admin", "committee")
    refused("grant_not_pending", db_path, services.grants.approve, second, grant_id)


def test_granting_admin_or_committee_to_another_waits_and_the_grantee_may_not_approve(
    services: Services, team: Team, db_path: Path
) -> None:
    services.users.add(team.admin, "admin2", PASSWORD, ["admin"])
    second = services.users.login("admin2", PASSWORD)
    created = services.users.add(team.admin, "newcomm", PASSWORD, ["committee", "clerk"])
    assert created.roles == ("clerk",)  # the clerk role needs no second admin
    services.users.add(second, "admin3", PASSWORD, ["admin"])
    assert services.users.get("admin3").roles == ()
    (grant,) = [g for g in services.grants.list(team.admin, pending_only=True) if g.user == "admin3"]
    refused("own_grant", db_path, services.grants.approve, second, grant.id)
    services.grants.approve(team.admin, grant.id)
    third = services.users.login("admin3", PASSWORD)
    (comm,) = [g for g in services.grants.list(third, pending_only=True) if g.user == "newcomm"]
    services.grants.approve(third, comm.id)
    assert services.users.get("newcomm").roles == ("clerk", "committee")


def _fresh_chain(services: Services, team: Team, clock: Clock, sample_file: Path) -> tuple[str, str]:
    """One admin creates a clerk, an auditor and a committee member and they take a case from
    application to certificate within days."""
    for name, roles in {"c1": ["clerk"], "a1": ["auditor"], "m1": ["committee"]}.items():
        services.users.add(team.admin, name, PASSWORD, roles)
    qualify(services, team.admin, "a1")
    clerk, auditor, member = (services.users.login(n, PASSWORD) for n in ("c1", "a1", "m1"))
    for actor in (clerk, auditor, member):
        services.impartiality.sign(actor)
    case_no = services.cases.create(
        clerk,
        org_name="一手电器有限公司",
        credit_code=CREDIT_CODES[90],
        enterprise_type="production",
        headcount=120,
        scope="家用电器的售后服务",
    ).case_no
    for item in range(1, 13):
        if item == 2:
            services.cases.mark_material_not_applicable(clerk, case_no, item, "三证合一")
        else:
            services.cases.set_material_files(clerk, case_no, item, [sample_file])
    services.cases.submit(clerk, case_no)
    services.cases.accept(clerk, case_no, contract_no="HT-1H", fee="30000")
    services.cases.assign_team(clerk, case_no, "a1")
    services.cases.record_review(auditor, case_no, outcome="pass", note="ok")
    for _, indicator in services.rubrics.get(RUBRIC).rubric.indicators():
        services.audits.set_points(auditor, case_no, indicator.code, indicator.max_points)
    services.audits.conclude(auditor, case_no, "建议通过")
    clock.now += timedelta(days=3)
    services.committee.vote(member, case_no, "approve", "同意")
    return case_no, services.certificates.issue(clerk, case_no).number


def test_a_chain_of_one_admins_fresh_accounts_is_flagged(
    services: Services,
    team: Team,
    clock: Clock,
    sample_file: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from audit_workbench.cli import main

    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)

    ordinary = services.cases.create(
        team.clerk,
        org_name="寻常电器有限公司",
        credit_code=CREDIT_CODES[91],
        enterprise_type="production",
        headcount=50,
        scope="家用电器的售后服务",
    ).case_no
    case_no, number = _fresh_chain(services, team, clock, sample_file)
    found = one_hand_findings(services)
    assert [(f.kind.value, f.certificate, f.case_no) for f in found] == [("one_hand_chain", number, case_no)]
    assert "admin" in found[0].message_en and "30" in found[0].message_zh
    board = services.dashboard.overview(team.clerk)
    assert [f.certificate for f in board.one_hand_chains] == [number]
    assert ordinary not in {f.case_no for f in found}
    # `certificate check` reports it (exit 2)
    assert main(["--db", str(db_path), "--user", "clerk", "certificate", "check"]) == 2
