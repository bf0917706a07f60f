"""Bounds on every input (issue 10, point 8): a bad text, number or file is refused by the service
that stores it, naming the field in English and Chinese, with the database unchanged; a row that
holds a control character from before still exports; a score sheet is read no further than its
rubric's rows, with a bounded message."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from audit_workbench.core.errors import Refused
from audit_workbench.services import Services

from ..conftest import CREDIT_CODES, PASSWORD, CaseMaker, Team, dump

RLO = "\u202e"  # right-to-left override
ESC = "\x1b[2J"  # a terminal escape: clear the screen


def refused(db_path: Path | str, call: Callable[[], Any], code: str) -> Refused:
    """The call is refused with `code`, in English and Chinese, and nothing in the database changed."""
    before = dump(db_path)
    with pytest.raises(Refused) as caught:
        call()
    assert caught.value.code == code, caught.value.message_en
    assert caught.value.message_zh != caught.value.message_en
    assert dump(db_path) == before
    return caught.value


def _new_case(services: Services, team: Team, **changes: Any) -> Callable[[], Any]:
    values: dict[str, Any] = {
        "org_name": "某某电器有限公司",
        "credit_code": CREDIT_CODES[-1],
        "enterprise_type": "production",
        "headcount": 120,
        "scope": "家用电器的售后服务",
    }
    values.update(changes)
    return lambda: services.cases.create(team.clerk, **values)


@pytest.mark.parametrize(
    ("changes", "code", "en", "zh"),
    [
        ({"org_name": f"某某电器{RLO}有限公司"}, "bad_text", "the organisation name", "组织名称"),
        ({"org_name": "某某电器\x00有限公司"}, "bad_text", "the organisation name", "组织名称"),
        ({"org_name": "某某电器\n有限公司"}, "bad_text", "the organisation name", "组织名称"),
        ({"org_name": "某" * 201}, "too_long", "the organisation name", "组织名称"),
        ({"address": f"某某路{ESC}1号"}, "bad_text", "the address", "地址"),
        ({"contact": "张三\t13800000000"}, "bad_text", "the contact", "联系人"),
        ({"scope": "家用电器\x07的售后服务"}, "bad_text", "the scope", "认证范围"),
        ({"scope": "家" * 4001}, "too_long", "the scope", "认证范围"),
        ({"headcount": 10**30}, "bad_headcount", "headcount", "人数"),
        ({"headcount": True}, "bad_headcount", "headcount", "人数"),
    ],
)
def test_an_application_with_a_bad_value_is_refused(
    services: Services, team: Team, db_path: Path, changes: dict[str, Any], code: str, en: str, zh: str
) -> None:
    error = refused(db_path, _new_case(services, team, **changes), code)
    assert en in error.message_en and zh in error.message_zh


def test_a_multi_line_scope_is_taken(services: Services, team: Team) -> None:
    detail = _new_case(services, team, scope="家用电器的配送、安装\n维修与回访")()
    assert detail.scope == "家用电器的配送、安装\n维修与回访"


@pytest.mark.parametrize(
    ("fee", "days", "why"),
    [
        ("1" * 40, None, "too large"),  # stored on SQLite and failed on PostgreSQL before
        ("1e308", None, "must be a number"),
        ("-0", None, "zero or more"),
        ("100000000.01", None, "at most"),
        ("30000.001", None, "multiple of 0.01"),
        ("NaN", None, "must be a number"),
        ("30000", "1000000000", "at most 365"),
        ("30000", "-0", "zero or more"),
    ],
)
def test_a_fee_or_days_out_of_range_are_refused(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, fee: str, days: str | None, why: str
) -> None:
    case_no = make_case("submitted")
    extra = {} if days is None else {"onsite_days": days, "override_reason": "大型企业"}
    error = refused(
        db_path,
        lambda: services.cases.accept(team.clerk, case_no, contract_no="HT-1", fee=fee, **extra),
        "bad_number",
    )
    assert why in error.message_en
    assert ("现场审查人日" if days else "费用") in error.message_zh


def test_a_contract_number_with_a_control_character_is_refused(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("submitted")
    error = refused(
        db_path,
        lambda: services.cases.accept(team.clerk, case_no, contract_no=f"HT{ESC}", fee="1"),
        "bad_text",
    )
    assert "the contract number" in error.message_en and "合同编号" in error.message_zh


def test_scores_notes_and_findings_are_bounded(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, tmp_path: Path
) -> None:
    case_no = make_case("onsite_audit")
    s, leader = services.audits, team.leader
    for call, code in [
        (lambda: s.set_points(leader, case_no, "1.1", "-0"), "bad_score"),
        (lambda: s.set_points(leader, case_no, "1.1", 1e308), "bad_score"),
        (lambda: s.set_points(leader, case_no, "1.1", "1" * 40), "bad_score"),
        (lambda: s.set_points(leader, case_no, "1.1", float("nan")), "bad_score"),
        (lambda: s.score_sample(leader, case_no, "2.2", 10**30, 1), "bad_score"),
        (lambda: s.set_points(leader, case_no, "1.1", "1", note=f"见{ESC}附件"), "bad_text"),
        (lambda: s.set_note(leader, case_no, "1.1", f"备注{RLO}"), "bad_text"),
        (lambda: s.raise_nonconformity(leader, case_no, "1.1", f"台账{RLO}不全"), "bad_text"),
        (lambda: s.conclude(leader, case_no, "建议\x00通过"), "bad_text"),
    ]:
        refused(db_path, call, code)
    # a note on several lines is a note
    s.set_points(leader, case_no, "1.1", "1", note="第一行\n第二行")
    assert services.cases.get(case_no).entries["1.1"].note == "第一行\n第二行"


def test_an_empty_file_is_neither_a_material_nor_evidence(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "空白.pdf"
    empty.write_bytes(b"")
    draft = make_case("draft")
    error = refused(
        db_path, lambda: services.cases.set_material_files(team.clerk, draft, 1, [empty]), "empty_file"
    )
    assert "空白.pdf" in error.message_en and "空文件" in error.message_zh
    onsite = make_case("onsite_audit")
    refused(
        db_path, lambda: services.audits.add_evidence(team.leader, onsite, "1.1", "照片", empty), "empty_file"
    )
    named = tmp_path / "照片\x1b.jpg"
    named.write_bytes(b"JPEG")
    error = refused(
        db_path, lambda: services.audits.add_evidence(team.leader, onsite, "1.1", "照片", named), "bad_text"
    )
    assert "the file name" in error.message_en and "文件名" in error.message_zh


def test_votes_reasons_organisations_and_names_are_bounded(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    review = make_case("committee_review")
    refused(
        db_path, lambda: services.committee.vote(team.committee, review, "approve", f"同意{RLO}"), "bad_text"
    )
    certified = make_case("certified")
    number = services.cases.get(certified).certificate.number  # type: ignore[union-attr]
    refused(
        db_path,
        lambda: services.certificates.suspend(team.clerk, number, f"逾期{ESC}", code="0199"),
        "bad_text",
    )
    code = services.cases.get(certified).organization.credit_code
    error = refused(
        db_path,
        lambda: services.organizations.change(team.clerk, code, name=f"新名称{RLO}有限公司", reason="更名"),
        "bad_text",
    )
    assert "the name" in error.message_en and "名称" in error.message_zh
    refused(
        db_path,
        lambda: services.organizations.change(team.clerk, code, address="新地址", reason="变更\x00"),
        "bad_text",
    )
    refused(
        db_path,
        lambda: services.users.add(team.admin, "newclerk", PASSWORD, ["clerk"], f"李{RLO}四"),
        "bad_text",
    )
    refused(db_path, lambda: services.users.add(team.admin, f"li{ESC}", PASSWORD, ["clerk"]), "bad_user_name")
    refused(db_path, lambda: services.users.add(team.admin, f"li{RLO}", PASSWORD, ["clerk"]), "bad_user_name")
    refused(db_path, lambda: services.settings.set(team.admin, "body_name", f"认证{ESC}中心"), "bad_text")


def _poison(services: Services) -> None:
    """What the services now refuse, written by SQL as an older version could have stored it."""
    with services.db.transaction() as session:
        session.execute(text("UPDATE organizations SET name = name || :bad"), {"bad": "\x01" + RLO})
        session.execute(text("UPDATE organization_versions SET value = value || :bad"), {"bad": "\x01" + RLO})
        session.execute(text("UPDATE certificates SET scope = scope || :bad"), {"bad": "\x0b" + RLO})
        session.execute(text("UPDATE indicator_scores SET note = :bad"), {"bad": "见\x1b[31m附件\x0c"})


def test_an_old_row_with_a_control_character_still_exports(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    case_no = make_case("certified")
    _poison(services)
    sheet = load_workbook(io.BytesIO(services.documents.score_sheet(team.leader, case_no)))
    cells = [c.value for row in sheet.worksheets[0].iter_rows() for c in row if isinstance(c.value, str)]
    assert "见\ufffd[31m附件\ufffd" in cells  # the note, its escape and form feed replaced
    assert not any("\x01" in v or RLO in v or "\x1b" in v for v in cells)
    for suffix in (".xlsx", ".csv"):
        out = tmp_path / f"register{suffix}"
        assert services.documents.register_export(out) == 1
    register = load_workbook(tmp_path / "register.xlsx")
    row = [c.value for c in register.worksheets[0][2]]
    assert "\ufffd" in row[4] and RLO not in row[4]  # the scope
    assert RLO not in (tmp_path / "register.csv").read_text(encoding="utf-8-sig")


def test_a_score_sheet_is_read_no_further_than_its_rubric_and_the_message_is_bounded(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("onsite_audit")
    data = services.documents.score_sheet(team.leader, case_no)
    book = load_workbook(io.BytesIO(data))
    ws = book["评分表"]
    first = ws.max_row + 1
    for r in range(first, first + 5000):
        ws.cell(r, 1, "9.9")  # no indicator of the rubric
    buffer = io.BytesIO()
    book.save(buffer)
    error = refused(
        db_path,
        lambda: services.documents.import_score_sheet(team.leader, case_no, buffer.getvalue()),
        "bad_sheet",
    )
    assert "rows after" in error.message_en and "were not read" in error.message_en
    assert "more" in error.message_en and len(error.message_en) < 5000
    assert "另有" in error.message_zh and len(error.message_zh) < 5000


def test_a_declared_interest_mitigation_is_bounded(services: Services, team: Team, db_path: Path) -> None:
    refused(
        db_path,
        lambda: services.impartiality.declare(
            team.leader,
            "leader",
            kind="consultant",
            credit_code=CREDIT_CODES[-2],
            starts_on=date(2020, 1, 1),
            risk="medium",
            mitigation=f"回避{RLO}",
        ),
        "bad_text",
    )
