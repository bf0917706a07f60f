"""Retention: no record of a certification inside its retention period can be deleted.

A certificate is retained until `retention_years` (a setting, default 6, never fewer) after its
expiry — the latest it can end; withdrawn or superseded ones are kept as long. Database triggers
refuse a DELETE of, inside that period: the certificate, its certificate changes, the case that
issued it and its follow-up cases (surveillance, renewal), and their committee votes — whatever
path the delete takes (the services, a script, SQL by hand). On SQLite a refused delete aborts with
a constraint error, on PostgreSQL with SQLSTATE 23000; the services turn it into a refusal
(`retained`). Dropping the triggers is a deliberate act, outside every path of the product.
"""

from __future__ import annotations

from sqlalchemy import Connection

RETENTION_SETTING = "retention_years"
DEFAULT_YEARS = 6
MESSAGE = "retention: a record of a certification inside its retention period cannot be deleted"

# the tables guarded, and how a deleted row (OLD) reaches its certificates (alias c)
_SQLITE_YEARS = f"COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = '{RETENTION_SETTING}'), {DEFAULT_YEARS})"
_SQLITE_HELD = f"date(c.expires_on, '+' || {_SQLITE_YEARS} || ' years') >= date('now')"
_SQLITE_WHERE = {
    "certificates": "c.id = old.id",
    "certificate_changes": "c.id = old.certificate_id",
    "cases": "c.case_id = old.id OR c.id = old.parent_certificate_id",
    "committee_votes": (
        "c.id IN (SELECT c2.id FROM cases k JOIN certificates c2 "
        "ON c2.case_id = k.id OR c2.id = k.parent_certificate_id WHERE k.id = old.case_id)"
    ),
}
TABLES = tuple(_SQLITE_WHERE)
TRIGGERS = tuple(f"retention_{table}" for table in TABLES)

SQLITE_DDL: tuple[str, ...] = tuple(
    f"CREATE TRIGGER retention_{table} BEFORE DELETE ON {table} "
    f"WHEN EXISTS (SELECT 1 FROM certificates c WHERE ({where}) AND {_SQLITE_HELD}) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for table, where in _SQLITE_WHERE.items()
)

PG_FUNCTION = "aw_retention_guard"
_PG_WHERE = {table: where.replace("old.", "OLD.") for table, where in _SQLITE_WHERE.items()}
PG_DDL: tuple[str, ...] = (
    f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE years int; held boolean; "
    f"BEGIN SELECT COALESCE((SELECT value::int FROM settings WHERE key = '{RETENTION_SETTING}'), "
    f"{DEFAULT_YEARS}) INTO years; "
    + " ".join(
        f"{'IF' if n == 0 else 'ELSIF'} TG_TABLE_NAME = '{table}' THEN held := EXISTS (SELECT 1 FROM "
        f"certificates c WHERE ({where}) AND c.expires_on + make_interval(years => years) >= current_date);"
        for n, (table, where) in enumerate(_PG_WHERE.items())
    )
    + " ELSE held := false; END IF; "
    f"IF held THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000'; END IF; "
    "RETURN OLD; END $$",
    *(
        f"CREATE TRIGGER retention_{table} BEFORE DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
        for table in TABLES
    ),
)


def install_retention(connection: Connection) -> None:
    """Create the retention triggers (SQLite, PostgreSQL; elsewhere nothing)."""
    name = connection.dialect.name
    for statement in SQLITE_DDL if name == "sqlite" else PG_DDL if name == "postgresql" else ():
        connection.exec_driver_sql(statement)


def drop_retention(connection: Connection) -> None:
    name = connection.dialect.name
    if name not in ("sqlite", "postgresql"):
        return
    for table in TABLES:
        on = f" ON {table}" if name == "postgresql" else ""
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS retention_{table}{on}")
    if name == "postgresql":
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
