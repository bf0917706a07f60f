"""On-site scoring: points, not applicable, sampled indicators, evidence, special items,
nonconformities and their rectification, and the team leader's conclusion."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, Table, bindparam, delete, insert, select, update

from ..core import audit_rules
from ..core.errors import Conflict, NotFound, Refused
from ..core.policy import Action, require
from ..core.rubric import Indicator, LoadedRubric
from ..core.scoring import IndicatorEntry, ScoreResult, compute
from ..core.workflow import CaseState
from ..storage import models as m
from .base import Actor, Services, Tx
from .checks import file_name, rubric_unchanged
from .checks import reason as _reason
from .checks import text as _text
from .views import (
    CaseAccess,
    CaseDetail,
    case_access,
    detail_view,
    entries_of,
    get_case_row,
    relation,
    rubric_for,
    score_of,
    special_counts,
)


@dataclass(frozen=True)
class ScoreChange:
    """What one score edit changed: the indicator's entry and version, and the new totals."""

    case_no: str
    code: str
    entry: IndicatorEntry | None
    version: int | None
    score: ScoreResult


class SheetRow(Protocol):
    """One indicator read back from a score sheet (reports.score_sheet.ParsedIndicator fits)."""

    @property
    def code(self) -> str: ...
    @property
    def points(self) -> Decimal | None: ...
    @property
    def not_applicable(self) -> bool: ...
    @property
    def note(self) -> str: ...


_SCORE_FIELDS = ("points", "not_applicable", "reason", "note", "sampled", "nonconforming")

# The single-indicator edits read and write through Core statements built once: the edit is the
# auditor's keystroke, and the ORM's unit of work costs several times what these statements do.
_SCORES = cast(Table, m.IndicatorScore.__table__)
_CASES = cast(Table, m.Case.__table__)
# The new values of an update are passed with the execution: Core sets the columns they name.
_ONE_SCORE = (_SCORES.c.case_id == bindparam("score_case")) & (_SCORES.c.code == bindparam("score_code"))
_INSERT_SCORE = insert(_SCORES)
_UPDATE_SCORE = (
    update(_SCORES)
    .where(_ONE_SCORE, _SCORES.c.version == bindparam("expected"))
    .values(version=_SCORES.c.version + 1)
)
_DELETE_SCORE = delete(_SCORES).where(_ONE_SCORE, _SCORES.c.version == bindparam("expected"))
_TOUCH_CASE = (
    update(_CASES)
    .where(_CASES.c.id == bindparam("case_id"), _CASES.c.version == bindparam("expected"))
    .values(updated_at=bindparam("now"), version=_CASES.c.version + 1)
)


def _fields(entry: IndicatorEntry) -> dict[str, object]:
    return {key: getattr(entry, key) for key in _SCORE_FIELDS}


@dataclass
class _Scoring:
    """A case opened for scoring in one transaction: checked, with its rubric and its current scores.

    The edits keep `entries` and `versions` as they write, so the totals are computed from them
    without reading the scores again.
    """

    case: CaseAccess
    loaded: LoadedRubric
    entries: dict[str, IndicatorEntry]
    versions: dict[str, int]
    deductions: int
    bonus: int
    case_version: int
    case_updated_at: datetime

    def score(self) -> ScoreResult:
        return compute(self.loaded.rubric, self.entries, self.deductions, self.bonus)

    def version_of(self, code: str, expected_version: int | None) -> int:
        """The stored version of the score (0: none); Conflict if the caller saw another one."""
        current = self.versions.get(code, 0)
        if expected_version is not None and expected_version != current:
            raise Conflict(f"the score of {code}", f"指标 {code} 的评分")
        return current


def _changed(result: CursorResult[Any]) -> None:
    # The rows are locked for the transaction, so this is a safeguard, refused like the ORM's check.
    if result.rowcount != 1:
        raise Conflict("the record", "该记录")


class AuditService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def _case(self, tx: Tx, case_no: str, action: Action) -> tuple[m.Case, LoadedRubric]:
        case = get_case_row(tx.session, case_no, lock=True)
        require(action, tx.roles(), CaseState(case.status), relation(tx.session, case, tx.actor.id))
        loaded = rubric_for(self.s, case)
        rubric_unchanged(case_no, case.rubric_id, case.rubric_sha256, loaded)
        return case, loaded

    def _scoring(self, tx: Tx, case_no: str) -> _Scoring:
        """The case locked and checked as `_case(tx, case_no, Action.score)` does, with its scores."""
        case = case_access(tx.session, case_no, tx.actor.id, lock=True)
        roles = tx.stored_roles(case.user_roles, case.user_active)
        require(Action.score, roles, CaseState(case.status), case.relation)
        loaded = rubric_for(self.s, case)
        rubric_unchanged(case_no, case.rubric_id, case.rubric_sha256, loaded)
        entries, versions = entries_of(tx.session, case.id)
        deductions, bonus = special_counts(tx.session, case.id)
        return _Scoring(case, loaded, entries, versions, deductions, bonus, case.version, case.updated_at)

    @staticmethod
    def _indicator(loaded: LoadedRubric, code: str) -> Indicator:
        return audit_rules.indicator(loaded.rubric, code)

    @staticmethod
    def _touch(tx: Tx, sc: _Scoring) -> None:
        """Stamp the case as updated now (one version step per transaction, as the ORM would)."""
        if sc.case_updated_at == tx.now:
            return
        _changed(
            tx.session.connection().execute(
                _TOUCH_CASE, {"case_id": sc.case.id, "expected": sc.case_version, "now": tx.now}
            )
        )
        sc.case_version += 1
        sc.case_updated_at = tx.now

    def _write(
        self,
        tx: Tx,
        sc: _Scoring,
        code: str,
        expected_version: int | None,
        action: str,
        event_reason: str = "",
        **values: object,
    ) -> ScoreChange:
        current = sc.version_of(code, expected_version)
        old = sc.entries.get(code)
        # Whatever the edit, the indicator's whole entry must obey the rules (core.audit_rules).
        entry = replace(old or IndicatorEntry(code), **values)  # type: ignore[arg-type]
        entry = audit_rules.entry(self._indicator(sc.loaded, code), entry)
        after = _fields(entry)
        connection = tx.session.connection()
        stamp = {"updated_by": tx.actor.id, "updated_at": tx.now}
        if old is None:
            connection.execute(
                _INSERT_SCORE, {"case_id": sc.case.id, "code": code, "version": 1, **after, **stamp}
            )
        else:
            _changed(
                connection.execute(
                    _UPDATE_SCORE,
                    {"score_case": sc.case.id, "score_code": code, "expected": current, **after, **stamp},
                )
            )
        self._touch(tx, sc)
        before = None if old is None else _fields(old)
        tx.record(
            action, "score", f"{sc.case.case_no}/{code}", before=before, after=after, reason=event_reason
        )
        sc.entries[code] = entry
        sc.versions[code] = current + 1
        return ScoreChange(sc.case.case_no, code, entry, current + 1, sc.score())

    def _remove(self, tx: Tx, sc: _Scoring, code: str) -> IndicatorEntry:
        """Delete the indicator's stored score (the caller checked it exists) and return it."""
        _changed(
            tx.session.connection().execute(
                _DELETE_SCORE, {"score_case": sc.case.id, "score_code": code, "expected": sc.versions[code]}
            )
        )
        del sc.versions[code]
        return sc.entries.pop(code)

    # -- scoring ----------------------------------------------------------------------------------
    def set_points(
        self,
        actor: Actor,
        case_no: str,
        code: str,
        points: object,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> ScoreChange:
        with self.s.tx(actor) as tx:
            sc = self._scoring(tx, case_no)
            value = audit_rules.points(self._indicator(sc.loaded, code), points)
            extra = {} if note is None else {"note": _text(note, "note", "说明", required=False)}
            return self._write(
                tx,
                sc,
                code,
                expected_version,
                "score.set",
                points=value,
                not_applicable=False,
                reason="",
                sampled=None,
                nonconforming=None,
                **extra,
            )

    def set_not_applicable(
        self,
        actor: Actor,
        case_no: str,
        code: str,
        reason: str,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> ScoreChange:
        reason = _text(reason, "a reason for not applicable", "不适用（删减）的原因")
        with self.s.tx(actor) as tx:
            sc = self._scoring(tx, case_no)
            self._indicator(sc.loaded, code)
            extra = {} if note is None else {"note": _text(note, "note", "说明", required=False)}
            return self._write(
                tx,
                sc,
                code,
                expected_version,
                "score.not_applicable",
                reason,
                points=None,
                not_applicable=True,
                reason=reason,
                sampled=None,
                nonconforming=None,
                **extra,
            )

    def score_sample(
        self,
        actor: Actor,
        case_no: str,
        code: str,
        sampled: int | None,
        nonconforming: int | None,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> ScoreChange:
        with self.s.tx(actor) as tx:
            sc = self._scoring(tx, case_no)
            value = audit_rules.sample_points(self._indicator(sc.loaded, code), sampled, nonconforming)
            extra = {} if note is None else {"note": _text(note, "note", "说明", required=False)}
            return self._write(
                tx,
                sc,
                code,
                expected_version,
                "score.sample",
                points=value,
                not_applicable=False,
                reason="",
                sampled=sampled,
                nonconforming=nonconforming,
                **extra,
            )

    def set_note(
        self, actor: Actor, case_no: str, code: str, note: str, expected_version: int | None = None
    ) -> ScoreChange:
        with self.s.tx(actor) as tx:
            sc = self._scoring(tx, case_no)
            self._indicator(sc.loaded, code)
            return self._write(
                tx,
                sc,
                code,
                expected_version,
                "score.note",
                note=_text(note, "note", "说明", required=False),
            )

    def clear(
        self, actor: Actor, case_no: str, code: str, expected_version: int | None = None
    ) -> ScoreChange:
        """Remove an indicator's score (used by undo); the removal is an event like any other edit."""
        with self.s.tx(actor) as tx:
            sc = self._scoring(tx, case_no)
            self._indicator(sc.loaded, code)
            if code not in sc.entries:
                return ScoreChange(case_no, code, None, None, sc.score())
            sc.version_of(code, expected_version)
            old = self._remove(tx, sc, code)
            self._touch(tx, sc)
            before = {
                "points": old.points,
                "not_applicable": old.not_applicable,
                "reason": old.reason,
                "note": old.note,
            }
            tx.record("score.clear", "score", f"{case_no}/{code}", before=before)
            return ScoreChange(case_no, code, None, None, sc.score())

    def apply_sheet(
        self, actor: Actor, case_no: str, rows: Iterable[SheetRow], source: str = ""
    ) -> ScoreResult:
        """Apply a re-imported score sheet: every row validated first, then all changes in one transaction.

        A row with no points that is not marked not applicable clears the indicator. Rows equal to
        what is stored change nothing and record nothing.
        """
        rows = list(rows)
        with self.s.tx(actor) as tx:
            sc = self._scoring(tx, case_no)
            problems: list[str] = []
            planned: list[tuple[str, dict[str, object]]] = []
            current = dict(sc.entries)
            seen: set[str] = set()
            for row in rows:
                if row.code in seen:
                    problems.append(f"{row.code}: appears twice")
                    continue
                seen.add(row.code)
                try:
                    indicator = self._indicator(sc.loaded, row.code)
                except Refused as exc:
                    problems.append(exc.message_en)
                    continue
                note = (row.note or "").strip()
                if row.not_applicable:
                    recorded = IndicatorEntry(row.code, None, True, note, "")
                elif row.points is None:
                    recorded = IndicatorEntry(row.code)
                else:
                    recorded = IndicatorEntry(row.code, row.points, False, "", note)
                try:
                    recorded = audit_rules.entry(indicator, recorded)
                except Refused as exc:
                    problems.append(exc.message_en)
                    continue
                values: dict[str, object] = (
                    {}
                    if not recorded.scored
                    else {
                        "points": recorded.points,
                        "not_applicable": recorded.not_applicable,
                        "reason": recorded.reason,
                        "note": recorded.note,
                    }
                )
                old = current.get(row.code)
                if not values:
                    if old is not None:
                        planned.append((row.code, {}))
                    continue
                if old is not None and (old.points, old.not_applicable, old.reason, old.note) == (
                    values["points"],
                    values["not_applicable"],
                    values["reason"],
                    values["note"],
                ):
                    continue
                planned.append((row.code, values))
            if problems:
                raise Refused("bad_sheet", "; ".join(problems), "评分表有误：" + "；".join(problems))
            for code, values in planned:
                if not values:
                    self._remove(tx, sc, code)
                    tx.record("score.clear", "score", f"{case_no}/{code}", reason=source)
                else:
                    self._write(
                        tx,
                        sc,
                        code,
                        None,
                        "score.import",
                        source,
                        sampled=None,
                        nonconforming=None,
                        **values,
                    )
            return sc.score()

    def restore(
        self,
        actor: Actor,
        case_no: str,
        code: str,
        entry: IndicatorEntry | None,
        expected_version: int | None = None,
    ) -> ScoreChange:
        """Put an indicator back exactly as `entry` (None: unscored) in one edit — what undo needs."""
        if entry is None:
            return self.clear(actor, case_no, code, expected_version)
        if entry.code != code:
            raise Refused(
                "bad_score",
                f"entry for {entry.code} given for {code}",
                f"给 {code} 的评分记录属于 {entry.code}",
            )
        with self.s.tx(actor) as tx:
            sc = self._scoring(tx, case_no)
            note = _text(entry.note, "note", "说明", required=False)
            reason = _text(
                entry.reason, "a reason for not applicable", "不适用（删减）的原因", required=False
            )
            return self._write(
                tx,
                sc,
                code,
                expected_version,
                "score.restore",
                points=entry.points,
                not_applicable=entry.not_applicable,
                reason=reason,
                note=note,
                sampled=entry.sampled,
                nonconforming=entry.nonconforming,
            )

    # -- evidence ---------------------------------------------------------------------------------
    def add_evidence(
        self, actor: Actor, case_no: str, code: str, note: str = "", file: Path | None = None
    ) -> CaseDetail:
        note = _text(note, "note", "说明", required=False)
        audit_rules.evidence(note, file is not None)
        name = None if file is None else file_name(Path(file))
        with self.s.tx(actor) as tx:
            case, loaded = self._case(tx, case_no, Action.score)
            self._indicator(loaded, code)
            digest = None
            if file is not None:
                digest, size = self.s.db.attachments.put_file(Path(file))
                if tx.session.get(m.Attachment, digest) is None:
                    tx.session.add(m.Attachment(sha256=digest, size=size, created_at=tx.now))
                    tx.session.flush()
            tx.session.add(
                m.Evidence(
                    case_id=case.id,
                    code=code,
                    note=note,
                    sha256=digest,
                    filename=name,
                    added_by=actor.id,
                    added_at=tx.now,
                )
            )
            case.updated_at = tx.now
            tx.session.flush()
            tx.record(
                "evidence.add",
                "case",
                case_no,
                after={"code": code, "note": note, "sha256": digest, "file": name},
            )
            return detail_view(self.s, tx.session, case)

    # -- special items ----------------------------------------------------------------------------
    def add_special(
        self,
        actor: Actor,
        case_no: str,
        kind: str,
        reason: str,
        deadline: date | None = None,
        *,
        open_nonconformity: bool = True,
    ) -> int:
        """A special deduction (−1) or the one special bonus (+1).

        A deduction opens a nonconformity that needs rectification (due by `deadline`, else after the
        `nonconformity_days` setting). The rule is core.audit_rules.special_item, the one the package
        import applies too: a deduction recorded without its nonconformity (`open_nonconformity=False`,
        as a hand-made return would carry it) is refused here as there.
        """
        audit_rules.special_item(kind, kind == "deduction" and open_nonconformity)
        reason = _reason(reason)
        with self.s.tx(actor) as tx:
            case, loaded = self._case(tx, case_no, Action.score)
            nc_id = None
            if kind == "bonus":
                count = len(
                    tx.session.scalars(
                        select(m.SpecialItem.id).where(
                            m.SpecialItem.case_id == case.id, m.SpecialItem.kind == "bonus"
                        )
                    ).all()
                )
                audit_rules.bonus_allowed(loaded.rubric, count + 1)
            else:
                nc = self._new_nc(tx, case, None, f"特别扣分项：{reason}", deadline)
                nc_id = nc.id
            item = m.SpecialItem(
                case_id=case.id,
                kind=kind,
                reason=reason,
                nonconformity_id=nc_id,
                created_by=actor.id,
                created_at=tx.now,
            )
            tx.session.add(item)
            case.updated_at = tx.now
            tx.session.flush()
            tx.record(
                "special.add",
                "case",
                case_no,
                after={"id": item.id, "kind": kind, "nonconformity": nc_id},
                reason=reason,
            )
            return item.id

    def remove_special(self, actor: Actor, case_no: str, item_id: int, reason: str) -> None:
        reason = _reason(reason)
        with self.s.tx(actor) as tx:
            case, _ = self._case(tx, case_no, Action.score)
            item = tx.session.get(m.SpecialItem, item_id)
            if item is None or item.case_id != case.id:
                raise NotFound("special item", item_id, "特别项")
            before = {
                "id": item.id,
                "kind": item.kind,
                "reason": item.reason,
                "nonconformity": item.nonconformity_id,
            }
            nc_id = item.nonconformity_id
            tx.session.delete(item)
            tx.session.flush()
            if nc_id is not None:
                tx.session.execute(delete(m.Nonconformity).where(m.Nonconformity.id == nc_id))
            case.updated_at = tx.now
            tx.record("special.remove", "case", case_no, before=before, reason=reason)

    # -- nonconformities --------------------------------------------------------------------------
    def _new_nc(
        self, tx: Tx, case: m.Case, code: str | None, text: str, deadline: date | None
    ) -> m.Nonconformity:
        if deadline is None:
            days = self.s.settings.get("nonconformity_days", tx.session)
            deadline = tx.now.date() + timedelta(days=int(days))
        elif deadline < tx.now.date():
            raise Refused(
                "bad_deadline", "the rectification deadline cannot be in the past", "整改期限不能早于今天"
            )
        nc = m.Nonconformity(
            case_id=case.id,
            code=code,
            text=text,
            deadline=deadline,
            status="open",
            raised_by=tx.actor.id,
            raised_at=tx.now,
        )
        tx.session.add(nc)
        tx.session.flush()
        tx.record(
            "nc.raise",
            "nonconformity",
            nc.id,
            after={"case": case.case_no, "code": code, "text": text, "deadline": deadline},
        )
        return nc

    def raise_nonconformity(
        self, actor: Actor, case_no: str, code: str | None, text: str, deadline: date | None = None
    ) -> int:
        text = _text(text, "the nonconformity", "不符合项描述")
        with self.s.tx(actor) as tx:
            case, loaded = self._case(tx, case_no, Action.manage_nonconformity)
            if code is not None:
                self._indicator(loaded, code)
            nc = self._new_nc(tx, case, code, text, deadline)
            case.updated_at = tx.now
            return nc.id

    def close_nonconformity(self, actor: Actor, case_no: str, nc_id: int, corrective_action: str) -> None:
        """Record the corrective action and the team's verification of its effect, and close it."""
        action_text = _text(corrective_action, "the corrective action", "纠正措施", required=False)
        audit_rules.nonconformity_closure(True, action_text)
        with self.s.tx(actor) as tx:
            case, _ = self._case(tx, case_no, Action.manage_nonconformity)
            nc = tx.session.get(m.Nonconformity, nc_id)
            if nc is None or nc.case_id != case.id:
                raise NotFound("nonconformity", nc_id, "不符合项")
            if nc.status != "open":
                raise Refused(
                    "nc_closed", f"nonconformity {nc_id} is already closed", f"不符合项 {nc_id} 已关闭"
                )
            nc.status = "closed"
            nc.corrective_action = action_text
            nc.closed_by = actor.id
            nc.closed_at = tx.now
            case.updated_at = tx.now
            tx.session.flush()
            tx.record(
                "nc.close",
                "nonconformity",
                nc_id,
                before={"status": "open"},
                after={"status": "closed", "corrective_action": action_text},
            )

    # -- conclusion -------------------------------------------------------------------------------
    def conclude(self, actor: Actor, case_no: str, summary: str) -> CaseDetail:
        summary = _text(summary, "the audit conclusion", "评审结论")
        with self.s.tx(actor) as tx:
            case, loaded = self._case(tx, case_no, Action.conclude)
            result = score_of(self.s, tx.session, case)
            open_ncs = tx.session.scalars(
                select(m.Nonconformity.id).where(
                    m.Nonconformity.case_id == case.id, m.Nonconformity.status == "open"
                )
            ).all()
            audit_rules.conclusion_allowed(result, open_ncs)
            case.conclusion_summary = summary
            case.recommended_total = result.total
            case.recommended_grade = result.grade.value if result.grade else None
            before = case.status
            case.status = CaseState.committee_review.value
            case.updated_at = tx.now
            tx.session.flush()
            tx.record(
                "audit.conclude",
                "case",
                case_no,
                before={"status": before},
                after={
                    "status": case.status,
                    "total": result.total,
                    "grade": case.recommended_grade,
                    "passed": result.passed,
                    "rubric_sha256": loaded.sha256,
                    "summary": summary,
                },
            )
            return detail_view(self.s, tx.session, case)
