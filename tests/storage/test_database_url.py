"""A server password is never shown: URLs are displayed masked; the password may also come from the
environment or a libpq password file instead of the URL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import URL, make_url

from audit_workbench.services.base import database_location
from audit_workbench.storage.db import display_url, open_database
from audit_workbench.storage.notify import EventListener

from ..conftest import PG_URL


def test_a_server_url_is_shown_with_its_password_masked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    shown = database_location("postgresql+psycopg://aw:s3cret@db.example:5433/audit")
    assert shown == "postgresql+psycopg://aw:***@db.example:5433/audit"
    assert "s3cret" not in display_url("postgresql+psycopg://aw:s3cret@db.example/audit?sslmode=require")
    assert database_location(tmp_path / "x.sqlite3") == str(tmp_path / "x.sqlite3")
    assert (
        display_url("postgresql+psycopg://aw@db.example/audit") == "postgresql+psycopg://aw@db.example/audit"
    )


def _without_password(url: str) -> str:
    u = make_url(url)
    return URL.create(u.drivername, u.username, None, u.host, u.port, u.database, u.query).render_as_string(
        hide_password=False
    )


@pytest.mark.server_only
@pytest.mark.parametrize("source", ["environment", "password file"])
def test_the_password_from_the_environment_or_a_password_file(
    db_path, monkeypatch, tmp_path, source: str
) -> None:  # type: ignore[no-untyped-def]
    assert PG_URL
    url = make_url(str(db_path))
    bare = _without_password(str(db_path))
    assert url.password and make_url(bare).password is None
    monkeypatch.delenv("PGPASSWORD", raising=False)
    if source == "environment":
        monkeypatch.setenv("PGPASSWORD", url.password)
    else:
        passfile = tmp_path / "pgpass"
        passfile.write_text(f"{url.host}:{url.port or 5432}:*:{url.username}:{url.password}\n")
        passfile.chmod(0o600)
        monkeypatch.setenv("PGPASSFILE", str(passfile))
    database = open_database(bare, attachments_root=tmp_path / "att")
    try:
        with database.reading() as session:
            assert session.connection().exec_driver_sql("select 1").scalar() == 1
        # the change listener connects the same way
        heard = threading.Event()
        listener = EventListener(bare, lambda seq: heard.set())
        listener.start()
        try:
            assert listener.listening.wait(10)
        finally:
            listener.stop()
    finally:
        database.dispose()
