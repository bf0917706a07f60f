"""The dashboard (工作台): where every case stands and what waits for the logged-in user.

One call, `DashboardService.overview(actor)`, reads everything the dashboard shows in one read
session with a handful of aggregate queries (no per-case loading), so it stays fast with 100,000
cases. The result is a tree of frozen dataclasses; the window only displays it.

What "waiting for me" means follows the policy table (core.policy):
- clerk: drafts to complete and submit, submitted applications to accept or reject, accepted cases
  that need an audit team, approved cases whose certificate is to be issued;
- auditor: cases in document review or on-site audit where the user is on the audit team;
- committee member: cases in committee review on which the user may vote (took no part in the
  evaluation) and has not voted yet in the current round.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..core.people import Standing
from ..core.policy import Action, Role, explain
from ..core.workflow import CLOSED_STATES, CaseState, CertificateState
from ..storage import models as m
from .base import Actor, Services
from .cnca import Pending
from .oversight import one_hand_findings
from .participation import relation_ever
from .records import Finding

HORIZON_DAYS = 90
# The surveillance clock's reminders: a certificate in force whose surveillance falls due within 90,
# 30 or 7 days (or is overdue: 0) is counted under the nearest of these.
REMINDER_DAYS = (90, 30, 7)
QUEUE_LIMIT = 200
LIST_LIMIT = 200

# What the user is expected to do next, by state, for the queue's "next step" column.
CLERK_STEPS: dict[CaseState, str] = {
    CaseState.draft: "submit",
    CaseState.submitted: "accept",
    CaseState.accepted: "assign_team",
    CaseState.approved: "issue_certificate",
}
AUDITOR_STEPS: dict[CaseState, str] = {
    CaseState.document_review: "record_review",
    CaseState.onsite_audit: "score",
}
COMMITTEE_STEPS: dict[CaseState, str] = {CaseState.committee_review: "vote"}


@dataclass(frozen=True)
class WorkItem:
    """A case waiting for the user, and the step it waits for (a core.policy.Action value)."""

    case_no: str
    kind: str
    status: str
    organization: str
    next_step: str
    updated_at: datetime
    open_nonconformities: int


@dataclass(frozen=True)
class OverdueNonconformity:
    case_no: str
    organization: str
    nonconformity_id: int
    code: str | None
    text: str
    deadline: date
    days_overdue: int


@dataclass(frozen=True)
class CertificateDue:
    """A certificate that expires, or whose annual surveillance falls due, within the horizon: one
    entry per certificate, for what falls due first (and what else falls due, if anything)."""

    number: str
    organization: str
    grade: str
    status: str
    reason: str  # what falls due first: "expiry" | "surveillance"
    due_on: date
    days_left: int  # negative when already past
    follow_up_case: str | None  # an open surveillance or renewal case of this certificate
    also_due: tuple[str, date] | None = None  # the other reason and its date, when both fall due

    @property
    def reminder(self) -> int | None:
        """The surveillance reminder this certificate is under: 7, 30 or 90 (days or fewer left), 0
        when its surveillance is overdue; None when its surveillance does not fall due."""
        if self.reason == "surveillance":
            day = self.due_on
        elif self.also_due is not None and self.also_due[0] == "surveillance":
            day = self.also_due[1]
        else:
            return None
        return reminder_for((day - (self.due_on - timedelta(days=self.days_left))).days)


def reminder_for(days_left: int) -> int | None:
    """0 when overdue, else the smallest reminder (7, 30, 90) at or above `days_left`."""
    if days_left < 0:
        return 0
    return next((d for d in sorted(REMINDER_DAYS) if days_left <= d), None)


@dataclass(frozen=True)
class OverdueHandling:
    """A complaint or appeal past its deadline: what was due ("acknowledge" or "resolve" a complaint,
    "decide" an appeal), when, and a line saying what it is about."""

    kind: str  # "complaint" | "appeal"
    id: int
    due: str
    due_on: date
    days_overdue: int
    summary: str


@dataclass(frozen=True)
class Dashboard:
    today: date
    horizon_days: int
    total_cases: int
    cases_by_state: tuple[tuple[str, int], ...]  # every CaseState in pipeline order, zeros included
    work_queue: tuple[WorkItem, ...]
    work_queue_total: int
    overdue_nonconformities: tuple[OverdueNonconformity, ...]
    overdue_total: int
    certificates_due: tuple[CertificateDue, ...]  # the first LIST_LIMIT certificates
    certificates_due_total: int  # every certificate that falls due (the card and the tab both say it)
    certificates_due_certificates: int  # the same number (kept for callers that read this name)
    grade_distribution: tuple[tuple[str, int], ...]  # of valid certificates, highest grade first
    certificates_in_force: int  # valid certificates: suspended ones are not in force
    # certificates (valid or suspended) whose whole chain one person's fresh accounts took (oversight)
    one_hand_chains: tuple[Finding, ...] = ()
    # complaints and appeals past their deadlines (for those who may see the register; else empty)
    overdue_complaints: tuple[OverdueHandling, ...] = ()
    overdue_appeals: tuple[OverdueHandling, ...] = ()
    # From the 1st to the 10th: the deadline of last month's CNCA report and the events not yet reported
    cnca_pending: Pending | None = None
    # certificates in force under each surveillance reminder: ((0, overdue), (7, n), (30, n), (90, n));
    # each counted once, under the nearest
    surveillance_reminders: tuple[tuple[int, int], ...] = ()
    # False for `DashboardService.summary`: the two lists on hidden tabs (overdue nonconformities,
    # certificates due) are empty, their totals counted; `DashboardService.lists` reads them
    lists_read: bool = True

    def count(self, state: str) -> int:
        return dict(self.cases_by_state).get(state, 0)

    def with_lists(self, lists: DashboardLists) -> Dashboard:
        """This dashboard with the lists read apart (and their totals as read with them)."""
        return replace(
            self,
            overdue_nonconformities=lists.overdue_nonconformities,
            overdue_total=lists.overdue_total,
            certificates_due=lists.certificates_due,
            certificates_due_total=lists.certificates_due_total,
            certificates_due_certificates=lists.certificates_due_total,
            lists_read=True,
        )


@dataclass(frozen=True)
class DashboardLists:
    """The dashboard's lists on tabs not shown at first, with their totals."""

    overdue_nonconformities: tuple[OverdueNonconformity, ...]
    overdue_total: int
    certificates_due: tuple[CertificateDue, ...]
    certificates_due_total: int


STATE_ORDER: tuple[CaseState, ...] = (
    CaseState.draft,
    CaseState.submitted,
    CaseState.accepted,
    CaseState.document_review,
    CaseState.onsite_audit,
    CaseState.committee_review,
    CaseState.approved,
    CaseState.certified,
    CaseState.rejected,
    CaseState.withdrawn,
    CaseState.not_certified,
)
GRADES = ("five_star", "four_star", "three_star", "qualified")
# In force means valid: a suspended certificate may not be used (it is counted apart). Both still
# fall due for surveillance and expiry, so the due list watches both.
_IN_FORCE = (CertificateState.valid.value,)
_WATCHED = (CertificateState.valid.value, CertificateState.suspended.value)
_OPEN_CASE = [s.value for s in CaseState if s not in CLOSED_STATES]

# The cases counted by state on SQLite (see _cases_by_state): every case, then those in any state
# but certified, read from the one-column state index on both sides of "certified".
_ALL_CASES_SQLITE = text("SELECT count(*) FROM cases")
_BY_STATE_SQLITE = text(
    "SELECT status, count(*) FROM cases INDEXED BY ix_cases_status WHERE status < :biggest GROUP BY status "
    "UNION ALL "
    "SELECT status, count(*) FROM cases INDEXED BY ix_cases_status WHERE status > :biggest GROUP BY status"
)
# The state most cases end in, and stay in: counted as the rest.
_BIGGEST_STATE = CaseState.certified.value


def _cases_by_state(session: Session) -> dict[str, int]:
    """How many cases are in each state.

    On SQLite: `SELECT count(*)` of a whole table is answered from the pages' cell counts without
    reading the rows, and most cases of a body end certified and stay so. So the certified are what
    is left of all cases once those in any other state are counted, from the one-column state index
    below and above "certified" (named: SQLite's planner would scan the wider (status, updated_at)
    index, since it takes a date stored as text for a narrow column). At 100,000 cases, 72 % of them
    certified: 5 ms instead of 13.5 ms for a GROUP BY over the whole index. A state nobody knows (a
    row edited in SQL) is counted under its own name, as the plain GROUP BY does. If the state index
    is not there (dropped by hand in SQL), the plain GROUP BY gives the same counts
    (tests/services/test_dashboard_queries.py); so it does on PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        try:
            others: dict[str, int] = dict(
                session.execute(_BY_STATE_SQLITE, {"biggest": _BIGGEST_STATE}).all()
            )  # type: ignore[arg-type]
        except OperationalError:  # no such index: a failed prepare leaves the read as it was
            pass
        else:
            rest = int(session.scalar(_ALL_CASES_SQLITE) or 0) - sum(others.values())
            return others | {_BIGGEST_STATE: rest} if rest else others
    return dict(session.execute(select(m.Case.status, func.count()).group_by(m.Case.status)).all())  # type: ignore[arg-type]


class DashboardService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def overview(
        self,
        actor: Actor,
        *,
        horizon_days: int = HORIZON_DAYS,
        queue_limit: int = QUEUE_LIMIT,
        list_limit: int = LIST_LIMIT,
        lists: bool = True,
    ) -> Dashboard:
        """Everything the dashboard shows, in one read. `lists=False` leaves out the rows of the
        two lists on tabs the page does not show at first (their totals are counted): `summary`."""
        today = self.s.today()
        with self.s.read() as session:
            by_state = _cases_by_state(session)
            roles = self._roles(session, actor)
            queue_stmt = self._queue(session, actor, roles, today)
            if queue_stmt is None:
                queue: list[WorkItem] = []
                queue_total = 0
            else:
                queue, queue_total = self._queue_page(session, queue_stmt, roles, queue_limit)
            overdue, overdue_total = self._overdue(session, today, list_limit if lists else 0)
            due, due_entries, due_certificates = self._certificates_due_page(
                session, today, horizon_days, list_limit if lists else 0
            )
            complaints, appeals = (
                self._overdue_handling(session, today)
                if explain(Action.view_complaints, roles) is None
                else ([], [])
            )
            reminders = self._reminders(session, today)
            grades = dict(
                session.execute(
                    select(m.Certificate.grade, func.count())
                    .where(m.Certificate.status.in_(_IN_FORCE), m.Certificate.expires_on >= today)
                    .group_by(m.Certificate.grade)
                ).all()
            )
        return Dashboard(
            today=today,
            horizon_days=horizon_days,
            total_cases=sum(by_state.values()),
            cases_by_state=tuple((s.value, by_state.get(s.value, 0)) for s in STATE_ORDER),
            work_queue=tuple(queue),
            work_queue_total=queue_total,
            overdue_nonconformities=tuple(overdue),
            overdue_total=overdue_total,
            certificates_due=tuple(due),
            certificates_due_total=due_entries,
            certificates_due_certificates=due_certificates,
            grade_distribution=tuple((g, grades.get(g, 0)) for g in GRADES),
            certificates_in_force=sum(grades.values()),
            one_hand_chains=tuple(one_hand_findings(self.s, in_force_only=True)),
            overdue_complaints=tuple(complaints),
            overdue_appeals=tuple(appeals),
            cnca_pending=self.s.cnca.pending(today),
            surveillance_reminders=reminders,
            lists_read=lists,
        )

    def summary(self, actor: Actor) -> Dashboard:
        """What the dashboard page shows first: the overview without the rows of its hidden tabs'
        lists, which `lists` reads next. At 100,000 cases the two lists are about a third of the
        overview's time, and the page's first paint waits for this read (docs/benchmarks.md)."""
        return self.overview(actor, lists=False)

    def lists(self, *, horizon_days: int = HORIZON_DAYS, list_limit: int = LIST_LIMIT) -> DashboardLists:
        """The overdue nonconformities and the certificates due, the first `list_limit` of each, with
        how many there are: the same for every user (the work queue is the user's own)."""
        today = self.s.today()
        with self.s.read() as session:
            overdue, overdue_total = self._overdue(session, today, list_limit)
            due, due_total, _ = self._certificates_due_page(session, today, horizon_days, list_limit)
        return DashboardLists(tuple(overdue), overdue_total, tuple(due), due_total)

    @staticmethod
    def _overdue_handling(session, today: date) -> tuple[list[OverdueHandling], list[OverdueHandling]]:  # type: ignore[no-untyped-def]
        """Complaints not acknowledged or not resolved by their deadlines, appeals not decided by theirs
        (the register is small: read by the status index)."""
        complaints = []
        for c in session.scalars(
            select(m.Complaint)
            .where(m.Complaint.status.in_(("received", "acknowledged", "investigated")))
            .order_by(m.Complaint.id)
        ):
            if c.status == "received" and c.acknowledge_by < today:
                due, on = "acknowledge", c.acknowledge_by
            elif c.resolve_by < today:
                due, on = "resolve", c.resolve_by
            else:
                continue
            complaints.append(OverdueHandling("complaint", c.id, due, on, (today - on).days, c.text[:60]))
        appeals = []
        for a, case_no in session.execute(
            select(m.Appeal, m.Case.case_no)
            .join(m.Case, m.Case.id == m.Appeal.case_id)
            .where(m.Appeal.status != "decided", m.Appeal.decide_by < today)
            .order_by(m.Appeal.id)
        ):
            appeals.append(
                OverdueHandling("appeal", a.id, "decide", a.decide_by, (today - a.decide_by).days, case_no)
            )
        complaints.sort(key=lambda o: o.due_on)
        appeals.sort(key=lambda o: o.due_on)
        return complaints, appeals

    @staticmethod
    def _reminders(session, today: date) -> tuple[tuple[int, int], ...]:  # type: ignore[no-untyped-def]
        """How many valid certificates fall under each surveillance reminder, in one aggregate."""
        c = m.Certificate
        bands = sorted(REMINDER_DAYS)
        limits = [(0, c.next_surveillance_on < today)]
        earlier: date | None = today
        for d in bands:
            upto = today + timedelta(days=d)
            limits.append((d, and_(c.next_surveillance_on >= earlier, c.next_surveillance_on <= upto)))
            earlier = upto + timedelta(days=1)
        row = session.execute(
            select(*(func.sum(case((cond, 1), else_=0)) for _, cond in limits)).where(
                c.status == CertificateState.valid.value,
                c.expires_on >= today,
                c.next_surveillance_on.is_not(None),
                c.next_surveillance_on <= today + timedelta(days=max(bands)),
            )
        ).one()
        counts = {d: int(n or 0) for (d, _), n in zip(limits, row, strict=True)}
        return tuple((d, int(counts.get(d, 0))) for d in (0, *bands))

    # -- the work queue ---------------------------------------------------------------------------
    @staticmethod
    def _roles(session, actor: Actor) -> frozenset[Role]:  # type: ignore[no-untyped-def]
        """The roles as stored now (the Actor's copy may be stale); none for an inactive user."""
        row = session.execute(select(m.User.roles, m.User.active).where(m.User.id == actor.id)).first()
        if row is None or not row.active:
            return frozenset()
        return frozenset(Role(r) for r in row.roles.split(",") if r)

    @staticmethod
    def _queue(session, actor: Actor, roles: frozenset[Role], today: date) -> Select[int] | None:  # type: ignore[no-untyped-def]
        on_team = select(m.TeamMember.case_id).where(m.TeamMember.user_id == actor.id)
        conditions: list[ColumnElement[bool]] = []
        if Role.clerk in roles:
            conditions.append(m.Case.status.in_([s.value for s in CLERK_STEPS]))
        if Role.auditor in roles:
            conditions.append(
                and_(m.Case.status.in_([s.value for s in AUDITOR_STEPS]), m.Case.id.in_(on_team))
            )
        if Role.committee in roles:
            votes = DashboardService._votes_for(session, actor, roles, today)
            conditions.append(and_(m.Case.status == CaseState.committee_review.value, m.Case.id.in_(votes)))
        if not conditions:
            return None
        return select(m.Case.id).where(or_(*conditions))

    @staticmethod
    def _votes_for(session, actor: Actor, roles: frozenset[Role], today: date) -> list[int]:  # type: ignore[no-untyped-def]
        """The cases in committee review on which `actor` has not voted this round and which the
        policy lets him vote on, asked as the vote itself asks it (core.policy with his relation to
        the case ever, services.participation): someone taken off the team after he scored is not
        asked for a vote the service would refuse. Cases in committee review are few; each is
        checked in Python, no second copy of the rule in SQL."""
        voted = exists().where(
            m.CommitteeVote.case_id == m.Case.id,
            m.CommitteeVote.round == m.Case.committee_round,
            m.CommitteeVote.user_id == actor.id,
        )
        candidates = session.scalars(
            select(m.Case).where(m.Case.status == CaseState.committee_review.value, ~voted)
        ).all()
        # The person's standing (declarations, interests) is the case page's to explain, not the queue's.
        person = Standing.unchecked(actor.name, today)
        state = CaseState.committee_review
        return [
            case.id
            for case in candidates
            if explain(Action.vote, roles, state, relation_ever(session, case, actor.id), person=person)
            is None
        ]

    @staticmethod
    def _queue_items(session, ids: Select[int], roles: frozenset[Role], limit: int) -> list[WorkItem]:  # type: ignore[no-untyped-def]
        return DashboardService._queue_page(session, ids, roles, limit)[0]

    @staticmethod
    def _queue_page(  # type: ignore[no-untyped-def]
        session, ids: Select[int], roles: frozenset[Role], limit: int
    ) -> tuple[list[WorkItem], int]:
        """The first `limit` cases of the queue, the longest-waiting first, and how many there are.
        Counted in a statement of its own: a window count (`count(*) OVER ()`) beside the LIMIT makes
        SQLite read and sort every case of the queue before it keeps the first `limit` (5.4 ms at
        100,000 cases, against 0.3 ms for the page and 0.4 ms for the count apart)."""
        # The queue's own conditions on the cases (not `id IN (the queue)`), so that the index on
        # (status, updated_at) gives the order and the count without reading the cases.
        where = ids.whereclause
        condition = m.Case.id.in_(ids) if where is None else where
        total = int(session.scalar(select(func.count()).select_from(m.Case).where(condition)) or 0)
        if not total or limit <= 0:
            return [], total
        chosen = (
            select(m.Case.id, m.Case.updated_at)
            .where(condition)
            .order_by(m.Case.updated_at, m.Case.id)  # the longest-waiting first
            .limit(limit)
            .subquery()
        )
        # Counted per listed case, not grouped over every nonconformity: found by case alone (the
        # index on case_id: a case has a handful) and told open in the count. With the status in the
        # WHERE clause SQLite prefers the covering (status, deadline, case_id) index and walks every
        # open nonconformity once per listed case (30 ms of the dashboard at 100,000 cases).
        open_ncs = (
            select(func.count(case((m.Nonconformity.status == "open", 1))))
            .select_from(m.Nonconformity)
            .where(m.Nonconformity.case_id == m.Case.id)
            .correlate(m.Case)
            .scalar_subquery()
        )
        rows = session.execute(
            select(
                m.Case.case_no,
                m.Case.kind,
                m.Case.status,
                m.Organization.name,
                m.Case.updated_at,
                open_ncs,
            )
            .select_from(chosen)
            .join(m.Case, m.Case.id == chosen.c.id)
            .join(m.Organization, m.Organization.id == m.Case.organization_id)
            .order_by(chosen.c.updated_at, chosen.c.id)
        ).all()
        steps: dict[CaseState, str] = {}
        if Role.clerk in roles:
            steps.update(CLERK_STEPS)
        if Role.auditor in roles:
            steps.update(AUDITOR_STEPS)
        if Role.committee in roles:
            steps.update(COMMITTEE_STEPS)
        items = [
            WorkItem(case_no, kind, status, org, steps[CaseState(status)], updated, ncs)
            for case_no, kind, status, org, updated, ncs in rows
        ]
        return items, total

    # -- nonconformities past their deadline ------------------------------------------------------
    @staticmethod
    def _overdue(session, today: date, limit: int) -> tuple[list[OverdueNonconformity], int]:  # type: ignore[no-untyped-def]
        """Open nonconformities of open cases past their deadline, the longest overdue first: the
        first `limit`, and how many there are, counted apart (a window count would make SQLite sort
        them all before the LIMIT: 2.9 ms at 100,000 cases, against 0.1 ms for the page and 1.6 ms
        for the count). The index on status and deadline finds them without reading the closed ones."""
        overdue = (
            m.Nonconformity.status == "open",
            m.Nonconformity.deadline < today,
            m.Case.status.in_(_OPEN_CASE),
        )
        total = int(
            session.scalar(
                select(func.count())
                .select_from(m.Nonconformity)
                .join(m.Case, m.Case.id == m.Nonconformity.case_id)
                .where(*overdue)
            )
            or 0
        )
        if not total or limit <= 0:
            return [], total
        chosen = (
            select(m.Nonconformity.id, m.Nonconformity.deadline)
            .join(m.Case, m.Case.id == m.Nonconformity.case_id)
            .where(*overdue)
            .order_by(m.Nonconformity.deadline, m.Nonconformity.id)
            .limit(limit)
            .subquery()
        )
        rows = session.execute(
            select(
                m.Case.case_no,
                m.Organization.name,
                m.Nonconformity.id,
                m.Nonconformity.code,
                m.Nonconformity.text,
                m.Nonconformity.deadline,
            )
            .select_from(chosen)
            .join(m.Nonconformity, m.Nonconformity.id == chosen.c.id)
            .join(m.Case, m.Case.id == m.Nonconformity.case_id)
            .join(m.Organization, m.Organization.id == m.Case.organization_id)
            .order_by(chosen.c.deadline, chosen.c.id)
        ).all()
        items = [
            OverdueNonconformity(case_no, org, nc_id, code, text, deadline, (today - deadline).days)
            for case_no, org, nc_id, code, text, deadline in rows
        ]
        return items, total

    # -- certificates expiring or due for surveillance --------------------------------------------
    @staticmethod
    def _certificates_due(session, today: date, horizon_days: int, limit: int) -> list[CertificateDue]:  # type: ignore[no-untyped-def]
        return DashboardService._certificates_due_page(session, today, horizon_days, limit)[0]

    @staticmethod
    def _certificates_due_page(  # type: ignore[no-untyped-def]
        session, today: date, horizon_days: int, limit: int
    ) -> tuple[list[CertificateDue], int, int]:
        """Valid or suspended certificates that expire, or whose next surveillance (stored in
        `certificates.next_surveillance_on` by the certificate service) falls, by the horizon: one
        entry per certificate, for what falls due first (the other reason, when both fall due, rides
        along), soonest first — the first `limit`, and how many certificates there are, counted once
        in a statement of its own. The card and its tab both say that number.

        The page is read in two ordered arms, each cut at `limit`: the first certificates by expiry
        date among those expiring by the horizon, and the first by surveillance date among those
        whose surveillance falls by then. A certificate's date in the list is the earlier of the two
        (expiry on a tie), so every certificate among the first `limit` of the list is among the
        first `limit` of its own arm: whatever comes before it in that arm comes before it in the
        list too. Python then merges the two arms (at most 2 × `limit` rows) in the list's order.
        One statement ordering every due certificate by the CASE of the two dates made SQLite sort
        them all (8,383 at 100,000 cases: 22 ms); the arms sort 1,001 and 8,233 plain index entries
        (about 6 ms). The index on (status, expires_on, next_surveillance_on, grade, number) serves
        the arms and the count."""
        horizon = today + timedelta(days=horizon_days)
        c = m.Certificate
        number: Any = c.number
        if session.get_bind().dialect.name == "postgresql":
            # The order Python gives strings (code points), not the database's locale.
            number = c.number.collate("C")
        in_force = (c.status.in_(_WATCHED), c.expires_on >= today)
        expiry_due = c.expires_on <= horizon
        surveillance_due = and_(c.next_surveillance_on.is_not(None), c.next_surveillance_on <= horizon)
        total = int(
            session.scalar(
                select(func.count()).select_from(c).where(*in_force, or_(expiry_due, surveillance_due))
            )
            or 0
        )
        if not total or limit <= 0:
            return [], total, total
        arms = [
            select(c.id).where(*in_force, expiry_due).order_by(c.expires_on, number).limit(limit),
            select(c.id)
            .where(*in_force, surveillance_due)
            .order_by(c.next_surveillance_on, number)
            .limit(limit),
        ]
        chosen = {cert_id for arm in arms for cert_id in session.scalars(arm)}
        follow_case = (
            select(func.max(m.Case.case_no))
            .where(m.Case.parent_certificate_id == c.id, m.Case.status.in_(_OPEN_CASE))
            .correlate(c)
            .scalar_subquery()
        )
        rows = session.execute(
            select(
                c.number,
                c.organization_name,  # as certified, as the register shows it
                c.grade,
                c.status,
                c.expires_on,
                c.next_surveillance_on,
                follow_case,
            ).where(c.id.in_(chosen))
        ).all()
        due = [
            _due_entry(
                number,
                org,
                grade,
                status,
                expires,
                surveillance,
                follow,
                today,
                horizon,
            )
            for number, org, grade, status, expires, surveillance, follow in rows
        ]
        due.sort(key=lambda d: (d.due_on, d.number, d.reason))
        return due[:limit], total, total


def _due_entry(
    number: str,
    organization: str,
    grade: str,
    status: str,
    expires_on: date,
    surveillance_on: date | None,
    follow_up_case: str | None,
    today: date,
    horizon: date,
) -> CertificateDue:
    """One certificate's entry: what falls due first (expiry on the same day), and the other reason
    when both fall due by the horizon."""
    expiry_due = expires_on <= horizon
    surveillance = surveillance_on if surveillance_on is not None and surveillance_on <= horizon else None
    if surveillance is not None and (not expiry_due or surveillance < expires_on):
        reason, due_on = "surveillance", surveillance
        also: tuple[str, date] | None = ("expiry", expires_on) if expiry_due else None
    else:
        reason, due_on = "expiry", expires_on
        also = ("surveillance", surveillance) if expiry_due and surveillance is not None else None
    return CertificateDue(
        number, organization, grade, status, reason, due_on, (due_on - today).days, follow_up_case, also
    )
