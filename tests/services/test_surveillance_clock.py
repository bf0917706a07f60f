"""The surveillance clock (issue 13 point 4): what a certificate's surveillances count from, the
sweep that suspends an overdue one, withdraws after an unresolved suspension and marks expired ones,
reason codes on every suspension and withdrawal, and refusals that change nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from audit_workbench.core.datafiles import resources_dir
from audit_workbench.core.errors import Refused
from audit_workbench.core.statusreasons import load_status_reasons
from audit_workbench.services import Services
from audit_workbench.services.certificates import add_months, add_years
from audit_workbench.storage import models as m

from ..conftest import CaseMaker, Clock, Team, dump


def refused(expected: str, db_path: Path | str, call, *args, **kwargs) -> Refused:  # type: ignore[no-untyped-def]
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)
    assert info.value.code == expected, info.value.message_en
    assert dump(db_path) == before, "a refused call changed the database"
    return info.value


def _events(services: Services, number: str) -> list[m.Event]:
    with services.read() as session:
        rows = session.scalars(
            select(m.Event)
            .where(m.Event.entity == "certificate", m.Event.entity_id == number)
            .order_by(m.Event.seq)
        ).all()
        session.expunge_all()
        return list(rows)


def test_the_first_surveillance_counts_from_the_decision_and_the_certificate_records_its_basis(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    cert = services.cases.get(make_case("certified")).certificate
    assert cert is not None
    assert cert.surveillance_basis == "decision"
    assert cert.surveillance_from is not None and cert.surveillance_from <= cert.issued_on
    assert cert.next_surveillance == add_years(cert.surveillance_from, 1)

    services.settings.set(team.admin, "surveillance_basis", "issue")
    other = services.cases.get(make_case("certified")).certificate
    assert other is not None
    assert (other.surveillance_basis, other.surveillance_from) == ("issue", other.issued_on)
    assert other.next_surveillance == add_years(other.issued_on, 1)


def test_sweep_suspends_an_overdue_certificate_and_withdraws_it_when_the_suspension_ends_unresolved(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    cert = services.cases.get(make_case("certified")).certificate
    assert cert is not None and cert.next_surveillance is not None
    clock.now += timedelta(days=(cert.next_surveillance - clock.now.date()).days)
    assert services.certificates.sweep(team.clerk).actions == ()  # due today: not yet overdue

    clock.now += timedelta(days=1)
    today = clock.now.date()
    result = services.certificates.sweep(team.clerk)
    [action] = result.actions
    assert (action.number, action.rule, action.before, action.after) == (
        cert.number,
        "surveillance_overdue",
        "valid",
        "suspended",
    )
    assert action.reason_code == "0199" and action.until == add_months(today, 3)
    now = services.certificates.get(cert.number)
    assert (now.status, now.status_reason_code, now.suspended_until) == (
        "suspended",
        "0199",
        add_months(today, 3),
    )
    assert "suspended" in services.certificates.verify(cert.payload).reason
    event = _events(services, cert.number)[-1]
    assert event.user_name == "system" and event.action == "certificate.suspend"
    after = json.loads(event.after)
    assert (after["rule"], after["reason_code"], after["until"]) == (
        "surveillance_overdue",
        "0199",
        add_months(today, 3).isoformat(),
    )
    assert services.certificates.sweep(team.clerk).actions == ()  # nothing more to do today
    assert services.certificates.check() == []  # the register agrees with its log

    clock.now += timedelta(days=(add_months(today, 3) - today).days + 1)
    [action] = services.certificates.sweep(team.clerk).actions
    assert (action.rule, action.after, action.reason_code) == ("suspension_ended", "withdrawn", "0115")
    now = services.certificates.get(cert.number)
    assert (now.status, now.status_reason_code) == ("withdrawn", "0115")
    assert services.certificates.check() == []


def test_a_restored_certificate_is_not_withdrawn_and_expired_ones_are_marked(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    cert = services.cases.get(make_case("certified")).certificate
    assert cert is not None
    services.certificates.suspend(
        team.clerk, cert.number, "主动申请暂停", code="0116", until=clock.now.date() + timedelta(days=30)
    )
    services.certificates.restore(team.clerk, cert.number, "已恢复")
    restored = services.certificates.get(cert.number)
    assert (restored.status, restored.suspended_until, restored.status_reason_code) == ("valid", None, None)
    clock.now = clock.now.replace(year=cert.expires_on.year + 1)
    [action] = services.certificates.sweep(team.clerk).actions
    assert (action.rule, action.after, action.due_on) == ("expired", "expired", cert.expires_on)
    with services.read() as session:
        row = session.scalar(select(m.Certificate).where(m.Certificate.number == cert.number))
        assert row is not None and row.status == "expired"
    assert services.certificates.check() == []


def test_a_dry_run_changes_nothing_and_a_future_date_needs_it(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, db_path: Path | str
) -> None:
    cert = services.cases.get(make_case("certified")).certificate
    assert cert is not None and cert.next_surveillance is not None
    later = cert.next_surveillance + timedelta(days=1)
    e = refused("future_date", db_path, services.certificates.sweep, team.clerk, later)
    assert "--dry-run" in e.message_en and e.message_zh
    before = dump(db_path)
    result = services.certificates.sweep(team.leader, later, dry_run=True)  # anyone may look
    assert result.dry_run and [a.after for a in result.actions] == ["suspended"]
    assert dump(db_path) == before
    refused("wrong_role", db_path, services.certificates.sweep, team.leader)


def test_suspension_and_withdrawal_need_a_known_reason_code_and_a_suspension_ends_within_six_months(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, db_path: Path | str
) -> None:
    number = services.cases.get(make_case("certified")).certificate.number  # type: ignore[union-attr]
    certs = services.certificates
    e = refused("unknown_reason_code", db_path, certs.suspend, team.clerk, number, "原因", code="9999")
    assert "0111" in e.message_en and "其他" in e.message_zh
    refused("unknown_reason_code", db_path, certs.withdraw, team.clerk, number, "原因", code="0116")
    today = clock.now.date()
    for until in (today, add_months(today, 6) + timedelta(days=1)):
        refused(
            "bad_suspension_end", db_path, certs.suspend, team.clerk, number, "原因", code="0111", until=until
        )
    view = certs.suspend(team.clerk, number, "严重不满足", code="0111", until=add_months(today, 6))
    assert (view.status, view.status_reason_code, view.suspended_until) == (
        "suspended",
        "0111",
        add_months(today, 6),
    )
    refused("bad_setting", db_path, services.settings.set, team.admin, "suspension_months", 7)
    refused("bad_setting", db_path, services.settings.set, team.admin, "surveillance_basis", "audit")


def test_the_reason_codes_file_is_checked(tmp_path: Path) -> None:
    reasons = load_status_reasons(resources_dir() / "certificate-status-reasons.yaml")
    assert reasons.find("withdraw", reasons.sweep_withdraw) is not None
    assert reasons.find("suspend", reasons.sweep_suspend) is not None
    bad = tmp_path / "r.yaml"
    bad.write_text(
        "sweep: {suspend: '0111', withdraw: '0115'}\n"
        "suspend: [{code: '0111', zh: a, en: a}]\nwithdraw: [{code: '0111', zh: b, en: b}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"sweep\.withdraw"):
        load_status_reasons(bad)
    bad.write_text(
        "sweep: {suspend: '0111', withdraw: '0111'}\n"
        "suspend: [{code: '0111', zh: a, en: a}, {code: '0111', zh: a, en: a}]\nwithdraw: [{code: '0111', zh: b, en: b}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="twice"):
        load_status_reasons(bad)


def test_add_months_keeps_the_day_or_the_months_last() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 2), 6) == date(2026, 9, 2)
