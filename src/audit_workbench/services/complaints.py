"""Complaints (投诉) and appeals (申诉): the register, its working-day deadlines, the independence of
investigators and appeal panels, and what an upheld appeal reopens.

`case_participants` says who took part in a case's evaluation or decision: everyone who ever took
part in its evaluation (`services.participation.took_part`, the same history that keeps them from
voting and issuing) and its committee voters."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.complaints import (
    APPEAL_OUTCOME_LABELS,
    APPEAL_SUBJECT_LABELS,
    COMPLAINT_KIND_LABELS,
    AppealOutcome,
    AppealState,
    AppealSubject,
    ComplaintKind,
    ComplaintState,
    complaint_state_denial,
    decider_denial,
    investigator_denial,
    panel_denial,
    parse,
)
from ..core.errors import NotFound, Refused
from ..core.policy import Action, explain, impartiality_denial, require
from ..core.workdays import WorkCalendar
from ..core.workflow import CaseState, CertificateState
from ..storage import models as m
from .base import Actor, Services, Tx
from .checks import stored_roles
from .checks import text as _text
from .participation import took_part
from .people import standings, user_row
from .views import effective_certificate_status, get_case_row

if TYPE_CHECKING:  # reportlab loads when a letter is made, not with the service
    from ..reports.letter_pdf import LetterDoc

# Events on a case (entity id the case number, or "CASE_NO/…") by which someone evaluated or decided it.


def case_participants(session: Session, case: m.Case) -> set[str]:
    """The user names of everyone who took part in the case's evaluation or decision: whoever ever
    took part in its evaluation (services/participation.py, from the case's history: on the team at
    any time, reviewed, scored, raised or closed a nonconformity, concluded) and its committee voters."""
    ids = took_part(session, case)
    ids |= set(session.scalars(select(m.CommitteeVote.user_id).where(m.CommitteeVote.case_id == case.id)))
    ids |= set(
        session.scalars(
            select(m.User.id)
            .join(m.Event, m.Event.user_name == m.User.name)
            .where(m.Event.entity_id == case.case_no, m.Event.action.like("committee.%"))
        )
    )
    if not ids:
        return set()
    return set(session.scalars(select(m.User.name).where(m.User.id.in_(ids))))


@dataclass(frozen=True)
class ComplaintView:
    id: int
    kind: str
    text: str
    source: str
    case_no: str | None
    status: str
    received_on: date
    acknowledge_by: date
    resolve_by: date
    recorded_by: str
    acknowledged_at: datetime | None
    investigator: str | None
    resolution: str | None
    resolved_at: datetime | None
    closed_at: datetime | None
    overdue: str | None  # "acknowledge" or "resolve": the deadline passed on the day read, else None
    version: int


@dataclass(frozen=True)
class AppealView:
    id: int
    case_no: str
    organization: str
    certificate: str | None
    subject: str
    grounds: str
    status: str
    decision_on: date
    received_on: date
    decide_by: date
    recorded_by: str
    panel: tuple[str, ...]
    outcome: str | None
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    overdue: bool  # undecided past its decision deadline on the day read
    version: int


def _parse_day(value: object) -> date:
    return date.fromisoformat(str(value))


class ComplaintService:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- the calendar ------------------------------------------------------------------------------
    def calendar(self, session: Session | None = None) -> WorkCalendar:
        """The working-day calendar: the data file, extended by the body's own dates (settings)."""
        settings = self.s.settings.all(session)
        return self.s.work_calendar.extended(
            (_parse_day(d) for d in settings["calendar_holidays"]),
            (_parse_day(d) for d in settings["calendar_workdays"]),
        )

    # -- complaints --------------------------------------------------------------------------------
    def new(
        self,
        actor: Actor,
        *,
        kind: str,
        text: str,
        source: str | None = None,
        case_no: str | None = None,
    ) -> ComplaintView:
        """Register a complaint received today; its deadlines are fixed in working days now."""
        kind_value = parse(ComplaintKind, kind, "complaint kind", "投诉类别")
        body = _text(text, "the complaint's text", "投诉内容")
        who = _text(source, "the complainant", "投诉人", required=False, limit=200) or "匿名"
        with self.s.tx(actor) as tx:
            require(Action.handle_complaint, tx.roles())
            case = get_case_row(tx.session, case_no) if case_no else None
            today = tx.now.date()
            settings = self.s.settings.all(tx.session)
            cal = self.calendar(tx.session)
            row = m.Complaint(
                kind=kind_value.value,
                text=body,
                source=who,
                case_id=case.id if case else None,
                status=ComplaintState.received.value,
                received_on=today,
                acknowledge_by=cal.add_working_days(today, int(settings["complaint_acknowledge_days"])),
                resolve_by=cal.add_working_days(today, int(settings["complaint_resolve_days"])),
                recorded_by=actor.id,
                recorded_at=tx.now,
            )
            tx.session.add(row)
            tx.session.flush()
            tx.record(
                "complaint.new",
                "complaint",
                row.id,
                after={
                    "kind": row.kind,
                    "source": who,
                    "case": case_no,
                    "acknowledge_by": row.acknowledge_by,
                    "resolve_by": row.resolve_by,
                },
                reason=body,
            )
            return self._complaint_view(tx.session, row, today)

    def _complaint_row(self, session: Session, complaint_id: int, action: str) -> m.Complaint:
        row = session.get(m.Complaint, complaint_id)
        if row is None:
            raise NotFound("complaint", complaint_id, "投诉")
        denial = complaint_state_denial(complaint_id, ComplaintState(row.status), action)
        if denial is not None:
            raise denial.refused()
        return row

    def acknowledge(self, actor: Actor, complaint_id: int) -> ComplaintView:
        """The complainant was told the complaint was received."""
        with self.s.tx(actor) as tx:
            require(Action.handle_complaint, tx.roles())
            row = self._complaint_row(tx.session, complaint_id, "acknowledge")
            row.status = ComplaintState.acknowledged.value
            row.acknowledged_at = tx.now
            tx.session.flush()
            tx.record(
                "complaint.acknowledge",
                "complaint",
                row.id,
                before={"status": ComplaintState.received.value},
                after={"status": row.status},
            )
            return self._complaint_view(tx.session, row, tx.now.date())

    def assign(self, actor: Actor, complaint_id: int, investigator: str) -> ComplaintView:
        """Put an investigator on the complaint, someone not involved in its matter (acknowledging it
        if that was not done yet); a new investigator replaces the previous one."""
        with self.s.tx(actor) as tx:
            require(Action.handle_complaint, tx.roles())
            row = self._complaint_row(tx.session, complaint_id, "assign")
            user = user_row(tx.session, investigator)
            self._may_investigate(tx, user)
            case = tx.session.get(m.Case, row.case_id) if row.case_id else None
            if case is not None:
                denial = investigator_denial(user.name, case_participants(tx.session, case), case.case_no)
                if denial is not None:
                    raise denial.refused()
            before = {"status": row.status, "investigator": self._name(tx.session, row.investigator_id)}
            if row.acknowledged_at is None:
                row.acknowledged_at = tx.now
            row.investigator_id = user.id
            row.status = ComplaintState.investigated.value
            tx.session.flush()
            tx.record(
                "complaint.assign",
                "complaint",
                row.id,
                before=before,
                after={"status": row.status, "investigator": user.name},
            )
            return self._complaint_view(tx.session, row, tx.now.date())

    @staticmethod
    def _may_investigate(tx: Tx, user: m.User) -> None:
        roles = stored_roles(user.name, user.roles, user.active)
        denial = explain(Action.investigate_complaint, roles)
        if denial is not None or not user.active:
            raise Refused(
                "not_an_investigator",
                f"{user.name} may not investigate complaints (an active clerk, auditor or committee member "
                "investigates)",
                f"{user.name}不能担任投诉调查人（须为在职的受理人员、评审员或评审委员会委员）",
            )

    def resolve(self, actor: Actor, complaint_id: int, resolution: str) -> ComplaintView:
        """The investigator records how the complaint was resolved."""
        text = _text(resolution, "the resolution", "处理结果")
        with self.s.tx(actor) as tx:
            require(Action.investigate_complaint, tx.roles())
            row = self._complaint_row(tx.session, complaint_id, "resolve")
            if row.investigator_id != actor.id:
                raise Refused(
                    "not_the_investigator",
                    f"only the investigator of complaint {complaint_id} "
                    f"({self._name(tx.session, row.investigator_id)}) may resolve it",
                    f"只有投诉 {complaint_id} 的调查人（{self._name(tx.session, row.investigator_id)}）可以处理该投诉",
                )
            row.status = ComplaintState.resolved.value
            row.resolution = text
            row.resolved_at = tx.now
            tx.session.flush()
            tx.record(
                "complaint.resolve",
                "complaint",
                row.id,
                before={"status": ComplaintState.investigated.value},
                after={"status": row.status},
                reason=text,
            )
            return self._complaint_view(tx.session, row, tx.now.date())

    def close(self, actor: Actor, complaint_id: int) -> ComplaintView:
        """The complainant was told the outcome: the complaint is closed."""
        with self.s.tx(actor) as tx:
            require(Action.handle_complaint, tx.roles())
            row = self._complaint_row(tx.session, complaint_id, "close")
            row.status = ComplaintState.closed.value
            row.closed_at = tx.now
            tx.session.flush()
            tx.record(
                "complaint.close",
                "complaint",
                row.id,
                before={"status": ComplaintState.resolved.value},
                after={"status": row.status},
            )
            return self._complaint_view(tx.session, row, tx.now.date())

    def list(self, actor: Actor, *, open_only: bool = False) -> builtins.list[ComplaintView]:
        """The register, newest first: all of it with `view_complaints`, else the ones one investigates."""
        with self.s.read_as(actor) as tx:
            query = select(m.Complaint).order_by(m.Complaint.id.desc())
            if explain(Action.view_complaints, tx.roles()) is not None:
                query = query.where(m.Complaint.investigator_id == actor.id)
            if open_only:
                query = query.where(m.Complaint.status != ComplaintState.closed.value)
            today = self.s.today()
            return [self._complaint_view(tx.session, row, today) for row in tx.session.scalars(query)]

    def get(self, actor: Actor, complaint_id: int) -> ComplaintView:
        with self.s.read_as(actor) as tx:
            row = tx.session.get(m.Complaint, complaint_id)
            if row is None:
                raise NotFound("complaint", complaint_id, "投诉")
            if row.investigator_id != actor.id:
                require(Action.view_complaints, tx.roles())
            return self._complaint_view(tx.session, row, self.s.today())

    @staticmethod
    def _name(session: Session, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        user = session.get(m.User, user_id)
        return user.name if user else None

    def _complaint_view(self, session: Session, row: m.Complaint, today: date) -> ComplaintView:
        case_no = (
            session.scalar(select(m.Case.case_no).where(m.Case.id == row.case_id)) if row.case_id else None
        )
        state = ComplaintState(row.status)
        overdue = None
        if state is ComplaintState.received and today > row.acknowledge_by:
            overdue = "acknowledge"
        elif state not in (ComplaintState.resolved, ComplaintState.closed) and today > row.resolve_by:
            overdue = "resolve"
        return ComplaintView(
            id=row.id,
            kind=row.kind,
            text=row.text,
            source=row.source,
            case_no=case_no,
            status=row.status,
            received_on=row.received_on,
            acknowledge_by=row.acknowledge_by,
            resolve_by=row.resolve_by,
            recorded_by=self._name(session, row.recorded_by) or "",
            acknowledged_at=row.acknowledged_at,
            investigator=self._name(session, row.investigator_id),
            resolution=row.resolution,
            resolved_at=row.resolved_at,
            closed_at=row.closed_at,
            overdue=overdue,
            version=row.version,
        )

    # -- the letter --------------------------------------------------------------------------------
    def letter(self, actor: Actor, kind: str, item_id: int) -> LetterDoc:
        """The letter telling the complainant or appellant the outcome, dated today; refused before
        there is an outcome."""
        from ..reports.letter_pdf import LetterDoc

        if kind not in ("complaint", "appeal"):
            raise ValueError(kind)
        with self.s.read_as(actor) as tx:
            settings = self.s.settings.all(tx.session)
            today = self.s.today()
            if kind == "complaint":
                require(Action.handle_complaint, tx.roles())
                row = tx.session.get(m.Complaint, item_id)
                if row is None:
                    raise NotFound("complaint", item_id, "投诉")
                c = self._complaint_view(tx.session, row, today)
                if c.resolution is None:
                    raise Refused(
                        "no_outcome_yet",
                        f"complaint {item_id} is not resolved yet: there is no outcome to tell",
                        f"投诉 {item_id} 尚未处理完毕，没有可告知的结果",
                    )
                subject = COMPLAINT_KIND_LABELS[ComplaintKind(c.kind)][0]
                return LetterDoc(
                    body_name=str(settings["body_name"]),
                    body_address=str(settings["body_address"]),
                    kind="complaint",
                    reference=f"投诉第 {c.id} 号",
                    addressee=c.source,
                    dated=today,
                    received_on=c.received_on,
                    subject=f"{subject}（案件 {c.case_no}）" if c.case_no else subject,
                    text=c.text,
                    outcome="您的投诉已由与所涉事项无关的人员调查，处理结果如下。",
                    reason=c.resolution,
                    follow_up="",
                )
            require(Action.handle_appeal, tx.roles())
            arow = tx.session.get(m.Appeal, item_id)
            if arow is None:
                raise NotFound("appeal", item_id, "申诉")
            a = self._appeal_view(tx.session, arow, today)
            if a.outcome is None or a.reason is None:
                raise Refused(
                    "no_outcome_yet",
                    f"appeal {item_id} is not decided yet: there is no outcome to tell",
                    f"申诉 {item_id} 尚未作出决定，没有可告知的结果",
                )
            outcome = AppealOutcome(a.outcome)
            subject = AppealSubject(a.subject)
            follow_up = "原决定维持不变。"
            case = tx.session.get(m.Case, arow.case_id)
            certified = case is not None and case.status == CaseState.certified
            if outcome is not AppealOutcome.rejected:
                if subject is AppealSubject.grade and certified:
                    follow_up = f"本机构将依据申诉决定办理证书 {a.certificate} 的等级变更，并另行书面告知。"
                elif subject in (AppealSubject.refusal, AppealSubject.grade):
                    follow_up = "本机构已将该认证决定退回评审委员会重新审查，审查结果将另行书面告知。"
                elif outcome is AppealOutcome.upheld:
                    follow_up = f"证书 {a.certificate} 已恢复有效。"
                else:
                    follow_up = f"本机构将就证书 {a.certificate} 的状态另行作出决定并书面告知。"
            return LetterDoc(
                body_name=str(settings["body_name"]),
                body_address=str(settings["body_address"]),
                kind="appeal",
                reference=f"申诉第 {a.id} 号",
                addressee=a.organization,
                dated=today,
                received_on=a.received_on,
                subject=f"案件 {a.case_no} 的{APPEAL_SUBJECT_LABELS[subject][0]}",
                text=a.grounds,
                outcome=f"{APPEAL_OUTCOME_LABELS[outcome][0]}（由未参与原评审和认证决定的人员组成的申诉评议组决定）。",
                reason=a.reason,
                follow_up=follow_up,
            )

    def letter_pdf(self, actor: Actor, kind: str, item_id: int) -> bytes:
        from ..reports.letter_pdf import render_letter

        doc = self.letter(actor, kind, item_id)
        return render_letter(doc, font_path=str(self.s.settings.get("font_path") or "") or None)

    # -- appeals -----------------------------------------------------------------------------------
    @staticmethod
    def _certificate_of(session: Session, case: m.Case) -> m.Certificate | None:
        cert = session.scalar(
            select(m.Certificate).where(m.Certificate.case_id == case.id).order_by(m.Certificate.id.desc())
        )
        if cert is None and case.parent_certificate_id is not None:
            cert = session.get(m.Certificate, case.parent_certificate_id)
        return cert

    @staticmethod
    def _last_event_day(session: Session, entity_id: str, action: str) -> date | None:
        at = session.scalar(
            select(m.Event.at)
            .where(m.Event.entity_id == entity_id, m.Event.action == action)
            .order_by(m.Event.seq.desc())
            .limit(1)
        )
        return None if at is None else datetime.fromisoformat(at).date()

    def _appealed_decision(
        self, session: Session, case: m.Case, subject: AppealSubject | None, today: date
    ) -> tuple[AppealSubject, date, m.Certificate | None]:
        """What decision on the case is appealed (named, or the one the case's state shows), its day,
        and the certificate concerned; refused when the case holds no such decision."""
        cert = self._certificate_of(session, case)
        cert_status = effective_certificate_status(cert, today) if cert else None
        if subject is None:
            if case.status == CaseState.not_certified:
                subject = AppealSubject.refusal
            elif cert_status == CertificateState.suspended:
                subject = AppealSubject.suspension
            elif cert_status == CertificateState.withdrawn:
                subject = AppealSubject.withdrawal
            elif case.status in (CaseState.approved, CaseState.certified):
                subject = AppealSubject.grade
        day: date | None = None
        decided = {
            AppealSubject.refusal: (CaseState.not_certified,),
            AppealSubject.grade: (CaseState.approved, CaseState.certified),
        }
        if subject in decided and case.status in decided[subject]:
            day = self._last_event_day(session, case.case_no, "committee.decide")
        elif (
            subject is AppealSubject.suspension
            and cert is not None
            and cert_status == CertificateState.suspended
        ):
            day = self._last_event_day(session, cert.number, "certificate.suspend")
        elif (
            subject is AppealSubject.withdrawal
            and cert is not None
            and cert_status == CertificateState.withdrawn
        ):
            day = self._last_event_day(session, cert.number, "certificate.withdraw")
        if subject is None or day is None:
            what = subject.value if subject else "such"
            zh_what = (
                {
                    AppealSubject.refusal: "不予认证决定",
                    AppealSubject.grade: "认证等级决定",
                    AppealSubject.suspension: "暂停证书决定",
                    AppealSubject.withdrawal: "撤销证书决定",
                }.get(subject, "可申诉的决定")
                if subject
                else "可申诉的决定"
            )
            raise Refused(
                "nothing_to_appeal",
                f"case {case.case_no} holds no {what} decision to appeal against (it is {case.status})",
                f"案件 {case.case_no} 没有可申诉的{zh_what}",
            )
        certificate = (
            cert
            if subject in (AppealSubject.suspension, AppealSubject.withdrawal, AppealSubject.grade)
            else None
        )
        return subject, day, certificate

    def appeal_new(self, actor: Actor, case_no: str, grounds: str, subject: str | None = None) -> AppealView:
        """Register an appeal against the case's decision, accepted only within `appeal_window_days`
        working days of it; it is to be decided within `appeal_decide_days` calendar days."""
        named = parse(AppealSubject, subject, "appeal subject", "申诉事项") if subject else None
        text = _text(grounds, "the grounds of the appeal", "申诉理由")
        with self.s.tx(actor) as tx:
            require(Action.handle_appeal, tx.roles())
            case = get_case_row(tx.session, case_no, lock=True)
            today = tx.now.date()
            what, decided_on, cert = self._appealed_decision(tx.session, case, named, today)
            settings = self.s.settings.all(tx.session)
            window = int(settings["appeal_window_days"])
            last_day = self.calendar(tx.session).add_working_days(decided_on, window)
            if today > last_day:
                raise Refused(
                    "appeal_too_late",
                    f"the decision on case {case_no} was taken on {decided_on}: an appeal against it was "
                    f"accepted until {last_day} ({window} working days), not on {today}",
                    f"案件 {case_no} 的决定于 {decided_on} 作出，申诉期限为 {window} 个工作日（至 {last_day}），"
                    f"{today} 已过期限，不予受理",
                )
            pending = tx.session.scalar(
                select(m.Appeal.id).where(
                    m.Appeal.case_id == case.id,
                    m.Appeal.subject == what.value,
                    m.Appeal.status != AppealState.decided.value,
                )
            )
            if pending is not None:
                raise Refused(
                    "appeal_pending",
                    f"appeal {pending} against this decision on case {case_no} is not decided yet",
                    f"针对案件 {case_no} 该决定的申诉 {pending} 尚未作出决定",
                )
            row = m.Appeal(
                case_id=case.id,
                certificate_id=cert.id if cert else None,
                subject=what.value,
                grounds=text,
                status=AppealState.received.value,
                decision_on=decided_on,
                received_on=today,
                decide_by=today + timedelta(days=int(settings["appeal_decide_days"])),
                recorded_by=actor.id,
                recorded_at=tx.now,
            )
            tx.session.add(row)
            tx.session.flush()
            tx.record(
                "appeal.new",
                "appeal",
                row.id,
                after={
                    "case": case_no,
                    "subject": what.value,
                    "decision_on": decided_on,
                    "decide_by": row.decide_by,
                    "certificate": cert.number if cert else None,
                },
                reason=text,
            )
            return self._appeal_view(tx.session, row, today)

    def _appeal_row(self, session: Session, appeal_id: int) -> m.Appeal:
        row = session.get(m.Appeal, appeal_id)
        if row is None:
            raise NotFound("appeal", appeal_id, "申诉")
        if row.status == AppealState.decided:
            raise Refused(
                "appeal_decided", f"appeal {appeal_id} is already decided", f"申诉 {appeal_id} 已作出决定"
            )
        return row

    def panel(self, actor: Actor, appeal_id: int, members: builtins.list[str]) -> AppealView:
        """Appoint (or replace) the appeal's panel: people who took no part in the case's evaluation
        or decision, each impartial toward the organisation, each an auditor or committee member."""
        with self.s.tx(actor) as tx:
            require(Action.handle_appeal, tx.roles())
            row = self._appeal_row(tx.session, appeal_id)
            case = tx.session.get(m.Case, row.case_id)
            assert case is not None
            denial = panel_denial(members, case_participants(tx.session, case), case.case_no)
            if denial is not None:
                raise denial.refused()
            users = [user_row(tx.session, name) for name in members]
            for user in users:
                roles = stored_roles(user.name, user.roles, user.active)
                if explain(Action.decide_appeal, roles) is not None:
                    raise Refused(
                        "panel_member_role",
                        f"{user.name} is not an active auditor or committee member, so may not sit on an appeal panel",
                        f"{user.name}不是在职的评审员或评审委员会委员，不能担任申诉评议组成员",
                    )
            for standing in standings(self.s, tx.session, users, case, tx.now.date()).values():
                refusal = impartiality_denial(Action.decide_appeal, standing, you=False)
                if refusal is not None:
                    raise refusal.refused()
            before = self._panel_names(tx.session, row.id)
            for old in tx.session.scalars(
                select(m.AppealPanelMember).where(m.AppealPanelMember.appeal_id == row.id)
            ):
                tx.session.delete(old)
            tx.session.flush()
            for user in users:
                tx.session.add(m.AppealPanelMember(appeal_id=row.id, user_id=user.id))
            row.status = AppealState.panel.value
            tx.session.flush()
            tx.record(
                "appeal.panel",
                "appeal",
                row.id,
                before={"panel": list(before)},
                after={"panel": [u.name for u in users]},
            )
            return self._appeal_view(tx.session, row, tx.now.date())

    def decide(self, actor: Actor, appeal_id: int, outcome: str, reason: str) -> AppealView:
        """A panel member records the panel's decision with its reasons. Upheld (or partly upheld) against
        a refusal or a grade not yet on a certificate, the case returns to committee review for a new
        round of votes; upheld against a suspension or withdrawal, the certificate is valid again."""
        result = parse(AppealOutcome, outcome, "outcome", "申诉结论")
        text = _text(reason, "the reasons", "理由")
        with self.s.tx(actor) as tx:
            require(Action.decide_appeal, tx.roles())
            row = self._appeal_row(tx.session, appeal_id)
            panel = self._panel_names(tx.session, row.id)
            denial = decider_denial(actor.name, panel, appeal_id)
            if denial is not None:
                raise denial.refused()
            case = tx.session.get(m.Case, row.case_id)
            assert case is not None
            today = tx.now.date()
            row.status = AppealState.decided.value
            row.outcome = result.value
            row.reason = text
            row.decided_by = actor.id
            row.decided_at = tx.now
            tx.session.flush()
            tx.record(
                "appeal.decide",
                "appeal",
                row.id,
                before={"status": AppealState.panel.value},
                after={"outcome": result.value, "panel": list(panel), "late": today > row.decide_by},
                reason=text,
            )
            if result is not AppealOutcome.rejected:
                self._reopen(tx, row, case, result, today)
            return self._appeal_view(tx.session, row, today)

    def _reopen(self, tx: Tx, row: m.Appeal, case: m.Case, result: AppealOutcome, today: date) -> None:
        subject = AppealSubject(row.subject)
        reason = f"appeal {row.id} {result.value}"
        if subject in (AppealSubject.refusal, AppealSubject.grade) and case.status in (
            CaseState.not_certified,
            CaseState.approved,
        ):
            before = case.status
            case.status = CaseState.committee_review.value
            case.committee_round += 1
            case.decided_grade = None
            case.updated_at = tx.now
            tx.session.flush()
            tx.record(
                "case.reopen",
                "case",
                case.case_no,
                before={"status": before},
                after={"status": case.status, "round": case.committee_round, "appeal": row.id},
                reason=reason,
            )
            return
        if result is not AppealOutcome.upheld or row.certificate_id is None:
            return
        cert = tx.session.get(m.Certificate, row.certificate_id)
        if cert is None or subject not in (AppealSubject.suspension, AppealSubject.withdrawal):
            return
        if effective_certificate_status(cert, today) not in (
            CertificateState.suspended,
            CertificateState.withdrawn,
        ):
            return  # expired meanwhile (or already restored): nothing to restore
        before = cert.status
        cert.status = CertificateState.valid.value
        cert.status_reason = reason
        tx.session.flush()
        tx.record(
            "certificate.restore",
            "certificate",
            cert.number,
            before={"status": before},
            after={"status": cert.status, "appeal": row.id},
            reason=reason,
        )

    def appeals(self, actor: Actor, *, open_only: bool = False) -> builtins.list[AppealView]:
        """Appeals, newest first: all with `view_complaints`, else those on whose panel one sits."""
        with self.s.read_as(actor) as tx:
            query = select(m.Appeal).order_by(m.Appeal.id.desc())
            if explain(Action.view_complaints, tx.roles()) is not None:
                query = query.where(
                    m.Appeal.id.in_(
                        select(m.AppealPanelMember.appeal_id).where(m.AppealPanelMember.user_id == actor.id)
                    )
                )
            if open_only:
                query = query.where(m.Appeal.status != AppealState.decided.value)
            today = self.s.today()
            return [self._appeal_view(tx.session, row, today) for row in tx.session.scalars(query)]

    def appeal(self, actor: Actor, appeal_id: int) -> AppealView:
        with self.s.read_as(actor) as tx:
            row = tx.session.get(m.Appeal, appeal_id)
            if row is None:
                raise NotFound("appeal", appeal_id, "申诉")
            if actor.name not in self._panel_names(tx.session, row.id):
                require(Action.view_complaints, tx.roles())
            return self._appeal_view(tx.session, row, self.s.today())

    @staticmethod
    def _panel_names(session: Session, appeal_id: int) -> tuple[str, ...]:
        return tuple(
            session.scalars(
                select(m.User.name)
                .join(m.AppealPanelMember, m.AppealPanelMember.user_id == m.User.id)
                .where(m.AppealPanelMember.appeal_id == appeal_id)
                .order_by(m.AppealPanelMember.id)
            )
        )

    def _appeal_view(self, session: Session, row: m.Appeal, today: date) -> AppealView:
        case = session.get(m.Case, row.case_id)
        assert case is not None
        cert = session.get(m.Certificate, row.certificate_id) if row.certificate_id else None
        return AppealView(
            id=row.id,
            case_no=case.case_no,
            organization=case.organization.name,
            certificate=cert.number if cert else None,
            subject=row.subject,
            grounds=row.grounds,
            status=row.status,
            decision_on=row.decision_on,
            received_on=row.received_on,
            decide_by=row.decide_by,
            recorded_by=self._name(session, row.recorded_by) or "",
            panel=self._panel_names(session, row.id),
            outcome=row.outcome,
            reason=row.reason,
            decided_by=self._name(session, row.decided_by),
            decided_at=row.decided_at,
            overdue=row.status != AppealState.decided and today > row.decide_by,
            version=row.version,
        )


__all__ = ["AppealView", "ComplaintService", "ComplaintView", "case_participants"]
