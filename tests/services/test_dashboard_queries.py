"""The dashboard's SQL for certificates due and the work queue gives exactly what the earlier Python
computation gave, on the demo body with surveillance, re-issue and renewal audits taken to the end,
over years of days; `certificates.next_surveillance_on` always equals what the certificate page shows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from audit_workbench.core.policy import Role
from audit_workbench.core.workflow import CLOSED_STATES, CaseKind, CaseState
from audit_workbench.services import Actor, Services
from audit_workbench.services.dashboard import (
    AUDITOR_STEPS,
    CLERK_STEPS,
    COMMITTEE_STEPS,
    CertificateDue,
    DashboardService,
    OverdueNonconformity,
    WorkItem,
)
from audit_workbench.services.demo import DEMO_PASSWORD, build_demo
from audit_workbench.services.views import next_surveillance
from audit_workbench.storage import models as m

from ..conftest import FAST_HASHER

TODAY = date(2026, 3, 2)
_IN_FORCE = ("valid", "suspended")
_OPEN_CASE = [s.value for s in CaseState if s not in CLOSED_STATES]


# -- the computation the dashboard had before (kept here as the reference) ----------------------------
def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def reference_due(session, today: date, horizon_days: int, limit: int) -> list[CertificateDue]:  # type: ignore[no-untyped-def]
    horizon = today + timedelta(days=horizon_days)
    done = (
        select(m.Case.parent_certificate_id.label("cert_id"), func.count().label("n"))
        .where(m.Case.kind == CaseKind.surveillance.value, m.Case.status == CaseState.certified.value)
        .group_by(m.Case.parent_certificate_id)
        .subquery()
    )
    follow = (
        select(m.Case.parent_certificate_id.label("cert_id"), func.max(m.Case.case_no).label("case_no"))
        .where(m.Case.parent_certificate_id.is_not(None), m.Case.status.in_(_OPEN_CASE))
        .group_by(m.Case.parent_certificate_id)
        .subquery()
    )
    rows = session.execute(
        select(
            m.Certificate.number,
            m.Organization.name,
            m.Certificate.grade,
            m.Certificate.status,
            # the surveillance clock counts from the certification decision or the issue date
            func.coalesce(m.Certificate.surveillance_from, m.Certificate.issued_on),
            m.Certificate.expires_on,
            func.coalesce(done.c.n, 0),
            follow.c.case_no,
        )
        .join(m.Organization, m.Organization.id == m.Certificate.organization_id)
        .outerjoin(done, done.c.cert_id == m.Certificate.id)
        .outerjoin(follow, follow.c.cert_id == m.Certificate.id)
        .where(m.Certificate.status.in_(_IN_FORCE), m.Certificate.expires_on >= today)
    ).all()
    due: list[CertificateDue] = []
    for number, org, grade, status, issued, expires, completed, follow_case in rows:
        if expires <= horizon:
            due.append(
                CertificateDue(
                    number, org, grade, status, "expiry", expires, (expires - today).days, follow_case
                )
            )
        surveillance = _add_years(issued, int(completed) + 1)
        if surveillance < expires and surveillance <= horizon:
            due.append(
                CertificateDue(
                    number,
                    org,
                    grade,
                    status,
                    "surveillance",
                    surveillance,
                    (surveillance - today).days,
                    follow_case,
                )
            )
    # One entry per certificate (the card and its tab count certificates): what falls due first, and
    # the other reason beside it.
    by_number: dict[str, list[CertificateDue]] = {}
    for d in due:
        by_number.setdefault(d.number, []).append(d)
    collapsed = []
    for entries in by_number.values():
        entries.sort(key=lambda d: (d.due_on, d.reason))
        first = entries[0]
        also = (entries[1].reason, entries[1].due_on) if len(entries) > 1 else None
        collapsed.append(replace(first, also_due=also))
    collapsed.sort(key=lambda d: (d.due_on, d.number, d.reason))
    return collapsed[:limit]


def reference_due_page(session, today: date, horizon_days: int, limit: int):  # type: ignore[no-untyped-def]
    """The entries listed, and the totals counted apart from the list (as the overview did)."""
    every = reference_due(session, today, horizon_days, 10**9)
    return every[:limit], len(every), len({d.number for d in every})


def reference_queue_page(session, ids, roles: frozenset[Role], limit: int):  # type: ignore[no-untyped-def]
    total = session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    return reference_queue_items(session, ids, roles, limit), total


def reference_overdue(session, today: date, limit: int):  # type: ignore[no-untyped-def]
    """The overdue list and its count as two statements, as the overview had them."""
    where = (
        m.Nonconformity.status == "open",
        m.Nonconformity.deadline < today,
        m.Case.status.in_(_OPEN_CASE),
    )
    total = session.scalar(
        select(func.count())
        .select_from(m.Nonconformity)
        .join(m.Case, m.Case.id == m.Nonconformity.case_id)
        .where(*where)
    )
    rows = session.execute(
        select(
            m.Case.case_no,
            m.Organization.name,
            m.Nonconformity.id,
            m.Nonconformity.code,
            m.Nonconformity.text,
            m.Nonconformity.deadline,
        )
        .join(m.Case, m.Case.id == m.Nonconformity.case_id)
        .join(m.Organization, m.Organization.id == m.Case.organization_id)
        .where(*where)
        .order_by(m.Nonconformity.deadline, m.Nonconformity.id)
        .limit(limit)
    ).all()
    items = [
        OverdueNonconformity(case_no, org, nc_id, code, text, deadline, (today - deadline).days)
        for case_no, org, nc_id, code, text, deadline in rows
    ]
    return items, total or 0


def reference_queue_items(session, ids, roles: frozenset[Role], limit: int) -> list[WorkItem]:  # type: ignore[no-untyped-def]
    open_ncs = (
        select(m.Nonconformity.case_id, func.count().label("n"))
        .where(m.Nonconformity.status == "open")
        .group_by(m.Nonconformity.case_id)
        .subquery()
    )
    rows = session.execute(
        select(
            m.Case.case_no,
            m.Case.kind,
            m.Case.status,
            m.Organization.name,
            m.Case.updated_at,
            func.coalesce(open_ncs.c.n, 0),
        )
        .join(m.Organization, m.Organization.id == m.Case.organization_id)
        .outerjoin(open_ncs, open_ncs.c.case_id == m.Case.id)
        .where(m.Case.id.in_(ids))
        .order_by(m.Case.updated_at, m.Case.id)
        .limit(limit)
    ).all()
    steps: dict[CaseState, str] = {}
    if Role.clerk in roles:
        steps.update(CLERK_STEPS)
    if Role.auditor in roles:
        steps.update(AUDITOR_STEPS)
    if Role.committee in roles:
        steps.update(COMMITTEE_STEPS)
    return [
        WorkItem(case_no, kind, status, org, steps[CaseState(status)], updated, ncs)
        for case_no, kind, status, org, updated, ncs in rows
    ]


# -- checks ---------------------------------------------------------------------------------------------
def assert_column_matches_the_page(services: Services, today: date) -> int:
    """next_surveillance_on equals services.views.next_surveillance for every certificate in force."""
    checked = 0
    with services.read() as session:
        for cert in session.scalars(select(m.Certificate)):
            shown = next_surveillance(session, cert, today)
            if cert.status in _IN_FORCE and cert.expires_on >= today:
                assert cert.next_surveillance_on == shown, cert.number
                checked += 1
            else:
                assert shown is None
    return checked


def assert_due_as_before(services: Services, days: list[date]) -> int:
    entries = 0
    with services.read() as session:
        for today in days:
            for horizon in (0, 30, 90, 400):
                for limit in (1, 3, 200):
                    ours = DashboardService._certificates_due_page(session, today, horizon, limit)
                    assert ours == reference_due_page(session, today, horizon, limit), (today, horizon, limit)
                    entries += len(ours[0])
    return entries


def assert_queues_as_before(services: Services, actors: list[Actor]) -> int:
    items = 0
    dashboard = DashboardService(services)
    with services.read() as session:
        for actor in actors:
            roles = dashboard._roles(session, actor)
            ids = dashboard._queue(session, actor, roles, services.today())
            if ids is None:
                continue
            for limit in (2, 200):
                ours = dashboard._queue_page(session, ids, roles, limit)
                assert ours == reference_queue_page(session, ids, roles, limit), actor.name
                items += len(ours[0])
    return items


# -- the demo body with follow-up audits -----------------------------------------------------------
class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def _round_half(value: Decimal) -> Decimal:
    return (value * 2).quantize(Decimal("1")) / 2


def _certified_surveillances(services: Services) -> int:
    with services.read() as session:
        return (
            session.scalar(
                select(func.count()).where(m.Case.kind == "surveillance", m.Case.status == "certified")
            )
            or 0
        )


def take_follow_up(
    services: Services, users: dict[str, Actor], number: str, kind: str, grade: str | None
) -> str:
    """Open a surveillance or renewal audit and take it to `certified`, keeping the certificate's
    grade (grade None: let the committee approve what the scores give, which may re-issue)."""
    clerk, leader, member, committee = (users[n] for n in ("zhangwei", "wangfang", "liuyang", "sunli"))
    case_no = services.certificates.open_follow_up(clerk, number, kind)
    services.cases.assign_team(clerk, case_no, leader.name, [member.name])
    services.cases.record_review(leader, case_no, outcome="pass", note="体系文件无重大变化")
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    share = Decimal("1") if grade else Decimal("0.82")
    for _, indicator in rubric.indicators():
        services.audits.set_points(leader, case_no, indicator.code, _round_half(indicator.max_points * share))
    services.audits.conclude(leader, case_no, "体系运行有效")
    recommended = services.cases.get(case_no).recommended_grade
    if grade and recommended != grade:
        services.committee.vote(committee, case_no, "lower", "确认原认证等级", grade=grade)
    else:
        services.committee.vote(committee, case_no, "approve", "同意")
    services.certificates.issue(clerk, case_no)
    return case_no


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, Clock, dict[str, Actor]]]:
    folder: Path = tmp_path_factory.mktemp("dashboard-demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(folder / "keys"))  # the first test signs with it too
        clock = Clock(datetime.combine(TODAY, time(9), tzinfo=UTC))
        services = Services.open(folder / "demo.sqlite3", clock=clock, hasher=FAST_HASHER)
        build_demo(services, today=TODAY)
        with services.read() as session:
            names = list(session.scalars(select(m.User.name).where(m.User.active)))
        users = {name: services.users.login(name, DEMO_PASSWORD) for name in names}
        yield services, clock, users
        services.close()


def _valid(services: Services) -> list[tuple[str, str]]:
    """The valid certificates, the longest to run first."""
    valid = [c for c in services.certificates.list() if c.status == "valid"]
    return [(c.number, c.grade) for c in sorted(valid, key=lambda c: c.expires_on, reverse=True)]


@pytest.mark.sqlite_only
def test_the_demo_with_follow_ups_shows_the_same_as_before(demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    services, clock, users = demo
    # the demo's key secret (each test otherwise gets a folder of its own)
    monkeypatch.setenv(
        "AUDIT_WORKBENCH_KEYS_DIR", str(Path(services.db.url.removeprefix("sqlite:///")).parent / "keys")
    )
    days = [TODAY + timedelta(days=d) for d in range(-900, 1500, 23)]
    assert assert_column_matches_the_page(services, TODAY) >= 4
    steps = [assert_due_as_before(services, days)]

    valid = _valid(services)
    demo_surveillances = _certified_surveillances(services)  # the demo's own, each on time
    assert len(valid) >= 3
    (first, first_grade), (second, _), (third, _) = valid[:3]
    # Two surveillance audits that keep the certificate, then its renewal.
    take_follow_up(services, users, first, "surveillance", first_grade)
    assert_column_matches_the_page(services, clock.now.date())
    clock.now += timedelta(days=100)
    take_follow_up(services, users, first, "surveillance", first_grade)
    assert_column_matches_the_page(services, clock.now.date())
    steps.append(assert_due_as_before(services, days))
    # A surveillance audit whose grade differs: the certificate re-issued under its number (a change).
    take_follow_up(services, users, second, "surveillance", None)
    assert_column_matches_the_page(services, clock.now.date())
    # A renewal, and a surveillance audit still open (the follow-up case shown on the dashboard).
    take_follow_up(services, users, first, "renewal", first_grade)
    services.certificates.open_follow_up(users["zhangwei"], third, "surveillance")
    assert_column_matches_the_page(services, clock.now.date())
    # Suspension and withdrawal change what is in force, not the stored date.
    services.certificates.suspend(users["zhangwei"], third, "监督审核逾期", code="0199")
    steps.append(assert_due_as_before(services, days))
    services.certificates.restore(users["zhangwei"], third, "已整改")

    with services.read() as session:
        statuses = set(session.scalars(select(m.Certificate.status)))
    assert {"valid", "superseded", "withdrawn"} <= statuses
    assert _certified_surveillances(services) == demo_surveillances + 3
    assert_column_matches_the_page(services, clock.now.date())
    steps.append(assert_due_as_before(services, days))
    assert all(n > 50 for n in steps)  # the comparisons saw many due entries, not empty lists
    assert assert_queues_as_before(services, list(users.values())) > 10


@pytest.mark.sqlite_only
def test_the_overview_is_the_same_as_before(demo) -> None:  # type: ignore[no-untyped-def]
    """The whole overview, for every demo user, with the reference computations in place."""
    services, _, users = demo
    dashboard = DashboardService(services)
    seen = []
    for actor in users.values():
        ours = dashboard.overview(actor)
        seen.append((ours.work_queue_total, ours.overdue_total, ours.certificates_due_total))
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(DashboardService, "_certificates_due_page", staticmethod(reference_due_page))
            mp.setattr(DashboardService, "_queue_page", staticmethod(reference_queue_page))
            mp.setattr(DashboardService, "_overdue", staticmethod(reference_overdue))
            before = dashboard.overview(actor)
        assert ours == before, actor.name
        for limit in (1, 3):  # lists shorter than what they count
            short = dashboard.overview(actor, queue_limit=limit, list_limit=limit)
            assert (short.work_queue_total, short.overdue_total, short.certificates_due_total) == (
                before.work_queue_total,
                before.overdue_total,
                before.certificates_due_total,
            )
            assert short.certificates_due_certificates == before.certificates_due_certificates
            assert short.work_queue == before.work_queue[:limit]
    # the totals compared were not all zero, and some were longer than the shortened lists
    assert (
        max(q for q, _, _ in seen) > 3 and max(o for _, o, _ in seen) >= 1 and max(d for *_, d in seen) >= 2
    )


def test_surveillance_on_any_backend(services, team, make_case, clock) -> None:  # type: ignore[no-untyped-def]
    """A small case of the same on SQLite and PostgreSQL (ordering by certificate number included)."""
    certified = [make_case("certified") for _ in range(3)]
    numbers = [services.cases.get(c).certificate.number for c in certified]
    clock.now += timedelta(days=300)
    case_no = services.certificates.open_follow_up(team.clerk, numbers[0], "surveillance")
    services.cases.assign_team(team.clerk, case_no, "leader", ["member"])
    services.cases.record_review(team.leader, case_no, outcome="pass", note="体系文件无变化")
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    for _, indicator in rubric.indicators():
        services.audits.set_points(team.leader, case_no, indicator.code, indicator.max_points)
    services.audits.conclude(team.leader, case_no, "建议保持")
    services.committee.vote(team.committee, case_no, "approve", "同意")
    before = services.certificates.get(numbers[0])
    assert before.next_surveillance is not None
    services.certificates.issue(team.clerk, case_no)
    after = services.certificates.get(numbers[0])
    assert after.next_surveillance == _add_years(before.next_surveillance, 1)
    services.certificates.open_follow_up(team.clerk, numbers[1], "surveillance")
    assert_column_matches_the_page(services, clock.now.date())
    # Ties on the due date are broken by the number, not by the order the rows were written.
    with services.db.transaction() as session:
        cert = session.scalar(select(m.Certificate).where(m.Certificate.number == numbers[2]))
        cert.number = "AWB-0000-00000"
    start = clock.now.date()
    days = [start + timedelta(days=d) for d in range(-400, 1200, 37)]
    assert assert_due_as_before(services, days) > 20
    tie = services.certificates.get(numbers[1]).next_surveillance  # the same day for numbers[2]
    assert tie is not None and services.certificates.get("AWB-0000-00000").next_surveillance == tie
    with services.read() as session:
        (first,) = DashboardService._certificates_due(session, tie, 0, 1)
    assert (first.number, first.reason, first.due_on) == ("AWB-0000-00000", "surveillance", tie)
    assert assert_queues_as_before(services, [team.clerk, team.leader, team.committee]) > 0


def test_cases_by_state_reads_the_state_index_and_counts_as_the_portable_query(demo) -> None:  # type: ignore[no-untyped-def]
    """On SQLite the overview counts cases by state from the one-column state index, named (its
    planner would scan the wider (status, updated_at) index); the counts are those of the plain
    GROUP BY, and the overview shows them in its per-state figures."""
    from audit_workbench.services.dashboard import _BY_STATE_SQLITE, _cases_by_state

    services, _, users = demo
    with services.read() as session:
        ours = _cases_by_state(session)
        plain = dict(session.execute(select(m.Case.status, func.count()).group_by(m.Case.status)).all())
        plan = " ".join(
            str(r[-1])
            for r in session.execute(text(f"EXPLAIN QUERY PLAN {_BY_STATE_SQLITE}"), {"biggest": "certified"})
        )
    assert "COVERING INDEX ix_cases_status" in plan and "ix_cases_status_updated_at" not in plan
    assert ours == plain and sum(plain.values()) > 5 and len(plain) >= 3
    board = DashboardService(services).overview(next(iter(users.values())))
    assert board.total_cases == sum(plain.values())
    assert {s: n for s, n in board.cases_by_state if n} == {s: n for s, n in plain.items() if n}


def test_cases_by_state_counts_every_state_as_the_plain_group_by(services, team, make_case) -> None:  # type: ignore[no-untyped-def]
    """The certified are counted as what is left of all cases (SQLite): with none certified, with
    states on both sides of "certified" in the index's order, and with states nobody knows written
    in SQL on both sides of it, the counts are those of the plain GROUP BY, state by state."""
    from audit_workbench.services.dashboard import _cases_by_state

    def both() -> tuple[dict[str, int], dict[str, int]]:
        with services.read() as session:
            plain = dict(session.execute(select(m.Case.status, func.count()).group_by(m.Case.status)).all())
            return _cases_by_state(session), plain

    assert both() == ({}, {})
    for state in ("draft", "accepted", "submitted", "document_review"):  # below and above "certified"
        make_case(state)
    ours, plain = both()
    assert ours == plain and "certified" not in ours and sum(ours.values()) == 4
    make_case("certified")
    make_case("certified")
    ours, plain = both()
    assert ours == plain and ours["certified"] == 2
    with services.db.engine.begin() as connection:  # edited in SQL: one before, one after "certified"
        connection.exec_driver_sql("UPDATE cases SET status = 'aaa' WHERE status = 'draft'")
        connection.exec_driver_sql("UPDATE cases SET status = 'zzz' WHERE status = 'submitted'")
    ours, plain = both()
    assert ours == plain and ours["aaa"] == 1 and ours["zzz"] == 1 and ours["certified"] == 2
    assert sum(ours.values()) == 6


@pytest.mark.sqlite_only
def test_the_overview_counts_by_state_when_the_state_index_was_dropped_in_sql(
    services, team, make_case
) -> None:  # type: ignore[no-untyped-def]
    """Someone drops the state index by hand: the dashboard still opens, with the same counts (the
    plain GROUP BY), and the rest of its read is not disturbed."""
    for state in ("draft", "draft", "submitted"):
        make_case(state)
    before = DashboardService(services).overview(team.clerk)
    with services.db.engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_cases_status")
    after = DashboardService(services).overview(team.clerk)
    assert dict(after.cases_by_state)["draft"] == 2 and dict(after.cases_by_state)["submitted"] == 1
    assert after == before


def test_the_summary_and_its_lists_make_the_whole_overview(demo) -> None:  # type: ignore[no-untyped-def]
    """What the page shows first (the lists on its hidden tabs counted, not read), then the lists:
    together, for every demo user, the same as the overview read at once."""
    services, _, users = demo
    dashboard = DashboardService(services)
    lists = dashboard.lists()
    assert lists.overdue_nonconformities and lists.certificates_due  # something to leave out
    for actor in users.values():
        whole = dashboard.overview(actor)
        summary = dashboard.summary(actor)
        assert not summary.lists_read and whole.lists_read
        assert summary.overdue_nonconformities == () and summary.certificates_due == ()
        assert (
            summary.overdue_total,
            summary.certificates_due_total,
            summary.certificates_due_certificates,
        ) == (
            whole.overdue_total,
            whole.certificates_due_total,
            whole.certificates_due_certificates,
        )
        assert summary.work_queue == whole.work_queue and summary.cases_by_state == whole.cases_by_state
        assert summary.with_lists(lists) == whole, actor.name
