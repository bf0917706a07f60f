"""The main window: navigation by role, pages by name, opening cases, disabled actions' reasons,
and the start-up path (`build_app(argv, exec=False)`) with its dialogs replaced."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton

from audit_workbench.core.errors import Refused
from audit_workbench.core.policy import Action
from audit_workbench.services import Services
from audit_workbench.ui import app as app_module
from audit_workbench.ui.context import Messages
from audit_workbench.ui.dialogs.database import CreateDatabaseDialog, NewDatabase
from audit_workbench.ui.dialogs.login import LoginDialog
from audit_workbench.ui.main_window import MainWindow, UnknownPage

from ..conftest import FAST_HASHER, PASSWORD

pytestmark = pytest.mark.gui


def _window(qtbot, ui_context, actor, lang="zh") -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_context(actor, lang), "test.sqlite3")
    qtbot.addWidget(window)
    return window


def test_a_clerk_does_not_see_the_administrators_pages(qtbot, ui_context, team) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, ui_context, team.clerk)
    assert window.nav_items["settings"].isHidden()
    assert not window.nav_items["dashboard"].isHidden()
    assert not window.nav_items["register"].isHidden()
    with pytest.raises(Refused, match="只有系统管理员可以系统设置"):
        window.show_page("settings")  # asked for anyway (--page settings): refused with the reason
    assert "settings" not in window.pages
    admin = _window(qtbot, ui_context, team.admin)
    assert not admin.nav_items["settings"].isHidden()
    admin.show_page("settings")
    assert admin.current_key() == "settings"


def test_pages_by_name(qtbot, ui_context, team, make_case) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    window = _window(qtbot, ui_context, team.clerk)
    assert window.current_key() == "dashboard"
    for name in ("cases", "register", "dashboard"):
        window.show_page(name)
        assert window.current_key() == name
    window.show_page(f"case:{case_no}")
    assert window.current_key() == "case"
    assert window.current_case == case_no
    assert not window.nav_items["case"].isHidden()
    assert window.nav_items["case"].text() == case_no
    with pytest.raises(UnknownPage):
        window.show_page("nowhere")
    with pytest.raises(UnknownPage):
        window.show_page("scores:AW1")
    with pytest.raises(Refused):
        window.show_page("case:AW1999-99999")


def test_a_clerk_sees_auditor_actions_disabled_with_the_reason(qtbot, ui_context, team, make_case) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    context = ui_context(team.clerk)
    window = MainWindow(context, "test.sqlite3")
    qtbot.addWidget(window)
    window.show_page(f"scoring:{case_no}")
    reason = context.explain(Action.score, context.services.cases.get(case_no))
    assert reason == "只有评审员可以评分"
    page = window.pages["case"]
    disabled = [b for b in page.findChildren(QAbstractButton) if not b.isEnabled() and b.toolTip() == reason]
    assert disabled, "the scoring actions are shown disabled, with the policy's reason"


def test_the_case_page_changing_a_case_marks_other_pages_stale(qtbot, ui_context, team, make_case) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    window = _window(qtbot, ui_context, team.clerk)
    window.show_page("cases")
    window.show_page(f"case:{case_no}")
    window.pages["case"].sig_case_changed.emit(case_no)
    assert {"dashboard", "cases"} <= window.stale
    window.show_page("dashboard")
    assert "dashboard" not in window.stale


def test_opening_a_case_from_the_list(qtbot, ui_context, team, make_case) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("submitted")
    window = _window(qtbot, ui_context, team.clerk)
    window.show_page("cases")
    page = window.pages["cases"]
    page.view.doubleClicked.emit(page.model.index(0, 0))
    assert window.current_key() == "case"
    assert window.current_case == case_no


def test_build_app_logs_in_from_the_environment(qtbot, monkeypatch, services, team, db_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    window = app_module.build_app(["--db", str(db_path), "--user", "clerk", "gui", "--page", "register"])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.context.actor.name == "clerk"
    assert window.current_key() == "register"
    assert window.nav_items["settings"].isHidden()


def test_build_app_asks_for_a_login(qtbot, monkeypatch, services, team, db_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AUDIT_WORKBENCH_PASSWORD", raising=False)
    asked = []

    def ask(cls, services, lang="zh", user_name="", body_name="", parent=None):  # type: ignore[no-untyped-def]
        asked.append((lang, user_name))
        return services.users.login("admin", PASSWORD)

    monkeypatch.setattr(LoginDialog, "ask", classmethod(ask))
    # the opening sweep is another test's: here it would still be reading when the test's server
    # database is dropped (AdminShutdown on the worker, seen in CI on PostgreSQL)
    monkeypatch.setattr(app_module, "SWEEP_AFTER_MS", 10**8)
    window = app_module.build_app(["--db", str(db_path), "--lang", "en", "gui"])
    qtbot.addWidget(window)
    assert asked == [("en", "")]
    assert window.context.lang == "en"
    assert not window.nav_items["settings"].isHidden()
    assert window.nav_items["dashboard"].text() == "Dashboard"
    qtbot.waitUntil(lambda: window.pages["dashboard"].dashboard is not None)  # its read is done
    window.context.services.close()


def test_cancelled_login_exits_quietly(monkeypatch, services, team, db_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AUDIT_WORKBENCH_PASSWORD", raising=False)
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, *a, **k: None))
    assert app_module.build_app(["--db", str(db_path)]) == 0


def test_first_start_offers_a_new_database(qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "fresh.sqlite3"
    offered = []

    def ask(cls, location, parent=None):  # type: ignore[no-untyped-def]
        offered.append(location)
        return NewDatabase(demo=False, admin_name="boss", admin_password="boss-password")

    monkeypatch.setattr(CreateDatabaseDialog, "ask", classmethod(ask))
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", "boss-password")
    window = app_module.build_app(["--db", str(target), "--user", "boss"])
    qtbot.addWidget(window)
    assert offered == [str(target.resolve())]
    assert window.context.actor.name == "boss"
    window.close()
    window.context.services.close()


def test_declining_to_create_a_database_exits(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(CreateDatabaseDialog, "ask", classmethod(lambda cls, *a, **k: None))
    assert app_module.build_app(["--db", str(tmp_path / "none.sqlite3")]) == 0
    assert not (tmp_path / "none.sqlite3").exists()


def test_switching_user_rebuilds_the_window_for_the_new_roles(
    qtbot, monkeypatch, ui_context, team, make_case
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    window = _window(qtbot, ui_context, team.admin)
    window.show_page("settings")
    asked = []

    def log_in_as(name):  # type: ignore[no-untyped-def]
        def ask(cls, services, lang="zh", user_name="", body_name="", parent=None):  # type: ignore[no-untyped-def]
            asked.append((lang, parent))
            return services.users.login(name, PASSWORD) if name else None

        monkeypatch.setattr(LoginDialog, "ask", classmethod(ask))

    log_in_as("clerk")
    window.switch_user_action.trigger()
    assert asked[-1] == ("zh", window)
    assert window.context.actor.name == "clerk" and window.context.window is window
    assert window.nav_items["settings"].isHidden()
    assert window.current_key() == "dashboard", "the administrator's page is not the clerk's"
    assert "受理人员" in window.user_card.text()
    assert "clerk" in window.statusBar().currentMessage()

    window.show_page(f"scoring:{case_no}")
    clerk_page = window.pages["case"]
    assert not clerk_page.scoring_tab.model.editable
    log_in_as("leader")
    assert window.switch_user()
    page = window.pages["case"]
    assert page is not clerk_page, "every page is rebuilt for the new user"
    assert (window.current_key(), page.case_no, page.current_tab()) == ("case", case_no, "scoring")
    assert page.scoring_tab.model.editable
    assert window.nav_items["case"].text() == case_no

    log_in_as("")  # cancelled: the leader stays logged in
    assert not window.switch_user()
    assert window.context.actor.name == "leader" and window.pages["case"] is page


def test_a_database_without_users_is_offered_for_setting_up(qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What a refused `init` of an earlier version left: tables, no user. No login for nobody: the
    window offers to set it up, and a refused choice is explained and asked again."""
    target = tmp_path / "left-empty.sqlite3"
    Services.open(target, hasher=FAST_HASHER).close()
    offered: list[tuple[str, bool]] = []
    answers = iter(
        [
            NewDatabase(demo=False, admin_name="boss", admin_password="x"),  # too short: refused, asked again
            NewDatabase(demo=False, admin_name="boss", admin_password="boss-password"),
        ]
    )
    warned: list[str] = []

    def ask(cls, location, parent=None, empty=False):  # type: ignore[no-untyped-def]
        offered.append((location, empty))
        return next(answers)

    monkeypatch.setattr(CreateDatabaseDialog, "ask", classmethod(ask))
    monkeypatch.setattr(
        Messages, "warning", classmethod(lambda cls, parent, title, text: warned.append(text))
    )
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", "boss-password")
    window = app_module.build_app(["--db", str(target), "--user", "boss"])
    qtbot.addWidget(window)
    assert offered == [(str(target.resolve()), True)] * 2 and len(warned) == 1
    assert window.context.actor.name == "boss"
    window.close()
    window.context.services.close()


def test_an_unattended_start_on_a_missing_database_names_it_and_creates_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "missing.sqlite3"
    with pytest.raises(Refused) as info:
        app_module.build_app(["--db", str(target), "--screenshot", str(tmp_path / "shot.png")])
    assert info.value.code == "no_database" and str(target) in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.sqlite_only  # the database as a file a screenshot could be written over
def test_a_screenshot_never_replaces_a_file_unasked_nor_the_database(
    monkeypatch, services, team, db_path, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    taken = tmp_path / "taken.png"
    taken.write_bytes(b"an earlier picture")
    for target, code in ((taken, "exists"), (db_path, "protected_output")):
        for force in ([], ["--force"]) if target == db_path else ([],):
            with pytest.raises(Refused) as info:
                app_module.build_app(
                    ["--db", str(db_path), "--user", "admin", "--screenshot", str(target), *force]
                )
            assert info.value.code == code
    assert taken.read_bytes() == b"an earlier picture"
    assert services.log.verify().ok
