"""The case page: stepper, next actions with their reasons, and the application, review, committee and
certificate tabs driven through their real widgets (dialogs answered through their `ask()`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragMoveEvent, QDropEvent

from audit_workbench.core.policy import Action
from audit_workbench.core.scoring import format_score
from audit_workbench.services import Actor, Services
from audit_workbench.ui.case import dialogs
from audit_workbench.ui.case.application_tab import MaterialsModel
from audit_workbench.ui.case.common import Row, RowsModel
from audit_workbench.ui.case.dialogs import AcceptDialog, AcceptRequest, TeamChoice
from audit_workbench.ui.pages.case_page import CasePage

from ..conftest import CaseMaker, Team
from .conftest import dialog_answer

pytestmark = pytest.mark.gui


def open_page(
    qtbot, ui_context, actor: Actor, case_no: str, tab: str = "application", lang: str = "zh"
) -> CasePage:  # type: ignore[no-untyped-def]
    page = CasePage(ui_context(actor, lang))
    qtbot.addWidget(page)
    page.resize(1300, 860)
    page.show()
    qtbot.waitExposed(page)
    page.show_case(case_no, tab)
    return page


def answer(monkeypatch, cls, value) -> list:  # type: ignore[no-untyped-def]
    """Make `cls.ask` answer `value` (handing it to the dialog's submit, as OK does) and record the
    arguments it was asked with."""
    calls: list = []
    fake = dialog_answer(value).__func__

    def ask(_cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((args, kwargs))
        return fake(_cls, *args, **kwargs)

    monkeypatch.setattr(cls, "ask", classmethod(ask))
    return calls


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def drop_files(view, row: int, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    view.scrollTo(view.model().index(row, 1))
    pos = view.visualRect(view.model().index(row, 1)).center()
    point, buttons, mods = QPointF(pos), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # Offscreen Qt has no drag manager to deliver a drop: hand the events to the view's handlers.
    move = QDragMoveEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods)
    view.dragMoveEvent(move)
    assert move.isAccepted(), "the row should take the files"
    view.dropEvent(QDropEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods))


# -- stepper and next actions ---------------------------------------------------------------------
def test_stepper_shows_the_current_state_and_the_offered_actions(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("submitted")
    page = open_page(qtbot, ui_context, team.clerk, case_no)
    kinds = [(s.state, s.kind) for s in page.stepper.steps()]
    assert kinds[:3] == [("draft", "done"), ("submitted", "current"), ("accepted", "ahead")]
    assert page.stepper.steps()[1].label == "已提交"
    visible = {a for a, b in page.action_buttons.items() if b.isVisibleTo(page)}
    assert visible == {Action.accept, Action.reject, Action.withdraw}
    assert all(page.action_buttons[a].isEnabled() for a in visible)

    # an auditor sees the same steps, disabled with the policy's reason
    page = open_page(qtbot, ui_context, team.leader, case_no)
    accept = page.action_buttons[Action.accept]
    assert not accept.isEnabled()
    assert accept.toolTip() == "只有受理人员可以受理"
    assert not page.application_tab.attach_button.isEnabled()


def test_an_ended_case_shows_where_it_ended(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    rejected = make_case("submitted")
    services.cases.reject(team.clerk, rejected, "材料不实")
    page = open_page(qtbot, ui_context, team.clerk, rejected)
    steps = page.stepper.steps()
    assert [(s.state, s.kind) for s in steps[:4]] == [
        ("draft", "done"),
        ("submitted", "done"),
        ("rejected", "ended"),
        ("accepted", "ahead"),
    ]
    assert "不予受理" in page.ended_label.text()
    assert not any(b.isVisibleTo(page) for b in page.action_buttons.values())

    withdrawn = make_case("onsite_audit")
    services.cases.withdraw(team.clerk, withdrawn, "申请方撤回")
    page.show_case(withdrawn)
    states = [s.state for s in page.stepper.steps()]
    assert states.index("withdrawn") == states.index("onsite_audit") + 1


def test_english_labels_come_from_the_context(qtbot, ui_context, team: Team, make_case: CaseMaker) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("accepted")
    page = open_page(qtbot, ui_context, team.leader, case_no, lang="en")
    assert page.stepper.steps()[2].label == "Accepted"
    assert page.action_buttons[Action.assign_team].toolTip() == "only a clerk may assign the audit team"


# -- application ----------------------------------------------------------------------------------
def test_clerk_takes_an_application_from_draft_to_document_review(
    qtbot,
    ui_context,
    services: Services,
    team: Team,
    make_case: CaseMaker,
    monkeypatch,
    messages,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    page = open_page(qtbot, ui_context, team.clerk, case_no)
    tab = page.application_tab
    assert tab.materials_model.rowCount() == 12
    assert "12 项材料" in tab.notice.text()

    # submitting too early is refused with the services' message, nothing changes
    click(qtbot, page.action_buttons[Action.submit])
    assert messages.warnings and "申请材料第 1, 2, 3" in messages.warnings[-1][1]
    assert services.cases.get(case_no).status == "draft"

    # attach through the file dialog
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(b"%PDF-1.4 licence")
    tab.materials_view.selectRow(0)
    monkeypatch.setattr(dialogs.Files, "open_files", classmethod(lambda cls, *a, **k: [licence]))
    click(qtbot, tab.attach_button)
    material = services.cases.get(case_no).materials[0]
    assert material.status == "provided" and material.files[0].filename == "营业执照.pdf"
    assert tab.materials_model.data(tab.materials_model.index(0, 3)) == "营业执照.pdf"

    # item 2 is usually not applicable: the dialog offers the usual reason
    tab.materials_view.selectRow(1)
    calls = answer(monkeypatch, dialogs.TextDialog, "已三证合一")
    click(qtbot, tab.not_applicable_button)
    assert "三证合一" in calls[0][0][3]
    assert services.cases.get(case_no).materials[1].status == "not_applicable"

    # the rest are dropped onto their rows
    for row in range(2, 12):
        path = tmp_path / f"材料{row + 1}.pdf"
        path.write_bytes(f"%PDF material {row + 1}".encode())
        drop_files(tab.materials_view, row, [path])
    detail = services.cases.get(case_no)
    assert [m.status for m in detail.materials].count("provided") == 11
    assert detail.materials[5].files[0].filename == "材料6.pdf"
    assert tab.notice.isHidden()

    # open an attached file: a temporary copy goes to the desktop's viewer
    opened: list[Path] = []
    monkeypatch.setattr(dialogs.Files, "open_url", classmethod(lambda cls, path: opened.append(path) or True))
    tab.materials_view.selectRow(0)
    click(qtbot, tab.open_button)
    assert opened[0].name == "营业执照.pdf" and opened[0].read_bytes() == b"%PDF-1.4 licence"

    with qtbot.waitSignal(page.sig_case_changed):
        click(qtbot, page.action_buttons[Action.submit])
    assert services.cases.get(case_no).status == "submitted"
    assert not tab.attach_button.isEnabled()
    assert tab.attach_button.toolTip() == "案件处于“已提交”状态，不能编辑申请资料"

    # accept, overriding the computed audit days with a reason
    calls = answer(
        monkeypatch,
        AcceptDialog,
        AcceptRequest("HT-2026-9", "30000", Decimal("1"), Decimal("3.5"), "多个生产基地"),
    )
    click(qtbot, page.action_buttons[Action.accept])
    ((args, _),) = calls
    assert args[1:] == (120, *services.audit_time.days(120, "initial"))
    detail = services.cases.get(case_no)
    assert (
        detail.status,
        detail.contract_no,
        detail.fee,
        detail.onsite_days,
        detail.days_override_reason,
    ) == (
        "accepted",
        "HT-2026-9",
        Decimal(30000),
        Decimal("3.5"),
        "多个生产基地",
    )
    assert "多个生产基地" in tab.fields["days"].text()

    # assign the team among the active auditors
    calls = answer(monkeypatch, dialogs.TeamDialog, TeamChoice("leader", ("member",)))
    click(qtbot, page.action_buttons[Action.assign_team])
    auditors = [c.user_name for c in calls[0][0][1]]
    assert set(auditors) == {"leader", "member", "outsider", "dual"}
    detail = services.cases.get(case_no)
    assert detail.status == "document_review" and detail.team_leader == "leader"
    assert page.current_tab() == "application"
    assert page.stepper.steps()[3].kind == "current"


def test_accept_dialog_shows_the_computed_days_and_keeps_them_unless_overridden(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = AcceptDialog(120, Decimal("0.5"), Decimal("2"))
    qtbot.addWidget(dialog)
    assert "120" in dialog.computed_label.text() and "2" in dialog.computed_label.text()
    assert not dialog.onsite_spin.isEnabled()
    qtbot.keyClicks(dialog.contract_edit, "HT-1")
    qtbot.keyClicks(dialog.fee_edit, "20000")
    assert dialog.request() == AcceptRequest("HT-1", "20000")
    dialog.override_check.setChecked(True)
    dialog.onsite_spin.setValue(3)
    qtbot.keyClicks(dialog.reason_edit, "two sites")
    assert dialog.request() == AcceptRequest("HT-1", "20000", Decimal("0.5"), Decimal("3.0"), "two sites")


def test_reject_and_withdraw_ask_for_a_reason(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("submitted")
    page = open_page(qtbot, ui_context, team.clerk, case_no)
    answer(monkeypatch, dialogs.TextDialog, None)  # cancelled: nothing happens
    click(qtbot, page.action_buttons[Action.reject])
    assert services.cases.get(case_no).status == "submitted"
    answer(monkeypatch, dialogs.TextDialog, "不在认证范围内")
    click(qtbot, page.action_buttons[Action.reject])
    assert services.cases.get(case_no).status == "rejected"

    other = make_case("document_review")
    page.show_case(other)
    answer(monkeypatch, dialogs.TextDialog, "申请方撤回")
    click(qtbot, page.withdraw_button)
    assert services.cases.get(other).status == "withdrawn"
    assert page.withdraw_button.isHidden()


# -- document review ------------------------------------------------------------------------------
def test_document_review_with_findings_per_category(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("document_review")
    page = open_page(qtbot, ui_context, team.member, case_no, "review")
    tab = page.review_tab
    assert tab.record_button.isEnabled()
    tab.set_findings("1", "服务理念文件齐全\n服务承诺未在官网公示")
    tab.set_findings("", "体系文件版本需统一")
    tab.revise_radio.setChecked(True)
    qtbot.keyClicks(tab.note_edit, "please revise")
    click(qtbot, tab.record_button)
    detail = services.cases.get(case_no)
    assert detail.status == "document_review"
    assert detail.reviews[-1].findings == (
        ("1", "服务理念文件齐全"),
        ("1", "服务承诺未在官网公示"),
        (None, "体系文件版本需统一"),
    )
    assert tab.history_tree.topLevelItemCount() == 1
    assert tab.history_tree.topLevelItem(0).childCount() == 3

    tab.pass_radio.setChecked(True)
    qtbot.keyClicks(tab.note_edit, "ok")
    click(qtbot, tab.record_button)
    assert services.cases.get(case_no).status == "onsite_audit"
    assert not tab.record_button.isEnabled()
    assert tab.history_tree.topLevelItemCount() == 2

    # an auditor not on the team may not record it
    other = make_case("document_review")
    page = open_page(qtbot, ui_context, team.outsider_auditor, other, "review")
    assert not page.review_tab.record_button.isEnabled()
    assert page.review_tab.record_button.toolTip() == "只有本案评审组成员可以记录文件审查"


# -- committee ------------------------------------------------------------------------------------
def concluded_case_audited_by(services: Services, team: Team, make_case: CaseMaker, leader: str) -> str:
    case_no = make_case("accepted")
    services.cases.assign_team(team.clerk, case_no, leader, ["member"])
    actor = team.auditor_committee if leader == "dual" else team.leader
    services.cases.record_review(actor, case_no, outcome="pass", note="ok", findings=[("1", "文件齐全")])
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    for n, (_, indicator) in enumerate(rubric.indicators()):
        services.audits.set_points(actor, case_no, indicator.code, indicator.max_points - (1 if n % 2 else 0))
    nc = services.audits.raise_nonconformity(actor, case_no, "1.1", "理念未公示")
    services.audits.close_nonconformity(actor, case_no, nc, "已公示并验证")
    services.audits.conclude(actor, case_no, "建议通过")
    return case_no


def test_a_committee_member_who_audited_sees_the_vote_disabled_with_the_reason(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = concluded_case_audited_by(services, team, make_case, "dual")
    page = open_page(qtbot, ui_context, team.auditor_committee, case_no, "committee")
    tab = page.committee_tab
    reason = "您参与了本案评审，不能参与表决"
    assert not tab.vote_button.isEnabled()
    assert tab.vote_button.toolTip() == reason
    assert not tab.approve_radio.isEnabled() and not tab.comment_edit.isEnabled()
    assert reason in tab.notice.text()
    assert page.action_buttons[Action.vote].toolTip() == reason
    # read-only, but everything is there
    assert tab.indicator_model.rowCount() > 0
    assert tab.nc_model.rowCount() == 1 and "已公示并验证" in tab.nc_model.data(tab.nc_model.index(0, 5))
    assert tab.findings_tree.topLevelItemCount() == 1


def test_committee_votes_lower_and_the_case_is_approved(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = concluded_case_audited_by(services, team, make_case, "leader")
    detail = services.cases.get(case_no)
    page = open_page(qtbot, ui_context, team.committee, case_no, "committee")
    tab = page.committee_tab
    assert f"{format_score(detail.recommended_total)} 分" in tab.recommended_label.text()  # one decimal
    values = tab.chart_values()
    assert len(values) == len(detail.score.categories)
    first = detail.score.categories[0]
    assert values[f"{first.code} {first.name.zh}"] == pytest.approx(float(first.percent))
    # only grades below the recommended one are offered for "lower"
    offered = [tab.grade_combo.itemData(i) for i in range(tab.grade_combo.count())]
    assert detail.recommended_grade not in offered and "qualified" in offered
    tab.set_decision("lower", "qualified")
    assert tab.grade_combo.isEnabled()
    qtbot.keyClicks(tab.comment_edit, "lower by one grade")
    with qtbot.waitSignal(page.sig_case_changed):
        click(qtbot, tab.vote_button)
    detail = services.cases.get(case_no)
    assert (detail.status, detail.decided_grade) == ("approved", "qualified")
    assert page.stepper.steps()[6].kind == "current"


def test_committee_vote_without_comment_is_refused(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    case_no = concluded_case_audited_by(services, team, make_case, "leader")
    page = open_page(qtbot, ui_context, team.committee, case_no, "committee")
    click(qtbot, page.committee_tab.vote_button)
    # said on the tab, beside the field to fill; no question asked, nothing cast
    assert page.committee_tab.notice.text() == "请填写表决意见"
    assert not messages.questions and not messages.warnings
    assert services.cases.get(case_no).status == "committee_review"
    page.committee_tab.set_decision("return")
    qtbot.keyClicks(page.committee_tab.comment_edit, "check 5.2 again")
    click(qtbot, page.committee_tab.vote_button)
    # one question naming the decision and what follows, then the vote
    ((title, text),) = messages.questions
    assert title == "提交表决" and "退回评审组" in text and case_no in text and "不能更改" in text
    assert services.cases.get(case_no).status == "onsite_audit"


# -- certificate ----------------------------------------------------------------------------------
def test_clerk_issues_the_certificate(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("approved")
    page = open_page(qtbot, ui_context, team.leader, case_no, "certificate")
    assert not page.certificate_tab.issue_button.isEnabled()
    assert page.certificate_tab.issue_button.toolTip() == "只有受理人员可以颁发证书"

    page = open_page(qtbot, ui_context, team.clerk, case_no, "certificate")
    tab = page.certificate_tab
    with qtbot.waitSignal(page.sig_case_changed):
        click(qtbot, page.action_buttons[Action.issue_certificate])
    detail = services.cases.get(case_no)
    assert detail.status == "certified"
    assert tab.fields["number"].text() == detail.certificate.number
    assert tab.fields["grade"].text() == "五星级"
    assert tab.issue_button.isHidden()
    assert all(s.kind == "done" for s in page.stepper.steps())

    # the preview is the certificate PDF the documents service renders (QtPdf)
    assert tab.pdf_bytes is not None and tab.pdf_bytes.startswith(b"%PDF")
    assert tab.pdf_document.pageCount() == 1
    assert tab.pdf_view.isVisibleTo(tab)


def test_certificate_documents_are_saved_and_printed(
    qtbot,
    ui_context,
    services: Services,
    team: Team,
    make_case: CaseMaker,
    monkeypatch,
    messages,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrinter

    case_no = make_case("certified")
    page = open_page(qtbot, ui_context, team.clerk, case_no, "certificate")
    tab = page.certificate_tab
    targets = iter([tmp_path / "cert.pdf", tmp_path / "sheet.xlsx", tmp_path / "report.pdf"])
    suggested: list[str] = []

    def save_file(cls, parent, title, name, filters=""):  # type: ignore[no-untyped-def]
        suggested.append(name)
        return next(targets)

    monkeypatch.setattr(dialogs.Files, "save_file", classmethod(save_file))
    click(qtbot, tab.save_pdf_button)
    click(qtbot, tab.save_sheet_button)
    click(qtbot, tab.save_report_button)
    assert (tmp_path / "cert.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "sheet.xlsx").read_bytes().startswith(b"PK")
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    number = services.cases.get(case_no).certificate.number
    assert suggested == [f"{number}.pdf", f"{case_no}-评分表.xlsx", f"{case_no}-评审报告.pdf"]
    assert len(messages.informations) == 3

    printed = tmp_path / "printed.pdf"

    def print_to_file(cls, parent, printer):  # type: ignore[no-untyped-def]
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(dialogs.PrintDialog, "ask", classmethod(print_to_file))
    assert tab.print_button.isEnabled()
    assert tab.print_certificate()
    assert printed.read_bytes().startswith(b"%PDF")


@pytest.mark.sqlite_only  # the database as a file a document could be saved over
def test_a_document_saved_over_the_database_is_refused_in_chinese(
    qtbot,
    ui_context,
    services: Services,
    team: Team,
    make_case: CaseMaker,
    monkeypatch,
    messages,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    """The save dialog asked "replace?"; the output guard still never writes over the database."""
    case_no = make_case("certified")
    db = Path(str(services.db.url).removeprefix("sqlite:///"))
    link = tmp_path / "证书.pdf"
    link.symlink_to(db)
    page = open_page(qtbot, ui_context, team.clerk, case_no, "certificate")
    before = db.read_bytes()
    for target in (db, link):
        monkeypatch.setattr(dialogs.Files, "save_file", classmethod(lambda cls, *a, _t=target, **k: _t))
        click(qtbot, page.certificate_tab.save_pdf_button)
        qtbot.waitUntil(lambda: len(messages.warnings) > 0)
        _title, text = messages.warnings.pop()
        assert "数据库文件" in text and "未写入任何内容" in text
    assert db.read_bytes() == before and link.is_symlink()
    assert services.log.verify().ok


# -- models ---------------------------------------------------------------------------------------
def test_models_pass_the_model_tester(qtmodeltester, services: Services, make_case: CaseMaker) -> None:  # type: ignore[no-untyped-def]
    detail = services.cases.get(make_case("submitted"))
    materials = MaterialsModel("zh")
    materials.set_materials(detail.materials)
    qtmodeltester.check(materials, force_py=True)
    rows = RowsModel(["a", "b"])
    rows.set_rows([Row(1, ("x", "y"), tint="#b3261e"), Row(2, ("z", ""))])
    qtmodeltester.check(rows, force_py=True)
    assert rows.key_at(rows.index(1, 0)) == 2
