"""What the services hand out: frozen views of the records, built inside a session, safe outside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, cast

from sqlalchemy import BindParameter, Select, Table, bindparam, exists, select
from sqlalchemy.orm import Session

from ..core.errors import NotFound, Refused
from ..core.policy import CaseRelation, Part
from ..core.rubric import LoadedRubric
from ..core.scoring import IndicatorEntry, ScoreResult, compute
from ..core.workflow import CaseState, CertificateState
from ..storage import models as m
from .base import Services


@dataclass(frozen=True)
class OrganizationView:
    name: str
    credit_code: str
    address: str
    contact: str = ""


@dataclass(frozen=True)
class FileView:
    sha256: str
    filename: str


@dataclass(frozen=True)
class MaterialView:
    item_no: int
    name_zh: str
    name_en: str
    status: str  # missing | provided | not_applicable
    reason: str | None
    files: tuple[FileView, ...]


@dataclass(frozen=True)
class TeamMemberView:
    user_name: str
    display_name: str
    is_leader: bool


@dataclass(frozen=True)
class ReviewView:
    id: int
    reviewer: str
    outcome: str
    note: str
    created_at: datetime
    findings: tuple[tuple[str | None, str], ...]


@dataclass(frozen=True)
class EvidenceView:
    id: int
    code: str
    note: str
    file: FileView | None
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class NonconformityView:
    id: int
    code: str | None
    text: str
    deadline: date
    status: str
    corrective_action: str | None
    raised_by: str
    closed_by: str | None
    closed_at: datetime | None
    special: bool
    overdue: bool
    raised_at: datetime | None = None


@dataclass(frozen=True)
class SpecialItemView:
    id: int
    kind: str
    reason: str
    nonconformity_id: int | None


@dataclass(frozen=True)
class VoteView:
    user_name: str
    round: int
    decision: str
    grade: str | None
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class CertificateView:
    number: str
    case_no: str
    organization: OrganizationView
    grade: str
    rubric_id: str
    scope: str
    issued_on: date
    expires_on: date
    status: str  # effective: a valid certificate past its expiry reads "expired"
    status_reason: str | None
    payload: str
    next_surveillance: date | None
    version: int
    reissued_on: date | None = None  # the last certificate change that re-issued it
    status_reason_code: str | None = None  # of the suspension or withdrawal in force
    suspended_until: date | None = None  # the end of the suspension in force
    surveillance_basis: str | None = None  # "decision" or "issue": what its surveillances count from
    surveillance_from: date | None = None


@dataclass(frozen=True)
class CaseSummary:
    case_no: str
    kind: str
    status: str
    organization: OrganizationView
    enterprise_type: str
    rubric_id: str
    recommended_total: Decimal | None
    recommended_grade: str | None
    decided_grade: str | None
    updated_at: datetime


@dataclass(frozen=True)
class CaseDetail:
    case_no: str
    kind: str
    status: str
    version: int
    organization: OrganizationView
    enterprise_type: str
    rubric_id: str
    rubric_sha256: str
    rubric_changed: bool
    headcount: int
    scope: str
    contract_no: str | None
    fee: Decimal | None
    document_days: Decimal | None
    onsite_days: Decimal | None
    days_override_reason: str | None
    created_at: datetime
    materials: tuple[MaterialView, ...]
    team: tuple[TeamMemberView, ...]
    reviews: tuple[ReviewView, ...]
    entries: dict[str, IndicatorEntry]
    entry_versions: dict[str, int]
    score: ScoreResult
    evidence: tuple[EvidenceView, ...]
    nonconformities: tuple[NonconformityView, ...]
    special_items: tuple[SpecialItemView, ...]
    committee_round: int
    votes: tuple[VoteView, ...]  # of the current round
    conclusion_summary: str | None
    recommended_total: Decimal | None
    recommended_grade: str | None
    decided_grade: str | None
    certificate: CertificateView | None
    parent_certificate: str | None
    # The organisation's record now; `organization` is the same unless the case's certificate
    # certified a name or address the organisation has since changed (a certificate out of force).
    current_organization: OrganizationView | None = None
    # Everyone the case names (team, reviewers, evidence, nonconformities, votes): login → the name
    # people call them by, for the window and the documents (logins are not names).
    people: dict[str, str] = field(default_factory=dict)
    # Who ever took part in the evaluation (login → services.participation Part values): read where
    # an independent action (vote, issue) is open, else empty.
    participants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def person(self, login: str | None) -> str:
        return self.people.get(login or "", login or "")

    @property
    def awaiting_rectification(self) -> bool:
        return self.status == CaseState.onsite_audit and any(n.status == "open" for n in self.nonconformities)

    @property
    def team_leader(self) -> str | None:
        return next((t.user_name for t in self.team if t.is_leader), None)

    def relation_of(self, user_name: str) -> CaseRelation:
        member = any(t.user_name == user_name for t in self.team)
        leader = any(t.user_name == user_name and t.is_leader for t in self.team)
        reviewer = any(r.reviewer == user_name for r in self.reviews)
        parts = frozenset(Part(p) for p in self.participants.get(user_name, ()))
        return CaseRelation(team_member=member, team_leader=leader, document_reviewer=reviewer, parts=parts)


# -- loaders ---------------------------------------------------------------------------------------


def get_case_row(session: Session, case_no: str, *, lock: bool = False) -> m.Case:
    query = select(m.Case).where(m.Case.case_no == case_no)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=m.Case)
    case = session.scalar(query)
    if case is None:
        raise NotFound("case", case_no, "案件")
    return case


def org_view(org: m.Organization) -> OrganizationView:
    return OrganizationView(org.name, org.credit_code, org.address, org.contact)


def certified_org_view(cert: m.Certificate) -> OrganizationView:
    """The organisation as the certificate certified it: the name and address its payload holds."""
    return OrganizationView(
        cert.organization_name,
        cert.organization.credit_code,
        cert.organization_address,
        cert.organization.contact,
    )


def summary_view(case: m.Case) -> CaseSummary:
    return CaseSummary(
        case.case_no,
        case.kind,
        case.status,
        org_view(case.organization),
        case.enterprise_type,
        case.rubric_id,
        case.recommended_total,
        case.recommended_grade,
        case.decided_grade,
        case.updated_at,
    )


def user_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(m.User.id, m.User.name)).all())


def display_names(session: Session) -> dict[str, str]:
    """Every user's name as people call them, by login (the login when no name was given)."""
    return {
        name: display or name for name, display in session.execute(select(m.User.name, m.User.display_name))
    }


def effective_certificate_status(cert: m.Certificate, today: date) -> str:
    if cert.status in (CertificateState.valid, CertificateState.suspended) and today > cert.expires_on:
        return CertificateState.expired.value
    return cert.status


def sweep_due(on: date):  # type: ignore[no-untyped-def]
    """The certificates the surveillance clock acts on at `on`: in force (valid or suspended) and past
    their expiry, suspended past their suspension's end, or valid with their surveillance overdue."""
    c = m.Certificate
    return c.status.in_((CertificateState.valid.value, CertificateState.suspended.value)) & (
        (c.expires_on < on)
        | ((c.status == CertificateState.suspended.value) & (c.suspended_until < on))
        | ((c.status == CertificateState.valid.value) & (c.next_surveillance_on < on))
    )


def sweep_pending(session: Session, on: date) -> bool:
    """Whether the surveillance clock has anything to do at `on` (one indexed query: the window asks
    it at its opening without loading the signing machinery when there is nothing to do)."""
    return session.scalar(select(m.Certificate.id).where(sweep_due(on)).limit(1)) is not None


def next_surveillance(session: Session, cert: m.Certificate, today: date) -> date | None:
    """The next annual surveillance date: the first anniversary not yet covered by a certified
    surveillance, while the certificate is in force. The date is kept on the certificate
    (`next_surveillance_on`, set at issue and when a surveillance or renewal of it is certified)."""
    if effective_certificate_status(cert, today) not in (CertificateState.valid, CertificateState.suspended):
        return None
    return cert.next_surveillance_on


def certificate_view(session: Session, cert: m.Certificate, today: date) -> CertificateView:
    case_no = session.scalar(select(m.Case.case_no).where(m.Case.id == cert.case_id)) or ""
    return CertificateView(
        number=cert.number,
        case_no=case_no,
        organization=certified_org_view(cert),
        grade=cert.grade,
        rubric_id=cert.rubric_id,
        scope=cert.scope,
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        status=effective_certificate_status(cert, today),
        status_reason=cert.status_reason,
        payload=cert.payload,
        next_surveillance=next_surveillance(session, cert, today),
        version=cert.version,
        reissued_on=cert.reissued_on,
        status_reason_code=cert.status_reason_code,
        suspended_until=cert.suspended_until if cert.status == CertificateState.suspended else None,
        surveillance_basis=cert.surveillance_basis,
        surveillance_from=cert.surveillance_from,
    )


# Statements on the scoring path are built once, with bound parameters: building a statement
# costs more than running it on an indexed table. Those naming a detail table (storage.detail_models)
# are built on first use, so importing this module does not map the detail models.
_CASES = cast(Table, m.Case.__table__)
_USERS = cast(Table, m.User.__table__)
_TEAM = cast(Table, m.TeamMember.__table__)


@cache
def _entries() -> Select[str, Decimal | None, bool, str, str, bool, bool, int]:
    scores = cast(Table, m.IndicatorScore.__table__)
    return select(
        scores.c.code,
        scores.c.points,
        scores.c.not_applicable,
        scores.c.reason,
        scores.c.note,
        scores.c.sampled,
        scores.c.nonconforming,
        scores.c.version,
    ).where(scores.c.case_id == bindparam("case_id"))


@cache
def _special_kinds() -> Select[str]:
    specials = cast(Table, m.SpecialItem.__table__)
    return select(specials.c.kind).where(specials.c.case_id == bindparam("case_id"))


def entries_of(session: Session, case_id: int) -> tuple[dict[str, IndicatorEntry], dict[str, int]]:
    """The case's indicator entries and their versions, read as columns (no entities to track)."""
    session.flush()  # a Core statement does not autoflush: pending score changes are written first
    entries: dict[str, IndicatorEntry] = {}
    versions: dict[str, int] = {}
    for code, points, not_applicable, reason, note, sampled, nonconforming, version in session.execute(
        _entries(), {"case_id": case_id}
    ):
        entries[code] = IndicatorEntry(code, points, not_applicable, reason, note, sampled, nonconforming)
        versions[code] = version
    return entries, versions


def special_counts(session: Session, case_id: int) -> tuple[int, int]:
    session.flush()
    kinds = session.scalars(_special_kinds(), {"case_id": case_id}).all()
    return kinds.count("deduction"), kinds.count("bonus")


def rubric_for(services: Services, case: m.Case | CaseAccess) -> LoadedRubric:
    try:
        return services.rubrics.get(case.rubric_id)
    except KeyError:
        raise Refused(
            "rubric_missing",
            f"rubric {case.rubric_id} of case {case.case_no} is not installed",
            f"案件 {case.case_no} 的评价规则 {case.rubric_id} 未安装",
        ) from None


def score_of(services: Services, session: Session, case: m.Case) -> ScoreResult:
    loaded = rubric_for(services, case)
    entries, _ = entries_of(session, case.id)
    deductions, bonus = special_counts(session, case.id)
    return compute(loaded.rubric, entries, deductions, bonus)


def detail_view(services: Services, session: Session, case: m.Case) -> CaseDetail:
    names = user_names(session)
    today = services.today()
    loaded = rubric_for(services, case)
    files_by_material: dict[int, list[FileView]] = {}
    for material_id, sha, filename in session.execute(
        select(m.MaterialFile.material_id, m.MaterialFile.sha256, m.MaterialFile.filename)
        .join(m.Material, m.Material.id == m.MaterialFile.material_id)
        .where(m.Material.case_id == case.id)
        .order_by(m.MaterialFile.id)
    ):
        files_by_material.setdefault(material_id, []).append(FileView(sha, filename))
    materials = []
    for row in session.scalars(
        select(m.Material).where(m.Material.case_id == case.id).order_by(m.Material.item_no)
    ):
        item = services.materials.item(row.item_no)
        files = tuple(files_by_material.get(row.id, ()))
        materials.append(MaterialView(row.item_no, item.zh, item.en, row.status, row.reason, files))
    team = tuple(
        TeamMemberView(t.user.name, t.user.display_name, t.is_leader)
        for t in session.scalars(
            select(m.TeamMember)
            .where(m.TeamMember.case_id == case.id)
            .order_by(m.TeamMember.is_leader.desc(), m.TeamMember.id)
        )
    )
    reviews = tuple(
        ReviewView(
            r.id,
            r.reviewer.name,
            r.outcome,
            r.note,
            r.created_at,
            tuple((f.category_code, f.text) for f in r.findings),
        )
        for r in session.scalars(
            select(m.DocumentReview).where(m.DocumentReview.case_id == case.id).order_by(m.DocumentReview.id)
        )
    )
    entries, versions = entries_of(session, case.id)
    specials = session.scalars(
        select(m.SpecialItem).where(m.SpecialItem.case_id == case.id).order_by(m.SpecialItem.id)
    ).all()
    special_nc = {s.nonconformity_id for s in specials if s.nonconformity_id}
    deductions = sum(1 for s in specials if s.kind == "deduction")
    bonus = sum(1 for s in specials if s.kind == "bonus")
    score = compute(loaded.rubric, entries, deductions, bonus)
    evidence = tuple(
        EvidenceView(
            e.id,
            e.code,
            e.note,
            FileView(e.sha256, e.filename or "") if e.sha256 else None,
            names.get(e.added_by, "?"),
            e.added_at,
        )
        for e in session.scalars(
            select(m.Evidence).where(m.Evidence.case_id == case.id).order_by(m.Evidence.id)
        )
    )
    ncs = tuple(
        NonconformityView(
            n.id,
            n.code,
            n.text,
            n.deadline,
            n.status,
            n.corrective_action,
            names.get(n.raised_by, "?"),
            names.get(n.closed_by) if n.closed_by else None,
            n.closed_at,
            n.id in special_nc,
            n.status == "open" and n.deadline < today,
            n.raised_at,
        )
        for n in session.scalars(
            select(m.Nonconformity).where(m.Nonconformity.case_id == case.id).order_by(m.Nonconformity.id)
        )
    )
    votes = tuple(
        VoteView(v.user.name, v.round, v.decision, v.grade, v.comment, v.created_at)
        for v in session.scalars(
            select(m.CommitteeVote)
            .where(m.CommitteeVote.case_id == case.id, m.CommitteeVote.round == case.committee_round)
            .order_by(m.CommitteeVote.id)
        )
    )
    cert = session.scalar(select(m.Certificate).where(m.Certificate.case_id == case.id))
    parent = session.get(m.Certificate, case.parent_certificate_id) if case.parent_certificate_id else None
    current = org_view(case.organization)
    return CaseDetail(
        case_no=case.case_no,
        kind=case.kind,
        status=case.status,
        version=case.version,
        # A certified case shows its organisation as certified, as its certificate does.
        organization=certified_org_view(cert) if cert is not None else current,
        enterprise_type=case.enterprise_type,
        rubric_id=case.rubric_id,
        rubric_sha256=case.rubric_sha256,
        rubric_changed=loaded.sha256 != case.rubric_sha256,
        headcount=case.headcount,
        scope=case.scope,
        contract_no=case.contract_no,
        fee=case.fee,
        document_days=case.document_days,
        onsite_days=case.onsite_days,
        days_override_reason=case.days_override_reason,
        created_at=case.created_at,
        materials=tuple(materials),
        team=team,
        reviews=reviews,
        entries=entries,
        entry_versions=versions,
        score=score,
        evidence=evidence,
        nonconformities=ncs,
        special_items=tuple(SpecialItemView(s.id, s.kind, s.reason, s.nonconformity_id) for s in specials),
        committee_round=case.committee_round,
        votes=votes,
        conclusion_summary=case.conclusion_summary,
        recommended_total=case.recommended_total,
        recommended_grade=case.recommended_grade,
        decided_grade=case.decided_grade,
        certificate=certificate_view(session, cert, today) if cert else None,
        parent_certificate=parent.number if parent else None,
        current_organization=current,
        people=display_names(session),
        participants=_participants(session, case),
    )


def _participants(session: Session, case: m.Case) -> dict[str, tuple[str, ...]]:
    from .participation import INDEPENDENT_STATES, participants_by_name

    if case.status not in INDEPENDENT_STATES:
        return {}
    return participants_by_name(session, case)


def relation(session: Session, case: m.Case, user_id: int) -> CaseRelation:
    team = session.execute(
        select(m.TeamMember.user_id, m.TeamMember.is_leader).where(m.TeamMember.case_id == case.id)
    ).all()
    member = any(uid == user_id for uid, _ in team)
    leader = any(uid == user_id and lead for uid, lead in team)
    reviewer = (
        session.scalar(
            select(m.DocumentReview.id)
            .where(m.DocumentReview.case_id == case.id, m.DocumentReview.reviewer_id == user_id)
            .limit(1)
        )
        is not None
    )
    return CaseRelation(team_member=member, team_leader=leader, document_reviewer=reviewer)


@dataclass(frozen=True)
class CaseAccess:
    """What a use case on one case checks before it writes: the case's key columns and the acting
    user's stored roles and relation to it, read in one statement."""

    id: int
    case_no: str
    status: str
    rubric_id: str
    rubric_sha256: str
    version: int
    updated_at: datetime
    user_roles: str | None  # None: no such user
    user_active: bool
    relation: CaseRelation


_USER_ID: BindParameter[int] = bindparam("user_id")


@cache
def _case_access() -> Select[Any]:
    reviews = cast(Table, m.DocumentReview.__table__)
    return (
        select(
            _CASES.c.id,
            _CASES.c.case_no,
            _CASES.c.status,
            _CASES.c.rubric_id,
            _CASES.c.rubric_sha256,
            _CASES.c.version,
            _CASES.c.updated_at,
            _USERS.c.roles,
            _USERS.c.active,
            exists().where(_TEAM.c.case_id == _CASES.c.id, _TEAM.c.user_id == _USER_ID).label("team_member"),
            exists()
            .where(_TEAM.c.case_id == _CASES.c.id, _TEAM.c.user_id == _USER_ID, _TEAM.c.is_leader)
            .label("team_leader"),
            exists()
            .where(reviews.c.case_id == _CASES.c.id, reviews.c.reviewer_id == _USER_ID)
            .label("document_reviewer"),
        )
        .select_from(_CASES.outerjoin(_USERS, _USERS.c.id == _USER_ID))
        .where(_CASES.c.case_no == bindparam("case_no"))
    )


_CASE_LOCK = select(_CASES.c.id).where(_CASES.c.case_no == bindparam("case_no")).with_for_update()


def case_access(session: Session, case_no: str, user_id: int, *, lock: bool = False) -> CaseAccess:
    """The case (NotFound if there is none) and the user's standing on it, like `get_case_row`
    followed by `Tx.roles` and `relation`, in one round trip.

    With `lock` on PostgreSQL the case row is locked first, by its own statement, so what follows
    is read after any transaction holding the lock has committed (SQLite transactions here begin
    IMMEDIATE and already hold the database's write lock).
    """
    params = {"case_no": case_no, "user_id": user_id}
    if lock and session.get_bind().dialect.name == "postgresql":
        session.execute(_CASE_LOCK, params)
    row = session.execute(_case_access(), params).first()
    if row is None:
        raise NotFound("case", case_no, "案件")
    return CaseAccess(
        id=row.id,
        case_no=row.case_no,
        status=row.status,
        rubric_id=row.rubric_id,
        rubric_sha256=row.rubric_sha256,
        version=row.version,
        updated_at=row.updated_at,
        user_roles=row.roles,
        user_active=bool(row.active),
        relation=CaseRelation(
            team_member=bool(row.team_member),
            team_leader=bool(row.team_leader),
            document_reviewer=bool(row.document_reviewer),
        ),
    )
