"""Where the database is, told without loading SQLAlchemy: the default file in the user data folder,
and the SQLite file a `--db` path or plain `sqlite:///` URL names."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "audit-workbench"


def data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "audit-workbench.sqlite3"


def sqlite_file(db: str | Path | None) -> Path | None:
    """The SQLite file `db` names (None: the default file), or None for a server URL or a SQLite URL
    with anything more than a path (storage.db reads those with SQLAlchemy's URL parser)."""
    if db is None:
        return default_database_path()
    text = str(db)
    if "://" not in text:
        return Path(text).expanduser().resolve()
    prefix = "sqlite:///"
    rest = text[len(prefix) :]
    if not text.startswith(prefix) or not rest or "?" in rest or rest == ":memory:":
        return None
    return Path(rest)
