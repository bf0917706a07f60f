"""Alembic environment: always run on a connection handed in by storage.db (or a URL for tooling)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from audit_workbench.storage.models import (
    Base,
    is_case_search_index,
    is_case_search_table,
    load_detail_models,
)

config = context.config
load_detail_models()  # the comparison is with every table
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.connect() as conn:
            _run_on(conn)
            conn.commit()
        return
    _run_on(connection)


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Autogenerate leaves out the case search index (SQLite: an FTS5 table, its vocabulary and
    shadow tables; PostgreSQL: expression indexes)."""
    return not (type_ == "table" and is_case_search_table(name)) and not (
        type_ == "index" and is_case_search_index(name)
    )


def _run_on(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
