"""What importing a validated package would change: actions, unchanged records and conflicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...core import audit_rules
from ...core.errors import NotFound, Refused
from ...core.rubric import (
    Rubric,
    RubricRegistry,
)
from ...core.scoring import (
    compute,
)
from ...core.workflow import CaseState
from ...storage import models as m
from ..rubrics import RUBRIC_PREFIX
from ..views import get_case_row
from .laptop import preview_team
from .results import PackageChange, PackageConflict
from .store import (
    LAPTOP_ORIGIN_KEY,
    _conclusion,
    _current,
    _database_id,
    _is_empty,
    _Keys,
    _names,
    _Row,
    _setting,
    _sync,
)
from .trust import signer_allowed, verify_return
from .validate import _bad, _check_score, _in_case, _Package
from .wire import (
    CREATE_ONLY,
    NO_EDIT,
    VERSIONED_TYPES,
    CheckoutCase,
    ConclusionValue,
    NonconformityValue,
    ReturnCase,
    ScoreValue,
    SpecialValue,
    _label,
    _plain_json,
    _same,
    _users_in,
)


@dataclass
class _Action:
    """A planned write."""

    case_no: str
    type: str
    key: str
    op: str  # create | update | delete
    row: _Row | None
    value: Any
    change: PackageChange


@dataclass
class _CasePlan:
    case_no: str
    actions: list[_Action] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[PackageConflict] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    kept: dict[str, Any] = field(default_factory=dict)  # laptop values the caller chose not to take
    nc_ids: dict[str, int] = field(default_factory=dict)  # the case's nonconformities by key
    signer: str = ""  # a return: the team member whose signature vouches for it


def _change(case_no: str, type_: str, key: str, op: str, before: Any, after: Any) -> PackageChange:
    shown = after if after is not None else before
    return PackageChange(
        case_no, type_, key, _label(type_, key, shown), op, _plain_json(before), _plain_json(after)
    )


def _check_rubrics(package: _Package, registry: RubricRegistry, session: Session | None) -> list[str]:
    """Refuse a rubric this computer holds in another revision; return the ids it lacks."""
    lacking = []
    for rubric_id, loaded in package.rubrics.items():
        mine = registry.get(rubric_id).sha256 if rubric_id in registry else None
        stored = _setting(session, RUBRIC_PREFIX + rubric_id) if session is not None else None
        if stored is not None:
            mine = mine or stored["sha256"]
        if mine is not None and mine != loaded.sha256:
            raise Refused(
                "rubric_mismatch",
                f"this computer has another file for rubric {rubric_id} (SHA-256 {mine[:12]}…) than the "
                f"package (SHA-256 {loaded.sha256[:12]}…); a revision of a rubric must be a new file",
                f"本机评价规则 {rubric_id} 的文件与审核包中的不同；规则修订应为新文件",
            )
        if mine is None:
            lacking.append(rubric_id)
    return lacking


def _plan_checkout(session: Session | None, package: _Package) -> list[_CasePlan]:
    """A checkout goes into a new laptop database, or one made from the same office: never into an
    office database (its accounts and cases are not the package's to touch)."""
    target_id = _database_id(session) if session is not None else None
    if target_id is not None and target_id == package.manifest.source_database:
        raise Refused(
            "package_own",
            "this package was exported from this database; import it on the laptop",
            "该审核包由本数据库导出，请在笔记本电脑上导入",
        )
    if session is not None and not _is_empty(session):
        origin = _setting(session, LAPTOP_ORIGIN_KEY)
        if origin != package.manifest.origin_database:
            raise Refused(
                "package_not_laptop",
                "cases taken out of the office go into a new laptop database, or into a laptop database "
                "made from the same office; this database is neither (an office database is never "
                "changed by a checkout)",
                "带出的案件只能导入新的现场笔记本数据库，或由同一办公室数据库生成的笔记本数据库；"
                "本数据库两者都不是（办公室数据库不接受带出的审核包）",
            )
    plans = []
    for case_no, doc in package.cases.items():
        assert isinstance(doc, CheckoutCase)
        if session is not None:
            sync = _sync(session, case_no)
            if sync.get("checkout", {}).get("package_id") == package.manifest.package_id:
                raise Refused(
                    "already_imported",
                    f"package {package.manifest.package_id[:8]} was already imported here "
                    f"({case_no}); nothing was changed",
                    f"该审核包已导入过（{case_no}），未做任何更改",
                )
            if session.scalar(select(m.Case.id).where(m.Case.case_no == case_no)) is not None:
                raise Refused(
                    "case_exists",
                    f"case {case_no} is already in this database; bring its results back to the office "
                    "first and take it out again into a new laptop database",
                    f"本库中已有案件 {case_no}",
                )
        plan = _CasePlan(case_no)
        plan.actions.append(
            _Action(
                case_no,
                "case",
                case_no,
                "create",
                None,
                doc,
                _change(case_no, "case", case_no, "create", None, doc.case),
            )
        )
        for record in doc.records:
            plan.actions.append(
                _Action(
                    case_no,
                    record.type,
                    record.key,
                    "create",
                    None,
                    record,
                    _change(case_no, record.type, record.key, "create", None, record.value),
                )
            )
        plans.append(plan)
    return plans


def _plan_return(
    session: Session, package: _Package, resolve: Mapping[str, str], *, lock: bool = False
) -> list[_CasePlan]:
    manifest = package.manifest
    target_id = _database_id(session)
    if target_id != manifest.origin_database:
        raise Refused(
            "package_wrong_database",
            "these results belong to cases taken out of another database; import them where they came from",
            "这些结果属于从另一个数据库带出的案件，请导入其来源数据库",
        )
    assert target_id is not None
    names = _names(session)
    source = manifest.source_database
    plans = []
    for entry in manifest.cases:
        case_no = entry.case_no
        doc = package.cases[case_no]
        assert isinstance(doc, ReturnCase)
        try:
            case = get_case_row(session, case_no, lock=lock)
        except NotFound:
            raise Refused(
                "not_found", f"case {case_no} does not exist here", f"本库中没有案件 {case_no}"
            ) from None
        if case.rubric_id == entry.rubric_id:
            try:
                audit_rules.rubric_unchanged(case_no, case.rubric_id, case.rubric_sha256, entry.rubric_sha256)
            except Refused as exc:
                raise _in_case(case_no, exc) from None
        else:
            raise Refused(
                "rubric_mismatch",
                f"case {case_no} is pinned here to rubric {case.rubric_id} ({case.rubric_sha256[:12]}…), "
                f"the package to {entry.rubric_id} ({entry.rubric_sha256[:12]}…)",
                f"案件 {case_no} 在本库与审核包中使用的评价规则不同",
            )
        signed = verify_return(session, doc, package.signature, package.manifest_bytes, target_id)
        sync = _sync(session, case_no)
        earlier = sync.get("returns", {}).get(source, {})
        if earlier.get("package_id") == manifest.package_id:
            raise Refused(
                "already_imported",
                f"package {manifest.package_id[:8]} was already imported ({case_no}); nothing was changed",
                f"该审核包已导入过（{case_no}），未做任何更改",
            )
        if int(earlier.get("seq", 0)) >= doc.return_seq:
            raise Refused(
                "package_outdated",
                f"a newer package of case {case_no} from this laptop was already imported (return "
                f"{earlier.get('seq')}; this is return {doc.return_seq}); nothing was changed",
                f"已导入该笔记本电脑上案件 {case_no} 更新的审核包，未做任何更改",
            )
        applied: Mapping[str, int] = earlier.get("applied", {})
        keys = _Keys(target_id, sync.get("links", {}))
        rows = _current(session, case, keys, names)
        team = {r.value.user for r in rows.values() if r.type == "team"}
        kept: Mapping[str, Any] = earlier.get("kept", {})
        plan = _CasePlan(case_no, kept=dict(kept), signer=signed.signer)
        plan.nc_ids = {r.key: r.id for r in rows.values() if r.type == "nonconformity" and r.id is not None}
        for change in doc.changes:
            rkey = f"{change.type}/{change.key}"
            if change.type == "case":
                row: _Row | None = _Row("case", case_no, case.id, case.version, _conclusion(case))
            else:
                row = rows.get(rkey)
            current = row.value if row is not None else None
            if (
                _same(change.type, current, change.value)
                or (change.base is not None and _same(change.type, change.base, change.value))
                or (rkey in kept and kept[rkey] == _plain_json(change.value))
            ):
                # already here; or not changed on the laptop, or a laptop value the office declined
                # before: the office's value stands
                plan.unchanged += 1
                continue
            introduced = _users_in(change.value) - _users_in(change.base) - _users_in(current)
            for who in introduced:  # whoever made a change on the laptop is on this case's team
                if who not in team:
                    raise _bad(case_no, f"{who} is not on the audit team of this case", "not_on_team")
            created_here = row is None and change.base is None and keys.is_own(change.key)
            if change.type in VERSIONED_TYPES:
                expected = applied.get(rkey, change.base_version)
                untouched = (row is None and change.base is None and not created_here) or (
                    row is not None and expected is not None and row.version == expected
                )
            else:
                untouched = _same(change.type, current, change.base) and not created_here
            op = "create" if row is None else ("delete" if change.value is None else "update")
            if op == "update" and change.type in NO_EDIT:
                raise _bad(case_no, f"{change.type} records cannot be edited")
            if op == "delete" and change.type in CREATE_ONLY:
                raise _bad(case_no, f"{change.type} records cannot be removed")
            action = _Action(
                case_no,
                change.type,
                change.key,
                op,
                row,
                change.value,
                _change(case_no, change.type, change.key, op, current, change.value),
            )
            if untouched:
                plan.actions.append(action)
                continue
            conflict = PackageConflict(
                id=f"{case_no}/{rkey}",
                case_no=case_no,
                type=change.type,
                key=change.key,
                label=_label(change.type, change.key, change.value or change.base or current),
                base=_plain_json(change.base),
                office=_plain_json(current),
                package=_plain_json(change.value),
            )
            choice = resolve.get(conflict.id)
            if choice == "package":
                plan.actions.append(action)
                plan.resolved.append(conflict.id)
            elif choice == "office":
                plan.resolved.append(conflict.id)
                plan.kept[rkey] = _plain_json(change.value)
            else:
                plan.conflicts.append(conflict)
        expected_status = earlier.get("status", doc.base_status.value)
        if plan.actions and case.status != expected_status:
            plan.conflicts.append(
                PackageConflict(
                    id=f"{case_no}/case/state",
                    case_no=case_no,
                    type="case",
                    key=case_no,
                    label=f"case {case_no} state",
                    base={"status": expected_status},
                    office={"status": case.status},
                    package={"status": expected_status},
                    resolvable=False,
                )
            )
        concludes = any(
            a.type == "case" and a.value.status == CaseState.committee_review.value for a in plan.actions
        )
        laptop_state = next(c.value.status for c in doc.changes if c.type == "case" and c.value is not None)
        signer_allowed(session, case, signed.signer, laptop_state, concludes)
        if not plan.conflicts:
            _check_final(plan, case, rows, package.rubrics[entry.rubric_id].rubric)
        plans.append(plan)
    return plans


SCORING_TYPES = frozenset({"score", "evidence", "nonconformity", "special"})
FORWARD = {
    (CaseState.document_review, CaseState.onsite_audit),
    (CaseState.document_review, CaseState.committee_review),
    (CaseState.onsite_audit, CaseState.committee_review),
}


def _check_final(plan: _CasePlan, case: m.Case, rows: Mapping[str, _Row], rubric: Rubric) -> None:
    """The case as it would be after the import must obey the same rules as one scored here."""
    final: dict[str, Any] = {rkey: row.value for rkey, row in rows.items()}
    status = CaseState(case.status)
    conclusion: ConclusionValue | None = None
    for action in plan.actions:
        if action.type == "case":
            conclusion = action.value
            continue
        rkey = f"{action.type}/{action.key}"
        if action.value is None:
            final.pop(rkey, None)
        else:
            final[rkey] = action.value
    case_no = plan.case_no
    if conclusion is not None and conclusion.status != status:
        if (status, conclusion.status) not in FORWARD:
            raise _bad(case_no, f"cannot go from {status.value} to {conclusion.status.value}", "bad_state")
        status = conclusion.status
    if status == CaseState.document_review and any(a.type in SCORING_TYPES for a in plan.actions):
        raise _bad(
            case_no, "scores and nonconformities need the case on site, not in document review", "bad_state"
        )
    entries = {v.code: _check_score(rubric, case_no, v) for v in final.values() if isinstance(v, ScoreValue)}
    specials = [v for v in final.values() if isinstance(v, SpecialValue)]
    ncs = {k.split("/", 1)[1]: v for k, v in final.items() if isinstance(v, NonconformityValue)}
    for special in specials:
        if special.nonconformity is not None and special.nonconformity not in ncs:
            raise _bad(case_no, "a special deduction would lose its nonconformity")
    deductions = sum(s.kind == "deduction" for s in specials)
    bonuses = sum(s.kind == "bonus" for s in specials)
    try:
        audit_rules.bonus_allowed(rubric, bonuses)
    except Refused as exc:
        raise _in_case(case_no, exc) from None
    result = compute(rubric, entries, deductions, bonuses)
    if not (
        conclusion is not None
        and conclusion.status == CaseState.committee_review
        and any(a.type == "case" for a in plan.actions)
    ):
        return
    # concluded on the laptop: the rules of a conclusion, as the team leader's service applies them
    try:
        audit_rules.conclusion_allowed(result, sorted(k for k, v in ncs.items() if v.status == "open"))
    except Refused as exc:
        raise _in_case(case_no, exc) from None
    if not (conclusion.conclusion_summary or "").strip():
        raise _bad(case_no, "the audit conclusion is required", "missing_value", "评审结论不能为空")
    grade = result.grade.value if result.grade else None
    if conclusion.recommended_total != result.total or conclusion.recommended_grade != grade:
        raise _bad(
            case_no,
            f"the conclusion says {conclusion.recommended_total} {conclusion.recommended_grade or 'no grade'}, "
            f"the scores give {result.total} {grade or 'no grade'}",
            "bad_conclusion",
        )


def _plan_return_offline(package: _Package) -> list[_CasePlan]:
    """What a return package says it changed, without a database to compare with."""
    plans = []
    for case_no, doc in package.cases.items():
        assert isinstance(doc, ReturnCase)
        plan = _CasePlan(case_no)
        for change in doc.changes:
            if change.base is not None and _same(change.type, change.base, change.value):
                plan.unchanged += 1
                continue
            op = "create" if change.base is None else ("delete" if change.value is None else "update")
            plan.actions.append(
                _Action(
                    case_no,
                    change.type,
                    change.key,
                    op,
                    None,
                    change.value,
                    _change(case_no, change.type, change.key, op, change.base, change.value),
                )
            )
        plans.append(plan)
    return plans


# -- writing ----------------------------------------------------------------------------------------


def _account_preview(session: Session | None, package: _Package) -> list[PackageChange]:
    assert package.team is not None
    return preview_team(session, package.team)


# == rubrics brought by packages =====================================================================
