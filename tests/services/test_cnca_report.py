"""The monthly report to CNCA: a month of activity through the services, read back cell by cell from
the exported workbook; nothing written while a required field is missing (a draft lists them); each
event reported in one month's file, a late one with a remark, and a month re-run byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from audit_workbench.core import cnca
from audit_workbench.core.errors import Refused
from audit_workbench.core.people import resident_id_check_character
from audit_workbench.services import Services
from audit_workbench.services.cnca import CncaService

from ..conftest import CaseMaker, Clock, Team, dump

APPROVAL = "CNCA-R-2016-999"


def refused(code: str, db_path: Path | str, call, *args, **kwargs) -> Refused:  # type: ignore[no-untyped-def]
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message_en
    assert info.value.message_zh  # every refusal speaks Chinese too
    assert dump(db_path) == before
    return info.value


def resident_id(first17: str) -> str:
    return first17 + resident_id_check_character(first17)


def at(clock: Clock, month: int, day: int) -> None:
    clock.now = datetime(2026, month, day, 9, 0, tzinfo=UTC)


def settle(services: Services, team: Team) -> None:
    """The body's settings and its auditors' identities, entered once."""
    for key, value in (
        ("cnca_approval_no", APPROVAL.lower() + " "),
        ("cnca_project_code", "c02"),
        ("cnca_service_area", "S03"),
        ("cnca_branch", "示例服务认证中心华东分部"),
        ("cnca_plan_prefix", "R0001"),
    ):
        services.settings.set(team.admin, key, value)
    for name, first17 in (("leader", "11010519800101001"), ("member", "31011519850202002")):
        registration = services.people.get(team.admin, name).registration_no
        services.people.set(
            team.admin,
            name,
            qualification="auditor",
            registration_no=registration,
            id_type="01",
            id_number=resident_id(first17),
        )


def particulars(services: Services, team: Team, case_no: str) -> str:
    code = services.cases.get(case_no).organization.credit_code
    services.cnca.set_particulars(
        team.clerk, code, industry="3851", phone="021-5555 0101", contact="李经理", confirm=True
    )
    return code


def certified(services: Services, team: Team, make_case: CaseMaker) -> str:
    """A case certified after its organisation's address was recorded (the report needs it)."""
    case_no = make_case("approved")
    code = services.cases.get(case_no).organization.credit_code
    services.organizations.change(team.clerk, code, address="上海市浦东新区张江路 100 号", reason="登记地址")
    services.certificates.issue(team.clerk, case_no)
    return case_no


def surveillance(services: Services, team: Team, number: str) -> str:
    case_no = services.certificates.open_follow_up(team.clerk, number, "surveillance")
    services.cases.assign_team(team.clerk, case_no, "leader", ["member"])
    services.cases.record_review(team.leader, case_no, outcome="pass", note="体系文件无重大变化")
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    for _, indicator in rubric.indicators():
        services.audits.set_points(team.leader, case_no, indicator.code, indicator.max_points)
    services.audits.conclude(team.leader, case_no, "体系运行有效")
    services.committee.vote(team.committee, case_no, "approve", "同意")
    services.certificates.issue(team.clerk, case_no)
    return case_no


def sheet_rows(path: Path, name: str) -> list[dict[str, str]]:
    """The data rows of a sheet (from C8) as field → text, by the field names of row 1."""
    ws = load_workbook(path)[name]
    fields = [ws.cell(1, c).value for c in range(cnca.DATA_COLUMN, ws.max_column + 1)]
    rows = []
    for r in range(cnca.DATA_ROW, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in range(cnca.DATA_COLUMN, ws.max_column + 1)]
        if any(values):
            rows.append({str(f): ("" if v is None else str(v)) for f, v in zip(fields, values, strict=True)})
    return rows


@pytest.fixture
def month(services: Services, team: Team, make_case: CaseMaker, clock: Clock) -> dict[str, str]:
    """March 2026: two first issues, a surveillance, a rename, a suspension and a withdrawal."""
    settle(services, team)
    first, second = certified(services, team, make_case), certified(services, team, make_case)
    code_a, code_b = particulars(services, team, first), particulars(services, team, second)
    number_a = services.cases.get(first).certificate.number  # type: ignore[union-attr]
    number_b = services.cases.get(second).certificate.number  # type: ignore[union-attr]
    services.cnca.set_audit(
        team.clerk, first, datetime(2026, 2, 26).date(), datetime(2026, 2, 27).date(), "both"
    )
    at(clock, 3, 10)
    follow = surveillance(services, team, number_a)
    at(clock, 3, 15)
    old_name = services.cases.get(second).organization.name
    services.organizations.change(
        team.clerk, code_b, name="沈阳北垦农业装备股份有限公司", reason="营业执照更名"
    )
    at(clock, 3, 20)
    services.certificates.suspend(
        team.clerk, number_a, "监督发现严重不符合", code="0111", until=datetime(2026, 6, 20).date()
    )
    at(clock, 3, 25)
    services.certificates.withdraw(team.clerk, number_b, "组织主动放弃", code="0122")
    at(clock, 4, 2)
    return {
        "first": first,
        "second": second,
        "follow": follow,
        "a": number_a,
        "b": number_b,
        "code_a": code_a,
        "code_b": code_b,
        "old_name": old_name,
    }


def test_a_month_of_activity_read_back_row_by_row(
    services: Services, team: Team, month: dict[str, str], tmp_path: Path, db_path: Path | str
) -> None:
    out = tmp_path / "cnca-2026-03.xlsx"
    result = services.cnca.export(team.clerk, "2026-03", out)
    assert not result.draft and (result.certificates, result.results, result.plans) == (6, 10, 3)
    wb = load_workbook(out)
    assert wb.sheetnames == ["证书信息表", "审核结果信息表", "审核计划信息表"]
    for name, code in (("证书信息表", "103010"), ("审核结果信息表", "103011"), ("审核计划信息表", "102010")):
        ws = wb[name]
        assert ws["A1"].value == code and ws["B1"].value == "字段名称" and ws["A5"].value == name
        assert (
            ws["A8"].value == "从C8元格开始填写上报信息" and ws["C8"].value == APPROVAL
        ) or name == "审核计划信息表"
    assert [c.value for c in wb["证书信息表"][1]][2:6] == [
        "RZJG_ID",
        "RZJG_KEY_ID",
        "ORG_NAME",
        "ORG_NAME_EN",
    ]
    plan_fields = [c.value for c in wb["审核计划信息表"][1]][2:]
    assert (
        "RZJG_ID" not in plan_fields and "CERT_NUMBER" not in plan_fields and plan_fields[-1] == "AUDIT_MODE"
    )

    certs = sheet_rows(out, "证书信息表")
    kinds = [(r["CERT_NUMBER"], r["REPORT_TYPE"], r["APPR_AC_CODE"], r["CERTI_STATUS"]) for r in certs]
    a, b = month["a"], month["b"]
    assert kinds == [
        (a, "01", "01", "01"),  # first issue
        (b, "01", "01", "01"),
        (a, "03", "03", "01"),  # surveillance that kept the certificate
        (b, "04", "05", "01"),  # the rename
        (a, "05", "05", "02"),  # suspended
        (b, "05", "05", "03"),  # withdrawn
    ]
    issue_a, issue_b, watch, rename, suspend, withdraw = certs
    code_a = month["code_a"]
    assert issue_a["RZJG_ID"] == APPROVAL and issue_a["RZJG_KEY_ID"] == "示例服务认证中心华东分部"
    assert issue_a["ORG_CODE"] == code_a[8:17] and issue_a["ORG_DISTRICT"] == code_a[2:8]
    assert issue_a["BEL_INDUSTRY"] == "3851" and issue_a["ORG_PHONE"] == "021-5555 0101"
    assert issue_a["ORG_COUNTRY"] == "156" and issue_a["ORG_PEOP_NUM"] == "120"
    assert issue_a["AUTH_PROJ_CODE"] == "C02" and issue_a["Service_area_code"] == "S03"
    assert issue_a["FIRST_CERT_DATE"] == "2026-03-02" and issue_a["AWARD_DATE"] == "2026-03-02"
    assert issue_a["CERTI_E_DATE"] == "2029-03-01"
    assert (issue_a["APPR_S_DATE"], issue_a["APPR_E_DATE"]) == ("2026-02-26", "2026-02-27")  # as recorded
    assert (issue_b["APPR_S_DATE"], issue_b["APPR_E_DATE"]) == ("2026-03-02", "2026-03-02")  # from the log
    assert issue_a["CHK_P_LIST"] == "comm1" and issue_a["APP_ASS_DATE"] == "2026-03-02"
    assert issue_a["REV_CERTI_FEE"] == "30000" and issue_a["REV_CERTI_FEE_CURR"] == "01"
    assert issue_a["INVOICE_NUM"] == "HT-0" and issue_a["BUSI_COVER_SCOP"] == "家用电器的售后服务"
    assert Decimal(issue_a["CHK_PD_NUM"]) > 0 and issue_a["A_AUTH_TIMES"] == "0"
    assert issue_a["FETCH_S_DATE"] == "2026-03-01" and issue_a["FETCH_E_DATE"] == "2026-03-31"
    assert watch["SUSE_TIMES"] == "1" and watch["APP_ASS_DATE"] == "2026-03-10"
    assert rename["ORG_NAME"] == "沈阳北垦农业装备股份有限公司" and rename["ORG_O_NAME"] == month["old_name"]
    assert (rename["CHG_DATE"], rename["CHG_TYP_CODE"], rename["IS_CHG_CERTI"]) == ("2026-03-15", "0101", "1")
    assert rename["CHK_P_LIST"] == "clerk" and rename["APPR_S_DATE"] == ""
    assert (suspend["PAUSE_S_DATE"], suspend["PAUSE_E_DATE"], suspend["PAUSE_CAUSE"]) == (
        "2026-03-20",
        "2026-06-20",
        "0111",
    )
    assert suspend["CHG_TYP_CODE"] == "0197"
    assert (withdraw["CANCEL_DATE"], withdraw["CANCEL_CAUSE"]) == ("2026-03-25", "0122")
    assert withdraw["ORG_NAME"] == "沈阳北垦农业装备股份有限公司"

    results = sheet_rows(out, "审核结果信息表")
    assert [(r["CERT_NUMBER"], r["APPR_STAGE"], r["FULL_NAME"], r["APPR_M_ROLE"]) for r in results] == [
        (a, "0101", "leader", "01"),
        (a, "0102", "leader", "01"),
        (a, "0101", "member", "02"),
        (a, "0102", "member", "02"),
        (b, "0101", "leader", "01"),
        (b, "0102", "leader", "01"),
        (b, "0101", "member", "02"),
        (b, "0102", "member", "02"),
        (a, "0301", "leader", "01"),
        (a, "0301", "member", "02"),
    ]
    leader = results[1]
    assert (leader["APPR_S_DATE"], leader["APPR_E_DATE"]) == ("2026-02-26 09:00:00", "2026-02-27 17:00:00")
    assert leader["IDENTITY_CODE"] == "01" and leader["ID_CODE"] == resident_id("11010519800101001")
    assert leader["QUA_CODE"] == "02" and leader["APT_CERTI_NUM"].startswith("2024-N1SC-")
    assert (leader["IS_PROF_M"], leader["IS_SPECIAL"], leader["RZJG_ID"]) == ("1", "1", APPROVAL)

    plans = sheet_rows(out, "审核计划信息表")
    assert [p["AUDIT_PLAN_CODE"] for p in plans] == [
        "R0001" + month["first"],
        "R0001" + month["second"],
        "R0001" + month["follow"],
    ]
    plan = plans[0]
    assert plan["AUDIT_MODE"] == "FS03" and plans[1]["AUDIT_MODE"] == "FS01"
    assert plan["AUDIT_ACT_TYPE"] == "0102" and plans[2]["AUDIT_ACT_TYPE"] == "0301"
    assert plan["AUDIT_INSPECTOR"] == (
        f"{resident_id('11010519800101001')}，leader，01；{resident_id('31011519850202002')}，member，02"
    )
    assert plan["AUDIT_START_DATE"] == "2026-02-26 09:00:00" and plan["ORG_CONTACT_PERSON"] == "李经理"
    assert plan["ORG_CODE"] == code_a[8:17] and plan["AUTH_PROJ_CODE"] == "C02"

    # a complete report marks its six events as reported: nothing is pending for March any more
    pending = services.cnca.pending()
    assert pending is not None and (pending.deadline.isoformat(), pending.count) == ("2026-04-10", 0)


def test_a_complete_month_is_marked_and_a_rerun_gives_the_same_bytes(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, tmp_path: Path, db_path: Path | str
) -> None:
    settle(services, team)
    first = certified(services, team, make_case)
    particulars(services, team, first)
    at(clock, 4, 3)
    second = certified(services, team, make_case)
    particulars(services, team, second)
    assert services.cnca.pending() is not None and services.cnca.pending().count == 1  # type: ignore[union-attr]

    april = tmp_path / "april.xlsx"
    result = services.cnca.export(team.clerk, "2026-04", april)
    assert not result.gaps and result.late == 1  # March's issue was never reported: it comes now
    certs = sheet_rows(april, "证书信息表")
    assert [r["REMARK"] for r in certs] == ["补报：2026-03 的事件", ""]
    assert services.cnca.pending().count == 0  # type: ignore[union-attr]

    # March now has nothing to report: its event went into April's file
    march = services.cnca.gather(team.clerk, "2026-03")
    assert march.certificates == [] and march.complete

    # the same month again: the same bytes, nothing marked twice
    at(clock, 4, 9)
    before = april.read_bytes()
    again = services.cnca.export(team.clerk, "2026-04", april, force=True)
    assert april.read_bytes() == before and again.late == 1


def test_bad_input_is_refused_with_a_clear_line_and_nothing_written(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, tmp_path: Path, db_path: Path | str
) -> None:
    case_no = make_case("certified")
    code = services.cases.get(case_no).organization.credit_code
    out = tmp_path / "report.xlsx"
    at(clock, 4, 2)
    # no approval number: refused even for a draft
    error = refused(
        "cnca_no_approval_number", db_path, services.cnca.export, team.clerk, "2026-03", out, draft=True
    )
    assert "cnca_approval_no" in error.message_en and "批准号" in error.message_zh
    settle(services, team)
    # an organisation code that contradicts the credit code
    error = refused(
        "org_code_contradicts", db_path, services.cnca.set_particulars, team.clerk, code, org_code="MA0000000"
    )
    assert code[8:17] in error.message_en
    refused("bad_industry", db_path, services.cnca.set_particulars, team.clerk, code, industry="38A")
    # a month in the future, or not a month
    refused("future_month", db_path, services.cnca.export, team.clerk, "2026-05", out)
    refused("bad_month", db_path, services.cnca.export, team.clerk, "2026-13", out)
    # a file that cannot be written: a missing folder, an existing file without --force
    refused("no_folder", db_path, services.cnca.export, team.clerk, "2026-03", tmp_path / "nope" / "r.xlsx")
    out.write_bytes(b"keep")
    refused("exists", db_path, services.cnca.export, team.clerk, "2026-03", out)
    assert out.read_bytes() == b"keep"
    # a bad setting value
    refused("bad_setting", db_path, services.settings.set, team.admin, "cnca_service_area", "TOO-LONG")
    # the report is the clerk's: an auditor may not export it
    refused("wrong_role", db_path, services.cnca.export, team.leader, "2026-03", tmp_path / "x.xlsx")
    # a missing required field is named with where to fill it in
    error = refused(
        "cnca_incomplete", db_path, services.cnca.export, team.clerk, "2026-03", tmp_path / "y.xlsx"
    )
    assert "BEL_INDUSTRY" in error.message_en and f"org set {code} --industry" in error.message_en


def test_the_shown_codes_come_from_the_credit_code(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    case_no = make_case("certified")
    code = services.cases.get(case_no).organization.credit_code
    shown = services.cnca.particulars(code)
    assert (shown.org_code, shown.district_code, shown.confirmed) == (code[8:17], code[2:8], False)
    confirmed = services.cnca.set_particulars(team.clerk, code, org_code=code[8:17].lower(), confirm=True)
    assert confirmed.confirmed and confirmed.org_code == code[8:17]
    # an organisation's own district (a site registered elsewhere) may be entered
    assert services.cnca.set_particulars(team.clerk, code, district="310115").district_code == "310115"


def test_the_code_tables_and_template_are_valid_data() -> None:
    service = CncaService.__new__(CncaService)
    template, codes = service.template, service.codes
    assert len(template.sheet(cnca.CERTIFICATES).columns) == 73
    assert template.sheet(cnca.RESULTS).fields[:3] == ("RZJG_ID", "CERT_NUMBER", "APPR_STAGE")
    assert len(template.sheet(cnca.PLANS).columns) == 15
    assert codes.report_type["status_change"].code == "05" and codes.audit_mode["both"].code == "FS03"


def test_the_dashboards_reminder_reads_the_log_by_its_index_not_the_whole_log(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    """From the 1st to the 10th every dashboard refresh counts the unreported events: on a body's
    log of millions of entries a scan took a second a refresh (issue 15's quiet run, 100,000 cases)."""
    from sqlalchemy import event, text

    settle(services, team)
    certified(services, team, make_case)
    at(clock, 4, 3)
    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        if "FROM events" in statement:
            captured.append((statement, parameters))

    event.listen(services.db.engine, "before_cursor_execute", capture)
    try:
        pending = services.cnca.pending()
    finally:
        event.remove(services.db.engine, "before_cursor_execute", capture)
    assert pending is not None and pending.count == 1
    ((statement, parameters),) = captured
    with services.db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            plan = " ".join(
                str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            )
            assert "ix_events_action_at" in plan and "SCAN events" not in plan, plan
        else:  # PostgreSQL: the index exists; the planner may still scan a table this small
            names = conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")
            ).scalars()
            assert "ix_events_action_at" in set(names)
