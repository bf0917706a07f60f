"""Audit packages through the window: office → laptop (文件 › 带到现场笔记本…), offline scoring on a
second database, and back (文件 › 带回评审结果…) with the preview, conflicts and refusals.

The file choosers (`PackageFile`) are replaced; the dialogs are real widgets whose `exec` is replaced
by what the user would do (tick, choose, click), so nothing blocks.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from audit_workbench.services import Actor, Services
from audit_workbench.services.packages import PackageChange, export_package, import_package
from audit_workbench.ui import workers
from audit_workbench.ui.context import UiContext
from audit_workbench.ui.dialogs.packages import (
    ExportCasesDialog,
    PackageFile,
    PackagePreviewDialog,
    change_texts,
    exportable_cases,
    record_label,
)
from audit_workbench.ui.dialogs.packages.laptop import LaptopCodesDialog, LaptopPasswordDialog
from audit_workbench.ui.main_window import MainWindow

from ..conftest import FAST_HASHER, CaseMaker, Clock, Team, dump
from ..services.package_helpers import LAPTOP_PASSWORD

pytestmark = [pytest.mark.gui, pytest.mark.sqlite_only]


def _window(qtbot, ui_context, actor) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_context(actor), "office.sqlite3")
    qtbot.addWidget(window)
    return window


def _answer_files(
    monkeypatch: pytest.MonkeyPatch, save: Path | None = None, open_: Path | None = None
) -> None:
    monkeypatch.setattr(PackageFile, "ask_save", classmethod(lambda cls, parent, title, suggested: save))
    monkeypatch.setattr(PackageFile, "ask_open", classmethod(lambda cls, parent, title: open_))


def _user_ticks(monkeypatch: pytest.MonkeyPatch, case_nos: list[str], seen: list[ExportCasesDialog]) -> None:
    """ExportCasesDialog.exec: the user ticks `case_nos` and clicks 导出…."""

    def exec_(self: ExportCasesDialog) -> int:
        seen.append(self)
        self.model.set_checked(case_nos)
        self.ok_button.click()
        return self.result()

    monkeypatch.setattr(ExportCasesDialog, "exec", exec_)


def _user_previews(
    monkeypatch: pytest.MonkeyPatch,
    seen: list[PackagePreviewDialog],
    act: Callable[[PackagePreviewDialog], None] = lambda d: None,
    click_import: bool = True,
) -> None:
    """PackagePreviewDialog.exec: the user reads the preview, does `act`, and clicks 导入 (or 取消)."""

    def exec_(self: PackagePreviewDialog) -> int:
        seen.append(self)
        act(self)
        if click_import:
            assert self.import_button.isEnabled(), self.hint_label.text()
            self.import_button.click()
        else:
            self.reject()
        return self.result()

    monkeypatch.setattr(PackagePreviewDialog, "exec", exec_)


def _take_out_through_the_window(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, case_no: str, tmp_path: Path
) -> Path:
    seen: list[ExportCasesDialog] = []
    _user_ticks(monkeypatch, [case_no], seen)
    _answer_files(monkeypatch, save=tmp_path / "现场")  # no suffix: the window adds .awp
    window.package_actions.take_action.trigger()
    assert seen and case_no in [c.case_no for c in seen[0].model.rows()]
    return tmp_path / "现场.awp"


def _laptop(path: Path, tmp_path: Path, clock: Clock) -> Services:
    laptop_db = tmp_path / "laptop" / "workbench.sqlite3"
    result = import_package(laptop_db, path, clock=clock)  # a new laptop database: no one to ask yet
    assert result.database_created
    return Services.open(laptop_db, clock=clock, hasher=FAST_HASHER)


@pytest.fixture(autouse=True)
def codes_shown(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """LaptopCodesDialog.present: the codes the office window showed, instead of a modal dialog."""
    shown: list[dict[str, str]] = []
    monkeypatch.setattr(
        LaptopCodesDialog, "present", classmethod(lambda cls, codes, parent=None: shown.append(dict(codes)))
    )
    return shown


def _leader_on(laptop: Services, codes_shown: list[dict[str, str]]) -> Actor:
    """The team leader's first login on the laptop, with the code the office window showed."""
    return laptop.users.login("leader", codes_shown[-1]["leader"], new_password=LAPTOP_PASSWORD)


@pytest.fixture
def on_site(services: Services, team: Team, make_case: CaseMaker) -> str:
    case_no = make_case("onsite_audit")
    services.audits.set_points(team.leader, case_no, "1.1", "2")
    return case_no


# == choosing cases ==================================================================================


def test_the_case_choice_lists_what_this_user_may_take_out(  # type: ignore[no-untyped-def]
    qtbot, qtmodeltester, ui_context, team, make_case
) -> None:
    review, on_site, concluded = (
        make_case("document_review"),
        make_case("onsite_audit"),
        make_case("committee_review"),
    )
    make_case("accepted")  # no team yet: never offered
    clerk = ExportCasesDialog(ui_context(team.clerk))
    qtbot.addWidget(clerk)
    qtmodeltester.check(clerk.model)
    assert [c.case_no for c in clerk.model.rows()] == sorted([review, on_site])
    assert clerk.concluded_check.isHidden()
    assert not clerk.ok_button.isEnabled()
    clerk.model.set_checked([on_site])
    qtmodeltester.check(clerk.model)
    assert clerk.chosen() == [on_site] and clerk.ok_button.isEnabled()
    assert clerk.count_label.text() == "已选 1 个案件"
    # a click anywhere on a row ticks it, a second click unticks it
    clerk.view.clicked.emit(clerk.model.index(0, 1))
    assert clerk.chosen() == sorted([review, on_site])
    clerk.view.clicked.emit(clerk.model.index(0, 2))
    assert clerk.chosen() == [on_site]

    leader = ExportCasesDialog(ui_context(team.leader), preselect=[review])
    qtbot.addWidget(leader)
    assert leader.chosen() == [review]
    assert not leader.concluded_check.isHidden()
    leader.concluded_check.setChecked(True)  # on the laptop: the results of concluded cases go back
    assert [c.case_no for c in leader.model.rows()] == sorted([review, on_site, concluded])
    assert leader.chosen() == [review]
    qtmodeltester.check(leader.model)

    outsider = ExportCasesDialog(ui_context(team.outsider_auditor))
    qtbot.addWidget(outsider)
    assert outsider.model.rowCount() == 0
    assert not outsider.empty_label.isHidden() and not outsider.ok_button.isEnabled()


def test_the_entries_are_disabled_with_the_reason_for_others(qtbot, ui_context, team) -> None:  # type: ignore[no-untyped-def]
    """The entries ask the policy table: clerks and auditors take cases out; only the audit team
    (auditors) brings packages in; committee members and administrators do neither."""
    committee = _window(qtbot, ui_context, team.committee)
    take, bring = committee.package_actions.take_action, committee.package_actions.bring_action
    assert not take.isEnabled() and take.toolTip() == "只有评审员 / 受理人员可以将案件带到现场笔记本"
    assert not bring.isEnabled() and bring.toolTip() == "只有评审员可以导入现场评审结果"
    clerk = _window(qtbot, ui_context, team.clerk)
    assert (
        clerk.package_actions.take_action.isEnabled() and not clerk.package_actions.bring_action.isEnabled()
    )
    leader = _window(qtbot, ui_context, team.leader)
    assert leader.package_actions.take_action.isEnabled() and leader.package_actions.bring_action.isEnabled()
    admin = _window(qtbot, ui_context, team.admin)
    assert not admin.package_actions.take_action.isEnabled()
    assert not admin.package_actions.bring_action.isEnabled()
    menu = [a.text() for a in clerk.menuBar().actions()[0].menu().actions() if not a.isSeparator()]
    assert menu.index("带到现场笔记本(&T)…") < menu.index("带回评审结果(&B)…") < menu.index("退出(&Q)")


# == the round trip ==================================================================================


def test_office_to_laptop_and_back_through_the_window(  # type: ignore[no-untyped-def]
    qtbot,
    qtmodeltester,
    monkeypatch,
    messages,
    services,
    team,
    ui_context,
    on_site,
    tmp_path,
    clock,
    codes_shown,
) -> None:
    case_no = on_site
    office = _window(qtbot, ui_context, team.leader)
    office.show_page("cases")
    checkout = _take_out_through_the_window(office, monkeypatch, case_no, tmp_path)
    assert checkout.is_file()
    assert office.package_actions.last_summary is not None
    assert office.package_actions.last_summary.kind == "checkout"
    title, text = messages.informations[-1]
    assert title == "审核包已导出" and case_no in text and "现场.awp" in text
    assert messages.warnings == []

    laptop = _laptop(checkout, tmp_path, clock)
    try:
        leader = _leader_on(laptop, codes_shown)
        laptop.audits.set_points(leader, case_no, "1.1", "2.5")
        laptop.audits.set_points(leader, case_no, "1.3", "1")
        laptop.audits.set_note(leader, case_no, "1.3", "现场核实服务记录")
        back = tmp_path / "results.awp"
        assert (
            export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD).kind == "return"
        )
    finally:
        laptop.close()

    seen: list[PackagePreviewDialog] = []
    _answer_files(monkeypatch, open_=back)
    _user_previews(monkeypatch, seen)
    office.package_actions.bring_action.trigger()

    (dialog,) = seen
    assert dialog.windowTitle() == "带回评审结果 — results.awp"
    assert [c.case_no for c in dialog.cases_model.rows()] == [case_no]
    qtmodeltester.check(dialog.changes_model)
    qtmodeltester.check(dialog.cases_model)
    assert dialog.conflict_cards == [] and dialog.tabs.count() == 1
    rows = {
        dialog.changes_model.index(n, 1).data(): tuple(
            dialog.changes_model.index(n, c).data() for c in (0, 2, 3, 4)
        )
        for n in range(dialog.changes_model.rowCount())
    }
    assert rows["评分 1.1"] == (case_no, "修改", "得分 2", "得分 2.5")
    assert rows["评分 1.3"] == (case_no, "新增", "—", "得分 1；说明 现场核实服务记录")
    assert dialog.counts_label.text().startswith(f"{len(rows)} 项更改")

    detail = services.cases.get(case_no)
    assert detail.entries["1.1"].points == Decimal("2.5")
    assert detail.entries["1.3"].points == Decimal(1) and detail.entries["1.3"].note == "现场核实服务记录"
    assert services.log.verify().ok
    title, text = messages.informations[-1]
    assert title == "审核包已导入" and case_no in text
    assert messages.warnings == []
    # the window reloaded: the page on screen now, the others when next shown
    assert "dashboard" in office.stale


def test_a_conflict_shows_both_values_and_taking_the_package_applies_it(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, messages, services, team, ui_context, on_site, tmp_path, clock, codes_shown
) -> None:
    case_no = on_site
    office = _window(qtbot, ui_context, team.leader)
    checkout = _take_out_through_the_window(office, monkeypatch, case_no, tmp_path)
    laptop = _laptop(checkout, tmp_path, clock)
    try:
        leader = _leader_on(laptop, codes_shown)
        laptop.audits.set_points(leader, case_no, "1.1", "2.5")
        laptop.audits.set_points(leader, case_no, "1.3", "1")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    services.audits.set_points(team.member, case_no, "1.1", "0.5")  # the office edits the same score

    def choose(dialog: PackagePreviewDialog) -> None:
        (card,) = dialog.conflict_cards
        assert dialog.tabs.tabText(0) == "冲突（1）" and dialog.tabs.currentIndex() == 0
        texts = [label.text() for label in card.findChildren(type(dialog.hint_label))]
        assert "评分 1.1" in texts and "本库当前值" in texts and "审核包中的值" in texts
        row = texts[texts.index("得分") :][:4]
        assert row == ["得分", "0.5", "2.5", "2"]  # this database, the package, at export
        assert card.differing_fields == ["points"]
        assert not dialog.import_button.isEnabled()
        assert dialog.hint_label.text() == "还有 1 个冲突未选择。"
        card.package_radio.click()
        assert dialog.resolutions() == {f"{case_no}/score/1.1": "package"}

    seen: list[PackagePreviewDialog] = []
    _answer_files(monkeypatch, open_=back)
    _user_previews(monkeypatch, seen, choose)
    office.package_actions.bring_action.trigger()

    assert len(seen) == 1
    detail = services.cases.get(case_no)
    assert detail.entries["1.1"].points == Decimal("2.5") and detail.entries["1.3"].points == Decimal(1)
    assert office.package_actions.last_result is not None
    assert office.package_actions.last_result.resolved == (f"{case_no}/score/1.1",)
    assert "1 个冲突已按您的选择处理" in messages.informations[-1][1]
    assert services.log.verify().ok


def test_a_conflict_arising_after_the_preview_refuses_and_shows_the_preview_again(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, messages, services, team, ui_context, on_site, tmp_path, clock, codes_shown
) -> None:
    case_no = on_site
    office = _window(qtbot, ui_context, team.leader)
    checkout = _take_out_through_the_window(office, monkeypatch, case_no, tmp_path)
    laptop = _laptop(checkout, tmp_path, clock)
    try:
        leader = _leader_on(laptop, codes_shown)
        laptop.audits.set_points(leader, case_no, "1.1", "2.5")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()

    def office_edits_meanwhile(dialog: PackagePreviewDialog) -> None:
        if not dialog.conflict_cards:  # the first preview: no conflict yet; then someone edits
            services.audits.set_points(team.member, case_no, "1.1", "0.5")
        else:
            dialog.conflict_cards[0].office_radio.click()

    seen: list[PackagePreviewDialog] = []
    _answer_files(monkeypatch, open_=back)
    _user_previews(monkeypatch, seen, office_edits_meanwhile)
    office.package_actions.bring_action.trigger()

    assert len(seen) == 2 and len(seen[1].conflict_cards) == 1
    assert messages.warnings[0][0] == "无法导入审核包" and "已被修改" in messages.warnings[0][1]
    assert services.cases.get(case_no).entries["1.1"].points == Decimal("0.5")  # the office's, kept


def test_a_conflict_that_cannot_be_chosen_blocks_the_import(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, messages, services, team, ui_context, on_site, tmp_path, clock, codes_shown, db_path
) -> None:
    case_no = on_site
    office = _window(qtbot, ui_context, team.leader)
    checkout = _take_out_through_the_window(office, monkeypatch, case_no, tmp_path)
    laptop = _laptop(checkout, tmp_path, clock)
    try:
        leader = _leader_on(laptop, codes_shown)
        laptop.audits.set_points(leader, case_no, "1.3", "1")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    services.cases.withdraw(team.clerk, case_no, "申请方撤回")  # the office moved the case on
    before = dump(db_path)

    def blocked(dialog: PackagePreviewDialog) -> None:
        (card,) = dialog.conflict_cards
        assert not card.office_radio.isEnabled() and not card.package_radio.isEnabled()
        assert "已撤回" in card.reason_label.text() and not card.reason_label.isHidden()
        assert not dialog.import_button.isEnabled()
        assert "无法逐条选择" in dialog.hint_label.text()

    seen: list[PackagePreviewDialog] = []
    _answer_files(monkeypatch, open_=back)
    _user_previews(monkeypatch, seen, blocked, click_import=False)
    office.package_actions.bring_action.trigger()
    assert len(seen) == 1
    assert dump(db_path) == before


def test_a_damaged_package_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, messages, services, team, ui_context, on_site, tmp_path, clock, codes_shown, db_path
) -> None:
    case_no = on_site
    office = _window(qtbot, ui_context, team.leader)
    checkout = _take_out_through_the_window(office, monkeypatch, case_no, tmp_path)
    laptop = _laptop(checkout, tmp_path, clock)
    try:
        leader = _leader_on(laptop, codes_shown)
        laptop.audits.set_points(leader, case_no, "1.1", "2.5")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    damaged = tmp_path / "damaged.awp"
    data = back.read_bytes()
    damaged.write_bytes(data[: len(data) * 2 // 3])  # cut short on the way, as a broken USB stick would
    before = dump(db_path)

    seen: list[PackagePreviewDialog] = []
    _answer_files(monkeypatch, open_=damaged)
    _user_previews(monkeypatch, seen)
    office.package_actions.bring_action.trigger()

    assert seen == []  # refused before any preview
    ((title, text),) = messages.warnings
    assert title == "无法导入审核包" and text
    assert dump(db_path) == before
    assert services.cases.get(case_no).entries["1.1"].points == Decimal(2)


def test_cancelling_the_preview_imports_nothing(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, messages, services, team, ui_context, on_site, tmp_path, clock, codes_shown, db_path
) -> None:
    case_no = on_site
    office = _window(qtbot, ui_context, team.leader)
    checkout = _take_out_through_the_window(office, monkeypatch, case_no, tmp_path)
    laptop = _laptop(checkout, tmp_path, clock)
    try:
        leader = _leader_on(laptop, codes_shown)
        laptop.audits.set_points(leader, case_no, "1.1", "2.5")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    before = dump(db_path)
    seen: list[PackagePreviewDialog] = []
    _answer_files(monkeypatch, open_=back)
    _user_previews(monkeypatch, seen, click_import=False)
    office.package_actions.bring_action.trigger()
    assert len(seen) == 1 and seen[0].result() == QDialog.DialogCode.Rejected
    assert dump(db_path) == before
    _answer_files(monkeypatch, open_=None)  # no file chosen: nothing happens at all
    office.package_actions.bring_action.trigger()
    assert len(seen) == 1 and messages.warnings == []


def test_on_the_laptop_the_checkout_comes_in_and_the_results_go_back(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, messages, team, ui_context, on_site, tmp_path, clock, codes_shown
) -> None:
    """The laptop in the window: its database made from the checkout at the first start, the
    leader's first login with the one-time code (and the laptop password set in a dialog), and the
    results of the case concluded there exported, signed with the laptop password."""
    from audit_workbench.ui.app import _create_database
    from audit_workbench.ui.dialogs.database import NewDatabase
    from audit_workbench.ui.dialogs.login import LoginDialog

    case_no = on_site
    office = _window(qtbot, ui_context, team.leader)
    checkout = _take_out_through_the_window(office, monkeypatch, case_no, tmp_path)
    (codes,) = codes_shown  # the office window showed the codes once
    assert set(codes) == {"leader", "member"}
    assert "一次性代码" in messages.informations[-1][1]

    laptop_db = tmp_path / "laptop.sqlite3"
    _create_database(str(laptop_db), NewDatabase(False, package=checkout))  # the first start's choice
    laptop = Services.open(laptop_db, clock=clock, hasher=FAST_HASHER)
    try:
        assert laptop.cases.get(case_no).status == "onsite_audit"

        asked: list[str] = []

        def set_password(cls, user: str, message: str, parent=None) -> str:  # type: ignore[no-untyped-def]
            asked.append(message)
            return LAPTOP_PASSWORD

        monkeypatch.setattr(LaptopPasswordDialog, "ask_new", classmethod(set_password))
        login = LoginDialog(laptop, "zh", "leader")
        qtbot.addWidget(login)
        login.password_edit.setText(codes["leader"].lower())  # typed as it comes, in lower case
        login.buttons.accepted.emit()
        assert login.actor is not None and login.actor.name == "leader"
        assert asked and "本机密码" in asked[0]
        leader = laptop.users.login("leader", LAPTOP_PASSWORD)  # from now on, the laptop password

        window = MainWindow(UiContext(laptop, leader), "laptop")
        qtbot.addWidget(window)
        rubric = laptop.rubrics.get(laptop.cases.get(case_no).rubric_id).rubric
        for _, indicator in rubric.indicators():
            laptop.audits.set_points(leader, case_no, indicator.code, indicator.max_points)
        laptop.audits.conclude(leader, case_no, "建议通过认证")
        assert exportable_cases(window.context) == []
        assert [c.case_no for c in exportable_cases(window.context, include_concluded=True)] == [case_no]

        # a refused export says why, and writes nothing
        def tick_concluded(self: ExportCasesDialog) -> int:
            self.concluded_check.setChecked(True)
            self.model.set_checked([case_no])
            self.ok_button.click()
            return self.result()

        monkeypatch.setattr(ExportCasesDialog, "exec", tick_concluded)
        _answer_files(monkeypatch, save=tmp_path / "no-such-folder" / "back.awp")
        window.package_actions.take_action.trigger()
        assert messages.warnings[-1][0] == "无法导出审核包" and "不存在" in messages.warnings[-1][1]
        assert not (tmp_path / "no-such-folder").exists()

        # the results are signed: the laptop password is asked for, a wrong one is refused
        answers = iter(["not the password", LAPTOP_PASSWORD])
        monkeypatch.setattr(
            LaptopPasswordDialog, "ask_signing", classmethod(lambda cls, user, parent=None: next(answers))
        )
        _answer_files(monkeypatch, save=tmp_path / "back.awp")
        window.package_actions.take_action.trigger()
        assert messages.warnings[-1][0] == "无法导出审核包" and "签名密钥" in messages.warnings[-1][1]
        assert not (tmp_path / "back.awp").exists()
        window.package_actions.take_action.trigger()
        summary = window.package_actions.last_summary
        assert summary is not None and summary.kind == "return" and summary.cases == (case_no,)
        assert "signature.json" in zipfile.ZipFile(tmp_path / "back.awp").namelist()
        assert "带回办公室" in messages.informations[-1][1]
    finally:
        laptop.close()


def test_export_and_preview_run_off_the_gui_thread(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, messages, team, ui_context, on_site, tmp_path
) -> None:
    runner = workers.TaskRunner()
    workers.use_runner(runner)
    try:
        office = _window(qtbot, ui_context, team.leader)
        _user_ticks(monkeypatch, [on_site], [])
        _answer_files(monkeypatch, save=tmp_path / "threaded.awp")
        office.package_actions.take_action.trigger()
        qtbot.waitUntil(lambda: not runner.busy, timeout=30_000)
        assert (tmp_path / "threaded.awp").is_file()
        assert messages.informations[-1][0] == "审核包已导出"
        # the office's own checkout is refused here, from the background, with the service's reason
        seen: list[PackagePreviewDialog] = []
        _answer_files(monkeypatch, open_=tmp_path / "threaded.awp")
        _user_previews(monkeypatch, seen)
        office.package_actions.bring_action.trigger()
        qtbot.waitUntil(lambda: not runner.busy and bool(messages.warnings), timeout=30_000)
        assert seen == []
        assert messages.warnings[-1] == ("无法导入审核包", "该审核包由本数据库导出，请在笔记本电脑上导入")
    finally:
        runner.wait(10_000)


def test_labels_and_texts_of_records(ui_context, team) -> None:  # type: ignore[no-untyped-def]
    context = ui_context(team.clerk)
    score = {
        "code": "2.1",
        "points": "1.5",
        "not_applicable": False,
        "reason": "",
        "note": "",
        "sampled": None,
    }
    assert record_label(context, "score", "2.1", score) == "评分 2.1"
    nc = {"text": "投诉处理记录不完整", "status": "closed", "corrective_action": "补全记录", "code": "2.1"}
    assert record_label(context, "nonconformity", "k", nc) == "不符合项“投诉处理记录不完整”"
    change = PackageChange(
        "AW1", "nonconformity", "k", "l", "update", {**nc, "status": "open", "corrective_action": None}, nc
    )
    assert change_texts(context, change) == ("状态 待整改", "状态 已关闭；整改措施 补全记录")
    removed = PackageChange(
        "AW1", "special", "k", "l", "delete", {"kind": "bonus", "reason": "服务创新"}, None
    )
    assert change_texts(context, removed) == ("理由 服务创新", "（删除）")
