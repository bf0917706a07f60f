"""The dashboard's line for the monthly CNCA report, from the 1st to the 10th of the month."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from audit_workbench.ui.pages.dashboard import DashboardPage

pytestmark = pytest.mark.gui


def test_the_report_due_by_the_tenth_and_what_it_lacks(qtbot, ui_context, team, make_case, clock) -> None:  # type: ignore[no-untyped-def]
    make_case("certified")  # 2 March: a first issue to report in March's file
    clock.now = datetime(2026, 4, 3, 9, 0, tzinfo=UTC)
    page = DashboardPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert not page.cnca_line.isHidden()
    assert page.cnca_line.text() == "本月 CNCA 上报：截止 10 日，1 条待报"
    clock.now = datetime(2026, 4, 11, 9, 0, tzinfo=UTC)
    page.refresh()
    qtbot.waitUntil(lambda: page.cnca_line.isHidden())
