"""The case list: a lazily loading model over 2,000 cases that sorts, filters and searches in the
database; the page's debounced type-ahead search; opening a case; creating an application."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from audit_workbench.core.creditcode import complete
from audit_workbench.services.cases import SEARCH_COUNT_CAP, CaseQuery
from audit_workbench.ui.dialogs.new_case import NewApplication, NewCaseDialog
from audit_workbench.ui.models.case_list import COLUMNS, PAGE_SIZE, CaseListModel
from audit_workbench.ui.pages.cases import CaseListPage

from .bulk import add_cases
from .conftest import dialog_answer

pytestmark = pytest.mark.gui

COLUMN = {key: n for n, (key, _) in enumerate(COLUMNS)}


@pytest.fixture
def many(services, team):  # type: ignore[no-untyped-def]
    return add_cases(services, 2000, auditors=("leader", "member"))


def test_model_passes_the_model_tester(qtmodeltester, services, team, ui_context) -> None:  # type: ignore[no-untyped-def]
    add_cases(services, 450, auditors=("leader",))
    model = CaseListModel(ui_context(team.clerk), page_size=200)
    qtmodeltester.check(model)
    model.fetchMore()
    qtmodeltester.check(model)


def test_loads_lazily_a_page_at_a_time(services, team, ui_context, many) -> None:  # type: ignore[no-untyped-def]
    model = CaseListModel(ui_context(team.clerk))
    assert model.total == 2000
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 2000
    assert model.index(1999, COLUMN["case_no"]).data() == "AW2025-02000"


def test_the_view_fetches_more_when_scrolled(qtbot, services, team, ui_context, many) -> None:  # type: ignore[no-untyped-def]
    page = CaseListPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    assert page.model.rowCount() == PAGE_SIZE
    page.view.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > PAGE_SIZE)


def test_sorts_in_the_database(services, team, ui_context, many) -> None:  # type: ignore[no-untyped-def]
    model = CaseListModel(ui_context(team.clerk))
    model.sort(COLUMN["organization"], Qt.SortOrder.DescendingOrder)
    assert model.query.order_by == "organization" and model.query.descending
    assert model.index(0, COLUMN["organization"]).data() == "测试组织02000"
    assert model.rowCount() == PAGE_SIZE  # still lazy after sorting
    model.sort(COLUMN["case_no"], Qt.SortOrder.AscendingOrder)
    assert model.index(0, COLUMN["case_no"]).data() == "AW2025-00001"


def test_a_column_the_database_cannot_sort_keeps_the_order(qtbot, team, ui_context, many) -> None:  # type: ignore[no-untyped-def]
    page = CaseListPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    header = page.view.horizontalHeader()
    header.setSortIndicator(COLUMN["updated_at"], Qt.SortOrder.DescendingOrder)
    assert page.model.query.order_by == "updated_at"
    header.setSortIndicator(COLUMN["kind"], Qt.SortOrder.AscendingOrder)
    assert page.model.query.order_by == "updated_at"
    assert header.sortIndicatorSection() == COLUMN["updated_at"]


def test_filters_by_state_rubric_grade_and_team_member(services, team, ui_context, many) -> None:  # type: ignore[no-untyped-def]
    model = CaseListModel(ui_context(team.clerk))
    model.update_query(status="certified")
    assert model.total == sum(c.status == "certified" for c in many)
    assert {model.index(r, COLUMN["status"]).data() for r in range(model.rowCount())} == {"已发证"}
    model.update_query(rubric_id="sbt10401-2006-sales")
    assert model.total == sum(c.status == "certified" and c.rubric_id.endswith("sales") for c in many)
    model.set_query(CaseQuery(grade="four_star"))
    assert model.total == sum(c.grade == "four_star" for c in many)
    model.set_query(CaseQuery(team_member="member"))
    assert model.total == sum("member" in c.team for c in many) > 0


def test_type_ahead_search_is_debounced(qtbot, services, team, ui_context, many) -> None:  # type: ignore[no-untyped-def]
    page = CaseListPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    for ch in "测试组织0012":  # several keystrokes (keyClicks takes ASCII only) …
        page.search_edit.insert(ch)
    assert resets == []  # … no query yet
    qtbot.waitUntil(lambda: page.model.total == 10)  # 测试组织00120 … 00129
    assert len(resets) == 1  # … then exactly one
    assert page.count_label.text() == "共 10 件"

    page.search_edit.setText(many[41].credit_code[:12])  # credit code prefix
    qtbot.waitUntil(lambda: page.model.total >= 1 and page.model.index(0, 0).data() == "AW2025-00042")
    page.search_edit.setText("AW2025-0199")  # case number
    qtbot.waitUntil(lambda: page.model.total == 10)
    page.clear_filters()
    assert page.model.total == 2000


def test_a_search_count_stops_at_the_cap_until_every_match_is_loaded(
    qtbot, services, team, ui_context, many
) -> None:  # type: ignore[no-untyped-def]
    """2,000 matches: the count says "1,000+", pages load while the last one came back full, and once
    the last (short) page is in, the number is exact."""
    page = CaseListPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.search_edit.setText("测试组织")
    page.search_edit.returnPressed.emit()
    model = page.model
    assert model.total == SEARCH_COUNT_CAP and model.total_capped
    assert page.count_label.text() == "共 1,000+ 件"
    pages = 1
    while model.canFetchMore():
        model.fetchMore()
        pages += 1
    assert model.rowCount() == 2000 and pages == 11  # the 10th page came back full: one more asked
    assert not model.total_capped and model.total == 2000
    assert page.count_label.text() == "共 2,000 件"
    assert model.index(1999, COLUMN["case_no"]).data() == "AW2025-02000"

    page.search_edit.setText("测试组织01")  # 01000 … 01999: under the cap, so exact
    page.search_edit.returnPressed.emit()
    assert model.total == 1000 and not model.total_capped and model.rowCount() == PAGE_SIZE
    assert page.count_label.text() == "共 1,000 件"
    pages = 1
    while model.canFetchMore():
        model.fetchMore()
        pages += 1
    assert model.rowCount() == 1000 and pages == 5  # the exact count: no empty page asked

    page.search_edit.setText("测试组织0123")  # 10 matches: exact at once, one short page
    page.search_edit.returnPressed.emit()
    assert model.total == 10 and not model.total_capped and not model.canFetchMore()


def test_combos_filter_the_list(qtbot, services, team, ui_context, many) -> None:  # type: ignore[no-untyped-def]
    page = CaseListPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.state_combo.setCurrentIndex(page.state_combo.findData("onsite_audit"))
    assert page.model.total == sum(c.status == "onsite_audit" for c in many)
    page.member_combo.setCurrentIndex(page.member_combo.findData("leader"))
    assert page.model.total == sum(c.status == "onsite_audit" and "leader" in c.team for c in many)
    page.clear_filters()
    assert page.model.total == 2000


def test_double_click_and_enter_open_the_case(qtbot, services, team, ui_context, make_case) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("submitted")
    page = CaseListPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.show()
    index = page.model.index(0, 1)
    with qtbot.waitSignal(page.sig_case_requested) as blocker:
        page.view.doubleClicked.emit(index)
    assert blocker.args[0] == case_no
    page.view.setCurrentIndex(index)
    page.view.setFocus()
    with qtbot.waitSignal(page.sig_case_requested) as blocker:
        qtbot.keyClick(page.view.viewport(), Qt.Key.Key_Return)
    assert blocker.args[0] == case_no


def test_a_clerk_creates_an_application(qtbot, monkeypatch, services, team, ui_context) -> None:  # type: ignore[no-untyped-def]
    page = CaseListPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert page.new_button.isEnabled()
    answer = NewApplication(
        org_name="南京清源净水设备有限公司",
        credit_code=complete("91320100MA1XY2K30"),
        enterprise_type="production",
        headcount=230,
        scope="净水设备的售后服务",
        address="南京市江宁区",
        rubric_id=None,
    )
    monkeypatch.setattr(NewCaseDialog, "ask", dialog_answer(answer))
    with qtbot.waitSignal(page.sig_case_requested) as blocker:
        page.new_button.click()
    case_no, tab = blocker.args
    assert tab == "application"
    assert services.cases.get(case_no).organization.name == "南京清源净水设备有限公司"
    assert page.model.total == 1


def test_other_roles_see_new_application_disabled_with_the_reason(qtbot, team, ui_context) -> None:  # type: ignore[no-untyped-def]
    page = CaseListPage(ui_context(team.leader))
    qtbot.addWidget(page)
    assert not page.new_button.isEnabled()
    assert page.new_button.toolTip() == "只有受理人员可以新建申请"
    page_en = CaseListPage(ui_context(team.leader, lang="en"))
    qtbot.addWidget(page_en)
    assert page_en.new_button.toolTip() == "only a clerk may create an application"


def test_new_case_dialog_checks_the_credit_code_as_typed(qtbot, ui_context, team) -> None:  # type: ignore[no-untyped-def]
    dialog = NewCaseDialog(ui_context(team.clerk))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("测试有限公司")
    dialog.scope_edit.setPlainText("售后服务")
    good = complete("91110108MA01G7XK3")
    qtbot.keyClicks(dialog.code_edit, good[:10].lower())
    assert dialog.code_edit.text() == good[:10]  # upper-cased while typing
    assert "8" in dialog.code_status.text()  # "还差 8 位"
    # OK says what is missing, in the dialog, which stays open with everything typed
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() == 0
    assert "8" in dialog.problem_text() and dialog.focusWidget() is dialog.code_edit
    assert (dialog.name_edit.text(), dialog.scope_edit.toPlainText()) == ("测试有限公司", "售后服务")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    dialog.code_edit.setText(wrong)
    assert dialog.code_status.objectName() == "errorText"
    assert "校验位" in dialog.code_status.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "校验位" in dialog.problem_text()
    dialog.code_edit.setText(good)
    assert dialog.code_status.objectName() == "okText"
    assert dialog.application().credit_code == good


def test_new_case_dialog_stays_open_on_a_refusal_with_the_fields_intact(
    qtbot, ui_context, team, services
) -> None:  # type: ignore[no-untyped-def]
    """The case service refuses (a scope over its limit): the message is shown under the fields, the
    dialog stays open, and nothing typed is lost; corrected, the same dialog creates the case."""
    ctx = ui_context(team.clerk)
    dialog = NewCaseDialog(
        ctx,
        submit=lambda a: ctx.services.cases.create(
            ctx.actor,
            org_name=a.org_name,
            credit_code=a.credit_code,
            enterprise_type=a.enterprise_type,
            headcount=a.headcount,
            scope=a.scope,
            address=a.address,
            rubric_id=a.rubric_id,
        ),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    good = complete("91110108MA01G7XK3")
    dialog.name_edit.setText("测试有限公司")  # (QTest types Latin keys only)
    qtbot.keyClicks(dialog.code_edit, good)
    dialog.scope_edit.setPlainText("售后服务" * 1200)  # longer than the service takes
    dialog.address_edit.setText("北京市海淀区")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() == 0
    assert "认证范围超过" in dialog.problem_text()
    assert (dialog.name_edit.text(), dialog.code_edit.text(), dialog.address_edit.text()) == (
        "测试有限公司",
        good,
        "北京市海淀区",
    )
    assert services.cases.count(CaseQuery()) == 0
    dialog.scope_edit.setPlainText("家用电器的售后服务")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == 1 and dialog.result_value.organization.name == "测试有限公司"
    assert services.cases.count(CaseQuery()) == 1


def _reads(monkeypatch, services) -> list[str]:  # type: ignore[no-untyped-def]
    """The case service's reads from now on, by name."""
    calls: list[str] = []
    for name in ("count", "list", "first_page"):
        real = getattr(services.cases, name)

        def counted(*args, _name=name, _real=real, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(services.cases, name, counted)
    return calls


def test_the_page_loads_its_first_page_once(qtbot, monkeypatch, services, team, ui_context, many) -> None:  # type: ignore[no-untyped-def]
    """The view asks the model to sort by the order it already has when set up: no second load.
    A new order, and a header click back to the first one, load again."""
    calls = _reads(monkeypatch, services)
    page = CaseListPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert calls == ["first_page"]
    assert page.model.rowCount() == PAGE_SIZE
    page.model.sort(COLUMN["case_no"], Qt.SortOrder.AscendingOrder)  # the order it has
    assert calls == ["first_page"]
    header = page.view.horizontalHeader()
    header.setSortIndicator(COLUMN["case_no"], Qt.SortOrder.DescendingOrder)
    assert calls == ["first_page"] * 2
    assert page.model.index(0, COLUMN["case_no"]).data() == "AW2025-02000"
    header.setSortIndicator(COLUMN["case_no"], Qt.SortOrder.AscendingOrder)
    assert calls == ["first_page"] * 3
    assert page.model.index(0, COLUMN["case_no"]).data() == "AW2025-00001"


def test_new_case_dialog_shows_an_organisation_on_record_and_asks(
    qtbot, ui_context, team, make_case, services
) -> None:  # type: ignore[no-untyped-def]
    """A credit code on record: the dialog shows that organisation with its cases and certificates
    and OK says, in the dialog, that a choice is needed until the clerk applies for it (differences
    proposed) or corrects the code."""
    case_no = make_case("certified")
    detail = services.cases.get(case_no)
    code, name = detail.organization.credit_code, detail.organization.name
    dialog = NewCaseDialog(ui_context(team.clerk))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("冒名电器有限公司")
    dialog.scope_edit.setPlainText("售后服务")
    dialog.address_edit.setText("别处")
    qtbot.keyClicks(dialog.code_edit, code)
    assert dialog.existing_box.isVisible()
    shown = dialog.existing_label.text()
    assert name in shown and case_no in shown and detail.certificate.number in shown
    assert (
        "冒名电器有限公司" in dialog.difference_label.text() and "变更提议" in dialog.difference_label.text()
    )
    dialog.ok_button.click()  # no choice yet: said in the dialog, which stays open
    assert dialog.isVisible() and "请选择为该组织申请" in dialog.problem_text()
    dialog.correct_radio.click()
    assert dialog.focusWidget() is dialog.code_edit
    dialog.ok_button.click()
    assert dialog.isVisible() and "请选择为该组织申请" in dialog.problem_text()
    dialog.apply_radio.click()
    assert dialog.problem() is None
    answer = dialog.application()
    assert answer.existing_organization and answer.credit_code == code
    # another code: the box goes and no choice is asked
    dialog.code_edit.setText(complete("91110108MA01G7XK3"))
    assert not dialog.existing_box.isVisible() and dialog.problem() is None
    assert not dialog.application().existing_organization


def test_applying_for_an_organisation_on_record_proposes_and_says_so(
    qtbot, monkeypatch, services, team, ui_context, make_case, messages
) -> None:  # type: ignore[no-untyped-def]
    detail = services.cases.get(make_case("certified"))
    code, name = detail.organization.credit_code, detail.organization.name
    page = CaseListPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    answer = NewApplication(
        org_name="冒名电器有限公司",
        credit_code=code,
        enterprise_type="production",
        headcount=230,
        scope="售后服务",
        address="",
        rubric_id=None,
        existing_organization=True,
    )
    monkeypatch.setattr(NewCaseDialog, "ask", dialog_answer(answer))
    with qtbot.waitSignal(page.sig_case_requested) as blocker:
        page.new_button.click()
    assert services.cases.get(blocker.args[0]).organization.name == name  # not renamed
    assert [p.name for p in services.organizations.get(code).pending] == ["冒名电器有限公司"]
    ((_title, text),) = messages.informations
    assert "变更提议" in text and name in text
