"""The window builds only its start page before the first paint, and imports only what that needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit_workbench.core.errors import Refused
from audit_workbench.services.dashboard import DashboardService
from audit_workbench.ui import app as app_module
from audit_workbench.ui.dialogs.login import LoginDialog
from audit_workbench.ui.main_window import MainWindow

from ..conftest import PASSWORD

pytestmark = [pytest.mark.gui, pytest.mark.sqlite_only]


@pytest.fixture
def overviews(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The users the dashboard's service was asked for (it is what makes the dashboard slow)."""
    calls: list[str] = []
    overview = DashboardService.overview

    def counted(self, actor, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(actor.name)
        return overview(self, actor, *args, **kwargs)

    monkeypatch.setattr(DashboardService, "overview", counted)
    return calls


def _start(qtbot, monkeypatch, db_path, *page: str) -> MainWindow:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    window = app_module.build_app(["--db", str(db_path), "--user", "clerk", *page])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    return window


def test_starting_at_the_case_list_does_not_build_the_dashboard(
    qtbot, monkeypatch, services, team, make_case, db_path, overviews
) -> None:  # type: ignore[no-untyped-def]
    make_case("submitted")
    window = _start(qtbot, monkeypatch, db_path, "--page", "cases")
    assert window.current_key() == "cases"
    assert set(window.pages) == {"cases"}
    assert window.pages["cases"].model.rowCount() == 1
    assert overviews == []
    window.show_page("dashboard")  # built on first use, like the other pages
    assert window.current_key() == "dashboard"
    assert set(window.pages) == {"cases", "dashboard"}
    assert overviews == ["clerk"]
    window.context.services.close()


def test_without_a_page_the_window_starts_on_the_dashboard(
    qtbot, monkeypatch, services, team, db_path, overviews
) -> None:  # type: ignore[no-untyped-def]
    window = _start(qtbot, monkeypatch, db_path)
    assert window.current_key() == "dashboard"
    assert set(window.pages) == {"dashboard"}
    assert overviews == ["clerk"]
    window.context.services.close()


def test_the_constructor_shows_only_the_start_page(qtbot, ui_context, team, make_case, overviews) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    window = MainWindow(ui_context(team.clerk), "test.sqlite3", start_page=f"scoring:{case_no}")
    qtbot.addWidget(window)
    assert (window.current_key(), window.current_case) == ("case", case_no)
    assert window.pages["case"].current_tab() == "scoring"
    assert set(window.pages) == {"case"}
    assert overviews == []
    default = MainWindow(ui_context(team.clerk), "test.sqlite3")
    qtbot.addWidget(default)
    assert default.current_key() == "dashboard" and set(default.pages) == {"dashboard"}


def test_a_bad_start_page_is_refused(qtbot, monkeypatch, services, team, db_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    with pytest.raises(Refused) as info:
        app_module.build_app(["--db", str(db_path), "--user", "clerk", "--page", "nowhere"])
    assert info.value.code == "bad_page"
    with pytest.raises(Refused, match="只有系统管理员可以系统设置"):
        app_module.build_app(["--db", str(db_path), "--user", "clerk", "--page", "settings"])


def test_switching_user_after_starting_at_the_case_list(
    qtbot, monkeypatch, services, team, db_path, overviews
) -> None:  # type: ignore[no-untyped-def]
    window = _start(qtbot, monkeypatch, db_path, "--page", "cases")
    clerk_page = window.pages["cases"]

    def ask(cls, services, lang="zh", user_name="", body_name="", parent=None):  # type: ignore[no-untyped-def]
        return services.users.login("leader", PASSWORD)

    monkeypatch.setattr(LoginDialog, "ask", classmethod(ask))
    window.switch_user_action.trigger()  # 文件 › 切换用户 (Ctrl+L)
    assert window.context.actor.name == "leader"
    assert window.current_key() == "cases"
    assert window.pages["cases"] is not clerk_page, "the page is rebuilt for the new user"
    assert set(window.pages) == {"cases"}
    assert overviews == []
    window.show_page("dashboard")
    assert overviews == ["leader"]
    window.context.services.close()


_PROBE = """
import json, os, sys
from audit_workbench.ui.start import load_services
load_services(sys.argv[2])  # as `audit-workbench gui` starts (cli.cmd_gui)
from audit_workbench.ui.app import build_app
window = build_app(["--db", sys.argv[1], "--user", "clerk", "--page", sys.argv[2]])
order = list(sys.modules)
print(json.dumps({"modules": order, "pages": sorted(window.pages)}))
sys.stdout.flush()
os._exit(0)
"""

NOT_AT_START = (
    "alembic",  # the database is at the head revision
    "audit_workbench.services.packages",
    "audit_workbench.services.backup",
    "audit_workbench.services.documents",
    "audit_workbench.reports",
    "PySide6.QtCharts",
    "PySide6.QtPdf",
    "reportlab",
    "openpyxl",
    "cryptography",
)


@pytest.mark.parametrize(
    ("page", "also_not"),
    [
        ("cases", ("audit_workbench.services.dashboard",)),
        # the dashboard names the records checks' findings; their signature checks load when used
        ("dashboard", ("audit_workbench.services.cases",)),
    ],
)
def test_starting_at_a_page_imports_only_what_it_shows(
    services, team, db_path: Path, page: str, also_not: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AUDIT_WORKBENCH_PASSWORD=PASSWORD)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(db_path), page],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["pages"] == [page]
    modules: list[str] = out["modules"]
    unwanted = NOT_AT_START + also_not
    loaded = sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in unwanted))
    assert loaded == [], "imported before the first paint but not needed for it"
    # PySide6's __feature__ import hook reads the source of every module imported after PySide6:
    # the storage stack is imported first (ui/app.py), the rubric models with the page's services
    # (ui.start).
    assert modules.index("sqlalchemy.orm") < modules.index("PySide6.QtCore")
    if page == "cases":  # the rubric models (the dashboard's start needs no pydantic)
        assert modules.index("pydantic") < modules.index("PySide6.QtCore")


def test_the_window_resumes_the_collector_after_its_first_paint(
    qtbot, monkeypatch, services, team, db_path
) -> None:  # type: ignore[no-untyped-def]
    import gc

    from audit_workbench.core import startup

    startup.pause_collector()  # as `audit-workbench` does when it starts
    try:
        window = _start(qtbot, monkeypatch, db_path)
        assert not gc.isenabled()  # built, not yet painted: still paused
        window.show()
        qtbot.waitUntil(gc.isenabled, timeout=5000)
        assert not startup.collector_paused() and gc.get_freeze_count() > 0
        window.context.services.close()
    finally:
        startup._paused = False
        gc.unfreeze()
        gc.enable()


def test_a_read_ahead_is_taken_by_the_first_load_only_and_carries_its_refusal(
    qtbot, ui_context, team
) -> None:  # type: ignore[no-untyped-def]
    context = ui_context(team.clerk)
    calls: list[int] = []

    def read(n: int) -> int:
        calls.append(n)
        if n < 0:
            raise Refused("no_such_thing", "nothing to read", "无可读取")
        return n * 2

    context.read_ahead("page", read, 21)
    got: list[int] = []
    context.load("page-owner", read, 21, on_loaded=got.append, ahead="page")
    qtbot.waitUntil(lambda: got == [42])
    assert calls == [21]  # one read in all
    context.load("page-owner", read, 21, on_loaded=got.append, ahead="page")  # a refresh reads anew
    qtbot.waitUntil(lambda: got == [42, 42])
    assert calls == [21, 21]
    refusals: list[str] = []
    context.read_ahead("page", read, -1)
    context.load(
        "page-owner",
        read,
        -1,
        on_loaded=got.append,
        on_refused=lambda e: refusals.append(e.code),
        ahead="page",
    )
    qtbot.waitUntil(lambda: refusals == ["no_such_thing"])
    assert calls == [21, 21, -1] and got == [42, 42]


@pytest.mark.parametrize("page", ["dashboard", "cases"])
def test_the_change_watcher_starts_where_the_log_stood_before_the_page_was_read(
    qtbot, monkeypatch, services, team, make_case, db_path, page
) -> None:  # type: ignore[no-untyped-def]
    """Read before the start page (on the same serial worker): a change committed while the page is
    read is after the watcher's starting point, so the window hears of it."""
    from audit_workbench.services.cases import CaseService
    from audit_workbench.services.changes import ChangeService

    make_case("submitted")
    reads: list[str] = []
    latest, overview, listing = ChangeService.latest, DashboardService.overview, CaseService.first_page

    def read_latest(self):  # type: ignore[no-untyped-def]
        reads.append("log")
        return latest(self)

    def read_overview(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append("page")
        return overview(self, *args, **kwargs)

    def read_list(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append("page")
        return listing(self, *args, **kwargs)

    monkeypatch.setattr(ChangeService, "latest", read_latest)
    monkeypatch.setattr(DashboardService, "overview", read_overview)
    monkeypatch.setattr(CaseService, "first_page", read_list)
    window = _start(qtbot, monkeypatch, db_path, "--page", page)
    assert reads[:2] == ["log", "page"]
    assert window.watcher.last == latest(services.changes) > 0
    window.context.services.close()
