"""Opening the store: engine, SQLite pragmas, migrations on open, the attachment folder.

SQLite runs with WAL and foreign keys on every connection, and each transaction begins IMMEDIATE so
writers are serialised up front instead of failing half-way with "database is locked". A brand-new
database is created from the models and stamped; an existing one at an older revision is copied to
a backup file first and then upgraded by Alembic in one transaction.

Alembic is imported only when there is something to create or upgrade: a database already at
`HEAD_REVISION` opens with one read of `alembic_version` (importing Alembic costs about 0.15 s of every
start of the window and the command line).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .attachments import AttachmentStore
from .location import data_dir, default_database_path
from .models import Base, load_detail_models

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions. A database stamped with it opens without Alembic. Adding
# a migration means updating this constant; tests/storage/test_head_revision.py fails until then, and
# until then every open goes through Alembic (see _head_script_is_newest), so nothing is skipped.
HEAD_REVISION = "0013"


def to_url(db: str | Path | None) -> str:
    """A SQLAlchemy URL from a path or URL; None means the default file in the user data folder."""
    if db is None:
        db = default_database_path()
    text = str(db)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def display_url(db: str | Path | None) -> str:
    """The database as people may see it: a SQLite path, or a server URL with its password masked
    (`postgresql+psycopg://aw:***@host/db`). What the window, the command line and the event log
    show; the password itself can also come from $PGPASSWORD or a libpq service or password file
    (psycopg reads them when the URL has none)."""
    url = to_url(db)
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: show no part of it that could be a secret
        return url.split("://", 1)[0] + "://…"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def exists(db: str | Path | None) -> bool:
    """Whether a database is already there (for SQLite: the file exists and has tables)."""
    url = to_url(db)
    path = sqlite_path(url)
    if path is not None:
        return path.exists() and path.stat().st_size > 0
    engine = create_engine(url)
    try:
        return bool(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _alembic_config(connection: object | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The head of the migration scripts, as Alembic reads it (HEAD_REVISION is its cached copy)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


# The page cache of each SQLite connection, in KiB: filled only as pages are read, so a small
# database uses no more than it has.
PAGE_CACHE_KIB = 16 * 1024


def _install_sqlite_pragmas(engine: Engine, busy_seconds: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # a score shown as saved survives a power cut
        # A bounded wait for another program's write: then "database is locked", which the services
        # turn into a clear "busy" refusal (nothing was written).
        cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        # Each connection's page cache, 16 MiB instead of SQLite's 2 MiB: at 100,000 cases the case
        # list's total (count(*) over the updated_at index, 940 pages) and its first page no longer
        # push each other out, so both are read from memory (docs/benchmarks.md, growth rows).
        cursor.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front; readers (the `reading` sessions) start deferred, so
        # under WAL they never wait for a writer.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    attachments: AttachmentStore
    backup_made: Path | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def rehearsal(self) -> Iterator[Session]:
        """A write transaction that is always rolled back: what a use case would write, seen and
        dropped (the certificate preview before an issue)."""
        with self.sessions() as session:
            transaction = session.begin()
            try:
                yield session
                session.flush()
            finally:
                transaction.rollback()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.read_sessions() as session:
            yield session

    @contextmanager
    def sqlite_reading(self) -> Iterator[sqlite3.Connection]:
        """SQLite only: a read on the driver's own connection (from the engine's pool, with its
        pragmas), in one deferred transaction, rolled back at the end: what `reading` gives without
        a Session and SQLAlchemy's execution path, for the case list's keystrokes whose statements
        are compiled once (a session and its BEGIN cost about 90 µs of a keystroke's 170 µs)."""
        pooled = self.engine.raw_connection()
        try:
            driver = pooled.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            driver.execute("BEGIN DEFERRED")
            try:
                yield driver
            finally:
                driver.rollback()
        finally:
            pooled.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _attachments_root(url: str) -> Path:
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + ".attachments")
    parsed = make_url(url)
    name = f"{parsed.get_backend_name()}-{parsed.host or 'local'}-{parsed.database or 'db'}"
    return data_dir() / "attachments" / name


def _install_server_lock_timeout(engine: Engine, busy_seconds: float) -> None:
    """PostgreSQL: a statement waits at most `busy_seconds` for a lock another session holds."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute(f"SET lock_timeout = {int(busy_seconds * 1000)}")
        cursor.close()
        dbapi_connection.commit()  # type: ignore[attr-defined]


def open_database(
    db: str | Path | None = None,
    *,
    create: bool = True,
    attachments_root: Path | None = None,
    busy_seconds: float = 10.0,
) -> Database:
    """Open (and if needed create or upgrade) the store at a path or SQLAlchemy URL."""
    url = to_url(db)
    path = sqlite_path(url)
    if path is not None:
        if not path.exists() and not create:
            raise FileNotFoundError(f"no database at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        _install_sqlite_pragmas(engine, busy_seconds)
    elif engine.dialect.name == "postgresql":
        _install_server_lock_timeout(engine, busy_seconds)
    backup = _migrate(engine, path)
    sessions = sessionmaker(engine, expire_on_commit=False)
    reader = engine.execution_options(sqlite_begin="DEFERRED") if engine.dialect.name == "sqlite" else engine
    return Database(
        url=url,
        engine=engine,
        sessions=sessions,
        read_sessions=sessionmaker(reader, expire_on_commit=False),
        attachments=AttachmentStore(attachments_root or _attachments_root(url)),
        backup_made=backup,
    )


def stored_revision(engine: Engine) -> str | None:
    """The revision in the database's `alembic_version` table, read without Alembic; None when
    there is no such table or it does not hold exactly one row."""
    reader = engine.execution_options(sqlite_begin="DEFERRED") if engine.dialect.name == "sqlite" else engine
    with reader.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return str(rows[0]) if len(rows) == 1 else None


def _head_script_is_newest() -> bool:
    """Whether HEAD_REVISION's script (versions/NNNN_*.py) is the newest one there: a cheap guard, so
    that a migration added without updating the constant is still run, never skipped."""
    scripts = sorted(p.name for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))
    return bool(scripts) and scripts[-1].startswith(f"{HEAD_REVISION}_")


def _migrate(engine: Engine, path: Path | None) -> Path | None:
    if stored_revision(engine) == HEAD_REVISION and _head_script_is_newest():
        return None  # the common case: nothing to do, and no need to import Alembic
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        has_tables = bool(inspect(conn).get_table_names())
    head = head_revision()
    if current == head:
        return None
    if current is None and not has_tables:
        with engine.begin() as conn:
            load_detail_models()  # every table, not only those the start maps
            Base.metadata.create_all(conn)
            command.stamp(_alembic_config(conn), "head")
        return None
    if current is None:
        raise RuntimeError(
            "the database has tables but no migration revision: not an Audit Workbench database"
        )
    backup = None
    if path is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = path.with_name(f"{path.name}.before-{head[:12]}-{stamp}.bak")
        src = sqlite3.connect(path)
        try:
            dst = sqlite3.connect(backup)
            with dst:
                src.backup(dst)
            dst.close()
        finally:
            src.close()
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    return backup
