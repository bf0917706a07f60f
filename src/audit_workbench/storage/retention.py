"""Retention: no record of a certification inside its retention period can be deleted.

The period is `retention_years` (a setting, default 6, never fewer), counted from:

- a certificate's expiry — the latest it can end; withdrawn or superseded ones are kept as long;
- a decided case's last change (`cases.updated_at` of a case in a decided state: approved, certified,
  not certified, rejected, withdrawn). The case row stores no decision date, and nothing changes a
  closed case after its decision but an appeal reopening it, which only lengthens the period: so
  this is the decision date or later, never earlier. A case without a certificate (refused,
  rejected, withdrawn) is kept so; a certified one as long as its certificate, at least.

What is retained (one rule per table, `_conditions` below; the same rules make the SQLite triggers
and the PostgreSQL function):

- the certificate, its certificate changes; the case that issued it, and any case following it up
  (surveillance, renewal: even in progress, the case row and its committee votes);
- every record of a retained case — a case that issued a certificate inside its period, or a
  decided case inside its period or following up a certificate inside its period: its materials and
  their files, team, document reviews and findings, scores, evidence, nonconformities, special items,
  committee votes, audit plan, witnessed audits. A case in progress (not decided, no certificate of
  its own) keeps none: its scores, files and team can be changed as the work goes on;
- the organisation of a retained case: its row, its history, its proposals, its CNCA particulars;
- complaints and appeals: those about a retained case or certificate, and every one still open or
  closed (decided) inside the period — they are the body's records of its handling; an appeal's
  panel once the appeal is decided (before, a panel may be replaced: each appointment is logged);
- CNCA report records: for the period after the report;
- the event log, every event, always. The log is one hash chain: deleting any event — a login or a
  user's change as much as a case's — breaks the verification of every event after it, the retained
  certifications' included; and who held which role when is itself a record of the decisions. The
  product never deletes an event; pruning a log needs a new, verifiable start, which does not exist.

Whatever path the delete takes (the services, a script, SQL by hand), a BEFORE DELETE trigger refuses
it (on PostgreSQL a TRUNCATE of a guarded table too) — inserts and updates fire nothing. On SQLite a
refused delete aborts with a constraint error, on PostgreSQL with SQLSTATE 23000; the services turn
it into a refusal (`retained`). Dropping the triggers is a deliberate act, outside every path of
the product.

Each migration that changes the set keeps its own (`SETS`): revision 0008 guarded certificates,
their changes, cases and committee votes; 0012 everything above. A later migration that rebuilds a
guarded table in SQLite batch mode loses its trigger and must install the set again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

RETENTION_SETTING = "retention_years"
DEFAULT_YEARS = 6
MESSAGE = "retention: a record of a certification inside its retention period cannot be deleted"
# The decided states of a case (core.workflow.CaseState; a test keeps them equal): frozen here, as
# the migration that installs them must stay as it was.
DECIDED_STATES = ("approved", "certified", "not_certified", "rejected", "withdrawn")
PG_FUNCTION = "aw_retention_guard"


@dataclass(frozen=True)
class _Dialect:
    """How a rule says "the deleted row" and "a date inside the period" in one database."""

    old: str
    within: Callable[[str], str]


_SQLITE_YEARS = f"COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = '{RETENTION_SETTING}'), {DEFAULT_YEARS})"
_SQLITE = _Dialect("old", lambda col: f"date({col}, '+' || {_SQLITE_YEARS} || ' years') >= date('now')")
# `years` is the PL/pgSQL function's variable, read once per delete
_PG = _Dialect("OLD", lambda col: f"CAST({col} AS date) + make_interval(years => years) >= current_date")


def _conditions_0008(d: _Dialect) -> dict[str, str]:
    """Revision 0008: a certificate inside its period holds itself, its changes, its case and
    follow-up cases and their committee votes."""
    o = d.old
    held = d.within("c.expires_on")
    where = {
        "certificates": f"c.id = {o}.id",
        "certificate_changes": f"c.id = {o}.certificate_id",
        "cases": f"c.case_id = {o}.id OR c.id = {o}.parent_certificate_id",
        "committee_votes": (
            "c.id IN (SELECT c2.id FROM cases k JOIN certificates c2 "
            f"ON c2.case_id = k.id OR c2.id = k.parent_certificate_id WHERE k.id = {o}.case_id)"
        ),
    }
    return {
        table: f"EXISTS (SELECT 1 FROM certificates c WHERE ({w}) AND {held})" for table, w in where.items()
    }


# Tables whose rows belong to one case by their case_id (with the case they are retained).
_CASE_RECORDS = (
    "materials",
    "audit_team",
    "document_reviews",
    "indicator_scores",
    "evidence",
    "nonconformities",
    "special_items",
    "audit_plans",
    "witnessed_audits",
)


def _conditions(d: _Dialect) -> dict[str, str]:
    """Revision 0012: every record of a certification (see the module's docstring)."""
    o, within = d.old, d.within
    decided = ", ".join(f"'{state}'" for state in DECIDED_STATES)
    # a case (alias k) whose records are retained
    held_case = (
        f"EXISTS (SELECT 1 FROM certificates c WHERE c.case_id = k.id AND {within('c.expires_on')}) "
        f"OR (k.status IN ({decided}) AND ({within('k.updated_at')} OR EXISTS (SELECT 1 FROM certificates c "
        f"WHERE c.id = k.parent_certificate_id AND {within('c.expires_on')})))"
    )

    def case(case_id: str) -> str:
        return f"EXISTS (SELECT 1 FROM cases k WHERE k.id = {case_id} AND ({held_case}))"

    def certificate(certificate_id: str) -> str:
        return f"EXISTS (SELECT 1 FROM certificates c WHERE c.id = {certificate_id} AND {within('c.expires_on')})"

    def organization(organization_id: str) -> str:
        return f"EXISTS (SELECT 1 FROM cases k WHERE k.organization_id = {organization_id} AND ({held_case}))"

    def appeal(a: str) -> str:
        return f"{case(f'{a}.case_id')} OR {certificate(f'{a}.certificate_id')}"

    return {
        "events": "1 = 1",
        "certificates": certificate(f"{o}.id"),
        "certificate_changes": certificate(f"{o}.certificate_id"),
        "cases": f"{case(f'{o}.id')} OR {certificate(f'{o}.parent_certificate_id')}",
        # as in 0008: the votes of a follow-up case even in progress
        "committee_votes": (
            f"{case(f'{o}.case_id')} OR EXISTS (SELECT 1 FROM cases k JOIN certificates c "
            f"ON c.id = k.parent_certificate_id WHERE k.id = {o}.case_id AND {within('c.expires_on')})"
        ),
        **{table: case(f"{o}.case_id") for table in _CASE_RECORDS},
        "material_files": case(f"(SELECT m.case_id FROM materials m WHERE m.id = {o}.material_id)"),
        "review_findings": case(f"(SELECT r.case_id FROM document_reviews r WHERE r.id = {o}.review_id)"),
        "organizations": organization(f"{o}.id"),
        **{
            table: organization(f"{o}.organization_id")
            for table in ("organization_versions", "organization_proposals", "organization_particulars")
        },
        "complaints": f"{case(f'{o}.case_id')} OR {o}.closed_at IS NULL OR {within(f'{o}.closed_at')}",
        "appeals": f"{appeal(o)} OR {o}.decided_at IS NULL OR {within(f'{o}.decided_at')}",
        "appeal_panel": (
            f"EXISTS (SELECT 1 FROM appeals a WHERE a.id = {o}.appeal_id AND a.decided_at IS NOT NULL "
            f"AND ({appeal('a')} OR {within('a.decided_at')}))"
        ),
        "cnca_reported": within(f"{o}.reported_at"),
    }


# revision -> its rules; install_retention and drop_retention take the revision (default: the newest)
SETS: dict[str, Callable[[_Dialect], dict[str, str]]] = {"0008": _conditions_0008, "0012": _conditions}
CURRENT = "0012"
# PostgreSQL's TRUNCATE fires no delete trigger: from 0012 a statement trigger refuses it on every
# guarded table (it takes every row at once, retained or not; the product never truncates). SQLite
# has no TRUNCATE, and a `DELETE FROM t` without WHERE fires the delete triggers when there are any.
_TRUNCATE_GUARDED = frozenset({"0012"})


def tables(revision: str = CURRENT) -> tuple[str, ...]:
    """The tables a revision's set guards."""
    return tuple(SETS[revision](_SQLITE))


def triggers(dialect: str, revision: str = CURRENT) -> tuple[tuple[str, str], ...]:
    """The (trigger, table) pairs a revision's set installs in a database."""
    if dialect not in ("sqlite", "postgresql"):
        return ()
    pairs = [(f"retention_{table}", table) for table in tables(revision)]
    if dialect == "postgresql" and revision in _TRUNCATE_GUARDED:
        pairs += [(f"retention_truncate_{table}", table) for table in tables(revision)]
    return tuple(pairs)


def sqlite_ddl(revision: str = CURRENT) -> tuple[str, ...]:
    return tuple(
        f"CREATE TRIGGER retention_{table} BEFORE DELETE ON {table} "
        f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        for table, condition in SETS[revision](_SQLITE).items()
    )


def pg_ddl(revision: str = CURRENT) -> tuple[str, ...]:
    conditions = SETS[revision](_PG)
    branches = " ".join(
        f"{'IF' if n == 0 else 'ELSIF'} TG_TABLE_NAME = '{table}' THEN held := ({condition});"
        for n, (table, condition) in enumerate(conditions.items())
    )
    truncate = revision in _TRUNCATE_GUARDED
    return (
        f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE years int; held boolean; "
        f"BEGIN SELECT COALESCE((SELECT value::int FROM settings WHERE key = '{RETENTION_SETTING}'), "
        f"{DEFAULT_YEARS}) INTO years; "
        + ("IF TG_OP = 'TRUNCATE' THEN held := true; ELS" if truncate else "")
        + f"{branches} ELSE held := false; END IF; "
        f"IF held THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000'; END IF; "
        "RETURN OLD; END $$",
        *(
            f"CREATE TRIGGER retention_{table} BEFORE DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
            for table in conditions
        ),
        *(
            f"CREATE TRIGGER retention_truncate_{table} BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
            for table in (conditions if truncate else ())
        ),
    )


def drop_ddl(dialect: str, revision: str = CURRENT) -> tuple[str, ...]:
    """The statements that remove a revision's triggers (and on PostgreSQL their function)."""
    on = dialect == "postgresql"
    statements = [
        f"DROP TRIGGER IF EXISTS {name}{f' ON {table}' if on else ''}"
        for name, table in triggers(dialect, revision)
    ]
    if on:
        statements.append(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    return tuple(statements)


def install_retention(connection: Connection, revision: str = CURRENT) -> None:
    """Create the retention triggers (SQLite, PostgreSQL; elsewhere nothing)."""
    name = connection.dialect.name
    for statement in (
        sqlite_ddl(revision) if name == "sqlite" else pg_ddl(revision) if name == "postgresql" else ()
    ):
        connection.exec_driver_sql(statement)


def drop_retention(connection: Connection, revision: str = CURRENT) -> None:
    for statement in drop_ddl(connection.dialect.name, revision):
        connection.exec_driver_sql(statement)
