"""Organisations: one record per unified social credit code, with the history of its particulars.

An organisation's name, address and contact are versioned: each value it held, from which date, who
recorded it and why (`organization_versions`). A new application never changes an organisation on
record: a differing name, address or contact it gives is a proposal (`organization_proposals`) that
a clerk applies with `change` or dismisses. Renaming or moving an organisation whose certificates
are in force is a certificate change (变更): each is re-issued under its number and cycle with a
new signature, and the payload it replaces verifies as superseded (services.certificates.reissue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import creditcode
from ..core.errors import Conflict, NotFound, Refused
from ..core.policy import Action, require
from ..core.workflow import CERTIFICATE_STATE_LABELS, STATE_LABELS, CaseState, CertificateState
from ..storage import models as m
from .base import Actor, Services, Tx
from .checks import line, text
from .settings import organization_fits_certificate
from .views import CertificateView, certificate_view, effective_certificate_status

FIELDS = ("name", "address", "contact")
FIELD_ZH = {"name": "名称", "address": "地址", "contact": "联系人"}
LIMITS = {"name": 200, "address": 300, "contact": 200}


@dataclass(frozen=True)
class VersionView:
    """One value a particular held: from `effective_on`, recorded by whom, when and why."""

    field: str
    value: str
    effective_on: date
    recorded_at: datetime
    recorded_by: str
    reason: str


@dataclass(frozen=True)
class ProposalView:
    id: int
    case_no: str | None  # the application that proposed it
    name: str | None  # None: not proposed
    address: str | None
    contact: str | None
    proposed_at: datetime
    proposed_by: str
    status: str  # pending | applied | dismissed
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None


@dataclass(frozen=True)
class OrganizationCaseView:
    case_no: str
    kind: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class CertificateChangeView:
    id: int
    certificate: str
    kind: str
    reason: str
    effective_on: date
    changed_at: datetime
    changed_by: str
    previous_name: str
    previous_address: str
    name: str
    address: str


@dataclass(frozen=True)
class OrganizationDetail:
    name: str
    credit_code: str
    address: str
    contact: str
    version: int
    history: tuple[VersionView, ...]  # oldest first
    proposals: tuple[ProposalView, ...]  # newest first
    cases: tuple[OrganizationCaseView, ...]
    certificates: tuple[CertificateView, ...]
    changes: tuple[CertificateChangeView, ...]  # certificate changes, oldest first

    @property
    def pending(self) -> tuple[ProposalView, ...]:
        return tuple(p for p in self.proposals if p.status == "pending")


@dataclass(frozen=True)
class OrganizationChange:
    """What `change` did: the organisation after it, the particulars it changed, the kind of
    certificate change and the certificates it re-issued."""

    organization: OrganizationDetail
    changed: tuple[str, ...]
    kind: str | None
    reissued: tuple[str, ...]
    proposals_applied: tuple[int, ...]


def _clean(value: str | None, field: str, *, required: bool) -> str | None:
    if value is None:
        return None
    return line(value, f"the {field}", FIELD_ZH[field], required=required, limit=LIMITS[field])


def valid_code(credit_code: str) -> str:
    try:
        return creditcode.validate(credit_code)
    except creditcode.CreditCodeError as exc:
        raise Refused("bad_credit_code", str(exc), f"统一社会信用代码无效：{exc}") from None


def organization_row(session: Session, credit_code: str, *, lock: bool = False) -> m.Organization | None:
    query = select(m.Organization).where(m.Organization.credit_code == credit_code)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=m.Organization)
    return session.scalar(query)


def detail_of(services: Services, session: Session, org: m.Organization) -> OrganizationDetail:
    today = services.today()
    history = tuple(
        VersionView(v.field, v.value, v.effective_on, v.recorded_at, v.recorded_by, v.reason)
        for v in session.scalars(
            select(m.OrganizationVersion)
            .where(m.OrganizationVersion.organization_id == org.id)
            .order_by(m.OrganizationVersion.effective_on, m.OrganizationVersion.id)
        )
    )
    case_nos = dict(
        session.execute(select(m.Case.id, m.Case.case_no).where(m.Case.organization_id == org.id)).all()
    )
    proposals = tuple(
        ProposalView(
            p.id,
            case_nos.get(p.case_id) if p.case_id else None,
            p.name,
            p.address,
            p.contact,
            p.proposed_at,
            p.proposed_by,
            p.status,
            p.resolved_at,
            p.resolved_by,
            p.resolution,
        )
        for p in session.scalars(
            select(m.OrganizationProposal)
            .where(m.OrganizationProposal.organization_id == org.id)
            .order_by(m.OrganizationProposal.id.desc())
        )
    )
    cases = tuple(
        OrganizationCaseView(c.case_no, c.kind, c.status, c.created_at)
        for c in session.scalars(
            select(m.Case).where(m.Case.organization_id == org.id).order_by(m.Case.case_no)
        )
    )
    certs = list(
        session.scalars(
            select(m.Certificate)
            .where(m.Certificate.organization_id == org.id)
            .order_by(m.Certificate.number)
        )
    )
    numbers = {c.id: c.number for c in certs}
    changes = tuple(
        CertificateChangeView(
            ch.id,
            numbers[ch.certificate_id],
            ch.kind,
            ch.reason,
            ch.effective_on,
            ch.changed_at,
            ch.changed_by,
            ch.previous_name,
            ch.previous_address,
            ch.name,
            ch.address,
        )
        for ch in session.scalars(
            select(m.CertificateChange)
            .where(m.CertificateChange.certificate_id.in_(list(numbers)))
            .order_by(m.CertificateChange.id)
        )
    )
    return OrganizationDetail(
        org.name,
        org.credit_code,
        org.address,
        org.contact,
        org.version,
        history,
        proposals,
        cases,
        tuple(certificate_view(session, c, today) for c in certs),
        changes,
    )


def record_versions(
    tx: Tx, org: m.Organization, values: dict[str, str], effective_on: date, reason: str
) -> None:
    for field, value in values.items():
        tx.session.add(
            m.OrganizationVersion(
                organization_id=org.id,
                field=field,
                value=value,
                effective_on=effective_on,
                recorded_at=tx.now,
                recorded_by=tx.actor.name,
                reason=reason,
            )
        )


def new_organization(
    tx: Tx, *, name: str, credit_code: str, address: str, contact: str, reason: str
) -> m.Organization:
    """Put an organisation on record, with the first version of each particular it has."""
    org = m.Organization(name=name, credit_code=credit_code, address=address, contact=contact)
    tx.session.add(org)
    tx.session.flush()
    values = {"name": name, "address": address, "contact": contact}
    record_versions(tx, org, {k: v for k, v in values.items() if v or k == "name"}, tx.now.date(), reason)
    tx.record("organization.create", "organization", credit_code, after=values, reason=reason)
    return org


def differences(org: m.Organization, name: str, address: str, contact: str) -> dict[str, str]:
    """The particulars an application gives that differ from the record (an empty address or
    contact gives nothing)."""
    given = {"name": name, "address": address, "contact": contact}
    return {k: v for k, v in given.items() if v and v != getattr(org, k)}


def exists_refusal(
    services: Services, session: Session, org: m.Organization, differing: dict[str, str]
) -> Refused:
    """The refusal of an application that gives another name or address for a credit code on record."""
    detail = detail_of(services, session, org)
    cases = ", ".join(f"{c.case_no} ({c.status})" for c in detail.cases) or "none"
    certs = ", ".join(f"{c.number} ({c.status})" for c in detail.certificates) or "none"
    cases_zh = (
        "、".join(f"{c.case_no}（{STATE_LABELS[CaseState(c.status)][0]}）" for c in detail.cases) or "无"
    )
    certs_zh = (
        "、".join(
            f"{c.number}（{CERTIFICATE_STATE_LABELS[CertificateState(c.status)][0]}）"
            for c in detail.certificates
        )
        or "无"
    )
    given = "; ".join(f"{k} {v!r}" for k, v in differing.items())
    given_zh = "；".join(f"{FIELD_ZH[k]}“{v}”" for k, v in differing.items())
    return Refused(
        "organization_exists",
        f"credit code {org.credit_code} is on record as {org.name!r} (address {org.address!r}), with cases: "
        f"{cases}; certificates: {certs}. This application gives {given}. Apply for this organisation "
        "(`case new … --existing-org`: what differs is proposed as a change, never applied), or correct "
        "the credit code",
        f"统一社会信用代码 {org.credit_code} 已登记为“{org.name}”（地址：{org.address or '无'}），案件：{cases_zh}；"
        f"证书：{certs_zh}。本申请填写的{given_zh}与登记不同。请确认为该组织申请（不同之处将作为变更提议，不会直接修改），"
        "或更正统一社会信用代码",
    )


def propose(
    tx: Tx, org: m.Organization, case: m.Case | None, differing: dict[str, str]
) -> m.OrganizationProposal | None:
    """Record what an application gives differently as a pending proposal (None when nothing differs)."""
    if not differing:
        return None
    proposal = m.OrganizationProposal(
        organization_id=org.id,
        case_id=case.id if case is not None else None,
        name=differing.get("name"),
        address=differing.get("address"),
        contact=differing.get("contact"),
        proposed_at=tx.now,
        proposed_by=tx.actor.name,
        status="pending",
    )
    tx.session.add(proposal)
    tx.session.flush()
    tx.record(
        "organization.propose",
        "organization",
        org.credit_code,
        before={k: getattr(org, k) for k in differing},
        after={"proposal": proposal.id, "case": case.case_no if case is not None else None, **differing},
    )
    return proposal


class OrganizationService:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- queries ----------------------------------------------------------------------------------
    def find(self, credit_code: str) -> OrganizationDetail | None:
        """The organisation with this credit code, or None (also for a code that is not valid)."""
        try:
            code = creditcode.validate(credit_code)
        except creditcode.CreditCodeError:
            return None
        with self.s.read() as session:
            org = organization_row(session, code)
            return None if org is None else detail_of(self.s, session, org)

    def get(self, credit_code: str) -> OrganizationDetail:
        code = valid_code(credit_code)
        with self.s.read() as session:
            org = organization_row(session, code)
            if org is None:
                raise NotFound("organisation", code, "组织")
            return detail_of(self.s, session, org)

    # -- changes ----------------------------------------------------------------------------------
    def change(
        self,
        actor: Actor,
        credit_code: str,
        *,
        reason: str,
        name: str | None = None,
        address: str | None = None,
        contact: str | None = None,
        kind: str | None = None,
        effective_on: date | None = None,
        proposal: int | None = None,
        expected_version: int | None = None,
    ) -> OrganizationChange:
        """Change an organisation's name, address or contact, recorded with its effective date and
        reason. A changed name or address re-issues every certificate of it in force (valid or
        suspended) as a certificate change of `kind` (by default 组织更名 for a name, 地址变更 for an
        address only); `proposal` applies a pending proposal's values (those not given here)."""
        code = valid_code(credit_code)
        reason = text(reason, "a change's reason", "变更原因")
        given = {
            "name": _clean(name, "name", required=True),
            "address": _clean(address, "address", required=False),
            "contact": _clean(contact, "contact", required=False),
        }
        with self.s.tx(actor) as tx:
            require(Action.change_organization, tx.roles())
            today = tx.now.date()
            if effective_on is not None and effective_on > today:
                raise Refused(
                    "bad_date",
                    f"the change cannot take effect in the future ({effective_on})",
                    f"变更生效日期不能晚于今天（{effective_on}）",
                )
            org = organization_row(tx.session, code, lock=True)
            if org is None:
                raise NotFound("organisation", code, "组织")
            if expected_version is not None and org.version != expected_version:
                raise Conflict(f"organisation {code}", f"组织 {code} ")
            taken: m.OrganizationProposal | None = None
            if proposal is not None:
                taken = tx.session.get(m.OrganizationProposal, proposal)
                if taken is None or taken.organization_id != org.id:
                    raise NotFound("proposal", proposal, "变更提议")
                if taken.status != "pending":
                    raise Refused(
                        "proposal_closed",
                        f"proposal {proposal} is already {taken.status}",
                        f"变更提议 {proposal} 已处理（{taken.status}）",
                    )
                for field in FIELDS:
                    if given[field] is None:
                        given[field] = getattr(taken, field)
            new = {k: v for k, v in given.items() if v is not None and v != getattr(org, k)}
            if not new:
                raise Refused(
                    "no_change",
                    f"organisation {code} already has these particulars: nothing to change",
                    f"组织 {code} 的信息与此相同，无需变更",
                )
            certified: list[str] = [f for f in ("name", "address") if f in new]
            change_kind = self._kind(kind, certified)
            if certified:
                organization_fits_certificate(
                    self.s.settings.all(tx.session),
                    new.get("name", org.name),
                    new.get("address", org.address),
                )
            effective = effective_on or today
            before = {k: getattr(org, k) for k in new}
            for field, value in new.items():
                setattr(org, field, value)
            tx.session.flush()
            record_versions(tx, org, new, effective, reason)
            tx.record(
                "organization.change",
                "organization",
                code,
                before=before,
                after={**new, "effective_on": effective, "kind": change_kind},
                reason=reason,
            )
            applied = self._close_proposals(tx, org, taken, reason)
            reissued: list[str] = []
            if certified:
                for cert in tx.session.scalars(
                    select(m.Certificate)
                    .where(
                        m.Certificate.organization_id == org.id,
                        m.Certificate.status.in_(
                            [CertificateState.valid.value, CertificateState.suspended.value]
                        ),
                    )
                    .order_by(m.Certificate.number)
                ):
                    if effective_certificate_status(cert, today) == CertificateState.expired:
                        continue  # out of force: it keeps what it certified
                    assert change_kind is not None
                    self.s.certificates.reissue(
                        tx,
                        cert,
                        name=org.name,
                        address=org.address,
                        kind=change_kind,
                        reason=reason,
                        effective_on=effective,
                    )
                    reissued.append(cert.number)
            if reissued:  # as after every issue: the log up to the re-issue, signed with the body's key
                self.s.log.append_checkpoint(tx)
            return OrganizationChange(
                detail_of(self.s, tx.session, org), tuple(new), change_kind, tuple(reissued), applied
            )

    def _kind(self, kind: str | None, certified: list[str]) -> str | None:
        kinds = self.s.change_kinds
        if not certified:
            if kind is not None:
                raise Refused(
                    "bad_change_kind",
                    "only a change of the name or the address is a certificate change with a kind",
                    "只有名称或地址的变更是有变更类别的证书变更",
                )
            return None
        if kind is None:
            return kinds.default_for(certified).code
        allowed = kinds.for_organization()
        chosen = next((k for k in allowed if k.code == kind), None)
        if chosen is None or not set(chosen.fields) & set(certified):
            codes = ", ".join(f"{k.code} {k.zh}" for k in allowed if set(k.fields) & set(certified))
            raise Refused(
                "bad_change_kind",
                f"{kind!r} is not a kind of change of the {' and '.join(certified)}; use one of: {codes}",
                f"{kind!r} 不是该变更的变更类别，可选：{codes}",
            )
        return chosen.code

    def _close_proposals(
        self, tx: Tx, org: m.Organization, taken: m.OrganizationProposal | None, reason: str
    ) -> tuple[int, ...]:
        """Mark applied the named proposal and every pending one the organisation now matches."""
        closed: list[int] = []
        for row in tx.session.scalars(
            select(m.OrganizationProposal).where(
                m.OrganizationProposal.organization_id == org.id, m.OrganizationProposal.status == "pending"
            )
        ):
            proposed = {f: getattr(row, f) for f in FIELDS if getattr(row, f) is not None}
            if row is taken or all(getattr(org, f) == v for f, v in proposed.items()):
                row.status = "applied"
                row.resolved_at = tx.now
                row.resolved_by = tx.actor.name
                row.resolution = reason
                closed.append(row.id)
        if closed:
            tx.session.flush()
            tx.record(
                "organization.proposals_applied", "organization", org.credit_code, after={"proposals": closed}
            )
        return tuple(closed)

    def dismiss(self, actor: Actor, credit_code: str, proposal: int, reason: str) -> OrganizationDetail:
        """Close a pending proposal without applying it (the record was right)."""
        code = valid_code(credit_code)
        reason = text(reason, "the reason for dismissing a proposal", "驳回变更提议的原因")
        with self.s.tx(actor) as tx:
            require(Action.change_organization, tx.roles())
            org = organization_row(tx.session, code, lock=True)
            if org is None:
                raise NotFound("organisation", code, "组织")
            row = tx.session.get(m.OrganizationProposal, proposal)
            if row is None or row.organization_id != org.id:
                raise NotFound("proposal", proposal, "变更提议")
            if row.status != "pending":
                raise Refused(
                    "proposal_closed",
                    f"proposal {proposal} is already {row.status}",
                    f"变更提议 {proposal} 已处理（{row.status}）",
                )
            row.status = "dismissed"
            row.resolved_at = tx.now
            row.resolved_by = tx.actor.name
            row.resolution = reason
            tx.session.flush()
            tx.record(
                "organization.proposal_dismissed",
                "organization",
                code,
                after={"proposal": proposal},
                reason=reason,
            )
            return detail_of(self.s, tx.session, org)
