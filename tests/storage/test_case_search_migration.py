"""Migration 0003: certificates.next_surveillance_on filled as the services compute it, and on SQLite
the case search index (FTS5 trigram) with its triggers, the same as a new database gets; down and up
again; nothing of the index where SQLite lacks the trigram tokenizer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, column, create_engine, insert, inspect, table, text

from audit_workbench.services import Services
from audit_workbench.services.cases import CaseQuery
from audit_workbench.services.certificates import surveillance_due
from audit_workbench.storage import models as m
from audit_workbench.storage.db import _alembic_config, open_database

from ..conftest import FAST_HASHER

WHEN = datetime(2024, 1, 1, tzinfo=UTC)
RUBRIC = "sbt10401-2006-production"

# (number, issued_on, expires_on, status, follow-up cases as (kind, status))
CERTIFICATES = (
    ("C-1", date(2024, 2, 29), date(2027, 2, 27), "valid", ()),  # 29 February: due 28 February
    (
        "C-2",
        date(2023, 5, 10),
        date(2026, 5, 9),
        "valid",
        (
            ("surveillance", "certified"),
            ("surveillance", "certified"),
            ("surveillance", "onsite_audit"),
            ("renewal", "certified"),
        ),
    ),  # two surveillances done: the third anniversary is past the expiry
    ("C-3", date(2023, 5, 10), date(2026, 5, 9), "suspended", (("surveillance", "certified"),)),
    ("C-4", date(2025, 1, 1), date(2027, 12, 31), "withdrawn", (("surveillance", "rejected"),)),
    ("C-5", date(2025, 6, 30), date(2025, 12, 31), "valid", ()),  # a short cycle: no surveillance
)


# The organisations table as it was at revision 0002 (the model has more columns since).
ORGANIZATIONS_0002 = table(
    "organizations", column("id"), column("name"), column("credit_code"), column("address"), column("version")
)
# The certificate columns of revision 0002 (later revisions add more, which an insert from the
# model's table would name).
CERTIFICATES_0002 = table(
    "certificates",
    *(
        column(name, m.Certificate.__table__.c[name].type)  # type: ignore[attr-defined]
        for name in (
            "id", "number", "year", "sequence", "case_id", "organization_id", "grade", "rubric_id",
            "scope", "issued_on", "expires_on", "status", "payload", "version",
        )
    ),
)  # fmt: skip


def _engine(db_path: Path | str) -> Iterator[Engine]:
    engine = create_engine(db_path if isinstance(db_path, str) else f"sqlite:///{db_path}")
    yield engine
    engine.dispose()


@pytest.fixture
def engine(db_path: Path | str) -> Iterator[Engine]:
    yield from _engine(db_path)


def _case(
    n: int, org_id: int, kind: str = "initial", status: str = "certified", parent: int | None = None
) -> dict[str, object]:
    return {
        "id": n,
        "case_no": f"AW2024-{n:05d}",
        "kind": kind,
        "organization_id": org_id,
        "parent_certificate_id": parent,
        "enterprise_type": "production",
        "rubric_id": RUBRIC,
        "rubric_sha256": "0" * 64,
        "headcount": 10,
        "scope": "售后服务",
        "status": status,
        "committee_round": 1,
        "created_at": WHEN,
        "updated_at": WHEN,
        "version": 1,
    }


def _fill_at_0002(engine: Engine) -> None:
    """Organisations, cases and certificates written at revision 0002 (before the new column)."""
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0002")
        conn.execute(
            insert(ORGANIZATIONS_0002),
            [
                {"id": n, "name": name, "credit_code": f"9144060{n:02d}MA00000X", "address": "", "version": 1}
                for n, name in enumerate(("佛山华康电器", "广州美华空调", 'Say "Hi" 服务'), start=1)
            ],
        )
        case_id = 0
        for cert_id, (number, issued, expires, status, follow) in enumerate(CERTIFICATES, start=1):
            org = cert_id % 3 + 1
            case_id += 1
            conn.execute(insert(m.Case.__table__), [_case(case_id, org)])  # type: ignore[arg-type]
            conn.execute(
                insert(CERTIFICATES_0002),
                [
                    {
                        "id": cert_id,
                        "number": number,
                        "year": issued.year,
                        "sequence": cert_id,
                        "case_id": case_id,
                        "organization_id": org,
                        "grade": "four_star",
                        "rubric_id": RUBRIC,
                        "scope": "售后服务",
                        "issued_on": issued,
                        "expires_on": expires,
                        "status": status,
                        "payload": "",
                        "version": 1,
                    }
                ],
            )
            for kind, case_status in follow:
                case_id += 1
                conn.execute(
                    insert(m.Case.__table__),  # type: ignore[arg-type]
                    [_case(case_id, org, kind, case_status, parent=cert_id)],
                )


def _expected_due() -> dict[str, date | None]:
    return {
        number: surveillance_due(issued, expires, sum(f == ("surveillance", "certified") for f in follow))
        for number, issued, expires, _, follow in CERTIFICATES
    }


def _search_objects(path: Path) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'case_search%' ORDER BY type, name"
        ).fetchall()
    finally:
        con.close()


def test_upgrade_fills_next_surveillance_and_the_search_index(engine: Engine, db_path: Path | str) -> None:
    _fill_at_0002(engine)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT number, next_surveillance_on FROM certificates")).all())
    stored = {k: date.fromisoformat(v) if isinstance(v, str) else v for k, v in stored.items()}
    assert stored == _expected_due()
    assert stored["C-1"] == date(2025, 2, 28) and stored["C-2"] is None and stored["C-3"] == date(2025, 5, 10)

    # The same as the certificate page computes it, for the certificates in force on a day.
    from audit_workbench.services.views import next_surveillance

    services = Services.open(db_path, hasher=FAST_HASHER)
    try:
        with services.read() as session:
            for cert in session.query(m.Certificate):
                today = date(2024, 6, 1)
                shown = next_surveillance(session, cert, today)
                if shown is not None or cert.status in ("valid", "suspended"):
                    assert cert.next_surveillance_on == shown, cert.number
        if engine.dialect.name == "sqlite":
            found = services.cases.list(search="华康电器")
            assert [c.organization.name for c in found] == ["佛山华康电器"] * 2
            found = services.cases.list(search='"Hi" 服')
            assert found and {c.organization.name for c in found} == {'Say "Hi" 服务'}
    finally:
        services.close()
    if engine.dialect.name == "sqlite":
        assert isinstance(db_path, Path)
        con = sqlite3.connect(db_path)
        try:
            indexed = sorted(
                (rowid, *(v.removesuffix(m.SEARCH_END) for v in values))
                for rowid, *values in con.execute("SELECT rowid, name, credit_code, case_no FROM case_search")
            )
            joined = sorted(
                con.execute(
                    "SELECT c.id, o.name, o.credit_code, c.case_no FROM cases c "
                    "JOIN organizations o ON o.id = c.organization_id"
                )
            )
        finally:
            con.close()
        assert indexed == joined and len(joined) == 11


@pytest.mark.sqlite_only
def test_the_index_is_the_same_from_the_migration_as_in_a_new_database(tmp_path: Path) -> None:
    migrated, new = tmp_path / "migrated.sqlite3", tmp_path / "new.sqlite3"
    for engine in _engine(migrated):
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
    open_database(new).dispose()
    objects = _search_objects(migrated)
    assert objects == _search_objects(new)
    assert {(kind, name) for kind, name, _ in objects} == {
        ("table", "case_search"),
        ("table", "case_search_terms"),
        *(("table", f"case_search_{p}") for p in ("config", "content", "data", "docsize", "idx")),
        ("trigger", "case_search_case_insert"),
        ("trigger", "case_search_case_delete"),
        ("trigger", "case_search_case_update"),
        ("trigger", "case_search_organization_update"),
    }


def test_down_to_0002_and_up_again(engine: Engine, db_path: Path | str) -> None:
    _fill_at_0002(engine)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0002")
    with engine.connect() as conn:
        assert not [t for t in inspect(conn).get_table_names() if t.startswith("case_search")]
        assert "next_surveillance_on" not in {c["name"] for c in inspect(conn).get_columns("certificates")}
        if engine.dialect.name == "sqlite":
            triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all()
            assert triggers == []
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 11  # the data stays
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT number, next_surveillance_on FROM certificates")).all()
        assert {k: date.fromisoformat(v) if isinstance(v, str) else v for k, v in rows} == _expected_due()
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("SELECT count(*) FROM case_search")).scalar() == 11


@pytest.mark.sqlite_only
def test_without_the_trigram_tokenizer_no_index_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SQLite older than 3.34: migration and new database make no index; the search scans."""
    monkeypatch.setattr(m, "fts5_trigram_available", lambda: False)
    old = tmp_path / "old.sqlite3"
    for engine in _engine(old):
        _fill_at_0002(engine)
    db = open_database(old)  # migrates to the head
    db.dispose()
    assert _search_objects(old) == []
    new = tmp_path / "new.sqlite3"
    open_database(new).dispose()
    assert _search_objects(new) == []
    services = Services.open(old, hasher=FAST_HASHER)
    try:
        assert [c.organization.name for c in services.cases.list(CaseQuery(search="华康电器"))] == [
            "佛山华康电器"
        ] * 2
        assert services.cases.count(CaseQuery(search="AW2024-0000")) == 9
    finally:
        services.close()
