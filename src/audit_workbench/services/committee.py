"""The evaluation committee (评审委员会): independent members vote; the quorum's majority decides."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..core import audit_rules
from ..core.audit_rules import tally
from ..core.errors import Refused
from ..core.policy import Action, require
from ..core.rubric import grade_rank
from ..core.workflow import CaseKind, CaseState, VoteDecision
from ..storage import models as m
from .base import Actor, Services
from .checks import text as _text
from .participation import relation_ever
from .people import standing
from .views import CaseDetail, detail_view, get_case_row

OUTCOME = {
    VoteDecision.approve: CaseState.approved,
    VoteDecision.lower_: CaseState.approved,
    VoteDecision.return_: CaseState.onsite_audit,
    VoteDecision.reject: CaseState.not_certified,
}


class CommitteeService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def _refuse_early_raise(self, session, case: m.Case, grade: str | None, today: date) -> None:  # type: ignore[no-untyped-def]
        """At a surveillance case the committee keeps, lowers or raises the certificate's grade; it
        may raise it only `grade_raise_after_months` (a setting) after the grade was given. Keeping
        it when the audit scored higher is a vote to lower to the certificate's grade."""
        if case.kind != CaseKind.surveillance or case.parent_certificate_id is None or not grade:
            return
        cert = session.get(m.Certificate, case.parent_certificate_id)
        if cert is None or grade_rank(grade) <= grade_rank(cert.grade):
            return
        from .certificates import add_months

        months = int(self.s.settings.get("grade_raise_after_months", session))
        given = self.s.certificates.grade_given_on(session, cert)
        earliest = add_months(given, months)
        if today < earliest:
            raise Refused(
                "raise_too_soon",
                f"certificate {cert.number}'s grade {cert.grade} was given on {given}: it may be raised "
                f"from {earliest} ({months} months later); vote lower --grade {cert.grade} to keep it",
                f"证书 {cert.number} 的等级（{cert.grade}）于 {given} 评定，{earliest}（{months} 个月后）起方可提高；"
                f"如保持原等级，请表决降级批准并指定等级 {cert.grade}",
            )

    def vote(
        self, actor: Actor, case_no: str, decision: str, comment: str, grade: str | None = None
    ) -> CaseDetail:
        try:
            choice = VoteDecision(decision)
        except ValueError:
            raise Refused(
                "bad_decision",
                "decision must be approve, lower, return or reject",
                "表决必须为批准、降级批准、退回评审组或不予认证",
            ) from None
        comment = _text(comment, "a comment", "表决意见")
        with self.s.tx(actor) as tx:
            case = get_case_row(tx.session, case_no, lock=True)
            voter = tx.session.get(m.User, actor.id)
            require(
                Action.vote,
                tx.roles(),
                CaseState(case.status),
                relation_ever(tx.session, case, actor.id),
                person=standing(self.s, tx.session, voter, case, tx.now.date()) if voter else None,
            )
            already = tx.session.scalar(
                select(m.CommitteeVote.id).where(
                    m.CommitteeVote.case_id == case.id,
                    m.CommitteeVote.round == case.committee_round,
                    m.CommitteeVote.user_id == actor.id,
                )
            )
            if already is not None:
                raise Refused("already_voted", "you have already voted on this case", "您已对本案表决")
            recommended = case.recommended_grade
            vote_grade = audit_rules.vote_grade(choice, grade, recommended, case.recommended_total, case_no)
            self._refuse_early_raise(tx.session, case, vote_grade, tx.now.date())
            tx.session.add(
                m.CommitteeVote(
                    case_id=case.id,
                    round=case.committee_round,
                    user_id=actor.id,
                    decision=choice.value,
                    grade=vote_grade,
                    comment=comment,
                    created_at=tx.now,
                )
            )
            tx.session.flush()
            tx.record(
                "committee.vote",
                "case",
                case_no,
                after={"round": case.committee_round, "decision": choice.value, "grade": vote_grade},
                reason=comment,
            )
            votes = tx.session.execute(
                select(m.CommitteeVote.decision, m.CommitteeVote.grade).where(
                    m.CommitteeVote.case_id == case.id, m.CommitteeVote.round == case.committee_round
                )
            ).all()
            quorum = int(self.s.settings.get("committee_quorum", tx.session))
            if len(votes) >= quorum:
                outcome, lowered_grade = tally([(VoteDecision(d), g) for d, g in votes])
                before = case.status
                case.status = OUTCOME[outcome].value
                if outcome is VoteDecision.approve:
                    case.decided_grade = recommended
                elif outcome is VoteDecision.lower_:
                    case.decided_grade = lowered_grade
                elif outcome is VoteDecision.return_:
                    case.committee_round += 1
                    case.recommended_grade = None
                    case.recommended_total = None
                tx.record(
                    "committee.decide",
                    "case",
                    case_no,
                    before={"status": before},
                    after={
                        "status": case.status,
                        "decision": outcome.value,
                        "grade": case.decided_grade,
                        "votes": len(votes),
                    },
                )
            case.updated_at = tx.now
            tx.session.flush()
            return detail_view(self.s, tx.session, case)
