"""Migration 0006: the pinyin of every organisation's name filled in; on SQLite the case search index
made again with the pinyin, its vocabulary and triggers, the same as a new database gets; on
PostgreSQL the gram function and its GIN indexes; down to 0005 and up again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, column, create_engine, insert, table, text

from audit_workbench.core.casesearch import pinyin_keys
from audit_workbench.services import Services
from audit_workbench.storage import models as m
from audit_workbench.storage.db import _alembic_config, open_database

from ..conftest import FAST_HASHER

WHEN = datetime(2024, 1, 1, tzinfo=UTC)
NAMES = ("杭州西湖电器有限公司", "重庆长安汽车销售服务有限公司", "ABC 电器", "苏州工业园区维修中心")

# The tables as they were at revision 0005 (the models have more columns since).
ORGANIZATIONS_BEFORE = table(
    "organizations", column("id"), column("name"), column("credit_code"), column("address"), column("version")
)
CASES_BEFORE = table(
    "cases",
    *(
        column(name)
        for name in (
            "id",
            "case_no",
            "kind",
            "organization_id",
            "enterprise_type",
            "rubric_id",
            "rubric_sha256",
            "headcount",
            "scope",
            "status",
            "committee_round",
            "created_at",
            "updated_at",
            "version",
        )
    ),
)


@pytest.fixture
def engine(db_path: Path | str) -> Iterator[Engine]:
    engine = create_engine(db_path if isinstance(db_path, str) else f"sqlite:///{db_path}")
    yield engine
    engine.dispose()


def _fill_before(engine: Engine) -> None:
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0005")
        conn.execute(
            insert(ORGANIZATIONS_BEFORE),
            [
                {"id": n, "name": name, "credit_code": f"91330106MA2{n:05d}X", "address": "", "version": 1}
                for n, name in enumerate(NAMES, start=1)
            ],
        )
        conn.execute(
            insert(CASES_BEFORE),
            [
                {
                    "id": n,
                    "case_no": f"AW2024-{n:05d}",
                    "kind": "initial",
                    "organization_id": (n % len(NAMES)) + 1,
                    "enterprise_type": "production",
                    "rubric_id": "sbt10401-2006-production",
                    "rubric_sha256": "0" * 64,
                    "headcount": 10,
                    "scope": "售后服务",
                    "status": "draft",
                    "committee_round": 1,
                    "created_at": WHEN.replace(tzinfo=None),
                    "updated_at": WHEN.replace(tzinfo=None),
                    "version": 1,
                }
                for n in range(1, 9)
            ],
        )


def _upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), revision)


def _names_found(db_path: Path | str, term: str) -> set[str]:
    services = Services.open(db_path, hasher=FAST_HASHER)
    try:
        return {c.organization.name for c in services.cases.list(search=term)}
    finally:
        services.close()


def _stored_pinyin(engine: Engine) -> dict[str, tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, name_pinyin, name_initials FROM organizations")).all()
    return {name: (full, initials) for name, full, initials in rows}


def _search_objects(path: Path) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'case_search%' ORDER BY type, name"
        ).fetchall()
    finally:
        con.close()


def _pg_search_objects(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        indexes = conn.execute(
            text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_%search_grams'")
        ).scalars()
        functions = conn.execute(
            text("SELECT proname FROM pg_proc WHERE proname = 'aw_search_grams'")
        ).scalars()
        return {*indexes, *functions}


def test_upgrade_fills_the_pinyin_and_the_index(engine: Engine, db_path: Path | str) -> None:
    _fill_before(engine)
    _upgrade(engine)
    assert _stored_pinyin(engine) == {name: pinyin_keys(name) for name in NAMES}
    assert _names_found(db_path, "hzxh") == {"杭州西湖电器有限公司"}
    assert _names_found(db_path, "chongqing") == {"重庆长安汽车销售服务有限公司"}
    assert _names_found(db_path, "苏州") == {"苏州工业园区维修中心"}
    assert _names_found(db_path, "a200003") == {"ABC 电器"}  # 91330106MA200003X: credit code anywhere
    if engine.dialect.name == "sqlite":
        assert isinstance(db_path, Path)
        con = sqlite3.connect(db_path)
        try:
            indexed = sorted(con.execute(f"SELECT rowid, {m.CASE_SEARCH_COLUMNS} FROM case_search"))
            expected = sorted(
                (case_id, *(v + m.SEARCH_END for v in (name, code, case_no, *pinyin_keys(name))))
                for case_id, name, code, case_no in con.execute(
                    "SELECT c.id, o.name, o.credit_code, c.case_no FROM cases c "
                    "JOIN organizations o ON o.id = c.organization_id"
                )
            )
        finally:
            con.close()
        assert indexed == expected and len(expected) == 8
    else:
        assert _pg_search_objects(engine) == {
            "aw_search_grams",
            "ix_organizations_search_grams",
            "ix_cases_search_grams",
        }


@pytest.mark.sqlite_only
def test_the_index_is_the_same_after_0006_as_in_a_new_database(tmp_path: Path) -> None:
    migrated, new = tmp_path / "migrated.sqlite3", tmp_path / "new.sqlite3"
    engine = create_engine(f"sqlite:///{migrated}")
    _fill_before(engine)
    _upgrade(engine)
    engine.dispose()
    open_database(new).dispose()
    assert _search_objects(migrated) == _search_objects(new)


def test_down_to_0005_and_up_again(engine: Engine, db_path: Path | str) -> None:
    _fill_before(engine)
    _upgrade(engine)
    _downgrade(engine, "0005")
    with engine.connect() as conn:
        columns = {
            row[1] for row in conn.execute(text("SELECT * FROM organizations LIMIT 0")).cursor.description
        }
        assert columns.isdisjoint({"name_pinyin", "name_initials"})
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 8
    if engine.dialect.name == "sqlite":
        assert isinstance(db_path, Path)
        # As revision 0005 left it: the three-column index and its four triggers, current.
        objects = {(kind, name) for kind, name, _ in _search_objects(db_path)}
        assert ("table", "case_search_terms") not in objects
        assert {name for kind, name in objects if kind == "trigger"} == {
            "case_search_case_insert",
            "case_search_case_delete",
            "case_search_case_update",
            "case_search_organization_update",
        }
        con = sqlite3.connect(db_path)
        try:
            assert con.execute(
                "SELECT count(*) FROM case_search WHERE case_search MATCH '西湖电'"
            ).fetchone() == (2,)
        finally:
            con.close()
    else:
        assert _pg_search_objects(engine) == set()
    _upgrade(engine)
    assert _stored_pinyin(engine) == {name: pinyin_keys(name) for name in NAMES}
    assert _names_found(db_path, "hz") == {"杭州西湖电器有限公司"}
