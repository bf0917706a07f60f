"""What changed since a window last looked: the event log as a feed (and, on a server, pushed)."""

from __future__ import annotations

import threading

import pytest

from ..conftest import CaseMaker, Team


def test_the_feed_says_which_case_changed_and_by_whom(services, team: Team, make_case: CaseMaker) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    start = services.changes.latest()
    assert start > 0 and services.changes.since(start).changes == ()

    services.audits.set_points(team.leader, case_no, "1.1", "2")
    services.audits.raise_nonconformity(team.leader, case_no, "1.2", "未公示", services.today())
    feed = services.changes.since(start)
    assert feed.latest == services.changes.latest() > start
    assert feed.cases() == {case_no}
    assert [(c.entity, c.user_name) for c in feed.changes] == [
        ("score", "leader"),
        ("nonconformity", "leader"),
    ]

    services.users.add(team.admin, "newbie", "password-123", ["clerk"])
    feed = services.changes.since(feed.latest)
    assert feed.cases() == set() and feed.entities() == {"user"}


def test_a_certificate_change_names_its_case(services, team: Team, make_case: CaseMaker) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("certified")
    number = services.cases.get(case_no).certificate.number
    start = services.changes.latest()
    services.certificates.suspend(team.clerk, number, "监督审核逾期", code="0199")
    (change,) = services.changes.since(start).changes
    assert (change.certificate, change.case_no) == (number, case_no)


def test_a_window_far_behind_is_told_to_reload_everything(services, team: Team, make_case: CaseMaker) -> None:  # type: ignore[no-untyped-def]
    make_case("submitted")
    feed = services.changes.since(0, limit=3)
    assert not feed.complete and len(feed.changes) == 3
    assert feed.latest == services.changes.latest()


@pytest.mark.server_only  # LISTEN/NOTIFY is a server's; on SQLite the window asks (tested above)
def test_a_server_pushes_each_committed_change(services, team: Team, make_case: CaseMaker) -> None:  # type: ignore[no-untyped-def]
    assert services.changes.pushed
    heard: list[int] = []
    arrived = threading.Event()

    def on_event(seq: int) -> None:
        heard.append(seq)
        arrived.set()

    listener = services.changes.listen(on_event)
    try:
        assert listener.listening.wait(10)
        case_no = make_case("draft")
        assert arrived.wait(10), "no notification within 10 s"
        assert heard[-1] <= services.changes.latest()
        # a refused (rolled back) change tells no one
        before = len(heard)
        from audit_workbench.core.errors import Refused

        with pytest.raises(Refused):
            services.cases.submit(team.clerk, case_no)  # materials missing
        arrived.clear()
        assert not arrived.wait(1.5) and len(heard) == before
    finally:
        listener.stop()
