"""The dashboard page shows the right figures, lists and charts for a known data set."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit_workbench.services.dashboard import DashboardService
from audit_workbench.ui.pages.dashboard import DashboardPage

pytestmark = pytest.mark.gui


@pytest.fixture
def known(services, team, make_case, clock):  # type: ignore[no-untyped-def]
    cases = {
        "draft": make_case("draft"),
        "submitted": make_case("submitted"),
        "onsite": make_case("onsite_audit"),
        "committee": make_case("committee_review"),
        "certified": make_case("certified"),
    }
    services.audits.raise_nonconformity(
        team.leader, cases["onsite"], "1.1", "服务承诺未公示", clock.now.date() + timedelta(days=5)
    )
    clock.now += timedelta(days=330)  # the nonconformity is overdue; the certificate's surveillance is due
    return cases


def test_figures_lists_and_charts_for_the_clerk(qtbot, qtmodeltester, ui_context, team, known) -> None:  # type: ignore[no-untyped-def]
    page = DashboardPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert page.card_open.value.text() == "4"  # draft, submitted, on site, committee
    assert page.card_queue.value.text() == "2"  # draft to submit, submitted to accept
    assert page.card_overdue.value.text() == "1"
    assert page.card_due.value.text() == "1"
    assert page.card_in_force.value.text() == "1"
    queue = {page.queue_model.index(r, 0).data() for r in range(page.queue_model.rowCount())}
    assert queue == {known["draft"], known["submitted"]}
    steps = {page.queue_model.index(r, 4).data() for r in range(page.queue_model.rowCount())}
    assert steps == {"提交申请", "受理"}
    assert page.overdue_model.rowCount() == 1
    assert page.overdue_model.index(0, 0).data() == known["onsite"]
    # the surveillance clock's reminder: due in about 35 days, so under the 90-day one
    assert page.due_model.index(0, 3).data() == "年度监督审核（90 天提醒）"
    assert page.card_due.note.text() == "监督提醒：逾期 0 · 7天内 0 · 30天内 0 · 90天内 1"
    assert page.tabs.tabText(0) == "待我处理 (2)"
    assert page.tabs.tabText(1) == "逾期不符合项 (1)"
    assert sum(count for _, count in page.state_chart.bars) == 5
    assert [(s.label, s.count) for s in page.grade_chart.shares()] == [
        ("五星级", 1)
    ]  # one five-star certificate
    for model in (page.queue_model, page.overdue_model, page.due_model):
        qtmodeltester.check(model)


def test_each_role_sees_its_own_queue(qtbot, ui_context, team, known) -> None:  # type: ignore[no-untyped-def]
    leader = DashboardPage(ui_context(team.leader))
    qtbot.addWidget(leader)
    assert leader.queue_model.rowCount() == 1
    assert leader.queue_model.index(0, 0).data() == known["onsite"]
    assert leader.queue_model.index(0, 5).data() == "1"  # one open nonconformity
    committee = DashboardPage(ui_context(team.committee))
    qtbot.addWidget(committee)
    assert [committee.queue_model.index(r, 0).data() for r in range(committee.queue_model.rowCount())] == [
        known["committee"]
    ]
    admin = DashboardPage(ui_context(team.admin))
    qtbot.addWidget(admin)
    assert admin.queue_model.rowCount() == 0
    assert admin.card_queue.value.text() == "0"


def test_double_click_opens_the_case_at_the_right_tab(qtbot, ui_context, team, known) -> None:  # type: ignore[no-untyped-def]
    page = DashboardPage(ui_context(team.leader))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.sig_case_requested) as blocker:
        page.queue_view.doubleClicked.emit(page.queue_view.model().index(0, 0))
    assert blocker.args == [known["onsite"], "scoring"]


def test_english(qtbot, ui_context, team, known) -> None:  # type: ignore[no-untyped-def]
    page = DashboardPage(ui_context(team.committee, lang="en"))
    qtbot.addWidget(page)
    assert page.queue_model.index(0, 4).data() == "Vote"
    assert page.queue_model.index(0, 3).data() == "Committee review"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_due_column_is_sized_for_its_longest_text_from_one_entry_of_each_shape(
    qtbot, ui_context, team, clock, lang
) -> None:  # type: ignore[no-untyped-def]
    """The 事项 column is sized from one entry per shape of its text, not from all 200: the longest
    text of those is exactly as long as the longest of all (the dates in it have one length)."""
    from itertools import product

    from audit_workbench.services.dashboard import CertificateDue
    from audit_workbench.ui.pages.dashboard import _one_of_each_shape

    page = DashboardPage(ui_context(team.clerk, lang=lang))
    qtbot.addWidget(page)
    today = clock.now.date()
    entries = []
    for n, (reason, offset, status, other) in enumerate(
        product(("expiry", "surveillance"), (-40, 0, 3, 20, 60, 200), ("valid", "suspended"), (None, 5, 400))
    ):
        day = today + timedelta(days=offset)
        also = (
            None
            if other is None
            else ("surveillance" if reason == "expiry" else "expiry", day + timedelta(days=other))
        )
        entries.append(
            CertificateDue(f"AWB-{n:05d}", "某公司", "five_star", status, reason, day, offset, None, also)
        )
    shapes = _one_of_each_shape(entries)
    assert len(shapes) < len(entries)
    # every length a text of the column can have is the length of one of the shapes' texts
    assert {len(page._due_what(d)) for d in shapes} == {len(page._due_what(d)) for d in entries}
    assert max(len(page._due_what(d)) for d in shapes) == max(len(page._due_what(d)) for d in entries)


def test_the_first_read_leaves_the_hidden_lists_for_a_second_and_a_refresh_reads_whole(
    qtbot, monkeypatch, ui_context, team, known
) -> None:  # type: ignore[no-untyped-def]
    reads: list[str] = []
    overview, lists = DashboardService.overview, DashboardService.lists

    def counted_overview(self, actor, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append("overview" if kwargs.get("lists", True) else "summary")
        return overview(self, actor, *args, **kwargs)

    def counted_lists(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append("lists")
        return lists(self, *args, **kwargs)

    monkeypatch.setattr(DashboardService, "overview", counted_overview)
    monkeypatch.setattr(DashboardService, "lists", counted_lists)
    page = DashboardPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert reads == ["summary", "lists"]
    assert page.dashboard is not None and page.dashboard.lists_read
    assert page.overdue_model.rowCount() == 1 and page.due_model.rowCount() == 1
    assert page.tabs.tabText(1) == "逾期不符合项 (1)"
    page.refresh()  # F5: one whole read, so a list on show never empties while it is read again
    assert reads == ["summary", "lists", "overview"]
    assert page.overdue_model.rowCount() == 1 and page.card_overdue.value.text() == "1"


def test_lists_read_for_an_older_dashboard_are_not_shown_over_a_newer_one(
    qtbot, ui_context, team, known, services, clock
) -> None:  # type: ignore[no-untyped-def]
    page = DashboardPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    service = DashboardService(services)
    stale = service.lists()  # the overdue nonconformity and the certificate due, as read then
    clock.now -= timedelta(days=330)  # back before either fell due
    summary = service.summary(team.clerk)
    assert summary.overdue_total == 0
    page.show_dashboard(summary)  # a newer dashboard: its own lists are read after it
    assert page.overdue_model.rowCount() == 0
    page._on_lists_loaded(stale, wanted=page._lists_wanted - 1)  # the older read's answer comes late
    assert page.overdue_model.rowCount() == 0 and page.card_overdue.value.text() == "0"
