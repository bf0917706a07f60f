"""The store: migrations match the models, SQLite pragmas, the event chain and the attachment store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from audit_workbench.core.errors import Refused
from audit_workbench.storage import events
from audit_workbench.storage.db import _alembic_config, head_revision, open_database
from audit_workbench.storage.models import (
    Base,
    is_case_search_index,
    is_case_search_table,
    load_detail_models,
)

from ..conftest import drop_retention


def _not_the_search_index(name: str | None, type_: str, _parents: object) -> bool:
    """The case search index (SQLite: FTS5 tables; PostgreSQL: expression indexes) is not a model."""
    return not (type_ == "table" and is_case_search_table(name)) and not (
        type_ == "index" and is_case_search_index(name)
    )


def test_migrations_build_exactly_the_models(db_path: Path | str) -> None:
    """A database built by running every migration has the same schema as the models (SQLite and PostgreSQL)."""
    engine = create_engine(db_path if isinstance(db_path, str) else f"sqlite:///{db_path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _not_the_search_index}
        )
        assert context.get_current_revision() == head_revision()
        load_detail_models()  # every table, not only those a start maps
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


@pytest.mark.sqlite_only
def test_new_database_is_stamped_and_reopens_without_migrating(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = open_database(path)
    db.dispose()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    con.close()
    again = open_database(path)
    assert again.backup_made is None
    again.dispose()


@pytest.mark.sqlite_only
def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.sqlite3")
    with db.transaction() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    db.dispose()


@pytest.mark.sqlite_only
def test_sqlite_connections_keep_a_16_mib_page_cache(tmp_path: Path) -> None:
    """Every connection of the pool, through a session or on the driver (the case list's keystrokes),
    holds up to 16 MiB of pages, so a list's total and its first page at 100,000 cases both stay in
    memory (SQLite's own default is 2 MiB)."""
    db = open_database(tmp_path / "c.sqlite3")
    with db.reading() as session:
        assert session.execute(text("PRAGMA cache_size")).scalar() == -16 * 1024  # KiB when negative
    with db.sqlite_reading() as con:
        assert con.execute("PRAGMA cache_size").fetchone()[0] == -16 * 1024
    db.dispose()


@pytest.mark.sqlite_only
def test_a_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE something (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(RuntimeError, match="not an Audit Workbench database"):
        open_database(path)


def _chain(tmp_path: Path, n: int = 5):  # type: ignore[no-untyped-def]
    db = open_database(tmp_path / "log.sqlite3")
    with db.transaction() as session:
        for i in range(n):
            events.append(
                session,
                at=datetime(2026, 1, 1, 8, i, tzinfo=UTC),
                user_name="clerk",
                action="case.create",
                entity="case",
                entity_id=f"AW2026-{i:05d}",
                after={"n": i},
                reason="",
            )
    return db


@pytest.mark.sqlite_only
def test_chain_verifies_and_each_tampering_is_named(tmp_path: Path) -> None:
    db = _chain(tmp_path)
    with db.reading() as session:
        assert events.verify(session).ok
    path = tmp_path / "log.sqlite3"
    con = sqlite3.connect(path)
    con.execute("UPDATE events SET user_name = 'mallory' WHERE seq = 4")
    con.commit()
    with db.reading() as session:
        report = events.verify(session)
    assert not report.ok and report.first_bad_seq == 4 and "altered" in report.problem
    con.execute("UPDATE events SET user_name = 'clerk' WHERE seq = 4")
    # swap two events' sequence numbers: a reordering
    con.execute("UPDATE events SET seq = -2 WHERE seq = 2")
    con.execute("UPDATE events SET seq = 2 WHERE seq = 3")
    con.execute("UPDATE events SET seq = 3 WHERE seq = -2")
    con.commit()
    with db.reading() as session:
        report = events.verify(session)
    assert not report.ok and report.first_bad_seq == 2
    con.close()
    db.dispose()


@pytest.mark.sqlite_only
def test_chain_detects_events_cut_off_the_end(tmp_path: Path) -> None:
    db = _chain(tmp_path)
    con = sqlite3.connect(tmp_path / "log.sqlite3")
    drop_retention(con)  # as an attacker with the file would: the log must detect the cut by itself
    con.execute("DELETE FROM events WHERE seq = 5")
    con.commit()
    con.close()
    with db.reading() as session:
        report = events.verify(session)
    assert not report.ok and "removed from the end" in report.problem
    db.dispose()


@pytest.mark.sqlite_only
def test_attachments_are_content_addressed_and_checked_on_read(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.sqlite3")
    store = db.attachments
    digest = store.put_bytes("服务手册".encode())
    assert store.put_bytes("服务手册".encode()) == digest  # stored once
    assert store.read(digest) == "服务手册".encode()
    store.path_for(digest).write_bytes(b"tampered")
    with pytest.raises(Refused) as info:
        store.read(digest)
    assert info.value.code == "attachment_corrupt"
    db.dispose()


def test_migrations_go_down_and_up_again(db_path: Path | str) -> None:
    engine = create_engine(db_path if isinstance(db_path, str) else f"sqlite:///{db_path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.connect() as conn:
        assert "events" in inspect(conn).get_table_names()
    engine.dispose()


@pytest.mark.sqlite_only
def test_a_database_of_the_previous_release_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    """A file made at revision 0001 (the first release) opens: a backup is made, then it is migrated."""
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(
            text(
                "INSERT INTO organizations (id, name, credit_code, address, version) "
                "VALUES (1, '旧版组织', '91110108MA01ABCDEN', '', 1)"
            )
        )
    engine.dispose()
    db = open_database(path)
    try:
        assert db.backup_made is not None and db.backup_made.exists()
        with db.reading() as session:
            assert (
                session.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
            )
            assert session.execute(text("SELECT name FROM organizations")).scalar() == "旧版组织"
        old = sqlite3.connect(db.backup_made)
        assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        old.close()
    finally:
        db.dispose()
