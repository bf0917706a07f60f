"""The whole certification pipeline in the real main window, as the people who do it.

A production case and a sales case each go from a new application to an issued certificate in one
`MainWindow`: the clerk registers the application in the 新建申请 dialog on the case list, corrects
it in the application form, attaches the materials (file dialog, drops), submits, accepts with a
contract and fee and assigns the audit team; an auditor records the document review; the team
leader and a member score by keyboard in the scoring tab, a nonconformity is raised and closed, the
leader concludes; a committee member votes; the clerk issues the certificate and saves its PDF.
Users change through the window's own 文件 › 切换用户 (the login dialog, typed into).

At every step the actions the current user may not take are checked: shown disabled, with the
policy's reason as their tooltip. Dialogs are the real ones: their `exec()` is replaced by typing
into their widgets and pressing OK, so each `ask()` runs as in production and nothing blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragMoveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QDialogButtonBox, QLineEdit

from audit_workbench.core.creditcode import complete
from audit_workbench.core.policy import Action
from audit_workbench.core.scoring import format_score
from audit_workbench.services import Services
from audit_workbench.ui.case import dialogs
from audit_workbench.ui.case.common import fmt_points
from audit_workbench.ui.context import UiContext
from audit_workbench.ui.dialogs.login import LoginDialog
from audit_workbench.ui.dialogs.new_case import NewCaseDialog
from audit_workbench.ui.main_window import MainWindow
from audit_workbench.ui.pages.case_page import CasePage

from ..conftest import PASSWORD, Team

pytestmark = pytest.mark.gui

HALF = Decimal("0.5")

# What the policy says, word for word, to each user who may not act.
ONLY_AUDITORS_SCORE = "只有评审员可以评分"
ONLY_AUDITORS_REVIEW = "只有评审员可以记录文件审查"
ONLY_CLERKS_ACCEPT = "只有受理人员可以受理"
ONLY_CLERKS_ASSIGN = "只有受理人员可以指派评审组"
ONLY_CLERKS_WITHDRAW = "只有受理人员可以撤回"
ONLY_CLERKS_ISSUE = "只有受理人员可以颁发证书"
ONLY_LEADER_CONCLUDES = "只有本案评审组组长可以形成评审结论"
ONLY_COMMITTEE_VOTES = "只有评审委员会委员可以评审委员会表决"
AUDITED_MAY_NOT_VOTE = "您参与了本案评审，不能参与表决"


@dataclass(frozen=True)
class Applicant:
    name: str
    credit_code: str
    enterprise_type: str
    headcount: int
    scope: str
    points: Callable[[Decimal], Decimal]  # indicator maximum → points typed
    committee: tuple[str, str | None]  # the committee's decision and grade
    grade: str  # the grade on the certificate


def _floor_half(value: Decimal) -> Decimal:
    return (value * 2).to_integral_value(rounding=ROUND_FLOOR) / 2


APPLICANTS = {
    "production": Applicant(
        "苏州恒远制冷设备有限公司",
        complete("91320500MA1MXK7Q3"),
        "production",
        260,
        "商用制冷设备的售后服务（安装、维修、配件供应、投诉处理）",
        lambda maximum: maximum - HALF if maximum == 6 else maximum,  # 97.5: five stars
        ("approve", None),
        "five_star",
    ),
    "sales": Applicant(
        "深圳市佳和家电销售服务有限公司",
        complete("91440300MA5FQ8W21"),
        "sales",
        85,
        "家用电器的销售及售后服务（配送、安装、维修）",
        lambda maximum: _floor_half(maximum * Decimal("0.86")),  # ~85: three stars …
        ("lower", "qualified"),  # … which the committee lowers to 达标级
        "qualified",
    ),
}


# -- driving real dialogs without exec() -----------------------------------------------------------
def answer_with(monkeypatch, qtbot, cls: type[QDialog], fill: Callable[[Any], None]) -> list[Any]:  # type: ignore[no-untyped-def]
    """Make `cls`'s dialogs, when their `ask()` runs them, be filled in by `fill` and OK'd."""
    shown: list[Any] = []

    def exec_(dialog: Any) -> int:
        qtbot.addWidget(dialog)
        dialog.show()
        shown.append(dialog)
        fill(dialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled(), f"{cls.__name__}: OK is disabled ({ok.toolTip()})"
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return shown


def click(qtbot, button: QAbstractButton) -> None:  # type: ignore[no-untyped-def]
    assert button.isVisible(), button.text()
    assert button.isEnabled(), f"{button.text()}: {button.toolTip()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def refused(widget: Any, reason: str) -> None:
    """The widget is there, disabled, and says why."""
    assert not widget.isEnabled(), f"{getattr(widget, 'text', lambda: widget)()} should be disabled"
    assert widget.toolTip() == reason


def every_disabled_action_says_why(page: CasePage) -> None:
    """On the case page (the action bar and every tab), no button is disabled without a reason."""
    for container in (page, *(page.tabs.widget(i) for i in range(page.tabs.count()))):
        for button in container.findChildren(QAbstractButton):
            if button.isVisibleTo(container) and not button.isEnabled() and button.text():
                assert button.toolTip(), f"'{button.text()}' is disabled without a reason"


def drop_files(view, row: int, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    view.scrollTo(view.model().index(row, 1))
    point = QPointF(view.visualRect(view.model().index(row, 1)).center())
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # Offscreen Qt has no drag manager to deliver a drop: hand the events to the view's handlers.
    move = QDragMoveEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods)
    view.dragMoveEvent(move)
    assert move.isAccepted(), "the row should take the files"
    view.dropEvent(QDropEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods))


# -- the pipeline --------------------------------------------------------------------------------
class Pipeline:
    """One case driven through the window; each method is one person's part."""

    def __init__(self, qtbot, monkeypatch, messages, services: Services, window: MainWindow, tmp: Path):  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.monkeypatch = monkeypatch
        self.messages = messages
        self.services = services
        self.window = window
        self.tmp = tmp
        self.case_no = ""

    # -- helpers ----------------------------------------------------------------------------------
    @property
    def page(self) -> CasePage:
        page = self.window.pages["case"]
        assert isinstance(page, CasePage)
        return page

    @property
    def actor(self) -> str:
        return self.window.context.actor.name

    def detail(self):  # type: ignore[no-untyped-def]
        return self.services.cases.get(self.case_no)

    def log_in(self, name: str) -> None:
        """文件 › 切换用户: type the name and password into the login dialog."""

        def fill(dialog: LoginDialog) -> None:
            self.qtbot.keyClicks(dialog.user_edit, name)
            self.qtbot.keyClicks(dialog.password_edit, PASSWORD)

        answer_with(self.monkeypatch, self.qtbot, LoginDialog, fill)
        self.window.switch_user_action.trigger()
        assert self.actor == name
        assert self.window.current_key() == "case" and self.page.case_no == self.case_no
        assert self.window.user_card.text().startswith(self.window.context.actor.display_name)
        every_disabled_action_says_why(self.page)

    def write(self, path_name: str, content: bytes) -> Path:
        path = self.tmp / path_name
        path.write_bytes(content)
        return path

    def text_answer(self, text: str) -> list[Any]:
        def fill(dialog: dialogs.TextDialog) -> None:
            if isinstance(dialog.editor, QLineEdit):
                dialog.editor.setText(text)
            else:
                dialog.editor.setPlainText(text)

        return answer_with(self.monkeypatch, self.qtbot, dialogs.TextDialog, fill)

    def focus_window(self) -> None:
        self.window.activateWindow()
        self.window.windowHandle().requestActivate()
        self.qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is self.window.windowHandle())

    # -- the clerk --------------------------------------------------------------------------------
    def new_application(self, applicant: Applicant) -> None:
        window, qtbot = self.window, self.qtbot
        window.show_page("cases")
        cases = window.pages["cases"]

        def fill(dialog: NewCaseDialog) -> None:
            dialog.name_edit.insert(applicant.name)
            # the credit code, typed in lower case, checked at every keystroke
            qtbot.keyClicks(dialog.code_edit, applicant.credit_code[:17].lower())
            assert dialog.code_status.text() == "还差 1 位"
            wrong = "0" if applicant.credit_code[17] != "0" else "1"
            qtbot.keyClicks(dialog.code_edit, wrong)
            assert dialog.code_status.objectName() == "errorText"
            assert f"校验位应为“{applicant.credit_code[17]}”" in dialog.code_status.text()
            # OK with a wrong code: said in the dialog, which stays open with the name typed
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
            assert dialog.isVisible() and "校验位" in dialog.problem_text()
            assert dialog.name_edit.text() == applicant.name and dialog.focusWidget() is dialog.code_edit
            qtbot.keyClick(dialog.code_edit, Qt.Key.Key_End)
            qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Backspace)
            qtbot.keyClicks(dialog.code_edit, applicant.credit_code[17].lower())
            assert dialog.code_edit.text() == applicant.credit_code
            assert dialog.code_status.text() == "✓ 校验通过"
            dialog.type_combo.setCurrentIndex(dialog.type_combo.findData(applicant.enterprise_type))
            dialog.headcount_spin.setValue(applicant.headcount - 10)  # corrected later in the form
            dialog.scope_edit.setPlainText(applicant.scope)

        answer_with(self.monkeypatch, qtbot, NewCaseDialog, fill)
        click(qtbot, cases.new_button)
        assert window.current_key() == "case" and window.current_case
        self.case_no = window.current_case
        assert self.page.current_tab() == "application"
        detail = self.detail()
        assert (detail.status, detail.enterprise_type, detail.organization.credit_code) == (
            "draft",
            applicant.enterprise_type,
            applicant.credit_code,
        )

    def correct_the_application(self, applicant: Applicant) -> None:
        """The organisation form: the credit code checked as typed, the headcount and address saved."""
        tab, qtbot = self.page.application_tab, self.qtbot
        assert tab.org_editor.isVisibleTo(tab) and not tab.org_view.isVisibleTo(tab)
        assert not tab.save_org_button.isEnabled()
        tab.code_edit.setFocus()
        qtbot.keyClick(tab.code_edit, Qt.Key.Key_End)
        qtbot.keyClick(tab.code_edit, Qt.Key.Key_Backspace)
        assert tab.code_status.text() == "还差 1 位"
        assert not tab.save_org_button.isEnabled()
        qtbot.keyClick(tab.code_edit, applicant.credit_code[17])
        tab.headcount_spin.setValue(applicant.headcount)
        tab.address_edit.insert("开发区 8 号")
        assert tab.save_org_button.isEnabled() and "未保存" in tab.org_state_label.text()
        with qtbot.waitSignal(self.page.sig_case_changed):
            click(qtbot, tab.save_org_button)
        detail = self.detail()
        assert (detail.headcount, detail.organization.address) == (applicant.headcount, "开发区 8 号")
        assert not tab.form_dirty() and "已保存" in tab.org_state_label.text()

    def provide_materials(self) -> None:
        tab, qtbot, monkeypatch = self.page.application_tab, self.qtbot, self.monkeypatch
        # item 1 through the file dialog (replaced); a second file added to it by a drop
        licence = self.write("营业执照.pdf", b"%PDF-1.4 licence " + self.case_no.encode())
        tab.materials_view.selectRow(0)
        monkeypatch.setattr(dialogs.Files, "open_files", classmethod(lambda cls, *a, **k: [licence]))
        click(qtbot, tab.attach_button)
        drop_files(tab.materials_view, 0, [self.write("营业执照副本.pdf", b"%PDF-1.4 copy")])
        assert [f.filename for f in self.detail().materials[0].files] == ["营业执照.pdf", "营业执照副本.pdf"]
        # item 2: not applicable, with the usual reason offered
        tab.materials_view.selectRow(1)
        self.text_answer("三证合一，组织机构代码证已不再单独核发")
        click(qtbot, tab.not_applicable_button)
        # items 3-12 dropped onto their rows
        for row in range(2, 12):
            drop_files(
                tab.materials_view, row, [self.write(f"材料{row + 1}.pdf", f"%PDF-1.4 m{row}".encode())]
            )
        materials = self.detail().materials
        assert [m.status for m in materials].count("provided") == 11
        assert materials[1].status == "not_applicable"
        assert tab.notice.isHidden()

    def submit_accept_and_assign(self, applicant: Applicant) -> None:
        page, qtbot = self.page, self.qtbot
        with qtbot.waitSignal(page.sig_case_changed):
            click(qtbot, page.action_buttons[Action.submit])
        assert self.detail().status == "submitted"
        tab = page.application_tab
        refused(tab.attach_button, "案件处于“已提交”状态，不能编辑申请资料")
        assert tab.org_view.isVisibleTo(tab) and not tab.org_editor.isVisibleTo(tab)
        every_disabled_action_says_why(page)

        def fill_accept(dialog: dialogs.AcceptDialog) -> None:
            assert str(applicant.headcount) in dialog.computed_label.text()
            qtbot.keyClicks(dialog.contract_edit, f"HT-2026-{self.case_no[-3:]}")
            qtbot.keyClicks(dialog.fee_edit, "36,000")  # as a fee is usually written

        answer_with(self.monkeypatch, qtbot, dialogs.AcceptDialog, fill_accept)
        click(qtbot, page.action_buttons[Action.accept])
        detail = self.detail()
        assert (detail.status, detail.fee) == ("accepted", Decimal(36000))
        assert (detail.document_days, detail.onsite_days) == self.services.audit_time.days(
            applicant.headcount, "initial"
        )

        def fill_team(dialog: dialogs.TeamDialog) -> None:
            dialog.leader_combo.setCurrentIndex(dialog.leader_combo.findData("leader"))
            for row in range(dialog.members_list.count()):
                item = dialog.members_list.item(row)
                if item.data(Qt.ItemDataRole.UserRole) in ("member", "dual"):
                    item.setCheckState(Qt.CheckState.Checked)

        answer_with(self.monkeypatch, qtbot, dialogs.TeamDialog, fill_team)
        click(qtbot, page.action_buttons[Action.assign_team])
        detail = self.detail()
        assert detail.status == "document_review"
        assert (detail.team_leader, sorted(t.user_name for t in detail.team)) == (
            "leader",
            ["dual", "leader", "member"],
        )
        # the clerk may not review, score, conclude or vote
        refused(page.action_buttons[Action.record_review], ONLY_AUDITORS_REVIEW)
        refused(page.review_tab.record_button, ONLY_AUDITORS_REVIEW)
        refused(page.scoring_tab.evidence_button, ONLY_AUDITORS_SCORE)
        every_disabled_action_says_why(page)

    # -- the auditors -----------------------------------------------------------------------------
    def review_documents(self) -> None:
        page, qtbot = self.page, self.qtbot
        # not the clerk's any more: the auditor sees the clerk's actions disabled with the reason
        refused(page.action_buttons[Action.assign_team], ONLY_CLERKS_ASSIGN)
        refused(page.withdraw_button, ONLY_CLERKS_WITHDRAW)
        click(qtbot, page.action_buttons[Action.record_review])
        assert page.current_tab() == "review"
        tab = page.review_tab
        tab.set_findings("1", "服务理念与承诺文件齐全")
        tab.set_findings("", "体系文件受控版本一致")
        tab.pass_radio.setChecked(True)
        qtbot.keyClicks(tab.note_edit, "Documents complete; go on site")
        with qtbot.waitSignal(page.sig_case_changed):
            click(qtbot, tab.record_button)
        detail = self.detail()
        assert detail.status == "onsite_audit"
        assert detail.reviews[-1].findings == (
            ("1", "服务理念与承诺文件齐全"),
            (None, "体系文件受控版本一致"),
        )
        refused(tab.record_button, "案件处于“现场评审”状态，不能记录文件审查")

    def type_points(self, text: str) -> None:
        """Type on the table as a user would: the first key opens the cell, Enter saves and moves on."""
        tree, qtbot = self.page.scoring_tab.tree, self.qtbot
        qtbot.keyClick(tree, text[0])
        editor = tree.indexWidget(tree.currentIndex())
        assert isinstance(editor, QLineEdit) and editor is QApplication.focusWidget()
        for ch in text[1:]:
            qtbot.keyClick(editor, ch)
        qtbot.keyClick(editor, Qt.Key.Key_Return)

    def score(self, applicant: Applicant, codes: list[str], not_applicable: str | None = None) -> None:
        """Score `codes` in order by keyboard, from the indicator the table opens on."""
        page, qtbot = self.page, self.qtbot
        tab = page.scoring_tab
        self.focus_window()
        click(qtbot, page.action_buttons[Action.score])
        assert page.current_tab() == "scoring" and tab.tree.hasFocus()
        assert tab.tree.current_code() == codes[0], "the table opens on the first unscored indicator"
        rubric = self.services.rubrics.get(self.detail().rubric_id).rubric
        for code in codes:
            assert tab.tree.current_code() == code
            if code == not_applicable:
                self.text_answer("本企业不提供上门安装服务")
                qtbot.keyClick(tab.tree, "n")  # the reason, then on to the next indicator
                assert tab.tree.hasFocus()
                continue
            points = applicant.points(rubric.indicator(code).max_points)
            self.type_points(fmt_points(points))
            assert f"已保存 {code}" in tab.status_label.text()
        score = self.detail().score
        assert fmt_points(score.total) in tab.total_label.text()

    def raise_nonconformity(self, code: str) -> None:
        page, qtbot = self.page, self.qtbot
        tab = page.scoring_tab
        tab.tree.go_to(code)

        def fill(dialog: dialogs.NonconformityDialog) -> None:
            assert code in dialog.form.itemAt(0, dialog.form.ItemRole.FieldRole).widget().text()
            dialog.text_edit.setPlainText("服务承诺未在营业网点公示")

        answer_with(self.monkeypatch, qtbot, dialogs.NonconformityDialog, fill)
        with qtbot.waitSignal(page.sig_case_changed):
            qtbot.keyClick(tab.tree, "r")
        (nc,) = self.detail().nonconformities
        assert (nc.code, nc.status) == (code, "open")
        assert page.stepper.steps()[4].note == "待整改 1 项"
        assert tab.nc_model.rowCount() == 1

    def close_nonconformity(self) -> None:
        page, qtbot = self.page, self.qtbot
        tab = page.scoring_tab
        tab.side.setCurrentIndex(1)
        tab.nc_view.setCurrentIndex(tab.nc_model.index(0, 0))
        self.text_answer("已在全部网点张贴服务承诺，现场抽查 3 个网点验证有效")
        click(qtbot, tab.close_nc_button)
        assert self.detail().nonconformities[0].status == "closed"
        assert not self.detail().awaiting_rectification

    def conclude(self, expect_refusal: str = "") -> None:
        page, qtbot = self.page, self.qtbot
        shown = self.text_answer("现场评审完成，建议批准认证")
        before = len(self.messages.warnings)
        click(qtbot, page.action_buttons[Action.conclude])
        (dialog,) = shown
        # the dialog is the one confirmation: it names the total, the grade and what follows
        assert "转评审委员会" in dialog.prompt.text() and self.case_no in dialog.prompt.text()
        if expect_refusal:
            # refused: said in the dialog, which stayed open with the conclusion typed
            assert expect_refusal in dialog.problem_text()
            assert dialog.text() == "现场评审完成，建议批准认证"
            assert len(self.messages.warnings) == before
            assert self.detail().status == "onsite_audit"
            dialog.reject()
            return
        detail = self.detail()
        assert detail.status == "committee_review", self.messages.warnings[before:]
        assert page.stepper.steps()[5].kind == "current"

    # -- the committee ----------------------------------------------------------------------------
    def vote(self, applicant: Applicant) -> None:
        page, qtbot = self.page, self.qtbot
        click(qtbot, page.action_buttons[Action.vote])
        tab = page.committee_tab
        assert page.current_tab() == "committee"
        assert tab.notice.isHidden()
        decision, grade = applicant.committee
        tab.set_decision(decision, grade)
        tab.comment_edit.insertPlainText("材料与评分记录完整，同意评审组意见")
        with qtbot.waitSignal(page.sig_case_changed):
            click(qtbot, tab.vote_button)
        detail = self.detail()
        assert (detail.status, detail.decided_grade) == ("approved", applicant.grade)
        # a committee member does not score or issue certificates
        refused(page.scoring_tab.evidence_button, ONLY_AUDITORS_SCORE)
        refused(page.action_buttons[Action.issue_certificate], ONLY_CLERKS_ISSUE)

    # -- the clerk again --------------------------------------------------------------------------
    def issue_and_save(self, applicant: Applicant) -> Path:
        page, qtbot = self.page, self.qtbot
        with qtbot.waitSignal(page.sig_case_changed):
            click(qtbot, page.action_buttons[Action.issue_certificate])
        assert page.current_tab() == "certificate"
        tab = page.certificate_tab
        detail = self.detail()
        assert detail.status == "certified"
        assert tab.fields["number"].text() == detail.certificate.number
        assert tab.fields["grade"].text() == self.window.context.grade_label(applicant.grade)
        assert all(s.kind == "done" for s in page.stepper.steps())
        assert tab.pdf_bytes is not None and tab.pdf_document.pageCount() == 1
        # the preview shown before the issue was the certificate issued
        ((previewed, pdf),) = self.messages.previews
        assert previewed == detail.certificate.number and pdf.startswith(b"%PDF")

        target = self.tmp / f"{detail.certificate.number}.pdf"
        suggested: list[str] = []

        def save_file(cls, parent, title, name, filters=""):  # type: ignore[no-untyped-def]
            suggested.append(name)
            return target

        self.monkeypatch.setattr(dialogs.Files, "save_file", classmethod(save_file))
        click(qtbot, tab.save_pdf_button)
        assert suggested == [f"{detail.certificate.number}.pdf"]
        assert target.read_bytes().startswith(b"%PDF")
        return target


@pytest.fixture
def window(qtbot, services: Services, team: Team) -> MainWindow:  # type: ignore[no-untyped-def]
    """The main window as the clerk would have it after logging in."""
    window = MainWindow(UiContext(services, team.clerk), "e2e.sqlite3")
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.mark.parametrize("enterprise_type", ["production", "sales"])
def test_a_case_goes_from_application_to_certificate_in_the_window(
    qtbot,
    monkeypatch,
    messages,
    services: Services,
    team: Team,
    window: MainWindow,
    tmp_path,
    enterprise_type,
) -> None:  # type: ignore[no-untyped-def]
    applicant = APPLICANTS[enterprise_type]
    run = Pipeline(qtbot, monkeypatch, messages, services, window, tmp_path)

    # 受理人员: the application, its materials, the contract, the team
    run.new_application(applicant)
    page = run.page
    refused(page.scoring_tab.evidence_button, ONLY_AUDITORS_SCORE)
    assert "评分为只读：只有评审员可以评分" in page.scoring_tab.read_only_notice.text()
    refused(page.committee_tab.vote_button, ONLY_COMMITTEE_VOTES)
    run.correct_the_application(applicant)
    run.provide_materials()
    run.submit_accept_and_assign(applicant)

    # 评审员 (a member): the document review
    run.log_in("member")
    run.review_documents()

    # 组长 and 组员: scoring by keyboard, a nonconformity raised and closed, the conclusion
    rubric = services.rubrics.get(run.detail().rubric_id).rubric
    codes = [indicator.code for _, indicator in rubric.indicators()]
    half = len(codes) // 2
    run.log_in("leader")
    refused(run.page.action_buttons[Action.withdraw], ONLY_CLERKS_WITHDRAW)
    run.score(applicant, codes[:half], not_applicable=codes[1] if enterprise_type == "sales" else None)
    run.raise_nonconformity(codes[0])
    run.log_in("member")
    refused(run.page.scoring_tab.conclude_button, ONLY_LEADER_CONCLUDES)
    refused(run.page.action_buttons[Action.conclude], ONLY_LEADER_CONCLUDES)
    run.score(applicant, codes[half:])
    assert run.detail().score.complete
    every_disabled_action_says_why(run.page)
    run.log_in("leader")
    run.conclude(expect_refusal="不符合项")  # the open nonconformity holds the conclusion back
    run.close_nonconformity()
    run.conclude()
    detail = run.detail()
    refused(run.page.committee_tab.vote_button, ONLY_COMMITTEE_VOTES)
    refused(run.page.action_buttons[Action.vote], ONLY_COMMITTEE_VOTES)

    # 评审委员会: the member who audited may not vote; an independent one does
    run.log_in("dual")
    refused(run.page.committee_tab.vote_button, AUDITED_MAY_NOT_VOTE)
    refused(run.page.action_buttons[Action.vote], AUDITED_MAY_NOT_VOTE)
    assert AUDITED_MAY_NOT_VOTE in run.page.committee_tab.notice.text()
    run.log_in("comm1")
    recommended = run.window.context.grade_label(detail.recommended_grade)
    assert run.page.committee_tab.recommended_label.text() == (
        f"{format_score(detail.recommended_total)} 分 · {recommended}"  # one decimal, as everywhere
    )
    run.vote(applicant)

    # 受理人员: the certificate, issued and saved as PDF
    run.log_in("clerk")
    saved = run.issue_and_save(applicant)

    # the end state, read back through the services
    detail = run.detail()
    assert detail.status == "certified"
    assert detail.certificate is not None and detail.certificate.grade == applicant.grade
    assert detail.certificate.status == "valid"
    assert detail.recommended_grade == ("five_star" if enterprise_type == "production" else "three_star")
    assert saved.name == f"{detail.certificate.number}.pdf"
    report = services.log.verify()
    assert report.ok, report.describe()
    assert not messages.warnings, messages.warnings  # the refused conclusion was said in its dialog
    # the steps that cannot be undone each asked once, naming the case
    assert [title for title, _ in messages.questions] == ["提交申请", "提交表决"]
    assert all(run.case_no in text for _, text in messages.questions)
