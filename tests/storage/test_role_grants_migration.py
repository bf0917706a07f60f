"""Migration 0009: `role_grants` is made with one `granted` row per role every user holds, granted by
nobody (before grants were recorded), on SQLite and PostgreSQL; a downgrade drops it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from audit_workbench.services import Services
from audit_workbench.storage.db import _alembic_config

from ..conftest import Clock, Team


def _url(db_path: Path | str) -> str:
    return db_path if isinstance(db_path, str) else f"sqlite:///{db_path}"


def test_every_held_role_is_recorded_as_granted_before_the_records(
    services: Services, team: Team, db_path: Path | str, clock: Clock
) -> None:
    services.close()
    engine = create_engine(_url(db_path))
    try:
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0007")
        with engine.connect() as conn:
            assert "role_grants" not in inspect(conn).get_table_names()
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT u.name, g.role, g.granted_by, g.status FROM role_grants g "
                    "JOIN users u ON u.id = g.user_id ORDER BY u.name, g.role"
                )
            ).all()
    finally:
        engine.dispose()
    assert ("dual", "auditor", None, "granted") in rows and ("dual", "committee", None, "granted") in rows
    assert ("admin", "admin", None, "granted") in rows
    assert len(rows) == 9  # admin, clerk, leader, member, outsider, comm1, comm2, dual ×2
    again = Services.open(db_path, clock=clock)
    try:
        assert {g.user for g in again.grants.list(team.admin)} >= {"admin", "dual", "comm1"}
    finally:
        again.close()
