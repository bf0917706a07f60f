"""The window runs the surveillance clock at its opening, as the system user, on its worker once the
first page has painted, then reads that page again; with nothing due it does not load the
certificate machinery, and a closing window stops it between batches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit_workbench.ui import app

pytestmark = pytest.mark.gui


def test_opening_the_window_suspends_an_overdue_certificate(services, team, make_case, clock) -> None:  # type: ignore[no-untyped-def]
    cert = services.cases.get(make_case("certified")).certificate
    app._sweep(services)
    assert services.certificates.get(cert.number).status == "valid"  # nothing due yet
    clock.now += timedelta(days=(cert.next_surveillance - clock.now.date()).days + 1)
    app._sweep(services)
    now = services.certificates.get(cert.number)
    assert (now.status, now.status_reason_code) == ("suspended", "0199")
    last = services.log.events(cert.number)[0]  # newest first
    assert (last.user_name, last.action, last.after["rule"]) == (
        "system",
        "certificate.suspend",
        "surveillance_overdue",
    )


def test_the_opening_sweep_runs_after_the_dashboard_and_refreshes_it(  # type: ignore[no-untyped-def]
    qtbot, services, team, make_case, clock, ui_context
) -> None:
    """A backlog of overdue certificates never delays the first screen: the dashboard paints with
    the figures it has, the sweep runs on the window's worker, and the page is read again."""
    from audit_workbench.ui.main_window import MainWindow

    cert = services.cases.get(make_case("certified")).certificate
    clock.now += timedelta(days=(cert.next_surveillance - clock.now.date()).days + 1)
    window = MainWindow(ui_context(team.clerk), "test", start_page="dashboard")
    qtbot.addWidget(window)
    window.show()
    page = window.pages["dashboard"]
    assert services.certificates.get(cert.number).status == "valid"  # not swept before the first paint
    assert page.card_in_force.value.text() == "1"

    app._sweep_in_background(window, window.context.services)  # the tests' worker runs it at once

    assert services.certificates.get(cert.number).status == "suspended"
    assert page.card_in_force.value.text() == "0"  # the page on show was read again


def test_a_closing_window_stops_the_sweep_between_batches(
    services, team, make_case, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from audit_workbench.services import certificates

    monkeypatch.setattr(certificates, "SWEEP_BATCH", 1)
    numbers = sorted(services.cases.get(make_case("certified")).certificate.number for _ in range(3))
    next_due = max(services.certificates.get(n).next_surveillance for n in numbers)
    clock.now += timedelta(days=(next_due - clock.now.date()).days + 1)
    asked = []

    def stop() -> bool:  # the window closes after the first batch
        asked.append(True)
        return len(asked) > 1

    assert app._sweep(services, stop=stop) is True
    assert [services.certificates.get(n).status for n in numbers] == ["suspended", "valid", "valid"]
    app._sweep(services)  # the next opening does the rest, one short transaction per batch
    assert [services.certificates.get(n).status for n in numbers] == ["suspended"] * 3


@pytest.mark.sqlite_only
@pytest.mark.parametrize("closed_first", [False, True])
def test_the_opening_sweep_waits_for_the_window_and_not_after_it(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, services, team, db_path, closed_first
) -> None:
    """The sweep comes due once the first page has painted; a window closed before then (its
    services perhaps closed too) sweeps nothing."""
    from audit_workbench.ui.main_window import MainWindow

    from ..conftest import PASSWORD

    swept: list[object] = []
    monkeypatch.setattr(app, "_sweep", lambda s, stop=None: swept.append(s) or False)
    monkeypatch.setattr(app, "SWEEP_AFTER_MS", 50)
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    window = app.build_app(["--db", str(db_path), "--user", "clerk", "--page", "cases"])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert swept == []  # not before the first paint
    if closed_first:
        window.close()
        window.context.services.close()
    qtbot.wait(300)
    assert len(swept) == (0 if closed_first else 1)
    window.context.services.close()
