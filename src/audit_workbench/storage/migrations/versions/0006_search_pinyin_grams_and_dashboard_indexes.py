"""Case search for one and two characters, pinyin and credit codes anywhere.

1. `organizations.name_pinyin` and `organizations.name_initials`: the full pinyin of the name and its
   initials (core.casesearch.pinyin_keys), filled here for every organisation.
2. SQLite with FTS5 trigrams: `case_search` made again with the pinyin columns and every value
   followed by two U+001F characters (so that every character starts a trigram), its vocabulary
   `case_search_terms` (fts5vocab, which serves terms of 1 and 2 characters) and its triggers.
3. PostgreSQL: the function `aw_search_grams` and GIN indexes on the 1- and 2-grams of the searched
   columns (no extension needed: pg_trgm would need CREATE EXTENSION, serves no term under 3
   characters and drops Chinese characters where the database's ctype is C).

4. The dashboard's indexes: cases by state and last change (the work queue), open nonconformities
   by deadline, and the certificates in force (status, expiry, next surveillance, grade, number), so
   that its lists and their counts read few or no table rows.

Adding columns leaves `cases` and `organizations` as they are on SQLite (ALTER TABLE ADD COLUMN);
going down rebuilds `organizations`, so the index as revision 0003 made it (0004 and 0005 left it
alone) and its triggers are made again afterwards.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from audit_workbench.core.casesearch import pinyin_keys
from audit_workbench.storage import models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen here as this revision makes them (the models may change later).
_END = "char(31, 31)"
_COLUMNS = "name, credit_code, case_no, name_pinyin, name_initials"


def _indexed(org: str, case_no: str) -> str:
    return (
        f"{org}.name || {_END}, {org}.credit_code || {_END}, {case_no} || {_END}, "
        f"{org}.name_pinyin || {_END}, {org}.name_initials || {_END}"
    )


CASE_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE case_search USING fts5({_COLUMNS}, tokenize='trigram')",
    "CREATE VIRTUAL TABLE case_search_terms USING fts5vocab(case_search, 'instance')",
    "CREATE TRIGGER case_search_case_insert AFTER INSERT ON cases BEGIN "
    f"INSERT INTO case_search (rowid, {_COLUMNS}) "
    f"SELECT new.id, {_indexed('o', 'new.case_no')} FROM organizations o WHERE o.id = new.organization_id; "
    "END",
    "CREATE TRIGGER case_search_case_delete AFTER DELETE ON cases BEGIN "
    "DELETE FROM case_search WHERE rowid = old.id; "
    "END",
    "CREATE TRIGGER case_search_case_update AFTER UPDATE OF id, case_no, organization_id ON cases BEGIN "
    "DELETE FROM case_search WHERE rowid = old.id; "
    f"INSERT INTO case_search (rowid, {_COLUMNS}) "
    f"SELECT new.id, {_indexed('o', 'new.case_no')} FROM organizations o WHERE o.id = new.organization_id; "
    "END",
    "CREATE TRIGGER case_search_organization_update "
    "AFTER UPDATE OF name, credit_code, name_pinyin, name_initials ON organizations BEGIN "
    "DELETE FROM case_search WHERE rowid IN (SELECT id FROM cases WHERE organization_id = old.id); "
    f"INSERT INTO case_search (rowid, {_COLUMNS}) "
    f"SELECT c.id, {_indexed('new', 'c.case_no')} FROM cases c WHERE c.organization_id = new.id; "
    "END",
)
CASE_SEARCH_FILL = (
    f"INSERT INTO case_search (rowid, {_COLUMNS}) "
    f"SELECT c.id, {_indexed('o', 'c.case_no')} FROM cases c JOIN organizations o ON o.id = c.organization_id"
)
TRIGGERS = (
    "case_search_case_insert",
    "case_search_case_delete",
    "case_search_case_update",
    "case_search_organization_update",
)
_PG_FOLD = "translate(part, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
SEARCH_GRAMS_DDL = (
    # PL/pgSQL (installed in every database since PostgreSQL 9.0): as a plain SQL function it took
    # 0.9 ms a name, 56 µs so; its cost (in cpu_operator_cost units) says so to the planner, which
    # then reads the GIN index instead of computing it for every row. GIN takes each key once.
    "CREATE OR REPLACE FUNCTION aw_search_grams(VARIADIC parts text[]) RETURNS text[] "
    "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$ "
    "DECLARE grams text[] := '{}'; part text; folded text; size int; "
    "BEGIN FOREACH part IN ARRAY parts LOOP "
    f"CONTINUE WHEN part IS NULL; folded := {_PG_FOLD}; size := length(folded); "
    "FOR i IN 1..size LOOP grams := grams || substr(folded, i, 1); "
    "IF i < size THEN grams := grams || substr(folded, i, 2); END IF; END LOOP; "
    "END LOOP; RETURN grams; END $$",
    "CREATE INDEX IF NOT EXISTS ix_organizations_search_grams ON organizations USING gin "
    "(aw_search_grams(name, credit_code, name_pinyin, name_initials))",
    "CREATE INDEX IF NOT EXISTS ix_cases_search_grams ON cases USING gin (aw_search_grams(case_no))",
)

# As revision 0003 made them (and 0004, 0005 left them), for going down.
_DDL_0003 = (
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
_FILL_0003 = (
    "INSERT INTO case_search (rowid, name, credit_code, case_no) "
    "SELECT c.id, o.name, o.credit_code, c.case_no FROM cases c JOIN organizations o ON o.id = c.organization_id"
)


def _drop_sqlite_search(conn: sa.Connection) -> bool:
    """Drop the case search index and its triggers; whether there was one."""
    had = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'case_search'").first() is not None
    for trigger in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.exec_driver_sql("DROP TABLE IF EXISTS case_search_terms")
    conn.exec_driver_sql("DROP TABLE IF EXISTS case_search")
    return had


def _fill_pinyin(conn: sa.Connection) -> None:
    organizations = sa.table(
        "organizations",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("name_pinyin", sa.Text),
        sa.column("name_initials", sa.String),
    )
    rows = conn.execute(sa.select(organizations.c.id, organizations.c.name)).all()
    values = [
        {"org_id": org_id, "full": keys[0], "initials": keys[1]}
        for org_id, name in rows
        for keys in [pinyin_keys(name)]
    ]
    if values:
        conn.execute(
            organizations.update()
            .where(organizations.c.id == sa.bindparam("org_id"))
            .values(name_pinyin=sa.bindparam("full"), name_initials=sa.bindparam("initials")),
            values,
        )


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_status_updated_at", ["status", "updated_at"], unique=False)
    with op.batch_alter_table("nonconformities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nonconformities_status_deadline", ["status", "deadline", "case_id"], unique=False
        )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_certificates_in_force",
            ["status", "expires_on", "next_surveillance_on", "grade", "number"],
            unique=False,
        )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_pinyin", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("name_initials", sa.String(length=200), server_default="", nullable=False)
        )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        # The index is made again after the pinyin is in: filling it row by row through the triggers
        # would rewrite every case's entry once per organisation.
        _drop_sqlite_search(conn)
        _fill_pinyin(conn)
        if models.fts5_trigram_available():
            for statement in CASE_SEARCH_DDL:
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql(CASE_SEARCH_FILL)
    else:
        _fill_pinyin(conn)
    if conn.dialect.name == "postgresql":
        for statement in SEARCH_GRAMS_DDL:
            conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_cases_search_grams")
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_organizations_search_grams")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS aw_search_grams(VARIADIC text[])")
    had = conn.dialect.name == "sqlite" and _drop_sqlite_search(conn)
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("name_initials")
        batch_op.drop_column("name_pinyin")
    if had:
        for statement in _DDL_0003:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(_FILL_0003)
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_in_force")
    with op.batch_alter_table("nonconformities", schema=None) as batch_op:
        batch_op.drop_index("ix_nonconformities_status_deadline")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_status_updated_at")
