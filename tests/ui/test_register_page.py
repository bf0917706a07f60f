"""The certificate register: suspend / restore / withdraw through the reason dialog (its `ask`
replaced), rows updated in place, actions disabled with their reasons, CSV export, follow-ups."""

from __future__ import annotations

import pytest

from audit_workbench.ui.dialogs.follow_up import FollowUp, FollowUpDialog
from audit_workbench.ui.dialogs.reason import ReasonDialog
from audit_workbench.ui.pages import register as register_module
from audit_workbench.ui.pages.register import RegisterPage

from .conftest import dialog_answer

pytestmark = pytest.mark.gui

STATUS = 4  # the status column


@pytest.fixture
def certified(make_case, services):  # type: ignore[no-untyped-def]
    case_no = make_case("certified")
    return services.cases.get(case_no).certificate


def _answer(monkeypatch, text):  # type: ignore[no-untyped-def]
    asked = []

    fake = dialog_answer(text).__func__

    def ask(cls, parent, title, prompt, ok_text="", submit=None, codes=None):  # type: ignore[no-untyped-def]
        asked.append((title, prompt, codes))
        if codes and text is not None:  # the first reason code chosen
            return dialog_answer((codes[0][0], text)).__func__(cls, submit=submit)
        return fake(cls, submit=submit)

    monkeypatch.setattr(ReasonDialog, "ask", classmethod(ask))
    return asked


def test_model(qtmodeltester, qtbot, ui_context, team, certified) -> None:  # type: ignore[no-untyped-def]
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)


def test_suspend_through_the_dialog_updates_the_row(
    qtbot, monkeypatch, services, ui_context, team, certified
) -> None:  # type: ignore[no-untyped-def]
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert page.select(certified.number)
    assert page.model.index(0, STATUS).data() == "有效"
    assert page.suspend_button.isEnabled()
    assert not page.restore_button.isEnabled()
    assert page.restore_button.toolTip() == "证书状态为“有效”，不能恢复"
    asked = _answer(monkeypatch, "监督审核逾期未进行")
    rows_changed = []
    page.model.dataChanged.connect(lambda a, b: rows_changed.append(a.row()))
    page.suspend_button.click()
    assert certified.number in asked[0][1]
    assert rows_changed == [0]
    assert page.model.index(0, STATUS).data() == "暂停"
    assert page.model.index(0, STATUS).data(3) == "监督审核逾期未进行"  # tooltip: the reason
    assert services.certificates.get(certified.number).status == "suspended"
    assert not page.suspend_button.isEnabled()
    assert page.restore_button.isEnabled()

    _answer(monkeypatch, "已完成监督审核")
    page.restore_button.click()
    assert page.model.index(0, STATUS).data() == "有效"


def test_cancelled_dialog_changes_nothing(qtbot, monkeypatch, services, ui_context, team, certified) -> None:  # type: ignore[no-untyped-def]
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.select(certified.number)
    _answer(monkeypatch, None)
    page.withdraw_button.click()
    assert services.certificates.get(certified.number).status == "valid"


def test_refusal_shows_a_warning(qtbot, monkeypatch, messages, services, ui_context, team, certified) -> None:  # type: ignore[no-untyped-def]
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.select(certified.number)
    services.certificates.withdraw(
        team.clerk, certified.number, "他人已撤销", code="0199"
    )  # behind the page's back
    _answer(monkeypatch, "暂停")
    page.suspend_button.click()
    # said in the reason dialog, which stays open with the reason typed; in words, not ids
    assert messages.dialog_problems == [f"证书 {certified.number} 状态为“撤销”，不能执行该操作"]


def test_other_roles_see_the_actions_disabled_with_the_reason(qtbot, ui_context, team, certified) -> None:  # type: ignore[no-untyped-def]
    page = RegisterPage(ui_context(team.leader))
    qtbot.addWidget(page)
    page.select(certified.number)
    for button in (page.suspend_button, page.withdraw_button, page.follow_up_button):
        assert not button.isEnabled()
        assert button.toolTip() == "只有受理人员可以证书管理"
    assert page.open_button.isEnabled()


def test_export_csv(qtbot, monkeypatch, messages, tmp_path, ui_context, team, certified) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "register.csv"
    monkeypatch.setattr(register_module.SavePath, "ask", classmethod(lambda cls, *a: target))
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.export_button.click()
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "证书编号" in text and certified.number in text
    assert messages.informations and "1" in messages.informations[0][1]


def test_search_and_status_filter(qtbot, ui_context, team, make_case, services) -> None:  # type: ignore[no-untyped-def]
    first = services.cases.get(make_case("certified")).certificate
    make_case("certified")
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert page.proxy.rowCount() == 2
    page.search_edit.setText(first.number)
    assert page.proxy.rowCount() == 1
    assert page.count_label.text() == "显示 1 / 2 张证书"
    page.search_edit.clear()
    page.status_combo.setCurrentIndex(page.status_combo.findData("suspended"))
    assert page.proxy.rowCount() == 0


def test_open_a_surveillance_audit(qtbot, monkeypatch, services, ui_context, team, certified) -> None:  # type: ignore[no-untyped-def]
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.select(certified.number)
    offered = []

    fake = dialog_answer(FollowUp("surveillance", None)).__func__

    def ask(cls, context, number, kinds, parent=None, submit=None):  # type: ignore[no-untyped-def]
        offered.append(kinds)
        return fake(cls, submit=submit)

    monkeypatch.setattr(FollowUpDialog, "ask", classmethod(ask))
    with qtbot.waitSignal(page.sig_case_requested) as blocker:
        page.follow_up_button.click()
    assert offered == [("surveillance", "renewal")]
    detail = services.cases.get(blocker.args[0])
    assert (detail.kind, detail.status, detail.parent_certificate) == (
        "surveillance",
        "accepted",
        certified.number,
    )
