"""A busy database in the window (issue 10, point 7): while another program holds a long write, a
window action shows the wait with a 取消 at once, and completes when the database is free; 取消
changes nothing; the bound gives the clear "database busy" message. On SQLite (BEGIN IMMEDIATE) and
PostgreSQL (the event log locked)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QPushButton

from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.ui import busy, workers
from audit_workbench.ui.case.common import fmt_points
from audit_workbench.ui.context import UiContext
from audit_workbench.ui.pages.case_page import CasePage

from ..conftest import FAST_HASHER, CaseMaker, Clock, Team, dump
from ..services.test_logins import _hold_the_write_lock
from .test_case_scoring import indicators, open_page, stored, type_points

pytestmark = pytest.mark.gui


@pytest.fixture
def window_services(db_path: Path | str, clock: Clock) -> Iterator[Services]:
    """The services as the window opens them: each attempt waits only briefly for the lock."""
    s = Services.open(db_path, clock=clock, hasher=FAST_HASHER, busy_seconds=busy.ATTEMPT_SECONDS)
    yield s
    s.close()


def _scoring(qtbot, window_services: Services, team: Team, make_case: CaseMaker) -> tuple[str, CasePage]:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, lambda actor: UiContext(window_services, actor), team.leader, case_no)
    return case_no, page


def _full_marks(services: Services, case_no: str, page: CasePage) -> tuple[str, str]:
    code = page.scoring_tab.tree.current_code()
    indicator = next(i for i in indicators(services, case_no) if i.code == code)
    return code, fmt_points(indicator.max_points)


def test_a_score_saved_while_another_program_writes_waits_then_is_stored(
    qtbot,
    services: Services,
    window_services: Services,
    team: Team,
    make_case: CaseMaker,
    db_path: Path | str,
) -> None:  # type: ignore[no-untyped-def]
    case_no, page = _scoring(qtbot, window_services, team, make_case)
    code, points = _full_marks(services, case_no, page)
    release, close = _hold_the_write_lock(db_path)
    seen: list[object] = []

    def look_then_release() -> None:
        wait = busy.current_wait()
        seen.append(wait is not None and wait.dialog.isVisible() and wait.dialog.labelText())
        page.scoring_tab.repaint()  # the window is still painted while it waits
        release()

    QTimer.singleShot(450, look_then_release)
    try:
        type_points(qtbot, page, points)
    finally:
        close()
    assert seen == ["数据库正忙：另一个程序正在写入，正在等待…"], "the wait shows within half a second"
    assert busy.current_wait() is None
    assert fmt_points(stored(services, case_no, code).points) == points
    assert "已保存" in page.scoring_tab.status_label.text()


def test_cancelling_the_wait_changes_nothing_and_the_window_still_works(
    qtbot,
    services: Services,
    window_services: Services,
    team: Team,
    make_case: CaseMaker,
    db_path: Path | str,
) -> None:  # type: ignore[no-untyped-def]
    case_no, page = _scoring(qtbot, window_services, team, make_case)
    code, points = _full_marks(services, case_no, page)
    before = dump(db_path)
    release, close = _hold_the_write_lock(db_path)

    def press_cancel() -> None:
        wait = busy.current_wait()
        assert wait is not None
        button = wait.dialog.findChild(QPushButton)
        assert button is not None and button.text() == "取消"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(400, press_cancel)
    try:
        started = time.monotonic()
        type_points(qtbot, page, points)
        waited = time.monotonic() - started
        assert waited < 2, "取消 ends the wait at once"
        assert busy.current_wait() is None
        assert dump(db_path) == before, "a cancelled wait changed the database"
        release()
    finally:
        close()
    said = page.scoring_tab.status_label.text()
    assert "已取消" in said and "未做任何更改" in said
    # the database free again, the same score is saved
    page.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is page.windowHandle())
    page.scoring_tab.tree.go_to(code)
    page.scoring_tab.tree.setFocus()
    type_points(qtbot, page, points)
    assert fmt_points(stored(services, case_no, code).points) == points


def test_the_bound_gives_the_clear_busy_message(
    qtbot,
    services: Services,
    window_services: Services,
    team: Team,
    make_case: CaseMaker,
    db_path: Path | str,
) -> None:  # type: ignore[no-untyped-def]
    case_no, page = _scoring(qtbot, window_services, team, make_case)
    _, points = _full_marks(services, case_no, page)
    page.context.busy_seconds = 1.0
    before = dump(db_path)
    release, close = _hold_the_write_lock(db_path)
    try:
        started = time.monotonic()
        type_points(qtbot, page, points)
        waited = time.monotonic() - started
        assert dump(db_path) == before
        release()
    finally:
        close()
    assert 1.0 <= waited < 2.5, waited
    assert busy.current_wait() is None
    assert "数据库正忙" in page.scoring_tab.status_label.text()


def test_a_cancelled_wait_is_said_once_in_the_status_bar(
    qtbot, window_services: Services, team: Team, db_path: Path | str, messages
) -> None:  # type: ignore[no-untyped-def]
    window = QMainWindow()
    qtbot.addWidget(window)
    ctx = UiContext(window_services, team.admin, window=window)
    before = dump(db_path)
    release, close = _hold_the_write_lock(db_path)

    def press_cancel() -> None:
        wait = busy.current_wait()
        assert wait is not None
        wait.dialog.cancel()

    QTimer.singleShot(300, press_cancel)
    try:
        result = ctx.run_service(ctx.services.settings.set, team.admin, "body_name", "忙时改名")
        assert dump(db_path) == before
        release()
    finally:
        close()
    assert result is None and ctx.last_refusal is not None and ctx.last_refusal.code == "busy_cancelled"
    assert messages.warnings == []
    assert "未做任何更改" in window.statusBar().currentMessage()


def test_on_the_database_worker_the_wait_stops_at_cancel(
    qapp, window_services: Services, team: Team, db_path: Path | str
) -> None:  # type: ignore[no-untyped-def]
    """A page's load or an action on the worker thread: attempts repeat until its task is cancelled."""
    ctx = UiContext(window_services, team.admin)
    task = workers.Task(lambda progress, cancel: None, "test")
    outcome: list[BaseException] = []

    def work() -> None:
        workers._current.task = task
        try:
            ctx.services.settings.set(team.admin, "body_name", "忙时改名")
        except Refused as exc:
            outcome.append(exc)
        finally:
            workers._current.task = None

    release, close = _hold_the_write_lock(db_path)
    try:
        thread = threading.Thread(target=work)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive(), "still waiting for the database"
        task.request_cancel()
        thread.join(2)
        assert not thread.is_alive()
        release()
    finally:
        close()
    assert [getattr(e, "code", e) for e in outcome] == ["busy_cancelled"]
