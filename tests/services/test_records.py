"""Decisions backed by the log: a row edited behind the services' back (SQL on a copy of the file)
is found by comparing it with its own verified history, and issuing, re-issuing, suspending,
restoring or withdrawing refuses it, naming the case or certificate; `certificate check` lists every
disagreement as typed findings."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import text

from audit_workbench.core import certsig
from audit_workbench.core.errors import Refused
from audit_workbench.services import Services, records

from ..conftest import CaseMaker, Team, drop_retention, dump


def sql(services: Services, statement: str, **params: object) -> None:
    """An edit made outside the services, as someone with a copy of the database file could."""
    with services.db.transaction() as session:
        session.execute(text(statement), params)


def refused(code: str, db_path: Path | str, call, *args, **kwargs) -> Refused:  # type: ignore[no-untyped-def]
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message_en
    assert dump(db_path) == before
    return info.value


def test_a_decided_grade_edited_in_sql_makes_issue_refuse_and_name_the_case(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("committee_review")  # full marks: recommended five_star
    detail = services.committee.vote(
        team.committee, case_no, "lower", "证据不足以支持五星级", grade="three_star"
    )
    assert (detail.status, detail.decided_grade) == ("approved", "three_star")
    # the committee approved the recommended grade; someone sets five_star in the file
    sql(services, "UPDATE cases SET decided_grade = 'five_star' WHERE case_no = :c", c=case_no)
    error = refused("history_mismatch", db_path, services.certificates.issue, team.clerk, case_no)
    assert case_no in error.message_en and "decided grade is five_star in its record" in error.message_en
    assert detail.decided_grade in error.message_en
    assert case_no in error.message_zh and "决定等级" in error.message_zh
    # put back as decided, it issues — with the grade its log decided
    sql(services, "UPDATE cases SET decided_grade = :g WHERE case_no = :c", g=detail.decided_grade, c=case_no)
    assert services.certificates.issue(team.clerk, case_no).grade == detail.decided_grade


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("UPDATE cases SET recommended_total = '99.5' WHERE case_no = :c", "recommended total"),
        ("UPDATE cases SET recommended_grade = 'four_star' WHERE case_no = :c", "recommended grade"),
        (
            "UPDATE committee_votes SET grade = 'qualified', decision = 'lower' "
            "WHERE case_id = (SELECT id FROM cases WHERE case_no = :c)",
            "votes of round 1",
        ),
        (
            "UPDATE indicator_scores SET points = '0' WHERE code = '1.1' "
            "AND case_id = (SELECT id FROM cases WHERE case_no = :c)",
            "score of 1.1",
        ),
        (
            "DELETE FROM indicator_scores WHERE code = '8.3' AND case_id = (SELECT id FROM cases WHERE case_no = :c)",
            "score of 8.3",
        ),
        ("UPDATE cases SET committee_round = 2 WHERE case_no = :c", "committee round"),
        ("UPDATE cases SET rubric_id = 'gbt27922-2011' WHERE case_no = :c", "rubric"),
    ],
)
def test_any_decision_row_that_disagrees_with_its_log_is_refused(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str, statement: str, named: str
) -> None:
    case_no = make_case("approved")
    if statement.startswith("DELETE"):
        drop_retention(services)  # as someone with the file would: the log finds the gap by itself
    sql(services, statement, c=case_no)
    error = refused("history_mismatch", db_path, services.certificates.issue, team.clerk, case_no)
    assert f"case {case_no}" in error.message_en and named in error.message_en


def test_an_altered_event_is_named_and_decides_nothing(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("approved")
    # the committee's decision event rewritten to another grade, its hash left as it was
    sql(
        services,
        "UPDATE events SET after = replace(after, 'five_star', 'four_star') "
        "WHERE action = 'committee.decide' AND entity_id = :c",
        c=case_no,
    )
    error = refused("log_broken", db_path, services.certificates.issue, team.clerk, case_no)
    assert "committee.decide" in error.message_en and "altered" in error.message_en


def test_an_event_removed_from_a_case_breaks_its_links(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("approved")
    drop_retention(services)  # as someone with the file would: the log finds the gap by itself
    sql(services, "DELETE FROM events WHERE action = 'committee.vote' AND entity_id = :c", c=case_no)
    error = refused("log_broken", db_path, services.certificates.issue, team.clerk, case_no)
    assert "committee.decide" in error.message_en and "does not follow" in error.message_en


def test_a_register_row_edited_in_sql_is_found_and_refused(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("certified")
    number = services.cases.get(case_no).certificate.number  # type: ignore[union-attr]
    assert services.certificates.check() == []
    sql(services, "UPDATE certificates SET grade = 'qualified' WHERE number = :n", n=number)
    findings = services.certificates.check()
    kinds = {(f.kind, f.subject) for f in findings}
    assert (records.FindingKind.payload_mismatch, "grade") in kinds  # the signed payload says otherwise
    assert (records.FindingKind.history_mismatch, "grade") in kinds  # and so does its log
    assert all(f.certificate == number for f in findings)
    for action in (
        partial(services.certificates.suspend, code="0199"),
        partial(services.certificates.withdraw, code="0199"),
    ):
        error = refused("history_mismatch", db_path, action, team.clerk, number, "监督不合格")
        assert number in error.message_en and "qualified" in error.message_en
    refused(
        "history_mismatch",
        db_path,
        services.organizations.change,
        team.clerk,
        services.cases.get(case_no).organization.credit_code,
        name="改名后的组织有限公司",
        reason="更名",
    )


def test_a_payload_swapped_for_another_genuine_one_is_found(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    first = services.cases.get(make_case("certified")).certificate
    second = services.cases.get(make_case("certified")).certificate
    assert first is not None and second is not None
    # the second certificate's row given the first one's genuine, signed payload
    sql(services, "UPDATE certificates SET payload = :p WHERE number = :n", p=first.payload, n=second.number)
    findings = [f for f in services.certificates.check() if f.certificate == second.number]
    assert {f.kind for f in findings} == {
        records.FindingKind.payload_mismatch,
        records.FindingKind.history_mismatch,
    }
    assert any(f.subject == "number" for f in findings) and any(f.subject == "payload" for f in findings)


def test_a_forged_signature_is_found(services: Services, team: Team, make_case: CaseMaker) -> None:
    cert = services.cases.get(make_case("certified")).certificate
    assert cert is not None
    claims, _, _ = certsig.parse_payload(cert.payload)
    forged = certsig.sign_certificate(certsig.generate_private_key(), claims)  # another key
    sql(services, "UPDATE certificates SET payload = :p WHERE number = :n", p=forged, n=cert.number)
    kinds = {f.kind for f in services.certificates.check([cert.number])}
    assert records.FindingKind.signature_invalid in kinds


def test_restore_and_reissue_check_too_and_a_clean_register_has_no_findings(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    case_no = make_case("certified")
    number = services.cases.get(case_no).certificate.number  # type: ignore[union-attr]
    services.certificates.suspend(team.clerk, number, "未按期监督", code="0199")
    sql(services, "UPDATE certificates SET expires_on = '2099-12-31' WHERE number = :n", n=number)
    error = refused("history_mismatch", db_path, services.certificates.restore, team.clerk, number, "已监督")
    assert "expires_on" in error.message_en
    sql(services, "UPDATE certificates SET expires_on = :d WHERE number = :n", d="2029-03-01", n=number)
    assert services.certificates.check() == []
    assert services.certificates.restore(team.clerk, number, "已完成监督审核").status == "valid"


def test_a_further_check_joins_the_list_of_certificate_checks(
    services: Services, team: Team, make_case: CaseMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10's four-eyes check (or any other) joins by adding itself to CERTIFICATE_CHECKS."""
    number = services.cases.get(make_case("certified")).certificate.number  # type: ignore[union-attr]

    def every_certificate(services, session, cert, keys) -> Iterable[records.Finding]:  # type: ignore[no-untyped-def]
        yield records.Finding(
            records.FindingKind.history_mismatch, cert.number, None, "test", "seen by the test", "测试"
        )

    monkeypatch.setattr(records, "CERTIFICATE_CHECKS", [*records.CERTIFICATE_CHECKS, every_certificate])
    assert [(f.certificate, f.subject) for f in services.certificates.check()] == [(number, "test")]
