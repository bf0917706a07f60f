"""The pipeline through the services: each step as the right user, and every refusal leaves the store unchanged."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest

from audit_workbench.core.errors import Conflict, Refused
from audit_workbench.services import Services

from ..conftest import CREDIT_CODES, FAST_HASHER, PASSWORD, CaseMaker, Clock, Team, dump, sign_this_year


def refused(code: str, db_path: Path, call, *args, **kwargs) -> Refused:  # type: ignore[no-untyped-def]
    """Run a call that must be refused with `code` and must leave every row as it was."""
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message_en
    assert dump(db_path) == before, "a refused call changed the database"
    return info.value


def test_application_needs_every_material_or_a_reason(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, sample_file: Path
) -> None:
    case_no = make_case("draft")
    services.cases.set_material_files(team.clerk, case_no, 1, [sample_file])
    error = refused("materials_missing", db_path, services.cases.submit, team.clerk, case_no)
    assert "2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12" in error.message_en
    refused(
        "missing_value", db_path, services.cases.mark_material_not_applicable, team.clerk, case_no, 2, "  "
    )
    refused(
        "bad_material", db_path, services.cases.mark_material_not_applicable, team.clerk, case_no, 13, "x"
    )
    for item in range(2, 13):
        services.cases.mark_material_not_applicable(team.clerk, case_no, item, "不适用")
    assert services.cases.submit(team.clerk, case_no).status == "submitted"
    # the stored file reads back and is checked against its hash
    sha = services.cases.get(case_no).materials[0].files[0].sha256
    assert services.cases.read_attachment(sha) == sample_file.read_bytes()


def test_accept_computes_audit_days_from_headcount_and_override_needs_reason(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("submitted")
    # 120 staff: IAF MD 5 band 86–125 → 7 on-site days; document review 0.5 day (≤ 500 staff)
    refused(
        "missing_value",
        db_path,
        services.cases.accept,
        team.clerk,
        case_no,
        contract_no="HT-1",
        fee="1",
        onsite_days="5",
    )
    refused("bad_number", db_path, services.cases.accept, team.clerk, case_no, contract_no="HT-1", fee="-3")
    refused(
        "bad_number",
        db_path,
        services.cases.accept,
        team.clerk,
        case_no,
        contract_no="HT-1",
        fee="1",
        onsite_days="5.3",
        override_reason="x",
    )
    detail = services.cases.accept(team.clerk, case_no, contract_no="HT-1", fee="28000.50")
    assert (detail.document_days, detail.onsite_days) == (Decimal("0.5"), Decimal(7))
    assert detail.fee == Decimal("28000.50")
    other = make_case("submitted")
    detail = services.cases.accept(
        team.clerk, other, contract_no="HT-2", fee="1", onsite_days="5.5", override_reason="两个厂区合并审核"
    )
    assert detail.onsite_days == Decimal("5.5") and detail.days_override_reason == "两个厂区合并审核"


def test_full_pipeline_records_every_step(services: Services, team: Team, make_case: CaseMaker) -> None:
    case_no = make_case("certified")
    detail = services.cases.get(case_no)
    assert detail.status == "certified"
    assert detail.certificate is not None and detail.certificate.grade == "five_star"
    assert detail.certificate.expires_on == date(2029, 3, 1)  # issued 2026-03-02, valid 3 years
    actions = [e.action for e in reversed(services.log.events(case_no, limit=500))]
    for expected in (
        "case.create",
        "case.submit",
        "case.accept",
        "team.assign",
        "review.record",
        "audit.conclude",
        "committee.vote",
        "committee.decide",
        "case.certify",
    ):
        assert expected in actions
    assert services.log.verify().ok


def test_only_the_audit_team_scores_and_only_on_site(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("document_review")
    refused("wrong_state", db_path, services.audits.set_points, team.leader, case_no, "1.1", "2")
    services.cases.record_review(team.member, case_no, outcome="pass", note="ok")
    refused("not_on_team", db_path, services.audits.set_points, team.outsider_auditor, case_no, "1.1", "2")
    refused("wrong_role", db_path, services.audits.set_points, team.clerk, case_no, "1.1", "2")
    refused("wrong_role", db_path, services.audits.set_points, team.admin, case_no, "1.1", "2")
    refused("bad_score", db_path, services.audits.set_points, team.member, case_no, "1.1", "3")  # max 2.5
    refused("bad_score", db_path, services.audits.set_points, team.member, case_no, "1.1", "1.2")
    refused("bad_score", db_path, services.audits.set_points, team.member, case_no, "1.1", "-0.5")
    refused("unknown_indicator", db_path, services.audits.set_points, team.member, case_no, "9.9", "1")
    refused("missing_value", db_path, services.audits.set_not_applicable, team.member, case_no, "4.3", "")
    change = services.audits.set_points(team.member, case_no, "1.1", "2.5", note="服务理念上墙")
    assert change.entry is not None and change.entry.points == Decimal("2.5") and change.version == 1


def test_sampled_indicator_from_counts(services: Services, team: Team, make_case: CaseMaker) -> None:
    case_no = make_case("onsite_audit")
    # 6.2 投诉记录, max 5: 20 sampled, 3 nonconforming → 5 × 17/20 = 4.25 → half-up to 0.5 → 4.5
    change = services.audits.score_sample(team.leader, case_no, "6.2", 20, 3, note="抽查投诉记录20份")
    assert change.entry is not None and change.entry.points == Decimal("4.5")
    assert (change.entry.sampled, change.entry.nonconforming) == (20, 3)


def test_conclude_needs_complete_scoring_and_no_open_nonconformity(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("onsite_audit")
    rubric = services.rubrics.get("sbt10401-2006-production").rubric
    codes = [i.code for _, i in rubric.indicators()]
    for code in codes[:-1]:
        services.audits.set_points(team.leader, case_no, code, rubric.indicator(code).max_points)
    error = refused("scoring_incomplete", db_path, services.audits.conclude, team.leader, case_no, "x")
    assert codes[-1] in error.message_en
    services.audits.set_not_applicable(team.leader, case_no, codes[-1], "企业无管理改进项目")
    nc = services.audits.raise_nonconformity(team.member, case_no, "5.1", "备件台账不全", date(2026, 4, 1))
    assert services.cases.get(case_no).awaiting_rectification
    refused("open_nonconformities", db_path, services.audits.conclude, team.leader, case_no, "x")
    refused("not_team_leader", db_path, services.audits.conclude, team.member, case_no, "x")
    services.audits.close_nonconformity(team.member, case_no, nc, "已补全备件台账并培训")
    detail = services.audits.conclude(team.leader, case_no, "建议五星级")
    assert detail.status == "committee_review"
    assert not detail.awaiting_rectification
    # 8.3 (2.5) removed: 97.5 / 97.5 × 100 = 100.0
    assert detail.recommended_total == Decimal("100.0") and detail.recommended_grade == "five_star"


def test_special_items(services: Services, team: Team, make_case: CaseMaker, db_path: Path) -> None:
    case_no = make_case("onsite_audit")
    services.audits.add_special(team.leader, case_no, "bonus", "行业内首家提供终身免费保养")
    refused("bonus_limit", db_path, services.audits.add_special, team.leader, case_no, "bonus", "另一项")
    services.audits.add_special(team.leader, case_no, "deduction", "未按规定公示三包条款")
    detail = services.cases.get(case_no)
    assert detail.score.special_deductions == 1 and detail.score.bonus == 1
    # the deduction opened a nonconformity that must be rectified
    assert [n.special for n in detail.nonconformities] == [True]


def test_committee_separation_of_duties(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("committee_review")
    refused("wrong_role", db_path, services.committee.vote, team.leader, case_no, "approve", "ok")
    refused("wrong_role", db_path, services.committee.vote, team.clerk, case_no, "approve", "ok")
    refused("wrong_role", db_path, services.committee.vote, team.admin, case_no, "approve", "ok")
    refused(
        "grade_not_lower",
        db_path,
        services.committee.vote,
        team.committee,
        case_no,
        "lower",
        "x",
        "five_star",
    )
    refused("missing_grade", db_path, services.committee.vote, team.committee, case_no, "lower", "x")
    detail = services.committee.vote(team.committee, case_no, "lower", "服务网点覆盖不足", "three_star")
    assert detail.status == "approved" and detail.decided_grade == "three_star"


def test_auditor_who_is_also_committee_cannot_vote_on_own_case(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("accepted")
    services.cases.assign_team(team.clerk, case_no, "dual")
    services.cases.record_review(team.auditor_committee, case_no, outcome="pass", note="ok")
    rubric = services.rubrics.get("sbt10401-2006-production").rubric
    for _, indicator in rubric.indicators():
        services.audits.set_points(team.auditor_committee, case_no, indicator.code, indicator.max_points)
    services.audits.conclude(team.auditor_committee, case_no, "ok")
    error = refused(
        "conflict_of_interest",
        db_path,
        services.committee.vote,
        team.auditor_committee,
        case_no,
        "approve",
        "ok",
    )
    assert "audited" in error.message_en and "参与" in error.message_zh
    # ...but the same person votes on a case they took no part in
    other = make_case("committee_review")
    assert services.committee.vote(team.auditor_committee, other, "approve", "ok").status == "approved"


def test_quorum_majority_and_tie(services: Services, team: Team, make_case: CaseMaker, db_path: Path) -> None:
    services.settings.set(team.admin, "committee_quorum", 2)
    case_no = make_case("committee_review")
    assert services.committee.vote(team.committee, case_no, "approve", "同意").status == "committee_review"
    refused("already_voted", db_path, services.committee.vote, team.committee, case_no, "reject", "改主意")
    detail = services.committee.vote(team.committee2, case_no, "reject", "不同意")
    # 1 approve : 1 reject is a tie → the case returns to the audit team for a new round
    assert detail.status == "onsite_audit" and detail.committee_round == 2 and detail.votes == ()
    services.audits.conclude(team.leader, case_no, "复核后维持")
    services.committee.vote(team.committee, case_no, "reject", "不同意")
    assert services.committee.vote(team.committee2, case_no, "reject", "不同意").status == "not_certified"


def test_approve_refused_when_score_did_not_pass(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("committee_review", full_marks=False)
    assert services.cases.get(case_no).recommended_grade is None
    refused("not_passed", db_path, services.committee.vote, team.committee, case_no, "approve", "ok")
    assert services.committee.vote(team.committee, case_no, "reject", "未达标").status == "not_certified"


def test_certificate_numbers_are_sequential_and_issue_needs_approval(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    pending = make_case("committee_review")
    refused("wrong_state", db_path, services.certificates.issue, team.clerk, pending)
    first = services.cases.get(make_case("certified")).certificate
    second = services.cases.get(make_case("certified")).certificate
    assert first is not None and second is not None
    assert (first.number, second.number) == ("AWB-2026-00001", "AWB-2026-00002")
    refused(
        "wrong_role",
        db_path,
        partial(services.certificates.suspend, code="0199"),
        team.leader,
        first.number,
        "x",
    )
    refused(
        "missing_value",
        db_path,
        partial(services.certificates.suspend, code="0199"),
        team.clerk,
        first.number,
        "",
    )
    assert (
        services.certificates.suspend(team.clerk, first.number, "监督审核逾期", code="0199").status
        == "suspended"
    )
    refused(
        "wrong_certificate_state",
        db_path,
        partial(services.certificates.suspend, code="0199"),
        team.clerk,
        first.number,
        "again",
    )
    assert services.certificates.restore(team.clerk, first.number, "已完成监督审核").status == "valid"
    assert (
        services.certificates.withdraw(team.clerk, first.number, "严重违反服务承诺", code="0199").status
        == "withdrawn"
    )
    refused("wrong_certificate_state", db_path, services.certificates.restore, team.clerk, first.number, "x")


def test_certificate_expires_and_verification_follows_the_register(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    cert = services.cases.get(make_case("certified")).certificate
    assert cert is not None
    assert services.certificates.verify(cert.payload).valid
    forged = cert.payload.replace(cert.payload.split(".")[1][:8], "AAAAAAAA")
    assert not services.certificates.verify(forged).valid
    clock.now = clock.now + timedelta(days=3 * 366)
    result = services.certificates.verify(cert.payload)
    assert not result.valid and result.status == "expired"


def test_renewal_supersedes_the_old_certificate(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    cert = services.cases.get(make_case("certified")).certificate
    assert cert is not None
    clock.now = clock.now + timedelta(days=3 * 365 - 60)
    renewal = services.certificates.open_follow_up(team.clerk, cert.number, "renewal")
    detail = services.cases.get(renewal)
    assert detail.kind == "renewal" and detail.status == "accepted"
    # renewal on-site days: ⅔ of 7 = 4.67 → rounded up to the half day = 5
    assert detail.onsite_days == Decimal(5)
    sign_this_year(services, team.leader, team.committee)  # three years on: this year's declarations
    services.cases.assign_team(team.clerk, renewal, "leader")
    services.cases.record_review(team.leader, renewal, outcome="pass", note="ok")
    rubric = services.rubrics.get(detail.rubric_id).rubric
    for _, indicator in rubric.indicators():
        services.audits.set_points(team.leader, renewal, indicator.code, indicator.max_points)
    services.audits.conclude(team.leader, renewal, "再认证通过")
    services.committee.vote(team.committee, renewal, "approve", "同意")
    new = services.certificates.issue(team.clerk, renewal)
    assert services.certificates.get(cert.number).status == "superseded"
    assert new.status == "valid" and new.number != cert.number


def test_optimistic_version_check_refuses_a_stale_score_edit(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("onsite_audit")
    first = services.audits.set_points(team.leader, case_no, "1.1", "2")
    services.audits.set_points(team.member, case_no, "1.1", "1.5", expected_version=first.version)
    before = dump(db_path)
    with pytest.raises(Conflict):
        services.audits.set_points(team.leader, case_no, "1.1", "2.5", expected_version=first.version)
    assert dump(db_path) == before
    assert services.cases.get(case_no).entries["1.1"].points == Decimal("1.5")


def test_rubric_choice_and_pinning(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    sales = services.cases.get(make_case("draft", enterprise_type="sales"))
    assert sales.rubric_id == "sbt10401-2006-sales"
    gbt = services.cases.get(make_case("draft", rubric_id="gbt27922-2011"))
    assert gbt.rubric_id == "gbt27922-2011"
    assert gbt.rubric_sha256 == services.rubrics.get("gbt27922-2011").sha256
    refused(
        "rubric_type_mismatch",
        db_path,
        services.cases.create,
        team.clerk,
        org_name="x",
        credit_code=CREDIT_CODES[0],
        enterprise_type="production",
        headcount=5,
        scope="x",
        rubric_id="sbt10401-2006-sales",
    )
    refused(
        "bad_credit_code",
        db_path,
        services.cases.create,
        team.clerk,
        org_name="x",
        credit_code="91110108MA01ABCDE0",
        enterprise_type="production",
        headcount=5,
        scope="x",
    )
    refused(
        "bad_headcount",
        db_path,
        services.cases.create,
        team.clerk,
        org_name="x",
        credit_code=CREDIT_CODES[0],
        enterprise_type="production",
        headcount=0,
        scope="x",
    )


def test_login_slows_down_after_three_failures_and_never_locks(
    services: Services, team: Team, clock: Clock
) -> None:
    for _ in range(3):
        with pytest.raises(Refused, match="wrong user name or password"):
            services.users.login("clerk", "wrong-password")
    with pytest.raises(Refused) as info:
        services.users.login("clerk", PASSWORD)
    assert info.value.code == "login_delayed"
    assert [e.action for e in services.log.events("clerk", limit=1)] == ["user.login_failed"]
    clock.now = clock.now + timedelta(seconds=1)
    assert services.users.login("clerk", PASSWORD).name == "clerk"


def test_withdraw_any_time_before_certification(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    for state in (
        "draft",
        "submitted",
        "accepted",
        "document_review",
        "onsite_audit",
        "committee_review",
        "approved",
    ):
        case_no = make_case(state)
        assert services.cases.withdraw(team.clerk, case_no, "申请方撤回").status == "withdrawn"
    certified = make_case("certified")
    refused("wrong_state", db_path, services.cases.withdraw, team.clerk, certified, "x")


def test_two_users_saving_the_same_score_the_second_is_refused(
    db_path, clock: Clock, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    """Two workstations (two service instances, two connections) edit one score from the same version."""
    case_no = make_case("onsite_audit")
    first = Services.open(db_path, clock=clock, hasher=FAST_HASHER)
    second = Services.open(db_path, clock=clock, hasher=FAST_HASHER)
    try:
        seen = first.cases.get(case_no).entry_versions.get("2.1", 0)
        assert second.cases.get(case_no).entry_versions.get("2.1", 0) == seen
        first.audits.set_points(team.leader, case_no, "2.1", "2.5", expected_version=seen)
        before = dump(db_path)
        with pytest.raises(Conflict):
            second.audits.set_points(team.member, case_no, "2.1", "1", expected_version=seen)
        assert dump(db_path) == before
        assert second.cases.get(case_no).entries["2.1"].points == Decimal("2.5")
    finally:
        first.close()
        second.close()


def test_application_corrections_while_draft(
    services: Services, team: Team, make_case: CaseMaker, db_path, sample_file: Path
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    detail = services.cases.update_application(
        team.clerk,
        case_no,
        org_name="更名后的电器有限公司",
        credit_code=CREDIT_CODES[5],
        headcount=300,
        scope="家用电器的配送、安装与维修服务",
        address="上海市浦东新区",
        expected_version=services.cases.get(case_no).version,
    )
    assert detail.organization.name == "更名后的电器有限公司" and detail.headcount == 300
    refused(
        "bad_credit_code",
        db_path,
        services.cases.update_application,
        team.clerk,
        case_no,
        org_name="x",
        credit_code="123",
        headcount=3,
        scope="x",
    )
    second = sample_file.with_name("第二份.pdf")
    second.write_bytes(b"%PDF-1.4 second")
    services.cases.set_material_files(team.clerk, case_no, 1, [sample_file])
    detail = services.cases.add_material_files(team.clerk, case_no, 1, [second])
    files = detail.materials[0].files
    assert [f.filename for f in files] == [sample_file.name, "第二份.pdf"]
    detail = services.cases.remove_material_file(team.clerk, case_no, 1, files[0].sha256)
    assert [f.filename for f in detail.materials[0].files] == ["第二份.pdf"]
    detail = services.cases.remove_material_file(team.clerk, case_no, 1, files[1].sha256)
    assert detail.materials[0].status == "missing"
    services.cases.mark_material_not_applicable(team.clerk, case_no, 2, "三证合一")
    for item in range(1, 13):
        if item != 2:
            services.cases.set_material_files(team.clerk, case_no, item, [sample_file])
    services.cases.submit(team.clerk, case_no)
    refused(
        "wrong_state",
        db_path,
        services.cases.update_application,
        team.clerk,
        case_no,
        org_name="x",
        credit_code=CREDIT_CODES[5],
        headcount=3,
        scope="x",
    )


def test_restore_puts_an_entry_back_in_one_edit(services: Services, team: Team, make_case: CaseMaker) -> None:
    case_no = make_case("onsite_audit")
    services.audits.set_not_applicable(team.leader, case_no, "4.3", "产品无需安装", note="核实产品说明书")
    old = services.cases.get(case_no).entries["4.3"]
    change = services.audits.set_points(team.leader, case_no, "4.3", "3")
    back = services.audits.restore(team.leader, case_no, "4.3", old, expected_version=change.version)
    assert back.entry == old
    assert (
        services.audits.restore(team.leader, case_no, "4.3", None, expected_version=back.version).entry
        is None
    )
    assert "4.3" not in services.cases.get(case_no).entries
