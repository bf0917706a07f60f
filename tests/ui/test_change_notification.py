"""Two windows on one database: an edit in one shows in the other within a few seconds — pushed by
the server on PostgreSQL (LISTEN/NOTIFY), asked for every POLL_MS on SQLite — and an edit on a page
that has not refreshed yet is still refused, never overwriting the other's work.

Each window has its own Services (its own engine and connections), as two people's computers do."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtGui import QCloseEvent

from audit_workbench.services import Services
from audit_workbench.ui.context import UiContext
from audit_workbench.ui.main_window import MainWindow

from ..conftest import FAST_HASHER, PASSWORD, CaseMaker, Team

pytestmark = pytest.mark.gui

SEEN_WITHIN_MS = 5000


@pytest.fixture
def second_services(db_path, clock) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    """The other computer: the same database, opened again."""
    other = Services.open(db_path, clock=clock, hasher=FAST_HASHER)
    yield other
    other.close()


def open_window(qtbot, services: Services, user: str, page: str) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(UiContext(services, services.users.login(user, PASSWORD)), "test")
    qtbot.addWidget(window)
    window.show()
    window.show_page(page)
    listening = window.watcher.listening
    if listening is not None:  # a server: wait until LISTEN is in force
        assert listening.wait(10)
    return window


def close(window: MainWindow) -> None:
    window.closeEvent(QCloseEvent())


def test_an_edit_in_one_window_shows_in_the_other(
    qtbot, services: Services, second_services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    auditor = open_window(qtbot, services, "member", f"scoring:{case_no}")
    leader = open_window(qtbot, second_services, "leader", f"scoring:{case_no}")
    dashboard = open_window(qtbot, second_services, "clerk", "register")
    try:
        seen_page = leader.pages["case"]
        tab = seen_page.scoring_tab  # type: ignore[attr-defined]
        code = tab.tree.current_code()
        assert tab.model.entry(code) is None

        # the member scores in the first window…
        auditor_tab = auditor.pages["case"].scoring_tab  # type: ignore[attr-defined]
        auditor_tab.tree.go_to(code)
        auditor_tab.full_marks(code)
        stored = services.cases.get(case_no).entries[code].points

        # …and the leader's window shows it, and says who, within a few seconds
        qtbot.waitUntil(
            lambda: tab.model.entry(code) is not None and tab.model.entry(code).points == stored,
            timeout=SEEN_WITHIN_MS,
        )
        notice = seen_page.changed_notice.text()  # type: ignore[attr-defined]
        assert "member" in notice and "刚修改了本案" in notice
        assert "member" in leader.statusBar().currentMessage()

        # the other list is not on this case: it refreshes too when a certificate changes
        assert dashboard.current_key() == "register"
    finally:
        for window in (auditor, leader, dashboard):
            close(window)


def test_a_stale_page_is_still_refused_not_overwritten(
    qtbot, services: Services, second_services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    """The change notice is for the eye; the versions are the guard. An edit made from what a window
    read before someone else's change is refused, however quickly it comes."""
    case_no = make_case("onsite_audit")
    leader = open_window(qtbot, second_services, "leader", f"scoring:{case_no}")
    try:
        tab = leader.pages["case"].scoring_tab  # type: ignore[attr-defined]
        code = tab.tree.current_code()
        leader.watcher.stop()  # as if no notification had come yet
        services.audits.set_points(team.member, case_no, code, Decimal(1))
        assert tab.model.entry(code) is None  # the page has not heard
        tab.full_marks(code)  # typed on the stale page
        assert "已被他人修改" in tab.status_label.text()
        assert services.cases.get(case_no).entries[code].points == Decimal(1)
        assert tab.model.entry(code).points == Decimal(1)  # the refusal reloaded what is stored
    finally:
        close(leader)


def test_a_case_changed_elsewhere_updates_its_row_in_the_list(
    qtbot, services: Services, second_services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    """The list keeps its scroll and updates the one row in place (the row was read from the case's
    full detail, which has no last-change time: the update failed and the row stayed stale)."""
    case_no = make_case("submitted")
    window = open_window(qtbot, services, "leader", "cases")  # the change is the clerk's: another person
    try:
        model = window.pages["cases"].model  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: model.position_of(case_no) >= 0, timeout=SEEN_WITHIN_MS)
        row = model._rows[model.position_of(case_no)]
        assert row.status == "submitted"

        clerk = second_services.users.login("clerk", PASSWORD)
        second_services.cases.reject(clerk, case_no, "材料不全")
        changed = second_services.cases.summary(case_no)

        qtbot.waitUntil(
            lambda: model._rows[model.position_of(case_no)].status == "rejected", timeout=SEEN_WITHIN_MS
        )
        assert model._rows[model.position_of(case_no)] == row._replace(
            status="rejected", updated_at=changed.updated_at
        )
    finally:
        close(window)
