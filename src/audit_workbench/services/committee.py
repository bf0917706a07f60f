"""The evaluation committee (评审委员会): independent members vote; the quorum's majority decides."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from ..core.errors import Refused
from ..core.policy import Action, require
from ..core.rubric import Grade, grade_rank
from ..core.workflow import CaseState, VoteDecision
from ..storage import models as m
from .base import Actor, Services
from .cases import _text
from .people import standing
from .views import CaseDetail, detail_view, get_case_row, relation

OUTCOME = {
    VoteDecision.approve: CaseState.approved,
    VoteDecision.lower_: CaseState.approved,
    VoteDecision.return_: CaseState.onsite_audit,
    VoteDecision.reject: CaseState.not_certified,
}


def tally(decisions: list[tuple[VoteDecision, str | None]]) -> tuple[VoteDecision, str | None]:
    """The majority decision; a tie between the leading decisions returns the case.

    When `lower` wins, the grade is the lowest one named by the members who voted to lower: no
    member's vote is overridden upwards.
    """
    counts = Counter(d for d, _ in decisions)
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return VoteDecision.return_, None
    winner = ranked[0][0]
    if winner is VoteDecision.lower_:
        grades = [g for d, g in decisions if d is VoteDecision.lower_ and g]
        return winner, min(grades, key=grade_rank)
    return winner, None


class CommitteeService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def vote(
        self, actor: Actor, case_no: str, decision: str, comment: str, grade: str | None = None
    ) -> CaseDetail:
        try:
            choice = VoteDecision(decision)
        except ValueError:
            raise Refused(
                "bad_decision",
                "decision must be approve, lower, return or reject",
                "表决必须为批准、降级、退回或不批准",
            ) from None
        comment = _text(comment, "a comment", "表决意见")
        with self.s.tx(actor) as tx:
            case = get_case_row(tx.session, case_no, lock=True)
            voter = tx.session.get(m.User, actor.id)
            require(
                Action.vote,
                tx.roles(),
                CaseState(case.status),
                relation(tx.session, case, actor.id),
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
            vote_grade: str | None = None
            if choice is VoteDecision.approve:
                if recommended is None:
                    raise Refused(
                        "not_passed",
                        f"case {case_no} did not pass (total {case.recommended_total}); vote reject or return",
                        f"案件 {case_no} 未达到达标级（{case.recommended_total} 分），请表决不批准或退回",
                    )
                vote_grade = recommended
            elif choice is VoteDecision.lower_:
                if not grade:
                    raise Refused("missing_grade", "name the lower grade", "请指定降低后的等级")
                try:
                    lowered = Grade(grade)
                except ValueError:
                    raise Refused("bad_grade", f"unknown grade {grade!r}", f"未知等级 {grade!r}") from None
                if grade_rank(lowered) >= grade_rank(recommended):
                    raise Refused(
                        "grade_not_lower",
                        f"{lowered.value} is not below the recommended grade {recommended or 'none'}; "
                        "no decision can raise the grade",
                        "降级后的等级必须低于推荐等级，任何决定都不能提高等级",
                    )
                vote_grade = lowered.value
            elif grade:
                raise Refused(
                    "unexpected_grade", "only a vote to lower names a grade", "只有降级表决需要指定等级"
                )
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
