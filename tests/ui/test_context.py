"""UiContext: the policy's reasons in the UI language, refusals turned into warnings, labels."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from audit_workbench.core.policy import Action

from ..conftest import PASSWORD

pytestmark = pytest.mark.gui


def test_explain_with_and_without_a_case(ui_context, team, make_case, services) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("committee_review")
    detail = services.cases.get(case_no)
    clerk = ui_context(team.clerk)
    assert clerk.explain(Action.create_case) is None
    assert clerk.explain(Action.score) == "只有评审员可以评分"
    assert clerk.explain("vote", detail) == "只有评审委员会委员可以评审委员会表决"
    leader = ui_context(team.leader, lang="en")
    assert leader.explain(Action.score, detail) == "cannot score while the case is committee_review"
    committee = ui_context(team.committee)
    assert committee.explain(Action.vote, detail) is None
    assert committee.can(Action.vote, detail)
    services.users.set_roles(team.admin, "leader", ["auditor", "committee"])
    conflicted = ui_context(services.users.login("leader", PASSWORD))
    assert conflicted.explain(Action.vote, detail) == "您参与了本案评审，不能参与表决"


def test_guard_sets_enabled_and_tooltip(qtbot, ui_context, team) -> None:  # type: ignore[no-untyped-def]
    button = QPushButton()
    qtbot.addWidget(button)
    context = ui_context(team.leader)
    assert not context.guard(button, Action.create_case, tip="新建")
    assert not button.isEnabled()
    assert button.toolTip() == "只有受理人员可以新建申请"
    assert ui_context(team.clerk).guard(button, Action.create_case, tip="新建")
    assert button.isEnabled() and button.toolTip() == "新建"


def test_run_service_turns_a_refusal_into_a_warning(ui_context, team, make_case, messages, services) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    context = ui_context(team.clerk, lang="en")
    assert context.run_service(services.cases.submit, team.clerk, case_no) is None
    assert context.last_refusal is not None and context.last_refusal.code == "materials_missing"
    ((_title, text),) = messages.warnings
    assert text.startswith("materials 1, 2")
    assert context.run_service(services.cases.get, case_no).case_no == case_no
    assert context.last_refusal is None


def test_labels(ui_context, team) -> None:  # type: ignore[no-untyped-def]
    zh, en = ui_context(team.clerk), ui_context(team.clerk, lang="en")
    assert (zh.state_label("onsite_audit"), en.state_label("onsite_audit")) == ("现场评审", "On-site audit")
    assert (zh.grade_label("five_star"), en.grade_label("five_star")) == ("五星级", "Five-star")
    assert zh.certificate_state_label("suspended") == "暂停"
    assert zh.role_label("committee") == "评审委员会委员"
    assert zh.rubric_short("sbt10401-2006-sales") == "销售服务型 · SB/T 10401-2006"
    assert en.rubric_short("gbt27922-2011") == "GB/T 27922-2011"
    assert zh.kind_label("renewal") == "再认证"
    assert zh.grade_label(None) == "" and zh.state_label("nonsense") == "nonsense"
