"""Settings and users: an administrator changes the body's settings and manages users through
dialogs whose `ask` is replaced."""

from __future__ import annotations

import pytest

from audit_workbench.ui.dialogs.users import AddUserDialog, NewUser, PasswordDialog, RolesDialog
from audit_workbench.ui.pages.settings import SettingsPage

from .conftest import dialog_answer

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, ui_context, team):  # type: ignore[no-untyped-def]
    widget = SettingsPage(ui_context(team.admin))
    qtbot.addWidget(widget)
    return widget


def _select(page: SettingsPage, name: str) -> None:
    position = page.users_model.find(lambda u: u.name == name)
    page.users_view.setCurrentIndex(page.users_model.index(position, 0))


def test_users_model(qtmodeltester, page) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.users_model)
    assert page.users_model.rowCount() == 8


def test_save_settings(page, services, messages) -> None:  # type: ignore[no-untyped-def]
    page.body_name_edit.setText("华衡服务认证中心")
    page.quorum_spin.setValue(3)
    page.pattern_edit.setText("HH-{year}-{seq:04d}")
    assert page.pattern_preview.text() == "示例：HH-2026-0001"
    page.save_button.click()
    values = services.settings.all()
    assert (values["body_name"], values["committee_quorum"], values["certificate_number_pattern"]) == (
        "华衡服务认证中心",
        3,
        "HH-{year}-{seq:04d}",
    )
    assert messages.informations


def test_a_bad_pattern_is_refused_and_nothing_saved(page, services, messages) -> None:  # type: ignore[no-untyped-def]
    page.pattern_edit.setText("HH-{seq}")
    page.save_button.click()
    assert messages.warnings and "{year}" in messages.warnings[0][1]
    assert services.settings.get("certificate_number_pattern") == "AWB-{year}-{seq:05d}"


def test_add_user_set_roles_deactivate_reset_password(page, services, monkeypatch, messages) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        AddUserDialog,
        "ask",
        dialog_answer(NewUser("zhaoliu", "赵六", "password-1", ("auditor",))),
    )
    page.add_user_button.click()
    assert services.users.get("zhaoliu").roles == ("auditor",)
    _select(page, "zhaoliu")
    monkeypatch.setattr(RolesDialog, "ask", dialog_answer(("auditor", "committee")))
    page.roles_button.click()
    assert services.users.get("zhaoliu").roles == ("auditor", "committee")
    _select(page, "zhaoliu")
    assert page.active_button.text() == "停用"
    page.active_button.click()  # confirmed by the captured question
    assert messages.questions
    assert not services.users.get("zhaoliu").active
    _select(page, "zhaoliu")
    assert page.active_button.text() == "启用"
    monkeypatch.setattr(PasswordDialog, "ask", dialog_answer("new-password-2"))
    page.active_button.click()
    assert services.users.get("zhaoliu").active
    page.password_button.click()
    assert services.users.login("zhaoliu", "new-password-2").name == "zhaoliu"


def test_an_administrator_cannot_deactivate_themselves(page) -> None:  # type: ignore[no-untyped-def]
    _select(page, "admin")
    assert not page.active_button.isEnabled()
    assert page.active_button.toolTip() == "不能停用自己"


def test_an_administrator_clears_a_login_delay(page, services) -> None:  # type: ignore[no-untyped-def]
    from audit_workbench.core.errors import Refused

    _select(page, "clerk")
    assert not page.unlock_button.isEnabled()
    assert page.unlock_button.toolTip() == "所选用户无需等待即可登录"
    for _ in range(4):
        with pytest.raises(Refused):
            services.users.login("clerk", "wrong-password")
    page.load_users()
    _select(page, "clerk")
    row = page.users_model.find(lambda u: u.name == "clerk")
    assert "登录需等待" in page.users_model.index(row, 3).data()
    assert page.unlock_button.isEnabled()
    page.unlock_button.click()
    assert services.users.get("clerk").locked_until is None
    assert services.users.login("clerk", "demo-pass-2026").name == "clerk"
