"""Oversight of power: certificates whose whole chain — application, audit, vote, issue — was taken
by accounts that one person created or granted within 30 days (core.grants `one_hand`).

Such a chain is not refused (the grants themselves were allowed): it is shown, as a `one_hand_chain`
finding, on the dashboard and by `certificate check`, for someone else to look at.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..core.grants import ONE_HAND_DAYS, GrantFact, GrantStatus, Step, one_hand
from ..core.policy import Role
from ..core.workflow import CertificateState
from ..storage import models as m
from .base import Services
from .participation import participation
from .records import Finding, FindingKind

_APPLICATION_EVENTS = ("case.create", "case.submit", "case.accept")
_WATCHED = (CertificateState.valid.value, CertificateState.suspended.value)


def _issue(session: Session, cert: m.Certificate) -> tuple[str, datetime] | None:
    row = session.execute(
        select(m.Event.user_name, m.Event.at)
        .where(
            m.Event.entity == "certificate",
            m.Event.entity_id == cert.number,
            m.Event.action == "certificate.issue",
        )
        .order_by(m.Event.seq)
        .limit(1)
    ).first()
    return None if row is None else (row[0], datetime.fromisoformat(row[1]))


def chain(session: Session, cert: m.Certificate) -> tuple[list[tuple[Step, str]], datetime | None]:
    """Who took each step of the certificate's chain (step, login), and when it was issued."""
    case = session.get(m.Case, cert.case_id)
    issued = _issue(session, cert)
    if case is None or issued is None:
        return [], None
    steps: list[tuple[Step, str]] = [
        (Step.application, name)
        for name in session.scalars(
            select(m.Event.user_name).where(
                m.Event.entity == "case",
                m.Event.entity_id == case.case_no,
                m.Event.action.in_(_APPLICATION_EVENTS),
            )
        )
    ]
    audit_ids = set(participation(session, case))
    vote_ids = set(session.scalars(select(m.CommitteeVote.user_id).where(m.CommitteeVote.case_id == case.id)))
    names = dict(
        session.execute(select(m.User.id, m.User.name).where(m.User.id.in_(audit_ids | vote_ids))).all()
    )
    steps += [(Step.audit, names[uid]) for uid in audit_ids if uid in names]
    steps += [(Step.vote, names[uid]) for uid in vote_ids if uid in names]
    steps.append((Step.issue, issued[0]))
    return sorted(set(steps)), issued[1]


def grant_facts(session: Session, names: Sequence[str]) -> list[GrantFact]:
    """Every effective grant (granted or approved) of the named users."""
    users = dict(session.execute(select(m.User.id, m.User.name).where(m.User.name.in_(list(names)))).all())
    if not users:
        return []
    rows = session.scalars(
        select(m.RoleGrant).where(
            m.RoleGrant.user_id.in_(list(users)),
            m.RoleGrant.status.in_((GrantStatus.granted.value, GrantStatus.approved.value)),
        )
    ).all()
    others = {i for g in rows for i in (g.granted_by, g.approved_by) if i is not None} - set(users)
    if others:
        users |= dict(session.execute(select(m.User.id, m.User.name).where(m.User.id.in_(others))).all())
    return [
        GrantFact(
            users[g.user_id],
            Role(g.role),
            users.get(g.granted_by) if g.granted_by is not None else None,
            g.granted_at,
            users.get(g.approved_by) if g.approved_by is not None else None,
        )
        for g in rows
    ]


def one_hand_finding(session: Session, cert: m.Certificate) -> Finding | None:
    """The `one_hand_chain` finding of this certificate, or None."""
    steps, at = chain(session, cert)
    if at is None:
        return None
    hand = one_hand(steps, grant_facts(session, sorted({n for _, n in steps})), at)
    if hand is None:
        return None
    case = session.get(m.Case, cert.case_id)
    who = ", ".join(sorted({n for _, n in steps}))
    return Finding(
        FindingKind.one_hand_chain,
        cert.number,
        case.case_no if case else None,
        "chain",
        f"certificate {cert.number}: every account of its chain (application, audit, vote, issue: {who}) "
        f"was created or granted its role by {hand} within {ONE_HAND_DAYS} days before the issue",
        f"证书 {cert.number}：其受理、评审、表决、颁证各环节的账户（{who}）均由 {hand} "
        f"在颁证前 {ONE_HAND_DAYS} 天内创建或授予角色",
    )


def _windows(session: Session) -> list[tuple[date, date]]:
    """The days on which a certificate may have been issued within 30 days of a one-person grant."""
    days = sorted(
        g.date()
        for g in session.scalars(
            select(m.RoleGrant.granted_at).where(
                m.RoleGrant.granted_by.is_not(None), m.RoleGrant.approved_by.is_(None)
            )
        )
    )
    merged: list[tuple[date, date]] = []
    for day in days:
        end = day + timedelta(days=ONE_HAND_DAYS + 1)
        if merged and day <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((day, end))
    return merged


def one_hand_findings(
    services: Services, numbers: Sequence[str] | None = None, *, in_force_only: bool = False
) -> list[Finding]:
    """Every `one_hand_chain` finding (of the named certificates, or of all; of those valid or
    suspended only with `in_force_only`), by certificate number. Only certificates issued within 30
    days of a grant one person made alone are looked at."""
    with services.read() as session:
        windows = _windows(session)
        if not windows:
            return []
        query = select(m.Certificate).where(
            or_(*(and_(m.Certificate.issued_on >= a, m.Certificate.issued_on <= b) for a, b in windows))
        )
        if numbers is not None:
            query = query.where(m.Certificate.number.in_(list(numbers)))
        if in_force_only:
            query = query.where(m.Certificate.status.in_(_WATCHED))
        found = []
        for cert in session.scalars(query.order_by(m.Certificate.number)):
            finding = one_hand_finding(session, cert)
            if finding is not None:
                found.append(finding)
        return found
