"""Reading a case out of the store in package form, and the settings a package keeps per case."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...storage import models as m
from ..certificates import DATABASE_ID_KEY
from .wire import VALUE_MODELS, CaseValue, ConclusionValue, OrgValue, _canon

SYNC_PREFIX = "package:"
# In the office: what each checkout issued (member keys) and sent (the base of every record).
CHECKOUT_PREFIX = "checkout:"
# On a laptop: the office database it was made from (its team's keys: services.laptop).
LAPTOP_ORIGIN_KEY = "laptop:origin"


def _setting(session: Session, key: str) -> Any:
    row = session.get(m.Setting, key)
    return None if row is None else json.loads(row.value)


def _put_setting(session: Session, key: str, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    row = session.get(m.Setting, key)
    if row is None:
        session.add(m.Setting(key=key, value=text))
    else:
        row.value = text


def _database_id(session: Session) -> str | None:
    value = _setting(session, DATABASE_ID_KEY)
    return str(value) if value else None


def _ensure_database_id(session: Session) -> str:
    db_id = _database_id(session)
    if db_id is None:
        db_id = uuid.uuid4().hex
        _put_setting(session, DATABASE_ID_KEY, db_id)
    return db_id


def _digest(value: Any) -> str:
    """The SHA-256 of a record's value as the package carries it (JSON, sorted keys)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _is_empty(session: Session) -> bool:
    """A database with no user and no event yet: new, or left by a killed first import."""
    return (
        session.scalar(select(m.User.id).limit(1)) is None
        and session.scalar(select(m.Event.seq).limit(1)) is None
    )


def _sync(session: Session, case_no: str) -> dict[str, Any]:
    return _setting(session, SYNC_PREFIX + case_no) or {}


class _Keys:
    """Keys of this database's rows: the foreign key a row arrived under, else its own."""

    def __init__(self, db_id: str, links: Mapping[str, int]) -> None:
        self.db_id = db_id
        self.links = dict(links)
        self.reverse = {(k.split(":", 1)[0], v): k for k, v in self.links.items()}

    def key(self, type_: str, row_id: int) -> str:
        return self.reverse.get((type_, row_id)) or f"{type_}:{self.db_id}:{row_id}"

    def link(self, key: str, row_id: int) -> None:
        if key != f"{key.split(':', 1)[0]}:{self.db_id}:{row_id}":
            self.links[key] = row_id
            self.reverse[(key.split(":", 1)[0], row_id)] = key

    def is_own(self, key: str) -> bool:
        parts = key.split(":")
        return len(parts) == 3 and parts[1] == self.db_id


@dataclass
class _Row:
    type: str
    key: str
    id: int | None
    version: int | None
    value: Any  # a value model

    @property
    def rkey(self) -> str:
        return f"{self.type}/{self.key}"


def _names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(m.User.id, m.User.name)).all())


def _case_value(session: Session, case: m.Case) -> CaseValue:
    parent = session.get(m.Certificate, case.parent_certificate_id) if case.parent_certificate_id else None
    raw = {
        "case_no": case.case_no,
        "kind": case.kind,
        "status": case.status,
        "enterprise_type": case.enterprise_type,
        "rubric_id": case.rubric_id,
        "rubric_sha256": case.rubric_sha256,
        "headcount": case.headcount,
        "scope": case.scope,
        "contract_no": case.contract_no,
        "fee": case.fee,
        "document_days": case.document_days,
        "onsite_days": case.onsite_days,
        "days_override_reason": case.days_override_reason,
        "committee_round": case.committee_round,
        "conclusion_summary": case.conclusion_summary,
        "recommended_total": case.recommended_total,
        "recommended_grade": case.recommended_grade,
        "decided_grade": case.decided_grade,
        "parent_certificate": parent.number if parent else None,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }
    return _canon(CaseValue, raw)  # type: ignore[no-any-return]


def _conclusion(case: m.Case) -> ConclusionValue:
    raw = {
        "status": case.status,
        "conclusion_summary": case.conclusion_summary,
        "recommended_total": case.recommended_total,
        "recommended_grade": case.recommended_grade,
    }
    return _canon(ConclusionValue, raw)  # type: ignore[no-any-return]


def _org_value(org: m.Organization) -> OrgValue:
    raw = {
        "name": org.name,
        "credit_code": org.credit_code,
        "address": org.address,
        "name_pinyin": org.name_pinyin,
        "name_initials": org.name_initials,
    }
    return _canon(OrgValue, raw)  # type: ignore[no-any-return]


def _current(session: Session, case: m.Case, keys: _Keys, names: Mapping[int, str]) -> dict[str, _Row]:
    """Every record of a case in package form, by `<type>/<key>`."""
    rows: dict[str, _Row] = {}

    def put(type_: str, key: str, row_id: int, version: int | None, raw: Mapping[str, Any]) -> None:
        row = _Row(type_, key, row_id, version, _canon(VALUE_MODELS[type_], raw))
        rows[row.rkey] = row

    for mat in session.scalars(
        select(m.Material).where(m.Material.case_id == case.id).order_by(m.Material.item_no)
    ):
        files = session.scalars(
            select(m.MaterialFile).where(m.MaterialFile.material_id == mat.id).order_by(m.MaterialFile.id)
        )
        put(
            "material",
            str(mat.item_no),
            mat.id,
            None,
            {
                "item_no": mat.item_no,
                "status": mat.status,
                "reason": mat.reason,
                "files": [
                    {"sha256": f.sha256, "filename": f.filename, "added_at": f.added_at} for f in files
                ],
            },
        )
    for t in session.scalars(
        select(m.TeamMember).where(m.TeamMember.case_id == case.id).order_by(m.TeamMember.id)
    ):
        put("team", names[t.user_id], t.id, None, {"user": names[t.user_id], "leader": t.is_leader})
    for r in session.scalars(
        select(m.DocumentReview).where(m.DocumentReview.case_id == case.id).order_by(m.DocumentReview.id)
    ):
        put(
            "review",
            keys.key("review", r.id),
            r.id,
            None,
            {
                "reviewer": names[r.reviewer_id],
                "outcome": r.outcome,
                "note": r.note,
                "created_at": r.created_at,
                "findings": [{"category": f.category_code, "text": f.text} for f in r.findings],
            },
        )
    for s in session.scalars(
        select(m.IndicatorScore).where(m.IndicatorScore.case_id == case.id).order_by(m.IndicatorScore.id)
    ):
        put(
            "score",
            s.code,
            s.id,
            s.version,
            {
                "code": s.code,
                "points": s.points,
                "not_applicable": s.not_applicable,
                "reason": s.reason,
                "note": s.note,
                "sampled": s.sampled,
                "nonconforming": s.nonconforming,
                "updated_by": names[s.updated_by],
                "updated_at": s.updated_at,
            },
        )
    for e in session.scalars(select(m.Evidence).where(m.Evidence.case_id == case.id).order_by(m.Evidence.id)):
        put(
            "evidence",
            keys.key("evidence", e.id),
            e.id,
            None,
            {
                "code": e.code,
                "note": e.note,
                "sha256": e.sha256,
                "filename": e.filename,
                "added_by": names[e.added_by],
                "added_at": e.added_at,
            },
        )
    for n in session.scalars(
        select(m.Nonconformity).where(m.Nonconformity.case_id == case.id).order_by(m.Nonconformity.id)
    ):
        put(
            "nonconformity",
            keys.key("nonconformity", n.id),
            n.id,
            n.version,
            {
                "code": n.code,
                "text": n.text,
                "deadline": n.deadline,
                "status": n.status,
                "corrective_action": n.corrective_action,
                "raised_by": names[n.raised_by],
                "raised_at": n.raised_at,
                "closed_by": names[n.closed_by] if n.closed_by else None,
                "closed_at": n.closed_at,
            },
        )
    for sp in session.scalars(
        select(m.SpecialItem).where(m.SpecialItem.case_id == case.id).order_by(m.SpecialItem.id)
    ):
        put(
            "special",
            keys.key("special", sp.id),
            sp.id,
            None,
            {
                "kind": sp.kind,
                "reason": sp.reason,
                "nonconformity": keys.key("nonconformity", sp.nonconformity_id)
                if sp.nonconformity_id
                else None,
                "created_by": names[sp.created_by],
                "created_at": sp.created_at,
            },
        )
    for v in session.scalars(
        select(m.CommitteeVote).where(m.CommitteeVote.case_id == case.id).order_by(m.CommitteeVote.id)
    ):
        put(
            "vote",
            f"{v.round}:{names[v.user_id]}",
            v.id,
            None,
            {
                "round": v.round,
                "user": names[v.user_id],
                "decision": v.decision,
                "grade": v.grade,
                "comment": v.comment,
                "created_at": v.created_at,
            },
        )
    return rows


# == export ==========================================================================================
