"""The window runs the surveillance clock at its opening, as the system user, before the dashboard
counts certificates; with nothing due it does not load the certificate machinery."""

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
