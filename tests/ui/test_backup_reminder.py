"""文件 › 备份数据库… and the start-up reminder: administrators only, when no backup is younger than
a week; backing up (from the menu or the reminder's button) clears it. `BackupFile.ask` is replaced."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from audit_workbench.services.backup import last_backup, verify_backup
from audit_workbench.ui import workers
from audit_workbench.ui.dialogs.backup import BackupFile
from audit_workbench.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.sqlite_only]


def _window(qtbot, ui_context, actor) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_context(actor), "office.sqlite3")
    qtbot.addWidget(window)
    return window


def _answer(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> list[str]:
    suggested: list[str] = []

    def ask(cls, parent, title, name):  # type: ignore[no-untyped-def]
        suggested.append(name)
        return path

    monkeypatch.setattr(BackupFile, "ask", classmethod(ask))
    return suggested


def test_an_administrator_without_a_backup_is_reminded_and_backing_up_clears_it(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, messages, services, team, ui_context, tmp_path
) -> None:
    window = _window(qtbot, ui_context, team.admin)
    actions = window.backup_actions
    assert actions.reminder_shown
    assert actions.bar.text_label.text().startswith("本数据库尚未备份过")
    assert actions.action.isVisible() and actions.action.isEnabled()
    assert messages.warnings == [] and messages.informations == []  # a bar, never a box in the way

    suggested = _answer(monkeypatch, tmp_path / "周一备份")  # the window adds .awb
    actions.bar.backup_button.click()
    assert suggested == ["audit-workbench-2026-03-02.awb"]
    written = tmp_path / "周一备份.awb"
    assert written.is_file() and verify_backup(written)["events"] > 0
    assert last_backup(services) == services.now()
    assert not actions.reminder_shown
    title, text = messages.informations[-1]
    assert title == "备份完成" and str(written) in text
    # it says that the signing key is not in the backup, and how to keep it
    assert "签名密钥不在数据库备份中" in text and "keys backup" in text and "keys restore" in text
    assert verify_backup(written)["anchor"] in text
    # the next start-up does not remind either
    assert not _window(qtbot, ui_context, team.admin).backup_actions.reminder_shown


def test_a_clerk_never_sees_the_reminder_or_the_entry(qtbot, ui_context, team) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, ui_context, team.clerk)
    assert not window.backup_actions.reminder_shown
    assert not window.backup_actions.action.isVisible()
    menu = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.isVisible()]
    assert "备份数据库(&K)…" not in menu


def test_switching_from_the_administrator_to_a_clerk_hides_it(qtbot, ui_context, team) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, ui_context, team.admin)
    assert window.backup_actions.reminder_shown
    window.set_actor(team.clerk)
    assert not window.backup_actions.reminder_shown and not window.backup_actions.action.isVisible()
    window.set_actor(team.admin)
    assert window.backup_actions.reminder_shown and window.backup_actions.action.isVisible()


def test_a_backup_older_than_a_week_reminds_again(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, services, team, ui_context, tmp_path, clock
) -> None:
    window = _window(qtbot, ui_context, team.admin)
    _answer(monkeypatch, tmp_path / "first.awb")
    window.backup_actions.action.trigger()  # from the menu
    assert not window.backup_actions.reminder_shown
    clock.now += timedelta(days=7)
    assert not _window(qtbot, ui_context, team.admin).backup_actions.reminder_shown
    clock.now += timedelta(days=3)
    later = _window(qtbot, ui_context, team.admin)
    assert later.backup_actions.reminder_shown
    assert later.backup_actions.bar.text_label.text() == (
        "上次备份是 10 天前（"
        + later.context.fmt_datetime(last_backup(services))
        + "）。建议至少每周备份一次。"
    )
    later.backup_actions.bar.later_button.click()  # 稍后提醒: gone until the next login
    assert not later.backup_actions.reminder_shown


def test_a_cancelled_or_refused_backup_keeps_the_reminder(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, messages, services, team, ui_context, tmp_path
) -> None:
    window = _window(qtbot, ui_context, team.admin)
    _answer(monkeypatch, None)  # the file dialog was cancelled
    window.backup_actions.bar.backup_button.click()
    assert window.backup_actions.reminder_shown and messages.warnings == []
    taken = tmp_path / "taken.awb"
    taken.write_bytes(b"someone else's file")
    _answer(monkeypatch, taken)
    window.backup_actions.bar.backup_button.click()
    ((title, text),) = messages.warnings
    assert title == "无法备份数据库" and "已存在" in text
    assert taken.read_bytes() == b"someone else's file"
    assert last_backup(services) is None and window.backup_actions.reminder_shown


def test_the_backup_runs_off_the_gui_thread(
    qtbot, monkeypatch, messages, services, team, ui_context, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    runner = workers.TaskRunner()
    workers.use_runner(runner)
    try:
        window = _window(qtbot, ui_context, team.admin)
        _answer(monkeypatch, tmp_path / "threaded.awb")
        window.backup_actions.action.trigger()
        qtbot.waitUntil(lambda: not runner.busy, timeout=30_000)
        assert (tmp_path / "threaded.awb").is_file()
        assert not window.backup_actions.reminder_shown
        assert messages.informations[-1][0] == "备份完成"
    finally:
        runner.wait(10_000)
