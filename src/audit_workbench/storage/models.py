"""SQLAlchemy 2.0 typed models: the tables of the store.

Points, days and money are kept as exact decimal text (never binary floats). Tables that people edit
concurrently carry a `version` column used by SQLAlchemy's optimistic version check, so a
conflicting save is refused instead of silently overwriting another user's work.

No `from __future__ import annotations` here: with it every `Mapped[...]` annotation is a string that
SQLAlchemy evaluates when the class is mapped (some 300 of them, about 10 ms of every start).
"""

import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

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


class OrganizationVersion(Base):
    """One value an organisation's particular (name, address, contact) held from a date on."""

    __tablename__ = "organization_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    field: Mapped[str] = mapped_column(String(16))  # name | address | contact
    value: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(64))  # user name ("system" for a migration)
    reason: Mapped[str] = mapped_column(Text, default="")


class OrganizationProposal(Base):
    """A name or address an application gave for an organisation already on record: proposed,
    never applied by the application; a clerk applies it (`org change`) or dismisses it."""

    __tablename__ = "organization_proposals"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)  # None: the name is not changed
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    proposed_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | applied | dismissed
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)


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


class Material(Base):
    __tablename__ = "materials"
    __table_args__ = (UniqueConstraint("case_id", "item_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    item_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="missing")  # missing | provided | not_applicable
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Attachment(Base):
    __tablename__ = "attachments"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MaterialFile(Base):
    __tablename__ = "material_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachments.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamMember(Base):
    __tablename__ = "audit_team"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class DocumentReview(Base):
    __tablename__ = "document_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    reviewer: Mapped[User] = relationship(lazy="joined")
    findings: Mapped[list["ReviewFinding"]] = relationship(
        order_by="ReviewFinding.id", lazy="selectin", cascade="all, delete-orphan"
    )


class ReviewFinding(Base):
    __tablename__ = "review_findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("document_reviews.id", ondelete="CASCADE"), index=True)
    category_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    text: Mapped[str] = mapped_column(Text)


class IndicatorScore(Versioned, Base):
    __tablename__ = "indicator_scores"
    __table_args__ = (UniqueConstraint("case_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    points: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    sampled: Mapped[int | None] = mapped_column(Integer, nullable=True)
    nonconforming: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str | None] = mapped_column(ForeignKey("attachments.sha256"), nullable=True)
    filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


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


class SpecialItem(Base):
    __tablename__ = "special_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # deduction | bonus
    reason: Mapped[str] = mapped_column(Text)
    nonconformity_id: Mapped[int | None] = mapped_column(ForeignKey("nonconformities.id"), nullable=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommitteeVote(Base):
    __tablename__ = "committee_votes"
    __table_args__ = (UniqueConstraint("case_id", "round", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))
    grade: Mapped[str | None] = mapped_column(String(16), nullable=True)
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")


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


class Person(Versioned, Base):
    """A user's record as a certification person: qualification, registration, identity, validity.

    The identity number is kept whole (the regulator's report needs it) and shown masked everywhere
    else; events record it masked."""

    __tablename__ = "people"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    qualification: Mapped[str] = mapped_column(String(16))  # core.people.Qualification
    registration_no: Mapped[str | None] = mapped_column(String(64), nullable=True)  # CCAA 注册号
    id_type: Mapped[str | None] = mapped_column(String(8), nullable=True)  # resources/id-types.yaml code
    id_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    full_time: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class PersonArea(Base):
    """A competence area of a person: a rubric id or an enterprise type."""

    __tablename__ = "person_areas"
    __table_args__ = (UniqueConstraint("user_id", "area"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("people.user_id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(64))


class TrainingRecord(Base):
    __tablename__ = "training_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    taken_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text)
    hours: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    provider: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WitnessedAudit(Base):
    """An audit at which a competent evaluator observed the person (17021-1 §7.2.4)."""

    __tablename__ = "witnessed_audits"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    witnessed_on: Mapped[date] = mapped_column(Date)
    witness: Mapped[str] = mapped_column(String(128))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))  # core.people.WitnessOutcome
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ImpartialityDeclaration(Base):
    """A person's signed annual impartiality declaration, pointing at the text that was signed."""

    __tablename__ = "impartiality_declarations"
    __table_args__ = (UniqueConstraint("user_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text_sha256: Mapped[str] = mapped_column(String(64))


class DeclaredInterest(Versioned, Base):
    """A person's declared interest in an organisation, by its credit code (it may not be a client
    yet): kind, period, risk, and for a medium risk the mitigation and who approved it."""

    __tablename__ = "declared_interests"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # core.people.InterestKind
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    risk: Mapped[str] = mapped_column(String(8))  # core.people.Risk
    mitigation: Mapped[str | None] = mapped_column(Text, nullable=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class CertificateChange(Base):
    """A certificate change (变更): the certificate re-issued under the same number and cycle with
    a new signature; `previous_payload` is what it superseded, `payload` what replaced it."""

    __tablename__ = "certificate_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # 变更类别代码, resources/certificate-changes.yaml
    reason: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)  # when the change took effect (e.g. the new licence)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_by: Mapped[str] = mapped_column(String(64))
    previous_name: Mapped[str] = mapped_column(String(200))
    previous_address: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    previous_payload: Mapped[str] = mapped_column(Text)
    previous_payload_sha256: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text)
    # A new grade after a surveillance audit (NULL: the grade did not change), and the case that gave it.
    previous_grade: Mapped[str | None] = mapped_column(String(16), nullable=True)
    grade: Mapped[str | None] = mapped_column(String(16), nullable=True)
    case_no: Mapped[str | None] = mapped_column(String(32), nullable=True)


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


class AppealPanelMember(Base):
    __tablename__ = "appeal_panel"
    __table_args__ = (UniqueConstraint("appeal_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


# -- the regulator's monthly report (CNCA) ----------------------------------------------------------


class OrganizationParticulars(Base):
    """What CNCA's report needs of an organisation beyond its name, address and contact: the
    organisation and district codes as confirmed (both derived from the credit code when empty),
    the GB/T 4754 industry and a phone number."""

    __tablename__ = "organization_particulars"
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    org_code: Mapped[str] = mapped_column(String(9), default="")
    district_code: Mapped[str] = mapped_column(String(6), default="")
    industry_code: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(64))


class AuditPlan(Base):
    """An audit's dates and mode (现场 / 远程 / 现场+远程) as planned and held, for the report."""

    __tablename__ = "audit_plans"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(8))  # onsite | remote | both (resources/cnca-codes.yaml)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(64))


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
