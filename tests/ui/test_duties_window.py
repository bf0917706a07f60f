"""The window says why a person who took part in a case may not vote on it, though he is off its
team today, and the dashboard shows a certificate whose whole chain one admin's fresh accounts took
(issue 10, points 3 and 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_workbench.core.policy import Action
from audit_workbench.services import Services
from audit_workbench.ui.pages.dashboard import DashboardPage

from ..conftest import CaseMaker, Clock, Team
from ..services.test_grants import _fresh_chain
from .test_case_page import open_page

pytestmark = pytest.mark.gui


def test_an_auditor_taken_off_the_team_sees_the_vote_disabled_with_the_reason(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("accepted")
    services.cases.assign_team(team.clerk, case_no, "leader", ["dual"])
    services.cases.record_review(team.leader, case_no, outcome="pass", note="ok")
    services.audits.raise_nonconformity(team.auditor_committee, case_no, None, "投诉记录不全")
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    for _, indicator in rubric.indicators():
        services.audits.set_points(team.auditor_committee, case_no, indicator.code, indicator.max_points)
    services.cases.assign_team(team.clerk, case_no, "leader", ["member"])
    nc = services.cases.get(case_no).nonconformities[0].id
    services.audits.close_nonconformity(team.leader, case_no, nc, "补全记录，验证有效")
    services.audits.conclude(team.leader, case_no, "建议通过")
    assert "dual" not in {t.user_name for t in services.cases.get(case_no).team}
    page = open_page(qtbot, ui_context, team.auditor_committee, case_no, "committee")
    reason = "您参与了本案评审，不能参与表决"
    assert not page.committee_tab.vote_button.isEnabled()
    assert page.committee_tab.vote_button.toolTip() == reason
    assert page.action_buttons[Action.vote].toolTip() == reason
    # an independent member may vote
    other = open_page(qtbot, ui_context, team.committee, case_no, "committee")
    assert other.committee_tab.vote_button.isEnabled()


def test_the_dashboard_shows_a_one_hand_chain(
    qtbot, ui_context, services: Services, team: Team, clock: Clock, sample_file: Path
) -> None:  # type: ignore[no-untyped-def]
    page = DashboardPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert page.one_hand_banner.isHidden()
    _, number = _fresh_chain(services, team, clock, sample_file)
    page.refresh()
    assert not page.one_hand_banner.isHidden()
    assert number in page.one_hand_banner.text() and "同一人" in page.one_hand_banner.text()
