"""The dashboard queries against a known data set: counts per state, work queues per role,
overdue nonconformities, certificates due, grade distribution. No Qt."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from audit_workbench.services.base import database_exists, database_location
from audit_workbench.services.dashboard import DashboardService


def _queue(services, actor):  # type: ignore[no-untyped-def]
    board = DashboardService(services).overview(actor)
    return {(w.case_no, w.next_step) for w in board.work_queue}, board


def test_counts_per_state_and_the_clerks_queue(services, team, make_case) -> None:  # type: ignore[no-untyped-def]
    draft1, draft2 = make_case("draft"), make_case("draft")
    submitted = make_case("submitted")
    accepted = make_case("accepted")
    review = make_case("document_review")
    onsite = make_case("onsite_audit")
    committee = make_case("committee_review")
    approved = make_case("approved")
    make_case("certified")

    queue, board = _queue(services, team.clerk)
    assert board.total_cases == 9
    assert board.count("draft") == 2
    assert board.count("certified") == 1
    assert board.count("rejected") == 0  # every state is listed, zeros included
    assert [s for s, _ in board.cases_by_state][:3] == ["draft", "submitted", "accepted"]
    assert queue == {
        (draft1, "submit"),
        (draft2, "submit"),
        (submitted, "accept"),
        (accepted, "assign_team"),
        (approved, "issue_certificate"),
    }
    assert board.work_queue_total == 5

    queue, _ = _queue(services, team.leader)
    assert queue == {(review, "record_review"), (onsite, "score")}
    queue, _ = _queue(services, team.member)
    assert queue == {(review, "record_review"), (onsite, "score")}
    queue, _ = _queue(services, team.outsider_auditor)
    assert queue == set()  # not on any team
    queue, _ = _queue(services, team.admin)
    assert queue == set()

    queue, _ = _queue(services, team.committee)
    assert queue == {(committee, "vote")}
    queue, _ = _queue(services, team.auditor_committee)
    assert queue == {(committee, "vote")}  # holds both roles, took no part in this case


def test_committee_queue_leaves_out_those_who_took_part_or_voted(services, team, make_case) -> None:  # type: ignore[no-untyped-def]
    services.settings.set(team.admin, "committee_quorum", 2)
    case_no = make_case("committee_review")
    services.committee.vote(team.committee, case_no, "approve", "同意")
    assert _queue(services, team.committee)[0] == set()  # already voted this round
    assert _queue(services, team.committee2)[0] == {(case_no, "vote")}
    # The case's team leader holds no committee role; make a committee member who reviewed it:
    services.users.set_roles(team.admin, "leader", ["auditor", "committee"])
    assert _queue(services, team.leader)[0] == set()


def test_overdue_nonconformities(services, team, make_case, clock) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    today = clock.now.date()
    services.audits.raise_nonconformity(
        team.leader, case_no, "1.1", "服务承诺未公示", today + timedelta(days=10)
    )
    board = DashboardService(services).overview(team.clerk)
    assert board.overdue_total == 0
    clock.now += timedelta(days=15)
    board = DashboardService(services).overview(team.clerk)
    assert board.overdue_total == 1
    (item,) = board.overdue_nonconformities
    assert (item.case_no, item.code, item.days_overdue) == (case_no, "1.1", 5)
    assert _queue(services, team.leader)[1].work_queue[0].open_nonconformities == 1
    # a closed one is not counted in the queue, a second open one is
    second = services.audits.raise_nonconformity(
        team.leader, case_no, "1.2", "回访记录不全", today + timedelta(days=30)
    )
    assert _queue(services, team.leader)[1].work_queue[0].open_nonconformities == 2
    services.audits.close_nonconformity(team.leader, case_no, second, "已补全回访记录")
    assert _queue(services, team.leader)[1].work_queue[0].open_nonconformities == 1


def test_certificates_due_and_grades(services, team, make_case, clock) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("certified")
    cert = services.cases.get(case_no).certificate
    assert cert is not None
    board = DashboardService(services).overview(team.clerk)
    assert board.certificates_due == ()
    assert board.grade_distribution == (
        ("five_star", 1),
        ("four_star", 0),
        ("three_star", 0),
        ("qualified", 0),
    )
    assert board.certificates_in_force == 1

    clock.now += timedelta(days=320)  # the first surveillance falls due a year after issue
    (due,) = DashboardService(services).overview(team.clerk).certificates_due
    assert due.reason == "surveillance"
    assert due.number == cert.number
    assert 0 < due.days_left <= 90

    # Near expiry the certificate is both overdue for surveillance and about to expire: one entry,
    # for what fell due first, with the other beside it (the card and the tab count certificates).
    clock.now = datetime.combine(cert.expires_on - timedelta(days=30), time(9), tzinfo=UTC)
    board = DashboardService(services).overview(team.clerk)
    (due,) = board.certificates_due
    assert due.reason == "surveillance" and due.days_left < 0
    assert due.also_due == ("expiry", cert.expires_on)
    assert board.certificates_due_total == board.certificates_due_certificates == 1

    # A suspended certificate is not in force (it still falls due); a withdrawn one is neither.
    services.certificates.suspend(team.clerk, cert.number, "监督审核逾期", code="0199")
    board = DashboardService(services).overview(team.clerk)
    assert board.certificates_in_force == 0
    assert board.grade_distribution[0] == ("five_star", 0)
    assert [d.status for d in board.certificates_due] == ["suspended"]
    services.certificates.withdraw(team.clerk, cert.number, "暂停期满未整改", code="0115")
    board = DashboardService(services).overview(team.clerk)
    assert board.certificates_in_force == 0
    assert board.certificates_due == ()


def test_the_due_counts_are_totals_not_the_length_of_the_shortened_list(
    services, team, make_case, clock
) -> None:  # type: ignore[no-untyped-def]
    # The card and the tab title must say how many certificates fall due, even when the list
    # below them stops at its limit (the card showed the limit, 200, on a large register).
    first = services.cases.get(make_case("certified")).certificate
    second = services.cases.get(make_case("certified")).certificate
    assert first is not None and second is not None
    # 30 days before expiry both certificates are due for expiry and for their (missed) surveillance.
    clock.now = datetime.combine(first.expires_on - timedelta(days=30), time(9), tzinfo=UTC)
    board = DashboardService(services).overview(team.clerk, list_limit=1)
    assert len(board.certificates_due) == 1
    assert board.certificates_due_total == board.certificates_due_certificates == 2
    full = DashboardService(services).overview(team.clerk)
    # the card and the tab agree: one entry per certificate, both due for two reasons
    assert len(full.certificates_due) == full.certificates_due_total == 2
    assert {d.number for d in full.certificates_due} == {first.number, second.number}
    assert all(d.also_due is not None for d in full.certificates_due)


def test_an_expired_certificate_is_neither_due_nor_in_force(services, team, make_case, clock) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("certified")
    cert = services.cases.get(case_no).certificate
    clock.now = datetime.combine(cert.expires_on + timedelta(days=1), time(9), tzinfo=UTC)
    board = DashboardService(services).overview(team.clerk)
    assert board.certificates_due == ()
    assert board.certificates_in_force == 0


def test_database_location_and_existence(tmp_path, services) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nowhere.sqlite3"
    assert not database_exists(missing)
    assert database_location(missing) == str(missing.resolve())
    assert database_exists(services.db.url)
