"""Who took part in a case's evaluation, ever: separation of duties by history, not by today's team.

A clerk can take an auditor off the team after he scored; his scores may since have been overwritten
and a nonconformity he raised closed by someone else. What he did stays in the case's events (the
hash-chained log) and, while they last, in its records: this module reads both. Anyone found here may
not take an independent action on the case (core.policy `Relation.independent`: vote, issue the
certificate, and decide an appeal of it).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.policy import POLICY, CaseRelation, Part, Relation
from ..core.workflow import CaseState
from ..storage import models as m
from .base import Tx

# services.views (the read models: some 13 dataclasses) is imported where a case is read here, not
# with this module: the dashboard's oversight imports it at every start of the window.

# The states in which some action needs independence: where the window needs the history.
INDEPENDENT_STATES: frozenset[CaseState] = frozenset(
    state
    for rule in POLICY.values()
    if rule.relation is Relation.independent and rule.states is not None
    for state in rule.states
)

# Events on the case (entity "case" or "score") whose actor took part, and how.
_CASE_EVENT_PARTS: dict[str, Part] = {
    "review.record": Part.review,
    "review.import": Part.review,
    "audit.conclude": Part.conclude,
    "conclusion.import": Part.conclude,
    "evidence.add": Part.score,
    "evidence.import": Part.score,
    "special.add": Part.score,
    "special.remove": Part.score,
    "special.import": Part.score,
}


def _names_in_team(text: str) -> list[str]:
    try:
        value: Any = json.loads(text)
    except ValueError:
        return []
    team = value.get("team") if isinstance(value, dict) else None
    return [t["user"] for t in team or () if isinstance(t, dict) and isinstance(t.get("user"), str)]


def participation(session: Session | Tx, case: m.Case | str) -> dict[int, frozenset[Part]]:
    """Every user who ever took part in the case's evaluation (user id → how), from its events and
    its records: on the team at any time, reviewed the documents, scored (points, samples, evidence,
    special items), raised or closed a nonconformity, concluded."""
    from .views import get_case_row

    session = session.session if isinstance(session, Tx) else session
    row = get_case_row(session, case) if isinstance(case, str) else case
    session.flush()
    by_id: defaultdict[int, set[Part]] = defaultdict(set)
    by_name: defaultdict[str, set[Part]] = defaultdict(set)

    def ids(part: Part, column: Any, model: Any) -> None:
        for uid in session.scalars(select(column).where(model.case_id == row.id, column.is_not(None))):
            by_id[uid].add(part)

    ids(Part.team, m.TeamMember.user_id, m.TeamMember)
    ids(Part.review, m.DocumentReview.reviewer_id, m.DocumentReview)
    ids(Part.score, m.IndicatorScore.updated_by, m.IndicatorScore)
    ids(Part.score, m.Evidence.added_by, m.Evidence)
    ids(Part.score, m.SpecialItem.created_by, m.SpecialItem)
    ids(Part.nonconformity, m.Nonconformity.raised_by, m.Nonconformity)
    ids(Part.nonconformity, m.Nonconformity.closed_by, m.Nonconformity)

    case_no = row.case_no
    events = session.execute(
        select(m.Event.user_name, m.Event.action, m.Event.entity, m.Event.before, m.Event.after).where(
            m.Event.entity.in_(("case", "score")),
            (m.Event.entity_id == case_no)
            # "/" sorts just before "0": the range is every score id that starts with "CASE_NO/"
            | ((m.Event.entity_id >= case_no + "/") & (m.Event.entity_id < case_no + "0")),
        )
    ).all()
    for user_name, action, entity, before, after in events:
        if action == "team.assign":
            for name in _names_in_team(before) + _names_in_team(after):
                by_name[name].add(Part.team)
        elif entity == "score":
            by_name[user_name].add(Part.score)
        elif action in _CASE_EVENT_PARTS:
            by_name[user_name].add(_CASE_EVENT_PARTS[action])
    nc_ids = [
        str(i) for i in session.scalars(select(m.Nonconformity.id).where(m.Nonconformity.case_id == row.id))
    ]
    if nc_ids:
        for user_name in session.scalars(
            select(m.Event.user_name).where(m.Event.entity == "nonconformity", m.Event.entity_id.in_(nc_ids))
        ):
            by_name[user_name].add(Part.nonconformity)
    if by_name:
        for uid, name in session.execute(
            select(m.User.id, m.User.name).where(m.User.name.in_(list(by_name)))
        ):
            by_id[uid] |= by_name[name]
    return {uid: frozenset(parts) for uid, parts in by_id.items()}


def took_part(session: Session | Tx, case: m.Case | str) -> set[int]:
    """The ids of every user who ever took part in the case's evaluation (see `participation`):
    none of them may vote on it, issue its certificate or decide an appeal of it."""
    return set(participation(session, case))


def relation_ever(session: Session, case: m.Case, user_id: int) -> CaseRelation:
    """The user's relation to the case today (team, reviews) and everything they ever did on it."""
    from .views import relation

    today = relation(session, case, user_id)
    parts = participation(session, case).get(user_id, frozenset())
    return CaseRelation(today.team_member, today.team_leader, today.document_reviewer, parts)


def participants_by_name(session: Session, case: m.Case) -> dict[str, tuple[str, ...]]:
    """login → how they took part (Part values), for the case view (the window explains a disabled
    independent action with it)."""
    found = participation(session, case)
    if not found:
        return {}
    names = dict(session.execute(select(m.User.id, m.User.name).where(m.User.id.in_(list(found)))).all())
    return {
        names[uid]: tuple(p.value for p in Part if p in parts) for uid, parts in found.items() if uid in names
    }
