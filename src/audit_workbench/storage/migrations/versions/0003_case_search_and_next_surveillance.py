"""The case search index (SQLite FTS5 trigram) and certificates.next_surveillance_on.

1. `certificates.next_surveillance_on` (indexed): the first anniversary of `issued_on` not yet
   covered by a certified surveillance case of the certificate, NULL when that is not before
   `expires_on`. Filled here for every certificate with the computation `services.views` uses, so
   the dashboard can select the certificates due by index.
2. On SQLite with FTS5 and the trigram tokenizer (3.34+), `case_search(name, credit_code, case_no)`
   with rowid = cases.id, filled from the cases and their organisations, and the triggers that keep
   it current. Elsewhere (PostgreSQL, an older SQLite) nothing is made and the case search scans.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

from audit_workbench.storage import models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen here as they were made by this revision (the models may change later).
CASE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE case_search USING fts5(name, credit_code, case_no, tokenize='trigram')",
    "CREATE TRIGGER case_search_case_insert AFTER INSERT ON cases BEGIN "
    "INSERT INTO case_search (rowid, name, credit_code, case_no) "
    "SELECT new.id, o.name, o.credit_code, new.case_no FROM organizations o WHERE o.id = new.organization_id; "
    "END",
    "CREATE TRIGGER case_search_case_delete AFTER DELETE ON cases BEGIN "
    "DELETE FROM case_search WHERE rowid = old.id; "
    "END",
    "CREATE TRIGGER case_search_case_update AFTER UPDATE OF id, case_no, organization_id ON cases BEGIN "
    "DELETE FROM case_search WHERE rowid = old.id; "
    "INSERT INTO case_search (rowid, name, credit_code, case_no) "
    "SELECT new.id, o.name, o.credit_code, new.case_no FROM organizations o WHERE o.id = new.organization_id; "
    "END",
    "CREATE TRIGGER case_search_organization_update AFTER UPDATE OF name, credit_code ON organizations BEGIN "
    "DELETE FROM case_search WHERE rowid IN (SELECT id FROM cases WHERE organization_id = old.id); "
    "INSERT INTO case_search (rowid, name, credit_code, case_no) "
    "SELECT c.id, new.name, new.credit_code, c.case_no FROM cases c WHERE c.organization_id = new.id; "
    "END",
)
CASE_SEARCH_FILL = (
    "INSERT INTO case_search (rowid, name, credit_code, case_no) "
    "SELECT c.id, o.name, o.credit_code, c.case_no FROM cases c JOIN organizations o ON o.id = c.organization_id"
)
CASE_SEARCH_TRIGGERS = (
    "case_search_case_insert",
    "case_search_case_delete",
    "case_search_case_update",
    "case_search_organization_update",
)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _next_surveillance(issued_on: date, expires_on: date, completed: int) -> date | None:
    due = _add_years(issued_on, completed + 1)
    return due if due < expires_on else None


def _fill_next_surveillance(conn: sa.Connection) -> None:
    certificates = sa.table(
        "certificates",
        sa.column("id", sa.Integer),
        sa.column("issued_on", sa.Date),
        sa.column("expires_on", sa.Date),
        sa.column("next_surveillance_on", sa.Date),
    )
    cases = sa.table(
        "cases",
        sa.column("parent_certificate_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("status", sa.String),
    )
    completed = (
        sa.select(sa.func.count())
        .select_from(cases)
        .where(
            cases.c.parent_certificate_id == certificates.c.id,
            cases.c.kind == "surveillance",
            cases.c.status == "certified",
        )
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(certificates.c.id, certificates.c.issued_on, certificates.c.expires_on, completed)
    ).all()
    values = [
        {"cert_id": cert_id, "due": _next_surveillance(issued, expires, int(done or 0))}
        for cert_id, issued, expires, done in rows
    ]
    values = [v for v in values if v["due"] is not None]
    if values:
        conn.execute(
            certificates.update()
            .where(certificates.c.id == sa.bindparam("cert_id"))
            .values(next_surveillance_on=sa.bindparam("due")),
            values,
        )


def upgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_surveillance_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_certificates_next_surveillance_on"), ["next_surveillance_on"], unique=False
        )
    conn = op.get_bind()
    _fill_next_surveillance(conn)
    if conn.dialect.name == "sqlite" and models.fts5_trigram_available():
        for statement in CASE_SEARCH_DDL:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(CASE_SEARCH_FILL)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for trigger in CASE_SEARCH_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.exec_driver_sql("DROP TABLE IF EXISTS case_search")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_next_surveillance_on"))
        batch_op.drop_column("next_surveillance_on")
