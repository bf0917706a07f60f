"""Whether a database is empty (a first start that stopped before its administrator was made): the
window asks it at every start, read with the standard library on a SQLite file and with SQLAlchemy
otherwise, and both say the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from audit_workbench.services import Services, setup

from ..conftest import FAST_HASHER, PASSWORD

pytestmark = pytest.mark.sqlite_only


def _files(tmp_path: Path) -> dict[str, tuple[Path, bool]]:
    zero = tmp_path / "zero.sqlite3"
    zero.touch()
    blank = tmp_path / "blank.sqlite3"
    sqlite3.connect(blank).execute("PRAGMA user_version = 1").connection.close()
    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    tables_only = tmp_path / "tables-only.sqlite3"
    Services.open(tables_only, hasher=FAST_HASHER).close()
    in_use = tmp_path / "in-use.sqlite3"
    services = Services.open(in_use, hasher=FAST_HASHER)
    services.users.create_first_admin("admin", PASSWORD)
    services.close()
    return {
        "zero bytes": (zero, True),
        "no tables": (blank, True),
        "someone else's tables": (other, False),
        "our tables, no user, no event": (tables_only, True),
        "in use": (in_use, False),
    }


def test_each_kind_of_file_is_told_apart_and_both_readers_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path)
    assert {name: setup.is_empty(path) for name, (path, _) in files.items()} == {
        name: empty for name, (_, empty) in files.items()
    }
    monkeypatch.setattr(setup, "_sqlite_is_empty", lambda path: None)  # SQLAlchemy's reading
    assert {name: setup.is_empty(path) for name, (path, _) in files.items()} == {
        name: empty for name, (_, empty) in files.items()
    }


def test_a_file_that_is_not_a_database_is_never_empty(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    assert setup.is_empty(junk) is False
    assert setup._sqlite_is_empty(junk) is None  # left to SQLAlchemy, which says: not empty
