"""Migration 0008: certificates gain their surveillance basis, reason code and suspension end; the
ones issued before it count from their issue date (as their stored next surveillance already did),
and a downgrade drops the columns again — the register still verifies, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from audit_workbench.services import Services
from audit_workbench.storage.db import _alembic_config

from ..conftest import CaseMaker, Clock, Team

COLUMNS = {"surveillance_basis", "surveillance_from", "status_reason_code", "suspended_until"}


def _url(db_path: Path | str) -> str:
    return db_path if isinstance(db_path, str) else f"sqlite:///{db_path}"


def test_certificates_issued_before_count_from_their_issue_and_the_columns_go_down_again(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str, clock: Clock
) -> None:
    number = services.cases.get(make_case("certified")).certificate.number  # type: ignore[union-attr]
    before = services.certificates.get(number)
    services.close()

    engine = create_engine(_url(db_path))
    try:
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0007")
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("certificates")}
            assert not columns & COLUMNS
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT surveillance_basis, surveillance_from, issued_on FROM certificates")
            ).one()
            assert row[0] == "issue" and str(row[1]) == str(row[2])
    finally:
        engine.dispose()

    again = Services.open(db_path, clock=clock)
    try:
        after = again.certificates.get(number)
        assert after.next_surveillance == before.next_surveillance  # kept as it was stored
        assert (after.surveillance_basis, after.surveillance_from) == ("issue", after.issued_on)
        assert again.certificates.verify(after.payload).valid
        assert again.certificates.check() == []
    finally:
        again.close()
