"""New databases, made only on purpose: `init`, `demo` and the window's first start.

Every other door refuses a database that is not there (`require_database`) instead of creating an
empty one at a mistyped path. A new SQLite database is built whole under a temporary name beside its
final path — the first administrator, the body's signing key, or the demo — and only then linked into
place, so a refused `init` (no password, a weak one, a key folder that cannot be written) leaves no
file behind: no database, no -wal or -shm, no attachments folder and no key file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from ..core.errors import Refused
from ..storage.db import display_url, exists, sqlite_path, to_url
from .base import Services

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from .demo import DemoResult
    from .users import UserView

T = TypeVar("T")
SIDECARS = ("-wal", "-shm", "-journal")


def location(db: str | Path | None) -> str:
    """The path (SQLite) or URL of a database, as a user would recognise it — a server's password
    masked (storage.db.display_url): it is shown in the window, the CLI's messages and the log."""
    return display_url(db)


def missing_database(db: str | Path | None) -> Refused:
    where = location(db)
    return Refused(
        "no_database",
        f"there is no database at {where}; create one with `audit-workbench init --admin NAME`, "
        "or name the right one with --db",
        f"数据库 {where} 不存在；请用 `audit-workbench init --admin 用户名` 创建，或用 --db 指定正确的数据库",
    )


def require_database(db: str | Path | None) -> None:
    """Refuse (naming the path) a database that does not exist; never create one."""
    if not exists(db):
        raise missing_database(db)


def is_empty(db: str | Path | None) -> bool:
    """Whether an existing database holds nothing yet: no user and no event (a first start that
    stopped before its administrator was made). Read without migrating or writing anything."""
    url = to_url(db)
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            return False
        if path.stat().st_size == 0:
            return True
        empty = _sqlite_is_empty(path)
        if empty is not None:
            return empty
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if not tables:
                return True
            if not {"users", "events"} <= tables:
                return False  # not ours: never treat it as empty
            # one row is enough to know (a count would read all of a large log at every start)
            user = conn.execute(text("SELECT 1 FROM users LIMIT 1")).first()
            event = conn.execute(text("SELECT 1 FROM events LIMIT 1")).first()
        return user is None and event is None
    except DBAPIError:
        return False  # unreadable: not empty, never replaced
    finally:
        engine.dispose()


def _sqlite_is_empty(path: Path) -> bool | None:
    """`is_empty` for a SQLite file, read with the standard library (read-only; at every start of
    the window, where SQLAlchemy's engine and inspector cost about 10 ms more); None when it cannot
    tell that way, and SQLAlchemy reads it."""
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        tables = {
            name
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        }
        if not tables:
            return True
        if not {"users", "events"} <= tables:
            return False  # not ours: never treat it as empty
        user = con.execute("SELECT 1 FROM users LIMIT 1").fetchone()
        event = con.execute("SELECT 1 FROM events LIMIT 1").fetchone()
        return user is None and event is None
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()


@dataclass(frozen=True)
class Created:
    url: str
    replaced_empty: bool


def _stale_sidecars(path: Path) -> list[Path]:
    return [Path(str(path) + s) for s in SIDECARS if Path(str(path) + s).exists()]


def _remove_database_files(path: Path) -> None:
    for item in (path, *(Path(str(path) + s) for s in SIDECARS)):
        item.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".attachments"), ignore_errors=True)


def _key_file_of(services: Services) -> Path | None:
    from .keys import DATABASE_ID_KEY, read_setting, secret_file

    try:
        with services.read() as session:
            db_id = read_setting(session, DATABASE_ID_KEY)
    except Exception:
        return None
    return secret_file(str(db_id)) if db_id else None


def create(
    db: str | Path | None, fill: Callable[[Services], T], *, hasher: PasswordHasher | None = None
) -> tuple[T, Created]:
    """Make a new database at `db` and `fill` it, or leave nothing behind.

    Refused when a database is already there (naming it), unless that one is empty (no user, no
    event), which is then replaced; refused too when another database's -wal, -shm or -journal lies
    at the path without its database (a new file would take up its pages).
    """
    url = to_url(db)
    path = sqlite_path(url)
    replaced_empty = False
    if exists(db) or (path is not None and path.exists()):
        if not is_empty(db):
            where = location(db)
            raise Refused(
                "exists",
                f"a database already exists at {where}; `init` and `demo` make new ones only",
                f"{where} 已有数据库；init 和 demo 只创建新数据库",
            )
        replaced_empty = True
    if path is None:  # a server: create the tables in place (nothing to link)
        services = Services.open(url, hasher=hasher)
        try:
            return fill(services), Created(url, replaced_empty)
        finally:
            services.close()
    stale = _stale_sidecars(path) if not replaced_empty else []
    if stale:
        names = ", ".join(str(p) for p in stale)
        raise Refused(
            "stale_files",
            f"{names} lie where the new database would go, without their database; move them away first",
            f"{names} 是其他数据库遗留的文件，请先移走",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.new-{uuid.uuid4().hex[:12]}")
    services = Services.open(building, hasher=hasher)
    key_file: Path | None = None
    try:
        result = fill(services)
    except BaseException:
        key_file = _key_file_of(services)
        services.close()
        _remove_database_files(building)
        if key_file is not None:
            key_file.unlink(missing_ok=True)
        raise
    key_file = _key_file_of(services)
    services.close()  # the last connection: SQLite checkpoints the WAL into the file and removes it
    try:
        for leftover in _stale_sidecars(building):
            leftover.unlink()
        _put_in_place(building, path, replace=replaced_empty)
        files = building.with_name(building.name + ".attachments")
        if files.is_dir():
            _merge_folder(files, path.with_name(path.name + ".attachments"))
    except BaseException:
        _remove_database_files(building)
        if key_file is not None and not path.exists():
            key_file.unlink(missing_ok=True)
        raise
    return result, Created(url, replaced_empty)


def _put_in_place(building: Path, path: Path, replace: bool) -> None:
    if replace:
        if not is_empty(path):  # someone filled it meanwhile: never replace real records
            raise Refused("exists", f"a database already exists at {path}", f"{path} 已有数据库")
        os.replace(building, path)
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    try:
        os.link(building, path)  # fails if the name appeared meanwhile
    except FileExistsError:
        raise Refused("exists", f"a database already exists at {path}", f"{path} 已有数据库") from None
    except OSError:
        if path.exists():
            raise Refused("exists", f"a database already exists at {path}", f"{path} 已有数据库") from None
        os.replace(building, path)
        return
    building.unlink()


def _merge_folder(source: Path, target: Path) -> None:
    """Move content-addressed attachment files into the database's folder (same name = same bytes)."""
    for item in sorted(source.rglob("*")):
        if item.is_file():
            final = target / item.relative_to(source)
            final.parent.mkdir(parents=True, exist_ok=True)
            if not final.exists():
                os.replace(item, final)
    with contextlib.suppress(OSError):
        shutil.rmtree(source)


def create_with_admin(
    db: str | Path | None, admin: str, password: str, *, hasher: PasswordHasher | None = None
) -> tuple[UserView, Created]:
    """`init`: a new database with its first administrator and the body's signing key."""

    def fill(services: Services) -> UserView:
        user = services.users.create_first_admin(admin, password)
        services.certificates.ensure_keys()
        return user

    return create(db, fill, hasher=hasher)


def create_demo(db: str | Path | None, *, hasher: PasswordHasher | None = None) -> tuple[DemoResult, Created]:
    """`demo`: a new database filled with the demo body, users and cases."""
    from .demo import build_demo

    return create(db, build_demo, hasher=hasher)
