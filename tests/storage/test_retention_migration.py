"""Migration 0012: a database at 0011 (retention triggers on certificates, their changes, cases and
committee votes) gains the triggers on every record of a certification — the same a new database
gets — and a downgrade restores the 0008 set, which still guards; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from audit_workbench.services import Services
from audit_workbench.storage import retention
from audit_workbench.storage.db import _alembic_config

from ..conftest import CaseMaker, Team, dump


def _url(db_path: Path | str) -> str:
    return db_path if isinstance(db_path, str) else f"sqlite:///{db_path}"


def _triggers(conn: Connection) -> dict[str, str]:
    """The retention triggers, each with its definition (on PostgreSQL, the function's)."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'retention%'")
        )
        return {name: sql for name, sql in rows}
    rows = conn.execute(
        text(
            "SELECT t.tgname, pg_get_functiondef(t.tgfoid) FROM pg_trigger t "
            "WHERE t.tgname LIKE 'retention%' AND NOT t.tgisinternal"
        )
    )
    return {name: definition for name, definition in rows}


def _refused(engine: Engine, db_path: Path | str, statement: str) -> None:
    before = dump(db_path)
    with pytest.raises(DBAPIError, match="retention"), engine.begin() as conn:
        conn.execute(text(statement))
    assert dump(db_path) == before


def test_0012_guards_every_record_and_its_downgrade_restores_the_0008_set(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str
) -> None:
    make_case("certified")
    services.close()
    engine = create_engine(_url(db_path))
    try:
        with engine.connect() as conn:
            new = _triggers(conn)  # as a new database has them
        assert set(new) == {name for name, _ in retention.triggers(engine.dialect.name)}

        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0011")
        with engine.connect() as conn:
            assert set(_triggers(conn)) == {
                name for name, _ in retention.triggers(engine.dialect.name, "0008")
            }
        _refused(engine, db_path, "DELETE FROM certificates")  # the 0008 set still guards
        _refused(engine, db_path, "DELETE FROM committee_votes")

        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        with engine.connect() as conn:
            assert _triggers(conn) == new
        for table in (
            "materials",
            "material_files",
            "indicator_scores",
            "audit_team",
            "events",
            "organizations",
        ):
            _refused(engine, db_path, f"DELETE FROM {table}")
        if engine.dialect.name == "postgresql":  # TRUNCATE fires no delete trigger: its own refuses it
            _refused(engine, db_path, "TRUNCATE audit_team")
    finally:
        engine.dispose()
