"""One organisation with a history: a new application never changes an organisation on record, a
rename or a move of a certified one is a certificate change that re-issues its certificates in force,
and the register, the case, the documents, the QR payload and verification always agree."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from audit_workbench.core import certsig
from audit_workbench.core.creditcode import complete
from audit_workbench.core.errors import NotFound, Refused
from audit_workbench.services import Services

from ..conftest import CaseMaker, Clock, Team, dump

NEW_NAME = "沈阳北垦农业装备股份有限公司"
REASON = "营业执照名称变更（2026年2月1日核准）"


def refused(code: str, db_path: Path | str, call, *args, **kwargs) -> Refused:  # type: ignore[no-untyped-def]
    """The call is refused with `code` and the database is byte-identical afterwards."""
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message_en
    assert dump(db_path) == before
    return info.value


def application(services: Services, team: Team, code: str, name: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return services.cases.create(
        team.clerk,
        org_name=name,
        credit_code=code,
        enterprise_type="production",
        headcount=80,
        scope="家用电器的售后服务",
        **kwargs,
    )


def test_an_application_with_a_known_code_and_another_name_renames_nothing(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("certified")
    certified = services.cases.get(case_no)
    code, name = certified.organization.credit_code, certified.organization.name
    cert = certified.certificate
    assert cert is not None
    error = refused("organization_exists", db_path, application, services, team, code, "冒名电器有限公司")
    # the refusal shows the organisation on record with its cases and certificates, and the choice
    assert name in error.message_en and case_no in error.message_en and cert.number in error.message_en
    assert "--existing-org" in error.message_en and "更正统一社会信用代码" in error.message_zh
    # an address alone differing is refused too (it used to be overwritten silently)
    refused("organization_exists", db_path, application, services, team, code, name, address="别处")

    # applying for the organisation on record: the case is made, the name only proposed
    draft = application(services, team, code, "冒名电器有限公司", address="别处", existing_organization=True)
    assert draft.organization.name == name  # the record, not what the application gave
    org = services.organizations.get(code)
    assert (org.name, org.address) == (name, "")
    (proposal,) = org.pending
    assert (proposal.case_no, proposal.name, proposal.address) == (draft.case_no, "冒名电器有限公司", "别处")
    # nothing certified moved: the case, the register and the signed payload keep the name
    assert services.cases.get(case_no).organization.name == name
    assert services.certificates.get(cert.number).organization.name == name
    assert services.certificates.verify(cert.payload).valid
    assert [e.action for e in services.log.events(code, limit=1)] == ["organization.propose"]
    # the same name (and no address) is the same organisation: no question to ask
    same = application(services, team, code, name)
    assert same.organization.name == name and len(services.organizations.get(code).pending) == 1


def test_a_rename_of_a_certified_organisation_reissues_its_certificate_and_everything_agrees(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, tmp_path: Path
) -> None:
    case_no = make_case("certified")
    before = services.cases.get(case_no)
    cert = before.certificate
    assert cert is not None
    code, old_name, old_payload = before.organization.credit_code, before.organization.name, cert.payload
    clock.now += timedelta(days=30)
    result = services.organizations.change(
        team.clerk, code, name=NEW_NAME, address="辽宁省沈阳市浑南区创新路158号", reason=REASON,
        effective_on=date(2026, 3, 15),
    )  # fmt: skip
    assert result.changed == ("name", "address") and result.kind == "0101"  # 组织更名
    assert result.reissued == (cert.number,)
    today = clock.now.date()

    # the register, the case, the PDF text, the QR payload and verify all say the new name
    now = services.certificates.get(cert.number)
    assert (now.number, now.issued_on, now.expires_on, now.grade) == (
        cert.number,
        cert.issued_on,
        cert.expires_on,
        cert.grade,
    )  # same number, same cycle and expiry, same grade
    assert now.organization.name == NEW_NAME and now.reissued_on == today and now.payload != old_payload
    assert services.cases.get(case_no).organization.name == NEW_NAME
    assert [r.organization for r in services.documents.register_rows()] == [NEW_NAME]
    pdf = services.documents.certificate_pdf(cert.number)
    from ..reports.pdf_tools import text_of

    page = text_of(pdf)
    assert NEW_NAME in page and old_name not in page and "辽宁省沈阳市浑南区创新路158号" in page
    assert "换证日期" in page
    path = tmp_path / "证书.pdf"
    path.write_bytes(pdf)
    from audit_workbench.services.documents import payload_from_pdf

    scanned = payload_from_pdf(path)
    assert scanned == now.payload
    claims = certsig.verify_payload(certsig.load_public_key(services.certificates.public_key_pem()), scanned)
    assert (claims.organization, claims.address, claims.reissued_on) == (
        NEW_NAME,
        "辽宁省沈阳市浑南区创新路158号",
        today,
    )
    assert (claims.issued_on, claims.expires_on) == (cert.issued_on, cert.expires_on)
    verified = services.certificates.verify(scanned)
    assert verified.valid and NEW_NAME in verified.reason

    # the old payload still carries a good signature, and is refused as superseded by the change
    old = services.certificates.verify(old_payload)
    assert not old.valid and old.status == "superseded"
    assert (old.superseded_on, old.change_kind) == (today, "0101")
    assert "superseded" in old.reason and NEW_NAME in old.reason

    # the history: who, when, why, from when; the change record; the log and the checks hold
    org = services.organizations.get(code)
    names = [(v.value, v.effective_on, v.reason) for v in org.history if v.field == "name"]
    assert names == [
        (old_name, before.created_at.date(), "first application"),
        (NEW_NAME, date(2026, 3, 15), REASON),
    ]
    (change,) = org.changes
    assert (change.certificate, change.kind, change.previous_name, change.name, change.changed_by) == (
        cert.number,
        "0101",
        old_name,
        NEW_NAME,
        "clerk",
    )
    assert services.log.verify().ok
    assert services.certificates.check() == []
    assert [e.action for e in services.log.events(cert.number, limit=1)] == ["certificate.change"]
    # as after every issue, the log up to the re-issue is signed with the body's key
    from audit_workbench.services.log import CHECKPOINT_ACTION

    assert [e.action for e in services.log.events(limit=1)] == [CHECKPOINT_ACTION]


def test_a_move_is_an_address_change_and_a_contact_change_reissues_nothing(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    case_no = make_case("certified")
    detail = services.cases.get(case_no)
    code = detail.organization.credit_code
    moved = services.organizations.change(
        team.clerk, code, address="上海市浦东新区张杨路1250号", reason="迁址"
    )
    assert moved.kind == "0102" and moved.reissued == (detail.certificate.number,)  # type: ignore[union-attr]
    assert (
        services.certificates.get(detail.certificate.number).organization.address
        == "上海市浦东新区张杨路1250号"
    )  # type: ignore[union-attr]
    contact = services.organizations.change(
        team.clerk, code, contact="王经理 021-12345678", reason="联系人变更"
    )
    assert contact.kind is None and contact.reissued == ()
    assert services.organizations.get(code).contact == "王经理 021-12345678"
    assert len(services.organizations.get(code).changes) == 1


def test_bad_changes_are_refused_and_change_nothing(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("certified")
    code = services.cases.get(case_no).organization.credit_code
    change = services.organizations.change
    refused("missing_value", db_path, change, team.clerk, code, name=NEW_NAME, reason="")  # no reason
    refused("missing_value", db_path, change, team.clerk, code, name=NEW_NAME, reason="   ")
    refused("missing_value", db_path, change, team.clerk, code, name="  ", reason=REASON)
    refused("no_change", db_path, change, team.clerk, code, reason=REASON)
    refused(
        "no_change",
        db_path,
        change,
        team.clerk,
        code,
        name=services.cases.get(case_no).organization.name,
        reason=REASON,
    )
    refused(
        "bad_date",
        db_path,
        change,
        team.clerk,
        code,
        name=NEW_NAME,
        reason=REASON,
        effective_on=date(2099, 1, 1),
    )
    refused("bad_change_kind", db_path, change, team.clerk, code, name=NEW_NAME, reason=REASON, kind="0102")
    refused("bad_change_kind", db_path, change, team.clerk, code, name=NEW_NAME, reason=REASON, kind="0197")
    refused("bad_change_kind", db_path, change, team.clerk, code, contact="x", reason=REASON, kind="0101")
    refused("wrong_role", db_path, change, team.leader, code, name=NEW_NAME, reason=REASON)
    refused("wrong_role", db_path, change, team.admin, code, name=NEW_NAME, reason=REASON)
    refused("bad_credit_code", db_path, change, team.clerk, "123", name=NEW_NAME, reason=REASON)
    refused(
        "not_found", db_path, change, team.clerk, complete("91110108MA01XYXYX"), name=NEW_NAME, reason=REASON
    )
    refused("too_long_for_certificate", db_path, change, team.clerk, code, name="某" * 200, reason=REASON)
    # 0110 证书信息勘误 may correct a name
    assert change(team.clerk, code, name=NEW_NAME, reason="名称录入错误", kind="0110").kind == "0110"


def test_proposals_are_applied_or_dismissed_by_a_clerk(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("certified")
    code = services.cases.get(case_no).organization.credit_code
    application(services, team, code, NEW_NAME, existing_organization=True)
    application(services, team, code, "另一个名称有限公司", existing_organization=True)
    first, second = sorted(services.organizations.get(code).pending, key=lambda p: p.id)
    refused("missing_value", db_path, services.organizations.dismiss, team.clerk, code, second.id, "")
    refused("wrong_role", db_path, services.organizations.dismiss, team.leader, code, second.id, "不是本组织")
    services.organizations.dismiss(team.clerk, code, second.id, "申请人笔误")
    refused("proposal_closed", db_path, services.organizations.dismiss, team.clerk, code, second.id, "again")
    result = services.organizations.change(team.clerk, code, proposal=first.id, reason=REASON)
    assert result.changed == ("name",) and result.proposals_applied == (first.id,) and result.reissued
    org = services.organizations.get(code)
    assert org.name == NEW_NAME and not org.pending
    assert {p.id: p.status for p in org.proposals} == {first.id: "applied", second.id: "dismissed"}
    with pytest.raises(NotFound):
        services.organizations.change(team.clerk, code, proposal=999, reason=REASON)


def test_a_certificate_out_of_force_keeps_what_it_certified(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    case_no = make_case("certified")
    detail = services.cases.get(case_no)
    number, old_name = detail.certificate.number, detail.organization.name  # type: ignore[union-attr]
    services.certificates.withdraw(team.clerk, number, "暂停期满未整改", code="0115")
    payload = services.certificates.get(number).payload
    result = services.organizations.change(
        team.clerk, detail.organization.credit_code, name=NEW_NAME, reason=REASON
    )
    assert result.reissued == ()
    cert = services.certificates.get(number)
    assert (cert.organization.name, cert.payload, cert.reissued_on) == (old_name, payload, None)
    shown = services.cases.get(case_no)
    assert shown.organization.name == old_name  # the case shows its certificate's organisation
    assert shown.current_organization is not None and shown.current_organization.name == NEW_NAME
    assert services.certificates.check() == []


def test_a_draft_corrects_only_an_organisation_that_is_its_own(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    certified = make_case("certified")
    code = services.cases.get(certified).organization.credit_code
    draft = make_case("draft")
    own_code = services.cases.get(draft).organization.credit_code
    fix = services.cases.update_application
    # the draft's own organisation (no other case, no certificate) is corrected, with a version
    fixed = fix(
        team.clerk, draft, org_name="更正后的名称有限公司", credit_code=own_code, headcount=9, scope="s"
    )
    assert fixed.organization.name == "更正后的名称有限公司"
    assert [v.value for v in services.organizations.get(own_code).history if v.field == "name"][
        -1
    ] == "更正后的名称有限公司"
    # switching the draft to a certified organisation's code with another name is refused
    refused(
        "organization_exists",
        db_path,
        fix,
        team.clerk,
        draft,
        org_name="别名",
        credit_code=code,
        headcount=9,
        scope="s",
    )
    # …with the recorded name it is that organisation; then the draft cannot rename it
    name = services.cases.get(certified).organization.name
    assert (
        fix(team.clerk, draft, org_name=name, credit_code=code, headcount=9, scope="s").organization.name
        == name
    )
    refused(
        "organization_in_use",
        db_path,
        fix,
        team.clerk,
        draft,
        org_name="改名",
        credit_code=code,
        headcount=9,
        scope="s",
    )


def test_an_organisation_too_long_for_a_certificate_is_refused_when_it_applies(
    services: Services, team: Team, db_path: Path | str
) -> None:
    error = refused(
        "too_long_for_certificate",
        db_path,
        application,
        services,
        team,
        complete("91110108MA01LNG00"),
        "某" * 120,
        address="某" * 250,
    )
    assert "QR" in error.message_en and "二维码" in error.message_zh
