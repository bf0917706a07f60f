"""The detail records of the store, mapped on first use: a case's materials, document review, scores,
evidence, special items and committee votes; people's competence and impartiality records; the
certificate change log; appeal panels; organisation versions, proposals and particulars; audit plans.

They share `models.Base` (one registry, one metadata) and are reached as `models.Material` and so on:
`models` imports this module the first time one of these names is read (`models.load_detail_models`).
Neither start page reads them, and mapping a class costs start-up time: declaring these 21 classes
and configuring their mappers took about 90 ms of every window start, for pages the user had not
opened yet. `load_detail_models` declares them while holding SQLAlchemy's configuration lock, so a
statement compiled on another thread meanwhile never meets one half declared.

No `from __future__ import annotations` here either (see `models`).
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, DecimalText, User, UTCDateTime, Versioned


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


class AppealPanelMember(Base):
    __tablename__ = "appeal_panel"
    __table_args__ = (UniqueConstraint("appeal_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


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
