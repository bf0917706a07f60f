"""The scoring tab driven by keyboard, as an auditor on site would: points, Enter, N, +/-, S, undo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit

from audit_workbench.core.rubric import Indicator
from audit_workbench.core.scoring import format_score
from audit_workbench.services import Actor, Services
from audit_workbench.ui.case import dialogs
from audit_workbench.ui.case.common import fmt_points
from audit_workbench.ui.case.dialogs import SampleCounts
from audit_workbench.ui.case.scoring_model import COL_POINTS, ScoringModel
from audit_workbench.ui.pages.case_page import CasePage

from ..conftest import CaseMaker, Team
from .conftest import dialog_answer

pytestmark = pytest.mark.gui


def open_page(qtbot, ui_context, actor: Actor, case_no: str, tab: str = "scoring") -> CasePage:  # type: ignore[no-untyped-def]
    page = CasePage(ui_context(actor))
    qtbot.addWidget(page)
    page.resize(1300, 860)
    page.show()
    qtbot.waitExposed(page)
    page.windowHandle().requestActivate()  # offscreen: activateWindow() alone gives no focus
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is page.windowHandle())
    page.show_case(case_no, tab)
    page.scoring_tab.tree.setFocus()
    return page


def focused():  # type: ignore[no-untyped-def]
    return QApplication.focusWidget()


def type_points(qtbot, page: CasePage, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type on the table as a user would: the first key opens the cell, the rest go to its editor."""
    tree = page.scoring_tab.tree
    qtbot.keyClick(tree, text[0])
    editor = tree.indexWidget(tree.currentIndex())
    assert editor is focused()
    assert isinstance(editor, QLineEdit), "typing a number should open the points cell"
    for ch in text[1:]:
        qtbot.keyClick(editor, ch)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def stored(services: Services, case_no: str, code: str):  # type: ignore[no-untyped-def]
    return services.cases.get(case_no).entries.get(code)


def indicators(services: Services, case_no: str) -> list[Indicator]:
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    return [i for _, i in rubric.indicators()]


def grade_label(services: Services, case_no: str, grade: str) -> str:
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    return rubric.grade_band(grade).label.zh


@pytest.mark.parametrize("enterprise_type", ["production", "sales"])
def test_a_case_scored_entirely_by_keyboard(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch, enterprise_type: str
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit", enterprise_type=enterprise_type)
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    items = indicators(services, case_no)
    assert tab.tree.current_code() == items[0].code, "the table opens on the first unscored indicator"

    # N asks for a reason and marks the indicator not applicable
    monkeypatch.setattr(dialogs.TextDialog, "ask", dialog_answer("本企业不涉及安装"))
    na_code = items[-1].code
    # S scores an indicator the rubric checks on a sample from counts
    monkeypatch.setattr(dialogs.SampleDialog, "ask", dialog_answer(SampleCounts(10, 1)))
    sample_code = next(i.code for i in items if i.sampled)  # an indicator checked on a sample

    for n, indicator in enumerate(items):
        assert tab.tree.current_code() == indicator.code, "Enter moves to the next indicator"
        if indicator.code == na_code:
            qtbot.keyClick(tab.tree, "n")
            continue
        if indicator.code == sample_code:
            qtbot.keyClick(tab.tree, "s")  # moves on to the next indicator, as a score does
            continue
        points = indicator.max_points if n % 3 else indicator.max_points - Decimal("0.5")
        type_points(qtbot, page, fmt_points(points))
        assert "已保存" in tab.status_label.text() and indicator.code in tab.status_label.text()

    detail = services.cases.get(case_no)
    assert detail.score.complete
    assert detail.entries[na_code].not_applicable and detail.entries[na_code].reason == "本企业不涉及安装"
    assert detail.entries[sample_code].sampled == 10 and detail.entries[sample_code].nonconforming == 1
    for n, indicator in enumerate(items):
        if indicator.code in (na_code, sample_code):
            continue
        expected = indicator.max_points if n % 3 else indicator.max_points - Decimal("0.5")
        assert detail.entries[indicator.code].points == expected

    # the totals and the grade badge show what the services computed
    score = detail.score
    assert fmt_points(score.total) in tab.total_label.text()
    assert score.grade is not None
    assert tab.grade_badge.text() == grade_label(services, case_no, score.grade.value)
    model: ScoringModel = tab.model
    first_category = model.index(0, COL_POINTS)
    assert model.data(first_category) in (
        fmt_points(score.categories[0].earned),
        f"{fmt_points(score.categories[0].earned)} / {fmt_points(score.categories[0].applicable_max)}",
    )

    # + and - step by half a point, saved at once
    code = items[2].code
    before = detail.entries[code].points
    tab.tree.go_to(code)
    qtbot.keyClick(tab.tree, "-")
    assert stored(services, case_no, code).points == before - Decimal("0.5")
    qtbot.keyClick(tab.tree, "+")
    assert stored(services, case_no, code).points == before

    # on an unscored indicator, - starts just below full marks
    services.audits.clear(team.leader, case_no, code)
    page.reload()
    tab.tree.go_to(code)
    qtbot.keyClick(tab.tree, "-")
    assert stored(services, case_no, code).points == items[2].max_points - Decimal("0.5")

    score = services.cases.get(case_no).score
    assert fmt_points(score.total) in tab.total_label.text()

    # the leader concludes
    monkeypatch.setattr(dialogs.TextDialog, "ask", dialog_answer("现场评审完成，建议通过"))
    assert tab.conclude_button.isEnabled()
    with qtbot.waitSignal(page.sig_case_changed):
        qtbot.mouseClick(tab.conclude_button, Qt.MouseButton.LeftButton)
    concluded = services.cases.get(case_no)
    assert concluded.status == "committee_review"
    assert concluded.recommended_total == score.total
    assert page.stepper.steps()[5].kind == "current"
    assert not page.scoring_tab.model.editable


def test_totals_follow_every_edit(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.member, case_no)
    tab = page.scoring_tab
    first = indicators(services, case_no)[0]
    type_points(qtbot, page, fmt_points(first.max_points))
    score = services.cases.get(case_no).score
    assert fmt_points(score.total) in tab.total_label.text()
    # the base score as every document shows it: one decimal
    assert f"基础分 {format_score(score.base)}" in tab.total_label.text()
    assert tab.grade_badge.text().startswith("暂定"), "an incomplete audit shows a provisional grade"
    category = tab.model.index(0, COL_POINTS)
    assert tab.model.data(category) == fmt_points(score.categories[0].earned)


def test_counts_are_asked_only_for_an_indicator_checked_on_a_sample(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch, messages
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    asked: list[object] = []
    monkeypatch.setattr(dialogs.SampleDialog, "ask", classmethod(lambda cls, *a, **k: asked.append(a)))
    plain = next(i for i in indicators(services, case_no) if not i.sampled)
    tab.tree.go_to(plain.code)
    qtbot.keyClick(tab.tree, "s")
    assert not asked and messages.warnings and plain.code in messages.warnings[-1][1]
    assert plain.code not in services.cases.get(case_no).entries


def test_a_value_over_the_maximum_is_refused_and_the_old_value_stays(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    first = indicators(services, case_no)[0]
    type_points(qtbot, page, "2")
    tab.tree.go_to(first.code)
    type_points(qtbot, page, fmt_points(first.max_points + 1))
    assert "超过" in tab.status_label.text() or "exceeds" in tab.status_label.text()
    assert stored(services, case_no, first.code).points == Decimal(2)
    assert tab.model.data(tab.model.index_of(first.code)) == "2"
    assert tab.tree.current_code() == first.code, "a refused value keeps the row current for a retry"
    # not a half-point step either
    type_points(qtbot, page, "1.3")
    assert "0.5" in tab.status_label.text()
    assert stored(services, case_no, first.code).points == Decimal(2)
    assert tab.undo_stack.count() == 1, "refused edits never reach the undo stack"


def test_clicking_away_from_the_cell_saves_it_and_goes_where_clicked(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    first, _, third = indicators(services, case_no)[:3]
    qtbot.keyClick(tab.tree, "2")
    target = tab.model.index_of(third.code, 1)
    qtbot.mouseClick(tab.tree.viewport(), Qt.MouseButton.LeftButton, pos=tab.tree.visualRect(target).center())
    assert stored(services, case_no, first.code).points == Decimal(2)
    assert tab.tree.current_code() == third.code


def test_a_refusal_from_a_changed_case_reloads_it(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.member, case_no)
    tab = page.scoring_tab
    services.cases.withdraw(team.clerk, case_no, "申请方撤回")
    type_points(qtbot, page, "2")
    assert "不能评分" in tab.status_label.text()
    assert page.detail.status == "withdrawn", "the page shows the case as it now is"
    assert not tab.model.editable
    assert "评分为只读" in tab.read_only_notice.text()


def test_undo_and_redo_restore_the_stored_value(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    first, second, third = indicators(services, case_no)[:3]
    type_points(qtbot, page, "2")  # first: 2
    tab.tree.go_to(first.code)
    type_points(qtbot, page, "1.5")  # first: 1.5
    monkeypatch.setattr(dialogs.TextDialog, "ask", dialog_answer("不涉及"))
    qtbot.keyClick(tab.tree, "n")  # second: not applicable, and on to the third
    assert tab.tree.current_code() == third.code
    assert stored(services, case_no, second.code).not_applicable
    assert tab.undo_stack.count() == 3

    qtbot.keyClick(tab.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(services, case_no, second.code) is None
    # a note-carrying entry comes back in one edit: one event per undo, never clear + note
    events_before = len(score_events(services, case_no))
    tab.undo_action.trigger()
    assert stored(services, case_no, first.code).points == Decimal(2)
    assert [e.action for e in score_events(services, case_no)[events_before:]] == ["score.restore"]
    tab.undo_action.trigger()
    assert stored(services, case_no, first.code) is None
    assert tab.model.data(tab.model.index_of(first.code)) == ""
    assert not tab.undo_action.isEnabled()

    tab.redo_action.trigger()
    assert stored(services, case_no, first.code).points == Decimal(2)
    qtbot.keyClick(tab.tree, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert stored(services, case_no, first.code).points == Decimal("1.5")
    tab.redo_action.trigger()
    entry = stored(services, case_no, second.code)
    assert entry.not_applicable and entry.reason == "不涉及"
    assert tab.model.data(tab.model.index_of(second.code)) == "—"
    assert fmt_points(services.cases.get(case_no).score.total) in tab.total_label.text()


def score_events(services: Services, case_no: str) -> list:  # type: ignore[type-arg]
    """The score events of a case, oldest first."""
    return [e for e in reversed(services.log.events(entity_id=case_no, limit=10_000)) if e.entity == "score"]


def test_undo_of_an_entry_with_a_note_restores_it_whole_in_one_event(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    code = tab.tree.current_code()
    # a note alone (no points yet), then points typed over it
    qtbot.keyClick(tab.tree, "c")
    qtbot.keyClicks(tab.note_edit, "Service manual seen")
    qtbot.keyClick(tab.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    tab.tree.go_to(code)
    type_points(qtbot, page, "2")
    entry = stored(services, case_no, code)
    assert (entry.points, entry.note) == (Decimal(2), "Service manual seen")

    count = len(score_events(services, case_no))
    tab.undo_action.trigger()  # back to the note without points
    entry = stored(services, case_no, code)
    assert (entry.points, entry.note) == (None, "Service manual seen")
    after_undo = score_events(services, case_no)
    assert len(after_undo) == count + 1 and after_undo[-1].action == "score.restore"
    assert tab.model.data(tab.model.index_of(code)) == ""

    tab.redo_action.trigger()
    assert stored(services, case_no, code).points == Decimal(2)
    assert len(score_events(services, case_no)) == count + 2
    assert services.log.verify().ok


def test_undo_after_someone_elses_edit_is_refused_as_a_conflict(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    first = indicators(services, case_no)[0]
    type_points(qtbot, page, "2")
    version = services.cases.get(case_no).entry_versions[first.code]
    services.audits.set_points(team.member, case_no, first.code, "1", expected_version=version)
    # the leader's table still shows 2; typing over it is refused as a conflict and reloads
    tab.tree.go_to(first.code)
    type_points(qtbot, page, "2.5")
    assert "他人修改" in tab.status_label.text()
    assert stored(services, case_no, first.code).points == Decimal(1)
    assert tab.model.data(tab.model.index_of(first.code)) == "1", "the conflict reloads what is stored"
    # undoing the leader's first edit would overwrite the member's: refused, value kept
    tab.undo_action.trigger()
    assert stored(services, case_no, first.code).points == Decimal(1)
    assert "他人修改" in tab.status_label.text()


def test_not_a_team_member_sees_the_table_read_only(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.outsider_auditor, case_no)
    tab = page.scoring_tab
    assert "只有本案评审组成员可以评分" in tab.read_only_notice.text()
    qtbot.keyClick(tab.tree, "2")
    assert not isinstance(focused(), QLineEdit)
    assert "只有本案评审组成员可以评分" in tab.status_label.text()
    assert services.cases.get(case_no).entries == {}
    assert not tab.conclude_button.isEnabled()
    assert tab.conclude_button.toolTip() == "只有本案评审组组长可以形成评审结论"
    assert page.action_buttons[page_action("score")].toolTip() == "只有本案评审组成员可以评分"


def page_action(name: str):  # type: ignore[no-untyped-def]
    from audit_workbench.core.policy import Action

    return Action(name)


def test_member_may_score_but_not_conclude(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.member, case_no)
    tab = page.scoring_tab
    assert tab.read_only_notice.isHidden()
    assert not tab.conclude_button.isEnabled()
    assert "组长" in tab.conclude_button.toolTip()


def test_nonconformities_special_items_and_evidence(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    code = indicators(services, case_no)[0].code
    deadline = services.today() + timedelta(days=20)
    monkeypatch.setattr(
        dialogs.NonconformityDialog,
        "ask",
        dialog_answer(dialogs.NonconformityRequest("服务理念未在网点展示", deadline)),
    )
    with qtbot.waitSignal(page.sig_case_changed):
        qtbot.keyClick(tab.tree, "r")
    detail = services.cases.get(case_no)
    (nc,) = detail.nonconformities
    assert (nc.code, nc.text, nc.deadline, nc.status) == (code, "服务理念未在网点展示", deadline, "open")
    assert tab.nc_model.rowCount() == 1
    assert page.stepper.steps()[4].note == "待整改 1 项"

    # close it with the corrective action and its verification
    tab.nc_view.selectRow(0)
    tab.nc_view.setCurrentIndex(tab.nc_model.index(0, 0))
    monkeypatch.setattr(dialogs.TextDialog, "ask", dialog_answer("已在全部网点张贴，现场验证有效"))
    qtbot.mouseClick(tab.close_nc_button, Qt.MouseButton.LeftButton)
    assert services.cases.get(case_no).nonconformities[0].status == "closed"

    # a special deduction opens its own nonconformity and costs a point
    monkeypatch.setattr(dialogs.TextDialog, "ask", dialog_answer("虚假宣传"))
    qtbot.mouseClick(tab.deduction_button, Qt.MouseButton.LeftButton)
    detail = services.cases.get(case_no)
    assert detail.score.special_deductions == 1
    assert tab.special_model.rowCount() == 1
    assert "特别扣分 −1" in tab.total_label.text()

    # evidence: a note with a file through the dialog, and a photo dropped on the list
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    tab.tree.go_to(code)
    monkeypatch.setattr(
        dialogs.EvidenceDialog,
        "ask",
        dialog_answer(dialogs.EvidenceRequest("查看了服务手册", photo)),
    )
    qtbot.keyClick(tab.tree, "e")
    tab._on_evidence_files_dropped([photo])
    detail = services.cases.get(case_no)
    assert [(e.code, e.note, e.file.filename if e.file else None) for e in detail.evidence] == [
        (code, "查看了服务手册", "现场照片.jpg"),
        (code, "", "现场照片.jpg"),
    ]
    assert tab.evidence_model.rowCount() == 2
    assert tab.model.data(tab.model.index_of(code, 6)) == "2"
    opened = []
    monkeypatch.setattr(dialogs.Files, "open_url", classmethod(lambda cls, path: opened.append(path) or True))
    tab._on_evidence_view_double_clicked(tab.evidence_model.index(0, 0))
    assert opened and opened[0].name == "现场照片.jpg" and opened[0].read_bytes() == photo.read_bytes()


def test_note_is_saved_with_ctrl_enter_and_undoable(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    code = tab.tree.current_code()
    qtbot.keyClick(tab.tree, "c")
    assert focused() is tab.note_edit
    qtbot.keyClicks(tab.note_edit, "Posters seen at 3 outlets")
    qtbot.keyClick(tab.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert stored(services, case_no, code).note == "Posters seen at 3 outlets"
    assert focused() is tab.tree
    tab.undo_action.trigger()
    assert stored(services, case_no, code) is None


def test_scoring_model_passes_the_model_tester(
    qtmodeltester, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    services.audits.set_points(team.leader, case_no, "1.1", "2")
    services.audits.set_not_applicable(team.leader, case_no, "1.2", "不涉及")
    detail = services.cases.get(case_no)
    rubric = services.rubrics.get(detail.rubric_id).rubric
    model = ScoringModel("zh")
    model.set_case(rubric, detail.entries, detail.entry_versions, detail.score, {"1.1": 2})
    model.editable = True
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(rubric.categories)
    assert model.data(model.index_of("1.2")) == "—"
