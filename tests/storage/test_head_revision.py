"""Opening a database at the newest revision skips Alembic; HEAD_REVISION must follow the scripts."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from audit_workbench.storage import db as storage_db
from audit_workbench.storage.db import HEAD_REVISION, _alembic_config, head_revision, open_database


def test_head_revision_constant_is_the_head_of_the_migration_scripts() -> None:
    """A new migration without updating HEAD_REVISION would let databases skip it: fail here first."""
    assert head_revision() == HEAD_REVISION


_OPEN_AND_REPORT = """
import json, sys
from audit_workbench.storage.db import open_database
db = open_database(sys.argv[1])
print(json.dumps({"backup": str(db.backup_made) if db.backup_made else None,
                  "alembic": sorted(m for m in sys.modules if m == "alembic" or m.startswith("alembic."))}))
db.dispose()
"""


def _open_in_child(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _OPEN_AND_REPORT, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.sqlite_only
def test_a_database_at_the_head_opens_without_importing_alembic(tmp_path: Path) -> None:
    path = tmp_path / "current.sqlite3"
    open_database(path).dispose()  # created and stamped (this process has Alembic already)
    report = _open_in_child(path)
    assert report == {"backup": None, "alembic": []}


@pytest.mark.sqlite_only
def test_an_older_database_still_goes_through_alembic(tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    engine.dispose()
    report = _open_in_child(path)
    assert report["alembic"], "the upgrade needs Alembic"
    assert report["backup"] is not None and Path(str(report["backup"])).exists()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    con.close()


def test_stored_revision_reads_the_version_table(db_path: Path | str) -> None:
    """None before anything is there, the revision once stamped (SQLite and PostgreSQL)."""
    url = db_path if isinstance(db_path, str) else f"sqlite:///{db_path}"
    engine = create_engine(url)
    try:
        assert storage_db.stored_revision(engine) is None
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0001")
        assert storage_db.stored_revision(engine) == "0001"
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_a_forgotten_constant_never_skips_a_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were HEAD_REVISION left at an older revision after a new script was added, a database at that
    older revision is still upgraded (the newest script in versions/ is not the constant's)."""
    path = tmp_path / "behind.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    engine.dispose()
    monkeypatch.setattr(storage_db, "HEAD_REVISION", "0001")
    db = open_database(path)
    try:
        assert db.backup_made is not None
        assert storage_db.stored_revision(db.engine) == head_revision() != "0001"
    finally:
        db.dispose()
