"""SQLAlchemy 2.0 typed models: the tables of the store.

Points, days and money are kept as exact decimal text (never binary floats). Tables that people edit
concurrently carry a `version` column used by SQLAlchemy's optimistic version check, so a
conflicting save is refused instead of silently overwriting another user's work.

No `from __future__ import annotations` here: with it every `Mapped[...]` annotation is a string that
SQLAlchemy evaluates when the class is mapped (some 300 of them, about 10 ms of every start).

Only the tables a start page, the login and the event log read are declared here. The detail records
(a case's materials, reviews, scores and votes; people's competence and impartiality records; the
certificate change log; ...) are in `detail_models`, declared and configured the first time one of
them is named as `models.Material` and so on (`load_detail_models`, at the end of this module).
Declaring the 34 classes and configuring their mappers took some 0.19 s of the window's start; the
13 here take about half of that (tests/storage/test_detail_models.py checks that no start page names
the others).
"""

import importlib
import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    bindparam,
    event,
    select,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..core.casesearch import pinyin_keys

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text, the same on SQLite and PostgreSQL."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: str | None, dialect: object) -> Decimal | None:
        return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are always UTC-aware in Python and stored naive-UTC (portable across backends)."""

    impl = DateTime()
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use UTC-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Versioned:
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class User(Versioned, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[str] = mapped_column(String(128))  # comma-separated Role values, sorted
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class RoleGrant(Base):
    """A role given to a user: by whom and when. Where four eyes are needed (core.grants) the grant
    waits (`pending`) until a second admin approves it; only then does the user hold the role."""

    __tablename__ = "role_grants"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # None: given before grants were recorded (migration 0009) or by the demo's setup
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # granted | pending | approved
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class SigningKey(Base):
    """A public key of the certification body. Every key it ever signed with is kept, so certificates
    and log checkpoints signed before a rotation — or before the private key was lost — still verify;
    verifying never needs the private key. The private key of the current key (the one not retired)
    is kept in the settings, encrypted with a passphrase that lives outside the database."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(80), unique=True)  # SHA-256 of the raw key, grouped
    public_key: Mapped[str] = mapped_column(Text)  # PEM SubjectPublicKeyInfo
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    origin: Mapped[str] = mapped_column(String(16))  # generated, rotated, recovered
    # The signature of this key's raw public bytes by the key it replaced (base64url), when that one
    # could still sign: a chain from the first key to the current one.
    endorsement: Mapped[str] = mapped_column(Text, default="")


def _pinyin_default(part: int) -> Callable[[Any], str]:
    """The default of a pinyin column on INSERT (Core statements too): from the row's name."""

    def default(context: Any) -> str:
        return pinyin_keys(str(context.get_current_parameters().get("name") or ""))[part]

    return default


class Organization(Versioned, Base):
    """An applicant, identified by its unified social credit code. `name`, `address` and `contact`
    are the current values; every value each held, from when, set by whom and why, is in
    `organization_versions`. A certificate keeps the name and address it certified."""

    __tablename__ = "organizations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    # The name's full pinyin and its initials (core.casesearch.pinyin_keys), for the case search:
    # written with the name (see _name_set and refresh_search_keys at the end of this module).
    name_pinyin: Mapped[str] = mapped_column(Text, default=_pinyin_default(0), server_default="")
    name_initials: Mapped[str] = mapped_column(String(200), default=_pinyin_default(1), server_default="")
    # contact person and telephone; the server default is what migration 0007 gave existing rows
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class Case(Versioned, Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="initial")
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    parent_certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", use_alter=True), nullable=True, index=True
    )
    enterprise_type: Mapped[str] = mapped_column(String(16))
    rubric_id: Mapped[str] = mapped_column(String(64), index=True)
    rubric_sha256: Mapped[str] = mapped_column(String(64))
    headcount: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24), index=True)
    contract_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fee: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    document_days: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    onsite_days: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    days_override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    committee_round: Mapped[int] = mapped_column(Integer, default=1)
    conclusion_summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    recommended_total: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    recommended_grade: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decided_grade: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The dashboard's work queue: cases in given states, the longest-waiting first, and their count.
    __table_args__ = (Index("ix_cases_status_updated_at", "status", "updated_at"),)
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012

    organization: Mapped[Organization] = relationship(lazy="joined")


class TeamMember(Base):
    __tablename__ = "audit_team"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class Nonconformity(Versioned, Base):
    __tablename__ = "nonconformities"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    corrective_action: Mapped[str | None] = mapped_column(Text, nullable=True)
    raised_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The dashboard's overdue list: the open ones by deadline, without reading the closed ones.
    __table_args__ = (Index("ix_nonconformities_status_deadline", "status", "deadline", "case_id"),)
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class Certificate(Versioned, Base):
    __tablename__ = "certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    grade: Mapped[str] = mapped_column(String(16))
    rubric_id: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    # The next annual surveillance of the certificate's cycle: the first anniversary of `issued_on`
    # not yet covered by a certified surveillance case, or NULL when that falls on or after
    # `expires_on`. Kept by the certificate service (issue, surveillance certified); whatever the
    # status, so the dashboard selects due certificates by index instead of computing every one.
    next_surveillance_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="valid")
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), nullable=True)
    payload: Mapped[str] = mapped_column(Text, default="")  # signed QR payload
    # The organisation as certified: exactly the name and address the signed payload holds (the
    # organisation's own record may have moved on; a certificate change re-issues in-force ones).
    organization_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    organization_address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    reissued_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # the last certificate change
    # The surveillance clock: what its annual surveillances count from ("decision": the committee's
    # certification decision, "issue": the issue date; a setting when it was issued) and that date.
    surveillance_basis: Mapped[str | None] = mapped_column(String(16), nullable=True)
    surveillance_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The reason code (resources/certificate-status-reasons.yaml) of the suspension or withdrawal in
    # force, and the day a suspension ends (unresolved after it, the sweep withdraws the certificate).
    status_reason_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    suspended_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        # The dashboard's certificates in force (due for expiry or surveillance, per grade), read
        # from the index alone.
        Index("ix_certificates_in_force", "status", "expires_on", "next_surveillance_on", "grade", "number"),
    )
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012

    organization: Mapped[Organization] = relationship(lazy="joined")


# -- people and impartiality (ISO/IEC 17065 §4.2, §6.1) ---------------------------------------------


# -- complaints and appeals (ISO/IEC 17065 §7.13) -----------------------------------------------------


class Complaint(Versioned, Base):
    """A complaint (投诉) in the register: what, from whom, about which case (if any), who investigates
    it and how it ended. Its deadlines are fixed in working days when it is received."""

    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # core.complaints.ComplaintKind
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))  # the complainant, as they named themselves
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # core.complaints.ComplaintState
    received_on: Mapped[date] = mapped_column(Date)
    acknowledge_by: Mapped[date] = mapped_column(Date)
    resolve_by: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    investigator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class Appeal(Versioned, Base):
    """An appeal (申诉) against a decision on a case or its certificate, decided by a panel."""

    __tablename__ = "appeals"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), nullable=True)
    subject: Mapped[str] = mapped_column(String(16))  # core.complaints.AppealSubject
    grounds: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # core.complaints.AppealState
    decision_on: Mapped[date] = mapped_column(Date)  # the day of the decision appealed against
    received_on: Mapped[date] = mapped_column(Date)
    decide_by: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # core.complaints.AppealOutcome
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


# -- the regulator's monthly report (CNCA) ----------------------------------------------------------


class CncaReported(Base):
    """A reportable event (by its log sequence number) and the month's report file it went into."""

    __tablename__ = "cnca_reported"
    event_seq: Mapped[int] = mapped_column(ForeignKey("events.seq"), primary_key=True, autoincrement=False)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM of the file
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_by: Mapped[str] = mapped_column(String(64))


class Event(Base):
    """One entry of the append-only, hash-chained audit trail."""

    __tablename__ = "events"
    # The CNCA reminder and the monthly report read the log by action and time (migration 0013).
    __table_args__ = (Index("ix_events_action_at", "action", "at"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # ISO-8601 UTC text: hashed exactly as stored
    user_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[str] = mapped_column(Text)  # canonical JSON
    after: Mapped[str] = mapped_column(Text)  # canonical JSON
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# -- the case search index ----------------------------------------------------------------------
#
# What the search finds is said in core.casesearch. The database answers it from an index:
#
# SQLite (3.34+, FTS5 with the trigram tokenizer): `case_search`, one row per case (rowid = cases.id)
# holding the organisation's name, credit code, name pinyin and initials and the case number, each
# followed by SEARCH_END (two U+001F characters, which no term holds), kept current by triggers. A
# term of 3 characters or more is a trigram phrase (MATCH). A term of 1 or 2 characters is served by
# the same index through its vocabulary `case_search_terms` (fts5vocab, one row per token occurrence):
# a case holds the term where some trigram starts with it, and thanks to SEARCH_END every character
# of every column starts a trigram. Without FTS5 trigrams there is no table and the search scans.
#
# PostgreSQL: GIN indexes on the 1- and 2-character grams of the same columns (ASCII letters in lower
# case), through the function `aw_search_grams(VARIADIC text[])`, no extension needed. A term of 1 or 2
# characters is one gram; a longer one, all of its 2-grams (the candidates hold them all).
#
# None of these objects is part of `Base.metadata`: migration 0006 makes them in existing databases
# and `create_all` (a new database) through the event at the end of this module. A later migration
# that rebuilds `cases` or `organizations` (batch mode on SQLite) drops their triggers and must make
# them again (CASE_SEARCH_DDL).

CASE_SEARCH = "case_search"
CASE_SEARCH_TERMS = "case_search_terms"
# The virtual tables and the shadow tables FTS5 keeps its index in (not models: schema comparisons skip them).
CASE_SEARCH_TABLES = frozenset(
    {
        CASE_SEARCH,
        CASE_SEARCH_TERMS,
        *(f"{CASE_SEARCH}_{part}" for part in ("data", "idx", "content", "docsize", "config")),
    }
)
# Appended to every indexed column: the last characters of a value start trigrams too.
SEARCH_END = "\x1f\x1f"
_END = "char(31, 31)"
CASE_SEARCH_COLUMNS = "name, credit_code, case_no, name_pinyin, name_initials"


def _indexed(org: str, case_no: str) -> str:
    return (
        f"{org}.name || {_END}, {org}.credit_code || {_END}, {case_no} || {_END}, "
        f"{org}.name_pinyin || {_END}, {org}.name_initials || {_END}"
    )


CASE_SEARCH_DDL: tuple[str, ...] = (
    f"CREATE VIRTUAL TABLE case_search USING fts5({CASE_SEARCH_COLUMNS}, tokenize='trigram')",
    "CREATE VIRTUAL TABLE case_search_terms USING fts5vocab(case_search, 'instance')",
    "CREATE TRIGGER case_search_case_insert AFTER INSERT ON cases BEGIN "
    f"INSERT INTO case_search (rowid, {CASE_SEARCH_COLUMNS}) "
    f"SELECT new.id, {_indexed('o', 'new.case_no')} FROM organizations o WHERE o.id = new.organization_id; "
    "END",
    "CREATE TRIGGER case_search_case_delete AFTER DELETE ON cases BEGIN "
    "DELETE FROM case_search WHERE rowid = old.id; "
    "END",
    "CREATE TRIGGER case_search_case_update AFTER UPDATE OF id, case_no, organization_id ON cases BEGIN "
    "DELETE FROM case_search WHERE rowid = old.id; "
    f"INSERT INTO case_search (rowid, {CASE_SEARCH_COLUMNS}) "
    f"SELECT new.id, {_indexed('o', 'new.case_no')} FROM organizations o WHERE o.id = new.organization_id; "
    "END",
    "CREATE TRIGGER case_search_organization_update "
    "AFTER UPDATE OF name, credit_code, name_pinyin, name_initials ON organizations BEGIN "
    "DELETE FROM case_search WHERE rowid IN (SELECT id FROM cases WHERE organization_id = old.id); "
    f"INSERT INTO case_search (rowid, {CASE_SEARCH_COLUMNS}) "
    f"SELECT c.id, {_indexed('new', 'c.case_no')} FROM cases c WHERE c.organization_id = new.id; "
    "END",
)
CASE_SEARCH_TRIGGERS = (
    "case_search_case_insert",
    "case_search_case_delete",
    "case_search_case_update",
    "case_search_organization_update",
)
CASE_SEARCH_FILL = (
    f"INSERT INTO case_search (rowid, {CASE_SEARCH_COLUMNS}) "
    f"SELECT c.id, {_indexed('o', 'c.case_no')} FROM cases c JOIN organizations o ON o.id = c.organization_id"
)

SEARCH_GRAMS_FUNCTION = "aw_search_grams"
# ASCII letters folded exactly as core.casesearch.fold does (translate, not lower(): lower() follows
# the database's locale and folds other scripts too).
_PG_FOLD = "translate(part, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
SEARCH_GRAMS_DDL: tuple[str, ...] = (
    # PL/pgSQL (installed in every database since PostgreSQL 9.0): as a plain SQL function it took
    # 0.9 ms a name, 56 µs so; its cost (in cpu_operator_cost units) says so to the planner, which
    # then reads the GIN index instead of computing it for every row. GIN takes each key once.
    f"CREATE OR REPLACE FUNCTION {SEARCH_GRAMS_FUNCTION}(VARIADIC parts text[]) RETURNS text[] "
    "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$ "
    "DECLARE grams text[] := '{}'; part text; folded text; size int; "
    "BEGIN FOREACH part IN ARRAY parts LOOP "
    f"CONTINUE WHEN part IS NULL; folded := {_PG_FOLD}; size := length(folded); "
    "FOR i IN 1..size LOOP grams := grams || substr(folded, i, 1); "
    "IF i < size THEN grams := grams || substr(folded, i, 2); END IF; END LOOP; "
    "END LOOP; RETURN grams; END $$",
    "CREATE INDEX IF NOT EXISTS ix_organizations_search_grams ON organizations USING gin "
    f"({SEARCH_GRAMS_FUNCTION}(name, credit_code, name_pinyin, name_initials))",
    f"CREATE INDEX IF NOT EXISTS ix_cases_search_grams ON cases USING gin ({SEARCH_GRAMS_FUNCTION}(case_no))",
)
SEARCH_GRAMS_INDEXES = ("ix_organizations_search_grams", "ix_cases_search_grams")


def is_case_search_table(name: str | None) -> bool:
    """Whether a table belongs to the case search index (for schema comparisons and autogenerate)."""
    return name in CASE_SEARCH_TABLES


def is_case_search_index(name: str | None) -> bool:
    """Whether an index is one of the search's expression indexes (PostgreSQL; not in the models)."""
    return name in SEARCH_GRAMS_INDEXES


@cache
def fts5_trigram_available() -> bool:
    """Whether this process's SQLite can make an FTS5 table with the trigram tokenizer (3.34+)."""
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='trigram')")
        con.execute("CREATE VIRTUAL TABLE probe_terms USING fts5vocab(probe, 'instance')")
        return True
    except sqlite3.Error:
        return False
    finally:
        con.close()


def install_case_search(connection: Connection) -> bool:
    """Create the case search index (with its triggers on SQLite) and fill it, where the database
    supports one. Returns whether the index is there afterwards. A database that has it is left alone.
    """
    if connection.dialect.name == "postgresql":
        for statement in SEARCH_GRAMS_DDL:
            connection.exec_driver_sql(statement)
        return True
    if connection.dialect.name != "sqlite":
        return False
    if connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (CASE_SEARCH,)
    ).first():
        return True
    if not fts5_trigram_available():
        return False
    for statement in CASE_SEARCH_DDL:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(CASE_SEARCH_FILL)
    return True


@event.listens_for(Base.metadata, "after_create")
def _create_case_search(_metadata: MetaData, connection: Connection, **_kw: object) -> None:
    install_case_search(connection)


@event.listens_for(Base.metadata, "after_create")
def _create_retention(_metadata: MetaData, connection: Connection, **_kw: object) -> None:
    from .retention import install_retention

    install_retention(connection)


# -- an organisation's pinyin follows its name ------------------------------------------------------


_GIVEN_KEYS = "_aw_given_search_keys"  # (name, full, initials) set by name_organization for the event


@event.listens_for(Organization.name, "set")
def _name_set(target: Organization, value: str | None, _old: object, _initiator: object) -> None:
    """Any name given to an organisation through the ORM (new, renamed, imported) brings its pinyin:
    the keys given with that very name by `name_organization`, or else computed."""
    given = target.__dict__.pop(_GIVEN_KEYS, None)
    if given is not None and given[0] == value:
        target.name_pinyin, target.name_initials = given[1], given[2]
    else:
        target.name_pinyin, target.name_initials = pinyin_keys(value or "")


def name_organization(org: Organization, name: str, keys: tuple[str, str] | None = None) -> None:
    """Give `org` the name `name` with its search keys: `keys` (full pinyin, initials) when the caller
    has them already as `core.casesearch.pinyin_keys` gave them elsewhere (a checkout carries the
    office's), else computed here. Computing loads pypinyin's dictionaries (about 55 MB, once per
    process); the package import passes the carried keys to keep its peak memory down."""
    if keys is not None:
        org.__dict__[_GIVEN_KEYS] = (name, keys[0], keys[1])
    org.name = name


def refresh_search_keys(connection: Connection, organization_ids: Iterable[int] | None = None) -> int:
    """Compute and store the pinyin of organisations' names (all of them, or those given) where it
    differs from what is stored: for names written with Core statements or plain SQL, which the ORM
    event above does not see. Returns how many organisations changed."""
    table = Organization.__table__
    assert isinstance(table, Table)
    stmt = select(table.c.id, table.c.name, table.c.name_pinyin, table.c.name_initials)
    if organization_ids is not None:
        ids = list(organization_ids)
        if not ids:
            return 0
        stmt = stmt.where(table.c.id.in_(ids))
    changes = [
        {"org_id": org_id, "full": full, "initials": initials}
        for org_id, name, stored_full, stored_initials in connection.execute(stmt)
        for full, initials in [pinyin_keys(name)]
        if (full, initials) != (stored_full, stored_initials)
    ]
    if changes:
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("org_id"))
            .values(name_pinyin=bindparam("full"), name_initials=bindparam("initials")),
            changes,
        )
    return len(changes)


# -- the detail records, mapped on first use (storage/detail_models.py) -----------------------------
DETAIL_MODELS = frozenset(
    {
        "OrganizationVersion",
        "OrganizationProposal",
        "Material",
        "Attachment",
        "MaterialFile",
        "DocumentReview",
        "ReviewFinding",
        "IndicatorScore",
        "Evidence",
        "SpecialItem",
        "CommitteeVote",
        "Person",
        "PersonArea",
        "TrainingRecord",
        "WitnessedAudit",
        "ImpartialityDeclaration",
        "DeclaredInterest",
        "CertificateChange",
        "AppealPanelMember",
        "OrganizationParticulars",
        "AuditPlan",
    }
)
_detail: list[ModuleType] = []  # the module, once declared and configured

if TYPE_CHECKING:  # the names as the type checker sees them; at run time, __getattr__ below
    from .detail_models import (  # noqa: F401
        AppealPanelMember,
        Attachment,
        AuditPlan,
        CertificateChange,
        CommitteeVote,
        DeclaredInterest,
        DocumentReview,
        Evidence,
        ImpartialityDeclaration,
        IndicatorScore,
        Material,
        MaterialFile,
        OrganizationParticulars,
        OrganizationProposal,
        OrganizationVersion,
        Person,
        PersonArea,
        ReviewFinding,
        SpecialItem,
        TrainingRecord,
        WitnessedAudit,
    )


def load_detail_models() -> ModuleType:
    """Declare and configure the detail models (once; any thread): `Base.metadata` then holds every
    table. Whatever needs all tables (creating a database, the migrations' comparison) calls this.

    The classes are declared and their mappers configured while SQLAlchemy's own configuration lock
    is held (declaring a class takes it too), so a statement compiled meanwhile on another thread
    waits, and never configures a mapper whose related class is not declared yet."""
    if _detail:
        return _detail[0]
    from sqlalchemy.orm import configure_mappers

    configuring = importlib.import_module("sqlalchemy.orm.mapper")._CONFIGURE_MUTEX  # an RLock
    with configuring:
        if not _detail:
            module = importlib.import_module(f"{__package__}.detail_models")
            configure_mappers()
            _detail.append(module)
    return _detail[0]


def __getattr__(name: str) -> Any:
    """`models.Material` and the other detail models (PEP 562): loaded when first named."""
    if name in DETAIL_MODELS:
        return getattr(load_detail_models(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
